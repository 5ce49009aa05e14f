import { api, publishTo, VHOST } from './broker';
import { expect, expectSameDocument, hydrated, markDocument, shot, test } from './helpers';

const enc = encodeURIComponent;
const LIVE_QUEUE = 'e2e-live 实时 #1%';

test('a publish shows up on open pages without a reload', async ({ page }) => {
  await api('DELETE', `queues/${enc(VHOST)}/${enc(LIVE_QUEUE)}`);
  await api('PUT', `queues/${enc(VHOST)}/${enc(LIVE_QUEUE)}`, { durable: true });
  await page.goto(`/c/local/queue?vhost=${enc(VHOST)}&name=${enc(LIVE_QUEUE)}`);
  await hydrated(page);
  await expect(page.getByTestId('object-name')).toHaveText(LIVE_QUEUE);
  await expect(page.getByTestId('queue-ready')).toHaveText('0');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  await markDocument(page);

  await publishTo(VHOST, LIVE_QUEUE, 3);
  // One refresh interval (5 s) plus the broker's own stats delay.
  await expect(page.getByTestId('queue-ready')).toHaveText('3', { timeout: 20_000 });
  await shot(page, 'queue-live-update');
  await expectSameDocument(page);

  // A list page: the row appears with its count, then leaves when the queue is deleted.
  await page.goto(`/c/local/queues?vhost=${enc(VHOST)}&q=${enc('e2e-live')}`);
  await hydrated(page);
  const row = page.getByTestId('queues').locator('tbody tr');
  await expect(row).toHaveCount(1);
  await markDocument(page);
  await publishTo(VHOST, LIVE_QUEUE, 1);
  await expect(row.locator('td').nth(5)).toHaveText('4', { timeout: 20_000 });
  await api('DELETE', `queues/${enc(VHOST)}/${enc(LIVE_QUEUE)}`);
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  await expectSameDocument(page);
});
