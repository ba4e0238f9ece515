//! `/api/v1/views`: the caller's saved views. Views belong to a person,
//! so API tokens get 403; another person's view answers 404.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::ReadMembers;
use crate::auth::Member;
use crate::crm::views::{self as domain, CreateViewRequest, SavedView};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ViewPath {
    /// The view's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ViewListQuery {
    /// Only views of this list: `contacts`, `companies`, `deals` or `leads`.
    #[param(pattern = "^(contacts|companies|deals|leads)$")]
    pub entity: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ViewListResponse {
    /// Oldest first.
    pub views: Vec<SavedView>,
}

/// `Member<ReadMembers>` admits people only; they always have a user id.
fn person<P>(m: &Member<P>) -> Result<Uuid, ApiError> {
    m.user_id().ok_or_else(|| ApiError::Forbidden("saved views belong to people, not API tokens".into()))
}

/// The caller's saved views in the active workspace.
#[utoipa::path(get, path = "/api/v1/views", tag = "views", security(("session" = [])),
    params(ViewListQuery), responses((status = 200, body = ViewListResponse)))]
pub async fn list_views(
    state: web::Data<AppState>,
    member: Member<ReadMembers>,
    query: web::Query<ViewListQuery>,
) -> ApiResult<HttpResponse> {
    let views = domain::list_views(&state, member.workspace_id, person(&member)?, query.entity.as_deref()).await?;
    Ok(HttpResponse::Ok().json(ViewListResponse { views }))
}

/// Saves a view; at most 10 per person and workspace (409 `view_limit_reached`).
#[utoipa::path(post, path = "/api/v1/views", tag = "views", security(("session" = [])),
    request_body = CreateViewRequest, responses((status = 201, body = SavedView), (status = 409, response = doc::Conflict)))]
pub async fn create_view(
    state: web::Data<AppState>,
    member: Member<ReadMembers>,
    body: JsonBody<CreateViewRequest>,
) -> ApiResult<HttpResponse> {
    let view = domain::create_view(&state, member.workspace_id, person(&member)?, body.0).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Deletes one of the caller's views.
#[utoipa::path(delete, path = "/api/v1/views/{id}", tag = "views", security(("session" = [])),
    params(ViewPath), responses((status = 204), (status = 404, response = doc::NotFound)))]
pub async fn delete_view(
    state: web::Data<AppState>,
    member: Member<ReadMembers>,
    path: web::Path<ViewPath>,
) -> ApiResult<HttpResponse> {
    domain::delete_view(&state, member.workspace_id, person(&member)?, path.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
