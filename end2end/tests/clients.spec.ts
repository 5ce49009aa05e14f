// Channels and consumers, with a real AMQP client (pika, end2end/amqp_client.py) that confirms on
// one channel and consumes on two others, with manual acks and with auto-ack: listed live, the
// risky ones flagged and the auto-ack consumer marked by the advisor (its row, and its queue's
// page), each channel's page with its consumers, in English and in Chinese.
import { api, VHOST } from './broker';
import { amqpClient } from './amqp';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

test('channels and consumers are listed live, auto-ack and unconfirmed publishing flagged', async ({ page }) => {
  const stamp = Date.now();
  const name = `e2e worker ${stamp}`;
  const queue = `e2e-consumed ${stamp} #1`;
  const client = await amqpClient(name, queue);
  try {
    await page.goto(`/c/local/channels?vhost=${enc(VHOST)}&q=${enc(name)}`);
    await hydrated(page);
    const rows = page.getByTestId('channels').locator('tbody tr');
    await expect(rows).toHaveCount(3, { timeout: 20_000 });
    await expect(rows.locator('td.flagged', { hasText: 'no confirms' })).toHaveCount(2, { timeout: 20_000 });
    await shot(page, 'channels');

    await page.getByRole('link', { name: `${name} (2)` }).click();
    await expect(page).toHaveURL(/\/c\/local\/channel\?vhost=/);
    await expect(page.getByTestId('channel-mode')).toHaveText('no confirms');
    await expect(page.getByTestId('channel-prefetch')).toHaveText('10', { timeout: 20_000 });
    await expect(page.getByTestId('consumers').locator('tbody tr')).toHaveCount(1);
    await expect(page.getByTestId('ack-mode')).toHaveText('manual');
    await shot(page, 'channel');

    await page.goto(`/c/local/consumers?vhost=${enc(VHOST)}&q=${enc(queue)}`);
    await hydrated(page);
    const consumers = page.getByTestId('consumers').locator('tbody tr');
    await expect(consumers).toHaveCount(2);
    await expect(page.locator('[data-testid="ack-mode"].flagged')).toHaveText('auto-ack');
    // The advisor marks the auto-ack consumer's row once two refreshes found it; not the other.
    const marked = consumers.filter({ hasText: 'e2e auto' });
    await expect(marked).toHaveAttribute('data-advice', 'finding-amber', { timeout: 30_000 });
    await expect(marked).toHaveAttribute('title', 'Advisor: a risk of message loss, duplicates or backlog');
    await expect(consumers.filter({ hasText: 'e2e manual' })).toHaveAttribute('data-advice', '');
    await shot(page, 'consumers');

    await page.goto(`/c/local/queue?vhost=${enc(VHOST)}&name=${enc(queue)}`);
    await hydrated(page);
    await expect(page.getByTestId('consumers').locator('tbody tr')).toHaveCount(2);
    // The queue's page lists its consumers' findings, naming the consumer.
    const finding = page.locator('[data-testid="object-finding"][data-headline="auto-ack"]');
    await expect(finding).toContainText('Automatic acknowledgement · Consumer tag e2e auto · Channel');
    // A tag is unique on its channel only: the finding links to the consumer's channel.
    await expect(finding.getByTestId('object-finding-channel')).toHaveAttribute('href', /\/c\/local\/channel\?vhost=/);
    await shot(page, 'queue-consumer-findings');
    await finding.getByTestId('object-finding-channel').click();
    await expect(page).toHaveURL(/\/c\/local\/channel\?vhost=/);
    await expect(page.getByTestId('ack-mode')).toHaveText('auto-ack');
  } finally {
    client.child.kill();
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test('the consumers page in Chinese', async ({ page, baseURL }) => {
  const stamp = Date.now();
  const queue = `e2e-消费 ${stamp}`;
  const client = await amqpClient(`e2e 中文 worker ${stamp}`, queue);
  try {
    await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
    await page.goto(`/c/local/consumers?vhost=${enc(VHOST)}&q=${enc(queue)}`);
    await hydrated(page);
    await expect(page.locator('main h1')).toHaveText('消费者');
    await expect(page.locator('[data-testid="ack-mode"].flagged')).toHaveText('自动确认', { timeout: 20_000 });
    await shot(page, 'consumers-zh');
    await page.getByTestId('consumers').locator('tbody tr').first().getByRole('link').nth(1).click();
    await expect(page).toHaveURL(/\/c\/local\/channel\?vhost=/);
    await expect(page.getByTestId('channel-mode')).toBeVisible({ timeout: 20_000 });
    await shot(page, 'channel-zh');
  } finally {
    client.child.kill();
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});
