//! Pruning, run hourly by the scheduler (`scheduler::Job::Prune`): events
//! past their retention, idempotency keys older than 24 hours, used or
//! expired stream tickets, login failures outside the throttling window,
//! and digest and reminder deliveries older than 30 days (their keys only
//! matter on their own day). Deletions are idempotent, so a second run of
//! a slot is harmless.

use deadpool_postgres::Pool;

/// One pass of every pruning task at `now`; returns the rows deleted per
/// task. A failing task is logged and reported; the others still run.
pub async fn prune(
    pool: &Pool,
    event_retention_days: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<serde_json::Value, String> {
    let client = pool.get().await.map_err(|e| format!("no database connection: {e}"))?;
    let cutoff = now - chrono::Duration::days(i64::from(event_retention_days.max(1)));
    let results = [
        ("events", pulse_actors::store::delete_events_before(&client, cutoff).await),
        ("idempotency_keys", crate::db::idempotency::delete_expired_idempotency_keys(&client).await),
        ("stream_tickets", crate::db::stream_tickets::delete_stale_tickets(&client).await),
        ("login_failures", crate::db::login_failures::delete_old_failures(&client).await),
        ("deliveries", crate::db::notifications::delete_old_deliveries(&client, now).await),
    ];
    let mut counts = serde_json::Map::new();
    let mut failed = Vec::new();
    for (what, result) in results {
        match result {
            Ok(n) => {
                counts.insert(what.to_owned(), n.into());
            }
            Err(e) => {
                tracing::warn!(error = %e, "pruning {what} failed");
                failed.push(what);
            }
        }
    }
    if failed.is_empty() {
        Ok(serde_json::Value::Object(counts))
    } else {
        Err(format!("pruning failed for {}", failed.join(", ")))
    }
}
