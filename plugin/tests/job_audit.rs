//! Behaviour the audit asked for, beyond the scenario table: what the operator reads and what
//! goes into each request when a change goes an unusual way.

mod support;

use sfrpc_plugin::{CheckOutcome, TransportErrorKind as K};
use support::*;

const HTTP_SERVER_URL: &str = "http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa";

#[test]
fn non_https_verification_answer_is_an_unverified_change_naming_the_egress_problem() {
    let run = run(
        &request("change"),
        vec![
            soap("login_success"),
            soap("change_own_password_ok"),
            login_with_server_url(HTTP_SERVER_URL),
            soap("logout_ok"),
        ],
    );
    assert_eq!(run.result.code, "CHANGE_UNVERIFIED");
    assert!(
        run.result.message.contains("not https"),
        "message: {}",
        run.result.message
    );
    assert!(run.result.remediation.is_some());
    assert!(run.result.log.iter().any(|l| l.contains("not https")));
}

#[test]
fn expired_fallback_sets_the_new_password_on_the_same_session() {
    let run = run(
        &request("change"),
        vec![
            soap("login_success"),
            soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"),
            soap("set_password_ok"),
            soap("login_success"),
            soap("logout_ok"),
            soap("logout_ok"),
        ],
    );
    let set = &run.requests[2].body;
    assert!(set.contains("setPassword") && set.contains("0055g00000AbCdEAAV"));
    assert!(set.contains(NEW) && !set.contains(CURRENT));
    assert!(
        set.contains("00D5g000004XyZa!FAKESESSIONAQEAQlogin0001xYzFAKE"),
        "the login's session, no extra login"
    );
    assert_eq!(run.result.failed_logins, 0);
    assert!(run
        .result
        .log
        .iter()
        .any(|l| l.contains("expired") && l.contains("setPassword()")));
}

#[test]
fn privileged_refused_verification_after_a_lost_set_password_keeps_both() {
    let run = run(
        &with_privileged(request("change")),
        vec![
            soap("login_success"),
            soap("query_user_id"),
            fail(K::Timeout, true),
            soap("fault_INVALID_LOGIN"),
            soap("logout_ok"),
        ],
    );
    assert_eq!(
        run.result.active_password,
        sfrpc_plugin::ActivePassword::Unknown
    );
    assert!(run
        .result
        .remediation
        .as_deref()
        .unwrap_or_default()
        .contains("pending_password"));
}

#[test]
fn expired_verification_login_is_reported_and_the_change_stands() {
    let run = run(
        &request("change"),
        vec![
            soap("login_success"),
            soap("change_own_password_ok"),
            soap("login_password_expired"),
            soap("logout_ok"),
            soap("logout_ok"),
        ],
    );
    assert_eq!(run.result.status, sfrpc_plugin::Status::Success);
    assert_eq!(
        run.result.active_password,
        sfrpc_plugin::ActivePassword::New
    );
    let check = run
        .result
        .checks
        .iter()
        .find(|c| c.name == "new_password_expired")
        .expect("a check reports the expired new password");
    assert_eq!(check.outcome, CheckOutcome::Warn);
    assert!(run
        .result
        .log
        .iter()
        .any(|l| l.contains("passwordExpired=true")));
}

#[test]
fn a_denied_logout_ends_egress_denied_unless_a_change_was_sent() {
    let run = run(
        &request("heartbeat"),
        vec![soap("login_success_evil_server_url")],
    );
    // SPEC 6: a serverUrl outside the allowlist ends the job with EGRESS_DENIED.
    assert_eq!(run.result.code, "EGRESS_DENIED");
    assert!(run.result.remediation.is_some());
    let check = run
        .result
        .checks
        .iter()
        .find(|c| c.name == "logout_egress")
        .expect("the denial is a check");
    assert_eq!(check.outcome, CheckOutcome::Fail);
}

#[test]
fn control_characters_are_refused_naming_the_field_never_the_value() {
    let cases: Vec<(serde_json::Value, &str)> = vec![
        {
            let mut r = request("change");
            set_item(&mut r, "password", &format!("{CURRENT}\u{0}"));
            (r, "(password)")
        },
        {
            let mut r = request("change");
            set_item(&mut r, "username", "a\u{7f}b@acme.com");
            (r, "(username)")
        },
        {
            let mut r = request("change");
            set_item(&mut r, "security-token", &format!("{TOKEN}\n"));
            (r, "(security-token)")
        },
        {
            let mut r = request("change");
            r["new_password"] = serde_json::json!(format!("{NEW}\t"));
            (r, "new_password")
        },
        {
            let mut r = with_privileged(request("change"));
            r["privileged_secret"]["password"] = serde_json::json!(format!("{PRIV}\u{1b}"));
            (r, "privileged_secret.password")
        },
    ];
    for (req, field) in cases {
        let run = run(&req, vec![]);
        assert!(run.requests.is_empty(), "no request for {field}");
        assert_eq!(run.result.status, sfrpc_plugin::Status::ArgumentError);
        // Secrets first: the message may be printed below only once it holds none.
        let remediation = run.result.remediation.as_deref().unwrap_or_default();
        let texts = [run.result.message.as_str(), remediation]
            .into_iter()
            .chain(run.result.log.iter().map(String::as_str));
        for (i, text) in texts.enumerate() {
            // Name the place, never the secret it holds.
            assert!(
                !REQUEST_SECRETS.iter().any(|s| text.contains(s)),
                "{field}: text #{i} (0 message, 1 remediation, then the log) holds a secret"
            );
        }
        assert!(
            run.result.message.contains(field) && run.result.message.contains("control character"),
            "the message names {field}: {}",
            run.result.message
        );
    }
}

fn remediation(req: &serde_json::Value, script: Vec<Reply>) -> String {
    run(req, script).result.remediation.unwrap_or_default()
}

#[test]
fn remediations_name_the_fix() {
    let expired = remediation(
        &request("heartbeat"),
        vec![soap("login_password_expired"), soap("logout_ok")],
    );
    assert!(
        expired.contains("run a change: expired passwords are changed with setPassword()"),
        "{expired}"
    );
    let reset = remediation(
        &with_token_ip_unknown(request("change")),
        vec![
            soap("login_success"),
            soap("change_own_password_ok"),
            soap("fault_INVALID_LOGIN"),
            soap("logout_ok"),
        ],
    );
    assert!(
        reset.contains("store the new security token Salesforce just emailed to the user"),
        "{reset}"
    );
    let access = remediation(
        &with_privileged(request("change")),
        vec![
            soap("login_success"),
            soap("query_user_id"),
            soap("fault_INSUFFICIENT_ACCESS_cross_reference"),
            soap("logout_ok"),
        ],
    );
    assert!(access.contains("Reset User Passwords"), "{access}");
    let consumer = remediation(
        &with_oauth(request("heartbeat")),
        vec![oauth("error_invalid_grant_not_approved")],
    );
    assert!(consumer.contains("Permitted Users"), "{consumer}");
    let grant = remediation(
        &with_oauth(request("heartbeat")),
        vec![oauth("error_invalid_grant")],
    );
    assert!(
        grant.contains("password") && grant.contains("Allow OAuth Username-Password Flows"),
        "invalid_grant names both causes: {grant}"
    );
}

#[test]
fn every_preflight_refusal_sends_nothing() {
    let mut count = 0;
    for sc in support::scenarios::all() {
        if !sc.name.starts_with("preflight ") {
            continue;
        }
        count += 1;
        let run = run(&sc.request, sc.script);
        assert!(run.requests.is_empty(), "{}: a request was sent", sc.name);
        assert_ne!(
            run.result.status,
            sfrpc_plugin::Status::Success,
            "{}",
            sc.name
        );
        assert_eq!(run.result.failed_logins, 0, "{}", sc.name);
    }
    assert!(count >= 60, "preflight scenarios: {count}");
}

/// A heartbeat whose login the host denies with `detail`.
fn login_denied(detail: Option<&str>) -> sfrpc_plugin::JobResult {
    use sfrpc_plugin::{Job, Output, TransportError};
    let mut job = Job::new(&request("heartbeat").to_string(), 0);
    let Output::Send(login) = job.poll(0) else {
        panic!("the heartbeat starts with a login");
    };
    job.handle_transport_error(
        login.id,
        TransportError {
            kind: K::Denied,
            maybe_sent: false,
            detail: detail.map(str::to_owned),
        },
        1,
    );
    match job.poll(2) {
        Output::Done(result) => result,
        _ => panic!("a denied login ends the job"),
    }
}

#[test]
fn an_egress_denial_reads_the_hosts_reason() {
    let other = login_denied(Some(
        "the plugin asked for a request that is not valid HTTP",
    ));
    assert_eq!(other.code, "EGRESS_DENIED");
    assert!(
        other.message.contains("not valid HTTP") && !other.message.contains("allowlist"),
        "{}",
        other.message
    );
    let rem = other.remediation.unwrap_or_default();
    assert!(!rem.contains("allowed_outbound_hosts"), "{rem}");
    let allowlist = login_denied(Some(
        "https://login.salesforce.com is not in the manifest allowlist; add \
         \"https://login.salesforce.com\" to capabilities.network.allowed_outbound_hosts in \
         manifest.json",
    ));
    assert!(
        allowlist
            .message
            .contains("is not in the manifest allowlist"),
        "{}",
        allowlist.message
    );
    assert!(allowlist
        .remediation
        .unwrap_or_default()
        .contains("allowed_outbound_hosts"));
    for silent in [None, Some(""), Some("  ")] {
        let r = login_denied(silent);
        assert!(
            r.message.ends_with("outside the manifest allowlist"),
            "{}",
            r.message
        );
        assert!(r
            .remediation
            .unwrap_or_default()
            .contains("allowed_outbound_hosts"));
    }
}
