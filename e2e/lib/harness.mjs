// Helpers for Sen's browser tests (node:test + playwright-core driving Debian's chromium).
//
// Nothing here downloads anything: playwright-core comes from e2e/node_modules (npm ci) and
// the browser is the system's /usr/bin/chromium (apt package `chromium`); scripts/test
// installs both when missing.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

/** The e2e/ directory, whatever the current directory is. */
export const E2E_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Where `shot()` writes its PNGs (gitignored). */
export const SCREENSHOT_DIR = join(E2E_DIR, 'screenshots');

/** The browser binary: Debian's chromium, overridable for odd machines. */
export const CHROMIUM_PATH = process.env.SEN_CHROMIUM || '/usr/bin/chromium';

/** The `sen` binary: $SEN_BIN, else ../target/debug/sen relative to e2e/. */
export function senBin() {
  return process.env.SEN_BIN || join(E2E_DIR, '../target/debug/sen');
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `sen serve` on a free loopback port with a fresh temp data dir and waits until
 * GET /healthz answers 200 (30 s at most).
 *
 * @param {{ env?: Record<string,string>, args?: string[], timeoutMs?: number, dataDir?: string }} [opts]
 *   `dataDir`: serve an existing data directory (kept afterwards) instead of a fresh one.
 * @returns {Promise<{ url: string, port: number, dataDir: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startSen(opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const keepData = Boolean(opts.dataDir);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sen-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const bin = senBin();

  const child = spawn(
    bin,
    ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...(opts.args ?? [])],
    {
      env: { ...process.env, SEN_LOG: 'warn', ...(opts.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  // Keep the server's output (bounded) to explain a failure.
  let log = '';
  const keep = (chunk) => {
    log += chunk.toString();
    if (log.length > 64_000) log = log.slice(-64_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  let spawnError = null;
  child.on('error', (err) => {
    spawnError = err;
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited && !spawnError) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(t);
    }
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`could not start ${bin}: ${spawnError.message} (build it with \`cargo build -p sen\` or set SEN_BIN)`);
    }
    if (exited) {
      await stop();
      throw new Error(`sen exited early (${JSON.stringify(exited)}):\n${log}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer().catch(() => {});
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sen did not answer 200 on ${url}/healthz within ${timeoutMs} ms:\n${log}`);
    }
    await sleep(100);
  }

  return { url, port, dataDir, output: () => log, stop };
}

/** Launches Debian's headless chromium through playwright-core. Close it with `browser.close()`. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page PNG of `page` as e2e/screenshots/NAME.png and returns its path. */
export async function shot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const safe = String(name).replace(/[^A-Za-z0-9._-]+/g, '_');
  const path = join(SCREENSHOT_DIR, `${safe}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A new browser context signed in as `user` through the sign-in page, landing on the board.
 *
 * @param {import('playwright-core').Browser} browser
 * @param {string} url the server's base URL
 * @param {{ email: string, password: string }} user
 */
export async function signIn(browser, url, user, locale = 'en-US', viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ locale, viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await page.goto(`${url}/login`);
  await page.fill('#f-email', user.email);
  await page.fill('#f-password', user.password);
  await Promise.all([page.waitForURL(/\/pipeline/), page.click('button[type=submit]')]);
  return { context, page };
}

/** A JSON API call with the page's session and CSRF token: `{ status, body }`. */
export async function apiCall(page, url, method, path, body) {
  const csrf = JSON.parse((await page.getAttribute('body', 'hx-headers')) || '{}')['X-CSRF-Token'];
  const res = await page.request.fetch(`${url}${path}`, {
    method,
    headers: { 'X-CSRF-Token': csrf, Origin: url, 'Content-Type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status(), body: text ? JSON.parse(text) : null };
}

/**
 * Sets up a fresh server's workspace through the API (`POST /api/v1/setup`); throws with the
 * server's answer if it is refused.
 */
export async function setUpWorkspace(url, body) {
  const res = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: url },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`setup answered ${res.status}: ${await res.text()}`);
}
