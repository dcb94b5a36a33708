import type { KubeObject } from "./validate-object.js";

/** The container fields the security and sizing checks read. */
export interface ContainerLike {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

/** The pod-spec fields the checks read. */
export interface PodSpecLike {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: ContainerLike[];
  volumes?: Array<{
    name: string;
    persistentVolumeClaim?: { claimName: string };
    configMap?: { name: string };
  }>;
  labels?: Record<string, string>;
}

/**
 * Every pod template of a build with where it comes from: Deployments and StatefulSets
 * (spec.template.spec, labels from the template) and an InferenceService's predictor (its
 * embedded PodSpec, labels from predictor.labels, which KServe puts on the pods).
 */
export function podSpecs(objects: readonly KubeObject[]): Array<{ owner: string; pod: PodSpecLike }> {
  const out: Array<{ owner: string; pod: PodSpecLike }> = [];
  for (const object of objects) {
    const spec = object.spec as Record<string, unknown> | undefined;
    const owner = `${String(object.kind)}/${String(object.metadata?.name)}`;
    if (object.kind === "Deployment" || object.kind === "StatefulSet") {
      const template = spec?.template as {
        metadata?: { labels?: Record<string, string> };
        spec: PodSpecLike;
      };
      out.push({ owner, pod: { ...template.spec, labels: template.metadata?.labels } });
    } else if (object.kind === "InferenceService") {
      const predictor = spec?.predictor as PodSpecLike;
      out.push({ owner, pod: predictor });
    }
  }
  return out;
}

/** Whether every key/value of `selector` is among `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
