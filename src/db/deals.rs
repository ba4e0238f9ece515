//! Deal reads that are not hot state: the append-only stage history.
//! Everything else about deals is written and read by the workspace actor
//! (`pulse_actors::deals::store`).

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// One stage move, with the stage's name (kept for deleted stages).
pub struct StageMoveRow {
    pub from_stage_id: Option<Uuid>,
    pub to_stage_id: Uuid,
    pub to_stage_name: String,
    pub actor_user_id: Option<Uuid>,
    pub actor_token_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

pub async fn select_stage_history(
    c: &impl GenericClient,
    workspace_id: Uuid,
    deal_id: Uuid,
) -> Result<Vec<StageMoveRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT h.from_stage_id, h.to_stage_id, s.name, h.actor_user_id, h.actor_token_id, h.at
             FROM deal_stage_history h JOIN stages s ON s.id = h.to_stage_id
             WHERE h.workspace_id = $1 AND h.deal_id = $2 ORDER BY h.at, h.id",
            &[&workspace_id, &deal_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| StageMoveRow {
            from_stage_id: r.get(0),
            to_stage_id: r.get(1),
            to_stage_name: r.get(2),
            actor_user_id: r.get(3),
            actor_token_id: r.get(4),
            at: r.get(5),
        })
        .collect())
}
