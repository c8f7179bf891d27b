//! Connection reuse: one process's requests to one host share a TLS connection (a rotation is
//! five requests; without reuse each pays a handshake). Measured against the real emulator
//! behind a TCP forwarder that counts the connections it is asked to open.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sfrpc_emulator::{Emulator, EmulatorConfig, OrgFile};
use sfrpc_host::allowlist::Allowlist;
use sfrpc_host::transport::{ProxySetting, Transport, TransportOptions};
use sfrpc_plugin::HttpRequest;
use tokio::net::{TcpListener, TcpStream};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_one_host_share_a_connection() {
    let work = tempfile::tempdir().expect("work dir");
    let org = OrgFile::from_json(include_str!("../../fixtures/orgs/demo.json")).expect("org");
    let emulator = Emulator::start(EmulatorConfig {
        orgs: vec![org],
        listen: "127.0.0.1:0".parse().expect("addr"),
        ca_out: Some(work.path().to_owned()),
        client_ip: None,
    })
    .await
    .expect("emulator");
    let upstream = emulator.addr();
    let ca = work.path().join("ca.pem");
    std::fs::write(&ca, emulator.ca_cert_pem()).expect("ca");

    let forwarder = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let front = forwarder.local_addr().expect("addr");
    let opened = Arc::new(AtomicUsize::new(0));
    let count = opened.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = forwarder.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });

    let options = TransportOptions {
        timeout: Duration::from_secs(10),
        proxy: ProxySetting::Disabled,
        ca_certs: vec![ca],
        resolve: vec![format!("login.salesforce.com={front}")
            .parse()
            .expect("rule")],
    };
    let allow = Allowlist::parse(&["https://login.salesforce.com"]).expect("allowlist");
    let transport = Transport::new(&options, allow).expect("transport");
    for id in 1..=3 {
        // A SOAP request the emulator answers with a fault: any complete answer will do.
        let request = HttpRequest {
            id,
            method: "POST".to_owned(),
            url: "https://login.salesforce.com/services/Soap/u/64.0".to_owned(),
            headers: vec![("content-type".to_owned(), "text/xml".to_owned())],
            body: "<not-soap/>".to_owned(),
        };
        let response = transport.send(&request).await.expect("an answer");
        assert!(response.status >= 200, "answered");
    }
    assert_eq!(
        opened.load(Ordering::SeqCst),
        1,
        "three requests, one connection"
    );
}
