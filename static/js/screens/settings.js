// Settings (`#/settings/<section>`): the workspace (name, currency),
// pipelines and stages, members and invitations, API tokens; lead
// sources and scoring, web forms, notifications, email templates and
// the outbox and job runs (in settings-leads.js and
// settings-notifications.js). Each section
// is shown to the roles the server lets act on it (docs/PERMISSIONS.md);
// the server still decides, and its refusals are shown where they happen.

import { h, replace, toast, announce, modal } from '../dom.js';
import { pulse, session, can, role, loadWorkspace } from '../session.js';
import { describe } from '../errors.js';
import { dateTime } from '../format.js';
import { field, form, fieldError } from '../ui/form.js';
import { leadsSection, widgetsSection } from './settings-leads.js';
import { notificationsSection, templatesSection, operationsSection } from './settings-notifications.js';

const SECTIONS = [
  { id: 'workspace', title: 'Workspace', show: () => true },
  { id: 'pipelines', title: 'Pipelines and stages', show: () => true },
  { id: 'members', title: 'Members and invitations', show: () => true },
  { id: 'tokens', title: 'API tokens', show: () => can.manageTokens() },
  { id: 'leads', title: 'Lead sources, scoring and nurture', show: () => true, render: leadsSection },
  { id: 'widgets', title: 'Web forms', show: () => can.manageSettings(), render: widgetsSection },
  { id: 'notifications', title: 'Notifications', show: () => true, render: notificationsSection },
  { id: 'templates', title: 'Email templates', show: () => can.managePipelines(), render: templatesSection },
  { id: 'operations', title: 'Outbox and jobs', show: () => role() === 'owner', render: operationsSection },
];

const SCOPES = ['deals:read', 'deals:write', 'events:subscribe', 'leads:read', 'leads:write', 'contacts:read', 'contacts:write',
  'activities:read', 'activities:write', 'products:read', 'customers:read', 'customers:write', 'orders:read', 'orders:write', 'webhooks:manage'];

/** @type {HTMLElement|null} */
let body = null;

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, params) {
  body = h('div', { class: 'settings-body' });
  replace(view, h('div', { class: 'settings' },
    h('h1', null, 'Settings'),
    h('nav', { class: 'tabs', 'aria-label': 'Settings sections', id: 'settings-tabs' }),
    body));
  await update(params);
}

/** @param {(string|null)[]} params */
export async function update([section]) {
  const current = SECTIONS.find((s) => s.id === section && s.show()) ?? SECTIONS[0];
  const tabs = document.getElementById('settings-tabs');
  if (tabs) replace(tabs, SECTIONS.filter((s) => s.show()).map((s) =>
    h('a', { href: `#/settings/${s.id}`, 'aria-current': s.id === current.id ? 'page' : null }, s.title)));
  document.title = `${current.title} · Settings · Pulse`;
  const el = /** @type {HTMLElement} */ (body);
  replace(el, h('p', { class: 'loading' }, 'Loading…'));
  try {
    if (current.render) await current.render(el);
    else if (current.id === 'workspace') await workspaceSection(el);
    else if (current.id === 'pipelines') await pipelinesSection(el);
    else if (current.id === 'members') await membersSection(el);
    else await tokensSection(el);
  } catch (e) {
    replace(el, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  }
}

// ---------------------------------------------------------------- workspace

/** @param {HTMLElement} el */
async function workspaceSection(el) {
  const ws = await pulse.workspace.get();
  const editable = can.manageSettings();
  const f = form([
    field('Workspace name', { name: 'name', value: ws.name, maxlength: '100', required: true, disabled: !editable }),
    field('Currency', { name: 'currency', value: ws.currency, maxlength: '3', size: '4', disabled: !editable, hint: 'ISO 4217 code, such as USD or EUR: the default for new deals.' }),
    editable ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save')) : h('p', { class: 'muted' }, 'Only owners change these.'),
  ], async (v) => {
    /** @type {Record<string, string>} */
    const changes = {};
    if (v.name.trim() !== ws.name) changes.name = v.name.trim();
    if (v.currency.trim().toUpperCase() !== ws.currency) changes.currency = v.currency.trim().toUpperCase();
    if (!Object.keys(changes).length) return;
    try {
      await pulse.workspace.update(changes, { ifMatch: ws.version });
    } catch (e) {
      if (/** @type {any} */ (e).code === 'version_mismatch') {
        toast('Someone changed the workspace meanwhile; reloaded. Check it and try again.', 'error');
        await workspaceSection(el);
        return;
      }
      throw e;
    }
    await loadWorkspace();
    session.me = await pulse.me.get();
    window.dispatchEvent(new Event('pulse:session'));
    toast('Workspace saved.');
    await workspaceSection(el);
  }, { class: 'card-form', 'aria-label': 'Workspace' });
  replace(el, h('section', null, h('h2', null, 'Workspace'), f));
}

// ---------------------------------------------------------------- pipelines

/** @param {HTMLElement} el */
async function pipelinesSection(el) {
  const pipelines = await pulse.pipelines.list();
  const manage = can.managePipelines();
  /** Runs a change, shows its error as a notice near the top, redraws. @param {() => Promise<any>} fn @param {string} done */
  const act = async (fn, done) => {
    try {
      await fn();
      announce(done);
      await pipelinesSection(el);
    } catch (e) {
      toast(describe(e), 'error');
    }
  };
  replace(el,
    h('section', null,
      h('h2', null, 'Pipelines and stages'),
      manage ? null : h('p', { class: 'muted' }, 'Only owners and managers change pipelines.'),
      manage ? form([
        field('New pipeline', { name: 'name', maxlength: '100', placeholder: 'e.g. Enterprise' }),
        h('button', { type: 'submit', class: 'primary' }, 'Create pipeline'),
      ], async (v) => {
        if (!v.name.trim()) throw fieldError('name', 'Name the pipeline.');
        await pulse.pipelines.create({ name: v.name.trim() });
        toast(`Pipeline ${v.name.trim()} created with the default stages.`);
        await pipelinesSection(el);
      }, { class: 'inline-form', 'aria-label': 'Create a pipeline' }) : null,
      pipelines.map((p, i) => h('article', { class: `pipeline-card${p.archived ? ' archived' : ''}`, 'aria-labelledby': `p-${p.id}` },
        h('header', { class: 'pipeline-head' },
          h('h3', { id: `p-${p.id}` }, p.name, p.archived ? h('span', { class: 'muted' }, ' (archived)') : null),
          manage ? h('div', { class: 'button-row' },
            h('button', { type: 'button', class: 'small', onclick: () => renamePipeline(p).then((ok) => ok && pipelinesSection(el)) }, 'Rename'),
            h('button', { type: 'button', class: 'small', disabled: i === 0, 'aria-label': `Move ${p.name} up`, onclick: () => act(() => pulse.pipelines.update(p.id, { position: i - 1 }), `${p.name} moved up.`) }, '↑'),
            h('button', { type: 'button', class: 'small', disabled: i === pipelines.length - 1, 'aria-label': `Move ${p.name} down`, onclick: () => act(() => pulse.pipelines.update(p.id, { position: i + 1 }), `${p.name} moved down.`) }, '↓'),
            h('button', { type: 'button', class: 'small', onclick: () => act(() => pulse.pipelines.update(p.id, { archived: !p.archived }), p.archived ? 'Pipeline restored.' : 'Pipeline archived.') }, p.archived ? 'Unarchive' : 'Archive'),
            h('a', { class: 'small button-link', href: `#/board/${p.id}` }, 'Open board')) : h('a', { href: `#/board/${p.id}` }, 'Open board')),
        h('table', { class: 'stages-table' },
          h('thead', null, h('tr', null, ['Stage', 'Probability %', 'Colour', 'Kind', 'SLA days', 'Auto-nurture', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, p.stages.map((s, j) => stageRow(p, s, j, manage, el)))),
        manage ? form([
          h('input', { name: 'name', placeholder: 'New stage', 'aria-label': `New stage in ${p.name}`, maxlength: '100' }),
          h('button', { type: 'submit', class: 'small' }, 'Add stage'),
        ], async (v) => {
          if (!v.name.trim()) throw fieldError('name', 'Name the stage.');
          await pulse.stages.create(p.id, { name: v.name.trim() });
          await pipelinesSection(el);
        }, { class: 'inline-form', 'aria-label': `Add a stage to ${p.name}` }) : null))));
}

/** @param {any} p */
function renamePipeline(p) {
  return modal(`Rename ${p.name}`, (close) => form([
    field('Name', { name: 'name', value: p.name, maxlength: '100', autofocus: true }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'), h('button', { type: 'submit', class: 'primary' }, 'Rename')),
  ], async (v) => {
    await pulse.pipelines.update(p.id, { name: v.name.trim() });
    close(true);
  }));
}

/** @param {any} p @param {any} s @param {number} j @param {boolean} manage @param {HTMLElement} el */
function stageRow(p, s, j, manage, el) {
  const formId = `stage-${s.id}`;
  const dis = !manage;
  const f = form([], async (v) => {
    /** @type {Record<string, any>} */
    const changes = {};
    if (v.name.trim() !== s.name) changes.name = v.name.trim();
    if (Number(v.probability) !== s.probability) changes.probability = Number(v.probability);
    if (v.color !== s.color) changes.color = v.color.toLowerCase();
    if (v.kind !== s.kind) changes.kind = v.kind;
    const sla = v.sla_days === '' ? null : Number(v.sla_days);
    if (sla !== s.sla_days) changes.sla_days = sla;
    const nurture = v.auto_nurture === 'on';
    if (nurture !== s.auto_nurture) changes.auto_nurture = nurture;
    if (!Object.keys(changes).length) return;
    await pulse.stages.update(s.id, changes);
    toast(`Stage ${v.name.trim()} saved.`);
    await pipelinesSection(el);
  }, { id: formId, class: 'stage-form', 'aria-label': `Stage ${s.name}` });
  const move = async (/** @type {number} */ to) => {
    try {
      await pulse.stages.update(s.id, { position: to });
      await pipelinesSection(el);
    } catch (e) {
      toast(describe(e), 'error');
    }
  };
  return h('tr', { vars: { '--stage-color': s.color } },
    h('td', null, f, h('input', { form: formId, name: 'name', value: s.name, 'aria-label': `${s.name} name`, disabled: dis, maxlength: '100' })),
    h('td', null, h('input', { form: formId, name: 'probability', type: 'number', min: '0', max: '100', value: s.probability, 'aria-label': `${s.name} probability`, disabled: dis, size: '4' })),
    h('td', null, h('input', { form: formId, name: 'color', type: 'color', value: s.color, 'aria-label': `${s.name} colour`, disabled: dis })),
    h('td', null, h('select', { form: formId, name: 'kind', 'aria-label': `${s.name} kind`, disabled: dis },
      ['open', 'won', 'lost'].map((k) => h('option', { value: k, selected: k === s.kind }, k)))),
    h('td', null, h('input', { form: formId, name: 'sla_days', type: 'number', min: '1', max: '3650', value: s.sla_days ?? '', 'aria-label': `${s.name} SLA days`, disabled: dis, size: '4' })),
    h('td', null, h('input', { form: formId, name: 'auto_nurture', type: 'checkbox', checked: s.auto_nurture, 'aria-label': `${s.name} auto-nurture`, disabled: dis })),
    h('td', null, manage ? h('div', { class: 'button-row' }, [
      h('button', { type: 'submit', form: formId, class: 'small' }, 'Save'),
      h('button', { type: 'button', class: 'small', disabled: j === 0, 'aria-label': `Move ${s.name} left`, onclick: () => move(j - 1) }, '←'),
      h('button', { type: 'button', class: 'small', disabled: j === p.stages.length - 1, 'aria-label': `Move ${s.name} right`, onclick: () => move(j + 1) }, '→'),
      h('button', { type: 'button', class: 'small danger', onclick: () => deleteStage(p, s).then((ok) => ok && pipelinesSection(el)) }, 'Delete'),
    ]) : null));
}

/** Deletes a stage, asking where its deals go. @param {any} p @param {any} s */
function deleteStage(p, s) {
  const targets = p.stages.filter((/** @type {any} */ t) => t.id !== s.id && t.kind === s.kind);
  return modal(`Delete stage ${s.name}`, (close) => form([
    h('p', null, 'Deals in this stage move to the stage you choose (same kind).'),
    field('Move its deals to', { name: 'move_to', type: 'select', options: [['', 'It has no deals'], ...targets.map((/** @type {any} */ t) => [t.id, t.name])] }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'), h('button', { type: 'submit', class: 'danger' }, 'Delete stage')),
  ], async (v) => {
    await pulse.stages.remove(s.id, { moveTo: v.move_to || undefined });
    toast(`Stage ${s.name} deleted.`);
    close(true);
  }));
}

// ---------------------------------------------------------------- members

/** @param {HTMLElement} el */
async function membersSection(el) {
  const members = await pulse.members.list();
  const invitations = can.invite() ? await pulse.invitations.list() : [];
  const me = session.me?.user?.id;
  const manage = can.manageMembers();
  const roles = role() === 'owner' ? ['manager', 'rep', 'viewer'] : ['rep', 'viewer'];
  const redraw = () => membersSection(el);
  replace(el,
    h('section', null,
      h('h2', null, 'Members'),
      h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Name', 'E-mail', 'Role', 'Status', 'Joined', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, members.map((m) => h('tr', null,
          h('td', null, m.name, m.user_id === me ? h('span', { class: 'muted' }, ' (you)') : null),
          h('td', null, m.email),
          h('td', null, manage && m.user_id !== me
            ? h('select', {
              'aria-label': `Role of ${m.name}`,
              onchange: async (/** @type {Event} */ e) => {
                try {
                  await pulse.members.update(m.user_id, { role: /** @type {any} */ (/** @type {HTMLSelectElement} */ (e.target).value) });
                  toast(`${m.name} is now ${/** @type {HTMLSelectElement} */ (e.target).value}.`);
                } catch (err) {
                  toast(describe(err), 'error');
                }
                await redraw();
              },
            }, ['owner', 'manager', 'rep', 'viewer'].map((r) => h('option', { value: r, selected: r === m.role }, r)))
            : m.role),
          h('td', null, m.status),
          h('td', null, dateTime(m.joined_at)),
          h('td', null, manage && m.user_id !== me ? h('div', { class: 'button-row' }, [
            h('button', { type: 'button', class: 'small', onclick: async () => {
              try { await pulse.members.update(m.user_id, { status: m.status === 'active' ? 'suspended' : 'active' }); } catch (err) { toast(describe(err), 'error'); }
              await redraw();
            } }, m.status === 'active' ? 'Suspend' : 'Reactivate'),
            h('button', { type: 'button', class: 'small danger', onclick: async () => {
              if (!confirm(`Remove ${m.name} from the workspace?`)) return;
              try { await pulse.members.remove(m.user_id); } catch (err) { toast(describe(err), 'error'); }
              await redraw();
            } }, 'Remove'),
          ]) : null))))),
    ),
    can.invite() ? h('section', null,
      h('h2', null, 'Invitations'),
      form([
        field('E-mail', { name: 'email', type: 'email', required: true }),
        field('Role', { name: 'role', type: 'select', value: 'rep', options: roles.map((r) => [r, r]) }),
        h('button', { type: 'submit', class: 'primary' }, 'Invite'),
      ], async (v, f) => {
        const inv = await pulse.invitations.create({ email: v.email.trim(), role: /** @type {any} */ (v.role) });
        const link = inv.accept_url;
        await redraw();
        const out = document.getElementById('invite-link');
        if (out) replace(out,
          h('p', null, `Invitation for ${inv.email} created. Send this link (shown once):`),
          h('p', null, h('input', { readonly: true, value: link, class: 'reveal', 'aria-label': 'Invitation link', onfocus: (/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.target).select() })));
        void f;
      }, { class: 'inline-form', 'aria-label': 'Invite someone' }),
      h('div', { id: 'invite-link', role: 'status' }),
      invitations.length ? h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['E-mail', 'Role', 'Expires', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, invitations.map((i) => h('tr', null,
          h('td', null, i.email), h('td', null, i.role), h('td', null, dateTime(i.expires_at)),
          h('td', null, h('button', { type: 'button', class: 'small danger', onclick: async () => {
            try { await pulse.invitations.revoke(i.id); } catch (err) { toast(describe(err), 'error'); }
            await redraw();
          } }, 'Revoke')))))) : h('p', { class: 'muted' }, 'No pending invitations.'),
    ) : null,
  );
}

// ---------------------------------------------------------------- tokens

/** @param {HTMLElement} el */
async function tokensSection(el) {
  const tokens = await pulse.tokens.list();
  const redraw = () => tokensSection(el);
  replace(el,
    h('section', null,
      h('h2', null, 'API tokens'),
      h('p', { class: 'muted' }, 'Tokens let integrations use the API for this workspace. A token’s secret is shown once, when it is created.'),
      form([
        field('Name', { name: 'name', required: true, maxlength: '100', placeholder: 'e.g. Zapier' }),
        h('fieldset', { class: 'scopes' }, h('legend', null, 'Scopes'),
          SCOPES.map((s) => h('label', { class: 'field-check' }, h('input', { type: 'checkbox', name: `scope:${s}`, value: s, checked: s === 'deals:read' }), ` ${s}`))),
        h('button', { type: 'submit', class: 'primary' }, 'Create token'),
      ], async (v) => {
        const scopes = Object.keys(v).filter((k) => k.startsWith('scope:')).map((k) => k.slice(6));
        if (!v.name.trim()) throw fieldError('name', 'Name the token.');
        if (!scopes.length) throw fieldError('scopes', 'Choose at least one scope.');
        const created = await pulse.tokens.create({ name: v.name.trim(), scopes });
        await redraw();
        const out = document.getElementById('token-reveal');
        if (out) replace(out,
          h('p', null, h('strong', null, 'Copy this token now. It will not be shown again.')),
          h('input', { readonly: true, value: created.token, class: 'reveal', 'aria-label': 'New API token', onfocus: (/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.target).select() }));
        /** @type {HTMLElement|null} */ (out?.querySelector('input'))?.focus();
      }, { class: 'card-form', 'aria-label': 'Create an API token' }),
      h('div', { id: 'token-reveal', role: 'status' }),
      tokens.length ? h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Name', 'Prefix', 'Scopes', 'Created', 'Last used', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, tokens.map((t) => h('tr', null,
          h('td', null, t.name), h('td', null, h('code', null, t.prefix)), h('td', null, t.scopes.join(', ')),
          h('td', null, dateTime(t.created_at)), h('td', null, t.last_used_at ? dateTime(t.last_used_at) : 'never'),
          h('td', null, h('button', { type: 'button', class: 'small danger', onclick: async () => {
            if (!confirm(`Revoke ${t.name}? Integrations using it stop working at once.`)) return;
            try { await pulse.tokens.revoke(t.id); } catch (err) { toast(describe(err), 'error'); }
            await redraw();
          } }, 'Revoke')))))) : h('p', { class: 'muted' }, 'No tokens yet.')));
}
