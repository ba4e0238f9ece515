// The activity dialog: log a call, meeting, email or note, or create a
// task, with its links to a lead, contact, company or deal and an
// assignee; and the edit dialog (subject and body of any activity; the
// schedule, priority and assignee of a task). Activities are never
// deleted: the API has no way to, on purpose.

import { h, modal } from '../dom.js';
import { pulse, loadWorkspace } from '../session.js';
import { field, form, fieldError } from './form.js';
import { api, memberOptions, myId, recordPicker, resolvePicker, TYPE_LABELS } from './records.js';

/** `2026-05-01T09:30` in local time, for datetime-local inputs. @param {string|null|undefined} iso */
function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value to RFC 3339, or null. @param {string} v */
function toIso(v) {
  if (!v) return null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw fieldError('due_at', 'Enter a date and time.');
  return d.toISOString();
}

/** @param {string} v @param {string} name */
function minutes(v, name) {
  if (v === '' || v == null) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 10080) throw fieldError(name, 'Enter whole minutes from 0 to 10080 (a week).');
  return n;
}

/**
 * @typedef {{ id: string, title: string }} Ref
 * @typedef {{ contact?: Ref|null, company?: Ref|null, deal?: Ref|null, lead?: Ref|null }} Links
 */

/**
 * Creates an activity. Resolves with it, or null when dismissed.
 * @param {{ type?: string, links?: Links, title?: string }} [opts]
 */
export async function createActivityDialog(opts = {}) {
  const links = opts.links ?? {};
  // The assignee picker lists the members as they are now.
  await loadWorkspace();
  return modal(opts.title ?? 'New activity', (close) => {
    const typeSelect = /** @type {HTMLSelectElement} */ (h('select', { id: 'act-type', name: 'type', autofocus: true },
      Object.entries(TYPE_LABELS).map(([v, l]) => h('option', { value: v, selected: v === (opts.type ?? 'task') }, l))));
    const direction = field('Direction', { name: 'direction', type: 'select', options: [['', '—'], ['outbound', 'Outbound'], ['inbound', 'Inbound']] });
    const assignee = field('Assignee', { name: 'assignee_id', type: 'select', value: myId(), options: memberOptions({ none: 'Nobody', everyone: true }), hint: 'Tasks without one go to you.' });
    const sync = () => {
      const t = typeSelect.value;
      direction.hidden = !(t === 'call' || t === 'email');
      /** @type {HTMLSelectElement} */ (assignee.querySelector('select')).value =
        t === 'task' ? /** @type {string} */ (myId()) : '';
    };
    typeSelect.addEventListener('change', sync);
    const f = form([
      h('div', { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: 'act-type' }, 'Type'), typeSelect),
        field('Priority', { name: 'priority', type: 'select', value: 'medium', options: [['low', 'Low'], ['medium', 'Medium'], ['high', 'High']] })),
      field('Subject', { name: 'subject', required: true, maxlength: '300' }),
      h('div', { class: 'field-row' },
        field('Due', { name: 'due_at', type: 'datetime-local' }),
        field('Duration (minutes)', { name: 'duration_minutes', type: 'number', min: '0', max: '10080', step: '1' })),
      h('div', { class: 'field-row' }, assignee, direction),
      field('Notes', { name: 'body', type: 'textarea', rows: '3', maxlength: '20000' }),
      h('fieldset', { class: 'links' }, h('legend', null, 'Linked to'),
        h('div', { class: 'field-row' },
          recordPicker({ type: 'contact', name: 'contact_id', label: 'Contact', value: links.contact }),
          recordPicker({ type: 'company', name: 'company_id', label: 'Company', value: links.company })),
        h('div', { class: 'field-row' },
          recordPicker({ type: 'deal', name: 'deal_id', label: 'Deal', value: links.deal }),
          recordPicker({ type: 'lead', name: 'lead_id', label: 'Lead', value: links.lead }))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Save activity')),
    ], async (v, formEl) => {
      if (!v.subject?.trim()) throw fieldError('subject', 'Give it a subject.');
      const type = v.type;
      /** @type {Record<string, any>} */
      const body = {
        type,
        subject: v.subject.trim(),
        priority: v.priority,
        due_at: toIso(v.due_at),
        duration_minutes: minutes(v.duration_minutes, 'duration_minutes'),
        direction: (type === 'call' || type === 'email') && v.direction ? v.direction : null,
        // Unset, a task goes to its creator (the server's default).
        assignee_id: v.assignee_id || undefined,
      };
      if (v.body?.trim()) body.body = v.body;
      for (const name of ['contact_id', 'company_id', 'deal_id', 'lead_id']) {
        const id = await resolvePicker(formEl, name);
        if (id) body[name] = id;
      }
      close(await api.activities.create(body));
    }, { class: 'activity-form', 'aria-label': 'New activity' });
    sync();
    return f;
  });
}

/**
 * Edits an activity: subject and body of any; due, duration, priority
 * and assignee of a task. Resolves with the changed activity, or null.
 * @param {any} a
 */
export async function editActivityDialog(a) {
  const task = a.type === 'task';
  if (task) await loadWorkspace();
  return modal(`Edit ${TYPE_LABELS[/** @type {keyof TYPE_LABELS} */ (a.type)]?.toLowerCase() ?? 'activity'}`, (close) => form([
    field('Subject', { name: 'subject', value: a.subject, required: true, maxlength: '300', autofocus: true }),
    field('Notes', { name: 'body', type: 'textarea', rows: '4', maxlength: '20000', value: a.body }),
    task ? h('div', { class: 'field-row' },
      field('Due', { name: 'due_at', type: 'datetime-local', value: localInput(a.due_at) }),
      field('Duration (minutes)', { name: 'duration_minutes', type: 'number', min: '0', max: '10080', value: a.duration_minutes ?? '' })) : null,
    task ? h('div', { class: 'field-row' },
      field('Priority', { name: 'priority', type: 'select', value: a.priority, options: [['low', 'Low'], ['medium', 'Medium'], ['high', 'High']] }),
      field('Assignee', { name: 'assignee_id', type: 'select', value: a.assignee_id ?? '', options: memberOptions({ none: 'Nobody', everyone: true }) })) : null,
    task ? null : h('p', { class: 'muted small' }, 'Calls, meetings, emails and notes are a record of what happened: only their subject and notes can be corrected.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Save')),
  ], async (v) => {
    /** @type {Record<string, any>} */
    const changes = {};
    if (v.subject.trim() !== a.subject) changes.subject = v.subject.trim();
    if ((v.body ?? '') !== (a.body ?? '')) changes.body = v.body ?? '';
    if (task) {
      const due = toIso(v.due_at);
      if (v.due_at !== localInput(a.due_at)) changes.due_at = due;
      const dur = minutes(v.duration_minutes, 'duration_minutes');
      if (dur !== (a.duration_minutes ?? null)) changes.duration_minutes = dur;
      if (v.priority !== a.priority) changes.priority = v.priority;
      if ((v.assignee_id || null) !== (a.assignee_id ?? null)) changes.assignee_id = v.assignee_id || null;
    }
    if (!Object.keys(changes).length) return close(a);
    close(await api.activities.update(a.id, changes));
  }, { 'aria-label': 'Edit activity' }));
}

/** Completes or reopens a task. @param {any} a */
export function toggleTask(a) {
  return pulse.request('POST', `/api/v1/activities/${encodeURIComponent(a.id)}/${a.completed_at ? 'reopen' : 'complete'}`, {});
}
