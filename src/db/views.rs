//! Saved views: a person's named filter, sort and columns for a list. The
//! database holds each person to 10 per workspace (trigger in V6).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ViewRow {
    pub id: Uuid,
    pub entity: String,
    pub name: String,
    pub filters: serde_json::Value,
    pub sort: Option<String>,
    pub columns: Vec<String>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, entity, name, filters, sort, columns, created_at";

fn row(r: &tokio_postgres::Row) -> ViewRow {
    ViewRow {
        id: r.get(0),
        entity: r.get(1),
        name: r.get(2),
        filters: r.get(3),
        sort: r.get(4),
        columns: r.get(5),
        created_at: r.get(6),
    }
}

/// The constraint name the limit trigger reports.
pub const VIEW_LIMIT_CONSTRAINT: &str = "saved_views_per_person_limit";

#[allow(clippy::too_many_arguments)]
pub async fn insert_view(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
    id: Uuid,
    entity: &str,
    name: &str,
    filters: &serde_json::Value,
    sort: Option<&str>,
    columns: &[String],
) -> Result<ViewRow, tokio_postgres::Error> {
    let sql = format!(
        "INSERT INTO saved_views (id, workspace_id, user_id, entity, name, filters, sort, columns)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
    );
    Ok(row(&c.query_one(&sql, &[&id, &workspace_id, &user_id, &entity, &name, filters, &sort, &columns]).await?))
}

/// A person's views, oldest first, optionally of one entity.
pub async fn select_views(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
    entity: Option<&str>,
) -> Result<Vec<ViewRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM saved_views WHERE workspace_id = $1 AND user_id = $2 AND ($3::text IS NULL OR entity = $3)
         ORDER BY created_at, id"
    );
    Ok(c.query(&sql, &[&workspace_id, &user_id, &entity]).await?.iter().map(row).collect())
}

pub async fn delete_view(
    c: &impl GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "DELETE FROM saved_views WHERE workspace_id = $1 AND user_id = $2 AND id = $3",
            &[&workspace_id, &user_id, &id],
        )
        .await?;
    Ok(n == 1)
}
