//! `POST /api/v1/auth/signup`, `/login`, `/logout`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::{self, Signup};
use crate::auth::extract::SESSION_COOKIE;
use crate::auth::SessionUser;
use crate::db::audit::Origin;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// At least 10 characters, at most 256 bytes of UTF-8.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    /// 1 to 200 characters, not blank, without control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// 1 to 200 characters, not blank, without control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub workspace_name: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    pub email: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkspaceRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignupResponse {
    pub user: UserResponse,
    pub workspace: WorkspaceRef,
    /// Send as `X-CSRF-Token` on every unsafe cookie-authenticated request.
    pub csrf_token: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub user: UserResponse,
    pub active_workspace_id: Option<Uuid>,
    pub csrf_token: String,
}

/// Browsers may only sign up or log in from an allowed origin.
pub fn refuse_cross_site(state: &AppState, req: &HttpRequest) -> ApiResult<()> {
    if state.origins.is_cross_site(req) {
        return Err(ApiError::Csrf("cross-site request refused"));
    }
    Ok(())
}

/// Creates an account, its first workspace and a session.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupRequest,
    responses((status = 201, body = SignupResponse, description = "Signed up; sets the `pulse_session` cookie"),
        (status = 403, response = doc::Forbidden), (status = 409, response = doc::Conflict)))]
pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    from: Origin,
    body: JsonBody<SignupRequest>,
) -> ApiResult<HttpResponse> {
    refuse_cross_site(&state, &req)?;
    let input =
        Signup { email: &body.email, password: &body.password, name: &body.name, workspace_name: &body.workspace_name };
    let done = accounts::signup(&state, input, &from).await?;
    Ok(HttpResponse::Created().cookie(accounts::session_cookie(&state, done.session.token)).json(SignupResponse {
        user: UserResponse { id: done.user.id, email: done.user.email, name: done.user.name },
        workspace: WorkspaceRef { id: done.workspace.id, name: done.workspace.name },
        csrf_token: done.session.csrf_token,
    }))
}

/// Logs in; throttled per account and per IP.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse, description = "Logged in; sets a new `pulse_session` cookie"),
        (status = 401, description = "Email or password is incorrect (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, response = doc::Forbidden)))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    from: Origin,
    body: JsonBody<LoginRequest>,
) -> ApiResult<HttpResponse> {
    refuse_cross_site(&state, &req)?;
    let previous = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let done = accounts::login(&state, &body.email, &body.password, previous.as_deref(), &from).await?;
    Ok(HttpResponse::Ok().cookie(accounts::session_cookie(&state, done.session.token)).json(LoginResponse {
        user: UserResponse { id: done.user.id, email: done.user.email, name: done.user.name },
        active_workspace_id: done.active_workspace_id,
        csrf_token: done.session.csrf_token,
    }))
}

/// Ends the current browser session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("session" = [])),
    responses((status = 204, description = "Logged out; clears the cookie")))]
pub async fn logout(state: web::Data<AppState>, session: SessionUser, from: Origin) -> ApiResult<HttpResponse> {
    accounts::logout(&state, session.session_id, session.user_id, session.active_workspace_id, &from).await?;
    Ok(HttpResponse::NoContent().cookie(accounts::cleared_cookie()).finish())
}
