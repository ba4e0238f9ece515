// Settings sections about leads: the lead sources (built-in and the
// workspace's own: add, rename, archive), the nurture switch per lead
// status (owners and managers), the scoring weights, and the
// web forms ("widgets") that put leads in from a website: created with
// an origin allowlist, their key and embed snippet shown once, rotated
// (a new key, shown once) or revoked. Sources and scoring: owners and
// managers change them, everyone reads them; web forms: owners.

import { h, replace, toast, announce, modal } from '../dom.js';
import { pulse, session, can } from '../session.js';
import { describe } from '../errors.js';
import { dateTime } from '../format.js';
import { field, form, fieldError } from '../ui/form.js';
import { leadsApi, loadSources, FACTORS, STATUSES, STATUS_LABELS } from '../leads-data.js';

const DEFAULT_WEIGHTS = { source: 20, company_size: 20, value: 20, title: 15, completeness: 10, engagement: 15, decay_per_day: 3, decay_grace_days: 3 };

/** "Trade shows" → "trade-shows". @param {string} label */
function slugOf(label) {
  return label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
}

// ---------------------------------------------------------------- sources and scoring

/** @param {HTMLElement} el */
export async function leadsSection(el) {
  const manage = can.managePipelines();
  const [sources, weights, nurture, templates] = await Promise.all([
    loadSources(true),
    leadsApi.scoring(),
    pulse.request('GET', '/api/v1/lead-nurture'),
    manage ? pulse.request('GET', '/api/v1/email-templates').then((r) => r.templates) : Promise.resolve(null),
  ]);
  const redraw = () => leadsSection(el);
  const act = async (/** @type {() => Promise<any>} */ fn, /** @type {string} */ done) => {
    try {
      await fn();
      toast(done);
      await redraw();
    } catch (e) {
      toast(describe(e), 'error');
    }
  };
  replace(el,
    h('section', null,
      h('h2', null, 'Lead sources'),
      h('p', { class: 'muted' }, 'Where leads come from. The built-in sources always exist; an archived source stays on the leads that have it but takes no new ones.'),
      manage ? form([
        field('New source', { name: 'label', maxlength: '100', placeholder: 'e.g. Trade show', required: true }),
        field('Slug', { name: 'slug', maxlength: '40', placeholder: 'trade-show', hint: 'Lowercase letters, digits, - and _. From the name if empty.' }),
        h('button', { type: 'submit', class: 'primary' }, 'Add source'),
      ], async (v) => {
        const label = v.label.trim();
        if (!label) throw fieldError('label', 'Name the source.');
        const slug = v.slug.trim() || slugOf(label);
        if (!slug) throw fieldError('slug', 'Give a slug of lowercase letters and digits.');
        await leadsApi.createSource({ slug, label });
        toast(`Source ${label} added.`);
        await redraw();
      }, { class: 'inline-form', 'aria-label': 'Add a lead source' }) : null,
      h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Source', 'Slug', 'Kind', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, sources.map((s) => h('tr', { class: s.archived ? 'revoked' : null },
          h('td', null, s.label),
          h('td', null, h('code', null, s.slug)),
          h('td', null, s.built_in ? 'built-in' : 'custom'),
          h('td', null, s.archived ? 'archived' : 'active'),
          h('td', null, manage && !s.built_in ? h('div', { class: 'button-row' },
            h('button', { type: 'button', class: 'small', onclick: () => renameSource(s).then((ok) => ok && redraw()) }, `Rename ${s.label}`),
            h('button', {
              type: 'button', class: 'small',
              onclick: () => act(() => leadsApi.updateSource(s.slug, { archived: !s.archived }), s.archived ? `Source ${s.label} restored.` : `Source ${s.label} archived.`),
            }, s.archived ? `Restore ${s.label}` : `Archive ${s.label}`)) : null)))))),
    nurtureTable(nurture, templates, manage),
    scoringForm(weights, manage, redraw));
}

/**
 * A switch per lead status: a lead reaching a status whose switch is on
 * gets the email template bound to that status (docs/LEADS.md).
 * @param {Record<string, boolean>} flags @param {any[]|null} templates (null: not readable by this role)
 * @param {boolean} manage
 */
function nurtureTable(flags, templates, manage) {
  return h('section', null,
    h('h2', null, 'Lead nurture'),
    h('p', { class: 'muted' }, 'When a lead reaches a status whose nurture is on, Pulse emails it the template bound to that status (under Email templates) and tells its owner. Every status is off until switched on.'),
    manage ? null : h('p', { class: 'muted' }, 'Only owners and managers switch nurture on or off.'),
    h('table', { class: 'table' },
      h('thead', null, h('tr', null, ['Status', 'Nurture', templates ? 'Template' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, STATUSES.map((st) => {
        const label = STATUS_LABELS[/** @type {keyof STATUS_LABELS} */ (st)];
        const errId = `nurture-err-${st}`;
        const bound = templates?.find((t) => t.lead_status === st);
        return h('tr', null,
          h('td', null, label, h('p', { id: errId, class: 'action-error', role: 'alert' })),
          h('td', null, h('input', {
            type: 'checkbox', checked: !!flags[st], disabled: !manage, 'aria-label': `Nurture ${label} leads`, 'aria-describedby': errId,
            onchange: async (/** @type {Event} */ e) => {
              const box = /** @type {HTMLInputElement} */ (e.target);
              const out = document.getElementById(errId);
              if (out) out.textContent = '';
              box.disabled = true;
              try {
                const now = await pulse.request('PATCH', '/api/v1/lead-nurture', { body: { [st]: box.checked } });
                box.checked = !!now[st];
                announce(`Nurture of ${label} leads ${box.checked ? 'on' : 'off'}.`);
              } catch (err) {
                box.checked = !box.checked;
                if (out) out.textContent = describe(err);
              } finally {
                box.disabled = false;
              }
            },
          })),
          templates ? h('td', null, bound ? bound.name : h('span', { class: 'muted' }, 'no template bound: nothing is sent')) : null);
      }))));
}

/** @param {any} s */
function renameSource(s) {
  return modal(`Rename ${s.label}`, (close) => form([
    field('Name', { name: 'label', value: s.label, maxlength: '100', autofocus: true }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'), h('button', { type: 'submit', class: 'primary' }, 'Rename')),
  ], async (v) => {
    if (!v.label.trim()) throw fieldError('label', 'Name the source.');
    await leadsApi.updateSource(s.slug, { label: v.label.trim() });
    close(true);
  }));
}

/** @param {any} weights @param {boolean} manage @param {() => Promise<void>} redraw */
function scoringForm(weights, manage, redraw) {
  const total = h('p', { class: 'weights-total', 'aria-live': 'polite' });
  const sum = (/** @type {HTMLFormElement} */ f) => FACTORS.reduce((n, [k]) => n + (Number(/** @type {HTMLInputElement} */ (f.elements.namedItem(k))?.value) || 0), 0);
  const showTotal = (/** @type {HTMLFormElement} */ f) => {
    const n = sum(f);
    total.textContent = `The factors add up to ${Math.round(n * 10) / 10} of at most 100.`;
    total.classList.toggle('over', n > 100);
  };
  const f = form([
    h('div', { class: 'weights' }, FACTORS.map(([key, label, why]) =>
      field(`${label} (points)`, { name: key, type: 'number', min: '0', max: '100', step: 'any', value: String(weights[key]), disabled: !manage, hint: why }))),
    total,
    h('div', { class: 'weights' },
      field('Decay per idle day (points)', { name: 'decay_per_day', type: 'number', min: '0', max: '100', step: 'any', value: String(weights.decay_per_day), disabled: !manage }),
      field('Days before decay starts', { name: 'decay_grace_days', type: 'number', min: '0', max: '100', step: 'any', value: String(weights.decay_grace_days), disabled: !manage })),
    manage ? h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'primary' }, 'Save weights'),
      h('button', {
        type: 'button',
        onclick: () => {
          for (const [k, v] of Object.entries(DEFAULT_WEIGHTS)) {
            const input = /** @type {HTMLInputElement|null} */ (f.elements.namedItem(k));
            if (input) input.value = String(v);
          }
          showTotal(f);
        },
      }, 'Back to the defaults')) : h('p', { class: 'muted' }, 'Only owners and managers change the weights.'),
  ], async (v) => {
    /** @type {Record<string, number>} */
    const body = {};
    for (const k of Object.keys(DEFAULT_WEIGHTS)) {
      const n = Number(v[k]);
      if (v[k] === '' || !Number.isFinite(n) || n < 0 || n > 100) throw fieldError(k, 'A number from 0 to 100.');
      body[k] = n;
    }
    if (sum(f) > 100) throw fieldError('weights', 'The six factors add up to at most 100 points.');
    await leadsApi.setScoring(body);
    toast('Weights saved; every open lead was scored again.');
    await redraw();
  }, { class: 'card-form', 'aria-label': 'Scoring weights' });
  f.addEventListener('input', () => showTotal(f));
  showTotal(f);
  return h('section', null,
    h('h2', null, 'Lead scoring'),
    h('p', { class: 'muted' }, 'A lead’s score (0–100) is the sum of six factors, each earning up to its weight, less a decay while nobody works on it. 70 and up is hot, 40 to 69 warm, below 40 cold. Saving scores every open lead again.'),
    f);
}

// ---------------------------------------------------------------- web forms (widgets)

/** @param {HTMLElement} el */
export async function widgetsSection(el) {
  const [list, sources] = await Promise.all([pulse.request('GET', '/api/v1/lead-widgets'), loadSources()]);
  const widgets = list.widgets;
  const members = [...session.members.values()].filter((m) => m.status === 'active' && m.role !== 'viewer');
  const usable = sources.filter((s) => !s.archived);
  const redraw = () => widgetsSection(el);
  replace(el,
    h('section', null,
      h('h2', null, 'Web forms'),
      h('p', { class: 'muted' }, 'A web form puts leads into Pulse from your website. It only accepts submissions from the origins you list, ignores bots (a hidden field) and limits each visitor. Its key is shown once: paste the snippet into your site.'),
      form([
        field('Name', { name: 'name', maxlength: '100', required: true, placeholder: 'e.g. Contact page' }),
        field('Allowed origins', { name: 'allowed_origins', type: 'textarea', rows: '2', placeholder: 'https://www.example.com', hint: 'One per line: scheme, host and port only. 1 to 20.' }),
        h('div', { class: 'field-row' },
          field('Source of its leads', { name: 'default_source', type: 'select', value: 'website', options: usable.map((s) => [s.slug, s.label]) }),
          field('Owner of its leads', { name: 'default_owner_id', type: 'select', value: '', options: [['', 'Nobody'], ...members.map((m) => [m.user_id, m.name])] })),
        h('button', { type: 'submit', class: 'primary' }, 'Create web form'),
      ], async (v) => {
        if (!v.name.trim()) throw fieldError('name', 'Name the web form.');
        const origins = lines(v.allowed_origins);
        if (!origins.length) throw fieldError('allowed_origins', 'List at least one origin, such as https://www.example.com.');
        const created = await pulse.request('POST', '/api/v1/lead-widgets', {
          body: { name: v.name.trim(), allowed_origins: origins, default_source: v.default_source, ...(v.default_owner_id ? { default_owner_id: v.default_owner_id } : {}) },
        });
        await redraw();
        reveal(created, `Web form ${created.widget.name} created.`);
      }, { class: 'card-form', 'aria-label': 'Create a web form' }),
      h('div', { id: 'widget-reveal', role: 'status' }),
      widgets.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Name', 'Key', 'Origins', 'Leads go to', 'Last 30 days', 'Created', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, widgets.map((w) => h('tr', { class: w.revoked_at ? 'revoked' : null },
          h('td', null, w.name),
          h('td', null, h('code', null, `${w.key_prefix}…`), w.revoked_at ? h('div', { class: 'small' }, `revoked ${dateTime(w.revoked_at)}`) : w.rotated_at ? h('div', { class: 'muted small' }, `rotated ${dateTime(w.rotated_at)}`) : null),
          h('td', null, w.allowed_origins.map((/** @type {string} */ o) => h('div', null, o))),
          h('td', null, sources.find((s) => s.slug === w.default_source)?.label ?? w.default_source,
            h('div', { class: 'muted small' }, w.default_owner_id ? session.members.get(w.default_owner_id)?.name ?? 'a member' : 'no owner')),
          h('td', null, Object.keys(w.submissions).length
            ? Object.entries(w.submissions).map(([k, n]) => h('div', { class: 'small' }, `${k.replace(/_/g, ' ')}: ${n}`))
            : h('span', { class: 'muted' }, 'none')),
          h('td', null, dateTime(w.created_at)),
          h('td', null, w.revoked_at ? null : h('div', { class: 'button-row' },
            h('button', { type: 'button', class: 'small', onclick: () => editWidget(w, usable, members).then((ok) => ok && redraw()) }, `Edit ${w.name}`),
            h('button', {
              type: 'button', class: 'small',
              onclick: async () => {
                if (!confirm(`Give ${w.name} a new key? The old key stops working at once; update your site with the new snippet.`)) return;
                try {
                  const rotated = await pulse.request('POST', `/api/v1/lead-widgets/${w.id}/rotate`, {});
                  await redraw();
                  reveal(rotated, `Web form ${w.name} has a new key.`);
                } catch (e) {
                  toast(describe(e), 'error');
                }
              },
            }, `Rotate key of ${w.name}`),
            h('button', {
              type: 'button', class: 'small danger',
              onclick: async () => {
                if (!confirm(`Revoke ${w.name}? Its form stops taking leads at once.`)) return;
                try {
                  await pulse.request('DELETE', `/api/v1/lead-widgets/${w.id}`);
                  toast(`Web form ${w.name} revoked.`);
                } catch (e) {
                  toast(describe(e), 'error');
                }
                await redraw();
              },
            }, `Revoke ${w.name}`)))))))) : h('p', { class: 'muted' }, 'No web forms yet.')));
}

/** @param {string} text */
function lines(text) {
  return String(text ?? '').split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}

/** Shows a key and its snippet, once. @param {any} w `{ widget, key, snippet }` @param {string} said */
function reveal(w, said) {
  const out = document.getElementById('widget-reveal');
  if (!out) return;
  const select = (/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.target).select();
  const copy = (/** @type {string} */ text, /** @type {string} */ what) => async () => {
    try {
      await navigator.clipboard.writeText(text);
      announce(`${what} copied.`);
      toast(`${what} copied.`);
    } catch {
      toast('Select the text and copy it.', 'error');
    }
  };
  replace(out, h('div', { class: 'card-form' },
    h('p', null, said, ' ', h('strong', null, 'Copy the key or the snippet now. They will not be shown again.')),
    h('div', { class: 'field' },
      h('label', { for: 'widget-key' }, 'Web form key'),
      h('input', { id: 'widget-key', readonly: true, value: w.key, class: 'reveal', onfocus: select })),
    h('div', { class: 'field' },
      h('label', { for: 'widget-snippet' }, 'Embed snippet'),
      h('textarea', { id: 'widget-snippet', readonly: true, class: 'snippet', rows: '3', onfocus: select }, w.snippet)),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', class: 'small', onclick: copy(w.key, 'Key') }, 'Copy key'),
      h('button', { type: 'button', class: 'small', onclick: copy(w.snippet, 'Snippet') }, 'Copy snippet'))));
  /** @type {HTMLElement|null} */ (out.querySelector('input'))?.focus();
}

/** @param {any} w @param {any[]} sources @param {any[]} members */
function editWidget(w, sources, members) {
  return modal(`Edit ${w.name}`, (close) => form([
    field('Name', { name: 'name', value: w.name, maxlength: '100', autofocus: true }),
    field('Allowed origins', { name: 'allowed_origins', type: 'textarea', rows: '3', value: w.allowed_origins.join('\n'), hint: 'One per line.' }),
    field('Source of its leads', { name: 'default_source', type: 'select', value: w.default_source, options: sources.map((s) => [s.slug, s.label]) }),
    field('Owner of its leads', { name: 'default_owner_id', type: 'select', value: w.default_owner_id ?? '', options: [['', 'Nobody'], ...members.map((m) => [m.user_id, m.name])] }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'), h('button', { type: 'submit', class: 'primary' }, 'Save')),
  ], async (v) => {
    if (!v.name.trim()) throw fieldError('name', 'Name the web form.');
    const origins = lines(v.allowed_origins);
    if (!origins.length) throw fieldError('allowed_origins', 'List at least one origin.');
    await pulse.request('PATCH', `/api/v1/lead-widgets/${w.id}`, {
      body: { name: v.name.trim(), allowed_origins: origins, default_source: v.default_source, default_owner_id: v.default_owner_id || null },
    });
    toast(`Web form ${v.name.trim()} saved.`);
    close(true);
  }));
}
