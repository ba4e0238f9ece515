/** The subprotocol that switches the stream to MessagePack. */
export const MSGPACK_SUBPROTOCOL: "pulse.v1.msgpack";
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
    constructor(live: LiveConnection, topics: string[], onEvent: (event: PulseEvent) => void, options: SubscribeOptions);
    /** @private */
    private live;
    /** @type {readonly string[]} */
    topics: readonly string[];
    /** @internal */
    onEvent: (event: PulseEvent) => void;
    /** @internal */
    options: SubscribeOptions;
    /** @type {boolean} */
    closed: boolean;
    /** @private @type {(() => void)|null} */
    private offState;
    /** @private @type {Set<string>} */
    private waiting;
    /** @private @type {(value: void) => void} */
    private resolveReady;
    /** @private @type {(error: PulseError) => void} */
    private rejectReady;
    /**
     * Resolves once every topic has been subscribed on the server (after
     * its replay started, when `since` was given). Rejects if a topic is
     * refused (e.g. `invalid_topic`) or the stream stops for good first.
     * @type {Promise<void>}
     */
    ready: Promise<void>;
    /** @internal @param {string} topic */
    markSubscribed(topic: string): void;
    /** @internal @param {PulseError} error */
    markFailed(error: PulseError): void;
    /**
     * The last processed position per topic: persist it to resume later
     * with `{ since: seq, epoch }`.
     * @returns {Record<string, { seq: number|null, epoch: number|null }>}
     */
    get positions(): Record<string, {
        seq: number | null;
        epoch: number | null;
    }>;
    /** Everyone present, for a `presence:` topic (sorted user ids). @param {string} [topic] */
    presence(topic?: string): string[];
    /** Stops receiving events; the server subscription ends when no one else uses the topic. */
    close(): void;
}
/**
 * The shared live connection of a client. Created by `client.live`.
 */
export class LiveConnection {
    /**
     * @param {import('./client.js').PulseClient} client
     * @param {LiveOptions} [options]
     */
    constructor(client: import("./client.js").PulseClient, options?: LiveOptions);
    /** @private */
    private client;
    /** @private */
    private WebSocket;
    /** @private */
    private webSocketHeaders;
    /** @private */
    private auth;
    /** @private */
    private origin;
    /** @private */
    private codec;
    /** @private */
    private pingIntervalMs;
    /** @private */
    private pongTimeoutMs;
    /** @private */
    private reconnectBaseMs;
    /** @private */
    private reconnectMaxMs;
    /** @type {ConnectionState} */
    state: ConnectionState;
    /** The stream's position from the last `welcome`. @type {{ epoch: number, seq: number, workspace: string, heartbeatSecs: number }|null} */
    welcome: {
        epoch: number;
        seq: number;
        workspace: string;
        heartbeatSecs: number;
    } | null;
    /** Whether the current socket speaks MessagePack. */
    msgpack: boolean;
    /** @type {Map<string, TopicState>} */
    topics: Map<string, TopicState>;
    /** @private @type {any} */
    private socket;
    /** Requests awaiting their answer, in order. @private @type {{ kind: 'subscribe'|'unsubscribe', topic: string, since?: boolean }[]} */
    private pending;
    /** @private */
    private attempt;
    /** @private @type {ReturnType<typeof setTimeout>|null} */
    private reconnectTimer;
    /** @private @type {ReturnType<typeof setInterval>|null} */
    private pingTimer;
    /** @private @type {ReturnType<typeof setTimeout>|null} */
    private pongTimer;
    /** @private @type {Set<(change: StateChange) => void>} */
    private stateListeners;
    /** @private */
    private stopped;
    /** @private @type {Set<(msg: any) => void>} */
    private messageListeners;
    /**
     * Listens to connection state changes. Returns a function that stops listening.
     * @param {(change: StateChange) => void} fn
     * @returns {() => void}
     */
    onState(fn: (change: StateChange) => void): () => void;
    /**
     * Every decoded server message, before the SDK handles it (for logging and tests).
     * @param {(msg: any) => void} fn
     * @returns {() => void}
     */
    onMessage(fn: (msg: any) => void): () => void;
    /**
     * Subscribes to topics. The connection opens on the first subscription.
     * @param {string|string[]} topics e.g. `'workspace'`, `['pipeline:<uuid>', 'presence:board-1']`
     * @param {(event: PulseEvent) => void} onEvent Called once per event, in seq order per topic.
     * @param {SubscribeOptions} [options]
     * @returns {Subscription}
     */
    subscribe(topics: string | string[], onEvent: (event: PulseEvent) => void, options?: SubscribeOptions): Subscription;
    /** @internal @param {Subscription} sub */
    remove(sub: Subscription): void;
    /** Closes the connection for good (until the next `subscribe`). */
    close(): void;
    /**
     * Drops the current socket without a close handshake, as a network
     * failure would, and reconnects (after backoff) and resumes.
     */
    drop(): void;
    /** @private */
    private isOpen;
    /** @private @param {StateChange} change */
    private setState;
    /** @private */
    private clearTimers;
    /** @private */
    private streamUrl;
    /** @private @returns {'header'|'ticket'|'cookie'} */
    private authMode;
    /** @private */
    private connect;
    /** @private @param {any} data */
    private decode;
    /** @private @param {any} msg */
    private send;
    /** @private @param {TopicState} t */
    private sendSubscribe;
    /**
     * Resubscribes a topic from its last processed seq (after a gap).
     * @private @param {TopicState} t
     */
    private resubscribe;
    /** @private */
    private startHeartbeat;
    /**
     * Forgets the current socket at once and reconnects.
     * @private @param {{ code: number, reason: string }} why
     */
    private abandon;
    /** @private @param {any} s */
    private detach;
    /**
     * @private
     * @param {number} code
     * @param {string} reason
     * @param {number|null} handshakeStatus
     */
    private onClosed;
    /**
     * @private
     * @param {{ code?: number, reason?: string, error?: PulseError }} info
     * @param {number|null} retryAfter seconds the server asked to wait
     */
    private scheduleReconnect;
    /**
     * Stops for good: a refused handshake, or a close that reconnecting cannot fix.
     * @private @param {PulseError} error @param {number} [code] @param {string} [reason]
     */
    private fail;
    /**
     * Reports an error to the subscriptions of a topic, or to all.
     * @private @param {TopicState|null} t @param {PulseError} error
     */
    private report;
    /** @private @param {any} msg */
    private handle;
    /** @private @param {any} msg */
    private onWelcome;
    /** @private @param {any} msg */
    private onSubscribed;
    /** @private @param {PulseEvent} ev */
    private onEvent;
    /** @private @param {any} msg */
    private onReset;
    /** @private @param {{ code: string, detail: string }} msg */
    private onError;
    /** @private @param {any} msg */
    private onPresence;
}
/**
 * An event as delivered on a subscription.
 */
export type PulseEvent = {
    msg: "event";
    /**
     * The topic of the subscription that delivered it.
     */
    topic: string;
    /**
     * The seq sent before this one on that subscription.
     */
    prev: number | null;
    seq: number;
    epoch: number;
    /**
     * `noun.verb`, e.g. `member.updated`.
     */
    type: string;
    /**
     * RFC 3339.
     */
    at: string;
    actor: {
        type: "user" | "token";
        id: string;
    } | null;
    data: Record<string, any>;
};
export type ResetInfo = {
    /**
     * `too_old`, `unknown_position`, `epoch_changed`, `events_lost` or `replay_failed`.
     */
    reason: string;
    /**
     * The stream's current epoch.
     */
    epoch: number;
    /**
     * The stream's current seq: the subscription continues live from here.
     */
    seq: number;
    /**
     * The topics of this subscription the reset covers.
     */
    topics: string[];
};
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";
export type StateChange = {
    state: ConnectionState;
    /**
     * Reconnect attempt number (reconnecting).
     */
    attempt?: number | undefined;
    /**
     * Wait before the next attempt (reconnecting).
     */
    delayMs?: number | undefined;
    /**
     * Close code of the socket that ended.
     */
    code?: number | undefined;
    /**
     * Close reason.
     */
    reason?: string | undefined;
    /**
     * Why the stream stopped for good (closed), or why an attempt failed.
     */
    error?: PulseError | undefined;
};
export type PresenceChange = {
    topic: string;
    /**
     * Everyone present now, sorted.
     */
    users: string[];
    joins: string[];
    leaves: string[];
};
export type SubscribeOptions = {
    /**
     * Resume after this seq (the last one you processed).
     */
    since?: number | undefined;
    /**
     * The epoch `since` belongs to.
     */
    epoch?: number | undefined;
    /**
     * Pulse cannot continue
     * without a gap: reload your state over HTTP. Awaited; the subscription then continues
     * live from `info.seq`.
     */
    onReset?: ((info: ResetInfo) => (void | Promise<void>)) | undefined;
    /**
     * Connection state changes.
     */
    onState?: ((change: StateChange) => void) | undefined;
    /**
     * For `presence:` topics.
     */
    onPresence?: ((change: PresenceChange) => void) | undefined;
    /**
     * A protocol error for this subscription
     * (e.g. `invalid_topic`), or an exception thrown by `onEvent`.
     */
    onError?: ((error: PulseError) => void) | undefined;
};
export type Codec = {
    encode: (value: unknown) => Uint8Array;
    decode: (bytes: Uint8Array) => unknown;
};
export type LiveOptions = {
    /**
     * A WebSocket class: the browser's (default) or the `ws` package's in Node.
     */
    WebSocket?: any;
    /**
     * Whether the class takes `(url, protocols, { headers })`,
     * as `ws` does. Defaults to true when a class other than the global one is given.
     */
    webSocketHeaders?: boolean | undefined;
    /**
     * How the handshake authenticates.
     * `header`: bearer token or session cookie in headers (needs `webSocketHeaders`);
     * `ticket`: a single-use ticket from `POST /api/v1/stream/tickets` before every connection;
     * `cookie`: the browser sends its own cookie. `auto` picks header when the class takes headers, else a
     * ticket when the SDK holds the credential (a token, or Node's cookie jar), else cookie.
     */
    auth?: "cookie" | "auto" | "header" | "ticket" | undefined;
    /**
     * `Origin` sent with a cookie handshake in Node (default: the base URL's origin).
     */
    origin?: string | undefined;
    /**
     * MessagePack `{ encode, decode }` (e.g. from `@msgpack/msgpack`): offers
     * `pulse.v1.msgpack`, falls back to JSON if the server does not accept it.
     */
    codec?: Codec | undefined;
    /**
     * How often to send an application `ping` (default 20000).
     */
    pingIntervalMs?: number | undefined;
    /**
     * How long to wait for any message after a ping before
     * declaring the link dead and reconnecting (default 10000).
     */
    pongTimeoutMs?: number | undefined;
    /**
     * Backoff base (default 500).
     */
    reconnectBaseMs?: number | undefined;
    /**
     * Backoff cap (default 30000).
     */
    reconnectMaxMs?: number | undefined;
};
export type TopicState = {
    name: string;
    /**
     * The last seq processed (or the position the subscription started at).
     */
    lastSeq: number | null;
    epoch: number | null;
    /**
     * Subscribed without `since`: the first event has `prev: null`.
     */
    fresh: boolean;
    server: "none" | "pending" | "subscribed";
    /**
     * An `onReset` is running; do not subscribe yet.
     */
    resetting: boolean;
    subs: Set<Subscription>;
    presence: Set<string> | null;
};
import { PulseError } from './errors.js';
