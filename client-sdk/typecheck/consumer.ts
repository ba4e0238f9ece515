// Compiled (not run) by scripts/test.d/sdk.sh: the generated declarations
// serve a TypeScript user as intended.
import WebSocket from 'ws';
import { PulseClient, PulseError, collection, OPERATIONS, type PulseEvent, type Member, type Lead, type Contact } from '../types/index.js';

async function main(): Promise<void> {
  const pulse = new PulseClient({ baseUrl: 'http://127.0.0.1:8080', token: 'pulse_x', WebSocket, retry: { maxAttempts: 2 } });
  const members: Member[] = await pulse.members.list();
  const role: 'owner' | 'manager' | 'rep' | 'viewer' = members[0].role;
  const ws = await pulse.workspace.get();
  await pulse.workspace.update({ currency: 'EUR' }, { ifMatch: ws.version });
  const res = await pulse.request('POST', '/api/v1/invitations', { body: { email: 'a@b.c', role }, raw: true });
  console.log(res.replayed);
  const sub = pulse.subscribe(['workspace'], (e: PulseEvent) => console.log(e.seq, e.prev, e.type), {
    since: 1,
    epoch: 1,
    onReset: async (r) => console.log(r.reason, r.seq),
    onState: (s) => console.log(s.state, s.error?.code),
  });
  await sub.ready;
  const deals = collection(pulse, '/api/v1/deals');
  await deals.create({ name: 'x' }, { idempotencyKey: 'k' });
  const lead: Lead = await pulse.leads.create({ first_name: 'Ada', email: 'ada@example.com', tags: ['vip'] });
  const converted = await pulse.leads.convert(lead.id, { deal_title: 'Engines' });
  if (converted.converted) {
    const view = await pulse.contacts.overview(converted.converted.contact_id);
    const contact: Contact = view.contact;
    console.log(contact.name, view.deals.open.map((d) => d.weighted), view.timeline.map((a) => a.type));
  }
  const page = await pulse.contacts.list({ tag: ['a', 'b'], 'cf.tier': 'gold', page: 2 });
  console.log(page.total, page.items[0]?.version);
  for await (const l of pulse.leads.all({ band: 'hot' })) console.log(l.score);
  const tasks = await pulse.activities.myTasks({ due: 'today' });
  await pulse.activities.complete(tasks.items[0].id);
  const hits = await pulse.search.query('acme', { types: ['contact', 'company'] });
  console.log(hits[0]?.rank, (await pulse.notifications.markAllRead()).marked);
  const csv: Response = await pulse.contacts.export({ tag: 'vip' });
  console.log(await csv.text());
  const upload = await pulse.imports.upload(new Blob(['a,b\n']), { entity: 'contacts', filename: 'a.csv' });
  await pulse.imports.setMapping(upload.id, { mapping: { a: 'email', b: null }, duplicates: 'skip' });
  const merged = await pulse.contacts.merge(upload.id, ['x']);
  console.log(merged.moved.deals, OPERATIONS['GET /api/v1/leads']);
  try {
    await pulse.me.get();
  } catch (e) {
    if (e instanceof PulseError) console.log(e.status, e.code, e.fields.map((f) => f.field), e.retryAfter);
  }
}
void main;
