// Type-aware rules only: Biome (biome.json) formats and runs every other lint rule. These need
// the TypeScript type checker, which Biome's own inference covers only in part.
import tseslint from "typescript-eslint";

export default tseslint.config(
  // packages/: the drop-in packages, one line each, checked by installing them (conformance/dropin-packages.test.ts).
  { ignores: ["dist/**", "node_modules/**", "packages/**", "**/*.mjs", "**/*.js", "vitest.config.ts"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/require-await": "off",
    },
  },
);
