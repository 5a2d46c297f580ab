// Settings → Backup (#7): an admin downloads the whole workspace in zh-TW; the file is the
// portable workspace file (its first line names the format, its last proves it whole) and
// holds the records; the page reads well on a phone.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { apiCall, launchBrowser, setUpWorkspace, shot, signIn, startSen } from '../lib/harness.mjs';

let sen;
let browser;
const ADMIN = { name: '錢金金', email: 'jinjin@shirts.tw', password: 'mi-ma-hen-chang-2026' };

before(async () => {
  sen = await startSen();
  browser = await launchBrowser();
  await setUpWorkspace(sen.url, {
    workspace_name: '台灣制服', language: 'zh-TW', currency: 'TWD', time_zone: 'Asia/Taipei',
    admin: ADMIN,
  });
});

after(async () => {
  await browser?.close();
  await sen?.stop();
});

test('an admin downloads the workspace from Settings → Backup in zh-TW', async () => {
  const { context, page } = await signIn(browser, sen.url, ADMIN, 'zh-TW');
  const made = await apiCall(page, sen.url, 'POST', '/api/v1/leads', { name: '麥克 200 件 T 恤', type: 'opportunity' });
  assert.equal(made.status, 201);

  await page.goto(`${sen.url}/settings/pipelines`);
  await page.click('nav.tabs a[href="/settings/backup"]');
  await page.locator('h2', { hasText: '下載備份' }).waitFor();
  await shot(page, '95-backup-zh-TW');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a[href="/settings/backup/download"]'),
  ]);
  assert.match(download.suggestedFilename(), /^sen-workspace-\d{4}-\d{2}-\d{2}\.jsonl$/);
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(JSON.parse(lines[0]).format, 'sen-workspace');
  assert.equal(JSON.parse(lines.at(-1)).end_of_export, true);
  assert.ok(lines.some((l) => l.includes('麥克 200 件 T 恤')), 'the file holds the opportunity');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
  await shot(page, '95-backup-zh-TW-phone');
  await context.close();
});
