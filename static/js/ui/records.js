// Pieces shared by the CRM record screens (contacts, companies,
// activities, import): the REST collections, who may write, custom field
// inputs, record pickers, the pager, timelines and audit trails, and a
// live reload that follows a topic.

import { h, replace } from '../dom.js';
import { collection } from '/sdk/index.js';
import { pulse, session, role, memberName } from '../session.js';
import { dateTime, date } from '../format.js';
import { reloaded } from '../status.js';

/** The CRM collections, built on the SDK's `collection` pattern. */
export const api = {
  contacts: collection(pulse, '/api/v1/contacts'),
  companies: collection(pulse, '/api/v1/companies'),
  activities: collection(pulse, '/api/v1/activities'),
  customFields: collection(pulse, '/api/v1/custom-fields', { listKey: 'fields' }),
  views: collection(pulse, '/api/v1/views', { listKey: 'views' }),
};

/** What the role may do with contacts, companies and activities (docs/PERMISSIONS.md). */
export const may = {
  /** Create records and edit one's own. */
  write: () => ['owner', 'manager', 'rep'].includes(role() ?? ''),
  /** Edit and delete anyone's records, give records to others. */
  editAny: () => ['owner', 'manager'].includes(role() ?? ''),
  /** Define custom fields. */
  manageFields: () => ['owner', 'manager'].includes(role() ?? ''),
  /** Whether this person may change a record owned by `ownerId`. @param {string|null|undefined} ownerId */
  edit: (ownerId) => may.editAny() || (may.write() && !!ownerId && ownerId === session.me?.user?.id),
};

/** The signed-in person's user id. */
export const myId = () => /** @type {string|undefined} */ (session.me?.user?.id);

/** Active members as `[id, name]` options; reps who may not assign see only themselves. @param {{ none?: string, everyone?: boolean }} [opts] */
export function memberOptions(opts = {}) {
  const active = [...session.members.values()].filter((m) => m.status === 'active');
  const list = opts.everyone || may.editAny() ? active : active.filter((m) => m.user_id === myId());
  /** @type {[string, string][]} */
  const options = list.map((m) => [m.user_id, m.user_id === myId() ? `${m.name} (you)` : m.name]);
  return opts.none != null ? [['', opts.none], ...options] : options;
}

/** "a, b ,c" → ["a", "b", "c"]. @param {string|null|undefined} text */
export function splitTags(text) {
  return String(text ?? '').split(',').map((t) => t.trim()).filter(Boolean);
}

// ---------------------------------------------------------------- custom fields

/** @type {Map<string, Promise<any[]>>} */
const fieldCache = new Map();

/** The workspace's custom field definitions for `entity` (`contact`, `company`). @param {string} entity @param {boolean} [fresh] */
export function customFields(entity, fresh = false) {
  if (fresh || !fieldCache.has(entity)) {
    const p = api.customFields.list({ entity }).then((r) => r.fields, (e) => {
      fieldCache.delete(entity);
      throw e;
    });
    fieldCache.set(entity, p);
  }
  return /** @type {Promise<any[]>} */ (fieldCache.get(entity));
}

/** A custom field's value as text. @param {any} def @param {any} value */
export function customValue(def, value) {
  if (value == null || value === '') return '';
  if (def?.type === 'boolean') return value ? 'Yes' : 'No';
  if (def?.type === 'date') return date(String(value));
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/**
 * Inputs for custom fields, named `custom_fields.<key>` so the server's
 * errors (`custom_fields.tier`) land next to them.
 * @param {any[]} defs @param {Record<string, any>} [values]
 */
export function customFieldInputs(defs, values = {}) {
  return defs.map((d) => {
    const name = `custom_fields.${d.key}`;
    const id = `cf-${d.key}-${Math.random().toString(36).slice(2, 7)}`;
    const v = values?.[d.key];
    let control;
    switch (d.type) {
      case 'number':
        control = h('input', { id, name, type: 'number', step: 'any', value: v ?? '' });
        break;
      case 'date':
        control = h('input', { id, name, type: 'date', value: v ?? '' });
        break;
      case 'boolean':
        control = h('select', { id, name },
          [['', '—'], ['true', 'Yes'], ['false', 'No']].map(([val, l]) =>
            h('option', { value: val, selected: v == null ? val === '' : String(v) === val }, l)));
        break;
      case 'select':
        control = h('select', { id, name },
          h('option', { value: '' }, '—'),
          d.options.map((/** @type {string} */ o) => h('option', { value: o, selected: v === o }, o)));
        break;
      case 'multi_select':
        control = h('select', { id, name, multiple: true, size: String(Math.min(4, d.options.length)) },
          d.options.map((/** @type {string} */ o) => h('option', { value: o, selected: Array.isArray(v) && v.includes(o) }, o)));
        break;
      default:
        control = h('input', { id, name, value: v ?? '', maxlength: '2000' });
    }
    return h('div', { class: 'field' }, h('label', { for: id }, d.label), control);
  });
}

/**
 * Reads custom field inputs back: the values that differ from `before`
 * (`null` clears one), or every set value when `before` is absent.
 * @param {any[]} defs @param {HTMLFormElement} form @param {Record<string, any>} [before]
 */
export function readCustomFields(defs, form, before) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const d of defs) {
    const el = /** @type {HTMLInputElement|HTMLSelectElement|null} */ (form.elements.namedItem(`custom_fields.${d.key}`));
    if (!el) continue;
    /** @type {any} */
    let v;
    if (d.type === 'multi_select') {
      v = [.../** @type {HTMLSelectElement} */ (el).selectedOptions].map((o) => o.value);
      if (!v.length) v = null;
    } else {
      const raw = el.value.trim();
      if (raw === '') v = null;
      else if (d.type === 'number') v = Number(raw);
      else if (d.type === 'boolean') v = raw === 'true';
      else v = raw;
    }
    const old = before?.[d.key] ?? null;
    if (before) {
      if (JSON.stringify(old) !== JSON.stringify(v)) out[d.key] = v;
    } else if (v !== null) {
      out[d.key] = v;
    }
  }
  return out;
}

// ---------------------------------------------------------------- pickers

/**
 * A search-as-you-type picker for a contact, company, deal or lead: a
 * text input with the matches as its list (native, so keyboard and screen
 * readers work). The chosen id is `input.dataset.id`; `resolvePicker`
 * settles typed text that was not picked from the list.
 * @param {{ type: 'contact'|'company'|'deal'|'lead', name: string, label: string, value?: { id: string, title: string }|null, hint?: string }} opts
 */
export function recordPicker(opts) {
  const id = `pick-${opts.name}-${Math.random().toString(36).slice(2, 7)}`;
  const listId = `${id}-list`;
  const list = h('datalist', { id: listId });
  const input = /** @type {HTMLInputElement} */ (h('input', {
    id, name: opts.name, type: 'search', list: listId, autocomplete: 'off',
    value: opts.value?.title ?? '', placeholder: `Type to find a ${opts.type}`,
    dataset: { id: opts.value?.id ?? '', type: opts.type, picker: '1' },
  }));
  /** @type {Map<string, string>} label → id */
  const known = new Map();
  if (opts.value) known.set(opts.value.title, opts.value.id);
  let timer = 0;
  let asked = '';
  input.addEventListener('input', () => {
    const text = input.value.trim();
    input.dataset.id = known.get(input.value) ?? '';
    clearTimeout(timer);
    if (!text || input.dataset.id || text === asked) return;
    timer = window.setTimeout(async () => {
      asked = text;
      const hits = await searchRecords(opts.type, text).catch(() => []);
      for (const hit of hits) known.set(hit.label, hit.id);
      replace(list, hits.map((hit) => h('option', { value: hit.label })));
      input.dataset.id = known.get(input.value) ?? '';
    }, 200);
  });
  /** @type {any} */ (input).pickerKnown = known;
  return h('div', { class: 'field' },
    h('label', { for: id }, opts.label),
    input, list,
    opts.hint ? h('small', { class: 'hint' }, opts.hint) : null);
}

/** Search hits of one type as `{ id, label }`. @param {string} type @param {string} q */
export async function searchRecords(type, q) {
  const res = await pulse.request('GET', '/api/v1/search', { query: { q, types: type, limit: 10 } });
  return res.results.map((/** @type {any} */ r) => ({ id: r.id, label: r.subtitle ? `${r.title} — ${r.subtitle}` : r.title }));
}

/**
 * The id a picker stands for: the one chosen from its list, or, for
 * typed text, the only match or the match with exactly that name. Null
 * when empty; throws a field error when the text finds nothing definite.
 * @param {HTMLFormElement} form @param {string} name
 * @returns {Promise<string|null>}
 */
export async function resolvePicker(form, name) {
  const input = /** @type {HTMLInputElement} */ (form.querySelector(`input[data-picker][name="${name}"]`));
  const text = input.value.trim();
  if (!text) return null;
  const known = /** @type {Map<string, string>} */ (/** @type {any} */ (input).pickerKnown);
  if (input.dataset.id) return input.dataset.id;
  if (known.has(input.value)) return /** @type {string} */ (known.get(input.value));
  const hits = await searchRecords(/** @type {string} */ (input.dataset.type), text);
  const exact = hits.filter((hit) => hit.label.toLowerCase() === text.toLowerCase() ||
    hit.label.split(' — ')[0].toLowerCase() === text.toLowerCase());
  const pick = hits.length === 1 ? hits[0] : exact.length === 1 ? exact[0] : null;
  if (!pick) {
    throw { code: 'validation_failed', fields: [{ field: name,
      message: hits.length ? `several ${input.dataset.type}s match “${text}”; choose one from the list` : `no ${input.dataset.type} matches “${text}”` }] };
  }
  input.value = pick.label;
  input.dataset.id = pick.id;
  return pick.id;
}

// ---------------------------------------------------------------- lists

/**
 * "1–50 of 130" with previous and next buttons.
 * @param {{ page: number, limit: number, total: number }} p
 * @param {(page: number) => void} go
 */
export function pager(p, go) {
  const pages = Math.max(1, Math.ceil(p.total / p.limit));
  const first = p.total === 0 ? 0 : (p.page - 1) * p.limit + 1;
  const last = Math.min(p.total, p.page * p.limit);
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', class: 'small', disabled: p.page <= 1, onclick: () => go(p.page - 1) }, '← Previous'),
    h('span', { class: 'pager-info', 'aria-live': 'polite' }, p.total === 0 ? 'Nothing found' : `${first}–${last} of ${p.total} · page ${p.page} of ${pages}`),
    h('button', { type: 'button', class: 'small', disabled: p.page >= pages, onclick: () => go(p.page + 1) }, 'Next →'));
}

/** A column header that sorts: click toggles asc/desc. @param {string} label @param {string} key @param {{ sort: string, order: string }} cur @param {(key: string) => void} onSort */
export function sortHeader(label, key, cur, onSort) {
  const active = cur.sort === key;
  const dir = active ? (cur.order === 'desc' ? 'descending' : 'ascending') : 'none';
  return h('th', { scope: 'col', 'aria-sort': dir },
    h('button', { type: 'button', class: 'sort-button', onclick: () => onSort(key) },
      label, active ? (cur.order === 'desc' ? ' ↓' : ' ↑') : ''));
}

// ---------------------------------------------------------------- timelines

export const TYPE_LABELS = { task: 'Task', call: 'Call', meeting: 'Meeting', email: 'Email', note: 'Note' };
const TYPE_ICONS = { task: '☐', call: '☎', meeting: '◷', email: '✉', note: '✎' };

/** The type badge of an activity. @param {any} a */
export function typeBadge(a) {
  const done = a.type === 'task' && a.completed_at;
  return h('span', { class: `type-badge type-${a.type}`, title: TYPE_LABELS[/** @type {keyof TYPE_LABELS} */ (a.type)] },
    done ? '☑' : TYPE_ICONS[/** @type {keyof TYPE_ICONS} */ (a.type)] ?? '•', ' ', TYPE_LABELS[/** @type {keyof TYPE_LABELS} */ (a.type)] ?? a.type);
}

/** What an activity's due, duration and direction say, in a line. @param {any} a */
export function activityMeta(a) {
  const bits = [];
  if (a.due_at) bits.push(h('span', { class: `due${a.overdue ? ' overdue' : ''}` }, `${a.overdue ? 'Overdue: ' : 'Due '}${dateTime(a.due_at)}`));
  if (a.type === 'task') bits.push(h('span', { class: `prio prio-${a.priority}` }, `${a.priority} priority`));
  if (a.duration_minutes != null) bits.push(`${a.duration_minutes} min`);
  if (a.direction) bits.push(a.direction);
  if (a.assignee_id) bits.push(`for ${memberName(a.assignee_id)}`);
  if (a.completed_at) bits.push(h('span', { class: 'done' }, `done ${dateTime(a.completed_at)}`));
  return bits.flatMap((b, i) => (i ? [' · ', b] : [b]));
}

/**
 * A timeline of activities in the order given (the server's: oldest
 * first). `actions(a)` adds buttons to an item.
 * @param {any[]} items @param {(a: any) => any} [actions]
 */
export function timeline(items, actions) {
  if (!items.length) return h('p', { class: 'muted' }, 'No activity yet.');
  return h('ol', { class: 'record-timeline' }, items.map((a) => h('li', { class: `tl-item tl-${a.type}`, dataset: { id: a.id } },
    h('div', { class: 'tl-head' },
      typeBadge(a),
      h('strong', { class: 'tl-subject' }, a.subject),
      h('time', { class: 'muted small', datetime: a.created_at }, dateTime(a.created_at)),
      a.author_user_id ? h('span', { class: 'muted small' }, `by ${memberName(a.author_user_id)}`) : null),
    h('div', { class: 'tl-meta small' }, activityMeta(a)),
    a.body ? h('p', { class: 'tl-body' }, a.body) : null,
    actions ? actions(a) : null)));
}

/** Labels for audit actions. */
const ACTIONS = {
  created: 'Created', updated: 'Changed', deleted: 'Deleted', bulk_updated: 'Changed in bulk', bulk_deleted: 'Deleted in bulk',
};

/** An audit trail: who did what, when. @param {any[]} entries */
export function auditTrail(entries) {
  if (!entries.length) return h('p', { class: 'muted' }, 'No changes recorded.');
  return h('ol', { class: 'audit-trail' }, entries.map((e) => {
    const verb = String(e.action).split('.').slice(1).join('.');
    const who = e.actor_user_id ? memberName(e.actor_user_id) : e.actor_token_id ? 'An API token' : 'Pulse';
    /** @type {string[]} */
    const changed = Array.isArray(e.details?.changed) ? e.details.changed.map((/** @type {string} */ f) => f.replace(/_id$/, '').replace(/_/g, ' ')) : [];
    const op = typeof e.details?.operation === 'string' ? e.details.operation.replace(/_/g, ' ') : null;
    const tags = Array.isArray(e.details?.tags) && e.details.tags.length ? e.details.tags.join(', ') : null;
    return h('li', null,
      h('time', { class: 'muted small', datetime: e.at }, dateTime(e.at)), ' ',
      h('strong', null, ACTIONS[/** @type {keyof ACTIONS} */ (verb)] ?? e.action), ' by ', who,
      changed.length ? h('span', { class: 'muted' }, `: ${changed.join(', ')}`) : null,
      op ? h('span', { class: 'muted' }, `: ${op}${tags ? ` ${tags}` : ''}`) : null);
  }));
}

// ---------------------------------------------------------------- live

/**
 * Follows `topics` live and calls `reload` (at most every 300 ms) for
 * each event `relevant` accepts; after a reset, reloads and says so.
 * Returns a close function.
 * @param {string|string[]} topics
 * @param {(ev: any) => boolean} relevant
 * @param {() => Promise<any>|void} reload
 */
export function followLive(topics, relevant, reload) {
  let timer = 0;
  const soon = () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => { Promise.resolve(reload()).catch(() => {}); }, 300);
  };
  const sub = pulse.subscribe(topics, (ev) => { if (relevant(ev)) soon(); }, {
    onReset: async () => {
      await reload();
      reloaded();
    },
  });
  return () => {
    clearTimeout(timer);
    sub.close();
  };
}
