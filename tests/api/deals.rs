//! Pipelines, deals and the live board: rules, concurrency, totals against
//! SQL, permissions and live events.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, spawn_app_on, SignedIn};
use crate::ws::{connect, WsAuth};

/// The default pipeline's id and its stages' ids by name.
async fn default_pipeline(who: &SignedIn) -> (String, std::collections::HashMap<String, String>) {
    let res = who.browser.get("/api/v1/pipelines").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let p = &body["pipelines"][0];
    let stages = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["id"].as_str().unwrap().to_owned()))
        .collect();
    (p["id"].as_str().unwrap().to_owned(), stages)
}

async fn create_deal(who: &SignedIn, body: Value) -> Value {
    let res = who.browser.post("/api/v1/deals", &body).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn board(who: &SignedIn, pipeline: &str) -> Value {
    let res = who.browser.get(&format!("/api/v1/pipelines/{pipeline}/board")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn column<'a>(board: &'a Value, stage: &str) -> &'a Value {
    board["columns"].as_array().unwrap().iter().find(|c| c["stage"]["id"] == stage).unwrap()
}

fn card_ids(board: &Value, stage: &str) -> Vec<String> {
    column(board, stage)["cards"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn a_new_workspace_has_the_default_pipeline_with_five_stages() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (_, stages) = default_pipeline(&ann).await;
    for name in ["Qualification", "Proposal", "Negotiation", "Won", "Lost"] {
        assert!(stages.contains_key(name), "{name}");
    }
    let res = ann.browser.get("/api/v1/pipelines").await;
    let body: Value = res.json().await.unwrap();
    let kinds: Vec<&str> =
        body["pipelines"][0]["stages"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["open", "open", "open", "won", "lost"]);
}

#[actix_web::test]
async fn a_deal_appears_on_the_board_with_weighted_totals() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let d = create_deal(&ann, json!({"title": "Big one", "amount": 100_000, "stage_id": stages["Proposal"]})).await;
    assert_eq!(d["probability"], 40);
    assert_eq!(d["weighted"], 40_000);
    assert_eq!(d["currency"], "USD");
    assert_eq!(d["owner_id"], ann.user_id.to_string());
    let b = board(&ann, &pipeline).await;
    assert_eq!(card_ids(&b, &stages["Proposal"]), [d["id"].as_str().unwrap()]);
    assert_eq!(
        column(&b, &stages["Proposal"])["totals"]["by_currency"]["USD"],
        json!({"count": 1, "amount": 100_000, "weighted": 40_000})
    );
    assert_eq!(b["totals"]["by_currency"]["USD"]["weighted"], 40_000);
    assert!(b["seq"].as_i64().unwrap() > 0);
}

#[actix_web::test]
async fn moving_a_deal_to_lost_without_a_reason_is_rejected() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (_, stages) = default_pipeline(&ann).await;
    let d = create_deal(&ann, json!({"title": "Doomed", "amount": 500})).await;
    let id = d["id"].as_str().unwrap();
    let res = ann.browser.put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stages["Lost"]})).await;
    let p = assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert_eq!(p["errors"][0]["field"], "lost_reason", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("'Lost' requires lost_reason"), "{p}");
    let res = ann
        .browser
        .put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stages["Lost"], "lost_reason": "Budget cut"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["lost_reason"], "Budget cut");
    assert!(v["lost_at"].is_string());
    assert_eq!(v["probability"], 0);
}

#[actix_web::test]
async fn winning_sets_the_close_time_and_only_managers_reopen() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let (_, stages) = default_pipeline(&ann).await;
    let d = create_deal(&rep, json!({"title": "Mine", "amount": 1000})).await;
    let id = d["id"].as_str().unwrap();
    let res = rep.browser.put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stages["Won"]})).await;
    let v: Value = res.json().await.unwrap();
    assert!(v["won_at"].is_string(), "{v}");
    assert_eq!(v["weighted"], 1000);
    // The rep may not reopen it; a manager may.
    let res = rep.browser.put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stages["Proposal"]})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = ann.browser.put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stages["Proposal"]})).await;
    let v: Value = res.json().await.unwrap();
    assert!(v["won_at"].is_null(), "{v}");
    // The history is append-only and complete.
    let res = ann.browser.get(&format!("/api/v1/deals/{id}/history")).await;
    let h: Value = res.json().await.unwrap();
    let to: Vec<&str> = h["moves"].as_array().unwrap().iter().map(|m| m["to_stage_name"].as_str().unwrap()).collect();
    assert_eq!(to, ["Qualification", "Won", "Proposal"]);
    let err = app.db().await.execute("UPDATE deal_stage_history SET at = now()", &[]).await;
    assert!(err.is_err(), "stage history must refuse updates");
}

#[actix_web::test]
async fn a_move_lands_next_to_the_named_neighbour() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let q = &stages["Qualification"];
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(create_deal(&ann, json!({"title": format!("d{i}")})).await["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(card_ids(&board(&ann, &pipeline).await, q), ids);
    // d2 before d0, then d0 after d1.
    let res =
        ann.browser.put(&format!("/api/v1/deals/{}/stage", ids[2]), &json!({"stage_id": q, "before_id": ids[0]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(card_ids(&board(&ann, &pipeline).await, q), [ids[2].clone(), ids[0].clone(), ids[1].clone()]);
    let res =
        ann.browser.put(&format!("/api/v1/deals/{}/stage", ids[0]), &json!({"stage_id": q, "after_id": ids[1]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(card_ids(&board(&ann, &pipeline).await, q), [ids[2].clone(), ids[1].clone(), ids[0].clone()]);
}

#[actix_web::test]
async fn concurrent_drags_into_one_column_all_land_with_distinct_ranks() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "manager").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let target = stages["Negotiation"].clone();
    let anchor =
        create_deal(&ann, json!({"title": "anchor", "stage_id": target})).await["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(create_deal(&ann, json!({"title": format!("d{i}")})).await["id"].as_str().unwrap().to_owned());
    }
    // Everyone drags a card to the same place at the same moment.
    let moves = ids.iter().enumerate().map(|(i, id)| {
        let who = if i % 2 == 0 { &ann } else { &bob };
        let body = json!({"stage_id": target, "after_id": anchor});
        async move { who.browser.put(&format!("/api/v1/deals/{id}/stage"), &body).await.status() }
    });
    for status in futures_util::future::join_all(moves).await {
        assert_eq!(status, StatusCode::OK);
    }
    let b = board(&ann, &pipeline).await;
    let column = card_ids(&b, &target);
    assert_eq!(column.len(), 21, "no move is lost");
    assert_eq!(column[0], anchor);
    let ranks: Vec<String> = self::column(&b, &target)["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rank"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, ranks, "ranks are distinct and in order");
    // The database agrees with memory.
    let rows = app
        .db()
        .await
        .query("SELECT id::text FROM deals WHERE stage_id = $1::text::uuid ORDER BY rank COLLATE \"C\"", &[&target])
        .await
        .unwrap();
    let db_order: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(db_order, column);
    // Bob's view is the same.
    assert_eq!(card_ids(&board(&bob, &pipeline).await, &target), column);
}

#[actix_web::test]
async fn two_users_moving_the_same_deal_at_once_are_both_applied_in_order() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "manager").await;
    let (_, stages) = default_pipeline(&ann).await;
    let d = create_deal(&ann, json!({"title": "contested"})).await;
    let id = d["id"].as_str().unwrap();
    let path = format!("/api/v1/deals/{id}/stage");
    let (to_a, to_b) = (json!({"stage_id": stages["Proposal"]}), json!({"stage_id": stages["Negotiation"]}));
    let a = ann.browser.put(&path, &to_a);
    let b = bob.browser.put(&path, &to_b);
    let (ra, rb) = futures_util::join!(a, b);
    let (va, vb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
    // Versions 2 and 3 in some order; the later one is the final state.
    let mut versions = [va["version"].as_i64().unwrap(), vb["version"].as_i64().unwrap()];
    versions.sort();
    assert_eq!(versions, [2, 3]);
    let last = if va["version"] == 3 { &va } else { &vb };
    let now: Value = ann.browser.get(&format!("/api/v1/deals/{id}")).await.json().await.unwrap();
    assert_eq!(now["stage_id"], last["stage_id"]);
    assert_eq!(now["version"], 3);
    assert_eq!(app.count(&format!("SELECT count(*) FROM deal_stage_history WHERE deal_id = '{id}'")).await, 3);
}

#[actix_web::test]
async fn products_set_the_amount_and_sql_agrees() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let d = create_deal(&ann, json!({"title": "With products", "amount": 5})).await;
    let id = d["id"].as_str().unwrap();
    let res = ann
        .browser
        .post(
            &format!("/api/v1/deals/{id}/products"),
            &json!({"name": "Seat", "unit_price": 1999, "quantity": 3, "discount_bp": 1250}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    // 1999 x 3 x 0.875 = 5247.375 -> 5247
    assert_eq!(v["amount"], 5247);
    let line = v["line_items"][0]["id"].as_str().unwrap().to_owned();
    let res = ann
        .browser
        .post(&format!("/api/v1/deals/{id}/products"), &json!({"name": "Setup", "unit_price": 10_000}))
        .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["amount"], 15_247);
    let res = ann
        .browser
        .patch(&format!("/api/v1/deals/{id}/products/{line}"), &json!({"quantity": 1, "discount_bp": 0}))
        .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["amount"], 11_999);
    // The amount cannot be set by hand any more.
    let res = ann.browser.patch(&format!("/api/v1/deals/{id}"), &json!({"amount": 1})).await;
    assert_problem(res, StatusCode::CONFLICT, "amount_from_products").await;
    let stored = app.count(&format!("SELECT amount FROM deals WHERE id = '{id}'")).await;
    let sum = app
        .count(&format!(
            "SELECT sum(round(unit_price::numeric * quantity * (10000 - discount_bp) / 10000))::bigint FROM deal_products WHERE deal_id = '{id}'"
        ))
        .await;
    assert_eq!(stored, 11_999);
    assert_eq!(sum, stored);
    let res = ann.browser.delete(&format!("/api/v1/deals/{id}/products/{line}")).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["amount"], 10_000);
}

#[actix_web::test]
async fn viewers_read_but_cannot_write_and_reps_see_only_their_deals() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let viewer = app.member_of(&ann, "viewer@example.com", "viewer").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let owners = create_deal(&ann, json!({"title": "Ann's"})).await;
    let reps = create_deal(&rep, json!({"title": "Rep's"})).await;
    let oid = owners["id"].as_str().unwrap();
    // Viewer: reads everything, writes nothing.
    assert_eq!(viewer.browser.get(&format!("/api/v1/deals/{oid}")).await.status(), StatusCode::OK);
    let res = viewer.browser.put(&format!("/api/v1/deals/{oid}/stage"), &json!({"stage_id": stages["Proposal"]})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = viewer.browser.post("/api/v1/deals", &json!({"title": "nope"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Rep: their own deal only; Ann's is as if it did not exist.
    let res = rep.browser.get(&format!("/api/v1/deals/{oid}")).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = rep.browser.put(&format!("/api/v1/deals/{oid}/stage"), &json!({"stage_id": stages["Proposal"]})).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let b = board(&rep, &pipeline).await;
    assert_eq!(card_ids(&b, &stages["Qualification"]), [reps["id"].as_str().unwrap()]);
    // Team totals still count both.
    assert_eq!(column(&b, &stages["Qualification"])["totals"]["count"], 2);
    // Shared with the rep: now visible and movable.
    let res = ann.browser.patch(&format!("/api/v1/deals/{oid}"), &json!({"shared_with": [rep.user_id]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = rep.browser.put(&format!("/api/v1/deals/{oid}/stage"), &json!({"stage_id": stages["Proposal"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A rep cannot give a deal away.
    let rid = reps["id"].as_str().unwrap();
    let res = rep.browser.patch(&format!("/api/v1/deals/{rid}"), &json!({"owner_id": ann.user_id})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn board_totals_equal_a_fresh_sql_aggregate_after_random_operations() {
    use rand::{Rng, SeedableRng};
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let stage_ids: Vec<String> = stages.values().cloned().collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut ids: Vec<String> = Vec::new();
    for step in 0..120 {
        let op = if ids.is_empty() { 0 } else { rng.gen_range(0..6) };
        let res = match op {
            0 | 1 => {
                let body = json!({"title": format!("deal {step}"), "amount": rng.gen_range(0..1_000_000), "currency": if rng.gen_bool(0.2) { "EUR" } else { "USD" }});
                let v = create_deal(&ann, body).await;
                ids.push(v["id"].as_str().unwrap().to_owned());
                continue;
            }
            2 => {
                let id = &ids[rng.gen_range(0..ids.len())];
                let stage = &stage_ids[rng.gen_range(0..stage_ids.len())];
                ann.browser.put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stage, "lost_reason": if *stage == stages["Lost"] { json!("gone") } else { Value::Null }})).await
            }
            3 => {
                let id = &ids[rng.gen_range(0..ids.len())];
                ann.browser
                    .patch(
                        &format!("/api/v1/deals/{id}"),
                        &json!({"amount": rng.gen_range(0..1_000_000), "probability": rng.gen_range(0..=100)}),
                    )
                    .await
            }
            4 => {
                let id = &ids[rng.gen_range(0..ids.len())];
                ann.browser.delete(&format!("/api/v1/deals/{id}")).await
            }
            _ => {
                let id = &ids[rng.gen_range(0..ids.len())];
                ann.browser.post(&format!("/api/v1/deals/{id}/restore"), &json!({})).await
            }
        };
        // Moves and edits of deleted deals are 404; everything else succeeds.
        assert!(res.status().is_success() || res.status() == StatusCode::NOT_FOUND, "{}", res.status());
    }
    let b = board(&ann, &pipeline).await;
    let rows = app
        .db()
        .await
        .query(
            "SELECT d.stage_id::text, d.currency::text, count(*), sum(d.amount)::bigint,
                    sum(round(d.amount::numeric * (CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0
                        ELSE coalesce(d.probability, s.probability) END) / 100))::bigint
             FROM deals d JOIN stages s ON s.id = d.stage_id
             WHERE d.deleted_at IS NULL GROUP BY 1, 2",
            &[],
        )
        .await
        .unwrap();
    let mut seen = 0;
    for r in rows {
        let (stage, currency): (String, String) = (r.get(0), r.get(1));
        let (count, amount, weighted): (i64, i64, i64) = (r.get(2), r.get(3), r.get(4));
        let t = &column(&b, &stage)["totals"]["by_currency"][&currency];
        assert_eq!(t, &json!({"count": count, "amount": amount, "weighted": weighted}), "{stage} {currency}");
        seen += count;
    }
    let on_board: i64 = b["columns"].as_array().unwrap().iter().map(|c| c["totals"]["count"].as_i64().unwrap()).sum();
    assert_eq!(on_board, seen);
    // And a cold start from the database gives the same board.
    let url = app.database_url.clone();
    let again = spawn_app_on(&url, |_| {}).await;
    let mut ann2 = again.browser();
    ann2.login("ann@example.com").await;
    let b2: Value = ann2.get(&format!("/api/v1/pipelines/{pipeline}/board")).await.json().await.unwrap();
    assert_eq!(b2["columns"], b["columns"]);
    assert_eq!(b2["totals"], b["totals"]);
}

#[actix_web::test]
async fn a_move_reaches_a_second_users_socket_with_the_new_totals() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "viewer").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let d = create_deal(&ann, json!({"title": "Live", "amount": 2000})).await;
    let id = d["id"].as_str().unwrap();
    let b = board(&bob, &pipeline).await;
    let mut ws = connect(&app, WsAuth::Cookie(&bob.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    let topic = format!("pipeline:{pipeline}");
    let sub = ws.subscribe(&[&topic], Some(b["seq"].as_i64().unwrap())).await;
    assert_eq!(sub["msg"], "subscribed", "{sub}");
    let res = ann.browser.put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stages["Negotiation"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let seq: i64 = res.headers()["pulse-seq"].to_str().unwrap().parse().unwrap();
    let ev = ws.next_within(Duration::from_secs(5)).await.expect("an event");
    assert_eq!(ev["msg"], "event", "{ev}");
    assert_eq!(ev["type"], "deal.moved");
    assert_eq!(ev["seq"], seq);
    assert_eq!(ev["data"]["deal"]["id"], id);
    assert_eq!(ev["data"]["deal"]["weighted"], 1400);
    assert_eq!(ev["data"]["totals"]["stages"][&stages["Negotiation"]]["by_currency"]["USD"]["weighted"], 1400);
    assert_eq!(ev["data"]["totals"]["stages"][&stages["Qualification"]]["count"], 0);
    assert_eq!(ev["data"]["totals"]["pipeline"]["by_currency"]["USD"]["amount"], 2000);
}

#[actix_web::test]
async fn a_reps_socket_gets_events_of_their_deals_only() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let (pipeline, _) = default_pipeline(&ann).await;
    let mut ws = connect(&app, WsAuth::Cookie(&rep.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    ws.subscribe(&[&format!("pipeline:{pipeline}")], None).await;
    create_deal(&ann, json!({"title": "Not yours"})).await;
    let mine = create_deal(&rep, json!({"title": "Yours"})).await;
    let ev = ws.next_within(Duration::from_secs(5)).await.expect("an event");
    assert_eq!(ev["data"]["deal"]["id"], mine["id"], "{ev}");
    assert!(ws.next_within(Duration::from_millis(300)).await.is_none());
}

#[actix_web::test]
async fn deleting_a_stage_that_holds_deals_needs_a_destination() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let d = create_deal(&ann, json!({"title": "Sitting", "stage_id": stages["Proposal"]})).await;
    let res = ann.browser.delete(&format!("/api/v1/stages/{}", stages["Proposal"])).await;
    let p = assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert_eq!(p["errors"][0]["field"], "move_to");
    let res = ann.browser.delete(&format!("/api/v1/stages/{}?move_to={}", stages["Proposal"], stages["Won"])).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    let res =
        ann.browser.delete(&format!("/api/v1/stages/{}?move_to={}", stages["Proposal"], stages["Negotiation"])).await;
    assert_eq!(res.status(), StatusCode::OK);
    let b = board(&ann, &pipeline).await;
    assert_eq!(b["columns"].as_array().unwrap().len(), 4);
    assert_eq!(card_ids(&b, &stages["Negotiation"]), [d["id"].as_str().unwrap()]);
}

#[actix_web::test]
async fn managers_configure_pipelines_and_reps_cannot() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mgr = app.member_of(&ann, "mgr@example.com", "manager").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let res = rep.browser.post("/api/v1/pipelines", &json!({"name": "Renewals"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = mgr
        .browser
        .post("/api/v1/pipelines", &json!({"name": "Renewals", "stages": [{"name": "Due", "probability": 50}, {"name": "Renewed", "kind": "won", "probability": 100}]}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let p: Value = res.json().await.unwrap();
    let pid = p["id"].as_str().unwrap();
    let res = mgr
        .browser
        .post(
            &format!("/api/v1/pipelines/{pid}/stages"),
            &json!({"name": "Quoted", "probability": 70, "position": 1, "sla_days": 10, "auto_nurture": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let p: Value = res.json().await.unwrap();
    let names: Vec<&str> = p["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Due", "Quoted", "Renewed"]);
    let res =
        mgr.browser.patch(&format!("/api/v1/pipelines/{pid}"), &json!({"position": 0, "name": "Renewals 2027"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = ann.browser.get("/api/v1/pipelines").await.json().await.unwrap();
    assert_eq!(list["pipelines"][0]["name"], "Renewals 2027");
    let audit =
        app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'pipeline.%' OR action LIKE 'stage.%'").await;
    assert_eq!(audit, 3);
}

#[actix_web::test]
async fn tokens_need_deal_scopes() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let res = ann.browser.post("/api/v1/tokens", &json!({"name": "ro", "scopes": ["deals:read"]})).await;
    let ro: Value = res.json().await.unwrap();
    let res = ann.browser.post("/api/v1/tokens", &json!({"name": "rw", "scopes": ["deals:write"]})).await;
    let rw: Value = res.json().await.unwrap();
    let ro = app.bearer(ro["token"].as_str().unwrap());
    let rw = app.bearer(rw["token"].as_str().unwrap());
    let res = ro.post("/api/v1/deals", &json!({"title": "x"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    let res = rw.post("/api/v1/deals", &json!({"title": "From an integration", "amount": 10, "currency": "EUR"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let d: Value = res.json().await.unwrap();
    assert!(d["owner_id"].is_null());
    let list: Value = ro.get("/api/v1/deals?q=integration").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    let unknown = Uuid::new_v4();
    let res = rw.post("/api/v1/deals", &json!({"title": "x", "contact_id": unknown})).await;
    let p = assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert_eq!(p["errors"][0]["field"], "contact_id");
}

#[actix_web::test]
async fn global_search_finds_deals_and_leads_that_the_reader_may_see() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    create_deal(&ann, json!({"title": "Zeppelin fleet renewal"})).await;
    create_deal(&rep, json!({"title": "Zeppelin spare parts"})).await;
    let res =
        rep.browser.post("/api/v1/leads", &json!({"first_name": "Zelda", "company_name": "Zeppelin Works"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let all: Value = ann.browser.get("/api/v1/search?q=zeppel").await.json().await.unwrap();
    let kinds: Vec<&str> = all["results"].as_array().unwrap().iter().map(|h| h["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "deal").count(), 2, "{all}");
    assert_eq!(kinds.iter().filter(|k| **k == "lead").count(), 1, "{all}");
    // The rep finds their own deal only.
    let mine: Value = rep.browser.get("/api/v1/search?q=zeppelin&types=deal").await.json().await.unwrap();
    let titles: Vec<&str> = mine["results"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Zeppelin spare parts"]);
}

#[actix_web::test]
async fn a_contacts_overview_lists_its_deals_and_lifetime_value() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (_, stages) = default_pipeline(&ann).await;
    let res = ann.browser.post("/api/v1/contacts", &json!({"first_name": "Olga", "email": "olga@example.com"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let contact: Value = res.json().await.unwrap();
    let cid = contact["id"].as_str().unwrap();
    let open = create_deal(&ann, json!({"title": "Open one", "amount": 100, "contact_id": cid})).await;
    assert_eq!(open["contact_name"], "Olga");
    let won = create_deal(&ann, json!({"title": "Won one", "amount": 900, "contact_id": cid})).await;
    let res = ann
        .browser
        .put(&format!("/api/v1/deals/{}/stage", won["id"].as_str().unwrap()), &json!({"stage_id": stages["Won"]}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let o: Value = ann.browser.get(&format!("/api/v1/contacts/{cid}/overview")).await.json().await.unwrap();
    assert_eq!(o["deals"]["open"][0]["title"], "Open one", "{o}");
    assert_eq!(o["deals"]["won"][0]["title"], "Won one");
    assert_eq!(o["deals"]["lifetime_value"], json!({"USD": 900}));
    // Renaming the contact renames it on the cards.
    let res = ann.browser.patch(&format!("/api/v1/contacts/{cid}"), &json!({"last_name": "Petrova"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let d: Value =
        ann.browser.get(&format!("/api/v1/deals/{}", open["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(d["contact_name"], "Olga Petrova");
}

/// Two nodes on one database and no bus: node B's memory misses node A's
/// move. B's move is planned against the old version, so the database
/// refuses it inside the pipelined batch (`pulse_expect_rows`): a 409,
/// nothing written, and B reloads, so the next try is applied on top of
/// A's move. Neither update is lost and the seqs stay gap-free.
#[actix_web::test]
async fn a_node_behind_gets_a_conflict_and_reloads_instead_of_losing_an_update() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (pipeline, stages) = default_pipeline(&ann).await;
    let d = create_deal(&ann, json!({"title": "Race", "amount": 1000})).await;
    let id = d["id"].as_str().unwrap();
    let node_b = spawn_app_on(&app.database_url, |_| {}).await;
    let mut ann_b = node_b.browser();
    ann_b.login("ann@example.com").await;
    // Node B loads the workspace now, before node A's move.
    let res = ann_b.get(&format!("/api/v1/pipelines/{pipeline}/board")).await;
    assert_eq!(res.status(), StatusCode::OK);

    let path = format!("/api/v1/deals/{id}/stage");
    let res = ann.browser.put(&path, &json!({"stage_id": stages["Proposal"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = ann_b.put(&path, &json!({"stage_id": stages["Negotiation"]})).await;
    assert_problem(res, StatusCode::CONFLICT, "concurrent_write").await;

    let client = pulse::db::prepare(&app.database_url, 1).await.unwrap().get().await.unwrap();
    let row =
        client.query_one("SELECT stage_id::text, version FROM deals WHERE id = $1::text::uuid", &[&id]).await.unwrap();
    assert_eq!(row.get::<_, String>(0), stages["Proposal"], "the refused move wrote nothing");
    assert_eq!(row.get::<_, i64>(1), 2);

    // Node B reloaded: the same move now applies on top of node A's.
    let res = ann_b.put(&path, &json!({"stage_id": stages["Negotiation"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["stage_id"], stages["Negotiation"]);
    assert_eq!(moved["version"], 3);
    let history: Vec<(Option<String>, String)> = client
        .query(
            "SELECT from_stage_id::text, to_stage_id::text FROM deal_stage_history WHERE deal_id = $1::text::uuid
             ORDER BY at, id",
            &[&id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let moves: Vec<_> = history.iter().filter(|(from, _)| from.is_some()).map(|(_, to)| to.clone()).collect();
    assert_eq!(moves, vec![stages["Proposal"].clone(), stages["Negotiation"].clone()]);
    let gaps: i64 = client
        .query_one(
            "SELECT count(*) FROM (SELECT seq - lag(seq) OVER (ORDER BY seq) AS step FROM events
             WHERE workspace_id = (SELECT workspace_id FROM deals WHERE id = $1::text::uuid)) s WHERE step <> 1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(gaps, 0, "seqs stay gap-free");
}
