//! API tokens: creation, listing and revocation for a workspace's owners.
//! Handlers in `routes::tokens` are thin wrappers around these.
//!
//! Contract: a token's secret (`pulse_` + 256 random bits) exists in
//! plain text only in the creation reply; the database keeps its SHA-256
//! and a short display prefix. Revocation is immediate because
//! authentication looks tokens up by hash among unrevoked rows on every
//! request. Every change is audited in the transaction that makes it.

use uuid::Uuid;

use crate::auth::permissions::SCOPES;
use crate::auth::{secrets, Actor};
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::tokens::{self, NewToken, TokenRow};
use crate::error::{ApiError, FieldError};
use crate::routes::validate::Checks;
use crate::state::AppState;

/// Longest token name, in characters (the column allows 100).
pub const NAME_MAX: usize = 100;

/// A token just created, with the secret the caller sees exactly once.
pub struct CreatedToken {
    pub row: TokenRow,
    pub secret: String,
}

/// Checks that `scopes` is a non-empty, duplicate-free subset of
/// [`SCOPES`]; each bad entry is named in its own field error.
pub fn check_scopes(scopes: &[String]) -> Result<(), ApiError> {
    if scopes.is_empty() {
        return Err(ApiError::invalid("scopes", format!("must name at least one scope of: {}", SCOPES.join(", "))));
    }
    let mut errors = Vec::new();
    for (i, scope) in scopes.iter().enumerate() {
        let field = format!("scopes[{i}]");
        if !SCOPES.contains(&scope.as_str()) {
            errors
                .push(FieldError::new(field, format!("unknown scope `{scope}`; known scopes: {}", SCOPES.join(", "))));
        } else if scopes[..i].contains(scope) {
            errors.push(FieldError::new(field, format!("scope `{scope}` is listed twice")));
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
    Err(ApiError::Validation { detail, errors })
}

/// Creates a token in `workspace_id` for `actor` (an owner).
pub async fn create_token(
    state: &AppState,
    workspace_id: Uuid,
    actor: Actor,
    name: &str,
    scopes: &[String],
    from: &Origin,
) -> Result<CreatedToken, ApiError> {
    Checks::new().text("name", name, NAME_MAX).finish()?;
    check_scopes(scopes)?;
    let secret = secrets::new_api_token();
    let prefix = secrets::display_prefix(&secret);
    let hash = secrets::hash(&secret);
    let id = Uuid::now_v7();
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let new = NewToken {
        id,
        workspace_id,
        created_by: actor.user_id(),
        name: name.trim(),
        prefix: &prefix,
        secret_hash: &hash,
        scopes,
    };
    let row = tokens::insert_token(&tx, &new).await?;
    let entry = AuditEntry::new(Some(workspace_id), Some(actor), "token.created")
        .target("token", id)
        .details(serde_json::json!({ "name": row.name, "prefix": row.prefix, "scopes": row.scopes }));
    insert_audit(&tx, &entry, from).await?;
    tx.commit().await?;
    Ok(CreatedToken { row, secret })
}

/// The workspace's live tokens, newest first.
pub async fn list_tokens(state: &AppState, workspace_id: Uuid) -> Result<Vec<TokenRow>, ApiError> {
    let client = state.db().await?;
    Ok(tokens::select_tokens(&client, workspace_id).await?)
}

/// Revokes a live token of `workspace_id`. Another workspace's token, a
/// revoked one and an unknown id all answer the same 404.
pub async fn revoke_token(
    state: &AppState,
    workspace_id: Uuid,
    actor: Actor,
    id: Uuid,
    from: &Origin,
) -> Result<(), ApiError> {
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    if !tokens::revoke_token(&tx, workspace_id, id).await? {
        return Err(ApiError::NotFound("token"));
    }
    insert_audit(&tx, &AuditEntry::new(Some(workspace_id), Some(actor), "token.revoked").target("token", id), from)
        .await?;
    tx.commit().await?;
    state.realtime.kick(Some(workspace_id), pulse_actors::Principal::Token(id));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn scope_lists_must_be_known_distinct_and_non_empty() {
        for (list, ok, why) in [
            (&["deals:read"][..], true, "one known scope"),
            (&["deals:read", "deals:write", "events:subscribe"][..], true, "several known scopes"),
            (&[][..], false, "empty"),
            (&["deals:admin"][..], false, "unknown"),
            (&["deals:read", "deals:read"][..], false, "duplicate"),
            (&["Deals:Read"][..], false, "scopes are case-sensitive"),
        ] {
            assert_eq!(check_scopes(&scopes(list)).is_ok(), ok, "{why}");
        }
    }

    #[test]
    fn an_unknown_scope_is_named_with_its_position() {
        let Err(ApiError::Validation { errors, .. }) = check_scopes(&scopes(&["deals:read", "bogus"])) else {
            panic!("expected a validation error");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "scopes[1]");
        assert!(errors[0].message.contains("`bogus`"), "{}", errors[0].message);
    }
}
