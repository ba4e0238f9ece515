// The pipeline board (`#/board/<pipelineId>[/deal/<dealId>]`): columns
// with totals, cards, drag-and-drop and a keyboard way to move, filters,
// presence, and the deal drawer.
//
// Live: the board snapshot says which `seq`/`epoch` it reflects; the
// screen subscribes to `pipeline:<id>` from there. `deal.*` events carry
// the whole deal (with `version`) and the touched columns' totals;
// `pipeline.*`/`stage.*` events carry the pipeline. Events are snapshots,
// so applying one twice is harmless, and a deal event whose version is
// not newer than the card shown is skipped (its totals still apply). On
// a reset the board is loaded again.

import { h, replace, announce, toast, initials } from '../dom.js';
import { pulse, session, can, memberName, role, onMembersChanged } from '../session.js';
import { money, toMinor } from '../format.js';
import { describe, DEAL_MESSAGES } from '../errors.js';
import { navigate, replacePath, currentPath } from '../router.js';
import { reloaded } from '../status.js';
import { cardElement, dealToCard } from '../ui/card.js';
import { askLostReason, askMove, createDealDialog } from '../ui/deal-dialogs.js';
import { Drawer } from '../ui/drawer.js';

/**
 * @typedef {{ stage: any, totals: any, cards: any[] }} Column
 */

/** The screen's state; one board at a time. */
const state = {
  /** @type {HTMLElement|null} */ view: null,
  /** @type {any[]} */ pipelines: [],
  /** @type {string|null} */ pipelineId: null,
  /** @type {any} */ pipeline: null,
  /** @type {Column[]} */ columns: [],
  /** @type {any} */ totals: null,
  /** @type {any} */ sub: null,
  /** @type {any} */ presence: null,
  /** @type {string[]} */ present: [],
  filters: { owner: '', tag: '', min: '', max: '', stale: false, atRisk: false },
  dragging: /** @type {string|null} */ (null),
  renderPending: false,
  /** @type {Drawer|null} */ drawer: null,
  /** Cards moved optimistically and not yet confirmed: id → version before the move. */
  pendingMoves: new Map(),
  /** @type {(() => void)|null} */ offMembers: null,
};

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, params) {
  state.view = view;
  state.offMembers = onMembersChanged(() => {
    drawPresence();
    drawFilters();
    scheduleRender();
  });
  state.pipelines = await pulse.pipelines.list();
  await open(params);
  return () => {
    cleanup();
    state.offMembers?.();
  };
}

/** Same screen, other params: another pipeline, or the drawer opens or closes. @param {(string|null)[]} params */
export async function update(params) {
  await open(params);
}

function cleanup() {
  state.sub?.close();
  state.presence?.close();
  state.drawer?.close({ silent: true });
  state.sub = state.presence = state.drawer = null;
  state.pipelineId = null;
}

/** @param {(string|null)[]} params */
async function open([pipelineId, dealId]) {
  const usable = state.pipelines.filter((p) => !p.archived);
  const id = pipelineId ?? usable[0]?.id ?? state.pipelines[0]?.id ?? null;
  // Name the pipeline in the URL, unless the person already went elsewhere.
  if (!pipelineId && id && currentPath() === '/board') {
    replacePath(`/board/${id}`);
  }
  if (id !== state.pipelineId) {
    cleanup();
    state.pipelineId = id;
    if (!id) {
      replace(/** @type {HTMLElement} */ (state.view), emptyState());
      return;
    }
    await load();
    subscribe();
  }
  if (dealId) openDrawer(dealId);
  else state.drawer?.close({ silent: true });
}

function emptyState() {
  return h('section', { class: 'empty' },
    h('h1', null, 'No pipeline yet'),
    can.managePipelines()
      ? h('p', null, 'Create one in ', h('a', { href: '#/settings/pipelines' }, 'Settings → Pipelines'), '.')
      : h('p', null, 'Ask an owner or a manager to create one.'));
}

/** Loads the board snapshot and draws the whole screen. */
async function load() {
  const board = await pulse.pipelines.board(/** @type {string} */ (state.pipelineId));
  state.pipeline = board.pipeline;
  state.columns = board.columns.map((/** @type {any} */ c) => ({ stage: c.stage, totals: c.totals, cards: c.cards }));
  state.totals = board.totals;
  state.pendingMoves.clear();
  boardSeq = { seq: board.seq, epoch: board.epoch };
  drawScreen();
  return board;
}

/** The stream position of the last snapshot: the subscription starts there. */
let boardSeq = { seq: 0, epoch: 1 };

function subscribe() {
  const id = /** @type {string} */ (state.pipelineId);
  state.sub = pulse.subscribe(`pipeline:${id}`, onEvent, {
    since: boardSeq.seq,
    epoch: boardSeq.epoch,
    onReset: async () => {
      await load();
      reloaded();
    },
    onError: (e) => toast(describe(e), 'error'),
  });
  state.presence = pulse.presence(`board-${id}`, ({ users }) => {
    state.present = users;
    drawPresence();
  });
}

/** @param {any} ev */
function onEvent(ev) {
  if (ev.type.startsWith('deal.')) applyDealEvent(ev.data);
  else if (ev.type.startsWith('pipeline.') || ev.type.startsWith('stage.')) applyPipeline(ev.data.pipeline, ev.data.totals);
}

/** @param {any} data */
function applyDealEvent(data) {
  applyTotals(data.totals);
  applyDeal(data.deal);
  state.drawer?.dealChanged(data.deal);
}

/** @param {any} totals `{ stages: { id: Totals }, pipeline: Totals }` */
function applyTotals(totals) {
  if (!totals) return;
  for (const [stageId, t] of Object.entries(totals.stages ?? {})) {
    const col = state.columns.find((c) => c.stage.id === stageId);
    if (col) col.totals = t;
  }
  if (totals.pipeline) state.totals = totals.pipeline;
  scheduleRender();
}

/** Where a deal's card is now. @param {string} id */
function findCard(id) {
  for (const col of state.columns) {
    const i = col.cards.findIndex((c) => c.id === id);
    if (i >= 0) return { col, i, card: col.cards[i] };
  }
  return null;
}

/**
 * Puts a deal's newest snapshot on the board (or takes it off).
 * @param {any} deal a deal view
 */
function applyDeal(deal) {
  const found = findCard(deal.id);
  if (found && found.card.version >= deal.version && !state.pendingMoves.has(deal.id)) return;
  if (found && state.pendingMoves.has(deal.id) && deal.version <= /** @type {number} */ (state.pendingMoves.get(deal.id))) return;
  state.pendingMoves.delete(deal.id);
  if (found) found.col.cards.splice(found.i, 1);
  const me = session.me?.user?.id;
  const visible = deal.pipeline_id === state.pipelineId && !deal.deleted_at &&
    (role() !== 'rep' || deal.owner_id === me || (deal.shared_with ?? []).includes(me));
  const col = state.columns.find((c) => c.stage.id === deal.stage_id);
  if (visible && col) {
    const card = dealToCard(deal);
    const at = col.cards.findIndex((c) => c.rank > card.rank);
    col.cards.splice(at < 0 ? col.cards.length : at, 0, card);
  }
  scheduleRender();
}

/** A pipeline or stage change: new columns, names, colours, order. @param {any} pipeline @param {any} totals */
function applyPipeline(pipeline, totals) {
  if (!pipeline || pipeline.id !== state.pipelineId) return;
  if (state.pipeline && pipeline.version < state.pipeline.version) return;
  state.pipeline = pipeline;
  const old = new Map(state.columns.map((c) => [c.stage.id, c]));
  state.columns = pipeline.stages.map((/** @type {any} */ s) => {
    const c = old.get(s.id);
    return { stage: s, totals: c?.totals ?? { count: 0, by_currency: {} }, cards: c?.cards ?? [] };
  });
  const i = state.pipelines.findIndex((p) => p.id === pipeline.id);
  if (i >= 0) state.pipelines[i] = pipeline;
  applyTotals(totals);
  drawToolbar();
}

function scheduleRender() {
  if (state.renderPending) return;
  state.renderPending = true;
  requestAnimationFrame(() => {
    state.renderPending = false;
    // Redrawing under a drag would remove the card being dragged.
    if (state.dragging) return;
    drawColumns();
  });
}

// ---------------------------------------------------------------- drawing

function drawScreen() {
  const view = /** @type {HTMLElement} */ (state.view);
  replace(view,
    h('div', { class: 'board-screen' },
      h('div', { class: 'toolbar', id: 'board-toolbar' }),
      h('div', { class: 'filters', id: 'board-filters' }),
      h('p', { id: 'card-help', class: 'visually-hidden' },
        'Press Enter to open the deal. Press M to move it, or Alt with the arrow keys: left and right change the stage, up and down the place.'),
      h('div', { class: 'board', id: 'board', role: 'region', 'aria-label': 'Pipeline board' })),
  );
  drawToolbar();
  drawFilters();
  drawColumns();
  document.title = `${state.pipeline?.name ?? 'Board'} · Pulse`;
}

function drawToolbar() {
  const bar = document.getElementById('board-toolbar');
  if (!bar) return;
  const select = h('select', {
    id: 'pipeline-select',
    onchange: (/** @type {Event} */ e) => navigate(`/board/${/** @type {HTMLSelectElement} */ (e.target).value}`),
    onfocus: refreshPipelines,
  }, state.pipelines.map((p) => h('option', { value: p.id, selected: p.id === state.pipelineId },
    p.archived ? `${p.name} (archived)` : p.name)));
  replace(bar,
    h('div', { class: 'toolbar-start' },
      h('label', { class: 'visually-hidden', for: 'pipeline-select' }, 'Pipeline'),
      select,
      h('div', { class: 'forecast', id: 'forecast', 'aria-live': 'polite' })),
    h('div', { class: 'toolbar-end' },
      h('div', { class: 'presence', id: 'presence', 'aria-label': 'Looking at this board' }),
      can.writeDeals()
        ? h('button', { type: 'button', class: 'primary', id: 'new-deal', onclick: newDeal }, '+ New deal')
        : null));
  drawPresence();
  drawForecast();
}

async function refreshPipelines() {
  try {
    const list = await pulse.pipelines.list();
    if (list.length !== state.pipelines.length || list.some((p, i) => p.name !== state.pipelines[i]?.name)) {
      state.pipelines = list;
      const select = /** @type {HTMLSelectElement|null} */ (document.getElementById('pipeline-select'));
      if (select) replace(select, list.map((p) => h('option', { value: p.id, selected: p.id === state.pipelineId }, p.archived ? `${p.name} (archived)` : p.name)));
    }
  } catch { /* the old list stays */ }
}

function drawForecast() {
  const el = document.getElementById('forecast');
  if (!el || !state.totals) return;
  replace(el, h('span', { class: 'muted' }, 'Forecast: '), totalsText(state.totals, true));
}

/** @param {any} totals @param {boolean} [weightedFirst] */
function totalsText(totals, weightedFirst = false) {
  const entries = Object.entries(totals?.by_currency ?? {});
  if (!entries.length) return h('span', { class: 'totals-line' }, weightedFirst ? 'nothing open' : '');
  return h('span', { class: 'totals-line' }, entries.map(([cur, s], i) => [
    i ? ' · ' : '',
    weightedFirst
      ? h('span', null, h('strong', null, money(/** @type {any} */ (s).weighted, cur)), ` weighted of ${money(/** @type {any} */ (s).amount, cur)}`)
      : h('span', null, h('strong', null, money(/** @type {any} */ (s).amount, cur)), h('span', { class: 'muted' }, ` (${money(/** @type {any} */ (s).weighted, cur)} weighted)`)),
  ]));
}

function drawPresence() {
  const el = document.getElementById('presence');
  if (!el) return;
  const me = session.me?.user?.id;
  replace(el, state.present.map((id) => {
    const name = memberName(id);
    return h('span', { class: `avatar${id === me ? ' avatar-me' : ''}`, title: id === me ? `${name} (you)` : name, role: 'img', 'aria-label': name }, initials(name));
  }));
  el.setAttribute('aria-label', `Looking at this board: ${state.present.map((id) => memberName(id)).join(', ') || 'nobody'}`);
}

function drawFilters() {
  const el = document.getElementById('board-filters');
  if (!el) return;
  const f = state.filters;
  const cur = session.workspace?.currency ?? 'USD';
  const set = (/** @type {keyof typeof f} */ key) => (/** @type {Event} */ e) => {
    const t = /** @type {HTMLInputElement} */ (e.target);
    /** @type {any} */ (f)[key] = t.type === 'checkbox' ? t.checked : t.value;
    drawColumns();
  };
  replace(el,
    h('details', { class: 'filter-box' },
      h('summary', null, 'Filters'),
      h('div', { class: 'filter-row' },
        h('label', null, 'Owner ', h('select', { name: 'owner', onchange: set('owner') },
          h('option', { value: '' }, 'Anyone'),
          [...session.members.values()].map((m) => h('option', { value: m.user_id, selected: f.owner === m.user_id }, m.name)))),
        h('label', null, 'Tag ', h('input', { name: 'tag', value: f.tag, oninput: set('tag'), size: '10' })),
        h('label', null, `Value from (${cur}) `, h('input', { name: 'min', value: f.min, inputmode: 'decimal', oninput: set('min'), size: '8' })),
        h('label', null, 'to ', h('input', { name: 'max', value: f.max, inputmode: 'decimal', oninput: set('max'), size: '8' })),
        h('label', { class: 'field-check' }, h('input', { type: 'checkbox', name: 'stale', checked: f.stale, onchange: set('stale') }), ' Stale'),
        h('label', { class: 'field-check' }, h('input', { type: 'checkbox', name: 'atRisk', checked: f.atRisk, onchange: set('atRisk') }), ' At risk'))),
  );
}

/** Whether a card passes the filters (as the server's board filters would). @param {any} c */
function passes(c) {
  const f = state.filters;
  if (f.owner && c.owner_id !== f.owner) return false;
  if (f.tag && !c.tags.some((/** @type {string} */ t) => t.toLowerCase() === f.tag.trim().toLowerCase())) return false;
  const min = toMinor(f.min, c.currency);
  const max = toMinor(f.max, c.currency);
  if (min != null && !Number.isNaN(min) && c.amount < min) return false;
  if (max != null && !Number.isNaN(max) && c.amount > max) return false;
  if (f.stale && !c.flags?.stale) return false;
  if (f.atRisk && !c.flags?.at_risk) return false;
  return true;
}

function drawColumns() {
  const board = document.getElementById('board');
  if (!board) return;
  const focused = /** @type {HTMLElement|null} */ (document.activeElement)?.closest?.('.card');
  const focusId = focused instanceof HTMLElement ? focused.dataset.id : null;
  const scroll = board.scrollLeft;
  const movable = can.writeDeals();
  replace(board, state.columns.map((col) => {
    const headId = `col-${col.stage.id}`;
    const shown = col.cards.filter(passes);
    const list = h('ol', {
      class: 'cards',
      role: 'list',
      'aria-labelledby': headId,
      dataset: { stage: col.stage.id },
    }, shown.map((c) => {
      const el = cardElement(c, { movable });
      el.addEventListener('click', () => navigate(`/board/${state.pipelineId}/deal/${c.id}`));
      el.addEventListener('keydown', (e) => onCardKey(e, c.id));
      if (movable) {
        el.addEventListener('dragstart', (e) => onDragStart(e, c.id));
        el.addEventListener('dragend', onDragEnd);
      }
      return el;
    }));
    if (movable) wireDrop(list, col.stage.id);
    return h('section', {
      class: `column column-${col.stage.kind}`,
      dataset: { stage: col.stage.id },
      vars: { '--stage-color': col.stage.color },
    },
    h('header', { class: 'column-head' },
      h('h2', { id: headId }, col.stage.name,
        h('span', { class: 'count', 'aria-label': `${col.totals.count} deals` }, String(col.totals.count))),
      h('div', { class: 'column-totals' }, totalsText(col.totals)),
      h('div', { class: 'muted small' },
        `${col.stage.kind === 'open' ? `${col.stage.probability} %` : col.stage.kind}`,
        col.stage.sla_days ? ` · SLA ${col.stage.sla_days} d` : '',
        shown.length !== col.cards.length ? ` · ${col.cards.length - shown.length} hidden by filters` : '')),
    list);
  }));
  board.scrollLeft = scroll;
  drawForecast();
  if (focusId) /** @type {HTMLElement|null} */ (board.querySelector(`.card[data-id="${focusId}"]`))?.focus();
}

// ---------------------------------------------------------------- moving

/** @param {DragEvent} e @param {string} id */
function onDragStart(e, id) {
  state.dragging = id;
  e.dataTransfer?.setData('text/plain', id);
  if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  /** @type {HTMLElement} */ (e.currentTarget).classList.add('dragging');
}

function onDragEnd() {
  state.dragging = null;
  for (const el of document.querySelectorAll('.drop-marker')) el.remove();
  drawColumns();
}

/** The card element a drop at `y` lands before, in `list`. @param {HTMLElement} list @param {number} y */
function cardAfter(list, y) {
  for (const el of list.querySelectorAll('.card:not(.dragging)')) {
    const r = el.getBoundingClientRect();
    if (y < r.top + r.height / 2) return /** @type {HTMLElement} */ (el);
  }
  return null;
}

/** @param {HTMLElement} list @param {string} stageId */
function wireDrop(list, stageId) {
  list.addEventListener('dragover', (e) => {
    if (!state.dragging) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    const marker = document.querySelector('.drop-marker') ?? h('li', { class: 'drop-marker', 'aria-hidden': 'true' });
    const before = cardAfter(list, e.clientY);
    if (before) list.insertBefore(marker, before);
    else list.append(marker);
  });
  list.addEventListener('drop', (e) => {
    e.preventDefault();
    const id = state.dragging ?? e.dataTransfer?.getData('text/plain');
    if (!id) return;
    const before = cardAfter(list, e.clientY);
    const beforeId = before?.dataset.id ?? null;
    let afterId = null;
    if (!beforeId) {
      const last = [...list.querySelectorAll('.card:not(.dragging)')].pop();
      afterId = /** @type {HTMLElement|undefined} */ (last)?.dataset.id ?? null;
    }
    state.dragging = null;
    for (const el of document.querySelectorAll('.drop-marker')) el.remove();
    moveCard(id, stageId, beforeId === id ? null : beforeId, afterId === id ? null : afterId);
  });
}

/**
 * Moves a card: asks for a lost reason when needed, moves it on screen at
 * once, sends PUT /deals/{id}/stage, then keeps the server's answer (or
 * puts the board back as the server has it).
 * @param {string} id @param {string} stageId @param {string|null} beforeId @param {string|null} afterId
 * @param {string} [lostReason]
 */
export async function moveCard(id, stageId, beforeId, afterId, lostReason) {
  const found = findCard(id);
  const target = state.columns.find((c) => c.stage.id === stageId);
  if (!found || !target) return;
  if (found.col === target && (beforeId === null && afterId === null ? found.i === target.cards.length - 1
    : (beforeId && target.cards[found.i + 1]?.id === beforeId) || (afterId && target.cards[found.i - 1]?.id === afterId))) {
    drawColumns();
    return; // dropped where it was
  }
  let reason = lostReason;
  if (target.stage.kind === 'lost' && found.col !== target && !reason) {
    reason = await askLostReason(found.card.title, target.stage.name);
    if (!reason) {
      drawColumns();
      return;
    }
  }
  // Optimistic: move the card and the counts now; amounts follow the event.
  const card = found.card;
  state.pendingMoves.set(id, card.version);
  found.col.cards.splice(found.i, 1);
  let at = target.cards.length;
  if (beforeId) at = Math.max(0, target.cards.findIndex((c) => c.id === beforeId));
  else if (afterId) at = target.cards.findIndex((c) => c.id === afterId) + 1 || target.cards.length;
  card.stage_id = stageId;
  target.cards.splice(at, 0, card);
  if (found.col !== target) {
    found.col.totals = { ...found.col.totals, count: found.col.totals.count - 1 };
    target.totals = { ...target.totals, count: target.totals.count + 1 };
  }
  drawColumns();
  announce(`${card.title} moved to ${target.stage.name}.`);
  try {
    const body = { stage_id: stageId, ...(beforeId ? { before_id: beforeId } : {}), ...(afterId ? { after_id: afterId } : {}), ...(reason ? { lost_reason: reason } : {}) };
    const deal = await pulse.deals.move(id, body);
    applyDeal(deal);
  } catch (e) {
    state.pendingMoves.delete(id);
    toast(`Could not move “${card.title}”: ${describe(e, DEAL_MESSAGES)}`, 'error');
    announce(`Move failed. ${describe(e, DEAL_MESSAGES)}`);
    await load();
  }
}

/** @param {KeyboardEvent} e @param {string} id */
async function onCardKey(e, id) {
  const found = findCard(id);
  if (!found) return;
  const shown = found.col.cards.filter(passes);
  const pos = shown.findIndex((c) => c.id === id);
  const colIndex = state.columns.indexOf(found.col);
  const movable = can.writeDeals();
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    navigate(`/board/${state.pipelineId}/deal/${id}`);
  } else if ((e.key === 'm' || e.key === 'M') && movable && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    const choice = await askMove(found.card, state.columns);
    if (choice) await moveCard(id, choice.stageId, choice.beforeId, choice.afterId, choice.lostReason);
    focusCard(id);
  } else if (e.altKey && movable && ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) {
    e.preventDefault();
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const next = state.columns[colIndex + (e.key === 'ArrowLeft' ? -1 : 1)];
      if (next) await moveCard(id, next.stage.id, null, null);
    } else if (e.key === 'ArrowUp' && pos > 0) {
      await moveCard(id, found.col.stage.id, shown[pos - 1].id, null);
    } else if (e.key === 'ArrowDown' && pos < shown.length - 1) {
      await moveCard(id, found.col.stage.id, null, shown[pos + 1].id);
    }
    focusCard(id);
  } else if (!e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
    e.preventDefault();
    const other = shown[pos + (e.key === 'ArrowUp' ? -1 : 1)];
    if (other) focusCard(other.id);
  } else if (!e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
    e.preventDefault();
    for (let i = colIndex + (e.key === 'ArrowLeft' ? -1 : 1); i >= 0 && i < state.columns.length; i += e.key === 'ArrowLeft' ? -1 : 1) {
      const first = state.columns[i].cards.filter(passes)[Math.min(pos, state.columns[i].cards.filter(passes).length - 1)];
      if (first) {
        focusCard(first.id);
        break;
      }
    }
  }
}

/** @param {string} id */
function focusCard(id) {
  requestAnimationFrame(() => /** @type {HTMLElement|null} */ (document.querySelector(`.card[data-id="${id}"]`))?.focus());
}

// ---------------------------------------------------------------- dialogs and drawer

async function newDeal() {
  const deal = await createDealDialog(state.pipeline, state.columns.map((c) => c.stage));
  if (deal) {
    applyDeal(deal);
    announce(`Deal ${deal.title} created.`);
    focusCard(deal.id);
  }
}

/** @param {string} dealId */
function openDrawer(dealId) {
  if (state.drawer?.dealId === dealId) return;
  state.drawer?.close({ silent: true });
  state.drawer = new Drawer(dealId, {
    stages: () => state.columns.map((c) => c.stage),
    onClose: () => {
      state.drawer = null;
      replacePath(`/board/${state.pipelineId}`);
      focusCard(dealId);
    },
    onDeal: (deal) => applyDeal(deal),
    move: (stageId, reason) => moveCard(dealId, stageId, null, null, reason),
  });
}
