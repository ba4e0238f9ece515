//! `pulse-loadgen`: measures a Pulse that is already running on loopback.
//!
//! It sets the workspace up itself through the HTTP API (an owner who signs
//! up, reps who join by invitation), produces events with the one write that
//! emits them today (an owner flipping a member between rep and viewer), and
//! stops by itself. Each subcommand prints one JSON line on stdout and a
//! human summary on stderr. `scripts/bench` starts Pulse with the settings
//! these runs need and runs each one three times; BENCHMARKS.md has results.

// A measurement tool, not the server: it aborts on a setup failure rather
// than carrying on with a half-built workspace, so unwrap/expect are allowed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod board;
mod commands;
mod search;
mod stats;
mod ws;

use std::time::Duration;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "pulse-loadgen", about = "Load generator for a running Pulse")]
struct Cli {
    /// The Pulse to measure (also the Origin of WebSocket handshakes).
    #[arg(long, global = true, default_value = "http://127.0.0.1:8080")]
    url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write-to-delivery latency at a paced (open-loop) write rate.
    Latency {
        #[arg(long, default_value_t = 100)]
        subscribers: usize,
        /// Writes per second.
        #[arg(long, default_value_t = 1000.0)]
        rate: f64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[command(flatten)]
        common: commands::Common,
    },
    /// Write-to-delivery latency of deal stage moves (the workspace
    /// actor's group commit) at a paced write rate.
    Moves {
        #[arg(long, default_value_t = 100)]
        subscribers: usize,
        /// Moves per second.
        #[arg(long, default_value_t = 2000.0)]
        rate: f64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[command(flatten)]
        common: commands::Common,
    },
    /// A board of many deals: from the actor's memory vs computed with SQL,
    /// and the cold start that loads it.
    Board {
        #[arg(long, default_value_t = 10_000)]
        deals: usize,
        /// Board computations measured per method.
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        /// The server's database (the deals are inserted directly).
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// Full-text search (`GET /api/v1/search`) over a workspace of many
    /// contacts, against an ILIKE baseline (see `search.rs`).
    Search {
        #[arg(long, default_value_t = 1_000_000)]
        contacts: i64,
        /// Searches measured, cycling through the query mix.
        #[arg(long, default_value_t = 1110)]
        iterations: usize,
        /// Passes over the mix for each baseline.
        #[arg(long, default_value_t = 2)]
        baseline_rounds: usize,
        /// The server's database (the contacts are inserted directly).
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// Delivered events per second, summed over subscribers, with the
    /// writer going as fast as its lanes allow.
    Fanout {
        #[arg(long, default_value_t = 500)]
        subscribers: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[command(flatten)]
        common: commands::Common,
    },
    /// Server RSS per idle subscribed connection.
    Idle {
        #[arg(long, default_value_t = 10_000)]
        connections: usize,
        /// The server's process id, for /proc/<pid>/status.
        #[arg(long)]
        server_pid: u32,
        /// Seconds to hold the connections after measuring.
        #[arg(long, default_value_t = 2)]
        hold: u64,
        #[command(flatten)]
        common: commands::Common,
    },
    /// Disconnect N subscribers, produce events, reconnect all with `since`.
    Storm {
        #[arg(long, default_value_t = 20_000)]
        clients: usize,
        /// Events produced while the clients are away.
        #[arg(long, default_value_t = 20)]
        events: u64,
        /// The server's database, for pg_stat_* before and after the replay.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// Seconds to wait for PostgreSQL to publish its statistics after
        /// the replay (PostgreSQL 15 backends flush up to 10 s after idling).
        #[arg(long, default_value_t = 11)]
        stats_settle: u64,
        /// The same before the replay. Nothing before it reads the events
        /// table (subscriptions start at the head, served from the ring), so
        /// a short pause suffices.
        #[arg(long, default_value_t = 2)]
        stats_settle_before: u64,
        #[command(flatten)]
        common: commands::Common,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let target = match api::Target::new(&cli.url).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("pulse-loadgen: {e}");
            std::process::exit(2);
        }
    };
    let result = match cli.command {
        Command::Latency { subscribers, rate, seconds, common } => {
            let budget = api::Budget::Paced { rate, duration: Duration::from_secs(seconds) };
            commands::delivery("latency", &target, subscribers, budget, common).await
        }
        Command::Moves { subscribers, rate, seconds, common } => {
            let budget = api::Budget::Paced { rate, duration: Duration::from_secs(seconds) };
            commands::delivery("moves", &target, subscribers, budget, common).await
        }
        Command::Board { deals, iterations, database_url } => {
            board::run(&target, deals, iterations, &database_url).await
        }
        Command::Search { contacts, iterations, baseline_rounds, database_url } => {
            search::run(&target.base, contacts, iterations, baseline_rounds, &database_url).await
        }
        Command::Fanout { subscribers, seconds, common } => {
            let budget = api::Budget::Flat { duration: Duration::from_secs(seconds) };
            commands::delivery("fanout", &target, subscribers, budget, common).await
        }
        Command::Idle { connections, server_pid, hold, common } => {
            commands::idle(&target, connections, server_pid, Duration::from_secs(hold), common).await
        }
        Command::Storm { clients, events, database_url, stats_settle, stats_settle_before, common } => {
            let settle = (Duration::from_secs(stats_settle_before), Duration::from_secs(stats_settle));
            commands::storm(&target, clients, events, database_url.as_deref(), settle, common).await
        }
    };
    match result {
        Ok((json, summary)) => {
            println!("{json}");
            eprintln!("{summary}");
        }
        Err(e) => {
            eprintln!("pulse-loadgen: {e}");
            std::process::exit(1);
        }
    }
}
