//! `POST|GET /api/v1/invitations`, `DELETE /api/v1/invitations/{id}` and
//! `POST /api/v1/invitations/{token}/accept`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts;
use crate::auth::permissions::InviteMembers;
use crate::auth::{Member, OptionalSession, Role};
use crate::db::audit::Origin;
use crate::error::ApiResult;
use crate::http::extract::JsonBody;
use crate::routes::auth::{refuse_cross_site, UserResponse, WorkspaceRef};
use crate::state::AppState;
use crate::team::invitations::{self as team, Invitation, NewAccount};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitationRequest {
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    /// `manager`, `rep` or `viewer`; managers may invite reps and viewers only.
    #[schema(value_type = String, pattern = "^(manager|rep|viewer)$")]
    pub role: Role,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedInvitationResponse {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// Shown only in this response; only its SHA-256 is stored.
    pub token: String,
    /// The link to send to the invitee.
    pub accept_url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationListResponse {
    /// Pending invitations (not accepted, revoked or expired), newest first.
    pub invitations: Vec<Invitation>,
}

/// Signed-in callers send `{}` (they accept as themselves); anyone else
/// sends `name` and `password` to create the account for the invited email.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    pub name: Option<String>,
    /// At least 10 characters.
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AcceptInvitationResponse {
    pub user: UserResponse,
    /// The workspace joined; now the session's active workspace.
    pub workspace: WorkspaceRef,
    pub role: Role,
    /// Send as `X-CSRF-Token` on every unsafe cookie-authenticated request.
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    pub id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationTokenPath {
    /// The token from the invitation link.
    pub token: String,
}

/// Invites someone to the active workspace by email.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "team", security(("session" = [])), request_body = CreateInvitationRequest,
    responses((status = 201, body = CreatedInvitationResponse), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_member` or `invitation_pending`", body = crate::error::Problem, content_type = "application/problem+json"), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create_invitation(
    state: web::Data<AppState>,
    member: Member<InviteMembers>,
    from: Origin,
    body: JsonBody<CreateInvitationRequest>,
) -> ApiResult<HttpResponse> {
    let created = team::create_invitation(&state, (&member).into(), &body.email, body.role, &from).await?;
    let accept_url = format!("{}/invitations/{}", state.origins.primary(), created.token);
    let i = created.invitation;
    Ok(HttpResponse::Created().json(CreatedInvitationResponse {
        id: i.id,
        email: i.email,
        role: i.role,
        expires_at: i.expires_at,
        token: created.token,
        accept_url,
    }))
}

/// Pending invitations of the active workspace (without tokens).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "team", security(("session" = [])),
    responses((status = 200, body = InvitationListResponse), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list_invitations(
    state: web::Data<AppState>,
    member: Member<InviteMembers>,
    _query: web::Query<crate::http::extract::NoParams>,
) -> ApiResult<HttpResponse> {
    let invitations = team::list_invitations(&state, member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(InvitationListResponse { invitations }))
}

/// Revokes a pending invitation; managers only those for reps and viewers.
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "team", security(("session" = [])), params(InvitationPath),
    responses((status = 204), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    member: Member<InviteMembers>,
    from: Origin,
    path: web::Path<InvitationPath>,
) -> ApiResult<HttpResponse> {
    team::revoke_invitation(&state, (&member).into(), path.id, &from).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Accepts an invitation: as the signed-in user (whose email must match),
/// or by creating the account for the invited email and signing in.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/accept", tag = "team", security((), ("session" = [])), params(InvitationTokenPath),
    request_body = AcceptInvitationRequest,
    responses((status = 200, body = AcceptInvitationResponse), (status = 403, description = "signed in as another email", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown, expired, revoked or used", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken` (log in first) or `already_member`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: OptionalSession,
    from: Origin,
    path: web::Path<InvitationTokenPath>,
    body: JsonBody<AcceptInvitationRequest>,
) -> ApiResult<HttpResponse> {
    let (done, csrf_token) = match session.0 {
        Some(s) => (team::accept_as_signed_in(&state, &path.token, &s, &from).await?, s.csrf_token),
        None => {
            refuse_cross_site(&state, &req)?;
            let account = NewAccount { name: body.name.as_deref(), password: body.password.as_deref() };
            let done = team::accept_with_new_account(&state, &path.token, account, &from).await?;
            let csrf = done.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
            (done, csrf)
        }
    };
    let mut res = HttpResponse::Ok();
    if let Some(session) = done.session {
        res.cookie(accounts::session_cookie(&state, session.token));
    }
    Ok(res.json(AcceptInvitationResponse {
        user: UserResponse { id: done.user.id, email: done.user.email, name: done.user.name },
        workspace: WorkspaceRef { id: done.workspace.id, name: done.workspace.name },
        role: done.role,
        csrf_token,
    }))
}
