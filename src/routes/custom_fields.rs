//! `/api/v1/custom-fields`: the workspace's custom field definitions for
//! contacts, companies, deals and leads. Everyone who reads contacts reads
//! them; owners and managers (`ManagePipelines`) change them.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::{Entity, ManagePipelines, ReadContacts};
use crate::auth::Member;
use crate::crm::custom_fields::{self as domain, FieldChange, FieldDefinition, FieldType, NewField};
use crate::crm::Caller;
use crate::db::audit::Origin;
use crate::error::ApiResult;
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FieldPath {
    /// The definition's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FieldListQuery {
    /// Only this entity's fields: `contact`, `company`, `deal` or `lead`.
    #[param(pattern = "^(contact|company|deal|lead)$")]
    pub entity: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldListResponse {
    /// By entity, then position, then key.
    pub fields: Vec<FieldDefinition>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFieldRequest {
    /// `contact`, `company`, `deal` or `lead`.
    pub entity: String,
    /// A lowercase letter, then lowercase letters, digits or `_` (at most 40).
    #[schema(pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub key: String,
    #[schema(min_length = 1, max_length = 100)]
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Required (1 to 100 distinct) for `select` and `multi_select`;
    /// absent otherwise.
    pub options: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::crm::optional_int")]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: Option<i32>,
}

/// Changes to a definition; its entity, key and type cannot change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFieldRequest {
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub options: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::crm::present_int")]
    #[schema(nullable = false, minimum = 0, maximum = 10000)]
    pub position: Option<i32>,
}

/// The workspace's custom field definitions.
#[utoipa::path(get, path = "/api/v1/custom-fields", tag = "custom fields", security(("session" = []), ("bearer" = ["contacts:read"])),
    params(FieldListQuery), responses((status = 200, body = FieldListResponse)))]
pub async fn list_custom_fields(
    state: web::Data<AppState>,
    member: Member<ReadContacts>,
    query: web::Query<FieldListQuery>,
) -> ApiResult<HttpResponse> {
    let fields = domain::list_fields(&state, member.workspace_id, query.entity.as_deref()).await?;
    Ok(HttpResponse::Ok().json(FieldListResponse { fields }))
}

/// Defines a custom field (owners and managers); 409 `field_exists` when
/// the key is taken for that entity.
#[utoipa::path(post, path = "/api/v1/custom-fields", tag = "custom fields", security(("session" = [])),
    request_body = CreateFieldRequest, responses((status = 201, body = FieldDefinition), (status = 409, response = doc::Conflict)))]
pub async fn create_custom_field(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    body: JsonBody<CreateFieldRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let new = NewField {
        entity: b.entity,
        key: b.key,
        label: b.label,
        field_type: b.field_type,
        options: b.options.unwrap_or_default(),
        position: b.position.unwrap_or(0),
    };
    let created = domain::create_field(&state, Caller::new(&member, Entity::Contacts), new, &from).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Relabels a field, changes its options or position (owners and managers).
#[utoipa::path(patch, path = "/api/v1/custom-fields/{id}", tag = "custom fields", security(("session" = [])),
    params(FieldPath), request_body = UpdateFieldRequest,
    responses((status = 200, body = FieldDefinition), (status = 404, response = doc::NotFound)))]
pub async fn update_custom_field(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    path: web::Path<FieldPath>,
    body: JsonBody<UpdateFieldRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let change = FieldChange { label: b.label, options: b.options, position: b.position };
    let caller = Caller::new(&member, Entity::Contacts);
    Ok(HttpResponse::Ok().json(domain::update_field(&state, caller, path.id, change, &from).await?))
}

/// Deletes a field and removes its values from contacts and companies
/// (owners and managers).
#[utoipa::path(delete, path = "/api/v1/custom-fields/{id}", tag = "custom fields", security(("session" = [])),
    params(FieldPath), responses((status = 204), (status = 404, response = doc::NotFound)))]
pub async fn delete_custom_field(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    path: web::Path<FieldPath>,
) -> ApiResult<HttpResponse> {
    domain::delete_field(&state, Caller::new(&member, Entity::Contacts), path.id, &from).await?;
    Ok(HttpResponse::NoContent().finish())
}
