//! Website lead widgets. Owners configure widgets (`/api/v1/lead-widgets`):
//! a name, the origins allowed to post, a default source and owner, and a
//! public key shown once (rotatable, revocable). `/widget.js` renders or
//! binds a form on the customer's site and posts to the public
//! `POST /api/v1/widget/{key}/leads`, which:
//! - accepts only the widget's allowed `Origin`s (and answers CORS for them);
//! - drops bots that fill the hidden `website` field, answering as if it
//!   had worked;
//! - allows 10 submissions per minute per IP and widget;
//! - answers nothing about the workspace;
//! - records every submission and its outcome for the widget's analytics.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use pulse_actors::deals::{Caller, Command, Origin as DealOrigin};
use pulse_actors::event::{ActorKind, ActorRef};
use pulse_actors::leads::NewLead;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::ManageSettings;
use crate::auth::{secrets, Member};
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::widgets::{self, NewWidget, WidgetRow};
use crate::deals::check_members;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{present, JsonBody};
use crate::openapi as doc;
use crate::routes::validate::{is_email, Checks};
use crate::state::AppState;

pub const SUBMISSIONS_PER_MINUTE: u32 = 10;
const KEY_PREFIX: &str = "pw_";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WidgetPath {
    /// The widget's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WidgetKeyPath {
    /// The widget's public key.
    pub key: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Widget {
    pub id: Uuid,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub default_source: String,
    pub default_owner_id: Option<Uuid>,
    /// The first characters of the key, to recognise it.
    pub key_prefix: String,
    pub created_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Submissions in the last 30 days, by outcome (`accepted`,
    /// `honeypot`, `rate_limited`, `invalid`, `origin_refused`).
    pub submissions: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WidgetWithKey {
    pub widget: Widget,
    /// The public key, shown this once: put it in the embed snippet.
    pub key: String,
    /// The snippet to paste into the site.
    pub snippet: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WidgetListResponse {
    pub widgets: Vec<Widget>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWidgetRequest {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// `https://example.com` (scheme, host and port only), 1 to 20.
    #[schema(min_items = 1, max_items = 20)]
    pub allowed_origins: Vec<String>,
    /// Default `website`.
    #[serde(default)]
    pub default_source: Option<String>,
    #[serde(default)]
    pub default_owner_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWidgetRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_items = 1, max_items = 20)]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub default_source: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub default_owner_id: Option<Option<Uuid>>,
}

/// A submission from a widget form.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WidgetSubmission {
    #[serde(default)]
    #[schema(max_length = 100)]
    pub first_name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub last_name: String,
    #[schema(max_length = 254)]
    pub email: String,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub company_name: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub job_title: Option<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub message: Option<String>,
    /// Leave empty: the hidden field bots fill in.
    #[serde(default)]
    pub website: Option<String>,
}

fn widget(r: WidgetRow, counts: Vec<(String, i64)>) -> Widget {
    Widget {
        id: r.id,
        name: r.name,
        allowed_origins: r.allowed_origins,
        default_source: r.default_source,
        default_owner_id: r.default_owner_id,
        key_prefix: r.key_prefix,
        created_at: r.created_at,
        rotated_at: r.rotated_at,
        revoked_at: r.revoked_at,
        submissions: counts.into_iter().collect(),
    }
}

/// `scheme://host[:port]` with nothing else, normalised to lowercase.
fn origin(s: &str) -> Option<String> {
    let u = url::Url::parse(s).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() || !matches!(u.path(), "" | "/") {
        return None;
    }
    if u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() {
        return None;
    }
    Some(u.origin().ascii_serialization())
}

fn new_key() -> String {
    format!("{KEY_PREFIX}{}", secrets::random_secret())
}

fn snippet(state: &AppState, key: &str) -> String {
    let base = state.origins.primary();
    format!("<form data-pulse-widget=\"{key}\"></form>\n<script src=\"{base}/widget.js\" async></script>")
}

async fn checked(
    state: &AppState,
    ws: Uuid,
    name: Option<&str>,
    origins: Option<&[String]>,
    source: Option<&str>,
    owner: Option<Uuid>,
) -> Result<Vec<String>, ApiError> {
    let mut c = Checks::new();
    if let Some(n) = name {
        c.text("name", n, 100);
    }
    let normalised: Vec<String> = origins.unwrap_or_default().iter().filter_map(|o| origin(o)).collect();
    if let Some(o) = origins {
        c.check(!o.is_empty() && o.len() <= 20, "allowed_origins", "1 to 20 origins");
        c.check(normalised.len() == o.len(), "allowed_origins", "each is scheme://host[:port], without a path");
    }
    c.finish()?;
    if let Some(s) = source {
        let (sources, _) = state.realtime.lead_settings(ws).await?;
        if !sources.iter().any(|x| x.slug == s && !x.archived) {
            return Err(ApiError::FieldConflict { field: "default_source", detail: format!("no source `{s}`") });
        }
    }
    if let Some(o) = owner {
        check_members(&state.db().await?, ws, &[o], "default_owner_id").await?;
    }
    Ok(normalised)
}

/// The workspace's widgets, with their submission counts (owners).
#[utoipa::path(get, path = "/api/v1/lead-widgets", tag = "leads", security(("session" = [])),
    responses((status = 200, body = WidgetListResponse)))]
pub async fn list_widgets(
    state: web::Data<AppState>,
    member: Member<ManageSettings>,
    _query: web::Query<crate::http::extract::NoParams>,
) -> ApiResult<HttpResponse> {
    let client = state.db().await?;
    let mut out = Vec::new();
    for w in widgets::select_widgets(&client, member.workspace_id).await? {
        let counts = widgets::select_submission_counts(&client, member.workspace_id, w.id).await?;
        out.push(widget(w, counts));
    }
    Ok(HttpResponse::Ok().json(WidgetListResponse { widgets: out }))
}

/// Creates a widget; its key is in this answer only (owners).
#[utoipa::path(post, path = "/api/v1/lead-widgets", tag = "leads", security(("session" = [])),
    request_body = CreateWidgetRequest, responses((status = 201, body = WidgetWithKey), (status = 409, response = doc::Conflict)))]
pub async fn create_widget(
    state: web::Data<AppState>,
    member: Member<ManageSettings>,
    from: Origin,
    body: JsonBody<CreateWidgetRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let ws = member.workspace_id;
    let source = b.default_source.unwrap_or_else(|| "website".into());
    let origins =
        checked(&state, ws, Some(&b.name), Some(&b.allowed_origins), Some(&source), b.default_owner_id).await?;
    let key = new_key();
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let new = NewWidget {
        name: b.name.trim(),
        allowed_origins: &origins,
        default_source: &source,
        default_owner_id: b.default_owner_id,
    };
    let row = widgets::insert_widget(&tx, ws, &new, &secrets::hash(&key), &secrets::display_prefix(&key)).await?;
    let entry = AuditEntry::new(Some(ws), Some(member.actor), "lead_widget.created").target("lead_widget", row.id);
    insert_audit(&tx, &entry.details(serde_json::json!({ "name": row.name, "origins": row.allowed_origins })), &from)
        .await?;
    tx.commit().await?;
    let snippet = snippet(&state, &key);
    Ok(HttpResponse::Created().json(WidgetWithKey { widget: widget(row, Vec::new()), key, snippet }))
}

/// Changes a widget's name, origins, default source or owner (owners).
#[utoipa::path(patch, path = "/api/v1/lead-widgets/{id}", tag = "leads", security(("session" = [])),
    params(WidgetPath), request_body = UpdateWidgetRequest,
    responses((status = 200, body = Widget), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn update_widget(
    state: web::Data<AppState>,
    member: Member<ManageSettings>,
    from: Origin,
    path: web::Path<WidgetPath>,
    body: JsonBody<UpdateWidgetRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let ws = member.workspace_id;
    let client = state.db().await?;
    let current = widgets::select_widget(&client, ws, path.id).await?.ok_or(ApiError::NotFound("widget"))?;
    drop(client);
    let owner = b.default_owner_id.flatten();
    let origins =
        checked(&state, ws, b.name.as_deref(), b.allowed_origins.as_deref(), b.default_source.as_deref(), owner)
            .await?;
    let name = b.name.map(|n| n.trim().to_owned()).unwrap_or(current.name);
    let origins = if b.allowed_origins.is_some() { origins } else { current.allowed_origins };
    let source = b.default_source.unwrap_or(current.default_source);
    let owner = b.default_owner_id.unwrap_or(current.default_owner_id);
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let new = NewWidget { name: &name, allowed_origins: &origins, default_source: &source, default_owner_id: owner };
    let row = widgets::update_widget(&tx, ws, path.id, &new).await?.ok_or(ApiError::NotFound("widget"))?;
    let entry = AuditEntry::new(Some(ws), Some(member.actor), "lead_widget.updated").target("lead_widget", row.id);
    insert_audit(&tx, &entry.details(serde_json::json!({ "origins": row.allowed_origins })), &from).await?;
    tx.commit().await?;
    let counts = widgets::select_submission_counts(&client, ws, row.id).await?;
    Ok(HttpResponse::Ok().json(widget(row, counts)))
}

/// Replaces a widget's key; the old one stops working at once (owners).
#[utoipa::path(post, path = "/api/v1/lead-widgets/{id}/rotate", tag = "leads", security(("session" = [])),
    params(WidgetPath), responses((status = 200, body = WidgetWithKey), (status = 404, response = doc::NotFound)))]
pub async fn rotate_widget(
    state: web::Data<AppState>,
    member: Member<ManageSettings>,
    from: Origin,
    path: web::Path<WidgetPath>,
) -> ApiResult<HttpResponse> {
    let key = new_key();
    let ws = member.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let row = widgets::rotate_widget(&tx, ws, path.id, &secrets::hash(&key), &secrets::display_prefix(&key))
        .await?
        .ok_or(ApiError::NotFound("widget"))?;
    let entry = AuditEntry::new(Some(ws), Some(member.actor), "lead_widget.rotated").target("lead_widget", row.id);
    insert_audit(&tx, &entry, &from).await?;
    tx.commit().await?;
    let counts = widgets::select_submission_counts(&client, ws, row.id).await?;
    let snippet = snippet(&state, &key);
    Ok(HttpResponse::Ok().json(WidgetWithKey { widget: widget(row, counts), key, snippet }))
}

/// Revokes a widget: its key stops working (owners).
#[utoipa::path(delete, path = "/api/v1/lead-widgets/{id}", tag = "leads", security(("session" = [])),
    params(WidgetPath), responses((status = 204), (status = 404, response = doc::NotFound)))]
pub async fn revoke_widget(
    state: web::Data<AppState>,
    member: Member<ManageSettings>,
    from: Origin,
    path: web::Path<WidgetPath>,
) -> ApiResult<HttpResponse> {
    let ws = member.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    if !widgets::revoke_widget(&tx, ws, path.id).await? {
        return Err(ApiError::NotFound("widget"));
    }
    let entry = AuditEntry::new(Some(ws), Some(member.actor), "lead_widget.revoked").target("lead_widget", path.id);
    insert_audit(&tx, &entry, &from).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

fn cors(res: &mut actix_web::HttpResponseBuilder, origin: &str) {
    res.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.to_owned())).insert_header((header::VARY, "Origin"));
}

/// The widget a key names and the request's allowed origin, or the answer
/// to give instead.
async fn admit(state: &AppState, req: &HttpRequest, key: &str) -> Result<(WidgetRow, String), ApiError> {
    let client = state.db().await?;
    let w = widgets::select_widget_by_key(&client, &secrets::hash(key)).await?.ok_or(ApiError::NotFound("widget"))?;
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).and_then(origin);
    match origin.filter(|o| w.allowed_origins.contains(o)) {
        Some(o) => Ok((w, o)),
        None => {
            widgets::insert_submission(&client, w.workspace_id, w.id, "origin_refused", None).await?;
            Err(ApiError::Forbidden("this site may not post to this form".into()))
        }
    }
}

/// CORS preflight for a widget's allowed origins.
pub async fn preflight_submission(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<WidgetKeyPath>,
) -> ApiResult<HttpResponse> {
    let client = state.db().await?;
    let w =
        widgets::select_widget_by_key(&client, &secrets::hash(&path.key)).await?.ok_or(ApiError::NotFound("widget"))?;
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).and_then(origin);
    let Some(o) = origin.filter(|o| w.allowed_origins.contains(o)) else {
        return Err(ApiError::Forbidden("this site may not post to this form".into()));
    };
    let mut res = HttpResponse::NoContent();
    cors(&mut res, &o);
    res.insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "POST"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
    Ok(res.finish())
}

/// A lead from a website form. Public: the key, the allowed origin and the
/// limits are the only gate. Answers `{"ok": true}` and nothing else.
#[utoipa::path(post, path = "/api/v1/widget/{key}/leads", tag = "leads", params(WidgetKeyPath),
    request_body = WidgetSubmission,
    responses((status = 201, description = "Received", body = Object), (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound), (status = 429, response = doc::TooManyRequests)))]
pub async fn submit_lead(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<WidgetKeyPath>,
    body: JsonBody<WidgetSubmission>,
) -> ApiResult<HttpResponse> {
    let (w, origin) = admit(&state, &req, &path.key).await?;
    let client = state.db().await?;
    let record = |outcome: &'static str, lead: Option<Uuid>| {
        let client = &client;
        let w = &w;
        async move { widgets::insert_submission(client, w.workspace_id, w.id, outcome, lead).await }
    };
    let ip = crate::http::client_ip(&req);
    let decision = state.widget_limiter.hit(&format!("w:{}:{ip}", w.id)).await;
    if !decision.allowed {
        record("rate_limited", None).await?;
        return Err(ApiError::TooManyRequests {
            retry_after: decision.reset_secs,
            detail: "too many submissions from here; try again in a minute".into(),
        });
    }
    let b = body.0;
    let mut ok = HttpResponse::Created();
    cors(&mut ok, &origin);
    if b.website.as_deref().is_some_and(|s| !s.is_empty()) {
        // A bot: it gets the answer a person gets, and nothing is stored.
        record("honeypot", None).await?;
        return Ok(ok.json(serde_json::json!({ "ok": true })));
    }
    let no_markup = |s: &str| !s.contains(['<', '>']) && !s.chars().any(char::is_control);
    let mut c = Checks::new();
    c.check(
        b.first_name.chars().count() <= 100 && no_markup(&b.first_name),
        "first_name",
        "at most 100 characters, no < or >",
    );
    c.check(
        b.last_name.chars().count() <= 100 && no_markup(&b.last_name),
        "last_name",
        "at most 100 characters, no < or >",
    );
    c.check(is_email(b.email.trim()), "email", "must be a valid email address");
    for (field, v, max) in
        [("phone", &b.phone, 50), ("company_name", &b.company_name, 200), ("job_title", &b.job_title, 200)]
    {
        c.check(
            v.as_deref().is_none_or(|s| s.chars().count() <= max && no_markup(s)),
            field,
            "too long, or contains < or >",
        );
    }
    c.check(
        b.message
            .as_deref()
            .is_none_or(|s| s.chars().count() <= 2000 && !s.chars().any(|ch| ch.is_control() && ch != '\n')),
        "message",
        "at most 2,000 characters",
    );
    if let Err(e) = c.finish() {
        record("invalid", None).await?;
        return Err(e);
    }
    let new = NewLead {
        first_name: b.first_name.trim().to_owned(),
        last_name: b.last_name.trim().to_owned(),
        email: Some(b.email.trim().to_owned()),
        phone: b.phone.filter(|s| !s.trim().is_empty()),
        company_name: b.company_name.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        company_size: None,
        job_title: b.job_title.filter(|s| !s.trim().is_empty()),
        estimated_value: None,
        source: w.default_source.clone(),
        owner_id: w.default_owner_id,
        next_action: None,
        next_action_date: None,
        notes: b.message.filter(|s| !s.trim().is_empty()),
        tags: Vec::new(),
        custom_fields: serde_json::json!({}),
        external_id: None,
    };
    let caller = Caller {
        actor: ActorRef { kind: ActorKind::Widget, id: w.id },
        user_id: None,
        // The widget assigns its default owner.
        edit_any: true,
        origin: DealOrigin {
            ip: Some(ip),
            user_agent: crate::http::user_agent(&req),
            request_id: crate::http::request_id::current_request_id(),
        },
    };
    let written = state.realtime.write(w.workspace_id, caller, Command::CreateLead(Box::new(new))).await?;
    let lead = match &written.outcome {
        pulse_actors::deals::Outcome::Lead(l) => {
            crate::routes::leads::lead_signals(&state, w.workspace_id, None, None, l).await;
            Some(l.lead.id)
        }
        _ => None,
    };
    record("accepted", lead).await?;
    Ok(ok.json(serde_json::json!({ "ok": true })))
}

/// The embeddable script: binds to `<form data-pulse-widget="KEY">` (or
/// renders its fields into an empty one) and posts to the widget endpoint.
#[utoipa::path(get, path = "/widget.js", tag = "leads",
    responses((status = 200, description = "The widget script", content_type = "application/javascript", body = String)))]
pub async fn widget_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(include_str!("../../static/widget.js"))
}
