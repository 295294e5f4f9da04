import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 15000,
    hookTimeout: 15000,
    include: ["test/**/*.test.ts", "conformance/**/*.test.ts"],
    pool: "forks",
    // Warnings the tests provoke on purpose are not printed (test/helpers/expected-warnings.ts).
    setupFiles: ["test/helpers/expected-warnings.ts"],
  },
});
