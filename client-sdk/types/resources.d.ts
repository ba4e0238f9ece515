/**
 * A CSV export (`GET /api/v1/{list}/export`): the fetch `Response`, its
 * body unread, so it can be streamed (`response.body`) or read at once
 * (`await response.text()`). Refusals throw {@link PulseError}s as usual.
 * @param {Requester} client @param {string} path
 * @param {Record<string, any>} [query] The list's filters.
 * @param {RequestOptions} [opts]
 * @returns {Promise<Response>}
 */
export function exportCsv(client: Requester, path: string, query?: Record<string, any>, opts?: RequestOptions): Promise<Response>;
/**
 * Merges duplicates: `POST {path}` with `{ keep_id, merge_ids }`.
 * @param {Requester} client @param {string} path @param {string} keepId @param {string[]} mergeIds
 * @param {RequestOptions} [opts]
 */
export function mergeRecords(client: Requester, path: string, keepId: string, mergeIds: string[], opts?: RequestOptions): Promise<any>;
/**
 * @typedef {object} User
 * @property {string} id
 * @property {string} email
 * @property {string} name
 */
/**
 * @typedef {object} WorkspaceRef
 * @property {string} id
 * @property {string} name
 */
/**
 * @typedef {'owner'|'manager'|'rep'|'viewer'} Role
 */
/**
 * @typedef {object} Membership
 * @property {string} id Workspace id.
 * @property {string} name Workspace name.
 * @property {Role} role
 * @property {'active'|'suspended'} status
 */
/**
 * @typedef {object} SignupResponse
 * @property {User} user
 * @property {WorkspaceRef} workspace
 * @property {string} csrf_token
 */
/**
 * @typedef {object} LoginResponse
 * @property {User} user
 * @property {string|null} active_workspace_id
 * @property {string} csrf_token
 */
/**
 * @typedef {object} Me
 * @property {User} user
 * @property {Membership[]} workspaces
 * @property {Membership|null} active_workspace
 * @property {string} csrf_token
 */
/**
 * @typedef {object} Workspace
 * @property {string} id
 * @property {string} name
 * @property {string} currency ISO 4217.
 * @property {number} version Bumped by every change; also the ETag. Pass as `ifMatch`.
 * @property {string} created_at
 */
/**
 * @typedef {object} Member
 * @property {string} user_id
 * @property {string} name
 * @property {string} email
 * @property {Role} role
 * @property {'active'|'suspended'} status
 * @property {string} joined_at
 */
/**
 * @typedef {object} Invitation
 * @property {string} id
 * @property {string} email
 * @property {Role} role
 * @property {string|null} [invited_by]
 * @property {string} [created_at]
 * @property {string} expires_at
 */
/**
 * @typedef {Invitation & { token: string, accept_url: string }} CreatedInvitation
 */
/**
 * @typedef {object} AcceptedInvitation
 * @property {User} user
 * @property {WorkspaceRef} workspace
 * @property {Role} role
 * @property {string} csrf_token
 */
/**
 * @typedef {object} ApiToken
 * @property {string} id
 * @property {string} name
 * @property {string} prefix
 * @property {string[]} scopes
 * @property {string|null} [created_by]
 * @property {string} created_at
 * @property {string|null} [last_used_at]
 */
/**
 * @typedef {ApiToken & { token: string }} CreatedApiToken
 */
/**
 * @typedef {object} AuditItem
 * @property {number} id
 * @property {{ type: 'user'|'token', id: string }|null} actor
 * @property {string} action
 * @property {string|null} target_type
 * @property {string|null} target_id
 * @property {string|null} ip
 * @property {string|null} request_id
 * @property {Record<string, unknown>} details
 * @property {string} at
 */
/**
 * @typedef {object} AuditQuery
 * @property {string} [action] Exact action or a prefix of whole segments.
 * @property {string} [actor_user_id]
 * @property {string} [target_type]
 * @property {string} [target_id]
 * @property {string} [since] RFC 3339.
 * @property {string} [until] RFC 3339.
 * @property {number} [limit] 1 to 200.
 * @property {string} [cursor]
 */
/**
 * @typedef {object} StreamTicket
 * @property {string} ticket
 * @property {string} expires_at
 */
/**
 * @typedef {'open'|'won'|'lost'} StageKind
 */
/**
 * @typedef {object} Stage
 * @property {string} id
 * @property {string} pipeline_id
 * @property {string} name
 * @property {number} position Order inside the pipeline, from 0.
 * @property {number} probability Default win probability, 0-100.
 * @property {string} color `#rrggbb`.
 * @property {StageKind} kind
 * @property {number|null} sla_days
 * @property {boolean} auto_nurture
 * @property {number} version
 */
/**
 * @typedef {object} Pipeline
 * @property {string} id
 * @property {string} name
 * @property {number} position
 * @property {boolean} archived
 * @property {Stage[]} stages
 * @property {number} version
 * @property {string} created_at
 * @property {string} updated_at
 */
/**
 * @typedef {object} Sum
 * @property {number} count
 * @property {number} amount Minor units.
 * @property {number} weighted Minor units.
 */
/**
 * @typedef {object} Totals
 * @property {number} count
 * @property {Record<string, Sum>} by_currency Per ISO 4217 currency; amounts are never added across currencies.
 */
/**
 * @typedef {object} DealFlags
 * @property {boolean} stale
 * @property {boolean} at_risk
 * @property {boolean} sla_breached
 */
/**
 * @typedef {object} Card
 * @property {string} id
 * @property {string} stage_id
 * @property {string} title
 * @property {number} amount
 * @property {string} currency
 * @property {number} probability
 * @property {number} weighted
 * @property {string|null} owner_id
 * @property {string|null} contact_name
 * @property {string|null} company_name
 * @property {string|null} next_action_date
 * @property {string|null} expected_close_date
 * @property {string[]} tags
 * @property {DealFlags} flags
 * @property {string} rank
 * @property {number} version
 */
/**
 * @typedef {object} Board
 * @property {Pipeline} pipeline
 * @property {{ stage: Stage, totals: Totals, cards: Card[] }[]} columns
 * @property {Totals} totals The forecast: open stages.
 * @property {number} seq Subscribe to `pipeline:{id}` with `since` = seq.
 * @property {number} epoch
 */
/**
 * @typedef {object} BoardQuery
 * @property {string} [owner_id]
 * @property {string} [tag]
 * @property {number} [min_amount]
 * @property {number} [max_amount]
 * @property {string} [close_from]
 * @property {string} [close_to]
 * @property {boolean} [stale]
 * @property {boolean} [at_risk]
 */
/**
 * @typedef {object} LineItem
 * @property {string} id
 * @property {string} name
 * @property {number} unit_price Minor units.
 * @property {number} quantity
 * @property {number} discount_bp Hundredths of a percent.
 * @property {number} total Minor units.
 * @property {number} position
 * @property {string} created_at
 */
/**
 * A deal as the API returns it.
 * @typedef {object} Deal
 * @property {string} id
 * @property {string} pipeline_id
 * @property {string} stage_id
 * @property {string} title
 * @property {number} amount Minor units.
 * @property {string} currency
 * @property {number|null} probability_override
 * @property {number} probability The probability in effect.
 * @property {number} weighted
 * @property {StageKind} stage_kind
 * @property {DealFlags} flags
 * @property {string|null} expected_close_date
 * @property {string|null} next_action
 * @property {string|null} next_action_date
 * @property {string|null} owner_id
 * @property {string|null} contact_id
 * @property {string|null} contact_name
 * @property {string|null} company_id
 * @property {string|null} company_name
 * @property {string[]} tags
 * @property {string[]} shared_with
 * @property {Record<string, unknown>} custom_fields
 * @property {string|null} lost_reason
 * @property {string|null} won_at
 * @property {string|null} lost_at
 * @property {string} rank
 * @property {string} stage_entered_at
 * @property {string|null} last_activity_at
 * @property {LineItem[]} line_items
 * @property {string|null} created_by
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string|null} deleted_at
 * @property {number} version Bumped by every change; also the ETag. Pass as `ifMatch`.
 */
/**
 * @typedef {object} DealHistory
 * @property {{ from_stage_id: string|null, to_stage_id: string, to_stage_name: string,
 *   actor_user_id: string|null, actor_token_id: string|null, at: string, seconds_in_stage: number }[]} moves
 * @property {{ stage_id: string, stage_name: string, seconds: number }[]} time_in_stage
 */
/**
 * @typedef {object} MoveDeal
 * @property {string} stage_id
 * @property {string} [lost_reason] Required for a lost stage.
 * @property {string} [before_id] Land just before this card...
 * @property {string} [after_id] ...or just after this one; neither: the end of the column.
 */
/**
 * @typedef {object} DealListResponse
 * @property {Deal[]} deals
 * @property {number} total How many deals match the filters.
 * @property {number} offset
 * @property {number} limit
 */
/**
 * @typedef {object} DealQuery
 * @property {string} [pipeline_id]
 * @property {string} [stage_id]
 * @property {string} [owner_id]
 * @property {string} [contact_id]
 * @property {string} [company_id]
 * @property {string} [tag]
 * @property {number} [min_amount]
 * @property {number} [max_amount]
 * @property {string} [close_from]
 * @property {string} [close_to]
 * @property {boolean} [stale]
 * @property {boolean} [at_risk]
 * @property {string} [q]
 * @property {boolean} [deleted]
 * @property {string} [sort]
 * @property {'asc'|'desc'} [order]
 * @property {number} [offset]
 * @property {number} [limit] 1 to 200.
 */
/**
 * What a merge moved to the kept record.
 * @typedef {object} Moved
 * @property {number} deals Deals relinked (contact and company merges).
 * @property {number} leads Lead conversions relinked.
 * @property {number} activities
 * @property {number} contacts Contacts moved to the kept company (company merges).
 */
/**
 * @typedef {object} DealMerge
 * @property {Deal} deal The kept deal.
 * @property {string[]} merged_ids The deals merged into it, now deleted.
 * @property {Moved} moved
 */
/**
 * @typedef {object} ProductLine
 * @property {string} name
 * @property {number} unit_price Minor units of the deal's currency.
 * @property {number} [quantity]
 * @property {number} [discount_bp]
 */
/**
 * A conventional collection at `path`: list, get, create, update, remove,
 * and `all`, which walks every page. Most CRM resources (deals, contacts,
 * companies, activities, leads...) are this plus a few extra methods.
 *
 * @template [T=any] The item.
 * @template [P=any] A page of the list.
 * @param {Requester} client
 * @param {string} path e.g. `/api/v1/deals`
 * @param {{ listKey?: string }} [options] `listKey` names the field of the
 *   list answer that holds the items (`items` by default, `deals` for
 *   `{"deals": [...]}`); `list` resolves to the whole answer either way.
 */
export function collection<T = any, P = any>(client: Requester, path: string, options?: {
    listKey?: string;
}): {
    /** One page. @param {Record<string, any>} [query] @param {RequestOptions} [opts] @returns {Promise<P>} */
    list: (query?: Record<string, any>, opts?: RequestOptions) => Promise<P>;
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<T>} */
    get: (id: string, opts?: RequestOptions) => Promise<T>;
    /** @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>} */
    create: (body: Partial<T> | Record<string, any>, opts?: RequestOptions) => Promise<T>;
    /**
     * Changes some fields (PATCH); pass `{ ifMatch: item.version }` to refuse
     * the change with 412 `version_mismatch` if someone changed it since.
     * @param {string} id @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>}
     */
    update: (id: string, body: Partial<T> | Record<string, any>, opts?: RequestOptions) => Promise<T>;
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<void>} */
    remove: (id: string, opts?: RequestOptions) => Promise<void>;
    /**
     * Every item the query selects, page by page: it follows `next_cursor`
     * (cursor lists), `offset` (lists with `offset`, `limit`, `total`) or
     * `page` (lists with `page`, `limit`, `total`), whichever the answer has.
     * @param {Record<string, any>} [query]
     * @returns {AsyncGenerator<T>}
     */
    all: (query?: Record<string, any>) => AsyncGenerator<T>;
};
/**
 * Walks the pages of a list answer, whatever its paging style.
 * @param {Requester} client @param {string} path @param {string} listKey @param {Record<string, any>} query
 * @returns {AsyncGenerator<any>}
 */
export function pages(client: Requester, path: string, listKey: string, query: Record<string, any>): AsyncGenerator<any>;
/**
 * `POST /api/v1/auth/*`: sign-up, login, logout. These set or clear the
 * session cookie; the CSRF token in their answers is kept by the client.
 * @param {Requester & { transport: import('./http.js').Transport }} client
 */
export function authResource(client: Requester & {
    transport: import("./http.js").Transport;
}): {
    /**
     * Creates an account, its first workspace and a session.
     * @param {{ email: string, password: string, name: string, workspace_name: string }} body
     * @returns {Promise<SignupResponse>}
     */
    signup: (body: {
        email: string;
        password: string;
        name: string;
        workspace_name: string;
    }) => Promise<SignupResponse>;
    /**
     * @param {{ email: string, password: string }} body
     * @returns {Promise<LoginResponse>}
     */
    login: (body: {
        email: string;
        password: string;
    }) => Promise<LoginResponse>;
    /** Ends the session (and forgets the cookie and CSRF token). @returns {Promise<void>} */
    logout: () => Promise<void>;
};
/** @param {Requester} client */
export function meResource(client: Requester): {
    /** The signed-in person, their workspaces, and the CSRF token. @returns {Promise<Me>} */
    get: () => Promise<Me>;
    /** @param {string} workspaceId @returns {Promise<Me>} */
    setActiveWorkspace: (workspaceId: string) => Promise<Me>;
};
/**
 * The workspaces a person belongs to (from `/me`) and switching between
 * them. New workspaces are created by sign-up today.
 * @param {Requester} client
 */
export function workspacesResource(client: Requester): {
    /** @returns {Promise<Membership[]>} */
    list: () => Promise<Membership[]>;
    /** @returns {Promise<Membership|null>} */
    active: () => Promise<Membership | null>;
    /** Makes `workspaceId` the session's active workspace. @param {string} workspaceId @returns {Promise<Me>} */
    switch: (workspaceId: string) => Promise<Me>;
};
/**
 * The active workspace's settings, versioned with ETag / If-Match.
 * @param {Requester} client
 */
export function workspaceResource(client: Requester): {
    /** @returns {Promise<Workspace>} */
    get: () => Promise<Workspace>;
    /**
     * Changes name and/or currency. Pass `ifMatch` (the `version` you read)
     * to refuse the change with 412 `version_mismatch` if someone changed it since.
     * @param {{ name?: string, currency?: string }} changes
     * @param {{ ifMatch?: number|string }} [opts]
     * @returns {Promise<Workspace>}
     */
    update: (changes: {
        name?: string;
        currency?: string;
    }, opts?: {
        ifMatch?: number | string;
    }) => Promise<Workspace>;
};
/** @param {Requester} client */
export function membersResource(client: Requester): {
    /** @returns {Promise<Member[]>} */
    list: () => Promise<Member[]>;
    /** @param {string} userId @returns {Promise<Member>} */
    get: (userId: string) => Promise<Member>;
    /**
     * @param {string} userId
     * @param {{ role?: Role, status?: 'active'|'suspended' }} changes
     * @returns {Promise<Member>}
     */
    update: (userId: string, changes: {
        role?: Role;
        status?: "active" | "suspended";
    }) => Promise<Member>;
    /** @param {string} userId @returns {Promise<void>} */
    remove: (userId: string) => Promise<void>;
};
/** @param {Requester} client */
export function invitationsResource(client: Requester): {
    /**
     * @param {{ email: string, role: Exclude<Role, 'owner'> }} body
     * @param {{ idempotencyKey?: string }} [opts]
     * @returns {Promise<CreatedInvitation>}
     */
    create: (body: {
        email: string;
        role: Exclude<Role, "owner">;
    }, opts?: {
        idempotencyKey?: string;
    }) => Promise<CreatedInvitation>;
    /** Pending invitations, newest first. @returns {Promise<Invitation[]>} */
    list: () => Promise<Invitation[]>;
    /** @param {string} id @returns {Promise<void>} */
    revoke: (id: string) => Promise<void>;
    /**
     * Accepts an invitation: signed in, as yourself (`{}`); otherwise with
     * `name` and `password` for a new account (which starts a session).
     * @param {string} token
     * @param {{ name?: string, password?: string }} [body]
     * @returns {Promise<AcceptedInvitation>}
     */
    accept: (token: string, body?: {
        name?: string;
        password?: string;
    }) => Promise<AcceptedInvitation>;
};
/** @param {Requester} client */
export function tokensResource(client: Requester): {
    /**
     * Creates an API token. Its secret (`token`) is in this answer only.
     * @param {{ name: string, scopes: string[] }} body
     * @param {{ idempotencyKey?: string }} [opts]
     * @returns {Promise<CreatedApiToken>}
     */
    create: (body: {
        name: string;
        scopes: string[];
    }, opts?: {
        idempotencyKey?: string;
    }) => Promise<CreatedApiToken>;
    /** @returns {Promise<ApiToken[]>} */
    list: () => Promise<ApiToken[]>;
    /** @param {string} id @returns {Promise<void>} */
    revoke: (id: string) => Promise<void>;
};
/** @param {Requester} client */
export function auditResource(client: Requester): {
    /**
     * One page, newest first.
     * @param {AuditQuery} [query]
     * @returns {Promise<{ items: AuditItem[], next_cursor: string|null }>}
     */
    list: (query?: AuditQuery) => Promise<{
        items: AuditItem[];
        next_cursor: string | null;
    }>;
    /**
     * Every entry matching `query`, following the cursor.
     * @param {AuditQuery} [query]
     * @returns {AsyncGenerator<AuditItem>}
     */
    all(query?: AuditQuery): AsyncGenerator<AuditItem>;
};
/** @param {Requester} client */
export function streamTicketsResource(client: Requester): {
    /** A single-use ticket for `GET /api/v1/stream?ticket=`, valid 30 s. @returns {Promise<StreamTicket>} */
    create: () => Promise<StreamTicket>;
};
/**
 * `/api/v1/pipelines`: pipelines with their stages, and the live board.
 * @param {Requester} client
 */
export function pipelinesResource(client: Requester): {
    /** In their order, archived ones included. @returns {Promise<Pipeline[]>} */
    list: () => Promise<Pipeline[]>;
    /**
     * Creates a pipeline; without `stages`, the default five.
     * @param {{ name: string, stages?: Partial<Stage>[] }} body
     * @param {RequestOptions} [opts]
     * @returns {Promise<Pipeline>}
     */
    create: (body: {
        name: string;
        stages?: Partial<Stage>[];
    }, opts?: RequestOptions) => Promise<Pipeline>;
    /**
     * Renames, reorders (`position`), archives or unarchives.
     * @param {string} id @param {{ name?: string, position?: number, archived?: boolean }} changes
     * @returns {Promise<Pipeline>}
     */
    update: (id: string, changes: {
        name?: string;
        position?: number;
        archived?: boolean;
    }) => Promise<Pipeline>;
    /**
     * The board: columns with totals and cards, and the `seq`/`epoch` it
     * reflects. Filters narrow the cards, not the totals.
     * @param {string} id @param {BoardQuery} [query]
     * @returns {Promise<Board>}
     */
    board: (id: string, query?: BoardQuery) => Promise<Board>;
};
/**
 * Stages of a pipeline. Every answer is the whole pipeline.
 * @param {Requester} client
 */
export function stagesResource(client: Requester): {
    /**
     * @param {string} pipelineId
     * @param {{ name: string, probability?: number, color?: string, kind?: StageKind, sla_days?: number|null,
     *   auto_nurture?: boolean, position?: number }} body
     * @param {RequestOptions} [opts]
     * @returns {Promise<Pipeline>}
     */
    create: (pipelineId: string, body: {
        name: string;
        probability?: number;
        color?: string;
        kind?: StageKind;
        sla_days?: number | null;
        auto_nurture?: boolean;
        position?: number;
    }, opts?: RequestOptions) => Promise<Pipeline>;
    /**
     * @param {string} id
     * @param {{ name?: string, probability?: number, color?: string, kind?: StageKind, sla_days?: number|null,
     *   auto_nurture?: boolean, position?: number }} changes
     * @returns {Promise<Pipeline>}
     */
    update: (id: string, changes: {
        name?: string;
        probability?: number;
        color?: string;
        kind?: StageKind;
        sla_days?: number | null;
        auto_nurture?: boolean;
        position?: number;
    }) => Promise<Pipeline>;
    /**
     * Deletes a stage; its deals go to `moveTo` (required when it holds deals).
     * @param {string} id @param {{ moveTo?: string }} [opts]
     * @returns {Promise<Pipeline>}
     */
    remove: (id: string, opts?: {
        moveTo?: string;
    }) => Promise<Pipeline>;
};
/**
 * `/api/v1/deals`: the collection, stage moves, restore, history,
 * product lines, the CSV export and merges. `update` takes
 * `{ ifMatch: deal.version }`.
 * @param {Requester} client
 */
export function dealsResource(client: Requester): {
    /** One page of deals (`offset`, `limit`, `total`). @param {DealQuery} [query] @param {RequestOptions} [opts] @returns {Promise<DealListResponse>} */
    list: (query?: DealQuery, opts?: RequestOptions) => Promise<DealListResponse>;
    /** Every deal the filters select, page by page. @param {DealQuery} [query] @returns {AsyncGenerator<Deal>} */
    all: (query?: DealQuery) => AsyncGenerator<Deal>;
    /**
     * The deals the filters select as a CSV file (owners and managers).
     * @param {DealQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>}
     */
    export: (query?: DealQuery, opts?: RequestOptions) => Promise<Response>;
    /**
     * Merges `mergeIds` into `keepId`: activities and lead conversions move
     * to the kept deal, the others are deleted (restorable).
     * @param {string} keepId @param {string[]} mergeIds @param {RequestOptions} [opts] @returns {Promise<DealMerge>}
     */
    merge: (keepId: string, mergeIds: string[], opts?: RequestOptions) => Promise<DealMerge>;
    /**
     * Moves a deal to a stage and a place in its column.
     * @param {string} id @param {MoveDeal} body
     * @returns {Promise<Deal>}
     */
    move: (id: string, body: MoveDeal) => Promise<Deal>;
    /** Restores a deleted deal. @param {string} id @returns {Promise<Deal>} */
    restore: (id: string) => Promise<Deal>;
    /** Stage moves, oldest first, and time in each stage. @param {string} id @returns {Promise<DealHistory>} */
    history: (id: string) => Promise<DealHistory>;
    products: {
        /** @param {string} id @returns {Promise<{ line_items: LineItem[], amount: number, currency: string }>} */
        list: (id: string) => Promise<{
            line_items: LineItem[];
            amount: number;
            currency: string;
        }>;
        /** Adds a line; the deal's amount follows. @param {string} id @param {ProductLine} body @returns {Promise<Deal>} */
        add: (id: string, body: ProductLine) => Promise<Deal>;
        /**
         * @param {string} id @param {string} lineId @param {Partial<ProductLine>} changes
         * @returns {Promise<Deal>}
         */
        update: (id: string, lineId: string, changes: Partial<ProductLine>) => Promise<Deal>;
        /** @param {string} id @param {string} lineId @returns {Promise<Deal>} */
        remove: (id: string, lineId: string) => Promise<Deal>;
    };
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<T>} */
    get: (id: string, opts?: RequestOptions) => Promise<Deal>;
    /** @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>} */
    create: (body: Record<string, any> | Partial<Deal>, opts?: RequestOptions) => Promise<Deal>;
    /**
     * Changes some fields (PATCH); pass `{ ifMatch: item.version }` to refuse
     * the change with 412 `version_mismatch` if someone changed it since.
     * @param {string} id @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>}
     */
    update: (id: string, body: Record<string, any> | Partial<Deal>, opts?: RequestOptions) => Promise<Deal>;
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<void>} */
    remove: (id: string, opts?: RequestOptions) => Promise<void>;
};
export function enc(s: string): string;
export type User = {
    id: string;
    email: string;
    name: string;
};
export type WorkspaceRef = {
    id: string;
    name: string;
};
export type Role = "owner" | "manager" | "rep" | "viewer";
export type Membership = {
    /**
     * Workspace id.
     */
    id: string;
    /**
     * Workspace name.
     */
    name: string;
    role: Role;
    status: "active" | "suspended";
};
export type SignupResponse = {
    user: User;
    workspace: WorkspaceRef;
    csrf_token: string;
};
export type LoginResponse = {
    user: User;
    active_workspace_id: string | null;
    csrf_token: string;
};
export type Me = {
    user: User;
    workspaces: Membership[];
    active_workspace: Membership | null;
    csrf_token: string;
};
export type Workspace = {
    id: string;
    name: string;
    /**
     * ISO 4217.
     */
    currency: string;
    /**
     * Bumped by every change; also the ETag. Pass as `ifMatch`.
     */
    version: number;
    created_at: string;
};
export type Member = {
    user_id: string;
    name: string;
    email: string;
    role: Role;
    status: "active" | "suspended";
    joined_at: string;
};
export type Invitation = {
    id: string;
    email: string;
    role: Role;
    invited_by?: string | null | undefined;
    created_at?: string | undefined;
    expires_at: string;
};
export type CreatedInvitation = Invitation & {
    token: string;
    accept_url: string;
};
export type AcceptedInvitation = {
    user: User;
    workspace: WorkspaceRef;
    role: Role;
    csrf_token: string;
};
export type ApiToken = {
    id: string;
    name: string;
    prefix: string;
    scopes: string[];
    created_by?: string | null | undefined;
    created_at: string;
    last_used_at?: string | null | undefined;
};
export type CreatedApiToken = ApiToken & {
    token: string;
};
export type AuditItem = {
    id: number;
    actor: {
        type: "user" | "token";
        id: string;
    } | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    request_id: string | null;
    details: Record<string, unknown>;
    at: string;
};
export type AuditQuery = {
    /**
     * Exact action or a prefix of whole segments.
     */
    action?: string | undefined;
    actor_user_id?: string | undefined;
    target_type?: string | undefined;
    target_id?: string | undefined;
    /**
     * RFC 3339.
     */
    since?: string | undefined;
    /**
     * RFC 3339.
     */
    until?: string | undefined;
    /**
     * 1 to 200.
     */
    limit?: number | undefined;
    cursor?: string | undefined;
};
export type StreamTicket = {
    ticket: string;
    expires_at: string;
};
export type StageKind = "open" | "won" | "lost";
export type Stage = {
    id: string;
    pipeline_id: string;
    name: string;
    /**
     * Order inside the pipeline, from 0.
     */
    position: number;
    /**
     * Default win probability, 0-100.
     */
    probability: number;
    /**
     * `#rrggbb`.
     */
    color: string;
    kind: StageKind;
    sla_days: number | null;
    auto_nurture: boolean;
    version: number;
};
export type Pipeline = {
    id: string;
    name: string;
    position: number;
    archived: boolean;
    stages: Stage[];
    version: number;
    created_at: string;
    updated_at: string;
};
export type Sum = {
    count: number;
    /**
     * Minor units.
     */
    amount: number;
    /**
     * Minor units.
     */
    weighted: number;
};
export type Totals = {
    count: number;
    /**
     * Per ISO 4217 currency; amounts are never added across currencies.
     */
    by_currency: Record<string, Sum>;
};
export type DealFlags = {
    stale: boolean;
    at_risk: boolean;
    sla_breached: boolean;
};
export type Card = {
    id: string;
    stage_id: string;
    title: string;
    amount: number;
    currency: string;
    probability: number;
    weighted: number;
    owner_id: string | null;
    contact_name: string | null;
    company_name: string | null;
    next_action_date: string | null;
    expected_close_date: string | null;
    tags: string[];
    flags: DealFlags;
    rank: string;
    version: number;
};
export type Board = {
    pipeline: Pipeline;
    columns: {
        stage: Stage;
        totals: Totals;
        cards: Card[];
    }[];
    /**
     * The forecast: open stages.
     */
    totals: Totals;
    /**
     * Subscribe to `pipeline:{id}` with `since` = seq.
     */
    seq: number;
    epoch: number;
};
export type BoardQuery = {
    owner_id?: string | undefined;
    tag?: string | undefined;
    min_amount?: number | undefined;
    max_amount?: number | undefined;
    close_from?: string | undefined;
    close_to?: string | undefined;
    stale?: boolean | undefined;
    at_risk?: boolean | undefined;
};
export type LineItem = {
    id: string;
    name: string;
    /**
     * Minor units.
     */
    unit_price: number;
    quantity: number;
    /**
     * Hundredths of a percent.
     */
    discount_bp: number;
    /**
     * Minor units.
     */
    total: number;
    position: number;
    created_at: string;
};
/**
 * A deal as the API returns it.
 */
export type Deal = {
    id: string;
    pipeline_id: string;
    stage_id: string;
    title: string;
    /**
     * Minor units.
     */
    amount: number;
    currency: string;
    probability_override: number | null;
    /**
     * The probability in effect.
     */
    probability: number;
    weighted: number;
    stage_kind: StageKind;
    flags: DealFlags;
    expected_close_date: string | null;
    next_action: string | null;
    next_action_date: string | null;
    owner_id: string | null;
    contact_id: string | null;
    contact_name: string | null;
    company_id: string | null;
    company_name: string | null;
    tags: string[];
    shared_with: string[];
    custom_fields: Record<string, unknown>;
    lost_reason: string | null;
    won_at: string | null;
    lost_at: string | null;
    rank: string;
    stage_entered_at: string;
    last_activity_at: string | null;
    line_items: LineItem[];
    created_by: string | null;
    created_at: string;
    updated_at: string;
    deleted_at: string | null;
    /**
     * Bumped by every change; also the ETag. Pass as `ifMatch`.
     */
    version: number;
};
export type DealHistory = {
    moves: {
        from_stage_id: string | null;
        to_stage_id: string;
        to_stage_name: string;
        actor_user_id: string | null;
        actor_token_id: string | null;
        at: string;
        seconds_in_stage: number;
    }[];
    time_in_stage: {
        stage_id: string;
        stage_name: string;
        seconds: number;
    }[];
};
export type MoveDeal = {
    stage_id: string;
    /**
     * Required for a lost stage.
     */
    lost_reason?: string | undefined;
    /**
     * Land just before this card...
     */
    before_id?: string | undefined;
    /**
     * ...or just after this one; neither: the end of the column.
     */
    after_id?: string | undefined;
};
export type DealListResponse = {
    deals: Deal[];
    /**
     * How many deals match the filters.
     */
    total: number;
    offset: number;
    limit: number;
};
export type DealQuery = {
    pipeline_id?: string | undefined;
    stage_id?: string | undefined;
    owner_id?: string | undefined;
    contact_id?: string | undefined;
    company_id?: string | undefined;
    tag?: string | undefined;
    min_amount?: number | undefined;
    max_amount?: number | undefined;
    close_from?: string | undefined;
    close_to?: string | undefined;
    stale?: boolean | undefined;
    at_risk?: boolean | undefined;
    q?: string | undefined;
    deleted?: boolean | undefined;
    sort?: string | undefined;
    order?: "asc" | "desc" | undefined;
    offset?: number | undefined;
    /**
     * 1 to 200.
     */
    limit?: number | undefined;
};
/**
 * What a merge moved to the kept record.
 */
export type Moved = {
    /**
     * Deals relinked (contact and company merges).
     */
    deals: number;
    /**
     * Lead conversions relinked.
     */
    leads: number;
    activities: number;
    /**
     * Contacts moved to the kept company (company merges).
     */
    contacts: number;
};
export type DealMerge = {
    /**
     * The kept deal.
     */
    deal: Deal;
    /**
     * The deals merged into it, now deleted.
     */
    merged_ids: string[];
    moved: Moved;
};
export type ProductLine = {
    name: string;
    /**
     * Minor units of the deal's currency.
     */
    unit_price: number;
    quantity?: number | undefined;
    discount_bp?: number | undefined;
};
export type RequestOptions = import("./http.js").RequestOptions;
export type Requester = {
    request(method: string, path: string, options?: RequestOptions): Promise<any>;
};
export type PipelinesResource = ReturnType<typeof pipelinesResource>;
export type StagesResource = ReturnType<typeof stagesResource>;
export type DealsResource = ReturnType<typeof dealsResource>;
export type AuthResource = ReturnType<typeof authResource>;
export type MeResource = ReturnType<typeof meResource>;
export type WorkspacesResource = ReturnType<typeof workspacesResource>;
export type WorkspaceResource = ReturnType<typeof workspaceResource>;
export type MembersResource = ReturnType<typeof membersResource>;
export type InvitationsResource = ReturnType<typeof invitationsResource>;
export type TokensResource = ReturnType<typeof tokensResource>;
export type AuditResource = ReturnType<typeof auditResource>;
export type StreamTicketsResource = ReturnType<typeof streamTicketsResource>;
