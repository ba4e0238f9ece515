//! Integration tests: the real application on port 0, each test with its
//! own database cloned from a migrated template, real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod ws;

mod app;
mod audit;
mod auth;
mod cluster;
mod conventions;
mod deals;
mod delivery;
mod idempotency;
mod invitations;
mod members;
mod openapi;
mod permissions;
mod presence;
mod shutdown;
mod stream;
mod tenancy;
mod tokens;
mod workspace;
