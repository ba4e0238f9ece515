// Typed errors built from Pulse's application/problem+json answers
// (RFC 9457; see src/error.rs in the server).

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
  constructor(init) {
    const detail = init.detail || init.title || init.code;
    super(`${init.status ? init.status + ' ' : ''}${init.code}: ${detail}`, init.cause ? { cause: init.cause } : undefined);
    this.name = 'PulseError';
    /** @type {number} */
    this.status = init.status;
    /** @type {string} */
    this.code = init.code;
    /** @type {string} */
    this.detail = init.detail ?? '';
    /** @type {string} */
    this.title = init.title ?? '';
    /** @type {string} */
    this.type = init.type ?? '';
    /** @type {FieldError[]} */
    this.fields = init.fields ?? [];
    /** @type {string|null} */
    this.requestId = init.requestId ?? null;
    /** @type {number|null} */
    this.retryAfter = init.retryAfter ?? null;
    /** @type {string|undefined} */
    this.method = init.method;
    /** @type {string|undefined} */
    this.path = init.path;
    /** @type {unknown} */
    this.body = init.body;
  }

  /**
   * The message for one field, if the server named it (422 field errors).
   * @param {string} field
   * @returns {string|undefined}
   */
  fieldError(field) {
    return this.fields.find((f) => f.field === field)?.message;
  }

  /** Whether retrying the same request later may succeed (429, 503, network). */
  get retryable() {
    return this.status === 0 || this.status === 429 || this.status === 503;
  }
}

/**
 * Parses `Retry-After` (delta-seconds or an HTTP date) into seconds.
 * @param {string|null|undefined} value
 * @param {number} [now] milliseconds since the epoch
 * @returns {number|null}
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value === '') return null;
  const trimmed = String(value).trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

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
export function errorFromResponse(res, body, method, path) {
  /** @type {Problem} */
  const problem = body && typeof body === 'object' ? /** @type {Problem} */ (body) : {};
  return new PulseError({
    status: res.status,
    code: typeof problem.code === 'string' ? problem.code : `http_${res.status}`,
    detail: typeof problem.detail === 'string' ? problem.detail : typeof body === 'string' ? body.slice(0, 500) : res.statusText || '',
    title: problem.title ?? res.statusText ?? '',
    type: problem.type ?? '',
    fields: Array.isArray(problem.errors) ? problem.errors : [],
    requestId: problem.request_id ?? res.headers.get('x-request-id'),
    retryAfter: parseRetryAfter(res.headers.get('retry-after')),
    method,
    path,
    body,
  });
}
