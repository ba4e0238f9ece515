//! Messages the workspace actor handles. Callers outside the crate use
//! [`crate::handle::Realtime`] instead of sending these directly.

use actix::prelude::*;
use uuid::Uuid;

use crate::event::EventRecord;
use crate::principal::{Principal, Viewer};
use crate::protocol::{Encoding, Frame};
use crate::session::Outlet;

/// Attach a WebSocket session; replies with the stream position, or
/// `None` when a kick matching it happened after `credential_epoch` was
/// read.
#[derive(Message)]
#[rtype(result = "Option<StreamHead>")]
pub struct Connect {
    pub session_id: u64,
    pub session: Recipient<Deliver>,
    pub viewer: Viewer,
    pub encoding: Encoding,
    /// [`StreamCredentials::epoch`](crate::credentials::StreamCredentials::epoch)
    /// read before the connection's credential was resolved.
    pub credential_epoch: u64,
    /// Where the workspace writes the connection's frames.
    pub outlet: Outlet,
}

/// Detach a session (its connection ended).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Disconnect {
    pub session_id: u64,
}

/// Subscribe a session to topics, replaying after `since` when given.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Subscribe {
    pub session_id: u64,
    pub topics: Vec<String>,
    pub since: Option<i64>,
    pub epoch: Option<i64>,
}

/// Stop sending these topics to a session.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Unsubscribe {
    pub session_id: u64,
    pub topics: Vec<String>,
}

/// A committed event from the bus, possibly out of order or duplicated.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Committed(pub EventRecord);

/// Close the connections of a principal (revocation, suspension, logout).
#[derive(Message)]
#[rtype(result = "usize")]
pub struct Kick {
    pub principal: Principal,
}

/// Close every session (the node is shutting down).
#[derive(Message)]
#[rtype(result = "()")]
pub struct CloseAll {
    pub code: u16,
    pub reason: String,
}

/// Catch up from the events table (after the bus lost messages).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Resync;

/// The position of the stream: epoch and last applied seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq, MessageResponse)]
pub struct StreamHead {
    pub epoch: i64,
    pub seq: i64,
}

/// Sent to a session: one frame to write (or a close).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Deliver(pub Frame);

/// Sent to the registry when a workspace actor stops.
#[derive(Message)]
#[rtype(result = "()")]
pub struct WorkspaceStopped {
    pub workspace_id: Uuid,
    pub generation: u64,
}

/// Perform a write to deals or pipelines; the reply comes on `reply` once
/// its batch has committed (or failed).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Write {
    pub caller: crate::deals::Caller,
    pub command: crate::deals::Command,
    pub reply: tokio::sync::oneshot::Sender<Result<crate::deals::Written, crate::deals::DealError>>,
}

/// A pipeline's board from memory, with the seq it reflects, as JSON.
#[derive(Message)]
#[rtype(result = "Option<bytes::Bytes>")]
pub struct GetBoard {
    pub pipeline_id: Uuid,
    pub filter: crate::deals::DealFilter,
    pub reader: crate::deals::Reader,
}

/// The workspace's pipelines with their stages, in order.
#[derive(Message)]
#[rtype(result = "Vec<crate::deals::Pipeline>")]
pub struct ListPipelines;

/// One deal, when the reader may see it.
#[derive(Message)]
#[rtype(result = "Option<crate::deals::DealView>")]
pub struct GetDeal {
    pub id: Uuid,
    pub reader: crate::deals::Reader,
}

/// One page of deals matching a filter, and how many matched.
#[derive(Message)]
#[rtype(result = "(Vec<crate::deals::DealView>, usize)")]
pub struct ListDeals {
    pub filter: crate::deals::DealFilter,
    pub reader: crate::deals::Reader,
    pub page: crate::deals::DealPage,
}

/// One lead, when the reader may see it.
#[derive(Message)]
#[rtype(result = "Option<crate::leads::LeadView>")]
pub struct GetLead {
    pub id: Uuid,
    pub reader: crate::leads::LeadReader,
}

/// One page of leads matching a filter, and how many matched.
#[derive(Message)]
#[rtype(result = "(Vec<crate::leads::LeadView>, usize)")]
pub struct ListLeads {
    pub filter: crate::leads::LeadFilter,
    pub reader: crate::leads::LeadReader,
    pub page: crate::leads::LeadPage,
}

/// The lead sources (built-in and custom) and the scoring weights.
#[derive(Message)]
#[rtype(result = "(Vec<crate::leads::Source>, crate::leads::Weights)")]
pub struct LeadSettings;
/// A member's notification bell from memory: unread count and latest items.
#[derive(Message)]
#[rtype(result = "crate::notifications::NotificationSummary")]
pub struct GetNotificationSummary {
    pub user_id: Uuid,
}
