//! API tokens: stored as SHA-256 of the secret, bound to one workspace.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// What authentication needs from a token.
#[derive(Debug, Clone)]
pub struct TokenAuthRow {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub secret_hash: Vec<u8>,
    pub scopes: Vec<String>,
}

/// A token as listed (never with its secret).
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The live token with this secret hash, recording its use in the same
/// round trip (a write at most once a minute per token).
pub async fn select_token_by_hash(
    c: &impl GenericClient,
    hash: &[u8],
) -> Result<Option<TokenAuthRow>, tokio_postgres::Error> {
    let statement = c
        .prepare_cached(
            "WITH found AS (
                 SELECT id, workspace_id, secret_hash, scopes, last_used_at
                 FROM api_tokens WHERE secret_hash = $1 AND revoked_at IS NULL
             ), touched AS (
                 UPDATE api_tokens SET last_used_at = now() FROM found
                 WHERE api_tokens.id = found.id
                   AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute')
             )
             SELECT id, workspace_id, secret_hash, scopes FROM found",
        )
        .await?;
    let row = c.query_opt(&statement, &[&hash]).await?;
    Ok(row.map(|r| TokenAuthRow { id: r.get(0), workspace_id: r.get(1), secret_hash: r.get(2), scopes: r.get(3) }))
}

/// A token to create.
pub struct NewToken<'a> {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub created_by: Option<Uuid>,
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a [u8],
    pub scopes: &'a [String],
}

pub async fn insert_token(c: &impl GenericClient, t: &NewToken<'_>) -> Result<TokenRow, tokio_postgres::Error> {
    let r = c
        .query_one(
            "INSERT INTO api_tokens (id, workspace_id, created_by, name, prefix, secret_hash, scopes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING id, name, prefix, scopes, created_by, created_at, last_used_at",
            &[&t.id, &t.workspace_id, &t.created_by, &t.name, &t.prefix, &t.secret_hash, &t.scopes],
        )
        .await?;
    Ok(row_to_token(&r))
}

fn row_to_token(r: &tokio_postgres::Row) -> TokenRow {
    TokenRow {
        id: r.get(0),
        name: r.get(1),
        prefix: r.get(2),
        scopes: r.get(3),
        created_by: r.get(4),
        created_at: r.get(5),
        last_used_at: r.get(6),
    }
}

/// Live tokens of a workspace, newest first.
pub async fn select_tokens(c: &impl GenericClient, workspace_id: Uuid) -> Result<Vec<TokenRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT id, name, prefix, scopes, created_by, created_at, last_used_at FROM api_tokens
             WHERE workspace_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id",
            &[&workspace_id],
        )
        .await?;
    Ok(rows.iter().map(row_to_token).collect())
}

/// Revokes a live token of this workspace; `false` when there is none.
pub async fn revoke_token(c: &impl GenericClient, workspace_id: Uuid, id: Uuid) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "UPDATE api_tokens SET revoked_at = now() WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL",
            &[&workspace_id, &id],
        )
        .await?;
    Ok(n == 1)
}
