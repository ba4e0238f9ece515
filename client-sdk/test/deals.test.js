// Pipelines, stages, the board and deals through the SDK's resources,
// against a real Pulse, with the board live over `pipeline:{id}`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PulseError } from '../src/index.js';
import { signedUp, waitFor } from './helpers.js';

test('pipelines, stages, deals, products and history', async () => {
  const { client } = await signedUp({}, 'deals');
  const pipeline = await client.pipelines.create({ name: 'SDK pipeline' });
  assert.deepEqual(pipeline.stages.map((s) => s.name), ['Qualification', 'Proposal', 'Negotiation', 'Won', 'Lost']);
  assert.ok((await client.pipelines.list()).some((p) => p.id === pipeline.id));
  const renamed = await client.pipelines.update(pipeline.id, { name: 'SDK deals' });
  assert.equal(renamed.name, 'SDK deals');
  const withStage = await client.stages.create(pipeline.id, { name: 'Demo', probability: 25, position: 1 });
  const demo = withStage.stages[1];
  assert.equal(demo.name, 'Demo');
  assert.equal((await client.stages.update(demo.id, { sla_days: 3 })).stages[1].sla_days, 3);

  const [qualification, , proposal] = withStage.stages;
  const a = await client.deals.create({ title: 'A', amount: 10_000, pipeline_id: pipeline.id, stage_id: qualification.id });
  const b = await client.deals.create({ title: 'B', amount: 5_000, pipeline_id: pipeline.id, stage_id: proposal.id });
  assert.equal(a.version, 1);
  const updated = await client.deals.update(a.id, { title: 'A2' }, { ifMatch: a.version });
  assert.equal(updated.title, 'A2');
  await assert.rejects(client.deals.update(a.id, { title: 'stale' }, { ifMatch: a.version }), (e) =>
    e instanceof PulseError && e.status === 412 && e.code === 'version_mismatch');

  const moved = await client.deals.move(a.id, { stage_id: proposal.id, before_id: b.id });
  assert.equal(moved.stage_id, proposal.id);
  const board = await client.pipelines.board(pipeline.id);
  const col = board.columns.find((c) => c.stage.id === proposal.id);
  assert.deepEqual(col?.cards.map((c) => c.title), ['A2', 'B']);
  assert.equal(col?.totals.by_currency.USD.amount, 15_000);
  assert.equal(typeof board.seq, 'number');

  const withLine = await client.deals.products.add(b.id, { name: 'Seats', unit_price: 2_000, quantity: 3 });
  assert.equal(withLine.amount, 6_000);
  const line = withLine.line_items[0];
  assert.equal((await client.deals.products.update(b.id, line.id, { quantity: 1 })).amount, 2_000);
  assert.equal((await client.deals.products.list(b.id)).line_items.length, 1);
  assert.equal((await client.deals.products.remove(b.id, line.id)).line_items.length, 0);

  const history = await client.deals.history(a.id);
  assert.deepEqual(history.moves.map((m) => m.to_stage_name), ['Qualification', 'Proposal']);

  await client.deals.remove(b.id);
  assert.ok((await client.deals.get(b.id)).deleted_at, 'a deleted deal is still readable, to restore it');
  assert.equal((await client.deals.restore(b.id)).title, 'B');
  const listed = await client.deals.list({ pipeline_id: pipeline.id });
  assert.equal(listed.total, 2);

  await client.stages.remove(demo.id);
  assert.equal((await client.pipelines.list()).find((p) => p.id === pipeline.id)?.stages.length, 5);
});

test('the board stays live from its seq over pipeline:{id}', async () => {
  const { client } = await signedUp({}, 'board');
  const [pipeline] = await client.pipelines.list();
  const board = await client.pipelines.board(pipeline.id);
  /** @type {any[]} */
  const events = [];
  const sub = client.subscribe(`pipeline:${pipeline.id}`, (e) => events.push(e), { since: board.seq, epoch: board.epoch });
  await sub.ready;
  const deal = await client.deals.create({ title: 'Live one', amount: 700, pipeline_id: pipeline.id });
  await client.deals.move(deal.id, { stage_id: pipeline.stages[1].id });
  await waitFor(() => events.length >= 2, 5000, 'two deal events');
  assert.deepEqual(events.map((e) => e.type), ['deal.created', 'deal.moved']);
  assert.equal(events[1].data.deal.version, 2);
  assert.equal(events[1].data.totals.stages[pipeline.stages[1].id].by_currency.USD.amount, 700);
  sub.close();
  client.close();
});
