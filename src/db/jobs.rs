//! SQL for the scheduler's recorded runs (`job_runs`).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

type Result<T> = std::result::Result<T, tokio_postgres::Error>;

/// Claims `(job, slot)` for this node: the first claim inserts the run; a
/// later one takes it over only when it failed, or when it has been
/// `running` since before `stale_before` (its node died). `None`: another
/// claim holds it, so the job must not run.
pub async fn claim_job_run(
    c: &impl GenericClient,
    job: &str,
    slot: DateTime<Utc>,
    node: Uuid,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<Option<i64>> {
    let row = c
        .query_opt(
            "INSERT INTO job_runs (job, slot, node, started_at, outcome) VALUES ($1, $2, $3, $4, 'running')
             ON CONFLICT (job, slot) DO UPDATE
               SET attempt = job_runs.attempt + 1, node = EXCLUDED.node, started_at = EXCLUDED.started_at,
                   finished_at = NULL, outcome = 'running', counts = '{}'::jsonb, error = NULL
               WHERE job_runs.outcome = 'failed' OR (job_runs.outcome = 'running' AND job_runs.started_at < $5)
             RETURNING id",
            &[&job, &slot, &node, &now, &stale_before],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Records how a claimed run ended.
pub async fn finish_job_run(
    c: &impl GenericClient,
    id: i64,
    finished_at: DateTime<Utc>,
    outcome: &str,
    counts: &serde_json::Value,
    error: Option<&str>,
) -> Result<()> {
    c.execute(
        "UPDATE job_runs SET finished_at = $2, outcome = $3, counts = $4, error = $5 WHERE id = $1",
        &[&id, &finished_at, &outcome, &counts, &error],
    )
    .await?;
    Ok(())
}

/// One recorded run.
#[derive(Debug, Clone)]
pub struct JobRunRow {
    pub id: i64,
    pub job: String,
    pub slot: DateTime<Utc>,
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: String,
    pub counts: serde_json::Value,
    pub error: Option<String>,
}

/// Runs newest first, optionally of one job, before the id `before`.
pub async fn select_job_runs(
    c: &impl GenericClient,
    job: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<JobRunRow>> {
    let rows = c
        .query(
            "SELECT id, job, slot, attempt, started_at, finished_at, outcome, counts, error FROM job_runs
             WHERE ($1::text IS NULL OR job = $1) AND ($2::bigint IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3",
            &[&job, &before, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| JobRunRow {
            id: r.get(0),
            job: r.get(1),
            slot: r.get(2),
            attempt: r.get(3),
            started_at: r.get(4),
            finished_at: r.get(5),
            outcome: r.get(6),
            counts: r.get(7),
            error: r.get(8),
        })
        .collect())
}
