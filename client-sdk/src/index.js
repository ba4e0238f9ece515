// Pulse client SDK: REST and live events, for browsers and Node 20+.
export { PulseClient } from './client.js';
export { PulseError, parseRetryAfter } from './errors.js';
export { Transport, newIdempotencyKey } from './http.js';
export { LiveConnection, Subscription, MSGPACK_SUBPROTOCOL } from './live.js';
export { collection } from './resources.js';
export { OPERATIONS, sdkMethod } from './operations.js';

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
 * @typedef {import('./resources.js').Moved} Moved
 * @typedef {import('./resources.js').DealMerge} DealMerge
 * @typedef {import('./leads.js').Lead} Lead
 * @typedef {import('./leads.js').LeadStatus} LeadStatus
 * @typedef {import('./leads.js').LeadSource} LeadSource
 * @typedef {import('./leads.js').ScoringWeights} ScoringWeights
 * @typedef {import('./leads.js').Widget} Widget
 * @typedef {import('./records.js').Contact} Contact
 * @typedef {import('./records.js').Company} Company
 * @typedef {import('./records.js').Activity} Activity
 * @typedef {import('./records.js').ContactOverview} ContactOverview
 * @typedef {import('./records.js').CompanyOverview} CompanyOverview
 * @typedef {import('./records.js').FieldDefinition} FieldDefinition
 * @typedef {import('./records.js').SavedView} SavedView
 * @typedef {import('./records.js').SearchHit} SearchHit
 * @typedef {import('./notifications.js').Notification} Notification
 * @typedef {import('./notifications.js').NotificationPreferences} NotificationPreferences
 * @typedef {import('./notifications.js').NotificationSettings} NotificationSettings
 * @typedef {import('./notifications.js').EmailTemplate} EmailTemplate
 * @typedef {import('./notifications.js').OutboxEmail} OutboxEmail
 * @typedef {import('./notifications.js').JobRun} JobRun
 * @typedef {import('./data.js').Import} Import
 * @typedef {import('./data.js').ImportIssue} ImportIssue
 * @typedef {import('./data.js').DryRun} DryRun
 * @typedef {import('./data.js').DuplicateGroup} DuplicateGroup
 */
