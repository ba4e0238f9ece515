//! Reminders outside the digest: overdue tasks and lead next actions every
//! morning, leads going stale within the hour; once per record and day
//! under a retried run and two runners; preferences and switches decide
//! who hears of it.

use std::sync::Arc;

use chrono::{Duration, NaiveTime, Utc};
use deadpool_postgres::Pool;
use pulse::notifications::reminders::{self, Sweep};
use pulse::scheduler::{Clock, Job, ManualClock, Scheduler, Times};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{spawn_app, SignedIn, TestApp};

async fn pool(app: &TestApp) -> Pool {
    pulse::db::prepare(&app.database_url, 4).await.unwrap()
}

/// Today at 08:00 UTC, the reminders' slot.
fn eight() -> chrono::DateTime<Utc> {
    Utc::now().date_naive().and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap()).and_utc()
}

async fn created(who: &SignedIn, path: &str, body: Value) -> Uuid {
    let res = who.browser.post(path, &body).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v["id"].as_str().unwrap().parse().unwrap()
}

/// (recipient, kind, title) of every notification but digests, in order.
async fn notes(app: &TestApp) -> Vec<(Uuid, String, String)> {
    app.db()
        .await
        .query("SELECT recipient_id, kind, title FROM notifications WHERE kind <> 'digest' ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[actix_web::test]
async fn overdue_tasks_and_lead_next_actions_are_reminded_once_a_day_under_a_retry_and_two_runners() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let yesterday = (eight() - Duration::days(1)).date_naive();
    let task = json!({"type": "task", "subject": "Send the quote", "assignee_id": rep.user_id, "due_at": "2020-01-01T09:00:00Z"});
    let assigned = created(&owner, "/api/v1/activities", task).await;
    // Nobody assigned: the author is reminded.
    let own = created(
        &owner,
        "/api/v1/activities",
        json!({"type": "task", "subject": "Book travel", "due_at": "2020-01-01T09:00:00Z"}),
    )
    .await;
    created(
        &owner,
        "/api/v1/activities",
        json!({"type": "task", "subject": "Later", "assignee_id": rep.user_id, "due_at": "2999-01-01T09:00:00Z"}),
    )
    .await;
    let lead = json!({"first_name": "Late", "owner_id": rep.user_id, "next_action": "Call back", "next_action_date": yesterday});
    let late = created(&owner, "/api/v1/leads", lead).await;
    created(
        &owner,
        "/api/v1/leads",
        json!({"first_name": "On time", "owner_id": rep.user_id, "next_action_date": "2999-01-01"}),
    )
    .await;
    // Already assigned notifications aside, start counting from here.
    app.db().await.execute("DELETE FROM notifications", &[]).await.unwrap();

    // Two runners at once: each reminder once.
    let pool = pool(&app).await;
    let sweep = Sweep::FollowUps { now: eight() };
    let (a, b) = tokio::join!(reminders::run(&pool, sweep), reminders::run(&pool, sweep));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.counts.reminded + b.counts.reminded, 3, "{:?} {:?}", a.counts, b.counts);
    assert_eq!(a.counts.already_reminded + b.counts.already_reminded, 3);
    let mut got = notes(&app).await;
    got.sort();
    let mut want = vec![
        (rep.user_id, "overdue_activities".to_owned(), "Overdue task: Send the quote".to_owned()),
        (owner.user_id, "overdue_activities".to_owned(), "Overdue task: Book travel".to_owned()),
        (rep.user_id, "stale_leads".to_owned(), "Overdue: Call back (Late)".to_owned()),
    ];
    want.sort();
    assert_eq!(got, want);
    let links: Vec<Uuid> = app
        .db()
        .await
        .query("SELECT link_id FROM notifications ORDER BY link_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut ids = vec![assigned, own, late];
    ids.sort();
    assert_eq!(links, ids, "each links its record");

    // The job retried after a failure (and a later slot the same day): nothing new.
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(eight()));
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let s = Scheduler::new(pool.clone(), clock, Times { digest: t(6), reminders: t(8), lead_rescore: t(3) }, 7, None);
    let run = s.run_slot(Job::FollowUpReminders, eight()).await.unwrap().unwrap();
    assert_eq!((run.counts["reminded"].as_i64(), run.counts["already_reminded"].as_i64()), (Some(0), Some(3)));
    app.db().await.execute("UPDATE job_runs SET outcome = 'failed'", &[]).await.unwrap();
    let retry = s.run_slot(Job::FollowUpReminders, eight()).await.unwrap().expect("the failed slot runs again");
    assert_eq!(retry.counts["reminded"], 0, "{:?}", retry.counts);
    assert_eq!(notes(&app).await.len(), 3);

    // The next morning, still overdue: reminded again, once.
    let tomorrow = reminders::run(&pool, Sweep::FollowUps { now: eight() + Duration::days(1) }).await.unwrap();
    assert_eq!(tomorrow.counts.reminded, 3, "{:?}", tomorrow.counts);
    assert_eq!(app.count("SELECT count(DISTINCT day) FROM reminder_deliveries").await, 2);

    // Completing the task ends its reminders.
    let res = rep.browser.post(&format!("/api/v1/activities/{assigned}/complete"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let after = reminders::run(&pool, Sweep::FollowUps { now: eight() + Duration::days(2) }).await.unwrap();
    assert_eq!(after.counts.reminded, 2, "{:?}", after.counts);
}

#[actix_web::test]
async fn preferences_and_switches_decide_who_hears_of_a_reminder() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let quiet = app.member_of(&owner, "quiet@acme.test", "rep").await;
    for who in [&rep, &quiet] {
        let t = json!({"type": "task", "subject": format!("Task of {}", who.email), "assignee_id": who.user_id, "due_at": "2020-01-01T09:00:00Z"});
        created(&owner, "/api/v1/activities", t).await;
        let l = json!({"first_name": format!("Lead of {}", who.email), "owner_id": who.user_id, "next_action_date": "2020-01-01"});
        created(&owner, "/api/v1/leads", l).await;
    }
    app.db().await.execute("DELETE FROM notifications", &[]).await.unwrap();
    // The rep wants overdue activities by email only; the quiet rep wants
    // none; the workspace switches stale leads off.
    let email = json!({"overdue_activities": {"in_app": false, "email": true}});
    assert_eq!(rep.browser.patch("/api/v1/me/notification-preferences", &email).await.status(), StatusCode::OK);
    let none = json!({"overdue_activities": {"in_app": false, "email": false}});
    assert_eq!(quiet.browser.patch("/api/v1/me/notification-preferences", &none).await.status(), StatusCode::OK);
    assert_eq!(
        owner.browser.patch("/api/v1/notification-settings", &json!({"stale_leads": false})).await.status(),
        StatusCode::OK
    );

    let pool = pool(&app).await;
    let run = reminders::run(&pool, Sweep::FollowUps { now: eight() }).await.unwrap();
    assert_eq!((run.counts.reminded, run.counts.notified), (4, 0), "{:?}", run.counts);
    assert!(notes(&app).await.is_empty(), "nobody wanted them in the bell");
    let mail: Vec<(String, String)> = app
        .db()
        .await
        .query("SELECT to_address, subject FROM email_outbox", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(mail, vec![("rep@acme.test".to_owned(), "Overdue task: Task of rep@acme.test".to_owned())]);
}

#[actix_web::test]
async fn leads_and_deals_going_stale_are_told_once_when_it_happens() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let fresh = created(&owner, "/api/v1/leads", json!({"first_name": "Crossing", "owner_id": rep.user_id})).await;
    let old = created(&owner, "/api/v1/leads", json!({"first_name": "Long stale", "owner_id": rep.user_id})).await;
    let closed = created(&owner, "/api/v1/leads", json!({"first_name": "Dropped", "owner_id": rep.user_id})).await;
    let res = owner.browser.patch(&format!("/api/v1/leads/{closed}"), &json!({"status": "unqualified"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let deal = created(&owner, "/api/v1/deals", json!({"title": "Dusty", "owner_id": rep.user_id})).await;
    app.db().await.execute("DELETE FROM notifications", &[]).await.unwrap();

    // Within the hour before the slot: 7 days (leads), 14 days (deals).
    let slot = pulse::scheduler::Schedule::Hourly.latest_slot(Utc::now());
    let db = app.db().await;
    let set = |table: &'static str, id: Uuid, at: chrono::DateTime<Utc>| {
        let sql = format!("UPDATE {table} SET updated_at = $2 WHERE id = $1");
        let db = &db;
        async move { db.execute(&sql, &[&id, &at]).await.unwrap() }
    };
    set("leads", fresh, slot - Duration::days(7) - Duration::minutes(20)).await;
    set("leads", old, slot - Duration::days(9)).await;
    set("leads", closed, slot - Duration::days(7) - Duration::minutes(20)).await;
    set("deals", deal, slot - Duration::days(14) - Duration::minutes(40)).await;

    let pool = pool(&app).await;
    let sweep = Sweep::GoingStale { now: slot };
    let (a, b) = tokio::join!(reminders::run(&pool, sweep), reminders::run(&pool, sweep));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.counts.reminded + b.counts.reminded, 2, "{:?} {:?}", a.counts, b.counts);
    let mut got = notes(&app).await;
    got.sort();
    assert_eq!(
        got,
        vec![
            (rep.user_id, "stale_deals".to_owned(), "Gone stale: Dusty".to_owned()),
            (rep.user_id, "stale_leads".to_owned(), "Gone stale: Crossing".to_owned()),
        ]
    );
    // The next hour's sweep: nothing crossed.
    let next = reminders::run(&pool, Sweep::GoingStale { now: slot + Duration::hours(1) }).await.unwrap();
    assert_eq!(next.counts.reminded, 0, "{:?}", next.counts);
    assert_eq!(notes(&app).await.len(), 2);
}
