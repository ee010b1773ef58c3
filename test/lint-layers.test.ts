// The layers and the ban on import cycles are enforced by lint: these tests lint made-up files placed in the tree
// and show that an import across a layer, or one that closes a cycle, fails `npm run lint`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";

const root = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

test("a library importing the server, the UI or the CLI fails lint", async () => {
  for (const [file, from] of [
    ["src/urls/made-up.ts", "../server/errors.ts"],
    ["src/render/made-up.ts", "../web/router.ts"],
    ["src/notebook/made-up.ts", "../render/plan.ts"],
    ["src/contract/made-up.ts", "../notebook/types.ts"],
    ["src/scan/made-up.ts", "../cli/usage-error.ts"],
  ] as const) {
    const ids = await ruleIds(file, `import * as m from "${from}";\nexport const x = m;\n`);
    assert.ok(ids.includes("import-x/no-restricted-paths"), `${file} importing ${from}: ${ids.join(", ")}`);
  }
});

test("the server importing the UI, and the UI importing the server or Node.js, fail lint", async () => {
  const server = await ruleIds(
    "src/server/made-up.ts",
    `import * as m from "../web/router.ts";\nexport const x = m;\n`,
  );
  assert.ok(server.includes("import-x/no-restricted-paths"));
  const web = await ruleIds("src/web/made-up.ts", `import * as m from "../server/errors.ts";\nexport const x = m;\n`);
  assert.ok(web.includes("import-x/no-restricted-paths"));
  const node = await ruleIds(
    "src/web/made-up.ts",
    `import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n`,
  );
  assert.ok(node.includes("no-restricted-imports"));
});

test("an import that closes a cycle fails lint", async () => {
  // notebook/parse.ts imports notebook/schema-keywords.ts; schema-keywords importing parse would close the loop.
  const ids = await ruleIds(
    "src/notebook/schema-keywords.ts",
    `import { parseNotebook } from "./parse.ts";\nexport const parse = parseNotebook;\n`,
  );
  assert.ok(ids.includes("import-x/no-cycle"), ids.join(", "));
});

test("imports the layers allow pass", async () => {
  const ids = await ruleIds(
    "src/server/made-up.ts",
    [
      `import { buildRenderPlan } from "../render/plan.ts";`,
      `import { parseRoute } from "../contract/addresses.ts";`,
      `export const x = [buildRenderPlan, parseRoute];`,
    ].join("\n"),
  );
  assert.deepEqual(ids, []);
});

test("code the studio page bundles takes the API's schemas as types only, and its plain constants as values", async () => {
  const value = await ruleIds(
    "src/web/made-up.ts",
    `import { Session } from "../contract/api-session.ts";\nexport const x = Session;\n`,
  );
  assert.ok(value.includes("@typescript-eslint/no-restricted-imports"), value.join(", "));
  const library = await ruleIds("src/render/made-up.ts", `import { Type } from "typebox";\nexport const x = Type;\n`);
  assert.ok(library.includes("@typescript-eslint/no-restricted-imports"), library.join(", "));
  const allowed = await ruleIds(
    "src/web/made-up.ts",
    `import type { Session } from "../contract/api-session.ts";\nimport { CSRF_HEADER } from "../contract/http-names.ts";\nexport const x: Session | string = CSRF_HEADER;\n`,
  );
  assert.deepEqual(allowed, []);
});
