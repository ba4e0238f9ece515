//! Contacts: validation, tags, lists (filters, sort, pages), versions,
//! ownership rules, soft delete, bulk operations, the 360 view and events.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, Browser, TestApp};
use crate::permissions::fingerprint;
use crate::ws::{connect, WsAuth};

pub async fn create(b: &Browser, body: Value) -> Value {
    let res = b.post("/api/v1/contacts", &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create contact {body}");
    res.json().await.unwrap()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn list(b: &Browser, query: &str) -> Value {
    let res = b.get(&format!("/api/v1/contacts{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "GET /api/v1/contacts{query}");
    res.json().await.unwrap()
}

fn last_names(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["last_name"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn creating_a_contact_returns_it_with_an_etag_normalised_tags_and_the_caller_as_owner() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let res = ann
        .browser
        .post(
            "/api/v1/contacts",
            &json!({"first_name": " Bob ", "last_name": "Stone", "email": "bob@stone.io",
                    "tags": ["  VIP ", "vip", "Big   Fish"], "job_title": "CTO"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["first_name"], "Bob");
    assert_eq!(c["name"], "Bob Stone");
    assert_eq!(c["tags"], json!(["vip", "big fish"]));
    assert_eq!(c["owner_id"], ann.user_id.to_string());
    assert_eq!(c["version"], 1);
    let res = ann.browser.get(&format!("/api/v1/contacts/{}", id(&c))).await;
    assert_eq!(res.headers()["etag"], "\"1\"");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'contact.created'").await, 1);
}

#[actix_web::test]
async fn invalid_contacts_are_422_naming_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let other = app.signup("olga@elsewhere.test", "Elsewhere").await;
    let foreign_company = crate::companies::create(&other.browser, json!({"name": "Elsewhere Inc"})).await;
    let thirty_one: Vec<String> = (0..31).map(|i| format!("t{i}")).collect();
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({}), "first_name", "neither name nor email"),
        (json!({"first_name": "A", "email": "not-an-email"}), "email", "a malformed email"),
        (json!({"first_name": "A", "tags": thirty_one}), "tags", "31 tags"),
        (json!({"first_name": "A", "tags": ["x".repeat(51)]}), "tags[0]", "a 51-character tag"),
        (json!({"first_name": "A", "tags": ["   "]}), "tags[0]", "a blank tag"),
        (json!({"first_name": "A", "phone": "call me maybe"}), "phone", "a phone with letters"),
        (json!({"first_name": "x".repeat(101)}), "first_name", "a 101-character first name"),
        (json!({"first_name": "A", "company_id": foreign_company["id"]}), "company_id", "another workspace's company"),
        (json!({"first_name": "A", "owner_id": other.user_id}), "owner_id", "an owner from another workspace"),
        (
            json!({"first_name": "A", "custom_fields": {"tier": "gold"}}),
            "custom_fields.tier",
            "an undefined custom field",
        ),
    ];
    let before = fingerprint(&app).await;
    for (body, field, what) in cases {
        let res = ann.browser.post("/api/v1/contacts", &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{what}: expected an error on {field}, got {problem}");
    }
    let res = ann.browser.post("/api/v1/contacts", &json!({"first_name": "A", "nickname": "x"})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fingerprint(&app).await, before, "refused contacts changed stored state");
}

#[actix_web::test]
async fn the_database_refuses_more_than_30_tags_or_unnormalised_tags_even_by_sql() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let c = create(&ann.browser, json!({"first_name": "Tess"})).await;
    let db = app.db().await;
    let cid: uuid::Uuid = id(&c).parse().unwrap();
    let tags31: Vec<String> = (0..31).map(|i| format!("t{i}")).collect();
    let err = db.execute("UPDATE contacts SET tags = $2 WHERE id = $1", &[&cid, &tags31]).await;
    assert!(err.is_err(), "31 tags were stored");
    let long = "x".repeat(51);
    let bad: [&[Option<&str>]; 9] = [
        &[Some("VIP")],
        &[Some("a"), Some("a")],
        &[Some("")],
        &[Some(" vip")],
        &[Some("vip ")],
        &[Some("key  account")],
        &[Some("key\taccount")],
        &[Some(long.as_str())],
        &[Some("ok"), None],
    ];
    for tags in bad {
        let err = db.execute("UPDATE contacts SET tags = $2 WHERE id = $1", &[&cid, &tags]).await;
        assert!(err.is_err(), "{tags:?} was stored");
    }
    let fifty = "y".repeat(50);
    let good: [&[&str]; 3] = [&[], &["key account", "vip"], &["émigré", fifty.as_str()]];
    for tags in good {
        db.execute("UPDATE contacts SET tags = $2 WHERE id = $1", &[&cid, &tags]).await.unwrap();
    }
    let tags30: Vec<String> = (0..30).map(|i| format!("t{i}")).collect();
    db.execute("UPDATE contacts SET tags = $2 WHERE id = $1", &[&cid, &tags30]).await.unwrap();
}

async fn seed_people(b: &Browser) {
    for (first, last, email) in [
        ("Ada", "Lovelace", "ada@analytical.org"),
        ("Alan", "Turing", "alan@bletchley.uk"),
        ("Grace", "Hopper", "grace@navy.mil"),
        ("Edsger", "Dijkstra", "edsger@tue.nl"),
        ("Barbara", "Liskov", "barbara@mit.edu"),
        ("Donald", "Knuth", "don@stanford.edu"),
        ("Ken", "Thompson", "ken@bell-labs.com"),
    ] {
        create(b, json!({"first_name": first, "last_name": last, "email": email})).await;
    }
}

#[actix_web::test]
async fn lists_sort_page_and_count_on_the_server() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    seed_people(&ann.browser).await;
    let asc = list(&ann.browser, "?sort=name").await;
    assert_eq!(asc["total"], 7);
    assert_eq!(
        last_names(&asc),
        ["Dijkstra", "Hopper", "Knuth", "Liskov", "Lovelace", "Thompson", "Turing"],
        "by last name"
    );
    let desc = list(&ann.browser, "?sort=name&order=desc&limit=3").await;
    assert_eq!(last_names(&desc), ["Turing", "Thompson", "Lovelace"]);
    assert_eq!(desc["total"], 7, "the total counts every page");
    let third = list(&ann.browser, "?sort=name&limit=3&page=3").await;
    assert_eq!(last_names(&third), ["Turing"]);
    let by_email = list(&ann.browser, "?sort=email&limit=2").await;
    assert_eq!(last_names(&by_email), ["Lovelace", "Turing"], "ada@, alan@");
    let newest = list(&ann.browser, "?sort=created_at&order=desc&limit=1").await;
    assert_eq!(last_names(&newest), ["Thompson"]);
    for bad in ["?sort=shoe_size", "?order=sideways", "?page=0", "?limit=201", "?bogus=1", "?owner_id=nope", "?cf.=x"] {
        let res = ann.browser.get(&format!("/api/v1/contacts{bad}")).await;
        assert_problem(res, StatusCode::BAD_REQUEST, "bad_query").await;
    }
}

#[actix_web::test]
async fn lists_filter_by_company_owner_tag_custom_field_and_search() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let field =
        json!({"entity": "contact", "key": "tier", "label": "Tier", "type": "select", "options": ["gold", "silver"]});
    assert_eq!(ann.browser.post("/api/v1/custom-fields", &field).await.status(), StatusCode::CREATED);
    let globex = crate::companies::create(&ann.browser, json!({"name": "Globex Corporation"})).await;
    create(
        &ann.browser,
        json!({"first_name": "Hank", "last_name": "Scorpio", "company_id": globex["id"], "tags": ["vip"],
               "custom_fields": {"tier": "gold"}}),
    )
    .await;
    create(&rex.browser, json!({"first_name": "Homer", "last_name": "Simpson", "email": "homer@springfield.gov", "tags": ["vip", "nuclear"]})).await;
    create(&rex.browser, json!({"first_name": "Marge", "last_name": "Simpson", "custom_fields": {"tier": "silver"}}))
        .await;
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (format!("?company_id={}", id(&globex)), vec!["Hank"], "company"),
        (format!("?owner_id={}", rex.user_id), vec!["Homer", "Marge"], "owner"),
        ("?tag=VIP".into(), vec!["Hank", "Homer"], "tag, normalised"),
        ("?tag=vip&tag=nuclear".into(), vec!["Homer"], "every tag"),
        ("?cf.tier=gold".into(), vec!["Hank"], "custom field"),
        ("?q=simps".into(), vec!["Homer", "Marge"], "partial last name"),
        ("?q=homer%40springf".into(), vec!["Homer"], "partial email"),
        ("?q=globex".into(), vec!["Hank"], "company name"),
        ("?q=marge%20simp".into(), vec!["Marge"], "two words, the last partial"),
        ("?q=%22%27%29%3B--".into(), vec!["Hank", "Homer", "Marge"], "punctuation only: no search"),
    ];
    for (query, want, what) in cases {
        let page = list(&ann.browser, &format!("{query}&sort=name")).await;
        let mut got: Vec<&str> =
            page["items"].as_array().unwrap().iter().map(|i| i["first_name"].as_str().unwrap()).collect();
        got.sort();
        assert_eq!(got, want, "{what}: {query}");
        assert_eq!(page["total"], want.len(), "{what}: total");
    }
}

#[actix_web::test]
async fn a_stale_if_match_is_412_and_changes_nothing_and_null_clears_a_field() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let c =
        create(&ann.browser, json!({"first_name": "Vera", "email": "vera@example.com", "phone": "+1 555 0100"})).await;
    let path = format!("/api/v1/contacts/{}", id(&c));
    let res = ann
        .browser
        .request(reqwest::Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({"phone": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let body: Value = res.json().await.unwrap();
    assert!(body["phone"].is_null(), "null clears: {body}");
    let before = fingerprint(&app).await;
    let res = ann
        .browser
        .request(reqwest::Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({"last_name": "Late"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    let res = ann.browser.request(reqwest::Method::DELETE, &path).header("if-match", "\"1\"").send().await.unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    let res = ann.browser.patch(&path, &json!({"first_name": null})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = ann.browser.patch(&path, &json!({"email": null, "first_name": ""})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fingerprint(&app).await, before);
}

#[actix_web::test]
async fn reps_change_their_own_contacts_and_need_a_manager_for_anyone_elses() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mia = app.member_of(&ann, "mia@example.com", "manager").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    let vic = app.member_of(&ann, "vic@example.com", "viewer").await;
    let mine = create(&rex.browser, json!({"first_name": "Mine"})).await;
    let theirs = create(&ann.browser, json!({"first_name": "Theirs"})).await;
    let res = rex.browser.patch(&format!("/api/v1/contacts/{}", id(&mine)), &json!({"job_title": "CEO"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let before = fingerprint(&app).await;
    let res = rex.browser.patch(&format!("/api/v1/contacts/{}", id(&theirs)), &json!({"job_title": "CEO"})).await;
    let p = assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(p["detail"].as_str().unwrap().contains("belongs to someone else"), "{p}");
    let res = rex.browser.delete(&format!("/api/v1/contacts/{}", id(&theirs))).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = rex.browser.patch(&format!("/api/v1/contacts/{}", id(&mine)), &json!({"owner_id": ann.user_id})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = rex.browser.post("/api/v1/contacts", &json!({"first_name": "Gift", "owner_id": mia.user_id})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = vic.browser.post("/api/v1/contacts", &json!({"first_name": "Nope"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(fingerprint(&app).await, before, "refusals changed stored state");
    let res = mia.browser.patch(&format!("/api/v1/contacts/{}", id(&theirs)), &json!({"owner_id": rex.user_id})).await;
    assert_eq!(res.status(), StatusCode::OK, "a manager edits anyone's");
    // Suspended members cannot own records.
    app.db()
        .await
        .execute("UPDATE memberships SET status = 'suspended' WHERE user_id = $1", &[&vic.user_id])
        .await
        .unwrap();
    let res = ann.browser.post("/api/v1/contacts", &json!({"first_name": "X", "owner_id": vic.user_id})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn deleted_contacts_leave_lists_and_answer_404_but_keep_their_row() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let c = create(&ann.browser, json!({"first_name": "Gone"})).await;
    let path = format!("/api/v1/contacts/{}", id(&c));
    assert_eq!(ann.browser.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_problem(ann.browser.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(ann.browser.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(list(&ann.browser, "").await["total"], 0);
    assert_eq!(app.count("SELECT count(*) FROM contacts WHERE deleted_at IS NOT NULL").await, 1);
}

#[actix_web::test]
async fn bulk_operations_change_every_chosen_contact_with_one_audit_entry() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let rex = app.member_of(&ann, "rex@example.com", "rep").await;
    seed_people(&ann.browser).await;
    let all = list(&ann.browser, "?sort=name").await;
    let ids: Vec<String> = all["items"].as_array().unwrap().iter().map(id).collect();
    let audit = |action: &'static str| {
        let app: &TestApp = &app;
        async move { app.count(&format!("SELECT count(*) FROM audit_log WHERE action = '{action}'")).await }
    };

    let res = ann
        .browser
        .post(
            "/api/v1/contacts/bulk",
            &json!({"ids": ids[..3], "operation": {"type": "add_tags", "tags": ["Q3 Push"]}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 3);
    assert_eq!(list(&ann.browser, "?tag=q3%20push").await["total"], 3);
    assert_eq!(audit("contact.bulk_updated").await, 1, "one audit entry for three contacts");
    let details: Value = app
        .db()
        .await
        .query_one("SELECT details FROM audit_log WHERE action = 'contact.bulk_updated'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(details["count"], 3);

    let filter = json!({"filter": {"tags": ["q3 push"]}, "operation": {"type": "set_owner", "owner_id": rex.user_id}});
    assert_eq!(ann.browser.post("/api/v1/contacts/bulk", &filter).await.status(), StatusCode::OK);
    assert_eq!(list(&ann.browser, &format!("?owner_id={}", rex.user_id)).await["total"], 3);
    let remove =
        json!({"filter": {"owner_id": rex.user_id}, "operation": {"type": "remove_tags", "tags": ["q3 push"]}});
    assert_eq!(rex.browser.post("/api/v1/contacts/bulk", &remove).await.status(), StatusCode::OK, "a rep on their own");
    assert_eq!(list(&ann.browser, "?tag=q3%20push").await["total"], 0);

    // A rep may not touch others' contacts: nothing changes.
    let before = fingerprint(&app).await;
    let res = rex.browser.post("/api/v1/contacts/bulk", &json!({"ids": ids, "operation": {"type": "delete"}})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Tags past 30 on any contact refuse the whole operation.
    let many: Vec<String> = (0..29).map(|i| format!("t{i}")).collect();
    let res = ann.browser.patch(&format!("/api/v1/contacts/{}", ids[0]), &json!({"tags": many})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let before_overflow = fingerprint(&app).await;
    let res = ann
        .browser
        .post("/api/v1/contacts/bulk", &json!({"ids": ids, "operation": {"type": "add_tags", "tags": ["x", "y"]}}))
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fingerprint(&app).await, before_overflow, "a refused bulk changed stored state");
    assert_ne!(before, before_overflow);
    for bad in [
        json!({"operation": {"type": "delete"}}),
        json!({"ids": [], "operation": {"type": "delete"}}),
        json!({"ids": ids, "filter": {}, "operation": {"type": "delete"}}),
        json!({"ids": ids, "operation": {"type": "explode"}}),
        json!({"ids": ids, "operation": {"type": "add_tags", "tags": []}}),
    ] {
        let res = ann.browser.post("/api/v1/contacts/bulk", &bad).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }

    let res = ann
        .browser
        .post("/api/v1/contacts/bulk", &json!({"filter": {"q": "knuth"}, "operation": {"type": "delete"}}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["count"], 1);
    assert_eq!(list(&ann.browser, "").await["total"], 6);
    assert_eq!(audit("contact.bulk_deleted").await, 1);
}

#[actix_web::test]
async fn the_360_view_shows_company_timeline_oldest_first_and_the_audit_trail() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let globex = crate::companies::create(&ann.browser, json!({"name": "Globex"})).await;
    let c = create(&ann.browser, json!({"first_name": "Hank", "company_id": globex["id"]})).await;
    for subject in ["First call", "Sent proposal", "Follow up"] {
        let res = ann
            .browser
            .post("/api/v1/activities", &json!({"type": "note", "subject": subject, "contact_id": c["id"]}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    ann.browser.patch(&format!("/api/v1/contacts/{}", id(&c)), &json!({"job_title": "Boss"})).await;
    ann.browser
        .post("/api/v1/contacts/bulk", &json!({"ids": [c["id"]], "operation": {"type": "add_tags", "tags": ["vip"]}}))
        .await;
    let res = ann.browser.get(&format!("/api/v1/contacts/{}/overview", id(&c))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let o: Value = res.json().await.unwrap();
    assert_eq!(o["contact"]["job_title"], "Boss");
    assert_eq!(o["company"]["name"], "Globex");
    let subjects: Vec<&str> =
        o["timeline"].as_array().unwrap().iter().map(|a| a["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["First call", "Sent proposal", "Follow up"]);
    let actions: Vec<&str> = o["audit"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["contact.created", "contact.updated", "contact.bulk_updated"]);
    assert_eq!(o["deals"], json!({"open": [], "won": [], "lifetime_value": {}}), "no deals yet");
}

#[actix_web::test]
async fn contact_and_company_events_reach_a_websocket_subscriber_on_contacts() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    assert_eq!(ws.subscribe(&["contacts"], None).await["msg"], "subscribed");
    let co = crate::companies::create(&ann.browser, json!({"name": "Initech"})).await;
    let c = create(&ann.browser, json!({"first_name": "Peter", "company_id": co["id"]})).await;
    ann.browser.patch(&format!("/api/v1/contacts/{}", id(&c)), &json!({"last_name": "Gibbons"})).await;
    ann.browser.delete(&format!("/api/v1/contacts/{}", id(&c))).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let e = ws.next().await;
        assert_eq!(e["msg"], "event", "{e}");
        assert_eq!(e["topic"], "contacts");
        seen.push((e["type"].as_str().unwrap_or_default().to_owned(), e["data"].clone()));
    }
    let kinds: Vec<&str> = seen.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["company.created", "contact.created", "contact.updated", "contact.deleted"]);
    assert_eq!(seen[2].1["last_name"], "Gibbons", "the full record is the data");
    assert_eq!(seen[2].1["company_name"], "Initech");
}

#[actix_web::test]
async fn values_postgresql_cannot_store_are_422_not_500() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let field = json!({"entity": "company", "key": "note", "label": "Note", "type": "text"});
    assert_eq!(ann.browser.post("/api/v1/custom-fields", &field).await.status(), StatusCode::CREATED);
    let before = fingerprint(&app).await;
    let cases: Vec<(&str, Value)> = vec![
        ("/api/v1/companies", json!({"name": "A", "metadata": {"k": "nul\u{0}here"}})),
        ("/api/v1/companies", json!({"name": "A", "metadata": {"nul\u{0}key": 1}})),
        ("/api/v1/companies", json!({"name": "A", "custom_fields": {"note": "\u{0}"}})),
        ("/api/v1/companies", json!({"name": "A", "upsell_opportunity": "x\u{0}"})),
        ("/api/v1/companies", json!({"name": "A", "website": "https://a.com/\u{0}"})),
        ("/api/v1/companies", json!({"name": "A", "renewal_date": "-5000-01-01"})),
        ("/api/v1/activities", json!({"type": "note", "subject": "s", "body": "\u{0}"})),
        ("/api/v1/activities", json!({"type": "task", "subject": "s", "due_at": "+99999-01-01T00:00:00Z"})),
        (
            "/api/v1/contacts/bulk",
            json!({"filter": {"custom_fields": {"k\u{0}": "v"}}, "operation": {"type": "delete"}}),
        ),
        (
            "/api/v1/contacts/bulk",
            json!({"filter": {"custom_fields": {"k": "v\u{0}"}}, "operation": {"type": "delete"}}),
        ),
    ];
    for (path, body) in cases {
        let res = ann.browser.post(path, &body).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    assert_eq!(fingerprint(&app).await, before);
}

#[actix_web::test]
async fn another_method_on_the_bulk_path_is_405_not_a_missing_contact() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let res = ann.browser.patch("/api/v1/contacts/bulk", &json!({})).await;
    assert_eq!(res.headers()["allow"], "POST");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let res = ann.browser.request(reqwest::Method::OPTIONS, "/api/v1/contacts/bulk").send().await.unwrap();
    assert_eq!(res.headers()["allow"], "POST", "only the fixed route's methods");
    assert_problem(ann.browser.get("/api/v1/contacts/nope").await, StatusCode::NOT_FOUND, "not_found").await;
}
