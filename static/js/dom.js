// Building DOM node by node: text from the server is always set as
// text, never parsed as markup. Inline `style` attributes are never used
// (the CSP forbids them); colours go through CSS custom properties set
// with CSSOM (`el.style.setProperty`), which `style-src 'self'` allows.

/**
 * h('button', { class: 'x', onclick: fn, 'aria-label': 'Close' }, 'text', child)
 * Attributes: `class`, `dataset` (object), `on*` (listeners), booleans
 * (set when true), `vars` (CSS custom properties); the rest via setAttribute.
 * @param {string} tag
 * @param {Record<string, any>|null} [attrs]
 * @param {...any} children strings, nodes, arrays, null/false (skipped)
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'vars') for (const [name, value] of Object.entries(v)) el.style.setProperty(name, value);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') /** @type {any} */ (el).value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') /** @type {any} */ (el)[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {any[]} children */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces the children of `el`. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** @param {string} id */
export const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Screen-reader announcement. @param {string} text */
export function announce(text) {
  const el = byId('announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 30);
}

/** A short notice in the corner. @param {string} text @param {'info'|'error'} [kind] */
export function toast(text, kind = 'info') {
  const el = h('div', { class: `toast toast-${kind}` }, text);
  byId('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

/** Initials for an avatar. @param {string} name */
export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/**
 * A modal dialog (native <dialog>: focus trap and Escape for free).
 * Resolves with the value passed to `close`, or null when dismissed.
 * @param {string} title
 * @param {(close: (value: any) => void, dialog: HTMLDialogElement) => Node} body
 * @returns {Promise<any>}
 */
export function modal(title, body) {
  return new Promise((resolve) => {
    const id = `dlg-${Math.random().toString(36).slice(2)}`;
    const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'modal', 'aria-labelledby': id }));
    let result = null;
    const close = (/** @type {any} */ value) => { result = value; dialog.close(); };
    dialog.append(
      h('div', { class: 'modal-head' },
        h('h2', { id }, title),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => close(null) }, '×')),
      body(close, dialog),
    );
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
    /** @type {HTMLElement|null} */ (dialog.querySelector('[autofocus], input, select, textarea'))?.focus();
  });
}
