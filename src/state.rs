//! What every request handler can reach. Kept small on purpose: the pool,
//! the settings, and the few shared services built at start-up.

use std::sync::Arc;

use deadpool_postgres::Pool;

use crate::auth::password::Hasher;
use crate::config::Settings;
use crate::http::metrics::Metrics;
use crate::http::rate_limit::RateLimiter;
use crate::http::security::OriginAllowlist;

pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    /// Origins allowed for cookie-authenticated writes and WebSocket handshakes.
    pub origins: OriginAllowlist,
    pub hasher: Hasher,
    pub limiter: RateLimiter,
    /// Lead widget submissions: 10 per minute per IP and widget.
    pub widget_limiter: RateLimiter,
    pub metrics: Metrics,
    /// The real-time core: workspace actors, the event stream, the bus.
    pub realtime: pulse_actors::Realtime,
    /// Open WebSocket connections per user/token and per IP.
    pub stream_limits: crate::realtime::ConnectionLimits,
    /// Resolved credentials, kept up to a second (see `auth::cache`).
    pub auth_cache: crate::auth::cache::AuthCache,
}

impl AppState {
    /// A pooled database client; pool exhaustion maps to 503.
    pub async fn db(&self) -> Result<deadpool_postgres::Object, crate::error::ApiError> {
        Ok(self.pool.get().await?)
    }
}
