import { PalateError } from "../../core/errors.js";
import { AlsModel, type AlsOptions } from "../als/als-model.js";
import { CleoraModel } from "../cleora/cleora-model.js";
import { CLEORA_DEFAULTS, type CleoraOptions } from "../cleora/cleora-options.js";
import { ContentModel, type ContentModelOptions } from "../content/content-model.js";
import { EaseModel, type EaseOptions } from "../ease/ease-model.js";
import { ElsaModel, type ElsaOptions } from "../elsa/elsa-model.js";
import { alignEmbeddings, externalPart } from "../external/external-part.js";
import type { ExternalEmbeddings } from "../external/read-embeddings.js";
import { PopularityModel, type PopularityOptions } from "../popularity/popularity-model.js";
import type { Recommender, TrainingData } from "../recommender.js";
import type { HybridPart, PartName } from "./hybrid-part.js";
import { alsPart, cleoraPart, contentPart, easePart, elsaPart, popularityPart } from "./parts.js";

/** Options of each part model, passed through unchanged. */
export interface PartOptions {
  als?: AlsOptions;
  ease?: EaseOptions;
  elsa?: ElsaOptions;
  cleora?: CleoraOptions;
  content?: ContentModelOptions;
  /** The popularity part's per-context prior (its global column always counts distinct users). */
  popularity?: Pick<PopularityOptions, "context">;
  /** Externally trained embeddings to blend in as the `external` part. */
  external?: { items: ExternalEmbeddings; users?: ExternalEmbeddings };
}

/** The fitted parts, with the models behind them (saved as nested artifacts). */
export interface TrainedParts {
  parts: HybridPart[];
  models: Map<PartName, Recommender>;
  /** Seconds per part. */
  seconds: Record<string, number>;
}

/** Training interactions per item (distinct users), the popularity prior's input. */
export function itemUserCounts(data: TrainingData): Float32Array {
  const counts = new Float32Array(data.matrix.nCols);
  for (const item of data.matrix.indices) counts[item]++;
  return counts;
}

/** Fits every requested part on `data`, in a fixed order, timing each. */
export async function trainParts(
  names: readonly PartName[],
  data: TrainingData,
  options: PartOptions,
  onStage?: (stage: string, seconds: number) => void,
  onProgress?: (part: PartName, done: number, total: number) => void,
): Promise<TrainedParts> {
  const parts: HybridPart[] = [];
  const models = new Map<PartName, Recommender>();
  const seconds: Record<string, number> = {};
  const m = data.matrix;
  const rowLength = (u: number) => m.indptr[u + 1] - m.indptr[u];
  for (const name of names) {
    const started = performance.now();
    switch (name) {
      case "als": {
        const model = new AlsModel({
          ...options.als,
          onIteration: (info) => onProgress?.(name, info.iteration, model.params.iterations),
        });
        await model.fit(data);
        parts.push(alsPart(model, rowLength));
        models.set(name, model);
        break;
      }
      case "ease": {
        const model = new EaseModel(options.ease);
        await model.fit(data);
        parts.push(easePart(model));
        models.set(name, model);
        break;
      }
      case "elsa": {
        const model: ElsaModel = new ElsaModel({
          ...options.elsa,
          onEpoch: (state) => onProgress?.(name, state.epoch, model.options.epochs),
        });
        await model.fit(data);
        parts.push(elsaPart(model));
        models.set(name, model);
        break;
      }
      case "cleora": {
        const iterations = options.cleora?.iterations ?? CLEORA_DEFAULTS.iterations;
        const model = new CleoraModel({
          ...options.cleora,
          onIteration: (iteration) => onProgress?.(name, iteration, iterations),
        });
        await model.fit(data);
        parts.push(cleoraPart(model));
        models.set(name, model);
        break;
      }
      case "content": {
        const model = new ContentModel(options.content);
        await model.fit(data);
        parts.push(contentPart(model));
        models.set(name, model);
        break;
      }
      case "popularity": {
        // Saved as a nested part so serving finds the per-context prior beside the global column.
        const model = new PopularityModel({ context: options.popularity?.context });
        await model.fit(data);
        parts.push(popularityPart(model.itemScores, model.contextPrior));
        models.set(name, model);
        break;
      }
      case "external": {
        if (!options.external) throw new PalateError("the external part needs imported embeddings");
        const { items, users } = options.external;
        parts.push(externalPart(alignEmbeddings(items, users, data.items, data.users)));
        break;
      }
    }
    seconds[name] = (performance.now() - started) / 1000;
    onStage?.(name, seconds[name]);
  }
  return { parts, models, seconds };
}
