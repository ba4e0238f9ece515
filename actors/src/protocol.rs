//! The WebSocket wire protocol (docs/PROTOCOL.md is its prose twin).
//!
//! Every message is an object whose `msg` field names it. JSON text frames
//! by default; with the subprotocol `pulse.v1.msgpack` the same objects are
//! MessagePack maps in binary frames.
//!
//! An event is serialized once per encoding and the bytes are shared by
//! every session: only the small per-subscription head (`topic`, `prev`)
//! is written per send.

use std::sync::{Arc, OnceLock};

use bytes::{BufMut, Bytes, BytesMut};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::{ActorRef, EventRecord};

/// The subprotocol that selects MessagePack.
pub const MSGPACK_SUBPROTOCOL: &str = "pulse.v1.msgpack";

/// Close codes Pulse uses besides the standard ones.
pub mod close {
    /// The connection's outbound queue went over its byte bound; resume
    /// from the last processed seq.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// The credential was revoked, the session ended, or the member was
    /// suspended or removed.
    pub const REVOKED: u16 = 4001;
    /// No pong within the heartbeat timeout.
    pub const HEARTBEAT_TIMEOUT: u16 = 4002;
    /// The server is shutting down; reconnect to another node or later.
    pub const GOING_AWAY: u16 = 1001;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Json,
    MsgPack,
}

/// Messages a client sends.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Start receiving `topics`; with `since`, first replay what came after
    /// that seq (of `epoch`, when given).
    Subscribe {
        topics: Vec<String>,
        #[serde(default)]
        since: Option<i64>,
        #[serde(default)]
        epoch: Option<i64>,
    },
    Unsubscribe {
        topics: Vec<String>,
    },
    Ping,
}

/// Messages the server sends, other than events.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum ServerMessage {
    Welcome {
        session: String,
        #[serde(serialize_with = "uuid_as_str")]
        workspace: Uuid,
        epoch: i64,
        seq: i64,
        heartbeat_secs: u64,
    },
    Subscribed {
        topics: Vec<String>,
        recovered: bool,
        epoch: i64,
        seq: i64,
    },
    Unsubscribed {
        topics: Vec<String>,
    },
    /// The client must reload its state (then subscribe from the new seq).
    Reset {
        reason: String,
        epoch: i64,
        seq: i64,
    },
    Error {
        code: String,
        detail: String,
    },
    Pong,
    /// Everyone present on a presence topic (sent after subscribing to it).
    PresenceState {
        topic: String,
        users: Vec<String>,
    },
    /// Who joined and left a presence topic since the last diff.
    PresenceDiff {
        topic: String,
        joins: Vec<String>,
        leaves: Vec<String>,
    },
}

/// Uuids are strings in both encodings (MessagePack would otherwise carry
/// 16 raw bytes), so JSON and MessagePack hold identical content.
pub fn uuid_as_str<S: serde::Serializer>(id: &Uuid, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

/// One frame ready to write.
#[derive(Debug, Clone)]
pub enum Frame {
    Text(Bytes),
    Binary(Bytes),
    /// Close the connection with this code and reason.
    Close(u16, String),
}

impl Frame {
    pub fn len(&self) -> usize {
        match self {
            Frame::Text(b) | Frame::Binary(b) => b.len(),
            Frame::Close(..) => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Encodes a non-event message.
pub fn encode(msg: &ServerMessage, enc: Encoding) -> Frame {
    match enc {
        Encoding::Json => Frame::Text(Bytes::from(serde_json::to_vec(msg).unwrap_or_default())),
        Encoding::MsgPack => Frame::Binary(Bytes::from(rmp_serde::to_vec_named(msg).unwrap_or_default())),
    }
}

/// The fields every copy of an event shares.
#[derive(Serialize)]
struct Shared<'a> {
    seq: i64,
    epoch: i64,
    #[serde(rename = "type")]
    kind: &'a str,
    at: DateTime<Utc>,
    actor: Option<ActorRef>,
    data: &'a serde_json::Value,
}
const SHARED_FIELDS: u8 = 6;

/// A committed event with its encodings, computed at most once each.
#[derive(Debug)]
pub struct EncodedEvent {
    pub record: EventRecord,
    json_tail: OnceLock<Bytes>,
    msgpack_tail: OnceLock<Bytes>,
}

impl EncodedEvent {
    pub fn new(record: EventRecord) -> Arc<Self> {
        Arc::new(Self { record, json_tail: OnceLock::new(), msgpack_tail: OnceLock::new() })
    }

    fn shared(&self) -> Shared<'_> {
        let r = &self.record;
        Shared { seq: r.seq, epoch: r.epoch, kind: &r.kind, at: r.at, actor: r.actor, data: &r.data }
    }

    /// `"seq":..,...}`: the JSON object without its opening brace.
    fn json_tail(&self) -> &Bytes {
        self.json_tail.get_or_init(|| {
            let full = serde_json::to_vec(&self.shared()).unwrap_or_else(|_| b"{}".to_vec());
            Bytes::from(full).slice(1..)
        })
    }

    /// The MessagePack map's entries without its header.
    fn msgpack_tail(&self) -> &Bytes {
        self.msgpack_tail.get_or_init(|| {
            let full = rmp_serde::to_vec_named(&self.shared()).unwrap_or_default();
            // A fixmap of SHARED_FIELDS entries has a one-byte header.
            if full.first() == Some(&(0x80 | SHARED_FIELDS)) {
                Bytes::from(full).slice(1..)
            } else {
                Bytes::new()
            }
        })
    }

    /// The frame for one subscription: `{"msg":"event","topic":..,"prev":..,` + shared bytes.
    pub fn frame(&self, enc: Encoding, topic: &str, prev: Option<i64>) -> Frame {
        match enc {
            Encoding::Json => {
                let tail = self.json_tail();
                let topic_json = serde_json::to_string(topic).unwrap_or_else(|_| "\"\"".into());
                let prev_json = prev.map(|p| p.to_string()).unwrap_or_else(|| "null".into());
                let mut out = BytesMut::with_capacity(40 + topic_json.len() + tail.len());
                out.put_slice(b"{\"msg\":\"event\",\"topic\":");
                out.put_slice(topic_json.as_bytes());
                out.put_slice(b",\"prev\":");
                out.put_slice(prev_json.as_bytes());
                out.put_u8(b',');
                out.put_slice(tail);
                Frame::Text(out.freeze())
            }
            Encoding::MsgPack => {
                let tail = self.msgpack_tail();
                let mut out = Vec::with_capacity(32 + topic.len() + tail.len());
                out.push(0x80 | (SHARED_FIELDS + 3));
                let head = (("msg", "event"), ("topic", topic), ("prev", prev));
                // Three key/value pairs written as a flat sequence.
                let _ = rmp_serde::encode::write(&mut out, &head.0 .0);
                let _ = rmp_serde::encode::write(&mut out, &head.0 .1);
                let _ = rmp_serde::encode::write(&mut out, &head.1 .0);
                let _ = rmp_serde::encode::write(&mut out, &head.1 .1);
                let _ = rmp_serde::encode::write(&mut out, &head.2 .0);
                let _ = rmp_serde::encode::write(&mut out, &head.2 .1);
                out.extend_from_slice(tail);
                Frame::Binary(Bytes::from(out))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::event::Visibility;

    fn sample() -> Arc<EncodedEvent> {
        EncodedEvent::new(EventRecord {
            workspace_id: Uuid::nil(),
            seq: 7,
            epoch: 1,
            kind: "deal.moved".into(),
            topic: "pipeline:abc".into(),
            actor: None,
            visibility: Visibility::All,
            data: serde_json::json!({"id": "d1", "stage": "won", "nested": {"a": [1, 2]}}),
            at: Utc::now(),
        })
    }

    #[test]
    fn json_and_msgpack_frames_carry_identical_content() {
        let e = sample();
        let Frame::Text(json) = e.frame(Encoding::Json, "workspace", Some(5)) else { panic!("text") };
        let Frame::Binary(mp) = e.frame(Encoding::MsgPack, "workspace", Some(5)) else { panic!("binary") };
        let from_json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let from_mp: serde_json::Value = rmp_serde::from_slice(&mp).unwrap();
        assert_eq!(from_json, from_mp);
        assert_eq!(from_json["msg"], "event");
        assert_eq!(from_json["topic"], "workspace");
        assert_eq!(from_json["prev"], 5);
        assert_eq!(from_json["seq"], 7);
        assert_eq!(from_json["type"], "deal.moved");
        assert_eq!(from_json["data"]["nested"]["a"][1], 2);
    }

    #[test]
    fn a_first_event_has_a_null_prev() {
        let Frame::Text(json) = sample().frame(Encoding::Json, "leads", None) else { panic!("text") };
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert!(v["prev"].is_null());
    }

    #[test]
    fn client_messages_parse() {
        let m: ClientMessage = serde_json::from_str(r#"{"msg":"subscribe","topics":["leads"],"since":4}"#).unwrap();
        assert_eq!(m, ClientMessage::Subscribe { topics: vec!["leads".into()], since: Some(4), epoch: None });
        assert!(serde_json::from_str::<ClientMessage>(r#"{"msg":"explode"}"#).is_err());
    }
}
