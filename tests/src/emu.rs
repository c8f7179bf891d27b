//! An emulator started in-process for one test, and its control API.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sfrpc_emulator::{Emulator, EmulatorConfig, OrgFile};

/// A running emulator plus a client for its control API.
pub struct Emu {
    emulator: Emulator,
    control: reqwest::Client,
    ca_path: PathBuf,
    _ca_dir: tempfile::TempDir,
}

/// Resolves an org argument: a path relative to the repository root, or a file name in
/// `fixtures/orgs/`.
pub fn org_path(org: &str) -> PathBuf {
    let root = crate::repo_root();
    let direct = root.join(org);
    if direct.exists() {
        return direct;
    }
    let name = if org.ends_with(".json") {
        org.to_owned()
    } else {
        format!("{org}.json")
    };
    root.join("fixtures").join("orgs").join(name)
}

impl Emu {
    /// Starts an emulator with these org files (see [`org_path`]) on 127.0.0.1, port 0.
    pub async fn start(orgs: &[&str], client_ip: Option<&str>) -> Emu {
        let orgs = orgs
            .iter()
            .map(|o| {
                let p = org_path(o);
                OrgFile::from_path(&p).unwrap_or_else(|e| panic!("org file {}: {e}", p.display()))
            })
            .collect();
        let ca_dir = tempfile::tempdir().expect("temp dir for the emulator CA");
        let config = EmulatorConfig {
            orgs,
            listen: "127.0.0.1:0".parse().expect("listen address"),
            ca_out: Some(ca_dir.path().to_owned()),
            client_ip: client_ip.map(|ip| ip.parse().expect("client_ip is an IP address")),
        };
        let emulator = Emulator::start(config).await.expect("emulator starts");
        let ca_path = emulator
            .ca_cert_path()
            .map(Path::to_owned)
            .unwrap_or_else(|| {
                let p = ca_dir.path().join("ca.pem");
                std::fs::write(&p, emulator.ca_cert_pem()).expect("write CA");
                p
            });
        let ca = reqwest::Certificate::from_pem(emulator.ca_cert_pem().as_bytes()).expect("CA PEM");
        let control = reqwest::Client::builder()
            .add_root_certificate(ca)
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("control client");
        Emu {
            emulator,
            control,
            ca_path,
            _ca_dir: ca_dir,
        }
    }

    /// Where the emulator listens.
    pub fn addr(&self) -> SocketAddr {
        self.emulator.addr()
    }

    /// The emulator's CA certificate file (PEM).
    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    /// Calls the control API; returns the JSON answer (Null for 204). Panics on a non-2xx.
    pub async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let url = format!("https://127.0.0.1:{}{path}", self.addr().port());
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("HTTP method");
        let mut req = self.control.request(method.clone(), &url);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "{method} {path}: HTTP {status}");
        if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
    }

    /// `GET /__emulator/users/{username}`.
    pub async fn user(&self, username: &str) -> Value {
        self.call("GET", &format!("/__emulator/users/{username}"), None)
            .await
    }

    /// The user's `failed_logins` counter.
    pub async fn failed_logins(&self, username: &str) -> u64 {
        self.user(username).await["failed_logins"]
            .as_u64()
            .unwrap_or(0)
    }

    /// Whether `password` is the user's valid password now (the emulator's truth).
    pub async fn check_password(&self, username: &str, password: &str) -> bool {
        let body = serde_json::json!({ "password": password });
        let path = format!("/__emulator/users/{username}/check-password");
        self.call("POST", &path, Some(&body)).await["valid"] == Value::Bool(true)
    }

    /// Stops the emulator.
    pub async fn shutdown(self) {
        self.emulator.shutdown().await;
    }
}
