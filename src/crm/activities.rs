//! Activities and tasks: calls, meetings, emails and notes are a record of
//! what happened, tasks are work to do. The log is append-only: nothing is
//! ever deleted (the database refuses it too). Tasks are completed and
//! reopened and may be rescheduled or reassigned; other types only take
//! typo fixes to subject and body, by their author or a manager.
//!
//! Each new or changed activity emits `activity.created`,
//! `activity.updated`, `activity.completed` or `activity.reopened` on
//! topic `activities`, in the transaction of the change, with an audit
//! entry. A new activity changes live state (its lead's engagement and
//! score, its deal's recency), so it is logged through the workspace
//! actor, which commits the row with those changes
//! (`pulse_actors::activities`); edits and task completion are plain
//! transactions here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{db_error, ensure_active_member, Caller, PageRequest};
use crate::db::activities::{self as db, ActivityEdit, ActivityFilter, ActivityRow, DueWindow};
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::{companies as db_companies, contacts as db_contacts};
use crate::error::ApiError;
use crate::realtime::record_event;
use crate::routes::validate::Checks;
use crate::state::AppState;
use pulse_actors::activities::NewActivity;
use pulse_actors::Visibility;

pub use pulse_actors::activities::TOPIC;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    Task,
    Call,
    Meeting,
    Email,
    Note,
}

impl ActivityType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityType::Task => "task",
            ActivityType::Call => "call",
            ActivityType::Meeting => "meeting",
            ActivityType::Email => "email",
            ActivityType::Note => "note",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    Inbound,
    Outbound,
}

/// An activity (also the API's shape and the data of its events); new
/// ones are logged through the workspace actor.
pub use pulse_actors::activities::Activity;

impl From<ActivityRow> for Activity {
    fn from(r: ActivityRow) -> Self {
        let overdue = r.kind == "task" && r.completed_at.is_none() && r.due_at.is_some_and(|d| d < Utc::now());
        Activity {
            id: r.id,
            kind: r.kind,
            subject: r.subject,
            body: r.body,
            priority: r.priority,
            due_at: r.due_at,
            duration_minutes: r.duration_minutes,
            direction: r.direction,
            assignee_id: r.assignee_id,
            author_user_id: r.author_user_id,
            author_token_id: r.author_token_id,
            contact_id: r.contact_id,
            company_id: r.company_id,
            deal_id: r.deal_id,
            lead_id: r.lead_id,
            completed_at: r.completed_at,
            overdue,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivityRequest {
    #[serde(rename = "type")]
    pub kind: ActivityType,
    #[schema(min_length = 1, max_length = 300)]
    pub subject: String,
    #[schema(max_length = 20000)]
    pub body: Option<String>,
    /// `medium` by default.
    pub priority: Option<Priority>,
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "super::optional_int")]
    #[schema(minimum = 0, maximum = 10080)]
    pub duration_minutes: Option<i32>,
    /// Calls and emails only.
    pub direction: Option<CallDirection>,
    /// An active member; tasks default to the caller.
    pub assignee_id: Option<Uuid>,
    /// A contact of this workspace.
    pub contact_id: Option<Uuid>,
    /// A company of this workspace.
    pub company_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
}

/// Changes: `subject` and `body` on any activity (its author or a
/// manager); `priority`, `due_at`, `duration_minutes` and `assignee_id`
/// on tasks only (their author, assignee or a manager).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateActivityRequest {
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false, max_length = 20000)]
    pub body: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "super::nullable_int")]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 10080)]
    pub duration_minutes: Option<Option<i32>>,
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActivityPage {
    pub items: Vec<Activity>,
    pub total: i64,
    pub page: i64,
    pub limit: i64,
}

#[derive(Debug, Clone)]
pub struct ActivityQuery {
    pub filter: ActivityFilter,
    /// `mine=true`: tasks assigned to the caller.
    pub mine: bool,
    /// Soonest due first (task lists) rather than newest first.
    pub due_first: bool,
    pub page: PageRequest,
}

fn parse_bool(name: &str, v: &str) -> Result<bool, ApiError> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(super::bad_query(format!("{name} must be true or false"))),
    }
}

impl ActivityQuery {
    /// Parses `type`, `assignee_id` (or `assignee`), `contact_id`, `company_id`,
    /// `deal_id`, `lead_id`, `overdue`, `due` (`today`, `week`), `mine`,
    /// `completed`, `sort` (`created_at`: newest first, the default;
    /// `due_at`: soonest first, the default for task filters), `page`,
    /// `limit`.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let mut f = ActivityFilter::default();
        let (mut mine, mut sort, mut page, mut limit) = (false, None, None, None);
        for (k, v) in pairs {
            match k.as_str() {
                "type" => {
                    let ok = ["task", "call", "meeting", "email", "note"].contains(&v.as_str());
                    if !ok {
                        return Err(super::bad_query("type must be one of task, call, meeting, email, note"));
                    }
                    f.kind = Some(v.clone());
                }
                "assignee_id" | "assignee" => f.assignee_id = Some(super::filter_uuid(k, v)?),
                "contact_id" => f.contact_id = Some(super::filter_uuid(k, v)?),
                "company_id" => f.company_id = Some(super::filter_uuid(k, v)?),
                "deal_id" => f.deal_id = Some(super::filter_uuid(k, v)?),
                "lead_id" => f.lead_id = Some(super::filter_uuid(k, v)?),
                "overdue" => f.overdue = parse_bool(k, v)?,
                "completed" => f.completed = Some(parse_bool(k, v)?),
                "mine" => mine = parse_bool(k, v)?,
                "due" => {
                    f.due = Some(match v.as_str() {
                        "today" => DueWindow::Today,
                        "week" => DueWindow::Week,
                        _ => return Err(super::bad_query("due must be `today` or `week`")),
                    })
                }
                "sort" => sort = Some(v.as_str()),
                "page" => page = Some(v.as_str()),
                "limit" => limit = Some(v.as_str()),
                other => return Err(super::bad_query(format!("unknown query parameter `{other}`"))),
            }
        }
        let task_view = f.overdue || f.due.is_some() || mine;
        let due_first = match sort {
            None => task_view,
            Some("due_at") => true,
            Some("created_at") => false,
            Some(_) => return Err(super::bad_query("sort must be `created_at` or `due_at`")),
        };
        Ok(ActivityQuery { filter: f, mine, due_first, page: super::parse_page(page, limit)? })
    }
}

fn not_found() -> ApiError {
    ApiError::NotFound("activity")
}

fn check_text(checks: &mut Checks, subject: &str, body: &str) {
    checks.text("subject", subject, 300);
    checks.check(
        body.chars().count() <= 20_000 && super::storable(body),
        "body",
        "must be at most 20000 characters, without NUL",
    );
}

fn check_due(checks: &mut Checks, due: Option<DateTime<Utc>>) {
    use chrono::Datelike;
    checks.check(
        due.is_none_or(|d| super::plausible_year(d.year())),
        "due_at",
        "must be a time between the years 1 and 9999",
    );
}

fn check_duration(checks: &mut Checks, d: Option<i32>) {
    checks.check(d.is_none_or(|d| (0..=10_080).contains(&d)), "duration_minutes", "must be 0 to 10080 (a week)");
}

async fn emit(
    tx: &impl deadpool_postgres::GenericClient,
    caller: &Caller,
    kind: &'static str,
    activity: &Activity,
    details: serde_json::Value,
    from: &Origin,
) -> Result<pulse_actors::EventRecord, ApiError> {
    let ws = caller.workspace_id;
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), kind).target("activity", activity.id);
    insert_audit(tx, &entry.details(details), from).await?;
    let data = serde_json::to_value(activity).map_err(ApiError::internal)?;
    Ok(record_event(tx, ws, Some(caller.actor), kind, TOPIC, Visibility::All, data).await?)
}

pub async fn create_activity(
    state: &AppState,
    caller: Caller,
    req: CreateActivityRequest,
    from: &Origin,
) -> Result<(Activity, i64), ApiError> {
    let is_task = req.kind == ActivityType::Task;
    let body = req.body.unwrap_or_default();
    let subject = req.subject.trim().to_owned();
    let mut checks = Checks::new();
    check_text(&mut checks, &subject, &body);
    check_duration(&mut checks, req.duration_minutes);
    check_due(&mut checks, req.due_at);
    checks.check(
        req.direction.is_none() || matches!(req.kind, ActivityType::Call | ActivityType::Email),
        "direction",
        "only calls and emails have a direction",
    );
    checks.finish()?;
    let assignee_id = req.assignee_id.or(if is_task { caller.user_id() } else { None });
    let ws = caller.workspace_id;
    let client = state.db().await?;
    if let Some(a) = assignee_id {
        ensure_active_member(&client, ws, a, "assignee_id").await?;
    }
    if let Some(id) = req.contact_id {
        if !db_contacts::contact_exists(&client, ws, id).await? {
            return Err(ApiError::invalid("contact_id", "no contact with this id in the workspace"));
        }
    }
    if let Some(id) = req.company_id {
        if !db_companies::company_exists(&client, ws, id).await? {
            return Err(ApiError::invalid("company_id", "no company with this id in the workspace"));
        }
    }
    drop(client);
    // The deal and the lead are checked by the workspace actor, which
    // commits the activity with their changes (see `pulse_actors::activities`).
    let new = NewActivity {
        id: Uuid::now_v7(),
        kind: req.kind.as_str().to_owned(),
        subject,
        body,
        priority: req.priority.unwrap_or(Priority::Medium).as_str().to_owned(),
        due_at: req.due_at,
        duration_minutes: req.duration_minutes,
        direction: req.direction.map(|d| match d {
            CallDirection::Inbound => "inbound".to_owned(),
            CallDirection::Outbound => "outbound".to_owned(),
        }),
        assignee_id,
        contact_id: req.contact_id,
        company_id: req.company_id,
        deal_id: req.deal_id,
        lead_id: req.lead_id,
    };
    let cmd = pulse_actors::deals::Command::LogActivity(Box::new(new));
    let actor_caller = pulse_actors::deals::Caller {
        actor: crate::realtime::actor_ref(caller.actor),
        user_id: caller.user_id(),
        edit_any: caller.edit_any,
        origin: crate::deals::origin(from),
    };
    let written = match state.realtime.write(ws, actor_caller, cmd).await {
        Ok(w) => w,
        // An unknown deal or lead is bad input, like an unknown contact.
        Err(pulse_actors::deals::DealError::Invalid { field, detail }) => return Err(ApiError::invalid(field, detail)),
        Err(e) => return Err(e.into()),
    };
    let pulse_actors::deals::Outcome::Activity(activity) = written.outcome else {
        return Err(ApiError::internal(std::io::Error::other("the actor answered an activity with another record")));
    };
    // Assigned to someone else: they hear of it.
    if let Some(to) = activity.assignee_id {
        let n = crate::notifications::NewNotification {
            recipient: to,
            kind: crate::notifications::Signal::Assignments,
            title: format!("{} assigned to you: {}", activity.kind, activity.subject),
            body: String::new(),
            link: Some(("activity", activity.id)),
            actor: Some(caller.actor),
        };
        crate::deals::notify_after(state, ws, n).await;
    }
    Ok((*activity, written.seq))
}

pub async fn get_activity(state: &AppState, workspace_id: Uuid, id: Uuid) -> Result<Activity, ApiError> {
    let client = state.db().await?;
    Ok(db::select_activity(&client, workspace_id, id).await?.ok_or_else(not_found)?.into())
}

pub async fn list_activities(
    state: &AppState,
    workspace_id: Uuid,
    caller_user: Option<Uuid>,
    mut q: ActivityQuery,
) -> Result<ActivityPage, ApiError> {
    if q.mine {
        let me = caller_user.ok_or_else(|| super::bad_query("mine=true needs a person; API tokens have no tasks"))?;
        q.filter.assignee_id = Some(me);
        q.filter.kind = Some("task".to_owned());
    }
    let client = state.db().await?;
    let (rows, total) = db::select_activities(&client, workspace_id, &q.filter, q.due_first, q.page).await?;
    Ok(ActivityPage {
        items: rows.into_iter().map(Activity::from).collect(),
        total,
        page: q.page.page,
        limit: q.page.limit,
    })
}

fn is_author(caller: &Caller, a: &ActivityRow) -> bool {
    match caller.actor {
        crate::auth::Actor::User(u) => a.author_user_id == Some(u),
        crate::auth::Actor::Token(t) => a.author_token_id == Some(t),
    }
}

/// Author, assignee (tasks) or someone who may edit anyone's activities.
fn may_work_on(caller: &Caller, a: &ActivityRow) -> bool {
    caller.edit_any
        || is_author(caller, a)
        || (a.kind == "task" && a.assignee_id.is_some() && a.assignee_id == caller.user_id())
}

pub async fn update_activity(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    req: UpdateActivityRequest,
    from: &Origin,
) -> Result<Activity, ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before = db::select_activity_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    let is_task = before.kind == "task";
    let touches_task_fields =
        req.priority.is_some() || req.due_at.is_some() || req.duration_minutes.is_some() || req.assignee_id.is_some();
    if touches_task_fields && !is_task {
        return Err(ApiError::Unprocessable {
            code: "activity_immutable",
            detail: format!("a {} records what happened: only its subject and body can be corrected", before.kind),
        });
    }
    let text_change = req.subject.is_some() || req.body.is_some();
    if text_change && !(caller.edit_any || is_author(&caller, &before)) {
        return Err(ApiError::Forbidden(
            "only the author, a manager or an owner may correct an activity's subject or body".into(),
        ));
    }
    if touches_task_fields && !may_work_on(&caller, &before) {
        return Err(ApiError::Forbidden(
            "only the task's author or assignee, a manager or an owner may change it".into(),
        ));
    }
    let edit = ActivityEdit {
        subject: req.subject.as_deref().map(str::trim).unwrap_or(&before.subject).to_owned(),
        body: req.body.clone().unwrap_or_else(|| before.body.clone()),
        priority: req.priority.map(|p| p.as_str().to_owned()).unwrap_or_else(|| before.priority.clone()),
        due_at: req.due_at.unwrap_or(before.due_at),
        duration_minutes: req.duration_minutes.unwrap_or(before.duration_minutes),
        assignee_id: req.assignee_id.unwrap_or(before.assignee_id),
    };
    let mut checks = Checks::new();
    check_text(&mut checks, &edit.subject, &edit.body);
    check_duration(&mut checks, edit.duration_minutes);
    check_due(&mut checks, edit.due_at);
    checks.finish()?;
    if let (Some(a), true) = (edit.assignee_id, edit.assignee_id != before.assignee_id) {
        ensure_active_member(&tx, ws, a, "assignee_id").await?;
    }
    let mut changed = Vec::new();
    for (name, same) in [
        ("subject", edit.subject == before.subject),
        ("body", edit.body == before.body),
        ("priority", edit.priority == before.priority),
        ("due_at", edit.due_at == before.due_at),
        ("duration_minutes", edit.duration_minutes == before.duration_minutes),
        ("assignee_id", edit.assignee_id == before.assignee_id),
    ] {
        if !same {
            changed.push(name);
        }
    }
    if changed.is_empty() {
        return Ok(before.into());
    }
    let activity: Activity = db::update_activity(&tx, ws, id, &edit).await.map_err(db_error)?.into();
    let ev = emit(&tx, &caller, "activity.updated", &activity, serde_json::json!({ "changed": changed }), from).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(activity)
}

/// Completes (`done = true`) or reopens a task.
pub async fn set_completed(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    done: bool,
    from: &Origin,
) -> Result<Activity, ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before = db::select_activity_for_update(&tx, ws, id).await?.ok_or_else(not_found)?;
    if before.kind != "task" {
        return Err(ApiError::Unprocessable {
            code: "not_a_task",
            detail: format!("only tasks are completed and reopened; this is a {}", before.kind),
        });
    }
    if !may_work_on(&caller, &before) {
        return Err(ApiError::Forbidden(
            "only the task's author or assignee, a manager or an owner may complete or reopen it".into(),
        ));
    }
    match (done, before.completed_at.is_some()) {
        (true, true) => {
            return Err(ApiError::Conflict {
                code: "already_completed",
                detail: "the task is already completed".into(),
            })
        }
        (false, false) => {
            return Err(ApiError::Conflict {
                code: "not_completed",
                detail: "the task is open; nothing to reopen".into(),
            })
        }
        _ => {}
    }
    let activity: Activity = db::update_activity_completed(&tx, ws, id, done).await.map_err(db_error)?.into();
    let kind = if done { "activity.completed" } else { "activity.reopened" };
    let ev = emit(&tx, &caller, kind, &activity, serde_json::json!({ "subject": activity.subject }), from).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(activity)
}
