//! A scripted fake host: answers each request of a job from fixture files (or a transport
//! error), enforces the manifest allowlist like the real hosts, and records a transcript
//! (method, host + path, SOAP operation, which password a login used). Bodies never appear in
//! messages.
#![allow(dead_code)]

pub mod scenarios;

use std::collections::VecDeque;
use std::path::PathBuf;

use serde_json::{json, Value};
use sfrpc_plugin::{
    HttpRequest, HttpResponse, Job, JobResult, Output, TransportError, TransportErrorKind,
};

/// Test passwords and tokens (alphanumeric and '-' so they read the same in XML and forms).
pub const CURRENT: &str = "Current-Pass1x";
pub const PENDING: &str = "Pending-Pass2y";
pub const NEW: &str = "New-Pass3zQ9";
pub const PRIV: &str = "Priv-Pass4w";
pub const TOKEN: &str = "TOKENcur123abc";
pub const PRIV_TOKEN: &str = "TOKENpriv456def";
pub const CLIENT_ID: &str = "3MVG9FAKECLIENTIDxyz";
pub const CLIENT_SECRET: &str = "FAKECLIENTSECRET0123456789";

/// Every secret a test request carries.
pub const REQUEST_SECRETS: &[&str] = &[
    CURRENT,
    PENDING,
    NEW,
    PRIV,
    TOKEN,
    PRIV_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
];

/// Every secret the fixtures and test requests hold: fixtures/SECRETS.txt (session ids,
/// tokens, passwords in the fixture files), [`REQUEST_SECRETS`], and every `FIXTURE…` word of
/// the sample requests and secrets.
pub fn fixture_secrets() -> Vec<String> {
    let mut all: Vec<String> = fixture("SECRETS.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(all.len() >= 5, "fixtures/SECRETS.txt looks empty");
    all.extend(REQUEST_SECRETS.iter().map(|s| s.to_string()));
    for dir in ["requests", "secrets"] {
        let path = fixtures_dir().join(dir);
        for entry in std::fs::read_dir(&path).expect("fixture dir").flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for word in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
                if word.contains("FIXTURE") && !word.contains("FIXTURE`") {
                    all.push(word.to_owned());
                }
            }
        }
    }
    all.sort();
    all.dedup();
    all
}

/// Whether `text` holds something shaped like a Salesforce session id or OAuth access token:
/// a 15- or 18-character org id (`00D…`), `!`, then at least 20 token characters.
pub fn looks_like_session_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(bang, &b)| {
        if b != b'!' {
            return false;
        }
        let org = [15, 18].iter().any(|&len| {
            bang >= len
                && bytes[bang - len..bang].starts_with(b"00D")
                && bytes[bang - len..bang]
                    .iter()
                    .all(u8::is_ascii_alphanumeric)
        });
        let token = bytes[bang + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_'))
            .count();
        org && token >= 20
    })
}

/// Whether `text` holds any of `secrets` or a session-id shape: such text is never printed.
pub fn holds_secret(text: &str, secrets: &[String]) -> bool {
    secrets.iter().any(|s| text.contains(s.as_str())) || looks_like_session_id(text)
}

/// A billion-laughs DOCTYPE for a `soapenv:Envelope`: ten levels of entities, each ten of the
/// one before, so `&lol9;` would expand to 10^9 "lol"s. Documents that use it must be refused
/// without expansion.
pub fn entity_bomb_doctype() -> String {
    let mut doctype = String::from("<!DOCTYPE soapenv:Envelope [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        doctype.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    doctype.push_str("]>");
    doctype
}

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// An HTTP answer.
    Http(u16, String),
    /// A transport failure.
    Transport(TransportErrorKind, bool),
}

/// The repository's fixtures directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// A fixture file's text.
pub fn fixture(path: &str) -> String {
    let full = fixtures_dir().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|_| panic!("missing fixture {path}"))
}

/// The answers of a self-mode change that goes well: login, changeOwnPassword, the
/// verification login, and a logout of each session.
pub fn change_ok_script() -> Vec<Reply> {
    vec![
        soap("login_success"),
        soap("change_own_password_ok"),
        soap("login_success"),
        soap("logout_ok"),
        soap("logout_ok"),
    ]
}

/// A SOAP fixture with the status Salesforce sends it with.
pub fn soap(name: &str) -> Reply {
    // `html_503.html` is sent with 503, `fault_*` with 500, anything else with 200.
    let html_status = name
        .strip_prefix("html_")
        .and_then(|n| n.strip_suffix(".html"))
        .and_then(|n| n.parse::<u16>().ok());
    let status = if name.starts_with("fault_") {
        500
    } else {
        html_status.unwrap_or(200)
    };
    let file = if name.contains('.') {
        name.to_owned()
    } else {
        format!("{name}.xml")
    };
    Reply::Http(status, fixture(&format!("soap/{file}")))
}

/// A REST fixture with its status.
pub fn rest(name: &str) -> Reply {
    let status = match name {
        "error_INVALID_SESSION_ID" | "error_INVALID_OPERATION_WITH_EXPIRED_PASSWORD" => 401,
        "error_INSUFFICIENT_ACCESS" | "error_REQUEST_LIMIT_EXCEEDED" => 403,
        "error_NOT_FOUND" => 404,
        "error_INVALID_NEW_PASSWORD" => 400,
        _ => 200,
    };
    Reply::Http(status, fixture(&format!("rest/{name}.json")))
}

/// An OAuth fixture with its status.
pub fn oauth(name: &str) -> Reply {
    let status = if name.starts_with("error_") { 400 } else { 200 };
    Reply::Http(status, fixture(&format!("oauth/{name}.json")))
}

/// A transport failure.
pub fn fail(kind: TransportErrorKind, maybe_sent: bool) -> Reply {
    Reply::Transport(kind, maybe_sent)
}

/// The manifest's allowlist, as both hosts enforce it.
pub fn allowed(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains(['@', ':']) {
        return false;
    }
    let host = authority.to_ascii_lowercase();
    host == "login.salesforce.com"
        || host == "test.salesforce.com"
        || (host.ends_with(".my.salesforce.com") && host.len() > ".my.salesforce.com".len())
}

/// What a run produced.
#[derive(Debug)]
pub struct Run {
    /// The job's result.
    pub result: JobResult,
    /// `METHOD host/path op` per request, in order (`DENIED …` for refused ones).
    pub transcript: Vec<String>,
    /// Just the operations (`login[current]`, `changeOwnPassword`, `query`, `GET query`...).
    pub ops: Vec<String>,
    /// The requests as sent (for body checks with `assert!(… contains …)`).
    pub requests: Vec<HttpRequest>,
    /// Debug renderings of the job taken between steps (for the leak test).
    pub debug_snapshots: Vec<String>,
}

impl Run {
    /// The ops as `&str`s.
    pub fn ops(&self) -> Vec<&str> {
        self.ops.iter().map(String::as_str).collect()
    }
}

fn soap_operation(body: &str) -> Option<String> {
    let start = body.find("Body>")? + "Body>".len();
    let rest = body[start..].trim_start().strip_prefix('<')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == ':')
        .collect();
    Some(name.rsplit(':').next().unwrap_or_default().to_owned())
}

fn login_label(body: &str) -> String {
    let who = [
        (PRIV, "privileged"),
        (PENDING, "pending"),
        (NEW, "new"),
        (CURRENT, "current"),
    ]
    .iter()
    .find(|(secret, _)| body.contains(secret))
    .map_or("?", |(_, label)| label);
    let token = if body.contains(TOKEN) || body.contains(PRIV_TOKEN) {
        "+token"
    } else {
        ""
    };
    format!("[{who}{token}]")
}

fn describe(req: &HttpRequest) -> (String, String) {
    let rest = req
        .url
        .split_once("://")
        .map_or(req.url.as_str(), |(_, r)| r);
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let op = if path.ends_with("/services/oauth2/token") {
        format!("token{}", login_label(&req.body))
    } else if let Some(op) = soap_operation(&req.body).filter(|_| path.contains("/services/Soap/"))
    {
        if op == "login" {
            format!("login{}", login_label(&req.body))
        } else {
            op
        }
    } else {
        let last = path.rsplit('/').next().unwrap_or_default();
        format!("{} {last}", req.method)
    };
    (format!("{} {path} {op}", req.method), op)
}

/// Drives a job built from `request` through `script`; every script item must be used.
pub fn run(request: &Value, script: Vec<Reply>) -> Run {
    run_json(&request.to_string(), script)
}

/// Like [`run`], from JSON text.
pub fn run_json(request: &str, script: Vec<Reply>) -> Run {
    run_job(Job::new(request, 0), script)
}

/// Like [`run`], for a job the test built (e.g. from a `Request` it adjusted).
pub fn run_job(mut job: Job, script: Vec<Reply>) -> Run {
    let mut script: VecDeque<Reply> = script.into();
    let mut run = Run {
        result: placeholder(),
        transcript: Vec::new(),
        ops: Vec::new(),
        requests: Vec::new(),
        debug_snapshots: Vec::new(),
    };
    for step in 0..64u64 {
        run.debug_snapshots.push(format!("{job:?}"));
        match job.poll(step) {
            Output::Done(result) => {
                assert!(
                    job.poll(step) == Output::Done(result.clone()),
                    "poll after Done must repeat the result"
                );
                assert!(
                    script.is_empty(),
                    "{} scripted answers unused; transcript: {:?}",
                    script.len(),
                    run.transcript
                );
                run.result = result;
                return run;
            }
            Output::Wait => panic!("job waits with nothing outstanding"),
            Output::Send(req) => {
                assert!(
                    job.poll(step) == Output::Wait,
                    "a second poll while outstanding must Wait"
                );
                let (line, op) = describe(&req);
                if !allowed(&req.url) {
                    run.transcript.push(format!("DENIED {line}"));
                    run.ops.push(format!("DENIED {op}"));
                    run.requests.push(req.clone());
                    let error = TransportError {
                        kind: TransportErrorKind::Denied,
                        maybe_sent: false,
                        detail: Some("add the host to allowed_outbound_hosts".to_owned()),
                    };
                    job.handle_transport_error(req.id, error, step);
                    continue;
                }
                run.transcript.push(line.clone());
                run.ops.push(op);
                let answer = script.pop_front().unwrap_or_else(|| {
                    panic!(
                        "script exhausted at {line}; transcript: {:?}",
                        run.transcript
                    )
                });
                let id = req.id;
                run.requests.push(req);
                match answer {
                    Reply::Http(status, body) => job.handle_response(
                        id,
                        HttpResponse {
                            status,
                            headers: vec![("Content-Type".to_owned(), "text/xml".to_owned())],
                            body,
                        },
                        step,
                    ),
                    Reply::Transport(kind, maybe_sent) => job.handle_transport_error(
                        id,
                        TransportError {
                            kind,
                            maybe_sent,
                            detail: None,
                        },
                        step,
                    ),
                }
            }
        }
    }
    panic!(
        "job did not finish within 64 steps; transcript: {:?}",
        run.transcript
    );
}

fn placeholder() -> JobResult {
    serde_json::from_value(json!({
        "operation": "heartbeat", "secret_id": null, "secret_name": null, "site": null,
        "status": "UnknownError", "code": "", "message": "", "remediation": null,
        "active_password": "unknown", "retryable": false, "failed_logins": 0,
        "checks": [], "log": []
    }))
    .expect("placeholder result")
}

/// A request in Secret Server's model: production login URL, egress IP inside the trusted
/// ranges (so no token is needed), `new_password` for change.
pub fn request(operation: &str) -> Value {
    let mut r = json!({
        "operation": operation,
        "secret": {
            "id": 1063, "name": "Salesforce Test", "secretTemplateName": "Web Password",
            "items": [
                {"slug": "url", "itemValue": "https://login.salesforce.com"},
                {"slug": "username", "itemValue": "integration@acme.com"},
                {"slug": "password", "itemValue": CURRENT, "isPassword": true},
                {"slug": "security-token", "itemValue": ""},
                {"slug": "client-id", "itemValue": ""},
                {"slug": "client-secret", "itemValue": ""}
            ]
        },
        "site": {"name": "EARTH", "egress_ips": ["203.0.113.7"]},
        "org": {"trusted_ip_ranges": ["203.0.113.0/24", "198.51.100.1-198.51.100.9"]}
    });
    if operation == "change" {
        r["new_password"] = json!(NEW);
    }
    r
}

/// Sets the secret item `slug` to `value`.
pub fn set_item(req: &mut Value, slug: &str, value: &str) {
    let items = req["secret"]["items"].as_array_mut().expect("items");
    match items.iter_mut().find(|i| i["slug"] == slug) {
        Some(item) => item["itemValue"] = json!(value),
        None => items.push(json!({"slug": slug, "itemValue": value})),
    }
}

/// Gives the secret a security token and makes the egress IP's trust unknown.
pub fn with_token_ip_unknown(mut req: Value) -> Value {
    set_item(&mut req, "security-token", TOKEN);
    req.as_object_mut().expect("object").remove("site");
    req
}

/// Adds a pending password.
pub fn with_pending(mut req: Value) -> Value {
    req["pending_password"] = json!(PENDING);
    req
}

/// Switches to the OAuth username-password flow.
pub fn with_oauth(mut req: Value) -> Value {
    req["login_method"] = json!("oauth_password");
    set_item(&mut req, "client-id", CLIENT_ID);
    set_item(&mut req, "client-secret", CLIENT_SECRET);
    req
}

/// Adds a privileged account (flat form).
pub fn with_privileged(mut req: Value) -> Value {
    req["privileged_secret"] = json!({
        "id": 2001, "name": "SF admin", "url": "https://login.salesforce.com",
        "username": "admin@acme.com", "password": PRIV, "security_token": PRIV_TOKEN
    });
    req
}

/// A login_success.xml whose serverUrl is replaced.
pub fn login_with_server_url(url: &str) -> Reply {
    let body = fixture("soap/login_success.xml").replace(
        "https://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa",
        url,
    );
    Reply::Http(200, body)
}
