//! `GET /api/v1/search`: full-text search across contacts, companies and
//! activities of the workspace, as-you-type (the last word is a prefix).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::permissions::ReadContacts;
use crate::auth::Member;
use crate::crm::bad_query;
use crate::crm::search::{self as domain, RecordType, SearchResults};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// 1 to 200 characters; websearch syntax (`"exact phrase"`, `-not`, `or`).
    #[param(min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]{1,200}$")]
    pub q: String,
    /// Comma-separated: `contact`, `company`, `activity`, `deal`, `lead`; all by default
    /// (for API tokens: those their scopes can read).
    #[param(pattern = "^(contact|company|activity|deal|lead)(,(contact|company|activity|deal|lead))*$")]
    pub types: Option<String>,
    /// 1 to 50; 20 by default.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

/// Search results, best first.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(SearchQuery), responses((status = 200, body = SearchResults,
        headers(("Server-Timing" = String, description = "`search;dur=<ms>`: the time the server spent searching")))))]
pub async fn search(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    query: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let len = q.q.chars().count();
    if len == 0 || len > 200 || q.q.chars().any(char::is_control) {
        return Err(bad_query("q must be 1 to 200 characters, without control characters"));
    }
    let limit = match q.limit {
        None => 20,
        Some(n) if (1..=50).contains(&n) => n,
        Some(_) => return Err(bad_query("limit must be between 1 and 50")),
    };
    // Tokens read activities, deals and leads only with their read scopes.
    let scope_of = |t: RecordType| match t {
        RecordType::Activity => Some("activities:read"),
        RecordType::Deal => Some("deals:read"),
        RecordType::Lead => Some("leads:read"),
        RecordType::Contact | RecordType::Company => None,
    };
    let reads =
        |t: RecordType| member.role.is_some() || scope_of(t).is_none_or(|s| member.scopes.iter().any(|x| x == s));
    let types = match q.types.as_deref() {
        None => RecordType::ALL.into_iter().filter(|t| reads(*t)).collect(),
        Some(list) => {
            let mut types = Vec::new();
            for name in list.split(',') {
                let t = RecordType::parse(name.trim()).ok_or_else(|| {
                    bad_query("types must list contact, company, activity, deal or lead, comma-separated")
                })?;
                if !reads(t) {
                    return Err(ApiError::InsufficientScope(scope_of(t).unwrap_or("contacts:read")));
                }
                if !types.contains(&t) {
                    types.push(t);
                }
            }
            types
        }
    };
    // Reps find the deals and leads they may see, nothing more.
    let rep = if member.role == Some(crate::auth::Role::Rep) { member.user_id() } else { None };
    let started = std::time::Instant::now();
    let results = domain::search(&state, member.workspace_id, &q.q, &types, limit, rep).await?;
    // The time the server spent on the queries (the search benchmark reads it).
    let timing = format!("search;dur={:.3}", started.elapsed().as_secs_f64() * 1e3);
    Ok(HttpResponse::Ok().insert_header(("Server-Timing", timing)).json(results))
}
