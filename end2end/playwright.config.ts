import { defineConfig } from '@playwright/test';
import path from 'node:path';

// Debian's Chromium: a test tool's own browser download cannot work on these machines.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  // The fault test stops and starts the shared broker: tests run one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalSetup: './tests/global-setup.ts',
  use: {
    baseURL: process.env.WARREN_URL ?? 'http://127.0.0.1:3000',
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs },
    viewport: { width: 1440, height: 900 },
    // Signed in as the e2e admin by global-setup.ts; tests that need someone else say so.
    storageState: path.resolve(__dirname, '.auth/admin.json'),
    trace: 'off',
  },
  // cargo-leptos starts the server and then this suite at once; wait for the port before testing.
  webServer: {
    command: 'sleep 3600',
    url: `${process.env.WARREN_URL ?? 'http://127.0.0.1:3000'}/healthz`,
    reuseExistingServer: true,
    timeout: 180_000,
  },
});
