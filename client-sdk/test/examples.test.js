// The README's examples run against a real Pulse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, PASSWORD, flipRoles, newClient, team, waitFor } from './helpers.js';

/** Runs `node examples/<file> ...args`; resolves with its output and exit code. */
function run(file, args, env, onStderr = (_text) => {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join('examples', file), ...args], { env: { ...process.env, PULSE_URL: BASE, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => { stderr += d; onStderr(stderr); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('examples/members.js and examples/token.js', async () => {
  const { owner, signup } = await team();
  const login = { PULSE_EMAIL: signup.user.email, PULSE_PASSWORD: PASSWORD };
  const members = await run('members.js', [], login);
  assert.equal(members.code, 0, members.stderr);
  assert.match(members.stdout, new RegExp(`owner +active +owner person <${signup.user.email}>`));
  assert.match(members.stdout, /rep +active +Rep </);

  const { token } = await owner.tokens.create({ name: 'example', scopes: ['events:subscribe'] });
  const bot = await run('token.js', [], { PULSE_TOKEN: token });
  assert.equal(bot.code, 0, bot.stderr);
  assert.match(bot.stdout, /stream ticket valid until/);
  assert.match(bot.stdout, /members: 403 forbidden/);
});

test('examples/live.js resumes from its saved position', async () => {
  const { owner, repId, signup } = await team();
  const env = { PULSE_EMAIL: signup.user.email, PULSE_PASSWORD: PASSWORD };
  const file = join(mkdtempSync(join(tmpdir(), 'pulse-sdk-')), 'position.json');
  // First run: two events, then it stops.
  let listening = false;
  const first = run('live.js', [file, '2'], env, (err) => { listening ||= err.includes('listening'); });
  await waitFor(() => listening, 10000, 'the example to listen');
  await flipRoles(owner, repId, 2);
  const one = await first;
  assert.equal(one.code, 0, one.stderr);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  // While it is stopped: two more changes. The second run replays them.
  await flipRoles(owner, repId, 2, 2);
  const two = await run('live.js', [file, '2'], env);
  assert.equal(two.code, 0, two.stderr);
  const seqs = two.stdout.trim().split('\n').map((l) => Number(l.split(' ')[0]));
  assert.deepEqual(seqs, [saved.seq + 1, saved.seq + 2]);
});

test('examples/leads.js: a token turns a lead into a contact with a deal', async () => {
  const { owner } = await team();
  const { token } = await owner.tokens.create({ name: 'website', scopes: ['leads:read', 'leads:write', 'contacts:read'] });
  const first = await run('leads.js', ['ada@leads.example'], { PULSE_TOKEN: token });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^lead Ada Lovelace: score \d+ \((hot|warm|cold)\), new$/m);
  assert.match(first.stdout, /^contact Ada Lovelace at Analytical Engines: 1 open deal\(s\)$/m);
  assert.match(first.stdout, /^ {2}deal "Engines for Ada" \(open, 0 USD\)$/m);
  assert.match(first.stdout, /^search: contact Ada Lovelace, lead Ada Lovelace$/m);
  // Run again: the same lead (external_id) and conversion, nothing new.
  const again = await run('leads.js', ['ada@leads.example'], { PULSE_TOKEN: token });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /, converted$/m);
  assert.equal((await owner.leads.list()).total, 1);
  assert.equal((await owner.contacts.list()).total, 1);
  // Without the scopes, a typed error.
  const { token: weak } = await owner.tokens.create({ name: 'weak', scopes: ['deals:read'] });
  const refused = await run('leads.js', [], { PULSE_TOKEN: weak });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^403 insufficient_scope: /);
});

test('examples/export.js streams a CSV export to a file', async () => {
  const { owner, signup } = await team();
  await owner.contacts.create({ first_name: 'Tagged', email: 'tagged@example.com', tags: ['newsletter'] });
  await owner.contacts.create({ first_name: 'Other' });
  const file = join(mkdtempSync(join(tmpdir(), 'pulse-sdk-')), 'contacts.csv');
  const out = await run('export.js', [file, 'newsletter'], { PULSE_EMAIL: signup.user.email, PULSE_PASSWORD: PASSWORD });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /attachment; filename="contacts-/);
  const bytes = readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the file keeps its byte order mark');
  const lines = bytes.toString('utf8').trim().split('\r\n');
  assert.equal(lines.length, 2, lines.join(' | '));
  assert.match(lines[1], /tagged@example\.com/);
});
