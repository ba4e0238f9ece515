//! Deals and pipelines on the HTTP side: who the caller is for the
//! workspace actor, what they may read, links to contacts and companies
//! resolved to names, and the actor's errors as problems. The state and
//! its rules live in `pulse_actors::deals`; writes go through
//! `Realtime::write`.

use deadpool_postgres::GenericClient;
use pulse_actors::deals::{Caller, DealError, Origin as DealOrigin, Reader};
use uuid::Uuid;

use crate::auth::permissions::{role_allows, Action, Entity};
use crate::auth::{Member, Role};
use crate::db::audit::Origin;
use crate::error::ApiError;
use crate::realtime::actor_ref;

/// The caller as the workspace actor sees it.
pub fn caller<P>(m: &Member<P>, from: &Origin) -> Caller {
    let edit_any = match m.role {
        Some(role) => role_allows(role, Action::EditAny(Entity::Deals)),
        // A token with deals:write acts for the whole integration.
        None => true,
    };
    Caller { actor: actor_ref(m.actor), user_id: m.actor.user_id(), edit_any, origin: origin(from) }
}

/// Where a request came from, for the audit rows the actor writes.
pub fn origin(from: &Origin) -> DealOrigin {
    DealOrigin { ip: from.ip.clone(), user_agent: from.user_agent.clone(), request_id: from.request_id.clone() }
}

/// What the caller may read: reps their own and shared deals, everyone
/// else (viewers and tokens included) every deal.
pub fn reader<P>(m: &Member<P>) -> Reader {
    Reader { user_id: m.actor.user_id(), sees_all: m.role != Some(Role::Rep) }
}

impl From<DealError> for ApiError {
    fn from(e: DealError) -> Self {
        match e {
            DealError::NotFound(what) => ApiError::NotFound(what),
            DealError::Forbidden(detail) => ApiError::Forbidden(detail),
            DealError::Invalid { field, detail } => ApiError::FieldConflict { field, detail },
            DealError::Conflict { code, detail } => ApiError::Conflict { code, detail },
            DealError::VersionMismatch { current } => ApiError::VersionMismatch { current },
            DealError::Unavailable(_) => ApiError::Unavailable,
        }
    }
}

impl From<pulse_actors::handle::RealtimeError> for ApiError {
    fn from(_: pulse_actors::handle::RealtimeError) -> Self {
        ApiError::Unavailable
    }
}

/// A contact of the workspace and its display name; 422 naming `field`
/// when there is none (another workspace's contact included).
pub async fn contact_link(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
    field: &'static str,
) -> Result<(Uuid, String), ApiError> {
    let row = c
        .query_opt(
            "SELECT coalesce(NULLIF(trim(concat_ws(' ', first_name, last_name)), ''), email, '')
             FROM contacts WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL",
            &[&ws, &id],
        )
        .await?;
    row.map(|r| (id, r.get(0))).ok_or_else(|| ApiError::FieldConflict { field, detail: "no such contact".into() })
}

/// A company of the workspace and its name.
pub async fn company_link(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
    field: &'static str,
) -> Result<(Uuid, String), ApiError> {
    let row = c
        .query_opt("SELECT name FROM companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL", &[&ws, &id])
        .await?;
    row.map(|r| (id, r.get(0))).ok_or_else(|| ApiError::FieldConflict { field, detail: "no such company".into() })
}

/// Fails with 422 naming `field` unless every id is an active member of
/// the workspace.
pub async fn check_members(
    c: &impl GenericClient,
    ws: Uuid,
    ids: &[Uuid],
    field: &'static str,
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let found: i64 = c
        .query_one(
            "SELECT count(DISTINCT user_id) FROM memberships
             WHERE workspace_id = $1 AND user_id = ANY($2) AND status = 'active'",
            &[&ws, &ids],
        )
        .await?
        .get(0);
    let mut distinct = ids.to_vec();
    distinct.sort();
    distinct.dedup();
    if found != distinct.len() as i64 {
        return Err(ApiError::FieldConflict { field, detail: "must name active members of this workspace".into() });
    }
    Ok(())
}

/// The deals of a contact or a company, for their 360 views: open and won
/// deals (those the reader may see) and the lifetime value (won deals, per
/// currency).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RelatedDeals {
    pub open: Vec<pulse_actors::deals::DealView>,
    pub won: Vec<pulse_actors::deals::DealView>,
    /// Sum of won deals' amounts, by currency.
    pub lifetime_value: std::collections::BTreeMap<String, i64>,
}

pub async fn related_deals(
    state: &crate::state::AppState,
    ws: Uuid,
    reader: Reader,
    contact_id: Option<Uuid>,
    company_id: Option<Uuid>,
) -> Result<RelatedDeals, ApiError> {
    use pulse_actors::deals::{DealFilter, DealPage, DealSort, StageKind};
    let filter = DealFilter { contact_id, company_id, ..Default::default() };
    let page = DealPage { sort: DealSort::CreatedAt, descending: true, offset: 0, limit: 500 };
    let (deals, _) = state.realtime.deals(ws, filter, reader, page).await?;
    let mut out = RelatedDeals { open: Vec::new(), won: Vec::new(), lifetime_value: Default::default() };
    for d in deals {
        match d.stage_kind {
            StageKind::Open => out.open.push(d),
            StageKind::Won => {
                *out.lifetime_value.entry(d.deal.currency.clone()).or_default() += d.deal.amount;
                out.won.push(d);
            }
            StageKind::Lost => {}
        }
    }
    Ok(out)
}

/// Raises a notification for a change the workspace actor has committed,
/// in its own transaction, and publishes it. The change stands whatever
/// happens here, so a failure is logged, not returned.
pub async fn notify_after(state: &crate::state::AppState, ws: Uuid, n: crate::notifications::NewNotification) {
    let result = async {
        let mut client = state.db().await?;
        let tx = client.transaction().await?;
        let event = crate::notifications::notify(&tx, ws, n).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(event)
    }
    .await;
    match result {
        Ok(Some(event)) => state.realtime.publish(event),
        Ok(None) => {}
        Err(e) => tracing::warn!(workspace = %ws, error = %e, "could not raise a notification"),
    }
}

/// Runs the nurture step of the stage a deal just entered, when this
/// write moved it there (created in it, or moved from another stage: the
/// actor stamps `stage_entered_at` with the write's time, which is also
/// its `updated_at`). Reordering inside a stage enters nothing.
pub async fn nurture_deal(
    state: &crate::state::AppState,
    ws: Uuid,
    actor: crate::auth::Actor,
    d: &pulse_actors::deals::DealView,
) {
    // Most stages do not nurture: the actor's view of the write says so,
    // and no transaction is opened.
    if d.deal.stage_entered_at != d.deal.updated_at || d.deal.deleted_at.is_some() || !d.stage_auto_nurture {
        return;
    }
    let trigger = crate::notifications::nurture::Trigger::Deal { id: d.deal.id, stage_id: d.deal.stage_id };
    crate::notifications::nurture::after_write(state, ws, Some(actor), trigger).await;
}

/// After a conversion: the lead reached `converted`, its new deal its
/// first stage; both may nurture (a repeated conversion finds them done).
pub async fn nurture_converted(
    state: &crate::state::AppState,
    ws: Uuid,
    actor: crate::auth::Actor,
    l: &pulse_actors::leads::LeadView,
) {
    use crate::notifications::nurture::{after_write, Trigger};
    after_write(state, ws, Some(actor), Trigger::Lead { id: l.lead.id, status: l.lead.status }).await;
    let Some(conversion) = &l.lead.converted else { return };
    let everyone = Reader { user_id: None, sees_all: true };
    match state.realtime.deal(ws, conversion.deal_id, everyone).await {
        Ok(Some(d)) => {
            let trigger = Trigger::Deal { id: d.deal.id, stage_id: d.deal.stage_id };
            after_write(state, ws, Some(actor), trigger).await;
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(workspace = %ws, error = %e, "no nurture for a converted deal; the sweep retries"),
    }
}
