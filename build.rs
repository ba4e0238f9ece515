//! Embeds files into the binary, so `pulse` needs no source tree at run time:
//!
//! - the SQL files of `migrations/` (named `V{n}__{what}.sql`), applied at
//!   start-up (`$OUT_DIR/migrations.rs`);
//! - the browser app (`static/`) and the JavaScript SDK's ES modules
//!   (`client-sdk/src/`), served by `routes::app` (`$OUT_DIR/assets.rs`),
//!   each with an ETag computed here from its bytes.

use std::fmt::Write as _;
use std::path::Path;

/// The checkout being built, read when the script RUNS: `env!` would bake
/// in the checkout the script was compiled in, and a target directory
/// copied to another worktree would then embed the first one's files.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into()))
}

fn main() {
    migrations();
    assets();
}

fn migrations() {
    println!("cargo:rerun-if-changed=migrations");
    let dir = manifest_dir().join("migrations");
    let mut found: Vec<(u32, String, String)> = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let Some((version, name)) = stem.strip_prefix('V').and_then(|s| s.split_once("__")) else {
            panic!("migration file {file} is not named V{{n}}__{{what}}.sql");
        };
        let version: u32 = version.parse().unwrap_or_else(|_| panic!("bad version in {file}"));
        println!("cargo:rerun-if-changed={}", path.display());
        found.push((version, name.to_owned(), path.display().to_string()));
    }
    found.sort();
    for pair in found.windows(2) {
        assert!(pair[0].0 != pair[1].0, "two migrations share version {}", pair[0].0);
    }
    let mut out = String::from("&[\n");
    for (version, name, path) in &found {
        let _ = writeln!(out, "    Migration {{ version: {version}, name: {name:?}, sql: include_str!({path:?}) }},");
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("migrations.rs");
    std::fs::write(dest, out).unwrap_or_else(|e| panic!("writing migrations.rs: {e}"));
}

/// `&[Asset { path, bytes, etag }]` for every file under `static/` (served
/// as `/static/...`) and `client-sdk/src/` (served as `/sdk/...`), sorted
/// by path. Hidden files are skipped.
fn assets() {
    let root = &manifest_dir();
    let mut found: Vec<(String, std::path::PathBuf)> = Vec::new();
    for (dir, prefix) in [("static", "static"), ("client-sdk/src", "sdk")] {
        let base = root.join(dir);
        println!("cargo:rerun-if-changed={}", base.display());
        walk(&base, &base, prefix, &mut found);
    }
    found.sort();
    let mut out = String::from("&[\n");
    for (url, path) in &found {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let etag = format!("\\\"{:016x}\\\"", fnv1a(&bytes));
        let path = path.display().to_string();
        let _ = writeln!(out, "    Asset {{ path: {url:?}, bytes: include_bytes!({path:?}), etag: \"{etag}\" }},");
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("assets.rs");
    std::fs::write(dest, out).unwrap_or_else(|e| panic!("writing assets.rs: {e}"));
}

fn walk(base: &Path, dir: &Path, prefix: &str, found: &mut Vec<(String, std::path::PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            walk(base, &path, prefix, found);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            found.push((format!("{prefix}/{}", rel.join("/")), path));
        }
    }
}

/// FNV-1a, 64 bits: enough to tell two versions of a file apart for an
/// ETag, and no build dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
