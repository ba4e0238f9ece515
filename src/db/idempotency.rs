//! Idempotency keys: one row per (credential, key), claimed before the
//! first request runs (`status` NULL) and completed with its response.
//! Rows older than 24 hours count as absent and are pruned hourly.

use deadpool_postgres::GenericClient;

/// A claim to insert.
pub struct NewClaim<'a> {
    pub principal: &'a str,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub request_hash: &'a [u8],
}

/// A stored key, as found when a claim collides.
#[derive(Debug, Clone)]
pub struct IdempotencyRow {
    pub request_hash: Vec<u8>,
    /// `None` while the first request is still running.
    pub status: Option<i16>,
    pub content_type: Option<String>,
    pub headers: Option<serde_json::Value>,
    pub body: Option<Vec<u8>>,
    /// Older than 24 hours: to be treated as absent.
    pub expired: bool,
}

/// The response to store for replays.
pub struct StoredResponse<'a> {
    pub status: i16,
    pub content_type: Option<&'a str>,
    pub headers: &'a serde_json::Value,
    pub body: &'a [u8],
}

/// Claims a key; `false` when a row for (principal, key) already exists.
pub async fn insert_idempotency_claim(c: &impl GenericClient, n: &NewClaim<'_>) -> Result<bool, tokio_postgres::Error> {
    let inserted = c
        .execute(
            "INSERT INTO idempotency_keys (principal, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (principal, key) DO NOTHING",
            &[&n.principal, &n.key, &n.method, &n.path, &n.request_hash],
        )
        .await?;
    Ok(inserted == 1)
}

pub async fn select_idempotency_key(
    c: &impl GenericClient,
    principal: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, tokio_postgres::Error> {
    let row = c
        .query_opt(
            "SELECT request_hash, status, content_type, headers, body, created_at < now() - interval '24 hours'
             FROM idempotency_keys WHERE principal = $1 AND key = $2",
            &[&principal, &key],
        )
        .await?;
    Ok(row.map(|r| IdempotencyRow {
        request_hash: r.get(0),
        status: r.get(1),
        content_type: r.get(2),
        headers: r.get(3),
        body: r.get(4),
        expired: r.get(5),
    }))
}

/// Completes a claim with the response of the first request.
pub async fn update_idempotency_response(
    c: &impl GenericClient,
    principal: &str,
    key: &str,
    r: &StoredResponse<'_>,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "UPDATE idempotency_keys SET status = $3, content_type = $4, headers = $5, body = $6
         WHERE principal = $1 AND key = $2",
        &[&principal, &key, &r.status, &r.content_type, &r.headers, &r.body],
    )
    .await?;
    Ok(())
}

/// Drops an unfinished claim (the first request failed), so a retry runs.
pub async fn delete_idempotency_claim(
    c: &impl GenericClient,
    principal: &str,
    key: &str,
) -> Result<(), tokio_postgres::Error> {
    c.execute("DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND status IS NULL", &[&principal, &key])
        .await?;
    Ok(())
}

/// Drops one key if it is older than 24 hours (so it can be claimed again).
pub async fn delete_expired_idempotency_key(
    c: &impl GenericClient,
    principal: &str,
    key: &str,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "DELETE FROM idempotency_keys
         WHERE principal = $1 AND key = $2 AND created_at < now() - interval '24 hours'",
        &[&principal, &key],
    )
    .await?;
    Ok(())
}

/// Prunes every key older than 24 hours; returns how many went.
pub async fn delete_expired_idempotency_keys(c: &impl GenericClient) -> Result<u64, tokio_postgres::Error> {
    c.execute("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'", &[]).await
}
