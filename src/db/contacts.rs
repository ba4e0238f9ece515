//! Contacts: people a workspace sells to. Soft-deleted rows (`deleted_at`)
//! keep their id so links stay valid, and every read here skips them.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

use super::sql::Params;
use crate::crm::{Direction, PageRequest};

/// A contact as stored, with its company's name when it has a live one.
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_id: Option<Uuid>,
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    pub lead_source: Option<String>,
    pub tags: Vec<String>,
    pub owner_id: Option<Uuid>,
    pub custom_fields: serde_json::Value,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every writable column of a contact.
#[derive(Debug, Clone, Default)]
pub struct ContactValues {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_id: Option<Uuid>,
    pub job_title: Option<String>,
    pub lead_source: Option<String>,
    pub tags: Vec<String>,
    pub owner_id: Option<Uuid>,
    pub custom_fields: serde_json::Value,
}

impl From<&ContactRow> for ContactValues {
    fn from(r: &ContactRow) -> Self {
        ContactValues {
            first_name: r.first_name.clone(),
            last_name: r.last_name.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
            company_id: r.company_id,
            job_title: r.job_title.clone(),
            lead_source: r.lead_source.clone(),
            tags: r.tags.clone(),
            owner_id: r.owner_id,
            custom_fields: r.custom_fields.clone(),
        }
    }
}

/// How a list is narrowed; all parts are ANDed.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    /// `(head, prefix)` for `crm_tsquery`: matches the contact's name,
    /// email or job title, or its company's name.
    pub search: Option<(String, String)>,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    /// The contact has every one of these (normalised) tags.
    pub tags: Vec<String>,
    /// `custom_fields ->> key = value`.
    pub custom: Vec<(String, String)>,
}

/// List orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactSort {
    Name,
    Email,
    CreatedAt,
    UpdatedAt,
}

const SELECT: &str = "SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.company_id, co.name, c.job_title,
        c.lead_source, c.tags, c.owner_id, c.custom_fields, c.version, c.created_at, c.updated_at
    FROM contacts c
    LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id AND co.deleted_at IS NULL";

fn row(r: &tokio_postgres::Row) -> ContactRow {
    ContactRow {
        id: r.get(0),
        first_name: r.get(1),
        last_name: r.get(2),
        email: r.get(3),
        phone: r.get(4),
        company_id: r.get(5),
        company_name: r.get(6),
        job_title: r.get(7),
        lead_source: r.get(8),
        tags: r.get(9),
        owner_id: r.get(10),
        custom_fields: r.get(11),
        version: r.get(12),
        created_at: r.get(13),
        updated_at: r.get(14),
    }
}

pub async fn insert_contact(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    v: &ContactValues,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "INSERT INTO contacts (id, workspace_id, first_name, last_name, email, phone, company_id, job_title,
                               lead_source, tags, owner_id, custom_fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &id,
            &workspace_id,
            &v.first_name,
            &v.last_name,
            &v.email,
            &v.phone,
            &v.company_id,
            &v.job_title,
            &v.lead_source,
            &v.tags,
            &v.owner_id,
            &v.custom_fields,
        ],
    )
    .await?;
    Ok(())
}

pub async fn select_contact(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<ContactRow>, tokio_postgres::Error> {
    let sql = format!("{SELECT} WHERE c.workspace_id = $1 AND c.id = $2 AND c.deleted_at IS NULL");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

/// The contact, locked until the end of the transaction.
pub async fn select_contact_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<ContactRow>, tokio_postgres::Error> {
    let sql = format!("{SELECT} WHERE c.workspace_id = $1 AND c.id = $2 AND c.deleted_at IS NULL FOR UPDATE OF c");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

/// Live contacts by id, in the order of `ids`' appearance in the table.
pub async fn select_contacts_by_ids(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<ContactRow>, tokio_postgres::Error> {
    let sql = format!("{SELECT} WHERE c.workspace_id = $1 AND c.id = ANY($2) AND c.deleted_at IS NULL ORDER BY c.id");
    Ok(c.query(&sql, &[&workspace_id, &ids]).await?.iter().map(row).collect())
}

/// Writes every column and bumps `version`.
pub async fn update_contact(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
    v: &ContactValues,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "UPDATE contacts SET first_name = $3, last_name = $4, email = $5, phone = $6, company_id = $7,
                    job_title = $8, lead_source = $9, tags = $10, owner_id = $11, custom_fields = $12,
                    version = version + 1, updated_at = now()
             WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL",
            &[
                &workspace_id,
                &id,
                &v.first_name,
                &v.last_name,
                &v.email,
                &v.phone,
                &v.company_id,
                &v.job_title,
                &v.lead_source,
                &v.tags,
                &v.owner_id,
                &v.custom_fields,
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Soft-deletes live contacts; returns how many.
pub async fn delete_contacts(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: &[Uuid],
) -> Result<u64, tokio_postgres::Error> {
    c.execute(
        "UPDATE contacts SET deleted_at = now(), version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
        &[&workspace_id, &ids],
    )
    .await
}

/// Gives live contacts to `owner_id`.
pub async fn update_contacts_owner(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: &[Uuid],
    owner_id: Option<Uuid>,
) -> Result<u64, tokio_postgres::Error> {
    c.execute(
        "UPDATE contacts SET owner_id = $3, version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
        &[&workspace_id, &ids, &owner_id],
    )
    .await
}

/// Adds (normalised) tags, keeping each contact's order and no duplicates.
pub async fn update_contacts_add_tags(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: &[Uuid],
    tags: &[String],
) -> Result<u64, tokio_postgres::Error> {
    c.execute(
        "UPDATE contacts SET tags = tags || ARRAY(SELECT t FROM unnest($3::text[]) WITH ORDINALITY AS n(t, i)
                                                 WHERE t <> ALL(tags) ORDER BY i),
                version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
        &[&workspace_id, &ids, &tags],
    )
    .await
}

/// How many of these contacts would hold more than `max` tags after
/// adding `tags`.
pub async fn count_contacts_over_tag_limit(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: &[Uuid],
    tags: &[String],
    max: i64,
) -> Result<i64, tokio_postgres::Error> {
    let r = c
        .query_one(
            "SELECT count(*) FROM contacts
             WHERE workspace_id = $1 AND id = ANY($2) AND deleted_at IS NULL
               AND cardinality(tags) + (SELECT count(*) FROM unnest($3::text[]) t WHERE t <> ALL(tags)) > $4",
            &[&workspace_id, &ids, &tags, &max],
        )
        .await?;
    Ok(r.get(0))
}

pub async fn update_contacts_remove_tags(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: &[Uuid],
    tags: &[String],
) -> Result<u64, tokio_postgres::Error> {
    c.execute(
        "UPDATE contacts SET tags = ARRAY(SELECT t FROM unnest(tags) WITH ORDINALITY AS n(t, i)
                                          WHERE t <> ALL($3::text[]) ORDER BY i),
                version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
        &[&workspace_id, &ids, &tags],
    )
    .await
}

/// The WHERE clause of a filtered list (the `c` and `co` aliases of
/// [`SELECT`]).
fn filter_sql(workspace_id: Uuid, f: &ContactFilter, p: &mut Params) -> String {
    let mut sql = format!("c.workspace_id = {} AND c.deleted_at IS NULL", p.bind(workspace_id));
    if let Some((head, prefix)) = &f.search {
        let q = format!("crm_tsquery({}, {})", p.bind(head.clone()), p.bind(prefix.clone()));
        sql.push_str(&format!(" AND (c.search @@ {q} OR co.search @@ {q})"));
    }
    if let Some(id) = f.company_id {
        sql.push_str(&format!(" AND c.company_id = {}", p.bind(id)));
    }
    if let Some(id) = f.owner_id {
        sql.push_str(&format!(" AND c.owner_id = {}", p.bind(id)));
    }
    if !f.tags.is_empty() {
        sql.push_str(&format!(" AND c.tags @> {}::text[]", p.bind(f.tags.clone())));
    }
    for (k, v) in &f.custom {
        sql.push_str(&format!(" AND c.custom_fields ->> {} = {}", p.bind(k.clone()), p.bind(v.clone())));
    }
    sql
}

/// One page of matching contacts and the total number that match.
pub async fn select_contacts(
    c: &impl GenericClient,
    workspace_id: Uuid,
    f: &ContactFilter,
    sort: ContactSort,
    dir: Direction,
    page: PageRequest,
) -> Result<(Vec<ContactRow>, i64), tokio_postgres::Error> {
    let mut p = Params::new();
    let filter = filter_sql(workspace_id, f, &mut p);
    let d = dir.sql();
    let order = match sort {
        ContactSort::Name => format!("lower(c.last_name) {d}, lower(c.first_name) {d}"),
        ContactSort::Email => format!("lower(c.email) {d} NULLS LAST"),
        ContactSort::CreatedAt => format!("c.created_at {d}"),
        ContactSort::UpdatedAt => format!("c.updated_at {d}"),
    };
    let total_sql = format!(
        "SELECT count(*) FROM contacts c
         LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id AND co.deleted_at IS NULL
         WHERE {filter}"
    );
    let total: i64 = c.query_one(&total_sql, &p.refs()).await?.get(0);
    let limit = p.bind(page.limit);
    let offset = p.bind(page.offset());
    let sql = format!("{SELECT} WHERE {filter} ORDER BY {order}, c.id {d} LIMIT {limit} OFFSET {offset}");
    let rows = c.query(&sql, &p.refs()).await?.iter().map(row).collect();
    Ok((rows, total))
}

/// Locks and returns `(id, owner_id)` of live contacts chosen by ids or
/// by a filter, at most `limit` of them.
pub async fn select_contact_owners_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: Option<&[Uuid]>,
    f: &ContactFilter,
    limit: i64,
) -> Result<Vec<(Uuid, Option<Uuid>)>, tokio_postgres::Error> {
    let mut p = Params::new();
    let mut filter = filter_sql(workspace_id, f, &mut p);
    if let Some(ids) = ids {
        filter.push_str(&format!(" AND c.id = ANY({})", p.bind(ids.to_vec())));
    }
    let limit = p.bind(limit);
    let sql = format!(
        "SELECT c.id, c.owner_id FROM contacts c
         LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id AND co.deleted_at IS NULL
         WHERE {filter} ORDER BY c.id LIMIT {limit} FOR UPDATE OF c"
    );
    Ok(c.query(&sql, &p.refs()).await?.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// A company's live contacts by name, at most `limit`.
pub async fn select_contacts_of_company(
    c: &impl GenericClient,
    workspace_id: Uuid,
    company_id: Uuid,
    limit: i64,
) -> Result<Vec<ContactRow>, tokio_postgres::Error> {
    let sql = format!(
        "{SELECT} WHERE c.workspace_id = $1 AND c.company_id = $2 AND c.deleted_at IS NULL
         ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT $3"
    );
    Ok(c.query(&sql, &[&workspace_id, &company_id, &limit]).await?.iter().map(row).collect())
}

/// Whether a live contact with this id exists in the workspace (locks it
/// against a concurrent delete until the transaction ends).
pub async fn contact_exists(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<bool, tokio_postgres::Error> {
    let r = c
        .query_opt(
            "SELECT 1 FROM contacts WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL FOR SHARE",
            &[&workspace_id, &id],
        )
        .await?;
    Ok(r.is_some())
}

/// Matching contacts with ids above `after`, in id order, at most `limit`:
/// one keyset page of a list (CSV exports read whole lists this way).
pub async fn select_contacts_after(
    c: &impl GenericClient,
    workspace_id: Uuid,
    f: &ContactFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ContactRow>, tokio_postgres::Error> {
    let mut p = Params::new();
    let mut filter = filter_sql(workspace_id, f, &mut p);
    if let Some(a) = after {
        filter.push_str(&format!(" AND c.id > {}", p.bind(a)));
    }
    let limit = p.bind(limit);
    let sql = format!("{SELECT} WHERE {filter} ORDER BY c.id LIMIT {limit}");
    Ok(c.query(&sql, &p.refs()).await?.iter().map(row).collect())
}
