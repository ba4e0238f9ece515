//! Event delivery over the stream: order, gap-freedom, resume, reset,
//! filtering and slow consumers, with real member changes as the events.

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, SignedIn, TestApp};
use crate::stream::token_with;
use crate::ws::{connect, WsAuth, WsClient};

/// Produces `member.updated` events by flipping members between rep and
/// viewer. It tracks each member's role, so every request is a real change
/// (setting the role a member already has is a no-op with no event).
struct Churn<'a> {
    owner: &'a SignedIn,
    members: Vec<(uuid::Uuid, bool)>,
}

impl<'a> Churn<'a> {
    /// `lanes` reps in the owner's workspace; changes to different reps run
    /// concurrently.
    async fn new(app: &TestApp, owner: &'a SignedIn, lanes: usize) -> Churn<'a> {
        let mut members = Vec::new();
        for i in 0..lanes {
            let rep = app.member_of(owner, &format!("churn{i}@example.com"), "rep").await;
            members.push((rep.user_id, false));
        }
        Churn { owner, members }
    }

    /// Exactly `n` events.
    async fn events(&mut self, n: usize) {
        let mut left = n;
        while left > 0 {
            let batch = left.min(self.members.len());
            let owner = self.owner;
            let reqs = self.members.iter_mut().take(batch).map(|(id, viewer)| {
                *viewer = !*viewer;
                let role = if *viewer { "viewer" } else { "rep" };
                let path = format!("/api/v1/members/{id}");
                async move {
                    let res = owner.browser.patch(&path, &json!({ "role": role })).await;
                    assert_eq!(res.status(), StatusCode::OK);
                }
            });
            join_all(reqs).await;
            left -= batch;
        }
    }
}

async fn subscriber(app: &TestApp, who: &SignedIn, since: Option<i64>) -> (WsClient, Value) {
    let mut ws = connect(app, WsAuth::Cookie(&who.browser, Some(&app.address)), false).await.unwrap();
    let welcome = ws.welcome().await;
    let sub = ws.subscribe(&["workspace"], since).await;
    (ws, if sub["msg"] == "subscribed" { welcome } else { sub })
}

/// Reads `n` events and checks they are contiguous after `after`, with a
/// correct `prev` chain; returns the last seq.
async fn expect_contiguous(ws: &mut WsClient, after: i64, n: usize) -> i64 {
    let mut last = after;
    for _ in 0..n {
        let e = ws.next().await;
        assert_eq!(e["msg"], "event", "{e}");
        assert_eq!(e["seq"].as_i64(), Some(last + 1), "gap or duplicate: {e}");
        if last > 0 {
            assert_eq!(e["prev"].as_i64(), Some(last), "prev chain: {e}");
        }
        last += 1;
    }
    last
}

#[actix_web::test]
async fn many_subscribers_receive_every_event_in_order_without_gaps() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 8).await;
    let manager = app.member_of(&owner, "mgr@example.com", "manager").await;
    let mut subs = Vec::new();
    for who in [&owner, &manager, &owner, &manager, &owner, &manager, &owner, &manager] {
        subs.push(subscriber(&app, who, None).await);
    }
    let start = subs[0].1["seq"].as_i64().unwrap();
    churn.events(40).await;
    for (ws, welcome) in subs.iter_mut() {
        assert_eq!(welcome["seq"].as_i64(), Some(start));
        let first = ws.next().await;
        assert_eq!(first["seq"].as_i64(), Some(start + 1));
        assert!(first["prev"].is_null(), "first event on a fresh subscription has no prev");
        assert_eq!(first["type"], "member.updated");
        assert_eq!(first["topic"], "workspace");
        assert_eq!(first["actor"]["type"], "user");
        expect_contiguous(ws, start + 1, 39).await;
    }
}

#[actix_web::test]
async fn members_of_another_workspace_and_tokens_without_a_read_scope_see_nothing() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 1).await;
    let outsider = app.signup("out@example.com", "Elsewhere").await;
    let (mut other, _) = subscriber(&app, &outsider, None).await;
    let token = token_with(&owner, &["events:subscribe"]).await;
    let mut by_token = connect(&app, WsAuth::Bearer(&token), false).await.unwrap();
    by_token.welcome().await;
    assert_eq!(by_token.subscribe(&["workspace"], None).await["msg"], "subscribed");
    let (mut mine, _) = subscriber(&app, &owner, None).await;
    churn.events(3).await;
    assert_eq!(mine.next().await["type"], "member.updated");
    assert!(other.next_within(Duration::from_millis(300)).await.is_none(), "another workspace's event leaked");
    assert!(by_token.next_within(Duration::from_millis(300)).await.is_none(), "tokens never see member events");
}

#[actix_web::test]
async fn resuming_from_the_ring_replays_exactly_what_was_missed_then_goes_live() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 1).await;
    let (mut ws, welcome) = subscriber(&app, &owner, None).await;
    let start = welcome["seq"].as_i64().unwrap();
    churn.events(5).await;
    // The client processes three events, then its connection drops.
    let processed = expect_contiguous(&mut ws, start, 3).await;
    drop(ws);
    churn.events(2).await;
    let (mut back, sub) = subscriber(&app, &owner, Some(processed)).await;
    assert_eq!(sub["msg"], "welcome");
    let last = expect_contiguous(&mut back, processed, 4).await;
    churn.events(1).await;
    expect_contiguous(&mut back, last, 1).await;
    assert!(back.next_within(Duration::from_millis(200)).await.is_none(), "no duplicate after the seam");
}

#[actix_web::test]
async fn resuming_from_older_than_the_ring_reads_the_table_without_a_gap_or_duplicate() {
    let app = spawn_app_with(|s| {
        s.stream_ring_events = 3;
        s.stream_ring_secs = 0;
    })
    .await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 1).await;
    let (_keep_actor_alive, welcome) = subscriber(&app, &owner, None).await;
    let start = welcome["seq"].as_i64().unwrap();
    churn.events(12).await;
    // Resume from the start while more changes keep coming (the seam).
    let (mut back, sub) = {
        // Enough concurrent events that the small ring moves on while the
        // table is read, so the replay must read on (not reset).
        let producer = churn.events(30);
        let consumer = subscriber(&app, &owner, Some(start));
        let (_, c) = futures_util::join!(producer, consumer);
        c
    };
    assert_eq!(sub["msg"], "welcome", "{sub}");
    expect_contiguous(&mut back, start, 42).await;
    assert!(back.next_within(Duration::from_millis(300)).await.is_none(), "no duplicate at the seam");
}

#[actix_web::test]
async fn a_position_that_cannot_be_served_gets_a_reset_not_a_partial_replay() {
    let app = spawn_app_with(|s| {
        s.stream_ring_events = 2;
        s.stream_ring_secs = 0;
    })
    .await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 1).await;
    let (_alive, welcome) = subscriber(&app, &owner, None).await;
    let start = welcome["seq"].as_i64().unwrap();
    churn.events(8).await;
    let head = start + 8;
    // Events past retention are gone from the table.
    app.db().await.execute("DELETE FROM events WHERE seq <= $1", &[&(start + 3)]).await.unwrap();
    let mut ws = connect(&app, WsAuth::Cookie(&owner.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    for (since, epoch, reason) in [
        (json!(start + 1), None, "too_old"),
        (json!(head + 5), None, "unknown_position"),
        (json!(head), Some(99), "epoch_changed"),
    ] {
        let mut m = json!({"msg": "subscribe", "topics": ["workspace"], "since": since});
        if let Some(e) = epoch {
            m["epoch"] = json!(e);
        }
        ws.send(m).await;
        let r = ws.next().await;
        assert_eq!(r["msg"], "reset", "{r}");
        assert_eq!(r["reason"], reason);
        assert_eq!(r["seq"].as_i64(), Some(head));
    }
    // Nothing from the refused subscriptions arrives.
    churn.events(1).await;
    assert!(ws.next_within(Duration::from_millis(300)).await.is_none());
}

#[actix_web::test]
async fn json_and_msgpack_subscribers_receive_identical_events() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 1).await;
    let (mut json_ws, _) = subscriber(&app, &owner, None).await;
    let mut mp = connect(&app, WsAuth::Cookie(&owner.browser, Some(&app.address)), true).await.unwrap();
    mp.welcome().await;
    mp.subscribe(&["workspace"], None).await;
    churn.events(3).await;
    for _ in 0..3 {
        assert_eq!(json_ws.next().await, mp.next().await);
    }
}

#[actix_web::test]
async fn a_client_that_stops_reading_is_closed_at_its_bound_while_others_keep_receiving() {
    let app = spawn_app_with(|s| {
        s.ws_outbound_max_bytes = 4096;
        s.socket_send_buffer = Some(4096);
    })
    .await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 6).await;
    let slow = crate::ws::connect_slow(&app, &owner.browser).await;
    let (mut fast, welcome) = subscriber(&app, &owner, None).await;
    let start = welcome["seq"].as_i64().unwrap();
    let total = 600;
    let reader = async {
        expect_contiguous(&mut fast, start, total).await;
    };
    futures_util::join!(churn.events(total), reader);
    assert_eq!(crate::ws::drain_until_close(slow, Duration::from_secs(10)).await, Some(4008));
}

/// Whether the server's side of the loopback connection from `client` is
/// established (`/proc/net/tcp`: addresses in hex, IPv4 little-endian).
fn server_side_established(server_port: u16, client: std::net::SocketAddr) -> bool {
    let (local, remote) = (format!("0100007F:{server_port:04X}"), format!("0100007F:{:04X}", client.port()));
    std::fs::read_to_string("/proc/net/tcp").unwrap().lines().skip(1).any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.get(1) == Some(&local.as_str()) && f.get(2) == Some(&remote.as_str()) && f.get(3) == Some(&"01")
    })
}

/// Fills a never-reading client's socket until its session is closed at
/// the bound; then whether the server's side of that connection is still
/// established after `wait`.
async fn stalled_connection_after(user_timeout_secs: u64, wait: Duration) -> bool {
    let app = spawn_app_with(|s| {
        s.ws_outbound_max_bytes = 4096;
        s.socket_send_buffer = Some(4096);
        s.tcp_user_timeout_secs = user_timeout_secs;
    })
    .await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let mut churn = Churn::new(&app, &owner, 6).await;
    let slow = crate::ws::connect_slow(&app, &owner.browser).await;
    let client = slow.get_ref().local_addr().unwrap();
    assert!(server_side_established(app.port, client));
    churn.events(600).await;
    let deadline = tokio::time::Instant::now() + wait;
    while server_side_established(app.port, client) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let established = server_side_established(app.port, client);
    drop(slow);
    established
}

#[actix_web::test]
async fn a_client_that_never_reads_again_is_dropped_by_the_socket_within_its_user_timeout() {
    // Its session closed at the bound, but the close frame cannot get into
    // the full socket: the kernel gives up on the connection after the
    // user timeout (1 s here, then the next zero-window probe)...
    assert!(!stalled_connection_after(1, Duration::from_secs(20)).await, "still established after 20 s");
    // ... and without one, the connection stays open.
    assert!(stalled_connection_after(0, Duration::from_secs(3)).await, "closed without a user timeout");
}
