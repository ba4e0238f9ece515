//! The browser app, served from the binary: `GET /` is the app shell
//! (`static/index.html`), `/static/...` its CSS and ES modules, `/sdk/...`
//! the JavaScript SDK's modules (`client-sdk/src/`), which the app imports
//! as `/sdk/index.js`. `build.rs` embeds the files with an ETag each.
//!
//! A request names a file of that embedded table or nothing: the path is
//! looked up as a whole string, never joined to a directory, so `..`,
//! encoded slashes and the like can only miss (404 problem+json). Files
//! carry no fingerprint in their names, so they are sent with
//! `Cache-Control: no-cache` and revalidated by ETag (304).
//!
//! For work on the app itself, `PULSE_DEV_ASSETS=<checkout>` serves the
//! same URLs from `<checkout>/static` and `<checkout>/client-sdk/src` on
//! disk instead, so an edit shows on reload without a rebuild. Only
//! plain relative paths (no `..`, no backslash, no hidden files) are read.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::{ApiError, ApiResult};

/// One embedded file.
pub struct Asset {
    /// `static/...` or `sdk/...`, as in the URL without the leading slash.
    pub path: &'static str,
    pub bytes: &'static [u8],
    /// A quoted strong ETag derived from the bytes.
    pub etag: &'static str,
}

/// Every embedded file, sorted by path.
pub static ASSETS: &[Asset] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Finds an embedded file by its URL path (without the leading slash).
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.binary_search_by(|a| a.path.cmp(path)).ok().map(|i| &ASSETS[i])
}

/// The media type of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct FilePath {
    pub path: String,
}

/// `GET /`: the app shell. Routing inside the app is by URL hash.
pub async fn index(req: HttpRequest) -> ApiResult<HttpResponse> {
    serve(&req, "static/index.html")
}

/// `GET /static/{path}`: the app's files.
pub async fn static_file(req: HttpRequest, path: web::Path<FilePath>) -> ApiResult<HttpResponse> {
    serve(&req, &format!("static/{}", path.path))
}

/// `GET /sdk/{path}`: the SDK's ES modules.
pub async fn sdk_file(req: HttpRequest, path: web::Path<FilePath>) -> ApiResult<HttpResponse> {
    serve(&req, &format!("sdk/{}", path.path))
}

/// `GET /invitations/{token}`: the link invitation e-mails carry
/// (`accept_url`) opens the app's acceptance screen.
pub async fn invitation_link(path: web::Path<FilePath>) -> HttpResponse {
    let token: String =
        path.path.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).take(200).collect();
    HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/#/invite/{token}"))).finish()
}

/// The checkout named by `PULSE_DEV_ASSETS`, read once.
fn dev_root() -> Option<&'static std::path::Path> {
    static ROOT: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| std::env::var_os("PULSE_DEV_ASSETS").map(std::path::PathBuf::from)).as_deref()
}

/// A file of the app or the SDK read from the developer's checkout.
fn serve_from_disk(root: &std::path::Path, path: &str) -> ApiResult<HttpResponse> {
    let (dir, rest) = match path.split_once('/') {
        Some(("static", rest)) => ("static", rest),
        Some(("sdk", rest)) => ("client-sdk/src", rest),
        _ => return Err(ApiError::NotFound("file")),
    };
    let plain = rest.split('/').all(|seg| !seg.is_empty() && !seg.starts_with('.') && !seg.contains(['\\', '\0', ':']));
    if !plain {
        return Err(ApiError::NotFound("file"));
    }
    let bytes = std::fs::read(root.join(dir).join(rest)).map_err(|_| ApiError::NotFound("file"))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(content_type(path))
        .body(bytes))
}

fn serve(req: &HttpRequest, path: &str) -> ApiResult<HttpResponse> {
    if let Some(root) = dev_root() {
        return serve_from_disk(root, path);
    }
    let asset = find(path).ok_or(ApiError::NotFound("file"))?;
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == asset.etag || t.trim() == "*"));
    let mut res = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, HeaderValue::from_static(asset.etag)))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if fresh {
        return Ok(res.finish());
    }
    Ok(res.content_type(content_type(path)).body(asset.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_so_lookups_find_every_file() {
        for a in ASSETS {
            assert!(find(a.path).is_some(), "{}", a.path);
        }
        assert!(find("static/index.html").is_some(), "the app shell is embedded");
        assert!(find("sdk/index.js").is_some(), "the SDK is embedded");
    }

    #[test]
    fn the_dev_override_reads_only_plain_paths_below_its_two_folders() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(serve_from_disk(root, "static/index.html").is_ok(), "an app file");
        assert!(serve_from_disk(root, "sdk/index.js").is_ok(), "an SDK module");
        for bad in ["static/../Cargo.toml", "static/.git/config", "static//etc/passwd", "src/main.rs", "static/js\\x"] {
            assert!(serve_from_disk(root, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        let cases = [
            ("static/index.html", "text/html; charset=utf-8", "the shell"),
            ("static/css/app.css", "text/css; charset=utf-8", "styles"),
            ("sdk/index.js", "text/javascript; charset=utf-8", "ES modules"),
            ("static/x.unknown", "application/octet-stream", "anything else"),
        ];
        for (path, want, why) in cases {
            assert_eq!(content_type(path), want, "{why}");
        }
    }
}
