//! `GET /api/v1/{contacts,companies,activities,deals,leads}/export`: a
//! filtered list as a streamed CSV file (`crm::export`). Owners and
//! managers only, never API tokens; every export is audited.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use pulse_actors::deals::{DealPage, DealSort};
use pulse_actors::leads::{LeadPage, LeadReader, LeadSort};

use crate::auth::permissions::ExportData;
use crate::auth::Member;
use crate::crm::activities::ActivityQuery;
use crate::crm::companies::CompanyQuery;
use crate::crm::contacts::ContactQuery;
use crate::crm::export::{self as domain, Export, ExportList, Rows};
use crate::db::audit::Origin;
use crate::error::ApiResult;
use crate::routes::deals::ListDealsQuery;
use crate::routes::leads::ListLeadsQuery;
use crate::state::AppState;

/// The streamed answer: `text/csv`, offered as a download.
fn csv(export: Export, list: ExportList) -> HttpResponse {
    let name = domain::file_name(list, chrono::Utc::now());
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(export.into_stream())
}

/// The query string's pairs as given (recorded with the export).
fn pairs(req: &HttpRequest) -> Vec<(String, String)> {
    web::Query::<Vec<(String, String)>>::from_query(req.query_string()).map(|q| q.into_inner()).unwrap_or_default()
}

/// Contacts as CSV: every contact the list's filters select (`q`,
/// `company_id`, `owner_id`, `tag`, `cf.<key>`), oldest first, with a
/// column per custom field. Owners and managers; audited.
#[utoipa::path(get, path = "/api/v1/contacts/export", tag = "contacts", security(("session" = [])),
    params(
        ("q" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200, description = "As in the list"),
        ("company_id" = Option<uuid::Uuid>, Query), ("owner_id" = Option<uuid::Uuid>, Query),
        ("tag" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$", max_length = 50, description = "Repeatable: contacts with every tag given"),
        ("sort" = Option<String>, Query, pattern = "^(name|email|created_at|updated_at)$", description = "Accepted and ignored: exports are oldest first"),
        ("order" = Option<String>, Query, pattern = "^(asc|desc)$", description = "Accepted and ignored"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 100000, description = "Accepted and ignored: every match is exported"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "Accepted and ignored")),
    responses((status = 200, description = "The contacts as CSV (RFC 4180, UTF-8 with a byte order mark)", content_type = "text/csv", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"contacts-<time>.csv\"`")))))]
pub async fn export_contacts(
    state: web::Data<AppState>,
    member: Member<ExportData>,
    from: Origin,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    let q = ContactQuery::parse(&query)?;
    let list = ExportList::Contacts;
    let export =
        domain::start(&state, member.workspace_id, member.actor, from, list, &query, Rows::contacts(q.filter)).await?;
    Ok(csv(export, list))
}

/// Companies as CSV: every company the list's filters select (`q`,
/// `owner_id`, `status`, `industry`, `meta.<key>`, `cf.<key>`), oldest
/// first. Owners and managers; audited.
#[utoipa::path(get, path = "/api/v1/companies/export", tag = "companies", security(("session" = [])),
    params(
        ("q" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200, description = "As in the list"),
        ("owner_id" = Option<uuid::Uuid>, Query), ("status" = Option<String>, Query, pattern = "^(prospect|customer|partner|churned|inactive)$"),
        ("industry" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200),
        ("sort" = Option<String>, Query, pattern = "^(name|domain|renewal_date|created_at|updated_at)$", description = "Accepted and ignored: exports are oldest first"),
        ("order" = Option<String>, Query, pattern = "^(asc|desc)$", description = "Accepted and ignored"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 100000, description = "Accepted and ignored: every match is exported"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "Accepted and ignored")),
    responses((status = 200, description = "The companies as CSV (RFC 4180, UTF-8 with a byte order mark)", content_type = "text/csv", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"companies-<time>.csv\"`")))))]
pub async fn export_companies(
    state: web::Data<AppState>,
    member: Member<ExportData>,
    from: Origin,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    let q = CompanyQuery::parse(&query)?;
    let list = ExportList::Companies;
    let export =
        domain::start(&state, member.workspace_id, member.actor, from, list, &query, Rows::companies(q.filter)).await?;
    Ok(csv(export, list))
}

/// Activities as CSV: every activity the list's filters select, oldest
/// first. Owners and managers; audited.
#[utoipa::path(get, path = "/api/v1/activities/export", tag = "activities", security(("session" = [])),
    params(
        ("type" = Option<String>, Query, pattern = "^(task|call|meeting|email|note)$"),
        ("assignee_id" = Option<uuid::Uuid>, Query, description = "Also accepted as `assignee`"), ("contact_id" = Option<uuid::Uuid>, Query), ("company_id" = Option<uuid::Uuid>, Query),
        ("deal_id" = Option<uuid::Uuid>, Query), ("lead_id" = Option<uuid::Uuid>, Query),
        ("overdue" = Option<bool>, Query, description = "Open tasks past their due time"),
        ("due" = Option<String>, Query, pattern = "^(today|week)$", description = "Due today or this ISO week (UTC)"),
        ("mine" = Option<bool>, Query, description = "Tasks assigned to the caller"),
        ("completed" = Option<bool>, Query), ("sort" = Option<String>, Query, pattern = "^(created_at|due_at)$", description = "Accepted and ignored: exports are oldest first"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 100000, description = "Accepted and ignored: every match is exported"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "Accepted and ignored")),
    responses((status = 200, description = "The activities as CSV (RFC 4180, UTF-8 with a byte order mark)", content_type = "text/csv", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"activities-<time>.csv\"`")))))]
pub async fn export_activities(
    state: web::Data<AppState>,
    member: Member<ExportData>,
    from: Origin,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    let mut q = ActivityQuery::parse(&query)?;
    if q.mine {
        // Exports are for people, so there is always someone to ask for.
        q.filter.assignee_id = member.user_id();
        q.filter.kind = Some("task".to_owned());
    }
    let list = ExportList::Activities;
    let export =
        domain::start(&state, member.workspace_id, member.actor, from, list, &query, Rows::activities(q.filter))
            .await?;
    Ok(csv(export, list))
}

/// Deals as CSV, from the workspace actor's memory: every deal the list's
/// filters select (deleted ones with `deleted=true`), oldest first, with
/// pipeline and stage names. Owners and managers; audited.
#[utoipa::path(get, path = "/api/v1/deals/export", tag = "deals", security(("session" = [])),
    params(ListDealsQuery),
    responses((status = 200, description = "The deals as CSV (RFC 4180, UTF-8 with a byte order mark); `offset`, `limit`, `sort` and `order` are accepted and ignored",
        content_type = "text/csv", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"deals-<time>.csv\"`")))))]
pub async fn export_deals(
    state: web::Data<AppState>,
    member: Member<ExportData>,
    from: Origin,
    req: HttpRequest,
    query: web::Query<ListDealsQuery>,
) -> ApiResult<HttpResponse> {
    // The window is checked like the list's, then not applied.
    crate::routes::validate::list_window(query.q.as_deref(), query.offset, query.limit)?;
    let filter = query.filter()?;
    let ws = member.workspace_id;
    let page = DealPage { sort: DealSort::CreatedAt, descending: false, offset: 0, limit: usize::MAX };
    let (deals, _) = state.realtime.deals(ws, filter, crate::deals::reader(&member), page).await?;
    let pipelines = state.realtime.pipelines(ws).await?;
    let list = ExportList::Deals;
    let rows = Rows::deals(deals, &pipelines);
    let export = domain::start(&state, ws, member.actor, from, list, &pairs(&req), rows).await?;
    Ok(csv(export, list))
}

/// Leads as CSV, from the workspace actor's memory: every lead the list's
/// filters select, oldest first. Owners and managers; audited.
#[utoipa::path(get, path = "/api/v1/leads/export", tag = "leads", security(("session" = [])),
    params(ListLeadsQuery),
    responses((status = 200, description = "The leads as CSV (RFC 4180, UTF-8 with a byte order mark); `offset`, `limit`, `sort` and `order` are accepted and ignored",
        content_type = "text/csv", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"leads-<time>.csv\"`")))))]
pub async fn export_leads(
    state: web::Data<AppState>,
    member: Member<ExportData>,
    from: Origin,
    req: HttpRequest,
    query: web::Query<ListLeadsQuery>,
) -> ApiResult<HttpResponse> {
    // The window is checked like the list's, then not applied.
    crate::routes::validate::list_window(query.q.as_deref(), query.offset, query.limit)?;
    let ws = member.workspace_id;
    let page = LeadPage { sort: LeadSort::CreatedAt, descending: false, offset: 0, limit: usize::MAX };
    let reader = LeadReader { user_id: member.user_id(), sees_all: true };
    let (leads, _) = state.realtime.leads(ws, query.filter(), reader, page).await?;
    let list = ExportList::Leads;
    let export = domain::start(&state, ws, member.actor, from, list, &pairs(&req), Rows::leads(leads)).await?;
    Ok(csv(export, list))
}
