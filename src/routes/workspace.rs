//! `GET /api/v1/workspace` and `PATCH /api/v1/workspace`: the active
//! workspace's settings, versioned (`ETag` / `If-Match`, see `http::etag`).

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::{ManageSettings, ReadMembers};
use crate::auth::Member;
use crate::db::audit::Origin;
use crate::db::workspaces::WorkspaceRow;
use crate::error::ApiResult;
use crate::http::etag::{etag, Precondition};
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::state::AppState;
use crate::workspaces::{self, SettingsChange};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkspaceResponse {
    pub id: Uuid,
    pub name: String,
    /// ISO 4217 code deals are priced in.
    #[schema(example = "USD")]
    pub currency: String,
    /// Bumped by every change; also sent as the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl From<WorkspaceRow> for WorkspaceResponse {
    fn from(w: WorkspaceRow) -> Self {
        Self { id: w.id, name: w.name, currency: w.currency, version: w.version, created_at: w.created_at }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspaceRequest {
    /// 1 to 200 characters, without control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    /// An uppercase ISO 4217 code.
    #[schema(inline, value_type = Option<doc::Currency>)]
    pub currency: Option<String>,
}

fn reply(w: WorkspaceRow) -> HttpResponse {
    HttpResponse::Ok().insert_header(etag(w.version)).json(WorkspaceResponse::from(w))
}

/// The active workspace's settings. Any member.
#[utoipa::path(get, path = "/api/v1/workspace", tag = "workspace", security(("session" = [])),
    responses((status = 200, body = WorkspaceResponse, headers(("ETag" = String, description = "The version, `\"<n>\"`"))),
        (status = 404, response = doc::NotFound)))]
pub async fn get_workspace(state: web::Data<AppState>, member: Member<ReadMembers>) -> ApiResult<HttpResponse> {
    Ok(reply(workspaces::get_settings(&state, member.workspace_id).await?))
}

/// Renames the workspace or changes its currency. Owners only; audited as
/// `workspace.updated`. Send `If-Match` with the version you read to
/// refuse the change (412) when someone changed the settings meanwhile.
#[utoipa::path(patch, path = "/api/v1/workspace", tag = "workspace", security(("session" = [])),
    request_body = UpdateWorkspaceRequest,
    params(("If-Match" = Option<String>, Header, nullable = false, description = "`\"<version>\"` from the ETag; `W/\"<version>\"` and `*` are accepted",
        pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    responses((status = 200, body = WorkspaceResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 400, response = doc::BadRequest), (status = 404, response = doc::NotFound),
        (status = 412, response = doc::PreconditionFailed)))]
pub async fn update_workspace(
    state: web::Data<AppState>,
    member: Member<ManageSettings>,
    req: HttpRequest,
    from: Origin,
    body: JsonBody<UpdateWorkspaceRequest>,
) -> ApiResult<HttpResponse> {
    let pre = Precondition::from_request(&req)?;
    let change = SettingsChange { name: body.name.as_deref(), currency: body.currency.as_deref() };
    Ok(reply(workspaces::update_settings(&state, member.workspace_id, member.actor, pre, change, &from).await?))
}
