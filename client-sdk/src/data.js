// Getting data in and cleaning it up: CSV imports, and the cleanup tools
// (the go-live checklist and duplicate groups; the merges are on the
// contacts, companies and deals resources, the exports on each list's).
// See docs/IMPORT.md and docs/DATA.md in the server.

import { enc } from './resources.js';

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
export function importsResource(client) {
  return {
    /** Newest first. @param {{ page?: number, limit?: number }} [query] @returns {Promise<import('./records.js').NumberedPage<Import>>} */
    list: (query) => client.request('GET', '/api/v1/imports', { query }),
    /**
     * Uploads a CSV file, sent as it is: a `Blob` (a browser `File`, or
     * Node's `fs.openAsBlob(path)`, which streams from disk), bytes, or a
     * string. The answer is the import with an automatic mapping.
     * @param {Blob|ArrayBuffer|ArrayBufferView|string} file
     * @param {{ entity: ImportEntity, filename?: string, contentType?: string } & RequestOptions} options
     * @returns {Promise<Import>}
     */
    upload: (file, options) => {
      const { entity, filename, contentType, ...opts } = options;
      const blobType = typeof Blob !== 'undefined' && file instanceof Blob ? file.type : '';
      return client.request('POST', '/api/v1/imports', {
        ...opts,
        query: { entity, filename: filename ?? /** @type {any} */ (file).name },
        body: file,
        contentType: contentType ?? (blobType || 'text/csv'),
      });
    },
    /** Progress: `rows_done`, `rows_imported`, `rows_failed`... @param {string} id @returns {Promise<Import>} */
    get: (id) => client.request('GET', `/api/v1/imports/${enc(id)}`),
    /**
     * Maps headers to fields (`null` or left out: not imported) and sets
     * the duplicate policy. Only while `uploaded`.
     * @param {string} id @param {{ mapping: Record<string, string|null>, duplicates?: 'skip'|'create' }} body
     * @returns {Promise<Import>}
     */
    setMapping: (id, body) => client.request('PUT', `/api/v1/imports/${enc(id)}/mapping`, { body }),
    /** Checks every row as the run will, writing nothing. @param {string} id @param {RequestOptions} [opts] @returns {Promise<DryRun>} */
    dryRun: (id, opts) => client.request('POST', `/api/v1/imports/${enc(id)}/dry-run`, { ...opts }),
    /** Starts the run in the background (202; the import is `running`). @param {string} id @param {RequestOptions} [opts] @returns {Promise<Import>} */
    start: (id, opts) => client.request('POST', `/api/v1/imports/${enc(id)}/start`, { ...opts }),
    /** Soft-deletes what a finished import created. @param {string} id @param {RequestOptions} [opts] @returns {Promise<Import>} */
    revert: (id, opts) => client.request('POST', `/api/v1/imports/${enc(id)}/revert`, { ...opts }),
    /** Rows not imported, by line. @param {string} id @param {{ page?: number, limit?: number }} [query] @returns {Promise<ImportIssue[]>} */
    errors: (id, query) => client.request('GET', `/api/v1/imports/${enc(id)}/errors`, { query }),
  };
}

/** `/api/v1/cleanup/*`: the go-live checklist and duplicate groups (owners and managers). @param {Requester} client */
export function cleanupResource(client) {
  return {
    /** @returns {Promise<{ ready: boolean, items: ChecklistItem[] }>} */
    checklist: () => client.request('GET', '/api/v1/cleanup/checklist'),
    /**
     * One page of duplicate groups.
     * @param {{ entity: 'contacts'|'companies'|'deals', limit?: number, after?: string }} query
     * @returns {Promise<DuplicatePage>}
     */
    duplicates: (query) => client.request('GET', '/api/v1/cleanup/duplicates', { query }),
    /**
     * Every duplicate group, following `next`.
     * @param {{ entity: 'contacts'|'companies'|'deals', limit?: number }} query
     * @returns {AsyncGenerator<DuplicateGroup>}
     */
    async *allDuplicates(query) {
      /** @type {string|undefined} */
      let after;
      do {
        /** @type {DuplicatePage} */
        const page = await client.request('GET', '/api/v1/cleanup/duplicates', { query: { ...query, after } });
        yield* page.groups;
        after = page.next ?? undefined;
      } while (after);
    },
  };
}

/**
 * @typedef {ReturnType<typeof importsResource>} ImportsResource
 * @typedef {ReturnType<typeof cleanupResource>} CleanupResource
 */
