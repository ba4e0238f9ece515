//! `/api/v1/pipelines` and `/api/v1/stages`: pipelines, their stages and
//! the live board. Owners and managers configure; every member (and
//! tokens with `deals:read`) reads. Everything goes through the workspace
//! actor, which holds pipelines and boards in memory.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use pulse_actors::deals::{Board, Command, DealFilter, NewStage, Pipeline, PipelineChanges, StageChanges, StageKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permissions::{ManagePipelines, ReadDeals};
use crate::auth::Member;
use crate::db::audit::Origin;
use crate::deals::{caller, reader};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{nullable, present, JsonBody};
use crate::openapi as doc;
use crate::routes::deals::deal_reply;
use crate::routes::validate::Checks;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PipelinePath {
    /// The pipeline's id.
    pub id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StagePath {
    /// The stage's id.
    pub id: Uuid,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PipelineListResponse {
    /// In their order; archived ones included (see `archived`).
    pub pipelines: Vec<Pipeline>,
}

/// A stage to create.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// Default win probability of its deals.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub probability: i16,
    /// `#rrggbb`, lowercase.
    #[serde(default = "default_color")]
    #[schema(pattern = "^#[0-9a-f]{6}$")]
    pub color: String,
    #[serde(default = "open")]
    pub kind: StageKind,
    /// Deals staying longer are flagged.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub sla_days: Option<i32>,
    /// Deals entering it start the nurture sequence.
    #[serde(default)]
    pub auto_nurture: bool,
}

fn default_color() -> String {
    "#64748b".into()
}

fn open() -> StageKind {
    StageKind::Open
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePipelineRequest {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// Its stages in order; leave out for the default five (Qualification,
    /// Proposal, Negotiation, Won, Lost). At least one must be open.
    #[serde(default)]
    #[schema(max_items = 30)]
    pub stages: Vec<StageInput>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePipelineRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    /// New place among the pipelines, from 0.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0, maximum = 1000)]
    pub position: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub archived: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStageRequest {
    #[serde(flatten)]
    pub stage: StageInput,
    /// Where to insert it, from 0; the end when left out.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub position: Option<i32>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStageRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0, maximum = 100)]
    pub probability: Option<i16>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, pattern = "^#[0-9a-f]{6}$")]
    pub color: Option<String>,
    /// Refused (409 `stage_not_empty`) while the stage holds deals.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub kind: Option<StageKind>,
    /// `null` removes the SLA.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 3650)]
    pub sla_days: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub auto_nurture: Option<bool>,
    /// New place inside the pipeline, from 0.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0, maximum = 1000)]
    pub position: Option<i32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteStageQuery {
    /// Where the stage's deals go (a stage of the same pipeline and kind);
    /// required when it holds deals.
    pub move_to: Option<Uuid>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    pub owner_id: Option<Uuid>,
    /// Cards carrying this tag (case-insensitive).
    #[param(max_length = 50)]
    pub tag: Option<String>,
    #[param(minimum = 0)]
    pub min_amount: Option<i64>,
    #[param(minimum = 0)]
    pub max_amount: Option<i64>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    pub stale: Option<bool>,
    pub at_risk: Option<bool>,
}

fn check_stage(c: &mut Checks, field: &str, s: &StageInput) {
    c.text(&format!("{field}.name"), &s.name, 100);
    c.check((0..=100).contains(&s.probability), &format!("{field}.probability"), "must be 0 to 100");
    c.check(is_color(&s.color), &format!("{field}.color"), "must be #rrggbb in lowercase hex");
    c.check(s.sla_days.is_none_or(|d| (1..=3650).contains(&d)), &format!("{field}.sla_days"), "must be 1 to 3650");
}

fn is_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn new_stage(s: StageInput) -> NewStage {
    NewStage {
        name: s.name.trim().to_owned(),
        probability: s.probability,
        color: s.color,
        kind: s.kind,
        sla_days: s.sla_days,
        auto_nurture: s.auto_nurture,
    }
}

/// The workspace's pipelines with their stages.
#[utoipa::path(get, path = "/api/v1/pipelines", tag = "pipelines", security(("session" = []), ("bearer" = ["deals:read"])),
    responses((status = 200, body = PipelineListResponse)))]
pub async fn list_pipelines(
    state: web::Data<AppState>,
    member: Member<ReadDeals>,
    _query: web::Query<crate::http::extract::NoParams>,
) -> ApiResult<HttpResponse> {
    let pipelines = state.realtime.pipelines(member.workspace_id).await?;
    Ok(HttpResponse::Ok().json(PipelineListResponse { pipelines }))
}

/// Creates a pipeline (owners and managers).
#[utoipa::path(post, path = "/api/v1/pipelines", tag = "pipelines", security(("session" = [])),
    request_body = CreatePipelineRequest,
    responses((status = 201, body = Pipeline), (status = 409, response = doc::Conflict)))]
pub async fn create_pipeline(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    body: JsonBody<CreatePipelineRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut c = Checks::new();
    c.text("name", &b.name, 100);
    c.check(b.stages.len() <= 30, "stages", "at most 30 stages");
    for (i, s) in b.stages.iter().enumerate() {
        check_stage(&mut c, &format!("stages[{i}]"), s);
    }
    c.finish()?;
    let cmd = Command::CreatePipeline {
        name: b.name.trim().to_owned(),
        stages: b.stages.into_iter().map(new_stage).collect(),
    };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::CREATED, w))
}

/// Renames, reorders, archives or unarchives a pipeline (owners and managers).
#[utoipa::path(patch, path = "/api/v1/pipelines/{id}", tag = "pipelines", security(("session" = [])),
    params(PipelinePath), request_body = UpdatePipelineRequest,
    responses((status = 200, body = Pipeline), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn update_pipeline(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    path: web::Path<PipelinePath>,
    body: JsonBody<UpdatePipelineRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut c = Checks::new();
    if let Some(n) = &b.name {
        c.text("name", n, 100);
    }
    c.check(b.position.is_none_or(|p| (0..=1000).contains(&p)), "position", "must be 0 to 1000");
    c.finish()?;
    let changes =
        PipelineChanges { name: b.name.map(|n| n.trim().to_owned()), position: b.position, archived: b.archived };
    let cmd = Command::UpdatePipeline { id: path.id, changes };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}

/// The pipeline's board from memory: stages with totals and cards in
/// order, and the `seq`/`epoch` it reflects (subscribe to
/// `pipeline:{id}` from there). Filters narrow the cards, not the totals.
#[utoipa::path(get, path = "/api/v1/pipelines/{id}/board", tag = "pipelines", security(("session" = []), ("bearer" = ["deals:read"])),
    params(PipelinePath, BoardQuery), responses((status = 200, body = Board), (status = 404, response = doc::NotFound)))]
pub async fn get_board(
    state: web::Data<AppState>,
    member: Member<ReadDeals>,
    path: web::Path<PipelinePath>,
    query: web::Query<BoardQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    if q.min_amount.is_some_and(|a| a < 0) || q.max_amount.is_some_and(|a| a < 0) {
        return Err(ApiError::BadRequest { code: "bad_query", detail: "amounts are 0 or more".into() });
    }
    if q.tag.as_deref().is_some_and(|s| s.chars().count() > 50) {
        return Err(ApiError::BadRequest { code: "bad_query", detail: "tag is at most 50 characters".into() });
    }
    let filter = DealFilter {
        owner_id: q.owner_id,
        tag: q.tag,
        min_amount: q.min_amount,
        max_amount: q.max_amount,
        close_from: q.close_from,
        close_to: q.close_to,
        stale: q.stale,
        at_risk: q.at_risk,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let board = state.realtime.board(member.workspace_id, path.id, filter, reader(&member)).await?;
    let board = board.ok_or(ApiError::NotFound("pipeline"))?;
    // The time the server spent on it (the benchmark reads it).
    let timing = format!("board;dur={:.3}", started.elapsed().as_secs_f64() * 1e3);
    Ok(HttpResponse::Ok().content_type("application/json").insert_header(("Server-Timing", timing)).body(board))
}

/// Adds a stage to a pipeline (owners and managers).
#[utoipa::path(post, path = "/api/v1/pipelines/{id}/stages", tag = "pipelines", security(("session" = [])),
    params(PipelinePath), request_body = CreateStageRequest,
    responses((status = 201, body = Pipeline), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn create_stage(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    path: web::Path<PipelinePath>,
    body: JsonBody<CreateStageRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut c = Checks::new();
    check_stage(&mut c, "stage", &b.stage);
    c.check(b.position.is_none_or(|p| (0..=1000).contains(&p)), "position", "must be 0 to 1000");
    c.finish()?;
    let cmd = Command::CreateStage { pipeline_id: path.id, stage: new_stage(b.stage), position: b.position };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::CREATED, w))
}

/// Changes a stage: name, probability, colour, kind, SLA, auto-nurture,
/// position (owners and managers). Answers with its pipeline.
#[utoipa::path(patch, path = "/api/v1/stages/{id}", tag = "pipelines", security(("session" = [])),
    params(StagePath), request_body = UpdateStageRequest,
    responses((status = 200, body = Pipeline), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn update_stage(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    path: web::Path<StagePath>,
    body: JsonBody<UpdateStageRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut c = Checks::new();
    if let Some(n) = &b.name {
        c.text("name", n, 100);
    }
    c.check(b.probability.is_none_or(|p| (0..=100).contains(&p)), "probability", "must be 0 to 100");
    c.check(b.color.as_deref().is_none_or(is_color), "color", "must be #rrggbb in lowercase hex");
    c.check(b.sla_days.flatten().is_none_or(|d| (1..=3650).contains(&d)), "sla_days", "must be 1 to 3650");
    c.check(b.position.is_none_or(|p| (0..=1000).contains(&p)), "position", "must be 0 to 1000");
    c.finish()?;
    let changes = StageChanges {
        name: b.name.map(|n| n.trim().to_owned()),
        probability: b.probability,
        color: b.color,
        kind: b.kind,
        sla_days: b.sla_days,
        auto_nurture: b.auto_nurture,
        position: b.position,
    };
    let w = state
        .realtime
        .write(member.workspace_id, caller(&member, &from), Command::UpdateStage { id: path.id, changes })
        .await?;
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}

/// Deletes a stage; its deals move to `move_to` (owners and managers).
/// Answers with its pipeline.
#[utoipa::path(delete, path = "/api/v1/stages/{id}", tag = "pipelines", security(("session" = [])),
    params(StagePath, DeleteStageQuery),
    responses((status = 200, body = Pipeline), (status = 404, response = doc::NotFound), (status = 409, response = doc::Conflict)))]
pub async fn delete_stage(
    state: web::Data<AppState>,
    member: Member<ManagePipelines>,
    from: Origin,
    path: web::Path<StagePath>,
    query: web::Query<DeleteStageQuery>,
) -> ApiResult<HttpResponse> {
    let cmd = Command::DeleteStage { id: path.id, move_to: query.move_to };
    let w = state.realtime.write(member.workspace_id, caller(&member, &from), cmd).await?;
    Ok(deal_reply(actix_web::http::StatusCode::OK, w))
}
