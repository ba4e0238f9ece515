//! `GET|PATCH /api/v1/lead-nurture`: which lead statuses nurture. A lead
//! reaching a status whose flag is on gets the template bound to that
//! status (`lead_status` of `/api/v1/email-templates`) and its owner is
//! told (docs/NOTIFICATIONS.md). Every status is off until switched on.

use actix_web::{web, HttpResponse};
use pulse_actors::leads::LeadStatus;
use serde::{Deserialize, Serialize};

use crate::auth::permissions::{ManagePipelines, ReadLeads};
use crate::auth::Member;
use crate::error::ApiResult;
use crate::http::extract::{JsonBody, NoParams};
use crate::notifications::nurture;
use crate::state::AppState;

/// Whether each lead status nurtures.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeadNurtureSettings {
    pub new: bool,
    pub contacted: bool,
    pub qualified: bool,
    pub unqualified: bool,
    pub converted: bool,
}

impl LeadNurtureSettings {
    fn of(flags: &[(LeadStatus, bool)]) -> Self {
        let on = |s: LeadStatus| flags.iter().any(|(x, f)| *x == s && *f);
        Self {
            new: on(LeadStatus::New),
            contacted: on(LeadStatus::Contacted),
            qualified: on(LeadStatus::Qualified),
            unqualified: on(LeadStatus::Unqualified),
            converted: on(LeadStatus::Converted),
        }
    }
}

/// The statuses to switch; absent ones stay as they are. `null` is not a value.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLeadNurtureRequest {
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub new: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub contacted: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub qualified: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub unqualified: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(nullable = false)]
    pub converted: Option<bool>,
}

/// Which lead statuses nurture.
#[utoipa::path(get, path = "/api/v1/lead-nurture", tag = "leads", security(("session" = []), ("bearer" = ["leads:read"])),
    responses((status = 200, body = LeadNurtureSettings)))]
pub async fn get_lead_nurture(
    state: web::Data<AppState>,
    member: Member<ReadLeads>,
    _query: web::Query<NoParams>,
) -> ApiResult<HttpResponse> {
    let flags = nurture::lead_status_flags(&state.db().await?, member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(LeadNurtureSettings::of(&flags)))
}

/// Switches lead statuses' nurture on or off (owners and managers).
#[utoipa::path(patch, path = "/api/v1/lead-nurture", tag = "leads", security(("session" = [])),
    request_body = UpdateLeadNurtureRequest, responses((status = 200, body = LeadNurtureSettings)))]
pub async fn update_lead_nurture(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    body: JsonBody<UpdateLeadNurtureRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let changes: Vec<(LeadStatus, bool)> = [
        (LeadStatus::New, b.new),
        (LeadStatus::Contacted, b.contacted),
        (LeadStatus::Qualified, b.qualified),
        (LeadStatus::Unqualified, b.unqualified),
        (LeadStatus::Converted, b.converted),
    ]
    .into_iter()
    .filter_map(|(s, on)| Some((s, on?)))
    .collect();
    let flags = nurture::set_lead_status_flags(&state, member.workspace_id, &changes).await?;
    Ok(HttpResponse::Ok().json(LeadNurtureSettings::of(&flags)))
}
