//! PostgreSQL: the connection pool, database creation and migrations.
//!
//! SQL lives in this layer only. Functions are named `select_*`, `insert_*`,
//! `update_*`, `delete_*` and take a `&impl GenericClient` (a pooled client
//! or a transaction) so callers choose the transaction boundary.

pub mod activities;
pub mod audit;
pub mod cleanup;
pub mod companies;
pub mod contacts;
pub mod custom_fields;
pub mod deals;
pub mod idempotency;
pub mod imports;
pub mod invitations;
pub mod jobs;
pub mod leads;
pub mod login_failures;
pub mod members;
mod migrate;
pub mod notifications;
pub mod nurture;
pub mod search;
pub mod sessions;
pub mod sql;
pub mod stream_tickets;
pub mod tokens;
pub mod users;
pub mod views;
pub mod widgets;
pub mod workspaces;

use std::str::FromStr;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::config::Host;
use tokio_postgres::{Config, NoTls};

pub use migrate::{applied_version, fingerprint, latest_version, run_migrations};

/// Why the database could not be prepared. Messages are for the operator.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadUrl(String),
    #[error(
        "could not connect to PostgreSQL at {target}: {cause}\n\
         Is PostgreSQL running? Start it (for example `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) \
         or point --database-url / DATABASE_URL at a running server."
    )]
    Unreachable { target: String, cause: String },
    #[error("could not create database {name}: {cause}")]
    Create { name: String, cause: String },
    #[error("migration V{version}__{name} failed: {cause}")]
    Migration { version: u32, name: String, cause: String },
    #[error("{0}")]
    Other(String),
}

/// Parses a URL and returns the config plus a printable `user@host:port/db`.
fn parse(url: &str) -> Result<(Config, String), DbSetupError> {
    let config = Config::from_str(url).map_err(|e| DbSetupError::BadUrl(e.to_string()))?;
    let target = describe(&config);
    Ok((config, target))
}

/// `user@host:port/db` for messages; never includes the password.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{}:{}/{}",
        config.get_user().unwrap_or("postgres"),
        host,
        port,
        config.get_dbname().unwrap_or("postgres")
    )
}

/// Connects one client outside the pool (for setup work).
pub async fn connect_one(config: &Config, target: &str) -> Result<tokio_postgres::Client, DbSetupError> {
    let (client, conn) = config
        .connect(NoTls)
        .await
        .map_err(|e| DbSetupError::Unreachable { target: target.to_owned(), cause: error_chain(&e) })?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "setup connection closed");
        }
    });
    Ok(client)
}

/// Creates the database named in `url` when it does not exist yet.
pub async fn ensure_database(url: &str) -> Result<(), DbSetupError> {
    let (config, _) = parse(url)?;
    let name = config.get_dbname().unwrap_or("postgres").to_owned();
    let mut admin = config.clone();
    admin.dbname("postgres");
    let client = connect_one(&admin, &describe(&admin)).await?;
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .map_err(|e| DbSetupError::Create { name: name.clone(), cause: error_chain(&e) })?
        .is_some();
    if !exists {
        let sql = format!("CREATE DATABASE {}", quote_ident(&name));
        if let Err(e) = client.batch_execute(&sql).await {
            // Another node may have created it at the same moment.
            if e.code() != Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) {
                return Err(DbSetupError::Create { name, cause: error_chain(&e) });
            }
        }
        tracing::info!(database = %name, "created database");
    }
    Ok(())
}

/// Creates the database if needed, applies migrations, and returns a pool.
pub async fn prepare(url: &str, pool_size: usize) -> Result<Pool, DbSetupError> {
    ensure_database(url).await?;
    let (config, target) = parse(url)?;
    let client = connect_one(&config, &target).await?;
    run_migrations(&client).await?;
    drop(client);
    build_pool(config, pool_size)
}

/// A second pool on the same database, for the workspace actors, without
/// touching the database.
///
/// Why the actors have their own: a tokio-postgres connection is driven by
/// a task on the thread that opened it. The workspace actors run on one
/// thread (the actix system arbiter); if their batches borrowed connections
/// opened by HTTP workers, every statement and every answer would also wait
/// for a worker thread busy writing WebSocket frames. Connections of this
/// pool are opened only by the actors, so a batch's I/O stays on their
/// thread.
pub fn actor_pool(url: &str, size: usize) -> Result<Pool, DbSetupError> {
    let (config, _) = parse(url)?;
    build_pool(config, size)
}

/// Builds the pool without touching the database.
pub fn build_pool(config: Config, size: usize) -> Result<Pool, DbSetupError> {
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(size.max(2))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(std::time::Duration::from_secs(10)))
        .create_timeout(Some(std::time::Duration::from_secs(5)))
        .build()
        .map_err(|e| DbSetupError::Other(e.to_string()))
}

/// `name` quoted as a PostgreSQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// An error and its sources, joined, for logs.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}
