//! API tokens: owners create, list and revoke them; tokens authenticate
//! with `Authorization: Bearer`, are limited to their scopes and never
//! manage tokens or act as people.

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{assert_problem, fresh_database, spawn_app, spawn_app_on, SignedIn};

/// Creates a token as `owner` and returns the creation reply.
pub async fn create_token(owner: &SignedIn, name: &str, scopes: &[&str]) -> Value {
    let res = owner.browser.post("/api/v1/tokens", &json!({"name": name, "scopes": scopes})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create token {name}");
    res.json().await.unwrap()
}

fn secret(created: &Value) -> &str {
    created["token"].as_str().unwrap()
}

async fn list(owner: &SignedIn) -> Vec<Value> {
    let res = owner.browser.get("/api/v1/tokens").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn the_secret_is_shown_once_and_only_its_hash_is_stored() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let created = create_token(&ann, "Zapier", &["deals:read", "deals:write"]).await;
    let token = secret(&created);
    assert!(token.starts_with("pulse_"), "recognisable prefix: {token}");
    assert!(token.len() >= 6 + 43, "256 bits of secret: {token}");
    assert_eq!(created["name"], "Zapier");
    assert_eq!(created["scopes"], json!(["deals:read", "deals:write"]));
    assert!(token.starts_with(created["prefix"].as_str().unwrap()));
    assert!(created["created_at"].is_string());

    let row = app.db().await.query_one("SELECT secret_hash, prefix FROM api_tokens", &[]).await.unwrap();
    let stored: Vec<u8> = row.get(0);
    assert_eq!(stored, Sha256::digest(token.as_bytes()).to_vec(), "SHA-256 of the secret is stored");
    let prefix: String = row.get(1);
    assert_ne!(prefix, token, "the stored prefix is not the secret");

    let items = list(&ann).await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item["id"], created["id"]);
    assert_eq!(item["prefix"], created["prefix"]);
    assert_eq!(item["created_by"], ann.user_id.to_string());
    assert_eq!(item["last_used_at"], Value::Null);
    assert!(item.get("token").is_none(), "lists never carry secrets: {item}");
    assert!(!item.to_string().contains(token), "the secret appears nowhere in the list");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'token.created'").await, 1);
}

#[actix_web::test]
async fn a_token_is_limited_to_its_scopes_and_cannot_act_as_a_person() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let created = create_token(&ann, "Reader", &["deals:read"]).await;
    let bot = app.bearer(secret(&created));

    // Token management and the people-only profile are closed to tokens.
    assert_problem(bot.get("/api/v1/tokens").await, StatusCode::FORBIDDEN, "forbidden").await;
    let res = bot.post("/api/v1/tokens", &json!({"name": "x", "scopes": ["deals:read"]})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = bot.delete(&format!("/api/v1/tokens/{}", created["id"].as_str().unwrap())).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(bot.get("/api/v1/me").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.count("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL").await, 1);
}

#[actix_web::test]
async fn using_a_token_records_last_used_at() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let created = create_token(&ann, "Reader", &["deals:read"]).await;
    // Authentication succeeds (403 is authorization), which counts as use.
    assert_eq!(app.bearer(secret(&created)).get("/api/v1/tokens").await.status(), StatusCode::FORBIDDEN);
    let items = list(&ann).await;
    assert!(items[0]["last_used_at"].is_string(), "last_used_at after use: {}", items[0]);
}

#[actix_web::test]
async fn a_revoked_token_is_refused_on_the_next_request() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let created = create_token(&ann, "Reader", &["deals:read"]).await;
    let bot = app.bearer(secret(&created));
    assert_eq!(bot.get("/api/v1/tokens").await.status(), StatusCode::FORBIDDEN, "authenticates before revocation");

    let path = format!("/api/v1/tokens/{}", created["id"].as_str().unwrap());
    assert_eq!(ann.browser.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(bot.get("/api/v1/tokens").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert!(list(&ann).await.is_empty(), "revoked tokens are not listed");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'token.revoked'").await, 1);

    // Revoking again answers exactly like an id that never existed.
    let again = assert_problem(ann.browser.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    let res = ann.browser.delete(&format!("/api/v1/tokens/{}", uuid::Uuid::new_v4())).await;
    let random = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(again["detail"], random["detail"]);
    let res = ann.browser.delete("/api/v1/tokens/not-a-uuid").await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'token.revoked'").await, 1);
}

#[actix_web::test]
async fn bad_names_and_scopes_are_rejected_and_nothing_is_stored() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let long = "x".repeat(101);
    for (body, field, why) in [
        (json!({"name": "x", "scopes": ["deals:read", "deals:admin"]}), "scopes[1]", "unknown scope"),
        (json!({"name": "x", "scopes": []}), "scopes", "no scopes"),
        (json!({"name": "x", "scopes": ["deals:read", "deals:read"]}), "scopes[1]", "duplicate scope"),
        (json!({"name": "", "scopes": ["deals:read"]}), "name", "empty name"),
        (json!({"name": "  ", "scopes": ["deals:read"]}), "name", "blank name"),
        (json!({"name": long, "scopes": ["deals:read"]}), "name", "name over 100 characters"),
    ] {
        let res = ann.browser.post("/api/v1/tokens", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "validation_failed", "{why}");
        assert_eq!(problem["errors"][0]["field"], field, "{why}: {problem}");
    }
    let res = ann.browser.post("/api/v1/tokens", &json!({"name": "x", "scopes": ["deals:admin"]})).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(problem["detail"].as_str().unwrap().contains("deals:admin"), "names the unknown scope: {problem}");
    let res = ann.browser.post("/api/v1/tokens", &json!({"name": "x", "scopes": ["deals:read"], "admin": true})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 0);
}

#[actix_web::test]
async fn only_owners_manage_tokens() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let created = create_token(&ann, "Reader", &["deals:read"]).await;
    let path = format!("/api/v1/tokens/{}", created["id"].as_str().unwrap());
    for role in ["manager", "rep", "viewer"] {
        let who = app.member_of(&ann, &format!("{role}@example.com"), role).await;
        assert_problem(who.browser.get("/api/v1/tokens").await, StatusCode::FORBIDDEN, "forbidden").await;
        let res = who.browser.post("/api/v1/tokens", &json!({"name": "x", "scopes": ["deals:read"]})).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        assert_problem(who.browser.delete(&path).await, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(app.count("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL").await, 1);
}

#[actix_web::test]
async fn another_workspaces_token_cannot_be_revoked_or_listed() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Globex").await;
    let created = create_token(&ann, "Reader", &["deals:read"]).await;
    let path = format!("/api/v1/tokens/{}", created["id"].as_str().unwrap());

    let cross = assert_problem(bob.browser.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    let res = bob.browser.delete(&format!("/api/v1/tokens/{}", uuid::Uuid::new_v4())).await;
    let random = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(cross["detail"], random["detail"], "indistinguishable from a random id");
    assert!(list(&bob).await.is_empty(), "bob sees none of ann's tokens");

    // The token still authenticates.
    assert_eq!(app.bearer(secret(&created)).get("/api/v1/tokens").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL").await, 1);
}

#[actix_web::test]
async fn bearer_requests_need_no_csrf_token_but_cookie_requests_do() {
    let app = spawn_app().await;
    let mut ann = app.signup("ann@example.com", "Acme").await;
    let created = create_token(&ann, "Reader", &["deals:read"]).await;
    // A POST with a bearer token and no CSRF header gets past authentication
    // (and is then refused by the permission matrix, not by CSRF).
    let res =
        app.bearer(secret(&created)).post("/api/v1/tokens", &json!({"name": "x", "scopes": ["deals:read"]})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    ann.browser.csrf = None;
    let res = ann.browser.post("/api/v1/tokens", &json!({"name": "x", "scopes": ["deals:read"]})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "csrf_failed").await;
}

#[actix_web::test]
async fn an_unknown_or_malformed_bearer_token_is_unauthenticated() {
    let app = spawn_app().await;
    for token in ["pulse_nope", "not-even-pulse"] {
        let res = app.bearer(token).get("/api/v1/tokens").await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
}

#[actix_web::test]
async fn a_token_revoked_on_one_node_is_refused_by_another_within_the_cache_bound() {
    let db = fresh_database().await;
    let a = spawn_app_on(&db, |_| {}).await;
    let b = spawn_app_on(&db, |_| {}).await;
    let ann = a.signup("ann@example.com", "Acme").await;
    let created = create_token(&ann, "Reader", &["deals:read"]).await;
    // Node B resolves the token and keeps it in its credential cache.
    let bot_on_b = b.bearer(secret(&created));
    assert_eq!(bot_on_b.get("/api/v1/deals").await.status(), StatusCode::OK);

    let path = format!("/api/v1/tokens/{}", created["id"].as_str().unwrap());
    assert_eq!(ann.browser.delete(&path).await.status(), StatusCode::NO_CONTENT);
    // Node A refuses at once; node B once its entry is older than
    // PULSE_AUTH_CACHE_MS (1 s): polled for up to 5 s, never forever.
    assert_problem(a.bearer(secret(&created)).get("/api/v1/deals").await, StatusCode::UNAUTHORIZED, "unauthenticated")
        .await;
    let mut refused = false;
    for _ in 0..50 {
        if bot_on_b.get("/api/v1/deals").await.status() == StatusCode::UNAUTHORIZED {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refused, "node B still accepts a token revoked on node A");
}
