//! Members: listing, role changes, suspension and removal, the last-owner
//! rule, immediate effect on sessions, and tenant isolation.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, SignedIn, TestApp};

fn member_path(user_id: Uuid) -> String {
    format!("/api/v1/members/{user_id}")
}

async fn stored_membership(app: &TestApp, ws: Uuid, user: Uuid) -> Option<(String, String)> {
    app.db()
        .await
        .query_opt("SELECT role, status FROM memberships WHERE workspace_id = $1 AND user_id = $2", &[&ws, &user])
        .await
        .unwrap()
        .map(|r| (r.get(0), r.get(1)))
}

async fn audit_count(app: &TestApp, owner: &SignedIn, action: &str) -> i64 {
    let sql = format!(
        "SELECT count(*) FROM audit_log WHERE action = '{action}' AND workspace_id = '{}' AND actor_user_id = '{}'",
        owner.workspace_id, owner.user_id
    );
    app.count(&sql).await
}

#[actix_web::test]
async fn any_active_member_lists_the_team_with_roles_and_status() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let viewer = app.member_of(&ann, "viewer@example.com", "viewer").await;
    let list: Value = viewer.browser.get("/api/v1/members").await.json().await.unwrap();
    let members = list["members"].as_array().unwrap();
    let emails: Vec<&str> = members.iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, vec!["ann@example.com", "rep@example.com", "viewer@example.com"]);
    assert_eq!(members[0]["role"], "owner");
    assert_eq!(members[1]["user_id"], rep.user_id.to_string());
    assert_eq!(members[1]["status"], "active");
    assert_eq!(members[1]["name"], "Test User");
    assert!(members[1]["joined_at"].is_string());
    let one: Value = rep.browser.get(&member_path(ann.user_id)).await.json().await.unwrap();
    assert_eq!(one["email"], "ann@example.com");
    assert_eq!(one["role"], "owner");
}

#[actix_web::test]
async fn an_owner_changes_roles_suspends_reactivates_and_removes_members_with_audit_entries() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let ws = ann.workspace_id;

    let res = ann.browser.patch(&member_path(rep.user_id), &json!({"role": "manager"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!((body["role"].as_str(), body["status"].as_str()), (Some("manager"), Some("active")));
    assert_eq!(stored_membership(&app, ws, rep.user_id).await, Some(("manager".into(), "active".into())));

    let res = ann.browser.patch(&member_path(rep.user_id), &json!({"status": "suspended"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "suspended");
    let res = ann.browser.patch(&member_path(rep.user_id), &json!({"status": "active", "role": "viewer"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(stored_membership(&app, ws, rep.user_id).await, Some(("viewer".into(), "active".into())));

    assert_eq!(ann.browser.delete(&member_path(rep.user_id)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(stored_membership(&app, ws, rep.user_id).await, None);
    assert_problem(ann.browser.get(&member_path(rep.user_id)).await, StatusCode::NOT_FOUND, "not_found").await;
    // Only this membership went: the account and its own workspace stay.
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'rep@example.com'").await, 1);
    assert_eq!(app.count(&format!("SELECT count(*) FROM memberships WHERE user_id = '{}'", rep.user_id)).await, 1);

    for (action, n) in
        [("member.role_changed", 2), ("member.suspended", 1), ("member.reactivated", 1), ("member.removed", 1)]
    {
        assert_eq!(audit_count(&app, &ann, action).await, n, "{action}");
    }
    let details: Value = app
        .db()
        .await
        .query_one("SELECT details FROM audit_log WHERE action = 'member.role_changed' ORDER BY id LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(details, json!({"from": "rep", "to": "manager"}));
}

#[actix_web::test]
async fn managers_and_reps_cannot_change_suspend_or_remove_members() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let max = app.member_of(&ann, "max@example.com", "manager").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    for who in [&max, &rep] {
        let res = who.browser.patch(&member_path(rep.user_id), &json!({"role": "viewer"})).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = who.browser.patch(&member_path(rep.user_id), &json!({"status": "suspended"})).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        assert_problem(who.browser.delete(&member_path(rep.user_id)).await, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(stored_membership(&app, ann.workspace_id, rep.user_id).await, Some(("rep".into(), "active".into())));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'member.%'").await, 0);
}

#[actix_web::test]
async fn the_last_active_owner_cannot_be_demoted_suspended_or_removed() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let me = member_path(ann.user_id);
    assert_problem(ann.browser.patch(&me, &json!({"role": "manager"})).await, StatusCode::CONFLICT, "last_owner").await;
    assert_problem(ann.browser.patch(&me, &json!({"status": "suspended"})).await, StatusCode::CONFLICT, "last_owner")
        .await;
    assert_problem(ann.browser.delete(&me).await, StatusCode::CONFLICT, "last_owner").await;
    assert_eq!(stored_membership(&app, ann.workspace_id, ann.user_id).await, Some(("owner".into(), "active".into())));

    // With a second owner, the first may step down.
    let res = ann.browser.patch(&member_path(rep.user_id), &json!({"role": "owner"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(ann.browser.patch(&me, &json!({"role": "manager"})).await.status(), StatusCode::OK);
    // Now the rep-turned-owner is the last one.
    let res = rep.browser.delete(&member_path(rep.user_id)).await;
    assert_problem(res, StatusCode::CONFLICT, "last_owner").await;
    let owners = format!(
        "SELECT count(*) FROM memberships WHERE workspace_id = '{}' AND role = 'owner' AND status = 'active'",
        ann.workspace_id
    );
    assert_eq!(app.count(&owners).await, 1);
}

#[actix_web::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.member_of(&ann, "bob@example.com", "owner").await;
    let demote = json!({"role": "manager"});
    let (ann_path, bob_path) = (member_path(ann.user_id), member_path(bob.user_id));
    for _ in 0..5 {
        let (a, b) = futures_util::join!(ann.browser.patch(&bob_path, &demote), bob.browser.patch(&ann_path, &demote));
        let owners = format!(
            "SELECT count(*) FROM memberships WHERE workspace_id = '{}' AND role = 'owner' AND status = 'active'",
            ann.workspace_id
        );
        assert_eq!(app.count(&owners).await, 1, "{} {}", a.status(), b.status());
        // Restore both owners for the next round, directly.
        app.db().await.execute("UPDATE memberships SET role = 'owner'", &[]).await.unwrap();
    }
}

#[actix_web::test]
async fn a_suspended_member_is_refused_on_their_next_request_but_keeps_their_other_workspace() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let own = app.db().await.query_one("SELECT id FROM workspaces WHERE name = 'Own workspace'", &[]).await.unwrap();
    let own: Uuid = own.get(0);
    assert_eq!(rep.browser.get("/api/v1/members").await.status(), StatusCode::OK);

    let res = ann.browser.patch(&member_path(rep.user_id), &json!({"status": "suspended"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(rep.browser.get("/api/v1/members").await, StatusCode::FORBIDDEN, "forbidden").await;
    // The account and the rep's other workspace are untouched.
    let res = rep.browser.post("/api/v1/me/active-workspace", &json!({"workspace_id": own})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = rep.browser.get("/api/v1/members").await.json().await.unwrap();
    assert_eq!(list["members"][0]["role"], "owner");
    // Suspended memberships cannot be switched back to until reactivated.
    let back = rep.browser.post("/api/v1/me/active-workspace", &json!({"workspace_id": ann.workspace_id})).await;
    assert_problem(back, StatusCode::NOT_FOUND, "not_found").await;
    ann.browser.patch(&member_path(rep.user_id), &json!({"status": "active"})).await;
    let back = rep.browser.post("/api/v1/me/active-workspace", &json!({"workspace_id": ann.workspace_id})).await;
    assert_eq!(back.status(), StatusCode::OK);
    assert_eq!(rep.browser.get("/api/v1/members").await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_removed_member_is_refused_on_their_next_request_but_keeps_their_other_workspace() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    assert_eq!(rep.browser.get("/api/v1/members").await.status(), StatusCode::OK);
    assert_eq!(ann.browser.delete(&member_path(rep.user_id)).await.status(), StatusCode::NO_CONTENT);
    assert_problem(rep.browser.get("/api/v1/members").await, StatusCode::FORBIDDEN, "forbidden").await;
    let me: Value = rep.browser.get("/api/v1/me").await.json().await.unwrap();
    let workspaces = me["workspaces"].as_array().unwrap();
    assert_eq!(workspaces.len(), 1);
    let own = workspaces[0]["id"].as_str().unwrap();
    let res = rep.browser.post("/api/v1/me/active-workspace", &json!({"workspace_id": own})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(rep.browser.get("/api/v1/members").await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn another_workspaces_user_ids_answer_like_missing_ones_and_change_nothing() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Bobco").await;
    let random = Uuid::new_v4();
    let cases: Vec<(&str, Option<Value>)> = vec![
        ("GET", None),
        ("PATCH", Some(json!({"role": "viewer"}))),
        ("PATCH", Some(json!({"status": "suspended"}))),
        ("DELETE", None),
    ];
    for (method, body) in cases {
        let mut answers = Vec::new();
        for id in [bob.user_id, random] {
            let path = member_path(id);
            let res = match (method, &body) {
                ("GET", _) => ann.browser.get(&path).await,
                ("PATCH", Some(b)) => ann.browser.patch(&path, b).await,
                _ => ann.browser.delete(&path).await,
            };
            answers.push(assert_problem(res, StatusCode::NOT_FOUND, "not_found").await["detail"].clone());
        }
        assert_eq!(answers[0], answers[1], "{method} {body:?}");
    }
    assert_eq!(stored_membership(&app, bob.workspace_id, bob.user_id).await, Some(("owner".into(), "active".into())));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'member.%'").await, 0);
    assert_eq!(bob.browser.get("/api/v1/members").await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_member_change_must_name_a_known_role_or_status() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    for body in [
        json!({"status": null}),
        json!({"status": "banned"}),
        json!({"role": "boss"}),
        json!({"role": "viewer", "x": 1}),
    ] {
        let res = ann.browser.patch(&member_path(rep.user_id), &body).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    assert_eq!(stored_membership(&app, ann.workspace_id, rep.user_id).await, Some(("rep".into(), "active".into())));
}

#[actix_web::test]
async fn an_empty_member_patch_changes_nothing_and_answers_the_member() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rep = app.member_of(&ann, "rep@example.com", "rep").await;
    let res = ann.browser.patch(&member_path(rep.user_id), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["role"], "rep");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'member.%'").await, 0);
}
