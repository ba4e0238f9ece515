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
 * A conventional collection at `path`: list, get, create, update, remove.
 * Most CRM resources (deals, contacts, companies, activities, leads...)
 * are this plus a few extra methods.
 *
 * @template [T=any]
 * @param {Requester} client
 * @param {string} path e.g. `/api/v1/deals`
 * @param {{ listKey?: string }} [options] When the list answer wraps its items
 *   (`{"deals": [...]}`), `list` still resolves to the whole answer; `listKey`
 *   names the field `all()` pages through.
 */
export function collection<T = any>(client: Requester, path: string, options?: {
    listKey?: string;
}): {
    /** @param {Record<string, any>} [query] @param {RequestOptions} [opts] */
    list: (query?: Record<string, any>, opts?: RequestOptions) => Promise<any>;
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<T>} */
    get: (id: string, opts?: RequestOptions) => Promise<T>;
    /** @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>} */
    create: (body: Partial<T> | Record<string, any>, opts?: RequestOptions) => Promise<T>;
    /** @param {string} id @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>} */
    update: (id: string, body: Partial<T> | Record<string, any>, opts?: RequestOptions) => Promise<T>;
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<void>} */
    remove: (id: string, opts?: RequestOptions) => Promise<void>;
    /**
     * Every item, following `next_cursor` page by page.
     * @param {Record<string, any>} [query]
     * @returns {AsyncGenerator<T>}
     */
    all(query?: Record<string, any>): AsyncGenerator<T>;
};
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
export type RequestOptions = import("./http.js").RequestOptions;
export type Requester = {
    request(method: string, path: string, options?: RequestOptions): Promise<any>;
};
export type AuthResource = ReturnType<typeof authResource>;
export type MeResource = ReturnType<typeof meResource>;
export type WorkspacesResource = ReturnType<typeof workspacesResource>;
export type WorkspaceResource = ReturnType<typeof workspaceResource>;
export type MembersResource = ReturnType<typeof membersResource>;
export type InvitationsResource = ReturnType<typeof invitationsResource>;
export type TokensResource = ReturnType<typeof tokensResource>;
export type AuditResource = ReturnType<typeof auditResource>;
export type StreamTicketsResource = ReturnType<typeof streamTicketsResource>;
