//! The SOAP codec against the fixture files in fixtures/soap/.

use secrecy::ExposeSecret;
use sfrpc_plugin::codec::soap::{self, LoginResult};
use sfrpc_plugin::codec::{Fault, WireError};
use sfrpc_plugin::HttpResponse;

fn fixture(name: &str) -> String {
    let path = format!("{}/../fixtures/soap/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn resp(status: u16, name: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "text/xml;charset=UTF-8".into())],
        body: fixture(name),
    }
}

fn login_ok(name: &str) -> LoginResult {
    match soap::parse_login(&resp(200, name)) {
        Ok(result) => result,
        Err(e) => panic!("{name}: {e:?}"),
    }
}

#[test]
fn login_success_production() {
    let r = login_ok("login_success.xml");
    assert_eq!(
        r.server_url,
        "https://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa"
    );
    assert!(r.session_id.expose_secret() == "00D5g000004XyZa!FAKESESSIONAQEAQlogin0001xYzFAKE");
    assert_eq!(r.user_id, "0055g00000AbCdEAAV");
    assert_eq!(r.organization_id.as_deref(), Some("00D5g000004XyZaEAK"));
    assert_eq!(r.profile_id.as_deref(), Some("00e5g000001AbCdAAK"));
    assert_eq!(r.user_name.as_deref(), Some("integration@acme.com"));
    assert!(!r.password_expired);
    assert!(!r.sandbox);
    assert_eq!(r.session_seconds_valid, Some(7200));
}

#[test]
fn login_success_sandbox() {
    let r = login_ok("login_success_sandbox.xml");
    assert!(r.sandbox);
    assert!(!r.password_expired);
    assert!(r
        .server_url
        .starts_with("https://acme--uat.sandbox.my.salesforce.com/services/Soap/u/64.0/"));
    assert_eq!(r.user_name.as_deref(), Some("integration@acme.com.uat"));
}

#[test]
fn login_password_expired() {
    let r = login_ok("login_password_expired.xml");
    assert!(r.password_expired);
    assert!(!r.sandbox);
}

#[test]
fn login_evil_server_url_is_reported_verbatim() {
    // The codec does not judge hosts; the job checks serverUrl against the allowlist.
    let r = login_ok("login_success_evil_server_url.xml");
    assert!(r
        .server_url
        .starts_with("https://evil.example.net/services/Soap/u/64.0/00D"));
}

#[test]
fn login_with_limit_info_header_and_odd_prefixes() {
    let r = login_ok("with_limit_info_header.xml");
    assert_eq!(
        r.server_url,
        "https://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa"
    );
    // The unqualified sessionId in the Header is not the session.
    assert!(r.session_id.expose_secret() == "00D5g000004XyZa!FAKESESSIONAQEAQlimits0005FAKE");
    assert_eq!(r.session_seconds_valid, Some(3600));
    assert_eq!(r.organization_id.as_deref(), Some("00D5g000004XyZaEAK"));
}

#[test]
fn login_result_debug_redacts_the_session_id() {
    for name in ["login_success.xml", "with_limit_info_header.xml"] {
        let r = login_ok(name);
        let debug = format!("{r:?}");
        assert!(
            !debug.contains("FAKESESSION"),
            "{name}: debug leaks the session"
        );
        assert!(debug.contains("REDACTED"));
    }
}

fn fault_of(status: u16, name: &str) -> Fault {
    match soap::parse_login(&resp(status, name)) {
        Err(WireError::Fault(fault)) => fault,
        other => panic!("{name}: expected a fault, got {other:?}"),
    }
}

#[test]
fn every_fault_fixture_yields_its_exception_code() {
    let cases = [
        ("fault_INVALID_LOGIN.xml", "INVALID_LOGIN"),
        (
            "fault_LOGIN_MUST_USE_SECURITY_TOKEN.xml",
            "LOGIN_MUST_USE_SECURITY_TOKEN",
        ),
        ("fault_API_DISABLED_FOR_ORG.xml", "API_DISABLED_FOR_ORG"),
        ("fault_API_CURRENTLY_DISABLED.xml", "API_CURRENTLY_DISABLED"),
        ("fault_PASSWORD_LOCKOUT.xml", "PASSWORD_LOCKOUT"),
        (
            "fault_LOGIN_DURING_RESTRICTED_DOMAIN.xml",
            "LOGIN_DURING_RESTRICTED_DOMAIN",
        ),
        (
            "fault_LOGIN_DURING_RESTRICTED_TIME.xml",
            "LOGIN_DURING_RESTRICTED_TIME",
        ),
        ("fault_INSUFFICIENT_ACCESS.xml", "INSUFFICIENT_ACCESS"),
        (
            "fault_INVALID_OPERATION_login_disabled.xml",
            "INVALID_OPERATION",
        ),
        (
            "fault_INVALID_OPERATION_api_version.xml",
            "INVALID_OPERATION",
        ),
        ("fault_INVALID_NEW_PASSWORD.xml", "INVALID_NEW_PASSWORD"),
        ("fault_INVALID_OLD_PASSWORD.xml", "INVALID_OLD_PASSWORD"),
        ("fault_REQUEST_LIMIT_EXCEEDED.xml", "REQUEST_LIMIT_EXCEEDED"),
        ("fault_LOGIN_RATE_EXCEEDED.xml", "LOGIN_RATE_EXCEEDED"),
        ("fault_INVALID_SESSION_ID.xml", "INVALID_SESSION_ID"),
        (
            "fault_INVALID_OPERATION_WITH_EXPIRED_PASSWORD.xml",
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
        ),
        (
            "fault_UNSUPPORTED_API_VERSION.xml",
            "UNSUPPORTED_API_VERSION",
        ),
        ("fault_unprefixed_faultcode.xml", "INVALID_LOGIN"),
    ];
    for (name, code) in cases {
        let fault = fault_of(500, name);
        assert_eq!(fault.code, code, "{name}");
        assert!(!fault.message.is_empty(), "{name}: empty message");
        assert!(
            !fault.message.starts_with(code),
            "{name}: message keeps the code"
        );
        // The same body is a fault whatever the status, and for every operation.
        assert_eq!(fault_of(200, name), fault, "{name} at 200");
        assert_eq!(
            soap::parse_ack(&resp(500, name), "setPassword"),
            Err(WireError::Fault(fault.clone())),
            "{name} as ack"
        );
    }
}

#[test]
fn fault_messages_are_decoded_exactly() {
    let f = fault_of(500, "fault_INVALID_LOGIN.xml");
    assert_eq!(
        f.message,
        "Invalid username, password, security token; or user locked out."
    );
    let f = fault_of(500, "fault_LOGIN_MUST_USE_SECURITY_TOKEN.xml");
    assert!(f.message.contains("company\u{2019}s trusted networks"));
    let f = fault_of(500, "fault_INVALID_OPERATION_login_disabled.xml");
    assert!(f.message.starts_with("SOAP API login() is disabled"));
    let f = fault_of(500, "fault_unprefixed_faultcode.xml");
    assert_eq!(
        f.message,
        "Invalid username, password, security token; or user locked out."
    );
}

#[test]
fn generic_faultcode_with_detail_uses_exception_code() {
    let body = r#"<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
 <s:Body><s:Fault>
  <faultcode>s:Server</faultcode>
  <faultstring>something went wrong</faultstring>
  <detail><f:UnexpectedErrorFault xmlns:f="urn:fault.partner.soap.sforce.com">
   <f:exceptionCode>UNKNOWN_EXCEPTION</f:exceptionCode>
   <f:exceptionMessage> An unexpected error occurred. </f:exceptionMessage>
  </f:UnexpectedErrorFault></detail>
 </s:Fault></s:Body></s:Envelope>"#;
    let r = HttpResponse {
        status: 500,
        headers: vec![],
        body: body.into(),
    };
    let expected = Fault {
        code: "UNKNOWN_EXCEPTION".into(),
        message: "An unexpected error occurred.".into(),
    };
    assert_eq!(
        soap::parse_login(&r).unwrap_err(),
        WireError::Fault(expected)
    );
}

#[test]
fn faultstring_only_is_split_into_code_and_message() {
    let body = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
    let r = HttpResponse {
        status: 500,
        headers: vec![],
        body: body.into(),
    };
    let expected = Fault {
        code: "INVALID_SESSION_ID".into(),
        message: "Invalid Session ID found in SessionHeader: Illegal Session".into(),
    };
    assert_eq!(
        soap::parse_ack(&r, "logout").unwrap_err(),
        WireError::Fault(expected)
    );
}

#[test]
fn acks() {
    assert_eq!(
        soap::parse_ack(&resp(200, "logout_ok.xml"), "logout"),
        Ok(())
    );
    assert_eq!(
        soap::parse_ack(
            &resp(200, "change_own_password_ok.xml"),
            "changeOwnPassword"
        ),
        Ok(())
    );
    assert_eq!(
        soap::parse_ack(&resp(200, "set_password_ok.xml"), "setPassword"),
        Ok(())
    );
    // The wrong response element is not an ack.
    assert!(matches!(
        soap::parse_ack(&resp(200, "logout_ok.xml"), "setPassword"),
        Err(WireError::Malformed(_))
    ));
    assert!(matches!(
        soap::parse_ack(&resp(200, "login_success.xml"), "logout"),
        Err(WireError::Malformed(_))
    ));
    // A success body with an error status is not trusted.
    assert_eq!(
        soap::parse_ack(&resp(302, "logout_ok.xml"), "logout"),
        Err(WireError::HttpStatus(302))
    );
}

#[test]
fn query_user_id() {
    let records = soap::parse_query(&resp(200, "query_user_id.xml")).expect("query parses");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.get("Id"), Some(&Some("0055g00000TgTgTAAV".to_owned())));
    assert_eq!(r.get("Username"), Some(&Some("target@acme.com".to_owned())));
    assert_eq!(
        r.get("Profile.Name"),
        Some(&Some("System Administrator".to_owned()))
    );
    assert_eq!(r.get("Profile.Id"), Some(&None));
    assert_eq!(r.get("LastPasswordChangeDate"), Some(&None));
    assert!(!r.contains_key("type"));
    assert!(!r.contains_key("Profile.type"));
}

#[test]
fn query_empty() {
    let records = soap::parse_query(&resp(200, "query_empty.xml")).expect("query parses");
    assert!(records.is_empty());
}

#[test]
fn html_error_pages_are_http_status() {
    for (status, name) in [(500, "html_500.html"), (503, "html_503.html")] {
        assert_eq!(
            soap::parse_login(&resp(status, name)).unwrap_err(),
            WireError::HttpStatus(status)
        );
        assert_eq!(
            soap::parse_ack(&resp(status, name), "logout"),
            Err(WireError::HttpStatus(status))
        );
        assert_eq!(
            soap::parse_query(&resp(status, name)).unwrap_err(),
            WireError::HttpStatus(status)
        );
    }
    // The same HTML page with a 200 is malformed.
    assert!(matches!(
        soap::parse_login(&resp(200, "html_500.html")),
        Err(WireError::Malformed(_))
    ));
}

#[test]
fn redirect_and_error_status_without_fault_are_http_status() {
    let empty = |status| HttpResponse {
        status,
        headers: vec![],
        body: String::new(),
    };
    assert_eq!(
        soap::parse_login(&empty(302)).unwrap_err(),
        WireError::HttpStatus(302)
    );
    assert_eq!(
        soap::parse_login(&empty(404)).unwrap_err(),
        WireError::HttpStatus(404)
    );
    assert_eq!(
        soap::parse_login(&resp(404, "login_success.xml")).unwrap_err(),
        WireError::HttpStatus(404)
    );
}

#[test]
fn login_missing_required_element_is_malformed() {
    let body = fixture("login_success.xml")
        .replace("<sessionId>", "<notSession>")
        .replace("</sessionId>", "</notSession>");
    let r = HttpResponse {
        status: 200,
        headers: vec![],
        body,
    };
    match soap::parse_login(&r) {
        Err(WireError::Malformed(what)) => {
            assert!(what.contains("sessionId"));
            assert!(!what.contains("FAKESESSION"));
        }
        other => panic!("expected malformed, got {other:?}"),
    }
}

#[test]
fn login_in_wrong_namespace_is_malformed() {
    let body = fixture("login_success.xml").replace("urn:partner.soap.sforce.com", "urn:example");
    let r = HttpResponse {
        status: 200,
        headers: vec![],
        body,
    };
    assert!(matches!(
        soap::parse_login(&r),
        Err(WireError::Malformed(_))
    ));
}
