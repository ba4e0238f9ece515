//! Settings: parsed once from CLI flags and the environment, then passed in.
//!
//! Flag and variable names are part of the public contract (deployment
//! scripts rely on them); defaults work on a developer machine.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::NaiveTime;
use clap::{Parser, Subcommand, ValueEnum};

/// Default database when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/pulse";

/// Pulse: a self-hosted real-time CRM server.
#[derive(Debug, Clone, Parser)]
#[command(name = "pulse", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

/// What to do; `serve` when no subcommand is given.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Start the HTTP server, the WebSocket stream and the browser app (default).
    Serve,
    /// Create the database if needed, apply pending migrations, and exit.
    Migrate,
    /// Import a CSV file of contacts, companies, leads or deals into a
    /// workspace, with a progress bar (see docs/IMPORT.md).
    Import(crate::imports::cli::ImportArgs),
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Everything the server needs to run. Secrets (database and Redis URLs)
/// are never logged: `Debug` prints them redacted.
#[derive(Clone, clap::Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "PULSE_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: SocketAddr,

    /// PostgreSQL URL. The database is created if it does not exist.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Redis URL. Without it Pulse runs as a single node with an in-process bus.
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<String>,

    /// The origin browsers use to reach Pulse (scheme://host[:port]). The
    /// WebSocket and CSRF origin allowlists derive from it. Defaults to
    /// http://<listen address>.
    #[arg(long, env = "PULSE_PUBLIC_ORIGIN", global = true)]
    pub public_origin: Option<String>,

    /// Log format.
    #[arg(long, env = "PULSE_LOG_FORMAT", value_enum, default_value = "pretty", global = true)]
    pub log_format: LogFormat,

    /// Maximum PostgreSQL connections in the pool.
    #[arg(long, env = "PULSE_DB_POOL_SIZE", default_value_t = 16, global = true)]
    pub db_pool_size: usize,

    /// Maximum PostgreSQL connections of the workspace actors (their
    /// batches, loads and replays), a pool of their own.
    #[arg(long, env = "PULSE_DB_ACTOR_POOL_SIZE", default_value_t = 8, global = true)]
    pub db_actor_pool_size: usize,

    /// Idle expiry of browser sessions, in minutes.
    #[arg(long, env = "PULSE_SESSION_IDLE_MINUTES", default_value_t = 60 * 24 * 7, global = true)]
    pub session_idle_minutes: i64,

    /// How long a node may reuse a resolved session cookie or API token
    /// before asking PostgreSQL again, in milliseconds (0: never reuse).
    /// Changes made on this node apply at once; on other nodes within
    /// this bound.
    #[arg(long, env = "PULSE_AUTH_CACHE_MS", default_value_t = 1000, global = true)]
    pub auth_cache_ms: u64,

    /// Absolute expiry of browser sessions, in hours.
    #[arg(long, env = "PULSE_SESSION_ABSOLUTE_HOURS", default_value_t = 24 * 30, global = true)]
    pub session_absolute_hours: i64,

    /// How long an invitation link stays valid, in hours.
    #[arg(long, env = "PULSE_INVITATION_TTL_HOURS", default_value_t = 24 * 7, global = true)]
    pub invitation_ttl_hours: i64,

    /// Password hashes computed at once; more wait their turn.
    #[arg(long, env = "PULSE_MAX_CONCURRENT_HASHES", default_value_t = 4, global = true)]
    pub max_concurrent_hashes: usize,

    /// Requests per minute allowed per API token, per browser session and
    /// per IP (each counted separately; the tightest applies).
    #[arg(long, env = "PULSE_RATE_LIMIT_PER_MINUTE", default_value_t = 600, global = true)]
    pub rate_limit_per_minute: u32,

    /// Failed logins per IP in 15 minutes before that IP is throttled.
    #[arg(long, env = "PULSE_LOGIN_IP_CEILING", default_value_t = 100, global = true)]
    pub login_ip_ceiling: i64,

    /// Seconds given to in-flight requests at shutdown.
    #[arg(long, env = "PULSE_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30, global = true)]
    pub shutdown_timeout_secs: u64,

    /// Largest outbound backlog of one WebSocket connection, in bytes,
    /// before it is closed as a slow consumer (close code 4008).
    #[arg(long, env = "PULSE_WS_OUTBOUND_MAX_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub ws_outbound_max_bytes: usize,

    /// Kernel send buffer per client socket, in bytes (default: the OS's
    /// autotuning). A small buffer bounds memory per idle connection and
    /// makes a stalled reader reach its outbound bound sooner.
    #[arg(long, env = "PULSE_SOCKET_SEND_BUFFER", global = true)]
    pub socket_send_buffer: Option<usize>,

    /// Seconds sent data may stay unacknowledged, or a client's receive
    /// window stay closed, before the kernel drops the connection
    /// (TCP_USER_TIMEOUT); 0 leaves the system default (about 15 minutes
    /// of retransmissions, and no limit at all for a closed window). This
    /// is what frees a WebSocket whose client stopped reading: its session
    /// is closed at the outbound bound, but the close frame cannot be
    /// written into a full socket.
    #[arg(long, env = "PULSE_TCP_USER_TIMEOUT_SECS", default_value_t = 60, global = true)]
    pub tcp_user_timeout_secs: u64,

    /// Open WebSocket connections allowed per user (or API token).
    #[arg(long, env = "PULSE_WS_MAX_PER_USER", default_value_t = 20, global = true)]
    pub ws_max_per_user: usize,

    /// Open WebSocket connections allowed per client IP.
    #[arg(long, env = "PULSE_WS_MAX_PER_IP", default_value_t = 500, global = true)]
    pub ws_max_per_ip: usize,

    /// Seconds between server pings on WebSocket connections; a connection
    /// that has not answered within 10 more seconds is closed.
    #[arg(long, env = "PULSE_WS_HEARTBEAT_SECS", default_value_t = 25, global = true)]
    pub ws_heartbeat_secs: u64,

    /// Recent events each workspace keeps in memory for resume: at least
    /// this many...
    #[arg(long, env = "PULSE_STREAM_RING_EVENTS", default_value_t = 1000, global = true)]
    pub stream_ring_events: usize,

    /// ...and at least this many seconds' worth.
    #[arg(long, env = "PULSE_STREAM_RING_SECS", default_value_t = 300, global = true)]
    pub stream_ring_secs: u64,

    /// Seconds between rechecks of open WebSocket connections' credentials
    /// (revocations normally close sockets at once; this is the backstop).
    /// A reconnecting credential is trusted from memory for twice this.
    #[arg(long, env = "PULSE_WS_RECHECK_SECS", default_value_t = 15, global = true)]
    pub ws_recheck_secs: u64,

    /// Seconds a workspace actor with no connections stays in memory.
    #[arg(long, env = "PULSE_WORKSPACE_IDLE_SECS", default_value_t = 300, global = true)]
    pub workspace_idle_secs: u64,

    /// Days events are kept in the events table for resume.
    #[arg(long, env = "PULSE_EVENT_RETENTION_DAYS", default_value_t = 7, global = true)]
    pub event_retention_days: u32,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "PULSE_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Run the scheduled jobs on this node (digest, reminders, re-scoring,
    /// stale refresh, pruning). Several nodes may: each slot runs once.
    #[arg(long, env = "PULSE_SCHEDULER", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub scheduler: bool,

    /// UTC time (HH:MM) of the daily digest.
    #[arg(long, env = "PULSE_DIGEST_AT", default_value = "06:00", value_parser = parse_utc_time, global = true)]
    pub digest_at: NaiveTime,

    /// UTC time (HH:MM) of the follow-up reminders for overdue next actions.
    #[arg(long, env = "PULSE_REMINDERS_AT", default_value = "08:00", value_parser = parse_utc_time, global = true)]
    pub reminders_at: NaiveTime,

    /// UTC time (HH:MM) of lead re-scoring and decay.
    #[arg(long, env = "PULSE_LEAD_RESCORE_AT", default_value = "03:00", value_parser = parse_utc_time, global = true)]
    pub lead_rescore_at: NaiveTime,

    /// SMTP server for outgoing email: smtp://[user:password@]host[:port]
    /// (plain, port 25); add ?tls=starttls for STARTTLS (port 587) or
    /// ?tls=opportunistic; smtps://… for implicit TLS (port 465). Without
    /// it, emails wait in the outbox, where owners can read them.
    #[arg(long, env = "PULSE_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// A PEM file of CA certificates to trust for SMTP over TLS, besides
    /// the Mozilla roots built in (for a relay with a private CA).
    #[arg(long, env = "PULSE_SMTP_CA_FILE", global = true)]
    pub smtp_ca_file: Option<std::path::PathBuf>,

    /// The From address of outgoing email.
    #[arg(long, env = "PULSE_SMTP_FROM", default_value = "Pulse <pulse@localhost>", global = true)]
    pub smtp_from: String,

    /// Delivery attempts per email before it is marked failed.
    #[arg(long, env = "PULSE_EMAIL_MAX_ATTEMPTS", default_value_t = 5, global = true)]
    pub email_max_attempts: i32,

    /// Seconds between passes of the outbox sender.
    #[arg(long, env = "PULSE_OUTBOX_POLL_SECS", default_value_t = 10, global = true)]
    pub outbox_poll_secs: u64,

    /// Largest CSV file an import accepts, in bytes.
    #[arg(long, env = "PULSE_IMPORT_MAX_BYTES", default_value_t = 256 * 1024 * 1024, global = true)]
    pub import_max_bytes: u64,

    /// Longest row of a CSV import, in bytes; longer rows are reported as
    /// invalid (and a header that long refuses the file).
    #[arg(long, env = "PULSE_IMPORT_MAX_ROW_BYTES", default_value_t = 128 * 1024, global = true)]
    pub import_max_row_bytes: usize,

    /// Rows per chunk of a contact or company import (one COPY and one
    /// checkpoint per chunk).
    #[arg(long, env = "PULSE_IMPORT_CHUNK_ROWS", default_value_t = 20_000, global = true)]
    pub import_chunk_rows: usize,

    /// Connections that write a contact import's chunks at once, each
    /// with its own COPY, while the run's own connection prepares the
    /// next chunk. Chunks still commit in file order.
    #[arg(long, env = "PULSE_IMPORT_WRITERS", default_value_t = 2, global = true)]
    pub import_writers: usize,

    /// Check a contact import chunk's links (workspace, owners, companies)
    /// with one locking query per chunk instead of PostgreSQL's per-row
    /// foreign-key triggers, when the database role may set
    /// `session_replication_role` (docs/IMPORT.md, "Speed").
    #[arg(long, env = "PULSE_IMPORT_BULK_LINK_CHECKS", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub import_bulk_link_checks: bool,

    /// Seconds between looks for imports to resume (a node that died
    /// mid-import leaves one `running`).
    #[arg(long, env = "PULSE_IMPORT_SWEEP_SECS", default_value_t = 30, global = true)]
    pub import_sweep_secs: u64,
}

/// `HH:MM` (or `HH:MM:SS`), read as UTC.
pub fn parse_utc_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .map_err(|_| format!("`{s}` is not a time of day; use HH:MM (UTC)"))
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("public_origin", &self.public_origin)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("log_format", &self.log_format)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Settings for tests and embedding: defaults with the given database.
    pub fn for_database(database_url: &str) -> Self {
        let mut s = Cli::parse_from(["pulse"]).settings;
        s.database_url = database_url.to_owned();
        s.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        s
    }

    /// The real-time core's tunables derived from these settings.
    pub fn realtime(&self) -> pulse_actors::RealtimeConfig {
        pulse_actors::RealtimeConfig {
            outbound_max_bytes: self.ws_outbound_max_bytes.max(1024),
            heartbeat_interval: Duration::from_secs(self.ws_heartbeat_secs.max(1)),
            idle_timeout: Duration::from_secs(self.workspace_idle_secs.max(1)),
            session_idle: self.session_idle(),
            recheck_interval: Duration::from_secs(self.ws_recheck_secs.max(1)),
            ring_min_events: self.stream_ring_events,
            ring_min_age: Duration::from_secs(self.stream_ring_secs),
            ..Default::default()
        }
    }

    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_minutes.max(1) as u64 * 60)
    }

    pub fn session_absolute(&self) -> Duration {
        Duration::from_secs(self.session_absolute_hours.max(1) as u64 * 3600)
    }

    /// The times of the scheduler's daily jobs.
    pub fn schedule(&self) -> crate::scheduler::Times {
        crate::scheduler::Times {
            digest: self.digest_at,
            reminders: self.reminders_at,
            lead_rescore: self.lead_rescore_at,
        }
    }

    /// The limits of CSV imports.
    pub fn import_limits(&self) -> crate::imports::run::Limits {
        crate::imports::run::Limits {
            max_file_bytes: self.import_max_bytes.max(1),
            max_row_bytes: self.import_max_row_bytes.clamp(1024, 64 * 1024 * 1024),
            chunk_rows: self.import_chunk_rows.clamp(1, 100_000),
            writers: self.import_writers.clamp(1, 16),
            bulk_link_checks: self.import_bulk_link_checks,
        }
    }

    pub fn invitation_ttl(&self) -> Duration {
        Duration::from_secs(self.invitation_ttl_hours.max(1) as u64 * 3600)
    }
}

/// A URL with its password replaced by `***`, for logs and error messages.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "<unparseable url>".to_owned(),
    }
}
