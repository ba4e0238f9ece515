//! Lead widgets: their configuration (the key is stored hashed) and the
//! submissions each received.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct WidgetRow {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub default_source: String,
    pub default_owner_id: Option<Uuid>,
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, workspace_id, name, allowed_origins, default_source, default_owner_id, key_prefix, \
                       created_at, rotated_at, revoked_at";

fn row(r: &tokio_postgres::Row) -> WidgetRow {
    WidgetRow {
        id: r.get(0),
        workspace_id: r.get(1),
        name: r.get(2),
        allowed_origins: r.get(3),
        default_source: r.get(4),
        default_owner_id: r.get(5),
        key_prefix: r.get(6),
        created_at: r.get(7),
        rotated_at: r.get(8),
        revoked_at: r.get(9),
    }
}

pub struct NewWidget<'a> {
    pub name: &'a str,
    pub allowed_origins: &'a [String],
    pub default_source: &'a str,
    pub default_owner_id: Option<Uuid>,
}

pub async fn insert_widget(
    c: &impl GenericClient,
    ws: Uuid,
    w: &NewWidget<'_>,
    key_hash: &[u8],
    key_prefix: &str,
) -> Result<WidgetRow, tokio_postgres::Error> {
    let r = c
        .query_one(
            &format!(
                "INSERT INTO lead_widgets (id, workspace_id, name, allowed_origins, default_source, default_owner_id,
                    key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
            ),
            &[
                &Uuid::now_v7(),
                &ws,
                &w.name,
                &w.allowed_origins,
                &w.default_source,
                &w.default_owner_id,
                &key_hash,
                &key_prefix,
            ],
        )
        .await?;
    Ok(row(&r))
}

pub async fn select_widgets(c: &impl GenericClient, ws: Uuid) -> Result<Vec<WidgetRow>, tokio_postgres::Error> {
    let rows = c
        .query(&format!("SELECT {COLUMNS} FROM lead_widgets WHERE workspace_id = $1 ORDER BY created_at"), &[&ws])
        .await?;
    Ok(rows.iter().map(row).collect())
}

pub async fn select_widget(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
) -> Result<Option<WidgetRow>, tokio_postgres::Error> {
    let r = c
        .query_opt(&format!("SELECT {COLUMNS} FROM lead_widgets WHERE workspace_id = $1 AND id = $2"), &[&ws, &id])
        .await?;
    Ok(r.as_ref().map(row))
}

/// The live widget a public key names.
pub async fn select_widget_by_key(
    c: &impl GenericClient,
    key_hash: &[u8],
) -> Result<Option<WidgetRow>, tokio_postgres::Error> {
    let r = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM lead_widgets WHERE key_hash = $1 AND revoked_at IS NULL"),
            &[&key_hash],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

pub async fn update_widget(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
    w: &NewWidget<'_>,
) -> Result<Option<WidgetRow>, tokio_postgres::Error> {
    let r = c
        .query_opt(
            &format!(
                "UPDATE lead_widgets SET name = $3, allowed_origins = $4, default_source = $5, default_owner_id = $6
                 WHERE workspace_id = $1 AND id = $2 RETURNING {COLUMNS}"
            ),
            &[&ws, &id, &w.name, &w.allowed_origins, &w.default_source, &w.default_owner_id],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

pub async fn rotate_widget(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
    key_hash: &[u8],
    key_prefix: &str,
) -> Result<Option<WidgetRow>, tokio_postgres::Error> {
    let r = c
        .query_opt(
            &format!(
                "UPDATE lead_widgets SET key_hash = $3, key_prefix = $4, rotated_at = now()
                 WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING {COLUMNS}"
            ),
            &[&ws, &id, &key_hash, &key_prefix],
        )
        .await?;
    Ok(r.as_ref().map(row))
}

pub async fn revoke_widget(c: &impl GenericClient, ws: Uuid, id: Uuid) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "UPDATE lead_widgets SET revoked_at = coalesce(revoked_at, now()) WHERE workspace_id = $1 AND id = $2",
            &[&ws, &id],
        )
        .await?;
    Ok(n == 1)
}

pub async fn insert_submission(
    c: &impl GenericClient,
    ws: Uuid,
    widget: Uuid,
    outcome: &str,
    lead: Option<Uuid>,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "INSERT INTO lead_widget_submissions (workspace_id, widget_id, outcome, lead_id) VALUES ($1, $2, $3, $4)",
        &[&ws, &widget, &outcome, &lead],
    )
    .await?;
    Ok(())
}

/// Submissions per outcome over the last 30 days.
pub async fn select_submission_counts(
    c: &impl GenericClient,
    ws: Uuid,
    widget: Uuid,
) -> Result<Vec<(String, i64)>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT outcome, count(*) FROM lead_widget_submissions
             WHERE workspace_id = $1 AND widget_id = $2 AND at > now() - interval '30 days' GROUP BY 1 ORDER BY 1",
            &[&ws, &widget],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}
