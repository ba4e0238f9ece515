//! Custom field definitions: which keys a record's `custom_fields` may
//! hold, per workspace and entity (`contact`, `company`, `deal`, `lead`).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct FieldDefinitionRow {
    pub id: Uuid,
    pub entity: String,
    pub key: String,
    pub label: String,
    pub field_type: String,
    pub options: Vec<String>,
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, entity, key, label, field_type, options, position, created_at, updated_at";

fn row(r: &tokio_postgres::Row) -> FieldDefinitionRow {
    FieldDefinitionRow {
        id: r.get(0),
        entity: r.get(1),
        key: r.get(2),
        label: r.get(3),
        field_type: r.get(4),
        options: r.get(5),
        position: r.get(6),
        created_at: r.get(7),
        updated_at: r.get(8),
    }
}

/// Inserts a definition; `None` when the key is taken for that entity.
#[allow(clippy::too_many_arguments)]
pub async fn insert_field_definition(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    entity: &str,
    key: &str,
    label: &str,
    field_type: &str,
    options: &[String],
    position: i32,
) -> Result<Option<FieldDefinitionRow>, tokio_postgres::Error> {
    let sql = format!(
        "INSERT INTO custom_field_definitions (id, workspace_id, entity, key, label, field_type, options, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, entity, key) DO NOTHING RETURNING {COLUMNS}"
    );
    let r = c.query_opt(&sql, &[&id, &workspace_id, &entity, &key, &label, &field_type, &options, &position]).await?;
    Ok(r.as_ref().map(row))
}

/// Definitions of the workspace, optionally of one entity, in display order.
pub async fn select_field_definitions(
    c: &impl GenericClient,
    workspace_id: Uuid,
    entity: Option<&str>,
) -> Result<Vec<FieldDefinitionRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM custom_field_definitions WHERE workspace_id = $1 AND ($2::text IS NULL OR entity = $2)
         ORDER BY entity, position, key"
    );
    Ok(c.query(&sql, &[&workspace_id, &entity]).await?.iter().map(row).collect())
}

pub async fn select_field_definition_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<FieldDefinitionRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM custom_field_definitions WHERE workspace_id = $1 AND id = $2 FOR UPDATE");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

pub async fn update_field_definition(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    label: &str,
    options: &[String],
    position: i32,
) -> Result<FieldDefinitionRow, tokio_postgres::Error> {
    let sql = format!(
        "UPDATE custom_field_definitions SET label = $3, options = $4, position = $5, updated_at = now()
         WHERE workspace_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    Ok(row(&c.query_one(&sql, &[&workspace_id, &id, &label, &options, &position]).await?))
}

pub async fn delete_field_definition(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute("DELETE FROM custom_field_definitions WHERE workspace_id = $1 AND id = $2", &[&workspace_id, &id])
        .await?;
    Ok(n == 1)
}

/// Removes a deleted field's values from the records of `entity` that
/// this crate stores (contacts, companies), bumping their version;
/// returns how many records changed. Deals and leads clean their own.
pub async fn delete_custom_field_values(
    c: &impl GenericClient,
    workspace_id: Uuid,
    entity: &str,
    key: &str,
) -> Result<u64, tokio_postgres::Error> {
    let table = match entity {
        "contact" => "contacts",
        "company" => "companies",
        _ => return Ok(0),
    };
    let sql = format!(
        "UPDATE {table} SET custom_fields = custom_fields - $2, version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND custom_fields ? $2"
    );
    c.execute(&sql, &[&workspace_id, &key]).await
}
