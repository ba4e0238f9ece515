/**
 * Parses `Retry-After` (delta-seconds or an HTTP date) into seconds.
 * @param {string|null|undefined} value
 * @param {number} [now] milliseconds since the epoch
 * @returns {number|null}
 */
export function parseRetryAfter(value: string | null | undefined, now?: number): number | null;
/**
 * Builds a PulseError from an HTTP answer and its parsed body.
 * @param {object} res
 * @param {number} res.status
 * @param {string} [res.statusText]
 * @param {{ get(name: string): string|null }} res.headers
 * @param {unknown} body parsed JSON when the answer was JSON, else text
 * @param {string} method
 * @param {string} path
 * @returns {PulseError}
 */
export function errorFromResponse(res: {
    status: number;
    statusText?: string | undefined;
    headers: {
        get(name: string): string | null;
    };
}, body: unknown, method: string, path: string): PulseError;
/**
 * One invalid field of a request (`errors[]` of a 422 `validation_failed`).
 * @typedef {object} FieldError
 * @property {string} field JSON path of the field, e.g. `email`.
 * @property {string} message What is wrong, in words a person can act on.
 */
/**
 * The problem document Pulse sends with every error.
 * @typedef {object} Problem
 * @property {string} [type] `https://pulse.dev/problems/{code}`
 * @property {string} [title]
 * @property {number} [status]
 * @property {string} [code] Stable machine-readable code, e.g. `validation_failed`.
 * @property {string} [detail] Human-readable explanation.
 * @property {string} [request_id]
 * @property {FieldError[]} [errors]
 */
/**
 * An error answered by Pulse (any non-2xx status), or a failure to reach it
 * (`status` 0, `code` `network_error`), or a live stream that cannot go on
 * (`code` such as `handshake_refused` or `protocol_error`).
 */
export class PulseError extends Error {
    /**
     * @param {object} init
     * @param {number} init.status HTTP status; 0 when no answer was received.
     * @param {string} init.code Stable machine-readable code.
     * @param {string} [init.detail]
     * @param {string} [init.title]
     * @param {string} [init.type]
     * @param {FieldError[]} [init.fields]
     * @param {string|null} [init.requestId]
     * @param {number|null} [init.retryAfter] Seconds, from `Retry-After`.
     * @param {string} [init.method]
     * @param {string} [init.path]
     * @param {Problem|unknown} [init.body] The parsed answer, as received.
     * @param {unknown} [init.cause]
     */
    constructor(init: {
        status: number;
        code: string;
        detail?: string | undefined;
        title?: string | undefined;
        type?: string | undefined;
        fields?: FieldError[] | undefined;
        requestId?: string | null | undefined;
        retryAfter?: number | null | undefined;
        method?: string | undefined;
        path?: string | undefined;
        body?: Problem | unknown;
        cause?: unknown;
    });
    /** @type {number} */
    status: number;
    /** @type {string} */
    code: string;
    /** @type {string} */
    detail: string;
    /** @type {string} */
    title: string;
    /** @type {string} */
    type: string;
    /** @type {FieldError[]} */
    fields: FieldError[];
    /** @type {string|null} */
    requestId: string | null;
    /** @type {number|null} */
    retryAfter: number | null;
    /** @type {string|undefined} */
    method: string | undefined;
    /** @type {string|undefined} */
    path: string | undefined;
    /** @type {unknown} */
    body: unknown;
    /**
     * The message for one field, if the server named it (422 field errors).
     * @param {string} field
     * @returns {string|undefined}
     */
    fieldError(field: string): string | undefined;
    /** Whether retrying the same request later may succeed (429, 503, network). */
    get retryable(): boolean;
}
/**
 * One invalid field of a request (`errors[]` of a 422 `validation_failed`).
 */
export type FieldError = {
    /**
     * JSON path of the field, e.g. `email`.
     */
    field: string;
    /**
     * What is wrong, in words a person can act on.
     */
    message: string;
};
/**
 * The problem document Pulse sends with every error.
 */
export type Problem = {
    /**
     * `https://pulse.dev/problems/{code}`
     */
    type?: string | undefined;
    title?: string | undefined;
    status?: number | undefined;
    /**
     * Stable machine-readable code, e.g. `validation_failed`.
     */
    code?: string | undefined;
    /**
     * Human-readable explanation.
     */
    detail?: string | undefined;
    request_id?: string | undefined;
    errors?: FieldError[] | undefined;
};
