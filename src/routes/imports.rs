//! `/api/v1/imports`: CSV imports of contacts, companies, leads and deals.
//! Owners and managers only (`ImportData`); API tokens never. See
//! docs/IMPORT.md for the flow: upload, mapping, dry run, start, revert.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::permissions::ImportData;
use crate::auth::Member;
use crate::db::audit::Origin;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::JsonBody;
use crate::imports::fields::Entity;
use crate::imports::run::Env;
use crate::imports::{self as domain, DryRun, Import, ImportIssue, ImportPage, MappingRequest};
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ImportPath {
    /// The import's id.
    pub id: Uuid,
}

/// The query of an upload.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// What the rows are.
    #[param(pattern = "^(contacts|companies|leads|deals)$")]
    pub entity: String,
    /// The file's name, shown in the list (default `import.csv`).
    #[param(pattern = r"^[^\u0000-\u001f\u007f-\u009f/\\]{1,255}$", max_length = 255)]
    pub filename: Option<String>,
}

/// `page` and `limit` of a list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

impl PageQuery {
    fn parse(&self) -> Result<crate::crm::PageRequest, ApiError> {
        let page = self.page.map(|p| p.to_string());
        let limit = self.limit.map(|l| l.to_string());
        crate::crm::parse_page(page.as_deref(), limit.as_deref())
    }
}

fn env(state: &AppState) -> Env {
    Env {
        realtime: state.realtime.clone(),
        database_url: state.settings.database_url.clone(),
        limits: state.settings.import_limits(),
        on_progress: None,
    }
}

fn bad_query(detail: &str) -> ApiError {
    ApiError::BadRequest { code: "bad_query", detail: detail.into() }
}

/// Content types a CSV upload may come with (browsers send
/// `application/vnd.ms-excel` for `.csv` on Windows).
fn csv_content_type(req: &HttpRequest) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return true };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    ["text/csv", "text/plain", "application/csv", "application/octet-stream", "application/vnd.ms-excel"]
        .contains(&essence.as_str())
}

/// Uploads a CSV file (the raw body) and returns the import: detected
/// encoding and delimiter, headers, first rows, row count and an automatic
/// mapping. Nothing is imported until `start`.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", security(("session" = [])),
    params(UploadQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, as is (UTF-8 or Windows-1252; `,` `;` tab or `|` delimited)"),
    responses((status = 201, body = Import), (status = 409, response = doc::Conflict)))]
pub async fn create_import(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    from: Origin,
    req: HttpRequest,
    query: web::Query<UploadQuery>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let entity =
        Entity::parse(&query.entity).ok_or_else(|| bad_query("entity must be contacts, companies, leads or deals"))?;
    let filename = query.filename.clone().unwrap_or_else(|| "import.csv".into());
    let name_ok = !filename.is_empty()
        && filename.chars().count() <= 255
        && !filename.chars().any(|c| c.is_control() || c == '/' || c == '\\');
    if !name_ok {
        return Err(bad_query("filename must be 1 to 255 characters, without control characters or slashes"));
    }
    if !csv_content_type(&req) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let limits = state.settings.import_limits();
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_file_bytes) {
        return Err(ApiError::PayloadTooLarge { limit: limits.max_file_bytes as usize });
    }
    let import =
        domain::upload(&state.pool, member.workspace_id, member.user_id(), entity, &filename, limits, body, &from)
            .await?;
    Ok(HttpResponse::Created().json(import))
}

/// The workspace's imports, newest first.
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", security(("session" = [])),
    params(PageQuery), responses((status = 200, body = ImportPage)))]
pub async fn list_imports(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.parse()?;
    Ok(HttpResponse::Ok().json(domain::list_imports(&state.pool, member.workspace_id, page).await?))
}

/// One import, with its progress.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", security(("session" = [])),
    params(ImportPath), responses((status = 200, body = Import), (status = 404, response = doc::NotFound)))]
pub async fn get_import(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    path: web::Path<ImportPath>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(domain::get_import(&state.pool, member.workspace_id, path.id).await?))
}

/// Sets which field each column is imported as (and what to do with
/// duplicates), before the import starts. A field that does not exist is
/// 409 `field_conflict` naming it.
#[utoipa::path(put, path = "/api/v1/imports/{id}/mapping", tag = "imports", security(("session" = [])),
    params(ImportPath), request_body = MappingRequest,
    responses((status = 200, body = Import), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn update_import_mapping(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    path: web::Path<ImportPath>,
    body: JsonBody<MappingRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(domain::update_mapping(&state.pool, member.workspace_id, path.id, body.0).await?))
}

/// Checks every row as the import would, writing nothing: invalid rows
/// (line, reason, column) and duplicates, each list cut at 1,000.
#[utoipa::path(post, path = "/api/v1/imports/{id}/dry-run", tag = "imports", security(("session" = [])),
    params(ImportPath),
    responses((status = 200, body = DryRun), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn dry_run_import(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    path: web::Path<ImportPath>,
) -> ApiResult<HttpResponse> {
    let limits = state.settings.import_limits();
    let report = domain::dry_run(&state.pool, &state.realtime, member.workspace_id, path.id, limits).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Starts the import in the background (202); progress arrives on the
/// `imports` topic. 409 when it was started already, or another import of
/// the workspace is running.
#[utoipa::path(post, path = "/api/v1/imports/{id}/start", tag = "imports", security(("session" = [])),
    params(ImportPath),
    responses((status = 202, body = Import), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn start_import(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    from: Origin,
    path: web::Path<ImportPath>,
) -> ApiResult<HttpResponse> {
    let import = domain::start(&env(&state), &state.pool, member.workspace_id, member.actor, path.id, &from).await?;
    Ok(HttpResponse::Accepted().json(import))
}

/// Reverts a completed or failed import in the background (202):
/// soft-deletes every record it created.
#[utoipa::path(post, path = "/api/v1/imports/{id}/revert", tag = "imports", security(("session" = [])),
    params(ImportPath),
    responses((status = 202, body = Import), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn revert_import(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    from: Origin,
    path: web::Path<ImportPath>,
) -> ApiResult<HttpResponse> {
    let import = domain::revert(&env(&state), &state.pool, member.workspace_id, member.actor, path.id, &from).await?;
    Ok(HttpResponse::Accepted().json(import))
}

/// The rows the run did not import (invalid ones and skipped duplicates),
/// by line.
#[utoipa::path(get, path = "/api/v1/imports/{id}/errors", tag = "imports", security(("session" = [])),
    params(ImportPath, PageQuery),
    responses((status = 200, body = Vec<ImportIssue>), (status = 404, response = doc::NotFound)))]
pub async fn list_import_errors(
    state: web::Data<AppState>,
    member: Member<ImportData>,
    path: web::Path<ImportPath>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = query.parse()?;
    Ok(HttpResponse::Ok().json(domain::list_errors(&state.pool, member.workspace_id, path.id, page).await?))
}

/// Starts the sweeper that resumes imports left `running` or `reverting`.
pub fn spawn_resumer(state: &AppState) -> tokio::task::JoinHandle<()> {
    let every = std::time::Duration::from_secs(state.settings.import_sweep_secs.max(1));
    crate::imports::run::spawn_sweeper(env(state), state.pool.clone(), every)
}
