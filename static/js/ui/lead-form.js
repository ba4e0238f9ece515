// The lead form, for creating a lead and for editing one: every field
// of docs/LEADS.md, the workspace's custom fields for leads, and the
// server's errors next to the field they concern. An edit sends only
// what changed, with If-Match (the version the form was filled from).

import { h, modal } from '../dom.js';
import { session } from '../session.js';
import { toMinor, toMajor } from '../format.js';
import { field, form, fieldError } from './form.js';
import { leadsApi, loadSources, SIZES, mayReassignLeads } from '../leads-data.js';

/**
 * Opens the form. Resolves with the created or saved lead, or null.
 * @param {any|null} lead null for a new lead
 */
export async function leadDialog(lead) {
  const [sources, fields] = await Promise.all([loadSources(), leadsApi.fields().catch(() => [])]);
  const currency = session.workspace?.currency ?? 'USD';
  const me = session.me?.user?.id;
  const members = [...session.members.values()].filter((m) => m.status === 'active');
  const owners = mayReassignLeads() ? members : members.filter((m) => m.user_id === (lead?.owner_id ?? me));
  const usable = sources.filter((s) => !s.archived || s.slug === lead?.source);
  const l = lead ?? {};
  const title = lead ? `Edit ${lead.name}` : 'New lead';
  return modal(title, (close) => form([
    h('div', { class: 'field-row' },
      field('First name', { name: 'first_name', value: l.first_name ?? '', maxlength: '100', autofocus: true, autocomplete: 'off' }),
      field('Last name', { name: 'last_name', value: l.last_name ?? '', maxlength: '100', autocomplete: 'off' })),
    h('div', { class: 'field-row' },
      field('Email', { name: 'email', type: 'email', value: l.email ?? '', maxlength: '254', autocomplete: 'off' }),
      field('Phone', { name: 'phone', type: 'tel', value: l.phone ?? '', maxlength: '50', autocomplete: 'off' })),
    h('div', { class: 'field-row' },
      field('Company', { name: 'company_name', value: l.company_name ?? '', maxlength: '200', autocomplete: 'off' }),
      field('Company size', { name: 'company_size', type: 'select', value: l.company_size ?? '',
        options: [['', 'Unknown'], ...SIZES.map((s) => [s, `${s} employees`])] })),
    h('div', { class: 'field-row' },
      field('Job title', { name: 'job_title', value: l.job_title ?? '', maxlength: '200', autocomplete: 'off' }),
      field(`Estimated value (${currency})`, { name: 'estimated_value', inputmode: 'decimal', placeholder: '0.00',
        value: l.estimated_value != null ? toMajor(l.estimated_value, currency) : '' })),
    h('div', { class: 'field-row' },
      field('Source', { name: 'source', type: 'select', value: l.source ?? 'other',
        options: usable.map((s) => [s.slug, s.archived ? `${s.label} (archived)` : s.label]) }),
      field('Owner', { name: 'owner_id', type: 'select', value: l.owner_id ?? me ?? '', disabled: owners.length < 2 && !!lead,
        options: [...(mayReassignLeads() && lead ? [['', 'Unassigned']] : []), ...owners.map((m) => [m.user_id, m.name])] })),
    h('div', { class: 'field-row' },
      field('Next action', { name: 'next_action', value: l.next_action ?? '', maxlength: '500', placeholder: 'e.g. Call back about pricing' }),
      field('Next action date', { name: 'next_action_date', type: 'date', value: l.next_action_date ?? '' })),
    field('Tags', { name: 'tags', value: (l.tags ?? []).join(', '), hint: 'Separated by commas; at most 30.' }),
    field('Notes', { name: 'notes', type: 'textarea', rows: '3', maxlength: '10000', value: l.notes ?? '' }),
    fields.length ? h('fieldset', { class: 'custom-fields' }, h('legend', null, 'Custom fields'),
      fields.map((f) => customField(f, l.custom_fields?.[f.key]))) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, lead ? 'Save lead' : 'Create lead')),
  ], async (v, f) => {
    const body = collect(v, f, fields, currency);
    if (!lead) {
      if (!body.first_name && !body.last_name && !body.email) {
        throw fieldError('first_name', 'Give the lead a name or an email.');
      }
      for (const k of Object.keys(body)) if (body[k] === null || body[k] === '') delete body[k];
      close(await leadsApi.create(body));
      return;
    }
    const changes = diff(lead, body);
    if (!Object.keys(changes).length) {
      close(lead);
      return;
    }
    try {
      close(await leadsApi.update(lead.id, changes, lead.version));
    } catch (e) {
      if (/** @type {any} */ (e).code !== 'version_mismatch') throw e;
      throw { code: 'lead_changed', detail: 'Someone changed this lead meanwhile. Cancel, then edit again to see their change.' };
    }
  }, { class: 'lead-form', 'aria-label': title }));
}

/** The form's values as the API takes them. @param {Record<string, string>} v @param {HTMLFormElement} f @param {any[]} fields @param {string} currency */
function collect(v, f, fields, currency) {
  const text = (/** @type {string} */ k) => (v[k] ?? '').trim();
  const opt = (/** @type {string} */ k) => text(k) || null;
  const value = toMinor(v.estimated_value ?? '', currency);
  if (Number.isNaN(value)) throw fieldError('estimated_value', 'Enter an amount such as 5000 or 5000.50.');
  const tags = text('tags').split(',').map((t) => t.trim()).filter(Boolean);
  if (tags.length > 30) throw fieldError('tags', 'At most 30 tags.');
  if (tags.some((t) => t.length > 50)) throw fieldError('tags', 'Each tag is at most 50 characters.');
  /** @type {Record<string, any>} */
  const custom = {};
  for (const d of fields) {
    const name = `custom_fields.${d.key}`;
    if (d.type === 'boolean') {
      custom[d.key] = /** @type {HTMLInputElement|null} */ (f.querySelector(`[name="${CSS.escape(name)}"]`))?.checked ?? false;
    } else if (d.type === 'multi_select') {
      const sel = /** @type {HTMLSelectElement|null} */ (f.querySelector(`[name="${CSS.escape(name)}"]`));
      const picked = sel ? [...sel.selectedOptions].map((o) => o.value) : [];
      if (picked.length) custom[d.key] = picked;
    } else if (d.type === 'number') {
      const raw = (v[name] ?? '').trim();
      if (raw !== '') {
        const n = Number(raw);
        if (!Number.isFinite(n)) throw fieldError(name, 'Enter a number.');
        custom[d.key] = n;
      }
    } else if ((v[name] ?? '').trim() !== '') {
      custom[d.key] = v[name].trim();
    }
  }
  return {
    first_name: text('first_name'),
    last_name: text('last_name'),
    email: opt('email'),
    phone: opt('phone'),
    company_name: opt('company_name'),
    company_size: opt('company_size'),
    job_title: opt('job_title'),
    estimated_value: value,
    source: v.source || 'other',
    ...(v.owner_id !== undefined ? { owner_id: v.owner_id || null } : {}),
    next_action: opt('next_action'),
    next_action_date: opt('next_action_date'),
    notes: opt('notes'),
    tags,
    ...(fields.length ? { custom_fields: custom } : {}),
  };
}

/** The fields that differ from the lead. @param {any} lead @param {Record<string, any>} body */
function diff(lead, body) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [k, v] of Object.entries(body)) {
    const old = lead[k] ?? (k === 'first_name' || k === 'last_name' ? '' : null);
    if (k === 'custom_fields') {
      const merged = { ...(lead.custom_fields ?? {}), ...v };
      if (JSON.stringify(merged) !== JSON.stringify(lead.custom_fields ?? {})) out[k] = merged;
    } else if (JSON.stringify(old) !== JSON.stringify(v)) {
      out[k] = v;
    }
  }
  return out;
}

/** One custom field's control. @param {any} d @param {any} value */
function customField(d, value) {
  const name = `custom_fields.${d.key}`;
  switch (d.type) {
    case 'boolean':
      return field(d.label, { name, type: 'checkbox', checked: value === true });
    case 'number':
      return field(d.label, { name, inputmode: 'decimal', value: value ?? '' });
    case 'date':
      return field(d.label, { name, type: 'date', value: value ?? '' });
    case 'select':
      return field(d.label, { name, type: 'select', value: value ?? '', options: [['', '—'], ...d.options.map((o) => [o, o])] });
    case 'multi_select': {
      const id = `cf-${d.key}`;
      const picked = Array.isArray(value) ? value : [];
      return h('div', { class: 'field' },
        h('label', { for: id }, d.label),
        h('select', { id, name, multiple: true, size: String(Math.min(5, d.options.length || 1)) },
          d.options.map((/** @type {string} */ o) => h('option', { value: o, selected: picked.includes(o) }, o))));
    }
    default:
      return field(d.label, { name, value: value ?? '', maxlength: '1000' });
  }
}
