//! Full-text search, one query per record type over its `search` column
//! (GIN-indexed, migration V6). Each returns hits with a title, subtitle
//! and rank; `crm::search` merges them. Deals and leads add one function
//! each here.

use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// One search hit as the database ranks it.
#[derive(Debug, Clone)]
pub struct HitRow {
    pub id: Uuid,
    pub title: String,
    pub subtitle: Option<String>,
    pub rank: f32,
}

fn hit(r: &tokio_postgres::Row) -> HitRow {
    HitRow { id: r.get(0), title: r.get(1), subtitle: r.get(2), rank: r.get(3) }
}

/// Live contacts whose name, email, job title or phone match; the title is
/// the name (or email), the subtitle the email and company.
pub async fn select_contact_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT c.id,
                    coalesce(nullif(btrim(c.first_name || ' ' || c.last_name), ''), c.email, ''),
                    nullif(concat_ws(' · ', c.email, co.name), ''),
                    ts_rank(c.search, q)
             FROM contacts c
             CROSS JOIN crm_tsquery($2, $3) q
             LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id AND co.deleted_at IS NULL
             WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.search @@ q
             ORDER BY 4 DESC, c.id LIMIT $4",
            &[&workspace_id, &head, &prefix, &limit],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}

/// Live companies whose name, domain or industry match.
pub async fn select_company_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT co.id, co.name, nullif(concat_ws(' · ', co.domain, co.industry), ''), ts_rank(co.search, q)
             FROM companies co CROSS JOIN crm_tsquery($2, $3) q
             WHERE co.workspace_id = $1 AND co.deleted_at IS NULL AND co.search @@ q
             ORDER BY 4 DESC, co.id LIMIT $4",
            &[&workspace_id, &head, &prefix, &limit],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}

/// Activities whose subject or body match; the subtitle is the type and
/// the start of the body.
pub async fn select_activity_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT a.id, a.subject, a.type || coalesce(': ' || nullif(left(a.body, 120), ''), ''), ts_rank(a.search, q)
             FROM activities a CROSS JOIN crm_tsquery($2, $3) q
             WHERE a.workspace_id = $1 AND a.search @@ q
             ORDER BY 4 DESC, a.id LIMIT $4",
            &[&workspace_id, &head, &prefix, &limit],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}

/// Live deals whose title matches; `rep`: only the deals that rep owns or
/// that are shared with them. The subtitle is the amount and currency.
pub async fn select_deal_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
    rep: Option<Uuid>,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT d.id, d.title, s.name || ' · ' || (d.amount / 100.0)::numeric(20, 2) || ' ' || d.currency,
                    ts_rank(d.search, q)
             FROM deals d CROSS JOIN crm_tsquery($2, $3) q JOIN stages s ON s.id = d.stage_id
             WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND d.search @@ q
               AND ($5::uuid IS NULL OR d.owner_id = $5 OR $5 = ANY(d.shared_with))
             ORDER BY 4 DESC, d.id LIMIT $4",
            &[&workspace_id, &head, &prefix, &limit, &rep],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}

/// Live leads whose name, email or company match; `rep`: only theirs.
pub async fn select_lead_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
    rep: Option<Uuid>,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT l.id, coalesce(nullif(btrim(l.first_name || ' ' || l.last_name), ''), l.email, ''),
                    nullif(concat_ws(' · ', l.status, l.email, l.company_name), ''), ts_rank(l.search, q)
             FROM leads l CROSS JOIN crm_tsquery($2, $3) q
             WHERE l.workspace_id = $1 AND l.deleted_at IS NULL AND l.search @@ q
               AND ($5::uuid IS NULL OR l.owner_id = $5)
             ORDER BY 4 DESC, l.id LIMIT $4",
            &[&workspace_id, &head, &prefix, &limit, &rep],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}
