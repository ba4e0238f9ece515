//! Companies: normalisation, validation, metadata and custom-field
//! filters, versions, the 360 view.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, Browser};
use crate::permissions::fingerprint;

pub async fn create(b: &Browser, body: Value) -> Value {
    let res = b.post("/api/v1/companies", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create company {body}");
    res.json().await.unwrap()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn names(b: &Browser, query: &str) -> Vec<String> {
    let res = b.get(&format!("/api/v1/companies{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "GET /api/v1/companies{query}");
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn a_company_is_stored_with_a_normalised_domain_and_website() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let c = create(
        &ann.browser,
        json!({"name": " Globex ", "domain": "https://WWW.Globex.com/about", "website": "globex.com",
               "size": "51-200", "status": "customer", "renewal_date": "2027-01-31",
               "upsell_opportunity": "More seats", "metadata": {"region": "emea", "tier": 2}}),
    )
    .await;
    assert_eq!(c["name"], "Globex");
    assert_eq!(c["domain"], "www.globex.com");
    assert_eq!(c["website"], "https://globex.com");
    assert_eq!(c["renewal_date"], "2027-01-31");
    assert_eq!(c["owner_id"], ann.user_id.to_string());
    assert_eq!(c["metadata"]["region"], "emea");
    let res = ann
        .browser
        .patch(&format!("/api/v1/companies/{}", id(&c)), &json!({"domain": null, "status": "churned"}))
        .await;
    assert_eq!(res.headers()["etag"], "\"2\"");
    let c: Value = res.json().await.unwrap();
    assert!(c["domain"].is_null());
    assert_eq!(c["status"], "churned");
}

#[actix_web::test]
async fn invalid_companies_are_422_naming_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"name": ""}), "name"),
        (json!({"name": "A", "domain": "not a domain"}), "domain"),
        (json!({"name": "A", "website": "ftp://files.example.com"}), "website"),
        (json!({"name": "A", "size": "huge"}), "size"),
        (json!({"name": "A", "status": "bestie"}), "status"),
        (json!({"name": "A", "renewal_date": "2027-02-30"}), "body"),
        (json!({"name": "A", "metadata": {"blob": "x".repeat(17 * 1024)}}), "metadata"),
        (json!({"name": "A", "custom_fields": {"nope": 1}}), "custom_fields.nope"),
    ];
    let before = fingerprint(&app).await;
    for (body, field) in cases {
        let p = assert_problem(
            ann.browser.post("/api/v1/companies", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["field"] == field), "expected {field}: {p}");
    }
    assert_eq!(fingerprint(&app).await, before);
}

#[actix_web::test]
async fn companies_filter_by_metadata_custom_fields_status_and_search_and_sort() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let field = json!({"entity": "company", "key": "segment", "label": "Segment", "type": "text"});
    assert_eq!(ann.browser.post("/api/v1/custom-fields", &field).await.status(), StatusCode::CREATED);
    create(&ann.browser, json!({"name": "Initech", "domain": "initech.com", "metadata": {"region": "na"}, "custom_fields": {"segment": "smb"}})).await;
    create(
        &ann.browser,
        json!({"name": "Umbrella", "industry": "Pharma", "status": "customer", "metadata": {"region": "emea"}}),
    )
    .await;
    create(&ann.browser, json!({"name": "Hooli", "domain": "hooli.xyz", "metadata": {"region": "na"}})).await;
    assert_eq!(names(&ann.browser, "?meta.region=na&sort=name").await, ["Hooli", "Initech"]);
    assert_eq!(names(&ann.browser, "?cf.segment=smb").await, ["Initech"]);
    assert_eq!(names(&ann.browser, "?status=customer").await, ["Umbrella"]);
    assert_eq!(names(&ann.browser, "?industry=pharma").await, ["Umbrella"]);
    assert_eq!(names(&ann.browser, "?q=hool").await, ["Hooli"]);
    assert_eq!(names(&ann.browser, "?q=initech.com").await, ["Initech"], "a domain, word by word");
    // A last word of one or two letters is a whole word, not a prefix (V12).
    assert!(names(&ann.browser, "?q=initech.c").await.is_empty(), "`c` is not a prefix");
    assert_eq!(names(&ann.browser, "?q=hoo").await, ["Hooli"], "three letters are a prefix");
    assert_eq!(names(&ann.browser, "?sort=name&order=desc&limit=2").await, ["Umbrella", "Initech"]);
    for bad in ["?meta.=x", "?sort=size", "?colour=red", "?status=", "?status=bestie"] {
        assert_problem(ann.browser.get(&format!("/api/v1/companies{bad}")).await, StatusCode::BAD_REQUEST, "bad_query")
            .await;
    }
}

#[actix_web::test]
async fn the_company_360_view_has_key_contacts_and_a_timeline_across_them() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let co = create(&ann.browser, json!({"name": "Vandelay Industries"})).await;
    let art = crate::contacts::create(
        &ann.browser,
        json!({"first_name": "Art", "last_name": "Vandelay", "company_id": co["id"]}),
    )
    .await;
    crate::contacts::create(&ann.browser, json!({"first_name": "Elsewhere"})).await;
    for (subject, link) in [
        ("Intro", json!({"company_id": co["id"]})),
        ("Called Art", json!({"contact_id": art["id"]})),
        ("Unrelated", json!({})),
    ] {
        let mut body = json!({"type": "call", "subject": subject, "direction": "outbound"});
        body.as_object_mut().unwrap().extend(link.as_object().unwrap().clone());
        assert_eq!(ann.browser.post("/api/v1/activities", &body).await.status(), StatusCode::CREATED);
    }
    let o: Value = ann.browser.get(&format!("/api/v1/companies/{}/overview", id(&co))).await.json().await.unwrap();
    let contacts: Vec<&str> =
        o["contacts"].as_array().unwrap().iter().map(|c| c["first_name"].as_str().unwrap()).collect();
    assert_eq!(contacts, ["Art"]);
    let timeline: Vec<&str> =
        o["timeline"].as_array().unwrap().iter().map(|a| a["subject"].as_str().unwrap()).collect();
    assert_eq!(timeline, ["Intro", "Called Art"]);
    assert_eq!(o["audit"][0]["action"], "company.created");
    // A deleted company leaves lists; its contacts keep the link without a name.
    assert_eq!(ann.browser.delete(&format!("/api/v1/companies/{}", id(&co))).await.status(), StatusCode::NO_CONTENT);
    assert!(names(&ann.browser, "").await.is_empty());
    let art: Value = ann.browser.get(&format!("/api/v1/contacts/{}", id(&art))).await.json().await.unwrap();
    assert!(art["company_name"].is_null());
    let res = ann.browser.get(&format!("/api/v1/companies/{}/overview", id(&co))).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn reps_change_only_their_own_companies_and_stale_versions_are_412() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let annes = create(&ann.browser, json!({"name": "Ann's account"})).await;
    let rexes = create(&rex.browser, json!({"name": "Rex's account"})).await;
    assert_eq!(rexes["owner_id"], rex.user_id.to_string());
    let before = fingerprint(&app).await;
    let path = format!("/api/v1/companies/{}", id(&annes));
    assert_problem(rex.browser.patch(&path, &json!({"industry": "Retail"})).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    assert_problem(rex.browser.delete(&path).await, StatusCode::FORBIDDEN, "forbidden").await;
    let stale = ann
        .browser
        .request(reqwest::Method::PATCH, &path)
        .header("if-match", "\"7\"")
        .json(&json!({"industry": "Retail"}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert!(p["detail"].as_str().unwrap().contains("version 1"), "{p}");
    assert_eq!(fingerprint(&app).await, before);
    let res = rex.browser.patch(&format!("/api/v1/companies/{}", id(&rexes)), &json!({"status": "customer"})).await;
    assert_eq!(res.status(), StatusCode::OK);
}
