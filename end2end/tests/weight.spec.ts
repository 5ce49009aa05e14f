// The weight budget (issue 20): what each page's first load transfers, with brotli and with gzip
// only, may not grow past its budget, and a second visit downloads no WASM, JS or CSS. Bytes, not
// times: they do not depend on the machine. The kiosk has a bundle of its own and is held to its
// target (250 KB brotli, 450 KB gzip). The console's pages load its main bundle, and the pages an
// admin opens now and then also their own files (app/src/pages/lazy.rs); their budgets are each
// page's size on 2026-12-02, after issue 21's pages (their words, in both languages, live in the
// one text table of the main bundle: see README), and about 2 % of slack (their target is 350 KB
// brotli, 450 KB gzip).
// `bench/first_load.sh` prints the whole table, with hydration times.
import { ADMIN_STATE } from './accounts';
import { expect, test } from './helpers';
import { measure, pages } from './weight';

const KB = 1000;
const BUDGET: Record<string, [number, number]> = {
  clusters: [530 * KB, 720 * KB],
  overview: [515 * KB, 700 * KB],
  queues: [515 * KB, 700 * KB],
  queue: [515 * KB, 700 * KB],
  exchange: [515 * KB, 700 * KB],
  policies: [580 * KB, 785 * KB],
  connections: [535 * KB, 725 * KB],
  channels: [535 * KB, 725 * KB],
  consumers: [525 * KB, 715 * KB],
  definitions: [560 * KB, 755 * KB],
  admin: [595 * KB, 800 * KB],
  dashboards: [620 * KB, 835 * KB],
  kiosk: [250 * KB, 450 * KB],
};

test('every page stays within its first-load budget, and a second visit hits the cache', async ({ browser }) => {
  test.setTimeout(300_000);
  const { pages: urls, kioskState } = await pages(browser);
  expect(Object.keys(urls).sort()).toEqual(Object.keys(BUDGET).sort());
  const over: string[] = [];
  for (const [name, url] of Object.entries(urls)) {
    const state = name === 'kiosk' ? kioskState : ADMIN_STATE;
    const [brotli, gzip] = BUDGET[name];
    const br = await measure(browser, url, state);
    const gz = await measure(browser, url, state, { gzipOnly: true });
    console.log(`${name.padEnd(12)} brotli ${br.first.total} B (wasm ${br.first.wasm}), gzip ${gz.first.total} B, again ${br.again} B`);
    if (br.first.total > brotli) over.push(`${name}: ${br.first.total} B with brotli > ${brotli}`);
    if (gz.first.total > gzip) over.push(`${name}: ${gz.first.total} B with gzip only > ${gzip}`);
    if (br.again > 0) over.push(`${name}: a second visit downloaded ${br.again} B of WASM, JS and CSS`);
  }
  expect(over).toEqual([]);
});
