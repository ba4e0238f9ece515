//! Data cleanup before (and after) go-live: a checklist of what needs
//! fixing, duplicate groups, and merging duplicates into the record kept.
//!
//! Merging moves every relation of the merged records to the kept one and
//! soft-deletes the merged records; the kept record's own fields stay as
//! they are. What moves:
//!
//! | Merged | Moved to the kept record |
//! |---|---|
//! | contacts | deals (`contact_id`) and lead conversions, through the workspace actor; activities |
//! | companies | deals (`company_id`) and lead conversions, through the actor; contacts (`company_id`, each bumped and announced as `contact.updated`); activities |
//! | deals | lead conversions (`converted.deal_id`), through the actor; activities; the latest activity time |
//!
//! Orders will be one more entry in `db::cleanup::{CONTACT,COMPANY,DEAL}_LINKS`.
//!
//! How a merge runs, and why in this order. Deals and leads are the
//! workspace actor's state and change only through its commands; contacts,
//! companies and activities are rows this module writes. One PostgreSQL
//! transaction holds the workspace's merge lock (`db::cleanup::lock_merges`)
//! from the first check to its commit, so merges in a workspace run one at
//! a time: two merges that share a record cannot interleave (the second
//! finds the record gone and answers 404). Within it:
//!
//! 1. the records are checked (404 for any that is not a live record of the
//!    workspace, as for another workspace's ids);
//! 2. the actor relinks deals and lead conversions (`Command::Relink`) or
//!    merges the deals (`Command::MergeDeals`), in its own batch, with its
//!    events and audit entries;
//! 3. the transaction relinks the rows it owns, soft-deletes the merged
//!    records, writes the audit entry and the `*.merged` event, and
//!    commits; the event is published after the commit.
//!
//! While the actor works, the transaction holds no row lock (only the
//! merge lock, which only merges take, and for deal merges the activities
//! it relinked, which the actor never touches), so the actor's batch never
//! waits for it. If step 3 fails after step 2 committed, the deals already
//! point at the kept record and the merged records are still there: the
//! same merge sent again completes it. Deal merges relink activities before
//! step 2 in the same transaction, so a refused or failed actor write
//! leaves nothing changed.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::companies::Company;
use super::contacts::{Contact, TOPIC};
use crate::auth::Actor;
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::cleanup::{self as db, ChecklistQuery, DuplicateKind, RecordTable};
use crate::db::{companies as db_companies, contacts as db_contacts};
use crate::error::ApiError;
use crate::realtime::record_event;
use crate::state::AppState;
use pulse_actors::deals::{Command, DealView, LinkKind, Outcome, Reader};
use pulse_actors::Visibility;

/// Most records one merge folds into the kept one.
pub const MERGE_MAX: usize = 50;

/// Merge `merge_ids` into `keep_id`. To keep the first record of a
/// duplicate group, send its first id as `keep_id` and the others as
/// `merge_ids`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The record that stays.
    pub keep_id: Uuid,
    /// The records merged into it and then deleted (1 to 50; repeats are
    /// ignored). Naming `keep_id` here is 409 `field_conflict`.
    #[schema(min_items = 1, max_items = 50)]
    pub merge_ids: Vec<Uuid>,
}

/// What a merge moved to the kept record.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Moved {
    /// Deals relinked (contact and company merges).
    pub deals: usize,
    /// Lead conversions relinked.
    pub leads: usize,
    pub activities: u64,
    /// Contacts moved to the kept company (company merges).
    pub contacts: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactMerge {
    /// The kept contact.
    pub contact: Contact,
    /// The contacts merged into it, now deleted.
    pub merged_ids: Vec<Uuid>,
    pub moved: Moved,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CompanyMerge {
    /// The kept company.
    pub company: Company,
    pub merged_ids: Vec<Uuid>,
    pub moved: Moved,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DealMerge {
    /// The kept deal.
    pub deal: DealView,
    pub merged_ids: Vec<Uuid>,
    pub moved: Moved,
}

/// Who merges: the workspace, the person (for audit and events) and the
/// same person as the workspace actor sees them.
pub struct Merger {
    pub workspace_id: Uuid,
    pub actor: Actor,
    pub deals: pulse_actors::deals::Caller,
}

/// The ids to merge away: repeats dropped, order kept, never `keep_id`.
fn merge_ids(req: &MergeRequest) -> Result<Vec<Uuid>, ApiError> {
    let mut ids: Vec<Uuid> = Vec::with_capacity(req.merge_ids.len());
    for id in &req.merge_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if ids.is_empty() || ids.len() > MERGE_MAX {
        return Err(ApiError::invalid("merge_ids", format!("name 1 to {MERGE_MAX} records to merge")));
    }
    if ids.contains(&req.keep_id) {
        return Err(ApiError::FieldConflict {
            field: "merge_ids",
            detail: "a record cannot be merged into itself; leave keep_id out of merge_ids".into(),
        });
    }
    Ok(ids)
}

/// Takes the workspace's merge lock; 409 `merge_in_progress` when other
/// merges hold it too long.
async fn lock(tx: &impl deadpool_postgres::GenericClient, ws: Uuid) -> Result<(), ApiError> {
    db::lock_merges(tx, ws).await.map_err(|e| match e.code() {
        Some(c) if *c == tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE => ApiError::Conflict {
            code: "merge_in_progress",
            detail: "other merges are running in this workspace; try again in a moment".into(),
        },
        _ => ApiError::from(e),
    })
}

fn relinked(o: &Outcome) -> (usize, usize) {
    match o {
        Outcome::Relinked { deals, leads } => (*deals, *leads),
        _ => (0, 0),
    }
}

/// Merges contacts into one (see the module docs).
pub async fn merge_contacts(
    state: &AppState,
    m: Merger,
    req: MergeRequest,
    from: &Origin,
) -> Result<ContactMerge, ApiError> {
    let ids = merge_ids(&req)?;
    let (ws, keep) = (m.workspace_id, req.keep_id);
    let not_found = || ApiError::NotFound("contact");
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    lock(&tx, ws).await?;
    let name = db::select_contact_display_name(&tx, ws, keep).await?.ok_or_else(not_found)?;
    if db_contacts::select_contacts_by_ids(&tx, ws, &ids).await?.len() != ids.len() {
        return Err(not_found());
    }
    let cmd = Command::Relink { link: LinkKind::Contact, from: ids.clone(), to: (keep, name) };
    let (deals, leads) = relinked(&state.realtime.write(ws, m.deals, cmd).await?.outcome);

    let mut all = ids.clone();
    all.push(keep);
    if db::lock_live(&tx, ws, RecordTable::Contacts, &all).await?.len() != all.len() {
        // Deleted in the meantime (not by a merge: those wait for the lock).
        return Err(not_found());
    }
    let mut activities = 0;
    for link in db::CONTACT_LINKS {
        activities += db::update_links(&tx, ws, *link, &ids, keep).await?;
    }
    let merged: Vec<Contact> =
        db_contacts::select_contacts_by_ids(&tx, ws, &ids).await?.into_iter().map(Contact::from).collect();
    db_contacts::delete_contacts(&tx, ws, &ids).await?;
    let contact: Contact = db_contacts::select_contact(&tx, ws, keep).await?.ok_or_else(not_found)?.into();
    let moved = Moved { deals, leads, activities, contacts: 0 };
    let names: Vec<&str> = merged.iter().map(|c| c.name.as_str()).collect();
    let details = serde_json::json!({ "merged_ids": ids, "names": names, "moved": moved });
    let entry = AuditEntry::new(Some(ws), Some(m.actor), "contact.merged").target("contact", keep);
    insert_audit(&tx, &entry.details(details), from).await?;
    let data = serde_json::json!({ "contact": contact, "merged_ids": ids, "moved": moved });
    let ev = record_event(&tx, ws, Some(m.actor), "contact.merged", TOPIC, Visibility::All, data).await?;
    tx.commit().await?;
    state.realtime.publish(ev);
    Ok(ContactMerge { contact, merged_ids: ids, moved })
}

/// Merges companies into one (see the module docs).
pub async fn merge_companies(
    state: &AppState,
    m: Merger,
    req: MergeRequest,
    from: &Origin,
) -> Result<CompanyMerge, ApiError> {
    let ids = merge_ids(&req)?;
    let (ws, keep) = (m.workspace_id, req.keep_id);
    let not_found = || ApiError::NotFound("company");
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    lock(&tx, ws).await?;
    let kept = db_companies::select_company(&tx, ws, keep).await?.ok_or_else(not_found)?;
    let mut names = Vec::with_capacity(ids.len());
    for id in &ids {
        names.push(db_companies::select_company(&tx, ws, *id).await?.ok_or_else(not_found)?.name);
    }
    let cmd = Command::Relink { link: LinkKind::Company, from: ids.clone(), to: (keep, kept.name.clone()) };
    let (deals, leads) = relinked(&state.realtime.write(ws, m.deals, cmd).await?.outcome);

    let mut all = ids.clone();
    all.push(keep);
    if db::lock_live(&tx, ws, RecordTable::Companies, &all).await?.len() != all.len() {
        return Err(not_found());
    }
    let mut activities = 0;
    for link in db::COMPANY_LINKS {
        activities += db::update_links(&tx, ws, *link, &ids, keep).await?;
    }
    let moved_contacts = db::update_contacts_company(&tx, ws, &ids, keep).await?;
    db::delete_companies(&tx, ws, &ids).await?;
    let company: Company = db_companies::select_company(&tx, ws, keep).await?.ok_or_else(not_found)?.into();
    let moved = Moved { deals, leads, activities, contacts: moved_contacts.len() };
    let details = serde_json::json!({
        "merged_ids": ids, "names": names, "moved": moved, "contact_ids": moved_contacts,
    });
    let entry = AuditEntry::new(Some(ws), Some(m.actor), "company.merged").target("company", keep);
    insert_audit(&tx, &entry.details(details), from).await?;
    // The moved contacts show the kept company now: one event each, as a
    // bulk change does.
    let mut events = Vec::with_capacity(moved_contacts.len() + 1);
    for c in db_contacts::select_contacts_by_ids(&tx, ws, &moved_contacts).await? {
        let data = serde_json::to_value(Contact::from(c)).map_err(ApiError::internal)?;
        events.push(record_event(&tx, ws, Some(m.actor), "contact.updated", TOPIC, Visibility::All, data).await?);
    }
    let data = serde_json::json!({ "company": company, "merged_ids": ids, "moved": moved });
    events.push(record_event(&tx, ws, Some(m.actor), "company.merged", TOPIC, Visibility::All, data).await?);
    tx.commit().await?;
    for ev in events {
        state.realtime.publish(ev);
    }
    Ok(CompanyMerge { company, merged_ids: ids, moved })
}

/// Merges deals into one (see the module docs). The actor audits it
/// (`deal.merged`) and announces it on the kept deal's pipeline topic.
pub async fn merge_deals(state: &AppState, m: Merger, req: MergeRequest) -> Result<DealMerge, ApiError> {
    let ids = merge_ids(&req)?;
    let (ws, keep) = (m.workspace_id, req.keep_id);
    let not_found = || ApiError::NotFound("deal");
    let reader = Reader { user_id: m.actor.user_id(), sees_all: true };
    let mut client = state.db().await?;
    let tx = client.transaction().await?;
    lock(&tx, ws).await?;
    for id in std::iter::once(keep).chain(ids.iter().copied()) {
        let live = state.realtime.deal(ws, id, reader).await?.is_some_and(|d| d.deal.deleted_at.is_none());
        if !live {
            return Err(not_found());
        }
    }
    // The actor moves the merged deals' activities in the merge's own
    // transaction; counted here, under the merge lock, for the answer.
    let activities = db::count_deal_activities(&tx, ws, &ids).await?;
    let cmd = Command::MergeDeals { keep, merged: ids.clone() };
    let (_, leads) = relinked(&state.realtime.write(ws, m.deals, cmd).await?.outcome);
    tx.commit().await?;
    let deal = state.realtime.deal(ws, keep, reader).await?.ok_or_else(not_found)?;
    Ok(DealMerge { deal, merged_ids: ids, moved: Moved { deals: 0, leads, activities, contacts: 0 } })
}

/// One item of the go-live checklist.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    /// `contacts_without_email`, `contacts_without_name`,
    /// `lost_deals_without_reason`, `duplicate_contacts`,
    /// `duplicate_company_domains`, `duplicate_company_names`,
    /// `duplicate_deals`.
    pub key: &'static str,
    pub label: &'static str,
    /// `contact`, `company` or `deal`: what `sample_ids` name.
    pub record_type: &'static str,
    /// Records to fix, or duplicate groups for the `duplicate_*` items.
    pub count: i64,
    /// Up to 10 of them, oldest first (for duplicates: the records of the
    /// first groups).
    pub sample_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Checklist {
    /// Every count is zero.
    pub ready: bool,
    pub items: Vec<ChecklistItem>,
}

/// The go-live checklist. Won deals have no reason field in Pulse, so only
/// lost deals are checked for one.
pub async fn checklist(state: &AppState, workspace_id: Uuid) -> Result<Checklist, ApiError> {
    let mut client = state.db().await?;
    let client = client.transaction().await?;
    db::raise_work_mem(&client).await?;
    let counts: [(&'static str, &'static str, &'static str, ChecklistQuery); 3] = [
        ("contacts_without_email", "Contacts without an email", "contact", ChecklistQuery::ContactsWithoutEmail),
        ("contacts_without_name", "Contacts without a name", "contact", ChecklistQuery::ContactsWithoutName),
        ("lost_deals_without_reason", "Lost deals without a reason", "deal", ChecklistQuery::LostDealsWithoutReason),
    ];
    let mut items = Vec::with_capacity(7);
    for (key, label, record_type, q) in counts {
        let (count, sample_ids) = db::count_checklist_item(&client, workspace_id, q).await?;
        items.push(ChecklistItem { key, label, record_type, count, sample_ids });
    }
    let groups: [(&'static str, &'static str, &'static str, DuplicateKind); 4] = [
        ("duplicate_contacts", "Contacts sharing an email", "contact", DuplicateKind::ContactEmail),
        ("duplicate_company_domains", "Companies sharing a domain", "company", DuplicateKind::CompanyDomain),
        ("duplicate_company_names", "Companies sharing a name", "company", DuplicateKind::CompanyName),
        ("duplicate_deals", "Deals of one contact sharing a title", "deal", DuplicateKind::DealContactTitle),
    ];
    for (key, label, record_type, kind) in groups {
        let count = db::count_duplicate_groups(&client, workspace_id, kind).await?;
        // The records of the first groups, oldest first in each.
        let mut sample_ids = Vec::new();
        if count > 0 {
            for g in db::select_duplicate_groups(&client, workspace_id, kind, None, db::SAMPLE).await? {
                sample_ids.extend(g.records.iter().filter_map(|r| r["id"].as_str()?.parse::<Uuid>().ok()));
            }
            sample_ids.truncate(db::SAMPLE as usize);
        }
        items.push(ChecklistItem { key, label, record_type, count, sample_ids });
    }
    client.commit().await?;
    Ok(Checklist { ready: items.iter().all(|i| i.count == 0), items })
}

/// Which records duplicates are listed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateEntity {
    /// By email.
    Contacts,
    /// By domain, then by name.
    Companies,
    /// By contact and title.
    Deals,
}

impl DuplicateEntity {
    fn kinds(self) -> &'static [DuplicateKind] {
        match self {
            DuplicateEntity::Contacts => &[DuplicateKind::ContactEmail],
            DuplicateEntity::Companies => &[DuplicateKind::CompanyDomain, DuplicateKind::CompanyName],
            DuplicateEntity::Deals => &[DuplicateKind::DealContactTitle],
        }
    }
}

/// A member of a duplicate group.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DuplicateRecord {
    pub id: Uuid,
    /// The contact's name, the company's name or the deal's title.
    pub name: Option<String>,
    /// The contact's email, the company's domain or the deal's contact.
    pub detail: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Records that share a key, oldest first: merging keeps the first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DuplicateGroup {
    /// `email`, `domain`, `name` or `contact_title`.
    pub by: &'static str,
    /// The normalised value they share.
    pub key: String,
    /// Records in the group.
    pub count: i64,
    /// Their ids, oldest first (at most 50).
    pub ids: Vec<Uuid>,
    /// The same records, with what identifies them.
    pub records: Vec<DuplicateRecord>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DuplicatePage {
    pub groups: Vec<DuplicateGroup>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<String>,
}

/// A cursor: the group kind and key of the last group, hex-encoded so
/// that it survives any URL. Every even-length hex string is one (it only
/// bounds the keys).
pub fn encode_cursor(kind: DuplicateKind, key: &str) -> String {
    hex::encode(format!("{}\n{key}", kind.name()))
}

/// The `(kind, key)` a cursor names; `None` when it is not hex.
pub fn decode_cursor(s: &str) -> Option<(String, String)> {
    let bytes = hex::decode(s).ok()?;
    let text = String::from_utf8_lossy(&bytes).replace('\0', "");
    Some(match text.split_once('\n') {
        Some((kind, key)) => (kind.to_owned(), key.to_owned()),
        None => (text, String::new()),
    })
}

/// One page of duplicate groups, by kind then key.
pub async fn duplicates(
    state: &AppState,
    workspace_id: Uuid,
    entity: DuplicateEntity,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<DuplicatePage, ApiError> {
    let mut client = state.db().await?;
    let client = client.transaction().await?;
    db::raise_work_mem(&client).await?;
    let mut rows = Vec::new();
    for kind in entity.kinds() {
        let bound = match &after {
            None => None,
            // Kinds are listed in the order of `kinds()`, so a cursor on a
            // later kind skips this one, on an earlier one starts it over.
            Some((k, key)) => {
                let pos = |name: &str| entity.kinds().iter().position(|x| x.name() == name);
                match (pos(k), pos(kind.name())) {
                    (Some(c), Some(me)) if c > me => continue,
                    (Some(c), Some(me)) if c == me => Some(key.as_str()),
                    _ => None,
                }
            }
        };
        let want = limit + 1 - rows.len() as i64;
        if want <= 0 {
            break;
        }
        rows.extend(db::select_duplicate_groups(&client, workspace_id, *kind, bound, want).await?);
    }
    client.commit().await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(|r| encode_cursor(r.kind, &r.key)) } else { None };
    let groups = rows
        .into_iter()
        .map(|r| {
            let records: Vec<DuplicateRecord> =
                r.records.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect();
            DuplicateGroup {
                by: r.kind.name(),
                key: r.key,
                count: r.count,
                ids: records.iter().map(|x| x.id).collect(),
                records,
            }
        })
        .collect();
    Ok(DuplicatePage { groups, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_any_hex_is_one() {
        let c = encode_cursor(DuplicateKind::CompanyName, "acme ünïcode");
        assert_eq!(decode_cursor(&c), Some(("name".to_owned(), "acme ünïcode".to_owned())));
        assert_eq!(decode_cursor("00ff"), Some(("\u{fffd}".to_owned(), String::new())), "lossy, without NUL");
        assert_eq!(decode_cursor("zz"), None);
    }

    #[test]
    fn merging_into_itself_is_a_conflict_and_repeats_are_dropped() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let req = MergeRequest { keep_id: a, merge_ids: vec![b, b] };
        assert_eq!(merge_ids(&req).ok(), Some(vec![b]));
        let req = MergeRequest { keep_id: a, merge_ids: vec![b, a] };
        assert!(matches!(merge_ids(&req), Err(ApiError::FieldConflict { field: "merge_ids", .. })));
        let req = MergeRequest { keep_id: a, merge_ids: vec![] };
        assert!(matches!(merge_ids(&req), Err(ApiError::Validation { .. })));
    }
}
