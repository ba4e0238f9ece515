// The one generic HTTP request every resource is built on: credentials,
// CSRF, idempotency keys, problem+json errors, and retries of 429/503.

import { PulseError, errorFromResponse } from './errors.js';

/**
 * @typedef {object} RetryOptions
 * @property {number} [maxAttempts] Total attempts per request, the first included (default 4).
 * @property {number} [baseDelayMs] Backoff base when the server gives no `Retry-After` (default 250).
 * @property {number} [maxDelayMs] Longest wait between attempts. A `Retry-After` longer than this
 *   is not waited for: the error is thrown at once (default 60000).
 * @property {number} [jitterMs] Random extra delay added to `Retry-After`, 0..jitterMs (default 250).
 */

/**
 * @typedef {object} RequestOptions
 * @property {Record<string, QueryValue|QueryValue[]>} [query] Query parameters; null/undefined are left out,
 *   and an array repeats the parameter (`tag=a&tag=b`).
 * @property {unknown} [body] Sent as JSON; a `Blob`, `ArrayBuffer`, typed array or (with `contentType`)
 *   string is sent as it is, e.g. a CSV file for `POST /api/v1/imports`.
 * @property {string} [contentType] `Content-Type` of a body sent as it is (default: the Blob's type, else
 *   `application/octet-stream`).
 * @property {string|false} [idempotencyKey] For POST: the key to send. Generated when absent;
 *   `false` sends none. Retries of the same call reuse the same key.
 * @property {string|number} [ifMatch] `If-Match`: a version number (sent as `"<n>"`) or an ETag as received.
 * @property {Record<string, string>} [headers] Extra request headers.
 * @property {AbortSignal} [signal]
 * @property {boolean} [raw] Resolve to a {@link PulseResponse} instead of the parsed body.
 * @property {boolean} [stream] Resolve to the fetch `Response` of a successful answer with its body
 *   unread (a CSV export, for example), to stream it or read it with `text()`. Errors are still thrown
 *   as {@link PulseError}s, and 429/503 are still retried.
 */
/**
 * @typedef {string|number|boolean|null|undefined} QueryValue
 */

/**
 * @template [T=any]
 * @typedef {object} PulseResponse
 * @property {number} status
 * @property {Headers} headers
 * @property {T} data The parsed JSON body (undefined for 204).
 * @property {string|null} etag
 * @property {boolean} replayed True when the server replayed a stored answer (`Idempotency-Replayed: true`).
 * @property {string|null} requestId
 * @property {string|null} idempotencyKey The key that was sent, if any.
 */

/**
 * @typedef {object} TransportOptions
 * @property {string} baseUrl e.g. `https://pulse.example.com` (no trailing path needed).
 * @property {string} [token] An API token (`pulse_...`), sent as `Authorization: Bearer`.
 * @property {typeof fetch} [fetch] Defaults to `globalThis.fetch`.
 * @property {RequestCredentials} [credentials] Defaults to `include` (browser cookies).
 * @property {boolean} [cookieJar] Keep the session cookie in memory and send it back (Node; browsers
 *   do this themselves). Defaults to true when there is no `document` and no token.
 * @property {string} [csrfToken] Initial CSRF token; later ones are picked up from login/signup/me answers.
 * @property {boolean} [autoCsrf] With a session cookie: fetch the CSRF token from `GET /api/v1/me` before
 *   the first unsafe request when it is not known yet (e.g. after a page reload), and once more after a
 *   403 `csrf_failed`. Default true.
 * @property {RetryOptions} [retry]
 * @property {Record<string, string>} [headers] Headers sent with every request.
 */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Unsafe requests that need no CSRF token: they start a session. */
const CSRF_EXEMPT = /^\/api\/v1\/auth\/(signup|login)$/;

/** @param {number} ms @param {AbortSignal} [signal] */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}

/** A random UUID (crypto.randomUUID where available). */
export function newIdempotencyKey() {
  const c = /** @type {any} */ (globalThis).crypto;
  if (c?.randomUUID) return c.randomUUID();
  // Fallback for old runtimes: 122 random bits in UUID v4 form.
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The body to send and its type: JSON unless the body is bytes (a Blob,
 * an ArrayBuffer or a typed array) or a string with an explicit type.
 * @param {RequestOptions} options
 * @returns {{ body: BodyInit|undefined, contentType: string }}
 */
function encodeBody(options) {
  const b = options.body;
  if (b === undefined) return { body: undefined, contentType: 'application/json' };
  if (typeof Blob !== 'undefined' && b instanceof Blob) {
    return { body: b, contentType: options.contentType ?? (b.type || 'application/octet-stream') };
  }
  if (b instanceof ArrayBuffer || ArrayBuffer.isView(b)) {
    return { body: /** @type {BodyInit} */ (b), contentType: options.contentType ?? 'application/octet-stream' };
  }
  if (typeof b === 'string' && options.contentType) return { body: b, contentType: options.contentType };
  return { body: JSON.stringify(b), contentType: 'application/json' };
}

/**
 * Sends requests to one Pulse. Holds the credentials: a bearer token, or
 * the session cookie (the browser's, or an in-memory jar in Node) plus its
 * CSRF token.
 */
export class Transport {
  /** @param {TransportOptions} options */
  constructor(options) {
    if (!options || !options.baseUrl) throw new TypeError('baseUrl is required');
    /** @type {string} */
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    /** @type {string|null} */
    this.token = options.token ?? null;
    const f = options.fetch ?? globalThis.fetch;
    if (!f) throw new TypeError('no fetch available: pass options.fetch');
    /** @type {typeof fetch} */
    this.fetch = f.bind(globalThis);
    /** @type {RequestCredentials} */
    this.credentials = options.credentials ?? 'include';
    /** @type {boolean} */
    this.cookieJar = options.cookieJar ?? (typeof document === 'undefined' && !this.token);
    /** @type {Map<string, string>} */
    this.cookies = new Map();
    /** @type {string|null} */
    this.csrfToken = options.csrfToken ?? null;
    /** @type {boolean} */
    this.autoCsrf = options.autoCsrf ?? true;
    /** @type {Required<RetryOptions>} */
    this.retry = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 60_000, jitterMs: 250, ...options.retry };
    /** @type {Record<string, string>} */
    this.headers = { ...options.headers };
  }

  /**
   * The `Cookie` header value of the in-memory jar, or null.
   * @returns {string|null}
   */
  cookieHeader() {
    if (!this.cookieJar || this.cookies.size === 0) return null;
    return Array.from(this.cookies, ([k, v]) => `${k}=${v}`).join('; ');
  }

  /** @param {Headers} headers */
  storeCookies(headers) {
    if (!this.cookieJar) return;
    const h = /** @type {any} */ (headers);
    /** @type {string[]} */
    const list = typeof h.getSetCookie === 'function' ? h.getSetCookie() : (h.get('set-cookie') ? [h.get('set-cookie')] : []);
    for (const line of list) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) ||
        attrs.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=').slice(1).join('=')) < Date.now());
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /**
   * Reads the session's CSRF token from `GET /api/v1/me` (no-op without a session).
   * @returns {Promise<void>}
   */
  async refreshCsrf() {
    try {
      await this.request('GET', '/api/v1/me');
    } catch {
      // No session (or no network): the request itself will say so.
    }
  }

  /**
   * The delay before attempt `attempt + 1` after a retryable failure.
   * @param {number} attempt 1-based number of the attempt that failed
   * @param {number|null} retryAfter seconds
   * @returns {number|null} milliseconds, or null when it is too long to wait
   */
  retryDelay(attempt, retryAfter) {
    const { baseDelayMs, maxDelayMs, jitterMs } = this.retry;
    if (retryAfter != null) {
      const ms = retryAfter * 1000 + Math.random() * jitterMs;
      return retryAfter * 1000 > maxDelayMs ? null : Math.min(ms, maxDelayMs);
    }
    // Exponential backoff with full jitter.
    return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  }

  /**
   * Sends one request, retrying 429 and 503 (and, when replaying is safe,
   * network failures) with the same idempotency key.
   * @param {string} method
   * @param {string} path e.g. `/api/v1/members`
   * @param {RequestOptions} [options]
   * @returns {Promise<any>}
   */
  async request(method, path, options = {}) {
    method = method.toUpperCase();
    let url = /^https?:/.test(path) ? path : this.baseUrl + path;
    if (options.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(options.query)) {
        for (const one of Array.isArray(v) ? v : [v]) {
          if (one !== undefined && one !== null) q.append(k, String(one));
        }
      }
      const s = q.toString();
      if (s) url += (url.includes('?') ? '&' : '?') + s;
    }
    /** @type {string|null} */
    let idempotencyKey = null;
    if (method === 'POST' && options.idempotencyKey !== false) {
      idempotencyKey = options.idempotencyKey || newIdempotencyKey();
    }
    const { body, contentType } = encodeBody(options);
    const csrfApplies = UNSAFE.has(method) && !this.token && this.autoCsrf && !CSRF_EXEMPT.test(path);
    if (csrfApplies && !this.csrfToken) await this.refreshCsrf();
    let csrfRefreshed = false;

    for (let attempt = 1; ; attempt++) {
      /** @type {Record<string, string>} */
      const headers = { accept: 'application/json, application/problem+json', ...this.headers, ...options.headers };
      if (body !== undefined) headers['content-type'] = contentType;
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      const cookie = this.cookieHeader();
      if (cookie && !this.token) headers.cookie = cookie;
      if (UNSAFE.has(method) && this.csrfToken && !this.token) headers['x-csrf-token'] = this.csrfToken;
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      if (options.ifMatch !== undefined && options.ifMatch !== null) {
        headers['if-match'] = typeof options.ifMatch === 'number' ? `"${options.ifMatch}"` : options.ifMatch;
      }

      /** @type {Response} */
      let res;
      try {
        res = await this.fetch(url, { method, headers, body, credentials: this.credentials, signal: options.signal });
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        const err = new PulseError({ status: 0, code: 'network_error', detail: String(/** @type {any} */ (cause)?.message ?? cause), method, path, cause });
        // Replaying is safe for reads, for PUT/DELETE, and for POSTs with a key.
        const safe = !UNSAFE.has(method) || method === 'DELETE' || method === 'PUT' || idempotencyKey !== null;
        const delay = safe && attempt < this.retry.maxAttempts ? this.retryDelay(attempt, null) : null;
        if (delay === null) throw err;
        await sleep(delay, options.signal);
        continue;
      }

      this.storeCookies(res.headers);
      if (options.stream && res.ok) return res;
      const text = res.status === 204 ? '' : await res.text();
      const type = res.headers.get('content-type') ?? '';
      /** @type {any} */
      let data = undefined;
      if (text) {
        if (/json/.test(type)) {
          try { data = JSON.parse(text); } catch { data = text; }
        } else {
          data = text;
        }
      }

      if (!res.ok) {
        const err = errorFromResponse(res, data, method, path);
        if (err.code === 'csrf_failed' && csrfApplies && !csrfRefreshed) {
          csrfRefreshed = true;
          const before = this.csrfToken;
          await this.refreshCsrf();
          if (this.csrfToken && this.csrfToken !== before) continue;
          throw err;
        }
        const retryable = res.status === 429 || res.status === 503 ||
          (res.status === 409 && err.code === 'idempotency_in_progress');
        const delay = retryable && attempt < this.retry.maxAttempts ? this.retryDelay(attempt, err.retryAfter) : null;
        if (delay === null) throw err;
        await sleep(delay, options.signal);
        continue;
      }

      // Session answers (signup, login, me, invitation acceptance) carry
      // the CSRF token to send on later unsafe requests.
      if (data && typeof data === 'object' && typeof data.csrf_token === 'string') {
        this.csrfToken = data.csrf_token;
      }
      if (!options.raw) return data;
      return {
        status: res.status,
        headers: res.headers,
        data,
        etag: res.headers.get('etag'),
        replayed: res.headers.get('idempotency-replayed') === 'true',
        requestId: res.headers.get('x-request-id'),
        idempotencyKey,
      };
    }
  }
}
