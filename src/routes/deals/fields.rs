//! Checks shared by deal create and update: field shapes (422), then the
//! links to members, contacts and companies (409 `field_conflict` when the
//! workspace has no such record).

use uuid::Uuid;

use crate::deals::{check_members, company_link, contact_link};
use crate::error::ApiError;
use crate::routes::validate::Checks;
use crate::state::AppState;

/// Field shapes a schema cannot say fully: blank text, control characters,
/// currency codes, tag lengths.
pub fn check_deal_fields(
    title: Option<&str>,
    currency: Option<&str>,
    next_action: Option<&str>,
    tags: Option<&Vec<String>>,
    lost_reason: Option<&str>,
) -> Result<(), ApiError> {
    let mut c = Checks::new();
    if let Some(t) = title {
        c.text("title", t, 200);
    }
    if let Some(cur) = currency {
        c.check(crate::currencies::is_currency(cur), "currency", "must be an uppercase ISO 4217 code");
    }
    if let Some(n) = next_action {
        c.check(
            n.chars().count() <= 500 && !n.chars().any(|ch| ch.is_control() && ch != '\n' && ch != '\t'),
            "next_action",
            "must be at most 500 characters",
        );
    }
    if let Some(tags) = tags {
        c.check(tags.len() <= 30, "tags", "at most 30 tags");
        c.check(
            tags.iter().all(|t| {
                let t = t.trim();
                !t.is_empty() && t.chars().count() <= 50 && !t.chars().any(char::is_control)
            }),
            "tags",
            "each tag is 1 to 50 characters",
        );
    }
    if let Some(r) = lost_reason {
        c.text("lost_reason", r, 500);
    }
    c.finish()
}

/// Trimmed tags without case-insensitive duplicates, in the order given.
pub fn normalise_tags(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let t = t.trim().to_owned();
        if !out.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    out
}

type Link = Option<Option<(Uuid, String)>>;

/// Checks the owner and the members shared with, and resolves contact and
/// company ids to (id, name). `None` leaves a link alone, `Some(None)`
/// clears it.
pub async fn links(
    state: &AppState,
    ws: Uuid,
    owner: Option<Uuid>,
    contact: Option<Option<Uuid>>,
    company: Option<Option<Uuid>>,
    shared_with: &[Uuid],
) -> Result<(Link, Link), ApiError> {
    let client = state.db().await?;
    if let Some(o) = owner {
        check_members(&client, ws, &[o], "owner_id").await?;
    }
    check_members(&client, ws, shared_with, "shared_with").await?;
    let contact = match contact {
        None => None,
        Some(None) => Some(None),
        Some(Some(id)) => Some(Some(contact_link(&client, ws, id, "contact_id").await?)),
    };
    let company = match company {
        None => None,
        Some(None) => Some(None),
        Some(Some(id)) => Some(Some(company_link(&client, ws, id, "company_id").await?)),
    };
    Ok((contact, company))
}
