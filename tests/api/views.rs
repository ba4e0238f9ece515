//! Saved views: personal, validated, at most 10 per person and workspace
//! even under concurrent creates.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app};

#[actix_web::test]
async fn views_belong_to_their_person_and_are_validated() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let body = json!({"entity": "contacts", "name": "My VIPs", "filters": {"tag": "vip", "cf.tier": "gold"},
                      "sort": "-created_at", "columns": ["name", "email", "company_name"]});
    let res = ann.browser.post("/api/v1/views", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["filters"]["cf.tier"], "gold");
    assert_eq!(v["columns"], json!(["name", "email", "company_name"]));
    let mine: Value = ann.browser.get("/api/v1/views?entity=contacts").await.json().await.unwrap();
    assert_eq!(mine["views"].as_array().unwrap().len(), 1);
    let theirs: Value = rex.browser.get("/api/v1/views").await.json().await.unwrap();
    assert!(theirs["views"].as_array().unwrap().is_empty(), "views are personal");
    let path = format!("/api/v1/views/{}", v["id"].as_str().unwrap());
    assert_problem(rex.browser.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    for (bad, field) in [
        (json!({"entity": "orders", "name": "x"}), "entity"),
        (json!({"entity": "deals", "name": ""}), "name"),
        (json!({"entity": "deals", "name": "x", "filters": {"stage": 3}}), "filters.stage"),
        (json!({"entity": "deals", "name": "x", "sort": "value; drop"}), "sort"),
        (json!({"entity": "deals", "name": "x", "columns": [""]}), "columns[0]"),
    ] {
        let p = assert_problem(
            ann.browser.post("/api/v1/views", &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["field"] == field), "{bad}: {p}");
    }
    assert_eq!(ann.browser.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(ann.browser.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn twenty_concurrent_creates_make_exactly_ten_views() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let b = ann.browser.clone();
        tasks.push(tokio::spawn(async move {
            b.post("/api/v1/views", &json!({"entity": "leads", "name": format!("View {i}")})).await.status()
        }));
    }
    let mut created = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((created, refused), (10, 10));
    assert_eq!(app.count("SELECT count(*) FROM saved_views").await, 10);
    let res = ann.browser.post("/api/v1/views", &json!({"entity": "deals", "name": "Eleventh"})).await;
    assert_problem(res, StatusCode::CONFLICT, "view_limit_reached").await;
    // Another person in the same workspace has their own ten.
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    assert_eq!(
        rex.browser.post("/api/v1/views", &json!({"entity": "deals", "name": "Mine"})).await.status(),
        StatusCode::CREATED
    );
}
