import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PalateError } from "../../core/errors.js";
import { type Item, ItemSchema, type User } from "../../core/types.js";
import type { AlsModel } from "../als/als-model.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { type MatrixData, newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { computeDriftBaselines } from "../artifact/drift-baselines.js";
import { trainingSnapshotContent, trainingSnapshotFrom } from "../artifact/training-snapshot.js";
import type { CleoraModel } from "../cleora/cleora-model.js";
import type { ContentModel } from "../content/content-model.js";
import type { EaseModel } from "../ease/ease-model.js";
import type { ElsaModel } from "../elsa/elsa-model.js";
import { type AlignedEmbeddings, externalPart } from "../external/external-part.js";
import type { Recommender } from "../recommender.js";
import { ColdItemProjection } from "./cold-item-projection.js";
import { ContextPopularity, recommendInContext } from "./context-shift.js";
import { HybridModel } from "./hybrid-model.js";
import { type HybridPart, PART_NAMES, type PartName } from "./hybrid-part.js";
import { alsPart, cleoraPart, contentPart, easePart, elsaPart, popularityPart } from "./parts.js";

const ParametersSchema = z.object({
  parts: z.array(z.enum(PART_NAMES)).min(1),
  scales: z.array(z.number()),
  weights: z.array(z.array(z.number())).min(3).max(4),
  buckets: z.object({ coldMax: z.number().int(), warmMax: z.number().int() }),
});

/**
 * Writes a hybrid version: the one concatenated item matrix, scales and weights in the manifest,
 * and each part's own artifact nested under `parts/NAME` (the user side needs the part models).
 */
export async function saveHybrid(model: HybridModel, dir: string): Promise<void> {
  const data = model.trainingData;
  if (!data) throw new PalateError("hybrid model: save() before fit()");
  const state = model.learned;
  const base = trainingSnapshotContent(data);
  const view = ContextPopularity.of(model);
  await writeArtifact(dir, {
    ...base,
    version: newVersionName("hybrid"),
    kind: "hybrid",
    parameters: {
      parts: state.parts.map((p) => p.name),
      scales: [...state.scales],
      weights: state.weights.map((w) => [...w]),
      buckets: state.buckets,
    },
    metrics: {
      validationNdcgByBucket: state.validationNdcg,
      weights: model.describeWeights(),
      ...(state.fitSeconds === undefined ? {} : { trainingSeconds: state.fitSeconds }),
    },
    // Drift detection compares live traffic with these (seen items excluded, as serving does).
    driftBaselines: computeDriftBaselines(data, (users, k, candidates, context) => {
      // Requests with a place or time get the popularity part in that context, as served.
      const row = view && context ? view.rowFor(context) : -1;
      return view && row >= 0 && candidates
        ? recommendInContext(model, view, row, users, k, candidates)
        : model.recommend(users, { k, exclude: data.matrix, candidates });
    }),
    matrices: {
      ...base.matrices,
      ...externalMatrices(state.parts, data.users.size),
      ...Object.fromEntries(
        [...state.projections].map(([name, p]) => [
          `hybrid.projection.${name}`,
          { data: p.weights, shape: [p.contentDims + 1, p.targetDims] },
        ]),
      ),
    },
    // Declared preferences feed the content part's user side; one JSON object (or "") per user.
    idMaps: {
      ...base.idMaps,
      "user-attributes": data.users.toArray().map((_, u) => userAttributesLine(data.userMeta[u])),
      // Serving filters on location and opening hours; one JSON object (or "") per item.
      "item-metadata": data.items.toArray().map((_, i) => itemMetadataLine(data.itemMeta[i])),
    },
    writeNested: async (tmp) => {
      for (const [name, part] of state.models) await part.save(join(tmp, "parts", name));
    },
  });
}

/** Restores a hybrid; `loadPart` loads a nested part artifact (model-kinds' loader). */
export async function loadHybrid(
  artifact: Artifact,
  loadPart: (dir: string) => Promise<Recommender>,
): Promise<HybridModel> {
  const parsed = ParametersSchema.safeParse(artifact.manifest.parameters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PalateError(`${artifact.dir}: parameter '${issue.path.join(".")}': ${issue.message}`);
  }
  const params = parsed.data;
  const snapshot = trainingSnapshotFrom(artifact);
  const train = snapshot.matrix;
  const rowLength = (u: number) => train.indptr[u + 1] - train.indptr[u];
  const models = new Map<PartName, Recommender>();
  const parts: HybridPart[] = [];
  for (const name of params.parts) {
    if (name === "external") {
      parts.push(externalPart(externalFrom(artifact)));
      continue;
    }
    if (name === "popularity") {
      const counts = new Float32Array(train.nCols);
      for (const item of train.indices) counts[item]++;
      parts.push(popularityPart(counts));
      // Versions since the per-context prior nest the popularity model; older ones do not.
      const nested = join(artifact.dir, "parts", name);
      if (existsSync(join(nested, "manifest.json"))) models.set(name, await loadPart(nested));
      continue;
    }
    const model = await loadPart(join(artifact.dir, "parts", name));
    if (model.kind !== name)
      throw new PalateError(`${artifact.dir}/parts/${name}: holds a '${model.kind}' model`);
    models.set(name, model);
    parts.push(partOf(name, model, rowLength));
  }
  const hybrid = new HybridModel({ parts: params.parts, buckets: params.buckets });
  hybrid.setState({
    parts,
    models,
    scales: Float32Array.from(params.scales),
    weights: params.weights.map((w) => Float32Array.from(w)),
    buckets: params.buckets,
    train,
    userMeta: artifact
      .ids("user-attributes")
      .map((line, u) => parseUserAttributes(line, snapshot.users.idAt(u))),
    itemMeta: itemMetadataOf(artifact, snapshot.items.toArray()),
    validationNdcg: [],
    projections: projectionsOf(artifact),
  });
  return hybrid;
}

function partOf(
  name: Exclude<PartName, "popularity" | "external">,
  model: Recommender,
  rowLength: (u: number) => number,
): HybridPart {
  switch (name) {
    case "als":
      return alsPart(model as AlsModel, rowLength);
    case "ease":
      return easePart(model as EaseModel);
    case "elsa":
      return elsaPart(model as ElsaModel);
    case "cleora":
      return cleoraPart(model as CleoraModel);
    case "content":
      return contentPart(model as ContentModel);
  }
}

function userAttributesLine(user: User | undefined): string {
  return user && Object.keys(user.attributes).length > 0 ? JSON.stringify(user.attributes) : "";
}

function itemMetadataLine(item: Item | undefined): string {
  if (!item) return "";
  const { itemId: _, ...rest } = item;
  return JSON.stringify(rest);
}

/** Item metadata by index; artifacts written before it was stored have none. */
function itemMetadataOf(artifact: Artifact, itemIds: readonly string[]): (Item | undefined)[] {
  if (!("item-metadata" in artifact.manifest.idMaps)) return itemIds.map(() => undefined);
  return artifact.ids("item-metadata").map((line, i) => {
    if (line === "") return undefined;
    const parsed = ItemSchema.safeParse({ ...JSON.parse(line), itemId: itemIds[i] });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PalateError(
        `${artifact.dir}: item-metadata line ${i + 1}: field '${issue.path.join(".")}': ${issue.message}`,
      );
    }
    return parsed.data;
  });
}

function parseUserAttributes(line: string, userId: string): User | undefined {
  if (line === "") return undefined;
  return { userId, attributes: JSON.parse(line) as User["attributes"] };
}

/** The stored content → part projections (absent when the model had no content part). */
function projectionsOf(artifact: Artifact): Map<string, ColdItemProjection> {
  const projections = new Map<string, ColdItemProjection>();
  const prefix = "hybrid.projection.";
  for (const [name, entry] of Object.entries(artifact.manifest.matrices)) {
    if (!name.startsWith(prefix) || entry.shape.length !== 2) continue;
    const [rows, cols] = entry.shape;
    projections.set(name.slice(prefix.length), new ColdItemProjection(artifact.f32(name), rows - 1, cols));
  }
  return projections;
}

/** The imported embeddings' matrices (the part's item rows, and user rows when imported). */
function externalMatrices(parts: readonly HybridPart[], nUsers: number): Record<string, MatrixData> {
  const part = parts.find((p) => p.name === "external");
  if (!part) return {};
  const out: Record<string, MatrixData> = {
    "external.items": { data: part.items, shape: [part.items.length / part.dims, part.dims] },
  };
  // The external part carries its aligned user rows (see externalPart).
  const users = (part as HybridPart & { aligned?: AlignedEmbeddings }).aligned;
  if (users?.users && users.userKnown) {
    out["external.users"] = { data: users.users, shape: [nUsers, part.dims] };
    out["external.user_known"] = { data: users.userKnown, shape: [nUsers] };
  }
  return out;
}

function externalFrom(artifact: Artifact): AlignedEmbeddings {
  const items = artifact.f32("external.items");
  const dims = artifact.manifest.matrices["external.items"].shape[1] ?? 0;
  const hasUsers = "external.users" in artifact.manifest.matrices;
  return {
    dims,
    items,
    users: hasUsers ? artifact.f32("external.users") : null,
    userKnown: hasUsers ? artifact.i32("external.user_known") : null,
    missingItems: 0,
  };
}
