import react from '@vitejs/plugin-react';
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
          // Generous: a shared CI machine can be ten times slower than a laptop. Tests never
          // assert timings; a limit only stops a hung test.
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // Each file gets its own database; two workers keep the two cores busy.
          pool: 'forks',
          maxWorkers: 2,
          // Vitest runs projects with different maxWorkers in separate groups: this one after
          // the web and bench-check tests.
          sequence: { groupOrder: 1 },
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'web',
          root: './apps/web',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['./src/test/setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // Real Chromium against the built app and a real API process; `npm run test:browser`.
        test: {
          name: 'browser',
          root: './apps/web',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
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
