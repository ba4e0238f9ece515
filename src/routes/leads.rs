//! `/api/v1/leads`, `/api/v1/lead-sources`, `/api/v1/lead-scoring`: leads
//! held and written by the workspace actor (see `pulse_actors::leads`),
//! their sources and scoring weights, score history and conversion.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use pulse_actors::deals::{Command, Outcome};
use pulse_actors::leads::{
    Band, Convert, LeadChanges, LeadFilter, LeadPage, LeadReader, LeadSort, LeadStatus, LeadView, Link, NewLead,
    Source, Weights,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::{ManagePipelines, ReadLeads, WriteLeads};
use crate::auth::{Member, Role};
use crate::db::audit::Origin;
use crate::deals::{caller, check_members};
use crate::error::{ApiError, ApiResult};
use crate::http::etag::{etag, Precondition};
use crate::http::extract::{nullable, present, JsonBody};
use crate::openapi as doc;
use crate::routes::deals::{normalise_tags, SortOrder};
use crate::routes::validate::Checks;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LeadPath {
    /// The lead's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SourcePath {
    /// The source's slug.
    pub slug: String,
}

const SIZES: &[&str] = &["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"];

/// A new lead. A name or an email is required.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLeadRequest {
    #[serde(default)]
    #[schema(max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub first_name: String,
    #[serde(default)]
    #[schema(max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub last_name: String,
    #[serde(default)]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub phone: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub company_name: Option<String>,
    /// `1-10`, `11-50`, `51-200`, `201-500`, `501-1000`, `1001-5000` or `5000+`.
    #[serde(default)]
    #[schema(pattern = r"^(1-10|11-50|51-200|201-500|501-1000|1001-5000|5000\+)$")]
    pub company_size: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub job_title: Option<String>,
    /// Minor units of the workspace's currency.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub estimated_value: Option<i64>,
    /// A built-in source or a custom one's slug; default `other`.
    #[serde(default)]
    pub source: Option<String>,
    /// An active member; defaults to the caller (reps may only name themselves).
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub next_action: Option<String>,
    #[serde(default)]
    pub next_action_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 10000, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    pub notes: Option<String>,
    #[serde(default)]
    #[schema(max_items = 30)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    /// Your system's id for this lead: sending it again returns the lead
    /// created the first time instead of a duplicate.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub external_id: Option<String>,
}

/// Fields to change; `null` clears a clearable field.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLeadRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 254, format = Email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 50, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub company_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, pattern = r"^(1-10|11-50|51-200|201-500|501-1000|1001-5000|5000\+)$")]
    pub company_size: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub job_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub estimated_value: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub source: Option<String>,
    /// new -> contacted -> qualified -> unqualified, unqualified -> contacted;
    /// `converted` only through conversion. `qualified` needs a next action date.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<LeadStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub next_action: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub next_action_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 10000, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 30)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, value_type = Option<Object>)]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertLeadRequest {
    /// The pipeline of the new deal; the first active one by default.
    #[serde(default)]
    pub pipeline_id: Option<Uuid>,
    /// Its stage; the pipeline's first open stage by default.
    #[serde(default)]
    pub stage_id: Option<Uuid>,
    /// The deal's title; the company's (or the lead's) name by default.
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub deal_title: Option<String>,
}

/// Engagement to add to a lead, as an integration observes it (an email
/// provider's open and click webhooks, a meeting tool).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementRequest {
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub emails_opened: i32,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub emails_clicked: i32,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub meetings: i32,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListLeadsQuery {
    /// Text in the name, email or company.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub status: Option<LeadStatus>,
    pub source: Option<String>,
    pub owner_id: Option<Uuid>,
    /// Overdue next action or no update in 7 days.
    pub stale: Option<bool>,
    /// `hot` (70-100), `warm` (40-69) or `cold` (0-39).
    pub band: Option<Band>,
    /// Leads carrying this tag (case-insensitive).
    pub tag: Option<String>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    /// Only stale or overdue leads (the "needs attention" list).
    pub needs_attention: Option<bool>,
    pub sort: Option<LeadSort>,
    pub order: Option<SortOrder>,
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

impl ListLeadsQuery {
    /// The leads the list's filters select (the list and its CSV export).
    pub fn filter(&self) -> LeadFilter {
        LeadFilter {
            q: self.q.clone(),
            status: self.status,
            source: self.source.clone(),
            owner_id: self.owner_id,
            stale: self.stale,
            band: self.band,
            tag: self.tag.clone(),
            created_from: self.created_from,
            created_to: self.created_to,
            needs_attention: self.needs_attention.unwrap_or(false),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeadListResponse {
    pub leads: Vec<LeadView>,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScoreEntry {
    pub score: i16,
    /// Points per factor, and the decay (negative).
    #[schema(value_type = Object)]
    pub factors: serde_json::Value,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScoreHistoryResponse {
    /// Newest first.
    pub scores: Vec<ScoreEntry>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceListResponse {
    pub sources: Vec<Source>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSourceRequest {
    /// Lowercase letters, digits, `-` and `_`, 1 to 40.
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{0,39}$")]
    pub slug: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub label: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSourceRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub label: Option<String>,
    /// Archived sources stay on old leads but take no new ones.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub archived: Option<bool>,
}

/// After a lead write: run the nurture step of a status it reached, tell
/// a new owner it is theirs, and the owner that their lead turned hot
/// (never for their own action).
pub async fn lead_signals(
    state: &AppState,
    ws: Uuid,
    actor: Option<crate::auth::Actor>,
    before: Option<&LeadView>,
    after: &LeadView,
) {
    use crate::notifications::nurture::{after_write, Trigger};
    use crate::notifications::{NewNotification, Signal};
    let reached_status = match before {
        Some(b) => b.lead.status != after.lead.status,
        None => after.lead.version == 1,
    };
    if reached_status {
        after_write(state, ws, actor, Trigger::Lead { id: after.lead.id, status: after.lead.status }).await;
    }
    let Some(owner) = after.lead.owner_id else { return };
    let link = Some(("lead", after.lead.id));
    let newly_owned = match before {
        Some(b) => b.lead.owner_id != Some(owner),
        None => after.lead.version == 1,
    };
    if newly_owned {
        let n = NewNotification {
            recipient: owner,
            kind: Signal::Assignments,
            title: format!("Lead assigned to you: {}", after.name),
            body: String::new(),
            link,
            actor,
        };
        crate::deals::notify_after(state, ws, n).await;
    }
    if after.band == Band::Hot && before.is_none_or(|b| b.band != Band::Hot) && after.lead.version >= 1 {
        let n = NewNotification {
            recipient: owner,
            kind: Signal::HotLeads,
            title: format!("{} is now a hot lead ({})", after.name, after.lead.score),
            body: String::new(),
            link,
            actor,
        };
        crate::deals::notify_after(state, ws, n).await;
    }
}

fn lead_reader<P>(m: &Member<P>) -> LeadReader {
    LeadReader { user_id: m.actor.user_id(), sees_all: m.role != Some(Role::Rep) }
}

fn reply(status: actix_web::http::StatusCode, w: pulse_actors::deals::Written) -> ApiResult<HttpResponse> {
    Ok(crate::routes::deals::deal_reply(status, w))
}

/// Text fields: lengths, control characters, email, size, tags.
#[allow(clippy::too_many_arguments)]
fn check_fields(
    c: &mut Checks,
    names: (&str, &str),
    email: Option<&str>,
    phone: Option<&str>,
    company: Option<&str>,
    size: Option<&str>,
    title: Option<&str>,
    texts: (Option<&str>, Option<&str>),
    tags: Option<&Vec<String>>,
) {
    let plain = |s: &str, max: usize| s.chars().count() <= max && !s.chars().any(char::is_control);
    c.check(plain(names.0, 100), "first_name", "at most 100 characters, without control characters");
    c.check(plain(names.1, 100), "last_name", "at most 100 characters, without control characters");
    if let Some(e) = email {
        c.email("email", e);
    }
    c.check(phone.is_none_or(|p| plain(p, 50)), "phone", "at most 50 characters");
    c.check(company.is_none_or(|p| !p.trim().is_empty() && plain(p, 200)), "company_name", "1 to 200 characters");
    c.check(
        size.is_none_or(|s| SIZES.contains(&s)),
        "company_size",
        "one of 1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5000+",
    );
    c.check(title.is_none_or(|p| plain(p, 200)), "job_title", "at most 200 characters");
    c.check(texts.0.is_none_or(|p| plain(p, 500)), "next_action", "at most 500 characters");
    c.check(
        texts.1.is_none_or(|p| {
            p.chars().count() <= 10_000 && !p.chars().any(|ch| ch.is_control() && ch != '\n' && ch != '\t')
        }),
        "notes",
        "at most 10,000 characters",
    );
    if let Some(tags) = tags {
        c.check(tags.len() <= 30, "tags", "at most 30 tags");
        c.check(
            tags.iter().all(|t| !t.trim().is_empty() && plain(t.trim(), 50)),
            "tags",
            "each tag is 1 to 50 characters",
        );
    }
}

/// Creates a lead (owners, managers, reps; tokens with `leads:write`).
/// With `external_id`, or an `Idempotency-Key`, a repeat returns the first result.
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", security(("session" = []), ("bearer" = ["leads:write"])),
    request_body = CreateLeadRequest,
    responses((status = 201, body = LeadView), (status = 409, response = doc::Conflict)))]
pub async fn create_lead(
    state: web::Data<AppState>,
    member: Member<WriteLeads>,
    from: Origin,
    body: JsonBody<CreateLeadRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut c = Checks::new();
    check_fields(
        &mut c,
        (&b.first_name, &b.last_name),
        b.email.as_deref(),
        b.phone.as_deref(),
        b.company_name.as_deref(),
        b.company_size.as_deref(),
        b.job_title.as_deref(),
        (b.next_action.as_deref(), b.notes.as_deref()),
        Some(&b.tags),
    );
    c.check(
        !(b.first_name.trim().is_empty() && b.last_name.trim().is_empty() && b.email.is_none()),
        "email",
        "a lead needs a name or an email",
    );
    c.check(
        b.external_id
            .as_deref()
            .is_none_or(|e| !e.is_empty() && e.chars().count() <= 200 && !e.chars().any(char::is_control)),
        "external_id",
        "1 to 200 characters",
    );
    c.finish()?;
    if let Some(o) = b.owner_id {
        check_members(&state.db().await?, member.workspace_id, &[o], "owner_id").await?;
    }
    crate::crm::custom_fields::validate_custom_fields(
        &state.db().await?,
        member.workspace_id,
        "lead",
        &b.custom_fields,
    )
    .await?;
    let new = NewLead {
        first_name: b.first_name.trim().to_owned(),
        last_name: b.last_name.trim().to_owned(),
        email: b.email.map(|e| e.trim().to_owned()),
        phone: b.phone,
        company_name: b.company_name.map(|s| s.trim().to_owned()),
        company_size: b.company_size,
        job_title: b.job_title,
        estimated_value: b.estimated_value,
        source: b.source.unwrap_or_else(|| "other".into()),
        owner_id: b.owner_id,
        next_action: b.next_action,
        next_action_date: b.next_action_date,
        notes: b.notes,
        tags: normalise_tags(b.tags),
        custom_fields: serde_json::Value::Object(b.custom_fields),
        external_id: b.external_id,
    };
    let w =
        state.realtime.write(member.workspace_id, caller(&member, &from), Command::CreateLead(Box::new(new))).await?;
    if let Outcome::Lead(l) = &w.outcome {
        lead_signals(&state, member.workspace_id, Some(member.actor), None, l).await;
    }
    reply(actix_web::http::StatusCode::CREATED, w)
}

/// Lists leads from memory. Reps see the leads they own.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", security(("session" = []), ("bearer" = ["leads:read"])),
    params(ListLeadsQuery), responses((status = 200, body = LeadListResponse)))]
pub async fn list_leads(
    state: web::Data<AppState>,
    member: Member<ReadLeads>,
    query: web::Query<ListLeadsQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let (offset, limit) = crate::routes::validate::list_window(q.q.as_deref(), q.offset, q.limit)?;
    let filter = q.filter();
    let page = LeadPage {
        sort: q.sort.unwrap_or_default(),
        descending: matches!(q.order, Some(SortOrder::Desc)),
        offset,
        limit,
    };
    let (leads, total) = state.realtime.leads(member.workspace_id, filter, lead_reader(&member), page).await?;
    Ok(HttpResponse::Ok().json(LeadListResponse { leads, total, offset, limit }))
}

/// One lead.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", security(("session" = []), ("bearer" = ["leads:read"])),
    params(LeadPath), responses((status = 200, body = LeadView, headers(("ETag" = String))), (status = 404, response = doc::NotFound)))]
pub async fn get_lead(
    state: web::Data<AppState>,
    member: Member<ReadLeads>,
    path: web::Path<LeadPath>,
) -> ApiResult<HttpResponse> {
    let l = state.realtime.lead(member.workspace_id, path.id, lead_reader(&member)).await?;
    let l = l.ok_or(ApiError::NotFound("lead"))?;
    Ok(HttpResponse::Ok().insert_header(etag(l.lead.version)).json(l))
}

/// Changes a lead: fields, status (the status flow), owner (managers and owners).
#[utoipa::path(patch, path = "/api/v1/leads/{id}", tag = "leads", security(("session" = []), ("bearer" = ["leads:write"])),
    params(LeadPath, ("If-Match" = Option<String>, Header, nullable = false, description = "`\"<version>\"` from the ETag",
        pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = UpdateLeadRequest,
    responses((status = 200, body = LeadView), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict),
        (status = 412, response = doc::PreconditionFailed)))]
pub async fn update_lead(
    state: web::Data<AppState>,
    member: Member<WriteLeads>,
    req: HttpRequest,
    from: Origin,
    path: web::Path<LeadPath>,
    body: JsonBody<UpdateLeadRequest>,
) -> ApiResult<HttpResponse> {
    let pre = Precondition::from_request(&req)?;
    let b = body.0;
    let mut c = Checks::new();
    check_fields(
        &mut c,
        (b.first_name.as_deref().unwrap_or(""), b.last_name.as_deref().unwrap_or("")),
        b.email.clone().flatten().as_deref(),
        b.phone.clone().flatten().as_deref(),
        b.company_name.clone().flatten().as_deref(),
        b.company_size.clone().flatten().as_deref(),
        b.job_title.clone().flatten().as_deref(),
        (b.next_action.clone().flatten().as_deref(), b.notes.clone().flatten().as_deref()),
        b.tags.as_ref(),
    );
    c.finish()?;
    if let Some(Some(o)) = b.owner_id {
        check_members(&state.db().await?, member.workspace_id, &[o], "owner_id").await?;
    }
    if let Some(cf) = &b.custom_fields {
        crate::crm::custom_fields::validate_custom_fields(&state.db().await?, member.workspace_id, "lead", cf).await?;
    }
    let changes = LeadChanges {
        first_name: b.first_name.map(|s| s.trim().to_owned()),
        last_name: b.last_name.map(|s| s.trim().to_owned()),
        email: b.email.map(|e| e.map(|e| e.trim().to_owned())),
        phone: b.phone,
        company_name: b.company_name.map(|s| s.map(|s| s.trim().to_owned())),
        company_size: b.company_size,
        job_title: b.job_title,
        estimated_value: b.estimated_value,
        source: b.source,
        status: b.status,
        owner_id: b.owner_id,
        next_action: b.next_action,
        next_action_date: b.next_action_date,
        notes: b.notes,
        tags: b.tags.map(normalise_tags),
        custom_fields: b.custom_fields.map(serde_json::Value::Object),
    };
    let before = state.realtime.lead(member.workspace_id, path.id, lead_reader(&member)).await?;
    let cmd = Command::UpdateLead { id: path.id, changes: Box::new(changes), if_version: pre.expected() };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    if let Outcome::Lead(l) = &w.outcome {
        lead_signals(&state, member.workspace_id, Some(member.actor), before.as_ref(), l).await;
    }
    reply(actix_web::http::StatusCode::OK, w)
}

/// Deletes a lead.
#[utoipa::path(delete, path = "/api/v1/leads/{id}", tag = "leads", security(("session" = []), ("bearer" = ["leads:write"])),
    params(LeadPath), responses((status = 204), (status = 404, response = doc::NotFound)))]
pub async fn delete_lead(
    state: web::Data<AppState>,
    member: Member<WriteLeads>,
    from: Origin,
    path: web::Path<LeadPath>,
) -> ApiResult<HttpResponse> {
    state.realtime.write(member.workspace_id, caller(&member, &from), Command::DeleteLead { id: path.id }).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Converts a lead, in one transaction, into a contact, a company (when
/// it names one) and a deal. An existing contact with the lead's email,
/// or company with its name or email domain, is linked instead of
/// duplicated. Converting again returns the same result.
#[utoipa::path(post, path = "/api/v1/leads/{id}/convert", tag = "leads", security(("session" = []), ("bearer" = ["leads:write"])),
    params(LeadPath), request_body = ConvertLeadRequest,
    responses((status = 200, body = LeadView), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn convert_lead(
    state: web::Data<AppState>,
    member: Member<WriteLeads>,
    from: Origin,
    path: web::Path<LeadPath>,
    body: JsonBody<ConvertLeadRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    if let Some(t) = &b.deal_title {
        Checks::new().text("deal_title", t, 200).finish()?;
    }
    let ws = member.workspace_id;
    let lead = state.realtime.lead(ws, path.id, lead_reader(&member)).await?.ok_or(ApiError::NotFound("lead"))?;
    let client = state.db().await?;
    let l = &lead.lead;
    let contact = match &l.email {
        Some(email) => crate::db::leads::select_contact_by_email(&client, ws, email).await?,
        None => None,
    };
    let domain = l.email.as_deref().and_then(|e| e.rsplit_once('@')).map(|(_, d)| d.to_lowercase());
    let company = match &l.company_name {
        Some(name) => {
            let found =
                crate::db::leads::select_company_by_name_or_domain(&client, ws, name, domain.as_deref()).await?;
            Some(found.map_or(Link::New, |(id, name)| Link::Existing { id, name }))
        }
        None => None,
    };
    let currency = crate::workspaces::get_settings(&state, ws).await?.currency;
    let convert = Convert {
        id: path.id,
        pipeline_id: b.pipeline_id,
        stage_id: b.stage_id,
        deal_title: b.deal_title.map(|t| t.trim().to_owned()),
        currency,
        contact: contact.map_or(Link::New, |(id, name)| Link::Existing { id, name }),
        company,
    };
    let w = state.realtime.write(ws, caller(&member, &from), Command::ConvertLead(Box::new(convert))).await?;
    if let Outcome::Lead(l) = &w.outcome {
        crate::deals::nurture_converted(&state, ws, member.actor, l).await;
    }
    reply(actix_web::http::StatusCode::OK, w)
}

/// Adds engagement to a lead (emails opened or clicked, meetings) and
/// scores it again; for integrations that see those events.
#[utoipa::path(post, path = "/api/v1/leads/{id}/engagement", tag = "leads", security(("session" = []), ("bearer" = ["leads:write"])),
    params(LeadPath), request_body = EngagementRequest,
    responses((status = 200, body = LeadView), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn record_engagement(
    state: web::Data<AppState>,
    member: Member<WriteLeads>,
    from: Origin,
    path: web::Path<LeadPath>,
    body: JsonBody<EngagementRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut c = Checks::new();
    for (name, v) in
        [("emails_opened", b.emails_opened), ("emails_clicked", b.emails_clicked), ("meetings", b.meetings)]
    {
        c.check((0..=1000).contains(&v), name, "a count from 0 to 1000");
    }
    c.finish()?;
    let before = state.realtime.lead(member.workspace_id, path.id, lead_reader(&member)).await?;
    let delta = pulse_actors::leads::Engagement {
        activities: 0,
        emails_opened: b.emails_opened,
        emails_clicked: b.emails_clicked,
        meetings: b.meetings,
    };
    let cmd = Command::RecordEngagement { id: path.id, delta };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    if let Outcome::Lead(l) = &w.outcome {
        lead_signals(&state, member.workspace_id, Some(member.actor), before.as_ref(), l).await;
    }
    reply(actix_web::http::StatusCode::OK, w)
}

/// The lead's score history, newest first: every calculation with its
/// factors and reason.
#[utoipa::path(get, path = "/api/v1/leads/{id}/scores", tag = "leads", security(("session" = []), ("bearer" = ["leads:read"])),
    params(LeadPath), responses((status = 200, body = ScoreHistoryResponse), (status = 404, response = doc::NotFound)))]
pub async fn lead_scores(
    state: web::Data<AppState>,
    member: Member<ReadLeads>,
    path: web::Path<LeadPath>,
) -> ApiResult<HttpResponse> {
    state.realtime.lead(member.workspace_id, path.id, lead_reader(&member)).await?.ok_or(ApiError::NotFound("lead"))?;
    let rows = crate::db::leads::select_scores(&state.db().await?, member.workspace_id, path.id).await?;
    let scores =
        rows.into_iter().map(|(score, factors, reason, at)| ScoreEntry { score, factors, reason, at }).collect();
    Ok(HttpResponse::Ok().json(ScoreHistoryResponse { scores }))
}

/// Lead sources: the built-in ones and the workspace's own.
#[utoipa::path(get, path = "/api/v1/lead-sources", tag = "leads", security(("session" = []), ("bearer" = ["leads:read"])),
    responses((status = 200, body = SourceListResponse)))]
pub async fn list_sources(
    state: web::Data<AppState>,
    member: Member<ReadLeads>,
    _query: web::Query<crate::http::extract::NoParams>,
) -> ApiResult<HttpResponse> {
    let (sources, _) = state.realtime.lead_settings(member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(SourceListResponse { sources }))
}

/// Adds a custom source (owners and managers).
#[utoipa::path(post, path = "/api/v1/lead-sources", tag = "leads", security(("session" = [])),
    request_body = CreateSourceRequest, responses((status = 201, body = Source), (status = 409, response = doc::Conflict)))]
pub async fn create_source(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    body: JsonBody<CreateSourceRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut c = Checks::new();
    c.check(
        valid_slug(&b.slug),
        "slug",
        "lowercase letters, digits, - and _, 1 to 40, starting with a letter or digit",
    );
    c.text("label", &b.label, 100);
    c.finish()?;
    let cmd = Command::AddLeadSource { slug: b.slug, label: b.label.trim().to_owned() };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    reply(actix_web::http::StatusCode::CREATED, w)
}

fn valid_slug(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 40
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_')
}

/// Renames or archives a custom source (owners and managers).
#[utoipa::path(patch, path = "/api/v1/lead-sources/{slug}", tag = "leads", security(("session" = [])),
    params(SourcePath), request_body = UpdateSourceRequest,
    responses((status = 200, body = Source), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn update_source(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    path: web::Path<SourcePath>,
    body: JsonBody<UpdateSourceRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    if let Some(l) = &b.label {
        Checks::new().text("label", l, 100).finish()?;
    }
    let cmd = Command::UpdateLeadSource {
        slug: path.slug.clone(),
        label: b.label.map(|l| l.trim().to_owned()),
        archived: b.archived,
    };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    reply(actix_web::http::StatusCode::OK, w)
}

/// The workspace's scoring weights (docs/LEADS.md).
#[utoipa::path(get, path = "/api/v1/lead-scoring", tag = "leads", security(("session" = []), ("bearer" = ["leads:read"])),
    responses((status = 200, body = Weights)))]
pub async fn get_scoring(
    state: web::Data<AppState>,
    member: Member<ReadLeads>,
    _query: web::Query<crate::http::extract::NoParams>,
) -> ApiResult<HttpResponse> {
    let (_, weights) = state.realtime.lead_settings(member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(weights))
}

/// Replaces the scoring weights and re-scores every open lead (owners and
/// managers). Factor weights add up to at most 100.
#[utoipa::path(put, path = "/api/v1/lead-scoring", tag = "leads", security(("session" = [])),
    request_body = Weights, responses((status = 200, body = Weights), (status = 409, response = doc::Conflict)))]
pub async fn set_scoring(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    body: JsonBody<Weights>,
) -> ApiResult<HttpResponse> {
    let w = body.0;
    let factors = [w.source, w.company_size, w.value, w.title, w.completeness, w.engagement];
    let mut c = Checks::new();
    for (name, v) in [
        ("source", w.source),
        ("company_size", w.company_size),
        ("value", w.value),
        ("title", w.title),
        ("completeness", w.completeness),
        ("engagement", w.engagement),
        ("decay_per_day", w.decay_per_day),
        ("decay_grace_days", w.decay_grace_days),
    ] {
        c.check(v.is_finite() && (0.0..=100.0).contains(&v), name, "a number from 0 to 100");
    }
    c.finish()?;
    if factors.iter().sum::<f64>() > 100.0 {
        // Each weight is valid alone; together they leave no room.
        return Err(ApiError::FieldConflict {
            field: "weights",
            detail: "the factor weights add up to at most 100".into(),
        });
    }
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), Command::SetScoringWeights(w)).await?;
    reply(actix_web::http::StatusCode::OK, w)
}
