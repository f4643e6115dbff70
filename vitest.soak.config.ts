import { defineConfig } from "vitest/config";

// `npm run test:soak`: the reliability and load suite (test/soak). SOAK_SCALE=short (CI) runs the
// same tests smaller. One file at a time: the load test wants the machine to itself.
export default defineConfig({
  test: {
    include: ["test/soak/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
