// Compiled (not run) by scripts/test.d/sdk.sh: the generated declarations
// serve a TypeScript user as intended.
import WebSocket from 'ws';
import { PulseClient, PulseError, collection, type PulseEvent, type Member } from '../types/index.js';

async function main(): Promise<void> {
  const pulse = new PulseClient({ baseUrl: 'http://127.0.0.1:8080', token: 'pulse_x', WebSocket, retry: { maxAttempts: 2 } });
  const members: Member[] = await pulse.members.list();
  const role: 'owner' | 'manager' | 'rep' | 'viewer' = members[0].role;
  const ws = await pulse.workspace.get();
  await pulse.workspace.update({ currency: 'EUR' }, { ifMatch: ws.version });
  const res = await pulse.request('POST', '/api/v1/invitations', { body: { email: 'a@b.c', role }, raw: true });
  console.log(res.replayed);
  const sub = pulse.subscribe(['workspace'], (e: PulseEvent) => console.log(e.seq, e.prev, e.type), {
    since: 1,
    epoch: 1,
    onReset: async (r) => console.log(r.reason, r.seq),
    onState: (s) => console.log(s.state, s.error?.code),
  });
  await sub.ready;
  const deals = collection(pulse, '/api/v1/deals');
  await deals.create({ name: 'x' }, { idempotencyKey: 'k' });
  try {
    await pulse.me.get();
  } catch (e) {
    if (e instanceof PulseError) console.log(e.status, e.code, e.fields.map((f) => f.field), e.retryAfter);
  }
}
void main;
