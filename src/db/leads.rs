//! Lead reads outside the actor: duplicate detection for conversion and
//! the score history.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// A live contact with this email (any case), and its display name.
pub async fn select_contact_by_email(
    c: &impl GenericClient,
    ws: Uuid,
    email: &str,
) -> Result<Option<(Uuid, String)>, tokio_postgres::Error> {
    let r = c
        .query_opt(
            "SELECT id, coalesce(NULLIF(trim(concat_ws(' ', first_name, last_name)), ''), email, '')
             FROM contacts WHERE workspace_id = $1 AND lower(email) = lower($2) AND deleted_at IS NULL
             ORDER BY created_at LIMIT 1",
            &[&ws, &email],
        )
        .await?;
    Ok(r.map(|r| (r.get(0), r.get(1))))
}

/// A live company with this name (any case) or, failing that, this domain.
pub async fn select_company_by_name_or_domain(
    c: &impl GenericClient,
    ws: Uuid,
    name: &str,
    domain: Option<&str>,
) -> Result<Option<(Uuid, String)>, tokio_postgres::Error> {
    let r = c
        .query_opt(
            "SELECT id, name FROM companies
             WHERE workspace_id = $1 AND deleted_at IS NULL
               AND (lower(name) = lower($2) OR ($3::text IS NOT NULL AND lower(domain) = lower($3)))
             ORDER BY lower(name) = lower($2) DESC, created_at LIMIT 1",
            &[&ws, &name, &domain],
        )
        .await?;
    Ok(r.map(|r| (r.get(0), r.get(1))))
}

/// Every score computed for a lead, newest first.
pub async fn select_scores(
    c: &impl GenericClient,
    ws: Uuid,
    lead: Uuid,
) -> Result<Vec<(i16, serde_json::Value, String, DateTime<Utc>)>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT score, factors, reason, at FROM lead_scores WHERE workspace_id = $1 AND lead_id = $2
             ORDER BY at DESC, id DESC LIMIT 500",
            &[&ws, &lead],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
}
