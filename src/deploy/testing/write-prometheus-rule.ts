// Regenerates deploy/kubernetes/base/prometheus-rule.yaml from deploy/prometheus/palate-rules.yml:
//   node --import tsx src/deploy/testing/write-prometheus-rule.ts
// (kept under testing/ so the image's build, which excludes it, does not carry the yaml package).
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { PROMETHEUS_RULE_FILE, prometheusRuleYaml, RULES_FILE } from "./prometheus-rule.js";
import { REPO_ROOT } from "./repo-paths.js";

writeFileSync(PROMETHEUS_RULE_FILE, prometheusRuleYaml(readFileSync(RULES_FILE, "utf8")));
console.log(`wrote ${relative(REPO_ROOT, PROMETHEUS_RULE_FILE)} from ${relative(REPO_ROOT, RULES_FILE)}`);
