//! HTTP handlers, grouped by resource. Each handler is thin: parse,
//! authorize by type, one call, map the reply. The route table lives in
//! `startup.rs`.

pub mod activities;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cleanup;
pub mod companies;
pub mod contacts;
pub mod custom_fields;
pub mod deals;
pub mod email_templates;
pub mod export;
pub mod health;
pub mod imports;
pub mod invitations;
pub mod jobs;
pub mod lead_nurture;
pub mod leads;
pub mod me;
pub mod members;
pub mod notifications;
pub mod outbox;
pub mod pipelines;
pub mod search;
pub mod stream;
pub mod tokens;
pub mod validate;
pub mod views;
pub mod widgets;
pub mod workspace;
