// The `sen` binary as an operator uses it: `sen user create --admin` on a new data dir,
// `sen migrate`, `sen demo`, serving, and a graceful stop (SIGTERM) that loses no answered
// write.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { freePort, senBin } from '../lib/harness.mjs';

let dataDir;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sen-cli-'));
});

after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function sen(args, env = {}) {
  const r = spawnSync(senBin(), [...args, '--data-dir', dataDir], {
    env: { ...process.env, SEN_LOG: 'warn', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function serve() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(senBin(), ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
    env: { ...process.env, SEN_LOG: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, exited };
}

async function login(url, email, password) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  const cookie = res.headers.get('set-cookie').split(';')[0];
  return { cookie, csrf: body.csrf_token, user: body.user };
}

test('sen user create --admin sets up a new workspace from the command line', () => {
  const r = sen(
    ['user', 'create', '--admin', '--name', 'Lâm Quốc Bảo', '--email', 'bao@sen.vn', '--workspace', 'Sen HCM'],
    { SEN_USER_PASSWORD: 'mat-khau-cli-2026' },
  );
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /bao@sen\.vn/);
  const again = sen(['user', 'create', '--admin', '--name', 'X', '--email', 'bad-email'], { SEN_USER_PASSWORD: 'password-123' });
  assert.notEqual(again.code, 0, 'a bad e-mail is refused with a message');
  assert.match(again.out, /email/);
  assert.equal(sen(['migrate']).code, 0);
  const demo = sen(['demo']);
  assert.equal(demo.code, 0, demo.out);
  assert.match(demo.out, /contacts added/);
});

test('a graceful stop keeps every answered write, and the data is there after a restart', async () => {
  let server = await serve();
  const s = await login(server.url, 'bao@sen.vn', 'mat-khau-cli-2026');
  assert.equal(s.user.role, 'admin');
  const ids = [];
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${server.url}/api/v1/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
      body: JSON.stringify({ name: `Khách hàng số ${i}`, phone: `0912 000 ${String(i).padStart(3, '0')}` }),
    });
    assert.equal(res.status, 201);
    ids.push((await res.json()).id);
  }
  server.child.kill('SIGTERM');
  const exit = await server.exited;
  assert.equal(exit.code, 0, 'sen exits cleanly on SIGTERM');

  server = await serve();
  const again = await login(server.url, 'bao@sen.vn', 'mat-khau-cli-2026');
  const res = await fetch(`${server.url}/api/v1/contacts?q=khach%20hang%20so&limit=500`, { headers: { cookie: again.cookie } });
  const list = await res.json();
  assert.equal(list.total, 20);
  assert.deepEqual(list.items.map((c) => c.id).sort((a, b) => a - b), ids.sort((a, b) => a - b));
  // The demo data is searchable too (Chinese by any part).
  const zh = await (await fetch(`${server.url}/api/v1/contacts?q=${encodeURIComponent('關係')}`, { headers: { cookie: again.cookie } })).json();
  assert.equal(zh.items[0].name, '客戶關係管理有限公司');
  server.child.kill('SIGINT');
  assert.equal((await server.exited).code, 0, 'and on SIGINT');
});
