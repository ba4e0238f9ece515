//! The events table. `append_event` runs inside the caller's transaction:
//! the seq comes from incrementing `workspace_streams.last_seq`, whose row
//! lock serializes concurrent writers, so a rolled-back transaction leaves
//! no hole and committed seqs are gap-free.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

use crate::event::{ActorKind, ActorRef, EventRecord, NewEvent, Visibility};

/// Appends `event` to the workspace's log in the current transaction.
pub async fn append_event(
    c: &impl GenericClient,
    workspace_id: Uuid,
    event: NewEvent,
) -> Result<EventRecord, tokio_postgres::Error> {
    let head = c
        .query_one(
            "INSERT INTO workspace_streams (workspace_id, last_seq) VALUES ($1, 1)
             ON CONFLICT (workspace_id) DO UPDATE SET last_seq = workspace_streams.last_seq + 1
             RETURNING epoch, last_seq",
            &[&workspace_id],
        )
        .await?;
    let (epoch, seq): (i64, i64) = (head.get(0), head.get(1));
    let visibility = serde_json::to_value(&event.visibility).unwrap_or(serde_json::Value::Null);
    let actor_type = event.actor.map(|a| a.kind.as_str());
    let actor_id = event.actor.map(|a| a.id);
    let row = c
        .query_one(
            "INSERT INTO events (workspace_id, seq, epoch, type, topic, actor_type, actor_id, visibility, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING at",
            &[&workspace_id, &seq, &epoch, &event.kind, &event.topic, &actor_type, &actor_id, &visibility, &event.data],
        )
        .await?;
    Ok(EventRecord {
        workspace_id,
        seq,
        epoch,
        kind: event.kind,
        topic: event.topic,
        actor: event.actor,
        visibility: event.visibility,
        data: event.data,
        at: row.get(0),
    })
}

/// The stream position: (epoch, last seq). A workspace with no events yet
/// is at (1, 0).
pub async fn select_stream_head(
    c: &impl GenericClient,
    workspace_id: Uuid,
) -> Result<(i64, i64), tokio_postgres::Error> {
    let row =
        c.query_opt("SELECT epoch, last_seq FROM workspace_streams WHERE workspace_id = $1", &[&workspace_id]).await?;
    Ok(row.map(|r| (r.get(0), r.get(1))).unwrap_or((1, 0)))
}

/// Events with `after < seq <= upto`, in order, at most `limit`.
pub async fn select_events_between(
    c: &impl GenericClient,
    workspace_id: Uuid,
    after: i64,
    upto: i64,
    limit: i64,
) -> Result<Vec<EventRecord>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT seq, epoch, type, topic, actor_type, actor_id, visibility, data, at FROM events
             WHERE workspace_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
            &[&workspace_id, &after, &upto, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let actor_type: Option<String> = r.get(4);
            let actor_id: Option<Uuid> = r.get(5);
            let actor = match (actor_type.as_deref(), actor_id) {
                (Some("user"), Some(id)) => Some(ActorRef { kind: ActorKind::User, id }),
                (Some("token"), Some(id)) => Some(ActorRef { kind: ActorKind::Token, id }),
                (Some("widget"), Some(id)) => Some(ActorRef { kind: ActorKind::Widget, id }),
                (Some("system"), Some(id)) => Some(ActorRef { kind: ActorKind::System, id }),
                _ => None,
            };
            let visibility: serde_json::Value = r.get(6);
            EventRecord {
                workspace_id,
                seq: r.get(0),
                epoch: r.get(1),
                kind: r.get(2),
                topic: r.get(3),
                actor,
                // An unreadable rule shows the event to nobody rather than everybody.
                visibility: serde_json::from_value(visibility).unwrap_or(Visibility::Users(Vec::new())),
                data: r.get(7),
                at: r.get(8),
            }
        })
        .collect())
}

/// Which of these credentials still hold in the workspace: members still
/// active there with the same role (returned as (user, role)), browser
/// sessions still live (idle expiry included), tokens not revoked.
pub async fn select_live_principals(
    c: &impl GenericClient,
    workspace_id: Uuid,
    users: &[Uuid],
    sessions: &[Uuid],
    tokens: &[Uuid],
    session_idle_secs: f64,
) -> Result<(Vec<(Uuid, String)>, Vec<Uuid>, Vec<Uuid>), tokio_postgres::Error> {
    let members = c
        .query(
            "SELECT user_id, role FROM memberships WHERE workspace_id = $1 AND status = 'active' AND user_id = ANY($2)",
            &[&workspace_id, &users],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let live_sessions = c
        .query(
            "SELECT id FROM sessions WHERE id = ANY($1) AND revoked_at IS NULL AND expires_at > now()
               AND last_seen_at > now() - make_interval(secs => $2)",
            &[&sessions, &session_idle_secs],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let live_tokens = c
        .query(
            "SELECT id FROM api_tokens WHERE id = ANY($1) AND workspace_id = $2 AND revoked_at IS NULL",
            &[&tokens, &workspace_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok((members, live_sessions, live_tokens))
}

/// Retention: deletes events older than `before`; returns how many.
pub async fn delete_events_before(c: &impl GenericClient, before: DateTime<Utc>) -> Result<u64, tokio_postgres::Error> {
    c.execute("DELETE FROM events WHERE at < $1", &[&before]).await
}
