import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Separate processes per file: fixtures and environments of one file never leak into another.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
