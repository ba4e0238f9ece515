//! Events: what the log stores and the bus carries, and who may see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::principal::{Role, Viewer};

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    /// `user` or `token`.
    #[serde(rename = "type")]
    pub kind: ActorKind,
    #[serde(serialize_with = "crate::protocol::uuid_as_str")]
    pub id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    User,
    Token,
    /// A website lead widget (its id).
    Widget,
    /// Pulse itself: a scheduled job (nil id).
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::Token => "token",
            ActorKind::Widget => "widget",
            ActorKind::System => "system",
        }
    }
}

/// Who may see an event. Filtering happens on the server before anything
/// is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Every member; tokens need the read scope of the event's family.
    All,
    /// Members with one of these roles (tokens: as for `All`, when the
    /// roles include managers).
    Roles(Vec<Role>),
    /// Owners and managers, plus these users (a rep sees the records they
    /// own or that are shared with them).
    ManagersAnd(Vec<Uuid>),
    /// Only these users (a notification reaches its recipient only).
    Users(Vec<Uuid>),
    /// A record: every member except reps, who see it only when listed
    /// (they own it or it is shared with them).
    Owned(Vec<Uuid>),
}

/// The read scope a token needs for events of this type (`deal.moved` ->
/// `deals:read`); `None` for families tokens never see (members, tokens).
pub fn scope_for(kind: &str) -> Option<&'static str> {
    let family = kind.split('.').next().unwrap_or("");
    Some(match family {
        "deal" | "pipeline" | "stage" => "deals:read",
        "lead" => "leads:read",
        "contact" | "company" => "contacts:read",
        "activity" | "task" => "activities:read",
        "product" => "products:read",
        "customer" => "customers:read",
        "order" => "orders:read",
        _ => return None,
    })
}

impl Visibility {
    /// Whether `viewer` may see an event of type `kind` with this rule.
    pub fn allows(&self, viewer: &Viewer, kind: &str) -> bool {
        match viewer {
            Viewer::Member { user_id, role, .. } => match self {
                Visibility::All => true,
                Visibility::Roles(roles) => roles.contains(role),
                Visibility::ManagersAnd(users) => {
                    matches!(role, Role::Owner | Role::Manager) || users.contains(user_id)
                }
                Visibility::Users(users) => users.contains(user_id),
                Visibility::Owned(users) => *role != Role::Rep || users.contains(user_id),
            },
            Viewer::Token { scopes, .. } => {
                let broad = match self {
                    Visibility::All | Visibility::ManagersAnd(_) | Visibility::Owned(_) => true,
                    Visibility::Roles(roles) => roles.contains(&Role::Manager),
                    Visibility::Users(_) => false,
                };
                broad && scope_for(kind).is_some_and(|s| scopes.iter().any(|x| x == s))
            }
        }
    }
}

/// An event to append, before it has a seq.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// `deal.moved`, `member.role_changed`, ...
    pub kind: String,
    /// The topic it is published on: `pipeline:{id}`, `leads`, `workspace`...
    pub topic: String,
    pub actor: Option<ActorRef>,
    pub visibility: Visibility,
    pub data: serde_json::Value,
}

/// A committed event: it has its place in the workspace's sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub workspace_id: Uuid,
    pub seq: i64,
    pub epoch: i64,
    pub kind: String,
    pub topic: String,
    pub actor: Option<ActorRef>,
    pub visibility: Visibility,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// Whether a subscription to `sub` receives events published on `topic`.
/// `workspace` receives everything (still filtered by visibility).
pub fn topic_matches(sub: &str, topic: &str) -> bool {
    sub == "workspace" || sub == topic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role) -> (Uuid, Viewer) {
        let id = Uuid::new_v4();
        (id, Viewer::Member { user_id: id, role, session_id: None })
    }

    #[test]
    fn managers_and_listed_users_see_shared_records() {
        let (rep_id, rep) = member(Role::Rep);
        let (_, other_rep) = member(Role::Rep);
        let (_, manager) = member(Role::Manager);
        let rule = Visibility::ManagersAnd(vec![rep_id]);
        assert!(rule.allows(&rep, "deal.moved"));
        assert!(!rule.allows(&other_rep, "deal.moved"));
        assert!(rule.allows(&manager, "deal.moved"));
    }

    #[test]
    fn tokens_need_the_family_read_scope_and_never_see_personal_events() {
        let t = Viewer::Token { token_id: Uuid::new_v4(), scopes: vec!["deals:read".into()] };
        assert!(Visibility::All.allows(&t, "deal.moved"));
        assert!(!Visibility::All.allows(&t, "lead.created"));
        assert!(!Visibility::All.allows(&t, "member.role_changed"));
        assert!(!Visibility::Users(vec![]).allows(&t, "deal.moved"));
    }

    #[test]
    fn the_workspace_topic_receives_everything() {
        assert!(topic_matches("workspace", "pipeline:1"));
        assert!(topic_matches("leads", "leads"));
        assert!(!topic_matches("leads", "contacts"));
    }
}
