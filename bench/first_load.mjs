// Bytes a browser transfers on the first load of a page (default: Overview), with a cold cache,
// counted by Chromium itself (CDP Network.loadingFinished encodedDataLength: headers + body as
// sent on the wire, compressed where the server compressed).
// Usage: WARREN_TOKEN=wrn_… node bench/first_load.mjs [url]   (needs Warren running; run from the
// repo root; the token, from `warren token create bench`, signs the browser in as a screen).
import { createRequire } from 'node:module';
const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const url = process.argv[2] ?? 'http://127.0.0.1:3000/c/local';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
const requests = new Map();
cdp.on('Network.responseReceived', (e) => requests.set(e.requestId, { url: e.response.url, encoding: e.response.headers['content-encoding'] ?? '' }));
cdp.on('Network.loadingFinished', (e) => { const r = requests.get(e.requestId); if (r) r.bytes = e.encodedDataLength; });
// The token opens a screen session and redirects to the page itself: only that load is counted.
if (!process.env.WARREN_TOKEN) throw new Error('set WARREN_TOKEN (warren token create bench)');
await page.goto(`${url}?token=${process.env.WARREN_TOKEN}`, { waitUntil: 'networkidle' });
requests.clear();
await cdp.send('Network.clearBrowserCache');
await page.reload({ waitUntil: 'networkidle' });
await page.waitForSelector('body[data-hydrated="true"]');
await browser.close();

let total = 0;
console.log(`first load of ${url}\n`);
console.log(`${'resource'.padEnd(60)} ${'encoding'.padEnd(9)} ${'bytes'.padStart(9)}`);
for (const r of requests.values()) {
  total += r.bytes ?? 0;
  console.log(`${r.url.replace(/^https?:\/\/[^/]+/, '').slice(0, 60).padEnd(60)} ${r.encoding.padEnd(9)} ${String(r.bytes ?? '?').padStart(9)}`);
}
console.log(`${'total'.padEnd(70)} ${String(total).padStart(9)}`);
