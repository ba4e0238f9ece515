// Follows a workspace's events and resumes where it stopped, even across
// restarts: the last processed position is saved to a file.
//
//   PULSE_URL=http://127.0.0.1:8080 PULSE_EMAIL=... PULSE_PASSWORD=... node examples/live.js [position-file] [max-events]
import { readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { PulseClient } from '../src/index.js';

const file = process.argv[2] ?? 'pulse-position.json';
const max = Number(process.argv[3] ?? Infinity);
/** @type {{ seq?: number, epoch?: number }} */
let saved = {};
try { saved = JSON.parse(readFileSync(file, 'utf8')); } catch { /* first run */ }

const pulse = new PulseClient({ baseUrl: process.env.PULSE_URL ?? 'http://127.0.0.1:8080', WebSocket });
await pulse.auth.login({ email: process.env.PULSE_EMAIL, password: process.env.PULSE_PASSWORD });

let members = new Map((await pulse.members.list()).map((m) => [m.user_id, m]));
let seen = 0;
const sub = pulse.subscribe('workspace', (event) => {
  // Apply idempotently: member events carry the new values.
  if (event.type === 'member.removed') members.delete(event.data.user_id);
  else members.set(event.data.user_id, { ...members.get(event.data.user_id), ...event.data });
  console.log(event.seq, event.type, JSON.stringify(event.data));
  writeFileSync(file, JSON.stringify({ seq: event.seq, epoch: event.epoch }));
  if (++seen >= max) pulse.close();
}, {
  since: saved.seq,
  epoch: saved.epoch,
  onReset: async (reset) => {
    console.log(`reset (${reset.reason}): reloading`);
    members = new Map((await pulse.members.list()).map((m) => [m.user_id, m]));
    writeFileSync(file, JSON.stringify({ seq: reset.seq, epoch: reset.epoch }));
  },
  onState: (s) => console.error(`[stream ${s.state}${s.delayMs != null ? ` in ${Math.round(s.delayMs)} ms` : ''}]`),
});
await sub.ready;
console.error('listening; members:', members.size);
