//! Every fault kind on every endpoint a password change touches, over real HTTPS: what the
//! client receives, and whether Salesforce applied the call (the control API's truth). Also
//! `skip`, delays combined with other kinds, and that "reset" is a real TCP reset.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::users::*;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACME_APP: (&str, &str) = (
    "3MVG9acmeRotatorConsumerKey000001",
    "ACMECONSUMERSECRET000001",
);
const ROTATE_ID: &str = "0055g00000RoTaT";
const NEW: &str = "Fault-Table-0001";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Login,
    ChangeOwnPassword,
    SetPassword,
    RestPassword,
    RestQuery,
    OAuthToken,
}

impl Endpoint {
    const ALL: [Endpoint; 6] = [
        Endpoint::Login,
        Endpoint::ChangeOwnPassword,
        Endpoint::SetPassword,
        Endpoint::RestPassword,
        Endpoint::RestQuery,
        Endpoint::OAuthToken,
    ];

    fn name(self) -> &'static str {
        match self {
            Endpoint::Login => "login",
            Endpoint::ChangeOwnPassword => "changeOwnPassword",
            Endpoint::SetPassword => "setPassword",
            Endpoint::RestPassword => "rest_password",
            Endpoint::RestQuery => "rest_query",
            Endpoint::OAuthToken => "oauth_token",
        }
    }

    fn xml(self) -> bool {
        matches!(
            self,
            Endpoint::Login | Endpoint::ChangeOwnPassword | Endpoint::SetPassword
        )
    }
}

/// What the client got: status, content type, Location, body; Err when the connection died.
type Answer = Result<(u16, String, String, Vec<u8>), reqwest::Error>;

async fn answer(r: Result<reqwest::Response, reqwest::Error>) -> Answer {
    let r = r?;
    let header = |n: &str| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (status, ty, location) = (
        r.status().as_u16(),
        header("content-type"),
        header("location"),
    );
    Ok((status, ty, location, r.bytes().await?.to_vec()))
}

fn envelope(session: &str, op: &str) -> String {
    format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>{session}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body>{op}</soapenv:Body></soapenv:Envelope>"#
    )
}

/// The sessions a case needs, opened before any fault is armed.
struct Sessions {
    admin: Session,
    rotate: Session,
}

async fn sessions(h: &Harness) -> Sessions {
    let (au, ap, at) = ADMIN;
    let (ru, rp, rt) = ROTATE;
    Sessions {
        admin: h.session(LOGIN, au, &format!("{ap}{at}")).await,
        rotate: h.session(LOGIN, ru, &format!("{rp}{rt}")).await,
    }
}

/// Sends the endpoint's call.
async fn send(h: &Harness, s: &Sessions, e: Endpoint) -> Answer {
    let soap = |url: &str, body: String| {
        h.http
            .post(url)
            .header("content-type", "text/xml; charset=UTF-8")
            .header("soapaction", "\"\"")
            .body(body)
            .send()
    };
    let base = rest_base(&s.admin.server_url);
    let r = match e {
        Endpoint::Login => {
            let (u, p, t) = ADMIN;
            let url = format!("{LOGIN}/services/Soap/u/{V}");
            soap(&url, login_envelope(u, &format!("{p}{t}"))).await
        }
        Endpoint::ChangeOwnPassword => {
            let op = format!(
                "<urn:changeOwnPassword><urn:oldPassword>{}</urn:oldPassword><urn:newPassword>{NEW}</urn:newPassword></urn:changeOwnPassword>",
                xml_escape(ROTATE.1)
            );
            soap(&s.rotate.server_url, envelope(&s.rotate.id, &op)).await
        }
        Endpoint::SetPassword => {
            let op = format!(
                "<urn:setPassword><urn:userId>{ROTATE_ID}</urn:userId><urn:password>{NEW}</urn:password></urn:setPassword>"
            );
            soap(&s.admin.server_url, envelope(&s.admin.id, &op)).await
        }
        Endpoint::RestPassword => {
            h.http
                .post(format!("{base}/sobjects/User/{ROTATE_ID}/password"))
                .bearer_auth(&s.admin.id)
                .json(&json!({"NewPassword": NEW}))
                .send()
                .await
        }
        Endpoint::RestQuery => {
            h.http
                .get(format!("{base}/query?q=SELECT+Id+FROM+User"))
                .bearer_auth(&s.admin.id)
                .send()
                .await
        }
        Endpoint::OAuthToken => {
            let (u, p, t) = ADMIN;
            let pt = format!("{p}{t}");
            let form = [
                ("grant_type", "password"),
                ("client_id", ACME_APP.0),
                ("client_secret", ACME_APP.1),
                ("username", u),
                ("password", &pt),
            ];
            h.http
                .post(format!("{LOGIN}/services/oauth2/token"))
                .form(&form)
                .send()
                .await
        }
    };
    answer(r).await
}

/// A counter that moves exactly when Salesforce ran the call.
async fn applied_marker(h: &Harness, e: Endpoint) -> Value {
    match e {
        Endpoint::Login | Endpoint::OAuthToken => h.user(ADMIN.0).await["login_attempts"].clone(),
        Endpoint::ChangeOwnPassword | Endpoint::SetPassword | Endpoint::RestPassword => {
            json!(h.password_is(ROTATE.0, NEW).await)
        }
        Endpoint::RestQuery => {
            let state = h.get("/state").await;
            let acme = state["orgs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["name"] == "acme")
                .unwrap()
                .clone();
            acme["api_requests"].clone()
        }
    }
}

/// The status a normal answer has.
fn ok_status(e: Endpoint) -> u16 {
    if e == Endpoint::RestPassword {
        204
    } else {
        200
    }
}

#[derive(Debug, Clone, Copy)]
struct Case {
    kind: &'static str,
    delay_ms: u64,
    applied: bool,
}

const DELAY: u64 = 300;

const CASES: &[Case] = &[
    Case {
        kind: "delay",
        delay_ms: DELAY,
        applied: true,
    },
    Case {
        kind: "reset_before",
        delay_ms: 0,
        applied: false,
    },
    Case {
        kind: "reset_after",
        delay_ms: 0,
        applied: true,
    },
    Case {
        kind: "http_500_html",
        delay_ms: 0,
        applied: false,
    },
    Case {
        kind: "http_503_html",
        delay_ms: 0,
        applied: false,
    },
    Case {
        kind: "malformed_xml",
        delay_ms: 0,
        applied: true,
    },
    Case {
        kind: "oversized",
        delay_ms: 0,
        applied: false,
    },
    Case {
        kind: "redirect",
        delay_ms: 0,
        applied: false,
    },
    // A delay combined with another kind delays it, and changes nothing else.
    Case {
        kind: "http_503_html",
        delay_ms: DELAY,
        applied: false,
    },
    Case {
        kind: "reset_after",
        delay_ms: DELAY,
        applied: true,
    },
    Case {
        kind: "reset_before",
        delay_ms: DELAY,
        applied: false,
    },
];

fn check_answer(e: Endpoint, c: Case, got: &Answer) {
    let what = format!("{} on {}", c.kind, e.name());
    match c.kind {
        "reset_before" | "reset_after" => {
            let status = got.as_ref().map(|(status, ..)| *status).ok();
            assert!(
                got.is_err(),
                "{what}: the connection must die, got HTTP {status:?}"
            );
        }
        "delay" => {
            let (status, _, _, _) = got.as_ref().expect(&what);
            assert_eq!(*status, ok_status(e), "{what}");
        }
        "http_500_html" | "http_503_html" => {
            let (status, ty, _, body) = got.as_ref().expect(&what);
            let want = if c.kind == "http_500_html" { 500 } else { 503 };
            assert_eq!(*status, want, "{what}");
            assert!(ty.starts_with("text/html"), "{what}: {ty}");
            assert!(String::from_utf8_lossy(body).contains("<html>"), "{what}");
        }
        "malformed_xml" => {
            let (status, _, _, body) = got.as_ref().expect(&what);
            assert_eq!(*status, 200, "{what}");
            if e.xml() {
                let text = String::from_utf8_lossy(body);
                assert!(text.starts_with("<?xml"), "{what}");
                assert!(!text.trim_end().ends_with("</soapenv:Envelope>"), "{what}");
            } else {
                assert!(serde_json::from_slice::<Value>(body).is_err(), "{what}");
            }
        }
        "oversized" => {
            let (status, ty, _, body) = got.as_ref().expect(&what);
            assert_eq!(*status, 200, "{what}");
            assert_eq!(body.len(), 2 * 1024 * 1024, "{what}");
            let want = if e.xml() {
                "text/xml"
            } else {
                "application/json"
            };
            assert!(ty.starts_with(want), "{what}: {ty}");
        }
        "redirect" => {
            let (status, _, location, _) = got.as_ref().expect(&what);
            assert_eq!(*status, 302, "{what}");
            assert!(
                location.starts_with("https://evil.example.net/services/"),
                "{what}: {location}"
            );
        }
        other => unreachable!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_on_every_endpoint() {
    for e in Endpoint::ALL {
        for &c in CASES {
            let what = format!("{} (delay {}) on {}", c.kind, c.delay_ms, e.name());
            let h = Harness::start().await;
            let s = sessions(&h).await;
            let before = applied_marker(&h, e).await;
            let mut fault = json!({"endpoint": e.name(), "kind": c.kind});
            if c.delay_ms > 0 {
                fault["delay_ms"] = json!(c.delay_ms);
            }
            h.fault(fault).await;
            let start = Instant::now();
            let got = send(&h, &s, e).await;
            let elapsed = start.elapsed();
            check_answer(e, c, &got);
            if c.delay_ms > 0 {
                assert!(
                    elapsed >= Duration::from_millis(c.delay_ms),
                    "{what}: {elapsed:?}"
                );
            }
            let after = applied_marker(&h, e).await;
            assert_eq!(
                before != after,
                c.applied,
                "{what}: applied? {before} → {after}"
            );
            if matches!(
                e,
                Endpoint::ChangeOwnPassword | Endpoint::SetPassword | Endpoint::RestPassword
            ) {
                // The old password is valid exactly when the change was not applied.
                assert_eq!(
                    h.password_is(ROTATE.0, ROTATE.1).await,
                    !c.applied,
                    "{what}"
                );
            }
            // Armed once: the fault is gone.
            assert_eq!(h.get("/faults").await, json!([]), "{what}");
            h.emu.shutdown().await;
        }
    }
}

/// The host e2e scenario: the change is applied but its answer is lost, and the verification
/// login (the second login of the job) is cut off too.
#[tokio::test]
async fn skip_lets_the_first_login_through() {
    let h = Harness::start().await;
    let (u, p, t) = ROTATE;
    h.fault(json!({"endpoint": "changeOwnPassword", "kind": "reset_after"}))
        .await;
    h.fault(json!({"endpoint": "login", "kind": "reset_before", "skip": 1}))
        .await;
    assert_eq!(
        h.get("/faults").await[1],
        json!({"endpoint": "login", "kind": "reset_before", "delay_ms": 0, "skip": 1, "times": 1})
    );
    // First login: let through.
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let op = format!(
        "<urn:changeOwnPassword><urn:oldPassword>{}</urn:oldPassword><urn:newPassword>{NEW}</urn:newPassword></urn:changeOwnPassword>",
        xml_escape(p)
    );
    let env = envelope(&s.id, &op);
    let r = h.http.post(&s.server_url).body(env).send().await;
    assert!(r.is_err(), "changeOwnPassword answer lost");
    assert!(h.password_is(u, NEW).await, "but applied");
    let token = h.latest_token(u).await.unwrap();
    // Second login: reset before it reaches the org.
    let url = format!("{LOGIN}/services/Soap/u/{V}");
    let r = h
        .http
        .post(&url)
        .body(login_envelope(u, &format!("{NEW}{token}")))
        .send()
        .await;
    assert!(r.is_err(), "the second login is cut off");
    assert_eq!(
        h.user(u).await["login_attempts"],
        1,
        "it never reached the org"
    );
    // Used up: the third login works.
    h.session(LOGIN, u, &format!("{NEW}{token}")).await;
    assert_eq!(h.get("/faults").await, json!([]));

    // skip with times: null lets N through, then fires for ever.
    h.fault(json!({"endpoint": "login", "kind": "http_503_html", "skip": 2, "times": null}))
        .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(h.login_raw(LOGIN, V, u, &format!("{NEW}{token}")).await.0);
    }
    assert_eq!(statuses, [200, 200, 503, 503, 503]);
    let bad = json!({"endpoint": "login", "kind": "delay", "skip": -1});
    assert_eq!(h.send(Method::POST, "/faults", bad).await, 400);
}

/// Reads what the server sends after a raw HTTP/1.1 request over TLS.
async fn raw_exchange(h: &Harness, request: String) -> std::io::Result<Vec<u8>> {
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    let ca =
        rustls::pki_types::CertificateDer::from_pem_slice(h.emu.ca_cert_pem().as_bytes()).unwrap();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(h.emu.addr()).await?;
    let name = rustls::pki_types::ServerName::try_from("login.salesforce.com").unwrap();
    let mut tls = connector.connect(name, tcp).await?;
    tls.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    tls.read_to_end(&mut out).await?;
    Ok(out)
}

#[tokio::test]
async fn reset_faults_are_tcp_resets() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let body = login_envelope(u, &format!("{p}{t}"));
    let request = format!(
        "POST /services/Soap/u/{V} HTTP/1.1\r\nHost: login.salesforce.com\r\nContent-Type: text/xml\r\nSOAPAction: \"\"\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    // Without a fault: an answer, then a clean close.
    let out = raw_exchange(&h, request.clone())
        .await
        .expect("a clean answer");
    assert!(out.starts_with(b"HTTP/1.1 200"));
    for kind in ["reset_before", "reset_after"] {
        h.fault(json!({"endpoint": "login", "kind": kind})).await;
        let Err(err) = raw_exchange(&h, request.clone()).await else {
            panic!("{kind}: an answer, not a reset");
        };
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::ConnectionReset,
            "{kind}: a TCP RST, not a close ({err})"
        );
    }
    assert_eq!(
        h.user(u).await["login_attempts"],
        2,
        "reset_after ran the login"
    );
}
