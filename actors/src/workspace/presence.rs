//! Presence: who is looking at a resource right now. Held by the workspace
//! actor, never persisted. Joins and leaves are coalesced: changes made
//! within one flush window go out as one `presence_diff` per subscriber,
//! and a join followed by a leave in the same window cancel out, so a
//! burst of N joins costs O(N) frames, not O(N^2).

use std::collections::HashMap;

use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Presence {
    /// Topic -> user -> that user's connections present there.
    here: HashMap<String, HashMap<Uuid, usize>>,
    /// Topic -> user -> joined (true) or left (false), not yet broadcast.
    pending: HashMap<String, HashMap<Uuid, bool>>,
}

/// The net change of one topic over a flush window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub topic: String,
    pub joins: Vec<Uuid>,
    pub leaves: Vec<Uuid>,
}

impl Presence {
    /// One more connection of `user` on `topic`.
    pub fn join(&mut self, topic: &str, user: Uuid) {
        let n = self.here.entry(topic.to_owned()).or_default().entry(user).or_default();
        *n += 1;
        if *n == 1 {
            self.note(topic, user, true);
        }
    }

    /// One connection fewer of `user` on `topic`.
    pub fn leave(&mut self, topic: &str, user: Uuid) {
        let Some(users) = self.here.get_mut(topic) else { return };
        let Some(n) = users.get_mut(&user) else { return };
        *n -= 1;
        if *n == 0 {
            users.remove(&user);
            if users.is_empty() {
                self.here.remove(topic);
            }
            self.note(topic, user, false);
        }
    }

    fn note(&mut self, topic: &str, user: Uuid, joined: bool) {
        let changes = self.pending.entry(topic.to_owned()).or_default();
        match changes.get(&user) {
            // The opposite change is still pending: they cancel out.
            Some(prev) if *prev != joined => {
                changes.remove(&user);
            }
            _ => {
                changes.insert(user, joined);
            }
        }
    }

    /// Everyone present on `topic`, sorted.
    pub fn users(&self, topic: &str) -> Vec<Uuid> {
        let mut users: Vec<Uuid> = self.here.get(topic).map(|u| u.keys().copied().collect()).unwrap_or_default();
        users.sort();
        users
    }

    pub fn has_pending(&self) -> bool {
        self.pending.values().any(|c| !c.is_empty())
    }

    /// The coalesced changes since the last flush.
    pub fn take_diffs(&mut self) -> Vec<Diff> {
        let mut out = Vec::new();
        for (topic, changes) in self.pending.drain() {
            let mut joins: Vec<Uuid> = changes.iter().filter(|(_, j)| **j).map(|(u, _)| *u).collect();
            let mut leaves: Vec<Uuid> = changes.iter().filter(|(_, j)| !**j).map(|(u, _)| *u).collect();
            if joins.is_empty() && leaves.is_empty() {
                continue;
            }
            joins.sort();
            leaves.sort();
            out.push(Diff { topic, joins, leaves });
        }
        out.sort_by(|a, b| a.topic.cmp(&b.topic));
        out
    }
}

/// Whether a topic is a presence topic.
pub fn is_presence(topic: &str) -> bool {
    topic.starts_with("presence:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_connection_of_the_same_user_is_not_a_new_join() {
        let mut p = Presence::default();
        let u = Uuid::new_v4();
        p.join("presence:b", u);
        p.join("presence:b", u);
        assert_eq!(p.take_diffs(), vec![Diff { topic: "presence:b".into(), joins: vec![u], leaves: vec![] }]);
        p.leave("presence:b", u);
        assert!(p.take_diffs().is_empty(), "still one connection there");
        p.leave("presence:b", u);
        assert_eq!(p.take_diffs()[0].leaves, vec![u]);
        assert!(p.users("presence:b").is_empty());
    }

    #[test]
    fn a_join_and_leave_within_one_window_cancel_out() {
        let mut p = Presence::default();
        let u = Uuid::new_v4();
        p.join("presence:b", u);
        p.leave("presence:b", u);
        assert!(!p.has_pending());
        assert!(p.take_diffs().is_empty());
    }

    #[test]
    fn a_burst_of_joins_is_one_diff() {
        let mut p = Presence::default();
        let users: Vec<Uuid> = (0..50).map(|_| Uuid::new_v4()).collect();
        for u in &users {
            p.join("presence:b", *u);
        }
        let diffs = p.take_diffs();
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].joins.len(), 50);
    }
}
