//! The audit log: filters, cursor pagination, who may read it, and that
//! not even direct SQL can rewrite it.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, SignedIn, TestApp};

/// Appends `n` entries with the given action straight into the log.
async fn seed(app: &TestApp, who: &SignedIn, action: &str, n: i64) {
    app.db()
        .await
        .execute(
            "INSERT INTO audit_log (workspace_id, actor_user_id, action, target_type, target_id)
             SELECT $1, $2, $3, 'deal', g::text FROM generate_series(1::bigint, $4) g",
            &[&who.workspace_id, &who.user_id, &action, &n],
        )
        .await
        .unwrap();
}

async fn page(who: &SignedIn, query: &str) -> Value {
    let res = who.browser.get(&format!("/api/v1/audit{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "GET /api/v1/audit{query}");
    res.json().await.unwrap()
}

fn actions(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn entries_have_the_documented_shape_newest_first() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    ann.browser.patch("/api/v1/workspace", &json!({"currency": "EUR"})).await;
    let body = page(&ann, "").await;
    assert_eq!(actions(&body), vec!["workspace.updated", "workspace.created", "auth.signup"]);
    let item = &body["items"][0];
    assert_eq!(item["actor"], json!({"type": "user", "id": ann.user_id.to_string()}));
    assert_eq!(item["target_type"], "workspace");
    assert_eq!(item["target_id"], ann.workspace_id.to_string());
    assert_eq!(item["ip"], "127.0.0.1");
    assert!(item["request_id"].is_string() && item["at"].is_string() && item["id"].is_i64());
    assert_eq!(item["details"]["changes"]["currency"]["to"], "EUR");
    assert!(body["next_cursor"].is_null());
}

#[actix_web::test]
async fn filters_narrow_the_log() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "manager").await;
    seed(&app, &ann, "member.invited", 2).await;
    seed(&app, &bob, "member.role_changed", 1).await;
    seed(&app, &ann, "members.exported", 1).await;
    let only = |p: &Value| actions(p).into_iter().collect::<HashSet<_>>();
    let cases: Vec<(String, Vec<&str>, usize, &str)> = vec![
        ("?action=member".into(), vec!["member.invited", "member.role_changed"], 3, "prefix of whole segments"),
        ("?action=member.invited".into(), vec!["member.invited"], 2, "exact action"),
        ("?action=membe".into(), vec![], 0, "a partial segment is no prefix"),
        ("?action=%25".into(), vec![], 0, "LIKE wildcards are plain characters"),
        (format!("?actor_user_id={}&action=member", bob.user_id), vec!["member.role_changed"], 1, "actor"),
        ("?target_type=deal&target_id=2".into(), vec!["member.invited"], 1, "target"),
        ("?since=2999-01-01T00:00:00Z".into(), vec![], 0, "since in the future"),
        ("?until=2000-01-01T00:00:00%2B02:00".into(), vec![], 0, "until in the past, with an offset"),
    ];
    for (query, want, count, what) in cases {
        let body = page(&ann, &query).await;
        assert_eq!(only(&body), want.iter().map(|s| s.to_string()).collect(), "{what}");
        assert_eq!(body["items"].as_array().unwrap().len(), count, "{what}");
    }
    // Another workspace's entries never show.
    let cy = app.signup("cy@example.com", "Cyco").await;
    assert_eq!(actions(&page(&cy, "").await), vec!["workspace.created", "auth.signup"]);
}

#[actix_web::test]
async fn the_cursor_walks_every_entry_once() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    seed(&app, &ann, "deal.created", 23).await;
    let mut seen = Vec::new();
    let mut query = "?limit=10&action=deal".to_owned();
    let mut pages = 0;
    loop {
        let body = page(&ann, &query).await;
        pages += 1;
        seen.extend(body["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()));
        match body["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=10&action=deal&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 23);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "strictly newest first, no repeats: {seen:?}");
}

#[actix_web::test]
async fn bad_queries_are_400s() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let cases = [
        ("?cursor=not-a-cursor", "bad_cursor", "malformed cursor"),
        ("?cursor=AAAAAAAAAAAA", "bad_cursor", "cursor of the wrong length"),
        ("?limit=0", "bad_query", "limit below 1"),
        ("?limit=201", "bad_query", "limit above 200"),
        ("?since=yesterday", "bad_query", "not RFC 3339"),
        ("?actor_user_id=42", "bad_query", "not a uuid"),
        ("?colour=red", "bad_query", "unknown parameter"),
        ("?action=a%00b", "bad_query", "control character"),
    ];
    for (query, code, what) in cases {
        let res = ann.browser.get(&format!("/api/v1/audit{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
        assert_problem(res, StatusCode::BAD_REQUEST, code).await;
    }
}

#[actix_web::test]
async fn reps_and_viewers_cannot_read_the_log_and_managers_can() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    for role in ["rep", "viewer"] {
        let m = app.member_of(&ann, &format!("{role}@example.com"), role).await;
        assert_problem(m.browser.get("/api/v1/audit").await, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let manager = app.member_of(&ann, "mia@example.com", "manager").await;
    assert_eq!(manager.browser.get("/api/v1/audit").await.status(), StatusCode::OK);
    assert_problem(app.browser().get("/api/v1/audit").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn audit_rows_cannot_be_updated_deleted_or_truncated_even_with_sql() {
    let app = spawn_app().await;
    app.signup("ann@example.com", "Acme").await;
    let db = app.db().await;
    let before = app.count("SELECT count(*) FROM audit_log").await;
    for sql in ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
        let err = db.batch_execute(sql).await.expect_err(sql);
        assert!(
            err.to_string().contains("append-only") || format!("{err:?}").contains("append-only"),
            "{sql}: {err:?}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log").await, before);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'forged'").await, 0);
}
