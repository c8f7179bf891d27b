//! The `sfrpc-emulator` binary: one ready line on stdout, logs without secrets on stderr.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::users::*;
use common::*;

/// Kills the child when the test ends, pass or fail.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_one_ready_line_and_never_logs_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sfrpc-emulator"));
    for p in fixture_paths() {
        cmd.arg("--org").arg(p);
    }
    cmd.args(["--listen", "127.0.0.1:0", "--ca-out"])
        .arg(dir.path());
    cmd.args(["--client-ip", "198.51.100.23"]);
    let mut child = Child(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(30), line)
        .await
        .expect("ready in time")
        .unwrap()
        .unwrap();
    let ready: serde_json::Value = serde_json::from_str(line.trim()).expect("a JSON line");
    let addr: std::net::SocketAddr = ready["addr"].as_str().unwrap().parse().unwrap();
    let ca = dir.path().join("ca.pem");
    assert_eq!(ready["ca_cert"], ca.display().to_string());
    assert_eq!(ready.as_object().unwrap().len(), 2);
    let pem = std::fs::read(&ca).unwrap();

    let mut builder = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .no_proxy()
        .timeout(Duration::from_secs(20));
    for host in ["login.salesforce.com", "acme.my.salesforce.com"] {
        builder = builder.resolve(host, addr);
    }
    let http = builder.build().unwrap();
    // --client-ip applies: integration@acme (normally trusted) now needs its token.
    let (u, p, t) = INTEGRATION;
    let url = format!("{LOGIN}/services/Soap/u/{V}");
    let r = http
        .post(&url)
        .body(login_envelope(u, p))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert_eq!(
        fault_code(&body).as_deref(),
        Some("LOGIN_MUST_USE_SECURITY_TOKEN")
    );
    let r = http
        .post(&url)
        .body(login_envelope(u, &format!("{p}{t}")))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    let sid = between(&body, "<sessionId>", "</sessionId>").expect("logged in");
    let form = [
        ("grant_type", "password"),
        ("client_id", "3MVG9acmeRotatorConsumerKey000001"),
        ("client_secret", "ACMECONSUMERSECRET000001"),
        ("username", u),
        ("password", p),
    ];
    // The password in the URL too: the log must not show it. (An error would show the URL, so
    // it is not printed.)
    let sent = http
        .post(format!("{LOGIN}/services/oauth2/token?password={p}"))
        .form(&form)
        .send()
        .await;
    assert!(sent.is_ok(), "the token request was not answered");
    let q = format!("https://acme.my.salesforce.com/services/data/v{V}/query?q=SELECT+Id+FROM+User+WHERE+Username='{u}'");
    assert_eq!(
        http.get(q).bearer_auth(&sid).send().await.unwrap().status(),
        200
    );

    drop(http);
    let mut stderr = child.0.stderr.take().unwrap();
    let _ = child.0.kill();
    let _ = child.0.wait();
    let mut log = String::new();
    stderr.read_to_string(&mut log).unwrap();
    assert!(
        log.contains("[login] -> 500") && log.contains("[login] -> 200"),
        "requests are logged"
    );
    let mut secrets = fixture_secrets();
    secrets.push(sid);
    assert!(
        !secrets.iter().any(|s| log.contains(s.as_str())),
        "a secret reached the log"
    );
}

#[test]
fn refuses_a_bad_org_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"name": "x", "org_id": "nope", "organization_name": "x", "profiles": [], "users": []}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sfrpc-emulator"))
        .args(["--org"])
        .arg(&bad)
        .arg("--ca-out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("org_id"));
}

#[test]
fn ca_out_is_required() {
    let org = &fixture_paths()[0];
    let out = Command::new(env!("CARGO_BIN_EXE_sfrpc-emulator"))
        .arg("--org")
        .arg(org)
        .args(["--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(out.stdout.is_empty(), "no ready line");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--ca-out <DIR>"), "{stderr}");
    assert!(stderr.contains("required"), "{stderr}");
}
