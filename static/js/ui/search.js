// Global search in the top bar: press `/` anywhere (outside a text
// field) to focus it. Results of `GET /api/v1/search` come as you type,
// grouped by type (contacts, companies, deals, leads, activities), each
// opening its page. The box is an ARIA combobox: the arrow keys move
// through the results, Enter opens one, Escape closes the list (and a
// second Escape clears the box).

import { h, replace } from '../dom.js';
import { pulse } from '../session.js';
import { describe } from '../errors.js';
import { navigate } from '../router.js';
import { pathOf } from '../links.js';

const GROUPS = [
  ['contact', 'Contacts'],
  ['company', 'Companies'],
  ['deal', 'Deals'],
  ['lead', 'Leads'],
  ['activity', 'Activities'],
];

const state = {
  started: false,
  /** @type {any[]} */ results: [],
  active: -1,
  asked: 0,
  /** @type {ReturnType<typeof setTimeout>|null} */ timer: null,
};

const input = () => /** @type {HTMLInputElement} */ (document.getElementById('search-input'));
const list = () => /** @type {HTMLElement} */ (document.getElementById('search-results'));

export function setupSearch() {
  if (state.started || !input()) return;
  state.started = true;
  const box = input();
  box.addEventListener('input', () => {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(run, 180);
  });
  box.addEventListener('keydown', onKey);
  box.addEventListener('focus', () => { if (state.results.length || box.value.trim()) show(true); });
  // Options take no focus (their pointerdown is cancelled): leaving the box closes the list.
  box.addEventListener('blur', () => show(false));
  document.addEventListener('pointerdown', (e) => {
    const root = document.getElementById('search');
    if (root && !root.contains(/** @type {Node} */ (e.target))) show(false);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const t = /** @type {HTMLElement} */ (e.target);
    if (t.closest('input, textarea, select, [contenteditable="true"], dialog') || document.getElementById('topbar')?.hidden) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
}

async function run() {
  state.timer = null;
  const q = input().value.trim();
  const n = ++state.asked;
  if (!q) {
    state.results = [];
    show(false);
    return;
  }
  try {
    const answer = await pulse.request('GET', '/api/v1/search', { query: { q, limit: 30 } });
    if (n !== state.asked) return;
    state.results = answer.results;
    state.active = -1;
    draw(q);
  } catch (e) {
    if (n !== state.asked) return;
    state.results = [];
    replace(list(), h('p', { class: 'search-empty form-error', role: 'alert' }, describe(e)));
    show(true);
  }
}

/** @param {string} q */
function draw(q) {
  const el = list();
  if (!state.results.length) {
    replace(el, h('p', { class: 'search-empty muted', role: 'status' }, `Nothing found for “${q}”.`));
    show(true);
    return;
  }
  // Best first inside each group; the groups in a fixed order.
  const ordered = GROUPS.flatMap(([type]) => state.results.filter((r) => r.type === type));
  state.results = ordered;
  let i = 0;
  replace(el, GROUPS.map(([type, label]) => {
    const hits = ordered.filter((r) => r.type === type);
    if (!hits.length) return null;
    const gid = `search-group-${type}`;
    return h('div', { role: 'group', 'aria-labelledby': gid, class: 'search-group' },
      h('div', { class: 'search-group-title', id: gid, role: 'presentation' }, label),
      hits.map((r) => {
        const index = i++;
        return h('div', {
          role: 'option', id: `search-opt-${index}`, class: 'search-option', 'aria-selected': 'false',
          dataset: { type: r.type, index: String(index) },
          onpointerdown: (/** @type {Event} */ e) => e.preventDefault(),
          onclick: () => openResult(index),
        },
        h('span', { class: 'search-title' }, r.title),
        r.subtitle ? h('span', { class: 'search-sub muted small' }, r.subtitle) : null);
      }));
  }));
  show(true);
}

/** @param {boolean} on */
function show(on) {
  const el = list();
  const visible = on && el.childElementCount > 0 && !!input().value.trim();
  el.hidden = !visible;
  input().setAttribute('aria-expanded', visible ? 'true' : 'false');
  if (!visible) input().removeAttribute('aria-activedescendant');
}

/** @param {number} index */
function highlight(index) {
  state.active = index;
  for (const el of list().querySelectorAll('[role="option"]')) {
    const on = Number(/** @type {HTMLElement} */ (el).dataset.index) === index;
    el.setAttribute('aria-selected', on ? 'true' : 'false');
    if (on) el.scrollIntoView({ block: 'nearest' });
  }
  if (index >= 0) input().setAttribute('aria-activedescendant', `search-opt-${index}`);
  else input().removeAttribute('aria-activedescendant');
}

/** @param {KeyboardEvent} e */
function onKey(e) {
  const n = state.results.length;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!n) return;
    e.preventDefault();
    show(true);
    const next = e.key === 'ArrowDown' ? (state.active + 1) % n : (state.active <= 0 ? n - 1 : state.active - 1);
    highlight(next);
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (state.timer) {
      // Typed and pressed Enter at once: search now, then open the best.
      clearTimeout(state.timer);
      state.timer = null;
      run().then(() => state.results.length && openResult(0));
      return;
    }
    if (n) openResult(state.active >= 0 ? state.active : 0);
  } else if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    if (!list().hidden) show(false);
    else if (input().value) {
      input().value = '';
      state.results = [];
    } else input().blur();
  }
}

/** @param {number} index */
async function openResult(index) {
  const r = state.results[index];
  if (!r) return;
  const path = await pathOf(r.type, r.id);
  show(false);
  input().blur();
  if (path) navigate(path);
}
