// CRM records: contacts, companies and activities (with their 360 views,
// bulk operations, exports and merges), custom field definitions, saved
// views and global search.

import { collection, enc, exportCsv, mergeRecords } from './resources.js';

/**
 * @typedef {import('./resources.js').Requester} Requester
 * @typedef {import('./http.js').RequestOptions} RequestOptions
 * @typedef {import('./resources.js').Deal} Deal
 * @typedef {import('./resources.js').Moved} Moved
 */

/**
 * A page of a list with numbered pages (contacts, companies, activities,
 * imports).
 * @template T
 * @typedef {object} NumberedPage
 * @property {T[]} items
 * @property {number} total How many match, over all pages.
 * @property {number} page From 1.
 * @property {number} limit
 */
/**
 * A contact.
 * @typedef {object} Contact
 * @property {string} id
 * @property {string} name `first_name last_name`, or the email when both are empty.
 * @property {string} first_name
 * @property {string} last_name
 * @property {string|null} [email]
 * @property {string|null} [phone]
 * @property {string|null} [job_title]
 * @property {string|null} [lead_source]
 * @property {string|null} [company_id]
 * @property {string|null} [company_name]
 * @property {string|null} [owner_id]
 * @property {string[]} tags Trimmed, lowercase, distinct; at most 30.
 * @property {Record<string, unknown>} custom_fields
 * @property {string} created_at
 * @property {string} updated_at
 * @property {number} version Bumped by every change; also the ETag. Pass as `ifMatch`.
 */
/**
 * A new contact (a name or an email is required), or changes to one
 * (`null` clears a field; `custom_fields` merges key by key).
 * @typedef {object} ContactInput
 * @property {string|null} [first_name]
 * @property {string|null} [last_name]
 * @property {string|null} [email]
 * @property {string|null} [phone]
 * @property {string|null} [job_title]
 * @property {string|null} [lead_source]
 * @property {string|null} [company_id]
 * @property {string|null} [owner_id]
 * @property {string[]|null} [tags]
 * @property {Record<string, unknown>|null} [custom_fields]
 */
/**
 * Filters of the contact list (and export). `cf.<key>` filters by a
 * custom field; `tag` may repeat (contacts with every tag).
 * @typedef {{ q?: string, company_id?: string, owner_id?: string, tag?: string|string[],
 *   sort?: 'name'|'email'|'created_at'|'updated_at', order?: 'asc'|'desc', page?: number, limit?: number,
 *   [filter: string]: string|number|boolean|string[]|undefined }} ContactQuery
 */
/**
 * A company.
 * @typedef {object} Company
 * @property {string} id
 * @property {string} name
 * @property {string|null} [domain] e.g. `acme.com`.
 * @property {string|null} [website]
 * @property {string|null} [industry]
 * @property {string|null} [size] `1-10`, `11-50`, `51-200`, `201-500`, `501-1000`, `1001-5000` or `5000+`.
 * @property {string} status `prospect`, `customer`, `partner`, `churned` or `inactive`.
 * @property {string|null} [owner_id]
 * @property {string|null} [renewal_date]
 * @property {string|null} [upsell_opportunity]
 * @property {Record<string, unknown>} metadata Free-form; filter lists with `meta.<key>=value`.
 * @property {Record<string, unknown>} custom_fields
 * @property {string} created_at
 * @property {string} updated_at
 * @property {number} version
 */
/**
 * A new company (`name` required), or changes to one. `metadata` replaces
 * the whole object; `custom_fields` merges by key.
 * @typedef {object} CompanyInput
 * @property {string} [name]
 * @property {string|null} [domain]
 * @property {string|null} [website]
 * @property {string|null} [industry]
 * @property {string|null} [size]
 * @property {string|null} [status]
 * @property {string|null} [owner_id]
 * @property {string|null} [renewal_date]
 * @property {string|null} [upsell_opportunity]
 * @property {Record<string, unknown>|null} [metadata]
 * @property {Record<string, unknown>|null} [custom_fields]
 */
/**
 * @typedef {{ q?: string, owner_id?: string, status?: string, industry?: string,
 *   sort?: 'name'|'domain'|'renewal_date'|'created_at'|'updated_at', order?: 'asc'|'desc', page?: number, limit?: number,
 *   [filter: string]: string|number|boolean|undefined }} CompanyQuery
 */
/**
 * One entry of a record's audit trail in a 360 view.
 * @typedef {object} TrailEntry
 * @property {number} id
 * @property {string} action
 * @property {string|null} [actor_user_id]
 * @property {string|null} [actor_token_id]
 * @property {Record<string, unknown>} details
 * @property {string} at
 */
/**
 * Open and won deals of a contact or company (those the caller may see)
 * and the lifetime value (won deals, per currency).
 * @typedef {object} RelatedDeals
 * @property {Deal[]} open
 * @property {Deal[]} won
 * @property {Record<string, number>} lifetime_value
 */
/**
 * The 360 view of a contact.
 * @typedef {object} ContactOverview
 * @property {Contact} contact
 * @property {Company|null} [company]
 * @property {Activity[]} timeline Its activities, oldest first (the latest 200).
 * @property {TrailEntry[]} audit
 * @property {RelatedDeals} deals
 */
/**
 * The 360 view of a company.
 * @typedef {object} CompanyOverview
 * @property {Company} company
 * @property {Contact[]} contacts Its contacts by name (the first 50).
 * @property {Activity[]} timeline Activities of the company and its contacts, oldest first (the latest 200).
 * @property {TrailEntry[]} audit
 * @property {RelatedDeals} deals
 */
/**
 * One bulk operation.
 * @typedef {{ type: 'set_owner', owner_id: string|null } | { type: 'add_tags', tags: string[] }
 *   | { type: 'remove_tags', tags: string[] } | { type: 'delete' }} BulkOperation
 */
/**
 * A bulk operation over `ids` or over the contacts matching `filter`
 * (exactly one of the two), at most 1000 contacts, in one transaction.
 * @typedef {object} BulkRequest
 * @property {BulkOperation} operation
 * @property {string[]} [ids]
 * @property {{ q?: string|null, company_id?: string|null, owner_id?: string|null, tags?: string[],
 *   custom_fields?: Record<string, unknown> }} [filter]
 */
/**
 * @typedef {object} ContactMerge
 * @property {Contact} contact The kept contact.
 * @property {string[]} merged_ids
 * @property {Moved} moved
 */
/**
 * @typedef {object} CompanyMerge
 * @property {Company} company The kept company.
 * @property {string[]} merged_ids
 * @property {Moved} moved
 */
/**
 * @typedef {'task'|'call'|'meeting'|'email'|'note'} ActivityType
 */
/**
 * An activity: a task, call, meeting, email or note.
 * @typedef {object} Activity
 * @property {string} id
 * @property {ActivityType} type
 * @property {string} subject
 * @property {string} body
 * @property {'low'|'medium'|'high'} priority
 * @property {'inbound'|'outbound'|null} [direction] Calls and emails.
 * @property {string|null} [due_at]
 * @property {number|null} [duration_minutes]
 * @property {string|null} [completed_at] Tasks: when completed; null while open.
 * @property {boolean} overdue An open task past its due time.
 * @property {string|null} [assignee_id]
 * @property {string|null} [contact_id]
 * @property {string|null} [company_id]
 * @property {string|null} [deal_id]
 * @property {string|null} [lead_id]
 * @property {string|null} [author_user_id]
 * @property {string|null} [author_token_id]
 * @property {string} created_at
 * @property {string} updated_at
 * @property {number} version
 */
/**
 * @typedef {object} CreateActivity
 * @property {ActivityType} type
 * @property {string} subject
 * @property {string|null} [body]
 * @property {'low'|'medium'|'high'|null} [priority]
 * @property {'inbound'|'outbound'|null} [direction]
 * @property {string|null} [due_at] RFC 3339.
 * @property {number|null} [duration_minutes]
 * @property {string|null} [assignee_id] Tasks default to the caller.
 * @property {string|null} [contact_id]
 * @property {string|null} [company_id]
 * @property {string|null} [deal_id]
 * @property {string|null} [lead_id]
 */
/**
 * Changes: `subject` and `body` on any activity; the rest on tasks only.
 * @typedef {object} UpdateActivity
 * @property {string} [subject]
 * @property {string} [body]
 * @property {'low'|'medium'|'high'} [priority]
 * @property {string|null} [due_at]
 * @property {number|null} [duration_minutes]
 * @property {string|null} [assignee_id]
 */
/**
 * @typedef {object} ActivityQuery
 * @property {ActivityType} [type]
 * @property {string} [assignee_id]
 * @property {string} [contact_id]
 * @property {string} [company_id]
 * @property {string} [deal_id]
 * @property {string} [lead_id]
 * @property {boolean} [overdue] Open tasks past their due time.
 * @property {'today'|'week'} [due]
 * @property {boolean} [mine] Tasks assigned to the caller (people only).
 * @property {boolean} [completed]
 * @property {'created_at'|'due_at'} [sort]
 * @property {number} [page]
 * @property {number} [limit]
 */
/**
 * @typedef {'text'|'number'|'date'|'select'|'multi_select'|'boolean'} FieldType
 */
/**
 * @typedef {'contact'|'company'|'deal'|'lead'} FieldEntity
 */
/**
 * A custom field definition.
 * @typedef {object} FieldDefinition
 * @property {string} id
 * @property {FieldEntity} entity
 * @property {string} key The key in a record's `custom_fields`.
 * @property {string} label
 * @property {FieldType} type
 * @property {string[]} options The choices of `select` and `multi_select`.
 * @property {number} position
 * @property {string} created_at
 * @property {string} updated_at
 */
/**
 * @typedef {object} CreateField
 * @property {FieldEntity} entity
 * @property {string} key A lowercase letter, then lowercase letters, digits or `_` (at most 40).
 * @property {string} label
 * @property {FieldType} type
 * @property {string[]|null} [options] 1 to 100 for `select` and `multi_select`.
 * @property {number|null} [position]
 */
/**
 * @typedef {'contacts'|'companies'|'deals'|'leads'} ViewEntity
 */
/**
 * A saved view of a list: its filters, columns and sort.
 * @typedef {object} SavedView
 * @property {string} id
 * @property {ViewEntity} entity
 * @property {string} name
 * @property {Record<string, unknown>} filters The list's query parameters.
 * @property {string[]} columns
 * @property {string|null} [sort]
 * @property {string} created_at
 */
/**
 * @typedef {object} CreateView
 * @property {ViewEntity} entity
 * @property {string} name
 * @property {Record<string, string>|null} [filters] Up to 30 query parameters of the list.
 * @property {string[]|null} [columns]
 * @property {string|null} [sort]
 */
/**
 * @typedef {'contact'|'company'|'activity'|'deal'|'lead'} RecordType
 */
/**
 * One search result.
 * @typedef {object} SearchHit
 * @property {RecordType} type
 * @property {string} id
 * @property {string} title
 * @property {string|null} [subtitle]
 * @property {number} rank Higher is better; comparable across types.
 */

/**
 * `/api/v1/contacts`: the collection (numbered pages), the 360 view, bulk
 * operations, the CSV export and merges. `update` and `remove` take
 * `{ ifMatch: contact.version }`.
 * @param {Requester} client
 */
export function contactsResource(client) {
  /** @type {ReturnType<typeof collection<Contact, NumberedPage<Contact>>>} */
  const base = collection(client, '/api/v1/contacts');
  return {
    /** @param {ContactQuery} [query] @param {RequestOptions} [opts] @returns {Promise<NumberedPage<Contact>>} */
    list: (query, opts) => base.list(query, opts),
    /** @param {ContactQuery} [query] @returns {AsyncGenerator<Contact>} */
    all: (query) => base.all(query),
    get: base.get,
    /** @param {ContactInput} body @param {RequestOptions} [opts] @returns {Promise<Contact>} */
    create: (body, opts) => base.create(body, opts),
    /** @param {string} id @param {ContactInput} changes @param {RequestOptions} [opts] @returns {Promise<Contact>} */
    update: (id, changes, opts) => base.update(id, changes, opts),
    remove: base.remove,
    /**
     * The 360 view: the contact, its company, timeline, audit trail and deals.
     * @param {string} id @returns {Promise<ContactOverview>}
     */
    overview: (id) => client.request('GET', `/api/v1/contacts/${enc(id)}/overview`),
    /**
     * One operation over up to 1000 contacts, by ids or by filter.
     * @param {BulkRequest} body @param {RequestOptions} [opts]
     * @returns {Promise<{ count: number, ids: string[] }>} What changed.
     */
    bulk: (body, opts) => client.request('POST', '/api/v1/contacts/bulk', { ...opts, body }),
    /** The contacts the filters select, as CSV (owners and managers). @param {ContactQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query, opts) => exportCsv(client, '/api/v1/contacts/export', query, opts),
    /**
     * Merges `mergeIds` into `keepId`: deals, lead conversions and
     * activities move to the kept contact; the others are deleted.
     * @param {string} keepId @param {string[]} mergeIds @param {RequestOptions} [opts] @returns {Promise<ContactMerge>}
     */
    merge: (keepId, mergeIds, opts) => mergeRecords(client, '/api/v1/contacts/merge', keepId, mergeIds, opts),
  };
}

/**
 * `/api/v1/companies`: the collection (numbered pages), the 360 view, the
 * CSV export and merges. `update` and `remove` take `{ ifMatch }`.
 * @param {Requester} client
 */
export function companiesResource(client) {
  /** @type {ReturnType<typeof collection<Company, NumberedPage<Company>>>} */
  const base = collection(client, '/api/v1/companies');
  return {
    /** @param {CompanyQuery} [query] @param {RequestOptions} [opts] @returns {Promise<NumberedPage<Company>>} */
    list: (query, opts) => base.list(query, opts),
    /** @param {CompanyQuery} [query] @returns {AsyncGenerator<Company>} */
    all: (query) => base.all(query),
    get: base.get,
    /** @param {CompanyInput & { name: string }} body @param {RequestOptions} [opts] @returns {Promise<Company>} */
    create: (body, opts) => base.create(body, opts),
    /** @param {string} id @param {CompanyInput} changes @param {RequestOptions} [opts] @returns {Promise<Company>} */
    update: (id, changes, opts) => base.update(id, changes, opts),
    remove: base.remove,
    /**
     * The 360 view: the company, its contacts, timeline, audit trail and deals.
     * @param {string} id @returns {Promise<CompanyOverview>}
     */
    overview: (id) => client.request('GET', `/api/v1/companies/${enc(id)}/overview`),
    /** @param {CompanyQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query, opts) => exportCsv(client, '/api/v1/companies/export', query, opts),
    /**
     * Merges `mergeIds` into `keepId`: deals, lead conversions, contacts and
     * activities move to the kept company; the others are deleted.
     * @param {string} keepId @param {string[]} mergeIds @param {RequestOptions} [opts] @returns {Promise<CompanyMerge>}
     */
    merge: (keepId, mergeIds, opts) => mergeRecords(client, '/api/v1/companies/merge', keepId, mergeIds, opts),
  };
}

/**
 * `/api/v1/activities`: tasks, calls, meetings, emails and notes;
 * completing and reopening tasks; the caller's open tasks.
 * @param {Requester} client
 */
export function activitiesResource(client) {
  /** @type {ReturnType<typeof collection<Activity, NumberedPage<Activity>>>} */
  const base = collection(client, '/api/v1/activities');
  return {
    /** @param {ActivityQuery} [query] @param {RequestOptions} [opts] @returns {Promise<NumberedPage<Activity>>} */
    list: (query, opts) => base.list(query, opts),
    /** @param {ActivityQuery} [query] @returns {AsyncGenerator<Activity>} */
    all: (query) => base.all(query),
    get: base.get,
    /** Logs an activity (tasks are assigned to the caller by default). @param {CreateActivity} body @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    create: (body, opts) => base.create(body, opts),
    /** @param {string} id @param {UpdateActivity} changes @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    update: (id, changes, opts) => base.update(id, changes, opts),
    /** Completes a task. @param {string} id @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    complete: (id, opts) => client.request('POST', `/api/v1/activities/${enc(id)}/complete`, { ...opts }),
    /** Reopens a completed task. @param {string} id @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    reopen: (id, opts) => client.request('POST', `/api/v1/activities/${enc(id)}/reopen`, { ...opts }),
    /**
     * "My tasks": open tasks assigned to the caller, by due date.
     * @param {Omit<ActivityQuery, 'mine'|'type'>} [query] e.g. `{ due: 'today' }` or `{ overdue: true }`.
     * @returns {Promise<NumberedPage<Activity>>}
     */
    myTasks: (query) => base.list({ type: 'task', completed: false, sort: 'due_at', ...query, mine: true }),
    /** @param {ActivityQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query, opts) => exportCsv(client, '/api/v1/activities/export', query, opts),
  };
}

/** `/api/v1/custom-fields`: definitions of custom fields per record type. @param {Requester} client */
export function customFieldsResource(client) {
  return {
    /** @param {{ entity?: FieldEntity }} [query] @returns {Promise<FieldDefinition[]>} */
    list: async (query) => (await client.request('GET', '/api/v1/custom-fields', { query })).fields,
    /** @param {CreateField} body @param {RequestOptions} [opts] @returns {Promise<FieldDefinition>} */
    create: (body, opts) => client.request('POST', '/api/v1/custom-fields', { ...opts, body }),
    /**
     * Relabels, reorders or changes the options (entity, key and type stay).
     * @param {string} id @param {{ label?: string, options?: string[], position?: number }} changes
     * @returns {Promise<FieldDefinition>}
     */
    update: (id, changes) => client.request('PATCH', `/api/v1/custom-fields/${enc(id)}`, { body: changes }),
    /** @param {string} id @returns {Promise<void>} */
    remove: (id) => client.request('DELETE', `/api/v1/custom-fields/${enc(id)}`),
  };
}

/** `/api/v1/views`: the caller's saved views of lists. @param {Requester} client */
export function viewsResource(client) {
  return {
    /** Oldest first. @param {{ entity?: ViewEntity }} [query] @returns {Promise<SavedView[]>} */
    list: async (query) => (await client.request('GET', '/api/v1/views', { query })).views,
    /** @param {CreateView} body @param {RequestOptions} [opts] @returns {Promise<SavedView>} */
    create: (body, opts) => client.request('POST', '/api/v1/views', { ...opts, body }),
    /** @param {string} id @returns {Promise<void>} */
    remove: (id) => client.request('DELETE', `/api/v1/views/${enc(id)}`),
  };
}

/** `GET /api/v1/search`: one search over every record type. @param {Requester} client */
export function searchResource(client) {
  return {
    /**
     * Best first. `types` narrows the record types (all by default, or
     * those an API token's scopes can read).
     * @param {string} q 1 to 200 characters; websearch syntax (`"exact phrase"`, `-not`, `or`).
     * @param {{ types?: RecordType[], limit?: number }} [options] `limit`: 1 to 50 (20 by default).
     * @returns {Promise<SearchHit[]>}
     */
    query: async (q, options = {}) =>
      (await client.request('GET', '/api/v1/search', {
        query: { q, types: options.types?.join(','), limit: options.limit },
      })).results,
  };
}

/**
 * @typedef {ReturnType<typeof contactsResource>} ContactsResource
 * @typedef {ReturnType<typeof companiesResource>} CompaniesResource
 * @typedef {ReturnType<typeof activitiesResource>} ActivitiesResource
 * @typedef {ReturnType<typeof customFieldsResource>} CustomFieldsResource
 * @typedef {ReturnType<typeof viewsResource>} ViewsResource
 * @typedef {ReturnType<typeof searchResource>} SearchResource
 */
