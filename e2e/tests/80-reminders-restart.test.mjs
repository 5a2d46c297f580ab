// Reminders over real SMTP across a restart (issue #5): meeting reminders fall due at once,
// `sen` is stopped (SIGTERM) while its queue is working and started again on the same data;
// every reminder reaches the SMTP server exactly once, with a readable Vietnamese subject.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

import { freePort, setUpWorkspace, startSen } from '../lib/harness.mjs';

const ADMIN = { name: 'Trần Minh Anh', email: 'anh@sen.vn', password: 'mat-khau-rat-dai-2026' };
const received = [];
let smtp;
let smtpPort;
let dataDir;

before(async () => {
  smtpPort = await freePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream).then((mail) => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject });
        done();
      }, done);
    },
  });
  await new Promise((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  dataDir = mkdtempSync(join(tmpdir(), 'sen-reminders-'));
});

after(async () => {
  await new Promise((resolve) => smtp.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

async function session(url) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: url },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await res.json();
  return (method, path, body) => fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Origin: url, Cookie: cookie, 'X-CSRF-Token': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const env = () => ({ SEN_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SEN_MAIL_FROM: 'Sen CRM <crm@sen.vn>' });

test('a server stopped mid-queue and started again sends every reminder once', async () => {
  let sen = await startSen({ dataDir, env: env() });
  await setUpWorkspace(sen.url, {
    workspace_name: 'Sen Việt', language: 'vi', currency: 'VND', time_zone: 'Asia/Ho_Chi_Minh', admin: ADMIN,
  });
  const api = await session(sen.url);
  const meetings = 12;
  for (let i = 0; i < meetings; i++) {
    // Starts in two minutes; the reminder two minutes before is due now.
    const start = new Date(Date.now() + 120_000).toISOString();
    const res = await api('POST', '/api/v1/meetings', {
      name: `Gặp khách số ${i + 1}`, start, location: 'Quận 7',
      alarms: [{ minutes_before: 2, channel: 'email' }],
    });
    assert.equal(res.status, 201, await res.text());
  }
  // Stop while the queue works, then start again on the same data.
  await sen.stop();
  const before = received.length;
  sen = await startSen({ dataDir, env: env() });
  try {
    const deadline = Date.now() + 30_000;
    while (received.length < meetings && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    // Give a duplicate the chance to show up.
    await new Promise((r) => setTimeout(r, 1_500));
    const subjects = received.map((m) => m.subject).sort();
    assert.equal(received.length, meetings, `each reminder once (${before} before the restart): ${subjects.join(' | ')}`);
    assert.equal(new Set(subjects).size, meetings);
    for (const m of received) {
      assert.deepEqual(m.to, [ADMIN.email]);
      assert.match(m.subject, /^Nhắc lịch: Gặp khách số \d+ lúc \d\d\/\d\d\/\d{4} \d\d:\d\d$/);
    }
    const api2 = await session(sen.url);
    const sent = await (await api2('GET', '/api/v1/mails?state=sent')).json();
    assert.equal(sent.items.length, meetings);
  } finally {
    await sen.stop();
  }
});
