//! Setting up a workspace through Pulse's public HTTP API (no SQL): an owner
//! who signs up, members who join by invitation, and the two writes the
//! benchmarks repeat: `PATCH /api/v1/members/{id}` flipping rep <-> viewer
//! (a plain transaction), and `PUT /api/v1/deals/{id}/stage` moving a deal
//! between two stages (the workspace actor's group commit).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use reqwest::cookie::{CookieStore, Jar};
use serde_json::{json, Value};

/// Every account the load generator creates has this password.
const PASSWORD: &str = "loadgen password 0123";

/// The Pulse under test.
#[derive(Clone)]
pub struct Target {
    /// `http://host:port`, no trailing slash; also sent as `Origin`.
    pub base: String,
    /// The resolved server socket address, for WebSocket connections.
    pub addr: SocketAddr,
}

impl Target {
    pub async fn new(url: &str) -> Result<Target, String> {
        let base = url.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&base).map_err(|e| format!("--url {base}: {e}"))?;
        let host = parsed.host_str().ok_or("--url has no host")?;
        let port = parsed.port_or_known_default().ok_or("--url has no port")?;
        let addr = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("resolve {host}: {e}"))?
            .find(|a| a.is_ipv4())
            .ok_or("no IPv4 address for --url")?;
        Ok(Target { base, addr })
    }

    /// Plain GET of a text resource such as `/metrics`.
    pub async fn get_text(&self, path: &str) -> Result<String, String> {
        let res = reqwest::get(format!("{}{path}", self.base)).await.map_err(|e| e.to_string())?;
        res.text().await.map_err(|e| e.to_string())
    }

    /// One sample from `/metrics`, named with its labels.
    pub async fn metric(&self, series: &str) -> Result<u64, String> {
        let text = self.get_text("/metrics").await?;
        let prefix = format!("{series} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("no {series} in /metrics"))
    }

    /// `pulse_ws_connections` from `/metrics`.
    pub async fn open_connections(&self) -> Result<u64, String> {
        self.metric("pulse_ws_connections").await
    }

    /// WebSocket handshakes whose credential was checked in the database
    /// and in the server's memory, so far.
    pub async fn handshakes(&self) -> Result<(u64, u64), String> {
        let database = self.metric("pulse_stream_handshakes_total{credential=\"database\"}").await?;
        let memory = self.metric("pulse_stream_handshakes_total{credential=\"memory\"}").await?;
        Ok((database, memory))
    }
}

/// A signed-in browser: its own cookie jar and CSRF token.
#[derive(Clone)]
pub struct Session {
    pub user_id: String,
    pub http: reqwest::Client,
    pub csrf: String,
    jar: Arc<Jar>,
    pub base: String,
}

impl Session {
    fn fresh(target: &Target) -> Result<(reqwest::Client, Arc<Jar>), String> {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        let _ = target;
        Ok((http, jar))
    }

    /// The `Cookie` header for a WebSocket handshake as this user.
    pub fn cookie_header(&self) -> Result<String, String> {
        let url = url::Url::parse(&self.base).map_err(|e| e.to_string())?;
        let value = self.jar.cookies(&url).ok_or("no session cookie")?;
        value.to_str().map(str::to_owned).map_err(|e| e.to_string())
    }

    pub async fn send(&self, rb: reqwest::RequestBuilder, body: &Value) -> Result<Value, String> {
        let res = rb
            .header("origin", &self.base)
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status();
        let text = res.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("HTTP {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
    }
}

/// Signs up a new owner with a random email and their own workspace.
pub async fn signup_owner(target: &Target) -> Result<Session, String> {
    let (http, jar) = Session::fresh(target)?;
    let email = format!("owner-{}@loadgen.invalid", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": PASSWORD, "name": "Load Owner", "workspace_name": "Loadgen"});
    let mut s = Session { user_id: String::new(), http, csrf: String::new(), jar, base: target.base.clone() };
    let v = s.send(s.http.post(format!("{}/api/v1/auth/signup", target.base)), &body).await?;
    s.user_id = v["user"]["id"].as_str().ok_or("signup: no user id")?.to_owned();
    s.csrf = v["csrf_token"].as_str().ok_or("signup: no csrf token")?.to_owned();
    Ok(s)
}

/// Invites a new rep into the owner's workspace and accepts from a fresh
/// cookie jar, which creates the account and signs it in.
pub async fn invite_rep(target: &Target, owner: &Session) -> Result<Session, String> {
    let email = format!("rep-{}@loadgen.invalid", uuid::Uuid::new_v4().simple());
    let inv = owner
        .send(owner.http.post(format!("{}/api/v1/invitations", target.base)), &json!({"email": email, "role": "rep"}))
        .await?;
    let token = inv["token"].as_str().ok_or("invitation: no token")?;
    let (http, jar) = Session::fresh(target)?;
    let mut s = Session { user_id: String::new(), http, csrf: String::new(), jar, base: target.base.clone() };
    let url = format!("{}/api/v1/invitations/{token}/accept", target.base);
    let v = s.send(s.http.post(url), &json!({"name": "Load Rep", "password": PASSWORD})).await?;
    s.user_id = v["user"]["id"].as_str().ok_or("accept: no user id")?.to_owned();
    s.csrf = v["csrf_token"].as_str().ok_or("accept: no csrf token")?.to_owned();
    Ok(s)
}

/// `n` new reps, a few accepted at a time (each accept hashes a password).
pub async fn invite_reps(target: &Target, owner: &Session, n: usize) -> Result<Vec<Session>, String> {
    let all: Vec<Result<Session, String>> =
        stream::iter(0..n).map(|_| invite_rep(target, owner)).buffer_unordered(8).collect().await;
    all.into_iter().collect()
}

/// What a lane writes.
#[derive(Clone)]
enum LaneKind {
    /// Flip a member's role.
    Member,
    /// Move a deal back and forth between two stages.
    Deal { stages: [String; 2] },
}

/// One member whose role the writer flips, or one deal it moves. A lane
/// has at most one request in flight, so the n-th event about its subject
/// answers its n-th successful request.
pub struct Lane {
    /// The member's user id or the deal's id (the event's subject).
    pub user_id: String,
    kind: LaneKind,
    viewer: bool,
    /// When each successful request was about to be sent, in order.
    pub sent: Vec<Instant>,
    /// The HTTP round trip of each successful request.
    pub rtts: Vec<Duration>,
    pub errors: u64,
    pub first_error: Option<String>,
}

impl Lane {
    pub fn new(user_id: String) -> Lane {
        Lane {
            user_id,
            kind: LaneKind::Member,
            viewer: false,
            sent: Vec::new(),
            rtts: Vec::new(),
            errors: 0,
            first_error: None,
        }
    }

    /// A lane moving `deal` between `stages`, starting in the first.
    pub fn deal(deal: String, stages: [String; 2]) -> Lane {
        Lane { kind: LaneKind::Deal { stages }, ..Lane::new(deal) }
    }

    /// Flips this member's role, or moves this deal to its other stage;
    /// every flip is a real change, so it emits exactly one event when it
    /// succeeds.
    pub async fn flip(&mut self, owner: &Session) {
        let (rb, body) = match &self.kind {
            LaneKind::Member => {
                let role = if self.viewer { "rep" } else { "viewer" };
                (owner.http.patch(format!("{}/api/v1/members/{}", owner.base, self.user_id)), json!({ "role": role }))
            }
            LaneKind::Deal { stages } => {
                let to = &stages[usize::from(!self.viewer)];
                (
                    owner.http.put(format!("{}/api/v1/deals/{}/stage", owner.base, self.user_id)),
                    json!({ "stage_id": to }),
                )
            }
        };
        let t0 = Instant::now();
        match owner.send(rb, &body).await {
            Ok(_) => {
                self.rtts.push(t0.elapsed());
                self.sent.push(t0);
                self.viewer = !self.viewer;
            }
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }
}

/// `n` deals in the first stage of the owner's first pipeline, shared with
/// `audience` (so reps subscribed as those users see their events), each
/// a lane moving between the first two stages.
pub async fn deal_lanes(owner: &Session, n: usize, audience: &[String]) -> Result<Vec<Lane>, String> {
    let res = owner.http.get(format!("{}/api/v1/pipelines", owner.base)).send().await.map_err(|e| e.to_string())?;
    let v: Value = res.json().await.map_err(|e| e.to_string())?;
    let stage = |i: usize| v["pipelines"][0]["stages"][i]["id"].as_str().map(str::to_owned).ok_or("no stages");
    let stages = [stage(0)?, stage(1)?];
    let all: Vec<Result<Lane, String>> = stream::iter(0..n)
        .map(|i| {
            let body = json!({"title": format!("Load deal {i}"), "amount": 1000 + i, "stage_id": stages[0], "shared_with": audience});
            let stages = stages.clone();
            async move {
                let d = owner.send(owner.http.post(format!("{}/api/v1/deals", owner.base)), &body).await?;
                let id = d["id"].as_str().ok_or("create deal: no id")?.to_owned();
                Ok(Lane::deal(id, stages))
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    all.into_iter().collect()
}

/// What a writer run did.
pub struct Written {
    pub lanes: Vec<Lane>,
    pub elapsed: Duration,
    /// Requests that could not start on schedule because every lane was busy.
    pub late: u64,
}

impl Written {
    pub fn ok(&self) -> u64 {
        self.lanes.iter().map(|l| l.sent.len() as u64).sum()
    }
    pub fn errors(&self) -> u64 {
        self.lanes.iter().map(|l| l.errors).sum()
    }
    pub fn first_error(&self) -> Option<&str> {
        self.lanes.iter().find_map(|l| l.first_error.as_deref())
    }
}

/// How many writes to issue.
pub enum Budget {
    /// Open loop: one request every `1/rate` s for `duration`.
    Paced { rate: f64, duration: Duration },
    /// As fast as the lanes allow for `duration`.
    Flat { duration: Duration },
    /// Exactly this many requests, as fast as the lanes allow.
    Count(u64),
}

/// Runs the writer over `lanes` concurrent members.
pub async fn write(owner: &Session, lanes: Vec<Lane>, budget: Budget) -> Result<Written, String> {
    let n = lanes.len();
    let (tx, mut free) = tokio::sync::mpsc::channel::<Lane>(n.max(1));
    for l in lanes {
        tx.send(l).await.map_err(|_| "lane channel closed")?;
    }
    let start = Instant::now();
    let mut issued: u64 = 0;
    let mut late: u64 = 0;
    loop {
        let due = match &budget {
            Budget::Paced { rate, duration } => {
                let due = Duration::from_secs_f64(issued as f64 / rate);
                // Stop at the end of the window even when the server could
                // not keep up and the schedule fell behind.
                if due >= *duration || start.elapsed() >= *duration {
                    break;
                }
                tokio::time::sleep_until((start + due).into()).await;
                Some(start + due)
            }
            Budget::Flat { duration } => {
                if start.elapsed() >= *duration {
                    break;
                }
                None
            }
            Budget::Count(c) => {
                if issued >= *c {
                    break;
                }
                None
            }
        };
        let mut lane = free.recv().await.ok_or("lane channel closed")?;
        if due.is_some_and(|d| d.elapsed() > Duration::from_millis(1)) {
            late += 1;
        }
        let owner = owner.clone();
        let back = tx.clone();
        tokio::spawn(async move {
            lane.flip(&owner).await;
            let _ = back.send(lane).await;
        });
        issued += 1;
    }
    let mut lanes = Vec::with_capacity(n);
    while lanes.len() < n {
        lanes.push(free.recv().await.ok_or("lane channel closed")?);
    }
    Ok(Written { lanes, elapsed: start.elapsed(), late })
}
