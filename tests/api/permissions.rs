//! The permission matrix, walked over HTTP: every route under `/api/v1`
//! (but the OpenAPI document, signup/login/logout and the WebSocket, which
//! other tests cover) called as an owner, a manager, a rep, a viewer, an
//! API token with every scope and one without the scope the route needs.
//! Allowed calls answer their success status; refused ones answer 403
//! problem+json (`forbidden` or `insufficient_scope`) and change nothing.
//!
//! The table is checked three ways: against `pulse::startup::ROUTES` (no
//! route left out, none stale), against `role_allows` / `required_scope`
//! (the table and the matrix agree), and against the running server.

use std::fmt;

use pulse::auth::permissions::{required_scope, role_allows, Action, Entity, Role, SCOPES};
use pulse::startup::ROUTES;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{spawn_app, Browser, SignedIn, TestApp};

/// Routes of `ROUTES` under `/api/v1` that other test modules cover.
pub const EXCLUDED: &[(&str, &str)] = &[
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/auth/signup"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/stream"),
    // Public, gated by the widget key and Origin: tests/api/widgets.rs.
    ("post", "/api/v1/widget/{key}/leads"),
    // CSV imports take a raw file body, not JSON: tests/api/imports.rs
    // walks them for every role and for tokens (owners and managers only).
    ("get", "/api/v1/imports"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports/{id}"),
    ("put", "/api/v1/imports/{id}/mapping"),
    ("post", "/api/v1/imports/{id}/dry-run"),
    ("post", "/api/v1/imports/{id}/start"),
    ("post", "/api/v1/imports/{id}/revert"),
    ("get", "/api/v1/imports/{id}/errors"),
];

/// The routes the tests must cover: `/api/v1` minus [`EXCLUDED`].
pub fn routes_under_test() -> Vec<(&'static str, &'static str)> {
    ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && !EXCLUDED.contains(&(r.method, r.path)))
        .map(|r| (r.method, r.path))
        .collect()
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Owner,
    Manager,
    Rep,
    Viewer,
    /// An API token holding every scope of `SCOPES`.
    TokenAll,
    /// An API token holding only `orders:read`, which no route here needs.
    TokenNone,
}

const CALLERS: [Caller; 6] =
    [Caller::Owner, Caller::Manager, Caller::Rep, Caller::Viewer, Caller::TokenAll, Caller::TokenNone];

/// The scopes of [`Caller::TokenNone`].
const NO_RELEVANT_SCOPE: &[&str] = &["orders:read"];

impl Caller {
    fn role(self) -> Option<Role> {
        match self {
            Caller::Owner => Some(Role::Owner),
            Caller::Manager => Some(Role::Manager),
            Caller::Rep => Some(Role::Rep),
            Caller::Viewer => Some(Role::Viewer),
            Caller::TokenAll | Caller::TokenNone => None,
        }
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Caller::Owner => "owner",
            Caller::Manager => "manager",
            Caller::Rep => "rep",
            Caller::Viewer => "viewer",
            Caller::TokenAll => "token with all scopes",
            Caller::TokenNone => "token without the relevant scope",
        };
        f.write_str(s)
    }
}

/// What a call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Allowed: this exact status.
    Ok(u16),
    /// Refused: 403 `forbidden`.
    Forbidden,
    /// Refused: 403 `insufficient_scope`.
    Scope,
}

use Expect::{Forbidden as F, Ok as A, Scope as S};

/// How the handler is authorized.
#[derive(Debug, Clone, Copy)]
enum Policy {
    /// `Member<P>` with `P::ACTION`.
    Matrix(Action),
    /// `SessionUser` / `OptionalSession`: any signed-in person, no token.
    PeopleOnly,
}

/// A fresh record a case acts on, made before the call (so that each
/// caller of a destructive route has its own target).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    /// `{user_id}`: a new rep of the shared workspace.
    Member,
    /// `{id}`: a new pending invitation (for a rep) of the shared workspace.
    Invitation,
    /// `{id}`: a new live API token of the shared workspace.
    Token,
    /// `{token}`: a pending invitation of *another* workspace addressed to
    /// the caller's email (to a fresh email for API tokens).
    InvitationForCaller,
    /// `{id}`: a new pipeline.
    Pipeline,
    /// `{id}`: an empty stage of a new pipeline.
    Stage,
    /// `{id}`: a new deal owned by the rep.
    Deal,
    /// `{id}`: a deleted deal owned by the rep.
    DeletedDeal,
    /// `{id}/products/{line_id}`: a line of a new deal owned by the rep.
    DealLine,
    /// `{id}`: a new lead owned by the rep.
    Lead,
    /// `{slug}`: a new custom lead source.
    LeadSource,
    /// `{id}`: a new lead widget.
    Widget,
    /// `{id}`: a contact the caller owns (made by the caller when it may
    /// write contacts, by the owner otherwise).
    Contact,
    /// `{id}`: a company, made like [`Target::Contact`].
    Company,
    /// `{id}`: an open task the caller logged (or the owner, as above).
    Task,
    /// `{id}`: a completed task, made like [`Target::Task`].
    CompletedTask,
    /// `{id}`: a custom field definition made by the owner.
    CustomField,
    /// `{id}`: a saved view of the caller (of the owner for tokens).
    View,
    /// `{id}`: a new unread notification of the caller (of the owner for tokens).
    Notification,
    /// No placeholder: the caller gets a new unread notification first.
    UnreadForCaller,
    /// `{id}`: a new email template.
    Template,
    /// No placeholder: two new contacts of the owner, `"<keep>,<merged>"`
    /// for the body (the merges).
    ContactPair,
    /// The same with two companies.
    CompanyPair,
    /// The same with two deals.
    DealPair,
}

/// One row of the matrix: a route and what each caller gets.
struct Case {
    method: &'static str,
    path: &'static str,
    policy: Policy,
    target: Target,
    /// A valid body (`None`: the request has none).
    body: Option<fn(&Fixture) -> Value>,
    /// Owner, manager, rep, viewer, token with all scopes, token without.
    expect: [Expect; 6],
}

/// Per-call data a body may use.
struct Fixture {
    workspace_id: Uuid,
    /// An open stage of the default pipeline.
    stage_id: String,
    n: usize,
    /// The case's target, for bodies that name it (bulk operations).
    target: Option<String>,
}

fn body_active_workspace(f: &Fixture) -> Value {
    json!({"workspace_id": f.workspace_id})
}
fn body_rename(f: &Fixture) -> Value {
    json!({"name": format!("Renamed {}", f.n)})
}
fn body_demote(_: &Fixture) -> Value {
    json!({"role": "viewer"})
}
fn body_invite(f: &Fixture) -> Value {
    json!({"email": format!("invitee{}@example.com", f.n), "role": "rep"})
}
fn body_token(f: &Fixture) -> Value {
    json!({"name": format!("Integration {}", f.n), "scopes": ["deals:read"]})
}
fn body_empty(_: &Fixture) -> Value {
    json!({})
}
fn body_pipeline(f: &Fixture) -> Value {
    json!({"name": format!("Pipeline {}", f.n)})
}
fn body_stage(f: &Fixture) -> Value {
    json!({"name": format!("Stage {}", f.n), "probability": 30})
}
fn body_deal(f: &Fixture) -> Value {
    json!({"title": format!("Deal {}", f.n), "amount": 100})
}
fn body_move(f: &Fixture) -> Value {
    json!({"stage_id": f.stage_id})
}
fn body_line(f: &Fixture) -> Value {
    json!({"name": format!("Line {}", f.n), "unit_price": 250, "quantity": 2})
}
fn body_quantity(_: &Fixture) -> Value {
    json!({"quantity": 3})
}
fn body_widget(f: &Fixture) -> Value {
    json!({"name": format!("Widget {}", f.n), "allowed_origins": ["https://shop.example.com"]})
}
fn body_engagement(_: &Fixture) -> Value {
    json!({"emails_opened": 1})
}
fn body_lead(f: &Fixture) -> Value {
    json!({"first_name": format!("Lead {}", f.n), "email": format!("lead{}@example.com", f.n)})
}
fn body_lead_patch(f: &Fixture) -> Value {
    json!({"last_name": format!("Changed {}", f.n)})
}
fn body_source(f: &Fixture) -> Value {
    json!({"slug": format!("src-{}", f.n), "label": format!("Source {}", f.n)})
}
fn body_label(f: &Fixture) -> Value {
    json!({"label": format!("Label {}", f.n)})
}
fn body_weights(f: &Fixture) -> Value {
    json!({"source": 20.0 - (f.n % 5) as f64, "company_size": 20.0, "value": 20.0, "title": 15.0, "completeness": 10.0,
           "engagement": 15.0, "decay_per_day": 3.0, "decay_grace_days": 3.0})
}
fn body_contact(f: &Fixture) -> Value {
    json!({"first_name": "Ann", "last_name": format!("Lee {}", f.n), "email": format!("ann{}@example.com", f.n)})
}
fn body_contact_change(f: &Fixture) -> Value {
    json!({"job_title": format!("CTO {}", f.n)})
}
fn body_bulk(f: &Fixture) -> Value {
    json!({"ids": [f.target], "operation": {"type": "add_tags", "tags": [format!("tag {}", f.n)]}})
}
fn body_company(f: &Fixture) -> Value {
    json!({"name": format!("Acme {}", f.n), "domain": format!("acme{}.com", f.n)})
}
fn body_company_change(f: &Fixture) -> Value {
    json!({"industry": format!("Industry {}", f.n)})
}
fn body_activity(f: &Fixture) -> Value {
    json!({"type": "note", "subject": format!("Note {}", f.n)})
}
fn body_activity_change(f: &Fixture) -> Value {
    json!({"subject": format!("Fixed {}", f.n)})
}
fn body_field(f: &Fixture) -> Value {
    json!({"entity": "contact", "key": format!("field_{}", f.n), "label": "Field", "type": "text"})
}
fn body_field_change(f: &Fixture) -> Value {
    json!({"label": format!("Label {}", f.n)})
}
fn body_view(f: &Fixture) -> Value {
    json!({"entity": "contacts", "name": format!("View {}", f.n), "filters": {"tag": "vip"}})
}

/// Query strings the sweep adds to routes that need one.
const QUERIES: &[(&str, &str)] = &[("/api/v1/search", "?q=acme"), ("/api/v1/cleanup/duplicates", "?entity=contacts")];
/// Reads that write an audit entry (exports): they change `audit_log`,
/// and only when allowed.
const AUDITED_READS: &[&str] = &[
    "/api/v1/contacts/export",
    "/api/v1/companies/export",
    "/api/v1/activities/export",
    "/api/v1/deals/export",
    "/api/v1/leads/export",
];
fn body_merge(f: &Fixture) -> Value {
    let target = f.target.as_deref().unwrap_or_default();
    let (keep, merged) = target.split_once(',').unwrap_or((target, target));
    json!({"keep_id": keep, "merge_ids": [merged]})
}
fn body_toggle(f: &Fixture) -> Value {
    // Alternates, so that consecutive allowed calls each change something.
    json!({"stale_deals": f.n.is_multiple_of(2)})
}
fn body_channels(f: &Fixture) -> Value {
    json!({"stale_deals": {"email": f.n.is_multiple_of(2)}})
}
fn body_lead_nurture(f: &Fixture) -> Value {
    json!({"contacted": f.n.is_multiple_of(2)})
}
fn body_template(f: &Fixture) -> Value {
    json!({"name": format!("Template {}", f.n), "subject": "Hello {{contact.name}}", "body": "Hi {{contact.name}}!"})
}
fn body_subject(f: &Fixture) -> Value {
    json!({"subject": format!("Subject {}", f.n)})
}

#[allow(clippy::type_complexity)]
fn c(
    method: &'static str,
    path: &'static str,
    policy: Policy,
    target: Target,
    body: Option<fn(&Fixture) -> Value>,
    expect: [Expect; 6],
) -> Case {
    Case { method, path, policy, target, body, expect }
}

/// The whole table. Keep in step with `route_table!` in src/startup.rs:
/// `every_route_under_test_is_in_the_matrix` fails otherwise.
#[rustfmt::skip]
fn matrix() -> Vec<Case> {
    use Action::*;
    use Policy::*;
    vec![
        // Expectations, in order: owner, manager, rep, viewer, token with all scopes, token without.
        c("get", "/api/v1/me", PeopleOnly, Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("post", "/api/v1/me/active-workspace", PeopleOnly, Target::None, Some(body_active_workspace), [A(200), A(200), A(200), A(200), F, F]),
        c("get", "/api/v1/workspace", Matrix(ReadMembers), Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("patch", "/api/v1/workspace", Matrix(ManageSettings), Target::None, Some(body_rename), [A(200), F, F, F, F, F]),
        c("get", "/api/v1/audit", Matrix(ReadAudit), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("post", "/api/v1/stream/tickets", Matrix(SubscribeEvents), Target::None, None, [A(201), A(201), A(201), A(201), A(201), S]),
        c("get", "/api/v1/members", Matrix(ReadMembers), Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("get", "/api/v1/members/{user_id}", Matrix(ReadMembers), Target::Member, None, [A(200), A(200), A(200), A(200), F, F]),
        c("patch", "/api/v1/members/{user_id}", Matrix(ManageMembers), Target::Member, Some(body_demote), [A(200), F, F, F, F, F]),
        c("delete", "/api/v1/members/{user_id}", Matrix(ManageMembers), Target::Member, None, [A(204), F, F, F, F, F]),
        c("post", "/api/v1/invitations", Matrix(InviteMembers), Target::None, Some(body_invite), [A(201), A(201), F, F, F, F]),
        c("get", "/api/v1/invitations", Matrix(InviteMembers), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("delete", "/api/v1/invitations/{id}", Matrix(InviteMembers), Target::Invitation, None, [A(204), A(204), F, F, F, F]),
        c("post", "/api/v1/invitations/{token}/accept", PeopleOnly, Target::InvitationForCaller, Some(body_empty), [A(200), A(200), A(200), A(200), F, F]),
        c("post", "/api/v1/tokens", Matrix(ManageTokens), Target::None, Some(body_token), [A(201), F, F, F, F, F]),
        c("get", "/api/v1/tokens", Matrix(ManageTokens), Target::None, None, [A(200), F, F, F, F, F]),
        c("delete", "/api/v1/tokens/{id}", Matrix(ManageTokens), Target::Token, None, [A(204), F, F, F, F, F]),
        c("get", "/api/v1/pipelines", Matrix(Read(Entity::Deals)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/pipelines", Matrix(ManagePipelines), Target::None, Some(body_pipeline), [A(201), A(201), F, F, F, F]),
        c("patch", "/api/v1/pipelines/{id}", Matrix(ManagePipelines), Target::Pipeline, Some(body_rename), [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/pipelines/{id}/board", Matrix(Read(Entity::Deals)), Target::Pipeline, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/pipelines/{id}/stages", Matrix(ManagePipelines), Target::Pipeline, Some(body_stage), [A(201), A(201), F, F, F, F]),
        c("patch", "/api/v1/stages/{id}", Matrix(ManagePipelines), Target::Stage, Some(body_rename), [A(200), A(200), F, F, F, F]),
        c("delete", "/api/v1/stages/{id}", Matrix(ManagePipelines), Target::Stage, None, [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/deals", Matrix(Read(Entity::Deals)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/deals", Matrix(Write(Entity::Deals)), Target::None, Some(body_deal), [A(201), A(201), A(201), F, A(201), S]),
        c("get", "/api/v1/deals/{id}", Matrix(Read(Entity::Deals)), Target::Deal, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("patch", "/api/v1/deals/{id}", Matrix(Write(Entity::Deals)), Target::Deal, Some(body_deal), [A(200), A(200), A(200), F, A(200), S]),
        c("delete", "/api/v1/deals/{id}", Matrix(Write(Entity::Deals)), Target::Deal, None, [A(204), A(204), A(204), F, A(204), S]),
        c("post", "/api/v1/deals/{id}/restore", Matrix(Write(Entity::Deals)), Target::DeletedDeal, Some(body_empty), [A(200), A(200), A(200), F, A(200), S]),
        c("put", "/api/v1/deals/{id}/stage", Matrix(Write(Entity::Deals)), Target::Deal, Some(body_move), [A(200), A(200), A(200), F, A(200), S]),
        c("get", "/api/v1/deals/{id}/history", Matrix(Read(Entity::Deals)), Target::Deal, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("get", "/api/v1/deals/{id}/products", Matrix(Read(Entity::Deals)), Target::Deal, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/deals/{id}/products", Matrix(Write(Entity::Deals)), Target::Deal, Some(body_line), [A(201), A(201), A(201), F, A(201), S]),
        c("patch", "/api/v1/deals/{id}/products/{line_id}", Matrix(Write(Entity::Deals)), Target::DealLine, Some(body_quantity), [A(200), A(200), A(200), F, A(200), S]),
        c("delete", "/api/v1/deals/{id}/products/{line_id}", Matrix(Write(Entity::Deals)), Target::DealLine, None, [A(200), A(200), A(200), F, A(200), S]),
        c("get", "/api/v1/leads", Matrix(Read(Entity::Leads)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/leads", Matrix(Write(Entity::Leads)), Target::None, Some(body_lead), [A(201), A(201), A(201), F, A(201), S]),
        c("get", "/api/v1/leads/{id}", Matrix(Read(Entity::Leads)), Target::Lead, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("patch", "/api/v1/leads/{id}", Matrix(Write(Entity::Leads)), Target::Lead, Some(body_lead_patch), [A(200), A(200), A(200), F, A(200), S]),
        c("delete", "/api/v1/leads/{id}", Matrix(Write(Entity::Leads)), Target::Lead, None, [A(204), A(204), A(204), F, A(204), S]),
        c("post", "/api/v1/leads/{id}/convert", Matrix(Write(Entity::Leads)), Target::Lead, Some(body_empty), [A(200), A(200), A(200), F, A(200), S]),
        c("get", "/api/v1/leads/{id}/scores", Matrix(Read(Entity::Leads)), Target::Lead, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/leads/{id}/engagement", Matrix(Write(Entity::Leads)), Target::Lead, Some(body_engagement), [A(200), A(200), A(200), F, A(200), S]),
        c("get", "/api/v1/lead-sources", Matrix(Read(Entity::Leads)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/lead-sources", Matrix(ManagePipelines), Target::None, Some(body_source), [A(201), A(201), F, F, F, F]),
        c("patch", "/api/v1/lead-sources/{slug}", Matrix(ManagePipelines), Target::LeadSource, Some(body_label), [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/lead-scoring", Matrix(Read(Entity::Leads)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("put", "/api/v1/lead-scoring", Matrix(ManagePipelines), Target::None, Some(body_weights), [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/lead-nurture", Matrix(Read(Entity::Leads)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("patch", "/api/v1/lead-nurture", Matrix(ManagePipelines), Target::None, Some(body_lead_nurture), [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/lead-widgets", Matrix(ManageSettings), Target::None, None, [A(200), F, F, F, F, F]),
        c("post", "/api/v1/lead-widgets", Matrix(ManageSettings), Target::None, Some(body_widget), [A(201), F, F, F, F, F]),
        c("patch", "/api/v1/lead-widgets/{id}", Matrix(ManageSettings), Target::Widget, Some(body_rename), [A(200), F, F, F, F, F]),
        c("delete", "/api/v1/lead-widgets/{id}", Matrix(ManageSettings), Target::Widget, None, [A(204), F, F, F, F, F]),
        c("post", "/api/v1/lead-widgets/{id}/rotate", Matrix(ManageSettings), Target::Widget, Some(body_empty), [A(200), F, F, F, F, F]),
        c("get", "/api/v1/contacts", Matrix(Read(Entity::Contacts)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/contacts", Matrix(Write(Entity::Contacts)), Target::None, Some(body_contact), [A(201), A(201), A(201), F, A(201), S]),
        c("post", "/api/v1/contacts/bulk", Matrix(Write(Entity::Contacts)), Target::Contact, Some(body_bulk), [A(200), A(200), A(200), F, A(200), S]),
        c("get", "/api/v1/contacts/{id}", Matrix(Read(Entity::Contacts)), Target::Contact, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("patch", "/api/v1/contacts/{id}", Matrix(Write(Entity::Contacts)), Target::Contact, Some(body_contact_change), [A(200), A(200), A(200), F, A(200), S]),
        c("delete", "/api/v1/contacts/{id}", Matrix(Write(Entity::Contacts)), Target::Contact, None, [A(204), A(204), A(204), F, A(204), S]),
        c("get", "/api/v1/contacts/{id}/overview", Matrix(Read(Entity::Contacts)), Target::Contact, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("get", "/api/v1/companies", Matrix(Read(Entity::Contacts)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/companies", Matrix(Write(Entity::Contacts)), Target::None, Some(body_company), [A(201), A(201), A(201), F, A(201), S]),
        c("get", "/api/v1/companies/{id}", Matrix(Read(Entity::Contacts)), Target::Company, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("patch", "/api/v1/companies/{id}", Matrix(Write(Entity::Contacts)), Target::Company, Some(body_company_change), [A(200), A(200), A(200), F, A(200), S]),
        c("delete", "/api/v1/companies/{id}", Matrix(Write(Entity::Contacts)), Target::Company, None, [A(204), A(204), A(204), F, A(204), S]),
        c("get", "/api/v1/companies/{id}/overview", Matrix(Read(Entity::Contacts)), Target::Company, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("get", "/api/v1/activities", Matrix(Read(Entity::Activities)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/activities", Matrix(Write(Entity::Activities)), Target::None, Some(body_activity), [A(201), A(201), A(201), F, A(201), S]),
        c("get", "/api/v1/activities/{id}", Matrix(Read(Entity::Activities)), Target::Task, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("patch", "/api/v1/activities/{id}", Matrix(Write(Entity::Activities)), Target::Task, Some(body_activity_change), [A(200), A(200), A(200), F, A(200), S]),
        c("post", "/api/v1/activities/{id}/complete", Matrix(Write(Entity::Activities)), Target::Task, None, [A(200), A(200), A(200), F, A(200), S]),
        c("post", "/api/v1/activities/{id}/reopen", Matrix(Write(Entity::Activities)), Target::CompletedTask, None, [A(200), A(200), A(200), F, A(200), S]),
        c("get", "/api/v1/custom-fields", Matrix(Read(Entity::Contacts)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("post", "/api/v1/custom-fields", Matrix(ManagePipelines), Target::None, Some(body_field), [A(201), A(201), F, F, F, F]),
        c("patch", "/api/v1/custom-fields/{id}", Matrix(ManagePipelines), Target::CustomField, Some(body_field_change), [A(200), A(200), F, F, F, F]),
        c("delete", "/api/v1/custom-fields/{id}", Matrix(ManagePipelines), Target::CustomField, None, [A(204), A(204), F, F, F, F]),
        c("get", "/api/v1/views", Matrix(ReadMembers), Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("post", "/api/v1/views", Matrix(ReadMembers), Target::None, Some(body_view), [A(201), A(201), A(201), A(201), F, F]),
        c("delete", "/api/v1/views/{id}", Matrix(ReadMembers), Target::View, None, [A(204), A(204), A(204), A(204), F, F]),
        c("get", "/api/v1/search", Matrix(Read(Entity::Contacts)), Target::None, None, [A(200), A(200), A(200), A(200), A(200), S]),
        c("get", "/api/v1/notifications", Matrix(OwnNotifications), Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("get", "/api/v1/notifications/summary", Matrix(OwnNotifications), Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("post", "/api/v1/notifications/read-all", Matrix(OwnNotifications), Target::UnreadForCaller, None, [A(200), A(200), A(200), A(200), F, F]),
        c("post", "/api/v1/notifications/{id}/read", Matrix(OwnNotifications), Target::Notification, None, [A(200), A(200), A(200), A(200), F, F]),
        c("get", "/api/v1/notification-settings", Matrix(OwnNotifications), Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("patch", "/api/v1/notification-settings", Matrix(ManageNotifications), Target::None, Some(body_toggle), [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/me/notification-preferences", Matrix(OwnNotifications), Target::None, None, [A(200), A(200), A(200), A(200), F, F]),
        c("patch", "/api/v1/me/notification-preferences", Matrix(OwnNotifications), Target::None, Some(body_channels), [A(200), A(200), A(200), A(200), F, F]),
        c("get", "/api/v1/email-templates", Matrix(ManageNotifications), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("post", "/api/v1/email-templates", Matrix(ManageNotifications), Target::None, Some(body_template), [A(201), A(201), F, F, F, F]),
        c("patch", "/api/v1/email-templates/{id}", Matrix(ManageNotifications), Target::Template, Some(body_subject), [A(200), A(200), F, F, F, F]),
        c("delete", "/api/v1/email-templates/{id}", Matrix(ManageNotifications), Target::Template, None, [A(204), A(204), F, F, F, F]),
        c("get", "/api/v1/outbox", Matrix(ReadOperations), Target::None, None, [A(200), F, F, F, F, F]),
        c("get", "/api/v1/jobs/runs", Matrix(ReadOperations), Target::None, None, [A(200), F, F, F, F, F]),
        c("get", "/api/v1/contacts/export", Matrix(ExportData), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/companies/export", Matrix(ExportData), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/activities/export", Matrix(ExportData), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/deals/export", Matrix(ExportData), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/leads/export", Matrix(ExportData), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/cleanup/checklist", Matrix(CleanUpData), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("get", "/api/v1/cleanup/duplicates", Matrix(CleanUpData), Target::None, None, [A(200), A(200), F, F, F, F]),
        c("post", "/api/v1/contacts/merge", Matrix(CleanUpData), Target::ContactPair, Some(body_merge), [A(200), A(200), F, F, F, F]),
        c("post", "/api/v1/companies/merge", Matrix(CleanUpData), Target::CompanyPair, Some(body_merge), [A(200), A(200), F, F, F, F]),
        c("post", "/api/v1/deals/merge", Matrix(CleanUpData), Target::DealPair, Some(body_merge), [A(200), A(200), F, F, F, F]),
    ]
}

/// A text fingerprint of everything a call under test could change:
/// accounts, memberships, invitations, tokens, workspace settings,
/// sessions' active workspace, stream tickets, CRM records (contacts,
/// companies, activities, custom fields, saved views, pipelines, stages,
/// deals and their products, leads, lead sources, scoring and widgets),
/// events, audit entries, notifications (and whether they are read),
/// notification settings and preferences, email templates, the email
/// outbox and digest deliveries.
/// Bookkeeping that authentication itself updates (`last_seen_at`,
/// `last_used_at`) is left out.
pub async fn fingerprint(app: &TestApp) -> String {
    const SQL: &str = r"
        SELECT concat_ws(E'\n',
          'users=' || (SELECT count(*) FROM users),
          'memberships=' || coalesce((SELECT string_agg(workspace_id || ':' || user_id || ':' || role || ':' || status, ',' ORDER BY workspace_id, user_id) FROM memberships), ''),
          'invitations=' || coalesce((SELECT string_agg(id || ':' || workspace_id || ':' || role || ':' || coalesce(accepted_at::text, '-') || ':' || coalesce(accepted_by::text, '-') || ':' || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM invitations), ''),
          'tokens=' || coalesce((SELECT string_agg(id || ':' || workspace_id || ':' || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM api_tokens), ''),
          'workspaces=' || coalesce((SELECT string_agg(id || ':' || name || ':' || currency || ':' || version, ',' ORDER BY id) FROM workspaces), ''),
          'sessions=' || coalesce((SELECT string_agg(id || ':' || coalesce(active_workspace_id::text, '-') || ':' || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM sessions), ''),
          'stream_tickets=' || (SELECT count(*) FROM stream_tickets),
          'contacts=' || coalesce((SELECT string_agg(id || ':' || version || ':' || coalesce(deleted_at::text, '-'), ',' ORDER BY id) FROM contacts), ''),
          'companies=' || coalesce((SELECT string_agg(id || ':' || version || ':' || coalesce(deleted_at::text, '-'), ',' ORDER BY id) FROM companies), ''),
          'activities=' || coalesce((SELECT string_agg(id || ':' || version, ',' ORDER BY id) FROM activities), ''),
          'custom_fields=' || coalesce((SELECT string_agg(id || ':' || label || ':' || array_to_string(options, '|'), ',' ORDER BY id) FROM custom_field_definitions), ''),
          'saved_views=' || coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM saved_views), ''),
          'events=' || (SELECT count(*) FROM events),
          'pipelines=' || coalesce((SELECT string_agg(id || ':' || version, ',' ORDER BY id) FROM pipelines), ''),
          'stages=' || coalesce((SELECT string_agg(id || ':' || version || ':' || coalesce(deleted_at::text, '-'), ',' ORDER BY id) FROM stages), ''),
          'deals=' || coalesce((SELECT string_agg(id || ':' || version, ',' ORDER BY id) FROM deals), ''),
          'deal_products=' || (SELECT count(*) FROM deal_products),
          'leads=' || coalesce((SELECT string_agg(id || ':' || version, ',' ORDER BY id) FROM leads), ''),
          'lead_sources=' || coalesce((SELECT string_agg(slug || ':' || label || ':' || archived, ',' ORDER BY slug) FROM lead_sources), ''),
          'lead_scoring=' || coalesce((SELECT string_agg(weights::text, ',') FROM lead_scoring), ''),
          'lead_widgets=' || coalesce((SELECT string_agg(id || ':' || name || ':' || key_prefix || ':' || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM lead_widgets), ''),
          'audit_log=' || (SELECT count(*) FROM audit_log),
          'notifications=' || coalesce((SELECT string_agg(id || ':' || coalesce(read_at::text, '-'), ',' ORDER BY id) FROM notifications), ''),
          'notification_settings=' || coalesce((SELECT string_agg(workspace_id || ':' || signal || ':' || enabled, ',' ORDER BY workspace_id, signal) FROM notification_settings), ''),
          'lead_status_nurture=' || coalesce((SELECT string_agg(workspace_id || ':' || status || ':' || enabled, ',' ORDER BY workspace_id, status) FROM lead_status_nurture), ''),
          'email_template_bindings=' || coalesce((SELECT string_agg(id || ':' || coalesce(stage_id::text, '-') || ':' || coalesce(lead_status, '-'), ',' ORDER BY id) FROM email_templates), ''),
          'nurture_steps=' || (SELECT count(*) FROM nurture_steps),
          'reminder_deliveries=' || (SELECT count(*) FROM reminder_deliveries),
          'notification_preferences=' || coalesce((SELECT string_agg(workspace_id || ':' || user_id || ':' || signal || ':' || in_app || ':' || email, ',' ORDER BY workspace_id, user_id, signal) FROM notification_preferences), ''),
          'email_templates=' || coalesce((SELECT string_agg(id || ':' || name || ':' || subject || ':' || md5(body), ',' ORDER BY id) FROM email_templates), ''),
          'email_outbox=' || (SELECT count(*) FROM email_outbox),
          'digest_deliveries=' || (SELECT count(*) FROM digest_deliveries))";
    app.db().await.query_one(SQL, &[]).await.unwrap().get(0)
}

/// Sends `method path` with an optional JSON body from `client`.
pub async fn send(client: &Browser, method: &str, path: &str, body: Option<&Value>) -> Response {
    let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
    let mut rb = client.request(method, path);
    if let Some(b) = body {
        rb = rb.json(b);
    }
    rb.send().await.unwrap()
}

/// Checks a problem+json answer; returns a description of what is wrong.
pub async fn problem_mismatch(res: Response, status: StatusCode, code: &str) -> Option<String> {
    let got = res.status();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = res.text().await.unwrap_or_default();
    if got != status {
        return Some(format!("expected {status} `{code}`, got {got}: {text}"));
    }
    if ct != "application/problem+json" {
        return Some(format!("expected application/problem+json, got `{ct}`: {text}"));
    }
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if body["code"] != code {
        return Some(format!("expected code `{code}`, got {body}"));
    }
    if !body["request_id"].is_string() {
        return Some(format!("no request_id in {body}"));
    }
    None
}

/// The people and tokens of the shared workspace, and another workspace
/// whose invitations the accept cases use.
struct World {
    app: TestApp,
    owner: SignedIn,
    people: Vec<SignedIn>,
    token_all: Browser,
    token_none: Browser,
    elsewhere: SignedIn,
}

impl World {
    async fn new() -> World {
        let app = spawn_app().await;
        let owner = app.signup("owner@acme.test", "Acme").await;
        let manager = app.member_of(&owner, "manager@acme.test", "manager").await;
        let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
        let viewer = app.member_of(&owner, "viewer@acme.test", "viewer").await;
        let all = create_token(&owner, "All scopes", SCOPES).await;
        let none = create_token(&owner, "No relevant scope", NO_RELEVANT_SCOPE).await;
        let token_all = app.bearer(all["token"].as_str().unwrap());
        let token_none = app.bearer(none["token"].as_str().unwrap());
        let elsewhere = app.signup("owner@elsewhere.test", "Elsewhere").await;
        let owner_again = SignedIn {
            user_id: owner.user_id,
            workspace_id: owner.workspace_id,
            email: owner.email.clone(),
            browser: owner.browser.clone(),
        };
        World { app, owner, people: vec![owner_again, manager, rep, viewer], token_all, token_none, elsewhere }
    }

    fn client(&self, caller: Caller) -> &Browser {
        match caller {
            Caller::Owner => &self.people[0].browser,
            Caller::Manager => &self.people[1].browser,
            Caller::Rep => &self.people[2].browser,
            Caller::Viewer => &self.people[3].browser,
            Caller::TokenAll => &self.token_all,
            Caller::TokenNone => &self.token_none,
        }
    }

    fn person(&self, caller: Caller) -> Option<&SignedIn> {
        let i = match caller {
            Caller::Owner => 0,
            Caller::Manager => 1,
            Caller::Rep => 2,
            Caller::Viewer => 3,
            Caller::TokenAll | Caller::TokenNone => return None,
        };
        Some(&self.people[i])
    }

    /// Makes the case's target; returns the value for the path placeholder.
    async fn make_target(&self, target: Target, caller: Caller, n: usize) -> Option<String> {
        match target {
            Target::None => None,
            Target::Member => {
                let id = Uuid::new_v4();
                let db = self.app.db().await;
                db.execute(
                    "INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'Target', 'x')",
                    &[&id, &format!("target{n}@acme.test")],
                )
                .await
                .unwrap();
                db.execute(
                    "INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, 'rep')",
                    &[&self.owner.workspace_id, &id],
                )
                .await
                .unwrap();
                Some(id.to_string())
            }
            Target::Invitation => {
                let res = self
                    .owner
                    .browser
                    .post("/api/v1/invitations", &json!({"email": format!("pending{n}@example.com"), "role": "rep"}))
                    .await;
                assert_eq!(res.status(), StatusCode::CREATED, "target invitation for case {n}");
                let body: Value = res.json().await.unwrap();
                Some(body["id"].as_str().unwrap().to_owned())
            }
            Target::Token => {
                let body = create_token(&self.owner, &format!("Target {n}"), &["deals:read"]).await;
                Some(body["id"].as_str().unwrap().to_owned())
            }
            Target::Contact | Target::Company | Target::Task | Target::CompletedTask => {
                let (path, body) = match target {
                    Target::Contact => {
                        ("/api/v1/contacts", json!({"first_name": "Target", "last_name": format!("{n}")}))
                    }
                    Target::Company => ("/api/v1/companies", json!({"name": format!("Target {n}")})),
                    _ => ("/api/v1/activities", json!({"type": "task", "subject": format!("Target {n}")})),
                };
                // The caller's own record when it may write one.
                let maker = match caller {
                    Caller::Viewer | Caller::TokenNone => &self.owner.browser,
                    other => self.client(other),
                };
                let res = maker.post(path, &body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target {path} for {caller}");
                let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
                if target == Target::CompletedTask {
                    let res = maker.post(&format!("/api/v1/activities/{id}/complete"), &json!({})).await;
                    assert_eq!(res.status(), StatusCode::OK, "complete target task for {caller}");
                }
                Some(id)
            }
            Target::CustomField => {
                let body = json!({"entity": "company", "key": format!("target_{n}"), "label": "Target", "type": "select", "options": ["a", "b"]});
                let res = self.owner.browser.post("/api/v1/custom-fields", &body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target custom field");
                Some(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned())
            }
            Target::View => {
                let maker = match self.person(caller) {
                    Some(p) => &p.browser,
                    None => &self.owner.browser,
                };
                let res =
                    maker.post("/api/v1/views", &json!({"entity": "companies", "name": format!("Target {n}")})).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target view for {caller}");
                Some(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned())
            }
            Target::InvitationForCaller => {
                let email = match self.person(caller) {
                    Some(p) => p.email.clone(),
                    None => format!("bot{n}@example.com"),
                };
                let res = self
                    .elsewhere
                    .browser
                    .post("/api/v1/invitations", &json!({"email": email, "role": "viewer"}))
                    .await;
                assert_eq!(res.status(), StatusCode::CREATED, "invitation elsewhere for {caller}");
                let body: Value = res.json().await.unwrap();
                Some(body["token"].as_str().unwrap().to_owned())
            }
            Target::Pipeline | Target::Stage => {
                let res = self.owner.browser.post("/api/v1/pipelines", &json!({"name": format!("Target {n}")})).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target pipeline for case {n}");
                let body: Value = res.json().await.unwrap();
                let id = if target == Target::Pipeline { &body["id"] } else { &body["stages"][0]["id"] };
                Some(id.as_str().unwrap().to_owned())
            }
            Target::Deal | Target::DeletedDeal | Target::DealLine => {
                let rep = self.people[2].user_id;
                let res = self
                    .owner
                    .browser
                    .post("/api/v1/deals", &json!({"title": format!("Target {n}"), "owner_id": rep}))
                    .await;
                assert_eq!(res.status(), StatusCode::CREATED, "target deal for case {n}");
                let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
                match target {
                    Target::DeletedDeal => {
                        let res = self.owner.browser.delete(&format!("/api/v1/deals/{id}")).await;
                        assert_eq!(res.status(), StatusCode::NO_CONTENT, "delete target deal {n}");
                        Some(id)
                    }
                    Target::DealLine => {
                        let res = self
                            .owner
                            .browser
                            .post(&format!("/api/v1/deals/{id}/products"), &json!({"name": "Seat", "unit_price": 100}))
                            .await;
                        assert_eq!(res.status(), StatusCode::CREATED, "target line {n}");
                        let line =
                            res.json::<Value>().await.unwrap()["line_items"][0]["id"].as_str().unwrap().to_owned();
                        Some(format!("{id}/products/{line}"))
                    }
                    _ => Some(id),
                }
            }
            Target::Lead => {
                let rep = self.people[2].user_id;
                let body = json!({"first_name": format!("Target {n}"), "owner_id": rep});
                let res = self.owner.browser.post("/api/v1/leads", &body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target lead for case {n}");
                Some(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned())
            }
            Target::Widget => {
                let body = json!({"name": format!("Target {n}"), "allowed_origins": ["https://shop.example.com"]});
                let res = self.owner.browser.post("/api/v1/lead-widgets", &body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target widget for case {n}");
                Some(res.json::<Value>().await.unwrap()["widget"]["id"].as_str().unwrap().to_owned())
            }
            Target::LeadSource => {
                let slug = format!("target-{n}");
                let body = json!({"slug": slug, "label": format!("Target {n}")});
                let res = self.owner.browser.post("/api/v1/lead-sources", &body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target source for case {n}");
                Some(slug)
            }
            Target::Notification | Target::UnreadForCaller => {
                let user = self.person(caller).map_or(self.owner.user_id, |p| p.user_id);
                let id = self.unread_notification(user, n).await;
                (target == Target::Notification).then_some(id)
            }
            Target::ContactPair | Target::CompanyPair | Target::DealPair => {
                let (path, body) = match target {
                    Target::ContactPair => ("/api/v1/contacts", json!({"first_name": format!("Pair {n}")})),
                    Target::CompanyPair => ("/api/v1/companies", json!({"name": format!("Pair {n}")})),
                    _ => ("/api/v1/deals", json!({"title": format!("Pair {n}")})),
                };
                let mut ids = Vec::new();
                for _ in 0..2 {
                    let res = self.owner.browser.post(path, &body).await;
                    assert_eq!(res.status(), StatusCode::CREATED, "target pair {path} for case {n}");
                    ids.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
                }
                Some(ids.join(","))
            }
            Target::Template => {
                let body = json!({"name": format!("Target {n}"), "subject": "Hi", "body": "Hello {{name}}"});
                let res = self.owner.browser.post("/api/v1/email-templates", &body).await;
                assert_eq!(res.status(), StatusCode::CREATED, "target template for case {n}");
                Some(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned())
            }
        }
    }

    /// A new unread notification of `user` in the shared workspace.
    async fn unread_notification(&self, user: Uuid, n: usize) -> String {
        let id = Uuid::now_v7();
        self.app
            .db()
            .await
            .execute(
                "INSERT INTO notifications (id, workspace_id, recipient_id, kind, title) VALUES ($1, $2, $3, 'assignments', $4)",
                &[&id, &self.owner.workspace_id, &user, &format!("Target {n}")],
            )
            .await
            .unwrap();
        id.to_string()
    }

    /// An open stage of the default pipeline.
    async fn open_stage(&self) -> String {
        let res = self.owner.browser.get("/api/v1/pipelines").await;
        let body: Value = res.json().await.unwrap();
        body["pipelines"][0]["stages"][1]["id"].as_str().unwrap().to_owned()
    }
}

async fn create_token(owner: &SignedIn, name: &str, scopes: &[&str]) -> Value {
    let res = owner.browser.post("/api/v1/tokens", &json!({"name": name, "scopes": scopes})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create token {name}");
    res.json().await.unwrap()
}

fn fill(path: &str, value: Option<&str>) -> String {
    // The value replaces everything from the first placeholder to the
    // last, so a target may fill two (`{id}/products/{line_id}`).
    match (path.find('{'), path.rfind('}'), value) {
        (Some(a), Some(b), Some(v)) => format!("{}{}{}", &path[..a], v, &path[b + 1..]),
        (None, None, _) => path.to_owned(),
        _ => panic!("placeholder and target disagree for {path}"),
    }
}

#[test]
fn every_route_under_test_is_in_the_matrix_and_no_row_is_stale() {
    let table = matrix();
    let listed: Vec<(&str, &str)> = table.iter().map(|c| (c.method, c.path)).collect();
    let mut missing = Vec::new();
    for route in routes_under_test() {
        if !listed.contains(&route) {
            missing.push(format!("{} {}", route.0.to_uppercase(), route.1));
        }
    }
    assert!(missing.is_empty(), "routes of pulse::startup::ROUTES missing from the permission matrix: {missing:?}");
    for (i, row) in listed.iter().enumerate() {
        assert!(
            ROUTES.iter().any(|r| (r.method, r.path) == *row),
            "matrix row {} {} is not a route of pulse::startup::ROUTES",
            row.0.to_uppercase(),
            row.1
        );
        assert!(!listed[..i].contains(row), "matrix row {} {} is listed twice", row.0.to_uppercase(), row.1);
    }
    for ex in EXCLUDED {
        assert!(ROUTES.iter().any(|r| (r.method, r.path) == *ex), "excluded route {ex:?} no longer exists");
    }
}

#[test]
fn the_table_agrees_with_the_permission_matrix() {
    for case in matrix() {
        for (caller, expect) in CALLERS.into_iter().zip(case.expect) {
            let want = match (case.policy, caller.role()) {
                (Policy::PeopleOnly, Some(_)) => None,
                (Policy::PeopleOnly, None) => Some(F),
                (Policy::Matrix(action), Some(role)) => (!role_allows(role, action)).then_some(F),
                (Policy::Matrix(action), None) => match required_scope(action) {
                    None => Some(F),
                    Some(scope) => {
                        let held: &[&str] = if caller == Caller::TokenAll { SCOPES } else { NO_RELEVANT_SCOPE };
                        (!held.contains(&scope)).then_some(S)
                    }
                },
            };
            let ctx = format!("{caller} {} {}", case.method.to_uppercase(), case.path);
            match want {
                None => assert!(matches!(expect, A(_)), "{ctx}: the matrix allows it, the table says {expect:?}"),
                Some(refusal) => assert_eq!(expect, refusal, "{ctx}: the matrix refuses it"),
            }
        }
    }
}

#[actix_web::test]
async fn every_role_and_token_gets_what_the_matrix_says_and_refusals_change_nothing() {
    let w = World::new().await;
    let stage_id = w.open_stage().await;
    let mut failures: Vec<String> = Vec::new();
    let mut cases = 0;
    let mut n = 0;
    for case in matrix() {
        for (caller, expect) in CALLERS.into_iter().zip(case.expect) {
            n += 1;
            cases += 1;
            let value = w.make_target(case.target, caller, n).await;
            let mut path = fill(case.path, value.as_deref());
            if let Some((_, q)) = QUERIES.iter().find(|(p, _)| *p == case.path) {
                path.push_str(q);
            }
            let fixture =
                Fixture { workspace_id: w.owner.workspace_id, stage_id: stage_id.clone(), n, target: value.clone() };
            let body = case.body.map(|b| b(&fixture));
            let ctx = format!("{caller}: {} {} (as {path})", case.method.to_uppercase(), case.path);

            let before = fingerprint(&w.app).await;
            let res = send(w.client(caller), case.method, &path, body.as_ref()).await;
            let status = res.status();
            match expect {
                A(code) => {
                    let text = res.text().await.unwrap_or_default();
                    if status.as_u16() != code {
                        failures.push(format!("{ctx}: expected {code}, got {status}: {text}"));
                        continue;
                    }
                    let after = fingerprint(&w.app).await;
                    if case.method == "get" && after != before && !AUDITED_READS.contains(&case.path) {
                        failures.push(format!("{ctx}: a read changed stored state:\n{before}\n---\n{after}"));
                    }
                    if case.method != "get" && after == before {
                        failures.push(format!("{ctx}: answered {status} but changed nothing"));
                    }
                }
                F | S => {
                    let code = if expect == F { "forbidden" } else { "insufficient_scope" };
                    if let Some(why) = problem_mismatch(res, StatusCode::FORBIDDEN, code).await {
                        failures.push(format!("{ctx}: {why}"));
                    }
                    let after = fingerprint(&w.app).await;
                    if after != before {
                        failures.push(format!(
                            "{ctx}: refused ({status}) but changed stored state:\n{before}\n---\n{after}"
                        ));
                    }
                }
            }
            // An accepted invitation switched the caller to the other
            // workspace: switch back for the following cases.
            if case.target == Target::InvitationForCaller && status.is_success() {
                if let Some(p) = w.person(caller) {
                    let res = p
                        .browser
                        .post("/api/v1/me/active-workspace", &json!({"workspace_id": w.owner.workspace_id}))
                        .await;
                    assert_eq!(res.status(), StatusCode::OK, "switch {caller} back after accepting");
                }
            }
        }
    }
    assert_eq!(cases, matrix().len() * CALLERS.len());
    assert!(failures.is_empty(), "{} of {cases} permission cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[actix_web::test]
async fn a_manager_cannot_invite_or_revoke_managers_and_nothing_changes() {
    // The one place where the matrix depends on the body: `can_invite`.
    let w = World::new().await;
    let manager = w.client(Caller::Manager);
    let before = fingerprint(&w.app).await;
    for role in ["manager", "owner"] {
        let res = manager.post("/api/v1/invitations", &json!({"email": "boss@example.com", "role": role})).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        // `owner` is not a role one can invite at all (422); `manager` is one
        // a manager may not hand out (403).
        let want = if role == "owner" { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::FORBIDDEN };
        assert_eq!(status, want, "manager: POST /api/v1/invitations with role {role}: {text}");
    }
    assert_eq!(fingerprint(&w.app).await, before, "manager: POST /api/v1/invitations refused but changed state");

    let res =
        w.owner.browser.post("/api/v1/invitations", &json!({"email": "boss@example.com", "role": "manager"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let before = fingerprint(&w.app).await;
    let res = manager.delete(&format!("/api/v1/invitations/{id}")).await;
    let why = problem_mismatch(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(why.is_none(), "manager: DELETE /api/v1/invitations/{{id}} of a manager invitation: {why:?}");
    assert_eq!(
        fingerprint(&w.app).await,
        before,
        "manager: DELETE /api/v1/invitations/{{id}} refused but changed state"
    );
}
