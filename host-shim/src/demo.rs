//! `sfrpc demo`: no set-up at all. Starts the emulator in-process with the embedded
//! `fixtures/orgs/demo.json`, trusts its CA, resolves the Salesforce host names to it, and
//! walks through what an operator sees: a heartbeat, a change, a heartbeat with the new
//! password, then the failure cases. Each step checks the result and the emulator's truth
//! (valid password, failed logins); the exit status is 0 only if every step behaved.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::{json, Value};
use sfrpc_emulator::{Emulator, EmulatorConfig, OrgFile};
use sfrpc_plugin::Operation;

use crate::cli::Global;
use crate::manifest::Manifest;
use crate::output;
use crate::quarantine::Store;
use crate::run::{self, Host};
use crate::transport::{ProxySetting, Transport, TransportOptions};

/// The demo org (users, passwords and tokens are listed in fixtures/orgs/README.md).
pub const DEMO_ORG: &str = include_str!("../../fixtures/orgs/demo.json");

/// The demo's scenarios, in the order they run.
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "rotation",
        "heartbeat, change (generated password), heartbeat with the new password",
    ),
    (
        "untrusted-ip",
        "an egress IP outside the trusted ranges and no token: refused before login",
    ),
    ("api-disabled", "a profile without API Enabled"),
    (
        "expired",
        "an expired password recovered with setPassword()",
    ),
    (
        "quarantine",
        "a wrong password: one failed login, then QUARANTINED without another",
    ),
];

const INTEGRATION: &str = "vault.integration@demo.example.com";
const TOKEN_USER: &str = "token.user@demo.example.com";
const NO_API: &str = "noapi.user@demo.example.com";
const EXPIRED: &str = "expired.user@demo.example.com";
const ADMIN: &str = "vault.admin@demo.example.com";

/// Why the demo could not run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// `--scenario` names no scenario.
    #[error("unknown demo scenario {0:?}; run `sfrpc demo --scenario list`")]
    UnknownScenario(String),
    /// The emulator, transport or state directory could not be set up.
    #[error("demo set-up failed: {0}")]
    Setup(String),
}

fn setup<E: std::fmt::Display>(e: E) -> DemoError {
    DemoError::Setup(e.to_string())
}

/// The demo's world: the emulator, the host that talks to it, a control-API client.
struct Demo {
    emulator: Emulator,
    host: Host,
    control: reqwest::Client,
    org: Value,
    next_id: i64,
    passed: usize,
    failed: usize,
}

/// What a step must show.
struct Expect {
    status: &'static str,
    code: Option<&'static str>,
    active: &'static str,
    failed_logins_delta: u64,
}

impl Demo {
    async fn start(global: &Global, work: &std::path::Path) -> Result<Demo, DemoError> {
        let org = OrgFile::from_json(DEMO_ORG).map_err(setup)?;
        let config = EmulatorConfig {
            orgs: vec![org],
            listen: "127.0.0.1:0".parse().map_err(setup)?,
            ca_out: Some(work.to_owned()),
            client_ip: None,
        };
        let emulator = Emulator::start(config).await.map_err(setup)?;
        let ca = work.join("demo-ca.pem");
        std::fs::write(&ca, emulator.ca_cert_pem()).map_err(setup)?;
        let addr = emulator.addr();
        let resolve = [
            "login.salesforce.com",
            "test.salesforce.com",
            "*.my.salesforce.com",
        ]
        .iter()
        .map(|h| format!("{h}={addr}").parse())
        .collect::<Result<Vec<_>, _>>()
        .map_err(setup)?;
        let options = TransportOptions {
            timeout: Duration::from_secs(global.timeout),
            proxy: ProxySetting::Disabled,
            ca_certs: vec![ca],
            resolve,
        };
        let allowlist = Manifest::load(global.manifest.as_deref())
            .map_err(setup)?
            .allowlist()
            .map_err(setup)?;
        let transport = Transport::new(&options, allowlist).map_err(setup)?;
        // A fresh quarantine every run: the demo never touches the operator's state.
        let quarantine = Store::open(&work.join("state")).map_err(setup)?;
        let root =
            reqwest::Certificate::from_pem(emulator.ca_cert_pem().as_bytes()).map_err(setup)?;
        let control = reqwest::Client::builder()
            .add_root_certificate(root)
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(setup)?;
        Ok(Demo {
            emulator,
            host: Host {
                transport,
                quarantine,
            },
            control,
            org: serde_json::from_str(DEMO_ORG).map_err(setup)?,
            next_id: 101,
            passed: 0,
            failed: 0,
        })
    }

    /// The demo org's stored password of `username`.
    fn password(&self, username: &str) -> String {
        self.org["users"]
            .as_array()
            .and_then(|users| users.iter().find(|u| u["username"] == username))
            .and_then(|u| u["password"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!(
            "https://127.0.0.1:{}/__emulator/{path}",
            self.emulator.addr().port()
        );
        let mut req = self.control.request(method, url);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        match req.send().await {
            Ok(r) => {
                serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or(Value::Null)
            }
            Err(_) => Value::Null,
        }
    }

    /// The emulator's count; None when its control API did not answer (a failed step).
    async fn failed_logins(&self, username: &str) -> Option<u64> {
        let v = self
            .control(reqwest::Method::GET, &format!("users/{username}"), None)
            .await;
        v["failed_logins"].as_u64()
    }

    async fn is_valid(&self, username: &str, password: &str) -> bool {
        let path = format!("users/{username}/check-password");
        let body = json!({ "password": password });
        self.control(reqwest::Method::POST, &path, Some(body)).await["valid"] == true
    }

    fn request(&mut self, name: &str, username: &str, password: &str) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        json!({
            "secret": {
                "id": id, "name": name, "secretTemplateName": "Salesforce",
                "items": [
                    {"slug": "url", "itemValue": "https://login.salesforce.com"},
                    {"slug": "username", "itemValue": username},
                    {"slug": "password", "itemValue": password, "isPassword": true}
                ]
            },
            "site": {"name": "Demo"}
        })
    }

    /// Runs one step, prints what the operator sees, checks it; returns the generated
    /// password when the step generated one.
    async fn step(
        &mut self,
        title: &str,
        op: Operation,
        username: &str,
        request: Value,
        expect: Expect,
    ) -> Option<String> {
        let verb = match op {
            Operation::Heartbeat => "heartbeat",
            Operation::Change => "change",
            Operation::Diagnose => "diagnose",
        };
        println!("\n== {title}");
        println!(
            "$ sfrpc {verb} --request <secret {} for {username}>",
            request["secret"]["id"]
        );
        let before = self.failed_logins(username).await;
        let finished = run::run(&self.host, &request.to_string(), Some(op)).await;
        let after = self.failed_logins(username).await;
        let r = &finished.result;
        for line in &r.log {
            println!("  log: {line}");
        }
        for line in output::summary(r, None).lines() {
            println!("  {line}");
        }
        let generated = finished.to_json()["new_password"]
            .as_str()
            .map(str::to_owned);
        if generated.is_some() {
            println!(
                "  new password: generated by sfrpc and returned to the vault (not shown here)"
            );
        }
        let mut problems = Vec::new();
        let delta = match (before, after) {
            (Some(b), Some(a)) => {
                let delta = a.saturating_sub(b);
                println!("  emulator: failed logins of {username} during this step: {delta}");
                delta
            }
            _ => {
                problems.push("the emulator's control API did not answer".to_owned());
                expect.failed_logins_delta
            }
        };
        if r.status.as_str() != expect.status {
            problems.push(format!(
                "status {} (expected {})",
                r.status.as_str(),
                expect.status
            ));
        }
        if let Some(code) = expect.code {
            if r.code != code {
                problems.push(format!("code {} (expected {code})", r.code));
            }
        }
        let active = finished.to_json()["active_password"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        if active != expect.active {
            problems.push(format!(
                "active_password {active} (expected {})",
                expect.active
            ));
        }
        if delta != expect.failed_logins_delta {
            problems.push(format!(
                "{delta} failed logins (expected {})",
                expect.failed_logins_delta
            ));
        }
        if let Some(pw) = &generated {
            if !self.is_valid(username, pw).await {
                problems.push("the emulator does not accept the new password".to_owned());
            }
        }
        if problems.is_empty() {
            println!("  -> as expected");
            self.passed += 1;
        } else {
            println!("  -> NOT as expected: {}", problems.join("; "));
            self.failed += 1;
        }
        generated
    }

    async fn rotation(&mut self) {
        let current = self.password(INTEGRATION);
        let req = self.request("Vault Integration", INTEGRATION, &current);
        let ok = |code| Expect {
            status: "Success",
            code: Some(code),
            active: "current",
            failed_logins_delta: 0,
        };
        self.step(
            "heartbeat: the stored password logs in",
            Operation::Heartbeat,
            INTEGRATION,
            req.clone(),
            ok("OK"),
        )
        .await;
        let changed = Expect {
            status: "Success",
            code: Some("OK"),
            active: "new",
            failed_logins_delta: 0,
        };
        let new = self
            .step(
                "change: sfrpc generates a password, changeOwnPassword(), verifies it",
                Operation::Change,
                INTEGRATION,
                req.clone(),
                changed,
            )
            .await;
        let Some(new) = new else {
            println!("  -> NOT as expected: no generated password returned");
            self.failed += 1;
            return;
        };
        let mut next = req;
        next["secret"]["items"][2]["itemValue"] = json!(new);
        self.step(
            "heartbeat with the new password",
            Operation::Heartbeat,
            INTEGRATION,
            next,
            ok("OK"),
        )
        .await;
    }

    async fn untrusted_ip(&mut self) {
        let pw = self.password(TOKEN_USER);
        let mut req = self.request("Needs Its Token", TOKEN_USER, &pw);
        req["site"]["egress_ips"] = json!(["198.51.100.77"]);
        req["org"] = json!({"trusted_ip_ranges": ["203.0.113.0/24"]});
        let expect = Expect {
            status: "LoginFailed",
            code: Some("SECURITY_TOKEN_REQUIRED"),
            active: "current",
            failed_logins_delta: 0,
        };
        self.step(
            "untrusted egress IP, no security token: refused before any login",
            Operation::Heartbeat,
            TOKEN_USER,
            req,
            expect,
        )
        .await;
    }

    async fn api_disabled(&mut self) {
        let pw = self.password(NO_API);
        let req = self.request("No API Access", NO_API, &pw);
        let expect = Expect {
            status: "LoginFailed",
            code: Some("API_CURRENTLY_DISABLED"),
            active: "current",
            failed_logins_delta: 1,
        };
        self.step(
            "a profile without API Enabled",
            Operation::Heartbeat,
            NO_API,
            req,
            expect,
        )
        .await;
    }

    async fn expired(&mut self) {
        let pw = self.password(EXPIRED);
        let req = self.request("Expired Password", EXPIRED, &pw);
        let expect = Expect {
            status: "LoginFailed",
            code: Some("PASSWORD_EXPIRED"),
            active: "current",
            failed_logins_delta: 0,
        };
        self.step(
            "heartbeat on an expired password",
            Operation::Heartbeat,
            EXPIRED,
            req.clone(),
            expect,
        )
        .await;
        let expect = Expect {
            status: "Success",
            code: None,
            active: "new",
            failed_logins_delta: 0,
        };
        self.step(
            "change on an expired password: recovered with setPassword()",
            Operation::Change,
            EXPIRED,
            req,
            expect,
        )
        .await;
    }

    async fn quarantine(&mut self) {
        let req = self.request("Vault Privileged Account", ADMIN, "Not-The-Password-1");
        let expect = Expect {
            status: "LoginFailed",
            code: Some("INVALID_LOGIN"),
            active: "current",
            failed_logins_delta: 1,
        };
        self.step(
            "a wrong stored password: one failed login, then quarantined",
            Operation::Heartbeat,
            ADMIN,
            req.clone(),
            expect,
        )
        .await;
        let expect = Expect {
            status: "LoginFailed",
            code: Some("QUARANTINED"),
            active: "current",
            failed_logins_delta: 0,
        };
        self.step(
            "the same secret again: QUARANTINED, Salesforce is not contacted",
            Operation::Heartbeat,
            ADMIN,
            req,
            expect,
        )
        .await;
    }
}

/// Runs the demo (all scenarios, or the one named); exit 0 only if every step behaved.
pub async fn run(global: &Global, scenario: Option<&str>) -> Result<ExitCode, DemoError> {
    if scenario == Some("list") {
        for (name, what) in SCENARIOS {
            println!("{name:14} {what}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(s) = scenario {
        if !SCENARIOS.iter().any(|(n, _)| *n == s) {
            return Err(DemoError::UnknownScenario(s.to_owned()));
        }
    }
    let work = tempfile::tempdir().map_err(setup)?;
    let mut demo = Demo::start(global, work.path()).await?;
    println!(
        "sfrpc demo: an emulated Salesforce org ({}) on {}, its CA trusted, login.salesforce.com, \
         test.salesforce.com and *.my.salesforce.com resolved to it",
        demo.org["organization_name"].as_str().unwrap_or("demo"),
        demo.emulator.addr()
    );
    let wants = |name: &str| scenario.is_none_or(|s| s == name);
    if wants("rotation") {
        demo.rotation().await;
    }
    if wants("untrusted-ip") {
        demo.untrusted_ip().await;
    }
    if wants("api-disabled") {
        demo.api_disabled().await;
    }
    if wants("expired") {
        demo.expired().await;
    }
    if wants("quarantine") {
        demo.quarantine().await;
    }
    let (passed, failed) = (demo.passed, demo.failed);
    demo.emulator.shutdown().await;
    println!(
        "\nsfrpc demo: {passed} of {} steps behaved as expected",
        passed + failed
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
