// The SDK covers the whole API: every operation of a running Pulse's
// OpenAPI document is in src/operations.js, every operation there is in
// the document, and every mapped SDK method exists and sends exactly the
// request its table entry names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS, PulseClient, sdkMethod } from '../src/index.js';
import { newClient } from './helpers.js';

/**
 * Operations a server may lack as a whole group (none today: every
 * operation the SDK maps must be served). A group may be absent from the
 * document as a whole, never in part. `SDK_COVERAGE_STRICT=1` tolerates
 * nothing.
 * @type {Record<string, string[]>}
 */
const PENDING = {};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `"METHOD /path"` of every operation of an OpenAPI document. @param {any} doc */
function documentOperations(doc) {
  const ops = new Set();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of Object.keys(/** @type {object} */ (item))) {
      if (METHODS.includes(method)) ops.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return ops;
}

test('every operation of the OpenAPI document has an SDK method, and every mapped one is served', async (t) => {
  const doc = await newClient().system.openapi();
  const served = documentOperations(doc);
  assert.ok(served.size > 100, `the document lists ${served.size} operations`);

  const unmapped = [...served].filter((op) => !(op in OPERATIONS)).sort();
  assert.deepEqual(unmapped, [], 'operations of the server with no SDK method: add them to src/operations.js');

  const strict = process.env.SDK_COVERAGE_STRICT === '1';
  const pendingOps = new Set(Object.values(PENDING).flat());
  for (const op of pendingOps) assert.ok(op in OPERATIONS, `${op} is pending but not mapped`);
  const absent = Object.keys(OPERATIONS).filter((op) => !served.has(op));
  const tolerated = [];
  for (const [group, ops] of Object.entries(PENDING)) {
    const present = ops.filter((op) => served.has(op));
    if (!strict && present.length === 0) tolerated.push(group);
  }
  const notTolerated = absent.filter((op) => !Object.entries(PENDING).some(([g, ops]) => tolerated.includes(g) && ops.includes(op)));
  assert.deepEqual(notTolerated, [], 'operations in src/operations.js that the server does not serve');
  if (tolerated.length) t.diagnostic(`not served yet, tolerated: ${tolerated.join(', ')}`);
  t.diagnostic(`${served.size} operations served, ${Object.keys(OPERATIONS).length} mapped`);
});

/** Arguments for methods whose first arguments are not the path's parameters. */
const ARGS = {
  'imports.upload': ['name,email\nAda,ada@example.com\n', { entity: 'contacts', filename: 'a.csv' }],
  subscribe: ['workspace', () => {}],
};

test('every mapped SDK method exists and sends the request the table names', async () => {
  /** @type {{ method: string, url: URL }[]} */
  let seen = [];
  /** @type {typeof fetch} */
  const fakeFetch = async (input, init) => {
    seen.push({ method: init?.method ?? 'GET', url: new URL(String(input)) });
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  /** @type {string[]} */
  const sockets = [];
  class FakeWebSocket {
    /** @param {string} url */
    constructor(url) {
      sockets.push(url);
    }
    close() {}
  }
  const client = new PulseClient({
    baseUrl: 'http://pulse.test',
    token: 'pulse_test',
    fetch: fakeFetch,
    WebSocket: /** @type {any} */ (FakeWebSocket),
    webSocketHeaders: true,
  });

  for (const [op, dotted] of Object.entries(OPERATIONS)) {
    const fn = sdkMethod(client, dotted);
    assert.ok(fn, `${op}: no function at client.${dotted}`);
    const [method, template] = op.split(' ');
    const params = template.match(/\{[^}]+\}/g) ?? [];
    const ids = params.map((_, i) => `p${i + 1}`);
    let expected = template;
    for (const id of ids) expected = expected.replace(/\{[^}]+\}/, id);
    seen = [];
    const result = fn(...(/** @type {Record<string, any[]>} */ (ARGS)[dotted] ?? ids));
    if (dotted === 'subscribe') {
      result.ready.catch(() => {});
      for (let i = 0; i < 50 && sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
      assert.deepEqual(sockets.map((u) => new URL(u).pathname), [expected], op);
      client.close();
      continue;
    }
    await result;
    assert.deepEqual(seen.map((r) => `${r.method} ${r.url.pathname}`), [`${method} ${expected}`], `${op} -> client.${dotted}`);
  }
});
