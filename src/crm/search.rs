//! Search across record types: one full-text query per type (see
//! `db::search`), merged by rank. Deals and leads join by adding a
//! [`RecordType`] variant and one query function each.

use serde::Serialize;
use uuid::Uuid;

use crate::db::search::{self as db, HitRow};
use crate::error::ApiError;
use crate::state::AppState;

/// The record types search covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Contact,
    Company,
    Activity,
    Deal,
    Lead,
}

impl RecordType {
    pub const ALL: [RecordType; 5] =
        [RecordType::Contact, RecordType::Company, RecordType::Activity, RecordType::Deal, RecordType::Lead];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "contact" => RecordType::Contact,
            "company" => RecordType::Company,
            "activity" => RecordType::Activity,
            "deal" => RecordType::Deal,
            "lead" => RecordType::Lead,
            _ => return None,
        })
    }
}

/// One result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub kind: RecordType,
    pub id: Uuid,
    pub title: String,
    pub subtitle: Option<String>,
    /// Higher is better; comparable across types.
    pub rank: f32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// Best first.
    pub results: Vec<SearchHit>,
}

/// Searches `types` for `q`, best `limit` results overall. Text with
/// nothing searchable in it finds nothing.
pub async fn search(
    state: &AppState,
    workspace_id: Uuid,
    q: &str,
    types: &[RecordType],
    limit: i64,
    rep: Option<Uuid>,
) -> Result<SearchResults, ApiError> {
    let Some((head, prefix)) = super::search_terms(q) else {
        return Ok(SearchResults { results: Vec::new() });
    };
    let client = state.db().await?;
    let mut results = Vec::new();
    for t in types {
        let hits: Vec<HitRow> = match t {
            RecordType::Contact => db::select_contact_hits(&client, workspace_id, &head, &prefix, limit).await?,
            RecordType::Company => db::select_company_hits(&client, workspace_id, &head, &prefix, limit).await?,
            RecordType::Activity => db::select_activity_hits(&client, workspace_id, &head, &prefix, limit).await?,
            RecordType::Deal => db::select_deal_hits(&client, workspace_id, &head, &prefix, limit, rep).await?,
            RecordType::Lead => db::select_lead_hits(&client, workspace_id, &head, &prefix, limit, rep).await?,
        };
        results.extend(hits.into_iter().map(|h| SearchHit {
            kind: *t,
            id: h.id,
            title: h.title,
            subtitle: h.subtitle,
            rank: h.rank,
        }));
    }
    results.sort_by(|a, b| b.rank.total_cmp(&a.rank).then(a.id.cmp(&b.id)));
    results.truncate(limit as usize);
    Ok(SearchResults { results })
}
