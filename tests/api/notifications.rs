//! Notifications: live delivery to the recipient only, the bell's unread
//! count under concurrent mark-read, preferences and workspace switches,
//! email templates, and the outbox's SMTP path against a sink the test
//! starts.

use std::time::Duration;

use chrono::Utc;
use pulse::notifications::email::{deliver_due, Mailer};
use pulse::notifications::{notify, NewNotification, Signal};
use pulse::scheduler::ManualClock;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, Browser, SignedIn, TestApp, PASSWORD};
use crate::ws::{connect, WsAuth, WsClient};

/// Invites `email` as a rep and accepts with a new account; returns the
/// new member's id.
pub async fn join(app: &TestApp, owner: &SignedIn, email: &str) -> Uuid {
    let res = owner.browser.post("/api/v1/invitations", &json!({"email": email, "role": "rep"})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "invite {email}");
    let token = res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let res = app
        .browser()
        .post(&format!("/api/v1/invitations/{token}/accept"), &json!({"name": "Newcomer", "password": PASSWORD}))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{email} accepts");
    res.json::<Value>().await.unwrap()["user"]["id"].as_str().unwrap().parse().unwrap()
}

async fn summary(b: &Browser) -> Value {
    let res = b.get("/api/v1/notifications/summary").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Polls the bell until `unread` is `want` (the actor applies committed
/// events just after the writing request returns); the last summary.
async fn unread_becomes(b: &Browser, want: i64) -> Value {
    let mut last = Value::Null;
    for _ in 0..50 {
        last = summary(b).await;
        if last["unread"] == want {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    panic!("unread never became {want}: {last}");
}

async fn stream(app: &TestApp, b: &Browser, topics: &[&str]) -> WsClient {
    let mut ws = connect(app, WsAuth::Cookie(b, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    let sub = ws.subscribe(topics, None).await;
    assert_eq!(sub["msg"], "subscribed", "{sub}");
    ws
}

/// Events received within `d`.
async fn events_within(ws: &mut WsClient, d: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + d;
    while let Some(v) = ws.next_within(deadline.saturating_duration_since(tokio::time::Instant::now())).await {
        if v["msg"] == "event" {
            out.push(v);
        }
    }
    out
}

#[actix_web::test]
async fn a_notification_reaches_only_its_recipient_live_on_the_notifications_topic() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let mut owner_ws = stream(&app, &owner.browser, &["notifications"]).await;
    let mut rep_ws = stream(&app, &rep.browser, &["notifications", "workspace"]).await;

    let newcomer = join(&app, &owner, "new@acme.test").await;

    let got = owner_ws.next().await;
    assert_eq!(got["msg"], "event", "{got}");
    assert_eq!(got["type"], "notification.created");
    assert_eq!(got["topic"], "notifications");
    let n = &got["data"]["notification"];
    assert_eq!(n["kind"], "invitation_accepted");
    assert_eq!(n["recipient_id"], owner.user_id.to_string());
    assert_eq!(n["link"], json!({"type": "member", "id": newcomer}));
    assert_eq!(n["actor_id"], newcomer.to_string());

    let seen: Vec<String> = events_within(&mut rep_ws, Duration::from_millis(500))
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(seen, vec!["member.joined"], "the rep sees the join on `workspace` but not the owner's notification");

    let bell = unread_becomes(&owner.browser, 1).await;
    assert_eq!(bell["latest"][0]["id"], n["id"]);
    assert_eq!(summary(&rep.browser).await["unread"], 0);
    let list: Value = rep.browser.get("/api/v1/notifications").await.json().await.unwrap();
    assert_eq!(list["items"], json!([]), "the rep's list holds none of the owner's notifications");
}

#[actix_web::test]
async fn the_unread_count_stays_right_when_two_tabs_mark_read_at_once() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    for i in 0..3 {
        join(&app, &owner, &format!("new{i}@acme.test")).await;
    }
    let mut tab2 = app.browser();
    assert_eq!(tab2.login("owner@acme.test").await, StatusCode::OK);
    let tab1 = owner.browser.clone();
    let bell = unread_becomes(&tab1, 3).await;
    let ids: Vec<String> =
        bell["latest"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 3);

    // Both tabs mark the same one: both succeed, it flips once.
    let path = format!("/api/v1/notifications/{}/read", ids[0]);
    let empty = json!({});
    let (a, b) = tokio::join!(tab1.post(&path, &empty), tab2.post(&path, &empty));
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let reads = app.count("SELECT count(*) FROM events WHERE type = 'notification.read'").await;
    assert_eq!(reads, 1, "marking an already-read notification emits nothing");
    unread_becomes(&tab2, 2).await;

    // One tab reads all while the other reads one of the same.
    let path = format!("/api/v1/notifications/{}/read", ids[1]);
    let (a, b) = tokio::join!(tab1.post("/api/v1/notifications/read-all", &empty), tab2.post(&path, &empty));
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let marked = a.json::<Value>().await.unwrap()["marked"].as_i64().unwrap();
    assert!(marked == 1 || marked == 2, "read-all marked {marked}");
    let bell = unread_becomes(&tab1, 0).await;
    assert!(bell["latest"].as_array().unwrap().iter().all(|n| n["read_at"].is_string()), "{bell}");
    assert_eq!(app.count("SELECT count(*) FROM notifications WHERE read_at IS NULL").await, 0);

    // A new one after all that counts from zero.
    join(&app, &owner, "late@acme.test").await;
    unread_becomes(&tab2, 1).await;
    let again = tab1.post("/api/v1/notifications/read-all", &json!({})).await;
    assert_eq!(again.json::<Value>().await.unwrap()["marked"], 1);
    let nothing = tab2.post("/api/v1/notifications/read-all", &json!({})).await;
    assert_eq!(nothing.json::<Value>().await.unwrap()["marked"], 0);
    unread_becomes(&tab1, 0).await;
}

#[actix_web::test]
async fn workspace_switches_and_member_preferences_decide_who_gets_what() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let second = app.member_of(&owner, "second@acme.test", "owner").await;
    let manager = app.member_of(&owner, "manager@acme.test", "manager").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;

    // A rep cannot switch signals off for everyone; a manager can.
    let off = json!({"invitation_accepted": false});
    assert_problem(rep.browser.patch("/api/v1/notification-settings", &off).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let res = manager.browser.patch("/api/v1/notification-settings", &off).await;
    assert_eq!(res.status(), StatusCode::OK);
    let settings: Value = res.json().await.unwrap();
    assert_eq!(settings["invitation_accepted"], false);
    assert_eq!(settings["stale_deals"], true);
    join(&app, &owner, "a@acme.test").await;
    assert_eq!(app.count("SELECT count(*) FROM notifications").await, 0, "a switched-off signal notifies nobody");

    // Back on; the second owner wants email only.
    let res = owner.browser.patch("/api/v1/notification-settings", &json!({"invitation_accepted": true})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let prefs = json!({"invitation_accepted": {"in_app": false, "email": true}});
    let res = second.browser.patch("/api/v1/me/notification-preferences", &prefs).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mine: Value = res.json().await.unwrap();
    assert_eq!(mine["invitation_accepted"], json!({"in_app": false, "email": true}));
    assert_eq!(mine["assignments"], json!({"in_app": true, "email": false}), "untouched signals keep the defaults");
    let theirs: Value = owner.browser.get("/api/v1/me/notification-preferences").await.json().await.unwrap();
    assert_eq!(theirs["invitation_accepted"], json!({"in_app": true, "email": false}), "preferences are per member");

    join(&app, &owner, "b@acme.test").await;
    let db = app.db().await;
    let in_app: Vec<Uuid> =
        db.query("SELECT recipient_id FROM notifications", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(in_app, vec![owner.user_id], "only the first owner wants it in-app");
    let mail: Vec<(String, String)> = db
        .query("SELECT to_address, status FROM email_outbox", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(mail, vec![("second@acme.test".to_owned(), "pending".to_owned())], "the second owner's email waits");
    let outbox: Value = owner.browser.get("/api/v1/outbox").await.json().await.unwrap();
    assert_eq!(outbox["items"][0]["to"], "second@acme.test");
    assert_eq!(outbox["items"][0]["status"], "pending");

    // Nobody is notified of their own action, and a non-member not at all.
    let pool = pulse::db::prepare(&app.database_url, 2).await.unwrap();
    let client = pool.get().await.unwrap();
    let own = NewNotification {
        recipient: rep.user_id,
        kind: Signal::Assignments,
        title: "You assigned yourself".into(),
        body: String::new(),
        link: None,
        actor: Some(pulse::auth::Actor::User(rep.user_id)),
    };
    assert!(notify(&client, owner.workspace_id, own.clone()).await.unwrap().is_none());
    let stranger = NewNotification { recipient: Uuid::new_v4(), actor: None, ..own.clone() };
    assert!(notify(&client, owner.workspace_id, stranger).await.unwrap().is_none());
    let by_owner = NewNotification { actor: Some(pulse::auth::Actor::User(owner.user_id)), ..own };
    let event = notify(&client, owner.workspace_id, by_owner).await.unwrap().expect("an event for the rep");
    assert_eq!(event.topic, "notifications");
    assert_eq!(event.visibility, pulse_actors::Visibility::Users(vec![rep.user_id]));
}

#[actix_web::test]
async fn bad_preferences_and_templates_are_4xx_problems() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let b = &owner.browser;
    for (path, body) in [
        ("/api/v1/notification-settings", json!({"stale_deals": null})),
        ("/api/v1/notification-settings", json!({"nonsense": true})),
        ("/api/v1/me/notification-preferences", json!({"stale_deals": {"sms": true}})),
        ("/api/v1/me/notification-preferences", json!({"stale_deals": true})),
        // An object in the schema is an object, never serde's array form.
        ("/api/v1/me/notification-preferences", json!({"stale_deals": [], "overdue_activities": []})),
        ("/api/v1/me/notification-preferences", json!({"nurture": [true, false]})),
        ("/api/v1/email-templates", json!({"name": "x", "subject": "Hi\u{1}", "body": "b"})),
        ("/api/v1/email-templates", json!({"name": "x", "subject": "Hi", "body": "nul \u{0}"})),
        ("/api/v1/email-templates", json!({"name": " ", "subject": "Hi", "body": "b"})),
    ] {
        let res = if path.contains("templates") { b.post(path, &body).await } else { b.patch(path, &body).await };
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let t = json!({"name": "Welcome", "subject": "Welcome {{contact.name}}", "body": "Hello {{contact.name}}, {{deal.title}}"});
    let res = b.post("/api/v1/email-templates", &t).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["placeholders"], json!(["contact.name", "deal.title"]));
    assert_problem(b.post("/api/v1/email-templates", &t).await, StatusCode::CONFLICT, "name_taken").await;
    let missing = format!("/api/v1/email-templates/{}", Uuid::now_v7());
    assert_problem(b.patch(&missing, &json!({"subject": "x"})).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(b.delete(&missing).await, StatusCode::NOT_FOUND, "not_found").await;
    let unknown = format!("/api/v1/notifications/{}/read", Uuid::now_v7());
    assert_problem(b.post(&unknown, &json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = b.get("/api/v1/email-templates").await.json().await.unwrap();
    assert_eq!(list["templates"].as_array().unwrap().len(), 1);
}

/// A one-message SMTP sink: accepts one connection, speaks just enough
/// SMTP to take one message, and hands back what it received.
async fn smtp_sink() -> (u16, tokio::sync::oneshot::Receiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut transcript = String::new();
        write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            transcript.push_str(&line);
            transcript.push('\n');
            let reply: &[u8] = if in_data {
                if line != "." {
                    continue;
                }
                in_data = false;
                b"250 queued\r\n"
            } else {
                let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                match verb.as_str() {
                    "EHLO" | "HELO" => b"250 sink\r\n",
                    "DATA" => {
                        in_data = true;
                        b"354 go ahead\r\n"
                    }
                    "QUIT" => {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    }
                    _ => b"250 ok\r\n",
                }
            };
            write.write_all(reply).await.unwrap();
        }
        let _ = tx.send(transcript);
    });
    (port, rx)
}

/// Queues one email for `to` through a notification with email chosen.
async fn queue_email(app: &TestApp, owner: &SignedIn, to: &SignedIn) {
    let prefs = json!({"assignments": {"in_app": false, "email": true}});
    assert_eq!(to.browser.patch("/api/v1/me/notification-preferences", &prefs).await.status(), StatusCode::OK);
    let pool = pulse::db::prepare(&app.database_url, 2).await.unwrap();
    let client = pool.get().await.unwrap();
    let n = NewNotification {
        recipient: to.user_id,
        kind: Signal::Assignments,
        title: "Deal <Big> assigned to you".into(),
        body: "Acme & Co".into(),
        link: Some(("deal", Uuid::now_v7())),
        actor: Some(pulse::auth::Actor::User(owner.user_id)),
    };
    assert!(notify(&client, owner.workspace_id, n).await.unwrap().is_none(), "email only: no in-app event");
}

#[actix_web::test]
async fn emails_are_delivered_over_smtp_to_a_local_sink() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    queue_email(&app, &owner, &rep).await;

    let (port, received) = smtp_sink().await;
    let mailer = Mailer::new(&format!("smtp://127.0.0.1:{port}"), "Pulse <pulse@acme.test>").unwrap();
    let pool = pulse::db::prepare(&app.database_url, 2).await.unwrap();
    let clock = ManualClock::new(Utc::now());
    let done = deliver_due(&pool, &mailer, &clock, 5, 10).await.unwrap();
    assert_eq!(done.sent, 1, "{done:?}");
    let transcript = tokio::time::timeout(Duration::from_secs(5), received).await.unwrap().unwrap();
    assert!(transcript.contains("RCPT TO:<rep@acme.test>"), "{transcript}");
    assert!(transcript.contains("MAIL FROM:<pulse@acme.test>"), "{transcript}");
    assert!(transcript.contains("Subject: Deal <Big> assigned to you"), "{transcript}");
    assert!(transcript.contains("Acme & Co"), "{transcript}");

    let outbox: Value = owner.browser.get("/api/v1/outbox?status=sent").await.json().await.unwrap();
    assert_eq!(outbox["items"][0]["status"], "sent");
    assert_eq!(outbox["items"][0]["attempts"], 1);
    assert!(outbox["items"][0]["sent_at"].is_string());
    assert_eq!(deliver_due(&pool, &mailer, &clock, 5, 10).await.unwrap().sent, 0, "nothing is sent twice");
}

#[actix_web::test]
async fn failed_deliveries_are_retried_with_backoff_and_then_shown_as_failed() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    queue_email(&app, &owner, &rep).await;

    // A port nobody listens on.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let mailer = Mailer::new(&format!("smtp://127.0.0.1:{port}"), "pulse@acme.test").unwrap();
    let pool = pulse::db::prepare(&app.database_url, 2).await.unwrap();
    let clock = ManualClock::new(Utc::now());
    let first = deliver_due(&pool, &mailer, &clock, 2, 10).await.unwrap();
    assert_eq!((first.sent, first.retrying, first.failed), (0, 1, 0));
    let row: (i32, Option<String>, String) = {
        let r = app.db().await.query_one("SELECT attempts, last_error, status FROM email_outbox", &[]).await.unwrap();
        (r.get(0), r.get(1), r.get(2))
    };
    assert_eq!((row.0, row.2.as_str()), (1, "pending"));
    assert!(row.1.is_some_and(|e| !e.is_empty()), "the error is recorded");

    clock.advance(chrono::Duration::seconds(29));
    assert_eq!(deliver_due(&pool, &mailer, &clock, 2, 10).await.unwrap().retrying, 0, "not before the backoff");
    clock.advance(chrono::Duration::seconds(2));
    let last = deliver_due(&pool, &mailer, &clock, 2, 10).await.unwrap();
    assert_eq!((last.retrying, last.failed), (0, 1));

    let outbox: Value = owner.browser.get("/api/v1/outbox?status=failed").await.json().await.unwrap();
    let item = &outbox["items"][0];
    assert_eq!(item["status"], "failed");
    assert_eq!(item["attempts"], 2);
    assert!(item["last_error"].as_str().is_some_and(|e| e.contains("SMTP")), "{item}");
}
