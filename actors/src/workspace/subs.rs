//! A connection's subscriptions: topic → where that subscription stands.

/// One subscription's state.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sub {
    /// The seq of the previous event sent on this subscription.
    pub prev: Option<i64>,
    /// Replay from the table is in flight: live events wait in the ring.
    pub recovering: bool,
}

/// A connection's subscriptions, in the order they were made. A
/// connection holds a handful (at most `max_subscriptions`), most often
/// one, for hours: a vector sized to fit, searched linearly, costs one
/// 48-byte allocation for that one where a hash map's smallest table costs
/// over 200 (BENCHMARKS.md, idle connections).
#[derive(Debug, Default)]
pub(super) struct Subs(Vec<(Box<str>, Sub)>);

impl Subs {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn contains_key(&self, topic: &str) -> bool {
        self.0.iter().any(|(t, _)| &**t == topic)
    }

    pub fn get_mut(&mut self, topic: &str) -> Option<&mut Sub> {
        self.0.iter_mut().find(|(t, _)| &**t == topic).map(|(_, s)| s)
    }

    /// Adds `topic`, or replaces its state if it is there.
    pub fn insert(&mut self, topic: &str, sub: Sub) {
        if let Some(s) = self.get_mut(topic) {
            *s = sub;
            return;
        }
        // One slot at a time: the list is short and rarely changes.
        self.0.reserve_exact(1);
        self.0.push((topic.into(), sub));
    }

    pub fn remove(&mut self, topic: &str) -> Option<Sub> {
        let i = self.0.iter().position(|(t, _)| &**t == topic)?;
        let (_, sub) = self.0.remove(i);
        self.0.shrink_to_fit();
        Some(sub)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(t, _)| keep(t));
        self.0.shrink_to_fit();
    }

    pub fn topics(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(t, _)| &**t)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Sub)> {
        self.0.iter_mut().map(|(t, s)| (&**t, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(prev: i64) -> Sub {
        Sub { prev: Some(prev), recovering: false }
    }

    #[test]
    fn a_topic_is_held_once_and_keeps_its_place() {
        let mut s = Subs::default();
        s.insert("leads", sub(1));
        s.insert("workspace", sub(2));
        s.insert("leads", sub(3));
        assert_eq!(s.len(), 2);
        assert_eq!(s.topics().collect::<Vec<_>>(), ["leads", "workspace"]);
        assert_eq!(s.get_mut("leads").and_then(|x| x.prev), Some(3));
        assert!(s.contains_key("workspace") && !s.contains_key("work"));
        assert_eq!(s.remove("leads").and_then(|x| x.prev), Some(3));
        assert!(s.remove("leads").is_none());
        s.insert("presence:board", sub(4));
        s.retain(|t| t.starts_with("presence:"));
        assert_eq!(s.topics().collect::<Vec<_>>(), ["presence:board"]);
        for (_, x) in s.iter_mut() {
            x.recovering = true;
        }
        assert!(s.get_mut("presence:board").is_some_and(|x| x.recovering));
    }
}
