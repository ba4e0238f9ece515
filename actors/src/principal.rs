//! Who is looking: the identity an event's visibility is checked against.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A member's role in one workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Rep,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Manager, Role::Rep, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Rep => "rep",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The subscriber of a stream: a person with a role, or an API token with
/// scopes. Session and token ids let revocation find its connections.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Viewer {
    Member { user_id: Uuid, role: Role, session_id: Option<Uuid> },
    Token { token_id: Uuid, scopes: Vec<String> },
}

impl Viewer {
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Viewer::Member { user_id, .. } => Some(*user_id),
            Viewer::Token { .. } => None,
        }
    }
}

/// Which connections to close (revocation, suspension, removal, logout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Principal {
    /// Every connection of this user in the workspace.
    User(Uuid),
    /// Connections opened with this browser session.
    Session(Uuid),
    /// Connections opened with this API token.
    Token(Uuid),
}

impl Principal {
    pub fn matches(&self, v: &Viewer) -> bool {
        match (self, v) {
            (Principal::User(u), Viewer::Member { user_id, .. }) => u == user_id,
            (Principal::Session(s), Viewer::Member { session_id: Some(id), .. }) => s == id,
            (Principal::Token(t), Viewer::Token { token_id, .. }) => t == token_id,
            _ => false,
        }
    }
}
