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
            LinkKind::Contact => self.relink_leads(caller, |c| from.contains(&c.contact_id), |c| c.contact_id = to.0),
            LinkKind::Company => self.relink_leads(
                caller,
                |c| c.company_id.is_some_and(|x| from.contains(&x)),
                |c| c.company_id = Some(to.0),
            ),
        };
        Ok(Outcome::Relinked { deals, leads })
    }

    /// See [`super::Command::MergeDeals`]. The merged deals' activities
    /// move to the kept deal in the same transaction, and the kept deal
    /// takes the latest activity time of all (its at-risk flag follows);
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
        self.deal_merges.push((keep, ids));
        Ok(Outcome::Relinked { deals: gone.len(), leads })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::LinkKind;
    use crate::deals::command::{default_stages, Caller, Command, NewDeal, Origin, Outcome, Staged};
    use crate::deals::model::{Pipeline, Stage};
    use crate::deals::state::DealState;
    use crate::event::{ActorKind, ActorRef};

    fn caller(edit_any: bool) -> Caller {
        let id = Uuid::now_v7();
        Caller { actor: ActorRef { kind: ActorKind::User, id }, user_id: Some(id), edit_any, origin: Origin::default() }
    }

    fn state() -> DealState {
        let pid = Uuid::now_v7();
        let stages = default_stages()
            .into_iter()
            .enumerate()
            .map(|(i, s)| Stage {
                id: Uuid::now_v7(),
                pipeline_id: pid,
                name: s.name,
                position: i as i32,
                probability: s.probability,
                color: s.color,
                kind: s.kind,
                sla_days: None,
                auto_nurture: false,
                version: 1,
            })
            .collect();
        let now = Utc::now();
        let p = Pipeline {
            id: pid,
            name: "Sales".into(),
            position: 0,
            archived: false,
            stages,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        DealState::from_parts(vec![p], Vec::new())
    }

    fn new_deal(contact: Option<(Uuid, String)>) -> Command {
        Command::CreateDeal(Box::new(NewDeal {
            title: "d".into(),
            amount: 100,
            currency: "USD".into(),
            pipeline_id: None,
            stage_id: None,
            probability: None,
            expected_close_date: None,
            next_action: None,
            next_action_date: None,
            owner_id: None,
            contact,
            company: None,
            tags: Vec::new(),
            shared_with: Vec::new(),
            custom_fields: serde_json::json!({}),
        }))
    }

    #[test]
    fn a_relink_moves_every_deal_of_the_merged_contacts_and_only_managers_may() {
        let base = state();
        let leads = crate::leads::LeadState::default();
        let mut staged = Staged::new(&base, &leads, Utc::now());
        let manager = caller(true);
        let (kept, gone, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut ids = Vec::new();
        for contact in
            [Some((gone, "Gone".to_owned())), Some((gone, "Gone".into())), Some((other, "Other".into())), None]
        {
            match staged.plan(&manager, new_deal(contact)) {
                Ok(Outcome::Deal(d)) => ids.push(d.deal.id),
                other => panic!("create: {other:?}"),
            }
        }
        let relink = Command::Relink { link: LinkKind::Contact, from: vec![gone], to: (kept, "Kept".into()) };
        assert!(staged.plan(&caller(false), relink.clone()).is_err(), "a rep cannot");
        let events = staged.events.len();
        match staged.plan(&manager, relink) {
            Ok(Outcome::Relinked { deals: 2, leads: 0 }) => {}
            other => panic!("relink: {other:?}"),
        }
        assert_eq!(staged.events.len(), events + 2, "one deal.updated per deal moved");
        for id in &ids[..2] {
            let d = staged.deal(*id).cloned().unwrap_or_else(|| panic!("deal {id}"));
            assert_eq!((d.contact_id, d.contact_name.as_deref(), d.version), (Some(kept), Some("Kept"), 2));
        }
        assert_eq!(staged.deal(ids[2]).and_then(|d| d.contact_id), Some(other), "another contact's deal stays");
        let into_itself = Command::Relink { link: LinkKind::Contact, from: vec![kept], to: (kept, "Kept".into()) };
        assert!(staged.plan(&manager, into_itself).is_err());
    }
}
