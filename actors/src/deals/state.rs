//! The deal state a workspace actor holds: pipelines, deals, stage
//! columns in rank order and running totals.
//!
//! Contract: only committed snapshots are applied ([`DealState::apply_deal`],
//! [`DealState::apply_pipeline`]), and a snapshot older than (or as old
//! as) the one held is ignored, so applying the same change twice — once
//! when the actor's own batch commits, once when its event comes back in
//! seq order — changes nothing. Totals change incrementally with each
//! snapshot; `tests/api/deals.rs` compares them with a fresh SQL aggregate.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::model::*;

/// The probability in effect for `deal` in `stage`.
pub fn effective_probability(deal: &Deal, stage: &Stage) -> i16 {
    match stage.kind {
        StageKind::Won => 100,
        StageKind::Lost => 0,
        StageKind::Open => deal.probability_override.unwrap_or(stage.probability),
    }
}

/// What a live deal adds to its column and pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Contribution {
    pub stage_id: Uuid,
    pub pipeline_id: Uuid,
    pub open: bool,
    pub currency: String,
    pub amount: i64,
    pub weighted: i64,
}

/// Who reads: a rep sees the deals they own or that are shared with them;
/// everyone else (and tokens) sees every deal.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub user_id: Option<Uuid>,
    pub sees_all: bool,
}

impl Reader {
    pub fn sees(&self, deal: &Deal) -> bool {
        self.sees_all || self.user_id.is_some_and(|u| deal.involves(u))
    }
}

/// Board and list filters.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct DealFilter {
    pub pipeline_id: Option<Uuid>,
    pub stage_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub tag: Option<String>,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    pub stale: Option<bool>,
    pub at_risk: Option<bool>,
    /// Case-insensitive substring of title, contact or company name.
    pub q: Option<String>,
    /// List deleted deals instead of live ones.
    pub deleted: bool,
}

/// List sort keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DealSort {
    #[default]
    CreatedAt,
    UpdatedAt,
    Title,
    Amount,
    Probability,
    Weighted,
    ExpectedCloseDate,
    NextActionDate,
    Stage,
}

/// Which page of a list, in which order.
#[derive(Debug, Clone, Copy, Default)]
pub struct DealPage {
    pub sort: DealSort,
    pub descending: bool,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Default)]
pub struct DealState {
    pub(crate) pipelines: HashMap<Uuid, Pipeline>,
    pub(crate) deals: HashMap<Uuid, Deal>,
    /// Live deals of each stage, in rank order.
    pub(crate) columns: HashMap<Uuid, BTreeSet<(String, Uuid)>>,
    pub(crate) stage_totals: HashMap<Uuid, Totals>,
    /// Open stages only: the pipeline's forecast.
    pub(crate) pipeline_totals: HashMap<Uuid, Totals>,
    /// Bumped by every change: what a cached board was built from.
    revision: u64,
    /// The revision at which each stage's column last changed (a card in
    /// it added, removed or changed, or its stage changed).
    column_revisions: HashMap<Uuid, u64>,
    /// Tells this state from earlier ones of the same workspace (a reload
    /// starts the revisions again).
    generation: u64,
}

/// Numbers the deal states of this process.
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl DealState {
    pub fn from_parts(pipelines: Vec<Pipeline>, deals: Vec<Deal>) -> Self {
        let mut s = DealState {
            pipelines: pipelines.into_iter().map(|p| (p.id, p)).collect(),
            deals: HashMap::with_capacity(deals.len()),
            generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ..Default::default()
        };
        for d in deals {
            s.insert_deal(d);
        }
        s
    }

    pub fn pipeline(&self, id: Uuid) -> Option<&Pipeline> {
        self.pipelines.get(&id)
    }

    /// Pipelines in their order.
    pub fn pipelines_in_order(&self) -> Vec<Pipeline> {
        let mut v: Vec<Pipeline> = self.pipelines.values().cloned().collect();
        v.sort_by_key(|p| (p.position, p.created_at, p.id));
        v
    }

    pub fn deal(&self, id: Uuid) -> Option<&Deal> {
        self.deals.get(&id)
    }

    pub fn stage(&self, id: Uuid) -> Option<&Stage> {
        self.pipelines.values().find_map(|p| p.stage(id))
    }

    /// Changes with every applied change.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// What a stage's column was built from: equal stamps, equal columns
    /// (at the same time of day: flags follow the clock).
    pub fn column_stamp(&self, stage_id: Uuid) -> (u64, u64) {
        (self.generation, self.column_revisions.get(&stage_id).copied().unwrap_or(0))
    }

    fn touch_column(&mut self, stage_id: Uuid) {
        self.column_revisions.insert(stage_id, self.revision);
    }

    pub fn deal_count(&self) -> usize {
        self.deals.len()
    }

    pub(crate) fn contribution(&self, deal: &Deal) -> Option<Contribution> {
        contribution(deal, |id| self.stage(id).cloned())
    }

    fn insert_deal(&mut self, deal: Deal) {
        self.touch_column(deal.stage_id);
        if let Some(c) = self.contribution(&deal) {
            self.add(&c, 1);
            self.columns.entry(deal.stage_id).or_default().insert((deal.rank.clone(), deal.id));
        }
        self.deals.insert(deal.id, deal);
    }

    fn add(&mut self, c: &Contribution, sign: i64) {
        self.stage_totals.entry(c.stage_id).or_default().add(&c.currency, c.amount, c.weighted, sign);
        if c.open {
            self.pipeline_totals.entry(c.pipeline_id).or_default().add(&c.currency, c.amount, c.weighted, sign);
        }
    }

    /// Applies a committed deal snapshot; older snapshots are ignored.
    pub fn apply_deal(&mut self, deal: Deal) {
        self.revision += 1;
        if let Some(old) = self.deals.remove(&deal.id) {
            if old.version >= deal.version {
                self.deals.insert(old.id, old);
                return;
            }
            self.touch_column(old.stage_id);
            if let Some(c) = self.contribution(&old) {
                self.add(&c, -1);
                if let Some(col) = self.columns.get_mut(&old.stage_id) {
                    col.remove(&(old.rank.clone(), old.id));
                }
            }
        }
        self.insert_deal(deal);
    }

    /// Applies a committed pipeline snapshot (its stages included); older
    /// snapshots are ignored. Totals of its deals are recomputed, since a
    /// stage's probability or kind may have changed.
    pub fn apply_pipeline(&mut self, pipeline: Pipeline) {
        self.revision += 1;
        if self.pipelines.get(&pipeline.id).is_some_and(|p| p.version >= pipeline.version) {
            return;
        }
        let id = pipeline.id;
        let stages = self.pipelines.get(&id).into_iter().flat_map(|p| &p.stages).chain(&pipeline.stages);
        let stages: Vec<Uuid> = stages.map(|s| s.id).collect();
        for s in stages {
            self.stage_totals.remove(&s);
            self.touch_column(s);
        }
        self.pipeline_totals.remove(&id);
        self.pipelines.insert(id, pipeline);
        let contributions: Vec<Contribution> =
            self.deals.values().filter(|d| d.pipeline_id == id).filter_map(|d| self.contribution(d)).collect();
        for c in &contributions {
            self.add(c, 1);
        }
    }

    /// A contact's display name changed: the cards showing it follow.
    pub fn rename_contact(&mut self, contact_id: Uuid, name: Option<String>) {
        self.revision += 1;
        let mut touched = Vec::new();
        for d in self.deals.values_mut().filter(|d| d.contact_id == Some(contact_id)) {
            d.contact_name.clone_from(&name);
            touched.push(d.stage_id);
        }
        touched.into_iter().for_each(|s| self.touch_column(s));
    }

    /// A company's name changed.
    pub fn rename_company(&mut self, company_id: Uuid, name: Option<String>) {
        self.revision += 1;
        let mut touched = Vec::new();
        for d in self.deals.values_mut().filter(|d| d.company_id == Some(company_id)) {
            d.company_name.clone_from(&name);
            touched.push(d.stage_id);
        }
        touched.into_iter().for_each(|s| self.touch_column(s));
    }

    /// An activity was logged on a deal: it is no longer at risk.
    pub fn touch_activity(&mut self, deal_id: Uuid, at: DateTime<Utc>) {
        self.revision += 1;
        if let Some(d) = self.deals.get_mut(&deal_id) {
            if d.last_activity_at.is_none_or(|t| t < at) {
                d.last_activity_at = Some(at);
                let stage = d.stage_id;
                self.touch_column(stage);
            }
        }
    }

    pub fn flags(&self, deal: &Deal, now: DateTime<Utc>) -> DealFlags {
        flags_in(deal, self.stage(deal.stage_id), now)
    }

    pub fn view(&self, deal: &Deal, now: DateTime<Utc>) -> DealView {
        let stage = self.stage(deal.stage_id);
        let probability = stage.map_or(0, |s| effective_probability(deal, s));
        DealView {
            probability,
            weighted: weighted(deal.amount, probability),
            stage_kind: stage.map_or(StageKind::Open, |s| s.kind),
            flags: self.flags(deal, now),
            stage_auto_nurture: stage.is_some_and(|s| s.auto_nurture),
            deal: deal.clone(),
        }
    }

    pub(crate) fn matches(&self, d: &Deal, f: &DealFilter, reader: &Reader, now: DateTime<Utc>) -> bool {
        if d.deleted_at.is_some() != f.deleted || !reader.sees(d) {
            return false;
        }
        if f.pipeline_id.is_some_and(|p| p != d.pipeline_id) || f.stage_id.is_some_and(|s| s != d.stage_id) {
            return false;
        }
        if f.contact_id.is_some_and(|c| d.contact_id != Some(c))
            || f.company_id.is_some_and(|c| d.company_id != Some(c))
        {
            return false;
        }
        if f.owner_id.is_some_and(|o| d.owner_id != Some(o)) {
            return false;
        }
        if f.tag.as_ref().is_some_and(|t| !d.tags.iter().any(|x| x.eq_ignore_ascii_case(t))) {
            return false;
        }
        if f.min_amount.is_some_and(|m| d.amount < m) || f.max_amount.is_some_and(|m| d.amount > m) {
            return false;
        }
        if f.close_from.is_some_and(|c| d.expected_close_date.is_none_or(|x| x < c))
            || f.close_to.is_some_and(|c| d.expected_close_date.is_none_or(|x| x > c))
        {
            return false;
        }
        if f.stale.is_some_and(|s| d.stale(now) != s) || f.at_risk.is_some_and(|s| d.at_risk(now) != s) {
            return false;
        }
        if let Some(q) = f.q.as_deref().map(str::to_lowercase).filter(|q| !q.is_empty()) {
            let hit = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase().contains(&q));
            if !hit(Some(&d.title)) && !hit(d.contact_name.as_deref()) && !hit(d.company_name.as_deref()) {
                return false;
            }
        }
        true
    }

    /// The board of a pipeline, filtered; `None` when there is no such
    /// pipeline. Totals always cover every live deal.
    pub fn board(&self, pipeline_id: Uuid, f: &DealFilter, reader: &Reader, now: DateTime<Utc>) -> Option<Board> {
        let pipeline = self.pipelines.get(&pipeline_id)?;
        let columns = pipeline
            .stages
            .iter()
            .map(|stage| {
                let cards = self
                    .columns
                    .get(&stage.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|(_, id)| self.deals.get(id))
                    .filter(|d| self.matches(d, f, reader, now))
                    .map(|d| card_in(d, Some(stage), now))
                    .collect();
                Column {
                    stage: stage.clone(),
                    totals: self.stage_totals.get(&stage.id).cloned().unwrap_or_default(),
                    cards,
                }
            })
            .collect();
        Some(Board {
            pipeline: pipeline.clone(),
            columns,
            totals: self.pipeline_totals.get(&pipeline_id).cloned().unwrap_or_default(),
            seq: 0,
            epoch: 0,
        })
    }

    /// Deals matching `f`, sorted, one page, and how many matched.
    pub fn list(&self, f: &DealFilter, reader: &Reader, page: DealPage, now: DateTime<Utc>) -> (Vec<DealView>, usize) {
        let DealPage { sort, descending, offset, limit } = page;
        let mut found: Vec<DealView> =
            self.deals.values().filter(|d| self.matches(d, f, reader, now)).map(|d| self.view(d, now)).collect();
        let stage_pos = |v: &DealView| {
            let p = self.pipelines.get(&v.deal.pipeline_id);
            (p.map_or(0, |p| p.position), p.and_then(|p| p.stage(v.deal.stage_id)).map_or(0, |s| s.position))
        };
        found.sort_by(|a, b| {
            let o = match sort {
                DealSort::CreatedAt => a.deal.created_at.cmp(&b.deal.created_at),
                DealSort::UpdatedAt => a.deal.updated_at.cmp(&b.deal.updated_at),
                DealSort::Title => a.deal.title.to_lowercase().cmp(&b.deal.title.to_lowercase()),
                DealSort::Amount => a.deal.amount.cmp(&b.deal.amount),
                DealSort::Probability => a.probability.cmp(&b.probability),
                DealSort::Weighted => a.weighted.cmp(&b.weighted),
                DealSort::ExpectedCloseDate => a.deal.expected_close_date.cmp(&b.deal.expected_close_date),
                DealSort::NextActionDate => a.deal.next_action_date.cmp(&b.deal.next_action_date),
                DealSort::Stage => stage_pos(a).cmp(&stage_pos(b)).then(a.deal.rank.cmp(&b.deal.rank)),
            };
            let o = if descending { o.reverse() } else { o };
            o.then(a.deal.id.cmp(&b.deal.id))
        });
        let total = found.len();
        (found.into_iter().skip(offset).take(limit).collect(), total)
    }
}

/// What `deal` adds to the totals, given a way to find stages.
pub(crate) fn contribution(deal: &Deal, stage: impl Fn(Uuid) -> Option<Stage>) -> Option<Contribution> {
    if deal.deleted_at.is_some() {
        return None;
    }
    let stage = stage(deal.stage_id)?;
    let p = effective_probability(deal, &stage);
    Some(Contribution {
        stage_id: stage.id,
        pipeline_id: deal.pipeline_id,
        open: stage.kind == StageKind::Open,
        currency: deal.currency.clone(),
        amount: deal.amount,
        weighted: weighted(deal.amount, p),
    })
}

/// The flags of `deal` in `stage` (its own stage) at `now`.
pub(crate) fn flags_in(deal: &Deal, stage: Option<&Stage>, now: DateTime<Utc>) -> DealFlags {
    let sla_breached = stage
        .and_then(|s| s.sla_days)
        .is_some_and(|days| now - deal.stage_entered_at > chrono::Duration::days(i64::from(days)));
    DealFlags { stale: deal.stale(now), at_risk: deal.at_risk(now), sla_breached }
}

/// The card of `deal` in `stage` (its own stage) at `now`.
pub(crate) fn card_in(deal: &Deal, stage: Option<&Stage>, now: DateTime<Utc>) -> Card {
    let probability = stage.map_or(0, |s| effective_probability(deal, s));
    Card {
        id: deal.id,
        stage_id: deal.stage_id,
        title: deal.title.clone(),
        amount: deal.amount,
        currency: deal.currency.clone(),
        probability,
        weighted: weighted(deal.amount, probability),
        owner_id: deal.owner_id,
        contact_name: deal.contact_name.clone(),
        company_name: deal.company_name.clone(),
        next_action_date: deal.next_action_date,
        expected_close_date: deal.expected_close_date,
        tags: deal.tags.clone(),
        flags: flags_in(deal, stage, now),
        rank: deal.rank.clone(),
        version: deal.version,
    }
}
