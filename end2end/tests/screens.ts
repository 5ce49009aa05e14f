// Wall screens for the specs: a dashboard saved through the editor, a screen token made on the
// admin page, and a kiosk opened with it in a browser context of its own, as on a TV.
import { Browser, Page } from '@playwright/test';
import { expect, hydrated } from './helpers';

/** The id of the dashboard a save in a new editor created. */
export async function savedId(page: Page): Promise<number> {
  await expect(page.getByTestId('dashboard-saved')).toBeVisible();
  await expect(page).toHaveURL(/edit=\d+/);
  return Number(new URL(page.url()).searchParams.get('edit'));
}

/**
 * Opens the new dashboard editor's JSON view. The editor is a lazy page: `hydrated` sees the main
 * bundle done, and under load a click can land before the page's own code has hydrated and be
 * lost (seen once in CI), so the click is repeated until the view opens (pressing it again is a
 * no-op).
 */
export async function newDashboardAsJson(page: Page) {
  await page.goto('/admin/dashboards?edit=new');
  await hydrated(page);
  await expect(async () => {
    await page.getByTestId('edit-as-json').click();
    await expect(page.getByTestId('dashboard-json')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

/** Saves a new dashboard through the editor's JSON view and returns its id. */
export async function createDashboard(page: Page, spec: object): Promise<number> {
  await newDashboardAsJson(page);
  const editor = page.getByTestId('dashboard-json');
  await expect(editor).toHaveValue(/"cluster_status"/);
  await editor.fill(JSON.stringify(spec, null, 2));
  await page.getByTestId('save-dashboard').click();
  return savedId(page);
}

/** A screen token made in the admin page: what an admin gives a TV. */
export async function screenToken(page: Page): Promise<string> {
  await page.goto('/admin');
  await hydrated(page);
  await page.getByTestId('token-label').fill(`kiosk ${Date.now()}`);
  await page.getByTestId('create-token').click();
  const secret = page.getByTestId('new-token').locator('code').first();
  await expect(secret).toHaveText(/^wrn_/);
  await expect(page.getByTestId('token-kiosk-link').first()).toContainText('/kiosk/');
  return (await secret.textContent())!;
}

export async function openScreen(browser: Browser, url: string, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, viewport: { width, height } });
  const screen = await context.newPage();
  await screen.goto(url);
  await hydrated(screen);
  return screen;
}
