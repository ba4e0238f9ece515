// Pulse client SDK: REST and live events, for browsers and Node 20+.
export { PulseClient } from './client.js';
export { PulseError, parseRetryAfter } from './errors.js';
export { Transport, newIdempotencyKey } from './http.js';
export { LiveConnection, Subscription, MSGPACK_SUBPROTOCOL } from './live.js';
export { collection } from './resources.js';

/**
 * @typedef {import('./client.js').ClientOptions} ClientOptions
 * @typedef {import('./http.js').RequestOptions} RequestOptions
 * @typedef {import('./http.js').RetryOptions} RetryOptions
 * @typedef {import('./errors.js').FieldError} FieldError
 * @typedef {import('./errors.js').Problem} Problem
 * @typedef {import('./live.js').PulseEvent} PulseEvent
 * @typedef {import('./live.js').ResetInfo} ResetInfo
 * @typedef {import('./live.js').StateChange} StateChange
 * @typedef {import('./live.js').ConnectionState} ConnectionState
 * @typedef {import('./live.js').PresenceChange} PresenceChange
 * @typedef {import('./live.js').SubscribeOptions} SubscribeOptions
 * @typedef {import('./live.js').Codec} Codec
 * @typedef {import('./resources.js').Member} Member
 * @typedef {import('./resources.js').Me} Me
 * @typedef {import('./resources.js').Workspace} Workspace
 * @typedef {import('./resources.js').Invitation} Invitation
 * @typedef {import('./resources.js').ApiToken} ApiToken
 * @typedef {import('./resources.js').AuditItem} AuditItem
 * @typedef {import('./resources.js').Pipeline} Pipeline
 * @typedef {import('./resources.js').Stage} Stage
 * @typedef {import('./resources.js').Board} Board
 * @typedef {import('./resources.js').Card} Card
 * @typedef {import('./resources.js').Deal} Deal
 * @typedef {import('./resources.js').LineItem} LineItem
 * @typedef {import('./resources.js').Totals} Totals
 */
