//! Authentication (sessions and API tokens), CSRF, and authorization.
//!
//! Every route states its policy in its signature: `Member<ManageTokens>`
//! authenticates the caller, resolves the workspace from the credential
//! (never from client input) and checks the permission matrix in
//! [`permissions`] before the handler body runs.

pub mod cache;
pub mod extract;
pub mod password;
pub mod permissions;
pub mod secrets;

pub use extract::{Actor, Authenticated, Member, OptionalSession, SessionUser};
pub use permissions::{Action, Role};
