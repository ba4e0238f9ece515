/** A random UUID (crypto.randomUUID where available). */
export function newIdempotencyKey(): any;
/**
 * Sends requests to one Pulse. Holds the credentials: a bearer token, or
 * the session cookie (the browser's, or an in-memory jar in Node) plus its
 * CSRF token.
 */
export class Transport {
    /** @param {TransportOptions} options */
    constructor(options: TransportOptions);
    /** @type {string} */
    baseUrl: string;
    /** @type {string|null} */
    token: string | null;
    /** @type {typeof fetch} */
    fetch: typeof fetch;
    /** @type {RequestCredentials} */
    credentials: RequestCredentials;
    /** @type {boolean} */
    cookieJar: boolean;
    /** @type {Map<string, string>} */
    cookies: Map<string, string>;
    /** @type {string|null} */
    csrfToken: string | null;
    /** @type {boolean} */
    autoCsrf: boolean;
    /** @type {Required<RetryOptions>} */
    retry: Required<RetryOptions>;
    /** @type {Record<string, string>} */
    headers: Record<string, string>;
    /**
     * The `Cookie` header value of the in-memory jar, or null.
     * @returns {string|null}
     */
    cookieHeader(): string | null;
    /** @param {Headers} headers */
    storeCookies(headers: Headers): void;
    /**
     * Reads the session's CSRF token from `GET /api/v1/me` (no-op without a session).
     * @returns {Promise<void>}
     */
    refreshCsrf(): Promise<void>;
    /**
     * The delay before attempt `attempt + 1` after a retryable failure.
     * @param {number} attempt 1-based number of the attempt that failed
     * @param {number|null} retryAfter seconds
     * @returns {number|null} milliseconds, or null when it is too long to wait
     */
    retryDelay(attempt: number, retryAfter: number | null): number | null;
    /**
     * Sends one request, retrying 429 and 503 (and, when replaying is safe,
     * network failures) with the same idempotency key.
     * @param {string} method
     * @param {string} path e.g. `/api/v1/members`
     * @param {RequestOptions} [options]
     * @returns {Promise<any>}
     */
    request(method: string, path: string, options?: RequestOptions): Promise<any>;
}
export type RetryOptions = {
    /**
     * Total attempts per request, the first included (default 4).
     */
    maxAttempts?: number | undefined;
    /**
     * Backoff base when the server gives no `Retry-After` (default 250).
     */
    baseDelayMs?: number | undefined;
    /**
     * Longest wait between attempts. A `Retry-After` longer than this
     * is not waited for: the error is thrown at once (default 60000).
     */
    maxDelayMs?: number | undefined;
    /**
     * Random extra delay added to `Retry-After`, 0..jitterMs (default 250).
     */
    jitterMs?: number | undefined;
};
export type RequestOptions = {
    /**
     * Query parameters; null/undefined are left out,
     * and an array repeats the parameter (`tag=a&tag=b`).
     */
    query?: Record<string, QueryValue | QueryValue[]> | undefined;
    /**
     * Sent as JSON; a `Blob`, `ArrayBuffer`, typed array or (with `contentType`)
     * string is sent as it is, e.g. a CSV file for `POST /api/v1/imports`.
     */
    body?: unknown;
    /**
     * `Content-Type` of a body sent as it is (default: the Blob's type, else
     * `application/octet-stream`).
     */
    contentType?: string | undefined;
    /**
     * For POST: the key to send. Generated when absent;
     * `false` sends none. Retries of the same call reuse the same key.
     */
    idempotencyKey?: string | false | undefined;
    /**
     * `If-Match`: a version number (sent as `"<n>"`) or an ETag as received.
     */
    ifMatch?: string | number | undefined;
    /**
     * Extra request headers.
     */
    headers?: Record<string, string> | undefined;
    signal?: AbortSignal | undefined;
    /**
     * Resolve to a {@link PulseResponse} instead of the parsed body.
     */
    raw?: boolean | undefined;
    /**
     * Resolve to the fetch `Response` of a successful answer with its body
     * unread (a CSV export, for example), to stream it or read it with `text()`. Errors are still thrown
     * as {@link PulseError}s, and 429/503 are still retried.
     */
    stream?: boolean | undefined;
};
export type QueryValue = string | number | boolean | null | undefined;
export type PulseResponse<T = any> = {
    status: number;
    headers: Headers;
    /**
     * The parsed JSON body (undefined for 204).
     */
    data: T;
    etag: string | null;
    /**
     * True when the server replayed a stored answer (`Idempotency-Replayed: true`).
     */
    replayed: boolean;
    requestId: string | null;
    /**
     * The key that was sent, if any.
     */
    idempotencyKey: string | null;
};
export type TransportOptions = {
    /**
     * e.g. `https://pulse.example.com` (no trailing path needed).
     */
    baseUrl: string;
    /**
     * An API token (`pulse_...`), sent as `Authorization: Bearer`.
     */
    token?: string | undefined;
    /**
     * Defaults to `globalThis.fetch`.
     */
    fetch?: typeof fetch | undefined;
    /**
     * Defaults to `include` (browser cookies).
     */
    credentials?: RequestCredentials | undefined;
    /**
     * Keep the session cookie in memory and send it back (Node; browsers
     * do this themselves). Defaults to true when there is no `document` and no token.
     */
    cookieJar?: boolean | undefined;
    /**
     * Initial CSRF token; later ones are picked up from login/signup/me answers.
     */
    csrfToken?: string | undefined;
    /**
     * With a session cookie: fetch the CSRF token from `GET /api/v1/me` before
     * the first unsafe request when it is not known yet (e.g. after a page reload), and once more after a
     * 403 `csrf_failed`. Default true.
     */
    autoCsrf?: boolean | undefined;
    retry?: RetryOptions | undefined;
    /**
     * Headers sent with every request.
     */
    headers?: Record<string, string> | undefined;
};
