// Contacts (`#/contacts?<query>`): search, filters (company, owner, tags,
// custom fields), sort, pages from the server, a choice of columns,
// saved views, bulk changes on a selection (owner, tags, delete), and
// create with custom fields. The query is kept in the URL, so a list can
// be bookmarked and the back button works.
//
// Live: every `contact.*` event on `contacts` reloads the page shown
// (debounced); the list is a server query, so reloading is the only way
// to know where a changed contact now sorts.

import { h, replace, toast } from '../dom.js';
import { pulse, memberName } from '../session.js';
import { describe } from '../errors.js';
import { replacePath, navigate } from '../router.js';
import { date } from '../format.js';
import { field, form, fieldError } from '../ui/form.js';
import {
  api, may, memberOptions, customFields, customValue, pager, sortHeader, splitTags, followLive, recordPicker, resolvePicker,
} from '../ui/records.js';
import { contactDialog, confirmDelete } from '../ui/record-forms.js';
import { fieldsDialog } from '../ui/custom-fields.js';
import { savedViews } from '../ui/views.js';

/** Columns that can be shown besides the name. */
const COLUMNS = [
  ['email', 'E-mail'], ['phone', 'Phone'], ['company', 'Company'], ['job_title', 'Job title'], ['owner', 'Owner'],
  ['tags', 'Tags'], ['lead_source', 'Lead source'], ['created_at', 'Created'], ['updated_at', 'Updated'],
];
const DEFAULT_COLUMNS = ['email', 'company', 'owner', 'tags', 'created_at'];
const SORTABLE = { name: 'name', email: 'email', created_at: 'created_at', updated_at: 'updated_at' };

/**
 * @typedef {object} Query
 * @property {string} q
 * @property {string} company_id
 * @property {string} owner_id
 * @property {string} tag comma-separated; every tag must be present
 * @property {Record<string, string>} cf custom field key → value
 * @property {string} sort
 * @property {'asc'|'desc'} order
 * @property {number} page
 * @property {number} limit
 * @property {string[]} columns
 */

/** @returns {Query} */
function emptyQuery() {
  return { q: '', company_id: '', owner_id: '', tag: '', cf: {}, sort: 'created_at', order: 'desc', page: 1, limit: 25, columns: [...DEFAULT_COLUMNS] };
}

const state = {
  /** @type {HTMLElement|null} */ view: null,
  query: emptyQuery(),
  /** @type {any[]} */ defs: [],
  /** @type {any} */ page: null,
  /** @type {Set<string>} */ selected: new Set(),
  allMatching: false,
  companyTitle: '',
  /** @type {(() => void)|null} */ stopLive: null,
  loadSeq: 0,
};

/** @param {string|null} qs @returns {Query} */
function parseQuery(qs) {
  const query = emptyQuery();
  const p = new URLSearchParams(qs ?? '');
  for (const [k, v] of p) {
    if (k === 'q' || k === 'company_id' || k === 'owner_id') query[k] = v;
    else if (k === 'tag') query.tag = query.tag ? `${query.tag}, ${v}` : v;
    else if (k.startsWith('cf.')) query.cf[k.slice(3)] = v;
    else if (k === 'sort' && v in SORTABLE) query.sort = v;
    else if (k === 'order') query.order = v === 'asc' ? 'asc' : 'desc';
    else if (k === 'page') query.page = Math.max(1, Number(v) || 1);
    else if (k === 'limit') query.limit = [10, 25, 50, 100, 200].includes(Number(v)) ? Number(v) : 25;
    else if (k === 'columns') query.columns = v.split(',').filter((c) => COLUMNS.some(([n]) => n === c) || c.startsWith('cf.'));
  }
  return query;
}

/** The API's query parameters (tags repeat, custom fields as `cf.<key>`). @param {Query} q */
function apiParams(q) {
  const p = new URLSearchParams();
  if (q.q.trim()) p.set('q', q.q.trim());
  if (q.company_id) p.set('company_id', q.company_id);
  if (q.owner_id) p.set('owner_id', q.owner_id);
  for (const t of splitTags(q.tag)) p.append('tag', t);
  for (const [k, v] of Object.entries(q.cf)) if (v !== '') p.set(`cf.${k}`, v);
  p.set('sort', q.sort);
  p.set('order', q.order);
  p.set('page', String(q.page));
  p.set('limit', String(q.limit));
  return p;
}

/** The screen's URL for a query. @param {Query} q */
function urlFor(q) {
  const p = apiParams(q);
  if (q.columns.join(',') !== DEFAULT_COLUMNS.join(',')) p.set('columns', q.columns.join(','));
  return `/contacts?${p}`;
}

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, params) {
  state.view = view;
  document.title = 'Contacts · Pulse';
  state.query = parseQuery(params[0]);
  state.selected.clear();
  state.allMatching = false;
  state.defs = await customFields('contact');
  await companyTitle();
  drawShell();
  await load();
  // `contacts.imported` / `contacts.import_reverted` sum up a CSV import's batch.
  state.stopLive = followLive('contacts', (ev) => ev.type.startsWith('contact.') || ev.type.startsWith('contacts.'), load);
  return () => {
    state.stopLive?.();
    state.stopLive = null;
  };
}

/** The URL changed (back button, a link): load that query. @param {(string|null)[]} params */
export async function update(params) {
  const next = parseQuery(params[0]);
  if (urlFor(next) === urlFor(state.query)) return;
  state.query = next;
  state.selected.clear();
  await companyTitle();
  drawShell();
  await load();
}

async function companyTitle() {
  state.companyTitle = '';
  if (!state.query.company_id) return;
  try {
    state.companyTitle = (await api.companies.get(state.query.company_id)).name;
  } catch {
    state.query.company_id = '';
  }
}

/** Applies a change to the query: back to page 1 unless paging, then reload. @param {Partial<Query>} change */
function setQuery(change) {
  state.query = { ...state.query, page: 1, ...change };
  if (!('page' in change)) {
    state.selected.clear();
    state.allMatching = false;
  }
  replacePath(urlFor(state.query));
  return load();
}

// ---------------------------------------------------------------- drawing

function drawShell() {
  const q = state.query;
  const view = /** @type {HTMLElement} */ (state.view);
  let typing = 0;
  const search = h('input', {
    type: 'search', name: 'q', value: q.q, placeholder: 'Name, e-mail or company', 'aria-label': 'Search contacts', maxlength: '200',
    oninput: (/** @type {Event} */ e) => {
      clearTimeout(typing);
      const v = /** @type {HTMLInputElement} */ (e.target).value;
      typing = window.setTimeout(() => setQuery({ q: v }), 250);
    },
  });
  const companyPick = recordPicker({ type: 'company', name: 'company_id', label: 'Company', value: q.company_id ? { id: q.company_id, title: state.companyTitle } : null });
  const companyInput = /** @type {HTMLInputElement} */ (companyPick.querySelector('input'));
  companyInput.addEventListener('change', async () => {
    const f = /** @type {HTMLFormElement} */ (companyInput.form);
    f.querySelector('.field-error')?.remove();
    companyInput.removeAttribute('aria-invalid');
    try {
      const id = await resolvePicker(f, 'company_id');
      state.companyTitle = companyInput.value;
      if ((id ?? '') !== q.company_id) await setQuery({ company_id: id ?? '' });
    } catch (e) {
      companyInput.setAttribute('aria-invalid', 'true');
      companyPick.after(h('p', { class: 'field-error' }, describe(e)));
    }
  });
  const filters = h('form', { class: 'records-filters', role: 'search', 'aria-label': 'Filter contacts', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
    h('div', { class: 'filter-row' },
      h('div', { class: 'field field-grow' }, h('label', { for: 'contacts-q' }, 'Search'), Object.assign(search, { id: 'contacts-q' })),
      companyPick,
      field('Owner', { name: 'owner_id', type: 'select', value: q.owner_id, options: [['', 'Anyone'], ...memberOptions({ everyone: true })],
        onchange: (/** @type {Event} */ e) => setQuery({ owner_id: /** @type {HTMLSelectElement} */ (e.target).value }) }),
      field('Tags', { name: 'tag', value: q.tag, placeholder: 'vip, partner', title: 'Contacts with all of these tags, separated by commas',
        onchange: (/** @type {Event} */ e) => setQuery({ tag: /** @type {HTMLInputElement} */ (e.target).value }) })),
    customFilters(),
    h('div', { class: 'filter-row' },
      field('Sort by', { name: 'sort', type: 'select', value: q.sort, options: [['name', 'Name'], ['email', 'E-mail'], ['created_at', 'Created'], ['updated_at', 'Updated']],
        onchange: (/** @type {Event} */ e) => setQuery({ sort: /** @type {HTMLSelectElement} */ (e.target).value }) }),
      field('Order', { name: 'order', type: 'select', value: q.order, options: [['asc', 'Ascending'], ['desc', 'Descending']],
        onchange: (/** @type {Event} */ e) => setQuery({ order: /** @type {any} */ (/** @type {HTMLSelectElement} */ (e.target).value) }) }),
      field('Per page', { name: 'limit', type: 'select', value: String(q.limit), options: [10, 25, 50, 100, 200].map((n) => [String(n), String(n)]),
        onchange: (/** @type {Event} */ e) => setQuery({ limit: Number(/** @type {HTMLSelectElement} */ (e.target).value) }) }),
      columnChooser(),
      h('button', { type: 'button', class: 'link-button', onclick: () => { navigate('/contacts'); } }, 'Clear filters')));

  replace(view, h('div', { class: 'records' },
    h('header', { class: 'records-head' },
      h('h1', null, 'Contacts'),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', onclick: async () => { if (await fieldsDialog('contact')) { state.defs = await customFields('contact'); drawShell(); await load(); } } }, 'Custom fields'),
        may.write() ? h('button', { type: 'button', class: 'primary', onclick: createContact }, '+ New contact') : null)),
    filters,
    savedViews({
      entity: 'contacts',
      current: () => viewOf(state.query),
      apply: (v) => { const next = fromView(v); state.query = next; replacePath(urlFor(next)); companyTitle().then(() => { drawShell(); return load(); }); },
    }),
    h('div', { id: 'contacts-bulk' }),
    h('div', { id: 'contacts-list', class: 'records-list' }, h('p', { class: 'loading' }, 'Loading…')),
    h('div', { id: 'contacts-pager' })));
}

/** Filters on the contact custom fields (choice fields as selects; several-choice fields cannot be filtered by the API). */
function customFilters() {
  const defs = state.defs.filter((d) => d.type !== 'multi_select');
  if (!defs.length) return null;
  return h('details', { class: 'filter-box', open: Object.keys(state.query.cf).length > 0 },
    h('summary', null, 'Custom field filters'),
    h('div', { class: 'filter-row' }, defs.map((d) => {
      const value = state.query.cf[d.key] ?? '';
      const onchange = (/** @type {Event} */ e) => {
        const v = /** @type {HTMLInputElement} */ (e.target).value.trim();
        const cf = { ...state.query.cf };
        if (v) cf[d.key] = v;
        else delete cf[d.key];
        setQuery({ cf });
      };
      if (d.type === 'select' || d.type === 'boolean') {
        const options = d.type === 'boolean' ? [['true', 'Yes'], ['false', 'No']] : d.options.map((/** @type {string} */ o) => [o, o]);
        return field(d.label, { name: `cf.${d.key}`, type: 'select', value, options: [['', 'Any'], ...options], onchange });
      }
      return field(d.label, { name: `cf.${d.key}`, value, type: d.type === 'date' ? 'date' : d.type === 'number' ? 'number' : 'text', onchange });
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
          const cols = all.map(([k]) => k).filter((k) => (k === key ? on : state.query.columns.includes(k)));
          state.query.columns = cols;
          replacePath(urlFor(state.query));
          drawList();
        } }), ` ${label}`))));
}

// ---------------------------------------------------------------- saved views

/** The saved-view form of a query. @param {Query} q */
function viewOf(q) {
  /** @type {Record<string, string>} */
  const filters = {};
  if (q.q.trim()) filters.q = q.q.trim();
  if (q.company_id) filters.company_id = q.company_id;
  if (q.owner_id) filters.owner_id = q.owner_id;
  if (splitTags(q.tag).length) filters.tag = splitTags(q.tag).join(',');
  for (const [k, v] of Object.entries(q.cf)) if (v) filters[`cf.${k}`] = v;
  if (q.limit !== 25) filters.limit = String(q.limit);
  return { filters, sort: `${q.order === 'desc' ? '-' : ''}${q.sort}`, columns: q.columns };
}

/** @param {any} v a saved view @returns {Query} */
function fromView(v) {
  const q = emptyQuery();
  for (const [k, val] of Object.entries(v.filters ?? {})) {
    const s = String(val);
    if (k === 'q' || k === 'company_id' || k === 'owner_id') q[k] = s;
    else if (k === 'tag') q.tag = s.split(',').join(', ');
    else if (k.startsWith('cf.')) q.cf[k.slice(3)] = s;
    else if (k === 'limit') q.limit = Number(s) || 25;
  }
  if (v.sort) {
    const desc = v.sort.startsWith('-');
    const key = v.sort.replace(/^-/, '');
    if (key in SORTABLE) {
      q.sort = key;
      q.order = desc ? 'desc' : 'asc';
    }
  }
  if (v.columns?.length) q.columns = v.columns;
  return q;
}

// ---------------------------------------------------------------- the list

async function load() {
  const seq = ++state.loadSeq;
  const list = document.getElementById('contacts-list');
  try {
    // The query string is built here because `tag` repeats.
    const page = await pulse.request('GET', `/api/v1/contacts?${apiParams(state.query)}`);
    if (seq !== state.loadSeq) return;
    state.page = page;
  } catch (e) {
    if (seq !== state.loadSeq) return;
    if (list) replace(list, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
    return;
  }
  drawList();
}

function drawList() {
  const list = document.getElementById('contacts-list');
  const pagerEl = document.getElementById('contacts-pager');
  const page = state.page;
  if (!list || !pagerEl || !page) return;
  const q = state.query;
  const cols = q.columns;
  const labels = Object.fromEntries([...COLUMNS, ...state.defs.map((d) => [`cf.${d.key}`, d.label])]);
  const onSort = (/** @type {string} */ key) => setQuery({ sort: key, order: q.sort === key && q.order === 'asc' ? 'desc' : 'asc' });
  const allOnPage = page.items.length > 0 && page.items.every((/** @type {any} */ c) => state.selected.has(c.id));
  const head = h('tr', null,
    may.write() ? h('th', { scope: 'col', class: 'check-col' }, h('input', {
      type: 'checkbox', 'aria-label': 'Select every contact on this page', checked: allOnPage,
      onchange: (/** @type {Event} */ e) => {
        const on = /** @type {HTMLInputElement} */ (e.target).checked;
        for (const c of page.items) on ? state.selected.add(c.id) : state.selected.delete(c.id);
        if (!on) state.allMatching = false;
        drawList();
      },
    })) : null,
    sortHeader('Name', 'name', q, onSort),
    cols.map((c) => (c in SORTABLE ? sortHeader(labels[c], c, q, onSort) : h('th', { scope: 'col' }, labels[c] ?? c))));
  const rows = page.items.map((/** @type {any} */ c) => h('tr', { dataset: { id: c.id }, class: state.selected.has(c.id) ? 'selected' : null },
    may.write() ? h('td', { class: 'check-col' }, h('input', {
      type: 'checkbox', 'aria-label': `Select ${c.name}`, checked: state.selected.has(c.id),
      onchange: (/** @type {Event} */ e) => {
        if (/** @type {HTMLInputElement} */ (e.target).checked) state.selected.add(c.id);
        else {
          state.selected.delete(c.id);
          state.allMatching = false;
        }
        drawList();
      },
    })) : null,
    h('th', { scope: 'row' }, h('a', { href: `#/contacts/${c.id}` }, c.name || '(no name)')),
    cols.map((col) => h('td', null, cell(c, col)))));
  replace(list, page.items.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'table records-table', 'aria-label': 'Contacts' }, h('thead', null, head), h('tbody', null, rows)))
    : h('p', { class: 'empty-list' }, hasFilters() ? 'No contact matches these filters.' : 'No contacts yet.'));
  replace(pagerEl, pager(page, (p) => setQuery({ page: p })));
  drawBulk();
}

function hasFilters() {
  const q = state.query;
  return !!(q.q || q.company_id || q.owner_id || q.tag || Object.keys(q.cf).length);
}

/** @param {any} c @param {string} col */
function cell(c, col) {
  switch (col) {
    case 'email': return c.email ? h('a', { href: `mailto:${c.email}` }, c.email) : '';
    case 'company': return c.company_id ? h('a', { href: `#/companies/${c.company_id}` }, c.company_name ?? 'Company') : '';
    case 'owner': return c.owner_id ? memberName(c.owner_id) : h('span', { class: 'muted' }, 'Nobody');
    case 'tags': return h('span', { class: 'tags' }, (c.tags ?? []).map((/** @type {string} */ t) => h('span', { class: 'tag' }, t)));
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

// ---------------------------------------------------------------- bulk

function drawBulk() {
  const el = document.getElementById('contacts-bulk');
  if (!el) return;
  const n = state.selected.size;
  if (!may.write() || (n === 0 && !state.allMatching)) {
    replace(el);
    return;
  }
  // Keep the form (and what the person chose in it) across redraws: live
  // events reload the list while they are choosing.
  if (!el.querySelector('.bulk-bar')) replace(el, bulkForm());
  const scope = el.querySelector('.bulk-scope');
  if (scope) replace(scope, bulkScope());
}

/** How many are selected, and "all that match" when a whole page is. */
function bulkScope() {
  const page = state.page;
  const allOnPage = page.items.length > 0 && page.items.every((/** @type {any} */ c) => state.selected.has(c.id));
  const count = state.allMatching ? page.total : state.selected.size;
  return [
    h('p', { class: 'bulk-count', 'aria-live': 'polite' }, `${count} contact${count === 1 ? '' : 's'} selected`),
    allOnPage && page.total > page.items.length ? h('label', { class: 'field-check' },
      h('input', { type: 'checkbox', checked: state.allMatching, onchange: (/** @type {Event} */ e) => {
        state.allMatching = /** @type {HTMLInputElement} */ (e.target).checked;
        drawBulk();
      } }), ` All ${page.total} that match the filters`) : null,
  ];
}

function bulkForm() {
  const opSelect = /** @type {HTMLSelectElement} */ (h('select', { name: 'operation', id: 'bulk-op' },
    h('option', { value: 'add_tags' }, 'Add tags'),
    h('option', { value: 'remove_tags' }, 'Remove tags'),
    h('option', { value: 'set_owner' }, 'Set owner'),
    h('option', { value: 'delete' }, 'Delete')));
  const tags = field('Tags', { name: 'tags', placeholder: 'vip, q3', hint: 'Separated by commas.' });
  const owner = field('New owner', { name: 'owner_id', type: 'select', options: memberOptions({ none: 'Nobody' }) });
  const sync = () => {
    tags.hidden = !opSelect.value.endsWith('_tags');
    owner.hidden = opSelect.value !== 'set_owner';
  };
  opSelect.addEventListener('change', sync);
  const f = form([
    h('div', { class: 'bulk-scope' }),
    h('div', { class: 'field' }, h('label', { for: 'bulk-op' }, 'Action'), opSelect),
    tags, owner,
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('button', { type: 'button', onclick: () => { state.selected.clear(); state.allMatching = false; drawList(); } }, 'Clear selection')),
  ], async (v) => {
    const op = v.operation;
    const count = state.allMatching ? state.page.total : state.selected.size;
    /** @type {Record<string, any>} */
    let operation;
    if (op === 'add_tags' || op === 'remove_tags') {
      const list = splitTags(v.tags);
      if (!list.length) throw fieldError('tags', 'Name at least one tag.');
      operation = { type: op, tags: list };
    } else if (op === 'set_owner') {
      operation = { type: op, owner_id: v.owner_id || null };
    } else {
      if (!(await confirmDelete(`${count} contact${count === 1 ? '' : 's'}`))) return;
      operation = { type: 'delete' };
    }
    /** @type {Record<string, any>} */
    const body = { operation };
    if (state.allMatching) body.filter = bulkFilter();
    else body.ids = [...state.selected];
    const result = await pulse.request('POST', '/api/v1/contacts/bulk', { body });
    const done = { add_tags: 'Tags added to', remove_tags: 'Tags removed from', set_owner: 'New owner for', delete: 'Deleted' }[op];
    toast(`${done} ${result.count} contact${result.count === 1 ? '' : 's'}.`);
    state.selected.clear();
    state.allMatching = false;
    await load();
  }, { class: 'bulk-bar', 'aria-label': 'Change the selected contacts' });
  sync();
  return f;
}

/** The bulk filter for "all that match". */
function bulkFilter() {
  const q = state.query;
  /** @type {Record<string, any>} */
  const filter = { tags: splitTags(q.tag), custom_fields: {} };
  if (q.q.trim()) filter.q = q.q.trim();
  if (q.company_id) filter.company_id = q.company_id;
  if (q.owner_id) filter.owner_id = q.owner_id;
  // Compared as text, exactly like the list's `cf.<key>` filters.
  for (const [k, v] of Object.entries(q.cf)) filter.custom_fields[k] = v;
  return filter;
}

async function createContact() {
  try {
    const c = await contactDialog();
    if (c) {
      toast(`Contact ${c.name} created.`);
      navigate(`/contacts/${c.id}`);
    }
  } catch (e) {
    toast(describe(e), 'error');
  }
}

