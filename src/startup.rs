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
use crate::jobs;
use crate::realtime::ConnectionLimits;
use crate::routes;
use crate::state::AppState;
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
    /// Hourly prune of expired idempotency keys; stopped with the server.
    pruner: tokio::task::JoinHandle<()>,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let pool = db::prepare(&settings.database_url, settings.db_pool_size).await?;
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
        let realtime = Realtime::start(pool.clone(), settings.realtime(), redis.map(|(client, _)| client));
        let stream_limits = ConnectionLimits::new(settings.ws_max_per_user, settings.ws_max_per_ip);
        jobs::spawn_maintenance(pool.clone(), settings.event_retention_days);
        let hasher = Hasher::new(settings.max_concurrent_hashes).map_err(|e| StartupError::Other(e.to_string()))?;
        let shutdown_timeout = settings.shutdown_timeout_secs;
        let workers = settings.workers;
        let send_buffer = settings.socket_send_buffer;
        let state = web::Data::new(AppState {
            pool,
            settings: Arc::new(settings),
            origins,
            hasher,
            limiter,
            metrics: Metrics::default(),
            realtime,
            stream_limits,
        });
        let pool = state.pool.clone();
        tracing::info!(%addr, redis = state.settings.redis_url.is_some(), "pulse listening");
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(extract::json_config())
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .app_data(web::PayloadConfig::new(http::JSON_LIMIT))
                .configure(route_table)
                .default_service(web::to(extract::not_found))
                .wrap(from_fn(http::idempotency::idempotency))
                .wrap(from_fn(http::rate_limit::limit))
                .wrap(http::security::headers())
                .wrap(from_fn(http::metrics::record))
                .wrap(from_fn(http::request_id::assign))
        })
        .on_connect(move |conn, _| {
            if let (Some(size), Some(tcp)) = (send_buffer, conn.downcast_ref::<actix_web::rt::net::TcpStream>()) {
                if let Err(e) = socket2::SockRef::from(tcp).set_send_buffer_size(size) {
                    tracing::warn!(error = %e, "could not set the socket send buffer");
                }
            }
        })
        .shutdown_timeout(shutdown_timeout)
        .client_request_timeout(Duration::from_secs(10))
        .listen(listener)
        .map_err(|cause| StartupError::Bind { addr: addr.to_string(), cause })?;
        if let Some(w) = workers {
            server = server.workers(w.max(1));
        }
        let pruner = http::idempotency::spawn_pruner(pool);
        Ok(Self { port: addr.port(), server: server.run(), pruner })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.pruner.abort();
        served
    }
}

/// The one route table.
pub fn route_table(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(routes::health::healthz))
        .route("/readyz", web::get().to(routes::health::readyz))
        .route("/metrics", web::get().to(routes::health::metrics))
        .service(
            web::scope("/api/v1")
                .route("/auth/signup", web::post().to(routes::auth::signup))
                .route("/auth/login", web::post().to(routes::auth::login))
                .route("/auth/logout", web::post().to(routes::auth::logout))
                .route("/me", web::get().to(routes::me::get_me))
                .route("/me/active-workspace", web::post().to(routes::me::set_active_workspace))
                .route("/stream", web::get().to(routes::stream::open_stream))
                .route("/stream/tickets", web::post().to(routes::stream::create_ticket))
                .route("/members", web::get().to(routes::members::list_members))
                .route("/members/{user_id}", web::get().to(routes::members::get_member))
                .route("/members/{user_id}", web::patch().to(routes::members::update_member))
                .route("/members/{user_id}", web::delete().to(routes::members::remove_member))
                .route("/invitations", web::post().to(routes::invitations::create_invitation))
                .route("/invitations", web::get().to(routes::invitations::list_invitations))
                .route("/invitations/{id}", web::delete().to(routes::invitations::revoke_invitation))
                .route("/invitations/{token}/accept", web::post().to(routes::invitations::accept_invitation))
                .route("/tokens", web::post().to(routes::tokens::create_token))
                .route("/tokens", web::get().to(routes::tokens::list_tokens))
                .route("/tokens/{id}", web::delete().to(routes::tokens::revoke_token)),
        );
}
