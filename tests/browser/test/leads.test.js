// Leads, the notification bell, global search and the lead settings,
// end to end in headless Chromium against a real Pulse (started by
// scripts/test.d/browser.sh). The tests run in order and share one
// workspace: Lea (owner) works the leads, Rob (a rep she invites) gets
// a lead assigned and hears of it on his bell.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, api, email, screenshot, column, PASSWORD } from '../helpers.js';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof newPage>>} */
let lea;
/** @type {Awaited<ReturnType<typeof newPage>>} */
let rob;
let robId = '';

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Creates a lead through the API with the page's session. */
async function createLead(page, body) {
  const res = await api(page, 'POST', '/api/v1/leads', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

test('a lead created in the UI is worked and converted with one click; the deal appears on the board', async () => {
  lea = await newPage(browser);
  const { page } = lea;
  await signUp(page, { name: 'Lea Owner', email: email('lea'), workspace: 'Leadworks' });
  await page.getByText('Live', { exact: true }).waitFor();

  // Some leads to list, made elsewhere.
  await createLead(page, { first_name: 'Kim', last_name: 'Lee', email: 'kim@umbrella.example', company_name: 'Umbrella', job_title: 'Director of IT', source: 'event', company_size: '201-500', tags: ['expo'], next_action: 'Call back', next_action_date: '2021-03-01' });
  await createLead(page, { first_name: 'Sam', last_name: 'Ray', email: 'sam@initech.example', company_name: 'Initech', job_title: 'Manager', source: 'website', tags: ['expo', 'webinar'] });
  await createLead(page, { first_name: 'Ola', email: 'ola@hooli.example', source: 'cold_call', estimated_value: 120000 });

  await page.getByRole('link', { name: 'Leads', exact: true }).click();
  await page.getByRole('link', { name: 'Kim Lee' }).waitFor();
  await page.locator('#leads-status', { hasText: '1–3 of 3 leads' }).waitFor();

  // Create one through the form; a field error comes back next to its field.
  await page.getByRole('button', { name: '+ New lead' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('First name').fill('Lin');
  await dialog.getByLabel('Last name').fill('Park');
  await dialog.getByLabel('Email').fill('not an email');
  await dialog.getByRole('button', { name: 'Create lead' }).click();
  await dialog.locator('.field-error').first().waitFor();
  assert.equal(await dialog.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  await dialog.getByLabel('Email').fill('lin@globex.example');
  await dialog.getByLabel('Company', { exact: true }).fill('Globex');
  await dialog.getByLabel('Company size').selectOption('1001-5000');
  await dialog.getByLabel('Job title').fill('CTO');
  await dialog.getByLabel(/Estimated value/).fill('25000');
  await dialog.getByLabel('Source').selectOption('referral');
  await dialog.getByLabel('Tags').fill('expo, vip');
  await dialog.getByRole('button', { name: 'Create lead' }).click();
  await page.getByRole('heading', { name: 'Lin Park', level: 1 }).waitFor();
  const leadId = new URL(page.url()).hash.split('/')[2];
  assert.match(leadId, /^[0-9a-f-]{36}$/);

  // Qualifying needs a next step: the page says so next to the action.
  await page.getByRole('button', { name: 'Mark contacted' }).click();
  await page.locator('.flow-step.current', { hasText: 'Contacted' }).waitFor();
  await page.getByRole('button', { name: 'Qualify', exact: true }).click();
  await page.locator('#status-error', { hasText: 'needs a next action date' }).waitFor();
  const next = page.getByRole('form', { name: 'Next action' });
  await next.getByLabel('What').fill('Send the proposal');
  await next.getByLabel('When').fill('2031-05-04');
  await next.getByRole('button', { name: 'Save next action' }).click();
  await page.locator('.next-action-text', { hasText: 'Send the proposal' }).waitFor();
  await page.getByRole('button', { name: 'Qualify', exact: true }).click();
  await page.locator('.flow-step.current', { hasText: 'Qualified' }).waitFor();

  // Score and its history, engagement, a logged activity.
  await page.locator('#lead-score .score-number').waitFor();
  await page.getByText(/Score history \(\d+\)/).click();
  const scored = await page.locator('.history-list li').count();
  assert.ok(scored >= 1, 'the score history is listed');
  await page.getByText('Log an activity').click();
  const log = page.getByRole('form', { name: 'Log an activity' });
  await log.getByLabel('Type').selectOption('call');
  await log.getByLabel('Subject').fill('Intro call with Lin');
  await log.getByRole('button', { name: 'Log activity' }).click();
  await page.locator('.activity', { hasText: 'Intro call with Lin' }).waitFor();
  // The activity counts as engagement and scores the lead again at once.
  await page.locator('#lead-engagement dd').first().filter({ hasText: /^1$/ }).waitFor();
  await page.getByText(`Score history (${scored + 1})`).waitFor();
  // Engagement an email tool reports scores the lead again, and the history grows.
  await page.getByText('Record engagement').click();
  const engagement = page.getByRole('form', { name: 'Record engagement' });
  await engagement.getByLabel('Emails opened').fill('2');
  await engagement.getByRole('button', { name: 'Add' }).click();
  await page.locator('#lead-engagement dd').nth(1).filter({ hasText: /^2$/ }).waitFor();
  await page.getByText(`Score history (${scored + 2})`).waitFor();
  await screenshot(page, 'lead');

  // One click converts it; the deal opens on the board.
  await page.getByRole('button', { name: 'Convert to deal' }).click();
  const dealLink = page.locator('#converted-deal');
  await dealLink.filter({ hasText: 'Globex' }).waitFor();
  await page.locator('.status-pill', { hasText: 'Converted' }).first().waitFor();
  await page.locator('.converted-links a[href^="#/contacts/"]', { hasText: 'Lin Park' }).waitFor();
  await page.locator('.converted-links a[href^="#/companies/"]', { hasText: 'Globex' }).waitFor();
  await dealLink.click();
  await page.locator('#board').waitFor();
  await column(page, 'Qualification').locator('.card', { hasText: 'Globex' }).waitFor();
  await page.locator('aside.drawer').getByRole('heading', { name: 'Globex' }).waitFor();
  await page.locator('aside.drawer #drawer-amount', { hasText: '$25,000.00' }).waitFor();
  // A second conversion gives the same deal, not another one.
  const again = await api(page, 'POST', `/api/v1/leads/${leadId}/convert`, {});
  assert.equal(again.status, 200);
  const deals = await api(page, 'GET', '/api/v1/deals');
  assert.equal(deals.body.deals.filter((d) => d.title === 'Globex').length, 1);
  assert.deepEqual(lea.problems, []);
});

test('the leads list filters on the server, pages, and follows changes live', async () => {
  const { page } = lea;
  await page.goto('/#/leads');
  await page.locator('#leads-status', { hasText: 'of 4 leads' }).waitFor();
  const filters = page.getByRole('search', { name: 'Filter leads' });
  await filters.getByLabel('Tag').fill('EXPO');
  await page.locator('#leads-status', { hasText: '1–3 of 3 leads' }).waitFor();
  await filters.getByLabel('Status').selectOption('new');
  await page.locator('#leads-status', { hasText: '1–2 of 2 leads' }).waitFor();
  assert.match(page.url(), /tag=EXPO/);
  assert.match(page.url(), /status=new/);
  // Saved as a view, cleared, and applied again.
  await filters.getByRole('button', { name: 'Save as view' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('New at the expo');
  await page.getByRole('dialog').getByRole('button', { name: 'Save view' }).click();
  await filters.getByRole('button', { name: 'Clear' }).click();
  await page.locator('#leads-status', { hasText: 'of 4 leads' }).waitFor();
  await page.getByRole('link', { name: 'New at the expo' }).click();
  await page.locator('#leads-status', { hasText: '1–2 of 2 leads' }).waitFor();
  assert.equal(await filters.getByLabel('Status').inputValue(), 'new');
  await filters.getByRole('button', { name: 'Clear' }).click();
  await page.locator('#leads-status', { hasText: 'of 4 leads' }).waitFor();
  await filters.getByLabel('Score').selectOption('cold');
  await page.getByRole('link', { name: 'Ola' }).waitFor();
  await filters.getByRole('button', { name: 'Clear' }).click();

  // Server-side pages: 30 more leads, 25 a page.
  for (let i = 1; i <= 30; i++) await createLead(page, { first_name: `Bulk${String(i).padStart(2, '0')}`, source: 'other' });
  await page.locator('#leads-status', { hasText: '1–25 of 34 leads' }).waitFor();
  assert.equal(await page.locator('#leads-rows tr').count(), 25);
  await page.getByRole('button', { name: 'Next →' }).click();
  await page.locator('#leads-status', { hasText: '26–34 of 34 leads' }).waitFor();
  assert.equal(await page.locator('#leads-rows tr').count(), 9);
  await page.getByRole('button', { name: '← Previous' }).click();
  await page.locator('#leads-status', { hasText: '1–25 of 34 leads' }).waitFor();

  // Someone else adds a lead: it appears without a reload.
  const other = await newPage(browser);
  const login = await other.page.request.post('/api/v1/auth/login', { data: { email: await emailOf(page), password: PASSWORD } });
  assert.equal(login.status(), 200);
  await createLead(other.page, { first_name: 'Zed', last_name: 'Live', tags: ['fresh'] });
  await page.locator('#leads-status', { hasText: 'of 35 leads' }).waitFor();
  await page.getByRole('link', { name: 'Zed Live' }).waitFor();
  await other.context.close();

  // The needs-attention list: Kim's next action is long overdue.
  await page.getByRole('link', { name: /Needs attention/ }).click();
  await page.getByRole('heading', { name: 'Leads that need attention' }).waitFor();
  await page.getByRole('link', { name: 'Kim Lee' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Zed Live' }).count(), 0);
  await page.goto('/#/leads?tag=expo');
  await page.locator('#leads-status', { hasText: '1–3 of 3 leads' }).waitFor();
  await screenshot(page, 'leads');
  assert.deepEqual(lea.problems, []);
});

test('the bell: a lead assigned by someone else raises the count live; mark all read clears it', async () => {
  const invite = await api(lea.page, 'POST', '/api/v1/invitations', { email: email('rob'), role: 'rep' });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  rob = await newPage(browser);
  await rob.page.goto(invite.body.accept_url);
  await rob.page.getByLabel('Your name').fill('Rob Rep');
  await rob.page.getByLabel('Password').fill(PASSWORD);
  await rob.page.getByRole('button', { name: 'Accept invitation' }).click();
  await rob.page.locator('#board').waitFor();
  await rob.page.getByText('Live', { exact: true }).waitFor();
  const count = rob.page.locator('#bell-count');
  assert.equal((await count.textContent()) ?? '', '');
  assert.ok(await count.isHidden(), 'no badge at 0');

  robId = (await api(lea.page, 'GET', '/api/v1/members')).body.members.find((m) => m.name === 'Rob Rep').user_id;
  const list = await api(lea.page, 'GET', '/api/v1/leads?q=Sam');
  const sam = list.body.leads[0];
  const given = await api(lea.page, 'PATCH', `/api/v1/leads/${sam.id}`, { owner_id: robId });
  assert.equal(given.status, 200, JSON.stringify(given.body));
  await rob.page.locator('#bell-count', { hasText: /^1$/ }).waitFor({ timeout: 5000 });
  const kim = (await api(lea.page, 'GET', '/api/v1/leads?q=Kim')).body.leads[0];
  await api(lea.page, 'PATCH', `/api/v1/leads/${kim.id}`, { owner_id: robId });
  await rob.page.locator('#bell-count', { hasText: /^2$/ }).waitFor({ timeout: 5000 });
  assert.match(await rob.page.locator('#bell').getAttribute('aria-label'), /2 unread/);

  // The popover, from the keyboard: it opens, lists the newest first, and Escape closes it.
  await rob.page.locator('#bell').focus();
  await rob.page.keyboard.press('Enter');
  const pop = rob.page.locator('#bell-popover');
  await pop.locator('.bell-item', { hasText: 'Lead assigned to you: Kim Lee' }).waitFor();
  assert.equal(await pop.locator('li.unread').count(), 2);
  await screenshot(rob.page, 'bell');
  await rob.page.keyboard.press('Escape');
  await pop.waitFor({ state: 'hidden' });
  assert.equal(await rob.page.evaluate(() => document.activeElement?.id), 'bell', 'the focus returns to the bell');

  // Clicking one marks it read and opens the lead.
  await rob.page.locator('#bell').click();
  await pop.locator('.bell-item', { hasText: 'Sam Ray' }).click();
  await rob.page.getByRole('heading', { name: 'Sam Ray', level: 1 }).waitFor();
  await rob.page.locator('#bell-count', { hasText: /^1$/ }).waitFor();

  // Mark all read clears the badge, and the server agrees.
  await rob.page.locator('#bell').click();
  await pop.getByRole('button', { name: 'Mark all read' }).click();
  await rob.page.waitForFunction(() => {
    const c = document.getElementById('bell-count');
    return c && (c.hidden || c.textContent === '');
  });
  assert.equal(await pop.locator('li.unread').count(), 0);
  const summary = await rob.page.request.get('/api/v1/notifications/summary');
  assert.equal((await summary.json()).unread, 0);
  await rob.page.keyboard.press('Escape');
  assert.deepEqual(rob.problems, []);
});

test('global search finds a contact and a lead, from the keyboard', async () => {
  const { page } = lea;
  const contact = await api(page, 'POST', '/api/v1/contacts', { first_name: 'Quinn', last_name: 'Quasar', email: 'quinn@quasar.example', job_title: 'Buyer' });
  assert.equal(contact.status, 201, JSON.stringify(contact.body));
  await createLead(page, { first_name: 'Quentin', last_name: 'Quasar', company_name: 'Quasar Labs' });
  await page.goto('/#/leads');
  await page.locator('#leads-rows tr').first().waitFor();
  await page.locator('body').press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input', '/ focuses the search box');
  await page.keyboard.type('quasar');
  const results = page.locator('#search-results');
  await results.locator('[role="option"][data-type="contact"]', { hasText: 'Quinn Quasar' }).waitFor();
  await results.locator('[role="option"][data-type="lead"]', { hasText: 'Quentin Quasar' }).waitFor();
  await results.getByRole('group', { name: 'Contacts' }).waitFor();
  await results.getByRole('group', { name: 'Leads' }).waitFor();
  await screenshot(page, 'search');
  // Arrow down to the lead, Enter opens it.
  const options = await results.locator('[role="option"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
  const leadIndex = options.indexOf('lead');
  for (let i = 0; i <= leadIndex; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#search-input').getAttribute('aria-activedescendant'), `search-opt-${leadIndex}`);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Quentin Quasar', level: 1 }).waitFor();
  // The contact opens its page (the contacts screen's route).
  await page.evaluate(() => {
    window.visited = [];
    window.addEventListener('hashchange', (e) => window.visited.push(new URL(e.newURL).hash));
  });
  await page.locator('#search-input').fill('quinn');
  await results.locator('[role="option"][data-type="contact"]', { hasText: 'Quinn Quasar' }).click();
  await page.waitForFunction((id) => window.visited.includes(`#/contacts/${id}`), contact.body.id);
  await page.locator('#search-input').fill('zzzz-nothing');
  await results.getByText('Nothing found').waitFor();
  await page.keyboard.press('Escape');
  assert.ok(await results.isHidden());
  assert.deepEqual(lea.problems, []);
});

test('settings: a web form key is revealed once; sources, scoring and notification choices', async () => {
  const { page } = lea;
  await page.goto('/#/settings/widgets');
  const create = page.getByRole('form', { name: 'Create a web form' });
  await create.getByLabel('Name').fill('Contact page');
  await create.getByLabel('Allowed origins').fill('not an origin');
  await create.getByRole('button', { name: 'Create web form' }).click();
  await create.locator('.field-error, .form-error').first().waitFor();
  await create.getByLabel('Allowed origins').fill('https://www.leadworks.example');
  await create.getByRole('button', { name: 'Create web form' }).click();
  const key = await page.getByLabel('Web form key').inputValue();
  assert.ok(key.length > 10, 'a key is shown');
  const snippet = await page.getByLabel('Embed snippet').inputValue();
  assert.ok(snippet.includes(key) && snippet.includes('/widget.js'), 'the snippet embeds the key');
  await page.getByRole('cell', { name: 'Contact page', exact: true }).waitFor();
  // The key works once, from an allowed origin, and makes a lead.
  const sent = await page.request.post(`/api/v1/widget/${key}/leads`, {
    data: { first_name: 'Web', last_name: 'Visitor', email: 'web@visitor.example' },
    headers: { Origin: 'https://www.leadworks.example' },
  });
  assert.equal(sent.status(), 201);
  await page.reload();
  await page.getByRole('cell', { name: 'Contact page', exact: true }).waitFor();
  assert.equal(await page.getByLabel('Web form key').count(), 0, 'the key is not shown again');
  assert.ok(!(await page.content()).includes(key));
  // Rotating reveals a new key once; revoking stops the form.
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Rotate key of Contact page' }).click();
  const rotated = await page.getByLabel('Web form key').inputValue();
  assert.notEqual(rotated, key);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Revoke Contact page' }).click();
  await page.locator('tr.revoked', { hasText: 'Contact page' }).waitFor();

  // A custom source, archived; the scoring weights with their total.
  await page.getByRole('link', { name: 'Lead sources, scoring and nurture' }).click();
  const add = page.getByRole('form', { name: 'Add a lead source' });
  await add.getByLabel('New source').fill('Trade show');
  await add.getByRole('button', { name: 'Add source' }).click();
  await page.getByRole('cell', { name: 'trade-show' }).waitFor();
  await page.getByRole('button', { name: 'Archive Trade show' }).click();
  await page.getByRole('button', { name: 'Restore Trade show' }).waitFor();
  const weights = page.getByRole('form', { name: 'Scoring weights' });
  await weights.getByLabel('Source (points)').fill('60');
  await weights.getByText('add up to 140').waitFor();
  await weights.getByRole('button', { name: 'Save weights' }).click();
  await weights.locator('.form-error, .field-error').first().waitFor();
  await weights.getByLabel('Source (points)').fill('30');
  await weights.getByLabel('Engagement (points)').fill('5');
  await weights.getByRole('button', { name: 'Save weights' }).click();
  await page.getByText('Weights saved').waitFor();
  const scoring = await api(page, 'GET', '/api/v1/lead-scoring');
  assert.equal(scoring.body.source, 30);
  assert.equal(scoring.body.engagement, 5);

  // Notification switches and my own channels.
  await page.getByRole('link', { name: 'Notifications' }).click();
  await page.getByLabel('Hot leads: by email').uncheck();
  await page.getByLabel('Stale deals: on in the workspace').uncheck();
  await page.waitForFunction(async () => {
    const prefs = await (await fetch('/api/v1/me/notification-preferences')).json();
    const ws = await (await fetch('/api/v1/notification-settings')).json();
    return prefs.hot_leads.email === false && ws.stale_deals === false;
  });
  await page.reload();
  assert.equal(await page.getByLabel('Hot leads: by email').isChecked(), false);
  // A rep sees the switches but cannot flip them.
  await rob.page.goto('/#/settings/notifications');
  assert.ok(await rob.page.getByLabel('Stale deals: on in the workspace').isDisabled());
  assert.equal(await rob.page.getByRole('link', { name: 'Web forms' }).count(), 0, 'web forms are for owners');

  // Email templates and the outbox.
  await page.getByRole('link', { name: 'Email templates' }).click();
  const tpl = page.getByRole('form', { name: 'Create an email template' });
  await tpl.getByLabel('Template name').fill('Follow-up');
  await tpl.getByLabel('Subject').fill('Hello {{contact.first_name}}');
  await tpl.getByLabel('Body').fill('Shall we talk about {{deal}}?');
  await tpl.getByRole('button', { name: 'Create template' }).click();
  await page.getByRole('cell', { name: 'Follow-up', exact: true }).waitFor();
  await page.locator('code', { hasText: 'contact.first_name' }).waitFor();
  await page.getByRole('link', { name: 'Outbox and jobs' }).click();
  await page.getByRole('heading', { name: 'Email outbox' }).waitFor();
  assert.deepEqual([...lea.problems, ...rob.problems], []);
});

test('phone width, dark theme: the leads list becomes cards and the lead page one column', async () => {
  const phone = await newPage(browser, { width: 390, height: 800, colorScheme: 'dark' });
  const login = await phone.page.request.post('/api/v1/auth/login', { data: { email: await emailOf(lea.page), password: PASSWORD } });
  assert.equal(login.status(), 200);
  await phone.page.goto('/#/leads?tag=expo');
  await phone.page.locator('#leads-rows tr').first().waitFor();
  const fits = await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(fits, 'nothing overflows the phone');
  await phone.page.getByRole('link', { name: 'Kim Lee' }).click();
  await phone.page.getByRole('heading', { name: 'Kim Lee', level: 1 }).waitFor();
  assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  assert.deepEqual(phone.problems, []);
  await phone.context.close();
});

/** @param {import('playwright-core').Page} page */
async function emailOf(page) {
  const me = await page.request.get('/api/v1/me');
  return (await me.json()).user.email;
}
