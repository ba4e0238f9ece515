//! `/api/v1/deals/{id}/products`: a deal's line items. Every change
//! rewrites the deal's amount (the sum of unit price x quantity x (1 -
//! discount)) in the same transaction, through the workspace actor.

use actix_web::{web, HttpResponse};
use pulse_actors::deals::{Command, LineChanges, LineItem, NewLine};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{deal_reply, DealPath};
use crate::auth::permissions::{ReadDeals, WriteDeals};
use crate::auth::Member;
use crate::db::audit::Origin;
use crate::deals::{caller, reader};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{present, JsonBody};
use crate::openapi as doc;
use crate::routes::validate::Checks;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DealProductPath {
    /// The deal's id.
    pub id: Uuid,
    /// The line item's id.
    pub line_id: Uuid,
}

/// A line: a name-only product with its price.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddProductRequest {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// Minor units of the deal's currency.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub unit_price: i64,
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub quantity: i32,
    /// Hundredths of a percent: 1250 is 12.5 %.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000)]
    pub discount_bp: i32,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub unit_price: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 1, maximum = 1_000_000)]
    pub quantity: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0, maximum = 10_000)]
    pub discount_bp: Option<i32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DealProductsResponse {
    pub line_items: Vec<LineItem>,
    /// The deal's amount: the sum of the lines' totals.
    pub amount: i64,
    pub currency: String,
}

fn check(
    name: Option<&str>,
    unit_price: Option<i64>,
    quantity: Option<i32>,
    discount: Option<i32>,
) -> Result<(), ApiError> {
    let mut c = Checks::new();
    if let Some(n) = name {
        c.text("name", n, 200);
    }
    c.check(unit_price.is_none_or(|p| (0..=1_000_000_000_000).contains(&p)), "unit_price", "must be 0 to 10^12");
    c.check(quantity.is_none_or(|q| (1..=1_000_000).contains(&q)), "quantity", "must be 1 to 1,000,000");
    c.check(discount.is_none_or(|d| (0..=10_000).contains(&d)), "discount_bp", "must be 0 to 10000 (100 %)");
    c.finish()
}

/// The deal's products and amount.
#[utoipa::path(get, path = "/api/v1/deals/{id}/products", tag = "deals", security(("session" = []), ("bearer" = ["deals:read"])),
    params(DealPath), responses((status = 200, body = DealProductsResponse), (status = 404, response = doc::NotFound)))]
pub async fn list_products(
    state: web::Data<AppState>,
    member: Member<ReadDeals>,
    path: web::Path<DealPath>,
) -> ApiResult<HttpResponse> {
    let d = state.realtime.deal(member.workspace_id, path.id, reader(&member)).await?;
    let d = d.filter(|d| d.deal.deleted_at.is_none()).ok_or(ApiError::NotFound("deal"))?.deal;
    Ok(HttpResponse::Ok().json(DealProductsResponse {
        line_items: d.line_items,
        amount: d.amount,
        currency: d.currency,
    }))
}

/// Adds a line; answers with the whole deal (its new amount included).
#[utoipa::path(post, path = "/api/v1/deals/{id}/products", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    params(DealPath), request_body = AddProductRequest,
    responses((status = 201, body = pulse_actors::deals::DealView), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn add_product(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    from: Origin,
    path: web::Path<DealPath>,
    body: JsonBody<AddProductRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    check(Some(&b.name), Some(b.unit_price), Some(b.quantity), Some(b.discount_bp))?;
    let line = NewLine {
        name: b.name.trim().to_owned(),
        unit_price: b.unit_price,
        quantity: b.quantity,
        discount_bp: b.discount_bp,
    };
    let cmd = Command::AddLine { deal_id: path.id, line };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::CREATED, w))
}

/// Changes a line's name, price, quantity or discount.
#[utoipa::path(patch, path = "/api/v1/deals/{id}/products/{line_id}", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    params(DealProductPath), request_body = UpdateProductRequest,
    responses((status = 200, body = pulse_actors::deals::DealView), (status = 404, response = doc::NotFound)))]
pub async fn update_product(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    from: Origin,
    path: web::Path<DealProductPath>,
    body: JsonBody<UpdateProductRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    check(b.name.as_deref(), b.unit_price, b.quantity, b.discount_bp)?;
    let changes = LineChanges {
        name: b.name.map(|n| n.trim().to_owned()),
        unit_price: b.unit_price,
        quantity: b.quantity,
        discount_bp: b.discount_bp,
    };
    let cmd = Command::UpdateLine { deal_id: path.id, line_id: path.line_id, changes };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}

/// Removes a line.
#[utoipa::path(delete, path = "/api/v1/deals/{id}/products/{line_id}", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    params(DealProductPath), responses((status = 200, body = pulse_actors::deals::DealView), (status = 404, response = doc::NotFound)))]
pub async fn remove_product(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    from: Origin,
    path: web::Path<DealProductPath>,
) -> ApiResult<HttpResponse> {
    let cmd = Command::RemoveLine { deal_id: path.id, line_id: path.line_id };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}
