//! Two Pulse nodes sharing PostgreSQL and a Redis of the test's own, which
//! the test stops and restarts.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{fresh_database, spawn_app_on, Browser, TestApp};
use crate::ws::{connect, WsAuth, WsClient};

/// A private redis-server on a free loopback port, killed on drop.
struct Redis {
    port: u16,
    child: Option<Child>,
}

impl Redis {
    fn start() -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut r = Redis { port, child: None };
        r.restart();
        r
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed (scripts/test installs it)");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not start");
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn two_nodes(redis: &Redis) -> (TestApp, TestApp) {
    let db = fresh_database().await;
    let url = redis.url();
    let a = spawn_app_on(&db, |s| s.redis_url = Some(url.clone())).await;
    let b = spawn_app_on(&db, |s| s.redis_url = Some(url.clone())).await;
    (a, b)
}

/// `owner`'s browser pointed at another node (cookies are per host).
fn on(node: &TestApp, b: &Browser) -> Browser {
    Browser { base: node.address.clone(), ..b.clone() }
}

async fn subscribe_on(node: &TestApp, b: &Browser) -> (WsClient, i64) {
    let mut ws = connect(node, WsAuth::Cookie(b, Some(&node.address)), false).await.unwrap();
    let w = ws.welcome().await;
    assert_eq!(ws.subscribe(&["workspace"], None).await["msg"], "subscribed");
    (ws, w["seq"].as_i64().unwrap())
}

async fn flip(b: &Browser, member: uuid::Uuid, i: usize) {
    let role = if i.is_multiple_of(2) { "viewer" } else { "rep" };
    let res = b.patch(&format!("/api/v1/members/{member}"), &json!({ "role": role })).await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn expect_seqs(ws: &mut WsClient, from: i64, to: i64) {
    for seq in from..=to {
        let e: Value = ws.next().await;
        assert_eq!(e["seq"].as_i64(), Some(seq), "{e}");
    }
}

#[actix_web::test]
async fn a_change_made_through_node_a_reaches_a_client_on_node_b() {
    let redis = Redis::start();
    let (a, b) = two_nodes(&redis).await;
    let owner = a.signup("owner@example.com", "Acme").await;
    let rep = a.member_of(&owner, "rep@example.com", "rep").await;
    let (mut on_b, start) = subscribe_on(&b, &on(&b, &owner.browser)).await;
    for i in 0..5 {
        flip(&owner.browser, rep.user_id, i).await;
    }
    expect_seqs(&mut on_b, start + 1, start + 5).await;
}

#[actix_web::test]
async fn when_redis_stops_and_comes_back_the_client_on_node_b_misses_nothing() {
    let mut redis = Redis::start();
    let (a, b) = two_nodes(&redis).await;
    let owner = a.signup("owner@example.com", "Acme").await;
    let rep = a.member_of(&owner, "rep@example.com", "rep").await;
    let (mut on_b, start) = subscribe_on(&b, &on(&b, &owner.browser)).await;
    flip(&owner.browser, rep.user_id, 0).await;
    expect_seqs(&mut on_b, start + 1, start + 1).await;

    redis.stop();
    for i in 1..4 {
        flip(&owner.browser, rep.user_id, i).await;
    }
    redis.restart();
    // Node B resubscribes, catches up from the table, and carries on live.
    expect_seqs(&mut on_b, start + 2, start + 4).await;
    flip(&owner.browser, rep.user_id, 4).await;
    expect_seqs(&mut on_b, start + 5, start + 5).await;
    assert!(on_b.next_within(Duration::from_millis(300)).await.is_none(), "no duplicates");
}

#[actix_web::test]
async fn a_token_revoked_through_node_a_is_forgotten_by_node_b_at_once() {
    let redis = Redis::start();
    let (a, b) = two_nodes(&redis).await;
    let owner = a.signup("owner@example.com", "Acme").await;
    let token = crate::stream::token_with(&owner, &["events:subscribe"]).await;
    // Node B remembers the token from its first handshake.
    connect(&b, WsAuth::Bearer(&token), false).await.unwrap().welcome().await;
    let mut on_b = connect(&b, WsAuth::Bearer(&token), false).await.unwrap();
    on_b.welcome().await;
    let list: Value = owner.browser.get("/api/v1/tokens").await.json().await.unwrap();
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(owner.browser.delete(&format!("/api/v1/tokens/{id}")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(on_b.closed_with(Duration::from_secs(1)).await, Some(4001));
    assert_eq!(connect(&b, WsAuth::Bearer(&token), false).await.err(), Some(401), "not recalled from memory");
}
