import { z } from "zod";

/** The artifact format identifier and version written into every manifest. */
export const ARTIFACT_FORMAT = "palate-model";
export const ARTIFACT_FORMAT_VERSION = 1;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");

/** A little-endian typed matrix stored beside the manifest. */
export const MatrixEntrySchema = z.object({
  file: z.string().regex(/^[\w.-]+$/, "must be a plain file name"),
  dtype: z.enum(["f32", "i32"]),
  shape: z.array(z.number().int().nonnegative()).min(1).max(2),
  sha256: Sha256,
});
export type MatrixEntry = z.infer<typeof MatrixEntrySchema>;

/** An id map: external ids, one per line, in index order. */
export const IdMapEntrySchema = z.object({
  file: z.string().regex(/^[\w.-]+$/, "must be a plain file name"),
  count: z.number().int().nonnegative(),
  sha256: Sha256,
});
export type IdMapEntry = z.infer<typeof IdMapEntrySchema>;

/** What the model was trained on, so freshness checks can compare against new data. */
export const DataSnapshotSchema = z.object({
  source: z.string(),
  interactions: z.number().int().nonnegative(),
  users: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
  /** Latest event time in the training data (unix seconds), null when the data has none. */
  maxTimestamp: z.number().nullable(),
});
export type DataSnapshot = z.infer<typeof DataSnapshotSchema>;

/** The manifest of one immutable model version. */
export const ManifestSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  formatVersion: z.literal(ARTIFACT_FORMAT_VERSION),
  version: z.string().min(1),
  kind: z.string().min(1),
  createdAt: z.string().datetime(),
  dataSnapshot: DataSnapshotSchema,
  parameters: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
  matrices: z.record(z.string(), MatrixEntrySchema),
  idMaps: z.record(z.string(), IdMapEntrySchema),
  /**
   * Training-time distributions for drift detection (see drift-baselines.ts). Kept loose here and
   * parsed by the drift monitor, so a baseline it cannot read never stops a model from loading;
   * artifacts written before baselines existed have none.
   */
  driftBaselines: z.record(z.string(), z.unknown()).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
