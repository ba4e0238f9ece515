//! Presence on `presence:{resource}` topics: state on join, coalesced
//! diffs, cleanup when a connection dies.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, SignedIn, TestApp};
use crate::ws::{connect, WsAuth, WsClient};

const BOARD: &str = "presence:board-1";

async fn look_at_board(app: &TestApp, who: &SignedIn) -> (WsClient, Value) {
    let mut ws = connect(app, WsAuth::Cookie(&who.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(ws.subscribe(&[BOARD], None).await["msg"], "subscribed");
    let state = ws.next().await;
    assert_eq!(state["msg"], "presence_state", "{state}");
    // The diff announcing this join reaches this socket too; skip it.
    diffs(&mut ws, Duration::from_millis(150)).await;
    (ws, state)
}

/// Reads presence diffs for `d`, returning (frames, joins, leaves).
async fn diffs(ws: &mut WsClient, d: Duration) -> (usize, Vec<String>, Vec<String>) {
    let (mut frames, mut joins, mut leaves) = (0, Vec::new(), Vec::new());
    while let Some(m) = ws.next_within(d).await {
        assert_eq!(m["msg"], "presence_diff", "{m}");
        frames += 1;
        joins.extend(m["joins"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()));
        leaves.extend(m["leaves"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()));
    }
    (frames, joins, leaves)
}

#[actix_web::test]
async fn joining_shows_who_is_there_and_others_see_the_join_and_the_leave() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "viewer").await;
    let (mut a, state) = look_at_board(&app, &ann).await;
    assert_eq!(state["users"], json!([ann.user_id.to_string()]));
    diffs(&mut a, Duration::from_millis(200)).await;
    let (b, state) = look_at_board(&app, &bob).await;
    let mut users: Vec<String> =
        state["users"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    users.sort();
    let mut expected = vec![ann.user_id.to_string(), bob.user_id.to_string()];
    expected.sort();
    assert_eq!(users, expected);
    let (_, joins, _) = diffs(&mut a, Duration::from_millis(300)).await;
    assert_eq!(joins, vec![bob.user_id.to_string()]);
    // The connection dies: Bob leaves.
    drop(b);
    let (_, _, leaves) = diffs(&mut a, Duration::from_millis(500)).await;
    assert_eq!(leaves, vec![bob.user_id.to_string()]);
}

#[actix_web::test]
async fn a_burst_of_joins_reaches_a_watcher_in_a_few_frames_not_one_per_join() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let (mut a, _) = look_at_board(&app, &ann).await;
    let mut others = Vec::new();
    for i in 0..12 {
        let m = app.member_of(&ann, &format!("m{i}@example.com"), "rep").await;
        others.push(m);
    }
    let mut sockets = Vec::new();
    for m in &others {
        let mut ws = connect(&app, WsAuth::Cookie(&m.browser, Some(&app.address)), false).await.unwrap();
        ws.welcome().await;
        ws.send(json!({"msg": "subscribe", "topics": [BOARD]})).await;
        sockets.push(ws);
    }
    let (frames, joins, _) = diffs(&mut a, Duration::from_millis(500)).await;
    assert_eq!(joins.len(), 12, "every join arrives");
    assert!(frames < 12, "joins are coalesced: {frames} frames for 12 joins");
}

#[actix_web::test]
async fn unsubscribing_from_presence_is_a_leave_and_a_users_second_tab_is_not_a_new_join() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "rep").await;
    let (mut a, _) = look_at_board(&app, &ann).await;
    let (mut b1, _) = look_at_board(&app, &bob).await;
    assert_eq!(diffs(&mut a, Duration::from_millis(300)).await.1, vec![bob.user_id.to_string()]);
    let (_b2, _) = look_at_board(&app, &bob).await;
    assert_eq!(diffs(&mut a, Duration::from_millis(300)).await.0, 0, "a second tab is no new join");
    b1.send(json!({"msg": "unsubscribe", "topics": [BOARD]})).await;
    assert_eq!(diffs(&mut a, Duration::from_millis(300)).await.0, 0, "still present in the other tab");
}

#[actix_web::test]
async fn subscribing_to_the_same_presence_twice_is_refused_so_one_unsubscribe_is_a_leave() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "rep").await;
    let (mut a, _) = look_at_board(&app, &ann).await;
    let (mut b, _) = look_at_board(&app, &bob).await;
    diffs(&mut a, Duration::from_millis(200)).await;
    let again = b.subscribe(&[BOARD], None).await;
    assert_eq!(again["code"], "already_subscribed", "{again}");
    b.send(json!({"msg": "unsubscribe", "topics": [BOARD]})).await;
    assert_eq!(diffs(&mut a, Duration::from_millis(400)).await.2, vec![bob.user_id.to_string()]);
}

#[actix_web::test]
async fn api_tokens_cannot_join_presence() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let token = crate::stream::token_with(&ann, &["events:subscribe"]).await;
    let mut ws = connect(&app, WsAuth::Bearer(&token), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(ws.subscribe(&[BOARD], None).await["code"], "invalid_topic");
}
