import { expect, Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const SHOTS = path.resolve(__dirname, '../screenshots');

/** Waits until the WASM has hydrated the page: only then do clicks stay client-side. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
}

export async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Marks the current document; a full page load loses the mark. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as any).__warrenMark = 'still-here'));
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as any).__warrenMark)).toBe('still-here');
}
