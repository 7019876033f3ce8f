import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/*
 * The end-to-end tier: the renderer as `electron-vite build` writes it, in a real Chromium,
 * against the real client core and a real sync-server (test/e2e/bridge carries the app's IPC
 * contract over a WebSocket). Debian's Chromium is used where it is installed (these machines
 * cannot download Playwright's own); elsewhere Playwright's own browser, so the same tests run
 * on a laptop.
 */

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) =>
  existsSync(p),
);

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  // One at a time: every spec runs its own server, app service and browser on 2 cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env['CI']),
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results/playwright',
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1360, height: 820 },
    deviceScaleFactor: 1,
    trace: 'retain-on-failure',
    launchOptions: {
      ...(SYSTEM_CHROMIUM && { executablePath: SYSTEM_CHROMIUM }),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
