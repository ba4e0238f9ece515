//! `/api/v1/contacts`: list, create, read, change, delete, bulk operations
//! and the 360 view. Every member reads; owners, managers, reps and
//! tokens with `contacts:write` write (reps: the contacts they own).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::permissions::{Entity, ReadContacts, WriteContacts};
use crate::auth::Member;
use crate::crm::contacts::{
    self as domain, BulkRequest, BulkResult, Contact, ContactOverview, ContactPage, ContactQuery, CreateContactRequest,
    UpdateContactRequest,
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
pub struct ContactPath {
    /// The contact's id.
    pub id: Uuid,
}

fn reply(status: actix_web::http::StatusCode, c: Contact) -> HttpResponse {
    HttpResponse::build(status).insert_header(etag(c.version)).json(c)
}

/// Contacts of the workspace: search, filters, sort and pages with a total.
/// Besides the parameters below, `cf.<key>=<value>` keeps contacts whose
/// custom field `<key>` equals `<value>` (repeatable).
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(
        ("q" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]{0,200}$", max_length = 200, description = "Search name, email and company name; the last word matches as a prefix"),
        ("company_id" = Option<Uuid>, Query), ("owner_id" = Option<Uuid>, Query),
        ("tag" = Option<String>, Query, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$", max_length = 50, description = "Repeatable: contacts with every tag given"),
        ("sort" = Option<String>, Query, pattern = "^(name|email|created_at|updated_at)$"),
        ("order" = Option<String>, Query, pattern = "^(asc|desc)$"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 100000), ("limit" = Option<i64>, Query, minimum = 1, maximum = 200)),
    responses((status = 200, body = ContactPage)))]
pub async fn list_contacts(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    let q = ContactQuery::parse(&query)?;
    Ok(HttpResponse::Ok().json(domain::list_contacts(&state, member.workspace_id, q).await?))
}

/// Creates a contact; audited and announced as `contact.created`.
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", security(("session" = []), ("bearer" = ["contacts:write"])),
    request_body = CreateContactRequest,
    responses((status = 201, body = Contact, headers(("ETag" = String)))))]
pub async fn create_contact(
    state: web::Data<AppState>,
    member: Member<WriteContacts>,
    from: Origin,
    body: JsonBody<CreateContactRequest>,
) -> ApiResult<HttpResponse> {
    let caller = Caller::new(&member, Entity::Contacts);
    let created = domain::create_contact(&state, caller, body.0, &from).await?;
    Ok(reply(actix_web::http::StatusCode::CREATED, created))
}

/// One contact.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(ContactPath), responses((status = 200, body = Contact, headers(("ETag" = String))), (status = 404, response = doc::NotFound)))]
pub async fn get_contact(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    path: web::Path<ContactPath>,
) -> ApiResult<HttpResponse> {
    let found = domain::get_contact(&state, member.workspace_id, path.id).await?;
    Ok(reply(actix_web::http::StatusCode::OK, found))
}

/// Changes a contact (its owner, a manager or an owner). Send `If-Match`
/// to refuse the change when it was changed meanwhile (412).
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", security(("session" = []), ("bearer" = ["contacts:write"])),
    params(ContactPath, ("If-Match" = Option<String>, Header, nullable = false, description = "`\"<version>\"` from the ETag; `W/\"<version>\"` and `*` are accepted",
        pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = UpdateContactRequest,
    responses((status = 200, body = Contact, headers(("ETag" = String))), (status = 400, response = doc::BadRequest),
        (status = 404, response = doc::NotFound), (status = 412, response = doc::PreconditionFailed)))]
pub async fn update_contact(
    state: web::Data<AppState>,
    member: Member<WriteContacts>,
    req: HttpRequest,
    from: Origin,
    path: web::Path<ContactPath>,
    body: JsonBody<UpdateContactRequest>,
) -> ApiResult<HttpResponse> {
    let pre = Precondition::from_request(&req)?;
    let caller = Caller::new(&member, Entity::Contacts);
    let updated = domain::update_contact(&state, caller, path.id, pre, body.0, &from).await?;
    Ok(reply(actix_web::http::StatusCode::OK, updated))
}

/// Soft-deletes a contact (its owner, a manager or an owner).
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", security(("session" = []), ("bearer" = ["contacts:write"])),
    params(ContactPath, ("If-Match" = Option<String>, Header, nullable = false, description = "`\"<version>\"` from the ETag; `W/\"<version>\"` and `*` are accepted",
        pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    responses((status = 204), (status = 400, response = doc::BadRequest), (status = 404, response = doc::NotFound),
        (status = 412, response = doc::PreconditionFailed)))]
pub async fn delete_contact(
    state: web::Data<AppState>,
    member: Member<WriteContacts>,
    req: HttpRequest,
    from: Origin,
    path: web::Path<ContactPath>,
) -> ApiResult<HttpResponse> {
    let pre = Precondition::from_request(&req)?;
    domain::delete_contact(&state, Caller::new(&member, Entity::Contacts), path.id, pre, &from).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets the owner of, adds or removes tags on, or deletes up to 1000
/// contacts chosen by ids or by a filter, in one transaction with one
/// audit entry. Reps may only touch contacts they own.
#[utoipa::path(post, path = "/api/v1/contacts/bulk", tag = "contacts", security(("session" = []), ("bearer" = ["contacts:write"])),
    request_body = BulkRequest, responses((status = 200, body = BulkResult)))]
pub async fn bulk_contacts(
    state: web::Data<AppState>,
    member: Member<WriteContacts>,
    from: Origin,
    body: JsonBody<BulkRequest>,
) -> ApiResult<HttpResponse> {
    let caller = Caller::new(&member, Entity::Contacts);
    Ok(HttpResponse::Ok().json(domain::bulk_contacts(&state, caller, body.0, &from).await?))
}

/// The 360 view of a contact with its deals.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ContactOverviewResponse {
    #[serde(flatten)]
    pub overview: ContactOverview,
    /// Open and won deals (those the caller may see) and lifetime value.
    pub deals: crate::deals::RelatedDeals,
}

/// The 360 view: profile, company, deals with lifetime value, activity
/// timeline and audit trail.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/overview", tag = "contacts", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(ContactPath), responses((status = 200, body = ContactOverviewResponse), (status = 404, response = doc::NotFound)))]
pub async fn get_contact_overview(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    path: web::Path<ContactPath>,
) -> ApiResult<HttpResponse> {
    let overview = domain::contact_overview(&state, member.workspace_id, path.id).await?;
    let deals =
        crate::deals::related_deals(&state, member.workspace_id, crate::deals::reader(&member), Some(path.id), None)
            .await?;
    Ok(HttpResponse::Ok().json(ContactOverviewResponse { overview, deals }))
}
