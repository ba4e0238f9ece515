//! The registry: starts one workspace actor on first use, forgets it when
//! it stops (idle or failed), and routes bus traffic to running actors.
//! A workspace that is not running needs no routing: its actor loads the
//! stream position from PostgreSQL when it next starts.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;
use deadpool_postgres::Pool;
use uuid::Uuid;

use crate::credentials::StreamCredentials;
use crate::event::EventRecord;
use crate::handle::{Publisher, RealtimeConfig};
use crate::principal::Principal;
use crate::workspace::messages::{CloseAll, Committed, Kick, Resync, WorkspaceStopped};
use crate::workspace::WorkspaceActor;

pub struct Registry {
    pool: Pool,
    publisher: Publisher,
    cfg: Arc<RealtimeConfig>,
    running: HashMap<Uuid, (u64, Addr<WorkspaceActor>)>,
    generation: u64,
    credentials: Arc<StreamCredentials>,
}

impl Registry {
    pub(crate) fn new(
        pool: Pool,
        cfg: Arc<RealtimeConfig>,
        publisher: Publisher,
        credentials: Arc<StreamCredentials>,
    ) -> Self {
        Self { pool, publisher, cfg, running: HashMap::new(), generation: 0, credentials }
    }
}

impl Actor for Registry {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(self.cfg.workspace_mailbox);
    }
}

/// The workspace's actor, started if needed.
#[derive(Message)]
#[rtype(result = "Addr<WorkspaceActor>")]
pub struct GetWorkspace {
    pub workspace_id: Uuid,
}

/// A committed event to route to its workspace, if running here.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Route(pub EventRecord);

/// Close a principal's connections in a workspace (or in every workspace
/// running here when `None`, e.g. a browser session that ended).
#[derive(Message)]
#[rtype(result = "()")]
pub struct KickIn {
    pub workspace_id: Option<Uuid>,
    pub principal: Principal,
}

/// Close every session of every running workspace (shutdown).
#[derive(Message)]
#[rtype(result = "()")]
pub struct CloseAllSessions {
    pub code: u16,
    pub reason: String,
}

impl Handler<CloseAllSessions> for Registry {
    type Result = ();
    fn handle(&mut self, msg: CloseAllSessions, _: &mut Self::Context) {
        for (_, addr) in self.running.values() {
            addr.do_send(CloseAll { code: msg.code, reason: msg.reason.clone() });
        }
    }
}

/// Every running workspace catches up from the table.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ResyncAll;

/// How many workspace actors run (metrics).
#[derive(Message)]
#[rtype(result = "usize")]
pub struct CountRunning;

impl Handler<GetWorkspace> for Registry {
    type Result = MessageResult<GetWorkspace>;

    fn handle(&mut self, msg: GetWorkspace, ctx: &mut Self::Context) -> Self::Result {
        if let Some((_, addr)) = self.running.get(&msg.workspace_id).filter(|(_, a)| a.connected()) {
            return MessageResult(addr.clone());
        }
        self.generation += 1;
        let actor = WorkspaceActor::new(
            msg.workspace_id,
            self.generation,
            self.pool.clone(),
            self.cfg.clone(),
            ctx.address().recipient(),
            self.publisher.clone(),
            self.credentials.clone(),
        );
        let addr = actor.start();
        self.running.insert(msg.workspace_id, (self.generation, addr.clone()));
        MessageResult(addr)
    }
}

impl Handler<WorkspaceStopped> for Registry {
    type Result = ();
    fn handle(&mut self, msg: WorkspaceStopped, _: &mut Self::Context) {
        if self.running.get(&msg.workspace_id).is_some_and(|(g, _)| *g == msg.generation) {
            self.running.remove(&msg.workspace_id);
        }
    }
}

impl Handler<Route> for Registry {
    type Result = ();
    fn handle(&mut self, msg: Route, _: &mut Self::Context) {
        let Some((_, addr)) = self.running.get(&msg.0.workspace_id) else { return };
        if let Err(SendError::Full(Committed(rec))) = addr.try_send(Committed(msg.0)) {
            // The actor is overloaded: it will read what it missed from the table.
            tracing::warn!(workspace = %rec.workspace_id, seq = rec.seq, "workspace mailbox full; asking for a resync");
            addr.do_send(Resync);
        }
    }
}

impl Handler<KickIn> for Registry {
    type Result = ();
    fn handle(&mut self, msg: KickIn, _: &mut Self::Context) {
        match msg.workspace_id {
            Some(id) => {
                if let Some((_, addr)) = self.running.get(&id) {
                    addr.do_send(Kick { principal: msg.principal });
                }
            }
            None => {
                for (_, addr) in self.running.values() {
                    addr.do_send(Kick { principal: msg.principal });
                }
            }
        }
    }
}

impl Handler<ResyncAll> for Registry {
    type Result = ();
    fn handle(&mut self, _: ResyncAll, _: &mut Self::Context) {
        for (_, addr) in self.running.values() {
            addr.do_send(Resync);
        }
    }
}

impl Handler<CountRunning> for Registry {
    type Result = usize;
    fn handle(&mut self, _: CountRunning, _: &mut Self::Context) -> usize {
        self.running.len()
    }
}
