//! Notifications: the bell (in-app), their email twin in the outbox, the
//! switches and preferences that decide who gets what, and the daily
//! digest.
//!
//! - [`notify`] is what other features call, inside their own transaction.
//! - Reads of the bell (`summary`) come from the workspace actor's memory
//!   (`pulse_actors::notifications`); lists come from PostgreSQL.
//! - Marking read writes the row and a `notification.read` event in one
//!   transaction, only when the row changed, so the actor's unread count
//!   moves exactly once however many tabs mark the same notification.
//! - [`email`] owns the outbox, its sender and the template rendering;
//!   [`templates`] the nurture templates and their bindings; [`nurture`]
//!   the nurture steps; [`digest`] builds the daily digest; [`reminders`]
//!   the follow-up and going-stale reminders.

pub mod digest;
pub mod email;
pub mod nurture;
pub mod reminders;
pub mod templates;

use std::collections::HashMap;

use deadpool_postgres::GenericClient;
use pulse_actors::notifications::{Notification, LATEST};
use pulse_actors::{EventRecord, Visibility};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Actor;
use crate::db::notifications::{self as db, EmailInsert, MarkRead, NotificationInsert};
use crate::error::ApiError;
use crate::realtime::record_event;
use crate::state::AppState;

/// The topic every notification event is published on.
pub const TOPIC: &str = "notifications";

/// What a notification is about. Owners and managers switch each signal
/// for the workspace; each member picks in-app and/or email per signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Your activities (and deals' next actions) past their due date.
    OverdueActivities,
    /// Your leads without an update for 7 days, or past their next action's date.
    StaleLeads,
    /// Your open deals without an update for 14 days.
    StaleDeals,
    /// A lead, activity or deal assigned to you.
    Assignments,
    /// A lead of yours turned hot.
    HotLeads,
    /// A nurture step ran for one of your records.
    Nurture,
    /// Someone accepted an invitation (owners).
    InvitationAccepted,
}

impl Signal {
    pub const ALL: [Signal; 7] = [
        Signal::OverdueActivities,
        Signal::StaleLeads,
        Signal::StaleDeals,
        Signal::Assignments,
        Signal::HotLeads,
        Signal::Nurture,
        Signal::InvitationAccepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Signal::OverdueActivities => "overdue_activities",
            Signal::StaleLeads => "stale_leads",
            Signal::StaleDeals => "stale_deals",
            Signal::Assignments => "assignments",
            Signal::HotLeads => "hot_leads",
            Signal::Nurture => "nurture",
            Signal::InvitationAccepted => "invitation_accepted",
        }
    }
}

/// A member's channels for one signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Channels {
    pub in_app: bool,
    pub email: bool,
}

/// Without a stored choice: in-app on, email off.
pub const DEFAULT_CHANNELS: Channels = Channels { in_app: true, email: false };

/// The workspace's switches: every signal, on unless switched off.
pub async fn workspace_toggles(c: &impl GenericClient, ws: Uuid) -> Result<HashMap<Signal, bool>, ApiError> {
    let stored: HashMap<String, bool> = db::select_workspace_toggles(c, ws).await?.into_iter().collect();
    Ok(Signal::ALL.into_iter().map(|s| (s, stored.get(s.as_str()).copied().unwrap_or(true))).collect())
}

/// A member's channels for every signal.
pub async fn preferences(c: &impl GenericClient, ws: Uuid, user: Uuid) -> Result<HashMap<Signal, Channels>, ApiError> {
    let stored: HashMap<String, Channels> = db::select_preferences(c, ws, user)
        .await?
        .into_iter()
        .map(|(s, in_app, email)| (s, Channels { in_app, email }))
        .collect();
    Ok(Signal::ALL.into_iter().map(|s| (s, stored.get(s.as_str()).copied().unwrap_or(DEFAULT_CHANNELS))).collect())
}

/// Switches signals for the workspace (owners and managers).
pub async fn set_workspace_toggles(
    state: &AppState,
    ws: Uuid,
    changes: &[(Signal, bool)],
) -> Result<HashMap<Signal, bool>, ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    for (signal, on) in changes {
        db::upsert_workspace_toggle(&tx, ws, signal.as_str(), *on).await?;
    }
    let toggles = workspace_toggles(&tx, ws).await?;
    tx.commit().await?;
    Ok(toggles)
}

/// Changes a member's channels; absent halves keep their value.
pub async fn set_preferences(
    state: &AppState,
    ws: Uuid,
    user: Uuid,
    changes: &[(Signal, Option<bool>, Option<bool>)],
) -> Result<HashMap<Signal, Channels>, ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let current = preferences(&tx, ws, user).await?;
    for (signal, in_app, email) in changes {
        let now = current.get(signal).copied().unwrap_or(DEFAULT_CHANNELS);
        let (in_app, email) = (in_app.unwrap_or(now.in_app), email.unwrap_or(now.email));
        db::upsert_preference(&tx, ws, user, signal.as_str(), in_app, email).await?;
    }
    let prefs = preferences(&tx, ws, user).await?;
    tx.commit().await?;
    Ok(prefs)
}

/// The record a notification points at: `("deal", id)`, `("member", id)`...
pub type LinkTarget = (&'static str, Uuid);

/// A notification to raise (see [`notify`]).
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub recipient: Uuid,
    pub kind: Signal,
    /// One line, at most 300 characters (longer is cut).
    pub title: String,
    /// Optional detail, at most 5,000 characters (longer is cut).
    pub body: String,
    pub link: Option<LinkTarget>,
    /// Who caused it; `None` for the scheduler.
    pub actor: Option<Actor>,
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Raises a notification inside the caller's transaction.
///
/// Contract:
/// - Call it from the transaction that makes the change the notification
///   is about, and publish the returned event with `state.realtime.publish`
///   **after COMMIT** (a rollback takes the notification, its event and
///   its email with it).
/// - Nothing happens (`Ok(None)`) when the recipient caused it themselves
///   (`actor` is the recipient), when the recipient is not an active
///   member of `ws`, when the workspace has switched `kind` off, or when
///   the recipient chose neither channel for it.
/// - In-app (the recipient's choice): inserts the row and appends
///   `notification.created` on the `notifications` topic with
///   `Visibility::Users([recipient])`, which is returned. Only the
///   recipient's sessions receive it; API tokens never do.
/// - Email (the recipient's choice): queues a message to the recipient's
///   address in the outbox, in the same transaction; the sender delivers
///   it after the commit. `Ok(None)` is returned when only email was
///   chosen.
pub async fn notify(
    c: &impl GenericClient,
    ws: Uuid,
    n: NewNotification,
) -> Result<Option<EventRecord>, tokio_postgres::Error> {
    if n.actor.and_then(Actor::user_id) == Some(n.recipient) {
        return Ok(None);
    }
    let Some((_, email, _)) = db::select_active_member(c, ws, n.recipient).await? else {
        return Ok(None);
    };
    let toggles: HashMap<String, bool> = db::select_workspace_toggles(c, ws).await?.into_iter().collect();
    if !toggles.get(n.kind.as_str()).copied().unwrap_or(true) {
        return Ok(None);
    }
    let channels = db::select_preferences(c, ws, n.recipient)
        .await?
        .into_iter()
        .find(|(s, _, _)| s == n.kind.as_str())
        .map_or(DEFAULT_CHANNELS, |(_, in_app, email)| Channels { in_app, email });
    let (title, body) = (cut(n.title.trim(), 300), cut(&n.body, 5000));
    let title = if title.is_empty() { n.kind.as_str().to_owned() } else { title };
    if channels.email {
        let text = email_text(&body, n.link);
        let mail = EmailInsert {
            recipient_id: Some(n.recipient),
            to_address: &email,
            subject: &title,
            body: &text,
            kind: n.kind.as_str(),
            dedupe_key: None,
        };
        db::insert_email(c, ws, &mail).await?;
    }
    if !channels.in_app {
        return Ok(None);
    }
    let row = NotificationInsert {
        recipient_id: n.recipient,
        kind: n.kind.as_str(),
        title: &title,
        body: &body,
        link: n.link,
        actor_user_id: n.actor.and_then(Actor::user_id),
    };
    let created = db::insert_notification(c, ws, &row).await?;
    created_event(c, ws, n.actor, created).await.map(Some)
}

/// The plain-text email for a notification.
fn email_text(body: &str, link: Option<LinkTarget>) -> String {
    match link {
        Some((kind, id)) => format!("{body}\n\n({kind} {id})").trim_start().to_owned(),
        None => body.to_owned(),
    }
}

/// Appends `notification.created` for a row just inserted.
pub(crate) async fn created_event(
    c: &impl GenericClient,
    ws: Uuid,
    actor: Option<Actor>,
    n: Notification,
) -> Result<EventRecord, tokio_postgres::Error> {
    let to = Visibility::Users(vec![n.recipient_id]);
    let data = serde_json::json!({ "notification": n });
    record_event(c, ws, actor, "notification.created", TOPIC, to, data).await
}

/// A page of the caller's notifications, newest first.
pub async fn list(
    state: &AppState,
    ws: Uuid,
    user: Uuid,
    before: Option<Uuid>,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<Notification>, ApiError> {
    let client = state.db().await?;
    Ok(db::select_notifications(&client, ws, user, before, unread_only, limit).await?)
}

fn not_found() -> ApiError {
    ApiError::NotFound("notification")
}

/// Marks one of the caller's notifications read. Idempotent: an already
/// read one is returned as it is and emits nothing. Another member's
/// notification answers like a missing one.
pub async fn mark_read(state: &AppState, ws: Uuid, user: Uuid, id: Uuid) -> Result<Notification, ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let (n, event) = match db::update_notification_read(&tx, ws, user, id).await? {
        MarkRead::NotFound => return Err(not_found()),
        MarkRead::AlreadyRead(n) => (n, None),
        MarkRead::Flipped(n) => {
            let data = serde_json::json!({ "user_id": user, "id": n.id, "read_at": n.read_at });
            let to = Visibility::Users(vec![user]);
            let event = record_event(&tx, ws, Some(Actor::User(user)), "notification.read", TOPIC, to, data).await?;
            (n, Some(event))
        }
    };
    tx.commit().await?;
    if let Some(e) = event {
        state.realtime.publish(e);
    }
    Ok(n)
}

/// Marks every unread notification of the caller read; returns how many
/// changed (0 emits nothing).
pub async fn mark_all_read(state: &AppState, ws: Uuid, user: Uuid) -> Result<i64, ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let (count, ids, read_at) = db::update_all_read(&tx, ws, user, LATEST).await?;
    let event = if count > 0 {
        let data = serde_json::json!({ "user_id": user, "count": count, "ids": ids, "read_at": read_at });
        let to = Visibility::Users(vec![user]);
        Some(record_event(&tx, ws, Some(Actor::User(user)), "notification.read_all", TOPIC, to, data).await?)
    } else {
        None
    };
    tx.commit().await?;
    if let Some(e) = event {
        state.realtime.publish(e);
    }
    Ok(count)
}

/// Tells the workspace's active owners that `user` accepted an invitation
/// (signal `invitation_accepted`); call inside the acceptance transaction
/// and publish the events after it commits.
pub async fn invitation_accepted(
    c: &impl GenericClient,
    ws: Uuid,
    user: Uuid,
    name: &str,
    role: &str,
) -> Result<Vec<EventRecord>, tokio_postgres::Error> {
    let mut events = Vec::new();
    for (owner, _, _) in db::select_active_members(c, ws, true).await? {
        let n = NewNotification {
            recipient: owner,
            kind: Signal::InvitationAccepted,
            title: format!("{name} joined the workspace"),
            body: format!("{name} accepted your invitation and joined as {role}."),
            link: Some(("member", user)),
            actor: Some(Actor::User(user)),
        };
        events.extend(notify(c, ws, n).await?);
    }
    Ok(events)
}
