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
export function notificationsResource(client: Requester): {
    /**
     * One page, newest first.
     * @param {{ unread?: boolean, limit?: number, cursor?: string }} [query]
     * @returns {Promise<CursorPage<Notification>>}
     */
    list: (query?: {
        unread?: boolean;
        limit?: number;
        cursor?: string;
    }) => Promise<CursorPage<Notification>>;
    /** Every notification, following the cursor. @param {{ unread?: boolean, limit?: number }} [query] @returns {AsyncGenerator<Notification>} */
    all: (query?: {
        unread?: boolean;
        limit?: number;
    }) => AsyncGenerator<Notification>;
    /** The unread count and the latest 20. @returns {Promise<NotificationSummary>} */
    summary: () => Promise<NotificationSummary>;
    /** @param {string} id @returns {Promise<Notification>} */
    markRead: (id: string) => Promise<Notification>;
    /** @returns {Promise<{ marked: number }>} How many went from unread to read. */
    markAllRead: () => Promise<{
        marked: number;
    }>;
    preferences: {
        /** @returns {Promise<NotificationPreferences>} */
        get: () => Promise<NotificationPreferences>;
        /**
         * Changes some signals' channels; absent ones stay.
         * @param {Partial<Record<Signal, Partial<Channels>>>} changes
         * @returns {Promise<NotificationPreferences>}
         */
        update: (changes: Partial<Record<Signal, Partial<Channels>>>) => Promise<NotificationPreferences>;
    };
    settings: {
        /** @returns {Promise<NotificationSettings>} */
        get: () => Promise<NotificationSettings>;
        /** Switches signals on or off for the workspace. @param {Partial<NotificationSettings>} changes @returns {Promise<NotificationSettings>} */
        update: (changes: Partial<NotificationSettings>) => Promise<NotificationSettings>;
    };
};
/** `/api/v1/email-templates`: nurture email templates. @param {Requester} client */
export function emailTemplatesResource(client: Requester): {
    /** By name. @returns {Promise<EmailTemplate[]>} */
    list: () => Promise<EmailTemplate[]>;
    /**
     * @param {EmailTemplateInput & { name: string, subject: string, body: string }} body
     * @param {RequestOptions} [opts] @returns {Promise<EmailTemplate>}
     */
    create: (body: EmailTemplateInput & {
        name: string;
        subject: string;
        body: string;
    }, opts?: RequestOptions) => Promise<EmailTemplate>;
    /** @param {string} id @param {EmailTemplateInput} changes @returns {Promise<EmailTemplate>} */
    update: (id: string, changes: EmailTemplateInput) => Promise<EmailTemplate>;
    /** @param {string} id @returns {Promise<void>} */
    remove: (id: string) => Promise<void>;
};
/** `GET /api/v1/outbox`: emails Pulse sent or will send (owners). @param {Requester} client */
export function outboxResource(client: Requester): {
    /**
     * One page, newest first.
     * @param {{ status?: 'pending'|'sent'|'failed', limit?: number, cursor?: string }} [query]
     * @returns {Promise<CursorPage<OutboxEmail>>}
     */
    list: (query?: {
        status?: "pending" | "sent" | "failed";
        limit?: number;
        cursor?: string;
    }) => Promise<CursorPage<OutboxEmail>>;
    /** @param {{ status?: 'pending'|'sent'|'failed', limit?: number }} [query] @returns {AsyncGenerator<OutboxEmail>} */
    all: (query?: {
        status?: "pending" | "sent" | "failed";
        limit?: number;
    }) => AsyncGenerator<OutboxEmail>;
};
/** `GET /api/v1/jobs/runs`: runs of the scheduled jobs (owners). @param {Requester} client */
export function jobRunsResource(client: Requester): {
    /**
     * One page, newest first.
     * @param {{ job?: string, limit?: number, cursor?: string }} [query]
     * @returns {Promise<CursorPage<JobRun>>}
     */
    list: (query?: {
        job?: string;
        limit?: number;
        cursor?: string;
    }) => Promise<CursorPage<JobRun>>;
    /** @param {{ job?: string, limit?: number }} [query] @returns {AsyncGenerator<JobRun>} */
    all: (query?: {
        job?: string;
        limit?: number;
    }) => AsyncGenerator<JobRun>;
};
export type Requester = import("./resources.js").Requester;
export type RequestOptions = import("./http.js").RequestOptions;
export type LeadStatus = import("./leads.js").LeadStatus;
/**
 * A page of a cursor list: pass `next_cursor` as `cursor` for the next one.
 */
export type CursorPage<T> = {
    items: T[];
    /**
     * `null` on the last page.
     */
    next_cursor?: string | null | undefined;
};
/**
 * One notification, as the API and the `notifications` topic carry it.
 */
export type Notification = {
    id: string;
    recipient_id: string;
    /**
     * The signal that raised it (`assignments`, `stale_deals`...) or `digest`.
     */
    kind: string;
    title: string;
    body: string;
    /**
     * The record it is about.
     */
    link?: {
        type: string;
        id: string;
    } | null | undefined;
    /**
     * Who caused it; null for the scheduler.
     */
    actor_id?: string | null | undefined;
    read_at?: string | null | undefined;
    created_at: string;
};
/**
 * What the bell shows.
 */
export type NotificationSummary = {
    unread: number;
    /**
     * Newest first, at most 20.
     */
    latest: Notification[];
};
export type Signal = "assignments" | "hot_leads" | "invitation_accepted" | "nurture" | "overdue_activities" | "stale_deals" | "stale_leads";
/**
 * A member's channels for one signal.
 */
export type Channels = {
    in_app: boolean;
    email: boolean;
};
/**
 * The caller's channels for each signal.
 */
export type NotificationPreferences = Record<Signal, Channels>;
/**
 * Whether each signal is on in the workspace.
 */
export type NotificationSettings = Record<Signal, boolean>;
/**
 * A template for nurture emails. Placeholders are `{{name}}`
 * (`{{contact.first_name}}`...).
 */
export type EmailTemplate = {
    id: string;
    name: string;
    subject: string;
    body: string;
    /**
     * `text/html` when the body holds HTML tags, else `text/plain`.
     */
    content_type: string;
    /**
     * In order of appearance.
     */
    placeholders: string[];
    /**
     * Deals reaching this stage get it (when the stage's `auto_nurture` is on).
     */
    stage_id?: string | null | undefined;
    /**
     * Leads reaching this status get it.
     */
    lead_status?: import("./leads.js").LeadStatus | null | undefined;
    created_at: string;
    updated_at: string;
};
export type EmailTemplateInput = {
    /**
     * Unique in the workspace.
     */
    name?: string | undefined;
    subject?: string | undefined;
    body?: string | undefined;
    stage_id?: string | null | undefined;
    lead_status?: import("./leads.js").LeadStatus | null | undefined;
};
/**
 * An email in the outbox.
 */
export type OutboxEmail = {
    id: string;
    to: string;
    recipient_id?: string | null | undefined;
    /**
     * A signal, `digest` or `nurture`.
     */
    kind: string;
    subject: string;
    body: string;
    content_type: string;
    status: "pending" | "sent" | "failed";
    attempts: number;
    last_error?: string | null | undefined;
    next_attempt_at: string;
    sent_at?: string | null | undefined;
    created_at: string;
};
/**
 * One run of a scheduled job.
 */
export type JobRun = {
    id: number;
    job: string;
    /**
     * The scheduled time this run is for.
     */
    slot: string;
    attempt: number;
    outcome: "running" | "succeeded" | "failed";
    /**
     * What the run did.
     */
    counts: Record<string, unknown>;
    error?: string | null | undefined;
    started_at: string;
    finished_at?: string | null | undefined;
};
export type NotificationsResource = ReturnType<typeof notificationsResource>;
export type EmailTemplatesResource = ReturnType<typeof emailTemplatesResource>;
export type OutboxResource = ReturnType<typeof outboxResource>;
export type JobRunsResource = ReturnType<typeof jobRunsResource>;
