//! Encodes boards as JSON straight from the deal state, reusing each
//! card's bytes while the card is unchanged.
//!
//! Serializing a board of 10,000 cards (4.4 MB) was most of the cost of
//! rebuilding it after a change, though a change touches one or two
//! cards. [`CardBytes`] keeps every card's encoding with a fingerprint of
//! what it was built from; a rebuild walks the columns in rank order and,
//! for each deal, compares the fingerprint (the deal's version, which
//! every committed change bumps, plus what a card takes from elsewhere:
//! the stage's probability, the time-dependent flags, and the contact and
//! company names that renames change without a new version) and copies
//! the kept bytes when it matches. No card is built for an unchanged deal.
//! The document is the one `serde_json::to_vec(&state.board(..))` gives.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::deals::state::{card_in, effective_probability, flags_in};
use crate::deals::{Deal, DealFilter, DealFlags, DealState, Pipeline, Reader, Stage};

/// What a kept card was built from.
#[derive(PartialEq)]
struct Fingerprint {
    version: i64,
    probability: i16,
    flags: DealFlags,
    contact_name: Option<String>,
    company_name: Option<String>,
}

impl Fingerprint {
    fn matches(&self, deal: &Deal, probability: i16, flags: DealFlags) -> bool {
        self.version == deal.version
            && self.probability == probability
            && self.flags == flags
            && self.contact_name == deal.contact_name
            && self.company_name == deal.company_name
    }
}

/// The encodings of the cards of the workspace's recent boards.
#[derive(Default)]
pub(crate) struct CardBytes {
    entries: HashMap<Uuid, (Fingerprint, Vec<u8>)>,
    /// The encoded cards of whole columns of unfiltered boards, by stage
    /// and reader class (everyone who sees all deals, or one rep).
    columns: HashMap<(Uuid, bool, Option<Uuid>), KeptColumn>,
}

/// A column's cards, comma-separated, and what they were built from.
struct KeptColumn {
    stamp: (u64, u64),
    built: Instant,
    bytes: Vec<u8>,
}

/// How long a kept column may be reused: its cards' stale, at-risk and
/// SLA flags follow the clock (at day granularity), so they are
/// recomputed at least this often. The actor's whole-board cache has the
/// same bound.
const COLUMN_TTL: Duration = Duration::from_secs(60);

/// Where a board stands in the stream.
pub(crate) struct Position {
    pub seq: i64,
    pub epoch: i64,
}

impl CardBytes {
    /// The board of `pipeline_id` as JSON, filtered for `reader`; `None`
    /// when there is no such pipeline. What is kept is bounded by the
    /// number of deals: past twice that, it is dropped and rebuilt.
    pub fn encode(
        &mut self,
        state: &DealState,
        pipeline_id: Uuid,
        filter: &DealFilter,
        reader: &Reader,
        now: DateTime<Utc>,
        at: Position,
    ) -> Option<Result<Vec<u8>, serde_json::Error>> {
        let pipeline = state.pipelines.get(&pipeline_id)?;
        if self.entries.len() > 2 * state.deal_count() + 1024 {
            self.entries.clear();
        }
        if self.columns.len() > 256 {
            self.columns.clear();
        }
        Some(self.write(state, pipeline, filter, reader, now, at))
    }

    fn write(
        &mut self,
        state: &DealState,
        pipeline: &Pipeline,
        filter: &DealFilter,
        reader: &Reader,
        now: DateTime<Utc>,
        at: Position,
    ) -> Result<Vec<u8>, serde_json::Error> {
        let cards: usize = pipeline.stages.iter().filter_map(|s| state.columns.get(&s.id)).map(|c| c.len()).sum();
        let mut out = Vec::with_capacity(4096 + cards * 480);
        out.extend_from_slice(b"{\"pipeline\":");
        serde_json::to_writer(&mut out, pipeline)?;
        out.extend_from_slice(b",\"columns\":[");
        for (i, stage) in pipeline.stages.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"stage\":");
            serde_json::to_writer(&mut out, stage)?;
            out.extend_from_slice(b",\"totals\":");
            serde_json::to_writer(&mut out, &state.stage_totals.get(&stage.id).cloned().unwrap_or_default())?;
            out.extend_from_slice(b",\"cards\":[");
            if *filter == DealFilter::default() {
                let key = (stage.id, reader.sees_all, reader.user_id);
                let stamp = state.column_stamp(stage.id);
                let kept = self.columns.get(&key).filter(|c| c.stamp == stamp && c.built.elapsed() < COLUMN_TTL);
                if kept.is_none() {
                    let mut bytes = Vec::new();
                    self.cards(&mut bytes, state, stage, filter, reader, now)?;
                    self.columns.insert(key, KeptColumn { stamp, built: Instant::now(), bytes });
                }
                if let Some(c) = self.columns.get(&key) {
                    out.extend_from_slice(&c.bytes);
                }
            } else {
                self.cards(&mut out, state, stage, filter, reader, now)?;
            }
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"],\"totals\":");
        serde_json::to_writer(&mut out, &state.pipeline_totals.get(&pipeline.id).cloned().unwrap_or_default())?;
        out.extend_from_slice(b",\"seq\":");
        serde_json::to_writer(&mut out, &at.seq)?;
        out.extend_from_slice(b",\"epoch\":");
        serde_json::to_writer(&mut out, &at.epoch)?;
        out.push(b'}');
        Ok(out)
    }

    /// The cards of `stage` that `reader` sees and `filter` keeps, in rank
    /// order, comma-separated, appended to `out`.
    fn cards(
        &mut self,
        out: &mut Vec<u8>,
        state: &DealState,
        stage: &Stage,
        filter: &DealFilter,
        reader: &Reader,
        now: DateTime<Utc>,
    ) -> Result<(), serde_json::Error> {
        let mut first = true;
        let deals = state.columns.get(&stage.id).into_iter().flatten().filter_map(|(_, id)| state.deals.get(id));
        for deal in deals.filter(|d| state.matches(d, filter, reader, now)) {
            if !first {
                out.push(b',');
            }
            first = false;
            let probability = effective_probability(deal, stage);
            let flags = flags_in(deal, Some(stage), now);
            match self.entries.get(&deal.id) {
                Some((kept, bytes)) if kept.matches(deal, probability, flags) => out.extend_from_slice(bytes),
                _ => {
                    let bytes = serde_json::to_vec(&card_in(deal, Some(stage), now))?;
                    out.extend_from_slice(&bytes);
                    let kept = Fingerprint {
                        version: deal.version,
                        probability,
                        flags,
                        contact_name: deal.contact_name.clone(),
                        company_name: deal.company_name.clone(),
                    };
                    self.entries.insert(deal.id, (kept, bytes));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::StageKind;
    use serde_json::Value;

    fn stage(pipeline_id: Uuid, name: &str, position: i32) -> Stage {
        Stage {
            id: Uuid::now_v7(),
            pipeline_id,
            name: name.into(),
            position,
            probability: 10,
            color: "#123456".into(),
            kind: StageKind::Open,
            sla_days: Some(3),
            auto_nurture: false,
            version: 1,
        }
    }

    fn deal(stage: &Stage, title: &str, rank: &str, contact: Uuid) -> Deal {
        let now = Utc::now();
        Deal {
            id: Uuid::now_v7(),
            pipeline_id: stage.pipeline_id,
            stage_id: stage.id,
            title: title.into(),
            amount: 1000,
            currency: "USD".into(),
            probability_override: None,
            expected_close_date: None,
            next_action: None,
            next_action_date: None,
            owner_id: None,
            contact_id: Some(contact),
            contact_name: Some("Ann \"quoted\" \u{1F600}".into()),
            company_id: None,
            company_name: None,
            tags: vec!["a".into()],
            shared_with: Vec::new(),
            custom_fields: serde_json::json!({}),
            lost_reason: None,
            won_at: None,
            lost_at: None,
            rank: rank.into(),
            stage_entered_at: now,
            last_activity_at: None,
            line_items: Vec::new(),
            created_by: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        }
    }

    /// Compares the encoder with serde over the same state.
    fn same(cache: &mut CardBytes, state: &DealState, pipeline_id: Uuid) {
        let reader = Reader { user_id: None, sees_all: true };
        let f = DealFilter::default();
        let now = Utc::now();
        let ours = cache.encode(state, pipeline_id, &f, &reader, now, Position { seq: 42, epoch: 7 });
        let ours: Value = serde_json::from_slice(&ours.and_then(Result::ok).unwrap_or_default()).unwrap_or_default();
        let mut board = state.board(pipeline_id, &f, &reader, now);
        assert!(board.is_some(), "the pipeline exists");
        if let Some(b) = board.as_mut() {
            (b.seq, b.epoch) = (42, 7);
        }
        assert_eq!(ours, serde_json::to_value(&board).unwrap_or_default());
    }

    #[test]
    fn the_document_is_the_one_serde_writes_across_changes_and_renames() {
        let pid = Uuid::now_v7();
        let (a, b) = (stage(pid, "A", 0), stage(pid, "B", 1));
        let pipeline = crate::deals::Pipeline {
            id: pid,
            name: "P".into(),
            position: 0,
            archived: false,
            stages: vec![a.clone(), b.clone()],
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let contact = Uuid::now_v7();
        let (one, two) = (deal(&a, "one", "m", contact), deal(&a, "two", "n", Uuid::now_v7()));
        let mut state = DealState::from_parts(vec![pipeline.clone()], vec![one.clone(), two.clone()]);
        let mut cache = CardBytes::default();
        same(&mut cache, &state, pid);
        same(&mut cache, &state, pid); // from the kept bytes
                                       // A new version: the title changes and the card moves to B.
        let mut moved = two.clone();
        moved.title = "changed".into();
        moved.stage_id = b.id;
        moved.version = 2;
        state.apply_deal(moved);
        same(&mut cache, &state, pid);
        // A rename changes a card without a new version.
        state.rename_contact(contact, Some("Bea".into()));
        same(&mut cache, &state, pid);
        // An activity clears the at-risk flag without a new version.
        let mut old = deal(&a, "old", "l", Uuid::now_v7());
        old.created_at = Utc::now() - chrono::Duration::days(30);
        let old_id = old.id;
        state.apply_deal(old);
        same(&mut cache, &state, pid);
        state.touch_activity(old_id, Utc::now());
        same(&mut cache, &state, pid);
        // So does a stage's probability.
        let mut p2 = pipeline.clone();
        p2.stages[0].probability = 55;
        p2.version = 2;
        state.apply_pipeline(p2);
        same(&mut cache, &state, pid);
        // An unknown pipeline has no board.
        let reader = Reader { user_id: None, sees_all: true };
        let pos = Position { seq: 0, epoch: 0 };
        assert!(cache.encode(&state, Uuid::now_v7(), &DealFilter::default(), &reader, Utc::now(), pos).is_none());
    }
}
