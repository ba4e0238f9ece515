//! Contacts: create, read, list (search, filters, sort, pages with a
//! total), change under `If-Match`, soft delete, bulk operations and the
//! 360 view. Every change writes one audit entry and emits
//! `contact.created` / `contact.updated` / `contact.deleted` on topic
//! `contacts` with the full record, in the transaction of the change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::activities::Activity;
use super::companies::Company;
use super::custom_fields::{merge, validate_custom_fields};
use super::{clean, db_error, ensure_active_member, normalize_tags, Caller, Direction, PageRequest, TrailEntry};
use crate::db::audit::{insert_audit, select_audit_for_record, AuditEntry, Origin};
use crate::db::contacts::{self as db, ContactFilter, ContactRow, ContactSort, ContactValues};
use crate::db::{activities as db_activities, companies as db_companies};
use crate::error::ApiError;
use crate::http::etag::Precondition;
use crate::realtime::record_event;
use crate::routes::validate::Checks;
use crate::state::AppState;
use pulse_actors::{EventRecord, Visibility};

/// The topic contact and company events are published on.
pub const TOPIC: &str = "contacts";

/// Most contacts one bulk operation may touch.
pub const BULK_MAX: i64 = 1000;

/// A contact (also the API's shape and the data of its events).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// `first_name last_name`, or the email when both are empty.
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_id: Option<Uuid>,
    /// The linked company's name (absent when it was deleted).
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    pub lead_source: Option<String>,
    /// Normalised: trimmed, lowercase, distinct; at most 30.
    pub tags: Vec<String>,
    pub owner_id: Option<Uuid>,
    #[schema(value_type = Object)]
    pub custom_fields: Value,
    /// Bumped by every change; also the `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        let full = format!("{} {}", r.first_name, r.last_name).trim().to_owned();
        let name = if full.is_empty() { r.email.clone().unwrap_or_default() } else { full };
        Contact {
            id: r.id,
            name,
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            phone: r.phone,
            company_id: r.company_id,
            company_name: r.company_name,
            job_title: r.job_title,
            lead_source: r.lead_source,
            tags: r.tags,
            owner_id: r.owner_id,
            custom_fields: r.custom_fields,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A new contact. A name or an email is required.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContactRequest {
    #[schema(max_length = 100)]
    pub first_name: Option<String>,
    #[schema(max_length = 100)]
    pub last_name: Option<String>,
    pub email: Option<String>,
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    /// A company of this workspace.
    pub company_id: Option<Uuid>,
    #[schema(max_length = 200)]
    pub job_title: Option<String>,
    #[schema(max_length = 64)]
    pub lead_source: Option<String>,
    /// At most 30, each 1 to 50 characters; stored normalised.
    pub tags: Option<Vec<String>>,
    /// An active member; defaults to the caller (people) or nobody (tokens).
    /// Reps may only name themselves.
    pub owner_id: Option<Uuid>,
    /// Values of the workspace's contact custom fields.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
}

/// Changes to a contact: absent fields stay, `null` clears a nullable one.
/// `custom_fields` is merged key by key (`null` removes a key).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContactRequest {
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false, max_length = 100)]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false, max_length = 100)]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub company_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub lead_source: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<Object>, nullable = false)]
    pub custom_fields: Option<Map<String, Value>>,
}

/// A page of contacts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactPage {
    pub items: Vec<Contact>,
    /// How many contacts match, over all pages.
    pub total: i64,
    pub page: i64,
    pub limit: i64,
}

/// A parsed list request.
#[derive(Debug, Clone)]
pub struct ContactQuery {
    pub filter: ContactFilter,
    pub sort: ContactSort,
    pub direction: Direction,
    pub page: PageRequest,
}

impl ContactQuery {
    /// Parses the query string's pairs: `q`, `company_id`, `owner_id`,
    /// `tag` (repeatable: all must be present), `cf.<key>=value`, `sort`
    /// (`name`, `email`, `created_at`, `updated_at`), `order` (`asc`,
    /// `desc`), `page`, `limit`. Anything else is a 400.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let mut filter = ContactFilter::default();
        let (mut sort, mut order, mut page, mut limit) = (None, None, None, None);
        for (k, v) in pairs {
            match k.as_str() {
                "q" => filter.search = super::search_terms(&super::filter_text("q", v)?),
                "company_id" => filter.company_id = Some(super::filter_uuid(k, v)?),
                "owner_id" => filter.owner_id = Some(super::filter_uuid(k, v)?),
                "tag" => filter.tags.extend(
                    normalize_tags("tag", std::slice::from_ref(v))
                        .map_err(|_| super::bad_query("tag must be 1 to 50 characters"))?,
                ),
                "sort" => sort = Some(v.as_str()),
                "order" => order = Some(v.as_str()),
                "page" => page = Some(v.as_str()),
                "limit" => limit = Some(v.as_str()),
                other => match other.strip_prefix("cf.") {
                    Some(key) => filter.custom.push((super::filter_key(other, key)?, super::filter_text(other, v)?)),
                    None => return Err(super::bad_query(format!("unknown query parameter `{other}`"))),
                },
            }
        }
        let sort = match sort {
            None | Some("created_at") => ContactSort::CreatedAt,
            Some("name") => ContactSort::Name,
            Some("email") => ContactSort::Email,
            Some("updated_at") => ContactSort::UpdatedAt,
            Some(_) => return Err(super::bad_query("sort must be one of name, email, created_at, updated_at")),
        };
        Ok(ContactQuery {
            filter,
            sort,
            direction: super::parse_direction(order)?,
            page: super::parse_page(page, limit)?,
        })
    }
}

/// One bulk operation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BulkOperation {
    /// Gives the contacts to an active member (`null`: nobody).
    SetOwner { owner_id: Option<Uuid> },
    /// Adds tags (normalised) to each contact.
    AddTags { tags: Vec<String> },
    /// Removes tags from each contact.
    RemoveTags { tags: Vec<String> },
    /// Soft-deletes the contacts.
    Delete,
}

/// Which contacts a bulk operation selects, by the list's filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkFilter {
    pub q: Option<String>,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    /// Contacts with all of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// `custom_fields ->> key = value` for each entry.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

/// A bulk operation over `ids` or over the contacts matching `filter`
/// (exactly one of the two), at most 1000 contacts, in one transaction.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// 1 to 1000 contact ids; ids that name no contact are skipped.
    pub ids: Option<Vec<Uuid>>,
    pub filter: Option<BulkFilter>,
    pub operation: BulkOperation,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    /// How many contacts the operation changed.
    pub count: usize,
    /// Their ids.
    pub ids: Vec<Uuid>,
}

/// The 360 view of a contact.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactOverview {
    pub contact: Contact,
    pub company: Option<Company>,
    /// The contact's activities, oldest first (the latest 200).
    pub timeline: Vec<Activity>,
    /// The contact's audit trail, oldest first (the latest 200).
    pub audit: Vec<TrailEntry>,
}

fn not_found() -> ApiError {
    ApiError::NotFound("contact")
}

/// Checks and trims the columns of a contact (custom fields are checked
/// against their definitions separately, in the transaction).
pub(crate) fn check_values(v: &mut ContactValues) -> Result<(), ApiError> {
    v.first_name = v.first_name.trim().to_owned();
    v.last_name = v.last_name.trim().to_owned();
    v.email = clean(v.email.as_deref());
    v.phone = clean(v.phone.as_deref());
    v.job_title = clean(v.job_title.as_deref());
    v.lead_source = clean(v.lead_source.as_deref());
    let mut checks = Checks::new();
    let short = |s: &str, max: usize| s.chars().count() <= max && !s.chars().any(char::is_control);
    checks.check(short(&v.first_name, 100), "first_name", "must be at most 100 characters");
    checks.check(short(&v.last_name, 100), "last_name", "must be at most 100 characters");
    if let Some(e) = &v.email {
        checks.email("email", e);
    }
    if let Some(p) = &v.phone {
        let ok = p.chars().count() <= 50 && p.chars().all(|c| c.is_ascii_digit() || " +-().x/".contains(c));
        checks.check(ok, "phone", "must be at most 50 characters of digits, spaces and + - ( ) . x /");
    }
    if let Some(t) = &v.job_title {
        checks.text("job_title", t, 200);
    }
    if let Some(s) = &v.lead_source {
        checks.text("lead_source", s, 64);
    }
    checks.check(
        !(v.first_name.is_empty() && v.last_name.is_empty() && v.email.is_none()),
        "first_name",
        "a contact needs a name or an email",
    );
    checks.finish()
}

/// Checks the links of a contact inside the transaction: a live company
/// of the workspace, an active member as owner.
async fn check_links(
    tx: &impl deadpool_postgres::GenericClient,
    ws: Uuid,
    v: &ContactValues,
    company_changed: bool,
    owner_changed: bool,
) -> Result<(), ApiError> {
    if let (true, Some(id)) = (company_changed, v.company_id) {
        if !db_companies::company_exists(tx, ws, id).await? {
            return Err(ApiError::invalid("company_id", "no company with this id in the workspace"));
        }
    }
    if let (true, Some(id)) = (owner_changed, v.owner_id) {
        ensure_active_member(tx, ws, id, "owner_id").await?;
    }
    Ok(())
}

async fn event(
    tx: &impl deadpool_postgres::GenericClient,
    caller: &Caller,
    kind: &str,
    contact: &Contact,
) -> Result<EventRecord, ApiError> {
    let data = serde_json::to_value(contact).map_err(ApiError::internal)?;
    Ok(record_event(tx, caller.workspace_id, Some(caller.actor), kind, TOPIC, Visibility::All, data).await?)
}

pub async fn create_contact(
    state: &AppState,
    caller: Caller,
    req: CreateContactRequest,
    from: &Origin,
) -> Result<Contact, ApiError> {
    let owner_id = req.owner_id.or(caller.user_id());
    caller.ensure_may_assign(owner_id, "contact")?;
    let custom = req.custom_fields.unwrap_or_default();
    let mut v = ContactValues {
        first_name: req.first_name.unwrap_or_default(),
        last_name: req.last_name.unwrap_or_default(),
        email: req.email,
        phone: req.phone,
        company_id: req.company_id,
        job_title: req.job_title,
        lead_source: req.lead_source,
        tags: normalize_tags("tags", &req.tags.unwrap_or_default())?,
        owner_id,
        custom_fields: merge(&Value::Object(Map::new()), &custom),
    };
    check_values(&mut v)?;
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    check_links(&tx, ws, &v, true, true).await?;
    validate_custom_fields(&tx, ws, "contact", &custom).await?;
    let id = Uuid::now_v7();
    db::insert_contact(&tx, ws, id, &v).await.map_err(db_error)?;
    let contact: Contact = db::select_contact(&tx, ws, id).await?.ok_or_else(not_found)?.into();
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "contact.created").target("contact", id);
    insert_audit(&tx, &entry.details(serde_json::json!({ "name": contact.name })), from).await?;
    let ev = event(&tx, &caller, "contact.created", &contact).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(contact)
}

pub async fn get_contact(state: &AppState, workspace_id: Uuid, id: Uuid) -> Result<Contact, ApiError> {
    let client = state.db().await?;
    Ok(db::select_contact(&client, workspace_id, id).await?.ok_or_else(not_found)?.into())
}

pub async fn list_contacts(state: &AppState, workspace_id: Uuid, q: ContactQuery) -> Result<ContactPage, ApiError> {
    let client = state.db().await?;
    let (rows, total) = db::select_contacts(&client, workspace_id, &q.filter, q.sort, q.direction, q.page).await?;
    Ok(ContactPage {
        items: rows.into_iter().map(Contact::from).collect(),
        total,
        page: q.page.page,
        limit: q.page.limit,
    })
}

pub async fn update_contact(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    pre: Precondition,
    req: UpdateContactRequest,
    from: &Origin,
) -> Result<Contact, ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before = db::select_contact_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    caller.ensure_may_edit(before.owner_id, "contact")?;
    let mut v = ContactValues::from(&before);
    if let Some(x) = req.first_name {
        v.first_name = x;
    }
    if let Some(x) = req.last_name {
        v.last_name = x;
    }
    if let Some(x) = req.email {
        v.email = x;
    }
    if let Some(x) = req.phone {
        v.phone = x;
    }
    if let Some(x) = req.company_id {
        v.company_id = x;
    }
    if let Some(x) = req.job_title {
        v.job_title = x;
    }
    if let Some(x) = req.lead_source {
        v.lead_source = x;
    }
    if let Some(x) = &req.tags {
        v.tags = normalize_tags("tags", x)?;
    }
    if let Some(x) = req.owner_id {
        if x != before.owner_id {
            caller.ensure_may_assign(x, "contact")?;
        }
        v.owner_id = x;
    }
    let custom = req.custom_fields.unwrap_or_default();
    v.custom_fields = merge(&before.custom_fields, &custom);
    check_values(&mut v)?;
    // The body is checked before the precondition: a malformed change is
    // a 400 whatever the version.
    pre.check(before.version)?;
    check_links(&tx, ws, &v, v.company_id != before.company_id, v.owner_id != before.owner_id).await?;
    validate_custom_fields(&tx, ws, "contact", &custom).await?;
    let changed = changed_fields(&ContactValues::from(&before), &v);
    if changed.is_empty() {
        return Ok(before.into());
    }
    db::update_contact(&tx, ws, id, &v).await.map_err(db_error)?;
    let contact: Contact = db::select_contact(&tx, ws, id).await?.ok_or_else(not_found)?.into();
    let details = serde_json::json!({ "changed": changed, "version": contact.version });
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "contact.updated").target("contact", id);
    insert_audit(&tx, &entry.details(details), from).await?;
    let ev = event(&tx, &caller, "contact.updated", &contact).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(contact)
}

fn changed_fields(a: &ContactValues, b: &ContactValues) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut diff = |name, same: bool| {
        if !same {
            out.push(name);
        }
    };
    diff("first_name", a.first_name == b.first_name);
    diff("last_name", a.last_name == b.last_name);
    diff("email", a.email == b.email);
    diff("phone", a.phone == b.phone);
    diff("company_id", a.company_id == b.company_id);
    diff("job_title", a.job_title == b.job_title);
    diff("lead_source", a.lead_source == b.lead_source);
    diff("tags", a.tags == b.tags);
    diff("owner_id", a.owner_id == b.owner_id);
    diff("custom_fields", a.custom_fields == b.custom_fields);
    out
}

pub async fn delete_contact(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    pre: Precondition,
    from: &Origin,
) -> Result<(), ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before = db::select_contact_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    pre.check(before.version)?;
    caller.ensure_may_edit(before.owner_id, "contact")?;
    db::delete_contacts(&tx, ws, &[id]).await?;
    let contact = Contact::from(before);
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "contact.deleted").target("contact", id);
    insert_audit(&tx, &entry.details(serde_json::json!({ "name": contact.name })), from).await?;
    let ev = event(&tx, &caller, "contact.deleted", &contact).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(())
}

/// The list filter a bulk request's `filter` describes.
fn bulk_filter(f: BulkFilter) -> Result<ContactFilter, ApiError> {
    let mut out = ContactFilter { company_id: f.company_id, owner_id: f.owner_id, ..Default::default() };
    if let Some(q) = f.q {
        let mut checks = Checks::new();
        checks.check(q.chars().count() <= 200, "filter.q", "must be at most 200 characters");
        checks.finish()?;
        out.search = super::search_terms(&q);
    }
    out.tags = normalize_tags("filter.tags", &f.tags)?;
    for (k, v) in f.custom_fields {
        if super::filter_key("cf", &k).is_err() {
            return Err(ApiError::invalid(&format!("filter.custom_fields.{k}"), "is not a custom field key"));
        }
        let value = match v {
            Value::String(s) if s.chars().count() <= 200 && !s.chars().any(char::is_control) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => {
                return Err(ApiError::invalid(
                    &format!("filter.custom_fields.{k}"),
                    "must be a string (at most 200 characters), number or boolean",
                ))
            }
        };
        out.custom.push((k, value));
    }
    Ok(out)
}

/// Applies one operation to the chosen contacts in one transaction, with
/// one audit entry counting them and one event per changed contact.
pub async fn bulk_contacts(
    state: &AppState,
    caller: Caller,
    req: BulkRequest,
    from: &Origin,
) -> Result<BulkResult, ApiError> {
    let (ids, filter) = match (req.ids, req.filter) {
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() as i64 > BULK_MAX {
                return Err(ApiError::invalid("ids", format!("send 1 to {BULK_MAX} ids")));
            }
            (Some(ids), ContactFilter::default())
        }
        (None, Some(f)) => (None, bulk_filter(f)?),
        _ => return Err(ApiError::invalid("ids", "send either `ids` or `filter`, not both or neither")),
    };
    let tags = match &req.operation {
        BulkOperation::AddTags { tags } | BulkOperation::RemoveTags { tags } => {
            let t = normalize_tags("operation.tags", tags)?;
            if t.is_empty() {
                return Err(ApiError::invalid("operation.tags", "name at least one tag"));
            }
            t
        }
        _ => Vec::new(),
    };
    if let BulkOperation::SetOwner { owner_id } = &req.operation {
        caller.ensure_may_assign(*owner_id, "contact")?;
    }
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let chosen = db::select_contact_owners_for_update(&tx, ws, ids.as_deref(), &filter, BULK_MAX + 1).await?;
    if chosen.len() as i64 > BULK_MAX {
        return Err(ApiError::invalid("filter", format!("matches more than {BULK_MAX} contacts; narrow it")));
    }
    if !caller.edit_any {
        let others = chosen.iter().filter(|(_, owner)| owner.is_none() || *owner != caller.user_id()).count();
        if others > 0 {
            return Err(ApiError::Forbidden(format!(
                "{others} of the selected contacts belong to someone else; only managers and owners may change them"
            )));
        }
    }
    let ids: Vec<Uuid> = chosen.iter().map(|(id, _)| *id).collect();
    let (kind, action, op) = match &req.operation {
        BulkOperation::SetOwner { owner_id } => {
            if let Some(o) = owner_id {
                ensure_active_member(&tx, ws, *o, "operation.owner_id").await?;
            }
            db::update_contacts_owner(&tx, ws, &ids, *owner_id).await?;
            ("contact.updated", "contact.bulk_updated", "set_owner")
        }
        BulkOperation::AddTags { .. } => {
            let over = db::count_contacts_over_tag_limit(&tx, ws, &ids, &tags, super::MAX_TAGS as i64).await?;
            if over > 0 {
                return Err(ApiError::invalid(
                    "operation.tags",
                    format!("{over} of the contacts would have more than {} tags", super::MAX_TAGS),
                ));
            }
            db::update_contacts_add_tags(&tx, ws, &ids, &tags).await.map_err(db_error)?;
            ("contact.updated", "contact.bulk_updated", "add_tags")
        }
        BulkOperation::RemoveTags { .. } => {
            db::update_contacts_remove_tags(&tx, ws, &ids, &tags).await?;
            ("contact.updated", "contact.bulk_updated", "remove_tags")
        }
        BulkOperation::Delete => ("contact.deleted", "contact.bulk_deleted", "delete"),
    };
    // Deleted contacts are read before they go, changed ones after.
    let records = db::select_contacts_by_ids(&tx, ws, &ids).await?;
    if matches!(req.operation, BulkOperation::Delete) {
        db::delete_contacts(&tx, ws, &ids).await?;
    }
    let details = serde_json::json!({
        "operation": op, "count": ids.len(), "ids": ids, "tags": tags,
        "owner_id": match &req.operation { BulkOperation::SetOwner { owner_id } => *owner_id, _ => None },
    });
    let mut entry = AuditEntry::new(Some(ws), Some(caller.actor), action);
    entry.target_type = Some("contact");
    insert_audit(&tx, &entry.details(details), from).await?;
    let mut events = Vec::with_capacity(records.len());
    for r in records {
        events.push(event(&tx, &caller, kind, &Contact::from(r)).await?);
    }
    tx.commit().await?;
    for ev in events {
        state.realtime.publish(ev);
    }
    Ok(BulkResult { count: ids.len(), ids })
}

/// Profile, company, activity timeline and audit trail of one contact.
pub async fn contact_overview(state: &AppState, workspace_id: Uuid, id: Uuid) -> Result<ContactOverview, ApiError> {
    let client = state.db().await?;
    let contact: Contact = db::select_contact(&client, workspace_id, id).await?.ok_or_else(not_found)?.into();
    let company = match contact.company_id {
        Some(cid) => db_companies::select_company(&client, workspace_id, cid).await?.map(Company::from),
        None => None,
    };
    let timeline = db_activities::select_contact_timeline(&client, workspace_id, id, 200).await?;
    let audit = select_audit_for_record(&client, workspace_id, "contact", id, 200).await?;
    Ok(ContactOverview {
        contact,
        company,
        timeline: timeline.into_iter().map(Activity::from).collect(),
        audit: audit.into_iter().map(TrailEntry::from).collect(),
    })
}
