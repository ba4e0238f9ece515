// The leads list (`#/leads[?filters]`) and the "needs attention" list
// (`#/leads/attention`): filters (search, status, source, owner, band,
// tag, stale), sorting and server-side pagination, saved views, and a
// "New lead" form. The filters live in the URL, so a list can be shared
// and the back button returns to it.
//
// Live: the screen follows the `leads` topic. The list is a page of a
// sorted, filtered query the server computes, so an event does not say
// where a lead lands; any lead event reloads the page shown (at most a
// few times a second), and the "needs attention" count with it.

import { h, replace, toast, announce, modal } from '../dom.js';
import { pulse, session, memberName, onMembersChanged } from '../session.js';
import { describe } from '../errors.js';
import { money, date } from '../format.js';
import { navigate, replacePath } from '../router.js';
import { reloaded } from '../status.js';
import { form, field, fieldError } from '../ui/form.js';
import { leadDialog } from '../ui/lead-form.js';
import {
  leadsApi, loadSources, sourceLabel, STATUSES, STATUS_LABELS, BANDS, SORTS, mayWriteLeads,
} from '../leads-data.js';

const FILTER_KEYS = ['q', 'status', 'source', 'owner_id', 'band', 'tag', 'stale', 'created_from', 'created_to', 'sort', 'order'];
const PAGE_SIZES = [25, 50, 100];

const state = {
  /** @type {HTMLElement|null} */ view: null,
  attention: false,
  /** @type {Record<string, string>} */ filters: {},
  offset: 0,
  limit: 25,
  /** @type {any[]} */ sources: [],
  /** @type {any[]} */ views: [],
  /** @type {any} */ page: null,
  attentionCount: /** @type {number|null} */ (null),
  /** @type {any} */ sub: null,
  /** @type {ReturnType<typeof setTimeout>|null} */ timer: null,
  /** Answers to older requests are dropped. */
  request: 0,
};

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, params) {
  state.view = view;
  state.sources = await loadSources().catch(() => []);
  const offMembers = onMembersChanged(() => drawRows());
  state.sub = pulse.subscribe('leads', onEvent, {
    onReset: async () => {
      await reload();
      reloaded();
    },
    onError: (e) => toast(describe(e), 'error'),
  });
  await update(params);
  return () => {
    state.sub?.close();
    state.sub = null;
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    offMembers();
  };
}

/** @param {(string|null)[]} params `[attention, query]` */
export async function update([attention, query]) {
  state.attention = attention === 'attention';
  const q = new URLSearchParams(query ?? '');
  state.filters = {};
  for (const k of FILTER_KEYS) {
    const v = q.get(k);
    if (v) state.filters[k] = v;
  }
  state.offset = Math.max(0, Number(q.get('offset')) || 0);
  state.limit = PAGE_SIZES.includes(Number(q.get('limit'))) ? Number(q.get('limit')) : 25;
  document.title = `${state.attention ? 'Needs attention' : 'Leads'} · Pulse`;
  drawScreen();
  leadsApi.views().then((v) => { state.views = v; drawViews(); }, () => {});
  await reload();
}

/** @param {any} ev */
function onEvent(ev) {
  if (ev.type === 'lead.source_changed') {
    loadSources(true).then((s) => { state.sources = s; drawFilters(); drawRows(); }, () => {});
    return;
  }
  if (!ev.type.startsWith('lead.')) return;
  if (state.timer) return;
  state.timer = setTimeout(() => {
    state.timer = null;
    reload();
  }, 250);
}

/** The query the server gets. */
function query() {
  /** @type {Record<string, any>} */
  const q = { ...state.filters, offset: state.offset, limit: state.limit };
  if (state.attention) q.needs_attention = true;
  if (!q.sort) {
    q.sort = state.attention ? 'next_action_date' : 'created_at';
    q.order = q.order ?? (state.attention ? 'asc' : 'desc');
  }
  return q;
}

/** Keeps the URL in step with the filters, without re-rendering. */
function syncUrl() {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (state.filters[k]) q.set(k, state.filters[k]);
  if (state.offset) q.set('offset', String(state.offset));
  if (state.limit !== 25) q.set('limit', String(state.limit));
  const s = q.toString();
  replacePath(`/leads${state.attention ? '/attention' : ''}${s ? `?${s}` : ''}`);
}

async function reload() {
  const n = ++state.request;
  const status = document.getElementById('leads-status');
  try {
    const [page, attention] = await Promise.all([
      leadsApi.list(query()),
      leadsApi.list({ needs_attention: true, limit: 1 }),
    ]);
    if (n !== state.request) return;
    // A page past the end (leads went away): go to the last page.
    if (page.leads.length === 0 && page.total > 0 && state.offset > 0) {
      state.offset = Math.floor((page.total - 1) / state.limit) * state.limit;
      syncUrl();
      return reload();
    }
    state.page = page;
    state.attentionCount = attention.total;
    drawRows();
    drawTabs();
  } catch (e) {
    if (n !== state.request) return;
    if (status) replace(status, h('span', { class: 'form-error', role: 'alert' }, describe(e)));
  }
}

// ---------------------------------------------------------------- drawing

function drawScreen() {
  replace(/** @type {HTMLElement} */ (state.view),
    h('div', { class: 'leads-screen' },
      h('div', { class: 'leads-head' },
        h('h1', null, state.attention ? 'Leads that need attention' : 'Leads'),
        mayWriteLeads() ? h('button', { type: 'button', class: 'primary', id: 'new-lead', onclick: newLead }, '+ New lead') : null),
      h('nav', { class: 'tabs', id: 'leads-tabs', 'aria-label': 'Lead lists' }),
      state.attention
        ? h('p', { class: 'muted' }, 'Open leads whose next action is overdue, or that nobody updated for 7 days.')
        : null,
      h('div', { id: 'leads-filters' }),
      h('div', { id: 'leads-views', class: 'saved-views' }),
      h('p', { id: 'leads-status', class: 'leads-status', role: 'status', 'aria-live': 'polite' }, 'Loading…'),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table leads-table', id: 'leads-table' },
          h('caption', { class: 'visually-hidden' }, state.attention ? 'Leads that need attention' : 'Leads'),
          h('thead', null, h('tr', null,
            ['Name', 'Company', 'Status', 'Score', 'Source', 'Owner', 'Next action', 'Tags', 'Created']
              .map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', { id: 'leads-rows' }))),
      h('nav', { class: 'pager', id: 'leads-pager', 'aria-label': 'Pages' })));
  drawTabs();
  drawFilters();
  drawViews();
}

function drawTabs() {
  const el = document.getElementById('leads-tabs');
  if (!el) return;
  const count = state.attentionCount;
  replace(el,
    h('a', { href: '#/leads', 'aria-current': state.attention ? null : 'page' }, 'All leads'),
    h('a', { href: '#/leads/attention', 'aria-current': state.attention ? 'page' : null, id: 'attention-tab' },
      'Needs attention',
      count ? h('span', { class: 'tab-count', 'aria-label': `${count} leads` }, String(count)) : null));
}

function drawFilters() {
  const el = document.getElementById('leads-filters');
  if (!el) return;
  const f = state.filters;
  const members = [...session.members.values()];
  const select = (/** @type {string} */ label, /** @type {string} */ name, /** @type {[string, string][]} */ options) =>
    field(label, { name, type: 'select', value: f[name] ?? '', options: [['', 'Any'], ...options] });
  const filters = form([
    h('div', { class: 'filter-grid' },
      field('Search', { name: 'q', type: 'search', value: f.q ?? '', maxlength: '200', placeholder: 'Name, email or company' }),
      select('Status', 'status', STATUSES.map((s) => [s, STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (s)]])),
      select('Source', 'source', state.sources.map((s) => [s.slug, s.label])),
      select('Owner', 'owner_id', members.map((m) => [m.user_id, m.name])),
      select('Score', 'band', BANDS.map(([v, l]) => [v, l])),
      field('Tag', { name: 'tag', value: f.tag ?? '', maxlength: '50' }),
      state.attention ? null : select('Stale', 'stale', [['true', 'Stale only'], ['false', 'Not stale']]),
      field('Created from', { name: 'created_from', type: 'date', value: f.created_from ?? '' }),
      field('Created until', { name: 'created_to', type: 'date', value: f.created_to ?? '' }),
      field('Sort by', { name: 'sort', type: 'select', value: f.sort ?? '', options: [['', 'Default'], ...SORTS] }),
      field('Order', { name: 'order', type: 'select', value: f.order ?? '', options: [['', 'Default'], ['asc', 'Ascending'], ['desc', 'Descending']] }),
      h('div', { class: 'button-row filter-actions' },
      h('button', { type: 'submit', class: 'small' }, 'Apply filters'),
      h('button', { type: 'button', class: 'small', onclick: () => { state.filters = {}; state.offset = 0; syncUrl(); drawFilters(); reload(); } }, 'Clear'),
      h('button', { type: 'button', class: 'small', onclick: saveView }, 'Save as view'))),
  ], async (v) => {
    apply(v);
  }, { class: 'lead-filters', 'aria-label': 'Filter leads', role: 'search' });
  // Selects apply at once; text applies as you type, a little later.
  let typing = /** @type {ReturnType<typeof setTimeout>|null} */ (null);
  filters.addEventListener('change', (e) => {
    if (/** @type {HTMLElement} */ (e.target).tagName === 'SELECT') apply(values(filters));
  });
  filters.addEventListener('input', (e) => {
    const t = /** @type {HTMLInputElement} */ (e.target);
    if (t.tagName !== 'INPUT') return;
    if (typing) clearTimeout(typing);
    typing = setTimeout(() => apply(values(filters)), 300);
  });
  replace(el, h('details', { class: 'filter-box', open: Object.keys(f).some((k) => k !== 'sort' && k !== 'order') || window.innerWidth > 640 },
    h('summary', null, 'Filters'), filters));
}

/** @param {HTMLFormElement} f */
function values(f) {
  return /** @type {Record<string, string>} */ (Object.fromEntries(new FormData(f).entries()));
}

/** @param {Record<string, string>} v */
function apply(v) {
  /** @type {Record<string, string>} */
  const next = {};
  for (const k of FILTER_KEYS) {
    const x = (v[k] ?? '').trim();
    if (x) next[k] = x;
  }
  if (JSON.stringify(next) === JSON.stringify(state.filters)) return;
  state.filters = next;
  state.offset = 0;
  syncUrl();
  reload();
}

function drawViews() {
  const el = document.getElementById('leads-views');
  if (!el) return;
  if (!state.views.length) {
    replace(el);
    return;
  }
  const href = (/** @type {any} */ v) => {
    const q = new URLSearchParams(v.filters);
    if (v.sort) {
      q.set('sort', v.sort.replace(/^-/, ''));
      q.set('order', v.sort.startsWith('-') ? 'desc' : 'asc');
    }
    return `#/leads${state.attention ? '/attention' : ''}?${q.toString()}`;
  };
  replace(el, h('span', { class: 'muted' }, 'Saved views: '), state.views.map((v) => h('span', { class: 'view-chip' },
    h('a', { href: href(v) }, v.name),
    h('button', {
      type: 'button', class: 'icon-button small', 'aria-label': `Delete view ${v.name}`,
      onclick: async () => {
        try {
          await leadsApi.removeView(v.id);
          state.views = state.views.filter((x) => x.id !== v.id);
          drawViews();
          announce(`View ${v.name} deleted.`);
        } catch (e) {
          toast(describe(e), 'error');
        }
      },
    }, '×'))));
}

async function saveView() {
  /** @type {Record<string, string>} */
  const filters = {};
  for (const [k, v] of Object.entries(state.filters)) if (k !== 'sort' && k !== 'order') filters[k] = v;
  const view = await modal('Save these filters as a view', (close) => form([
    h('p', { class: 'muted' }, Object.keys(filters).length
      ? `Filters: ${Object.entries(filters).map(([k, v]) => `${k.replace(/_id$/, '').replace(/_/g, ' ')} ${v}`).join(', ')}.`
      : 'No filters: the view shows every lead.'),
    field('Name', { name: 'name', maxlength: '100', autofocus: true, required: true }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Save view')),
  ], async (v) => {
    if (!v.name.trim()) throw fieldError('name', 'Name the view.');
    close(await leadsApi.createView({
      entity: 'leads', name: v.name.trim(), filters,
      ...(state.filters.sort ? { sort: `${state.filters.order === 'desc' ? '-' : ''}${state.filters.sort}` } : {}),
    }));
  }));
  if (!view) return;
  state.views.push(view);
  drawViews();
  toast(`View ${view.name} saved.`);
}

function drawRows() {
  const body = document.getElementById('leads-rows');
  const status = document.getElementById('leads-status');
  const page = state.page;
  if (!body || !status || !page) return;
  const currency = session.workspace?.currency ?? 'USD';
  // A live reload keeps the keyboard on the lead it was on.
  const focused = /** @type {HTMLElement|null} */ (document.activeElement?.closest('#leads-rows tr') ?? null)?.dataset.id;
  const first = page.total ? page.offset + 1 : 0;
  const last = page.offset + page.leads.length;
  replace(status, page.total
    ? `${first}–${last} of ${page.total} lead${page.total === 1 ? '' : 's'}`
    : (Object.keys(state.filters).length ? 'No lead matches these filters.' : state.attention ? 'Nothing needs attention. Well done.' : 'No leads yet.'));
  replace(body, page.leads.map((/** @type {any} */ l) => h('tr', { dataset: { id: l.id }, class: l.stale ? 'stale' : null },
    cell('Name',
      h('a', { href: `#/leads/${l.id}`, class: 'lead-link' }, l.name || '(no name)'),
      l.email && l.name !== l.email ? h('div', { class: 'muted small' }, l.email) : null),
    cell('Company', l.company_name ?? '', l.job_title ? h('div', { class: 'muted small' }, l.job_title) : null),
    cell('Status', statusPill(l.status)),
    cell('Score', scoreBadge(l.score, l.band),
      l.estimated_value != null ? h('div', { class: 'muted small' }, money(l.estimated_value, currency)) : null),
    cell('Source', sourceLabel(state.sources, l.source)),
    cell('Owner', memberName(l.owner_id)),
    cell('Next action',
      l.next_action_date ? h('span', { class: l.overdue ? 'due overdue' : 'due' }, date(l.next_action_date), l.overdue ? ' (overdue)' : '') : null,
      l.next_action ? h('div', { class: 'small' }, l.next_action) : null,
      l.stale && !l.overdue ? h('span', { class: 'flag flag-stale' }, 'Stale') : null),
    cell('Tags', l.tags.map((/** @type {string} */ t) => h('button', {
      type: 'button', class: 'tag', title: `Only leads tagged ${t}`,
      onclick: () => { state.filters = { ...state.filters, tag: t }; state.offset = 0; syncUrl(); drawFilters(); reload(); },
    }, t))),
    cell('Created', date(l.created_at)))));
  if (focused) /** @type {HTMLElement|null} */ (body.querySelector(`tr[data-id="${focused}"] .lead-link`))?.focus();
  drawPager();
}

function drawPager() {
  const el = document.getElementById('leads-pager');
  const page = state.page;
  if (!el || !page) return;
  const pages = Math.max(1, Math.ceil(page.total / state.limit));
  const current = Math.floor(state.offset / state.limit) + 1;
  const go = (/** @type {number} */ offset) => {
    state.offset = Math.max(0, offset);
    syncUrl();
    reload().then(() => document.getElementById('leads-table')?.scrollIntoView({ block: 'start' }));
  };
  replace(el,
    h('button', { type: 'button', class: 'small', disabled: current <= 1, onclick: () => go(state.offset - state.limit) }, '← Previous'),
    h('span', { class: 'muted' }, `Page ${current} of ${pages}`),
    h('button', { type: 'button', class: 'small', disabled: current >= pages, onclick: () => go(state.offset + state.limit) }, 'Next →'),
    h('label', { class: 'page-size' }, 'Per page ',
      h('select', {
        onchange: (/** @type {Event} */ e) => {
          state.limit = Number(/** @type {HTMLSelectElement} */ (e.target).value);
          go(0);
        },
      }, PAGE_SIZES.map((n) => h('option', { value: n, selected: n === state.limit }, String(n))))));
}

/** A cell; its label shows on phones, where rows become cards. @param {string} label @param {...any} children */
function cell(label, ...children) {
  return h('td', { 'data-label': label }, h('div', { class: 'cell' }, children));
}

/** @param {string} status */
export function statusPill(status) {
  return h('span', { class: `status-pill status-${status}` }, STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (status)] ?? status);
}

/** @param {number} score @param {string} band */
export function scoreBadge(score, band) {
  return h('span', { class: `score score-${band}`, title: `${band} lead`, 'aria-label': `Score ${score}, ${band}` },
    h('strong', null, String(score)), ` ${band}`);
}

async function newLead() {
  const lead = await leadDialog(null);
  if (lead) {
    announce(`Lead ${lead.name} created.`);
    navigate(`/leads/${lead.id}`);
  }
}
