// The notification bell in the top bar: `#bell` with the unread count
// in `#bell-count` (empty and hidden at 0), and a popover with the
// latest notifications: clicking one marks it read and opens what it is
// about; "Mark all read" clears the count. Escape or a click elsewhere
// closes the popover, and the focus returns to the bell.
//
// Live: follows the `notifications` topic, whose events are addressed to
// this person only. The count comes from `GET /notifications/summary`
// (the workspace actor's memory, cheap): each event, and each reset,
// loads it again rather than adding up deltas, so a notification that
// arrived while the summary was loading is never counted twice.

import { h, replace, announce, toast } from '../dom.js';
import { pulse } from '../session.js';
import { describe } from '../errors.js';
import { dateTime } from '../format.js';
import { navigate } from '../router.js';
import { pathOf } from '../links.js';

const state = {
  started: false,
  unread: 0,
  /** @type {any[]} */ items: [],
  /** @type {string|null} */ cursor: null,
  unreadOnly: false,
  open: false,
  /** @type {ReturnType<typeof setTimeout>|null} */ timer: null,
  /** Answers to older summary requests are dropped. */
  asked: 0,
};

const bell = () => /** @type {HTMLButtonElement} */ (document.getElementById('bell'));
const popover = () => /** @type {HTMLElement} */ (document.getElementById('bell-popover'));

/** Starts the bell once, when someone is signed in to a workspace. */
export function setupBell() {
  if (state.started || !bell()) return;
  state.started = true;
  bell().addEventListener('click', () => (state.open ? close(true) : open()));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.open && !document.querySelector('dialog[open]')) {
      e.preventDefault();
      close(true);
    }
  });
  document.addEventListener('pointerdown', (e) => {
    if (!state.open) return;
    const t = /** @type {Node} */ (e.target);
    if (!popover().contains(t) && !bell().contains(t)) close(false);
  });
  popover().addEventListener('keydown', onPopoverKey);
  // Tabbing out of the popover closes it.
  popover().addEventListener('focusout', (e) => {
    const to = /** @type {Node|null} */ (e.relatedTarget);
    if (state.open && to && !popover().contains(to) && !bell().contains(to)) close(false);
  });
  pulse.subscribe('notifications', scheduleRefresh, { onReset: () => refresh() });
  refresh();
}

function scheduleRefresh() {
  if (state.timer) return;
  state.timer = setTimeout(() => {
    state.timer = null;
    refresh();
  }, 60);
}

/** Loads the count (and the list, while it is open). */
async function refresh() {
  const n = ++state.asked;
  try {
    const summary = await pulse.request('GET', '/api/v1/notifications/summary');
    if (n !== state.asked) return;
    const before = state.unread;
    state.unread = summary.unread;
    drawCount();
    if (state.unread > before) announce(`${state.unread} unread notification${state.unread === 1 ? '' : 's'}.`);
  } catch { /* the bell keeps its last count; the status pill tells of a lost connection */ }
  if (state.open) await loadList();
}

function drawCount() {
  const count = /** @type {HTMLElement} */ (document.getElementById('bell-count'));
  count.textContent = state.unread > 0 ? String(state.unread) : '';
  count.hidden = state.unread === 0;
  bell().setAttribute('aria-label', state.unread
    ? `Notifications, ${state.unread} unread` : 'Notifications, none unread');
  const all = document.getElementById('bell-read-all');
  if (all) /** @type {HTMLButtonElement} */ (all).disabled = state.unread === 0;
}

/** @param {boolean} [more] the next page after the ones shown */
async function loadList(more = false) {
  try {
    const page = await pulse.request('GET', '/api/v1/notifications', {
      query: { limit: 20, unread: state.unreadOnly || undefined, cursor: more ? state.cursor ?? undefined : undefined },
    });
    state.items = more ? [...state.items, ...page.items] : page.items;
    state.cursor = page.next_cursor;
    drawList();
  } catch (e) {
    const list = document.getElementById('bell-list');
    if (list) replace(list, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  }
}

async function open() {
  state.open = true;
  bell().setAttribute('aria-expanded', 'true');
  const pop = popover();
  replace(pop,
    h('div', { class: 'bell-head' },
      h('h2', { id: 'bell-title', tabindex: '-1' }, 'Notifications'),
      h('label', { class: 'field-check small' },
        h('input', {
          type: 'checkbox', checked: state.unreadOnly,
          onchange: (/** @type {Event} */ e) => {
            state.unreadOnly = /** @type {HTMLInputElement} */ (e.target).checked;
            loadList();
          },
        }), ' Unread only'),
      h('button', { type: 'button', class: 'small', id: 'bell-read-all', disabled: state.unread === 0, onclick: readAll }, 'Mark all read')),
    h('div', { id: 'bell-list', class: 'bell-list' }, h('p', { class: 'muted' }, 'Loading…')),
    h('p', { id: 'bell-error', class: 'action-error', role: 'alert' }));
  pop.setAttribute('aria-labelledby', 'bell-title');
  // On a phone the popover spans the screen just under the bell.
  pop.style.setProperty('--bell-top', `${Math.round(bell().getBoundingClientRect().bottom + 6)}px`);
  pop.hidden = false;
  /** @type {HTMLElement} */ (pop.querySelector('#bell-title')).focus();
  await loadList();
}

/** @param {boolean} refocus */
function close(refocus) {
  state.open = false;
  bell().setAttribute('aria-expanded', 'false');
  popover().hidden = true;
  if (refocus) bell().focus();
}

function drawList() {
  const list = document.getElementById('bell-list');
  if (!list) return;
  if (!state.items.length) {
    replace(list, h('p', { class: 'muted bell-empty' }, state.unreadOnly ? 'Nothing unread.' : 'No notifications yet.'));
    return;
  }
  replace(list,
    h('ul', { class: 'bell-items' }, state.items.map((n) => h('li', { class: n.read_at ? 'read' : 'unread' },
      h('button', { type: 'button', class: 'bell-item', dataset: { id: n.id }, onclick: () => choose(n) },
        h('span', { class: 'bell-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'bell-text' },
          h('span', { class: 'bell-title' }, n.title, n.read_at ? null : h('span', { class: 'visually-hidden' }, ' (unread)')),
          n.body ? h('span', { class: 'bell-body' }, n.body) : null,
          h('time', { class: 'muted small', datetime: n.created_at }, dateTime(n.created_at))))))),
    state.cursor ? h('button', { type: 'button', class: 'small link-button', onclick: () => loadList(true) }, 'Older notifications') : null);
}

/** Marks one read and opens what it is about. @param {any} n */
async function choose(n) {
  const err = document.getElementById('bell-error');
  if (!n.read_at) {
    try {
      const read = await pulse.request('POST', `/api/v1/notifications/${encodeURIComponent(n.id)}/read`, {});
      n.read_at = read.read_at;
      state.unread = Math.max(0, state.unread - 1);
      drawCount();
      drawList();
    } catch (e) {
      if (err) err.textContent = describe(e);
      return;
    }
  }
  const path = n.link ? await pathOf(n.link.type, n.link.id) : null;
  if (path) {
    close(false);
    navigate(path);
  }
}

async function readAll() {
  const err = document.getElementById('bell-error');
  try {
    const { marked } = await pulse.request('POST', '/api/v1/notifications/read-all', {});
    const now = new Date().toISOString();
    for (const n of state.items) n.read_at = n.read_at ?? now;
    state.unread = 0;
    drawCount();
    drawList();
    announce(marked ? `${marked} marked read.` : 'Nothing was unread.');
  } catch (e) {
    if (err) err.textContent = describe(e);
    else toast(describe(e), 'error');
  }
}

/** Up and down move between notifications. @param {KeyboardEvent} e */
function onPopoverKey(e) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const items = /** @type {HTMLElement[]} */ ([...popover().querySelectorAll('.bell-item')]);
  if (!items.length) return;
  e.preventDefault();
  const i = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
  const next = e.key === 'ArrowDown' ? Math.min(items.length - 1, i + 1) : Math.max(0, i - 1);
  items[i < 0 ? 0 : next].focus();
}
