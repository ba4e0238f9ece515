//! Extractor configuration: malformed JSON, wrong types, unknown fields,
//! oversized bodies and bad query strings all become problem+json 4xx
//! answers before a handler runs.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::web;

use super::JSON_LIMIT;
use crate::error::ApiError;

/// JSON bodies: size limit, content type and serde errors mapped.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_LIMIT).error_handler(|err, _req| json_error(err).into())
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit },
        JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::PayloadTooLarge { limit },
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::Deserialize(e) => serde_error(&e),
        JsonPayloadError::Payload(_) => {
            ApiError::BadRequest { code: "bad_body", detail: "could not read the request body".into() }
        }
        other => ApiError::BadRequest { code: "bad_body", detail: other.to_string() },
    }
}

/// Syntax errors are 400 `malformed_json`; well-formed JSON of the wrong
/// shape is 422 `validation_failed` naming the problem.
pub fn serde_error(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            ApiError::BadRequest { code: "malformed_json", detail: format!("the body is not valid JSON: {e}") }
        }
        Category::Data => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            ApiError::Validation { detail: msg.clone(), errors: vec![crate::error::FieldError::new("body", msg)] }
        }
    }
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let detail = match err {
            QueryPayloadError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        ApiError::BadRequest { code: "bad_query", detail: format!("invalid query string: {detail}") }.into()
    })
}

pub fn path_config() -> web::PathConfig {
    // A malformed id in a path names nothing that exists: answer like a
    // missing record, so ids of every shape behave the same.
    web::PathConfig::default().error_handler(|_err: PathError, _req| ApiError::NotFound("resource").into())
}

/// Default service: a known path with another method answers 405 with
/// `Allow` (from the route table); anything else is a 404. Both are
/// problem+json.
pub async fn not_found(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    let allowed: Vec<String> = crate::startup::ROUTES
        .iter()
        .filter(|r| actix_web::dev::ResourceDef::new(r.path).is_match(req.path()))
        .map(|r| r.method.to_ascii_uppercase())
        .collect();
    if allowed.is_empty() {
        return Err(ApiError::NotFound("route"));
    }
    Err(ApiError::MethodNotAllowed(allowed.join(", ")))
}
