//! The workspace actor: the one owner of a workspace's live state.
//!
//! Today it owns the event stream of the workspace — its position, a ring
//! of recent events, out-of-order arrivals, and the attached sessions with
//! their subscriptions — and fans events out to sessions after checking
//! each event's visibility. Later features keep their hot state here too.
//!
//! Contract: events are applied strictly in seq order. A duplicate is
//! ignored; an event that arrives ahead of a gap waits briefly for the
//! missing ones and then the gap is filled from the events table. A
//! subscriber never sees a gap: it gets every event it may see, in order,
//! or a `reset`.

pub(crate) mod board_json;
pub mod messages;
pub mod presence;
mod subs;
mod writer;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use deadpool_postgres::Pool;
use uuid::Uuid;

use crate::credentials::{self, StreamCredentials};
use crate::deals::DealState;
use crate::event::{topic_matches, EventRecord};
use crate::handle::Publisher;
use crate::handle::RealtimeConfig;
use crate::leads::LeadState;
use crate::principal::Viewer;
use crate::protocol::{close, encode, EncodedEvent, Encoding, Frame, ServerMessage};
use crate::session::Outlet;
use crate::store;
use messages::*;
use subs::{Sub, Subs};

/// One attached WebSocket session.
struct Conn {
    /// The session actor: closes go through it, so it stops.
    session: Recipient<Deliver>,
    /// Frames go straight to the connection's writer.
    outlet: Outlet,
    viewer: Viewer,
    encoding: Encoding,
    /// Topic -> state of that subscription.
    subs: Subs,
}

pub struct WorkspaceActor {
    id: Uuid,
    generation: u64,
    pool: Pool,
    cfg: Arc<RealtimeConfig>,
    registry: Recipient<WorkspaceStopped>,
    epoch: i64,
    head: i64,
    ring: VecDeque<Arc<EncodedEvent>>,
    pending: BTreeMap<i64, EventRecord>,
    catchup_scheduled: bool,
    catching_up: bool,
    conns: HashMap<u64, Conn>,
    idle_since: Instant,
    presence: presence::Presence,
    presence_flush_scheduled: bool,
    /// Pipelines and deals, as committed.
    deals: DealState,
    /// Leads, their sources and scoring weights, as committed.
    leads: LeadState,
    /// Encoded unfiltered boards by (pipeline, rep or everyone).
    board_cache: HashMap<(Uuid, Option<Uuid>), CachedBoard>,
    /// Each card's JSON, reused by board rebuilds while the card is unchanged.
    card_bytes: board_json::CardBytes,
    /// Unread counts and latest items per recipient, as committed.
    notifications: crate::notifications::NotificationState,
    /// Writes waiting for the next batch.
    writes: VecDeque<writer::Queued>,
    /// A batch is being committed.
    writing: bool,
    publisher: Publisher,
    /// The node's memory of WebSocket credentials (refreshed by rechecks).
    credentials: Arc<StreamCredentials>,
}

impl WorkspaceActor {
    pub(crate) fn new(
        id: Uuid,
        generation: u64,
        pool: Pool,
        cfg: Arc<RealtimeConfig>,
        registry: Recipient<WorkspaceStopped>,
        publisher: Publisher,
        credentials: Arc<StreamCredentials>,
    ) -> Self {
        Self {
            id,
            generation,
            pool,
            cfg,
            registry,
            epoch: 1,
            head: 0,
            ring: VecDeque::new(),
            pending: BTreeMap::new(),
            catchup_scheduled: false,
            catching_up: false,
            conns: HashMap::new(),
            idle_since: Instant::now(),
            presence: presence::Presence::default(),
            presence_flush_scheduled: false,
            deals: DealState::default(),
            leads: LeadState::default(),
            board_cache: HashMap::new(),
            card_bytes: Default::default(),
            notifications: Default::default(),
            writes: VecDeque::new(),
            writing: false,
            publisher,
            credentials,
        }
    }

    fn send(conn: &Conn, frame: Frame) -> bool {
        if conn.outlet.offer(frame) {
            return true;
        }
        // Over its byte bound, or gone: the session closes with 4008 (a
        // second close for the same session is ignored there).
        conn.session.do_send(Deliver(Self::slow_consumer()));
        false
    }

    fn slow_consumer() -> Frame {
        Frame::Close(close::SLOW_CONSUMER, "slow consumer: resume from your last seq".into())
    }

    fn send_msg(conn: &Conn, msg: &ServerMessage) -> bool {
        Self::send(conn, encode(msg, conn.encoding))
    }

    /// Applies the next event in order: ring, then fan-out.
    fn apply(&mut self, record: EventRecord, ctx: &mut Context<Self>) {
        self.head = record.seq;
        self.apply_to_state(&record);
        let event = EncodedEvent::new(record);
        self.ring.push_back(event.clone());
        self.trim_ring();
        self.fan_out(&event, ctx);
    }

    fn trim_ring(&mut self) {
        let min_age = chrono::Duration::from_std(self.cfg.ring_min_age).unwrap_or_default();
        let now = chrono::Utc::now();
        while self.ring.len() > self.cfg.ring_max_events
            || (self.ring.len() > self.cfg.ring_min_events
                && self.ring.front().is_some_and(|e| now - e.record.at > min_age))
        {
            self.ring.pop_front();
        }
    }

    /// Sends `event` to every subscription that may see it. Sessions whose
    /// mailbox is full or gone are dropped (they resume from their seq).
    fn fan_out(&mut self, event: &Arc<EncodedEvent>, ctx: &mut Context<Self>) {
        let r = &event.record;
        let mut dead = Vec::new();
        // Subscribers of the same topic that got the same previous event
        // get the same frame: its bytes are built once and shared.
        let mut built = SharedFrames::new();
        for (id, conn) in self.conns.iter_mut() {
            if !r.visibility.allows(&conn.viewer, &r.kind) {
                continue;
            }
            for (topic, sub) in conn.subs.iter_mut() {
                if sub.recovering || !topic_matches(topic, &r.topic) {
                    continue;
                }
                let same = built.entry((conn.encoding, sub.prev)).or_default();
                let frame = match same.iter().find(|(t, _)| t == topic) {
                    Some((_, f)) => f.clone(),
                    None => {
                        let f = event.frame(conn.encoding, topic, sub.prev);
                        same.push((topic.to_owned(), f.clone()));
                        f
                    }
                };
                sub.prev = Some(r.seq);
                if !conn.outlet.offer(frame) {
                    dead.push(*id);
                    break;
                }
            }
        }
        for id in dead {
            self.drop_slow(id, ctx);
        }
    }

    /// Detaches a session: its presence ends, and the actor may go idle.
    fn remove_conn(&mut self, id: u64, ctx: &mut Context<Self>) -> Option<Conn> {
        let conn = self.conns.remove(&id)?;
        if let Some(user) = conn.viewer.user_id() {
            for topic in conn.subs.topics().filter(|t| presence::is_presence(t)) {
                self.presence.leave(topic, user);
            }
            self.schedule_presence_flush(ctx);
        }
        if self.conns.is_empty() {
            self.idle_since = Instant::now();
        }
        Some(conn)
    }

    fn schedule_presence_flush(&mut self, ctx: &mut Context<Self>) {
        if self.presence_flush_scheduled || !self.presence.has_pending() {
            return;
        }
        self.presence_flush_scheduled = true;
        ctx.run_later(self.cfg.presence_flush, |act, _| {
            act.presence_flush_scheduled = false;
            for diff in act.presence.take_diffs() {
                let msg = ServerMessage::PresenceDiff {
                    topic: diff.topic.clone(),
                    joins: diff.joins.iter().map(Uuid::to_string).collect(),
                    leaves: diff.leaves.iter().map(Uuid::to_string).collect(),
                };
                let mut by_encoding: [Option<Frame>; 2] = [None, None];
                for conn in act.conns.values().filter(|c| c.subs.contains_key(&diff.topic)) {
                    let slot = usize::from(conn.encoding == Encoding::MsgPack);
                    let frame = by_encoding[slot].get_or_insert_with(|| encode(&msg, conn.encoding)).clone();
                    Self::send(conn, frame);
                }
            }
        });
    }

    fn drop_slow(&mut self, id: u64, ctx: &mut Context<Self>) {
        if let Some(conn) = self.remove_conn(id, ctx) {
            tracing::info!(workspace = %self.id, session = id, "dropping a session that stopped draining");
            // One control message, not fan-out: do_send may exceed capacity once.
            conn.session.do_send(Deliver(Self::slow_consumer()));
        }
    }

    /// Takes committed events from the bus in seq order.
    fn accept(&mut self, record: EventRecord, ctx: &mut Context<Self>) {
        tracing::trace!(workspace = %self.id, seq = record.seq, head = self.head, "committed event arrived");
        if record.epoch != self.epoch {
            self.epoch_changed(record.epoch, ctx);
            return;
        }
        if record.seq <= self.head {
            return;
        }
        if record.seq == self.head + 1 && !self.catching_up {
            self.apply(record, ctx);
            self.drain_pending(ctx);
        } else {
            self.pending.insert(record.seq, record);
            self.schedule_catchup(ctx);
        }
    }

    fn drain_pending(&mut self, ctx: &mut Context<Self>) {
        while let Some(entry) = self.pending.first_entry() {
            if *entry.key() <= self.head {
                entry.remove();
            } else if *entry.key() == self.head + 1 {
                let record = entry.remove();
                self.apply(record, ctx);
            } else {
                break;
            }
        }
    }

    /// A gap: give in-flight publications a moment, then read the table.
    fn schedule_catchup(&mut self, ctx: &mut Context<Self>) {
        if self.catchup_scheduled {
            return;
        }
        self.catchup_scheduled = true;
        ctx.run_later(self.cfg.gap_wait, |act, ctx| {
            act.catchup_scheduled = false;
            if act.pending.first_key_value().is_some_and(|(seq, _)| *seq > act.head + 1) {
                act.catch_up(ctx);
            }
        });
    }

    /// Reads everything after `head` from the table and applies it.
    fn catch_up(&mut self, ctx: &mut Context<Self>) {
        if self.catching_up {
            return;
        }
        self.catching_up = true;
        let pool = self.pool.clone();
        let (id, after) = (self.id, self.head);
        let batch = self.cfg.max_replay as i64;
        let fut = async move {
            let client = pool.get().await.map_err(|e| e.to_string())?;
            let (epoch, last) = store::select_stream_head(&client, id).await.map_err(|e| e.to_string())?;
            let events =
                store::select_events_between(&client, id, after, last, batch).await.map_err(|e| e.to_string())?;
            Ok::<_, String>((epoch, last, events))
        };
        ctx.spawn(fut.into_actor(self).map(|res, act, ctx| {
            act.catching_up = false;
            match res {
                Ok((epoch, _, _)) if epoch != act.epoch => act.epoch_changed(epoch, ctx),
                Ok((_, last, events)) => {
                    let expected_first = act.head + 1;
                    if events.first().is_some_and(|e| e.seq != expected_first) {
                        // The events we missed were pruned: continuity is lost.
                        act.reset_all("events_lost");
                        act.head = last;
                        act.ring.clear();
                        act.pending.retain(|seq, _| *seq > last);
                    } else {
                        for e in events {
                            if e.seq == act.head + 1 {
                                act.apply(e, ctx);
                            }
                        }
                    }
                    act.drain_pending(ctx);
                    if act.head < last || !act.pending.is_empty() {
                        act.catch_up(ctx);
                    }
                }
                Err(e) => {
                    tracing::warn!(workspace = %act.id, error = %e, "catch-up from the events table failed; retrying");
                    act.schedule_catchup(ctx);
                }
            }
        }));
    }

    fn epoch_changed(&mut self, epoch: i64, ctx: &mut Context<Self>) {
        tracing::warn!(workspace = %self.id, old = self.epoch, new = epoch, "stream epoch changed");
        self.epoch = epoch;
        self.ring.clear();
        self.pending.clear();
        self.reset_all("epoch_changed");
        self.load_state(true, ctx);
    }

    /// Keeps the hot state in step with events written elsewhere (another
    /// node, or a plain transaction). Snapshots carry versions, so an event
    /// of this actor's own batch, applied at its commit, changes nothing.
    fn apply_to_state(&mut self, r: &EventRecord) {
        let family = r.kind.split('.').next().unwrap_or("");
        match family {
            "deal" => {
                if let Some(v) = r.data.get("deal").cloned() {
                    match serde_json::from_value::<crate::deals::DealView>(v) {
                        Ok(view) => self.deals.apply_deal(view.deal),
                        Err(e) => {
                            tracing::warn!(workspace = %self.id, seq = r.seq, error = %e, "unreadable deal event")
                        }
                    }
                }
            }
            "lead" => {
                if let Some(v) = r.data.get("lead").cloned() {
                    if let Ok(view) = serde_json::from_value::<crate::leads::LeadView>(v) {
                        self.leads.apply_lead(view.lead);
                    }
                }
                if let Some(s) = r.data.get("source").cloned().and_then(|v| serde_json::from_value(v).ok()) {
                    self.leads.apply_source(s);
                }
                if let Some(w) = r.data.get("weights").cloned().and_then(|v| serde_json::from_value(v).ok()) {
                    self.leads.apply_weights(w);
                }
            }
            "activity" if r.kind == "activity.created" => {
                // A logged activity keeps its deal off the at-risk list.
                // (Its lead's engagement comes as the lead's own event.)
                let deal = r.data.get("deal_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
                if let Some(d) = deal {
                    self.deals.touch_activity(d, r.at);
                }
            }
            // Cards show contact and company names: keep them current.
            "contact" | "company" => {
                let id = r.data.get("id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
                let name = r.data.get("name").and_then(|v| v.as_str()).map(str::to_owned);
                let deleted = r.kind.ends_with(".deleted");
                if let Some(id) = id {
                    let name = if deleted { None } else { name };
                    if family == "contact" {
                        self.deals.rename_contact(id, name);
                    } else {
                        self.deals.rename_company(id, name);
                    }
                }
            }
            "pipeline" | "stage" => {
                if let Some(v) = r.data.get("pipeline").cloned() {
                    match serde_json::from_value(v) {
                        Ok(p) => self.deals.apply_pipeline(p),
                        Err(e) => {
                            tracing::warn!(workspace = %self.id, seq = r.seq, error = %e, "unreadable pipeline event")
                        }
                    }
                }
            }
            "notification" => {
                if let Err(e) = self.notifications.apply(&r.kind, &r.data) {
                    tracing::warn!(workspace = %self.id, seq = r.seq, error = %e, "unreadable notification event");
                }
            }
            _ => {}
        }
    }

    /// Tells every session to reload and drops their subscriptions.
    fn reset_all(&mut self, reason: &str) {
        let msg = ServerMessage::Reset { reason: reason.to_owned(), epoch: self.epoch, seq: self.head };
        for conn in self.conns.values_mut() {
            // Presence is not part of the event stream: it survives a reset.
            conn.subs.retain(presence::is_presence);
            Self::send_msg(conn, &msg);
        }
    }

    /// Loads the stream position and the deal state from one snapshot of
    /// the database; the actor handles nothing else meanwhile.
    /// `reset_head`: take the snapshot's position even if it is behind
    /// this actor's (a new epoch); otherwise the position only moves on.
    fn load_state(&mut self, reset_head: bool, ctx: &mut Context<Self>) {
        let pool = self.pool.clone();
        let id = self.id;
        let fut = async move {
            let mut client = pool.get().await.map_err(|e| e.to_string())?;
            let tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await
                .map_err(|e| e.to_string())?;
            let head = store::select_stream_head(&tx, id).await.map_err(|e| e.to_string())?;
            let (pipelines, deals) =
                crate::deals::store::select_deal_state(&tx, id).await.map_err(|e| e.to_string())?;
            let leads = crate::leads::store::select_lead_state(&tx, id).await.map_err(|e| e.to_string())?;
            let bells = crate::notifications::select_notification_state(&tx, id).await.map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((head, pipelines, deals, leads, bells))
        };
        let started = Instant::now();
        ctx.wait(fut.into_actor(self).map(move |res, act, ctx| match res {
            Ok(((epoch, seq), pipelines, deals, (leads, sources, weights), (unread, latest))) => {
                act.leads = LeadState::from_parts(leads, sources, weights);
                act.epoch = epoch;
                act.head = if reset_head { seq } else { act.head.max(seq) };
                act.deals = DealState::from_parts(pipelines, deals);
                act.notifications = crate::notifications::NotificationState::from_parts(unread, latest);
                tracing::debug!(workspace = %act.id, deals = act.deals.deal_count(), elapsed = ?started.elapsed(), "workspace state loaded");
                act.drain_pending(ctx);
            }
            Err(e) => {
                tracing::error!(workspace = %act.id, error = %e, "cannot load the workspace state; stopping");
                ctx.stop();
            }
        }));
    }

    /// Reloads the deal state after a write conflicted with another writer.
    pub(crate) fn reload_deals(&mut self, ctx: &mut Context<Self>) {
        self.load_state(false, ctx);
    }

    /// Closes connections whose credential no longer holds: a safety net
    /// under the immediate kicks, for a kick lost with Redis, a session
    /// that expired, or a role changed on another node.
    fn recheck(&mut self, ctx: &mut Context<Self>) {
        if self.conns.is_empty() {
            return;
        }
        // The viewers asked about: a connection that arrives while the
        // query runs is not judged by its answer.
        let checked: HashSet<Viewer> = self.conns.values().map(|c| c.viewer.clone()).collect();
        let (mut users, mut sessions, mut tokens) = (Vec::new(), Vec::new(), Vec::new());
        for viewer in &checked {
            match viewer {
                Viewer::Member { user_id, session_id, .. } => {
                    users.push(*user_id);
                    sessions.extend(*session_id);
                }
                Viewer::Token { token_id, .. } => tokens.push(*token_id),
            }
        }
        let pool = self.pool.clone();
        let id = self.id;
        let idle = self.cfg.session_idle.as_secs_f64();
        let fut = async move {
            let client = pool.get().await.map_err(|e| e.to_string())?;
            store::select_live_principals(&client, id, &users, &sessions, &tokens, idle)
                .await
                .map_err(|e| e.to_string())
        };
        ctx.spawn(fut.into_actor(self).map(move |res, act, ctx| {
            let live = match res {
                Ok(live) => live,
                Err(e) => return tracing::warn!(workspace = %act.id, error = %e, "credential recheck failed"),
            };
            act.credentials.confirm(act.id, &checked, &live);
            let (members, sessions, tokens) = &live;
            let stale: Vec<u64> = act
                .conns
                .iter()
                .filter(|(_, c)| {
                    checked.contains(&c.viewer) && !credentials::holds(&c.viewer, members, sessions, tokens)
                })
                .map(|(id, _)| *id)
                .collect();
            for id in stale {
                if let Some(conn) = act.remove_conn(id, ctx) {
                    conn.session
                        .do_send(Deliver(Frame::Close(close::REVOKED, "access changed; authenticate again".into())));
                }
            }
        }));
    }

    /// Validates topics; returns the first problem.
    fn check_topics(&self, conn: &Conn, topics: &[String]) -> Result<(), (&'static str, String)> {
        if topics.is_empty() {
            return Err(("invalid_topic", "name at least one topic".into()));
        }
        for t in topics {
            if presence::is_presence(t) && conn.viewer.user_id().is_none() {
                return Err(("invalid_topic", "presence topics are for people signed in, not API tokens".into()));
            }
            if !valid_topic(t) {
                return Err(("invalid_topic", format!("unknown topic `{}`", t.chars().take(80).collect::<String>())));
            }
        }
        let total = conn.subs.len() + topics.iter().filter(|t| !conn.subs.contains_key(t)).count();
        if total > self.cfg.max_subscriptions {
            return Err((
                "too_many_subscriptions",
                format!("at most {} subscriptions per connection", self.cfg.max_subscriptions),
            ));
        }
        Ok(())
    }

    fn subscribe(&mut self, mut msg: Subscribe, ctx: &mut Context<Self>) {
        // A topic this connection already has is not subscribed again (a
        // second presence join would never be balanced by a leave).
        if let Some(conn) = self.conns.get(&msg.session_id) {
            let before = msg.topics.len();
            msg.topics.retain(|t| !conn.subs.contains_key(t));
            msg.topics.dedup();
            if msg.topics.is_empty() && before > 0 {
                let (epoch, seq) = (self.epoch, self.head);
                Self::send_msg(
                    conn,
                    &ServerMessage::Error {
                        code: "already_subscribed".into(),
                        detail: format!("already subscribed; current position is epoch {epoch}, seq {seq}"),
                    },
                );
                return;
            }
        }
        let (epoch, head) = (self.epoch, self.head);
        let ring_start = self.ring.front().map(|e| e.record.seq).unwrap_or(head + 1);
        let max_replay = self.cfg.max_replay as i64;
        let Some(conn) = self.conns.get_mut(&msg.session_id) else { return };
        let topics = msg.topics;
        let reply = |conn: &Conn, m: ServerMessage| {
            Self::send_msg(conn, &m);
        };
        let Some(since) = msg.since else {
            for t in &topics {
                conn.subs.insert(t, Sub { prev: None, recovering: false });
            }
            reply(conn, ServerMessage::Subscribed { topics: topics.clone(), recovered: false, epoch, seq: head });
            self.join_presence(msg.session_id, &topics, ctx);
            return;
        };
        let reset = |conn: &Conn, reason: &str| {
            reply(conn, ServerMessage::Reset { reason: reason.to_owned(), epoch, seq: head });
        };
        if msg.epoch.is_some_and(|e| e != epoch) {
            return reset(conn, "epoch_changed");
        }
        if since > head || since < 0 {
            return reset(conn, "unknown_position");
        }
        if since + 1 >= ring_start {
            // Served from memory.
            for t in &topics {
                conn.subs.insert(t, Sub { prev: Some(since), recovering: false });
            }
            reply(conn, ServerMessage::Subscribed { topics: topics.clone(), recovered: true, epoch, seq: head });
            self.join_presence(msg.session_id, &topics, ctx);
            let replay: Vec<_> = self.ring.iter().filter(|e| e.record.seq > since).cloned().collect();
            self.replay_to(msg.session_id, &topics, &replay, ctx);
            return;
        }
        if head - since > max_replay {
            return reset(conn, "too_old");
        }
        // Older than the ring: read the table, live events wait in the ring.
        // `subscribed` is sent once the first read is known to be whole.
        for t in &topics {
            conn.subs.insert(t, Sub { prev: Some(since), recovering: true });
        }
        let session_id = msg.session_id;
        self.fetch_for_recovery(session_id, topics, since, ring_start - 1, false, ctx);
    }

    /// Reads `(after, upto]` from the table for a recovering subscription;
    /// [`Self::continue_recovery`] takes it from there.
    fn fetch_for_recovery(
        &mut self,
        session_id: u64,
        topics: Vec<String>,
        after: i64,
        upto: i64,
        announced: bool,
        ctx: &mut Context<Self>,
    ) {
        let pool = self.pool.clone();
        let id = self.id;
        let limit = self.cfg.max_replay as i64;
        let fut = async move {
            let client = pool.get().await.map_err(|e| e.to_string())?;
            store::select_events_between(&client, id, after, upto, limit).await.map_err(|e| e.to_string())
        };
        ctx.spawn(
            fut.into_actor(self)
                .map(move |res, act, ctx| act.continue_recovery(session_id, topics, after, upto, res, announced, ctx)),
        );
    }

    /// Sends what the table returned, then either reads on (the ring moved
    /// past `upto` meanwhile) or hands over to the ring and goes live. A
    /// range the table cannot serve whole ends in `reset`, never a gap.
    #[allow(clippy::too_many_arguments)]
    fn continue_recovery(
        &mut self,
        session_id: u64,
        topics: Vec<String>,
        after: i64,
        upto: i64,
        res: Result<Vec<EventRecord>, String>,
        announced: bool,
        ctx: &mut Context<Self>,
    ) {
        let (epoch, head) = (self.epoch, self.head);
        let max_replay = self.cfg.max_replay as i64;
        let Some(conn) = self.conns.get_mut(&session_id) else { return };
        let complete = match &res {
            Ok(events) => {
                after < upto
                    && events.first().map(|e| e.seq) == Some(after + 1)
                    && events.last().map(|e| e.seq) == Some(upto)
                    && head - upto <= max_replay
            }
            Err(_) => false,
        };
        if !complete {
            for t in &topics {
                conn.subs.remove(t);
            }
            let reason = if res.is_err() { "replay_failed" } else { "too_old" };
            Self::send_msg(conn, &ServerMessage::Reset { reason: reason.into(), epoch, seq: head });
            return;
        }
        if !announced {
            let subscribed = ServerMessage::Subscribed { topics: topics.clone(), recovered: true, epoch, seq: head };
            Self::send_msg(conn, &subscribed);
            self.join_presence(session_id, &topics, ctx);
        }
        let from_table: Vec<Arc<EncodedEvent>> = res.unwrap_or_default().into_iter().map(EncodedEvent::new).collect();
        self.replay_with(session_id, &topics, &from_table, true, ctx);
        let ring_start = self.ring.front().map(|e| e.record.seq).unwrap_or(self.head + 1);
        if ring_start > upto + 1 {
            // Live events went past the ring while we read: read those too.
            return self.fetch_for_recovery(session_id, topics, upto, ring_start - 1, true, ctx);
        }
        let Some(conn) = self.conns.get_mut(&session_id) else { return };
        for t in &topics {
            if let Some(sub) = conn.subs.get_mut(t) {
                sub.recovering = false;
            }
        }
        let from_ring: Vec<_> = self.ring.iter().filter(|e| e.record.seq > upto).cloned().collect();
        self.replay_to(session_id, &topics, &from_ring, ctx);
    }

    /// Marks a member present on the presence topics among `topics` and
    /// sends them who is there.
    fn join_presence(&mut self, session_id: u64, topics: &[String], ctx: &mut Context<Self>) {
        let Some(conn) = self.conns.get(&session_id) else { return };
        let Some(user) = conn.viewer.user_id() else { return };
        for t in topics.iter().filter(|t| presence::is_presence(t)) {
            self.presence.join(t, user);
            let users = self.presence.users(t).iter().map(Uuid::to_string).collect();
            Self::send_msg(conn, &ServerMessage::PresenceState { topic: t.clone(), users });
        }
        self.schedule_presence_flush(ctx);
    }

    /// Sends `events` (in order) to `topics` of one session, filtered.
    fn replay_to(&mut self, session_id: u64, topics: &[String], events: &[Arc<EncodedEvent>], ctx: &mut Context<Self>) {
        self.replay_with(session_id, topics, events, false, ctx);
    }

    /// As [`Self::replay_to`]; `recovering` sends to subscriptions still
    /// being replayed from the table (and only to those).
    fn replay_with(
        &mut self,
        session_id: u64,
        topics: &[String],
        events: &[Arc<EncodedEvent>],
        recovering: bool,
        ctx: &mut Context<Self>,
    ) {
        let Some(conn) = self.conns.get_mut(&session_id) else { return };
        let mut ok = true;
        'events: for e in events {
            let r = &e.record;
            if !r.visibility.allows(&conn.viewer, &r.kind) {
                continue;
            }
            for t in topics {
                let Some(sub) = conn.subs.get_mut(t) else { continue };
                if sub.recovering != recovering || !topic_matches(t, &r.topic) || sub.prev.is_some_and(|p| p >= r.seq) {
                    continue;
                }
                let frame = e.frame(conn.encoding, t, sub.prev);
                sub.prev = Some(r.seq);
                if !conn.outlet.offer(frame) {
                    ok = false;
                    break 'events;
                }
            }
        }
        if !ok {
            self.drop_slow(session_id, ctx);
        }
    }
}

/// Topics a client may name.
pub fn valid_topic(t: &str) -> bool {
    match t {
        "workspace" | "leads" | "contacts" | "activities" | "notifications" | "dashboard" | "imports" => true,
        _ => {
            if let Some(id) = t.strip_prefix("pipeline:") {
                Uuid::parse_str(id).is_ok()
            } else if let Some(res) = t.strip_prefix("presence:") {
                !res.is_empty()
                    && res.len() <= 100
                    && res.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_:".contains(&b))
            } else {
                false
            }
        }
    }
}

impl Actor for WorkspaceActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(self.cfg.workspace_mailbox);
        self.load_state(true, ctx);
        ctx.run_interval(self.cfg.recheck_interval, |act, ctx| act.recheck(ctx));
        let idle = self.cfg.idle_timeout;
        ctx.run_interval(idle.min(Duration::from_secs(30)).max(Duration::from_millis(50)), move |act, ctx| {
            if act.conns.is_empty() && !act.writing && act.writes.is_empty() && act.idle_since.elapsed() >= idle {
                tracing::debug!(workspace = %act.id, "workspace actor idle; stopping");
                ctx.stop();
            }
        });
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.registry.do_send(WorkspaceStopped { workspace_id: self.id, generation: self.generation });
    }
}

impl Handler<Connect> for WorkspaceActor {
    type Result = Option<StreamHead>;
    fn handle(&mut self, msg: Connect, _: &mut Self::Context) -> Option<StreamHead> {
        if self.credentials.kicked_since(msg.credential_epoch, self.id, &msg.viewer) {
            // Kicked while its credential was being resolved.
            return None;
        }
        self.conns.insert(
            msg.session_id,
            Conn {
                session: msg.session,
                outlet: msg.outlet,
                viewer: msg.viewer,
                encoding: msg.encoding,
                subs: Subs::default(),
            },
        );
        Some(StreamHead { epoch: self.epoch, seq: self.head })
    }
}

impl Handler<Disconnect> for WorkspaceActor {
    type Result = ();
    fn handle(&mut self, msg: Disconnect, ctx: &mut Self::Context) {
        self.remove_conn(msg.session_id, ctx);
    }
}

impl Handler<Subscribe> for WorkspaceActor {
    type Result = ();
    fn handle(&mut self, msg: Subscribe, ctx: &mut Self::Context) {
        let Some(conn) = self.conns.get(&msg.session_id) else { return };
        if let Err((code, detail)) = self.check_topics(conn, &msg.topics) {
            Self::send_msg(conn, &ServerMessage::Error { code: code.into(), detail });
            return;
        }
        self.subscribe(msg, ctx);
    }
}

impl Handler<Unsubscribe> for WorkspaceActor {
    type Result = ();
    fn handle(&mut self, msg: Unsubscribe, ctx: &mut Self::Context) {
        let Some(conn) = self.conns.get_mut(&msg.session_id) else { return };
        let user = conn.viewer.user_id();
        for t in &msg.topics {
            if conn.subs.remove(t).is_some() && presence::is_presence(t) {
                if let Some(u) = user {
                    self.presence.leave(t, u);
                }
            }
        }
        Self::send_msg(conn, &ServerMessage::Unsubscribed { topics: msg.topics });
        self.schedule_presence_flush(ctx);
    }
}

impl Handler<Committed> for WorkspaceActor {
    type Result = ();
    fn handle(&mut self, msg: Committed, ctx: &mut Self::Context) {
        self.accept(msg.0, ctx);
    }
}

impl Handler<Resync> for WorkspaceActor {
    type Result = ();
    fn handle(&mut self, _: Resync, ctx: &mut Self::Context) {
        self.catch_up(ctx);
    }
}

impl Handler<Kick> for WorkspaceActor {
    type Result = usize;
    fn handle(&mut self, msg: Kick, ctx: &mut Self::Context) -> usize {
        let ids: Vec<u64> =
            self.conns.iter().filter(|(_, c)| msg.principal.matches(&c.viewer)).map(|(id, _)| *id).collect();
        for id in &ids {
            if let Some(conn) = self.remove_conn(*id, ctx) {
                // One control message per kicked session.
                conn.session.do_send(Deliver(Frame::Close(close::REVOKED, "access revoked".into())));
            }
        }
        ids.len()
    }
}

impl Handler<CloseAll> for WorkspaceActor {
    type Result = ();
    fn handle(&mut self, msg: CloseAll, ctx: &mut Self::Context) {
        let ids: Vec<u64> = self.conns.keys().copied().collect();
        for id in ids {
            if let Some(conn) = self.remove_conn(id, ctx) {
                // One control message per session.
                conn.session.do_send(Deliver(Frame::Close(msg.code, msg.reason.clone())));
            }
        }
    }
}

impl Handler<Write> for WorkspaceActor {
    type Result = ();
    fn handle(&mut self, msg: Write, ctx: &mut Self::Context) {
        self.enqueue(msg, ctx);
    }
}

/// How long a cached board may be served: its stale, at-risk and SLA
/// flags depend on the time, at day granularity.
const BOARD_CACHE_TTL: Duration = Duration::from_secs(60);

impl Handler<GetBoard> for WorkspaceActor {
    type Result = Option<bytes::Bytes>;
    fn handle(&mut self, msg: GetBoard, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        // An unfiltered board is encoded once per change and reader class
        // (everyone who sees all deals, or one rep), then shared.
        let cacheable = msg.filter == crate::deals::DealFilter::default();
        let key = (msg.pipeline_id, if msg.reader.sees_all { None } else { msg.reader.user_id });
        let stamp = (self.deals.revision(), self.epoch, self.head);
        if cacheable {
            if let Some(c) = self.board_cache.get(&key) {
                if c.stamp == stamp && c.built.elapsed() < BOARD_CACHE_TTL {
                    return Some(c.body.clone());
                }
            }
        }
        let at = board_json::Position { seq: self.head, epoch: self.epoch };
        let encoded =
            self.card_bytes.encode(&self.deals, msg.pipeline_id, &msg.filter, &msg.reader, chrono::Utc::now(), at)?;
        let body = bytes::Bytes::from(encoded.ok()?);
        if cacheable {
            if self.board_cache.len() >= 16 {
                self.board_cache.clear();
            }
            self.board_cache.insert(key, CachedBoard { stamp, built: Instant::now(), body: body.clone() });
        }
        Some(body)
    }
}

/// A board encoded as JSON, and what it was built from.
struct CachedBoard {
    /// Deal state revision, epoch and head.
    stamp: (u64, i64, i64),
    built: Instant,
    body: bytes::Bytes,
}

impl Handler<GetLead> for WorkspaceActor {
    type Result = Option<crate::leads::LeadView>;
    fn handle(&mut self, msg: GetLead, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        let l = self.leads.lead(msg.id).filter(|l| l.deleted_at.is_none() && msg.reader.sees(l))?;
        Some(crate::leads::LeadView::of(l, chrono::Utc::now()))
    }
}

impl Handler<ListLeads> for WorkspaceActor {
    type Result = MessageResult<ListLeads>;
    fn handle(&mut self, m: ListLeads, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        MessageResult(self.leads.list(&m.filter, &m.reader, m.page, chrono::Utc::now()))
    }
}

impl Handler<LeadSettings> for WorkspaceActor {
    type Result = MessageResult<LeadSettings>;
    fn handle(&mut self, _: LeadSettings, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        MessageResult((self.leads.sources().to_vec(), self.leads.weights()))
    }
}

impl Handler<ListPipelines> for WorkspaceActor {
    type Result = Vec<crate::deals::Pipeline>;
    fn handle(&mut self, _: ListPipelines, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        self.deals.pipelines_in_order()
    }
}

impl Handler<GetDeal> for WorkspaceActor {
    type Result = Option<crate::deals::DealView>;
    fn handle(&mut self, msg: GetDeal, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        let d = self.deals.deal(msg.id).filter(|d| msg.reader.sees(d))?;
        Some(self.deals.view(d, chrono::Utc::now()))
    }
}

impl Handler<ListDeals> for WorkspaceActor {
    type Result = MessageResult<ListDeals>;
    fn handle(&mut self, m: ListDeals, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        MessageResult(self.deals.list(&m.filter, &m.reader, m.page, chrono::Utc::now()))
    }
}

impl Handler<GetNotificationSummary> for WorkspaceActor {
    type Result = MessageResult<GetNotificationSummary>;
    fn handle(&mut self, m: GetNotificationSummary, _: &mut Self::Context) -> Self::Result {
        self.idle_since = Instant::now();
        MessageResult(self.notifications.summary(m.user_id))
    }
}

/// The frames of one event built so far, by encoding and `prev`, then
/// topic: subscriptions at the same position share one.
type SharedFrames = HashMap<(Encoding, Option<i64>), Vec<(String, Frame)>>;

#[cfg(test)]
mod tests {
    use super::valid_topic;

    #[test]
    fn topics() {
        for (t, ok) in [
            ("workspace", true),
            ("leads", true),
            ("pipeline:6f1c2b1e-8f39-4c8e-9d0b-1a2b3c4d5e6f", true),
            ("pipeline:nope", false),
            ("presence:board-1", true),
            ("presence:", false),
            ("everything", false),
        ] {
            assert_eq!(valid_topic(t), ok, "{t}");
        }
    }
}
