//! `pulse import FILE --workspace … --entity …`: the same upload, mapping,
//! dry run and run as the API, in this process, against the database the
//! servers use, with a progress bar on stderr. With `REDIS_URL` set, the
//! run's events reach the servers' live clients at once; without it they
//! are in the event log and reach them when the servers next read it.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::fields::Entity;
use super::run::{self, Env};
use super::{MappingRequest, FILE_CHUNK};
use crate::auth::Actor;
use crate::config::Settings;
use crate::db::audit::Origin;

/// Arguments of `pulse import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The CSV file to import.
    pub file: PathBuf,
    /// The workspace: its id, or its exact name.
    #[arg(long)]
    pub workspace: String,
    /// What the rows are: contacts, companies, leads or deals.
    #[arg(long, default_value = "contacts")]
    pub entity: String,
    /// The member the import acts as (an owner or manager, by email).
    /// Defaults to the workspace's first owner.
    #[arg(long = "as")]
    pub as_email: Option<String>,
    /// Overrides the automatic mapping: `Header=field`, or `Header=` to
    /// leave a column out. Repeatable.
    #[arg(long = "map")]
    pub map: Vec<String>,
    /// `skip` (default) or `create` rows that repeat a record.
    #[arg(long, default_value = "skip")]
    pub duplicates: String,
    /// Check the file and report, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `pulse import`; the error is the message to print.
pub async fn run(settings: Settings, args: ImportArgs) -> Result<(), String> {
    let entity = Entity::parse(&args.entity)
        .ok_or_else(|| format!("--entity must be contacts, companies, leads or deals, not `{}`", args.entity))?;
    let pool = crate::db::prepare(&settings.database_url, 4).await.map_err(|e| e.to_string())?;
    let client = pool.get().await.map_err(|e| e.to_string())?;
    let ws = find_workspace(&client, &args.workspace).await?;
    let user = find_member(&client, ws, args.as_email.as_deref()).await?;
    drop(client);
    let redis = match &settings.redis_url {
        Some(url) => Some(redis::Client::open(url.as_str()).map_err(|e| format!("REDIS_URL: {e}"))?),
        None => None,
    };
    let realtime = pulse_actors::Realtime::start(pool.clone(), settings.realtime(), redis);
    let limits = settings.import_limits();
    let from = Origin { ip: None, user_agent: Some("pulse import (command line)".into()), request_id: None };
    let file = std::fs::File::open(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let filename = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(255).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "import.csv".into());
    let body = futures_util::stream::unfold(file, |mut f| async move {
        let mut buf = vec![0u8; FILE_CHUNK];
        match f.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<Bytes, std::io::Error>(Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    let uploaded = super::upload(&pool, ws, Some(user), entity, &filename, limits, Box::pin(body), &from)
        .await
        .map_err(|e| format!("upload: {e}"))?;
    eprintln!(
        "{}: {} rows, {}, delimiter {:?}, {} columns",
        filename,
        uploaded.rows_total.unwrap_or(0),
        uploaded.encoding,
        uploaded.delimiter,
        uploaded.headers.len()
    );
    let mut mapping = uploaded.mapping.clone();
    for m in &args.map {
        let (h, f) = m.split_once('=').ok_or_else(|| format!("--map `{m}`: write Header=field"))?;
        let value = if f.trim().is_empty() { Value::Null } else { Value::String(f.trim().to_owned()) };
        mapping.insert(h.to_owned(), value);
    }
    let req = MappingRequest { mapping: mapping.clone(), duplicates: Some(args.duplicates.clone()) };
    let import = super::update_mapping(&pool, ws, uploaded.id, req).await.map_err(|e| format!("mapping: {e}"))?;
    print_mapping(&import.mapping);
    if args.dry_run {
        let report =
            super::dry_run(&pool, &realtime, ws, import.id, limits).await.map_err(|e| format!("dry run: {e}"))?;
        eprintln!(
            "dry run: {} rows, {} valid, {} invalid, {} duplicates",
            report.rows,
            report.valid,
            report.invalid.len(),
            report.duplicates.len()
        );
        for i in report.invalid.iter().take(20) {
            eprintln!("  line {}: {}", i.line, i.reason);
        }
        for d in report.duplicates.iter().take(20) {
            eprintln!("  line {}: duplicate by {}", d.line, d.by);
        }
        return Ok(());
    }
    super::transition(&pool, &realtime, ws, Actor::User(user), import.id, "running", &from)
        .await
        .map_err(|e| format!("start: {e}"))?;
    let bar = Arc::new(Mutex::new(Bar { started: Instant::now(), last: None }));
    let bar_cb = bar.clone();
    let env = Env {
        realtime,
        database_url: settings.database_url.clone(),
        limits,
        on_progress: Some(Arc::new(move |i: &crate::db::imports::ImportRow| {
            if let Ok(mut b) = bar_cb.lock() {
                b.draw(i);
            }
        })),
    };
    run::drive(&env, ws, import.id).await.map_err(|e| format!("import: {e}"))?;
    let done = super::get_import(&pool, ws, import.id).await.map_err(|e| e.to_string())?;
    let secs = bar.lock().map(|b| b.started.elapsed().as_secs_f64()).unwrap_or(0.0);
    eprintln!(
        "\n{}: {} imported, {} invalid, {} duplicates skipped, in {:.1} s ({:.0} rows/s). Import id {}",
        done.status,
        done.rows_imported,
        done.rows_failed,
        done.rows_skipped,
        secs,
        done.rows_done as f64 / secs.max(0.001),
        done.id
    );
    if done.status != "completed" {
        return Err(done.failure.unwrap_or_else(|| format!("the import ended {}", done.status)));
    }
    Ok(())
}

fn print_mapping(mapping: &Map<String, Value>) {
    for (h, f) in mapping {
        eprintln!("  {h:>30} -> {}", f.as_str().unwrap_or("(not imported)"));
    }
}

/// A plain progress bar on stderr, redrawn at most five times a second.
struct Bar {
    started: Instant,
    last: Option<Instant>,
}

impl Bar {
    fn draw(&mut self, i: &crate::db::imports::ImportRow) {
        let final_ = i.status != "running";
        if !final_ && self.last.is_some_and(|l| l.elapsed().as_millis() < 200) {
            return;
        }
        self.last = Some(Instant::now());
        let total = i.rows_total.unwrap_or(0).max(1);
        let frac = (i.rows_done as f64 / total as f64).clamp(0.0, 1.0);
        let filled = (frac * 30.0).round() as usize;
        let rate = i.rows_done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {:>3.0}% {}/{} rows · {:.0} rows/s · {} invalid · {} duplicates ",
            "#".repeat(filled),
            ".".repeat(30 - filled),
            frac * 100.0,
            i.rows_done,
            i.rows_total.unwrap_or(0),
            rate,
            i.rows_failed,
            i.rows_skipped
        );
        let _ = err.flush();
    }
}

async fn find_workspace(c: &deadpool_postgres::Object, spec: &str) -> Result<Uuid, String> {
    if let Ok(id) = spec.parse::<Uuid>() {
        let found = c.query_opt("SELECT id FROM workspaces WHERE id = $1", &[&id]).await.map_err(|e| e.to_string())?;
        return found.map(|r| r.get(0)).ok_or_else(|| format!("no workspace with id {id}"));
    }
    let rows = c.query("SELECT id FROM workspaces WHERE name = $1", &[&spec]).await.map_err(|e| e.to_string())?;
    match rows.as_slice() {
        [one] => Ok(one.get(0)),
        [] => Err(format!("no workspace named `{spec}`")),
        _ => Err(format!("several workspaces are named `{spec}`; pass its id")),
    }
}

async fn find_member(c: &deadpool_postgres::Object, ws: Uuid, email: Option<&str>) -> Result<Uuid, String> {
    let row = match email {
        Some(e) => c
            .query_opt(
                "SELECT u.id, m.role FROM memberships m JOIN users u ON u.id = m.user_id
                 WHERE m.workspace_id = $1 AND lower(u.email) = lower($2) AND m.status = 'active'",
                &[&ws, &e],
            )
            .await
            .map_err(|e| e.to_string())?,
        None => c
            .query_opt(
                "SELECT user_id, role FROM memberships WHERE workspace_id = $1 AND role = 'owner' AND status = 'active'
                 ORDER BY created_at, user_id LIMIT 1",
                &[&ws],
            )
            .await
            .map_err(|e| e.to_string())?,
    };
    let Some(row) = row else { return Err("no such active member in the workspace".into()) };
    let role: String = row.get(1);
    if role != "owner" && role != "manager" {
        return Err(format!("only owners and managers import; this member is a {role}"));
    }
    Ok(row.get(0))
}
