//! Tenant isolation over HTTP: for every route that takes an id in its
//! path, the id of a record in another workspace answers exactly like an
//! id that does not exist (status, code and detail), and nothing changes
//! in either workspace. Malformed ids are 404s too; list endpoints refuse
//! absurd page sizes and unknown query parameters with 400 problem+json.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use uuid::Uuid;

use crate::helpers::{spawn_app, Browser, SignedIn, TestApp, PASSWORD};
use crate::permissions::{fingerprint, problem_mismatch, routes_under_test, send};

/// The routes with an id in their path that `foreign_ids_answer_like_missing_ones`
/// exercises; `every_route_with_an_id_is_covered` keeps it in step with
/// `pulse::startup::ROUTES`.
const ID_ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/members/{user_id}"),
    ("patch", "/api/v1/members/{user_id}"),
    ("delete", "/api/v1/members/{user_id}"),
    ("delete", "/api/v1/invitations/{id}"),
    ("post", "/api/v1/invitations/{token}/accept"),
    ("delete", "/api/v1/tokens/{id}"),
    ("patch", "/api/v1/pipelines/{id}"),
    ("get", "/api/v1/pipelines/{id}/board"),
    ("post", "/api/v1/pipelines/{id}/stages"),
    ("patch", "/api/v1/stages/{id}"),
    ("delete", "/api/v1/stages/{id}"),
    ("get", "/api/v1/deals/{id}"),
    ("patch", "/api/v1/deals/{id}"),
    ("delete", "/api/v1/deals/{id}"),
    ("post", "/api/v1/deals/{id}/restore"),
    ("put", "/api/v1/deals/{id}/stage"),
    ("get", "/api/v1/deals/{id}/history"),
    ("get", "/api/v1/deals/{id}/products"),
    ("post", "/api/v1/deals/{id}/products"),
    ("patch", "/api/v1/deals/{id}/products/{line_id}"),
    ("delete", "/api/v1/deals/{id}/products/{line_id}"),
    ("get", "/api/v1/leads/{id}"),
    ("patch", "/api/v1/leads/{id}"),
    ("delete", "/api/v1/leads/{id}"),
    ("post", "/api/v1/leads/{id}/convert"),
    ("get", "/api/v1/leads/{id}/scores"),
    ("post", "/api/v1/leads/{id}/engagement"),
    ("patch", "/api/v1/lead-sources/{slug}"),
    ("patch", "/api/v1/lead-widgets/{id}"),
    ("delete", "/api/v1/lead-widgets/{id}"),
    ("post", "/api/v1/lead-widgets/{id}/rotate"),
    ("get", "/api/v1/contacts/{id}"),
    ("patch", "/api/v1/contacts/{id}"),
    ("delete", "/api/v1/contacts/{id}"),
    ("get", "/api/v1/contacts/{id}/overview"),
    ("get", "/api/v1/companies/{id}"),
    ("patch", "/api/v1/companies/{id}"),
    ("delete", "/api/v1/companies/{id}"),
    ("get", "/api/v1/companies/{id}/overview"),
    ("get", "/api/v1/activities/{id}"),
    ("patch", "/api/v1/activities/{id}"),
    ("post", "/api/v1/activities/{id}/complete"),
    ("post", "/api/v1/activities/{id}/reopen"),
    ("patch", "/api/v1/custom-fields/{id}"),
    ("delete", "/api/v1/custom-fields/{id}"),
    ("delete", "/api/v1/views/{id}"),
    ("post", "/api/v1/notifications/{id}/read"),
    ("patch", "/api/v1/email-templates/{id}"),
    ("delete", "/api/v1/email-templates/{id}"),
];

/// List endpoints (collections, `GET` without an id).
const LIST_ROUTES: &[&str] = &[
    "/api/v1/members",
    "/api/v1/invitations",
    "/api/v1/tokens",
    "/api/v1/audit",
    "/api/v1/pipelines",
    "/api/v1/deals",
    "/api/v1/leads",
    "/api/v1/contacts",
    "/api/v1/companies",
    "/api/v1/activities",
    "/api/v1/custom-fields",
    "/api/v1/views",
    "/api/v1/notifications",
    "/api/v1/email-templates",
    "/api/v1/outbox",
    "/api/v1/jobs/runs",
];

/// Lists that page (`limit` is theirs; absurd values are still 400s).
const PAGED_LISTS: &[&str] = &["/api/v1/audit", "/api/v1/contacts", "/api/v1/companies", "/api/v1/activities"];

/// Replaces everything from the first placeholder to the last with
/// `value` (`{id}/products/{line_id}` takes `"<deal>/products/<line>"`).
fn fill(template: &str, value: &str) -> String {
    let (a, b) = (template.find('{').unwrap(), template.rfind('}').unwrap());
    format!("{}{}{}", &template[..a], value, &template[b + 1..])
}

/// A valid body for the route, whatever the id.
fn body_for(method: &str, template: &str) -> Option<Value> {
    match (method, template) {
        ("patch", "/api/v1/members/{user_id}") => Some(json!({"role": "viewer"})),
        ("post", "/api/v1/invitations/{token}/accept") => Some(json!({})),
        ("patch", "/api/v1/pipelines/{id}") | ("patch", "/api/v1/stages/{id}") => Some(json!({"name": "Renamed"})),
        ("post", "/api/v1/pipelines/{id}/stages") => Some(json!({"name": "New stage"})),
        ("patch", "/api/v1/deals/{id}") => Some(json!({"title": "Renamed"})),
        ("post", "/api/v1/deals/{id}/restore") => Some(json!({})),
        ("put", "/api/v1/deals/{id}/stage") => Some(json!({"stage_id": Uuid::nil()})),
        ("post", "/api/v1/deals/{id}/products") => Some(json!({"name": "Seat", "unit_price": 100})),
        ("patch", "/api/v1/deals/{id}/products/{line_id}") => Some(json!({"quantity": 2})),
        ("patch", "/api/v1/leads/{id}") => Some(json!({"last_name": "Changed"})),
        ("post", "/api/v1/leads/{id}/convert") => Some(json!({})),
        ("post", "/api/v1/leads/{id}/engagement") => Some(json!({"emails_opened": 1})),
        ("patch", "/api/v1/lead-sources/{slug}") => Some(json!({"label": "Changed"})),
        ("patch", "/api/v1/lead-widgets/{id}") => Some(json!({"name": "Changed"})),
        ("post", "/api/v1/lead-widgets/{id}/rotate") => Some(json!({})),
        ("patch", "/api/v1/contacts/{id}") => Some(json!({"job_title": "CEO"})),
        ("patch", "/api/v1/companies/{id}") => Some(json!({"industry": "Retail"})),
        ("patch", "/api/v1/activities/{id}") => Some(json!({"subject": "Fixed"})),
        ("patch", "/api/v1/custom-fields/{id}") => Some(json!({"label": "Renamed"})),
        ("patch", "/api/v1/email-templates/{id}") => Some(json!({"subject": "Renamed"})),
        _ => None,
    }
}

/// Status, content type and body minus `request_id`.
async fn answer(res: Response) -> (StatusCode, String, Value) {
    let status = res.status();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = res.text().await.unwrap_or_default();
    let mut body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if let Some(o) = body.as_object_mut() {
        o.remove("request_id");
    }
    (status, ct, body)
}

/// A string of the shape of an invitation token that names nothing.
fn random_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// Workspace A (Acme: owner, manager, viewer) and workspace B (Beta:
/// owner, a rep, invitations in every state, a live token).
struct Tenants {
    app: TestApp,
    ann: SignedIn,
    mia: SignedIn,
    vic: SignedIn,
    bob: SignedIn,
    bea: SignedIn,
    b_pending_id: String,
    b_revoked_token: String,
    b_used_token: String,
    b_expired_token: String,
    b_token_id: String,
    b_pipeline: String,
    b_stage: String,
    b_deal: String,
    b_deleted_deal: String,
    b_line: String,
    b_lead: String,
    b_widget: String,
    /// B's CRM records: a contact, a company, an open task, a completed
    /// task, a custom field and a saved view of B's owner.
    b_crm: BTreeMap<&'static str, String>,
    /// An unread notification of B's owner.
    b_notification: String,
    b_template: String,
}

async fn invite(by: &SignedIn, email: &str, role: &str) -> Value {
    let res = by.browser.post("/api/v1/invitations", &json!({"email": email, "role": role})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "invite {email}");
    res.json().await.unwrap()
}

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap().to_owned()
}

impl Tenants {
    async fn new() -> Tenants {
        let app = spawn_app().await;
        let ann = app.signup("ann@acme.test", "Acme").await;
        let mia = app.member_of(&ann, "mia@acme.test", "manager").await;
        let vic = app.member_of(&ann, "vic@acme.test", "viewer").await;
        let bob = app.signup("bob@beta.test", "Beta").await;
        let bea = app.member_of(&bob, "bea@beta.test", "rep").await;

        // A pending invitation for a manager: one a manager of A could not
        // revoke in A either, so a 403 would tell it exists.
        let pending = invite(&bob, "pending@beta.test", "manager").await;
        let revoked = invite(&bob, "revoked@beta.test", "rep").await;
        let res = bob.browser.delete(&format!("/api/v1/invitations/{}", s(&revoked, "id"))).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let used = invite(&bob, "carl@beta.test", "rep").await;
        let res = app
            .browser()
            .post(
                &format!("/api/v1/invitations/{}/accept", s(&used, "token")),
                &json!({"name": "Carl", "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "carl accepts");
        let expired = invite(&bob, "late@beta.test", "rep").await;
        let expired_id: Uuid = s(&expired, "id").parse().unwrap();
        app.db()
            .await
            .execute(
                "UPDATE invitations SET created_at = now() - interval '9 days', expires_at = now() - interval '1 day' WHERE id = $1",
                &[&expired_id],
            )
            .await
            .unwrap();
        let res = bob.browser.post("/api/v1/tokens", &json!({"name": "Beta bot", "scopes": ["deals:read"]})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let token: Value = res.json().await.unwrap();
        let pipelines: Value = bob.browser.get("/api/v1/pipelines").await.json().await.unwrap();
        let b_pipeline = s(&pipelines["pipelines"][0], "id");
        let b_stage = s(&pipelines["pipelines"][0]["stages"][0], "id");
        let deal = |title: &'static str| {
            let bob = &bob;
            async move {
                let res = bob.browser.post("/api/v1/deals", &json!({"title": title})).await;
                assert_eq!(res.status(), StatusCode::CREATED);
                s(&res.json::<Value>().await.unwrap(), "id")
            }
        };
        let b_deal = deal("Beta deal").await;
        let b_deleted_deal = deal("Beta deleted deal").await;
        let res = bob.browser.delete(&format!("/api/v1/deals/{b_deleted_deal}")).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = bob
            .browser
            .post(&format!("/api/v1/deals/{b_deal}/products"), &json!({"name": "Seat", "unit_price": 5}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let b_line = s(&res.json::<Value>().await.unwrap()["line_items"][0], "id");
        let res = bob.browser.post("/api/v1/leads", &json!({"first_name": "Beta lead"})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let b_lead = s(&res.json::<Value>().await.unwrap(), "id");
        let res = bob.browser.post("/api/v1/lead-sources", &json!({"slug": "beta-only", "label": "Beta"})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = bob
            .browser
            .post("/api/v1/lead-widgets", &json!({"name": "Beta form", "allowed_origins": ["https://beta.example"]}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let b_widget = s(&res.json::<Value>().await.unwrap()["widget"], "id");
        let b_notification = Uuid::now_v7();
        app.db()
            .await
            .execute(
                "INSERT INTO notifications (id, workspace_id, recipient_id, kind, title) VALUES ($1, $2, $3, 'assignments', 'For Bob')",
                &[&b_notification, &bob.workspace_id, &bob.user_id],
            )
            .await
            .unwrap();
        let res = bob
            .browser
            .post("/api/v1/email-templates", &json!({"name": "Welcome", "subject": "Hi", "body": "Hello {{name}}"}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let b_template = s(&res.json::<Value>().await.unwrap(), "id");

        let b_crm = b_crm_records(&bob).await;
        Tenants {
            b_crm,
            app,
            ann,
            mia,
            vic,
            bob,
            bea,
            b_pending_id: s(&pending, "id"),
            b_revoked_token: s(&revoked, "token"),
            b_used_token: s(&used, "token"),
            b_expired_token: s(&expired, "token"),
            b_token_id: s(&token, "id"),
            b_pipeline,
            b_stage,
            b_deal,
            b_deleted_deal,
            b_line,
            b_lead,
            b_widget,
            b_notification: b_notification.to_string(),
            b_template,
        }
    }
}

async fn created_id(by: &SignedIn, path: &str, body: Value) -> String {
    let res = by.browser.post(path, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create {path}");
    s(&res.json::<Value>().await.unwrap(), "id")
}

async fn b_crm_records(bob: &SignedIn) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::new();
    let company = created_id(bob, "/api/v1/companies", json!({"name": "Beta Corp"})).await;
    let contact = created_id(bob, "/api/v1/contacts", json!({"first_name": "Bea", "company_id": company})).await;
    let task =
        created_id(bob, "/api/v1/activities", json!({"type": "task", "subject": "Call Bea", "contact_id": contact}))
            .await;
    let done = created_id(bob, "/api/v1/activities", json!({"type": "task", "subject": "Done"})).await;
    let res = bob.browser.post(&format!("/api/v1/activities/{done}/complete"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let field = created_id(
        bob,
        "/api/v1/custom-fields",
        json!({"entity": "contact", "key": "tier", "label": "Tier", "type": "text"}),
    )
    .await;
    let view = created_id(bob, "/api/v1/views", json!({"entity": "contacts", "name": "Mine"})).await;
    for (k, v) in
        [("contact", contact), ("company", company), ("task", task), ("done", done), ("field", field), ("view", view)]
    {
        m.insert(k, v);
    }
    m
}

/// One probe: a caller in A sends `method template` with B's value and
/// with a value that names nothing.
struct Probe<'a> {
    who: &'static str,
    client: &'a Browser,
    method: &'static str,
    template: &'static str,
    /// What the foreign value is.
    what: &'static str,
    foreign: String,
    random: String,
    body: Option<Value>,
}

#[test]
fn every_route_with_an_id_is_covered() {
    let with_id: Vec<(&str, &str)> = routes_under_test().into_iter().filter(|(_, p)| p.contains('{')).collect();
    for route in &with_id {
        assert!(
            ID_ROUTES.contains(route),
            "{} {} takes an id but is not in tenancy::ID_ROUTES",
            route.0.to_uppercase(),
            route.1
        );
    }
    for route in ID_ROUTES {
        assert!(with_id.contains(route), "tenancy::ID_ROUTES lists {route:?}, which is not a route with an id");
    }
    let lists: Vec<&str> =
        routes_under_test().into_iter().filter(|(m, p)| *m == "get" && !p.contains('{')).map(|(_, p)| p).collect();
    for path in LIST_ROUTES {
        assert!(lists.contains(path), "list endpoint {path} is not a route");
    }
}

/// The state of B's records the probes aim at.
async fn b_state(t: &Tenants) -> String {
    let pending: Uuid = t.b_pending_id.parse().unwrap();
    let token: Uuid = t.b_token_id.parse().unwrap();
    t.app
        .db()
        .await
        .query_one(
            "SELECT concat_ws(' ',
               (SELECT role || '/' || status FROM memberships WHERE workspace_id = $1 AND user_id = $2),
               (SELECT role || '/' || status FROM memberships WHERE workspace_id = $1 AND user_id = $3),
               (SELECT coalesce(revoked_at::text, 'live') || '/' || coalesce(accepted_at::text, 'pending') FROM invitations WHERE id = $4),
               (SELECT coalesce(revoked_at::text, 'live') FROM api_tokens WHERE id = $5))",
            &[&t.bob.workspace_id, &t.bea.user_id, &t.bob.user_id, &pending, &token],
        )
        .await
        .unwrap()
        .get(0)
}

#[actix_web::test]
async fn foreign_ids_answer_like_missing_ones_and_change_nothing() {
    let t = Tenants::new().await;
    let anon = t.app.browser();
    let anon_body = json!({"name": "Mallory", "password": PASSWORD});
    let member = |who, client, method, what, foreign: Uuid| Probe {
        who,
        client,
        method,
        template: "/api/v1/members/{user_id}",
        what,
        foreign: foreign.to_string(),
        random: Uuid::new_v4().to_string(),
        body: body_for(method, "/api/v1/members/{user_id}"),
    };
    let accept = |who, client, what, foreign: &str, body: &Value| Probe {
        who,
        client,
        method: "post",
        template: "/api/v1/invitations/{token}/accept",
        what,
        foreign: foreign.to_owned(),
        random: random_token(),
        body: Some(body.clone()),
    };
    let mut probes = Vec::new();
    for method in ["get", "patch", "delete"] {
        probes.push(member("owner of A", &t.ann.browser, method, "a rep of B", t.bea.user_id));
        probes.push(member("owner of A", &t.ann.browser, method, "the owner of B", t.bob.user_id));
    }
    probes.push(member("manager of A", &t.mia.browser, "get", "a rep of B", t.bea.user_id));
    probes.push(member("viewer of A", &t.vic.browser, "get", "the owner of B", t.bob.user_id));
    for (who, client) in [("owner of A", &t.ann.browser), ("manager of A", &t.mia.browser)] {
        probes.push(Probe {
            who,
            client,
            method: "delete",
            template: "/api/v1/invitations/{id}",
            what: "B's pending invitation for a manager",
            foreign: t.b_pending_id.clone(),
            random: Uuid::now_v7().to_string(),
            body: None,
        });
    }
    probes.push(Probe {
        who: "owner of A",
        client: &t.ann.browser,
        method: "delete",
        template: "/api/v1/tokens/{id}",
        what: "B's live token",
        foreign: t.b_token_id.clone(),
        random: Uuid::now_v7().to_string(),
        body: None,
    });
    // Pipelines, stages, deals and lines of B, from A's owner and viewer.
    let ids = |template: &'static str, foreign: String, random: String| (template, foreign, random);
    let rid = || Uuid::now_v7().to_string();
    let targets = [
        ids("/api/v1/pipelines/{id}", t.b_pipeline.clone(), rid()),
        ids("/api/v1/pipelines/{id}/board", t.b_pipeline.clone(), rid()),
        ids("/api/v1/pipelines/{id}/stages", t.b_pipeline.clone(), rid()),
        ids("/api/v1/stages/{id}", t.b_stage.clone(), rid()),
        ids("/api/v1/deals/{id}", t.b_deal.clone(), rid()),
        ids("/api/v1/deals/{id}/restore", t.b_deleted_deal.clone(), rid()),
        ids("/api/v1/deals/{id}/stage", t.b_deal.clone(), rid()),
        ids("/api/v1/deals/{id}/history", t.b_deal.clone(), rid()),
        ids("/api/v1/deals/{id}/products", t.b_deal.clone(), rid()),
        ids("/api/v1/notifications/{id}/read", t.b_notification.clone(), rid()),
        ids("/api/v1/email-templates/{id}", t.b_template.clone(), rid()),
        ids(
            "/api/v1/deals/{id}/products/{line_id}",
            format!("{}/products/{}", t.b_deal, t.b_line),
            format!("{}/products/{}", rid(), rid()),
        ),
        ids("/api/v1/leads/{id}", t.b_lead.clone(), rid()),
        ids("/api/v1/leads/{id}/convert", t.b_lead.clone(), rid()),
        ids("/api/v1/leads/{id}/scores", t.b_lead.clone(), rid()),
        ids("/api/v1/leads/{id}/engagement", t.b_lead.clone(), rid()),
        ids("/api/v1/lead-sources/{slug}", "beta-only".into(), "never-made".into()),
        ids("/api/v1/lead-widgets/{id}", t.b_widget.clone(), rid()),
        ids("/api/v1/lead-widgets/{id}/rotate", t.b_widget.clone(), rid()),
    ];
    for (template, foreign, random) in targets {
        for (method, tpl) in ID_ROUTES.iter().filter(|(_, p)| *p == template) {
            probes.push(Probe {
                who: "owner of A",
                client: &t.ann.browser,
                method,
                template: tpl,
                what: "B's record",
                foreign: foreign.clone(),
                random: random.clone(),
                body: body_for(method, tpl),
            });
        }
    }
    // Notifications are personal: another member's, in the same
    // workspace, answers like a missing one too.
    probes.push(Probe {
        who: "rep of B",
        client: &t.bea.browser,
        method: "post",
        template: "/api/v1/notifications/{id}/read",
        what: "B's owner's notification",
        foreign: t.b_notification.clone(),
        random: Uuid::now_v7().to_string(),
        body: None,
    });
    // Accepting is by token, not by workspace: a live token of B is a
    // credential, not a foreign id. What must not tell B's records from
    // nothing: B's invitation *id* used as a token, and B's tokens that
    // no longer admit anyone.
    for (who, client, body) in [("owner of A", &t.ann.browser, json!({})), ("anonymous", &anon, anon_body.clone())] {
        probes.push(accept(who, client, "B's invitation id", &t.b_pending_id, &body));
        probes.push(accept(who, client, "B's revoked invitation", &t.b_revoked_token, &body));
        probes.push(accept(who, client, "B's used invitation", &t.b_used_token, &body));
        probes.push(accept(who, client, "B's expired invitation", &t.b_expired_token, &body));
    }

    // CRM records: the owner of A (who may edit anyone's records in A)
    // aims at B's.
    let crm: &[(&'static str, &'static str, &'static str)] = &[
        ("get", "/api/v1/contacts/{id}", "contact"),
        ("patch", "/api/v1/contacts/{id}", "contact"),
        ("delete", "/api/v1/contacts/{id}", "contact"),
        ("get", "/api/v1/contacts/{id}/overview", "contact"),
        ("get", "/api/v1/companies/{id}", "company"),
        ("patch", "/api/v1/companies/{id}", "company"),
        ("delete", "/api/v1/companies/{id}", "company"),
        ("get", "/api/v1/companies/{id}/overview", "company"),
        ("get", "/api/v1/activities/{id}", "task"),
        ("patch", "/api/v1/activities/{id}", "task"),
        ("post", "/api/v1/activities/{id}/complete", "task"),
        ("post", "/api/v1/activities/{id}/reopen", "done"),
        ("patch", "/api/v1/custom-fields/{id}", "field"),
        ("delete", "/api/v1/custom-fields/{id}", "field"),
        ("delete", "/api/v1/views/{id}", "view"),
    ];
    for &(method, template, what) in crm {
        probes.push(Probe {
            who: "owner of A",
            client: &t.ann.browser,
            method,
            template,
            what,
            foreign: t.b_crm[what].clone(),
            random: Uuid::now_v7().to_string(),
            body: body_for(method, template),
        });
    }

    let mut failures = Vec::new();
    let mut exercised: Vec<(&str, &str)> = Vec::new();
    let b_before = b_state(&t).await;
    assert_eq!(b_before, "rep/active owner/active live/pending live", "B's records as set up");
    for p in &probes {
        let ctx = format!("{}: {} {} with {}", p.who, p.method.to_uppercase(), p.template, p.what);
        exercised.push((p.method, p.template));
        let before = fingerprint(&t.app).await;
        let foreign = answer(send(p.client, p.method, &fill(p.template, &p.foreign), p.body.as_ref()).await).await;
        let random = answer(send(p.client, p.method, &fill(p.template, &p.random), p.body.as_ref()).await).await;
        let after = fingerprint(&t.app).await;
        if foreign != random {
            failures.push(format!(
                "{ctx}: answers unlike a missing id.\n  foreign: {} {} {}\n  missing: {} {} {}",
                foreign.0, foreign.1, foreign.2, random.0, random.1, random.2
            ));
        } else if random.0 != StatusCode::NOT_FOUND || random.2["code"] != "not_found" {
            failures.push(format!("{ctx}: expected 404 not_found for both, got {} {}", random.0, random.2));
        }
        if after != before {
            failures.push(format!("{ctx}: changed stored state:\n{before}\n---\n{after}"));
        }
    }
    let b_after = b_state(&t).await;
    if b_after != b_before {
        failures.push(format!("B's records changed: {b_before} -> {b_after}"));
    }
    for route in ID_ROUTES {
        assert!(exercised.contains(route), "no tenancy probe for {} {}", route.0.to_uppercase(), route.1);
    }
    assert!(
        failures.is_empty(),
        "{} of {} tenancy probes failed:\n{}",
        failures.len(),
        probes.len(),
        failures.join("\n")
    );
}

#[actix_web::test]
async fn switching_to_a_foreign_workspace_answers_like_a_missing_one() {
    let t = Tenants::new().await;
    let before = fingerprint(&t.app).await;
    let path = "/api/v1/me/active-workspace";
    let foreign = answer(t.ann.browser.post(path, &json!({"workspace_id": t.bob.workspace_id})).await).await;
    let random = answer(t.ann.browser.post(path, &json!({"workspace_id": Uuid::new_v4()})).await).await;
    assert_eq!(foreign, random, "owner of A: POST {path} with B's workspace id vs a missing one");
    assert_eq!(random.0, StatusCode::NOT_FOUND, "owner of A: POST {path} with a missing workspace: {}", random.2);
    assert_eq!(fingerprint(&t.app).await, before, "owner of A: POST {path} with B's id changed stored state");
}

#[actix_web::test]
async fn malformed_ids_are_404s_and_change_nothing() {
    let t = Tenants::new().await;
    let long = format!("{}0", Uuid::new_v4());
    let malformed = ["not-a-uuid", "42", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", long.as_str(), "%20", "%00", "-1"];
    let mut failures = Vec::new();
    let mut cases = 0;
    for (method, template) in routes_under_test().into_iter().filter(|(_, p)| p.contains('{')) {
        for bad in malformed {
            cases += 1;
            let path = fill(template, bad);
            let ctx = format!("owner: {} {template} as {path}", method.to_uppercase());
            let before = fingerprint(&t.app).await;
            let res = send(&t.ann.browser, method, &path, body_for(method, template).as_ref()).await;
            if let Some(why) = problem_mismatch(res, StatusCode::NOT_FOUND, "not_found").await {
                failures.push(format!("{ctx}: {why}"));
            }
            if fingerprint(&t.app).await != before {
                failures.push(format!("{ctx}: changed stored state"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cases} malformed-id cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[actix_web::test]
async fn absurd_page_sizes_are_400_problems() {
    let t = Tenants::new().await;
    let mut failures = Vec::new();
    for limit in ["100000", "0", "-1", "201", "abc", "1.5", "9223372036854775808", "1e3"] {
        let path = format!("/api/v1/audit?limit={limit}");
        if let Some(why) = problem_mismatch(t.ann.browser.get(&path).await, StatusCode::BAD_REQUEST, "bad_query").await
        {
            failures.push(format!("owner: GET {path}: {why}"));
        }
    }
    for limit in ["1", "200"] {
        let path = format!("/api/v1/audit?limit={limit}");
        let res = t.ann.browser.get(&path).await;
        if res.status() != StatusCode::OK {
            failures.push(format!("owner: GET {path}: expected 200, got {}", res.status()));
        }
    }
    assert!(failures.is_empty(), "page sizes:\n{}", failures.join("\n"));
}

#[actix_web::test]
async fn unknown_query_parameters_on_list_endpoints_are_400_problems() {
    let t = Tenants::new().await;
    let mut failures = Vec::new();
    let mut cases = 0;
    for list in LIST_ROUTES {
        // `limit` is unknown to the lists that do not page.
        let queries: &[&str] = if PAGED_LISTS.contains(list) { &["bogus=1"] } else { &["bogus=1", "limit=100000"] };
        for q in queries {
            cases += 1;
            let path = format!("{list}?{q}");
            if let Some(why) =
                problem_mismatch(t.ann.browser.get(&path).await, StatusCode::BAD_REQUEST, "bad_query").await
            {
                failures.push(format!("owner: GET {path}: {why}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} unknown-parameter cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
