// Soak: one kiosk page through many live updates (10,000 unless SOAK_UPDATES says otherwise),
// as a wall screen sees them over days, in minutes. Writes through Warren drive them: deleting
// and re-creating a queue patches the cluster's snapshot, and every screen gets an update at
// once; the queues are refilled through the broker so lists keep changing, and the regular
// refreshes bring the backlog chart and totals along.
//
// Reports, from the Chrome DevTools Protocol, the JS heap after warm-up and at the end (each
// after a forced garbage collection), DOM nodes, and script and layout time per update. Fails if
// the heap at the end is more than 10 % above the heap after warm-up.
import { api, VHOST } from '../tests/broker';
import { expect, hydrated, test } from '../tests/helpers';

const enc = encodeURIComponent;
const UPDATES = Number(process.env.SOAK_UPDATES ?? 10_000);
// SOAK_CPU_SLOWDOWN=4 runs the screen's main thread 4 times slower (CDP CPU throttling), about
// a TV's browser next to a desktop's.
const CPU_SLOWDOWN = Number(process.env.SOAK_CPU_SLOWDOWN ?? 1);
const WARM_UP = Math.min(500, Math.ceil(UPDATES / 10));
const QUEUES = 24;
const soakQueue = (i: number) => `soak-${i} #${'%'}`;

test('a kiosk page stays flat in memory through many live updates', async ({ page }) => {
  test.setTimeout(0);
  for (let i = 0; i < QUEUES; i++) {
    await api('PUT', `queues/${enc(VHOST)}/${enc(soakQueue(i))}`, { durable: true });
    await refill(i);
  }
  await page.goto('/admin');
  await hydrated(page);
  const csrf = (await page.context().cookies()).find((c) => c.name === 'warren_csrf')!.value;
  const call = async (fn: string, body: unknown) => {
    const response = await page.request.post(`/api/${fn}`, { headers: { 'x-csrf-token': csrf }, data: body });
    if (!response.ok()) throw new Error(`${fn}: HTTP ${response.status()} ${await response.text()}`);
    return response.json();
  };
  const dashboard = await call('admin/save_dashboard', {
    id: null,
    rev: 0,
    spec: {
      version: 1,
      name: `Soak ${Date.now()}`,
      tiles: [
        { cluster: 'local', kind: 'cluster_status' },
        { cluster: 'local', kind: 'totals', vhost: VHOST, width: 2 },
        { cluster: 'local', kind: 'warnings' },
        { cluster: 'local', kind: 'top_queues', queues: { vhost: VHOST, pattern: '^soak-' }, by: 'backlog', limit: 10, width: 2,
          thresholds: [{ metric: 'backlog', amber: 2, red: 3 }] },
        { cluster: 'local', kind: 'backlog', queues: { vhost: VHOST }, range: 'TenMinutes', width: 2 },
        { cluster: 'local', kind: 'no_consumers', queues: { vhost: VHOST }, limit: 10, width: 2 },
        { cluster: 'rabbit4', kind: 'cluster_status', width: 2 },
      ],
    },
  });

  const screen = await page.context().newPage();
  await screen.setViewportSize({ width: 1920, height: 1080 });
  await screen.goto(`/kiosk/${dashboard.id}`);
  await hydrated(screen);
  await expect(screen.getByTestId('tile-value').first()).toBeVisible();
  const cdp = await screen.context().newCDPSession(screen);
  await cdp.send('Performance.enable');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const updates = async () => Number(await screen.locator('.kiosk-screen').getAttribute('data-updates'));
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => metrics.find((m: { name: string }) => m.name === name)?.value ?? 0;
    return {
      updates: await updates(),
      heap: get('JSHeapUsedSize'),
      nodes: get('Nodes'),
      listeners: get('JSEventListeners'),
      script: get('ScriptDuration'),
      task: get('TaskDuration'),
      layouts: get('LayoutCount'),
    };
  };

  // Delete a queue (its row leaves the lists), create it again, refill it through the broker.
  let step = 0;
  const drive = async (until: number) => {
    while ((await updates()) < until) {
      const i = step++ % QUEUES;
      const queue = { vhost: VHOST, name: soakQueue(i) };
      await call('ops/delete_queue', { cluster: 'local', delete: { ...queue, if_empty: false, if_unused: false } });
      await call('ops/create_queue', {
        cluster: 'local',
        queue: { ...queue, kind: 'Classic', durable: true, auto_delete: false, arguments: [] },
      });
      await refill(i);
    }
  };

  const started = Date.now();
  await drive(WARM_UP);
  const warm = await measure();
  await drive(warm.updates + UPDATES);
  const end = await measure();
  const minutes = (Date.now() - started) / 60_000;

  const n = end.updates - warm.updates;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
  const growth = (end.heap / warm.heap - 1) * 100;
  console.log(
    [
      `kiosk soak: ${n} live updates after ${warm.updates} of warm-up, ${minutes.toFixed(1)} min, ${step} writes through Warren` +
        (CPU_SLOWDOWN > 1 ? `, CPU ${CPU_SLOWDOWN}x slower` : ''),
      `  JS heap after warm-up ${mb(warm.heap)} MB, at the end ${mb(end.heap)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %)`,
      `  DOM nodes ${warm.nodes} -> ${end.nodes}, event listeners ${warm.listeners} -> ${end.listeners}`,
      `  script time per update ${(((end.script - warm.script) * 1000) / n).toFixed(2)} ms, ` +
        `main-thread tasks per update ${(((end.task - warm.task) * 1000) / n).toFixed(2)} ms, ` +
        `layouts per update ${((end.layouts - warm.layouts) / n).toFixed(2)}`,
    ].join('\n'),
  );
  expect(end.heap, 'heap at the end within 10 % of the heap after warm-up').toBeLessThanOrEqual(warm.heap * 1.1);

  await screen.close();
  await call('admin/delete_dashboard', { id: dashboard.id });
  for (let i = 0; i < QUEUES; i++) await api('DELETE', `queues/${enc(VHOST)}/${enc(soakQueue(i))}`);
});

/** Gives queue `i` a backlog of 1 to 4 messages, so lists and thresholds move. */
async function refill(i: number) {
  for (let m = 0; m <= i % 4; m++) {
    await api('POST', `exchanges/${enc(VHOST)}/amq.default/publish`, {
      properties: { delivery_mode: 2 },
      routing_key: soakQueue(i),
      payload: `soak ${m}`,
      payload_encoding: 'string',
    });
  }
}
