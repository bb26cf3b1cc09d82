import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // end-to-end tests spawn the CLI and DuckDB; a loaded 2-core CI machine needs more than the 5 s default
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
