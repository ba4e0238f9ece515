//! The browser app served from the binary: the shell, its files and the
//! SDK's modules with the right types and caching headers, 404 for
//! anything else (traversal attempts included), and the strict CSP.

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{assert_problem, spawn_app};

/// Sends a request line exactly as written (no client-side path
/// normalisation, unlike reqwest/url) and returns status and body.
async fn raw_get(port: u16, target: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let req = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text)
}

#[actix_web::test]
async fn the_app_shell_is_served_at_the_root_with_the_strict_csp() {
    let app = spawn_app().await;
    let res = app.browser().get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["content-security-policy"], pulse::http::security::CSP, "the app runs under the global policy");
    assert!(
        pulse::http::security::CSP.contains("script-src 'self';")
            && pulse::http::security::CSP.contains("style-src 'self';")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-cache");
    assert!(h["etag"].to_str().unwrap().starts_with('"'), "a strong ETag");
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<script type="module" src="/static/js/main.js"></script>"#), "{html}");
    assert!(!html.contains("<script>") && !html.contains("<script type=\"module\">"), "no inline script");
    assert!(!html.contains("style="), "no inline style attributes");
}

#[actix_web::test]
async fn no_embedded_page_or_module_relies_on_inline_script_or_style() {
    for asset in pulse::routes::app::ASSETS {
        let text = String::from_utf8_lossy(asset.bytes);
        if asset.path.ends_with(".html") {
            assert!(!text.contains("style="), "{}: inline style attribute", asset.path);
            let handler = text.split_whitespace().find(|w| w.starts_with("on") && w.contains('='));
            assert!(handler.is_none(), "{}: inline event handler {handler:?}", asset.path);
        }
        if asset.path.starts_with("static/") && asset.path.ends_with(".js") {
            for banned in ["innerHTML", "setAttribute('style'", "eval(", "new Function("] {
                assert!(!text.contains(banned), "{}: uses {banned}", asset.path);
            }
        }
    }
}

#[actix_web::test]
async fn files_and_sdk_modules_have_their_content_types_and_revalidate_by_etag() {
    let app = spawn_app().await;
    let b = app.browser();
    let cases = [
        ("/static/css/app.css", "text/css; charset=utf-8", "the stylesheet"),
        ("/static/js/main.js", "text/javascript; charset=utf-8", "the app's entry module"),
        ("/static/js/screens/board.js", "text/javascript; charset=utf-8", "a screen module"),
        ("/static/favicon.svg", "image/svg+xml", "the icon"),
        ("/sdk/index.js", "text/javascript; charset=utf-8", "the SDK's entry module"),
        ("/sdk/live.js", "text/javascript; charset=utf-8", "an SDK module"),
    ];
    for (path, content_type, why) in cases {
        let res = b.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{why}: {path}");
        assert_eq!(res.headers()["content-type"], content_type, "{why}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{why}");
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let again = b.request(reqwest::Method::GET, path).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{why}: a matching ETag is 304");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
        let stale = b.request(reqwest::Method::GET, path).header("if-none-match", "\"0\"").send().await.unwrap();
        assert_eq!(stale.status(), StatusCode::OK, "{why}: another ETag gets the file");
    }
    let sdk = b.get("/sdk/index.js").await.text().await.unwrap();
    assert!(sdk.contains("export { PulseClient }"), "the SDK is the real one");
}

#[actix_web::test]
async fn unknown_files_are_404_problems() {
    let app = spawn_app().await;
    let b = app.browser();
    for path in ["/static/nope.js", "/static/", "/static/js", "/sdk/nope.js", "/sdk/", "/static/index.html.bak"] {
        let res = b.get(path).await;
        let body = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!(body["detail"], "file not found", "{path}");
    }
}

#[actix_web::test]
async fn traversal_attempts_find_nothing() {
    let app = spawn_app().await;
    let cases = [
        ("/static/../Cargo.toml", "dot segments"),
        ("/static/../../Cargo.toml", "two levels up"),
        ("/static/%2e%2e/Cargo.toml", "encoded dots"),
        ("/static/..%2fCargo.toml", "an encoded slash"),
        ("/static/js/../../build.rs", "up from a real folder"),
        ("/sdk/../src/main.rs", "out of the SDK"),
        ("/sdk/..%2f..%2fsrc%2fmain.rs", "out of the SDK, encoded"),
        ("/static//etc/passwd", "an absolute path"),
        ("/static/%2fetc%2fpasswd", "an encoded absolute path"),
        ("/static/..\\Cargo.toml", "a backslash"),
    ];
    for (target, why) in cases {
        let (status, text) = raw_get(app.port, target).await;
        assert!(status == 404 || status == 400, "{why}: {target} answered {status}");
        assert!(
            !text.contains("[package]") && !text.contains("fn main") && !text.contains("root:"),
            "{why}: leaked a file"
        );
    }
}

#[actix_web::test]
async fn only_get_is_allowed_on_app_routes() {
    let app = spawn_app().await;
    let b = app.browser();
    for path in ["/", "/static/css/app.css", "/sdk/index.js"] {
        let res = b.request(reqwest::Method::POST, path).send().await.unwrap();
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
}

#[actix_web::test]
async fn an_invitation_link_opens_the_acceptance_screen() {
    let app = spawn_app().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = http.get(format!("{}/invitations/abc-DEF_123", app.address)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/#/invite/abc-DEF_123");
    let res = http.get(format!("{}/invitations/a%22%3Cb", app.address)).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/#/invite/ab", "only token characters are carried over");
}
