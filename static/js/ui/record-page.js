// Panels shared by the contact and company 360 pages: property lists,
// deals with the lifetime value, and the buttons of a timeline item.

import { h } from '../dom.js';
import { describe } from '../errors.js';
import { money, date } from '../format.js';
import { memberName, session } from '../session.js';
import { may } from './records.js';
import { editActivityDialog, toggleTask } from './activity-form.js';

/** A definition list of label/value pairs; empty values are left out. @param {[string, any][]} pairs */
export function props(pairs) {
  const shown = pairs.filter(([, v]) => v !== '' && v != null);
  return h('dl', { class: 'props' }, shown.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

/** @param {any} d */
function dealItem(d) {
  return h('li', null,
    h('a', { href: `#/board/${d.pipeline_id}/deal/${d.id}` }, d.title),
    h('span', { class: `deal-amount${d.stage_kind === 'won' ? ' kind-won' : ''}` },
      money(d.amount, d.currency),
      d.stage_kind === 'won' ? ` · won ${d.won_at ? date(d.won_at) : ''}` : ` · ${d.probability}%`,
      d.owner_id ? h('span', { class: 'muted small' }, ` · ${memberName(d.owner_id)}`) : null));
}

/**
 * Open and won deals with the lifetime value (won deals, per currency).
 * @param {{ open: any[], won: any[], lifetime_value: Record<string, number> }} deals
 */
export function dealsPanel(deals) {
  const ltv = Object.entries(deals.lifetime_value ?? {});
  return h('section', { class: 'panel', 'aria-labelledby': 'deals-h' },
    h('h2', { id: 'deals-h' }, 'Deals'),
    h('p', { class: 'muted small' }, 'Lifetime value (won deals)'),
    h('p', { class: 'ltv', 'aria-label': 'Lifetime value' }, ltv.length ? ltv.map(([cur, v]) => h('span', null, money(v, cur))) : money(0, session.workspace?.currency ?? 'USD')),
    h('h3', { class: 'small' }, `Open (${deals.open.length})`),
    deals.open.length ? h('ul', { class: 'deal-list', 'aria-label': 'Open deals' }, deals.open.map(dealItem)) : h('p', { class: 'muted' }, 'No open deals.'),
    h('h3', { class: 'small' }, `Won (${deals.won.length})`),
    deals.won.length ? h('ul', { class: 'deal-list', 'aria-label': 'Won deals' }, deals.won.map(dealItem)) : h('p', { class: 'muted' }, 'No won deals.'));
}

/**
 * Complete or reopen a task, and correct an activity; errors show next
 * to the buttons.
 * @param {any} a @param {() => Promise<any>} reload
 */
export function timelineActions(a, reload) {
  if (!may.write()) return null;
  const row = h('div', { class: 'button-row tl-actions' });
  const fail = (/** @type {any} */ e) => {
    row.querySelector('.form-error')?.remove();
    row.append(h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  };
  if (a.type === 'task') {
    row.append(h('button', { type: 'button', class: 'small', onclick: async () => {
      try {
        await toggleTask(a);
        await reload();
      } catch (e) {
        fail(e);
      }
    } }, a.completed_at ? 'Reopen' : 'Complete'));
    /** @type {HTMLElement} */ (row.lastElementChild).setAttribute('aria-label', `${a.completed_at ? 'Reopen' : 'Complete'} ${a.subject}`);
  }
  row.append(h('button', { type: 'button', class: 'small', 'aria-label': `Edit ${a.subject}`, onclick: async () => {
    try {
      if (await editActivityDialog(a)) await reload();
    } catch (e) {
      fail(e);
    }
  } }, 'Edit'));
  return row;
}
