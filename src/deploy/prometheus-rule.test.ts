import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import {
  committedRuleGroups,
  prometheusRuleYaml,
  RULES_FILE,
  ruleGroups,
} from "./testing/prometheus-rule.js";
import { parseYamlDocuments } from "./testing/yaml-files.js";

test("the PrometheusRule carries exactly the groups of deploy/prometheus/palate-rules.yml", (t) => {
  if (!existsSync(RULES_FILE)) {
    t.skip("deploy/prometheus/palate-rules.yml does not exist yet");
    return;
  }
  const expected = ruleGroups(readFileSync(RULES_FILE, "utf8"), "palate-rules.yml");
  assert.deepEqual(
    committedRuleGroups(),
    expected,
    "regenerate: node --import tsx src/deploy/testing/write-prometheus-rule.ts",
  );
});

test("the generator wraps a rules file's groups unchanged, and a changed rule shows as a difference", () => {
  const rules = stringify({
    groups: [
      { name: "g", rules: [{ alert: "A", expr: "up == 0", for: "5m", labels: { severity: "critical" } }] },
    ],
  });
  const [manifest] = parseYamlDocuments(prometheusRuleYaml(rules), "generated") as Array<{
    spec: { groups: unknown };
  }>;
  assert.deepEqual(manifest.spec.groups, ruleGroups(rules, "rules"));
  const changed = rules.replace("5m", "10m");
  assert.notDeepEqual(manifest.spec.groups, ruleGroups(changed, "changed"));
});

test("promtool accepts the PrometheusRule's groups as a rules file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "palate-rules-"));
  try {
    const file = join(dir, "rules.yml");
    writeFileSync(file, stringify({ groups: committedRuleGroups() }));
    const result = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
    assert.ifError(result.error);
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
