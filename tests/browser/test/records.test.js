// The CRM record screens end to end, in headless Chromium against a real
// Pulse (started by scripts/test.d/browser.sh): contacts with custom
// fields, search, filters, sort, pages, saved views and bulk changes;
// the contact and company 360 pages; activities and "my tasks", live
// between two people; and CSV import. The tests run in order and share
// one workspace: Ann (owner) builds it, Bob (rep) gets a task from her.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, api, email, screenshot, PASSWORD, BASE } from '../helpers.js';

/** Whether this Pulse has the CSV import API (`GET /api/v1/imports`: 401 signed out when it exists, 404 when not). */

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof newPage>>} */
let ann;
/** @type {Awaited<ReturnType<typeof newPage>>|null} */
let bob = null;
let adaId = '';
let globexId = '';

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The names in the contacts table, in order. @param {import('playwright-core').Page} page */
function rowNames(page) {
  return page.locator('table.records-table tbody th[scope="row"]').allTextContents();
}

/** Waits until the contacts table shows exactly `names` (in order). @param {import('playwright-core').Page} page @param {string[]} names */
async function expectRows(page, names) {
  try {
    await page.waitForFunction((want) => {
      const got = [...document.querySelectorAll('table.records-table tbody th[scope="row"]')].map((t) => t.textContent);
      return JSON.stringify(got) === JSON.stringify(want);
    }, names, { timeout: 5000 });
  } catch {
    assert.deepEqual(await rowNames(page), names);
  }
}

/** Waits for the pager's text. @param {import('playwright-core').Page} page @param {string} text */
async function expectPager(page, text) {
  await page.locator('.pager-info', { hasText: text }).waitFor();
}

test('contacts: a custom field, create with it, then search, filter, sort and page on the server', async () => {
  ann = await newPage(browser);
  const { page } = ann;
  await signUp(page, { name: 'Ann Owner', email: email('ann'), workspace: 'Records' });

  // A custom field for contacts, defined from the contacts screen.
  await page.goto('/#/contacts');
  await page.getByRole('button', { name: 'Custom fields' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('Label', { exact: true }).fill('Tier');
  await dialog.getByLabel('Type').selectOption('select');
  await dialog.getByLabel('Choices').fill('gold, silver');
  await dialog.getByRole('button', { name: 'Add field' }).click();
  await dialog.getByRole('form', { name: 'Field Tier' }).waitFor();
  // The server's refusal shows in the dialog: the key is taken.
  await dialog.getByLabel('Label', { exact: true }).fill('Tier again');
  await dialog.getByLabel('Key').fill('tier');
  await dialog.getByRole('button', { name: 'Add field' }).click();
  await dialog.getByRole('form', { name: 'New custom field' }).locator('.form-error, .field-error').first().waitFor();
  await dialog.getByRole('button', { name: 'Done' }).click();

  // A company with metadata, through the companies screen.
  await page.goto('/#/companies');
  await page.getByRole('button', { name: '+ New company' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('Globex');
  await dialog.getByLabel('Domain').fill('globex.example');
  await dialog.getByRole('button', { name: '+ Add a key' }).click();
  await dialog.getByLabel('Metadata key').fill('region');
  await dialog.getByLabel('Value of the new key').fill('emea');
  await dialog.getByRole('button', { name: 'Create company' }).click();
  await page.locator('#record-title', { hasText: 'Globex' }).waitFor();
  globexId = new URL(page.url()).hash.split('/')[2];

  // A contact with the custom field, linked to the company by its name.
  await page.goto('/#/contacts');
  await page.getByRole('button', { name: '+ New contact' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('First name').fill('Ada');
  await dialog.getByLabel('Last name').fill('Lovelace');
  await dialog.getByLabel('E-mail').fill('not an e-mail');
  await dialog.getByLabel('Company').fill('Globex');
  await dialog.getByLabel('Tier').selectOption('gold');
  // A tag too long, then a bad e-mail: each refusal comes back from the
  // server next to its field.
  await dialog.getByLabel('Tags').fill(`VIP, ${'x'.repeat(60)}`);
  await dialog.getByRole('button', { name: 'Create contact' }).click();
  await dialog.locator('.field-error', { hasText: '1 to 50 characters' }).waitFor();
  assert.equal(await dialog.getByLabel('Tags').getAttribute('aria-invalid'), 'true');
  await dialog.getByLabel('Tags').fill('VIP, engineer');
  await dialog.getByRole('button', { name: 'Create contact' }).click();
  await dialog.getByLabel('E-mail').and(dialog.locator('[aria-invalid="true"]')).waitFor();
  await dialog.locator('.field-error').first().waitFor();
  await dialog.getByLabel('E-mail').fill('ada@globex.example');
  await dialog.getByRole('button', { name: 'Create contact' }).click();
  await page.locator('#record-title', { hasText: 'Ada Lovelace' }).waitFor();
  adaId = new URL(page.url()).hash.split('/')[2];
  const ada = await api(page, 'GET', `/api/v1/contacts/${adaId}`);
  assert.equal(ada.body.company_id, globexId);
  assert.deepEqual(ada.body.tags, ['vip', 'engineer']);
  assert.deepEqual(ada.body.custom_fields, { tier: 'gold' });

  // Thirty more, so that the list has two pages of 25.
  for (let i = 0; i < 30; i++) {
    const n = String(i).padStart(2, '0');
    const r = await api(page, 'POST', '/api/v1/contacts', { first_name: 'Person', last_name: n, email: `p${n}@example.com`, custom_fields: { tier: i < 3 ? 'silver' : 'gold' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }

  await page.goto('/#/contacts');
  await expectPager(page, '1–25 of 31');
  await page.getByRole('button', { name: 'Next →' }).click();
  await expectPager(page, '26–31 of 31');
  assert.match(page.url(), /page=2/);

  // Sort by name (last name, then first), ascending then descending: the
  // column header toggles the order.
  await page.getByLabel('Sort by').selectOption('name');
  await page.getByLabel('Order').selectOption('asc');
  await page.waitForFunction(() => document.querySelector('table.records-table tbody th[scope="row"]')?.textContent === 'Person 00');
  await page.getByRole('button', { name: /^Name/ }).click();
  await page.waitForFunction(() => document.querySelector('table.records-table tbody th[scope="row"]')?.textContent === 'Ada Lovelace');
  assert.equal((await rowNames(page))[1], 'Person 29');

  // Search as you type, then the custom field filter, then both cleared.
  await page.getByLabel('Search contacts', { exact: true }).fill('lovel');
  await expectRows(page, ['Ada Lovelace']);
  await page.getByLabel('Search contacts', { exact: true }).fill('');
  await expectPager(page, 'of 31');
  await page.locator('summary', { hasText: 'Custom field filters' }).click();
  const cfFilters = page.locator('details.filter-box', { hasText: 'Custom field filters' });
  await cfFilters.getByLabel('Tier').selectOption('silver');
  await expectRows(page, ['Person 02', 'Person 01', 'Person 00']);
  // The company filter, by name.
  await cfFilters.getByLabel('Tier').selectOption('');
  await page.getByLabel('Company', { exact: true }).fill('Globex');
  await page.getByLabel('Company', { exact: true }).press('Enter');
  await page.getByLabel('Company', { exact: true }).blur();
  await expectRows(page, ['Ada Lovelace']);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expectPager(page, '1–25 of 31');
  await screenshot(page, 'contacts');
  assert.deepEqual(ann.problems, []);
});

test('saved views: save, apply and delete; the eleventh is refused in the server’s words', async () => {
  const { page } = ann;
  await page.goto('/#/contacts');
  await expectPager(page, 'of 31');
  await page.getByLabel('Tags', { exact: true }).fill('vip');
  await page.getByLabel('Tags', { exact: true }).press('Tab');
  await expectRows(page, ['Ada Lovelace']);
  await page.getByLabel('Name of the new view').fill('VIPs');
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByRole('button', { name: 'VIPs', exact: true }).waitFor();

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expectPager(page, 'of 31');
  await page.getByRole('button', { name: 'VIPs', exact: true }).click();
  await expectRows(page, ['Ada Lovelace']);
  assert.match(page.url(), /tag=vip/);

  // Nine more make ten; the eleventh, saved through the screen, is refused.
  for (let i = 2; i <= 10; i++) {
    const r = await api(page, 'POST', '/api/v1/views', { entity: 'contacts', name: `View ${i}`, filters: {} });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  await page.getByLabel('Name of the new view').fill('One too many');
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByRole('form', { name: 'Save the current filters as a view' }).locator('.form-error', { hasText: '10 saved views' }).waitFor();

  await page.getByRole('button', { name: 'Delete view VIPs' }).click();
  await page.getByRole('button', { name: 'VIPs', exact: true }).waitFor({ state: 'detached' });
  const views = await api(page, 'GET', '/api/v1/views?entity=contacts');
  assert.equal(views.body.views.length, 9);
  assert.ok(!views.body.views.some((v) => v.name === 'VIPs'));
  assert.deepEqual(ann.problems, []);
});

test('bulk: tags added to a selection, then the owner set and a contact deleted', async () => {
  const { page } = ann;
  await page.goto('/#/contacts?sort=name&order=asc');
  await expectPager(page, '1–25 of 31');
  await page.getByLabel('Select Person 00').check();
  await page.getByLabel('Select Person 01').check();
  const bulk = page.getByRole('form', { name: 'Change the selected contacts' });
  await bulk.getByText('2 contacts selected').waitFor();
  await bulk.getByLabel('Action').selectOption('add_tags');
  await bulk.getByLabel('Tags').fill('Q3 push, partner');
  await bulk.getByRole('button', { name: 'Apply' }).click();
  await page.locator('.toast', { hasText: 'Tags added to 2 contacts.' }).waitFor();
  // The list shows the new tags, and the server has them.
  await page.locator('tr', { has: page.getByRole('link', { name: 'Person 00' }) }).locator('.tag', { hasText: 'q3 push' }).waitFor();
  const tagged = await api(page, 'GET', '/api/v1/contacts?tag=q3%20push&tag=partner');
  assert.deepEqual(tagged.body.items.map((c) => c.name).sort(), ['Person 00', 'Person 01']);

  // A new owner for one of them: nobody.
  await page.getByLabel('Select Person 01').check();
  await bulk.getByText('1 contact selected').waitFor();
  await bulk.getByLabel('Action').selectOption('set_owner');
  await bulk.getByLabel('New owner').selectOption({ label: 'Nobody' });
  await bulk.getByRole('button', { name: 'Apply' }).click();
  await page.locator('tr', { has: page.getByRole('link', { name: 'Person 01' }) }).getByText('Nobody').waitFor();
  const p01 = await api(page, 'GET', '/api/v1/contacts?q=person%2001');
  assert.equal(p01.body.items[0].owner_id, null);

  await page.getByLabel('Select Person 02').check();
  await bulk.getByLabel('Action').selectOption('delete');
  await bulk.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('.toast', { hasText: 'Deleted 1 contact.' }).waitFor();
  await expectPager(page, 'of 30');
  assert.deepEqual(ann.problems, []);
});

test('the contact 360 page: profile, company, deals with lifetime value, timeline in order, audit trail', async () => {
  const { page } = ann;
  const pipeline = (await api(page, 'GET', '/api/v1/pipelines')).body.pipelines[0];
  const open = pipeline.stages.find((s) => s.kind === 'open');
  const won = pipeline.stages.find((s) => s.kind === 'won');
  const renewal = await api(page, 'POST', '/api/v1/deals', { title: 'Globex renewal', amount: 120000, currency: 'USD', pipeline_id: pipeline.id, stage_id: open.id, contact_id: adaId, company_id: globexId });
  assert.equal(renewal.status, 201, JSON.stringify(renewal.body));
  const pilot = await api(page, 'POST', '/api/v1/deals', { title: 'Globex pilot', amount: 50000, currency: 'USD', pipeline_id: pipeline.id, stage_id: open.id, contact_id: adaId, company_id: globexId });
  assert.equal((await api(page, 'PUT', `/api/v1/deals/${pilot.body.id}/stage`, { stage_id: won.id })).status, 200);

  await page.goto('/#/contacts?q=ada');
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await page.locator('#record-title', { hasText: 'Ada Lovelace' }).waitFor();
  const deals = page.getByRole('region', { name: 'Deals' });
  await deals.getByLabel('Lifetime value').filter({ hasText: '$500.00' }).waitFor();
  await deals.getByRole('list', { name: 'Open deals' }).getByRole('link', { name: 'Globex renewal' }).waitFor();
  await deals.getByRole('list', { name: 'Won deals' }).getByRole('link', { name: 'Globex pilot' }).waitFor();
  await page.getByRole('region', { name: 'Company' }).getByRole('link', { name: 'Globex' }).waitFor();
  await page.getByRole('region', { name: 'Profile' }).getByText('gold').waitFor();

  // Log a call, then a task, from this page: the timeline keeps their order.
  await page.getByRole('button', { name: '+ Log activity' }).click();
  let dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByLabel('Type').inputValue(), 'call');
  await dialog.getByLabel('Subject').fill('Intro call');
  await dialog.getByLabel('Direction').selectOption('outbound');
  await dialog.getByLabel('Duration (minutes)').fill('25');
  await dialog.getByLabel('Notes').fill('Talked about the renewal.');
  await dialog.getByRole('button', { name: 'Save activity' }).click();
  await page.locator('.tl-item', { hasText: 'Intro call' }).waitFor();
  await page.getByRole('button', { name: '+ Add' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Type').selectOption('task');
  await dialog.getByLabel('Subject').fill('Send the proposal');
  await dialog.getByLabel('Priority').selectOption('high');
  // Out of range: refused locally, next to the field.
  await dialog.getByLabel('Duration (minutes)').fill('99999');
  await dialog.getByRole('button', { name: 'Save activity' }).click();
  await dialog.locator('.field-error', { hasText: 'minutes' }).waitFor();
  await dialog.getByLabel('Duration (minutes)').fill('');
  await dialog.getByRole('button', { name: 'Save activity' }).click();
  await page.locator('.tl-item', { hasText: 'Send the proposal' }).waitFor();
  const order = await page.locator('.record-timeline .tl-subject').allTextContents();
  assert.deepEqual(order, ['Intro call', 'Send the proposal']);
  const call = (await api(page, 'GET', `/api/v1/activities?contact_id=${adaId}&type=call`)).body.items[0];
  assert.equal(call.direction, 'outbound');
  assert.equal(call.duration_minutes, 25);
  assert.equal(call.company_id, globexId, 'the contact’s company is linked too');

  await page.getByRole('button', { name: 'Complete Send the proposal' }).click();
  await page.getByRole('button', { name: 'Reopen Send the proposal' }).waitFor();

  // An edit shows in the profile and in the audit trail.
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Job title').fill('Analyst');
  await dialog.getByRole('button', { name: 'Save contact' }).click();
  await page.locator('.record-sub', { hasText: 'Analyst at Globex' }).waitFor();
  const audit = page.getByRole('region', { name: 'Audit trail' });
  await audit.getByText('Created').waitFor();
  await audit.getByText('job title').waitFor();
  await screenshot(page, 'contact');
  assert.deepEqual(ann.problems, []);
});

test('companies: metadata and status filters; the 360 page with key contacts, deals and timeline', async () => {
  const { page } = ann;
  await page.goto('/#/companies');
  const globex = page.getByRole('table', { name: 'Companies' }).getByRole('link', { name: 'Globex', exact: true });
  await globex.waitFor();
  await page.locator('summary', { hasText: 'Metadata filters' }).click();
  const meta = page.getByRole('form', { name: 'Add a metadata filter' });
  await meta.getByLabel('Key').fill('region');
  await meta.getByLabel('Value').fill('apac');
  await meta.getByRole('button', { name: 'Add filter' }).click();
  await page.getByText('No company matches these filters.').waitFor();
  await page.getByRole('button', { name: 'Remove the filter on region' }).click();
  await globex.waitFor();
  await page.locator('summary', { hasText: 'Metadata filters' }).click();
  await meta.getByLabel('Key').fill('region');
  await meta.getByLabel('Value').fill('emea');
  await meta.getByRole('button', { name: 'Add filter' }).click();
  await globex.waitFor();
  assert.match(page.url(), /meta\.region=emea/);
  await page.getByLabel('Status', { exact: true }).selectOption('churned');
  await page.getByText('No company matches these filters.').waitFor();
  await page.getByLabel('Status', { exact: true }).selectOption('prospect');
  await globex.click();

  await page.locator('#record-title', { hasText: 'Globex' }).waitFor();
  await page.getByRole('list', { name: 'Key contacts' }).getByRole('link', { name: 'Ada Lovelace' }).waitFor();
  await page.getByRole('list', { name: 'Open deals' }).getByRole('link', { name: 'Globex renewal' }).waitFor();
  await page.getByLabel('Lifetime value').filter({ hasText: '$500.00' }).waitFor();
  // The contact's activities are on the company's timeline.
  await page.locator('.tl-item', { hasText: 'Intro call' }).waitFor();
  await page.getByRole('region', { name: 'Profile' }).getByText('emea').waitFor();
  await screenshot(page, 'company');
  assert.deepEqual(ann.problems, []);
});

test('A assigns a task to B through the activities screen: B sees it live, and B’s bell count rises', async (t) => {
  const invite = await api(ann.page, 'POST', '/api/v1/invitations', { email: email('bob'), role: 'rep' });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  bob = await newPage(browser);
  await bob.page.goto(invite.body.accept_url);
  await bob.page.getByLabel('Your name').fill('Bob Rep');
  await bob.page.getByLabel('Password').fill(PASSWORD);
  await bob.page.getByRole('button', { name: 'Accept invitation' }).click();
  await bob.page.locator('#board').waitFor();
  await bob.page.goto('/#/activities?tab=today');
  await bob.page.getByText('Nothing due today.').waitFor();
  await bob.page.getByText('Live', { exact: true }).waitFor();
  await bob.page.locator('#bell').waitFor();
  const bellBefore = Number((await bob.page.locator('#bell-count').textContent())?.trim() || '0');

  const { page } = ann;
  await page.goto('/#/activities?tab=all');
  await page.getByRole('button', { name: '+ New activity' }).click();
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByLabel('Type').inputValue(), 'task');
  await dialog.getByLabel('Subject').fill('Call Globex back');
  // Later today, in the browser's time (the tests run in UTC, as "today" does).
  const due = await page.evaluate(() => {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T23:59`;
  });
  await dialog.getByLabel('Due').fill(due);
  await dialog.getByLabel('Assignee').selectOption({ label: 'Bob Rep' });
  await dialog.getByLabel('Contact').fill('Ada Lovelace');
  await dialog.getByRole('button', { name: 'Save activity' }).click();
  await page.locator('.toast', { hasText: 'Task assigned to Bob Rep.' }).waitFor();
  const row = page.locator('.activity-row', { hasText: 'Call Globex back' });
  await row.getByRole('link', { name: 'Contact: Ada Lovelace' }).waitFor();

  // Bob's "my tasks today" shows it without a reload.
  await bob.page.locator('.activity-row', { hasText: 'Call Globex back' }).waitFor();
  await screenshot(bob.page, 'activities');
  // Bob completes it; Ann's list follows.
  await bob.page.getByLabel('Complete Call Globex back').check();
  await page.locator('.activity-row.is-done', { hasText: 'Call Globex back' }).waitFor();
  assert.deepEqual(ann.problems, []);
  assert.deepEqual(bob.problems, []);

  // Bob's bell rises live.
  await bob.page.waitForFunction((before) => Number(document.querySelector('#bell-count')?.textContent?.trim() || '0') > before, bellBefore, { timeout: 5000 });
});

test('a CSV import shows its mapping, a dry run and live progress, and its rows appear', async () => {
  const { page } = ann;
  // Windows-1252 with semicolons: "Zoë" is one byte, 0xEB. One row has a
  // bad e-mail address.
  const rows = ['first_name;last_name;email;tags'];
  for (let i = 0; i < 1500; i++) rows.push(`Zoë;Imported${i};zoe${i}@import.example;csv`);
  rows.push('Bad;Row;not-an-email;csv');
  const bytes = Buffer.from(`${rows.join('\r\n')}\r\n`, 'latin1');

  await page.goto('/#/import');
  await page.getByLabel('Import as').selectOption('contacts');
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: bytes });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.locator('#import-delimiter', { hasText: 'semicolon' }).waitFor();
  assert.match(await page.locator('#import-encoding').textContent(), /1252/);
  // The automatic mapping, as editable selects.
  for (const col of ['first_name', 'last_name', 'email']) {
    assert.notEqual(await page.getByLabel(col, { exact: true }).inputValue(), '', `${col} is mapped`);
  }
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const report = page.getByRole('region', { name: '3. Dry run' });
  await report.getByRole('table', { name: 'Invalid rows' }).getByRole('cell', { name: String(rows.length) }).waitFor();

  // Start, and record what the progress line shows until the summary.
  await page.evaluate(() => {
    /** @type {any} */ (window).seenBar = false;
    new MutationObserver(() => {
      if (document.getElementById('import-bar')) /** @type {any} */ (window).seenBar = true;
    }).observe(document.body, { subtree: true, childList: true });
  });
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.locator('#progress-text', { hasText: /^Done/ }).waitFor({ timeout: 60000 });
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).seenBar), true, 'the progress bar was shown');
  await page.locator('#progress-text', { hasText: '1500 of 1501 rows imported, 1 failed' }).waitFor();
  await screenshot(page, 'import');
  await page.getByRole('button', { name: 'Show the rows that failed' }).click();
  await page.getByRole('table', { name: 'Invalid rows' }).getByRole('cell', { name: String(rows.length) }).last().waitFor();
  await page.getByRole('table', { name: 'Past imports' }).getByRole('link', { name: 'people.csv' }).waitFor();

  // Its rows are in the contacts list.
  await page.goto('/#/contacts?q=imported1499');
  await expectRows(page, ['Zoë Imported1499']);
  await page.goto('/#/contacts?tag=csv');
  await expectPager(page, 'of 1500');

  // Revert: the records it created go, live in the import screen.
  await page.goto('/#/import');
  await page.getByRole('table', { name: 'Past imports' }).getByRole('link', { name: 'people.csv' }).click();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Revert this import' }).click();
  await page.locator('#progress-text', { hasText: /^Reverted/ }).waitFor({ timeout: 60000 });
  await page.goto('/#/contacts?tag=csv');
  await page.getByText('No contact matches these filters.').waitFor();
  assert.deepEqual(ann.problems, []);
});
