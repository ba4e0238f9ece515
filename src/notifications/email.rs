//! Email: the outbox, its SMTP sender, and the nurture templates.
//!
//! Every email is first a row of `email_outbox`, written in the
//! transaction of the change that caused it, so nothing is sent for a
//! change that rolled back and nothing is lost for one that committed.
//!
//! - With SMTP configured (`PULSE_SMTP_URL`), the sender task delivers due
//!   rows: one row at a time, locked with `FOR UPDATE SKIP LOCKED` so
//!   several nodes share the work without sending a row twice. A failed
//!   attempt is recorded (`attempts`, `last_error`) and retried after an
//!   exponential backoff ([`backoff`]); after `PULSE_EMAIL_MAX_ATTEMPTS`
//!   the row is `failed` for good. Owners see all of it in
//!   `GET /api/v1/outbox`.
//! - Without SMTP, rows stay `pending` and owners browse them there.
//!
//! Plain SMTP only (no TLS in this build, to keep it small): point it at
//! a local relay that forwards with TLS.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{GenericClient, Pool};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

use crate::db::notifications::{self as db, EmailInsert, TemplateRow};
use crate::scheduler::Clock;

/// An SMTP connection's settings, parsed from `smtp://[user:pass@]host[:port]`.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Parses the SMTP URL and the sender address; the message says what
    /// is wrong (never the password).
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        let url = url::Url::parse(smtp_url).map_err(|e| format!("PULSE_SMTP_URL is not a URL: {e}"))?;
        if url.scheme() != "smtp" {
            return Err("PULSE_SMTP_URL must start with smtp:// (TLS is not built in; use a local relay)".into());
        }
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("PULSE_SMTP_URL names no host")?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(url.port().unwrap_or(25))
            .timeout(Some(Duration::from_secs(20)));
        if !url.username().is_empty() {
            let user = percent_decode(url.username());
            let pass = percent_decode(url.password().unwrap_or(""));
            builder = builder.credentials(Credentials::new(user, pass));
        }
        let from: Mailbox = from.parse().map_err(|e| format!("PULSE_SMTP_FROM is not an address: {e}"))?;
        Ok(Self { transport: builder.build(), from })
    }

    /// Sends one plain-text message.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("invalid recipient address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// Delay before retry number `attempts` (1 = after the first failure):
/// 30 s, 1 min, 2 min... capped at one hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exp = attempts.clamp(1, 8) - 1;
    chrono::Duration::seconds((30_i64 << exp).min(3600))
}

/// What one delivery pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: u32,
    /// Attempts that failed and will be retried.
    pub retrying: u32,
    /// Emails given up on.
    pub failed: u32,
}

/// Delivers every email due now (at most `max` per pass).
pub async fn deliver_due(
    pool: &Pool,
    mailer: &Mailer,
    clock: &dyn Clock,
    max_attempts: i32,
    max: u32,
) -> Result<Delivered, String> {
    let mut done = Delivered::default();
    for _ in 0..max {
        let mut client = pool.get().await.map_err(|e| e.to_string())?;
        let tx = client.transaction().await.map_err(|e| e.to_string())?;
        let now = clock.now();
        let Some(row) = db::select_due_email_for_update(&tx, now).await.map_err(|e| e.to_string())? else {
            break;
        };
        match mailer.send(&row.to_address, &row.subject, &row.body).await {
            Ok(()) => {
                db::update_email_sent(&tx, row.id, clock.now()).await.map_err(|e| e.to_string())?;
                done.sent += 1;
            }
            Err(e) => {
                let attempts = row.attempts + 1;
                let retry_at = (attempts < max_attempts).then(|| clock.now() + backoff(attempts));
                tracing::warn!(email = %row.id, attempts, error = %e, "email delivery failed");
                db::update_email_attempt_failed(&tx, row.id, &e, retry_at).await.map_err(|e| e.to_string())?;
                if retry_at.is_some() {
                    done.retrying += 1;
                } else {
                    done.failed += 1;
                }
            }
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(done)
}

/// Runs [`deliver_due`] every `every` until aborted.
pub fn spawn_sender(
    pool: Pool,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    every: Duration,
    max_attempts: i32,
) -> tokio::task::JoinHandle<()> {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match deliver_due(&pool, &mailer, clock.as_ref(), max_attempts, 100).await {
                Ok(d) if d == Delivered::default() => {}
                Ok(d) => tracing::info!(sent = d.sent, retrying = d.retrying, failed = d.failed, "outbox delivered"),
                Err(e) => tracing::warn!(error = %e, "outbox delivery pass failed"),
            }
        }
    })
}

/// A piece of a template: literal text or a placeholder's name.
enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

/// Splits a template. A placeholder is `{{name}}` (spaces allowed inside
/// the braces) where the name is a lowercase identifier, dots allowed
/// (`contact.first_name`); any other `{{` is kept as text, so every
/// template is valid and renders what its author wrote.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut text_start = 0;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let closed = after.find("}}").map(|end| (end, after[..end].trim()));
        match closed {
            Some((end, name)) if is_name(name) => {
                let at = offset + start;
                if at > text_start {
                    out.push(Piece::Text(&template[text_start..at]));
                }
                out.push(Piece::Placeholder(name));
                let consumed = start + 2 + end + 2;
                offset += consumed;
                text_start = offset;
                rest = &rest[consumed..];
            }
            _ => {
                offset += start + 2;
                rest = &rest[start + 2..];
            }
        }
    }
    if text_start < template.len() {
        out.push(Piece::Text(&template[text_start..]));
    }
    out
}

/// The placeholders of a template, in order of appearance.
pub fn placeholders(template: &str) -> Vec<String> {
    pieces(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Placeholder(n) => Some(n.to_owned()),
            Piece::Text(_) => None,
        })
        .collect()
}

/// Escapes text for HTML (and so for HTML email bodies).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills a template: each placeholder becomes the HTML-escaped value (an
/// unknown name becomes nothing). The template's own text is the
/// workspace's and is kept as written.
pub fn render(template: &str, values: &HashMap<String, String>) -> String {
    pieces(template)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_owned(),
            Piece::Placeholder(n) => values.get(n).map(|v| escape_html(v)).unwrap_or_default(),
        })
        .collect()
}

/// Queues a templated email (the nurture features call this inside their
/// transaction). `dedupe_key` (e.g. `nurture:{record}:{stage}`) makes it
/// at most once: `Ok(false)` when that key was already queued.
pub async fn queue_templated(
    c: &impl GenericClient,
    ws: Uuid,
    template: &TemplateRow,
    to_address: &str,
    values: &HashMap<String, String>,
    dedupe_key: &str,
) -> Result<bool, String> {
    let subject = render(&template.subject, values);
    let body = render(&template.body, values);
    let mail = EmailInsert {
        recipient_id: None,
        to_address,
        subject: subject.trim(),
        body: &body,
        kind: "nurture",
        dedupe_key: Some(dedupe_key),
    };
    db::insert_email(c, ws, &mail).await.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn placeholders_are_filled_with_escaped_values() {
        let v = values(&[("contact.first_name", "<b>Ann</b> & \"co\""), ("deal", "X")]);
        let out = render("Hi {{ contact.first_name }}, about {{deal}}{{missing}}!", &v);
        assert_eq!(out, "Hi &lt;b&gt;Ann&lt;/b&gt; &amp; &quot;co&quot;, about X!");
    }

    #[test]
    fn braces_that_name_no_placeholder_are_kept_as_text() {
        let v = values(&[("name", "Ann")]);
        for (t, want) in [
            ("Hi {{name", "Hi {{name"),
            ("{{}} {{ Name }} {{na me}}", "{{}} {{ Name }} {{na me}}"),
            ("{{{{name}}}}", "{{Ann}}"),
            ("{{<script>}} {{name}}", "{{<script>}} Ann"),
            ("plain { text }", "plain { text }"),
        ] {
            assert_eq!(render(t, &v), want, "{t}");
        }
        assert_eq!(placeholders("{{a}} x {{ b.c_1 }} {{A}}"), vec!["a".to_owned(), "b.c_1".to_owned()]);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(3).num_seconds(), 120);
        assert_eq!(backoff(50).num_seconds(), 3600);
    }

    #[test]
    fn smtp_urls_are_checked() {
        assert!(Mailer::new("smtp://127.0.0.1:2525", "Pulse <pulse@example.com>").is_ok());
        assert!(Mailer::new("smtp://user:p%40ss@mail.local", "pulse@example.com").is_ok());
        assert!(Mailer::new("smtps://mail.local", "pulse@example.com").is_err());
        assert!(Mailer::new("smtp://mail.local", "not an address").is_err());
    }
}
