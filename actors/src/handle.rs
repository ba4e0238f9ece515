//! The typed handle the rest of Pulse uses: publish committed events,
//! attach WebSocket sessions, close a principal's connections, read the
//! stream position. It hides `Addr` and message types.
//!
//! With Redis, every committed event is also published on the bus
//! ([`crate::bus`]) so other nodes' workspaces receive it too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix::prelude::*;
use deadpool_postgres::Pool;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::bus::{publish_loop, subscribe_loop, BusControl, BusEvent, BusOut};
use crate::credentials::StreamCredentials;
use crate::deals::{Caller, Command, DealError, DealFilter, DealPage, DealView, Pipeline, Reader, Written};
use crate::event::EventRecord;
use crate::leads::{LeadFilter, LeadPage, LeadReader, LeadView, Source, Weights};
use crate::notifications::NotificationSummary;
use crate::principal::{Principal, Viewer};
use crate::protocol::Encoding;
use crate::registry::{CloseAllSessions, CountRunning, GetWorkspace, KickIn, Registry, Route};
use crate::session::{SessionBody, WsSession};
use crate::workspace::messages::{
    GetBoard, GetDeal, GetLead, GetNotificationSummary, LeadSettings, ListDeals, ListLeads, ListPipelines, Write,
};
use crate::workspace::WorkspaceActor;

/// Tunables of the real-time core. Defaults follow docs/PROTOCOL.md.
#[derive(Debug, Clone)]
pub struct RealtimeConfig {
    /// The ring keeps at least this many recent events...
    pub ring_min_events: usize,
    /// ...and at least this much recent history...
    pub ring_min_age: Duration,
    /// ...but never more than this many.
    pub ring_max_events: usize,
    /// Longest replay served (from the ring or the table) before `reset`.
    pub max_replay: usize,
    /// How long an out-of-order event waits for the missing ones before the
    /// gap is read from the table.
    pub gap_wait: Duration,
    /// A workspace actor with no connections stops after this long.
    pub idle_timeout: Duration,
    pub workspace_mailbox: usize,
    pub session_mailbox: usize,
    /// Bytes a connection may have queued before it is closed (4008).
    pub outbound_max_bytes: usize,
    pub max_subscriptions: usize,
    /// Largest inbound frame.
    pub max_frame_bytes: usize,
    pub heartbeat_interval: Duration,
    pub heartbeat_timeout: Duration,
    /// Presence joins and leaves are coalesced over this window.
    pub presence_flush: Duration,
    /// How often a workspace rechecks its connections' credentials against
    /// PostgreSQL (closes what a lost kick or an expiry left open).
    pub recheck_interval: Duration,
    /// Browser sessions idle longer than this are expired.
    pub session_idle: Duration,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        Self {
            ring_min_events: 1_000,
            ring_min_age: Duration::from_secs(300),
            ring_max_events: 100_000,
            max_replay: 10_000,
            gap_wait: Duration::from_millis(100),
            idle_timeout: Duration::from_secs(300),
            workspace_mailbox: 65_536,
            session_mailbox: 4_096,
            outbound_max_bytes: 1024 * 1024,
            max_subscriptions: 64,
            max_frame_bytes: 64 * 1024,
            heartbeat_interval: Duration::from_secs(25),
            heartbeat_timeout: Duration::from_secs(10),
            presence_flush: Duration::from_millis(50),
            recheck_interval: Duration::from_secs(15),
            session_idle: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RealtimeError {
    #[error("the real-time core is not answering")]
    Unavailable,
}

impl<T> From<SendError<T>> for RealtimeError {
    fn from(_: SendError<T>) -> Self {
        RealtimeError::Unavailable
    }
}

impl From<MailboxError> for RealtimeError {
    fn from(_: MailboxError) -> Self {
        RealtimeError::Unavailable
    }
}

/// Sends committed events to the other nodes (through Redis, when set).
#[derive(Clone)]
pub(crate) struct Publisher {
    node: Uuid,
    redis_out: Option<mpsc::Sender<BusOut>>,
}

impl Publisher {
    pub(crate) fn to_other_nodes(&self, event: &EventRecord) {
        if let Some(tx) = &self.redis_out {
            if tx.try_send(BusOut::Event(BusEvent { node: self.node, event: event.clone() })).is_err() {
                // Other nodes will see the gap at the next event and read the table.
                tracing::warn!("bus publisher queue full; other nodes will catch up from the table");
            }
        }
    }
}

/// Cloneable handle to the real-time core.
#[derive(Clone)]
pub struct Realtime {
    registry: Addr<Registry>,
    node: Uuid,
    cfg: Arc<RealtimeConfig>,
    next_session: Arc<AtomicU64>,
    redis_out: Option<mpsc::Sender<BusOut>>,
    publisher: Publisher,
    /// Addresses of running workspace actors, so requests skip the registry.
    workspaces: Arc<Mutex<HashMap<Uuid, Addr<WorkspaceActor>>>>,
    credentials: Arc<StreamCredentials>,
    /// The actors' connection pool (for its gauges).
    pool: Pool,
}

impl Realtime {
    /// Starts the registry (on the current arbiter) and, with Redis, the
    /// bus publisher and subscriber tasks.
    pub fn start(pool: Pool, cfg: RealtimeConfig, redis: Option<redis::Client>) -> Self {
        let cfg = Arc::new(cfg);
        let node = Uuid::new_v4();
        let redis = redis.map(|client| {
            let (tx, rx) = mpsc::channel(65_536);
            actix::spawn(publish_loop(client.clone(), rx));
            (client, tx)
        });
        let redis_out = redis.as_ref().map(|(_, tx)| tx.clone());
        let publisher = Publisher { node, redis_out: redis_out.clone() };
        let credentials = Arc::new(StreamCredentials::new(cfg.recheck_interval * 2));
        let registry = Registry::new(pool.clone(), cfg.clone(), publisher.clone(), credentials.clone()).start();
        if let Some((client, _)) = redis {
            actix::spawn(subscribe_loop(client, node, registry.clone(), credentials.clone()));
        }
        Self {
            registry,
            node,
            cfg,
            next_session: Arc::new(AtomicU64::new(1)),
            redis_out,
            publisher,
            workspaces: Arc::default(),
            credentials,
            pool,
        }
    }

    /// The actors' connection pool: size, idle connections, waiters.
    pub fn pool_status(&self) -> deadpool_postgres::Status {
        self.pool.status()
    }

    /// The node's memory of WebSocket credentials: a handshake reads its
    /// epoch first, recalls or resolves, remembers what it resolved, and
    /// passes the epoch to [`Realtime::attach`].
    pub fn stream_credentials(&self) -> &StreamCredentials {
        &self.credentials
    }

    /// The workspace's actor, started if needed.
    async fn workspace(&self, workspace_id: Uuid) -> Result<Addr<WorkspaceActor>, RealtimeError> {
        if let Some(addr) = self.workspaces.lock().ok().and_then(|m| m.get(&workspace_id).cloned()) {
            if addr.connected() {
                return Ok(addr);
            }
        }
        let addr = self.registry.send(GetWorkspace { workspace_id }).await?;
        if let Ok(mut m) = self.workspaces.lock() {
            m.retain(|_, a| a.connected());
            m.insert(workspace_id, addr.clone());
        }
        Ok(addr)
    }

    /// Performs a write to deals or pipelines through the workspace actor:
    /// validated against its state, committed with its events (grouped
    /// with concurrent writes), applied, then published.
    pub async fn write(&self, workspace_id: Uuid, caller: Caller, command: Command) -> Result<Written, DealError> {
        let unavailable = |_| DealError::Unavailable("the workspace is not answering".into());
        let addr = self.workspace(workspace_id).await.map_err(unavailable)?;
        let (reply, rx) = oneshot::channel();
        // Not `send`: its acknowledgement would cost the caller's thread one
        // more wakeup per write. The reply comes through `rx`; if the actor
        // is gone, `reply` is dropped with the message and `rx` fails.
        addr.do_send(Write { caller, command, reply });
        rx.await.map_err(|_| unavailable(RealtimeError::Unavailable))?
    }

    /// A pipeline's board from memory, encoded as JSON; `None` when there
    /// is no such pipeline.
    pub async fn board(
        &self,
        workspace_id: Uuid,
        pipeline_id: Uuid,
        filter: DealFilter,
        reader: Reader,
    ) -> Result<Option<bytes::Bytes>, RealtimeError> {
        Ok(self.workspace(workspace_id).await?.send(GetBoard { pipeline_id, filter, reader }).await?)
    }

    /// One lead, if `reader` may see it.
    pub async fn lead(
        &self,
        workspace_id: Uuid,
        id: Uuid,
        reader: LeadReader,
    ) -> Result<Option<LeadView>, RealtimeError> {
        Ok(self.workspace(workspace_id).await?.send(GetLead { id, reader }).await?)
    }

    /// One page of leads and how many matched.
    pub async fn leads(
        &self,
        workspace_id: Uuid,
        filter: LeadFilter,
        reader: LeadReader,
        page: LeadPage,
    ) -> Result<(Vec<LeadView>, usize), RealtimeError> {
        Ok(self.workspace(workspace_id).await?.send(ListLeads { filter, reader, page }).await?)
    }

    /// The workspace's lead sources and scoring weights.
    pub async fn lead_settings(&self, workspace_id: Uuid) -> Result<(Vec<Source>, Weights), RealtimeError> {
        Ok(self.workspace(workspace_id).await?.send(LeadSettings).await?)
    }

    /// The workspace's pipelines, in order.
    pub async fn pipelines(&self, workspace_id: Uuid) -> Result<Vec<Pipeline>, RealtimeError> {
        Ok(self.workspace(workspace_id).await?.send(ListPipelines).await?)
    }

    /// One deal, if `reader` may see it.
    pub async fn deal(&self, workspace_id: Uuid, id: Uuid, reader: Reader) -> Result<Option<DealView>, RealtimeError> {
        Ok(self.workspace(workspace_id).await?.send(GetDeal { id, reader }).await?)
    }

    /// One page of deals and how many matched.
    pub async fn deals(
        &self,
        workspace_id: Uuid,
        filter: DealFilter,
        reader: Reader,
        page: DealPage,
    ) -> Result<(Vec<DealView>, usize), RealtimeError> {
        let msg = ListDeals { filter, reader, page };
        Ok(self.workspace(workspace_id).await?.send(msg).await?)
    }

    /// A member's notification bell (unread count and latest items), from
    /// the workspace actor's memory: no database query.
    pub async fn notification_summary(
        &self,
        workspace_id: Uuid,
        user_id: Uuid,
    ) -> Result<NotificationSummary, RealtimeError> {
        Ok(self.workspace(workspace_id).await?.send(GetNotificationSummary { user_id }).await?)
    }

    /// Delivers a committed event: to this node's workspace at once, and
    /// to the other nodes through Redis. Call only after the commit.
    pub fn publish(&self, event: EventRecord) {
        self.publisher.to_other_nodes(&event);
        if self.registry.try_send(Route(event)).is_err() {
            tracing::warn!("registry mailbox full; the workspace will catch up from the table");
        }
    }

    /// Closes `principal`'s connections to `workspace_id` (every workspace
    /// when `None`) on every node.
    pub fn kick(&self, workspace_id: Option<Uuid>, principal: Principal) {
        // Before anything is closed: no handshake may be authorized from
        // memory, or registered, against the credential being revoked.
        self.credentials.forget(workspace_id, principal);
        if let Some(tx) = &self.redis_out {
            let _ = tx.try_send(BusOut::Control(BusControl { node: self.node, workspace_id, principal }));
        }
        self.registry.do_send(KickIn { workspace_id, principal });
    }

    /// Closes every WebSocket on this node with 1001 (going away), so
    /// clients reconnect elsewhere and resume; used at shutdown.
    pub async fn close_all(&self) {
        let msg = CloseAllSessions {
            code: crate::protocol::close::GOING_AWAY,
            reason: "server shutting down; resume".into(),
        };
        let _ = self.registry.send(msg).await;
    }

    /// Workspace actors running on this node.
    pub async fn running_workspaces(&self) -> Result<usize, RealtimeError> {
        Ok(self.registry.send(CountRunning).await?)
    }

    /// Attaches an accepted WebSocket to its workspace: `stream` is what
    /// the client sends, the returned body what the session sends (the
    /// handshake response's body). `guard` is dropped when the connection
    /// ends (connection limits); `credential_epoch` is the
    /// stream-credential epoch read before `viewer` was resolved.
    pub async fn attach(
        &self,
        workspace_id: Uuid,
        viewer: Viewer,
        encoding: Encoding,
        credential_epoch: u64,
        stream: actix_ws::MessageStream,
        guard: Box<dyn Send>,
    ) -> Result<SessionBody, RealtimeError> {
        let workspace = self.workspace(workspace_id).await?;
        let id = self.next_session.fetch_add(1, Ordering::Relaxed);
        let cfg = self.cfg.clone();
        Ok(WsSession::start(id, workspace_id, workspace, viewer, encoding, credential_epoch, cfg, stream, guard))
    }
}
