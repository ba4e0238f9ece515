//! The permission matrix: the one place that decides what each role, and
//! each API token scope, may do. docs/PERMISSIONS.md is its prose twin;
//! `tests/api/permissions.rs` walks it.

pub use pulse_actors::Role;

/// CRM record families, each with a read and a write scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Leads,
    Contacts,
    Deals,
    Activities,
    Products,
    Customers,
    Orders,
}

/// Everything that is authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the workspace's members and own profile data.
    ReadMembers,
    /// Change roles, suspend and remove members; revoke invitations.
    ManageMembers,
    /// Invite new members (which roles: see [`can_invite`]).
    InviteMembers,
    /// Create, list and revoke API tokens.
    ManageTokens,
    /// Rename the workspace, change its currency and other settings.
    ManageSettings,
    /// Read the audit log.
    ReadAudit,
    /// Configure the workspace's CRM: pipelines, stages, lead sources and
    /// custom field definitions.
    ManagePipelines,
    /// Read records of a family (reps: theirs and shared ones).
    Read(Entity),
    /// Create records and edit the ones the caller owns.
    Write(Entity),
    /// Edit or delete anyone's records, reopen won/lost deals.
    EditAny(Entity),
    /// Open the live event stream.
    SubscribeEvents,
    /// Manage outgoing webhooks.
    ManageWebhooks,
    /// Read and mark one's own notifications and choose one's own
    /// notification channels. People only: notifications are addressed
    /// to a person, so no token scope allows it.
    OwnNotifications,
    /// Switch notification signals for the workspace and manage the
    /// nurture email templates.
    ManageNotifications,
    /// Read the email outbox and the scheduler's job runs.
    ReadOperations,
    /// Export lists to CSV. People only: an export is a copy of the
    /// workspace's data leaving it, audited per person.
    ExportData,
    /// The data cleanup tools: the go-live checklist, duplicate groups and
    /// merging records. People only.
    CleanUpData,
    /// Import CSV files (contacts, companies, leads, deals), dry-run and
    /// revert them. People only: owners and managers.
    ImportData,
}

/// Whether a member with `role` may perform `action`.
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Owner => true,
        Role::Manager => {
            !matches!(action, ManageMembers | ManageTokens | ManageSettings | ManageWebhooks | ReadOperations)
        }
        Role::Rep => matches!(action, ReadMembers | Read(_) | Write(_) | SubscribeEvents | OwnNotifications),
        Role::Viewer => matches!(action, ReadMembers | Read(_) | SubscribeEvents | OwnNotifications),
    }
}

/// Which roles `inviter` may hand out in an invitation. Owners invite
/// managers, reps and viewers; managers invite reps and viewers.
pub fn can_invite(inviter: Role, role: Role) -> bool {
    match inviter {
        Role::Owner => role != Role::Owner,
        Role::Manager => matches!(role, Role::Rep | Role::Viewer),
        Role::Rep | Role::Viewer => false,
    }
}

/// Every scope an API token may carry.
pub const SCOPES: &[&str] = &[
    "leads:read",
    "leads:write",
    "contacts:read",
    "contacts:write",
    "deals:read",
    "deals:write",
    "activities:read",
    "activities:write",
    "products:read",
    "customers:read",
    "customers:write",
    "orders:read",
    "orders:write",
    "events:subscribe",
    "webhooks:manage",
];

fn entity_name(e: Entity) -> &'static str {
    match e {
        Entity::Leads => "leads",
        Entity::Contacts => "contacts",
        Entity::Deals => "deals",
        Entity::Activities => "activities",
        Entity::Products => "products",
        Entity::Customers => "customers",
        Entity::Orders => "orders",
    }
}

/// The scope a token needs for `action`, or `None` when tokens may never
/// do it (member, token and settings management stay with people).
pub fn required_scope(action: Action) -> Option<&'static str> {
    let scope = match action {
        Action::Read(e) => format!("{}:read", entity_name(e)),
        // A token acts for the integration as a whole, so `:write` covers
        // editing any record of the family.
        Action::Write(e) | Action::EditAny(e) => format!("{}:write", entity_name(e)),
        Action::SubscribeEvents => "events:subscribe".to_owned(),
        Action::ManageWebhooks => "webhooks:manage".to_owned(),
        _ => return None,
    };
    SCOPES.iter().copied().find(|s| *s == scope)
}

/// A type-level policy, used as `Member<P>` in handler signatures.
pub trait Policy {
    const ACTION: Action;
}

macro_rules! policies {
    ($($(#[$doc:meta])* $name:ident => $action:expr;)*) => {
        $( $(#[$doc])* #[derive(Debug)] pub struct $name; impl Policy for $name { const ACTION: Action = $action; } )*
    };
}

policies! {
    /// Any active member (and no token).
    ReadMembers => Action::ReadMembers;
    /// Owners only.
    ManageMembers => Action::ManageMembers;
    /// Owners and managers.
    InviteMembers => Action::InviteMembers;
    /// Owners only.
    ManageTokens => Action::ManageTokens;
    /// Owners only.
    ManageSettings => Action::ManageSettings;
    /// Owners and managers.
    ReadAudit => Action::ReadAudit;
    /// Owners and managers.
    ManagePipelines => Action::ManagePipelines;
    /// Any member; tokens with `events:subscribe`.
    SubscribeEvents => Action::SubscribeEvents;
    /// Owners; tokens with `webhooks:manage`.
    ManageWebhooks => Action::ManageWebhooks;
    /// Any active member, for their own notifications; never a token
    /// (the people-only policy of the notification routes).
    OwnNotifications => Action::OwnNotifications;
    /// Owners and managers; never a token.
    ManageNotifications => Action::ManageNotifications;
    /// Owners only; never a token.
    ReadOperations => Action::ReadOperations;
    /// Owners and managers; never a token (CSV imports).
    ImportData => Action::ImportData;
    /// Every member (reps: theirs and shared); tokens with `deals:read`.
    ReadDeals => Action::Read(Entity::Deals);
    /// Owners, managers and reps (reps: their own); tokens with `deals:write`.
    WriteDeals => Action::Write(Entity::Deals);
    /// Every member; tokens with `contacts:read`.
    ReadContacts => Action::Read(Entity::Contacts);
    /// Owners, managers and reps; tokens with `contacts:write`.
    WriteContacts => Action::Write(Entity::Contacts);
    /// Every member; tokens with `activities:read`.
    ReadActivities => Action::Read(Entity::Activities);
    /// Owners, managers and reps; tokens with `activities:write`.
    WriteActivities => Action::Write(Entity::Activities);
    /// Every member; tokens with `leads:read`.
    ReadLeads => Action::Read(Entity::Leads);
    /// Owners, managers and reps; tokens with `leads:write`.
    WriteLeads => Action::Write(Entity::Leads);
    /// Owners and managers; never a token.
    ExportData => Action::ExportData;
    /// Owners and managers; never a token.
    CleanUpData => Action::CleanUpData;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reps_and_viewers_cannot_invite_and_nobody_invites_owners() {
        for role in Role::ALL {
            assert!(!can_invite(Role::Rep, role), "rep inviting {role:?}");
            assert!(!can_invite(Role::Viewer, role), "viewer inviting {role:?}");
            assert!(!can_invite(Role::Owner, Role::Owner));
        }
        assert!(can_invite(Role::Manager, Role::Rep));
        assert!(!can_invite(Role::Manager, Role::Manager));
    }

    #[test]
    fn viewers_only_read() {
        assert!(role_allows(Role::Viewer, Action::Read(Entity::Deals)));
        assert!(!role_allows(Role::Viewer, Action::Write(Entity::Deals)));
        assert!(!role_allows(Role::Viewer, Action::InviteMembers));
    }

    #[test]
    fn every_scope_named_by_an_action_exists() {
        for e in [Entity::Leads, Entity::Contacts, Entity::Deals, Entity::Activities, Entity::Customers, Entity::Orders]
        {
            assert!(required_scope(Action::Read(e)).is_some(), "{e:?} read");
            assert!(required_scope(Action::Write(e)).is_some(), "{e:?} write");
        }
        assert_eq!(required_scope(Action::ManageTokens), None);
    }

    #[test]
    fn exports_and_cleanup_are_for_owners_and_managers_only() {
        for action in [Action::ExportData, Action::CleanUpData] {
            for role in Role::ALL {
                assert_eq!(
                    role_allows(role, action),
                    matches!(role, Role::Owner | Role::Manager),
                    "{role:?} {action:?}"
                );
            }
            assert_eq!(required_scope(action), None, "{action:?}");
        }
    }

    #[test]
    fn notifications_are_for_people_and_operations_for_owners() {
        for role in Role::ALL {
            assert!(role_allows(role, Action::OwnNotifications), "{role:?}");
            assert_eq!(role_allows(role, Action::ReadOperations), role == Role::Owner, "{role:?}");
            assert_eq!(
                role_allows(role, Action::ManageNotifications),
                matches!(role, Role::Owner | Role::Manager),
                "{role:?}"
            );
        }
        for action in [Action::OwnNotifications, Action::ManageNotifications, Action::ReadOperations] {
            assert_eq!(required_scope(action), None, "{action:?}");
        }
    }
}
