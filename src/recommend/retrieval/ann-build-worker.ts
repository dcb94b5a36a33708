// Worker thread of the background ANN build: builds the graph off the serving thread and hands
// it back as a file (a native graph cannot be posted between threads).
import { serveHandlers } from "../../math/worker-handlers.js";
import { AnnIndex } from "./ann-index.js";
import type { HnswParams } from "./inner-product-graph.js";
import { ItemRows } from "./item-rows.js";

/** What the serving thread sends: a copy of the rows and the file to write the graph to. */
export interface AnnBuildJob {
  matrix: Float32Array;
  nItems: number;
  dims: number;
  params: HnswParams;
  file: string;
}

serveHandlers({
  async buildAnn(job: AnnBuildJob): Promise<void> {
    const ann = AnnIndex.build(new ItemRows(job.matrix, job.nItems, job.dims), job.params);
    await ann.save(job.file);
  },
});
