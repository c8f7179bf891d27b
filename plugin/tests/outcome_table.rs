//! Table-driven test of the outcome table: every row must have an expectation here (so a new
//! row without a test fails), must be reachable (no earlier row shadows it), and must give the
//! expected status, code and retryable flag. SPEC 4's minimum rows are pinned explicitly.

use sfrpc_plugin::codec::Fault;
use sfrpc_plugin::outcome::{resolve, row_index, Answer, Context, Key, Phase, ROWS};
use sfrpc_plugin::{Status, TransportErrorKind as K};

use Status::*;

/// What each row must decide: (status, code, retryable). `"*"` = the fault code verbatim.
fn expected(key: &Key, phases: &[Phase]) -> Option<(Status, &'static str, bool)> {
    let phase = phases.first().copied();
    Some(match key {
        Key::Fault("INVALID_LOGIN")
        | Key::Fault("LOGIN_MUST_USE_SECURITY_TOKEN")
        | Key::Fault("API_DISABLED_FOR_ORG")
        | Key::Fault("API_CURRENTLY_DISABLED")
        | Key::Fault("OAUTH_INVALID_GRANT")
        | Key::Fault("OAUTH_INVALID_CLIENT_ID")
        | Key::Fault("OAUTH_INVALID_CLIENT")
        | Key::Fault("OAUTH_INACTIVE_USER")
        | Key::Fault("INVALID_OPERATION_WITH_EXPIRED_PASSWORD") => (LoginFailed, "*", false),
        Key::Fault("PASSWORD_LOCKOUT") => (AccountLockedOut, "*", false),
        Key::Fault("LOGIN_DURING_RESTRICTED_DOMAIN")
        | Key::Fault("LOGIN_DURING_RESTRICTED_TIME")
        | Key::Fault("INVALID_OPERATION")
        | Key::FaultWith("INVALID_OPERATION", _)
        | Key::FaultWith("OAUTH_INVALID_GRANT", _)
        | Key::FaultWith("INSUFFICIENT_ACCESS", _)
        | Key::Fault("OAUTH_UNSUPPORTED_GRANT_TYPE")
        | Key::Fault("OAUTH_INACTIVE_ORG") => (AccessDenied, "*", false),
        Key::Fault("INSUFFICIENT_ACCESS") => match phase {
            Some(Phase::Login | Phase::Change | Phase::Lookup | Phase::Diagnose) => {
                (AccessDenied, "*", false)
            }
            _ => return None,
        },
        Key::Fault("INVALID_NEW_PASSWORD") | Key::Fault("INVALID_OLD_PASSWORD") => {
            (PasswordRejected, "*", false)
        }
        Key::Fault("REQUEST_LIMIT_EXCEEDED")
        | Key::Fault("LOGIN_RATE_EXCEEDED")
        | Key::Fault("OAUTH_RATE_LIMIT_EXCEEDED")
        | Key::Fault("INVALID_SESSION_ID")
        | Key::Fault("SERVER_UNAVAILABLE") => (UnableToConnect, "*", true),
        Key::Fault("UNSUPPORTED_API_VERSION") => (ArgumentError, "*", false),
        Key::Fault("UNSUPPORTED_CLIENT") | Key::AnyFault => (UnknownError, "*", false),
        Key::Status(500, 500) | Key::Status(502, 504) => (UnableToConnect, "HTTP_STATUS", true),
        Key::Status(300, 399) | Key::Status(0, 999) => (UnknownError, "HTTP_STATUS", false),
        Key::Malformed => (UnknownError, "MALFORMED_RESPONSE", false),
        Key::TooLarge => (UnknownError, "RESPONSE_TOO_LARGE", false),
        Key::Transport(K::Dns) => (UnableToConnect, "DNS_ERROR", true),
        Key::Transport(K::Connect) => (UnableToConnect, "CONNECT_ERROR", true),
        Key::Transport(K::Tls) => (UnableToConnect, "TLS_ERROR", true),
        Key::Transport(K::Timeout) => (UnableToConnect, "TIMEOUT", true),
        Key::Transport(K::Reset) => (UnableToConnect, "CONNECTION_RESET", true),
        Key::Transport(K::Denied) | Key::TransportWith(K::Denied, _) | Key::InsecureUrl => {
            (AccessDenied, "EGRESS_DENIED", false)
        }
        Key::Local("INVALID_REQUEST") => (ArgumentError, "INVALID_REQUEST", false),
        Key::Local("INVALID_IP_RANGE") => (ArgumentError, "INVALID_IP_RANGE", false),
        Key::Local("LOGIN_URL_NOT_ALLOWED") => (ArgumentError, "LOGIN_URL_NOT_ALLOWED", false),
        Key::Local("EGRESS_IP_OUTSIDE_LOGIN_RANGES") => {
            (AccessDenied, "EGRESS_IP_OUTSIDE_LOGIN_RANGES", false)
        }
        Key::Local("SECURITY_TOKEN_REQUIRED") => (LoginFailed, "SECURITY_TOKEN_REQUIRED", false),
        Key::Local("TOKEN_WOULD_BE_RESET") => (AccessDenied, "TOKEN_WOULD_BE_RESET", false),
        Key::Local("NEW_PASSWORD_POLICY") => (PasswordRejected, "NEW_PASSWORD_POLICY", false),
        Key::Local("PASSWORD_EXPIRED") => (LoginFailed, "PASSWORD_EXPIRED", false),
        Key::Local("TARGET_USER_NOT_FOUND") => (ArgumentError, "TARGET_USER_NOT_FOUND", false),
        Key::Local("USER_INACTIVE") => (LoginFailed, "USER_INACTIVE", false),
        Key::Local("API_NOT_ENABLED") => (AccessDenied, "API_NOT_ENABLED", false),
        Key::Local("CHANGE_UNVERIFIED") => (Success, "CHANGE_UNVERIFIED", false),
        Key::Local("SECURITY_TOKEN_RESET") => (Success, "SECURITY_TOKEN_RESET", false),
        Key::Local("OK") => (Success, "OK", false),
        Key::Local("UNKNOWN") => (UnknownError, "UNKNOWN_ERROR", false),
        _ => return None,
    })
}

/// A representative answer for a row's key.
fn sample(key: &Key) -> (Option<Fault>, Answer<'static>) {
    let fault = |code: &str, message: &str| Fault {
        code: code.to_owned(),
        message: message.to_owned(),
    };
    match *key {
        Key::Fault(code) => (Some(fault(code, "some message")), Answer::Malformed),
        Key::FaultWith(code, text) => (
            Some(fault(code, &format!("Start {} end", text.to_uppercase()))),
            Answer::Malformed,
        ),
        Key::AnyFault => (Some(fault("BRAND_NEW_CODE", "new")), Answer::Malformed),
        Key::Status(0, 999) => (None, Answer::HttpStatus(404)),
        Key::Status(lo, _) => (None, Answer::HttpStatus(lo)),
        Key::Malformed => (None, Answer::Malformed),
        Key::TooLarge => (None, Answer::TooLarge),
        Key::Transport(k) => (None, Answer::Transport(k)),
        Key::TransportWith(k, text) => {
            let detail: &'static str =
                Box::leak(format!("start {} end", text.to_uppercase()).into_boxed_str());
            (None, Answer::TransportWith(k, detail))
        }
        Key::InsecureUrl => (None, Answer::InsecureUrl),
        Key::Local(code) => (None, Answer::Local(code)),
    }
}

#[test]
fn every_row_is_expected_reachable_and_decides_as_expected() {
    let mut problems = Vec::new();
    for (i, row) in ROWS.iter().enumerate() {
        let Some((status, code, retryable)) = expected(&row.key, row.phases) else {
            problems.push(format!(
                "row {i} {:?} {:?} has no expectation in this test",
                row.key, row.phases
            ));
            continue;
        };
        let phase = row.phases.first().copied().unwrap_or(Phase::Login);
        let (fault, answer) = sample(&row.key);
        let answer = match &fault {
            Some(f) => Answer::Fault(f),
            None => answer,
        };
        let chosen = row_index(phase, &answer);
        if chosen != i {
            problems.push(format!("row {i} {:?} is shadowed by row {chosen}", row.key));
            continue;
        }
        let o = resolve(phase, &answer, &Context::default());
        let want_code = if code == "*" {
            fault.as_ref().map_or("", |f| f.code.as_str())
        } else {
            code
        };
        if (o.status, o.code.as_str(), o.retryable) != (status, want_code, retryable) {
            problems.push(format!(
                "row {i} {:?}: got {:?}/{}/{} want {status:?}/{want_code}/{retryable}",
                row.key, o.status, o.code, o.retryable
            ));
        }
        if o.status != Success && o.remediation.is_none() && row.key != Key::Local("UNKNOWN") {
            problems.push(format!(
                "row {i} {:?}: a failure needs a remediation",
                row.key
            ));
        }
        if o.message.contains('{') || o.remediation.as_deref().unwrap_or("").contains('{') {
            problems.push(format!("row {i} {:?}: unfilled placeholder", row.key));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn spec_minimum_mapping() {
    let f = |code: &str, message: &str| Fault {
        code: code.into(),
        message: message.into(),
    };
    let ctx = Context::default();
    let cases: Vec<(Phase, Fault, Status, bool)> = vec![
        (Phase::Login, f("INVALID_LOGIN", ""), LoginFailed, false),
        (
            Phase::Login,
            f("LOGIN_MUST_USE_SECURITY_TOKEN", ""),
            LoginFailed,
            false,
        ),
        (
            Phase::Login,
            f("API_DISABLED_FOR_ORG", ""),
            LoginFailed,
            false,
        ),
        (
            Phase::Login,
            f("API_CURRENTLY_DISABLED", ""),
            LoginFailed,
            false,
        ),
        (
            Phase::Login,
            f("OAUTH_INVALID_GRANT", "authentication failure"),
            LoginFailed,
            false,
        ),
        (
            Phase::Login,
            f("PASSWORD_LOCKOUT", ""),
            AccountLockedOut,
            false,
        ),
        (
            Phase::Login,
            f("LOGIN_DURING_RESTRICTED_DOMAIN", ""),
            AccessDenied,
            false,
        ),
        (
            Phase::Login,
            f("LOGIN_DURING_RESTRICTED_TIME", ""),
            AccessDenied,
            false,
        ),
        (
            Phase::Login,
            f("INSUFFICIENT_ACCESS", ""),
            AccessDenied,
            false,
        ),
        (
            Phase::Login,
            f(
                "INVALID_OPERATION",
                "SOAP API login() is disabled by default in this org.",
            ),
            AccessDenied,
            false,
        ),
        (
            Phase::Change,
            f("INVALID_NEW_PASSWORD", ""),
            PasswordRejected,
            false,
        ),
        (
            Phase::Change,
            f("INVALID_OLD_PASSWORD", ""),
            PasswordRejected,
            false,
        ),
        (
            Phase::Login,
            f("REQUEST_LIMIT_EXCEEDED", ""),
            UnableToConnect,
            true,
        ),
        (
            Phase::Login,
            f("LOGIN_RATE_EXCEEDED", ""),
            UnableToConnect,
            true,
        ),
        (
            Phase::Change,
            f("SOMETHING_UNMAPPED", ""),
            UnknownError,
            false,
        ),
    ];
    for (phase, fault, status, retryable) in cases {
        let o = resolve(phase, &Answer::Fault(&fault), &ctx);
        assert_eq!(
            (o.status, o.retryable, o.code.as_str()),
            (status, retryable, fault.code.as_str()),
            "{}",
            fault.code
        );
    }
    for (status, want, retry) in [
        (500, UnableToConnect, true),
        (502, UnableToConnect, true),
        (503, UnableToConnect, true),
        (504, UnableToConnect, true),
        (301, UnknownError, false),
        (418, UnknownError, false),
    ] {
        let o = resolve(Phase::Login, &Answer::HttpStatus(status), &ctx);
        assert_eq!(
            (o.status, o.retryable, o.code.as_str()),
            (want, retry, "HTTP_STATUS"),
            "HTTP {status}"
        );
    }
}

#[test]
fn messages_read_like_secret_server_and_remediations_name_the_setting() {
    let fault = Fault {
        code: "API_DISABLED_FOR_ORG".into(),
        message: "API is not enabled for this Organization or Partner".into(),
    };
    let o = resolve(Phase::Login, &Answer::Fault(&fault), &Context::default());
    assert_eq!(
        o.message,
        "Login failed: API_DISABLED_FOR_ORG: API is not enabled for this Organization or Partner"
    );
    let ctx = Context {
        egress_ip: Some("203.0.113.7"),
        profile: Some("Integration API"),
        ..Context::default()
    };
    let token = Fault {
        code: "LOGIN_MUST_USE_SECURITY_TOKEN".into(),
        message: "m".into(),
    };
    let o = resolve(Phase::Login, &Answer::Fault(&token), &ctx);
    assert!(o.remediation.unwrap().starts_with("Setup > Security > Network Access: add 203.0.113.7 to Trusted IP Ranges, or store the user's security token"));
    let api = Fault {
        code: "API_CURRENTLY_DISABLED".into(),
        message: "API is disabled for this User".into(),
    };
    let o = resolve(Phase::Login, &Answer::Fault(&api), &ctx);
    assert!(o
        .remediation
        .unwrap()
        .starts_with("Setup > Users > Profiles > Integration API: enable API Enabled"));
    let invalid = Fault {
        code: "INVALID_LOGIN".into(),
        message: "m".into(),
    };
    let o = resolve(Phase::Login, &Answer::Fault(&invalid), &ctx);
    assert!(o
        .remediation
        .unwrap()
        .contains("https://test.salesforce.com"));
    let disabled = Fault {
        code: "INVALID_OPERATION".into(),
        message: "SOAP API login() is disabled by default in this org.".into(),
    };
    let o = resolve(Phase::Login, &Answer::Fault(&disabled), &ctx);
    assert!(o.remediation.unwrap().starts_with(
        "Setup > User Interface: Enable SOAP API login(), or set login_method to oauth_password"
    ));
    let grant = Fault {
        code: "OAUTH_INVALID_GRANT".into(),
        message: "authentication failure".into(),
    };
    let rem = resolve(Phase::Login, &Answer::Fault(&grant), &ctx)
        .remediation
        .unwrap();
    assert!(rem.contains("password") && rem.contains("Allow OAuth Username-Password Flows"));
}

#[test]
fn an_egress_denial_says_what_the_host_said() {
    fn ctx(detail: Option<&str>) -> Context<'_> {
        Context {
            host: Some("acme.evil.example"),
            detail,
            ..Context::default()
        }
    }
    let allowlist_fix = "add it there only if it is a genuine Salesforce host";
    // No detail: the allowlist is the only reason a host denies.
    let o = resolve(Phase::Logout, &Answer::Transport(K::Denied), &ctx(None));
    assert_eq!(
        o.message,
        "Logout failed: the host refused to send to acme.evil.example: outside the manifest allowlist"
    );
    assert!(o.remediation.unwrap().contains(allowlist_fix));
    // The allowlist's own words.
    let detail = "https://acme.evil.example is not in the manifest allowlist; add \
                  \"https://acme.evil.example\" to capabilities.network.allowed_outbound_hosts in \
                  manifest.json";
    let shown = format!("({detail})");
    let o = resolve(
        Phase::Logout,
        &Answer::TransportWith(K::Denied, detail),
        &ctx(Some(&shown)),
    );
    assert_eq!(
        o.message,
        format!("Logout failed: the host refused to send to acme.evil.example {shown}")
    );
    assert_eq!(o.code, "EGRESS_DENIED");
    assert!(o.remediation.unwrap().contains(allowlist_fix));
    // Another reason: the host's words, and no advice to widen the allowlist.
    for detail in [
        "the plugin asked for a request that is not valid HTTP",
        "the plugin asked for an invalid HTTP method",
        "https://203.0.113.9 is an IP literal; IP literals are never allowed",
    ] {
        let shown = format!("({detail})");
        let o = resolve(
            Phase::Login,
            &Answer::TransportWith(K::Denied, detail),
            &ctx(Some(&shown)),
        );
        assert_eq!((o.status, o.code.as_str()), (AccessDenied, "EGRESS_DENIED"));
        assert!(o.message.contains(detail), "{}", o.message);
        assert!(
            !o.message.contains("outside the manifest allowlist"),
            "{}",
            o.message
        );
        let rem = o.remediation.unwrap_or_default();
        assert!(
            !rem.contains("allowed_outbound_hosts") && !rem.contains(allowlist_fix),
            "{detail}: {rem}"
        );
        assert!(rem.contains("report it as a bug"), "{rem}");
    }
}
