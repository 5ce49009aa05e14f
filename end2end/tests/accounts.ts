// Warren users and the broker account the console under test uses. scripts/test.sh makes up the
// passwords for each run; the secret scan (helpers.ts) looks for them in everything served.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page } from '@playwright/test';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through scripts/test.sh`);
  return value;
}

export const BROKER_USER = 'warren-e2e';
export const brokerPassword = () => required('WARREN_E2E_BROKER_PASSWORD');
export const ADMIN = { name: 'e2e-admin', password: () => required('WARREN_E2E_ADMIN_PASSWORD'), role: 'admin' };
export const VIEWER = { name: 'e2e-viewer', password: () => required('WARREN_E2E_VIEWER_PASSWORD'), role: 'viewer' };
export const ADMIN_STATE = path.resolve(__dirname, '../.auth/admin.json');

// The release binary cargo-leptos built for this run (CI keeps its target dir outside the clone).
export const BINARY = path.join(process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, '../../target'), 'release/warren');

/** Adds the user with the `warren` binary, or resets its password if it exists. */
export function ensureUser(user: typeof ADMIN, env: NodeJS.ProcessEnv = process.env) {
  const run = (args: string[]) => execFileSync(BINARY, args, { env, input: `${user.password()}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    run(['user', 'add', user.name, '--role', user.role]);
  } catch {
    run(['user', 'set-password', user.name]);
    run(['user', 'set-role', user.name, '--role', user.role]);
  }
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, user: typeof ADMIN, next = '/c/local') {
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await page.getByTestId('username').fill(user.name);
  await page.getByTestId('password').fill(user.password());
  await page.getByTestId('sign-in').click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, '\\$&')}$`));
}
