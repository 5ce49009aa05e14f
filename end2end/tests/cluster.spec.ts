// The cluster as a whole, through its pages: on `flags` (a 3.10 node booted with stable feature
// flags off, wiped first) a flag is enabled, then every stable one, and the cluster renamed and
// named back, all by keyboard; the upgrade check lists what was set up on it and links to it;
// on `rabbit4` (4.0) a transient queue puts the deprecated-feature banner on the cluster's pages.
import { BROKER_USER, brokerPassword } from './accounts';
import { apiOn, BROKER4, FLAGS_NODE, resetFlagsNode } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

async function flagStates(): Promise<Record<string, string>> {
  const flags: Array<{ name: string; state: string }> = await (await apiOn(FLAGS_NODE, 'GET', 'feature-flags')).json();
  return Object.fromEntries(flags.map((f) => [f.name, f.state]));
}

test('feature flags are enabled, one then every stable one, and the cluster renamed, by keyboard', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await resetFlagsNode(BROKER_USER, brokerPassword());
  expect((await flagStates()).user_limits).toBe('disabled');
  await page.goto('/c/flags/settings');
  await hydrated(page);
  // The console finds the node again after its restart: the page asks until it can read it.
  const userLimits = page.locator('[data-testid="flag"][data-name="user_limits"]');
  await expect(userLimits).toHaveAttribute('data-state', 'disabled', { timeout: 60_000 });
  await expect(page.getByTestId('flags')).toHaveAttribute('data-ready', 'true');
  await shot(page, 'cluster-settings');

  // One flag: the confirm takes the focus and names it; Escape backs out, Enter enables.
  const enable = userLimits.getByTestId('enable-flag');
  await enable.focus();
  await page.keyboard.press('Enter');
  await expect(userLimits.getByTestId('enable-flag-confirm')).toBeFocused();
  await expect(userLimits.getByRole('alert')).toContainText('user_limits');
  await page.keyboard.press('Escape');
  expect((await flagStates()).user_limits).toBe('disabled');
  await enable.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(userLimits).toHaveAttribute('data-state', 'enabled');
  expect((await flagStates()).user_limits).toBe('enabled');

  // Every stable one left, the same way; the broker has them all.
  const all = page.getByTestId('enable-all-flags');
  await expect(all).toContainText('3');
  await all.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('enable-all-flags-confirm')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('flags-all-enabled')).toBeVisible();
  expect(Object.values(await flagStates()).every((state) => state === 'enabled')).toBe(true);

  // The cluster's name: Enter in the field saves it; then the old one again.
  const name = page.getByTestId('cluster-name-input');
  const original = await name.inputValue();
  const renamed = `e2e 集群 #/${Date.now()}`;
  await name.fill(renamed);
  await name.press('Enter');
  await expect(page.getByTestId('cluster-name-result')).toBeVisible();
  expect((await (await apiOn(FLAGS_NODE, 'GET', 'cluster-name')).json()).name).toBe(renamed);
  await name.fill('');
  await expect(page.getByTestId('cluster-name-problem')).toBeVisible();
  await expect(page.getByTestId('cluster-name-submit')).toBeDisabled();
  await name.fill(original);
  await name.press('Enter');
  await expect.poll(async () => (await (await apiOn(FLAGS_NODE, 'GET', 'cluster-name')).json()).name).toBe(original);

  await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('flags-all-enabled')).toBeVisible();
  await shot(page, 'cluster-settings-zh');
});

test('the upgrade check lists the blockers set up on 3.10, each with links to its objects', async ({ page, baseURL }) => {
  const stamp = Date.now();
  const [queue, policy] = [`e2e transient/#${stamp}`, `e2e-ha-${stamp}`];
  const flags = FLAGS_NODE;
  try {
    await apiOn(flags, 'PUT', `policies/%2F/${policy}`, { pattern: '^e2e-mirrored', definition: { 'ha-mode': 'all' } });
    await apiOn(flags, 'PUT', `queues/%2F/e2e-mirrored-${stamp}`, { durable: true });
    await apiOn(flags, 'PUT', `queues/%2F/${enc(queue)}`, { durable: false });
    await page.goto('/c/flags/settings');
    await hydrated(page);
    await page.getByTestId('open-upgrade').click();
    await expect(page).toHaveURL(/\/c\/flags\/upgrade$/);
    await expect(page.getByTestId('upgrade-path')).toHaveText('3.10 → 3.11 → 3.12 → 3.13 → 4.0', { timeout: 30_000 });
    // Right after the writes the console may not have read the broker again: the page is read again.
    await expect(async () => {
      await page.reload();
      await expect(page.locator('[data-testid="finding"][data-kind="transient"]')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    const mirroring = page.locator('[data-testid="finding"][data-kind="mirroring"]');
    await expect(mirroring).toHaveClass(/blocker/);
    await expect(mirroring.getByRole('link', { name: policy })).toBeVisible();
    await expect(page.locator('[data-testid="finding"][data-kind="quorum"]')).toBeVisible();
    await expect(page.getByTestId('upgrade-summary')).toContainText('blocker');
    await shot(page, 'upgrade');

    // A link leads to the queue's own page.
    await page.locator('[data-testid="finding"][data-kind="transient"]').getByRole('link', { name: queue }).click();
    await expect(page.getByTestId('object-name')).toHaveText(queue);

    await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
    await page.goto('/c/flags/upgrade');
    await hydrated(page);
    await expect(page.locator('main h1')).toHaveText('升级检查');
    await expect(page.getByTestId('upgrade-summary')).toContainText('阻碍');
    await shot(page, 'upgrade-zh');
  } finally {
    await apiOn(flags, 'DELETE', `queues/%2F/${enc(queue)}`);
    await apiOn(flags, 'DELETE', `queues/%2F/e2e-mirrored-${stamp}`);
    await apiOn(flags, 'DELETE', `policies/%2F/${policy}`);
  }
});

test('a deprecated feature in use on 4.0 puts a banner on every page of that cluster', async ({ page }) => {
  const queue = `e2e-transient-${Date.now()}`;
  try {
    await apiOn(BROKER4, 'PUT', `queues/%2F/${queue}`, { durable: false });
    // The banner is read with the page: load it until the console has read the broker again.
    await expect(async () => {
      await page.goto('/c/rabbit4/queues');
      await expect(page.getByTestId('deprecated-banner')).toContainText('transient_nonexcl_queues', { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await hydrated(page);
    await shot(page, 'deprecated-banner');
    await page.goto('/c/local/queues');
    await hydrated(page);
    await expect(page.getByTestId('deprecated-banner')).toHaveCount(0);

    await page.goto('/c/rabbit4/settings');
    await hydrated(page);
    const row = page.locator('[data-testid="deprecated"][data-name="transient_nonexcl_queues"]');
    await expect(row).toHaveAttribute('data-used', 'true');
    await expect(page.locator('[data-testid="deprecated"][data-name="classic_queue_mirroring"]')).toContainText('removed');
    await shot(page, 'cluster-settings-4');
  } finally {
    await apiOn(BROKER4, 'DELETE', `queues/%2F/${queue}`);
  }
});
