// The broker's users and virtual hosts, administered through the pages: a vhost and a user made
// with the forms, a permission set with its preview and a limit, both deleted by keyboard
// (the user with a confirm, the vhost with its name typed out), each checked on the broker.
import { api, apiStatus } from './broker';
import { expect, hydrated, shot, test } from './helpers';

const enc = encodeURIComponent;

test('a vhost and a user are created, granted, limited and deleted through the pages, by keyboard', async ({ page, baseURL }) => {
  const stamp = Date.now();
  const vhost = `e2e vhost/#${stamp} 虚拟`;
  const user = `e2e user ${stamp}`;
  try {
    await page.goto('/c/local/vhosts');
    await hydrated(page);
    // Right after the suite starts, Warren may not have read the broker yet: the page asks again.
    await expect(page.getByTestId('vhosts')).toBeVisible({ timeout: 30_000 });
    const nav = page.getByRole('navigation', { name: 'sections' });
    await expect(nav.getByRole('link', { name: 'Users', exact: true })).toBeVisible();

    // A vhost: the form opens from the keyboard and Enter in a field creates it.
    const addVhost = page.getByTestId('add-vhost');
    await expect(addVhost).toHaveAttribute('data-ready', 'true');
    await addVhost.locator('summary').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('vhost-name').fill(vhost);
    await page.getByTestId('vhost-description').fill('orders team');
    await page.getByTestId('vhost-tags').fill('team-a, eu');
    await page.getByTestId('vhost-name').press('Enter');
    await expect(page.getByTestId('add-vhost-result')).toBeVisible();
    const row = page.locator(`[data-testid="vhost"][data-name="${vhost}"]`);
    await expect(row).toContainText('orders team');
    await expect(row).toContainText('team-a, eu');
    const stored = await (await api('GET', `vhosts/${enc(vhost)}`)).json();
    expect(stored.tags).toEqual(['team-a', 'eu']);
    await shot(page, 'vhosts');

    // A user, with a tag that is not a known one refused before anything is sent.
    await nav.getByRole('link', { name: 'Users', exact: true }).click();
    await expect(page).toHaveURL(/\/c\/local\/users$/);
    const addUser = page.getByTestId('add-user');
    await expect(addUser).toHaveAttribute('data-ready', 'true');
    await addUser.locator('summary').click();
    await page.getByTestId('add-user-name').fill(user);
    await page.getByTestId('add-user-secret').fill('s3cret pass');
    await page.getByTestId('add-user-tags-other').fill('team/a');
    await expect(page.getByTestId('add-user-problem')).toContainText('tag "team/a"');
    await expect(page.getByTestId('add-user-submit')).toBeDisabled();
    await page.getByTestId('add-user-tags-other').fill('team-a');
    await page.getByTestId('add-user-name').press('Enter');
    const userRow = page.locator(`[data-testid="broker-user"][data-name="${user}"]`);
    await expect(userRow.getByTestId('user-tags')).toHaveText('management, team-a');
    await shot(page, 'users');

    // Its page: permissions in the new vhost, with what each regex grants, then a limit.
    await userRow.getByRole('link', { name: user }).click();
    await expect(page.getByTestId('object-name')).toHaveText(user);
    const editor = page.getByTestId('permission-editor');
    await expect(editor).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('permission-other').selectOption(vhost);
    await page.getByTestId('permission-configure').fill('[');
    await expect(page.getByTestId('permission-preview')).toContainText('not a valid regular expression');
    await page.getByTestId('permission-configure').fill('^orders\\.');
    await page.getByTestId('permission-write').fill('^amq\\.');
    await expect(page.getByTestId('grant').nth(1)).toContainText('matches 0 queues and 7 exchanges');
    await page.getByTestId('permission-save').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator(`[data-testid="permission"][data-name="${vhost}"]`)).toContainText('^orders\\.');
    const granted = await (await api('GET', `permissions/${enc(vhost)}/${enc(user)}`)).json();
    expect([granted.configure, granted.write, granted.read]).toEqual(['^orders\\.', '^amq\\.', '.*']);
    const connections = page.getByTestId('limit-max-connections');
    await connections.getByTestId('limit-input').fill('5');
    await connections.getByTestId('limit-input').press('Enter');
    await expect(connections.getByTestId('limit-value')).toHaveText('5');
    const limits = await (await api('GET', `user-limits/${enc(user)}`)).json();
    expect(limits[0].value).toEqual({ 'max-connections': 5 });
    await shot(page, 'user');

    // The three pages in Chinese too, then back to English.
    const userPage = page.url();
    await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
    for (const [url, name] of [[userPage, 'user-zh'], ['/c/local/users', 'users-zh'], ['/c/local/vhosts', 'vhosts-zh']]) {
      await page.goto(url);
      await hydrated(page);
      await expect(page.locator('main table').first()).toBeVisible();
      await shot(page, name);
    }
    await expect(page.locator('main h1')).toHaveText('虚拟主机');
    await page.context().addCookies([{ name: 'warren_lang', value: 'en', url: baseURL! }]);
    await page.goto(userPage);
    await hydrated(page);

    // Deleting the user: the confirm takes the focus, Escape backs out, Enter deletes.
    const remove = page.getByTestId('delete-user');
    await remove.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('delete-user-confirm')).toBeFocused();
    await page.keyboard.press('Escape');
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/c\/local\/users$/);
    await expect(page.locator(`[data-testid="broker-user"][data-name="${user}"]`)).toHaveCount(0);
    expect(await apiStatus(`users/${enc(user)}`)).toBe(404);

    // The vhost's page, in Chinese too; deleting it takes its name typed out exactly.
    await page.goto(`/c/local/vhost?name=${enc(vhost)}`);
    await hydrated(page);
    await page.context().addCookies([{ name: 'warren_lang', value: 'zh-CN', url: baseURL! }]);
    await page.reload();
    await hydrated(page);
    await expect(page.locator('main h2').first()).toHaveText('设置');
    await shot(page, 'vhost-zh');
    await page.context().addCookies([{ name: 'warren_lang', value: 'en', url: baseURL! }]);
    await page.reload();
    await hydrated(page);
    await shot(page, 'vhost');
    const zone = page.getByTestId('delete-vhost');
    await expect(zone).toHaveAttribute('data-ready', 'true');
    await expect(zone).toContainText('deletes its 0 queues and 0 messages');
    await page.getByTestId('delete-vhost-typed').fill(vhost.toUpperCase());
    await expect(page.getByTestId('delete-vhost-problem')).toBeVisible();
    await expect(page.getByTestId('delete-vhost-submit')).toBeDisabled();
    await page.getByTestId('delete-vhost-typed').fill(vhost);
    await page.getByTestId('delete-vhost-typed').press('Enter');
    await expect(page).toHaveURL(/\/c\/local\/vhosts$/);
    await expect(page.locator(`[data-testid="vhost"][data-name="${vhost}"]`)).toHaveCount(0);
    expect(await apiStatus(`vhosts/${enc(vhost)}`)).toBe(404);
  } finally {
    await api('DELETE', `users/${enc(user)}`);
    await api('DELETE', `vhosts/${enc(vhost)}`);
  }
});
