//! Nurture email templates, per workspace: a name, a subject and a body
//! with `{{placeholder}}`s that [`super::email::render`] fills with
//! HTML-escaped values. Names are unique in a workspace; another
//! workspace's template answers like a missing one.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::email::placeholders;
use crate::db::notifications::{self as db, TemplateRow, TemplateUpdate};
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
        EmailTemplate {
            id: r.id,
            name: r.name,
            subject: r.subject,
            body: r.body,
            placeholders: names,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The fields of a template; `None` keeps the stored value.
#[derive(Debug, Default)]
pub struct TemplateFields<'a> {
    pub name: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub body: Option<&'a str>,
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

fn not_found() -> ApiError {
    ApiError::NotFound("email template")
}

fn name_taken() -> ApiError {
    ApiError::Conflict { code: "name_taken", detail: "another template of this workspace has this name".into() }
}

pub async fn list(state: &AppState, ws: Uuid) -> Result<Vec<EmailTemplate>, ApiError> {
    let client = state.db().await?;
    Ok(db::select_templates(&client, ws).await?.into_iter().map(EmailTemplate::from).collect())
}

pub async fn create(
    state: &AppState,
    ws: Uuid,
    name: &str,
    subject: &str,
    body: &str,
) -> Result<EmailTemplate, ApiError> {
    check(&TemplateFields { name: Some(name), subject: Some(subject), body: Some(body) })?;
    let client = state.db().await?;
    let row = db::insert_template(&client, ws, name.trim(), subject.trim(), body).await?.ok_or_else(name_taken)?;
    Ok(row.into())
}

pub async fn update(
    state: &AppState,
    ws: Uuid,
    id: Uuid,
    fields: TemplateFields<'_>,
) -> Result<EmailTemplate, ApiError> {
    check(&fields)?;
    let client = state.db().await?;
    let (name, subject) = (fields.name.map(str::trim), fields.subject.map(str::trim));
    match db::update_template(&client, ws, id, name, subject, fields.body).await? {
        TemplateUpdate::Updated(row) => Ok(row.into()),
        TemplateUpdate::NotFound => Err(not_found()),
        TemplateUpdate::NameTaken => Err(name_taken()),
    }
}

pub async fn delete(state: &AppState, ws: Uuid, id: Uuid) -> Result<(), ApiError> {
    let client = state.db().await?;
    if db::delete_template(&client, ws, id).await? {
        Ok(())
    } else {
        Err(not_found())
    }
}
