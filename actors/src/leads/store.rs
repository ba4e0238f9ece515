//! SQL for the lead state: loading it with the rest of the workspace's
//! state, and the lead rows of a batch (written inside the batch's
//! transaction by `deals::store::write_batch`).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use serde_json::{json, Value};
use uuid::Uuid;

use super::command::{NewCompanyRow, NewContactRow, ScoreRow};
use super::model::*;
use super::score::Weights;
use super::state::Source;
use crate::deals::store::WriteFailure;

/// Leads, custom sources and weights of a workspace.
pub async fn select_lead_state(
    c: &impl GenericClient,
    ws: Uuid,
) -> Result<(Vec<Lead>, Vec<Source>, Weights), tokio_postgres::Error> {
    let leads = c
        .query(
            "SELECT id, first_name, last_name, email, phone, company_name, company_size, job_title, estimated_value,
                    source, status, score, owner_id, next_action, next_action_date, notes, tags, custom_fields,
                    external_id, converted_contact_id, converted_company_id, converted_deal_id, converted_at,
                    last_activity_at, engagement, created_at, updated_at, deleted_at, version
             FROM leads WHERE workspace_id = $1",
            &[&ws],
        )
        .await?
        .iter()
        .map(|r| {
            let status: String = r.get(10);
            let converted = match (r.get::<_, Option<Uuid>>(19), r.get::<_, Option<Uuid>>(21), r.get(22)) {
                (Some(contact_id), Some(deal_id), Some(at)) => {
                    Some(Conversion { contact_id, company_id: r.get(20), deal_id, at })
                }
                _ => None,
            };
            Lead {
                id: r.get(0),
                first_name: r.get(1),
                last_name: r.get(2),
                email: r.get(3),
                phone: r.get(4),
                company_name: r.get(5),
                company_size: r.get(6),
                job_title: r.get(7),
                estimated_value: r.get(8),
                source: r.get(9),
                status: LeadStatus::parse(&status).unwrap_or(LeadStatus::New),
                score: r.get(11),
                owner_id: r.get(12),
                next_action: r.get(13),
                next_action_date: r.get(14),
                notes: r.get(15),
                tags: r.get(16),
                custom_fields: r.get(17),
                external_id: r.get(18),
                converted,
                last_activity_at: r.get(23),
                engagement: serde_json::from_value(r.get(24)).unwrap_or_default(),
                created_at: r.get(25),
                updated_at: r.get(26),
                deleted_at: r.get(27),
                version: r.get(28),
            }
        })
        .collect();
    let sources = c
        .query(
            "SELECT slug, label, archived FROM lead_sources WHERE workspace_id = $1 ORDER BY created_at, slug",
            &[&ws],
        )
        .await?
        .iter()
        .map(|r| Source { slug: r.get(0), label: r.get(1), archived: r.get(2), built_in: false })
        .collect();
    let weights = c
        .query_opt("SELECT weights FROM lead_scoring WHERE workspace_id = $1", &[&ws])
        .await?
        .and_then(|r| serde_json::from_value(r.get(0)).ok())
        .unwrap_or_default();
    Ok((leads, sources, weights))
}

fn lead_json(l: &Lead, prev: Option<i64>) -> Value {
    let conv = l.converted.as_ref();
    json!({
        "id": l.id, "first_name": l.first_name, "last_name": l.last_name, "email": l.email, "phone": l.phone,
        "company_name": l.company_name, "company_size": l.company_size, "job_title": l.job_title,
        "estimated_value": l.estimated_value, "source": l.source, "status": l.status.as_str(), "score": l.score,
        "owner_id": l.owner_id, "next_action": l.next_action, "next_action_date": l.next_action_date,
        "notes": l.notes, "tags": l.tags, "custom_fields": l.custom_fields, "external_id": l.external_id,
        "converted_contact_id": conv.map(|c| c.contact_id), "converted_company_id": conv.and_then(|c| c.company_id),
        "converted_deal_id": conv.map(|c| c.deal_id), "converted_at": conv.map(|c| c.at),
        "last_activity_at": l.last_activity_at, "engagement": l.engagement, "created_at": l.created_at,
        "updated_at": l.updated_at, "deleted_at": l.deleted_at, "version": l.version, "prev_version": prev,
    })
}

const LEAD_RECORD: &str = "x(id uuid, first_name text, last_name text, email text, phone text, company_name text,
    company_size text, job_title text, estimated_value bigint, source text, status text, score smallint,
    owner_id uuid, next_action text, next_action_date date, notes text, tags text[], custom_fields jsonb,
    external_id text, converted_contact_id uuid, converted_company_id uuid, converted_deal_id uuid,
    converted_at timestamptz, last_activity_at timestamptz, engagement jsonb, created_at timestamptz,
    updated_at timestamptz, deleted_at timestamptz, version bigint, prev_version bigint)";

const LEAD_COLUMNS: &str = "first_name, last_name, email, phone, company_name, company_size, job_title,
    estimated_value, source, status, score, owner_id, next_action, next_action_date, notes, tags, custom_fields,
    external_id, converted_contact_id, converted_company_id, converted_deal_id, converted_at, last_activity_at,
    engagement, created_at, updated_at, deleted_at, version";

/// Contacts and companies a conversion creates. A contact whose email (or
/// a company whose name) appeared meanwhile fails the batch, which is then
/// retried alone and answered with a conflict: never a duplicate.
pub async fn insert_converted_records(
    c: &impl GenericClient,
    ws: Uuid,
    companies: &[NewCompanyRow],
    contacts: &[NewContactRow],
    now: DateTime<Utc>,
) -> Result<(), WriteFailure> {
    for co in companies {
        let n = c
            .execute(
                "INSERT INTO companies (id, workspace_id, name, size, owner_id, created_at, updated_at)
                 SELECT $1, $2, $3, $4, $5, $6, $6
                 WHERE NOT EXISTS (SELECT 1 FROM companies WHERE workspace_id = $2 AND lower(name) = lower($3)
                                   AND deleted_at IS NULL)",
                &[&co.id, &ws, &co.name, &co.size, &co.owner_id, &now],
            )
            .await?;
        if n != 1 {
            return Err(WriteFailure::Stale("a company (created meanwhile)"));
        }
    }
    for ct in contacts {
        let n = c
            .execute(
                "INSERT INTO contacts (id, workspace_id, first_name, last_name, email, phone, company_id, job_title,
                    lead_source, owner_id, created_at, updated_at)
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11
                 WHERE $5::text IS NULL OR NOT EXISTS (SELECT 1 FROM contacts WHERE workspace_id = $2
                                   AND lower(email) = lower($5) AND deleted_at IS NULL)",
                &[
                    &ct.id,
                    &ws,
                    &ct.first_name,
                    &ct.last_name,
                    &ct.email,
                    &ct.phone,
                    &ct.company_id,
                    &ct.job_title,
                    &ct.lead_source,
                    &ct.owner_id,
                    &now,
                ],
            )
            .await?;
        if n != 1 {
            return Err(WriteFailure::Stale("a contact (created meanwhile)"));
        }
    }
    Ok(())
}

/// Lead snapshots (with the version each was planned against), score rows,
/// sources and weights.
pub async fn write_leads(
    c: &impl GenericClient,
    ws: Uuid,
    leads: &[(&Lead, Option<i64>)],
    scores: &[ScoreRow],
    sources: &[Source],
    weights: Option<&Weights>,
    now: DateTime<Utc>,
) -> Result<(), WriteFailure> {
    let (new, changed): (Vec<_>, Vec<_>) = leads.iter().partition(|(_, p)| p.is_none());
    if !new.is_empty() {
        let rows = Value::Array(new.iter().map(|(l, p)| lead_json(l, *p)).collect());
        let stmt = c
            .prepare_cached(&format!(
                "INSERT INTO leads (id, workspace_id, {LEAD_COLUMNS}) SELECT id, $1, {LEAD_COLUMNS}
                 FROM jsonb_to_recordset($2) AS {LEAD_RECORD}"
            ))
            .await?;
        c.execute(&stmt, &[&ws, &rows]).await?;
    }
    if !changed.is_empty() {
        let rows = Value::Array(changed.iter().map(|(l, p)| lead_json(l, *p)).collect());
        let set: Vec<String> = LEAD_COLUMNS.split(',').map(|c| c.trim()).map(|c| format!("{c} = x.{c}")).collect();
        let stmt = c
            .prepare_cached(&format!(
                "UPDATE leads l SET {} FROM jsonb_to_recordset($2) AS {LEAD_RECORD}
                 WHERE l.workspace_id = $1 AND l.id = x.id AND l.version = x.prev_version",
                set.join(", ")
            ))
            .await?;
        let n = c.execute(&stmt, &[&ws, &rows]).await?;
        if n != changed.len() as u64 {
            return Err(WriteFailure::Stale("a lead"));
        }
    }
    if !scores.is_empty() {
        let ids: Vec<Uuid> = scores.iter().map(|s| s.lead_id).collect();
        let score: Vec<i16> = scores.iter().map(|s| s.score).collect();
        let factors: Vec<&Value> = scores.iter().map(|s| &s.factors).collect();
        let reason: Vec<&str> = scores.iter().map(|s| s.reason.as_str()).collect();
        let stmt = c
            .prepare_cached(
                "INSERT INTO lead_scores (workspace_id, lead_id, score, factors, reason, at)
                 SELECT $1, l, s, f, r, $6 FROM unnest($2::uuid[], $3::smallint[], $4::jsonb[], $5::text[]) AS u(l, s, f, r)",
            )
            .await?;
        c.execute(&stmt, &[&ws, &ids, &score, &factors, &reason, &now]).await?;
    }
    for s in sources {
        c.execute(
            "INSERT INTO lead_sources (workspace_id, slug, label, archived) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, slug) DO UPDATE SET label = EXCLUDED.label, archived = EXCLUDED.archived",
            &[&ws, &s.slug, &s.label, &s.archived],
        )
        .await?;
    }
    if let Some(w) = weights {
        let w = serde_json::to_value(w).unwrap_or(Value::Null);
        c.execute(
            "INSERT INTO lead_scoring (workspace_id, weights, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (workspace_id) DO UPDATE SET weights = EXCLUDED.weights, updated_at = EXCLUDED.updated_at",
            &[&ws, &w, &now],
        )
        .await?;
    }
    Ok(())
}
