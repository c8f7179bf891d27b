//! Test harness: the emulator in-process, a reqwest client that trusts its CA and resolves
//! the real Salesforce names to the listener, and helpers for SOAP, REST and the control API.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use sfrpc_emulator::{Emulator, EmulatorConfig, OrgFile};

/// Fixture users (fixtures/orgs/README.md).
pub mod users {
    pub const ADMIN: (&str, &str, &str) = (
        "admin@acme.example.com",
        "Adm1n-Acme-2024!",
        "ADMTOKEN0acme0000001",
    );
    pub const ROTATE: (&str, &str, &str) = (
        "svc.rotate@acme.example.com",
        "R0tate-Me-2024!",
        "ROTTOKEN0acme0000002",
    );
    pub const INTEGRATION: (&str, &str, &str) = (
        "integration@acme.example.com",
        "Integr8-Acme-2024!",
        "INTTOKEN0acme0000003",
    );
    pub const ANALYST: (&str, &str, &str) = (
        "analyst@acme.example.com",
        "Analyst-Acme-2024!",
        "ANLTOKEN0acme0000004",
    );
    pub const SALES: (&str, &str, &str) = (
        "sales@acme.example.com",
        "Sales-Acme-2024!",
        "SLSTOKEN0acme0000005",
    );
    pub const ETL: (&str, &str, &str) = (
        "etl@acme.example.com",
        "Etl-Acme-2024!",
        "ETLTOKEN0acme0000006",
    );
    pub const UAT: (&str, &str, &str) = (
        "integration@acme.example.com.uat",
        "Integr8-Uat-2024!",
        "INTTOKEN0uat00000005",
    );
    pub const UAT_ADMIN: (&str, &str, &str) = (
        "admin@acme.example.com.uat",
        "Adm1n-Uat-2024!",
        "ADMTOKEN0uat00000006",
    );
    pub const GLOBEX_ADMIN: (&str, &str, &str) = (
        "admin@globex.example.com",
        "Gl0bex-Adm1n-2024!",
        "GLATOKEN0globex000005",
    );
    pub const GLOBEX_EXPIRED: (&str, &str, &str) = (
        "integration@globex.example.com",
        "Gl0bex-Integr8-2024!",
        "GLXTOKEN0globex000001",
    );
    pub const GLOBEX_LOCKED: (&str, &str, &str) = (
        "locked@globex.example.com",
        "L0cked-Out-2024!",
        "LCKTOKEN0globex000002",
    );
    pub const GLOBEX_NOAPI: (&str, &str, &str) = (
        "noapi@globex.example.com",
        "N0-Api-Globex-2024!",
        "NAPTOKEN0globex000003",
    );
    pub const GLOBEX_RESTRICTED: (&str, &str, &str) = (
        "restricted@globex.example.com",
        "R3stricted-2024!",
        "RSTTOKEN0globex000004",
    );
    pub const DEMO: (&str, &str, &str) = (
        "vault.integration@demo.example.com",
        "D3mo-Integr8-2024!",
        "DEMTOKEN0demo00000001",
    );
}

/// The production login host.
pub const LOGIN: &str = "https://login.salesforce.com";
/// The sandbox login host.
pub const TEST: &str = "https://test.salesforce.com";
/// The version the plugin uses.
pub const V: &str = "64.0";

/// Every host name the fixtures and test orgs use.
const HOSTS: &[&str] = &[
    "login.salesforce.com",
    "test.salesforce.com",
    "acme.my.salesforce.com",
    "acme--uat.sandbox.my.salesforce.com",
    "globex.my.salesforce.com",
    "demo.my.salesforce.com",
    "tiny.my.salesforce.com",
];

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The fixture org files, sorted.
pub fn fixture_paths() -> Vec<PathBuf> {
    let dir = repo_root().join("fixtures").join("orgs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// Every fixture password and token (none may leak).
pub fn fixture_secrets() -> Vec<String> {
    let mut out = Vec::new();
    for p in fixture_paths() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        for u in v["users"].as_array().unwrap() {
            out.push(u["password"].as_str().unwrap().to_string());
            out.push(u["security_token"].as_str().unwrap().to_string());
        }
        for a in v["connected_apps"].as_array().into_iter().flatten() {
            out.push(a["client_secret"].as_str().unwrap().to_string());
        }
    }
    out
}

/// A running emulator and a client for it.
pub struct Harness {
    pub emu: Emulator,
    pub http: reqwest::Client,
    pub control: String,
    _dir: tempfile::TempDir,
}

/// An open session.
pub struct Session {
    pub id: String,
    pub server_url: String,
    pub user_id: String,
    pub body: String,
}

impl Harness {
    /// All fixture orgs.
    pub async fn start() -> Harness {
        let orgs = fixture_paths()
            .iter()
            .map(|p| OrgFile::from_path(p).unwrap())
            .collect();
        Harness::with_orgs(orgs).await
    }

    /// Given orgs.
    pub async fn with_orgs(orgs: Vec<OrgFile>) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let config = EmulatorConfig {
            orgs,
            listen: "127.0.0.1:0".parse().unwrap(),
            ca_out: Some(dir.path().to_path_buf()),
            client_ip: None,
        };
        let emu = Emulator::start(config).await.expect("emulator starts");
        let root = reqwest::Certificate::from_pem(emu.ca_cert_pem().as_bytes()).unwrap();
        let mut builder = reqwest::Client::builder()
            .add_root_certificate(root)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20));
        for host in HOSTS {
            builder = builder.resolve(host, emu.addr());
        }
        let http = builder.build().unwrap();
        let control = format!("https://{}/__emulator", emu.addr());
        Harness {
            emu,
            http,
            control,
            _dir: dir,
        }
    }

    /// POSTs a SOAP envelope; returns status, content type and body.
    pub async fn post_soap(&self, url: &str, envelope: &str) -> (u16, String, String) {
        let r = self
            .http
            .post(url)
            .header("content-type", "text/xml; charset=UTF-8")
            .header("soapaction", "\"\"")
            .body(envelope.to_string())
            .send()
            .await
            .expect("soap request answered");
        let status = r.status().as_u16();
        let ty = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ty, r.text().await.unwrap())
    }

    /// login() at `host` (`LOGIN`, `TEST` or a My Domain URL) with `password` as sent.
    pub async fn login_raw(
        &self,
        host: &str,
        version: &str,
        username: &str,
        password: &str,
    ) -> (u16, String) {
        let (s, _, b) = self
            .post_soap(
                &format!("{host}/services/Soap/u/{version}"),
                &login_envelope(username, password),
            )
            .await;
        (s, b)
    }

    /// login() expected to succeed.
    pub async fn session(&self, host: &str, username: &str, password: &str) -> Session {
        let (status, body) = self.login_raw(host, V, username, password).await;
        assert_eq!(
            status,
            200,
            "login of {username} failed: {}",
            fault_code(&body).unwrap_or_default()
        );
        Session {
            id: between(&body, "<sessionId>", "</sessionId>").unwrap(),
            server_url: between(&body, "<serverUrl>", "</serverUrl>").unwrap(),
            user_id: between(&body, "<userId>", "</userId>").unwrap(),
            body,
        }
    }

    /// A SOAP API call with a SessionHeader.
    pub async fn call(&self, url: &str, session_id: &str, op: &str) -> (u16, String) {
        let env = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>{session_id}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body>{op}</soapenv:Body></soapenv:Envelope>"#
        );
        let (s, _, b) = self.post_soap(url, &env).await;
        (s, b)
    }

    /// A REST request with a bearer token.
    pub async fn rest(
        &self,
        method: reqwest::Method,
        url: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, url).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("rest answered");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET on the control API.
    pub async fn get(&self, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}{path}", self.control))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }

    /// A control-API request with a JSON body; returns the status.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> u16 {
        let r = self
            .http
            .request(method, format!("{}{path}", self.control))
            .json(&body)
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    }

    /// POSTs `form` to `host`'s OAuth token endpoint; returns the status and the raw body.
    pub async fn token_raw(&self, host: &str, form: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .http
            .post(format!("{host}/services/oauth2/token"))
            .form(form)
            .send()
            .await
            .expect("token request answered");
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// `token_raw`, the body parsed (it must be JSON).
    pub async fn token(&self, host: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let (status, raw) = self.token_raw(host, form).await;
        (
            status,
            serde_json::from_str(&raw).expect("a JSON token answer"),
        )
    }

    /// The control API's view of a user.
    pub async fn user(&self, username: &str) -> Value {
        self.get(&format!("/users/{username}")).await
    }

    /// Whether `password` is the user's current password.
    pub async fn password_is(&self, username: &str, password: &str) -> bool {
        let r = self
            .http
            .post(format!("{}/users/{username}/check-password", self.control))
            .json(&serde_json::json!({"password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["valid"].as_bool().unwrap()
    }

    /// Arms a fault.
    pub async fn fault(&self, body: Value) {
        let r = self
            .http
            .post(format!("{}/faults", self.control))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert_eq!(
            status,
            204,
            "arming {} on {}: {}",
            body["kind"],
            body["endpoint"],
            summary_text(&r.text().await.unwrap())
        );
    }

    /// The latest token e-mailed to a user.
    pub async fn latest_token(&self, username: &str) -> Option<String> {
        let outbox = self.get("/outbox").await;
        outbox
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["username"]
                    .as_str()
                    .unwrap()
                    .eq_ignore_ascii_case(username)
            })
            .max_by_key(|e| e["seq"].as_u64().unwrap())
            .map(|e| e["token"].as_str().unwrap().to_string())
    }

    /// Moves the emulated clock.
    pub async fn advance(&self, seconds: u64) {
        let body = serde_json::json!({"seconds": seconds});
        assert_eq!(
            self.send(reqwest::Method::POST, "/clock/advance", body)
                .await,
            204
        );
    }
}

/// The OAuth username-password grant of `app` (client id, secret) for `user`.
pub fn grant<'a>(
    app: (&'a str, &'a str),
    user: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "password"),
        ("client_id", app.0),
        ("client_secret", app.1),
        ("username", user),
        ("password", password),
    ]
}

/// What a failure message may tell of a JSON answer: its error code(s), else its field names —
/// never a value, since an answer can carry an access token, session id or password.
pub fn summary(v: &Value) -> String {
    if let Some(code) = v.get("error").and_then(Value::as_str) {
        return format!("error {code}");
    }
    match v {
        Value::Array(items) => {
            let codes: Vec<&str> = items
                .iter()
                .filter_map(|e| e.get("errorCode").and_then(Value::as_str))
                .collect();
            format!("errorCode {codes:?}")
        }
        Value::Object(fields) => format!("fields {:?}", fields.keys().collect::<Vec<_>>()),
        Value::Null => "no JSON".to_string(),
        _ => "a JSON scalar".to_string(),
    }
}

/// `summary` of a raw answer: JSON, a SOAP fault's code or a SOAP answer's element name.
pub fn summary_text(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        return summary(&v);
    }
    if let Some(code) = fault_code(body).or_else(|| between(body, "<faultcode>", "</faultcode>")) {
        return format!("fault {code}");
    }
    match between(body, "Body><", ">") {
        Some(element) => {
            let name: String = element
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == ':')
                .collect();
            format!("SOAP {name}")
        }
        None => format!("{} bytes, neither JSON nor SOAP", body.len()),
    }
}

/// Asserts a JSON answer without printing it (a failure shows statuses and `summary`s).
#[track_caller]
pub fn assert_answer(got: (u16, &Value), want: (u16, &Value), what: &str) {
    assert!(
        got == want,
        "{what}: got {} {}, want {} {}",
        got.0,
        summary(got.1),
        want.0,
        summary(want.1)
    );
}

/// Asserts a raw answer without printing it (a failure shows statuses and `summary_text`s).
#[track_caller]
pub fn assert_answer_text(got: (u16, &str), want: (u16, &str), what: &str) {
    assert!(
        got == want,
        "{what}: got {} {}, want {} {}",
        got.0,
        summary_text(got.1),
        want.0,
        summary_text(want.1)
    );
}

/// The simplest login envelope (simple-salesforce's shape).
pub fn login_envelope(username: &str, password: &str) -> String {
    let (u, p) = (xml_escape(username), xml_escape(password));
    format!(
        r#"<?xml version="1.0" encoding="utf-8" ?><env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><env:Header><urn:CallOptions><urn:client>test</urn:client><urn:defaultNamespace>sf</urn:defaultNamespace></urn:CallOptions></env:Header><env:Body><n1:login xmlns:n1="urn:partner.soap.sforce.com"><n1:username>{u}</n1:username><n1:password>{p}</n1:password></n1:login></env:Body></env:Envelope>"#
    )
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text between the first `open` and the next `close`.
pub fn between(text: &str, open: &str, close: &str) -> Option<String> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(text[start..end].to_string())
}

/// The `sf:exceptionCode` of a fault body.
pub fn fault_code(body: &str) -> Option<String> {
    between(body, "<sf:exceptionCode>", "</sf:exceptionCode>")
}

/// The `sf:exceptionMessage` of a fault body.
pub fn fault_message(body: &str) -> Option<String> {
    between(body, "<sf:exceptionMessage>", "</sf:exceptionMessage>")
}

/// `…/services/Soap/u/64.0/…` → `https://host/services/data/v64.0`.
pub fn rest_base(server_url: &str) -> String {
    let host_end = server_url["https://".len()..].find('/').unwrap() + "https://".len();
    format!("{}/services/data/v{V}", &server_url[..host_end])
}

/// Asserts that `parts` occur in `text` in this order, without overlapping (a failure names
/// the part, never `text`: it may hold a token).
#[track_caller]
pub fn assert_in_order(text: &str, parts: &[&str]) {
    let mut from = 0;
    for (n, part) in parts.iter().enumerate() {
        match text[from..].find(part) {
            Some(i) => from += i + part.len(),
            None => panic!(
                "part {n} not found after byte {from} of a {}",
                summary_text(text)
            ),
        }
    }
}
