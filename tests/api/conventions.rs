//! API conventions: problem+json for every kind of bad input, health
//! endpoints, security headers.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};

#[actix_web::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let b = app.browser();
    assert_eq!(b.get("/healthz").await.status(), StatusCode::OK);
    let ready: serde_json::Value = b.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
    let metrics = b.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("pulse_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("pulse_db_pool_connections"));
}

#[actix_web::test]
async fn bad_bodies_get_the_right_4xx_and_change_nothing() {
    let app = spawn_app().await;
    let b = app.browser();
    let url = format!("{}/api/v1/auth/signup", app.address);
    let send = |body: String, ct: &'static str| {
        let http = b.http.clone();
        let url = url.clone();
        async move { http.post(url).header("content-type", ct).body(body).send().await.unwrap() }
    };
    let cases: Vec<(&str, String, &str, StatusCode, &str)> = vec![
        ("malformed JSON", "{\"email\":".into(), "application/json", StatusCode::BAD_REQUEST, "malformed_json"),
        ("wrong type", json!({"email": 5, "password": "x", "name": "x", "workspace_name": "x"}).to_string(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        ("unknown field", json!({"email": "a@b.co", "password": "0123456789", "name": "x", "workspace_name": "x", "workspace_id": "x"}).to_string(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        ("oversized", format!("{{\"email\":\"{}\"}}", "a".repeat(300 * 1024)), "application/json", StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ("an array for an object", json!([null, null, null, null]).to_string(), "application/json", StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        ("empty body", String::new(), "application/json", StatusCode::BAD_REQUEST, "malformed_json"),
        ("not JSON", "email=a".into(), "application/x-www-form-urlencoded", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
    ];
    for (what, body, ct, status, code) in cases {
        let res = send(body, ct).await;
        assert_eq!(res.status(), status, "{what}");
        assert_problem(res, status, code).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
}

#[actix_web::test]
async fn unknown_routes_are_problem_404s_with_a_request_id() {
    let app = spawn_app().await;
    let res = app.browser().get("/api/v1/nope").await;
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(body["request_id"], id);
}

#[actix_web::test]
async fn every_response_carries_security_headers_and_no_cors_grant() {
    let app = spawn_app().await;
    let res = app
        .browser()
        .request(reqwest::Method::GET, "/healthz")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(!h["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("referrer-policy"));
    assert!(!h.contains_key("access-control-allow-origin"));
}

#[actix_web::test]
async fn rate_limits_answer_429_with_retry_after_and_ratelimit_headers() {
    let app = crate::helpers::spawn_app_with(|s| s.rate_limit_per_minute = 5).await;
    let b = app.browser();
    for _ in 0..5 {
        let res = b.get("/api/v1/me").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.headers().contains_key("ratelimit-remaining"));
    }
    let res = b.get("/api/v1/me").await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
