// Data in and out against a real Pulse: CSV exports (streamed), CSV
// imports (upload raw bytes, map, dry run, run, errors, revert), the
// cleanup checklist, duplicate groups and merges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PulseError } from '../src/index.js';
import { newClient, signedUp, team, waitFor } from './helpers.js';


/**
 * Parses the CSV Pulse writes (RFC 4180, CRLF). `Response.text()` has
 * dropped its byte order mark already; a decoded stream may still hold it.
 * @param {string} text
 */
function parseCsv(text) {
  /** @type {string[][]} */
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test('CSV exports: a streamed Response, filters as the list takes them, refusals as PulseErrors', async () => {
  const { owner, rep } = await team();
  await owner.contacts.create({ first_name: 'Plain', last_name: 'Row', email: 'plain@example.com', tags: ['export'] });
  await owner.contacts.create({ first_name: '=HYPERLINK("x")', last_name: 'Smith, Jr.', tags: ['export'] });
  await owner.contacts.create({ first_name: 'Not', last_name: 'Exported' });

  const res = await owner.contacts.export({ tag: 'export' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="contacts-/);
  // Read it as a stream, chunk by chunk.
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  assert.equal(text.charCodeAt(0), 0xfeff, 'the file starts with a byte order mark, for Excel');
  const [header, ...rows] = parseCsv(text);
  const col = (/** @type {string} */ name) => header.indexOf(name);
  assert.ok(col('first_name') >= 0 && col('email') >= 0, header.join(','));
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => r[col('last_name')]).sort(), ['Row', 'Smith, Jr.']);
  assert.ok(rows.some((r) => r[col('first_name')] === `'=HYPERLINK("x")`), 'formulas are neutralised');

  // Every list has one; `text()` reads a small one at once.
  await owner.leads.create({ first_name: 'Lead' });
  assert.equal(parseCsv(await (await owner.leads.export()).text()).length, 2);
  for (const list of [owner.companies, owner.activities, owner.deals]) assert.equal((await list.export()).status, 200);

  // Refusals are thrown like any other error, with nothing to read.
  await assert.rejects(rep.contacts.export(), (e) => e instanceof PulseError && e.status === 403);
  await assert.rejects(owner.contacts.export({ sort: 'nonsense' }), (e) => e instanceof PulseError && e.status === 400);
  const audit = await owner.audit.list({ action: 'export' });
  assert.ok(audit.items.some((i) => i.action === 'export.finished'), audit.items.map((i) => i.action).join(','));
});

test('CSV imports: upload raw bytes, map, dry run, run, errors, revert', async () => {
  const { client } = await signedUp({}, 'import');
  const csv = 'First Name;Last Name;Email Address;Notes\r\nAda;Lovelace;ada@import.example;x\r\nBad;Row;not-an-email;y\r\n"Grace";"Hopper";grace@import.example;"a; b"\r\n';
  const uploaded = await client.imports.upload(new TextEncoder().encode(csv), { entity: 'contacts', filename: 'people.csv' });
  assert.equal(uploaded.status, 'uploaded');
  assert.equal(uploaded.filename, 'people.csv');
  assert.equal(uploaded.delimiter, ';');
  assert.deepEqual(uploaded.headers, ['First Name', 'Last Name', 'Email Address', 'Notes']);
  assert.equal(uploaded.mapping['Email Address'], 'email');
  assert.deepEqual((await client.imports.list()).items.map((i) => i.id), [uploaded.id]);

  const mapped = await client.imports.setMapping(uploaded.id, {
    mapping: { 'First Name': 'first_name', 'Last Name': 'last_name', 'Email Address': 'email', Notes: null },
    duplicates: 'skip',
  });
  assert.equal(mapped.mapping.Notes, null);
  await assert.rejects(client.imports.setMapping(uploaded.id, { mapping: { Nope: 'email' } }), { status: 409, code: 'field_conflict' });

  const dry = await client.imports.dryRun(uploaded.id);
  assert.equal(dry.rows, 3);
  assert.equal(dry.valid, 2);
  assert.deepEqual(dry.invalid.map((i) => i.line), [3]);
  assert.equal((await client.contacts.list()).total, 0, 'a dry run writes nothing');

  const started = await client.imports.start(uploaded.id);
  assert.ok(['running', 'completed'].includes(started.status), started.status);
  await assert.rejects(client.imports.start(uploaded.id), { status: 409 });
  const done = await waitFor(async () => {
    const i = await client.imports.get(uploaded.id);
    return i.status === 'completed' && i;
  }, 15000, 'the import to complete');
  assert.equal(done.rows_imported, 2);
  assert.equal(done.rows_failed, 1);
  const errors = await client.imports.errors(uploaded.id);
  assert.deepEqual(errors.map((e) => [e.line, e.kind, e.column]), [[3, 'invalid', 'Email Address']]);
  assert.deepEqual((await client.contacts.list()).items.map((c) => c.name).sort(), ['Ada Lovelace', 'Grace Hopper']);

  await client.imports.revert(uploaded.id);
  await waitFor(async () => (await client.imports.get(uploaded.id)).status === 'reverted', 15000, 'the revert');
  assert.equal((await client.contacts.list()).total, 0);

  // A Blob (a browser File, or Node's fs.openAsBlob) goes as it is too.
  const blob = await client.imports.upload(new Blob(['Company Name,Domain\nAcme,acme.example\n'], { type: 'text/csv' }), { entity: 'companies' });
  assert.equal(blob.rows_total, 1);
  await assert.rejects(client.imports.upload('a,b\n', { entity: /** @type {any} */ ('planets') }), (e) => e instanceof PulseError && e.status >= 400 && e.status < 500);
});

test('cleanup: the checklist, duplicate groups, and merges of contacts, companies and deals', async () => {
  const { client } = await signedUp({}, 'cleanup');
  const first = await client.contacts.create({ first_name: 'Dup', email: 'dup@example.com' });
  const second = await client.contacts.create({ first_name: 'Dup again', email: 'DUP@example.com' });
  const third = await client.contacts.create({ first_name: 'Dup thrice', email: 'dup@example.com' });
  const deal = await client.deals.create({ title: 'Deal of the second', contact_id: second.id });
  await client.activities.create({ type: 'note', subject: 'About the third', contact_id: third.id });

  const checklist = await client.cleanup.checklist();
  assert.equal(checklist.ready, false);
  const dupItem = checklist.items.find((i) => i.key === 'duplicate_contacts');
  assert.equal(dupItem?.count, 1);

  const page = await client.cleanup.duplicates({ entity: 'contacts' });
  assert.equal(page.groups.length, 1);
  const [group] = page.groups;
  assert.deepEqual(group.ids, [first.id, second.id, third.id], 'oldest first');
  const groups = [];
  for await (const g of client.cleanup.allDuplicates({ entity: 'contacts', limit: 1 })) groups.push(g);
  assert.equal(groups.length, 1);

  const [keep, ...rest] = group.ids;
  const merged = await client.contacts.merge(keep, rest);
  assert.equal(merged.contact.id, first.id);
  assert.deepEqual(merged.merged_ids.sort(), [second.id, third.id].sort());
  assert.equal(merged.moved.deals, 1);
  assert.equal(merged.moved.activities, 1);
  assert.equal((await client.deals.get(deal.id)).contact_id, first.id);
  await assert.rejects(client.contacts.get(second.id), { status: 404 });
  await assert.rejects(client.contacts.merge(first.id, [first.id]), { status: 409, code: 'field_conflict' });
  assert.equal((await client.cleanup.duplicates({ entity: 'contacts' })).groups.length, 0);

  const acme = await client.companies.create({ name: 'Acme' });
  const acmeInc = await client.companies.create({ name: 'ACME, Inc.' });
  await client.contacts.update(first.id, { company_id: acmeInc.id });
  const companies = await client.companies.merge(acme.id, [acmeInc.id]);
  assert.equal(companies.moved.contacts, 1);
  assert.equal((await client.contacts.get(first.id)).company_id, acme.id);

  const twin = await client.deals.create({ title: 'Deal of the second', contact_id: first.id });
  const deals = await client.deals.merge(deal.id, [twin.id]);
  assert.equal(deals.deal.id, deal.id);
  assert.ok((await client.deals.get(twin.id)).deleted_at, 'a merged deal is deleted, and restorable');
});
