// The one PulseClient of the page and what the app knows about the
// signed-in person. Screens read `session` and call `pulse`.

import { PulseClient } from '/sdk/index.js';

/**
 * The page's client. The session cookie authenticates REST and the
 * WebSocket (same origin). Reconnects are capped at 3 s so that a laptop
 * waking up or a network coming back is live again quickly, and the
 * heartbeat notices a dead link within 15 s.
 */
export const pulse = new PulseClient({
  baseUrl: location.origin,
  reconnectBaseMs: 300,
  reconnectMaxMs: 3000,
  pingIntervalMs: 10000,
  pongTimeoutMs: 5000,
});

/**
 * @typedef {object} Session
 * @property {any|null} me `GET /api/v1/me`, or null when signed out.
 * @property {Map<string, any>} members user id → member of the active workspace.
 * @property {any|null} workspace the active workspace's settings.
 */

/** @type {Session} */
export const session = { me: null, members: new Map(), workspace: null };

/** The role in the active workspace, or null. @returns {'owner'|'manager'|'rep'|'viewer'|null} */
export function role() {
  return session.me?.active_workspace?.role ?? null;
}

/** What the role may do, as the server's permission matrix says (docs/PERMISSIONS.md). */
export const can = {
  writeDeals: () => ['owner', 'manager', 'rep'].includes(role() ?? ''),
  editAnyDeal: () => ['owner', 'manager'].includes(role() ?? ''),
  managePipelines: () => ['owner', 'manager'].includes(role() ?? ''),
  invite: () => ['owner', 'manager'].includes(role() ?? ''),
  manageMembers: () => role() === 'owner',
  manageTokens: () => role() === 'owner',
  manageSettings: () => role() === 'owner',
};

/** Whether this person may move or edit a deal (reps: their own or shared ones). @param {any} deal */
export function mayEditDeal(deal) {
  if (can.editAnyDeal()) return true;
  if (!can.writeDeals()) return false;
  const me = session.me?.user?.id;
  return deal.owner_id === me || (deal.shared_with ?? []).includes(me);
}

/** Loads /me; null when signed out. */
export async function loadMe() {
  try {
    session.me = await pulse.me.get();
  } catch (e) {
    if (/** @type {any} */ (e).status === 401) {
      session.me = null;
      return null;
    }
    throw e;
  }
  return session.me;
}

/** Loads the members and the workspace settings of the active workspace. */
export async function loadWorkspace() {
  const [members, workspace] = await Promise.all([pulse.members.list(), pulse.workspace.get()]);
  session.members = new Map(members.map((m) => [m.user_id, m]));
  session.workspace = workspace;
}

/** @type {Set<() => void>} */
const memberListeners = new Set();
let refreshing = 0;

/** Calls `fn` after the member list was refreshed; returns an unsubscribe. @param {() => void} fn */
export function onMembersChanged(fn) {
  memberListeners.add(fn);
  return () => memberListeners.delete(fn);
}

/**
 * Someone unknown appeared (a new member's deal or presence): reload the
 * member list, at most every 5 s, and tell the screens.
 */
function refreshMembers() {
  if (Date.now() - refreshing < 5000) return;
  refreshing = Date.now();
  pulse.members.list().then((members) => {
    session.members = new Map(members.map((m) => [m.user_id, m]));
    for (const fn of memberListeners) fn();
  }, () => {});
}

/** A member's display name. @param {string|null|undefined} id */
export function memberName(id) {
  if (!id) return 'Unassigned';
  const m = session.members.get(id);
  if (!m) {
    refreshMembers();
    return 'Someone';
  }
  return m.name;
}
