//! Leads: the status flow, scoring with history, conversion (atomic,
//! duplicate-linking, exactly once), intake idempotency, visibility and
//! live events.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, spawn_app_on, SignedIn};
use crate::ws::{connect, WsAuth};

async fn create(who: &SignedIn, body: Value) -> Value {
    let res = who.browser.post("/api/v1/leads", &body).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn patch(who: &SignedIn, id: &str, body: Value) -> reqwest::Response {
    who.browser.patch(&format!("/api/v1/leads/{id}"), &body).await
}

#[actix_web::test]
async fn the_status_flow_is_enforced_and_qualified_needs_a_next_step() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let l = create(&ann, json!({"first_name": "Lin", "email": "lin@example.com"})).await;
    let id = l["id"].as_str().unwrap();
    assert_eq!(l["status"], "new");
    // new -> qualified skips a step.
    let res = patch(&ann, id, json!({"status": "qualified"})).await;
    let p = assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert_eq!(p["errors"][0]["field"], "status");
    assert_eq!(patch(&ann, id, json!({"status": "contacted"})).await.status(), StatusCode::OK);
    // Qualified without a next action date: refused, nothing changes.
    let res = patch(&ann, id, json!({"status": "qualified"})).await;
    let p = assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert_eq!(p["errors"][0]["field"], "next_action_date", "{p}");
    let res =
        patch(&ann, id, json!({"status": "qualified", "next_action": "Call", "next_action_date": "2030-01-02"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Converted is reached only by conversion.
    let res = patch(&ann, id, json!({"status": "converted"})).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert_eq!(patch(&ann, id, json!({"status": "unqualified"})).await.status(), StatusCode::OK);
    assert_eq!(patch(&ann, id, json!({"status": "contacted"})).await.status(), StatusCode::OK);
    // The database holds the rule too.
    let err = app
        .db()
        .await
        .execute("UPDATE leads SET status = 'qualified', next_action_date = NULL WHERE id = $1::text::uuid", &[&id])
        .await;
    assert!(err.is_err());
}

#[actix_web::test]
async fn scores_follow_the_factors_and_every_score_is_kept() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let cold = create(&ann, json!({"first_name": "Cole", "source": "other"})).await;
    assert_eq!(cold["band"], "cold");
    let hot = create(
        &ann,
        json!({"first_name": "Hana", "email": "hana@big.example", "phone": "+1 555 0100", "company_name": "Big Co",
               "company_size": "5000+", "job_title": "Chief Technology Officer", "estimated_value": 50_000_000,
               "source": "referral"}),
    )
    .await;
    assert!(hot["score"].as_i64().unwrap() >= 70, "{hot}");
    assert_eq!(hot["band"], "hot");
    let id = cold["id"].as_str().unwrap();
    let res = patch(&ann, id, json!({"job_title": "VP Sales", "company_size": "1001-5000", "source": "partner"})).await;
    let v: Value = res.json().await.unwrap();
    assert!(v["score"].as_i64() > cold["score"].as_i64(), "{v}");
    let h: Value = ann.browser.get(&format!("/api/v1/leads/{id}/scores")).await.json().await.unwrap();
    let scores = h["scores"].as_array().unwrap();
    assert_eq!(scores.len(), 2, "{h}");
    assert_eq!(scores[1]["reason"], "created");
    assert!(scores[0]["reason"].as_str().unwrap().starts_with("updated:"));
    assert!(scores[0]["factors"]["title"].as_f64().unwrap() > 0.0);
    // The history is immutable.
    assert!(app.db().await.execute("UPDATE lead_scores SET score = 1", &[]).await.is_err());
}

#[actix_web::test]
async fn decay_applies_after_three_idle_days_when_leads_are_scored_again() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let l = create(&ann, json!({"first_name": "Dee", "source": "referral", "company_size": "5000+"})).await;
    let id = l["id"].as_str().unwrap().to_owned();
    let before = l["score"].as_i64().unwrap();
    app.db()
        .await
        .execute("UPDATE leads SET created_at = now() - interval '5 days' WHERE id = $1::text::uuid", &[&id])
        .await
        .unwrap();
    // A fresh process loads the lead; new weights score every lead again.
    let again = spawn_app_on(&app.database_url, |_| {}).await;
    let mut b = again.browser();
    b.login("ann@example.com").await;
    let w: Value = b.get("/api/v1/lead-scoring").await.json().await.unwrap();
    let res = b.request(reqwest::Method::PUT, "/api/v1/lead-scoring").json(&w).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let now: Value = b.get(&format!("/api/v1/leads/{id}")).await.json().await.unwrap();
    assert_eq!(now["score"].as_i64().unwrap(), before - 6, "two days past the grace period, 3 points each");
}

#[actix_web::test]
async fn conversion_creates_contact_company_and_deal_in_one_step_exactly_once() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let l = create(
        &ann,
        json!({"first_name": "Cara", "last_name": "Ng", "email": "cara@acme-corp.example", "company_name": "Acme Corp",
               "estimated_value": 250_000}),
    )
    .await;
    let id = l["id"].as_str().unwrap();
    // A double click: two conversions at once.
    let path = format!("/api/v1/leads/{id}/convert");
    let empty = json!({});
    let (a, b) = futures_util::join!(ann.browser.post(&path, &empty), ann.browser.post(&path, &empty));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["status"], "converted", "{a}");
    assert_eq!(a["converted"], b["converted"], "both answers name the same records");
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM companies").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM deals").await, 1);
    let deal_id = a["converted"]["deal_id"].as_str().unwrap();
    let d: Value = ann.browser.get(&format!("/api/v1/deals/{deal_id}")).await.json().await.unwrap();
    assert_eq!(d["amount"], 250_000);
    assert_eq!(d["title"], "Acme Corp");
    assert_eq!(d["contact_name"], "Cara Ng");
    assert_eq!(d["company_name"], "Acme Corp");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'lead.converted'").await, 1);
    // A converted lead is terminal.
    let res = patch(&ann, id, json!({"first_name": "X"})).await;
    assert_problem(res, StatusCode::CONFLICT, "lead_converted").await;
}

#[actix_web::test]
async fn conversion_links_an_existing_contact_and_company_instead_of_duplicating() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let first =
        create(&ann, json!({"first_name": "Dan", "email": "dan@globex.example", "company_name": "Globex"})).await;
    let res = ann.browser.post(&format!("/api/v1/leads/{}/convert", first["id"].as_str().unwrap()), &json!({})).await;
    let one: Value = res.json().await.unwrap();
    // Same person and company again, from another lead.
    let second =
        create(&ann, json!({"first_name": "Daniel", "email": "DAN@globex.example", "company_name": "globex"})).await;
    let res = ann.browser.post(&format!("/api/v1/leads/{}/convert", second["id"].as_str().unwrap()), &json!({})).await;
    let two: Value = res.json().await.unwrap();
    assert_eq!(one["converted"]["contact_id"], two["converted"]["contact_id"]);
    assert_eq!(one["converted"]["company_id"], two["converted"]["company_id"]);
    assert_ne!(one["converted"]["deal_id"], two["converted"]["deal_id"]);
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM companies").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM deals").await, 2);
}

#[actix_web::test]
async fn an_external_id_makes_intake_idempotent() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let res =
        ann.browser.post("/api/v1/tokens", &json!({"name": "forms", "scopes": ["leads:write", "leads:read"]})).await;
    let t: Value = res.json().await.unwrap();
    let bot = app.bearer(t["token"].as_str().unwrap());
    let body = json!({"email": "web@example.com", "source": "website", "external_id": "form-123"});
    let a: Value = bot.post("/api/v1/leads", &body).await.json().await.unwrap();
    let b: Value = bot.post("/api/v1/leads", &body).await.json().await.unwrap();
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.count("SELECT count(*) FROM leads").await, 1);
    let list: Value = bot.get("/api/v1/leads").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    // Unknown sources are refused; a custom one works once added.
    let res = bot.post("/api/v1/leads", &json!({"email": "x@example.com", "source": "podcast"})).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    let res = ann.browser.post("/api/v1/lead-sources", &json!({"slug": "podcast", "label": "Podcast"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = bot.post("/api/v1/leads", &json!({"email": "x@example.com", "source": "podcast"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn reps_see_only_their_leads_and_get_only_their_events() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let mut ws = connect(&app, WsAuth::Cookie(&rep.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    ws.subscribe(&["leads"], None).await;
    let theirs = create(&ann, json!({"first_name": "Not", "last_name": "Yours"})).await;
    let mine = create(&rep, json!({"first_name": "Is", "last_name": "Yours"})).await;
    let ev = ws.next_within(Duration::from_secs(5)).await.expect("an event");
    assert_eq!(ev["type"], "lead.created");
    assert_eq!(ev["data"]["lead"]["id"], mine["id"], "{ev}");
    assert!(ws.next_within(Duration::from_millis(300)).await.is_none());
    let list: Value = rep.browser.get("/api/v1/leads").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    let res = rep.browser.get(&format!("/api/v1/leads/{}", theirs["id"].as_str().unwrap())).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    // Assigning it to the rep shows it to them, live.
    let res = patch(&ann, theirs["id"].as_str().unwrap(), json!({"owner_id": rep.user_id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let ev = ws.next_within(Duration::from_secs(5)).await.expect("the assignment");
    assert_eq!(ev["data"]["lead"]["owner_id"], rep.user_id.to_string());
    let list: Value = rep.browser.get("/api/v1/leads?needs_attention=false").await.json().await.unwrap();
    assert_eq!(list["total"], 2);
}

#[actix_web::test]
async fn the_needs_attention_list_holds_overdue_and_stale_leads() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    create(&ann, json!({"first_name": "Fresh"})).await;
    let late =
        create(&ann, json!({"first_name": "Late", "next_action": "Call", "next_action_date": "2020-01-01"})).await;
    let list: Value = ann.browser.get("/api/v1/leads?needs_attention=true").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["leads"][0]["id"], late["id"]);
    assert_eq!(list["leads"][0]["overdue"], true);
    let list: Value = ann.browser.get("/api/v1/leads?q=fre").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
}

/// The recipient's bell, once it shows at least `n` unread (the bell is
/// updated right after the write's commit, so this polls briefly).
async fn bell(who: &SignedIn, n: i64) -> Value {
    for _ in 0..50 {
        let s: Value = who.browser.get("/api/v1/notifications/summary").await.json().await.unwrap();
        if s["unread"].as_i64().unwrap_or(0) >= n {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{} never had {n} unread notifications", who.email);
}

#[actix_web::test]
async fn assigning_a_lead_or_a_deal_and_a_lead_turning_hot_ring_the_owners_bell() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let l = create(&ann, json!({"first_name": "Hot", "source": "referral", "company_size": "5000+"})).await;
    let id = l["id"].as_str().unwrap();
    let res = patch(&ann, id, json!({"owner_id": rep.user_id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let s = bell(&rep, 1).await;
    assert_eq!(s["latest"][0]["title"], "Lead assigned to you: Hot", "{s}");
    let res = patch(
        &ann,
        id,
        json!({"job_title": "CEO", "estimated_value": 50_000_000, "email": "hot@example.com", "phone": "1",
               "company_name": "Big"}),
    )
    .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["band"], "hot", "{v}");
    let s = bell(&rep, 2).await;
    assert!(s["latest"][0]["title"].as_str().unwrap().contains("is now a hot lead"), "{s}");
    let res = ann.browser.post("/api/v1/deals", &json!({"title": "Yours now", "owner_id": rep.user_id})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let s = bell(&rep, 3).await;
    assert_eq!(s["latest"][0]["title"], "Deal assigned to you: Yours now");
    // Nobody is told about their own actions.
    create(
        &ann,
        json!({"first_name": "Mine", "source": "referral", "company_size": "5000+", "job_title": "CEO",
                        "estimated_value": 50_000_000}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let s: Value = ann.browser.get("/api/v1/notifications/summary").await.json().await.unwrap();
    assert_eq!(s["unread"], 0, "{s}");
}

#[actix_web::test]
async fn a_conversion_that_cannot_complete_creates_nothing() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let l = create(&ann, json!({"first_name": "Ada", "email": "ada@example.com", "company_name": "Engines"})).await;
    let id = l["id"].as_str().unwrap();
    // A stage that does not exist: the deal cannot be planned, so neither
    // the contact nor the company is written, and the lead stays open.
    let res =
        ann.browser.post(&format!("/api/v1/leads/{id}/convert"), &json!({"stage_id": uuid::Uuid::new_v4()})).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    for table in ["contacts", "companies", "deals"] {
        assert_eq!(app.count(&format!("SELECT count(*) FROM {table}")).await, 0, "{table}");
    }
    let now: Value = ann.browser.get(&format!("/api/v1/leads/{id}")).await.json().await.unwrap();
    assert_eq!(now["status"], "new");
    assert!(now["converted"].is_null());
}

#[actix_web::test]
async fn reported_engagement_and_logged_activities_raise_the_score() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let l = create(&ann, json!({"first_name": "Eve", "email": "eve@example.com"})).await;
    let id = l["id"].as_str().unwrap();
    let start = l["score"].as_i64().unwrap();
    let res = ann
        .browser
        .post(&format!("/api/v1/leads/{id}/engagement"), &json!({"emails_opened": 2, "emails_clicked": 1}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["score"].as_i64().unwrap(), start + 4, "1 point per open, 2 per click: {v}");
    assert_eq!(v["engagement"]["emails_opened"], 2);
    // A meeting logged as an activity on the lead counts too.
    let res =
        ann.browser.post("/api/v1/activities", &json!({"type": "meeting", "subject": "Demo", "lead_id": id})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = ann.browser.post(&format!("/api/v1/leads/{id}/engagement"), &json!({"emails_opened": 1})).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["engagement"]["activities"], 1, "{v}");
    assert_eq!(v["engagement"]["meetings"], 1);
    assert_eq!(v["score"].as_i64().unwrap(), start + 4 + 1 + 2 + 3, "{v}");
    let h: Value = ann.browser.get(&format!("/api/v1/leads/{id}/scores")).await.json().await.unwrap();
    assert!(h["scores"][0]["reason"].as_str().unwrap().starts_with("engagement:"), "{h}");
    let res = ann.browser.post(&format!("/api/v1/leads/{id}/engagement"), &json!({"emails_opened": -1})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn logging_an_activity_rescores_its_lead_live_and_concurrent_edits_lose_no_engagement() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let l = create(&ann, json!({"first_name": "Eve", "email": "eve@example.com"})).await;
    let id = l["id"].as_str().unwrap().to_owned();
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(ws.subscribe(&["leads"], None).await["msg"], "subscribed");
    // One meeting: the lead is scored again in the activity's own write,
    // and the change is pushed on `leads` with the seq the write answered.
    let res =
        ann.browser.post("/api/v1/activities", &json!({"type": "meeting", "subject": "Demo", "lead_id": id})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let seq: i64 = res.headers()["pulse-seq"].to_str().unwrap().parse().unwrap();
    let e = ws.next().await;
    assert_eq!((e["type"].as_str(), e["seq"].as_i64()), (Some("lead.updated"), Some(seq)), "{e}");
    assert_eq!(e["data"]["changed"], json!(["engagement"]));
    let lead = &e["data"]["lead"];
    assert_eq!(
        (lead["engagement"]["activities"].as_i64(), lead["engagement"]["meetings"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(lead["version"].as_i64(), Some(l["version"].as_i64().unwrap() + 1));
    assert!(lead["score"].as_i64().unwrap() > l["score"].as_i64().unwrap(), "{lead}");
    let h: Value = ann.browser.get(&format!("/api/v1/leads/{id}/scores")).await.json().await.unwrap();
    assert_eq!(h["scores"][0]["reason"], "activity: meeting", "{h}");

    // Activities logged while the lead is being edited: every one counts,
    // in memory and in the database (no edit writes an older engagement
    // over a newer one).
    let n = 15;
    let logs = (0..n).map(|i| {
        let body = json!({"type": "call", "subject": format!("Call {i}"), "lead_id": id});
        let b = &ann.browser;
        async move { b.post("/api/v1/activities", &body).await.status() }
    });
    let edits = (0..n).map(|i| {
        let (who, id) = (&ann, &id);
        async move { patch(who, id, json!({"notes": format!("edit {i}")})).await.status() }
    });
    let (logged, edited) =
        futures_util::join!(futures_util::future::join_all(logs), futures_util::future::join_all(edits));
    assert!(logged.iter().all(|s| *s == StatusCode::CREATED), "{logged:?}");
    assert!(edited.iter().all(|s| *s == StatusCode::OK), "{edited:?}");
    let now: Value = ann.browser.get(&format!("/api/v1/leads/{id}")).await.json().await.unwrap();
    assert_eq!(now["engagement"]["activities"].as_i64(), Some(n + 1), "{now}");
    let row = app
        .db()
        .await
        .query_one(
            "SELECT (engagement->>'activities')::bigint, version FROM leads WHERE id = $1",
            &[&id.parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), n + 1);
    assert_eq!(row.get::<_, i64>(1), now["version"].as_i64().unwrap());
}
