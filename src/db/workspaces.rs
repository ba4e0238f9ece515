//! Workspaces: the tenancy boundary.

use deadpool_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct WorkspaceRow {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
}

pub async fn insert_workspace(c: &impl GenericClient, id: Uuid, name: &str) -> Result<(), tokio_postgres::Error> {
    c.execute("INSERT INTO workspaces (id, name) VALUES ($1, $2)", &[&id, &name]).await?;
    Ok(())
}

pub async fn select_workspace(c: &impl GenericClient, id: Uuid) -> Result<Option<WorkspaceRow>, tokio_postgres::Error> {
    let row = c.query_opt("SELECT id, name, currency::text AS currency FROM workspaces WHERE id = $1", &[&id]).await?;
    Ok(row.map(|r| WorkspaceRow { id: r.get("id"), name: r.get("name"), currency: r.get("currency") }))
}

/// Renames the workspace and/or changes its currency.
pub async fn update_workspace(
    c: &impl GenericClient,
    id: Uuid,
    name: Option<&str>,
    currency: Option<&str>,
) -> Result<Option<WorkspaceRow>, tokio_postgres::Error> {
    let row = c
        .query_opt(
            "UPDATE workspaces SET name = COALESCE($2, name), currency = COALESCE($3, currency::text)
             WHERE id = $1 RETURNING id, name, currency::text AS currency",
            &[&id, &name, &currency],
        )
        .await?;
    Ok(row.map(|r| WorkspaceRow { id: r.get("id"), name: r.get("name"), currency: r.get("currency") }))
}
