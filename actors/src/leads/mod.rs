//! Leads: the live lead state a workspace actor owns, its status flow,
//! rule-based scoring with history, and one-step conversion into a
//! contact, a company and a deal.
//!
//! - [`model`]: leads, statuses, bands, engagement.
//! - [`score`]: the scoring rules and per-workspace weights.
//! - [`state`]: the committed state, lists and filters.
//! - [`command`]: the writes, planned on the same batch view as deals.
//! - [`store`]: loading, and the batch's lead rows.

pub mod command;
pub mod model;
pub mod score;
pub mod state;
pub mod store;

pub use command::{Convert, LeadChanges, Link, NewLead};
pub use model::*;
pub use score::Weights;
pub use state::{LeadFilter, LeadPage, LeadReader, LeadSort, LeadState, Source};
