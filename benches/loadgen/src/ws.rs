//! WebSocket subscribers: cookie handshake (with `Origin` = the target),
//! bind-before-connect to spread source addresses over 127.0.0.0/8, and a
//! reader that checks every event's seq and prev.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::api::Target;

pub type Ws = WebSocketStream<TcpStream>;

/// The fields of a server message the load generator looks at.
#[derive(Deserialize)]
pub struct ServerMsg<'a> {
    pub msg: &'a str,
    pub seq: Option<i64>,
    pub prev: Option<i64>,
    pub recovered: Option<bool>,
    pub reason: Option<&'a str>,
    #[serde(borrow)]
    pub data: Option<EventData<'a>>,
}

#[derive(Deserialize)]
pub struct EventData<'a> {
    /// `member.*` events: the member.
    pub user_id: Option<&'a str>,
    /// `deal.*` events: the deal.
    #[serde(borrow)]
    pub deal: Option<DealRef<'a>>,
}

#[derive(Deserialize)]
pub struct DealRef<'a> {
    pub id: &'a str,
}

/// The source address of the `i`-th connection when spreading over `spread`
/// loopback addresses (127.0.0.1 ..= 127.0.0.spread).
pub fn source_ip(i: usize, spread: usize) -> IpAddr {
    let k = (i % spread.clamp(1, 250)) as u8 + 1;
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, k))
}

/// Opens `/api/v1/stream` as the owner of `cookie`, from `src`.
pub async fn connect(target: &Target, cookie: &str, src: IpAddr) -> Result<Ws, String> {
    let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    socket.bind(SocketAddr::new(src, 0)).map_err(|e| format!("bind {src}: {e}"))?;
    let tcp = socket.connect(target.addr).await.map_err(|e| format!("connect from {src}: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut req = format!("ws://{}/api/v1/stream", target.addr).into_client_request().map_err(|e| e.to_string())?;
    let h = req.headers_mut();
    h.insert("cookie", HeaderValue::from_str(cookie).map_err(|e| e.to_string())?);
    h.insert("origin", HeaderValue::from_str(&target.base).map_err(|e| e.to_string())?);
    match tokio_tungstenite::client_async(req, tcp).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            Err(format!("handshake refused: HTTP {}", res.status()))
        }
        Err(e) => Err(format!("handshake: {e}")),
    }
}

/// The next text message, skipping control frames; an error on close,
/// timeout or a frame that is not JSON.
pub async fn next_text(ws: &mut Ws, within: Duration) -> Result<String, String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return Err("timed out waiting for a message".into()),
            Ok(None) => return Err("connection closed".into()),
            Ok(Some(Err(e))) => return Err(format!("read: {e}")),
            Ok(Some(Ok(Message::Text(t)))) => return Ok(t),
            Ok(Some(Ok(Message::Close(f)))) => return Err(format!("closed by server: {f:?}")),
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// Reads the welcome and returns the workspace's current seq.
pub async fn welcome(ws: &mut Ws) -> Result<i64, String> {
    let t = next_text(ws, Duration::from_secs(10)).await?;
    let m: ServerMsg = serde_json::from_str(&t).map_err(|e| e.to_string())?;
    if m.msg != "welcome" {
        return Err(format!("expected welcome, got {t}"));
    }
    m.seq.ok_or_else(|| format!("welcome without seq: {t}"))
}

/// Subscribes to `workspace` from `since` and waits for `subscribed`.
/// Returns whether the server said `recovered`.
pub async fn subscribe(ws: &mut Ws, since: i64) -> Result<bool, String> {
    let m = serde_json::json!({"msg": "subscribe", "topics": ["workspace"], "since": since});
    ws.send(Message::Text(m.to_string())).await.map_err(|e| format!("send subscribe: {e}"))?;
    let t = next_text(ws, Duration::from_secs(10)).await?;
    let m: ServerMsg = serde_json::from_str(&t).map_err(|e| e.to_string())?;
    if m.msg != "subscribed" {
        return Err(format!("expected subscribed, got {t}"));
    }
    Ok(m.recovered.unwrap_or(false))
}

/// Connects, reads the welcome and subscribes from the current seq, so the
/// first event's `prev` must be that seq. Returns the socket and the seq.
pub async fn subscriber(target: &Target, cookie: &str, src: IpAddr) -> Result<(Ws, i64), String> {
    let mut ws = connect(target, cookie, src).await?;
    let seq = welcome(&mut ws).await?;
    subscribe(&mut ws, seq).await?;
    Ok((ws, seq))
}

/// Checks one subscription's stream: seqs contiguous, `prev` chained.
pub struct Chain {
    pub last: i64,
    pub received: u64,
    pub violations: u64,
    pub first_violation: Option<String>,
}

impl Chain {
    pub fn new(since: i64) -> Chain {
        Chain { last: since, received: 0, violations: 0, first_violation: None }
    }

    /// Accepts an event; returns false (and records why) on a gap,
    /// duplicate or broken prev.
    pub fn accept(&mut self, seq: i64, prev: Option<i64>) -> bool {
        self.received += 1;
        let ok = seq == self.last + 1 && prev == Some(self.last);
        if !ok {
            self.violations += 1;
            self.first_violation.get_or_insert_with(|| format!("after seq {} got seq {seq} prev {prev:?}", self.last));
        }
        self.last = seq;
        ok
    }
}

/// What one subscriber saw during a latency or fan-out run.
pub struct Seen {
    pub chain: Chain,
    /// (seq, arrival) of each event, when asked to record them.
    pub arrivals: Vec<(i64, Instant)>,
    /// (seq, data.user_id) of each event, when asked to record them.
    pub subjects: Vec<(i64, String)>,
    pub error: Option<String>,
}

/// `(seq, prev)` of an event frame in the exact shape Pulse writes it
/// (`{"msg":"event","topic":"..","prev":..,"seq":..,` then the rest),
/// read from its first few dozen bytes; `None` for anything else, which
/// the caller then parses whole. The load generator shares the machine
/// with the server: parsing every byte of every delivered event (the
/// whole deal) cost it about a tenth of the two cores at 200,000 events/s,
/// and it needs only these two numbers to check order and time arrivals.
pub fn event_head(text: &str) -> Option<(i64, Option<i64>)> {
    let rest = text.strip_prefix(r#"{"msg":"event","topic":""#)?;
    let (topic, rest) = rest.split_once('"')?;
    if topic.contains('\\') {
        return None;
    }
    let rest = rest.strip_prefix(r#","prev":"#)?;
    let (prev, rest) = match rest.strip_prefix("null") {
        Some(rest) => (None, rest),
        None => {
            let (n, rest) = leading_int(rest)?;
            (Some(n), rest)
        }
    };
    let (seq, rest) = leading_int(rest.strip_prefix(r#","seq":"#)?)?;
    rest.starts_with(',').then_some((seq, prev))
}

/// A non-negative integer at the start of `s`, and what follows it.
fn leading_int(s: &str) -> Option<(i64, &str)> {
    let end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// Reads events until `until_seq` (sent on `target` once the writer is
/// done) has arrived, the connection fails, or `drain` passes after the
/// target is known.
pub async fn read_events(
    mut ws: Ws,
    since: i64,
    mut until_seq: tokio::sync::watch::Receiver<Option<i64>>,
    record_arrivals: bool,
    record_subjects: bool,
    drain: Duration,
) -> Seen {
    let mut seen = Seen { chain: Chain::new(since), arrivals: Vec::new(), subjects: Vec::new(), error: None };
    let mut deadline: Option<tokio::time::Instant> = None;
    loop {
        if let Some(target) = *until_seq.borrow() {
            if seen.chain.last >= target {
                break;
            }
            deadline.get_or_insert_with(|| tokio::time::Instant::now() + drain);
        }
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            m = ws.next() => {
                let now = Instant::now();
                match m {
                    Some(Ok(Message::Text(t))) => {
                        // (seq, prev, subject) of an event, or why the frame is not one.
                        let event = match event_head(&t).filter(|_| !record_subjects) {
                            Some((seq, prev)) => Ok((seq, prev, None)),
                            None => match serde_json::from_str::<ServerMsg>(&t) {
                                Ok(m) if m.msg == "event" => {
                                    let who = m.data.and_then(|d| d.user_id.or(d.deal.map(|x| x.id)));
                                    Ok((m.seq.unwrap_or(-1), m.prev, who.map(str::to_owned)))
                                }
                                Ok(m) => Err(format!("unexpected {} ({:?}): {t}", m.msg, m.reason)),
                                Err(e) => Err(format!("bad frame: {e}")),
                            },
                        };
                        match event {
                            Ok((seq, prev, who)) => {
                                seen.chain.accept(seq, prev);
                                if record_arrivals {
                                    seen.arrivals.push((seq, now));
                                }
                                if record_subjects {
                                    seen.subjects.push((seq, who.unwrap_or_default()));
                                }
                            }
                            Err(e) => {
                                seen.error = Some(e);
                                break;
                            }
                        }
                    }
                    Some(Ok(Message::Close(f))) => {
                        seen.error = Some(format!("closed by server: {f:?}"));
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        seen.error = Some(format!("read: {e}"));
                        break;
                    }
                    None => {
                        seen.error = Some("connection closed".into());
                        break;
                    }
                }
            }
            _ = until_seq.changed() => {}
            _ = sleep => {
                seen.error = Some(format!("timed out at seq {}", seen.chain.last));
                break;
            }
        }
    }
    let _ = ws.close(None).await;
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_of_an_event_frame_gives_seq_and_prev() {
        let frame =
            r#"{"msg":"event","topic":"pipeline:1","prev":41,"seq":42,"epoch":1,"type":"deal.moved","data":{"seq":7}}"#;
        assert_eq!(event_head(frame), Some((42, Some(41))));
        let first = r#"{"msg":"event","topic":"workspace","prev":null,"seq":1,"epoch":1}"#;
        assert_eq!(event_head(first), Some((1, None)));
        // Anything else is left to the full parser.
        for other in [
            r#"{"msg":"subscribed","topics":["workspace"]}"#,
            r#"{"msg":"event","topic":"a\"b","prev":1,"seq":2,"x":1}"#,
            r#"{"msg":"event","topic":"workspace","seq":2,"prev":1,"x":1}"#,
            r#"{"msg":"event","topic":"workspace","prev":1,"seq":2}"#,
            r#"{"msg":"event","topic":"workspace","prev":-1,"seq":2,"x":1}"#,
            r#"{"msg":"event","topic":"workspace","prev":1,"seq":,"x":1}"#,
        ] {
            assert_eq!(event_head(other), None, "{other}");
        }
    }
}
