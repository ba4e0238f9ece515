// One card on the board: title, amount, owner, contact/company, next
// action date and flags. Focusable; dragging and the keyboard are wired
// by the board.

import { h, initials } from '../dom.js';
import { money, date, today } from '../format.js';
import { memberName } from '../session.js';

/**
 * @param {any} card the board's card (or a deal turned into one)
 * @param {{ movable: boolean }} opts
 */
export function cardElement(card, opts) {
  const owner = memberName(card.owner_id);
  const overdue = card.next_action_date && card.next_action_date < today();
  const who = [card.contact_name, card.company_name].filter(Boolean).join(' · ');
  const flags = [
    card.flags?.stale ? h('span', { class: 'flag flag-stale' }, 'Stale') : null,
    card.flags?.at_risk ? h('span', { class: 'flag flag-risk' }, 'At risk') : null,
    card.flags?.sla_breached ? h('span', { class: 'flag flag-sla' }, 'SLA') : null,
  ];
  const label = [
    card.title,
    money(card.amount, card.currency),
    `owner ${owner}`,
    who,
    card.next_action_date ? `next action ${date(card.next_action_date)}${overdue ? ', overdue' : ''}` : '',
    card.flags?.stale ? 'stale' : '',
    card.flags?.at_risk ? 'at risk' : '',
    card.flags?.sla_breached ? 'over SLA' : '',
  ].filter(Boolean).join(', ');
  return h('li', {
    class: 'card',
    tabindex: '0',
    draggable: opts.movable ? 'true' : 'false',
    dataset: { id: card.id },
    'aria-label': label,
    'aria-describedby': opts.movable ? 'card-help' : null,
  },
  h('div', { class: 'card-title' }, card.title),
  h('div', { class: 'card-amount' }, money(card.amount, card.currency),
    card.probability != null ? h('span', { class: 'muted' }, ` · ${card.probability} %`) : null),
  who ? h('div', { class: 'card-who muted' }, who) : null,
  h('div', { class: 'card-foot' },
    h('span', { class: 'avatar avatar-sm', 'aria-hidden': 'true' }, initials(owner)),
    h('span', { class: 'owner' }, owner),
    card.next_action_date
      ? h('span', { class: overdue ? 'due overdue' : 'due' }, date(card.next_action_date))
      : null,
    flags),
  );
}

/** The card form of a deal view (an event's `data.deal` or an API answer). @param {any} d */
export function dealToCard(d) {
  return {
    id: d.id,
    stage_id: d.stage_id,
    title: d.title,
    amount: d.amount,
    currency: d.currency,
    probability: d.probability,
    weighted: d.weighted,
    owner_id: d.owner_id,
    contact_name: d.contact_name,
    company_name: d.company_name,
    next_action_date: d.next_action_date,
    expected_close_date: d.expected_close_date,
    tags: d.tags ?? [],
    flags: d.flags ?? {},
    rank: d.rank,
    version: d.version,
    shared_with: d.shared_with,
  };
}
