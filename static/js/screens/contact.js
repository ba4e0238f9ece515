// The 360-degree page of a contact (`#/contacts/<id>`): profile, company,
// open and won deals with the lifetime value, the activity timeline in
// order, and the audit trail. Activities are logged from here, and tasks
// completed or reopened.
//
// Live: a change to this contact (`contacts`) or an activity linked to it
// (`activities`) reloads the overview. Deals come from the overview too,
// so the page is right after each reload.

import { h, replace, toast } from '../dom.js';
import { pulse, memberName } from '../session.js';
import { describe } from '../errors.js';
import { navigate } from '../router.js';
import { dateTime } from '../format.js';
import { may, customFields, customValue, timeline, auditTrail, followLive } from '../ui/records.js';
import { contactDialog, confirmDelete, RECORD_MESSAGES, STALE } from '../ui/record-forms.js';
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
  const stop = followLive(['contacts', 'activities'], (ev) => {
    if (ev.type.startsWith('contact.')) {
      if (ev.data?.id !== state.id) return false;
      if (ev.type === 'contact.deleted') state.deleted = true;
      return true;
    }
    // A reverted import may have created this contact.
    if (ev.type === 'contacts.import_reverted') return true;
    return ev.type.startsWith('activity.') && ev.data?.contact_id === state.id;
  }, load);
  return stop;
}

async function load() {
  const view = /** @type {HTMLElement} */ (state.view);
  try {
    const [data, defs] = await Promise.all([
      pulse.request('GET', `/api/v1/contacts/${encodeURIComponent(state.id)}/overview`),
      customFields('contact'),
    ]);
    state.data = data;
    draw(defs);
  } catch (e) {
    if (/** @type {any} */ (e).status === 404) {
      replace(view, h('section', { class: 'empty' },
        h('h1', null, state.deleted ? 'This contact was deleted' : 'Contact not found'),
        h('p', null, h('a', { href: '#/contacts' }, 'Back to contacts'))));
      return;
    }
    replace(view, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  }
}

/** @param {any[]} defs */
function draw(defs) {
  const view = /** @type {HTMLElement} */ (state.view);
  const { contact: c, company, timeline: items, audit, deals } = state.data;
  document.title = `${c.name} · Contacts · Pulse`;
  const editable = may.edit(c.owner_id);
  const custom = defs.filter((d) => c.custom_fields?.[d.key] != null).map((d) => [d.label, customValue(d, c.custom_fields[d.key])]);
  replace(view, h('article', { class: 'record-page', 'aria-labelledby': 'record-title' },
    h('p', { class: 'small' }, h('a', { href: '#/contacts' }, '← Contacts')),
    h('header', { class: 'record-head' },
      h('div', null,
        h('h1', { id: 'record-title' }, c.name || '(no name)'),
        h('p', { class: 'record-sub' }, [c.job_title, c.company_name].filter(Boolean).join(' at ') || c.email || '')),
      h('div', { class: 'button-row' },
        may.write() ? h('button', { type: 'button', class: 'primary', onclick: addActivity }, '+ Log activity') : null,
        editable ? h('button', { type: 'button', onclick: edit }, 'Edit') : null,
        editable ? h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete') : null)),
    h('div', { class: 'record-grid' },
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'profile-h' },
          h('h2', { id: 'profile-h' }, 'Profile'),
          props([
            ['E-mail', c.email ? h('a', { href: `mailto:${c.email}` }, c.email) : ''],
            ['Phone', c.phone ? h('a', { href: `tel:${c.phone}` }, c.phone) : ''],
            ['Job title', c.job_title ?? ''],
            ['Lead source', c.lead_source ?? ''],
            ['Owner', c.owner_id ? memberName(c.owner_id) : 'Nobody'],
            ['Tags', c.tags.length ? h('span', { class: 'tags' }, c.tags.map((/** @type {string} */ t) => h('span', { class: 'tag' }, t))) : ''],
            ...custom,
            ['Created', dateTime(c.created_at)],
            ['Updated', dateTime(c.updated_at)],
          ])),
        h('section', { class: 'panel', 'aria-labelledby': 'company-h' },
          h('h2', { id: 'company-h' }, 'Company'),
          company ? [
            h('p', null, h('a', { href: `#/companies/${company.id}` }, h('strong', null, company.name)),
              ' ', h('span', { class: `status-pill status-${company.status}` }, company.status)),
            props([
              ['Domain', company.domain ?? ''],
              ['Industry', company.industry ?? ''],
              ['Size', company.size ? `${company.size} employees` : ''],
            ]),
          ] : h('p', { class: 'muted' }, 'No company.')),
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
  const c = state.data.contact;
  try {
    const a = await createActivityDialog({
      type: 'call',
      title: `New activity with ${c.name}`,
      links: {
        contact: { id: c.id, title: c.email ? `${c.name} — ${c.email}` : c.name },
        company: c.company_id ? { id: c.company_id, title: c.company_name ?? 'Company' } : null,
      },
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
    const saved = await contactDialog(state.data.contact);
    if (saved?.stale) toast(STALE, 'error');
    if (saved) await load();
  } catch (e) {
    toast(describe(e, RECORD_MESSAGES), 'error');
    await load();
  }
}

async function remove() {
  const c = state.data.contact;
  if (!(await confirmDelete(c.name))) return;
  try {
    await pulse.request('DELETE', `/api/v1/contacts/${encodeURIComponent(c.id)}`, { ifMatch: c.version });
    toast(`${c.name} deleted.`);
    navigate('/contacts');
  } catch (e) {
    toast(describe(e, RECORD_MESSAGES), 'error');
    await load();
  }
}
