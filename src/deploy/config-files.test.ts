import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ControllerRulesSchema } from "../experiments/retrain-rules.js";
import { ServeConfigSchema } from "../server/serve-config.js";
import { REPO_ROOT } from "./testing/repo-paths.js";

const BASE = join(REPO_ROOT, "deploy/kubernetes/base");

test("the deployed serve.json is a valid `palate serve --config`, writing only into the mounted state volume", () => {
  const config = ServeConfigSchema.parse(JSON.parse(readFileSync(join(BASE, "serve.json"), "utf8")));
  // /var/lib/palate is an emptyDir in inference-service.yaml and the image's working directory.
  assert.ok(config.spillPath.startsWith("/var/lib/palate/"), config.spillPath);
  assert.equal(config.port, 8080);
  assert.equal(config.modelName, "palate");
  assert.equal(config.production, true, "refuses to start without the admin token");
  assert.equal(
    config.adminToken,
    undefined,
    "the token comes from the palate-admin Secret, never the ConfigMap",
  );
});

test("the deployed rules.json is a valid `palate controller --rules`", () => {
  const rules = ControllerRulesSchema.parse(JSON.parse(readFileSync(join(BASE, "rules.json"), "utf8")));
  assert.equal(rules.alpha, 0.05);
  assert.equal(rules.minDurationMs, 7 * 24 * 3600 * 1000);
});

test("the schemas reject the mistakes they exist for (so the two tests above can fail)", () => {
  assert.equal(ServeConfigSchema.safeParse({ spillPth: "/tmp/x" }).success, false);
  assert.equal(ControllerRulesSchema.safeParse({ alpha: 2 }).success, false);
});
