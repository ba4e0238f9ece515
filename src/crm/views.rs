//! Saved views: a person's named filter, sort and columns for a list of
//! contacts, companies, deals or leads. Views belong to one person in one
//! workspace; others' views answer like missing ones. At most 10 per
//! person and workspace, enforced by the database (see migration V6) so
//! that concurrent creates cannot exceed it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::db::views::{self as db, ViewRow, VIEW_LIMIT_CONSTRAINT};
use crate::error::ApiError;
use crate::routes::validate::Checks;
use crate::state::AppState;

/// The lists a view can be saved for.
pub const VIEW_ENTITIES: &[&str] = &["contacts", "companies", "deals", "leads"];
/// Views per person and workspace.
pub const MAX_VIEWS: usize = 10;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedView {
    pub id: Uuid,
    /// `contacts`, `companies`, `deals` or `leads`.
    pub entity: String,
    pub name: String,
    /// The list's query parameters, e.g. `{"owner_id": "...", "cf.tier": "gold"}`.
    #[schema(value_type = Object)]
    pub filters: Value,
    /// A sort the list accepts, e.g. `name` or `-created_at`.
    pub sort: Option<String>,
    /// Column names to show, in order.
    pub columns: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<ViewRow> for SavedView {
    fn from(r: ViewRow) -> Self {
        SavedView {
            id: r.id,
            entity: r.entity,
            name: r.name,
            filters: r.filters,
            sort: r.sort,
            columns: r.columns,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateViewRequest {
    /// `contacts`, `companies`, `deals` or `leads`.
    pub entity: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Up to 30 query parameters of the list, each a string of at most 200
    /// characters.
    #[schema(value_type = Option<Object>)]
    pub filters: Option<Map<String, Value>>,
    #[schema(max_length = 64)]
    pub sort: Option<String>,
    /// Up to 50 column names of 1 to 64 characters.
    pub columns: Option<Vec<String>>,
}

fn check_entity(field: &str, entity: &str) -> Result<(), ApiError> {
    if VIEW_ENTITIES.contains(&entity) {
        return Ok(());
    }
    Err(ApiError::invalid(field, "must be one of contacts, companies, deals, leads"))
}

pub async fn list_views(
    state: &AppState,
    workspace_id: Uuid,
    user_id: Uuid,
    entity: Option<&str>,
) -> Result<Vec<SavedView>, ApiError> {
    if let Some(e) = entity {
        check_entity("entity", e)
            .map_err(|_| super::bad_query("entity must be one of contacts, companies, deals, leads"))?;
    }
    let client = state.db().await?;
    Ok(db::select_views(&client, workspace_id, user_id, entity).await?.into_iter().map(SavedView::from).collect())
}

pub async fn create_view(
    state: &AppState,
    workspace_id: Uuid,
    user_id: Uuid,
    req: CreateViewRequest,
) -> Result<SavedView, ApiError> {
    let filters = req.filters.unwrap_or_default();
    let columns = req.columns.unwrap_or_default();
    let sort = super::clean(req.sort.as_deref());
    let mut checks = Checks::new();
    checks.check(
        VIEW_ENTITIES.contains(&req.entity.as_str()),
        "entity",
        "must be one of contacts, companies, deals, leads",
    );
    checks.text("name", &req.name, 100);
    checks.check(filters.len() <= 30, "filters", "at most 30 filters");
    for (k, v) in &filters {
        let ok_key =
            !k.is_empty() && k.len() <= 70 && k.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        checks.check(ok_key, &format!("filters.{k}"), "a filter name is letters, digits, `.`, `_` or `-`");
        let ok_value = v.as_str().is_some_and(|s| s.chars().count() <= 200 && !s.chars().any(char::is_control));
        checks.check(ok_value, &format!("filters.{k}"), "must be a string of at most 200 characters");
    }
    if let Some(s) = &sort {
        let ok = s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        checks.check(ok, "sort", "must be a field name, optionally prefixed with `-`");
    }
    checks.check(columns.len() <= 50, "columns", "at most 50 columns");
    for (i, c) in columns.iter().enumerate() {
        checks.text(&format!("columns[{i}]"), c, 64);
    }
    checks.finish()?;
    let client = state.db().await?;
    let row = db::insert_view(
        &client,
        workspace_id,
        user_id,
        Uuid::now_v7(),
        &req.entity,
        req.name.trim(),
        &Value::Object(filters),
        sort.as_deref(),
        &columns,
    )
    .await
    .map_err(|e| {
        if e.as_db_error().and_then(|d| d.constraint()) == Some(VIEW_LIMIT_CONSTRAINT) {
            return ApiError::Conflict {
                code: "view_limit_reached",
                detail: format!("you have {MAX_VIEWS} saved views in this workspace; delete one first"),
            };
        }
        super::db_error(e)
    })?;
    Ok(row.into())
}

pub async fn delete_view(state: &AppState, workspace_id: Uuid, user_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    let client = state.db().await?;
    if !db::delete_view(&client, workspace_id, user_id, id).await? {
        return Err(ApiError::NotFound("view"));
    }
    Ok(())
}
