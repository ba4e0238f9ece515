//! A request id on every request: taken from a well-formed incoming
//! `X-Request-Id` or generated, echoed in the response, recorded on the
//! tracing span and in every problem document.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: String;
}

pub const HEADER: &str = "x-request-id";

/// The id of the request being served on this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

fn acceptable(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware: assigns the id and runs the rest of the chain inside it.
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let header_value = HeaderValue::from_str(&id).ok();
    let mut res = REQUEST_ID.scope(id, next.call(req).instrument(span.clone())).await?;
    if let Some(v) = header_value {
        res.headers_mut().insert(HeaderName::from_static(HEADER), v);
    }
    span.in_scope(|| tracing::debug!(status = res.status().as_u16(), "served"));
    Ok(res)
}
