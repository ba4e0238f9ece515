//! Invitations to join a workspace. Only a SHA-256 of the invitation token
//! is stored. An invitation is *pending* while it is neither accepted nor
//! revoked nor expired; only pending invitations can be accepted (once) or
//! revoked.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// An invitation as stored (never with its token).
#[derive(Debug, Clone)]
pub struct InvitationRow {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub email: String,
    pub role: String,
    pub invited_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An invitation to create.
pub struct NewInvitation<'a> {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub email: &'a str,
    pub role: &'a str,
    pub token_hash: &'a [u8],
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, workspace_id, email, role, invited_by, created_at, expires_at";
const PENDING: &str = "accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()";

fn row_to_invitation(r: &tokio_postgres::Row) -> InvitationRow {
    InvitationRow {
        id: r.get(0),
        workspace_id: r.get(1),
        email: r.get(2),
        role: r.get(3),
        invited_by: r.get(4),
        created_at: r.get(5),
        expires_at: r.get(6),
    }
}

pub async fn insert_invitation(
    c: &impl GenericClient,
    i: &NewInvitation<'_>,
) -> Result<InvitationRow, tokio_postgres::Error> {
    let sql = format!(
        "INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    );
    let r = c
        .query_one(&sql, &[&i.id, &i.workspace_id, &i.email, &i.role, &i.token_hash, &i.invited_by, &i.expires_at])
        .await?;
    Ok(row_to_invitation(&r))
}

/// Serializes invitation writes for one email in one workspace until the
/// transaction ends, so two concurrent invitations cannot both pass the
/// "already pending" check.
pub async fn lock_invitation_email(
    c: &impl GenericClient,
    workspace_id: Uuid,
    email: &str,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1::uuid::text || ':' || lower($2), 0))",
        &[&workspace_id, &email],
    )
    .await?;
    Ok(())
}

/// Pending invitations of a workspace, newest first.
pub async fn select_pending_invitations(
    c: &impl GenericClient,
    workspace_id: Uuid,
) -> Result<Vec<InvitationRow>, tokio_postgres::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM invitations WHERE workspace_id = $1 AND {PENDING} ORDER BY created_at DESC, id");
    Ok(c.query(&sql, &[&workspace_id]).await?.iter().map(row_to_invitation).collect())
}

/// The pending invitation for this email (case-insensitive), if any.
pub async fn select_pending_invitation_by_email(
    c: &impl GenericClient,
    workspace_id: Uuid,
    email: &str,
) -> Result<Option<InvitationRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations WHERE workspace_id = $1 AND lower(email) = lower($2) AND {PENDING} LIMIT 1"
    );
    Ok(c.query_opt(&sql, &[&workspace_id, &email]).await?.as_ref().map(row_to_invitation))
}

/// The pending invitation with this token hash, if any.
pub async fn select_pending_invitation_by_hash(
    c: &impl GenericClient,
    token_hash: &[u8],
) -> Result<Option<InvitationRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM invitations WHERE token_hash = $1 AND {PENDING}");
    Ok(c.query_opt(&sql, &[&token_hash]).await?.as_ref().map(row_to_invitation))
}

/// Locks and returns a pending invitation of this workspace.
pub async fn select_pending_invitation_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<InvitationRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM invitations WHERE workspace_id = $1 AND id = $2 AND {PENDING} FOR UPDATE");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row_to_invitation))
}

pub async fn update_invitation_revoked(c: &impl GenericClient, id: Uuid) -> Result<(), tokio_postgres::Error> {
    c.execute("UPDATE invitations SET revoked_at = now() WHERE id = $1", &[&id]).await?;
    Ok(())
}

/// Claims a pending invitation by token hash: marks it accepted and returns
/// it, or `None` when it is unknown, expired, revoked or already accepted.
/// A concurrent claim of the same row waits for this transaction and then
/// finds it no longer pending, so at most one claim ever succeeds.
pub async fn update_invitation_claimed(
    c: &impl GenericClient,
    token_hash: &[u8],
) -> Result<Option<InvitationRow>, tokio_postgres::Error> {
    let sql =
        format!("UPDATE invitations SET accepted_at = now() WHERE token_hash = $1 AND {PENDING} RETURNING {COLUMNS}");
    Ok(c.query_opt(&sql, &[&token_hash]).await?.as_ref().map(row_to_invitation))
}

/// Records who accepted a claimed invitation (the account may have been
/// created after the claim, in the same transaction).
pub async fn update_invitation_accepted_by(
    c: &impl GenericClient,
    id: Uuid,
    user_id: Uuid,
) -> Result<(), tokio_postgres::Error> {
    c.execute("UPDATE invitations SET accepted_by = $2 WHERE id = $1", &[&id, &user_id]).await?;
    Ok(())
}
