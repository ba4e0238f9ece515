// The 360-degree page of a company (`#/companies/<id>`): profile and
// metadata, key contacts, open and won deals with the lifetime value, the
// timeline of the company and its contacts, and the audit trail.
//
// Live: a change to this company or to one of its contacts (`contacts`),
// or an activity linked to it or to one of its contacts (`activities`),
// reloads the overview.

import { h, replace, toast } from '../dom.js';
import { pulse, memberName } from '../session.js';
import { describe } from '../errors.js';
import { navigate } from '../router.js';
import { dateTime, date } from '../format.js';
import { may, customFields, customValue, timeline, auditTrail, followLive } from '../ui/records.js';
import { companyDialog, confirmDelete, RECORD_MESSAGES, STALE } from '../ui/record-forms.js';
import { createActivityDialog } from '../ui/activity-form.js';
import { dealsPanel, timelineActions, props } from '../ui/record-page.js';

const state = {
  /** @type {HTMLElement|null} */ view: null,
  id: '',
  /** @type {any} */ data: null,
  deleted: false,
};

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, [id]) {
  state.view = view;
  state.id = /** @type {string} */ (id);
  state.deleted = false;
  await load();
  const contactIds = () => new Set((state.data?.contacts ?? []).map((/** @type {any} */ c) => c.id));
  return followLive(['contacts', 'activities'], (ev) => {
    const d = ev.data ?? {};
    if (ev.type.startsWith('company.')) {
      if (d.id !== state.id) return false;
      if (ev.type === 'company.deleted') state.deleted = true;
      return true;
    }
    if (ev.type.startsWith('contact.')) return d.company_id === state.id || contactIds().has(d.id);
    // A CSV import's batch may have added or removed its contacts.
    if (ev.type.startsWith('contacts.') || ev.type.startsWith('companies.')) return true;
    return ev.type.startsWith('activity.') && (d.company_id === state.id || contactIds().has(d.contact_id));
  }, load);
}

async function load() {
  const view = /** @type {HTMLElement} */ (state.view);
  try {
    const [data, defs] = await Promise.all([
      pulse.request('GET', `/api/v1/companies/${encodeURIComponent(state.id)}/overview`),
      customFields('company'),
    ]);
    state.data = data;
    draw(defs);
  } catch (e) {
    if (/** @type {any} */ (e).status === 404) {
      replace(view, h('section', { class: 'empty' },
        h('h1', null, state.deleted ? 'This company was deleted' : 'Company not found'),
        h('p', null, h('a', { href: '#/companies' }, 'Back to companies'))));
      return;
    }
    replace(view, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  }
}

/** @param {any[]} defs */
function draw(defs) {
  const { company: c, contacts, timeline: items, audit, deals } = state.data;
  document.title = `${c.name} · Companies · Pulse`;
  const editable = may.edit(c.owner_id);
  const custom = defs.filter((d) => c.custom_fields?.[d.key] != null).map((d) => [d.label, customValue(d, c.custom_fields[d.key])]);
  const meta = Object.entries(c.metadata ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  replace(/** @type {HTMLElement} */ (state.view), h('article', { class: 'record-page', 'aria-labelledby': 'record-title' },
    h('p', { class: 'small' }, h('a', { href: '#/companies' }, '← Companies')),
    h('header', { class: 'record-head' },
      h('div', null,
        h('h1', { id: 'record-title' }, c.name, ' ', h('span', { class: `status-pill status-${c.status}` }, c.status)),
        h('p', { class: 'record-sub' }, [c.industry, c.domain, c.size ? `${c.size} employees` : null].filter(Boolean).join(' · '))),
      h('div', { class: 'button-row' },
        may.write() ? h('button', { type: 'button', class: 'primary', onclick: addActivity }, '+ Log activity') : null,
        editable ? h('button', { type: 'button', onclick: edit }, 'Edit') : null,
        editable ? h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete') : null)),
    h('div', { class: 'record-grid' },
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'profile-h' },
          h('h2', { id: 'profile-h' }, 'Profile'),
          props([
            ['Website', c.website && /^https?:\/\//.test(c.website) ? h('a', { href: c.website, rel: 'noopener noreferrer', target: '_blank' }, c.website) : c.website ?? ''],
            ['Owner', c.owner_id ? memberName(c.owner_id) : 'Nobody'],
            ['Renewal', c.renewal_date ? date(c.renewal_date) : ''],
            ['Upsell', c.upsell_opportunity ?? ''],
            ...custom,
            ['Created', dateTime(c.created_at)],
            ['Updated', dateTime(c.updated_at)],
          ]),
          meta.length ? [h('h3', { class: 'small' }, 'Metadata'), props(/** @type {[string, any][]} */ (meta))] : null),
        h('section', { class: 'panel', 'aria-labelledby': 'people-h' },
          h('h2', { id: 'people-h' }, `Key contacts (${contacts.length})`,
            h('a', { class: 'small button-link', href: `#/contacts?company_id=${c.id}` }, 'All in the list')),
          contacts.length ? h('ul', { class: 'contact-list', 'aria-label': 'Key contacts' }, contacts.map((/** @type {any} */ p) => h('li', null,
            h('a', { href: `#/contacts/${p.id}` }, p.name || '(no name)'),
            h('span', { class: 'muted small' }, [p.job_title, p.email].filter(Boolean).join(' · '))))) : h('p', { class: 'muted' }, 'No contacts yet.')),
        dealsPanel(deals)),
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'timeline-h' },
          h('h2', { id: 'timeline-h' }, 'Timeline',
            may.write() ? h('button', { type: 'button', class: 'small', onclick: addActivity }, '+ Add') : null),
          timeline(items, (a) => timelineActions(a, load))),
        h('section', { class: 'panel', 'aria-labelledby': 'audit-h' },
          h('h2', { id: 'audit-h' }, 'Audit trail'),
          auditTrail(audit))))));
}

async function addActivity() {
  const c = state.data.company;
  try {
    const a = await createActivityDialog({
      type: 'meeting',
      title: `New activity with ${c.name}`,
      links: { company: { id: c.id, title: c.domain ? `${c.name} — ${c.domain}` : c.name } },
    });
    if (a) {
      toast(`${a.subject} logged.`);
      await load();
    }
  } catch (e) {
    toast(describe(e), 'error');
  }
}

async function edit() {
  try {
    const saved = await companyDialog(state.data.company);
    if (saved?.stale) toast(STALE, 'error');
    if (saved) await load();
  } catch (e) {
    toast(describe(e, RECORD_MESSAGES), 'error');
    await load();
  }
}

async function remove() {
  const c = state.data.company;
  if (!(await confirmDelete(c.name))) return;
  try {
    await pulse.request('DELETE', `/api/v1/companies/${encodeURIComponent(c.id)}`, { ifMatch: c.version });
    toast(`${c.name} deleted.`);
    navigate('/companies');
  } catch (e) {
    toast(describe(e, RECORD_MESSAGES), 'error');
    await load();
  }
}
