//! The daily digest: per member, what needs their attention, in one
//! notification and/or one email.
//!
//! The digest is made of sections. Each section belongs to a signal and
//! is filled by **one query function** over the whole workspace, returning
//! lines per member. A member gets a section when the workspace has its
//! signal on, they chose a channel for it, and it has lines for them; the
//! in-app digest carries the sections they want in-app, the email the
//! ones they want by email. A member with nothing to read gets nothing.
//!
//! Sections today: stale deals ([`stale_deals`]). Overdue activities and
//! stale leads arrive with the activities and leads features, each as its
//! own query function added to [`sections`].
//!
//! At most once per member, workspace and day: the delivery claims
//! `digest_deliveries (workspace_id, user_id, day)` in the transaction that
//! writes the notification and the email. A retried job finds the row; a
//! second node racing waits on the key and then finds it. The email also
//! carries the dedupe key `digest:{workspace}:{user}:{day}`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::{GenericClient, Pool};
use pulse_actors::EventRecord;
use serde::Serialize;
use uuid::Uuid;

use super::{created_event, preferences, workspace_toggles, Channels, Signal};
use crate::db::notifications::{self as db, EmailInsert, NotificationInsert};

/// One line of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// The record: `("deal", id)`.
    pub link: (&'static str, Uuid),
}

/// A part of the digest: its signal, heading and lines per member.
#[derive(Debug, Clone)]
pub struct Section {
    pub signal: Signal,
    pub heading: &'static str,
    pub lines: HashMap<Uuid, Vec<Line>>,
}

/// Stale deals: open deals without an update for 14 days, per owner.
pub async fn stale_deals(
    c: &impl GenericClient,
    ws: Uuid,
    now: DateTime<Utc>,
) -> Result<Section, tokio_postgres::Error> {
    let cutoff = now - chrono::Duration::days(pulse_actors::deals::STALE_AFTER_DAYS);
    let mut lines: HashMap<Uuid, Vec<Line>> = HashMap::new();
    for (owner, id, title, updated) in db::select_stale_deals(c, ws, cutoff, None).await? {
        let since = updated.map(|d| format!(" (last update {d})")).unwrap_or_default();
        lines.entry(owner).or_default().push(Line { text: format!("{title}{since}"), link: ("deal", id) });
    }
    Ok(Section { signal: Signal::StaleDeals, heading: "Stale deals", lines })
}

/// Overdue activities: open tasks past their due time, per assignee (or
/// author, when nobody is assigned), as the follow-up reminders have them.
pub async fn overdue_activities(
    c: &impl GenericClient,
    ws: Uuid,
    now: DateTime<Utc>,
) -> Result<Section, tokio_postgres::Error> {
    let mut lines: HashMap<Uuid, Vec<Line>> = HashMap::new();
    for (who, id, subject, due) in db::select_overdue_tasks(c, ws, now).await? {
        let text = format!("{subject} (due {})", due.format("%Y-%m-%d %H:%M UTC"));
        lines.entry(who).or_default().push(Line { text, link: ("activity", id) });
    }
    Ok(Section { signal: Signal::OverdueActivities, heading: "Overdue activities", lines })
}

/// Stale leads: open leads whose next action is overdue or that had no
/// update for 7 days, per owner.
pub async fn stale_leads(
    c: &impl GenericClient,
    ws: Uuid,
    now: DateTime<Utc>,
) -> Result<Section, tokio_postgres::Error> {
    let cutoff = now - chrono::Duration::days(pulse_actors::leads::STALE_AFTER_DAYS);
    let today = now.date_naive();
    let rows = c
        .query(
            "SELECT owner_id, id, coalesce(nullif(btrim(first_name || ' ' || last_name), ''), email, ''),
                    next_action_date
             FROM leads
             WHERE workspace_id = $1 AND deleted_at IS NULL AND owner_id IS NOT NULL
               AND status IN ('new', 'contacted', 'qualified')
               AND (next_action_date < $2 OR updated_at < $3)
             ORDER BY updated_at LIMIT 5000",
            &[&ws, &today, &cutoff],
        )
        .await?;
    let mut lines: HashMap<Uuid, Vec<Line>> = HashMap::new();
    for r in rows {
        let (who, id, name, next): (Uuid, Uuid, String, Option<chrono::NaiveDate>) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        let why = match next.filter(|d| *d < today) {
            Some(d) => format!(" (next action was due {d})"),
            None => " (no update for a week)".to_owned(),
        };
        lines.entry(who).or_default().push(Line { text: format!("{name}{why}"), link: ("lead", id) });
    }
    Ok(Section { signal: Signal::StaleLeads, heading: "Stale leads", lines })
}

/// Every section of the workspace's digest, in the order shown.
async fn sections(c: &impl GenericClient, ws: Uuid, now: DateTime<Utc>) -> Result<Vec<Section>, tokio_postgres::Error> {
    Ok(vec![overdue_activities(c, ws, now).await?, stale_leads(c, ws, now).await?, stale_deals(c, ws, now).await?])
}

/// What a digest run did, recorded with the job run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DigestCounts {
    pub workspaces: u64,
    /// Members who got a digest now.
    pub delivered: u64,
    pub in_app: u64,
    pub emails: u64,
    /// Members whose digest for the day had been delivered already.
    pub already_delivered: u64,
    /// Members with nothing to read (or who want none of it).
    pub nothing_to_send: u64,
}

/// A run's counts and the events to publish.
#[derive(Debug, Default)]
pub struct DigestRun {
    pub counts: DigestCounts,
    pub events: Vec<EventRecord>,
}

/// The text of the sections `wanted` keeps, or `None` when empty.
fn compose(sections: &[Section], user: Uuid, wanted: impl Fn(Signal) -> bool) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut count = 0;
    for s in sections.iter().filter(|s| wanted(s.signal)) {
        let Some(lines) = s.lines.get(&user).filter(|l| !l.is_empty()) else { continue };
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&format!("{} ({}):\n", s.heading, lines.len()));
        for l in lines {
            text.push_str(&format!("- {}\n", l.text));
        }
        count += lines.len();
    }
    (count > 0).then_some((text, count))
}

/// Builds and delivers the digest of `day` for every member of every
/// workspace; `now` decides what is stale or overdue.
pub async fn run(pool: &Pool, day: NaiveDate, now: DateTime<Utc>) -> Result<DigestRun, String> {
    let err = |e: tokio_postgres::Error| e.to_string();
    let mut client = pool.get().await.map_err(|e| e.to_string())?;
    let mut run = DigestRun::default();
    for ws in db::select_workspace_ids(&client).await.map_err(err)? {
        run.counts.workspaces += 1;
        let sections = sections(&client, ws, now).await.map_err(err)?;
        let toggles = workspace_toggles(&client, ws).await.map_err(|e| e.to_string())?;
        let on = |s: Signal| toggles.get(&s).copied().unwrap_or(true);
        for (user, email, _) in db::select_active_members(&client, ws, false).await.map_err(err)? {
            let prefs: HashMap<Signal, Channels> = preferences(&client, ws, user).await.map_err(|e| e.to_string())?;
            let wants = |s: Signal, pick: fn(&Channels) -> bool| on(s) && prefs.get(&s).is_some_and(pick);
            let in_app = compose(&sections, user, |s| wants(s, |c| c.in_app));
            let mail = compose(&sections, user, |s| wants(s, |c| c.email));
            if in_app.is_none() && mail.is_none() {
                run.counts.nothing_to_send += 1;
                continue;
            }
            let tx = client.transaction().await.map_err(err)?;
            if !db::insert_digest_delivery(&tx, ws, user, day).await.map_err(err)? {
                run.counts.already_delivered += 1;
                continue;
            }
            if let Some((body, count)) = &in_app {
                let title = format!("Your digest for {day}: {count} to look at");
                let row = NotificationInsert {
                    recipient_id: user,
                    kind: "digest",
                    title: &title,
                    body: body.trim_end(),
                    link: None,
                    actor_user_id: None,
                };
                let n = db::insert_notification(&tx, ws, &row).await.map_err(err)?;
                run.events.push(created_event(&tx, ws, None, n).await.map_err(err)?);
                run.counts.in_app += 1;
            }
            if let Some((body, count)) = &mail {
                let subject = format!("Pulse digest for {day}: {count} to look at");
                let key = format!("digest:{ws}:{user}:{day}");
                let mail = EmailInsert {
                    recipient_id: Some(user),
                    to_address: &email,
                    subject: &subject,
                    body,
                    kind: "digest",
                    dedupe_key: Some(&key),
                };
                if db::insert_email(&tx, ws, &mail).await.map_err(err)? {
                    run.counts.emails += 1;
                }
            }
            tx.commit().await.map_err(err)?;
            run.counts.delivered += 1;
        }
    }
    Ok(run)
}
