//! Extractor configuration: malformed JSON, wrong types, unknown fields,
//! oversized bodies and bad query strings all become problem+json 4xx
//! answers before a handler runs.

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::web;

use super::JSON_LIMIT;
use crate::error::ApiError;

/// A JSON object request body. Unlike `web::Json`, it refuses any other
/// top-level value, and nested structs are objects only too
/// (`super::strict`): serde would otherwise read a struct from an array
/// (`[null, null]`), which no client means. Size, content type and serde
/// errors are problem+json 4xx.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> std::ops::Deref for JsonBody<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

fn is_json(req: &actix_web::HttpRequest) -> bool {
    let Some(ct) = req.headers().get(actix_web::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        use futures_util::StreamExt;
        let json = is_json(req);
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if declared.is_some_and(|n| n > JSON_LIMIT) {
                return Err(ApiError::PayloadTooLarge { limit: JSON_LIMIT });
            }
            let mut body = bytes::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| ApiError::BadRequest {
                    code: "bad_body",
                    detail: "could not read the request body".into(),
                })?;
                if body.len() + chunk.len() > JSON_LIMIT {
                    return Err(ApiError::PayloadTooLarge { limit: JSON_LIMIT });
                }
                body.extend_from_slice(&chunk);
            }
            match body.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{') => super::strict::from_slice(&body).map(JsonBody).map_err(|e| serde_error(&e)),
                None => Err(ApiError::BadRequest {
                    code: "malformed_json",
                    detail: "the body is empty; send a JSON object".into(),
                }),
                Some(_) => match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
                    Ok(_) => Err(ApiError::invalid("body", "must be a JSON object")),
                    Err(e) => Err(serde_error(&e)),
                },
            }
        })
    }
}

/// The query of an endpoint that takes no parameters: any parameter is a
/// 400 `bad_query` rather than silently ignored (a client sending `limit`
/// or a filter here is mistaken and should be told).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// For optional body fields where `null` is not a value: an absent field
/// is `None` (with `#[serde(default)]`), a present one must hold a `T`.
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::de::Error;
    match <Option<T> as serde::Deserialize>::deserialize(d)? {
        Some(v) => Ok(Some(v)),
        None => Err(D::Error::custom("null is not a value here; leave the field out to keep it")),
    }
}

/// For optional body fields that may be cleared: an absent field is
/// `None` (with `#[serde(default)]`), `null` is `Some(None)`, a value is
/// `Some(Some(v))`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
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
    // missing record, so ids of every shape behave the same. Except when
    // the "id" is the literal segment of a fixed route with other methods
    // (`PATCH /api/v1/contacts/bulk` meets `/api/v1/contacts/{id}`): that
    // path exists, so it is a 405 with `Allow`, as for any other path.
    web::PathConfig::default().error_handler(|_err: PathError, req| {
        let allowed: Vec<String> = crate::startup::ROUTES
            .iter()
            .filter(|r| r.path == req.path())
            .map(|r| r.method.to_ascii_uppercase())
            .collect();
        if allowed.is_empty() {
            return ApiError::NotFound("resource").into();
        }
        ApiError::MethodNotAllowed(allowed.join(", ")).into()
    })
}

/// Default service: a known path with another method answers 405 with
/// `Allow` (from the route table); anything else is a 404. Both are
/// problem+json.
pub async fn not_found(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    // A fixed route that names the path exactly (`/api/v1/contacts/bulk`)
    // wins over patterns that would take it as an id (`/api/v1/contacts/{id}`).
    let exact = crate::startup::ROUTES.iter().any(|r| r.path == req.path());
    let allowed: Vec<String> = crate::startup::ROUTES
        .iter()
        .filter(|r| {
            if exact {
                r.path == req.path()
            } else {
                actix_web::dev::ResourceDef::new(r.path).is_match(req.path())
            }
        })
        .map(|r| r.method.to_ascii_uppercase())
        .collect();
    if allowed.is_empty() {
        return Err(ApiError::NotFound("route"));
    }
    Err(ApiError::MethodNotAllowed(allowed.join(", ")))
}
