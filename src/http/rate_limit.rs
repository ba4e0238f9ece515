//! Request rate limits per API token, per user session and per IP: a fixed
//! one-minute window, counted in process when single-node and in Redis
//! (shared by every node) when `REDIS_URL` is set. Answers 429 with
//! `Retry-After`; every API response carries `RateLimit-*` headers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};

use crate::auth::extract::{bearer, SESSION_COOKIE};
use crate::auth::secrets;
use crate::error::ApiError;

const WINDOW_SECS: u64 = 60;
/// Longest a request waits for Redis before counting locally.
const REDIS_DEADLINE: std::time::Duration = std::time::Duration::from_millis(200);
/// Local entries kept before stale windows are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Clone)]
enum Backend {
    Local(Arc<Mutex<HashMap<String, (u64, u32)>>>),
    Redis(Box<redis::aio::ConnectionManager>),
}

/// Counts requests per key and window.
#[derive(Clone)]
pub struct RateLimiter {
    per_minute: u32,
    backend: Backend,
    /// Used when Redis fails, so limits still hold on this node.
    fallback: Arc<Mutex<HashMap<String, (u64, u32)>>>,
}

/// The outcome for one key.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn count_local(map: &Mutex<HashMap<String, (u64, u32)>>, key: &str, window: u64) -> u32 {
    let Ok(mut map) = map.lock() else { return 0 };
    if map.len() > SWEEP_AT {
        map.retain(|_, (w, _)| *w == window);
    }
    let e = map.entry(key.to_owned()).or_insert((window, 0));
    if e.0 != window {
        *e = (window, 0);
    }
    e.1 = e.1.saturating_add(1);
    e.1
}

impl RateLimiter {
    pub fn local(per_minute: u32) -> Self {
        Self { per_minute, backend: Backend::Local(Arc::default()), fallback: Arc::default() }
    }

    pub fn redis(per_minute: u32, conn: redis::aio::ConnectionManager) -> Self {
        Self { per_minute, backend: Backend::Redis(Box::new(conn)), fallback: Arc::default() }
    }

    /// Counts one request against `key` and decides.
    pub async fn hit(&self, key: &str) -> Decision {
        let now = now_secs();
        let window = now / WINDOW_SECS;
        let count = match &self.backend {
            Backend::Local(map) => count_local(map, key, window),
            Backend::Redis(conn) => {
                let mut conn = (**conn).clone();
                let rkey = format!("pulse:rl:{key}:{window}");
                let mut pipe = redis::pipe();
                pipe.atomic().incr(&rkey, 1u32).expire(&rkey, WINDOW_SECS as i64 * 2).ignore();
                let query = pipe.query_async::<(u32,)>(&mut conn);
                // A request never waits on a Redis that is down or slow.
                match tokio::time::timeout(REDIS_DEADLINE, query).await {
                    Ok(Ok((n,))) => n,
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "rate limiter: Redis unavailable, counting locally");
                        count_local(&self.fallback, key, window)
                    }
                    Err(_) => {
                        tracing::warn!("rate limiter: Redis too slow, counting locally");
                        count_local(&self.fallback, key, window)
                    }
                }
            }
        };
        Decision {
            allowed: count <= self.per_minute,
            limit: self.per_minute,
            remaining: self.per_minute.saturating_sub(count),
            reset_secs: WINDOW_SECS - now % WINDOW_SECS,
        }
    }
}

/// The keys a request counts against: its credential (token or session)
/// and its IP.
fn keys(req: &ServiceRequest) -> Vec<String> {
    let mut keys = Vec::with_capacity(2);
    if let Ok(Some(token)) = bearer(req.request()) {
        keys.push(format!("t:{}", hex::encode(&secrets::hash(token)[..12])));
    } else if let Some(c) = req.cookie(SESSION_COOKIE) {
        keys.push(format!("s:{}", hex::encode(&secrets::hash(c.value())[..12])));
    }
    keys.push(format!("ip:{}", crate::http::client_ip(req.request())));
    keys
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, d: &Decision) {
    for (name, value) in [
        ("ratelimit-limit", d.limit as u64),
        ("ratelimit-remaining", d.remaining as u64),
        ("ratelimit-reset", d.reset_secs),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
}

/// Middleware for `/api/`: the tightest of the request's keys decides.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let limiter = req.app_data::<web::Data<crate::state::AppState>>().map(|s| s.limiter.clone());
    let Some(limiter) = limiter.filter(|_| req.path().starts_with("/api/")) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let mut tightest: Option<Decision> = None;
    for key in keys(&req) {
        let d = limiter.hit(&key).await;
        if tightest.is_none_or(|t| d.remaining < t.remaining || !d.allowed) {
            tightest = Some(d);
        }
    }
    let Some(decision) = tightest else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if !decision.allowed {
        let err = ApiError::TooManyRequests {
            retry_after: decision.reset_secs,
            detail: "rate limit exceeded; see Retry-After".into(),
        };
        let mut res = err.error_response();
        set_headers(res.headers_mut(), &decision);
        return Ok(req.into_response(res).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    set_headers(res.headers_mut(), &decision);
    Ok(res.map_into_left_body())
}
