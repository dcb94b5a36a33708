import assert from "node:assert/strict";
import { test } from "node:test";
import { isIgnored, parseDockerignore } from "./testing/dockerignore.js";

test("an allow-list: * then exceptions, with tests excluded again inside an allowed directory", () => {
  const rules = parseDockerignore("# comment\n*\n!package.json\n!src\nsrc/**/*.test.ts\nsrc/**/testing\n");
  assert.equal(isIgnored(rules, "package.json"), false);
  assert.equal(isIgnored(rules, "node_modules/yaml/package.json"), true);
  assert.equal(isIgnored(rules, "src/cli/main.ts"), false);
  assert.equal(isIgnored(rules, "src/cli/cli.test.ts"), true);
  assert.equal(isIgnored(rules, "src/a.test.ts"), true, "** matches zero directories");
  assert.equal(
    isIgnored(rules, "src/server/testing/fixture.ts"),
    true,
    "a matched parent directory excludes its files",
  );
  assert.equal(isIgnored(rules, "README.md"), true);
});

test("* and ? stay within one path segment; a leading slash is the context root", () => {
  const rules = parseDockerignore("/docs/*.md\nbuild?\n");
  assert.equal(isIgnored(rules, "docs/a.md"), true);
  assert.equal(isIgnored(rules, "docs/deep/a.md"), false);
  assert.equal(isIgnored(rules, "build1/x"), true);
  assert.equal(isIgnored(rules, "build12/x"), false);
  assert.equal(isIgnored(rules, "src/docs/a.md"), false);
});
