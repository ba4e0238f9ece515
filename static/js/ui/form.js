// Small form helpers: labelled fields and a submit that shows the
// server's errors next to the fields they concern.

import { h } from '../dom.js';
import { showErrors, clearErrors } from '../errors.js';

/**
 * A labelled input. `type: 'select'` takes `options: [[value, label]]`.
 * @param {string} label
 * @param {Record<string, any>} attrs name, type, value, required, options...
 */
export function field(label, attrs) {
  const { options, hint, ...rest } = attrs;
  const id = `f-${rest.name}-${Math.random().toString(36).slice(2, 7)}`;
  let control;
  if (rest.type === 'select') {
    delete rest.type;
    control = h('select', { id, ...rest },
      (options ?? []).map(([v, l]) => h('option', { value: v, selected: String(v) === String(rest.value ?? '') }, l)));
  } else if (rest.type === 'textarea') {
    delete rest.type;
    control = h('textarea', { id, ...rest });
  } else if (rest.type === 'checkbox') {
    return h('label', { class: 'field field-check' }, h('input', { id, ...rest }), ' ', label);
  } else {
    control = h('input', { id, ...rest });
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null);
}

/**
 * A form whose submit runs `onSubmit(values, form)`; errors thrown are
 * shown on the form. The submit button is disabled meanwhile.
 * @param {any[]} children
 * @param {(values: Record<string, string>, form: HTMLFormElement) => Promise<any>} onSubmit
 * @param {Record<string, any>} [attrs]
 */
export function form(children, onSubmit, attrs = {}) {
  const f = /** @type {HTMLFormElement} */ (h('form', { novalidate: true, ...attrs }, children));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const values = /** @type {Record<string, string>} */ (Object.fromEntries(new FormData(f).entries()));
    const buttons = [...f.querySelectorAll('button[type="submit"]')];
    for (const b of buttons) /** @type {HTMLButtonElement} */ (b).disabled = true;
    try {
      await onSubmit(values, f);
    } catch (e) {
      showErrors(f, e);
    } finally {
      for (const b of buttons) /** @type {HTMLButtonElement} */ (b).disabled = false;
    }
  });
  return f;
}

/** A local validation failure shaped like the server's, for showErrors. @param {string} field @param {string} message */
export function fieldError(field, message) {
  return { code: 'validation_failed', fields: [{ field, message }] };
}
