// The definitions import preview (issue 24) in English, for a whole-broker file: what the broker
// creates, changes (a description reset), skips (a server-named queue) and does besides (full
// permissions for the importing user on a new vhost). Previewed only: nothing is imported. The
// state is saved as test-results/definitions-preview.png, for a person to check by eye.
import path from 'node:path';
import { api } from './broker';
import { expect, hydrated, test } from './helpers';

const enc = encodeURIComponent;

test('a whole-broker preview says what is added, reset, skipped and granted', async ({ page, baseURL }) => {
  const stamp = Date.now();
  const existing = `e2e-defs-${stamp} #%`;
  const created = `e2e-defs-new-${stamp}`;
  await api('PUT', `vhosts/${enc(existing)}`, { description: 'kept by the team' });
  try {
    await page.context().addCookies([{ name: 'warren_lang', value: 'en', url: baseURL! }]);
    await page.goto('/c/local/definitions');
    await hydrated(page);
    await expect(page.getByTestId('import')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('import-text').fill(JSON.stringify({
      vhosts: [{ name: existing }, { name: created }],
      queues: [{ name: 'amq.gen-JzTY20BRgKO-HjmUJj0wLg', vhost: '/', durable: false, auto_delete: true, arguments: {} }],
    }, null, 2));
    const vhosts = page.locator('[data-testid=import-section][data-section=vhosts]');
    // The first test of a run may find the cluster still being read with the run's new account.
    await expect(async () => {
      await page.getByTestId('import-preview').click();
      await expect(vhosts).toContainText(`vhost "${created}"`, { timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await expect(vhosts.getByTestId('import-changed')).toContainText(`vhost "${existing}" (description)`);
    const queues = page.locator('[data-testid=import-section][data-section=queues]');
    await expect(queues.getByTestId('import-skipped')).toContainText("amq. names are the broker's own: skipped");
    await expect(page.getByTestId('import-effects')).toContainText(
      `RabbitMQ gives the importing user "warren-e2e" full permissions (.* to configure, write, read) on the new vhost "${created}"`,
    );
    await expect(page.getByTestId('import-blockers')).toHaveCount(0);
    await expect(page.getByTestId('import-confirm')).toBeEnabled();
    await page.screenshot({ path: path.resolve(__dirname, '../test-results', 'definitions-preview.png'), fullPage: true });
  } finally {
    await api('DELETE', `vhosts/${enc(existing)}`);
  }
});
