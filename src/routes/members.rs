//! `GET /api/v1/members`, `GET|PATCH|DELETE /api/v1/members/{user_id}`.
//! Any active member reads the team; only owners change it.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::{ManageMembers, ReadMembers};
use crate::auth::{Member, Role};
use crate::db::audit::Origin;
use crate::error::ApiResult;
use crate::http::extract::JsonBody;
use crate::state::AppState;
use crate::team::members::{self as team, MemberChange, MemberStatus, TeamMember};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// The member's user id.
    pub user_id: Uuid,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberListResponse {
    /// In the order they joined.
    pub members: Vec<TeamMember>,
}

/// The fields to change; absent fields stay as they are (an empty object
/// changes nothing). `null` is not a value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub status: Option<MemberStatus>,
}

/// Everyone in the active workspace.
#[utoipa::path(get, path = "/api/v1/members", tag = "team", security(("session" = [])),
    responses((status = 200, body = MemberListResponse), (status = 401, body = crate::error::Problem, content_type = "application/problem+json"), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list_members(
    state: web::Data<AppState>,
    member: Member<ReadMembers>,
    _query: web::Query<crate::http::extract::NoParams>,
) -> ApiResult<HttpResponse> {
    let members = team::list_members(&state, member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(MemberListResponse { members }))
}

/// One member of the active workspace.
#[utoipa::path(get, path = "/api/v1/members/{user_id}", tag = "team", security(("session" = [])), params(MemberPath),
    responses((status = 200, body = TeamMember), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn get_member(
    state: web::Data<AppState>,
    member: Member<ReadMembers>,
    path: web::Path<MemberPath>,
) -> ApiResult<HttpResponse> {
    let found = team::get_member(&state, member.workspace_id, path.user_id).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Changes a member's role and/or suspends or reactivates them (owners).
#[utoipa::path(patch, path = "/api/v1/members/{user_id}", tag = "team", security(("session" = [])), params(MemberPath), request_body = UpdateMemberRequest,
    responses((status = 200, body = TeamMember), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"), (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`", body = crate::error::Problem, content_type = "application/problem+json"), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn update_member(
    state: web::Data<AppState>,
    member: Member<ManageMembers>,
    from: Origin,
    path: web::Path<MemberPath>,
    body: JsonBody<UpdateMemberRequest>,
) -> ApiResult<HttpResponse> {
    let change = MemberChange { role: body.role, status: body.status };
    let updated = team::update_member(&state, (&member).into(), path.user_id, change, &from).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Removes a member from the workspace; their account stays (owners).
#[utoipa::path(delete, path = "/api/v1/members/{user_id}", tag = "team", security(("session" = [])), params(MemberPath),
    responses((status = 204), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"), (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn remove_member(
    state: web::Data<AppState>,
    member: Member<ManageMembers>,
    from: Origin,
    path: web::Path<MemberPath>,
) -> ApiResult<HttpResponse> {
    team::remove_member(&state, (&member).into(), path.user_id, &from).await?;
    Ok(HttpResponse::NoContent().finish())
}
