//! Accounts: sign-up, login and browser sessions. Handlers in
//! `routes::auth` and `routes::me` are thin wrappers around these.

use actix_web::cookie::{Cookie, SameSite};
use chrono::Utc;
use uuid::Uuid;

use crate::auth::extract::SESSION_COOKIE;
use crate::auth::{password, secrets, Actor};
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::{login_failures, members, sessions, users, workspaces};
use crate::error::ApiError;
use crate::routes::validate::Checks;
use crate::state::AppState;
use pulse_actors::Principal;

/// Failed logins per account in 15 minutes before it is throttled.
pub const ACCOUNT_FAILURE_LIMIT: i64 = 10;

/// A freshly created session, to be set as a cookie.
pub struct IssuedSession {
    pub token: String,
    pub csrf_token: String,
}

/// The result of sign-up.
pub struct SignedUp {
    pub user: users::UserRow,
    pub workspace: workspaces::WorkspaceRow,
    pub session: IssuedSession,
}

/// Input to sign-up, already parsed.
pub struct Signup<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub name: &'a str,
    pub workspace_name: &'a str,
}

pub(crate) fn check_password(checks: &mut Checks, password: &str) {
    checks.check(
        password.chars().count() >= password::MIN_LEN && password.len() <= password::MAX_LEN,
        "password",
        &format!("must be at least {} characters (at most {} bytes)", password::MIN_LEN, password::MAX_LEN),
    );
}

/// Creates a user, their first workspace (as owner) and a session.
pub async fn signup(state: &AppState, input: Signup<'_>, from: &Origin) -> Result<SignedUp, ApiError> {
    let email = input.email.trim();
    let mut checks = Checks::new();
    checks.email("email", email).text("name", input.name, 200).text("workspace_name", input.workspace_name, 200);
    check_password(&mut checks, input.password);
    checks.finish()?;

    let hash = state.hasher.hash(input.password.to_owned()).await.map_err(ApiError::internal)?;
    let user_id = Uuid::now_v7();
    let workspace_id = Uuid::now_v7();
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    if !users::insert_user(&tx, user_id, email, input.name.trim(), &hash).await? {
        return Err(ApiError::Conflict {
            code: "email_taken",
            detail: "an account with this email already exists; log in instead".into(),
        });
    }
    let workspace = workspaces::insert_workspace(&tx, workspace_id, input.workspace_name.trim()).await?;
    members::insert_membership(&tx, workspace_id, user_id, "owner").await?;
    let session = create_session(&tx, state, user_id, Some(workspace_id), from).await?;
    let actor = Some(Actor::User(user_id));
    insert_audit(&tx, &AuditEntry::new(Some(workspace_id), actor, "auth.signup").target("user", user_id), from).await?;
    insert_audit(
        &tx,
        &AuditEntry::new(Some(workspace_id), actor, "workspace.created").target("workspace", workspace_id),
        from,
    )
    .await?;
    tx.commit().await?;
    let user = users::UserRow {
        id: user_id,
        email: email.to_owned(),
        name: input.name.trim().to_owned(),
        password_hash: String::new(),
    };
    Ok(SignedUp { user, workspace, session })
}

/// Issues a new browser session for `user_id` (inside the caller's transaction).
pub async fn create_session(
    c: &impl deadpool_postgres::GenericClient,
    state: &AppState,
    user_id: Uuid,
    active_workspace_id: Option<Uuid>,
    from: &Origin,
) -> Result<IssuedSession, ApiError> {
    let token = secrets::random_secret();
    let csrf_token = secrets::random_secret();
    let absolute = chrono::Duration::from_std(state.settings.session_absolute()).map_err(ApiError::internal)?;
    let hash = secrets::hash(&token);
    sessions::insert_session(
        c,
        &sessions::NewSession {
            id: Uuid::now_v7(),
            token_hash: &hash,
            user_id,
            active_workspace_id,
            csrf_token: &csrf_token,
            expires_at: Utc::now() + absolute,
            ip: from.ip.as_deref().unwrap_or("unknown"),
            user_agent: from.user_agent.as_deref(),
        },
    )
    .await?;
    Ok(IssuedSession { token, csrf_token })
}

/// The result of a login.
pub struct LoggedIn {
    pub user: users::UserRow,
    pub active_workspace_id: Option<Uuid>,
    pub session: IssuedSession,
}

/// Checks credentials with throttling; on success issues a new session
/// (rotation) and revokes `previous`, the session the browser had.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    previous: Option<&str>,
    from: &Origin,
) -> Result<LoggedIn, ApiError> {
    let email = email.trim();
    // Nothing unusable reaches the database (PostgreSQL text cannot hold NUL).
    if email.len() > 254 || password.len() > password::MAX_LEN || email.chars().any(char::is_control) {
        return Err(ApiError::InvalidCredentials);
    }
    let ip = from.ip.clone().unwrap_or_else(|| "unknown".into());
    let client = state.db().await?;
    let (account_failures, ip_failures, account_wait, ip_wait) =
        login_failures::select_recent_failures(&client, email, &ip).await?;
    if account_failures >= ACCOUNT_FAILURE_LIMIT || ip_failures >= state.settings.login_ip_ceiling {
        let wait = if account_failures >= ACCOUNT_FAILURE_LIMIT { account_wait } else { ip_wait };
        return Err(ApiError::TooManyRequests {
            retry_after: wait.max(1) as u64,
            detail: "too many failed logins; wait before trying again".into(),
        });
    }
    let user = users::select_user_by_email(&client, email).await?;
    let ok = state
        .hasher
        .verify(password.to_owned(), user.as_ref().map(|u| u.password_hash.clone()))
        .await
        .map_err(ApiError::internal)?;
    let Some(user) = user.filter(|_| ok) else {
        login_failures::insert_failure(&client, email, &ip).await?;
        let entry = AuditEntry::new(None, None, "auth.login_failed").details(serde_json::json!({ "email": email }));
        insert_audit(&client, &entry, from).await?;
        return Err(ApiError::InvalidCredentials);
    };
    drop(client);
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    login_failures::delete_failures(&tx, email).await?;
    let memberships = members::select_memberships_of_user(&tx, user.id).await?;
    let active = memberships.iter().find(|m| m.status == "active").map(|m| m.workspace_id);
    let mut replaced = None;
    if let Some(prev) = previous {
        replaced = sessions::revoke_session_by_token(&tx, &secrets::hash(prev), user.id).await?;
    }
    let session = create_session(&tx, state, user.id, active, from).await?;
    insert_audit(&tx, &AuditEntry::new(active, Some(Actor::User(user.id)), "auth.login").target("user", user.id), from)
        .await?;
    tx.commit().await?;
    if let Some(old) = replaced {
        state.realtime.kick(None, Principal::Session(old));
    }
    Ok(LoggedIn { user, active_workspace_id: active, session })
}

/// Ends a session.
pub async fn logout(
    state: &AppState,
    session_id: Uuid,
    user_id: Uuid,
    workspace: Option<Uuid>,
    from: &Origin,
) -> Result<(), ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    sessions::revoke_session(&tx, session_id).await?;
    insert_audit(
        &tx,
        &AuditEntry::new(workspace, Some(Actor::User(user_id)), "auth.logout").target("user", user_id),
        from,
    )
    .await?;
    tx.commit().await?;
    state.realtime.kick(None, Principal::Session(session_id));
    Ok(())
}

/// Switches the session's active workspace; another workspace's id (or one
/// where the user is suspended) answers exactly like a missing one.
pub async fn set_active_workspace(
    state: &AppState,
    session_id: Uuid,
    user_id: Uuid,
    workspace_id: Uuid,
    from: &Origin,
) -> Result<(), ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    match members::select_member(&tx, workspace_id, user_id).await? {
        Some(m) if m.status == "active" => {}
        _ => return Err(ApiError::NotFound("workspace")),
    }
    sessions::update_active_workspace(&tx, session_id, workspace_id).await?;
    let entry = AuditEntry::new(Some(workspace_id), Some(Actor::User(user_id)), "auth.workspace_switched")
        .target("workspace", workspace_id);
    insert_audit(&tx, &entry, from).await?;
    tx.commit().await?;
    Ok(())
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure over TLS.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    let secure = state.origins.primary().starts_with("https://");
    let max_age = actix_web::cookie::time::Duration::seconds(state.settings.session_absolute().as_secs() as i64);
    Cookie::build(SESSION_COOKIE, token)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(max_age)
        .finish()
}

/// A cookie that clears the session cookie.
pub fn cleared_cookie() -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, "").http_only(true).same_site(SameSite::Lax).path("/").finish();
    c.make_removal();
    c
}
