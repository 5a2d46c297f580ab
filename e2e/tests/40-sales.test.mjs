// The sales UI (issue #4) in Chromium against a real `sen`: seed 004's T-shirt order on the
// board in Traditional Chinese, a colleague's move arriving live, Linda Wu's lead converted
// through the dialog, a stage that requires expected revenue, a lost reason the pipeline
// requires, a merge of three duplicates, and a saved favourite.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { apiCall, launchBrowser, setUpWorkspace, shot, signIn, startSen } from '../lib/harness.mjs';

let sen;
let browser;
const ADMIN = { name: '王美玲', email: 'meiling@sen.tw', password: 'mi-ma-hen-chang-2026' };

before(async () => {
  sen = await startSen();
  browser = await launchBrowser();
  await setUpWorkspace(sen.url, {
    workspace_name: '高雄織品', language: 'zh-TW', currency: 'TWD', time_zone: 'Asia/Taipei',
    admin: ADMIN,
  });
});

after(async () => {
  await browser?.close();
  await sen?.stop();
});

const signedIn = (locale = 'zh-TW', viewport) => signIn(browser, sen.url, ADMIN, locale, viewport);
const api = (page, method, path, body) => apiCall(page, sen.url, method, path, body);

async function dealPipeline(page) {
  const list = await api(page, 'GET', '/api/v1/pipelines');
  return list.body.items.find((p) => p.kind === 'deal');
}

const columnSum = (page, stageId) => page.locator(`#head-${stageId} .column-sum`).innerText();

test('seed 004 in zh-TW: 麥克 orders 200 T-shirts, 78,000 expected, moved and won', async () => {
  const { context, page } = await signedIn();
  const seller = await api(page, 'POST', '/api/v1/users', {
    name: '錢金金', email: 'jinjin@sen.tw', password: 'jin-jin-2026-sales', role: 'salesperson',
    language: 'zh-TW', time_zone: 'Asia/Taipei',
  });
  assert.equal(seller.status, 201, JSON.stringify(seller.body));
  assert.equal((await api(page, 'POST', '/api/v1/contacts', { name: '麥克' })).status, 201);
  const pipeline = await dealPipeline(page);
  const [first, second] = pipeline.stages;

  await page.goto(`${sen.url}/pipeline?pipeline=${pipeline.id}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-TW');
  await shot(page, '40-board-empty-zh-TW');
  await page.click(`#head-${first.id} .column-tools .btn-icon >> nth=0`);
  await page.fill(`#quick-${first.id} #f-name`, '運動賽事專案');
  await page.fill(`#q-customer-${first.id}`, '麥克');
  await page.fill(`#q-revenue-${first.id}`, '78000');
  await shot(page, '41-quick-create-zh-TW');
  await page.click(`#quick-${first.id} button[type=submit]`);
  const card = page.locator(`#cards-${first.id} .kcard`, { hasText: '運動賽事專案' });
  await card.waitFor();
  assert.match(await card.innerText(), /NT\$78,000/);
  await page.waitForFunction((id) => document.querySelector(`#head-${id} .column-sum`)?.textContent.includes('NT$78,000'), first.id);
  const id = await card.getAttribute('data-id');

  // Assign it to 錢金金 on the record page.
  await page.goto(`${sen.url}/leads/${id}`);
  await page.selectOption('#f-user_id', String(seller.body.id));
  await Promise.all([page.waitForURL(/saved=1/), page.click('#lead-form button[type=submit]')]);
  await page.goto(`${sen.url}/pipeline?pipeline=${pipeline.id}`);
  assert.equal(await page.getAttribute(`#card-${id} .avatar`, 'title'), '錢金金');

  // Drag it to the next stage with the mouse (the other tests use the card's keyboard control).
  await page.locator(`#card-${id}`).dragTo(page.locator(`#cards-${second.id}`));
  await page.locator(`#cards-${second.id} #card-${id}`).waitFor();
  await page.waitForFunction((s) => document.querySelector(`#head-${s} .column-sum`)?.textContent.includes('NT$78,000'), second.id);
  assert.match(await columnSum(page, first.id), /NT\$0/);
  await shot(page, '42-board-moved-zh-TW');

  // Mark it won.
  await page.goto(`${sen.url}/leads/${id}`);
  await Promise.all([page.waitForURL(new RegExp(`/leads/${id}`)), page.click('text=標記為贏得')]);
  assert.match(await page.locator('h1 .badge').innerText(), /贏得/);
  await shot(page, '43-record-won-zh-TW');
  await context.close();
});

test('a move in one browser appears in another without reloading', async () => {
  const a = await signedIn('en-US');
  const b = await signedIn('en-US');
  const pipeline = await dealPipeline(a.page);
  const [first, second] = pipeline.stages;
  const made = await api(a.page, 'POST', '/api/v1/leads', {
    type: 'opportunity', name: 'Live move', pipeline_id: pipeline.id, stage_id: first.id,
  });
  assert.equal(made.status, 201);
  await b.page.goto(`${sen.url}/pipeline?pipeline=${pipeline.id}`);
  await b.page.locator(`#cards-${first.id} #card-${made.body.id}`).waitFor();
  await a.page.goto(`${sen.url}/pipeline?pipeline=${pipeline.id}`);
  await a.page.selectOption(`#move-${made.body.id}`, String(second.id));
  await b.page.locator(`#cards-${second.id} #card-${made.body.id}`).waitFor({ timeout: 5_000 });
  await a.context.close();
  await b.context.close();
});

test("Linda Wu's lead becomes an opportunity with her as a new customer", async () => {
  const { context, page } = await signedIn('en-US');
  const lead = await api(page, 'POST', '/api/v1/leads', {
    type: 'lead', name: 'Salon opening for Linda Wu', contact_name: 'Linda Wu',
    email: 'linda.wu@hair.example', phone: '0912-345-678',
  });
  assert.equal(lead.status, 201, JSON.stringify(lead.body));
  await page.goto(`${sen.url}/leads/${lead.body.id}`);
  await page.click('text=轉換為商機');
  await page.locator('#dialog .convert-form').waitFor();
  await shot(page, '44-convert-dialog');
  assert.ok(await page.isChecked('input[name=customer_mode][value=create]'));
  await Promise.all([page.waitForURL(new RegExp(`/leads/${lead.body.id}$`)), page.click('#dialog button[type=submit]')]);
  const after = await api(page, 'GET', `/api/v1/leads/${lead.body.id}`);
  assert.equal(after.body.type, 'opportunity');
  assert.ok(after.body.contact_id, 'Linda Wu is now a customer');
  const contact = await api(page, 'GET', `/api/v1/contacts/${after.body.contact_id}`);
  assert.equal(contact.body.name, 'Linda Wu');
  await context.close();
});

test('a stage requiring expected revenue stops the move until it is filled', async () => {
  const { context, page } = await signedIn('en-US');
  const pipeline = await dealPipeline(page);
  const [first, , third] = pipeline.stages;
  const stage = (await api(page, 'GET', `/api/v1/stages/${third.id}`)).body;
  const patched = await api(page, 'PATCH', `/api/v1/stages/${third.id}`, { version: stage.version, required_fields: ['expected_revenue'] });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  const made = await api(page, 'POST', '/api/v1/leads', { type: 'opportunity', name: 'Needs a figure', pipeline_id: pipeline.id, stage_id: first.id });
  await page.goto(`${sen.url}/pipeline?pipeline=${pipeline.id}`);
  await page.selectOption(`#move-${made.body.id}`, String(third.id));
  await page.locator('#dialog #f-expected_revenue').waitFor();
  await shot(page, '45-requirements-dialog');
  await page.fill('#dialog #f-expected_revenue', '5000');
  await page.click('#dialog button[type=submit]');
  await page.locator(`#cards-${third.id} #card-${made.body.id}`, { hasText: 'NT$5,000' }).waitFor();
  await context.close();
});

test('losing without a reason is refused when the pipeline requires one', async () => {
  const { context, page } = await signedIn('en-US');
  const pipeline = await dealPipeline(page);
  const p = await api(page, 'PATCH', `/api/v1/pipelines/${pipeline.id}`, { version: pipeline.version, lost_reason_required: true });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal((await api(page, 'POST', '/api/v1/lost-reasons', { name: 'Too expensive' })).status, 201);
  const made = await api(page, 'POST', '/api/v1/leads', { type: 'opportunity', name: 'Price shopper', pipeline_id: pipeline.id });
  await page.goto(`${sen.url}/leads/${made.body.id}`);
  await page.click('text=標記為失去');
  await page.locator('#dialog #reason').waitFor();
  await page.click('#dialog button[type=submit]');
  await page.locator('.banner-error').waitFor();
  await page.selectOption('#reason', { label: 'Too expensive' });
  await page.fill('#feedback', 'Chose a cheaper supplier');
  await page.click('button.btn-danger[type=submit]');
  await page.waitForURL(new RegExp(`/leads/${made.body.id}$`));
  assert.equal((await api(page, 'GET', `/api/v1/leads/${made.body.id}`)).body.outcome, 'lost');
  await context.close();
});

test('a merge of three duplicates keeps the chosen one', async () => {
  const { context, page } = await signedIn('en-US');
  const ids = [];
  for (const n of ['Dup Alpha', 'Dup Beta', 'Dup Gamma']) {
    const r = await api(page, 'POST', '/api/v1/leads', { type: 'opportunity', name: n, email: 'same@dup.example' });
    ids.push(r.body.id);
  }
  await page.goto(`${sen.url}/opportunities?q=same%40dup.example`);
  for (const id of ids) await page.check(`input[name=ids][value="${id}"]`);
  await page.selectOption('#bulk-action', 'merge');
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForURL(/\/leads\/merge/), page.click('.bulk-bar button[type=submit]')]);
  await page.check(`input[name=keep][value="${ids[1]}"]`);
  await shot(page, '46-merge');
  await Promise.all([page.waitForURL(new RegExp(`/leads/${ids[1]}$`)), page.click('button.btn-primary[type=submit]')]);
  assert.equal((await api(page, 'GET', `/api/v1/leads/${ids[0]}`)).status, 404);
  assert.equal((await api(page, 'GET', `/api/v1/leads/${ids[2]}`)).status, 404);
  await context.close();
});

test('a saved favourite restores filters and grouping, and a shared link opens the same view', async () => {
  const { context, page } = await signedIn('en-US');
  await page.goto(`${sen.url}/opportunities?chip=open&group=stage`);
  await page.click('.favourites summary');
  await page.fill('#fav-name', 'Open by stage');
  await page.check('input[name=is_default]');
  await Promise.all([page.waitForURL(/group=stage/), page.click('.fav-save button[type=submit]')]);
  await page.goto(`${sen.url}/opportunities`);
  assert.match(page.url(), /chip=open/);
  assert.match(page.url(), /group=stage/);
  assert.ok(await page.locator('.group-row').count() > 0, 'grouped by stage');
  const link = page.url();
  const other = await signedIn('en-US');
  await other.page.goto(link);
  assert.equal(await other.page.locator('.chip.active').count(), 1);
  await shot(other.page, '47-list-grouped');
  await other.context.close();
  await context.close();
});

test('every sales screen at desktop width in each language', async () => {
  for (const lang of ['vi', 'zh-TW', 'en']) {
    const { context, page } = await signedIn(lang);
    await api(page, 'PATCH', '/api/v1/me', { language: lang });
    for (const [name, path] of [['board', '/pipeline'], ['list', '/opportunities?group=stage'], ['record', '/leads/1'],
      ['new', '/leads/new?type=lead'], ['settings', '/settings/pipelines/1'], ['teams', '/settings/teams'], ['reasons', '/settings/lost-reasons']]) {
      await page.goto(`${sen.url}${path}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name} in ${lang} overflows by ${overflow}px`);
      await shot(page, `49-desktop-${name}-${lang}`);
    }
    await context.close();
  }
});

test('every sales screen at phone width in each language', async () => {
  for (const lang of ['vi', 'zh-TW', 'en']) {
    const { context, page } = await signedIn(lang, { width: 390, height: 844 });
    await api(page, 'PATCH', '/api/v1/me', { language: lang });
    for (const [name, path] of [['board', '/pipeline'], ['list', '/opportunities?group=stage'], ['leads', '/leads'], ['record', '/leads/1'],
      ['new', '/leads/new?type=opportunity'], ['settings', '/settings/pipelines/1'], ['teams', '/settings/teams'], ['tags', '/settings/tags'], ['users', '/users']]) {
      await page.goto(`${sen.url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const culprits = overflow > 1 ? await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((el) => !el.parentElement.closest('.chips, .table-wrap, .cards'))
        .map((el) => `${el.tagName}.${el.className}`).slice(0, 5).join(', ')) : '';
      assert.ok(overflow <= 1, `${name} in ${lang} overflows by ${overflow}px: ${culprits}`);
      await shot(page, `48-phone-${name}-${lang}`);
    }
    await context.close();
  }
});
