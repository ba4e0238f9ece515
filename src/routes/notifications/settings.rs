//! `GET|PATCH /api/v1/notification-settings`: the workspace's switch per
//! signal (every member reads; owners and managers change them), and
//! `GET|PATCH /api/v1/me/notification-preferences`: the caller's channels
//! per signal.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::person;
use crate::auth::permissions::{ManageNotifications, OwnNotifications};
use crate::auth::Member;
use crate::error::ApiResult;
use crate::http::extract::{JsonBody, NoParams};
use crate::notifications::{self, Channels, Signal, DEFAULT_CHANNELS};
use crate::state::AppState;

/// Declares a struct with one field per signal, in `Signal::ALL` order.
macro_rules! per_signal {
    ($(#[$meta:meta])* $name:ident<$ty:ty> $(, $attr:meta)*) => {
        $(#[$meta])*
        pub struct $name {
            $(#[$attr])* pub overdue_activities: $ty,
            $(#[$attr])* pub stale_leads: $ty,
            $(#[$attr])* pub stale_deals: $ty,
            $(#[$attr])* pub assignments: $ty,
            $(#[$attr])* pub hot_leads: $ty,
            $(#[$attr])* pub nurture: $ty,
            $(#[$attr])* pub invitation_accepted: $ty,
        }

        impl $name {
            /// The fields paired with their signal.
            #[allow(dead_code)]
            fn pairs(self) -> [(Signal, $ty); 7] {
                [
                    (Signal::OverdueActivities, self.overdue_activities),
                    (Signal::StaleLeads, self.stale_leads),
                    (Signal::StaleDeals, self.stale_deals),
                    (Signal::Assignments, self.assignments),
                    (Signal::HotLeads, self.hot_leads),
                    (Signal::Nurture, self.nurture),
                    (Signal::InvitationAccepted, self.invitation_accepted),
                ]
            }

            #[allow(dead_code)]
            fn from_fn(f: impl Fn(Signal) -> $ty) -> Self {
                Self {
                    overdue_activities: f(Signal::OverdueActivities),
                    stale_leads: f(Signal::StaleLeads),
                    stale_deals: f(Signal::StaleDeals),
                    assignments: f(Signal::Assignments),
                    hot_leads: f(Signal::HotLeads),
                    nurture: f(Signal::Nurture),
                    invitation_accepted: f(Signal::InvitationAccepted),
                }
            }
        }
    };
}

per_signal! {
    /// Whether each signal is on in the workspace.
    #[derive(Debug, Serialize, utoipa::ToSchema)]
    NotificationSettings<bool>
}

per_signal! {
    /// The signals to switch; absent ones stay as they are. `null` is not a value.
    #[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
    #[serde(deny_unknown_fields)]
    UpdateNotificationSettingsRequest<Option<bool>>,
    serde(default, deserialize_with = "crate::http::extract::present"),
    schema(nullable = false)
}

per_signal! {
    /// The caller's channels for each signal.
    #[derive(Debug, Serialize, utoipa::ToSchema)]
    NotificationPreferences<Channels>
}

/// A change to one signal's channels; absent halves stay as they are.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelsChange {
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub in_app: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub email: Option<bool>,
}

per_signal! {
    /// The signals whose channels change; absent ones stay as they are.
    #[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
    #[serde(deny_unknown_fields)]
    UpdateNotificationPreferencesRequest<Option<ChannelsChange>>,
    serde(default, deserialize_with = "crate::http::extract::present"),
    schema(nullable = false)
}

fn settings_response(toggles: &HashMap<Signal, bool>) -> NotificationSettings {
    NotificationSettings::from_fn(|s| toggles.get(&s).copied().unwrap_or(true))
}

fn preferences_response(prefs: &HashMap<Signal, Channels>) -> NotificationPreferences {
    NotificationPreferences::from_fn(|s| prefs.get(&s).copied().unwrap_or(DEFAULT_CHANNELS))
}

/// Which signals are on in the workspace (a signal off notifies nobody).
#[utoipa::path(get, path = "/api/v1/notification-settings", tag = "notifications", security(("session" = [])),
    responses((status = 200, body = NotificationSettings)))]
pub async fn get_notification_settings(
    state: web::Data<AppState>,
    member: Member<OwnNotifications>,
    _query: web::Query<NoParams>,
) -> ApiResult<HttpResponse> {
    let client = state.db().await?;
    let toggles = notifications::workspace_toggles(&client, member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(settings_response(&toggles)))
}

/// Switches signals on or off for the workspace (owners and managers).
#[utoipa::path(patch, path = "/api/v1/notification-settings", tag = "notifications", security(("session" = [])),
    request_body = UpdateNotificationSettingsRequest, responses((status = 200, body = NotificationSettings)))]
pub async fn update_notification_settings(
    state: web::Data<AppState>,
    member: Member<ManageNotifications>,
    body: JsonBody<UpdateNotificationSettingsRequest>,
) -> ApiResult<HttpResponse> {
    let changes: Vec<(Signal, bool)> = body.0.pairs().into_iter().filter_map(|(s, v)| Some((s, v?))).collect();
    let toggles = notifications::set_workspace_toggles(&state, member.workspace_id, &changes).await?;
    Ok(HttpResponse::Ok().json(settings_response(&toggles)))
}

/// The caller's channels (in-app, email) for each signal.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("session" = [])),
    responses((status = 200, body = NotificationPreferences)))]
pub async fn get_notification_preferences(
    state: web::Data<AppState>,
    member: Member<OwnNotifications>,
    _query: web::Query<NoParams>,
) -> ApiResult<HttpResponse> {
    let user = person(&member)?;
    let client = state.db().await?;
    let prefs = notifications::preferences(&client, member.workspace_id, user).await?;
    Ok(HttpResponse::Ok().json(preferences_response(&prefs)))
}

/// Changes the caller's channels for some signals.
#[utoipa::path(patch, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("session" = [])),
    request_body = UpdateNotificationPreferencesRequest, responses((status = 200, body = NotificationPreferences)))]
pub async fn update_notification_preferences(
    state: web::Data<AppState>,
    member: Member<OwnNotifications>,
    body: JsonBody<UpdateNotificationPreferencesRequest>,
) -> ApiResult<HttpResponse> {
    let user = person(&member)?;
    let changes: Vec<_> = body.0.pairs().into_iter().filter_map(|(s, c)| c.map(|c| (s, c.in_app, c.email))).collect();
    let prefs = notifications::set_preferences(&state, member.workspace_id, user, &changes).await?;
    Ok(HttpResponse::Ok().json(preferences_response(&prefs)))
}
