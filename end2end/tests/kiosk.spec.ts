// Wall screens: an admin composes a dashboard in the editor and a screen token opens its kiosk
// page in a browser of its own. Numbers are live, a publish changes its tile, a stopped broker
// fills the screen with the unreachable state and a restarted one recovers without a reload;
// 1920×1080, 3840×2160 and a portrait screen show every tile without scrolling.
import { Page } from '@playwright/test';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ADMIN, BINARY, ensureUser, signIn } from './accounts';
import { api, broker, publishTo, VHOST } from './broker';
import { expect, expectSameDocument, hydrated, markDocument, shot, test } from './helpers';
import { createDashboard, newDashboardAsJson, openScreen, savedId, screenToken } from './screens';

const enc = encodeURIComponent;

/** Every tile inside the viewport, and nothing to scroll. */
async function expectFits(screen: Page) {
  const fit = await screen.evaluate(() => {
    const tiles = [...document.querySelectorAll('[data-testid="tile"]')].map((t) => t.getBoundingClientRect());
    return {
      tiles: tiles.length,
      outside: tiles.filter((r) => r.bottom > innerHeight + 1 || r.right > innerWidth + 1 || r.height < 40).length,
      scrolls: document.documentElement.scrollHeight > innerHeight + 1 || document.documentElement.scrollWidth > innerWidth + 1,
    };
  });
  expect(fit).toEqual({ tiles: fit.tiles, outside: 0, scrolls: false });
}

/** A dashboard of every tile kind, one of them listing only `queue` (amber from 5 messages). */
function wall(queue: string) {
  return {
    version: 1,
    name: `Orders wall ${Date.now()}`,
    tiles: [
      { cluster: 'local', kind: 'cluster_status' },
      { cluster: 'local', kind: 'totals', vhost: VHOST, width: 2 },
      { cluster: 'local', kind: 'warnings' },
      {
        cluster: 'local', kind: 'top_queues', title: 'Kiosk queue', width: 2, limit: 5,
        queues: { vhost: VHOST, names: [queue] }, by: 'backlog',
        thresholds: [{ metric: 'backlog', amber: 5, red: 1000 }],
      },
      { cluster: 'local', kind: 'backlog', queues: { vhost: VHOST }, range: 'TenMinutes', width: 2 },
      { cluster: 'local', kind: 'no_consumers', queues: { vhost: VHOST }, limit: 6, width: 2 },
      { cluster: 'rabbit4', kind: 'cluster_status', width: 2 },
    ],
  };
}

for (const [width, height] of [[1920, 1080], [3840, 2160]]) {
  test(`a kiosk at ${width}×${height} shows live tiles, follows a publish, and rides out a broker restart without reloading`, async ({ page, browser }) => {
    const queue = `e2e-kiosk-${Date.now()} #1`;
    await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
    try {
      const id = await createDashboard(page, wall(queue));
      const token = await screenToken(page);

      // The token opens a screen session; the page then drops it from the address.
      const screen = await openScreen(browser, `/kiosk/${id}?token=${token}`, width, height);
      await expect(screen).toHaveURL(new RegExp(`/kiosk/${id}$`));
      await expect(screen.getByTestId('tile')).toHaveCount(7);
      await expect(screen.locator('.topbar, nav')).toHaveCount(0);
      await expect(screen.getByTestId('kiosk-clock')).toHaveText(/^\d\d:\d\d$/);
      await expect(screen.getByTestId('kiosk-updated')).toHaveText(/Updated \d+ s ago/);
      await expect(screen.locator('[data-kind="cluster_status"]').first().getByTestId('tile-value')).toHaveText('1/1');
      const kioskQueue = screen.getByTestId('tile').filter({ hasText: 'Kiosk queue' });
      await expect(kioskQueue).toContainText('No queue holds messages.');
      await expectFits(screen);
      await markDocument(screen);

      // A publish reaches the tile with the next refresh, amber by its threshold.
      await publishTo(VHOST, queue, 7);
      await expect(kioskQueue.getByTestId('tile-queue').locator('.value')).toHaveText('7', { timeout: 30_000 });
      await expect(kioskQueue).toHaveAttribute('data-level', 'amber');
      await shot(screen, `kiosk-${width}x${height}`);

      try {
        broker('stop');
        const down = screen.getByTestId('kiosk-unreachable');
        await expect(down).toBeVisible({ timeout: 30_000 });
        await expect(down).toContainText('local is unreachable');
        await expect(down).not.toContainText('rabbit4');
        await shot(screen, `kiosk-${width}x${height}-broker-down`);
      } finally {
        broker('start');
      }
      await expect(screen.getByTestId('kiosk-unreachable')).toHaveCount(0, { timeout: 60_000 });
      await expect(kioskQueue.getByTestId('tile-queue').locator('.value')).toHaveText('7');
      await expectSameDocument(screen);
      await screen.context().close();
    } finally {
      await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
    }
  });
}

/**
 * A TCP relay to the console that can drop every connection and refuse new ones, as a network
 * outage or a restarting server does. (Chromium's offline mode leaves an open stream alone.)
 */
async function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cut() {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      up = true;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test('a portrait kiosk fits, and reconnects by itself after the network drops', async ({ page, browser, baseURL }) => {
  const id = await createDashboard(page, wall(`e2e-kiosk-portrait-${Date.now()}`));
  const network = await relay(new URL(baseURL!));
  try {
    const screen = await openScreen(browser, `${network.origin}/kiosk/${id}?token=${await screenToken(page)}`, 1080, 1920);
    await expect(screen.getByTestId('tile')).toHaveCount(7);
    const updated = screen.getByTestId('kiosk-updated');
    await expect(updated).toHaveText(/Updated \d+ s ago/);
    await expectFits(screen);
    await shot(screen, 'kiosk-portrait-1080x1920');
    await markDocument(screen);

    network.cut();
    await expect(updated).toHaveAttribute('data-state', 'reconnecting', { timeout: 30_000 });
    await expect(updated).toContainText('reconnecting');
    await shot(screen, 'kiosk-reconnecting');
    network.restore();
    await expect(updated).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
    const updates = async () => Number(await screen.locator('.kiosk-screen').getAttribute('data-updates'));
    const before = await updates();
    await expect.poll(updates, { timeout: 30_000 }).toBeGreaterThan(before);
    await expectSameDocument(screen);
    await screen.context().close();
  } finally {
    await network.close();
  }
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A console of this build of its own, on its own port and data directory, that a test can stop
 * and start as an admin restarts Warren (SIGTERM, then the same binary on the same store).
 */
async function ownConsole() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-restart-'));
  const env = {
    ...process.env,
    WARREN_DATA_DIR: dataDir,
    WARREN_LISTEN: `127.0.0.1:${port}`,
    LEPTOS_OUTPUT_NAME: 'warren',
    LEPTOS_SITE_ROOT: path.resolve(__dirname, '../../target/site'),
    LEPTOS_SITE_PKG_DIR: 'pkg',
    LEPTOS_ENV: 'PROD',
    // The build's file names carry content hashes, read from hash.txt beside the binary.
    LEPTOS_HASH_FILES: 'true',
  };
  const origin = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!running()) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    await exited;
  };
  return {
    origin,
    env,
    async start() {
      child = spawn(BINARY, [], { env, stdio: 'ignore' });
      const health = () => fetch(`${origin}/healthz`).then((r) => r.status, () => 0);
      await expect.poll(health, { timeout: 30_000 }).toBe(200);
    },
    stop,
    async dispose() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

test('a kiosk rides out a restart of Warren itself and goes on without a reload', async ({ browser }) => {
  const warren = await ownConsole();
  try {
    ensureUser(ADMIN, warren.env);
    await warren.start();
    const admin = await browser.newContext({ baseURL: warren.origin, storageState: { cookies: [], origins: [] } });
    const page = await admin.newPage();
    await signIn(page, ADMIN);
    const id = await createDashboard(page, wall(`e2e-kiosk-restart-${Date.now()}`));
    const screen = await openScreen(browser, `${warren.origin}/kiosk/${id}?token=${await screenToken(page)}`, 1920, 1080);
    const updated = screen.getByTestId('kiosk-updated');
    await expect(updated).toHaveAttribute('data-state', 'live');
    await expect(screen.locator('[data-kind="cluster_status"]').first().getByTestId('tile-value')).toHaveText('1/1');
    await markDocument(screen);

    await warren.stop();
    await expect(updated).toHaveAttribute('data-state', 'reconnecting', { timeout: 30_000 });
    await warren.start();
    // The screen's session is in the store, so the restarted console takes the screen back.
    await expect(updated).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
    const updates = async () => Number(await screen.locator('.kiosk-screen').getAttribute('data-updates'));
    const before = await updates();
    await expect.poll(updates, { timeout: 30_000 }).toBeGreaterThan(before);
    await expect(screen.getByTestId('tile')).toHaveCount(7);
    await expectSameDocument(screen);
    await screen.context().close();
    await admin.close();
  } finally {
    await warren.dispose();
  }
});

test('a kiosk rotates through dashboards in place, and an admin deletes one', async ({ page }) => {
  const first = await createDashboard(page, {
    version: 1, name: `Rotation A ${Date.now()}`, tiles: [{ cluster: 'local', kind: 'cluster_status' }],
  });
  const second = await createDashboard(page, {
    version: 1, name: `Rotation B ${Date.now()}`, tiles: [{ cluster: 'rabbit4', kind: 'warnings' }],
  });
  // As an admin (signed in): a screen token is not the only way onto a kiosk page.
  const screen = await page.context().newPage();
  await screen.goto(`/kiosk/${first}?rotate=${first},${second}&every=10`);
  await hydrated(screen);
  await markDocument(screen);
  const entries = await screen.evaluate(() => history.length);
  await expect(screen.locator('.kiosk-bar h1')).toContainText('Rotation A');
  await expect(screen).toHaveURL(new RegExp(`/kiosk/${second}\\?`), { timeout: 25_000 });
  await expect(screen.locator('.kiosk-bar h1')).toContainText('Rotation B');
  await expect(screen.locator('[data-kind="warnings"]')).toBeVisible();
  await expect(screen).toHaveURL(new RegExp(`/kiosk/${first}\\?`), { timeout: 25_000 });
  // Rotating replaces the history entry: days of it leave no trail.
  expect(await screen.evaluate(() => history.length)).toBe(entries);
  await expectSameDocument(screen);
  await screen.close();

  // The export holds both; deleting one in the editor removes it from the list.
  const exported = await (await page.request.get('/export/dashboards')).json();
  expect(exported.map((d: { name: string }) => d.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^Rotation A/)]));
  await page.goto(`/admin/dashboards?edit=${second}`);
  await hydrated(page);
  await page.getByTestId('delete-dashboard').click();
  await page.getByTestId('delete-dashboard-confirm').click();
  await expect(page).toHaveURL(/\/admin\/dashboards$/);
  await expect(page.getByTestId('dashboard-row').filter({ hasText: 'Rotation B' })).toHaveCount(0);
  await shot(page, 'admin-dashboards');
});

test('an admin composes a dashboard in the form, and its kiosk shows it', async ({ page }) => {
  const queue = `e2e-form-${Date.now()} #1`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    await page.goto('/admin/dashboards?edit=new');
    await hydrated(page);
    // The starting point: the usual five tiles, and no name yet.
    await expect(page.getByTestId('tile-form')).toHaveCount(5);
    const problems = page.getByTestId('dashboard-problems');
    await expect(problems).toContainText('the name must be');
    await page.getByTestId('dashboard-name').fill(`Form wall ${Date.now()}`);
    await expect(problems).toHaveCount(0);

    // Tile 4 (top queues) lists only the queue, amber from 5 messages in it.
    await page.getByTestId('tile-4-title').fill('Form queue');
    await page.getByTestId('tile-4-vhost').fill(VHOST);
    await page.getByTestId('tile-4-names').fill(queue);
    await page.getByTestId('tile-4-threshold-1-metric').selectOption({ label: 'Backlog (ready + unacked)' });
    await page.getByTestId('tile-4-threshold-1-amber').fill('5');
    await page.getByTestId('tile-4-threshold-1-red').fill('1000');
    // Tile 5 becomes the vhost's backlog chart over 10 minutes, keeping the threshold typed for
    // the old kind, which fits the new one.
    await page.getByTestId('tile-5-threshold-1-amber').fill('3');
    await page.getByTestId('tile-5-kind').selectOption('backlog');
    await expect(page.getByTestId('tile-5-kind')).toBeFocused();
    await expect(page.getByTestId('tile-5-threshold-1-amber')).toHaveValue('3');
    await expect(page.getByTestId('tile-5-threshold-1-metric').locator('option:checked')).toHaveText('Backlog (ready + unacked)');
    await page.getByTestId('tile-5-range').selectOption('10m');
    // A mistake is named while typing, and Save waits until it is fixed.
    await page.getByTestId('tile-2-threshold-1-amber').fill('200000');
    await expect(problems).toContainText('tile 2: the Ready threshold');
    await expect(page.getByTestId('save-dashboard')).toBeDisabled();
    await page.getByTestId('tile-2-threshold-1-amber').fill('1e');
    await expect(problems).toContainText('tile 2: the Ready threshold needs numbers');
    await page.getByTestId('tile-2-threshold-1-amber').fill('10000');
    await expect(problems).toHaveCount(0);
    await expect(page.getByTestId('save-dashboard')).toBeEnabled();
    // Remove tile 3, add one for the other cluster.
    await page.getByTestId('tile-3-remove').click();
    await expect(page.getByTestId('tile-form')).toHaveCount(4);
    // The fields show the tiles that moved up, not what was typed where they now are.
    await expect(page.getByTestId('tile-3-title')).toHaveValue('Form queue');
    await expect(page.getByTestId('tile-4-title')).toHaveValue('');
    await expect(page.getByTestId('add-tile')).toBeFocused();
    // Moved down and back by keyboard; the focus follows the tile.
    await page.getByTestId('tile-3-down').press('Enter');
    await expect(page.getByTestId('tile-4-title')).toHaveValue('Form queue');
    await expect(page.getByTestId('tile-4-up')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('tile-3-title')).toHaveValue('Form queue');
    await expect(page.getByTestId('tile-3-up')).toBeFocused();
    await page.getByTestId('add-tile').click();
    await page.getByTestId('tile-5-cluster').selectOption('rabbit4');
    await page.getByTestId('tile-5-kind').selectOption('cluster_status');
    await shot(page, 'dashboard-form');

    // The JSON view holds what the form made; back in the form, Enter saves.
    await page.getByTestId('edit-as-json').click();
    const spec = JSON.parse(await page.getByTestId('dashboard-json').inputValue());
    expect(spec.tiles.map((tile: { kind: string }) => tile.kind)).toEqual(['cluster_status', 'totals', 'top_queues', 'backlog', 'cluster_status']);
    expect(spec.tiles[2]).toMatchObject({
      title: 'Form queue', queues: { vhost: VHOST, names: [queue] }, thresholds: [{ metric: 'backlog', amber: 5, red: 1000 }],
    });
    expect(spec.tiles[3]).toMatchObject({ range: 'TenMinutes' });
    expect(spec.tiles[4]).toMatchObject({ cluster: 'rabbit4' });
    // Pressing the view already open changes nothing.
    await page.getByTestId('dashboard-json').fill(JSON.stringify({ ...spec, name: `${spec.name} edited` }, null, 2));
    await page.getByTestId('edit-as-json').click();
    await expect(page.getByTestId('dashboard-json')).toHaveValue(/ edited"/);
    await page.getByTestId('edit-as-form').click();
    await expect(page.getByTestId('dashboard-name')).toHaveValue(/ edited$/);
    await page.getByTestId('edit-as-form').click();
    await expect(page.getByTestId('dashboard-unreadable')).toHaveCount(0);
    await page.getByTestId('dashboard-name').press('Enter');
    const id = await savedId(page);

    // A refused save of the saved dashboard leaves the edit on screen, with the reason.
    await expect(page.getByTestId('dashboard-editor').locator('h2')).toHaveText(`Dashboard ${id}`);
    await page.getByTestId('edit-as-json').click();
    const json = page.getByTestId('dashboard-json');
    await json.fill((await json.inputValue()).replace('"rabbit4"', '"nowhere"'));
    await page.getByTestId('save-dashboard').click();
    await expect(page.getByText(/no cluster named "nowhere"/)).toBeVisible();
    await expect(json).toHaveValue(/"nowhere"/);

    await publishTo(VHOST, queue, 6);
    const screen = await page.context().newPage();
    await screen.goto(`/kiosk/${id}`);
    await hydrated(screen);
    const tile = screen.getByTestId('tile').filter({ hasText: 'Form queue' });
    await expect(tile.getByTestId('tile-queue').locator('.value')).toHaveText('6', { timeout: 30_000 });
    await expect(tile).toHaveAttribute('data-level', 'amber');
    await expect(screen.locator('[data-kind="backlog"] svg')).toBeVisible();
    await shot(screen, 'kiosk-from-form');
    await screen.close();
  } finally {
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test('a dashboard with a mistake is refused with the tile named, and nothing is saved', async ({ page }) => {
  await newDashboardAsJson(page);
  const rows = await page.getByTestId('dashboard-row').count();
  await page.getByTestId('dashboard-json').fill(JSON.stringify({
    version: 1, name: 'Broken', tiles: [{ cluster: 'local', kind: 'cluster_status' }, { cluster: 'nowhere', kind: 'warnings' }],
  }));
  await page.getByTestId('save-dashboard').click();
  await expect(page.getByText(/tile 2: no cluster named "nowhere"/)).toBeVisible();
  await page.getByTestId('dashboard-json').fill('{"version": 1, "name": "Broken", "tiles": [');
  await page.getByTestId('save-dashboard').click();
  await expect(page.getByText(/not valid JSON/)).toBeVisible();
  // Unreadable JSON keeps the JSON view open rather than losing the text.
  await page.getByTestId('edit-as-form').click();
  await expect(page.getByTestId('dashboard-unreadable')).toContainText('not valid JSON');
  await expect(page.getByTestId('dashboard-json')).toHaveValue(/"tiles": \[$/);
  await page.reload();
  await expect(page.getByTestId('dashboard-row')).toHaveCount(rows);
});
