// Settings sections about notifications and email: the workspace's
// switch per signal (owners and managers change them, everyone sees
// them), each person's own channels per signal (in the app, by email),
// the nurture email templates (owners and managers) and what each is
// sent for (a stage or a lead status), and, for owners,
// the email outbox and the scheduler's job runs.

import { h, replace, toast, announce, modal } from '../dom.js';
import { pulse, can, memberName } from '../session.js';
import { describe } from '../errors.js';
import { dateTime } from '../format.js';
import { field, form, fieldError } from '../ui/form.js';
import { STATUSES, STATUS_LABELS } from '../leads-data.js';

/** The signals, in the API's order, as people call them. */
const SIGNALS = [
  ['assignments', 'Assignments', 'A lead, deal or task is given to you.'],
  ['hot_leads', 'Hot leads', 'A lead of yours turns hot.'],
  ['overdue_activities', 'Overdue tasks', 'Your tasks and next actions pass their date.'],
  ['stale_leads', 'Stale leads', 'Your leads go without contact for too long.'],
  ['stale_deals', 'Stale deals', 'Your open deals go 14 days without an update.'],
  ['nurture', 'Nurture', 'A nurture step ran for one of your records.'],
  ['invitation_accepted', 'Invitation accepted', 'Someone joined the workspace (owners).'],
];

// ---------------------------------------------------------------- notifications

/** @param {HTMLElement} el */
export async function notificationsSection(el) {
  const [settings, prefs] = await Promise.all([
    pulse.request('GET', '/api/v1/notification-settings'),
    pulse.request('GET', '/api/v1/me/notification-preferences'),
  ]);
  const manage = can.managePipelines();
  /** Sends one change; a refusal shows in that row. */
  const change = async (/** @type {HTMLInputElement} */ box, /** @type {string} */ errId, /** @type {() => Promise<any>} */ send, /** @type {string} */ done) => {
    const out = document.getElementById(errId);
    if (out) out.textContent = '';
    box.disabled = true;
    try {
      await send();
      announce(done);
    } catch (e) {
      box.checked = !box.checked;
      if (out) out.textContent = describe(e);
    } finally {
      box.disabled = false;
    }
  };
  replace(el,
    h('section', null,
      h('h2', null, 'Notifications'),
      h('p', { class: 'muted' }, 'The workspace switches turn a kind of notification on or off for everyone. Your own choices say how you hear of those that are on: in the app (the bell) and by email.'),
      manage ? null : h('p', { class: 'muted' }, 'Only owners and managers change the workspace switches.'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table prefs-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Notification'),
          h('th', { scope: 'col' }, 'On in the workspace'),
          h('th', { scope: 'col' }, 'In the app (me)'),
          h('th', { scope: 'col' }, 'By email (me)'))),
        h('tbody', null, SIGNALS.map(([key, label, why]) => {
          const errId = `pref-err-${key}`;
          const on = settings[key];
          return h('tr', null,
            h('td', null, h('strong', null, label), h('div', { class: 'muted small' }, why), h('p', { id: errId, class: 'action-error', role: 'alert' })),
            h('td', null, h('input', {
              type: 'checkbox', checked: on, disabled: !manage, 'aria-label': `${label}: on in the workspace`, 'aria-describedby': errId,
              onchange: (/** @type {Event} */ e) => {
                const box = /** @type {HTMLInputElement} */ (e.target);
                change(box, errId, () => pulse.request('PATCH', '/api/v1/notification-settings', { body: { [key]: box.checked } }),
                  `${label} ${box.checked ? 'on' : 'off'} for the workspace.`);
              },
            })),
            ['in_app', 'email'].map((channel) => h('td', null, h('input', {
              type: 'checkbox', checked: prefs[key]?.[channel], 'aria-label': `${label}: ${channel === 'in_app' ? 'in the app' : 'by email'}`, 'aria-describedby': errId,
              onchange: (/** @type {Event} */ e) => {
                const box = /** @type {HTMLInputElement} */ (e.target);
                change(box, errId, () => pulse.request('PATCH', '/api/v1/me/notification-preferences', { body: { [key]: { [channel]: box.checked } } }),
                  `${label} ${channel === 'in_app' ? 'in the app' : 'by email'}: ${box.checked ? 'on' : 'off'}.`);
              },
            }))));
        }))))));
}

// ---------------------------------------------------------------- email templates

/**
 * What a template can be bound to: the workspace's stages (by pipeline)
 * and the lead statuses, with whether each one's nurture is on.
 * @typedef {{ pipelines: any[], stages: Map<string, { pipeline: any, stage: any }>, leadNurture: Record<string, boolean> }} Triggers
 */

/** @returns {Promise<Triggers>} */
async function loadTriggers() {
  const [pipelines, leadNurture] = await Promise.all([
    pulse.pipelines.list(),
    pulse.request('GET', '/api/v1/lead-nurture'),
  ]);
  const stages = new Map();
  for (const p of pipelines) for (const s of p.stages) stages.set(s.id, { pipeline: p, stage: s });
  return { pipelines, stages, leadNurture };
}

/** The select's value for a template's binding. @param {any|null} t */
function bindingOf(t) {
  if (t?.stage_id) return `stage:${t.stage_id}`;
  if (t?.lead_status) return `lead:${t.lead_status}`;
  return '';
}

/** A template's binding in words, and whether its nurture is on. @param {any} t @param {Triggers} tr */
function bindingText(t, tr) {
  if (t.stage_id) {
    const found = tr.stages.get(t.stage_id);
    if (!found) return ['A deal reaches a stage that no longer exists', false];
    return [`A deal reaches ${found.pipeline.name} › ${found.stage.name}`, !!found.stage.auto_nurture];
  }
  if (t.lead_status) {
    const label = STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (t.lead_status)] ?? t.lead_status;
    return [`A lead becomes ${label}`, !!tr.leadNurture[t.lead_status]];
  }
  return [null, false];
}

/** @param {HTMLElement} el */
export async function templatesSection(el) {
  const [{ templates }, triggers] = await Promise.all([pulse.request('GET', '/api/v1/email-templates'), loadTriggers()]);
  const redraw = () => templatesSection(el);
  replace(el,
    h('section', null,
      h('h2', null, 'Email templates'),
      h('p', { class: 'muted' }, 'Templates for nurture emails. Write placeholders in double braces, such as {{contact.first_name}} or {{deal}}: each is filled in (and escaped) when the email is sent.'),
      h('p', { class: 'muted' }, 'Bind a template to a stage or a lead status to send it when a deal reaches that stage or a lead that status, if that step’s nurture is on (auto-nurture under Pipelines and stages; lead statuses under Lead sources, scoring and nurture). One template per stage or status.'),
      templateForm(null, triggers, async (body) => {
        const t = await pulse.request('POST', '/api/v1/email-templates', { body });
        toast(`Template ${t.name} created.`);
        await redraw();
      }),
      templates.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Name', 'Subject', 'Sent when', 'Placeholders', 'Updated', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, templates.map((/** @type {any} */ t) => {
          const [when, on] = bindingText(t, triggers);
          return h('tr', null,
            h('td', null, t.name),
            h('td', null, t.subject),
            h('td', null, when
              ? [when, h('div', { class: 'muted small' }, on ? 'nurture on' : 'nurture off: not sent')]
              : h('span', { class: 'muted' }, 'not bound')),
            h('td', null, t.placeholders.length ? t.placeholders.map((/** @type {string} */ p) => h('code', { class: 'tag' }, p)) : h('span', { class: 'muted' }, 'none')),
            h('td', null, dateTime(t.updated_at)),
            h('td', null, h('div', { class: 'button-row' },
              h('button', {
                type: 'button', class: 'small',
                onclick: () => modal(`Edit ${t.name}`, (close) => templateForm(t, triggers, async (body) => {
                  await pulse.request('PATCH', `/api/v1/email-templates/${t.id}`, { body });
                  toast(`Template ${body.name} saved.`);
                  close(true);
                }, () => close(false))).then((ok) => ok && redraw()),
              }, `Edit ${t.name}`),
              h('button', {
                type: 'button', class: 'small danger',
                onclick: async () => {
                  if (!confirm(`Delete the template ${t.name}?`)) return;
                  try {
                    await pulse.request('DELETE', `/api/v1/email-templates/${t.id}`);
                    toast(`Template ${t.name} deleted.`);
                  } catch (e) {
                    toast(describe(e), 'error');
                  }
                  await redraw();
                },
              }, `Delete ${t.name}`))));
        })))) : h('p', { class: 'muted' }, 'No templates yet.')));
}

/**
 * The server's refusals of a template, moved onto the form's fields:
 * the binding's conflicts (`template_bound`, `field_conflict` on
 * `stage_id` or `lead_status`) onto the "Sent when" select, a taken name
 * onto the name.
 * @param {any} e
 */
function templateError(e) {
  if (e?.code === 'template_bound') return fieldError('binding', 'Another template is already sent at this step. Unbind that one first, or choose another stage or status.');
  if (e?.code === 'name_taken') return fieldError('name', 'Another template has this name.');
  if (e?.code === 'field_conflict' && e.fields?.length) {
    return {
      ...e,
      fields: e.fields.map((/** @type {any} */ f) => f.field === 'stage_id' || f.field === 'lead_status'
        ? { field: 'binding', message: f.field === 'stage_id' && /no such stage/i.test(f.message) ? 'This stage no longer exists. Choose another.' : f.message }
        : f),
    };
  }
  return e;
}

/**
 * @param {any|null} t the template to edit, or null for a new one
 * @param {Triggers} tr
 * @param {(body: Record<string, any>) => Promise<void>} save
 * @param {() => void} [cancel]
 */
function templateForm(t, tr, save, cancel) {
  const current = bindingOf(t);
  const selectId = `f-binding-${Math.random().toString(36).slice(2, 7)}`;
  const opt = (/** @type {string} */ value, /** @type {string} */ label) => h('option', { value, selected: value === current }, label);
  const binding = h('div', { class: 'field' },
    h('label', { for: selectId }, 'Sent when'),
    h('select', { id: selectId, name: 'binding' },
      opt('', 'Not sent automatically'),
      tr.pipelines.map((p) => h('optgroup', { label: `A deal reaches a stage of ${p.name}${p.archived ? ' (archived)' : ''}` },
        p.stages.map((/** @type {any} */ s) => opt(`stage:${s.id}`, `${p.name} › ${s.name}${s.auto_nurture ? '' : ' (auto-nurture off)'}`)))),
      h('optgroup', { label: 'A lead reaches a status' },
        STATUSES.map((st) => opt(`lead:${st}`, `Lead: ${STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (st)]}${tr.leadNurture[st] ? '' : ' (nurture off)'}`)))),
    h('small', { class: 'hint' }, 'One template per stage or lead status.'));
  return form([
    field('Template name', { name: 'name', value: t?.name ?? '', maxlength: '100', required: true, autofocus: !!t }),
    field('Subject', { name: 'subject', value: t?.subject ?? '', maxlength: '300', required: true, placeholder: 'e.g. Following up, {{contact.first_name}}' }),
    field('Body', { name: 'body', type: 'textarea', rows: '6', maxlength: '20000', required: true, value: t?.body ?? '' }),
    binding,
    h('div', { class: 'actions' },
      cancel ? h('button', { type: 'button', onclick: cancel }, 'Cancel') : null,
      h('button', { type: 'submit', class: 'primary' }, t ? 'Save template' : 'Create template')),
  ], async (v, f) => {
    if (!v.name.trim()) throw fieldError('name', 'Name the template.');
    if (!v.subject.trim()) throw fieldError('subject', 'Write a subject.');
    if (!v.body.trim()) throw fieldError('body', 'Write the email.');
    /** @type {Record<string, any>} */
    const body = { name: v.name.trim(), subject: v.subject.trim(), body: v.body };
    const chosen = v.binding ?? '';
    // A new template sends its binding if any; an edit only a changed one.
    // Binding to one kind of trigger unbinds the other on the server.
    if (!t || chosen !== current) {
      if (chosen.startsWith('stage:')) body.stage_id = chosen.slice(6);
      else if (chosen.startsWith('lead:')) body.lead_status = chosen.slice(5);
      else if (t) Object.assign(body, t.stage_id ? { stage_id: null } : { lead_status: null });
    }
    try {
      await save(body);
    } catch (e) {
      throw templateError(e);
    }
    if (!t) f.reset();
  }, { class: 'card-form', 'aria-label': t ? `Edit template ${t.name}` : 'Create an email template' });
}

// ---------------------------------------------------------------- outbox and job runs

/** @param {HTMLElement} el */
export async function operationsSection(el) {
  const outbox = h('div', { id: 'outbox' });
  const runs = h('div', { id: 'job-runs' });
  replace(el,
    h('section', null,
      h('h2', null, 'Email outbox'),
      h('p', { class: 'muted' }, 'Every email Pulse sends, newest first. Without an SMTP server configured, emails wait here as pending.'),
      outbox),
    h('section', null,
      h('h2', null, 'Scheduled jobs'),
      h('p', { class: 'muted' }, 'Runs of the daily digest, the follow-up reminders, lead re-scoring, the stale refresh and the pruning, newest first.'),
      runs));
  await Promise.all([pagedTable(outbox, {
    path: '/api/v1/outbox',
    filter: ['status', 'Status', [['pending', 'Pending'], ['sent', 'Sent'], ['failed', 'Failed']]],
    columns: ['Created', 'To', 'Subject', 'Kind', 'Status', 'Attempts', 'Sent'],
    empty: 'No emails yet.',
    row: (/** @type {any} */ m) => h('tr', null,
      h('td', null, dateTime(m.created_at)),
      h('td', null, m.to, m.recipient_id ? h('div', { class: 'muted small' }, memberName(m.recipient_id)) : null),
      h('td', null, h('details', null, h('summary', null, m.subject), h('div', { class: 'outbox-body' }, m.body))),
      h('td', null, m.kind.replace(/_/g, ' ')),
      h('td', null, m.status, m.last_error ? h('div', { class: 'action-error' }, m.last_error) : null,
        m.status === 'pending' ? h('div', { class: 'muted small' }, `next try ${dateTime(m.next_attempt_at)}`) : null),
      h('td', null, String(m.attempts)),
      h('td', null, m.sent_at ? dateTime(m.sent_at) : '')),
  }), pagedTable(runs, {
    path: '/api/v1/jobs/runs',
    filter: ['job', 'Job', [['daily_digest', 'Daily digest'], ['follow_up_reminders', 'Follow-up reminders'], ['lead_rescore', 'Lead re-scoring'], ['stale_refresh', 'Stale refresh'], ['prune', 'Pruning']]],
    columns: ['Job', 'Slot', 'Attempt', 'Started', 'Finished', 'Outcome', 'Counts'],
    empty: 'No runs yet.',
    row: (/** @type {any} */ r) => h('tr', null,
      h('td', null, r.job.replace(/_/g, ' ')),
      h('td', null, dateTime(r.slot)),
      h('td', null, String(r.attempt)),
      h('td', null, dateTime(r.started_at)),
      h('td', null, r.finished_at ? dateTime(r.finished_at) : 'running'),
      h('td', null, r.outcome, r.error ? h('div', { class: 'action-error' }, r.error) : null),
      h('td', null, Object.entries(r.counts ?? {}).map(([k, n]) => h('div', { class: 'small' }, `${k.replace(/_/g, ' ')}: ${typeof n === 'object' ? JSON.stringify(n) : n}`)))),
  })]);
}

/**
 * A cursor-paged table with one filter and "Show more".
 * @param {HTMLElement} el
 * @param {{ path: string, filter: [string, string, [string, string][]], columns: string[], empty: string, row: (item: any) => HTMLElement }} spec
 */
async function pagedTable(el, spec) {
  const [key, label, options] = spec.filter;
  let value = '';
  /** @type {string|null} */
  let cursor = null;
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'small', hidden: true, onclick: () => load(true) }, 'Show more');
  const status = h('p', { class: 'muted', role: 'status' });
  const load = async (/** @type {boolean} */ next) => {
    try {
      const page = await pulse.request('GET', spec.path, { query: { limit: 25, [key]: value || undefined, cursor: next ? cursor ?? undefined : undefined } });
      if (!next) body.replaceChildren();
      for (const item of page.items) body.append(spec.row(item));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      status.textContent = body.childElementCount ? '' : spec.empty;
    } catch (e) {
      status.textContent = describe(e);
    }
  };
  replace(el,
    h('label', { class: 'inline-label' }, `${label} `, h('select', {
      onchange: (/** @type {Event} */ e) => {
        value = /** @type {HTMLSelectElement} */ (e.target).value;
        load(false);
      },
    }, h('option', { value: '' }, 'All'), options.map(([v, l]) => h('option', { value: v }, l)))),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', null, h('tr', null, spec.columns.map((c) => h('th', { scope: 'col' }, c)))),
      body)),
    status,
    more);
  await load(false);
}
