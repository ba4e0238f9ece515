// Saved views: a person's named filters, sort and columns for a list
// (at most 10 per person and workspace; the server says so when full).

import { h, replace, toast } from '../dom.js';
import { describe } from '../errors.js';
import { form, fieldError } from './form.js';
import { api } from './records.js';

/**
 * The saved-views bar of a list.
 * @param {{ entity: 'contacts'|'companies', current: () => { filters: Record<string, string>, sort: string, columns: string[] },
 *   apply: (view: any) => void }} opts
 */
export function savedViews(opts) {
  const chips = h('div', { class: 'view-chips', role: 'list', 'aria-label': 'Saved views' });
  const status = h('div', { class: 'view-status' });
  const draw = async () => {
    /** @type {any[]} */
    let views;
    try {
      views = (await api.views.list({ entity: opts.entity })).views;
    } catch (e) {
      replace(status, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
      return;
    }
    replace(chips, views.length ? views.map((v) => h('span', { class: 'view-chip', role: 'listitem' },
      h('button', { type: 'button', class: 'small view-apply', title: summary(v), onclick: () => opts.apply(v) }, v.name),
      h('button', { type: 'button', class: 'small view-delete', 'aria-label': `Delete view ${v.name}`, onclick: async () => {
        try {
          await api.views.remove(v.id);
          toast(`View ${v.name} deleted.`);
          replace(status);
          await draw();
        } catch (e) {
          replace(status, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
        }
      } }, '×'))) : h('span', { class: 'muted small' }, 'No saved views yet.'));
  };
  draw();
  const save = form([
    h('label', { class: 'visually-hidden', for: `view-name-${opts.entity}` }, 'Name of the new view'),
    h('input', { id: `view-name-${opts.entity}`, name: 'name', maxlength: '100', placeholder: 'Name this view', size: '16' }),
    h('button', { type: 'submit', class: 'small' }, 'Save view'),
  ], async (v, f) => {
    const name = (v.name ?? '').trim();
    if (!name) throw fieldError('name', 'Name the view.');
    const cur = opts.current();
    await api.views.create({ entity: opts.entity, name, filters: cur.filters, sort: cur.sort, columns: cur.columns });
    toast(`View ${name} saved.`);
    f.reset();
    await draw();
  }, { class: 'view-save', 'aria-label': 'Save the current filters as a view' });
  return h('section', { class: 'views-bar', 'aria-label': 'Saved views' },
    h('span', { class: 'views-label' }, 'Views:'), chips, save, status);
}

/** What a view filters, for its tooltip. @param {any} v */
function summary(v) {
  const parts = Object.entries(v.filters ?? {}).map(([k, val]) => `${k}=${val}`);
  if (v.sort) parts.push(`sort ${v.sort}`);
  return parts.join(', ') || 'No filters';
}
