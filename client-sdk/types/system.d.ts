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
export function systemResource(client: Requester): {
    /** Liveness (`GET /healthz`). @returns {Promise<{ status: string }>} */
    health: () => Promise<{
        status: string;
    }>;
    /**
     * Readiness (`GET /readyz`): whether the database is reachable and
     * migrated. A server that is not ready answers 503; its body is
     * returned all the same (after the usual 503 retries).
     * @returns {Promise<Readiness>}
     */
    ready: () => Promise<Readiness>;
    /** Prometheus text (`GET /metrics`). @returns {Promise<string>} */
    metrics: () => Promise<string>;
    /** The OpenAPI 3.1 document of this server. @returns {Promise<Record<string, any>>} */
    openapi: () => Promise<Record<string, any>>;
};
export type Requester = import("./resources.js").Requester;
export type Readiness = {
    status: "ready" | "not_ready";
    database: "reachable" | "unreachable";
    schema_version?: number | null | undefined;
    expected_schema_version: number;
};
export type SystemResource = ReturnType<typeof systemResource>;
