// Writing through the console: publish a message and read it back with Get; create, edit and
// delete a policy while its preview shows what it matches.
import { api, VHOST } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

/** Waits until Warren's snapshot lists the queue (the poller refreshes every few seconds). */
async function untilListed(page: import('@playwright/test').Page, queue: string) {
  await page.goto(`/c/local/queues?vhost=${enc(VHOST)}&q=${enc(queue)}`);
  await hydrated(page);
  await expect(page.getByRole('link', { name: queue, exact: true })).toBeVisible({ timeout: 30_000 });
}

test('publish a message from the queue page and read it back with Get', async ({ page }) => {
  const queue = `e2e-publish-${Date.now()} #/%`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    await untilListed(page, queue);
    await page.goto(`/c/local/queue?vhost=${enc(VHOST)}&name=${enc(queue)}`);
    await hydrated(page);
    await expect(page.getByTestId('publish')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('publish-key')).toHaveValue(queue);
    const payload = `{"order": 42, "note": "发布测试"}`;
    await page.getByTestId('publish-payload').fill(payload);
    await page.getByTestId('publish-headers-key-0').fill('attempt');
    await page.getByTestId('publish-headers-kind-0').selectOption('number');
    await page.getByTestId('publish-headers-value-0').fill('3');
    await page.getByTestId('publish-submit').click();
    await expect(page.getByTestId('publish-result')).toContainText('routed to at least one queue');

    await expect(page.getByTestId('get-messages')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('get-count').fill('5');
    await page.getByTestId('get-submit').click();
    await expect(page.getByTestId('message')).toHaveCount(1);
    await expect(page.getByTestId('message-payload')).toHaveText(payload);
    await expect(page.getByTestId('message')).toContainText('attempt');
    await shot(page, 'publish-and-get');

    // The default ack mode requeued it: the queue still holds it, and the page says so live.
    await expect(page.getByTestId('queue-ready')).toHaveText('1', { timeout: 30_000 });

    // Purge asks first; Escape cancels, the confirm button purges.
    await page.getByTestId('purge').click();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('purge-confirm')).toHaveCount(0);
    await page.getByTestId('purge').click();
    await page.getByTestId('purge-confirm').click();
    await expect(page.getByTestId('purge-result')).toBeVisible();
    await expect(page.getByTestId('queue-ready')).toHaveText('0', { timeout: 30_000 });
  } finally {
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test('create, edit and delete a policy and see its preview', async ({ page }) => {
  const stamp = Date.now();
  const queue = `e2e-pol-${stamp}`;
  const name = `e2e policy ${stamp}`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    await untilListed(page, queue);
    await page.goto(`/c/local/policies?vhost=${enc(VHOST)}`);
    await hydrated(page);
    await expect(page.getByTestId('policy-editor')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('policy-vhost')).toHaveValue(VHOST);
    await page.getByTestId('policy-name').fill(name);
    await page.getByTestId('policy-pattern').fill(`^e2e-pol-${stamp}$`);
    await page.getByTestId('policy-add-key').click();
    await page.getByTestId('policy-key-0').fill('message-ttl');
    await page.getByTestId('policy-value-0').fill('-1');
    await expect(page.getByTestId('policy-errors')).toContainText('at least 0');
    await expect(page.getByTestId('policy-save')).toBeDisabled();
    await page.getByTestId('policy-value-0').fill('60000');
    await expect(page.getByTestId('policy-preview-summary')).toContainText('matches 1 object');
    await expect(page.getByTestId('policy-preview')).toContainText(queue);
    await expect(page.getByTestId('policy-preview')).toContainText('message-ttl: 60000');
    await shot(page, 'policy-preview');
    await page.getByTestId('policy-save').click();
    await expect(page.getByTestId('policy-result')).toContainText('saved');
    const row = page.locator(`[data-testid="policy-row"][data-name="${name}"]`);
    await expect(row).toContainText('message-ttl: 60000');

    // Edit: the row fills the editor; the change shows in the list.
    await row.getByTestId('policy-edit').click();
    await expect(page.getByTestId('policy-name')).toHaveValue(name);
    await page.getByTestId('policy-value-0').fill('30000');
    await page.getByTestId('policy-save').click();
    await expect(row).toContainText('message-ttl: 30000');
    const onBroker = await (await api('GET', `policies/${enc(VHOST)}/${enc(name)}`)).json();
    expect(onBroker.definition).toEqual({ 'message-ttl': 30000 });

    await row.getByTestId('policy-delete').click();
    await row.getByTestId('policy-delete-confirm').click();
    await expect(row).toHaveCount(0);
  } finally {
    await api('DELETE', `policies/${enc(VHOST)}/${enc(name)}`);
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test("bind a queue to the broker's own amq.topic from its page, which cannot be deleted", async ({ page }) => {
  const queue = `e2e-amq-topic-${Date.now()} #/%`;
  const key = `orders.${Date.now()}.#`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    await page.goto(`/c/local/exchange?vhost=${enc(VHOST)}&name=amq.topic`);
    await hydrated(page);
    await expect(page.getByTestId('bind')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('delete-exchange')).toHaveCount(0);
    await page.getByTestId('bind-destination').fill(queue);
    await page.getByTestId('bind-key').fill(key);
    await page.getByTestId('bind-key').press('Enter');
    await expect(page.getByTestId('bind-result')).toContainText('Binding added.');
    const bindings = await (await api('GET', `bindings/${enc(VHOST)}/e/amq.topic/q/${enc(queue)}`)).json();
    expect(bindings.map((b: { routing_key: string }) => b.routing_key)).toEqual([key]);
    await shot(page, 'bind-amq-topic');
  } finally {
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});
