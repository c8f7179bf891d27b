//! What the operator and Salesforce see beyond the status: log lines, which password goes into
//! which request, SOQL escaping, OAuth wiring, refused_credentials, diagnose checks, the poll
//! contract and robustness against any answer.

mod support;

use serde_json::json;
use sfrpc_plugin::{
    ActivePassword, CheckOutcome, CredentialRole, HttpResponse, Job, Output, TransportError,
    TransportErrorKind,
};
use support::*;

#[test]
fn heartbeat_log_reads_like_secret_server() {
    let run = run(
        &request("heartbeat"),
        vec![soap("login_success"), soap("logout_ok")],
    );
    assert_eq!(
        run.result.log,
        vec![
            "Logging in to https://login.salesforce.com as integration@acme.com with the stored password (SOAP login(), API 64.0)",
            "Logged in (user 0055g00000AbCdEAAV)",
            "Logging out",
            "Logged out",
            "Secret 'Salesforce Test' (Id = 1063) on Site 'EARTH' returned (Success).",
        ]
    );
    assert_eq!(
        run.result.message,
        "Heartbeat succeeded: integration@acme.com logs in"
    );
    assert!(run.result.remediation.is_none());
}

#[test]
fn requests_carry_the_right_passwords() {
    let run = run(&with_pending(request("change")), change_ok_script());
    let change = &run.requests[1].body;
    assert!(
        change.contains(PENDING) && change.contains(NEW),
        "changeOwnPassword(pending, new)"
    );
    assert!(
        !change.contains(CURRENT),
        "the stored password is not the old one here"
    );
    assert!(run.requests[1]
        .headers
        .iter()
        .any(|(n, v)| n == "SOAPAction" && v == "\"\""));
    assert!(
        change.contains("00D5g000004XyZa!FAKESESSIONAQEAQlogin0001xYzFAKE"),
        "session header"
    );
    let logout = &run.requests[3];
    assert_eq!(
        logout.url,
        "https://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa"
    );
}

#[test]
fn expired_password_sets_the_user_id_from_login() {
    let run = run(
        &request("change"),
        vec![
            soap("login_password_expired"),
            soap("set_password_ok"),
            soap("login_success"),
            soap("logout_ok"),
            soap("logout_ok"),
        ],
    );
    let set = &run.requests[1].body;
    assert!(set.contains("setPassword") && set.contains(NEW) && !set.contains(CURRENT));
    assert!(run
        .result
        .log
        .iter()
        .any(|l| l.contains("expired") && l.contains("setPassword()")));
}

#[test]
fn privileged_lookup_quotes_the_username_and_sets_the_target() {
    let mut req = with_privileged(request("change"));
    set_item(&mut req, "username", "o'brien\\x@acme.com");
    let run = run(
        &req,
        vec![
            soap("login_success"),
            soap("query_user_id"),
            soap("set_password_ok"),
            soap("login_success"),
            soap("logout_ok"),
            soap("logout_ok"),
        ],
    );
    assert!(run.requests[0].body.contains("admin@acme.com") && run.requests[0].body.contains(PRIV));
    let query = &run.requests[1].body;
    assert!(
        query.contains(
            "SELECT Id FROM User WHERE Username = &apos;o\\&apos;brien\\\\x@acme.com&apos;"
        ),
        "SOQL literal escaped, then XML-escaped"
    );
    let set = &run.requests[2].body;
    assert!(set.contains("0055g00000TgTgTAAV") && set.contains(NEW));
    assert!(
        run.requests[3].body.contains("o&apos;brien") && run.requests[3].body.contains(NEW),
        "verify as the target"
    );
}

#[test]
fn oauth_wiring() {
    let run = run(
        &with_oauth(request("heartbeat")),
        vec![
            oauth("token_success"),
            rest("password_status_ok"),
            soap("logout_ok"),
        ],
    );
    let token = &run.requests[0];
    assert_eq!(
        token.url,
        "https://login.salesforce.com/services/oauth2/token"
    );
    assert!(token.body.starts_with("grant_type=password&client_id="));
    assert!(
        token.body.contains(CLIENT_ID)
            && token.body.contains(CLIENT_SECRET)
            && token.body.contains(CURRENT)
    );
    // The token answer has no passwordExpired: the heartbeat reads the password status of the
    // user named by the identity URL, with the access token as bearer.
    let status = &run.requests[1];
    assert_eq!(status.method, "GET");
    assert_eq!(
        status.url,
        "https://acme.my.salesforce.com/services/data/v64.0/sobjects/User/0055g00000AbCdEAAV/password"
    );
    assert!(status.body.is_empty());
    assert!(
        status.headers.iter().any(|(k, v)| k == "Authorization"
            && v.starts_with("Bearer ")
            && v.ends_with("FAKEACCESSTOKENoauth0006FAKE")),
        "the password status read carries the access token as bearer"
    );
    assert_eq!(
        run.requests[2].url,
        "https://acme.my.salesforce.com/services/Soap/u/64.0"
    );
    assert!(
        run.requests[2]
            .body
            .contains("FAKEACCESSTOKENoauth0006FAKE"),
        "the access token serves as session id"
    );
    let check = run
        .result
        .checks
        .iter()
        .find(|c| c.name == "password_expiry")
        .expect("password_expiry check");
    assert_eq!(check.outcome, CheckOutcome::Pass);
    assert_eq!(
        run.result.message,
        "Heartbeat succeeded: integration@acme.com logs in"
    );
}

#[test]
fn oauth_heartbeat_password_status_api_version() {
    let mut req = with_oauth(request("heartbeat"));
    req["api_version"] = serde_json::json!("66.0");
    let run = run(
        &req,
        vec![
            oauth("token_success"),
            rest("password_status_ok"),
            soap("logout_ok"),
        ],
    );
    assert!(run.requests[1]
        .url
        .ends_with("/services/data/v66.0/sobjects/User/0055g00000AbCdEAAV/password"));
}

#[test]
fn oauth_heartbeat_expired_reads_like_the_soap_one() {
    let soap_run = run(
        &request("heartbeat"),
        vec![soap("login_password_expired"), soap("logout_ok")],
    );
    for reply in [
        rest("password_status_expired"),
        rest("error_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"),
    ] {
        let run = run(
            &with_oauth(request("heartbeat")),
            vec![oauth("token_success"), reply, soap("logout_ok")],
        );
        let r = &run.result;
        assert_eq!(r.status, soap_run.result.status);
        assert_eq!(r.code, "PASSWORD_EXPIRED");
        assert_eq!(r.message, soap_run.result.message);
        assert_eq!(
            r.remediation.as_deref(),
            Some("run a change: expired passwords are changed with setPassword()")
        );
        assert_eq!(r.failed_logins, 0, "no failed login is counted");
        assert!(r.refused_credentials.is_empty(), "nothing to quarantine");
        assert_eq!(r.active_password, ActivePassword::Current);
        let check = r
            .checks
            .iter()
            .find(|c| c.name == "password_expiry")
            .expect("password_expiry check");
        assert_eq!(check.outcome, CheckOutcome::Fail);
    }
}

#[test]
fn oauth_heartbeat_unreadable_expiry_is_a_warning() {
    let cases = [
        rest("error_INSUFFICIENT_ACCESS"),
        Reply::Http(200, r#"{"isExpired":null}"#.to_owned()),
        fail(TransportErrorKind::Timeout, true),
    ];
    for reply in cases {
        let run = run(
            &with_oauth(request("heartbeat")),
            vec![oauth("token_success"), reply, soap("logout_ok")],
        );
        let r = &run.result;
        assert_eq!(r.status, sfrpc_plugin::Status::Success);
        assert_eq!(r.code, "OK");
        assert!(!r.retryable);
        assert_eq!(
            r.message,
            "Heartbeat succeeded: integration@acme.com logs in (the password expiry could not be read)"
        );
        let check = r
            .checks
            .iter()
            .find(|c| c.name == "password_expiry")
            .expect("password_expiry check");
        assert_eq!(check.outcome, CheckOutcome::Warn);
        assert!(
            check
                .detail
                .starts_with("the password expiry could not be read: Password status read failed"),
            "{}",
            check.detail
        );
        assert!(check.remediation.is_some());
    }
}

#[test]
fn soap_heartbeat_reads_no_password_status() {
    let run = run(
        &request("heartbeat"),
        vec![soap("login_success"), soap("logout_ok")],
    );
    assert_eq!(run.ops(), vec!["login[current]", "logout"]);
    assert!(run
        .result
        .checks
        .iter()
        .all(|c| c.name != "password_expiry"));
}

#[test]
fn token_is_appended_only_outside_trusted_ranges() {
    let mut inside = request("heartbeat");
    set_item(&mut inside, "security-token", TOKEN);
    let run_inside = run(&inside, vec![soap("login_success"), soap("logout_ok")]);
    assert_eq!(run_inside.ops(), vec!["login[current]", "logout"]);
    assert!(!run_inside.requests[0].body.contains(TOKEN));
    let run_unknown = run(
        &with_token_ip_unknown(request("heartbeat")),
        vec![soap("login_success"), soap("logout_ok")],
    );
    assert!(run_unknown.requests[0]
        .body
        .contains(&format!("{CURRENT}{TOKEN}")));
}

#[test]
fn refused_credentials_name_the_refused_logins() {
    let refused = |req: serde_json::Value, script: Vec<Reply>| {
        run(&req, script)
            .result
            .refused_credentials
            .into_iter()
            .map(|r| r.role)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        refused(request("heartbeat"), vec![soap("fault_INVALID_LOGIN")]),
        vec![CredentialRole::Current]
    );
    assert_eq!(
        refused(request("heartbeat"), vec![soap("fault_PASSWORD_LOCKOUT")]),
        vec![CredentialRole::Current]
    );
    assert_eq!(
        refused(
            request("heartbeat"),
            vec![soap("fault_LOGIN_DURING_RESTRICTED_DOMAIN")]
        ),
        vec![CredentialRole::Current]
    );
    assert_eq!(
        refused(
            with_privileged(request("change")),
            vec![soap("fault_INVALID_LOGIN")]
        ),
        vec![CredentialRole::Privileged]
    );
    assert_eq!(
        refused(
            with_pending(request("heartbeat")),
            vec![soap("fault_PASSWORD_LOCKOUT")]
        ),
        vec![CredentialRole::Pending]
    );
    assert_eq!(
        refused(
            with_pending(request("heartbeat")),
            vec![soap("fault_INVALID_LOGIN"), soap("fault_INVALID_LOGIN")]
        ),
        vec![CredentialRole::Pending, CredentialRole::Current]
    );
    assert_eq!(
        refused(
            request("heartbeat"),
            vec![soap("fault_REQUEST_LIMIT_EXCEEDED")]
        ),
        Vec::<CredentialRole>::new()
    );
    assert_eq!(
        refused(
            request("heartbeat"),
            vec![soap("login_password_expired"), soap("logout_ok")]
        ),
        Vec::<CredentialRole>::new()
    );
    assert_eq!(
        refused(
            request("heartbeat"),
            vec![fail(TransportErrorKind::Timeout, true)]
        ),
        Vec::<CredentialRole>::new()
    );
    assert_eq!(
        refused(
            with_token_ip_unknown(request("change")),
            vec![
                soap("login_success"),
                soap("change_own_password_ok"),
                soap("fault_INVALID_LOGIN"),
                soap("logout_ok")
            ]
        ),
        Vec::<CredentialRole>::new()
    );
}

#[test]
fn unknown_fate_tells_the_vault_to_keep_both() {
    let run = run(
        &request("change"),
        vec![
            soap("login_success"),
            fail(TransportErrorKind::Timeout, true),
            fail(TransportErrorKind::Timeout, true),
            soap("logout_ok"),
        ],
    );
    assert!(run
        .result
        .remediation
        .as_deref()
        .unwrap_or_default()
        .contains("pending_password"));
    assert!(run.result.retryable);
}

#[test]
fn preflight_stops_at_the_first_failure_but_diagnose_lists_all() {
    let mut req = request("heartbeat");
    set_item(&mut req, "url", "https://acme.my.salesforce.com");
    req["org"]["login_ip_ranges"] = json!(["10.0.0.0/8"]);
    let hb = run(&req, vec![]);
    let outcome = |name: &str, checks: &[sfrpc_plugin::Check]| {
        checks.iter().find(|c| c.name == name).map(|c| c.outcome)
    };
    assert_eq!(
        outcome("login_url", &hb.result.checks),
        Some(CheckOutcome::Fail)
    );
    assert_eq!(
        outcome("egress_ip_login_ranges", &hb.result.checks),
        Some(CheckOutcome::Skip)
    );
    req["operation"] = json!("diagnose");
    let dg = run(&req, vec![]);
    assert_eq!(dg.result.code, "LOGIN_URL_NOT_ALLOWED");
    assert_eq!(
        outcome("egress_ip_login_ranges", &dg.result.checks),
        Some(CheckOutcome::Fail)
    );
    assert!(dg.requests.is_empty());
}

#[test]
fn preflight_remediations_name_the_ip() {
    let mut req = request("heartbeat");
    req["site"]["egress_ips"] = json!(["203.0.113.7", "192.0.2.50"]);
    let run = run(&req, vec![]);
    assert_eq!(run.result.code, "SECURITY_TOKEN_REQUIRED");
    assert!(run
        .result
        .remediation
        .as_deref()
        .unwrap_or_default()
        .contains("add 192.0.2.50 to Trusted IP Ranges"));
}

#[test]
fn diagnose_checks_and_profile_remediation() {
    let user = fixture("rest/query_user_permissions.json").replace(
        "\"PermissionsApiUserOnly\": true",
        "\"PermissionsApiUserOnly\": false",
    );
    let sets = fixture("rest/query_permission_sets.json").replace(
        "\"PermissionsApiUserOnly\": true",
        "\"PermissionsApiUserOnly\": false",
    );
    let run = run(
        &request("diagnose"),
        vec![
            soap("login_success"),
            Reply::Http(200, user),
            Reply::Http(200, sets),
            rest("password_status_ok"),
            soap("logout_ok"),
        ],
    );
    let find = |name: &str| {
        run.result
            .checks
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .expect("check present")
    };
    assert_eq!(find("api_enabled").outcome, CheckOutcome::Pass);
    assert_eq!(find("user_active").outcome, CheckOutcome::Pass);
    assert_eq!(find("password_expired").outcome, CheckOutcome::Pass);
    assert_eq!(
        find("password_never_expires").outcome,
        CheckOutcome::Pass,
        "granted by a permission set"
    );
    let api_only = find("api_only_user");
    assert_eq!(api_only.outcome, CheckOutcome::Warn);
    assert!(api_only
        .remediation
        .unwrap_or_default()
        .starts_with("Setup > Users > Profiles > Integration API: enable API Only User"));
    let query_url = &run.requests[1].url;
    assert!(query_url.starts_with("https://acme.my.salesforce.com/services/data/v64.0/query?q="));
    assert!(run.requests[1]
        .headers
        .iter()
        .any(|(n, v)| n == "Authorization" && v.starts_with("Bearer ")));
    assert_eq!(run.requests[3].url, "https://acme.my.salesforce.com/services/data/v64.0/sobjects/User/0055g00000AbCdEAAV/password");
}

#[test]
fn diagnose_api_enabled_unreadable_source_is_a_warning() {
    // The API login worked, so API Enabled is granted somewhere: no false API_NOT_ENABLED.
    let user = fixture("rest/query_user_permissions.json").replace(
        "\"PermissionsApiEnabled\": true",
        "\"PermissionsApiEnabled\": false",
    );
    let run = run(
        &request("diagnose"),
        vec![
            soap("login_success"),
            Reply::Http(200, user),
            rest("error_INSUFFICIENT_ACCESS"),
            rest("password_status_ok"),
            soap("logout_ok"),
        ],
    );
    assert_eq!(run.result.code, "OK");
    let api = run
        .result
        .checks
        .iter()
        .find(|c| c.name == "api_enabled")
        .expect("check");
    assert_eq!(api.outcome, CheckOutcome::Warn);
    assert!(api.detail.contains("granted"), "{}", api.detail);
    assert!(api.detail.contains("permission sets could not be read"));
}

#[test]
fn diagnose_api_not_enabled_anywhere_fails() {
    let off = |text: String| {
        text.replace(
            "\"PermissionsApiEnabled\": true",
            "\"PermissionsApiEnabled\": false",
        )
    };
    let run = run(
        &request("diagnose"),
        vec![
            soap("login_success"),
            Reply::Http(200, off(fixture("rest/query_user_permissions.json"))),
            Reply::Http(200, off(fixture("rest/query_permission_sets.json"))),
            rest("password_status_ok"),
            soap("logout_ok"),
        ],
    );
    assert_eq!(run.result.code, "API_NOT_ENABLED");
}

#[test]
fn answers_for_unknown_ids_are_ignored() {
    let mut job = Job::new(&request("heartbeat").to_string(), 0);
    let Output::Send(login) = job.poll(0) else {
        panic!("login first")
    };
    let ok = HttpResponse {
        status: 200,
        headers: vec![],
        body: fixture("soap/login_success.xml"),
    };
    job.handle_response(login.id + 100, ok.clone(), 0);
    job.handle_transport_error(
        login.id + 7,
        TransportError {
            kind: TransportErrorKind::Reset,
            maybe_sent: true,
            detail: None,
        },
        0,
    );
    assert!(
        job.poll(0) == Output::Wait,
        "still waiting for the real answer"
    );
    job.handle_response(login.id, ok.clone(), 0);
    job.handle_response(login.id, ok, 0);
    let Output::Send(logout) = job.poll(0) else {
        panic!("logout next")
    };
    assert!(logout.id != login.id);
}

#[test]
fn any_answer_at_any_step_ends_the_job_without_panicking() {
    let mut replies: Vec<Reply> = vec![
        Reply::Http(200, String::new()),
        Reply::Http(200, "{}".to_owned()),
        Reply::Http(200, "[]".to_owned()),
        Reply::Http(200, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>".to_owned()),
        Reply::Http(200, "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body/></soapenv:Envelope>".to_owned()),
        Reply::Http(204, String::new()),
        Reply::Http(999, "\u{0}\u{ffff}".to_owned()),
        Reply::Http(500, "{\"error\":\"x\"}".to_owned()),
        Reply::Http(200, fixture("soap/query_empty.xml")),
        Reply::Http(200, fixture("rest/password_status_expired.json")),
        Reply::Http(200, fixture("oauth/token_success.json")),
        Reply::Http(200, fixture("soap/login_password_expired.xml")),
        soap("fault_INVALID_LOGIN"),
        soap("fault_INVALID_NEW_PASSWORD"),
        soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"),
        oauth("error_invalid_grant"),
    ];
    for kind in [
        TransportErrorKind::Timeout,
        TransportErrorKind::Reset,
        TransportErrorKind::TooLarge,
        TransportErrorKind::Denied,
    ] {
        replies.push(fail(kind, true));
        replies.push(fail(kind, false));
    }
    let requests = [
        request("heartbeat"),
        with_oauth(request("heartbeat")),
        with_pending(request("change")),
        with_privileged(request("change")),
        with_oauth(request("diagnose")),
        with_token_ip_unknown(request("change")),
        request("change"),
        with_oauth(request("change")),
    ];
    let good = [
        soap("login_success"),
        soap("change_own_password_ok"),
        soap("login_success"),
        soap("logout_ok"),
        soap("logout_ok"),
        soap("logout_ok"),
    ];
    let is_change = |r: &sfrpc_plugin::HttpRequest| {
        r.body.contains(":changeOwnPassword>") || r.body.contains(":setPassword>")
    };
    for req in &requests {
        for position in 0..6 {
            for odd in &replies {
                let mut job = Job::new(&req.to_string(), 0);
                let mut sent = 0;
                let mut result = None;
                // Whether a change request went out and got an answer that may mean it applied.
                let mut change_maybe_applied = false;
                for _ in 0..32 {
                    match job.poll(0) {
                        Output::Done(r) => {
                            result = Some(r);
                            break;
                        }
                        Output::Wait => panic!("waiting with nothing outstanding"),
                        Output::Send(r) => {
                            let reply = if sent == position {
                                odd.clone()
                            } else {
                                good[sent.min(good.len() - 1)].clone()
                            };
                            sent += 1;
                            if is_change(&r) {
                                change_maybe_applied |= match &reply {
                                    Reply::Http(_, body) => !body.contains("Fault>"),
                                    Reply::Transport(kind, maybe_sent) => {
                                        *kind != TransportErrorKind::Denied
                                            && (*maybe_sent
                                                || *kind == TransportErrorKind::TooLarge)
                                    }
                                };
                            }
                            match reply {
                                Reply::Http(status, body) => job.handle_response(
                                    r.id,
                                    HttpResponse {
                                        status,
                                        headers: vec![],
                                        body,
                                    },
                                    0,
                                ),
                                Reply::Transport(kind, maybe_sent) => job.handle_transport_error(
                                    r.id,
                                    TransportError {
                                        kind,
                                        maybe_sent,
                                        detail: None,
                                    },
                                    0,
                                ),
                            }
                        }
                    }
                }
                let result = result.expect("the job finishes");
                if !change_maybe_applied {
                    assert_ne!(
                        result.active_password,
                        ActivePassword::New,
                        "no change request was acknowledged, yet active is new ({}, code {})",
                        req["operation"],
                        result.code
                    );
                }
                let budget = if req.get("pending_password").is_some() {
                    2
                } else {
                    1
                };
                assert!(
                    result.failed_logins <= budget,
                    "at most {budget} failed login(s) per job, got {}",
                    result.failed_logins
                );
            }
        }
    }
}

#[test]
fn a_forbidden_credential_is_never_logged_in_with() {
    use sfrpc_plugin::Request;
    let build = |forbid: CredentialRole| {
        let mut r =
            Request::from_json(&with_pending(request("heartbeat")).to_string()).expect("request");
        r.forbid_login(forbid);
        Job::from_request(r, 0)
    };
    // The pending password is quarantined: the stored one is tried alone and settles it.
    let skip_pending = run_job(
        build(CredentialRole::Pending),
        vec![soap("login_success"), soap("logout_ok")],
    );
    assert_eq!(skip_pending.ops, ["login[current]", "logout"]);
    assert_eq!(skip_pending.result.active_password, ActivePassword::Current);
    // The stored password is quarantined: a refused pending one is not followed by it.
    let no_fallback = run_job(
        build(CredentialRole::Current),
        vec![soap("fault_INVALID_LOGIN")],
    );
    assert_eq!(no_fallback.ops, ["login[pending]"]);
    assert_eq!(no_fallback.result.failed_logins, 1);
    assert_eq!(no_fallback.result.active_password, ActivePassword::Unknown);
    let roles: Vec<CredentialRole> = no_fallback
        .result
        .refused_credentials
        .iter()
        .map(|r| r.role)
        .collect();
    assert_eq!(roles, [CredentialRole::Pending]);
    // The stored password is quarantined and the pending one works: it is in effect.
    let pending_works = run_job(
        build(CredentialRole::Current),
        vec![soap("login_success"), soap("logout_ok")],
    );
    assert_eq!(pending_works.ops, ["login[pending]", "logout"]);
    assert_eq!(
        pending_works.result.active_password,
        ActivePassword::Pending
    );
    // Every credential forbidden (a host answers QUARANTINED itself): nothing is sent.
    let mut r =
        Request::from_json(&with_pending(request("heartbeat")).to_string()).expect("request");
    r.forbid_login(CredentialRole::Pending);
    r.forbid_login(CredentialRole::Current);
    let none = run_job(Job::from_request(r, 0), vec![]);
    assert!(none.ops.is_empty(), "no login at all");
    assert_eq!(none.result.status, sfrpc_plugin::Status::UnknownError);
    assert_eq!(none.result.active_password, ActivePassword::Unknown);
    let mut p =
        Request::from_json(&with_privileged(request("change")).to_string()).expect("request");
    p.forbid_login(CredentialRole::Privileged);
    let none = run_job(Job::from_request(p, 0), vec![]);
    assert!(none.ops.is_empty(), "not even the target's stored password");
}

#[test]
fn a_pending_password_equal_to_the_stored_one_is_tried_once() {
    let mut req = request("heartbeat");
    req["pending_password"] = json!(CURRENT);
    let run = run(&req, vec![soap("fault_INVALID_LOGIN")]);
    assert_eq!(
        run.ops,
        ["login[current]"],
        "one login, never the same password twice"
    );
    assert_eq!(run.result.failed_logins, 1);
    assert_eq!(run.result.active_password, ActivePassword::Current);
}

#[test]
fn change_sent_says_whether_the_new_password_may_be_in_effect() {
    let ok = run(&request("change"), change_ok_script());
    assert!(ok.result.change_sent);
    // A pending password left unsettled before any change: unknown, but not the new one's.
    let before = run(
        &with_pending(request("change")),
        vec![fail(TransportErrorKind::Timeout, true)],
    );
    assert_eq!(before.result.active_password, ActivePassword::Unknown);
    assert!(!before.result.change_sent);
    let lost = run(
        &request("change"),
        vec![
            soap("login_success"),
            fail(TransportErrorKind::Timeout, true),
            fail(TransportErrorKind::Timeout, true),
            soap("logout_ok"),
        ],
    );
    assert_eq!(lost.result.active_password, ActivePassword::Unknown);
    assert!(lost.result.change_sent);
}
