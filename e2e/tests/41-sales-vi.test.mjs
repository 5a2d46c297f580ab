// The sales UI in Vietnamese (issue #4): the settings pages set up seed 003's Caresoft
// process, then a lead goes New → Working → Converted, the deal is dragged (a real drag,
// SortableJS) from Prospecting to Quote and lost with a reason, and another lead is marked
// unqualified — all through the pages.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiCall, launchBrowser, setUpWorkspace, shot, signIn, startSen } from '../lib/harness.mjs';

let sen;
let browser;
const ADMIN = { name: 'Nguyễn Thu Chi', email: 'chi@caresoft.vn', password: 'mat-khau-rat-dai-2026' };

before(async () => {
  sen = await startSen();
  browser = await launchBrowser();
  await setUpWorkspace(sen.url, {
    workspace_name: 'Caresoft', language: 'vi', currency: 'VND', time_zone: 'Asia/Ho_Chi_Minh',
    admin: ADMIN,
  });
});

after(async () => {
  await browser?.close();
  await sen?.stop();
});

const signedIn = (viewport) => signIn(browser, sen.url, ADMIN, 'vi-VN', viewport);
const api = (page, method, path, body) => apiCall(page, sen.url, method, path, body);

async function caresoft(page) {
  const list = await api(page, 'GET', '/api/v1/pipelines');
  return list.body.items.find((p) => p.name === 'Quy trình Caresoft');
}

const stageNames = async (page) => page.locator('.stage-row strong').allInnerTexts();

test('settings in vi: the Caresoft pipeline, its stages and a lost reason made through the pages', async () => {
  const { context, page } = await signedIn();
  await page.click('nav >> text=Thiết lập');
  await page.waitForURL(/\/settings\/pipelines$/);
  await page.fill('#f-name', 'Quy trình Caresoft');
  await page.selectOption('#f-kind', 'deal');
  await page.fill('#f-number_prefix', 'CS-');
  await page.check('#f-lost_reason_required');
  await Promise.all([page.waitForURL(/\/settings\/pipelines\/\d+$/), page.click('#settings-form button[type=submit]')]);
  assert.deepEqual(await stageNames(page), ['Mới', 'Đã xác định', 'Đề xuất', 'Thành công']);

  // Rename the first stage in the dialog (it closes and the page shows the new name).
  await page.click('.stage-row >> nth=0 >> text=Sửa');
  await page.locator('#dialog #f-name').waitFor();
  await page.fill('#dialog #f-name', 'Tìm kiếm');
  await Promise.all([page.waitForLoadState('load'), page.click('#dialog button[type=submit]')]);
  await page.waitForFunction(() => document.querySelector('.stage-row strong')?.textContent === 'Tìm kiếm');

  // Add "Báo giá" at the end, move it up twice, delete "Đề xuất" sending its records on.
  await page.fill('#new-stage', 'Báo giá');
  await Promise.all([page.waitForLoadState('load'), page.click('.inline-form button[type=submit]')]);
  for (let i = 0; i < 2; i += 1) {
    await Promise.all([page.waitForLoadState('load'), page.click('button[aria-label="Đưa Báo giá lên trước"]')]);
  }
  assert.deepEqual(await stageNames(page), ['Tìm kiếm', 'Đã xác định', 'Báo giá', 'Đề xuất', 'Thành công']);
  await page.click('.stage-row >> nth=3 >> text=Xóa');
  await page.locator('#dialog #target').waitFor();
  await Promise.all([page.waitForLoadState('load'), page.click('#dialog button.btn-danger')]);
  assert.deepEqual(await stageNames(page), ['Tìm kiếm', 'Đã xác định', 'Báo giá', 'Thành công']);
  await shot(page, '50-settings-pipeline-vi');

  // A lost reason for opportunities; the same name twice is refused beside the field.
  await page.click('.tabs >> text=Lý do thất bại');
  await page.fill('#f-name', 'Giá cao');
  await page.selectOption('#f-applies_to', 'deal');
  await Promise.all([page.waitForLoadState('load'), page.click('#settings-form button[type=submit]')]);
  assert.match(await page.locator('#settings-table').innerText(), /Giá cao/);
  await page.fill('#f-name', 'Giá cao');
  await page.click('#settings-form button[type=submit]');
  await page.locator('#settings-form .field-error').waitFor();
  await shot(page, '51-settings-lost-reasons-vi');
  await context.close();
});

test('seed 003 in vi: New → Working → Converted, Prospecting → Quote (dragged) → Lost, another Unqualified', async () => {
  const { context, page } = await signedIn();
  const pipeline = await caresoft(page);
  assert.ok(pipeline, 'made by the settings test');
  const [prospecting, , quote] = pipeline.stages;

  // A lead typed into the form lands in "Mới", then goes to "Đang xử lý" by the status bar.
  await page.goto(`${sen.url}/leads/new?type=lead`);
  await page.fill('#f-name', 'Tổng đài cho Nha khoa Ánh Dương');
  await page.fill('#f-contact_name', 'Trần Ánh Dương');
  await page.fill('#f-phone', '0903 123 456');
  await Promise.all([page.waitForURL(/\/leads\/\d+$/), page.click('.record-new button[type=submit]')]);
  const id = page.url().match(/\/leads\/(\d+)$/)[1];
  assert.equal(await page.locator('.stage-step.current').innerText(), 'Mới');
  await Promise.all([page.waitForLoadState('load'), page.click('.stage-step >> text=Đang xử lý')]);
  assert.equal(await page.locator('.stage-step.current').innerText(), 'Đang xử lý');

  // Converted into the Caresoft pipeline, creating the customer.
  await page.click('text=Chuyển thành cơ hội');
  await page.locator('#dialog .convert-form').waitFor();
  await page.selectOption('#cv-pipeline', { label: 'Quy trình Caresoft' });
  await shot(page, '52-convert-vi');
  await Promise.all([page.waitForURL(new RegExp(`/leads/${id}$`)), page.click('#dialog button[type=submit]')]);
  let lead = (await api(page, 'GET', `/api/v1/leads/${id}`)).body;
  assert.equal(lead.type, 'opportunity');
  assert.equal(lead.stage_id, prospecting.id);
  assert.ok(lead.contact_id);

  // Dragged on the board from "Tìm kiếm" to "Báo giá" with the mouse.
  await page.goto(`${sen.url}/pipeline?pipeline=${pipeline.id}`);
  const card = page.locator(`#card-${id}`);
  await card.waitFor();
  await card.dragTo(page.locator(`#cards-${quote.id}`));
  await page.locator(`#cards-${quote.id} #card-${id}`).waitFor();
  await page.waitForFunction(async ([lid, sid]) => {
    const r = await fetch(`/api/v1/leads/${lid}`);
    return (await r.json()).stage_id === sid;
  }, [Number(id), quote.id]);
  await page.waitForFunction((s) => /\b1\b/.test(document.querySelector(`#head-${s} .column-count`)?.textContent || ''), quote.id);
  await shot(page, '53-board-dragged-vi');

  // Lost: the pipeline requires a reason, so the empty dialog is refused first.
  await page.goto(`${sen.url}/leads/${id}`);
  await page.click('text=Đánh dấu thất bại');
  await page.locator('#dialog #reason').waitFor();
  await page.click('#dialog button.btn-danger');
  await page.locator('.banner-error').waitFor();
  await page.selectOption('#reason', { label: 'Giá cao' });
  await page.fill('#feedback', 'Khách chọn gói rẻ hơn');
  await Promise.all([page.waitForURL(new RegExp(`/leads/${id}$`)), page.click('button.btn-danger[type=submit]')]);
  lead = (await api(page, 'GET', `/api/v1/leads/${id}`)).body;
  assert.equal(lead.outcome, 'lost');
  assert.match(await page.locator('.timeline').innerText(), /Khách chọn gói rẻ hơn|Giá cao/);

  // Another lead is marked unqualified.
  const other = await api(page, 'POST', '/api/v1/leads', { type: 'lead', name: 'Hỏi giá rồi im lặng' });
  assert.equal(other.status, 201);
  await page.goto(`${sen.url}/leads/${other.body.id}`);
  await page.click('.page-header >> text=Không đạt');
  await page.locator('#dialog #reason').waitFor();
  await Promise.all([page.waitForURL(new RegExp(`/leads/${other.body.id}$`)), page.click('#dialog button.btn-danger')]);
  assert.equal((await api(page, 'GET', `/api/v1/leads/${other.body.id}`)).body.outcome, 'unqualified');
  await shot(page, '54-unqualified-vi');
  await context.close();
});
