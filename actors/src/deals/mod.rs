//! Deals and pipelines: the live board state a workspace actor owns.
//!
//! - [`model`]: pipelines, stages, deals, line items, totals, cards.
//! - [`state`]: the committed state in memory, with stage columns in rank
//!   order and running totals; reads (boards, lists) are served from it.
//! - [`command`]: the writes, their validation and the staged view a batch
//!   is planned against.
//! - [`store`]: loading the state, and writing a batch in one transaction.
//! - [`merge`]: relinking deals and lead conversions when contacts or
//!   companies are merged, and merging deals.
//! - [`rank`]: fractional ranks for the order inside a column.

pub mod command;
pub mod merge;
pub mod model;
pub mod rank;
pub mod state;
pub mod store;
#[cfg(test)]
mod tests;

pub use command::{
    Caller, Command, DealChanges, DealError, LineChanges, NewDeal, NewLine, NewStage, Origin, Outcome, PipelineChanges,
    StageChanges, Written,
};
pub use merge::LinkKind;
pub use model::*;
pub use state::{DealFilter, DealPage, DealSort, DealState, Reader};
