//! Nurture: a deal reaching an auto-nurture stage, or a lead a nurturing
//! status, gets the bound template once per record and stage, from the
//! write path or the hourly sweep (after a step a crash lost), under
//! repeated and concurrent moves; nothing when the flag is off or no
//! template is bound; the owner is told as their preferences allow; and
//! one workspace's stages, templates and flags are invisible to another.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, Utc};
use deadpool_postgres::Pool;
use pulse::notifications::nurture::{self, run_step, StepOutcome, Trigger, Via};
use pulse::scheduler::{Clock, Job, ManualClock, Schedule, Scheduler, Times};
use pulse_actors::deals::{Caller, Command};
use pulse_actors::leads::{LeadChanges, LeadStatus};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, SignedIn, TestApp};

async fn pool(app: &TestApp) -> Pool {
    pulse::db::prepare(&app.database_url, 4).await.unwrap()
}

fn scheduler(pool: &Pool) -> Scheduler {
    let t = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(Utc::now()));
    Scheduler::new(pool.clone(), clock, Times { digest: t(6), reminders: t(8), lead_rescore: t(3) }, 7, None)
}

/// The default pipeline's stage ids by name.
async fn stages(who: &SignedIn) -> HashMap<String, String> {
    let body: Value = who.browser.get("/api/v1/pipelines").await.json().await.unwrap();
    body["pipelines"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["id"].as_str().unwrap().to_owned()))
        .collect()
}

async fn set_auto_nurture(who: &SignedIn, stage: &str, on: bool) {
    let res = who.browser.patch(&format!("/api/v1/stages/{stage}"), &json!({"auto_nurture": on})).await;
    assert_eq!(res.status(), StatusCode::OK, "auto_nurture {on}");
}

async fn template(who: &SignedIn, body: Value) -> Value {
    let res = who.browser.post("/api/v1/email-templates", &body).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn contact(who: &SignedIn, first_name: &str, email: Option<&str>) -> String {
    let res = who.browser.post("/api/v1/contacts", &json!({"first_name": first_name, "email": email})).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn deal(who: &SignedIn, body: Value) -> String {
    let res = who.browser.post("/api/v1/deals", &body).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn move_deal(who: &SignedIn, id: &str, stage: &str) {
    let res = who.browser.put(&format!("/api/v1/deals/{id}/stage"), &json!({"stage_id": stage})).await;
    assert_eq!(res.status(), StatusCode::OK, "move {id}");
}

/// The workspace's nurture emails to contacts and leads (not members'
/// notification emails): (to, subject, body, content type).
async fn nurture_emails(app: &TestApp, ws: Uuid) -> Vec<(String, String, String, String)> {
    app.db()
        .await
        .query(
            "SELECT to_address, subject, body, content_type FROM email_outbox
             WHERE workspace_id = $1 AND kind = 'nurture' AND recipient_id IS NULL ORDER BY id",
            &[&ws],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

/// `user`'s nurture notifications: (title, link id).
async fn nurture_notes(app: &TestApp, user: Uuid) -> Vec<(String, Option<Uuid>)> {
    app.db()
        .await
        .query(
            "SELECT title, link_id FROM notifications WHERE recipient_id = $1 AND kind = 'nurture' ORDER BY id",
            &[&user],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// A caller acting as the system, for writes made straight through a
/// workspace actor (as a node that crashed before its nurture step did).
fn system() -> Caller {
    Caller {
        actor: pulse_actors::event::ActorRef { kind: pulse_actors::event::ActorKind::System, id: Uuid::nil() },
        user_id: None,
        edit_any: true,
        origin: Default::default(),
    }
}

#[actix_web::test]
async fn a_deal_entering_an_auto_nurture_stage_is_emailed_once_however_often_it_enters() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let s = stages(&owner).await;
    set_auto_nurture(&owner, &s["Proposal"], true).await;
    let t = json!({
        "name": "Proposal follow-up",
        "subject": "Your proposal, {{contact.first_name}}",
        "body": "<p>Hello {{contact.name}}, about {{deal.title}} ({{deal.amount}}) from {{owner.name}} at {{workspace.name}}.</p>",
        "stage_id": s["Proposal"],
    });
    let created = template(&owner, t).await;
    assert_eq!(created["stage_id"], s["Proposal"].as_str());
    assert_eq!(created["content_type"], "text/html");
    let ann = contact(&owner, "Ann <script>", Some("ann@client.test")).await;
    let id = deal(
        &owner,
        json!({"title": "Renewal & more", "owner_id": rep.user_id, "contact_id": ann, "amount": 123450, "currency": "EUR"}),
    )
    .await;
    assert!(nurture_emails(&app, owner.workspace_id).await.is_empty(), "Qualification does not nurture");

    // The workspace owner moves the rep's deal in: the contact gets the
    // email, values escaped for HTML, and the rep is told.
    move_deal(&owner, &id, &s["Proposal"]).await;
    let mails = nurture_emails(&app, owner.workspace_id).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (to, subject, body, content_type) = &mails[0];
    assert_eq!((to.as_str(), content_type.as_str()), ("ann@client.test", "text/html"));
    assert_eq!(subject, "Your proposal, Ann <script>", "the subject is plain text");
    assert_eq!(
        body, "<p>Hello Ann &lt;script&gt;, about Renewal &amp; more (1234.50 EUR) from Test User at Acme.</p>",
        "values are HTML-escaped, the template's own markup kept"
    );
    let notes = nurture_notes(&app, rep.user_id).await;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].0.contains("Renewal & more entered Proposal"), "{notes:?}");
    assert_eq!(notes[0].1, Some(id.parse().unwrap()));
    assert!(nurture_notes(&app, owner.user_id).await.is_empty(), "the owner of the workspace moved it: not theirs");

    // Out and in again, reordering inside the stage, the rep moving it in
    // themselves: still one email, one step.
    move_deal(&rep, &id, &s["Negotiation"]).await;
    move_deal(&rep, &id, &s["Proposal"]).await;
    move_deal(&owner, &id, &s["Proposal"]).await;
    assert_eq!(nurture_emails(&app, owner.workspace_id).await.len(), 1);
    assert_eq!(app.count("SELECT count(*) FROM nurture_steps").await, 1);
    assert_eq!(nurture_notes(&app, rep.user_id).await.len(), 1);
    let key = app
        .count(&format!("SELECT count(*) FROM email_outbox WHERE dedupe_key = 'nurture:{id}:{}'", s["Proposal"]))
        .await;
    assert_eq!(key, 1, "the outbox row carries the step's key");

    // Two members moving another deal in at the same moment: one email.
    let bob = contact(&owner, "Bob", Some("bob@client.test")).await;
    let second = deal(&owner, json!({"title": "Second", "owner_id": rep.user_id, "contact_id": bob})).await;
    let path = format!("/api/v1/deals/{second}/stage");
    let body = json!({"stage_id": s["Proposal"]});
    let (a, b) = tokio::join!(owner.browser.put(&path, &body), rep.browser.put(&path, &body));
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let mails = nurture_emails(&app, owner.workspace_id).await;
    assert_eq!(mails.iter().filter(|m| m.0 == "bob@client.test").count(), 1, "{mails:?}");

    // A deal created right in the stage reaches it too. Without a contact
    // the step runs without a recipient, and the rep is told so.
    let bare = deal(&owner, json!({"title": "No contact", "owner_id": rep.user_id, "stage_id": s["Proposal"]})).await;
    assert_eq!(nurture_emails(&app, owner.workspace_id).await.len(), 2, "no address, no email");
    let outcome: String = app
        .db()
        .await
        .query_one("SELECT outcome FROM nurture_steps WHERE record_id = $1", &[&bare.parse::<Uuid>().unwrap()])
        .await
        .unwrap()
        .get(0);
    assert_eq!(outcome, "no_recipient");
    let notes = nurture_notes(&app, rep.user_id).await;
    assert!(
        notes.iter().any(|(t, l)| t.contains("without a recipient") && *l == Some(bare.parse().unwrap())),
        "{notes:?}"
    );
}

#[actix_web::test]
async fn nothing_nurtures_while_the_flag_is_off_or_no_template_is_bound_and_preferences_hold() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let s = stages(&owner).await;
    let ann = contact(&owner, "Ann", Some("ann@client.test")).await;

    // A template bound to Proposal, whose flag is off: no step at all.
    template(
        &owner,
        json!({"name": "P", "subject": "Hi", "body": "Hello {{contact.first_name}}", "stage_id": s["Proposal"]}),
    )
    .await;
    let a = deal(&owner, json!({"title": "A", "owner_id": rep.user_id, "contact_id": ann})).await;
    move_deal(&owner, &a, &s["Proposal"]).await;
    // Negotiation nurtures but has no template: no step either.
    set_auto_nurture(&owner, &s["Negotiation"], true).await;
    let b = deal(&owner, json!({"title": "B", "owner_id": rep.user_id, "contact_id": ann})).await;
    move_deal(&owner, &b, &s["Negotiation"]).await;
    assert!(nurture_emails(&app, owner.workspace_id).await.is_empty());
    assert_eq!(app.count("SELECT count(*) FROM nurture_steps").await, 0, "nothing recorded: nothing ran");

    // The rep wants nurture news by email only; the deal moves in once a
    // template is bound: the contact's email and the rep's email, no bell.
    let prefs = json!({"nurture": {"in_app": false, "email": true}});
    assert_eq!(rep.browser.patch("/api/v1/me/notification-preferences", &prefs).await.status(), StatusCode::OK);
    template(
        &owner,
        json!({"name": "N", "subject": "Next", "body": "Plain {{deal.title}}", "stage_id": s["Negotiation"]}),
    )
    .await;
    let c = deal(&owner, json!({"title": "C <1>", "owner_id": rep.user_id, "contact_id": ann})).await;
    move_deal(&owner, &c, &s["Negotiation"]).await;
    let mails = nurture_emails(&app, owner.workspace_id).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!((mails[0].2.as_str(), mails[0].3.as_str()), ("Plain C <1>", "text/plain"), "plain text, unescaped");
    assert!(nurture_notes(&app, rep.user_id).await.is_empty(), "no in-app notification");
    let to_rep = "SELECT count(*) FROM email_outbox WHERE kind = 'nurture' AND to_address = 'rep@acme.test'";
    assert_eq!(app.count(to_rep).await, 1, "the rep's own email about the step");

    // Switched off for the workspace: the contact still gets the email
    // (that is the stage's flag), the rep hears nothing.
    assert_eq!(
        owner.browser.patch("/api/v1/notification-settings", &json!({"nurture": false})).await.status(),
        StatusCode::OK
    );
    let d = deal(&owner, json!({"title": "D", "owner_id": rep.user_id, "contact_id": ann})).await;
    move_deal(&owner, &d, &s["Negotiation"]).await;
    assert_eq!(nurture_emails(&app, owner.workspace_id).await.iter().filter(|m| m.0 == "ann@client.test").count(), 2);
    assert_eq!(app.count(to_rep).await, 1, "switched off: no news for the rep");

    // The sweep now catches the deal that entered Negotiation before its
    // template was bound (within its look-back), once.
    let pool = pool(&app).await;
    let now = Utc::now() + Duration::hours(1);
    let run = nurture::sweep(&pool, now - Duration::hours(24), now).await.unwrap();
    assert_eq!((run.counts.found, run.counts.queued), (1, 1), "{:?}", run.counts);
    let again = nurture::sweep(&pool, now - Duration::hours(24), now).await.unwrap();
    assert_eq!(again.counts.found, 0, "{:?}", again.counts);
    // Deal A sits in Proposal, whose flag is still off: never.
    let a_steps = app.count(&format!("SELECT count(*) FROM nurture_steps WHERE record_id = '{a}'")).await;
    assert_eq!(a_steps, 0);
}

#[actix_web::test]
async fn the_hourly_sweep_runs_a_step_a_crash_lost_exactly_once() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;
    let s = stages(&owner).await;
    set_auto_nurture(&owner, &s["Proposal"], true).await;
    template(
        &owner,
        json!({"name": "P", "subject": "Hi {{contact.first_name}}", "body": "Hello", "stage_id": s["Proposal"]}),
    )
    .await;
    let ann = contact(&owner, "Ann", Some("ann@client.test")).await;
    let bob = contact(&owner, "Bob", Some("bob@client.test")).await;
    let a: Uuid =
        deal(&owner, json!({"title": "A", "owner_id": rep.user_id, "contact_id": ann})).await.parse().unwrap();
    let b: Uuid =
        deal(&owner, json!({"title": "B", "owner_id": rep.user_id, "contact_id": bob})).await.parse().unwrap();

    // Another node's workspace actor commits the moves and "crashes"
    // before its nurture step: no step, no email.
    let pool = pool(&app).await;
    let node = pulse_actors::Realtime::start(pool.clone(), pulse_actors::RealtimeConfig::default(), None);
    let proposal: Uuid = s["Proposal"].parse().unwrap();
    for id in [a, b] {
        let cmd = Command::MoveDeal { id, stage_id: proposal, lost_reason: None, before_id: None, after_id: None };
        node.write(owner.workspace_id, system(), cmd).await.unwrap();
    }
    assert!(nurture_emails(&app, owner.workspace_id).await.is_empty());

    // The next hourly run finds both, once; the run is recorded.
    let sched = scheduler(&pool);
    let slot = Schedule::Hourly.latest_slot(Utc::now() + Duration::hours(1));
    let report = sched.run_slot(Job::Nurture, slot).await.unwrap().expect("the slot runs");
    assert!(report.succeeded, "{report:?}");
    assert_eq!(report.counts["found"], 2, "{:?}", report.counts);
    assert_eq!(report.counts["queued"], 2);
    assert_eq!(nurture_emails(&app, owner.workspace_id).await.len(), 2);
    let via = app.count("SELECT count(*) FROM nurture_steps WHERE via = 'sweep'").await;
    assert_eq!(via, 2);
    // The rep hears of it: the system moved the deals, not the rep.
    assert_eq!(nurture_notes(&app, rep.user_id).await.len(), 2);

    // A retried slot, the write path arriving late, two sweeps racing:
    // nothing more.
    app.db().await.execute("UPDATE job_runs SET outcome = 'failed' WHERE job = 'nurture'", &[]).await.unwrap();
    let retry = sched.run_slot(Job::Nurture, slot).await.unwrap().expect("a failed slot runs again");
    assert_eq!(retry.counts["found"], 0, "{:?}", retry.counts);
    let client = pool.get().await.unwrap();
    let late = run_step(&client, owner.workspace_id, Trigger::Deal { id: a, stage_id: proposal }, None, Via::Write);
    assert_eq!(late.await.unwrap().0, StepOutcome::AlreadyRan);
    drop(client);
    app.db().await.execute("DELETE FROM nurture_steps WHERE record_id = $1", &[&b]).await.unwrap();
    app.db().await.execute("DELETE FROM email_outbox WHERE to_address = 'bob@client.test'", &[]).await.unwrap();
    let (since, until) = (slot - Duration::hours(24), slot);
    let (x, y) = tokio::join!(nurture::sweep(&pool, since, until), nurture::sweep(&pool, since, until));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.counts.queued + y.counts.queued, 1, "{:?} {:?}", x.counts, y.counts);
    let mails = nurture_emails(&app, owner.workspace_id).await;
    assert_eq!(mails.iter().filter(|m| m.0 == "bob@client.test").count(), 1, "{mails:?}");

    // Entries older than the look-back are not the sweep's business.
    let old = nurture::sweep(&pool, slot + Duration::hours(30), slot + Duration::hours(54)).await.unwrap();
    assert_eq!(old.counts.found, 0);
}

#[actix_web::test]
async fn a_lead_reaching_a_nurturing_status_is_emailed_once_and_only_managers_switch_statuses() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    let manager = app.member_of(&owner, "manager@acme.test", "manager").await;
    let rep = app.member_of(&owner, "rep@acme.test", "rep").await;

    let flags: Value = rep.browser.get("/api/v1/lead-nurture").await.json().await.unwrap();
    assert_eq!(
        flags,
        json!({"new": false, "contacted": false, "qualified": false, "unqualified": false, "converted": false})
    );
    let on = json!({"contacted": true, "new": true});
    assert_problem(rep.browser.patch("/api/v1/lead-nurture", &on).await, StatusCode::FORBIDDEN, "forbidden").await;
    for bad in [json!({"contacted": null}), json!({"lost": true}), json!({"new": "yes"})] {
        let res = manager.browser.patch("/api/v1/lead-nurture", &bad).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let res = manager.browser.patch("/api/v1/lead-nurture", &on).await;
    assert_eq!(res.status(), StatusCode::OK);
    let flags: Value = res.json().await.unwrap();
    assert_eq!(
        (flags["contacted"].as_bool(), flags["new"].as_bool(), flags["qualified"].as_bool()),
        (Some(true), Some(true), Some(false))
    );

    // Only `contacted` has a template: new leads are not emailed.
    let t = json!({"name": "Contacted", "subject": "Nice talking, {{lead.first_name}}",
                   "body": "Hi {{contact.first_name}} of {{lead.company_name}},\nspeak soon. {{owner.name}}",
                   "lead_status": "contacted"});
    let created = template(&manager, t).await;
    assert_eq!(created["lead_status"], "contacted");
    let res = owner
        .browser
        .post(
            "/api/v1/leads",
            &json!({"first_name": "Lea", "email": "lea@prospect.test", "company_name": "P&Q", "owner_id": rep.user_id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let lead: Uuid = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap();
    assert!(nurture_emails(&app, owner.workspace_id).await.is_empty(), "`new` has no template");

    let path = format!("/api/v1/leads/{lead}");
    assert_eq!(owner.browser.patch(&path, &json!({"status": "contacted"})).await.status(), StatusCode::OK);
    let mails = nurture_emails(&app, owner.workspace_id).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "lea@prospect.test");
    assert_eq!(mails[0].1, "Nice talking, Lea");
    assert_eq!(mails[0].2, "Hi Lea of P&Q,\nspeak soon. Test User");
    assert_eq!(mails[0].3, "text/plain");
    let notes = nurture_notes(&app, rep.user_id).await;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].1, Some(lead));

    // Qualified and back to contacted: still one.
    let q = json!({"status": "qualified", "next_action_date": "2031-01-01"});
    assert_eq!(owner.browser.patch(&path, &q).await.status(), StatusCode::OK);
    assert_eq!(owner.browser.patch(&path, &json!({"status": "contacted"})).await.status(), StatusCode::OK);
    assert_eq!(nurture_emails(&app, owner.workspace_id).await.len(), 1);
    assert_eq!(nurture_notes(&app, rep.user_id).await.len(), 1, "and the owner was told once");

    // A status change a crash lost (written by another node's actor) is
    // found by the sweep through the status time the database keeps.
    let res = owner.browser.post("/api/v1/leads", &json!({"first_name": "Max", "email": "max@prospect.test"})).await;
    let max: Uuid = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap();
    let pool = pool(&app).await;
    let node = pulse_actors::Realtime::start(pool.clone(), pulse_actors::RealtimeConfig::default(), None);
    let changes = LeadChanges { status: Some(LeadStatus::Contacted), ..Default::default() };
    let cmd = Command::UpdateLead { id: max, changes: Box::new(changes), if_version: None };
    node.write(owner.workspace_id, system(), cmd).await.unwrap();
    assert_eq!(nurture_emails(&app, owner.workspace_id).await.len(), 1);
    let now = Utc::now() + Duration::minutes(1);
    let run = nurture::sweep(&pool, now - Duration::hours(24), now).await.unwrap();
    assert_eq!((run.counts.found, run.counts.queued), (1, 1), "{:?}", run.counts);
    assert!(nurture_emails(&app, owner.workspace_id).await.iter().any(|m| m.0 == "max@prospect.test"));
    // Lea's step ran before her latest return to contacted: not again.
    assert_eq!(nurture::sweep(&pool, now - Duration::hours(24), now).await.unwrap().counts.found, 0);

    // Converting her creates a deal in the first open stage: when that
    // stage nurtures, her new contact gets its email, once even if the
    // conversion is repeated.
    let s = stages(&owner).await;
    set_auto_nurture(&owner, &s["Qualification"], true).await;
    let t = json!({"name": "Welcome aboard", "subject": "{{deal.title}}: welcome", "body": "Hello {{contact.first_name}}",
                   "stage_id": s["Qualification"]});
    template(&manager, t).await;
    let convert = format!("/api/v1/leads/{lead}/convert");
    for _ in 0..2 {
        assert_eq!(owner.browser.post(&convert, &json!({})).await.status(), StatusCode::OK);
    }
    let to_lea: Vec<_> =
        nurture_emails(&app, owner.workspace_id).await.into_iter().filter(|m| m.0 == "lea@prospect.test").collect();
    assert_eq!(to_lea.len(), 2, "{to_lea:?}");
    assert_eq!((to_lea[1].1.as_str(), to_lea[1].2.as_str()), ("P&Q: welcome", "Hello Lea"));
}

#[actix_web::test]
async fn another_workspaces_stages_templates_and_flags_are_out_of_reach() {
    let app = spawn_app().await;
    let a = app.signup("a@acme.test", "Acme").await;
    let b = app.signup("b@other.test", "Other").await;
    let sa = stages(&a).await;
    let sb = stages(&b).await;

    let res = b
        .browser
        .post("/api/v1/email-templates", &json!({"name": "X", "subject": "S", "body": "B", "stage_id": sa["Proposal"]}))
        .await;
    let p = assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert!(p.to_string().contains("stage_id"), "{p}");
    let mine = template(&a, json!({"name": "X", "subject": "S", "body": "B", "stage_id": sa["Proposal"]})).await;
    let theirs = template(&b, json!({"name": "X", "subject": "S", "body": "B", "stage_id": sb["Proposal"]})).await;
    let path = format!("/api/v1/email-templates/{}", mine["id"].as_str().unwrap());
    assert_problem(b.browser.patch(&path, &json!({"lead_status": "new"})).await, StatusCode::NOT_FOUND, "not_found")
        .await;

    // One binding per trigger, one trigger per template.
    let dup = json!({"name": "Y", "subject": "S", "body": "B", "stage_id": sa["Proposal"]});
    assert_problem(a.browser.post("/api/v1/email-templates", &dup).await, StatusCode::CONFLICT, "template_bound").await;
    let both = json!({"name": "Z", "subject": "S", "body": "B", "stage_id": sa["Won"], "lead_status": "new"});
    assert_problem(a.browser.post("/api/v1/email-templates", &both).await, StatusCode::CONFLICT, "field_conflict")
        .await;
    // Rebinding to a status unbinds the stage.
    let res = a.browser.patch(&path, &json!({"lead_status": "new"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let rebound: Value = res.json().await.unwrap();
    assert_eq!((rebound["stage_id"].clone(), rebound["lead_status"].clone()), (Value::Null, json!("new")));

    // Flags are per workspace; B's nurture does not fire A's templates.
    assert_eq!(a.browser.patch("/api/v1/lead-nurture", &json!({"new": true})).await.status(), StatusCode::OK);
    let theirs_flags: Value = b.browser.get("/api/v1/lead-nurture").await.json().await.unwrap();
    assert_eq!(theirs_flags["new"], false);
    set_auto_nurture(&b, &sb["Proposal"], true).await;
    let bc = contact(&b, "Zed", Some("zed@client.test")).await;
    let bd = deal(&b, json!({"title": "B deal", "contact_id": bc})).await;
    move_deal(&b, &bd, &sb["Proposal"]).await;
    assert_eq!(nurture_emails(&app, b.workspace_id).await.len(), 1);
    assert!(nurture_emails(&app, a.workspace_id).await.is_empty());
    let step_ws: Uuid = app.db().await.query_one("SELECT workspace_id FROM nurture_steps", &[]).await.unwrap().get(0);
    assert_eq!(step_ws, b.workspace_id);
    let used: Uuid = app.db().await.query_one("SELECT template_id FROM nurture_steps", &[]).await.unwrap().get(0);
    assert_eq!(used.to_string(), theirs["id"].as_str().unwrap());
}
