//! `/api/v1/companies`: list, create, read, change, delete and the 360
//! view. Same rules as contacts (scopes `contacts:read` / `contacts:write`).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::permissions::{Entity, ReadContacts, WriteContacts};
use crate::auth::Member;
use crate::crm::companies::{
    self as domain, Company, CompanyOverview, CompanyPage, CompanyQuery, CreateCompanyRequest, UpdateCompanyRequest,
};
use crate::crm::Caller;
use crate::db::audit::Origin;
use crate::error::ApiResult;
use crate::http::etag::{etag, Precondition};
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CompanyPath {
    /// The company's id.
    pub id: Uuid,
}

fn reply(status: actix_web::http::StatusCode, c: Company) -> HttpResponse {
    HttpResponse::build(status).insert_header(etag(c.version)).json(c)
}

/// Companies of the workspace: search, filters, sort and pages with a
/// total. Besides the parameters below, `meta.<key>=<value>` and
/// `cf.<key>=<value>` keep companies whose metadata or custom field
/// `<key>` equals `<value>` (repeatable).
#[utoipa::path(get, path = "/api/v1/companies", tag = "companies", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(
        ("q" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200, description = "Search name, domain and industry"),
        ("owner_id" = Option<Uuid>, Query), ("status" = Option<String>, Query, pattern = "^(prospect|customer|partner|churned|inactive)$"),
        ("industry" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200),
        ("sort" = Option<String>, Query, pattern = "^(name|domain|renewal_date|created_at|updated_at)$"),
        ("order" = Option<String>, Query, pattern = "^(asc|desc)$"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 100000), ("limit" = Option<i64>, Query, minimum = 1, maximum = 200)),
    responses((status = 200, body = CompanyPage)))]
pub async fn list_companies(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    let q = CompanyQuery::parse(&query)?;
    Ok(HttpResponse::Ok().json(domain::list_companies(&state, member.workspace_id, q).await?))
}

/// Creates a company; announced as `company.created` on `contacts`.
#[utoipa::path(post, path = "/api/v1/companies", tag = "companies", security(("session" = []), ("bearer" = ["contacts:write"])),
    request_body = CreateCompanyRequest, responses((status = 201, body = Company, headers(("ETag" = String)))))]
pub async fn create_company(
    state: web::Data<AppState>,
    member: Member<WriteContacts>,
    from: Origin,
    body: JsonBody<CreateCompanyRequest>,
) -> ApiResult<HttpResponse> {
    let caller = Caller::new(&member, Entity::Contacts);
    let created = domain::create_company(&state, caller, body.0, &from).await?;
    Ok(reply(actix_web::http::StatusCode::CREATED, created))
}

/// One company.
#[utoipa::path(get, path = "/api/v1/companies/{id}", tag = "companies", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(CompanyPath), responses((status = 200, body = Company, headers(("ETag" = String))), (status = 404, response = doc::NotFound)))]
pub async fn get_company(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    path: web::Path<CompanyPath>,
) -> ApiResult<HttpResponse> {
    let found = domain::get_company(&state, member.workspace_id, path.id).await?;
    Ok(reply(actix_web::http::StatusCode::OK, found))
}

/// Changes a company (its owner, a manager or an owner); `If-Match` as
/// for contacts.
#[utoipa::path(patch, path = "/api/v1/companies/{id}", tag = "companies", security(("session" = []), ("bearer" = ["contacts:write"])),
    params(CompanyPath, ("If-Match" = Option<String>, Header, nullable = false, description = "`\"<version>\"` from the ETag; `W/\"<version>\"` and `*` are accepted",
        pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = UpdateCompanyRequest,
    responses((status = 200, body = Company, headers(("ETag" = String))), (status = 400, response = doc::BadRequest),
        (status = 404, response = doc::NotFound), (status = 412, response = doc::PreconditionFailed)))]
pub async fn update_company(
    state: web::Data<AppState>,
    member: Member<WriteContacts>,
    req: HttpRequest,
    from: Origin,
    path: web::Path<CompanyPath>,
    body: JsonBody<UpdateCompanyRequest>,
) -> ApiResult<HttpResponse> {
    let pre = Precondition::from_request(&req)?;
    let caller = Caller::new(&member, Entity::Contacts);
    let updated = domain::update_company(&state, caller, path.id, pre, body.0, &from).await?;
    Ok(reply(actix_web::http::StatusCode::OK, updated))
}

/// Soft-deletes a company (its owner, a manager or an owner).
#[utoipa::path(delete, path = "/api/v1/companies/{id}", tag = "companies", security(("session" = []), ("bearer" = ["contacts:write"])),
    params(CompanyPath, ("If-Match" = Option<String>, Header, nullable = false, description = "`\"<version>\"` from the ETag; `W/\"<version>\"` and `*` are accepted",
        pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    responses((status = 204), (status = 400, response = doc::BadRequest), (status = 404, response = doc::NotFound),
        (status = 412, response = doc::PreconditionFailed)))]
pub async fn delete_company(
    state: web::Data<AppState>,
    member: Member<WriteContacts>,
    req: HttpRequest,
    from: Origin,
    path: web::Path<CompanyPath>,
) -> ApiResult<HttpResponse> {
    let pre = Precondition::from_request(&req)?;
    domain::delete_company(&state, Caller::new(&member, Entity::Contacts), path.id, pre, &from).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The 360 view of a company with its deals.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CompanyOverviewResponse {
    #[serde(flatten)]
    pub overview: CompanyOverview,
    /// Open and won deals (those the caller may see) and lifetime value.
    pub deals: crate::deals::RelatedDeals,
}

/// The 360 view: key contacts, open and won deals with lifetime value, the
/// timeline across the company and its contacts, and the audit trail.
#[utoipa::path(get, path = "/api/v1/companies/{id}/overview", tag = "companies", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(CompanyPath), responses((status = 200, body = CompanyOverviewResponse), (status = 404, response = doc::NotFound)))]
pub async fn get_company_overview(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    path: web::Path<CompanyPath>,
) -> ApiResult<HttpResponse> {
    let overview = domain::company_overview(&state, member.workspace_id, path.id).await?;
    let deals =
        crate::deals::related_deals(&state, member.workspace_id, crate::deals::reader(&member), None, Some(path.id))
            .await?;
    Ok(HttpResponse::Ok().json(CompanyOverviewResponse { overview, deals }))
}
