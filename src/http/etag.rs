//! Optimistic concurrency over HTTP: a resource's `version` (a bigint the
//! database bumps on every update) travels as a strong `ETag: "<version>"`
//! and comes back in `If-Match`.
//!
//! Contract for every versioned resource:
//! - reads and writes answer with `ETag: "<version>"`;
//! - a write may send `If-Match: "<version>"` (`W/"<version>"` and `*` are
//!   accepted too); when the stored version differs the write changes
//!   nothing and answers 412 `version_mismatch` with the current version;
//! - an `If-Match` that is not a version is 400 `bad_if_match`;
//! - without `If-Match` the write applies unconditionally (last writer wins).

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpRequest;

use crate::error::ApiError;

/// What the client's `If-Match` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// No `If-Match`, or `If-Match: *`: apply whatever the current version.
    Any,
    /// Apply only if the stored version is this one.
    Version(i64),
}

impl Precondition {
    /// Parses the request's `If-Match` header.
    pub fn from_request(req: &HttpRequest) -> Result<Self, ApiError> {
        match req.headers().get(header::IF_MATCH) {
            None => Ok(Precondition::Any),
            Some(v) => parse_if_match(v.to_str().map_err(|_| ApiError::BadIfMatch)?),
        }
    }

    /// Ok when `current` satisfies the precondition, else 412.
    pub fn check(self, current: i64) -> Result<(), ApiError> {
        match self {
            Precondition::Version(v) if v != current => Err(ApiError::VersionMismatch { current }),
            _ => Ok(()),
        }
    }

    /// The version the write expects, `None` for any.
    pub fn expected(self) -> Option<i64> {
        match self {
            Precondition::Any => None,
            Precondition::Version(v) => Some(v),
        }
    }
}

/// `"7"`, `W/"7"` or `*`; a bare `7` is accepted too (clients that drop
/// the quotes mean the same version). A list of several tags is refused:
/// a client holds one version of a resource at a time.
pub fn parse_if_match(raw: &str) -> Result<Precondition, ApiError> {
    let raw = raw.trim();
    if raw == "*" {
        return Ok(Precondition::Any);
    }
    let tag = raw.strip_prefix("W/").unwrap_or(raw);
    let digits = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(tag);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::BadIfMatch);
    }
    digits.parse::<i64>().map(Precondition::Version).map_err(|_| ApiError::BadIfMatch)
}

/// The `ETag` header for a version.
pub fn etag(version: i64) -> (header::HeaderName, HeaderValue) {
    // Digits and quotes are always a valid header value.
    let value = HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""));
    (header::ETAG, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_forms() {
        let cases: &[(&str, Option<Precondition>, &str)] = &[
            ("\"7\"", Some(Precondition::Version(7)), "strong tag"),
            ("W/\"7\"", Some(Precondition::Version(7)), "weak tag"),
            (" \"12\" ", Some(Precondition::Version(12)), "surrounding spaces"),
            ("*", Some(Precondition::Any), "any"),
            ("7", Some(Precondition::Version(7)), "unquoted, accepted leniently"),
            ("W/7", Some(Precondition::Version(7)), "weak, unquoted"),
            ("abc", None, "not a version"),
            ("\"\"", None, "empty tag"),
            ("\"-1\"", None, "negative"),
            ("\"7\", \"8\"", None, "a list"),
            ("\"99999999999999999999\"", None, "overflow"),
        ];
        for (raw, want, what) in cases {
            assert_eq!(parse_if_match(raw).ok(), *want, "{what}: {raw}");
        }
    }

    #[test]
    fn stale_versions_are_refused_with_the_current_one() {
        assert!(Precondition::Any.check(3).is_ok());
        assert!(Precondition::Version(3).check(3).is_ok());
        assert!(matches!(Precondition::Version(2).check(3), Err(ApiError::VersionMismatch { current: 3 })));
    }
}
