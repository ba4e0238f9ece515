// What the leads screens share: the API calls (through the page's one
// PulseClient), the status flow, bands, company sizes and source labels,
// as docs/LEADS.md describes them. The server decides; these only let
// the screens offer what it would accept.

import { pulse, role } from './session.js';

/** @param {string} s */
const enc = (s) => encodeURIComponent(s);

export const leadsApi = {
  /** @param {Record<string, any>} query */
  list: (query) => pulse.request('GET', '/api/v1/leads', { query }),
  /** @param {string} id */
  get: (id) => pulse.request('GET', `/api/v1/leads/${enc(id)}`),
  /** @param {Record<string, any>} body */
  create: (body) => pulse.request('POST', '/api/v1/leads', { body }),
  /** @param {string} id @param {Record<string, any>} body @param {number} [version] */
  update: (id, body, version) => pulse.request('PATCH', `/api/v1/leads/${enc(id)}`, { body, ifMatch: version }),
  /** @param {string} id */
  remove: (id) => pulse.request('DELETE', `/api/v1/leads/${enc(id)}`),
  /** @param {string} id @param {Record<string, any>} body */
  convert: (id, body) => pulse.request('POST', `/api/v1/leads/${enc(id)}/convert`, { body }),
  /** @param {string} id */
  scores: (id) => pulse.request('GET', `/api/v1/leads/${enc(id)}/scores`),
  /** @param {string} id @param {{ emails_opened?: number, emails_clicked?: number, meetings?: number }} body */
  engagement: (id, body) => pulse.request('POST', `/api/v1/leads/${enc(id)}/engagement`, { body }),
  sources: async () => (await pulse.request('GET', '/api/v1/lead-sources')).sources,
  /** @param {{ slug: string, label: string }} body */
  createSource: (body) => pulse.request('POST', '/api/v1/lead-sources', { body }),
  /** @param {string} slug @param {{ label?: string, archived?: boolean }} body */
  updateSource: (slug, body) => pulse.request('PATCH', `/api/v1/lead-sources/${enc(slug)}`, { body }),
  scoring: () => pulse.request('GET', '/api/v1/lead-scoring'),
  /** @param {Record<string, number>} body */
  setScoring: (body) => pulse.request('PUT', '/api/v1/lead-scoring', { body }),
  /** Custom fields defined for leads. */
  fields: async () => (await pulse.request('GET', '/api/v1/custom-fields', { query: { entity: 'lead' } })).fields ?? [],
  /** Saved views of the leads list. */
  views: async () => ((await pulse.request('GET', '/api/v1/views', { query: { entity: 'leads' } })).views ?? []),
  /** @param {Record<string, any>} body */
  createView: (body) => pulse.request('POST', '/api/v1/views', { body }),
  /** @param {string} id */
  removeView: (id) => pulse.request('DELETE', `/api/v1/views/${enc(id)}`),
  /** @param {Record<string, any>} query */
  activities: (query) => pulse.request('GET', '/api/v1/activities', { query }),
  /** @param {Record<string, any>} body */
  logActivity: (body) => pulse.request('POST', '/api/v1/activities', { body }),
  /** @param {string} id */
  completeActivity: (id) => pulse.request('POST', `/api/v1/activities/${enc(id)}/complete`, {}),
  /** @param {string} id */
  reopenActivity: (id) => pulse.request('POST', `/api/v1/activities/${enc(id)}/reopen`, {}),
};

export const STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'converted'];

/** Open statuses: a lead in one of these can still be converted or go stale. */
export const OPEN = ['new', 'contacted', 'qualified'];

export const STATUS_LABELS = {
  new: 'New',
  contacted: 'Contacted',
  qualified: 'Qualified',
  unqualified: 'Unqualified',
  converted: 'Converted',
};

/**
 * The status flow (actors/src/leads/model.rs `may_become`): where a lead
 * in each status may go by an edit. `converted` only by conversion.
 * @type {Record<string, string[]>}
 */
export const NEXT_STATUSES = {
  new: ['contacted', 'unqualified'],
  contacted: ['qualified', 'unqualified'],
  qualified: ['contacted', 'unqualified'],
  unqualified: ['contacted'],
  converted: [],
};

/** The verb on the button that moves a lead to a status. */
export const STATUS_ACTIONS = {
  contacted: 'Mark contacted',
  qualified: 'Qualify',
  unqualified: 'Disqualify',
};

export const BANDS = [['hot', 'Hot (70–100)'], ['warm', 'Warm (40–69)'], ['cold', 'Cold (0–39)']];

/** @param {number} score */
export function band(score) {
  return score >= 70 ? 'hot' : score >= 40 ? 'warm' : 'cold';
}

export const SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+'];

export const SORTS = [
  ['created_at', 'Created'],
  ['updated_at', 'Updated'],
  ['name', 'Name'],
  ['score', 'Score'],
  ['next_action_date', 'Next action date'],
  ['estimated_value', 'Estimated value'],
];

/** Scoring factors in the order docs/LEADS.md lists them, with what earns full marks. */
export const FACTORS = [
  ['source', 'Source', 'Referral earns full marks; partner, event, website… less.'],
  ['company_size', 'Company size', '1001 or more employees earn full marks.'],
  ['value', 'Estimated value', '100,000 or more earns full marks.'],
  ['title', 'Job title', 'C-level, founder, owner or president earn full marks.'],
  ['completeness', 'Completeness', 'Email, phone, company, job title and size: a fifth each.'],
  ['engagement', 'Engagement', 'Activities, emails opened and clicked, meetings.'],
];

/** Whether this person may write leads at all (reps: their own). */
export function mayWriteLeads() {
  return ['owner', 'manager', 'rep'].includes(role() ?? '');
}

/** Whether this person may reassign leads (managers and owners). */
export function mayReassignLeads() {
  return ['owner', 'manager'].includes(role() ?? '');
}

/** Sources, loaded once per page and refreshed by `lead.source_changed`. @type {Promise<any[]>|null} */
let sourcesPromise = null;

/** The workspace's lead sources (built-in and custom). @param {boolean} [fresh] */
export function loadSources(fresh = false) {
  if (!sourcesPromise || fresh) {
    sourcesPromise = leadsApi.sources().catch((e) => {
      sourcesPromise = null;
      throw e;
    });
  }
  return sourcesPromise;
}

/** A source's label from a loaded list. @param {any[]} sources @param {string} slug */
export function sourceLabel(sources, slug) {
  return sources.find((s) => s.slug === slug)?.label ?? slug;
}
