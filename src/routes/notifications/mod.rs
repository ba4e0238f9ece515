//! The bell: `GET /api/v1/notifications` (the caller's own, paged),
//! `POST /api/v1/notifications/{id}/read`, `POST /api/v1/notifications/read-all`
//! and `GET /api/v1/notifications/summary` (from the workspace actor's
//! memory). People only: API tokens get 403.

pub mod settings;

use actix_web::{web, HttpResponse};
use pulse_actors::notifications::{Notification, NotificationSummary};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use settings::{get_notification_preferences, get_notification_settings};
pub use settings::{update_notification_preferences, update_notification_settings};

use crate::auth::permissions::OwnNotifications;
use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::NoParams;
use crate::notifications;
use crate::openapi as doc;
use crate::routes::validate::page_limit;
use crate::state::AppState;

/// The person behind a people-only policy.
pub(crate) fn person<P>(member: &Member<P>) -> ApiResult<Uuid> {
    member.user_id().ok_or_else(|| ApiError::Forbidden("notifications are for people, not API tokens".into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NotificationPath {
    /// The notification's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
    /// Page size, 1 to 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationPage {
    /// Newest first.
    pub items: Vec<Notification>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadAllResponse {
    /// How many notifications went from unread to read.
    pub marked: i64,
}

/// The caller's notifications in the active workspace, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("session" = [])),
    params(NotificationQuery), responses((status = 200, body = NotificationPage)))]
pub async fn list_notifications(
    state: web::Data<AppState>,
    member: Member<OwnNotifications>,
    query: web::Query<NotificationQuery>,
) -> ApiResult<HttpResponse> {
    let user = person(&member)?;
    let limit = page_limit(query.limit)?;
    let mut items =
        notifications::list(&state, member.workspace_id, user, query.cursor, query.unread, limit + 1).await?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|n| n.id)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(NotificationPage { items, next_cursor }))
}

/// Marks one of the caller's notifications read. Idempotent: marking a
/// read one again changes nothing. Another member's is a 404.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", security(("session" = [])),
    params(NotificationPath), responses((status = 200, body = Notification), (status = 404, response = doc::NotFound)))]
pub async fn mark_notification_read(
    state: web::Data<AppState>,
    member: Member<OwnNotifications>,
    path: web::Path<NotificationPath>,
) -> ApiResult<HttpResponse> {
    let user = person(&member)?;
    let n = notifications::mark_read(&state, member.workspace_id, user, path.id).await?;
    Ok(HttpResponse::Ok().json(n))
}

/// Marks every unread notification of the caller read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications", security(("session" = [])),
    responses((status = 200, body = ReadAllResponse)))]
pub async fn mark_all_notifications_read(
    state: web::Data<AppState>,
    member: Member<OwnNotifications>,
) -> ApiResult<HttpResponse> {
    let user = person(&member)?;
    let marked = notifications::mark_all_read(&state, member.workspace_id, user).await?;
    Ok(HttpResponse::Ok().json(ReadAllResponse { marked }))
}

/// The bell: the caller's unread count and latest 20, from memory.
#[utoipa::path(get, path = "/api/v1/notifications/summary", tag = "notifications", security(("session" = [])),
    responses((status = 200, body = NotificationSummary)))]
pub async fn notification_summary(
    state: web::Data<AppState>,
    member: Member<OwnNotifications>,
    _query: web::Query<NoParams>,
) -> ApiResult<HttpResponse> {
    let user = person(&member)?;
    let summary = state.realtime.notification_summary(member.workspace_id, user).await?;
    Ok(HttpResponse::Ok().json(summary))
}
