//! Activities and tasks: validation, the append-only rule, typo fixes,
//! completing and reopening, the task filters and events.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, Browser};
use crate::permissions::fingerprint;
use crate::ws::{connect, WsAuth};

async fn create(b: &Browser, body: Value) -> Value {
    let res = b.post("/api/v1/activities", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create activity {body}");
    res.json().await.unwrap()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn subjects(b: &Browser, query: &str) -> Vec<String> {
    let res = b.get(&format!("/api/v1/activities{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "GET /api/v1/activities{query}");
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|i| i["subject"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn activities_are_logged_with_their_links_and_bad_ones_are_422() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let other = app.signup("olga@elsewhere.test", "Elsewhere").await;
    let c = crate::contacts::create(&ann.browser, json!({"first_name": "Hank"})).await;
    let foreign = crate::contacts::create(&other.browser, json!({"first_name": "Not yours"})).await;
    let res = ann.browser.post("/api/v1/deals", &json!({"title": "Budget deal"})).await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let deal: uuid::Uuid = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap();
    let a = create(
        &ann.browser,
        json!({"type": "call", "subject": "Discovery", "body": "Talked budget", "direction": "inbound",
               "duration_minutes": 30, "contact_id": c["id"], "deal_id": deal}),
    )
    .await;
    assert_eq!(a["type"], "call");
    assert_eq!(a["direction"], "inbound");
    assert_eq!(a["deal_id"], deal.to_string());
    assert_eq!(a["author_user_id"], ann.user_id.to_string());
    assert!(a["assignee_id"].is_null(), "only tasks default to the caller");
    let t = create(&ann.browser, json!({"type": "task", "subject": "Send deck", "priority": "high"})).await;
    assert_eq!(t["assignee_id"], ann.user_id.to_string());
    let cases: Vec<(Value, &str)> = vec![
        (json!({"type": "note", "subject": ""}), "subject"),
        (json!({"type": "note", "subject": "x", "direction": "inbound"}), "direction"),
        (json!({"type": "meeting", "subject": "x", "duration_minutes": -5}), "duration_minutes"),
        (json!({"type": "note", "subject": "x", "contact_id": foreign["id"]}), "contact_id"),
        (json!({"type": "note", "subject": "x", "deal_id": uuid::Uuid::new_v4()}), "deal_id"),
        (json!({"type": "note", "subject": "x", "lead_id": uuid::Uuid::new_v4()}), "lead_id"),
        (json!({"type": "task", "subject": "x", "assignee_id": other.user_id}), "assignee_id"),
        (json!({"type": "lunch", "subject": "x"}), "body"),
        (json!({"type": "task", "subject": "x", "priority": "urgent"}), "body"),
    ];
    let before = fingerprint(&app).await;
    for (body, field) in cases {
        let p = assert_problem(
            ann.browser.post("/api/v1/activities", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["field"] == field), "{body}: expected {field}: {p}");
    }
    assert_eq!(fingerprint(&app).await, before);
}

#[actix_web::test]
async fn activities_are_append_only_no_delete_route_and_no_delete_by_sql() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let a = create(&ann.browser, json!({"type": "note", "subject": "Keep me"})).await;
    let res = ann.browser.delete(&format!("/api/v1/activities/{}", id(&a))).await;
    assert_eq!(res.headers()["allow"], "GET, PATCH");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let err = app.db().await.execute("DELETE FROM activities", &[]).await;
    assert!(err.is_err(), "the database refuses deletes");
    assert_eq!(app.count("SELECT count(*) FROM activities").await, 1);
}

#[actix_web::test]
async fn only_subject_and_body_of_past_interactions_can_be_fixed_by_author_or_manager() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mia = app.member_of(&ann, "mia@example.com", "manager").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let call = create(&rex.browser, json!({"type": "call", "subject": "Dicsovery", "direction": "outbound"})).await;
    let path = format!("/api/v1/activities/{}", id(&call));
    let res = rex.browser.patch(&path, &json!({"subject": "Discovery"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 2);
    let other_rep = app.member_of(&ann, "rita@example.com", "rep").await;
    let before = fingerprint(&app).await;
    assert_problem(
        other_rep.browser.patch(&path, &json!({"body": "mine now"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        rex.browser.patch(&path, &json!({"due_at": Utc::now()})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "activity_immutable",
    )
    .await;
    assert_problem(
        rex.browser.post(&format!("{path}/complete"), &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_task",
    )
    .await;
    assert_problem(
        rex.browser.patch(&path, &json!({"subject": ""})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fingerprint(&app).await, before);
    assert_eq!(mia.browser.patch(&path, &json!({"body": "Notes fixed"})).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn tasks_are_completed_and_reopened_by_author_assignee_or_manager() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let rita = app.member_of(&ann, "rita@example.com", "rep").await;
    let t = create(&ann.browser, json!({"type": "task", "subject": "Call back", "assignee_id": rex.user_id})).await;
    let path = format!("/api/v1/activities/{}", id(&t));
    assert_problem(
        rita.browser.post(&format!("{path}/complete"), &json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let res = rex.browser.post(&format!("{path}/complete"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<Value>().await.unwrap()["completed_at"].is_string());
    assert_problem(
        rex.browser.post(&format!("{path}/complete"), &json!({})).await,
        StatusCode::CONFLICT,
        "already_completed",
    )
    .await;
    let res = rex.browser.post(&format!("{path}/reopen"), &json!({})).await;
    assert!(res.json::<Value>().await.unwrap()["completed_at"].is_null());
    assert_problem(
        rex.browser.post(&format!("{path}/reopen"), &json!({})).await,
        StatusCode::CONFLICT,
        "not_completed",
    )
    .await;
    let res = rex.browser.patch(&path, &json!({"priority": "high", "due_at": null, "assignee_id": rita.user_id})).await;
    assert_eq!(res.status(), StatusCode::OK, "the assignee reschedules and hands over");
    let actions = app.count("SELECT count(*) FROM audit_log WHERE action IN ('activity.completed', 'activity.reopened', 'activity.updated')").await;
    assert_eq!(actions, 3);
}

#[actix_web::test]
async fn overdue_due_today_and_my_tasks_filters_find_the_right_tasks() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let now = Utc::now();
    create(&ann.browser, json!({"type": "task", "subject": "Late", "due_at": now - Duration::days(3)})).await;
    let done =
        create(&ann.browser, json!({"type": "task", "subject": "Late but done", "due_at": now - Duration::days(2)}))
            .await;
    ann.browser.post(&format!("/api/v1/activities/{}/complete", id(&done)), &json!({})).await;
    create(&ann.browser, json!({"type": "task", "subject": "Next month", "due_at": now + Duration::days(40)})).await;
    create(&rex.browser, json!({"type": "task", "subject": "Rex late", "due_at": now - Duration::hours(1)})).await;
    create(&ann.browser, json!({"type": "meeting", "subject": "Old meeting", "due_at": now - Duration::days(5)})).await;
    // Due today: a minute from now (or a minute ago just after midnight).
    let today = if now.time() < chrono::NaiveTime::from_hms_opt(23, 58, 0).unwrap() {
        now + Duration::minutes(1)
    } else {
        now - Duration::minutes(1)
    };
    create(&ann.browser, json!({"type": "task", "subject": "Today", "due_at": today})).await;

    let mut overdue = subjects(&ann.browser, "?overdue=true").await;
    overdue.sort();
    assert_eq!(overdue, ["Late", "Rex late"], "open tasks past due, anyone's");
    let mine = subjects(&ann.browser, "?mine=true&completed=false").await;
    assert!(
        mine.contains(&"Late".to_owned())
            && mine.contains(&"Next month".to_owned())
            && !mine.contains(&"Rex late".to_owned()),
        "{mine:?}"
    );
    assert_eq!(mine.last().map(String::as_str), Some("Next month"), "soonest due first");
    assert_eq!(subjects(&rex.browser, "?mine=true&overdue=true").await, ["Rex late"]);
    assert_eq!(subjects(&ann.browser, &format!("?assignee={}&overdue=true", rex.user_id)).await, ["Rex late"]);
    assert!(subjects(&ann.browser, "?due=today").await.contains(&"Today".to_owned()));
    let week = subjects(&ann.browser, "?due=week&mine=true").await;
    assert!(week.contains(&"Today".to_owned()) && !week.contains(&"Next month".to_owned()), "{week:?}");
    assert_eq!(subjects(&ann.browser, "?completed=true").await, ["Late but done"]);
    assert_eq!(subjects(&ann.browser, "?type=meeting").await, ["Old meeting"]);
    for bad in ["?due=someday", "?overdue=yes", "?type=lunch", "?assignee_id=x", "?bogus=1"] {
        assert_problem(
            ann.browser.get(&format!("/api/v1/activities{bad}")).await,
            StatusCode::BAD_REQUEST,
            "bad_query",
        )
        .await;
    }
}

#[actix_web::test]
async fn activity_events_reach_a_websocket_subscriber_on_activities() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(ws.subscribe(&["activities"], None).await["msg"], "subscribed");
    let t = create(&ann.browser, json!({"type": "task", "subject": "Ping"})).await;
    let path = format!("/api/v1/activities/{}", id(&t));
    ann.browser.patch(&path, &json!({"subject": "Ping Hank"})).await;
    ann.browser.post(&format!("{path}/complete"), &json!({})).await;
    ann.browser.post(&format!("{path}/reopen"), &json!({})).await;
    let mut kinds = Vec::new();
    for _ in 0..4 {
        let e = ws.next().await;
        assert_eq!(e["topic"], "activities", "{e}");
        assert_eq!(e["data"]["id"], t["id"]);
        kinds.push(e["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(kinds, ["activity.created", "activity.updated", "activity.completed", "activity.reopened"]);
}

#[actix_web::test]
async fn whole_numbers_written_as_floats_are_accepted_and_fractions_refused() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let a = create(&ann.browser, json!({"type": "meeting", "subject": "Sync", "duration_minutes": 30.0})).await;
    assert_eq!(a["duration_minutes"], 30);
    let res = ann
        .browser
        .post("/api/v1/activities", &json!({"type": "meeting", "subject": "x", "duration_minutes": 2.5}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let t = create(&ann.browser, json!({"type": "task", "subject": "T", "duration_minutes": 10})).await;
    let res = ann.browser.patch(&format!("/api/v1/activities/{}", id(&t)), &json!({"duration_minutes": null})).await;
    assert!(res.json::<Value>().await.unwrap()["duration_minutes"].is_null());
}

#[actix_web::test]
async fn a_token_sees_only_the_crm_events_its_read_scopes_cover() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let res = ann
        .browser
        .post("/api/v1/tokens", &json!({"name": "Sync", "scopes": ["contacts:read", "events:subscribe"]}))
        .await;
    let token: Value = res.json().await.unwrap();
    let mut ws = connect(&app, WsAuth::Bearer(token["token"].as_str().unwrap()), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(ws.subscribe(&["activities", "contacts"], None).await["msg"], "subscribed");
    create(&ann.browser, json!({"type": "note", "subject": "Private to activities:read"})).await;
    crate::contacts::create(&ann.browser, json!({"first_name": "Visible"})).await;
    let e = ws.next().await;
    assert_eq!(e["type"], "contact.created", "the activity event is skipped: {e}");
    assert!(ws.next_within(std::time::Duration::from_millis(300)).await.is_none());
}

#[actix_web::test]
async fn assigning_a_task_to_someone_else_rings_their_bell() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    create(&ann.browser, json!({"type": "task", "subject": "Call Globex", "assignee_id": rep.user_id})).await;
    create(&ann.browser, json!({"type": "task", "subject": "My own"})).await;
    let mut unread = 0;
    for _ in 0..50 {
        let s: Value = rep.browser.get("/api/v1/notifications/summary").await.json().await.unwrap();
        unread = s["unread"].as_i64().unwrap();
        if unread > 0 {
            assert_eq!(s["latest"][0]["title"], "task assigned to you: Call Globex", "{s}");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(unread, 1);
    let mine: Value = ann.browser.get("/api/v1/notifications/summary").await.json().await.unwrap();
    assert_eq!(mine["unread"], 0, "never for one's own action");
}
