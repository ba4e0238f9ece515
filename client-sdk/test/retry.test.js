// Retries of 429 and 503. The timing tests use a local HTTP server that
// answers 429/503 first (a fake at the transport edge, so that waits are
// short and exact); the last test uses a real Pulse with a tiny rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { PulseClient, PulseError } from '../src/index.js';
import { LIMITED, PASSWORD, email } from './helpers.js';

/**
 * A server answering `script` in order (then 200 forever), recording requests.
 * @param {{ status: number, headers?: Record<string,string> }[]} script
 */
async function fake(script) {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ at: Date.now(), method: req.method, url: req.url, headers: req.headers, body });
      const step = script[seen.length - 1];
      if (step) {
        res.writeHead(step.status, { 'content-type': 'application/problem+json', ...step.headers });
        res.end(JSON.stringify({ type: 'https://pulse.dev/problems/x', title: 'x', status: step.status,
          code: step.status === 429 ? 'rate_limited' : 'unavailable', detail: 'try later', request_id: 'r1' }));
      } else {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, attempt: seen.length }));
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, seen, close: () => new Promise((r) => server.close(r)) };
}

test('429 is retried after Retry-After, with the same idempotency key', async () => {
  const srv = await fake([{ status: 429, headers: { 'retry-after': '1' } }]);
  try {
    const client = new PulseClient({ baseUrl: srv.url, token: 'pulse_test', retry: { jitterMs: 100 } });
    const started = Date.now();
    const out = await client.request('POST', '/api/v1/things', { body: { a: 1 } });
    const elapsed = Date.now() - started;
    assert.equal(out.attempt, 2);
    assert.equal(srv.seen.length, 2);
    const gap = srv.seen[1].at - srv.seen[0].at;
    assert.ok(gap >= 1000, `waited ${gap} ms, Retry-After was 1 s`);
    assert.ok(gap < 1000 + 100 + 500, `waited ${gap} ms: jitter is bounded`);
    assert.ok(elapsed >= 1000);
    const k1 = srv.seen[0].headers['idempotency-key'];
    assert.match(k1, /^[0-9a-f-]{36}$/);
    assert.equal(srv.seen[1].headers['idempotency-key'], k1, 'a retried POST reuses its key');
    assert.equal(srv.seen[1].body, srv.seen[0].body);
    assert.equal(srv.seen[0].headers.authorization, 'Bearer pulse_test');
  } finally {
    await srv.close();
  }
});

test('503 without Retry-After backs off; attempts are bounded', async () => {
  const srv = await fake([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
  try {
    const client = new PulseClient({ baseUrl: srv.url, token: 't', retry: { maxAttempts: 3, baseDelayMs: 20 } });
    const err = await client.request('GET', '/api/v1/x').catch((e) => e);
    assert.ok(err instanceof PulseError);
    assert.equal(err.status, 503);
    assert.equal(err.code, 'unavailable');
    assert.equal(err.requestId, 'r1');
    assert.equal(srv.seen.length, 3, 'maxAttempts counts every attempt');
    assert.equal(srv.seen[0].headers['idempotency-key'], undefined, 'no key on GET');
  } finally {
    await srv.close();
  }
});

test('a Retry-After longer than maxDelayMs is not waited for', async () => {
  const srv = await fake([{ status: 429, headers: { 'retry-after': '120' } }]);
  try {
    const client = new PulseClient({ baseUrl: srv.url, token: 't', retry: { maxDelayMs: 5000 } });
    const started = Date.now();
    const err = await client.request('GET', '/api/v1/x').catch((e) => e);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, 120);
    assert.ok(err.retryable);
    assert.ok(Date.now() - started < 1000);
    assert.equal(srv.seen.length, 1);
  } finally {
    await srv.close();
  }
});

test('a real Pulse over its rate limit answers a typed 429 with Retry-After', { skip: !LIMITED && 'PULSE_LIMITED_URL not set' }, async () => {
  // This server allows 3 requests per minute per IP: the limit is hit at
  // once, and its Retry-After (up to 60 s) is longer than we let it wait.
  const client = new PulseClient({ baseUrl: LIMITED, retry: { maxDelayMs: 500 } });
  let err;
  for (let i = 0; i < 10 && !err; i++) {
    err = await client.auth.login({ email: email('nobody'), password: PASSWORD }).then(() => null, (e) => (e.status === 429 ? e : null));
  }
  assert.ok(err instanceof PulseError, 'got a 429');
  assert.equal(err.code, 'rate_limited');
  assert.ok(err.retryAfter > 0 && err.retryAfter <= 60, `Retry-After ${err.retryAfter}`);
  assert.ok(err.detail);
});
