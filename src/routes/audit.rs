//! `GET /api/v1/audit`: the workspace's audit log, newest first, filtered
//! and paged with an opaque cursor. Owners and managers.

use actix_web::{web, HttpResponse};
use base64::engine::{general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::ReadAudit;
use crate::auth::Member;
use crate::db::audit::{select_audit, AuditFilter, AuditRow};
use crate::error::{ApiError, ApiResult};
use crate::openapi as doc;
use crate::routes::validate::page_limit;
use crate::state::AppState;

/// Printable text, at most 200 characters (the filters' shape).
const FILTER_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An exact action (`workspace.updated`) or a prefix of whole
    /// segments (`workspace` matches `workspace.*`).
    #[param(pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200)]
    pub action: Option<String>,
    /// Entries by this person.
    pub actor_user_id: Option<Uuid>,
    #[param(pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200)]
    pub target_type: Option<String>,
    #[param(pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200)]
    pub target_id: Option<String>,
    /// Entries at or after this instant (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Entries before this instant (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    /// Page size, 1 to 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{11}$")]
    pub cursor: Option<String>,
}

/// Who acted.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditActor {
    /// `user` or `token`.
    #[serde(rename = "type")]
    #[schema(pattern = "^(user|token)$")]
    pub kind: &'static str,
    pub id: Uuid,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditItem {
    pub id: i64,
    /// `null` for entries the system wrote on nobody's behalf.
    pub actor: Option<AuditActor>,
    /// `noun.verb`, e.g. `workspace.updated`.
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Cursors are the last id as 8 big-endian bytes in unpadded base64url:
/// always 11 characters. Trailing bits are ignored so that every string
/// of the documented shape is a cursor (it only ever bounds the ids).
const CURSOR: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

pub fn encode_cursor(id: i64) -> String {
    CURSOR.encode(id.to_be_bytes())
}

pub fn decode_cursor(s: &str) -> Result<i64, ApiError> {
    let bad = || ApiError::BadRequest {
        code: "bad_cursor",
        detail: "cursor is not one this API issued; use next_cursor from the previous page".into(),
    };
    let bytes: [u8; 8] = CURSOR.decode(s).map_err(|_| bad())?.try_into().map_err(|_| bad())?;
    Ok(i64::from_be_bytes(bytes))
}

fn check_filter(name: &str, value: &Option<String>) -> Result<(), ApiError> {
    match value {
        Some(v) if v.chars().count() > 200 || v.chars().any(char::is_control) => Err(ApiError::BadRequest {
            code: "bad_query",
            detail: format!("{name} must be at most 200 characters, without control characters ({FILTER_PATTERN})"),
        }),
        _ => Ok(()),
    }
}

fn item(r: AuditRow) -> AuditItem {
    let actor = match (r.actor_user_id, r.actor_token_id) {
        (Some(id), _) => Some(AuditActor { kind: "user", id }),
        (None, Some(id)) => Some(AuditActor { kind: "token", id }),
        (None, None) => None,
    };
    AuditItem {
        id: r.id,
        actor,
        action: r.action,
        target_type: r.target_type,
        target_id: r.target_id,
        ip: r.ip,
        request_id: r.request_id,
        details: r.details,
        at: r.at,
    }
}

/// The audit log of the active workspace, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("session" = [])), params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, response = doc::BadRequest)))]
pub async fn list_audit(
    state: web::Data<AppState>,
    member: Member<ReadAudit>,
    query: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    for (name, value) in [("action", &q.action), ("target_type", &q.target_type), ("target_id", &q.target_id)] {
        check_filter(name, value)?;
    }
    let before_id = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let filter = AuditFilter {
        action: q.action,
        actor_user_id: q.actor_user_id,
        target_type: q.target_type,
        target_id: q.target_id,
        since: q.since,
        until: q.until,
        before_id,
    };
    let client = state.db().await?;
    let mut rows = select_audit(&client, member.workspace_id, &filter, limit + 1).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(r.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(AuditPage { items: rows.into_iter().map(item).collect(), next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_malformed_ones_are_refused() {
        for id in [1_i64, 42, i64::MAX] {
            let c = encode_cursor(id);
            assert_eq!(c.len(), 11, "{c}");
            assert_eq!(decode_cursor(&c).ok(), Some(id));
        }
        for bad in ["", "abc", "!!!!!!!!!!!", "AAAAAAAAAAAA", "AAAAAAAAAA="] {
            assert!(decode_cursor(bad).is_err(), "{bad:?}");
        }
    }
}
