//! Every transcript scenario, with what it must produce: the request sequence, status, code,
//! active_password, retryable and failed_logins. `tests/job_scenarios.rs` asserts them all and
//! `tests/leaks.rs` runs them all looking for secrets.

use serde_json::{json, Value};
use sfrpc_plugin::TransportErrorKind as K;

use super::*;

/// One scenario and its expectations.
pub struct Scenario {
    pub name: String,
    pub request: Value,
    pub script: Vec<Reply>,
    pub ops: Vec<&'static str>,
    pub status: &'static str,
    pub code: &'static str,
    pub active: &'static str,
    pub retryable: bool,
    pub failed_logins: u32,
}

#[allow(clippy::too_many_arguments)]
fn s(
    name: impl Into<String>,
    request: Value,
    script: Vec<Reply>,
    ops: &[&'static str],
    status: &'static str,
    code: &'static str,
    active: &'static str,
    retryable: bool,
    failed_logins: u32,
) -> Scenario {
    Scenario {
        name: name.into(),
        request,
        script,
        ops: ops.to_vec(),
        status,
        code,
        active,
        retryable,
        failed_logins,
    }
}

fn hb() -> Value {
    request("heartbeat")
}
fn ch() -> Value {
    request("change")
}
fn http(status: u16, body: &str) -> Reply {
    Reply::Http(status, body.to_owned())
}
fn outside_ip(mut req: Value) -> Value {
    req["site"]["egress_ips"] = json!(["192.0.2.50"]);
    req
}

/// Transport kinds with the code, status and retryable each maps to.
pub const TRANSPORT: &[(K, &str, &str, bool)] = &[
    (K::Dns, "DNS_ERROR", "UnableToConnect", true),
    (K::Connect, "CONNECT_ERROR", "UnableToConnect", true),
    (K::Tls, "TLS_ERROR", "UnableToConnect", true),
    (K::Timeout, "TIMEOUT", "UnableToConnect", true),
    (K::Reset, "CONNECTION_RESET", "UnableToConnect", true),
    (K::TooLarge, "RESPONSE_TOO_LARGE", "UnknownError", false),
    (K::Denied, "EGRESS_DENIED", "AccessDenied", false),
];

/// SOAP login faults: fixture, status, retryable.
pub const LOGIN_FAULTS: &[(&str, &str, bool)] = &[
    ("fault_INVALID_LOGIN", "LoginFailed", false),
    ("fault_unprefixed_faultcode", "LoginFailed", false),
    ("fault_LOGIN_MUST_USE_SECURITY_TOKEN", "LoginFailed", false),
    ("fault_API_DISABLED_FOR_ORG", "LoginFailed", false),
    ("fault_API_CURRENTLY_DISABLED", "LoginFailed", false),
    ("fault_PASSWORD_LOCKOUT", "AccountLockedOut", false),
    (
        "fault_LOGIN_DURING_RESTRICTED_DOMAIN",
        "AccessDenied",
        false,
    ),
    ("fault_LOGIN_DURING_RESTRICTED_TIME", "AccessDenied", false),
    ("fault_INSUFFICIENT_ACCESS", "AccessDenied", false),
    (
        "fault_INVALID_OPERATION_login_disabled",
        "AccessDenied",
        false,
    ),
    ("fault_INVALID_OPERATION_api_version", "AccessDenied", false),
    ("fault_REQUEST_LIMIT_EXCEEDED", "UnableToConnect", true),
    ("fault_LOGIN_RATE_EXCEEDED", "UnableToConnect", true),
    ("fault_UNSUPPORTED_API_VERSION", "ArgumentError", false),
    ("fault_INVALID_SESSION_ID", "UnableToConnect", true),
    ("fault_SERVER_UNAVAILABLE", "UnableToConnect", true),
    ("fault_UNSUPPORTED_CLIENT", "UnknownError", false),
    ("fault_UNKNOWN_EXCEPTION", "UnknownError", false),
];

/// The fault code a fixture carries.
pub fn fault_code(fixture: &str) -> &'static str {
    match fixture {
        "fault_unprefixed_faultcode" => "INVALID_LOGIN",
        f if f.starts_with("fault_INVALID_OPERATION_") && !f.ends_with("PASSWORD") => {
            "INVALID_OPERATION"
        }
        f => Box::leak(f.trim_start_matches("fault_").to_owned().into_boxed_str()),
    }
}

/// Every scenario (kept one scenario per line: it reads as a table).
#[rustfmt::skip]
pub fn all() -> Vec<Scenario> {
    let mut v = vec![
        // ---- heartbeat ----
        s("heartbeat ok", hb(), vec![soap("login_success"), soap("logout_ok")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat sandbox", {
            let mut r = hb();
            set_item(&mut r, "url", "https://TEST.salesforce.com/");
            r
        }, vec![soap("login_success_sandbox"), soap("logout_ok")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat limit info header", hb(), vec![soap("with_limit_info_header"), soap("logout_ok")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat expired", hb(), vec![soap("login_password_expired"), soap("logout_ok")],
            &["login[current]", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 0),
        s("heartbeat token appended when trust unknown", with_token_ip_unknown(hb()),
            vec![soap("login_success"), soap("logout_ok")],
            &["login[current+token]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat token appended outside trusted ranges", {
            let mut r = outside_ip(hb());
            set_item(&mut r, "security-token", TOKEN);
            r
        }, vec![soap("login_success"), soap("logout_ok")],
            &["login[current+token]", "logout"], "Success", "OK", "current", false, 0),
        // OAuth's token answer has no passwordExpired: the heartbeat reads the password status.
        s("heartbeat oauth", with_oauth(hb()), vec![oauth("token_success"), rest("password_status_ok"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth expired (isExpired true)", with_oauth(hb()), vec![oauth("token_success"), rest("password_status_expired"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 0),
        s("heartbeat oauth expired (401 INVALID_OPERATION_WITH_EXPIRED_PASSWORD)", with_oauth(hb()),
            vec![oauth("token_success"), rest("error_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 0),
        s("heartbeat oauth expired (the error as one object, status 200)", with_oauth(hb()),
            vec![oauth("token_success"), http(200, r#"{"errorCode":"INVALID_OPERATION_WITH_EXPIRED_PASSWORD","message":"expired"}"#), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 0),
        s("heartbeat pending oauth expired", with_pending(with_oauth(hb())), vec![oauth("token_success"), rest("password_status_expired"), soap("logout_ok")],
            &["token[pending]", "GET password", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "pending", false, 0),
        s("heartbeat oauth password status refused (403): success, warn", with_oauth(hb()),
            vec![oauth("token_success"), rest("error_INSUFFICIENT_ACCESS"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth password status REQUEST_LIMIT_EXCEEDED: success, warn", with_oauth(hb()),
            vec![oauth("token_success"), rest("error_REQUEST_LIMIT_EXCEEDED"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth password status INVALID_SESSION_ID: success, warn", with_oauth(hb()),
            vec![oauth("token_success"), rest("error_INVALID_SESSION_ID"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth password status NOT_FOUND: success, warn", with_oauth(hb()),
            vec![oauth("token_success"), rest("error_NOT_FOUND"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth password status html 503: success, warn", with_oauth(hb()),
            vec![oauth("token_success"), soap("html_503.html"), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth password status malformed: success, warn", with_oauth(hb()),
            vec![oauth("token_success"), http(200, r#"{"isExpired":"maybe"}"#), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth password status 302: success, warn", with_oauth(hb()),
            vec![oauth("token_success"), http(302, ""), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth password status oversized: success, warn", with_oauth(hb()),
            vec![oauth("token_success"), http(200, &"x".repeat((1 << 20) + 1)), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth token without identity URL: no status read, success, warn", with_oauth(hb()),
            vec![http(200, &fixture("oauth/token_success.json").replace(
                r#""id": "https://login.salesforce.com/id/00D5g000004XyZaEAK/0055g00000AbCdEAAV","#, ""
            )), soap("logout_ok")],
            &["token[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat oauth instance_url outside the allowlist: status read denied", with_oauth(hb()),
            vec![http(200, &fixture("oauth/token_success.json").replace("https://acme.my.salesforce.com", "https://acme.evil.example"))],
            &["token[current]", "DENIED GET password", "DENIED logout"], "AccessDenied", "EGRESS_DENIED", "current", false, 0),
        s("heartbeat non-https serverUrl", hb(),
            vec![login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa")],
            &["login[current]"], "AccessDenied", "EGRESS_DENIED", "current", false, 0),
        s("heartbeat oauth non-https instance_url", with_oauth(hb()),
            vec![http(200, &fixture("oauth/token_success.json").replace("https://acme.my", "http://acme.my"))],
            &["token[current]"], "AccessDenied", "EGRESS_DENIED", "current", false, 0),
        // A non-https answer proves nothing (a proxy may be rewriting answers): it settles no
        // pending password. A login with the stored password changed nothing: current stands.
        s("heartbeat pending, non-https serverUrl: pending unsettled", with_pending(hb()),
            vec![login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa")],
            &["login[pending]"], "AccessDenied", "EGRESS_DENIED", "unknown", false, 0),
        s("heartbeat pending oauth, non-https instance_url: pending unsettled", with_pending(with_oauth(hb())),
            vec![http(200, &fixture("oauth/token_success.json").replace("https://acme.my", "http://acme.my"))],
            &["token[pending]"], "AccessDenied", "EGRESS_DENIED", "unknown", false, 0),
        s("change pending, non-https serverUrl: pending unsettled, no change sent", with_pending(ch()),
            vec![login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa")],
            &["login[pending]"], "AccessDenied", "EGRESS_DENIED", "unknown", false, 0),
        // An answer that proves nothing settles no pending password (INVALID_LOGIN on the
        // pending one also covers "locked out", so it is no proof either).
        s("heartbeat pending refused, current non-https serverUrl: unknown", with_pending(hb()),
            vec![soap("fault_INVALID_LOGIN"), login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa")],
            &["login[pending]", "login[current]"], "AccessDenied", "EGRESS_DENIED", "unknown", false, 1),
        s("change non-https serverUrl: current, no change sent", ch(),
            vec![login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa")],
            &["login[current]"], "AccessDenied", "EGRESS_DENIED", "current", false, 0),
        s("privileged with pending, non-https serverUrl: pending unsettled", with_pending(with_privileged(ch())),
            vec![login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa")],
            &["login[privileged]"], "AccessDenied", "EGRESS_DENIED", "unknown", false, 0),
        // A serverUrl outside the allowlist ends the job with EGRESS_DENIED (SPEC 6) when no
        // change was sent, whichever credential logged in; active_password stays the truth.
        s("heartbeat evil serverUrl: logout denied by the host", hb(), vec![soap("login_success_evil_server_url")],
            &["login[current]", "DENIED logout"], "AccessDenied", "EGRESS_DENIED", "current", false, 0),
        s("heartbeat pending, evil serverUrl: logout denied, pending settled", with_pending(hb()), vec![soap("login_success_evil_server_url")],
            &["login[pending]", "DENIED logout"], "AccessDenied", "EGRESS_DENIED", "pending", false, 0),
        s("privileged change, evil serverUrl: lookup denied", with_privileged(ch()), vec![soap("login_success_evil_server_url")],
            &["login[privileged]", "DENIED query", "DENIED logout"], "AccessDenied", "EGRESS_DENIED", "current", false, 0),
        s("heartbeat logout fails: outcome unchanged", hb(),
            vec![soap("login_success"), soap("fault_INVALID_SESSION_ID")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat logout times out: outcome unchanged", hb(),
            vec![soap("login_success"), fail(K::Timeout, true)],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat html 500", hb(), vec![soap("html_500.html")],
            &["login[current]"], "UnableToConnect", "HTTP_STATUS", "current", true, 0),
        s("heartbeat html 503", hb(), vec![soap("html_503.html")],
            &["login[current]"], "UnableToConnect", "HTTP_STATUS", "current", true, 0),
        s("heartbeat 302", hb(), vec![http(302, "")],
            &["login[current]"], "UnknownError", "HTTP_STATUS", "current", false, 0),
        s("heartbeat 404 page", hb(), vec![http(404, "<html>not found</html>")],
            &["login[current]"], "UnknownError", "HTTP_STATUS", "current", false, 0),
        s("heartbeat malformed 200", hb(), vec![http(200, "<html><body>portal</body></html>")],
            &["login[current]"], "UnknownError", "MALFORMED_RESPONSE", "current", false, 0),
        s("heartbeat oversized body", hb(), vec![http(200, &"x".repeat((1 << 20) + 1))],
            &["login[current]"], "UnknownError", "RESPONSE_TOO_LARGE", "current", false, 0),
        s("heartbeat transport too_large", hb(), vec![fail(K::TooLarge, true)],
            &["login[current]"], "UnknownError", "RESPONSE_TOO_LARGE", "current", false, 0),
        s("heartbeat oauth invalid_grant", with_oauth(hb()), vec![oauth("error_invalid_grant")],
            &["token[current]"], "LoginFailed", "OAUTH_INVALID_GRANT", "current", false, 1),
        s("heartbeat oauth invalid_client_id", with_oauth(hb()), vec![oauth("error_invalid_client_id")],
            &["token[current]"], "LoginFailed", "OAUTH_INVALID_CLIENT_ID", "current", false, 1),
        s("heartbeat oauth unsupported_grant_type", with_oauth(hb()), vec![oauth("error_unsupported_grant_type")],
            &["token[current]"], "AccessDenied", "OAUTH_UNSUPPORTED_GRANT_TYPE", "current", false, 1),
        s("heartbeat oauth ip restricted", with_oauth(hb()), vec![oauth("error_ip_restricted")],
            &["token[current]"], "AccessDenied", "OAUTH_INVALID_GRANT", "current", false, 1),
        s("heartbeat oauth user hasn't approved this consumer", with_oauth(hb()), vec![oauth("error_invalid_grant_not_approved")],
            &["token[current]"], "AccessDenied", "OAUTH_INVALID_GRANT", "current", false, 1),
        s("heartbeat pending oauth not approved: no second login", with_pending(with_oauth(hb())), vec![oauth("error_invalid_grant_not_approved")],
            &["token[pending]"], "AccessDenied", "OAUTH_INVALID_GRANT", "unknown", false, 1),
        s("heartbeat oauth invalid_client", with_oauth(hb()), vec![oauth("error_invalid_client")],
            &["token[current]"], "LoginFailed", "OAUTH_INVALID_CLIENT", "current", false, 1),
        s("heartbeat oauth inactive_user", with_oauth(hb()), vec![oauth("error_inactive_user")],
            &["token[current]"], "LoginFailed", "OAUTH_INACTIVE_USER", "current", false, 1),
        s("heartbeat oauth inactive_org", with_oauth(hb()), vec![oauth("error_inactive_org")],
            &["token[current]"], "AccessDenied", "OAUTH_INACTIVE_ORG", "current", false, 1),
        s("heartbeat oauth rate_limit_exceeded", with_oauth(hb()), vec![oauth("error_rate_limit_exceeded")],
            &["token[current]"], "UnableToConnect", "OAUTH_RATE_LIMIT_EXCEEDED", "current", true, 1),
        s("heartbeat html 502", hb(), vec![soap("html_502.html")],
            &["login[current]"], "UnableToConnect", "HTTP_STATUS", "current", true, 0),
        s("heartbeat html 504", hb(), vec![soap("html_504.html")],
            &["login[current]"], "UnableToConnect", "HTTP_STATUS", "current", true, 0),
        s("change oauth inactive_user at verification: unverified", with_oauth(ch()),
            vec![oauth("token_success"), soap("change_own_password_ok"), oauth("error_inactive_user"), soap("logout_ok")],
            &["token[current]", "changeOwnPassword", "token[new]", "logout"], "Success", "CHANGE_UNVERIFIED", "new", false, 1),
        s("change generic INSUFFICIENT_ACCESS", ch(), vec![soap("login_success"), soap("fault_INSUFFICIENT_ACCESS_cross_reference"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "AccessDenied", "INSUFFICIENT_ACCESS", "current", false, 0),
        s("privileged setPassword generic INSUFFICIENT_ACCESS", with_privileged(ch()),
            vec![soap("login_success"), soap("query_user_id"), soap("fault_INSUFFICIENT_ACCESS_cross_reference"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "logout"], "AccessDenied", "INSUFFICIENT_ACCESS", "current", false, 0),
        s("change SERVER_UNAVAILABLE fault: nothing changed", ch(), vec![soap("login_success"), soap("fault_SERVER_UNAVAILABLE"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "UnableToConnect", "SERVER_UNAVAILABLE", "current", true, 0),
        s("change unmapped fault: nothing changed", ch(), vec![soap("login_success"), soap("fault_UNKNOWN_EXCEPTION"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "UnknownError", "UNKNOWN_EXCEPTION", "current", false, 0),
        s("change html 502, verified", ch(), vec![soap("login_success"), soap("html_502.html"), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change html 504, new refused: not applied", ch(), vec![soap("login_success"), soap("html_504.html"), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "UnableToConnect", "HTTP_STATUS", "current", true, 1),
        // OAuth logins never say passwordExpired: diagnose learns it from the refused queries.
        s("diagnose oauth, expired password found by the queries", with_oauth(request("diagnose")),
            vec![oauth("token_success"), rest("error_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), rest("error_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"),
                rest("error_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), soap("logout_ok")],
            &["token[current]", "GET query", "GET query", "GET password", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 0),
        s("diagnose user inactive", request("diagnose"), vec![soap("login_success"), rest("query_user_inactive"), rest("query_permission_sets"), rest("password_status_ok"), soap("logout_ok")],
            &["login[current]", "GET query", "GET query", "GET password", "logout"], "LoginFailed", "USER_INACTIVE", "current", false, 0),
        // ---- preflight rules that pass: the login goes ahead ----
        s("heartbeat IPv6 egress inside an IPv6 CIDR: no token appended", {
            let mut r = hb();
            set_item(&mut r, "security-token", TOKEN);
            r["site"]["egress_ips"] = json!(["2001:db8:1::7"]);
            r["org"]["trusted_ip_ranges"] = json!(["203.0.113.0/24", "2001:db8:1::/48"]);
            r
        }, vec![soap("login_success"), soap("logout_ok")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat IPv6 egress inside an IPv6 start-end range", {
            let mut r = hb();
            r["site"]["egress_ips"] = json!(["2001:DB8:3::10"]);
            r["org"]["trusted_ip_ranges"] = json!(["2001:db8:3::1-2001:db8:3::ff"]);
            r
        }, vec![soap("login_success"), soap("logout_ok")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat IPv6 egress outside, with token: appended", {
            let mut r = hb();
            set_item(&mut r, "security-token", TOKEN);
            r["site"]["egress_ips"] = json!(["2001:db8:9::1"]);
            r["org"]["trusted_ip_ranges"] = json!(["2001:db8:1::/48"]);
            r
        }, vec![soap("login_success"), soap("logout_ok")],
            &["login[current+token]", "logout"], "Success", "OK", "current", false, 0),
        s("change egress IP inside a start-end trusted range: no token, no reset", {
            let mut r = ch();
            set_item(&mut r, "security-token", TOKEN);
            r["site"]["egress_ips"] = json!(["198.51.100.5"]);
            r
        }, change_ok_script(),
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("heartbeat egress IP inside the login IP ranges", {
            let mut r = hb();
            r["org"]["login_ip_ranges"] = json!(["10.0.0.0/8", "203.0.113.1-203.0.113.20"]);
            r
        }, vec![soap("login_success"), soap("logout_ok")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        s("heartbeat IPv6 egress inside IPv6 login and trusted ranges", {
            let mut r = hb();
            r["site"]["egress_ips"] = json!(["2001:db8:1::150"]);
            r["org"]["trusted_ip_ranges"] = json!(["2001:db8:1::/48"]);
            r["org"]["login_ip_ranges"] = json!(["2001:db8:1::100-2001:db8:1::1ff"]);
            r
        }, vec![soap("login_success"), soap("logout_ok")],
            &["login[current]", "logout"], "Success", "OK", "current", false, 0),
        // ---- change, self mode ----
        s("change ok", ch(), change_ok_script(),
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change ok, verification session outside the allowlist: the change stands", ch(),
            vec![soap("login_success"), soap("change_own_password_ok"), soap("login_success_evil_server_url"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "DENIED logout"], "Success", "OK", "new", false, 0),
        s("change oauth", with_oauth(ch()), vec![oauth("token_success"), soap("change_own_password_ok"), oauth("token_success"), soap("logout_ok"), soap("logout_ok")],
            &["token[current]", "changeOwnPassword", "token[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change expired password uses setPassword", ch(), vec![soap("login_password_expired"), soap("set_password_ok"), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current]", "setPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change login refused", ch(), vec![soap("fault_INVALID_LOGIN")],
            &["login[current]"], "LoginFailed", "INVALID_LOGIN", "current", false, 1),
        s("change INVALID_NEW_PASSWORD", ch(), vec![soap("login_success"), soap("fault_INVALID_NEW_PASSWORD"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "PasswordRejected", "INVALID_NEW_PASSWORD", "current", false, 0),
        s("change INVALID_OLD_PASSWORD", ch(), vec![soap("login_success"), soap("fault_INVALID_OLD_PASSWORD"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "PasswordRejected", "INVALID_OLD_PASSWORD", "current", false, 0),
        s("change INSUFFICIENT_ACCESS", ch(), vec![soap("login_success"), soap("fault_INSUFFICIENT_ACCESS"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "AccessDenied", "INSUFFICIENT_ACCESS", "current", false, 0),
        s("change INVALID_SESSION_ID", ch(), vec![soap("login_success"), soap("fault_INVALID_SESSION_ID"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "UnableToConnect", "INVALID_SESSION_ID", "current", true, 0),
        s("change INVALID_OPERATION_WITH_EXPIRED_PASSWORD falls back to setPassword", ch(),
            vec![soap("login_success"), soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), soap("set_password_ok"), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "setPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change oauth, expired password found by changeOwnPassword: setPassword", with_oauth(ch()),
            vec![oauth("token_success"), soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), soap("set_password_ok"), oauth("token_success"), soap("logout_ok"), soap("logout_ok")],
            &["token[current]", "changeOwnPassword", "setPassword", "token[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change expired fallback: setPassword for self not allowed", ch(),
            vec![soap("login_success"), soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), soap("fault_INSUFFICIENT_ACCESS"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "setPassword", "logout"], "AccessDenied", "INSUFFICIENT_ACCESS", "current", false, 0),
        s("change expired fallback: setPassword answer lost, verified", ch(),
            vec![soap("login_success"), soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), fail(K::Timeout, true), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "setPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change expired fallback: setPassword expired again is not retried", ch(),
            vec![soap("login_success"), soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), soap("fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "setPassword", "logout"], "LoginFailed", "INVALID_OPERATION_WITH_EXPIRED_PASSWORD", "current", false, 0),
        s("change REQUEST_LIMIT_EXCEEDED", ch(), vec![soap("login_success"), soap("fault_REQUEST_LIMIT_EXCEEDED"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "logout"], "UnableToConnect", "REQUEST_LIMIT_EXCEEDED", "current", true, 0),
        s("change evil serverUrl: change denied", ch(), vec![soap("login_success_evil_server_url")],
            &["login[current]", "DENIED changeOwnPassword", "DENIED logout"], "AccessDenied", "EGRESS_DENIED", "current", false, 0),
        s("change lost answer, verified", ch(), vec![soap("login_success"), fail(K::Timeout, true), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change html 500, verified", ch(), vec![soap("login_success"), soap("html_500.html"), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change malformed 200, verified", ch(), vec![soap("login_success"), http(200, "<soapenv:Envelope"), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change html 503, new refused: not applied", ch(), vec![soap("login_success"), soap("html_503.html"), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "UnableToConnect", "HTTP_STATUS", "current", true, 1),
        s("change lost answer, verification lost too", ch(), vec![soap("login_success"), fail(K::Timeout, true), fail(K::Timeout, true), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 0),
        s("change lost answer, verification 503", ch(), vec![soap("login_success"), fail(K::Reset, true), soap("html_503.html"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "UnableToConnect", "CONNECTION_RESET", "unknown", true, 0),
        s("change acked, verification times out", ch(), vec![soap("login_success"), soap("change_own_password_ok"), fail(K::Timeout, true), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "Success", "CHANGE_UNVERIFIED", "new", false, 0),
        s("change acked, verification 503", ch(), vec![soap("login_success"), soap("change_own_password_ok"), soap("html_503.html"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "Success", "CHANGE_UNVERIFIED", "new", false, 0),
        s("change acked, verification refused without token", ch(), vec![soap("login_success"), soap("change_own_password_ok"), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "Success", "CHANGE_UNVERIFIED", "new", false, 1),
        s("change token reset found by verification", with_token_ip_unknown(ch()), vec![soap("login_success"), soap("change_own_password_ok"), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[current+token]", "changeOwnPassword", "login[new+token]", "logout"], "Success", "SECURITY_TOKEN_RESET", "new", false, 1),
        s("change token reset accepted outside trusted ranges", {
            let mut r = outside_ip(ch());
            set_item(&mut r, "security-token", TOKEN);
            r["accept_token_reset"] = json!(true);
            r
        }, vec![soap("login_success"), soap("change_own_password_ok"), soap("logout_ok")],
            &["login[current+token]", "changeOwnPassword", "logout"], "Success", "SECURITY_TOKEN_RESET", "new", false, 0),
        s("change token, lost answer, old password still works", with_token_ip_unknown(ch()), vec![soap("login_success"), fail(K::Timeout, true), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[current+token]", "changeOwnPassword", "login[current+token]", "logout", "logout"], "UnableToConnect", "TIMEOUT", "current", true, 0),
        s("change token, lost answer, old password refused", with_token_ip_unknown(ch()), vec![soap("login_success"), fail(K::Timeout, true), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[current+token]", "changeOwnPassword", "login[current+token]", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 1),
        // ---- pending reconciliation ----
        s("heartbeat pending works", with_pending(hb()), vec![soap("login_success"), soap("logout_ok")],
            &["login[pending]", "logout"], "Success", "OK", "pending", false, 0),
        s("heartbeat pending refused, current works", with_pending(hb()), vec![soap("fault_INVALID_LOGIN"), soap("login_success"), soap("logout_ok")],
            &["login[pending]", "login[current]", "logout"], "Success", "OK", "current", false, 1),
        s("heartbeat pending and current refused", with_pending(hb()), vec![soap("fault_INVALID_LOGIN"), soap("fault_INVALID_LOGIN")],
            &["login[pending]", "login[current]"], "LoginFailed", "INVALID_LOGIN", "unknown", false, 2),
        s("heartbeat pending oauth refused, current works", with_pending(with_oauth(hb())), vec![oauth("error_invalid_grant"), oauth("token_success"), rest("password_status_ok"), soap("logout_ok")],
            &["token[pending]", "token[current]", "GET password", "logout"], "Success", "OK", "current", false, 1),
        s("heartbeat pending oauth refused, current expired: one failed login", with_pending(with_oauth(hb())),
            vec![oauth("error_invalid_grant"), oauth("token_success"), rest("password_status_expired"), soap("logout_ok")],
            &["token[pending]", "token[current]", "GET password", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 1),
        s("heartbeat pending locked out: no second login", with_pending(hb()), vec![soap("fault_PASSWORD_LOCKOUT")],
            &["login[pending]"], "AccountLockedOut", "PASSWORD_LOCKOUT", "unknown", false, 1),
        s("heartbeat pending times out", with_pending(hb()), vec![fail(K::Timeout, true)],
            &["login[pending]"], "UnableToConnect", "TIMEOUT", "unknown", true, 0),
        s("heartbeat pending refused, current times out", with_pending(hb()), vec![soap("fault_INVALID_LOGIN"), fail(K::Timeout, true)],
            &["login[pending]", "login[current]"], "UnableToConnect", "TIMEOUT", "unknown", true, 1),
        s("change pending works", with_pending(ch()), change_ok_script(),
            &["login[pending]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change pending works, new rejected", with_pending(ch()), vec![soap("login_success"), soap("fault_INVALID_NEW_PASSWORD"), soap("logout_ok")],
            &["login[pending]", "changeOwnPassword", "logout"], "PasswordRejected", "INVALID_NEW_PASSWORD", "pending", false, 0),
        s("change pending refused, current works: verification skipped", with_pending(ch()), vec![soap("fault_INVALID_LOGIN"), soap("login_success"), soap("change_own_password_ok"), soap("logout_ok")],
            &["login[pending]", "login[current]", "changeOwnPassword", "logout"], "Success", "CHANGE_UNVERIFIED", "new", false, 1),
        s("change pending refused, current works, lost answer: unknown", with_pending(ch()), vec![soap("fault_INVALID_LOGIN"), soap("login_success"), fail(K::Timeout, true), soap("logout_ok")],
            &["login[pending]", "login[current]", "changeOwnPassword", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 1),
        s("change pending and current refused", with_pending(ch()), vec![soap("fault_INVALID_LOGIN"), soap("fault_INVALID_LOGIN")],
            &["login[pending]", "login[current]"], "LoginFailed", "INVALID_LOGIN", "unknown", false, 2),
        s("change pending works, lost answer, new refused", with_pending(ch()), vec![soap("login_success"), fail(K::Timeout, true), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[pending]", "changeOwnPassword", "login[new]", "logout"], "UnableToConnect", "TIMEOUT", "pending", true, 1),
        // ---- privileged mode ----
        s("privileged change ok", with_privileged(ch()), vec![soap("login_success"), soap("query_user_id"), soap("set_password_ok"), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("privileged target not found", with_privileged(ch()), vec![soap("login_success"), soap("query_empty"), soap("logout_ok")],
            &["login[privileged]", "query", "logout"], "ArgumentError", "TARGET_USER_NOT_FOUND", "current", false, 0),
        s("privileged login refused", with_privileged(ch()), vec![soap("fault_INVALID_LOGIN")],
            &["login[privileged]"], "LoginFailed", "INVALID_LOGIN", "current", false, 1),
        s("privileged lookup forbidden", with_privileged(ch()), vec![soap("login_success"), soap("fault_INSUFFICIENT_ACCESS"), soap("logout_ok")],
            &["login[privileged]", "query", "logout"], "AccessDenied", "INSUFFICIENT_ACCESS", "current", false, 0),
        s("privileged setPassword rejected", with_privileged(ch()), vec![soap("login_success"), soap("query_user_id"), soap("fault_INVALID_NEW_PASSWORD"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "logout"], "PasswordRejected", "INVALID_NEW_PASSWORD", "current", false, 0),
        s("privileged setPassword lost, verified", with_privileged(ch()), vec![soap("login_success"), soap("query_user_id"), fail(K::Reset, true), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("privileged, token, setPassword lost, new refused: unknown", with_token_ip_unknown(with_privileged(ch())),
            vec![soap("login_success"), soap("query_user_id"), fail(K::Timeout, true), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[privileged+token]", "query", "setPassword", "login[new+token]", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 1),
        // The target may be locked out or inactive: INVALID_LOGIN for the new password proves nothing.
        s("privileged, no token, setPassword lost, new refused: unknown", with_privileged(ch()),
            vec![soap("login_success"), soap("query_user_id"), fail(K::Timeout, true), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "login[new]", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 1),
        s("privileged, no token, setPassword lost, new locked out: unknown", with_privileged(ch()),
            vec![soap("login_success"), soap("query_user_id"), fail(K::Reset, true), soap("fault_PASSWORD_LOCKOUT"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "login[new]", "logout"], "UnableToConnect", "CONNECTION_RESET", "unknown", true, 1),
        s("privileged, token, setPassword acked, verification refused: token reset", with_token_ip_unknown(with_privileged(ch())),
            vec![soap("login_success"), soap("query_user_id"), soap("set_password_ok"), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[privileged+token]", "query", "setPassword", "login[new+token]", "logout"], "Success", "SECURITY_TOKEN_RESET", "new", false, 1),
        s("privileged with pending, setPassword lost, new refused: unknown", with_pending(with_privileged(ch())),
            vec![soap("login_success"), soap("query_user_id"), fail(K::Timeout, true), soap("fault_INVALID_LOGIN"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "login[new]", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 1),
        s("privileged with pending, change ok", with_pending(with_privileged(ch())),
            vec![soap("login_success"), soap("query_user_id"), soap("set_password_ok"), soap("login_success"), soap("logout_ok"), soap("logout_ok")],
            &["login[privileged]", "query", "setPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0),
        s("change oauth lost answer, new refused: not applied", with_oauth(ch()),
            vec![oauth("token_success"), fail(K::Reset, true), oauth("error_invalid_grant"), soap("logout_ok")],
            &["token[current]", "changeOwnPassword", "token[new]", "logout"], "UnableToConnect", "CONNECTION_RESET", "current", true, 1),
        s("change verification login with non-https serverUrl", ch(),
            vec![soap("login_success"), soap("change_own_password_ok"), login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "Success", "CHANGE_UNVERIFIED", "new", false, 0),
        s("change lost answer, verification login with non-https serverUrl: unknown", ch(),
            vec![soap("login_success"), fail(K::Timeout, true), login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa"), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 0),
        s("change token, lost answer, recheck with non-https serverUrl: unknown", with_token_ip_unknown(ch()),
            vec![soap("login_success"), fail(K::Timeout, true), login_with_server_url("http://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa"), soap("logout_ok")],
            &["login[current+token]", "changeOwnPassword", "login[current+token]", "logout"], "UnableToConnect", "TIMEOUT", "unknown", true, 0),
        s("privileged with pending, login refused: unknown", with_pending(with_privileged(ch())), vec![soap("fault_INVALID_LOGIN")],
            &["login[privileged]"], "LoginFailed", "INVALID_LOGIN", "unknown", false, 1),
        // ---- diagnose ----
        s("diagnose ok", request("diagnose"), vec![soap("login_success"), rest("query_user_permissions"), rest("query_permission_sets"), rest("password_status_ok"), soap("logout_ok")],
            &["login[current]", "GET query", "GET query", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("diagnose oauth", with_oauth(request("diagnose")), vec![oauth("token_success"), rest("query_user_permissions"), rest("query_permission_sets"), rest("password_status_ok"), soap("logout_ok")],
            &["token[current]", "GET query", "GET query", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("diagnose permission sets forbidden", request("diagnose"), vec![soap("login_success"), rest("query_user_permissions"), rest("error_INSUFFICIENT_ACCESS"), rest("password_status_ok"), soap("logout_ok")],
            &["login[current]", "GET query", "GET query", "GET password", "logout"], "Success", "OK", "current", false, 0),
        s("diagnose password expired", request("diagnose"), vec![soap("login_success"), rest("query_user_permissions"), rest("query_permission_sets"), rest("password_status_expired"), soap("logout_ok")],
            &["login[current]", "GET query", "GET query", "GET password", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 0),
        s("diagnose login expired", request("diagnose"), vec![soap("login_password_expired"), soap("logout_ok")],
            &["login[current]", "logout"], "LoginFailed", "PASSWORD_EXPIRED", "current", false, 0),
        s("diagnose session invalid everywhere", request("diagnose"), vec![soap("login_success"), rest("error_INVALID_SESSION_ID"), rest("error_INVALID_SESSION_ID"), fail(K::Timeout, true), soap("logout_ok")],
            &["login[current]", "GET query", "GET query", "GET password", "logout"], "Success", "OK", "current", false, 0),
    ];
    for (fixture, status, retryable) in LOGIN_FAULTS {
        v.push(s(format!("heartbeat {fixture}"), hb(), vec![soap(fixture)], &["login[current]"],
            status, fault_code(fixture), "current", *retryable, 1));
    }
    for &(kind, code, status, retryable) in TRANSPORT {
        v.extend(transport_matrix(kind, code, status, retryable));
    }
    v.extend(preflight());
    v
}

/// One transport kind at every step, both `maybe_sent` values where they matter. A too-large
/// answer proves the request arrived whatever the host says; a denied request never left.
#[rustfmt::skip]
fn transport_matrix(kind: K, code: &'static str, status: &'static str, retryable: bool) -> Vec<Scenario> {
    let mut v = Vec::new();
    let login = ["login[current]"];
    for sent in [false, true] {
        v.push(s(format!("heartbeat {kind:?} (maybe_sent {sent})"), hb(), vec![fail(kind, sent)], &login,
            status, code, "current", retryable, 0));
        v.push(s(format!("change {kind:?} at login (maybe_sent {sent})"), ch(), vec![fail(kind, sent)], &login,
            status, code, "current", retryable, 0));
        v.push(s(format!("change {kind:?} at login with pending (maybe_sent {sent})"), with_pending(ch()), vec![fail(kind, sent)],
            &["login[pending]"], status, code, "unknown", retryable, 0));
        // The change request itself.
        let applied_maybe = kind == K::TooLarge || (sent && kind != K::Denied);
        let before = || vec![soap("login_success"), fail(kind, sent)];
        if applied_maybe {
            let mut script = before();
            script.extend([soap("login_success"), soap("logout_ok"), soap("logout_ok")]);
            v.push(s(format!("change {kind:?} at the change (maybe_sent {sent}), verified"), ch(), script,
                &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0));
            let mut script = before();
            script.extend([soap("fault_INVALID_LOGIN"), soap("logout_ok")]);
            v.push(s(format!("change {kind:?} at the change (maybe_sent {sent}), new refused"), ch(), script,
                &["login[current]", "changeOwnPassword", "login[new]", "logout"], status, code, "current", retryable, 1));
            let mut script = before();
            script.extend([fail(K::Timeout, true), soap("logout_ok")]);
            v.push(s(format!("change {kind:?} at the change (maybe_sent {sent}), unsettled"), ch(), script,
                &["login[current]", "changeOwnPassword", "login[new]", "logout"], status, code, "unknown", true, 0));
            let mut script = vec![soap("login_success"), soap("query_user_id"), fail(kind, sent)];
            script.extend([soap("login_success"), soap("logout_ok"), soap("logout_ok")]);
            v.push(s(format!("privileged {kind:?} at setPassword (maybe_sent {sent}), verified"), with_privileged(ch()), script,
                &["login[privileged]", "query", "setPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0));
            let mut script = vec![soap("login_success"), soap("query_user_id"), fail(kind, sent)];
            script.extend([fail(kind, sent), soap("logout_ok")]);
            v.push(s(format!("privileged {kind:?} at setPassword (maybe_sent {sent}), unsettled"), with_privileged(ch()), script,
                &["login[privileged]", "query", "setPassword", "login[new]", "logout"], status, code, "unknown", true, 0));
        } else {
            let mut script = before();
            script.push(soap("logout_ok"));
            v.push(s(format!("change {kind:?} at the change (maybe_sent {sent}): never left"), ch(), script,
                &["login[current]", "changeOwnPassword", "logout"], status, code, "current", retryable, 0));
            let mut script = vec![soap("login_success"), soap("query_user_id"), fail(kind, sent)];
            script.push(soap("logout_ok"));
            v.push(s(format!("privileged {kind:?} at setPassword (maybe_sent {sent}): never left"), with_privileged(ch()), script,
                &["login[privileged]", "query", "setPassword", "logout"], status, code, "current", retryable, 0));
        }
        // After an acknowledged change: verification fails in transit.
        v.push(s(format!("change acked, {kind:?} at verification (maybe_sent {sent})"), ch(),
            vec![soap("login_success"), soap("change_own_password_ok"), fail(kind, sent), soap("logout_ok")],
            &["login[current]", "changeOwnPassword", "login[new]", "logout"], "Success", "CHANGE_UNVERIFIED", "new", false, 0));
        // The privileged lookup.
        v.push(s(format!("privileged {kind:?} at lookup (maybe_sent {sent})"), with_privileged(ch()),
            vec![soap("login_success"), fail(kind, sent), soap("logout_ok")],
            &["login[privileged]", "query", "logout"], status, code, "current", retryable, 0));
        // Logout: never changes the outcome, but an egress denial before any change was sent
        // (the serverUrl is outside the allowlist: SPEC 6).
        let (hb_status, hb_code) = if kind == K::Denied { ("AccessDenied", "EGRESS_DENIED") } else { ("Success", "OK") };
        v.push(s(format!("heartbeat {kind:?} at logout (maybe_sent {sent})"), hb(),
            vec![soap("login_success"), fail(kind, sent)],
            &["login[current]", "logout"], hb_status, hb_code, "current", false, 0));
        v.push(s(format!("change {kind:?} at the second logout (maybe_sent {sent})"), ch(),
            vec![soap("login_success"), soap("change_own_password_ok"), soap("login_success"), soap("logout_ok"), fail(kind, sent)],
            &["login[current]", "changeOwnPassword", "login[new]", "logout", "logout"], "Success", "OK", "new", false, 0));
        // An OAuth heartbeat's password status read: a failure there is a warn, not the
        // outcome, except an egress denial (SPEC 6). Then its logout.
        let (st_status, st_code) = if kind == K::Denied { ("AccessDenied", "EGRESS_DENIED") } else { ("Success", "OK") };
        v.push(s(format!("heartbeat oauth {kind:?} at the password status (maybe_sent {sent})"), with_oauth(hb()),
            vec![oauth("token_success"), fail(kind, sent), soap("logout_ok")],
            &["token[current]", "GET password", "logout"], st_status, st_code, "current", false, 0));
        v.push(s(format!("heartbeat oauth {kind:?} at logout (maybe_sent {sent})"), with_oauth(hb()),
            vec![oauth("token_success"), rest("password_status_ok"), fail(kind, sent)],
            &["token[current]", "GET password", "logout"], hb_status, hb_code, "current", false, 0));
        v.push(s(format!("heartbeat oauth expired, {kind:?} at logout (maybe_sent {sent})"), with_oauth(hb()),
            vec![oauth("token_success"), rest("password_status_expired"), fail(kind, sent)],
            &["token[current]", "GET password", "logout"], if kind == K::Denied { "AccessDenied" } else { "LoginFailed" },
            if kind == K::Denied { "EGRESS_DENIED" } else { "PASSWORD_EXPIRED" }, "current", false, 0));
        // Diagnose: a query that fails is a skipped check, not the outcome.
        let diag = ["login[current]", "GET query", "GET query", "GET password", "logout"];
        v.push(s(format!("diagnose {kind:?} at the user query (maybe_sent {sent})"), request("diagnose"),
            vec![soap("login_success"), fail(kind, sent), rest("query_permission_sets"), rest("password_status_ok"), soap("logout_ok")],
            &diag, "Success", "OK", "current", false, 0));
        v.push(s(format!("diagnose {kind:?} at the permission set query (maybe_sent {sent})"), request("diagnose"),
            vec![soap("login_success"), rest("query_user_permissions"), fail(kind, sent), rest("password_status_ok"), soap("logout_ok")],
            &diag, "Success", "OK", "current", false, 0));
        v.push(s(format!("diagnose {kind:?} at the password status (maybe_sent {sent})"), request("diagnose"),
            vec![soap("login_success"), rest("query_user_permissions"), rest("query_permission_sets"), fail(kind, sent), soap("logout_ok")],
            &diag, "Success", "OK", "current", false, 0));
    }
    v
}

/// Preflight scenarios: no request is sent.
fn preflight() -> Vec<Scenario> {
    let none: &[&str] = &[];
    let mut v = Vec::new();
    let mut add = |name: &str, req: Value, status: &'static str, code: &'static str| {
        v.push(s(
            format!("preflight {name}"),
            req,
            vec![],
            none,
            status,
            code,
            "current",
            false,
            0,
        ));
    };
    let mut r = hb();
    set_item(&mut r, "password", "");
    add("missing password", r, "ArgumentError", "INVALID_REQUEST");
    let mut r = hb();
    r["secret"]["items"]
        .as_array_mut()
        .expect("items")
        .retain(|i| i["slug"] != "username");
    add("missing username", r, "ArgumentError", "INVALID_REQUEST");
    let mut r = ch();
    r.as_object_mut().expect("object").remove("new_password");
    add(
        "missing new password",
        r,
        "ArgumentError",
        "INVALID_REQUEST",
    );
    let mut r = ch();
    r["new_password"] = json!(CURRENT);
    add("new equals current", r, "ArgumentError", "INVALID_REQUEST");
    add(
        "oauth without client id",
        {
            let mut r = hb();
            r["login_method"] = json!("oauth_password");
            r
        },
        "ArgumentError",
        "INVALID_REQUEST",
    );
    for url in [
        "https://acme.my.salesforce.com",
        "http://login.salesforce.com",
        "https://login.salesforce.com:443",
        "https://login.salesforce.com/services",
        "https://user:pw@login.salesforce.com",
        "https://login.salesforce.com.evil.example",
        "https://login.salesforce.com//",
    ] {
        let mut r = hb();
        set_item(&mut r, "url", url);
        add(
            &format!("url {url}"),
            r,
            "ArgumentError",
            "LOGIN_URL_NOT_ALLOWED",
        );
    }
    let mut r = hb();
    r["org"]["login_ip_ranges"] = json!(["10.0.0.0/8"]);
    add(
        "outside login ranges",
        r,
        "AccessDenied",
        "EGRESS_IP_OUTSIDE_LOGIN_RANGES",
    );
    add(
        "outside trusted ranges without token",
        outside_ip(hb()),
        "LoginFailed",
        "SECURITY_TOKEN_REQUIRED",
    );
    let mut r = hb();
    r["org"]["trusted_ip_ranges"] = json!([]);
    add(
        "empty trusted ranges without token",
        r,
        "LoginFailed",
        "SECURITY_TOKEN_REQUIRED",
    );
    let mut r = outside_ip(ch());
    set_item(&mut r, "security-token", TOKEN);
    add(
        "token would be reset",
        r,
        "AccessDenied",
        "TOKEN_WOULD_BE_RESET",
    );
    let mut r = outside_ip(with_privileged(ch()));
    set_item(&mut r, "security-token", TOKEN);
    r["privileged_secret"]["security_token"] = json!(null);
    add(
        "privileged account without token outside",
        r,
        "LoginFailed",
        "SECURITY_TOKEN_REQUIRED",
    );
    let mut r = ch();
    r["org"]["password_policy"] = json!({"min_length": 20, "complexity": "alpha_numeric"});
    add(
        "policy too short",
        r,
        "PasswordRejected",
        "NEW_PASSWORD_POLICY",
    );
    let mut r = ch();
    r["org"]["password_policy"] =
        json!({"min_length": 8, "complexity": "upper_lower_numeric_special"});
    r["new_password"] = json!("newpass3zq9x");
    add(
        "policy complexity",
        r,
        "PasswordRejected",
        "NEW_PASSWORD_POLICY",
    );
    let mut r = hb();
    r["org"]["trusted_ip_ranges"] = json!(["203.0.113.0/24", "198.51.100.9-198.51.100.1"]);
    add("bad range", r, "ArgumentError", "INVALID_IP_RANGE");
    let mut r = hb();
    r["accept_token_rest"] = json!(true);
    add(
        "unknown top-level key",
        r,
        "ArgumentError",
        "INVALID_REQUEST",
    );
    let mut r = hb();
    r["org"]["trusted_ip_range"] = json!(["0.0.0.0/0"]);
    add("unknown org key", r, "ArgumentError", "INVALID_REQUEST");
    let mut r = hb();
    r.as_object_mut().expect("object").remove("operation");
    add("missing operation", r, "ArgumentError", "INVALID_REQUEST");
    let mut r = hb();
    r["api_version"] = json!("65.0");
    add(
        "api version without login()",
        r,
        "ArgumentError",
        "INVALID_REQUEST",
    );
    // Requests with a pending password: still unsettled after a refusal.
    let mut pending_cases = Vec::new();
    let mut r = hb();
    set_item(&mut r, "url", "");
    add("missing url", r, "ArgumentError", "INVALID_REQUEST");
    let mut r = with_oauth(hb());
    set_item(&mut r, "client-secret", "");
    add(
        "oauth without client secret",
        r,
        "ArgumentError",
        "INVALID_REQUEST",
    );
    let mut r = with_privileged(ch());
    r["privileged_secret"]["url"] = json!("https://acme.my.salesforce.com");
    add(
        "privileged account with a My Domain URL",
        r,
        "ArgumentError",
        "LOGIN_URL_NOT_ALLOWED",
    );
    let mut r = with_privileged(ch());
    r["privileged_secret"]["url"] = json!("http://login.salesforce.com");
    add(
        "privileged account with an http URL",
        r,
        "ArgumentError",
        "LOGIN_URL_NOT_ALLOWED",
    );
    let mut r = ch();
    r["pending_password"] = json!(NEW);
    pending_cases.push(("new_password equals pending_password".to_owned(), r));
    let mut r = hb();
    r["site"]["egress_ips"] = json!(["2001:db8:1::7"]);
    r["org"]["trusted_ip_ranges"] = json!(["2001:db8:2::/48", "2001:db8:3::1-2001:db8:3::ff"]);
    add(
        "IPv6 egress outside IPv6 trusted ranges without token",
        r,
        "LoginFailed",
        "SECURITY_TOKEN_REQUIRED",
    );
    let mut r = hb();
    r["site"]["egress_ips"] = json!(["2001:db8:1::7"]);
    r["org"]["trusted_ip_ranges"] = json!(["2001:db8:1::/48"]);
    r["org"]["login_ip_ranges"] = json!(["2001:db8:1::100-2001:db8:1::1ff"]);
    add(
        "IPv6 egress outside an IPv6 start-end login range",
        r,
        "AccessDenied",
        "EGRESS_IP_OUTSIDE_LOGIN_RANGES",
    );
    let mut r = ch();
    r["site"]["egress_ips"] = json!(["2001:db8:1::7"]);
    r["org"]["trusted_ip_ranges"] = json!(["203.0.113.0/24"]);
    set_item(&mut r, "security-token", TOKEN);
    add(
        "IPv6 egress outside IPv4-only trusted ranges: token would be reset",
        r,
        "AccessDenied",
        "TOKEN_WOULD_BE_RESET",
    );
    // Control characters would make invalid XML and cost a failed login: refused up front.
    for bad in ["\u{0}", "\u{7}", "\t", "\n", "\r", "\u{1f}", "\u{7f}"] {
        let esc = bad.escape_unicode().to_string();
        let mut r = ch();
        set_item(&mut r, "password", &format!("{CURRENT}{bad}x"));
        add(
            &format!("control {esc} in the password"),
            r,
            "ArgumentError",
            "INVALID_REQUEST",
        );
        let mut r = ch();
        set_item(&mut r, "username", &format!("integration{bad}x@acme.com"));
        add(
            &format!("control {esc} in the username"),
            r,
            "ArgumentError",
            "INVALID_REQUEST",
        );
        let mut r = ch();
        set_item(&mut r, "security-token", &format!("{TOKEN}{bad}"));
        add(
            &format!("control {esc} in the token"),
            r,
            "ArgumentError",
            "INVALID_REQUEST",
        );
        let mut r = ch();
        r["new_password"] = json!(format!("{NEW}{bad}x"));
        add(
            &format!("control {esc} in new_password"),
            r,
            "ArgumentError",
            "INVALID_REQUEST",
        );
        let mut r = with_privileged(ch());
        r["privileged_secret"]["password"] = json!(format!("{PRIV}{bad}x"));
        add(
            &format!("control {esc} in the privileged password"),
            r,
            "ArgumentError",
            "INVALID_REQUEST",
        );
        let mut r = hb();
        r["pending_password"] = json!(format!("{PENDING}{bad}x"));
        pending_cases.push((format!("control {esc} in pending_password"), r));
    }
    for (esc, r) in pending_cases {
        v.push(s(
            format!("preflight control {esc} in pending_password"),
            r,
            vec![],
            none,
            "ArgumentError",
            "INVALID_REQUEST",
            "unknown",
            false,
            0,
        ));
    }
    let mut r = with_pending(hb());
    r["typo"] = json!(1);
    v.push(s(
        "preflight bad request keeps a pending password unsettled",
        r,
        vec![],
        none,
        "ArgumentError",
        "INVALID_REQUEST",
        "unknown",
        false,
        0,
    ));
    let mut r = with_pending(hb());
    r["org"]["login_ip_ranges"] = json!(["10.0.0.0/8"]);
    v.push(s(
        "preflight failure keeps a pending password unsettled",
        r,
        vec![],
        none,
        "AccessDenied",
        "EGRESS_IP_OUTSIDE_LOGIN_RANGES",
        "unknown",
        false,
        0,
    ));
    v
}
