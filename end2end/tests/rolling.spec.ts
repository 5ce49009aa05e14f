// A rolling restart under a live kiosk (issue 19): each node of a real 3-node cluster stopped
// gracefully and started again, one after another, as an upgrade does. The screen never shows
// the unreachable overlay, never reconnects, never holds figures from an earlier refresh, its live
// updates keep coming and the data on it is never older than an interval, the short timeout and a
// second. On RabbitMQ 3.10 (`trio`) and 4.0 (`trio4`), clusters of warren.e2e.toml with all three
// nodes' URLs.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { answers, CLUSTERS } from './broker';
import { expect, expectSameDocument, markDocument, shot, test } from './helpers';
import { createDashboard, openScreen, screenToken } from './screens';

const run = promisify(execFile);
const SCRIPT = path.resolve(__dirname, '../../scripts/broker.sh');
// warren.e2e.toml: the default refresh interval and timeout_secs = 3.
const INTERVAL_S = 5;
const TIMEOUT_S = 3;
const BOUND_S = INTERVAL_S + TIMEOUT_S + 1;

/** What the screen showed, recorded in the page at every change so that nothing is missed between two looks. */
type Seen = {
  overlays: string[];
  reconnecting: number;
  updates: number;
  firstUpdates: number;
  largestUpdateGapMs: number;
  oldestAgeS: number;
  statuses: string[];
  warnings: string[];
};

for (const cluster of Object.keys(CLUSTERS)) {
  test(`a kiosk on ${cluster} rides out a rolling restart of its three nodes`, async ({ page, browser }) => {
    test.setTimeout(360_000);
    expect(await answers(CLUSTERS[cluster]), `${cluster} must run: scripts/broker.sh start ${cluster}`).toBe(true);
    const id = await createDashboard(page, {
      version: 1,
      name: `Rolling ${cluster} ${Date.now()}`,
      tiles: [
        { cluster, kind: 'cluster_status', width: 2 },
        { cluster, kind: 'totals', width: 2 },
      ],
    });
    const screen = await openScreen(browser, `/kiosk/${id}?token=${await screenToken(page)}`, 1920, 1080);
    const status = screen.locator('[data-kind="cluster_status"]').getByTestId('tile-value');
    await expect(status).toHaveText('3/3');
    await expect(screen.getByTestId('kiosk-updated')).toHaveText(/Updated \d+ s ago/);
    await expect(screen.getByTestId('kiosk-unreachable')).toHaveCount(0);
    await markDocument(screen);

    await screen.evaluate(() => {
      const seen = {
        overlays: [] as string[],
        reconnecting: 0,
        updates: 0,
        firstUpdates: 0,
        largestUpdateGapMs: 0,
        lastUpdateAt: performance.now(),
        oldestAgeS: 0,
        statuses: [] as string[],
        warnings: [] as string[],
      };
      (window as any).__rolling = seen;
      const board = document.querySelector('.kiosk-screen')!;
      seen.updates = seen.firstUpdates = Number(board.getAttribute('data-updates'));
      const look = () => {
        const now = performance.now();
        const down = document.querySelector('[data-testid="kiosk-unreachable"]');
        if (down) seen.overlays.push(`${new Date().toISOString()}: ${down.textContent}`);
        const updated = document.querySelector('[data-testid="kiosk-updated"]');
        if (updated?.getAttribute('data-state') === 'reconnecting') seen.reconnecting += 1;
        const age = /(\d+) s ago/.exec(updated?.textContent ?? '');
        if (age) seen.oldestAgeS = Math.max(seen.oldestAgeS, Number(age[1]));
        const updates = Number(board.getAttribute('data-updates'));
        if (updates !== seen.updates) {
          seen.largestUpdateGapMs = Math.max(seen.largestUpdateGapMs, now - seen.lastUpdateAt);
          seen.lastUpdateAt = now;
          seen.updates = updates;
        }
        const nodes = document.querySelector('[data-kind="cluster_status"] [data-testid="tile-value"]')?.textContent;
        if (nodes && !seen.statuses.includes(nodes)) seen.statuses.push(nodes);
        for (const warning of document.querySelectorAll('[data-testid="kiosk-warning"]')) {
          const text = (warning.textContent ?? '').replace(/\d+ s\b/g, 'N s');
          if (!seen.warnings.includes(text)) seen.warnings.push(text);
        }
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      look();
    });
    const seen = async (): Promise<Seen> =>
      screen.evaluate(() => {
        const seen = (window as any).__rolling;
        // The time since the last update counts too.
        const sinceLast = performance.now() - seen.lastUpdateAt;
        return { ...seen, largestUpdateGapMs: Math.round(Math.max(seen.largestUpdateGapMs, sinceLast)) };
      });

    const rolling = Date.now();
    for (const node of [1, 2, 3].map((n) => `${cluster}-${n}`)) {
      const before = (await seen()).updates;
      const began = Date.now();
      await run(SCRIPT, ['restart', node], { timeout: 200_000 });
      console.log(`${cluster}: ${node} restarted in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      const now = await seen();
      expect(now.overlays, `the overlay while ${node} restarted`).toEqual([]);
      expect(now.updates, `live updates while ${node} restarted`).toBeGreaterThan(before);
    }
    await expect(status).toHaveText('3/3', { timeout: (2 * INTERVAL_S + TIMEOUT_S) * 1000 });
    await shot(screen, `kiosk-rolling-${cluster}`);
    const all = await seen();
    console.log(
      `${cluster}: rolling restart over ${((Date.now() - rolling) / 1000).toFixed(1)} s: ${all.updates - all.firstUpdates} updates, ` +
        `largest gap between two ${(all.largestUpdateGapMs / 1000).toFixed(2)} s, oldest data shown ${all.oldestAgeS} s, ` +
        `nodes shown ${all.statuses.join(' ')}; warnings: ${JSON.stringify(all.warnings)}`,
    );
    expect(all.overlays).toEqual([]);
    expect(all.reconnecting, 'times the screen showed it was reconnecting').toBe(0);
    // A node that is down is named ("No answer from node …"), but no figures are held back.
    expect(all.warnings.filter((w) => w.startsWith('Figures for'))).toEqual([]);
    expect(all.largestUpdateGapMs).toBeLessThanOrEqual(BOUND_S * 1000);
    expect(all.oldestAgeS).toBeLessThanOrEqual(BOUND_S);
    // Fresh enough to show the cluster one node short during the restarts.
    expect(all.statuses).toContain('2/3');
    await expectSameDocument(screen);
    await screen.context().close();
  });
}

// A frozen node (SIGSTOP) on the 3.10 cluster: the queues page names it and says which figures
// are older (its peers wait for it before they give them), the kiosk says the same without its
// overlay, and both are whole again once the node is thawed.
test('a frozen node is named, with the figures its peers cannot give, on a page and a kiosk', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const cluster = 'trio';
  expect(await answers(CLUSTERS[cluster]), `${cluster} must run: scripts/broker.sh start ${cluster}`).toBe(true);
  const id = await createDashboard(page, {
    version: 1,
    name: `Frozen ${cluster} ${Date.now()}`,
    tiles: [{ cluster, kind: 'totals', width: 2 }],
  });
  const screen = await openScreen(browser, `/kiosk/${id}?token=${await screenToken(page)}`, 1920, 1080);
  await page.goto(`/c/${cluster}/queues`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  // The node Warren reads from first: its probe and the lists both have to move on.
  await run(SCRIPT, ['freeze', `${cluster}-1`]);
  try {
    const bound = { timeout: (INTERVAL_S + TIMEOUT_S + 2) * 1000 };
    await expect(page.getByTestId('node-unreachable')).toContainText('127.0.0.1:15681', bound);
    await expect(page.getByTestId('held-parts')).toContainText('queues', bound);
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
    await expect(screen.getByTestId('kiosk-warning').first()).toBeVisible(bound);
    await expect(screen.getByTestId('kiosk-warning').filter({ hasText: 'Figures for' })).toHaveCount(1);
    await expect(screen.getByTestId('kiosk-unreachable')).toHaveCount(0);
    await shot(page, 'frozen-node-queues');
    await shot(screen, 'frozen-node-kiosk');
    // The same words in Chinese, then back, as the rest of the suite expects English.
    await page.getByTestId('lang-switch').click();
    await expect(page.getByTestId('held-parts')).toContainText('队列');
    await expect(page.getByTestId('node-unreachable')).toContainText('无响应');
    await shot(page, 'frozen-node-queues-zh');
    await page.getByTestId('lang-switch').click();
    await expect(page.getByTestId('held-parts')).toContainText('queues');
  } finally {
    await run(SCRIPT, ['thaw', `${cluster}-1`]);
  }
  const whole = { timeout: (2 * INTERVAL_S + TIMEOUT_S) * 1000 };
  await expect(page.getByTestId('held-parts')).toHaveCount(0, whole);
  await expect(page.getByTestId('node-unreachable')).toHaveCount(0, whole);
  await expect(screen.getByTestId('kiosk-warning')).toHaveCount(0, whole);
  await screen.context().close();
});
