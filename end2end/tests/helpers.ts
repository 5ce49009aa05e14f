import { expect, Page, test as base } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { brokerPassword } from './accounts';

export { expect };

/** Secrets that must never reach a browser: the password of the broker account the console uses. */
export function secrets(): string[] {
  return [brokerPassword()];
}

/**
 * Every test runs with this: it reads every HTTP response body and every live-stream message the
 * page receives, and fails the test if one carries a secret.
 */
export const test = base.extend<{ secretScan: void }>({
  secretScan: [
    async ({ page }, use, testInfo) => {
      const bodies: Promise<string>[] = [];
      page.on('response', (response) => {
        const type = response.headers()['content-type'] ?? '';
        if (type.includes('text/event-stream')) return; // read through CDP below
        bodies.push(
          response
            .body()
            .then((b) => `${response.url()}\n${response.headers()['set-cookie'] ?? ''}\n${b.toString('latin1')}`)
            .catch(() => ''),
        );
      });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      const events: string[] = [];
      cdp.on('Network.eventSourceMessageReceived', (event) => events.push(event.data));
      await use();
      const all = [...(await Promise.all(bodies)), ...events];
      for (const secret of secrets()) {
        const leaks = all.filter((text) => text.includes(secret)).map((text) => text.split('\n')[0]);
        expect(leaks, `broker password served in ${testInfo.title}`).toEqual([]);
      }
      testInfo.annotations.push({ type: 'scanned', description: `${all.length} responses and live events` });
    },
    { auto: true },
  ],
});

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
