// PulseClient: the REST resources and the live stream of one Pulse server.

import { Transport } from './http.js';
import { LiveConnection } from './live.js';
import {
  authResource,
  meResource,
  workspacesResource,
  workspaceResource,
  membersResource,
  invitationsResource,
  tokensResource,
  auditResource,
  streamTicketsResource,
  pipelinesResource,
  stagesResource,
  dealsResource,
} from './resources.js';
import { leadsResource, leadSourcesResource, leadScoringResource, leadNurtureResource, leadWidgetsResource } from './leads.js';
import {
  contactsResource,
  companiesResource,
  activitiesResource,
  customFieldsResource,
  viewsResource,
  searchResource,
} from './records.js';
import { notificationsResource, emailTemplatesResource, outboxResource, jobRunsResource } from './notifications.js';
import { importsResource, cleanupResource } from './data.js';
import { systemResource } from './system.js';

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
  constructor(options) {
    /** The HTTP layer: credentials, CSRF token, retries. */
    this.transport = new Transport(options);
    /** @private */
    this.liveOptions = {
      WebSocket: options.WebSocket,
      webSocketHeaders: options.webSocketHeaders,
      auth: options.auth,
      origin: options.origin,
      codec: options.codec,
      pingIntervalMs: options.pingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs,
      reconnectBaseMs: options.reconnectBaseMs,
      reconnectMaxMs: options.reconnectMaxMs,
      ...options.live,
    };
    /** @private @type {LiveConnection|null} */
    this.liveConnection = null;

    /** Sign-up, login, logout. @type {import('./resources.js').AuthResource} */
    this.auth = authResource(this);
    /** The signed-in person (`/api/v1/me`). @type {import('./resources.js').MeResource} */
    this.me = meResource(this);
    /** The person's workspaces and switching the active one. @type {import('./resources.js').WorkspacesResource} */
    this.workspaces = workspacesResource(this);
    /** The active workspace's settings (ETag / If-Match). @type {import('./resources.js').WorkspaceResource} */
    this.workspace = workspaceResource(this);
    /** Team members of the active workspace. @type {import('./resources.js').MembersResource} */
    this.members = membersResource(this);
    /** Invitations to the active workspace. @type {import('./resources.js').InvitationsResource} */
    this.invitations = invitationsResource(this);
    /** API tokens (owners, signed in as people). @type {import('./resources.js').TokensResource} */
    this.tokens = tokensResource(this);
    /** The audit log. @type {import('./resources.js').AuditResource} */
    this.audit = auditResource(this);
    /** Single-use tickets for the stream handshake. @type {import('./resources.js').StreamTicketsResource} */
    this.streamTickets = streamTicketsResource(this);
    /** Pipelines and their boards. @type {import('./resources.js').PipelinesResource} */
    this.pipelines = pipelinesResource(this);
    /** Stages of a pipeline. @type {import('./resources.js').StagesResource} */
    this.stages = stagesResource(this);
    /** Deals, stage moves, products, history, export and merges. @type {import('./resources.js').DealsResource} */
    this.deals = dealsResource(this);
    /** Leads: conversion, scores, engagement, needs attention, export. @type {import('./leads.js').LeadsResource} */
    this.leads = leadsResource(this);
    /** Lead sources, built-in and custom. @type {import('./leads.js').LeadSourcesResource} */
    this.leadSources = leadSourcesResource(this);
    /** Lead scoring weights. @type {import('./leads.js').LeadScoringResource} */
    this.leadScoring = leadScoringResource(this);
    /** Which lead statuses nurture. @type {import('./leads.js').LeadNurtureResource} */
    this.leadNurture = leadNurtureResource(this);
    /** Website form widgets, their public submission endpoint and script. @type {import('./leads.js').LeadWidgetsResource} */
    this.leadWidgets = leadWidgetsResource(this);
    /** Contacts: 360 view, bulk operations, export, merges. @type {import('./records.js').ContactsResource} */
    this.contacts = contactsResource(this);
    /** Companies: 360 view, export, merges. @type {import('./records.js').CompaniesResource} */
    this.companies = companiesResource(this);
    /** Activities and tasks: complete, reopen, my tasks, export. @type {import('./records.js').ActivitiesResource} */
    this.activities = activitiesResource(this);
    /** Custom field definitions. @type {import('./records.js').CustomFieldsResource} */
    this.customFields = customFieldsResource(this);
    /** Saved views of lists. @type {import('./records.js').ViewsResource} */
    this.views = viewsResource(this);
    /** Global search. @type {import('./records.js').SearchResource} */
    this.search = searchResource(this);
    /** Notifications, preferences and workspace settings. @type {import('./notifications.js').NotificationsResource} */
    this.notifications = notificationsResource(this);
    /** Nurture email templates. @type {import('./notifications.js').EmailTemplatesResource} */
    this.emailTemplates = emailTemplatesResource(this);
    /** The email outbox. @type {import('./notifications.js').OutboxResource} */
    this.outbox = outboxResource(this);
    /** Runs of the scheduled jobs. @type {import('./notifications.js').JobRunsResource} */
    this.jobRuns = jobRunsResource(this);
    /** CSV imports. @type {import('./data.js').ImportsResource} */
    this.imports = importsResource(this);
    /** The go-live checklist and duplicate groups. @type {import('./data.js').CleanupResource} */
    this.cleanup = cleanupResource(this);
    /** Health, readiness, metrics, the OpenAPI document. @type {import('./system.js').SystemResource} */
    this.system = systemResource(this);
  }

  /**
   * The one generic request every resource is built on.
   * @param {string} method `GET`, `POST`, `PATCH`, `DELETE`...
   * @param {string} path e.g. `/api/v1/members`
   * @param {import('./http.js').RequestOptions} [options] query, body, idempotencyKey, ifMatch, headers, signal, raw
   * @returns {Promise<any>} the parsed JSON body (or a PulseResponse with `raw: true`)
   * @throws {import('./errors.js').PulseError}
   */
  request(method, path, options) {
    return this.transport.request(method, path, options);
  }

  /** The CSRF token of the session, once known (login, signup, me). */
  get csrfToken() {
    return this.transport.csrfToken;
  }

  /** The shared live connection (created on first use). */
  get live() {
    if (!this.liveConnection) this.liveConnection = new LiveConnection(this, this.liveOptions);
    return this.liveConnection;
  }

  /**
   * Subscribes to live events. See {@link LiveConnection#subscribe}.
   * @param {string|string[]} topics
   * @param {(event: import('./live.js').PulseEvent) => void} onEvent
   * @param {import('./live.js').SubscribeOptions} [options]
   */
  subscribe(topics, onEvent, options) {
    return this.live.subscribe(topics, onEvent, options);
  }

  /**
   * Who is looking at something: subscribes to `presence:<name>`.
   * @param {string} name 1 to 100 of `A-Z a-z 0-9 - _ :`
   * @param {(change: import('./live.js').PresenceChange) => void} onChange
   * @param {Omit<import('./live.js').SubscribeOptions, 'onPresence'>} [options]
   */
  presence(name, onChange, options = {}) {
    return this.live.subscribe(`presence:${name}`, () => {}, { ...options, onPresence: onChange });
  }

  /** Closes the live connection, if any. */
  close() {
    this.liveConnection?.close();
  }
}
