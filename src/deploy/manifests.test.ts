import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { controllerCommand } from "../cli/commands/controller-command.js";
import { kubectlBinaries, kubectlVersion, kustomizeBuild } from "./testing/kustomize.js";
import { podSpecs, selects } from "./testing/pod-specs.js";
import { REPO_ROOT } from "./testing/repo-paths.js";
import { type KubeObject, objectLabel, validateObject } from "./testing/validate-object.js";
import { listYamlFiles, parseYamlFile } from "./testing/yaml-files.js";

// biome-ignore lint/suspicious/noExplicitAny: manifests are read as untyped YAML; the schema checks above type them
type Yaml = any;

const DEPLOY = join(REPO_ROOT, "deploy");
const KUSTOMIZE = join(DEPLOY, "kubernetes");
const OVERLAYS = readdirSync(join(KUSTOMIZE, "overlays")).sort();
const KUBECTLS = kubectlBinaries();
/** What kustomize v2.0.3 (Debian's kubernetes-client 1.20, CI's fallback) and v5 both understand. */
const PORTABLE_FIELDS = new Set([
  "apiVersion",
  "kind",
  "resources",
  "bases",
  "namespace",
  "commonLabels",
  "images",
  "patchesStrategicMerge",
  "configMapGenerator",
  "generatorOptions",
]);

const builds = new Map<string, KubeObject[]>();
/** One overlay built by one kubectl (cached: each build is a process). */
function build(kubectl: string, overlay: string): KubeObject[] {
  const key = `${kubectl}\n${overlay}`;
  let objects = builds.get(key);
  if (!objects) {
    objects = kustomizeBuild(kubectl, join(KUSTOMIZE, "overlays", overlay));
    builds.set(key, objects);
  }
  return objects;
}

function kustomization(dir: string): Record<string, unknown> {
  return parseYamlFile(join(dir, "kustomization.yaml"), REPO_ROOT)[0] as Record<string, unknown>;
}

test("every YAML file under deploy/ parses (no syntax errors, no duplicate keys)", () => {
  const files = listYamlFiles(DEPLOY);
  assert.ok(files.length >= 10, `found ${files.length} files`);
  for (const file of files) parseYamlFile(file, REPO_ROOT);
});

test("the kustomizations use only fields kustomize v2.0.3 (kubectl 1.20) also supports", () => {
  const dirs = [join(KUSTOMIZE, "base"), ...OVERLAYS.map((o) => join(KUSTOMIZE, "overlays", o))];
  for (const dir of dirs) {
    const unsupported = Object.keys(kustomization(dir)).filter((k) => !PORTABLE_FIELDS.has(k));
    assert.deepEqual(unsupported, [], `${dir}/kustomization.yaml`);
  }
});

test("a kubectl to build with is available", () => {
  assert.ok(
    KUBECTLS.length > 0,
    "no kubectl: install Debian's kubernetes-client, or set PALATE_KUBECTL to kubectl paths",
  );
});

describe("each overlay builds and every object validates against its schema", () => {
  for (const kubectl of KUBECTLS) {
    const version = kubectlVersion(kubectl);
    for (const overlay of OVERLAYS) {
      test(`${overlay} with kubectl ${version}`, async () => {
        const objects = build(kubectl, overlay);
        assert.ok(objects.length > 0);
        const namespace = kustomization(join(KUSTOMIZE, "overlays", overlay)).namespace;
        for (const object of objects) {
          assert.deepEqual(await validateObject(object), [], `${overlay}: ${objectLabel(object)}`);
          assert.equal((object.metadata as { namespace?: string }).namespace, namespace, objectLabel(object));
        }
      });
    }
  }
  if (KUBECTLS.length > 1) {
    test("every kubectl builds the same objects", () => {
      for (const overlay of OVERLAYS) {
        const sorted = (kubectl: string) =>
          build(kubectl, overlay)
            .map((o) => JSON.stringify(o))
            .sort();
        for (const other of KUBECTLS.slice(1)) assert.deepEqual(sorted(other), sorted(KUBECTLS[0]), overlay);
      }
    });
  }
});

describe("the production overlay", () => {
  const objects = () => build(KUBECTLS[0], "production");
  const find = (kind: string, name: string) => {
    const object = objects().find((o) => o.kind === kind && o.metadata?.name === name);
    assert.ok(object, `${kind}/${name} is in the build`);
    return object as KubeObject & { spec: Yaml };
  };

  test("serves through a KServe custom predictor: 2–20 replicas on a scale metric, the v2-speaking server, probes", () => {
    const predictor = find("InferenceService", "palate").spec.predictor;
    assert.equal(predictor.minReplicas, 2);
    assert.equal(predictor.maxReplicas, 20);
    assert.ok(["rps", "concurrency", "cpu", "memory"].includes(predictor.scaleMetric));
    assert.ok(predictor.scaleTarget > 0);
    const [container] = predictor.containers;
    assert.equal(container.args[0], "serve");
    assert.match(container.image, /^[^:]+:[\w.-]+$/, "the overlay pins the image tag");
    assert.equal(container.ports[0].containerPort, 8080);
    assert.equal(container.livenessProbe.httpGet.path, "/healthz");
    assert.equal(container.readinessProbe.httpGet.path, "/readyz");
  });

  test("runs the controller as one replica that is stopped before its replacement starts", () => {
    const controller = find("Deployment", "palate-controller").spec;
    assert.equal(controller.replicas, 1);
    assert.equal(controller.strategy.type, "Recreate");
    const args: string[] = controller.template.spec.containers[0].args;
    assert.equal(args[0], "controller");
    // Every flag is one `palate controller` knows; the stream is trimmed behind the controller.
    const known = new Set(controllerCommand().options.map((o) => o.long));
    for (const flag of args.filter((a) => a.startsWith("--"))) assert.ok(known.has(flag), flag);
    assert.ok(args.includes("--trim-events"));
  });

  test("has Redis, the model volume, the scrape config and the alert rules, wired to each other", () => {
    const redis = find("StatefulSet", "palate-redis");
    assert.ok(selects(find("Service", "palate-redis").spec.selector, redis.spec.template.metadata.labels));
    find("PersistentVolumeClaim", "palate-models");
    find("PrometheusRule", "palate");
    const metrics = find("Service", "palate-metrics");
    assert.ok(
      selects(find("ServiceMonitor", "palate").spec.selector.matchLabels, (metrics.metadata as Yaml).labels),
    );
    const predictorLabels = find("InferenceService", "palate").spec.predictor.labels;
    assert.ok(selects(metrics.spec.selector, predictorLabels), "palate-metrics selects the predictor pods");
    const policy = find("NetworkPolicy", "palate-redis").spec;
    assert.ok(
      selects(policy.podSelector.matchLabels, redis.spec.template.metadata.labels),
      "the policy guards Redis",
    );
    const admitted = policy.ingress[0].from[0].podSelector.matchLabels;
    for (const { owner, pod } of podSpecs(objects()))
      assert.ok(selects(admitted, pod.labels), `${owner} may reach Redis`);
    const claims = new Set(
      objects()
        .filter((o) => o.kind === "PersistentVolumeClaim")
        .map((o) => o.metadata?.name),
    );
    const configMaps = new Set(
      objects()
        .filter((o) => o.kind === "ConfigMap")
        .map((o) => o.metadata?.name),
    );
    for (const { owner, pod } of podSpecs(objects())) {
      for (const volume of pod.volumes ?? []) {
        if (volume.persistentVolumeClaim)
          assert.ok(claims.has(volume.persistentVolumeClaim.claimName), owner);
        if (volume.configMap) assert.ok(configMaps.has(volume.configMap.name), owner);
      }
    }
  });

  test("every pod runs as non-root, read-only, without capabilities, with requests and limits", () => {
    const pods = podSpecs(objects());
    assert.equal(pods.length, 3);
    for (const { owner, pod } of pods) {
      for (const container of pod.containers) {
        const where = `${owner} container ${container.name}`;
        assert.ok(
          pod.securityContext?.runAsNonRoot ?? container.securityContext?.runAsNonRoot,
          `${where}: runAsNonRoot`,
        );
        assert.equal(
          container.securityContext?.readOnlyRootFilesystem,
          true,
          `${where}: readOnlyRootFilesystem`,
        );
        assert.equal(
          container.securityContext?.allowPrivilegeEscalation,
          false,
          `${where}: allowPrivilegeEscalation`,
        );
        assert.deepEqual(container.securityContext?.capabilities?.drop, ["ALL"], `${where}: capabilities`);
        assert.ok(
          container.resources?.requests?.memory && container.resources.requests.cpu,
          `${where}: requests`,
        );
        assert.ok(container.resources?.limits?.memory, `${where}: memory limit`);
      }
    }
  });

  test("the admin token comes from a Secret that is not committed, and no literal secret is", () => {
    for (const overlay of OVERLAYS) {
      const built = build(KUBECTLS[0], overlay);
      assert.deepEqual(built.filter((o) => o.kind === "Secret").map(objectLabel), [], overlay);
      for (const { owner, pod } of podSpecs(built)) {
        for (const variable of pod.containers.flatMap((c) => c.env ?? [])) {
          if (/TOKEN|PASSWORD|SECRET/.test(variable.name))
            assert.equal(variable.value, undefined, `${owner}: ${variable.name}`);
        }
      }
    }
    const [container] = find("InferenceService", "palate").spec.predictor.containers;
    const token = container.env.find((e: { name: string }) => e.name === "PALATE_ADMIN_TOKEN");
    assert.deepEqual(token?.valueFrom?.secretKeyRef, { name: "palate-admin", key: "token" });
  });
});

test("the Argo CD Applications are valid and point at overlays deploying into their namespace", async () => {
  const files = listYamlFiles(join(DEPLOY, "argocd"));
  assert.ok(files.length > 0);
  for (const file of files) {
    for (const app of parseYamlFile(file, REPO_ROOT) as Array<KubeObject & { spec: Yaml }>) {
      assert.deepEqual(await validateObject(app), [], file);
      const path: string = app.spec.source.path;
      assert.ok(
        existsSync(join(REPO_ROOT, path, "kustomization.yaml")),
        `${file}: ${path} is a kustomization`,
      );
      assert.ok(path.startsWith("deploy/kubernetes/overlays/"), `${file}: syncs an overlay`);
      assert.equal(app.spec.destination.namespace, kustomization(join(REPO_ROOT, path)).namespace, file);
    }
  }
});

describe("the validators reject broken objects", () => {
  const isvc = () =>
    structuredClone(
      parseYamlFile(join(KUSTOMIZE, "base/inference-service.yaml"), REPO_ROOT)[0] as KubeObject & {
        spec: Yaml;
        metadata: Yaml;
      },
    );
  const rejects = async (object: KubeObject, pattern: RegExp) => {
    const errors = await validateObject(object);
    assert.ok(
      errors.some((e) => pattern.test(e)),
      `expected ${pattern}, got ${JSON.stringify(errors)}`,
    );
  };

  test("the base InferenceService is valid as written", async () => {
    assert.deepEqual(await validateObject(isvc()), []);
  });
  test("InferenceService: minReplicas above maxReplicas, an unknown metric, an unknown field, a bad percentage", async () => {
    const tooMany = isvc();
    tooMany.spec.predictor.minReplicas = 30;
    await rejects(tooMany, /minReplicas must be <= 20/);
    const metric = isvc();
    metric.spec.predictor.scaleMetric = "latency";
    await rejects(metric, /scaleMetric must be equal to one of the allowed values/);
    const typo = isvc();
    typo.spec.predictor.minReplica = 2;
    await rejects(typo, /additional properties 'minReplica'/);
    const percent = isvc();
    percent.spec.predictor.canaryTrafficPercent = 150;
    await rejects(percent, /canaryTrafficPercent must be <= 100/);
  });
  test("InferenceService: a canary or rps scaling in RawDeployment mode, a bad container port, a bad name", async () => {
    const raw = isvc();
    raw.metadata.annotations["serving.kserve.io/deploymentMode"] = "RawDeployment";
    await rejects(raw, /scaleMetric must be equal to one of the allowed values/);
    raw.spec.predictor.scaleMetric = "cpu";
    raw.spec.predictor.canaryTrafficPercent = 10;
    await rejects(raw, /must NOT be valid/);
    const port = isvc();
    port.spec.predictor.containers[0].ports[0].containerPort = "http";
    await rejects(port, /PodSpec.*containerPort must be integer/);
    const name = isvc();
    name.metadata.name = "Palate_Service";
    await rejects(name, /metadata\/name must match pattern/);
  });
  test("built-ins and CRDs through their packages; an unknown kind has no schema", async () => {
    const deployment = parseYamlFile(join(KUSTOMIZE, "base/controller.yaml"), REPO_ROOT)[0] as KubeObject & {
      spec: Yaml;
    };
    assert.deepEqual(await validateObject(deployment), []);
    deployment.spec.replicas = "one";
    await rejects(deployment, /replicas must be integer/);
    const monitor = parseYamlFile(
      join(KUSTOMIZE, "base/service-monitor.yaml"),
      REPO_ROOT,
    )[0] as KubeObject & { spec: Yaml };
    monitor.spec.endpoints = "http-metrics";
    await rejects(monitor, /endpoints must be array/);
    await rejects(
      { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
      /no schema for example.com\/v1 Widget/,
    );
  });
});
