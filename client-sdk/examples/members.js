// Lists the members of a workspace, signed in as a person from Node.
//
//   PULSE_URL=http://127.0.0.1:8080 PULSE_EMAIL=you@example.com PULSE_PASSWORD=... node examples/members.js
//
// (The team endpoints are for people; an API token gets 403 there today.)
import { PulseClient, PulseError } from '../src/index.js';

const pulse = new PulseClient({ baseUrl: process.env.PULSE_URL ?? 'http://127.0.0.1:8080' });
try {
  await pulse.auth.login({ email: process.env.PULSE_EMAIL, password: process.env.PULSE_PASSWORD });
  for (const m of await pulse.members.list()) {
    console.log(`${m.role.padEnd(8)} ${m.status.padEnd(9)} ${m.name} <${m.email}>`);
  }
} catch (e) {
  if (!(e instanceof PulseError)) throw e;
  console.error(`${e.status} ${e.code}: ${e.detail}`);
  process.exitCode = 1;
}
