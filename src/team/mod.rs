//! The team of a workspace: its members (roles, suspension, removal) and
//! the invitations people join through. Handlers in `routes::members` and
//! `routes::invitations` are thin wrappers around these functions.
//!
//! Contract:
//! - Every mutation writes its audit entry in the same transaction as the
//!   change, so the log and the data never disagree.
//! - The workspace always comes from the caller's credential ([`Caller`]);
//!   an id from another workspace answers exactly like one that does not
//!   exist and changes nothing.
//! - A workspace never loses its last active owner (409 `last_owner`).

pub mod invitations;
pub mod members;

use uuid::Uuid;

use crate::auth::{Actor, Member, Role};
use crate::error::ApiError;

/// Who asks for a team change, and where: taken from an authorized
/// [`Member`] so domain functions do not depend on the HTTP extractor.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub workspace_id: Uuid,
    pub actor: Actor,
    /// The caller's role; `None` for API tokens.
    pub role: Option<Role>,
}

impl<P> From<&Member<P>> for Caller {
    fn from(m: &Member<P>) -> Self {
        Caller { workspace_id: m.workspace_id, actor: m.actor, role: m.role }
    }
}

impl Caller {
    /// The caller's role; team changes are made by people, not tokens.
    fn person_role(&self) -> Result<Role, ApiError> {
        self.role.ok_or_else(|| ApiError::Forbidden("API tokens cannot manage the team; sign in instead".into()))
    }
}

/// A role read from the database (the schema's CHECK keeps it valid).
fn stored_role(s: &str) -> Result<Role, ApiError> {
    Role::parse(s).ok_or_else(|| ApiError::internal(std::io::Error::other(format!("unknown role `{s}` stored"))))
}
