// The live stream against a real Pulse: order, resume after a drop,
// gap detection, resets, MessagePack, tickets, presence, heartbeat and
// the close codes that end a stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { encode, decode } from '@msgpack/msgpack';
import { PulseClient } from '../src/index.js';
import { BASE, flipRoles, newClient, nextState, signedUp, sleep, team, waitFor } from './helpers.js';

/** Asserts that `seqs` are consecutive from `from` + 1, without duplicates. */
function assertConsecutive(seqs, from, count) {
  assert.deepEqual(seqs, Array.from({ length: count }, (_, i) => from + 1 + i), `seqs ${seqs.join(',')}`);
}

/** A ws WebSocket whose connections can be refused (as if the network were down). */
function gated() {
  const gate = { open: true, opened: 0 };
  class GatedWebSocket extends WebSocket {
    constructor(...args) {
      if (!gate.open) throw new Error('network down (test gate)');
      super(...args);
      gate.opened += 1;
    }
  }
  return { gate, GatedWebSocket };
}

/**
 * A ws WebSocket that can lose incoming frames: `filter(msg)` returning
 * false drops a JSON frame before the SDK sees it.
 */
function lossy(filter) {
  return class LossyWebSocket extends WebSocket {
    set onmessage(fn) {
      super.onmessage = fn && ((ev) => {
        if (typeof ev.data === 'string' && !filter(JSON.parse(ev.data))) return;
        fn(ev);
      });
    }
    get onmessage() {
      return super.onmessage;
    }
  };
}

test('events arrive in seq order with prev chained; connection states', async () => {
  const { owner, repId } = await team();
  const states = [];
  const events = [];
  const sub = owner.subscribe('workspace', (e) => events.push(e), { onState: (c) => states.push(c.state) });
  await nextState(owner.live, 'open');
  await sub.ready;
  const start = sub.positions.workspace.seq;
  const roles = await flipRoles(owner, repId, 5);
  await waitFor(() => events.length === 5, 5000, '5 events');
  assertConsecutive(events.map((e) => e.seq), start, 5);
  assert.equal(events[0].prev, null, 'the first event after a subscribe without since');
  for (let i = 1; i < 5; i++) assert.equal(events[i].prev, events[i - 1].seq);
  assert.deepEqual(events.map((e) => e.data.role), roles);
  assert.ok(events.every((e) => e.type === 'member.updated' && e.topic === 'workspace' && e.epoch === 1));
  assert.deepEqual(sub.positions.workspace, { seq: start + 5, epoch: 1 });
  owner.close();
  assert.deepEqual(states, ['connecting', 'open', 'closed']);
});

test('resume after a forced disconnect: changes made while down arrive once, without gaps', async () => {
  const { gate, GatedWebSocket } = gated();
  const { owner, repId } = await team({ WebSocket: GatedWebSocket });
  const seqs = [];
  const recovered = [];
  owner.live.onMessage((m) => m.msg === 'subscribed' && recovered.push(m.recovered));
  const sub = owner.subscribe('workspace', (e) => seqs.push(e.seq));
  await sub.ready;
  const start = sub.positions.workspace.seq;
  await flipRoles(owner, repId, 2);
  await waitFor(() => seqs.length === 2);

  gate.open = false;
  const attempts = [];
  const failed = new Promise((resolve) => {
    const off = owner.live.onState((c) => {
      if (c.state !== 'reconnecting') return;
      attempts.push(c);
      if (attempts.filter((x) => x.error).length >= 3) { off(); resolve(); }
    });
  });
  owner.live.drop();
  await flipRoles(owner, repId, 3, 2);
  await failed; // three attempts failed while the network was down
  assert.equal(attempts[1].error.code, 'network_error');
  // Exponential backoff with full jitter: attempt n waits 0..min(max, base * 2^(n-1)).
  attempts.forEach((c, i) => {
    assert.equal(c.attempt, i + 1);
    assert.ok(c.delayMs >= 0 && c.delayMs <= Math.min(300, 50 * 2 ** i), `attempt ${c.attempt} waits ${c.delayMs}`);
  });
  assert.equal(seqs.length, 2, 'nothing arrives while down');

  gate.open = true;
  await waitFor(() => seqs.length === 5, 5000, 'the missed events');
  await sleep(100);
  assertConsecutive(seqs, start, 5);
  assert.deepEqual(recovered, [false, true], 'the resume was a recovered subscribe');
  assert.equal(gate.opened, 2);

  // A second process can resume from a persisted position, too.
  const later = newClient();
  later.transport.cookies = new Map(owner.transport.cookies);
  const replayed = [];
  later.subscribe('workspace', (e) => replayed.push(e.seq), { since: start + 2, epoch: 1 });
  await waitFor(() => replayed.length === 3);
  assertConsecutive(replayed, start + 2, 3);
  owner.close();
  later.close();
});

test('a drop before the first event resumes from where the subscription took effect', async () => {
  const { gate, GatedWebSocket } = gated();
  const { owner, repId } = await team({ WebSocket: GatedWebSocket });
  const seqs = [];
  const sub = owner.subscribe('workspace', (e) => seqs.push(e.seq));
  await sub.ready;
  const start = sub.positions.workspace.seq;
  gate.open = false;
  owner.live.drop();
  await flipRoles(owner, repId, 2);
  gate.open = true;
  await waitFor(() => seqs.length === 2, 5000, 'the events made while down');
  await sleep(100);
  assertConsecutive(seqs, start, 2);
  owner.close();
});

test('a lost event (prev mismatch) makes the SDK resubscribe from the last processed seq', async () => {
  let dropSeq = null;
  let dropped = 0;
  const Lossy = lossy((m) => {
    if (m.msg === 'event' && m.seq === dropSeq && dropped === 0) { dropped += 1; return false; }
    return true;
  });
  const { owner, repId } = await team({ WebSocket: Lossy });
  const seqs = [];
  const sent = [];
  owner.live.onMessage((m) => sent.push(m.msg));
  const sub = owner.subscribe('workspace', (e) => seqs.push(e.seq));
  await sub.ready;
  const start = sub.positions.workspace.seq;
  dropSeq = start + 2;
  await flipRoles(owner, repId, 4);
  await waitFor(() => seqs.length === 4, 5000, '4 events');
  await sleep(100);
  assert.equal(dropped, 1, 'one frame was lost in transit');
  assertConsecutive(seqs, start, 4);
  assert.ok(sent.includes('unsubscribed'), 'resubscribed after the gap');
  assert.equal(sent.filter((m) => m === 'subscribed').length, 2);
  owner.close();
});

test('reset: since beyond the head, then live from the server position', async () => {
  const { owner, repId } = await team();
  const resets = [];
  const seqs = [];
  let reloaded = false;
  const sub = owner.subscribe('workspace', (e) => {
    assert.ok(reloaded, 'no event before onReset finished');
    seqs.push(e);
  }, {
    since: 1_000_000,
    epoch: 1,
    onReset: async (info) => {
      resets.push(info);
      await sleep(50); // reloading state over HTTP
      await owner.members.list();
      reloaded = true;
    },
  });
  await waitFor(() => resets.length === 1 && owner.live.topics.get('workspace')?.server === 'subscribed', 5000, 'reset and resubscribe');
  const [reset] = resets;
  assert.equal(reset.reason, 'unknown_position');
  assert.deepEqual(reset.topics, ['workspace']);
  assert.equal(sub.positions.workspace.seq, reset.seq);
  await flipRoles(owner, repId, 2);
  await waitFor(() => seqs.length === 2);
  assert.equal(seqs[0].prev, reset.seq, 'continued from the reset position');
  assertConsecutive(seqs.map((e) => e.seq), reset.seq, 2);
  owner.close();
});

test('reset: a since from another epoch', async () => {
  const { owner, repId } = await team();
  const resets = [];
  const seqs = [];
  owner.subscribe('workspace', (e) => seqs.push(e.seq), { since: 1, epoch: 99, onReset: (i) => { resets.push(i); } });
  await waitFor(() => resets.length === 1 && owner.live.topics.get('workspace')?.server === 'subscribed');
  assert.equal(resets[0].reason, 'epoch_changed');
  assert.equal(resets[0].epoch, 1);
  await flipRoles(owner, repId, 1);
  await waitFor(() => seqs.length === 1);
  assert.equal(seqs[0], resets[0].seq + 1);
  owner.close();
});

test('MessagePack: the subprotocol is negotiated and events decode the same', async () => {
  const { owner, repId } = await team({ codec: { encode, decode }, pingIntervalMs: 100, pongTimeoutMs: 1000 });
  const frames = [];
  owner.live.onMessage((m) => frames.push(m));
  const seqs = [];
  const sub = owner.subscribe('workspace', (e) => seqs.push(e));
  await sub.ready;
  assert.equal(owner.live.msgpack, true);
  const start = sub.positions.workspace.seq;
  await flipRoles(owner, repId, 3);
  await waitFor(() => seqs.length === 3);
  assertConsecutive(seqs.map((e) => e.seq), start, 3);
  assert.equal(typeof seqs[0].data.user_id, 'string', 'uuids as strings');
  assert.equal(seqs[0].prev, null);
  await waitFor(() => frames.some((m) => m.msg === 'pong'), 3000, 'a pong to a MessagePack ping');
  owner.close();
});

test('tickets: a session in Node, a token, and a browser-like socket without headers', async () => {
  const { owner, repId } = await team({ auth: 'ticket' });
  const seqs = [];
  const sub = owner.subscribe('workspace', (e) => seqs.push(e.seq));
  await sub.ready;
  const start = sub.positions.workspace.seq;
  await flipRoles(owner, repId, 2);
  await waitFor(() => seqs.length === 2);
  assertConsecutive(seqs, start, 2);
  // Tickets are single-use: a drop takes a new one and resumes.
  owner.live.drop();
  await flipRoles(owner, repId, 1, 2);
  await waitFor(() => seqs.length === 3);
  assertConsecutive(seqs, start, 3);
  owner.close();

  const { token } = await owner.tokens.create({ name: 'stream', scopes: ['events:subscribe'] });
  for (const options of [{ WebSocket }, { WebSocket, webSocketHeaders: false }]) {
    // With headers: Authorization. Without (as in a browser): `auto` takes a ticket.
    const bot = new PulseClient({ baseUrl: BASE, token, ...options });
    const tickets = [];
    const orig = bot.streamTickets.create;
    bot.streamTickets.create = () => { tickets.push(1); return orig(); };
    const botSub = bot.subscribe('workspace', () => {});
    await botSub.ready;
    assert.equal(tickets.length, options.webSocketHeaders === false ? 1 : 0);
    bot.close();
  }
});

test('presence: joins and leaves', async () => {
  const { owner, rep, repId, signup } = await team({ WebSocket });
  const changes = [];
  const board = owner.presence('board-1', (c) => changes.push(c));
  await waitFor(() => changes.length >= 1);
  assert.deepEqual(changes[0].users, [signup.user.id]);
  const repLive = rep.presence('board-1', () => {});
  await waitFor(() => board.presence().includes(repId), 5000, 'the rep joins');
  assert.deepEqual(board.presence(), [signup.user.id, repId].sort());
  repLive.close();
  rep.close();
  await waitFor(() => !board.presence().includes(repId), 5000, 'the rep leaves');
  assert.ok(changes.some((c) => c.leaves.includes(repId)));
  owner.close();
});

test('heartbeat: a link that goes silent is detected and the stream resumes', async () => {
  let mute = false;
  const Silent = lossy(() => !mute);
  const { owner, repId } = await team({ WebSocket: Silent, pingIntervalMs: 100, pongTimeoutMs: 300 });
  const seqs = [];
  const sub = owner.subscribe('workspace', (e) => seqs.push(e.seq));
  await sub.ready;
  const start = sub.positions.workspace.seq;
  const dead = new Promise((resolve) => {
    const off = owner.live.onState((c) => c.state === 'reconnecting' && c.code === 4002 && (off(), resolve(c)));
  });
  mute = true;
  await flipRoles(owner, repId, 2);
  await dead;
  mute = false;
  await waitFor(() => seqs.length === 2, 5000, 'events after the dead link');
  assertConsecutive(seqs, start, 2);
  owner.close();
});

test('close 4001 on a role change: the member reconnects and resumes; once removed, the stream stops', async () => {
  const { owner, rep, repId } = await team();
  const states = [];
  const seqs = [];
  rep.live.onState((c) => states.push(c));
  const sub = rep.subscribe('workspace', (e) => seqs.push(e.seq));
  await sub.ready;
  const start = sub.positions.workspace.seq;
  await owner.members.update(repId, { role: 'viewer' }); // closes the rep's stream with 4001
  await waitFor(() => states.some((c) => c.state === 'reconnecting' && c.code === 4001), 5000, 'close 4001');
  await waitFor(() => seqs.length === 1, 5000, 'the role change event, after resuming');
  assertConsecutive(seqs, start, 1);

  await owner.members.remove(repId);
  const closed = await waitFor(() => states.find((c) => c.state === 'closed'), 10000, 'the stream to stop');
  assert.equal(closed.error.code, 'handshake_refused');
  assert.ok([401, 403].includes(closed.error.status));
  assert.equal(rep.live.state, 'closed');
});

test('a token without events:subscribe is refused at the handshake', async () => {
  const { client: owner } = await signedUp();
  const { token } = await owner.tokens.create({ name: 'no stream', scopes: ['deals:read'] });
  const bot = new PulseClient({ baseUrl: BASE, token, WebSocket });
  bot.subscribe('workspace', () => {});
  const closed = await nextState(bot.live, 'closed');
  assert.equal(closed.error.status, 403);
  assert.equal(closed.error.code, 'handshake_refused');
});

test('ready rejects for a refused topic; onError reports it', async () => {
  const { client: owner } = await signedUp();
  const errors = [];
  const bad = owner.subscribe('deals', () => {}, { onError: (e) => errors.push(e) });
  await assert.rejects(bad.ready, { code: 'invalid_topic' });
  assert.equal(errors[0].code, 'invalid_topic');
  // The connection is still usable.
  const good = owner.subscribe('leads', () => {});
  await good.ready;
  owner.close();
});

test('two subscriptions on one topic share it: both ready, both get every event', async () => {
  const { owner, repId } = await team();
  const a = [];
  const b = [];
  const first = owner.subscribe('workspace', (e) => a.push(e.seq));
  await first.ready;
  const second = owner.subscribe('workspace', (e) => b.push(e.seq));
  await second.ready;
  await flipRoles(owner, repId, 2);
  await waitFor(() => a.length === 2 && b.length === 2);
  assert.deepEqual(a, b);
  first.close();
  await flipRoles(owner, repId, 1, 2);
  await waitFor(() => b.length === 3);
  assert.equal(a.length, 2, 'a closed subscription gets nothing');
  owner.close();
});

test('a session in Node with a WebSocket that takes no headers uses a ticket', async () => {
  const { owner, repId } = await team({ webSocketHeaders: false });
  const seqs = [];
  const sub = owner.subscribe('workspace', (e) => seqs.push(e.seq));
  await sub.ready;
  await flipRoles(owner, repId, 1);
  await waitFor(() => seqs.length === 1);
  owner.close();
});
