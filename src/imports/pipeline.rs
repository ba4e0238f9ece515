//! A contact import's run as a pipeline.
//!
//! The run's own connection reads the stored file and prepares chunk
//! after chunk: converts and checks the rows, looks up duplicates and
//! companies, and gives every row and every new company its id. Up to
//! `Limits::writers` other connections write prepared chunks at the same
//! time, each in a transaction of its own: the new companies, the COPY,
//! then, once every earlier chunk has committed, the chunk's errors,
//! checkpoint and events. So chunks commit strictly in file order, the
//! checkpoint only ever covers chunks that are all written, and a run
//! killed at any point resumes exactly after the last committed one, as
//! when chunks were written one at a time.
//!
//! What an earlier chunk has not committed yet, the database cannot show
//! to a later chunk's look-ups, so the preparer remembers the emails and
//! new companies of the chunks in flight:
//! - an email of a chunk in flight is a duplicate, with the id its row
//!   will have, exactly as the database would have answered;
//! - a company a chunk in flight creates is linked by its id. With the
//!   per-row foreign-key checks, the linking chunk starts its COPY only
//!   after the creating chunk committed; with the bulk link check, the
//!   check runs after every earlier chunk committed anyway.
//!
//! The bulk link check. PostgreSQL checks each row's three foreign keys
//! (workspace, owner, company) with a query per key per row, a quarter of
//! the cost of writing a contact. Where the database role may set
//! `session_replication_role` (a superuser, or `GRANT SET ON PARAMETER`,
//! PostgreSQL 15), the COPY runs with those per-row triggers off, as
//! `pg_restore --disable-triggers` does, and the chunk's transaction then
//! checks the same links with one query: the workspace, every distinct
//! owner and every distinct company must exist, and are locked `FOR KEY
//! SHARE` exactly as the per-row checks lock them, so none can be deleted
//! before the chunk commits. A chunk whose check fails (a company deleted
//! meanwhile) is written again with the per-row checks, which report the
//! rows. Only the COPY statement runs with the triggers off; nothing else
//! in the transaction does.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};

use deadpool_postgres::{Object, Pool};
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::json;
use tokio::sync::watch;
use uuid::Uuid;

use super::csv::RawRecord;
use super::rows;
use super::run::{
    commit_chunk, contact_duplicates, convert, copy_or_each, duplicate_issues, run_pool, unique, Analyze, Chunk, Env,
    FileReader, RunError, Seen, Shape,
};
use crate::db::imports::{self as db, ContactCopy, ImportRow, RowIssue};

/// Runs a contact import from its checkpoint to the end of the file;
/// returns the import as its last chunk left it.
pub(super) async fn run_contacts(
    env: &Env,
    c: &mut Object,
    shape: &Shape,
    mut reader: FileReader,
    import: ImportRow,
) -> Result<ImportRow, RunError> {
    let writers = env.limits.writers.max(1);
    let pool = run_pool(&env.database_url, writers)?;
    let bulk = env.limits.bulk_link_checks && may_disable_triggers(c).await;
    let shared = Shared { import: RefCell::new(import), committed: watch::channel(0).0, bulk: Cell::new(bulk) };
    let mut preparer = Preparer::new(env.limits.chunk_rows.max(1), shared.import.borrow().rows_imported);
    let mut writing = FuturesUnordered::new();
    let mut index = 0u64;
    loop {
        // Each writer busy and one more chunk prepared, waiting for the
        // first writer free: no more, each holds its rows.
        while writing.len() > writers {
            if let Some(r) = writing.next().await {
                r?;
            }
        }
        index += 1;
        let next = preparer.next(c, shape, &mut reader, &shared, index);
        tokio::pin!(next);
        let chunk = loop {
            tokio::select! {
                r = &mut next => break r?,
                Some(r) = writing.next(), if !writing.is_empty() => r?,
            }
        };
        let Some(chunk) = chunk else { break };
        writing.push(write_chunk(env, &pool, &shared, chunk));
    }
    while let Some(r) = writing.next().await {
        r?;
    }
    drop(writing);
    Ok(shared.import.into_inner())
}

/// Whether this connection's role may turn the per-row triggers off.
async fn may_disable_triggers(c: &Object) -> bool {
    c.batch_execute("SET session_replication_role = replica; SET session_replication_role = origin").await.is_ok()
}

/// What the preparer and the writers share (one thread: no locks).
struct Shared {
    /// The import as the last committed chunk left it.
    import: RefCell<ImportRow>,
    /// The index of the last chunk committed (chunks count from 1).
    committed: watch::Sender<u64>,
    /// The bulk link check is on (turned off for good when refused).
    bulk: Cell<bool>,
}

/// A chunk ready to write.
struct Prepared {
    index: u64,
    /// Records in the chunk, imported or not.
    records: usize,
    end: (u64, u64),
    issues: Vec<RowIssue>,
    rows: Vec<(u64, ContactCopy)>,
    new_companies: Vec<(Uuid, String)>,
    /// The latest earlier chunk creating a company this one links to.
    after: u64,
}

/// Reads and prepares chunks; remembers what chunks in flight write.
struct Preparer {
    chunk_rows: usize,
    /// Emails (lowercase) of chunks written but maybe not committed: the
    /// id each row has.
    emails: VecDeque<(u64, HashMap<String, Uuid>)>,
    /// Companies created by chunks maybe not committed, by lowercase
    /// name: (id, creating chunk).
    companies: HashMap<String, (Uuid, u64)>,
    analyze: Analyze,
}

impl Preparer {
    fn new(chunk_rows: usize, imported: i64) -> Self {
        Preparer { chunk_rows, emails: VecDeque::new(), companies: HashMap::new(), analyze: Analyze::new(imported) }
    }

    /// The next chunk, or `None` at the end of the file.
    async fn next(
        &mut self,
        c: &Object,
        shape: &Shape,
        reader: &mut FileReader,
        shared: &Shared,
        index: u64,
    ) -> Result<Option<Prepared>, RunError> {
        let imported = shared.import.borrow().rows_imported;
        self.analyze.after(c, "contacts, companies", imported).await?;
        let mut recs: Vec<RawRecord> = Vec::with_capacity(self.chunk_rows);
        while recs.len() < self.chunk_rows {
            match reader.next(c).await? {
                Some(r) => recs.push(r),
                None => break,
            }
        }
        let Some(last) = recs.last() else { return Ok(None) };
        let end = (last.end_offset, last.end_line);
        let ws = shared.import.borrow().workspace_id;
        // What committed before the look-ups start, they see; the rest is
        // remembered here.
        let committed = *shared.committed.borrow();
        self.emails.retain(|(i, _)| *i > committed);
        self.companies.retain(|_, (_, i)| *i > committed);

        let chunk = Chunk { recs: &recs, enc: reader.encoding, end };
        let (mut good, mut issues) = convert(shape, chunk, rows::contact);
        if shape.skip_duplicates {
            let pending: Vec<&HashMap<String, Uuid>> = self.emails.iter().map(|(_, m)| m).collect();
            let dups = contact_duplicates(c, ws, &mut good, rows::ContactIn::key, &mut Seen::default(), &pending, true)
                .await?;
            issues.extend(duplicate_issues(&dups, "contact", shape, |_| "email"));
        }
        let names: Vec<String> = good.iter().filter_map(|(_, x)| x.company.clone()).collect();
        let (companies, new_companies, after) = self.resolve_companies(c, ws, &names, index).await?;
        let mut emails = HashMap::new();
        let rows: Vec<(u64, ContactCopy)> = good
            .into_iter()
            .map(|(line, x)| {
                let id = Uuid::now_v7();
                if let Some(k) = x.key() {
                    emails.entry(k).or_insert(id);
                }
                let mut values = x.values;
                values.company_id = x.company.and_then(|n| companies.get(&n.to_lowercase()).copied());
                (line, ContactCopy { id, values })
            })
            .collect();
        self.emails.push_back((index, emails));
        Ok(Some(Prepared { index, records: recs.len(), end, issues, rows, new_companies, after }))
    }

    /// Company ids by lowercase name: live ones from the database, those
    /// chunks in flight create, and new ones this chunk creates. Returns
    /// the map, the new companies and the latest chunk in flight whose
    /// companies this one links to (0: none).
    async fn resolve_companies(
        &mut self,
        c: &Object,
        ws: Uuid,
        names: &[String],
        index: u64,
    ) -> Result<(HashMap<String, Uuid>, Vec<(Uuid, String)>, u64), RunError> {
        let lower = unique(names.iter().map(|n| n.to_lowercase()));
        let mut ids: HashMap<String, Uuid> =
            db::select_companies_by_name(c, ws, &lower).await?.into_iter().map(|(k, id, _)| (k, id)).collect();
        let mut new = Vec::new();
        let mut after = 0;
        for n in names {
            let k = n.to_lowercase();
            if ids.contains_key(&k) {
                continue;
            }
            let id = match self.companies.get(&k) {
                Some((id, creator)) => {
                    after = after.max(*creator);
                    *id
                }
                None => {
                    let id = Uuid::now_v7();
                    self.companies.insert(k.clone(), (id, index));
                    new.push((id, n.clone()));
                    id
                }
            };
            ids.insert(k, id);
        }
        Ok((ids, new, after))
    }
}

/// Writes a prepared chunk on a writer connection; commits it after every
/// earlier chunk, then publishes its events.
async fn write_chunk(env: &Env, pool: &Pool, shared: &Shared, chunk: Prepared) -> Result<(), RunError> {
    let mut conn = pool.get().await?;
    let mut turn = shared.committed.subscribe();
    let (ws, import_id, owner) = {
        let i = shared.import.borrow();
        (i.workspace_id, i.id, i.created_by)
    };
    loop {
        let bulk = shared.bulk.get();
        if !bulk {
            // The per-row checks must see the companies this chunk links to.
            wait_for(&mut turn, chunk.after).await?;
        }
        let tx = conn.transaction().await?;
        db::insert_companies_by_name(
            &tx,
            ws,
            import_id,
            owner,
            chunk.new_companies.iter().map(|(id, n)| (*id, n.as_str())),
        )
        .await?;
        if bulk {
            tx.batch_execute("SET LOCAL session_replication_role = replica").await?;
        }
        let (written, refused) = copy_or_each(&tx, &chunk.rows, move |tx, rows| {
            Box::pin(async move { db::copy_contacts(tx, ws, import_id, rows.iter().map(|r| &r.1)).await })
        })
        .await?;
        if bulk {
            tx.batch_execute("SET LOCAL session_replication_role = origin").await?;
        }
        wait_for(&mut turn, chunk.index - 1).await?;
        if bulk && !links_hold(&tx, ws, &chunk.rows).await? {
            tracing::info!(import = %import_id, "a chunk's links changed while it was written; writing it again with per-row checks");
            tx.rollback().await?;
            shared.bulk.set(false);
            continue;
        }
        let mut issues = chunk.issues.clone();
        issues.extend(refused);
        issues.sort_by_key(|i| i.line);
        let data = json!({"import_id": import_id, "entity": "contacts", "count": written,
                          "companies_created": chunk.new_companies.len()});
        let mut import = shared.import.borrow().clone();
        let events = commit_chunk(
            tx,
            &mut import,
            chunk.records,
            written,
            &issues,
            chunk.end,
            Some(("contacts.imported", "contacts", data)),
        )
        .await?;
        // Published before the next chunk may commit: in seq order.
        for ev in events {
            env.realtime.publish(ev);
        }
        if let Some(cb) = &env.on_progress {
            cb(&import);
        }
        *shared.import.borrow_mut() = import;
        shared.committed.send_replace(chunk.index);
        return Ok(());
    }
}

/// Waits until chunk `index` has committed.
async fn wait_for(turn: &mut watch::Receiver<u64>, index: u64) -> Result<(), RunError> {
    turn.wait_for(|c| *c >= index).await.map(|_| ()).map_err(|_| RunError::Other("the import run stopped".into()))
}

/// The bulk link check: the workspace, every owner and every company the
/// rows link to exist, locked `FOR KEY SHARE` as the per-row foreign-key
/// checks lock them. Must cover every foreign key of `contacts` (a test
/// compares this with the table's constraints).
async fn links_hold(
    tx: &deadpool_postgres::Transaction<'_>,
    ws: Uuid,
    rows: &[(u64, ContactCopy)],
) -> Result<bool, RunError> {
    let mut owners = HashSet::new();
    let mut companies = HashSet::new();
    for (_, r) in rows {
        owners.extend(r.values.owner_id);
        companies.extend(r.values.company_id);
    }
    let owners: Vec<Uuid> = owners.into_iter().collect();
    let companies: Vec<Uuid> = companies.into_iter().collect();
    let row = tx
        .query_one(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM workspaces WHERE id = $1 FOR KEY SHARE) w) = 1
                AND (SELECT count(*) FROM (SELECT 1 FROM users WHERE id = ANY($2) FOR KEY SHARE) u)
                    = cardinality($2)
                AND (SELECT count(*) FROM (SELECT 1 FROM companies WHERE workspace_id = $1 AND id = ANY($3)
                                           FOR KEY SHARE) c) = cardinality($3)",
            &[&ws, &owners, &companies],
        )
        .await?;
    Ok(row.get(0))
}
