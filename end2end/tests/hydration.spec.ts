import { SORT_QUEUES, VHOST } from './broker';
import { expect, expectSameDocument, hydrated, markDocument, shot, test } from './helpers';

const enc = encodeURIComponent;
const names = (page) => page.getByTestId('queues').locator('tbody tr td.name');

test('sorting and filtering update the table without a page load', async ({ page }) => {
  await page.goto(`/c/local/queues?vhost=${enc(VHOST)}&q=e2e-sort`);
  await hydrated(page);
  await expect(names(page)).toHaveCount(SORT_QUEUES.length);
  await markDocument(page);

  // Sort by ready, largest first (the first click on a number column).
  await page.locator('th a[data-sort="ready"]').click();
  await expect(page).toHaveURL(/sort=ready&desc=1/);
  await expect(names(page)).toHaveText(['e2e-sort-large', 'e2e-sort-medium', 'e2e-sort-small']);
  // Second click reverses.
  await page.locator('th a[data-sort="ready"]').click();
  await expect(page).toHaveURL(/sort=ready(?!&desc)/);
  await expect(names(page)).toHaveText(['e2e-sort-small', 'e2e-sort-medium', 'e2e-sort-large']);

  // A regex filter, submitted with Enter from the keyboard.
  const filter = page.getByTestId('filter');
  await filter.fill('^e2e-sort-(large|small)$');
  await page.getByTestId('regex').check();
  await filter.press('Enter');
  await expect(page).toHaveURL(/re=1/);
  await expect(names(page)).toHaveText(['e2e-sort-small', 'e2e-sort-large']);
  await expect(page.getByTestId('match-count')).toContainText('2 of');

  await expectSameDocument(page);
});

test('a bad regex gets a clear message', async ({ page }) => {
  await page.goto(`/c/local/queues?q=${enc('[')}&re=1`);
  await expect(page.getByTestId('error-banner')).toContainText('invalid regular expression');
});

test('the language switch turns the UI to Simplified Chinese and is remembered', async ({ page }) => {
  await page.goto('/c/local/queues');
  await hydrated(page);
  await markDocument(page);
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('队列');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expectSameDocument(page);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('队列');
  await shot(page, 'queues-zh');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Queues');
});

test('the cluster switcher keeps the section and shows the other broker', async ({ page }) => {
  await page.goto('/c/local/queues');
  await hydrated(page);
  await markDocument(page);
  await page.getByTestId('cluster-picker').selectOption('rabbit4');
  await expect(page).toHaveURL(/\/c\/rabbit4\/queues$/);
  await expect(page.getByTestId('queues')).toBeVisible();
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.locator('main')).toContainText('RabbitMQ 4.0');
  await expectSameDocument(page);
});

test('every section opens from the navigation without a page load, the lazily loaded ones too', async ({ page }) => {
  await page.goto('/c/local');
  await hydrated(page);
  await markDocument(page);
  const nav = page.getByRole('navigation', { name: 'sections' });
  // Connections, Channels, Consumers, Shovels, Federation, Users, Virtual hosts, Policies and Definitions are lazy pages (their code is
  // fetched on the first visit); the others are in the main bundle. Back and forth, so each kind is reached from the other.
  for (const [link, url, heading] of [
    ['Policies', /\/c\/local\/policies/, 'Policies'],
    ['Queues', /\/c\/local\/queues/, 'Queues'],
    ['Definitions', /\/c\/local\/definitions/, 'Definitions'],
    ['Exchanges', /\/c\/local\/exchanges/, 'Exchanges'],
    ['Connections', /\/c\/local\/connections/, 'Connections'],
    ['Consumers', /\/c\/local\/consumers/, 'Consumers'],
    ['Queues', /\/c\/local\/queues/, 'Queues'],
    ['Channels', /\/c\/local\/channels/, 'Channels'],
    ['Shovels', /\/c\/local\/shovels/, 'Shovels'],
    ['Federation', /\/c\/local\/federation/, 'Federation'],
    ['Users', /\/c\/local\/users/, 'Users'],
    ['Virtual hosts', /\/c\/local\/vhosts/, 'Virtual hosts'],
    ['Policies', /\/c\/local\/policies/, 'Policies'],
    ['Overview', /\/c\/local(\?|$)/, 'Overview'],
  ] as const) {
    await nav.getByRole('link', { name: link, exact: true }).click();
    await expect(page).toHaveURL(url);
    await expect(page.locator('main h1').first()).toContainText(heading);
  }
  await expectSameDocument(page);
});
