//! The HTTP error boundary: every failure becomes an RFC 9457
//! `application/problem+json` body with a stable machine `code`, a human
//! `detail` and the request id. Internal errors are logged with their cause
//! chain and answered with an opaque 500.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::error_chain;
use crate::http::request_id::current_request_id;

/// One invalid field in a request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// JSON path of the field, e.g. `email`.
    pub field: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// The problem+json document (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `https://pulse.dev/problems/{code}`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code.
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every error an HTTP handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    Validation { detail: String, errors: Vec<FieldError> },
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// A well-formed request that cannot be processed, with its own code
    /// (field-level problems use `Validation`).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    #[error("authentication required")]
    Unauthenticated,
    #[error("email or password is incorrect")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("this API token lacks the scope `{0}`")]
    InsufficientScope(&'static str),
    #[error("{0}")]
    Csrf(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The path exists but not with this method; lists the allowed ones.
    #[error("this path supports {0}")]
    MethodNotAllowed(String),
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 409 `field_conflict`: a well-formed field that the workspace's
    /// current state refuses (an unknown stage or contact, a lost stage
    /// without a reason...). `errors` names the field.
    #[error("{field}: {detail}")]
    FieldConflict { field: &'static str, detail: String },
    #[error("the resource changed since you read it (version {current}); reload and retry")]
    VersionMismatch { current: i64 },
    #[error("If-Match is not a valid version")]
    BadIfMatch,
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("{detail}")]
    TooManyRequests { retry_after: u64, detail: String },
    #[error("the service is busy; retry shortly")]
    Unavailable,
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// A single-field validation failure.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Validation { detail: format!("{field}: {message}"), errors: vec![FieldError::new(field, message)] }
    }

    /// Wraps any error as an opaque internal error (logged, not shown).
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(e))
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation { .. } => "validation_failed",
            ApiError::BadRequest { code, .. } => code,
            ApiError::Unprocessable { code, .. } => code,
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::InsufficientScope(_) => "insufficient_scope",
            ApiError::Csrf(_) => "csrf_failed",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Conflict { code, .. } => code,
            ApiError::FieldConflict { .. } => "field_conflict",
            ApiError::VersionMismatch { .. } => "version_mismatch",
            ApiError::BadIfMatch => "bad_if_match",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::Unavailable => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        self.status_code().canonical_reason().unwrap_or("Error")
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let errors = match self {
            ApiError::Validation { errors, .. } => errors.clone(),
            ApiError::FieldConflict { field, detail } => vec![FieldError::new(*field, detail.clone())],
            _ => Vec::new(),
        };
        Problem {
            type_: format!("https://pulse.dev/problems/{}", self.code()),
            title: self.title().to_owned(),
            status: status.as_u16(),
            code: self.code().to_owned(),
            detail: self.to_string(),
            request_id: current_request_id(),
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } | ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest { .. } | ApiError::BadIfMatch => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::InsufficientScope(_) | ApiError::Csrf(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } | ApiError::FieldConflict { .. } => StatusCode::CONFLICT,
            ApiError::VersionMismatch { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = %error_chain(cause.as_ref()), "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            ApiError::TooManyRequests { retry_after, .. } => {
                res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthenticated => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"pulse\""));
            }
            ApiError::Unavailable => {
                res.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::MethodNotAllowed(allow) => {
                res.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        res.body(body)
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        ApiError::internal(e)
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Timeout(_) => {
                tracing::warn!("database pool exhausted");
                ApiError::Unavailable
            }
            other => ApiError::internal(other),
        }
    }
}

/// Result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
