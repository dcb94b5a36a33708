// Worker thread of `ListWorkers`: loads a model version, builds its serving index, and computes
// the precomputed candidate lists of ranges of its training users.
import { serveHandlers } from "../math/worker-handlers.js";
import { loadModel } from "../models/model-kinds.js";
import { listsInProcess } from "./precomputed-lists.js";
import { ServingModel } from "./serving-model.js";

/** What `open` needs: the version's directory and the list size. */
export interface ListWorkerSetup {
  modelDir: string;
  size: number;
}

let state: ReturnType<typeof listsInProcess> | null = null;

serveHandlers({
  async open(setup: ListWorkerSetup): Promise<void> {
    // The same index `palate serve` builds (HNSW's build is deterministic for a given matrix).
    const serving = ServingModel.from(await loadModel(setup.modelDir), { background: false });
    state = listsInProcess(serving, setup.size);
  },
  lists(range: [number, number]): Promise<Uint8Array[]> {
    if (!state) throw new Error("list worker: open a model first");
    return state.lists(range[0], range[1]);
  },
});
