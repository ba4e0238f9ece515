//! Memberships: a user's role and status in one workspace.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: String,
    pub status: String,
    pub joined_at: DateTime<Utc>,
}

/// A user's workspaces with their role there (active memberships first).
#[derive(Debug, Clone)]
pub struct MembershipRow {
    pub workspace_id: Uuid,
    pub workspace_name: String,
    pub role: String,
    pub status: String,
}

pub async fn insert_membership(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
    role: &str,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&workspace_id, &user_id, &role],
        )
        .await?;
    Ok(n == 1)
}

const MEMBER_COLUMNS: &str = "m.user_id, u.email, u.name, m.role, m.status, m.created_at";

fn row_to_member(r: &tokio_postgres::Row) -> MemberRow {
    MemberRow {
        user_id: r.get(0),
        email: r.get(1),
        name: r.get(2),
        role: r.get(3),
        status: r.get(4),
        joined_at: r.get(5),
    }
}

pub async fn select_members(
    c: &impl GenericClient,
    workspace_id: Uuid,
) -> Result<Vec<MemberRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 ORDER BY m.created_at, m.user_id"
    );
    Ok(c.query(&sql, &[&workspace_id]).await?.iter().map(row_to_member).collect())
}

pub async fn select_member(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
) -> Result<Option<MemberRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 AND m.user_id = $2"
    );
    Ok(c.query_opt(&sql, &[&workspace_id, &user_id]).await?.as_ref().map(row_to_member))
}

/// Locks and returns a membership for update inside a transaction.
pub async fn select_member_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
) -> Result<Option<MemberRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 AND m.user_id = $2 FOR UPDATE OF m"
    );
    Ok(c.query_opt(&sql, &[&workspace_id, &user_id]).await?.as_ref().map(row_to_member))
}

pub async fn update_member(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
    role: Option<&str>,
    status: Option<&str>,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "UPDATE memberships SET role = COALESCE($3, role), status = COALESCE($4, status), updated_at = now()
             WHERE workspace_id = $1 AND user_id = $2",
            &[&workspace_id, &user_id, &role, &status],
        )
        .await?;
    Ok(n == 1)
}

pub async fn delete_member(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2", &[&workspace_id, &user_id])
        .await?;
    Ok(n == 1)
}

/// The membership of the account with this email (case-insensitive), if any.
pub async fn select_member_by_email(
    c: &impl GenericClient,
    workspace_id: Uuid,
    email: &str,
) -> Result<Option<MemberRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 AND lower(u.email) = lower($2)"
    );
    Ok(c.query_opt(&sql, &[&workspace_id, &email]).await?.as_ref().map(row_to_member))
}

/// Locks the workspace's active owner memberships until the transaction
/// ends and counts them. Every change that could remove an active owner
/// takes this lock first, so two owners demoting each other concurrently
/// cannot leave the workspace without one: the second waits, then no
/// longer counts the first.
pub async fn select_active_owners_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
) -> Result<i64, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT user_id FROM memberships WHERE workspace_id = $1 AND role = 'owner' AND status = 'active' FOR UPDATE",
            &[&workspace_id],
        )
        .await?;
    Ok(rows.len() as i64)
}

/// Active owners of a workspace, to keep at least one.
pub async fn count_active_owners(c: &impl GenericClient, workspace_id: Uuid) -> Result<i64, tokio_postgres::Error> {
    let row = c
        .query_one(
            "SELECT count(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner' AND status = 'active'",
            &[&workspace_id],
        )
        .await?;
    Ok(row.get(0))
}

pub async fn select_memberships_of_user(
    c: &impl GenericClient,
    user_id: Uuid,
) -> Result<Vec<MembershipRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT w.id, w.name, m.role, m.status FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
             WHERE m.user_id = $1 ORDER BY m.created_at, w.id",
            &[&user_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| MembershipRow { workspace_id: r.get(0), workspace_name: r.get(1), role: r.get(2), status: r.get(3) })
        .collect())
}
