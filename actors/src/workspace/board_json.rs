//! Encodes boards as JSON, reusing each card's bytes while the card is
//! unchanged.
//!
//! Serializing a board of 10,000 cards (4.4 MB) was most of the cost of
//! rebuilding it after a change, though a change touches one or two
//! cards. [`CardBytes`] keeps every card's encoding next to the card it
//! encodes; a rebuild compares each freshly built card with the kept one
//! (cheap: a few strings) and copies the kept bytes when they are equal.
//! A card's content (flags included, which follow the clock) is compared
//! whole, so nothing can go stale: a card that differs in anything is
//! encoded again.

use std::collections::HashMap;

use uuid::Uuid;

use crate::deals::{Board, Card};

/// The encodings of the cards of the workspace's recent boards.
#[derive(Default)]
pub(super) struct CardBytes {
    entries: HashMap<Uuid, (Card, Vec<u8>)>,
}

impl CardBytes {
    /// `board` as JSON: the same document `serde_json::to_vec(board)`
    /// gives. `deals` (how many the workspace holds) bounds what is kept:
    /// past twice that, the kept cards are dropped and rebuilt on demand.
    pub fn encode(&mut self, board: &Board, deals: usize) -> Result<Vec<u8>, serde_json::Error> {
        if self.entries.len() > 2 * deals + 1024 {
            self.entries.clear();
        }
        let cards: usize = board.columns.iter().map(|c| c.cards.len()).sum();
        let mut out = Vec::with_capacity(4096 + cards * 480);
        out.extend_from_slice(b"{\"pipeline\":");
        serde_json::to_writer(&mut out, &board.pipeline)?;
        out.extend_from_slice(b",\"columns\":[");
        for (i, column) in board.columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"stage\":");
            serde_json::to_writer(&mut out, &column.stage)?;
            out.extend_from_slice(b",\"totals\":");
            serde_json::to_writer(&mut out, &column.totals)?;
            out.extend_from_slice(b",\"cards\":[");
            for (j, card) in column.cards.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                match self.entries.get(&card.id) {
                    Some((kept, bytes)) if kept == card => out.extend_from_slice(bytes),
                    _ => {
                        let bytes = serde_json::to_vec(card)?;
                        out.extend_from_slice(&bytes);
                        self.entries.insert(card.id, (card.clone(), bytes));
                    }
                }
            }
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"],\"totals\":");
        serde_json::to_writer(&mut out, &board.totals)?;
        out.extend_from_slice(b",\"seq\":");
        serde_json::to_writer(&mut out, &board.seq)?;
        out.extend_from_slice(b",\"epoch\":");
        serde_json::to_writer(&mut out, &board.epoch)?;
        out.push(b'}');
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::{Column, DealFlags, Pipeline, Stage, StageKind, Totals};
    use chrono::Utc;
    use serde_json::Value;

    fn card(stage_id: Uuid, title: &str) -> Card {
        Card {
            id: Uuid::now_v7(),
            stage_id,
            title: title.into(),
            amount: 1000,
            currency: "USD".into(),
            probability: 10,
            weighted: 100,
            owner_id: None,
            contact_name: Some("Ann \"quoted\" \u{1F600}".into()),
            company_name: None,
            next_action_date: None,
            expected_close_date: None,
            tags: vec!["a".into()],
            flags: DealFlags::default(),
            rank: "m".into(),
            version: 1,
        }
    }

    fn board() -> Board {
        let pid = Uuid::now_v7();
        let stage = |name: &str, position| Stage {
            id: Uuid::now_v7(),
            pipeline_id: pid,
            name: name.into(),
            position,
            probability: 10,
            color: "#123456".into(),
            kind: StageKind::Open,
            sla_days: Some(3),
            auto_nurture: false,
            version: 1,
        };
        let (a, b) = (stage("A", 0), stage("B", 1));
        let mut totals = Totals::default();
        totals.add("USD", 1000, 100, 1);
        let columns = vec![
            Column { stage: a.clone(), totals: totals.clone(), cards: vec![card(a.id, "one"), card(a.id, "two")] },
            Column { stage: b.clone(), totals: Totals::default(), cards: Vec::new() },
        ];
        let pipeline = Pipeline {
            id: pid,
            name: "P".into(),
            position: 0,
            archived: false,
            stages: vec![a, b],
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        Board { pipeline, columns, totals, seq: 42, epoch: 7 }
    }

    fn same(cache: &mut CardBytes, board: &Board) {
        let ours: Value = serde_json::from_slice(&cache.encode(board, 10).unwrap_or_default()).unwrap_or_default();
        let serde: Value = serde_json::to_value(board).unwrap_or_default();
        assert_eq!(ours, serde);
    }

    #[test]
    fn the_document_is_the_one_serde_writes_before_and_after_a_card_changes() {
        let mut cache = CardBytes::default();
        let mut b = board();
        same(&mut cache, &b);
        same(&mut cache, &b); // from the kept bytes
        b.columns[0].cards[1].title = "changed".into();
        b.columns[0].cards[0].flags.stale = true;
        same(&mut cache, &b);
        // A card moved to the other column keeps its id; its stage differs.
        let mut moved = b.columns[0].cards.remove(0);
        moved.stage_id = b.columns[1].stage.id;
        b.columns[1].cards.push(moved);
        same(&mut cache, &b);
    }
}
