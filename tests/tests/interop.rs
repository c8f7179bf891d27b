//! Interop: the real simple-salesforce (PyPI) and jsforce (npm) clients, unchanged, log in to
//! the emulator and change passwords over real TLS; the emulator's control API then says what
//! Salesforce would have recorded. The clients are installed by `scripts/setup-interop.sh`;
//! the scripts and their plan format are described in `tests/interop/README.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use sfrpc_emulator::{Emulator, EmulatorConfig, OrgFile};
use tokio::process::Command;

const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);
const SETUP_HINT: &str = "run scripts/setup-interop.sh";

/// A user of the fixtures (fixtures/orgs/README.md), as the scripts' plan names it.
struct User {
    username: &'static str,
    password: &'static str,
    token: &'static str,
}

/// An acme-prod admin who may manage users (sets the target's password).
const ADMIN: User = User {
    username: "admin@acme.example.com",
    password: "Adm1n-Acme-2024!",
    token: "ADMTOKEN0acme0000001",
};
/// An acme-prod user outside the trusted ranges: every login needs its token.
const TARGET: User = User {
    username: "svc.rotate@acme.example.com",
    password: "R0tate-Me-2024!",
    token: "ROTTOKEN0acme0000002",
};
/// An acme-prod user inside the trusted ranges (no token needed).
const INTEGRATION: User = User {
    username: "integration@acme.example.com",
    password: "Integr8-Acme-2024!",
    token: "INTTOKEN0acme0000003",
};
/// An acme-prod user outside the trusted ranges, whose token the scripts leave out.
const TOKEN_USER: User = User {
    username: "analyst@acme.example.com",
    password: "Analyst-Acme-2024!",
    token: "ANLTOKEN0acme0000004",
};
/// The acme--uat sandbox copy of the integration user.
const SANDBOX: User = User {
    username: "integration@acme.example.com.uat",
    password: "Integr8-Uat-2024!",
    token: "INTTOKEN0uat00000005",
};
/// The new passwords the two clients set (they satisfy every fixture's policy).
const PY_NEW_PASSWORD: &str = "Py-Rotated-7781!";
const JS_NEW_PASSWORD: &str = "Js-Rotated-9924!";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn interop_dir() -> PathBuf {
    repo_root().join("tests").join("interop")
}

fn user_json(user: &User) -> Value {
    json!({"username": user.username, "password": user.password, "token": user.token})
}

/// The plan both scripts read: which fixture user plays which part.
fn plan() -> Value {
    json!({
        "admin": user_json(&ADMIN),
        "target": {
            "username": TARGET.username,
            "password": TARGET.password,
            "token": TARGET.token,
            "new_password": PY_NEW_PASSWORD,
            "js_new_password": JS_NEW_PASSWORD,
            "needs_token": true,
        },
        "wrong_password": {"username": INTEGRATION.username},
        "token_user": {"username": TOKEN_USER.username, "password": TOKEN_USER.password},
        "sandbox": user_json(&SANDBOX),
        "expired": user_json(&INTEGRATION),
    })
}

/// Every secret the fixtures and the plan hold; none may appear in the scripts' output.
fn plan_secrets() -> Vec<String> {
    let users = [&ADMIN, &TARGET, &INTEGRATION, &TOKEN_USER, &SANDBOX];
    let mut secrets: Vec<String> = users
        .iter()
        .flat_map(|u| [u.password.to_string(), u.token.to_string()])
        .collect();
    secrets.extend([PY_NEW_PASSWORD.to_string(), JS_NEW_PASSWORD.to_string()]);
    secrets
}

/// The emulator running in this test, its plan file, and a client for its control API.
struct Harness {
    emulator: Emulator,
    dir: tempfile::TempDir,
    ca: PathBuf,
    http: reqwest::Client,
    base: String,
}

impl Harness {
    async fn start() -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let orgs_dir = repo_root().join("fixtures").join("orgs");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&orgs_dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", orgs_dir.display()))
            .map(|entry| entry.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "no org files in {}", orgs_dir.display());
        let orgs = paths
            .iter()
            .map(|p| OrgFile::from_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .collect();
        let config = EmulatorConfig {
            orgs,
            listen: "127.0.0.1:0".parse().expect("socket address"),
            ca_out: Some(dir.path().to_path_buf()),
            client_ip: None,
        };
        let emulator = Emulator::start(config).await.expect("the emulator starts");
        let ca = emulator
            .ca_cert_path()
            .expect("the emulator wrote its CA (ca_out was given)")
            .to_path_buf();
        let root = reqwest::Certificate::from_pem(emulator.ca_cert_pem().as_bytes())
            .expect("the emulator's CA is PEM");
        let http = reqwest::Client::builder()
            .add_root_certificate(root)
            .no_proxy()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("control API client");
        let base = format!("https://{}/__emulator", emulator.addr());
        std::fs::write(dir.path().join("plan.json"), plan().to_string()).expect("plan file");
        Harness {
            emulator,
            dir,
            ca,
            http,
            base,
        }
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.http.get(format!("{}{path}", self.base)).send().await;
        let response = response.expect("control API answers");
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("control API JSON")
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> reqwest::Response {
        let url = format!("{}{path}", self.base);
        let request = self.http.request(method, url).json(&body);
        request.send().await.expect("control API answers")
    }

    async fn user(&self, username: &str) -> Value {
        self.get(&format!("/users/{username}")).await
    }

    /// Whether `password` is now the user's password (the emulator never returns plaintext).
    async fn password_is(&self, username: &str, password: &str) -> bool {
        let path = format!("/users/{username}/check-password");
        let response = self
            .send(reqwest::Method::POST, &path, json!({"password": password}))
            .await;
        assert_eq!(response.status(), 200, "POST {path}");
        let body: Value = response.json().await.expect("check-password JSON");
        body["valid"]
            .as_bool()
            .expect("check-password says valid: bool")
    }

    /// Every secret the emulator knows of now: the plan's and the tokens it "e-mailed".
    async fn all_secrets(&self) -> Vec<String> {
        let mut secrets = plan_secrets();
        let outbox = self.get("/outbox").await;
        for entry in outbox.as_array().expect("outbox is an array") {
            if let Some(token) = entry["token"].as_str() {
                secrets.push(token.to_string());
            }
        }
        secrets
    }

    /// Runs one interop script to completion and returns its checks by name.
    async fn run(&self, mut command: Command) -> Checks {
        command
            .current_dir(interop_dir())
            .env("SFRPC_EMULATOR_ADDR", self.emulator.addr().to_string())
            .env("SFRPC_EMULATOR_CA", &self.ca)
            .env("SFRPC_INTEROP_PLAN", self.dir.path().join("plan.json"))
            .env("REQUESTS_CA_BUNDLE", &self.ca)
            .env("NODE_EXTRA_CA_CERTS", &self.ca)
            .env_remove("JSFORCE_LOG_LEVEL")
            .env_remove("NODE_OPTIONS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = command.spawn().expect("the interop script starts");
        let output = tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output())
            .await
            .expect("the interop script finishes in time")
            .expect("the interop script's output");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let secrets = self.all_secrets().await;
        let leaked = secrets
            .iter()
            .any(|s| stdout.contains(s.as_str()) || stderr.contains(s.as_str()));
        assert!(!leaked, "an interop script printed a password or token");
        let checks = Checks::parse(&stdout);
        assert!(
            output.status.success(),
            "interop script failed ({}):\n{stdout}\n--- stderr ---\n{stderr}",
            output.status
        );
        checks
    }
}

/// The JSON lines a script printed, by check name.
struct Checks(BTreeMap<String, Value>);

impl Checks {
    fn parse(stdout: &str) -> Checks {
        let checks = stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line.trim()).ok())
            .filter_map(|v| Some((v["check"].as_str()?.to_string(), v)))
            .collect();
        Checks(checks)
    }

    /// Asserts that exactly these checks ran and passed.
    fn assert_passed(&self, expected: &[&str]) {
        let names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        let mut wanted = expected.to_vec();
        wanted.sort_unstable();
        assert_eq!(names, wanted, "the checks the script reported");
        for (name, line) in &self.0 {
            assert_eq!(line["ok"], json!(true), "check {name} failed: {line}");
        }
    }
}

fn counter(state: &Value, name: &str) -> u64 {
    state[name]
        .as_u64()
        .unwrap_or_else(|| panic!("user state has no {name}: {state}"))
}

/// sha256 of a file, hex, as `sha256sum` prints it (the tool scripts/setup-interop.sh uses).
fn sha256_hex(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("running sha256sum {}: {e}", path.display()));
    assert!(out.status.success(), "sha256sum {} failed", path.display());
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .next()
        .unwrap_or_else(|| panic!("sha256sum printed nothing for {}", path.display()))
        .to_string()
}

/// Fails (never skips) unless `stamp` holds the sha256 of `pinned`: the install must be the
/// one the pins describe.
fn assert_stamp(stamp: &Path, pinned: &Path, what: &str) {
    let recorded = std::fs::read_to_string(stamp).unwrap_or_else(|_| {
        panic!(
            "{what} is not installed ({} missing): {SETUP_HINT}",
            stamp.display()
        )
    });
    let expected = sha256_hex(pinned);
    assert_eq!(
        recorded.trim(),
        expected,
        "{what} is stale: it was installed from a different {} (stamp {}): {SETUP_HINT}",
        pinned.file_name().unwrap_or_default().to_string_lossy(),
        stamp.display()
    );
}

fn python() -> PathBuf {
    let venv = interop_dir().join(".venv");
    let python = venv.join("bin").join("python");
    assert!(
        python.exists(),
        "simple-salesforce is not installed in tests/interop/.venv: {SETUP_HINT}"
    );
    assert_stamp(
        &venv.join(".requirements.sha256"),
        &interop_dir().join("requirements.txt"),
        "tests/interop/.venv",
    );
    python
}

fn node_modules_ready() {
    assert_stamp(
        &interop_dir()
            .join("node_modules")
            .join(".package-lock.sha256"),
        &interop_dir().join("package-lock.json"),
        "tests/interop/node_modules",
    );
    let jsforce = interop_dir()
        .join("node_modules")
        .join("jsforce")
        .join("package.json");
    let manifest = std::fs::read_to_string(&jsforce)
        .unwrap_or_else(|_| panic!("jsforce is not installed in tests/interop: {SETUP_HINT}"));
    let manifest: Value = serde_json::from_str(&manifest).expect("jsforce package.json");
    assert_eq!(
        manifest["version"], "3.10.8",
        "jsforce version: {SETUP_HINT}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_salesforce_logs_in_and_sets_passwords() {
    let python = python();
    let harness = Harness::start().await;
    let mut command = Command::new(python);
    command.arg("simple_salesforce_interop.py");
    harness.run(command).await.assert_passed(&[
        "soap_login",
        "query_user",
        "rest_set_password",
        "new_token_in_outbox",
        "login_new_password",
        "old_password_refused",
        "invalid_login",
        "missing_token",
        "sandbox_login",
        "sandbox_user_on_login_host",
        "routed_by_name",
    ]);

    assert!(harness.password_is(TARGET.username, PY_NEW_PASSWORD).await);
    assert!(!harness.password_is(TARGET.username, TARGET.password).await);
    let target = harness.user(TARGET.username).await;
    assert_eq!(counter(&target, "password_changes"), 1, "{target}");
    assert_eq!(counter(&target, "login_attempts"), 2, "{target}");
    assert_eq!(counter(&target, "failed_logins"), 1, "{target}");
    let admin = harness.user(ADMIN.username).await;
    assert_eq!(counter(&admin, "login_attempts"), 1, "{admin}");
    assert_eq!(counter(&admin, "failed_logins"), 0, "{admin}");
    let wrong = harness.user(INTEGRATION.username).await;
    assert_eq!(counter(&wrong, "failed_logins"), 1, "{wrong}");
    assert!(
        harness
            .password_is(INTEGRATION.username, INTEGRATION.password)
            .await
    );
    let token_user = harness.user(TOKEN_USER.username).await;
    assert_eq!(counter(&token_user, "failed_logins"), 1, "{token_user}");
    let sandbox = harness.user(SANDBOX.username).await;
    assert!(counter(&sandbox, "login_attempts") >= 1, "{sandbox}");
    harness.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jsforce_logs_in_and_sets_passwords() {
    node_modules_ready();
    let harness = Harness::start().await;
    let path = format!("/users/{}", INTEGRATION.username);
    let expire = json!({"password_expired": true});
    let response = harness.send(reqwest::Method::PATCH, &path, expire).await;
    assert_eq!(response.status(), 204, "PATCH {path}");
    let mut command = Command::new("node");
    command.args(["--require", "./route-to-emulator.js", "jsforce_interop.js"]);
    harness.run(command).await.assert_passed(&[
        "soap_login",
        "login_url_localhost",
        "rest_query_user",
        "soap_set_password",
        "new_token_in_outbox",
        "login_new_password",
        "soap_logout",
        "old_password_refused",
        "invalid_login",
        "missing_token",
        "expired_password",
        "sandbox_login",
        "routed_by_name",
    ]);

    assert!(harness.password_is(TARGET.username, JS_NEW_PASSWORD).await);
    assert!(!harness.password_is(TARGET.username, TARGET.password).await);
    let target = harness.user(TARGET.username).await;
    assert_eq!(counter(&target, "password_changes"), 1, "{target}");
    assert_eq!(counter(&target, "login_attempts"), 2, "{target}");
    assert_eq!(counter(&target, "failed_logins"), 1, "{target}");
    assert_eq!(
        counter(&target, "active_sessions"),
        0,
        "logout ended it: {target}"
    );
    let expired = harness.user(INTEGRATION.username).await;
    assert_eq!(expired["password_expired"], json!(true), "{expired}");
    // The wrong password (refused) and the expired one (accepted, restricted session).
    assert_eq!(counter(&expired, "login_attempts"), 2, "{expired}");
    assert_eq!(counter(&expired, "failed_logins"), 1, "{expired}");
    let token_user = harness.user(TOKEN_USER.username).await;
    assert_eq!(counter(&token_user, "failed_logins"), 1, "{token_user}");
    harness.emulator.shutdown().await;
}
