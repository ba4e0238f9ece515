//! Glue between HTTP and the real-time core: committing events with a
//! change and publishing them after the commit, WebSocket connection
//! limits, and stream tickets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use deadpool_postgres::GenericClient;
use pulse_actors::event::ActorKind;
use pulse_actors::{ActorRef, EventRecord, NewEvent, Visibility};
use uuid::Uuid;

use crate::auth::Actor;

/// The event author for an authenticated actor.
pub fn actor_ref(actor: Actor) -> ActorRef {
    match actor {
        Actor::User(id) => ActorRef { kind: ActorKind::User, id },
        Actor::Token(id) => ActorRef { kind: ActorKind::Token, id },
    }
}

/// Appends an event in the caller's transaction. Publish the returned
/// record with `Realtime::publish` only after the transaction commits.
pub async fn record_event(
    c: &impl GenericClient,
    workspace_id: Uuid,
    actor: Option<Actor>,
    kind: &str,
    topic: &str,
    visibility: Visibility,
    data: serde_json::Value,
) -> Result<EventRecord, tokio_postgres::Error> {
    let event =
        NewEvent { kind: kind.to_owned(), topic: topic.to_owned(), actor: actor.map(actor_ref), visibility, data };
    pulse_actors::store::append_event(c, workspace_id, event).await
}

/// Counts open connections per key and refuses past the limits.
#[derive(Clone, Default)]
pub struct ConnectionLimits {
    per_principal: usize,
    per_ip: usize,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// Held by a connection; releases its slots when dropped.
pub struct ConnectionGuard {
    keys: Vec<String>,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        if let Ok(mut open) = self.open.lock() {
            for k in &self.keys {
                if let Some(n) = open.get_mut(k) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        open.remove(k);
                    }
                }
            }
        }
    }
}

impl ConnectionLimits {
    pub fn new(per_principal: usize, per_ip: usize) -> Self {
        Self { per_principal, per_ip, open: Arc::default() }
    }

    /// Takes a slot for `principal` and `ip`, or says which limit is full.
    pub fn acquire(&self, principal: &str, ip: &str) -> Result<ConnectionGuard, &'static str> {
        let Ok(mut open) = self.open.lock() else { return Err("connection limits unavailable") };
        let pk = format!("p:{principal}");
        let ik = format!("ip:{ip}");
        if open.get(&pk).copied().unwrap_or(0) >= self.per_principal {
            return Err("too many open connections for this user or token");
        }
        if open.get(&ik).copied().unwrap_or(0) >= self.per_ip {
            return Err("too many open connections from this address");
        }
        *open.entry(pk.clone()).or_default() += 1;
        *open.entry(ik.clone()).or_default() += 1;
        Ok(ConnectionGuard { keys: vec![pk, ik], open: self.open.clone() })
    }

    /// Open connections in total (metrics).
    pub fn open_connections(&self) -> usize {
        self.open.lock().map(|o| o.iter().filter(|(k, _)| k.starts_with("p:")).map(|(_, n)| *n).sum()).unwrap_or(0)
    }
}
