//! Workspace settings: reading and changing the name and currency under
//! optimistic concurrency, audited in the same transaction as the change.

use uuid::Uuid;

use crate::auth::Actor;
use crate::currencies::is_currency;
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::workspaces::{self, WorkspaceRow};
use crate::error::ApiError;
use crate::http::etag::Precondition;
use crate::routes::validate::Checks;
use crate::state::AppState;

/// Requested changes; `None` leaves a setting as it is.
#[derive(Debug, Default)]
pub struct SettingsChange<'a> {
    pub name: Option<&'a str>,
    pub currency: Option<&'a str>,
}

pub async fn get_settings(state: &AppState, workspace_id: Uuid) -> Result<WorkspaceRow, ApiError> {
    let client = state.db().await?;
    workspaces::select_workspace(&client, workspace_id).await?.ok_or(ApiError::NotFound("workspace"))
}

/// Applies `change` if `pre` holds for the stored version. An empty
/// change is a read that still checks the precondition.
pub async fn update_settings(
    state: &AppState,
    workspace_id: Uuid,
    actor: Actor,
    pre: Precondition,
    change: SettingsChange<'_>,
    from: &Origin,
) -> Result<WorkspaceRow, ApiError> {
    let mut checks = Checks::new();
    if let Some(name) = change.name {
        checks.text("name", name, 200);
    }
    if let Some(currency) = change.currency {
        checks.check(
            is_currency(currency),
            "currency",
            "must be an uppercase ISO 4217 currency code such as USD or EUR",
        );
    }
    checks.finish()?;
    let name = change.name.map(str::trim);

    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    let before =
        workspaces::select_workspace_for_update(&tx, workspace_id).await?.ok_or(ApiError::NotFound("workspace"))?;
    pre.check(before.version)?;
    if name.is_none() && change.currency.is_none() {
        return Ok(before);
    }
    let after = workspaces::update_workspace(&tx, workspace_id, name, change.currency)
        .await?
        .ok_or(ApiError::NotFound("workspace"))?;
    let mut changes = serde_json::Map::new();
    if before.name != after.name {
        changes.insert("name".into(), serde_json::json!({ "from": before.name, "to": after.name }));
    }
    if before.currency != after.currency {
        changes.insert("currency".into(), serde_json::json!({ "from": before.currency, "to": after.currency }));
    }
    let entry = AuditEntry::new(Some(workspace_id), Some(actor), "workspace.updated")
        .target("workspace", workspace_id)
        .details(serde_json::json!({ "changes": changes, "version": after.version }));
    insert_audit(&tx, &entry, from).await?;
    tx.commit().await?;
    Ok(after)
}
