//! Workspace settings: reading, changing under ETag/If-Match, who may.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app};

#[actix_web::test]
async fn any_member_reads_the_settings_with_an_etag() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let vic = app.member_of(&ann, "vic@example.com", "viewer").await;
    let res = vic.browser.get("/api/v1/workspace").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["id"], ann.workspace_id.to_string());
    assert_eq!(body["name"], "Acme");
    assert_eq!(body["currency"], "USD");
    assert_eq!(body["version"], 1);
    assert!(body["created_at"].is_string());
}

#[actix_web::test]
async fn the_owner_changes_settings_and_a_stale_if_match_changes_nothing() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let patch = |body: Value, if_match: Option<&str>| {
        let mut rb = ann.browser.request(Method::PATCH, "/api/v1/workspace").json(&body);
        if let Some(v) = if_match {
            rb = rb.header("if-match", v);
        }
        rb.send()
    };
    let res = patch(json!({"name": "  Acme Ltd ", "currency": "EUR"}), Some("\"1\"")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["name"].as_str(), body["currency"].as_str(), body["version"].as_i64()),
        (Some("Acme Ltd"), Some("EUR"), Some(2))
    );

    let stale = patch(json!({"name": "Lost update"}), Some("W/\"1\"")).await.unwrap();
    let problem = assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert!(problem["detail"].as_str().unwrap().contains("version 2"), "{problem}");
    let now: Value = ann.browser.get("/api/v1/workspace").await.json().await.unwrap();
    assert_eq!(now["name"], "Acme Ltd", "the stale write changed nothing");
    assert_eq!(now["version"], 2);

    let bad = patch(json!({"name": "x"}), Some("yesterday")).await.unwrap();
    assert_problem(bad, StatusCode::BAD_REQUEST, "bad_if_match").await;
    let unconditional = patch(json!({"currency": "JPY"}), None).await.unwrap();
    assert_eq!(unconditional.headers()["etag"], "\"3\"");

    let audits = app
        .db()
        .await
        .query("SELECT details FROM audit_log WHERE action = 'workspace.updated' ORDER BY id", &[])
        .await
        .unwrap();
    assert_eq!(audits.len(), 2, "one entry per applied change, none for refused ones");
    let first: Value = audits[0].get(0);
    assert_eq!(first["changes"]["currency"], json!({"from": "USD", "to": "EUR"}));
    assert_eq!(first["changes"]["name"], json!({"from": "Acme", "to": "Acme Ltd"}));
}

#[actix_web::test]
async fn managers_and_viewers_cannot_change_settings() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    for role in ["manager", "rep", "viewer"] {
        let m = app.member_of(&ann, &format!("{role}@example.com"), role).await;
        let res = m.browser.patch("/api/v1/workspace", &json!({"name": "Mine now"})).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let now: Value = ann.browser.get("/api/v1/workspace").await.json().await.unwrap();
    assert_eq!((now["name"].as_str(), now["version"].as_i64()), (Some("Acme"), Some(1)));
}

#[actix_web::test]
async fn invalid_settings_are_422_naming_the_field() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let cases = [
        (json!({"currency": "usd"}), "currency", "lowercase code"),
        (json!({"currency": "ABC"}), "currency", "not an ISO 4217 code"),
        (json!({"currency": "XXX"}), "currency", "the no-currency code"),
        (json!({"name": "   "}), "name", "blank name"),
        (json!({"name": "a".repeat(201)}), "name", "too long"),
    ];
    for (body, field, what) in cases {
        let res = ann.browser.patch("/api/v1/workspace", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{what}");
    }
    let unknown = ann.browser.patch("/api/v1/workspace", &json!({"plan": "free"})).await;
    assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(app.count("SELECT count(*) FROM workspaces WHERE version > 1").await, 0);
}
