// Shared helpers: the browser, people signing up, API calls made with a
// page's own session (cookie + CSRF token), and screenshots.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.PULSE_URL ?? 'http://127.0.0.1:8080';
const SHOTS = process.env.SCREENSHOTS;
export const PASSWORD = 'correct horse battery';

/** Headless Debian Chromium; never a downloaded browser. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

let n = 0;
/** A unique e-mail for this run. @param {string} who */
export function email(who) {
  n += 1;
  return `${who}-${Date.now().toString(36)}-${n}@example.com`;
}

/**
 * A new browser context and page; page errors and CSP violations fail
 * the test that calls `assertClean`.
 * @param {import('playwright-core').Browser} browser
 * @param {{ width?: number, height?: number, colorScheme?: 'light'|'dark' }} [opts]
 */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    viewport: { width: opts.width ?? 1360, height: opts.height ?? 860 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Signs up through the UI. @param {import('playwright-core').Page} page */
export async function signUp(page, { name, email: mail, workspace }) {
  await page.goto('/#/signup');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('E-mail').fill(mail);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Workspace name').fill(workspace);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#board').waitFor();
}

/**
 * Calls the API with the page's session, as the app would.
 * @param {import('playwright-core').Page} page
 * @param {string} method @param {string} path @param {any} [body]
 */
export async function api(page, method, path, body) {
  const me = await page.request.get('/api/v1/me');
  const csrf = (await me.json()).csrf_token;
  const res = await page.request.fetch(path, {
    method,
    data: body,
    headers: { 'X-CSRF-Token': csrf, ...(method === 'POST' ? { 'Idempotency-Key': crypto.randomUUID() } : {}) },
  });
  const text = await res.text();
  return { status: res.status(), body: text ? JSON.parse(text) : null };
}

/** @param {import('playwright-core').Page} page @param {string} name */
export async function screenshot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    for (const t of document.querySelectorAll('.toast')) t.remove();
  });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The column (section) of a stage, by its name. @param {import('playwright-core').Page} page @param {string} stage */
export function column(page, stage) {
  return page.locator('section.column').filter({ has: page.locator('h2', { hasText: new RegExp(`^${stage}\\d*$`) }) });
}

/** The titles of the cards in a column, in order. @param {import('playwright-core').Page} page @param {string} stage */
export async function titles(page, stage) {
  return column(page, stage).locator('.card-title').allTextContents();
}
