// `#/deals/<id>`: a link to a deal from anywhere (search, the bell, a
// converted lead) that does not know the deal's pipeline. It looks the
// deal up and replaces itself with the deal's drawer on its board, so
// the back button skips it.

import { h, replace } from '../dom.js';
import { pulse } from '../session.js';
import { describe, DEAL_MESSAGES } from '../errors.js';

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, [id]) {
  try {
    const deal = await pulse.deals.get(/** @type {string} */ (id));
    location.replace(`#/board/${deal.pipeline_id}/deal/${deal.id}`);
  } catch (e) {
    replace(view, h('p', null, h('a', { href: '#/board' }, '← Board')),
      h('p', { class: 'form-error', role: 'alert' }, describe(e, DEAL_MESSAGES)));
  }
}
