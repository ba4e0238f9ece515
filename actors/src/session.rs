//! One actor per WebSocket connection. It owns the socket (actix-ws),
//! parses client messages, forwards subscriptions to its workspace actor,
//! and writes outbound frames through a queue bounded in bytes: a client
//! that stops reading is closed with `4008` when its queue passes the
//! bound, and the workspace actor never waits for it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use actix::prelude::*;
use actix_ws::{CloseCode, CloseReason, Message, ProtocolError};
use bytes::Bytes;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::handle::RealtimeConfig;
use crate::principal::Viewer;
use crate::protocol::{close, encode, ClientMessage, Encoding, Frame, ServerMessage};
use crate::workspace::messages::{Connect, Deliver, Disconnect, Subscribe, Unsubscribe};
use crate::workspace::WorkspaceActor;

enum Outbound {
    Frame(Frame),
    Ping,
    Pong(Bytes),
}

/// A connection's outbound queue: what waits for its writer task. Its
/// bound is in bytes and checked by the senders (`queued`), so the queue
/// itself is unbounded. Not a tokio channel: an idle connection holds its
/// queue for hours, and a tokio channel costs about 1.8 KB even when empty
/// (a first block of 32 slots and cache-padded fields), against a few
/// hundred bytes here (BENCHMARKS.md, idle connections).
struct Queue {
    items: Mutex<VecDeque<Outbound>>,
    /// Wakes the writer; a wakeup with no writer waiting is kept for it.
    ready: Notify,
    /// Live senders: the writer ends once none is left and the queue is empty.
    senders: AtomicUsize,
    /// Cleared when the writer ends; sends fail from then on.
    open: AtomicBool,
}

impl Queue {
    fn items(&self) -> MutexGuard<'_, VecDeque<Outbound>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn queue() -> (QueueTx, QueueRx) {
    let q = Arc::new(Queue {
        items: Mutex::new(VecDeque::new()),
        ready: Notify::new(),
        senders: AtomicUsize::new(1),
        open: AtomicBool::new(true),
    });
    (QueueTx(q.clone()), QueueRx(q))
}

struct QueueTx(Arc<Queue>);

impl QueueTx {
    /// Queues `item`; `Err` once the writer has ended.
    fn send(&self, item: Outbound) -> Result<(), Outbound> {
        if !self.0.open.load(Ordering::Acquire) {
            return Err(item);
        }
        self.0.items().push_back(item);
        self.0.ready.notify_one();
        Ok(())
    }
}

impl Clone for QueueTx {
    fn clone(&self) -> Self {
        self.0.senders.fetch_add(1, Ordering::Relaxed);
        QueueTx(self.0.clone())
    }
}

impl Drop for QueueTx {
    fn drop(&mut self) {
        if self.0.senders.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.ready.notify_one();
        }
    }
}

struct QueueRx(Arc<Queue>);

impl QueueRx {
    /// The next item; `None` once every sender is gone and nothing is left.
    async fn recv(&mut self) -> Option<Outbound> {
        loop {
            if let Some(item) = self.0.items().pop_front() {
                return Some(item);
            }
            if self.0.senders.load(Ordering::Acquire) == 0 {
                return None;
            }
            self.0.ready.notified().await;
        }
    }
}

impl Drop for QueueRx {
    fn drop(&mut self) {
        self.0.open.store(false, Ordering::Release);
        self.0.items().clear();
    }
}

/// The write side of a connection, handed to its workspace so events go
/// straight to the connection's writer task, without a hop through the
/// session actor. Shares the session's byte count and bound.
pub struct Outlet {
    tx: QueueTx,
    queued: Arc<AtomicUsize>,
    max_bytes: usize,
}

impl Outlet {
    /// Queues a frame for writing; `false` when it would pass the
    /// connection's byte bound or the connection is gone (the caller then
    /// closes it through the session actor).
    pub(crate) fn offer(&self, frame: Frame) -> bool {
        let len = frame.len();
        if self.queued.load(Ordering::Relaxed) + len > self.max_bytes {
            return false;
        }
        self.queued.fetch_add(len, Ordering::Relaxed);
        self.tx.send(Outbound::Frame(frame)).is_ok()
    }
}

pub struct WsSession {
    id: u64,
    workspace_id: Uuid,
    workspace: Addr<WorkspaceActor>,
    viewer: Viewer,
    encoding: Encoding,
    /// The credential epoch read before the handshake resolved `viewer`.
    credential_epoch: u64,
    cfg: Arc<RealtimeConfig>,
    /// Bytes queued for the writer and not yet written.
    queued: Arc<AtomicUsize>,
    out: QueueTx,
    last_seen: Instant,
    closing: bool,
    /// Released when the session ends (connection limits).
    _guard: Box<dyn Send>,
}

impl WsSession {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn start(
        id: u64,
        workspace_id: Uuid,
        workspace: Addr<WorkspaceActor>,
        viewer: Viewer,
        encoding: Encoding,
        credential_epoch: u64,
        cfg: Arc<RealtimeConfig>,
        ws: actix_ws::Session,
        stream: actix_ws::MessageStream,
        guard: Box<dyn Send>,
    ) -> Addr<Self> {
        let queued = Arc::new(AtomicUsize::new(0));
        // The queue is bounded by `queued` (bytes), checked on every enqueue.
        let (tx, rx) = queue();
        actix::spawn(write_loop(ws, rx, queued.clone()));
        let stream = stream.max_frame_size(cfg.max_frame_bytes);
        WsSession::create(move |ctx| {
            ctx.add_stream(stream);
            WsSession {
                id,
                workspace_id,
                workspace,
                viewer,
                encoding,
                credential_epoch,
                cfg,
                queued,
                out: tx,
                last_seen: Instant::now(),
                closing: false,
                _guard: guard,
            }
        })
    }

    /// Queues a frame, closing the connection when it would pass the bound.
    fn push(&mut self, frame: Frame, ctx: &mut Context<Self>) {
        if self.closing {
            return;
        }
        if let Frame::Close(code, reason) = frame {
            return self.close(code, &reason, ctx);
        }
        let len = frame.len();
        if self.queued.load(Ordering::Relaxed) + len > self.cfg.outbound_max_bytes {
            tracing::info!(session = self.id, workspace = %self.workspace_id, "outbound queue over its bound; closing");
            return self.close(close::SLOW_CONSUMER, "slow consumer: resume from your last seq", ctx);
        }
        self.queued.fetch_add(len, Ordering::Relaxed);
        if self.out.send(Outbound::Frame(frame)).is_err() {
            ctx.stop();
        }
    }

    fn send_msg(&mut self, msg: &ServerMessage, ctx: &mut Context<Self>) {
        self.push(encode(msg, self.encoding), ctx);
    }

    fn close(&mut self, code: u16, reason: &str, ctx: &mut Context<Self>) {
        if self.closing {
            return;
        }
        self.closing = true;
        // The close frame bypasses the byte bound: it must get out.
        let _ = self.out.send(Outbound::Frame(Frame::Close(code, reason.to_owned())));
        ctx.stop();
    }

    fn on_client_message(&mut self, msg: ClientMessage, ctx: &mut Context<Self>) {
        match msg {
            ClientMessage::Ping => self.send_msg(&ServerMessage::Pong, ctx),
            ClientMessage::Subscribe { topics, since, epoch } => {
                let m = Subscribe { session_id: self.id, topics, since, epoch };
                if self.workspace.try_send(m).is_err() {
                    self.send_msg(
                        &ServerMessage::Error { code: "busy".into(), detail: "the workspace is busy; retry".into() },
                        ctx,
                    );
                }
            }
            ClientMessage::Unsubscribe { topics } => {
                if self.workspace.try_send(Unsubscribe { session_id: self.id, topics }).is_err() {
                    self.send_msg(
                        &ServerMessage::Error { code: "busy".into(), detail: "the workspace is busy; retry".into() },
                        ctx,
                    );
                }
            }
        }
    }

    fn bad_message(&mut self, detail: String, ctx: &mut Context<Self>) {
        self.send_msg(&ServerMessage::Error { code: "bad_message".into(), detail }, ctx);
    }
}

async fn write_loop(mut ws: actix_ws::Session, mut rx: QueueRx, queued: Arc<AtomicUsize>) {
    while let Some(item) = rx.recv().await {
        let result = match item {
            Outbound::Ping => ws.ping(b"").await,
            Outbound::Pong(payload) => ws.pong(&payload).await,
            Outbound::Frame(frame) => {
                let len = frame.len();
                let r = match frame {
                    Frame::Text(b) => match bytestring::ByteString::try_from(b) {
                        Ok(s) => ws.text(s).await,
                        Err(_) => Ok(()),
                    },
                    Frame::Binary(b) => ws.binary(b).await,
                    Frame::Close(code, reason) => {
                        let _ = ws
                            .close(Some(CloseReason { code: CloseCode::from(code), description: Some(reason) }))
                            .await;
                        return;
                    }
                };
                queued.fetch_sub(len, Ordering::Relaxed);
                r
            }
        };
        if result.is_err() {
            return;
        }
    }
    let _ = ws.close(Some(CloseReason { code: CloseCode::Away, description: None })).await;
}

impl Actor for WsSession {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(self.cfg.session_mailbox);
        let connect = Connect {
            session_id: self.id,
            session: ctx.address().recipient(),
            viewer: self.viewer.clone(),
            encoding: self.encoding,
            credential_epoch: self.credential_epoch,
            outlet: Outlet {
                tx: self.out.clone(),
                queued: self.queued.clone(),
                max_bytes: self.cfg.outbound_max_bytes,
            },
        };
        ctx.wait(self.workspace.send(connect).into_actor(self).map(|res, act, ctx| match res {
            Ok(Some(head)) => {
                let welcome = ServerMessage::Welcome {
                    session: format!("{:x}", act.id),
                    workspace: act.workspace_id,
                    epoch: head.epoch,
                    seq: head.seq,
                    heartbeat_secs: act.cfg.heartbeat_interval.as_secs(),
                };
                act.send_msg(&welcome, ctx);
            }
            Ok(None) => act.close(close::REVOKED, "access changed while connecting; authenticate again", ctx),
            Err(_) => act.close(1011, "workspace unavailable; retry", ctx),
        }));
        let (interval, timeout) = (self.cfg.heartbeat_interval, self.cfg.heartbeat_timeout);
        ctx.run_interval(interval, move |act, ctx| {
            if act.last_seen.elapsed() > interval + timeout {
                act.close(close::HEARTBEAT_TIMEOUT, "heartbeat timeout", ctx);
            } else {
                let _ = act.out.send(Outbound::Ping);
            }
        });
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        // One control message when the connection ends.
        self.workspace.do_send(Disconnect { session_id: self.id });
    }
}

impl Handler<Deliver> for WsSession {
    type Result = ();
    fn handle(&mut self, msg: Deliver, ctx: &mut Self::Context) {
        self.push(msg.0, ctx);
    }
}

impl StreamHandler<Result<Message, ProtocolError>> for WsSession {
    fn handle(&mut self, item: Result<Message, ProtocolError>, ctx: &mut Self::Context) {
        self.last_seen = Instant::now();
        let msg = match item {
            Ok(m) => m,
            Err(ProtocolError::Overflow) => return self.close(1009, "frame too large", ctx),
            Err(_) => return self.close(1002, "protocol error", ctx),
        };
        match msg {
            Message::Text(text) => match serde_json::from_str::<ClientMessage>(&text) {
                Ok(m) => self.on_client_message(m, ctx),
                Err(e) => self.bad_message(format!("not a client message: {e}"), ctx),
            },
            Message::Binary(bin) => match rmp_serde::from_slice::<ClientMessage>(&bin) {
                Ok(m) => self.on_client_message(m, ctx),
                Err(e) => self.bad_message(format!("not a MessagePack client message: {e}"), ctx),
            },
            Message::Ping(payload) => {
                let _ = self.out.send(Outbound::Pong(payload));
            }
            Message::Pong(_) | Message::Nop => {}
            Message::Close(_) => {
                self.closing = true;
                let _ = self.out.send(Outbound::Frame(Frame::Close(1000, String::new())));
                ctx.stop();
            }
            Message::Continuation(_) => self.close(1003, "fragmented messages are not supported", ctx),
        }
    }

    fn finished(&mut self, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pong(n: u8) -> Outbound {
        Outbound::Pong(Bytes::from(vec![n]))
    }

    fn payload(item: Option<Outbound>) -> Option<u8> {
        match item {
            Some(Outbound::Pong(b)) => b.first().copied(),
            _ => None,
        }
    }

    #[tokio::test]
    async fn the_queue_keeps_order_and_ends_when_the_last_sender_goes() {
        let (tx, mut rx) = queue();
        let other = tx.clone();
        assert!(tx.send(pong(1)).is_ok());
        assert!(other.send(pong(2)).is_ok());
        drop(tx);
        assert_eq!(payload(rx.recv().await), Some(1));
        assert_eq!(payload(rx.recv().await), Some(2));
        // One sender is still alive: a send from another task wakes the writer.
        let writer = tokio::spawn(async move { payload(rx.recv().await) });
        tokio::task::yield_now().await;
        assert!(other.send(pong(3)).is_ok());
        assert_eq!(writer.await.ok().flatten(), Some(3));
    }

    #[tokio::test]
    async fn the_writer_ends_once_every_sender_is_gone() {
        let (tx, mut rx) = queue();
        let waiting = tokio::spawn(async move { rx.recv().await.is_none() });
        tokio::task::yield_now().await;
        drop(tx);
        assert_eq!(waiting.await.ok(), Some(true));
    }

    #[test]
    fn sends_fail_once_the_writer_has_ended() {
        let (tx, rx) = queue();
        assert!(tx.send(pong(1)).is_ok());
        drop(rx);
        assert!(tx.send(pong(2)).is_err());
    }
}
