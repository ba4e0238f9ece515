//! Search: partial names, emails and activity bodies, typed results,
//! workspace isolation, and input that cannot break the query.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, Browser};

async fn search(b: &Browser, query: &str) -> Vec<(String, String)> {
    let res = b.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "GET /api/v1/search?{query}");
    let body: Value = res.json().await.unwrap();
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["type"].as_str().unwrap().to_owned(), r["title"].as_str().unwrap().to_owned()))
        .collect()
}

fn pair(t: &str, title: &str) -> (String, String) {
    (t.to_owned(), title.to_owned())
}

#[actix_web::test]
async fn search_finds_partial_names_emails_and_activity_bodies_in_the_workspace_only() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let olga = app.signup("olga@elsewhere.test", "Elsewhere").await;
    crate::contacts::create(
        &ann.browser,
        json!({"first_name": "Margaret", "last_name": "Hamilton", "email": "margaret@apollo.nasa.gov"}),
    )
    .await;
    crate::companies::create(&ann.browser, json!({"name": "Hamilton Instruments", "domain": "hamilton.io"})).await;
    let res = ann
        .browser
        .post(
            "/api/v1/activities",
            &json!({"type": "note", "subject": "Lunch", "body": "Discussed the lunar guidance software"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    crate::contacts::create(&olga.browser, json!({"first_name": "Hamish", "last_name": "Hamilton"})).await;

    let found = search(&ann.browser, "q=hamil").await;
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found.contains(&pair("contact", "Margaret Hamilton"))
            && found.contains(&pair("company", "Hamilton Instruments"))
    );
    assert_eq!(
        search(&ann.browser, "q=margaret%40apol").await,
        [pair("contact", "Margaret Hamilton")],
        "partial email"
    );
    assert_eq!(search(&ann.browser, "q=lunar%20guid").await, [pair("activity", "Lunch")], "activity body");
    assert_eq!(search(&ann.browser, "q=hamil&types=company").await, [pair("company", "Hamilton Instruments")]);
    assert_eq!(search(&ann.browser, "q=hamil&limit=1").await.len(), 1);
    assert!(search(&ann.browser, "q=hamish").await.is_empty(), "another workspace's records stay invisible");
    assert_eq!(search(&olga.browser, "q=hamil").await, [pair("contact", "Hamish Hamilton")]);
    assert_eq!(
        search(&ann.browser, "q=%22margaret%20hamilton%22").await,
        [pair("contact", "Margaret Hamilton")],
        "a phrase"
    );
    assert_eq!(
        search(&ann.browser, "q=hamilton%20-instruments").await,
        [pair("contact", "Margaret Hamilton")],
        "negation"
    );
}

#[actix_web::test]
async fn no_input_breaks_the_search_query() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    crate::contacts::create(&ann.browser, json!({"first_name": "O'Brien"})).await;
    for q in [
        "'",
        "\\",
        "%26%7C!():*",
        "a:*",
        "%27%3B%20DROP%20TABLE%20contacts%3B--",
        "%22",
        "-",
        "or",
        "%E2%9C%93",
        "%F0%9F%98%80%20x",
        "obrie",
        "o%27bri",
    ] {
        let res = ann.browser.get(&format!("/api/v1/search?q={q}")).await;
        assert_eq!(res.status(), StatusCode::OK, "q={q}: {}", res.text().await.unwrap_or_default());
    }
    for bad in [
        "",
        "q=",
        "q=x&types=order",
        "q=x&limit=0",
        "q=x&limit=51",
        "q=x&bogus=1",
        &format!("q={}", "a".repeat(201)),
        "q=%00",
    ] {
        let res = ann.browser.get(&format!("/api/v1/search?{bad}")).await;
        assert_problem(res, StatusCode::BAD_REQUEST, "bad_query").await;
    }
}

#[actix_web::test]
async fn a_token_without_activities_read_searches_contacts_only() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    ann.browser.post("/api/v1/activities", &json!({"type": "note", "subject": "Zebra notes"})).await;
    crate::contacts::create(&ann.browser, json!({"first_name": "Zebra"})).await;
    let res = ann.browser.post("/api/v1/tokens", &json!({"name": "Sync", "scopes": ["contacts:read"]})).await;
    let token: Value = res.json().await.unwrap();
    let bot = app.bearer(token["token"].as_str().unwrap());
    assert_eq!(search(&bot, "q=zebra").await, [pair("contact", "Zebra")]);
    let res = bot.get("/api/v1/search?q=zebra&types=activity").await;
    assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
}
