//! Companies: the organisations contacts belong to. Soft-deleted like
//! contacts; every read here skips deleted rows.

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

use super::sql::Params;
use crate::crm::{Direction, PageRequest};

#[derive(Debug, Clone)]
pub struct CompanyRow {
    pub id: Uuid,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub owner_id: Option<Uuid>,
    pub renewal_date: Option<NaiveDate>,
    pub upsell_opportunity: Option<String>,
    pub metadata: serde_json::Value,
    pub custom_fields: serde_json::Value,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every writable column of a company.
#[derive(Debug, Clone)]
pub struct CompanyValues {
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub owner_id: Option<Uuid>,
    pub renewal_date: Option<NaiveDate>,
    pub upsell_opportunity: Option<String>,
    pub metadata: serde_json::Value,
    pub custom_fields: serde_json::Value,
}

impl From<&CompanyRow> for CompanyValues {
    fn from(r: &CompanyRow) -> Self {
        CompanyValues {
            name: r.name.clone(),
            domain: r.domain.clone(),
            industry: r.industry.clone(),
            size: r.size.clone(),
            website: r.website.clone(),
            status: r.status.clone(),
            owner_id: r.owner_id,
            renewal_date: r.renewal_date,
            upsell_opportunity: r.upsell_opportunity.clone(),
            metadata: r.metadata.clone(),
            custom_fields: r.custom_fields.clone(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    /// `(head, prefix)` for `crm_tsquery`: name, domain, industry.
    pub search: Option<(String, String)>,
    pub owner_id: Option<Uuid>,
    pub status: Option<String>,
    pub industry: Option<String>,
    /// `metadata ->> key = value`.
    pub meta: Vec<(String, String)>,
    /// `custom_fields ->> key = value`.
    pub custom: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanySort {
    Name,
    Domain,
    RenewalDate,
    CreatedAt,
    UpdatedAt,
}

const COLUMNS: &str = "id, name, domain, industry, size, website, status, owner_id, renewal_date, upsell_opportunity,
    metadata, custom_fields, version, created_at, updated_at";

fn row(r: &tokio_postgres::Row) -> CompanyRow {
    CompanyRow {
        id: r.get(0),
        name: r.get(1),
        domain: r.get(2),
        industry: r.get(3),
        size: r.get(4),
        website: r.get(5),
        status: r.get(6),
        owner_id: r.get(7),
        renewal_date: r.get(8),
        upsell_opportunity: r.get(9),
        metadata: r.get(10),
        custom_fields: r.get(11),
        version: r.get(12),
        created_at: r.get(13),
        updated_at: r.get(14),
    }
}

pub async fn insert_company(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    v: &CompanyValues,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "INSERT INTO companies (id, workspace_id, name, domain, industry, size, website, status, owner_id,
                                renewal_date, upsell_opportunity, metadata, custom_fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        &[
            &id,
            &workspace_id,
            &v.name,
            &v.domain,
            &v.industry,
            &v.size,
            &v.website,
            &v.status,
            &v.owner_id,
            &v.renewal_date,
            &v.upsell_opportunity,
            &v.metadata,
            &v.custom_fields,
        ],
    )
    .await?;
    Ok(())
}

pub async fn select_company(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<CompanyRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

/// The company, locked until the end of the transaction. Linking a
/// contact or activity takes this lock too (`FOR KEY SHARE` would do, but
/// the check must also see that the company is not being deleted).
pub async fn select_company_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<CompanyRow>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE"
    );
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

/// Whether a live company with this id exists in the workspace (locks it
/// against a concurrent delete until the transaction ends).
pub async fn company_exists(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<bool, tokio_postgres::Error> {
    let r = c
        .query_opt(
            "SELECT 1 FROM companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL FOR SHARE",
            &[&workspace_id, &id],
        )
        .await?;
    Ok(r.is_some())
}

pub async fn update_company(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    v: &CompanyValues,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "UPDATE companies SET name = $3, domain = $4, industry = $5, size = $6, website = $7, status = $8,
                    owner_id = $9, renewal_date = $10, upsell_opportunity = $11, metadata = $12,
                    custom_fields = $13, version = version + 1, updated_at = now()
             WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL",
            &[
                &workspace_id,
                &id,
                &v.name,
                &v.domain,
                &v.industry,
                &v.size,
                &v.website,
                &v.status,
                &v.owner_id,
                &v.renewal_date,
                &v.upsell_opportunity,
                &v.metadata,
                &v.custom_fields,
            ],
        )
        .await?;
    Ok(n == 1)
}

pub async fn delete_company(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "UPDATE companies SET deleted_at = now(), version = version + 1, updated_at = now()
             WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL",
            &[&workspace_id, &id],
        )
        .await?;
    Ok(n == 1)
}

fn filter_sql(workspace_id: Uuid, f: &CompanyFilter, p: &mut Params) -> String {
    let mut sql = format!("workspace_id = {} AND deleted_at IS NULL", p.bind(workspace_id));
    if let Some((head, prefix)) = &f.search {
        sql.push_str(&format!(" AND search @@ crm_tsquery({}, {})", p.bind(head.clone()), p.bind(prefix.clone())));
    }
    if let Some(id) = f.owner_id {
        sql.push_str(&format!(" AND owner_id = {}", p.bind(id)));
    }
    if let Some(s) = &f.status {
        sql.push_str(&format!(" AND status = {}", p.bind(s.clone())));
    }
    if let Some(s) = &f.industry {
        sql.push_str(&format!(" AND lower(industry) = lower({})", p.bind(s.clone())));
    }
    for (k, v) in &f.meta {
        sql.push_str(&format!(" AND metadata ->> {} = {}", p.bind(k.clone()), p.bind(v.clone())));
    }
    for (k, v) in &f.custom {
        sql.push_str(&format!(" AND custom_fields ->> {} = {}", p.bind(k.clone()), p.bind(v.clone())));
    }
    sql
}

pub async fn select_companies(
    c: &impl GenericClient,
    workspace_id: Uuid,
    f: &CompanyFilter,
    sort: CompanySort,
    dir: Direction,
    page: PageRequest,
) -> Result<(Vec<CompanyRow>, i64), tokio_postgres::Error> {
    let mut p = Params::new();
    let filter = filter_sql(workspace_id, f, &mut p);
    let d = dir.sql();
    let order = match sort {
        CompanySort::Name => format!("lower(name) {d}"),
        CompanySort::Domain => format!("domain {d} NULLS LAST"),
        CompanySort::RenewalDate => format!("renewal_date {d} NULLS LAST"),
        CompanySort::CreatedAt => format!("created_at {d}"),
        CompanySort::UpdatedAt => format!("updated_at {d}"),
    };
    let total: i64 = c.query_one(&format!("SELECT count(*) FROM companies WHERE {filter}"), &p.refs()).await?.get(0);
    let limit = p.bind(page.limit);
    let offset = p.bind(page.offset());
    let sql = format!(
        "SELECT {COLUMNS} FROM companies WHERE {filter} ORDER BY {order}, id {d} LIMIT {limit} OFFSET {offset}"
    );
    let rows = c.query(&sql, &p.refs()).await?.iter().map(row).collect();
    Ok((rows, total))
}

/// Matching companies with ids above `after`, in id order, at most
/// `limit`: one keyset page of a list (CSV exports).
pub async fn select_companies_after(
    c: &impl GenericClient,
    workspace_id: Uuid,
    f: &CompanyFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<CompanyRow>, tokio_postgres::Error> {
    let mut p = Params::new();
    let mut filter = filter_sql(workspace_id, f, &mut p);
    if let Some(a) = after {
        filter.push_str(&format!(" AND id > {}", p.bind(a)));
    }
    let limit = p.bind(limit);
    let sql = format!("SELECT {COLUMNS} FROM companies WHERE {filter} ORDER BY id LIMIT {limit}");
    Ok(c.query(&sql, &p.refs()).await?.iter().map(row).collect())
}
