//! Rule-based lead scoring, 0 to 100. Each factor earns up to its weight;
//! the sum, less the decay for inactivity, is the score. Weights are per
//! workspace (`lead_scoring`), with these defaults (docs/LEADS.md):
//!
//! | factor | default weight | full marks for |
//! |---|---|---|
//! | source | 20 | referral (partner 0.9, event 0.75, website and organic search 0.6, email 0.5, social and paid ads 0.4, cold call and other 0.25; custom sources 0.4) |
//! | company_size | 20 | 1001+ employees (501-1000 0.9, 201-500 0.75, 51-200 0.6, 11-50 0.4, 1-10 0.2) |
//! | value | 20 | an estimated value of 100,000 or more major units (10,000+ 0.75, 1,000+ 0.5, more than 0 0.25) |
//! | title | 15 | C-level, founder, owner, president (VP 0.8, director or head 0.65, manager or lead 0.35) |
//! | completeness | 10 | email, phone, company, job title and company size all present (0.2 each) |
//! | engagement | 15 | 2 points per activity, 1 per email opened, 2 per click, 3 per meeting, capped at the weight |
//!
//! Decay: `decay_per_day` (3) points per day after `decay_grace_days` (3)
//! days without activity (the last activity, or the creation).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::model::Lead;

/// A workspace's scoring weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    #[schema(minimum = 0, maximum = 100)]
    pub source: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub company_size: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub value: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub title: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub completeness: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub engagement: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub decay_per_day: f64,
    #[schema(minimum = 0, maximum = 100)]
    pub decay_grace_days: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            source: 20.0,
            company_size: 20.0,
            value: 20.0,
            title: 15.0,
            completeness: 10.0,
            engagement: 15.0,
            decay_per_day: 3.0,
            decay_grace_days: 3.0,
        }
    }
}

impl Weights {
    /// Every weight 0 to 100 and the factor weights summing to at most 100.
    pub fn check(&self) -> Result<(), String> {
        let factors = [self.source, self.company_size, self.value, self.title, self.completeness, self.engagement];
        let decay = [self.decay_per_day, self.decay_grace_days];
        if factors.iter().chain(decay.iter()).any(|w| !w.is_finite() || *w < 0.0 || *w > 100.0) {
            return Err("every weight is a number from 0 to 100".into());
        }
        if factors.iter().sum::<f64>() > 100.0 {
            return Err("the factor weights add up to at most 100".into());
        }
        Ok(())
    }
}

fn source_quality(source: &str) -> f64 {
    match source {
        "referral" => 1.0,
        "partner" => 0.9,
        "event" => 0.75,
        "website" | "organic_search" => 0.6,
        "email" => 0.5,
        "social" | "paid_ads" => 0.4,
        "cold_call" | "other" => 0.25,
        _ => 0.4,
    }
}

fn size_quality(size: Option<&str>) -> f64 {
    match size {
        Some("1001-5000") | Some("5000+") => 1.0,
        Some("501-1000") => 0.9,
        Some("201-500") => 0.75,
        Some("51-200") => 0.6,
        Some("11-50") => 0.4,
        Some("1-10") => 0.2,
        _ => 0.0,
    }
}

fn value_quality(minor: Option<i64>) -> f64 {
    match minor.unwrap_or(0) {
        v if v >= 10_000_000 => 1.0,
        v if v >= 1_000_000 => 0.75,
        v if v >= 100_000 => 0.5,
        v if v > 0 => 0.25,
        _ => 0.0,
    }
}

/// How senior a job title reads: the word list, whole words, any case.
pub fn title_quality(title: Option<&str>) -> f64 {
    let Some(t) = title else { return 0.0 };
    let words: Vec<String> =
        t.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    let c_level = [
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cmo",
        "cio",
        "ciso",
        "cro",
        "cpo",
        "chief",
        "founder",
        "cofounder",
        "owner",
        "president",
    ];
    if c_level.iter().any(|w| has(w)) && !has("vice") {
        1.0
    } else if has("vp") || (has("vice") && has("president")) || has("svp") || has("evp") {
        0.8
    } else if has("director") || has("head") {
        0.65
    } else if has("manager") || has("lead") {
        0.35
    } else {
        0.0
    }
}

/// A computed score with its factors (points per factor) and the decay.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: i16,
    pub factors: serde_json::Value,
}

/// Scores `lead` at `now` with `w`.
pub fn score(lead: &Lead, w: &Weights, now: DateTime<Utc>) -> Scored {
    let completeness = [
        lead.email.is_some(),
        lead.phone.is_some(),
        lead.company_name.is_some(),
        lead.job_title.is_some(),
        lead.company_size.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count() as f64
        * 0.2;
    let e = lead.engagement;
    let engagement_points = f64::from(e.activities) * 2.0
        + f64::from(e.emails_opened)
        + f64::from(e.emails_clicked) * 2.0
        + f64::from(e.meetings) * 3.0;
    let points = [
        ("source", source_quality(&lead.source) * w.source),
        ("company_size", size_quality(lead.company_size.as_deref()) * w.company_size),
        ("value", value_quality(lead.estimated_value) * w.value),
        ("title", title_quality(lead.job_title.as_deref()) * w.title),
        ("completeness", completeness * w.completeness),
        ("engagement", engagement_points.min(w.engagement)),
    ];
    let last = lead.last_activity_at.unwrap_or(lead.created_at);
    let idle_days = (now - last).num_days() as f64;
    let decay = ((idle_days - w.decay_grace_days).max(0.0) * w.decay_per_day).max(0.0);
    let sum: f64 = points.iter().map(|(_, p)| p).sum();
    let score = (sum - decay).round().clamp(0.0, 100.0) as i16;
    let mut factors = serde_json::Map::new();
    for (k, p) in points {
        factors.insert(k.to_owned(), json!((p * 10.0).round() / 10.0));
    }
    factors.insert("decay".into(), json!(-((decay * 10.0).round() / 10.0)));
    Scored { score, factors: serde_json::Value::Object(factors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::model::{Engagement, LeadStatus};
    use uuid::Uuid;

    fn lead(now: DateTime<Utc>) -> Lead {
        Lead {
            id: Uuid::nil(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: None,
            phone: None,
            company_name: None,
            company_size: None,
            job_title: None,
            estimated_value: None,
            source: "other".into(),
            status: LeadStatus::New,
            score: 0,
            owner_id: None,
            next_action: None,
            next_action_date: None,
            notes: None,
            tags: vec![],
            custom_fields: json!({}),
            external_id: None,
            converted: None,
            last_activity_at: None,
            engagement: Engagement::default(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        }
    }

    #[test]
    fn titles_read_by_seniority() {
        for (t, q) in [
            ("CEO", 1.0),
            ("Co-Founder", 1.0),
            ("Vice President of Sales", 0.8),
            ("VP Engineering", 0.8),
            ("Head of Growth", 0.65),
            ("Director, IT", 0.65),
            ("Team Lead", 0.35),
            ("Engineer", 0.0),
            ("Chief of Staff", 1.0),
        ] {
            assert_eq!(title_quality(Some(t)), q, "{t}");
        }
    }

    #[test]
    fn a_complete_senior_referral_is_hot_and_a_bare_lead_cold() {
        let now = Utc::now();
        let mut l = lead(now);
        assert!(score(&l, &Weights::default(), now).score < 40);
        l.source = "referral".into();
        l.company_size = Some("1001-5000".into());
        l.estimated_value = Some(20_000_000);
        l.job_title = Some("CTO".into());
        l.email = Some("ada@example.com".into());
        l.phone = Some("+1 555".into());
        l.company_name = Some("Engines".into());
        l.engagement = Engagement { activities: 4, emails_opened: 2, emails_clicked: 1, meetings: 1 };
        let s = score(&l, &Weights::default(), now);
        assert_eq!(s.score, 100, "{:?}", s.factors);
    }

    #[test]
    fn decay_is_three_points_a_day_after_three_days_idle() {
        let now = Utc::now();
        let mut l = lead(now);
        l.source = "referral".into();
        l.company_size = Some("5000+".into());
        let fresh = score(&l, &Weights::default(), now).score;
        l.created_at = now - chrono::Duration::days(3);
        assert_eq!(score(&l, &Weights::default(), now).score, fresh);
        l.created_at = now - chrono::Duration::days(5);
        assert_eq!(score(&l, &Weights::default(), now).score, fresh - 6);
        l.last_activity_at = Some(now);
        assert_eq!(score(&l, &Weights::default(), now).score, fresh);
    }
}
