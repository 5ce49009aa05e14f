import { chromium } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN, ADMIN_STATE, BROKER_USER, brokerPassword, ensureUser, signIn, VIEWER } from './accounts';
import { broker, resetTestData, setBrokerUser } from './broker';
import config from '../playwright.config';

export default async function globalSetup() {
  broker('start');
  await setBrokerUser(BROKER_USER, brokerPassword());
  await resetTestData(BROKER_USER);
  ensureUser(ADMIN);
  ensureUser(VIEWER);
  // Every test starts signed in as the admin, unless it asks otherwise.
  const use = config.use!;
  const browser = await chromium.launch(use.launchOptions);
  const page = await browser.newPage({ baseURL: use.baseURL });
  await signIn(page, ADMIN);
  fs.mkdirSync(path.dirname(ADMIN_STATE), { recursive: true });
  await page.context().storageState({ path: ADMIN_STATE });
  await browser.close();
}
