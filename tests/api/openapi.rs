//! The OpenAPI document: it parses, it is 3.1, it documents every route
//! of the route table, errors are problem+json, and the interactive docs
//! are served.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

async fn document(app: &crate::helpers::TestApp) -> Value {
    let res = app.browser().get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).expect("the document is JSON")
}

#[actix_web::test]
async fn every_route_of_the_table_is_documented() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let api_routes: Vec<_> = pulse::startup::ROUTES.iter().filter(|r| r.path.starts_with("/api/v1")).collect();
    assert!(api_routes.len() >= 8, "the table lists the API routes");
    let mut missing = Vec::new();
    for r in pulse::startup::ROUTES {
        if doc["paths"][r.path][r.method].is_null() {
            missing.push(format!("{} {}", r.method.to_uppercase(), r.path));
        }
    }
    assert!(missing.is_empty(), "routes missing from the OpenAPI document: {missing:?}");
    // And nothing is documented that the table does not serve.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            assert!(
                pulse::startup::ROUTES.iter().any(|r| r.path == path && r.method == method),
                "{method} {path} is documented but not routed"
            );
        }
    }
}

#[actix_web::test]
async fn security_schemes_and_problem_responses_are_declared() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "pulse_session");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let get_audit = &doc["paths"]["/api/v1/audit"]["get"];
    assert_eq!(get_audit["security"][0]["session"], serde_json::json!([]));
    for status in ["400", "401", "403", "429"] {
        assert!(!get_audit["responses"][status].is_null(), "audit documents {status}");
    }
    // Every error response, inline or shared, is problem+json.
    for (name, r) in doc["components"]["responses"].as_object().unwrap() {
        assert!(!r["content"]["application/problem+json"].is_null(), "{name}");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') && r.get("$ref").is_none() {
                    assert!(!r["content"]["application/problem+json"].is_null(), "{method} {path} {status}");
                }
            }
        }
    }
}

#[actix_web::test]
async fn swagger_ui_is_served_without_inline_script() {
    let app = spawn_app().await;
    let b = app.browser();
    let res = b.get("/api-docs/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self';"), "scripts stay same-origin only: {csp}");
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script>") && html.contains("swagger-initializer.js"), "{html}");
    let init = b.get("/api-docs/swagger-initializer.js").await.text().await.unwrap();
    assert!(init.contains("/api/v1/openapi.json"), "{init}");
    // The relaxed policy stays in its scope.
    let api = b.get("/api/v1/openapi.json").await;
    assert!(!api.headers()["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
}

#[actix_web::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = spawn_app().await;
    let res = app.browser().delete("/api/v1/workspace").await;
    assert_eq!(res.headers()["allow"], "GET, PATCH");
    crate::helpers::assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    // The same inside a scope (`/api/v1/deals`), for a pattern, a fixed
    // path that a pattern would also take, and the scope's own path.
    let id = uuid::Uuid::now_v7();
    for (method, path, allow) in [
        (reqwest::Method::PUT, format!("/api/v1/deals/{id}"), "GET, PATCH, DELETE"),
        (reqwest::Method::DELETE, "/api/v1/deals/export".to_owned(), "GET"),
        (reqwest::Method::DELETE, "/api/v1/deals".to_owned(), "GET, POST"),
        (reqwest::Method::GET, format!("/api/v1/deals/{id}/stage"), "PUT"),
    ] {
        let res = app.browser().request(method.clone(), &path).send().await.unwrap();
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        crate::helpers::assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    // Paths no route has, inside a scope or beside one, are 404.
    for path in [format!("/api/v1/deals/{id}/nope"), "/api/v1/dealsx".to_owned(), "/api/v1/deals/".to_owned()] {
        let res = app.browser().get(&path).await;
        crate::helpers::assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    }
}
