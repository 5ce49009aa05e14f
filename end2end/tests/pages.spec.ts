import { ODD_EXCHANGE, ODD_QUEUE, VHOST } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

test('the root shows every cluster as a card, and a card opens its cluster', async ({ page, baseURL }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(page.locator('main h1')).toHaveText('All clusters');
  const cards = page.getByTestId('cluster-card');
  await expect(cards).toHaveCount(5);
  const local = cards.filter({ has: page.getByRole('heading', { name: 'local', exact: true }) });
  await expect(local).toHaveAttribute('data-health', 'healthy', { timeout: 30_000 });
  await expect(local.getByTestId('card-nodes')).toHaveText('1 / 1');
  await shot(page, 'all-clusters');
  await local.click();
  await expect(page).toHaveURL(/\/c\/local$/);

  await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
  await page.goto('/');
  await expect(page.locator('main h1')).toHaveText('全部集群');
  await expect(local.getByTestId('card-health')).toHaveText('正常');
  await shot(page, 'all-clusters-zh');
});

test('overview shows totals, nodes and the backlog chart', async ({ page }) => {
  await page.goto('/c/local');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Overview');
  await expect(page.getByTestId('total-queues')).toBeVisible();
  await expect(page.getByTestId('nodes').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('nodes')).toContainText('warren310@localhost');
  // Warren's recorded history of the cluster, drawn by plotters, and the top-growing list.
  await expect(page.getByTestId('history-chart')).toBeVisible();
  await expect(page.getByTestId('top-growing')).toBeVisible();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await shot(page, 'overview');

  // Each node opens its own page: memory by use, processes, listeners, feature flags.
  await page.getByTestId('nodes').getByRole('link', { name: 'warren310@localhost' }).click();
  await expect(page).toHaveURL(/\/c\/local\/node\?name=warren310%40localhost$/);
  await expect(page.getByTestId('node-state')).toHaveText('running');
  await expect(page.getByTestId('node-memory').locator('tr').first()).toBeVisible();
  await expect(page.getByTestId('feature-flags')).toContainText('enabled');
  await shot(page, 'node');
});

test('the node page in Chinese', async ({ page, baseURL }) => {
  await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
  await page.goto('/c/local/node?name=warren310%40localhost');
  await hydrated(page);
  await expect(page.getByTestId('node-state')).toHaveText('运行中');
  await shot(page, 'node-zh');
});

test('queues, exchanges and bindings lists load', async ({ page }) => {
  for (const [section, testId] of [['queues', 'queues'], ['exchanges', 'exchanges'], ['bindings', 'bindings']]) {
    await page.goto(`/c/local/${section}?vhost=${enc(VHOST)}`);
    await hydrated(page);
    await expect(page.getByTestId(testId).locator('tbody tr').first()).toBeVisible();
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    await shot(page, section);
  }
});

test('a queue named with / # % space and unicode in vhost prod/eu opens its detail page', async ({ page }) => {
  await page.goto(`/c/local/queues?vhost=${enc(VHOST)}`);
  await hydrated(page);
  // In the list (the vhost's top-growing list below may name it too).
  const link = page.getByTestId('queues').getByRole('link', { name: ODD_QUEUE, exact: true });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/c/local/queue\\?vhost=${enc(VHOST)}&name=${enc(ODD_QUEUE)}$`));
  await expect(page.getByTestId('object-name')).toHaveText(ODD_QUEUE);
  await expect(page.getByTestId('queue-ready')).toHaveText('2');
  await expect(page.getByTestId('bindings')).toContainText(ODD_EXCHANGE);
  await expect(page.getByTestId('history-chart')).toBeVisible();
  await shot(page, 'queue-detail');

  // Server-rendered too: a fresh load of the shared URL shows the same queue.
  await page.reload();
  await expect(page.getByTestId('object-name')).toHaveText(ODD_QUEUE);
});

test('an exchange detail page shows bindings out', async ({ page }) => {
  await page.goto(`/c/local/exchange?vhost=${enc(VHOST)}&name=${enc(ODD_EXCHANGE)}`);
  await hydrated(page);
  await expect(page.getByTestId('object-name')).toHaveText(ODD_EXCHANGE);
  await expect(page.getByTestId('bindings').first()).toContainText(ODD_QUEUE);

  // The routing preview of the publish form runs in the browser as the key is typed.
  await expect(page.getByTestId('publish')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('publish-key').fill('order.created');
  await expect(page.getByTestId('preview-queue')).toHaveText([ODD_QUEUE]);
  await page.getByTestId('publish-key').fill('invoice.created');
  await expect(page.getByTestId('preview-summary')).toContainText('Unroutable');
  // Headers are typed: a number header with a non-number value is explained, not sent.
  await page.getByTestId('publish-headers-key-0').fill('n');
  await page.getByTestId('publish-headers-kind-0').selectOption('number');
  await page.getByTestId('publish-headers-value-0').fill('five');
  await expect(page.getByTestId('route-preview')).toContainText('not a number');
  await expect(page.getByTestId('publish-submit')).toBeDisabled();
  await page.getByTestId('publish-headers-value-0').fill('5');
  await page.getByTestId('publish-key').fill('order.eu');
  await shot(page, 'exchange-detail');
});

test('an unknown queue and an unknown cluster say so', async ({ page }) => {
  await page.goto(`/c/local/queue?vhost=${enc(VHOST)}&name=no-such-queue`);
  await expect(page.getByTestId('error-banner')).toContainText('Not found');
  await page.goto('/c/nowhere');
  await expect(page.getByTestId('error-banner')).toContainText('No such cluster');
});
