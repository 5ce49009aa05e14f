import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The kiosk soak (`scripts/soak.sh`): the browser suite's setup, one long test.
export default defineConfig({ ...base, testDir: './soak', testMatch: '*.soak.ts', timeout: 0 });
