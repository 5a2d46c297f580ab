#!/usr/bin/env node
// The board as a person sees it (issue #4's performance check), measured in Chromium against
// a real release `sen` holding the standard workload (`sen demo --opportunities N`):
//   - first paint: navigation to the board until it is usable (first contentful paint and
//     DOMContentLoaded, when board.js has wired dragging), over --runs page loads;
//   - move settled: a card moved to the next column until the server has confirmed it and
//     re-rendered the card (`move_card_settled`) and the columns' counts and sums
//     (`move_settled`, both done) — board.js's `sen:move-settled` event.
// Prints medians and p95 and writes JSON with --out. Timings are for notes, never for tests.
//
//   cargo build --release
//   node bench/board-ui.mjs --records 100000 [--runs 20] [--database-url postgres://…] [--out FILE]
//
// Needs e2e/node_modules (`cd e2e && npm ci`) and /usr/bin/chromium, like the browser tests.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { launchBrowser, signIn, startSen } from '../e2e/lib/harness.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
  },
});
const records = Number(opt.records);
const runs = Number(opt.runs);
const bin = process.env.SEN_BIN || join(ROOT, 'target/release/sen');
process.env.SEN_BIN = bin;
const dataDir = opt['data-dir'] || join(ROOT, 'target', `bench-board-${records}`);
const env = opt['database-url'] ? { SEN_DATABASE_URL: opt['database-url'] } : {};

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const summary = (xs) => ({ p50_ms: +quantile(xs, 0.5).toFixed(1), p95_ms: +quantile(xs, 0.95).toFixed(1), runs: xs.length });

// The data, generated once per directory (or database) and reused.
const marker = join(dataDir, opt['database-url'] ? 'generated-postgres' : 'generated');
if (!existsSync(marker)) {
  mkdirSync(dataDir, { recursive: true });
  console.log(`generating ${records} opportunities…`);
  const out = execFileSync(bin, ['demo', '--data-dir', dataDir, '--opportunities', String(records)], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  process.stdout.write(out);
  writeFileSync(marker, out);
}

const sen = await startSen({ dataDir, env, timeoutMs: 120_000 });
const browser = await launchBrowser();
try {
  const { context, page } = await signIn(browser, sen.url, { email: 'admin@demo.sen', password: 'sen-demo-2026' });
  const pipelines = await (await page.request.get(`${sen.url}/api/v1/pipelines`)).json();
  const pipeline = pipelines.items.find((p) => p.kind === 'deal');
  const boardUrl = `${sen.url}/pipeline?pipeline=${pipeline.id}`;

  // First paint, after two warm-up loads.
  const paint = [];
  const ready = [];
  const serverMs = [];
  for (let i = 0; i < runs + 2; i += 1) {
    await page.goto(boardUrl, { waitUntil: 'load' });
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { fcp: fcp ? fcp.startTime : nav.domContentLoadedEventEnd, dcl: nav.domContentLoadedEventEnd, ttfb: nav.responseStart };
    });
    if (i < 2) continue;
    paint.push(t.fcp);
    ready.push(Math.max(t.fcp, t.dcl));
    serverMs.push(t.ttfb);
  }

  // Moves: the first card of the first column to the second and back, alternately.
  const [first, second] = pipeline.stages;
  const moves = [];
  const cardMoves = [];
  for (let i = 0; i < runs + 2; i += 1) {
    const [from, to] = i % 2 === 0 ? [first, second] : [second, first];
    const id = await page.locator(`#cards-${from.id} .kcard`).first().getAttribute('data-id');
    const settled = page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('sen:move-settled', (e) => resolve(e.detail), { once: true });
    }));
    await page.selectOption(`#move-${id}`, String(to.id));
    const detail = await settled;
    if (i >= 2) {
      moves.push(detail.ms);
      cardMoves.push(detail.cardMs);
    }
  }
  await context.close();

  const result = {
    records,
    database: opt['database-url'] ? 'postgres' : 'sqlite',
    board_first_paint: summary(paint),
    board_usable: summary(ready),
    board_server_response: summary(serverMs),
    move_card_settled: summary(cardMoves),
    move_settled: summary(moves),
    targets: { board_usable_ms: 1000, move_settled_ms: 150 },
  };
  console.log(`board at ${records} records (${result.database}), ${runs} runs each:`);
  console.log('  measure                 p50 ms   p95 ms');
  for (const k of ['board_server_response', 'board_first_paint', 'board_usable', 'move_card_settled', 'move_settled']) {
    console.log(`  ${k.padEnd(22)} ${String(result[k].p50_ms).padStart(7)}  ${String(result[k].p95_ms).padStart(7)}`);
  }
  if (opt.out) writeFileSync(opt.out, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await browser.close();
  await sen.stop();
}
