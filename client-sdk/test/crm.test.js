// The CRM resources against a real Pulse: leads and their conversion,
// contacts and companies with their 360 views, activities and "my tasks",
// search, notifications, custom fields and saved views, and the lead and
// email settings. Both credentials: the session cookie and API tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PulseClient, PulseError } from '../src/index.js';
import { BASE, signedUp, team, waitFor } from './helpers.js';

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const NOWHERE = '00000000-0000-7000-8000-000000000000';

test('leads: create, list, If-Match, engagement, scores, needs attention; a token converts one into a contact with a 360 view', async () => {
  const { client: owner } = await signedUp({}, 'leads');
  const ada = await owner.leads.create({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@engines.example', company_name: 'Analytical Engines', tags: ['vip'] });
  assert.equal(ada.status, 'new');
  assert.equal(ada.name, 'Ada Lovelace');
  assert.equal(typeof ada.score, 'number');
  const late = await owner.leads.create({ first_name: 'Late', next_action: 'Call back', next_action_date: yesterday() });
  // The same external id twice is one lead.
  const ext = await owner.leads.create({ first_name: 'Ext', external_id: 'crm-42' });
  assert.equal((await owner.leads.create({ first_name: 'Ext', external_id: 'crm-42' })).id, ext.id);

  const page = await owner.leads.list({ tag: 'vip' });
  assert.deepEqual(page.leads.map((l) => l.id), [ada.id]);
  assert.equal(page.total, 1);
  const everyone = [];
  for await (const lead of owner.leads.all({ limit: 1 })) everyone.push(lead.id);
  assert.deepEqual(everyone.sort(), [ada.id, late.id, ext.id].sort(), 'all() walks the offset pages');
  assert.deepEqual((await owner.leads.needsAttention()).leads.map((l) => l.id), [late.id]);

  const contacted = await owner.leads.update(ada.id, { status: 'contacted' }, { ifMatch: ada.version });
  assert.equal(contacted.status, 'contacted');
  await assert.rejects(owner.leads.update(ada.id, { notes: 'stale' }, { ifMatch: ada.version }),
    (e) => e instanceof PulseError && e.status === 412 && e.code === 'version_mismatch');
  const engaged = await owner.leads.recordEngagement(ada.id, { emails_opened: 3, meetings: 1 });
  assert.equal(engaged.engagement.emails_opened, 3);
  const scores = await owner.leads.scores(ada.id);
  assert.ok(scores.length >= 2, 'created, then rescored');
  assert.equal(scores[0].score, engaged.score, 'newest first');

  // An integration with a token converts the lead.
  const { token } = await owner.tokens.create({ name: 'crm sync', scopes: ['leads:read', 'leads:write', 'contacts:read'] });
  const bot = new PulseClient({ baseUrl: BASE, token });
  const converted = await bot.leads.convert(ada.id, { deal_title: 'Engines for Ada' });
  assert.equal(converted.status, 'converted');
  const { contact_id: contactId, company_id: companyId, deal_id: dealId } = converted.converted ?? assert.fail('no conversion');
  // Converting again (a double click, a retry) changes nothing.
  assert.deepEqual((await bot.leads.convert(ada.id)).converted, converted.converted);
  await assert.rejects(bot.leads.update(ada.id, { notes: 'after' }), { status: 409, code: 'lead_converted' });
  await assert.rejects(bot.contacts.create({ first_name: 'Nope' }), { status: 403, code: 'insufficient_scope' });

  const view = await bot.contacts.overview(contactId);
  assert.equal(view.contact.email, 'ada@engines.example');
  assert.equal(view.company?.id, companyId);
  assert.deepEqual(view.deals.open.map((d) => d.id), [dealId]);
  assert.equal(view.deals.open[0].title, 'Engines for Ada');
  const company = await owner.companies.overview(companyId ?? '');
  assert.equal(company.company.name, 'Analytical Engines');
  assert.deepEqual(company.contacts.map((c) => c.id), [contactId]);

  await owner.leads.remove(late.id);
  await assert.rejects(owner.leads.get(late.id), { status: 404, code: 'not_found' });
  assert.ok(!(await owner.leads.list()).leads.some((l) => l.id === late.id));
});

test('contacts and companies: CRUD, filters, If-Match, bulk, typed errors', async () => {
  const { client } = await signedUp({}, 'contacts');
  const acme = await client.companies.create({ name: 'Acme', domain: 'https://www.Acme.example/about', status: 'customer' });
  assert.equal(acme.domain, 'www.acme.example');
  const grace = await client.contacts.create({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@acme.example', company_id: acme.id, tags: ['Navy', 'cobol'] });
  assert.equal(grace.company_name, 'Acme');
  assert.deepEqual(grace.tags.sort(), ['cobol', 'navy']);
  const alan = await client.contacts.create({ first_name: 'Alan', tags: ['navy'] });

  assert.equal((await client.contacts.get(grace.id)).email, 'grace@acme.example');
  // A repeated filter: contacts with every tag given.
  assert.deepEqual((await client.contacts.list({ tag: ['navy', 'cobol'] })).items.map((c) => c.id), [grace.id]);
  assert.equal((await client.contacts.list({ tag: 'navy', sort: 'name' })).total, 2);
  assert.equal((await client.contacts.list({ company_id: acme.id })).items.length, 1);
  const paged = [];
  for await (const c of client.contacts.all({ limit: 1, sort: 'name' })) paged.push(c.first_name);
  assert.deepEqual(paged, ['Alan', 'Grace'], 'all() walks the numbered pages');

  const moved = await client.contacts.update(grace.id, { job_title: 'Rear admiral' }, { ifMatch: grace.version });
  assert.equal(moved.job_title, 'Rear admiral');
  await assert.rejects(client.contacts.update(grace.id, { phone: '1' }, { ifMatch: grace.version }), { status: 412, code: 'version_mismatch' });
  await assert.rejects(client.contacts.create({ email: 'not an email' }), (e) => {
    assert.ok(e instanceof PulseError);
    assert.equal(e.status, 422);
    assert.ok(e.fieldError('email'), JSON.stringify(e.fields));
    return true;
  });

  const bulk = await client.contacts.bulk({ ids: [grace.id, alan.id], operation: { type: 'add_tags', tags: ['pioneer'] } });
  assert.equal(bulk.count, 2);
  assert.equal((await client.contacts.list({ tag: 'pioneer' })).total, 2);

  const renamed = await client.companies.update(acme.id, { industry: 'Computing' }, { ifMatch: acme.version });
  assert.equal(renamed.industry, 'Computing');
  assert.deepEqual((await client.companies.list({ status: 'customer' })).items.map((c) => c.id), [acme.id]);

  await client.contacts.remove(alan.id, { ifMatch: (await client.contacts.get(alan.id)).version });
  await assert.rejects(client.contacts.get(alan.id), { status: 404, code: 'not_found' });
  await client.companies.remove(acme.id);
  await assert.rejects(client.companies.overview(acme.id), { status: 404 });
  await assert.rejects(client.contacts.overview(NOWHERE), { status: 404 });
});

test('activities: a task in my tasks, complete and reopen; a call on the contact timeline', async () => {
  const { owner, rep, repId } = await team();
  const contact = await owner.contacts.create({ first_name: 'Katherine', last_name: 'Johnson' });
  const due = new Date(Date.now() + 3_600_000).toISOString();
  const task = await owner.activities.create({ type: 'task', subject: 'Send the orbit maths', due_at: due, contact_id: contact.id, assignee_id: repId, priority: 'high' });
  assert.equal(task.assignee_id, repId);
  assert.equal(task.completed_at ?? null, null);
  await owner.activities.create({ type: 'call', subject: 'Intro call', direction: 'outbound', duration_minutes: 15, contact_id: contact.id });

  assert.deepEqual((await rep.activities.myTasks()).items.map((a) => a.id), [task.id]);
  assert.equal((await owner.activities.myTasks()).total, 0, 'the owner has no task of their own');
  assert.equal((await owner.activities.list({ contact_id: contact.id })).total, 2);
  assert.equal((await owner.activities.list({ contact_id: contact.id, type: 'call' })).items[0].direction, 'outbound');

  const done = await rep.activities.complete(task.id);
  assert.ok(done.completed_at);
  assert.equal((await rep.activities.myTasks()).total, 0, 'completed tasks leave my tasks');
  assert.equal((await rep.activities.reopen(task.id)).completed_at ?? null, null);
  // The assignee reschedules; only the author (or a manager) rewords.
  const later = new Date(Date.now() + 86_400_000).toISOString();
  const rescheduled = await rep.activities.update(task.id, { due_at: later });
  assert.equal(Date.parse(rescheduled.due_at ?? ''), Date.parse(later));
  await assert.rejects(rep.activities.update(task.id, { subject: 'Mine now' }), { status: 403, code: 'forbidden' });
  assert.equal((await owner.activities.update(task.id, { subject: 'Orbit maths (v2)' })).subject, 'Orbit maths (v2)');
  assert.equal((await rep.activities.get(task.id)).subject, 'Orbit maths (v2)');

  const view = await owner.contacts.overview(contact.id);
  assert.deepEqual(view.timeline.map((a) => a.type).sort(), ['call', 'task']);
});

test('search across contacts, companies and leads; types narrow it', async () => {
  const { client } = await signedUp({}, 'search');
  const company = await client.companies.create({ name: 'Zyxwv Instruments' });
  const contact = await client.contacts.create({ first_name: 'Quorra', last_name: 'Zyxwv', company_id: company.id });
  const lead = await client.leads.create({ first_name: 'Flynn', company_name: 'Zyxwv Arcade' });
  const hits = await client.search.query('zyxwv');
  const found = new Set(hits.map((h) => `${h.type}:${h.id}`));
  for (const want of [`company:${company.id}`, `contact:${contact.id}`, `lead:${lead.id}`]) assert.ok(found.has(want), `${want} in ${[...found]}`);
  const contactsOnly = await client.search.query('zyxwv', { types: ['contact'], limit: 5 });
  assert.deepEqual(contactsOnly.map((h) => h.id), [contact.id]);
  await assert.rejects(client.search.query(''), (e) => e instanceof PulseError && e.status >= 400 && e.status < 500);
});

test('notifications: an assignment reaches the rep; mark one read, mark all read; preferences and settings', async () => {
  const { owner, rep, repId } = await team();
  await owner.leads.create({ first_name: 'First', owner_id: repId });
  await owner.leads.create({ first_name: 'Second', owner_id: repId });
  const summary = await waitFor(async () => {
    const s = await rep.notifications.summary();
    return s.unread >= 2 && s;
  }, 5000, 'two assignment notifications');
  assert.equal(summary.latest[0].kind, 'assignments');
  assert.equal(summary.latest[0].link?.type, 'lead');

  const page = await rep.notifications.list({ unread: true, limit: 1 });
  assert.equal(page.items.length, 1);
  assert.ok(page.next_cursor, 'a second page');
  const all = [];
  for await (const n of rep.notifications.all({ limit: 1 })) all.push(n.id);
  assert.equal(all.length, 2, 'all() follows next_cursor');

  assert.ok((await rep.notifications.markRead(page.items[0].id)).read_at);
  assert.equal((await rep.notifications.markAllRead()).marked, 1);
  assert.equal((await rep.notifications.summary()).unread, 0);
  assert.equal((await rep.notifications.markAllRead()).marked, 0);
  // Each member sees only their own.
  await assert.rejects(owner.notifications.markRead(page.items[0].id), { status: 404 });

  const prefs = await rep.notifications.preferences.update({ assignments: { email: true } });
  assert.deepEqual(prefs.assignments, { in_app: true, email: true });
  assert.equal((await rep.notifications.preferences.get()).assignments.email, true);
  assert.equal((await owner.notifications.settings.update({ stale_deals: false })).stale_deals, false);
  assert.equal((await rep.notifications.settings.get()).stale_deals, false);
  await assert.rejects(rep.notifications.settings.update({ stale_deals: true }), { status: 403 });
});

test('custom fields and saved views', async () => {
  const { client } = await signedUp({}, 'fields');
  const tier = await client.customFields.create({ entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
  assert.deepEqual(tier.options, ['gold', 'silver']);
  await client.customFields.create({ entity: 'deal', key: 'region', label: 'Region', type: 'text' });
  assert.deepEqual((await client.customFields.list({ entity: 'contact' })).map((f) => f.key), ['tier']);
  assert.equal((await client.customFields.list()).length, 2);

  const gold = await client.contacts.create({ first_name: 'Goldie', custom_fields: { tier: 'gold' } });
  await client.contacts.create({ first_name: 'Silvio', custom_fields: { tier: 'silver' } });
  await assert.rejects(client.contacts.create({ first_name: 'Bronze', custom_fields: { tier: 'bronze' } }), { status: 422 });
  assert.deepEqual((await client.contacts.list({ 'cf.tier': 'gold' })).items.map((c) => c.id), [gold.id]);
  const relabelled = await client.customFields.update(tier.id, { label: 'Customer tier', options: ['gold', 'silver', 'bronze'] });
  assert.equal(relabelled.label, 'Customer tier');

  const view = await client.views.create({ entity: 'contacts', name: 'Gold customers', filters: { 'cf.tier': 'gold' }, columns: ['name', 'cf.tier'], sort: 'name' });
  assert.deepEqual(view.filters, { 'cf.tier': 'gold' });
  await client.views.create({ entity: 'deals', name: 'Mine' });
  assert.deepEqual((await client.views.list({ entity: 'contacts' })).map((v) => v.name), ['Gold customers']);
  // A saved view's filters are the list's query.
  const saved = (await client.views.list({ entity: 'contacts' }))[0];
  assert.deepEqual((await client.contacts.list(/** @type {any} */ (saved.filters))).items.map((c) => c.id), [gold.id]);
  await client.views.remove(view.id);
  assert.equal((await client.views.list()).length, 1);

  await client.customFields.remove(tier.id);
  assert.deepEqual((await client.customFields.list({ entity: 'contact' })), []);
});

test('lead sources, scoring and nurture; widgets and their public form; email templates, outbox and job runs', async () => {
  const { client } = await signedUp({}, 'settings');
  const source = await client.leadSources.create({ slug: 'podcast', label: 'Podcast' });
  assert.equal(source.built_in, false);
  assert.equal((await client.leadSources.update('podcast', { archived: true })).archived, true);
  const sources = await client.leadSources.list();
  assert.ok(sources.some((s) => s.built_in) && sources.some((s) => s.slug === 'podcast'));

  const weights = await client.leadScoring.get();
  // The factor weights add up to at most 100: move some from title to engagement.
  const set = await client.leadScoring.set({ ...weights, title: 0, engagement: (weights.engagement ?? 0) + (weights.title ?? 0) });
  assert.equal(set.title, 0);
  assert.equal((await client.leadScoring.get()).engagement, set.engagement);
  await assert.rejects(client.leadScoring.set({ ...weights, engagement: 100 }), { status: 409, code: 'field_conflict' });
  assert.equal((await client.leadNurture.update({ contacted: true })).contacted, true);
  assert.equal((await client.leadNurture.get()).contacted, true);

  const origin = 'https://shop.example';
  const created = await client.leadWidgets.create({ name: 'Contact form', allowed_origins: [origin] });
  assert.ok(created.key && created.snippet.includes(created.key));
  assert.deepEqual((await client.leadWidgets.list()).map((w) => w.id), [created.widget.id]);
  assert.equal((await client.leadWidgets.update(created.widget.id, { name: 'Footer form' })).name, 'Footer form');
  const visitor = new PulseClient({ baseUrl: BASE, cookieJar: false, autoCsrf: false });
  assert.deepEqual(await visitor.leadWidgets.submit(created.key, { email: 'visitor@shop.example', first_name: 'Vi' }, { headers: { origin } }), { ok: true });
  await waitFor(async () => (await client.leads.list({ q: 'visitor@shop.example' })).total === 1, 5000, 'the widget lead');
  await assert.rejects(visitor.leadWidgets.submit(created.key, { email: 'x@y.example' }, { headers: { origin: 'https://evil.example' } }), { status: 403 });
  const rotated = await client.leadWidgets.rotate(created.widget.id);
  assert.notEqual(rotated.key, created.key);
  await assert.rejects(visitor.leadWidgets.submit(created.key, { email: 'x@y.example' }, { headers: { origin } }), { status: 404 });
  await client.leadWidgets.revoke(created.widget.id);
  assert.match(await visitor.leadWidgets.script(), /Pulse lead widget/);

  const template = await client.emailTemplates.create({ name: 'Welcome', subject: 'Hi {{lead.first_name}}', body: 'Welcome aboard.', lead_status: 'contacted' });
  assert.deepEqual(template.placeholders, ['lead.first_name']);
  assert.equal((await client.emailTemplates.update(template.id, { subject: 'Hello {{lead.first_name}}' })).subject, 'Hello {{lead.first_name}}');
  assert.deepEqual((await client.emailTemplates.list()).map((t) => t.id), [template.id]);
  await client.emailTemplates.remove(template.id);
  assert.deepEqual(await client.emailTemplates.list(), []);

  assert.ok(Array.isArray((await client.outbox.list({ limit: 5 })).items));
  const runs = await client.jobRuns.list({ limit: 2 });
  assert.ok(Array.isArray(runs.items));
  for (const run of runs.items) assert.ok(['running', 'succeeded', 'failed'].includes(run.outcome));
});
