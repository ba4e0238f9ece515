// Leads and what surrounds them: sources, scoring weights, nurture by
// status, and the website form widgets. See docs/LEADS.md in the server.

import { collection, enc, exportCsv } from './resources.js';

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
export function leadsResource(client) {
  /** @type {ReturnType<typeof collection<Lead, LeadListResponse>>} */
  const base = collection(client, '/api/v1/leads', { listKey: 'leads' });
  return {
    /** One page of leads. @param {LeadQuery} [query] @param {RequestOptions} [opts] @returns {Promise<LeadListResponse>} */
    list: (query, opts) => base.list(query, opts),
    /** Every lead the filters select, page by page. @param {LeadQuery} [query] @returns {AsyncGenerator<Lead>} */
    all: (query) => base.all(query),
    get: base.get,
    /**
     * Creates a lead (scored at once). With `external_id`, sending the same
     * lead again returns the first one.
     * @param {CreateLead} body @param {RequestOptions} [opts] @returns {Promise<Lead>}
     */
    create: (body, opts) => base.create(body, opts),
    /** @param {string} id @param {UpdateLead} changes @param {RequestOptions} [opts] @returns {Promise<Lead>} */
    update: (id, changes, opts) => base.update(id, changes, opts),
    remove: base.remove,
    /**
     * Converts a lead: creates (or links) its contact and company and
     * opens a deal. The answer is the lead, with `converted` set.
     * @param {string} id @param {ConvertLead} [body] @param {RequestOptions} [opts] @returns {Promise<Lead>}
     */
    convert: (id, body = {}, opts) => client.request('POST', `/api/v1/leads/${enc(id)}/convert`, { ...opts, body }),
    /** Score history, newest first. @param {string} id @returns {Promise<ScoreEntry[]>} */
    scores: async (id) => (await client.request('GET', `/api/v1/leads/${enc(id)}/scores`)).scores,
    /**
     * Adds engagement an integration observed (email opens and clicks,
     * meetings); the score follows.
     * @param {string} id @param {{ emails_opened?: number, emails_clicked?: number, meetings?: number }} body
     * @param {RequestOptions} [opts] @returns {Promise<Lead>}
     */
    recordEngagement: (id, body, opts) => client.request('POST', `/api/v1/leads/${enc(id)}/engagement`, { ...opts, body }),
    /**
     * The "needs attention" list: stale or overdue leads.
     * @param {Omit<LeadQuery, 'needs_attention'>} [query] @returns {Promise<LeadListResponse>}
     */
    needsAttention: (query) => base.list({ ...query, needs_attention: true }),
    /** The leads the filters select, as CSV (owners and managers). @param {LeadQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query, opts) => exportCsv(client, '/api/v1/leads/export', query, opts),
  };
}

/** `/api/v1/lead-sources`: built-in and custom sources. @param {Requester} client */
export function leadSourcesResource(client) {
  return {
    /** Built-in sources first, archived ones included. @returns {Promise<LeadSource[]>} */
    list: async () => (await client.request('GET', '/api/v1/lead-sources')).sources,
    /**
     * @param {{ slug: string, label: string }} body `slug`: lowercase letters, digits, `-` and `_`.
     * @param {RequestOptions} [opts] @returns {Promise<LeadSource>}
     */
    create: (body, opts) => client.request('POST', '/api/v1/lead-sources', { ...opts, body }),
    /**
     * Relabels or archives a custom source (archived ones take no new leads).
     * @param {string} slug @param {{ label?: string, archived?: boolean }} changes @returns {Promise<LeadSource>}
     */
    update: (slug, changes) => client.request('PATCH', `/api/v1/lead-sources/${enc(slug)}`, { body: changes }),
  };
}

/** `/api/v1/lead-scoring`: the workspace's scoring weights. @param {Requester} client */
export function leadScoringResource(client) {
  return {
    /** @returns {Promise<ScoringWeights>} */
    get: () => client.request('GET', '/api/v1/lead-scoring'),
    /** Replaces the weights; every lead is rescored. @param {ScoringWeights} weights @returns {Promise<ScoringWeights>} */
    set: (weights) => client.request('PUT', '/api/v1/lead-scoring', { body: weights }),
  };
}

/** `/api/v1/lead-nurture`: which lead statuses nurture. @param {Requester} client */
export function leadNurtureResource(client) {
  return {
    /** @returns {Promise<LeadNurtureSettings>} */
    get: () => client.request('GET', '/api/v1/lead-nurture'),
    /** Switches some statuses; absent ones stay. @param {Partial<LeadNurtureSettings>} changes @returns {Promise<LeadNurtureSettings>} */
    update: (changes) => client.request('PATCH', '/api/v1/lead-nurture', { body: changes }),
  };
}

/**
 * `/api/v1/lead-widgets`: website forms that create leads, their keys,
 * and the public submission endpoint and script.
 * @param {Requester} client
 */
export function leadWidgetsResource(client) {
  return {
    /** @returns {Promise<Widget[]>} */
    list: async () => (await client.request('GET', '/api/v1/lead-widgets')).widgets,
    /** The key is in this answer only. @param {CreateWidget} body @param {RequestOptions} [opts] @returns {Promise<WidgetWithKey>} */
    create: (body, opts) => client.request('POST', '/api/v1/lead-widgets', { ...opts, body }),
    /** @param {string} id @param {Partial<CreateWidget>} changes @returns {Promise<Widget>} */
    update: (id, changes) => client.request('PATCH', `/api/v1/lead-widgets/${enc(id)}`, { body: changes }),
    /** Revokes a widget: its key stops working. @param {string} id @returns {Promise<void>} */
    revoke: (id) => client.request('DELETE', `/api/v1/lead-widgets/${enc(id)}`),
    /** A new key; the old one stops working. @param {string} id @param {RequestOptions} [opts] @returns {Promise<WidgetWithKey>} */
    rotate: (id, opts) => client.request('POST', `/api/v1/lead-widgets/${enc(id)}/rotate`, { ...opts }),
    /**
     * Submits the form of the widget with this public key, as a visitor's
     * browser does (no credentials needed; the `Origin` must be allowed).
     * The answer is `{ ok: true }` whatever became of it.
     * @param {string} key @param {WidgetSubmission} submission @param {RequestOptions} [opts]
     * @returns {Promise<{ ok: boolean }>}
     */
    submit: (key, submission, opts) =>
      client.request('POST', `/api/v1/widget/${enc(key)}/leads`, { idempotencyKey: false, ...opts, body: submission }),
    /** The embeddable script (`/widget.js`), as text. @returns {Promise<string>} */
    script: () => client.request('GET', '/widget.js', { headers: { accept: 'application/javascript' } }),
  };
}

/**
 * @typedef {ReturnType<typeof leadsResource>} LeadsResource
 * @typedef {ReturnType<typeof leadSourcesResource>} LeadSourcesResource
 * @typedef {ReturnType<typeof leadScoringResource>} LeadScoringResource
 * @typedef {ReturnType<typeof leadNurtureResource>} LeadNurtureResource
 * @typedef {ReturnType<typeof leadWidgetsResource>} LeadWidgetsResource
 */
