/**
 * @typedef {import('./resources.js').Requester} Requester
 * @typedef {import('./http.js').RequestOptions} RequestOptions
 */
/**
 * @typedef {'new'|'contacted'|'qualified'|'unqualified'|'converted'} LeadStatus
 */
/**
 * Hot (70-100), warm (40-69) or cold (0-39), by score.
 * @typedef {'hot'|'warm'|'cold'} Band
 */
/**
 * What a conversion created or linked.
 * @typedef {object} Conversion
 * @property {string} contact_id
 * @property {string|null} [company_id]
 * @property {string} deal_id
 * @property {string} at
 */
/**
 * Engagement counted for scoring.
 * @typedef {object} Engagement
 * @property {number} [activities]
 * @property {number} [emails_opened]
 * @property {number} [emails_clicked]
 * @property {number} [meetings]
 */
/**
 * A lead as the API returns it.
 * @typedef {object} Lead
 * @property {string} id
 * @property {string} name `first_name last_name`, or the email.
 * @property {string} first_name
 * @property {string} last_name
 * @property {string|null} [email]
 * @property {string|null} [phone]
 * @property {string|null} [company_name]
 * @property {string|null} [company_size]
 * @property {string|null} [job_title]
 * @property {string} source A built-in source or a custom one's slug.
 * @property {LeadStatus} status
 * @property {number} score 0-100.
 * @property {Band} band
 * @property {boolean} stale Overdue next action or no update in 7 days.
 * @property {boolean} overdue
 * @property {number|null} [estimated_value] Minor units of the workspace's currency.
 * @property {string|null} [external_id]
 * @property {string|null} [owner_id]
 * @property {string|null} [next_action]
 * @property {string|null} [next_action_date]
 * @property {string|null} [notes]
 * @property {string[]} tags
 * @property {Record<string, unknown>} custom_fields
 * @property {Engagement} engagement
 * @property {Conversion|null} [converted] Set once the lead is converted.
 * @property {string|null} [last_activity_at]
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string|null} [deleted_at]
 * @property {number} version Bumped by every change; also the ETag. Pass as `ifMatch`.
 */
/**
 * @typedef {object} LeadListResponse
 * @property {Lead[]} leads
 * @property {number} total How many leads match the filters.
 * @property {number} offset
 * @property {number} limit
 */
/**
 * Filters, sort and window of the lead list (and its export).
 * @typedef {object} LeadQuery
 * @property {string} [q] Text in the name, email or company.
 * @property {LeadStatus} [status]
 * @property {string} [source]
 * @property {string} [owner_id]
 * @property {boolean} [stale]
 * @property {Band} [band]
 * @property {string} [tag]
 * @property {string} [created_from] `YYYY-MM-DD`.
 * @property {string} [created_to] `YYYY-MM-DD`.
 * @property {boolean} [needs_attention] Only stale or overdue leads.
 * @property {string} [sort]
 * @property {'asc'|'desc'} [order]
 * @property {number} [offset]
 * @property {number} [limit] 1 to 200.
 */
/**
 * A new lead. A name or an email is required.
 * @typedef {object} CreateLead
 * @property {string} [first_name]
 * @property {string} [last_name]
 * @property {string|null} [email]
 * @property {string|null} [phone]
 * @property {string|null} [company_name]
 * @property {string|null} [company_size] `1-10`, `11-50`, `51-200`, `201-500`, `501-1000`, `1001-5000` or `5000+`.
 * @property {string|null} [job_title]
 * @property {string|null} [source] Default `other`.
 * @property {number|null} [estimated_value]
 * @property {string|null} [external_id] Sending it again returns the lead created the first time.
 * @property {string|null} [owner_id]
 * @property {string|null} [next_action]
 * @property {string|null} [next_action_date]
 * @property {string|null} [notes]
 * @property {string[]} [tags]
 * @property {Record<string, unknown>} [custom_fields]
 */
/**
 * Fields to change; `null` clears a clearable field. `status`: new ->
 * contacted -> qualified -> unqualified, unqualified -> contacted;
 * `converted` only through {@link LeadsResource.convert}.
 * @typedef {Omit<CreateLead, 'external_id'|'source'> & { source?: string, status?: LeadStatus }} UpdateLead
 */
/**
 * @typedef {object} ConvertLead
 * @property {string|null} [deal_title] The company's (or the lead's) name by default.
 * @property {string|null} [pipeline_id] The first active pipeline by default.
 * @property {string|null} [stage_id] The pipeline's first open stage by default.
 */
/**
 * @typedef {object} ScoreEntry
 * @property {number} score
 * @property {string} reason
 * @property {Record<string, unknown>} factors Points per factor, and the decay (negative).
 * @property {string} at
 */
/**
 * A lead source: built-in or the workspace's own.
 * @typedef {object} LeadSource
 * @property {string} slug
 * @property {string} label
 * @property {boolean} built_in Built-in sources cannot be archived or changed.
 * @property {boolean} archived
 */
/**
 * A workspace's scoring weights.
 * @typedef {object} ScoringWeights
 * @property {number} [source]
 * @property {number} [company_size]
 * @property {number} [title]
 * @property {number} [value]
 * @property {number} [completeness]
 * @property {number} [engagement]
 * @property {number} [decay_per_day]
 * @property {number} [decay_grace_days]
 */
/**
 * Whether leads reaching each status get the status's nurture email.
 * @typedef {Record<LeadStatus, boolean>} LeadNurtureSettings
 */
/**
 * A website form widget (its key is shown only on create and rotate).
 * @typedef {object} Widget
 * @property {string} id
 * @property {string} name
 * @property {string[]} allowed_origins
 * @property {string} default_source
 * @property {string|null} [default_owner_id]
 * @property {string} key_prefix
 * @property {Record<string, number>} submissions Last 30 days, by outcome.
 * @property {string} created_at
 * @property {string|null} [rotated_at]
 * @property {string|null} [revoked_at]
 */
/**
 * @typedef {object} WidgetWithKey
 * @property {Widget} widget
 * @property {string} key The public key, shown this once.
 * @property {string} snippet The embed snippet to paste into the site.
 */
/**
 * @typedef {object} CreateWidget
 * @property {string} name
 * @property {string[]} allowed_origins `https://example.com` (scheme, host and port), 1 to 20.
 * @property {string|null} [default_source] Default `website`.
 * @property {string|null} [default_owner_id]
 */
/**
 * A submission of a widget's form.
 * @typedef {object} WidgetSubmission
 * @property {string} email
 * @property {string} [first_name]
 * @property {string} [last_name]
 * @property {string|null} [phone]
 * @property {string|null} [company_name]
 * @property {string|null} [job_title]
 * @property {string|null} [message]
 * @property {string|null} [website] The honeypot: leave empty.
 */
/**
 * `/api/v1/leads`: the collection (offset pages), conversion, score
 * history, engagement, the "needs attention" list and the CSV export.
 * `update` takes `{ ifMatch: lead.version }`.
 * @param {Requester} client
 */
export function leadsResource(client: Requester): {
    /** One page of leads. @param {LeadQuery} [query] @param {RequestOptions} [opts] @returns {Promise<LeadListResponse>} */
    list: (query?: LeadQuery, opts?: RequestOptions) => Promise<LeadListResponse>;
    /** Every lead the filters select, page by page. @param {LeadQuery} [query] @returns {AsyncGenerator<Lead>} */
    all: (query?: LeadQuery) => AsyncGenerator<Lead>;
    get: (id: string, opts?: import("./resources.js").RequestOptions) => Promise<Lead>;
    /**
     * Creates a lead (scored at once). With `external_id`, sending the same
     * lead again returns the first one.
     * @param {CreateLead} body @param {RequestOptions} [opts] @returns {Promise<Lead>}
     */
    create: (body: CreateLead, opts?: RequestOptions) => Promise<Lead>;
    /** @param {string} id @param {UpdateLead} changes @param {RequestOptions} [opts] @returns {Promise<Lead>} */
    update: (id: string, changes: UpdateLead, opts?: RequestOptions) => Promise<Lead>;
    remove: (id: string, opts?: import("./resources.js").RequestOptions) => Promise<void>;
    /**
     * Converts a lead: creates (or links) its contact and company and
     * opens a deal. The answer is the lead, with `converted` set.
     * @param {string} id @param {ConvertLead} [body] @param {RequestOptions} [opts] @returns {Promise<Lead>}
     */
    convert: (id: string, body?: ConvertLead, opts?: RequestOptions) => Promise<Lead>;
    /** Score history, newest first. @param {string} id @returns {Promise<ScoreEntry[]>} */
    scores: (id: string) => Promise<ScoreEntry[]>;
    /**
     * Adds engagement an integration observed (email opens and clicks,
     * meetings); the score follows.
     * @param {string} id @param {{ emails_opened?: number, emails_clicked?: number, meetings?: number }} body
     * @param {RequestOptions} [opts] @returns {Promise<Lead>}
     */
    recordEngagement: (id: string, body: {
        emails_opened?: number;
        emails_clicked?: number;
        meetings?: number;
    }, opts?: RequestOptions) => Promise<Lead>;
    /**
     * The "needs attention" list: stale or overdue leads.
     * @param {Omit<LeadQuery, 'needs_attention'>} [query] @returns {Promise<LeadListResponse>}
     */
    needsAttention: (query?: Omit<LeadQuery, "needs_attention">) => Promise<LeadListResponse>;
    /** The leads the filters select, as CSV (owners and managers). @param {LeadQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query?: LeadQuery, opts?: RequestOptions) => Promise<Response>;
};
/** `/api/v1/lead-sources`: built-in and custom sources. @param {Requester} client */
export function leadSourcesResource(client: Requester): {
    /** Built-in sources first, archived ones included. @returns {Promise<LeadSource[]>} */
    list: () => Promise<LeadSource[]>;
    /**
     * @param {{ slug: string, label: string }} body `slug`: lowercase letters, digits, `-` and `_`.
     * @param {RequestOptions} [opts] @returns {Promise<LeadSource>}
     */
    create: (body: {
        slug: string;
        label: string;
    }, opts?: RequestOptions) => Promise<LeadSource>;
    /**
     * Relabels or archives a custom source (archived ones take no new leads).
     * @param {string} slug @param {{ label?: string, archived?: boolean }} changes @returns {Promise<LeadSource>}
     */
    update: (slug: string, changes: {
        label?: string;
        archived?: boolean;
    }) => Promise<LeadSource>;
};
/** `/api/v1/lead-scoring`: the workspace's scoring weights. @param {Requester} client */
export function leadScoringResource(client: Requester): {
    /** @returns {Promise<ScoringWeights>} */
    get: () => Promise<ScoringWeights>;
    /** Replaces the weights; every lead is rescored. @param {ScoringWeights} weights @returns {Promise<ScoringWeights>} */
    set: (weights: ScoringWeights) => Promise<ScoringWeights>;
};
/** `/api/v1/lead-nurture`: which lead statuses nurture. @param {Requester} client */
export function leadNurtureResource(client: Requester): {
    /** @returns {Promise<LeadNurtureSettings>} */
    get: () => Promise<LeadNurtureSettings>;
    /** Switches some statuses; absent ones stay. @param {Partial<LeadNurtureSettings>} changes @returns {Promise<LeadNurtureSettings>} */
    update: (changes: Partial<LeadNurtureSettings>) => Promise<LeadNurtureSettings>;
};
/**
 * `/api/v1/lead-widgets`: website forms that create leads, their keys,
 * and the public submission endpoint and script.
 * @param {Requester} client
 */
export function leadWidgetsResource(client: Requester): {
    /** @returns {Promise<Widget[]>} */
    list: () => Promise<Widget[]>;
    /** The key is in this answer only. @param {CreateWidget} body @param {RequestOptions} [opts] @returns {Promise<WidgetWithKey>} */
    create: (body: CreateWidget, opts?: RequestOptions) => Promise<WidgetWithKey>;
    /** @param {string} id @param {Partial<CreateWidget>} changes @returns {Promise<Widget>} */
    update: (id: string, changes: Partial<CreateWidget>) => Promise<Widget>;
    /** Revokes a widget: its key stops working. @param {string} id @returns {Promise<void>} */
    revoke: (id: string) => Promise<void>;
    /** A new key; the old one stops working. @param {string} id @param {RequestOptions} [opts] @returns {Promise<WidgetWithKey>} */
    rotate: (id: string, opts?: RequestOptions) => Promise<WidgetWithKey>;
    /**
     * Submits the form of the widget with this public key, as a visitor's
     * browser does (no credentials needed; the `Origin` must be allowed).
     * The answer is `{ ok: true }` whatever became of it.
     * @param {string} key @param {WidgetSubmission} submission @param {RequestOptions} [opts]
     * @returns {Promise<{ ok: boolean }>}
     */
    submit: (key: string, submission: WidgetSubmission, opts?: RequestOptions) => Promise<{
        ok: boolean;
    }>;
    /** The embeddable script (`/widget.js`), as text. @returns {Promise<string>} */
    script: () => Promise<string>;
};
export type Requester = import("./resources.js").Requester;
export type RequestOptions = import("./http.js").RequestOptions;
export type LeadStatus = "new" | "contacted" | "qualified" | "unqualified" | "converted";
/**
 * Hot (70-100), warm (40-69) or cold (0-39), by score.
 */
export type Band = "hot" | "warm" | "cold";
/**
 * What a conversion created or linked.
 */
export type Conversion = {
    contact_id: string;
    company_id?: string | null | undefined;
    deal_id: string;
    at: string;
};
/**
 * Engagement counted for scoring.
 */
export type Engagement = {
    activities?: number | undefined;
    emails_opened?: number | undefined;
    emails_clicked?: number | undefined;
    meetings?: number | undefined;
};
/**
 * A lead as the API returns it.
 */
export type Lead = {
    id: string;
    /**
     * `first_name last_name`, or the email.
     */
    name: string;
    first_name: string;
    last_name: string;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    company_name?: string | null | undefined;
    company_size?: string | null | undefined;
    job_title?: string | null | undefined;
    /**
     * A built-in source or a custom one's slug.
     */
    source: string;
    status: LeadStatus;
    /**
     * 0-100.
     */
    score: number;
    band: Band;
    /**
     * Overdue next action or no update in 7 days.
     */
    stale: boolean;
    overdue: boolean;
    /**
     * Minor units of the workspace's currency.
     */
    estimated_value?: number | null | undefined;
    external_id?: string | null | undefined;
    owner_id?: string | null | undefined;
    next_action?: string | null | undefined;
    next_action_date?: string | null | undefined;
    notes?: string | null | undefined;
    tags: string[];
    custom_fields: Record<string, unknown>;
    engagement: Engagement;
    /**
     * Set once the lead is converted.
     */
    converted?: Conversion | null | undefined;
    last_activity_at?: string | null | undefined;
    created_at: string;
    updated_at: string;
    deleted_at?: string | null | undefined;
    /**
     * Bumped by every change; also the ETag. Pass as `ifMatch`.
     */
    version: number;
};
export type LeadListResponse = {
    leads: Lead[];
    /**
     * How many leads match the filters.
     */
    total: number;
    offset: number;
    limit: number;
};
/**
 * Filters, sort and window of the lead list (and its export).
 */
export type LeadQuery = {
    /**
     * Text in the name, email or company.
     */
    q?: string | undefined;
    status?: LeadStatus | undefined;
    source?: string | undefined;
    owner_id?: string | undefined;
    stale?: boolean | undefined;
    band?: Band | undefined;
    tag?: string | undefined;
    /**
     * `YYYY-MM-DD`.
     */
    created_from?: string | undefined;
    /**
     * `YYYY-MM-DD`.
     */
    created_to?: string | undefined;
    /**
     * Only stale or overdue leads.
     */
    needs_attention?: boolean | undefined;
    sort?: string | undefined;
    order?: "asc" | "desc" | undefined;
    offset?: number | undefined;
    /**
     * 1 to 200.
     */
    limit?: number | undefined;
};
/**
 * A new lead. A name or an email is required.
 */
export type CreateLead = {
    first_name?: string | undefined;
    last_name?: string | undefined;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    company_name?: string | null | undefined;
    /**
     * `1-10`, `11-50`, `51-200`, `201-500`, `501-1000`, `1001-5000` or `5000+`.
     */
    company_size?: string | null | undefined;
    job_title?: string | null | undefined;
    /**
     * Default `other`.
     */
    source?: string | null | undefined;
    estimated_value?: number | null | undefined;
    /**
     * Sending it again returns the lead created the first time.
     */
    external_id?: string | null | undefined;
    owner_id?: string | null | undefined;
    next_action?: string | null | undefined;
    next_action_date?: string | null | undefined;
    notes?: string | null | undefined;
    tags?: string[] | undefined;
    custom_fields?: Record<string, unknown> | undefined;
};
/**
 * Fields to change; `null` clears a clearable field. `status`: new ->
 * contacted -> qualified -> unqualified, unqualified -> contacted;
 * `converted` only through {@link LeadsResource.convert}.
 */
export type UpdateLead = Omit<CreateLead, "external_id" | "source"> & {
    source?: string;
    status?: LeadStatus;
};
export type ConvertLead = {
    /**
     * The company's (or the lead's) name by default.
     */
    deal_title?: string | null | undefined;
    /**
     * The first active pipeline by default.
     */
    pipeline_id?: string | null | undefined;
    /**
     * The pipeline's first open stage by default.
     */
    stage_id?: string | null | undefined;
};
export type ScoreEntry = {
    score: number;
    reason: string;
    /**
     * Points per factor, and the decay (negative).
     */
    factors: Record<string, unknown>;
    at: string;
};
/**
 * A lead source: built-in or the workspace's own.
 */
export type LeadSource = {
    slug: string;
    label: string;
    /**
     * Built-in sources cannot be archived or changed.
     */
    built_in: boolean;
    archived: boolean;
};
/**
 * A workspace's scoring weights.
 */
export type ScoringWeights = {
    source?: number | undefined;
    company_size?: number | undefined;
    title?: number | undefined;
    value?: number | undefined;
    completeness?: number | undefined;
    engagement?: number | undefined;
    decay_per_day?: number | undefined;
    decay_grace_days?: number | undefined;
};
/**
 * Whether leads reaching each status get the status's nurture email.
 */
export type LeadNurtureSettings = Record<LeadStatus, boolean>;
/**
 * A website form widget (its key is shown only on create and rotate).
 */
export type Widget = {
    id: string;
    name: string;
    allowed_origins: string[];
    default_source: string;
    default_owner_id?: string | null | undefined;
    key_prefix: string;
    /**
     * Last 30 days, by outcome.
     */
    submissions: Record<string, number>;
    created_at: string;
    rotated_at?: string | null | undefined;
    revoked_at?: string | null | undefined;
};
export type WidgetWithKey = {
    widget: Widget;
    /**
     * The public key, shown this once.
     */
    key: string;
    /**
     * The embed snippet to paste into the site.
     */
    snippet: string;
};
export type CreateWidget = {
    name: string;
    /**
     * `https://example.com` (scheme, host and port), 1 to 20.
     */
    allowed_origins: string[];
    /**
     * Default `website`.
     */
    default_source?: string | null | undefined;
    default_owner_id?: string | null | undefined;
};
/**
 * A submission of a widget's form.
 */
export type WidgetSubmission = {
    email: string;
    first_name?: string | undefined;
    last_name?: string | undefined;
    phone?: string | null | undefined;
    company_name?: string | null | undefined;
    job_title?: string | null | undefined;
    message?: string | null | undefined;
    /**
     * The honeypot: leave empty.
     */
    website?: string | null | undefined;
};
export type LeadsResource = ReturnType<typeof leadsResource>;
export type LeadSourcesResource = ReturnType<typeof leadSourcesResource>;
export type LeadScoringResource = ReturnType<typeof leadScoringResource>;
export type LeadNurtureResource = ReturnType<typeof leadNurtureResource>;
export type LeadWidgetsResource = ReturnType<typeof leadWidgetsResource>;
