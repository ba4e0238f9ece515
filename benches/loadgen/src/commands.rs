//! The four measurements. Each returns its one-line JSON result and a human
//! summary.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::api::{self, Budget, Lane, Session, Target};
use crate::stats::{self, percentiles};
use crate::ws::{self, Chain, ServerMsg, Ws};

type Outcome = Result<(serde_json::Value, String), String>;

/// Settings every subcommand shares.
#[derive(clap::Args)]
pub struct Common {
    /// WebSocket connections per subscriber user (default 25 for latency
    /// and fanout, 5000 for idle and storm). Pulse must allow at least this
    /// many per user: PULSE_WS_MAX_PER_USER.
    #[arg(long)]
    per_user: Option<usize>,
    /// Members whose role the writer flips; also the writer's maximum
    /// number of requests in flight.
    #[arg(long, default_value_t = 32)]
    lanes: usize,
    /// Spread connections over 127.0.0.1 ..= 127.0.0.N (ephemeral ports
    /// are per source address).
    #[arg(long, default_value_t = 16)]
    source_ips: usize,
    /// WebSocket handshakes in flight at once.
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
}

/// Opens `n` subscribed connections as `users`, `per_user` per user.
async fn connect_subscribers(
    target: &Target,
    users: &[Session],
    n: usize,
    per_user: usize,
    common: &Common,
) -> Result<Vec<(Ws, i64)>, String> {
    let cookies: Vec<String> = users.iter().map(Session::cookie_header).collect::<Result<_, _>>()?;
    let spread = common.source_ips;
    let conns: Vec<Result<(Ws, i64), String>> = stream::iter(0..n)
        .map(|i| {
            let cookie = &cookies[i / per_user.max(1)];
            async move { ws::subscriber(target, cookie, ws::source_ip(i, spread)).await }
        })
        .buffer_unordered(common.concurrency.max(1))
        .collect()
        .await;
    conns.into_iter().collect()
}

/// `latency`, `fanout` and `moves`: subscribers on `workspace`, a writer
/// flipping roles (or, for `moves`, moving deals shared with the
/// subscribers), every subscriber checked for a complete, ordered stream.
pub async fn delivery(kind: &str, target: &Target, subscribers: usize, budget: Budget, common: Common) -> Outcome {
    let per_user = common.per_user.unwrap_or(25);
    let owner = api::signup_owner(target).await?;
    let users = api::invite_reps(target, &owner, subscribers.div_ceil(per_user.max(1))).await?;
    let lanes: Vec<Lane> = if kind == "moves" {
        let audience: Vec<String> = users.iter().map(|u| u.user_id.clone()).collect();
        api::deal_lanes(&owner, common.lanes, &audience).await?
    } else {
        api::invite_reps(target, &owner, common.lanes).await?.into_iter().map(|s| Lane::new(s.user_id)).collect()
    };
    let conns = connect_subscribers(target, &users, subscribers, per_user, &common).await?;
    let since = conns.iter().map(|c| c.1).max().unwrap_or(0);
    if conns.iter().any(|c| c.1 != since) {
        return Err("subscribers started at different seqs: something else is writing to the workspace".into());
    }
    let record = kind == "latency" || kind == "moves";
    let (done_tx, done_rx) = tokio::sync::watch::channel(None);
    let readers: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(i, (ws, s))| {
            let rx = done_rx.clone();
            tokio::spawn(ws::read_events(ws, s, rx, record, record && i == 0, Duration::from_secs(10)))
        })
        .collect();
    let writing = Instant::now();
    let written = api::write(&owner, lanes, budget).await?;
    let ok = written.ok();
    let _ = done_tx.send(Some(since + ok as i64));
    let mut seen = Vec::with_capacity(readers.len());
    for r in readers {
        seen.push(r.await.map_err(|e| format!("reader task: {e}"))?);
    }
    // Events flowed from the first write until the last subscriber had them all.
    let flow_secs = writing.elapsed().as_secs_f64();
    let delivered: u64 = seen.iter().map(|s| s.chain.received).sum();
    let complete = seen.iter().filter(|s| s.chain.last == since + ok as i64 && s.chain.violations == 0).count();
    let violations: u64 = seen.iter().map(|s| s.chain.violations).sum();
    let first_problem =
        seen.iter().find_map(|s| s.chain.first_violation.clone().or_else(|| s.error.clone())).unwrap_or_default();
    let write_rate = ok as f64 / written.elapsed.as_secs_f64();
    let rtt = percentiles(written.lanes.iter().flat_map(|l| l.rtts.iter().copied()).collect());
    let mut result = json!({
        "bench": kind,
        "subscribers": subscribers,
        "subscriber_users": subscribers.div_ceil(per_user.max(1)),
        "lanes": written.lanes.len(),
        "writes_ok": ok,
        "write_errors": written.errors(),
        "first_write_error": written.first_error(),
        "writes_late": written.late,
        "write_seconds": written.elapsed.as_secs_f64(),
        "achieved_write_rate": write_rate,
        "write_http_rtt": rtt,
        "delivered_events": delivered,
        "subscribers_complete_in_order": complete,
        "order_violations": violations,
        "first_problem": first_problem,
    });
    let mut summary = format!(
        "{kind}: {subscribers} subscribers, {ok} writes in {:.1} s ({write_rate:.0}/s, {} errors, {} late), \
         HTTP p50 {:.2} ms p99 {:.2} ms; {complete}/{subscribers} subscribers complete and in order",
        written.elapsed.as_secs_f64(),
        written.errors(),
        written.late,
        rtt.p50_ms,
        rtt.p99_ms
    );
    if record {
        let lat = delivery_latencies(&seen, &written.lanes, since, ok);
        summary.push_str(&format!(
            "; write->last delivery p50 {:.2} ms p90 {:.2} ms p99 {:.2} ms max {:.2} ms over {} events",
            lat.p50_ms, lat.p90_ms, lat.p99_ms, lat.max_ms, lat.count
        ));
        result["write_to_last_delivery"] = json!(lat);
    }
    let rate = delivered as f64 / flow_secs;
    summary.push_str(&format!("; delivered {delivered} events in {flow_secs:.1} s = {rate:.0} events/s"));
    result["delivered_events_per_sec"] = json!(rate);
    result["flow_seconds"] = json!(flow_secs);
    Ok((result, summary))
}

/// For each event every subscriber received: the time from just before
/// its PATCH was sent to its arrival at the last subscriber. Events are
/// matched to requests per member: a lane has one request in flight, so the
/// n-th event about a member answers the n-th successful request.
fn delivery_latencies(seen: &[ws::Seen], lanes: &[Lane], since: i64, ok: u64) -> stats::Percentiles {
    let n = ok as usize;
    let mut last: Vec<Option<Instant>> = vec![None; n];
    let mut count: Vec<usize> = vec![0; n];
    for s in seen {
        for &(seq, at) in &s.arrivals {
            let i = seq - since - 1;
            if i >= 0 && (i as usize) < n {
                let i = i as usize;
                count[i] += 1;
                last[i] = Some(last[i].map_or(at, |l| l.max(at)));
            }
        }
    }
    let lane_of: HashMap<&str, usize> = lanes.iter().enumerate().map(|(i, l)| (l.user_id.as_str(), i)).collect();
    let mut nth = vec![0usize; lanes.len()];
    let mut out = Vec::with_capacity(n);
    let Some(first) = seen.first() else { return percentiles(out) };
    for (seq, who) in &first.subjects {
        let Some(&l) = lane_of.get(who.as_str()) else { continue };
        let k = nth[l];
        nth[l] += 1;
        let i = (seq - since - 1) as usize;
        if let (Some(sent), Some(Some(at))) = (lanes[l].sent.get(k), last.get(i)) {
            if count[i] == seen.len() {
                out.push(at.saturating_duration_since(*sent));
            }
        }
    }
    percentiles(out)
}

/// `idle`: server RSS before and after opening `n` subscribed connections.
pub async fn idle(target: &Target, n: usize, server_pid: u32, hold: Duration, common: Common) -> Outcome {
    let per_user = common.per_user.unwrap_or(5000);
    let owner = api::signup_owner(target).await?;
    let users = api::invite_reps(target, &owner, n.div_ceil(per_user.max(1))).await?;
    let cookies: Vec<String> = users.iter().map(Session::cookie_header).collect::<Result<_, _>>()?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = stats::rss_kib(server_pid)?;
    let conns_before = target.open_connections().await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let dropped = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let results: Vec<Result<(), String>> = stream::iter(0..n)
        .map(|i| {
            let cookie = &cookies[i / per_user.max(1)];
            let mut stop = stop_rx.clone();
            let dropped = dropped.clone();
            async move {
                let (mut ws, _) = ws::subscriber(target, cookie, ws::source_ip(i, common.source_ips)).await?;
                // Reading keeps answering the server's pings.
                tokio::spawn(async move {
                    loop {
                        tokio::select! {
                            m = ws.next() => match m {
                                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                                    dropped.fetch_add(1, Ordering::Relaxed);
                                    return;
                                }
                                Some(Ok(_)) => {}
                            },
                            _ = stop.changed() => {
                                let _ = ws.close(None).await;
                                return;
                            }
                        }
                    }
                });
                Ok(())
            }
        })
        .buffer_unordered(common.concurrency.max(1))
        .collect()
        .await;
    let open_secs = started.elapsed().as_secs_f64();
    let opened = results.iter().filter(|r| r.is_ok()).count();
    let failed = n - opened;
    let first_error = results.iter().find_map(|r| r.as_ref().err().cloned());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = stats::rss_kib(server_pid)?;
    let conns_after = target.open_connections().await?;
    let still_open = opened as u64 - dropped.load(Ordering::Relaxed);
    let per_conn = if opened > 0 { (rss_after as f64 - rss_before as f64) / opened as f64 } else { 0.0 };
    tokio::time::sleep(hold).await;
    let _ = stop_tx.send(true);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let result = json!({
        "bench": "idle",
        "requested": n,
        "opened": opened,
        "failed": failed,
        "first_error": first_error,
        "still_open": still_open,
        "open_seconds": open_secs,
        "server_ws_connections_before": conns_before,
        "server_ws_connections_after": conns_after,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "kib_per_connection": per_conn,
    });
    let summary = format!(
        "idle: opened {opened}/{n} in {open_secs:.1} s ({failed} failed{}), server reports {conns_after} open; \
         RSS {rss_before} -> {rss_after} KiB = {per_conn:.1} KiB per connection",
        first_error.map(|e| format!(", first: {e}")).unwrap_or_default()
    );
    Ok((result, summary))
}

/// One storm client's reconnect: recovered, exactly the missed events in
/// order, nothing more.
async fn resume(target: &Target, cookie: &str, src: std::net::IpAddr, since: i64, missed: u64) -> Result<Ws, String> {
    let mut ws = ws::connect(target, cookie, src).await?;
    ws::welcome(&mut ws).await?;
    if !ws::subscribe(&mut ws, since).await? {
        return Err("subscribed without recovered: true".into());
    }
    let mut chain = Chain::new(since);
    while chain.received < missed {
        let t = ws::next_text(&mut ws, Duration::from_secs(20)).await?;
        let m: ServerMsg = serde_json::from_str(&t).map_err(|e| e.to_string())?;
        if m.msg != "event" {
            return Err(format!("expected an event, got {t}"));
        }
        if !chain.accept(m.seq.unwrap_or(-1), m.prev) {
            return Err(chain.first_violation.unwrap_or_default());
        }
    }
    Ok(ws)
}

/// `storm`: N subscribers at a known seq disconnect, events happen, all
/// reconnect with `since`; each must get exactly what it missed, and the
/// `events` table must not be read.
pub async fn storm(
    target: &Target,
    n: usize,
    events: u64,
    database_url: Option<&str>,
    settle: (Duration, Duration),
    common: Common,
) -> Outcome {
    let t = Instant::now();
    let phase = |what: &str| eprintln!("storm: {:5.1} s {what}", t.elapsed().as_secs_f64());
    let per_user = common.per_user.unwrap_or(5000);
    let owner = api::signup_owner(target).await?;
    // What happens while the clients are away: deals shared with them move
    // (not role changes: those are kicks, which rightly make every node
    // forget the credentials it remembers).
    let users = api::invite_reps(target, &owner, n.div_ceil(per_user.max(1))).await?;
    let audience: Vec<String> = users.iter().map(|u| u.user_id.clone()).collect();
    let lanes = api::deal_lanes(&owner, common.lanes.min(8), &audience).await?;
    // The owner keeps one connection open throughout, so the workspace actor
    // (and its ring) is not a candidate for idle eviction.
    let (_keeper, _) = ws::subscriber(target, &owner.cookie_header()?, ws::source_ip(0, 1)).await?;
    let conns = connect_subscribers(target, &users, n, per_user, &common).await?;
    let since = conns.iter().map(|c| c.1).max().unwrap_or(0);
    phase(&format!("{} clients subscribed at seq {since}", conns.len()));
    stream::iter(conns)
        .for_each_concurrent(common.concurrency.max(1), |(mut ws, _)| async move {
            let _ = ws.close(None).await;
        })
        .await;
    let gone_by = Instant::now() + Duration::from_secs(20);
    while target.open_connections().await? > 1 && Instant::now() < gone_by {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let written = api::write(&owner, lanes, Budget::Count(events)).await?;
    let missed = written.ok();
    phase(&format!("all closed; {missed} events written"));
    let before = match database_url {
        Some(url) => {
            tokio::time::sleep(settle.0).await;
            Some(stats::pg_events(url).await?)
        }
        None => None,
    };
    let cookies: Vec<String> = users.iter().map(Session::cookie_header).collect::<Result<_, _>>()?;
    let handshakes_before = target.handshakes().await?;
    let started = Instant::now();
    let results: Vec<Result<Ws, String>> = stream::iter(0..n)
        .map(|i| {
            let cookie = &cookies[i / per_user.max(1)];
            resume(target, cookie, ws::source_ip(i + 7, common.source_ips), since, missed)
        })
        .buffer_unordered(common.concurrency.max(1))
        .collect()
        .await;
    let storm_secs = started.elapsed().as_secs_f64();
    let handshakes_after = target.handshakes().await?;
    let (by_database, by_memory) = (handshakes_after.0 - handshakes_before.0, handshakes_after.1 - handshakes_before.1);
    phase("all reconnected");
    let mut ok_clients = Vec::new();
    let mut failed = 0usize;
    let mut first_error = None;
    for r in results {
        match r {
            Ok(ws) => ok_clients.push(ws),
            Err(e) => {
                failed += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    // Nothing may follow the replay: no duplicate, no extra event. All
    // clients wait out the same 300 ms window at once.
    let extra = Arc::new(AtomicU64::new(0));
    stream::iter(ok_clients)
        .for_each_concurrent(None, |mut ws| {
            let extra = extra.clone();
            async move {
                if ws::next_text(&mut ws, Duration::from_millis(300)).await.is_ok() {
                    extra.fetch_add(1, Ordering::Relaxed);
                }
                let _ = ws.send(Message::Close(None)).await;
            }
        })
        .await;
    let extra = extra.load(Ordering::Relaxed);
    let pg = match (database_url, before) {
        (Some(url), Some(before)) => {
            tokio::time::sleep(settle.1).await;
            Some(stats::pg_events(url).await?.delta(&before))
        }
        _ => None,
    };
    let from_memory = pg.map(|d| d.seq_scan == 0 && d.idx_scan == 0);
    let result = json!({
        "bench": "storm",
        "clients": n,
        "events_missed": missed,
        "write_errors": written.errors(),
        "reconnect_seconds": storm_secs,
        "clients_exact": n - failed,
        "clients_failed": failed,
        "first_error": first_error,
        "clients_with_extra_messages": extra,
        "pg_delta_during_replay": pg,
        "events_table_untouched": from_memory,
        "handshakes_checked_in_database": by_database,
        "handshakes_checked_in_memory": by_memory,
    });
    let summary = format!(
        "storm: {n} clients missed {missed} events; reconnected in {storm_secs:.2} s; {}/{n} got exactly the missed \
         events in order ({failed} failed{}), {extra} got something extra; credentials checked in memory \
         {by_memory}, in the database {by_database}; events table during replay: {}",
        n - failed,
        first_error.map(|e| format!(", first: {e}")).unwrap_or_default(),
        match pg {
            Some(d) => format!(
                "seq_scan +{}, idx_scan +{}, tuples read +{} (db xact_commit +{}, tup_returned +{})",
                d.seq_scan,
                d.idx_scan,
                d.seq_tup_read + d.idx_tup_fetch,
                d.xact_commit,
                d.tup_returned
            ),
            None => "not checked (no --database-url)".into(),
        }
    );
    Ok((result, summary))
}
