//! The bus that carries committed events (and connection kicks) between
//! nodes through Redis pub/sub. Without Redis there is no bus: events go
//! straight to this node's registry.
//!
//! Delivery over Redis is best effort by design; correctness comes from
//! the events table. A node that subscribes (or re-subscribes after losing
//! Redis) asks every running workspace to catch up from the table, and a
//! workspace that sees a gap reads the missing events from it.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::credentials::StreamCredentials;
use crate::event::EventRecord;
use crate::principal::Principal;
use crate::registry::{KickIn, Registry, ResyncAll, Route};

const EVENTS_CHANNEL: &str = "pulse:events";
const CONTROL_CHANNEL: &str = "pulse:control";

#[derive(Serialize, Deserialize)]
pub(crate) struct BusEvent {
    pub(crate) node: Uuid,
    pub(crate) event: EventRecord,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct BusControl {
    pub(crate) node: Uuid,
    pub(crate) workspace_id: Option<Uuid>,
    pub(crate) principal: Principal,
}

pub(crate) enum BusOut {
    Event(BusEvent),
    Control(BusControl),
}

pub(crate) async fn publish_loop(client: redis::Client, mut rx: mpsc::Receiver<BusOut>) {
    let mut conn: Option<redis::aio::MultiplexedConnection> = None;
    while let Some(item) = rx.recv().await {
        let (channel, payload) = match &item {
            BusOut::Event(e) => (EVENTS_CHANNEL, serde_json::to_vec(e)),
            BusOut::Control(c) => (CONTROL_CHANNEL, serde_json::to_vec(c)),
        };
        let Ok(payload) = payload else { continue };
        for attempt in 0..2 {
            if conn.is_none() {
                conn = client.get_multiplexed_async_connection().await.ok();
            }
            let Some(c) = conn.as_mut() else { break };
            let res: redis::RedisResult<i64> = redis::cmd("PUBLISH").arg(channel).arg(&payload).query_async(c).await;
            match res {
                Ok(_) => break,
                Err(e) => {
                    if attempt == 1 {
                        tracing::warn!(error = %e, "publishing to Redis failed; other nodes will catch up from the table");
                    }
                    conn = None;
                }
            }
        }
    }
}

pub(crate) async fn subscribe_loop(
    client: redis::Client,
    node: Uuid,
    registry: Addr<Registry>,
    credentials: Arc<StreamCredentials>,
) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if pubsub.subscribe(&[EVENTS_CHANNEL, CONTROL_CHANNEL]).await.is_ok() {
                    backoff = Duration::from_millis(100);
                    tracing::info!("subscribed to the Redis bus");
                    // Anything published while we were away is in the table.
                    registry.do_send(ResyncAll);
                    let mut messages = pubsub.on_message();
                    while let Some(msg) = messages.next().await {
                        let payload: Vec<u8> = msg.get_payload_bytes().to_vec();
                        match msg.get_channel_name() {
                            EVENTS_CHANNEL => {
                                if let Ok(BusEvent { node: from, event }) = serde_json::from_slice::<BusEvent>(&payload)
                                {
                                    if from != node {
                                        let _ = registry.try_send(Route(event));
                                    }
                                }
                            }
                            CONTROL_CHANNEL => {
                                if let Ok(c) = serde_json::from_slice::<BusControl>(&payload) {
                                    if c.node != node {
                                        // Before the kick: see `StreamCredentials`.
                                        credentials.forget(c.workspace_id, c.principal);
                                        registry
                                            .do_send(KickIn { workspace_id: c.workspace_id, principal: c.principal });
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                // Kicks from other nodes may be missed until we are back.
                credentials.forget_all();
                tracing::warn!("lost the Redis bus; reconnecting");
            }
            Err(e) => tracing::warn!(error = %e, "cannot reach Redis for the bus; retrying"),
        }
        actix_rt::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
