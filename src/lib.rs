//! Pulse: a self-hosted real-time CRM server.
//!
//! `startup` builds the application and holds the route table; `routes`
//! are thin HTTP handlers; `accounts`, `team` and friends hold the domain logic;
//! `db` is the only layer with SQL; workspace actors live in the
//! `pulse-actors` crate.

pub mod accounts;
pub mod auth;
pub mod config;
pub mod crm;
pub mod currencies;
pub mod db;
pub mod deals;
pub mod error;
pub mod http;
pub mod imports;
pub mod jobs;
pub mod notifications;
pub mod openapi;
pub mod realtime;
pub mod routes;
pub mod scheduler;
pub mod startup;
pub mod state;
pub mod team;
pub mod telemetry;
pub mod tokens;
pub mod workspaces;
