//! The leads list's tag filter, which the browser app's leads screen
//! offers next to status, source, owner and band.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_leads_list_filters_by_tag_ignoring_case_and_pages_the_matches() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    for (name, tags) in [("Ada", vec!["Expo", "vip"]), ("Bo", vec!["expo"]), ("Cy", vec!["vip"]), ("Di", vec![])] {
        let res = ann.browser.post("/api/v1/leads", &json!({"first_name": name, "tags": tags})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let cases = [
        ("tag=expo&sort=name", vec!["Ada", "Bo"], "a tag matches whatever its case"),
        ("tag=EXPO&sort=name", vec!["Ada", "Bo"], "the filter's case does not matter either"),
        ("tag=vip&sort=name", vec!["Ada", "Cy"], "another tag"),
        ("tag=none&sort=name", vec![], "an unknown tag matches nothing"),
        ("tag=expo&q=bo", vec!["Bo"], "the tag combines with search"),
    ];
    for (query, expected, why) in cases {
        let res = ann.browser.get(&format!("/api/v1/leads?{query}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{why}");
        let list: Value = res.json().await.unwrap();
        let names: Vec<&str> = list["leads"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
        assert_eq!(names, expected, "{why}");
        assert_eq!(list["total"], expected.len(), "{why}: the total counts the matches");
    }
    // Pagination counts the filtered leads, not all of them.
    let list: Value = ann.browser.get("/api/v1/leads?tag=vip&sort=name&limit=1&offset=1").await.json().await.unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(list["leads"][0]["name"], "Cy");
}
