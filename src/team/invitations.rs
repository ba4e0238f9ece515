//! Invitations: how people join a workspace.
//!
//! - The token is 256 random bits, shown once (in the create response and
//!   the accept link) and stored only as SHA-256.
//! - Owners invite managers, reps and viewers; managers invite reps and
//!   viewers ([`can_invite`]); the same rule decides who may revoke.
//! - Accepting is single-use: the invitation is claimed with one
//!   conditional UPDATE, so concurrent accepts yield exactly one
//!   membership. Unknown, expired, revoked and used tokens all answer the
//!   same 404.
//! - The invitation locks the email: a signed-in caller must own the
//!   invited address; an anonymous caller creates the account for it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{stored_role, Caller};
use crate::accounts::{self, IssuedSession};
use crate::auth::permissions::can_invite;
use crate::auth::{secrets, Actor, Role, SessionUser};
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::invitations::{self, InvitationRow, NewInvitation};
use crate::db::{members, sessions, users, workspaces};
use crate::error::ApiError;
use crate::notifications;
use crate::routes::validate::Checks;
use crate::state::AppState;

/// A pending invitation, never with its token (also the API's shape).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = ApiError;

    fn try_from(r: InvitationRow) -> Result<Self, ApiError> {
        Ok(Invitation {
            role: stored_role(&r.role)?,
            id: r.id,
            email: r.email,
            invited_by: r.invited_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
    }
}

/// A new invitation and its token, which is never shown again.
#[derive(Debug)]
pub struct CreatedInvitation {
    pub invitation: Invitation,
    pub token: String,
}

/// The account details an anonymous caller gives to accept.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub name: Option<&'a str>,
    pub password: Option<&'a str>,
}

/// The outcome of an accept: who joined what, and a new session when the
/// account was created by this accept.
pub struct Accepted {
    pub user: users::UserRow,
    pub workspace: workspaces::WorkspaceRow,
    pub role: Role,
    pub session: Option<IssuedSession>,
}

fn not_found() -> ApiError {
    ApiError::NotFound("invitation")
}

fn email_taken() -> ApiError {
    ApiError::Conflict {
        code: "email_taken",
        detail: "an account with this email already exists; log in with it, then open the invitation link again".into(),
    }
}

fn already_member() -> ApiError {
    ApiError::Conflict { code: "already_member", detail: "this person is already a member of the workspace".into() }
}

fn same_email(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Invites `email` to the caller's workspace with `role`.
pub async fn create_invitation(
    state: &AppState,
    caller: Caller,
    email: &str,
    role: Role,
    from: &Origin,
) -> Result<CreatedInvitation, ApiError> {
    let email = email.trim();
    Checks::new()
        .email("email", email)
        .check(
            role != Role::Owner,
            "role",
            "must be manager, rep or viewer; owners are made by changing a member's role",
        )
        .finish()?;
    let inviter = caller.person_role()?;
    if !can_invite(inviter, role) {
        return Err(ApiError::Forbidden(format!("the {} role cannot invite a {}", inviter.as_str(), role.as_str())));
    }
    let ws = caller.workspace_id;
    let token = secrets::random_secret();
    let ttl = chrono::Duration::from_std(state.settings.invitation_ttl()).map_err(ApiError::internal)?;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    invitations::lock_invitation_email(&tx, ws, email).await?;
    if members::select_member_by_email(&tx, ws, email).await?.is_some() {
        return Err(already_member());
    }
    if invitations::select_pending_invitation_by_email(&tx, ws, email).await?.is_some() {
        return Err(ApiError::Conflict {
            code: "invitation_pending",
            detail: "this email already has a pending invitation; revoke it to send a new one".into(),
        });
    }
    let new = NewInvitation {
        id: Uuid::now_v7(),
        workspace_id: ws,
        email,
        role: role.as_str(),
        token_hash: &secrets::hash(&token),
        invited_by: caller.actor.user_id(),
        expires_at: Utc::now() + ttl,
    };
    let row = invitations::insert_invitation(&tx, &new).await?;
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "invitation.created")
        .target("invitation", row.id)
        .details(serde_json::json!({ "email": email, "role": role.as_str() }));
    insert_audit(&tx, &entry, from).await?;
    tx.commit().await?;
    Ok(CreatedInvitation { invitation: row.try_into()?, token })
}

/// Pending invitations of the workspace, newest first.
pub async fn list_invitations(state: &AppState, workspace_id: Uuid) -> Result<Vec<Invitation>, ApiError> {
    let client = state.db().await?;
    invitations::select_pending_invitations(&client, workspace_id)
        .await?
        .into_iter()
        .map(Invitation::try_from)
        .collect()
}

/// Revokes a pending invitation; the caller must be allowed to hand out
/// its role. Used, expired and foreign invitations answer 404.
pub async fn revoke_invitation(state: &AppState, caller: Caller, id: Uuid, from: &Origin) -> Result<(), ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let invitation: Invitation =
        invitations::select_pending_invitation_for_update(&tx, ws, id).await?.ok_or_else(not_found)?.try_into()?;
    let revoker = caller.person_role()?;
    if !can_invite(revoker, invitation.role) {
        return Err(ApiError::Forbidden(format!(
            "the {} role cannot revoke an invitation for a {}",
            revoker.as_str(),
            invitation.role.as_str()
        )));
    }
    invitations::update_invitation_revoked(&tx, id).await?;
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "invitation.revoked")
        .target("invitation", id)
        .details(serde_json::json!({ "email": invitation.email, "role": invitation.role.as_str() }));
    insert_audit(&tx, &entry, from).await?;
    tx.commit().await?;
    Ok(())
}

fn accepted_entry(invitation: &Invitation, ws: Uuid, user_id: Uuid, new_account: bool) -> AuditEntry {
    AuditEntry::new(Some(ws), Some(Actor::User(user_id)), "invitation.accepted")
        .target("invitation", invitation.id)
        .details(serde_json::json!({
            "email": invitation.email,
            "role": invitation.role.as_str(),
            "user_id": user_id,
            "new_account": new_account,
        }))
}

/// Accepts as the signed-in user, whose email must be the invited one
/// (403 otherwise, and nothing changes). Their session switches to the
/// workspace they joined.
pub async fn accept_as_signed_in(
    state: &AppState,
    token: &str,
    session: &SessionUser,
    from: &Origin,
) -> Result<Accepted, ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let row = invitations::update_invitation_claimed(&tx, &secrets::hash(token)).await?.ok_or_else(not_found)?;
    let ws = row.workspace_id;
    let invitation: Invitation = row.try_into()?;
    let user = users::select_user(&tx, session.user_id).await?.ok_or(ApiError::Unauthenticated)?;
    if !same_email(&user.email, &invitation.email) {
        // Returning drops the transaction: the claim is rolled back.
        return Err(ApiError::Forbidden(
            "this invitation was sent to another email address; sign in with that account to accept it".into(),
        ));
    }
    if !members::insert_membership(&tx, ws, user.id, invitation.role.as_str()).await? {
        return Err(already_member());
    }
    invitations::update_invitation_accepted_by(&tx, invitation.id, user.id).await?;
    sessions::update_active_workspace(&tx, session.session_id, ws).await?;
    insert_audit(&tx, &accepted_entry(&invitation, ws, user.id, false), from).await?;
    let workspace = workspaces::select_workspace(&tx, ws).await?.ok_or_else(not_found)?;
    let event = joined_event(&tx, ws, user.id, &user.name, invitation.role).await?;
    let owners_told =
        notifications::invitation_accepted(&tx, ws, user.id, &user.name, invitation.role.as_str()).await?;
    tx.commit().await?;
    state.realtime.publish(event);
    owners_told.into_iter().for_each(|e| state.realtime.publish(e));
    Ok(Accepted { user, workspace, role: invitation.role, session: None })
}

/// Accepts without a session: creates the account for the invited email
/// (409 `email_taken` when it already exists: log in first), the
/// membership, and a session in the workspace.
pub async fn accept_with_new_account(
    state: &AppState,
    token: &str,
    account: NewAccount<'_>,
    from: &Origin,
) -> Result<Accepted, ApiError> {
    let token_hash = secrets::hash(token);
    let client = state.db().await?;
    // Checked before the (slow) password hash; claimed again below.
    let pending = invitations::select_pending_invitation_by_hash(&client, &token_hash).await?.ok_or_else(not_found)?;
    if users::select_user_by_email(&client, &pending.email).await?.is_some() {
        return Err(email_taken());
    }
    drop(client);
    let name = account.name.unwrap_or("").trim();
    let password = account.password.unwrap_or("");
    let mut checks = Checks::new();
    checks.text("name", name, 200);
    accounts::check_password(&mut checks, password);
    checks.finish()?;
    let hash = state.hasher.hash(password.to_owned()).await.map_err(ApiError::internal)?;

    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let row = invitations::update_invitation_claimed(&tx, &token_hash).await?.ok_or_else(not_found)?;
    let ws = row.workspace_id;
    let invitation: Invitation = row.try_into()?;
    let user_id = Uuid::now_v7();
    if !users::insert_user(&tx, user_id, &invitation.email, name, &hash).await? {
        return Err(email_taken());
    }
    members::insert_membership(&tx, ws, user_id, invitation.role.as_str()).await?;
    invitations::update_invitation_accepted_by(&tx, invitation.id, user_id).await?;
    let session = accounts::create_session(&tx, state, user_id, Some(ws), from).await?;
    let signup = AuditEntry::new(Some(ws), Some(Actor::User(user_id)), "auth.signup").target("user", user_id);
    insert_audit(&tx, &signup, from).await?;
    insert_audit(&tx, &accepted_entry(&invitation, ws, user_id, true), from).await?;
    let workspace = workspaces::select_workspace(&tx, ws).await?.ok_or_else(not_found)?;
    let event = joined_event(&tx, ws, user_id, name, invitation.role).await?;
    let owners_told = notifications::invitation_accepted(&tx, ws, user_id, name, invitation.role.as_str()).await?;
    tx.commit().await?;
    state.realtime.publish(event);
    owners_told.into_iter().for_each(|e| state.realtime.publish(e));
    let user =
        users::UserRow { id: user_id, email: invitation.email, name: name.to_owned(), password_hash: String::new() };
    Ok(Accepted { user, workspace, role: invitation.role, session: Some(session) })
}

/// `member.joined`, seen by everyone in the workspace.
async fn joined_event(
    tx: &impl deadpool_postgres::GenericClient,
    ws: Uuid,
    user_id: Uuid,
    name: &str,
    role: Role,
) -> Result<pulse_actors::EventRecord, ApiError> {
    let data = serde_json::json!({ "user_id": user_id, "name": name, "role": role.as_str() });
    let actor = Some(Actor::User(user_id));
    Ok(crate::realtime::record_event(tx, ws, actor, "member.joined", "workspace", pulse_actors::Visibility::All, data)
        .await?)
}
