//! A real WebSocket client for tests (tokio-tungstenite).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{Browser, TestApp};

/// How a test client authenticates its handshake.
pub enum WsAuth<'a> {
    /// The browser's session cookie, with this Origin header (or none).
    Cookie(&'a Browser, Option<&'a str>),
    Bearer(&'a str),
    Ticket(&'a str),
    None,
}

pub struct WsClient {
    pub inner: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub msgpack: bool,
}

/// Opens `/api/v1/stream`; `Err` carries the HTTP status of a refused handshake.
pub async fn connect(app: &TestApp, auth: WsAuth<'_>, msgpack: bool) -> Result<WsClient, u16> {
    let mut url = format!("ws://127.0.0.1:{}/api/v1/stream", app.port);
    if let WsAuth::Ticket(t) = &auth {
        url.push_str(&format!("?ticket={t}"));
    }
    let mut req = url.into_client_request().unwrap();
    let h = req.headers_mut();
    match auth {
        WsAuth::Cookie(b, origin) => {
            if let Some(c) = b.cookie_header() {
                h.insert("cookie", HeaderValue::from_str(&c).unwrap());
            }
            if let Some(o) = origin {
                h.insert("origin", HeaderValue::from_str(o).unwrap());
            }
        }
        WsAuth::Bearer(t) => {
            h.insert("authorization", HeaderValue::from_str(&format!("Bearer {t}")).unwrap());
        }
        WsAuth::Ticket(_) | WsAuth::None => {}
    }
    if msgpack {
        h.insert("sec-websocket-protocol", HeaderValue::from_static("pulse.v1.msgpack"));
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((inner, _)) => Ok(WsClient { inner, msgpack }),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("handshake failed: {e}"),
    }
}

impl WsClient {
    pub async fn send(&mut self, v: Value) {
        let msg = if self.msgpack {
            Message::Binary(rmp_serde::to_vec_named(&v).unwrap())
        } else {
            Message::Text(v.to_string())
        };
        self.inner.send(msg).await.unwrap();
    }

    pub async fn send_raw(&mut self, m: Message) {
        self.inner.send(m).await.unwrap();
    }

    /// The next server message as JSON (MessagePack decoded), skipping
    /// pings; panics after 5 s or on close.
    pub async fn next(&mut self) -> Value {
        match self.next_within(Duration::from_secs(5)).await {
            Some(v) => v,
            None => panic!("no message within 5 s"),
        }
    }

    /// The next server message, or `None` if none comes within `d`.
    pub async fn next_within(&mut self, d: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + d;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.inner.next()).await.ok()??;
            match msg.ok()? {
                Message::Text(t) => return Some(serde_json::from_str(&t).unwrap()),
                Message::Binary(b) => return Some(rmp_serde::from_slice(&b).unwrap()),
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// Waits for the close frame and returns its code.
    pub async fn closed_with(&mut self, d: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + d;
        loop {
            match tokio::time::timeout_at(deadline, self.inner.next()).await {
                Err(_) => return None,
                Ok(None) => return Some(1006),
                Ok(Some(Err(_))) => return Some(1006),
                Ok(Some(Ok(Message::Close(frame)))) => return Some(frame.map(|f| u16::from(f.code)).unwrap_or(1005)),
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Reads until the welcome and returns it.
    pub async fn welcome(&mut self) -> Value {
        let v = self.next().await;
        assert_eq!(v["msg"], "welcome", "{v}");
        v
    }

    /// Subscribes and returns the `subscribed` (or `reset`/`error`) answer.
    pub async fn subscribe(&mut self, topics: &[&str], since: Option<i64>) -> Value {
        let mut m = serde_json::json!({"msg": "subscribe", "topics": topics});
        if let Some(s) = since {
            m["since"] = s.into();
        }
        self.send(m).await;
        self.next().await
    }
}

/// A client with a tiny receive buffer that subscribes to `workspace` and
/// then stops reading, so the server's writes back up.
pub async fn connect_slow(app: &TestApp, browser: &Browser) -> WebSocketStream<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let tcp = socket.connect(format!("127.0.0.1:{}", app.port).parse().unwrap()).await.unwrap();
    let mut req = format!("ws://127.0.0.1:{}/api/v1/stream", app.port).into_client_request().unwrap();
    req.headers_mut().insert("cookie", HeaderValue::from_str(&browser.cookie_header().unwrap()).unwrap());
    req.headers_mut().insert("origin", HeaderValue::from_str(&app.address).unwrap());
    let (mut ws, _) = tokio_tungstenite::client_async(req, tcp).await.unwrap();
    ws.send(Message::Text(r#"{"msg":"subscribe","topics":["workspace"]}"#.into())).await.unwrap();
    ws
}

/// Reads everything until the close frame; its code, or `None` on timeout.
pub async fn drain_until_close(mut ws: WebSocketStream<TcpStream>, d: Duration) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + d;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return None,
            Ok(None) | Ok(Some(Err(_))) => return Some(1006),
            Ok(Some(Ok(Message::Close(frame)))) => return Some(frame.map(|f| u16::from(f.code)).unwrap_or(1005)),
            Ok(Some(Ok(_))) => continue,
        }
    }
}
