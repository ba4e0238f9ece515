//! Small input checks shared by handlers. Each returns a field-level
//! validation error a person can act on.

use crate::error::{ApiError, FieldError};

/// Collects field errors and turns them into one 422.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check(&mut self, ok: bool, field: &str, message: &str) -> &mut Self {
        if !ok {
            self.0.push(FieldError::new(field, message));
        }
        self
    }

    /// A trimmed text of 1..=max characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        // Counted as sent (the documented maxLength), blank is refused.
        let len = value.chars().count();
        let ok = !value.trim().is_empty() && len <= max && !value.chars().any(|c| c.is_control());
        self.check(ok, field, &format!("must be 1 to {max} characters, without control characters"))
    }

    pub fn email(&mut self, field: &str, value: &str) -> &mut Self {
        self.check(is_email(value), field, "must be a valid email address")
    }

    pub fn finish(&mut self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let errors = std::mem::take(&mut self.0);
        let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        Err(ApiError::Validation { detail, errors })
    }
}

/// A pragmatic email check: one `@`, a dotted domain, no spaces, <= 254.
pub fn is_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        }
        None => false,
    }
}

/// Page size: default 50, at most 200; anything else is a 400.
pub fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::BadRequest { code: "bad_query", detail: "limit must be between 1 and 200".into() }),
    }
}

/// The offset and page size of an in-memory list (deals, leads), and its
/// search text bounded: 400 `bad_query` for what the schema refuses.
pub fn list_window(q: Option<&str>, offset: Option<u32>, limit: Option<u32>) -> Result<(usize, usize), ApiError> {
    let bad = |detail: &str| ApiError::BadRequest { code: "bad_query", detail: detail.into() };
    if q.is_some_and(|s| s.chars().count() > 200) {
        return Err(bad("q is at most 200 characters"));
    }
    let offset = offset.unwrap_or(0);
    if offset > 1_000_000 {
        return Err(bad("offset is at most 1,000,000"));
    }
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(bad("limit must be 1 to 200"));
    }
    Ok((offset as usize, limit as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for (s, ok) in [
            ("a@b.co", true),
            ("ann.lee+crm@example.com", true),
            ("no-at.example.com", false),
            ("a@b", false),
            ("a b@c.de", false),
            ("@c.de", false),
            ("a@@c.de", false),
            ("a@.c.de", false),
        ] {
            assert_eq!(is_email(s), ok, "{s}");
        }
    }

    #[test]
    fn page_limits() {
        assert_eq!(page_limit(None).ok(), Some(50));
        assert_eq!(page_limit(Some(200)).ok(), Some(200));
        assert!(page_limit(Some(0)).is_err());
        assert!(page_limit(Some(201)).is_err());
        assert!(page_limit(Some(i64::MAX)).is_err());
    }
}
