//! The scheduler with a controllable clock: every run recorded, a slot run
//! once across runners, the daily digest's content and its at-most-once
//! delivery under a retry and a race, and the follow-up reminders.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use deadpool_postgres::Pool;
use pulse::notifications::digest;
use pulse::scheduler::{Clock, Job, ManualClock, Scheduler, Times};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, SignedIn, TestApp};

fn times() -> Times {
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    Times { digest: t(6), reminders: t(8), lead_rescore: t(3) }
}

/// Today at 06:00:30 UTC: just after the digest's slot.
fn digest_morning() -> DateTime<Utc> {
    Utc::now().date_naive().and_time(NaiveTime::from_hms_opt(6, 0, 30).unwrap()).and_utc()
}

fn scheduler(pool: &Pool, clock: &Arc<ManualClock>) -> Scheduler {
    let clock: Arc<dyn Clock> = clock.clone();
    Scheduler::new(pool.clone(), clock, times(), 7, None)
}

async fn pool(app: &TestApp) -> Pool {
    pulse::db::prepare(&app.database_url, 4).await.unwrap()
}

/// A deal of `owner_id` created by `by`; returns its id.
async fn deal(by: &SignedIn, title: &str, owner_id: Uuid) -> Uuid {
    let res = by.browser.post("/api/v1/deals", &json!({"title": title, "owner_id": owner_id})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "deal {title}");
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap()
}

/// Moves a deal's last update back by `days` (in the table; the digest reads the table).
async fn age(app: &TestApp, id: Uuid, days: i32) {
    app.db()
        .await
        .execute("UPDATE deals SET updated_at = now() - make_interval(days => $2) WHERE id = $1", &[&id, &days])
        .await
        .unwrap();
}

#[actix_web::test]
async fn every_job_run_is_recorded_once_per_slot_even_with_two_runners() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let pool = pool(&app).await;
    let clock = Arc::new(ManualClock::new(digest_morning() + Duration::hours(3)));
    let (a, b) = (scheduler(&pool, &clock), scheduler(&pool, &clock));

    let (ra, rb) = tokio::join!(a.tick(), b.tick());
    let mut ran: Vec<&str> = ra.iter().chain(rb.iter()).map(|r| r.job.name()).collect();
    ran.sort_unstable();
    let mut all: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
    all.sort_unstable();
    assert_eq!(ran, all, "each job ran once across the two runners");
    assert!(ra.iter().chain(rb.iter()).all(|r| r.succeeded), "{ra:?} {rb:?}");
    assert!(a.tick().await.is_empty() && b.tick().await.is_empty(), "a slot that ran does not run again");

    let rows = app.count("SELECT count(*) FROM job_runs WHERE outcome = 'succeeded' AND finished_at IS NOT NULL").await;
    assert_eq!(rows, Job::ALL.len() as i64);

    // An hour later the hourly jobs have a new slot; the daily ones do not.
    clock.advance(Duration::hours(1));
    let mut next: Vec<&str> = a.tick().await.iter().map(|r| r.job.name()).collect();
    next.sort_unstable();
    assert_eq!(next, vec!["nurture", "prune", "stale_refresh"]);

    // Owners see the runs; others are refused.
    let res = owner.browser.get("/api/v1/jobs/runs?job=lead_rescore").await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["items"][0]["outcome"], "succeeded");
    let all_runs: Value = owner.browser.get("/api/v1/jobs/runs?limit=2").await.json().await.unwrap();
    assert_eq!(all_runs["items"].as_array().unwrap().len(), 2);
    let cursor = all_runs["next_cursor"].as_str().unwrap();
    let rest: Value = owner.browser.get(&format!("/api/v1/jobs/runs?cursor={cursor}")).await.json().await.unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), Job::ALL.len() + 3 - 2, "every run but the first page's two");
    assert_problem(rep.browser.get("/api/v1/jobs/runs").await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn the_digest_lists_each_members_stale_deals_and_arrives_at_most_once_a_day() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let quiet = app.member_of(&owner, "quiet@acme.test", "rep").await;
    let stale = deal(&owner, "Dusty renewal", rep.user_id).await;
    deal(&owner, "Hot new deal", rep.user_id).await;
    let others = deal(&owner, "Quiet's stale deal", quiet.user_id).await;
    age(&app, stale, 20).await;
    age(&app, others, 30).await;
    // The rep also wants it by email; the quiet rep wants no stale deals at all.
    let email = json!({"stale_deals": {"email": true}});
    assert_eq!(rep.browser.patch("/api/v1/me/notification-preferences", &email).await.status(), StatusCode::OK);
    let none = json!({"stale_deals": {"in_app": false, "email": false}});
    assert_eq!(quiet.browser.patch("/api/v1/me/notification-preferences", &none).await.status(), StatusCode::OK);

    let pool = pool(&app).await;
    let clock = Arc::new(ManualClock::new(digest_morning()));
    let s = scheduler(&pool, &clock);
    let report = s.run_slot(Job::DailyDigest, digest_morning() - Duration::seconds(30)).await.unwrap().unwrap();
    assert!(report.succeeded, "{report:?}");
    assert_eq!(report.counts["delivered"], 1, "{:?}", report.counts);
    assert_eq!(report.counts["in_app"], 1);
    assert_eq!(report.counts["emails"], 1);

    let db = app.db().await;
    let rows =
        db.query("SELECT recipient_id, title, body FROM notifications WHERE kind = 'digest'", &[]).await.unwrap();
    assert_eq!(rows.len(), 1, "only the rep has something to read");
    let (to, body): (Uuid, String) = (rows[0].get(0), rows[0].get(2));
    assert_eq!(to, rep.user_id);
    assert!(body.contains("Stale deals (1)") && body.contains("Dusty renewal"), "{body}");
    assert!(!body.contains("Hot new deal") && !body.contains("Quiet"), "{body}");
    let mail = db.query("SELECT to_address, subject, body FROM email_outbox WHERE kind = 'digest'", &[]).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].get::<_, String>(0), "rep@acme.test");
    assert!(mail[0].get::<_, String>(2).contains("Dusty renewal"));

    // A retry of the same slot (the run failed after delivering) delivers nothing again.
    db.execute("UPDATE job_runs SET outcome = 'failed' WHERE job = 'daily_digest'", &[]).await.unwrap();
    let retry = s.tick().await.into_iter().find(|r| r.job == Job::DailyDigest).expect("the failed slot runs again");
    assert_eq!(retry.counts["delivered"], 0, "{:?}", retry.counts);
    assert_eq!(retry.counts["already_delivered"], 1);
    let attempt: i32 =
        db.query_one("SELECT attempt FROM job_runs WHERE job = 'daily_digest'", &[]).await.unwrap().get(0);
    assert_eq!(attempt, 2);

    // Two runners building the same day's digest at once: one delivery.
    let day = (digest_morning() + Duration::days(1)).date_naive();
    let now = digest_morning() + Duration::days(1);
    let (a, b) = tokio::join!(digest::run(&pool, day, now), digest::run(&pool, day, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.counts.delivered + b.counts.delivered, 1, "{:?} {:?}", a.counts, b.counts);
    assert_eq!(a.counts.already_delivered + b.counts.already_delivered, 1);
    let per_day = app
        .count("SELECT count(*) FROM (SELECT day FROM digest_deliveries GROUP BY workspace_id, user_id, day HAVING count(*) > 1) d")
        .await;
    assert_eq!(per_day, 0);
    assert_eq!(app.count("SELECT count(*) FROM notifications WHERE kind = 'digest'").await, 2, "one per day");
    assert_eq!(app.count("SELECT count(*) FROM email_outbox WHERE kind = 'digest'").await, 2, "one per day");

    // Switched off for the workspace: nobody gets the section.
    let off = json!({"stale_deals": false});
    assert_eq!(owner.browser.patch("/api/v1/notification-settings", &off).await.status(), StatusCode::OK);
    let later = digest::run(&pool, day + chrono::Days::new(1), now + Duration::days(1)).await.unwrap();
    assert_eq!(later.counts.delivered, 0, "{:?}", later.counts);
}

#[actix_web::test]
async fn overdue_next_actions_remind_their_owner_once_per_day() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let yesterday = (Utc::now() - Duration::days(1)).date_naive();
    let res = owner
        .browser
        .post(
            "/api/v1/deals",
            &json!({"title": "Follow up", "owner_id": rep.user_id, "next_action": "Call Ann", "next_action_date": yesterday}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    deal(&owner, "Not due", rep.user_id).await;

    let pool = pool(&app).await;
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let s = scheduler(&pool, &clock);
    let slot = Utc::now().date_naive().and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap()).and_utc();
    let report = s.run_slot(Job::FollowUpReminders, slot).await.unwrap().unwrap();
    assert_eq!(report.counts["notified"], 1, "{:?}", report.counts);
    let titles: Vec<(Uuid, String)> = app
        .db()
        .await
        .query("SELECT recipient_id, title FROM notifications WHERE kind = 'overdue_activities'", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(titles, vec![(rep.user_id, "Overdue: Call Ann".to_owned())]);
    assert!(s.run_slot(Job::FollowUpReminders, slot).await.unwrap().is_none(), "the slot ran already");
}

#[actix_web::test]
async fn the_nightly_rescoring_decays_idle_leads_through_the_workspace_actor() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let res = owner
        .browser
        .post("/api/v1/leads", &json!({"first_name": "Idle", "source": "referral", "company_size": "5000+"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let lead: Value = res.json().await.unwrap();
    let id: Uuid = lead["id"].as_str().unwrap().parse().unwrap();
    let before = lead["score"].as_i64().unwrap();
    app.db()
        .await
        .execute("UPDATE leads SET created_at = now() - interval '5 days' WHERE id = $1", &[&id])
        .await
        .unwrap();
    // A scheduler with its own real-time core: its workspace actor loads
    // the lead from the table (as another node would) and writes the score.
    let pool = pool(&app).await;
    let realtime = pulse_actors::Realtime::start(pool.clone(), pulse_actors::RealtimeConfig::default(), None);
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(Utc::now()));
    let s = Scheduler::new(pool.clone(), clock, times(), 7, Some(realtime));
    let slot = Utc::now().date_naive().and_time(NaiveTime::from_hms_opt(3, 0, 0).unwrap()).and_utc();
    let report = s.run_slot(Job::LeadRescore, slot).await.unwrap().expect("the slot runs");
    assert!(report.succeeded, "{report:?}");
    assert_eq!(report.counts["leads_rescored"], 1, "{report:?}");
    let after = app.count(&format!("SELECT score::bigint FROM leads WHERE id = '{id}'")).await;
    assert_eq!(after, before - 6, "two days past the grace period, 3 points each");
    let rows = app
        .count(&format!("SELECT count(*) FROM lead_scores WHERE lead_id = '{id}' AND reason = 'daily rescoring'"))
        .await;
    assert_eq!(rows, 1);
    // The same slot does not run twice.
    assert!(s.run_slot(Job::LeadRescore, slot).await.unwrap().is_none());
}

#[actix_web::test]
async fn the_digest_also_lists_overdue_tasks_and_stale_leads_of_each_member() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let res = owner
        .browser
        .post(
            "/api/v1/activities",
            &json!({"type": "task", "subject": "Send the quote", "assignee_id": rep.user_id, "due_at": "2020-01-01T09:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = owner
        .browser
        .post(
            "/api/v1/leads",
            &json!({"first_name": "Late", "owner_id": rep.user_id, "next_action": "Call",
                                       "next_action_date": "2020-01-02"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = owner.browser.post("/api/v1/leads", &json!({"first_name": "Fresh", "owner_id": rep.user_id})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let pool = pool(&app).await;
    let run = digest::run(&pool, digest_morning().date_naive(), digest_morning()).await.unwrap();
    assert_eq!(run.counts.delivered, 1, "{:?}", run.counts);
    let body: String = app
        .db()
        .await
        .query_one("SELECT body FROM notifications WHERE kind = 'digest' AND recipient_id = $1", &[&rep.user_id])
        .await
        .unwrap()
        .get(0);
    assert!(body.contains("Overdue activities (1)") && body.contains("Send the quote"), "{body}");
    assert!(body.contains("Stale leads (1)") && body.contains("Late (next action was due 2020-01-02)"), "{body}");
    assert!(!body.contains("Fresh"), "{body}");
}
