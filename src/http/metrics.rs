//! Prometheus metrics in text exposition format: request counts and
//! latency histograms by route pattern, method and status. The `/metrics`
//! handler appends the gauges (pool usage, WebSocket and actor figures).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request series keyed by (route pattern, method, status).
type RequestSeries = BTreeMap<(String, String, u16), Series>;

/// How a WebSocket handshake's credential was resolved.
#[derive(Debug, Clone, Copy)]
pub enum HandshakeAuth {
    /// From the node's memory of stream credentials: no database query.
    Memory,
    /// A session cookie or token looked up in the database.
    Database,
    /// A single-use ticket redeemed in the database.
    Ticket,
}

/// Shared metric registry.
#[derive(Clone, Default)]
pub struct Metrics {
    requests: Arc<Mutex<RequestSeries>>,
    /// Accepted credentials of WebSocket handshakes, by [`HandshakeAuth`].
    handshakes: Arc<[AtomicU64; 3]>,
}

impl Metrics {
    pub fn handshake(&self, how: HandshakeAuth) {
        self.handshakes[how as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let Ok(mut map) = self.requests.lock() else {
            return;
        };
        let s = map.entry((route.to_owned(), method.to_owned(), status)).or_default();
        s.count += 1;
        s.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                s.buckets[i] += 1;
            }
        }
    }

    /// The whole registry in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP pulse_http_requests_total HTTP requests by route, method and status.\n");
        out.push_str("# TYPE pulse_http_requests_total counter\n");
        let snapshot = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        for ((route, method, status), s) in &snapshot {
            let _ = writeln!(
                out,
                "pulse_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {}",
                esc(route),
                s.count
            );
        }
        out.push_str("# HELP pulse_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE pulse_http_request_duration_seconds histogram\n");
        for ((route, method, status), s) in &snapshot {
            let labels = format!("route=\"{}\",method=\"{method}\",status=\"{status}\"", esc(route));
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "pulse_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(out, "pulse_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "pulse_http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
            let _ = writeln!(out, "pulse_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        out.push_str("# HELP pulse_stream_handshakes_total WebSocket handshakes whose credential was accepted, by where it was checked.\n");
        out.push_str("# TYPE pulse_stream_handshakes_total counter\n");
        for (how, label) in [
            (HandshakeAuth::Memory, "memory"),
            (HandshakeAuth::Database, "database"),
            (HandshakeAuth::Ticket, "ticket"),
        ] {
            let n = self.handshakes[how as usize].load(Ordering::Relaxed);
            let _ = writeln!(out, "pulse_stream_handshakes_total{{credential=\"{label}\"}} {n}");
        }
        out
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Middleware: times every request under its route pattern (never the raw
/// path, which would explode the label set).
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let start = Instant::now();
    let metrics = req.app_data::<web::Data<crate::state::AppState>>().map(|s| s.metrics.clone());
    let method = req.method().to_string();
    let res = next.call(req).await?;
    if let Some(m) = metrics {
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        m.observe(&route, &method, res.status().as_u16(), start.elapsed().as_secs_f64());
    }
    Ok(res)
}
