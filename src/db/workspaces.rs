//! Workspaces: the tenancy boundary. `version` is bumped by every update
//! (optimistic concurrency, see `http::etag`).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

const COLUMNS: &str = "id, name, currency::text AS currency, version, created_at";

#[derive(Debug, Clone)]
pub struct WorkspaceRow {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

fn row(r: &tokio_postgres::Row) -> WorkspaceRow {
    WorkspaceRow {
        id: r.get("id"),
        name: r.get("name"),
        currency: r.get("currency"),
        version: r.get("version"),
        created_at: r.get("created_at"),
    }
}

/// Creates a workspace with its default pipeline.
pub async fn insert_workspace(
    c: &impl GenericClient,
    id: Uuid,
    name: &str,
) -> Result<WorkspaceRow, tokio_postgres::Error> {
    let r = c
        .query_one(&format!("INSERT INTO workspaces (id, name) VALUES ($1, $2) RETURNING {COLUMNS}"), &[&id, &name])
        .await?;
    // Every workspace starts with a pipeline (see migration V5).
    c.execute("SELECT pulse_default_pipeline($1)", &[&id]).await?;
    Ok(row(&r))
}

pub async fn select_workspace(c: &impl GenericClient, id: Uuid) -> Result<Option<WorkspaceRow>, tokio_postgres::Error> {
    let r = c.query_opt(&format!("SELECT {COLUMNS} FROM workspaces WHERE id = $1"), &[&id]).await?;
    Ok(r.as_ref().map(row))
}

/// The workspace, locked until the end of the transaction.
pub async fn select_workspace_for_update(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Option<WorkspaceRow>, tokio_postgres::Error> {
    let r = c.query_opt(&format!("SELECT {COLUMNS} FROM workspaces WHERE id = $1 FOR UPDATE"), &[&id]).await?;
    Ok(r.as_ref().map(row))
}

/// Renames the workspace and/or changes its currency; bumps `version`.
pub async fn update_workspace(
    c: &impl GenericClient,
    id: Uuid,
    name: Option<&str>,
    currency: Option<&str>,
) -> Result<Option<WorkspaceRow>, tokio_postgres::Error> {
    let r = c
        .query_opt(
            &format!(
                "UPDATE workspaces SET name = COALESCE($2, name), currency = COALESCE($3, currency::text),
                        version = version + 1
                 WHERE id = $1 RETURNING {COLUMNS}"
            ),
            &[&id, &name, &currency],
        )
        .await?;
    Ok(r.as_ref().map(row))
}
