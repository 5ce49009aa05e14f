// The shared rules answer with typed problems that the UI words in the reader's language: with
// the Chinese UI, the policy editor, the publish form, the definitions import preview and the
// dashboard editor name what is wrong in Chinese, not in English. Each state is also saved as a
// full-page screenshot in test-results/problems-zh-<form>.png, for a person to check by eye.
import { Locator, Page } from '@playwright/test';
import path from 'node:path';
import { api, VHOST } from './broker';
import { expect, hydrated, test } from './helpers';

const enc = encodeURIComponent;

/** Chinese characters (CJK Unified Ideographs): what every Chinese problem text holds. */
const CJK = /[\u4e00-\u9fff]/;
/** Words an English sentence holds and none of the Chinese problem texts does. */
const ENGLISH_WORDS = /\b(the|is|are|must|cannot|needs|has|not|be)\b/i;

/** The cookie Warren reads the UI language from (`Lang::COOKIE` in app/src/i18n/mod.rs). */
async function uiLanguage(page: Page, baseURL: string | undefined, lang: 'zh-CN' | 'en') {
  await page.context().addCookies([{ name: 'warren_lang', value: lang, url: baseURL! }]);
}

async function screenshot(page: Page, form: string) {
  await page.screenshot({ path: path.resolve(__dirname, '../test-results', `problems-zh-${form}.png`), fullPage: true });
}

/** The problem is worded in Chinese: it holds Chinese, and neither the English sentences nor English words. */
async function expectChinese(problem: Locator, english: string[]) {
  await expect(problem).toContainText(CJK);
  await expect(problem).not.toContainText(ENGLISH_WORDS);
  for (const sentence of english) await expect(problem).not.toContainText(sentence);
}

/** Every item of a problem list is in Chinese (one English item among Chinese ones fails). */
async function expectEveryItemChinese(list: Locator, count: number) {
  const items = list.locator('li');
  await expect(items).toHaveCount(count);
  for (let i = 0; i < count; i++) {
    await expect(items.nth(i)).toContainText(CJK);
    await expect(items.nth(i)).not.toContainText(ENGLISH_WORDS);
  }
}

/** Waits until Warren's snapshot lists the queue (the poller refreshes every few seconds). */
async function untilListed(page: Page, queue: string) {
  await page.goto(`/c/local/queues?vhost=${enc(VHOST)}&q=${enc(queue)}`);
  await hydrated(page);
  await expect(page.getByRole('link', { name: queue, exact: true })).toBeVisible({ timeout: 30_000 });
}

test('the policy editor names its problems in Chinese with the Chinese UI', async ({ page, baseURL }) => {
  await uiLanguage(page, baseURL, 'zh-CN');
  await page.goto(`/c/local/policies?vhost=${enc(VHOST)}`);
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('policy-editor')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('policy-vhost')).toHaveValue(VHOST);

  // No name, a value out of range and a key RabbitMQ does not know.
  await page.getByTestId('policy-name').fill('');
  await page.getByTestId('policy-pattern').fill(`^e2e-zh-policy-${Date.now()}$`);
  await page.getByTestId('policy-add-key').click();
  await page.getByTestId('policy-key-0').fill('message-ttl');
  await page.getByTestId('policy-value-0').fill('-1');
  await page.getByTestId('policy-add-key').click();
  await page.getByTestId('policy-key-1').fill('colour');
  await page.getByTestId('policy-value-1').fill('red');

  const errors = page.getByTestId('policy-errors');
  await expect(errors).toContainText('策略名称为空');
  await expect(errors).toContainText('message-ttl 不能小于 0（当前为 -1）');
  await expect(errors).toContainText('未知的策略键 "colour"');
  await expectChinese(errors, [
    'the policy name is empty',
    'message-ttl must be at least 0 (got -1)',
    'unknown policy key',
  ]);
  await expectEveryItemChinese(errors, 3);
  await expect(page.getByTestId('policy-save')).toBeDisabled();
  await screenshot(page, 'policy');
});

test('the publish form names its problems in Chinese once the language switch turns the UI Chinese', async ({ page, baseURL }) => {
  const queue = `e2e-zh-publish-${Date.now()}`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    // Starts in English, so the switch below is what makes the same problem Chinese.
    await uiLanguage(page, baseURL, 'en');
    await untilListed(page, queue);
    await page.goto(`/c/local/queue?vhost=${enc(VHOST)}&name=${enc(queue)}`);
    await hydrated(page);
    await expect(page.getByTestId('publish')).toHaveAttribute('data-ready', 'true');

    const problem = page.getByTestId('publish-problem');
    await page.getByTestId('publish-copies').fill('1001');
    await expect(problem).toHaveText('copies must be from 1 to 1000');
    await expect(page.getByTestId('publish-submit')).toBeDisabled();

    // The switch rewords the problem on screen, without a page load.
    await page.getByTestId('lang-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(problem).toContainText('份数必须在 1 到 1000 之间');
    await expectChinese(problem, ['copies must be from 1 to 1000']);
    await expect(page.getByTestId('publish-submit')).toBeDisabled();
    await screenshot(page, 'publish');

    // Another problem, found once the first is fixed: an expiration that is not milliseconds.
    await page.getByTestId('publish-copies').fill('1');
    await expect(problem).toHaveCount(0);
    const properties = page.getByTestId('publish').locator('details').filter({ has: page.getByTestId('publish-prop-expiration') });
    await properties.locator('summary').click();
    await page.getByTestId('publish-prop-expiration').fill('soon');
    await expect(problem).toContainText('过期时间（expiration）是毫秒数');
    await expectChinese(problem, ['expiration is a number of milliseconds']);
    await expect(page.getByTestId('publish-submit')).toBeDisabled();
    await screenshot(page, 'publish-expiration');
  } finally {
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test('the definitions import preview names its blockers, what it keeps and a refused file in Chinese', async ({ page, baseURL }) => {
  const stamp = Date.now();
  const queue = `e2e-zh-defs-${stamp}`;
  await api('PUT', `queues/${enc(VHOST)}/${enc(queue)}`, { durable: true });
  try {
    await uiLanguage(page, baseURL, 'zh-CN');
    await page.goto('/c/local/definitions');
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    const form = page.getByTestId('import');
    await expect(form).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('import-vhost').selectOption(VHOST);

    // Blockers: a stream given x-max-length, a queue of another vhost. The queue that exists
    // durable and that the file declares transient is kept as it is, as the broker does.
    await page.getByTestId('import-text').fill(JSON.stringify({
      queues: [
        { name: queue, durable: false, auto_delete: false, arguments: {} },
        { name: `${queue}-s`, durable: true, auto_delete: false, arguments: { 'x-queue-type': 'stream', 'x-max-length': 10 } },
        { name: `${queue}-other`, vhost: 'e2e-zh-other-vhost', durable: true, auto_delete: false, arguments: {} },
      ],
    }, null, 2));
    await page.getByTestId('import-preview').click();
    const blockers = page.getByTestId('import-blockers');
    await expect(blockers).toContainText(`队列 "${queue}-s" 的参数 x-max-length：stream 类型的队列不接受此参数`);
    await expect(blockers).toContainText('queues[2]：属于虚拟主机 "e2e-zh-other-vhost"');
    await expect(blockers).toContainText(`本次导入的是虚拟主机 "${VHOST}"`);
    await expectChinese(blockers, ['do not take it', 'belongs to vhost', 'this import is for vhost']);
    await expectEveryItemChinese(blockers, 2);
    await expect(page.getByTestId('import-preview-table').locator('th')).toContainText(['保持原样', '跳过']);
    await expect(page.getByTestId('import-kept')).toContainText(`"${queue}" (durable)`);
    await expect(page.getByTestId('import-confirm')).toBeDisabled();
    // Blocked is not "nothing to change".
    await expect(page.getByTestId('import-nothing')).toHaveCount(0);
    await screenshot(page, 'definitions-blocker');

    // A refusal of the whole file: a vhost import holding users.
    await page.getByTestId('import-text').fill(JSON.stringify({
      users: [{ name: `${queue}-user`, password_hash: '', tags: [] }],
    }, null, 2));
    await expect(blockers).toHaveCount(0);
    await page.getByTestId('import-preview').click();
    const refused = form.getByTestId('error-banner');
    await expect(refused).toContainText('导入到虚拟主机时不能包含 users');
    // The banner's title is Chinese whatever the server sent; the detail is the problem itself.
    await expectChinese(refused.locator('.detail'), ['a vhost import cannot hold', 'import the whole broker instead']);
    await expectChinese(refused, ['a vhost import cannot hold', 'import the whole broker instead', 'bad request']);
    await screenshot(page, 'definitions');
  } finally {
    await api('DELETE', `queues/${enc(VHOST)}/${enc(queue)}`);
  }
});

test('the dashboard editor lists its problems in Chinese under 保存前请修正：', async ({ page, baseURL }) => {
  await uiLanguage(page, baseURL, 'zh-CN');
  await page.goto('/admin/dashboards?edit=new');
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // The starting point: five tiles and no name yet, which is already a problem.
  await expect(page.getByTestId('tile-form')).toHaveCount(5);
  const problems = page.getByTestId('dashboard-problems');
  await expect(problems).toContainText('保存前请修正：');
  await expect(problems).toContainText('名称须为 1 到 200 个字符');

  // Tile 2's Ready threshold with amber beyond red.
  await page.getByTestId('tile-2-threshold-1-amber').fill('200000');
  await expect(problems).toContainText('磁贴 2：“就绪”阈值须为数字');
  await expectChinese(problems, [
    'Fix these before saving',
    'the name must be',
    'tile 2: the Ready threshold',
    'needs numbers with amber',
  ]);
  await expectEveryItemChinese(problems, 2);
  await expect(page.getByTestId('save-dashboard')).toBeDisabled();
  await screenshot(page, 'dashboard');
});
