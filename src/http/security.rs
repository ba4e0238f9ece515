//! Security headers on every response, and the origin allowlist that CSRF
//! and WebSocket checks derive from `--public-origin`.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;

/// Content-Security-Policy: no inline script, nothing from other origins.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of `/api-docs/` (Swagger UI) only: the same, except that
/// inline styles are allowed, which Swagger UI's rendering needs (see
/// `startup::docs`). Scripts stay `'self'`.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// The headers added to every response. CORS stays closed: Pulse sends no
/// `Access-Control-Allow-*` headers, so browsers refuse cross-origin reads.
pub fn headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")))
        .add((
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
}

/// Origins browsers may send state-changing requests and WebSocket
/// handshakes from.
#[derive(Debug, Clone)]
pub struct OriginAllowlist {
    origins: Vec<String>,
}

impl OriginAllowlist {
    /// From `--public-origin`, or `http://{bound address}` (plus its
    /// `localhost` spelling for loopback) when none was given.
    pub fn new(public_origin: Option<&str>, bound: std::net::SocketAddr) -> Self {
        let mut origins = Vec::new();
        if let Some(o) = public_origin {
            origins.push(o.trim_end_matches('/').to_ascii_lowercase());
        } else {
            origins.push(format!("http://{bound}"));
            if bound.ip().is_loopback() {
                origins.push(format!("http://localhost:{}", bound.port()));
            }
        }
        Self { origins }
    }

    pub fn allows(&self, origin: &str) -> bool {
        let o = origin.trim_end_matches('/').to_ascii_lowercase();
        self.origins.contains(&o)
    }

    /// The primary origin (used in links such as invitation URLs).
    pub fn primary(&self) -> &str {
        self.origins.first().map(String::as_str).unwrap_or("")
    }

    /// Whether the request's origin signals say it is cross-site:
    /// `Sec-Fetch-Site: cross-site`, or an `Origin` not on the allowlist.
    pub fn is_cross_site(&self, req: &actix_web::HttpRequest) -> bool {
        if req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
            return true;
        }
        match req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            Some("null") => true,
            Some(origin) => !self.allows(origin),
            None => false,
        }
    }
}
