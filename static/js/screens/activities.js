// Activities and tasks (`#/activities?<query>`): "my tasks" due today and
// this week, overdue tasks, and every activity with type, assignee and
// completion filters; pages from the server. Tasks are completed and
// reopened here; any activity can be corrected. Activities are never
// deleted (the API has no way to, on purpose).
//
// Live: every `activity.*` event on `activities` reloads the page shown
// and the tab counts (debounced), so a task someone assigns to you
// appears without a reload.

import { h, replace, toast, announce } from '../dom.js';
import { pulse, memberName } from '../session.js';
import { describe } from '../errors.js';
import { replacePath } from '../router.js';
import { field } from '../ui/form.js';
import { may, myId, memberOptions, pager, typeBadge, activityMeta, followLive, TYPE_LABELS } from '../ui/records.js';
import { createActivityDialog, editActivityDialog, toggleTask } from '../ui/activity-form.js';

/** The tabs: each is a fixed set of list parameters. */
const TABS = [
  { id: 'today', title: 'My tasks today', params: { mine: 'true', due: 'today' } },
  { id: 'week', title: 'My tasks this week', params: { mine: 'true', due: 'week' } },
  { id: 'overdue', title: 'Overdue', params: { overdue: 'true' } },
  { id: 'all', title: 'All activities', params: {} },
];

/**
 * @typedef {{ tab: string, type: string, assignee_id: string, completed: string, page: number, limit: number }} Query
 */

/** @returns {Query} */
const emptyQuery = () => ({ tab: 'today', type: '', assignee_id: '', completed: '', page: 1, limit: 25 });

const state = {
  /** @type {HTMLElement|null} */ view: null,
  query: emptyQuery(),
  /** @type {any} */ page: null,
  /** @type {Record<string, number>} */ counts: {},
  loadSeq: 0,
};

/** @param {string|null} qs @returns {Query} */
function parseQuery(qs) {
  const q = emptyQuery();
  for (const [k, v] of new URLSearchParams(qs ?? '')) {
    if (k === 'tab' && TABS.some((t) => t.id === v)) q.tab = v;
    else if (k === 'type' && v in TYPE_LABELS) q.type = v;
    else if (k === 'assignee_id') q.assignee_id = v;
    else if (k === 'completed' && (v === 'true' || v === 'false')) q.completed = v;
    else if (k === 'page') q.page = Math.max(1, Number(v) || 1);
    else if (k === 'limit') q.limit = [10, 25, 50, 100].includes(Number(v)) ? Number(v) : 25;
  }
  return q;
}

/** @param {Query} q */
function urlFor(q) {
  const p = new URLSearchParams({ tab: q.tab });
  if (q.type) p.set('type', q.type);
  if (q.assignee_id) p.set('assignee_id', q.assignee_id);
  if (q.completed) p.set('completed', q.completed);
  if (q.page > 1) p.set('page', String(q.page));
  if (q.limit !== 25) p.set('limit', String(q.limit));
  return `/activities?${p}`;
}

/** The list request of a query. @param {Query} q */
function apiQuery(q) {
  const tab = TABS.find((t) => t.id === q.tab) ?? TABS[0];
  /** @type {Record<string, string>} */
  const p = { ...tab.params, page: String(q.page), limit: String(q.limit) };
  if (q.type) p.type = q.type;
  if (q.assignee_id && !p.mine) p.assignee_id = q.assignee_id;
  if (q.completed) p.completed = q.completed;
  return p;
}

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, params) {
  state.view = view;
  document.title = 'Activities · Pulse';
  state.query = parseQuery(params[0]);
  drawShell();
  await Promise.all([load(), loadCounts()]);
  return followLive('activities', (ev) => ev.type.startsWith('activity.'), () => Promise.all([load(), loadCounts()]));
}

/** @param {(string|null)[]} params */
export async function update(params) {
  const next = parseQuery(params[0]);
  if (urlFor(next) === urlFor(state.query)) return;
  state.query = next;
  drawShell();
  await load();
}

/** @param {Partial<Query>} change */
function setQuery(change) {
  state.query = { ...state.query, page: 1, ...change };
  replacePath(urlFor(state.query));
  drawShell();
  return load();
}

/** @param {Event} e */
const value = (e) => /** @type {HTMLSelectElement} */ (e.target).value;

function drawShell() {
  const q = state.query;
  const tab = TABS.find((t) => t.id === q.tab) ?? TABS[0];
  replace(/** @type {HTMLElement} */ (state.view), h('div', { class: 'records' },
    h('header', { class: 'records-head' },
      h('h1', null, 'Activities'),
      may.write() ? h('button', { type: 'button', class: 'primary', onclick: create }, '+ New activity') : null),
    h('nav', { class: 'tabs-bar', 'aria-label': 'Activity lists', id: 'activity-tabs' }, tabLinks()),
    h('form', { class: 'records-filters', role: 'search', 'aria-label': 'Filter activities', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
      h('div', { class: 'filter-row' },
        field('Type', { name: 'type', type: 'select', value: q.type, options: [['', 'Any type'], ...Object.entries(TYPE_LABELS)], onchange: (/** @type {Event} */ e) => setQuery({ type: value(e) }) }),
        tab.params.mine ? null : field('Assignee', { name: 'assignee_id', type: 'select', value: q.assignee_id,
          options: [['', 'Anyone'], ...memberOptions({ everyone: true })], onchange: (/** @type {Event} */ e) => setQuery({ assignee_id: value(e) }) }),
        field('Status', { name: 'completed', type: 'select', value: q.completed, options: [['', 'Open and done'], ['false', 'Open'], ['true', 'Done']],
          onchange: (/** @type {Event} */ e) => setQuery({ completed: value(e) }) }),
        field('Per page', { name: 'limit', type: 'select', value: String(q.limit), options: [10, 25, 50, 100].map((n) => [String(n), String(n)]),
          onchange: (/** @type {Event} */ e) => setQuery({ limit: Number(value(e)) }) }))),
    h('div', { id: 'activity-list', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading…')),
    h('div', { id: 'activity-pager' })));
}

function tabLinks() {
  return TABS.map((t) => h('a', {
    href: `#${urlFor({ ...emptyQuery(), tab: t.id })}`,
    'aria-current': t.id === state.query.tab ? 'page' : null,
  }, t.title, state.counts[t.id] != null ? h('span', { class: 'count', 'aria-label': `${state.counts[t.id]} open` }, String(state.counts[t.id])) : null));
}

/** Open items per tab (the "all" tab has no count). */
async function loadCounts() {
  const tabs = TABS.filter((t) => t.id !== 'all');
  try {
    const pages = await Promise.all(tabs.map((t) =>
      pulse.request('GET', '/api/v1/activities', { query: { ...t.params, completed: 'false', limit: 1 } })));
    tabs.forEach((t, i) => { state.counts[t.id] = pages[i].total; });
    const nav = document.getElementById('activity-tabs');
    if (nav) replace(nav, tabLinks());
  } catch {
    // The counts are a convenience; the list says what went wrong.
  }
}

async function load() {
  const seq = ++state.loadSeq;
  try {
    const page = await pulse.request('GET', '/api/v1/activities', { query: apiQuery(state.query) });
    if (seq !== state.loadSeq) return;
    state.page = page;
    drawList();
  } catch (e) {
    if (seq !== state.loadSeq) return;
    const el = document.getElementById('activity-list');
    if (el) replace(el, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  }
}

function drawList() {
  const el = document.getElementById('activity-list');
  const pagerEl = document.getElementById('activity-pager');
  if (!el || !pagerEl) return;
  const page = state.page;
  const empty = {
    today: 'Nothing due today. Well done.',
    week: 'Nothing else due this week.',
    overdue: 'No overdue tasks.',
    all: 'No activities match these filters.',
  }[state.query.tab];
  replace(el, page.items.length
    ? h('ul', { class: 'activity-list', 'aria-label': 'Activities' }, page.items.map(row))
    : h('p', { class: 'empty-list' }, empty));
  replace(pagerEl, pager(page, (p) => setQuery({ page: p })));
  resolveNames(el);
}

/** @param {any} a */
function row(a) {
  const task = a.type === 'task';
  const err = h('div', { class: 'row-error' });
  const fail = (/** @type {any} */ e) => replace(err, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  return h('li', { class: `activity-row${a.completed_at ? ' is-done' : ''}${a.overdue ? ' is-overdue' : ''}`, dataset: { id: a.id } },
    task && may.write()
      ? h('input', { type: 'checkbox', class: 'complete-box', checked: !!a.completed_at, 'aria-label': `${a.completed_at ? 'Reopen' : 'Complete'} ${a.subject}`,
        onchange: async (/** @type {Event} */ e) => {
          const box = /** @type {HTMLInputElement} */ (e.target);
          box.disabled = true;
          try {
            await toggleTask(a);
            announce(a.completed_at ? `${a.subject} reopened.` : `${a.subject} done.`);
            await Promise.all([load(), loadCounts()]);
          } catch (err2) {
            box.checked = !!a.completed_at;
            box.disabled = false;
            fail(err2);
          }
        } })
      : typeBadge(a),
    h('div', null,
      h('div', { class: 'act-subject' }, a.subject, task ? null : ' '),
      h('div', { class: 'tl-meta small' }, task ? [typeBadge(a), ' '] : null, activityMeta(a),
        a.author_user_id && a.author_user_id !== myId() ? ` · from ${memberName(a.author_user_id)}` : ''),
      links(a),
      a.body ? h('p', { class: 'act-body' }, a.body.length > 240 ? `${a.body.slice(0, 240)}…` : a.body) : null,
      err),
    h('div', { class: 'act-actions' },
      may.write() ? h('button', { type: 'button', class: 'small', 'aria-label': `Edit ${a.subject}`, onclick: async () => {
        try {
          if (await editActivityDialog(a)) await load();
        } catch (e) {
          fail(e);
        }
      } }, 'Edit') : null));
}

/** Links to the records an activity is about; names are filled in after. @param {any} a */
function links(a) {
  const items = [
    a.contact_id && h('a', { href: `#/contacts/${a.contact_id}`, dataset: { ref: `contact:${a.contact_id}` } }, 'Contact'),
    a.company_id && h('a', { href: `#/companies/${a.company_id}`, dataset: { ref: `company:${a.company_id}` } }, 'Company'),
    a.deal_id && h('a', { href: `#/board`, dataset: { ref: `deal:${a.deal_id}` } }, 'Deal'),
    a.lead_id && h('a', { href: `#/leads/${a.lead_id}`, dataset: { ref: `lead:${a.lead_id}` } }, 'Lead'),
  ].filter(Boolean);
  return items.length ? h('div', { class: 'act-links' }, items) : null;
}

/** @type {Map<string, Promise<{ name: string, href?: string }|null>>} */
const names = new Map();
const PATHS = { contact: '/api/v1/contacts/', company: '/api/v1/companies/', deal: '/api/v1/deals/', lead: '/api/v1/leads/' };

/** Fills linked records' names in (each fetched once per page load). @param {HTMLElement} el */
function resolveNames(el) {
  for (const a of el.querySelectorAll('a[data-ref]')) {
    const ref = /** @type {string} */ (/** @type {HTMLElement} */ (a).dataset.ref);
    if (!names.has(ref)) {
      const [kind, id] = ref.split(':');
      names.set(ref, pulse.request('GET', PATHS[/** @type {keyof PATHS} */ (kind)] + encodeURIComponent(id)).then((r) => ({
        name: r.name ?? r.title ?? kind,
        href: kind === 'deal' ? `#/board/${r.pipeline_id}/deal/${r.id}` : undefined,
      }), () => null));
    }
    names.get(ref)?.then((n) => {
      if (!n) return;
      const label = { contact: 'Contact', company: 'Company', deal: 'Deal', lead: 'Lead' }[ref.split(':')[0]];
      a.textContent = `${label}: ${n.name}`;
      if (n.href) a.setAttribute('href', n.href);
    });
  }
}

async function create() {
  try {
    const a = await createActivityDialog({ type: 'task' });
    if (a) {
      toast(a.type === 'task' && a.assignee_id && a.assignee_id !== myId()
        ? `Task assigned to ${memberName(a.assignee_id)}.` : `${a.subject} saved.`);
      await Promise.all([load(), loadCounts()]);
    }
  } catch (e) {
    toast(describe(e), 'error');
  }
}
