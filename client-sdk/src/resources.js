// The REST resources of Pulse, one small object each, all built on
// `client.request`. To add a resource, see `collection` below and the
// "Adding a resource" section of the README.

/**
 * @typedef {import('./http.js').RequestOptions} RequestOptions
 * @typedef {{ request(method: string, path: string, options?: RequestOptions): Promise<any> }} Requester
 */

/** @param {string} s */
const enc = (s) => encodeURIComponent(String(s));

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
export function collection(client, path, options = {}) {
  const listKey = options.listKey ?? 'items';
  return {
    /** @param {Record<string, any>} [query] @param {RequestOptions} [opts] */
    list: (query, opts) => client.request('GET', path, { ...opts, query }),
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<T>} */
    get: (id, opts) => client.request('GET', `${path}/${enc(id)}`, opts),
    /** @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>} */
    create: (body, opts) => client.request('POST', path, { ...opts, body }),
    /** @param {string} id @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>} */
    update: (id, body, opts) => client.request('PATCH', `${path}/${enc(id)}`, { ...opts, body }),
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<void>} */
    remove: (id, opts) => client.request('DELETE', `${path}/${enc(id)}`, opts),
    /**
     * Every item, following `next_cursor` page by page.
     * @param {Record<string, any>} [query]
     * @returns {AsyncGenerator<T>}
     */
    async *all(query = {}) {
      let cursor = query.cursor;
      do {
        const page = await client.request('GET', path, { query: { ...query, cursor } });
        for (const item of page[listKey] ?? []) yield item;
        cursor = page.next_cursor;
      } while (cursor);
    },
  };
}

/**
 * `POST /api/v1/auth/*`: sign-up, login, logout. These set or clear the
 * session cookie; the CSRF token in their answers is kept by the client.
 * @param {Requester & { transport: import('./http.js').Transport }} client
 */
export function authResource(client) {
  return {
    /**
     * Creates an account, its first workspace and a session.
     * @param {{ email: string, password: string, name: string, workspace_name: string }} body
     * @returns {Promise<SignupResponse>}
     */
    signup: (body) => client.request('POST', '/api/v1/auth/signup', { body, idempotencyKey: false }),
    /**
     * @param {{ email: string, password: string }} body
     * @returns {Promise<LoginResponse>}
     */
    login: (body) => client.request('POST', '/api/v1/auth/login', { body, idempotencyKey: false }),
    /** Ends the session (and forgets the cookie and CSRF token). @returns {Promise<void>} */
    logout: async () => {
      try {
        await client.request('POST', '/api/v1/auth/logout', { idempotencyKey: false });
      } finally {
        client.transport.cookies.clear();
        client.transport.csrfToken = null;
      }
    },
  };
}

/** @param {Requester} client */
export function meResource(client) {
  return {
    /** The signed-in person, their workspaces, and the CSRF token. @returns {Promise<Me>} */
    get: () => client.request('GET', '/api/v1/me'),
    /** @param {string} workspaceId @returns {Promise<Me>} */
    setActiveWorkspace: (workspaceId) =>
      client.request('POST', '/api/v1/me/active-workspace', { body: { workspace_id: workspaceId }, idempotencyKey: false }),
  };
}

/**
 * The workspaces a person belongs to (from `/me`) and switching between
 * them. New workspaces are created by sign-up today.
 * @param {Requester} client
 */
export function workspacesResource(client) {
  return {
    /** @returns {Promise<Membership[]>} */
    list: async () => (await client.request('GET', '/api/v1/me')).workspaces,
    /** @returns {Promise<Membership|null>} */
    active: async () => (await client.request('GET', '/api/v1/me')).active_workspace,
    /** Makes `workspaceId` the session's active workspace. @param {string} workspaceId @returns {Promise<Me>} */
    switch: (workspaceId) =>
      client.request('POST', '/api/v1/me/active-workspace', { body: { workspace_id: workspaceId }, idempotencyKey: false }),
  };
}

/**
 * The active workspace's settings, versioned with ETag / If-Match.
 * @param {Requester} client
 */
export function workspaceResource(client) {
  return {
    /** @returns {Promise<Workspace>} */
    get: () => client.request('GET', '/api/v1/workspace'),
    /**
     * Changes name and/or currency. Pass `ifMatch` (the `version` you read)
     * to refuse the change with 412 `version_mismatch` if someone changed it since.
     * @param {{ name?: string, currency?: string }} changes
     * @param {{ ifMatch?: number|string }} [opts]
     * @returns {Promise<Workspace>}
     */
    update: (changes, opts = {}) => client.request('PATCH', '/api/v1/workspace', { body: changes, ifMatch: opts.ifMatch }),
  };
}

/** @param {Requester} client */
export function membersResource(client) {
  return {
    /** @returns {Promise<Member[]>} */
    list: async () => (await client.request('GET', '/api/v1/members')).members,
    /** @param {string} userId @returns {Promise<Member>} */
    get: (userId) => client.request('GET', `/api/v1/members/${enc(userId)}`),
    /**
     * @param {string} userId
     * @param {{ role?: Role, status?: 'active'|'suspended' }} changes
     * @returns {Promise<Member>}
     */
    update: (userId, changes) => client.request('PATCH', `/api/v1/members/${enc(userId)}`, { body: changes }),
    /** @param {string} userId @returns {Promise<void>} */
    remove: (userId) => client.request('DELETE', `/api/v1/members/${enc(userId)}`),
  };
}

/** @param {Requester} client */
export function invitationsResource(client) {
  return {
    /**
     * @param {{ email: string, role: Exclude<Role, 'owner'> }} body
     * @param {{ idempotencyKey?: string }} [opts]
     * @returns {Promise<CreatedInvitation>}
     */
    create: (body, opts = {}) => client.request('POST', '/api/v1/invitations', { body, idempotencyKey: opts.idempotencyKey }),
    /** Pending invitations, newest first. @returns {Promise<Invitation[]>} */
    list: async () => (await client.request('GET', '/api/v1/invitations')).invitations,
    /** @param {string} id @returns {Promise<void>} */
    revoke: (id) => client.request('DELETE', `/api/v1/invitations/${enc(id)}`),
    /**
     * Accepts an invitation: signed in, as yourself (`{}`); otherwise with
     * `name` and `password` for a new account (which starts a session).
     * @param {string} token
     * @param {{ name?: string, password?: string }} [body]
     * @returns {Promise<AcceptedInvitation>}
     */
    accept: (token, body = {}) =>
      client.request('POST', `/api/v1/invitations/${enc(token)}/accept`, { body, idempotencyKey: false }),
  };
}

/** @param {Requester} client */
export function tokensResource(client) {
  return {
    /**
     * Creates an API token. Its secret (`token`) is in this answer only.
     * @param {{ name: string, scopes: string[] }} body
     * @param {{ idempotencyKey?: string }} [opts]
     * @returns {Promise<CreatedApiToken>}
     */
    create: (body, opts = {}) => client.request('POST', '/api/v1/tokens', { body, idempotencyKey: opts.idempotencyKey }),
    /** @returns {Promise<ApiToken[]>} */
    list: async () => (await client.request('GET', '/api/v1/tokens')).items,
    /** @param {string} id @returns {Promise<void>} */
    revoke: (id) => client.request('DELETE', `/api/v1/tokens/${enc(id)}`),
  };
}

/** @param {Requester} client */
export function auditResource(client) {
  return {
    /**
     * One page, newest first.
     * @param {AuditQuery} [query]
     * @returns {Promise<{ items: AuditItem[], next_cursor: string|null }>}
     */
    list: (query) => client.request('GET', '/api/v1/audit', { query: /** @type {any} */ (query) }),
    /**
     * Every entry matching `query`, following the cursor.
     * @param {AuditQuery} [query]
     * @returns {AsyncGenerator<AuditItem>}
     */
    async *all(query = {}) {
      let cursor = query.cursor;
      do {
        const page = await client.request('GET', '/api/v1/audit', { query: /** @type {any} */ ({ ...query, cursor }) });
        yield* page.items;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    },
  };
}

/** @param {Requester} client */
export function streamTicketsResource(client) {
  return {
    /** A single-use ticket for `GET /api/v1/stream?ticket=`, valid 30 s. @returns {Promise<StreamTicket>} */
    create: () => client.request('POST', '/api/v1/stream/tickets', {}),
  };
}

/**
 * @typedef {ReturnType<typeof authResource>} AuthResource
 * @typedef {ReturnType<typeof meResource>} MeResource
 * @typedef {ReturnType<typeof workspacesResource>} WorkspacesResource
 * @typedef {ReturnType<typeof workspaceResource>} WorkspaceResource
 * @typedef {ReturnType<typeof membersResource>} MembersResource
 * @typedef {ReturnType<typeof invitationsResource>} InvitationsResource
 * @typedef {ReturnType<typeof tokensResource>} TokensResource
 * @typedef {ReturnType<typeof auditResource>} AuditResource
 * @typedef {ReturnType<typeof streamTicketsResource>} StreamTicketsResource
 */
