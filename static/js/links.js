// Where a record opens in the app, for the bell's notifications and
// global search: leads, contacts and companies have their own pages, a
// deal opens in its board's drawer (through `#/deals/<id>`, which finds
// its pipeline), and an activity opens the record it was logged on.

import { pulse } from './session.js';

/**
 * The app path of a record, or null when it has no page.
 * @param {string} type `lead`, `deal`, `contact`, `company`, `activity`, `member`
 * @param {string} id
 * @returns {Promise<string|null>}
 */
export async function pathOf(type, id) {
  switch (type) {
    case 'lead': return `/leads/${id}`;
    case 'deal': return `/deals/${id}`;
    case 'contact': return `/contacts/${id}`;
    case 'company': return `/companies/${id}`;
    case 'member': return '/settings/members';
    case 'activity': {
      try {
        const a = await pulse.request('GET', `/api/v1/activities/${encodeURIComponent(id)}`);
        if (a.lead_id) return `/leads/${a.lead_id}`;
        if (a.deal_id) return `/deals/${a.deal_id}`;
        if (a.contact_id) return `/contacts/${a.contact_id}`;
        if (a.company_id) return `/companies/${a.company_id}`;
      } catch { /* gone or not visible: the activities list instead */ }
      return '/activities';
    }
    default: return null;
  }
}
