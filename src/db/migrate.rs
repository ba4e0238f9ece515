//! Forward-only migrations embedded from `migrations/` by `build.rs`,
//! recorded in `schema_history` with a checksum, under an advisory lock so
//! two nodes starting at once apply each migration exactly once.

use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use super::{error_chain, DbSetupError};

/// One embedded migration file.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Advisory lock key held while migrating ("pulse-mg").
const LOCK_KEY: i64 = 0x7075_6c73_652d_6d67;

/// The newest migration version compiled into this binary.
pub fn latest_version() -> i32 {
    MIGRATIONS.last().map(|m| m.version as i32).unwrap_or(0)
}

/// A digest of every embedded migration: names a migrated template
/// database in tests, so a schema change gets a fresh template.
pub fn fingerprint() -> String {
    let mut h = Sha256::new();
    for m in MIGRATIONS {
        h.update(m.version.to_le_bytes());
        h.update(m.sql.as_bytes());
    }
    hex::encode(&h.finalize()[..8])
}

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// The newest applied version, or `None` when the history table is missing.
pub async fn applied_version(
    client: &impl deadpool_postgres::GenericClient,
) -> Result<Option<i32>, tokio_postgres::Error> {
    let exists: bool = client.query_one("SELECT to_regclass('schema_history') IS NOT NULL", &[]).await?.get(0);
    if !exists {
        return Ok(None);
    }
    let row = client.query_one("SELECT COALESCE(max(version), 0) FROM schema_history", &[]).await?;
    Ok(Some(row.get(0)))
}

/// Applies every pending migration, each in its own transaction.
pub async fn run_migrations(client: &Client) -> Result<(), DbSetupError> {
    let other = |e: tokio_postgres::Error| DbSetupError::Other(error_chain(&e));
    client.execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY]).await.map_err(other)?;
    let result = apply_pending(client).await;
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]).await;
    result
}

async fn apply_pending(client: &Client) -> Result<(), DbSetupError> {
    let other = |e: tokio_postgres::Error| DbSetupError::Other(error_chain(&e));
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_history (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )",
        )
        .await
        .map_err(other)?;
    let rows = client.query("SELECT version, checksum FROM schema_history", &[]).await.map_err(other)?;
    let applied: std::collections::HashMap<i32, String> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    for m in MIGRATIONS {
        let sum = checksum(m.sql);
        match applied.get(&(m.version as i32)) {
            Some(existing) if *existing == sum => continue,
            Some(_) => {
                return Err(DbSetupError::Migration {
                    version: m.version,
                    name: m.name.to_owned(),
                    cause:
                        "already applied with different contents; migrations are forward-only, add a new file instead"
                            .into(),
                })
            }
            None => {}
        }
        let fail = |e: tokio_postgres::Error| DbSetupError::Migration {
            version: m.version,
            name: m.name.to_owned(),
            cause: error_chain(&e),
        };
        client.batch_execute("BEGIN").await.map_err(fail)?;
        let step = async {
            client.batch_execute(m.sql).await?;
            client
                .execute(
                    "INSERT INTO schema_history (version, name, checksum) VALUES ($1, $2, $3)",
                    &[&(m.version as i32), &m.name, &sum],
                )
                .await?;
            client.batch_execute("COMMIT").await
        };
        if let Err(e) = step.await {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(fail(e));
        }
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}
