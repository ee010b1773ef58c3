import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import importX, { createNodeResolver } from "eslint-plugin-import-x";

/**
 * The layers (docs/architecture.md): each folder of src/ and the folders it may import. A folder not listed
 * for a layer is refused to it, so the graph only grows by a change to this table.
 */
export const LAYERS = {
  contract: [],
  images: [],
  fs: [],
  threads: [],
  notebook: [],
  urls: ["contract", "fs", "images"],
  render: ["contract", "images", "notebook", "urls"],
  scan: ["contract", "images", "notebook", "render", "urls"],
  kernels: ["contract", "fs", "notebook"],
  server: ["contract", "fs", "images", "kernels", "notebook", "render", "scan", "threads", "urls"],
  // The studio UI runs in the browser: it shares the pure libraries, never the server's or the CLI's code.
  web: ["contract", "images", "notebook", "render", "urls"],
  cli: ["contract", "fs", "images", "kernels", "notebook", "render", "scan", "server", "threads", "urls"],
  types: [],
};

const FOLDERS = Object.keys(LAYERS);

/** One zone per layer: everything in src/ it may not import, and test/ except from its own tests. */
export function layerZones() {
  return FOLDERS.flatMap((layer) => {
    const refused = FOLDERS.filter((other) => other !== layer && !LAYERS[layer].includes(other));
    return [
      ...refused.map((other) => ({
        target: `./src/${layer}`,
        from: `./src/${other}`,
        message: `src/${layer} may not import src/${other} (the layers in docs/architecture.md).`,
      })),
      {
        target: `./src/${layer}`,
        from: "./test",
        message: "Only tests import test helpers.",
      },
    ];
  });
}

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "out/", ".tmp/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Building markup by string concatenation is how injection happens; DOM APIs are the rule.
      "no-restricted-properties": [
        "error",
        {
          property: "innerHTML",
          message: "Build DOM with text APIs; sanitized HTML goes through src/render/sanitize.ts.",
        },
        { property: "outerHTML", message: "Serialize through the export module only." },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js"] })],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js"],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", { zones: layerZones() }],
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    // Unit tests sit beside their code and may read the shared test helpers in test/.
    files: ["src/**/*.test.ts"],
    rules: {
      "import-x/no-restricted-paths": ["error", { zones: layerZones().filter((zone) => zone.from !== "./test") }],
    },
  },
  {
    // The studio UI runs in the browser, not in Node.
    files: ["src/web/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Code that runs in the browser (the studio page bundles these layers) takes the API's schemas as types only:
    // a value import would bring the schema library into the page's bundle. The contract's plain constants
    // (limits.ts, http-names.ts, notebook-head-constants.ts) import nothing and may be imported as values.
    files: ["src/{web,render,urls,notebook,images}/**/*.{ts,tsx}"],
    ignores: ["src/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["typebox", "typebox/*", "@fastify/*"],
              message: "Schema and server libraries stay out of the studio page's bundle.",
            },
            {
              group: ["**/contract/api-*", "**/contract/notebook-head-format*"],
              allowTypeImports: true,
              message: "Import the API's schemas with `import type`: their values would bring TypeBox into the page.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/web/**/*.{ts,tsx}"],
    ignores: ["src/web/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "jsdom", "fastify", "undici", "kysely"],
              message: "The studio UI runs in the browser: no Node.js modules or server libraries.",
            },
          ],
        },
      ],
    },
  },
);
