// The browser app in Firefox (Debian's firefox-esr), driven over WebDriver
// BiDi by puppeteer-core: the same app the Chromium suite tests, through
// the paths most likely to differ between engines (forms, the live
// socket, keyboard moves, a second user's live board, phone width).
// Run by scripts/test.d/firefox.sh against a real Pulse.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';

const BASE = process.env.PULSE_URL ?? 'http://127.0.0.1:8080';
const PASSWORD = 'correct horse battery';
const stamp = Date.now().toString(36);

/** @type {import('puppeteer-core').Browser} */
let browser;
/** @type {import('puppeteer-core').Page} */
let ann;
/** @type {import('puppeteer-core').Page} */
let bob;
/** @type {string[]} */
const problems = [];
let pipelineId = '';

before(async () => {
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    // Never phone home from a test.
    extraPrefsFirefox: { 'app.update.enabled': false, 'network.captive-portal-service.enabled': false },
  });
});

after(async () => {
  await browser?.close();
});

/** A page in its own browser context (cookies of its own). */
async function newPage() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.setDefaultTimeout(10000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return page;
}

/** The form control a label names, in the open dialog if there is one. */
async function control(page, label) {
  const find = (text) => [...(document.querySelector('dialog[open]') ?? document).querySelectorAll('label')]
    .find((l) => l.textContent.trim().startsWith(text) && l.control)?.control;
  await page.waitForFunction(find, {}, label);
  return page.evaluateHandle(find, label);
}

async function fill(page, label, value) {
  const el = await control(page, label);
  await el.click({ count: 3 });
  await el.type(value);
}

/** Clicks the button (or link) whose text is `text`. */
async function press(page, text, selector = 'button') {
  await page.waitForFunction((t, s) => [...document.querySelectorAll(s)].some((b) => b.textContent.trim() === t && !b.disabled), {}, text, selector);
  const el = await page.evaluateHandle((t, s) => [...document.querySelectorAll(s)].find((b) => b.textContent.trim() === t && !b.disabled), text, selector);
  await el.click();
}

/** Calls the API with the page's session, as the app does. */
async function api(page, method, path, body) {
  return page.evaluate(async (m, p, b) => {
    const me = await (await fetch('/api/v1/me')).json();
    const res = await fetch(p, {
      method: m,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token, 'Idempotency-Key': crypto.randomUUID() },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }, method, path, body);
}

/** Whether the board shows `title` in the column `stage`. */
const inColumn = (stage, title) => [...document.querySelectorAll('section.column')].some((c) =>
  c.querySelector('h2')?.firstChild?.textContent === stage &&
  [...c.querySelectorAll('.card-title')].some((t) => t.textContent === title));

test('Firefox: sign up, and the board goes live', async () => {
  ann = await newPage();
  await ann.goto(`${BASE}/#/signup`);
  await fill(ann, 'Your name', 'Ann Owner');
  await fill(ann, 'E-mail', `ann-ff-${stamp}@example.com`);
  await fill(ann, 'Password', PASSWORD);
  await fill(ann, 'Workspace name', 'Firefox Co');
  await press(ann, 'Create account');
  await ann.waitForSelector('#board');
  await ann.waitForFunction(() => document.body.textContent.includes('Live'));
  pipelineId = (await api(ann, 'GET', '/api/v1/pipelines')).body.pipelines[0].id;
  assert.match(pipelineId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(problems, []);
});

test('Firefox: a form error is shown next to its field', async () => {
  await press(ann, '+ New deal');
  await fill(ann, 'Title', 'Bad amount');
  await fill(ann, 'Amount', '12abc');
  await press(ann, 'Create deal');
  await ann.waitForFunction(() => [...document.querySelectorAll('.field-error')].some((e) => e.textContent.includes('Enter an amount')));
  await press(ann, 'Cancel');
});

test('Firefox: a second user sees deals appear and move live; a card moves with the keyboard', async () => {
  const invite = await api(ann, 'POST', '/api/v1/invitations', { email: `bob-ff-${stamp}@example.com`, role: 'manager' });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  bob = await newPage();
  await bob.goto(invite.body.accept_url);
  await fill(bob, 'Your name', 'Bob Manager');
  await fill(bob, 'Password', PASSWORD);
  await press(bob, 'Accept invitation');
  await bob.waitForSelector('#board');
  await bob.goto(`${BASE}/#/board/${pipelineId}`);
  await bob.waitForFunction(() => document.body.textContent.includes('Live'));

  // Made through the API by Ann: Bob's board shows it without a reload.
  const stages = (await api(ann, 'GET', '/api/v1/pipelines')).body.pipelines[0].stages;
  const created = await api(ann, 'POST', '/api/v1/deals', {
    title: 'Gecko renewal', amount: 250000, pipeline_id: pipelineId, stage_id: stages[0].id,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await bob.waitForFunction(inColumn, { timeout: 5000 }, stages[0].name, 'Gecko renewal');
  await ann.waitForFunction(inColumn, { timeout: 5000 }, stages[0].name, 'Gecko renewal');

  // Ann moves it from the keyboard: focus the card, "m", pick a stage.
  const card = await ann.evaluateHandle(() => [...document.querySelectorAll('.card')].find((c) => c.textContent.includes('Gecko renewal')));
  await card.focus();
  await ann.keyboard.press('m');
  const select = await control(ann, 'Stage');
  await select.select(stages[1].id);
  await press(ann, 'Move');
  await ann.waitForFunction(inColumn, { timeout: 5000 }, stages[1].name, 'Gecko renewal');
  await bob.waitForFunction(inColumn, { timeout: 5000 }, stages[1].name, 'Gecko renewal');
  // Alt+Left takes it back a stage, for both.
  await ann.waitForFunction(() => document.activeElement?.classList.contains('card'));
  await ann.keyboard.down('Alt');
  await ann.keyboard.press('ArrowLeft');
  await ann.keyboard.up('Alt');
  await bob.waitForFunction(inColumn, { timeout: 5000 }, stages[0].name, 'Gecko renewal');
  assert.deepEqual(problems, []);
});

test('Firefox: at phone width the columns scroll sideways', async () => {
  await bob.setViewport({ width: 390, height: 800 });
  await bob.reload();
  await bob.waitForSelector('section.column');
  const fits = await bob.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(fits, 'the page itself does not overflow the phone width');
  const scrolls = await bob.evaluate(() => {
    const columns = document.querySelector('section.column')?.parentElement;
    return !!columns && columns.scrollWidth > columns.clientWidth;
  });
  assert.ok(scrolls, 'the columns scroll inside their strip');
  assert.deepEqual(problems, []);
});
