//! Logging an activity through the workspace actor.
//!
//! An activity is stored in its own table, but logging one changes live
//! state: its lead's engagement and recency (and so the lead's score) and
//! its deal's recency (which takes the deal off the at-risk list). Those
//! belong to the actor, so the activity row, the lead's new version, the
//! deal's recency, the audit entry and the events commit in the actor's
//! transaction, with the rest of its batch. Later changes to an activity
//! (edits, completing a task) touch no live state and stay on the HTTP
//! side.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::deals::command::{AuditRow, Caller, DealError, Outcome, Staged};
use crate::deals::store::WriteFailure;
use crate::event::{NewEvent, Visibility};

/// The topic activity events are published on.
pub const TOPIC: &str = "activities";

/// An activity (also the API's shape and the data of its events).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: Uuid,
    /// `task`, `call`, `meeting`, `email` or `note`.
    #[serde(rename = "type")]
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// `low`, `medium` or `high`.
    pub priority: String,
    pub due_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    /// `inbound` or `outbound`; calls and emails only.
    pub direction: Option<String>,
    pub assignee_id: Option<Uuid>,
    /// The person who logged it (`null` when an API token did).
    pub author_user_id: Option<Uuid>,
    /// The API token that logged it, if one did.
    pub author_token_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    /// Tasks only: when it was completed; `null` while open.
    pub completed_at: Option<DateTime<Utc>>,
    /// An open task past its due time.
    pub overdue: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An activity to log, checked by the HTTP side (text, type-specific
/// fields, the assignee, the contact and the company). The actor checks
/// the deal and the lead, which it owns.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub priority: String,
    pub due_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub direction: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
}

impl Staged<'_> {
    pub(crate) fn log_activity(&mut self, caller: &Caller, n: NewActivity) -> Result<Outcome, DealError> {
        let now = self.now;
        if let Some(id) = n.deal_id {
            if self.deal(id).is_none_or(|d| d.deleted_at.is_some()) {
                return Err(DealError::Invalid {
                    field: "deal_id",
                    detail: "no deal with this id in the workspace".into(),
                });
            }
        }
        let lead = n
            .lead_id
            .map(|id| {
                self.lead(id).filter(|l| l.deleted_at.is_none()).cloned().ok_or_else(|| DealError::Invalid {
                    field: "lead_id",
                    detail: "no lead with this id in the workspace".into(),
                })
            })
            .transpose()?;
        let user = |k| (caller.actor.kind == k).then_some(caller.actor.id);
        let overdue = n.kind == "task" && n.due_at.is_some_and(|d| d < now);
        let a = Activity {
            id: n.id,
            kind: n.kind,
            subject: n.subject,
            body: n.body,
            priority: n.priority,
            due_at: n.due_at,
            duration_minutes: n.duration_minutes,
            direction: n.direction,
            assignee_id: n.assignee_id,
            author_user_id: user(crate::event::ActorKind::User),
            author_token_id: user(crate::event::ActorKind::Token),
            contact_id: n.contact_id,
            company_id: n.company_id,
            deal_id: n.deal_id,
            lead_id: n.lead_id,
            completed_at: None,
            overdue,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        self.audits.push(AuditRow {
            actor: caller.actor,
            action: "activity.created",
            target_type: "activity",
            target_id: a.id,
            details: json!({ "type": a.kind, "subject": a.subject }),
            origin: caller.origin.clone(),
        });
        self.events.push(NewEvent {
            kind: "activity.created".into(),
            topic: TOPIC.into(),
            actor: Some(caller.actor),
            visibility: Visibility::All,
            data: serde_json::to_value(&a).unwrap_or_default(),
        });
        // The deal's recency is not versioned state (the deal's UPDATE
        // leaves it alone): the batch writes it from the activity, and
        // memory follows the event.
        // The lead's engagement counts for its score: a new version.
        if let Some(old) = lead {
            let mut l = old.clone();
            l.engagement.activities = l.engagement.activities.saturating_add(1);
            if a.kind == "meeting" {
                l.engagement.meetings = l.engagement.meetings.saturating_add(1);
            }
            l.last_activity_at = Some(now);
            l.version += 1;
            self.rescore(&mut l, format!("activity: {}", a.kind), false);
            self.put_lead(l.clone());
            self.emit_lead("lead.updated", Some(caller), Some(&old), &l, json!({ "changed": ["engagement"] }));
        }
        self.activities.push(a.clone());
        Ok(Outcome::Activity(Box::new(a)))
    }
}

/// The activities of a batch, and the recency of the deals they name.
pub(crate) async fn insert_activities(
    c: &impl GenericClient,
    ws: Uuid,
    activities: &[Activity],
    now: DateTime<Utc>,
) -> Result<(), WriteFailure> {
    if activities.is_empty() {
        return Ok(());
    }
    let stmt = c
        .prepare_cached(
            "INSERT INTO activities (id, workspace_id, type, subject, body, priority, due_at, duration_minutes,
                 direction, assignee_id, author_user_id, author_token_id, contact_id, company_id, deal_id,
                 lead_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)",
        )
        .await?;
    for a in activities {
        c.execute(
            &stmt,
            &[
                &a.id,
                &ws,
                &a.kind,
                &a.subject,
                &a.body,
                &a.priority,
                &a.due_at,
                &a.duration_minutes,
                &a.direction,
                &a.assignee_id,
                &a.author_user_id,
                &a.author_token_id,
                &a.contact_id,
                &a.company_id,
                &a.deal_id,
                &a.lead_id,
                &a.created_at,
            ],
        )
        .await?;
    }
    let deals: Vec<Uuid> = activities.iter().filter_map(|a| a.deal_id).collect();
    if !deals.is_empty() {
        let stmt = c
            .prepare_cached(
                "UPDATE deals SET last_activity_at = greatest(last_activity_at, $3)
                 WHERE workspace_id = $1 AND id = ANY($2)",
            )
            .await?;
        c.execute(&stmt, &[&ws, &deals, &now]).await?;
    }
    Ok(())
}

/// The activities of merged deals move to the kept deal, which takes the
/// latest activity time of all (after this batch's own activities, so one
/// logged on a merged deal in the same batch moves too).
pub(crate) async fn move_merged(
    c: &impl GenericClient,
    ws: Uuid,
    merges: &[(Uuid, Vec<Uuid>)],
) -> Result<(), WriteFailure> {
    if merges.is_empty() {
        return Ok(());
    }
    let move_activities =
        c.prepare_cached("UPDATE activities SET deal_id = $2 WHERE workspace_id = $1 AND deal_id = ANY($3)").await?;
    let latest = c
        .prepare_cached(
            "UPDATE deals SET last_activity_at = (
                 SELECT max(last_activity_at) FROM deals WHERE workspace_id = $1 AND (id = $2 OR id = ANY($3)))
             WHERE workspace_id = $1 AND id = $2",
        )
        .await?;
    for (keep, merged) in merges {
        c.execute(&move_activities, &[&ws, keep, merged]).await?;
        c.execute(&latest, &[&ws, keep, merged]).await?;
    }
    Ok(())
}
