// Connections, with a real AMQP client (pika, end2end/amqp_client.py): listed live, its channels
// shown (confirm mode or not, prefetch), and closed by an admin with a reason the client receives.
import { amqpClient } from './amqp';
import { VHOST } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

test('a client is listed live, its channels shown, and an admin closes it with a reason it receives', async ({ page }) => {
  const name = `e2e 计费 billing-${Date.now()}`;
  const client = await amqpClient(name);
  try {
    await page.goto(`/c/local/connections?vhost=${enc(VHOST)}`);
    await hydrated(page);
    // It appears with the next refresh, without a reload.
    const row = page.getByTestId('connections').locator('tbody tr', { hasText: name });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText('guest');
    await expect(row).toContainText('AMQP 0-9-1');
    await shot(page, 'connections');

    await row.getByRole('link', { name }).click();
    await expect(page).toHaveURL(/\/c\/local\/connection\?vhost=/);
    await expect(page.getByTestId('client-name')).toHaveText(name);
    const channels = page.getByTestId('channels').locator('tbody tr');
    await expect(channels).toHaveCount(2, { timeout: 20_000 });
    await expect(channels.nth(0).locator('td').nth(3)).toHaveText('confirm');
    await expect(channels.nth(1).locator('td').nth(3)).toHaveText('no confirms');
    await expect(channels.nth(1).locator('td.flagged')).toHaveText('no confirms');
    await expect(channels.nth(1).locator('td.num').nth(0)).toHaveText('10');
    // Bytes sent and received over the broker's last ten minutes of samples.
    await expect(page.getByTestId('connection-rates').locator('svg')).toBeVisible({ timeout: 20_000 });
    await shot(page, 'connection');

    await page.getByTestId('close-reason').fill('e2e: leaking channels');
    await page.getByTestId('close-connection').click();
    // Escape backs out of the confirm; nothing is closed.
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('close-connection-confirm')).toHaveCount(0);
    // By keyboard: the confirm takes the focus, Enter closes.
    await page.getByTestId('close-connection').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('close-connection-confirm')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/c\/local\/connections\?vhost=/);
    await expect.poll(client.said, { timeout: 15_000 }).toContain('closed 320 CONNECTION_FORCED - e2e: leaking channels');
    await expect(page.getByTestId('connections').locator('tbody tr', { hasText: name })).toHaveCount(0);
  } finally {
    client.child.kill();
  }
});

test('the connections page in Chinese', async ({ page, baseURL }) => {
  const name = `e2e 中文 ${Date.now()}`;
  const client = await amqpClient(name);
  try {
    await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
    await page.goto(`/c/local/connections?vhost=${enc(VHOST)}`);
    await hydrated(page);
    await expect(page.locator('main h1')).toHaveText('连接');
    const row = page.getByTestId('connections').locator('tbody tr', { hasText: name });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await shot(page, 'connections-zh');
    await row.getByRole('link', { name }).click();
    const modes = page.getByTestId('channels').locator('tbody tr td:nth-child(4)');
    await expect(modes).toHaveText(['确认模式', '无确认'], { timeout: 20_000 });
    await shot(page, 'connection-zh');
  } finally {
    client.child.kill();
  }
});
