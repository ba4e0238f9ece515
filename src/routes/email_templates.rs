//! `GET|POST /api/v1/email-templates`, `PATCH|DELETE /api/v1/email-templates/{id}`:
//! the workspace's nurture email templates (owners and managers), each
//! bound to the stage or lead status whose nurture step sends it.

use actix_web::{web, HttpResponse};
use pulse_actors::leads::LeadStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::ManageNotifications;
use crate::auth::Member;
use crate::error::ApiResult;
use crate::http::extract::{nullable, present, JsonBody, NoParams};
use crate::notifications::templates::{self, EmailTemplate, TemplateFields};
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EmailTemplatePath {
    /// The template's id.
    pub id: Uuid,
}

/// A new template. Placeholders are `{{name}}`: lowercase letters,
/// digits, `_` and `.` (`{{contact.first_name}}`); see docs/NOTIFICATIONS.md
/// for the names. A body with HTML tags is sent as HTML and its values
/// are HTML-escaped; any other body is plain text. Braces that name no
/// placeholder are kept as text. Bind it to a stage or a lead status (not
/// both; 409 `field_conflict`), one template per trigger (409 `template_bound`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmailTemplateRequest {
    /// Unique in the workspace.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub subject: String,
    #[schema(min_length = 1, max_length = 20000, pattern = r"^[^\u0000]+$")]
    pub body: String,
    /// A live stage of the workspace: deals reaching it get this email
    /// when the stage's `auto_nurture` is on.
    #[serde(default)]
    pub stage_id: Option<Uuid>,
    /// Leads reaching this status get this email when the status's flag
    /// is on (`PATCH /api/v1/lead-nurture`).
    #[serde(default)]
    pub lead_status: Option<LeadStatus>,
}

/// The fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEmailTemplateRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 1, max_length = 20000, pattern = r"^[^\u0000]+$")]
    pub body: Option<String>,
    /// Binds the template to this stage (and unbinds its lead status);
    /// `null` unbinds the stage.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub stage_id: Option<Option<Uuid>>,
    /// Binds the template to this lead status (and unbinds its stage);
    /// `null` unbinds the status.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<LeadStatus>)]
    pub lead_status: Option<Option<LeadStatus>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailTemplateList {
    /// By name.
    pub templates: Vec<EmailTemplate>,
}

/// The workspace's email templates.
#[utoipa::path(get, path = "/api/v1/email-templates", tag = "notifications", security(("session" = [])),
    responses((status = 200, body = EmailTemplateList)))]
pub async fn list_email_templates(
    state: web::Data<AppState>,
    member: Member<ManageNotifications>,
    _query: web::Query<NoParams>,
) -> ApiResult<HttpResponse> {
    let templates = templates::list(&state, member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(EmailTemplateList { templates }))
}

/// Creates a template.
#[utoipa::path(post, path = "/api/v1/email-templates", tag = "notifications", security(("session" = [])),
    request_body = CreateEmailTemplateRequest,
    responses((status = 201, body = EmailTemplate), (status = 409, description = "`name_taken`, `template_bound`, `field_conflict`", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create_email_template(
    state: web::Data<AppState>,
    member: Member<ManageNotifications>,
    body: JsonBody<CreateEmailTemplateRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let text = (b.name.as_str(), b.subject.as_str(), b.body.as_str());
    let t = templates::create(&state, member.workspace_id, text, b.stage_id, b.lead_status).await?;
    Ok(HttpResponse::Created().json(t))
}

/// Changes a template.
#[utoipa::path(patch, path = "/api/v1/email-templates/{id}", tag = "notifications", security(("session" = [])),
    params(EmailTemplatePath), request_body = UpdateEmailTemplateRequest,
    responses((status = 200, body = EmailTemplate), (status = 404, response = doc::NotFound),
        (status = 409, description = "`name_taken`, `template_bound`, `field_conflict`", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn update_email_template(
    state: web::Data<AppState>,
    member: Member<ManageNotifications>,
    path: web::Path<EmailTemplatePath>,
    body: JsonBody<UpdateEmailTemplateRequest>,
) -> ApiResult<HttpResponse> {
    let fields = TemplateFields {
        name: body.name.as_deref(),
        subject: body.subject.as_deref(),
        body: body.body.as_deref(),
        stage_id: body.stage_id,
        lead_status: body.lead_status,
    };
    let t = templates::update(&state, member.workspace_id, path.id, fields).await?;
    Ok(HttpResponse::Ok().json(t))
}

/// Deletes a template.
#[utoipa::path(delete, path = "/api/v1/email-templates/{id}", tag = "notifications", security(("session" = [])),
    params(EmailTemplatePath), responses((status = 204), (status = 404, response = doc::NotFound)))]
pub async fn delete_email_template(
    state: web::Data<AppState>,
    member: Member<ManageNotifications>,
    path: web::Path<EmailTemplatePath>,
) -> ApiResult<HttpResponse> {
    templates::delete(&state, member.workspace_id, path.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
