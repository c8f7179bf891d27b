//! The transport against a scripted TLS server on loopback: the real host name kept by
//! `--resolve`, the allowlist checked before sending, no redirects, the 1 MiB cap, and every
//! failure mapped to its kind with an honest `maybe_sent`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sfrpc_host::allowlist::Allowlist;
use sfrpc_host::transport::{ProxySetting, Transport, TransportOptions};
use sfrpc_plugin::{HttpRequest, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// What the server does with each connection.
#[derive(Clone, Copy)]
enum Script {
    /// 200 with this many body bytes.
    Body(usize),
    /// 302 to evil.example.net.
    Redirect,
    /// Read the request, then close without answering.
    ResetAfterRequest,
    /// Read the request, then wait forever.
    Hang,
}

struct Server {
    addr: SocketAddr,
    ca: tempfile::NamedTempFile,
}

async fn read_request<S: AsyncReadExt + Unpin>(s: &mut S) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    for _ in 0..1000 {
        let Ok(n) = s.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return;
            }
        }
    }
}

async fn serve(script: Script) -> Server {
    let names = vec![
        "login.salesforce.com".to_owned(),
        "*.sandbox.my.salesforce.com".to_owned(),
    ];
    let ck = rcgen::generate_simple_self_signed(names).expect("cert");
    let mut ca = tempfile::NamedTempFile::new().expect("temp");
    std::io::Write::write_all(&mut ca, ck.cert.pem().as_bytes()).expect("write ca");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let certs: Vec<CertificateDer<'static>> = vec![ck.cert.der().clone()];
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                read_request(&mut tls).await;
                match script {
                    Script::Body(n) => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {n}\r\n\r\n"
                        );
                        let _ = tls.write_all(head.as_bytes()).await;
                        let _ = tls.write_all(&vec![b'x'; n]).await;
                    }
                    Script::Redirect => {
                        let _ = tls
                            .write_all(
                                b"HTTP/1.1 302 Found\r\nlocation: https://evil.example.net/\r\n\
                                  content-length: 0\r\n\r\n",
                            )
                            .await;
                    }
                    Script::ResetAfterRequest => {}
                    Script::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                }
                let _ = tls.shutdown().await;
            });
        }
    });
    Server { addr, ca }
}

fn transport(server: &Server, trust: bool, timeout: Duration) -> Transport {
    let options = TransportOptions {
        timeout,
        proxy: ProxySetting::Disabled,
        ca_certs: if trust {
            vec![server.ca.path().to_owned()]
        } else {
            vec![]
        },
        resolve: vec![
            format!("login.salesforce.com={}", server.addr)
                .parse()
                .expect("rule"),
            format!("*.my.salesforce.com={}", server.addr)
                .parse()
                .expect("rule"),
        ],
    };
    let allow = Allowlist::parse(&[
        "https://login.salesforce.com",
        "https://*.my.salesforce.com",
    ])
    .expect("allowlist");
    Transport::new(&options, allow).expect("transport")
}

fn post(url: &str) -> HttpRequest {
    HttpRequest {
        id: 1,
        method: "POST".to_owned(),
        url: url.to_owned(),
        headers: vec![(
            "Content-Type".to_owned(),
            "text/xml; charset=UTF-8".to_owned(),
        )],
        body: "<x/>".to_owned(),
    }
}

const LOGIN: &str = "https://login.salesforce.com/services/Soap/u/64.0";
const SECOND: Duration = Duration::from_secs(5);

#[tokio::test]
async fn answers_come_back_through_the_real_host_name() {
    let s = serve(Script::Body(10)).await;
    let t = transport(&s, true, SECOND);
    let r = t.send(&post(LOGIN)).await.expect("answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "xxxxxxxxxx");
    let r = t
        .send(&post("https://acme--uat.sandbox.my.salesforce.com/x"))
        .await
        .expect("wildcard");
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn an_explicit_default_port_still_goes_where_resolve_says() {
    // A serverUrl may spell out :443; --resolve's port must still win (the emulator's).
    let s = serve(Script::Body(3)).await;
    let t = transport(&s, true, SECOND);
    let r = t
        .send(&post(
            "https://login.salesforce.com:443/services/Soap/u/64.0",
        ))
        .await
        .expect("answer through the resolve rule");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "xxx");
}

#[tokio::test]
async fn a_request_outside_the_allowlist_is_denied_before_sending() {
    let s = serve(Script::Body(10)).await;
    let t = transport(&s, true, SECOND);
    for url in [
        "https://evil.example.net/x",
        "http://login.salesforce.com/x",
        "https://127.0.0.1/",
    ] {
        let e = t.send(&post(url)).await.expect_err("denied");
        assert_eq!(e.kind, TransportErrorKind::Denied, "{url}");
        assert!(!e.maybe_sent);
        assert!(e.detail.is_some());
    }
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let s = serve(Script::Redirect).await;
    let r = transport(&s, true, SECOND)
        .send(&post(LOGIN))
        .await
        .expect("answer");
    assert_eq!(r.status, 302);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_too_large() {
    let s = serve(Script::Body((1 << 20) + 1)).await;
    let e = transport(&s, true, SECOND)
        .send(&post(LOGIN))
        .await
        .expect_err("too large");
    assert_eq!(e.kind, TransportErrorKind::TooLarge);
    assert!(e.maybe_sent);
    let s = serve(Script::Body(1 << 20)).await;
    let r = transport(&s, true, SECOND)
        .send(&post(LOGIN))
        .await
        .expect("exactly the cap");
    assert_eq!(r.body.len(), 1 << 20);
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error_never_sent() {
    let s = serve(Script::Body(10)).await;
    let e = transport(&s, false, SECOND)
        .send(&post(LOGIN))
        .await
        .expect_err("untrusted");
    assert_eq!(e.kind, TransportErrorKind::Tls);
    assert!(!e.maybe_sent);
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_never_sent() {
    let s = serve(Script::Body(10)).await;
    let free = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let closed = free.local_addr().expect("addr");
    drop(free);
    let options = TransportOptions {
        timeout: SECOND,
        proxy: ProxySetting::Disabled,
        ca_certs: vec![s.ca.path().to_owned()],
        resolve: vec![format!("login.salesforce.com={closed}")
            .parse()
            .expect("rule")],
    };
    let allow = Allowlist::parse(&["https://login.salesforce.com"]).expect("allowlist");
    let t = Transport::new(&options, allow).expect("transport");
    let e = t.send(&post(LOGIN)).await.expect_err("refused");
    assert_eq!(e.kind, TransportErrorKind::Connect);
    assert!(!e.maybe_sent);
}

#[tokio::test]
async fn an_unresolvable_host_is_a_dns_error_never_sent() {
    let options = TransportOptions {
        timeout: SECOND,
        proxy: ProxySetting::Disabled,
        ca_certs: vec![],
        resolve: vec![],
    };
    let t = Transport::new(
        &options,
        Allowlist::parse(&["https://*.invalid"]).expect("a"),
    )
    .expect("t");
    let e = t
        .send(&post("https://sfrpc-test.invalid/x"))
        .await
        .expect_err("dns");
    assert_eq!(e.kind, TransportErrorKind::Dns);
    assert!(!e.maybe_sent);
}

#[tokio::test]
async fn a_close_after_the_request_may_have_been_applied() {
    let s = serve(Script::ResetAfterRequest).await;
    let e = transport(&s, true, SECOND)
        .send(&post(LOGIN))
        .await
        .expect_err("reset");
    assert_eq!(e.kind, TransportErrorKind::Reset);
    assert!(e.maybe_sent);
}

#[tokio::test]
async fn a_silent_server_times_out_and_may_have_applied_it() {
    let s = serve(Script::Hang).await;
    let e = transport(&s, true, Duration::from_millis(500))
        .send(&post(LOGIN))
        .await
        .expect_err("timeout");
    assert_eq!(e.kind, TransportErrorKind::Timeout);
    assert!(e.maybe_sent);
}

#[tokio::test]
async fn a_handshake_that_never_finishes_times_out_never_sent() {
    // TCP is accepted, TLS never answered: the connect timeout (shorter than the request's)
    // fires, so the plugin learns that nothing was sent.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    let options = TransportOptions {
        timeout: Duration::from_millis(500),
        proxy: ProxySetting::Disabled,
        ca_certs: vec![],
        resolve: vec![format!("login.salesforce.com={addr}")
            .parse()
            .expect("rule")],
    };
    let allow = Allowlist::parse(&["https://login.salesforce.com"]).expect("allowlist");
    let t = Transport::new(&options, allow).expect("transport");
    let e = t.send(&post(LOGIN)).await.expect_err("stalled handshake");
    assert_eq!(e.kind, TransportErrorKind::Timeout);
    assert!(!e.maybe_sent, "the request never left");
}
