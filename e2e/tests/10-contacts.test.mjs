// The first user flow end to end in Chromium against a real `sen`: setup in Vietnamese →
// sign in → create a contact → find it by typing without accents → edit it → see a conflict
// when it was changed elsewhere → switch to Traditional Chinese. Screenshots of each screen
// land in e2e/screenshots/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, shot, startSen } from '../lib/harness.mjs';

let sen;
let browser;

before(async () => {
  sen = await startSen();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sen?.stop();
});

const ADMIN = { name: 'Phạm Thu Chi', email: 'chi@sen.vn', password: 'mat-khau-dai-2026' };

test('a Vietnamese admin sets up, signs in and works with a contact', async () => {
  const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();

  // First visit offers the setup, in the browser's language.
  await page.goto(sen.url);
  assert.match(page.url(), /\/setup$/);
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.fill('#f-workspace_name', 'Công ty TNHH Sen Việt');
  await page.fill('#f-name', ADMIN.name);
  await page.fill('#f-email', ADMIN.email);
  await page.fill('#f-password', ADMIN.password);
  await shot(page, '01-setup-vi');
  await Promise.all([page.waitForURL(/\/pipeline$/), page.click('button[type=submit]')]);
  await page.goto(`${sen.url}/contacts`);
  await shot(page, '02-contacts-empty');

  // Sign out from the user menu, then sign in again.
  await page.click('.user-menu summary');
  await Promise.all([page.waitForURL(/\/login/), page.click('.user-menu button[type=submit]')]);
  await page.fill('#f-email', 'wrong@sen.vn');
  await page.fill('#f-password', 'nope-nope-nope');
  await page.click('button[type=submit]');
  assert.ok(await page.isVisible('.banner-error'), 'a wrong password is explained');
  await page.fill('#f-email', ADMIN.email);
  await page.fill('#f-password', ADMIN.password);
  await shot(page, '03-login');
  await Promise.all([page.waitForURL(/\/pipeline$/), page.click('button[type=submit]')]);
  await page.goto(`${sen.url}/contacts`);

  // Create a contact.
  await Promise.all([page.waitForURL(/\/contacts\/new$/), page.click('a[href="/contacts/new"] >> nth=0')]);
  await page.fill('#f-name', 'Nguyễn Văn An');
  await page.fill('#f-email', 'an.nguyen@senviet.vn');
  await page.fill('#f-phone', '+84 912 345 678');
  await page.fill('#f-city', 'Hà Nội');
  await page.fill('#f-new_tags', 'VIP, Khách sỉ');
  await Promise.all([page.waitForURL(/\/contacts\/\d+\?created=1$/), page.click('#contact-form button[type=submit]')]);
  const contactUrl = page.url().replace(/\?.*$/, '');
  assert.ok(await page.isVisible('.banner-info'));
  assert.equal(await page.locator('.tag-option input:checked').count(), 2, 'the new tags were created and set');
  await shot(page, '04-contact-created');

  // Find it by typing without accents: the list narrows as you type (htmx).
  await page.goto(`${sen.url}/contacts`);
  await page.evaluate(async () => {
    // A second contact that must not match.
    const csrf = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];
    await fetch('/api/v1/contacts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'Trần Thị Bích Ngọc', is_company: false }),
    });
  });
  await page.reload();
  assert.equal(await page.locator('#rows tr').count(), 2);
  await page.locator('#q').pressSequentially('nguyen van an', { delay: 30 });
  await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 1);
  assert.match(await page.locator('#rows').innerText(), /Nguyễn Văn An/);
  assert.match(page.url(), /q=nguyen/, 'the search is in the address, so it can be shared and reloaded');
  await shot(page, '05-search-without-accents');

  // Edit it.
  await Promise.all([page.waitForURL(/\/contacts\/\d+$/), page.click('#rows a.row-link')]);
  await page.fill('#f-job_position', 'Giám đốc kinh doanh');
  await Promise.all([page.waitForURL(/saved=1$/), page.click('#contact-form button[type=submit]')]);
  assert.equal(await page.inputValue('#f-job_position'), 'Giám đốc kinh doanh');
  await shot(page, '06-contact-edited');

  // A colleague changes it meanwhile (another tab); this tab's edit then shows the conflict.
  await page.goto(contactUrl);
  const other = await context.newPage();
  await other.goto(contactUrl);
  await other.fill('#f-city', 'Đà Nẵng');
  await Promise.all([other.waitForURL(/saved=1$/), other.click('#contact-form button[type=submit]')]);
  await other.close();
  await page.fill('#f-city', 'Huế');
  await page.click('#contact-form button[type=submit]');
  await page.waitForSelector('#conflict');
  const conflict = await page.locator('#conflict').innerText();
  assert.match(conflict, /Đà Nẵng/);
  assert.match(conflict, /Huế/);
  assert.equal(await page.inputValue('#f-city'), 'Huế', 'what the user typed is not lost');
  await shot(page, '07-conflict');
  await Promise.all([page.waitForURL(/saved=1$/), page.click('#contact-form button[type=submit]')]);
  assert.equal(await page.inputValue('#f-city'), 'Huế', 'the edit was reapplied on top');

  // Archive hides it from the list; restore brings it back.
  await Promise.all([page.waitForURL(/archived=1$/), page.click('form[action$="/archive"] button')]);
  assert.ok(await page.isVisible('h1 .badge-muted'));
  await page.goto(`${sen.url}/contacts?q=nguyen`);
  assert.equal(await page.locator('#rows tr').count(), 0);
  await page.goto(`${sen.url}/contacts?chip=archived`);
  assert.match(await page.locator('#rows').innerText(), /Nguyễn Văn An/);
  await page.goto(contactUrl);
  await Promise.all([page.waitForURL(/restored=1$/), page.click('form[action$="/restore"] button')]);

  // Delete asks once, naming the record.
  const scratch = await context.newPage();
  await scratch.goto(`${sen.url}/contacts/new`);
  // The duplicate warning appears while typing, before anything is saved.
  await scratch.fill('#f-name', 'nguyen van an');
  await scratch.press('#f-name', 'Tab');
  await scratch.waitForSelector('#duplicates');
  assert.match(await scratch.locator('#duplicates').innerText(), /Nguyễn Văn An/);
  await shot(scratch, '07b-duplicate-warning');
  await scratch.fill('#f-name', 'Khách thử nghiệm');
  await scratch.press('#f-name', 'Tab');
  await scratch.waitForSelector('#duplicates', { state: 'detached' });
  await Promise.all([scratch.waitForURL(/created=1$/), scratch.click('#contact-form button[type=submit]')]);
  let asked = '';
  scratch.once('dialog', (d) => {
    asked = d.message();
    d.accept();
  });
  await Promise.all([scratch.waitForURL(/\/contacts\?chip=all$/), scratch.click('form[action$="/delete"] button')]);
  assert.match(asked, /Khách thử nghiệm/);
  await scratch.close();

  // Switch the interface to Traditional Chinese from the top bar; it is kept for this user.
  await Promise.all([page.waitForLoadState('load'), page.selectOption('#lang-select', 'zh-TW')]);
  await page.waitForFunction(() => document.documentElement.lang === 'zh-TW');
  await page.goto(`${sen.url}/contacts`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-TW');
  assert.match(await page.locator('h1').innerText(), /聯絡人/);
  await shot(page, '08-contacts-zh-TW');

  // The other screens of this stage: users (admins) and one's profile with API tokens.
  await page.goto(`${sen.url}/users`);
  await page.fill('#f-name', '林怡君');
  await page.fill('#f-email', 'yijun@sen.tw');
  await page.fill('#f-password', 'password-2026');
  await Promise.all([page.waitForURL(/\/users$/), page.click('form.card button[type=submit]')]);
  assert.match(await page.locator('table').innerText(), /林怡君/);
  await shot(page, '08b-users-zh-TW');
  await page.goto(`${sen.url}/profile`);
  await page.fill('#token-name', 'Zalo sync');
  await page.click('.inline-form button[type=submit]');
  await page.waitForSelector('#new-token');
  assert.match(await page.locator('#new-token').innerText(), /^sen_/);
  await shot(page, '08c-profile-token');

  // Phone width: one column, navigation behind the menu button.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(contactUrl);
  assert.ok(await page.isVisible('.menu-button'));
  assert.ok(!(await page.isVisible('.sidebar')), 'the navigation hides behind the menu button');
  await shot(page, '09-contact-phone');
  await page.click('.menu-button');
  assert.ok(await page.isVisible('.sidebar'));
  await shot(page, '09b-phone-menu');
  await page.click('.nav-backdrop', { position: { x: 360, y: 400 } });
  assert.ok(!(await page.isVisible('.sidebar')), 'tapping outside closes the menu');
  await context.close();
});

test('search works with JavaScript off, as a plain form', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${sen.url}/login`);
  await page.fill('#f-email', ADMIN.email);
  await page.fill('#f-password', ADMIN.password);
  await Promise.all([page.waitForURL(/\/pipeline$/), page.click('button[type=submit]')]);
  await page.goto(`${sen.url}/contacts`);
  await page.fill('#q', 'ngoc');
  await Promise.all([page.waitForURL(/q=ngoc/), page.press('#q', 'Enter')]);
  assert.match(await page.locator('#rows').innerText(), /Trần Thị Bích Ngọc/);
  assert.doesNotMatch(await page.locator('#rows').innerText(), /Nguyễn Văn An/);
  await shot(page, '10-search-no-js');
  await context.close();
});
