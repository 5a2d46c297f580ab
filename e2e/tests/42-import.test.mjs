// Importing leads from a CSV file in Vietnamese (R9.2, #6): the file is checked, its
// columns matched from Vietnamese headers (one changed by hand), a bad row is named by its
// line with nothing written, then the corrected file is imported and the list shows it.

import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { apiCall, launchBrowser, setUpWorkspace, shot, signIn, startSen } from '../lib/harness.mjs';

let sen;
let browser;
const ADMIN = { name: 'Trần Minh Anh', email: 'anh@tuyensinh.vn', password: 'mat-khau-rat-dai-2026' };

before(async () => {
  sen = await startSen();
  browser = await launchBrowser();
  await setUpWorkspace(sen.url, {
    workspace_name: 'Tuyển sinh Sen', language: 'vi', currency: 'VND', time_zone: 'Asia/Ho_Chi_Minh',
    admin: ADMIN,
  });
});

after(async () => {
  await browser?.close();
  await sen?.stop();
});

test('a CSV of leads is checked, a bad row named by its line, then imported in vi', async () => {
  const { context, page } = await signIn(browser, sen.url, ADMIN, 'vi-VN');
  const dir = mkdtempSync(join(tmpdir(), 'sen-import-'));
  const bad = join(dir, 'tiem-nang-loi.csv');
  const good = join(dir, 'tiem-nang.csv');
  const header = 'Họ tên học viên,Email,Điện thoại,Ghi chú phụ huynh\n';
  writeFileSync(bad, header + 'Nguyễn Văn An,an@example.vn,0912345678,Học lớp 10\nLê Thị Bình,binh@,0987654321,\n');
  writeFileSync(good, header + 'Nguyễn Văn An,an@example.vn,0912345678,Học lớp 10\nLê Thị Bình,binh@example.vn,0987654321,\n');

  await page.goto(`${sen.url}/leads`);
  await page.click('a[href="/leads/import"]');
  await page.locator('#import-file').setInputFiles(bad);
  await page.click('#import-check');
  // "Họ tên học viên" is not a header Sen knows: it asks which column holds the name.
  await page.locator('#import-result .banner-error').waitFor();
  assert.match(await page.locator('#import-result .banner-error').innerText(), /cột chứa tên/);
  assert.equal(await page.inputValue('#col-0'), '');
  assert.equal(await page.inputValue('#col-1'), 'email');
  await page.selectOption('#col-0', 'name');
  await page.selectOption('#col-3', 'description');
  await page.click('#import-check');
  await page.waitForFunction(() => /Dòng 3 — Email/.test(document.querySelector('#import-result')?.textContent || ''));
  await shot(page, '90-import-refused-vi');
  assert.equal((await apiCall(page, sen.url, 'GET', '/api/v1/leads')).body.total, 0, 'nothing written');

  await page.locator('#import-file').setInputFiles(good);
  await page.click('#import-check');
  await page.locator('#import-ready').waitFor();
  assert.match(await page.locator('#import-ready').innerText(), /2 dòng/);
  assert.equal(await page.inputValue('#col-0'), 'name', 'the chosen mapping is kept');
  assert.match(await page.locator('.import-preview').innerText(), /Nguyễn Văn An/);
  await shot(page, '91-import-checked-vi');
  await page.click('#import-submit');
  await page.locator('#import-done').waitFor();
  assert.match(await page.locator('#import-done').innerText(), /Đã nhập 2/);
  await shot(page, '92-import-done-vi');
  await page.click('#import-done a');
  await page.locator('text=Lê Thị Bình').first().waitFor();
  const listed = (await apiCall(page, sen.url, 'GET', '/api/v1/leads?q=nguyen')).body.items[0];
  assert.equal(listed.description, 'Học lớp 10');
  assert.equal(listed.type, 'lead');
  await context.close();
});
