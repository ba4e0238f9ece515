//! Search over many matches: at most 200 candidates are ranked, a
//! conjunction of frequent words is answered from a probe of the first
//! rows, a rare one from the index, and either way every result matches.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

async fn titles(b: &crate::helpers::Browser, q: &str) -> Vec<String> {
    let res = b.get(&format!("/api/v1/search?types=contact&limit=50&q={q}")).await;
    assert_eq!(res.status(), StatusCode::OK, "q={q}");
    let body: Value = res.json().await.unwrap();
    body["results"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn dense_and_rare_conjunctions_both_find_matching_contacts_only() {
    let app = spawn_app().await;
    let ann = app.signup("ann@example.com", "Acme").await;
    // 600 sales managers (dense: the probe finds 200 candidates in its
    // first rows), 2 sales engineers (rare: the index finds them), and 400
    // others.
    app.db()
        .await
        .execute(
            "INSERT INTO contacts (id, workspace_id, first_name, last_name, job_title)
             SELECT gen_random_uuid(), $1, 'Person', 'No ' || g,
                    CASE WHEN g <= 600 THEN 'Sales Manager' WHEN g <= 602 THEN 'Sales Engineer' ELSE 'Designer' END
             FROM generate_series(1, 1002) g",
            &[&ann.workspace_id],
        )
        .await
        .unwrap();
    app.db().await.batch_execute("ANALYZE contacts").await.unwrap();

    let dense = titles(&ann.browser, "sales%20mana").await;
    assert_eq!(dense.len(), 50, "a full page from the probe");
    let rare = titles(&ann.browser, "sales%20engi").await;
    assert_eq!(rare.len(), 2, "both engineers, from the index: {rare:?}");
    let managers: Vec<String> = (1..=600).map(|g| format!("Person No {g}")).collect();
    assert!(dense.iter().all(|t| managers.contains(t)), "only managers: {dense:?}");
    assert!(rare.iter().all(|t| t == "Person No 601" || t == "Person No 602"), "{rare:?}");
    assert!(titles(&ann.browser, "designer%20sales").await.is_empty(), "no one is both");
}
