import { defineConfig } from 'vitest/config';

/*
 * Three tiers, each its own project: `unit` (pure code and real in-memory/temp SQLite),
 * `integration` (a real server on real sockets, in-process or as a child process). The
 * Chromium end-to-end tier runs under Playwright, not here (vitest must not pick up its specs).
 */
export default defineConfig({
  test: {
    // `.only` left in a test fails CI instead of silently skipping the rest.
    allowOnly: !process.env.CI,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
