// Recorded history on the queue page: the chart shows what Warren recorded (a publish appears
// in it without a reload), the range buttons switch ranges through the URL, and the pointer
// readout names the point under it.
import { api, publishTo, VHOST } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

test('the queue chart shows recorded history, appends live and switches ranges', async ({ page }) => {
  const queue = `e2e-history-${Date.now()} #/%`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    const url = `/c/local/queue?vhost=${enc(VHOST)}&name=${enc(queue)}`;
    await expect(async () => {
      await page.goto(url);
      await expect(page.getByTestId('history-svg')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await hydrated(page);
    const chart = page.getByTestId('history-chart');
    await expect(chart.getByTestId('range-10m')).toHaveAttribute('aria-current', 'true');

    // A publish shows up in the chart's newest point without reloading the page.
    await publishTo(VHOST, queue, 7);
    await expect(page.getByTestId('history-readout')).toContainText(/Ready 7\b/, { timeout: 20_000 });
    const points = Number(await page.getByTestId('history-svg').getAttribute('data-points'));
    expect(points).toBeGreaterThan(1);
    await expect(page.getByTestId('forecast')).toBeVisible();

    // The pointer at the chart's left edge reads out the oldest point (empty before the publish).
    const box = (await page.getByTestId('history-svg').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.08, box.y + box.height / 2);
    await expect(page.getByTestId('history-readout')).toContainText(/Ready 0\b/);
    await shot(page, 'queue-history');

    // Another range: the URL carries it (shareable), the button is current, the chart redraws.
    await chart.getByTestId('range-1h').click();
    await expect(page).toHaveURL(/[?&]range=1h\b/);
    await expect(chart.getByTestId('range-1h')).toHaveAttribute('aria-current', 'true');
    await expect(page.getByTestId('history-svg')).toBeVisible();
    await chart.getByTestId('range-8h').click();
    await expect(page).toHaveURL(/[?&]range=8h\b/);
    // Minute points: the first one exists once a minute has closed since the queue appeared.
    await expect(page.getByTestId('history-svg').or(page.getByTestId('history-empty'))).toBeVisible();
    await page.reload();
    await expect(chart.getByTestId('range-8h')).toHaveAttribute('aria-current', 'true');
  } finally {
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test('the queue list filtered to a vhost charts that vhost and its growing queues', async ({ page }) => {
  const queue = `e2e-vhost-history-${Date.now()}`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    // Recorded empty first (its chart has a point), so the publish below counts as growth.
    await expect(async () => {
      await page.goto(`/c/local/queue?vhost=${enc(VHOST)}&name=${enc(queue)}`);
      await expect(page.getByTestId('history-svg')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await publishTo(VHOST, queue, 5);
    await page.goto(`/c/local/queues?vhost=${enc(VHOST)}`);
    await hydrated(page);
    await expect(page.getByTestId('history-svg')).toBeVisible({ timeout: 30_000 });
    // The queue grew from nothing within the last 10 minutes.
    await expect(page.getByTestId('top-growing')).toContainText(queue, { timeout: 30_000 });
    // Without a vhost filter there is no vhost to chart.
    await page.goto('/c/local/queues');
    await expect(page.getByTestId('queues')).toBeVisible();
    await expect(page.getByTestId('history-chart')).toHaveCount(0);
  } finally {
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});
