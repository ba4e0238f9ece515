//! Custom fields: per-workspace definitions for contacts, companies, deals
//! and leads, and the one validation every record's `custom_fields` goes
//! through ([`validate_custom_fields`]), which the deals and leads code
//! calls inside its own transaction.
//!
//! Values by type: `text` a string (at most 2,000 characters), `number` a
//! JSON number, `date` a `YYYY-MM-DD` string, `select` one of the options,
//! `multi_select` an array of distinct options, `boolean` true or false.
//! `null` unsets a field. Unknown keys and wrong types are 422s naming
//! `custom_fields.<key>`.

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Caller;
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::custom_fields::{self as db, FieldDefinitionRow};
use crate::error::ApiError;
use crate::routes::validate::Checks;
use crate::state::AppState;

/// The record types custom fields can be defined for.
pub const ENTITIES: &[&str] = &["contact", "company", "deal", "lead"];

/// Field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    Date,
    Select,
    MultiSelect,
    Boolean,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Select => "select",
            FieldType::MultiSelect => "multi_select",
            FieldType::Boolean => "boolean",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "text" => FieldType::Text,
            "number" => FieldType::Number,
            "date" => FieldType::Date,
            "select" => FieldType::Select,
            "multi_select" => FieldType::MultiSelect,
            "boolean" => FieldType::Boolean,
            _ => return None,
        })
    }

    fn has_options(self) -> bool {
        matches!(self, FieldType::Select | FieldType::MultiSelect)
    }
}

/// A custom field definition (also the API's shape).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldDefinition {
    pub id: Uuid,
    /// `contact`, `company`, `deal` or `lead`.
    pub entity: String,
    /// The key in a record's `custom_fields`.
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// The choices of `select` and `multi_select` fields; empty otherwise.
    pub options: Vec<String>,
    /// Display order within the entity.
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<FieldDefinitionRow> for FieldDefinition {
    type Error = ApiError;
    fn try_from(r: FieldDefinitionRow) -> Result<Self, ApiError> {
        let field_type = FieldType::parse(&r.field_type).ok_or_else(|| {
            ApiError::internal(std::io::Error::other(format!("unknown field type `{}` stored", r.field_type)))
        })?;
        Ok(FieldDefinition {
            id: r.id,
            entity: r.entity,
            key: r.key,
            label: r.label,
            field_type,
            options: r.options,
            position: r.position,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A new definition.
#[derive(Debug, Clone)]
pub struct NewField {
    pub entity: String,
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub options: Vec<String>,
    pub position: i32,
}

/// Changes to a definition; the key, entity and type are fixed.
#[derive(Debug, Clone, Default)]
pub struct FieldChange {
    pub label: Option<String>,
    pub options: Option<Vec<String>>,
    pub position: Option<i32>,
}

fn not_found() -> ApiError {
    ApiError::NotFound("custom field")
}

fn check_entity(field: &str, entity: &str) -> Result<(), ApiError> {
    if ENTITIES.contains(&entity) {
        return Ok(());
    }
    Err(ApiError::invalid(field, "must be one of contact, company, deal, lead"))
}

/// Trims options and checks there are 1 to 100 distinct ones of 1 to 100
/// characters for choice fields, and none otherwise.
fn check_options(checks: &mut Checks, field_type: FieldType, options: &[String]) -> Vec<String> {
    let options: Vec<String> = options.iter().map(|o| o.trim().to_owned()).collect();
    if field_type.has_options() {
        let distinct = options.iter().enumerate().all(|(i, o)| !options[..i].contains(o));
        checks.check(!options.is_empty() && options.len() <= 100, "options", "a choice field needs 1 to 100 options");
        checks.check(distinct, "options", "options must be distinct");
        for (i, o) in options.iter().enumerate() {
            checks.text(&format!("options[{i}]"), o, 100);
        }
    } else {
        checks.check(options.is_empty(), "options", "only select and multi_select fields have options");
    }
    options
}

pub async fn list_fields(
    state: &AppState,
    workspace_id: Uuid,
    entity: Option<&str>,
) -> Result<Vec<FieldDefinition>, ApiError> {
    if let Some(e) = entity {
        check_entity("entity", e)
            .map_err(|_| super::bad_query("entity must be one of contact, company, deal, lead"))?;
    }
    let client = state.db().await?;
    db::select_field_definitions(&client, workspace_id, entity).await?.into_iter().map(TryInto::try_into).collect()
}

pub async fn create_field(
    state: &AppState,
    caller: Caller,
    new: NewField,
    from: &Origin,
) -> Result<FieldDefinition, ApiError> {
    let mut checks = Checks::new();
    checks.check(ENTITIES.contains(&new.entity.as_str()), "entity", "must be one of contact, company, deal, lead");
    let key_ok = new.key.len() <= 40
        && new.key.starts_with(|c: char| c.is_ascii_lowercase())
        && new.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    checks.check(key_ok, "key", "must be 1 to 40 characters: a lowercase letter, then lowercase letters, digits or _");
    checks.text("label", &new.label, 100);
    checks.check((0..=10_000).contains(&new.position), "position", "must be between 0 and 10000");
    let options = check_options(&mut checks, new.field_type, &new.options);
    checks.finish()?;
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let row = db::insert_field_definition(
        &tx,
        ws,
        Uuid::now_v7(),
        &new.entity,
        &new.key,
        new.label.trim(),
        new.field_type.as_str(),
        &options,
        new.position,
    )
    .await
    .map_err(super::db_error)?
    .ok_or_else(|| ApiError::Conflict {
        code: "field_exists",
        detail: format!("a {} field with key `{}` already exists", new.entity, new.key),
    })?;
    let details = serde_json::json!({ "entity": row.entity, "key": row.key, "type": row.field_type });
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "custom_field.created").target("custom_field", row.id);
    insert_audit(&tx, &entry.details(details), from).await?;
    tx.commit().await?;
    row.try_into()
}

pub async fn update_field(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    change: FieldChange,
    from: &Origin,
) -> Result<FieldDefinition, ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before: FieldDefinition =
        db::select_field_definition_for_update(&tx, ws, id).await?.ok_or_else(not_found)?.try_into()?;
    let mut checks = Checks::new();
    if let Some(label) = &change.label {
        checks.text("label", label, 100);
    }
    if let Some(p) = change.position {
        checks.check((0..=10_000).contains(&p), "position", "must be between 0 and 10000");
    }
    let options = match &change.options {
        Some(o) => check_options(&mut checks, before.field_type, o),
        None => before.options.clone(),
    };
    checks.finish()?;
    let label = change.label.as_deref().map(str::trim).unwrap_or(&before.label).to_owned();
    let position = change.position.unwrap_or(before.position);
    let after = db::update_field_definition(&tx, ws, id, &label, &options, position).await.map_err(super::db_error)?;
    let details =
        serde_json::json!({ "entity": after.entity, "key": after.key, "label": after.label, "options": after.options });
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "custom_field.updated").target("custom_field", id);
    insert_audit(&tx, &entry.details(details), from).await?;
    tx.commit().await?;
    after.try_into()
}

/// Deletes a definition and removes its values from contacts and
/// companies (their versions are bumped).
pub async fn delete_field(state: &AppState, caller: Caller, id: Uuid, from: &Origin) -> Result<(), ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let def = db::select_field_definition_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    db::delete_field_definition(&tx, ws, id).await?;
    let cleared = db::delete_custom_field_values(&tx, ws, &def.entity, &def.key).await?;
    let details = serde_json::json!({ "entity": def.entity, "key": def.key, "records_cleared": cleared });
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "custom_field.deleted").target("custom_field", id);
    insert_audit(&tx, &entry.details(details), from).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks `values` against the workspace's definitions for `entity`
/// (`contact`, `company`, `deal` or `lead`): every key must be defined and
/// every non-null value of its type. Call it inside the writing
/// transaction. All problems are reported at once, each naming
/// `custom_fields.<key>`.
pub async fn validate_custom_fields(
    c: &impl GenericClient,
    workspace_id: Uuid,
    entity: &str,
    values: &Map<String, Value>,
) -> Result<(), ApiError> {
    if values.is_empty() {
        return Ok(());
    }
    let defs = db::select_field_definitions(c, workspace_id, Some(entity)).await?;
    let mut checks = Checks::new();
    for (key, value) in values {
        let field = format!("custom_fields.{key}");
        let Some(def) = defs.iter().find(|d| &d.key == key) else {
            checks.check(false, &field, &format!("no {entity} custom field has this key; define it first"));
            continue;
        };
        if value.is_null() {
            continue;
        }
        let Some(t) = FieldType::parse(&def.field_type) else {
            checks.check(false, &field, "this field's type is unknown");
            continue;
        };
        if let Err(why) = check_value(t, &def.options, value) {
            checks.check(false, &field, &why);
        }
    }
    checks.finish()
}

/// Whether `v` is a value of type `t`; says why not.
pub(crate) fn check_value(t: FieldType, options: &[String], v: &Value) -> Result<(), String> {
    let ok = match t {
        FieldType::Text => v.as_str().is_some_and(|s| s.chars().count() <= 2000 && super::storable(s)),
        FieldType::Number => v.is_number(),
        FieldType::Date => v.as_str().is_some_and(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
        FieldType::Boolean => v.is_boolean(),
        FieldType::Select => v.as_str().is_some_and(|s| options.iter().any(|o| o == s)),
        FieldType::MultiSelect => v.as_array().is_some_and(|a| {
            a.iter()
                .enumerate()
                .all(|(i, x)| x.as_str().is_some_and(|s| options.iter().any(|o| o == s)) && !a[..i].contains(x))
        }),
    };
    if ok {
        return Ok(());
    }
    Err(match t {
        FieldType::Text => "must be a string of at most 2000 characters, without NUL".to_owned(),
        FieldType::Number => "must be a number".to_owned(),
        FieldType::Date => "must be a date as YYYY-MM-DD".to_owned(),
        FieldType::Boolean => "must be true or false".to_owned(),
        FieldType::Select => format!("must be one of: {}", options.join(", ")),
        FieldType::MultiSelect => format!("must be an array of distinct values from: {}", options.join(", ")),
    })
}

/// `stored` with `patch` applied: `null` removes a key, anything else
/// sets it.
pub fn merge(stored: &Value, patch: &Map<String, Value>) -> Value {
    let mut out = stored.as_object().cloned().unwrap_or_default();
    for (k, v) in patch {
        if v.is_null() {
            out.remove(k);
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_checked_by_type() {
        let opts = vec!["a".to_owned(), "b".to_owned()];
        let cases = [
            (FieldType::Text, json!("hello"), true),
            (FieldType::Text, json!(3), false),
            (FieldType::Number, json!(3.5), true),
            (FieldType::Number, json!("3"), false),
            (FieldType::Date, json!("2026-02-28"), true),
            (FieldType::Date, json!("2026-02-30"), false),
            (FieldType::Boolean, json!(false), true),
            (FieldType::Boolean, json!("true"), false),
            (FieldType::Select, json!("a"), true),
            (FieldType::Select, json!("c"), false),
            (FieldType::MultiSelect, json!(["a", "b"]), true),
            (FieldType::MultiSelect, json!(["a", "a"]), false),
            (FieldType::MultiSelect, json!("a"), false),
        ];
        for (t, v, ok) in cases {
            assert_eq!(check_value(t, &opts, &v).is_ok(), ok, "{t:?} {v}");
        }
    }

    #[test]
    fn merging_sets_and_removes_keys() {
        let stored = json!({"a": 1, "b": 2});
        let patch = json!({"a": null, "c": 3});
        assert_eq!(merge(&stored, patch.as_object().unwrap_or(&Map::new())), json!({"b": 2, "c": 3}));
    }
}
