//! Writes to leads, planned on the same [`Staged`] view as deals (a
//! conversion creates a deal in the same batch and transaction).

use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

use super::model::*;
use super::score::{score, Weights};
use super::state::Source;
use crate::deals::command::{Caller, DealError, NewDeal, Outcome, Staged};
use crate::event::{NewEvent, Visibility};

/// A new lead.
#[derive(Clone)]
pub struct NewLead {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub company_size: Option<String>,
    pub job_title: Option<String>,
    pub estimated_value: Option<i64>,
    pub source: String,
    pub owner_id: Option<Uuid>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub custom_fields: serde_json::Value,
    pub external_id: Option<String>,
}

/// Fields to change; `Some(None)` clears a field.
#[derive(Clone, Default)]
pub struct LeadChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub company_name: Option<Option<String>>,
    pub company_size: Option<Option<String>>,
    pub job_title: Option<Option<String>>,
    pub estimated_value: Option<Option<i64>>,
    pub source: Option<String>,
    pub status: Option<LeadStatus>,
    pub owner_id: Option<Option<Uuid>>,
    pub next_action: Option<Option<String>>,
    pub next_action_date: Option<Option<NaiveDate>>,
    pub notes: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub custom_fields: Option<serde_json::Value>,
}

/// A record a conversion links to: one found by duplicate detection, or a
/// new one.
#[derive(Clone, Debug)]
pub enum Link {
    Existing { id: Uuid, name: String },
    New,
}

/// Convert a lead into a contact, a company (when it names one) and a deal.
#[derive(Clone)]
pub struct Convert {
    pub id: Uuid,
    pub pipeline_id: Option<Uuid>,
    pub stage_id: Option<Uuid>,
    pub deal_title: Option<String>,
    /// The workspace's currency, for the deal.
    pub currency: String,
    pub contact: Link,
    /// `None`: the lead names no company.
    pub company: Option<Link>,
}

/// A contact a conversion creates.
#[derive(Debug, Clone)]
pub struct NewContactRow {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub lead_source: String,
    pub owner_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
}

/// A company a conversion creates.
#[derive(Debug, Clone)]
pub struct NewCompanyRow {
    pub id: Uuid,
    pub name: String,
    pub size: Option<String>,
    pub owner_id: Option<Uuid>,
}

/// A score computed in a batch: one immutable history row.
#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub lead_id: Uuid,
    pub score: i16,
    pub factors: serde_json::Value,
    pub reason: String,
}

fn invalid(field: &'static str, detail: impl Into<String>) -> DealError {
    DealError::Invalid { field, detail: detail.into() }
}

impl Staged<'_> {
    pub fn lead(&self, id: Uuid) -> Option<&Lead> {
        self.leads.get(&id).or_else(|| self.lead_base.lead(id))
    }

    fn weights(&self) -> Weights {
        self.weights.unwrap_or_else(|| self.lead_base.weights())
    }

    fn source_usable(&self, slug: &str) -> bool {
        match self.sources.iter().rev().find(|s| s.slug == slug) {
            Some(s) => !s.archived,
            None => self.lead_base.source_usable(slug),
        }
    }

    fn lead_touchable(&self, caller: &Caller, id: Uuid) -> Result<Lead, DealError> {
        let l = self.lead(id).filter(|l| l.deleted_at.is_none()).ok_or(DealError::NotFound("lead"))?;
        if !(caller.edit_any || (caller.user_id.is_some() && l.owner_id == caller.user_id)) {
            return Err(DealError::NotFound("lead"));
        }
        Ok(l.clone())
    }

    /// Re-scores `l`; stages a history row when the score changed (or the
    /// lead is new).
    pub(crate) fn rescore(&mut self, l: &mut Lead, reason: String, always: bool) {
        let s = score(l, &self.weights(), self.now);
        if always || s.score != l.score {
            self.lead_scores.push(ScoreRow { lead_id: l.id, score: s.score, factors: s.factors, reason });
        }
        l.score = s.score;
    }

    pub(crate) fn emit_lead(
        &mut self,
        kind: &str,
        caller: Option<&Caller>,
        old: Option<&Lead>,
        l: &Lead,
        extra: serde_json::Value,
    ) {
        let mut audience: Vec<Uuid> = l.owner_id.into_iter().collect();
        audience.extend(old.and_then(|o| o.owner_id));
        audience.sort();
        audience.dedup();
        let mut data = json!({ "lead": LeadView::of(l, self.now) });
        if let (Some(m), serde_json::Value::Object(x)) = (data.as_object_mut(), extra) {
            m.extend(x);
        }
        self.events.push(NewEvent {
            kind: kind.to_owned(),
            topic: "leads".into(),
            actor: caller.map(|c| c.actor),
            visibility: Visibility::Owned(audience),
            data,
        });
    }

    pub(crate) fn put_lead(&mut self, l: Lead) {
        self.leads.insert(l.id, l);
    }

    pub(crate) fn create_lead(&mut self, caller: &Caller, n: NewLead) -> Result<Outcome, DealError> {
        self.create_lead_with_id(caller, n, Uuid::now_v7())
    }

    pub(crate) fn create_lead_with_id(&mut self, caller: &Caller, n: NewLead, id: Uuid) -> Result<Outcome, DealError> {
        if let Some(ext) = &n.external_id {
            // A replay of an integrator's create: the lead it made.
            let existing =
                self.lead_base.leads.values().chain(self.leads.values()).find(|l| l.external_id.as_ref() == Some(ext));
            if let Some(l) = existing {
                return Ok(Outcome::Lead(Box::new(LeadView::of(l, self.now))));
            }
        }
        if !self.source_usable(&n.source) {
            return Err(invalid("source", format!("no source `{}`; add it under lead sources first", n.source)));
        }
        let owner_id = n.owner_id.or(caller.user_id);
        if !caller.edit_any && owner_id != caller.user_id {
            return Err(DealError::Forbidden("reps create leads they own; ask a manager to assign one".into()));
        }
        let now = self.now;
        let mut l = Lead {
            id,
            first_name: n.first_name,
            last_name: n.last_name,
            email: n.email,
            phone: n.phone,
            company_name: n.company_name,
            company_size: n.company_size,
            job_title: n.job_title,
            estimated_value: n.estimated_value,
            source: n.source,
            status: LeadStatus::New,
            score: 0,
            owner_id,
            next_action: n.next_action,
            next_action_date: n.next_action_date,
            notes: n.notes,
            tags: n.tags,
            custom_fields: n.custom_fields,
            external_id: n.external_id,
            converted: None,
            last_activity_at: None,
            engagement: Engagement::default(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        };
        self.rescore(&mut l, "created".into(), true);
        self.put_lead(l.clone());
        self.emit_lead("lead.created", Some(caller), None, &l, json!({}));
        self.audit_lead(caller, "lead.created", l.id, json!({ "name": l.name(), "source": l.source }));
        Ok(Outcome::Lead(Box::new(LeadView::of(&l, now))))
    }

    fn audit_lead(&mut self, caller: &Caller, action: &'static str, id: Uuid, details: serde_json::Value) {
        self.audits.push(crate::deals::command::AuditRow {
            actor: caller.actor,
            action,
            target_type: "lead",
            target_id: id,
            details,
            origin: caller.origin.clone(),
        });
    }

    pub(crate) fn update_lead(
        &mut self,
        caller: &Caller,
        id: Uuid,
        c: LeadChanges,
        if_version: Option<i64>,
    ) -> Result<Outcome, DealError> {
        let old = self.lead_touchable(caller, id)?;
        if if_version.is_some_and(|v| v != old.version) {
            return Err(DealError::VersionMismatch { current: old.version });
        }
        if old.status == LeadStatus::Converted {
            return Err(DealError::Conflict {
                code: "lead_converted",
                detail: "a converted lead cannot change".into(),
            });
        }
        let mut l = old.clone();
        let mut changed: Vec<&'static str> = Vec::new();
        macro_rules! set {
            ($f:ident) => {
                if let Some(v) = c.$f {
                    if l.$f != v {
                        l.$f = v;
                        changed.push(stringify!($f));
                    }
                }
            };
        }
        if let Some(Some(o)) = c.owner_id {
            if !caller.edit_any && Some(o) != l.owner_id {
                return Err(DealError::Forbidden("only managers and owners reassign leads".into()));
            }
        }
        if matches!(c.owner_id, Some(None)) && !caller.edit_any {
            return Err(DealError::Forbidden("only managers and owners reassign leads".into()));
        }
        if let Some(s) = &c.source {
            if *s != l.source && !self.source_usable(s) {
                return Err(invalid("source", format!("no source `{s}`")));
            }
        }
        set!(first_name);
        set!(last_name);
        set!(email);
        set!(phone);
        set!(company_name);
        set!(company_size);
        set!(job_title);
        set!(estimated_value);
        set!(source);
        set!(owner_id);
        set!(next_action);
        set!(next_action_date);
        set!(notes);
        set!(tags);
        set!(custom_fields);
        if let Some(to) = c.status.filter(|s| *s != l.status) {
            if to == LeadStatus::Converted {
                return Err(invalid("status", "convert a lead with POST /api/v1/leads/{id}/convert"));
            }
            if !l.status.may_become(to) {
                return Err(invalid("status", format!("a {} lead cannot become {}", l.status.as_str(), to.as_str())));
            }
            l.status = to;
            changed.push("status");
        }
        if l.status == LeadStatus::Qualified && l.next_action_date.is_none() {
            return Err(invalid(
                "next_action_date",
                "a qualified lead needs a next action date: no lead moves on without a next step",
            ));
        }
        if l.first_name.is_empty() && l.last_name.is_empty() && l.email.is_none() {
            return Err(invalid("email", "a lead needs a name or an email"));
        }
        if changed.is_empty() {
            return Ok(Outcome::Lead(Box::new(LeadView::of(&old, self.now))));
        }
        l.version += 1;
        l.updated_at = self.now;
        self.rescore(&mut l, format!("updated: {}", changed.join(", ")), false);
        self.put_lead(l.clone());
        self.emit_lead("lead.updated", Some(caller), Some(&old), &l, json!({ "changed": changed }));
        self.audit_lead(caller, "lead.updated", id, json!({ "changed": changed }));
        Ok(Outcome::Lead(Box::new(LeadView::of(&l, self.now))))
    }

    pub(crate) fn record_engagement(&mut self, caller: &Caller, id: Uuid, d: Engagement) -> Result<Outcome, DealError> {
        let old = self.lead_touchable(caller, id)?;
        if old.status == LeadStatus::Converted {
            return Err(DealError::Conflict {
                code: "lead_converted",
                detail: "a converted lead cannot change".into(),
            });
        }
        let mut l = old.clone();
        let add = |a: i32, b: i32| a.saturating_add(b).min(1_000_000);
        l.engagement.activities = add(l.engagement.activities, d.activities);
        l.engagement.emails_opened = add(l.engagement.emails_opened, d.emails_opened);
        l.engagement.emails_clicked = add(l.engagement.emails_clicked, d.emails_clicked);
        l.engagement.meetings = add(l.engagement.meetings, d.meetings);
        if l.engagement == old.engagement {
            return Ok(Outcome::Lead(Box::new(LeadView::of(&old, self.now))));
        }
        l.last_activity_at = Some(self.now);
        l.version += 1;
        let mut what = Vec::new();
        for (n, label) in [
            (d.emails_opened, "email opened"),
            (d.emails_clicked, "email clicked"),
            (d.meetings, "meeting"),
            (d.activities, "activity"),
        ] {
            if n > 0 {
                what.push(if n == 1 { label.to_owned() } else { format!("{label} x{n}") });
            }
        }
        self.rescore(&mut l, format!("engagement: {}", what.join(", ")), false);
        self.put_lead(l.clone());
        self.emit_lead("lead.updated", Some(caller), Some(&old), &l, json!({ "changed": ["engagement"] }));
        self.audit_lead(caller, "lead.engaged", id, json!({ "engagement": d }));
        Ok(Outcome::Lead(Box::new(LeadView::of(&l, self.now))))
    }

    pub(crate) fn delete_lead(&mut self, caller: &Caller, id: Uuid) -> Result<Outcome, DealError> {
        let old = self.lead_touchable(caller, id)?;
        let mut l = old.clone();
        l.deleted_at = Some(self.now);
        l.version += 1;
        l.updated_at = self.now;
        self.put_lead(l.clone());
        self.emit_lead("lead.deleted", Some(caller), Some(&old), &l, json!({}));
        self.audit_lead(caller, "lead.deleted", id, json!({ "name": l.name() }));
        Ok(Outcome::Lead(Box::new(LeadView::of(&l, self.now))))
    }

    pub(crate) fn convert_lead(&mut self, caller: &Caller, c: Convert) -> Result<Outcome, DealError> {
        let old = self.lead_touchable(caller, c.id)?;
        if let Some(conv) = &old.converted {
            // A double click or a retry: the same result, nothing new.
            let _ = conv;
            return Ok(Outcome::Lead(Box::new(LeadView::of(&old, self.now))));
        }
        if old.status == LeadStatus::Unqualified {
            return Err(invalid("status", "an unqualified lead is not converted; move it back to contacted first"));
        }
        let company = match (&c.company, &old.company_name) {
            (Some(Link::Existing { id, name }), _) => Some((*id, name.clone(), false)),
            (Some(Link::New), Some(name)) => Some((Uuid::now_v7(), name.clone(), true)),
            _ => None,
        };
        let (contact_id, contact_name, new_contact) = match &c.contact {
            Link::Existing { id, name } => (*id, name.clone(), false),
            Link::New => (Uuid::now_v7(), old.name(), true),
        };
        let title = c.deal_title.clone().unwrap_or_else(|| match &company {
            Some((_, name, _)) => name.clone(),
            None => old.name(),
        });
        let title: String = title.chars().take(200).collect();
        let deal = NewDeal {
            title: if title.trim().is_empty() { "Converted lead".into() } else { title },
            amount: old.estimated_value.unwrap_or(0),
            currency: c.currency.clone(),
            pipeline_id: c.pipeline_id,
            stage_id: c.stage_id,
            probability: None,
            expected_close_date: None,
            next_action: old.next_action.clone(),
            next_action_date: old.next_action_date,
            owner_id: old.owner_id,
            contact: Some((contact_id, contact_name)),
            company: company.as_ref().map(|(id, name, _)| (*id, name.clone())),
            tags: old.tags.clone(),
            shared_with: Vec::new(),
            custom_fields: json!({}),
        };
        // The deal's owner is the lead's: plan it as someone who may assign.
        let as_owner = Caller { edit_any: true, ..caller.clone() };
        let Outcome::Deal(deal) = self.create_deal_for(&as_owner, deal)? else {
            return Err(DealError::Unavailable("conversion did not create a deal".into()));
        };
        if let Some((id, name, true)) = &company {
            self.new_companies.push(NewCompanyRow {
                id: *id,
                name: name.clone(),
                size: old.company_size.clone(),
                owner_id: old.owner_id,
            });
            self.events.push(NewEvent {
                kind: "company.created".into(),
                topic: "contacts".into(),
                actor: Some(caller.actor),
                visibility: Visibility::All,
                data: json!({ "id": id, "name": name, "size": old.company_size, "owner_id": old.owner_id,
                              "created_from_lead": old.id }),
            });
        }
        if new_contact {
            let row = NewContactRow {
                id: contact_id,
                first_name: old.first_name.clone(),
                last_name: old.last_name.clone(),
                email: old.email.clone(),
                phone: old.phone.clone(),
                job_title: old.job_title.clone(),
                lead_source: old.source.clone(),
                owner_id: old.owner_id,
                company_id: company.as_ref().map(|c| c.0),
            };
            self.events.push(NewEvent {
                kind: "contact.created".into(),
                topic: "contacts".into(),
                actor: Some(caller.actor),
                visibility: Visibility::All,
                data: json!({ "id": row.id, "first_name": row.first_name, "last_name": row.last_name,
                              "name": old.name(), "email": row.email, "phone": row.phone,
                              "company_id": row.company_id, "job_title": row.job_title,
                              "lead_source": row.lead_source, "owner_id": row.owner_id,
                              "created_from_lead": old.id }),
            });
            self.new_contacts.push(row);
        }
        let mut l = old.clone();
        l.status = LeadStatus::Converted;
        l.converted = Some(Conversion {
            contact_id,
            company_id: company.as_ref().map(|c| c.0),
            deal_id: deal.deal.id,
            at: self.now,
        });
        l.version += 1;
        l.updated_at = self.now;
        self.put_lead(l.clone());
        self.emit_lead("lead.converted", Some(caller), Some(&old), &l, json!({ "deal": deal }));
        self.audit_lead(
            caller,
            "lead.converted",
            l.id,
            json!({ "contact_id": contact_id, "company_id": company.as_ref().map(|c| c.0), "deal_id": deal.deal.id,
                    "new_contact": new_contact, "new_company": company.as_ref().is_some_and(|c| c.2) }),
        );
        Ok(Outcome::Lead(Box::new(LeadView::of(&l, self.now))))
    }

    pub(crate) fn add_source(&mut self, caller: &Caller, slug: String, label: String) -> Result<Outcome, DealError> {
        let exists =
            self.sources.iter().any(|s| s.slug == slug) || self.lead_base.sources().iter().any(|s| s.slug == slug);
        if exists {
            return Err(DealError::Conflict { code: "duplicate_source", detail: format!("a source `{slug}` exists") });
        }
        if self.lead_base.sources().len() + self.sources.len() >= 110 {
            return Err(DealError::Conflict { code: "too_many_sources", detail: "at most 100 custom sources".into() });
        }
        let s = Source { slug, label, archived: false, built_in: false };
        self.sources.push(s.clone());
        self.emit_source(caller, &s);
        Ok(Outcome::Source(Box::new(s)))
    }

    pub(crate) fn update_source(
        &mut self,
        caller: &Caller,
        slug: String,
        label: Option<String>,
        archived: Option<bool>,
    ) -> Result<Outcome, DealError> {
        let current = self
            .sources
            .iter()
            .rev()
            .find(|s| s.slug == slug)
            .or_else(|| self.lead_base.sources().iter().find(|s| s.slug == slug))
            .cloned()
            .ok_or(DealError::NotFound("source"))?;
        if current.built_in {
            return Err(DealError::Conflict {
                code: "built_in_source",
                detail: "built-in sources cannot change".into(),
            });
        }
        let mut s = current.clone();
        if let Some(l) = label {
            s.label = l;
        }
        if let Some(a) = archived {
            s.archived = a;
        }
        if s == current {
            return Ok(Outcome::Source(Box::new(s)));
        }
        self.sources.push(s.clone());
        self.emit_source(caller, &s);
        Ok(Outcome::Source(Box::new(s)))
    }

    fn emit_source(&mut self, caller: &Caller, s: &Source) {
        self.events.push(NewEvent {
            kind: "lead.source_changed".into(),
            topic: "leads".into(),
            actor: Some(caller.actor),
            visibility: Visibility::All,
            data: json!({ "source": s }),
        });
        self.audit_lead_like(caller, "lead_source.changed", json!({ "source": s }));
    }

    fn audit_lead_like(&mut self, caller: &Caller, action: &'static str, details: serde_json::Value) {
        self.audits.push(crate::deals::command::AuditRow {
            actor: caller.actor,
            action,
            target_type: "workspace",
            target_id: Uuid::nil(),
            details,
            origin: caller.origin.clone(),
        });
    }

    pub(crate) fn set_weights(&mut self, caller: &Caller, w: Weights) -> Result<Outcome, DealError> {
        w.check().map_err(|e| invalid("weights", e))?;
        self.weights = Some(w);
        self.events.push(NewEvent {
            kind: "lead.scoring_changed".into(),
            topic: "leads".into(),
            actor: Some(caller.actor),
            visibility: Visibility::All,
            data: json!({ "weights": w }),
        });
        self.audit_lead_like(caller, "lead_scoring.changed", json!({ "weights": w }));
        // Every open lead is scored again with the new weights.
        self.rescore_all(Some(caller), "weights changed");
        Ok(Outcome::Weights(w))
    }

    /// Scores every open lead again (the daily job: decay; or new weights).
    pub(crate) fn rescore_all(&mut self, caller: Option<&Caller>, reason: &str) -> usize {
        let ids: Vec<Uuid> = self
            .lead_base
            .leads
            .values()
            .chain(self.leads.values())
            .filter(|l| l.deleted_at.is_none() && l.status != LeadStatus::Converted)
            .map(|l| l.id)
            .collect();
        let mut changed = 0;
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                continue;
            }
            let Some(old) = self.lead(id).cloned() else { continue };
            let mut l = old.clone();
            self.rescore(&mut l, reason.to_owned(), false);
            if l.score != old.score {
                l.version += 1;
                self.put_lead(l.clone());
                self.emit_lead("lead.scored", caller, Some(&old), &l, json!({ "previous_score": old.score }));
                changed += 1;
            }
        }
        changed
    }
}
