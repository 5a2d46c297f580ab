// Meetings (issue #5), in Traditional Chinese (seed 004 "安排會議"): from an opportunity a
// salesperson schedules a meeting with an e-mail reminder; it is on the opportunity's
// timeline and on the calendar, where dragging it to another day reschedules it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiCall, launchBrowser, setUpWorkspace, shot, signIn, startSen } from '../lib/harness.mjs';

let sen;
let browser;
const ADMIN = { name: '王小明', email: 'ming@sen.tw', password: 'mi-ma-hen-chang-2026' };

before(async () => {
  sen = await startSen();
  browser = await launchBrowser();
  await setUpWorkspace(sen.url, {
    workspace_name: '蓮花貿易', language: 'zh-TW', currency: 'TWD', time_zone: 'Asia/Taipei',
    admin: ADMIN,
  });
});

after(async () => {
  await browser?.close();
  await sen?.stop();
});

/** Monday of next week, as YYYY-MM-DD in Taipei. */
function nextMonday() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const day = now.getUTCDay();
  const add = ((8 - day) % 7) || 7;
  return new Date(now.getTime() + add * 86400 * 1000).toISOString().slice(0, 10);
}

test('a meeting scheduled from an opportunity with a reminder, then moved on the calendar', async () => {
  const { context, page } = await signIn(browser, sen.url, ADMIN, 'zh-TW');
  const deal = await apiCall(page, sen.url, 'POST', '/api/v1/leads',
    { name: 'Linda Wu 團體制服 200 件', type: 'opportunity' });
  assert.equal(deal.status, 201);
  const id = deal.body.id;
  const day = nextMonday();

  await page.goto(`${sen.url}/leads/${id}`);
  await page.click('#schedule-meeting');
  await page.locator('#dialog #f-name').waitFor();
  assert.equal(await page.inputValue('#dialog #f-name'), '與 Linda Wu 團體制服 200 件 開會');
  await page.fill('#dialog #f-start', `${day}T10:00`);
  await page.fill('#dialog #f-stop', `${day}T11:00`);
  await page.fill('#dialog #f-location', '台北市信義區');
  await page.selectOption('#dialog #f-alarm', '30');
  await page.selectOption('#dialog #f-alarm_channel', 'email');
  await shot(page, 'meeting-dialog-zh-TW');
  await Promise.all([page.waitForURL(new RegExp(`/leads/${id}$`)), page.click('#dialog button[type=submit]')]);
  await page.locator('.tl-meeting', { hasText: '安排會議：與 Linda Wu' }).waitFor();
  await shot(page, 'meeting-on-timeline-zh-TW');

  const list = await apiCall(page, sen.url, 'GET', `/api/v1/meetings?from=${day}&to=${day}T23:59`);
  assert.equal(list.body.items.length, 1);
  const occ = list.body.items[0];
  assert.equal(occ.start, `${day}T02:00:00Z`, '10:00 in Taipei');
  const meeting = await apiCall(page, sen.url, 'GET', `/api/v1/meetings/${occ.meeting_id}`);
  assert.deepEqual(meeting.body.alarms, [{ minutes_before: 30, channel: 'email' }]);
  assert.equal(meeting.body.record_id, id);

  // On the calendar (week of that Monday), drag it to Tuesday.
  await page.goto(`${sen.url}/calendar`);
  await page.locator('.fc').waitFor();
  await page.click('.fc-next-button');
  const event = page.locator('.fc-timegrid-event', { hasText: 'Linda Wu' });
  await event.waitFor();
  await shot(page, 'calendar-week-zh-TW');
  const box = await event.boundingBox();
  const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86400 * 1000).toISOString().slice(0, 10);
  const tuesday = page.locator(`.fc-timegrid-col[data-date="${nextDay}"]`);
  const col = await tuesday.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + 8);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 20, box.y + 10, { steps: 5 });
  await page.mouse.move(col.x + col.width / 2, box.y + 8, { steps: 10 });
  await page.mouse.up();
  let moved;
  for (let i = 0; i < 20; i++) {
    moved = await apiCall(page, sen.url, 'GET', `/api/v1/meetings/${occ.meeting_id}`);
    if (moved.body.start !== occ.start) break;
    await page.waitForTimeout(250);
  }
  const expected = new Date(Date.parse(occ.start) + 86400 * 1000).toISOString().replace('.000', '');
  assert.equal(moved.body.start, expected, 'one day later, same time');

  // Its .ics download is a calendar file.
  const ics = await page.request.get(`${sen.url}/api/v1/meetings/${occ.meeting_id}/ics`);
  assert.match(await ics.text(), /BEGIN:VEVENT[\s\S]*LOCATION:台北市信義區/);
  await context.close();
});
