//! The lead state a workspace actor holds: every lead (converted and
//! deleted ones included), the custom sources and the scoring weights.
//! Like deals, only committed snapshots are applied, and an older or equal
//! version is ignored.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::model::*;
use super::score::Weights;

/// A custom source.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize, utoipa::ToSchema)]
pub struct Source {
    pub slug: String,
    pub label: String,
    pub archived: bool,
    /// Built-in sources cannot be archived or changed.
    pub built_in: bool,
}

#[derive(Debug, Default)]
pub struct LeadState {
    pub(crate) leads: HashMap<Uuid, Lead>,
    pub(crate) sources: Vec<Source>,
    pub(crate) weights: Weights,
}

/// Who reads: reps see the leads they own; everyone else every lead.
#[derive(Debug, Clone, Copy)]
pub struct LeadReader {
    pub user_id: Option<Uuid>,
    pub sees_all: bool,
}

impl LeadReader {
    pub fn sees(&self, l: &Lead) -> bool {
        self.sees_all || (self.user_id.is_some() && l.owner_id == self.user_id)
    }
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    /// Name, email or company, case-insensitive.
    pub q: Option<String>,
    pub status: Option<LeadStatus>,
    pub source: Option<String>,
    pub owner_id: Option<Uuid>,
    pub stale: Option<bool>,
    pub band: Option<Band>,
    /// Leads carrying this tag (case-insensitive).
    pub tag: Option<String>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    /// Stale or overdue leads only (the "needs attention" list).
    pub needs_attention: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadSort {
    #[default]
    CreatedAt,
    UpdatedAt,
    Name,
    Score,
    NextActionDate,
    EstimatedValue,
}

/// Which page, in which order.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeadPage {
    pub sort: LeadSort,
    pub descending: bool,
    pub offset: usize,
    pub limit: usize,
}

impl LeadState {
    pub fn from_parts(leads: Vec<Lead>, custom: Vec<Source>, weights: Weights) -> Self {
        let mut sources: Vec<Source> = BUILT_IN_SOURCES
            .iter()
            .map(|s| Source { slug: (*s).into(), label: label_of(s), archived: false, built_in: true })
            .collect();
        sources.extend(custom);
        LeadState { leads: leads.into_iter().map(|l| (l.id, l)).collect(), sources, weights }
    }

    pub fn lead(&self, id: Uuid) -> Option<&Lead> {
        self.leads.get(&id)
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// Whether `slug` names a source (archived ones stay valid on old
    /// leads but take no new ones).
    pub fn source_usable(&self, slug: &str) -> bool {
        self.sources.iter().any(|s| s.slug == slug && !s.archived)
    }

    pub fn apply_lead(&mut self, lead: Lead) {
        if self.leads.get(&lead.id).is_some_and(|l| l.version >= lead.version) {
            return;
        }
        self.leads.insert(lead.id, lead);
    }

    pub fn apply_source(&mut self, source: Source) {
        match self.sources.iter_mut().find(|s| s.slug == source.slug) {
            Some(s) => *s = source,
            None => self.sources.push(source),
        }
    }

    pub fn apply_weights(&mut self, w: Weights) {
        self.weights = w;
    }

    fn matches(&self, l: &Lead, f: &LeadFilter, r: &LeadReader, now: DateTime<Utc>) -> bool {
        if l.deleted_at.is_some() || !r.sees(l) {
            return false;
        }
        if f.status.is_some_and(|s| s != l.status)
            || f.source.as_ref().is_some_and(|s| *s != l.source)
            || f.owner_id.is_some_and(|o| l.owner_id != Some(o))
            || f.band.is_some_and(|b| b != Band::of(l.score))
            || f.tag.as_ref().is_some_and(|t| !l.tags.iter().any(|x| x.eq_ignore_ascii_case(t.trim())))
            || f.stale.is_some_and(|s| l.stale(now) != s)
            || f.created_from.is_some_and(|d| l.created_at.date_naive() < d)
            || f.created_to.is_some_and(|d| l.created_at.date_naive() > d)
            || (f.needs_attention && !(l.stale(now) || l.overdue(now.date_naive())))
        {
            return false;
        }
        if let Some(q) = f.q.as_deref().map(str::to_lowercase).filter(|q| !q.is_empty()) {
            let hit = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase().contains(&q));
            if !hit(Some(&l.name())) && !hit(l.email.as_deref()) && !hit(l.company_name.as_deref()) {
                return false;
            }
        }
        true
    }

    pub fn list(&self, f: &LeadFilter, r: &LeadReader, page: LeadPage, now: DateTime<Utc>) -> (Vec<LeadView>, usize) {
        let mut found: Vec<&Lead> = self.leads.values().filter(|l| self.matches(l, f, r, now)).collect();
        found.sort_by(|a, b| {
            let o = match page.sort {
                LeadSort::CreatedAt => a.created_at.cmp(&b.created_at),
                LeadSort::UpdatedAt => a.updated_at.cmp(&b.updated_at),
                LeadSort::Name => a.name().to_lowercase().cmp(&b.name().to_lowercase()),
                LeadSort::Score => a.score.cmp(&b.score),
                LeadSort::NextActionDate => a.next_action_date.cmp(&b.next_action_date),
                LeadSort::EstimatedValue => a.estimated_value.cmp(&b.estimated_value),
            };
            let o = if page.descending { o.reverse() } else { o };
            o.then(a.id.cmp(&b.id))
        });
        let total = found.len();
        let page: Vec<LeadView> =
            found.into_iter().skip(page.offset).take(page.limit).map(|l| LeadView::of(l, now)).collect();
        (page, total)
    }
}

/// "paid_ads" -> "Paid ads".
fn label_of(slug: &str) -> String {
    let s = slug.replace('_', " ");
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
