// Every operation of Pulse's API (as its OpenAPI document names them:
// method and path template) and the SDK method that calls it, as a dotted
// path on a PulseClient. test/coverage.test.js checks this table against
// the OpenAPI document of a running Pulse in both directions, and checks
// that each method sends the request named here.

/**
 * `"METHOD /path/{param}"` -> `"resource.method"` (or a client method).
 * @type {Readonly<Record<string, string>>}
 */
export const OPERATIONS = Object.freeze({
  // Operations
  'GET /healthz': 'system.health',
  'GET /readyz': 'system.ready',
  'GET /metrics': 'system.metrics',
  'GET /api/v1/openapi.json': 'system.openapi',

  // Accounts, team, tokens, audit, the stream
  'POST /api/v1/auth/signup': 'auth.signup',
  'POST /api/v1/auth/login': 'auth.login',
  'POST /api/v1/auth/logout': 'auth.logout',
  'GET /api/v1/me': 'me.get',
  'POST /api/v1/me/active-workspace': 'me.setActiveWorkspace',
  'GET /api/v1/workspace': 'workspace.get',
  'PATCH /api/v1/workspace': 'workspace.update',
  'GET /api/v1/audit': 'audit.list',
  'GET /api/v1/stream': 'subscribe',
  'POST /api/v1/stream/tickets': 'streamTickets.create',
  'GET /api/v1/members': 'members.list',
  'GET /api/v1/members/{user_id}': 'members.get',
  'PATCH /api/v1/members/{user_id}': 'members.update',
  'DELETE /api/v1/members/{user_id}': 'members.remove',
  'POST /api/v1/invitations': 'invitations.create',
  'GET /api/v1/invitations': 'invitations.list',
  'DELETE /api/v1/invitations/{id}': 'invitations.revoke',
  'POST /api/v1/invitations/{token}/accept': 'invitations.accept',
  'POST /api/v1/tokens': 'tokens.create',
  'GET /api/v1/tokens': 'tokens.list',
  'DELETE /api/v1/tokens/{id}': 'tokens.revoke',

  // Pipelines and deals
  'GET /api/v1/pipelines': 'pipelines.list',
  'POST /api/v1/pipelines': 'pipelines.create',
  'PATCH /api/v1/pipelines/{id}': 'pipelines.update',
  'GET /api/v1/pipelines/{id}/board': 'pipelines.board',
  'POST /api/v1/pipelines/{id}/stages': 'stages.create',
  'PATCH /api/v1/stages/{id}': 'stages.update',
  'DELETE /api/v1/stages/{id}': 'stages.remove',
  'GET /api/v1/deals': 'deals.list',
  'POST /api/v1/deals': 'deals.create',
  'GET /api/v1/deals/export': 'deals.export',
  'POST /api/v1/deals/merge': 'deals.merge',
  'GET /api/v1/deals/{id}': 'deals.get',
  'PATCH /api/v1/deals/{id}': 'deals.update',
  'DELETE /api/v1/deals/{id}': 'deals.remove',
  'POST /api/v1/deals/{id}/restore': 'deals.restore',
  'PUT /api/v1/deals/{id}/stage': 'deals.move',
  'GET /api/v1/deals/{id}/history': 'deals.history',
  'GET /api/v1/deals/{id}/products': 'deals.products.list',
  'POST /api/v1/deals/{id}/products': 'deals.products.add',
  'PATCH /api/v1/deals/{id}/products/{line_id}': 'deals.products.update',
  'DELETE /api/v1/deals/{id}/products/{line_id}': 'deals.products.remove',

  // Leads
  'GET /api/v1/leads': 'leads.list',
  'POST /api/v1/leads': 'leads.create',
  'GET /api/v1/leads/export': 'leads.export',
  'GET /api/v1/leads/{id}': 'leads.get',
  'PATCH /api/v1/leads/{id}': 'leads.update',
  'DELETE /api/v1/leads/{id}': 'leads.remove',
  'POST /api/v1/leads/{id}/convert': 'leads.convert',
  'GET /api/v1/leads/{id}/scores': 'leads.scores',
  'POST /api/v1/leads/{id}/engagement': 'leads.recordEngagement',
  'GET /api/v1/lead-sources': 'leadSources.list',
  'POST /api/v1/lead-sources': 'leadSources.create',
  'PATCH /api/v1/lead-sources/{slug}': 'leadSources.update',
  'GET /api/v1/lead-scoring': 'leadScoring.get',
  'PUT /api/v1/lead-scoring': 'leadScoring.set',
  'GET /api/v1/lead-nurture': 'leadNurture.get',
  'PATCH /api/v1/lead-nurture': 'leadNurture.update',
  'GET /api/v1/lead-widgets': 'leadWidgets.list',
  'POST /api/v1/lead-widgets': 'leadWidgets.create',
  'PATCH /api/v1/lead-widgets/{id}': 'leadWidgets.update',
  'DELETE /api/v1/lead-widgets/{id}': 'leadWidgets.revoke',
  'POST /api/v1/lead-widgets/{id}/rotate': 'leadWidgets.rotate',
  'POST /api/v1/widget/{key}/leads': 'leadWidgets.submit',
  'GET /widget.js': 'leadWidgets.script',

  // Contacts, companies, activities
  'GET /api/v1/contacts': 'contacts.list',
  'POST /api/v1/contacts': 'contacts.create',
  'POST /api/v1/contacts/bulk': 'contacts.bulk',
  'GET /api/v1/contacts/export': 'contacts.export',
  'POST /api/v1/contacts/merge': 'contacts.merge',
  'GET /api/v1/contacts/{id}': 'contacts.get',
  'PATCH /api/v1/contacts/{id}': 'contacts.update',
  'DELETE /api/v1/contacts/{id}': 'contacts.remove',
  'GET /api/v1/contacts/{id}/overview': 'contacts.overview',
  'GET /api/v1/companies': 'companies.list',
  'POST /api/v1/companies': 'companies.create',
  'GET /api/v1/companies/export': 'companies.export',
  'POST /api/v1/companies/merge': 'companies.merge',
  'GET /api/v1/companies/{id}': 'companies.get',
  'PATCH /api/v1/companies/{id}': 'companies.update',
  'DELETE /api/v1/companies/{id}': 'companies.remove',
  'GET /api/v1/companies/{id}/overview': 'companies.overview',
  'GET /api/v1/activities': 'activities.list',
  'POST /api/v1/activities': 'activities.create',
  'GET /api/v1/activities/export': 'activities.export',
  'GET /api/v1/activities/{id}': 'activities.get',
  'PATCH /api/v1/activities/{id}': 'activities.update',
  'POST /api/v1/activities/{id}/complete': 'activities.complete',
  'POST /api/v1/activities/{id}/reopen': 'activities.reopen',

  // Custom fields, views, search
  'GET /api/v1/custom-fields': 'customFields.list',
  'POST /api/v1/custom-fields': 'customFields.create',
  'PATCH /api/v1/custom-fields/{id}': 'customFields.update',
  'DELETE /api/v1/custom-fields/{id}': 'customFields.remove',
  'GET /api/v1/views': 'views.list',
  'POST /api/v1/views': 'views.create',
  'DELETE /api/v1/views/{id}': 'views.remove',
  'GET /api/v1/search': 'search.query',

  // Notifications, email
  'GET /api/v1/notifications': 'notifications.list',
  'GET /api/v1/notifications/summary': 'notifications.summary',
  'POST /api/v1/notifications/read-all': 'notifications.markAllRead',
  'POST /api/v1/notifications/{id}/read': 'notifications.markRead',
  'GET /api/v1/me/notification-preferences': 'notifications.preferences.get',
  'PATCH /api/v1/me/notification-preferences': 'notifications.preferences.update',
  'GET /api/v1/notification-settings': 'notifications.settings.get',
  'PATCH /api/v1/notification-settings': 'notifications.settings.update',
  'GET /api/v1/email-templates': 'emailTemplates.list',
  'POST /api/v1/email-templates': 'emailTemplates.create',
  'PATCH /api/v1/email-templates/{id}': 'emailTemplates.update',
  'DELETE /api/v1/email-templates/{id}': 'emailTemplates.remove',
  'GET /api/v1/outbox': 'outbox.list',
  'GET /api/v1/jobs/runs': 'jobRuns.list',

  // CSV imports, data cleanup
  'GET /api/v1/imports': 'imports.list',
  'POST /api/v1/imports': 'imports.upload',
  'GET /api/v1/imports/{id}': 'imports.get',
  'PUT /api/v1/imports/{id}/mapping': 'imports.setMapping',
  'POST /api/v1/imports/{id}/dry-run': 'imports.dryRun',
  'POST /api/v1/imports/{id}/start': 'imports.start',
  'POST /api/v1/imports/{id}/revert': 'imports.revert',
  'GET /api/v1/imports/{id}/errors': 'imports.errors',
  'GET /api/v1/cleanup/checklist': 'cleanup.checklist',
  'GET /api/v1/cleanup/duplicates': 'cleanup.duplicates',
});

/**
 * The SDK function at a dotted path of `client`, bound to its object, or
 * undefined.
 * @param {object} client A PulseClient.
 * @param {string} dotted e.g. `deals.products.add`
 * @returns {((...args: any[]) => any)|undefined}
 */
export function sdkMethod(client, dotted) {
  /** @type {any} */
  let owner = null;
  /** @type {any} */
  let value = client;
  for (const part of dotted.split('.')) {
    if (value === null || value === undefined) return undefined;
    owner = value;
    value = value[part];
  }
  return typeof value === 'function' ? value.bind(owner) : undefined;
}
