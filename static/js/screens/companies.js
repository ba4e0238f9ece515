// Companies (`#/companies?<query>`): search, filters (owner, status,
// industry, metadata keys, custom fields), sort, pages from the server,
// columns, saved views, and create with metadata and custom fields. The
// query is kept in the URL.
//
// Live: `company.*` events on `contacts` reload the page shown.

import { h, replace, toast } from '../dom.js';
import { pulse, memberName } from '../session.js';
import { describe } from '../errors.js';
import { replacePath, navigate } from '../router.js';
import { date } from '../format.js';
import { field, form, fieldError } from '../ui/form.js';
import { may, memberOptions, customFields, customValue, pager, sortHeader, followLive } from '../ui/records.js';
import { companyDialog, COMPANY_STATUSES } from '../ui/record-forms.js';
import { fieldsDialog } from '../ui/custom-fields.js';
import { savedViews } from '../ui/views.js';

const COLUMNS = [
  ['domain', 'Domain'], ['industry', 'Industry'], ['size', 'Size'], ['status', 'Status'], ['owner', 'Owner'],
  ['renewal_date', 'Renewal'], ['website', 'Website'], ['metadata', 'Metadata'], ['created_at', 'Created'], ['updated_at', 'Updated'],
];
const DEFAULT_COLUMNS = ['domain', 'industry', 'status', 'owner', 'renewal_date'];
const SORTABLE = { name: 'name', domain: 'domain', renewal_date: 'renewal_date', created_at: 'created_at', updated_at: 'updated_at' };

/**
 * @typedef {object} Query
 * @property {string} q
 * @property {string} owner_id
 * @property {string} status
 * @property {string} industry
 * @property {Record<string, string>} meta metadata key → value
 * @property {Record<string, string>} cf custom field key → value
 * @property {string} sort
 * @property {'asc'|'desc'} order
 * @property {number} page
 * @property {number} limit
 * @property {string[]} columns
 */

/** @returns {Query} */
function emptyQuery() {
  return { q: '', owner_id: '', status: '', industry: '', meta: {}, cf: {}, sort: 'name', order: 'asc', page: 1, limit: 25, columns: [...DEFAULT_COLUMNS] };
}

const state = {
  /** @type {HTMLElement|null} */ view: null,
  query: emptyQuery(),
  /** @type {any[]} */ defs: [],
  /** @type {any} */ page: null,
  loadSeq: 0,
};

/** Reads list parameters (the URL's or a saved view's filters) into a query. @param {Iterable<[string, string]>} pairs */
function fromPairs(pairs) {
  const query = emptyQuery();
  for (const [k, v] of pairs) {
    if (k === 'q' || k === 'owner_id' || k === 'industry') query[k] = v;
    else if (k === 'status' && COMPANY_STATUSES.includes(v)) query.status = v;
    else if (k.startsWith('meta.')) query.meta[k.slice(5)] = v;
    else if (k.startsWith('cf.')) query.cf[k.slice(3)] = v;
    else if (k === 'sort' && v in SORTABLE) query.sort = v;
    else if (k === 'order') query.order = v === 'desc' ? 'desc' : 'asc';
    else if (k === 'page') query.page = Math.max(1, Number(v) || 1);
    else if (k === 'limit') query.limit = [10, 25, 50, 100, 200].includes(Number(v)) ? Number(v) : 25;
    else if (k === 'columns') query.columns = v.split(',').filter(Boolean);
  }
  return query;
}

/** The filters as list parameters, without paging. @param {Query} q */
function filterPairs(q) {
  /** @type {[string, string][]} */
  const out = [];
  if (q.q.trim()) out.push(['q', q.q.trim()]);
  if (q.owner_id) out.push(['owner_id', q.owner_id]);
  if (q.status) out.push(['status', q.status]);
  if (q.industry.trim()) out.push(['industry', q.industry.trim()]);
  for (const [k, v] of Object.entries(q.meta)) out.push([`meta.${k}`, v]);
  for (const [k, v] of Object.entries(q.cf)) if (v !== '') out.push([`cf.${k}`, v]);
  return out;
}

/** @param {Query} q */
function apiParams(q) {
  const p = new URLSearchParams(filterPairs(q));
  p.set('sort', q.sort);
  p.set('order', q.order);
  p.set('page', String(q.page));
  p.set('limit', String(q.limit));
  return p;
}

/** @param {Query} q */
function urlFor(q) {
  const p = apiParams(q);
  if (q.columns.join(',') !== DEFAULT_COLUMNS.join(',')) p.set('columns', q.columns.join(','));
  return `/companies?${p}`;
}

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, params) {
  state.view = view;
  document.title = 'Companies · Pulse';
  state.query = fromPairs(new URLSearchParams(params[0] ?? ''));
  state.defs = await customFields('company');
  drawShell();
  await load();
  // `companies.imported` / `companies.import_reverted` sum up a CSV import's batch.
  return followLive('contacts', (ev) => ev.type.startsWith('company.') || ev.type.startsWith('companies.'), load);
}

/** @param {(string|null)[]} params */
export async function update(params) {
  const next = fromPairs(new URLSearchParams(params[0] ?? ''));
  if (urlFor(next) === urlFor(state.query)) return;
  state.query = next;
  drawShell();
  await load();
}

/** @param {Partial<Query>} change */
function setQuery(change) {
  state.query = { ...state.query, page: 1, ...change };
  replacePath(urlFor(state.query));
  return load();
}

/** @param {Event} e */
const value = (e) => /** @type {HTMLInputElement} */ (e.target).value;

function drawShell() {
  const q = state.query;
  let typing = 0;
  const filters = h('form', { class: 'records-filters', role: 'search', 'aria-label': 'Filter companies', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
    h('div', { class: 'filter-row' },
      h('div', { class: 'field field-grow' }, h('label', { for: 'companies-q' }, 'Search'),
        h('input', { id: 'companies-q', type: 'search', value: q.q, placeholder: 'Name, domain or industry', maxlength: '200',
          oninput: (/** @type {Event} */ e) => { clearTimeout(typing); const v = value(e); typing = window.setTimeout(() => setQuery({ q: v }), 250); } })),
      field('Owner', { name: 'owner_id', type: 'select', value: q.owner_id, options: [['', 'Anyone'], ...memberOptions({ everyone: true })], onchange: (/** @type {Event} */ e) => setQuery({ owner_id: value(e) }) }),
      field('Status', { name: 'status', type: 'select', value: q.status, options: [['', 'Any'], ...COMPANY_STATUSES.map((s) => [s, s])], onchange: (/** @type {Event} */ e) => setQuery({ status: value(e) }) }),
      field('Industry', { name: 'industry', value: q.industry, maxlength: '200', onchange: (/** @type {Event} */ e) => setQuery({ industry: value(e) }) })),
    metaFilters(),
    customFilters(),
    h('div', { class: 'filter-row' },
      field('Sort by', { name: 'sort', type: 'select', value: q.sort, options: [['name', 'Name'], ['domain', 'Domain'], ['renewal_date', 'Renewal date'], ['created_at', 'Created'], ['updated_at', 'Updated']],
        onchange: (/** @type {Event} */ e) => setQuery({ sort: value(e) }) }),
      field('Order', { name: 'order', type: 'select', value: q.order, options: [['asc', 'Ascending'], ['desc', 'Descending']], onchange: (/** @type {Event} */ e) => setQuery({ order: /** @type {any} */ (value(e)) }) }),
      field('Per page', { name: 'limit', type: 'select', value: String(q.limit), options: [10, 25, 50, 100, 200].map((n) => [String(n), String(n)]),
        onchange: (/** @type {Event} */ e) => setQuery({ limit: Number(value(e)) }) }),
      columnChooser(),
      h('button', { type: 'button', class: 'link-button', onclick: () => navigate('/companies') }, 'Clear filters')));
  replace(/** @type {HTMLElement} */ (state.view), h('div', { class: 'records' },
    h('header', { class: 'records-head' },
      h('h1', null, 'Companies'),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', onclick: async () => { if (await fieldsDialog('company')) { state.defs = await customFields('company'); drawShell(); await load(); } } }, 'Custom fields'),
        may.write() ? h('button', { type: 'button', class: 'primary', onclick: create }, '+ New company') : null)),
    filters,
    savedViews({
      entity: 'companies',
      current: () => ({
        filters: Object.fromEntries([...filterPairs(state.query), ...(state.query.limit !== 25 ? [['limit', String(state.query.limit)]] : [])]),
        sort: `${state.query.order === 'desc' ? '-' : ''}${state.query.sort}`,
        columns: state.query.columns,
      }),
      apply: (v) => {
        const next = fromPairs(Object.entries(v.filters ?? {}).map(([k, val]) => [k, String(val)]));
        if (v.sort && v.sort.replace(/^-/, '') in SORTABLE) {
          next.sort = v.sort.replace(/^-/, '');
          next.order = v.sort.startsWith('-') ? 'desc' : 'asc';
        }
        if (v.columns?.length) next.columns = v.columns;
        state.query = next;
        replacePath(urlFor(next));
        drawShell();
        load();
      },
    }),
    h('div', { id: 'companies-list', class: 'records-list' }, h('p', { class: 'loading' }, 'Loading…')),
    h('div', { id: 'companies-pager' })));
}

/** Metadata filters: `meta.<key>=<value>` pairs, each removable. */
function metaFilters() {
  const q = state.query;
  const active = Object.entries(q.meta);
  return h('details', { class: 'filter-box', open: active.length > 0 },
    h('summary', null, `Metadata filters${active.length ? ` (${active.length})` : ''}`),
    h('div', { class: 'filter-row' },
      active.map(([k, v]) => h('span', { class: 'view-chip' },
        h('span', { class: 'tag' }, `${k} = ${v}`),
        h('button', { type: 'button', class: 'small', 'aria-label': `Remove the filter on ${k}`, onclick: () => {
          const meta = { ...q.meta };
          delete meta[k];
          state.query = { ...q, page: 1, meta };
          replacePath(urlFor(state.query));
          drawShell();
          load();
        } }, '×'))),
      form([
        field('Key', { name: 'key', maxlength: '64', placeholder: 'region' }),
        field('Value', { name: 'value', maxlength: '200', placeholder: 'emea' }),
        h('button', { type: 'submit', class: 'small' }, 'Add filter'),
      ], async (v) => {
        const key = v.key.trim();
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) throw fieldError('key', 'A key is letters, digits, _ or - (at most 64).');
        state.query = { ...q, page: 1, meta: { ...q.meta, [key]: v.value } };
        replacePath(urlFor(state.query));
        drawShell();
        await load();
      }, { class: 'inline-form meta-filter', 'aria-label': 'Add a metadata filter' })));
}

function customFilters() {
  const defs = state.defs.filter((d) => d.type !== 'multi_select');
  if (!defs.length) return null;
  return h('details', { class: 'filter-box', open: Object.keys(state.query.cf).length > 0 },
    h('summary', null, 'Custom field filters'),
    h('div', { class: 'filter-row' }, defs.map((d) => {
      const onchange = (/** @type {Event} */ e) => {
        const cf = { ...state.query.cf };
        if (value(e).trim()) cf[d.key] = value(e).trim();
        else delete cf[d.key];
        setQuery({ cf });
      };
      const cur = state.query.cf[d.key] ?? '';
      if (d.type === 'select' || d.type === 'boolean') {
        const options = d.type === 'boolean' ? [['true', 'Yes'], ['false', 'No']] : d.options.map((/** @type {string} */ o) => [o, o]);
        return field(d.label, { name: `cf.${d.key}`, type: 'select', value: cur, options: [['', 'Any'], ...options], onchange });
      }
      return field(d.label, { name: `cf.${d.key}`, value: cur, type: d.type === 'date' ? 'date' : d.type === 'number' ? 'number' : 'text', onchange });
    })));
}

function columnChooser() {
  const all = [...COLUMNS, ...state.defs.map((d) => [`cf.${d.key}`, d.label])];
  return h('details', { class: 'column-chooser' },
    h('summary', null, 'Columns'),
    h('fieldset', null, h('legend', { class: 'visually-hidden' }, 'Columns to show'),
      all.map(([key, label]) => h('label', { class: 'field-check' },
        h('input', { type: 'checkbox', 'aria-label': `Show the ${label} column`, checked: state.query.columns.includes(key), onchange: (/** @type {Event} */ e) => {
          const on = /** @type {HTMLInputElement} */ (e.target).checked;
          state.query.columns = all.map(([k]) => k).filter((k) => (k === key ? on : state.query.columns.includes(k)));
          replacePath(urlFor(state.query));
          drawList();
        } }), ` ${label}`))));
}

async function load() {
  const seq = ++state.loadSeq;
  try {
    const page = await pulse.request('GET', `/api/v1/companies?${apiParams(state.query)}`);
    if (seq !== state.loadSeq) return;
    state.page = page;
    drawList();
  } catch (e) {
    if (seq !== state.loadSeq) return;
    const list = document.getElementById('companies-list');
    if (list) replace(list, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  }
}

function drawList() {
  const list = document.getElementById('companies-list');
  const pagerEl = document.getElementById('companies-pager');
  const page = state.page;
  if (!list || !pagerEl || !page) return;
  const q = state.query;
  const labels = Object.fromEntries([...COLUMNS, ...state.defs.map((d) => [`cf.${d.key}`, d.label])]);
  const onSort = (/** @type {string} */ key) => setQuery({ sort: key, order: q.sort === key && q.order === 'asc' ? 'desc' : 'asc' });
  replace(list, page.items.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'table records-table', 'aria-label': 'Companies' },
      h('thead', null, h('tr', null,
        sortHeader('Name', 'name', q, onSort),
        q.columns.map((c) => (c in SORTABLE ? sortHeader(labels[c], c, q, onSort) : h('th', { scope: 'col' }, labels[c] ?? c))))),
      h('tbody', null, page.items.map((/** @type {any} */ c) => h('tr', { dataset: { id: c.id } },
        h('th', { scope: 'row' }, h('a', { href: `#/companies/${c.id}` }, c.name)),
        q.columns.map((col) => h('td', null, cell(c, col))))))))
    : h('p', { class: 'empty-list' }, filterPairs(q).length ? 'No company matches these filters.' : 'No companies yet.'));
  replace(pagerEl, pager(page, (p) => setQuery({ page: p })));
}

/** @param {any} c @param {string} col */
function cell(c, col) {
  switch (col) {
    case 'status': return h('span', { class: `status-pill status-${c.status}` }, c.status);
    case 'owner': return c.owner_id ? memberName(c.owner_id) : h('span', { class: 'muted' }, 'Nobody');
    case 'renewal_date': return c.renewal_date ? date(c.renewal_date) : '';
    case 'website': return c.website && /^https?:\/\//.test(c.website) ? h('a', { href: c.website, rel: 'noopener noreferrer', target: '_blank' }, c.website) : (c.website ?? '');
    case 'metadata': return Object.entries(c.metadata ?? {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
    case 'created_at': return date(c.created_at);
    case 'updated_at': return date(c.updated_at);
    default:
      if (col.startsWith('cf.')) {
        const key = col.slice(3);
        return customValue(state.defs.find((d) => d.key === key), c.custom_fields?.[key]);
      }
      return c[col] ?? '';
  }
}

async function create() {
  try {
    const c = await companyDialog();
    if (c) {
      toast(`Company ${c.name} created.`);
      navigate(`/companies/${c.id}`);
    }
  } catch (e) {
    toast(describe(e), 'error');
  }
}
