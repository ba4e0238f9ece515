//! SQL for nurture: the lead statuses' flags, the records a step needs
//! (with their contact, owner and workspace), the steps that ran, and the
//! sweep's search for steps a crash lost.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

use super::notifications::{template_row, TemplateRow, TEMPLATE_COLUMNS};

type Result<T> = std::result::Result<T, tokio_postgres::Error>;

/// The workspace's stored lead status flags: (status, enabled).
pub async fn select_lead_status_flags(c: &impl GenericClient, ws: Uuid) -> Result<Vec<(String, bool)>> {
    let rows = c.query("SELECT status, enabled FROM lead_status_nurture WHERE workspace_id = $1", &[&ws]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub async fn upsert_lead_status_flag(c: &impl GenericClient, ws: Uuid, status: &str, enabled: bool) -> Result<()> {
    c.execute(
        "INSERT INTO lead_status_nurture (workspace_id, status, enabled) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id, status) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()",
        &[&ws, &status, &enabled],
    )
    .await?;
    Ok(())
}

/// Whether `status` nurtures in the workspace.
pub async fn select_lead_status_nurtures(c: &impl GenericClient, ws: Uuid, status: &str) -> Result<bool> {
    let row = c
        .query_opt("SELECT enabled FROM lead_status_nurture WHERE workspace_id = $1 AND status = $2", &[&ws, &status])
        .await?;
    Ok(row.is_some_and(|r| r.get(0)))
}

/// A live stage of the workspace: (auto_nurture, stage name, pipeline name).
pub async fn select_stage_nurture(
    c: &impl GenericClient,
    ws: Uuid,
    stage: Uuid,
) -> Result<Option<(bool, String, String)>> {
    let row = c
        .query_opt(
            "SELECT s.auto_nurture, s.name, p.name FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
             WHERE s.workspace_id = $1 AND s.id = $2 AND s.deleted_at IS NULL",
            &[&ws, &stage],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1), r.get(2))))
}

/// The template bound to a stage, or to a lead status.
pub async fn select_bound_template(
    c: &impl GenericClient,
    ws: Uuid,
    stage: Option<Uuid>,
    lead_status: Option<&str>,
) -> Result<Option<TemplateRow>> {
    let sql = format!(
        "SELECT {TEMPLATE_COLUMNS} FROM email_templates
         WHERE workspace_id = $1 AND (stage_id = $2 OR lead_status = $3)"
    );
    Ok(c.query_opt(&sql, &[&ws, &stage, &lead_status]).await?.as_ref().map(template_row))
}

/// Whether `stage` is a live stage of the workspace.
pub async fn select_stage_exists(c: &impl GenericClient, ws: Uuid, stage: Uuid) -> Result<bool> {
    let row = c
        .query_opt("SELECT 1 FROM stages WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL", &[&ws, &stage])
        .await?;
    Ok(row.is_some())
}

/// A member a nurture step names: (id, name, email).
pub type Person = (Uuid, String, String);

/// What a deal's nurture step needs.
#[derive(Debug, Clone)]
pub struct DealForNurture {
    pub id: Uuid,
    pub title: String,
    pub amount: i64,
    pub currency: String,
    pub stage_id: Uuid,
    pub owner: Option<Person>,
    pub contact_first_name: Option<String>,
    pub contact_last_name: Option<String>,
    pub contact_email: Option<String>,
    pub company_name: Option<String>,
    pub workspace_name: String,
}

/// A live deal of the workspace with its contact, company, owner.
pub async fn select_deal_for_nurture(c: &impl GenericClient, ws: Uuid, id: Uuid) -> Result<Option<DealForNurture>> {
    let row = c
        .query_opt(
            "SELECT d.id, d.title, d.amount, d.currency::text, d.stage_id, u.id, u.name, u.email,
                    ct.first_name, ct.last_name, ct.email, co.name, w.name
             FROM deals d
             JOIN workspaces w ON w.id = d.workspace_id
             LEFT JOIN users u ON u.id = d.owner_id
             LEFT JOIN contacts ct ON ct.workspace_id = d.workspace_id AND ct.id = d.contact_id AND ct.deleted_at IS NULL
             LEFT JOIN companies co ON co.workspace_id = d.workspace_id AND co.id = d.company_id AND co.deleted_at IS NULL
             WHERE d.workspace_id = $1 AND d.id = $2 AND d.deleted_at IS NULL",
            &[&ws, &id],
        )
        .await?;
    Ok(row.map(|r| DealForNurture {
        id: r.get(0),
        title: r.get(1),
        amount: r.get(2),
        currency: r.get(3),
        stage_id: r.get(4),
        owner: r.get::<_, Option<Uuid>>(5).map(|id| (id, r.get(6), r.get(7))),
        contact_first_name: r.get(8),
        contact_last_name: r.get(9),
        contact_email: r.get(10),
        company_name: r.get(11),
        workspace_name: r.get(12),
    }))
}

/// What a lead's nurture step needs.
#[derive(Debug, Clone)]
pub struct LeadForNurture {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    pub status: String,
    pub owner: Option<Person>,
    pub workspace_name: String,
}

/// A live lead of the workspace with its owner.
pub async fn select_lead_for_nurture(c: &impl GenericClient, ws: Uuid, id: Uuid) -> Result<Option<LeadForNurture>> {
    let row = c
        .query_opt(
            "SELECT l.id, l.first_name, l.last_name, l.email, l.company_name, l.job_title, l.status,
                    u.id, u.name, u.email, w.name
             FROM leads l
             JOIN workspaces w ON w.id = l.workspace_id
             LEFT JOIN users u ON u.id = l.owner_id
             WHERE l.workspace_id = $1 AND l.id = $2 AND l.deleted_at IS NULL",
            &[&ws, &id],
        )
        .await?;
    Ok(row.map(|r| LeadForNurture {
        id: r.get(0),
        first_name: r.get(1),
        last_name: r.get(2),
        email: r.get(3),
        company_name: r.get(4),
        job_title: r.get(5),
        status: r.get(6),
        owner: r.get::<_, Option<Uuid>>(7).map(|id| (id, r.get(8), r.get(9))),
        workspace_name: r.get(10),
    }))
}

/// A nurture step to record.
pub struct StepInsert<'a> {
    pub record_type: &'a str,
    pub record_id: Uuid,
    pub step: &'a str,
    pub template_id: Uuid,
    pub outcome: &'a str,
    pub email_id: Option<Uuid>,
    pub via: &'a str,
}

/// Claims a nurture step; `false` when it ran already (or a transaction
/// that commits first is running it: this one waits for it, then skips).
pub async fn insert_nurture_step(c: &impl GenericClient, ws: Uuid, s: &StepInsert<'_>) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO nurture_steps (workspace_id, record_type, record_id, step, template_id, outcome, email_id, via)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            &[&ws, &s.record_type, &s.record_id, &s.step, &s.template_id, &s.outcome, &s.email_id, &s.via],
        )
        .await?;
    Ok(n == 1)
}

/// A step the sweep found missing: (workspace, record id, stage id or
/// status, who made the move when known).
pub type MissedStep = (Uuid, Uuid, String, Option<Uuid>);

/// Live deals that entered an auto-nurture stage with a bound template in
/// `[since, until)` and have no step for it; with the member who moved
/// them there last (the stage history), oldest entry first.
pub async fn select_missed_deal_steps(
    c: &impl GenericClient,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<MissedStep>> {
    let rows = c
        .query(
            "SELECT d.workspace_id, d.id, d.stage_id::text,
                    (SELECT h.actor_user_id FROM deal_stage_history h
                     WHERE h.deal_id = d.id AND h.to_stage_id = d.stage_id ORDER BY h.at DESC, h.id DESC LIMIT 1)
             FROM deals d
             JOIN stages s ON s.id = d.stage_id AND s.auto_nurture AND s.deleted_at IS NULL
             WHERE d.deleted_at IS NULL AND d.stage_entered_at >= $1 AND d.stage_entered_at < $2
               AND EXISTS (SELECT 1 FROM email_templates t WHERE t.workspace_id = d.workspace_id AND t.stage_id = d.stage_id)
               AND NOT EXISTS (SELECT 1 FROM nurture_steps n WHERE n.workspace_id = d.workspace_id
                               AND n.record_type = 'deal' AND n.record_id = d.id AND n.step = d.stage_id::text)
             ORDER BY d.stage_entered_at, d.id LIMIT $3",
            &[&since, &until, &limit],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
}

/// Live leads that entered a nurturing status with a bound template in
/// `[since, until)` and have no step for it, oldest entry first.
pub async fn select_missed_lead_steps(
    c: &impl GenericClient,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<MissedStep>> {
    let rows = c
        .query(
            "SELECT l.workspace_id, l.id, l.status, NULL::uuid
             FROM leads l
             JOIN lead_status_nurture f ON f.workspace_id = l.workspace_id AND f.status = l.status AND f.enabled
             WHERE l.deleted_at IS NULL AND l.status_changed_at >= $1 AND l.status_changed_at < $2
               AND EXISTS (SELECT 1 FROM email_templates t WHERE t.workspace_id = l.workspace_id AND t.lead_status = l.status)
               AND NOT EXISTS (SELECT 1 FROM nurture_steps n WHERE n.workspace_id = l.workspace_id
                               AND n.record_type = 'lead' AND n.record_id = l.id AND n.step = l.status)
             ORDER BY l.status_changed_at, l.id LIMIT $3",
            &[&since, &until, &limit],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
}
