//! Credentials this node has recently seen authorize a WebSocket, so a
//! reconnect (a storm after a network blip, a load balancer's drain) is
//! authorized from memory instead of PostgreSQL.
//!
//! An entry is keyed by the hash of the secret (session cookie or API
//! token; the HTTP layer chooses the key) and holds what the handshake
//! resolved: the workspace and the [`Viewer`]. It is trusted no more than
//! the open socket it replaces:
//! - it was confirmed against the database within `ttl`, either by the
//!   handshake that stored it or by a workspace's periodic credential
//!   recheck of its open connections, which refreshes it;
//! - no kick for it happened since: every kick on any node (revocation,
//!   logout, suspension, removal, a role change) forgets the entries it
//!   matches and is recorded with a new epoch before it closes anything;
//!   losing the Redis bus (a kick from another node may have been missed)
//!   forgets everything;
//! - a connection carries the epoch read before its credential was
//!   resolved, and the workspace refuses to register it (close 4001) if a
//!   kick matching it was recorded since, so a kick can never pass a
//!   socket that is still on its way in.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::principal::{Principal, Viewer};

/// Entries kept before expired ones are swept (and all dropped if the
/// memory is still full: the next handshakes read the database).
const MAX_ENTRIES: usize = 100_000;

/// A recheck's result: members still active (with their role), browser
/// sessions still live, tokens not revoked.
pub type Live = (Vec<(Uuid, String)>, Vec<Uuid>, Vec<Uuid>);

struct Remembered {
    workspace_id: Uuid,
    viewer: Viewer,
    confirmed: Instant,
}

/// How long kicks are kept for [`StreamCredentials::kicked_since`]: far
/// longer than a handshake takes.
const KICKS_KEPT: Duration = Duration::from_secs(60);

/// A kick as recorded: the epoch it moved to, and whom it closed.
struct Kicked {
    epoch: u64,
    at: Instant,
    workspace_id: Option<Uuid>,
    principal: Principal,
}

/// The node's memory of WebSocket credentials (see the module docs).
pub struct StreamCredentials {
    ttl: Duration,
    epoch: AtomicU64,
    entries: Mutex<HashMap<Vec<u8>, Remembered>>,
    kicks: Mutex<VecDeque<Kicked>>,
}

impl StreamCredentials {
    /// A memory whose entries are trusted for `ttl` after their last
    /// confirmation; a zero `ttl` disables it.
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, epoch: AtomicU64::new(0), entries: Mutex::new(HashMap::new()), kicks: Mutex::default() }
    }

    /// The current epoch. Read it BEFORE resolving a credential and pass it
    /// to [`StreamCredentials::remember`] and to the connection.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// The workspace and viewer `key` resolved to, if confirmed within the
    /// ttl and no kick happened since.
    pub fn recall(&self, key: &[u8]) -> Option<(Uuid, Viewer)> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let e = entries.get(key)?;
        (e.confirmed.elapsed() < self.ttl).then(|| (e.workspace_id, e.viewer.clone()))
    }

    /// Stores what `key` resolved to in the database; ignored when the
    /// memory was changed since `epoch` was read (the lookup may predate a
    /// kick).
    pub fn remember(&self, key: Vec<u8>, workspace_id: Uuid, viewer: Viewer, epoch: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else { return };
        // Under the lock: `forget_all` bumps the epoch before it clears.
        if self.epoch() != epoch {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, e| e.confirmed.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, Remembered { workspace_id, viewer, confirmed: Instant::now() });
    }

    /// A kick is about to close `principal`'s connections (to
    /// `workspace_id`, or to every workspace when `None`): forgets the
    /// entries it matches and records it under a new epoch, both before
    /// anything is closed.
    pub fn forget(&self, workspace_id: Option<Uuid>, principal: Principal) {
        let matches = |ws: Uuid, viewer: &Viewer| workspace_id.is_none_or(|w| w == ws) && principal.matches(viewer);
        let Ok(mut entries) = self.entries.lock() else {
            // A poisoned lock still moves the epoch: `recall` fails on it.
            self.epoch.fetch_add(1, Ordering::AcqRel);
            return;
        };
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        entries.retain(|_, e| !matches(e.workspace_id, &e.viewer));
        if let Ok(mut kicks) = self.kicks.lock() {
            while kicks.front().is_some_and(|k| k.at.elapsed() > KICKS_KEPT) {
                kicks.pop_front();
            }
            kicks.push_back(Kicked { epoch, at: Instant::now(), workspace_id, principal });
        }
    }

    /// Forgets everything and moves the epoch: kicks from other nodes may
    /// have been missed, or credentials changed in ways no kick names.
    pub fn forget_all(&self) {
        let Ok(mut entries) = self.entries.lock() else {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            return;
        };
        self.epoch.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }

    /// Whether a kick recorded after `epoch` matches `viewer` in
    /// `workspace_id`: a connection resolved at `epoch` must not register.
    pub fn kicked_since(&self, epoch: u64, workspace_id: Uuid, viewer: &Viewer) -> bool {
        let Ok(kicks) = self.kicks.lock() else { return true };
        kicks
            .iter()
            .rev()
            .take_while(|k| k.epoch > epoch)
            .any(|k| k.workspace_id.is_none_or(|w| w == workspace_id) && k.principal.matches(viewer))
    }

    /// A workspace's recheck of the viewers in `checked` (those of its open
    /// connections): entries of that workspace for one of them are
    /// confirmed now if it still holds, else forgotten. Other entries are
    /// left to expire.
    pub fn confirm(&self, workspace_id: Uuid, checked: &HashSet<Viewer>, live: &Live) {
        let Ok(mut entries) = self.entries.lock() else { return };
        let now = Instant::now();
        let (members, sessions, tokens) = live;
        entries.retain(|_, e| {
            if e.workspace_id != workspace_id || !checked.contains(&e.viewer) {
                return true;
            }
            if holds(&e.viewer, members, sessions, tokens) {
                e.confirmed = now;
                return true;
            }
            false
        });
    }
}

/// Whether `viewer` still holds given a recheck's result: a member still
/// active with the same role (and a live browser session, if it used one),
/// or a token not revoked.
pub(crate) fn holds(viewer: &Viewer, members: &[(Uuid, String)], sessions: &[Uuid], tokens: &[Uuid]) -> bool {
    match viewer {
        Viewer::Member { user_id, role, session_id } => {
            members.iter().any(|(u, r)| u == user_id && r == role.as_str())
                && session_id.is_none_or(|s| sessions.contains(&s))
        }
        Viewer::Token { token_id, .. } => tokens.contains(token_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::Role;

    fn member(user: Uuid, session: Uuid) -> Viewer {
        Viewer::Member { user_id: user, role: Role::Rep, session_id: Some(session) }
    }

    #[test]
    fn remembered_until_a_kick_or_the_ttl() {
        let mem = StreamCredentials::new(Duration::from_secs(60));
        let (ws, user, session) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let epoch = mem.epoch();
        mem.remember(vec![1], ws, member(user, session), epoch);
        assert_eq!(mem.recall(&[1]).map(|(w, _)| w), Some(ws));
        assert!(mem.recall(&[9]).is_none(), "another secret");
        let other = Uuid::new_v4();
        mem.remember(vec![2], ws, member(other, Uuid::new_v4()), epoch);
        mem.forget(Some(ws), Principal::User(user));
        assert!(mem.recall(&[1]).is_none(), "a kick forgets its principal");
        assert!(mem.recall(&[2]).is_some(), "and only its principal");
        // A lookup that started before the kick stores nothing.
        mem.remember(vec![1], ws, member(user, session), epoch);
        assert!(mem.recall(&[1]).is_none(), "stale from birth");
        mem.forget_all();
        assert!(mem.recall(&[2]).is_none(), "forget_all forgets everyone");

        let short = StreamCredentials::new(Duration::from_millis(1));
        short.remember(vec![1], ws, member(user, session), short.epoch());
        std::thread::sleep(Duration::from_millis(5));
        assert!(short.recall(&[1]).is_none(), "expired");
        let off = StreamCredentials::new(Duration::ZERO);
        off.remember(vec![1], ws, member(user, session), off.epoch());
        assert!(off.recall(&[1]).is_none(), "a zero ttl disables it");
    }

    #[test]
    fn a_connection_resolved_before_a_kick_that_names_it_may_not_register() {
        let mem = StreamCredentials::new(Duration::from_secs(60));
        let (ws, other_ws, user, session) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let viewer = member(user, session);
        let before = mem.epoch();
        mem.forget(Some(other_ws), Principal::User(user));
        mem.forget(Some(ws), Principal::User(Uuid::new_v4()));
        assert!(!mem.kicked_since(before, ws, &viewer), "other workspaces and other people do not count");
        mem.forget(None, Principal::Session(session));
        assert!(mem.kicked_since(before, ws, &viewer), "a session ended in every workspace");
        assert!(!mem.kicked_since(mem.epoch(), ws, &viewer), "resolved after the kick");
        let token = Viewer::Token { token_id: Uuid::new_v4(), scopes: vec![] };
        let before = mem.epoch();
        if let Viewer::Token { token_id, .. } = &token {
            mem.forget(Some(ws), Principal::Token(*token_id));
        }
        assert!(mem.kicked_since(before, ws, &token));
    }

    #[test]
    fn a_recheck_refreshes_what_holds_and_forgets_the_rest() {
        let mem = StreamCredentials::new(Duration::from_secs(2));
        let (ws, other_ws) = (Uuid::new_v4(), Uuid::new_v4());
        let (kept, demoted, ended) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (s1, s2, s3) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (token, revoked) = (Uuid::new_v4(), Uuid::new_v4());
        let epoch = mem.epoch();
        mem.remember(vec![1], ws, member(kept, s1), epoch);
        mem.remember(vec![2], ws, member(demoted, s2), epoch);
        mem.remember(vec![3], ws, member(ended, s3), epoch);
        mem.remember(vec![4], ws, Viewer::Token { token_id: token, scopes: vec![] }, epoch);
        mem.remember(vec![5], ws, Viewer::Token { token_id: revoked, scopes: vec![] }, epoch);
        mem.remember(vec![6], other_ws, member(demoted, s2), epoch);
        let no_socket = Uuid::new_v4();
        mem.remember(vec![7], ws, Viewer::Token { token_id: no_socket, scopes: vec![] }, epoch);
        std::thread::sleep(Duration::from_millis(1_200));
        let members = vec![(kept, "rep".to_owned()), (demoted, "viewer".to_owned()), (ended, "rep".to_owned())];
        let checked: HashSet<Viewer> = [
            member(kept, s1),
            member(demoted, s2),
            member(ended, s3),
            Viewer::Token { token_id: token, scopes: vec![] },
            Viewer::Token { token_id: revoked, scopes: vec![] },
        ]
        .into();
        mem.confirm(ws, &checked, &(members, vec![s1, s2], vec![token]));
        assert!(mem.recall(&[2]).is_none(), "another role");
        assert!(mem.recall(&[3]).is_none(), "session ended");
        assert!(mem.recall(&[5]).is_none(), "token revoked");
        assert!(mem.recall(&[6]).is_some(), "another workspace is not this recheck's business");
        assert!(mem.recall(&[7]).is_some(), "not checked (no open socket): left to expire");
        std::thread::sleep(Duration::from_millis(1_200));
        assert!(mem.recall(&[1]).is_some(), "refreshed by the recheck");
        assert!(mem.recall(&[4]).is_some(), "refreshed by the recheck");
        assert!(mem.recall(&[6]).is_none(), "not refreshed, so expired");
        assert!(mem.recall(&[7]).is_none(), "not refreshed, so expired");
    }
}
