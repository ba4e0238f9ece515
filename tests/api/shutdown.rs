//! The real binary: start-up errors and graceful shutdown.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{fresh_database, TestApp};
use crate::ws::{connect, WsAuth};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[actix_web::test]
async fn sigterm_closes_streams_with_1001_and_exits_0() {
    let db = fresh_database().await;
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pulse"))
        .env("DATABASE_URL", &db)
        .env("PULSE_LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("REDIS_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let app = TestApp { address: format!("http://127.0.0.1:{port}"), port, database_url: db };
    let mut ready = false;
    for _ in 0..100 {
        if reqwest::get(format!("{}/readyz", app.address)).await.is_ok_and(|r| r.status().is_success()) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "pulse became ready");
    let ann = app.signup("ann@example.com", "Acme").await;
    let mut ws = connect(&app, WsAuth::Cookie(&ann.browser, Some(&app.address)), false).await.unwrap();
    ws.welcome().await;
    let metrics = ann.browser.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("pulse_ws_connections 1"), "{metrics}");
    assert!(metrics.contains("pulse_workspace_actors 1"), "{metrics}");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert_eq!(ws.closed_with(Duration::from_secs(5)).await, Some(1001));
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("pulse did not exit within 10 s of SIGTERM")
    });
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn an_unreachable_database_is_a_clear_message_not_a_panic() {
    let out = Command::new(env!("CARGO_BIN_EXE_pulse"))
        .env("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{}/pulse", free_port()))
        .env("PULSE_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not connect to PostgreSQL at postgres@127.0.0.1:"), "{err}");
    assert!(err.contains("pg_ctlcluster"), "says how to start PostgreSQL: {err}");
    assert!(!err.contains("panicked"), "{err}");
}
