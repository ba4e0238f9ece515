//! Writes to deals and pipelines: the commands callers send, the errors
//! they get, and the planner that validates a command against the actor's
//! state and stages its effects.
//!
//! A batch of commands is planned one after another against a [`Staged`]
//! view (the committed state plus the batch's earlier changes), so every
//! command sees the ones queued before it. Nothing touches the committed
//! state until the batch's transaction commits (see `workspace/writer.rs`).

use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::*;
use super::rank;
use super::state::{contribution, DealState};
use crate::event::{ActorRef, NewEvent, Visibility};

/// Where a request came from, for the audit entry.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// Who writes, with what the permission matrix grants them.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: ActorRef,
    /// The person, `None` for an API token.
    pub user_id: Option<Uuid>,
    /// Edit and delete anyone's deals, reopen won or lost deals.
    pub edit_any: bool,
    pub origin: Origin,
}

impl Caller {
    /// Whether the caller may see and change `d`: managers, owners and
    /// tokens any deal, reps theirs and those shared with them.
    pub(crate) fn may_touch(&self, d: &Deal) -> bool {
        self.edit_any || self.user_id.is_some_and(|u| d.involves(u))
    }
}

#[derive(Clone)]
pub struct NewDeal {
    pub title: String,
    pub amount: i64,
    pub currency: String,
    pub pipeline_id: Option<Uuid>,
    pub stage_id: Option<Uuid>,
    pub probability: Option<i16>,
    pub expected_close_date: Option<NaiveDate>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub owner_id: Option<Uuid>,
    /// (id, display name), resolved by the caller.
    pub contact: Option<(Uuid, String)>,
    pub company: Option<(Uuid, String)>,
    pub tags: Vec<String>,
    pub shared_with: Vec<Uuid>,
    pub custom_fields: serde_json::Value,
}

/// Fields to change; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Clone, Default)]
pub struct DealChanges {
    pub title: Option<String>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub probability: Option<Option<i16>>,
    pub expected_close_date: Option<Option<NaiveDate>>,
    pub next_action: Option<Option<String>>,
    pub next_action_date: Option<Option<NaiveDate>>,
    pub owner_id: Option<Option<Uuid>>,
    pub contact: Option<Option<(Uuid, String)>>,
    pub company: Option<Option<(Uuid, String)>>,
    pub tags: Option<Vec<String>>,
    pub shared_with: Option<Vec<Uuid>>,
    pub custom_fields: Option<serde_json::Value>,
    pub lost_reason: Option<String>,
}

#[derive(Clone)]
pub struct NewLine {
    pub name: String,
    pub unit_price: i64,
    pub quantity: i32,
    pub discount_bp: i32,
}

#[derive(Clone, Default)]
pub struct LineChanges {
    pub name: Option<String>,
    pub unit_price: Option<i64>,
    pub quantity: Option<i32>,
    pub discount_bp: Option<i32>,
}

#[derive(Clone)]
pub struct NewStage {
    pub name: String,
    pub probability: i16,
    pub color: String,
    pub kind: StageKind,
    pub sla_days: Option<i32>,
    pub auto_nurture: bool,
}

#[derive(Clone, Default)]
pub struct StageChanges {
    pub name: Option<String>,
    pub probability: Option<i16>,
    pub color: Option<String>,
    pub kind: Option<StageKind>,
    pub sla_days: Option<Option<i32>>,
    pub auto_nurture: Option<bool>,
    /// New index inside the pipeline (0 = first).
    pub position: Option<i32>,
}

#[derive(Clone, Default)]
pub struct PipelineChanges {
    pub name: Option<String>,
    /// New index among the pipelines (0 = first).
    pub position: Option<i32>,
    pub archived: Option<bool>,
}

/// A write the workspace actor performs.
#[derive(Clone)]
pub enum Command {
    CreateLead(Box<crate::leads::NewLead>),
    UpdateLead {
        id: Uuid,
        changes: Box<crate::leads::LeadChanges>,
        if_version: Option<i64>,
    },
    DeleteLead {
        id: Uuid,
    },
    ConvertLead(Box<crate::leads::Convert>),
    AddLeadSource {
        slug: String,
        label: String,
    },
    UpdateLeadSource {
        slug: String,
        label: Option<String>,
        archived: Option<bool>,
    },
    SetScoringWeights(crate::leads::Weights),
    /// Score every open lead again (the daily decay).
    RescoreLeads,
    /// Engagement reported for a lead (emails opened or clicked, meetings
    /// held), added to its counters; the lead is scored again.
    RecordEngagement {
        id: Uuid,
        delta: crate::leads::Engagement,
    },
    CreateDeal(Box<NewDeal>),
    /// A deal of a CSV import, with the id the import chose for its row.
    /// Idempotent: when a deal with this id exists (the row was written
    /// before a restart), it is returned unchanged.
    ImportDeal {
        import_id: Uuid,
        id: Uuid,
        new: Box<NewDeal>,
    },
    /// A lead of a CSV import; idempotent by `id` like [`Command::ImportDeal`].
    ImportLead {
        import_id: Uuid,
        id: Uuid,
        new: Box<crate::leads::NewLead>,
    },
    UpdateDeal {
        id: Uuid,
        changes: Box<DealChanges>,
        if_version: Option<i64>,
    },
    /// Move into `stage_id`, placed before `before_id` or after `after_id`
    /// (at the end of the column when neither is there).
    MoveDeal {
        id: Uuid,
        stage_id: Uuid,
        lost_reason: Option<String>,
        before_id: Option<Uuid>,
        after_id: Option<Uuid>,
    },
    DeleteDeal {
        id: Uuid,
    },
    RestoreDeal {
        id: Uuid,
    },
    AddLine {
        deal_id: Uuid,
        line: NewLine,
    },
    UpdateLine {
        deal_id: Uuid,
        line_id: Uuid,
        changes: LineChanges,
    },
    RemoveLine {
        deal_id: Uuid,
        line_id: Uuid,
    },
    CreatePipeline {
        name: String,
        stages: Vec<NewStage>,
    },
    UpdatePipeline {
        id: Uuid,
        changes: PipelineChanges,
    },
    CreateStage {
        pipeline_id: Uuid,
        stage: NewStage,
        position: Option<i32>,
    },
    UpdateStage {
        id: Uuid,
        changes: StageChanges,
    },
    /// Delete a stage; its live deals move to `move_to` (required when it
    /// holds any).
    DeleteStage {
        id: Uuid,
        move_to: Option<Uuid>,
    },
    /// Point every deal (deleted ones included) and every lead conversion
    /// that links to one of `from` at `to` (id, display name) instead: the
    /// contacts or companies of a merge (see `merge.rs`).
    Relink {
        link: super::merge::LinkKind,
        from: Vec<Uuid>,
        to: (Uuid, String),
    },
    /// Merge deals into `keep`: lead conversions that name a merged deal
    /// name `keep`, the merged deals are deleted (see `merge.rs`).
    MergeDeals {
        keep: Uuid,
        merged: Vec<Uuid>,
    },
    /// Log an activity: its row, its lead's engagement and score, its
    /// deal's recency (see `activities.rs`).
    LogActivity(Box<crate::activities::NewActivity>),
}

/// What a successful write returns.
#[derive(Debug, Clone)]
pub enum Outcome {
    Deal(Box<DealView>),
    Pipeline(Box<Pipeline>),
    Lead(Box<crate::leads::LeadView>),
    Source(Box<crate::leads::Source>),
    Weights(crate::leads::Weights),
    /// How many leads changed score.
    Rescored(usize),
    /// How many deals and leads a `Relink` pointed elsewhere (for
    /// `MergeDeals`: the deals merged away and the leads relinked).
    Relinked {
        deals: usize,
        leads: usize,
    },
    Activity(Box<crate::activities::Activity>),
}

/// A committed write: its result and the seq of its last event.
#[derive(Debug, Clone)]
pub struct Written {
    pub outcome: Outcome,
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DealError {
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{field}: {detail}")]
    Invalid { field: &'static str, detail: String },
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// `If-Match` named another version.
    #[error("the deal changed since you read it (now version {current})")]
    VersionMismatch { current: i64 },
    #[error("deals are unavailable: {0}")]
    Unavailable(String),
}

fn invalid(field: &'static str, detail: impl Into<String>) -> DealError {
    DealError::Invalid { field, detail: detail.into() }
}

fn conflict(code: &'static str, detail: impl Into<String>) -> DealError {
    DealError::Conflict { code, detail: detail.into() }
}

/// An audit entry staged with a write.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub actor: ActorRef,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Uuid,
    pub details: serde_json::Value,
    pub origin: Origin,
}

/// A stage-history row staged with a move.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub deal_id: Uuid,
    pub from: Option<Uuid>,
    pub to: Uuid,
    pub actor: ActorRef,
    pub at: DateTime<Utc>,
}

/// The committed state plus the effects of the batch planned so far.
pub struct Staged<'a> {
    base: &'a DealState,
    pub(crate) lead_base: &'a crate::leads::LeadState,
    pub(crate) leads: HashMap<Uuid, crate::leads::Lead>,
    pub(crate) lead_scores: Vec<crate::leads::command::ScoreRow>,
    pub(crate) new_contacts: Vec<crate::leads::command::NewContactRow>,
    pub(crate) new_companies: Vec<crate::leads::command::NewCompanyRow>,
    /// Custom sources added or changed (the last entry for a slug wins).
    pub(crate) sources: Vec<crate::leads::Source>,
    pub(crate) weights: Option<crate::leads::Weights>,
    pub(crate) now: DateTime<Utc>,
    pub(crate) deals: HashMap<Uuid, Deal>,
    pub(crate) pipelines: HashMap<Uuid, Pipeline>,
    pub(crate) deleted_stages: Vec<Uuid>,
    pub(crate) lines_changed: HashSet<Uuid>,
    stage_totals: HashMap<Uuid, Totals>,
    pipeline_totals: HashMap<Uuid, Totals>,
    pub(crate) events: Vec<NewEvent>,
    pub(crate) audits: Vec<AuditRow>,
    pub(crate) history: Vec<HistoryRow>,
    /// Records created by imports: (record id, import id), tagged in the
    /// batch's transaction so a revert finds exactly them.
    pub(crate) imported_deals: Vec<(Uuid, Uuid)>,
    pub(crate) imported_leads: Vec<(Uuid, Uuid)>,
    /// Activities logged (their deals' recency follows from them).
    pub(crate) activities: Vec<crate::activities::Activity>,
    /// Deal merges (kept deal, merged deals): their activities move to the
    /// kept deal in the batch's transaction.
    pub(crate) deal_merges: Vec<(Uuid, Vec<Uuid>)>,
}

impl<'a> Staged<'a> {
    pub fn new(base: &'a DealState, lead_base: &'a crate::leads::LeadState, now: DateTime<Utc>) -> Self {
        Staged {
            base,
            lead_base,
            leads: HashMap::new(),
            lead_scores: Vec::new(),
            new_contacts: Vec::new(),
            new_companies: Vec::new(),
            sources: Vec::new(),
            weights: None,
            now,
            deals: HashMap::new(),
            pipelines: HashMap::new(),
            deleted_stages: Vec::new(),
            lines_changed: HashSet::new(),
            stage_totals: HashMap::new(),
            pipeline_totals: HashMap::new(),
            events: Vec::new(),
            audits: Vec::new(),
            history: Vec::new(),
            imported_deals: Vec::new(),
            imported_leads: Vec::new(),
            activities: Vec::new(),
            deal_merges: Vec::new(),
        }
    }

    pub fn base(&self) -> &DealState {
        self.base
    }

    pub fn deal(&self, id: Uuid) -> Option<&Deal> {
        self.deals.get(&id).or_else(|| self.base.deals.get(&id))
    }

    pub fn pipeline(&self, id: Uuid) -> Option<&Pipeline> {
        self.pipelines.get(&id).or_else(|| self.base.pipelines.get(&id))
    }

    fn pipeline_ids(&self) -> Vec<Uuid> {
        let mut ids: HashSet<Uuid> = self.base.pipelines.keys().copied().collect();
        ids.extend(self.pipelines.keys().copied());
        ids.into_iter().collect()
    }

    fn all_pipelines(&self) -> Vec<Pipeline> {
        let mut v: Vec<Pipeline> =
            self.pipeline_ids().into_iter().filter_map(|id| self.pipeline(id).cloned()).collect();
        v.sort_by_key(|p| (p.position, p.created_at, p.id));
        v
    }

    pub fn stage(&self, id: Uuid) -> Option<Stage> {
        // The staged pipelines first: a stage may have changed in this batch.
        self.pipelines
            .values()
            .find_map(|p| p.stage(id))
            .or_else(|| {
                self.base.pipelines.values().filter(|p| !self.pipelines.contains_key(&p.id)).find_map(|p| p.stage(id))
            })
            .cloned()
    }

    fn contribution(&self, d: &Deal) -> Option<super::state::Contribution> {
        contribution(d, |id| self.stage(id))
    }

    fn stage_totals_mut(&mut self, stage: Uuid) -> &mut Totals {
        let base = self.base;
        self.stage_totals.entry(stage).or_insert_with(|| base.stage_totals.get(&stage).cloned().unwrap_or_default())
    }

    fn pipeline_totals_mut(&mut self, pipeline: Uuid) -> &mut Totals {
        let base = self.base;
        self.pipeline_totals
            .entry(pipeline)
            .or_insert_with(|| base.pipeline_totals.get(&pipeline).cloned().unwrap_or_default())
    }

    pub fn stage_totals(&self, stage: Uuid) -> Totals {
        self.stage_totals.get(&stage).or_else(|| self.base.stage_totals.get(&stage)).cloned().unwrap_or_default()
    }

    pub fn pipeline_totals(&self, pipeline: Uuid) -> Totals {
        self.pipeline_totals
            .get(&pipeline)
            .or_else(|| self.base.pipeline_totals.get(&pipeline))
            .cloned()
            .unwrap_or_default()
    }

    fn account(&mut self, d: &Deal, sign: i64) {
        if let Some(c) = self.contribution(d) {
            self.stage_totals_mut(c.stage_id).add(&c.currency, c.amount, c.weighted, sign);
            if c.open {
                self.pipeline_totals_mut(c.pipeline_id).add(&c.currency, c.amount, c.weighted, sign);
            }
        }
    }

    /// Stages a new deal snapshot, keeping totals right.
    pub(crate) fn put_deal(&mut self, deal: Deal) {
        if let Some(old) = self.deal(deal.id).cloned() {
            self.account(&old, -1);
        }
        self.account(&deal, 1);
        self.deals.insert(deal.id, deal);
    }

    /// Stages a pipeline snapshot; totals of its deals are recomputed.
    fn put_pipeline(&mut self, p: Pipeline) {
        let id = p.id;
        let deals: Vec<Deal> = self.deals_of_pipeline(id);
        for d in &deals {
            self.account(d, -1);
        }
        self.pipelines.insert(id, p);
        for d in &deals {
            self.account(d, 1);
        }
    }

    fn deals_of_pipeline(&self, pipeline: Uuid) -> Vec<Deal> {
        let mut seen: HashSet<Uuid> = HashSet::new();
        let mut out = Vec::new();
        for d in self.deals.values().filter(|d| d.pipeline_id == pipeline) {
            seen.insert(d.id);
            out.push(d.clone());
        }
        for d in self.base.deals.values().filter(|d| d.pipeline_id == pipeline && !seen.contains(&d.id)) {
            out.push(d.clone());
        }
        out
    }

    /// Live deals of a stage (staged view), in rank order.
    fn column(&self, stage: Uuid) -> Vec<(String, Uuid)> {
        let mut col: Vec<(String, Uuid)> = self
            .base
            .columns
            .get(&stage)
            .into_iter()
            .flatten()
            .filter(|(_, id)| !self.deals.contains_key(id))
            .cloned()
            .collect();
        col.extend(
            self.deals
                .values()
                .filter(|d| d.stage_id == stage && d.deleted_at.is_none())
                .map(|d| (d.rank.clone(), d.id)),
        );
        col.sort();
        col
    }

    /// The neighbour of `rank` in a column, skipping `except`, below
    /// (`up` false) or above it.
    fn neighbour(&self, stage: Uuid, rank: &str, up: bool, except: Uuid) -> Option<String> {
        let live = |id: &Uuid| *id != except && !self.deals.contains_key(id);
        let base = self.base.columns.get(&stage);
        // The column is ordered by (rank, id): start at `rank`, not at an end.
        let from_base = base.and_then(|col| {
            if up {
                let after = (Bound::Excluded((rank.to_owned(), Uuid::max())), Bound::Unbounded);
                col.range(after).find(|(_, id)| live(id)).map(|(r, _)| r.clone())
            } else {
                let below = (Bound::Unbounded, Bound::Excluded((rank.to_owned(), Uuid::nil())));
                col.range(below).rev().find(|(_, id)| live(id)).map(|(r, _)| r.clone())
            }
        });
        let staged = self
            .deals
            .values()
            .filter(|d| d.stage_id == stage && d.deleted_at.is_none() && d.id != except)
            .map(|d| d.rank.as_str())
            .filter(|r| if up { *r > rank } else { *r < rank });
        let staged = if up { staged.min() } else { staged.max() }.map(str::to_owned);
        match (from_base, staged) {
            (Some(a), Some(b)) => Some(if up { a.min(b) } else { a.max(b) }),
            (a, b) => a.or(b),
        }
    }

    fn last_rank(&self, stage: Uuid, except: Uuid) -> Option<String> {
        let live = |id: &Uuid| *id != except && !self.deals.contains_key(id);
        let from_base = self.base.columns.get(&stage).and_then(|col| col.iter().rev().find(|(_, id)| live(id)));
        let from_base = from_base.map(|(r, _)| r.as_str());
        let staged = self
            .deals
            .values()
            .filter(|d| d.stage_id == stage && d.deleted_at.is_none() && d.id != except)
            .map(|d| d.rank.as_str())
            .max();
        from_base.max(staged).map(str::to_owned)
    }

    /// The rank for a card placed into `stage` next to a neighbour.
    fn place(&self, stage: Uuid, moving: Uuid, before: Option<Uuid>, after: Option<Uuid>) -> String {
        let live_in_stage = |id: Uuid| {
            self.deal(id)
                .filter(|d| d.stage_id == stage && d.deleted_at.is_none() && d.id != moving)
                .map(|d| d.rank.clone())
        };
        if let Some(r) = after.and_then(live_in_stage) {
            let hi = self.neighbour(stage, &r, true, moving);
            return rank::between(Some(&r), hi.as_deref());
        }
        if let Some(r) = before.and_then(live_in_stage) {
            let lo = self.neighbour(stage, &r, false, moving);
            return rank::between(lo.as_deref(), Some(&r));
        }
        // No usable neighbour (none named, or it moved meanwhile): the end.
        rank::between(self.last_rank(stage, moving).as_deref(), None)
    }

    pub(crate) fn view(&self, d: &Deal) -> DealView {
        let stage = self.stage(d.stage_id);
        let stage_auto_nurture = stage.as_ref().is_some_and(|s| s.auto_nurture);
        let probability = stage.as_ref().map_or(0, |s| super::state::effective_probability(d, s));
        let sla_breached = stage
            .as_ref()
            .and_then(|s| s.sla_days)
            .is_some_and(|days| self.now - d.stage_entered_at > chrono::Duration::days(i64::from(days)));
        DealView {
            probability,
            weighted: weighted(d.amount, probability),
            stage_kind: stage.map_or(StageKind::Open, |s| s.kind),
            flags: DealFlags { stale: d.stale(self.now), at_risk: d.at_risk(self.now), sla_breached },
            stage_auto_nurture,
            deal: d.clone(),
        }
    }

    /// The totals a board event carries: the touched columns and the
    /// pipeline's forecast.
    fn totals_json(&self, pipeline: Uuid, stages: &[Uuid]) -> serde_json::Value {
        let stages: serde_json::Map<String, serde_json::Value> = stages
            .iter()
            .map(|s| (s.to_string(), serde_json::to_value(self.stage_totals(*s)).unwrap_or_default()))
            .collect();
        json!({ "stages": stages, "pipeline": self.pipeline_totals(pipeline) })
    }

    pub(crate) fn emit_deal(
        &mut self,
        kind: &str,
        caller: &Caller,
        old: Option<&Deal>,
        new: &Deal,
        extra: serde_json::Value,
    ) {
        let mut audience = new.audience();
        if let Some(o) = old {
            audience.extend(o.audience());
        }
        audience.sort();
        audience.dedup();
        let mut pipelines = vec![new.pipeline_id];
        let mut stages = vec![new.stage_id];
        if let Some(o) = old {
            if o.pipeline_id != new.pipeline_id {
                pipelines.push(o.pipeline_id);
            }
            if o.stage_id != new.stage_id {
                stages.push(o.stage_id);
            }
        }
        for p in pipelines {
            let own_stages: Vec<Uuid> =
                stages.iter().copied().filter(|s| self.pipeline(p).is_some_and(|pl| pl.stage(*s).is_some())).collect();
            let mut data = json!({
                "deal": self.view(new),
                "from_stage_id": old.map(|o| o.stage_id),
                "totals": self.totals_json(p, &own_stages),
            });
            if let (Some(map), serde_json::Value::Object(extra)) = (data.as_object_mut(), &extra) {
                map.extend(extra.clone());
            }
            self.events.push(NewEvent {
                kind: kind.to_owned(),
                topic: format!("pipeline:{p}"),
                actor: Some(caller.actor),
                visibility: Visibility::Owned(audience.clone()),
                data,
            });
        }
    }

    fn emit_pipeline(&mut self, kind: &str, caller: &Caller, p: &Pipeline) {
        let stages: Vec<Uuid> = p.stages.iter().map(|s| s.id).collect();
        self.events.push(NewEvent {
            kind: kind.to_owned(),
            topic: format!("pipeline:{}", p.id),
            actor: Some(caller.actor),
            visibility: Visibility::All,
            data: json!({ "pipeline": p, "totals": self.totals_json(p.id, &stages) }),
        });
    }

    pub(crate) fn audit(
        &mut self,
        caller: &Caller,
        action: &'static str,
        kind: &'static str,
        id: Uuid,
        details: serde_json::Value,
    ) {
        self.audits.push(AuditRow {
            actor: caller.actor,
            action,
            target_type: kind,
            target_id: id,
            details,
            origin: caller.origin.clone(),
        });
    }

    /// The deal `id` as `caller` may change it.
    /// A deal the caller may not see answers like a missing one.
    fn touchable(&self, caller: &Caller, id: Uuid) -> Result<Deal, DealError> {
        self.deal(id).filter(|d| caller.may_touch(d)).cloned().ok_or(DealError::NotFound("deal"))
    }

    pub(crate) fn live(&self, caller: &Caller, id: Uuid) -> Result<Deal, DealError> {
        let d = self.touchable(caller, id)?;
        if d.deleted_at.is_some() {
            return Err(DealError::NotFound("deal"));
        }
        Ok(d)
    }

    pub(crate) fn bump(&self, d: &mut Deal) {
        d.version += 1;
        d.updated_at = self.now;
    }

    /// Plans one command: validates it and stages its effects. On error
    /// nothing is staged.
    pub fn plan(&mut self, caller: &Caller, cmd: Command) -> Result<Outcome, DealError> {
        match cmd {
            Command::CreateLead(new) => self.create_lead(caller, *new),
            Command::UpdateLead { id, changes, if_version } => self.update_lead(caller, id, *changes, if_version),
            Command::DeleteLead { id } => self.delete_lead(caller, id),
            Command::ConvertLead(c) => self.convert_lead(caller, *c),
            Command::AddLeadSource { slug, label } => self.add_source(caller, slug, label),
            Command::UpdateLeadSource { slug, label, archived } => self.update_source(caller, slug, label, archived),
            Command::SetScoringWeights(w) => self.set_weights(caller, w),
            Command::RescoreLeads => Ok(Outcome::Rescored(self.rescore_all(None, "daily rescoring"))),
            Command::RecordEngagement { id, delta } => self.record_engagement(caller, id, delta),
            Command::CreateDeal(new) => self.create_deal_for(caller, *new),
            Command::ImportDeal { import_id, id, new } => match self.deal(id) {
                Some(d) => Ok(Outcome::Deal(Box::new(self.view(d)))),
                None => {
                    let out = self.create_deal_with_id(caller, *new, id)?;
                    self.imported_deals.push((id, import_id));
                    Ok(out)
                }
            },
            Command::ImportLead { import_id, id, new } => match self.lead(id) {
                Some(l) => Ok(Outcome::Lead(Box::new(crate::leads::LeadView::of(l, self.now)))),
                None => {
                    let out = self.create_lead_with_id(caller, *new, id)?;
                    self.imported_leads.push((id, import_id));
                    Ok(out)
                }
            },
            Command::UpdateDeal { id, changes, if_version } => self.update_deal(caller, id, *changes, if_version),
            Command::MoveDeal { id, stage_id, lost_reason, before_id, after_id } => {
                self.move_deal(caller, id, stage_id, lost_reason, before_id, after_id)
            }
            Command::DeleteDeal { id } => self.delete_deal(caller, id),
            Command::RestoreDeal { id } => self.restore_deal(caller, id),
            Command::AddLine { deal_id, line } => self.add_line(caller, deal_id, line),
            Command::UpdateLine { deal_id, line_id, changes } => self.update_line(caller, deal_id, line_id, changes),
            Command::RemoveLine { deal_id, line_id } => self.remove_line(caller, deal_id, line_id),
            Command::CreatePipeline { name, stages } => self.create_pipeline(caller, name, stages),
            Command::UpdatePipeline { id, changes } => self.update_pipeline(caller, id, changes),
            Command::CreateStage { pipeline_id, stage, position } => {
                self.create_stage(caller, pipeline_id, stage, position)
            }
            Command::UpdateStage { id, changes } => self.update_stage(caller, id, changes),
            Command::DeleteStage { id, move_to } => self.delete_stage(caller, id, move_to),
            Command::Relink { link, from, to } => self.relink(caller, link, from, to),
            Command::MergeDeals { keep, merged } => self.merge_deals(caller, keep, merged),
            Command::LogActivity(new) => self.log_activity(caller, *new),
        }
    }

    fn open_pipeline(&self, id: Uuid) -> Result<Pipeline, DealError> {
        let p = self.pipeline(id).ok_or_else(|| invalid("pipeline_id", "no such pipeline"))?;
        if p.archived {
            return Err(conflict(
                "pipeline_archived",
                format!("pipeline '{}' is archived; unarchive it first", p.name),
            ));
        }
        Ok(p.clone())
    }

    pub(crate) fn create_deal_for(&mut self, caller: &Caller, new: NewDeal) -> Result<Outcome, DealError> {
        self.create_deal_with_id(caller, new, Uuid::now_v7())
    }

    fn create_deal_with_id(&mut self, caller: &Caller, new: NewDeal, id: Uuid) -> Result<Outcome, DealError> {
        // The pipeline: named, the stage's, or the first active one.
        let pipeline_id = match (new.pipeline_id, new.stage_id) {
            (Some(p), _) => p,
            (None, Some(s)) => self.stage(s).ok_or_else(|| invalid("stage_id", "no such stage"))?.pipeline_id,
            (None, None) => self
                .all_pipelines()
                .into_iter()
                .find(|p| !p.archived)
                .map(|p| p.id)
                .ok_or_else(|| conflict("no_pipeline", "create a pipeline first"))?,
        };
        let pipeline = self.open_pipeline(pipeline_id)?;
        let stage = match new.stage_id {
            Some(s) => {
                pipeline.stage(s).cloned().ok_or_else(|| invalid("stage_id", "no such stage in this pipeline"))?
            }
            None => pipeline
                .stages
                .iter()
                .find(|s| s.kind == StageKind::Open)
                .cloned()
                .ok_or_else(|| conflict("no_open_stage", "the pipeline has no open stage"))?,
        };
        if stage.kind == StageKind::Lost {
            return Err(invalid("stage_id", "create the deal in an open stage, then move it to lost with a reason"));
        }
        let owner_id = new.owner_id.or(caller.user_id);
        if !caller.edit_any && owner_id != caller.user_id {
            return Err(DealError::Forbidden(
                "reps create deals they own; ask a manager to assign one to someone else".into(),
            ));
        }
        let now = self.now;
        let deal = Deal {
            id,
            pipeline_id,
            stage_id: stage.id,
            title: new.title,
            amount: new.amount,
            currency: new.currency,
            probability_override: new.probability,
            expected_close_date: new.expected_close_date,
            next_action: new.next_action,
            next_action_date: new.next_action_date,
            owner_id,
            contact_id: new.contact.as_ref().map(|c| c.0),
            contact_name: new.contact.map(|c| c.1),
            company_id: new.company.as_ref().map(|c| c.0),
            company_name: new.company.map(|c| c.1),
            tags: new.tags,
            shared_with: new.shared_with,
            custom_fields: new.custom_fields,
            lost_reason: None,
            won_at: (stage.kind == StageKind::Won).then_some(now),
            lost_at: None,
            rank: self.place(stage.id, id, None, None),
            stage_entered_at: now,
            last_activity_at: None,
            line_items: Vec::new(),
            created_by: caller.user_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        };
        self.history.push(HistoryRow { deal_id: id, from: None, to: stage.id, actor: caller.actor, at: now });
        self.put_deal(deal.clone());
        self.emit_deal("deal.created", caller, None, &deal, json!({}));
        self.audit(caller, "deal.created", "deal", id, json!({ "title": deal.title, "stage_id": stage.id }));
        Ok(Outcome::Deal(Box::new(self.view(&deal))))
    }

    fn update_deal(
        &mut self,
        caller: &Caller,
        id: Uuid,
        c: DealChanges,
        if_version: Option<i64>,
    ) -> Result<Outcome, DealError> {
        let old = self.live(caller, id)?;
        if if_version.is_some_and(|v| v != old.version) {
            return Err(DealError::VersionMismatch { current: old.version });
        }
        let mut d = old.clone();
        let mut changed: Vec<&'static str> = Vec::new();
        macro_rules! set {
            ($field:ident, $name:literal) => {
                if let Some(v) = c.$field {
                    if d.$field != v {
                        d.$field = v;
                        changed.push($name);
                    }
                }
            };
        }
        if c.amount.is_some() && !d.line_items.is_empty() && c.amount != Some(d.amount) {
            return Err(conflict("amount_from_products", "this deal's amount is the sum of its products; edit those"));
        }
        if let Some(Some(owner)) = c.owner_id {
            if !caller.edit_any && Some(owner) != d.owner_id {
                return Err(DealError::Forbidden("only managers and owners reassign deals".into()));
            }
        }
        if matches!(c.owner_id, Some(None)) && !caller.edit_any {
            return Err(DealError::Forbidden("only managers and owners reassign deals".into()));
        }
        if c.shared_with.is_some() && !caller.edit_any && d.owner_id != caller.user_id {
            return Err(DealError::Forbidden(
                "only the deal's owner, managers and owners change who it is shared with".into(),
            ));
        }
        if c.lost_reason.is_some() && self.stage(d.stage_id).is_none_or(|s| s.kind != StageKind::Lost) {
            return Err(invalid("lost_reason", "only a lost deal has a lost reason"));
        }
        set!(title, "title");
        set!(amount, "amount");
        set!(currency, "currency");
        if let Some(p) = c.probability {
            if d.probability_override != p {
                d.probability_override = p;
                changed.push("probability");
            }
        }
        set!(expected_close_date, "expected_close_date");
        set!(next_action, "next_action");
        set!(next_action_date, "next_action_date");
        set!(owner_id, "owner_id");
        if let Some(contact) = c.contact {
            if d.contact_id != contact.as_ref().map(|x| x.0) {
                d.contact_id = contact.as_ref().map(|x| x.0);
                d.contact_name = contact.map(|x| x.1);
                changed.push("contact_id");
            }
        }
        if let Some(company) = c.company {
            if d.company_id != company.as_ref().map(|x| x.0) {
                d.company_id = company.as_ref().map(|x| x.0);
                d.company_name = company.map(|x| x.1);
                changed.push("company_id");
            }
        }
        set!(tags, "tags");
        set!(shared_with, "shared_with");
        set!(custom_fields, "custom_fields");
        if let Some(r) = c.lost_reason {
            if d.lost_reason.as_deref() != Some(r.as_str()) {
                d.lost_reason = Some(r);
                changed.push("lost_reason");
            }
        }
        if changed.is_empty() {
            return Ok(Outcome::Deal(Box::new(self.view(&old))));
        }
        self.bump(&mut d);
        self.put_deal(d.clone());
        self.emit_deal("deal.updated", caller, Some(&old), &d, json!({ "changed": changed }));
        self.audit(caller, "deal.updated", "deal", id, json!({ "changed": changed }));
        Ok(Outcome::Deal(Box::new(self.view(&d))))
    }

    fn move_deal(
        &mut self,
        caller: &Caller,
        id: Uuid,
        stage_id: Uuid,
        lost_reason: Option<String>,
        before: Option<Uuid>,
        after: Option<Uuid>,
    ) -> Result<Outcome, DealError> {
        let old = self.live(caller, id)?;
        let to = self.stage(stage_id).ok_or_else(|| invalid("stage_id", "no such stage"))?;
        self.open_pipeline(to.pipeline_id)?;
        let from = self.stage(old.stage_id);
        let from_kind = from.as_ref().map_or(StageKind::Open, |s| s.kind);
        if from_kind != StageKind::Open && old.stage_id != stage_id && !caller.edit_any {
            return Err(DealError::Forbidden(format!("only managers and owners reopen a {} deal", from_kind.as_str())));
        }
        let lost_reason = lost_reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        if to.kind == StageKind::Lost && lost_reason.is_none() && old.stage_id != stage_id {
            return Err(invalid("lost_reason", format!("stage '{}' requires lost_reason", to.name)));
        }
        if to.kind != StageKind::Lost && lost_reason.is_some() {
            return Err(invalid("lost_reason", format!("stage '{}' is not a lost stage", to.name)));
        }
        if old.stage_id == stage_id && before.is_none() && after.is_none() {
            return Ok(Outcome::Deal(Box::new(self.view(&old))));
        }
        let mut d = old.clone();
        d.rank = self.place(stage_id, id, before, after);
        let now = self.now;
        if old.stage_id != stage_id {
            d.stage_id = stage_id;
            d.pipeline_id = to.pipeline_id;
            d.stage_entered_at = now;
            match to.kind {
                StageKind::Won => {
                    d.won_at = Some(now);
                    d.lost_at = None;
                    d.lost_reason = None;
                }
                StageKind::Lost => {
                    d.lost_at = Some(now);
                    d.won_at = None;
                    d.lost_reason = lost_reason;
                }
                StageKind::Open => {
                    d.won_at = None;
                    d.lost_at = None;
                    d.lost_reason = None;
                }
            }
            self.history.push(HistoryRow {
                deal_id: id,
                from: Some(old.stage_id),
                to: stage_id,
                actor: caller.actor,
                at: now,
            });
        }
        self.bump(&mut d);
        self.put_deal(d.clone());
        let kind = match (old.stage_id != stage_id, to.kind) {
            (true, StageKind::Won) => "deal.won",
            (true, StageKind::Lost) => "deal.lost",
            _ => "deal.moved",
        };
        self.emit_deal(kind, caller, Some(&old), &d, json!({}));
        self.audit(
            caller,
            if kind == "deal.moved" {
                "deal.moved"
            } else if kind == "deal.won" {
                "deal.won"
            } else {
                "deal.lost"
            },
            "deal",
            id,
            json!({ "from_stage_id": old.stage_id, "to_stage_id": stage_id, "rank": d.rank }),
        );
        Ok(Outcome::Deal(Box::new(self.view(&d))))
    }

    fn delete_deal(&mut self, caller: &Caller, id: Uuid) -> Result<Outcome, DealError> {
        let old = self.live(caller, id)?;
        if !caller.edit_any && old.owner_id != caller.user_id {
            return Err(DealError::Forbidden("only the deal's owner, managers and owners delete it".into()));
        }
        let mut d = old.clone();
        d.deleted_at = Some(self.now);
        self.bump(&mut d);
        self.put_deal(d.clone());
        self.emit_deal("deal.deleted", caller, Some(&old), &d, json!({}));
        self.audit(caller, "deal.deleted", "deal", id, json!({ "title": d.title }));
        Ok(Outcome::Deal(Box::new(self.view(&d))))
    }

    fn restore_deal(&mut self, caller: &Caller, id: Uuid) -> Result<Outcome, DealError> {
        let old = self.touchable(caller, id)?;
        if old.deleted_at.is_none() {
            return Ok(Outcome::Deal(Box::new(self.view(&old))));
        }
        if !caller.edit_any && old.owner_id != caller.user_id {
            return Err(DealError::Forbidden("only the deal's owner, managers and owners restore it".into()));
        }
        let pipeline = self.open_pipeline(old.pipeline_id)?;
        let mut d = old.clone();
        if pipeline.stage(d.stage_id).is_none() {
            // Its stage was deleted meanwhile: back into the first open stage.
            let first = pipeline
                .stages
                .iter()
                .find(|s| s.kind == StageKind::Open)
                .ok_or_else(|| conflict("no_open_stage", "the pipeline has no open stage"))?;
            self.history.push(HistoryRow {
                deal_id: id,
                from: Some(d.stage_id),
                to: first.id,
                actor: caller.actor,
                at: self.now,
            });
            d.stage_id = first.id;
            d.stage_entered_at = self.now;
            d.won_at = None;
            d.lost_at = None;
            d.lost_reason = None;
        }
        d.deleted_at = None;
        // Its old rank may have been taken since: back at the end.
        d.rank = self.place(d.stage_id, id, None, None);
        self.bump(&mut d);
        self.put_deal(d.clone());
        self.emit_deal("deal.restored", caller, Some(&old), &d, json!({}));
        self.audit(caller, "deal.restored", "deal", id, json!({}));
        Ok(Outcome::Deal(Box::new(self.view(&d))))
    }

    fn set_lines(
        &mut self,
        caller: &Caller,
        old: Deal,
        lines: Vec<LineItem>,
        what: &'static str,
    ) -> Result<Outcome, DealError> {
        let mut d = old.clone();
        d.line_items = lines;
        d.amount = d.line_items.iter().map(|l| l.total).sum();
        if d.amount > 1_000_000_000_000_000 {
            return Err(invalid("quantity", "the deal's amount would exceed 10^15 minor units"));
        }
        self.bump(&mut d);
        self.lines_changed.insert(d.id);
        self.put_deal(d.clone());
        self.emit_deal("deal.updated", caller, Some(&old), &d, json!({ "changed": ["line_items", "amount"] }));
        self.audit(caller, what, "deal", d.id, json!({ "amount": d.amount }));
        Ok(Outcome::Deal(Box::new(self.view(&d))))
    }

    fn add_line(&mut self, caller: &Caller, deal_id: Uuid, l: NewLine) -> Result<Outcome, DealError> {
        let old = self.live(caller, deal_id)?;
        if old.line_items.len() >= 200 {
            return Err(conflict("too_many_products", "a deal has at most 200 products"));
        }
        let mut lines = old.line_items.clone();
        lines.push(LineItem {
            id: Uuid::now_v7(),
            total: line_total(l.unit_price, l.quantity, l.discount_bp),
            name: l.name,
            unit_price: l.unit_price,
            quantity: l.quantity,
            discount_bp: l.discount_bp,
            position: lines.iter().map(|x| x.position + 1).max().unwrap_or(0),
            created_at: self.now,
        });
        self.set_lines(caller, old, lines, "deal.product_added")
    }

    fn update_line(
        &mut self,
        caller: &Caller,
        deal_id: Uuid,
        line_id: Uuid,
        c: LineChanges,
    ) -> Result<Outcome, DealError> {
        let old = self.live(caller, deal_id)?;
        let mut lines = old.line_items.clone();
        let line = lines.iter_mut().find(|l| l.id == line_id).ok_or(DealError::NotFound("product line"))?;
        if let Some(v) = c.name {
            line.name = v;
        }
        if let Some(v) = c.unit_price {
            line.unit_price = v;
        }
        if let Some(v) = c.quantity {
            line.quantity = v;
        }
        if let Some(v) = c.discount_bp {
            line.discount_bp = v;
        }
        line.total = line_total(line.unit_price, line.quantity, line.discount_bp);
        self.set_lines(caller, old, lines, "deal.product_updated")
    }

    fn remove_line(&mut self, caller: &Caller, deal_id: Uuid, line_id: Uuid) -> Result<Outcome, DealError> {
        let old = self.live(caller, deal_id)?;
        let mut lines = old.line_items.clone();
        let before = lines.len();
        lines.retain(|l| l.id != line_id);
        if lines.len() == before {
            return Err(DealError::NotFound("product line"));
        }
        self.set_lines(caller, old, lines, "deal.product_removed")
    }

    fn stage_from(&self, pipeline_id: Uuid, s: NewStage, position: i32) -> Stage {
        Stage {
            id: Uuid::now_v7(),
            pipeline_id,
            name: s.name,
            position,
            probability: s.probability,
            color: s.color,
            kind: s.kind,
            sla_days: s.sla_days,
            auto_nurture: s.auto_nurture,
            version: 1,
        }
    }

    fn create_pipeline(&mut self, caller: &Caller, name: String, stages: Vec<NewStage>) -> Result<Outcome, DealError> {
        let existing = self.all_pipelines();
        if existing.len() >= 50 {
            return Err(conflict("too_many_pipelines", "a workspace has at most 50 pipelines"));
        }
        if existing.iter().any(|p| p.name.eq_ignore_ascii_case(&name)) {
            return Err(conflict("duplicate_name", format!("a pipeline named '{name}' exists")));
        }
        let id = Uuid::now_v7();
        let stages = if stages.is_empty() { default_stages() } else { stages };
        check_stage_kinds(&stages.iter().map(|s| s.kind).collect::<Vec<_>>())?;
        let p = Pipeline {
            id,
            name,
            position: existing.iter().map(|p| p.position + 1).max().unwrap_or(0),
            archived: false,
            stages: stages.into_iter().enumerate().map(|(i, s)| self.stage_from(id, s, i as i32)).collect(),
            version: 1,
            created_at: self.now,
            updated_at: self.now,
        };
        self.put_pipeline(p.clone());
        self.emit_pipeline("pipeline.created", caller, &p);
        self.audit(caller, "pipeline.created", "pipeline", id, json!({ "name": p.name }));
        Ok(Outcome::Pipeline(Box::new(p)))
    }

    fn update_pipeline(&mut self, caller: &Caller, id: Uuid, c: PipelineChanges) -> Result<Outcome, DealError> {
        let old = self.pipeline(id).cloned().ok_or(DealError::NotFound("pipeline"))?;
        let mut p = old.clone();
        let all = self.all_pipelines();
        if let Some(name) = c.name {
            if all.iter().any(|x| x.id != id && x.name.eq_ignore_ascii_case(&name)) {
                return Err(conflict("duplicate_name", format!("a pipeline named '{name}' exists")));
            }
            p.name = name;
        }
        if let Some(archived) = c.archived {
            if archived && !old.archived && all.iter().filter(|x| !x.archived).count() <= 1 {
                return Err(conflict("last_pipeline", "a workspace keeps at least one active pipeline"));
            }
            p.archived = archived;
        }
        let mut others_moved = Vec::new();
        if let Some(pos) = c.position {
            let mut order: Vec<Uuid> = all.iter().map(|x| x.id).filter(|x| *x != id).collect();
            let at = usize::try_from(pos).unwrap_or(0).min(order.len());
            order.insert(at, id);
            for (i, pid) in order.into_iter().enumerate() {
                let i = i as i32;
                if pid == id {
                    p.position = i;
                } else if let Some(mut other) = self.pipeline(pid).cloned().filter(|o| o.position != i) {
                    other.position = i;
                    other.version += 1;
                    other.updated_at = self.now;
                    others_moved.push(other);
                }
            }
        }
        if p == old && others_moved.is_empty() {
            return Ok(Outcome::Pipeline(Box::new(old)));
        }
        p.version += 1;
        p.updated_at = self.now;
        self.put_pipeline(p.clone());
        self.emit_pipeline("pipeline.updated", caller, &p);
        for o in others_moved {
            self.put_pipeline(o.clone());
            self.emit_pipeline("pipeline.updated", caller, &o);
        }
        self.audit(caller, "pipeline.updated", "pipeline", id, json!({ "name": p.name, "archived": p.archived }));
        Ok(Outcome::Pipeline(Box::new(p)))
    }

    fn pipeline_of_stage(&self, stage: Uuid) -> Result<Pipeline, DealError> {
        let s = self.stage(stage).ok_or(DealError::NotFound("stage"))?;
        self.pipeline(s.pipeline_id).cloned().ok_or(DealError::NotFound("stage"))
    }

    fn commit_pipeline(
        &mut self,
        caller: &Caller,
        mut p: Pipeline,
        kind: &str,
        action: &'static str,
        stage: Uuid,
    ) -> Outcome {
        for (i, s) in p.stages.iter_mut().enumerate() {
            s.position = i as i32;
        }
        p.version += 1;
        p.updated_at = self.now;
        self.put_pipeline(p.clone());
        self.emit_pipeline(kind, caller, &p);
        self.audit(caller, action, "stage", stage, json!({ "pipeline_id": p.id }));
        Outcome::Pipeline(Box::new(p))
    }

    fn create_stage(
        &mut self,
        caller: &Caller,
        pipeline_id: Uuid,
        s: NewStage,
        position: Option<i32>,
    ) -> Result<Outcome, DealError> {
        let mut p = self.pipeline(pipeline_id).cloned().ok_or(DealError::NotFound("pipeline"))?;
        if p.stages.len() >= 30 {
            return Err(conflict("too_many_stages", "a pipeline has at most 30 stages"));
        }
        if p.stages.iter().any(|x| x.name.eq_ignore_ascii_case(&s.name)) {
            return Err(conflict("duplicate_name", format!("a stage named '{}' exists in this pipeline", s.name)));
        }
        let at = position.map_or(p.stages.len(), |x| usize::try_from(x).unwrap_or(0).min(p.stages.len()));
        let stage = self.stage_from(pipeline_id, s, at as i32);
        let id = stage.id;
        p.stages.insert(at, stage);
        Ok(self.commit_pipeline(caller, p, "stage.created", "stage.created", id))
    }

    fn update_stage(&mut self, caller: &Caller, id: Uuid, c: StageChanges) -> Result<Outcome, DealError> {
        let mut p = self.pipeline_of_stage(id)?;
        let holds_deals = !self.column(id).is_empty();
        let idx = p.stages.iter().position(|s| s.id == id).ok_or(DealError::NotFound("stage"))?;
        if let Some(name) = &c.name {
            if p.stages.iter().any(|x| x.id != id && x.name.eq_ignore_ascii_case(name)) {
                return Err(conflict("duplicate_name", format!("a stage named '{name}' exists in this pipeline")));
            }
        }
        let mut s = p.stages.remove(idx);
        let before = s.clone();
        if let Some(k) = c.kind.filter(|k| *k != s.kind) {
            if holds_deals {
                return Err(conflict("stage_not_empty", "move this stage's deals out before changing its kind"));
            }
            s.kind = k;
        }
        if let Some(v) = c.name {
            s.name = v;
        }
        if let Some(v) = c.probability {
            s.probability = v;
        }
        if let Some(v) = c.color {
            s.color = v;
        }
        if let Some(v) = c.sla_days {
            s.sla_days = v;
        }
        if let Some(v) = c.auto_nurture {
            s.auto_nurture = v;
        }
        let at = c.position.map_or(idx, |x| usize::try_from(x).unwrap_or(0).min(p.stages.len()));
        let moved = at != idx;
        if s == before && !moved {
            p.stages.insert(idx, s);
            return Ok(Outcome::Pipeline(Box::new(p)));
        }
        s.version += 1;
        p.stages.insert(at, s);
        check_stage_kinds(&p.stages.iter().map(|s| s.kind).collect::<Vec<_>>())?;
        Ok(self.commit_pipeline(caller, p, "stage.updated", "stage.updated", id))
    }

    fn delete_stage(&mut self, caller: &Caller, id: Uuid, move_to: Option<Uuid>) -> Result<Outcome, DealError> {
        let mut p = self.pipeline_of_stage(id)?;
        let stage = p.stage(id).cloned().ok_or(DealError::NotFound("stage"))?;
        if p.stages.len() <= 1 {
            return Err(conflict("last_stage", "a pipeline keeps at least one stage"));
        }
        let column = self.column(id);
        let target = match move_to {
            None if column.is_empty() => None,
            None => {
                return Err(invalid(
                    "move_to",
                    format!("stage '{}' holds {} deals; name the stage they move to", stage.name, column.len()),
                ))
            }
            Some(t) if t == id => return Err(invalid("move_to", "name another stage")),
            Some(t) => {
                let t = p.stage(t).cloned().ok_or_else(|| invalid("move_to", "no such stage in this pipeline"))?;
                if t.kind != stage.kind {
                    return Err(invalid(
                        "move_to",
                        format!(
                            "deals of a {} stage move to another {} stage",
                            stage.kind.as_str(),
                            stage.kind.as_str()
                        ),
                    ));
                }
                Some(t)
            }
        };
        p.stages.retain(|s| s.id != id);
        check_stage_kinds(&p.stages.iter().map(|s| s.kind).collect::<Vec<_>>())?;
        self.deleted_stages.push(id);
        let out = self.commit_pipeline(caller, p, "stage.deleted", "stage.deleted", id);
        if let Some(t) = target {
            for (_, deal_id) in column {
                let Some(old) = self.deal(deal_id).cloned() else { continue };
                let mut d = old.clone();
                d.rank = self.place(t.id, deal_id, None, None);
                d.stage_id = t.id;
                d.stage_entered_at = self.now;
                self.history.push(HistoryRow { deal_id, from: Some(id), to: t.id, actor: caller.actor, at: self.now });
                self.bump(&mut d);
                self.put_deal(d.clone());
                self.emit_deal("deal.moved", caller, Some(&old), &d, json!({ "stage_deleted": id }));
            }
        }
        Ok(out)
    }
}

/// The stages of a new pipeline when none are given.
pub fn default_stages() -> Vec<NewStage> {
    let s = |name: &str, probability, color: &str, kind| NewStage {
        name: name.into(),
        probability,
        color: color.into(),
        kind,
        sla_days: None,
        auto_nurture: false,
    };
    vec![
        s("Qualification", 10, "#64748b", StageKind::Open),
        s("Proposal", 40, "#3b82f6", StageKind::Open),
        s("Negotiation", 70, "#f59e0b", StageKind::Open),
        s("Won", 100, "#16a34a", StageKind::Won),
        s("Lost", 0, "#dc2626", StageKind::Lost),
    ]
}

/// A pipeline needs an open stage to take new deals.
fn check_stage_kinds(kinds: &[StageKind]) -> Result<(), DealError> {
    if !kinds.contains(&StageKind::Open) {
        return Err(conflict("no_open_stage", "a pipeline keeps at least one open stage"));
    }
    Ok(())
}
