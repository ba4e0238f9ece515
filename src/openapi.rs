//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations and served at `GET /api/v1/openapi.json`; Swagger UI reads
//! it at `/api-docs/`.
//!
//! How it is assembled:
//! - [`ApiDoc`] lists every handler in `paths(...)`. A new handler is
//!   added there (and to the route table in `startup.rs`);
//!   `tests/api/openapi.rs` fails when a route of the table is missing.
//! - Each handler documents what is particular to it: its security
//!   (`session` and/or `bearer` with the scope it needs), body, success
//!   responses and the errors only it produces (404, 409, 412...).
//! - [`Conventions`] then adds the answers the shared plumbing gives on
//!   every route of a kind, so they cannot be forgotten: 429 on `/api/`
//!   (rate limits), 400/413/415/422 on operations with a JSON body (the
//!   extractor configuration in `http::extract`), 400 on operations with
//!   query parameters, 401/403 on authenticated operations. (A method a
//!   path does not have answers 405 with `Allow`; that is not an
//!   operation, so it is not documented per operation.)
//! - Errors are `application/problem+json` [`Problem`] documents, defined
//!   once as reusable responses (`#/components/responses/...`).

use std::borrow::Cow;
use std::sync::LazyLock;

use actix_web::HttpResponse;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi as Document, Ref, RefOr};
use utoipa::{Modify, OpenApi};

use crate::error::{FieldError, Problem};
use crate::routes;

/// The problem+json media type every error uses.
pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(OpenApi)]
#[openapi(
    info(title = "Pulse API", description = "Self-hosted real-time CRM. Browser sessions authenticate with the \
        `pulse_session` cookie and send `X-CSRF-Token` on unsafe requests; integrations use \
        `Authorization: Bearer <token>` with least-privilege scopes. Errors are RFC 9457 problem+json."),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        openapi_json,
        routes::auth::signup,
        routes::auth::login,
        routes::auth::logout,
        routes::me::get_me,
        routes::me::set_active_workspace,
        routes::workspace::get_workspace,
        routes::workspace::update_workspace,
        routes::audit::list_audit,
        routes::members::list_members,
        routes::members::get_member,
        routes::members::update_member,
        routes::members::remove_member,
        routes::invitations::create_invitation,
        routes::invitations::list_invitations,
        routes::invitations::revoke_invitation,
        routes::invitations::accept_invitation,
        routes::tokens::create_token,
        routes::tokens::list_tokens,
        routes::tokens::revoke_token,
        routes::stream::open_stream,
        routes::stream::create_ticket,
        routes::pipelines::list_pipelines,
        routes::pipelines::create_pipeline,
        routes::pipelines::update_pipeline,
        routes::pipelines::get_board,
        routes::pipelines::create_stage,
        routes::pipelines::update_stage,
        routes::pipelines::delete_stage,
        routes::deals::list_deals,
        routes::deals::create_deal,
        routes::deals::get_deal,
        routes::deals::update_deal,
        routes::deals::delete_deal,
        routes::deals::restore_deal,
        routes::deals::move_deal,
        routes::deals::deal_history,
        routes::deals::products::list_products,
        routes::deals::products::add_product,
        routes::deals::products::update_product,
        routes::deals::products::remove_product,
        routes::leads::list_leads,
        routes::leads::create_lead,
        routes::leads::get_lead,
        routes::leads::update_lead,
        routes::leads::delete_lead,
        routes::leads::convert_lead,
        routes::leads::lead_scores,
        routes::leads::record_engagement,
        routes::leads::list_sources,
        routes::leads::create_source,
        routes::leads::update_source,
        routes::leads::get_scoring,
        routes::leads::set_scoring,
        routes::lead_nurture::get_lead_nurture,
        routes::lead_nurture::update_lead_nurture,
        routes::widgets::list_widgets,
        routes::widgets::create_widget,
        routes::widgets::update_widget,
        routes::widgets::revoke_widget,
        routes::widgets::rotate_widget,
        routes::widgets::submit_lead,
        routes::widgets::widget_js,
        routes::contacts::list_contacts,
        routes::contacts::create_contact,
        routes::contacts::bulk_contacts,
        routes::contacts::get_contact,
        routes::contacts::update_contact,
        routes::contacts::delete_contact,
        routes::contacts::get_contact_overview,
        routes::companies::list_companies,
        routes::companies::create_company,
        routes::companies::get_company,
        routes::companies::update_company,
        routes::companies::delete_company,
        routes::companies::get_company_overview,
        routes::activities::list_activities,
        routes::activities::create_activity,
        routes::activities::get_activity,
        routes::activities::update_activity,
        routes::activities::complete_activity,
        routes::activities::reopen_activity,
        routes::custom_fields::list_custom_fields,
        routes::custom_fields::create_custom_field,
        routes::custom_fields::update_custom_field,
        routes::custom_fields::delete_custom_field,
        routes::views::list_views,
        routes::views::create_view,
        routes::views::delete_view,
        routes::search::search,
        routes::notifications::list_notifications,
        routes::notifications::notification_summary,
        routes::notifications::mark_all_notifications_read,
        routes::notifications::mark_notification_read,
        routes::notifications::settings::get_notification_settings,
        routes::notifications::settings::update_notification_settings,
        routes::notifications::settings::get_notification_preferences,
        routes::notifications::settings::update_notification_preferences,
        routes::email_templates::list_email_templates,
        routes::email_templates::create_email_template,
        routes::email_templates::update_email_template,
        routes::email_templates::delete_email_template,
        routes::outbox::list_outbox,
        routes::jobs::list_job_runs,
        routes::export::export_contacts,
        routes::export::export_companies,
        routes::export::export_activities,
        routes::export::export_deals,
        routes::export::export_leads,
        routes::cleanup::get_checklist,
        routes::cleanup::list_duplicates,
        routes::cleanup::merge_contacts,
        routes::cleanup::merge_companies,
        routes::cleanup::merge_deals,
        routes::imports::list_imports,
        routes::imports::create_import,
        routes::imports::get_import,
        routes::imports::update_import_mapping,
        routes::imports::dry_run_import,
        routes::imports::start_import,
        routes::imports::revert_import,
        routes::imports::list_import_errors,
    ),
    components(
        schemas(Problem, FieldError, Currency),
        responses(BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed,
            PayloadTooLarge, UnsupportedMediaType, Unprocessable, TooManyRequests)
    ),
    modifiers(&SecuritySchemes, &Conventions),
    tags(
        (name = "auth", description = "Sign-up, login, sessions and the signed-in user"),
        (name = "workspace", description = "The active workspace's settings"),
        (name = "audit", description = "The append-only audit log"),
        (name = "team", description = "Members, roles and invitations"),
        (name = "tokens", description = "API tokens for integrations (owners)"),
        (name = "pipelines", description = "Pipelines, stages and the live board"),
        (name = "deals", description = "Deals, their products and stage history"),
        (name = "leads", description = "Leads, sources, scoring and conversion"),
        (name = "stream", description = "The live event stream (WebSocket; see docs/PROTOCOL.md)"),
        (name = "contacts", description = "People the workspace sells to, with bulk operations and a 360 view"),
        (name = "companies", description = "Organisations, with metadata filters and a 360 view"),
        (name = "activities", description = "The append-only log of calls, meetings, emails, notes and tasks"),
        (name = "custom fields", description = "Per-workspace custom field definitions"),
        (name = "views", description = "A person's saved list views"),
        (name = "search", description = "Full-text search across CRM records"),
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "notifications", description = "The bell, notification settings and preferences, email templates"),
        (name = "stream", description = "The live event stream (WebSocket; see docs/PROTOCOL.md)"),
        (name = "operations", description = "Health, readiness, metrics, the email outbox and scheduled job runs"),
        (name = "docs", description = "This document"),
        (name = "cleanup", description = "Data cleanup: the go-live checklist, duplicate groups and merges (owners and managers)"),
        (name = "imports", description = "CSV imports of contacts, companies, leads and deals (owners and managers)"),
    )
)]
pub struct ApiDoc;

/// The document, built once.
static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));

/// This OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "docs",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(DOCUMENT.as_str())
}

/// `session` (the browser cookie) and `bearer` (API tokens).
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::extract::SESSION_COOKIE,
                "Browser session from signup/login. Unsafe methods also need the `X-CSRF-Token` header \
                 (the `csrf_token` of login, signup or GET /api/v1/me) and a same-site origin.",
            ))),
        );
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some(
            "An API token of one workspace. Each operation names the scope it needs; \
             operations that list no bearer requirement refuse tokens with 403."
                .into(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// Adds the responses the shared plumbing gives (see the module docs).
struct Conventions;

fn add(op: &mut Operation, status: &str, response: &str) {
    op.responses.responses.entry(status.to_owned()).or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
}

impl Modify for Conventions {
    fn modify(&self, doc: &mut Document) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in ops.into_iter().flatten() {
                if path.starts_with("/api/") {
                    add(op, "429", "TooManyRequests");
                }
                if op.request_body.is_some() {
                    add(op, "400", "BadRequest");
                    add(op, "413", "PayloadTooLarge");
                    add(op, "415", "UnsupportedMediaType");
                    add(op, "422", "Unprocessable");
                }
                let has_query = op.parameters.iter().flatten().any(|p| matches!(p.parameter_in, ParameterIn::Query));
                if has_query {
                    add(op, "400", "BadRequest");
                }
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add(op, "401", "Unauthorized");
                    add(op, "403", "Forbidden");
                }
            }
        }
    }
}

fn problem_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
}

macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident => $description:literal $(, header $header:literal: $header_doc:literal)*;)*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                #[allow(unused_mut)]
                let mut r = problem_response($description);
                $(
                    r = r.header($header, HeaderBuilder::new()
                        .schema(ObjectBuilder::new().schema_type(Type::String))
                        .description(Some($header_doc))
                        .build());
                )*
                (stringify!($name), RefOr::T(r.build()))
            }
        }
    )*};
}

problem_responses! {
    /// 400: malformed JSON, a bad query string, cursor or `If-Match`.
    BadRequest => "Malformed request: `malformed_json`, `bad_query`, `bad_cursor`, `bad_if_match`...";
    /// 401: no valid credential.
    Unauthorized => "No valid session cookie or bearer token (`unauthenticated`)";
    /// 403: the credential may not do this.
    Forbidden => "The role, token scope or CSRF check refuses the request (`forbidden`, `insufficient_scope`, `csrf_failed`)";
    /// 404.
    NotFound => "Nothing by that id in the workspace (`not_found`)";
    /// 409.
    Conflict => "The request conflicts with the current state (see `code`; `field_conflict` names the field in `errors`)";
    /// 412: stale `If-Match`.
    PreconditionFailed => "`If-Match` names an older version (`version_mismatch`); reload and retry";
    /// 413.
    PayloadTooLarge => "The body is larger than the limit (`payload_too_large`)";
    /// 415.
    UnsupportedMediaType => "The body is not `application/json` (`unsupported_media_type`)";
    /// 422.
    Unprocessable => "Well-formed JSON with invalid fields (`validation_failed`); `errors` names each field";
    /// 429 with `Retry-After`.
    TooManyRequests => "Rate limited (`rate_limited`); retry after `Retry-After` seconds",
        header "Retry-After": "Seconds to wait";
}

/// An uppercase ISO 4217 currency code (see `currencies.rs`).
pub struct Currency;

impl utoipa::PartialSchema for Currency {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An uppercase ISO 4217 currency code"))
            .enum_values(Some(crate::currencies::ISO_4217.iter().copied()))
            .into()
    }
}

impl utoipa::ToSchema for Currency {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Currency")
    }
}
