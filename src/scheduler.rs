//! The scheduler: jobs at fixed UTC times, each run once across nodes and
//! recorded.
//!
//! Every node runs the same loop ([`Scheduler::spawn`]), waking every
//! 30 s. For each job it computes the latest *slot* at or before now (a
//! day at the job's time, or an hour) and tries to claim `(job, slot)` in
//! `job_runs`. The unique key lets exactly one node win; the others skip
//! the slot. The winner runs the job and records its outcome and counts;
//! owners read them in `GET /api/v1/jobs/runs`. A failed run (or one left
//! `running` for an hour by a node that died) is claimed again at the
//! next wake-up, so jobs must tolerate a second run of a slot: the digest
//! is at most once per user and day, a reminder once per record, kind and
//! day, a nurture step once per record and stage, each by its own unique
//! key.
//!
//! A slot missed while every node was down runs late, once: after a
//! restart at 09:00 the 06:00 digest of that day still goes out. Older
//! slots are not replayed.
//!
//! Time comes from a [`Clock`], so tests set it instead of sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Timelike, Utc};
use deadpool_postgres::Pool;
use pulse_actors::{EventRecord, Realtime};
use uuid::Uuid;

use crate::db::jobs as db;
use crate::notifications::reminders::{self, Sweep};
use crate::notifications::{digest, nurture};

/// Where the scheduler and the outbox sender read the time.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock tests set and move by hand.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_else(|p| *p.into_inner())
    }
}

/// When a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every day at this UTC time.
    DailyAt(NaiveTime),
    /// At the start of every hour.
    Hourly,
}

impl Schedule {
    /// The latest slot at or before `now`.
    pub fn latest_slot(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Schedule::Hourly => {
                now.with_minute(0).and_then(|t| t.with_second(0)).and_then(|t| t.with_nanosecond(0)).unwrap_or(now)
            }
            Schedule::DailyAt(at) => {
                let today = now.date_naive().and_time(at).and_utc();
                if today <= now {
                    today
                } else {
                    today - chrono::Duration::days(1)
                }
            }
        }
    }
}

/// The scheduled jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// Each member's overdue activities, stale leads and stale deals.
    DailyDigest,
    /// Overdue next actions of deals and leads, and overdue tasks: their
    /// owners (assignees) are reminded.
    FollowUpReminders,
    /// Lead re-scoring and decay.
    LeadRescore,
    /// Deals and leads that went stale in the last hour: their owners are told.
    StaleRefresh,
    /// Nurture steps a crash lost between a write and its step (hourly).
    Nurture,
    /// Events past retention, idempotency keys, stream tickets, login failures.
    Prune,
}

impl Job {
    pub const ALL: [Job; 6] =
        [Job::DailyDigest, Job::FollowUpReminders, Job::LeadRescore, Job::StaleRefresh, Job::Nurture, Job::Prune];

    /// The name recorded in `job_runs` and shown to owners.
    pub fn name(self) -> &'static str {
        match self {
            Job::DailyDigest => "daily_digest",
            Job::FollowUpReminders => "follow_up_reminders",
            Job::LeadRescore => "lead_rescore",
            Job::StaleRefresh => "stale_refresh",
            Job::Nurture => "nurture",
            Job::Prune => "prune",
        }
    }
}

/// The times of the daily jobs (the others are hourly).
#[derive(Debug, Clone, Copy)]
pub struct Times {
    pub digest: NaiveTime,
    pub reminders: NaiveTime,
    pub lead_rescore: NaiveTime,
}

/// How one claimed run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub job: Job,
    pub slot: DateTime<Utc>,
    pub succeeded: bool,
    pub counts: serde_json::Value,
}

/// A run left `running` this long is presumed dead and may be claimed again.
const STALE_RUN: chrono::Duration = chrono::Duration::hours(1);

/// Runs the jobs; cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    pool: Pool,
    clock: Arc<dyn Clock>,
    node: Uuid,
    schedule: Vec<(Job, Schedule)>,
    event_retention_days: u32,
    /// Publishes the events of notifications the jobs raise; `None` leaves
    /// them in the table, where workspace actors read them on catch-up.
    realtime: Option<Realtime>,
}

impl Scheduler {
    pub fn new(
        pool: Pool,
        clock: Arc<dyn Clock>,
        times: Times,
        event_retention_days: u32,
        realtime: Option<Realtime>,
    ) -> Self {
        let schedule = vec![
            (Job::DailyDigest, Schedule::DailyAt(times.digest)),
            (Job::FollowUpReminders, Schedule::DailyAt(times.reminders)),
            (Job::LeadRescore, Schedule::DailyAt(times.lead_rescore)),
            (Job::StaleRefresh, Schedule::Hourly),
            (Job::Nurture, Schedule::Hourly),
            (Job::Prune, Schedule::Hourly),
        ];
        Self { pool, clock, node: Uuid::new_v4(), schedule, event_retention_days, realtime }
    }

    /// Wakes every 30 s and runs what is due, until aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        actix_web::rt::spawn(async move {
            let mut tick = actix_web::rt::time::interval(Duration::from_secs(30));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                self.tick().await;
            }
        })
    }

    /// Runs every job whose latest slot this node can claim now.
    pub async fn tick(&self) -> Vec<RunReport> {
        let now = self.clock.now();
        let mut reports = Vec::new();
        for (job, schedule) in self.schedule.clone() {
            match self.run_slot(job, schedule.latest_slot(now)).await {
                Ok(Some(r)) => reports.push(r),
                Ok(None) => {}
                Err(e) => tracing::warn!(job = job.name(), error = %e, "scheduler: cannot claim a run"),
            }
        }
        reports
    }

    /// Claims `(job, slot)` and runs it; `Ok(None)` when another run holds
    /// the slot (done, or in progress elsewhere).
    pub async fn run_slot(&self, job: Job, slot: DateTime<Utc>) -> Result<Option<RunReport>, String> {
        let client = self.pool.get().await.map_err(|e| e.to_string())?;
        let now = self.clock.now();
        let Some(id) = db::claim_job_run(&client, job.name(), slot, self.node, now, now - STALE_RUN)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(None);
        };
        drop(client);
        tracing::info!(job = job.name(), %slot, "scheduled job starting");
        let result = self.run_job(job, slot).await;
        let (succeeded, counts, error) = match result {
            Ok(counts) => (true, counts, None),
            Err(e) => {
                tracing::warn!(job = job.name(), %slot, error = %e, "scheduled job failed");
                (false, serde_json::json!({}), Some(e))
            }
        };
        let client = self.pool.get().await.map_err(|e| e.to_string())?;
        let outcome = if succeeded { "succeeded" } else { "failed" };
        db::finish_job_run(&client, id, self.clock.now(), outcome, &counts, error.as_deref())
            .await
            .map_err(|e| e.to_string())?;
        Ok(Some(RunReport { job, slot, succeeded, counts }))
    }

    async fn run_job(&self, job: Job, slot: DateTime<Utc>) -> Result<serde_json::Value, String> {
        match job {
            Job::DailyDigest => {
                let run = digest::run(&self.pool, slot.date_naive(), slot).await?;
                self.publish(run.events);
                Ok(serde_json::to_value(run.counts).unwrap_or_default())
            }
            Job::FollowUpReminders => self.reminders(Sweep::FollowUps { now: slot }).await,
            Job::LeadRescore => self.lead_rescore().await,
            Job::StaleRefresh => self.reminders(Sweep::GoingStale { now: slot }).await,
            Job::Nurture => {
                let since = slot - chrono::Duration::hours(nurture::SWEEP_LOOKBACK_HOURS);
                let run = nurture::sweep(&self.pool, since, slot).await?;
                self.publish(run.events);
                Ok(serde_json::to_value(run.counts).unwrap_or_default())
            }
            Job::Prune => crate::jobs::prune(&self.pool, self.event_retention_days, slot).await,
        }
    }

    fn publish(&self, events: Vec<EventRecord>) {
        if let Some(rt) = &self.realtime {
            for e in events {
                rt.publish(e);
            }
        }
    }

    /// Raises the reminders of `sweep` (see `notifications::reminders`).
    async fn reminders(&self, sweep: Sweep) -> Result<serde_json::Value, String> {
        let run = reminders::run(&self.pool, sweep).await?;
        self.publish(run.events);
        Ok(serde_json::to_value(run.counts).unwrap_or_default())
    }
}

impl Scheduler {
    /// Lead re-scoring and decay: every workspace with open leads scores
    /// them again through its workspace actor (the one writer of leads),
    /// which stores a score row and emits `lead.scored` for each change.
    async fn lead_rescore(&self) -> Result<serde_json::Value, String> {
        let Some(rt) = &self.realtime else { return Ok(serde_json::json!({ "workspaces": 0 })) };
        let client = self.pool.get().await.map_err(|e| e.to_string())?;
        let rows = client
            .query("SELECT DISTINCT workspace_id FROM leads WHERE deleted_at IS NULL AND status <> 'converted'", &[])
            .await
            .map_err(|e| e.to_string())?;
        drop(client);
        let caller = pulse_actors::deals::Caller {
            actor: pulse_actors::event::ActorRef { kind: pulse_actors::event::ActorKind::System, id: Uuid::nil() },
            user_id: None,
            edit_any: true,
            origin: Default::default(),
        };
        let (mut workspaces, mut rescored) = (0u64, 0u64);
        for r in rows {
            let ws: Uuid = r.get(0);
            let written = rt
                .write(ws, caller.clone(), pulse_actors::deals::Command::RescoreLeads)
                .await
                .map_err(|e| format!("workspace {ws}: {e}"))?;
            if let pulse_actors::deals::Outcome::Rescored(n) = written.outcome {
                rescored += n as u64;
            }
            workspaces += 1;
        }
        Ok(serde_json::json!({ "workspaces": workspaces, "leads_rescored": rescored }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 3, 10, h, m, 7).single().unwrap_or_default()
    }

    #[test]
    fn the_latest_slot_is_today_once_the_time_has_come_and_yesterday_before() {
        let six = Schedule::DailyAt(NaiveTime::from_hms_opt(6, 0, 0).unwrap_or_default());
        assert_eq!(six.latest_slot(at(6, 0)), at(6, 0) - chrono::Duration::seconds(7));
        assert_eq!(six.latest_slot(at(23, 59)).date_naive(), at(0, 0).date_naive());
        assert_eq!(six.latest_slot(at(5, 59)).date_naive(), (at(0, 0) - chrono::Duration::days(1)).date_naive());
        assert_eq!(Schedule::Hourly.latest_slot(at(14, 35)), at(14, 0) - chrono::Duration::seconds(7));
    }
}
