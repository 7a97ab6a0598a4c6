// ESLint for the UI: the recommended JavaScript, TypeScript (type-aware, so a promise nobody
// handles is caught) and Svelte rules, on the sources, the tests and the tool configs.

import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import ts from "typescript-eslint";
import svelteConfig from "./svelte.config.js";

export default defineConfig(
  { ignores: ["dist/"] },
  js.configs.recommended,
  ts.configs.recommendedTypeChecked,
  svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: true,
        extraFileExtensions: [".svelte"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Commands reject with the contract's plain {code, message} object, not an Error: the UI
      // passes that object on as it is.
      "@typescript-eslint/only-throw-error": [
        "error",
        { allow: [{ from: "file", name: "IpcError", path: "src/ipc.ts" }] },
      ],
      // `const { left: _, ...rest } = value` is how a property is left out of a copy.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    // The tests and the fake shell play the shell: they reject with literal {code, message}
    // objects, implement the transport's promise-returning methods as `async` functions that
    // have nothing to await, and keep the fake's transport functions (arrow functions, so bound)
    // to call them later.
    files: ["tests/**", "src/testing/**"],
    rules: {
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/prefer-promise-reject-errors": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
  },
);
