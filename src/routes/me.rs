//! `GET /api/v1/me` and `POST /api/v1/me/active-workspace`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts;
use crate::auth::{Role, SessionUser};
use crate::db::audit::Origin;
use crate::db::{members, users};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::routes::auth::UserResponse;
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipResponse {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// `active` or `suspended`.
    pub status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeResponse {
    pub user: UserResponse,
    pub workspaces: Vec<MembershipResponse>,
    pub active_workspace: Option<MembershipResponse>,
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveWorkspaceRequest {
    pub workspace_id: Uuid,
}

async fn me_response(state: &AppState, session: &SessionUser, active: Option<Uuid>) -> ApiResult<MeResponse> {
    let client = state.db().await?;
    let user = users::select_user(&client, session.user_id).await?.ok_or(ApiError::Unauthenticated)?;
    let workspaces: Vec<MembershipResponse> = members::select_memberships_of_user(&client, session.user_id)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(MembershipResponse {
                id: m.workspace_id,
                name: m.workspace_name,
                role: Role::parse(&m.role)?,
                status: m.status,
            })
        })
        .collect();
    let active_workspace = active
        .and_then(|id| workspaces.iter().find(|w| w.id == id && w.status == "active"))
        .map(|w| MembershipResponse { id: w.id, name: w.name.clone(), role: w.role, status: w.status.clone() });
    Ok(MeResponse {
        user: UserResponse { id: user.id, email: user.email, name: user.name },
        workspaces,
        active_workspace,
        csrf_token: session.csrf_token.clone(),
    })
}

/// The signed-in user, their workspaces and roles, and the active one.
/// People only: API tokens get 403.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("session" = [])),
    responses((status = 200, body = MeResponse)))]
pub async fn get_me(state: web::Data<AppState>, session: SessionUser) -> ApiResult<HttpResponse> {
    let me = me_response(&state, &session, session.active_workspace_id).await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Chooses the workspace that subsequent requests act in.
/// People only: API tokens get 403.
#[utoipa::path(post, path = "/api/v1/me/active-workspace", tag = "auth", security(("session" = [])),
    request_body = ActiveWorkspaceRequest,
    responses((status = 200, body = MeResponse), (status = 404, response = doc::NotFound)))]
pub async fn set_active_workspace(
    state: web::Data<AppState>,
    session: SessionUser,
    from: Origin,
    body: JsonBody<ActiveWorkspaceRequest>,
) -> ApiResult<HttpResponse> {
    accounts::set_active_workspace(&state, session.session_id, session.user_id, body.workspace_id, &from).await?;
    let me = me_response(&state, &session, Some(body.workspace_id)).await?;
    Ok(HttpResponse::Ok().json(me))
}
