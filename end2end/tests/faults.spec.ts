import { broker } from './broker';
import { expect, expectSameDocument, hydrated, markDocument, shot, test } from './helpers';

test('a stopped broker leaves the last data on screen, marked stale, and the page goes live again by itself', async ({ page }) => {
  // The all-clusters page, open beside it, shows the cluster going unreachable and coming back.
  const home = await page.context().newPage();
  await home.goto('/');
  await hydrated(home);
  const card = home.getByTestId('cluster-card').filter({ has: home.getByRole('heading', { name: 'local', exact: true }) });
  await page.goto('/c/local');
  await hydrated(page);
  await expect(page.getByTestId('total-queues')).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  await markDocument(page);
  try {
    broker('stop');
    const banner = page.getByTestId('error-banner');
    await expect(banner).toBeVisible({ timeout: 30_000 });
    await expect(banner).toContainText('Broker unreachable');
    const status = page.getByTestId('live-status');
    await expect(status).toHaveAttribute('data-state', 'stale');
    await expect(status).toContainText(/Stale for \d+ s/);
    // The last snapshot stays on screen.
    await expect(page.getByTestId('total-queues')).toBeVisible();
    await shot(page, 'overview-broker-down');
    await expect(card).toHaveAttribute('data-health', 'unreachable', { timeout: 30_000 });
    await shot(home, 'all-clusters-broker-down');
    // The console itself keeps answering.
    const health = await page.request.get('/healthz');
    expect(health.ok()).toBeTruthy();
  } finally {
    broker('start');
  }
  await expect(page.getByTestId('error-banner')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('total-queues')).toBeVisible();
  await expectSameDocument(page);
  await expect(card).toHaveAttribute('data-health', 'healthy', { timeout: 30_000 });
});
