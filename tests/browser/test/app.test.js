// The browser app end to end, in headless Chromium against a real Pulse
// (started by scripts/test.d/browser.sh). The tests run in order and
// share one workspace: Ann (owner) builds it, Bob (rep, invited through
// the UI) watches it live, Vic (viewer) may only look.

import { test, before, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, api, email, screenshot, column, titles, PASSWORD, BASE } from '../helpers.js';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof newPage>>} */
let ann;
/** @type {Awaited<ReturnType<typeof newPage>>} */
let bob;
let pipelineId = '';
let bobEmail = '';

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Waits until `fn` holds in the page, or fails after `ms`. */
async function eventually(page, fn, arg, ms = 5000) {
  try {
    await page.waitForFunction(fn, arg, { timeout: ms });
  } catch (e) {
    const board = await page.evaluate(() => [...document.querySelectorAll('section.column')]
      .map((c) => `${c.querySelector('h2')?.textContent}: ${c.querySelector('.column-totals')?.textContent} [${[...c.querySelectorAll('.card-title')].map((t) => t.textContent).join(', ')}]`)
      .join('\n')).catch(() => '');
    if (process.env.FAILURE_SHOTS) await page.screenshot({ path: `${process.env.FAILURE_SHOTS}/failure-${Date.now()}.png` }).catch(() => {});
    throw new Error(`${/** @type {Error} */ (e).message} waiting for ${JSON.stringify(arg)}; the board shows:\n${board}`);
  }
}

/** Whether a column shows this card; evaluated in the page. */
const cardInColumn = ([stage, title]) => [...document.querySelectorAll('section.column')].some((c) =>
  c.querySelector('h2')?.firstChild?.textContent === stage &&
  [...c.querySelectorAll('.card-title')].some((t) => t.textContent === title));

/** A column's totals line; evaluated in the page. */
const columnTotals = ([stage, text]) => [...document.querySelectorAll('section.column')].some((c) =>
  c.querySelector('h2')?.firstChild?.textContent === stage &&
  (c.querySelector('.column-totals')?.textContent ?? '').includes(text));

test('sign up, then create a pipeline and deals through the UI', async () => {
  ann = await newPage(browser);
  const { page } = ann;
  await page.goto('/');
  await page.getByRole('heading', { name: 'Log in to Pulse' }).waitFor();
  await screenshot(page, 'login');

  // Wrong password: the error is shown on the form, in words.
  await page.getByLabel('E-mail').fill('nobody@example.com');
  await page.getByLabel('Password').fill('wrong password!');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();

  await signUp(page, { name: 'Ann Owner', email: email('ann'), workspace: 'Acme' });
  await page.getByText('Live', { exact: true }).waitFor();

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Pipelines and stages' }).click();
  await page.getByLabel('New pipeline').fill('Enterprise');
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  await page.getByRole('heading', { name: 'Enterprise' }).waitFor();
  // A stage's SLA, through its row.
  const enterprise = page.locator('article.pipeline-card').filter({ has: page.getByRole('heading', { name: 'Enterprise' }) });
  await enterprise.getByLabel('Proposal SLA days').fill('5');
  await enterprise.locator('tr').filter({ has: page.getByLabel('Proposal SLA days') }).getByRole('button', { name: 'Save' }).click();
  await page.getByText('Stage Proposal saved.').waitFor();
  await screenshot(page, 'settings');

  await enterprise.getByRole('link', { name: 'Open board' }).click();
  await page.locator('#board').waitFor();
  pipelineId = new URL(page.url()).hash.split('/')[2];
  assert.match(pipelineId, /^[0-9a-f-]{36}$/);

  for (const [title, amount, stage] of [['Globex renewal', '1200', 'Qualification'], ['Initech seats', '800.50', 'Qualification'], ['Umbrella pilot', '5000', 'Proposal']]) {
    await page.getByRole('button', { name: '+ New deal' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill(title);
    await dialog.getByLabel('Amount').fill(amount);
    await dialog.getByLabel('Stage').selectOption({ label: stage });
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await eventually(page, cardInColumn, [stage, title]);
  }
  await eventually(page, columnTotals, ['Qualification', '$2,000.50']);
  await eventually(page, columnTotals, ['Proposal', '$5,000.00']);
  // Field errors come back next to the field.
  await page.getByRole('button', { name: '+ New deal' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Title').fill('Bad amount');
  await dialog.getByLabel('Amount').fill('12abc');
  await dialog.getByRole('button', { name: 'Create deal' }).click();
  await dialog.locator('.field-error', { hasText: 'Enter an amount' }).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(ann.problems, []);
});

test('a second user, invited through the UI, sees a drag within a second with the totals', async () => {
  bobEmail = email('bob');
  const invite = await api(ann.page, 'POST', '/api/v1/invitations', { email: bobEmail, role: 'rep' });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  bob = await newPage(browser);
  await bob.page.goto(invite.body.accept_url);
  await bob.page.getByLabel('Your name').fill('Bob Rep');
  await bob.page.getByLabel('Password').fill(PASSWORD);
  await bob.page.getByRole('button', { name: 'Accept invitation' }).click();
  await bob.page.locator('#board').waitFor();
  // Bob is a rep: he sees his own deals only, so Ann gives him one.
  const deals = await api(ann.page, 'GET', `/api/v1/deals?pipeline_id=${pipelineId}`);
  const globex = deals.body.deals.find((d) => d.title === 'Globex renewal');
  const bobId = (await api(ann.page, 'GET', '/api/v1/members')).body.members.find((m) => m.name === 'Bob Rep').user_id;
  const given = await api(ann.page, 'PATCH', `/api/v1/deals/${globex.id}`, { owner_id: bobId });
  assert.equal(given.status, 200, JSON.stringify(given.body));
  await bob.page.goto(`/#/board/${pipelineId}`);
  await eventually(bob.page, cardInColumn, ['Qualification', 'Globex renewal']);

  // Presence: both are on the board.
  await ann.page.locator('#presence .avatar').nth(1).waitFor();
  assert.equal(await ann.page.locator('#presence .avatar').count(), 2);

  const card = ann.page.locator('.card', { hasText: 'Globex renewal' });
  const target = column(ann.page, 'Proposal').locator('ol.cards');
  const started = Date.now();
  await card.dragTo(target);
  await eventually(bob.page, cardInColumn, ['Proposal', 'Globex renewal'], 1000);
  await eventually(bob.page, columnTotals, ['Proposal', '$6,200.00'], 1000);
  await eventually(bob.page, columnTotals, ['Qualification', '$800.50'], 1000);
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 2000, `drag to Bob's screen took ${elapsed} ms`);
  assert.deepEqual(await titles(ann.page, 'Proposal'), ['Umbrella pilot', 'Globex renewal']);
  await screenshot(ann.page, 'board');

  // Dropping into Lost asks for a reason first.
  await ann.page.locator('.card', { hasText: 'Initech seats' }).dragTo(column(ann.page, 'Lost').locator('ol.cards'));
  const why = ann.page.getByRole('dialog');
  await why.getByLabel('Reason').fill('Went with a competitor');
  await why.getByRole('button', { name: 'Mark as lost' }).click();
  await eventually(ann.page, cardInColumn, ['Lost', 'Initech seats']);
  assert.deepEqual([...ann.problems, ...bob.problems], []);
});

test('a viewer, invited from Settings, cannot drag: the UI does not offer it and the server refuses', async () => {
  const { page } = ann;
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Members and invitations' }).click();
  const invite = page.getByRole('form', { name: 'Invite someone' });
  await invite.getByLabel('E-mail').fill(email('vic'));
  await invite.getByLabel('Role').selectOption('viewer');
  await invite.getByRole('button', { name: 'Invite' }).click();
  const link = await page.getByLabel('Invitation link').inputValue();
  assert.match(link, /\/invitations\/[A-Za-z0-9_-]+$/);
  await page.getByRole('cell', { name: 'viewer' }).first().waitFor();

  const vic = await newPage(browser);
  await vic.page.goto(link);
  await vic.page.getByLabel('Your name').fill('Vic Viewer');
  await vic.page.getByLabel('Password').fill(PASSWORD);
  await vic.page.getByRole('button', { name: 'Accept invitation' }).click();
  await vic.page.locator('#board').waitFor();
  const csrf = (await (await vic.page.request.get('/api/v1/me')).json()).csrf_token;
  await vic.page.goto(`/#/board/${pipelineId}`);
  await eventually(vic.page, cardInColumn, ['Proposal', 'Umbrella pilot']);
  assert.equal(await vic.page.locator('.card[draggable="true"]').count(), 0, 'no card is draggable');
  assert.equal(await vic.page.getByRole('button', { name: '+ New deal' }).count(), 0, 'no create button');
  const card = vic.page.locator('.card', { hasText: 'Umbrella pilot' });
  await card.focus();
  await vic.page.keyboard.press('m');
  await vic.page.keyboard.press('Alt+ArrowRight');
  await vic.page.waitForTimeout(300);
  assert.equal(await vic.page.getByRole('dialog').count(), 0, 'no move dialog');
  assert.deepEqual(await titles(vic.page, 'Proposal'), ['Umbrella pilot', 'Globex renewal']);
  const deals = await api(ann.page, 'GET', `/api/v1/deals?pipeline_id=${pipelineId}`);
  const umbrella = deals.body.deals.find((d) => d.title === 'Umbrella pilot');
  const stages = (await api(ann.page, 'GET', `/api/v1/pipelines/${pipelineId}/board`)).body.columns.map((c) => c.stage);
  const refused = await vic.page.request.put(`/api/v1/deals/${umbrella.id}/stage`, {
    data: { stage_id: stages.find((s) => s.name === 'Negotiation').id },
    headers: { 'X-CSRF-Token': csrf },
  });
  assert.equal(refused.status(), 403);
  // The viewer's drawer is read-only.
  await card.click();
  await vic.page.locator('aside.drawer').getByLabel('Title').waitFor();
  assert.ok(await vic.page.locator('aside.drawer').getByLabel('Title').isDisabled());
  assert.equal(await vic.page.getByRole('button', { name: 'Save changes' }).count(), 0);
  assert.deepEqual(vic.problems, []);
  await vic.context.close();
});

test('a card moves with the keyboard', async () => {
  const { page } = ann;
  await page.getByRole('link', { name: 'Board' }).click();
  await page.goto(`/#/board/${pipelineId}`);
  await eventually(page, cardInColumn, ['Proposal', 'Umbrella pilot']);
  const card = page.locator('.card', { hasText: 'Umbrella pilot' });
  await card.focus();
  await page.keyboard.press('m');
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Stage').selectOption({ label: 'Negotiation' });
  await dialog.getByRole('button', { name: 'Move' }).click();
  await eventually(page, cardInColumn, ['Negotiation', 'Umbrella pilot']);
  await eventually(page, columnTotals, ['Negotiation', '$5,000.00'], 2000);
  // Focus stays on the card; Alt+Left takes it back one stage.
  await eventually(page, () => document.activeElement?.classList.contains('card'));
  await page.keyboard.press('Alt+ArrowLeft');
  await eventually(page, cardInColumn, ['Proposal', 'Umbrella pilot']);
  // Alt+Up moves it above Globex (Bob's deal) inside the column.
  const order = await titles(page, 'Proposal');
  assert.deepEqual(order, ['Globex renewal', 'Umbrella pilot']);
  await page.locator('.card', { hasText: 'Umbrella pilot' }).focus();
  await page.keyboard.press('Alt+ArrowUp');
  await page.waitForFunction(() => [...document.querySelectorAll('section.column')].find((c) => c.querySelector('h2')?.firstChild?.textContent === 'Proposal')?.querySelector('.card-title')?.textContent === 'Umbrella pilot');
  let serverOrder = [];
  for (let i = 0; i < 30; i++) {
    const board = await api(page, 'GET', `/api/v1/pipelines/${pipelineId}/board`);
    serverOrder = board.body.columns.find((c) => c.stage.name === 'Proposal').cards.map((c) => c.title);
    if (serverOrder[0] === 'Umbrella pilot') break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(serverOrder, ['Umbrella pilot', 'Globex renewal'], 'the server has the same order');
});

test('the drawer edits a deal and its products, and the amount follows', async () => {
  const { page } = ann;
  await page.locator('.card', { hasText: 'Umbrella pilot' }).click();
  const drawer = page.locator('aside.drawer');
  await drawer.getByLabel('Title').waitFor();
  await drawer.getByLabel('Title').fill('Umbrella pilot (phase 1)');
  await drawer.getByLabel('Next action', { exact: true }).fill('Send the proposal');
  await drawer.getByRole('button', { name: 'Save changes' }).click();
  await drawer.getByRole('heading', { name: 'Umbrella pilot (phase 1)' }).waitFor();
  await eventually(page, cardInColumn, ['Proposal', 'Umbrella pilot (phase 1)']);

  await drawer.getByLabel('New product name').fill('Seats');
  await drawer.getByLabel(/New product unit price/).fill('50');
  await drawer.getByLabel('New product quantity').fill('10');
  await drawer.locator('#new-line-total', { hasText: '$500.00' }).waitFor();
  await drawer.getByRole('button', { name: 'Add product' }).click();
  await drawer.locator('#drawer-amount', { hasText: '$500.00' }).waitFor();
  await drawer.getByLabel('New product name').fill('Onboarding');
  await drawer.getByLabel(/New product unit price/).fill('250');
  await drawer.getByRole('button', { name: 'Add product' }).click();
  await drawer.locator('#drawer-amount', { hasText: '$750.00' }).waitFor();
  await eventually(page, columnTotals, ['Proposal', '$1,950.00']);
  await drawer.getByLabel('Amount').isDisabled();
  // Time in stage is listed.
  await drawer.locator('.time-in-stage li', { hasText: 'Proposal' }).waitFor();
  await drawer.evaluate((el) => { el.scrollTop = 0; });
  await screenshot(page, 'drawer');
  // Edit a line, then remove one; the amount follows on the card too.
  const seats = drawer.getByRole('form', { name: 'Line Seats' });
  await seats.getByLabel('Quantity').fill('5');
  await seats.locator('output', { hasText: '$250.00' }).waitFor();
  await seats.getByRole('button', { name: 'Save' }).click();
  await drawer.locator('#drawer-amount', { hasText: '$500.00' }).waitFor();
  await drawer.getByRole('button', { name: 'Remove Onboarding' }).click();
  await drawer.locator('#drawer-amount', { hasText: '$250.00' }).waitFor();
  await page.locator('.card', { hasText: 'Umbrella pilot (phase 1)' }).locator('.card-amount', { hasText: '$250.00' }).waitFor();

  // A stale version: someone else saved first; the drawer says so and reloads.
  const id = new URL(page.url()).hash.split('/')[4];
  await drawer.getByLabel('Title').fill('Umbrella pilot (phase 2)');
  await api(page, 'PATCH', `/api/v1/deals/${id}`, { next_action: 'Changed elsewhere' });
  await drawer.getByText('Someone else just changed this deal.').waitFor();
  await drawer.getByRole('button', { name: 'Save changes' }).click();
  await drawer.getByText('Someone changed this deal meanwhile; reloaded. Check it and try again.').waitFor();
  assert.equal(await drawer.getByLabel('Next action', { exact: true }).inputValue(), 'Changed elsewhere', 'the reloaded deal is shown');
  assert.equal(await drawer.getByLabel('Title').inputValue(), 'Umbrella pilot (phase 1)');

  // Delete, then restore.
  page.once('dialog', (d) => d.accept());
  await drawer.getByRole('button', { name: 'Delete deal' }).click();
  await drawer.getByText(/^Deleted on/).waitFor();
  await page.waitForFunction(() => ![...document.querySelectorAll('.card-title')].some((t) => t.textContent?.startsWith('Umbrella')));
  await drawer.getByRole('button', { name: 'Restore deal' }).click();
  await eventually(page, cardInColumn, ['Proposal', 'Umbrella pilot (phase 1)']);
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });
  assert.deepEqual(ann.problems, []);
});

test('after a network drop the board resumes and says so', async () => {
  const { page, context } = bob;
  await page.getByText('Live', { exact: true }).waitFor();
  await context.setOffline(true);
  await page.locator('#conn[data-state="offline"], #conn[data-state="reconnecting"]').waitFor();
  // Meanwhile Ann moves Bob's deal.
  const deals = await api(ann.page, 'GET', `/api/v1/deals?pipeline_id=${pipelineId}`);
  const globex = deals.body.deals.find((d) => d.title === 'Globex renewal');
  const stages = (await api(ann.page, 'GET', `/api/v1/pipelines/${pipelineId}/board`)).body.columns.map((c) => c.stage);
  const moved = await api(ann.page, 'PUT', `/api/v1/deals/${globex.id}/stage`, { stage_id: stages.find((s) => s.name === 'Negotiation').id });
  assert.equal(moved.status, 200);
  await page.waitForTimeout(500);
  assert.ok(await page.evaluate(cardInColumn, ['Proposal', 'Globex renewal']), 'nothing arrives while offline');
  await context.setOffline(false);
  await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
  await eventually(page, cardInColumn, ['Negotiation', 'Globex renewal'], 5000);
  await eventually(page, columnTotals, ['Negotiation', '$1,200.00'], 5000);
  assert.deepEqual(bob.problems, []);
});

test('after a reset the board reloads and says so', { skip: !process.env.PULSE_DB && 'needs PULSE_DB' }, async () => {
  // Nobody connected: the workspace actor stops (PULSE_WORKSPACE_IDLE_SECS=1).
  await ann.context.setOffline(true);
  await bob.context.setOffline(true);
  await bob.page.locator('#conn[data-state="offline"], #conn[data-state="reconnecting"]').waitFor();
  const deals = await api(ann.page, 'GET', `/api/v1/deals?pipeline_id=${pipelineId}`);
  const globex = deals.body.deals.find((d) => d.title === 'Globex renewal');
  const stages = (await api(ann.page, 'GET', `/api/v1/pipelines/${pipelineId}/board`)).body.columns.map((c) => c.stage);
  const moved = await api(ann.page, 'PUT', `/api/v1/deals/${globex.id}/stage`, { stage_id: stages.find((s) => s.name === 'Won').id });
  assert.equal(moved.status, 200);
  await bob.page.waitForTimeout(2500);
  // An operator marks a break in continuity (a restore from backup).
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', process.env.PULSE_DB, '-qc',
    "UPDATE workspace_streams SET epoch = epoch + 1 WHERE workspace_id = (SELECT id FROM workspaces WHERE name = 'Acme')"]);
  await bob.context.setOffline(false);
  await ann.context.setOffline(false);
  await bob.page.locator('#conn[data-state="reloaded"]').waitFor({ timeout: 10000 });
  assert.equal(await bob.page.locator('#conn').textContent(), 'Reloaded after reconnect');
  await eventually(bob.page, cardInColumn, ['Won', 'Globex renewal'], 5000);
  await eventually(bob.page, columnTotals, ['Won', '$1,200.00'], 5000);
  // Live again after the reload.
  await api(ann.page, 'PATCH', `/api/v1/deals/${globex.id}`, { title: 'Globex renewal (signed)' });
  await eventually(bob.page, cardInColumn, ['Won', 'Globex renewal (signed)'], 5000);
  assert.deepEqual(bob.problems, []);
});

test('settings: an API token is revealed once; the workspace is renamed', async () => {
  const { page } = ann;
  await page.goto('/#/settings/tokens');
  const create = page.getByRole('form', { name: 'Create an API token' });
  await create.getByLabel('Name').fill('Zapier');
  await create.getByLabel('deals:write').check();
  await create.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.getByLabel('New API token').inputValue();
  assert.match(secret, /^pulse_/);
  await page.getByRole('cell', { name: 'Zapier' }).waitFor();
  await page.getByRole('cell', { name: 'deals:read, deals:write' }).waitFor();
  const check = await page.request.get('/api/v1/pipelines', { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(check.status(), 200, 'the revealed token works');
  await page.getByRole('link', { name: 'Workspace' }).click();
  await page.getByRole('link', { name: 'API tokens' }).click();
  await page.getByRole('cell', { name: 'Zapier' }).waitFor();
  assert.equal(await page.getByLabel('New API token').count(), 0, 'the secret is not shown again');
  assert.ok(!(await page.content()).includes(secret));

  await page.getByRole('link', { name: 'Workspace' }).click();
  await page.getByLabel('Workspace name').fill('Acme Corp');
  await page.getByLabel('Currency').fill('ZZZ');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('.form-error, .field-error').first().waitFor();
  await page.getByLabel('Currency').fill('EUR');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('option', { name: 'Acme Corp (owner)' }).waitFor({ state: 'attached' });
  assert.deepEqual(ann.problems, []);
});

test('settings: pipelines and stages change, and open boards follow live', async () => {
  const watcher = await newPage(browser);
  const login = await watcher.page.request.post('/api/v1/auth/login', { data: { email: await annEmail(), password: PASSWORD } });
  assert.equal(login.status(), 200);
  await watcher.page.goto(`/#/board/${pipelineId}`);
  await eventually(watcher.page, cardInColumn, ['Proposal', 'Umbrella pilot (phase 1)']);

  const { page } = ann;
  await page.goto('/#/settings/pipelines');
  const enterprise = page.locator('article.pipeline-card').filter({ has: page.getByRole('heading', { name: 'Enterprise' }) });
  // Rename and reorder.
  await enterprise.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('Enterprise deals');
  await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('heading', { name: 'Enterprise deals' }).waitFor();
  const ent = page.locator('article.pipeline-card').filter({ has: page.getByRole('heading', { name: 'Enterprise deals' }) });
  await ent.getByRole('button', { name: 'Move Enterprise deals up' }).click();
  await page.locator('article.pipeline-card').first().getByRole('heading', { name: 'Enterprise deals' }).waitFor();
  // A stage's colour and probability, seen live on the open board.
  await ent.getByLabel('Qualification probability').fill('15');
  await ent.locator('tr').filter({ has: page.getByLabel('Qualification probability') }).getByRole('button', { name: 'Save' }).click();
  await page.getByText('Stage Qualification saved.').waitFor();
  await watcher.page.locator('section.column', { hasText: '15 %' }).waitFor();
  // Deleting a stage that holds deals asks where they go.
  await ent.locator('tr').filter({ has: page.getByLabel('Proposal probability') }).getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Delete stage' }).click();
  await dialog.locator('.field-error', { hasText: 'name the stage they move to' }).waitFor();
  await dialog.getByLabel('Move its deals to').selectOption({ label: 'Qualification' });
  await dialog.getByRole('button', { name: 'Delete stage' }).click();
  await page.getByText('Stage Proposal deleted.').waitFor();
  await eventually(watcher.page, cardInColumn, ['Qualification', 'Umbrella pilot (phase 1)']);
  assert.equal(await watcher.page.locator('section.column h2', { hasText: /^Proposal/ }).count(), 0, 'the column is gone');
  // Archive the other pipeline.
  const sales = page.locator('article.pipeline-card').filter({ has: page.getByRole('heading', { name: 'Sales' }) });
  await sales.getByRole('button', { name: 'Archive' }).click();
  await page.getByRole('heading', { name: 'Sales (archived)' }).waitFor();
  assert.deepEqual([...ann.problems, ...watcher.problems], []);
  await watcher.context.close();
});

test('a person in two workspaces switches between them', async () => {
  const carol = await newPage(browser);
  const signup = await carol.page.request.post('/api/v1/auth/signup', {
    data: { email: email('carol'), password: PASSWORD, name: 'Carol', workspace_name: 'Beta Ltd' },
  });
  assert.equal(signup.status(), 201);
  const csrf = (await signup.json()).csrf_token;
  const invite = await carol.page.request.post('/api/v1/invitations', { data: { email: bobEmail, role: 'manager' }, headers: { 'X-CSRF-Token': csrf } });
  assert.equal(invite.status(), 201);
  const { page } = bob;
  await page.goto((await invite.json()).accept_url);
  await page.getByText('You are signed in as Bob Rep').waitFor();
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await page.locator('#board').waitFor();
  const switcher = page.getByLabel('Workspace');
  await page.getByRole('option', { name: 'Beta Ltd (manager)' }).waitFor({ state: 'attached' });
  assert.equal(await switcher.locator('option').count(), 2);
  const active = await switcher.evaluate((s) => s.selectedOptions[0].textContent);
  await switcher.selectOption({ label: active === 'Beta Ltd (manager)' ? 'Acme Corp (rep)' : 'Beta Ltd (manager)' });
  await page.waitForEvent('load');
  await page.locator('#board').waitFor();
  const after = await page.getByLabel('Workspace').evaluate((s) => s.selectedOptions[0].textContent);
  assert.notEqual(after, active, 'the other workspace is active');
  await carol.context.close();
  assert.deepEqual(bob.problems, []);
});

test('phone width: columns scroll sideways; dark theme', async () => {
  const phone = await newPage(browser, { width: 390, height: 800, colorScheme: 'dark' });
  const login = await phone.page.request.post('/api/v1/auth/login', { data: { email: await annEmail(), password: PASSWORD } });
  assert.equal(login.status(), 200);
  await phone.page.goto(`${BASE}/#/board/${pipelineId}`);
  await phone.page.locator('.card').first().waitFor();
  const { scroll, client } = await phone.page.locator('#board').evaluate((b) => ({ scroll: b.scrollWidth, client: b.clientWidth }));
  assert.ok(scroll > client, 'the board scrolls horizontally');
  const bodyOverflow = await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(bodyOverflow, 'the page itself does not');
  const bg = await phone.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(15, 19, 24)', 'dark theme from prefers-color-scheme');
  await screenshot(phone.page, 'board-phone-dark');
  // The toggle overrides the system theme and is remembered.
  await phone.page.getByRole('button', { name: /Theme: system/ }).click();
  assert.equal(await phone.page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await phone.page.reload();
  await phone.page.locator('.card').first().waitFor();
  assert.equal(await phone.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(246, 247, 249)');
  assert.deepEqual(phone.problems, []);
  await phone.context.close();
});

async function annEmail() {
  const me = await ann.page.request.get('/api/v1/me');
  return (await me.json()).user.email;
}
