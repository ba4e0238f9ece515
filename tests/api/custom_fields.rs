//! Custom field definitions and the validation of records' values.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app};
use crate::permissions::fingerprint;

#[actix_web::test]
async fn values_are_checked_against_their_definitions_naming_the_field() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    for def in [
        json!({"entity": "contact", "key": "tier", "label": "Tier", "type": "select", "options": ["gold", "silver"]}),
        json!({"entity": "contact", "key": "seats", "label": "Seats", "type": "number"}),
        json!({"entity": "contact", "key": "birthday", "label": "Birthday", "type": "date"}),
        json!({"entity": "contact", "key": "vip", "label": "VIP", "type": "boolean"}),
        json!({"entity": "contact", "key": "langs", "label": "Languages", "type": "multi_select", "options": ["en", "fr", "de"]}),
        json!({"entity": "contact", "key": "notes", "label": "Notes", "type": "text"}),
        json!({"entity": "company", "key": "arr", "label": "ARR", "type": "number"}),
    ] {
        assert_eq!(ann.browser.post("/api/v1/custom-fields", &def).await.status(), StatusCode::CREATED, "{def}");
    }
    let ok = json!({"first_name": "Val", "custom_fields": {"tier": "gold", "seats": 12, "birthday": "1990-04-01",
                    "vip": true, "langs": ["en", "fr"], "notes": "likes golf"}});
    let res = ann.browser.post("/api/v1/contacts", &ok).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let contact: Value = res.json().await.unwrap();
    let cases = [
        (json!({"tier": "bronze"}), "custom_fields.tier", "not an option"),
        (json!({"seats": "12"}), "custom_fields.seats", "a string for a number"),
        (json!({"birthday": "01/04/1990"}), "custom_fields.birthday", "not ISO"),
        (json!({"vip": "yes"}), "custom_fields.vip", "a string for a boolean"),
        (json!({"langs": ["en", "en"]}), "custom_fields.langs", "duplicates"),
        (json!({"langs": "en"}), "custom_fields.langs", "not an array"),
        (json!({"arr": 5}), "custom_fields.arr", "a company field on a contact"),
        (json!({"shoe_size": 44}), "custom_fields.shoe_size", "an unknown key"),
    ];
    let path = format!("/api/v1/contacts/{}", contact["id"].as_str().unwrap());
    let before = fingerprint(&app).await;
    for (values, field, what) in cases {
        let res = ann.browser.patch(&path, &json!({"custom_fields": values})).await;
        let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(p["errors"][0]["field"], field, "{what}: {p}");
    }
    assert_eq!(fingerprint(&app).await, before);
    // null unsets one key and keeps the rest.
    let res = ann.browser.patch(&path, &json!({"custom_fields": {"notes": null, "seats": 13}})).await;
    let c: Value = res.json().await.unwrap();
    assert!(c["custom_fields"].get("notes").is_none());
    assert_eq!(c["custom_fields"]["seats"], 13);
    assert_eq!(c["custom_fields"]["tier"], "gold");
}

#[actix_web::test]
async fn definitions_are_validated_unique_per_entity_and_deleting_one_clears_its_values() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mia = app.member_of(&ann, "mia@example.com", "manager").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let tier = json!({"entity": "contact", "key": "tier", "label": "Tier", "type": "select", "options": ["gold"]});
    let res = mia.browser.post("/api/v1/custom-fields", &tier).await;
    assert_eq!(res.status(), StatusCode::CREATED, "managers configure fields");
    let def: Value = res.json().await.unwrap();
    assert_problem(ann.browser.post("/api/v1/custom-fields", &tier).await, StatusCode::CONFLICT, "field_exists").await;
    let same_key_elsewhere = json!({"entity": "deal", "key": "tier", "label": "Tier", "type": "text"});
    assert_eq!(ann.browser.post("/api/v1/custom-fields", &same_key_elsewhere).await.status(), StatusCode::CREATED);
    assert_problem(
        rex.browser
            .post("/api/v1/custom-fields", &json!({"entity": "lead", "key": "x", "label": "X", "type": "text"}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    for (bad, field) in [
        (json!({"entity": "order", "key": "x", "label": "X", "type": "text"}), "entity"),
        (json!({"entity": "contact", "key": "Bad Key", "label": "X", "type": "text"}), "key"),
        (json!({"entity": "contact", "key": "x", "label": "", "type": "text"}), "label"),
        (json!({"entity": "contact", "key": "x", "label": "X", "type": "select"}), "options"),
        (json!({"entity": "contact", "key": "x", "label": "X", "type": "select", "options": ["a", "a"]}), "options"),
        (json!({"entity": "contact", "key": "x", "label": "X", "type": "number", "options": ["a"]}), "options"),
    ] {
        let p = assert_problem(
            ann.browser.post("/api/v1/custom-fields", &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["field"] == field), "{bad}: {p}");
    }
    let res = ann
        .browser
        .post("/api/v1/custom-fields", &json!({"entity": "contact", "key": "x", "label": "X", "type": "currency"}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let def_path = format!("/api/v1/custom-fields/{}", def["id"].as_str().unwrap());
    let res = ann.browser.patch(&def_path, &json!({"label": "Level", "options": ["gold", "platinum"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        ann.browser.patch(&def_path, &json!({"type": "text"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let c =
        crate::contacts::create(&ann.browser, json!({"first_name": "P", "custom_fields": {"tier": "platinum"}})).await;
    let listed: Value = rex.browser.get("/api/v1/custom-fields?entity=contact").await.json().await.unwrap();
    assert_eq!(listed["fields"].as_array().unwrap().len(), 1);
    assert_problem(rex.browser.get("/api/v1/custom-fields?entity=order").await, StatusCode::BAD_REQUEST, "bad_query")
        .await;

    assert_eq!(ann.browser.delete(&def_path).await.status(), StatusCode::NO_CONTENT);
    let c: Value =
        ann.browser.get(&format!("/api/v1/contacts/{}", c["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(c["custom_fields"], json!({}), "deleting a field removes its values");
    assert_eq!(c["version"], 2);
}
