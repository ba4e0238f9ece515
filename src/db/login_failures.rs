//! Failed logins, counted per account and per IP over a sliding window.

use deadpool_postgres::GenericClient;

/// The window login throttling looks at.
pub const WINDOW_SECS: f64 = 15.0 * 60.0;

pub async fn insert_failure(c: &impl GenericClient, email: &str, ip: &str) -> Result<(), tokio_postgres::Error> {
    c.execute("INSERT INTO login_failures (email, ip) VALUES (lower($1), $2)", &[&email, &ip]).await?;
    Ok(())
}

/// Failures in the window for this account and for this IP, and the
/// seconds until the oldest counted failure leaves the window.
pub async fn select_recent_failures(
    c: &impl GenericClient,
    email: &str,
    ip: &str,
) -> Result<(i64, i64, i64, i64), tokio_postgres::Error> {
    let r = c
        .query_one(
            "WITH w AS (SELECT now() - make_interval(secs => $3) AS since)
             SELECT
               (SELECT count(*) FROM login_failures, w WHERE lower(email) = lower($1) AND at > w.since),
               (SELECT count(*) FROM login_failures, w WHERE ip = $2 AND at > w.since),
               COALESCE((SELECT ceil(extract(epoch FROM (min(at) + make_interval(secs => $3) - now())))::bigint
                         FROM login_failures, w WHERE lower(email) = lower($1) AND at > w.since), 0),
               COALESCE((SELECT ceil(extract(epoch FROM (min(at) + make_interval(secs => $3) - now())))::bigint
                         FROM login_failures, w WHERE ip = $2 AND at > w.since), 0)",
            &[&email, &ip, &WINDOW_SECS],
        )
        .await?;
    Ok((r.get(0), r.get(1), r.get(2), r.get(3)))
}

/// Forgets an account's failures after a successful login.
pub async fn delete_failures(c: &impl GenericClient, email: &str) -> Result<(), tokio_postgres::Error> {
    c.execute("DELETE FROM login_failures WHERE lower(email) = lower($1)", &[&email]).await?;
    Ok(())
}

/// Forgets failures older than the window (they no longer count).
pub async fn delete_old_failures(c: &impl GenericClient) -> Result<u64, tokio_postgres::Error> {
    c.execute("DELETE FROM login_failures WHERE at < now() - make_interval(secs => $1)", &[&WINDOW_SECS]).await
}
