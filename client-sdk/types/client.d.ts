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
    /** Deals, stage moves, products, history, export and merges. @type {import('./resources.js').DealsResource} */
    deals: import("./resources.js").DealsResource;
    /** Leads: conversion, scores, engagement, needs attention, export. @type {import('./leads.js').LeadsResource} */
    leads: import("./leads.js").LeadsResource;
    /** Lead sources, built-in and custom. @type {import('./leads.js').LeadSourcesResource} */
    leadSources: import("./leads.js").LeadSourcesResource;
    /** Lead scoring weights. @type {import('./leads.js').LeadScoringResource} */
    leadScoring: import("./leads.js").LeadScoringResource;
    /** Which lead statuses nurture. @type {import('./leads.js').LeadNurtureResource} */
    leadNurture: import("./leads.js").LeadNurtureResource;
    /** Website form widgets, their public submission endpoint and script. @type {import('./leads.js').LeadWidgetsResource} */
    leadWidgets: import("./leads.js").LeadWidgetsResource;
    /** Contacts: 360 view, bulk operations, export, merges. @type {import('./records.js').ContactsResource} */
    contacts: import("./records.js").ContactsResource;
    /** Companies: 360 view, export, merges. @type {import('./records.js').CompaniesResource} */
    companies: import("./records.js").CompaniesResource;
    /** Activities and tasks: complete, reopen, my tasks, export. @type {import('./records.js').ActivitiesResource} */
    activities: import("./records.js").ActivitiesResource;
    /** Custom field definitions. @type {import('./records.js').CustomFieldsResource} */
    customFields: import("./records.js").CustomFieldsResource;
    /** Saved views of lists. @type {import('./records.js').ViewsResource} */
    views: import("./records.js").ViewsResource;
    /** Global search. @type {import('./records.js').SearchResource} */
    search: import("./records.js").SearchResource;
    /** Notifications, preferences and workspace settings. @type {import('./notifications.js').NotificationsResource} */
    notifications: import("./notifications.js").NotificationsResource;
    /** Nurture email templates. @type {import('./notifications.js').EmailTemplatesResource} */
    emailTemplates: import("./notifications.js").EmailTemplatesResource;
    /** The email outbox. @type {import('./notifications.js').OutboxResource} */
    outbox: import("./notifications.js").OutboxResource;
    /** Runs of the scheduled jobs. @type {import('./notifications.js').JobRunsResource} */
    jobRuns: import("./notifications.js").JobRunsResource;
    /** CSV imports. @type {import('./data.js').ImportsResource} */
    imports: import("./data.js").ImportsResource;
    /** The go-live checklist and duplicate groups. @type {import('./data.js').CleanupResource} */
    cleanup: import("./data.js").CleanupResource;
    /** Health, readiness, metrics, the OpenAPI document. @type {import('./system.js').SystemResource} */
    system: import("./system.js").SystemResource;
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
