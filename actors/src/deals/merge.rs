//! Merges, on the actor's side. Contacts and companies live in PostgreSQL
//! and are merged by the server (`crm::cleanup`), but deals and lead
//! conversions that link to them are the actor's state: [`Command::Relink`]
//! points them at the kept record in one batch, so memory, boards and the
//! stream stay right. [`Command::MergeDeals`] merges deals themselves.
//!
//! Both are planned like every other write (on the batch's [`Staged`]
//! view) and need `edit_any` (managers, owners).
//!
//! [`Command::Relink`]: super::Command::Relink
//! [`Command::MergeDeals`]: super::Command::MergeDeals

use std::collections::HashSet;

use serde_json::json;
use uuid::Uuid;

use super::command::{Caller, DealError, Outcome, Staged};
use super::model::Deal;

/// Which link a relink moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `deal.contact_id`, and the contact of a lead's conversion.
    Contact,
    /// `deal.company_id`, and the company of a lead's conversion.
    Company,
}

impl LinkKind {
    fn field(self) -> &'static str {
        match self {
            LinkKind::Contact => "contact_id",
            LinkKind::Company => "company_id",
        }
    }

    fn of(self, d: &Deal) -> Option<Uuid> {
        match self {
            LinkKind::Contact => d.contact_id,
            LinkKind::Company => d.company_id,
        }
    }
}

fn invalid(field: &'static str, detail: impl Into<String>) -> DealError {
    DealError::Invalid { field, detail: detail.into() }
}

fn managers_only() -> DealError {
    DealError::Forbidden("only managers and owners merge records".into())
}

impl Staged<'_> {
    /// Every deal id of the staged view, deleted ones included.
    fn all_deal_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self.base().deals.keys().chain(self.deals.keys()).copied().collect();
        ids.sort();
        ids.dedup();
        ids
    }

    fn all_lead_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self.lead_base.leads.keys().chain(self.leads.keys()).copied().collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Points the lead conversions chosen by `pick` (given a conversion's
    /// contact, company and deal) at `to`, through `set`; returns how many.
    fn relink_leads(
        &mut self,
        caller: &Caller,
        pick: impl Fn(&crate::leads::Conversion) -> bool,
        set: impl Fn(&mut crate::leads::Conversion),
    ) -> usize {
        let mut n = 0;
        for id in self.all_lead_ids() {
            let Some(old) = self.lead(id).cloned() else { continue };
            if !old.converted.as_ref().is_some_and(&pick) {
                continue;
            }
            let mut l = old.clone();
            if let Some(c) = l.converted.as_mut() {
                set(c);
            }
            l.version += 1;
            l.updated_at = self.now;
            self.put_lead(l.clone());
            self.emit_lead("lead.updated", Some(caller), Some(&old), &l, json!({ "changed": ["converted"] }));
            self.audit(caller, "lead.updated", "lead", id, json!({ "changed": ["converted"], "merge": true }));
            n += 1;
        }
        n
    }

    /// See [`super::Command::Relink`].
    pub(crate) fn relink(
        &mut self,
        caller: &Caller,
        link: LinkKind,
        from: Vec<Uuid>,
        to: (Uuid, String),
    ) -> Result<Outcome, DealError> {
        if !caller.edit_any {
            return Err(managers_only());
        }
        if from.contains(&to.0) {
            return Err(invalid("merge_ids", "a record cannot be merged into itself"));
        }
        let from: HashSet<Uuid> = from.into_iter().collect();
        let mut deals = 0;
        for id in self.all_deal_ids() {
            let Some(old) = self.deal(id).cloned() else { continue };
            let Some(was) = link.of(&old).filter(|x| from.contains(x)) else { continue };
            let mut d = old.clone();
            match link {
                LinkKind::Contact => {
                    d.contact_id = Some(to.0);
                    d.contact_name = Some(to.1.clone());
                }
                LinkKind::Company => {
                    d.company_id = Some(to.0);
                    d.company_name = Some(to.1.clone());
                }
            }
            self.bump(&mut d);
            self.put_deal(d.clone());
            let changed = json!({ "changed": [link.field()], "merged_from": was });
            self.emit_deal("deal.updated", caller, Some(&old), &d, changed.clone());
            self.audit(caller, "deal.updated", "deal", id, changed);
            deals += 1;
        }
        let leads = match link {
            LinkKind::Contact => {
                self.relink_leads(caller, |c| from.contains(&c.contact_id), |c| c.contact_id = to.0)
            }
            LinkKind::Company => self.relink_leads(
                caller,
                |c| c.company_id.is_some_and(|x| from.contains(&x)),
                |c| c.company_id = Some(to.0),
            ),
        };
        Ok(Outcome::Relinked { deals, leads })
    }

    /// See [`super::Command::MergeDeals`]. The kept deal takes the latest
    /// activity time of all (its at-risk flag follows its new activities);
    /// its fields, products and stage stay its own. The merged deals keep
    /// their products and history and can be restored.
    pub(crate) fn merge_deals(&mut self, caller: &Caller, keep: Uuid, merged: Vec<Uuid>) -> Result<Outcome, DealError> {
        if !caller.edit_any {
            return Err(managers_only());
        }
        let mut ids: Vec<Uuid> = Vec::with_capacity(merged.len());
        for id in merged {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.contains(&keep) {
            return Err(invalid("merge_ids", "a deal cannot be merged into itself"));
        }
        if ids.is_empty() {
            return Err(invalid("merge_ids", "name at least one deal to merge"));
        }
        let kept_before = self.live(caller, keep)?;
        let gone: Vec<Deal> = ids.iter().map(|id| self.live(caller, *id)).collect::<Result<_, _>>()?;

        let mut kept = kept_before.clone();
        kept.last_activity_at = gone.iter().filter_map(|d| d.last_activity_at).chain(kept.last_activity_at).max();
        self.bump(&mut kept);
        self.put_deal(kept.clone());
        let set: HashSet<Uuid> = ids.iter().copied().collect();
        let leads = self.relink_leads(caller, |c| set.contains(&c.deal_id), |c| c.deal_id = keep);
        for old in &gone {
            let mut d = old.clone();
            d.deleted_at = Some(self.now);
            self.bump(&mut d);
            self.put_deal(d.clone());
            self.emit_deal("deal.deleted", caller, Some(old), &d, json!({ "merged_into": keep }));
            self.audit(caller, "deal.deleted", "deal", old.id, json!({ "title": old.title, "merged_into": keep }));
        }
        self.emit_deal("deal.merged", caller, Some(&kept_before), &kept, json!({ "merged_ids": ids }));
        let titles: Vec<&str> = gone.iter().map(|d| d.title.as_str()).collect();
        self.audit(caller, "deal.merged", "deal", keep, json!({ "merged_ids": ids, "titles": titles, "leads": leads }));
        Ok(Outcome::Relinked { deals: gone.len(), leads })
    }
}
