// Nurture in the settings, end to end in headless Chromium against a real
// Pulse (started by scripts/test.d/browser.sh): an owner binds an email
// template to a stage, sees the binding listed, is told next to the field
// when a second template would take the same stage, and switches a lead
// status's nurture on.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, api, email } from '../helpers.js';

/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('settings: a template bound to a stage, a refused second binding, a lead status nurtured', async () => {
  const { page, problems, context } = await newPage(browser);
  await signUp(page, { name: 'Nia Owner', email: email('nia'), workspace: 'Nurtureworks' });
  await page.getByText('Live', { exact: true }).waitFor();

  // Switch a stage's auto-nurture on through the API.
  const pipelines = await api(page, 'GET', '/api/v1/pipelines');
  assert.equal(pipelines.status, 200, JSON.stringify(pipelines.body));
  const list = Array.isArray(pipelines.body) ? pipelines.body : pipelines.body.pipelines;
  const pipeline = list[0];
  const stage = pipeline.stages[1];
  const switched = await api(page, 'PATCH', `/api/v1/stages/${stage.id}`, { auto_nurture: true });
  assert.equal(switched.status, 200, JSON.stringify(switched.body));

  // A template bound to that stage, through the form; the list says so.
  await page.goto('/#/settings/templates');
  const create = page.getByRole('form', { name: 'Create an email template' });
  const option = `${pipeline.name} › ${stage.name}`;
  await create.getByLabel('Template name').fill('Proposal follow-up');
  await create.getByLabel('Subject').fill('About {{deal}}');
  await create.getByLabel('Body').fill('Hello {{contact.first_name}}, shall we talk?');
  await create.getByLabel('Sent when').selectOption({ label: option });
  await create.getByRole('button', { name: 'Create template' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Proposal follow-up', exact: true }) });
  await row.getByText(`A deal reaches ${option}`).waitFor();
  await row.getByText('nurture on').waitFor();
  const templates = await api(page, 'GET', '/api/v1/email-templates');
  assert.equal(templates.body.templates.length, 1);
  assert.equal(templates.body.templates[0].stage_id, stage.id);

  // A second template for the same stage: the refusal shows by the field.
  await create.getByLabel('Template name').fill('Second try');
  await create.getByLabel('Subject').fill('Again');
  await create.getByLabel('Body').fill('Once more.');
  await create.getByLabel('Sent when').selectOption({ label: option });
  await create.getByRole('button', { name: 'Create template' }).click();
  const error = create.locator('.field-error');
  await error.waitFor();
  assert.match(await error.textContent() ?? '', /Another template is already sent at this step/);
  assert.equal(await create.getByLabel('Sent when').getAttribute('aria-invalid'), 'true');
  const describedBy = await create.getByLabel('Sent when').getAttribute('aria-describedby');
  assert.equal(await error.getAttribute('id'), describedBy);
  assert.equal((await api(page, 'GET', '/api/v1/email-templates')).body.templates.length, 1, 'nothing was created');
  // The same template bound to a lead status instead is accepted.
  await create.getByLabel('Sent when').selectOption({ label: 'Lead: Contacted (nurture off)' });
  await create.getByRole('button', { name: 'Create template' }).click();
  const second = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Second try', exact: true }) });
  await second.getByText('A lead becomes Contacted').waitFor();
  await second.getByText('nurture off: not sent').waitFor();

  // The lead status's switch, in the lead settings.
  await page.getByRole('link', { name: 'Lead sources, scoring and nurture' }).click();
  const box = page.getByLabel('Nurture Contacted leads');
  assert.equal(await box.isChecked(), false);
  await page.getByRole('row').filter({ hasText: 'Contacted' }).getByText('Second try').waitFor();
  await box.check();
  await page.waitForFunction(async () => (await (await fetch('/api/v1/lead-nurture')).json()).contacted === true);
  const flags = await api(page, 'GET', '/api/v1/lead-nurture');
  assert.deepEqual(flags.body, { new: false, contacted: true, qualified: false, unqualified: false, converted: false });
  await page.reload();
  assert.equal(await page.getByLabel('Nurture Contacted leads').isChecked(), true);

  // The templates list now says the lead status's template is sent.
  await page.getByRole('link', { name: 'Email templates' }).click();
  await page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Second try', exact: true }) }).getByText('nurture on').waitFor();
  // Editing: the taken status is refused by the field; unbinding is saved.
  await page.getByRole('button', { name: 'Edit Proposal follow-up' }).click();
  const edit = page.getByRole('dialog').getByRole('form', { name: 'Edit template Proposal follow-up' });
  await edit.getByLabel('Sent when').selectOption({ label: 'Lead: Contacted' });
  await edit.getByRole('button', { name: 'Save template' }).click();
  await edit.locator('.field-error', { hasText: 'Another template is already sent at this step' }).waitFor();
  await edit.getByLabel('Sent when').selectOption({ label: 'Not sent automatically' });
  await edit.getByRole('button', { name: 'Save template' }).click();
  await page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Proposal follow-up', exact: true }) }).getByText('not bound').waitFor();
  const after = (await api(page, 'GET', '/api/v1/email-templates')).body.templates.find((/** @type {any} */ t) => t.name === 'Proposal follow-up');
  assert.equal(after.stage_id, null);
  assert.equal(after.lead_status, null);
  assert.deepEqual(problems, []);
  await context.close();
});
