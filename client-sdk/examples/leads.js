// An integration with an API token: a lead from your website becomes a
// contact with a deal, and the contact's 360 view shows it.
//
//   PULSE_URL=http://127.0.0.1:8080 PULSE_TOKEN=pulse_... node examples/leads.js [email]
//
// The token needs the scopes leads:read, leads:write and contacts:read.
import { PulseClient, PulseError } from '../src/index.js';

const pulse = new PulseClient({ baseUrl: process.env.PULSE_URL ?? 'http://127.0.0.1:8080', token: process.env.PULSE_TOKEN });
const email = process.argv[2] ?? 'ada@example.com';
try {
  // `external_id` makes the create safe to repeat: the same id returns the first lead.
  const lead = await pulse.leads.create({
    first_name: 'Ada', last_name: 'Lovelace', email, company_name: 'Analytical Engines',
    source: 'website', external_id: `web-${email}`,
  });
  console.log(`lead ${lead.name}: score ${lead.score} (${lead.band}), ${lead.status}`);

  const { converted } = await pulse.leads.convert(lead.id, { deal_title: 'Engines for Ada' });
  if (!converted) throw new Error('the lead was not converted');
  const view = await pulse.contacts.overview(converted.contact_id);
  console.log(`contact ${view.contact.name} at ${view.company?.name ?? 'no company'}: ${view.deals.open.length} open deal(s)`);
  for (const deal of view.deals.open) console.log(`  deal "${deal.title}" (${deal.stage_kind}, ${deal.amount} ${deal.currency})`);

  const hits = await pulse.search.query('Lovelace', { types: ['contact', 'lead'] });
  console.log(`search: ${hits.map((h) => `${h.type} ${h.title}`).join(', ')}`);
} catch (e) {
  if (!(e instanceof PulseError)) throw e;
  console.error(`${e.status} ${e.code}: ${e.detail}`);
  process.exitCode = 1;
}
