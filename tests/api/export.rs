//! CSV exports: RFC 4180 quoting, formula neutralisation, custom field
//! columns, the lists' filters, paging through long lists, permissions,
//! audit entries and tenant isolation.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, Browser, SignedIn};

/// Parses RFC 4180 CSV (CRLF records, quoted fields with doubled quotes
/// and line breaks), after the UTF-8 byte order mark.
fn parse_csv(body: &str) -> Vec<Vec<String>> {
    let body = body.strip_prefix('\u{feff}').expect("the export starts with a byte order mark");
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = body.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\n' => panic!("a bare LF outside quotes"),
            _ => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the body ends with a complete record");
    rows
}

/// An export as header + records, keyed by column name.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    fn ids(&self) -> BTreeSet<String> {
        self.rows.iter().map(|r| r[self.col("id")].clone()).collect()
    }

    fn row(&self, id: &str) -> &Vec<String> {
        self.rows.iter().find(|r| r[0] == id).unwrap_or_else(|| panic!("no row {id}"))
    }

    fn cell(&self, id: &str, column: &str) -> &str {
        &self.row(id)[self.col(column)]
    }
}

async fn export(b: &Browser, path: &str) -> Csv {
    let res = b.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(ct, "text/csv; charset=utf-8", "{path}");
    let cd = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(cd.starts_with("attachment; filename=\"") && cd.ends_with(".csv\""), "{path}: {cd}");
    let body = res.text().await.unwrap();
    let mut rows = parse_csv(&body);
    assert!(!rows.is_empty(), "{path}: a header at least");
    let header = rows.remove(0);
    for r in &rows {
        assert_eq!(r.len(), header.len(), "{path}: every record has every column");
    }
    Csv { header, rows }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn post(b: &Browser, path: &str, body: Value) -> Value {
    let res = b.post(path, &body).await;
    assert!(res.status().is_success(), "POST {path} {body}: {}", res.status());
    res.json().await.unwrap()
}

#[actix_web::test]
async fn a_contact_export_quotes_per_rfc_4180_neutralises_formulas_and_has_custom_columns() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let field = json!({"entity": "contact", "key": "region", "label": "Region", "type": "text"});
    post(&ann.browser, "/api/v1/custom-fields", field).await;
    let picks = json!({"entity": "contact", "key": "interests", "label": "Interests", "type": "multi_select",
                       "options": ["crm", "erp"]});
    post(&ann.browser, "/api/v1/custom-fields", picks).await;
    let co = post(&ann.browser, "/api/v1/companies", json!({"name": "Acme, Inc."})).await;
    let evil = post(
        &ann.browser,
        "/api/v1/contacts",
        json!({"first_name": "=HYPERLINK(\"http://evil.example\",\"click\")", "last_name": "O\"Neil, Jr.",
               "email": "evil@example.com", "phone": "+1 555 0100", "job_title": "-2+3",
               "company_id": co["id"], "tags": ["vip", "big fish"],
               "custom_fields": {"region": "@north", "interests": ["crm", "erp"]}}),
    )
    .await;
    let plain = post(&ann.browser, "/api/v1/contacts", json!({"first_name": "Zoë", "last_name": "Ünal"})).await;

    let csv = export(&ann.browser, "/api/v1/contacts/export").await;
    assert_eq!(csv.rows.len(), 2);
    // One column per definition, in the definitions' order (position, then key).
    assert!(csv.header.ends_with(&["cf.interests".to_owned(), "cf.region".to_owned()]), "{:?}", csv.header);
    let e = id(&evil);
    let cases = [
        ("first_name", "'=HYPERLINK(\"http://evil.example\",\"click\")", "a formula becomes text"),
        ("last_name", "O\"Neil, Jr.", "quotes and commas round-trip"),
        ("company_name", "Acme, Inc.", "a comma inside a field"),
        ("phone", "'+1 555 0100", "a leading plus"),
        ("job_title", "'-2+3", "a leading minus"),
        ("tags", "vip; big fish", "tags in one cell"),
        ("cf.region", "'@north", "a custom field, neutralised too"),
        ("cf.interests", "crm; erp", "a multi-select in one cell"),
        ("owner_email", "ann@example.com", "the owner's email"),
    ];
    for (column, want, what) in cases {
        assert_eq!(csv.cell(&e, column), want, "{what}");
    }
    assert_eq!(csv.cell(&id(&plain), "last_name"), "Ünal", "UTF-8 passes through");
    assert_eq!(csv.cell(&id(&plain), "cf.region"), "", "no value, empty cell");

    // A line break inside a field stays inside its (quoted) field.
    let note = post(
        &ann.browser,
        "/api/v1/activities",
        json!({"type": "note", "subject": "Call notes", "body": "line one\r\nline two, \"quoted\"\n=cmd", "contact_id": e}),
    )
    .await;
    let csv = export(&ann.browser, "/api/v1/activities/export").await;
    assert_eq!(csv.cell(&id(&note), "body"), "line one\r\nline two, \"quoted\"\n=cmd");
    assert_eq!(csv.cell(&id(&note), "contact_id"), e);
}

#[actix_web::test]
async fn exports_hold_what_the_list_filters_select() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let b = &ann.browser;
    let vip = post(b, "/api/v1/contacts", json!({"first_name": "Vera", "last_name": "Lind", "tags": ["vip"]})).await;
    post(b, "/api/v1/contacts", json!({"first_name": "Otto", "last_name": "Lind"})).await;
    post(b, "/api/v1/contacts", json!({"first_name": "Mia", "last_name": "Berg", "tags": ["vip"]})).await;
    post(b, "/api/v1/companies", json!({"name": "Umbrella", "status": "customer"})).await;
    post(b, "/api/v1/companies", json!({"name": "Globex"})).await;
    post(b, "/api/v1/activities", json!({"type": "call", "subject": "Intro"})).await;
    post(b, "/api/v1/activities", json!({"type": "task", "subject": "Follow up"})).await;
    let big = post(b, "/api/v1/deals", json!({"title": "Big", "amount": 500000, "tags": ["q4"]})).await;
    post(b, "/api/v1/deals", json!({"title": "Small", "amount": 100})).await;
    post(b, "/api/v1/leads", json!({"first_name": "Lea", "email": "lea@example.com"})).await;
    let contacted = post(b, "/api/v1/leads", json!({"first_name": "Leo", "email": "leo@example.com"})).await;
    let res = b.patch(&format!("/api/v1/leads/{}", id(&contacted)), &json!({"status": "contacted"})).await;
    assert_eq!(res.status(), StatusCode::OK);

    let cases: [(&str, &str, &str); 7] = [
        ("/api/v1/contacts", "?tag=vip&q=lind", "items"),
        ("/api/v1/contacts", "?tag=vip&sort=name&page=1&limit=1", "items"),
        ("/api/v1/companies", "?status=customer", "items"),
        ("/api/v1/activities", "?type=task", "items"),
        ("/api/v1/deals", "?tag=q4&min_amount=1000", "deals"),
        ("/api/v1/deals", "?q=sma", "deals"),
        ("/api/v1/leads", "?status=contacted", "leads"),
    ];
    for (list, query, items) in cases {
        // The list with a page that holds everything, against the export.
        let page_query = if query.contains("limit=1") {
            query.replace("limit=1", "limit=200")
        } else {
            format!("{query}&limit=200")
        };
        let listed: Value = b.get(&format!("{list}{page_query}")).await.json().await.unwrap();
        let want: BTreeSet<String> = listed[items].as_array().unwrap().iter().map(id).collect();
        assert!(!want.is_empty(), "{list}{query} selects something");
        let got = export(b, &format!("{list}/export{query}")).await.ids();
        assert_eq!(got, want, "{list}/export{query} holds what the list selects (page, limit and sort do not apply)");
    }
    let csv = export(b, "/api/v1/deals/export?tag=q4").await;
    assert_eq!(csv.cell(&id(&big), "stage"), "Qualification");
    assert_eq!(csv.cell(&id(&big), "pipeline"), "Sales");
    assert_eq!(csv.cell(&id(&big), "amount"), "500000");
    assert_eq!(export(b, "/api/v1/contacts/export?tag=vip&q=vera").await.ids(), BTreeSet::from([id(&vip)]));

    // A filter the list refuses, the export refuses too, and nothing is audited.
    let before = app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'export.%'").await;
    for bad in [
        "/api/v1/contacts/export?bogus=1",
        "/api/v1/companies/export?status=nope",
        "/api/v1/activities/export?type=meal",
        "/api/v1/deals/export?min_amount=-1",
        "/api/v1/leads/export?status=nope",
        // Its schema has no control characters in `q`.
        "/api/v1/contacts/export?q=%00",
    ] {
        let res = b.get(bad).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'export.%'").await, before);
}

#[actix_web::test]
async fn a_long_list_is_streamed_in_pages_and_every_row_arrives_once() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    // Enough rows for three pages (500 each), inserted directly.
    app.db()
        .await
        .execute(
            "INSERT INTO contacts (id, workspace_id, first_name, last_name, email)
             SELECT gen_random_uuid(), $1, 'Person', 'No ' || g, 'p' || g || '@example.com'
             FROM generate_series(1, 1234) g",
            &[&ann.workspace_id],
        )
        .await
        .unwrap();
    let res = ann.browser.get("/api/v1/contacts/export").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("content-length").is_none(), "streamed, not buffered");
    assert_eq!(res.headers()["transfer-encoding"], "chunked");
    let csv = parse_csv(&res.text().await.unwrap());
    assert_eq!(csv.len(), 1 + 1234, "the header and every contact");
    let ids: BTreeSet<&String> = csv[1..].iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), 1234, "no row twice");
    let sorted: Vec<&String> = csv[1..].iter().map(|r| &r[0]).collect();
    let mut again = sorted.clone();
    again.sort();
    assert_eq!(sorted, again, "in id order, page after page");
}

#[actix_web::test]
async fn only_owners_and_managers_export() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let manager = app.member_of(&owner, "manager@example.com", "manager").await;
    let rep = app.member_of(&owner, "rep@example.com", "rep").await;
    let viewer = app.member_of(&owner, "viewer@example.com", "viewer").await;
    let token =
        post(&owner.browser, "/api/v1/tokens", json!({"name": "All", "scopes": pulse::auth::permissions::SCOPES}))
            .await;
    let bot = app.bearer(token["token"].as_str().unwrap());
    for list in ["contacts", "companies", "activities", "deals", "leads"] {
        let path = format!("/api/v1/{list}/export");
        for b in [&owner.browser, &manager.browser] {
            assert_eq!(b.get(&path).await.status(), StatusCode::OK, "{path}");
        }
        for b in [&rep.browser, &viewer.browser, &bot] {
            assert_problem(b.get(&path).await, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    let refused: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action LIKE 'export.%' AND actor_user_id = ANY($1)",
            &[&vec![rep.user_id, viewer.user_id]],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(refused, 0, "a refused export is not an export");
    let tokens =
        app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'export.%' AND actor_token_id IS NOT NULL").await;
    assert_eq!(tokens, 0);
}

/// The workspace's export entries, oldest first.
async fn audit_entries(owner: &SignedIn) -> Vec<Value> {
    let res = owner.browser.get("/api/v1/audit?action=export").await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut items = res.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone();
    items.reverse();
    items
}

#[actix_web::test]
async fn an_export_is_audited_when_it_starts_with_its_filter_and_when_it_ends_with_its_row_count() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let manager = app.member_of(&ann, "manager@example.com", "manager").await;
    for n in 0..3 {
        post(&ann.browser, "/api/v1/contacts", json!({"first_name": format!("C{n}"), "tags": ["vip"]})).await;
    }
    post(&ann.browser, "/api/v1/contacts", json!({"first_name": "Other"})).await;
    let csv = export(&manager.browser, "/api/v1/contacts/export?tag=vip").await;
    assert_eq!(csv.rows.len(), 3);

    let entries = audit_entries(&ann).await;
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["export.started", "export.finished"]);
    for e in &entries {
        assert_eq!(e["actor"]["id"], manager.user_id.to_string(), "{e}");
        assert_eq!(e["details"]["list"], "contacts");
        assert_eq!(e["details"]["filter"], json!([["tag", "vip"]]), "{e}");
    }
    assert_eq!(entries[1]["details"]["rows"], 3);
    assert_eq!(entries[1]["details"]["complete"], true);
    assert_eq!(entries[0]["request_id"], entries[1]["request_id"], "one request");

    // A deal or lead search may hold a NUL (it is filtered in memory);
    // the audit entry, which PostgreSQL stores, has U+FFFD in its place.
    for list in ["deals", "leads"] {
        let res = manager.browser.get(&format!("/api/v1/{list}/export?q=a%00b")).await;
        assert_eq!(res.status(), StatusCode::OK, "{list}");
        res.text().await.unwrap();
    }
    let entries = audit_entries(&ann).await;
    let started: Vec<&Value> = entries.iter().filter(|e| e["action"] == "export.started").collect();
    for e in &started[1..] {
        assert_eq!(e["details"]["filter"], json!([["q", "a\u{fffd}b"]]), "{e}");
    }
    assert_eq!(started.len(), 3);
}

#[actix_web::test]
async fn an_export_holds_only_the_callers_workspace() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    let bob = app.signup("bob@example.com", "Bobco").await;
    let mut mine = Vec::new();
    for who in [&ann, &bob] {
        let b = &who.browser;
        let c = post(b, "/api/v1/contacts", json!({"first_name": "Same", "email": "same@example.com"})).await;
        let co = post(b, "/api/v1/companies", json!({"name": "Same Co"})).await;
        let a = post(b, "/api/v1/activities", json!({"type": "note", "subject": "Same"})).await;
        let d = post(b, "/api/v1/deals", json!({"title": "Same"})).await;
        let l = post(b, "/api/v1/leads", json!({"first_name": "Same"})).await;
        mine.push([id(&c), id(&co), id(&a), id(&d), id(&l)]);
    }
    for (i, list) in ["contacts", "companies", "activities", "deals", "leads"].into_iter().enumerate() {
        let got = export(&ann.browser, &format!("/api/v1/{list}/export")).await.ids();
        assert_eq!(got, BTreeSet::from([mine[0][i].clone()]), "{list}: Ann's record only");
        // Another workspace's id in a filter finds nothing, like a missing one.
        if list == "contacts" {
            let path = format!("/api/v1/contacts/export?company_id={}", mine[1][1]);
            assert!(export(&ann.browser, &path).await.rows.is_empty());
        }
    }
}
