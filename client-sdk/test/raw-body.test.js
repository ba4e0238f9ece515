// Bodies sent as they are (a CSV file for an import) rather than as JSON.
// A local HTTP server records what arrives, so the exact bytes and headers
// can be checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { PulseClient } from '../src/index.js';

async function recorder() {
  /** @type {{ method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer }[]} */
  const seen = [];
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${addr.port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

test('a Blob, bytes or a typed string go out as they are, with their content type', async () => {
  const srv = await recorder();
  try {
    const client = new PulseClient({ baseUrl: srv.url, token: 'pulse_test' });
    const csv = 'name;email\nÅsa;asa@example.com\n';
    await client.request('POST', '/api/v1/imports', { query: { entity: 'contacts', filename: 'a.csv' }, body: new Blob([csv], { type: 'text/csv' }) });
    const latin1 = Uint8Array.from([0x6e, 0x3b, 0xc5, 0x0a]);
    await client.request('POST', '/api/v1/imports', { body: latin1, contentType: 'text/csv' });
    await client.request('POST', '/api/v1/imports', { body: 'a,b\n1,2\n', contentType: 'text/csv' });
    await client.request('POST', '/api/v1/things', { body: 'just a string' });

    assert.equal(srv.seen[0].url, '/api/v1/imports?entity=contacts&filename=a.csv');
    assert.equal(srv.seen[0].headers['content-type'], 'text/csv');
    assert.equal(srv.seen[0].body.toString('utf8'), csv);
    assert.match(String(srv.seen[0].headers['idempotency-key']), /^[0-9a-f-]{36}$/, 'creates still carry a key');
    assert.equal(srv.seen[1].headers['content-type'], 'text/csv');
    assert.deepEqual([...srv.seen[1].body], [...latin1], 'bytes are not re-encoded');
    assert.equal(srv.seen[2].body.toString('utf8'), 'a,b\n1,2\n');
    // Without a content type a string is a JSON value, as before.
    assert.equal(srv.seen[3].headers['content-type'], 'application/json');
    assert.equal(srv.seen[3].body.toString('utf8'), '"just a string"');
  } finally {
    await srv.close();
  }
});
