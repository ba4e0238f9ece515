//! Data cleanup (`crm::cleanup`): `GET /api/v1/cleanup/checklist`,
//! `GET /api/v1/cleanup/duplicates` and the merges,
//! `POST /api/v1/{contacts,companies,deals}/merge`. Owners and managers
//! only, never API tokens.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::permissions::CleanUpData;
use crate::auth::Member;
use crate::crm::bad_query;
use crate::crm::cleanup::{
    self as domain, Checklist, CompanyMerge, ContactMerge, DealMerge, DuplicateEntity, DuplicatePage, MergeRequest,
    Merger,
};
use crate::db::audit::Origin;
use crate::error::ApiResult;
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::state::AppState;

fn merger(member: &Member<CleanUpData>, from: &Origin) -> Merger {
    Merger { workspace_id: member.workspace_id, actor: member.actor, deals: crate::deals::caller(member, from) }
}

/// The go-live checklist: contacts without an email or a name, lost deals
/// without a reason, and duplicate groups, each with a count and sample ids.
#[utoipa::path(get, path = "/api/v1/cleanup/checklist", tag = "cleanup", security(("session" = [])),
    responses((status = 200, body = Checklist)))]
pub async fn get_checklist(state: web::Data<AppState>, member: Member<CleanUpData>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(domain::checklist(&state, member.workspace_id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DuplicatesQuery {
    /// `contacts` (by email), `companies` (by domain, then by name) or
    /// `deals` (by contact and title).
    #[param(inline)]
    pub entity: DuplicateEntity,
    /// `next` of the previous page.
    #[param(pattern = "^([0-9a-f]{2}){1,600}$")]
    pub after: Option<String>,
    /// Groups per page, 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Duplicate groups, by key: records sharing a normalised email, domain,
/// name, or contact and title, oldest first in each group.
#[utoipa::path(get, path = "/api/v1/cleanup/duplicates", tag = "cleanup", security(("session" = [])),
    params(DuplicatesQuery), responses((status = 200, body = DuplicatePage)))]
pub async fn list_duplicates(
    state: web::Data<AppState>,
    member: Member<CleanUpData>,
    query: web::Query<DuplicatesQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let limit = match q.limit {
        None => 20,
        Some(n) if (1..=100).contains(&n) => n,
        Some(_) => return Err(bad_query("limit must be between 1 and 100")),
    };
    let after = match q.after.as_deref() {
        None => None,
        Some(c) if !c.is_empty() && c.len() <= 1200 => {
            Some(domain::decode_cursor(c).ok_or_else(|| bad_query("after is not a cursor"))?)
        }
        Some(_) => return Err(bad_query("after is not a cursor")),
    };
    Ok(HttpResponse::Ok().json(domain::duplicates(&state, member.workspace_id, q.entity, after, limit).await?))
}

/// Merges contacts into `keep_id`: their deals, lead conversions and
/// activities move to it, and they are deleted. Audited and announced as
/// `contact.merged`.
#[utoipa::path(post, path = "/api/v1/contacts/merge", tag = "cleanup", security(("session" = [])),
    request_body = MergeRequest,
    responses((status = 200, body = ContactMerge), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn merge_contacts(
    state: web::Data<AppState>,
    member: Member<CleanUpData>,
    from: Origin,
    body: JsonBody<MergeRequest>,
) -> ApiResult<HttpResponse> {
    let m = merger(&member, &from);
    Ok(HttpResponse::Ok().json(domain::merge_contacts(&state, m, body.0, &from).await?))
}

/// Merges companies into `keep_id`: their contacts, deals, lead
/// conversions and activities move to it, and they are deleted. Audited
/// and announced as `company.merged`.
#[utoipa::path(post, path = "/api/v1/companies/merge", tag = "cleanup", security(("session" = [])),
    request_body = MergeRequest,
    responses((status = 200, body = CompanyMerge), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn merge_companies(
    state: web::Data<AppState>,
    member: Member<CleanUpData>,
    from: Origin,
    body: JsonBody<MergeRequest>,
) -> ApiResult<HttpResponse> {
    let m = merger(&member, &from);
    Ok(HttpResponse::Ok().json(domain::merge_companies(&state, m, body.0, &from).await?))
}

/// Merges deals into `keep_id`: their lead conversions and activities move
/// to it, and they are deleted (restorable). Audited and announced as
/// `deal.merged` on the kept deal's pipeline topic.
#[utoipa::path(post, path = "/api/v1/deals/merge", tag = "cleanup", security(("session" = [])),
    request_body = MergeRequest,
    responses((status = 200, body = DealMerge), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn merge_deals(
    state: web::Data<AppState>,
    member: Member<CleanUpData>,
    from: Origin,
    body: JsonBody<MergeRequest>,
) -> ApiResult<HttpResponse> {
    let m = merger(&member, &from);
    Ok(HttpResponse::Ok().json(domain::merge_deals(&state, m, body.0).await?))
}
