// One lead (`#/leads/<id>`): the next-action block, the status changes
// the flow allows, one-click conversion (into contact, company and deal,
// then links to them: the deal opens on its board), score and score
// history with its factors, engagement, the details, and the activities
// timeline with a form to log one.
//
// Live: follows `leads` (this lead's snapshots, applied when their
// version is newer) and `activities` (the timeline reloads when an
// activity of this lead changes). The edit form is a dialog: a change
// made meanwhile by someone else makes its save answer 412, and the
// dialog says so.

import { h, replace, toast, announce, modal } from '../dom.js';
import { pulse, session, memberName, onMembersChanged } from '../session.js';
import { describe } from '../errors.js';
import { money, date, dateTime, today } from '../format.js';
import { navigate } from '../router.js';
import { reloaded } from '../status.js';
import { field, form, fieldError } from '../ui/form.js';
import { leadDialog } from '../ui/lead-form.js';
import { statusPill, scoreBadge } from './leads.js';
import {
  leadsApi, loadSources, sourceLabel, NEXT_STATUSES, STATUS_ACTIONS, STATUS_LABELS, OPEN, FACTORS, mayWriteLeads,
} from '../leads-data.js';

/** Field names in the server's errors, as a person reads them. */
const LABELS = {
  next_action_date: 'Next action date',
  next_action: 'Next action',
  status: 'Status',
  stage_id: 'Stage',
  pipeline_id: 'Pipeline',
  deal_title: 'Deal title',
  owner_id: 'Owner',
};

/** Lead errors in words: field names become labels. @param {any} e */
function explain(e) {
  if (e?.fields?.length) {
    return e.fields.map((/** @type {any} */ f) => {
      const label = LABELS[/** @type {keyof LABELS} */ (f.field)] ?? f.field;
      const m = String(f.message);
      return `${label}: ${m}${/[.!?]$/.test(m) ? '' : '.'}`;
    }).join(' ');
  }
  return describe(e, {
    version_mismatch: 'Someone changed this lead meanwhile; reloaded. Check it and try again.',
    forbidden: 'Your role does not allow changing this lead.',
  });
}

const ACTIVITY_TYPES = [['note', 'Note'], ['call', 'Call'], ['email', 'Email'], ['meeting', 'Meeting'], ['task', 'Task']];

const state = {
  /** @type {HTMLElement|null} */ view: null,
  id: '',
  /** @type {any} */ lead: null,
  deleted: false,
  /** @type {any[]} */ sources: [],
  /** @type {any[]|null} */ scores: null,
  /** The workspace's scoring weights: each factor's most points. @type {Record<string, number>} */ weights: {},
  /** @type {any[]|null} */ activities: null,
  /** @type {{ contact?: any, company?: any, deal?: any }} */ converted: {},
  /** @type {any[]} */ subs: [],
  /** @type {ReturnType<typeof setTimeout>|null} */ timelineTimer: null,
};

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, [id]) {
  state.view = view;
  const touched = (/** @type {Event} */ e) => { /** @type {HTMLElement} */ (e.target).dataset.touched = '1'; };
  view.addEventListener('input', touched);
  view.addEventListener('change', touched);
  const offMembers = onMembersChanged(() => state.lead && draw());
  state.subs = [
    pulse.subscribe('leads', onLeadEvent, {
      onReset: async () => {
        await load();
        reloaded();
      },
    }),
    pulse.subscribe('activities', onActivityEvent, { onReset: () => loadTimeline() }),
  ];
  await open(/** @type {string} */ (id));
  return () => {
    for (const s of state.subs) s.close();
    state.subs = [];
    view.removeEventListener('input', touched);
    view.removeEventListener('change', touched);
    if (state.timelineTimer) clearTimeout(state.timelineTimer);
    state.timelineTimer = null;
    offMembers();
  };
}

/** @param {(string|null)[]} params */
export async function update([id]) {
  await open(/** @type {string} */ (id));
}

/** @param {string} id */
async function open(id) {
  state.id = id;
  state.lead = null;
  state.scores = state.activities = null;
  state.converted = {};
  state.deleted = false;
  replace(/** @type {HTMLElement} */ (state.view), h('p', { class: 'loading' }, 'Loading…'));
  state.sources = await loadSources().catch(() => []);
  await load();
}

async function load() {
  try {
    state.lead = await leadsApi.get(state.id);
  } catch (e) {
    replace(/** @type {HTMLElement} */ (state.view),
      h('p', null, h('a', { href: '#/leads' }, '← Leads')),
      h('p', { class: 'form-error', role: 'alert' }, /** @type {any} */ (e).status === 404
        ? 'This lead does not exist, was deleted, or is not yours to see.' : describe(e)));
    return;
  }
  document.title = `${state.lead.name} · Leads · Pulse`;
  draw();
  loadScores();
  loadTimeline();
  loadConversion();
}

/** @param {any} ev */
function onLeadEvent(ev) {
  const l = ev.data?.lead;
  if (ev.type === 'lead.source_changed') {
    loadSources(true).then((s) => { state.sources = s; if (state.lead) draw(); }, () => {});
    return;
  }
  if (!l || l.id !== state.id || !state.lead) return;
  if (ev.type === 'lead.deleted' || l.deleted_at) {
    state.deleted = true;
    draw();
    return;
  }
  if (l.version <= state.lead.version) return;
  const scored = l.score !== state.lead.score || ev.type === 'lead.scored';
  state.lead = l;
  draw();
  if (scored) loadScores();
  if (ev.type === 'lead.converted') loadConversion();
}

/** @param {any} ev */
function onActivityEvent(ev) {
  const a = ev.data?.activity ?? ev.data;
  if (a?.lead_id !== state.id) return;
  if (state.timelineTimer) return;
  state.timelineTimer = setTimeout(() => {
    state.timelineTimer = null;
    loadTimeline();
  }, 150);
}

/**
 * Reads the lead again after this page logged an activity on it: the
 * activity raised its engagement and score (a new version). Other people's
 * activities arrive as `lead.updated` on `leads`, like any lead change.
 */
async function refreshEngagement() {
  try {
    applyAnswer(await leadsApi.get(state.id));
  } catch { /* the page keeps what it showed */ }
}

async function loadScores() {
  try {
    const [history, weights] = await Promise.all([leadsApi.scores(state.id), leadsApi.scoring().catch(() => state.weights)]);
    state.scores = history.scores;
    state.weights = weights;
  } catch {
    state.scores = [];
  }
  drawScore();
}

async function loadTimeline() {
  try {
    state.activities = (await leadsApi.activities({ lead_id: state.id, limit: 100 })).items;
  } catch (e) {
    const el = document.getElementById('lead-timeline');
    if (el) replace(el, h('p', { class: 'form-error' }, describe(e)));
    return;
  }
  drawTimeline();
}

/** What a converted lead became, with names to show. */
async function loadConversion() {
  const c = state.lead?.converted;
  if (!c) return;
  const get = (/** @type {string} */ path) => pulse.request('GET', path).catch(() => null);
  const [contact, company, deal] = await Promise.all([
    get(`/api/v1/contacts/${c.contact_id}`),
    c.company_id ? get(`/api/v1/companies/${c.company_id}`) : null,
    get(`/api/v1/deals/${c.deal_id}`),
  ]);
  state.converted = { contact, company, deal };
  drawConversion();
}

// ---------------------------------------------------------------- drawing

function writable() {
  return mayWriteLeads() && !state.deleted && state.lead?.status !== 'converted';
}

/**
 * What a person is in the middle of, kept across a redraw: the fields
 * they typed into (marked `data-touched` on input), the open <details>
 * and the focused field. A snapshot arriving live then never wipes a
 * half-typed next action or activity.
 * @param {HTMLElement} root
 */
function keepInput(root) {
  const key = (/** @type {Element} */ el) => `${el.closest('form')?.getAttribute('aria-label') ?? ''}|${el.getAttribute('name') ?? el.id}`;
  const typed = [...root.querySelectorAll('[data-touched]')].map((el) => {
    const input = /** @type {HTMLInputElement} */ (el);
    return { key: key(el), value: input.value, checked: input.checked };
  });
  const open = [...root.querySelectorAll('details[open] > summary')].map((el) => el.textContent);
  const active = document.activeElement && root.contains(document.activeElement) ? document.activeElement : null;
  const focused = active?.matches('input, textarea, select') ? key(active) : null;
  const button = active?.matches('button, a') ? active.textContent : null;
  const section = active?.closest('section[aria-labelledby]')?.getAttribute('aria-labelledby') ?? null;
  return () => {
    if (active && !active.isConnected) {
      // The focused control was redrawn: the same button, or the first
      // control of its section, keeps the keyboard where it was.
      const again = [...root.querySelectorAll('button, a')].find((el) => el.textContent === button);
      const inSection = section ? root.querySelector(`section[aria-labelledby="${section}"]`)?.querySelector('button:not([disabled]), a, input, select, textarea') : null;
      /** @type {HTMLElement|null|undefined} */ (again ?? inSection)?.focus();
    }
    for (const d of root.querySelectorAll('details')) {
      if (open.includes(d.querySelector(':scope > summary')?.textContent ?? null)) d.open = true;
    }
    for (const el of root.querySelectorAll('input, textarea, select')) {
      const k = key(el);
      const t = typed.find((x) => x.key === k);
      const input = /** @type {HTMLInputElement} */ (el);
      if (t) {
        if (input.type === 'checkbox') input.checked = t.checked;
        else input.value = t.value;
        input.dataset.touched = '1';
      }
      if (k === focused) input.focus();
    }
  };
}

/**
 * A form was saved: what it shows is the server's again. A live
 * snapshot may have redrawn the page while the request ran, so the form
 * on screen can be a copy of `f` (same label): both are cleared, and the
 * page is drawn from the newest lead.
 * @param {HTMLElement} f
 */
function untouch(f) {
  const label = f.getAttribute('aria-label');
  const live = label ? state.view?.querySelector(`form[aria-label="${CSS.escape(label)}"]`) : null;
  for (const form of [f, live]) {
    for (const el of form?.querySelectorAll('[data-touched]') ?? []) delete /** @type {HTMLElement} */ (el).dataset.touched;
  }
  if (state.lead) draw();
}

function draw() {
  const l = state.lead;
  const currency = session.workspace?.currency ?? 'USD';
  const restore = keepInput(/** @type {HTMLElement} */ (state.view));
  replace(/** @type {HTMLElement} */ (state.view),
    h('article', { class: 'lead-page', 'aria-labelledby': 'lead-title' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/leads' }, '← Leads')),
      h('header', { class: 'lead-header' },
        h('div', null,
          h('h1', { id: 'lead-title' }, l.name || '(no name)'),
          h('p', { class: 'lead-sub' },
            statusPill(l.status), ' ', scoreBadge(l.score, l.band),
            l.overdue ? h('span', { class: 'flag flag-sla' }, 'Overdue') : null,
            l.stale && !l.overdue ? h('span', { class: 'flag flag-stale' }, 'Stale') : null,
            h('span', { class: 'muted' }, [l.job_title, l.company_name].filter(Boolean).join(' at ')))),
        mayWriteLeads() && !state.deleted ? h('div', { class: 'button-row' },
          l.status === 'converted' ? null : h('button', { type: 'button', id: 'edit-lead', onclick: edit }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete')) : null),
      state.deleted ? h('p', { class: 'notice', role: 'alert' }, 'This lead was deleted.') : null,
      h('div', { class: 'lead-grid' },
        h('div', { class: 'lead-main' },
          nextActionBlock(),
          h('section', { class: 'panel', 'aria-labelledby': 'status-title' },
            h('h2', { id: 'status-title' }, 'Status'),
            statusBlock()),
          h('section', { class: 'panel', 'aria-labelledby': 'convert-title', id: 'convert-panel' },
            h('h2', { id: 'convert-title' }, 'Conversion'),
            h('div', { id: 'lead-conversion' })),
          h('section', { class: 'panel', 'aria-labelledby': 'timeline-title' },
            h('h2', { id: 'timeline-title' }, 'Activities'),
            writable() || (mayWriteLeads() && !state.deleted) ? activityForm() : null,
            h('div', { id: 'lead-timeline' }, h('p', { class: 'muted' }, 'Loading…')))),
        h('aside', { class: 'lead-side' },
          h('section', { class: 'panel', 'aria-labelledby': 'score-title' },
            h('h2', { id: 'score-title' }, 'Score'),
            h('div', { id: 'lead-score' })),
          h('section', { class: 'panel', 'aria-labelledby': 'engagement-title' },
            h('h2', { id: 'engagement-title' }, 'Engagement'),
            h('div', { id: 'lead-engagement' }, engagementBlock())),
          h('section', { class: 'panel', 'aria-labelledby': 'details-title' },
            h('h2', { id: 'details-title' }, 'Details'),
            h('dl', { class: 'details' },
              dt('Email', l.email ? h('a', { href: `mailto:${l.email}` }, l.email) : null),
              dt('Phone', l.phone ? h('a', { href: `tel:${l.phone}` }, l.phone) : null),
              dt('Company', l.company_name),
              dt('Company size', l.company_size ? `${l.company_size} employees` : null),
              dt('Job title', l.job_title),
              dt('Estimated value', l.estimated_value != null ? money(l.estimated_value, currency) : null),
              dt('Source', sourceLabel(state.sources, l.source)),
              dt('Owner', memberName(l.owner_id)),
              dt('Tags', l.tags.length ? l.tags.map((/** @type {string} */ t) => h('a', { class: 'tag', href: `#/leads?tag=${encodeURIComponent(t)}` }, t)) : null),
              Object.entries(l.custom_fields ?? {}).map(([k, v]) => dt(k, Array.isArray(v) ? v.join(', ') : String(v))),
              dt('External id', l.external_id),
              dt('Created', dateTime(l.created_at)),
              dt('Updated', `${dateTime(l.updated_at)} · version ${l.version}`)),
            l.notes ? h('div', { class: 'notes' }, h('h3', null, 'Notes'), h('p', { class: 'prewrap' }, l.notes)) : null)))));
  drawConversion();
  drawScore();
  drawTimeline();
  restore();
}

/** @param {string} label @param {any} value */
function dt(label, value) {
  if (value == null || value === '' || (Array.isArray(value) && !value.length)) return null;
  return [h('dt', null, label), h('dd', null, value)];
}

function nextActionBlock() {
  const l = state.lead;
  const open = OPEN.includes(l.status);
  const shown = h('div', { class: 'next-action-now' },
    l.next_action || l.next_action_date
      ? [
        h('p', { class: 'next-action-text' }, l.next_action || 'A next step'),
        l.next_action_date ? h('p', { class: l.overdue ? 'due overdue' : 'due' },
          l.overdue ? `Was due ${date(l.next_action_date)}` : `Due ${date(l.next_action_date)}`) : h('p', { class: 'muted' }, 'No date set.'),
      ]
      : h('p', { class: 'muted' }, open ? 'No next step yet. Every open lead needs one.' : 'No next step.'));
  const editable = writable();
  return h('section', { class: `panel next-action${l.overdue ? ' is-overdue' : ''}`, 'aria-labelledby': 'next-title' },
    h('h2', { id: 'next-title' }, 'Next action'),
    shown,
    editable ? form([
      h('div', { class: 'field-row' },
        field('What', { name: 'next_action', value: l.next_action ?? '', maxlength: '500', placeholder: 'e.g. Send the pricing sheet' }),
        field('When', { name: 'next_action_date', type: 'date', value: l.next_action_date ?? '', min: today() })),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'small primary' }, 'Save next action'),
        l.next_action || l.next_action_date
          ? h('button', { type: 'button', class: 'small', onclick: () => saveFields({ next_action: null, next_action_date: null }, 'Next action cleared.') }, 'Clear')
          : null),
    ], async (v, f) => {
      const changes = { next_action: v.next_action.trim() || null, next_action_date: v.next_action_date || null };
      const updated = await leadsApi.update(l.id, changes, l.version);
      untouch(f);
      applyAnswer(updated);
      announce('Next action saved.');
    }, { class: 'next-action-form', 'aria-label': 'Next action' }) : null);
}

/** Saves fields from a button (not a form): errors go next to the block. @param {Record<string, any>} changes @param {string} done */
async function saveFields(changes, done) {
  try {
    applyAnswer(await leadsApi.update(state.lead.id, changes, state.lead.version));
    announce(done);
  } catch (e) {
    toast(explain(e), 'error');
    if (/** @type {any} */ (e).code === 'version_mismatch') await load();
  }
}

/** A newer lead from an answer. @param {any} l */
function applyAnswer(l) {
  if (!state.lead || l.version > state.lead.version) {
    const scored = l.score !== state.lead?.score;
    state.lead = l;
    draw();
    if (scored) loadScores();
  }
}

function statusBlock() {
  const l = state.lead;
  const next = NEXT_STATUSES[l.status] ?? [];
  const errorId = 'status-error';
  if (!writable() || !next.length) {
    return h('p', null, 'This lead is ', statusPill(l.status), '.',
      l.status === 'converted' ? ' Converted leads do not change.' : '');
  }
  return h('div', { class: 'status-actions' },
    h('p', { class: 'flow' }, ['new', 'contacted', 'qualified'].map((s, i) => [
      i ? h('span', { class: 'muted', 'aria-hidden': 'true' }, ' → ') : null,
      h('span', { class: s === l.status ? 'flow-step current' : 'flow-step', 'aria-current': s === l.status ? 'step' : null },
        STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (s)]),
    ]), l.status === 'unqualified' ? h('span', null, ' · ', h('strong', null, 'Unqualified')) : null),
    h('div', { class: 'button-row' }, next.map((s) => h('button', {
      type: 'button',
      class: s === 'unqualified' ? 'small danger' : 'small',
      'aria-describedby': errorId,
      onclick: async (/** @type {Event} */ e) => {
        const btn = /** @type {HTMLButtonElement} */ (e.currentTarget);
        const out = document.getElementById(errorId);
        if (out) out.textContent = '';
        if (s === 'qualified' && !l.next_action_date) {
          if (out) out.textContent = 'A qualified lead needs a next action date: set one in Next action first.';
          /** @type {HTMLElement|null} */ (document.querySelector('.next-action-form input[name="next_action_date"]'))?.focus();
          return;
        }
        btn.disabled = true;
        try {
          applyAnswer(await leadsApi.update(l.id, { status: s }, l.version));
          announce(`Lead is now ${STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (s)]}.`);
        } catch (err) {
          if (out) out.textContent = explain(err);
          btn.disabled = false;
          if (/** @type {any} */ (err).code === 'version_mismatch') await load();
        }
      },
    }, STATUS_ACTIONS[/** @type {keyof STATUS_ACTIONS} */ (s)] ?? STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (s)]))),
    h('p', { id: errorId, class: 'action-error', role: 'alert' }),
    l.status === 'contacted' ? h('p', { class: 'hint small' }, 'Qualifying needs a next action date.') : null);
}

function drawConversion() {
  const el = document.getElementById('lead-conversion');
  const l = state.lead;
  if (!el || !l) return;
  const c = l.converted;
  if (c) {
    const { contact, company, deal } = state.converted;
    replace(el,
      h('p', null, `Converted on ${dateTime(c.at)} into:`),
      h('ul', { class: 'converted-links' },
        h('li', null, 'Contact: ', h('a', { href: `#/contacts/${c.contact_id}` }, contact ? contactName(contact) : 'the contact')),
        c.company_id ? h('li', null, 'Company: ', h('a', { href: `#/companies/${c.company_id}` }, company?.name ?? 'the company')) : null,
        h('li', null, 'Deal: ', h('a', { href: deal ? `#/board/${deal.pipeline_id}/deal/${deal.id}` : `#/deals/${c.deal_id}`, id: 'converted-deal' },
          deal ? `${deal.title} (${money(deal.amount, deal.currency)})` : 'the deal'), ' ', h('span', { class: 'muted' }, 'on the board'))));
    return;
  }
  if (!mayWriteLeads() || state.deleted) {
    replace(el, h('p', { class: 'muted' }, 'Not converted.'));
    return;
  }
  const errorId = 'convert-error';
  const blocked = l.status === 'unqualified';
  replace(el,
    h('p', { class: 'muted' }, 'Turns the lead into a contact, a company (when it names one) and a deal, in one step. An existing contact with the same email, or company with the same name, is linked instead.'),
    h('div', { class: 'button-row' },
      h('button', {
        type: 'button', class: 'primary', id: 'convert-lead', disabled: blocked, 'aria-describedby': errorId,
        onclick: (/** @type {Event} */ e) => convert(/** @type {HTMLButtonElement} */ (e.currentTarget), {}),
      }, 'Convert to deal'),
      h('button', { type: 'button', class: 'small', disabled: blocked, onclick: convertWithOptions }, 'Choose pipeline…')),
    h('p', { id: errorId, class: 'action-error', role: 'alert' }, blocked ? 'An unqualified lead is moved back to contacted before it is converted.' : ''));
}

/** @param {any} c */
function contactName(c) {
  return c.name ?? ([c.first_name, c.last_name].filter(Boolean).join(' ') || c.email || 'the contact');
}

/** @param {HTMLButtonElement|null} btn @param {Record<string, any>} body */
async function convert(btn, body) {
  const out = document.getElementById('convert-error');
  if (out) out.textContent = '';
  if (btn) btn.disabled = true;
  try {
    const l = await leadsApi.convert(state.lead.id, body);
    applyAnswer(l);
    announce('Lead converted. Links to the contact, company and deal follow.');
    await loadConversion();
    /** @type {HTMLElement|null} */ (document.getElementById('converted-deal'))?.focus();
  } catch (e) {
    if (btn) btn.disabled = false;
    const o = document.getElementById('convert-error');
    if (o) o.textContent = explain(e);
  }
}

async function convertWithOptions() {
  let pipelines = [];
  try {
    pipelines = (await pulse.pipelines.list()).filter((p) => !p.archived);
  } catch (e) {
    toast(describe(e), 'error');
    return;
  }
  const l = state.lead;
  await modal(`Convert ${l.name}`, (close) => {
    const stageSelect = /** @type {HTMLSelectElement} */ (h('select', { id: 'convert-stage', name: 'stage_id' }));
    const pipelineSelect = /** @type {HTMLSelectElement} */ (h('select', { id: 'convert-pipeline', name: 'pipeline_id', autofocus: true },
      pipelines.map((p) => h('option', { value: p.id }, p.name))));
    const fill = () => {
      const p = pipelines.find((x) => x.id === pipelineSelect.value);
      stageSelect.replaceChildren(...(p?.stages ?? []).filter((/** @type {any} */ s) => s.kind === 'open')
        .map((/** @type {any} */ s) => h('option', { value: s.id }, s.name)));
    };
    pipelineSelect.addEventListener('change', fill);
    fill();
    return form([
      h('div', { class: 'field' }, h('label', { for: 'convert-pipeline' }, 'Pipeline'), pipelineSelect),
      h('div', { class: 'field' }, h('label', { for: 'convert-stage' }, 'Stage'), stageSelect),
      field('Deal title', { name: 'deal_title', maxlength: '200', placeholder: l.company_name || l.name, hint: 'Empty: named after the company, or the lead.' }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Convert')),
    ], async (v) => {
      if (!v.pipeline_id) throw fieldError('pipeline_id', 'Create a pipeline first (Settings → Pipelines).');
      const body = { pipeline_id: v.pipeline_id, ...(v.stage_id ? { stage_id: v.stage_id } : {}), ...(v.deal_title.trim() ? { deal_title: v.deal_title.trim() } : {}) };
      const converted = await leadsApi.convert(l.id, body);
      close(true);
      applyAnswer(converted);
      announce('Lead converted.');
      await loadConversion();
    });
  });
}

function drawScore() {
  const el = document.getElementById('lead-score');
  const l = state.lead;
  if (!el || !l) return;
  const latest = state.scores?.[0];
  const factors = latest?.factors ?? {};
  replace(el,
    h('div', { class: 'score-big' },
      h('span', { class: `score-number score-${l.band}` }, String(l.score)),
      h('span', null, h('strong', null, l.band), h('span', { class: 'muted' }, ' · out of 100'))),
    state.scores === null ? h('p', { class: 'muted' }, 'Loading…') : null,
    latest ? h('table', { class: 'factors' },
      h('caption', { class: 'visually-hidden' }, 'Points per factor'),
      h('tbody', null,
        FACTORS.map(([key, label, why]) => {
          const pts = Number(factors[key] ?? 0);
          const most = Number(state.weights[key] ?? 0);
          return h('tr', { title: why },
            h('th', { scope: 'row' }, label),
            h('td', { class: 'bar' }, h('meter', { min: '0', max: String(most || 1), value: String(Math.max(0, pts)), 'aria-label': `${label}: ${fmt(pts)} of ${fmt(most)} points` })),
            h('td', { class: 'num' }, `${fmt(pts)}/${fmt(most)}`));
        }),
        factors.decay ? h('tr', null, h('th', { scope: 'row' }, 'Decay (idle days)'), h('td'), h('td', { class: 'num' }, fmt(Number(factors.decay)))) : null)) : null,
    (state.scores?.length ?? 0) > 1 ? sparkline(/** @type {any[]} */ (state.scores)) : null,
    state.scores?.length ? h('details', { class: 'score-history' },
      h('summary', null, `Score history (${state.scores.length})`),
      h('ol', { class: 'history-list' }, state.scores.map((s, i) => {
        const prev = state.scores?.[i + 1]?.score;
        const delta = prev == null ? null : s.score - prev;
        return h('li', null,
          h('strong', null, String(s.score)),
          delta ? h('span', { class: delta > 0 ? 'up' : 'down' }, ` ${delta > 0 ? '+' : ''}${delta}`) : null,
          ' ', h('span', null, s.reason), ' ', h('time', { class: 'muted small', datetime: s.at }, dateTime(s.at)));
      }))) : null);
}

/** @param {number} n */
function fmt(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A small line of the scores over time (oldest left). @param {any[]} scores newest first, at least two */
function sparkline(scores) {
  const pts = [...scores].reverse().slice(-40);
  const w = 220;
  const hgt = 48;
  const step = w / (pts.length - 1);
  const coords = pts.map((s, i) => `${(i * step).toFixed(1)},${(hgt - (s.score / 100) * hgt).toFixed(1)}`).join(' ');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `-2 -2 ${w + 4} ${hgt + 4}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Score over time: ${pts.map((s) => s.score).join(', ')}`);
  for (const y of [hgt - 0.7 * hgt, hgt - 0.4 * hgt]) {
    const line = document.createElementNS(ns, 'line');
    line.setAttribute('x1', '0');
    line.setAttribute('x2', String(w));
    line.setAttribute('y1', String(y));
    line.setAttribute('y2', String(y));
    line.setAttribute('class', 'band-line');
    svg.append(line);
  }
  const poly = document.createElementNS(ns, 'polyline');
  poly.setAttribute('points', coords);
  poly.setAttribute('class', 'spark');
  svg.append(poly);
  return svg;
}

function engagementBlock() {
  const e = state.lead.engagement ?? {};
  const items = [['Activities logged', e.activities], ['Emails opened', e.emails_opened], ['Links clicked', e.emails_clicked], ['Meetings', e.meetings]];
  return h('div', null,
    h('dl', { class: 'engagement' }, items.map(([label, n]) => [h('dt', null, label), h('dd', null, String(n ?? 0))])),
    h('p', { class: 'muted small' }, state.lead.last_activity_at ? `Last activity ${dateTime(state.lead.last_activity_at)}.` : 'No activity yet.'),
    writable() ? h('details', { class: 'engagement-form' },
      h('summary', null, 'Record engagement'),
      h('p', { class: 'muted small' }, 'What an email tool or a meeting seen elsewhere reports; it scores the lead again.'),
      form([
        h('div', { class: 'field-row' },
          field('Emails opened', { name: 'emails_opened', type: 'number', min: '0', max: '1000', value: '0' }),
          field('Links clicked', { name: 'emails_clicked', type: 'number', min: '0', max: '1000', value: '0' }),
          field('Meetings', { name: 'meetings', type: 'number', min: '0', max: '1000', value: '0' })),
        h('button', { type: 'submit', class: 'small' }, 'Add'),
      ], async (v, f) => {
        /** @type {Record<string, number>} */
        const body = {};
        for (const k of ['emails_opened', 'emails_clicked', 'meetings']) {
          const n = Number(v[k] || 0);
          if (!Number.isInteger(n) || n < 0 || n > 1000) throw fieldError(k, 'A count from 0 to 1000.');
          if (n) body[k] = n;
        }
        if (!Object.keys(body).length) throw fieldError('emails_opened', 'Enter at least one count.');
        const answer = await leadsApi.engagement(state.lead.id, body);
        untouch(f);
        applyAnswer(answer);
        announce('Engagement recorded; the lead was scored again.');
      }, { 'aria-label': 'Record engagement' })) : null);
}

function activityForm() {
  const me = session.me?.user?.id;
  const members = [...session.members.values()].filter((m) => m.status === 'active' && m.role !== 'viewer');
  const typeSelect = field('Type', { name: 'type', type: 'select', value: 'note', options: ACTIVITY_TYPES });
  const taskOnly = h('div', { class: 'field-row', hidden: true },
    field('Due', { name: 'due_at', type: 'datetime-local' }),
    field('Assignee', { name: 'assignee_id', type: 'select', value: me, options: members.map((m) => [m.user_id, m.name]) }));
  typeSelect.querySelector('select')?.addEventListener('change', (e) => {
    taskOnly.hidden = /** @type {HTMLSelectElement} */ (e.target).value !== 'task';
  });
  return h('details', { class: 'log-activity' },
    h('summary', null, 'Log an activity'),
    form([
      h('div', { class: 'field-row' }, typeSelect, field('Subject', { name: 'subject', maxlength: '300', required: true })),
      taskOnly,
      field('Details', { name: 'body', type: 'textarea', rows: '2', maxlength: '20000' }),
      h('button', { type: 'submit', class: 'small primary' }, 'Log activity'),
    ], async (v, f) => {
      if (!v.subject.trim()) throw fieldError('subject', 'Say what happened, in a few words.');
      /** @type {Record<string, any>} */
      const body = { type: v.type, subject: v.subject.trim(), lead_id: state.lead.id };
      if (v.body.trim()) body.body = v.body.trim();
      if (v.type === 'task') {
        if (v.due_at) body.due_at = new Date(v.due_at).toISOString();
        if (v.assignee_id) body.assignee_id = v.assignee_id;
      }
      await leadsApi.logActivity(body);
      f.reset();
      untouch(f);
      taskOnly.hidden = true;
      announce('Activity logged.');
      await loadTimeline();
      await refreshEngagement();
    }, { 'aria-label': 'Log an activity' }));
}

function drawTimeline() {
  const el = document.getElementById('lead-timeline');
  if (!el || !state.activities) return;
  if (!state.activities.length) {
    replace(el, h('p', { class: 'muted' }, 'Nothing logged yet.'));
    return;
  }
  replace(el, h('ol', { class: 'activity-timeline' }, state.activities.map((a) => {
    const task = a.type === 'task';
    const errId = `act-err-${a.id}`;
    return h('li', { class: `activity activity-${a.type}${a.overdue ? ' overdue' : ''}` },
      h('div', { class: 'activity-head' },
        h('span', { class: 'activity-type' }, ACTIVITY_TYPES.find(([t]) => t === a.type)?.[1] ?? a.type),
        h('strong', { class: task && a.completed_at ? 'done' : null }, a.subject),
        h('time', { class: 'muted small', datetime: a.created_at }, dateTime(a.created_at))),
      a.body ? h('p', { class: 'prewrap' }, a.body) : null,
      h('p', { class: 'muted small' },
        a.author_user_id ? `By ${memberName(a.author_user_id)}` : 'By an integration',
        task && a.assignee_id ? ` · for ${memberName(a.assignee_id)}` : '',
        task && a.due_at ? ` · due ${dateTime(a.due_at)}` : '',
        task && a.overdue ? ' · overdue' : '',
        task && a.completed_at ? ` · done ${dateTime(a.completed_at)}` : ''),
      task && mayWriteLeads() ? h('div', { class: 'button-row' },
        h('button', {
          type: 'button', class: 'small', 'aria-describedby': errId,
          onclick: async () => {
            const out = document.getElementById(errId);
            try {
              await (a.completed_at ? leadsApi.reopenActivity(a.id) : leadsApi.completeActivity(a.id));
              await loadTimeline();
            } catch (e) {
              if (out) out.textContent = describe(e);
            }
          },
        }, a.completed_at ? `Reopen ${a.subject}` : `Complete ${a.subject}`),
        h('span', { id: errId, class: 'action-error', role: 'alert' })) : null);
  })));
}

// ---------------------------------------------------------------- edit, delete

async function edit() {
  const saved = await editDialog();
  if (saved) {
    applyAnswer(saved);
    announce('Lead saved.');
  }
}

/** The edit form; a 412 reloads the lead and says so on the form. */
async function editDialog() {
  try {
    return await leadDialog(state.lead);
  } catch (e) {
    toast(explain(e), 'error');
    return null;
  }
}

async function remove() {
  if (!confirm(`Delete the lead ${state.lead.name}?`)) return;
  try {
    await leadsApi.remove(state.lead.id);
    toast(`Lead ${state.lead.name} deleted.`);
    navigate('/leads');
  } catch (e) {
    toast(explain(e), 'error');
  }
}
