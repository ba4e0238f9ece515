//! Test harness: `spawn_app()` starts Pulse on port 0 against a fresh
//! database cloned from a template that was migrated once per schema.
#![allow(dead_code)] // The harness serves every test module; not all use every helper.

use std::str::FromStr;

use pulse::config::Settings;
use pulse::startup::Application;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Server URL the tests use; override with `PULSE_TEST_DATABASE_URL`.
fn admin_url() -> String {
    std::env::var("PULSE_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn url_for(db: &str) -> String {
    let mut u = url::Url::parse(&admin_url()).expect("PULSE_TEST_DATABASE_URL is a URL");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

async fn admin() -> tokio_postgres::Client {
    let config = tokio_postgres::Config::from_str(&admin_url()).unwrap();
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.expect("PostgreSQL for tests");
    tokio::spawn(conn);
    client
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The migrated template for the current schema, created once (across
/// processes too, under an advisory lock).
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("pulse_tpl_{}", pulse::db::fingerprint());
            let client = admin().await;
            client.execute("SELECT pg_advisory_lock(7071)", &[]).await.unwrap();
            let ready = client
                .query_opt("SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate", &[&name])
                .await
                .unwrap()
                .is_some();
            if !ready {
                client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
                pulse::db::prepare(&url_for(&name), 1).await.expect("migrate template");
                // Let the pool's connections go before marking it a template.
                client
                    .execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                        &[&name],
                    )
                    .await
                    .unwrap();
                client.batch_execute(&format!("ALTER DATABASE {name} IS_TEMPLATE true")).await.unwrap();
            }
            client.execute("SELECT pg_advisory_unlock(7071)", &[]).await.unwrap();
            name
        })
        .await
        .clone()
}

/// A fresh database cloned from the template; returns its URL.
pub async fn fresh_database() -> String {
    let template = template().await;
    let name = format!("pulse_test_{}", Uuid::new_v4().simple());
    let client = admin().await;
    client.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await.unwrap();
    url_for(&name)
}

/// A running Pulse.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub database_url: String,
}

/// Starts Pulse on port 0 with test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts Pulse after letting the test adjust its settings.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let database_url = fresh_database().await;
    spawn_app_on(&database_url, adjust).await
}

/// Starts Pulse on an existing database (a second node of a cluster).
pub async fn spawn_app_on(database_url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var_os("PULSE_TEST_LOG").is_some() {
        pulse::telemetry::init(pulse::config::LogFormat::Pretty);
    }
    let database_url = database_url.to_owned();
    let mut settings = Settings::for_database(&database_url);
    settings.workers = Some(1);
    settings.db_pool_size = 4;
    settings.db_actor_pool_size = 3;
    settings.rate_limit_per_minute = 100_000;
    // Tests drive the scheduler themselves, with a controllable clock.
    settings.scheduler = false;
    adjust(&mut settings);
    let app = Application::build(settings).await.expect("application starts");
    let port = app.port();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp { address: format!("http://127.0.0.1:{port}"), port, database_url }
}

impl TestApp {
    /// A direct database connection, for assertions on stored state.
    pub async fn db(&self) -> tokio_postgres::Client {
        let config = tokio_postgres::Config::from_str(&self.database_url).unwrap();
        let (client, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client
    }

    /// A browser-like client with a cookie jar and no session yet.
    pub fn browser(&self) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Browser {
            base: self.address.clone(),
            http: reqwest::Client::builder().cookie_provider(jar.clone()).build().unwrap(),
            csrf: None,
            jar: Some(jar),
        }
    }

    /// A client authenticating with `Authorization: Bearer`.
    pub fn bearer(&self, token: &str) -> Browser {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        Browser {
            base: self.address.clone(),
            http: reqwest::Client::builder().default_headers(headers).build().unwrap(),
            csrf: None,
            jar: None,
        }
    }

    /// Signs up a new user with their own workspace.
    pub async fn signup(&self, email: &str, workspace: &str) -> SignedIn {
        let mut b = self.browser();
        let res = b
            .post(
                "/api/v1/auth/signup",
                &json!({"email": email, "password": PASSWORD, "name": "Test User", "workspace_name": workspace}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "signup of {email}");
        let body: Value = res.json().await.unwrap();
        b.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
        SignedIn {
            user_id: body["user"]["id"].as_str().unwrap().parse().unwrap(),
            workspace_id: body["workspace"]["id"].as_str().unwrap().parse().unwrap(),
            email: email.to_owned(),
            browser: b,
        }
    }

    /// Signs up `email` and makes them a member of `owner`'s workspace with
    /// `role` (directly in the database), active there.
    pub async fn member_of(&self, owner: &SignedIn, email: &str, role: &str) -> SignedIn {
        let mut user = self.signup(email, "Own workspace").await;
        self.db()
            .await
            .execute(
                "INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3)",
                &[&owner.workspace_id, &user.user_id, &role],
            )
            .await
            .unwrap();
        let res = user.browser.post("/api/v1/me/active-workspace", &json!({"workspace_id": owner.workspace_id})).await;
        assert_eq!(res.status(), StatusCode::OK, "switch {email} to the shared workspace");
        user.workspace_id = owner.workspace_id;
        user
    }

    /// Counts rows matching a SQL query (first column, bigint).
    pub async fn count(&self, sql: &str) -> i64 {
        self.db().await.query_one(sql, &[]).await.unwrap().get(0)
    }
}

/// The password every test user has.
pub const PASSWORD: &str = "correct horse battery";

/// A signed-in user and their first workspace.
pub struct SignedIn {
    pub user_id: Uuid,
    pub workspace_id: Uuid,
    pub email: String,
    pub browser: Browser,
}

/// A reqwest client bound to the test server; adds `X-CSRF-Token` to
/// unsafe requests when it has one.
#[derive(Clone)]
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
    pub csrf: Option<String>,
    pub jar: Option<std::sync::Arc<reqwest::cookie::Jar>>,
}

impl Browser {
    /// The `Cookie` header this browser would send (for WebSocket handshakes).
    pub fn cookie_header(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = url::Url::parse(&self.base).unwrap();
        self.jar.as_ref()?.cookies(&url).map(|v| v.to_str().unwrap().to_owned())
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self.http.request(method.clone(), format!("{}{}", self.base, path));
        if method != Method::GET {
            if let Some(c) = &self.csrf {
                rb = rb.header("x-csrf-token", c);
            }
        }
        rb
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path).json(body).send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path).json(body).send().await.unwrap()
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PUT, path).json(body).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().await.unwrap()
    }

    /// Logs in with the test password, keeping the new CSRF token.
    pub async fn login(&mut self, email: &str) -> StatusCode {
        let res = self.post("/api/v1/auth/login", &json!({"email": email, "password": PASSWORD})).await;
        let status = res.status();
        if status == StatusCode::OK {
            let body: Value = res.json().await.unwrap();
            self.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
        }
        status
    }
}

/// Asserts a problem+json response with this status and code; returns it.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status, "status for expected problem `{code}`");
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(ct, "application/problem+json", "problem content type");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "problem code in {body}");
    assert!(body["request_id"].is_string(), "request id in problem {body}");
    body
}
