// Dialogs around deals: the lost reason, "move to" (the keyboard way to
// move a card), and creating a deal.

import { h, modal } from '../dom.js';
import { pulse, session, can } from '../session.js';
import { toMinor } from '../format.js';
import { field, form, fieldError } from './form.js';

/**
 * Asks why a deal was lost. Resolves with the reason, or null.
 * @param {string} title @param {string} stageName
 */
export function askLostReason(title, stageName) {
  return modal(`Why was “${title}” lost?`, (close) => form([
    h('p', null, `Moving it to ${stageName} needs a reason.`),
    field('Reason', { name: 'lost_reason', type: 'textarea', required: true, maxlength: '500', autofocus: true, rows: '3' }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Mark as lost')),
  ], async (v) => {
    const reason = (v.lost_reason ?? '').trim();
    if (!reason) throw fieldError('lost_reason', 'Say briefly why the deal was lost.');
    close(reason);
  }));
}

/**
 * "Move to": a stage and a place in its column, chosen with the keyboard.
 * Resolves with `{ stageId, beforeId, afterId, lostReason }`, or null.
 * @param {any} card @param {{ stage: any, cards: any[] }[]} columns
 */
export function askMove(card, columns) {
  return modal(`Move “${card.title}”`, (close) => {
    const stageSelect = /** @type {HTMLSelectElement} */ (h('select', { name: 'stage', id: 'move-stage', autofocus: true },
      columns.map((c) => h('option', { value: c.stage.id, selected: c.stage.id === card.stage_id }, c.stage.name))));
    const placeSelect = /** @type {HTMLSelectElement} */ (h('select', { name: 'place', id: 'move-place' }));
    const reason = h('div', { class: 'field', hidden: true },
      h('label', { for: 'move-reason' }, 'Why was it lost?'),
      h('textarea', { id: 'move-reason', name: 'lost_reason', rows: '2', maxlength: '500' }));
    const fill = () => {
      const col = columns.find((c) => c.stage.id === stageSelect.value);
      const others = (col?.cards ?? []).filter((c) => c.id !== card.id);
      const options = [h('option', { value: others[0] ? `before:${others[0].id}` : 'end' }, 'At the top')];
      others.forEach((c, i) => options.push(h('option', {
        value: `after:${c.id}`,
        selected: col?.stage.id === card.stage_id && col.cards[col.cards.findIndex((x) => x.id === card.id) - 1]?.id === c.id,
      }, `After “${c.title}”${i === others.length - 1 ? ' (at the bottom)' : ''}`)));
      placeSelect.replaceChildren(...options);
      reason.hidden = !(col?.stage.kind === 'lost' && col.stage.id !== card.stage_id);
    };
    stageSelect.addEventListener('change', fill);
    fill();
    return form([
      h('div', { class: 'field' }, h('label', { for: 'move-stage' }, 'Stage'), stageSelect),
      h('div', { class: 'field' }, h('label', { for: 'move-place' }, 'Position'), placeSelect),
      reason,
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Move')),
    ], async (v) => {
      if (!reason.hidden && !(v.lost_reason ?? '').trim()) throw fieldError('lost_reason', 'Say briefly why the deal was lost.');
      const [where, id] = String(v.place).split(':');
      close({
        stageId: v.stage,
        beforeId: where === 'before' ? id : null,
        afterId: where === 'after' ? id : null,
        lostReason: reason.hidden ? undefined : v.lost_reason.trim(),
      });
    });
  });
}

/**
 * Creates a deal in a pipeline. Resolves with the created deal, or null.
 * @param {any} pipeline @param {any[]} stages
 */
export function createDealDialog(pipeline, stages) {
  const currency = session.workspace?.currency ?? 'USD';
  const me = session.me?.user?.id;
  const owners = can.editAnyDeal()
    ? [...session.members.values()].filter((m) => m.status === 'active' && m.role !== 'viewer')
    : [...session.members.values()].filter((m) => m.user_id === me);
  return modal(`New deal in ${pipeline.name}`, (close) => form([
    field('Title', { name: 'title', required: true, maxlength: '200', autofocus: true }),
    h('div', { class: 'field-row' },
      field(`Amount`, { name: 'amount', inputmode: 'decimal', placeholder: '0.00' }),
      field('Currency', { name: 'currency', value: currency, maxlength: '3', size: '4', pattern: '[A-Z]{3}' })),
    field('Stage', { name: 'stage_id', type: 'select', options: stages.filter((s) => s.kind === 'open').map((s) => [s.id, s.name]) }),
    field('Owner', { name: 'owner_id', type: 'select', value: me, options: owners.map((m) => [m.user_id, m.name]) }),
    h('div', { class: 'field-row' },
      field('Expected close', { name: 'expected_close_date', type: 'date' }),
      field('Next action date', { name: 'next_action_date', type: 'date' })),
    field('Next action', { name: 'next_action', maxlength: '500' }),
    field('Tags', { name: 'tags', hint: 'Separated by commas.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Create deal')),
  ], async (v) => {
    const cur = (v.currency || currency).trim().toUpperCase();
    const amount = toMinor(v.amount, cur);
    if (Number.isNaN(amount)) throw fieldError('amount', 'Enter an amount such as 1200 or 1200.50.');
    const body = {
      title: v.title,
      amount: amount ?? 0,
      currency: cur,
      pipeline_id: pipeline.id,
      stage_id: v.stage_id,
      owner_id: v.owner_id || undefined,
      expected_close_date: v.expected_close_date || undefined,
      next_action_date: v.next_action_date || undefined,
      next_action: v.next_action?.trim() || undefined,
      tags: (v.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    };
    close(await pulse.deals.create(body));
  }));
}
