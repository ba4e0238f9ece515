// Operations endpoints: health, readiness, metrics and the API document.

import { PulseError } from './errors.js';

/**
 * @typedef {import('./resources.js').Requester} Requester
 */

/**
 * @typedef {object} Readiness
 * @property {'ready'|'not_ready'} status
 * @property {'reachable'|'unreachable'} database
 * @property {number|null} [schema_version]
 * @property {number} expected_schema_version
 */

/** Health, readiness, Prometheus metrics and the OpenAPI document. @param {Requester} client */
export function systemResource(client) {
  return {
    /** Liveness (`GET /healthz`). @returns {Promise<{ status: string }>} */
    health: () => client.request('GET', '/healthz'),
    /**
     * Readiness (`GET /readyz`): whether the database is reachable and
     * migrated. A server that is not ready answers 503; its body is
     * returned all the same (after the usual 503 retries).
     * @returns {Promise<Readiness>}
     */
    ready: async () => {
      try {
        return await client.request('GET', '/readyz');
      } catch (e) {
        if (e instanceof PulseError && e.status === 503 && e.body && typeof e.body === 'object') {
          return /** @type {Readiness} */ (e.body);
        }
        throw e;
      }
    },
    /** Prometheus text (`GET /metrics`). @returns {Promise<string>} */
    metrics: () => client.request('GET', '/metrics', { headers: { accept: 'text/plain' } }),
    /** The OpenAPI 3.1 document of this server. @returns {Promise<Record<string, any>>} */
    openapi: () => client.request('GET', '/api/v1/openapi.json'),
  };
}

/**
 * @typedef {ReturnType<typeof systemResource>} SystemResource
 */
