//! HTTP handlers, grouped by resource. Each handler is thin: parse,
//! authorize by type, one call, map the reply. The route table lives in
//! `startup.rs`.

pub mod app;
pub mod audit;
pub mod auth;
pub mod deals;
pub mod health;
pub mod invitations;
pub mod me;
pub mod members;
pub mod pipelines;
pub mod stream;
pub mod tokens;
pub mod validate;
pub mod workspace;
