//! Leads as the workspace actor holds them and the API returns them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Days without an update after which a lead is stale.
pub const STALE_AFTER_DAYS: i64 = 7;

/// The built-in sources; workspaces add their own (`lead_sources`).
pub const BUILT_IN_SOURCES: &[&str] =
    &["website", "referral", "cold_call", "social", "email", "event", "partner", "paid_ads", "organic_search", "other"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Unqualified,
    Converted,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 5] =
        [LeadStatus::New, LeadStatus::Contacted, LeadStatus::Qualified, LeadStatus::Unqualified, LeadStatus::Converted];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Contacted => "contacted",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Unqualified => "unqualified",
            LeadStatus::Converted => "converted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The status flow: new -> contacted -> qualified -> unqualified, and
    /// back from unqualified to contacted. `converted` is reached only by
    /// conversion and is terminal.
    pub fn may_become(self, to: LeadStatus) -> bool {
        use LeadStatus::*;
        matches!(
            (self, to),
            (New, Contacted)
                | (New, Unqualified)
                | (Contacted, Qualified)
                | (Contacted, Unqualified)
                | (Qualified, Unqualified)
                | (Qualified, Contacted)
                | (Unqualified, Contacted)
        )
    }
}

/// Hot, warm or cold, by score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Hot,
    Warm,
    Cold,
}

impl Band {
    pub fn of(score: i16) -> Band {
        match score {
            70.. => Band::Hot,
            40..=69 => Band::Warm,
            _ => Band::Cold,
        }
    }

    pub fn parse(s: &str) -> Option<Band> {
        [Band::Hot, Band::Warm, Band::Cold].into_iter().find(|b| b.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Hot => "hot",
            Band::Warm => "warm",
            Band::Cold => "cold",
        }
    }
}

/// Engagement counted for scoring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Engagement {
    pub activities: i32,
    pub emails_opened: i32,
    pub emails_clicked: i32,
    pub meetings: i32,
}

/// What a conversion created or linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conversion {
    pub contact_id: Uuid,
    pub company_id: Option<Uuid>,
    pub deal_id: Uuid,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Lead {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub company_size: Option<String>,
    pub job_title: Option<String>,
    /// Minor units of the workspace's currency.
    pub estimated_value: Option<i64>,
    pub source: String,
    pub status: LeadStatus,
    pub score: i16,
    pub owner_id: Option<Uuid>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Value,
    pub external_id: Option<String>,
    pub converted: Option<Conversion>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub engagement: Engagement,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Lead {
    pub fn name(&self) -> String {
        let n = format!("{} {}", self.first_name, self.last_name).trim().to_owned();
        if n.is_empty() {
            self.email.clone().unwrap_or_default()
        } else {
            n
        }
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.next_action_date.is_some_and(|d| d < today)
    }

    /// Overdue next action, or no update in 7 days (open leads only).
    pub fn stale(&self, now: DateTime<Utc>) -> bool {
        matches!(self.status, LeadStatus::New | LeadStatus::Contacted | LeadStatus::Qualified)
            && (self.overdue(now.date_naive()) || now - self.updated_at > chrono::Duration::days(STALE_AFTER_DAYS))
    }
}

/// A lead as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LeadView {
    #[serde(flatten)]
    pub lead: Lead,
    pub name: String,
    pub band: Band,
    pub stale: bool,
    pub overdue: bool,
}

impl LeadView {
    pub fn of(lead: &Lead, now: DateTime<Utc>) -> LeadView {
        LeadView {
            name: lead.name(),
            band: Band::of(lead.score),
            stale: lead.stale(now),
            overdue: lead.overdue(now.date_naive()),
            lead: lead.clone(),
        }
    }
}
