//! Activities and tasks: an append-only log. There is no delete here, and
//! the database refuses one (migration V6).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

use super::sql::Params;
use crate::crm::PageRequest;

#[derive(Debug, Clone)]
pub struct ActivityRow {
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub priority: String,
    pub due_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub direction: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub author_user_id: Option<Uuid>,
    pub author_token_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    pub completed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns that may change after creation.
#[derive(Debug, Clone)]
pub struct ActivityEdit {
    pub subject: String,
    pub body: String,
    pub priority: String,
    pub due_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub assignee_id: Option<Uuid>,
}

/// When a task falls due, for the `due` filter (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueWindow {
    /// The current UTC day.
    Today,
    /// The current ISO week (Monday to Sunday, UTC).
    Week,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub kind: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    /// Open tasks whose due time has passed.
    pub overdue: bool,
    pub due: Option<DueWindow>,
    /// Tasks completed (`true`) or open (`false`).
    pub completed: Option<bool>,
}

const COLUMNS: &str = "id, type, subject, body, priority, due_at, duration_minutes, direction, assignee_id,
    author_user_id, author_token_id, contact_id, company_id, deal_id, lead_id, completed_at, version,
    created_at, updated_at";

fn row(r: &tokio_postgres::Row) -> ActivityRow {
    ActivityRow {
        id: r.get(0),
        kind: r.get(1),
        subject: r.get(2),
        body: r.get(3),
        priority: r.get(4),
        due_at: r.get(5),
        duration_minutes: r.get(6),
        direction: r.get(7),
        assignee_id: r.get(8),
        author_user_id: r.get(9),
        author_token_id: r.get(10),
        contact_id: r.get(11),
        company_id: r.get(12),
        deal_id: r.get(13),
        lead_id: r.get(14),
        completed_at: r.get(15),
        version: r.get(16),
        created_at: r.get(17),
        updated_at: r.get(18),
    }
}

pub async fn select_activity(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<ActivityRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE workspace_id = $1 AND id = $2");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

pub async fn select_activity_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<ActivityRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE workspace_id = $1 AND id = $2 FOR UPDATE");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

pub async fn update_activity(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    e: &ActivityEdit,
) -> Result<ActivityRow, tokio_postgres::Error> {
    let sql = format!(
        "UPDATE activities SET subject = $3, body = $4, priority = $5, due_at = $6, duration_minutes = $7,
                assignee_id = $8, version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    let r = c
        .query_one(
            &sql,
            &[&workspace_id, &id, &e.subject, &e.body, &e.priority, &e.due_at, &e.duration_minutes, &e.assignee_id],
        )
        .await?;
    Ok(row(&r))
}

/// Sets or clears `completed_at` (now or `NULL`).
pub async fn update_activity_completed(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    completed: bool,
) -> Result<ActivityRow, tokio_postgres::Error> {
    let sql = format!(
        "UPDATE activities SET completed_at = CASE WHEN $3 THEN now() END, version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    Ok(row(&c.query_one(&sql, &[&workspace_id, &id, &completed]).await?))
}

fn filter_sql(workspace_id: Uuid, f: &ActivityFilter, p: &mut Params) -> String {
    let mut sql = format!("workspace_id = {}", p.bind(workspace_id));
    let eq = |sql: &mut String, col: &str, v: Option<Uuid>, p: &mut Params| {
        if let Some(v) = v {
            sql.push_str(&format!(" AND {col} = {}", p.bind(v)));
        }
    };
    if let Some(k) = &f.kind {
        sql.push_str(&format!(" AND type = {}", p.bind(k.clone())));
    }
    eq(&mut sql, "assignee_id", f.assignee_id, p);
    eq(&mut sql, "contact_id", f.contact_id, p);
    eq(&mut sql, "company_id", f.company_id, p);
    eq(&mut sql, "deal_id", f.deal_id, p);
    eq(&mut sql, "lead_id", f.lead_id, p);
    if f.overdue {
        sql.push_str(" AND type = 'task' AND completed_at IS NULL AND due_at < now()");
    }
    match f.due {
        Some(DueWindow::Today) => sql.push_str(
            " AND due_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
              AND due_at < (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'",
        ),
        Some(DueWindow::Week) => sql.push_str(
            " AND due_at >= date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
              AND due_at < (date_trunc('week', now() AT TIME ZONE 'UTC') + interval '7 days') AT TIME ZONE 'UTC'",
        ),
        None => {}
    }
    match f.completed {
        Some(true) => sql.push_str(" AND completed_at IS NOT NULL"),
        Some(false) => sql.push_str(" AND type = 'task' AND completed_at IS NULL"),
        None => {}
    }
    sql
}

/// A page of matching activities, oldest first when `due_first` is false
/// (chronological log), or soonest due first for task lists.
pub async fn select_activities(
    c: &impl GenericClient,
    workspace_id: Uuid,
    f: &ActivityFilter,
    due_first: bool,
    page: PageRequest,
) -> Result<(Vec<ActivityRow>, i64), tokio_postgres::Error> {
    let mut p = Params::new();
    let filter = filter_sql(workspace_id, f, &mut p);
    let total: i64 = c.query_one(&format!("SELECT count(*) FROM activities WHERE {filter}"), &p.refs()).await?.get(0);
    let order = if due_first { "due_at ASC NULLS LAST, created_at, id" } else { "created_at DESC, id DESC" };
    let limit = p.bind(page.limit);
    let offset = p.bind(page.offset());
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
    Ok((c.query(&sql, &p.refs()).await?.iter().map(row).collect(), total))
}

/// A contact's activities, oldest first, at most `limit`.
pub async fn select_contact_timeline(
    c: &impl GenericClient,
    workspace_id: Uuid,
    contact_id: Uuid,
    limit: i64,
) -> Result<Vec<ActivityRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM (SELECT * FROM activities WHERE workspace_id = $1 AND contact_id = $2
                                ORDER BY created_at DESC, id DESC LIMIT $3) a
         ORDER BY created_at, id"
    );
    Ok(c.query(&sql, &[&workspace_id, &contact_id, &limit]).await?.iter().map(row).collect())
}

/// Activities of a company and of every contact at it, oldest first (the
/// newest `limit`).
pub async fn select_company_timeline(
    c: &impl GenericClient,
    workspace_id: Uuid,
    company_id: Uuid,
    limit: i64,
) -> Result<Vec<ActivityRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM (
            SELECT * FROM activities
            WHERE workspace_id = $1
              AND (company_id = $2
                   OR contact_id IN (SELECT id FROM contacts WHERE workspace_id = $1 AND company_id = $2))
            ORDER BY created_at DESC, id DESC LIMIT $3) a
         ORDER BY created_at, id"
    );
    Ok(c.query(&sql, &[&workspace_id, &company_id, &limit]).await?.iter().map(row).collect())
}

/// Matching activities with ids above `after`, in id order (ids are
/// time-ordered UUIDv7s, so oldest first), at most `limit`: one keyset
/// page of a list (CSV exports).
pub async fn select_activities_after(
    c: &impl GenericClient,
    workspace_id: Uuid,
    f: &ActivityFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ActivityRow>, tokio_postgres::Error> {
    let mut p = Params::new();
    let mut filter = filter_sql(workspace_id, f, &mut p);
    if let Some(a) = after {
        filter.push_str(&format!(" AND id > {}", p.bind(a)));
    }
    let limit = p.bind(limit);
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE {filter} ORDER BY id LIMIT {limit}");
    Ok(c.query(&sql, &p.refs()).await?.iter().map(row).collect())
}
