//! Nurture: when a deal reaches a stage whose `auto_nurture` is on, or a
//! lead a status whose flag is on (`lead_status_nurture`), the template
//! bound to that stage or status is emailed to the contact (the deal's
//! contact, or the lead itself) and the record's owner is told (signal
//! `nurture`). At most once per record and stage (or status), ever.
//!
//! Contract:
//! - A step runs in one transaction: it claims `nurture_steps (workspace,
//!   record, step)`, queues the email in the outbox under the dedupe key
//!   `nurture:{record}:{step}` and raises the owner's notification. A
//!   second attempt (a retry, a concurrent move, the sweep) finds the
//!   claim and does nothing, so moving in, out and in again sends one
//!   email.
//! - Two paths run steps. Right after the workspace actor commits a write
//!   ([`after_write`], from the routes), and the hourly `nurture` job
//!   ([`sweep`]), which finds records that entered a nurturing stage or
//!   status in the last [`SWEEP_LOOKBACK_HOURS`] hours without a step: the
//!   actor's commit and the step are two transactions, and a crash between
//!   them would otherwise lose the step.
//! - Nothing runs (and nothing is recorded, so the sweep may still run it)
//!   while the flag is off or no template is bound to the trigger, or for
//!   a deleted record.
//! - With no address to send to (no contact, or no email), the step is
//!   recorded as `no_recipient` and the owner is told so instead.
//! - The owner's notification follows the usual rules: not for their own
//!   move (the mover is the actor; the sweep uses the deal's stage history
//!   and knows no mover for leads), and only as the workspace's switch and
//!   the owner's channels for `nurture` allow. The switch governs the
//!   notification only, never the email to the contact: that is the
//!   auto-nurture flag's job.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Pool};
use pulse_actors::leads::LeadStatus;
use pulse_actors::EventRecord;
use serde::Serialize;
use uuid::Uuid;

use super::email::queue_templated;
use super::{notify, NewNotification, Signal};
use crate::auth::Actor;
use crate::db::notifications::TemplateRow;
use crate::db::nurture::{self as db, DealForNurture, LeadForNurture, StepInsert};
use crate::error::ApiError;
use crate::state::AppState;

/// How far back the sweep looks for entries without a step.
pub const SWEEP_LOOKBACK_HOURS: i64 = 24;

/// What reached a nurturing stage or status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Deal { id: Uuid, stage_id: Uuid },
    Lead { id: Uuid, status: LeadStatus },
}

/// Which path ran a step (recorded with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Write,
    Sweep,
}

/// What a step attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// The email is in the outbox.
    Queued,
    /// No address to send to: only the owner was told.
    NoRecipient,
    /// The step had run already.
    AlreadyRan,
    /// Nothing to do: the flag is off, no template is bound, or the record is gone.
    NotNurtured,
}

/// A record ready for its step: what to fill the template with, where to
/// send it, and whom to tell.
struct Prepared {
    record: (&'static str, Uuid),
    step: String,
    template: TemplateRow,
    values: HashMap<String, String>,
    to: Option<String>,
    owner: Option<Uuid>,
    /// "Acme renewal entered Proposal"
    what: String,
}

/// Runs the step for `trigger` inside the caller's transaction; publish
/// the returned event after COMMIT.
pub async fn run_step(
    c: &impl GenericClient,
    ws: Uuid,
    trigger: Trigger,
    actor: Option<Actor>,
    via: Via,
) -> Result<(StepOutcome, Option<EventRecord>), tokio_postgres::Error> {
    let Some(p) = prepare(c, ws, trigger).await? else { return Ok((StepOutcome::NotNurtured, None)) };
    let email_id = p.to.as_ref().map(|_| Uuid::now_v7());
    let outcome = if email_id.is_some() { StepOutcome::Queued } else { StepOutcome::NoRecipient };
    let claim = StepInsert {
        record_type: p.record.0,
        record_id: p.record.1,
        step: &p.step,
        template_id: p.template.id,
        outcome: if email_id.is_some() { "queued" } else { "no_recipient" },
        email_id,
        via: match via {
            Via::Write => "write",
            Via::Sweep => "sweep",
        },
    };
    if !db::insert_nurture_step(c, ws, &claim).await? {
        return Ok((StepOutcome::AlreadyRan, None));
    }
    if let (Some(id), Some(to)) = (email_id, &p.to) {
        let key = format!("nurture:{}:{}", p.record.1, p.step);
        queue_templated(c, ws, id, &p.template, to, &p.values, &key).await?;
    }
    let Some(owner) = p.owner else { return Ok((outcome, None)) };
    let (title, body) = match &p.to {
        Some(to) => {
            (format!("Nurture email sent: {}", p.what), format!("\"{}\" is on its way to {to}.", p.template.name))
        }
        None => (
            format!("Nurture step without a recipient: {}", p.what),
            format!("\"{}\" was not sent: there is no email address to send it to.", p.template.name),
        ),
    };
    let n = NewNotification { recipient: owner, kind: Signal::Nurture, title, body, link: Some(p.record), actor };
    Ok((outcome, notify(c, ws, n).await?))
}

/// The record, its template and values, or `None` when nothing nurtures.
async fn prepare(
    c: &impl GenericClient,
    ws: Uuid,
    trigger: Trigger,
) -> Result<Option<Prepared>, tokio_postgres::Error> {
    match trigger {
        Trigger::Deal { id, stage_id } => {
            let Some((true, stage, pipeline)) = db::select_stage_nurture(c, ws, stage_id).await? else {
                return Ok(None);
            };
            let Some(template) = db::select_bound_template(c, ws, Some(stage_id), None).await? else {
                return Ok(None);
            };
            let Some(deal) = db::select_deal_for_nurture(c, ws, id).await? else { return Ok(None) };
            Ok(Some(Prepared {
                record: ("deal", id),
                step: stage_id.to_string(),
                template,
                what: format!("{} entered {stage}", deal.title),
                values: deal_values(&deal, &stage, &pipeline),
                to: deal.contact_email.clone().filter(|e| !e.trim().is_empty()),
                owner: deal.owner.as_ref().map(|o| o.0),
            }))
        }
        Trigger::Lead { id, status } => {
            if !db::select_lead_status_nurtures(c, ws, status.as_str()).await? {
                return Ok(None);
            }
            let Some(template) = db::select_bound_template(c, ws, None, Some(status.as_str())).await? else {
                return Ok(None);
            };
            let Some(lead) = db::select_lead_for_nurture(c, ws, id).await? else { return Ok(None) };
            let values = lead_values(&lead, status);
            Ok(Some(Prepared {
                record: ("lead", id),
                step: status.as_str().to_owned(),
                template,
                what: format!("{} is now {}", values["lead.name"], status.as_str()),
                to: lead.email.clone().filter(|e| !e.trim().is_empty()),
                owner: lead.owner.as_ref().map(|o| o.0),
                values,
            }))
        }
    }
}

fn full_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

fn owner_values(v: &mut HashMap<String, String>, owner: Option<&db::Person>, workspace: &str) {
    let (name, email) = owner.map_or((String::new(), String::new()), |o| (o.1.clone(), o.2.clone()));
    v.insert("owner.name".into(), name);
    v.insert("owner.email".into(), email);
    v.insert("workspace.name".into(), workspace.to_owned());
}

/// A deal's placeholders (docs/NOTIFICATIONS.md).
fn deal_values(d: &DealForNurture, stage: &str, pipeline: &str) -> HashMap<String, String> {
    let first = d.contact_first_name.clone().unwrap_or_default();
    let last = d.contact_last_name.clone().unwrap_or_default();
    let email = d.contact_email.clone().unwrap_or_default();
    let name = full_name(&first, &last);
    let mut v: HashMap<String, String> = [
        ("deal.title", d.title.clone()),
        ("deal.amount", format_amount(d.amount, &d.currency)),
        ("deal.currency", d.currency.clone()),
        ("deal.stage", stage.to_owned()),
        ("deal.pipeline", pipeline.to_owned()),
        ("contact.name", if name.is_empty() { email.clone() } else { name }),
        ("contact.first_name", first),
        ("contact.last_name", last),
        ("contact.email", email),
        ("company.name", d.company_name.clone().unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    owner_values(&mut v, d.owner.as_ref(), &d.workspace_name);
    v
}

/// A lead's placeholders: `lead.*`, and `contact.*` for the lead itself,
/// so one template serves deals and leads.
fn lead_values(l: &LeadForNurture, status: LeadStatus) -> HashMap<String, String> {
    let email = l.email.clone().unwrap_or_default();
    let name = full_name(&l.first_name, &l.last_name);
    let name = if name.is_empty() { email.clone() } else { name };
    let company = l.company_name.clone().unwrap_or_default();
    let mut v: HashMap<String, String> = [
        ("lead.name", name.clone()),
        ("lead.first_name", l.first_name.clone()),
        ("lead.last_name", l.last_name.clone()),
        ("lead.email", email.clone()),
        ("lead.company_name", company.clone()),
        ("lead.job_title", l.job_title.clone().unwrap_or_default()),
        ("lead.status", status.as_str().to_owned()),
        ("contact.name", name),
        ("contact.first_name", l.first_name.clone()),
        ("contact.last_name", l.last_name.clone()),
        ("contact.email", email),
        ("company.name", company),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    owner_values(&mut v, l.owner.as_ref(), &l.workspace_name);
    v
}

/// Minor units as the currency writes them: `1234.50 EUR`, `1200 JPY`.
pub fn format_amount(minor: i64, currency: &str) -> String {
    let decimals: u32 = match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "VND" | "VUV"
        | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    };
    let unit = 10_i64.pow(decimals);
    let (major, rest) = (minor / unit, (minor % unit).abs());
    if decimals == 0 {
        format!("{major} {currency}")
    } else {
        format!("{major}.{rest:0width$} {currency}", width = decimals as usize)
    }
}

/// Runs a step right after the workspace actor committed the write that
/// made it due, in its own transaction, and publishes the owner's
/// notification. The write stands whatever happens here: a failure is
/// logged, and the hourly sweep runs the step later.
pub async fn after_write(state: &AppState, ws: Uuid, actor: Option<Actor>, trigger: Trigger) {
    let result = async {
        let mut client = state.db().await?;
        let tx = client.transaction().await?;
        let (outcome, event) = run_step(&tx, ws, trigger, actor, Via::Write).await?;
        tx.commit().await?;
        Ok::<_, ApiError>((outcome, event))
    }
    .await;
    match result {
        Ok((outcome, event)) => {
            if outcome != StepOutcome::NotNurtured {
                tracing::debug!(workspace = %ws, ?trigger, ?outcome, "nurture step");
            }
            if let Some(e) = event {
                state.realtime.publish(e);
            }
        }
        Err(e) => tracing::warn!(workspace = %ws, ?trigger, error = %e, "nurture step failed; the sweep retries it"),
    }
}

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SweepCounts {
    /// Steps found missing.
    pub found: u64,
    pub queued: u64,
    pub no_recipient: u64,
    /// Taken meanwhile by the write path or another runner.
    pub already_ran: u64,
    /// Gone meanwhile (deleted, flag switched off, template unbound).
    pub skipped: u64,
}

/// A sweep's counts and the notification events to publish.
#[derive(Debug, Default)]
pub struct SweepRun {
    pub counts: SweepCounts,
    pub events: Vec<EventRecord>,
}

/// At most this many steps per sweep; the rest wait for the next hour.
const SWEEP_MAX: i64 = 5000;

/// Runs the steps of records that entered a nurturing stage or status in
/// `[since, until)` and have none, each in its own transaction.
pub async fn sweep(pool: &Pool, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<SweepRun, String> {
    let err = |e: tokio_postgres::Error| e.to_string();
    let mut client = pool.get().await.map_err(|e| e.to_string())?;
    let mut missed: Vec<(Uuid, Trigger, Option<Uuid>)> = Vec::new();
    for (ws, id, stage, mover) in db::select_missed_deal_steps(&client, since, until, SWEEP_MAX).await.map_err(err)? {
        if let Ok(stage_id) = stage.parse() {
            missed.push((ws, Trigger::Deal { id, stage_id }, mover));
        }
    }
    for (ws, id, status, _) in db::select_missed_lead_steps(&client, since, until, SWEEP_MAX).await.map_err(err)? {
        if let Some(status) = LeadStatus::parse(&status) {
            missed.push((ws, Trigger::Lead { id, status }, None));
        }
    }
    let mut run = SweepRun::default();
    for (ws, trigger, mover) in missed {
        run.counts.found += 1;
        let tx = client.transaction().await.map_err(err)?;
        let (outcome, event) = run_step(&tx, ws, trigger, mover.map(Actor::User), Via::Sweep).await.map_err(err)?;
        tx.commit().await.map_err(err)?;
        match outcome {
            StepOutcome::Queued => run.counts.queued += 1,
            StepOutcome::NoRecipient => run.counts.no_recipient += 1,
            StepOutcome::AlreadyRan => run.counts.already_ran += 1,
            StepOutcome::NotNurtured => run.counts.skipped += 1,
        }
        run.events.extend(event);
    }
    Ok(run)
}

/// The workspace's lead statuses and whether each nurtures.
pub async fn lead_status_flags(c: &impl GenericClient, ws: Uuid) -> Result<Vec<(LeadStatus, bool)>, ApiError> {
    let stored: HashMap<String, bool> = db::select_lead_status_flags(c, ws).await?.into_iter().collect();
    Ok(LeadStatus::ALL.into_iter().map(|s| (s, stored.get(s.as_str()).copied().unwrap_or(false))).collect())
}

/// Switches lead statuses' nurture flags (owners and managers); returns
/// every status's flag.
pub async fn set_lead_status_flags(
    state: &AppState,
    ws: Uuid,
    changes: &[(LeadStatus, bool)],
) -> Result<Vec<(LeadStatus, bool)>, ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    for (status, on) in changes {
        db::upsert_lead_status_flag(&tx, ws, status.as_str(), *on).await?;
    }
    let flags = lead_status_flags(&tx, ws).await?;
    tx.commit().await?;
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_in_the_currencys_own_units() {
        for (minor, cur, want) in [
            (123_450, "EUR", "1234.50 EUR"),
            (5, "USD", "0.05 USD"),
            (1200, "JPY", "1200 JPY"),
            (1_234_567, "KWD", "1234.567 KWD"),
            (0, "GBP", "0.00 GBP"),
        ] {
            assert_eq!(format_amount(minor, cur), want);
        }
    }
}
