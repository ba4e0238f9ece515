//! CRM records: contacts, companies, activities, custom fields, saved views
//! and search. Handlers in `routes::{contacts, companies, ...}` are thin
//! wrappers around these functions.
//!
//! Contract:
//! - Records are plain rows written in one PostgreSQL transaction per
//!   request: the change, its audit entry and its event (`record_event`)
//!   commit together; the event is published after the commit. No actor
//!   holds CRM records in memory: they are not live board state.
//! - The workspace always comes from the caller's credential ([`Caller`]);
//!   an id from another workspace answers exactly like a missing one.
//! - Reps create records and edit the ones they own; editing or deleting
//!   someone else's record needs `EditAny` (owners, managers, tokens with
//!   the family's write scope).
//! - Every input is checked before any SQL runs; constraint violations
//!   that still reach the database become 422s, never 500s.

pub mod activities;
pub mod cleanup;
pub mod companies;
pub mod contacts;
pub mod custom_fields;
pub mod export;
pub mod search;
pub mod views;

use serde::Deserialize;
use uuid::Uuid;

use crate::auth::permissions::{role_allows, Action, Entity};
use crate::auth::{Actor, Member, Role};
use crate::db;
use crate::error::ApiError;

/// Who acts on a CRM record, taken from an authorized [`Member`].
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub workspace_id: Uuid,
    pub actor: Actor,
    /// `None` for API tokens.
    pub role: Option<Role>,
    /// Whether the caller may edit and delete records others own.
    pub edit_any: bool,
}

impl Caller {
    /// The caller of a write on `entity`'s family. A token that passed the
    /// write policy holds the family's `:write` scope, which is also the
    /// scope of `EditAny` (see `required_scope`).
    pub fn new<P>(m: &Member<P>, entity: Entity) -> Self {
        let edit_any = m.role.is_none_or(|r| role_allows(r, Action::EditAny(entity)));
        Caller { workspace_id: m.workspace_id, actor: m.actor, role: m.role, edit_any }
    }

    pub fn user_id(&self) -> Option<Uuid> {
        self.actor.user_id()
    }

    /// Refuses a change to a record owned by someone else unless the
    /// caller may edit anyone's records.
    pub fn ensure_may_edit(&self, owner_id: Option<Uuid>, what: &str) -> Result<(), ApiError> {
        if self.edit_any || (owner_id.is_some() && owner_id == self.user_id()) {
            return Ok(());
        }
        Err(ApiError::Forbidden(format!(
            "this {what} belongs to someone else; only its owner, a manager or an owner may change it"
        )))
    }

    /// Refuses giving a record to someone other than the caller unless the
    /// caller may edit anyone's records (a rep cannot assign work to others).
    pub fn ensure_may_assign(&self, owner_id: Option<Uuid>, what: &str) -> Result<(), ApiError> {
        if self.edit_any || owner_id.is_none() || owner_id == self.user_id() {
            return Ok(());
        }
        Err(ApiError::Forbidden(format!("only managers and owners may give a {what} to someone else")))
    }
}

/// For optional body fields where `null` is a value ("clear it"): absent
/// is `None`, `null` is `Some(None)`, a value is `Some(Some(v))`. Use with
/// `#[serde(default, deserialize_with = "crate::crm::nullable")]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A JSON number that is a whole `i32`, also when written as `12.0`
/// (JSON Schema's `integer` admits it, so clients and generators send it).
fn whole_i32<E: serde::de::Error>(v: serde_json::Value) -> Result<i32, E> {
    let n = match &v {
        serde_json::Value::Number(n) => n,
        _ => return Err(E::custom("expected a whole number")),
    };
    let exact = n.as_i64().and_then(|i| i32::try_from(i).ok());
    let from_float = || {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= f64::from(i32::MIN) && *f <= f64::from(i32::MAX))
            .map(|f| f as i32)
    };
    exact.or_else(from_float).ok_or_else(|| E::custom("expected a whole number within the 32-bit range"))
}

/// An optional whole number (absent or `null`: `None`); see [`whole_i32`].
pub fn optional_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    Option::<serde_json::Value>::deserialize(d)?.filter(|v| !v.is_null()).map(whole_i32).transpose()
}

/// A whole number that may be left out but not `null`.
pub fn present_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => {
            Err(serde::de::Error::custom("null is not a value here; leave the field out to keep it"))
        }
        Some(v) => whole_i32(v).map(Some),
    }
}

/// A whole number where `null` clears the field (see [`nullable`]).
pub fn nullable_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i32>>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(Some(None)),
        Some(v) => whole_i32(v).map(|n| Some(Some(n))),
    }
}

/// A page of a list: 1-based page number and size.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub limit: i64,
}

impl PageRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.limit
    }
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

impl Direction {
    pub fn sql(self) -> &'static str {
        match self {
            Direction::Asc => "ASC",
            Direction::Desc => "DESC",
        }
    }
}

/// A 400 for a list's query string.
pub fn bad_query(detail: impl Into<String>) -> ApiError {
    ApiError::BadRequest { code: "bad_query", detail: detail.into() }
}

/// Parses `page`, `limit` (1..=200, default 50), `order` (`asc`/`desc`).
pub fn parse_page(page: Option<&str>, limit: Option<&str>) -> Result<PageRequest, ApiError> {
    let page = match page {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| bad_query("page must be a whole number from 1 to 100000"))?,
    };
    let limit =
        limit.map(|l| l.parse::<i64>().map_err(|_| bad_query("limit must be between 1 and 200"))).transpose()?;
    Ok(PageRequest { page, limit: crate::routes::validate::page_limit(limit)? })
}

pub fn parse_direction(order: Option<&str>) -> Result<Direction, ApiError> {
    match order {
        None | Some("asc") => Ok(Direction::Asc),
        Some("desc") => Ok(Direction::Desc),
        Some(_) => Err(bad_query("order must be `asc` or `desc`")),
    }
}

/// A filter value from a query string: at most 200 characters, printable.
pub fn filter_text(name: &str, v: &str) -> Result<String, ApiError> {
    if v.chars().count() > 200 || v.chars().any(char::is_control) {
        return Err(bad_query(format!("{name} must be at most 200 characters, without control characters")));
    }
    Ok(v.to_owned())
}

pub fn filter_uuid(name: &str, v: &str) -> Result<Uuid, ApiError> {
    v.parse().map_err(|_| bad_query(format!("{name} must be a UUID")))
}

/// A custom-field or metadata key in a filter (`cf.<key>`, `meta.<key>`).
pub fn filter_key(name: &str, key: &str) -> Result<String, ApiError> {
    let ok =
        !key.is_empty() && key.len() <= 64 && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Err(bad_query(format!("`{name}` needs a key of letters, digits, `_` or `-` (at most 64)")));
    }
    Ok(key.to_owned())
}

/// Normalises tags (trimmed, inner whitespace collapsed, lowercase, no
/// duplicates, order kept) and checks each is 1 to 50 characters and at
/// most 30 in all. `field` names the body field in errors.
pub fn normalize_tags(field: &str, tags: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for (i, t) in tags.iter().enumerate() {
        let norm = t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let len = norm.chars().count();
        if len == 0 || len > 50 || norm.chars().any(char::is_control) {
            return Err(ApiError::invalid(&format!("{field}[{i}]"), "a tag is 1 to 50 characters"));
        }
        if !out.contains(&norm) {
            out.push(norm);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(ApiError::invalid(field, format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

/// Tags per contact (also a CHECK in the database).
pub const MAX_TAGS: usize = 30;

/// An optional trimmed text field: empty after trimming is `None`.
pub fn clean(v: Option<&str>) -> Option<String> {
    v.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Checks `user_id` is an active member of the workspace (owners and
/// assignees must be), naming `field` otherwise.
pub async fn ensure_active_member(
    c: &impl deadpool_postgres::GenericClient,
    workspace_id: Uuid,
    user_id: Uuid,
    field: &str,
) -> Result<(), ApiError> {
    match db::members::select_member(c, workspace_id, user_id).await? {
        Some(m) if m.status == "active" => Ok(()),
        _ => Err(ApiError::invalid(field, "must be an active member of this workspace")),
    }
}

/// Maps constraint violations that got past the checks in code to 422
/// (they mean the input was invalid); anything else stays internal.
pub fn db_error(e: tokio_postgres::Error) -> ApiError {
    use tokio_postgres::error::SqlState;
    let Some(db) = e.as_db_error() else { return ApiError::internal(e) };
    let constraint = db.constraint().unwrap_or("").to_owned();
    match *db.code() {
        SqlState::CHECK_VIOLATION if constraint.contains("tags") => {
            ApiError::invalid("tags", format!("at most {MAX_TAGS} tags of 1 to 50 characters"))
        }
        SqlState::CHECK_VIOLATION | SqlState::FOREIGN_KEY_VIOLATION | SqlState::NOT_NULL_VIOLATION => {
            tracing::info!(%constraint, "constraint refused a CRM write");
            ApiError::Validation {
                detail: format!("the record breaks the rule `{constraint}`"),
                errors: vec![crate::error::FieldError::new("body", format!("breaks the rule `{constraint}`"))],
            }
        }
        // Class 22, data exceptions (a value out of range, a character
        // PostgreSQL cannot store): the checks in code should have caught
        // it, and it is the input's fault either way.
        _ if db.code().code().starts_with("22") => {
            tracing::info!(code = db.code().code(), "PostgreSQL refused a value in a CRM write");
            ApiError::Validation {
                detail: "a value is out of range or holds a character that cannot be stored".into(),
                errors: vec![crate::error::FieldError::new("body", "a value is out of range or cannot be stored")],
            }
        }
        _ => ApiError::internal(e),
    }
}

/// Whether a string can be stored in PostgreSQL `text` (no NUL).
pub fn storable(s: &str) -> bool {
    !s.contains('\0')
}

/// Whether a JSON value can be stored in `jsonb`: no NUL in any key or
/// string (PostgreSQL refuses `\u0000`).
pub fn storable_json(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => storable(s),
        serde_json::Value::Array(a) => a.iter().all(storable_json),
        serde_json::Value::Object(o) => o.iter().all(|(k, v)| storable(k) && storable_json(v)),
        _ => true,
    }
}

/// Dates and times PostgreSQL stores and people mean: years 1 to 9999.
pub fn plausible_year(year: i32) -> bool {
    (1..=9999).contains(&year)
}

/// Splits a search text into the part `websearch_to_tsquery` parses and a
/// last word matched as a prefix (see `crm_tsquery` in migration V6).
/// Characters other than letters, digits, whitespace, `"` and `-` become
/// spaces, so emails and domains are searched word by word as they are
/// indexed. `None` when nothing searchable is left.
pub fn search_terms(q: &str) -> Option<(String, String)> {
    let cleaned: String =
        q.chars().map(|c| if c.is_alphanumeric() || c == '"' || c == '-' || c == ' ' { c } else { ' ' }).collect();
    let trimmed = cleaned.trim_end();
    let tail_len = trimmed.chars().rev().take_while(|c| c.is_alphanumeric()).count();
    // A trailing word that closes a quote or follows a space is typed out;
    // when the text ends in a space the last word is complete.
    let ends_in_word = cleaned.len() == trimmed.len() && tail_len > 0;
    let (head, prefix) = if ends_in_word {
        let split = trimmed.char_indices().rev().nth(tail_len - 1).map(|(i, _)| i).unwrap_or(0);
        let before = &trimmed[..split];
        // Inside an open quote or after `-` the word belongs to websearch.
        if before.ends_with('-') || before.matches('"').count() % 2 == 1 {
            (trimmed.to_owned(), String::new())
        } else {
            (before.to_owned(), trimmed[split..].to_lowercase())
        }
    } else {
        (trimmed.to_owned(), String::new())
    };
    if prefix.is_empty() && !head.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some((head, prefix))
}

/// One entry of a record's audit trail in a 360 view.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrailEntry {
    pub id: i64,
    /// `contact.updated`, `contact.bulk_updated`...
    pub action: String,
    /// The person who acted, if a person did.
    pub actor_user_id: Option<Uuid>,
    /// The API token that acted, if one did.
    pub actor_token_id: Option<Uuid>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl From<db::audit::AuditRow> for TrailEntry {
    fn from(r: db::audit::AuditRow) -> Self {
        TrailEntry {
            id: r.id,
            action: r.action,
            actor_user_id: r.actor_user_id,
            actor_token_id: r.actor_token_id,
            details: r.details,
            at: r.at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_limited() {
        let tags = vec!["  VIP ".to_owned(), "vip".into(), "Big   Fish".into()];
        assert_eq!(normalize_tags("tags", &tags).ok(), Some(vec!["vip".to_owned(), "big fish".into()]));
        assert!(normalize_tags("tags", &["  ".to_owned()]).is_err());
        assert!(normalize_tags("tags", &["x".repeat(51)]).is_err());
        let many: Vec<String> = (0..31).map(|i| format!("t{i}")).collect();
        assert!(normalize_tags("tags", &many).is_err());
    }

    #[test]
    fn search_text_splits_into_words_and_a_prefix() {
        let cases = [
            ("ann", Some(("", "ann")), "one word is a prefix"),
            ("ann le", Some(("ann ", "le")), "the last word is a prefix"),
            ("ann ", Some(("ann", "")), "a trailing space completes the word"),
            ("ann.lee@exa", Some(("ann lee ", "exa")), "punctuation splits words"),
            ("\"big fish", Some(("\"big fish", "")), "inside an open quote"),
            ("ann -bob", Some(("ann -bob", "")), "a negated word stays whole"),
            ("'); DROP", Some(("    ", "drop")), "quotes and parentheses are spaces"),
            ("!!!", None, "nothing searchable"),
            ("", None, "empty"),
        ];
        for (q, want, what) in cases {
            let got = search_terms(q);
            let want = want.map(|(h, p): (&str, &str)| (h.to_owned(), p.to_owned()));
            assert_eq!(got, want, "{what}: {q:?}");
        }
    }
}
