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
//! SMTP with or without TLS, from the URL (`PULSE_SMTP_URL`):
//!
//! | URL | Connection | Default port |
//! |---|---|---|
//! | `smtp://host` | plain SMTP (a local relay) | 25 |
//! | `smtp://host?tls=starttls` (or `tls=required`) | STARTTLS, refused when the server does not offer it | 587 |
//! | `smtp://host?tls=opportunistic` | STARTTLS when offered, else plain | 25 |
//! | `smtps://host` | implicit TLS from the first byte | 465 |
//!
//! TLS is rustls (on the `ring` provider) and checks the server's
//! certificate against the Mozilla roots compiled into the binary, plus
//! the PEM file of `PULSE_SMTP_CA_FILE` (a private CA) when given.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{GenericClient, Pool};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

use crate::db::notifications::{self as db, EmailInsert, TemplateRow};
use crate::scheduler::Clock;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// No TLS (`smtp://`): for a relay on the same host or network.
    Plain,
    /// STARTTLS if the server offers it, plain otherwise (`?tls=opportunistic`).
    Opportunistic,
    /// STARTTLS, required (`?tls=starttls` or `?tls=required`).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// An SMTP server, parsed from `PULSE_SMTP_URL`. `Debug` never shows the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User and password, percent-decoded.
    credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .finish_non_exhaustive()
    }
}

impl SmtpConfig {
    /// Parses `smtp://[user:password@]host[:port][?tls=starttls|required|opportunistic|none]`
    /// or `smtps://[user:password@]host[:port]`; the message says what is
    /// wrong (never the password).
    pub fn parse(smtp_url: &str) -> Result<Self, String> {
        let url = url::Url::parse(smtp_url).map_err(|e| format!("PULSE_SMTP_URL is not a URL: {e}"))?;
        let implicit = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(format!("PULSE_SMTP_URL must start with smtp:// or smtps://, not {other}://")),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("PULSE_SMTP_URL names no host")?;
        // An IPv6 literal comes bracketed; the TLS server name and the
        // socket address want it bare.
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
            return Err("PULSE_SMTP_URL takes no path or fragment".into());
        }
        let mut tls = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "tls" if tls.is_none() => tls = Some(value.into_owned()),
                "tls" => return Err("PULSE_SMTP_URL names tls twice".into()),
                other => return Err(format!("PULSE_SMTP_URL: unknown parameter `{other}` (only `tls`)")),
            }
        }
        let security = match (implicit, tls.as_deref()) {
            (true, None) => SmtpSecurity::Implicit,
            (true, Some(_)) => return Err("PULSE_SMTP_URL: smtps:// is always TLS; `tls` is for smtp://".into()),
            (false, None | Some("none")) => SmtpSecurity::Plain,
            (false, Some("starttls" | "required")) => SmtpSecurity::StartTls,
            (false, Some("opportunistic")) => SmtpSecurity::Opportunistic,
            (false, Some(other)) => {
                return Err(format!(
                    "PULSE_SMTP_URL: tls={other} is not one of starttls, required, opportunistic, none"
                ))
            }
        };
        let default_port = match security {
            SmtpSecurity::Implicit => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Plain | SmtpSecurity::Opportunistic => 25,
        };
        let credentials = (!url.username().is_empty())
            .then(|| (percent_decode(url.username()), percent_decode(url.password().unwrap_or(""))));
        Ok(Self { host, port: url.port().unwrap_or(default_port), security, credentials })
    }
}

/// Sends email over one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    config: Arc<SmtpConfig>,
}

impl Mailer {
    /// Parses the SMTP URL (see [`SmtpConfig::parse`]) and the sender
    /// address; TLS trusts the Mozilla roots.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("PULSE_SMTP_FROM is not an address: {e}"))?;
        let config = SmtpConfig::parse(smtp_url)?;
        Ok(Self { transport: transport(&config, &[])?, from, config: Arc::new(config) })
    }

    /// This mailer, also trusting the CA certificates of a PEM file (for a
    /// relay with a private CA); `None` changes nothing.
    pub fn with_ca_file(self, path: Option<&Path>) -> Result<Self, String> {
        let Some(path) = path else { return Ok(self) };
        let pem = std::fs::read(path).map_err(|e| format!("PULSE_SMTP_CA_FILE {}: {e}", path.display()))?;
        self.with_root_certificates(&pem)
    }

    /// This mailer, also trusting the CA certificates in `pem`.
    pub fn with_root_certificates(self, pem: &[u8]) -> Result<Self, String> {
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err("no PEM certificate (-----BEGIN CERTIFICATE-----) found".into());
        }
        let cert = Certificate::from_pem(pem).map_err(|e| format!("not PEM certificates: {e}"))?;
        Ok(Self { transport: transport(&self.config, &[cert])?, ..self })
    }

    /// The server and how the connection is secured.
    pub fn config(&self) -> &SmtpConfig {
        &self.config
    }

    /// Sends one message: `text/html` or else plain text.
    pub async fn send(&self, to: &str, subject: &str, body: &str, html: bool) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("invalid recipient address: {e}"))?;
        let content_type = if html { ContentType::TEXT_HTML } else { ContentType::TEXT_PLAIN };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(content_type)
            .body(body.to_owned())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
    }
}

/// The transport for `config`, trusting `extra_roots` besides the Mozilla roots.
fn transport(config: &SmtpConfig, extra_roots: &[Certificate]) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
        .port(config.port)
        .timeout(Some(Duration::from_secs(20)));
    if config.security != SmtpSecurity::Plain {
        let mut params = TlsParameters::builder(config.host.clone());
        for cert in extra_roots {
            params = params.add_root_certificate(cert.clone());
        }
        let params = params.build_rustls().map_err(|e| format!("TLS settings: {e}"))?;
        builder = builder.tls(match config.security {
            SmtpSecurity::Implicit => Tls::Wrapper(params),
            SmtpSecurity::StartTls => Tls::Required(params),
            SmtpSecurity::Opportunistic | SmtpSecurity::Plain => Tls::Opportunistic(params),
        });
    }
    if let Some((user, pass)) = &config.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
    }
    Ok(builder.build())
}

/// Decodes a URL's user or password. `+` stays `+` (userinfo is not a form).
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
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
        let html = row.content_type == "text/html";
        match mailer.send(&row.to_address, &row.subject, &row.body, html).await {
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
    fill(template, values, escape_html)
}

/// Fills a plain-text template: values as they are, less control
/// characters other than line breaks and tabs.
pub fn render_text(template: &str, values: &HashMap<String, String>) -> String {
    fill(template, values, |v| v.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect())
}

/// Fills a subject (one line of plain text): every control character of
/// a value, line breaks included, becomes a space, so no value can start
/// a new header line; at most 300 characters.
pub fn render_subject(template: &str, values: &HashMap<String, String>) -> String {
    let line = fill(template, values, |v| v.chars().map(|c| if c.is_control() { ' ' } else { c }).collect());
    line.trim().chars().take(300).collect()
}

fn fill(template: &str, values: &HashMap<String, String>, value: impl Fn(&str) -> String) -> String {
    pieces(template)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_owned(),
            Piece::Placeholder(n) => values.get(n).map(|v| value(v)).unwrap_or_default(),
        })
        .collect()
}

/// Whether a template body is HTML: its own text (placeholders aside)
/// holds a tag, a comment or a doctype (`<p`, `</`, `<!`). Such a body is
/// sent as `text/html` with escaped values; any other as plain text.
pub fn is_html(template: &str) -> bool {
    pieces(template).into_iter().any(|p| match p {
        Piece::Text(t) => t
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!')),
        Piece::Placeholder(_) => false,
    })
}

/// A templated email, rendered for its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
    /// `text/html` or `text/plain`.
    pub content_type: &'static str,
}

/// Renders a template: the subject as one line of text, the body as HTML
/// with escaped values when it is HTML ([`is_html`]), else as plain text.
/// An empty subject becomes the template's name.
pub fn render_template(template: &TemplateRow, values: &HashMap<String, String>) -> Rendered {
    let subject = render_subject(&template.subject, values);
    let subject = if subject.is_empty() { template.name.chars().take(300).collect() } else { subject };
    if is_html(&template.body) {
        Rendered { subject, body: render(&template.body, values), content_type: "text/html" }
    } else {
        Rendered { subject, body: render_text(&template.body, values), content_type: "text/plain" }
    }
}

/// Queues a templated email with id `id` (nurture calls this inside its
/// transaction). `dedupe_key` (`nurture:{record}:{stage}`) makes it at
/// most once: `Ok(false)` when that key was already queued.
pub async fn queue_templated(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
    template: &TemplateRow,
    to_address: &str,
    values: &HashMap<String, String>,
    dedupe_key: &str,
) -> Result<bool, tokio_postgres::Error> {
    let r = render_template(template, values);
    let mail = EmailInsert {
        recipient_id: None,
        to_address,
        subject: &r.subject,
        body: &r.body,
        kind: "nurture",
        dedupe_key: Some(dedupe_key),
    };
    db::insert_email_as(c, ws, id, &mail, r.content_type).await
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
    fn smtp_urls_name_the_server_and_how_it_is_secured() {
        use SmtpSecurity::*;
        let cases = [
            ("smtp://127.0.0.1:2525", "127.0.0.1", 2525, Plain, "a plain relay on its port"),
            ("smtp://relay.local", "relay.local", 25, Plain, "plain defaults to 25"),
            ("smtp://relay.local?tls=none", "relay.local", 25, Plain, "tls=none is plain"),
            ("smtp://mail.example.com?tls=starttls", "mail.example.com", 587, StartTls, "STARTTLS on 587"),
            ("smtp://mail.example.com:2587/?tls=required", "mail.example.com", 2587, StartTls, "required = starttls"),
            ("smtp://mail.example.com?tls=opportunistic", "mail.example.com", 25, Opportunistic, "opportunistic"),
            ("smtps://mail.example.com", "mail.example.com", 465, Implicit, "implicit TLS on 465"),
            ("smtps://u:p@[::1]:1465", "::1", 1465, Implicit, "an IPv6 literal, bare"),
        ];
        for (url, host, port, security, why) in cases {
            let c = SmtpConfig::parse(url).unwrap_or_else(|e| panic!("{why}: {e}"));
            assert_eq!((c.host.as_str(), c.port, c.security), (host, port, security), "{why}");
        }
        let c = SmtpConfig::parse("smtps://me%40example.com:p%40ss+word@mail.example.com");
        let creds = c.as_ref().ok().and_then(|c| c.credentials.clone());
        assert_eq!(creds, Some(("me@example.com".to_owned(), "p@ss+word".to_owned())));
        assert!(!format!("{c:?}").contains("ss+word"), "Debug hides the password: {c:?}");
    }

    #[test]
    fn bad_smtp_urls_are_refused_with_a_reason() {
        for (url, says) in [
            ("http://mail.example.com", "smtp:// or smtps://"),
            ("smtp://", "no host"),
            ("smtp://mail.example.com?tls=yes", "tls=yes"),
            ("smtp://mail.example.com?tls=starttls&tls=none", "twice"),
            ("smtp://mail.example.com?timeout=3", "unknown parameter"),
            ("smtps://mail.example.com?tls=starttls", "always TLS"),
            ("smtp://mail.example.com/path", "no path"),
            ("not a url", "not a URL"),
        ] {
            let e = SmtpConfig::parse(url).err().unwrap_or_default();
            assert!(e.contains(says), "{url}: {e:?}");
        }
        assert!(Mailer::new("smtp://mail.local", "not an address").is_err());
        assert!(Mailer::new("smtps://mail.local", "Pulse <pulse@example.com>").is_ok(), "TLS is built in");
        let m = Mailer::new("smtps://mail.local", "pulse@example.com");
        assert!(m.is_ok_and(|m| m.with_root_certificates(b"not pem").is_err()));
    }

    fn template(subject: &str, body: &str) -> TemplateRow {
        TemplateRow {
            id: Uuid::nil(),
            name: "Welcome".into(),
            subject: subject.into(),
            body: body.into(),
            stage_id: None,
            lead_status: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn each_part_of_a_templated_email_is_escaped_for_its_context() {
        let v = values(&[("name", "Ann <b>& Co</b>\r\nBcc: x@evil.test"), ("deal", "Q&A")]);
        let html = render_template(&template("Hi {{name}}", "<p>Dear {{name}}, about {{deal}}</p>"), &v);
        assert_eq!(html.content_type, "text/html");
        assert_eq!(html.subject, "Hi Ann <b>& Co</b>  Bcc: x@evil.test", "one line, not HTML");
        assert_eq!(html.body, "<p>Dear Ann &lt;b&gt;&amp; Co&lt;/b&gt;\r\nBcc: x@evil.test, about Q&amp;A</p>");
        let text = render_template(&template("{{missing}}", "Dear {{name}},\n\n1 < 2 & {{deal}}"), &v);
        assert_eq!(text.content_type, "text/plain", "`1 < 2` is no tag");
        assert_eq!(text.subject, "Welcome", "an empty subject is the template's name");
        assert_eq!(text.body, "Dear Ann <b>& Co</b>\nBcc: x@evil.test,\n\n1 < 2 & Q&A");
        assert!(!is_html("{{name}} <3, 1<2"), "hearts and comparisons are text");
        assert!(is_html("{{<p>}}"), "braces that name no placeholder are the template's own text");
        assert!(is_html("<!doctype html>") && is_html("a</b>"));
    }
}
