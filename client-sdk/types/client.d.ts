/**
 * @typedef {import('./http.js').TransportOptions & import('./live.js').LiveOptions & {
 *   live?: import('./live.js').LiveOptions,
 * }} ClientOptions
 * Transport options (baseUrl, token, fetch, credentials, cookieJar, csrfToken, retry,
 * headers) and live options (WebSocket, codec, auth, origin, ping and reconnect timings),
 * either at the top level or under `live`.
 */
/**
 * A client for one Pulse server.
 *
 * ```js
 * const pulse = new PulseClient({ baseUrl: 'https://pulse.example.com', token: process.env.PULSE_TOKEN });
 * ```
 */
export class PulseClient {
    /** @param {ClientOptions} options */
    constructor(options: ClientOptions);
    /** The HTTP layer: credentials, CSRF token, retries. */
    transport: Transport;
    /** @private */
    private liveOptions;
    /** @private @type {LiveConnection|null} */
    private liveConnection;
    /** Sign-up, login, logout. @type {import('./resources.js').AuthResource} */
    auth: import("./resources.js").AuthResource;
    /** The signed-in person (`/api/v1/me`). @type {import('./resources.js').MeResource} */
    me: import("./resources.js").MeResource;
    /** The person's workspaces and switching the active one. @type {import('./resources.js').WorkspacesResource} */
    workspaces: import("./resources.js").WorkspacesResource;
    /** The active workspace's settings (ETag / If-Match). @type {import('./resources.js').WorkspaceResource} */
    workspace: import("./resources.js").WorkspaceResource;
    /** Team members of the active workspace. @type {import('./resources.js').MembersResource} */
    members: import("./resources.js").MembersResource;
    /** Invitations to the active workspace. @type {import('./resources.js').InvitationsResource} */
    invitations: import("./resources.js").InvitationsResource;
    /** API tokens (owners, signed in as people). @type {import('./resources.js').TokensResource} */
    tokens: import("./resources.js").TokensResource;
    /** The audit log. @type {import('./resources.js').AuditResource} */
    audit: import("./resources.js").AuditResource;
    /** Single-use tickets for the stream handshake. @type {import('./resources.js').StreamTicketsResource} */
    streamTickets: import("./resources.js").StreamTicketsResource;
    /** Pipelines and their boards. @type {import('./resources.js').PipelinesResource} */
    pipelines: import("./resources.js").PipelinesResource;
    /** Stages of a pipeline. @type {import('./resources.js').StagesResource} */
    stages: import("./resources.js").StagesResource;
    /** Deals, stage moves, products and history. @type {import('./resources.js').DealsResource} */
    deals: import("./resources.js").DealsResource;
    /**
     * The one generic request every resource is built on.
     * @param {string} method `GET`, `POST`, `PATCH`, `DELETE`...
     * @param {string} path e.g. `/api/v1/members`
     * @param {import('./http.js').RequestOptions} [options] query, body, idempotencyKey, ifMatch, headers, signal, raw
     * @returns {Promise<any>} the parsed JSON body (or a PulseResponse with `raw: true`)
     * @throws {import('./errors.js').PulseError}
     */
    request(method: string, path: string, options?: import("./http.js").RequestOptions): Promise<any>;
    /** The CSRF token of the session, once known (login, signup, me). */
    get csrfToken(): string | null;
    /** The shared live connection (created on first use). */
    get live(): LiveConnection;
    /**
     * Subscribes to live events. See {@link LiveConnection#subscribe}.
     * @param {string|string[]} topics
     * @param {(event: import('./live.js').PulseEvent) => void} onEvent
     * @param {import('./live.js').SubscribeOptions} [options]
     */
    subscribe(topics: string | string[], onEvent: (event: import("./live.js").PulseEvent) => void, options?: import("./live.js").SubscribeOptions): import("./live.js").Subscription;
    /**
     * Who is looking at something: subscribes to `presence:<name>`.
     * @param {string} name 1 to 100 of `A-Z a-z 0-9 - _ :`
     * @param {(change: import('./live.js').PresenceChange) => void} onChange
     * @param {Omit<import('./live.js').SubscribeOptions, 'onPresence'>} [options]
     */
    presence(name: string, onChange: (change: import("./live.js").PresenceChange) => void, options?: Omit<import("./live.js").SubscribeOptions, "onPresence">): import("./live.js").Subscription;
    /** Closes the live connection, if any. */
    close(): void;
}
/**
 * Transport options (baseUrl, token, fetch, credentials, cookieJar, csrfToken, retry,
 * headers) and live options (WebSocket, codec, auth, origin, ping and reconnect timings),
 * either at the top level or under `live`.
 */
export type ClientOptions = import("./http.js").TransportOptions & import("./live.js").LiveOptions & {
    live?: import("./live.js").LiveOptions;
};
import { Transport } from './http.js';
import { LiveConnection } from './live.js';
