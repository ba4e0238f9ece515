//! Integration tests: the real application on port 0, each test with its
//! own database cloned from a migrated template, real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod ws;

mod activities;
mod app;
mod audit;
mod auth;
mod cleanup;
mod cluster;
mod companies;
mod contacts;
mod conventions;
mod custom_fields;
mod deals;
mod delivery;
mod export;
mod idempotency;
mod imports;
mod invitations;
mod lead_filters;
mod leads;
mod members;
mod notifications;
mod nurture;
mod openapi;
mod permissions;
mod presence;
mod reminders;
mod scheduler;
mod search;
mod search_candidates;
mod shutdown;
mod smtp_tls;
mod stream;
mod tenancy;
mod tokens;
mod views;
mod widgets;
mod workspace;
