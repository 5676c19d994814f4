import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests spawn the built binary; keep the suite deterministic on a 2-core machine.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
