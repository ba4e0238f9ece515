//! Nurture email templates, per workspace: a name, a subject and a body
//! with `{{placeholder}}`s that [`super::email::render_template`] fills,
//! escaped for where they land. Names are unique in a workspace; another
//! workspace's template answers like a missing one.
//!
//! A template is bound to at most one trigger, a stage (`stage_id`) or a
//! lead status (`lead_status`), and each trigger has at most one
//! template: that is the email a nurture step sends (see
//! [`super::nurture`]).

use chrono::{DateTime, Utc};
use pulse_actors::leads::LeadStatus;
use serde::Serialize;
use uuid::Uuid;

use super::email::{is_html, placeholders};
use crate::db::notifications::{self as db, BindingChange, TemplateRow, TemplateWrite};
use crate::db::nurture::select_stage_exists;
use crate::error::ApiError;
use crate::routes::validate::Checks;
use crate::state::AppState;

/// A template as the API returns it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailTemplate {
    pub id: Uuid,
    pub name: String,
    pub subject: String,
    pub body: String,
    /// The placeholders the subject and body use, in order of appearance.
    pub placeholders: Vec<String>,
    /// The stage whose deals get this email (when its `auto_nurture` is on).
    pub stage_id: Option<Uuid>,
    /// The lead status whose leads get this email (when its flag is on,
    /// `GET /api/v1/lead-nurture`).
    pub lead_status: Option<LeadStatus>,
    /// `text/html` when the body holds HTML tags (values are then
    /// HTML-escaped), else `text/plain`.
    pub content_type: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<TemplateRow> for EmailTemplate {
    fn from(r: TemplateRow) -> Self {
        let mut names = placeholders(&r.subject);
        for n in placeholders(&r.body) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let content_type = if is_html(&r.body) { "text/html" } else { "text/plain" };
        EmailTemplate {
            id: r.id,
            name: r.name,
            subject: r.subject,
            placeholders: names,
            stage_id: r.stage_id,
            lead_status: r.lead_status.as_deref().and_then(LeadStatus::parse),
            content_type: content_type.to_owned(),
            body: r.body,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The fields of a template; `None` keeps the stored value. For the
/// bindings `Some(None)` unbinds.
#[derive(Debug, Default)]
pub struct TemplateFields<'a> {
    pub name: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub body: Option<&'a str>,
    pub stage_id: Option<Option<Uuid>>,
    pub lead_status: Option<Option<LeadStatus>>,
}

fn check(fields: &TemplateFields<'_>) -> Result<(), ApiError> {
    let mut checks = Checks::new();
    if let Some(name) = fields.name {
        checks.text("name", name, 100);
    }
    if let Some(subject) = fields.subject {
        checks.text("subject", subject, 300);
    }
    if let Some(body) = fields.body {
        let ok = (1..=20_000).contains(&body.chars().count()) && !body.contains('\0');
        checks.check(ok, "body", "must be 1 to 20000 characters, without NUL");
    }
    checks.finish()
}

/// The bindings must name one trigger at most, and a live stage of the
/// workspace (another workspace's stage is no stage).
async fn check_binding(
    c: &impl deadpool_postgres::GenericClient,
    ws: Uuid,
    f: &TemplateFields<'_>,
) -> Result<(), ApiError> {
    if let (Some(Some(_)), Some(Some(_))) = (f.stage_id, f.lead_status) {
        return Err(ApiError::FieldConflict {
            field: "lead_status",
            detail: "a template is bound to a stage or to a lead status, not both".into(),
        });
    }
    if let Some(Some(stage)) = f.stage_id {
        if !select_stage_exists(c, ws, stage).await? {
            return Err(ApiError::FieldConflict { field: "stage_id", detail: "no such stage".into() });
        }
    }
    Ok(())
}

fn not_found() -> ApiError {
    ApiError::NotFound("email template")
}

fn written(w: TemplateWrite) -> Result<EmailTemplate, ApiError> {
    match w {
        TemplateWrite::Written(row) => Ok(row.into()),
        TemplateWrite::NotFound => Err(not_found()),
        TemplateWrite::NameTaken => Err(ApiError::Conflict {
            code: "name_taken",
            detail: "another template of this workspace has this name".into(),
        }),
        TemplateWrite::BindingTaken => Err(ApiError::Conflict {
            code: "template_bound",
            detail: "another template is bound to this stage or lead status; unbind it first".into(),
        }),
    }
}

pub async fn list(state: &AppState, ws: Uuid) -> Result<Vec<EmailTemplate>, ApiError> {
    let client = state.db().await?;
    Ok(db::select_templates(&client, ws).await?.into_iter().map(EmailTemplate::from).collect())
}

/// Creates a template, bound to a stage, a lead status or nothing.
pub async fn create(
    state: &AppState,
    ws: Uuid,
    (name, subject, body): (&str, &str, &str),
    stage_id: Option<Uuid>,
    lead_status: Option<LeadStatus>,
) -> Result<EmailTemplate, ApiError> {
    let fields = TemplateFields {
        name: Some(name),
        subject: Some(subject),
        body: Some(body),
        stage_id: Some(stage_id),
        lead_status: Some(lead_status),
    };
    check(&fields)?;
    let client = state.db().await?;
    check_binding(&client, ws, &fields).await?;
    let binding = (fields.stage_id.flatten(), fields.lead_status.flatten().map(LeadStatus::as_str));
    written(db::insert_template(&client, ws, name.trim(), subject.trim(), body, binding).await?)
}

pub async fn update(
    state: &AppState,
    ws: Uuid,
    id: Uuid,
    fields: TemplateFields<'_>,
) -> Result<EmailTemplate, ApiError> {
    check(&fields)?;
    let client = state.db().await?;
    check_binding(&client, ws, &fields).await?;
    let (name, subject) = (fields.name.map(str::trim), fields.subject.map(str::trim));
    let binding =
        BindingChange { stage_id: fields.stage_id, lead_status: fields.lead_status.map(|s| s.map(LeadStatus::as_str)) };
    written(db::update_template(&client, ws, id, (name, subject, fields.body), &binding).await?)
}

pub async fn delete(state: &AppState, ws: Uuid, id: Uuid) -> Result<(), ApiError> {
    let client = state.db().await?;
    if db::delete_template(&client, ws, id).await? {
        Ok(())
    } else {
        Err(not_found())
    }
}
