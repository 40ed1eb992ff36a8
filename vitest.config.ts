import { defineConfig } from 'vitest/config';

// `npm test`: API and web unit tests. Browser tests (real Chromium) run with `npm run test:browser`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'api',
          root: './apps/api',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./src/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file gets its own database; two workers keep the two cores busy.
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'bench-check',
          root: './bench',
          include: ['**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
    ],
  },
});
