//! `GET /api/v1/outbox`: the workspace's outgoing email, newest first,
//! with each one's delivery state (owners). Without SMTP configured this
//! is where emails wait.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::ReadOperations;
use crate::auth::Member;
use crate::db::notifications::{select_emails, EmailRow};
use crate::error::ApiResult;
use crate::routes::validate::page_limit;
use crate::state::AppState;

/// Delivery state of an email.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// Waiting for its (next) attempt, or for SMTP to be configured.
    Pending,
    Sent,
    /// Given up after the last attempt; `last_error` says why.
    Failed,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only emails in this state.
    pub status: Option<EmailStatus>,
    /// Page size, 1 to 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxEmail {
    pub id: Uuid,
    /// The member it was for, when it was for a member.
    pub recipient_id: Option<Uuid>,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Why it was sent: a signal, `digest` or `nurture`.
    pub kind: String,
    /// `text/plain`, or `text/html` (nurture templates written in HTML).
    pub content_type: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<EmailRow> for OutboxEmail {
    fn from(r: EmailRow) -> Self {
        OutboxEmail {
            id: r.id,
            recipient_id: r.recipient_id,
            to: r.to_address,
            subject: r.subject,
            body: r.body,
            kind: r.kind,
            content_type: r.content_type,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            next_attempt_at: r.next_attempt_at,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxPage {
    pub items: Vec<OutboxEmail>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<Uuid>,
}

/// The workspace's outgoing email, newest first (owners).
#[utoipa::path(get, path = "/api/v1/outbox", tag = "operations", security(("session" = [])),
    params(OutboxQuery), responses((status = 200, body = OutboxPage)))]
pub async fn list_outbox(
    state: web::Data<AppState>,
    member: Member<ReadOperations>,
    query: web::Query<OutboxQuery>,
) -> ApiResult<HttpResponse> {
    let limit = page_limit(query.limit)?;
    let status = query.status.map(|s| match s {
        EmailStatus::Pending => "pending",
        EmailStatus::Sent => "sent",
        EmailStatus::Failed => "failed",
    });
    let client = state.db().await?;
    let mut rows = select_emails(&client, member.workspace_id, status, query.cursor, limit + 1).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(OutboxPage { items: rows.into_iter().map(OutboxEmail::from).collect(), next_cursor }))
}
