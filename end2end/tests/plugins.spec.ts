// The shovel and federation plugins, which the local brokers run (the 3-node clusters do not):
// their status pages, live and in both languages, deleting a failing shovel and moving a queue's
// messages by keyboard, each confirmed.
import { answers, api, CLUSTERS, publishTo, VHOST } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;
const here = `amqp:///${enc(VHOST)}`;

/** Messages in a queue as the broker counts them. */
async function messages(queue: string): Promise<number> {
  const response = await api('GET', `queues/${enc(VHOST)}/${enc(queue)}?columns=messages`);
  return ((await response.json()) as { messages?: number }).messages ?? -1;
}

test('shovels and federation links are shown live, failing ones first, and a failing shovel is deleted', async ({ page, baseURL }) => {
  const stamp = Date.now();
  const [source, destination] = [`e2e-shovel-from ${stamp}`, `e2e-shovel-to ${stamp}`];
  const [working, broken] = [`e2e shovel ${stamp}`, `e2e broken #${stamp}`];
  const exchange = `e2e-fed.x-${stamp}`;
  const shovels = `parameters/shovel/${enc(VHOST)}`;
  const upstreams = `parameters/federation-upstream/${enc(VHOST)}`;
  try {
    for (const queue of [source, destination]) await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
    await page.goto(`/c/local/shovels?vhost=${enc(VHOST)}`);
    await hydrated(page);
    await expect(page.locator('nav[aria-label="sections"]').getByRole('link', { name: 'Shovels' })).toBeVisible();

    // Both appear with the next refresh, without a reload; the one that cannot connect first.
    await api('PUT', `${shovels}/${enc(working)}`, {
      value: { 'src-uri': here, 'src-queue': source, 'dest-uri': here, 'dest-queue': destination },
    });
    await api('PUT', `${shovels}/${enc(broken)}`, {
      value: { 'src-uri': 'amqp://127.0.0.1:1', 'src-queue': source, 'dest-uri': here, 'dest-queue': destination },
    });
    await publishTo(VHOST, source, 4);
    const rows = page.getByTestId('shovel');
    await expect(rows.filter({ hasText: `${stamp}` })).toHaveCount(2, { timeout: 20_000 });
    await expect(rows.first()).toHaveAttribute('data-name', broken);
    await expect(page.locator(`[data-name="${working}"] [data-testid="shovel-state"]`)).toHaveText('running');
    await expect(page.locator(`[data-name="${working}"] [data-testid="shovel-moved"]`)).toHaveText('4', { timeout: 20_000 });
    await expect(page.locator(`[data-name="${broken}"] td.flagged`)).toBeVisible();
    await shot(page, 'shovels');

    // By keyboard: the confirm takes the focus, Escape backs out, Enter confirms.
    const remove = page.locator(`[data-name="${broken}"] [data-testid="delete-shovel"]`);
    await remove.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator(`[data-name="${broken}"] [data-testid="delete-shovel-confirm"]`)).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(remove).toBeVisible();
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect(page.locator(`[data-name="${broken}"]`)).toHaveCount(0, { timeout: 20_000 });

    // Federation: one upstream that answers (this broker's default vhost), one that does not.
    await api('PUT', `exchanges/%2F/${enc(exchange)}`, { type: 'topic', durable: true });
    await api('PUT', `exchanges/${enc(VHOST)}/${enc(exchange)}`, { type: 'topic', durable: true });
    await api('PUT', `${upstreams}/e2e-up`, { value: { uri: 'amqp://guest:guest@127.0.0.1:5672/%2F' } });
    await api('PUT', `${upstreams}/e2e-down`, { value: { uri: 'amqp://127.0.0.1:1' } });
    await api('PUT', `policies/${enc(VHOST)}/e2e-federate`, {
      pattern: `^${exchange.replace(/\./g, '\\.')}$`,
      definition: { 'federation-upstream-set': 'all' },
      'apply-to': 'exchanges',
    });
    await page.getByRole('link', { name: 'Federation' }).click();
    await expect(page).toHaveURL(/\/c\/local\/federation\?vhost=/);
    const links = page.getByTestId('federation-link');
    await expect(links).toHaveCount(2, { timeout: 20_000 });
    await expect(links.first()).toHaveAttribute('data-upstream', 'e2e-down');
    await expect(links.first().getByTestId('link-error')).not.toBeEmpty();
    await expect(links.nth(1).getByTestId('link-status')).toHaveText('running', { timeout: 20_000 });
    await expect(page.locator('main')).not.toContainText('guest:guest');
    await shot(page, 'federation');

    await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
    await page.reload();
    await hydrated(page);
    await expect(page.locator('main h1')).toHaveText('Federation');
    await shot(page, 'federation-zh');
    await page.goto(`/c/local/shovels?vhost=${enc(VHOST)}`);
    await hydrated(page);
    await expect(page.locator('main h1')).toHaveText('Shovel');
    await shot(page, 'shovels-zh');
  } finally {
    await api('DELETE', `policies/${enc(VHOST)}/e2e-federate`);
    for (const name of ['e2e-up', 'e2e-down']) await api('DELETE', `${upstreams}/${name}`);
    for (const name of [working, broken]) await api('DELETE', `${shovels}/${enc(name)}`);
    await api('DELETE', `exchanges/%2F/${enc(exchange)}`);
    await api('DELETE', `exchanges/${enc(VHOST)}/${enc(exchange)}`);
    for (const queue of [source, destination]) await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test('a cluster without the plugins shows neither page in its navigation', async ({ page }) => {
  test.skip(!(await answers(CLUSTERS.trio)), 'the trio cluster does not run: scripts/broker.sh start trio');
  await page.goto('/c/trio/shovels');
  await hydrated(page);
  await expect(page.getByTestId('plugin-off')).toContainText('rabbitmq_shovel_management', { timeout: 20_000 });
  const nav = page.locator('nav[aria-label="sections"]');
  await expect(nav.getByRole('link', { name: 'Queues' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Shovels' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Federation' })).toHaveCount(0);
});

test('a dead-letter queue is moved back into its origin by keyboard, nothing lost', async ({ page }) => {
  const stamp = Date.now();
  const [dead, origin] = [`e2e-dlq #${stamp}`, `e2e-origin 订单 ${stamp}`];
  try {
    for (const queue of [dead, origin]) await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
    await publishTo(VHOST, dead, 20);
    await publishTo(VHOST, origin, 1);
    await page.goto(`/c/local/queue?vhost=${enc(VHOST)}&name=${enc(dead)}`);
    await hydrated(page);
    await expect(page.getByTestId('queue-ready')).toHaveText('20', { timeout: 20_000 });
    const form = page.getByTestId('move-messages');
    await expect(form).toBeVisible();
    await form.getByTestId('move-to').fill(origin);
    await form.getByTestId('move').focus();
    await page.keyboard.press('Enter');
    await expect(form.getByTestId('move-confirm')).toBeFocused();
    await expect(form).toContainText(`"${origin}"`);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('move-result')).toContainText('20', { timeout: 20_000 });
    await shot(page, 'queue-move');
    // The page follows the count down; the broker counts all 21 in the origin.
    await expect(page.getByTestId('queue-ready')).toHaveText('0', { timeout: 30_000 });
    await expect.poll(() => messages(origin), { timeout: 30_000 }).toBe(21);
    await expect.poll(() => messages(dead), { timeout: 30_000 }).toBe(0);
  } finally {
    for (const queue of [dead, origin]) await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});
