//! Embeds the SQL files of `migrations/` (named `V{n}__{what}.sql`) into the
//! binary, so `pulse` applies them at start-up without the source tree.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
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
