//! Request extractors that authenticate and authorize.
//!
//! - [`Authenticated`]: a session cookie or a bearer token, resolved once
//!   per request and cached in the request's extensions. Cookie-authenticated
//!   unsafe requests must carry `X-CSRF-Token` and must not come cross-site.
//! - [`SessionUser`]: a person logged in through the browser (no token).
//! - [`OptionalSession`]: the same when present; `None` for a request that
//!   carries no credential (or a stale one). CSRF failures still refuse.
//! - [`Member<P>`]: an active member of the credential's workspace allowed
//!   to perform `P::ACTION`, or a token holding the scope for it.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use super::permissions::{required_scope, role_allows, Policy, Role};
use super::secrets;
use crate::auth::cache::Kind;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "pulse_session";
/// Header carrying the session's CSRF token on unsafe requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who performs an action, for audit entries and event attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(Uuid),
    Token(Uuid),
}

impl Actor {
    pub fn user_id(self) -> Option<Uuid> {
        match self {
            Actor::User(id) => Some(id),
            Actor::Token(_) => None,
        }
    }
    pub fn token_id(self) -> Option<Uuid> {
        match self {
            Actor::Token(id) => Some(id),
            Actor::User(_) => None,
        }
    }
}

/// A logged-in browser session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub active_workspace_id: Option<Uuid>,
    pub csrf_token: String,
    /// Role in the active workspace, when the membership is active.
    pub role: Option<Role>,
}

/// A valid API token.
#[derive(Debug, Clone)]
pub struct TokenPrincipal {
    pub token_id: Uuid,
    pub workspace_id: Uuid,
    pub scopes: Vec<String>,
}

/// Any authenticated caller.
#[derive(Debug, Clone)]
pub enum Authenticated {
    Session(SessionUser),
    Token(TokenPrincipal),
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(std::io::Error::other("AppState missing")))
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The bearer token of the request, if it uses `Authorization: Bearer`.
pub fn bearer(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    match req.headers().get(header::AUTHORIZATION) {
        None => Ok(None),
        Some(v) => {
            let v = v.to_str().map_err(|_| ApiError::Unauthenticated)?;
            match v.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
                    Ok(Some(token.trim()))
                }
                _ => Err(ApiError::Unauthenticated),
            }
        }
    }
}

/// Resolves the request's credential (once per request: the result is
/// kept in its extensions), from the node's [`AuthCache`] when it holds a
/// fresh entry. Cookie-authenticated unsafe requests are CSRF-checked here.
///
/// [`AuthCache`]: crate::auth::cache::AuthCache
pub async fn authenticate(req: &HttpRequest) -> Result<Authenticated, ApiError> {
    if let Some(found) = req.extensions().get::<Authenticated>() {
        return Ok(found.clone());
    }
    let resolved = resolve(req, true).await?;
    req.extensions_mut().insert(resolved.clone());
    Ok(resolved)
}

/// [`authenticate`] against the database, never the cache: for what
/// outlives the request, such as a WebSocket.
pub async fn authenticate_fresh(req: &HttpRequest) -> Result<Authenticated, ApiError> {
    let resolved = resolve(req, false).await?;
    req.extensions_mut().insert(resolved.clone());
    Ok(resolved)
}

async fn resolve(req: &HttpRequest, use_cache: bool) -> Result<Authenticated, ApiError> {
    let state = state(req)?;
    let cache = &state.auth_cache;
    if let Some(token) = bearer(req)? {
        let hash = secrets::hash(token);
        if let Some(found) = cache.get(Kind::Bearer, &hash).filter(|_| use_cache) {
            return Ok(found);
        }
        let generation = cache.generation();
        let client = state.db().await?;
        let row = db::tokens::select_token_by_hash(&client, &hash).await?.ok_or(ApiError::Unauthenticated)?;
        if !secrets::constant_time_eq(&row.secret_hash, &hash) {
            return Err(ApiError::Unauthenticated);
        }
        let resolved = Authenticated::Token(TokenPrincipal {
            token_id: row.id,
            workspace_id: row.workspace_id,
            scopes: row.scopes,
        });
        cache.put(Kind::Bearer, hash, resolved.clone(), generation);
        return Ok(resolved);
    }
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Err(ApiError::Unauthenticated);
    };
    let hash = secrets::hash(cookie.value());
    let user = match cache.get(Kind::Cookie, &hash).filter(|_| use_cache) {
        Some(Authenticated::Session(user)) => user,
        _ => {
            let generation = cache.generation();
            let client = state.db().await?;
            let idle = state.settings.session_idle().as_secs() as f64;
            let row =
                db::sessions::select_session_auth(&client, &hash, idle).await?.ok_or(ApiError::Unauthenticated)?;
            let role = match (row.role.as_deref(), row.status.as_deref()) {
                (Some(role), Some("active")) => Role::parse(role),
                _ => None,
            };
            let user = SessionUser {
                session_id: row.id,
                user_id: row.user_id,
                active_workspace_id: row.active_workspace_id,
                csrf_token: row.csrf_token,
                role,
            };
            cache.put(Kind::Cookie, hash, Authenticated::Session(user.clone()), generation);
            user
        }
    };
    if is_unsafe(req.method()) {
        check_csrf(req, &state, &user.csrf_token)?;
    }
    Ok(Authenticated::Session(user))
}

/// Cookie-authenticated writes: same-site only, with the session's token.
fn check_csrf(req: &HttpRequest, state: &AppState, expected: &str) -> Result<(), ApiError> {
    if state.origins.is_cross_site(req) {
        return Err(ApiError::Csrf("cross-site request refused"));
    }
    let sent = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    if sent.is_empty() {
        return Err(ApiError::Csrf("missing X-CSRF-Token header (use the csrf_token from login or GET /api/v1/me)"));
    }
    if !secrets::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::Csrf("X-CSRF-Token does not match this session"));
    }
    Ok(())
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

/// The refusal for API tokens on endpoints meant for people.
fn people_only() -> ApiError {
    ApiError::Forbidden("this endpoint is for people signed in through the app, not API tokens".into())
}

impl FromRequest for SessionUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(&req).await? {
                Authenticated::Session(s) => Ok(s),
                Authenticated::Token(_) => Err(people_only()),
            }
        })
    }
}

/// A browser session when the request carries a live one, `None` when it
/// carries no credential or one that no longer authenticates (an expired
/// cookie must not stop someone from acting anonymously). Every other
/// failure still refuses the request: a live session without its CSRF
/// token, a cross-site write, or an API token.
#[derive(Debug, Clone)]
pub struct OptionalSession(pub Option<SessionUser>);

impl FromRequest for OptionalSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(&req).await {
                Ok(Authenticated::Session(s)) => Ok(OptionalSession(Some(s))),
                Ok(Authenticated::Token(_)) => Err(people_only()),
                Err(ApiError::Unauthenticated) => Ok(OptionalSession(None)),
                Err(e) => Err(e),
            }
        })
    }
}

/// An authorized caller in one workspace. The workspace always comes from
/// the credential: the session's active workspace or the token's.
#[derive(Debug)]
pub struct Member<P> {
    pub workspace_id: Uuid,
    pub actor: Actor,
    /// The member's role; `None` for API tokens.
    pub role: Option<Role>,
    /// Token scopes; empty for people.
    pub scopes: Vec<String>,
    _policy: PhantomData<P>,
}

impl<P> Member<P> {
    pub fn user_id(&self) -> Option<Uuid> {
        self.actor.user_id()
    }
}

/// Applies the matrix to an authenticated caller.
pub fn authorize(
    auth: &Authenticated,
    action: super::Action,
) -> Result<(Uuid, Actor, Option<Role>, Vec<String>), ApiError> {
    match auth {
        Authenticated::Token(t) => {
            let scope = required_scope(action)
                .ok_or_else(|| ApiError::Forbidden("API tokens cannot do this; sign in as a workspace owner".into()))?;
            if !t.scopes.iter().any(|s| s == scope) {
                return Err(ApiError::InsufficientScope(scope));
            }
            Ok((t.workspace_id, Actor::Token(t.token_id), None, t.scopes.clone()))
        }
        Authenticated::Session(s) => {
            let ws = s.active_workspace_id.ok_or_else(|| {
                ApiError::Forbidden("no active workspace; choose one with POST /api/v1/me/active-workspace".into())
            })?;
            let role =
                s.role.ok_or_else(|| ApiError::Forbidden("you are not an active member of this workspace".into()))?;
            if !role_allows(role, action) {
                return Err(ApiError::Forbidden(format!("the {} role cannot do this", role.as_str())));
            }
            Ok((ws, Actor::User(s.user_id), Some(role), Vec::new()))
        }
    }
}

impl<P: Policy + 'static> FromRequest for Member<P> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let auth = authenticate(&req).await?;
            let (workspace_id, actor, role, scopes) = authorize(&auth, P::ACTION)?;
            Ok(Member { workspace_id, actor, role, scopes, _policy: PhantomData })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permissions::{Action, Entity, SCOPES};

    fn token(scopes: &[&str]) -> Authenticated {
        Authenticated::Token(TokenPrincipal {
            token_id: Uuid::nil(),
            workspace_id: Uuid::from_u128(7),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    #[test]
    fn a_token_may_do_what_its_scopes_allow_in_its_own_workspace() {
        let (workspace, actor, role, _) =
            authorize(&token(&["deals:read"]), Action::Read(Entity::Deals)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(workspace, Uuid::from_u128(7));
        assert_eq!(actor, Actor::Token(Uuid::nil()));
        assert_eq!(role, None);
    }

    #[test]
    fn a_token_without_the_scope_gets_insufficient_scope() {
        for (scopes, action, needed) in [
            (&["deals:read"][..], Action::Write(Entity::Deals), "deals:write"),
            (&["deals:write"][..], Action::Read(Entity::Deals), "deals:read"),
            (&["deals:write"][..], Action::EditAny(Entity::Leads), "leads:write"),
            (&[][..], Action::SubscribeEvents, "events:subscribe"),
        ] {
            match authorize(&token(scopes), action) {
                Err(ApiError::InsufficientScope(s)) => assert_eq!(s, needed, "{action:?}"),
                other => panic!("{action:?} with {scopes:?}: expected insufficient_scope, got {other:?}"),
            }
        }
    }

    #[test]
    fn tokens_never_manage_people_tokens_or_settings_whatever_their_scopes() {
        let all = token(SCOPES);
        for action in [Action::ManageTokens, Action::ManageMembers, Action::InviteMembers, Action::ManageSettings] {
            assert!(matches!(authorize(&all, action), Err(ApiError::Forbidden(_))), "{action:?}");
        }
    }
}
