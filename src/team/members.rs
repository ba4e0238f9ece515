//! Members of a workspace: list, read, change role or status, remove.
//! Suspension and removal touch only this workspace's membership, never
//! the account or its other workspaces; the session extractor reads the
//! membership on every request, so they take effect on the next one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{stored_role, Caller};
use crate::auth::Role;
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::members::{self, MemberRow};
use crate::error::ApiError;
use crate::realtime::record_event;
use crate::state::AppState;
use pulse_actors::{Principal, Visibility};

/// Whether a member may act in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Active,
    Suspended,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Suspended => "suspended",
        }
    }

    fn stored(s: &str) -> Result<Self, ApiError> {
        match s {
            "active" => Ok(MemberStatus::Active),
            "suspended" => Ok(MemberStatus::Suspended),
            other => Err(ApiError::internal(std::io::Error::other(format!("unknown member status `{other}` stored")))),
        }
    }
}

/// A member of the caller's workspace (also the API's member shape).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: MemberStatus,
    pub joined_at: DateTime<Utc>,
}

impl TryFrom<MemberRow> for TeamMember {
    type Error = ApiError;

    fn try_from(m: MemberRow) -> Result<Self, ApiError> {
        Ok(TeamMember {
            role: stored_role(&m.role)?,
            status: MemberStatus::stored(&m.status)?,
            user_id: m.user_id,
            email: m.email,
            name: m.name,
            joined_at: m.joined_at,
        })
    }
}

/// A change to a membership; at least one field is set.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberChange {
    pub role: Option<Role>,
    pub status: Option<MemberStatus>,
}

fn not_found() -> ApiError {
    ApiError::NotFound("member")
}

fn last_owner() -> ApiError {
    ApiError::Conflict {
        code: "last_owner",
        detail: "a workspace needs at least one active owner; make another member owner first".into(),
    }
}

/// Everyone in the workspace, in the order they joined.
pub async fn list_members(state: &AppState, workspace_id: Uuid) -> Result<Vec<TeamMember>, ApiError> {
    let client = state.db().await?;
    members::select_members(&client, workspace_id).await?.into_iter().map(TeamMember::try_from).collect()
}

/// One member; a user of another workspace answers like a missing one.
pub async fn get_member(state: &AppState, workspace_id: Uuid, user_id: Uuid) -> Result<TeamMember, ApiError> {
    let client = state.db().await?;
    members::select_member(&client, workspace_id, user_id).await?.ok_or_else(not_found)?.try_into()
}

/// Changes a member's role and/or status.
pub async fn update_member(
    state: &AppState,
    caller: Caller,
    user_id: Uuid,
    change: MemberChange,
    from: &Origin,
) -> Result<TeamMember, ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    // Owners are locked before the target, in every transaction, so the
    // last-owner check cannot race (see select_active_owners_for_update).
    let active_owners = members::select_active_owners_for_update(&tx, ws).await?;
    let mut member: TeamMember =
        members::select_member_for_update(&tx, ws, user_id).await?.ok_or_else(not_found)?.try_into()?;
    let role = change.role.unwrap_or(member.role);
    let status = change.status.unwrap_or(member.status);
    let was_active_owner = member.role == Role::Owner && member.status == MemberStatus::Active;
    let stays_active_owner = role == Role::Owner && status == MemberStatus::Active;
    if was_active_owner && !stays_active_owner && active_owners <= 1 {
        return Err(last_owner());
    }
    let new_role = (role != member.role).then_some(role);
    let new_status = (status != member.status).then_some(status);
    members::update_member(&tx, ws, user_id, new_role.map(Role::as_str), new_status.map(MemberStatus::as_str)).await?;
    if let Some(to) = new_role {
        let details = serde_json::json!({ "from": member.role.as_str(), "to": to.as_str() });
        let entry = AuditEntry::new(Some(ws), Some(caller.actor), "member.role_changed").target("user", user_id);
        insert_audit(&tx, &entry.details(details), from).await?;
    }
    if let Some(to) = new_status {
        let action = if to == MemberStatus::Suspended { "member.suspended" } else { "member.reactivated" };
        let entry = AuditEntry::new(Some(ws), Some(caller.actor), action).target("user", user_id);
        insert_audit(&tx, &entry, from).await?;
    }
    let event = if new_role.is_some() || new_status.is_some() {
        let data = serde_json::json!({ "user_id": user_id, "role": role.as_str(), "status": status.as_str() });
        Some(record_event(&tx, ws, Some(caller.actor), "member.updated", "workspace", Visibility::All, data).await?)
    } else {
        None
    };
    tx.commit().await?;
    if let Some(event) = event {
        state.realtime.publish(event);
        // Open sockets carry the old role or status: close them so the
        // member reconnects (or is refused) with what holds now.
        state.realtime.kick(Some(ws), Principal::User(user_id));
    }
    member.role = role;
    member.status = status;
    Ok(member)
}

/// Removes a member from the workspace (their account stays).
pub async fn remove_member(state: &AppState, caller: Caller, user_id: Uuid, from: &Origin) -> Result<(), ApiError> {
    let ws = caller.workspace_id;
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let active_owners = members::select_active_owners_for_update(&tx, ws).await?;
    let member: TeamMember =
        members::select_member_for_update(&tx, ws, user_id).await?.ok_or_else(not_found)?.try_into()?;
    if member.role == Role::Owner && member.status == MemberStatus::Active && active_owners <= 1 {
        return Err(last_owner());
    }
    members::delete_member(&tx, ws, user_id).await?;
    let details = serde_json::json!({ "email": member.email, "role": member.role.as_str() });
    let entry = AuditEntry::new(Some(ws), Some(caller.actor), "member.removed").target("user", user_id);
    insert_audit(&tx, &entry.details(details), from).await?;
    let data = serde_json::json!({ "user_id": user_id });
    let event = record_event(&tx, ws, Some(caller.actor), "member.removed", "workspace", Visibility::All, data).await?;
    tx.commit().await?;
    state.realtime.publish(event);
    state.realtime.kick(Some(ws), Principal::User(user_id));
    Ok(())
}
