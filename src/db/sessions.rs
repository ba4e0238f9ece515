//! Browser sessions: opaque tokens stored as SHA-256, with idle and
//! absolute expiry and revocation.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// What authentication needs from a session, joined with the membership
/// in its active workspace (one round trip per request).
#[derive(Debug, Clone)]
pub struct SessionAuthRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub active_workspace_id: Option<Uuid>,
    pub csrf_token: String,
    pub role: Option<String>,
    pub status: Option<String>,
}

/// A new session to store.
pub struct NewSession<'a> {
    pub id: Uuid,
    pub token_hash: &'a [u8],
    pub user_id: Uuid,
    pub active_workspace_id: Option<Uuid>,
    pub csrf_token: &'a str,
    pub expires_at: DateTime<Utc>,
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
}

pub async fn insert_session(c: &impl GenericClient, s: &NewSession<'_>) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "INSERT INTO sessions (id, token_hash, user_id, active_workspace_id, csrf_token, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[&s.id, &s.token_hash, &s.user_id, &s.active_workspace_id, &s.csrf_token, &s.expires_at, &s.ip, &s.user_agent],
    )
    .await?;
    Ok(())
}

/// A live session by token hash: not revoked, not past its absolute
/// expiry, and seen within `idle_secs`.
pub async fn select_session_auth(
    c: &impl GenericClient,
    token_hash: &[u8],
    idle_secs: f64,
) -> Result<Option<SessionAuthRow>, tokio_postgres::Error> {
    // One prepared statement, one round trip: the lookup, and the touch
    // that extends the idle window (a write at most once a minute per
    // session; the UPDATE matches nothing otherwise, so most requests
    // write nothing).
    let statement = c
        .prepare_cached(
            "WITH found AS (
                 SELECT s.id, s.user_id, s.active_workspace_id, s.csrf_token, m.role, m.status, s.last_seen_at
                 FROM sessions s
                 LEFT JOIN memberships m ON m.workspace_id = s.active_workspace_id AND m.user_id = s.user_id
                 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
                   AND s.last_seen_at > now() - make_interval(secs => $2)
             ), touched AS (
                 UPDATE sessions SET last_seen_at = now() FROM found
                 WHERE sessions.id = found.id AND found.last_seen_at < now() - interval '1 minute'
             )
             SELECT id, user_id, active_workspace_id, csrf_token, role, status FROM found",
        )
        .await?;
    let row = c.query_opt(&statement, &[&token_hash, &idle_secs]).await?;
    Ok(row.map(|r| SessionAuthRow {
        id: r.get(0),
        user_id: r.get(1),
        active_workspace_id: r.get(2),
        csrf_token: r.get(3),
        role: r.get(4),
        status: r.get(5),
    }))
}

pub async fn revoke_session(c: &impl GenericClient, id: Uuid) -> Result<(), tokio_postgres::Error> {
    c.execute("UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", &[&id]).await?;
    Ok(())
}

/// Revokes the session with this token hash if it belongs to `user_id`
/// (login rotation: the browser's previous session ends); returns its id.
pub async fn revoke_session_by_token(
    c: &impl GenericClient,
    token_hash: &[u8],
    user_id: Uuid,
) -> Result<Option<Uuid>, tokio_postgres::Error> {
    let row = c
        .query_opt(
            "UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND user_id = $2 AND revoked_at IS NULL
             RETURNING id",
            &[&token_hash, &user_id],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}
pub async fn update_active_workspace(
    c: &impl GenericClient,
    id: Uuid,
    workspace_id: Uuid,
) -> Result<(), tokio_postgres::Error> {
    c.execute("UPDATE sessions SET active_workspace_id = $2 WHERE id = $1", &[&id, &workspace_id]).await?;
    Ok(())
}
