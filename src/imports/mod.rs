//! CSV import of contacts, companies, leads and deals (issue #6): upload,
//! automatic column mapping the person can adjust, a dry run, a background
//! run that resumes after a restart, and a revert. See docs/IMPORT.md.
//!
//! Contract:
//! - The upload is streamed into `import_files` in chunks of
//!   [`FILE_CHUNK`] bytes inside one transaction, never held whole in
//!   memory; on the way its encoding, delimiter, header, first rows and
//!   row count are found ([`csv`]).
//! - Only owners and managers import (`Action::ImportData`); one import
//!   per workspace runs (or reverts) at a time.
//! - The run ([`run`]) writes contacts and companies with COPY and leads
//!   and deals through the workspace actor; every record carries the
//!   import's id, and revert soft-deletes exactly those.
//! - Events: `import.progress` per chunk and `import.finished` on topic
//!   `imports` (owners, managers and the importing person),
//!   `contacts.imported` / `companies.imported` per chunk on `contacts`,
//!   `import.reverted` at the end of a revert.

pub mod cli;
pub mod csv;
pub mod fields;
mod pipeline;
pub mod rows;
pub mod run;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Pool};
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use self::csv::{CsvStream, RawRecord, Sniffer, Step};
use self::fields::{CustomDef, Entity, FieldSpec};
use self::run::{Duplicate, Env, FileReader, Limits, Links, Seen, Shape};
use crate::auth::Actor;
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::imports::{self as db, ImportRow, NewImport, RowIssue};
use crate::error::ApiError;
use crate::realtime::record_event;

/// Bytes per stored chunk of an uploaded file.
pub const FILE_CHUNK: usize = 1024 * 1024;
/// How much of the file start is kept to detect the delimiter.
const HEAD: usize = 64 * 1024;
/// Data rows shown in `sample`.
const SAMPLE_ROWS: usize = 5;
/// Most invalid rows and duplicates a dry run lists (each).
pub const DRY_RUN_LIST_MAX: usize = 1000;

/// An import, as the API returns it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Import {
    pub id: Uuid,
    pub entity: Entity,
    pub filename: String,
    /// `uploaded`, `running`, `completed`, `failed`, `reverting` or `reverted`.
    pub status: String,
    /// Bytes uploaded.
    pub size: i64,
    /// `utf-8` or `windows-1252`.
    pub encoding: String,
    /// `,`, `;`, a tab or `|`.
    pub delimiter: String,
    pub headers: Vec<String>,
    /// Each header and the field it is imported as (`null`: not imported).
    #[schema(value_type = Object)]
    pub mapping: Map<String, Value>,
    /// The fields a column can be mapped to.
    pub fields: Vec<FieldSpec>,
    /// The first data rows, as read.
    pub sample: Vec<Vec<String>>,
    /// `skip` (the default) or `create`: what the run does with a row that
    /// repeats an existing record or an earlier row.
    pub duplicates: String,
    pub rows_done: i64,
    pub rows_imported: i64,
    /// Invalid rows (see `/errors`).
    pub rows_failed: i64,
    /// Duplicates skipped (also listed in `/errors`).
    pub rows_skipped: i64,
    /// Data rows in the file (blank lines excluded).
    pub rows_total: Option<i64>,
    /// Why a run failed.
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub reverted_at: Option<DateTime<Utc>>,
}

impl Import {
    fn of(r: ImportRow, custom: &[CustomDef]) -> Self {
        let entity = Entity::parse(&r.entity).unwrap_or(Entity::Contacts);
        let sample = r
            .sample
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|row| {
                        row.as_array()
                            .map(|cells| cells.iter().map(|c| c.as_str().unwrap_or("").to_owned()).collect())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        Import {
            id: r.id,
            entity,
            filename: r.filename,
            status: r.status,
            size: r.size,
            encoding: r.encoding,
            delimiter: r.delimiter,
            headers: r.headers,
            mapping: r.mapping.as_object().cloned().unwrap_or_default(),
            fields: fields::fields(entity, custom),
            sample,
            duplicates: r.duplicates,
            rows_done: r.rows_done,
            rows_imported: r.rows_imported,
            rows_failed: r.rows_failed,
            rows_skipped: r.rows_skipped,
            rows_total: r.rows_total,
            failure: r.failure,
            created_at: r.created_at,
            created_by: r.created_by,
            started_at: r.started_at,
            finished_at: r.finished_at,
            reverted_at: r.reverted_at,
        }
    }
}

/// A page of imports, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportPage {
    pub items: Vec<Import>,
    pub total: i64,
    pub page: i64,
    pub limit: i64,
}

/// A row that was not (or would not be) imported.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportIssue {
    /// The line the row starts on (the header is line 1).
    pub line: i64,
    pub reason: String,
    /// The header of the column at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `invalid` or `duplicate` (a skipped duplicate).
    pub kind: String,
}

impl From<RowIssue> for ImportIssue {
    fn from(i: RowIssue) -> Self {
        ImportIssue { line: i.line, reason: i.reason, column: i.column, kind: i.kind.to_owned() }
    }
}

/// What a dry run found. Nothing is written.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DryRun {
    /// Data rows read.
    pub rows: i64,
    /// Rows the run would import (duplicates excluded when they are skipped).
    pub valid: i64,
    /// Invalid rows, by line (the first 1,000).
    pub invalid: Vec<ImportIssue>,
    /// Rows repeating an existing record or an earlier row (the first 1,000).
    pub duplicates: Vec<Duplicate>,
    /// Whether a list was cut at 1,000.
    pub truncated: bool,
}

/// A new mapping (and duplicate policy) for an uploaded import.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingRequest {
    /// Header -> field name (see the import's `fields`) or `null`. Headers
    /// left out are not imported.
    #[schema(value_type = Object)]
    pub mapping: Map<String, Value>,
    /// `skip` or `create`.
    #[schema(pattern = "^(skip|create)$")]
    pub duplicates: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::NotFound("import")
}

async fn custom_defs(c: &impl GenericClient, ws: Uuid, entity: &str) -> Result<Vec<CustomDef>, ApiError> {
    let entity = Entity::parse(entity).unwrap_or(Entity::Contacts);
    Ok(run::load_custom(c, ws, entity).await?)
}

async fn view(c: &impl GenericClient, r: ImportRow) -> Result<Import, ApiError> {
    let custom = custom_defs(c, r.workspace_id, &r.entity).await?;
    Ok(Import::of(r, &custom))
}

/// Finds the header and the first rows, and counts the data rows, as
/// the upload goes by.
struct Counter {
    stream: CsvStream,
    header: Option<RawRecord>,
    sample: Vec<RawRecord>,
    rows: i64,
}

impl Counter {
    fn new(delimiter: u8, bom: bool, max_row: usize) -> Self {
        let start = if bom { 3 } else { 0 };
        Counter { stream: CsvStream::new(delimiter, start, 1, max_row), header: None, sample: Vec::new(), rows: 0 }
    }

    fn feed(&mut self, mut input: &[u8], eof: bool) {
        loop {
            let (n, step) = self.stream.step(input, eof);
            input = &input[n..];
            match step {
                Step::Record(r) if r.is_blank() => {}
                Step::Record(r) if self.header.is_none() => self.header = Some(r),
                Step::Record(r) => {
                    self.rows += 1;
                    if self.sample.len() < SAMPLE_ROWS && !r.too_long {
                        self.sample.push(r);
                    }
                }
                Step::NeedInput | Step::End => return,
            }
        }
    }
}

/// Header names: trimmed, `Column N` for blank ones, unique (`Name (2)`).
fn header_names(raw: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, h) in raw.into_iter().enumerate() {
        let mut h: String = h.trim().chars().filter(|c| !c.is_control()).take(200).collect();
        if h.is_empty() {
            h = format!("Column {}", i + 1);
        }
        let mut name = h.clone();
        let mut n = 2;
        while out.contains(&name) {
            name = format!("{h} ({n})");
            n += 1;
        }
        out.push(name);
    }
    out
}

/// Stores an uploaded file and describes it: the import is `uploaded`,
/// with an automatic mapping. `body` is streamed, never held whole.
#[allow(clippy::too_many_arguments)]
pub async fn upload<S, E>(
    pool: &Pool,
    ws: Uuid,
    user: Option<Uuid>,
    entity: Entity,
    filename: &str,
    limits: Limits,
    mut body: S,
    from: &Origin,
) -> Result<Import, ApiError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let id = Uuid::now_v7();
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let placeholder = NewImport {
        id,
        workspace_id: ws,
        entity: entity.as_str().into(),
        filename: filename.into(),
        size: 0,
        encoding: "utf-8".into(),
        delimiter: ",".into(),
        headers: Vec::new(),
        mapping: Value::Object(Map::new()),
        sample: Value::Array(Vec::new()),
        data_offset: 0,
        data_line: 1,
        rows_total: 0,
        created_by: user,
    };
    db::insert_import(&tx, &placeholder).await?;
    let mut sniff = Sniffer::new(HEAD);
    let mut counter: Option<Counter> = None;
    let mut pending: Vec<u8> = Vec::with_capacity(FILE_CHUNK);
    let (mut n, mut start) = (0i32, 0i64);
    let too_large = || ApiError::PayloadTooLarge { limit: limits.max_file_bytes as usize };
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: "bad_body",
            detail: format!("the upload was interrupted: {e}"),
        })?;
        if sniff.size() + chunk.len() as u64 > limits.max_file_bytes {
            return Err(too_large());
        }
        sniff.feed(&chunk);
        match &mut counter {
            Some(c) => c.feed(&chunk, false),
            None if sniff.head().len() >= HEAD => {
                let mut c =
                    Counter::new(csv::detect_delimiter(sniff.head(), false), sniff.has_bom(), limits.max_row_bytes);
                // The head is the file so far, this chunk included.
                let skip = if sniff.has_bom() { 3 } else { 0 };
                c.feed(&pending_with(&pending, &chunk)[skip.min(pending.len() + chunk.len())..], false);
                counter = Some(c);
            }
            None => {}
        }
        pending.extend_from_slice(&chunk);
        while pending.len() >= FILE_CHUNK {
            let rest = pending.split_off(FILE_CHUNK);
            db::insert_file_chunk(&tx, id, n, start, &pending).await?;
            start += pending.len() as i64;
            n += 1;
            pending = rest;
        }
    }
    let mut counter = match counter {
        Some(c) => c,
        None => {
            // The whole file fits in the head.
            let mut c = Counter::new(csv::detect_delimiter(sniff.head(), true), sniff.has_bom(), limits.max_row_bytes);
            let skip = if sniff.has_bom() { 3 } else { 0 };
            c.feed(&sniff.head()[skip.min(sniff.head().len())..], false);
            c
        }
    };
    counter.feed(&[], true);
    if !pending.is_empty() {
        db::insert_file_chunk(&tx, id, n, start, &pending).await?;
    }
    let encoding = sniff.encoding();
    let Some(header) = counter.header.take() else {
        return Err(ApiError::FieldConflict {
            field: "body",
            detail: "the file is empty: send a CSV file whose first line names the columns".into(),
        });
    };
    if header.too_long {
        return Err(ApiError::FieldConflict {
            field: "body",
            detail: format!("the header row is longer than {} bytes or has too many columns", limits.max_row_bytes),
        });
    }
    let headers = header_names(header.fields(encoding));
    let custom = run::load_custom(&tx, ws, entity).await?;
    let mapping: Map<String, Value> = fields::auto_map(entity, &headers, &custom)
        .into_iter()
        .map(|(h, f)| (h, f.map(Value::String).unwrap_or(Value::Null)))
        .collect();
    let sample: Vec<Value> = counter
        .sample
        .iter()
        .map(|r| Value::from(r.fields(encoding).into_iter().map(Value::String).collect::<Vec<_>>()))
        .collect();
    let delimiter = counter_delimiter(&counter);
    tx.execute(
        "UPDATE imports SET size = $2, encoding = $3, delimiter = $4, headers = $5, mapping = $6, sample = $7,
             data_offset = $8, data_line = $9, checkpoint_offset = $8, checkpoint_line = $9, rows_total = $10
         WHERE id = $1",
        &[
            &id,
            &(sniff.size() as i64),
            &encoding.as_str(),
            &delimiter,
            &headers,
            &Value::Object(mapping),
            &Value::Array(sample),
            &(header.end_offset as i64),
            &(header.end_line as i64),
            &counter.rows,
        ],
    )
    .await?;
    let actor = user.map(Actor::User);
    let entry = AuditEntry::new(Some(ws), actor, "import.uploaded").target("import", id);
    let details = serde_json::json!({"entity": entity.as_str(), "filename": filename, "size": sniff.size(), "rows": counter.rows});
    insert_audit(&tx, &entry.details(details), from).await?;
    let row = db::select_import(&tx, ws, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Import::of(row, &custom))
}

fn pending_with(pending: &[u8], chunk: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(pending.len() + chunk.len());
    v.extend_from_slice(pending);
    v.extend_from_slice(chunk);
    v
}

fn counter_delimiter(c: &Counter) -> String {
    (c.stream.delimiter() as char).to_string()
}

pub async fn get_import(pool: &Pool, ws: Uuid, id: Uuid) -> Result<Import, ApiError> {
    let client = pool.get().await?;
    let row = db::select_import(&client, ws, id).await?.ok_or_else(not_found)?;
    view(&client, row).await
}

pub async fn list_imports(pool: &Pool, ws: Uuid, page: crate::crm::PageRequest) -> Result<ImportPage, ApiError> {
    let client = pool.get().await?;
    let (rows, total) = db::select_imports(&client, ws, page.offset(), page.limit).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(view(&client, r).await?);
    }
    Ok(ImportPage { items, total, page: page.page, limit: page.limit })
}

/// Sets the mapping (and the duplicate policy) of an import not started yet.
pub async fn update_mapping(pool: &Pool, ws: Uuid, id: Uuid, req: MappingRequest) -> Result<Import, ApiError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let row = db::select_import_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    let duplicates = req.duplicates.clone().unwrap_or_else(|| row.duplicates.clone());
    if duplicates != "skip" && duplicates != "create" {
        return Err(ApiError::invalid("duplicates", "must be `skip` or `create`"));
    }
    if row.status != "uploaded" {
        return Err(ApiError::Conflict {
            code: "import_started",
            detail: format!("this import is {}; its mapping can change only before it starts", row.status),
        });
    }
    let custom = custom_defs(&tx, ws, &row.entity).await?;
    let entity = Entity::parse(&row.entity).unwrap_or(Entity::Contacts);
    let known: Vec<String> = fields::fields(entity, &custom).into_iter().map(|f| f.name).collect();
    let mut mapping = Map::new();
    let mut used: Vec<String> = Vec::new();
    for (header, field) in &req.mapping {
        if !row.headers.contains(header) {
            return Err(ApiError::FieldConflict {
                field: "mapping",
                detail: format!("the file has no column `{header}`"),
            });
        }
        match field {
            Value::Null => {}
            Value::String(f) if known.contains(f) => {
                if used.contains(f) {
                    return Err(ApiError::FieldConflict {
                        field: "mapping",
                        detail: format!("`{f}` is mapped from two columns; map each field once"),
                    });
                }
                used.push(f.clone());
            }
            Value::String(f) => {
                return Err(ApiError::FieldConflict {
                    field: "mapping",
                    detail: format!("`{header}` is mapped to `{f}`, which is not a field of {}", entity.as_str()),
                })
            }
            _ => return Err(ApiError::invalid("mapping", "each value is a field name or null")),
        }
    }
    for h in &row.headers {
        mapping.insert(h.clone(), req.mapping.get(h).cloned().unwrap_or(Value::Null));
    }
    db::update_mapping(&tx, id, &Value::Object(mapping), &duplicates).await?;
    let row = db::select_import(&tx, ws, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Import::of(row, &custom))
}

/// Refuses a mapping that leaves out what every row needs.
fn check_required(row: &ImportRow) -> Result<(), ApiError> {
    let mapped: Vec<&str> =
        row.mapping.as_object().map(|m| m.values().filter_map(Value::as_str).collect()).unwrap_or_default();
    let has = |f: &str| mapped.contains(&f);
    let (ok, need) = match Entity::parse(&row.entity).unwrap_or(Entity::Contacts) {
        Entity::Contacts | Entity::Leads => (
            ["first_name", "last_name", "full_name", "email"].iter().any(|f| has(f)),
            "a name or an email column (first_name, last_name, full_name or email)",
        ),
        Entity::Companies => (has("name"), "a column to `name`"),
        Entity::Deals => (has("title"), "a column to `title`"),
    };
    if ok {
        return Ok(());
    }
    Err(ApiError::FieldConflict { field: "mapping", detail: format!("map {need}") })
}

/// Checks every row of an uploaded import as the run would, writing
/// nothing: invalid rows with their reasons and duplicates.
pub async fn dry_run(
    pool: &Pool,
    realtime: &pulse_actors::Realtime,
    ws: Uuid,
    id: Uuid,
    limits: Limits,
) -> Result<DryRun, ApiError> {
    let client = pool.get().await?;
    let row = db::select_import(&client, ws, id).await?.ok_or_else(not_found)?;
    if row.status != "uploaded" {
        return Err(ApiError::Conflict {
            code: "import_started",
            detail: format!("this import is {}; a dry run checks an import before it starts", row.status),
        });
    }
    check_required(&row)?;
    let shape = Shape::load(&client, &row, limits.max_row_bytes).await.map_err(run_error)?;
    let mut reader = FileReader::open(&client, &row, row.data_offset, row.data_line, limits.max_row_bytes)
        .await
        .map_err(run_error)?;
    let mut seen = Seen::whole_file();
    let mut links = Links::default();
    let mut report = DryRun { rows: 0, valid: 0, invalid: Vec::new(), duplicates: Vec::new(), truncated: false };
    let remove = row.duplicates == "skip";
    loop {
        let mut recs = Vec::with_capacity(limits.chunk_rows.max(1));
        while recs.len() < limits.chunk_rows.max(1) {
            match reader.next(&client).await.map_err(run_error)? {
                Some(r) => recs.push(r),
                None => break,
            }
        }
        if recs.is_empty() {
            break;
        }
        report.rows += recs.len() as i64;
        let (good, invalid, dups) = match shape.entity {
            Entity::Contacts => {
                let chunk = run::Chunk { recs: &recs, enc: reader.encoding, end: (0, 0) };
                let p =
                    run::prepare_contacts(&client, &shape, ws, chunk, &mut seen, remove).await.map_err(run_error)?;
                (p.good.len(), p.invalid, p.duplicates)
            }
            Entity::Companies => {
                let p = run::prepare_companies(&client, &shape, ws, &recs, reader.encoding, &mut seen, remove)
                    .await
                    .map_err(run_error)?;
                (p.good.len(), p.invalid, p.duplicates)
            }
            Entity::Leads | Entity::Deals => {
                let p = run::prepare_actor_rows(
                    &client,
                    realtime,
                    &shape,
                    &row,
                    &recs,
                    reader.encoding,
                    &mut links,
                    &mut seen,
                    remove,
                    false,
                )
                .await
                .map_err(run_error)?;
                (p.commands.len(), p.invalid, p.duplicates)
            }
        };
        report.valid += good as i64;
        for i in invalid {
            if report.invalid.len() < DRY_RUN_LIST_MAX {
                report.invalid.push(i.into());
            } else {
                report.truncated = true;
            }
        }
        for d in dups {
            if report.duplicates.len() < DRY_RUN_LIST_MAX {
                report.duplicates.push(d);
            } else {
                report.truncated = true;
            }
        }
    }
    Ok(report)
}

fn run_error(e: run::RunError) -> ApiError {
    match e {
        run::RunError::Db(e) => ApiError::internal(e),
        run::RunError::Pool(_) => ApiError::Unavailable,
        run::RunError::Other(m) => ApiError::internal(std::io::Error::other(m)),
    }
}

/// Moves an import to `to` (`running` from `uploaded`, `reverting` from
/// `completed` or `failed`), audited and announced, in one transaction.
pub(crate) async fn transition(
    pool: &Pool,
    realtime: &pulse_actors::Realtime,
    ws: Uuid,
    actor: Actor,
    id: Uuid,
    to: &str,
    from: &Origin,
) -> Result<Import, ApiError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let row = db::select_import_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    let (allowed, action, code): (&[&str], &'static str, &'static str) = match to {
        "running" => (&["uploaded"], "import.started", "import_started"),
        _ => (&["completed", "failed"], "import.revert_requested", "import_not_revertible"),
    };
    if !allowed.contains(&row.status.as_str()) {
        let detail = match to {
            "running" => format!("this import is {}; only an uploaded import can start", row.status),
            _ => format!("this import is {}; only a completed or failed import can be reverted", row.status),
        };
        return Err(ApiError::Conflict { code, detail });
    }
    if to == "running" {
        check_required(&row)?;
    }
    db::update_status(&tx, id, to).await.map_err(|e| {
        if e.as_db_error().and_then(|d| d.constraint()) == Some("imports_one_active_idx") {
            ApiError::Conflict {
                code: "import_running",
                detail: "another import of this workspace is running or reverting; wait for it to finish".into(),
            }
        } else {
            ApiError::internal(e)
        }
    })?;
    let entry = AuditEntry::new(Some(ws), Some(actor), action).target("import", id);
    insert_audit(&tx, &entry.details(serde_json::json!({"entity": row.entity, "filename": row.filename})), from)
        .await?;
    let row = db::select_import(&tx, ws, id).await?.ok_or_else(not_found)?;
    let ev = record_event(
        &tx,
        ws,
        Some(actor),
        "import.progress",
        run::TOPIC,
        pulse_actors::Visibility::ManagersAnd(row.created_by.into_iter().collect()),
        run::progress_data(&row),
    )
    .await?;
    let custom = custom_defs(&tx, ws, &row.entity).await?;
    tx.commit().await?;
    realtime.publish(ev);
    Ok(Import::of(row, &custom))
}

/// Starts the background run of an uploaded import (202).
pub async fn start(
    env: &Env,
    pool: &Pool,
    ws: Uuid,
    actor: Actor,
    id: Uuid,
    from: &Origin,
) -> Result<Import, ApiError> {
    let import = transition(pool, &env.realtime, ws, actor, id, "running", from).await?;
    run::spawn(env.clone(), ws, id);
    Ok(import)
}

/// Starts reverting a completed or failed import (202).
pub async fn revert(
    env: &Env,
    pool: &Pool,
    ws: Uuid,
    actor: Actor,
    id: Uuid,
    from: &Origin,
) -> Result<Import, ApiError> {
    let import = transition(pool, &env.realtime, ws, actor, id, "reverting", from).await?;
    run::spawn(env.clone(), ws, id);
    Ok(import)
}

/// The rows a run did not import, by line.
pub async fn list_errors(
    pool: &Pool,
    ws: Uuid,
    id: Uuid,
    page: crate::crm::PageRequest,
) -> Result<Vec<ImportIssue>, ApiError> {
    let client = pool.get().await?;
    db::select_import(&client, ws, id).await?.ok_or_else(not_found)?;
    let (rows, _) = db::select_errors(&client, id, page.offset(), page.limit).await?;
    Ok(rows.into_iter().map(ImportIssue::from).collect())
}
