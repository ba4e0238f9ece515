//! `board`: a pipeline board of many deals served from the workspace
//! actor's memory, against the same board computed with SQL on every
//! request, and the cold start that loads the deals into an actor.
//!
//! Method. An owner signs up through the API; `deals` deals are inserted
//! into the default pipeline with SQL (spread over its five stages, with
//! evenly spread ranks). Then, in this process, against the same database:
//! - **cold start**: the actor's load (one REPEATABLE READ snapshot:
//!   `select_deal_state`, then `DealState::from_parts`), timed `iterations
//!   / 10` times;
//! - **memory**: `DealState::board` + JSON serialisation, `iterations` times;
//! - **SQL**: the cards and the column totals read with SQL (the same
//!   fields, flags and totals) + the same JSON serialisation, `iterations /
//!   10` times;
//! - **server-side**: `GET /api/v1/pipelines/{id}/board` from the running
//!   Pulse, one request at a time, `iterations` times; Pulse reports the
//!   time it spent (actor call, board, encoding) in `Server-Timing`. The
//!   actor keeps the encoded unfiltered board until the next change, so
//!   this is what readers of an unchanged board get. The round trip
//!   (HTTP, with the transfer) is reported too; the first request, which
//!   starts the actor and loads the deals, is timed separately;
//! - **server-side after a change**: a `PATCH` of one deal's title, then
//!   the board read; `Server-Timing` of that read is what the first reader
//!   after each change pays (the actor rebuilds the board, reusing the
//!   encoded cards that did not change);
//! - **rebuilt**: `DealState::board` + plain serde JSON encoding in this
//!   process, a full rebuild without the actor's card cache.
//!
//! Requests per second is 1 / mean time of one computation on one core.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use pulse_actors::deals::{
    rank, weighted, Board, Card, Column, DealFilter, DealFlags, DealState, Reader, Stage, StageKind, Sum, Totals,
};
use serde_json::json;
use uuid::Uuid;

use crate::api::{self, Target};
use crate::stats::percentiles;

type Outcome = Result<(serde_json::Value, String), String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub async fn run(target: &Target, n: usize, iterations: usize, database_url: &str) -> Outcome {
    let owner = api::signup_owner(target).await?;
    let ws: serde_json::Value = owner
        .http
        .get(format!("{}/api/v1/workspace", owner.base))
        .send()
        .await
        .map_err(err)?
        .json()
        .await
        .map_err(err)?;
    let ws: Uuid = ws["id"].as_str().ok_or("no workspace id")?.parse().map_err(err)?;
    let owner_id: Uuid = owner.user_id.parse().map_err(err)?;
    let cfg: tokio_postgres::Config = database_url.parse().map_err(err)?;
    let mgr =
        Manager::from_config(cfg, tokio_postgres::NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    let pool = Pool::builder(mgr).max_size(4).build().map_err(err)?;
    let pipeline = seed(&pool, ws, owner_id, n).await?;

    // The first HTTP request starts the actor, which loads the deals.
    let url = format!("{}/api/v1/pipelines/{pipeline}/board", owner.base);
    let t0 = Instant::now();
    let first = owner.http.get(&url).send().await.map_err(err)?;
    let status = first.status();
    let bytes = first.bytes().await.map_err(err)?.len();
    let first_request = t0.elapsed();
    if !status.is_success() {
        return Err(format!("GET board: HTTP {status}"));
    }

    let mut client = pool.get().await.map_err(err)?;
    let mut cold = Vec::new();
    let mut state = DealState::default();
    for _ in 0..(iterations / 10).max(3) {
        let t = Instant::now();
        let (pipelines, deals) = {
            let tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await
                .map_err(err)?;
            let parts = pulse_actors::deals::store::select_deal_state(&tx, ws).await.map_err(err)?;
            tx.commit().await.map_err(err)?;
            parts
        };
        state = DealState::from_parts(pipelines, deals);
        cold.push(t.elapsed());
    }

    let reader = Reader { user_id: Some(owner_id), sees_all: true };
    let filter = DealFilter::default();
    let mut memory = Vec::new();
    let mut memory_bytes = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        let board = state.board(pipeline, &filter, &reader, Utc::now()).ok_or("no board in memory")?;
        memory_bytes = serde_json::to_vec(&board).map_err(err)?.len();
        memory.push(t.elapsed());
    }

    let mut sql = Vec::new();
    let mut sql_bytes = 0;
    for _ in 0..(iterations / 10).max(3) {
        let t = Instant::now();
        let board = sql_board(&client, ws, pipeline).await?;
        sql_bytes = serde_json::to_vec(&board).map_err(err)?.len();
        sql.push(t.elapsed());
    }

    let mut http = Vec::new();
    let mut server = Vec::new();
    for _ in 0..iterations {
        let t = Instant::now();
        let res = owner.http.get(&url).send().await.map_err(err)?;
        let timing = res.headers().get("server-timing").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let _ = res.bytes().await.map_err(err)?;
        http.push(t.elapsed());
        // `board;dur=<ms>`: the time Pulse spent answering.
        if let Some(ms) = timing.as_deref().and_then(|t| t.split("dur=").nth(1)).and_then(|v| v.parse::<f64>().ok()) {
            server.push(Duration::from_secs_f64(ms / 1e3));
        }
    }

    // After a change: PATCH one deal's title (a real change, so the actor
    // rebuilds the board), then read the board; Server-Timing of that
    // read is the rebuild a reader pays after each change.
    let deal_ids: Vec<Uuid> = client
        .query("SELECT id FROM deals WHERE workspace_id = $1 ORDER BY id LIMIT 64", &[&ws])
        .await
        .map_err(err)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut changed = Vec::new();
    for i in 0..(iterations / 2).max(3) {
        let id = deal_ids.get(i % deal_ids.len().max(1)).ok_or("no deals")?;
        let patch = owner.http.patch(format!("{}/api/v1/deals/{id}", owner.base));
        owner.send(patch, &json!({ "title": format!("Deal {i} (changed)") })).await?;
        let res = owner.http.get(&url).send().await.map_err(err)?;
        let timing = res.headers().get("server-timing").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let _ = res.bytes().await.map_err(err)?;
        if let Some(ms) = timing.as_deref().and_then(|t| t.split("dur=").nth(1)).and_then(|v| v.parse::<f64>().ok()) {
            changed.push(Duration::from_secs_f64(ms / 1e3));
        }
    }

    let mean = |v: &[Duration]| v.iter().sum::<Duration>().as_secs_f64() / v.len().max(1) as f64;
    let (mem_rps, sql_rps, server_rps) = (1.0 / mean(&memory), 1.0 / mean(&sql), 1.0 / mean(&server));
    let changed_p = percentiles(changed.clone());
    let (cold_p, mem_p, sql_p, http_p, server_p) = (
        percentiles(cold.clone()),
        percentiles(memory.clone()),
        percentiles(sql.clone()),
        percentiles(http.clone()),
        percentiles(server.clone()),
    );
    let result = json!({
        "bench": "board",
        "deals": n,
        "board_json_bytes": {"memory": memory_bytes, "sql": sql_bytes, "http": bytes},
        "cold_start": cold_p,
        "first_http_request_ms": first_request.as_secs_f64() * 1e3,
        "server": server_p,
        "server_per_sec": server_rps,
        "server_after_change": changed_p,
        "server_after_change_per_sec": 1.0 / mean(&changed),
        "memory_uncached": mem_p,
        "memory_uncached_per_sec": mem_rps,
        "sql": sql_p,
        "http": http_p,
        "sql_per_sec": sql_rps,
        "ratio": server_rps / sql_rps,
        "ratio_uncached": mem_rps / sql_rps,
    });
    let summary = format!(
        "board of {n} deals: cold start p50 {:.1} ms (first HTTP request {:.1} ms); server-side p50 {:.3} ms p99 {:.3} ms \
         ({server_rps:.0}/s); server-side after a change p50 {:.2} ms p99 {:.2} ms ({:.0}/s, {:.1}x SQL); rebuilt in this process p50 {:.2} ms p99 {:.2} ms ({mem_rps:.0}/s); with SQL p50 {:.2} ms \
         p99 {:.2} ms ({sql_rps:.0}/s); ratio {:.1}x ({:.1}x rebuilt); HTTP p50 {:.2} ms p99 {:.2} ms ({bytes} bytes)",
        cold_p.p50_ms,
        first_request.as_secs_f64() * 1e3,
        server_p.p50_ms,
        server_p.p99_ms,
        changed_p.p50_ms,
        changed_p.p99_ms,
        1.0 / mean(&changed),
        (1.0 / mean(&changed)) / sql_rps,
        mem_p.p50_ms,
        mem_p.p99_ms,
        sql_p.p50_ms,
        sql_p.p99_ms,
        server_rps / sql_rps,
        mem_rps / sql_rps,
        http_p.p50_ms,
        http_p.p99_ms,
    );
    Ok((result, summary))
}

/// Inserts `n` deals into the default pipeline, spread over its stages.
async fn seed(pool: &Pool, ws: Uuid, owner: Uuid, n: usize) -> Result<Uuid, String> {
    let c = pool.get().await.map_err(err)?;
    let rows = c
        .query(
            "SELECT s.pipeline_id, s.id, s.kind FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
             WHERE s.workspace_id = $1 ORDER BY p.position, s.position",
            &[&ws],
        )
        .await
        .map_err(err)?;
    let pipeline: Uuid = rows.first().ok_or("no stages")?.get(0);
    let stages: Vec<(Uuid, String)> = rows.iter().map(|r| (r.get(1), r.get(2))).collect();
    let per = n.div_ceil(stages.len());
    let mut data = Vec::with_capacity(n);
    for (si, (stage, kind)) in stages.iter().enumerate() {
        let count = per.min(n.saturating_sub(si * per));
        for (j, r) in rank::spread(count).into_iter().enumerate() {
            let i = si * per + j;
            data.push(json!({
                "id": Uuid::now_v7(), "stage_id": stage, "title": format!("Deal {i} for a customer"),
                "amount": 1000 + (i as i64 * 7919) % 1_000_000,
                "currency": if i.is_multiple_of(10) { "EUR" } else { "USD" },
                "rank": r,
                "lost_reason": if kind == "lost" { Some("price") } else { None },
                "won": kind == "won", "lost": kind == "lost",
                "tags": if i.is_multiple_of(3) { vec!["priority"] } else { vec![] },
            }));
        }
    }
    for chunk in data.chunks(2000) {
        c.execute(
            "INSERT INTO deals (id, workspace_id, pipeline_id, stage_id, title, amount, currency, owner_id, tags,
                lost_reason, won_at, lost_at, rank, stage_entered_at, created_at, updated_at, version)
             SELECT id, $1, $2, stage_id, title, amount, currency, $3, tags, lost_reason,
                CASE WHEN won THEN now() END, CASE WHEN lost THEN now() END, rank, now(), now(), now(), 1
             FROM jsonb_to_recordset($4) AS x(id uuid, stage_id uuid, title text, amount bigint, currency text,
                rank text, lost_reason text, won boolean, lost boolean, tags text[])",
            &[&ws, &pipeline, &owner, &serde_json::Value::Array(chunk.to_vec())],
        )
        .await
        .map_err(err)?;
    }
    Ok(pipeline)
}

/// The baseline: the same board, computed with SQL on every request.
async fn sql_board(c: &deadpool_postgres::Client, ws: Uuid, pipeline: Uuid) -> Result<Board, String> {
    let (pipelines, _) = {
        // Pipeline and stages: a small query either way.
        let rows = c
            .query(
                "SELECT id, name, position, probability, color, kind, sla_days, auto_nurture, version
                 FROM stages WHERE workspace_id = $1 AND pipeline_id = $2 AND deleted_at IS NULL ORDER BY position",
                &[&ws, &pipeline],
            )
            .await
            .map_err(err)?;
        let stages: Vec<Stage> = rows
            .iter()
            .map(|r| Stage {
                id: r.get(0),
                pipeline_id: pipeline,
                name: r.get(1),
                position: r.get(2),
                probability: r.get(3),
                color: r.get(4),
                kind: StageKind::parse(r.get::<_, &str>(5)).unwrap_or(StageKind::Open),
                sla_days: r.get(6),
                auto_nurture: r.get(7),
                version: r.get(8),
            })
            .collect();
        let p = c
            .query_one(
                "SELECT name, position, archived, version, created_at, updated_at FROM pipelines WHERE id = $1",
                &[&pipeline],
            )
            .await
            .map_err(err)?;
        let p = pulse_actors::deals::Pipeline {
            id: pipeline,
            name: p.get(0),
            position: p.get(1),
            archived: p.get(2),
            stages,
            version: p.get(3),
            created_at: p.get(4),
            updated_at: p.get(5),
        };
        (p, ())
    };
    let cards = c
        .query(
            "SELECT d.id, d.stage_id, d.title, d.amount, d.currency::text,
                    CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(d.probability, s.probability) END::smallint,
                    d.owner_id, NULLIF(trim(concat_ws(' ', ct.first_name, ct.last_name)), ''), co.name,
                    d.next_action_date, d.expected_close_date, d.tags,
                    d.updated_at < now() - interval '14 days',
                    coalesce(d.last_activity_at, d.created_at) < now() - interval '7 days',
                    coalesce(d.stage_entered_at < now() - make_interval(days => s.sla_days), false),
                    d.rank, d.version
             FROM deals d JOIN stages s ON s.id = d.stage_id
             LEFT JOIN contacts ct ON ct.id = d.contact_id LEFT JOIN companies co ON co.id = d.company_id
             WHERE d.workspace_id = $1 AND d.pipeline_id = $2 AND d.deleted_at IS NULL
             ORDER BY s.position, d.rank COLLATE \"C\"",
            &[&ws, &pipeline],
        )
        .await
        .map_err(err)?;
    let totals = c
        .query(
            "SELECT d.stage_id, d.currency::text, count(*), sum(d.amount)::bigint,
                    sum(round(d.amount::numeric * (CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0
                        ELSE coalesce(d.probability, s.probability) END) / 100))::bigint, s.kind = 'open'
             FROM deals d JOIN stages s ON s.id = d.stage_id
             WHERE d.workspace_id = $1 AND d.pipeline_id = $2 AND d.deleted_at IS NULL GROUP BY 1, 2, s.kind",
            &[&ws, &pipeline],
        )
        .await
        .map_err(err)?;
    let mut stage_totals: BTreeMap<Uuid, Totals> = BTreeMap::new();
    let mut pipeline_totals = Totals::default();
    for r in &totals {
        let (stage, currency): (Uuid, String) = (r.get(0), r.get(1));
        let sum = Sum { count: r.get(2), amount: r.get(3), weighted: r.get(4) };
        let t = stage_totals.entry(stage).or_default();
        t.count += sum.count;
        t.by_currency.insert(currency.clone(), sum);
        if r.get::<_, bool>(5) {
            pipeline_totals.count += sum.count;
            let e = pipeline_totals.by_currency.entry(currency).or_default();
            e.count += sum.count;
            e.amount += sum.amount;
            e.weighted += sum.weighted;
        }
    }
    let mut by_stage: BTreeMap<Uuid, Vec<Card>> = BTreeMap::new();
    for r in &cards {
        let (amount, probability): (i64, i16) = (r.get(3), r.get(5));
        let stage: Uuid = r.get(1);
        by_stage.entry(stage).or_default().push(Card {
            id: r.get(0),
            stage_id: stage,
            title: r.get(2),
            amount,
            currency: r.get(4),
            probability,
            weighted: weighted(amount, probability),
            owner_id: r.get(6),
            contact_name: r.get(7),
            company_name: r.get(8),
            next_action_date: r.get(9),
            expected_close_date: r.get(10),
            tags: r.get(11),
            flags: DealFlags { stale: r.get(12), at_risk: r.get(13), sla_breached: r.get(14) },
            rank: r.get(15),
            version: r.get(16),
        });
    }
    let columns = pipelines
        .stages
        .iter()
        .map(|s| Column {
            stage: s.clone(),
            totals: stage_totals.remove(&s.id).unwrap_or_default(),
            cards: by_stage.remove(&s.id).unwrap_or_default(),
        })
        .collect();
    Ok(Board { pipeline: pipelines, columns, totals: pipeline_totals, seq: 0, epoch: 0 })
}
