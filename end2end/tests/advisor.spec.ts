// The reliability advisor's page (issue 23): a non-durable queue holding a message, in a vhost of
// its own on the local 3.10 broker, is found red with its evidence and its fix, in English and in
// Chinese; the navigation shows the counts; the finding links to the queue, whose page lists its
// findings by title (in both languages) and links back to them; the queue list marks its row; an
// admin mutes it by keyboard with a reason, sees it muted, and unmutes it.
import { api, publishTo } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

test('the advisor finds a risk, explains it in both languages, links to it, and an admin mutes it', async ({ page }) => {
  test.setTimeout(120_000);
  const vhost = `advisor e2e/${Date.now()}`;
  const queue = '临时 #queue?';
  await api('PUT', `vhosts/${enc(vhost)}`, {});
  for (const user of ['guest', 'warren-e2e']) {
    await api('PUT', `permissions/${enc(vhost)}/${user}`, { configure: '.*', write: '.*', read: '.*' });
  }
  await api('PUT', `queues/${enc(vhost)}/${enc(queue)}`, { durable: false, auto_delete: false });
  await publishTo(vhost, queue, 1);
  try {
    await page.goto('/c/local/advisor');
    await hydrated(page);
    const finding = page.locator('[data-testid="finding"][data-kind="transient-queue"]').filter({ hasText: queue });
    // Two refreshes confirm it; the page follows the live stream.
    await expect(finding).toBeVisible({ timeout: 60_000 });
    await expect(finding).toHaveClass(/red/);
    await expect(finding.getByTestId('finding-evidence')).toContainText('1');
    await expect(finding.getByTestId('finding-fix')).toContainText('durable=true');
    await expect(page.locator('header nav').getByTestId('advice-red')).toBeVisible();
    await finding.scrollIntoViewIfNeeded();
    await shot(page, 'advisor');

    await page.getByTestId('lang-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.locator('h1')).toHaveText('可靠性顾问');
    await expect(finding.getByTestId('finding-fix')).toContainText('持久');
    await shot(page, 'advisor-zh');
    await page.getByTestId('lang-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    // Muted by keyboard: the button opens the reason, focused; Enter sends it.
    await finding.getByTestId('mute').focus();
    await page.keyboard.press('Enter');
    await expect(finding.getByTestId('mute-reason')).toBeFocused();
    await page.keyboard.type('a scratch queue of the browser test');
    await page.keyboard.press('Enter');
    const mutedList = page.getByTestId('advisor-muted');
    const muted = mutedList.locator('[data-testid="finding"][data-kind="transient-queue"]').filter({ hasText: queue });
    await expect(muted.getByTestId('finding-muted')).toContainText('a scratch queue of the browser test', { timeout: 15_000 });
    await expect(finding).toHaveCount(1);
    await mutedList.locator('summary').click();
    await muted.scrollIntoViewIfNeeded();
    await shot(page, 'advisor-muted');
    await muted.getByTestId('unmute').click();
    const open = page.locator('section.findings [data-testid="finding"][data-kind="transient-queue"]').filter({ hasText: queue });
    await expect(open).toBeVisible({ timeout: 15_000 });

    // The finding's object, and back from its page to its findings.
    await open.getByTestId('finding-object').click();
    await expect(page).toHaveURL(/\/c\/local\/queue\?/);
    await expect(page.locator('h1')).toContainText(queue);
    // The queue's page lists its findings by title, in both languages.
    const listed = page.locator('[data-testid="object-finding"][data-headline="transient-queue"]');
    await expect(listed).toHaveText('Queue not durable');
    await expect(listed).toHaveClass(/red/);
    await shot(page, 'queue-findings');
    await page.getByTestId('lang-switch').click();
    await expect(listed).toHaveText('队列未持久化');
    await shot(page, 'queue-findings-zh');
    await page.getByTestId('lang-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    const link = page.getByTestId('object-advice-link');
    await expect(link).toBeVisible();
    await link.click();
    await expect(page).toHaveURL(/\/c\/local\/advisor\?object=queue/);
    await expect(page.getByTestId('advisor-about')).toContainText(queue);
    await expect(page.getByTestId('finding')).not.toHaveCount(0);
    await shot(page, 'advisor-object');

    // The queue list marks its row.
    await page.goto(`/c/local/queues?vhost=${enc(vhost)}`);
    await hydrated(page);
    await expect(page.getByTestId('queues').locator('tr', { hasText: queue })).toHaveAttribute('data-advice', 'finding-red');
  } finally {
    await api('DELETE', `vhosts/${enc(vhost)}`);
  }
});
