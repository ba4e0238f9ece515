// CSV import (`#/import[/<id>]`): upload a file for contacts, companies,
// leads or deals; see the detected encoding and delimiter; correct the
// automatic column mapping; check the file with a dry run (invalid rows
// with their line numbers and reasons, duplicates); start it and follow a
// live progress bar; read the summary and the failed rows; revert it; and
// see past imports.
//
// Live: `import.progress` and `import.finished` events on the `imports`
// topic carry the counters of a run and move the progress bar;
// `import.reverted` reloads the import. After a reset everything shown is
// loaded again.

import { h, replace, toast, announce } from '../dom.js';
import { pulse, memberName } from '../session.js';
import { describe } from '../errors.js';
import { navigate } from '../router.js';
import { dateTime } from '../format.js';
import { field, form, fieldError } from '../ui/form.js';
import { may } from '../ui/records.js';
import { reloaded } from '../status.js';

const ENTITIES = [['contacts', 'Contacts'], ['companies', 'Companies'], ['leads', 'Leads'], ['deals', 'Deals']];
const LIST_OF = { contacts: '#/contacts', companies: '#/companies', leads: '#/leads', deals: '#/board' };
const DELIMITERS = { ',': 'comma (,)', ';': 'semicolon (;)', '\t': 'tab', '|': 'pipe (|)' };
const STATUS_TEXT = {
  uploaded: 'Ready to import', running: 'Importing…', completed: 'Completed', failed: 'Failed', reverting: 'Reverting…', reverted: 'Reverted',
};

const state = {
  /** @type {HTMLElement|null} */ view: null,
  /** @type {string|null} */ id: null,
  /** @type {any} */ current: null,
  /** @type {any[]} */ list: [],
  /** @type {any} */ report: null,
  /** @type {any[]|null} */ failures: null,
  /** @type {any} */ sub: null,
};

/** @param {HTMLElement} view @param {(string|null)[]} params */
export async function render(view, [id]) {
  state.view = view;
  document.title = 'Import · Pulse';
  try {
    state.list = await listImports();
  } catch (e) {
    // No route at all: a server without CSV import.
    if (/** @type {any} */ (e).status === 404) {
      replace(view, h('section', { class: 'records' }, h('h1', null, 'Import from CSV'),
        h('p', { class: 'notice' }, 'This Pulse server does not offer CSV import yet.')));
      return null;
    }
    throw e;
  }
  state.sub = pulse.subscribe('imports', onEvent, {
    onReset: async () => {
      state.list = await listImports();
      if (state.id) state.current = await getImport(state.id);
      draw();
      reloaded();
    },
    onError: (e) => toast(describe(e), 'error'),
  });
  await open(id);
  return () => {
    state.sub?.close();
    state.sub = null;
  };
}

/** @param {(string|null)[]} params */
export async function update([id]) {
  try {
    await open(id);
  } catch (e) {
    toast(describe(e), 'error');
  }
}

/** @param {string|null} id */
async function open(id) {
  state.id = id;
  state.report = null;
  state.failures = null;
  state.current = null;
  // A new upload (or another person's) is in the list from now on.
  state.list = await listImports().catch(() => state.list);
  if (id) {
    try {
      state.current = await getImport(id);
    } catch (e) {
      if (/** @type {any} */ (e).status !== 404) throw e;
      toast('That import does not exist (any more).', 'error');
      state.id = null;
    }
  }
  draw();
}

async function listImports() {
  const r = await pulse.request('GET', '/api/v1/imports');
  return Array.isArray(r) ? r : (r.imports ?? r.items ?? []);
}

/** @param {string} id */
function getImport(id) {
  return pulse.request('GET', `/api/v1/imports/${encodeURIComponent(id)}`);
}

/** An import event: counters of a run, or a revert. @param {any} ev */
async function onEvent(ev) {
  const d = ev.data ?? {};
  if (ev.type === 'import.progress' || ev.type === 'import.finished') {
    const counters = { status: d.status, rows_done: d.rows_done, rows_imported: d.rows_imported, rows_failed: d.rows_failed, rows_total: d.rows_total };
    const row = state.list.find((i) => i.id === d.id);
    if (row) Object.assign(row, counters);
    if (state.current?.id === d.id) {
      Object.assign(state.current, counters);
      if (ev.type === 'import.finished') {
        // The finished import has its timestamps; the summary shows them.
        state.current = await getImport(d.id).catch(() => state.current);
        announce(`Import ${STATUS_TEXT[/** @type {keyof STATUS_TEXT} */ (state.current.status)]?.toLowerCase() ?? 'finished'}.`);
        draw();
        return;
      }
      drawProgress();
    }
    if (!row) state.list = await listImports().catch(() => state.list);
    drawList();
  } else if (ev.type === 'import.reverted') {
    state.list = await listImports().catch(() => state.list);
    if (state.current?.id === d.id) {
      state.current = await getImport(d.id).catch(() => state.current);
      announce('Import reverted.');
      draw();
    } else {
      drawList();
    }
  }
}

// ---------------------------------------------------------------- drawing

function draw() {
  const view = /** @type {HTMLElement} */ (state.view);
  replace(view, h('div', { class: 'records import-page' },
    h('header', { class: 'records-head' }, h('h1', null, 'Import from CSV')),
    h('div', { class: 'import-steps' },
      may.write() ? uploadPanel() : h('p', { class: 'muted' }, 'Your role cannot import records.'),
      state.current ? importPanel(state.current) : null,
      h('section', { class: 'panel', 'aria-labelledby': 'past-h' },
        h('h2', { id: 'past-h' }, 'Past imports'),
        h('div', { id: 'import-list' })))));
  drawList();
}

function uploadPanel() {
  const fileInput = /** @type {HTMLInputElement} */ (h('input', { id: 'import-file', name: 'file', type: 'file', accept: '.csv,.tsv,.txt,text/csv,text/plain', required: true }));
  const zone = h('div', { class: 'drop-zone' },
    h('label', { for: 'import-file' }, 'CSV file'), ' ', fileInput,
    h('p', { class: 'hint small' }, 'Or drop a file here. UTF-8 and Windows-1252 files separated by commas, semicolons, tabs or pipes are understood.'));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer?.files.length) fileInput.files = e.dataTransfer.files;
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'upload-h' },
    h('h2', { id: 'upload-h' }, '1. Upload a file'),
    form([
      h('div', { class: 'field-row' },
        field('Import as', { name: 'entity', type: 'select', value: state.current?.entity ?? 'contacts', options: ENTITIES })),
      zone,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Upload')),
    ], async (v) => {
      const file = fileInput.files?.[0];
      if (!file) throw fieldError('file', 'Choose a CSV file.');
      const created = await pulse.request('POST', '/api/v1/imports', {
        query: { entity: v.entity, filename: file.name.slice(0, 255) },
        body: file,
        contentType: 'text/csv',
      });
      toast(`${created.filename} uploaded.`);
      navigate(`/import/${created.id}`);
    }, { 'aria-label': 'Upload a CSV file' }));
}

/** @param {any} imp */
function importPanel(imp) {
  const editable = imp.status === 'uploaded' && may.write();
  return h('section', { class: 'panel', 'aria-labelledby': 'import-h', id: 'current-import' },
    h('h2', { id: 'import-h' },
      h('span', null, imp.filename, ' ', h('span', { class: `status-pill status-${imp.status}`, id: 'import-status' }, STATUS_TEXT[/** @type {keyof STATUS_TEXT} */ (imp.status)] ?? imp.status))),
    h('dl', { class: 'props' },
      h('dt', null, 'Importing'), h('dd', null, ENTITIES.find(([e]) => e === imp.entity)?.[1] ?? imp.entity),
      h('dt', null, 'Size'), h('dd', null, size(imp.size)),
      h('dt', null, 'Encoding'), h('dd', { id: 'import-encoding' }, String(imp.encoding ?? '').toUpperCase()),
      h('dt', null, 'Delimiter'), h('dd', { id: 'import-delimiter' }, DELIMITERS[/** @type {keyof DELIMITERS} */ (imp.delimiter)] ?? imp.delimiter),
      h('dt', null, 'Uploaded'), h('dd', null, `${dateTime(imp.created_at)}${imp.created_by ? ` by ${memberName(imp.created_by)}` : ''}`)),
    editable ? mappingForm(imp) : mappingTable(imp),
    state.report ? dryRunReport(state.report) : null,
    h('div', { id: 'import-progress' }, progress(imp)));
}

/** @param {number} n */
function size(n) {
  if (n == null) return '';
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Sample values of a column (first three non-empty). @param {any} imp @param {number} i */
function samples(imp, i) {
  return (imp.sample ?? []).map((/** @type {string[]} */ r) => r[i]).filter((/** @type {string} */ s) => s != null && s !== '').slice(0, 3).join(' · ');
}

/** The mapping as a read-only table (after the import started). @param {any} imp */
function mappingTable(imp) {
  const label = (/** @type {string|null} */ f) => (f ? imp.fields.find((/** @type {any} */ x) => x.name === f)?.label ?? f : 'Not imported');
  return h('details', { class: 'mapping-done' },
    h('summary', null, 'Column mapping'),
    h('table', { class: 'table mapping-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'CSV column'), h('th', { scope: 'col' }, 'Pulse field'), h('th', { scope: 'col' }, 'Sample'))),
      h('tbody', null, imp.headers.map((/** @type {string} */ col, /** @type {number} */ i) => h('tr', null,
        h('th', { scope: 'row' }, col), h('td', null, label(imp.mapping[col] ?? null)), h('td', { class: 'sample' }, samples(imp, i)))))),
    h('p', { class: 'small muted' }, `Duplicates: ${imp.duplicates === 'create' ? 'created anyway' : 'skipped'}.`));
}

/** The editable mapping, the dry run and the start. @param {any} imp */
function mappingForm(imp) {
  const fields = imp.fields ?? [];
  /** Reads the form into `{ mapping, duplicates }`. @param {HTMLFormElement} f */
  const read = (f) => {
    /** @type {Record<string, string|null>} */
    const mapping = {};
    imp.headers.forEach((/** @type {string} */ col, /** @type {number} */ i) => {
      const sel = /** @type {HTMLSelectElement} */ (f.querySelector(`select[data-col="${i}"]`));
      mapping[col] = sel.value || null;
    });
    const dup = /** @type {HTMLSelectElement} */ (f.elements.namedItem('duplicates')).value;
    return { mapping, duplicates: dup };
  };
  /** Saves the mapping when it changed; returns the import. @param {HTMLFormElement} f */
  const save = async (f) => {
    const next = read(f);
    if (JSON.stringify(next.mapping) === JSON.stringify(imp.mapping) && next.duplicates === imp.duplicates) return imp;
    const saved = await pulse.request('PUT', `/api/v1/imports/${encodeURIComponent(imp.id)}/mapping`, { body: next });
    Object.assign(imp, saved);
    return saved;
  };
  /** Required fields that no column feeds. @param {HTMLFormElement} f */
  const missing = (f) => {
    const used = new Set(Object.values(read(f).mapping));
    return fields.filter((/** @type {any} */ x) => x.required && !used.has(x.name));
  };
  /** @type {'dry'|'start'} */
  let action = 'dry';
  const f = form([
    h('h3', null, '2. Match the columns'),
    h('p', { class: 'small muted' }, 'Pulse guessed which field each column fills. Change any that are wrong; columns set to “Don’t import” are ignored. ',
      h('span', { class: 'required-mark' }, '*'), ' marks required fields.'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table mapping-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'CSV column'), h('th', { scope: 'col' }, 'Pulse field'), h('th', { scope: 'col' }, 'Sample values'))),
      h('tbody', null, imp.headers.map((/** @type {string} */ col, /** @type {number} */ i) => {
        const id = `map-${i}`;
        return h('tr', null,
          h('th', { scope: 'row' }, h('label', { for: id }, col || `(column ${i + 1})`)),
          h('td', null, h('select', { id, name: `mapping.${col}`, dataset: { col: String(i) } },
            h('option', { value: '' }, '— Don’t import —'),
            fields.map((/** @type {any} */ x) => h('option', { value: x.name, selected: imp.mapping[col] === x.name }, `${x.label}${x.required ? ' *' : ''}`)))),
          h('td', { class: 'sample' }, samples(imp, i)));
      })))),
    field('Rows that match an existing record', { name: 'duplicates', type: 'select', value: imp.duplicates ?? 'skip',
      options: [['skip', 'Skip them'], ['create', 'Import them anyway']] }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', onclick: () => { action = 'dry'; } }, 'Check the file (dry run)'),
      h('button', { type: 'submit', class: 'primary', onclick: () => { action = 'start'; } }, 'Start import')),
  ], async (_v, formEl) => {
    const lacking = missing(formEl);
    if (lacking.length) {
      throw { code: 'validation_failed', fields: [], detail: `Choose a column for ${lacking.map((/** @type {any} */ x) => x.label).join(', ')}: ${lacking.length === 1 ? 'it is' : 'they are'} required.` };
    }
    await save(formEl);
    if (action === 'dry') {
      state.report = await pulse.request('POST', `/api/v1/imports/${encodeURIComponent(imp.id)}/dry-run`, {});
      announce(`Dry run: ${state.report.valid} valid rows, ${state.report.invalid.length} invalid.`);
      draw();
      document.getElementById('dry-run-h')?.scrollIntoView({ block: 'nearest' });
      return;
    }
    const started = await pulse.request('POST', `/api/v1/imports/${encodeURIComponent(imp.id)}/start`, {});
    state.current = { ...imp, ...started };
    state.report = null;
    const row = state.list.find((i) => i.id === imp.id);
    if (row) Object.assign(row, started);
    toast('Import started.');
    draw();
  }, { class: 'mapping-form', 'aria-label': 'Column mapping' });
  return f;
}

/** @param {any} r */
function dryRunReport(r) {
  return h('section', { class: 'dry-run', 'aria-labelledby': 'dry-run-h' },
    h('h3', { id: 'dry-run-h' }, '3. Dry run'),
    h('p', { class: 'report-counts' },
      h('span', null, h('strong', null, String(r.rows)), ' rows'),
      h('span', { class: 'good' }, h('strong', null, String(r.valid)), ' valid'),
      h('span', { class: r.invalid.length ? 'bad' : '' }, h('strong', null, String(r.invalid.length)), ' invalid'),
      h('span', null, h('strong', null, String(r.duplicates.length)), ' duplicates')),
    r.truncated ? h('p', { class: 'notice' }, 'The lists below show the first problems only.') : null,
    r.invalid.length ? [h('h4', null, 'Invalid rows'), problems(r.invalid)] : h('p', { class: 'good' }, 'Every row is valid.'),
    r.duplicates.length ? [h('h4', null, 'Duplicates'), h('div', { class: 'report-table' }, h('table', { class: 'table', 'aria-label': 'Duplicates' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Matches'), h('th', { scope: 'col' }, 'By'))),
      h('tbody', null, r.duplicates.map((/** @type {any} */ d) => h('tr', null,
        h('td', null, String(d.line)),
        h('td', null, existingLink(state.current?.entity, d.existing_id)),
        h('td', null, d.by))))))] : null);
}

/** Rows with their problems. @param {any[]} rows */
function problems(rows) {
  return h('div', { class: 'report-table' }, h('table', { class: 'table', 'aria-label': 'Invalid rows' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Reason'))),
    h('tbody', null, rows.map((p) => h('tr', null, h('td', null, String(p.line)), h('td', null, p.column ?? ''), h('td', null, p.reason))))));
}

/** @param {string} entity @param {string|null} id null: an earlier row of the same file */
function existingLink(entity, id) {
  if (!id) return 'an earlier row of this file';
  if (entity === 'contacts') return h('a', { href: `#/contacts/${id}` }, 'an existing contact');
  if (entity === 'companies') return h('a', { href: `#/companies/${id}` }, 'an existing company');
  if (entity === 'leads') return h('a', { href: `#/leads/${id}` }, 'an existing lead');
  return h('code', null, id);
}

/** The progress bar, the summary, failed rows and revert. @param {any} imp */
function progress(imp) {
  if (imp.status === 'uploaded') return null;
  const total = imp.rows_total;
  const bar = h('progress', { id: 'import-bar', max: String(total ?? 1), 'aria-labelledby': 'progress-text', ...(total != null ? { value: String(Math.min(imp.rows_done, total)) } : {}) });
  const text = total != null
    ? `${imp.rows_done} of ${total} rows · ${imp.rows_imported} imported · ${imp.rows_failed} errors so far`
    : `${imp.rows_done} rows · ${imp.rows_imported} imported · ${imp.rows_failed} errors so far`;
  const finished = imp.status === 'completed' || imp.status === 'failed' || imp.status === 'reverted' || imp.status === 'reverting';
  return h('section', { class: 'progress-wrap', 'aria-labelledby': 'progress-h' },
    h('h3', { id: 'progress-h' }, finished ? 'Summary' : 'Progress'),
    finished ? null : bar,
    h('p', { class: 'progress-text', id: 'progress-text', role: 'status' }, finished ? summary(imp) : text),
    imp.failure ? h('p', { class: 'form-error' }, imp.failure) : null,
    finished && imp.rows_failed > 0 ? h('div', null,
      h('button', { type: 'button', class: 'small', onclick: showFailures }, 'Show the rows that failed'),
      state.failures ? problems(state.failures) : null) : null,
    imp.status === 'completed' || imp.status === 'reverted' ? h('p', null, h('a', { href: LIST_OF[/** @type {keyof LIST_OF} */ (imp.entity)] ?? '#/contacts' }, `Open ${imp.entity}`)) : null,
    imp.status === 'completed' && may.write() ? revertForm(imp) : null);
}

/** @param {any} imp */
function summary(imp) {
  const took = imp.started_at && imp.finished_at ? ` in ${Math.max(1, Math.round((Date.parse(imp.finished_at) - Date.parse(imp.started_at)) / 1000))} s` : '';
  switch (imp.status) {
    case 'completed': return `Done${took}: ${imp.rows_imported} of ${imp.rows_total ?? imp.rows_done} rows imported, ${imp.rows_failed} failed${imp.rows_skipped ? `, ${imp.rows_skipped} duplicates skipped` : ''}.`;
    case 'failed': return `Stopped after ${imp.rows_done} rows: ${imp.rows_imported} imported, ${imp.rows_failed} failed.`;
    case 'reverting': return `Reverting: the ${imp.rows_imported} records this import created are being deleted…`;
    case 'reverted': return `Reverted: the ${imp.rows_imported} records this import created were deleted.`;
    default: return '';
  }
}

/** Only redraws the progress part (called for every progress event). */
function drawProgress() {
  const el = document.getElementById('import-progress');
  const status = document.getElementById('import-status');
  if (!el || !state.current) return;
  replace(el, progress(state.current));
  if (status) {
    status.className = `status-pill status-${state.current.status}`;
    status.textContent = STATUS_TEXT[/** @type {keyof STATUS_TEXT} */ (state.current.status)] ?? state.current.status;
  }
}

async function showFailures() {
  try {
    const r = await pulse.request('GET', `/api/v1/imports/${encodeURIComponent(state.current.id)}/errors`);
    state.failures = Array.isArray(r) ? r : (r.errors ?? r.items ?? []);
    drawProgress();
  } catch (e) {
    toast(describe(e), 'error');
  }
}

/** @param {any} imp */
function revertForm(imp) {
  return form([
    h('p', { class: 'small muted' }, 'Reverting deletes the records this import created. Records it did not create are not touched.'),
    h('button', { type: 'submit', class: 'danger' }, 'Revert this import'),
  ], async () => {
    if (!confirm(`Delete the ${imp.rows_imported} records this import created?`)) return;
    const r = await pulse.request('POST', `/api/v1/imports/${encodeURIComponent(imp.id)}/revert`, {});
    state.current = { ...imp, ...r };
    toast('Reverting the import…');
    draw();
  }, { class: 'revert-form', 'aria-label': 'Revert the import' });
}

function drawList() {
  const el = document.getElementById('import-list');
  if (!el) return;
  if (!state.list.length) {
    replace(el, h('p', { class: 'muted' }, 'No imports yet.'));
    return;
  }
  replace(el, h('div', { class: 'table-wrap' }, h('table', { class: 'table records-table', 'aria-label': 'Past imports' },
    h('thead', null, h('tr', null, ['File', 'Records', 'Status', 'Imported', 'Failed', 'Uploaded', 'By'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, state.list.map((i) => h('tr', { class: i.id === state.id ? 'selected' : null, dataset: { id: i.id } },
      h('th', { scope: 'row' }, h('a', { href: `#/import/${i.id}` }, i.filename)),
      h('td', null, i.entity),
      h('td', null, h('span', { class: `status-pill status-${i.status}` }, STATUS_TEXT[/** @type {keyof STATUS_TEXT} */ (i.status)] ?? i.status)),
      h('td', null, i.rows_total != null ? `${i.rows_imported} of ${i.rows_total}` : String(i.rows_imported ?? 0)),
      h('td', null, String(i.rows_failed ?? 0)),
      h('td', null, dateTime(i.created_at)),
      h('td', null, i.created_by ? memberName(i.created_by) : '')))))));
}
