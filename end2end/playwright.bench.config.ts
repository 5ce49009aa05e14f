import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The first-load bench (`bench/first_load.sh`): the browser suite's setup, one measuring test.
export default defineConfig({ ...base, testDir: './bench', testMatch: '*.bench.ts', timeout: 0 });
