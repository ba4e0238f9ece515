// The Pulse browser app: boot, the top bar and the router. Plain ES
// modules served by Pulse itself; the SDK is imported from /sdk/.

import { pulse, session, loadMe, loadWorkspace } from './session.js';
import { route, match, currentPath, navigate } from './router.js';
import { byId, h, replace, toast } from './dom.js';
import { setupTheme } from './theme.js';
import { setupStatus } from './status.js';
import { describe } from './errors.js';
import { setupBell } from './ui/bell.js';
import { setupSearch } from './ui/search.js';

route('login', /^\/login$/, () => import('./screens/login.js'), { public: true });
route('signup', /^\/signup$/, () => import('./screens/signup.js'), { public: true });
route('invite', /^\/invite\/([^/]+)$/, () => import('./screens/invite.js'), { public: true });
route('board', /^\/board(?:\/([0-9a-f-]{36}))?(?:\/deal\/([0-9a-f-]{36}))?$/, () => import('./screens/board.js'), { nav: 'board' });
route('settings', /^\/settings(?:\/([a-z-]+))?$/, () => import('./screens/settings.js'), { nav: 'settings' });
// CRM records: contacts, companies, activities and CSV import.
route('contacts', /^\/contacts(?:\?(.*))?$/, () => import('./screens/contacts.js'), { nav: 'contacts' });
route('contact', /^\/contacts\/([0-9a-f-]{36})$/, () => import('./screens/contact.js'), { nav: 'contacts' });
route('companies', /^\/companies(?:\?(.*))?$/, () => import('./screens/companies.js'), { nav: 'companies' });
route('company', /^\/companies\/([0-9a-f-]{36})$/, () => import('./screens/company.js'), { nav: 'companies' });
route('activities', /^\/activities(?:\?(.*))?$/, () => import('./screens/activities.js'), { nav: 'activities' });
route('import', /^\/import(?:\/([0-9a-f-]{36}))?$/, () => import('./screens/import.js'), { nav: 'import' });
// Leads, and `#/deals/<id>` (a deal's board drawer, found by id).
route('leads', /^\/leads(?:\/(attention))?(?:\?(.*))?$/, () => import('./screens/leads.js'), { nav: 'leads' });
route('lead', /^\/leads\/([0-9a-f-]{36})$/, () => import('./screens/lead.js'), { nav: 'leads' });
route('deal', /^\/deals\/([0-9a-f-]{36})$/, () => import('./screens/deal-link.js'), { nav: 'board' });

/** @type {{ name: string, module: any, cleanup: (() => void)|null }|null} */
let active = null;
let rendering = Promise.resolve();

async function show() {
  const path = currentPath();
  const m = match(path);
  if (!m) return navigate(session.me ? '/board' : '/login');
  if (!m.route.public && !session.me) {
    sessionStorage.setItem('pulse.after-login', path);
    return navigate('/login');
  }
  if (m.route.public && session.me && m.name !== 'invite') return navigate('/board');
  topbar();
  const view = byId('view');
  if (active && active.name === m.name && active.module.update) {
    await active.module.update(m.params);
    return;
  }
  active?.cleanup?.();
  const module = await m.route.load();
  active = { name: m.name, module, cleanup: null };
  replace(view, h('p', { class: 'loading' }, 'Loading…'));
  try {
    active.cleanup = (await module.render(view, m.params)) ?? null;
  } catch (e) {
    replace(view, h('p', { class: 'form-error', role: 'alert' }, describe(e)));
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (/** @type {HTMLElement} */ (a).dataset.nav === m.route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function topbar() {
  const bar = byId('topbar');
  bar.hidden = !session.me;
  if (!session.me) return;
  const select = /** @type {HTMLSelectElement} */ (byId('workspace-switcher'));
  const activeId = session.me.active_workspace?.id;
  replace(select, session.me.workspaces.map((/** @type {any} */ w) =>
    h('option', { value: w.id, selected: w.id === activeId }, `${w.name} (${w.role})`)));
  // The notification bell and global search live in the top bar.
  if (activeId) {
    setupBell();
    setupSearch();
  }
}

/** After sign-in, sign-up or acceptance: load everything and go on. */
export async function signedIn() {
  await loadMe();
  if (session.me?.active_workspace) await loadWorkspace();
  const next = sessionStorage.getItem('pulse.after-login');
  sessionStorage.removeItem('pulse.after-login');
  navigate(next && !next.startsWith('/login') ? next : '/board');
}

async function boot() {
  setupTheme();
  setupStatus();
  byId('logout').addEventListener('click', async () => {
    try { await pulse.auth.logout(); } catch { /* the session is gone either way */ }
    location.hash = '#/login';
    location.reload();
  });
  byId('workspace-switcher').addEventListener('change', async (ev) => {
    const id = /** @type {HTMLSelectElement} */ (ev.target).value;
    try {
      await pulse.workspaces.switch(id);
      // The stream is bound to one workspace: start the page afresh.
      location.hash = '#/board';
      location.reload();
    } catch (e) {
      toast(describe(e), 'error');
    }
  });
  try {
    await loadMe();
    if (session.me?.active_workspace) await loadWorkspace();
  } catch (e) {
    replace(byId('view'), h('p', { class: 'form-error', role: 'alert' }, describe(e)));
    return;
  }
  window.addEventListener('hashchange', () => { rendering = rendering.then(show, show); });
  // A screen changed what the top bar shows (e.g. the workspace's name).
  window.addEventListener('pulse:session', topbar);
  rendering = show();
}

boot();
