//! HTTP plumbing shared by every route: request ids, security headers,
//! metrics, extractor configuration, rate limits and idempotency.

pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod rate_limit;
pub mod request_id;
pub mod security;
pub mod strict;

use actix_web::HttpRequest;

/// Largest JSON body accepted by default (bytes).
pub const JSON_LIMIT: usize = 256 * 1024;

/// The client's IP address as seen on the socket. Pulse does not trust
/// forwarding headers: put it behind a proxy that sets the peer address.
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_owned())
}

/// The request's User-Agent, truncated for storage.
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect())
}

impl actix_web::FromRequest for crate::db::audit::Origin {
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(crate::db::audit::Origin {
            ip: Some(client_ip(req)),
            user_agent: user_agent(req),
            request_id: request_id::current_request_id(),
        }))
    }
}
