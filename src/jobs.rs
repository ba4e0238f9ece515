//! Maintenance that runs in the background on every node: pruning events
//! past their retention. Deletions are idempotent, so nodes racing here is
//! harmless. (The scheduler with run records arrives with notifications.)

use std::time::Duration;

use deadpool_postgres::Pool;

/// How often maintenance runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Starts the maintenance loop on the current runtime.
pub fn spawn_maintenance(pool: Pool, event_retention_days: u32) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(EVERY);
        loop {
            tick.tick().await;
            prune_events(&pool, event_retention_days).await;
        }
    });
}

/// Deletes events older than the retention; resumes from before that point
/// then answer `reset`.
pub async fn prune_events(pool: &Pool, retention_days: u32) {
    let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(retention_days.max(1)));
    match pool.get().await {
        Ok(client) => match pulse_actors::store::delete_events_before(&client, cutoff).await {
            Ok(n) if n > 0 => tracing::info!(deleted = n, "pruned events past retention"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "event pruning failed"),
        },
        Err(e) => tracing::warn!(error = %e, "event pruning: no database connection"),
    }
}
