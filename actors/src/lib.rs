//! Pulse's actors: the per-workspace owner of live state, the ordered
//! event log and its fan-out to WebSocket sessions.
//!
//! Today the live state is the event stream itself: changes commit in
//! PostgreSQL (with their event, in one transaction) and the workspace
//! actor orders and delivers them. Hot CRM state (boards, leads,
//! notification counts) moves into the actor with the features that need
//! it, and then its writes go through the actor.
//!
//! - [`registry`] starts a [`workspace::WorkspaceActor`] on first use and
//!   lets it stop when idle; the next use starts it again from PostgreSQL.
//! - [`store`] appends events inside the caller's transaction (the seq is
//!   assigned there, gap-free) and reads them back for replay.
//! - [`bus`] carries committed events to every node: in process, or over
//!   Redis when several nodes serve the same workspaces.
//! - [`session`] is one actor per WebSocket connection with a byte-bounded
//!   outbound queue.
//! - [`handle::Realtime`] is the typed API the HTTP layer uses; it never
//!   sees `Addr` or message types.

pub mod activities;
pub mod bus;
pub mod credentials;
pub mod deals;
pub mod event;
pub mod handle;
pub mod leads;
pub mod notifications;
pub mod principal;
pub mod protocol;
pub mod registry;
pub mod session;
pub mod store;
pub mod workspace;

pub use event::{ActorRef, EventRecord, NewEvent, Visibility};
pub use handle::{Realtime, RealtimeConfig};
pub use principal::{Principal, Role, Viewer};
