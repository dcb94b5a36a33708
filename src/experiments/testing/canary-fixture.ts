import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset } from "../../data/load-dataset.js";
import { HybridModel } from "../../models/hybrid/hybrid-model.js";
import { trainingDataOf } from "../../models/training-data.js";
import { trainedCityModel } from "../../server/testing/serving-fixture.js";

/**
 * A deliberately bad model for the canary tests: it ranks restaurants by their margin, through
 * the hybrid's imported-embeddings part (item vector = margin, every user vector = 1), i.e. the
 * "recommends only high-margin items" failure the guardrails exist for.
 */
export async function marginModel(): Promise<string> {
  const { dir } = await trainedCityModel();
  const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: join(dir, "city") });
  const itemIds = dataset.items.toArray();
  const margins = Float32Array.from(dataset.itemMeta, (item) => Number(item?.attributes.margin ?? 0));
  const userIds = dataset.users.toArray();
  const model = new HybridModel({
    parts: ["external"],
    external: {
      items: { ids: itemIds, dims: 1, vectors: margins },
      users: { ids: userIds, dims: 1, vectors: new Float32Array(userIds.length).fill(1) },
    },
    validation: { maxUsersPerBucket: 20 },
  });
  await model.fit(trainingDataOf(dataset));
  const out = join(await mkdtemp(join(tmpdir(), "palate-margin-")), "model");
  await model.save(out);
  return out;
}

/** A champion for the promotion tests: the hybrid with only its popularity part (the full hybrid holds against it). */
export async function popularityOnlyModel(): Promise<string> {
  const { dir } = await trainedCityModel();
  const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: join(dir, "city") });
  const model = new HybridModel({ parts: ["popularity"], validation: { maxUsersPerBucket: 20 } });
  await model.fit(trainingDataOf(dataset));
  const out = join(await mkdtemp(join(tmpdir(), "palate-popularity-")), "model");
  await model.save(out);
  return out;
}
