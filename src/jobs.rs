//! Maintenance that runs in the background on every node, hourly and once
//! at start-up: events past their retention, idempotency keys older than
//! 24 hours, used or expired stream tickets, and login failures outside
//! the throttling window. Deletions are idempotent, so nodes racing here
//! is harmless. (The scheduler with recorded runs arrives with
//! notifications and digests.)

use std::time::Duration;

use deadpool_postgres::Pool;

/// How often maintenance runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Starts the maintenance loop on the current runtime; abort the handle
/// to stop it.
pub fn spawn_maintenance(pool: Pool, event_retention_days: u32) -> tokio::task::JoinHandle<()> {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_once(&pool, event_retention_days).await;
        }
    })
}

/// One pass of every pruning task; failures are logged and retried next hour.
pub async fn run_once(pool: &Pool, event_retention_days: u32) {
    let client = match pool.get().await {
        Ok(c) => c,
        Err(e) => return tracing::warn!(error = %e, "maintenance: no database connection"),
    };
    let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(event_retention_days.max(1)));
    report("events past retention", pulse_actors::store::delete_events_before(&client, cutoff).await);
    report("expired idempotency keys", crate::db::idempotency::delete_expired_idempotency_keys(&client).await);
    report("stale stream tickets", crate::db::stream_tickets::delete_stale_tickets(&client).await);
    report("old login failures", crate::db::login_failures::delete_old_failures(&client).await);
}

fn report(what: &str, result: Result<u64, tokio_postgres::Error>) {
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(deleted = n, "pruned {what}"),
        Err(e) => tracing::warn!(error = %e, "pruning {what} failed"),
    }
}
