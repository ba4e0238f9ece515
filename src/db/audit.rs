//! The append-only audit log. The database refuses UPDATE, DELETE and
//! TRUNCATE on `audit_log` (see migration V1), so rows can only be added.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

use crate::auth::Actor;

/// Where a request came from, recorded with each entry.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// One entry to append.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub workspace_id: Option<Uuid>,
    pub actor: Option<Actor>,
    /// `noun.verb`: `contact.created`, `member.role_changed`, `auth.login_failed`...
    pub action: &'static str,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub details: serde_json::Value,
}

impl AuditEntry {
    pub fn new(workspace_id: Option<Uuid>, actor: Option<Actor>, action: &'static str) -> Self {
        Self { workspace_id, actor, action, target_type: None, target_id: None, details: serde_json::json!({}) }
    }

    pub fn target(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.target_type = Some(kind);
        self.target_id = Some(id.to_string());
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

pub async fn insert_audit(c: &impl GenericClient, e: &AuditEntry, from: &Origin) -> Result<(), tokio_postgres::Error> {
    let user = e.actor.and_then(Actor::user_id);
    let token = e.actor.and_then(Actor::token_id);
    c.execute(
        "INSERT INTO audit_log (workspace_id, actor_user_id, actor_token_id, action, target_type, target_id,
                                ip, user_agent, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &e.workspace_id,
            &user,
            &token,
            &e.action,
            &e.target_type,
            &e.target_id,
            &from.ip,
            &from.user_agent,
            &from.request_id,
            &e.details,
        ],
    )
    .await?;
    Ok(())
}

/// An entry as read back.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub actor_user_id: Option<Uuid>,
    pub actor_token_id: Option<Uuid>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub details: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// A row of `id, actor_user_id, actor_token_id, action, target_type,
/// target_id, ip, request_id, details, at`, in that order (both reads).
impl From<&tokio_postgres::Row> for AuditRow {
    fn from(r: &tokio_postgres::Row) -> Self {
        AuditRow {
            id: r.get(0),
            actor_user_id: r.get(1),
            actor_token_id: r.get(2),
            action: r.get(3),
            target_type: r.get(4),
            target_id: r.get(5),
            ip: r.get(6),
            request_id: r.get(7),
            details: r.get(8),
            at: r.get(9),
        }
    }
}

/// Filters for reading the log; all optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_user_id: Option<Uuid>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Return entries with ids below this (cursor).
    pub before_id: Option<i64>,
}

/// Newest first, at most `limit` rows.
pub async fn select_audit(
    c: &impl GenericClient,
    workspace_id: Uuid,
    f: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT id, actor_user_id, actor_token_id, action, target_type, target_id, ip, request_id, details, at
             FROM audit_log
             WHERE workspace_id = $1
               AND ($2::text IS NULL OR action = $2 OR starts_with(action, $2 || '.'))
               AND ($3::uuid IS NULL OR actor_user_id = $3)
               AND ($4::text IS NULL OR target_type = $4)
               AND ($5::text IS NULL OR target_id = $5)
               AND ($6::timestamptz IS NULL OR at >= $6)
               AND ($7::timestamptz IS NULL OR at < $7)
               AND ($8::bigint IS NULL OR id < $8)
             ORDER BY id DESC LIMIT $9",
            &[
                &workspace_id,
                &f.action,
                &f.actor_user_id,
                &f.target_type,
                &f.target_id,
                &f.since,
                &f.until,
                &f.before_id,
                &limit,
            ],
        )
        .await?;
    Ok(rows.iter().map(AuditRow::from).collect())
}

/// A record's audit trail, oldest first (at most `limit`, the newest):
/// entries that target it, and bulk entries that list its id in
/// `details.ids`.
pub async fn select_audit_for_record(
    c: &impl GenericClient,
    workspace_id: Uuid,
    target_type: &str,
    target_id: Uuid,
    limit: i64,
) -> Result<Vec<AuditRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT id, actor_user_id, actor_token_id, action, target_type, target_id, ip, request_id, details, at
             FROM (SELECT * FROM audit_log
                   WHERE workspace_id = $1 AND target_type = $2
                     AND (target_id = $3 OR (target_id IS NULL AND details -> 'ids' ? $3))
                   ORDER BY id DESC LIMIT $4) a
             ORDER BY id",
            &[&workspace_id, &target_type, &target_id.to_string(), &limit],
        )
        .await?;
    Ok(rows.iter().map(AuditRow::from).collect())
}
