//! Hostile XML through a whole job: a heartbeat whose login is answered (status 200) with a
//! DOCTYPE document, an entity bomb, 10,000-deep nesting, a 5 MB body or a truncated document
//! ends MALFORMED_RESPONSE or RESPONSE_TOO_LARGE, with no failed login and no panic. Timing
//! belongs in benches: these only assert that the job completes.

mod support;

use sfrpc_plugin::{ActivePassword, Status};
use support::*;

const ENVELOPE_OPEN: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com">"#;
const ENVELOPE_CLOSE: &str = "</soapenv:Envelope>";

fn login_body(session: &str) -> String {
    format!(
        "<soapenv:Body><loginResponse><result><serverUrl>https://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa</serverUrl><sessionId>{session}</sessionId><userId>0055g00000AbCdEAAV</userId><passwordExpired>false</passwordExpired></result></loginResponse></soapenv:Body>"
    )
}

fn doctype_doc() -> String {
    format!(
        "<?xml version=\"1.0\"?><!DOCTYPE soapenv:Envelope [<!ENTITY sid \"00D!X\">]>{ENVELOPE_OPEN}{}{ENVELOPE_CLOSE}",
        login_body("&sid;")
    )
}

fn entity_bomb() -> String {
    format!(
        "<?xml version=\"1.0\"?>{}{ENVELOPE_OPEN}{}{ENVELOPE_CLOSE}",
        entity_bomb_doctype(),
        login_body("&lol9;")
    )
}

fn deep_nesting() -> String {
    let depth = 10_000;
    format!(
        "{ENVELOPE_OPEN}<soapenv:Body>{}{}</soapenv:Body>{ENVELOPE_CLOSE}",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    )
}

fn five_megabytes() -> String {
    let padding = "<pad>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</pad>"
        .repeat(5 * 1024 * 1024 / 60);
    format!(
        "{ENVELOPE_OPEN}<soapenv:Header>{padding}</soapenv:Header>{}{ENVELOPE_CLOSE}",
        login_body("00D5g000004XyZa!FAKESESSIONAQEAQlogin0001xYzFAKE")
    )
}

fn truncated() -> String {
    let whole = fixture("soap/login_success.xml");
    whole[..whole.len() / 2].to_owned()
}

#[test]
fn hostile_login_answers_end_the_heartbeat_cleanly() {
    let cases: Vec<(&str, String, &str)> = vec![
        ("doctype", doctype_doc(), "MALFORMED_RESPONSE"),
        ("entity bomb", entity_bomb(), "MALFORMED_RESPONSE"),
        ("10,000-deep nesting", deep_nesting(), "MALFORMED_RESPONSE"),
        ("5 MB body", five_megabytes(), "RESPONSE_TOO_LARGE"),
        ("truncated document", truncated(), "MALFORMED_RESPONSE"),
    ];
    for (what, body, code) in cases {
        if what == "5 MB body" {
            assert!(body.len() > 5_000_000, "the body is really 5 MB");
        }
        let run = run(&request("heartbeat"), vec![Reply::Http(200, body)]);
        assert_eq!(
            run.ops(),
            vec!["login[current]"],
            "{what}: no further request"
        );
        assert_eq!(run.result.status, Status::UnknownError, "{what}");
        assert_eq!(run.result.code, code, "{what}");
        assert_eq!(run.result.failed_logins, 0, "{what}: not a refused login");
        assert_eq!(
            run.result.active_password,
            ActivePassword::Current,
            "{what}"
        );
        assert!(!run.result.retryable, "{what}");
        assert!(
            run.result.refused_credentials.is_empty(),
            "{what}: nothing to quarantine"
        );
    }
}

#[test]
fn hostile_answers_to_the_change_keep_its_fate_honest() {
    // The change request was sent: a hostile answer to it may hide an applied change, so the
    // job settles it with the new password.
    for body in [
        doctype_doc(),
        entity_bomb(),
        deep_nesting(),
        five_megabytes(),
        truncated(),
    ] {
        let run = run(
            &request("change"),
            vec![
                soap("login_success"),
                Reply::Http(200, body),
                fail(sfrpc_plugin::TransportErrorKind::Timeout, true),
                soap("logout_ok"),
            ],
        );
        assert_eq!(
            run.ops(),
            vec![
                "login[current]",
                "changeOwnPassword",
                "login[new]",
                "logout"
            ]
        );
        assert_eq!(run.result.active_password, ActivePassword::Unknown);
        assert_eq!(run.result.failed_logins, 0);
    }
}
