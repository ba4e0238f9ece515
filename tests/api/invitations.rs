//! Invitations: create, list, revoke, accept (new and existing accounts),
//! the email lock, single use, expiry, concurrency and who may invite.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, Browser, SignedIn, TestApp, PASSWORD};

/// Invites `email` as `role` from `by`'s browser; returns the created body.
async fn invite(by: &SignedIn, email: &str, role: &str) -> Value {
    let res = by.browser.post("/api/v1/invitations", &json!({"email": email, "role": role})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "invite {email} as {role}");
    res.json().await.unwrap()
}

fn accept_path(token: &str) -> String {
    format!("/api/v1/invitations/{token}/accept")
}

/// Accepts anonymously, creating the account; returns the signed-in browser.
async fn accept_as_new(app: &TestApp, token: &str) -> (reqwest::Response, Browser) {
    let b = app.browser();
    let res = b.post(&accept_path(token), &json!({"name": "New Person", "password": PASSWORD})).await;
    (res, b)
}

async fn pending_emails(owner: &SignedIn) -> Vec<String> {
    let list: Value = owner.browser.get("/api/v1/invitations").await.json().await.unwrap();
    list["invitations"].as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn an_invitation_creates_a_new_account_that_joins_the_workspace_signed_in() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let created = invite(&ann, "nia@example.com", "rep").await;
    let token = created["token"].as_str().unwrap();
    assert_eq!(created["email"], "nia@example.com");
    assert_eq!(created["role"], "rep");
    assert_eq!(created["accept_url"], format!("{}/invitations/{token}", app.address));
    assert!(created["expires_at"].is_string() && created["id"].is_string());
    // Seven days by default; only the token's SHA-256 is stored.
    let days = app.count("SELECT extract(day FROM expires_at - created_at)::bigint FROM invitations").await;
    assert_eq!(days, 7);
    let stored: Vec<u8> = app.db().await.query_one("SELECT token_hash FROM invitations", &[]).await.unwrap().get(0);
    assert_eq!(stored.len(), 32);
    assert!(!String::from_utf8_lossy(&stored).contains(token));
    // Listed without its token.
    let list: Value = ann.browser.get("/api/v1/invitations").await.json().await.unwrap();
    assert_eq!(list["invitations"][0]["email"], "nia@example.com");
    assert_eq!(list["invitations"][0]["invited_by"], ann.user_id.to_string());
    assert!(list["invitations"][0].get("token").is_none(), "{list}");

    let (res, mut nia) = accept_as_new(&app, token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], "nia@example.com");
    assert_eq!(body["workspace"]["id"], ann.workspace_id.to_string());
    assert_eq!(body["role"], "rep");
    nia.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
    let me: Value = nia.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["active_workspace"]["id"], ann.workspace_id.to_string());
    assert_eq!(me["active_workspace"]["role"], "rep");
    assert_eq!(me["workspaces"].as_array().unwrap().len(), 1, "no workspace of their own");
    assert_eq!(nia.get("/api/v1/members").await.status(), StatusCode::OK);
    assert!(pending_emails(&ann).await.is_empty(), "an accepted invitation is no longer pending");
    assert_eq!(app.count("SELECT count(*) FROM invitations WHERE accepted_by IS NOT NULL").await, 1);
    for action in ["invitation.created", "invitation.accepted"] {
        let sql = format!(
            "SELECT count(*) FROM audit_log WHERE action = '{action}' AND workspace_id = '{}'",
            ann.workspace_id
        );
        assert_eq!(app.count(&sql).await, 1, "{action}");
    }
}

#[actix_web::test]
async fn a_signed_in_account_accepts_with_its_own_email_whatever_its_case_and_switches_to_the_workspace() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Bobco").await;
    let created = invite(&ann, "BOB@Example.com", "viewer").await;
    let res = bob.browser.post(&accept_path(created["token"].as_str().unwrap()), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["id"], bob.user_id.to_string());
    assert_eq!(body["csrf_token"].as_str(), bob.browser.csrf.as_deref(), "same session");
    let me: Value = bob.browser.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["active_workspace"]["id"], ann.workspace_id.to_string());
    assert_eq!(me["active_workspace"]["role"], "viewer");
    assert_eq!(me["workspaces"].as_array().unwrap().len(), 2, "bob keeps his own workspace");
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2, "no new account");
}

#[actix_web::test]
async fn an_invitation_for_another_email_is_refused_to_a_signed_in_account_and_changes_nothing() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let carol = app.signup("carol@example.com", "Carolco").await;
    let created = invite(&ann, "bob@example.com", "rep").await;
    let token = created["token"].as_str().unwrap();
    let res = carol.browser.post(&accept_path(token), &json!({})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let sql = format!("SELECT count(*) FROM memberships WHERE workspace_id = '{}'", ann.workspace_id);
    assert_eq!(app.count(&sql).await, 1);
    assert_eq!(pending_emails(&ann).await, vec!["bob@example.com"]);
    let me: Value = carol.browser.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["active_workspace"]["id"], carol.workspace_id.to_string());
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'invitation.accepted'").await, 0);
    // The right person can still use it.
    let (res, _) = accept_as_new(&app, token).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_accept_link_works_only_once() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Bobco").await;
    let token = invite(&ann, "bob@example.com", "rep").await["token"].as_str().unwrap().to_owned();
    assert_eq!(bob.browser.post(&accept_path(&token), &json!({})).await.status(), StatusCode::OK);
    let again =
        assert_problem(bob.browser.post(&accept_path(&token), &json!({})).await, StatusCode::NOT_FOUND, "not_found")
            .await;
    let anonymous = assert_problem(accept_as_new(&app, &token).await.0, StatusCode::NOT_FOUND, "not_found").await;
    let unknown =
        assert_problem(accept_as_new(&app, "no-such-token").await.0, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(again["detail"], unknown["detail"]);
    assert_eq!(anonymous["detail"], unknown["detail"]);
    assert_eq!(app.count("SELECT count(*) FROM memberships").await, 3);
}

#[actix_web::test]
async fn expired_revoked_and_unknown_tokens_are_indistinguishable_and_accept_nothing() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let expired = invite(&ann, "old@example.com", "rep").await;
    let revoked = invite(&ann, "gone@example.com", "rep").await;
    app.db()
        .await
        .execute("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE email = 'old@example.com'", &[])
        .await
        .unwrap();
    let res = ann.browser.delete(&format!("/api/v1/invitations/{}", revoked["id"].as_str().unwrap())).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(pending_emails(&ann).await.is_empty(), "neither expired nor revoked invitations are listed");

    let mut details = Vec::new();
    for token in [expired["token"].as_str().unwrap(), revoked["token"].as_str().unwrap(), "unknown-token"] {
        let body = assert_problem(accept_as_new(&app, token).await.0, StatusCode::NOT_FOUND, "not_found").await;
        details.push(body["detail"].clone());
    }
    assert!(details.iter().all(|d| *d == details[0]), "{details:?}");
    assert_eq!(app.count("SELECT count(*) FROM users").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'invitation.revoked'").await, 1);
    // A revoked or expired invitation no longer blocks a new one.
    invite(&ann, "gone@example.com", "rep").await;
    invite(&ann, "old@example.com", "rep").await;
}

#[actix_web::test]
async fn concurrent_accepts_of_one_token_create_exactly_one_membership() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Bobco").await;
    let token = invite(&ann, "bob@example.com", "rep").await["token"].as_str().unwrap().to_owned();
    let path = accept_path(&token);
    let attempts = (0..6).map(|_| {
        let b = bob.browser.clone();
        let path = path.clone();
        async move { b.post(&path, &json!({})).await.status() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::NOT_FOUND), "{statuses:?}");
    let sql = format!("SELECT count(*) FROM memberships WHERE workspace_id = '{}'", ann.workspace_id);
    assert_eq!(app.count(&sql).await, 2);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'invitation.accepted'").await, 1);

    // The same holds when the accepts create the account.
    let token = invite(&ann, "nia@example.com", "viewer").await["token"].as_str().unwrap().to_owned();
    let attempts = (0..4).map(|_| {
        let app = &app;
        let token = token.clone();
        async move { accept_as_new(app, &token).await.0.status() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'nia@example.com'").await, 1);
    assert_eq!(app.count(&sql).await, 3);
}

#[actix_web::test]
async fn an_invitation_for_an_email_with_an_account_asks_to_log_in_first() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    app.signup("bob@example.com", "Bobco").await;
    let token = invite(&ann, "bob@example.com", "rep").await["token"].as_str().unwrap().to_owned();
    assert_problem(accept_as_new(&app, &token).await.0, StatusCode::CONFLICT, "email_taken").await;
    assert_eq!(pending_emails(&ann).await, vec!["bob@example.com"]);
    // Without a name and password an anonymous accept is a validation error.
    let token = invite(&ann, "nia@example.com", "rep").await["token"].as_str().unwrap().to_owned();
    let res = app.browser().post(&accept_path(&token), &json!({})).await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "password"]);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2);
}

#[actix_web::test]
async fn a_manager_invites_and_revokes_reps_and_viewers_but_not_managers() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let max = app.member_of(&ann, "max@example.com", "manager").await;
    invite(&max, "rep@example.com", "rep").await;
    let viewer = invite(&max, "viewer@example.com", "viewer").await;
    let res = max.browser.post("/api/v1/invitations", &json!({"email": "m2@example.com", "role": "manager"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = ann.browser.post("/api/v1/invitations", &json!({"email": "o2@example.com", "role": "owner"})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // An owner's invitation of a manager is beyond the manager's reach.
    let manager_invite = invite(&ann, "m3@example.com", "manager").await;
    let res = max.browser.delete(&format!("/api/v1/invitations/{}", manager_invite["id"].as_str().unwrap())).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = max.browser.delete(&format!("/api/v1/invitations/{}", viewer["id"].as_str().unwrap())).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let mut pending = pending_emails(&ann).await;
    pending.sort();
    assert_eq!(pending, vec!["m3@example.com", "rep@example.com"]);
}

#[actix_web::test]
async fn reps_and_viewers_cannot_invite_list_or_revoke() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let id = invite(&ann, "x@example.com", "viewer").await["id"].as_str().unwrap().to_owned();
    for role in ["rep", "viewer"] {
        let who = app.member_of(&ann, &format!("{role}@example.com"), role).await;
        let res = who.browser.post("/api/v1/invitations", &json!({"email": "y@example.com", "role": "viewer"})).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        assert_problem(who.browser.get("/api/v1/invitations").await, StatusCode::FORBIDDEN, "forbidden").await;
        let res = who.browser.delete(&format!("/api/v1/invitations/{id}")).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(app.count("SELECT count(*) FROM invitations WHERE revoked_at IS NULL").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'invitation.created'").await, 1);
}

#[actix_web::test]
async fn members_and_pending_emails_cannot_be_invited_again() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    app.member_of(&ann, "rep@example.com", "rep").await;
    let res = ann.browser.post("/api/v1/invitations", &json!({"email": "REP@example.com", "role": "viewer"})).await;
    assert_problem(res, StatusCode::CONFLICT, "already_member").await;
    invite(&ann, "new@example.com", "rep").await;
    let res = ann.browser.post("/api/v1/invitations", &json!({"email": "New@Example.com", "role": "viewer"})).await;
    assert_problem(res, StatusCode::CONFLICT, "invitation_pending").await;
    assert_eq!(app.count("SELECT count(*) FROM invitations").await, 1);
    let res = ann.browser.post("/api/v1/invitations", &json!({"email": "not an email", "role": "viewer"})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = ann.browser.post("/api/v1/invitations", &json!({"email": "a@b.co", "role": "boss"})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn another_workspaces_invitation_answers_like_a_missing_one_and_stays_pending() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Bobco").await;
    let id = invite(&ann, "x@example.com", "rep").await["id"].as_str().unwrap().to_owned();
    let foreign = bob.browser.delete(&format!("/api/v1/invitations/{id}")).await;
    let missing = bob.browser.delete(&format!("/api/v1/invitations/{}", Uuid::new_v4())).await;
    let a = assert_problem(foreign, StatusCode::NOT_FOUND, "not_found").await;
    let b = assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(a["detail"], b["detail"]);
    assert_eq!(pending_emails(&ann).await, vec!["x@example.com"]);
    let bobs: Value = bob.browser.get("/api/v1/invitations").await.json().await.unwrap();
    assert_eq!(bobs["invitations"], json!([]));
}

#[actix_web::test]
async fn a_signed_in_accept_without_the_csrf_token_is_refused_rather_than_treated_as_anonymous() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Bobco").await;
    let token = invite(&ann, "bob@example.com", "rep").await["token"].as_str().unwrap().to_owned();
    let mut no_csrf = bob.browser.clone();
    no_csrf.csrf = None;
    let res = no_csrf.post(&accept_path(&token), &json!({"name": "Bob", "password": PASSWORD})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "csrf_failed").await;
    // The invited email is fixed: an anonymous caller cannot pick another.
    let res = app
        .browser()
        .post(&accept_path(&token), &json!({"name": "Eve", "password": PASSWORD, "email": "eve@example.com"}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(pending_emails(&ann).await, vec!["bob@example.com"]);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2);
}
