import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { REPO_ROOT } from "./repo-paths.js";
import { parseYamlDocuments } from "./yaml-files.js";

/** The alert rules (deploy/prometheus/, another part of the tree) and the PrometheusRule carrying them. */
export const RULES_FILE = join(REPO_ROOT, "deploy/prometheus/palate-rules.yml");
export const PROMETHEUS_RULE_FILE = join(REPO_ROOT, "deploy/kubernetes/base/prometheus-rule.yaml");

const HEADER = `# GENERATED from deploy/prometheus/palate-rules.yml (the one source of the alert rules) by
#   node --import tsx src/deploy/testing/write-prometheus-rule.ts
# Do not edit: src/deploy/prometheus-rule.test.ts fails when spec.groups differ from that file.
`;

/** The `groups` of a Prometheus rules file's text. */
export function ruleGroups(text: string, source: string): unknown[] {
  const [document] = parseYamlDocuments(text, source) as Array<{ groups?: unknown }>;
  if (!document || !Array.isArray(document.groups)) throw new Error(`${source}: no 'groups' list`);
  return document.groups;
}

/** The PrometheusRule manifest (YAML text) wrapping a rules file's groups unchanged. */
export function prometheusRuleYaml(rulesText: string): string {
  const manifest = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "palate", labels: { "app.kubernetes.io/name": "palate" } },
    spec: { groups: ruleGroups(rulesText, "palate-rules.yml") },
  };
  return HEADER + stringify(manifest, { lineWidth: 0 });
}

/** The groups of the committed PrometheusRule manifest. */
export function committedRuleGroups(): unknown[] {
  const [manifest] = parseYamlDocuments(
    readFileSync(PROMETHEUS_RULE_FILE, "utf8"),
    "prometheus-rule.yaml",
  ) as Array<{
    spec?: { groups?: unknown };
  }>;
  if (!Array.isArray(manifest?.spec?.groups)) throw new Error("prometheus-rule.yaml: no spec.groups list");
  return manifest.spec.groups;
}
