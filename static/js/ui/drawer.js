// The deal drawer: every field editable (PATCH with If-Match = the
// version shown), the products editor with a live amount, the stage
// history with time in stage, delete and restore. It follows the deal
// live: the board hands it every event about its deal.

import { h, replace, toast, announce } from '../dom.js';
import { pulse, session, can, mayEditDeal, memberName } from '../session.js';
import { money, toMinor, toMajor, date, dateTime, duration } from '../format.js';
import { describe, showErrors, clearErrors, DEAL_MESSAGES } from '../errors.js';
import { field, form, fieldError } from './form.js';

/**
 * @typedef {object} DrawerHooks
 * @property {() => any[]} stages the board's stages
 * @property {() => void} onClose
 * @property {(deal: any) => void} onDeal a newer deal from an answer
 * @property {(stageId: string, reason?: string) => Promise<void>} move
 */

export class Drawer {
  /** @param {string} dealId @param {DrawerHooks} hooks */
  constructor(dealId, hooks) {
    this.dealId = dealId;
    this.hooks = hooks;
    /** @type {any} */
    this.deal = null;
    /**
     * A product line is being typed into or saved: live snapshots must
     * not redraw the lines under the person's hands (the answer redraws).
     */
    this.linesBusy = false;
    /** The version the form was filled from: what If-Match sends. */
    this.baseVersion = 0;
    /** The last stage history loaded (kept across redraws). @type {any} */
    this.history = null;
    this.dirty = false;
    this.returnFocus = /** @type {HTMLElement|null} */ (document.activeElement);
    this.el = h('aside', { class: 'drawer', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'drawer-title', tabindex: '-1' });
    // Escape closes the drawer wherever the focus is (a redraw can drop
    // it to the page), unless a dialog above it takes the key.
    this.onKey = (/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) {
        e.preventDefault();
        this.close();
      }
    };
    document.addEventListener('keydown', this.onKey);
    document.body.append(this.el);
    document.body.classList.add('has-drawer');
    replace(this.el, h('p', { class: 'loading' }, 'Loading…'));
    this.load();
  }

  async load() {
    try {
      this.deal = await pulse.deals.get(this.dealId);
    } catch (e) {
      replace(this.el, this.head('Deal'), h('p', { class: 'form-error', role: 'alert' }, describe(e, DEAL_MESSAGES)));
      return;
    }
    this.dirty = false;
    this.draw();
    this.el.focus();
    this.loadHistory();
  }

  /** @param {{ silent?: boolean }} [opts] */
  close(opts = {}) {
    if (!this.el.isConnected) return;
    document.removeEventListener('keydown', this.onKey);
    this.el.remove();
    document.body.classList.remove('has-drawer');
    if (!opts.silent) this.hooks.onClose();
  }

  /** A newer snapshot of this deal arrived (an event or an answer). @param {any} deal */
  dealChanged(deal) {
    if (deal.id !== this.dealId || !this.deal || deal.version <= this.deal.version) return;
    const stageMoved = deal.stage_id !== this.deal.stage_id;
    this.deal = deal;
    if (this.dirty || this.linesBusy) {
      // Keep what the person is typing, and the version it started from:
      // saving then answers 412, and the drawer reloads and says so.
      const note = this.el.querySelector('#drawer-note');
      if (note && this.dirty) note.textContent = 'Someone else just changed this deal.';
      const amount = this.el.querySelector('#drawer-amount');
      if (amount) amount.textContent = money(deal.amount, deal.currency);
      if (!this.linesBusy) this.drawProducts();
      return;
    }
    this.draw();
    if (stageMoved) this.loadHistory();
  }

  /** @param {string} title */
  head(title) {
    return h('div', { class: 'drawer-head' },
      h('h2', { id: 'drawer-title' }, title),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close deal', onclick: () => this.close() }, '×'));
  }

  draw() {
    const d = this.deal;
    this.baseVersion = d.version;
    const editable = mayEditDeal(d) && !d.deleted_at;
    const stage = this.hooks.stages().find((s) => s.id === d.stage_id);
    replace(this.el,
      this.head(d.title),
      h('p', { class: 'drawer-sub' },
        h('span', { class: 'stage-pill', vars: { '--stage-color': stage?.color ?? '#64748b' } }, stage?.name ?? 'Another pipeline'),
        ' ', h('strong', { id: 'drawer-amount' }, money(d.amount, d.currency)),
        h('span', { class: 'muted' }, ` · ${d.probability} % · ${money(d.weighted, d.currency)} weighted`),
        d.flags?.stale ? h('span', { class: 'flag flag-stale' }, 'Stale') : null,
        d.flags?.at_risk ? h('span', { class: 'flag flag-risk' }, 'At risk') : null,
        d.flags?.sla_breached ? h('span', { class: 'flag flag-sla' }, 'SLA') : null),
      d.deleted_at ? h('p', { class: 'notice' }, `Deleted on ${dateTime(d.deleted_at)}.`) : null,
      h('p', { id: 'drawer-note', class: 'notice-soft', 'aria-live': 'polite' }),
      this.fieldsForm(editable),
      h('section', { class: 'drawer-section', 'aria-labelledby': 'products-title' },
        h('h3', { id: 'products-title' }, 'Products'),
        h('div', { id: 'drawer-products' })),
      h('section', { class: 'drawer-section', 'aria-labelledby': 'history-title' },
        h('h3', { id: 'history-title' }, 'Stage history'),
        h('div', { id: 'drawer-history' }, h('p', { class: 'muted' }, 'Loading…'))),
      h('section', { class: 'drawer-section drawer-danger' },
        d.deleted_at
          ? (can.writeDeals() ? h('button', { type: 'button', onclick: () => this.restore() }, 'Restore deal') : null)
          : (editable ? h('button', { type: 'button', class: 'danger', onclick: () => this.remove() }, 'Delete deal') : null),
        h('p', { class: 'muted small' }, `Created ${dateTime(d.created_at)} · version ${d.version}`)),
    );
    this.drawProducts();
    if (this.history) this.drawHistory();
  }

  /** @param {boolean} editable */
  fieldsForm(editable) {
    const d = this.deal;
    const hasLines = d.line_items.length > 0;
    const me = session.me?.user?.id;
    const owners = [...session.members.values()].filter((m) => m.status === 'active' && m.role !== 'viewer');
    const ownerOptions = [['', 'Unassigned'], ...owners.map((m) => [m.user_id, m.name])];
    if (d.owner_id && !owners.some((m) => m.user_id === d.owner_id)) ownerOptions.push([d.owner_id, memberName(d.owner_id)]);
    const lost = d.stage_kind === 'lost';
    const f = form([
      field('Title', { name: 'title', value: d.title, maxlength: '200', required: true }),
      h('div', { class: 'field-row' },
        field('Amount', {
          name: 'amount', value: toMajor(d.amount, d.currency), inputmode: 'decimal', disabled: hasLines,
          hint: hasLines ? 'Set by the products below.' : null,
        }),
        field('Currency', { name: 'currency', value: d.currency, maxlength: '3', size: '4' })),
      h('div', { class: 'field-row' },
        field('Probability %', { name: 'probability', type: 'number', min: '0', max: '100', value: d.probability_override ?? '', placeholder: `${d.probability} (stage)` }),
        field('Expected close', { name: 'expected_close_date', type: 'date', value: d.expected_close_date ?? '' })),
      field('Next action', { name: 'next_action', value: d.next_action ?? '', maxlength: '500' }),
      field('Next action date', { name: 'next_action_date', type: 'date', value: d.next_action_date ?? '' }),
      field('Owner', { name: 'owner_id', type: 'select', value: d.owner_id ?? '', options: ownerOptions, disabled: !can.editAnyDeal() && d.owner_id !== me }),
      field('Tags', { name: 'tags', value: d.tags.join(', '), hint: 'Separated by commas.' }),
      d.contact_name || d.company_name ? h('p', { class: 'muted' }, [d.contact_name, d.company_name].filter(Boolean).join(' · ')) : null,
      lost ? field('Lost reason', { name: 'lost_reason', type: 'textarea', rows: '2', value: d.lost_reason ?? '' }) : null,
      editable ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save changes')) : null,
    ], (v, formEl) => this.save(v, formEl), { class: 'drawer-form', 'aria-label': 'Deal fields' });
    if (!editable) for (const el of f.querySelectorAll('input, select, textarea')) /** @type {HTMLInputElement} */ (el).disabled = true;
    f.addEventListener('input', () => { this.dirty = true; });
    return f;
  }

  /** @param {Record<string, string>} v @param {HTMLFormElement} formEl */
  async save(v, formEl) {
    const d = this.deal;
    /** @type {Record<string, any>} */
    const changes = {};
    const set = (/** @type {string} */ key, /** @type {any} */ value, /** @type {any} */ old) => {
      if (JSON.stringify(value) !== JSON.stringify(old)) changes[key] = value;
    };
    set('title', v.title.trim(), d.title);
    const currency = (v.currency ?? d.currency).trim().toUpperCase();
    set('currency', currency, d.currency);
    if (v.amount !== undefined && d.line_items.length === 0) {
      const amount = toMinor(v.amount, currency);
      if (amount == null || Number.isNaN(amount)) throw fieldError('amount', 'Enter an amount such as 1200 or 1200.50.');
      set('amount', amount, d.amount);
    }
    set('probability', v.probability === '' ? null : Number(v.probability), d.probability_override);
    set('expected_close_date', v.expected_close_date || null, d.expected_close_date);
    set('next_action', v.next_action?.trim() || null, d.next_action);
    set('next_action_date', v.next_action_date || null, d.next_action_date);
    if (v.owner_id !== undefined) set('owner_id', v.owner_id || null, d.owner_id);
    set('tags', (v.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean), d.tags);
    if (v.lost_reason !== undefined && v.lost_reason.trim()) set('lost_reason', v.lost_reason.trim(), d.lost_reason);
    if (!Object.keys(changes).length) {
      this.dirty = false;
      return;
    }
    try {
      const updated = await pulse.deals.update(d.id, changes, { ifMatch: this.baseVersion });
      this.dirty = false;
      this.hooks.onDeal(updated);
      this.deal = updated;
      this.draw();
      announce('Deal saved.');
      toast('Saved.');
    } catch (e) {
      if (/** @type {any} */ (e).code === 'version_mismatch') {
        await this.load();
        const note = this.el.querySelector('#drawer-note');
        if (note) note.textContent = DEAL_MESSAGES.version_mismatch;
        return;
      }
      showErrors(formEl, e, DEAL_MESSAGES);
    }
  }

  drawProducts() {
    const box = this.el.querySelector('#drawer-products');
    if (!box) return;
    const d = this.deal;
    const editable = mayEditDeal(d) && !d.deleted_at;
    const cur = d.currency;
    const amountEl = this.el.querySelector('#drawer-amount');
    if (amountEl) amountEl.textContent = money(d.amount, cur);
    const rows = d.line_items.map((/** @type {any} */ li) => {
      const rowForm = form([
        h('input', { name: 'name', value: li.name, 'aria-label': 'Product', disabled: !editable, maxlength: '200' }),
        h('input', { name: 'unit_price', value: toMajor(li.unit_price, cur), 'aria-label': `Unit price (${cur})`, inputmode: 'decimal', disabled: !editable, size: '8' }),
        h('input', { name: 'quantity', type: 'number', min: '1', value: li.quantity, 'aria-label': 'Quantity', disabled: !editable, size: '4' }),
        h('input', { name: 'discount', type: 'number', min: '0', max: '100', step: '0.01', value: li.discount_bp / 100, 'aria-label': 'Discount %', disabled: !editable, size: '4' }),
        h('output', { class: 'line-total' }, money(li.total, cur)),
        editable ? h('button', { type: 'submit', class: 'small' }, 'Save') : null,
        editable ? h('button', { type: 'button', class: 'small danger', 'aria-label': `Remove ${li.name}`, onclick: () => this.removeLine(li) }, 'Remove') : null,
      ], (v, f) => this.updateLine(li, v, f), { class: 'line', 'aria-label': `Line ${li.name}` });
      rowForm.addEventListener('input', () => {
        this.linesBusy = true;
        const preview = lineTotal(v2(rowForm), cur);
        const out = rowForm.querySelector('output');
        if (out) out.textContent = preview == null ? '—' : money(preview, cur);
      });
      return rowForm;
    });
    const preview = h('output', { class: 'line-total', id: 'new-line-total' }, '');
    const add = editable ? form([
      h('input', { name: 'name', placeholder: 'Product', 'aria-label': 'New product name', maxlength: '200' }),
      h('input', { name: 'unit_price', placeholder: `Price (${cur})`, 'aria-label': `New product unit price (${cur})`, inputmode: 'decimal', size: '8' }),
      h('input', { name: 'quantity', type: 'number', min: '1', value: '1', 'aria-label': 'New product quantity', size: '4' }),
      h('input', { name: 'discount', type: 'number', min: '0', max: '100', step: '0.01', value: '0', 'aria-label': 'New product discount %', size: '4' }),
      preview,
      h('button', { type: 'submit', class: 'small primary' }, 'Add product'),
    ], (v, f) => this.addLine(v, f), { class: 'line line-new', 'aria-label': 'Add a product' }) : null;
    add?.addEventListener('input', () => {
      this.linesBusy = true;
      const t = lineTotal(v2(/** @type {HTMLFormElement} */ (add)), cur);
      preview.textContent = t == null ? '' : `${money(t, cur)} → deal ${money(d.amount + t, cur)}`;
    });
    replace(box,
      rows.length ? h('div', { class: 'lines-head muted small', 'aria-hidden': 'true' },
        h('span', null, 'Product'), h('span', null, 'Unit price'), h('span', null, 'Qty'), h('span', null, 'Disc. %'), h('span', null, 'Total')) : null,
      rows,
      rows.length ? null : h('p', { class: 'muted' }, 'No products. The amount is entered by hand.'),
      add);
  }

  /** @param {Record<string, string>} v */
  lineBody(v) {
    const cur = this.deal.currency;
    const unit = toMinor(v.unit_price, cur);
    if (unit == null || Number.isNaN(unit)) throw fieldError('unit_price', 'Enter a price such as 99 or 99.90.');
    const quantity = Number(v.quantity || 1);
    if (!Number.isInteger(quantity) || quantity < 1) throw fieldError('quantity', 'Enter a whole number, 1 or more.');
    const discount = Math.round(Number(v.discount || 0) * 100);
    if (Number.isNaN(discount) || discount < 0 || discount > 10000) throw fieldError('discount', 'Enter a discount from 0 to 100 %.');
    if (!v.name?.trim()) throw fieldError('name', 'Name the product.');
    return { name: v.name.trim(), unit_price: unit, quantity, discount_bp: discount };
  }

  /** @param {Record<string, string>} v @param {HTMLFormElement} f */
  async addLine(v, f) {
    this.linesBusy = true;
    const deal = await pulse.deals.products.add(this.deal.id, this.lineBody(v));
    this.afterLines(deal, `Product ${v.name.trim()} added.`);
    clearErrors(f);
  }

  /** @param {any} li @param {Record<string, string>} v @param {HTMLFormElement} f */
  async updateLine(li, v, f) {
    this.linesBusy = true;
    const deal = await pulse.deals.products.update(this.deal.id, li.id, this.lineBody(v));
    this.afterLines(deal, 'Product saved.');
    clearErrors(f);
  }

  /** @param {any} li */
  async removeLine(li) {
    this.linesBusy = true;
    try {
      const deal = await pulse.deals.products.remove(this.deal.id, li.id);
      this.afterLines(deal, `Product ${li.name} removed.`);
    } catch (e) {
      this.linesBusy = false;
      toast(describe(e, DEAL_MESSAGES), 'error');
    }
  }

  /** @param {any} deal @param {string} message */
  afterLines(deal, message) {
    this.hooks.onDeal(deal);
    if (deal.version >= this.deal.version) this.deal = deal;
    this.linesBusy = false;
    if (this.dirty) this.drawProducts();
    else this.draw();
    /** @type {HTMLElement|null} */ (this.el.querySelector('.line-new input[name="name"]'))?.focus();
    announce(`${message} Deal amount ${money(deal.amount, deal.currency)}.`);
  }

  async loadHistory() {
    try {
      this.history = await pulse.deals.history(this.dealId);
    } catch (e) {
      const box = this.el.querySelector('#drawer-history');
      if (box) replace(box, h('p', { class: 'form-error' }, describe(e, DEAL_MESSAGES)));
      return;
    }
    this.drawHistory();
  }

  drawHistory() {
    const hist = this.history;
    const box = this.el.querySelector('#drawer-history');
    if (!box || !hist) return;
    replace(box,
      h('ul', { class: 'time-in-stage' }, hist.time_in_stage.map((t) =>
        h('li', null, h('span', null, t.stage_name), h('strong', null, duration(t.seconds))))),
      h('ol', { class: 'timeline' }, [...hist.moves].reverse().map((m) =>
        h('li', null,
          h('span', null, `→ ${m.to_stage_name}`),
          h('span', { class: 'muted' }, ` ${dateTime(m.at)} · ${m.actor_user_id ? memberName(m.actor_user_id) : m.actor_token_id ? 'API token' : 'Pulse'} · ${duration(m.seconds_in_stage)} there`)))));
  }

  async remove() {
    if (!confirm(`Delete “${this.deal.title}”? It can be restored afterwards.`)) return;
    try {
      await pulse.deals.remove(this.deal.id);
      // The deal.deleted event brings the server's snapshot; show it now.
      this.deal = { ...this.deal, deleted_at: new Date().toISOString() };
      this.draw();
      this.loadHistory();
      announce('Deal deleted.');
    } catch (e) {
      toast(describe(e, DEAL_MESSAGES), 'error');
    }
  }

  async restore() {
    try {
      const deal = await pulse.deals.restore(this.deal.id);
      this.hooks.onDeal(deal);
      this.deal = deal;
      this.draw();
      this.loadHistory();
      announce('Deal restored.');
    } catch (e) {
      toast(describe(e, DEAL_MESSAGES), 'error');
    }
  }
}

/** @param {HTMLFormElement} f */
function v2(f) {
  return /** @type {Record<string, string>} */ (Object.fromEntries(new FormData(f).entries()));
}

/**
 * The line total a person is typing, before the server computes it
 * (price × quantity × (1 − discount), rounded to the minor unit).
 * @param {Record<string, string>} v @param {string} cur
 */
function lineTotal(v, cur) {
  const unit = toMinor(v.unit_price ?? '', cur);
  const q = Number(v.quantity || 1);
  const disc = Number(v.discount || 0);
  if (unit == null || Number.isNaN(unit) || !Number.isFinite(q) || !Number.isFinite(disc)) return null;
  return Math.round(unit * q * (1 - disc / 100));
}
