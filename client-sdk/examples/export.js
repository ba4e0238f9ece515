// Streams the contacts with a tag to a CSV file, signed in as an owner or
// manager (exports are for people, and audited).
//
//   PULSE_URL=http://127.0.0.1:8080 PULSE_EMAIL=... PULSE_PASSWORD=... node examples/export.js contacts.csv [tag]
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PulseClient, PulseError } from '../src/index.js';

const [file = 'contacts.csv', tag] = process.argv.slice(2);
const pulse = new PulseClient({ baseUrl: process.env.PULSE_URL ?? 'http://127.0.0.1:8080' });
try {
  await pulse.auth.login({ email: process.env.PULSE_EMAIL, password: process.env.PULSE_PASSWORD });
  // The export takes the list's filters and resolves to the Response, its body unread.
  const res = await pulse.contacts.export({ tag });
  await pipeline(Readable.fromWeb(/** @type {any} */ (res.body)), createWriteStream(file));
  console.log(`wrote ${file} (${res.headers.get('content-disposition')})`);
} catch (e) {
  if (!(e instanceof PulseError)) throw e;
  console.error(`${e.status} ${e.code}: ${e.detail}`);
  process.exitCode = 1;
}
