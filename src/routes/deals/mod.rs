//! `/api/v1/deals`: create, read, list, update, move, delete and restore
//! deals, their products and their stage history. Reads are served from
//! the workspace actor's memory; writes go through it (see
//! `pulse_actors::deals`).

mod fields;
pub mod products;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use pulse_actors::deals::{Command, DealChanges, DealFilter, DealPage, DealSort, DealView, NewDeal, Outcome};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use fields::normalise_tags;
pub use products::{add_product, list_products, remove_product, update_product};

use crate::auth::permissions::{ReadDeals, WriteDeals};
use crate::auth::Member;
use crate::db::audit::Origin;
use crate::deals::{caller, reader};
use crate::error::{ApiError, ApiResult};
use crate::http::etag::{etag, Precondition};
use crate::http::extract::{nullable, present, JsonBody};
use crate::openapi as doc;
use crate::state::AppState;
use fields::{check_deal_fields, links};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DealPath {
    /// The deal's id.
    pub id: Uuid,
}

/// A new deal. Only `title` is required: the pipeline defaults to the
/// first active one, the stage to its first open stage, the currency to
/// the workspace's, the owner to the caller.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDealRequest {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    /// Minor units (cents); ignored once the deal has products.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub amount: i64,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, value_type = Option<doc::Currency>)]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub pipeline_id: Option<Uuid>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub stage_id: Option<Uuid>,
    /// Overrides the stage's default probability (0-100).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub probability: Option<i16>,
    #[serde(default)]
    pub expected_close_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    pub next_action: Option<String>,
    #[serde(default)]
    pub next_action_date: Option<NaiveDate>,
    /// An active member; defaults to the caller (reps may only name themselves).
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    /// At most 30 tags of 1 to 50 characters.
    #[serde(default)]
    #[schema(max_items = 30)]
    pub tags: Vec<String>,
    /// Members who see and move the deal besides its owner (at most 50).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub shared_with: Vec<Uuid>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

/// Fields to change; absent fields stay, `null` clears a clearable field.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDealRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: Option<String>,
    /// Refused (409 `amount_from_products`) once the deal has products.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub amount: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, value_type = Option<doc::Currency>)]
    pub currency: Option<String>,
    /// `null` returns to the stage's default.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i16>, minimum = 0, maximum = 100)]
    pub probability: Option<Option<i16>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub expected_close_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    pub next_action: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub next_action_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub company_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 30)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 50)]
    pub shared_with: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, value_type = Option<Object>)]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// Only for a deal in a lost stage.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub lost_reason: Option<String>,
}

/// Where a deal goes: a stage, and optionally the card it lands next to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveDealRequest {
    pub stage_id: Uuid,
    /// Required when the stage is a lost stage.
    #[serde(default)]
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub lost_reason: Option<String>,
    /// Place the card just before this card of the stage...
    #[serde(default)]
    pub before_id: Option<Uuid>,
    /// ...or just after this one. Neither (or a card that is no longer
    /// there): the end of the column.
    #[serde(default)]
    pub after_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListDealsQuery {
    pub pipeline_id: Option<Uuid>,
    pub stage_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    /// Deals carrying this tag (case-insensitive).
    pub tag: Option<String>,
    #[param(minimum = 0)]
    pub min_amount: Option<i64>,
    #[param(minimum = 0)]
    pub max_amount: Option<i64>,
    /// Expected close date on or after.
    pub close_from: Option<NaiveDate>,
    /// Expected close date on or before.
    pub close_to: Option<NaiveDate>,
    /// No update in 14 days.
    pub stale: Option<bool>,
    /// No activity in 7 days.
    pub at_risk: Option<bool>,
    /// Text in the title, contact or company name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// List deleted deals (to restore them) instead of live ones.
    pub deleted: Option<bool>,
    pub sort: Option<DealSort>,
    pub order: Option<SortOrder>,
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<u32>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

impl ListDealsQuery {
    /// The deals the list's filters select (the list and its CSV export).
    pub fn filter(&self) -> Result<DealFilter, ApiError> {
        if self.min_amount.is_some_and(|a| a < 0) || self.max_amount.is_some_and(|a| a < 0) {
            return Err(ApiError::BadRequest { code: "bad_query", detail: "amounts are 0 or more".into() });
        }
        crate::routes::validate::list_window(self.q.as_deref(), None, None)?;
        Ok(DealFilter {
            pipeline_id: self.pipeline_id,
            stage_id: self.stage_id,
            owner_id: self.owner_id,
            contact_id: self.contact_id,
            company_id: self.company_id,
            tag: self.tag.clone(),
            min_amount: self.min_amount,
            max_amount: self.max_amount,
            close_from: self.close_from,
            close_to: self.close_to,
            stale: self.stale,
            at_risk: self.at_risk,
            q: self.q.clone(),
            deleted: self.deleted.unwrap_or(false),
        })
    }
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DealListResponse {
    pub deals: Vec<DealView>,
    /// How many deals match the filters.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StageVisit {
    pub from_stage_id: Option<Uuid>,
    pub to_stage_id: Uuid,
    pub to_stage_name: String,
    pub actor_user_id: Option<Uuid>,
    pub actor_token_id: Option<Uuid>,
    pub at: DateTime<Utc>,
    /// Until the next move, or until now for the current stage.
    pub seconds_in_stage: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StageTime {
    pub stage_id: Uuid,
    pub stage_name: String,
    pub seconds: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DealHistoryResponse {
    /// Every move, oldest first.
    pub moves: Vec<StageVisit>,
    /// Total time spent in each stage.
    pub time_in_stage: Vec<StageTime>,
}

/// The answer to a write through the workspace actor: the record, its
/// version as the `ETag` when it has one, and the seq of the write's last
/// event as `Pulse-Seq`.
pub(crate) fn deal_reply(status: actix_web::http::StatusCode, w: pulse_actors::deals::Written) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header(("Pulse-Seq", w.seq.to_string()));
    match w.outcome {
        Outcome::Deal(d) => res.insert_header(etag(d.deal.version)).json(d),
        Outcome::Pipeline(p) => res.json(p),
        Outcome::Lead(l) => res.insert_header(etag(l.lead.version)).json(l),
        Outcome::Source(s) => res.json(s),
        Outcome::Weights(w) => res.json(w),
        Outcome::Rescored(n) => res.json(serde_json::json!({ "rescored": n })),
        Outcome::Relinked { deals, leads } => res.json(serde_json::json!({ "deals": deals, "leads": leads })),
        Outcome::Activity(a) => res.json(a),
    }
}

/// Tells a deal's owner it is theirs (never for their own action).
async fn assigned(state: &AppState, ws: Uuid, actor: crate::auth::Actor, d: &DealView) {
    let Some(owner) = d.deal.owner_id else { return };
    let n = crate::notifications::NewNotification {
        recipient: owner,
        kind: crate::notifications::Signal::Assignments,
        title: format!("Deal assigned to you: {}", d.deal.title),
        body: String::new(),
        link: Some(("deal", d.deal.id)),
        actor: Some(actor),
    };
    crate::deals::notify_after(state, ws, n).await;
}

/// Creates a deal (owners, managers, reps; tokens with `deals:write`).
#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    request_body = CreateDealRequest,
    responses((status = 201, body = DealView, headers(("ETag" = String), ("Pulse-Seq" = String, description = "The seq of the change's event"))),
        (status = 409, response = doc::Conflict)))]
pub async fn create_deal(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    from: Origin,
    body: JsonBody<CreateDealRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    check_deal_fields(Some(&b.title), b.currency.as_deref(), b.next_action.as_deref(), Some(&b.tags), None)?;
    let (contact, company) =
        links(&state, member.workspace_id, b.owner_id, Some(b.contact_id), Some(b.company_id), &b.shared_with).await?;
    crate::crm::custom_fields::validate_custom_fields(
        &state.db().await?,
        member.workspace_id,
        "deal",
        &b.custom_fields,
    )
    .await?;
    let currency = match b.currency {
        Some(c) => c,
        None => crate::workspaces::get_settings(&state, member.workspace_id).await?.currency,
    };
    let new = NewDeal {
        title: b.title.trim().to_owned(),
        amount: b.amount,
        currency,
        pipeline_id: b.pipeline_id,
        stage_id: b.stage_id,
        probability: b.probability,
        expected_close_date: b.expected_close_date,
        next_action: b.next_action,
        next_action_date: b.next_action_date,
        owner_id: b.owner_id,
        contact: contact.flatten(),
        company: company.flatten(),
        tags: fields::normalise_tags(b.tags),
        shared_with: b.shared_with,
        custom_fields: serde_json::Value::Object(b.custom_fields),
    };
    let w =
        state.realtime.write(member.workspace_id, caller(&member, &from), Command::CreateDeal(Box::new(new))).await?;
    if let Outcome::Deal(d) = &w.outcome {
        assigned(&state, member.workspace_id, member.actor, d).await;
        crate::deals::nurture_deal(&state, member.workspace_id, member.actor, d).await;
    }
    Ok(deal_reply(actix_web::http::StatusCode::CREATED, w))
}

/// Lists deals from memory: filters, sort, offset pagination. Reps see
/// their own deals and those shared with them.
#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", security(("session" = []), ("bearer" = ["deals:read"])),
    params(ListDealsQuery), responses((status = 200, body = DealListResponse)))]
pub async fn list_deals(
    state: web::Data<AppState>,
    member: Member<ReadDeals>,
    query: web::Query<ListDealsQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let (offset, limit) = crate::routes::validate::list_window(q.q.as_deref(), q.offset, q.limit)?;
    let filter = q.filter()?;
    let descending = matches!(q.order, Some(SortOrder::Desc));
    let page = DealPage { sort: q.sort.unwrap_or_default(), descending, offset, limit };
    let (deals, total) = state.realtime.deals(member.workspace_id, filter, reader(&member), page).await?;
    Ok(HttpResponse::Ok().json(DealListResponse { deals, total, offset, limit }))
}

/// One deal, with its products. 404 for a deal the caller may not see.
#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals", security(("session" = []), ("bearer" = ["deals:read"])),
    params(DealPath), responses((status = 200, body = DealView, headers(("ETag" = String))), (status = 404, response = doc::NotFound)))]
pub async fn get_deal(
    state: web::Data<AppState>,
    member: Member<ReadDeals>,
    path: web::Path<DealPath>,
) -> ApiResult<HttpResponse> {
    let d = state.realtime.deal(member.workspace_id, path.id, reader(&member)).await?;
    let d = d.ok_or(ApiError::NotFound("deal"))?;
    Ok(HttpResponse::Ok().insert_header(etag(d.deal.version)).json(d))
}

/// Changes a deal's fields. Reps change their own and shared deals (not
/// the owner); `If-Match` refuses the change when the deal moved on.
#[utoipa::path(patch, path = "/api/v1/deals/{id}", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    params(DealPath, ("If-Match" = Option<String>, Header, nullable = false, description = "`\"<version>\"` from the ETag",
        pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = UpdateDealRequest,
    responses((status = 200, body = DealView, headers(("ETag" = String), ("Pulse-Seq" = String))),
        (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict), (status = 412, response = doc::PreconditionFailed)))]
pub async fn update_deal(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    req: HttpRequest,
    from: Origin,
    path: web::Path<DealPath>,
    body: JsonBody<UpdateDealRequest>,
) -> ApiResult<HttpResponse> {
    let pre = Precondition::from_request(&req)?;
    let b = body.0;
    check_deal_fields(
        b.title.as_deref(),
        b.currency.as_deref(),
        b.next_action.clone().flatten().as_deref(),
        b.tags.as_ref(),
        b.lost_reason.as_deref(),
    )?;
    let shared = b.shared_with.clone().unwrap_or_default();
    let owner = b.owner_id.flatten();
    let (contact, company) = links(&state, member.workspace_id, owner, b.contact_id, b.company_id, &shared).await?;
    if let Some(cf) = &b.custom_fields {
        crate::crm::custom_fields::validate_custom_fields(&state.db().await?, member.workspace_id, "deal", cf).await?;
    }
    let reassigned = b.owner_id.flatten();
    let changes = DealChanges {
        title: b.title.map(|t| t.trim().to_owned()),
        amount: b.amount,
        currency: b.currency,
        probability: b.probability,
        expected_close_date: b.expected_close_date,
        next_action: b.next_action,
        next_action_date: b.next_action_date,
        owner_id: b.owner_id,
        contact,
        company,
        tags: b.tags.map(fields::normalise_tags),
        shared_with: b.shared_with,
        custom_fields: b.custom_fields.map(serde_json::Value::Object),
        lost_reason: b.lost_reason.map(|r| r.trim().to_owned()),
    };
    let cmd = Command::UpdateDeal { id: path.id, changes: Box::new(changes), if_version: pre.expected() };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    if let (Outcome::Deal(d), Some(_)) = (&w.outcome, reassigned) {
        assigned(&state, member.workspace_id, member.actor, d).await;
    }
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}

/// Moves a deal to a stage and a place in its column. Moving into a lost
/// stage needs `lost_reason`; leaving a won or lost stage (reopening)
/// needs a manager or owner.
#[utoipa::path(put, path = "/api/v1/deals/{id}/stage", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    params(DealPath), request_body = MoveDealRequest,
    responses((status = 200, body = DealView, headers(("ETag" = String), ("Pulse-Seq" = String))),
        (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn move_deal(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    from: Origin,
    path: web::Path<DealPath>,
    body: JsonBody<MoveDealRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    if let Some(r) = &b.lost_reason {
        let mut checks = crate::routes::validate::Checks::new();
        checks.check(
            r.chars().count() <= 500 && !r.chars().any(char::is_control),
            "lost_reason",
            "must be at most 500 characters, without control characters",
        );
        checks.finish()?;
    }
    let cmd = Command::MoveDeal {
        id: path.id,
        stage_id: b.stage_id,
        lost_reason: b.lost_reason,
        before_id: b.before_id,
        after_id: b.after_id,
    };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    if let Outcome::Deal(d) = &w.outcome {
        crate::deals::nurture_deal(&state, member.workspace_id, member.actor, d).await;
    }
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}

/// Deletes a deal (soft: it can be restored). Its owner, managers, owners.
#[utoipa::path(delete, path = "/api/v1/deals/{id}", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    params(DealPath), responses((status = 204), (status = 404, response = doc::NotFound)))]
pub async fn delete_deal(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    from: Origin,
    path: web::Path<DealPath>,
) -> ApiResult<HttpResponse> {
    let cmd = Command::DeleteDeal { id: path.id };
    state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restores a deleted deal at the end of its stage (the pipeline's first
/// open stage if its stage was deleted meanwhile).
#[utoipa::path(post, path = "/api/v1/deals/{id}/restore", tag = "deals", security(("session" = []), ("bearer" = ["deals:write"])),
    params(DealPath), responses((status = 200, body = DealView, headers(("ETag" = String), ("Pulse-Seq" = String))),
        (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn restore_deal(
    state: web::Data<AppState>,
    member: Member<WriteDeals>,
    from: Origin,
    path: web::Path<DealPath>,
) -> ApiResult<HttpResponse> {
    let cmd = Command::RestoreDeal { id: path.id };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}

/// The deal's stage history (append-only) and the time spent in each stage.
#[utoipa::path(get, path = "/api/v1/deals/{id}/history", tag = "deals", security(("session" = []), ("bearer" = ["deals:read"])),
    params(DealPath), responses((status = 200, body = DealHistoryResponse), (status = 404, response = doc::NotFound)))]
pub async fn deal_history(
    state: web::Data<AppState>,
    member: Member<ReadDeals>,
    path: web::Path<DealPath>,
) -> ApiResult<HttpResponse> {
    // Visibility first, from the actor: a deal the caller may not see is 404.
    state.realtime.deal(member.workspace_id, path.id, reader(&member)).await?.ok_or(ApiError::NotFound("deal"))?;
    let client = state.db().await?;
    let rows = crate::db::deals::select_stage_history(&client, member.workspace_id, path.id).await?;
    let now = Utc::now();
    let mut moves: Vec<StageVisit> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let until = rows.get(i + 1).map_or(now, |n| n.at);
        moves.push(StageVisit {
            from_stage_id: r.from_stage_id,
            to_stage_id: r.to_stage_id,
            to_stage_name: r.to_stage_name.clone(),
            actor_user_id: r.actor_user_id,
            actor_token_id: r.actor_token_id,
            at: r.at,
            seconds_in_stage: (until - r.at).num_seconds().max(0),
        });
    }
    let mut time_in_stage: Vec<StageTime> = Vec::new();
    for m in &moves {
        match time_in_stage.iter_mut().find(|t| t.stage_id == m.to_stage_id) {
            Some(t) => t.seconds += m.seconds_in_stage,
            None => time_in_stage.push(StageTime {
                stage_id: m.to_stage_id,
                stage_name: m.to_stage_name.clone(),
                seconds: m.seconds_in_stage,
            }),
        }
    }
    Ok(HttpResponse::Ok().json(DealHistoryResponse { moves, time_in_stage }))
}
