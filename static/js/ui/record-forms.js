// Create and edit dialogs for contacts and companies, custom fields
// included. Edits send only what changed, with `If-Match` so that a
// change someone made meanwhile is not overwritten (412 → reload).

import { h, modal } from '../dom.js';
import { pulse } from '../session.js';
import { field, form, fieldError } from './form.js';
import { api, customFields, customFieldInputs, readCustomFields, memberOptions, myId, recordPicker, resolvePicker, splitTags } from './records.js';

export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+'];
export const COMPANY_STATUSES = ['prospect', 'customer', 'partner', 'churned', 'inactive'];

/** Overrides for record edits. */
export const RECORD_MESSAGES = {
  version_mismatch: 'Someone changed this meanwhile; it is reloaded. Check their change and try again.',
};

/** What an edit dialog resolves with when the record changed meanwhile (412). */
export const STALE = RECORD_MESSAGES.version_mismatch;

/** @type {Promise<{ slug: string, label: string }[]>|null} */
let sources = null;
/** The workspace's lead sources, suggested in the contact form (any member may read them). */
function leadSources() {
  sources ??= pulse.request('GET', '/api/v1/lead-sources')
    .then((r) => r.sources.filter((/** @type {any} */ s) => !s.archived), () => []);
  return sources;
}

/** Text → value for a nullable text field: '' is null. @param {string|undefined} v */
const orNull = (v) => (v == null || v.trim() === '' ? null : v.trim());

/**
 * Creates (no `contact`) or edits a contact. Resolves with the saved
 * contact, `{ stale: true }` when someone changed it meanwhile, or null
 * when dismissed.
 * @param {any} [contact]
 */
export async function contactDialog(contact) {
  const defs = await customFields('contact');
  const names = await leadSources();
  const editing = !!contact;
  const c = contact ?? {};
  return modal(editing ? `Edit ${c.name}` : 'New contact', (close) => form([
    h('div', { class: 'field-row' },
      field('First name', { name: 'first_name', value: c.first_name ?? '', maxlength: '100', autofocus: true }),
      field('Last name', { name: 'last_name', value: c.last_name ?? '', maxlength: '100' })),
    h('div', { class: 'field-row' },
      field('E-mail', { name: 'email', type: 'email', value: c.email ?? '' }),
      field('Phone', { name: 'phone', type: 'tel', value: c.phone ?? '', maxlength: '50' })),
    h('div', { class: 'field-row' },
      recordPicker({ type: 'company', name: 'company_id', label: 'Company', value: c.company_id ? { id: c.company_id, title: c.company_name ?? 'Company' } : null }),
      field('Job title', { name: 'job_title', value: c.job_title ?? '', maxlength: '200' })),
    h('div', { class: 'field-row' },
      field('Lead source', { name: 'lead_source', value: c.lead_source ?? '', maxlength: '64', list: 'lead-source-list' }),
      field('Owner', { name: 'owner_id', type: 'select', value: editing ? (c.owner_id ?? '') : myId(), options: memberOptions({ none: 'Nobody' }) })),
    h('datalist', { id: 'lead-source-list' }, names.map((n) => h('option', { value: n.slug }, n.label))),
    field('Tags', { name: 'tags', value: (c.tags ?? []).join(', '), hint: 'Separated by commas.' }),
    defs.length ? h('fieldset', { class: 'custom-fields' }, h('legend', null, 'Custom fields'), customFieldInputs(defs, c.custom_fields)) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, editing ? 'Save contact' : 'Create contact')),
  ], async (v, f) => {
    if (!v.first_name.trim() && !v.last_name.trim() && !v.email.trim()) throw fieldError('first_name', 'Give a name or an e-mail address.');
    const companyId = await resolvePicker(f, 'company_id');
    /** @type {Record<string, any>} */
    const body = {
      first_name: v.first_name.trim(),
      last_name: v.last_name.trim(),
      email: orNull(v.email),
      phone: orNull(v.phone),
      company_id: companyId,
      job_title: orNull(v.job_title),
      lead_source: orNull(v.lead_source),
      tags: splitTags(v.tags),
      owner_id: v.owner_id || null,
    };
    if (!editing) {
      const custom = readCustomFields(defs, f);
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
      if (Object.keys(custom).length) body.custom_fields = custom;
      close(await api.contacts.create(body));
      return;
    }
    /** @type {Record<string, any>} */
    const changes = {};
    for (const [k, val] of Object.entries(body)) {
      const old = c[k] ?? (k === 'tags' ? [] : k === 'first_name' || k === 'last_name' ? '' : null);
      if (JSON.stringify(old) !== JSON.stringify(val)) changes[k] = val;
    }
    const custom = readCustomFields(defs, f, c.custom_fields ?? {});
    if (Object.keys(custom).length) changes.custom_fields = custom;
    if (!Object.keys(changes).length) return close(c);
    try {
      close(await api.contacts.update(c.id, changes, { ifMatch: c.version }));
    } catch (e) {
      // Someone saved a newer version: say so and let the page reload it.
      if (/** @type {any} */ (e).code !== 'version_mismatch') throw e;
      close({ stale: true });
    }
  }, { 'aria-label': editing ? 'Edit contact' : 'New contact' }));
}

/** Metadata rows: key and value inputs, with add and remove. @param {Record<string, any>} meta */
function metadataEditor(meta) {
  const rows = h('div', { class: 'meta-rows' });
  const add = (/** @type {string} */ k = '', /** @type {any} */ val = '') => {
    const text = typeof val === 'string' ? val : JSON.stringify(val);
    const row = h('div', { class: 'meta-row' },
      h('input', { class: 'meta-key', 'aria-label': 'Metadata key', placeholder: 'key', value: k, maxlength: '64' }),
      h('input', { class: 'meta-value', 'aria-label': `Value of ${k || 'the new key'}`, placeholder: 'value', value: text }),
      h('button', { type: 'button', class: 'small', 'aria-label': `Remove ${k || 'this row'}`, onclick: () => row.remove() }, '×'));
    rows.append(row);
  };
  for (const [k, val] of Object.entries(meta ?? {})) add(k, val);
  return h('fieldset', { class: 'metadata', name: 'metadata' },
    h('legend', null, 'Metadata'),
    h('small', { class: 'hint' }, 'Your own keys and values. Numbers, true/false and JSON are kept as such; anything else is text.'),
    rows,
    h('button', { type: 'button', class: 'small', onclick: () => add() }, '+ Add a key'));
}

/** @param {HTMLFormElement} f */
function readMetadata(f) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const row of f.querySelectorAll('.meta-row')) {
    const k = /** @type {HTMLInputElement} */ (row.querySelector('.meta-key')).value.trim();
    const raw = /** @type {HTMLInputElement} */ (row.querySelector('.meta-value')).value;
    if (!k) continue;
    let val = raw;
    if (/^\s*(-?\d+(\.\d+)?|true|false|null|\{.*\}|\[.*\])\s*$/s.test(raw)) {
      try { val = JSON.parse(raw); } catch { val = raw; }
    }
    out[k] = val;
  }
  return out;
}

/**
 * Creates (no `company`) or edits a company. Resolves like
 * `contactDialog`.
 * @param {any} [company]
 */
export async function companyDialog(company) {
  const defs = await customFields('company');
  const editing = !!company;
  const c = company ?? {};
  return modal(editing ? `Edit ${c.name}` : 'New company', (close) => form([
    field('Name', { name: 'name', value: c.name ?? '', required: true, maxlength: '200', autofocus: true }),
    h('div', { class: 'field-row' },
      field('Domain', { name: 'domain', value: c.domain ?? '', placeholder: 'acme.com' }),
      field('Website', { name: 'website', value: c.website ?? '', placeholder: 'https://acme.com' })),
    h('div', { class: 'field-row' },
      field('Industry', { name: 'industry', value: c.industry ?? '', maxlength: '100' }),
      field('Size', { name: 'size', type: 'select', value: c.size ?? '', options: [['', '—'], ...COMPANY_SIZES.map((s) => [s, `${s} employees`])] })),
    h('div', { class: 'field-row' },
      field('Status', { name: 'status', type: 'select', value: c.status ?? 'prospect', options: COMPANY_STATUSES.map((s) => [s, s]) }),
      field('Owner', { name: 'owner_id', type: 'select', value: editing ? (c.owner_id ?? '') : myId(), options: memberOptions({ none: 'Nobody' }) })),
    h('div', { class: 'field-row' },
      field('Renewal date', { name: 'renewal_date', type: 'date', value: c.renewal_date ?? '' }),
      field('Upsell opportunity', { name: 'upsell_opportunity', value: c.upsell_opportunity ?? '', maxlength: '2000' })),
    metadataEditor(c.metadata ?? {}),
    defs.length ? h('fieldset', { class: 'custom-fields' }, h('legend', null, 'Custom fields'), customFieldInputs(defs, c.custom_fields)) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, editing ? 'Save company' : 'Create company')),
  ], async (v, f) => {
    if (!v.name.trim()) throw fieldError('name', 'Name the company.');
    /** @type {Record<string, any>} */
    const body = {
      name: v.name.trim(),
      domain: orNull(v.domain),
      website: orNull(v.website),
      industry: orNull(v.industry),
      size: v.size || null,
      status: v.status,
      owner_id: v.owner_id || null,
      renewal_date: v.renewal_date || null,
      upsell_opportunity: orNull(v.upsell_opportunity),
      metadata: readMetadata(f),
    };
    if (!editing) {
      const custom = readCustomFields(defs, f);
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
      if (Object.keys(custom).length) body.custom_fields = custom;
      close(await api.companies.create(body));
      return;
    }
    /** @type {Record<string, any>} */
    const changes = {};
    for (const [k, val] of Object.entries(body)) {
      const old = c[k] ?? (k === 'metadata' ? {} : null);
      if (JSON.stringify(old) !== JSON.stringify(val)) changes[k] = val;
    }
    const custom = readCustomFields(defs, f, c.custom_fields ?? {});
    if (Object.keys(custom).length) changes.custom_fields = custom;
    if (!Object.keys(changes).length) return close(c);
    try {
      close(await api.companies.update(c.id, changes, { ifMatch: c.version }));
    } catch (e) {
      // Someone saved a newer version: say so and let the page reload it.
      if (/** @type {any} */ (e).code !== 'version_mismatch') throw e;
      close({ stale: true });
    }
  }, { 'aria-label': editing ? 'Edit company' : 'New company' }));
}

/**
 * Asks before deleting; resolves true when the person confirms.
 * @param {string} what e.g. "Ada Lovelace"
 */
export function confirmDelete(what) {
  return modal(`Delete ${what}?`, (close) => {
    const body = h('div', null,
      h('p', null, `${what} will no longer be listed. Its history stays in the audit log.`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => close(false), autofocus: true }, 'Cancel'),
        h('button', { type: 'button', class: 'danger', onclick: () => close(true) }, 'Delete')));
    return body;
  });
}

