//! `Idempotency-Key` for POST requests under `/api/`: a client that retries
//! a create with the same key gets the first response again instead of a
//! second record.
//!
//! Contract:
//! - Applies to POST requests under `/api/` that carry `Idempotency-Key`
//!   (1 to 255 visible ASCII characters, else 400 `bad_idempotency_key`),
//!   except `/api/v1/auth/*` and invitation acceptance, which manage
//!   credentials themselves.
//! - A key belongs to the credential that sent it: the hex SHA-256 of the
//!   bearer token or of the session cookie. Requests with neither, and
//!   requests whose credential does not authenticate, pass through
//!   untouched (their handler answers 401/403 and nothing is stored).
//! - The request (method, path with query, body up to
//!   [`JSON_LIMIT`](super::JSON_LIMIT)) is hashed. The first request claims
//!   the key, runs, and its status, content type, `Location`/`ETag` and body
//!   are stored; a 5xx (or a dropped request) releases the claim so a retry
//!   runs again. A later request with the same key and hash gets the stored
//!   response with `Idempotency-Replayed: true`; with another hash, 422
//!   `idempotency_key_reused`; while the first still runs, 409
//!   `idempotency_in_progress`.
//! - Keys live 24 hours: older rows count as absent and are pruned hourly
//!   by the maintenance loop in `jobs`.
//!
//! - Stored bodies can hold a secret shown once (a new API token's
//!   `token`), so they are sealed (ChaCha20-Poly1305) with a key derived
//!   from the credential itself. The database holds only the credential's
//!   hash under another domain, so reading `idempotency_keys` reveals no
//!   body; only the original credential can open a replay.
//!
//! Runs inside the rate limiter, so replays are counted like any request.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use bytes::{Bytes, BytesMut};
use deadpool_postgres::Pool;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::JSON_LIMIT;
use crate::auth::extract::{authenticate, bearer, SESSION_COOKIE};
use crate::auth::secrets;
use crate::db::idempotency::{self as store, IdempotencyRow, NewClaim, StoredResponse};
use crate::error::ApiError;
use crate::state::AppState;

/// The request header naming the key.
pub const KEY_HEADER: &str = "idempotency-key";
/// Set on replayed responses.
pub const REPLAYED_HEADER: &str = "idempotency-replayed";
/// Longest key accepted, in bytes.
pub const KEY_MAX: usize = 255;
/// Response headers stored and replayed besides `Content-Type`. Cookies
/// are never stored: a replay must not hand out a session.
const STORED_HEADERS: [HeaderName; 2] = [header::LOCATION, header::ETAG];

/// Whether a request is subject to idempotency handling at all.
fn applies(req: &ServiceRequest) -> bool {
    let path = req.path();
    req.method() == Method::POST && path.starts_with("/api/") && !exempt(path)
}

/// Authentication endpoints and invitation acceptance issue credentials;
/// a replay would hand out someone's session.
fn exempt(path: &str) -> bool {
    // A CSV upload is a stream of up to hundreds of MiB, not a JSON body
    // to hash and replay.
    path == "/api/v1/imports"
        || path.starts_with("/api/v1/auth/")
        || path.strip_prefix("/api/v1/invitations/").is_some_and(|rest| rest == "accept" || rest.ends_with("/accept"))
}

/// The credential a key is scoped to: hex SHA-256 of the bearer token or
/// of the session cookie value.
pub fn principal(req: &HttpRequest) -> Option<String> {
    match bearer(req) {
        Ok(Some(token)) => Some(hex::encode(secrets::hash(token))),
        Ok(None) => req.cookie(SESSION_COOKIE).map(|c| hex::encode(secrets::hash(c.value()))),
        Err(_) => None,
    }
}

/// The key that seals stored bodies: SHA-256 of the raw credential under
/// its own domain (the stored principal is a plain SHA-256, so it cannot
/// be turned into this key).
fn sealing_key(req: &HttpRequest) -> Option<[u8; 32]> {
    let credential = match bearer(req) {
        Ok(Some(token)) => token.to_owned(),
        Ok(None) => req.cookie(SESSION_COOKIE)?.value().to_owned(),
        Err(_) => return None,
    };
    let mut h = Sha256::new();
    h.update(b"pulse-idempotency-seal-v1\0");
    h.update(credential.as_bytes());
    Some(h.finalize().into())
}

/// Seals a body: a random 12-byte nonce followed by the ciphertext.
fn seal(key: &[u8; 32], plain: &[u8]) -> Result<Vec<u8>, ApiError> {
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    let nonce = chacha20poly1305::ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed =
        cipher.encrypt(&nonce, plain).map_err(|_| ApiError::internal(std::io::Error::other("sealing failed")))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a sealed body; fails if it was not sealed with `key`.
fn open(key: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, ApiError> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let bad = || ApiError::internal(std::io::Error::other("a stored idempotent response could not be opened"));
    if sealed.len() < 12 {
        return Err(bad());
    }
    let (nonce, body) = sealed.split_at(12);
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    cipher.decrypt(chacha20poly1305::Nonce::from_slice(nonce), body).map_err(|_| bad())
}

/// A key is 1..=255 visible ASCII characters, sent once.
fn parse_key(req: &ServiceRequest) -> Result<Option<String>, ApiError> {
    let mut values = req.headers().get_all(KEY_HEADER);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    let visible = bytes.iter().all(|b| (0x21..=0x7e).contains(b));
    if values.next().is_some() || bytes.is_empty() || bytes.len() > KEY_MAX || !visible {
        return Err(ApiError::BadRequest {
            code: "bad_idempotency_key",
            detail: format!("Idempotency-Key must be sent once, as 1 to {KEY_MAX} visible ASCII characters"),
        });
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// Reads the whole body, refusing more than [`JSON_LIMIT`] bytes.
async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit: JSON_LIMIT };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > JSON_LIMIT as u64) {
        return Err(too_large);
    }
    let mut payload = req.take_payload();
    let mut buf = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::BadRequest { code: "bad_body", detail: "could not read the request body".into() })?;
        if buf.len() + chunk.len() > JSON_LIMIT {
            return Err(too_large);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// SHA-256 over method, path with query, and body.
fn request_hash(req: &ServiceRequest, body: &[u8]) -> Vec<u8> {
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or_else(|| req.path());
    let mut h = Sha256::new();
    h.update(req.method().as_str().as_bytes());
    h.update(b"\n");
    h.update(target.as_bytes());
    h.update(b"\n");
    h.update(body);
    h.finalize().to_vec()
}

/// What to do with a request whose key is claimed or found.
enum Claimed {
    /// This request owns the key: run it.
    Run,
    /// A completed first request: answer with its response.
    Replay(IdempotencyRow),
}

async fn claim(state: &AppState, new: &NewClaim<'_>) -> Result<Claimed, ApiError> {
    let client = state.db().await?;
    // A few rounds: a colliding row may expire or be released between the
    // INSERT and the SELECT; after that, treat the key as busy.
    for _ in 0..3 {
        if store::insert_idempotency_claim(&client, new).await? {
            return Ok(Claimed::Run);
        }
        match store::select_idempotency_key(&client, new.principal, new.key).await? {
            None => continue,
            Some(row) if row.expired => {
                store::delete_expired_idempotency_key(&client, new.principal, new.key).await?;
            }
            Some(row) if row.request_hash != new.request_hash => {
                return Err(ApiError::Unprocessable {
                    code: "idempotency_key_reused",
                    detail: "this Idempotency-Key was used for a different request; use a new key for a new request"
                        .into(),
                });
            }
            Some(row) if row.status.is_none() => break,
            Some(row) => return Ok(Claimed::Replay(row)),
        }
    }
    Err(ApiError::Conflict {
        code: "idempotency_in_progress",
        detail: "a request with this Idempotency-Key is still being processed; retry shortly".into(),
    })
}

/// The stored response, marked as a replay.
fn replay(row: IdempotencyRow, key: &[u8; 32]) -> Result<HttpResponse, ApiError> {
    let status = row
        .status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| ApiError::internal(std::io::Error::other("stored idempotent response has a bad status")))?;
    let mut res = HttpResponse::build(status);
    if let Some(ct) = row.content_type {
        res.insert_header((header::CONTENT_TYPE, ct));
    }
    if let Some(serde_json::Value::Object(headers)) = row.headers {
        for (name, value) in headers {
            let name = HeaderName::try_from(name.as_str()).ok();
            let value = value.as_str().and_then(|v| HeaderValue::from_str(v).ok());
            if let (Some(name), Some(value)) = (name, value) {
                res.insert_header((name, value));
            }
        }
    }
    res.insert_header((HeaderName::from_static(REPLAYED_HEADER), HeaderValue::from_static("true")));
    let body = match row.body {
        Some(sealed) => open(key, &sealed)?,
        None => Vec::new(),
    };
    Ok(res.body(body))
}

/// Releases an unfinished claim when dropped armed: the handler failed,
/// panicked, or the client went away mid-request.
struct ClaimGuard {
    pool: Pool,
    principal: String,
    key: String,
    armed: bool,
}

impl ClaimGuard {
    async fn release(&mut self) {
        self.armed = false;
        match self.pool.get().await {
            Ok(c) => {
                if let Err(e) = store::delete_idempotency_claim(&c, &self.principal, &self.key).await {
                    tracing::warn!(error = %e, "could not release an idempotency claim");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not release an idempotency claim"),
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut rest = ClaimGuard {
            pool: self.pool.clone(),
            principal: std::mem::take(&mut self.principal),
            key: std::mem::take(&mut self.key),
            armed: false,
        };
        rt.spawn(async move { rest.release().await });
    }
}

fn problem(req: ServiceRequest, e: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(e.error_response())
}

/// Middleware: see the module docs.
pub async fn idempotency<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|_| applies(&req) && req.headers().contains_key(KEY_HEADER)) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let (Some(principal), Some(seal_key)) = (principal(req.request()), sealing_key(req.request())) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match parse_key(&req) {
        Ok(Some(key)) => key,
        Ok(None) => return Ok(next.call(req).await?.map_into_boxed_body()),
        Err(e) => return Ok(problem(req, e)),
    };
    if authenticate(req.request()).await.is_err() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let body = match read_body(&mut req).await {
        Ok(body) => body,
        Err(e) => return Ok(problem(req, e)),
    };
    let hash = request_hash(&req, &body);
    req.set_payload(Payload::from(body));
    let path = req.path().to_owned();
    let new = NewClaim { principal: &principal, key: &key, method: "POST", path: &path, request_hash: &hash };
    match claim(&state, &new).await {
        Err(e) => return Ok(problem(req, e)),
        Ok(Claimed::Replay(row)) => {
            let res = replay(row, &seal_key).unwrap_or_else(|e| e.error_response());
            return Ok(req.into_response(res));
        }
        Ok(Claimed::Run) => {}
    }
    let mut guard = ClaimGuard { pool: state.pool.clone(), principal, key, armed: true };
    let res = next.call(req).await?;
    let (http_req, res) = res.into_parts();
    let (head, res_body) = res.into_parts();
    let bytes = match body::to_bytes(res_body).await {
        Ok(bytes) => bytes,
        Err(e) => {
            guard.release().await;
            let e = ApiError::internal(std::io::Error::other(e.into().to_string()));
            return Ok(ServiceResponse::new(http_req, e.error_response()));
        }
    };
    if head.status().is_server_error() {
        guard.release().await;
    } else if let Err(e) = store_response(&state, &guard, &head, &bytes, &seal_key).await {
        // The handler's work is done; answer it, and let the guard release
        // the claim so a retry is not stuck behind 409s for a day.
        tracing::error!(error = %crate::db::error_chain(&e), "could not store an idempotent response");
    } else {
        guard.armed = false;
    }
    Ok(ServiceResponse::new(http_req, head.set_body(BoxBody::new(bytes))))
}

async fn store_response(
    state: &AppState,
    guard: &ClaimGuard,
    head: &HttpResponse<()>,
    body: &[u8],
    seal_key: &[u8; 32],
) -> Result<(), StoreError> {
    let sealed = seal(seal_key, body).map_err(|_| StoreError::Seal)?;
    let body = sealed.as_slice();
    let headers: serde_json::Map<String, serde_json::Value> = STORED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = head.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), serde_json::Value::String(value.to_owned())))
        })
        .collect();
    let content_type = head.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let stored = StoredResponse {
        status: head.status().as_u16() as i16,
        content_type,
        headers: &serde_json::Value::Object(headers),
        body,
    };
    match state.pool.get().await {
        Ok(client) => Ok(store::update_idempotency_response(&client, &guard.principal, &guard.key, &stored).await?),
        Err(deadpool_postgres::PoolError::Backend(e)) => Err(e.into()),
        Err(e) => {
            tracing::error!(error = %e, "no database connection to store an idempotent response");
            Ok(())
        }
    }
}

/// Why a response could not be stored for replay.
#[derive(Debug, thiserror::Error)]
enum StoreError {
    #[error(transparent)]
    Db(#[from] tokio_postgres::Error),
    #[error("sealing the response failed")]
    Seal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_and_invitation_acceptance_are_exempt() {
        for (path, exempt_, why) in [
            ("/api/v1/auth/login", true, "login"),
            ("/api/v1/auth/signup", true, "signup"),
            ("/api/v1/invitations/accept", true, "accept by body token"),
            ("/api/v1/invitations/abc/accept", true, "accept by path token"),
            ("/api/v1/tokens", false, "token creation"),
            ("/api/v1/invitations", false, "sending an invitation"),
        ] {
            assert_eq!(exempt(path), exempt_, "{why}");
        }
    }
}
