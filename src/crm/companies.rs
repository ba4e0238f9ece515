//! Companies: create, read, list (search, filters on metadata and custom
//! fields, sort, pages with a total), change under `If-Match`, soft
//! delete and the 360 view. Events `company.created` / `company.updated`
//! / `company.deleted` go on topic `contacts` with the full record.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::activities::Activity;
use super::contacts::{Contact, TOPIC};
use super::custom_fields::{merge, validate_custom_fields};
use super::{clean, db_error, ensure_active_member, Caller, Direction, PageRequest, TrailEntry};
use crate::db::audit::{insert_audit, select_audit_for_record, AuditEntry, Origin};
use crate::db::companies::{self as db, CompanyFilter, CompanyRow, CompanySort, CompanyValues};
use crate::db::{activities as db_activities, contacts as db_contacts};
use crate::error::ApiError;
use crate::http::etag::Precondition;
use crate::realtime::record_event;
use crate::routes::validate::Checks;
use crate::state::AppState;
use pulse_actors::{EventRecord, Visibility};

/// Company sizes (employees).
pub const SIZES: &[&str] = &["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"];
/// Relationship statuses.
pub const STATUSES: &[&str] = &["prospect", "customer", "partner", "churned", "inactive"];

/// A company (also the API's shape and the data of its events).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Company {
    pub id: Uuid,
    pub name: String,
    /// Lowercase host name without scheme or path, e.g. `acme.com`.
    pub domain: Option<String>,
    pub industry: Option<String>,
    /// One of `1-10`, `11-50`, `51-200`, `201-500`, `501-1000`, `1001-5000`, `5000+`.
    pub size: Option<String>,
    pub website: Option<String>,
    /// `prospect`, `customer`, `partner`, `churned` or `inactive`.
    pub status: String,
    pub owner_id: Option<Uuid>,
    pub renewal_date: Option<NaiveDate>,
    pub upsell_opportunity: Option<String>,
    /// Free-form JSON object; filter lists with `meta.<key>=value`.
    #[schema(value_type = Object)]
    pub metadata: Value,
    #[schema(value_type = Object)]
    pub custom_fields: Value,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CompanyRow> for Company {
    fn from(r: CompanyRow) -> Self {
        Company {
            id: r.id,
            name: r.name,
            domain: r.domain,
            industry: r.industry,
            size: r.size,
            website: r.website,
            status: r.status,
            owner_id: r.owner_id,
            renewal_date: r.renewal_date,
            upsell_opportunity: r.upsell_opportunity,
            metadata: r.metadata,
            custom_fields: r.custom_fields,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCompanyRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `acme.com`, `https://www.Acme.com/about`: stored as `www.acme.com`.
    pub domain: Option<String>,
    #[schema(max_length = 100)]
    pub industry: Option<String>,
    pub size: Option<String>,
    /// An http(s) URL; `https://` is assumed when the scheme is missing.
    pub website: Option<String>,
    /// `prospect` by default.
    pub status: Option<String>,
    /// An active member; defaults to the caller (people). Reps may only
    /// name themselves.
    pub owner_id: Option<Uuid>,
    pub renewal_date: Option<NaiveDate>,
    #[schema(max_length = 2000)]
    pub upsell_opportunity: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
}

/// Changes to a company: absent fields stay, `null` clears a nullable one.
/// `metadata` replaces the whole object; `custom_fields` merges by key.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCompanyRequest {
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub domain: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub size: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub renewal_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<String>)]
    pub upsell_opportunity: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<Object>, nullable = false)]
    pub metadata: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<Object>, nullable = false)]
    pub custom_fields: Option<Map<String, Value>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CompanyPage {
    pub items: Vec<Company>,
    pub total: i64,
    pub page: i64,
    pub limit: i64,
}

/// The 360 view of a company.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CompanyOverview {
    pub company: Company,
    /// Its contacts by name (the first 50).
    pub contacts: Vec<Contact>,
    /// Activities of the company and of its contacts, oldest first (the
    /// latest 200).
    pub timeline: Vec<Activity>,
    /// The company's audit trail, oldest first (the latest 200).
    pub audit: Vec<TrailEntry>,
}

#[derive(Debug, Clone)]
pub struct CompanyQuery {
    pub filter: CompanyFilter,
    pub sort: CompanySort,
    pub direction: Direction,
    pub page: PageRequest,
}

impl CompanyQuery {
    /// Parses `q`, `owner_id`, `status`, `industry`, `meta.<key>=value`,
    /// `cf.<key>=value`, `sort` (`name`, `domain`, `renewal_date`,
    /// `created_at`, `updated_at`), `order`, `page`, `limit`.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let mut filter = CompanyFilter::default();
        let (mut sort, mut order, mut page, mut limit) = (None, None, None, None);
        for (k, v) in pairs {
            match k.as_str() {
                "q" => filter.search = super::search_terms(&super::filter_text("q", v)?),
                "owner_id" => filter.owner_id = Some(super::filter_uuid(k, v)?),
                "status" => {
                    if !STATUSES.contains(&v.as_str()) {
                        return Err(super::bad_query(format!("status must be one of {}", STATUSES.join(", "))));
                    }
                    filter.status = Some(v.clone());
                }
                "industry" => filter.industry = Some(super::filter_text(k, v)?),
                "sort" => sort = Some(v.as_str()),
                "order" => order = Some(v.as_str()),
                "page" => page = Some(v.as_str()),
                "limit" => limit = Some(v.as_str()),
                other => {
                    if let Some(key) = other.strip_prefix("meta.") {
                        filter.meta.push((super::filter_key(other, key)?, super::filter_text(other, v)?));
                    } else if let Some(key) = other.strip_prefix("cf.") {
                        filter.custom.push((super::filter_key(other, key)?, super::filter_text(other, v)?));
                    } else {
                        return Err(super::bad_query(format!("unknown query parameter `{other}`")));
                    }
                }
            }
        }
        let sort = match sort {
            None | Some("created_at") => CompanySort::CreatedAt,
            Some("name") => CompanySort::Name,
            Some("domain") => CompanySort::Domain,
            Some("renewal_date") => CompanySort::RenewalDate,
            Some("updated_at") => CompanySort::UpdatedAt,
            Some(_) => {
                return Err(super::bad_query("sort must be one of name, domain, renewal_date, created_at, updated_at"))
            }
        };
        Ok(CompanyQuery {
            filter,
            sort,
            direction: super::parse_direction(order)?,
            page: super::parse_page(page, limit)?,
        })
    }
}

fn not_found() -> ApiError {
    ApiError::NotFound("company")
}

/// `https://www.Acme.com/x` -> `www.acme.com`; `None` when it is not a
/// plausible host name.
pub fn normalize_domain(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let s = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(&s);
    let host = s.split(['/', '?', '#']).next().unwrap_or("").trim_end_matches('.');
    let ok = host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    ok.then(|| host.to_owned())
}

/// An http(s) URL (https assumed when no scheme is given).
fn normalize_website(raw: &str) -> Option<String> {
    let s = raw.trim();
    let with_scheme = if s.contains("://") { s.to_owned() } else { format!("https://{s}") };
    let url = url::Url::parse(&with_scheme).ok()?;
    let ok = matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| h.contains('.'));
    (ok && with_scheme.len() <= 500 && !with_scheme.chars().any(char::is_control)).then_some(with_scheme)
}

pub(crate) fn check_values(v: &mut CompanyValues) -> Result<(), ApiError> {
    let mut checks = Checks::new();
    v.name = v.name.trim().to_owned();
    checks.text("name", &v.name, 200);
    if let Some(d) = clean(v.domain.as_deref()) {
        v.domain = normalize_domain(&d);
        checks.check(v.domain.is_some(), "domain", "must be a host name such as acme.com");
    } else {
        v.domain = None;
    }
    if let Some(w) = clean(v.website.as_deref()) {
        v.website = normalize_website(&w);
        checks.check(v.website.is_some(), "website", "must be an http(s) URL of at most 500 characters");
    } else {
        v.website = None;
    }
    v.industry = clean(v.industry.as_deref());
    if let Some(i) = &v.industry {
        checks.text("industry", i, 100);
    }
    v.upsell_opportunity = clean(v.upsell_opportunity.as_deref());
    if let Some(u) = &v.upsell_opportunity {
        checks.check(
            u.chars().count() <= 2000 && super::storable(u),
            "upsell_opportunity",
            "must be at most 2000 characters, without NUL",
        );
    }
    if let Some(s) = &v.size {
        checks.check(SIZES.contains(&s.as_str()), "size", &format!("must be one of {}", SIZES.join(", ")));
    }
    checks.check(STATUSES.contains(&v.status.as_str()), "status", &format!("must be one of {}", STATUSES.join(", ")));
    let meta_len = serde_json::to_string(&v.metadata).map(|s| s.len()).unwrap_or(usize::MAX);
    checks.check(meta_len <= 16 * 1024, "metadata", "must be at most 16 KiB of JSON");
    checks.check(super::storable_json(&v.metadata), "metadata", "must not contain NUL characters");
    if let Some(d) = v.renewal_date {
        use chrono::Datelike;
        checks.check(super::plausible_year(d.year()), "renewal_date", "must be a date between the years 1 and 9999");
    }
    checks.finish()
}

async fn event(
    tx: &impl deadpool_postgres::GenericClient,
    caller: &Caller,
    kind: &str,
    company: &Company,
) -> Result<EventRecord, ApiError> {
    let data = serde_json::to_value(company).map_err(ApiError::internal)?;
    Ok(record_event(tx, caller.workspace_id, Some(caller.actor), kind, TOPIC, Visibility::All, data).await?)
}

pub async fn create_company(
    state: &AppState,
    caller: Caller,
    req: CreateCompanyRequest,
    from: &Origin,
) -> Result<Company, ApiError> {
    let owner_id = req.owner_id.or(caller.user_id());
    caller.ensure_may_assign(owner_id, "company")?;
    let custom = req.custom_fields.unwrap_or_default();
    let mut v = CompanyValues {
        name: req.name,
        domain: req.domain,
        industry: req.industry,
        size: req.size,
        website: req.website,
        status: req.status.unwrap_or_else(|| "prospect".to_owned()),
        owner_id,
        renewal_date: req.renewal_date,
        upsell_opportunity: req.upsell_opportunity,
        metadata: Value::Object(req.metadata.unwrap_or_default()),
        custom_fields: merge(&Value::Object(Map::new()), &custom),
    };
    check_values(&mut v)?;
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    if let Some(o) = v.owner_id {
        ensure_active_member(&tx, ws, o, "owner_id").await?;
    }
    validate_custom_fields(&tx, ws, "company", &custom).await?;
    let id = Uuid::now_v7();
    db::insert_company(&tx, ws, id, &v).await.map_err(db_error)?;
    let company: Company = db::select_company(&tx, ws, id).await?.ok_or_else(not_found)?.into();
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "company.created").target("company", id);
    insert_audit(&tx, &entry.details(serde_json::json!({ "name": company.name })), from).await?;
    let ev = event(&tx, &caller, "company.created", &company).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(company)
}

pub async fn get_company(state: &AppState, workspace_id: Uuid, id: Uuid) -> Result<Company, ApiError> {
    let client = state.db().await?;
    Ok(db::select_company(&client, workspace_id, id).await?.ok_or_else(not_found)?.into())
}

pub async fn list_companies(state: &AppState, workspace_id: Uuid, q: CompanyQuery) -> Result<CompanyPage, ApiError> {
    let client = state.db().await?;
    let (rows, total) = db::select_companies(&client, workspace_id, &q.filter, q.sort, q.direction, q.page).await?;
    Ok(CompanyPage {
        items: rows.into_iter().map(Company::from).collect(),
        total,
        page: q.page.page,
        limit: q.page.limit,
    })
}

pub async fn update_company(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    pre: Precondition,
    req: UpdateCompanyRequest,
    from: &Origin,
) -> Result<Company, ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before = db::select_company_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    caller.ensure_may_edit(before.owner_id, "company")?;
    let mut v = CompanyValues::from(&before);
    if let Some(x) = req.name {
        v.name = x;
    }
    if let Some(x) = req.domain {
        v.domain = x;
    }
    if let Some(x) = req.industry {
        v.industry = x;
    }
    if let Some(x) = req.size {
        v.size = x;
    }
    if let Some(x) = req.website {
        v.website = x;
    }
    if let Some(x) = req.status {
        v.status = x;
    }
    if let Some(x) = req.renewal_date {
        v.renewal_date = x;
    }
    if let Some(x) = req.upsell_opportunity {
        v.upsell_opportunity = x;
    }
    if let Some(x) = req.metadata {
        v.metadata = Value::Object(x);
    }
    if let Some(x) = req.owner_id {
        if x != before.owner_id {
            caller.ensure_may_assign(x, "company")?;
            if let Some(o) = x {
                ensure_active_member(&tx, ws, o, "owner_id").await?;
            }
        }
        v.owner_id = x;
    }
    let custom = req.custom_fields.unwrap_or_default();
    v.custom_fields = merge(&before.custom_fields, &custom);
    check_values(&mut v)?;
    // The body is checked before the precondition: a malformed change is
    // a 400 whatever the version.
    pre.check(before.version)?;
    validate_custom_fields(&tx, ws, "company", &custom).await?;
    let changed = changed_fields(&CompanyValues::from(&before), &v);
    if changed.is_empty() {
        return Ok(before.into());
    }
    db::update_company(&tx, ws, id, &v).await.map_err(db_error)?;
    let company: Company = db::select_company(&tx, ws, id).await?.ok_or_else(not_found)?.into();
    let details = serde_json::json!({ "changed": changed, "version": company.version });
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "company.updated").target("company", id);
    insert_audit(&tx, &entry.details(details), from).await?;
    let ev = event(&tx, &caller, "company.updated", &company).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(company)
}

fn changed_fields(a: &CompanyValues, b: &CompanyValues) -> Vec<&'static str> {
    let pairs: [(&'static str, bool); 11] = [
        ("name", a.name == b.name),
        ("domain", a.domain == b.domain),
        ("industry", a.industry == b.industry),
        ("size", a.size == b.size),
        ("website", a.website == b.website),
        ("status", a.status == b.status),
        ("owner_id", a.owner_id == b.owner_id),
        ("renewal_date", a.renewal_date == b.renewal_date),
        ("upsell_opportunity", a.upsell_opportunity == b.upsell_opportunity),
        ("metadata", a.metadata == b.metadata),
        ("custom_fields", a.custom_fields == b.custom_fields),
    ];
    pairs.into_iter().filter(|(_, same)| !same).map(|(n, _)| n).collect()
}

/// Soft-deletes a company. Its contacts keep the link (and show no
/// company name); activities keep theirs.
pub async fn delete_company(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    pre: Precondition,
    from: &Origin,
) -> Result<(), ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before = db::select_company_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    pre.check(before.version)?;
    caller.ensure_may_edit(before.owner_id, "company")?;
    db::delete_company(&tx, ws, id).await?;
    let company = Company::from(before);
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "company.deleted").target("company", id);
    insert_audit(&tx, &entry.details(serde_json::json!({ "name": company.name })), from).await?;
    let ev = event(&tx, &caller, "company.deleted", &company).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(())
}

pub async fn company_overview(state: &AppState, workspace_id: Uuid, id: Uuid) -> Result<CompanyOverview, ApiError> {
    let client = state.db().await?;
    let company: Company = db::select_company(&client, workspace_id, id).await?.ok_or_else(not_found)?.into();
    let contacts = db_contacts::select_contacts_of_company(&client, workspace_id, id, 50).await?;
    let timeline = db_activities::select_company_timeline(&client, workspace_id, id, 200).await?;
    let audit = select_audit_for_record(&client, workspace_id, "company", id, 200).await?;
    Ok(CompanyOverview {
        company,
        contacts: contacts.into_iter().map(Contact::from).collect(),
        timeline: timeline.into_iter().map(Activity::from).collect(),
        audit: audit.into_iter().map(TrailEntry::from).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalised() {
        let cases = [
            ("acme.com", Some("acme.com")),
            ("https://www.Acme.com/about?x=1", Some("www.acme.com")),
            ("HTTP://ACME.CO.UK.", Some("acme.co.uk")),
            ("acme", None),
            ("acme..com", None),
            ("-acme.com", None),
            ("ac me.com", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_domain(raw).as_deref(), want, "{raw}");
        }
    }
}
