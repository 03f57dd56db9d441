import { defineConfig } from "vitest/config";

// The packaging end-to-end test: slow (packs, installs from the npm registry), so it runs
// on its own (`pnpm test:packaging`, and in CI), not in `pnpm test`.
export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    include: ["test/packaging/**/*.e2e.ts"],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    // One test builds on the one before: the project made by init, then the image.
    sequence: { concurrent: false },
    fileParallelism: false,
  },
});
