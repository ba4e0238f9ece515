//! The WebSocket stream: handshake authentication, the protocol, limits.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};
use crate::ws::{connect, WsAuth};

#[actix_web::test]
async fn a_browser_connects_with_its_cookie_from_the_allowed_origin() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    let w = ws.welcome().await;
    assert_eq!(w["workspace"], ann.workspace_id.to_string());
    assert_eq!(w["epoch"], 1);
    assert!(w["seq"].is_i64());
    assert_eq!(w["heartbeat_secs"], 25);
}

#[actix_web::test]
async fn cross_site_and_originless_cookie_handshakes_are_refused() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    assert_eq!(connect(&app, WsAuth::Cookie(&ann.browser, Some("https://evil.example")), false).await.err(), Some(403));
    assert_eq!(connect(&app, WsAuth::Cookie(&ann.browser, None), false).await.err(), Some(403));
    assert_eq!(connect(&app, WsAuth::None, false).await.err(), Some(401));
    assert_eq!(connect(&app, WsAuth::Bearer("pulse_not-a-token"), false).await.err(), Some(401));
}

#[actix_web::test]
async fn a_ticket_opens_one_stream_once() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let res = ann.browser.post("/api/v1/stream/tickets", &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    let ticket = body["ticket"].as_str().unwrap().to_owned();
    let mut ws = connect(&app, WsAuth::Ticket(&ticket), false).await.unwrap();
    assert_eq!(ws.welcome().await["workspace"], ann.workspace_id.to_string());
    assert_eq!(connect(&app, WsAuth::Ticket(&ticket), false).await.err(), Some(401), "single use");
    assert_eq!(connect(&app, WsAuth::Ticket("made-up"), false).await.err(), Some(401));
}

#[actix_web::test]
async fn an_expired_ticket_is_refused() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let body: Value = ann.browser.post("/api/v1/stream/tickets", &json!({})).await.json().await.unwrap();
    app.db().await.execute("UPDATE stream_tickets SET expires_at = now() - interval '1 second'", &[]).await.unwrap();
    assert_eq!(connect(&app, WsAuth::Ticket(body["ticket"].as_str().unwrap()), false).await.err(), Some(401));
}

#[actix_web::test]
async fn subscribing_answers_with_the_stream_position_and_rejects_unknown_topics() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    let ok = ws.subscribe(&["workspace", "leads"], None).await;
    assert_eq!(ok["msg"], "subscribed");
    assert_eq!(ok["topics"], json!(["workspace", "leads"]));
    assert_eq!(ok["recovered"], false);
    let bad = ws.subscribe(&["everything"], None).await;
    assert_eq!(bad["msg"], "error");
    assert_eq!(bad["code"], "invalid_topic");
    ws.send(json!({"msg": "unsubscribe", "topics": ["leads"]})).await;
    assert_eq!(ws.next().await["msg"], "unsubscribed");
    ws.send(json!({"msg": "ping"})).await;
    assert_eq!(ws.next().await["msg"], "pong");
}

#[actix_web::test]
async fn malformed_frames_get_an_error_and_the_connection_survives() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    for bad in ["not json", "{\"msg\":\"explode\"}", "{\"msg\":\"subscribe\",\"topics\":7}", "[]"] {
        ws.send_raw(Message::Text(bad.into())).await;
        let e = ws.next().await;
        assert_eq!(e["msg"], "error", "{bad}");
        assert_eq!(e["code"], "bad_message", "{bad}");
    }
    ws.send_raw(Message::Binary(vec![0xc1, 0xff, 0x00])).await;
    assert_eq!(ws.next().await["code"], "bad_message");
    ws.send(json!({"msg": "ping"})).await;
    assert_eq!(ws.next().await["msg"], "pong");
}

#[actix_web::test]
async fn an_oversized_frame_closes_the_connection_with_1009() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    ws.send_raw(Message::Text("x".repeat(70 * 1024))).await;
    assert_eq!(ws.closed_with(Duration::from_secs(5)).await, Some(1009));
    // The server is fine afterwards.
    let mut again = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    again.welcome().await;
}

#[actix_web::test]
async fn msgpack_is_negotiated_by_subprotocol_and_carries_the_same_messages() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut json_ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    let mut mp_ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), true).await.unwrap();
    let a = json_ws.welcome().await;
    let b = mp_ws.welcome().await;
    assert_eq!(a["workspace"], b["workspace"]);
    assert_eq!(a["seq"], b["seq"]);
    let sa = json_ws.subscribe(&["workspace"], None).await;
    let sb = mp_ws.subscribe(&["workspace"], None).await;
    assert_eq!(sa, sb);
}

#[actix_web::test]
async fn connections_past_the_per_user_limit_are_refused_until_one_closes() {
    let app = spawn_app_with(|s| s.ws_max_per_user = 2).await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let origin = app.address.clone();
    let mut a = connect(&app, WsAuth::Cookie(&ann.browser, Some(&origin)), false).await.unwrap();
    let mut b = connect(&app, WsAuth::Cookie(&ann.browser, Some(&origin)), false).await.unwrap();
    a.welcome().await;
    b.welcome().await;
    assert_eq!(connect(&app, WsAuth::Cookie(&ann.browser, Some(&origin)), false).await.err(), Some(429));
    a.inner.close(None).await.unwrap();
    drop(a);
    let mut freed = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if let Ok(c) = connect(&app, WsAuth::Cookie(&ann.browser, Some(&origin)), false).await {
            freed = Some(c);
            break;
        }
    }
    freed.expect("a slot frees when a connection closes").welcome().await;
}

#[actix_web::test]
async fn logging_out_closes_that_sessions_sockets_within_a_second() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(ann.browser.post("/api/v1/auth/logout", &json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(ws.closed_with(Duration::from_secs(1)).await, Some(4001));
}

#[actix_web::test]
async fn a_plain_get_on_the_stream_is_a_problem_not_a_crash() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let res = ann
        .browser
        .request(reqwest::Method::GET, "/api/v1/stream")
        .header("origin", app.address.clone())
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "not_a_websocket").await;
}

/// Creates an API token for `owner` with these scopes; returns the secret.
pub async fn token_with(owner: &crate::helpers::SignedIn, scopes: &[&str]) -> String {
    let res = owner.browser.post("/api/v1/tokens", &json!({"name": "stream test", "scopes": scopes})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn tokens_need_events_subscribe_and_revocation_closes_their_sockets() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let without = token_with(&ann, &["deals:read"]).await;
    assert_eq!(connect(&app, WsAuth::Bearer(&without), false).await.err(), Some(403));
    let with = token_with(&ann, &["events:subscribe", "deals:read"]).await;
    let mut ws = connect(&app, WsAuth::Bearer(&with), false).await.unwrap();
    assert_eq!(ws.welcome().await["workspace"], ann.workspace_id.to_string());
    let list: Value = ann.browser.get("/api/v1/tokens").await.json().await.unwrap();
    let id = list["items"].as_array().unwrap().iter().find(|t| t["scopes"].as_array().unwrap().len() == 2).unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(ann.browser.delete(&format!("/api/v1/tokens/{id}")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(ws.closed_with(Duration::from_secs(1)).await, Some(4001));
    assert_eq!(connect(&app, WsAuth::Bearer(&with), false).await.err(), Some(401));
}

#[actix_web::test]
async fn suspending_a_member_closes_their_sockets_within_a_second_and_refuses_new_ones() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let rep = app.member_of(&owner, "rep@example.com", "rep").await;
    let mut ws = connect(&app, WsAuth::Cookie(&rep.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    let res = owner.browser.patch(&format!("/api/v1/members/{}", rep.user_id), &json!({"status": "suspended"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(ws.closed_with(Duration::from_secs(1)).await, Some(4001));
    assert_eq!(connect(&app, WsAuth::Cookie(&rep.browser, Some(&app.address)), false).await.err(), Some(403));
}

#[actix_web::test]
async fn logging_in_again_closes_the_sockets_of_the_session_it_replaces() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    let mut b = ann.browser.clone();
    assert_eq!(b.login("ann@example.com").await, StatusCode::OK);
    assert_eq!(ws.closed_with(Duration::from_secs(1)).await, Some(4001));
}

#[actix_web::test]
async fn a_client_that_never_answers_pings_is_closed_after_the_heartbeat_timeout() {
    let app = spawn_app_with(|s| s.ws_heartbeat_secs = 1).await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut silent = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    let mut lively = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    assert_eq!(silent.welcome().await["heartbeat_secs"], 1);
    lively.welcome().await;
    // `lively` keeps reading (tungstenite answers pings while it reads);
    // `silent` reads nothing, so it never answers a ping.
    let keep_reading = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(13);
        while tokio::time::Instant::now() < deadline {
            let _ = lively.next_within(Duration::from_millis(500)).await;
        }
    };
    keep_reading.await;
    // The server closed the silent socket (with 4002; tungstenite may report
    // the drop instead, as its pending pongs fail to write first).
    let code = silent.closed_with(Duration::from_secs(2)).await;
    assert!(matches!(code, Some(4002) | Some(1006)), "closed: {code:?}");
    let metrics = ann.browser.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("pulse_ws_connections 1\n"), "only the lively socket is left: {metrics}");
    lively.send(json!({"msg": "ping"})).await;
    assert_eq!(lively.next().await["msg"], "pong", "a client that answers stays connected");
}

#[actix_web::test]
async fn sockets_whose_credential_lapsed_without_a_kick_are_closed_by_the_recheck() {
    let app = spawn_app_with(|s| s.ws_recheck_secs = 1).await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let rep = app.member_of(&owner, "rep@example.com", "rep").await;
    let token = token_with(&owner, &["events:subscribe"]).await;
    let mut by_rep = connect(&app, WsAuth::Cookie(&rep.browser, Some(&app.address)), false).await.unwrap();
    let mut by_token = connect(&app, WsAuth::Bearer(&token), false).await.unwrap();
    let mut by_owner = connect(&app, WsAuth::Cookie(&owner.browser, Some(&app.address)), false).await.unwrap();
    for ws in [&mut by_rep, &mut by_token, &mut by_owner] {
        ws.welcome().await;
    }
    // Changed behind Pulse's back (as if the kick was lost with Redis, or
    // the session simply expired): no immediate close happens.
    let db = app.db().await;
    db.execute("UPDATE sessions SET expires_at = now() WHERE user_id = $1", &[&rep.user_id]).await.unwrap();
    db.execute("UPDATE api_tokens SET revoked_at = now()", &[]).await.unwrap();
    assert_eq!(by_rep.closed_with(Duration::from_secs(3)).await, Some(4001));
    assert_eq!(by_token.closed_with(Duration::from_secs(3)).await, Some(4001));
    by_owner.send(json!({"msg": "ping"})).await;
    assert_eq!(by_owner.next().await["msg"], "pong", "a live credential stays connected");
}

/// `credential`'s count in `pulse_stream_handshakes_total`.
async fn handshakes(b: &crate::helpers::Browser, credential: &str) -> u64 {
    let metrics = b.get("/metrics").await.text().await.unwrap();
    let prefix = format!("pulse_stream_handshakes_total{{credential=\"{credential}\"}} ");
    metrics.lines().find_map(|l| l.strip_prefix(&prefix)).and_then(|n| n.parse().ok()).unwrap()
}

#[actix_web::test]
async fn a_reconnect_is_authorized_from_memory_until_a_kick_forgets_it() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let rep = app.member_of(&owner, "rep@example.com", "rep").await;
    let token = token_with(&owner, &["events:subscribe"]).await;
    let cookie = || WsAuth::Cookie(&rep.browser, Some(&app.address));
    for _ in 0..3 {
        let mut ws = connect(&app, cookie(), false).await.unwrap();
        ws.welcome().await;
        let mut ws = connect(&app, WsAuth::Bearer(&token), false).await.unwrap();
        ws.welcome().await;
    }
    assert_eq!(handshakes(&owner.browser, "database").await, 2, "one lookup per credential");
    assert_eq!(handshakes(&owner.browser, "memory").await, 4, "the reconnects");
    // From memory, the Origin is still checked.
    assert_eq!(connect(&app, WsAuth::Cookie(&rep.browser, Some("https://evil.example")), false).await.err(), Some(403));

    // A role change kicks the rep: the next handshake reads the database
    // and the connection carries the new role.
    let res = owner.browser.patch(&format!("/api/v1/members/{}", rep.user_id), &json!({"role": "viewer"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut ws = connect(&app, cookie(), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(handshakes(&owner.browser, "database").await, 3);
    let sub = ws.subscribe(&["leads"], None).await;
    assert_eq!(sub["msg"], "subscribed", "{sub}");

    // Suspension: refused at once, though the cookie was remembered.
    let res = owner.browser.patch(&format!("/api/v1/members/{}", rep.user_id), &json!({"status": "suspended"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(ws.closed_with(Duration::from_secs(1)).await, Some(4001));
    assert_eq!(connect(&app, cookie(), false).await.err(), Some(403));
}

#[actix_web::test]
async fn remembered_credentials_expire_unless_an_open_socket_keeps_them_confirmed() {
    // Entries are trusted for two recheck intervals: 2 s here.
    let app = spawn_app_with(|s| s.ws_recheck_secs = 1).await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let kept = token_with(&owner, &["events:subscribe"]).await;
    let dropped = token_with(&owner, &["events:subscribe"]).await;
    let mut open = connect(&app, WsAuth::Bearer(&kept), false).await.unwrap();
    open.welcome().await;
    let mut closed = connect(&app, WsAuth::Bearer(&dropped), false).await.unwrap();
    closed.welcome().await;
    drop(closed);
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    let before = handshakes(&owner.browser, "database").await;
    // `kept` still has a socket, which the rechecks confirm every second.
    connect(&app, WsAuth::Bearer(&kept), false).await.unwrap().welcome().await;
    assert_eq!(handshakes(&owner.browser, "database").await, before, "kept confirmed by the recheck");
    // `dropped` had none: its entry expired, so it is looked up again, and a
    // revocation made behind Pulse's back (no kick) is seen.
    app.db().await.execute("UPDATE api_tokens SET revoked_at = now() WHERE name = 'stream test'", &[]).await.unwrap();
    assert_eq!(connect(&app, WsAuth::Bearer(&dropped), false).await.err(), Some(401));
}
