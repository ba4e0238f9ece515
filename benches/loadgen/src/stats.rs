//! Percentiles, server RSS from /proc, and PostgreSQL statistics for the
//! `events` table.

use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;

/// Latency percentiles in milliseconds.
#[derive(Serialize, Default)]
pub struct Percentiles {
    pub count: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Nearest-rank percentiles.
pub fn percentiles(mut v: Vec<Duration>) -> Percentiles {
    if v.is_empty() {
        return Percentiles::default();
    }
    v.sort_unstable();
    let at = |p: f64| {
        let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
        v[rank.clamp(1, v.len()) - 1].as_secs_f64() * 1e3
    };
    Percentiles { count: v.len(), p50_ms: at(50.0), p90_ms: at(90.0), p99_ms: at(99.0), max_ms: at(100.0) }
}

/// `VmRSS` of a process, in KiB.
pub fn rss_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("/proc/{pid}: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS".to_owned())
}

/// Reads of the `events` table and the database's transaction counters.
#[derive(Serialize, Clone, Copy, Default)]
pub struct PgEvents {
    pub seq_scan: i64,
    pub idx_scan: i64,
    pub seq_tup_read: i64,
    pub idx_tup_fetch: i64,
    pub xact_commit: i64,
    pub tup_returned: i64,
}

impl PgEvents {
    pub fn delta(&self, before: &PgEvents) -> PgEvents {
        PgEvents {
            seq_scan: self.seq_scan - before.seq_scan,
            idx_scan: self.idx_scan - before.idx_scan,
            seq_tup_read: self.seq_tup_read - before.seq_tup_read,
            idx_tup_fetch: self.idx_tup_fetch - before.idx_tup_fetch,
            xact_commit: self.xact_commit - before.xact_commit,
            tup_returned: self.tup_returned - before.tup_returned,
        }
    }
}

/// Snapshots the statistics of the database in `url`. PostgreSQL 15
/// backends flush their counters at most once a second while busy and up
/// to 10 s after going idle, so callers wait before each snapshot.
pub async fn pg_events(url: &str) -> Result<PgEvents, String> {
    let config = tokio_postgres::Config::from_str(url).map_err(|e| e.to_string())?;
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.map_err(|e| format!("PostgreSQL: {e}"))?;
    tokio::spawn(conn);
    let t = client
        .query_one(
            "SELECT coalesce(seq_scan, 0), coalesce(idx_scan, 0), coalesce(seq_tup_read, 0), coalesce(idx_tup_fetch, 0)
             FROM pg_stat_user_tables WHERE relname = 'events'",
            &[],
        )
        .await
        .map_err(|e| e.to_string())?;
    let d = client
        .query_one("SELECT xact_commit, tup_returned FROM pg_stat_database WHERE datname = current_database()", &[])
        .await
        .map_err(|e| e.to_string())?;
    Ok(PgEvents {
        seq_scan: t.get(0),
        idx_scan: t.get(1),
        seq_tup_read: t.get(2),
        idx_tup_fetch: t.get(3),
        xact_commit: d.get(0),
        tup_returned: d.get(1),
    })
}
