// Server errors (problem+json, as PulseError from the SDK) in words a
// person understands, shown next to the field or action they concern.

import { h } from './dom.js';

/** Messages for stable problem codes; the server's `detail` is used otherwise. */
const MESSAGES = {
  version_mismatch: 'Someone changed this meanwhile; reloaded. Check it and try again.',
  forbidden: 'Your role does not allow this.',
  insufficient_scope: 'This token is not allowed to do that.',
  rate_limited: 'Too many requests right now. Wait a moment and try again.',
  unauthenticated: 'Your session has ended. Log in again.',
  csrf_failed: 'Your session needs refreshing. Reload the page and try again.',
  network_error: 'Pulse cannot be reached. Check your connection and try again.',
  unavailable: 'Pulse is busy right now. Try again in a moment.',
  internal: 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.',
  not_found: 'This no longer exists. It may have been deleted.',
  invalid_credentials: 'That e-mail and password do not match.',
  login_throttled: 'Too many failed attempts. Wait a few minutes before trying again.',
};

/** Messages for a deal, where the generic wording is less clear. */
export const DEAL_MESSAGES = {
  version_mismatch: 'Someone changed this deal meanwhile; reloaded. Check it and try again.',
  forbidden: 'Your role does not allow changing this deal.',
};

/**
 * A sentence for an error.
 * @param {any} e a PulseError or anything thrown
 * @param {Record<string, string>} [overrides] code → message
 */
export function describe(e, overrides = {}) {
  if (!e || typeof e !== 'object') return String(e);
  const code = e.code;
  if (code && overrides[code]) return overrides[code];
  if (code === 'rate_limited' && e.retryAfter) return `Too many requests. Try again in ${Math.ceil(e.retryAfter)} s.`;
  if (e.fields?.length) return e.fields.map((/** @type {any} */ f) => `${f.field}: ${f.message}`).join(' ');
  if (code && MESSAGES[/** @type {keyof MESSAGES} */ (code)]) return MESSAGES[/** @type {keyof MESSAGES} */ (code)];
  if (e.detail) return sentence(e.detail);
  return e.message || 'Something went wrong.';
}

/** @param {string} s */
function sentence(s) {
  const t = s.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

/**
 * Clears the error marks of a form.
 * @param {HTMLElement} form
 */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error, .form-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
}

/**
 * Shows an error on a form: each field error next to its input (found
 * by `name`), the rest at the top of the form.
 * @param {HTMLElement} form
 * @param {any} e
 * @param {Record<string, string>} [overrides]
 */
export function showErrors(form, e, overrides = {}) {
  clearErrors(form);
  const rest = [];
  for (const f of e?.fields ?? []) {
    const name = String(f.field).replace(/\[\d+\]\./, '.');
    // `tags[2]` is about the one `tags` input.
    const list = String(f.field).replace(/\[\d+\]$/, '');
    const input = /** @type {HTMLElement|null} */ (form.querySelector(`[name="${CSS.escape(f.field)}"]`) ??
      form.querySelector(`[name="${CSS.escape(name)}"]`) ?? form.querySelector(`[name="${CSS.escape(list)}"]`));
    if (input) {
      const id = `err-${Math.random().toString(36).slice(2)}`;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
      (input.closest('label, .field') ?? input).after(h('p', { class: 'field-error', id }, sentence(f.message)));
    } else {
      rest.push(`${f.field}: ${f.message}`);
    }
  }
  const top = e?.fields?.length ? rest.join(' ') : describe(e, overrides);
  if (top) form.prepend(h('p', { class: 'form-error', role: 'alert' }, top));
  /** @type {HTMLElement|null} */ (form.querySelector('[aria-invalid="true"]'))?.focus();
}
