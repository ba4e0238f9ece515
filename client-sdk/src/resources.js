// The REST resources of Pulse, one small object each, all built on
// `client.request`. To add a resource, see `collection` below and the
// "Adding a resource" section of the README.

/**
 * @typedef {import('./http.js').RequestOptions} RequestOptions
 * @typedef {{ request(method: string, path: string, options?: RequestOptions): Promise<any> }} Requester
 */

/**
 * A path segment, percent-encoded.
 * @param {string} s
 */
export const enc = (s) => encodeURIComponent(String(s));

/**
 * A CSV export (`GET /api/v1/{list}/export`): the fetch `Response`, its
 * body unread, so it can be streamed (`response.body`) or read at once
 * (`await response.text()`). Refusals throw {@link PulseError}s as usual.
 * @param {Requester} client @param {string} path
 * @param {Record<string, any>} [query] The list's filters.
 * @param {RequestOptions} [opts]
 * @returns {Promise<Response>}
 */
export function exportCsv(client, path, query, opts = {}) {
  return client.request('GET', path, {
    ...opts,
    query,
    stream: true,
    headers: { accept: 'text/csv, application/problem+json', ...opts.headers },
  });
}

/**
 * Merges duplicates: `POST {path}` with `{ keep_id, merge_ids }`.
 * @param {Requester} client @param {string} path @param {string} keepId @param {string[]} mergeIds
 * @param {RequestOptions} [opts]
 */
export function mergeRecords(client, path, keepId, mergeIds, opts) {
  return client.request('POST', path, { ...opts, body: { keep_id: keepId, merge_ids: mergeIds } });
}

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
export function collection(client, path, options = {}) {
  const listKey = options.listKey ?? 'items';
  return {
    /** One page. @param {Record<string, any>} [query] @param {RequestOptions} [opts] @returns {Promise<P>} */
    list: (query, opts) => client.request('GET', path, { ...opts, query }),
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<T>} */
    get: (id, opts) => client.request('GET', `${path}/${enc(id)}`, opts),
    /** @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>} */
    create: (body, opts) => client.request('POST', path, { ...opts, body }),
    /**
     * Changes some fields (PATCH); pass `{ ifMatch: item.version }` to refuse
     * the change with 412 `version_mismatch` if someone changed it since.
     * @param {string} id @param {Partial<T>|Record<string, any>} body @param {RequestOptions} [opts] @returns {Promise<T>}
     */
    update: (id, body, opts) => client.request('PATCH', `${path}/${enc(id)}`, { ...opts, body }),
    /** @param {string} id @param {RequestOptions} [opts] @returns {Promise<void>} */
    remove: (id, opts) => client.request('DELETE', `${path}/${enc(id)}`, opts),
    /**
     * Every item the query selects, page by page: it follows `next_cursor`
     * (cursor lists), `offset` (lists with `offset`, `limit`, `total`) or
     * `page` (lists with `page`, `limit`, `total`), whichever the answer has.
     * @param {Record<string, any>} [query]
     * @returns {AsyncGenerator<T>}
     */
    all: (query = {}) => pages(client, path, listKey, query),
  };
}

/**
 * Walks the pages of a list answer, whatever its paging style.
 * @param {Requester} client @param {string} path @param {string} listKey @param {Record<string, any>} query
 * @returns {AsyncGenerator<any>}
 */
export async function* pages(client, path, listKey, query) {
  let q = { ...query };
  for (;;) {
    const page = await client.request('GET', path, { query: q });
    /** @type {any[]} */
    const items = page?.[listKey] ?? [];
    yield* items;
    if (page?.next_cursor) {
      q = { ...q, cursor: page.next_cursor };
    } else if (typeof page?.total === 'number' && typeof page.offset === 'number') {
      const next = page.offset + items.length;
      if (items.length === 0 || next >= page.total) return;
      q = { ...q, offset: next };
    } else if (typeof page?.total === 'number' && typeof page.page === 'number' && typeof page.limit === 'number') {
      if (items.length === 0 || page.page * page.limit >= page.total) return;
      q = { ...q, page: page.page + 1 };
    } else {
      return;
    }
  }
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
 * `/api/v1/pipelines`: pipelines with their stages, and the live board.
 * @param {Requester} client
 */
export function pipelinesResource(client) {
  return {
    /** In their order, archived ones included. @returns {Promise<Pipeline[]>} */
    list: async () => (await client.request('GET', '/api/v1/pipelines')).pipelines,
    /**
     * Creates a pipeline; without `stages`, the default five.
     * @param {{ name: string, stages?: Partial<Stage>[] }} body
     * @param {RequestOptions} [opts]
     * @returns {Promise<Pipeline>}
     */
    create: (body, opts) => client.request('POST', '/api/v1/pipelines', { ...opts, body }),
    /**
     * Renames, reorders (`position`), archives or unarchives.
     * @param {string} id @param {{ name?: string, position?: number, archived?: boolean }} changes
     * @returns {Promise<Pipeline>}
     */
    update: (id, changes) => client.request('PATCH', `/api/v1/pipelines/${enc(id)}`, { body: changes }),
    /**
     * The board: columns with totals and cards, and the `seq`/`epoch` it
     * reflects. Filters narrow the cards, not the totals.
     * @param {string} id @param {BoardQuery} [query]
     * @returns {Promise<Board>}
     */
    board: (id, query) => client.request('GET', `/api/v1/pipelines/${enc(id)}/board`, { query: /** @type {any} */ (query) }),
  };
}

/**
 * Stages of a pipeline. Every answer is the whole pipeline.
 * @param {Requester} client
 */
export function stagesResource(client) {
  return {
    /**
     * @param {string} pipelineId
     * @param {{ name: string, probability?: number, color?: string, kind?: StageKind, sla_days?: number|null,
     *   auto_nurture?: boolean, position?: number }} body
     * @param {RequestOptions} [opts]
     * @returns {Promise<Pipeline>}
     */
    create: (pipelineId, body, opts) =>
      client.request('POST', `/api/v1/pipelines/${enc(pipelineId)}/stages`, { ...opts, body }),
    /**
     * @param {string} id
     * @param {{ name?: string, probability?: number, color?: string, kind?: StageKind, sla_days?: number|null,
     *   auto_nurture?: boolean, position?: number }} changes
     * @returns {Promise<Pipeline>}
     */
    update: (id, changes) => client.request('PATCH', `/api/v1/stages/${enc(id)}`, { body: changes }),
    /**
     * Deletes a stage; its deals go to `moveTo` (required when it holds deals).
     * @param {string} id @param {{ moveTo?: string }} [opts]
     * @returns {Promise<Pipeline>}
     */
    remove: (id, opts = {}) => client.request('DELETE', `/api/v1/stages/${enc(id)}`, { query: { move_to: opts.moveTo } }),
  };
}

/**
 * `/api/v1/deals`: the collection, stage moves, restore, history,
 * product lines, the CSV export and merges. `update` takes
 * `{ ifMatch: deal.version }`.
 * @param {Requester} client
 */
export function dealsResource(client) {
  /** @type {ReturnType<typeof collection<Deal, DealListResponse>>} */
  const base = collection(client, '/api/v1/deals', { listKey: 'deals' });
  return {
    ...base,
    /** One page of deals (`offset`, `limit`, `total`). @param {DealQuery} [query] @param {RequestOptions} [opts] @returns {Promise<DealListResponse>} */
    list: (query, opts) => base.list(query, opts),
    /** Every deal the filters select, page by page. @param {DealQuery} [query] @returns {AsyncGenerator<Deal>} */
    all: (query) => base.all(query),
    /**
     * The deals the filters select as a CSV file (owners and managers).
     * @param {DealQuery} [query] @param {RequestOptions} [opts] @returns {Promise<Response>}
     */
    export: (query, opts) => exportCsv(client, '/api/v1/deals/export', query, opts),
    /**
     * Merges `mergeIds` into `keepId`: activities and lead conversions move
     * to the kept deal, the others are deleted (restorable).
     * @param {string} keepId @param {string[]} mergeIds @param {RequestOptions} [opts] @returns {Promise<DealMerge>}
     */
    merge: (keepId, mergeIds, opts) => mergeRecords(client, '/api/v1/deals/merge', keepId, mergeIds, opts),
    /**
     * Moves a deal to a stage and a place in its column.
     * @param {string} id @param {MoveDeal} body
     * @returns {Promise<Deal>}
     */
    move: (id, body) => client.request('PUT', `/api/v1/deals/${enc(id)}/stage`, { body }),
    /** Restores a deleted deal. @param {string} id @returns {Promise<Deal>} */
    restore: (id) => client.request('POST', `/api/v1/deals/${enc(id)}/restore`, {}),
    /** Stage moves, oldest first, and time in each stage. @param {string} id @returns {Promise<DealHistory>} */
    history: (id) => client.request('GET', `/api/v1/deals/${enc(id)}/history`),
    products: {
      /** @param {string} id @returns {Promise<{ line_items: LineItem[], amount: number, currency: string }>} */
      list: (id) => client.request('GET', `/api/v1/deals/${enc(id)}/products`),
      /** Adds a line; the deal's amount follows. @param {string} id @param {ProductLine} body @returns {Promise<Deal>} */
      add: (id, body) => client.request('POST', `/api/v1/deals/${enc(id)}/products`, { body }),
      /**
       * @param {string} id @param {string} lineId @param {Partial<ProductLine>} changes
       * @returns {Promise<Deal>}
       */
      update: (id, lineId, changes) =>
        client.request('PATCH', `/api/v1/deals/${enc(id)}/products/${enc(lineId)}`, { body: changes }),
      /** @param {string} id @param {string} lineId @returns {Promise<Deal>} */
      remove: (id, lineId) => client.request('DELETE', `/api/v1/deals/${enc(id)}/products/${enc(lineId)}`),
    },
  };
}

/**
 * @typedef {ReturnType<typeof pipelinesResource>} PipelinesResource
 * @typedef {ReturnType<typeof stagesResource>} StagesResource
 * @typedef {ReturnType<typeof dealsResource>} DealsResource
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
