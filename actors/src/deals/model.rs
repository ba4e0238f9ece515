//! The shapes of pipelines, stages, deals and their line items, as the
//! workspace actor holds them and as the API returns them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Days without an update after which a deal is stale.
pub const STALE_AFTER_DAYS: i64 = 14;
/// Days without an activity after which a deal is at risk.
pub const AT_RISK_AFTER_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [StageKind::Open, StageKind::Won, StageKind::Lost].into_iter().find(|k| k.as_str() == s)
    }
}

/// A column of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stage {
    pub id: Uuid,
    pub pipeline_id: Uuid,
    pub name: String,
    /// Order inside the pipeline, from 0.
    pub position: i32,
    /// Default win probability of its deals, 0-100.
    pub probability: i16,
    /// `#rrggbb`.
    pub color: String,
    pub kind: StageKind,
    /// A deal staying longer than this many days is flagged.
    pub sla_days: Option<i32>,
    /// Deals entering this stage start the nurture sequence.
    pub auto_nurture: bool,
    pub version: i64,
}

/// A pipeline with its stages in order (deleted stages left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub id: Uuid,
    pub name: String,
    pub position: i32,
    pub archived: bool,
    pub stages: Vec<Stage>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Pipeline {
    pub fn stage(&self, id: Uuid) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

/// A line item of a deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LineItem {
    pub id: Uuid,
    pub name: String,
    /// Price of one unit, in minor units of the deal's currency.
    pub unit_price: i64,
    pub quantity: i32,
    /// Discount in hundredths of a percent (1250 = 12.5 %).
    pub discount_bp: i32,
    /// unit_price x quantity x (1 - discount), rounded half up to a minor unit.
    pub total: i64,
    pub position: i32,
    pub created_at: DateTime<Utc>,
}

/// unit_price x quantity x (1 - discount_bp / 10000), rounded half up: the
/// same arithmetic as the SQL check in the writer.
pub fn line_total(unit_price: i64, quantity: i32, discount_bp: i32) -> i64 {
    let n = i128::from(unit_price) * i128::from(quantity) * i128::from(10_000 - discount_bp);
    i64::try_from((n + 5_000) / 10_000).unwrap_or(i64::MAX)
}

/// A deal as the actor holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deal {
    pub id: Uuid,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub title: String,
    /// In minor units of `currency`.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
    /// The probability set on the deal; `None` follows the stage.
    pub probability_override: Option<i16>,
    pub expected_close_date: Option<NaiveDate>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub owner_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub company_id: Option<Uuid>,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    /// Members (besides the owner) who may see and move it.
    pub shared_with: Vec<Uuid>,
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Value,
    pub lost_reason: Option<String>,
    pub won_at: Option<DateTime<Utc>>,
    pub lost_at: Option<DateTime<Utc>>,
    /// Position inside its stage column.
    pub rank: String,
    pub stage_entered_at: DateTime<Utc>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub line_items: Vec<LineItem>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Deal {
    /// Whether `user` may see the deal as a rep: owner or shared with them.
    pub fn involves(&self, user: Uuid) -> bool {
        self.owner_id == Some(user) || self.shared_with.contains(&user)
    }

    /// The users who see this deal besides managers, owners and viewers.
    pub fn audience(&self) -> Vec<Uuid> {
        let mut v: Vec<Uuid> = self.owner_id.into_iter().chain(self.shared_with.iter().copied()).collect();
        v.dedup();
        v
    }

    pub fn stale(&self, now: DateTime<Utc>) -> bool {
        now - self.updated_at > chrono::Duration::days(STALE_AFTER_DAYS)
    }

    pub fn at_risk(&self, now: DateTime<Utc>) -> bool {
        let last = self.last_activity_at.unwrap_or(self.created_at);
        now - last > chrono::Duration::days(AT_RISK_AFTER_DAYS)
    }
}

/// Count, amount and weighted amount of a set of deals in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sum {
    pub count: i64,
    pub amount: i64,
    /// Sum of amount x probability / 100, each rounded half up.
    pub weighted: i64,
}

/// Totals of a column or a pipeline. Amounts are never added across
/// currencies: each currency has its own sum.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Totals {
    pub count: i64,
    pub by_currency: BTreeMap<String, Sum>,
}

impl Totals {
    pub fn add(&mut self, currency: &str, amount: i64, weighted: i64, sign: i64) {
        self.count += sign;
        let e = self.by_currency.entry(currency.to_owned()).or_default();
        e.count += sign;
        e.amount += sign * amount;
        e.weighted += sign * weighted;
        if e.count == 0 {
            self.by_currency.remove(currency);
        }
    }
}

/// amount x probability / 100, rounded half up.
pub fn weighted(amount: i64, probability: i16) -> i64 {
    let n = i128::from(amount) * i128::from(probability);
    i64::try_from((n + 50) / 100).unwrap_or(i64::MAX)
}

/// Flags shown on a card and usable as list filters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DealFlags {
    /// No update in 14 days.
    pub stale: bool,
    /// No activity in 7 days.
    pub at_risk: bool,
    /// Longer in its stage than the stage's SLA.
    pub sla_breached: bool,
}

/// The compact form of a deal on a board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Card {
    pub id: Uuid,
    pub stage_id: Uuid,
    pub title: String,
    pub amount: i64,
    pub currency: String,
    pub probability: i16,
    pub weighted: i64,
    pub owner_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub company_name: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub expected_close_date: Option<NaiveDate>,
    pub tags: Vec<String>,
    pub flags: DealFlags,
    pub rank: String,
    pub version: i64,
}

/// A deal as the API returns it: the stored fields plus what follows
/// from its stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DealView {
    #[serde(flatten)]
    pub deal: Deal,
    /// The probability in effect (the override, or the stage's; 100 when
    /// won, 0 when lost).
    pub probability: i16,
    pub weighted: i64,
    pub stage_kind: StageKind,
    pub flags: DealFlags,
    /// Whether the deal's stage has auto-nurture on (read by the server
    /// after a write; not part of the API).
    #[serde(skip)]
    pub stage_auto_nurture: bool,
}

/// A board column: a stage, its totals and its cards in rank order.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Column {
    pub stage: Stage,
    /// Every live deal in the stage, whoever owns it.
    pub totals: Totals,
    pub cards: Vec<Card>,
}

/// A pipeline's board, from the actor's memory.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Board {
    pub pipeline: Pipeline,
    pub columns: Vec<Column>,
    /// Open stages of the pipeline: the forecast.
    pub totals: Totals,
    /// The stream position this board reflects: subscribe to
    /// `pipeline:{id}` with `since` = this seq (and this epoch).
    pub seq: i64,
    pub epoch: i64,
}
