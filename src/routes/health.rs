//! `/healthz` (process alive), `/readyz` (database reachable, migrations
//! applied) and `/metrics` (Prometheus text).

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::db;
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    pub database: &'static str,
    pub schema_version: Option<i32>,
    pub expected_schema_version: i32,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The database answers and every migration is applied.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let expected = db::latest_version();
    let version = match state.pool.get().await {
        Ok(client) => db::applied_version(&client).await.ok().flatten(),
        Err(_) => None,
    };
    let ready = version == Some(expected);
    let body = Readiness {
        status: if ready { "ready" } else { "not_ready" },
        database: if version.is_some() { "reachable" } else { "unreachable" },
        schema_version: version,
        expected_schema_version: expected,
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let mut text = state.metrics.render();
    text.push_str("# HELP pulse_db_pool_connections Database pool connections by pool and state.\n# TYPE pulse_db_pool_connections gauge\n");
    let pools = [("requests", state.pool.status()), ("actors", state.realtime.pool_status())];
    for (pool, status) in &pools {
        for (what, n) in [("size", status.size), ("available", status.available), ("max", status.max_size)] {
            text.push_str(&format!("pulse_db_pool_connections{{pool=\"{pool}\",state=\"{what}\"}} {n}\n"));
        }
    }
    text.push_str("# HELP pulse_db_pool_waiting Callers waiting for a database connection, by pool.\n# TYPE pulse_db_pool_waiting gauge\n");
    for (pool, status) in &pools {
        text.push_str(&format!("pulse_db_pool_waiting{{pool=\"{pool}\"}} {}\n", status.waiting));
    }
    text.push_str(
        "# HELP pulse_ws_connections Open WebSocket connections on this node.\n# TYPE pulse_ws_connections gauge\n",
    );
    text.push_str(&format!("pulse_ws_connections {}\n", state.stream_limits.open_connections()));
    if let Ok(n) = state.realtime.running_workspaces().await {
        text.push_str("# HELP pulse_workspace_actors Workspace actors running on this node.\n# TYPE pulse_workspace_actors gauge\n");
        text.push_str(&format!("pulse_workspace_actors {n}\n"));
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text)
}
