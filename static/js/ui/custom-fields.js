// Custom field definitions for contacts or companies (owners and
// managers): define, relabel, change options and order, delete.

import { h, modal, replace, toast } from '../dom.js';
import { describe } from '../errors.js';
import { field, form, fieldError } from './form.js';
import { api, customFields, may } from './records.js';

const TYPES = [['text', 'Text'], ['number', 'Number'], ['date', 'Date'], ['select', 'Choice'], ['multi_select', 'Several choices'], ['boolean', 'Yes / no']];
const TYPE_NAMES = Object.fromEntries(TYPES);

/** @param {string} text */
const options = (text) => String(text ?? '').split(',').map((o) => o.trim()).filter(Boolean);

/**
 * The fields of `entity` in a dialog. Resolves when closed, with whether
 * anything changed.
 * @param {'contact'|'company'} entity
 */
export function fieldsDialog(entity) {
  let changed = false;
  return modal(`Custom fields of ${entity === 'contact' ? 'contacts' : 'companies'}`, (close) => {
    const list = h('div', { class: 'cf-list' });
    const redraw = async () => {
      changed = true;
      await draw();
    };
    const draw = async () => {
      let defs;
      try {
        defs = await customFields(entity, true);
      } catch (e) {
        replace(list, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
        return;
      }
      replace(list, defs.length ? defs.map((d) => fieldRow(d, redraw)) : h('p', { class: 'muted' }, 'No custom fields yet.'));
    };
    draw();
    const typeSelect = field('Type', { name: 'type', type: 'select', options: TYPES });
    const opts = field('Choices', { name: 'options', hint: 'Separated by commas.' });
    const sync = () => { opts.hidden = !/select/.test(/** @type {HTMLSelectElement} */ (typeSelect.querySelector('select')).value); };
    typeSelect.querySelector('select')?.addEventListener('change', sync);
    sync();
    return h('div', { class: 'cf-dialog' },
      list,
      may.manageFields() ? form([
        h('h3', null, 'New field'),
        h('div', { class: 'field-row' },
          field('Label', { name: 'label', maxlength: '100', required: true }),
          field('Key', { name: 'key', maxlength: '40', pattern: '[a-z][a-z0-9_]*', hint: 'Lowercase letters, digits and _; used in filters and the API.' })),
        h('div', { class: 'field-row' }, typeSelect, opts),
        h('div', { class: 'actions' },
          h('button', { type: 'button', onclick: () => close(changed) }, 'Done'),
          h('button', { type: 'submit', class: 'primary' }, 'Add field')),
      ], async (v, f) => {
        if (!v.label.trim()) throw fieldError('label', 'Give the field a label.');
        const key = v.key.trim() || v.label.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '').slice(0, 40);
        /** @type {Record<string, any>} */
        const body = { entity, key, label: v.label.trim(), type: v.type };
        if (/select/.test(v.type)) body.options = options(v.options);
        await api.customFields.create(body);
        toast(`Field ${body.label} added.`);
        f.reset();
        sync();
        await redraw();
      }, { class: 'cf-new', 'aria-label': 'New custom field' })
        : h('div', { class: 'actions' }, h('p', { class: 'muted' }, 'Only owners and managers define fields.'),
          h('button', { type: 'button', onclick: () => close(changed) }, 'Done')));
  }).then((r) => r || changed);
}

/** One definition, editable in place. @param {any} d @param {() => Promise<void>} redraw */
function fieldRow(d, redraw) {
  const manage = may.manageFields();
  const choice = /select/.test(d.type);
  return form([
    h('div', { class: 'cf-head' },
      h('strong', null, d.label), ' ',
      h('code', { class: 'small' }, d.key), ' ',
      h('span', { class: 'muted small' }, TYPE_NAMES[d.type] ?? d.type)),
    manage ? h('div', { class: 'field-row' },
      field('Label', { name: 'label', value: d.label, maxlength: '100', 'aria-label': `Label of ${d.key}` }),
      choice ? field('Choices', { name: 'options', value: d.options.join(', '), 'aria-label': `Choices of ${d.key}` }) : null,
      field('Position', { name: 'position', type: 'number', min: '0', max: '10000', value: d.position, 'aria-label': `Position of ${d.key}` })) : null,
    manage ? h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'small' }, 'Save'),
      h('button', { type: 'button', class: 'small danger', onclick: async (/** @type {Event} */ ev) => {
        const row = /** @type {HTMLElement} */ (ev.currentTarget).closest('form');
        if (!confirm(`Delete the field ${d.label}? Its values are removed from every record.`)) return;
        try {
          await api.customFields.remove(d.id);
          toast(`Field ${d.label} deleted.`);
          await redraw();
        } catch (e) {
          row?.prepend(h('p', { class: 'form-error', role: 'alert' }, describe(e)));
        }
      } }, 'Delete')) : null,
  ], async (v) => {
    /** @type {Record<string, any>} */
    const changes = {};
    if (v.label.trim() !== d.label) changes.label = v.label.trim();
    if (choice && JSON.stringify(options(v.options)) !== JSON.stringify(d.options)) changes.options = options(v.options);
    if (Number(v.position) !== d.position) changes.position = Number(v.position);
    if (!Object.keys(changes).length) return;
    await api.customFields.update(d.id, changes);
    toast(`Field ${changes.label ?? d.label} saved.`);
    await redraw();
  }, { class: 'cf-row', 'aria-label': `Field ${d.label}` });
}
