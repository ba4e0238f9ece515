//! A per-node cache of resolved credentials, so a burst of requests with
//! the same session cookie or API token (a page load, an integration's
//! batch, a board being dragged) costs one database round trip per
//! second instead of one per request.
//!
//! Freshness has two bounds:
//! - on this node, every successful change that can alter what a
//!   credential resolves to (logout, token revocation, a role change,
//!   suspension, removal, a workspace switch, a password change) clears
//!   the cache before its response leaves: [`invalidate_after_changes`]
//!   runs around every unsafe request to the routes that make them;
//! - on other nodes an entry lives at most `PULSE_AUTH_CACHE_MS` (default
//!   1,000 ms), the same bound issue #3 sets for closing a revoked
//!   principal's sockets.
//!
//! WebSocket handshakes never use it: a socket outlives its handshake, so
//! it is authorized against the database or the real-time core's memory
//! of stream credentials, which kicks and rechecks keep true (see
//! `routes::stream` and `pulse_actors::credentials`). The middleware
//! below empties that memory too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use super::Authenticated;
use crate::state::AppState;

/// Entries kept before the cache is swept (then emptied if still full).
const MAX_ENTRIES: usize = 50_000;

/// Which kind of secret a key hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Cookie,
    Bearer,
}

struct Entry {
    auth: Authenticated,
    at: Instant,
    generation: u64,
}

/// Resolved credentials by secret hash, with a generation that every
/// local invalidation bumps.
pub struct AuthCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<HashMap<(Kind, Vec<u8>), Entry>>,
}

impl AuthCache {
    /// A cache whose entries live `ttl`; a zero `ttl` disables it.
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, generation: AtomicU64::new(0), entries: Mutex::new(HashMap::new()) }
    }

    /// The generation to pass to [`AuthCache::put`]: read it BEFORE the
    /// database lookup, so a change committed during the lookup makes the
    /// entry stale at once.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, kind: Kind, hash: &[u8]) -> Option<Authenticated> {
        if self.ttl.is_zero() {
            return None;
        }
        let current = self.generation();
        let entries = self.entries.lock().ok()?;
        let e = entries.get(&(kind, hash.to_vec()))?;
        (e.generation == current && e.at.elapsed() < self.ttl).then(|| e.auth.clone())
    }

    pub fn put(&self, kind: Kind, hash: Vec<u8>, auth: Authenticated, generation: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= MAX_ENTRIES {
            let (ttl, current) = (self.ttl, self.generation());
            entries.retain(|_, e| e.generation == current && e.at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert((kind, hash), Entry { auth, at: Instant::now(), generation });
    }

    /// Forgets every entry (and any lookup in flight).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// Whether an unsafe request to this path may change what a credential
/// resolves to: sign-in and sign-out, the caller's own account and
/// active workspace, members, tokens, invitations, workspaces.
fn may_change_credentials(path: &str) -> bool {
    const ROOTS: [&str; 7] = [
        "/api/v1/auth",
        "/api/v1/me",
        "/api/v1/members",
        "/api/v1/tokens",
        "/api/v1/invitations",
        "/api/v1/workspace",
        "/api/v1/workspaces",
    ];
    // Whole path segments: `/api/v1/me` is not `/api/v1/metrics`.
    ROOTS.iter().any(|root| path.strip_prefix(root).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// Middleware: clears the cache after every unsafe request to a route
/// that may change credentials, before its response is sent, whatever
/// its outcome (a failed request that changed nothing costs one lookup
/// per cached credential, nothing more).
pub async fn invalidate_after_changes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let relevant = !req.method().is_safe() && may_change_credentials(req.path());
    let state = relevant.then(|| req.app_data::<web::Data<AppState>>().cloned()).flatten();
    let res = next.call(req).await;
    if let Some(state) = state {
        state.auth_cache.invalidate();
        state.realtime.stream_credentials().forget_all();
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::extract::TokenPrincipal;
    use uuid::Uuid;

    fn token() -> Authenticated {
        Authenticated::Token(TokenPrincipal { token_id: Uuid::nil(), workspace_id: Uuid::nil(), scopes: vec![] })
    }

    #[test]
    fn an_entry_is_served_until_it_expires_or_the_generation_moves() {
        let cache = AuthCache::new(Duration::from_secs(60));
        let g = cache.generation();
        cache.put(Kind::Bearer, vec![1], token(), g);
        assert!(cache.get(Kind::Bearer, &[1]).is_some(), "fresh");
        assert!(cache.get(Kind::Cookie, &[1]).is_none(), "a cookie is not a token with the same hash");
        cache.invalidate();
        assert!(cache.get(Kind::Bearer, &[1]).is_none(), "gone after an invalidation");
        // A lookup that started before an invalidation stores a dead entry.
        let before = cache.generation();
        cache.invalidate();
        cache.put(Kind::Bearer, vec![2], token(), before);
        assert!(cache.get(Kind::Bearer, &[2]).is_none(), "stale from birth");
    }

    #[test]
    fn a_zero_ttl_disables_it_and_entries_expire() {
        let off = AuthCache::new(Duration::ZERO);
        off.put(Kind::Bearer, vec![1], token(), off.generation());
        assert!(off.get(Kind::Bearer, &[1]).is_none());
        let short = AuthCache::new(Duration::from_millis(1));
        short.put(Kind::Bearer, vec![1], token(), short.generation());
        std::thread::sleep(Duration::from_millis(5));
        assert!(short.get(Kind::Bearer, &[1]).is_none());
    }

    #[test]
    fn credential_routes_are_recognised() {
        for p in [
            "/api/v1/auth/logout",
            "/api/v1/me/workspace",
            "/api/v1/members/x",
            "/api/v1/tokens/x",
            "/api/v1/workspaces",
        ] {
            assert!(may_change_credentials(p), "{p}");
        }
        for p in ["/api/v1/deals/x/stage", "/api/v1/leads", "/api/v1/metrics", "/api/v1/membership-report"] {
            assert!(!may_change_credentials(p), "{p}");
        }
    }
}
