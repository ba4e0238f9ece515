/**
 * @typedef {import('./resources.js').Requester} Requester
 * @typedef {import('./http.js').RequestOptions} RequestOptions
 */
/**
 * @typedef {'contacts'|'companies'|'leads'|'deals'} ImportEntity
 */
/**
 * @typedef {'uploaded'|'running'|'completed'|'failed'|'reverting'|'reverted'} ImportStatus
 */
/**
 * A field a column can be mapped to.
 * @typedef {object} ImportField
 * @property {string} name The name used in `mapping`: a built-in field, or `custom_fields.<key>`.
 * @property {string} label
 * @property {boolean} required
 */
/**
 * An import.
 * @typedef {object} Import
 * @property {string} id
 * @property {ImportEntity} entity
 * @property {string} filename
 * @property {ImportStatus} status
 * @property {number} size Bytes uploaded.
 * @property {string} encoding `utf-8` or `windows-1252`.
 * @property {string} delimiter
 * @property {string[]} headers
 * @property {Record<string, string|null>} mapping Each header and the field it is imported as.
 * @property {ImportField[]} fields
 * @property {string[][]} sample The first data rows, as read.
 * @property {'skip'|'create'} duplicates
 * @property {number} rows_done
 * @property {number} rows_imported
 * @property {number} rows_failed
 * @property {number} rows_skipped
 * @property {number|null} [rows_total]
 * @property {string|null} [failure]
 * @property {string|null} [created_by]
 * @property {string} created_at
 * @property {string|null} [started_at]
 * @property {string|null} [finished_at]
 * @property {string|null} [reverted_at]
 */
/**
 * A row that was not (or would not be) imported.
 * @typedef {object} ImportIssue
 * @property {number} line The line the row starts on (the header is line 1).
 * @property {string} reason
 * @property {string|null} [column]
 * @property {'invalid'|'duplicate'} kind
 */
/**
 * What a dry run found; nothing is written.
 * @typedef {object} DryRun
 * @property {number} rows
 * @property {number} valid
 * @property {ImportIssue[]} invalid The first 1,000.
 * @property {{ line: number, existing_id?: string|null, by: string }[]} duplicates The first 1,000.
 * @property {boolean} truncated
 */
/**
 * One item of the go-live checklist.
 * @typedef {object} ChecklistItem
 * @property {string} key e.g. `contacts_without_email`, `duplicate_contacts`.
 * @property {string} label
 * @property {number} count
 * @property {'contact'|'company'|'deal'} record_type
 * @property {string[]} sample_ids Up to 10.
 */
/**
 * Records sharing a key, oldest first: merging keeps the first.
 * @typedef {object} DuplicateGroup
 * @property {string} by `email`, `domain`, `name` or `contact_title`.
 * @property {string} key
 * @property {number} count
 * @property {string[]} ids At most 50.
 * @property {{ id: string, name?: string|null, detail?: string|null, created_at: string }[]} records
 */
/**
 * @typedef {object} DuplicatePage
 * @property {DuplicateGroup[]} groups
 * @property {string|null} [next] Pass as `after` for the next page.
 */
/**
 * `/api/v1/imports`: CSV imports (owners and managers). Upload, map,
 * optionally dry-run, start, follow (`get`, or the `imports` topic), list
 * the rows that failed, revert.
 * @param {Requester} client
 */
export function importsResource(client: Requester): {
    /** Newest first. @param {{ page?: number, limit?: number }} [query] @returns {Promise<import('./records.js').NumberedPage<Import>>} */
    list: (query?: {
        page?: number;
        limit?: number;
    }) => Promise<import("./records.js").NumberedPage<Import>>;
    /**
     * Uploads a CSV file, sent as it is: a `Blob` (a browser `File`, or
     * Node's `fs.openAsBlob(path)`, which streams from disk), bytes, or a
     * string. The answer is the import with an automatic mapping.
     * @param {Blob|ArrayBuffer|ArrayBufferView|string} file
     * @param {{ entity: ImportEntity, filename?: string, contentType?: string } & RequestOptions} options
     * @returns {Promise<Import>}
     */
    upload: (file: Blob | ArrayBuffer | ArrayBufferView | string, options: {
        entity: ImportEntity;
        filename?: string;
        contentType?: string;
    } & RequestOptions) => Promise<Import>;
    /** Progress: `rows_done`, `rows_imported`, `rows_failed`... @param {string} id @returns {Promise<Import>} */
    get: (id: string) => Promise<Import>;
    /**
     * Maps headers to fields (`null` or left out: not imported) and sets
     * the duplicate policy. Only while `uploaded`.
     * @param {string} id @param {{ mapping: Record<string, string|null>, duplicates?: 'skip'|'create' }} body
     * @returns {Promise<Import>}
     */
    setMapping: (id: string, body: {
        mapping: Record<string, string | null>;
        duplicates?: "skip" | "create";
    }) => Promise<Import>;
    /** Checks every row as the run will, writing nothing. @param {string} id @param {RequestOptions} [opts] @returns {Promise<DryRun>} */
    dryRun: (id: string, opts?: RequestOptions) => Promise<DryRun>;
    /** Starts the run in the background (202; the import is `running`). @param {string} id @param {RequestOptions} [opts] @returns {Promise<Import>} */
    start: (id: string, opts?: RequestOptions) => Promise<Import>;
    /** Soft-deletes what a finished import created. @param {string} id @param {RequestOptions} [opts] @returns {Promise<Import>} */
    revert: (id: string, opts?: RequestOptions) => Promise<Import>;
    /** Rows not imported, by line. @param {string} id @param {{ page?: number, limit?: number }} [query] @returns {Promise<ImportIssue[]>} */
    errors: (id: string, query?: {
        page?: number;
        limit?: number;
    }) => Promise<ImportIssue[]>;
};
/** `/api/v1/cleanup/*`: the go-live checklist and duplicate groups (owners and managers). @param {Requester} client */
export function cleanupResource(client: Requester): {
    /** @returns {Promise<{ ready: boolean, items: ChecklistItem[] }>} */
    checklist: () => Promise<{
        ready: boolean;
        items: ChecklistItem[];
    }>;
    /**
     * One page of duplicate groups.
     * @param {{ entity: 'contacts'|'companies'|'deals', limit?: number, after?: string }} query
     * @returns {Promise<DuplicatePage>}
     */
    duplicates: (query: {
        entity: "contacts" | "companies" | "deals";
        limit?: number;
        after?: string;
    }) => Promise<DuplicatePage>;
    /**
     * Every duplicate group, following `next`.
     * @param {{ entity: 'contacts'|'companies'|'deals', limit?: number }} query
     * @returns {AsyncGenerator<DuplicateGroup>}
     */
    allDuplicates(query: {
        entity: "contacts" | "companies" | "deals";
        limit?: number;
    }): AsyncGenerator<DuplicateGroup>;
};
export type Requester = import("./resources.js").Requester;
export type RequestOptions = import("./http.js").RequestOptions;
export type ImportEntity = "contacts" | "companies" | "leads" | "deals";
export type ImportStatus = "uploaded" | "running" | "completed" | "failed" | "reverting" | "reverted";
/**
 * A field a column can be mapped to.
 */
export type ImportField = {
    /**
     * The name used in `mapping`: a built-in field, or `custom_fields.<key>`.
     */
    name: string;
    label: string;
    required: boolean;
};
/**
 * An import.
 */
export type Import = {
    id: string;
    entity: ImportEntity;
    filename: string;
    status: ImportStatus;
    /**
     * Bytes uploaded.
     */
    size: number;
    /**
     * `utf-8` or `windows-1252`.
     */
    encoding: string;
    delimiter: string;
    headers: string[];
    /**
     * Each header and the field it is imported as.
     */
    mapping: Record<string, string | null>;
    fields: ImportField[];
    /**
     * The first data rows, as read.
     */
    sample: string[][];
    duplicates: "skip" | "create";
    rows_done: number;
    rows_imported: number;
    rows_failed: number;
    rows_skipped: number;
    rows_total?: number | null | undefined;
    failure?: string | null | undefined;
    created_by?: string | null | undefined;
    created_at: string;
    started_at?: string | null | undefined;
    finished_at?: string | null | undefined;
    reverted_at?: string | null | undefined;
};
/**
 * A row that was not (or would not be) imported.
 */
export type ImportIssue = {
    /**
     * The line the row starts on (the header is line 1).
     */
    line: number;
    reason: string;
    column?: string | null | undefined;
    kind: "invalid" | "duplicate";
};
/**
 * What a dry run found; nothing is written.
 */
export type DryRun = {
    rows: number;
    valid: number;
    /**
     * The first 1,000.
     */
    invalid: ImportIssue[];
    /**
     * The first 1,000.
     */
    duplicates: {
        line: number;
        existing_id?: string | null;
        by: string;
    }[];
    truncated: boolean;
};
/**
 * One item of the go-live checklist.
 */
export type ChecklistItem = {
    /**
     * e.g. `contacts_without_email`, `duplicate_contacts`.
     */
    key: string;
    label: string;
    count: number;
    record_type: "contact" | "company" | "deal";
    /**
     * Up to 10.
     */
    sample_ids: string[];
};
/**
 * Records sharing a key, oldest first: merging keeps the first.
 */
export type DuplicateGroup = {
    /**
     * `email`, `domain`, `name` or `contact_title`.
     */
    by: string;
    key: string;
    count: number;
    /**
     * At most 50.
     */
    ids: string[];
    records: {
        id: string;
        name?: string | null;
        detail?: string | null;
        created_at: string;
    }[];
};
export type DuplicatePage = {
    groups: DuplicateGroup[];
    /**
     * Pass as `after` for the next page.
     */
    next?: string | null | undefined;
};
export type ImportsResource = ReturnType<typeof importsResource>;
export type CleanupResource = ReturnType<typeof cleanupResource>;
