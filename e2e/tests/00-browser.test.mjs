// Smoke test of the browser tooling alone (no sen server): chromium starts through
// playwright-core, renders CJK and Vietnamese text, and a screenshot can be taken.

import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { launchBrowser, shot } from '../lib/harness.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('chromium renders a CJK + Vietnamese page and takes a screenshot', async () => {
  const page = await browser.newPage();
  const html = '<meta charset="utf-8"><h1>客戶關係 Nguyễn</h1>';
  await page.goto('data:text/html;charset=utf-8,' + encodeURIComponent(html));
  assert.equal(await page.locator('h1').textContent(), '客戶關係 Nguyễn');
  const path = await shot(page, '00-browser');
  assert.ok(existsSync(path) && statSync(path).size > 0, `screenshot written to ${path}`);
  await page.close();
});
