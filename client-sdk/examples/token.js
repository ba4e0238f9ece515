// An API token client: every request sends `Authorization: Bearer`.
//
//   PULSE_URL=http://127.0.0.1:8080 PULSE_TOKEN=pulse_... node examples/token.js
import { PulseClient } from '../src/index.js';

const pulse = new PulseClient({ baseUrl: process.env.PULSE_URL ?? 'http://127.0.0.1:8080', token: process.env.PULSE_TOKEN });
// Any endpoint through the generic request (resources are thin wrappers on it):
const ticket = await pulse.request('POST', '/api/v1/stream/tickets');
console.log('stream ticket valid until', ticket.expires_at);
// A typed error when the token may not do something:
await pulse.members.list().catch((e) => console.log('members:', e.status, e.code, '-', e.detail));
