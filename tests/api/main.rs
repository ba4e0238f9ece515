//! Integration tests: the real application on port 0, each test with its
//! own database cloned from a migrated template, real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod audit;
mod auth;
mod conventions;
mod openapi;
mod workspace;
