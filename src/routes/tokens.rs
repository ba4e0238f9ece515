//! `POST /api/v1/tokens`, `GET /api/v1/tokens`, `DELETE /api/v1/tokens/{id}`:
//! API tokens, managed by workspace owners signed in as people (tokens
//! cannot manage tokens).

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::ManageTokens;
use crate::auth::Member;
use crate::db::audit::Origin;
use crate::db::tokens::TokenRow;
use crate::error::ApiResult;
use crate::http::extract::JsonBody;
use crate::state::AppState;
use crate::tokens;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// 1 to 100 characters, to recognise the token by.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// A non-empty, duplicate-free subset of the known scopes
    /// (`deals:read`, `deals:write`, `events:subscribe`...).
    #[schema(schema_with = scopes_schema)]
    pub scopes: Vec<String>,
}

/// The scopes field: a non-empty set of the scopes Pulse knows.
fn scopes_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let item = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(crate::auth::permissions::SCOPES.iter().copied()))
        .build();
    ArrayBuilder::new().items(item).min_items(Some(1)).unique_items(true).build()
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedTokenResponse {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<String>,
    /// The secret, shown only in this reply: send it as
    /// `Authorization: Bearer <token>`. Pulse stores only its SHA-256.
    pub token: String,
    /// The first characters of the token, as shown in lists.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    /// The owner who created it (null once that user is deleted).
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// Last authenticated use, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenListResponse {
    pub items: Vec<TokenResponse>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TokenPath {
    pub id: Uuid,
}

impl From<TokenRow> for TokenResponse {
    fn from(t: TokenRow) -> Self {
        TokenResponse {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scopes: t.scopes,
            created_by: t.created_by,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// Creates an API token; its secret is in this reply and nowhere else.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", security(("session" = [])), request_body = CreateTokenRequest,
    responses((status = 201, body = CreatedTokenResponse), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(workspace_id = %member.workspace_id))]
pub async fn create_token(
    state: web::Data<AppState>,
    member: Member<ManageTokens>,
    from: Origin,
    body: JsonBody<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let created =
        tokens::create_token(&state, member.workspace_id, member.actor, &body.name, &body.scopes, &from).await?;
    Ok(HttpResponse::Created().json(CreatedTokenResponse {
        id: created.row.id,
        name: created.row.name,
        scopes: created.row.scopes,
        token: created.secret,
        prefix: created.row.prefix,
        created_at: created.row.created_at,
    }))
}

/// Lists the workspace's live tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", security(("session" = [])),
    responses((status = 200, body = TokenListResponse), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(workspace_id = %member.workspace_id))]
pub async fn list_tokens(
    state: web::Data<AppState>,
    member: Member<ManageTokens>,
    _query: web::Query<crate::http::extract::NoParams>,
) -> ApiResult<HttpResponse> {
    let rows = tokens::list_tokens(&state, member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(TokenListResponse { items: rows.into_iter().map(TokenResponse::from).collect() }))
}

/// Revokes a token; the next request with it is answered 401.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", security(("session" = [])), params(TokenPath),
    responses((status = 204), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(workspace_id = %member.workspace_id, token_id = %path.id))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    member: Member<ManageTokens>,
    from: Origin,
    path: web::Path<TokenPath>,
) -> ApiResult<HttpResponse> {
    tokens::revoke_token(&state, member.workspace_id, member.actor, path.id, &from).await?;
    Ok(HttpResponse::NoContent().finish())
}
