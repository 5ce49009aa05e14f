// What a browser downloads on a page's first load, counted by Chromium itself (CDP
// `Network.loadingFinished`: bytes on the wire, headers included, compressed as served), by type,
// with a cold cache; and the same page visited again. Shared by the budget spec (weight.spec.ts)
// and the bench (bench/first-load.bench.ts).
import { Browser, BrowserContextOptions } from '@playwright/test';
import { ADMIN_STATE } from './accounts';
import { ODD_EXCHANGE, ODD_QUEUE, VHOST } from './broker';
import { createDashboard, screenToken } from './screens';

export const TYPES = ['html', 'js', 'wasm', 'css', 'other'] as const;
export type Bytes = Record<(typeof TYPES)[number] | 'total', number>;

export type Load = {
  first: Bytes;
  /** Bytes of WASM, JS and CSS on a second visit (0: all from the cache). */
  again: number;
  /** ms from navigation to `body[data-hydrated]`. */
  hydratedMs: number;
};

export type Options = {
  /** Only gzip accepted, as a TV's browser on plain HTTP. */
  gzipOnly?: boolean;
  /** Chromium's CPU throttling rate (4: a TV-class CPU). */
  cpuSlowdown?: number;
};

function kind(url: string, mime: string): (typeof TYPES)[number] {
  const path = new URL(url).pathname;
  if (path.endsWith('.wasm')) return 'wasm';
  if (path.endsWith('.js')) return 'js';
  if (path.endsWith('.css')) return 'css';
  return mime.includes('html') ? 'html' : 'other';
}

/** Loads `url` twice in a fresh context (signed in as `storageState`): cold, then from the cache. */
export async function measure(browser: Browser, url: string, storageState: BrowserContextOptions['storageState'], options: Options = {}): Promise<Load> {
  const context = await browser.newContext({ storageState });
  const page = await context.newPage();
  // Records when hydration ends, from the navigation's start (performance.now()).
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.dataset.hydrated === 'true') {
        (window as any).__hydratedMs = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (options.gzipOnly) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'gzip' } });
  if (options.cpuSlowdown) await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.cpuSlowdown });
  const requests = new Map<string, { type: (typeof TYPES)[number]; bytes: number }>();
  cdp.on('Network.responseReceived', (e) => requests.set(e.requestId, { type: kind(e.response.url, e.response.mimeType), bytes: 0 }));
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  const load = async () => {
    requests.clear();
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout: 60_000 });
    const bytes = Object.fromEntries([...TYPES, 'total'].map((t) => [t, 0])) as Bytes;
    for (const r of requests.values()) {
      bytes[r.type] += r.bytes;
      bytes.total += r.bytes;
    }
    return { bytes, hydratedMs: Math.round(await page.evaluate(() => (window as any).__hydratedMs as number)) };
  };
  const first = await load();
  const again = (await load()).bytes;
  await context.close();
  return { first: first.bytes, again: again.wasm + again.js + again.css, hydratedMs: first.hydratedMs };
}

/** The pages measured, by name: their URLs on the e2e console, the kiosk made up for the run. */
export async function pages(browser: Browser): Promise<{ pages: Record<string, string>; kioskState: BrowserContextOptions['storageState'] }> {
  const context = await browser.newContext({ storageState: ADMIN_STATE });
  const page = await context.newPage();
  const id = await createDashboard(page, {
    version: 1,
    name: `Weight ${Date.now()}`,
    tiles: [
      { cluster: 'local', kind: 'cluster_status', width: 2 },
      { cluster: 'local', kind: 'totals', width: 2 },
    ],
  });
  const token = await screenToken(page);
  await context.close();
  // The kiosk signs in with its token once; the measured loads reuse that screen session.
  const screen = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const tv = await screen.newPage();
  await tv.goto(`/kiosk/${id}?token=${token}`);
  const kioskState = await screen.storageState();
  await screen.close();
  return {
    pages: {
      clusters: '/',
      overview: '/c/local',
      queues: '/c/local/queues',
      queue: `/c/local/queue?vhost=${encodeURIComponent(VHOST)}&name=${encodeURIComponent(ODD_QUEUE)}`,
      exchange: `/c/local/exchange?vhost=${encodeURIComponent(VHOST)}&name=${encodeURIComponent(ODD_EXCHANGE)}`,
      policies: '/c/local/policies',
      connections: '/c/local/connections',
      channels: '/c/local/channels',
      consumers: '/c/local/consumers',
      shovels: '/c/local/shovels',
      vhosts: '/c/local/vhosts',
      settings: '/c/local/settings',
      upgrade: '/c/local/upgrade',
      advisor: '/c/local/advisor',
      node: '/c/local/node?name=warren310%40localhost',
      definitions: '/c/local/definitions',
      admin: '/admin',
      dashboards: '/admin/dashboards',
      kiosk: `/kiosk/${id}`,
    },
    kioskState,
  };
}
