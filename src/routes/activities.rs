//! `/api/v1/activities`: the append-only log of calls, meetings, emails,
//! notes and tasks. No DELETE route exists. Every member reads; owners,
//! managers, reps and tokens with `activities:write` log and change them.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::permissions::{Entity, ReadActivities, WriteActivities};
use crate::auth::Member;
use crate::crm::activities::{
    self as domain, Activity, ActivityPage, ActivityQuery, CreateActivityRequest, UpdateActivityRequest,
};
use crate::crm::Caller;
use crate::db::audit::Origin;
use crate::error::ApiResult;
use crate::http::extract::JsonBody;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ActivityPath {
    /// The activity's id.
    pub id: Uuid,
}

/// Activities, newest first (task filters: soonest due first).
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities", security(("session" = []), ("bearer" = ["activities:read"])),
    params(
        ("type" = Option<String>, Query, pattern = "^(task|call|meeting|email|note)$"),
        ("assignee_id" = Option<Uuid>, Query, description = "Also accepted as `assignee`"), ("contact_id" = Option<Uuid>, Query), ("company_id" = Option<Uuid>, Query),
        ("deal_id" = Option<Uuid>, Query), ("lead_id" = Option<Uuid>, Query),
        ("overdue" = Option<bool>, Query, description = "Open tasks past their due time"),
        ("due" = Option<String>, Query, pattern = "^(today|week)$", description = "Due today or this ISO week (UTC)"),
        ("mine" = Option<bool>, Query, description = "Tasks assigned to the caller (people only)"),
        ("completed" = Option<bool>, Query), ("sort" = Option<String>, Query, pattern = "^(created_at|due_at)$"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 100000), ("limit" = Option<i64>, Query, minimum = 1, maximum = 200)),
    responses((status = 200, body = ActivityPage)))]
pub async fn list_activities(
    state: web::Data<AppState>,
    member: Member<ReadActivities>,
    query: web::Query<Vec<(String, String)>>,
) -> ApiResult<HttpResponse> {
    let q = ActivityQuery::parse(&query)?;
    Ok(HttpResponse::Ok().json(domain::list_activities(&state, member.workspace_id, member.user_id(), q).await?))
}

/// Logs an activity or creates a task; announced as `activity.created`.
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", security(("session" = []), ("bearer" = ["activities:write"])),
    request_body = CreateActivityRequest,
    responses((status = 201, body = Activity, headers(("Pulse-Seq" = String, description = "The seq of the change's last event")))))]
pub async fn create_activity(
    state: web::Data<AppState>,
    member: Member<WriteActivities>,
    from: Origin,
    body: JsonBody<CreateActivityRequest>,
) -> ApiResult<HttpResponse> {
    let caller = Caller::new(&member, Entity::Activities);
    let (activity, seq) = domain::create_activity(&state, caller, body.0, &from).await?;
    Ok(HttpResponse::Created().insert_header(("Pulse-Seq", seq.to_string())).json(activity))
}

/// One activity.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities", security(("session" = []), ("bearer" = ["activities:read"])),
    params(ActivityPath), responses((status = 200, body = Activity), (status = 404, response = doc::NotFound)))]
pub async fn get_activity(
    state: web::Data<AppState>,
    member: Member<ReadActivities>,
    path: web::Path<ActivityPath>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(domain::get_activity(&state, member.workspace_id, path.id).await?))
}

/// Corrects subject or body (author or manager), or reschedules and
/// reassigns a task (author, assignee or manager). Other changes to
/// calls, meetings, emails and notes are 422 `activity_immutable`.
#[utoipa::path(patch, path = "/api/v1/activities/{id}", tag = "activities", security(("session" = []), ("bearer" = ["activities:write"])),
    params(ActivityPath), request_body = UpdateActivityRequest,
    responses((status = 200, body = Activity), (status = 403, response = doc::Forbidden), (status = 404, response = doc::NotFound)))]
pub async fn update_activity(
    state: web::Data<AppState>,
    member: Member<WriteActivities>,
    from: Origin,
    path: web::Path<ActivityPath>,
    body: JsonBody<UpdateActivityRequest>,
) -> ApiResult<HttpResponse> {
    let caller = Caller::new(&member, Entity::Activities);
    Ok(HttpResponse::Ok().json(domain::update_activity(&state, caller, path.id, body.0, &from).await?))
}

/// Completes a task (409 `already_completed` when it is).
#[utoipa::path(post, path = "/api/v1/activities/{id}/complete", tag = "activities", security(("session" = []), ("bearer" = ["activities:write"])),
    params(ActivityPath), responses((status = 200, body = Activity), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict),
        (status = 422, description = "`not_a_task`", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn complete_activity(
    state: web::Data<AppState>,
    member: Member<WriteActivities>,
    from: Origin,
    path: web::Path<ActivityPath>,
) -> ApiResult<HttpResponse> {
    let caller = Caller::new(&member, Entity::Activities);
    Ok(HttpResponse::Ok().json(domain::set_completed(&state, caller, path.id, true, &from).await?))
}

/// Reopens a completed task (409 `not_completed` when it is open).
#[utoipa::path(post, path = "/api/v1/activities/{id}/reopen", tag = "activities", security(("session" = []), ("bearer" = ["activities:write"])),
    params(ActivityPath), responses((status = 200, body = Activity), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict),
        (status = 422, description = "`not_a_task`", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn reopen_activity(
    state: web::Data<AppState>,
    member: Member<WriteActivities>,
    from: Origin,
    path: web::Path<ActivityPath>,
) -> ApiResult<HttpResponse> {
    let caller = Caller::new(&member, Entity::Activities);
    Ok(HttpResponse::Ok().json(domain::set_completed(&state, caller, path.id, false, &from).await?))
}
