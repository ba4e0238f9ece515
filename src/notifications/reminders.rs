//! Reminders outside the digest, raised by two scheduled jobs:
//!
//! - **Follow-ups** (`follow_up_reminders`, 08:00 UTC by default), every
//!   day while overdue: deals whose next action was due before today
//!   (their owner, `overdue_activities`), open tasks past their due time
//!   (their assignee, or their author when nobody is assigned,
//!   `overdue_activities`), and leads whose next action was due before
//!   today (their owner, `stale_leads`: an overdue lead is a stale one).
//! - **Going stale** (`stale_refresh`, hourly), once when it happens: open
//!   deals that crossed 14 days without an update (`stale_deals`) and open
//!   leads that crossed 7 days (`stale_leads`) in the hour before the slot.
//!
//! Each reminder is claimed in `reminder_deliveries (workspace, kind,
//! record, day)` in the transaction that raises it, so a record is
//! reminded of at most once per kind and day, whatever retries or second
//! runners do. The usual rules of [`notify`] apply on top (the workspace's
//! switches, the recipient's channels).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use deadpool_postgres::{GenericClient, Pool};
use pulse_actors::EventRecord;
use serde::Serialize;
use uuid::Uuid;

use super::{notify, NewNotification, Signal};
use crate::db::notifications as db;

/// What a reminders job looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sweep {
    /// Overdue next actions and tasks as of `now` (the slot), on `day`.
    FollowUps { now: DateTime<Utc> },
    /// Deals and leads that went stale in the hour before `now` (the slot).
    GoingStale { now: DateTime<Utc> },
}

impl Sweep {
    fn now(self) -> DateTime<Utc> {
        match self {
            Sweep::FollowUps { now } | Sweep::GoingStale { now } => now,
        }
    }
}

/// One reminder: its claim and its notification.
struct Reminder {
    kind: &'static str,
    notification: NewNotification,
}

fn reminder(
    kind: &'static str,
    signal: Signal,
    to: Uuid,
    link: (&'static str, Uuid),
    title: String,
    body: String,
) -> Reminder {
    Reminder {
        kind,
        notification: NewNotification { recipient: to, kind: signal, title, body, link: Some(link), actor: None },
    }
}

/// The reminders of `sweep` in one workspace.
async fn reminders(c: &impl GenericClient, ws: Uuid, sweep: Sweep) -> Result<Vec<Reminder>, tokio_postgres::Error> {
    let mut out = Vec::new();
    match sweep {
        Sweep::FollowUps { now } => {
            let today = now.date_naive();
            for (owner, id, what, due) in db::select_overdue_next_actions(c, ws, today).await? {
                let body = due.map(|d| format!("Due {d}")).unwrap_or_default();
                out.push(reminder(
                    "overdue",
                    Signal::OverdueActivities,
                    owner,
                    ("deal", id),
                    format!("Overdue: {what}"),
                    body,
                ));
            }
            for (to, id, subject, due) in db::select_overdue_tasks(c, ws, now).await? {
                let body = format!("Due {}", due.format("%Y-%m-%d %H:%M UTC"));
                let title = format!("Overdue task: {subject}");
                out.push(reminder("overdue", Signal::OverdueActivities, to, ("activity", id), title, body));
            }
            for (owner, id, name, action, due) in db::select_overdue_lead_actions(c, ws, today).await? {
                let title = match &action {
                    Some(a) => format!("Overdue: {a} ({name})"),
                    None => format!("Overdue next action: {name}"),
                };
                let body = due.map(|d| format!("Due {d}")).unwrap_or_default();
                out.push(reminder("overdue", Signal::StaleLeads, owner, ("lead", id), title, body));
            }
        }
        Sweep::GoingStale { now } => {
            let deals = now - Duration::days(pulse_actors::deals::STALE_AFTER_DAYS);
            for (owner, id, title, _) in db::select_stale_deals(c, ws, deals, Some(deals - Duration::hours(1))).await? {
                let body = format!("No update for {} days.", pulse_actors::deals::STALE_AFTER_DAYS);
                out.push(reminder(
                    "stale",
                    Signal::StaleDeals,
                    owner,
                    ("deal", id),
                    format!("Gone stale: {title}"),
                    body,
                ));
            }
            let leads = now - Duration::days(pulse_actors::leads::STALE_AFTER_DAYS);
            for (owner, id, name, _, _) in
                db::select_newly_stale_leads(c, ws, leads - Duration::hours(1), leads).await?
            {
                let body = format!("No update for {} days.", pulse_actors::leads::STALE_AFTER_DAYS);
                out.push(reminder(
                    "stale",
                    Signal::StaleLeads,
                    owner,
                    ("lead", id),
                    format!("Gone stale: {name}"),
                    body,
                ));
            }
        }
    }
    Ok(out)
}

/// What a reminders run did, recorded with the job run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReminderCounts {
    pub workspaces: u64,
    /// Reminders claimed now (one per kind, record and day).
    pub reminded: u64,
    /// In-app notifications raised (a recipient may want email only, or none).
    pub notified: u64,
    /// Reminders claimed already today (a retried run, another runner).
    pub already_reminded: u64,
}

/// A run's counts and the events to publish.
#[derive(Debug, Default)]
pub struct ReminderRun {
    pub counts: ReminderCounts,
    pub events: Vec<EventRecord>,
}

/// Raises the reminders of `sweep` in every workspace, one transaction per
/// workspace; the day of the unique key is the sweep's (UTC) day.
pub async fn run(pool: &Pool, sweep: Sweep) -> Result<ReminderRun, String> {
    let err = |e: tokio_postgres::Error| e.to_string();
    let day: NaiveDate = sweep.now().date_naive();
    let mut client = pool.get().await.map_err(|e| e.to_string())?;
    let mut run = ReminderRun::default();
    for ws in db::select_workspace_ids(&client).await.map_err(err)? {
        run.counts.workspaces += 1;
        let tx = client.transaction().await.map_err(err)?;
        for r in reminders(&tx, ws, sweep).await.map_err(err)? {
            let n = r.notification;
            let Some(link) = n.link else { continue };
            if !db::insert_reminder_delivery(&tx, ws, r.kind, link, day, n.recipient).await.map_err(err)? {
                run.counts.already_reminded += 1;
                continue;
            }
            run.counts.reminded += 1;
            if let Some(event) = notify(&tx, ws, n).await.map_err(err)? {
                run.counts.notified += 1;
                run.events.push(event);
            }
        }
        tx.commit().await.map_err(err)?;
    }
    Ok(run)
}
