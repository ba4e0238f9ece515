//! Single-use, short-lived tickets for opening the WebSocket stream.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// Who a ticket was issued to.
#[derive(Debug, Clone)]
pub struct TicketRow {
    pub workspace_id: Uuid,
    pub user_id: Option<Uuid>,
    pub token_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
}

pub async fn insert_ticket(
    c: &impl GenericClient,
    hash: &[u8],
    owner: &TicketRow,
    expires_at: DateTime<Utc>,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "INSERT INTO stream_tickets (ticket_hash, workspace_id, user_id, token_id, session_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&hash, &owner.workspace_id, &owner.user_id, &owner.token_id, &owner.session_id, &expires_at],
    )
    .await?;
    Ok(())
}

/// Forgets tickets that expired over an hour ago (used or not).
pub async fn delete_stale_tickets(c: &impl GenericClient) -> Result<u64, tokio_postgres::Error> {
    c.execute("DELETE FROM stream_tickets WHERE expires_at < now() - interval '1 hour'", &[]).await
}

/// Marks a live ticket used and returns its owner; `None` if it is
/// unknown, expired or already used.
pub async fn redeem_ticket(c: &impl GenericClient, hash: &[u8]) -> Result<Option<TicketRow>, tokio_postgres::Error> {
    let row = c
        .query_opt(
            "UPDATE stream_tickets SET used_at = now()
             WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > now()
             RETURNING workspace_id, user_id, token_id, session_id",
            &[&hash],
        )
        .await?;
    Ok(row.map(|r| TicketRow { workspace_id: r.get(0), user_id: r.get(1), token_id: r.get(2), session_id: r.get(3) }))
}

/// The role of an active member, for a ticket issued to a person.
pub async fn select_active_role(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
) -> Result<Option<String>, tokio_postgres::Error> {
    let row = c
        .query_opt(
            "SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2 AND status = 'active'",
            &[&workspace_id, &user_id],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// The scopes of a live token, for a ticket issued to a token.
pub async fn select_live_token_scopes(
    c: &impl GenericClient,
    token_id: Uuid,
) -> Result<Option<Vec<String>>, tokio_postgres::Error> {
    let row = c.query_opt("SELECT scopes FROM api_tokens WHERE id = $1 AND revoked_at IS NULL", &[&token_id]).await?;
    Ok(row.map(|r| r.get(0)))
}

/// Whether a browser session is still live, idle expiry included (a
/// ticket dies with its session).
pub async fn session_is_live(
    c: &impl GenericClient,
    session_id: Uuid,
    idle_secs: f64,
) -> Result<bool, tokio_postgres::Error> {
    let row = c
        .query_opt(
            "SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
               AND last_seen_at > now() - make_interval(secs => $2)",
            &[&session_id, &idle_secs],
        )
        .await?;
    Ok(row.is_some())
}
