// The live event stream: one WebSocket to /api/v1/stream per client,
// shared by every subscription, with reconnect and resume. The protocol is
// described in docs/PROTOCOL.md of the Pulse repository.

import { PulseError } from './errors.js';

/** The subprotocol that switches the stream to MessagePack. */
export const MSGPACK_SUBPROTOCOL = 'pulse.v1.msgpack';

/**
 * An event as delivered on a subscription.
 * @typedef {object} PulseEvent
 * @property {'event'} msg
 * @property {string} topic The topic of the subscription that delivered it.
 * @property {number|null} prev The seq sent before this one on that subscription.
 * @property {number} seq
 * @property {number} epoch
 * @property {string} type `noun.verb`, e.g. `member.updated`.
 * @property {string} at RFC 3339.
 * @property {{ type: 'user'|'token', id: string }|null} actor
 * @property {Record<string, any>} data
 */

/**
 * @typedef {object} ResetInfo
 * @property {string} reason `too_old`, `unknown_position`, `epoch_changed`, `events_lost` or `replay_failed`.
 * @property {number} epoch The stream's current epoch.
 * @property {number} seq The stream's current seq: the subscription continues live from here.
 * @property {string[]} topics The topics of this subscription the reset covers.
 */

/**
 * @typedef {'idle'|'connecting'|'open'|'reconnecting'|'closed'} ConnectionState
 */

/**
 * @typedef {object} StateChange
 * @property {ConnectionState} state
 * @property {number} [attempt] Reconnect attempt number (reconnecting).
 * @property {number} [delayMs] Wait before the next attempt (reconnecting).
 * @property {number} [code] Close code of the socket that ended.
 * @property {string} [reason] Close reason.
 * @property {PulseError} [error] Why the stream stopped for good (closed), or why an attempt failed.
 */

/**
 * @typedef {object} PresenceChange
 * @property {string} topic
 * @property {string[]} users Everyone present now, sorted.
 * @property {string[]} joins
 * @property {string[]} leaves
 */

/**
 * @typedef {object} SubscribeOptions
 * @property {number} [since] Resume after this seq (the last one you processed).
 * @property {number} [epoch] The epoch `since` belongs to.
 * @property {(info: ResetInfo) => (void|Promise<void>)} [onReset] Pulse cannot continue
 *   without a gap: reload your state over HTTP. Awaited; the subscription then continues
 *   live from `info.seq`.
 * @property {(change: StateChange) => void} [onState] Connection state changes.
 * @property {(change: PresenceChange) => void} [onPresence] For `presence:` topics.
 * @property {(error: PulseError) => void} [onError] A protocol error for this subscription
 *   (e.g. `invalid_topic`), or an exception thrown by `onEvent`.
 */

/**
 * @typedef {object} Codec
 * @property {(value: unknown) => Uint8Array} encode
 * @property {(bytes: Uint8Array) => unknown} decode
 */

/**
 * @typedef {object} LiveOptions
 * @property {any} [WebSocket] A WebSocket class: the browser's (default) or the `ws` package's in Node.
 * @property {boolean} [webSocketHeaders] Whether the class takes `(url, protocols, { headers })`,
 *   as `ws` does. Defaults to true when a class other than the global one is given.
 * @property {'auto'|'header'|'ticket'|'cookie'} [auth] How the handshake authenticates.
 *   `header`: bearer token or session cookie in headers (needs `webSocketHeaders`);
 *   `ticket`: a single-use ticket from `POST /api/v1/stream/tickets` before every connection;
 *   `cookie`: the browser sends its own cookie. `auto` picks header when the class takes headers, else a
 *   ticket when the SDK holds the credential (a token, or Node's cookie jar), else cookie.
 * @property {string} [origin] `Origin` sent with a cookie handshake in Node (default: the base URL's origin).
 * @property {Codec} [codec] MessagePack `{ encode, decode }` (e.g. from `@msgpack/msgpack`): offers
 *   `pulse.v1.msgpack`, falls back to JSON if the server does not accept it.
 * @property {number} [pingIntervalMs] How often to send an application `ping` (default 20000).
 * @property {number} [pongTimeoutMs] How long to wait for any message after a ping before
 *   declaring the link dead and reconnecting (default 10000).
 * @property {number} [reconnectBaseMs] Backoff base (default 500).
 * @property {number} [reconnectMaxMs] Backoff cap (default 30000).
 */

/**
 * @typedef {object} TopicState
 * @property {string} name
 * @property {number|null} lastSeq The last seq processed (or the position the subscription started at).
 * @property {number|null} epoch
 * @property {boolean} fresh Subscribed without `since`: the first event has `prev: null`.
 * @property {'none'|'pending'|'subscribed'} server
 * @property {boolean} resetting An `onReset` is running; do not subscribe yet.
 * @property {Set<Subscription>} subs
 * @property {Set<string>|null} presence
 */

const FATAL_CLOSE = new Set([1002, 1003, 1009]);

/**
 * One caller's interest in some topics. Returned by `subscribe`.
 */
export class Subscription {
  /**
   * @param {LiveConnection} live
   * @param {string[]} topics
   * @param {(event: PulseEvent) => void} onEvent
   * @param {SubscribeOptions} options
   */
  constructor(live, topics, onEvent, options) {
    /** @private */
    this.live = live;
    /** @type {readonly string[]} */
    this.topics = Object.freeze([...topics]);
    /** @internal */
    this.onEvent = onEvent;
    /** @internal */
    this.options = options;
    /** @type {boolean} */
    this.closed = false;
    /** @private @type {(() => void)|null} */
    this.offState = options.onState ? live.onState(options.onState) : null;
    /** @private @type {Set<string>} */
    this.waiting = new Set(topics);
    /** @private @type {(value: void) => void} */
    this.resolveReady = () => {};
    /** @private @type {(error: PulseError) => void} */
    this.rejectReady = () => {};
    /**
     * Resolves once every topic has been subscribed on the server (after
     * its replay started, when `since` was given). Rejects if a topic is
     * refused (e.g. `invalid_topic`) or the stream stops for good first.
     * @type {Promise<void>}
     */
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // not awaiting it is fine
  }

  /** @internal @param {string} topic */
  markSubscribed(topic) {
    this.waiting.delete(topic);
    if (this.waiting.size === 0) this.resolveReady();
  }

  /** @internal @param {PulseError} error */
  markFailed(error) {
    this.rejectReady(error);
  }

  /**
   * The last processed position per topic: persist it to resume later
   * with `{ since: seq, epoch }`.
   * @returns {Record<string, { seq: number|null, epoch: number|null }>}
   */
  get positions() {
    /** @type {Record<string, { seq: number|null, epoch: number|null }>} */
    const out = {};
    for (const t of this.topics) {
      const s = this.live.topics.get(t);
      out[t] = { seq: s?.lastSeq ?? null, epoch: s?.epoch ?? null };
    }
    return out;
  }

  /** Everyone present, for a `presence:` topic (sorted user ids). @param {string} [topic] */
  presence(topic = this.topics[0]) {
    return [...(this.live.topics.get(topic)?.presence ?? [])].sort();
  }

  /** Stops receiving events; the server subscription ends when no one else uses the topic. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.offState?.();
    this.live.remove(this);
  }
}

/**
 * The shared live connection of a client. Created by `client.live`.
 */
export class LiveConnection {
  /**
   * @param {import('./client.js').PulseClient} client
   * @param {LiveOptions} [options]
   */
  constructor(client, options = {}) {
    /** @private */
    this.client = client;
    /** @private */
    this.WebSocket = options.WebSocket ?? /** @type {any} */ (globalThis).WebSocket;
    /** @private */
    this.webSocketHeaders = options.webSocketHeaders ??
      (!!options.WebSocket && options.WebSocket !== /** @type {any} */ (globalThis).WebSocket);
    /** @private */
    this.auth = options.auth ?? 'auto';
    /** @private */
    this.origin = options.origin ?? new URL(client.transport.baseUrl).origin;
    /** @private */
    this.codec = options.codec ?? null;
    /** @private */
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    /** @private */
    this.pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
    /** @private */
    this.reconnectBaseMs = options.reconnectBaseMs ?? 500;
    /** @private */
    this.reconnectMaxMs = options.reconnectMaxMs ?? 30_000;

    /** @type {ConnectionState} */
    this.state = 'idle';
    /** The stream's position from the last `welcome`. @type {{ epoch: number, seq: number, workspace: string, heartbeatSecs: number }|null} */
    this.welcome = null;
    /** Whether the current socket speaks MessagePack. */
    this.msgpack = false;
    /** @type {Map<string, TopicState>} */
    this.topics = new Map();

    /** @private @type {any} */
    this.socket = null;
    /** Requests awaiting their answer, in order. @private @type {{ kind: 'subscribe'|'unsubscribe', topic: string, since?: boolean }[]} */
    this.pending = [];
    /** @private */
    this.attempt = 0;
    /** @private @type {ReturnType<typeof setTimeout>|null} */
    this.reconnectTimer = null;
    /** @private @type {ReturnType<typeof setInterval>|null} */
    this.pingTimer = null;
    /** @private @type {ReturnType<typeof setTimeout>|null} */
    this.pongTimer = null;
    /** @private @type {Set<(change: StateChange) => void>} */
    this.stateListeners = new Set();
    /** @private */
    this.stopped = false;
    /** @private @type {Set<(msg: any) => void>} */
    this.messageListeners = new Set();
  }

  /**
   * Listens to connection state changes. Returns a function that stops listening.
   * @param {(change: StateChange) => void} fn
   * @returns {() => void}
   */
  onState(fn) {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /**
   * Every decoded server message, before the SDK handles it (for logging and tests).
   * @param {(msg: any) => void} fn
   * @returns {() => void}
   */
  onMessage(fn) {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  /**
   * Subscribes to topics. The connection opens on the first subscription.
   * @param {string|string[]} topics e.g. `'workspace'`, `['pipeline:<uuid>', 'presence:board-1']`
   * @param {(event: PulseEvent) => void} onEvent Called once per event, in seq order per topic.
   * @param {SubscribeOptions} [options]
   * @returns {Subscription}
   */
  subscribe(topics, onEvent, options = {}) {
    const list = [...new Set(Array.isArray(topics) ? topics : [topics])];
    if (list.length === 0) throw new TypeError('subscribe needs at least one topic');
    const sub = new Subscription(this, list, onEvent, options);
    for (const name of list) {
      let t = this.topics.get(name);
      if (!t) {
        t = {
          name,
          lastSeq: options.since ?? null,
          epoch: options.epoch ?? null,
          fresh: options.since == null,
          server: 'none',
          resetting: false,
          subs: new Set(),
          presence: null,
        };
        this.topics.set(name, t);
      }
      t.subs.add(sub);
      if (t.server === 'subscribed') sub.markSubscribed(name);
      if (t.presence && options.onPresence) {
        const users = [...t.presence].sort();
        queueMicrotask(() => options.onPresence?.({ topic: name, users, joins: users, leaves: [] }));
      }
      if (this.welcome && this.isOpen() && t.server === 'none' && !t.resetting) this.sendSubscribe(t);
    }
    this.stopped = false;
    if (this.state === 'idle' || this.state === 'closed') this.connect();
    return sub;
  }

  /** @internal @param {Subscription} sub */
  remove(sub) {
    for (const name of sub.topics) {
      const t = this.topics.get(name);
      if (!t) continue;
      t.subs.delete(sub);
      if (t.subs.size > 0) continue;
      this.topics.delete(name);
      if (t.server !== 'none' && this.isOpen()) {
        this.pending.push({ kind: 'unsubscribe', topic: name });
        this.send({ msg: 'unsubscribe', topics: [name] });
      }
    }
  }

  /** Closes the connection for good (until the next `subscribe`). */
  close() {
    this.stopped = true;
    this.attempt = 0;
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s) {
      this.detach(s);
      try { s.close(1000, 'client closing'); } catch { /* already closed */ }
    }
    for (const t of this.topics.values()) t.server = 'none';
    this.pending = [];
    this.setState({ state: 'closed' });
  }

  /**
   * Drops the current socket without a close handshake, as a network
   * failure would, and reconnects (after backoff) and resumes.
   */
  drop() {
    if (this.socket) this.abandon({ code: 4999, reason: 'dropped by the client' });
  }

  /** @private */
  isOpen() {
    return !!this.socket && this.socket.readyState === 1;
  }

  /** @private @param {StateChange} change */
  setState(change) {
    this.state = change.state;
    for (const fn of [...this.stateListeners]) {
      try { fn(change); } catch { /* a listener's problem */ }
    }
  }

  /** @private */
  clearTimers() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.reconnectTimer = this.pingTimer = this.pongTimer = null;
  }

  /** @private */
  streamUrl() {
    const u = new URL('/api/v1/stream', this.client.transport.baseUrl);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u;
  }

  /** @private @returns {'header'|'ticket'|'cookie'} */
  authMode() {
    if (this.auth !== 'auto') return this.auth;
    const tr = this.client.transport;
    const credential = !!(tr.token || tr.cookieHeader());
    if (this.webSocketHeaders && credential) return 'header';
    // A token, or a session kept in our own jar (Node with a WebSocket that
    // takes no headers): the socket cannot carry it, a ticket can.
    if (credential) return 'ticket';
    return 'cookie';
  }

  /** @private */
  async connect() {
    if (this.stopped) return;
    // A reconnect announced `reconnecting` when it was scheduled.
    if (this.attempt === 0) this.setState({ state: 'connecting' });
    if (!this.WebSocket) {
      this.fail(new PulseError({ status: 0, code: 'no_websocket', detail: 'no WebSocket implementation: pass options.WebSocket (e.g. the ws package)' }));
      return;
    }
    const url = this.streamUrl();
    /** @type {Record<string, string>} */
    const headers = {};
    const mode = this.authMode();
    const tr = this.client.transport;
    try {
      if (mode === 'ticket') {
        const { ticket } = await this.client.streamTickets.create();
        url.searchParams.set('ticket', ticket);
      } else if (mode === 'header') {
        if (tr.token) headers.authorization = `Bearer ${tr.token}`;
        else {
          const cookie = tr.cookieHeader();
          if (cookie) headers.cookie = cookie;
          headers.origin = this.origin;
        }
      }
    } catch (e) {
      const err = /** @type {PulseError} */ (e);
      if (err.status === 401 || err.status === 403) return this.fail(err);
      return this.scheduleReconnect({ error: err }, err.retryAfter);
    }
    if (this.stopped) return;

    const protocols = this.codec ? [MSGPACK_SUBPROTOCOL] : [];
    /** @type {any} */
    let ws;
    try {
      ws = this.webSocketHeaders
        ? new this.WebSocket(url.toString(), protocols, { headers })
        : new this.WebSocket(url.toString(), protocols);
    } catch (e) {
      return this.scheduleReconnect({ error: new PulseError({ status: 0, code: 'network_error', detail: String(/** @type {any} */ (e)?.message ?? e), cause: e }) }, null);
    }
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    this.pending = [];
    this.welcome = null;
    /** @type {number|null} */
    let handshakeStatus = null;

    ws.onopen = () => {
      this.msgpack = !!this.codec && ws.protocol === MSGPACK_SUBPROTOCOL;
    };
    ws.onerror = (/** @type {any} */ ev) => {
      const m = /Unexpected server response: (\d+)/.exec(ev?.message ?? ev?.error?.message ?? '');
      if (m) handshakeStatus = Number(m[1]);
    };
    ws.onclose = (/** @type {any} */ ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.onClosed(ev?.code ?? 1006, ev?.reason ?? '', handshakeStatus);
    };
    ws.onmessage = (/** @type {any} */ ev) => {
      if (this.socket !== ws) return;
      /** @type {any} */
      let msg;
      try {
        msg = this.decode(ev.data);
      } catch (e) {
        return this.report(null, new PulseError({ status: 0, code: 'bad_frame', detail: 'a frame from the server could not be decoded', cause: e }));
      }
      this.handle(msg);
    };
  }

  /** @private @param {any} data */
  decode(data) {
    if (typeof data === 'string') return JSON.parse(data);
    /** @type {Uint8Array} */
    let bytes;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else throw new TypeError('unsupported frame type');
    if (!this.codec) throw new TypeError('binary frame without a codec');
    return this.codec.decode(bytes);
  }

  /** @private @param {any} msg */
  send(msg) {
    if (!this.isOpen()) return;
    this.socket.send(this.msgpack && this.codec ? this.codec.encode(msg) : JSON.stringify(msg));
  }

  /** @private @param {TopicState} t */
  sendSubscribe(t) {
    /** @type {any} */
    const msg = { msg: 'subscribe', topics: [t.name] };
    if (t.lastSeq != null) {
      msg.since = t.lastSeq;
      if (t.epoch != null) msg.epoch = t.epoch;
    }
    // With `since`, the first event's prev is `since`; without, it is null.
    t.fresh = msg.since == null;
    t.server = 'pending';
    this.pending.push({ kind: 'subscribe', topic: t.name, since: msg.since != null });
    this.send(msg);
  }

  /**
   * Resubscribes a topic from its last processed seq (after a gap).
   * @private @param {TopicState} t
   */
  resubscribe(t) {
    this.pending.push({ kind: 'unsubscribe', topic: t.name });
    this.send({ msg: 'unsubscribe', topics: [t.name] });
    this.sendSubscribe(t);
  }

  /** @private */
  startHeartbeat() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.isOpen()) return;
      this.send({ msg: 'ping' });
      if (!this.pongTimer) {
        this.pongTimer = setTimeout(() => {
          this.pongTimer = null;
          this.abandon({ code: 4002, reason: 'no answer to ping: link presumed dead' });
        }, this.pongTimeoutMs);
      }
    }, this.pingIntervalMs);
  }

  /**
   * Forgets the current socket at once and reconnects.
   * @private @param {{ code: number, reason: string }} why
   */
  abandon(why) {
    const s = this.socket;
    if (!s) return;
    this.socket = null;
    this.detach(s);
    try {
      if (typeof s.terminate === 'function') s.terminate();
      else s.close(4000, 'abandoned');
    } catch { /* already gone */ }
    this.onClosed(why.code, why.reason, null);
  }

  /** @private @param {any} s */
  detach(s) {
    s.onopen = s.onmessage = s.onclose = null;
    s.onerror = () => {};
  }

  /**
   * @private
   * @param {number} code
   * @param {string} reason
   * @param {number|null} handshakeStatus
   */
  onClosed(code, reason, handshakeStatus) {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = null;
    this.pending = [];
    for (const t of this.topics.values()) {
      t.server = 'none';
      t.presence = null;
    }
    if (this.stopped) return;
    if (FATAL_CLOSE.has(code)) {
      return this.fail(new PulseError({ status: 0, code: 'protocol_error', detail: `the server closed the stream with ${code}: ${reason}` }), code, reason);
    }
    if (handshakeStatus === 401 || handshakeStatus === 403) {
      return this.fail(new PulseError({ status: handshakeStatus, code: 'handshake_refused', detail: `the stream handshake was refused with ${handshakeStatus}` }), code, reason);
    }
    this.scheduleReconnect({ code, reason }, handshakeStatus === 429 ? 5 : null);
  }

  /**
   * @private
   * @param {{ code?: number, reason?: string, error?: PulseError }} info
   * @param {number|null} retryAfter seconds the server asked to wait
   */
  scheduleReconnect(info, retryAfter) {
    if (this.stopped) return;
    this.attempt += 1;
    const cap = Math.min(this.reconnectMaxMs, this.reconnectBaseMs * 2 ** (this.attempt - 1));
    let delayMs = Math.random() * cap; // full jitter
    if (retryAfter != null) delayMs = Math.max(delayMs, retryAfter * 1000);
    this.setState({ state: 'reconnecting', attempt: this.attempt, delayMs, ...info });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
  }

  /**
   * Stops for good: a refused handshake, or a close that reconnecting cannot fix.
   * @private @param {PulseError} error @param {number} [code] @param {string} [reason]
   */
  fail(error, code, reason) {
    this.stopped = true;
    this.clearTimers();
    for (const t of this.topics.values()) for (const s of t.subs) s.markFailed(error);
    this.setState({ state: 'closed', error, code, reason });
  }

  /**
   * Reports an error to the subscriptions of a topic, or to all.
   * @private @param {TopicState|null} t @param {PulseError} error
   */
  report(t, error) {
    const subs = t ? [...t.subs] : [...new Set([...this.topics.values()].flatMap((x) => [...x.subs]))];
    for (const s of subs) {
      try { s.options.onError?.(error); } catch { /* ignore */ }
    }
  }

  /** @private @param {any} msg */
  handle(msg) {
    if (this.pongTimer) {
      clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
    for (const fn of this.messageListeners) {
      try { fn(msg); } catch { /* ignore */ }
    }
    switch (msg?.msg) {
      case 'welcome':
        return this.onWelcome(msg);
      case 'subscribed':
        return this.onSubscribed(msg);
      case 'unsubscribed':
        if (this.pending[0]?.kind === 'unsubscribe') this.pending.shift();
        return;
      case 'event':
        return this.onEvent(msg);
      case 'reset':
        return this.onReset(msg);
      case 'error':
        return this.onError(msg);
      case 'presence_state':
      case 'presence_diff':
        return this.onPresence(msg);
      case 'pong':
      default:
        return;
    }
  }

  /** @private @param {any} msg */
  onWelcome(msg) {
    this.welcome = { epoch: msg.epoch, seq: msg.seq, workspace: msg.workspace, heartbeatSecs: msg.heartbeat_secs };
    this.attempt = 0;
    this.setState({ state: 'open' });
    this.startHeartbeat();
    for (const t of this.topics.values()) {
      if (!t.resetting && t.server === 'none') this.sendSubscribe(t);
    }
  }

  /** @private @param {any} msg */
  onSubscribed(msg) {
    if (this.pending[0]?.kind === 'subscribe') this.pending.shift();
    for (const name of msg.topics ?? []) {
      const t = this.topics.get(name);
      if (!t) continue;
      t.server = 'subscribed';
      for (const s of t.subs) s.markSubscribed(name);
      if (t.lastSeq == null) {
        // Without `since`: remember where the subscription took effect, so
        // that a reconnect before the first event still resumes from here.
        t.lastSeq = msg.seq;
        t.epoch = msg.epoch;
        t.fresh = true;
      }
    }
  }

  /** @private @param {PulseEvent} ev */
  onEvent(ev) {
    const t = this.topics.get(ev.topic);
    if (!t || t.server !== 'subscribed') return; // from a subscription being replaced
    if (t.lastSeq != null && t.epoch === ev.epoch && ev.seq <= t.lastSeq) return; // duplicate
    const expected = t.fresh ? null : t.lastSeq;
    if ((ev.prev ?? null) !== expected) {
      // Continuity lost: ask again from the last processed seq.
      this.resubscribe(t);
      return;
    }
    t.fresh = false;
    for (const s of [...t.subs]) {
      if (s.closed) continue;
      try {
        s.onEvent(ev);
      } catch (e) {
        this.report(t, new PulseError({ status: 0, code: 'handler_error', detail: String(/** @type {any} */ (e)?.message ?? e), cause: e }));
      }
    }
    t.lastSeq = ev.seq;
    t.epoch = ev.epoch;
  }

  /** @private @param {any} msg */
  async onReset(msg) {
    /** @type {TopicState[]} */
    let covered;
    // A reset answers a pending subscribe with `since`; any other reset is
    // workspace-wide.
    if (this.pending[0]?.kind === 'subscribe' && this.pending[0].since) {
      const head = /** @type {{ topic: string }} */ (this.pending.shift());
      const t = this.topics.get(head.topic);
      covered = t ? [t] : [];
    } else {
      // A workspace-wide reset drops every subscription but presence.
      covered = [...this.topics.values()].filter((t) => !t.name.startsWith('presence:') && t.server === 'subscribed');
    }
    for (const t of covered) {
      t.server = 'none';
      t.lastSeq = msg.seq;
      t.epoch = msg.epoch;
      t.fresh = false;
      t.resetting = true;
    }
    /** @type {Map<Subscription, string[]>} */
    const bySub = new Map();
    for (const t of covered) {
      for (const s of t.subs) bySub.set(s, [...(bySub.get(s) ?? []), t.name]);
    }
    await Promise.allSettled([...bySub].map(async ([s, topics]) => {
      if (s.closed || !s.options.onReset) return;
      await s.options.onReset({ reason: msg.reason, epoch: msg.epoch, seq: msg.seq, topics });
    }));
    for (const t of covered) {
      t.resetting = false;
      if (this.topics.get(t.name) === t && t.server === 'none' && this.welcome && this.isOpen()) {
        this.sendSubscribe(t);
      }
    }
  }

  /** @private @param {{ code: string, detail: string }} msg */
  onError(msg) {
    const head = this.pending[0];
    const err = new PulseError({ status: 0, code: msg.code, detail: msg.detail });
    if (!head || msg.code === 'bad_message') return this.report(null, err);
    this.pending.shift();
    const t = this.topics.get(head.topic);
    if (!t || head.kind === 'unsubscribe') return;
    switch (msg.code) {
      case 'busy':
        t.server = 'none';
        setTimeout(() => {
          if (this.topics.get(t.name) === t && t.server === 'none' && this.isOpen()) this.sendSubscribe(t);
        }, 200 + Math.random() * 300);
        return;
      case 'already_subscribed':
        t.server = 'subscribed';
        for (const s of t.subs) s.markSubscribed(t.name);
        return;
      default:
        // invalid_topic, too_many_subscriptions: this topic cannot be had.
        t.server = 'none';
        this.report(t, err);
        for (const s of t.subs) s.markFailed(err);
        this.topics.delete(t.name);
    }
  }

  /** @private @param {any} msg */
  onPresence(msg) {
    const t = this.topics.get(msg.topic);
    if (!t) return;
    /** @type {string[]} */
    let joins;
    /** @type {string[]} */
    let leaves;
    if (msg.msg === 'presence_state') {
      const before = t.presence ?? new Set();
      t.presence = new Set(msg.users);
      joins = msg.users.filter((/** @type {string} */ u) => !before.has(u));
      leaves = [...before].filter((u) => !t.presence?.has(u));
    } else {
      t.presence = t.presence ?? new Set();
      for (const u of msg.joins) t.presence.add(u);
      for (const u of msg.leaves) t.presence.delete(u);
      joins = msg.joins;
      leaves = msg.leaves;
    }
    const change = { topic: t.name, users: [...t.presence].sort(), joins, leaves };
    for (const s of [...t.subs]) {
      try { s.options.onPresence?.(change); } catch { /* ignore */ }
    }
  }
}
