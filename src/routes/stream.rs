//! `GET /api/v1/stream` (the WebSocket) and `POST /api/v1/stream/tickets`.
//!
//! Browsers authenticate the handshake with their session cookie and an
//! allowed `Origin` (cross-site WebSocket hijacking is refused); SDKs and
//! integrators use `Authorization: Bearer` or a single-use ticket.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use chrono::Utc;
use pulse_actors::protocol::{Encoding, MSGPACK_SUBPROTOCOL};
use pulse_actors::{Role, Viewer};
use serde::{Deserialize, Serialize};

use crate::auth::extract::{Authenticated, Member, SESSION_COOKIE};
use crate::auth::permissions::SubscribeEvents;
use crate::auth::{secrets, Action};
use crate::db::stream_tickets::{self, TicketRow};
use crate::error::{ApiError, ApiResult};
use crate::http::metrics::HandshakeAuth;
use crate::state::AppState;

/// Seconds a ticket stays valid.
pub const TICKET_TTL_SECS: i64 = 30;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// A single-use ticket from `POST /api/v1/stream/tickets`.
    pub ticket: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TicketResponse {
    pub ticket: String,
    pub expires_at: chrono::DateTime<Utc>,
}

/// Who is connecting, resolved from a ticket or the request's credential.
struct StreamCaller {
    workspace_id: uuid::Uuid,
    viewer: Viewer,
    key: String,
}

async fn from_ticket(state: &AppState, ticket: &str) -> ApiResult<StreamCaller> {
    let client = state.db().await?;
    let row = stream_tickets::redeem_ticket(&client, &secrets::hash(ticket)).await?.ok_or(ApiError::Unauthenticated)?;
    match (row.user_id, row.token_id) {
        (Some(user_id), _) => {
            let live = match row.session_id {
                Some(s) => {
                    let idle = state.settings.session_idle().as_secs() as f64;
                    stream_tickets::session_is_live(&client, s, idle).await?
                }
                None => true,
            };
            let role = stream_tickets::select_active_role(&client, row.workspace_id, user_id)
                .await?
                .and_then(|r| Role::parse(&r));
            let role = role.filter(|_| live).ok_or(ApiError::Unauthenticated)?;
            let viewer = Viewer::Member { user_id, role, session_id: row.session_id };
            Ok(caller(row.workspace_id, viewer))
        }
        (None, Some(token_id)) => {
            let scopes =
                stream_tickets::select_live_token_scopes(&client, token_id).await?.ok_or(ApiError::Unauthenticated)?;
            if !scopes.iter().any(|s| s == "events:subscribe") {
                return Err(ApiError::InsufficientScope("events:subscribe"));
            }
            Ok(caller(row.workspace_id, Viewer::Token { token_id, scopes }))
        }
        _ => Err(ApiError::Unauthenticated),
    }
}

/// Who a stream credential resolved to.
fn caller(workspace_id: uuid::Uuid, viewer: Viewer) -> StreamCaller {
    let key = match &viewer {
        Viewer::Member { user_id, .. } => format!("u:{user_id}"),
        Viewer::Token { token_id, .. } => format!("t:{token_id}"),
    };
    StreamCaller { workspace_id, viewer, key }
}

/// The request's credential as a key of the node's memory of stream
/// credentials: its kind (`b` bearer, `c` cookie) and the hash of its secret.
fn memory_key(req: &HttpRequest) -> ApiResult<Option<Vec<u8>>> {
    let (kind, hash) = match crate::auth::extract::bearer(req)? {
        Some(token) => (b'b', secrets::hash(token)),
        None => match req.cookie(SESSION_COOKIE) {
            Some(cookie) => (b'c', secrets::hash(cookie.value())),
            None => return Ok(None),
        },
    };
    let mut key = vec![kind];
    key.extend(hash);
    Ok(Some(key))
}

/// A browser always sends Origin on a WebSocket handshake; it must be
/// allowed (cross-site WebSocket hijacking).
fn check_origin(state: &AppState, req: &HttpRequest) -> ApiResult<()> {
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if !origin.is_some_and(|o| state.origins.allows(o)) {
        return Err(ApiError::Csrf("WebSocket handshake from an origin that is not allowed"));
    }
    Ok(())
}

/// The caller of a cookie or bearer handshake: from the node's memory of
/// stream credentials when it holds the credential (a reconnect), else
/// from the database, never from the REST credential cache. `epoch` is
/// the memory's epoch read before this call.
async fn from_credential(state: &AppState, req: &HttpRequest, epoch: u64) -> ApiResult<(StreamCaller, HandshakeAuth)> {
    let memory = state.realtime.stream_credentials();
    let key = memory_key(req)?;
    if let Some((workspace_id, viewer)) = key.as_deref().and_then(|k| memory.recall(k)) {
        // A member's stream was opened with a browser session cookie.
        if matches!(viewer, Viewer::Member { .. }) {
            check_origin(state, req)?;
        }
        return Ok((caller(workspace_id, viewer), HandshakeAuth::Memory));
    }
    let auth = crate::auth::extract::authenticate_fresh(req).await?;
    let (workspace_id, _, role, scopes) = crate::auth::extract::authorize(&auth, Action::SubscribeEvents)?;
    let viewer = match auth {
        Authenticated::Session(s) => {
            check_origin(state, req)?;
            let role = role.ok_or(ApiError::Unauthenticated)?;
            Viewer::Member { user_id: s.user_id, role, session_id: Some(s.session_id) }
        }
        Authenticated::Token(t) => Viewer::Token { token_id: t.token_id, scopes },
    };
    if let Some(key) = key {
        memory.remember(key, workspace_id, viewer.clone(), epoch);
    }
    Ok((caller(workspace_id, viewer), HandshakeAuth::Database))
}

fn wants_msgpack(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == MSGPACK_SUBPROTOCOL)
}

/// Opens the live event stream (WebSocket upgrade).
#[utoipa::path(get, path = "/api/v1/stream", tag = "stream", security(("session" = []), ("bearer" = ["events:subscribe"]), ()), params(StreamQuery),
    description = "WebSocket upgrade. Session cookie plus an allowed Origin, `Authorization: Bearer` with `events:subscribe`, or a ticket. See docs/PROTOCOL.md.",
    responses((status = 101, description = "Switching protocols"), (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"), (status = 429, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn open_stream(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<StreamQuery>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    // Read before the credential is resolved: a kick after this point
    // keeps the connection from registering (see `pulse_actors::credentials`).
    let epoch = state.realtime.stream_credentials().epoch();
    let (caller, how) = match &query.ticket {
        Some(t) => (from_ticket(&state, t).await?, HandshakeAuth::Ticket),
        None => from_credential(&state, &req, epoch).await?,
    };
    let guard = state
        .stream_limits
        .acquire(&caller.key, &crate::http::client_ip(&req))
        .map_err(|detail| ApiError::TooManyRequests { retry_after: 5, detail: detail.into() })?;
    let msgpack = wants_msgpack(&req);
    // actix-ws answers the handshake and reads the client's frames. Its
    // `Session` (a channel and a writer) is not used: the session's own
    // byte-bounded queue is the response body (`pulse_actors::session`).
    let (mut res, _, stream) = actix_ws::handle(&req, body).map_err(|e| ApiError::BadRequest {
        code: "not_a_websocket",
        detail: format!("expected a WebSocket upgrade: {e}"),
    })?;
    if msgpack {
        res.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(MSGPACK_SUBPROTOCOL));
    }
    let encoding = if msgpack { Encoding::MsgPack } else { Encoding::Json };
    let out = state
        .realtime
        .attach(caller.workspace_id, caller.viewer, encoding, epoch, stream, Box::new(guard))
        .await
        .map_err(|_| ApiError::Unavailable)?;
    state.metrics.handshake(how);
    Ok(res.map_body(|_, _| out).map_into_boxed_body())
}

/// Issues a single-use ticket (valid 30 s) for opening the stream without
/// putting a long-lived secret in a URL.
#[utoipa::path(post, path = "/api/v1/stream/tickets", tag = "stream", security(("session" = []), ("bearer" = ["events:subscribe"])),
    responses((status = 201, body = TicketResponse), (status = 401, body = crate::error::Problem, content_type = "application/problem+json"), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create_ticket(
    state: web::Data<AppState>,
    member: Member<SubscribeEvents>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let session_id = match Authenticated::extract(&req).await? {
        Authenticated::Session(s) => Some(s.session_id),
        Authenticated::Token(_) => None,
    };
    let ticket = secrets::random_secret();
    let expires_at = Utc::now() + chrono::Duration::seconds(TICKET_TTL_SECS);
    let owner = TicketRow {
        workspace_id: member.workspace_id,
        user_id: member.actor.user_id(),
        token_id: member.actor.token_id(),
        session_id,
    };
    let client = state.db().await?;
    stream_tickets::insert_ticket(&client, &secrets::hash(&ticket), &owner, expires_at).await?;
    Ok(HttpResponse::Created().json(TicketResponse { ticket, expires_at }))
}
