// REST against a real Pulse: cookies and CSRF, tokens, typed errors,
// idempotent creates, ETags, every resource of today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PulseClient, PulseError, collection } from '../src/index.js';
import { BASE, PASSWORD, email, newClient, signedUp, team } from './helpers.js';

test('sign-up keeps the session cookie and CSRF token; login, me, logout', async () => {
  const address = email('cookie');
  const client = newClient();
  const signup = await client.auth.signup({ email: address, password: PASSWORD, name: 'Cookie Person', workspace_name: 'Cookie Co' });
  assert.equal(signup.user.email, address);
  assert.ok(client.transport.cookies.has('pulse_session'), 'session cookie kept in the jar');
  assert.equal(client.csrfToken, signup.csrf_token);

  const me = await client.me.get();
  assert.equal(me.user.email, address);
  assert.equal(me.active_workspace.id, signup.workspace.id);
  assert.equal(me.active_workspace.role, 'owner');

  // An unsafe request goes through: the SDK sends X-CSRF-Token.
  const ws = await client.workspace.update({ name: 'Cookie Co renamed' });
  assert.equal(ws.name, 'Cookie Co renamed');

  // Without the CSRF token, the same session is refused with a typed error.
  const saved = client.transport.csrfToken;
  client.transport.csrfToken = null;
  client.transport.autoCsrf = false;
  await assert.rejects(client.workspace.update({ name: 'nope' }), (e) => {
    assert.ok(e instanceof PulseError);
    assert.equal(e.status, 403);
    assert.equal(e.code, 'csrf_failed');
    return true;
  });
  // By default the SDK fetches it from /me when it does not know it (a
  // page reload), and once more when the server says it is stale.
  client.transport.autoCsrf = true;
  assert.equal((await client.workspace.update({ name: 'after reload' })).name, 'after reload');
  assert.equal(client.csrfToken, saved);
  client.transport.csrfToken = 'stale';
  assert.equal((await client.workspace.update({ name: 'after stale' })).name, 'after stale');
  assert.equal(client.csrfToken, saved);

  await client.auth.logout();
  assert.equal(client.transport.cookies.size, 0);
  assert.equal(client.csrfToken, null);
  await assert.rejects(client.me.get(), { status: 401, code: 'unauthenticated' });

  // Login again: a new session and CSRF token.
  const again = newClient();
  const login = await again.auth.login({ email: address, password: PASSWORD });
  assert.equal(login.user.email, address);
  assert.equal(again.csrfToken, login.csrf_token);
  assert.equal((await again.me.get()).user.email, address);
  await assert.rejects(again.auth.login({ email: address, password: 'wrong password!' }), { status: 401, code: 'invalid_credentials' });
});

test('typed errors: 422 with field errors, 404, 401, request ids', async () => {
  const client = newClient();
  const err = await client.auth.signup({ email: 'not-an-email', password: 'short', name: 'X', workspace_name: 'Y' }).catch((e) => e);
  assert.ok(err instanceof PulseError);
  assert.equal(err.status, 422);
  assert.equal(err.code, 'validation_failed');
  assert.ok(err.fields.length >= 1, 'field errors');
  assert.ok(err.fieldError('email') || err.fieldError('password'), JSON.stringify(err.fields));
  assert.match(err.type, /^https:\/\/pulse\.dev\/problems\//);
  assert.ok(err.requestId, 'request id');
  assert.ok(err.detail);

  const { client: owner } = await signedUp();
  const notFound = await owner.members.get('00000000-0000-7000-8000-000000000000').catch((e) => e);
  assert.equal(notFound.status, 404);
  assert.equal(notFound.code, 'not_found');

  const anonymous = newClient();
  const unauth = await anonymous.members.list().catch((e) => e);
  assert.equal(unauth.status, 401);
  assert.equal(unauth.code, 'unauthenticated');
  assert.equal(unauth.retryable, false);
});

test('workspaces, workspace settings with ETag / If-Match', async () => {
  const { client, signup } = await signedUp();
  const list = await client.workspaces.list();
  assert.deepEqual(list.map((w) => w.id), [signup.workspace.id]);
  assert.equal((await client.workspaces.active()).id, signup.workspace.id);
  assert.equal((await client.workspaces.switch(signup.workspace.id)).active_workspace.id, signup.workspace.id);

  const ws = await client.workspace.get();
  const raw = await client.request('GET', '/api/v1/workspace', { raw: true });
  assert.equal(raw.etag, `"${ws.version}"`);
  const updated = await client.workspace.update({ currency: 'EUR' }, { ifMatch: ws.version });
  assert.equal(updated.currency, 'EUR');
  assert.equal(updated.version, ws.version + 1);
  // The old version no longer matches.
  await assert.rejects(client.workspace.update({ currency: 'USD' }, { ifMatch: ws.version }), { status: 412, code: 'version_mismatch' });
  // An ETag as received works too.
  const fresh = await client.request('GET', '/api/v1/workspace', { raw: true });
  const again = await client.workspace.update({ currency: 'USD' }, { ifMatch: fresh.etag });
  assert.equal(again.currency, 'USD');
});

test('members and invitations: invite, accept, change role, remove', async () => {
  const { owner, rep, repId } = await team();
  const members = await owner.members.list();
  assert.equal(members.length, 2);
  const member = await owner.members.get(repId);
  assert.equal(member.role, 'rep');
  assert.equal((await owner.members.update(repId, { role: 'viewer' })).role, 'viewer');
  // The rep sees the team too (any active member reads it).
  assert.equal((await rep.members.list()).length, 2);

  const inv = await owner.invitations.create({ email: email('pending'), role: 'viewer' });
  assert.ok(inv.token && inv.accept_url);
  assert.ok((await owner.invitations.list()).some((i) => i.id === inv.id));
  await owner.invitations.revoke(inv.id);
  assert.ok(!(await owner.invitations.list()).some((i) => i.id === inv.id));
  await assert.rejects(newClient().invitations.accept(inv.token, { name: 'Late', password: PASSWORD }), { status: 404 });

  await owner.members.remove(repId);
  assert.equal((await owner.members.list()).length, 1);
});

test('idempotent creates: a key is generated, and a replay returns the first answer', async () => {
  const { client } = await signedUp();
  const key = `test-${Date.now()}`;
  const body = { email: email('idem'), role: 'rep' };
  const first = await client.request('POST', '/api/v1/invitations', { body, idempotencyKey: key, raw: true });
  const second = await client.request('POST', '/api/v1/invitations', { body, idempotencyKey: key, raw: true });
  assert.equal(first.status, 201);
  assert.equal(first.replayed, false);
  assert.equal(second.replayed, true);
  assert.equal(second.data.id, first.data.id);
  assert.equal((await client.invitations.list()).filter((i) => i.email === body.email).length, 1);

  // Generated keys: two plain creates are two different requests.
  const a = await client.request('POST', '/api/v1/invitations', { body: { email: email('gen'), role: 'rep' }, raw: true });
  assert.match(a.idempotencyKey, /^[0-9a-f-]{36}$/);
  // The same key with another body is refused.
  await assert.rejects(client.invitations.create({ email: email('other'), role: 'rep' }, { idempotencyKey: key }),
    { status: 422, code: 'idempotency_key_reused' });
});

test('API tokens: create, bearer auth, list, audit, revoke', async () => {
  const { client: owner } = await signedUp();
  const created = await owner.tokens.create({ name: 'sdk test', scopes: ['events:subscribe', 'deals:read'] });
  assert.match(created.token, /^pulse_/);
  assert.ok((await owner.tokens.list()).some((t) => t.id === created.id));

  const bot = new PulseClient({ baseUrl: BASE, token: created.token });
  assert.equal(bot.transport.cookieJar, false);
  // A token may create stream tickets (events:subscribe)...
  const ticket = await bot.streamTickets.create();
  assert.ok(ticket.ticket && ticket.expires_at);
  // ...but the team endpoints are for people.
  await assert.rejects(bot.members.list(), (e) => e instanceof PulseError && e.status === 403);

  // The audit log records it; `all()` follows the cursor.
  const page = await owner.audit.list({ limit: 1 });
  assert.equal(page.items.length, 1);
  assert.ok(page.next_cursor);
  const actions = [];
  for await (const item of owner.audit.all({ limit: 2 })) actions.push(item.action);
  assert.ok(actions.includes('token.created'), actions.join(','));

  await owner.tokens.revoke(created.id);
  await assert.rejects(bot.streamTickets.create(), { status: 401 });
});

test('collection(): the pattern for new resources, with a cursor', async () => {
  const { client } = await signedUp();
  const audit = collection(client, '/api/v1/audit');
  const page = await audit.list({ limit: 1 });
  assert.equal(page.items.length, 1);
  const all = [];
  for await (const item of audit.all({ limit: 1 })) all.push(item);
  assert.ok(all.length >= 1);
  await assert.rejects(audit.get('nope'), { status: 404 });
});
