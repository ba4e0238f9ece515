//! `Idempotency-Key` on POST: replays, reuse with another body, keys in
//! progress, expiry, validation and per-credential scoping. Token creation
//! is the idempotent create under test.

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{assert_problem, spawn_app, TestApp, PASSWORD};

/// A signed-up owner whose raw session cookie the test knows, so it can
/// compute the idempotency principal the way the server does.
struct Session {
    base: String,
    http: reqwest::Client,
    cookie: String,
    csrf: String,
}

impl Session {
    async fn signup(app: &TestApp, email: &str) -> Session {
        let http = reqwest::Client::new();
        let res = http
            .post(format!("{}/api/v1/auth/signup", app.address))
            .json(&json!({"email": email, "password": PASSWORD, "name": "Test", "workspace_name": "Acme"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("pulse_session="))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .expect("a session cookie");
        let body: Value = res.json().await.unwrap();
        let csrf = body["csrf_token"].as_str().unwrap().to_owned();
        Session { base: app.address.clone(), http, cookie, csrf }
    }

    /// The idempotency principal: hex SHA-256 of the cookie value.
    fn principal(&self) -> String {
        hex::encode(Sha256::digest(self.cookie.as_bytes()))
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.http
            .request(Method::POST, format!("{}{path}", self.base))
            .header("cookie", format!("pulse_session={}", self.cookie))
            .header("x-csrf-token", &self.csrf)
    }

    async fn create(&self, key: &str, body: &Value) -> Response {
        self.post("/api/v1/tokens").header("idempotency-key", key).json(body).send().await.unwrap()
    }
}

fn token_body(name: &str) -> Value {
    json!({"name": name, "scopes": ["deals:read"]})
}

fn replayed(res: &Response) -> bool {
    res.headers().get("idempotency-replayed").is_some_and(|v| v == "true")
}

#[actix_web::test]
async fn a_retry_with_the_same_key_replays_the_first_response() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    let first = ann.create("create-zapier-1", &token_body("Zapier")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(!replayed(&first), "the first response is not a replay");
    let first_type = first.headers().get("content-type").cloned();
    let first_body = first.text().await.unwrap();

    let again = ann.create("create-zapier-1", &token_body("Zapier")).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert!(replayed(&again), "Idempotency-Replayed: true on the replay");
    assert_eq!(again.headers().get("content-type").cloned(), first_type);
    assert!(again.headers().get("x-request-id").is_some(), "replays still get the usual headers");
    assert!(again.headers().get("set-cookie").is_none());
    let again_body = again.text().await.unwrap();
    assert_eq!(again_body, first_body, "same token id and secret");
    let token: Value = serde_json::from_str(&again_body).unwrap();
    assert!(token["token"].as_str().unwrap().starts_with("pulse_"));
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 1, "one token, however many retries");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'token.created'").await, 1);
}

#[actix_web::test]
async fn reusing_a_key_for_a_different_request_is_refused() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    assert_eq!(ann.create("k", &token_body("Zapier")).await.status(), StatusCode::CREATED);
    let res = ann.create("k", &token_body("Make")).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").await;
    let res = ann.post("/api/v1/me/active-workspace").header("idempotency-key", "k").json(&json!({})).send().await;
    assert_problem(res.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").await;
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 1, "nothing new created");
}

#[actix_web::test]
async fn a_key_whose_first_request_is_still_running_answers_409() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    // The same claim the middleware makes before running the handler.
    let body = serde_json::to_vec(&token_body("Zapier")).unwrap();
    let mut hash = Sha256::new();
    hash.update(b"POST\n/api/v1/tokens\n");
    hash.update(&body);
    let hash = hash.finalize().to_vec();
    app.db()
        .await
        .execute(
            "INSERT INTO idempotency_keys (principal, key, method, path, request_hash) VALUES ($1, 'busy', 'POST', '/api/v1/tokens', $2)",
            &[&ann.principal(), &hash],
        )
        .await
        .unwrap();
    let res = ann.create("busy", &token_body("Zapier")).await;
    assert_problem(res, StatusCode::CONFLICT, "idempotency_in_progress").await;
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 0);
}

#[actix_web::test]
async fn a_key_older_than_a_day_runs_again() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    let first: Value = ann.create("daily", &token_body("Zapier")).await.json().await.unwrap();
    app.db().await.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'", &[]).await.unwrap();
    let res = ann.create("daily", &token_body("Zapier")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(!replayed(&res), "an expired key is not replayed");
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["id"], first["id"]);
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM idempotency_keys WHERE created_at > now() - interval '1 hour'").await,
        1
    );

    // And the fresh claim replays as usual.
    let res = ann.create("daily", &token_body("Zapier")).await;
    assert!(replayed(&res));
    let third: Value = res.json().await.unwrap();
    assert_eq!(third["id"], second["id"]);
}

#[actix_web::test]
async fn malformed_keys_are_rejected_before_anything_runs() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    let long = "k".repeat(256);
    for (key, why) in [(long.as_str(), "256 characters"), ("has space", "a space"), ("tab\there", "a tab")] {
        let res = ann.create(key, &token_body("Zapier")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{why}");
        assert_problem(res, StatusCode::BAD_REQUEST, "bad_idempotency_key").await;
    }
    let res = ann
        .post("/api/v1/tokens")
        .header("idempotency-key", "a")
        .header("idempotency-key", "b")
        .json(&token_body("Zapier"))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "bad_idempotency_key").await;
    assert_eq!(ann.create(&"k".repeat(255), &token_body("Zapier")).await.status(), StatusCode::CREATED, "255 is fine");
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 1);
}

#[actix_web::test]
async fn different_credentials_using_the_same_key_do_not_collide() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    let bob = Session::signup(&app, "bob@example.com").await;
    let a = ann.create("shared-key", &token_body("Zapier")).await;
    let b = bob.create("shared-key", &token_body("Zapier")).await;
    assert_eq!((a.status(), b.status()), (StatusCode::CREATED, StatusCode::CREATED));
    assert!(!replayed(&b), "bob's request runs for bob");
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_ne!(a["id"], b["id"]);
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 2);
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys").await, 2);

    // A bearer token is a credential of its own too.
    let bot = app.bearer(a["token"].as_str().unwrap());
    let res = bot.request(Method::POST, "/api/v1/tokens").header("idempotency-key", "shared-key");
    let res = res.json(&token_body("Zapier")).send().await.unwrap();
    assert!(!replayed(&res));
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let principal = hex::encode(Sha256::digest(a["token"].as_str().unwrap().as_bytes()));
    let stored: i64 = app
        .db()
        .await
        .query_one("SELECT count(*) FROM idempotency_keys WHERE principal = $1", &[&principal])
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 1, "keyed by the SHA-256 of the bearer token");
}

#[actix_web::test]
async fn requests_without_a_valid_credential_or_under_auth_are_left_alone() {
    let app = spawn_app().await;
    let anon = app.browser();
    let res = anon.request(Method::POST, "/api/v1/tokens").header("idempotency-key", "has space");
    let res = res.json(&token_body("Zapier")).send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let res = app.bearer("pulse_unknown").request(Method::POST, "/api/v1/tokens").header("idempotency-key", "k");
    let res = res.json(&token_body("Zapier")).send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let ann = Session::signup(&app, "ann@example.com").await;
    for _ in 0..2 {
        let res = ann
            .post("/api/v1/auth/login")
            .header("idempotency-key", "login")
            .json(&json!({"email": "ann@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(!replayed(&res), "logins are never replayed");
    }
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys").await, 0);
}

#[actix_web::test]
async fn an_oversized_body_with_a_key_is_a_413() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    let res = ann.create("big", &json!({"name": "x".repeat(300 * 1024), "scopes": ["deals:read"]})).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys").await, 0);
}

#[actix_web::test]
async fn client_errors_are_stored_and_replayed_too() {
    let app = spawn_app().await;
    let ann = Session::signup(&app, "ann@example.com").await;
    let bad = json!({"name": "x", "scopes": ["nope"]});
    assert_problem(ann.create("v", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = ann.create("v", &bad).await;
    assert!(replayed(&res));
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn the_prune_removes_only_keys_older_than_a_day() {
    let app = spawn_app().await;
    let db = app.db().await;
    for (key, age) in [("old", "25 hours"), ("fresh", "23 hours")] {
        db.execute(
            "INSERT INTO idempotency_keys (principal, key, method, path, request_hash, created_at)
             VALUES ('p', $1, 'POST', '/api/v1/tokens', '\\x00', now() - $2::text::interval)",
            &[&key, &age],
        )
        .await
        .unwrap();
    }
    let config: tokio_postgres::Config = app.database_url.parse().unwrap();
    let pool = pulse::db::build_pool(config, 2).unwrap();
    let client = pool.get().await.unwrap();
    // The server's own prune (run at start-up) may have beaten this call.
    let pruned = pulse::db::idempotency::delete_expired_idempotency_keys(&client).await.unwrap();
    assert!(pruned <= 1);
    let left: Vec<String> =
        db.query("SELECT key FROM idempotency_keys", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(left, vec!["fresh".to_owned()]);
}

#[actix_web::test]
async fn stored_responses_are_sealed_so_the_database_never_holds_a_token_secret() {
    let app = spawn_app().await;
    let s = Session::signup(&app, "ann@example.com").await;
    let first: Value = s.create("seal-1", &token_body("ci")).await.json().await.unwrap();
    let secret = first["token"].as_str().unwrap().to_owned();
    let stored: Vec<u8> =
        app.db().await.query_one("SELECT body FROM idempotency_keys WHERE key = 'seal-1'", &[]).await.unwrap().get(0);
    assert!(!stored.windows(secret.len()).any(|w| w == secret.as_bytes()), "secret stored in plain text");
    assert!(!stored.windows(4).any(|w| w == b"pulse_".get(..4).unwrap()), "token prefix visible in stored body");
    // The original credential still gets the identical response back.
    let again: Value = s.create("seal-1", &token_body("ci")).await.json().await.unwrap();
    assert_eq!(again["token"], secret);
}
