// Notifications (the bell, preferences, workspace settings), email
// templates, the email outbox and scheduled job runs.

import { enc, pages } from './resources.js';

/**
 * @typedef {import('./resources.js').Requester} Requester
 * @typedef {import('./http.js').RequestOptions} RequestOptions
 * @typedef {import('./leads.js').LeadStatus} LeadStatus
 */

/**
 * A page of a cursor list: pass `next_cursor` as `cursor` for the next one.
 * @template T
 * @typedef {object} CursorPage
 * @property {T[]} items
 * @property {string|null} [next_cursor] `null` on the last page.
 */
/**
 * One notification, as the API and the `notifications` topic carry it.
 * @typedef {object} Notification
 * @property {string} id
 * @property {string} recipient_id
 * @property {string} kind The signal that raised it (`assignments`, `stale_deals`...) or `digest`.
 * @property {string} title
 * @property {string} body
 * @property {{ type: string, id: string }|null} [link] The record it is about.
 * @property {string|null} [actor_id] Who caused it; null for the scheduler.
 * @property {string|null} [read_at]
 * @property {string} created_at
 */
/**
 * What the bell shows.
 * @typedef {object} NotificationSummary
 * @property {number} unread
 * @property {Notification[]} latest Newest first, at most 20.
 */
/**
 * @typedef {'assignments'|'hot_leads'|'invitation_accepted'|'nurture'|'overdue_activities'|'stale_deals'|'stale_leads'} Signal
 */
/**
 * A member's channels for one signal.
 * @typedef {{ in_app: boolean, email: boolean }} Channels
 */
/**
 * The caller's channels for each signal.
 * @typedef {Record<Signal, Channels>} NotificationPreferences
 */
/**
 * Whether each signal is on in the workspace.
 * @typedef {Record<Signal, boolean>} NotificationSettings
 */
/**
 * A template for nurture emails. Placeholders are `{{name}}`
 * (`{{contact.first_name}}`...).
 * @typedef {object} EmailTemplate
 * @property {string} id
 * @property {string} name
 * @property {string} subject
 * @property {string} body
 * @property {string} content_type `text/html` when the body holds HTML tags, else `text/plain`.
 * @property {string[]} placeholders In order of appearance.
 * @property {string|null} [stage_id] Deals reaching this stage get it (when the stage's `auto_nurture` is on).
 * @property {LeadStatus|null} [lead_status] Leads reaching this status get it.
 * @property {string} created_at
 * @property {string} updated_at
 */
/**
 * @typedef {object} EmailTemplateInput
 * @property {string} [name] Unique in the workspace.
 * @property {string} [subject]
 * @property {string} [body]
 * @property {string|null} [stage_id]
 * @property {LeadStatus|null} [lead_status]
 */
/**
 * An email in the outbox.
 * @typedef {object} OutboxEmail
 * @property {string} id
 * @property {string} to
 * @property {string|null} [recipient_id]
 * @property {string} kind A signal, `digest` or `nurture`.
 * @property {string} subject
 * @property {string} body
 * @property {string} content_type
 * @property {'pending'|'sent'|'failed'} status
 * @property {number} attempts
 * @property {string|null} [last_error]
 * @property {string} next_attempt_at
 * @property {string|null} [sent_at]
 * @property {string} created_at
 */
/**
 * One run of a scheduled job.
 * @typedef {object} JobRun
 * @property {number} id
 * @property {string} job
 * @property {string} slot The scheduled time this run is for.
 * @property {number} attempt
 * @property {'running'|'succeeded'|'failed'} outcome
 * @property {Record<string, unknown>} counts What the run did.
 * @property {string|null} [error]
 * @property {string} started_at
 * @property {string|null} [finished_at]
 */

/**
 * `/api/v1/notifications`: the caller's notifications, the bell's summary,
 * marking read; `preferences` (the caller's channels) and `settings` (the
 * workspace's signals, owners).
 * @param {Requester} client
 */
export function notificationsResource(client) {
  return {
    /**
     * One page, newest first.
     * @param {{ unread?: boolean, limit?: number, cursor?: string }} [query]
     * @returns {Promise<CursorPage<Notification>>}
     */
    list: (query) => client.request('GET', '/api/v1/notifications', { query }),
    /** Every notification, following the cursor. @param {{ unread?: boolean, limit?: number }} [query] @returns {AsyncGenerator<Notification>} */
    all: (query = {}) => pages(client, '/api/v1/notifications', 'items', query),
    /** The unread count and the latest 20. @returns {Promise<NotificationSummary>} */
    summary: () => client.request('GET', '/api/v1/notifications/summary'),
    /** @param {string} id @returns {Promise<Notification>} */
    markRead: (id) => client.request('POST', `/api/v1/notifications/${enc(id)}/read`, {}),
    /** @returns {Promise<{ marked: number }>} How many went from unread to read. */
    markAllRead: () => client.request('POST', '/api/v1/notifications/read-all', {}),
    preferences: {
      /** @returns {Promise<NotificationPreferences>} */
      get: () => client.request('GET', '/api/v1/me/notification-preferences'),
      /**
       * Changes some signals' channels; absent ones stay.
       * @param {Partial<Record<Signal, Partial<Channels>>>} changes
       * @returns {Promise<NotificationPreferences>}
       */
      update: (changes) => client.request('PATCH', '/api/v1/me/notification-preferences', { body: changes }),
    },
    settings: {
      /** @returns {Promise<NotificationSettings>} */
      get: () => client.request('GET', '/api/v1/notification-settings'),
      /** Switches signals on or off for the workspace. @param {Partial<NotificationSettings>} changes @returns {Promise<NotificationSettings>} */
      update: (changes) => client.request('PATCH', '/api/v1/notification-settings', { body: changes }),
    },
  };
}

/** `/api/v1/email-templates`: nurture email templates. @param {Requester} client */
export function emailTemplatesResource(client) {
  return {
    /** By name. @returns {Promise<EmailTemplate[]>} */
    list: async () => (await client.request('GET', '/api/v1/email-templates')).templates,
    /**
     * @param {EmailTemplateInput & { name: string, subject: string, body: string }} body
     * @param {RequestOptions} [opts] @returns {Promise<EmailTemplate>}
     */
    create: (body, opts) => client.request('POST', '/api/v1/email-templates', { ...opts, body }),
    /** @param {string} id @param {EmailTemplateInput} changes @returns {Promise<EmailTemplate>} */
    update: (id, changes) => client.request('PATCH', `/api/v1/email-templates/${enc(id)}`, { body: changes }),
    /** @param {string} id @returns {Promise<void>} */
    remove: (id) => client.request('DELETE', `/api/v1/email-templates/${enc(id)}`),
  };
}

/** `GET /api/v1/outbox`: emails Pulse sent or will send (owners). @param {Requester} client */
export function outboxResource(client) {
  return {
    /**
     * One page, newest first.
     * @param {{ status?: 'pending'|'sent'|'failed', limit?: number, cursor?: string }} [query]
     * @returns {Promise<CursorPage<OutboxEmail>>}
     */
    list: (query) => client.request('GET', '/api/v1/outbox', { query }),
    /** @param {{ status?: 'pending'|'sent'|'failed', limit?: number }} [query] @returns {AsyncGenerator<OutboxEmail>} */
    all: (query = {}) => pages(client, '/api/v1/outbox', 'items', query),
  };
}

/** `GET /api/v1/jobs/runs`: runs of the scheduled jobs (owners). @param {Requester} client */
export function jobRunsResource(client) {
  return {
    /**
     * One page, newest first.
     * @param {{ job?: string, limit?: number, cursor?: string }} [query]
     * @returns {Promise<CursorPage<JobRun>>}
     */
    list: (query) => client.request('GET', '/api/v1/jobs/runs', { query }),
    /** @param {{ job?: string, limit?: number }} [query] @returns {AsyncGenerator<JobRun>} */
    all: (query = {}) => pages(client, '/api/v1/jobs/runs', 'items', query),
  };
}

/**
 * @typedef {ReturnType<typeof notificationsResource>} NotificationsResource
 * @typedef {ReturnType<typeof emailTemplatesResource>} EmailTemplatesResource
 * @typedef {ReturnType<typeof outboxResource>} OutboxResource
 * @typedef {ReturnType<typeof jobRunsResource>} JobRunsResource
 */
