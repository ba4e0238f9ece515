//! SMTP over TLS against sinks the tests start: implicit TLS (`smtps://`)
//! and STARTTLS (`?tls=starttls`) with a certificate from a CA made here
//! and trusted through `with_root_certificates`; STARTTLS required but
//! not offered is refused; an unknown CA is refused. The outbox sends an
//! HTML nurture email as `text/html` over STARTTLS.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use pulse::notifications::email::{deliver_due, Mailer, SmtpSecurity};
use pulse::scheduler::ManualClock;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;
use uuid::Uuid;

use crate::helpers::spawn_app;

/// A CA's PEM and a server config whose certificate it signed, for
/// `localhost` and 127.0.0.1.
fn pki() -> (String, TlsAcceptor) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "Pulse test CA");
    let ca = ca.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let chain = vec![CertificateDer::from(leaf.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    (ca.pem(), TlsAcceptor::from(Arc::new(config)))
}

/// Speaks SMTP on `stream` until QUIT (false) or an accepted STARTTLS
/// (true), appending every line received to `transcript`.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    greet: bool,
    offer_starttls: bool,
    transcript: &mut String,
) -> bool {
    if greet {
        stream.get_mut().write_all(b"220 sink ESMTP\r\n").await.unwrap();
    }
    let mut in_data = false;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
            return false;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        transcript.push_str(&line);
        transcript.push('\n');
        if in_data {
            if line == "." {
                in_data = false;
                stream.get_mut().write_all(b"250 queued\r\n").await.unwrap();
            }
            continue;
        }
        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" if offer_starttls => b"250-sink\r\n250 STARTTLS\r\n",
            "EHLO" | "HELO" => b"250 sink\r\n",
            "STARTTLS" => {
                stream.get_mut().write_all(b"220 go ahead\r\n").await.unwrap();
                return true;
            }
            "DATA" => {
                in_data = true;
                b"354 go ahead\r\n"
            }
            "QUIT" => {
                let _ = stream.get_mut().write_all(b"221 bye\r\n").await;
                return false;
            }
            _ => b"250 ok\r\n",
        };
        stream.get_mut().write_all(reply).await.unwrap();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Sink {
    /// TLS from the first byte.
    Implicit,
    /// Plain, offering STARTTLS.
    StartTls,
    /// Plain, offering no STARTTLS.
    Plain,
}

/// Accepts one connection and returns the port and what it received
/// (in clear before STARTTLS, decrypted after).
async fn sink(kind: Sink, acceptor: TlsAcceptor) -> (u16, tokio::sync::oneshot::Receiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut transcript = String::new();
        match kind {
            Sink::Implicit => {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    converse(&mut BufReader::new(tls), true, false, &mut transcript).await;
                } else {
                    transcript.push_str("(handshake failed)\n");
                }
            }
            Sink::StartTls | Sink::Plain => {
                let mut plain = BufReader::new(tcp);
                if converse(&mut plain, true, kind == Sink::StartTls, &mut transcript).await {
                    let tls = acceptor.accept(plain.into_inner()).await.unwrap();
                    transcript.push_str("(TLS)\n");
                    converse(&mut BufReader::new(tls), false, false, &mut transcript).await;
                }
            }
        }
        let _ = tx.send(transcript);
    });
    (port, rx)
}

async fn received(rx: tokio::sync::oneshot::Receiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(10), rx).await.unwrap().unwrap()
}

#[actix_web::test]
async fn implicit_tls_delivers_to_a_server_whose_ca_is_trusted() {
    let (ca, acceptor) = pki();
    let (port, rx) = sink(Sink::Implicit, acceptor).await;
    let mailer = Mailer::new(&format!("smtps://localhost:{port}"), "Pulse <pulse@acme.test>")
        .unwrap()
        .with_root_certificates(ca.as_bytes())
        .unwrap();
    assert_eq!(mailer.config().security, SmtpSecurity::Implicit);
    mailer.send("ann@client.test", "Over TLS", "Hello", false).await.unwrap();
    let t = received(rx).await;
    assert!(t.contains("MAIL FROM:<pulse@acme.test>") && t.contains("RCPT TO:<ann@client.test>"), "{t}");
    assert!(t.contains("Subject: Over TLS") && t.contains("Content-Type: text/plain"), "{t}");
}

#[actix_web::test]
async fn a_server_certificate_from_an_unknown_ca_is_refused() {
    let (_, acceptor) = pki();
    let (port, rx) = sink(Sink::Implicit, acceptor).await;
    let mailer = Mailer::new(&format!("smtps://localhost:{port}"), "pulse@acme.test").unwrap();
    let e = mailer.send("ann@client.test", "Hi", "Hello", false).await.expect_err("untrusted certificate");
    assert!(e.starts_with("SMTP"), "{e}");
    assert!(!received(rx).await.contains("MAIL FROM"), "nothing was sent");
}

#[actix_web::test]
async fn required_starttls_is_refused_when_the_server_does_not_offer_it() {
    let (ca, acceptor) = pki();
    let (port, rx) = sink(Sink::Plain, acceptor).await;
    let mailer = Mailer::new(&format!("smtp://127.0.0.1:{port}?tls=required"), "pulse@acme.test")
        .unwrap()
        .with_root_certificates(ca.as_bytes())
        .unwrap();
    assert!(mailer.send("ann@client.test", "Hi", "Secret", false).await.is_err());
    let t = received(rx).await;
    assert!(!t.contains("MAIL FROM") && !t.contains("Secret"), "nothing went out in clear: {t}");
}

#[actix_web::test]
async fn the_outbox_sends_an_html_nurture_email_over_starttls() {
    let app = spawn_app().await;
    let owner = app.signup("owner@acme.test", "Acme").await;
    app.db()
        .await
        .execute(
            "INSERT INTO email_outbox (id, workspace_id, to_address, subject, body, kind, dedupe_key, content_type)
             VALUES ($1, $2, 'ann@client.test', 'Welcome', '<p>Hello &lt;Ann&gt;</p>', 'nurture', 'nurture:x:y', 'text/html')",
            &[&Uuid::now_v7(), &owner.workspace_id],
        )
        .await
        .unwrap();
    let (ca, acceptor) = pki();
    let (port, rx) = sink(Sink::StartTls, acceptor).await;
    let mailer = Mailer::new(&format!("smtp://localhost:{port}?tls=starttls"), "pulse@acme.test")
        .unwrap()
        .with_root_certificates(ca.as_bytes())
        .unwrap();
    let pool = pulse::db::prepare(&app.database_url, 2).await.unwrap();
    let done = deliver_due(&pool, &mailer, &ManualClock::new(Utc::now()), 5, 10).await.unwrap();
    assert_eq!(done.sent, 1, "{done:?}");
    let t = received(rx).await;
    let (clear, secret) = t.split_once("(TLS)\n").unwrap_or_else(|| panic!("no STARTTLS: {t}"));
    assert!(clear.contains("STARTTLS") && !clear.contains("MAIL FROM"), "{clear}");
    assert!(secret.contains("RCPT TO:<ann@client.test>"), "{secret}");
    assert!(secret.contains("Content-Type: text/html"), "{secret}");
    assert!(secret.contains("Hello &lt;Ann&gt;"), "{secret}");
}
