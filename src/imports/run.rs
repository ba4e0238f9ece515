//! The background run of an import, its dry run, and its revert.
//!
//! A run reads the stored file from its checkpoint in chunks of rows. Per
//! chunk it converts and checks every row, finds duplicates, writes the
//! valid rows, records the rows it did not import, moves the checkpoint
//! and appends its events, then publishes the events:
//! - contacts and companies: one transaction per chunk holding the COPY,
//!   the errors, the checkpoint and the events, so a run killed at any
//!   point resumes exactly after the last committed chunk;
//! - leads and deals: through the workspace actor (its memory stays true),
//!   one `ImportLead`/`ImportDeal` command per row, sent together so the
//!   actor commits them in a few batches. Each row's record id is derived
//!   from the import id and the row's line, and the command is idempotent
//!   by that id: a chunk the actor committed just before a kill is sent
//!   again on resume and changes nothing.
//!
//! Only one node runs an import at a time: the runner holds a session
//! advisory lock on a connection of its own, which PostgreSQL releases
//! when the node dies. Every node looks for `running` and `reverting`
//! imports at start and every `PULSE_IMPORT_SWEEP_SECS`, and takes those
//! whose lock is free.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{GenericClient, Object, Pool};
use pulse_actors::deals::{Caller as ActorCaller, Command, DealError, NewDeal, Origin as ActorOrigin, Outcome};
use pulse_actors::event::{ActorKind, ActorRef};
use pulse_actors::{EventRecord, Realtime, Visibility};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::csv::{CsvStream, Encoding, RawRecord, Step};
use super::fields::{CustomDef, Entity};
use super::rows::{self, Columns, Context, RowError};
use crate::auth::Actor;
use crate::db::imports::{self as db, ImportRow, Progress, RowIssue};
use crate::realtime::record_event;

/// The topic of `import.*` events.
pub const TOPIC: &str = "imports";

/// Rows per chunk written with COPY (contacts, companies).
pub const COPY_CHUNK_ROWS: usize = 5000;
/// Rows per chunk sent to the workspace actor (leads, deals); at most
/// its batch size, so a chunk commits in one or two batches.
pub const ACTOR_CHUNK_ROWS: usize = 500;
/// Rows of a revert per transaction or actor round.
const REVERT_BATCH: i64 = 5000;

/// What a run needs from the process.
#[derive(Clone)]
pub struct Env {
    pub realtime: Realtime,
    pub database_url: String,
    pub limits: Limits,
    /// Called after each chunk (the CLI's progress bar).
    pub on_progress: Option<ProgressFn>,
}

/// A callback told of each chunk's progress.
pub type ProgressFn = Arc<dyn Fn(&ImportRow) + Send + Sync>;

/// Size limits of imports.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_row_bytes: usize,
    /// Rows per COPY chunk.
    pub chunk_rows: usize,
    /// Connections writing a contact import's chunks at once.
    pub writers: usize,
    /// Check a contact chunk's links with one query instead of per-row
    /// foreign-key triggers, where the role may.
    pub bulk_link_checks: bool,
}

/// Why a run stopped early. The import stays `running` (or `reverting`)
/// for a later sweep, unless it is marked `failed`.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("database: {0}")]
    Db(#[from] tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(String),
    #[error("{0}")]
    Other(String),
}

impl From<deadpool_postgres::PoolError> for RunError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        RunError::Pool(e.to_string())
    }
}

/// The id of the record a lead or deal row becomes: the same for the same
/// import and line, whichever node or attempt sends it.
pub fn record_id(import_id: Uuid, line: u64) -> Uuid {
    let mut h = Sha256::new();
    h.update(import_id.as_bytes());
    h.update(line.to_be_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The advisory lock key of an import.
fn lock_key(id: Uuid) -> i64 {
    let b = id.as_bytes();
    i64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) ^ 0x5055_4c53_4549_4d50
}

/// A pool of a run's own: one connection, whose session holds the run's
/// lock, or a contact run's writers.
pub(super) fn run_pool(url: &str, size: usize) -> Result<Pool, RunError> {
    let config = tokio_postgres::Config::from_str(url).map_err(|e| RunError::Other(e.to_string()))?;
    crate::db::build_pool(config, size).map_err(|e| RunError::Other(e.to_string()))
}

/// Runs (or reverts) the import on a thread of its own, so parsing never
/// slows request handling or the workspace actors. Returns at once.
pub fn spawn(env: Env, workspace_id: Uuid, import_id: Uuid) {
    let spawned = std::thread::Builder::new().name("pulse-import".into()).spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                tracing::error!(error = %e, "could not start an import runtime");
                return;
            }
        };
        rt.block_on(async move {
            if let Err(e) = drive(&env, workspace_id, import_id).await {
                tracing::warn!(import = %import_id, error = %e, "import run stopped; a later sweep resumes it");
            }
        });
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start an import thread");
    }
}

/// Looks for `running` and `reverting` imports and starts those no node
/// is running: at start-up, then every `every`.
pub fn spawn_sweeper(env: Env, pool: Pool, every: Duration) -> tokio::task::JoinHandle<()> {
    actix_web::rt::spawn(async move {
        loop {
            match pool.get().await {
                Ok(client) => match db::select_active_imports(&client).await {
                    Ok(active) => {
                        for (id, ws) in active {
                            spawn(env.clone(), ws, id);
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not look for imports to resume"),
                },
                Err(e) => tracing::warn!(error = %e, "could not look for imports to resume"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// Takes the import's lock and runs or reverts it, as its status says.
/// Returns at once when another node (or thread) holds the lock.
pub async fn drive(env: &Env, workspace_id: Uuid, import_id: Uuid) -> Result<(), RunError> {
    let pool = run_pool(&env.database_url, 1)?;
    let mut client = pool.get().await?;
    let locked: bool = client.query_one("SELECT pg_try_advisory_lock($1)", &[&lock_key(import_id)]).await?.get(0);
    if !locked {
        return Ok(());
    }
    let result = async {
        let Some(import) = db::select_import(&client, workspace_id, import_id).await? else { return Ok(()) };
        match import.status.as_str() {
            "running" => run_with_retries(env, &mut client, import).await,
            "reverting" => revert(env, &mut client, import).await,
            _ => Ok(()),
        }
    }
    .await;
    // Dropping the pool closes the connection, which releases the lock
    // whatever happened; unlock first anyway for a clean session.
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&lock_key(import_id)]).await;
    result
}

/// A run retries a failing chunk three times (a database restart, a lost
/// connection); then the import is marked `failed`, keeping what it wrote.
async fn run_with_retries(env: &Env, client: &mut Object, import: ImportRow) -> Result<(), RunError> {
    let mut attempt = 0;
    loop {
        let current = db::select_import(&*client, import.workspace_id, import.id).await?;
        let Some(current) = current.filter(|i| i.status == "running") else { return Ok(()) };
        match run(env, client, current).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 3 => {
                attempt += 1;
                tracing::warn!(import = %import.id, error = %e, attempt, "import chunk failed; retrying");
                tokio::time::sleep(Duration::from_secs(attempt * 2)).await;
            }
            Err(e) => {
                tracing::error!(import = %import.id, error = %e, "import failed");
                finish(
                    env,
                    client,
                    &import,
                    "failed",
                    Some("the import stopped on a database error; what it wrote is kept and can be reverted"),
                )
                .await?;
                return Err(e);
            }
        }
    }
}

/// The caller the workspace actor sees for an import's writes: the person
/// who started it, with owner/manager rights (only they may import).
fn actor_caller(import: &ImportRow) -> Result<ActorCaller, RunError> {
    let user = import.created_by.ok_or_else(|| RunError::Other("the person who started the import is gone".into()))?;
    Ok(ActorCaller {
        actor: ActorRef { kind: ActorKind::User, id: user },
        user_id: Some(user),
        edit_any: true,
        origin: ActorOrigin { ip: None, user_agent: Some("pulse import".into()), request_id: None },
    })
}

/// Reads an import's stored file record by record, from an offset.
pub struct FileReader {
    import_id: Uuid,
    stream: CsvStream,
    chunk_n: i32,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    pub encoding: Encoding,
}

impl FileReader {
    /// Opens the file at `offset` (a record boundary) on `line`.
    pub async fn open(
        c: &impl GenericClient,
        import: &ImportRow,
        offset: i64,
        line: i64,
        max_row: usize,
    ) -> Result<Self, RunError> {
        let delimiter = import.delimiter.as_bytes().first().copied().unwrap_or(b',');
        let (chunk_n, buf, pos, eof) = match db::select_file_chunk_at(c, import.id, offset).await? {
            Some((n, start, data)) => {
                let pos = usize::try_from(offset - start).unwrap_or(0).min(data.len());
                (n, data, pos, false)
            }
            None => (-1, Vec::new(), 0, true),
        };
        Ok(FileReader {
            import_id: import.id,
            stream: CsvStream::new(delimiter, offset as u64, line as u64, max_row),
            chunk_n,
            buf,
            pos,
            eof,
            encoding: Encoding::parse(&import.encoding).unwrap_or(Encoding::Utf8),
        })
    }

    /// The next record that is not blank, or `None` at the end.
    pub async fn next(&mut self, c: &impl GenericClient) -> Result<Option<RawRecord>, RunError> {
        loop {
            let (n, step) = self.stream.step(&self.buf[self.pos..], self.eof);
            self.pos += n;
            match step {
                Step::Record(r) if r.is_blank() => continue,
                Step::Record(r) => return Ok(Some(r)),
                Step::End => return Ok(None),
                Step::NeedInput => match db::select_file_chunk(c, self.import_id, self.chunk_n + 1).await? {
                    Some(data) => {
                        self.chunk_n += 1;
                        self.buf = data;
                        self.pos = 0;
                    }
                    None => {
                        self.buf.clear();
                        self.pos = 0;
                        self.eof = true;
                    }
                },
            }
        }
    }
}

/// What a chunk's rows need to be converted: columns, context, headers.
pub struct Shape {
    pub entity: Entity,
    pub headers: Vec<String>,
    pub cols: Columns,
    pub ctx: Context,
    pub skip_duplicates: bool,
    pub max_row: usize,
}

impl Shape {
    /// Loads what converting rows of `import` needs.
    pub async fn load(c: &impl GenericClient, import: &ImportRow, max_row: usize) -> Result<Self, RunError> {
        let entity = Entity::parse(&import.entity).unwrap_or(Entity::Contacts);
        let custom = load_custom(c, import.workspace_id, entity).await?;
        let members = db::select_member_directory(c, import.workspace_id).await?;
        let currency = match crate::db::workspaces::select_workspace(c, import.workspace_id).await? {
            Some(w) => w.currency,
            None => "EUR".into(),
        };
        let mapping = import.mapping.as_object().cloned().unwrap_or_default();
        Ok(Shape {
            entity,
            cols: Columns::new(&import.headers, &mapping),
            headers: import.headers.clone(),
            ctx: Context { members, user_id: import.created_by, edit_any: true, custom, currency },
            skip_duplicates: import.duplicates == "skip",
            max_row,
        })
    }

    /// The record's fields, or why the record cannot be read.
    fn fields(&self, rec: &RawRecord, enc: Encoding) -> Result<Vec<String>, RowError> {
        if rec.too_long {
            return Err(RowError::new(
                format!(
                    "the row is longer than {} bytes or has more than {} columns (an unclosed quote?)",
                    self.max_row,
                    super::csv::MAX_FIELDS
                ),
                None,
            ));
        }
        let fields = rec.fields(enc);
        if fields.len() > self.headers.len() && fields[self.headers.len()..].iter().any(|f| !f.trim().is_empty()) {
            return Err(RowError::new(
                format!("the row has {} fields but the header has {} columns", fields.len(), self.headers.len()),
                None,
            ));
        }
        if let Some(i) = fields.iter().position(|f| f.contains('\0')) {
            return Err(RowError::new("a value holds a NUL character", self.headers.get(i).map(String::as_str)));
        }
        Ok(fields)
    }
}

/// Custom field definitions of the entity.
pub async fn load_custom(
    c: &impl GenericClient,
    ws: Uuid,
    entity: Entity,
) -> Result<Vec<CustomDef>, tokio_postgres::Error> {
    Ok(crate::db::custom_fields::select_field_definitions(c, ws, Some(entity.custom_entity()))
        .await?
        .into_iter()
        .map(|d| CustomDef { key: d.key, label: d.label, field_type: d.field_type, options: d.options })
        .collect())
}

fn issue(line: u64, e: RowError) -> RowIssue {
    RowIssue { line: line as i64, kind: "invalid", reason: e.reason, column: e.column }
}

fn duplicate(line: u64, reason: String, column: Option<&str>) -> RowIssue {
    RowIssue { line: line as i64, kind: "duplicate", reason, column: column.map(str::to_owned) }
}

/// The data of `import.progress` and `import.finished`.
pub fn progress_data(i: &ImportRow) -> Value {
    json!({
        "id": i.id, "entity": i.entity, "status": i.status, "rows_done": i.rows_done,
        "rows_imported": i.rows_imported, "rows_failed": i.rows_failed, "rows_skipped": i.rows_skipped,
        "rows_total": i.rows_total,
    })
}

/// Who sees `import.*` events: owners, managers and the importing person.
fn visibility(i: &ImportRow) -> Visibility {
    Visibility::ManagersAnd(i.created_by.into_iter().collect())
}

fn actor_of(i: &ImportRow) -> Option<Actor> {
    i.created_by.map(Actor::User)
}

/// Applies a chunk's counts to the import (in memory).
fn advance(
    i: &mut ImportRow,
    rows: usize,
    imported: usize,
    failed: usize,
    skipped: usize,
    end: (u64, u64),
) -> Progress {
    i.rows_done += rows as i64;
    i.rows_imported += imported as i64;
    i.rows_failed += failed as i64;
    i.rows_skipped += skipped as i64;
    i.checkpoint_offset = end.0 as i64;
    i.checkpoint_line = end.1 as i64;
    Progress {
        rows_done: i.rows_done,
        rows_imported: i.rows_imported,
        rows_failed: i.rows_failed,
        rows_skipped: i.rows_skipped,
        checkpoint_offset: i.checkpoint_offset,
        checkpoint_line: i.checkpoint_line,
    }
}

/// Runs an import from its checkpoint to the end of the file.
async fn run(env: &Env, c: &mut Object, import: ImportRow) -> Result<(), RunError> {
    // Each chunk looks up its thousands of keys (emails, company names) at
    // once. With the default random_page_cost the planner prices that many
    // index probes above reading the whole table, and scanned every
    // contact of the workspace per chunk: 325 ms a chunk of 20,000 keys at
    // a million contacts, against 24 ms by the index. The run's connection
    // is its own: the setting ends with it.
    c.batch_execute("SET random_page_cost = 1.1").await?;
    let shape = Shape::load(&*c, &import, env.limits.max_row_bytes).await?;
    let reader =
        FileReader::open(&*c, &import, import.checkpoint_offset, import.checkpoint_line, env.limits.max_row_bytes)
            .await?;
    let import = match shape.entity {
        Entity::Contacts => super::pipeline::run_contacts(env, c, &shape, reader, import).await?,
        Entity::Companies | Entity::Leads | Entity::Deals => run_chunks(env, c, &shape, reader, import).await?,
    };
    finish(env, c, &import, "completed", None).await
}

/// Runs a company, lead or deal import one chunk after another: companies
/// with COPY, leads and deals through the workspace actor.
async fn run_chunks(
    env: &Env,
    c: &mut Object,
    shape: &Shape,
    mut reader: FileReader,
    mut import: ImportRow,
) -> Result<ImportRow, RunError> {
    let chunk_rows = match shape.entity {
        Entity::Companies => env.limits.chunk_rows.max(1),
        _ => ACTOR_CHUNK_ROWS,
    };
    let actor = actor_caller(&import)?;
    let mut links = Links::default();
    let mut analyze = Analyze::new(import.rows_imported);
    loop {
        let mut recs = Vec::with_capacity(chunk_rows);
        while recs.len() < chunk_rows {
            match reader.next(&*c).await? {
                Some(r) => recs.push(r),
                None => break,
            }
        }
        let Some(last) = recs.last() else { break };
        let end = (last.end_offset, last.end_line);
        let chunk = Chunk { recs: &recs, enc: reader.encoding, end };
        let events = match shape.entity {
            Entity::Companies => companies_chunk(c, shape, &mut import, chunk).await?,
            _ => actor_chunk(env, c, shape, &mut import, chunk, &actor, &mut links).await?,
        };
        for ev in events {
            env.realtime.publish(ev);
        }
        let tables = match shape.entity {
            Entity::Companies => "companies",
            Entity::Leads => "leads",
            _ => "deals, companies",
        };
        analyze.after(c, tables, import.rows_imported).await?;
        if let Some(cb) = &env.on_progress {
            cb(&import);
        }
    }
    Ok(import)
}

/// When a run refreshes the statistics of the tables it fills. A bulk
/// load can grow a table from nothing faster than autovacuum re-analyses
/// it, and the look-ups' plans depend on the statistics (the expression
/// statistics of migration V15: the number of distinct keys). So a run
/// analyses at 10,000 rows written, then each time the count has grown
/// fourfold: the distinct counts are kept as a fraction of the rows, so
/// the estimates follow the table in between.
pub(super) struct Analyze {
    at: i64,
}

impl Analyze {
    pub(super) fn new(imported: i64) -> Self {
        Analyze { at: imported + 10_000 }
    }

    /// Analyses `tables` if `imported` has reached the next mark.
    pub(super) async fn after(&mut self, c: &Object, tables: &str, imported: i64) -> Result<(), RunError> {
        if imported >= self.at {
            c.batch_execute(&format!("ANALYZE {tables}")).await?;
            self.at = imported * 4;
        }
        Ok(())
    }
}

/// Marks the run's end, drops the stored file, announces `import.finished`.
async fn finish(
    env: &Env,
    client: &mut Object,
    import: &ImportRow,
    status: &str,
    failure: Option<&str>,
) -> Result<(), RunError> {
    let tx = client.transaction().await?;
    db::update_finished(&tx, import.id, status, failure).await?;
    db::delete_file(&tx, import.id).await?;
    let mut done = import.clone();
    done.status = status.to_owned();
    let ev = record_event(
        &tx,
        import.workspace_id,
        actor_of(import),
        "import.finished",
        TOPIC,
        visibility(import),
        progress_data(&done),
    )
    .await?;
    tx.commit().await?;
    env.realtime.publish(ev);
    if let Some(cb) = &env.on_progress {
        cb(&done);
    }
    Ok(())
}

/// The records of one chunk and where the chunk ends.
#[derive(Clone, Copy)]
pub struct Chunk<'a> {
    pub recs: &'a [RawRecord],
    pub enc: Encoding,
    /// (offset, line) after the chunk's last record: the next checkpoint.
    pub end: (u64, u64),
}

/// A duplicate found by a check: the row, the record it repeats (absent
/// for an earlier row of the file) and what matched.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Duplicate {
    pub line: i64,
    pub existing_id: Option<Uuid>,
    /// `email`, `domain`, `name` or `title`; "… (line N)" for an earlier
    /// row of the same file.
    pub by: String,
}

/// Remembers the keys of rows seen earlier in the file. A run only needs
/// the current chunk (earlier chunks are committed, so the database finds
/// them); a dry run writes nothing and remembers key hashes for the whole
/// file.
#[derive(Default)]
pub struct Seen {
    keys: HashMap<u64, u64>,
    whole_file: bool,
}

impl Seen {
    pub fn whole_file() -> Self {
        Seen { keys: HashMap::new(), whole_file: true }
    }

    fn start_chunk(&mut self) {
        if !self.whole_file {
            self.keys.clear();
        }
    }

    /// The earlier line with this key, or records it for `line`.
    fn check(&mut self, key: &str, line: u64) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        let k = h.finish();
        match self.keys.get(&k) {
            Some(first) => Some(*first),
            None => {
                self.keys.insert(k, line);
                None
            }
        }
    }
}

/// Converts a chunk's records with `f`, sorting them into good rows and
/// invalid ones.
pub(super) fn convert<T>(
    shape: &Shape,
    chunk: Chunk<'_>,
    f: impl Fn(&Columns, &Context, &[String]) -> Result<T, RowError>,
) -> (Vec<(u64, T)>, Vec<RowIssue>) {
    let mut good = Vec::with_capacity(chunk.recs.len());
    let mut bad = Vec::new();
    for rec in chunk.recs {
        match shape.fields(rec, chunk.enc).and_then(|fields| f(&shape.cols, &shape.ctx, &fields)) {
            Ok(x) => good.push((rec.line, x)),
            Err(e) => bad.push(issue(rec.line, e)),
        }
    }
    (good, bad)
}

/// Finds duplicates among `good` by `key`: against `existing` (key ->
/// record id; a record whose id is `own(line)` is the row itself, written
/// before a restart) and against earlier rows. Returns the duplicates;
/// removes them from `good` when `remove`.
#[allow(clippy::too_many_arguments)]
fn find_duplicates<T>(
    good: &mut Vec<(u64, T)>,
    key: impl Fn(&T) -> Option<(String, &'static str)>,
    existing: &HashMap<String, Uuid>,
    own: impl Fn(u64) -> Option<Uuid>,
    seen: &mut Seen,
    remove: bool,
) -> Vec<Duplicate> {
    let mut dups = Vec::new();
    good.retain(|(line, x)| {
        let Some((k, by)) = key(x) else { return true };
        let dup = match existing.get(&k) {
            Some(id) if Some(*id) != own(*line) => {
                Some(Duplicate { line: *line as i64, existing_id: Some(*id), by: by.into() })
            }
            _ => seen.check(&format!("{by}:{k}"), *line).map(|first| Duplicate {
                line: *line as i64,
                existing_id: None,
                by: format!("{by} (line {first})"),
            }),
        };
        match dup {
            Some(d) => {
                dups.push(d);
                !remove
            }
            None => true,
        }
    });
    dups
}

pub(super) fn duplicate_issues(
    dups: &[Duplicate],
    what: &str,
    shape: &Shape,
    field_of: impl Fn(&str) -> &'static str,
) -> Vec<RowIssue> {
    dups.iter()
        .map(|d| {
            let field = field_of(d.by.split(' ').next().unwrap_or(""));
            let reason = match d.existing_id {
                Some(id) => format!("duplicate: {what} {id} has the same {}", d.by),
                None => format!("duplicate: same {}", d.by),
            };
            duplicate(d.line as u64, reason, shape.cols.header(field))
        })
        .collect()
}

/// Contact rows of a chunk, checked, with their duplicates.
pub struct PreparedContacts {
    pub good: Vec<(u64, rows::ContactIn)>,
    pub invalid: Vec<RowIssue>,
    pub duplicates: Vec<Duplicate>,
}

/// Converts a chunk's contact rows and finds their duplicates (see
/// `contact_duplicates`).
pub async fn prepare_contacts(
    c: &impl GenericClient,
    shape: &Shape,
    ws: Uuid,
    chunk: Chunk<'_>,
    seen: &mut Seen,
    remove_duplicates: bool,
) -> Result<PreparedContacts, RunError> {
    let (mut good, invalid) = convert(shape, chunk, rows::contact);
    let duplicates = contact_duplicates(c, ws, &mut good, |x| x.key(), seen, &[], remove_duplicates).await?;
    Ok(PreparedContacts { good, invalid, duplicates })
}

/// Finds the duplicates among a chunk's contact rows by their lowercase
/// email (`key`): live contacts of the workspace, rows of earlier chunks
/// not committed yet (`pending`: their emails and ids), earlier rows of
/// `seen`. Removes them from `good` when `remove`.
pub async fn contact_duplicates<T>(
    c: &impl GenericClient,
    ws: Uuid,
    good: &mut Vec<(u64, T)>,
    key: impl Fn(&T) -> Option<String>,
    seen: &mut Seen,
    pending: &[&HashMap<String, Uuid>],
    remove: bool,
) -> Result<Vec<Duplicate>, RunError> {
    seen.start_chunk();
    let mut emails: Vec<String> = unique(good.iter().filter_map(|(_, x)| key(x)));
    // In index order: neighbouring keys share index pages.
    emails.sort_unstable();
    let mut existing: HashMap<String, Uuid> =
        db::select_contacts_by_email(c, ws, &emails).await?.into_iter().map(|(e, id, _)| (e, id)).collect();
    if !pending.is_empty() {
        for k in emails {
            if let std::collections::hash_map::Entry::Vacant(slot) = existing.entry(k) {
                if let Some(id) = pending.iter().find_map(|m| m.get(slot.key())) {
                    slot.insert(*id);
                }
            }
        }
    }
    Ok(find_duplicates(good, |x| key(x).map(|k| (k, "email")), &existing, |_| None, seen, remove))
}

pub(super) fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut set: HashSet<String> = HashSet::new();
    items.filter(|i| set.insert(i.clone())).collect()
}

/// Company ids by lowercase name, creating the missing ones (tagged with
/// the import) in `tx`. Returns the map and how many were created.
async fn ensure_companies(
    tx: &impl GenericClient,
    import: &ImportRow,
    names: &[String],
) -> Result<(HashMap<String, (Uuid, String)>, usize), RunError> {
    let lower = unique(names.iter().map(|n| n.to_lowercase()));
    let mut by_name: HashMap<String, (Uuid, String)> = db::select_companies_by_name(tx, import.workspace_id, &lower)
        .await?
        .into_iter()
        .map(|(k, id, name)| (k, (id, name)))
        .collect();
    let mut missing: Vec<(Uuid, String)> = Vec::new();
    for n in names {
        let k = n.to_lowercase();
        if let std::collections::hash_map::Entry::Vacant(slot) = by_name.entry(k) {
            let id = Uuid::now_v7();
            slot.insert((id, n.clone()));
            missing.push((id, n.clone()));
        }
    }
    db::insert_companies_by_name(
        tx,
        import.workspace_id,
        import.id,
        import.created_by,
        missing.iter().map(|(id, n)| (*id, n.as_str())),
    )
    .await?;
    Ok((by_name, missing.len()))
}

/// Writes rows with COPY inside `tx`; if the database refuses the batch
/// (a rule the checks in code missed), writes them one by one under
/// savepoints and reports the refused rows.
pub(super) async fn copy_or_each<T>(
    tx: &deadpool_postgres::Transaction<'_>,
    rows: &[(u64, T)],
    copy: impl for<'t> Fn(
        &'t tokio_postgres::Transaction<'t>,
        &'t [(u64, T)],
    ) -> futures_util::future::LocalBoxFuture<'t, Result<u64, tokio_postgres::Error>>,
) -> Result<(usize, Vec<RowIssue>), RunError> {
    tx.batch_execute("SAVEPOINT import_chunk").await?;
    let t: &tokio_postgres::Transaction<'_> = tx;
    match copy(t, rows).await {
        Ok(_) => {
            tx.batch_execute("RELEASE SAVEPOINT import_chunk").await?;
            return Ok((rows.len(), Vec::new()));
        }
        Err(e) => {
            tracing::info!(error = %e, "COPY refused a chunk; writing its rows one by one");
            tx.batch_execute("ROLLBACK TO SAVEPOINT import_chunk").await?;
        }
    }
    let mut issues = Vec::new();
    let mut written = 0;
    for i in 0..rows.len() {
        tx.batch_execute("SAVEPOINT import_row").await?;
        match copy(t, &rows[i..=i]).await {
            Ok(_) => {
                tx.batch_execute("RELEASE SAVEPOINT import_row").await?;
                written += 1;
            }
            Err(e) => {
                let reason = match crate::crm::db_error(e) {
                    crate::error::ApiError::Internal(inner) => return Err(RunError::Other(inner.to_string())),
                    other => other.to_string(),
                };
                tx.batch_execute("ROLLBACK TO SAVEPOINT import_row").await?;
                issues.push(RowIssue { line: rows[i].0 as i64, kind: "invalid", reason, column: None });
            }
        }
    }
    Ok((written, issues))
}

/// Commits a chunk's bookkeeping in `tx`: its issues, the counters and
/// checkpoint, `import.progress`, and `extra` events; returns the events.
pub(super) async fn commit_chunk(
    tx: deadpool_postgres::Transaction<'_>,
    import: &mut ImportRow,
    rows: usize,
    imported: usize,
    issues: &[RowIssue],
    end: (u64, u64),
    extra: Option<(&str, &str, Value)>,
) -> Result<Vec<EventRecord>, RunError> {
    let skipped = issues.iter().filter(|i| i.kind == "duplicate").count();
    let failed = issues.len() - skipped;
    db::insert_errors(&tx, import.id, issues).await?;
    let progress = advance(import, rows, imported, failed, skipped, end);
    db::update_progress(&tx, import.id, &progress).await?;
    let mut events = Vec::new();
    let ws = import.workspace_id;
    if let Some((kind, topic, data)) = extra {
        events.push(record_event(&tx, ws, actor_of(import), kind, topic, Visibility::All, data).await?);
    }
    let data = progress_data(import);
    events.push(record_event(&tx, ws, actor_of(import), "import.progress", TOPIC, visibility(import), data).await?);
    tx.commit().await?;
    Ok(events)
}

/// Company rows of a chunk, checked, with their duplicates.
pub struct PreparedCompanies {
    pub good: Vec<(u64, crate::db::companies::CompanyValues)>,
    pub invalid: Vec<RowIssue>,
    pub duplicates: Vec<Duplicate>,
}

pub async fn prepare_companies(
    c: &impl GenericClient,
    shape: &Shape,
    ws: Uuid,
    recs: &[RawRecord],
    enc: Encoding,
    seen: &mut Seen,
    remove_duplicates: bool,
) -> Result<PreparedCompanies, RunError> {
    let (mut good, invalid) = convert(shape, Chunk { recs, enc, end: (0, 0) }, rows::company);
    seen.start_chunk();
    let domains: Vec<String> = unique(good.iter().filter_map(|(_, v)| rows::company_keys(v).0));
    let names: Vec<String> = unique(good.iter().map(|(_, v)| rows::company_keys(v).1));
    let by_domain: HashMap<String, Uuid> = db::select_companies_by_domain(c, ws, &domains).await?.into_iter().collect();
    let by_name: HashMap<String, Uuid> =
        db::select_companies_by_name(c, ws, &names).await?.into_iter().map(|(k, id, _)| (k, id)).collect();
    let mut duplicates = find_duplicates(
        &mut good,
        |v| rows::company_keys(v).0.map(|d| (d, "domain")),
        &by_domain,
        |_| None,
        seen,
        remove_duplicates,
    );
    duplicates.extend(find_duplicates(
        &mut good,
        |v| Some((rows::company_keys(v).1, "name")),
        &by_name,
        |_| None,
        seen,
        remove_duplicates,
    ));
    duplicates.sort_by_key(|d| d.line);
    Ok(PreparedCompanies { good, invalid, duplicates })
}

async fn companies_chunk(
    c: &mut Object,
    shape: &Shape,
    import: &mut ImportRow,
    chunk: Chunk<'_>,
) -> Result<Vec<EventRecord>, RunError> {
    let ws = import.workspace_id;
    let p = if shape.skip_duplicates {
        prepare_companies(&*c, shape, ws, chunk.recs, chunk.enc, &mut Seen::default(), true).await?
    } else {
        let (good, invalid) = convert(shape, chunk, rows::company);
        PreparedCompanies { good, invalid, duplicates: Vec::new() }
    };
    let mut issues = p.invalid;
    issues.extend(duplicate_issues(
        &p.duplicates,
        "company",
        shape,
        |by| if by == "domain" { "domain" } else { "name" },
    ));
    let copies: Vec<(u64, db::CompanyCopy)> =
        p.good.into_iter().map(|(line, values)| (line, db::CompanyCopy { id: Uuid::now_v7(), values })).collect();
    let tx = c.transaction().await?;
    let import_id = import.id;
    let (written, refused) = copy_or_each(&tx, &copies, move |tx, rows| {
        Box::pin(async move {
            let only: Vec<db::CompanyCopy> = rows.iter().map(|r| r.1.clone()).collect();
            db::copy_companies(tx, ws, import_id, &only).await
        })
    })
    .await?;
    issues.extend(refused);
    issues.sort_by_key(|i| i.line);
    let data = json!({"import_id": import.id, "entity": "companies", "count": written});
    commit_chunk(
        tx,
        import,
        chunk.recs.len(),
        written,
        &issues,
        chunk.end,
        Some(("companies.imported", "contacts", data)),
    )
    .await
}

/// What deal rows link to, loaded once per run: pipelines and their stages.
#[derive(Default)]
pub struct Links {
    pipelines: Option<Vec<pulse_actors::deals::Pipeline>>,
    sources: Option<Vec<pulse_actors::leads::Source>>,
}

impl Links {
    pub async fn pipelines(
        &mut self,
        realtime: &Realtime,
        ws: Uuid,
    ) -> Result<&[pulse_actors::deals::Pipeline], RunError> {
        if self.pipelines.is_none() {
            let p =
                realtime.pipelines(ws).await.map_err(|_| RunError::Other("the workspace is not answering".into()))?;
            self.pipelines = Some(p);
        }
        Ok(self.pipelines.as_deref().unwrap_or_default())
    }

    pub async fn sources(&mut self, realtime: &Realtime, ws: Uuid) -> Result<&[pulse_actors::leads::Source], RunError> {
        if self.sources.is_none() {
            let (s, _) = realtime
                .lead_settings(ws)
                .await
                .map_err(|_| RunError::Other("the workspace is not answering".into()))?;
            self.sources = Some(s);
        }
        Ok(self.sources.as_deref().unwrap_or_default())
    }
}

/// The pipeline and stage a deal row names (by name, case-insensitively):
/// `(None, None)` lets the actor choose the first open stage of the
/// first pipeline.
fn resolve_stage(
    pipelines: &[pulse_actors::deals::Pipeline],
    shape: &Shape,
    d: &rows::DealIn,
) -> Result<(Option<Uuid>, Option<Uuid>), RowError> {
    use pulse_actors::deals::StageKind;
    let pipeline = match &d.pipeline {
        Some(name) => Some(pipelines.iter().find(|p| p.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
            RowError::new(format!("pipeline: no pipeline named `{name}`"), shape.cols.header("pipeline"))
        })?),
        None => None,
    };
    let Some(stage_name) = &d.stage else { return Ok((pipeline.map(|p| p.id), None)) };
    let candidates: Vec<&pulse_actors::deals::Pipeline> = match pipeline {
        Some(p) => vec![p],
        None => pipelines.iter().filter(|p| !p.archived).collect(),
    };
    let stage = candidates
        .iter()
        .find_map(|p| p.stages.iter().find(|s| s.name.eq_ignore_ascii_case(stage_name)))
        .ok_or_else(|| RowError::new(format!("stage: no stage named `{stage_name}`"), shape.cols.header("stage")))?;
    if stage.kind == StageKind::Lost {
        return Err(RowError::new(
            "stage: deals cannot be imported into a lost stage (it needs a reason); import them open and move them",
            shape.cols.header("stage"),
        ));
    }
    Ok((Some(stage.pipeline_id), Some(stage.id)))
}

/// The column an actor refusal is about.
fn actor_field_column<'a>(shape: &'a Shape, field: &str) -> Option<&'a str> {
    let mapped = match field {
        "pipeline_id" => "pipeline",
        "stage_id" => "stage",
        "owner_id" => "owner",
        "contact_id" => "contact_email",
        "company_id" => "company",
        other => other,
    };
    shape.cols.header(mapped)
}

fn actor_issue(shape: &Shape, line: u64, e: DealError) -> RowIssue {
    let (reason, column) = match &e {
        DealError::Invalid { field, detail } => (format!("{field}: {detail}"), actor_field_column(shape, field)),
        other => (other.to_string(), None),
    };
    issue(line, RowError::new(reason, column))
}

/// Lead or deal rows of a chunk, checked, as commands for the actor.
pub struct PreparedActorRows {
    pub commands: Vec<(u64, Command)>,
    pub invalid: Vec<RowIssue>,
    pub duplicates: Vec<Duplicate>,
}

#[allow(clippy::too_many_arguments)]
pub async fn prepare_actor_rows(
    c: &impl GenericClient,
    realtime: &Realtime,
    shape: &Shape,
    import: &ImportRow,
    recs: &[RawRecord],
    enc: Encoding,
    links: &mut Links,
    seen: &mut Seen,
    remove_duplicates: bool,
    create_companies: bool,
) -> Result<PreparedActorRows, RunError> {
    let ws = import.workspace_id;
    let chunk = Chunk { recs, enc, end: (0, 0) };
    let own = |line: u64| Some(record_id(import.id, line));
    seen.start_chunk();
    if shape.entity == Entity::Leads {
        let (mut good, mut invalid) = convert(shape, chunk, rows::lead);
        let sources = links.sources(realtime, ws).await?;
        good.retain(|(line, l)| {
            let ok = sources.iter().any(|s| s.slug == l.source && !s.archived);
            if !ok {
                invalid.push(issue(
                    *line,
                    RowError::new(
                        format!("source: no lead source `{}`; add it under lead sources or unmap the column", l.source),
                        shape.cols.header("source"),
                    ),
                ));
            }
            ok
        });
        let emails: Vec<String> = unique(good.iter().filter_map(|(_, l)| l.email.as_ref().map(|e| e.to_lowercase())));
        let existing: HashMap<String, Uuid> = db::select_leads_by_email(c, ws, &emails).await?.into_iter().collect();
        let duplicates = find_duplicates(
            &mut good,
            |l| l.email.as_ref().map(|e| (e.to_lowercase(), "email")),
            &existing,
            own,
            seen,
            remove_duplicates,
        );
        let commands = good
            .into_iter()
            .map(|(line, new)| {
                (line, Command::ImportLead { import_id: import.id, id: record_id(import.id, line), new: Box::new(new) })
            })
            .collect();
        invalid.sort_by_key(|i| i.line);
        return Ok(PreparedActorRows { commands, invalid, duplicates });
    }
    let (mut good, mut invalid) = convert(shape, chunk, rows::deal);
    let titles: Vec<String> = unique(good.iter().map(|(_, d)| d.title.to_lowercase()));
    let existing: HashMap<String, Uuid> = db::select_deals_by_title(c, ws, &titles).await?.into_iter().collect();
    let duplicates = find_duplicates(
        &mut good,
        |d| Some((d.title.to_lowercase(), "title")),
        &existing,
        own,
        seen,
        remove_duplicates,
    );
    let emails: Vec<String> = unique(good.iter().filter_map(|(_, d)| d.contact_email.clone()));
    let contacts: HashMap<String, (Uuid, String)> =
        db::select_contacts_by_email(c, ws, &emails).await?.into_iter().map(|(e, id, name)| (e, (id, name))).collect();
    let company_names: Vec<String> = good.iter().filter_map(|(_, d)| d.company.clone()).collect();
    let companies: HashMap<String, (Uuid, String)> = if create_companies {
        // Committed before the deals that link to them.
        let (map, _) = ensure_companies(c, import, &company_names).await?;
        map
    } else {
        // A dry run: the run would create the missing ones.
        let lower = unique(company_names.iter().map(|n| n.to_lowercase()));
        let mut map: HashMap<String, (Uuid, String)> = db::select_companies_by_name(c, ws, &lower)
            .await?
            .into_iter()
            .map(|(k, id, name)| (k, (id, name)))
            .collect();
        for n in &company_names {
            map.entry(n.to_lowercase()).or_insert_with(|| (Uuid::nil(), n.clone()));
        }
        map
    };
    let pipelines = links.pipelines(realtime, ws).await?;
    let mut commands = Vec::with_capacity(good.len());
    for (line, d) in good {
        let resolved = resolve_stage(pipelines, shape, &d).and_then(|(pipeline_id, stage_id)| {
            let contact = match &d.contact_email {
                Some(e) => Some(contacts.get(e).cloned().ok_or_else(|| {
                    RowError::new(
                        format!("contact_email: no contact with the email {e}; import contacts first"),
                        shape.cols.header("contact_email"),
                    )
                })?),
                None => None,
            };
            let company = match &d.company {
                Some(n) => Some(companies.get(&n.to_lowercase()).cloned().ok_or_else(|| {
                    RowError::new(format!("company: no company named `{n}`"), shape.cols.header("company"))
                })?),
                None => None,
            };
            Ok((pipeline_id, stage_id, contact, company))
        });
        match resolved {
            Ok((pipeline_id, stage_id, contact, company)) => {
                let new = NewDeal {
                    title: d.title,
                    amount: d.amount,
                    currency: d.currency,
                    pipeline_id,
                    stage_id,
                    probability: d.probability,
                    expected_close_date: d.expected_close_date,
                    next_action: d.next_action,
                    next_action_date: d.next_action_date,
                    owner_id: d.owner_id,
                    contact,
                    company,
                    tags: d.tags,
                    shared_with: Vec::new(),
                    custom_fields: d.custom_fields,
                };
                let id = record_id(import.id, line);
                commands.push((line, Command::ImportDeal { import_id: import.id, id, new: Box::new(new) }));
            }
            Err(e) => invalid.push(issue(line, e)),
        }
    }
    invalid.sort_by_key(|i| i.line);
    Ok(PreparedActorRows { commands, invalid, duplicates })
}

#[allow(clippy::too_many_arguments)]
async fn actor_chunk(
    env: &Env,
    c: &mut Object,
    shape: &Shape,
    import: &mut ImportRow,
    chunk: Chunk<'_>,
    actor: &ActorCaller,
    links: &mut Links,
) -> Result<Vec<EventRecord>, RunError> {
    let ws = import.workspace_id;
    let skip = shape.skip_duplicates;
    let mut seen = Seen::default();
    let p = prepare_actor_rows(&*c, &env.realtime, shape, import, chunk.recs, chunk.enc, links, &mut seen, skip, true)
        .await?;
    let (what, field) = if shape.entity == Entity::Leads { ("lead", "email") } else { ("deal", "title") };
    let mut issues = p.invalid;
    if skip {
        issues.extend(duplicate_issues(&p.duplicates, what, shape, |_| field));
    }
    let writes = p.commands.into_iter().map(|(line, cmd)| {
        let realtime = env.realtime.clone();
        let caller = actor.clone();
        async move { (line, realtime.write(ws, caller, cmd).await) }
    });
    let mut imported = 0;
    for (line, result) in futures_util::future::join_all(writes).await {
        match result {
            Ok(w) => {
                if matches!(w.outcome, Outcome::Deal(_) | Outcome::Lead(_)) {
                    imported += 1;
                }
            }
            Err(DealError::Unavailable(why)) => return Err(RunError::Other(why)),
            Err(e) => issues.push(actor_issue(shape, line, e)),
        }
    }
    issues.sort_by_key(|i| i.line);
    let tx = c.transaction().await?;
    commit_chunk(tx, import, chunk.recs.len(), imported, &issues, chunk.end, None).await
}

/// Soft-deletes everything the import created, then marks it `reverted`
/// and announces `import.reverted`. Safe to run again after a kill.
async fn revert(env: &Env, c: &mut Object, import: ImportRow) -> Result<(), RunError> {
    let ws = import.workspace_id;
    let entity = Entity::parse(&import.entity).unwrap_or(Entity::Contacts);
    match entity {
        Entity::Leads | Entity::Deals => {
            let caller = actor_caller(&import)?;
            let table = if entity == Entity::Leads { "leads" } else { "deals" };
            loop {
                let ids = db::select_imported_ids(&*c, table, ws, import.id, REVERT_BATCH).await?;
                if ids.is_empty() {
                    break;
                }
                let writes = ids.iter().map(|id| {
                    let cmd = if entity == Entity::Leads {
                        Command::DeleteLead { id: *id }
                    } else {
                        Command::DeleteDeal { id: *id }
                    };
                    env.realtime.write(ws, caller.clone(), cmd)
                });
                let mut deleted = 0;
                for r in futures_util::future::join_all(writes).await {
                    match r {
                        Ok(_) => deleted += 1,
                        Err(DealError::Unavailable(why)) => return Err(RunError::Other(why)),
                        Err(e) => {
                            tracing::info!(import = %import.id, error = %e, "a record of the import could not be deleted")
                        }
                    }
                }
                if deleted == 0 {
                    return Err(RunError::Other("the workspace refused to delete the imported records".into()));
                }
            }
        }
        Entity::Contacts | Entity::Companies => {}
    }
    // Contacts (for a contact import), then the companies any import made.
    let tables: &[&str] = if entity == Entity::Contacts { &["contacts", "companies"] } else { &["companies"] };
    for table in tables {
        loop {
            let tx = c.transaction().await?;
            let n = db::delete_imported(&tx, table, ws, import.id, REVERT_BATCH).await?;
            if n == 0 {
                break;
            }
            let kind = if *table == "contacts" { "contacts.import_reverted" } else { "companies.import_reverted" };
            let data = json!({"import_id": import.id, "entity": table, "count": n});
            let ev = record_event(&tx, ws, actor_of(&import), kind, "contacts", Visibility::All, data).await?;
            tx.commit().await?;
            env.realtime.publish(ev);
        }
    }
    let tx = c.transaction().await?;
    db::update_finished(&tx, import.id, "reverted", import.failure.as_deref()).await?;
    db::delete_file(&tx, import.id).await?;
    let ev = record_event(
        &tx,
        ws,
        actor_of(&import),
        "import.reverted",
        TOPIC,
        visibility(&import),
        json!({"id": import.id}),
    )
    .await?;
    tx.commit().await?;
    env.realtime.publish(ev);
    Ok(())
}
