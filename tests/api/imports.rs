//! CSV imports: messy files (tests/fixtures/import/), the automatic
//! mapping, the dry run, the background run through COPY and through the
//! workspace actor, live progress, resume after a kill, revert,
//! duplicates, limits, permissions and tenancy.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, spawn_app_on, spawn_app_with, Browser, SignedIn};
use crate::ws::{connect, WsAuth};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn upload(b: &Browser, entity: &str, filename: &str, body: Vec<u8>) -> reqwest::Response {
    b.request(reqwest::Method::POST, &format!("/api/v1/imports?entity={entity}&filename={filename}"))
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Uploads and returns the import, asserting 201.
async fn uploaded(b: &Browser, entity: &str, filename: &str) -> Value {
    let res = upload(b, entity, filename, fixture(filename)).await;
    assert_eq!(res.status(), StatusCode::CREATED, "upload of {filename}");
    res.json().await.unwrap()
}

/// Polls the import until its status is one of `done`.
async fn wait_for(b: &Browser, id: &str, done: &[&str]) -> Value {
    for _ in 0..600 {
        let i: Value = b.get(&format!("/api/v1/imports/{id}")).await.json().await.unwrap();
        if done.contains(&i["status"].as_str().unwrap_or("")) {
            return i;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not reach {done:?}");
}

async fn start(b: &Browser, id: &str) -> Value {
    let res = b.post(&format!("/api/v1/imports/{id}/start"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "start");
    let started: Value = res.json().await.unwrap();
    assert_eq!(started["status"], "running");
    wait_for(b, id, &["completed", "failed"]).await
}

async fn errors(b: &Browser, id: &str) -> Vec<(i64, String, Option<String>)> {
    let list: Value = b.get(&format!("/api/v1/imports/{id}/errors?limit=200")).await.json().await.unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["reason"].as_str().unwrap().to_owned(),
                e["column"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_messy_hubspot_export_is_mapped_checked_and_imported_with_bad_rows_reported() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let import = uploaded(b, "contacts", "hubspot_contacts.csv").await;
    assert_eq!(import["encoding"], "utf-8");
    assert_eq!(import["delimiter"], ",");
    assert_eq!(import["status"], "uploaded");
    assert_eq!(import["rows_total"], 9, "blank lines and a line of commas are not rows");
    assert_eq!(import["headers"][0], "First Name", "the BOM is not part of the first header");
    let mapping = &import["mapping"];
    for (header, field) in [
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Phone Number", "phone"),
        ("Company Name", "company"),
        ("Job Title", "job_title"),
        ("Contact owner", "owner"),
        ("Tags", "tags"),
    ] {
        assert_eq!(mapping[header], field, "{header}");
    }
    assert_eq!(import["sample"][0][4], "Acme, Inc.", "quoted commas stay in the field");
    assert_eq!(import["sample"][0][5], "Head of \"Growth\"", "doubled quotes are one quote");
    assert!(import["fields"].as_array().unwrap().iter().any(|f| f["name"] == "email"));

    let id = id_of(&import);
    let report: Value = b.post(&format!("/api/v1/imports/{id}/dry-run"), &json!({})).await.json().await.unwrap();
    assert_eq!(report["rows"], 9);
    assert_eq!(report["valid"], 4);
    let invalid: Vec<i64> = report["invalid"].as_array().unwrap().iter().map(|i| i["line"].as_i64().unwrap()).collect();
    assert_eq!(invalid, vec![6, 8, 10, 11], "{report}");
    let by_line = |line: i64| report["invalid"].as_array().unwrap().iter().find(|i| i["line"] == line).unwrap().clone();
    assert_eq!(by_line(6)["column"], "Email");
    assert_eq!(by_line(10)["column"], "Contact owner");
    assert_eq!(by_line(11)["column"], "Tags");
    assert_eq!(report["duplicates"][0]["line"], 9);
    assert_eq!(report["duplicates"][0]["by"], "email (line 2)");
    assert_eq!(report["truncated"], false);
    assert_eq!(app.count("SELECT count(*) FROM contacts").await, 0, "a dry run writes nothing");
    assert_eq!(app.count("SELECT count(*) FROM companies").await, 0, "a dry run writes nothing");

    let done = start(b, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!((done["rows_done"].as_i64(), done["rows_imported"].as_i64()), (Some(9), Some(4)));
    assert_eq!((done["rows_failed"].as_i64(), done["rows_skipped"].as_i64()), (Some(4), Some(1)));
    assert!(done["finished_at"].is_string());
    let errs = errors(b, &id).await;
    let lines: Vec<i64> = errs.iter().map(|e| e.0).collect();
    assert_eq!(lines, vec![6, 8, 9, 10, 11]);
    assert!(errs[2].1.starts_with("duplicate"), "{:?}", errs[2]);

    let list: Value = b.get("/api/v1/contacts?sort=email").await.json().await.unwrap();
    assert_eq!(list["total"], 4);
    let ann = list["items"].as_array().unwrap().iter().find(|c| c["email"] == "ann.lee@example.com").unwrap();
    assert_eq!(ann["company_name"], "Acme, Inc.");
    assert_eq!(ann["job_title"], "Head of \"Growth\"");
    assert_eq!(ann["tags"], json!(["vip", "b2b"]));
    assert_eq!(ann["owner_id"], owner.user_id.to_string(), "the importing person owns rows without an owner");
    assert_eq!(
        app.count("SELECT count(*) FROM companies WHERE name IN ('Acme, Inc.', 'Globex') AND import_id IS NOT NULL")
            .await,
        2,
        "companies named by contacts are created once each, tagged with the import"
    );
    let found: Value = b.get("/api/v1/contacts?q=hana").await.json().await.unwrap();
    assert_eq!(found["total"], 1, "imported contacts are searchable");
    let listed: Value = b.get("/api/v1/imports").await.json().await.unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], id.as_str());
    assert_eq!(app.count("SELECT count(*) FROM import_files").await, 0, "the stored file is dropped when the run ends");
}

#[actix_web::test]
async fn windows_1252_files_with_semicolons_are_detected_and_decoded() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let import = uploaded(b, "contacts", "excel_semicolon_1252.csv").await;
    assert_eq!(import["encoding"], "windows-1252");
    assert_eq!(import["delimiter"], ";");
    assert_eq!(import["mapping"]["Email Address"], "email");
    assert_eq!(import["mapping"]["Organization - Name"], "company");
    assert_eq!(import["sample"][0][1], "Müller");
    let done = start(b, &id_of(&import)).await;
    assert_eq!(done["rows_imported"], 3, "{done}");
    let list: Value = b.get("/api/v1/contacts?sort=email").await.json().await.unwrap();
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["François Œuvre", "René Müller", "Zoë Søren"]);
    assert_eq!(app.count("SELECT count(*) FROM companies WHERE name = 'Café € GmbH'").await, 1);
}

#[actix_web::test]
async fn companies_import_with_duplicate_domains_skipped_and_sizes_read() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let import = uploaded(b, "companies", "companies.csv").await;
    assert_eq!(import["mapping"]["Company name"], "name");
    assert_eq!(import["mapping"]["Company Domain Name"], "domain");
    assert_eq!(import["mapping"]["Number of Employees"], "size");
    let done = start(b, &id_of(&import)).await;
    assert_eq!((done["rows_imported"].as_i64(), done["rows_failed"].as_i64()), (Some(2), Some(2)), "{done}");
    assert_eq!(done["rows_skipped"], 1);
    let errs = errors(b, &id_of(&import)).await;
    assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), vec![4, 5, 6]);
    assert_eq!(errs[0].2.as_deref(), Some("Company Domain Name"), "the duplicate names the domain column");
    let list: Value = b.get("/api/v1/companies?sort=name").await.json().await.unwrap();
    let acme = &list["items"][0];
    assert_eq!((acme["name"].as_str(), acme["size"].as_str()), (Some("Acme"), Some("51-200")));
    assert_eq!(list["items"][1]["website"], "https://globex.com");
}

#[actix_web::test]
async fn deals_import_through_the_workspace_actor_and_revert_through_it() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let res = b.post("/api/v1/contacts", &json!({"first_name": "Ann", "email": "ann.lee@example.com"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let import = uploaded(b, "deals", "pipedrive_deals.tsv").await;
    assert_eq!(import["delimiter"], "\t");
    for (h, f) in [
        ("Deal - Title", "title"),
        ("Deal - Value", "amount"),
        ("Deal - Currency", "currency"),
        ("Deal - Stage", "stage"),
        ("Person - Email", "contact_email"),
        ("Organization - Name", "company"),
        ("Deal - Expected close date", "expected_close_date"),
    ] {
        assert_eq!(import["mapping"][h], f, "{h}");
    }
    let id = id_of(&import);
    let report: Value = b.post(&format!("/api/v1/imports/{id}/dry-run"), &json!({})).await.json().await.unwrap();
    let invalid: Vec<i64> = report["invalid"].as_array().unwrap().iter().map(|i| i["line"].as_i64().unwrap()).collect();
    assert_eq!(invalid, vec![4, 5, 6, 7], "{report}");
    assert_eq!(report["valid"], 3);
    let done = start(b, &id).await;
    assert_eq!((done["rows_imported"].as_i64(), done["rows_failed"].as_i64()), (Some(3), Some(4)), "{done}");
    let errs = errors(b, &id).await;
    assert!(errs[0].1.contains("lost stage"), "{:?}", errs[0]);
    assert_eq!(errs[1].2.as_deref(), Some("Deal - Stage"));
    assert_eq!(errs[2].2.as_deref(), Some("Person - Email"));
    assert_eq!(errs[3].2.as_deref(), Some("Deal - Value"));

    // Served from the actor's memory.
    let deals: Value = b.get("/api/v1/deals?limit=50").await.json().await.unwrap();
    let items = deals["deals"].as_array().unwrap_or_else(|| panic!("{deals}"));
    assert_eq!(items.len(), 3, "{deals}");
    let renewal = items.iter().find(|d| d["title"] == "Acme renewal").unwrap();
    assert_eq!(renewal["amount"], 150_000);
    assert_eq!(renewal["currency"], "EUR");
    assert_eq!(renewal["contact_name"], "Ann");
    assert_eq!(renewal["company_name"], "Acme, Inc.");
    let pilot = items.iter().find(|d| d["title"] == "Globex pilot").unwrap();
    assert_eq!((pilot["amount"].as_i64(), pilot["currency"].as_str()), (Some(2_000_000), Some("USD")));
    assert_eq!(pilot["expected_close_date"], "2026-06-15");
    let upsell = items.iter().find(|d| d["title"] == "Initech upsell").unwrap();
    assert_eq!(upsell["amount"], 725_050);
    assert_eq!(app.count("SELECT count(*) FROM deals WHERE import_id IS NOT NULL").await, 3);

    let res = b.post(&format!("/api/v1/imports/{id}/revert"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let reverted = wait_for(b, &id, &["reverted"]).await;
    assert!(reverted["reverted_at"].is_string());
    let deals: Value = b.get("/api/v1/deals?limit=50").await.json().await.unwrap();
    assert_eq!(deals["deals"].as_array().unwrap().len(), 0, "the actor's memory forgets reverted deals: {deals}");
    assert_eq!(app.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM companies WHERE deleted_at IS NULL").await,
        0,
        "companies the import created are reverted with it"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").await,
        1,
        "the contact made by hand stays"
    );
    let again = b.post(&format!("/api/v1/imports/{id}/revert"), &json!({})).await;
    assert_problem(again, StatusCode::CONFLICT, "import_not_revertible").await;
}

#[actix_web::test]
async fn leads_with_quoted_newlines_import_and_report_unknown_sources() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let import = uploaded(b, "leads", "salesforce_leads.csv").await;
    assert_eq!(import["rows_total"], 5, "a quoted newline does not start a row");
    assert_eq!(import["mapping"]["Description"], "notes");
    assert_eq!(import["mapping"]["Company"], "company_name");
    let id = id_of(&import);
    let done = start(b, &id).await;
    assert_eq!(
        (done["rows_imported"].as_i64(), done["rows_failed"].as_i64(), done["rows_skipped"].as_i64()),
        (Some(3), Some(1), Some(1)),
        "{done}"
    );
    let errs = errors(b, &id).await;
    assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), vec![6, 8], "lines count the quoted newlines");
    assert_eq!(errs[0].2.as_deref(), Some("Lead Source"));
    let leads: Value = b.get("/api/v1/leads?limit=50").await.json().await.unwrap();
    let items = leads["leads"].as_array().unwrap_or_else(|| panic!("{leads}"));
    assert_eq!(items.len(), 3);
    let ivy = items.iter().find(|l| l["email"] == "ivy@example.com").unwrap();
    assert_eq!(ivy["notes"], "Met at the booth.\nWants a demo\nin May.");
    assert_eq!(ivy["source"], "website");
    let lou = items.iter().find(|l| l["first_name"] == "Lou").unwrap();
    assert_eq!(lou["notes"], "Just a name, \"no email\"");
    b.post(&format!("/api/v1/imports/{id}/revert"), &json!({})).await;
    wait_for(b, &id, &["reverted"]).await;
    let leads: Value = b.get("/api/v1/leads?limit=50").await.json().await.unwrap();
    assert_eq!(leads["leads"].as_array().unwrap().len(), 0, "{leads}");
}

#[actix_web::test]
async fn duplicates_of_existing_records_are_reported_and_skipped_or_created() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let existing: Value = b
        .post("/api/v1/contacts", &json!({"first_name": "Old", "email": "Ann.Lee@example.com"}))
        .await
        .json()
        .await
        .unwrap();
    let import = uploaded(b, "contacts", "hubspot_contacts.csv").await;
    let id = id_of(&import);
    let report: Value = b.post(&format!("/api/v1/imports/{id}/dry-run"), &json!({})).await.json().await.unwrap();
    let dups = report["duplicates"].as_array().unwrap();
    assert_eq!(dups[0]["line"], 2);
    assert_eq!(dups[0]["existing_id"], existing["id"], "a case-insensitive email match names the contact");
    assert_eq!(dups[0]["by"], "email");
    assert_eq!(report["valid"], 3);

    let res = b
        .put(&format!("/api/v1/imports/{id}/mapping"), &json!({"mapping": import["mapping"], "duplicates": "create"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done = start(b, &id).await;
    assert_eq!((done["rows_imported"].as_i64(), done["rows_skipped"].as_i64()), (Some(5), Some(0)), "{done}");
    assert_eq!(app.count("SELECT count(*) FROM contacts WHERE lower(email) = 'ann.lee@example.com'").await, 3);
}

#[actix_web::test]
async fn mappings_are_checked_and_an_import_starts_once() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let import = uploaded(b, "contacts", "hubspot_contacts.csv").await;
    let id = id_of(&import);
    let path = format!("/api/v1/imports/{id}/mapping");
    let res = b.put(&path, &json!({"mapping": {"Email": "e_mail"}})).await;
    let p = assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    assert!(p["detail"].as_str().unwrap().contains("e_mail"), "{p}");
    let res = b.put(&path, &json!({"mapping": {"Nope": "email"}})).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    let res = b.put(&path, &json!({"mapping": {"Email": "email", "Last Name": "email"}})).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    // Only the phone: no name or email column.
    let res = b.put(&path, &json!({"mapping": {"Phone Number": "phone"}})).await;
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["mapping"]["Email"], Value::Null, "headers left out are not imported");
    let res = b.post(&format!("/api/v1/imports/{id}/start"), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    let res = b.put(&path, &json!({"mapping": {"Email": "email", "First Name": "first_name"}})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Another import of the workspace is running.
    let other = uploaded(b, "contacts", "excel_semicolon_1252.csv").await;
    app.db()
        .await
        .execute(
            "UPDATE imports SET status = 'running' WHERE id = $1",
            &[&other["id"].as_str().unwrap().parse::<Uuid>().unwrap()],
        )
        .await
        .unwrap();
    let res = b.post(&format!("/api/v1/imports/{id}/start"), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "import_running").await;
    app.db()
        .await
        .execute(
            "UPDATE imports SET status = 'completed' WHERE id = $1",
            &[&other["id"].as_str().unwrap().parse::<Uuid>().unwrap()],
        )
        .await
        .unwrap();
    let done = start(b, &id).await;
    assert_eq!(done["rows_imported"], 6, "the owner and tags columns are left out, so their bad rows pass");
    let res = b.post(&format!("/api/v1/imports/{id}/start"), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "import_started").await;
    let res = b.put(&path, &json!({"mapping": {}})).await;
    assert_problem(res, StatusCode::CONFLICT, "import_started").await;
    let res = b.post(&format!("/api/v1/imports/{id}/dry-run"), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT, "import_started").await;
}

#[actix_web::test]
async fn files_over_the_limits_are_refused_and_an_unclosed_quote_is_one_bad_row() {
    let app = spawn_app_with(|s| {
        s.import_max_bytes = 4096;
        s.import_max_row_bytes = 1024;
    })
    .await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let big = format!("Email\n{}", "a@example.com\n".repeat(400)).into_bytes();
    let res = upload(b, "contacts", "big.csv", big).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(app.count("SELECT count(*) FROM imports").await, 0, "a refused upload leaves nothing");
    let res = upload(b, "contacts", "empty.csv", b"\n\n".to_vec()).await;
    assert_problem(res, StatusCode::CONFLICT, "field_conflict").await;
    let res = upload(b, "widgets", "x.csv", b"Email\n".to_vec()).await;
    assert_problem(res, StatusCode::BAD_REQUEST, "bad_query").await;
    let res = b
        .request(reqwest::Method::POST, "/api/v1/imports?entity=contacts")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;

    let import = uploaded(b, "contacts", "unclosed_quote.csv").await;
    assert_eq!(import["rows_total"], 2, "the unclosed quote swallows the rest of the file into one row");
    let done = start(b, &id_of(&import)).await;
    assert_eq!((done["rows_imported"].as_i64(), done["rows_failed"].as_i64()), (Some(1), Some(1)), "{done}");
    let errs = errors(b, &id_of(&import)).await;
    assert_eq!(errs[0].0, 3);
    assert!(errs[0].1.contains("longer than 1024 bytes"), "{:?}", errs[0]);
}

/// A checkpoint as a run leaves it after its first chunk: the first rows
/// written and tagged, the offset and line of the next row.
#[actix_web::test]
async fn a_run_killed_mid_file_resumes_from_its_checkpoint_in_a_new_instance_without_duplicates() {
    let first = spawn_app_with(|s| s.import_sweep_secs = 3600).await;
    let owner = first.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let mut csv = String::from("Name,Email\n");
    for i in 1..=10 {
        csv.push_str(&format!("Person {i},p{i}@example.com\n"));
    }
    let res = upload(b, "contacts", "people.csv", csv.clone().into_bytes()).await;
    let import: Value = res.json().await.unwrap();
    let id: Uuid = id_of(&import).parse().unwrap();
    // The first chunk (rows 1-4, lines 2-5) committed, then the node died.
    let offset = csv.match_indices('\n').nth(4).unwrap().0 as i64 + 1;
    let db = first.db().await;
    for i in 1..=4 {
        db.execute(
            "INSERT INTO contacts (id, workspace_id, first_name, last_name, email, import_id, owner_id)
             VALUES ($1, $2, 'Person', $3, $4, $5, $6)",
            &[&Uuid::now_v7(), &owner.workspace_id, &i.to_string(), &format!("p{i}@example.com"), &id, &owner.user_id],
        )
        .await
        .unwrap();
    }
    db.execute(
        "UPDATE imports SET status = 'running', started_at = now(), rows_done = 4, rows_imported = 4,
             checkpoint_offset = $2, checkpoint_line = 6 WHERE id = $1",
        &[&id, &offset],
    )
    .await
    .unwrap();

    let second = spawn_app_on(&first.database_url, |_| {}).await;
    let mut b2 = second.browser();
    assert_eq!(b2.login("owner@example.com").await, StatusCode::OK);
    let done = wait_for(&b2, &id.to_string(), &["completed", "failed"]).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!((done["rows_done"].as_i64(), done["rows_imported"].as_i64()), (Some(10), Some(10)));
    assert_eq!(second.count(&format!("SELECT count(*) FROM contacts WHERE import_id = '{id}'")).await, 10);
    assert_eq!(
        second.count("SELECT count(*) FROM (SELECT email FROM contacts GROUP BY email HAVING count(*) > 1) d").await,
        0,
        "no row was written twice"
    );
    b2.post(&format!("/api/v1/imports/{id}/revert"), &json!({})).await;
    wait_for(&b2, &id.to_string(), &["reverted"]).await;
    assert_eq!(
        second.count("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").await,
        0,
        "revert removes all ten"
    );
}

/// Contacts are written by several connections at once, chunk after
/// chunk. Whatever commits first, a row repeating an email of an earlier
/// chunk (committed or still in flight) is skipped as a duplicate of that
/// row's contact, every company is created once, and one only a skipped
/// row names is not created. The same with the bulk link check and with
/// PostgreSQL's per-row checks, with three writers and with one.
#[actix_web::test]
async fn contacts_written_by_several_connections_skip_duplicates_across_chunks_and_create_each_company_once() {
    for (writers, bulk) in [(3, true), (3, false), (1, false)] {
        let app = spawn_app_with(|s| {
            s.import_chunk_rows = 3;
            s.import_writers = writers;
            s.import_bulk_link_checks = bulk;
        })
        .await;
        let owner = app.signup("owner@example.com", "Acme").await;
        let b = &owner.browser;
        let old: Value = b
            .post("/api/v1/contacts", &json!({"first_name": "Old", "email": "old@example.com"}))
            .await
            .json()
            .await
            .unwrap();
        let rows = [
            ("A1", "a1@x.com", "Acme"),         // line 2
            ("A2", "a2@x.com", "Beta"),         // line 3
            ("A3", "OLD@example.com", "Gamma"), // line 4: an existing contact
            ("A4", "a1@x.com", "Delta"),        // line 5: line 2
            ("A5", "a5@x.com", "acme"),         // line 6
            ("A6", "a6@x.com", "Epsilon"),      // line 7
            ("A7", "A6@x.com", "Epsilon"),      // line 8: line 7
            ("A8", "a8@x.com", "Epsilon"),      // line 9
            ("A9", "a9@x.com", "Beta"),         // line 10
            ("A10", "a2@x.com", "Zeta"),        // line 11: line 3
            ("A11", "a11@x.com", "Eta"),        // line 12
        ];
        let mut csv = String::from("First Name,Email,Company\n");
        for (name, email, company) in rows {
            csv.push_str(&format!("{name},{email},{company}\n"));
        }
        let import: Value = upload(b, "contacts", "people.csv", csv.into_bytes()).await.json().await.unwrap();
        let id = id_of(&import);
        let done = start(b, &id).await;
        let what = format!("{writers} writers, bulk link check {bulk}");
        assert_eq!(done["status"], "completed", "{what}: {done}");
        assert_eq!(
            (done["rows_done"].as_i64(), done["rows_imported"].as_i64(), done["rows_skipped"].as_i64()),
            (Some(11), Some(7), Some(4)),
            "{what}: {done}"
        );
        let db = app.db().await;
        let contact = |email: &'static str| {
            let db = &db;
            async move {
                let r = db
                    .query_one(
                        "SELECT c.id, co.name FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
                         WHERE c.email = $1 AND c.import_id IS NOT NULL",
                        &[&email],
                    )
                    .await
                    .unwrap();
                (r.get::<_, Uuid>(0), r.get::<_, Option<String>>(1))
            }
        };
        let errs = errors(b, &id).await;
        let lines: Vec<i64> = errs.iter().map(|e| e.0).collect();
        assert_eq!(lines, vec![4, 5, 8, 11], "{what}: {errs:?}");
        let (a1, _) = contact("a1@x.com").await;
        let (a2, _) = contact("a2@x.com").await;
        let (a6, _) = contact("a6@x.com").await;
        let old_id = old["id"].as_str().unwrap();
        for (err, repeats) in errs.iter().zip([old_id.to_owned(), a1.to_string(), a6.to_string(), a2.to_string()]) {
            assert!(err.1.contains(&format!("contact {repeats} has the same email")), "{what}: {err:?}");
        }
        let companies: Vec<(String, i64)> = db
            .query("SELECT name, count(*) FROM companies GROUP BY name ORDER BY name", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let expected: Vec<(String, i64)> =
            ["Acme", "Beta", "Epsilon", "Eta"].iter().map(|n| (n.to_string(), 1)).collect();
        assert_eq!(companies, expected, "{what}: each once; Gamma, Delta and Zeta only on skipped rows");
        for (a, b_) in [("a1@x.com", "a5@x.com"), ("a2@x.com", "a9@x.com"), ("a6@x.com", "a8@x.com")] {
            let (x, y) = (contact(a).await, contact(b_).await);
            assert!(x.1.is_some() && x.1 == y.1, "{what}: {a} and {b_} link to one company: {x:?} {y:?}");
        }
        // Chunks committed in file order: their events in seq order say so.
        let events: Vec<(String, Value)> = db
            .query(
                "SELECT type, data FROM events WHERE workspace_id = $1 AND type IN ('contacts.imported', 'import.progress')
                 ORDER BY seq",
                &[&owner.workspace_id],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let done_after: Vec<i64> =
            events.iter().filter(|e| e.0 == "import.progress").filter_map(|e| e.1["rows_done"].as_i64()).collect();
        assert_eq!(done_after, vec![0, 3, 6, 9, 11], "{what}");
        let imported: Vec<(i64, i64)> = events
            .iter()
            .filter(|e| e.0 == "contacts.imported")
            .map(|e| (e.1["count"].as_i64().unwrap(), e.1["companies_created"].as_i64().unwrap()))
            .collect();
        assert_eq!(imported, vec![(2, 2), (2, 1), (2, 0), (1, 1)], "{what}: per chunk (written, companies created)");
    }
}

/// The bulk link check stands in for PostgreSQL's per-row foreign-key
/// checks of `contacts` during an import's COPY, so it must check every
/// one of them: a new foreign key on contacts fails here until
/// `imports::pipeline::links_hold` checks it too.
#[actix_web::test]
async fn the_bulk_link_check_covers_every_foreign_key_of_contacts() {
    let app = spawn_app().await;
    let keys: Vec<String> = app
        .db()
        .await
        .query(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = 'contacts'::regclass AND contype = 'f' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        keys,
        vec![
            "FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL",
            "FOREIGN KEY (workspace_id) REFERENCES workspaces(id) ON DELETE CASCADE",
            "FOREIGN KEY (workspace_id, company_id) REFERENCES companies(workspace_id, id)",
        ]
    );
}

/// The planner estimates a chunk's look-up by the keys' real number of
/// distinct values (migration V15's expression statistics), not at 0.5% of
/// the table per key, which made it read the whole workspace per chunk.
#[actix_web::test]
async fn a_chunks_email_look_up_is_estimated_by_the_keys_statistics() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let db = app.db().await;
    db.execute(
        "INSERT INTO contacts (id, workspace_id, first_name, email)
         SELECT gen_random_uuid(), $1, 'P', 'p' || g || '@example.com' FROM generate_series(1, 20000) g",
        &[&owner.workspace_id],
    )
    .await
    .unwrap();
    db.batch_execute("ANALYZE contacts").await.unwrap();
    let keys: Vec<String> = (1..=100).map(|i| format!("p{}@example.com", i * 7)).collect();
    let plan: Value = db
        .query_one(
            "EXPLAIN (FORMAT JSON) SELECT id FROM contacts
             WHERE workspace_id = $1 AND deleted_at IS NULL AND lower(email) = ANY($2)",
            &[&owner.workspace_id, &keys],
        )
        .await
        .unwrap()
        .get(0);
    let rows = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap();
    assert!((50.0..=400.0).contains(&rows), "about 100 rows expected, the planner guessed {rows}: {plan}");
}

/// The workspace actor committed a chunk of deals, then the node died
/// before the checkpoint moved: the new run sends the same rows again and
/// the actor recognises them by id.
#[actix_web::test]
async fn deals_the_actor_committed_before_a_kill_are_not_created_again() {
    let first = spawn_app_with(|s| s.import_sweep_secs = 3600).await;
    let owner = first.signup("owner@example.com", "Acme").await;
    let b = &owner.browser;
    let body = "Title,Value\nAlpha,10\nBeta,20\nGamma,30\n";
    let import: Value = upload(b, "deals", "deals.csv", body.as_bytes().to_vec()).await.json().await.unwrap();
    let id: Uuid = id_of(&import).parse().unwrap();
    let done = start(b, &id.to_string()).await;
    assert_eq!(done["rows_imported"], 3);
    let db = first.db().await;
    db.execute("INSERT INTO import_files (import_id, n, start, data) VALUES ($1, 0, 0, $2)", &[&id, &body.as_bytes()])
        .await
        .unwrap();
    db.execute(
        "UPDATE imports SET status = 'running', rows_done = 0, rows_imported = 0, finished_at = NULL,
             checkpoint_offset = data_offset, checkpoint_line = data_line WHERE id = $1",
        &[&id],
    )
    .await
    .unwrap();
    let second = spawn_app_on(&first.database_url, |_| {}).await;
    let mut b2 = second.browser();
    assert_eq!(b2.login("owner@example.com").await, StatusCode::OK);
    let done = wait_for(&b2, &id.to_string(), &["completed", "failed"]).await;
    assert_eq!((done["rows_done"].as_i64(), done["rows_imported"].as_i64()), (Some(3), Some(3)), "{done}");
    assert_eq!(second.count("SELECT count(*) FROM deals").await, 3, "no deal was created twice");
    let deals: Value = b2.get("/api/v1/deals?limit=50").await.json().await.unwrap();
    assert_eq!(deals["deals"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn progress_is_live_on_the_imports_topic_for_managers_and_the_importer_only() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let manager = app.member_of(&owner, "manager@example.com", "manager").await;
    let rep = app.member_of(&owner, "rep@example.com", "rep").await;
    let mut watch = Vec::new();
    for who in [&owner, &rep] {
        let mut ws = connect(&app, WsAuth::Cookie(&who.browser, Some(&app.address)), false).await.unwrap();
        ws.welcome().await;
        let sub = ws.subscribe(&["imports", "contacts"], None).await;
        assert_eq!(sub["msg"], "subscribed", "{sub}");
        watch.push(ws);
    }
    let b = &manager.browser;
    let import = uploaded(b, "contacts", "hubspot_contacts.csv").await;
    let id = id_of(&import);
    start(b, &id).await;
    let mut owner_ws = watch.remove(0);
    let mut kinds = Vec::new();
    while let Some(m) = owner_ws.next_within(Duration::from_secs(5)).await {
        if m["msg"] == "event" {
            kinds.push(m["type"].as_str().unwrap().to_owned());
            if m["type"] == "import.finished" {
                assert_eq!(m["data"]["id"], id.as_str());
                assert_eq!(m["data"]["status"], "completed");
                assert_eq!(m["data"]["rows_imported"], 4);
                assert_eq!(m["data"]["rows_total"], 9);
                break;
            }
        }
    }
    assert_eq!(kinds, vec!["import.progress", "contacts.imported", "import.progress", "import.finished"], "owner");
    let mut rep_ws = watch.remove(0);
    let mut rep_kinds = Vec::new();
    while let Some(m) = rep_ws.next_within(Duration::from_millis(500)).await {
        if m["msg"] == "event" {
            rep_kinds.push(m["type"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(rep_kinds, vec!["contacts.imported"], "a rep sees list refreshes, not someone else's import");
}

#[actix_web::test]
async fn only_owners_and_managers_import_and_other_workspaces_imports_are_not_found() {
    let app = spawn_app().await;
    let owner = app.signup("owner@example.com", "Acme").await;
    let manager = app.member_of(&owner, "manager@example.com", "manager").await;
    let rep = app.member_of(&owner, "rep@example.com", "rep").await;
    let viewer = app.member_of(&owner, "viewer@example.com", "viewer").await;
    let import = uploaded(&owner.browser, "contacts", "hubspot_contacts.csv").await;
    let id = id_of(&import);
    let res = upload(&manager.browser, "contacts", "hubspot_contacts.csv", fixture("hubspot_contacts.csv")).await;
    assert_eq!(res.status(), StatusCode::CREATED, "managers import");
    assert_eq!(manager.browser.get(&format!("/api/v1/imports/{id}")).await.status(), StatusCode::OK);
    let token = create_token(&owner).await;
    let bearer = app.bearer(&token);
    for who in [&rep.browser, &viewer.browser, &bearer] {
        let res = upload(who, "contacts", "hubspot_contacts.csv", fixture("hubspot_contacts.csv")).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        for path in
            ["/api/v1/imports".to_owned(), format!("/api/v1/imports/{id}"), format!("/api/v1/imports/{id}/errors")]
        {
            assert_problem(who.get(&path).await, StatusCode::FORBIDDEN, "forbidden").await;
        }
        for action in ["dry-run", "start", "revert"] {
            let res = who.post(&format!("/api/v1/imports/{id}/{action}"), &json!({})).await;
            assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        }
        let res = who.put(&format!("/api/v1/imports/{id}/mapping"), &json!({"mapping": {}})).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }

    let stranger = app.signup("stranger@example.com", "Elsewhere").await;
    let s = &stranger.browser;
    assert_problem(s.get(&format!("/api/v1/imports/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(s.get(&format!("/api/v1/imports/{id}/errors")).await, StatusCode::NOT_FOUND, "not_found").await;
    for action in ["dry-run", "start", "revert"] {
        let res = s.post(&format!("/api/v1/imports/{id}/{action}"), &json!({})).await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    let res = s.put(&format!("/api/v1/imports/{id}/mapping"), &json!({"mapping": {}})).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = s.get("/api/v1/imports").await.json().await.unwrap();
    assert_eq!(list["total"], 0);
    // The stranger's own import writes into the stranger's workspace only.
    let theirs = uploaded(s, "contacts", "excel_semicolon_1252.csv").await;
    start(s, &id_of(&theirs)).await;
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM contacts WHERE workspace_id = '{}'", owner.workspace_id)).await,
        0
    );
    let mine: Value = owner.browser.get("/api/v1/imports").await.json().await.unwrap();
    assert_eq!(mine["total"], 2, "the owner's and the manager's uploads");
}

async fn create_token(owner: &SignedIn) -> String {
    let scopes = pulse::auth::permissions::SCOPES;
    let res = owner.browser.post("/api/v1/tokens", &json!({"name": "all", "scopes": scopes})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    v["token"].as_str().unwrap().to_owned()
}

#[test]
fn the_command_line_imports_a_file_with_a_progress_bar() {
    let sys = actix_web::rt::System::new();
    let (db, ws) = sys.block_on(async {
        let app = spawn_app().await;
        let owner = app.signup("owner@example.com", "Acme").await;
        (app.database_url.clone(), owner.workspace_id)
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pulse"))
        .args(["import", &format!("{}/tests/fixtures/import/hubspot_contacts.csv", env!("CARGO_MANIFEST_DIR"))])
        .args(["--workspace", "Acme", "--entity", "contacts"])
        .env("DATABASE_URL", &db)
        .env("PULSE_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("100%"), "a progress bar: {err}");
    assert!(err.contains("completed: 4 imported, 4 invalid, 1 duplicates skipped"), "{err}");
    let count = sys.block_on(async {
        let config: tokio_postgres::Config = db.parse().unwrap();
        let (client, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client
            .query_one("SELECT count(*) FROM contacts WHERE workspace_id = $1 AND import_id IS NOT NULL", &[&ws])
            .await
            .unwrap()
            .get::<_, i64>(0)
    });
    assert_eq!(count, 4);
}
