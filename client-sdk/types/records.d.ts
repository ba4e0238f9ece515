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
export function contactsResource(client: Requester): {
    /** @param {ContactQuery} [query] @param {RequestOptions} [opts] @returns {Promise<NumberedPage<Contact>>} */
    list: (query?: ContactQuery, opts?: RequestOptions) => Promise<NumberedPage<Contact>>;
    /** @param {ContactQuery} [query] @returns {AsyncGenerator<Contact>} */
    all: (query?: ContactQuery) => AsyncGenerator<Contact>;
    get: (id: string, opts?: import("./resources.js").RequestOptions) => Promise<Contact>;
    /** @param {ContactInput} body @param {RequestOptions} [opts] @returns {Promise<Contact>} */
    create: (body: ContactInput, opts?: RequestOptions) => Promise<Contact>;
    /** @param {string} id @param {ContactInput} changes @param {RequestOptions} [opts] @returns {Promise<Contact>} */
    update: (id: string, changes: ContactInput, opts?: RequestOptions) => Promise<Contact>;
    remove: (id: string, opts?: import("./resources.js").RequestOptions) => Promise<void>;
    /**
     * The 360 view: the contact, its company, timeline, audit trail and deals.
     * @param {string} id @returns {Promise<ContactOverview>}
     */
    overview: (id: string) => Promise<ContactOverview>;
    /**
     * One operation over up to 1000 contacts, by ids or by filter.
     * @param {BulkRequest} body @param {RequestOptions} [opts]
     * @returns {Promise<{ count: number, ids: string[] }>} What changed.
     */
    bulk: (body: BulkRequest, opts?: RequestOptions) => Promise<{
        count: number;
        ids: string[];
    }>;
    /** The contacts the filters select, as CSV (owners and managers). @param {ContactQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query?: ContactQuery, opts?: RequestOptions) => Promise<Response>;
    /**
     * Merges `mergeIds` into `keepId`: deals, lead conversions and
     * activities move to the kept contact; the others are deleted.
     * @param {string} keepId @param {string[]} mergeIds @param {RequestOptions} [opts] @returns {Promise<ContactMerge>}
     */
    merge: (keepId: string, mergeIds: string[], opts?: RequestOptions) => Promise<ContactMerge>;
};
/**
 * `/api/v1/companies`: the collection (numbered pages), the 360 view, the
 * CSV export and merges. `update` and `remove` take `{ ifMatch }`.
 * @param {Requester} client
 */
export function companiesResource(client: Requester): {
    /** @param {CompanyQuery} [query] @param {RequestOptions} [opts] @returns {Promise<NumberedPage<Company>>} */
    list: (query?: CompanyQuery, opts?: RequestOptions) => Promise<NumberedPage<Company>>;
    /** @param {CompanyQuery} [query] @returns {AsyncGenerator<Company>} */
    all: (query?: CompanyQuery) => AsyncGenerator<Company>;
    get: (id: string, opts?: import("./resources.js").RequestOptions) => Promise<Company>;
    /** @param {CompanyInput & { name: string }} body @param {RequestOptions} [opts] @returns {Promise<Company>} */
    create: (body: CompanyInput & {
        name: string;
    }, opts?: RequestOptions) => Promise<Company>;
    /** @param {string} id @param {CompanyInput} changes @param {RequestOptions} [opts] @returns {Promise<Company>} */
    update: (id: string, changes: CompanyInput, opts?: RequestOptions) => Promise<Company>;
    remove: (id: string, opts?: import("./resources.js").RequestOptions) => Promise<void>;
    /**
     * The 360 view: the company, its contacts, timeline, audit trail and deals.
     * @param {string} id @returns {Promise<CompanyOverview>}
     */
    overview: (id: string) => Promise<CompanyOverview>;
    /** @param {CompanyQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query?: CompanyQuery, opts?: RequestOptions) => Promise<Response>;
    /**
     * Merges `mergeIds` into `keepId`: deals, lead conversions, contacts and
     * activities move to the kept company; the others are deleted.
     * @param {string} keepId @param {string[]} mergeIds @param {RequestOptions} [opts] @returns {Promise<CompanyMerge>}
     */
    merge: (keepId: string, mergeIds: string[], opts?: RequestOptions) => Promise<CompanyMerge>;
};
/**
 * `/api/v1/activities`: tasks, calls, meetings, emails and notes;
 * completing and reopening tasks; the caller's open tasks.
 * @param {Requester} client
 */
export function activitiesResource(client: Requester): {
    /** @param {ActivityQuery} [query] @param {RequestOptions} [opts] @returns {Promise<NumberedPage<Activity>>} */
    list: (query?: ActivityQuery, opts?: RequestOptions) => Promise<NumberedPage<Activity>>;
    /** @param {ActivityQuery} [query] @returns {AsyncGenerator<Activity>} */
    all: (query?: ActivityQuery) => AsyncGenerator<Activity>;
    get: (id: string, opts?: import("./resources.js").RequestOptions) => Promise<Activity>;
    /** Logs an activity (tasks are assigned to the caller by default). @param {CreateActivity} body @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    create: (body: CreateActivity, opts?: RequestOptions) => Promise<Activity>;
    /** @param {string} id @param {UpdateActivity} changes @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    update: (id: string, changes: UpdateActivity, opts?: RequestOptions) => Promise<Activity>;
    /** Completes a task. @param {string} id @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    complete: (id: string, opts?: RequestOptions) => Promise<Activity>;
    /** Reopens a completed task. @param {string} id @param {RequestOptions} [opts] @returns {Promise<Activity>} */
    reopen: (id: string, opts?: RequestOptions) => Promise<Activity>;
    /**
     * "My tasks": open tasks assigned to the caller, by due date.
     * @param {Omit<ActivityQuery, 'mine'|'type'>} [query] e.g. `{ due: 'today' }` or `{ overdue: true }`.
     * @returns {Promise<NumberedPage<Activity>>}
     */
    myTasks: (query?: Omit<ActivityQuery, "mine" | "type">) => Promise<NumberedPage<Activity>>;
    /** @param {ActivityQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>} */
    export: (query?: ActivityQuery, opts?: RequestOptions) => Promise<Response>;
};
/** `/api/v1/custom-fields`: definitions of custom fields per record type. @param {Requester} client */
export function customFieldsResource(client: Requester): {
    /** @param {{ entity?: FieldEntity }} [query] @returns {Promise<FieldDefinition[]>} */
    list: (query?: {
        entity?: FieldEntity;
    }) => Promise<FieldDefinition[]>;
    /** @param {CreateField} body @param {RequestOptions} [opts] @returns {Promise<FieldDefinition>} */
    create: (body: CreateField, opts?: RequestOptions) => Promise<FieldDefinition>;
    /**
     * Relabels, reorders or changes the options (entity, key and type stay).
     * @param {string} id @param {{ label?: string, options?: string[], position?: number }} changes
     * @returns {Promise<FieldDefinition>}
     */
    update: (id: string, changes: {
        label?: string;
        options?: string[];
        position?: number;
    }) => Promise<FieldDefinition>;
    /** @param {string} id @returns {Promise<void>} */
    remove: (id: string) => Promise<void>;
};
/** `/api/v1/views`: the caller's saved views of lists. @param {Requester} client */
export function viewsResource(client: Requester): {
    /** Oldest first. @param {{ entity?: ViewEntity }} [query] @returns {Promise<SavedView[]>} */
    list: (query?: {
        entity?: ViewEntity;
    }) => Promise<SavedView[]>;
    /** @param {CreateView} body @param {RequestOptions} [opts] @returns {Promise<SavedView>} */
    create: (body: CreateView, opts?: RequestOptions) => Promise<SavedView>;
    /** @param {string} id @returns {Promise<void>} */
    remove: (id: string) => Promise<void>;
};
/** `GET /api/v1/search`: one search over every record type. @param {Requester} client */
export function searchResource(client: Requester): {
    /**
     * Best first. `types` narrows the record types (all by default, or
     * those an API token's scopes can read).
     * @param {string} q 1 to 200 characters; websearch syntax (`"exact phrase"`, `-not`, `or`).
     * @param {{ types?: RecordType[], limit?: number }} [options] `limit`: 1 to 50 (20 by default).
     * @returns {Promise<SearchHit[]>}
     */
    query: (q: string, options?: {
        types?: RecordType[];
        limit?: number;
    }) => Promise<SearchHit[]>;
};
export type Requester = import("./resources.js").Requester;
export type RequestOptions = import("./http.js").RequestOptions;
export type Deal = import("./resources.js").Deal;
export type Moved = import("./resources.js").Moved;
/**
 * A page of a list with numbered pages (contacts, companies, activities,
 * imports).
 */
export type NumberedPage<T> = {
    items: T[];
    /**
     * How many match, over all pages.
     */
    total: number;
    /**
     * From 1.
     */
    page: number;
    limit: number;
};
/**
 * A contact.
 */
export type Contact = {
    id: string;
    /**
     * `first_name last_name`, or the email when both are empty.
     */
    name: string;
    first_name: string;
    last_name: string;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    job_title?: string | null | undefined;
    lead_source?: string | null | undefined;
    company_id?: string | null | undefined;
    company_name?: string | null | undefined;
    owner_id?: string | null | undefined;
    /**
     * Trimmed, lowercase, distinct; at most 30.
     */
    tags: string[];
    custom_fields: Record<string, unknown>;
    created_at: string;
    updated_at: string;
    /**
     * Bumped by every change; also the ETag. Pass as `ifMatch`.
     */
    version: number;
};
/**
 * A new contact (a name or an email is required), or changes to one
 * (`null` clears a field; `custom_fields` merges key by key).
 */
export type ContactInput = {
    first_name?: string | null | undefined;
    last_name?: string | null | undefined;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    job_title?: string | null | undefined;
    lead_source?: string | null | undefined;
    company_id?: string | null | undefined;
    owner_id?: string | null | undefined;
    tags?: string[] | null | undefined;
    custom_fields?: Record<string, unknown> | null | undefined;
};
/**
 * Filters of the contact list (and export). `cf.<key>` filters by a
 * custom field; `tag` may repeat (contacts with every tag).
 */
export type ContactQuery = {
    q?: string;
    company_id?: string;
    owner_id?: string;
    tag?: string | string[];
    sort?: "name" | "email" | "created_at" | "updated_at";
    order?: "asc" | "desc";
    page?: number;
    limit?: number;
    [filter: string]: string | number | boolean | string[] | undefined;
};
/**
 * A company.
 */
export type Company = {
    id: string;
    name: string;
    /**
     * e.g. `acme.com`.
     */
    domain?: string | null | undefined;
    website?: string | null | undefined;
    industry?: string | null | undefined;
    /**
     * `1-10`, `11-50`, `51-200`, `201-500`, `501-1000`, `1001-5000` or `5000+`.
     */
    size?: string | null | undefined;
    /**
     * `prospect`, `customer`, `partner`, `churned` or `inactive`.
     */
    status: string;
    owner_id?: string | null | undefined;
    renewal_date?: string | null | undefined;
    upsell_opportunity?: string | null | undefined;
    /**
     * Free-form; filter lists with `meta.<key>=value`.
     */
    metadata: Record<string, unknown>;
    custom_fields: Record<string, unknown>;
    created_at: string;
    updated_at: string;
    version: number;
};
/**
 * A new company (`name` required), or changes to one. `metadata` replaces
 * the whole object; `custom_fields` merges by key.
 */
export type CompanyInput = {
    name?: string | undefined;
    domain?: string | null | undefined;
    website?: string | null | undefined;
    industry?: string | null | undefined;
    size?: string | null | undefined;
    status?: string | null | undefined;
    owner_id?: string | null | undefined;
    renewal_date?: string | null | undefined;
    upsell_opportunity?: string | null | undefined;
    metadata?: Record<string, unknown> | null | undefined;
    custom_fields?: Record<string, unknown> | null | undefined;
};
export type CompanyQuery = {
    q?: string;
    owner_id?: string;
    status?: string;
    industry?: string;
    sort?: "name" | "domain" | "renewal_date" | "created_at" | "updated_at";
    order?: "asc" | "desc";
    page?: number;
    limit?: number;
    [filter: string]: string | number | boolean | undefined;
};
/**
 * One entry of a record's audit trail in a 360 view.
 */
export type TrailEntry = {
    id: number;
    action: string;
    actor_user_id?: string | null | undefined;
    actor_token_id?: string | null | undefined;
    details: Record<string, unknown>;
    at: string;
};
/**
 * Open and won deals of a contact or company (those the caller may see)
 * and the lifetime value (won deals, per currency).
 */
export type RelatedDeals = {
    open: Deal[];
    won: Deal[];
    lifetime_value: Record<string, number>;
};
/**
 * The 360 view of a contact.
 */
export type ContactOverview = {
    contact: Contact;
    company?: Company | null | undefined;
    /**
     * Its activities, oldest first (the latest 200).
     */
    timeline: Activity[];
    audit: TrailEntry[];
    deals: RelatedDeals;
};
/**
 * The 360 view of a company.
 */
export type CompanyOverview = {
    company: Company;
    /**
     * Its contacts by name (the first 50).
     */
    contacts: Contact[];
    /**
     * Activities of the company and its contacts, oldest first (the latest 200).
     */
    timeline: Activity[];
    audit: TrailEntry[];
    deals: RelatedDeals;
};
/**
 * One bulk operation.
 */
export type BulkOperation = {
    type: "set_owner";
    owner_id: string | null;
} | {
    type: "add_tags";
    tags: string[];
} | {
    type: "remove_tags";
    tags: string[];
} | {
    type: "delete";
};
/**
 * A bulk operation over `ids` or over the contacts matching `filter`
 * (exactly one of the two), at most 1000 contacts, in one transaction.
 */
export type BulkRequest = {
    operation: BulkOperation;
    ids?: string[] | undefined;
    filter?: {
        q?: string | null;
        company_id?: string | null;
        owner_id?: string | null;
        tags?: string[];
        custom_fields?: Record<string, unknown>;
    } | undefined;
};
export type ContactMerge = {
    /**
     * The kept contact.
     */
    contact: Contact;
    merged_ids: string[];
    moved: Moved;
};
export type CompanyMerge = {
    /**
     * The kept company.
     */
    company: Company;
    merged_ids: string[];
    moved: Moved;
};
export type ActivityType = "task" | "call" | "meeting" | "email" | "note";
/**
 * An activity: a task, call, meeting, email or note.
 */
export type Activity = {
    id: string;
    type: ActivityType;
    subject: string;
    body: string;
    priority: "low" | "medium" | "high";
    /**
     * Calls and emails.
     */
    direction?: "inbound" | "outbound" | null | undefined;
    due_at?: string | null | undefined;
    duration_minutes?: number | null | undefined;
    /**
     * Tasks: when completed; null while open.
     */
    completed_at?: string | null | undefined;
    /**
     * An open task past its due time.
     */
    overdue: boolean;
    assignee_id?: string | null | undefined;
    contact_id?: string | null | undefined;
    company_id?: string | null | undefined;
    deal_id?: string | null | undefined;
    lead_id?: string | null | undefined;
    author_user_id?: string | null | undefined;
    author_token_id?: string | null | undefined;
    created_at: string;
    updated_at: string;
    version: number;
};
export type CreateActivity = {
    type: ActivityType;
    subject: string;
    body?: string | null | undefined;
    priority?: "low" | "medium" | "high" | null | undefined;
    direction?: "inbound" | "outbound" | null | undefined;
    /**
     * RFC 3339.
     */
    due_at?: string | null | undefined;
    duration_minutes?: number | null | undefined;
    /**
     * Tasks default to the caller.
     */
    assignee_id?: string | null | undefined;
    contact_id?: string | null | undefined;
    company_id?: string | null | undefined;
    deal_id?: string | null | undefined;
    lead_id?: string | null | undefined;
};
/**
 * Changes: `subject` and `body` on any activity; the rest on tasks only.
 */
export type UpdateActivity = {
    subject?: string | undefined;
    body?: string | undefined;
    priority?: "low" | "medium" | "high" | undefined;
    due_at?: string | null | undefined;
    duration_minutes?: number | null | undefined;
    assignee_id?: string | null | undefined;
};
export type ActivityQuery = {
    type?: ActivityType | undefined;
    assignee_id?: string | undefined;
    contact_id?: string | undefined;
    company_id?: string | undefined;
    deal_id?: string | undefined;
    lead_id?: string | undefined;
    /**
     * Open tasks past their due time.
     */
    overdue?: boolean | undefined;
    due?: "today" | "week" | undefined;
    /**
     * Tasks assigned to the caller (people only).
     */
    mine?: boolean | undefined;
    completed?: boolean | undefined;
    sort?: "created_at" | "due_at" | undefined;
    page?: number | undefined;
    limit?: number | undefined;
};
export type FieldType = "text" | "number" | "date" | "select" | "multi_select" | "boolean";
export type FieldEntity = "contact" | "company" | "deal" | "lead";
/**
 * A custom field definition.
 */
export type FieldDefinition = {
    id: string;
    entity: FieldEntity;
    /**
     * The key in a record's `custom_fields`.
     */
    key: string;
    label: string;
    type: FieldType;
    /**
     * The choices of `select` and `multi_select`.
     */
    options: string[];
    position: number;
    created_at: string;
    updated_at: string;
};
export type CreateField = {
    entity: FieldEntity;
    /**
     * A lowercase letter, then lowercase letters, digits or `_` (at most 40).
     */
    key: string;
    label: string;
    type: FieldType;
    /**
     * 1 to 100 for `select` and `multi_select`.
     */
    options?: string[] | null | undefined;
    position?: number | null | undefined;
};
export type ViewEntity = "contacts" | "companies" | "deals" | "leads";
/**
 * A saved view of a list: its filters, columns and sort.
 */
export type SavedView = {
    id: string;
    entity: ViewEntity;
    name: string;
    /**
     * The list's query parameters.
     */
    filters: Record<string, unknown>;
    columns: string[];
    sort?: string | null | undefined;
    created_at: string;
};
export type CreateView = {
    entity: ViewEntity;
    name: string;
    /**
     * Up to 30 query parameters of the list.
     */
    filters?: Record<string, string> | null | undefined;
    columns?: string[] | null | undefined;
    sort?: string | null | undefined;
};
export type RecordType = "contact" | "company" | "activity" | "deal" | "lead";
/**
 * One search result.
 */
export type SearchHit = {
    type: RecordType;
    id: string;
    title: string;
    subtitle?: string | null | undefined;
    /**
     * Higher is better; comparable across types.
     */
    rank: number;
};
export type ContactsResource = ReturnType<typeof contactsResource>;
export type CompaniesResource = ReturnType<typeof companiesResource>;
export type ActivitiesResource = ReturnType<typeof activitiesResource>;
export type CustomFieldsResource = ReturnType<typeof customFieldsResource>;
export type ViewsResource = ReturnType<typeof viewsResource>;
export type SearchResource = ReturnType<typeof searchResource>;
