//! Building the application: database, shared services, and the one route
//! table. `Application::build` binds the listener (port 0 in tests) so the
//! caller learns the real port before serving.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::auth::password::Hasher;
use crate::config::Settings;
use crate::db::{self, DbSetupError};
use crate::http::metrics::Metrics;
use crate::http::rate_limit::RateLimiter;
use crate::http::security::OriginAllowlist;
use crate::http::{self, extract};
use crate::notifications::email::{self, Mailer};
use crate::realtime::ConnectionLimits;
use crate::scheduler::{Clock, Scheduler, SystemClock};
use crate::state::AppState;
use crate::{openapi, routes};
use pulse_actors::Realtime;

/// Why Pulse could not start. Each message tells the operator what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbSetupError),
    #[error("could not listen on {addr}: {cause}")]
    Bind { addr: String, cause: std::io::Error },
    #[error("could not connect to Redis at {url}: {cause}\nStart Redis or unset REDIS_URL to run as a single node.")]
    Redis { url: String, cause: String },
    #[error("{0}")]
    Other(String),
}

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    /// The scheduler and the outbox sender, when enabled; stopped with the server.
    background: Vec<tokio::task::JoinHandle<()>>,
    realtime: Realtime,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let pool = db::prepare(&settings.database_url, settings.db_pool_size).await?;
        let actor_pool = db::actor_pool(&settings.database_url, settings.db_actor_pool_size)?;
        let listener = TcpListener::bind(settings.listen)
            .map_err(|cause| StartupError::Bind { addr: settings.listen.to_string(), cause })?;
        let addr =
            listener.local_addr().map_err(|cause| StartupError::Bind { addr: settings.listen.to_string(), cause })?;
        let origins = OriginAllowlist::new(settings.public_origin.as_deref(), addr);
        let redis = match &settings.redis_url {
            Some(url) => {
                let redacted = crate::config::redact_url(url);
                let client = redis::Client::open(url.as_str())
                    .map_err(|e| StartupError::Redis { url: redacted.clone(), cause: e.to_string() })?;
                let conn = redis::aio::ConnectionManager::new(client.clone())
                    .await
                    .map_err(|e| StartupError::Redis { url: redacted, cause: e.to_string() })?;
                Some((client, conn))
            }
            None => None,
        };
        let limiter = match &redis {
            Some((_, conn)) => RateLimiter::redis(settings.rate_limit_per_minute, conn.clone()),
            None => RateLimiter::local(settings.rate_limit_per_minute),
        };
        let widget_limiter = match &redis {
            Some((_, conn)) => RateLimiter::redis(crate::routes::widgets::SUBMISSIONS_PER_MINUTE, conn.clone()),
            None => RateLimiter::local(crate::routes::widgets::SUBMISSIONS_PER_MINUTE),
        };
        let realtime = Realtime::start(actor_pool, settings.realtime(), redis.map(|(client, _)| client));
        let stream_limits = ConnectionLimits::new(settings.ws_max_per_user, settings.ws_max_per_ip);
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let mut background = Vec::new();
        if settings.scheduler {
            let scheduler = Scheduler::new(
                pool.clone(),
                clock.clone(),
                settings.schedule(),
                settings.event_retention_days,
                Some(realtime.clone()),
            );
            background.push(scheduler.spawn());
        }
        if let Some(url) = &settings.smtp_url {
            let mailer = Mailer::new(url, &settings.smtp_from).map_err(StartupError::Other)?;
            let mailer = mailer.with_ca_file(settings.smtp_ca_file.as_deref()).map_err(StartupError::Other)?;
            let every = Duration::from_secs(settings.outbox_poll_secs.max(1));
            background.push(email::spawn_sender(
                pool.clone(),
                mailer,
                clock,
                every,
                settings.email_max_attempts.max(1),
            ));
        }
        let hasher = Hasher::new(settings.max_concurrent_hashes).map_err(|e| StartupError::Other(e.to_string()))?;
        let shutdown_timeout = settings.shutdown_timeout_secs;
        let workers = settings.workers;
        let send_buffer = settings.socket_send_buffer;
        let user_timeout =
            (settings.tcp_user_timeout_secs > 0).then(|| Duration::from_secs(settings.tcp_user_timeout_secs));
        let auth_cache_ttl = std::time::Duration::from_millis(settings.auth_cache_ms);
        let state = web::Data::new(AppState {
            pool,
            settings: Arc::new(settings),
            origins,
            hasher,
            limiter,
            widget_limiter,
            metrics: Metrics::default(),
            realtime: realtime.clone(),
            stream_limits,
            auth_cache: crate::auth::cache::AuthCache::new(auth_cache_ttl),
        });
        // Imports left running or reverting (a node died mid-run) resume.
        background.push(routes::imports::spawn_resumer(&state));
        tracing::info!(%addr, redis = state.settings.redis_url.is_some(), "pulse listening");
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .app_data(web::PayloadConfig::new(http::JSON_LIMIT))
                .configure(route_table)
                .default_service(web::to(extract::not_found))
                .wrap(from_fn(http::idempotency::idempotency))
                .wrap(from_fn(crate::auth::cache::invalidate_after_changes))
                .wrap(from_fn(http::rate_limit::limit))
                .wrap(http::security::headers())
                .wrap(from_fn(http::metrics::record))
                .wrap(from_fn(http::request_id::assign))
        })
        .on_connect(move |conn, _| {
            let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() else { return };
            let socket = socket2::SockRef::from(tcp);
            if let Some(size) = send_buffer {
                if let Err(e) = socket.set_send_buffer_size(size) {
                    tracing::warn!(error = %e, "could not set the socket send buffer");
                }
            }
            if let Err(e) = socket.set_tcp_user_timeout(user_timeout) {
                tracing::warn!(error = %e, "could not set the socket's user timeout");
            }
        })
        // Live events are small frames written one after another: with
        // Nagle's algorithm a frame waits for the ACK of the previous one,
        // which the client may delay by up to 40 ms.
        .tcp_nodelay(true)
        // Signals are handled in `run_until_stopped`, which closes the
        // streams before draining requests.
        .disable_signals()
        .shutdown_timeout(shutdown_timeout)
        .client_request_timeout(Duration::from_secs(10))
        .listen(listener)
        .map_err(|cause| StartupError::Bind { addr: addr.to_string(), cause })?;
        if let Some(w) = workers {
            server = server.workers(w.max(1));
        }
        Ok(Self { port: addr.port(), server: server.run(), background, realtime })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM. Then: stop accepting, close every
    /// WebSocket with 1001 (clients resume elsewhere or later), finish
    /// in-flight requests (up to the shutdown timeout), and return. Nothing
    /// needs flushing: every acknowledged change was committed first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let realtime = self.realtime.clone();
        let stopper = actix_web::rt::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutdown requested: closing streams and draining requests");
            handle.pause().await;
            realtime.close_all().await;
            handle.stop(true).await;
        });
        let served = self.server.await;
        stopper.abort();
        for task in &self.background {
            task.abort();
        }
        tracing::info!("stopped");
        served
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// One route of the table: its method and full path pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    /// Lowercase, as in the OpenAPI document: `get`, `post`...
    pub method: &'static str,
    pub path: &'static str,
}

/// Declares the route table once and derives from it both the actix
/// registration and [`ROUTES`], the list that answers 405 with `Allow`
/// for known paths and that `tests/api/openapi.rs` checks against the
/// OpenAPI document. One line per route: `method "/full/path" => handler;`.
macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every route of the table.
        pub const ROUTES: &[RouteSpec] = &[$(RouteSpec { method: stringify!($method), path: $path }),*];

        /// The one route table.
        pub fn route_table(cfg: &mut web::ServiceConfig) {
            register(cfg, vec![$( ($path, web::$method().to($handler)) ),*]);
            app(cfg);
            docs(cfg);
        }
    };
}

route_table! {
    get "/healthz" => routes::health::healthz;
    get "/readyz" => routes::health::readyz;
    get "/metrics" => routes::health::metrics;
    get "/api/v1/openapi.json" => openapi::openapi_json;
    post "/api/v1/auth/signup" => routes::auth::signup;
    post "/api/v1/auth/login" => routes::auth::login;
    post "/api/v1/auth/logout" => routes::auth::logout;
    get "/api/v1/me" => routes::me::get_me;
    post "/api/v1/me/active-workspace" => routes::me::set_active_workspace;
    get "/api/v1/workspace" => routes::workspace::get_workspace;
    patch "/api/v1/workspace" => routes::workspace::update_workspace;
    get "/api/v1/audit" => routes::audit::list_audit;
    get "/api/v1/stream" => routes::stream::open_stream;
    post "/api/v1/stream/tickets" => routes::stream::create_ticket;
    get "/api/v1/members" => routes::members::list_members;
    get "/api/v1/members/{user_id}" => routes::members::get_member;
    patch "/api/v1/members/{user_id}" => routes::members::update_member;
    delete "/api/v1/members/{user_id}" => routes::members::remove_member;
    post "/api/v1/invitations" => routes::invitations::create_invitation;
    get "/api/v1/invitations" => routes::invitations::list_invitations;
    delete "/api/v1/invitations/{id}" => routes::invitations::revoke_invitation;
    post "/api/v1/invitations/{token}/accept" => routes::invitations::accept_invitation;
    post "/api/v1/tokens" => routes::tokens::create_token;
    get "/api/v1/tokens" => routes::tokens::list_tokens;
    delete "/api/v1/tokens/{id}" => routes::tokens::revoke_token;
    get "/api/v1/pipelines" => routes::pipelines::list_pipelines;
    post "/api/v1/pipelines" => routes::pipelines::create_pipeline;
    patch "/api/v1/pipelines/{id}" => routes::pipelines::update_pipeline;
    get "/api/v1/pipelines/{id}/board" => routes::pipelines::get_board;
    post "/api/v1/pipelines/{id}/stages" => routes::pipelines::create_stage;
    patch "/api/v1/stages/{id}" => routes::pipelines::update_stage;
    delete "/api/v1/stages/{id}" => routes::pipelines::delete_stage;
    get "/api/v1/deals" => routes::deals::list_deals;
    get "/api/v1/deals/export" => routes::export::export_deals;
    post "/api/v1/deals/merge" => routes::cleanup::merge_deals;
    post "/api/v1/deals" => routes::deals::create_deal;
    get "/api/v1/deals/{id}" => routes::deals::get_deal;
    patch "/api/v1/deals/{id}" => routes::deals::update_deal;
    delete "/api/v1/deals/{id}" => routes::deals::delete_deal;
    post "/api/v1/deals/{id}/restore" => routes::deals::restore_deal;
    put "/api/v1/deals/{id}/stage" => routes::deals::move_deal;
    get "/api/v1/deals/{id}/history" => routes::deals::deal_history;
    get "/api/v1/deals/{id}/products" => routes::deals::list_products;
    post "/api/v1/deals/{id}/products" => routes::deals::add_product;
    patch "/api/v1/deals/{id}/products/{line_id}" => routes::deals::update_product;
    delete "/api/v1/deals/{id}/products/{line_id}" => routes::deals::remove_product;
    get "/api/v1/leads" => routes::leads::list_leads;
    get "/api/v1/leads/export" => routes::export::export_leads;
    post "/api/v1/leads" => routes::leads::create_lead;
    get "/api/v1/leads/{id}" => routes::leads::get_lead;
    patch "/api/v1/leads/{id}" => routes::leads::update_lead;
    delete "/api/v1/leads/{id}" => routes::leads::delete_lead;
    post "/api/v1/leads/{id}/convert" => routes::leads::convert_lead;
    get "/api/v1/leads/{id}/scores" => routes::leads::lead_scores;
    post "/api/v1/leads/{id}/engagement" => routes::leads::record_engagement;
    get "/api/v1/lead-sources" => routes::leads::list_sources;
    post "/api/v1/lead-sources" => routes::leads::create_source;
    patch "/api/v1/lead-sources/{slug}" => routes::leads::update_source;
    get "/api/v1/lead-scoring" => routes::leads::get_scoring;
    put "/api/v1/lead-scoring" => routes::leads::set_scoring;
    get "/api/v1/lead-nurture" => routes::lead_nurture::get_lead_nurture;
    patch "/api/v1/lead-nurture" => routes::lead_nurture::update_lead_nurture;
    get "/api/v1/lead-widgets" => routes::widgets::list_widgets;
    post "/api/v1/lead-widgets" => routes::widgets::create_widget;
    patch "/api/v1/lead-widgets/{id}" => routes::widgets::update_widget;
    delete "/api/v1/lead-widgets/{id}" => routes::widgets::revoke_widget;
    post "/api/v1/lead-widgets/{id}/rotate" => routes::widgets::rotate_widget;
    post "/api/v1/widget/{key}/leads" => routes::widgets::submit_lead;
    get "/widget.js" => routes::widgets::widget_js;
    // CRM records (contacts, companies, activities, custom fields, views, search).
    get "/api/v1/contacts" => routes::contacts::list_contacts;
    post "/api/v1/contacts" => routes::contacts::create_contact;
    post "/api/v1/contacts/bulk" => routes::contacts::bulk_contacts;
    get "/api/v1/contacts/export" => routes::export::export_contacts;
    post "/api/v1/contacts/merge" => routes::cleanup::merge_contacts;
    get "/api/v1/contacts/{id}" => routes::contacts::get_contact;
    patch "/api/v1/contacts/{id}" => routes::contacts::update_contact;
    delete "/api/v1/contacts/{id}" => routes::contacts::delete_contact;
    get "/api/v1/contacts/{id}/overview" => routes::contacts::get_contact_overview;
    get "/api/v1/companies" => routes::companies::list_companies;
    post "/api/v1/companies" => routes::companies::create_company;
    get "/api/v1/companies/export" => routes::export::export_companies;
    post "/api/v1/companies/merge" => routes::cleanup::merge_companies;
    get "/api/v1/companies/{id}" => routes::companies::get_company;
    patch "/api/v1/companies/{id}" => routes::companies::update_company;
    delete "/api/v1/companies/{id}" => routes::companies::delete_company;
    get "/api/v1/companies/{id}/overview" => routes::companies::get_company_overview;
    get "/api/v1/activities" => routes::activities::list_activities;
    post "/api/v1/activities" => routes::activities::create_activity;
    get "/api/v1/activities/export" => routes::export::export_activities;
    get "/api/v1/activities/{id}" => routes::activities::get_activity;
    patch "/api/v1/activities/{id}" => routes::activities::update_activity;
    post "/api/v1/activities/{id}/complete" => routes::activities::complete_activity;
    post "/api/v1/activities/{id}/reopen" => routes::activities::reopen_activity;
    get "/api/v1/custom-fields" => routes::custom_fields::list_custom_fields;
    post "/api/v1/custom-fields" => routes::custom_fields::create_custom_field;
    patch "/api/v1/custom-fields/{id}" => routes::custom_fields::update_custom_field;
    delete "/api/v1/custom-fields/{id}" => routes::custom_fields::delete_custom_field;
    get "/api/v1/views" => routes::views::list_views;
    post "/api/v1/views" => routes::views::create_view;
    delete "/api/v1/views/{id}" => routes::views::delete_view;
    get "/api/v1/search" => routes::search::search;
    get "/api/v1/notifications" => routes::notifications::list_notifications;
    get "/api/v1/notifications/summary" => routes::notifications::notification_summary;
    post "/api/v1/notifications/read-all" => routes::notifications::mark_all_notifications_read;
    post "/api/v1/notifications/{id}/read" => routes::notifications::mark_notification_read;
    get "/api/v1/notification-settings" => routes::notifications::get_notification_settings;
    patch "/api/v1/notification-settings" => routes::notifications::update_notification_settings;
    get "/api/v1/me/notification-preferences" => routes::notifications::get_notification_preferences;
    patch "/api/v1/me/notification-preferences" => routes::notifications::update_notification_preferences;
    get "/api/v1/email-templates" => routes::email_templates::list_email_templates;
    post "/api/v1/email-templates" => routes::email_templates::create_email_template;
    patch "/api/v1/email-templates/{id}" => routes::email_templates::update_email_template;
    delete "/api/v1/email-templates/{id}" => routes::email_templates::delete_email_template;
    get "/api/v1/outbox" => routes::outbox::list_outbox;
    get "/api/v1/jobs/runs" => routes::jobs::list_job_runs;
    // Data cleanup (the merges are listed next to their records above).
    get "/api/v1/cleanup/checklist" => routes::cleanup::get_checklist;
    get "/api/v1/cleanup/duplicates" => routes::cleanup::list_duplicates;
    // CSV imports (docs/IMPORT.md).
    get "/api/v1/imports" => routes::imports::list_imports;
    post "/api/v1/imports" => routes::imports::create_import;
    get "/api/v1/imports/{id}" => routes::imports::get_import;
    put "/api/v1/imports/{id}/mapping" => routes::imports::update_import_mapping;
    post "/api/v1/imports/{id}/dry-run" => routes::imports::dry_run_import;
    post "/api/v1/imports/{id}/start" => routes::imports::start_import;
    post "/api/v1/imports/{id}/revert" => routes::imports::revert_import;
    get "/api/v1/imports/{id}/errors" => routes::imports::list_import_errors;
}

/// Registers the table's routes as actix resources: one resource per
/// path, holding a route per method, and the `/api/v1/<name>/...` paths
/// in one scope per `<name>`, in the table's order.
///
/// Why not a resource per route: actix tries resources in order and
/// matches each one's pattern (a regex with captures, for a pattern with
/// `{id}`) before looking at its methods, and the metrics middleware walks
/// the patterns again to name the route. Flat, `PUT /api/v1/deals/{id}/stage`
/// ran some fifteen regexes first; behind the scope's plain prefix
/// check it runs three. A method a path lacks answers 405 with `Allow`
/// ([`extract::not_found`]), as does a path no route has under a scope
/// (the app's default service).
fn register(cfg: &mut web::ServiceConfig, mut routes: Vec<(&'static str, actix_web::Route)>) {
    // CORS preflight of the public lead widget endpoint: not in ROUTES,
    // which is the documented API surface (no OPTIONS there).
    routes.push((
        "/api/v1/widget/{key}/leads",
        web::method(actix_web::http::Method::OPTIONS).to(routes::widgets::preflight_submission),
    ));
    /// A path and the routes of its methods.
    type Methods = (&'static str, Vec<actix_web::Route>);
    // scope prefix ("" for none) -> paths in order -> their routes.
    let mut scopes: Vec<(&'static str, Vec<Methods>)> = Vec::new();
    for (path, route) in routes {
        let prefix = scope_of(path);
        let at = match scopes.iter().position(|(p, _)| *p == prefix) {
            Some(i) => i,
            None => {
                scopes.push((prefix, Vec::new()));
                scopes.len() - 1
            }
        };
        let paths = &mut scopes[at].1;
        match paths.iter_mut().find(|(p, _)| *p == path) {
            Some((_, methods)) => methods.push(route),
            None => paths.push((path, vec![route])),
        }
    }
    for (prefix, paths) in scopes {
        let resources = paths.into_iter().map(|(path, methods)| {
            let resource = web::resource(&path[prefix.len()..]).default_service(web::to(extract::not_found));
            methods.into_iter().fold(resource, |r, m| r.route(m))
        });
        if prefix.is_empty() {
            resources.for_each(|r| {
                cfg.service(r);
            });
        } else {
            cfg.service(resources.fold(web::scope(prefix), |scope, r| scope.service(r)));
        }
    }
}

/// `/api/v1/deals` for `/api/v1/deals/{id}/stage`; "" outside `/api/v1/`.
fn scope_of(path: &'static str) -> &'static str {
    let Some(rest) = path.strip_prefix("/api/v1/") else { return "" };
    let name = rest.split('/').next().unwrap_or(rest);
    &path[..("/api/v1/".len() + name.len())]
}

/// The browser app (`routes::app`), served from the binary. These routes
/// are not in [`ROUTES`]: that list is the API surface, documented in
/// OpenAPI and walked by the permission tests, and these serve files to
/// anyone (the app itself asks the API who is signed in). Anything but
/// GET on them is 405.
fn app(cfg: &mut web::ServiceConfig) {
    fn get_only(path: &str) -> actix_web::Resource {
        web::resource(path).default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(crate::error::ApiError::MethodNotAllowed("GET".into()))
        }))
    }
    cfg.service(get_only("/").route(web::get().to(routes::app::index)));
    cfg.service(get_only("/static/{path:.*}").route(web::get().to(routes::app::static_file)));
    cfg.service(get_only("/sdk/{path:.*}").route(web::get().to(routes::app::sdk_file)));
    cfg.service(get_only("/invitations/{path}").route(web::get().to(routes::app::invitation_link)));
}

/// Interactive API docs: Swagger UI (embedded in the binary, no CDN) at
/// `/api-docs/`, reading `/api/v1/openapi.json`.
///
/// CSP: Swagger UI 5's `index.html` loads its code from files
/// (`swagger-ui-bundle.js`, `swagger-initializer.js`), with no inline
/// script, so `script-src 'self'` holds. What the strict policy breaks is
/// style: checked in headless Chromium, under Pulse's global policy the
/// page renders but `swagger-ui-bundle.js` has an inline style blocked
/// ("Applying inline style violates ... style-src 'self'"), and its
/// highlighter and model views style elements inline. So this scope only,
/// and only for styles, sends `style-src 'self' 'unsafe-inline'` (no CSP
/// violations remain); scripts, connections and everything else stay as
/// strict as the rest of Pulse. The validator badge (an image from
/// another origin) is switched off.
fn docs(cfg: &mut web::ServiceConfig) {
    use actix_web::http::header;
    use utoipa_swagger_ui::{Config, SwaggerUi};

    cfg.route(
        "/api-docs",
        web::get().to(|| async {
            actix_web::HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/api-docs/")).finish()
        }),
    );
    cfg.service(
        web::scope("/api-docs")
            .wrap(
                actix_web::middleware::DefaultHeaders::new()
                    .add((header::CONTENT_SECURITY_POLICY, http::security::DOCS_CSP)),
            )
            .service(
                SwaggerUi::new("/{_:.*}")
                    .config(Config::new(["/api/v1/openapi.json"]).validator_url("none").try_it_out_enabled(true)),
            ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_scoped_by_their_first_segment_under_api_v1() {
        assert_eq!(scope_of("/api/v1/deals/{id}/stage"), "/api/v1/deals");
        assert_eq!(scope_of("/api/v1/deals"), "/api/v1/deals");
        assert_eq!(scope_of("/api/v1/me/notification-preferences"), "/api/v1/me");
        assert_eq!(scope_of("/healthz"), "");
        assert_eq!(scope_of("/widget.js"), "");
        // Every route's path is its scope's prefix plus a remainder that is
        // empty or starts a new segment, so the scope sees it whole.
        for r in ROUTES {
            let rest = &r.path[scope_of(r.path).len()..];
            assert!(rest.is_empty() || rest.starts_with('/'), "{}", r.path);
        }
    }
}
