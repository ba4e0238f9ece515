//! Property tests of the stage state machine and the staged planner, in
//! memory: random batches of writes by random callers are planned and
//! "committed" the way the writer does (snapshots applied to the state),
//! and the invariants are checked after every batch.

use std::collections::{HashMap, HashSet};

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::command::{
    default_stages, Caller, Command, DealChanges, DealError, NewDeal, NewLine, Origin, Outcome, Staged,
};
use super::model::*;
use super::state::{DealFilter, DealState, Reader};
use crate::event::{ActorKind, ActorRef};

#[derive(Debug, Clone)]
enum Op {
    Create { who: usize, stage: usize },
    Move { who: usize, deal: usize, stage: usize, reason: bool, neighbour: Option<(usize, bool)> },
    Amount { who: usize, deal: usize, amount: i64, probability: Option<i16> },
    Delete { who: usize, deal: usize },
    Restore { who: usize, deal: usize },
    Line { who: usize, deal: usize, price: i64, qty: i32, bp: i32 },
    Merge { who: usize, keep: usize, other: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..5usize).prop_map(|(who, stage)| Op::Create { who, stage }),
        (0..3usize, 0..40usize, 0..5usize, any::<bool>(), proptest::option::of((0..40usize, any::<bool>())))
            .prop_map(|(who, deal, stage, reason, neighbour)| Op::Move { who, deal, stage, reason, neighbour }),
        (0..3usize, 0..40usize, 0..1_000_000i64, proptest::option::of(0..=100i16))
            .prop_map(|(who, deal, amount, probability)| Op::Amount { who, deal, amount, probability }),
        (0..3usize, 0..40usize).prop_map(|(who, deal)| Op::Delete { who, deal }),
        (0..3usize, 0..40usize).prop_map(|(who, deal)| Op::Restore { who, deal }),
        (0..3usize, 0..40usize, 0..100_000i64, 1..50i32, 0..=10_000i32)
            .prop_map(|(who, deal, price, qty, bp)| Op::Line { who, deal, price, qty, bp }),
        (0..3usize, 0..40usize, 0..40usize).prop_map(|(who, keep, other)| Op::Merge { who, keep, other }),
    ]
}

struct World {
    state: DealState,
    /// Kept card encodings, reused across batches as the actor does.
    cards: crate::workspace::board_json::CardBytes,
    callers: Vec<Caller>,
    stages: Vec<Stage>,
    deals: Vec<Uuid>,
}

fn caller(id: Uuid, edit_any: bool) -> Caller {
    Caller { actor: ActorRef { kind: ActorKind::User, id }, user_id: Some(id), edit_any, origin: Origin::default() }
}

impl World {
    fn new() -> Self {
        let pid = Uuid::now_v7();
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
        let stages: Vec<Stage> = default_stages()
            .into_iter()
            .enumerate()
            .map(|(i, s)| Stage {
                id: Uuid::now_v7(),
                pipeline_id: pid,
                name: s.name,
                position: i as i32,
                probability: s.probability,
                color: s.color,
                kind: s.kind,
                sla_days: None,
                auto_nurture: false,
                version: 1,
            })
            .collect();
        let pipeline = Pipeline {
            id: pid,
            name: "Sales".into(),
            position: 0,
            archived: false,
            stages: stages.clone(),
            version: 1,
            created_at: at,
            updated_at: at,
        };
        // Two reps and a manager.
        let callers = vec![caller(Uuid::now_v7(), false), caller(Uuid::now_v7(), false), caller(Uuid::now_v7(), true)];
        World {
            state: DealState::from_parts(vec![pipeline], Vec::new()),
            cards: Default::default(),
            callers,
            stages,
            deals: Vec::new(),
        }
    }

    fn deal(&self, i: usize) -> Uuid {
        self.deals.get(i % self.deals.len().max(1)).copied().unwrap_or_else(Uuid::nil)
    }

    fn command(&self, op: &Op) -> (usize, Command) {
        match *op {
            Op::Create { who, stage } => {
                let stage = &self.stages[stage];
                let new = NewDeal {
                    title: "d".into(),
                    amount: 1000,
                    currency: if stage.position % 2 == 0 { "USD".into() } else { "EUR".into() },
                    pipeline_id: None,
                    stage_id: Some(stage.id),
                    probability: None,
                    expected_close_date: None,
                    next_action: None,
                    next_action_date: None,
                    owner_id: None,
                    contact: None,
                    company: None,
                    tags: Vec::new(),
                    shared_with: Vec::new(),
                    custom_fields: serde_json::json!({}),
                };
                (who, Command::CreateDeal(Box::new(new)))
            }
            Op::Move { who, deal, stage, reason, neighbour } => {
                let (before_id, after_id) = match neighbour {
                    Some((n, true)) => (Some(self.deal(n)), None),
                    Some((n, false)) => (None, Some(self.deal(n))),
                    None => (None, None),
                };
                let lost_reason = reason.then(|| "lost".to_owned());
                let stage_id = self.stages[stage].id;
                (who, Command::MoveDeal { id: self.deal(deal), stage_id, lost_reason, before_id, after_id })
            }
            Op::Amount { who, deal, amount, probability } => {
                let changes =
                    DealChanges { amount: Some(amount), probability: Some(probability), ..Default::default() };
                (who, Command::UpdateDeal { id: self.deal(deal), changes: Box::new(changes), if_version: None })
            }
            Op::Delete { who, deal } => (who, Command::DeleteDeal { id: self.deal(deal) }),
            Op::Restore { who, deal } => (who, Command::RestoreDeal { id: self.deal(deal) }),
            Op::Line { who, deal, price, qty, bp } => {
                let line = NewLine { name: "l".into(), unit_price: price, quantity: qty, discount_bp: bp };
                (who, Command::AddLine { deal_id: self.deal(deal), line })
            }
            Op::Merge { who, keep, other } => {
                (who, Command::MergeDeals { keep: self.deal(keep), merged: vec![self.deal(other)] })
            }
        }
    }

    /// Plans one batch and applies it like a committed one.
    fn run_batch(&mut self, ops: &[Op]) -> Result<(), TestCaseError> {
        let now = Utc::now();
        let leads = crate::leads::LeadState::default();
        let mut staged = Staged::new(&self.state, &leads, now);
        let mut created = Vec::new();
        for op in ops {
            let (who, cmd) = self.command(op);
            let caller = self.callers[who].clone();
            let before = match &cmd {
                Command::MoveDeal { id, .. } => staged.deal(*id).cloned(),
                _ => None,
            };
            let target_kind = match &cmd {
                Command::MoveDeal { stage_id, .. } => staged.stage(*stage_id).map(|s| s.kind),
                _ => None,
            };
            let result = staged.plan(&caller, cmd);
            if let (Op::Move { reason, stage, .. }, Some(old)) = (op, &before) {
                let from_kind = staged.stage(old.stage_id).map(|s| s.kind);
                let moving = old.stage_id != self.stages[*stage].id;
                if moving && old.deleted_at.is_none() && caller.may_touch(old) {
                    // A rep reopening a closed deal is always refused.
                    if from_kind != Some(StageKind::Open) && !caller.edit_any {
                        prop_assert!(matches!(result, Err(DealError::Forbidden(_))), "rep reopened: {result:?}");
                    } else if (target_kind == Some(StageKind::Lost)) != *reason {
                        // Lost needs a reason; any other stage refuses one.
                        prop_assert!(
                            matches!(result, Err(DealError::Invalid { field: "lost_reason", .. })),
                            "{result:?}"
                        );
                    } else {
                        prop_assert!(result.is_ok(), "a valid move was refused: {result:?}");
                    }
                }
            }
            if let (Op::Merge { keep, other, .. }, Ok(_)) = (op, &result) {
                // Only managers merge; the merged deal is gone, the kept one live.
                prop_assert!(caller.edit_any, "a rep merged deals");
                prop_assert!(staged.deal(self.deal(*other)).is_some_and(|d| d.deleted_at.is_some()));
                prop_assert!(staged.deal(self.deal(*keep)).is_some_and(|d| d.deleted_at.is_none()));
            }
            if let Op::Merge { keep, other, .. } = op {
                if self.deal(*keep) == self.deal(*other) {
                    prop_assert!(result.is_err(), "a deal merged into itself");
                }
            }
            if let Ok(Outcome::Deal(d)) = &result {
                if matches!(op, Op::Create { .. }) {
                    created.push(d.deal.id);
                }
            }
        }
        let deals: Vec<Deal> = staged.deals.values().cloned().collect();
        let pipelines: Vec<Pipeline> = staged.pipelines.values().cloned().collect();
        drop(staged);
        for p in pipelines {
            self.state.apply_pipeline(p);
        }
        for d in deals {
            self.state.apply_deal(d);
        }
        self.deals.extend(created);
        self.check()
    }

    fn check(&mut self) -> Result<(), TestCaseError> {
        let kinds: HashMap<Uuid, StageKind> = self.stages.iter().map(|s| (s.id, s.kind)).collect();
        for d in self.state.deals.values() {
            match kinds[&d.stage_id] {
                StageKind::Lost => prop_assert!(d.lost_reason.is_some() && d.lost_at.is_some() && d.won_at.is_none()),
                StageKind::Won => prop_assert!(d.won_at.is_some() && d.lost_at.is_none() && d.lost_reason.is_none()),
                StageKind::Open => prop_assert!(d.won_at.is_none() && d.lost_at.is_none() && d.lost_reason.is_none()),
            }
            if !d.line_items.is_empty() {
                prop_assert_eq!(d.amount, d.line_items.iter().map(|l| l.total).sum::<i64>());
            }
        }
        // Ranks: unique per column, and the columns hold exactly the live deals.
        let mut per_stage: HashMap<Uuid, HashSet<String>> = HashMap::new();
        for d in self.state.deals.values().filter(|d| d.deleted_at.is_none()) {
            prop_assert!(per_stage.entry(d.stage_id).or_default().insert(d.rank.clone()), "rank collision in a column");
            prop_assert!(super::rank::is_valid(&d.rank));
        }
        let in_columns: usize = self.state.columns.values().map(|c| c.len()).sum();
        prop_assert_eq!(in_columns, self.state.deals.values().filter(|d| d.deleted_at.is_none()).count());
        // Incremental totals equal totals computed from scratch.
        let fresh = DealState::from_parts(
            self.state.pipelines.values().cloned().collect(),
            self.state.deals.values().cloned().collect(),
        );
        let nonzero = |m: &HashMap<Uuid, Totals>| -> HashMap<Uuid, Totals> {
            m.iter().filter(|(_, t)| t.count != 0).map(|(k, v)| (*k, v.clone())).collect()
        };
        prop_assert_eq!(nonzero(&self.state.stage_totals), nonzero(&fresh.stage_totals));
        prop_assert_eq!(nonzero(&self.state.pipeline_totals), nonzero(&fresh.pipeline_totals));
        // The board the actor encodes from kept card bytes is the one serde
        // writes, for everyone and for a rep.
        let now = Utc::now();
        let pid = self.stages[0].pipeline_id;
        for reader in
            [Reader { user_id: None, sees_all: true }, Reader { user_id: self.callers[0].user_id, sees_all: false }]
        {
            let f = DealFilter::default();
            let at = crate::workspace::board_json::Position { seq: 1, epoch: 1 };
            let ours = self.cards.encode(&self.state, pid, &f, &reader, now, at).and_then(Result::ok);
            let ours: Option<serde_json::Value> = ours.and_then(|b| serde_json::from_slice(&b).ok());
            let mut board = self.state.board(pid, &f, &reader, now);
            if let Some(b) = board.as_mut() {
                (b.seq, b.epoch) = (1, 1);
            }
            prop_assert_eq!(ours, board.and_then(|b| serde_json::to_value(b).ok()));
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_batches_keep_every_invariant(batches in proptest::collection::vec(proptest::collection::vec(op(), 1..8), 1..30)) {
        let mut w = World::new();
        for batch in &batches {
            w.run_batch(batch)?;
        }
    }
}
