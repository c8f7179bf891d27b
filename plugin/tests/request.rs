//! Request parsing (SPEC 3): both secret forms, strict top-level/site/org keys, errors that name
//! the field and never a value, credential material for the host's quarantine.

mod support;

use serde_json::{json, Value};
use sfrpc_plugin::{Complexity, CredentialRole, Job, Operation, Output, Request, Status};

fn fixture_json(path: &str) -> Value {
    serde_json::from_str(&support::fixture(path)).expect("fixture is JSON")
}

fn with_secret(secret: Value) -> Request {
    let req = json!({"operation": "heartbeat", "secret": secret});
    Request::from_json(&req.to_string()).expect("request parses")
}

fn error_of(req: &Value) -> sfrpc_plugin::RequestError {
    match Request::from_json(&req.to_string()) {
        Ok(_) => panic!("request should be refused"),
        Err(e) => e,
    }
}

#[test]
fn sample_requests_parse() {
    let r = Request::from_json(&support::fixture(
        "requests/change_secret_server_model.json",
    ))
    .expect("parses");
    assert_eq!(r.operation(), Operation::Change);
    assert_eq!(r.secret_id(), Some(1063));
    assert_eq!(r.secret_name(), Some("Salesforce Test"));
    assert_eq!(r.site_name(), Some("EARTH"));
    assert!(r.has_new_password());
    let policy = r.password_policy().expect("policy");
    assert_eq!(
        (policy.min_length, policy.complexity),
        (8, Complexity::AlphaNumeric)
    );
    assert_eq!(r.api_version(), "64.0");
    for name in ["heartbeat_flat.json", "change_privileged_oauth.json"] {
        let r = Request::from_json(&support::fixture(&format!("requests/{name}"))).expect("parses");
        assert_eq!(r.secret_id(), Some(1063));
    }
}

#[test]
fn both_secret_forms_identify_the_same_credential() {
    let model = with_secret(fixture_json("secrets/secret_server_model.json"));
    let flat = with_secret(fixture_json("secrets/flat.json"));
    let a = model
        .credential_material(CredentialRole::Current)
        .expect("material");
    let b = flat
        .credential_material(CredentialRole::Current)
        .expect("material");
    assert!(
        *a == *b,
        "the two forms must give the same credential material"
    );
    assert!(model.credential_material(CredentialRole::Pending).is_none());
    assert!(model
        .credential_material(CredentialRole::Privileged)
        .is_none());
    let mut other = fixture_json("secrets/flat.json");
    other["password"] = json!("another-password-1");
    let c = with_secret(other)
        .credential_material(CredentialRole::Current)
        .expect("material");
    assert!(
        *a != *c,
        "a different password must give different material"
    );
    let mut token = fixture_json("secrets/flat.json");
    token["security_token"] = json!("another-token");
    let d = with_secret(token)
        .credential_material(CredentialRole::Current)
        .expect("material");
    assert!(*a != *d, "a different token must give different material");
}

#[test]
fn pending_and_privileged_material() {
    let mut req = support::with_pending(support::with_privileged(support::request("change")));
    let r = Request::from_json(&req.to_string()).expect("parses");
    let current = r
        .credential_material(CredentialRole::Current)
        .expect("current");
    let pending = r
        .credential_material(CredentialRole::Pending)
        .expect("pending");
    let privileged = r
        .credential_material(CredentialRole::Privileged)
        .expect("privileged");
    assert!(*current != *pending && *pending != *privileged && *current != *privileged);
    req["secret"]["items"][0]["itemValue"] = json!("https://test.salesforce.com");
    let moved = Request::from_json(&req.to_string()).expect("parses");
    assert!(
        *moved
            .credential_material(CredentialRole::Current)
            .expect("current")
            != *current
    );
}

#[test]
fn unknown_keys_are_refused_by_name() {
    let mut req = support::request("heartbeat");
    req["accept_token_rest"] = json!(true);
    let e = error_of(&req);
    assert_eq!(e.field(), "accept_token_rest");
    assert_eq!(e.code(), "INVALID_REQUEST");
    let mut req = support::request("heartbeat");
    req["site"]["egress_ip"] = json!("203.0.113.7");
    assert_eq!(error_of(&req).field(), "site.egress_ip");
    let mut req = support::request("change");
    req["org"]["password_policy"] = json!({"min_len": 8});
    assert_eq!(error_of(&req).field(), "org.password_policy.min_len");
}

#[test]
fn bad_values_name_the_field() {
    let cases: Vec<(Value, &str)> = vec![
        (json!({"secret": {}}), "operation"),
        (json!({"operation": "rotate", "secret": {}}), "operation"),
        (json!({"operation": "heartbeat"}), "secret"),
        (json!({"operation": "heartbeat", "secret": [], }), "secret"),
        (
            json!({"operation": "heartbeat", "secret": {}, "login_method": "saml"}),
            "login_method",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "api_version": "39.0"}),
            "api_version",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "api_version": "64"}),
            "api_version",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "api_version": "65.0"}),
            "api_version",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "accept_token_reset": "yes"}),
            "accept_token_reset",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "site": {"egress_ips": ["203.0.113.300"]}}),
            "site.egress_ips[0]",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "site": {"egress_ips": "203.0.113.7"}}),
            "site.egress_ips",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "org": {"login_ip_ranges": ["10.0.0.0/8", "nope"]}}),
            "org.login_ip_ranges[1]",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "org": {"password_policy": {"complexity": "strong"}}}),
            "org.password_policy.complexity",
        ),
        (
            json!({"operation": "heartbeat", "secret": {}, "org": {"password_policy": {"min_length": 0}}}),
            "org.password_policy.min_length",
        ),
    ];
    for (req, field) in cases {
        assert_eq!(error_of(&req).field(), field, "request {req}");
    }
    let e = Request::from_json("{\"operation\": ")
        .map(|_| ())
        .expect_err("invalid JSON");
    assert_eq!(e.field(), "request");
    assert!(e.to_string().contains("not valid JSON"));
}

#[test]
fn range_errors_have_their_own_code() {
    let req = json!({"operation": "heartbeat", "secret": {}, "org": {"trusted_ip_ranges": ["10.0.0.9-10.0.0.1"]}});
    let e = error_of(&req);
    assert_eq!(
        (e.field(), e.code()),
        ("org.trusted_ip_ranges[0]", "INVALID_IP_RANGE")
    );
    assert!(
        e.to_string().contains("10.0.0.9-10.0.0.1") && e.to_string().contains("start is after end")
    );
}

#[test]
fn errors_never_carry_values() {
    let secret = "Sup3r-Secret-Value";
    let reqs = [
        json!({"operation": "heartbeat", "secret": {"password": 5, "x": secret}}),
        json!({"operation": "heartbeat", "secret": secret}),
        json!({"operation": "heartbeat", "secret": {}, "new_password": [secret]}),
        json!({"operation": "heartbeat", "secret": {}, "pending_password": {"v": secret}}),
        json!({"operation": secret, "secret": {}}),
        json!({"operation": "heartbeat", "secret": {"items": [{"slug": "password", "itemValue": [secret]}]}}),
    ];
    for req in reqs {
        let e = error_of(&req);
        assert!(
            !e.to_string().contains(secret),
            "error text carries a value"
        );
        assert!(
            !format!("{e:?}").contains(secret),
            "error Debug carries a value"
        );
    }
}

#[test]
fn api_version_forms() {
    let base = support::request("heartbeat");
    let parse = |v: Value| {
        let mut r = base.clone();
        r["api_version"] = v;
        Request::from_json(&r.to_string()).map(|r| r.api_version().to_owned())
    };
    assert_eq!(parse(json!("62.0")).ok().as_deref(), Some("62.0"));
    assert_eq!(parse(json!(63.0)).ok().as_deref(), Some("63.0"));
    assert!(parse(json!("64.5")).is_err());
    let mut oauth = support::with_oauth(base.clone());
    oauth["api_version"] = json!("66.0");
    assert_eq!(
        Request::from_json(&oauth.to_string())
            .map(|r| r.api_version().to_owned())
            .ok()
            .as_deref(),
        Some("66.0")
    );
}

#[test]
fn a_bad_request_ends_at_once_with_argument_error() {
    for text in [
        "",
        "null",
        "[]",
        "{\"operation\": \"change\", \"secret\": {\"id\": 9, \"name\": \"S\"}, \"bogus\": 1}",
        "\u{0}",
    ] {
        let mut job = Job::new(text, 0);
        let Output::Done(result) = job.poll(0) else {
            panic!("a bad request must end at once");
        };
        assert_eq!(result.status, Status::ArgumentError);
        assert_eq!(result.failed_logins, 0);
        assert!(result
            .log
            .last()
            .is_some_and(|l| l.ends_with("returned (ArgumentError).")));
    }
    let mut job = Job::new(
        "{\"operation\": \"change\", \"secret\": {\"id\": 9, \"name\": \"S\"}, \"bogus\": 1}",
        0,
    );
    let Output::Done(result) = job.poll(0) else {
        panic!("done")
    };
    assert_eq!(
        (
            result.operation,
            result.secret_id,
            result.secret_name.as_deref()
        ),
        (Operation::Change, Some(9), Some("S"))
    );
    assert!(result.message.contains("bogus"));
}

#[test]
fn from_request_runs_the_same_job() {
    let req = Request::from_json(&support::request("heartbeat").to_string()).expect("parses");
    let mut job = Job::from_request(req, 0);
    let Output::Send(first) = job.poll(0) else {
        panic!("a login first")
    };
    assert_eq!(
        first.url,
        "https://login.salesforce.com/services/Soap/u/64.0"
    );
    assert_eq!(first.method, "POST");
}
