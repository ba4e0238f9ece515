//! One actor per WebSocket connection. It owns the socket: actix-ws does
//! the handshake and reads the client's frames (`MessageStream`); the
//! session parses client messages, forwards subscriptions to its
//! workspace actor, and queues outbound frames in a queue bounded in
//! bytes. The queue is the response body itself ([`SessionBody`]): the
//! connection's HTTP dispatcher writes it as WebSocket frames whenever the
//! socket can take them. A client that stops reading is closed with
//! `4008` when its queue passes the bound, and the workspace actor never
//! waits for it.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};
use std::time::Instant;

use actix::prelude::*;
use actix_http::body::{BodySize, MessageBody};
use actix_http::ws::{CloseCode, CloseReason, OpCode, Parser};
use actix_ws::{Message, ProtocolError};
use bytes::{Bytes, BytesMut};
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

/// A connection's outbound queue: what waits for the socket. Its bound is
/// in bytes and checked by the senders (`queued`), so the queue itself is
/// unbounded.
///
/// Not a tokio channel, and not actix-ws's `Session` (a tokio channel and a
/// writer task): an idle connection holds its queue for hours, and a tokio
/// channel costs about 1.8 KB even when empty (a first block of 32 slots
/// and cache-padded fields), a writer task about 0.6 KB more, against a
/// few hundred bytes here (BENCHMARKS.md, idle connections).
struct Queue {
    state: Mutex<Waiting>,
    /// Live senders: the body ends once none is left and the queue is empty.
    senders: AtomicUsize,
    /// Cleared when the session closes the connection or the body is
    /// dropped (the connection is gone); sends fail from then on.
    open: AtomicBool,
}

struct Waiting {
    items: VecDeque<Outbound>,
    /// The body's task, waiting for an item.
    reader: Option<Waker>,
}

impl Queue {
    fn state(&self) -> MutexGuard<'_, Waiting> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn queue(queued: Arc<AtomicUsize>, guard: Box<dyn Send>) -> (QueueTx, SessionBody) {
    let q = Arc::new(Queue {
        state: Mutex::new(Waiting { items: VecDeque::new(), reader: None }),
        senders: AtomicUsize::new(1),
        open: AtomicBool::new(true),
    });
    (QueueTx(q.clone()), SessionBody { queue: q, queued, buf: BytesMut::new(), done: false, _guard: guard })
}

struct QueueTx(Arc<Queue>);

impl QueueTx {
    /// Queues `item`; `Err` once the connection is gone or closing.
    fn send(&self, item: Outbound) -> Result<(), Outbound> {
        let reader = {
            let mut s = self.0.state();
            // Under the lock `close` takes: nothing lands after a close frame.
            if !self.0.open.load(Ordering::Acquire) {
                return Err(item);
            }
            s.items.push_back(item);
            s.reader.take()
        };
        if let Some(w) = reader {
            w.wake();
        }
        Ok(())
    }

    /// Replaces whatever is queued with `close`, and refuses every later
    /// send: frames not yet written are dropped (the client resumes from
    /// its seq), so a connection closed because it stopped reading holds
    /// no more than its close frame while the socket stays full.
    fn close(&self, close: Frame) {
        let reader = {
            let mut s = self.0.state();
            self.0.open.store(false, Ordering::Release);
            s.items.clear();
            s.items.push_back(Outbound::Frame(close));
            s.reader.take()
        };
        if let Some(w) = reader {
            w.wake();
        }
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
            // Taken under the lock the body checks `senders` under, so the
            // last drop cannot slip between that check and its wait.
            let reader = self.0.state().reader.take();
            if let Some(w) = reader {
                w.wake();
            }
        }
    }
}

/// Most bytes one poll of a [`SessionBody`] hands to the connection.
const CHUNK_BYTES: usize = 64 * 1024;

/// The response body of a stream connection: its session's outbound
/// queue, encoded as WebSocket frames (server frames are not masked) when
/// the HTTP dispatcher asks for more, that is when the socket can take
/// them. It ends after a close frame: the session's, or `1001` once every
/// sender is gone.
pub struct SessionBody {
    queue: Arc<Queue>,
    /// The session's count of queued bytes, lowered as frames are written.
    queued: Arc<AtomicUsize>,
    buf: BytesMut,
    done: bool,
    /// Released when the connection ends (connection limits), which may
    /// be after its session has stopped: a connection closed while its
    /// client does not read lingers until the socket gives up
    /// (`PULSE_TCP_USER_TIMEOUT_SECS`), and counts until then.
    _guard: Box<dyn Send>,
}

/// Encodes `item` into `buf`; `true` for a close frame (the body ends).
/// Data frames leave the session's byte count as they are written.
fn write_frame(buf: &mut BytesMut, queued: &AtomicUsize, item: Outbound) -> bool {
    let (payload, op) = match item {
        Outbound::Ping => (Bytes::new(), OpCode::Ping),
        Outbound::Pong(payload) => (payload, OpCode::Pong),
        Outbound::Frame(Frame::Close(code, reason)) => {
            let reason = CloseReason { code: CloseCode::from(code), description: Some(reason) };
            Parser::write_close(buf, Some(reason), false);
            return true;
        }
        // Event frames are JSON built by serde_json: UTF-8.
        Outbound::Frame(Frame::Text(b)) => (b, OpCode::Text),
        Outbound::Frame(Frame::Binary(b)) => (b, OpCode::Binary),
    };
    if matches!(op, OpCode::Text | OpCode::Binary) {
        queued.fetch_sub(payload.len(), Ordering::Relaxed);
    }
    Parser::write_message(buf, payload, op, true, false);
    false
}

impl MessageBody for SessionBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let SessionBody { queue, queued, buf, done, .. } = self.get_mut();
        if *done {
            return Poll::Ready(None);
        }
        let mut s = queue.state();
        while !*done && buf.len() < CHUNK_BYTES {
            let Some(item) = s.items.pop_front() else { break };
            *done = write_frame(buf, queued, item);
        }
        if buf.is_empty() {
            if queue.senders.load(Ordering::Acquire) > 0 {
                if !s.reader.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    s.reader = Some(cx.waker().clone());
                }
                return Poll::Pending;
            }
            let reason = CloseReason { code: CloseCode::Away, description: None };
            Parser::write_close(buf, Some(reason), false);
            *done = true;
        }
        drop(s);
        Poll::Ready(Some(Ok(buf.split().freeze())))
    }
}

impl Drop for SessionBody {
    fn drop(&mut self) {
        self.queue.open.store(false, Ordering::Release);
        self.queue.state().items.clear();
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
}

impl WsSession {
    /// Starts the session of an accepted connection; the returned body is
    /// its response's body (what the session sends).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn start(
        id: u64,
        workspace_id: Uuid,
        workspace: Addr<WorkspaceActor>,
        viewer: Viewer,
        encoding: Encoding,
        credential_epoch: u64,
        cfg: Arc<RealtimeConfig>,
        stream: actix_ws::MessageStream,
        guard: Box<dyn Send>,
    ) -> SessionBody {
        let queued = Arc::new(AtomicUsize::new(0));
        // The queue is bounded by `queued` (bytes), checked on every enqueue.
        let (tx, body) = queue(queued.clone(), guard);
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
            }
        });
        body
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
        // The close frame bypasses the byte bound and replaces what is
        // still queued.
        self.out.close(Frame::Close(code, reason.to_owned()));
        self.queued.store(0, Ordering::Relaxed);
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
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn pong(n: u8) -> Outbound {
        Outbound::Pong(Bytes::from(vec![n]))
    }

    fn frame(payload: &[u8], op: OpCode) -> Vec<u8> {
        let mut b = BytesMut::new();
        Parser::write_message(&mut b, payload, op, true, false);
        b.to_vec()
    }

    fn close_frame(code: CloseCode, reason: Option<&str>) -> Vec<u8> {
        let mut b = BytesMut::new();
        let reason = CloseReason { code, description: reason.map(str::to_owned) };
        Parser::write_close(&mut b, Some(reason), false);
        b.to_vec()
    }

    /// The body's next chunk, or `None` when it has ended.
    async fn next(body: &mut SessionBody) -> Option<Vec<u8>> {
        std::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx)).await.map(|r| r.unwrap().to_vec())
    }

    fn now_or_never(body: &mut SessionBody) -> Poll<Option<Vec<u8>>> {
        let mut cx = std::task::Context::from_waker(Waker::noop());
        Pin::new(body).poll_next(&mut cx).map(|o| o.map(|r| r.unwrap().to_vec()))
    }

    #[tokio::test]
    async fn frames_are_written_in_order_and_counted_off_the_bound() {
        let queued = Arc::new(AtomicUsize::new(0));
        let (tx, mut body) = queue(queued.clone(), Box::new(()));
        let text = Bytes::from_static(br#"{"msg":"pong"}"#);
        queued.fetch_add(text.len(), Ordering::Relaxed);
        assert!(tx.send(pong(1)).is_ok());
        assert!(tx.send(Outbound::Frame(Frame::Text(text.clone()))).is_ok());
        assert!(tx.send(Outbound::Ping).is_ok());
        let mut want = frame(&[1], OpCode::Pong);
        want.extend(frame(&text, OpCode::Text));
        want.extend(frame(b"", OpCode::Ping));
        assert_eq!(next(&mut body).await, Some(want));
        assert_eq!(queued.load(Ordering::Relaxed), 0, "written frames leave the byte count");
        assert!(now_or_never(&mut body).is_pending(), "nothing queued: the body waits");
    }

    #[tokio::test]
    async fn a_close_frame_ends_the_body() {
        let (tx, mut body) = queue(Arc::new(AtomicUsize::new(0)), Box::new(()));
        assert!(tx.send(Outbound::Frame(Frame::Close(4008, "slow consumer".into()))).is_ok());
        assert!(tx.send(pong(2)).is_ok());
        assert_eq!(next(&mut body).await, Some(close_frame(CloseCode::Other(4008), Some("slow consumer"))));
        assert_eq!(next(&mut body).await, None, "nothing after the close frame");
    }

    #[tokio::test]
    async fn a_close_replaces_the_frames_not_yet_written() {
        let (tx, mut body) = queue(Arc::new(AtomicUsize::new(0)), Box::new(()));
        assert!(tx.send(pong(1)).is_ok());
        assert!(tx.send(Outbound::Frame(Frame::Text(Bytes::from_static(b"{}")))).is_ok());
        tx.close(Frame::Close(4008, "slow consumer".into()));
        assert!(tx.send(pong(2)).is_err(), "nothing is queued after the close");
        assert_eq!(next(&mut body).await, Some(close_frame(CloseCode::Other(4008), Some("slow consumer"))));
        assert_eq!(next(&mut body).await, None);
    }

    #[tokio::test]
    async fn a_send_from_another_task_wakes_the_body_and_the_last_sender_closes_it() {
        let (tx, mut body) = queue(Arc::new(AtomicUsize::new(0)), Box::new(()));
        let other = tx.clone();
        drop(tx);
        let reader = tokio::spawn(async move {
            let first = next(&mut body).await;
            let then = next(&mut body).await;
            let end = next(&mut body).await;
            (first, then, end)
        });
        tokio::task::yield_now().await;
        assert!(other.send(pong(3)).is_ok());
        tokio::task::yield_now().await;
        drop(other);
        let (first, then, end) = reader.await.unwrap();
        assert_eq!(first, Some(frame(&[3], OpCode::Pong)));
        assert_eq!(then, Some(close_frame(CloseCode::Away, None)), "no sender left: going away");
        assert_eq!(end, None);
    }

    #[test]
    fn sends_fail_once_the_connection_is_gone() {
        let (tx, body) = queue(Arc::new(AtomicUsize::new(0)), Box::new(()));
        assert!(tx.send(pong(1)).is_ok());
        drop(body);
        assert!(tx.send(pong(2)).is_err());
    }
}
