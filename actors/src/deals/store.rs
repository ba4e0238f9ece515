//! SQL for the deal state: loading it into a workspace actor, and writing
//! one batch of planned changes in the batch's transaction.
//!
//! A batch writes final snapshots: every deal and pipeline the batch
//! changed, once, with a check that the row still has the version the
//! actor planned against. A row changed by someone else (another node
//! hosting the same workspace) fails the check and the batch rolls back.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use serde_json::{json, Value};
use tokio_postgres::Statement;
use uuid::Uuid;

use super::command::{AuditRow, HistoryRow};
use super::model::*;
use crate::event::{EventRecord, NewEvent};

#[derive(Debug, thiserror::Error)]
pub enum WriteFailure {
    #[error(transparent)]
    Db(tokio_postgres::Error),
    #[error("no database connection: {0}")]
    Pool(String),
    /// A row was changed by another writer since it was loaded.
    #[error("{0} changed under the actor (another node wrote it)")]
    Stale(&'static str),
    #[error("the amount of deal {0} does not match its products")]
    AmountMismatch(Uuid),
}

/// The SQLSTATE `pulse_expect_rows` raises (migrations/V13__write_checks.sql).
const STALE_SQLSTATE: &str = "PU001";

impl From<tokio_postgres::Error> for WriteFailure {
    fn from(e: tokio_postgres::Error) -> Self {
        if e.code().is_some_and(|c| c.code() == STALE_SQLSTATE) {
            WriteFailure::Stale("a deal")
        } else {
            WriteFailure::Db(e)
        }
    }
}

/// Everything the workspace's deal state is made of, read in one snapshot.
pub async fn select_deal_state(
    c: &impl GenericClient,
    ws: Uuid,
) -> Result<(Vec<Pipeline>, Vec<Deal>), tokio_postgres::Error> {
    let mut stages: HashMap<Uuid, Vec<Stage>> = HashMap::new();
    for r in c
        .query(
            "SELECT id, pipeline_id, name, position, probability, color, kind, sla_days, auto_nurture, version
             FROM stages WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY position, id",
            &[&ws],
        )
        .await?
    {
        let kind: String = r.get(6);
        let s = Stage {
            id: r.get(0),
            pipeline_id: r.get(1),
            name: r.get(2),
            position: r.get(3),
            probability: r.get(4),
            color: r.get(5),
            kind: StageKind::parse(&kind).unwrap_or(StageKind::Open),
            sla_days: r.get(7),
            auto_nurture: r.get(8),
            version: r.get(9),
        };
        stages.entry(s.pipeline_id).or_default().push(s);
    }
    let pipelines = c
        .query(
            "SELECT id, name, position, archived, version, created_at, updated_at FROM pipelines WHERE workspace_id = $1",
            &[&ws],
        )
        .await?
        .iter()
        .map(|r| {
            let id: Uuid = r.get(0);
            Pipeline {
                id,
                name: r.get(1),
                position: r.get(2),
                archived: r.get(3),
                stages: stages.remove(&id).unwrap_or_default(),
                version: r.get(4),
                created_at: r.get(5),
                updated_at: r.get(6),
            }
        })
        .collect();
    let mut lines: HashMap<Uuid, Vec<LineItem>> = HashMap::new();
    for r in c
        .query(
            "SELECT deal_id, id, name, unit_price, quantity, discount_bp, position, created_at
             FROM deal_products WHERE workspace_id = $1 ORDER BY deal_id, position",
            &[&ws],
        )
        .await?
    {
        let (unit_price, quantity, discount_bp) = (r.get(3), r.get(4), r.get(5));
        lines.entry(r.get(0)).or_default().push(LineItem {
            id: r.get(1),
            name: r.get(2),
            unit_price,
            quantity,
            discount_bp,
            total: line_total(unit_price, quantity, discount_bp),
            position: r.get(6),
            created_at: r.get(7),
        });
    }
    let deals = c
        .query(
            "SELECT d.id, d.pipeline_id, d.stage_id, d.title, d.amount, d.currency::text, d.probability,
                    d.expected_close_date, d.next_action, d.next_action_date, d.owner_id, d.contact_id,
                    NULLIF(trim(concat_ws(' ', ct.first_name, ct.last_name)), ''), ct.email,
                    d.company_id, co.name, d.tags, d.shared_with, d.custom_fields, d.lost_reason, d.won_at,
                    d.lost_at, d.rank, d.stage_entered_at, d.last_activity_at, d.created_by, d.created_at,
                    d.updated_at, d.deleted_at, d.version
             FROM deals d
             LEFT JOIN contacts ct ON ct.id = d.contact_id
             LEFT JOIN companies co ON co.id = d.company_id
             WHERE d.workspace_id = $1",
            &[&ws],
        )
        .await?
        .iter()
        .map(|r| {
            let id: Uuid = r.get(0);
            let contact_name: Option<String> = r.get(12);
            Deal {
                id,
                pipeline_id: r.get(1),
                stage_id: r.get(2),
                title: r.get(3),
                amount: r.get(4),
                currency: r.get(5),
                probability_override: r.get(6),
                expected_close_date: r.get(7),
                next_action: r.get(8),
                next_action_date: r.get(9),
                owner_id: r.get(10),
                contact_id: r.get(11),
                contact_name: contact_name.or_else(|| r.get(13)),
                company_id: r.get(14),
                company_name: r.get(15),
                tags: r.get(16),
                shared_with: r.get(17),
                custom_fields: r.get(18),
                lost_reason: r.get(19),
                won_at: r.get(20),
                lost_at: r.get(21),
                rank: r.get(22),
                stage_entered_at: r.get(23),
                last_activity_at: r.get(24),
                line_items: lines.remove(&id).unwrap_or_default(),
                created_by: r.get(25),
                created_at: r.get(26),
                updated_at: r.get(27),
                deleted_at: r.get(28),
                version: r.get(29),
            }
        })
        .collect();
    Ok((pipelines, deals))
}

/// What one batch writes.
pub struct BatchWrite<'a> {
    pub workspace_id: Uuid,
    /// Deals with the version they had before the batch (`None`: new).
    pub deals: Vec<(&'a Deal, Option<i64>)>,
    /// Deals whose line items changed.
    pub lines: Vec<&'a Deal>,
    pub pipelines: Vec<(&'a Pipeline, Option<i64>)>,
    pub deleted_stages: &'a [Uuid],
    pub history: &'a [HistoryRow],
    pub audits: &'a [AuditRow],
    pub leads: Vec<(&'a crate::leads::Lead, Option<i64>)>,
    pub lead_scores: &'a [crate::leads::command::ScoreRow],
    pub new_contacts: &'a [crate::leads::command::NewContactRow],
    pub new_companies: &'a [crate::leads::command::NewCompanyRow],
    pub sources: &'a [crate::leads::Source],
    pub weights: Option<&'a crate::leads::Weights>,
    pub events: Vec<NewEvent>,
    pub now: DateTime<Utc>,
    /// (record id, import id) of deals and leads created by CSV imports.
    pub imported_deals: &'a [(Uuid, Uuid)],
    pub imported_leads: &'a [(Uuid, Uuid)],
    /// Activities logged (`activities.rs`).
    pub activities: &'a [crate::activities::Activity],
    /// Deal merges: (kept deal, merged deals).
    pub deal_merges: &'a [(Uuid, Vec<Uuid>)],
}

fn deal_json(d: &Deal, prev: Option<i64>) -> Value {
    json!({
        "id": d.id, "pipeline_id": d.pipeline_id, "stage_id": d.stage_id, "title": d.title,
        "amount": d.amount, "currency": d.currency, "probability": d.probability_override,
        "expected_close_date": d.expected_close_date, "next_action": d.next_action,
        "next_action_date": d.next_action_date, "owner_id": d.owner_id, "contact_id": d.contact_id,
        "company_id": d.company_id, "tags": d.tags, "shared_with": d.shared_with,
        "custom_fields": d.custom_fields, "lost_reason": d.lost_reason, "won_at": d.won_at,
        "lost_at": d.lost_at, "rank": d.rank, "stage_entered_at": d.stage_entered_at,
        "last_activity_at": d.last_activity_at, "created_by": d.created_by, "created_at": d.created_at,
        "updated_at": d.updated_at, "deleted_at": d.deleted_at, "version": d.version, "prev_version": prev,
    })
}

const DEAL_RECORD: &str = "x(id uuid, pipeline_id uuid, stage_id uuid, title text, amount bigint, currency text,
    probability smallint, expected_close_date date, next_action text, next_action_date date, owner_id uuid,
    contact_id uuid, company_id uuid, tags text[], shared_with uuid[], custom_fields jsonb, lost_reason text,
    won_at timestamptz, lost_at timestamptz, rank text, stage_entered_at timestamptz, last_activity_at timestamptz,
    created_by uuid, created_at timestamptz, updated_at timestamptz, deleted_at timestamptz, version bigint,
    prev_version bigint)";

/// Reserves the batch's seqs (`$2` of them). Its row lock orders this
/// batch against every other writer of the workspace's stream, so it is
/// the first statement of every batch.
const RESERVE_SEQS: &str = "INSERT INTO workspace_streams (workspace_id, last_seq) VALUES ($1, $2)
     ON CONFLICT (workspace_id) DO UPDATE SET last_seq = workspace_streams.last_seq + $2";

/// The batch's events, numbered from the range [`RESERVE_SEQS`] took in
/// the same transaction: the i-th of `$2` events gets `last_seq - $2 + i`.
const INSERT_EVENTS: &str =
    "INSERT INTO events (workspace_id, seq, epoch, type, topic, actor_type, actor_id, visibility, data)
     SELECT $1, s.last_seq - $2 + u.i, s.epoch, u.t, u.tp, u.aty, u.ai, u.v, u.d
     FROM workspace_streams s,
          unnest($3::text[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[], $8::jsonb[])
              WITH ORDINALITY AS u(t, tp, aty, ai, v, d, i)
     WHERE s.workspace_id = $1
     RETURNING seq, epoch, at";

const INSERT_HISTORY: &str = "INSERT INTO deal_stage_history (workspace_id, deal_id, from_stage_id, to_stage_id,
        actor_user_id, actor_token_id, at)
     SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::timestamptz[])";

const INSERT_AUDITS: &str = "INSERT INTO audit_log (workspace_id, actor_user_id, actor_token_id, action, target_type,
        target_id, ip, user_agent, request_id, details)
     SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::text[], $10::jsonb[])";

/// Built once: every batch looks its statements up by their text.
static INSERT_DEALS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO deals (id, workspace_id, pipeline_id, stage_id, title, amount, currency, probability,
            expected_close_date, next_action, next_action_date, owner_id, contact_id, company_id, tags,
            shared_with, custom_fields, lost_reason, won_at, lost_at, rank, stage_entered_at,
            last_activity_at, created_by, created_at, updated_at, deleted_at, version)
         SELECT id, $1, pipeline_id, stage_id, title, amount, currency, probability, expected_close_date,
            next_action, next_action_date, owner_id, contact_id, company_id, tags, shared_with,
            custom_fields, lost_reason, won_at, lost_at, rank, stage_entered_at, last_activity_at,
            created_by, created_at, updated_at, deleted_at, version
         FROM jsonb_to_recordset($2) AS {DEAL_RECORD}"
    )
});

/// Updates the changed deals where they still have the version the actor
/// planned against, and fails (SQLSTATE PU001, `pulse_expect_rows`) unless
/// all `$3` of them did.
static UPDATE_DEALS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH u AS (
            UPDATE deals d SET pipeline_id = x.pipeline_id, stage_id = x.stage_id, title = x.title,
                amount = x.amount, currency = x.currency, probability = x.probability,
                expected_close_date = x.expected_close_date, next_action = x.next_action,
                next_action_date = x.next_action_date, owner_id = x.owner_id, contact_id = x.contact_id,
                company_id = x.company_id, tags = x.tags, shared_with = x.shared_with,
                custom_fields = x.custom_fields, lost_reason = x.lost_reason, won_at = x.won_at,
                lost_at = x.lost_at, rank = x.rank, stage_entered_at = x.stage_entered_at,
                updated_at = x.updated_at, deleted_at = x.deleted_at, version = x.version
            FROM jsonb_to_recordset($2) AS {DEAL_RECORD}
            WHERE d.workspace_id = $1 AND d.id = x.id AND d.version = x.prev_version
            RETURNING 1)
         SELECT pulse_expect_rows(count(*), $3, 'a deal') FROM u"
    )
});

/// The parameters of a batch's deal, history, audit and event statements,
/// built once and shared by both ways of sending them.
struct Rows<'a> {
    ws: Uuid,
    new_deals: Option<Value>,
    changed_deals: Option<(Value, i64)>,
    history: Option<HistoryParams>,
    audits: Option<AuditParams<'a>>,
    events: EventParams<'a>,
}

struct HistoryParams {
    deal: Vec<Uuid>,
    from: Vec<Option<Uuid>>,
    to: Vec<Uuid>,
    user: Vec<Option<Uuid>>,
    token: Vec<Option<Uuid>>,
    at: Vec<DateTime<Utc>>,
}

struct AuditParams<'a> {
    user: Vec<Option<Uuid>>,
    token: Vec<Option<Uuid>>,
    action: Vec<&'a str>,
    ttype: Vec<&'a str>,
    tid: Vec<String>,
    ip: Vec<Option<&'a str>>,
    ua: Vec<Option<&'a str>>,
    rid: Vec<Option<&'a str>>,
    details: Vec<&'a Value>,
}

struct EventParams<'a> {
    n: i64,
    kind: Vec<&'a str>,
    topic: Vec<&'a str>,
    atype: Vec<Option<&'a str>>,
    aid: Vec<Option<Uuid>>,
    vis: Vec<Value>,
    data: Vec<&'a Value>,
}

impl<'a> Rows<'a> {
    fn new(b: &'a BatchWrite<'a>) -> Self {
        let (new, changed): (Vec<_>, Vec<_>) = b.deals.iter().partition(|(_, prev)| prev.is_none());
        let json = |rows: &[&(&Deal, Option<i64>)]| Value::Array(rows.iter().map(|(d, p)| deal_json(d, *p)).collect());
        let h = b.history;
        let a = b.audits;
        let e = &b.events;
        Rows {
            ws: b.workspace_id,
            new_deals: (!new.is_empty()).then(|| json(&new)),
            changed_deals: (!changed.is_empty()).then(|| (json(&changed), changed.len() as i64)),
            history: (!h.is_empty()).then(|| HistoryParams {
                deal: h.iter().map(|h| h.deal_id).collect(),
                from: h.iter().map(|h| h.from).collect(),
                to: h.iter().map(|h| h.to).collect(),
                user: h.iter().map(|h| user_of(&h.actor)).collect(),
                token: h.iter().map(|h| token_of(&h.actor)).collect(),
                at: h.iter().map(|h| h.at).collect(),
            }),
            audits: (!a.is_empty()).then(|| AuditParams {
                user: a.iter().map(|a| user_of(&a.actor)).collect(),
                token: a.iter().map(|a| token_of(&a.actor)).collect(),
                action: a.iter().map(|a| a.action).collect(),
                ttype: a.iter().map(|a| a.target_type).collect(),
                tid: a.iter().map(|a| a.target_id.to_string()).collect(),
                ip: a.iter().map(|a| a.origin.ip.as_deref()).collect(),
                ua: a.iter().map(|a| a.origin.user_agent.as_deref()).collect(),
                rid: a.iter().map(|a| a.origin.request_id.as_deref()).collect(),
                details: a.iter().map(|a| &a.details).collect(),
            }),
            events: EventParams {
                n: e.len() as i64,
                kind: e.iter().map(|e| e.kind.as_str()).collect(),
                topic: e.iter().map(|e| e.topic.as_str()).collect(),
                atype: e.iter().map(|e| e.actor.map(|a| a.kind.as_str())).collect(),
                aid: e.iter().map(|e| e.actor.map(|a| a.id)).collect(),
                vis: e.iter().map(|e| serde_json::to_value(&e.visibility).unwrap_or(Value::Null)).collect(),
                data: e.iter().map(|e| &e.data).collect(),
            },
        }
    }
}

/// The batch's statements, prepared on the connection (cached after its
/// first batch).
struct Statements {
    reserve: Statement,
    insert_deals: Statement,
    update_deals: Statement,
    history: Statement,
    audits: Statement,
    events: Statement,
}

impl Statements {
    async fn prepare(c: &impl GenericClient) -> Result<Self, tokio_postgres::Error> {
        let (reserve, insert_deals, update_deals, history, audits, events) = futures_util::try_join!(
            c.prepare_cached(RESERVE_SEQS),
            c.prepare_cached(&INSERT_DEALS),
            c.prepare_cached(&UPDATE_DEALS),
            c.prepare_cached(INSERT_HISTORY),
            c.prepare_cached(INSERT_AUDITS),
            c.prepare_cached(INSERT_EVENTS),
        )?;
        Ok(Statements { reserve, insert_deals, update_deals, history, audits, events })
    }
}

async fn reserve(c: &impl GenericClient, s: &Statements, r: &Rows<'_>) -> Result<u64, tokio_postgres::Error> {
    c.execute(&s.reserve, &[&r.ws, &r.events.n]).await
}

async fn insert_deals(c: &impl GenericClient, s: &Statements, r: &Rows<'_>) -> Result<u64, tokio_postgres::Error> {
    match &r.new_deals {
        Some(rows) => c.execute(&s.insert_deals, &[&r.ws, rows]).await,
        None => Ok(0),
    }
}

async fn update_deals(c: &impl GenericClient, s: &Statements, r: &Rows<'_>) -> Result<u64, tokio_postgres::Error> {
    match &r.changed_deals {
        Some((rows, n)) => c.execute(&s.update_deals, &[&r.ws, rows, n]).await,
        None => Ok(0),
    }
}

async fn insert_history(c: &impl GenericClient, s: &Statements, r: &Rows<'_>) -> Result<u64, tokio_postgres::Error> {
    match &r.history {
        Some(h) => c.execute(&s.history, &[&r.ws, &h.deal, &h.from, &h.to, &h.user, &h.token, &h.at]).await,
        None => Ok(0),
    }
}

async fn insert_audits(c: &impl GenericClient, s: &Statements, r: &Rows<'_>) -> Result<u64, tokio_postgres::Error> {
    match &r.audits {
        Some(a) => {
            c.execute(
                &s.audits,
                &[&r.ws, &a.user, &a.token, &a.action, &a.ttype, &a.tid, &a.ip, &a.ua, &a.rid, &a.details],
            )
            .await
        }
        None => Ok(0),
    }
}

async fn insert_events(
    c: &impl GenericClient,
    s: &Statements,
    r: &Rows<'_>,
) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
    let e = &r.events;
    c.query(&s.events, &[&r.ws, &e.n, &e.kind, &e.topic, &e.atype, &e.aid, &e.vis, &e.data]).await
}

/// The events as committed: numbered from the rows `INSERT_EVENTS` returned.
fn records(ws: Uuid, events: Vec<NewEvent>, rows: &[tokio_postgres::Row]) -> Result<Vec<EventRecord>, WriteFailure> {
    if rows.len() != events.len() {
        return Err(WriteFailure::Stale("the workspace's stream (no seq reserved)"));
    }
    let Some(first) = rows.first() else { return Ok(Vec::new()) };
    let last: i64 = rows.iter().map(|r| r.get::<_, i64>(0)).max().unwrap_or_default();
    let (epoch, at): (i64, DateTime<Utc>) = (first.get(1), first.get(2));
    let first_seq = last - events.len() as i64 + 1;
    Ok(events
        .into_iter()
        .zip(first_seq..)
        .map(|(e, seq)| EventRecord {
            workspace_id: ws,
            seq,
            epoch,
            kind: e.kind,
            topic: e.topic,
            actor: e.actor,
            visibility: e.visibility,
            data: e.data,
            at,
        })
        .collect())
}

impl BatchWrite<'_> {
    /// Whether the batch writes only deal rows, stage history, audit rows
    /// and events (moves, creates, edits, deletes): those go to PostgreSQL
    /// as one pipeline ([`commit_pipelined`]).
    pub fn deals_only(&self) -> bool {
        self.lines.is_empty()
            && self.pipelines.is_empty()
            && self.deleted_stages.is_empty()
            && self.leads.is_empty()
            && self.lead_scores.is_empty()
            && self.new_contacts.is_empty()
            && self.new_companies.is_empty()
            && self.sources.is_empty()
            && self.weights.is_none()
            && self.imported_deals.is_empty()
            && self.imported_leads.is_empty()
            && self.activities.is_empty()
            && self.deal_merges.is_empty()
    }
}

/// Commits a [deals-only](BatchWrite::deals_only) batch in one round trip:
/// BEGIN, the seq reservation, the deal rows, history, audit and event
/// rows, and COMMIT are all sent before the first answer is read. Checks
/// that need an answer run in the database (`pulse_expect_rows`), so a
/// failing statement aborts the transaction and the COMMIT behind it
/// answers ROLLBACK. Every answer is awaited before the connection goes
/// back to its pool. The statements are prepared first: a pipeline must
/// not wait on a prepare halfway through.
pub async fn commit_pipelined(c: &impl GenericClient, b: BatchWrite<'_>) -> Result<Vec<EventRecord>, WriteFailure> {
    let stmts = Statements::prepare(c).await?;
    let rows = Rows::new(&b);
    let (s, r) = (&stmts, &rows);
    // `join!` polls each future once, in this order, before any answer can
    // arrive; each sends its statement on that first poll.
    let (begin, reserved, inserted, updated, history, audits, events, commit) = futures_util::join!(
        c.batch_execute("BEGIN"),
        reserve(c, s, r),
        insert_deals(c, s, r),
        update_deals(c, s, r),
        insert_history(c, s, r),
        insert_audits(c, s, r),
        insert_events(c, s, r),
        c.batch_execute("COMMIT"),
    );
    // The first failure is the cause; later statements only report the
    // aborted transaction.
    begin?;
    reserved?;
    inserted?;
    updated?;
    history?;
    audits?;
    let events_rows = events?;
    commit?;
    records(b.workspace_id, b.events, &events_rows)
}

/// Writes a batch inside the caller's transaction and returns its events
/// with their seqs, one statement after another (batches that change
/// pipelines, line items, leads or imports; deals-only batches use
/// [`commit_pipelined`]). Any error means the transaction must roll back.
pub async fn write_batch(c: &impl GenericClient, b: BatchWrite<'_>) -> Result<Vec<EventRecord>, WriteFailure> {
    let ws = b.workspace_id;
    let stmts = Statements::prepare(c).await?;
    let rows = Rows::new(&b);
    let (s, r) = (&stmts, &rows);
    reserve(c, s, r).await?;

    for (p, prev) in &b.pipelines {
        write_pipeline(c, ws, p, *prev).await?;
    }
    if !b.deleted_stages.is_empty() {
        let stmt = c
            .prepare_cached(
                "UPDATE stages SET deleted_at = $3, version = version + 1 WHERE workspace_id = $1 AND id = ANY($2)",
            )
            .await?;
        c.execute(&stmt, &[&ws, &b.deleted_stages, &b.now]).await?;
    }

    // Contacts and companies a conversion creates come before the deals
    // that link to them.
    crate::leads::store::insert_converted_records(c, ws, b.new_companies, b.new_contacts, b.now).await?;
    insert_deals(c, s, r).await?;
    update_deals(c, s, r).await?;
    if !b.lines.is_empty() {
        write_lines(c, ws, &b.lines).await?;
    }
    crate::leads::store::write_leads(c, ws, &b.leads, b.lead_scores, b.sources, b.weights, b.now).await?;
    for (table, rows) in [("deals", b.imported_deals), ("leads", b.imported_leads)] {
        if rows.is_empty() {
            continue;
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
        let imports: Vec<Uuid> = rows.iter().map(|r| r.1).collect();
        let stmt = c
            .prepare_cached(&format!(
                "UPDATE {table} t SET import_id = x.import_id FROM unnest($2::uuid[], $3::uuid[]) AS x(id, import_id)
                 WHERE t.workspace_id = $1 AND t.id = x.id"
            ))
            .await?;
        c.execute(&stmt, &[&ws, &ids, &imports]).await?;
    }
    crate::activities::insert_activities(c, ws, b.activities, b.now).await?;
    crate::activities::move_merged(c, ws, b.deal_merges).await?;
    // The history, the audit rows and the events do not depend on one
    // another: they are sent together (pipelined on the connection) and
    // cost one round trip instead of three.
    let (_, _, events_rows) =
        futures_util::try_join!(insert_history(c, s, r), insert_audits(c, s, r), insert_events(c, s, r))?;
    records(ws, b.events, &events_rows)
}

fn user_of(a: &crate::event::ActorRef) -> Option<Uuid> {
    (a.kind == crate::event::ActorKind::User).then_some(a.id)
}

fn token_of(a: &crate::event::ActorRef) -> Option<Uuid> {
    (a.kind == crate::event::ActorKind::Token).then_some(a.id)
}

async fn write_pipeline(c: &impl GenericClient, ws: Uuid, p: &Pipeline, prev: Option<i64>) -> Result<(), WriteFailure> {
    match prev {
        None => {
            c.execute(
                "INSERT INTO pipelines (id, workspace_id, name, position, archived, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[&p.id, &ws, &p.name, &p.position, &p.archived, &p.version, &p.created_at, &p.updated_at],
            )
            .await?;
        }
        Some(prev) => {
            let n = c
                .execute(
                    "UPDATE pipelines SET name = $3, position = $4, archived = $5, version = $6, updated_at = $7
                     WHERE workspace_id = $1 AND id = $2 AND version = $8",
                    &[&ws, &p.id, &p.name, &p.position, &p.archived, &p.version, &p.updated_at, &prev],
                )
                .await?;
            if n != 1 {
                return Err(WriteFailure::Stale("a pipeline"));
            }
        }
    }
    for s in &p.stages {
        c.execute(
            "INSERT INTO stages (id, workspace_id, pipeline_id, name, position, probability, color, kind, sla_days,
                auto_nurture, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position,
                probability = EXCLUDED.probability, color = EXCLUDED.color, kind = EXCLUDED.kind,
                sla_days = EXCLUDED.sla_days, auto_nurture = EXCLUDED.auto_nurture, version = EXCLUDED.version
             WHERE stages.workspace_id = EXCLUDED.workspace_id",
            &[
                &s.id,
                &ws,
                &p.id,
                &s.name,
                &s.position,
                &s.probability,
                &s.color,
                &s.kind.as_str(),
                &s.sla_days,
                &s.auto_nurture,
                &s.version,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Replaces the line items of `deals` and checks, in SQL, that each
/// deal's amount is the sum of its lines.
async fn write_lines(c: &impl GenericClient, ws: Uuid, deals: &[&Deal]) -> Result<(), WriteFailure> {
    let ids: Vec<Uuid> = deals.iter().map(|d| d.id).collect();
    c.execute("DELETE FROM deal_products WHERE workspace_id = $1 AND deal_id = ANY($2)", &[&ws, &ids]).await?;
    let rows: Vec<Value> = deals
        .iter()
        .flat_map(|d| {
            d.line_items.iter().map(|l| {
                json!({ "id": l.id, "deal_id": d.id, "name": l.name, "unit_price": l.unit_price,
                        "quantity": l.quantity, "discount_bp": l.discount_bp, "position": l.position,
                        "created_at": l.created_at })
            })
        })
        .collect();
    if !rows.is_empty() {
        c.execute(
            "INSERT INTO deal_products (id, workspace_id, deal_id, name, unit_price, quantity, discount_bp, position,
                created_at)
             SELECT id, $1, deal_id, name, unit_price, quantity, discount_bp, position, created_at
             FROM jsonb_to_recordset($2) AS x(id uuid, deal_id uuid, name text, unit_price bigint, quantity integer,
                discount_bp integer, position integer, created_at timestamptz)",
            &[&ws, &Value::Array(rows)],
        )
        .await?;
    }
    // The amount rule, recomputed by the database in this transaction.
    let wrong = c
        .query_opt(
            "SELECT d.id FROM deals d
             WHERE d.workspace_id = $1 AND d.id = ANY($2)
               AND d.amount <> (SELECT coalesce(sum(round(p.unit_price::numeric * p.quantity
                                                          * (10000 - p.discount_bp) / 10000)), 0)
                                FROM deal_products p WHERE p.deal_id = d.id)
             LIMIT 1",
            &[&ws, &ids],
        )
        .await?;
    match wrong {
        Some(r) => Err(WriteFailure::AmountMismatch(r.get(0))),
        None => Ok(()),
    }
}
