//! `GET /api/v1/jobs/runs`: the scheduler's recorded runs, newest first
//! (owners). Jobs run for the whole installation, so every owner sees the
//! same runs; they hold only counts, never records of a workspace.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::permissions::ReadOperations;
use crate::auth::Member;
use crate::db::jobs::select_job_runs;
use crate::error::{ApiError, ApiResult};
use crate::routes::audit::{decode_cursor, encode_cursor};
use crate::routes::validate::page_limit;
use crate::scheduler::Job;
use crate::state::AppState;

/// A scheduled job.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobName {
    DailyDigest,
    FollowUpReminders,
    LeadRescore,
    StaleRefresh,
    Prune,
}

impl From<JobName> for Job {
    fn from(j: JobName) -> Job {
        match j {
            JobName::DailyDigest => Job::DailyDigest,
            JobName::FollowUpReminders => Job::FollowUpReminders,
            JobName::LeadRescore => Job::LeadRescore,
            JobName::StaleRefresh => Job::StaleRefresh,
            JobName::Prune => Job::Prune,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobRunQuery {
    /// Only runs of this job.
    pub job: Option<JobName>,
    /// Page size, 1 to 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{11}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobRun {
    pub id: i64,
    pub job: String,
    /// The scheduled time this run is for.
    pub slot: DateTime<Utc>,
    /// 1, or more when a failed run of the slot was retried.
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `succeeded` or `failed`.
    pub outcome: String,
    /// What the run did (`delivered`, `notified`, rows deleted...).
    #[schema(value_type = Object)]
    pub counts: serde_json::Value,
    pub error: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobRunPage {
    pub items: Vec<JobRun>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The scheduler's runs, newest first (owners).
#[utoipa::path(get, path = "/api/v1/jobs/runs", tag = "operations", security(("session" = [])),
    params(JobRunQuery), responses((status = 200, body = JobRunPage)))]
pub async fn list_job_runs(
    state: web::Data<AppState>,
    _member: Member<ReadOperations>,
    query: web::Query<JobRunQuery>,
) -> ApiResult<HttpResponse> {
    let limit = page_limit(query.limit)?;
    let before = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let job = query.job.map(|j| Job::from(j).name());
    let client = state.db().await?;
    let mut rows = select_job_runs(&client, job, before, limit + 1).await.map_err(ApiError::from)?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(r.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|r| JobRun {
            id: r.id,
            job: r.job,
            slot: r.slot,
            attempt: r.attempt,
            started_at: r.started_at,
            finished_at: r.finished_at,
            outcome: r.outcome,
            counts: r.counts,
            error: r.error,
        })
        .collect();
    Ok(HttpResponse::Ok().json(JobRunPage { items, next_cursor }))
}
