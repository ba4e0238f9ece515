//! The website lead widget: key shown once, origin allowlist and CORS,
//! honeypot, per-IP rate limit, hostile input, rotation and revocation.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp};

const SITE: &str = "https://shop.example.com";

async fn submit(app: &TestApp, key: &str, origin: Option<&str>, body: Value) -> reqwest::Response {
    let mut rb = reqwest::Client::new().post(format!("{}/api/v1/widget/{key}/leads", app.address)).json(&body);
    if let Some(o) = origin {
        rb = rb.header("origin", o);
    }
    rb.send().await.unwrap()
}

async fn widget(app: &TestApp) -> (crate::helpers::SignedIn, Value) {
    let ann = app.signup("ann@example.com", "Acme").await;
    let res = ann
        .browser
        .post(
            "/api/v1/lead-widgets",
            &json!({"name": "Shop form", "allowed_origins": [format!("{SITE}/")], "default_source": "website"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let w: Value = res.json().await.unwrap();
    (ann, w)
}

#[actix_web::test]
async fn a_form_on_an_allowed_site_creates_a_lead_and_learns_nothing_else() {
    let app = spawn_app().await;
    let (ann, w) = widget(&app).await;
    let key = w["key"].as_str().unwrap();
    assert!(key.starts_with("pw_"));
    assert!(w["snippet"].as_str().unwrap().contains("/widget.js"));
    assert_eq!(w["widget"]["allowed_origins"], json!([SITE]), "origins are normalised");
    let list: Value = ann.browser.get("/api/v1/lead-widgets").await.json().await.unwrap();
    assert!(!list.to_string().contains(key), "the key is shown once");

    let res =
        submit(&app, key, Some(SITE), json!({"first_name": "Web", "email": "web@visitor.example", "message": "Hi"}))
            .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["access-control-allow-origin"], SITE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"ok": true}));
    let leads: Value = ann.browser.get("/api/v1/leads").await.json().await.unwrap();
    assert_eq!(leads["total"], 1);
    assert_eq!(leads["leads"][0]["source"], "website");
    assert_eq!(leads["leads"][0]["notes"], "Hi");
    // Another site, or none: refused, and counted.
    let res = submit(&app, key, Some("https://evil.example"), json!({"email": "x@y.example"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = submit(&app, key, None, json!({"email": "x@y.example"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let list: Value = ann.browser.get("/api/v1/lead-widgets").await.json().await.unwrap();
    assert_eq!(list["widgets"][0]["submissions"], json!({"accepted": 1, "origin_refused": 2}));
    // The preflight answers the allowed site only.
    let c = reqwest::Client::new();
    let url = format!("{}/api/v1/widget/{key}/leads", app.address);
    let res = c.request(reqwest::Method::OPTIONS, &url).header("origin", SITE).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["access-control-allow-origin"], SITE);
    let res = c.request(reqwest::Method::OPTIONS, &url).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The script is served.
    let res = c.get(format!("{}/widget.js", app.address)).send().await.unwrap();
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/javascript"));
}

#[actix_web::test]
async fn bots_filling_the_honeypot_are_dropped_silently() {
    let app = spawn_app().await;
    let (_, w) = widget(&app).await;
    let key = w["key"].as_str().unwrap();
    let res = submit(&app, key, Some(SITE), json!({"email": "bot@spam.example", "website": "http://spam"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.count("SELECT count(*) FROM leads").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM lead_widget_submissions WHERE outcome = 'honeypot'").await, 1);
}

#[actix_web::test]
async fn hostile_input_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (_, w) = widget(&app).await;
    let key = w["key"].as_str().unwrap();
    for (body, field) in [
        (json!({"first_name": "<script>alert(1)</script>", "email": "a@b.example"}), "first_name"),
        (json!({"email": "not-an-email"}), "email"),
        (json!({"email": "a@b.example", "company_name": "x".repeat(5000)}), "company_name"),
    ] {
        let res = submit(&app, key, Some(SITE), body).await;
        let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    let res = submit(&app, key, Some(SITE), json!({"email": "a@b.example", "notes": "x".repeat(2_000_000)})).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(app.count("SELECT count(*) FROM leads").await, 0);
}

#[actix_web::test]
async fn an_ip_gets_ten_submissions_a_minute_per_widget() {
    let app = spawn_app().await;
    let (_, w) = widget(&app).await;
    let key = w["key"].as_str().unwrap();
    for i in 0..10 {
        let res = submit(&app, key, Some(SITE), json!({"email": format!("v{i}@visitor.example")})).await;
        assert_eq!(res.status(), StatusCode::CREATED, "submission {i}");
    }
    let res = submit(&app, key, Some(SITE), json!({"email": "v11@visitor.example"})).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(app.count("SELECT count(*) FROM leads").await, 10);
}

#[actix_web::test]
async fn a_rotated_or_revoked_key_stops_working() {
    let app = spawn_app().await;
    let (ann, w) = widget(&app).await;
    let old = w["key"].as_str().unwrap().to_owned();
    let id = w["widget"]["id"].as_str().unwrap();
    let res = ann.browser.post(&format!("/api/v1/lead-widgets/{id}/rotate"), &json!({})).await;
    let rotated: Value = res.json().await.unwrap();
    let new = rotated["key"].as_str().unwrap();
    assert_ne!(new, old);
    assert_problem(
        submit(&app, &old, Some(SITE), json!({"email": "a@b.example"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(submit(&app, new, Some(SITE), json!({"email": "a@b.example"})).await.status(), StatusCode::CREATED);
    assert_eq!(ann.browser.delete(&format!("/api/v1/lead-widgets/{id}")).await.status(), StatusCode::NO_CONTENT);
    assert_problem(
        submit(&app, new, Some(SITE), json!({"email": "c@d.example"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
