import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/unit/**/*.test.ts'],
    // the model-backed tests run real graph models on the cpu backend of a shared, busy machine
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // one file at a time keeps memory and CPU use predictable next to a running training job
    fileParallelism: false,
  },
});
