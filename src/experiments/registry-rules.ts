import { PalateError } from "../core/errors.js";
import type { ModelVersionRecord, Stage } from "../storage/state/state-store.js";

/**
 * Why a registry operation was refused: `not-found` (no such version), `invalid` (a bad request
 * or a corrupt artifact), `conflict` (the registry's state does not allow it, or kept changing).
 * An HTTP layer maps these to 404, 400 and 409.
 */
export type RegistryErrorKind = "not-found" | "invalid" | "conflict";

/** A refused registry operation; the message names the version, its stage and what was needed. */
export class RegistryError extends PalateError {
  readonly kind: RegistryErrorKind;

  constructor(kind: RegistryErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RegistryError";
    this.kind = kind;
  }
}

/** The registry's operations that move one version from a stage to another. */
export type StageOperation = "canary" | "promote" | "rollback" | "reject";

/**
 * The stage rules. Candidates enter by `register`; `rejected`, `rolled-back` and `retired` are
 * final except that a retired champion may come back through a canary (the way to undo a
 * promotion that turned out badly, without re-registering). One rule is conditional and lives
 * in the registry: a candidate may be promoted directly only while there is no champion at all.
 */
export const STAGE_RULES: Readonly<Record<StageOperation, { from: readonly Stage[]; to: Stage }>> = {
  canary: { from: ["candidate", "retired"], to: "canary" },
  promote: { from: ["canary"], to: "champion" },
  rollback: { from: ["canary"], to: "rolled-back" },
  reject: { from: ["candidate"], to: "rejected" },
};

const VERBS: Readonly<Record<StageOperation, string>> = {
  canary: "start a canary of",
  promote: "promote",
  rollback: "roll back",
  reject: "reject",
};

/** The version's record, or a `not-found` error naming it. */
export function requireVersion(versions: readonly ModelVersionRecord[], version: string): ModelVersionRecord {
  const record = versions.find((v) => v.version === version);
  if (!record) throw new RegistryError("not-found", `version ${version} is not registered`);
  return record;
}

/** Refuses a move the rules do not allow, naming the version, its stage and the stages that would do. */
export function checkMove(
  operation: StageOperation,
  record: ModelVersionRecord,
  from: readonly Stage[] = STAGE_RULES[operation].from,
): void {
  if (from.includes(record.stage)) return;
  throw new RegistryError(
    "conflict",
    `cannot ${VERBS[operation]} version ${record.version}: it is ${record.stage}, not ${from.join(" or ")}`,
  );
}

// A version name becomes a directory name: no separators, no leading dot, nothing a shell or
// URL path would need escaped.
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Refuses a manifest version that cannot safely name a directory under `versions/`. */
export function checkVersionName(version: string, source: string): void {
  if (!VERSION_NAME.test(version)) {
    throw new RegistryError(
      "invalid",
      `cannot register ${source}: its manifest version '${version}' is not a plain name (letters, digits, '.', '_', '-')`,
    );
  }
}
