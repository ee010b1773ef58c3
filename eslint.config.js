import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

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
    // The studio UI runs in the browser, not in Node.
    files: ["src/web/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
);
