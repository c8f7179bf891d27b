//! `--proxy` and `HTTPS_PROXY`: the real `sfrpc` binary reaches the emulator only through an
//! HTTP CONNECT proxy (no `--resolve`: the proxy, as a real one would, resolves the Salesforce
//! host names — here, to the emulator). TLS stays end to end with the real host names.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use sfrpc_e2e::emu::Emu;
use sfrpc_e2e::secrets::{assert_no_leak, request_secrets};
use sfrpc_e2e::sfrpc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PROD: &str = "tests/scenarios/orgs/e2e-prod.json";

/// A CONNECT proxy on loopback that tunnels every target to `upstream` and records the
/// CONNECT targets it was asked for.
struct Proxy {
    addr: std::net::SocketAddr,
    targets: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    async fn start(upstream: std::net::SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = targets.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let _ = tunnel(client, upstream, seen).await;
                });
            }
        });
        Proxy { addr, targets }
    }

    fn targets(&self) -> Vec<String> {
        self.targets.lock().expect("targets lock").clone()
    }
}

async fn tunnel(
    mut client: TcpStream,
    upstream: std::net::SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 8192 || client.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            .await?;
        return Ok(());
    };
    seen.lock().expect("targets lock").push(target.to_owned());
    let mut server = TcpStream::connect(upstream).await?;
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}

fn request() -> Value {
    json!({
        "secret": {"id": 7001, "name": "E2E Integration", "url": "https://login.salesforce.com",
                   "username": "integration@e2e.example.com", "password": "E2eIntegrationPass01"},
        "site": {"name": "E2E"}
    })
}

fn args(emu: &Emu, state: &std::path::Path) -> Vec<String> {
    vec![
        "heartbeat".to_owned(),
        "--json".to_owned(),
        "--timeout".to_owned(),
        "10".to_owned(),
        "--state-dir".to_owned(),
        state.display().to_string(),
        "--ca-cert".to_owned(),
        emu.ca_path().display().to_string(),
    ]
}

fn assert_heartbeat_through(proxy: &Proxy, out: &sfrpc::Run) {
    let r = out.json();
    assert_eq!(
        (r["status"].as_str(), r["code"].as_str(), out.code),
        (Some("Success"), Some("OK"), 0),
        "heartbeat through the proxy: {}",
        r["message"]
    );
    let targets = proxy.targets();
    assert!(
        targets.iter().any(|t| t == "login.salesforce.com:443"),
        "the login went through the proxy: {targets:?}"
    );
    assert!(
        targets.iter().any(|t| t == "e2eprod.my.salesforce.com:443"),
        "the logout to the org's My Domain went through the proxy: {targets:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_through_the_proxy_option() {
    let emu = Emu::start(&[PROD], None).await;
    let proxy = Proxy::start(emu.addr()).await;
    let state = tempfile::tempdir().expect("state dir");
    let mut a = args(&emu, state.path());
    a.extend(["--proxy".to_owned(), format!("http://{}", proxy.addr)]);
    let req = request();
    let out = sfrpc::run(&a, Some(&req.to_string())).await;
    assert_no_leak(
        "proxy option",
        &out.stdout,
        &out.stderr,
        &request_secrets(&req),
    );
    assert_heartbeat_through(&proxy, &out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_through_https_proxy_from_the_environment() {
    let emu = Emu::start(&[PROD], None).await;
    let proxy = Proxy::start(emu.addr()).await;
    let state = tempfile::tempdir().expect("state dir");
    let url = format!("http://{}", proxy.addr);
    let req = request();
    let out = sfrpc::run_with_env(
        &args(&emu, state.path()),
        Some(&req.to_string()),
        &[("HTTPS_PROXY", url.as_str())],
    )
    .await;
    assert_no_leak(
        "HTTPS_PROXY",
        &out.stdout,
        &out.stderr,
        &request_secrets(&req),
    );
    assert_heartbeat_through(&proxy, &out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_allowlist_holds_behind_a_proxy() {
    // A manifest without My Domain: the logout to e2eprod.my.salesforce.com is refused by the
    // host before anything reaches the proxy.
    let emu = Emu::start(&[PROD], None).await;
    let proxy = Proxy::start(emu.addr()).await;
    let state = tempfile::tempdir().expect("state dir");
    let mut a = args(&emu, state.path());
    a.extend([
        "--proxy".to_owned(),
        format!("http://{}", proxy.addr),
        "--manifest".to_owned(),
        sfrpc_e2e::repo_root()
            .join("tests/scenarios/manifests/no-my-domain.json")
            .display()
            .to_string(),
    ]);
    let req = request();
    let out = sfrpc::run(&a, Some(&req.to_string())).await;
    assert_no_leak(
        "proxy allowlist",
        &out.stdout,
        &out.stderr,
        &request_secrets(&req),
    );
    let r = out.json();
    assert_eq!(r["code"], "EGRESS_DENIED", "{}", r["message"]);
    let targets = proxy.targets();
    assert_eq!(
        targets,
        vec!["login.salesforce.com:443".to_owned()],
        "only the allowed login host reached the proxy"
    );
}
