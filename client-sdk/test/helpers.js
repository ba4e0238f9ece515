// Shared helpers for the SDK tests. PULSE_URL points at a real Pulse
// (scripts/test.d/sdk.sh starts one).
import WebSocket from 'ws';
import { PulseClient } from '../src/index.js';

export const BASE = process.env.PULSE_URL ?? 'http://127.0.0.1:8080';
export const LIMITED = process.env.PULSE_LIMITED_URL;
export const PASSWORD = 'correct horse battery staple';

let counter = 0;
/** A unique email for this run. */
export function email(tag = 'user') {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`;
}

/** A client with an in-memory cookie jar (Node) and the ws WebSocket. */
export function newClient(extra = {}) {
  return new PulseClient({
    baseUrl: BASE,
    WebSocket,
    reconnectBaseMs: 50,
    reconnectMaxMs: 300,
    ...extra,
  });
}

/**
 * Signs up a new person with their own workspace.
 * @returns {Promise<{ client: PulseClient, signup: any }>}
 */
export async function signedUp(extra = {}, tag = 'owner') {
  const client = newClient(extra);
  const signup = await client.auth.signup({ email: email(tag), password: PASSWORD, name: `${tag} person`, workspace_name: `${tag} workspace` });
  return { client, signup };
}

/**
 * An owner with a second member (a rep) in the owner's workspace: the
 * owner's role changes to that member generate `member.updated` events.
 */
export async function team(extra = {}) {
  const { client: owner, signup } = await signedUp(extra);
  const inv = await owner.invitations.create({ email: email('rep'), role: 'rep' });
  const rep = newClient();
  const accepted = await rep.invitations.accept(inv.token, { name: 'Rep', password: PASSWORD });
  return { owner, rep, signup, repId: accepted.user.id, workspaceId: signup.workspace.id };
}

/** Flips the member between rep and viewer `n` times; returns the roles set. */
export async function flipRoles(owner, userId, n, start = 0) {
  const roles = [];
  for (let i = 0; i < n; i++) {
    const role = (start + i) % 2 === 0 ? 'viewer' : 'rep';
    await owner.members.update(userId, { role });
    roles.push(role);
  }
  return roles;
}

/** Resolves when `check()` is truthy, polling; rejects after `ms`. */
export async function waitFor(check, ms = 5000, what = 'condition') {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with the first state change of `live` that matches. */
export function nextState(live, state, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { off(); reject(new Error(`timed out waiting for state ${state}`)); }, ms);
    const off = live.onState((c) => {
      if (c.state === state) { clearTimeout(t); off(); resolve(c); }
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
