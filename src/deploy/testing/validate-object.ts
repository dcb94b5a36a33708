import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { REPO_ROOT } from "./repo-paths.js";

/** A Kubernetes object as YAML gives it. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
};

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The npm package whose generated classes (each with `validate()`) cover an API group. */
const MODEL_PACKAGES: Readonly<Record<string, string>> = {
  "argoproj.io": "@kubernetes-models/argo-cd",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

/** API groups the `kubernetes-models` package covers (the built-ins we deploy). */
const BUILT_IN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
]);

export const KSERVE_SCHEMA_PATH = join(
  REPO_ROOT,
  "deploy/schemas/kserve-inferenceservice-v1beta1.subset.json",
);

let kserve: { validate: ValidateFunction; podSpecFields: Set<string> } | null = null;

/**
 * The vendored KServe subset schema, compiled once. The PodSpec fields embedded in the predictor
 * are its empty-schema keys plus `containers` (which the subset describes only as a custom
 * predictor needs it, and kubernetes-models then validates in full).
 */
function kserveSchema() {
  if (kserve) return kserve;
  const schema = JSON.parse(readFileSync(KSERVE_SCHEMA_PATH, "utf8"));
  const ajv = new Ajv({
    $data: true,
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  });
  const predictor = schema.definitions.predictor.properties as Record<string, object>;
  const podSpecFields = new Set(Object.keys(predictor).filter((k) => Object.keys(predictor[k]).length === 0));
  podSpecFields.add("containers");
  kserve = { validate: ajv.compile(schema), podSpecFields };
  return kserve;
}

function describeAjv(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra = e.keyword === "additionalProperties" ? ` '${e.params.additionalProperty}'` : "";
    return `${e.instancePath || "/"} ${e.message}${extra}`;
  });
}

/** Loads the generated model class for an apiVersion/kind, or explains why there is none. */
async function modelClass(apiVersion: string, kind: string): Promise<ModelClass> {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = MODEL_PACKAGES[group] ?? (BUILT_IN_GROUPS.has(group) ? "kubernetes-models" : null);
  if (!pkg)
    throw new Error(`no schema for ${apiVersion} ${kind}: add one (src/deploy/testing/validate-object.ts)`);
  let module: Record<string, unknown>;
  try {
    module = await import(`${pkg}/${apiVersion}/${kind}`);
  } catch {
    throw new Error(`${pkg} has no ${apiVersion} ${kind}`);
  }
  const cls = module[kind];
  if (typeof cls !== "function") throw new Error(`${pkg}/${apiVersion}/${kind} exports no ${kind} class`);
  return cls as ModelClass;
}

/** Runs a generated model's validate(); its ValidationError message lists every failed keyword. */
function modelErrors(cls: ModelClass, data: unknown): string[] {
  try {
    new cls(data).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/**
 * Validates one object against its schema: Kubernetes built-ins with `kubernetes-models`, Argo CD
 * and Prometheus-operator resources with their `@kubernetes-models/*` packages, and a KServe
 * InferenceService with the vendored subset schema (ajv) plus its predictor's embedded PodSpec
 * with kubernetes-models. Returns the errors, empty when valid.
 */
export async function validateObject(object: KubeObject): Promise<string[]> {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string")
    return ["apiVersion and kind must be strings"];
  if (apiVersion === "serving.kserve.io/v1beta1" && kind === "InferenceService") {
    const { validate, podSpecFields } = kserveSchema();
    const errors = validate(object) ? [] : describeAjv(validate.errors);
    const predictor = (object.spec as { predictor?: Record<string, unknown> } | undefined)?.predictor;
    if (predictor && typeof predictor === "object") {
      const podSpec = Object.fromEntries(Object.entries(predictor).filter(([k]) => podSpecFields.has(k)));
      const PodSpec = await modelClass("v1", "PodSpec");
      // A model-format predictor has no containers of its own; PodSpec requires the field.
      errors.push(
        ...modelErrors(PodSpec, { containers: [], ...podSpec }).map((e) => `spec.predictor (PodSpec): ${e}`),
      );
    }
    const ObjectMeta = (await import("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta")).ObjectMeta;
    errors.push(
      ...modelErrors(ObjectMeta as unknown as ModelClass, object.metadata).map((e) => `metadata: ${e}`),
    );
    return errors;
  }
  try {
    return modelErrors(await modelClass(apiVersion, kind), object);
  } catch (error) {
    return [(error as Error).message];
  }
}

/** `Kind/name` for messages. */
export function objectLabel(object: KubeObject): string {
  return `${String(object.kind)}/${String(object.metadata?.name ?? "?")}`;
}
