import fs from 'node:fs';
import path from 'node:path';
import { ADMIN, brokerPassword, signIn, VIEWER } from './accounts';
import { ODD_EXCHANGE, ODD_QUEUE, VHOST } from './broker';
import { expect, hydrated, secrets, shot, test } from './helpers';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('sign in, see the pages, sign out', async ({ page }) => {
    await page.goto('/c/local/queues');
    await expect(page).toHaveURL(/\/signin\?next=%2Fc%2Flocal%2Fqueues$/);
    await page.getByTestId('username').fill(ADMIN.name);
    await page.getByTestId('password').fill('not the password');
    await page.getByTestId('sign-in').click();
    await expect(page.getByTestId('sign-in-error')).toBeVisible();
    await shot(page, 'sign-in-failed');

    await page.getByTestId('username').fill(ADMIN.name);
    await page.getByTestId('password').fill(ADMIN.password());
    await page.getByTestId('sign-in').click();
    await expect(page).toHaveURL(/\/c\/local\/queues$/);
    await hydrated(page);
    await expect(page.getByTestId('user')).toContainText(ADMIN.name);
    await expect(page.getByTestId('admin-link')).toBeVisible();
    await page.getByRole('link', { name: 'Exchanges' }).click();
    await expect(page).toHaveURL(/\/c\/local\/exchanges/);
    await expect(page.locator('tbody tr').first()).toBeVisible();

    await page.getByTestId('sign-out').click();
    await expect(page).toHaveURL(/\/signin$/);
    await page.goto('/c/local');
    await expect(page).toHaveURL(/\/signin\?next=/);
  });

  test('the broker account signs in with its RabbitMQ password', async ({ page }) => {
    await page.goto('/signin');
    await hydrated(page);
    await page.getByTestId('sign-in-source').selectOption('broker:local');
    await page.getByTestId('username').fill('warren-e2e');
    await page.getByTestId('password').fill(brokerPassword());
    await page.getByTestId('sign-in').click();
    await expect(page).toHaveURL(/\/c\/local$/);
    await expect(page.getByTestId('user')).toHaveAttribute('data-role', 'admin');
  });
});

test.describe('a viewer', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('sees no write controls and is refused a write route', async ({ page }) => {
    await signIn(page, VIEWER);
    await hydrated(page);
    await expect(page.getByTestId('user')).toHaveAttribute('data-role', 'viewer');
    await expect(page.getByTestId('admin-link')).toHaveCount(0);
    await expect(page.locator('[data-testid="create-token"], [data-testid="revoke-token"]')).toHaveCount(0);
    await shot(page, 'viewer-overview');

    const admin = await page.goto('/admin');
    expect(admin?.status()).toBe(403);

    // Called directly, with the session's own CSRF token: still refused, for the role.
    const result = await page.evaluate(async () => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('warren_csrf='))?.split('=')[1] ?? '';
      const response = await fetch('/api/admin/create_screen_token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ label: 'from a viewer', clusters: null }),
      });
      return { status: response.status, body: await response.json() };
    });
    expect(result.status).toBe(403);
    expect(result.body).toHaveProperty('Forbidden');

    // On an exchange page: the routing preview, without the publish, bind or delete forms.
    await page.goto(`/c/local/exchange?vhost=${encodeURIComponent(VHOST)}&name=${encodeURIComponent(ODD_EXCHANGE)}`);
    await expect(page.getByTestId('route-tester')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('publish-key').fill('order.created');
    await expect(page.getByTestId('preview-queue')).toHaveText([ODD_QUEUE]);
    await expect(page.locator('[data-testid="publish"], [data-testid="bind"], [data-testid="unbind"]')).toHaveCount(0);
  });
});

test('an admin creates a screen token that opens a read-only screen, then revokes it', async ({ page, browser }) => {
  await page.goto('/admin');
  await hydrated(page);
  await page.getByTestId('token-label').fill('lobby screen');
  await page.getByTestId('create-token').click();
  const secret = page.getByTestId('new-token').locator('code').first();
  await expect(secret).toHaveText(/^wrn_/);
  const token = (await secret.textContent())!;
  await shot(page, 'admin-token-created');

  const kiosk = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const screen = await kiosk.newPage();
  await screen.goto(`/c/local?token=${token}`);
  await expect(screen).toHaveURL(/\/c\/local$/);
  await expect(screen.getByTestId('user')).toHaveAttribute('data-role', 'viewer');
  await expect(screen.getByTestId('sign-out')).toHaveCount(0);

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByTestId('token-row').filter({ hasText: 'lobby screen' }).getByTestId('revoke-token').click();
  await expect(page.getByTestId('token-row').filter({ hasText: 'lobby screen' })).toContainText('Revoked');
  await screen.goto('/c/local');
  await expect(screen).toHaveURL(/\/signin/);
  await kiosk.close();

  await page.goto('/admin?action=revoke_screen_token');
  await expect(page.getByTestId('audit-row').first()).toContainText(ADMIN.name);
});

test('the built JS and WASM hold no broker password', async () => {
  // Both front ends: the console's bundle and the wall screen's.
  for (const dir of ['site/pkg', 'site-kiosk/kiosk-pkg']) {
    const pkg = path.resolve(__dirname, '../../target', dir);
    const files = fs.readdirSync(pkg);
    expect(files.some((f) => f.endsWith('.wasm')), `${dir} holds a WASM`).toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(pkg, file)).toString('latin1');
      for (const secret of secrets()) expect(bytes.includes(secret), `${file} holds a broker password`).toBe(false);
    }
  }
});
