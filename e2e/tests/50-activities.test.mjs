// Activities (issue #5) in Vietnamese: from a board card's activity dot a salesperson plans
// a call, marks it done with feedback and plans the next step without opening the record
// (seed 004); the activity bar filters a column; "My activities" lists what is due.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiCall, launchBrowser, setUpWorkspace, shot, signIn, startSen } from '../lib/harness.mjs';

let sen;
let browser;
const ADMIN = { name: 'Trần Minh Anh', email: 'anh@sen.vn', password: 'mat-khau-rat-dai-2026' };

before(async () => {
  sen = await startSen();
  browser = await launchBrowser();
  await setUpWorkspace(sen.url, {
    workspace_name: 'Sen Việt', language: 'vi', currency: 'VND', time_zone: 'Asia/Ho_Chi_Minh',
    admin: ADMIN,
  });
});

after(async () => {
  await browser?.close();
  await sen?.stop();
});

const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });

test('a call planned from a board card, done with feedback, and the next step planned', async () => {
  const { context, page } = await signIn(browser, sen.url, ADMIN, 'vi-VN');
  const made = await apiCall(page, sen.url, 'POST', '/api/v1/leads', { name: 'Mike đặt 200 áo thun', type: 'opportunity' });
  assert.equal(made.status, 201);
  const id = made.body.id;
  const other = await apiCall(page, sen.url, 'POST', '/api/v1/leads', { name: 'Khách không có lịch', type: 'opportunity' });
  await page.goto(`${sen.url}/pipeline`);
  const card = page.locator(`#card-${id}`);
  assert.equal(await card.locator('.activity-dot').getAttribute('class'), 'activity-dot');

  // The dot opens the record's activities; schedule a call due today.
  await card.locator('.activity-dot').click();
  await page.locator('#dialog >> text=Lên lịch hoạt động').click();
  await page.locator('#dialog #f-summary').waitFor();
  await page.selectOption('#dialog #f-activity_type_id', { label: 'Gọi điện' });
  await page.fill('#dialog #f-summary', 'Gọi Mike về size áo');
  await page.fill('#dialog #f-due_date', today());
  await Promise.all([page.waitForURL(/\/pipeline/), page.click('#dialog button[type=submit]')]);
  await page.locator(`#card-${id} .activity-dot.dot-today`).waitFor();
  await shot(page, 'activities-board-vi');

  // Done with feedback, and the next step planned in the same dialog.
  await page.locator(`#card-${id} .activity-dot`).click();
  await page.locator('#dialog .activity >> text=Xong').click();
  await page.locator('#dialog #f-feedback').waitFor();
  await page.fill('#dialog #f-feedback', 'Mike chốt 200 áo size M, chờ báo giá');
  await page.fill('#dialog [name="next.summary"]', 'Gửi báo giá 78.000 ₫');
  await page.fill('#dialog [name="next.due_date"]', '2099-01-15');
  await shot(page, 'activities-done-dialog-vi');
  await Promise.all([page.waitForURL(/\/pipeline/), page.click('#dialog >> text=Xong và lên lịch tiếp')]);
  await page.locator(`#card-${id} .activity-dot.dot-planned`).waitFor();

  // The activity bar: one planned record; clicking green shows only it in the column.
  await page.locator('.activity-bar .seg-planned').first().click();
  await page.waitForFunction((other) => !document.getElementById(`card-${other}`), other.body.id);
  assert.equal(await page.locator('.activity-bar .seg-planned').first().getAttribute('aria-pressed'), 'true');
  await page.locator('.activity-bar .seg-planned').first().click();
  await page.locator(`#card-${other.body.id}`).waitFor();

  // The record's history has the feedback; "My activities" has the next step.
  await page.goto(`${sen.url}/leads/${id}`);
  const history = await page.locator('.timeline').innerText();
  assert.match(history, /Mike chốt 200 áo size M/);
  await page.goto(`${sen.url}/activities`);
  assert.match(await page.locator('.group-planned').innerText(), /Gửi báo giá 78\.000 ₫/);
  await shot(page, 'activities-mine-vi');
  await context.close();
});
