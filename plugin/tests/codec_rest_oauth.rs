//! The REST and OAuth codecs against fixtures/rest/ and fixtures/oauth/.

use secrecy::ExposeSecret;
use sfrpc_plugin::codec::{oauth, rest, Fault, WireError};
use sfrpc_plugin::HttpResponse;

fn fixture(dir: &str, name: &str) -> String {
    let path = format!("{}/../fixtures/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn resp(status: u16, dir: &str, name: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: fixture(dir, name),
    }
}

fn raw(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.to_owned(),
    }
}

#[test]
fn urls_and_headers() {
    let inst = "https://acme.my.salesforce.com/";
    assert_eq!(
        rest::base(inst, "64.0"),
        "https://acme.my.salesforce.com/services/data/v64.0"
    );
    assert_eq!(
        rest::query_url(inst, "64.0", "SELECT Id FROM User WHERE Username = 'a+b@x.com'"),
        "https://acme.my.salesforce.com/services/data/v64.0/query?q=SELECT%20Id%20FROM%20User%20WHERE%20Username%20%3D%20%27a%2Bb%40x.com%27"
    );
    assert_eq!(
        rest::password_url(inst, "64.0", "0055g00000AbCdEAAV"),
        "https://acme.my.salesforce.com/services/data/v64.0/sobjects/User/0055g00000AbCdEAAV/password"
    );
    assert!(
        rest::password_url(inst, "64.0", "../x?y").ends_with("/sobjects/User/..%2Fx%3Fy/password")
    );
    let h = rest::headers("00D!tok");
    assert!(h.contains(&("Authorization".into(), "Bearer 00D!tok".into())));
    assert!(h.contains(&("Accept".into(), "application/json".into())));
    assert!(!h.iter().any(|(n, _)| n == "Content-Type"));
    let h = rest::json_headers("00D!tok");
    assert!(h.contains(&("Content-Type".into(), "application/json".into())));
    assert!(h.contains(&("Authorization".into(), "Bearer 00D!tok".into())));
}

#[test]
fn set_password_body_is_json_with_escapes() {
    let password = "p\"\\<&>'ü\n";
    let body = rest::set_password_body(password);
    let parsed: serde_json::Value = serde_json::from_str(&body).expect("valid json");
    assert!(parsed["NewPassword"].as_str() == Some(password));
    assert_eq!(parsed.as_object().map(|o| o.len()), Some(1));
}

#[test]
fn query_user_permissions() {
    let q = rest::parse_query(&resp(200, "rest", "query_user_permissions.json")).expect("parses");
    assert_eq!(q.total_size, 1);
    assert!(q.done);
    let user = &q.records[0];
    assert_eq!(user["Id"], "0055g00000AbCdEAAV");
    assert_eq!(user["IsActive"], true);
    assert_eq!(user["Profile"]["Name"], "Integration API");
    assert_eq!(user["Profile"]["PermissionsApiEnabled"], true);
    assert_eq!(user["Profile"]["PermissionsPasswordNeverExpires"], false);
    assert_eq!(user["Profile"]["PermissionsApiUserOnly"], true);
    assert!(user["LastPasswordChangeDate"].is_string());
}

#[test]
fn query_permission_sets() {
    let q = rest::parse_query(&resp(200, "rest", "query_permission_sets.json")).expect("parses");
    assert_eq!(q.total_size, 2);
    assert_eq!(q.records.len(), 2);
    assert_eq!(
        q.records[1]["PermissionSet"]["PermissionsPasswordNeverExpires"],
        true
    );
    assert_eq!(q.records[0]["PermissionSet"]["IsOwnedByProfile"], true);
}

#[test]
fn password_status() {
    assert_eq!(
        rest::parse_password_status(&resp(200, "rest", "password_status_ok.json")),
        Ok(false)
    );
    assert_eq!(
        rest::parse_password_status(&resp(200, "rest", "password_status_expired.json")),
        Ok(true)
    );
}

#[test]
fn no_content() {
    assert_eq!(rest::parse_no_content(&raw(204, "")), Ok(()));
    assert_eq!(rest::parse_no_content(&raw(200, "")), Ok(()));
    assert_eq!(
        rest::parse_no_content(&raw(302, "")),
        Err(WireError::HttpStatus(302))
    );
    assert_eq!(
        rest::parse_no_content(&raw(500, "<html>oops</html>")),
        Err(WireError::HttpStatus(500))
    );
}

#[test]
fn every_rest_error_fixture_is_a_fault() {
    let cases = [
        (
            "error_INVALID_SESSION_ID.json",
            401,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        ),
        (
            "error_INSUFFICIENT_ACCESS.json",
            403,
            "INSUFFICIENT_ACCESS",
            "You do not have permission to view this record.",
        ),
        (
            "error_INVALID_NEW_PASSWORD.json",
            400,
            "INVALID_NEW_PASSWORD",
            "Your password must have a mix of letters and numbers.",
        ),
        (
            "error_NOT_FOUND.json",
            404,
            "NOT_FOUND",
            "The requested resource does not exist",
        ),
        (
            "error_REQUEST_LIMIT_EXCEEDED.json",
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ),
    ];
    for (name, status, code, message) in cases {
        let expected = WireError::Fault(Fault {
            code: code.into(),
            message: message.into(),
        });
        for s in [status, 200] {
            let r = resp(s, "rest", name);
            assert_eq!(
                rest::parse_no_content(&r),
                Err(expected.clone()),
                "{name} {s}"
            );
            assert_eq!(rest::parse_query(&r).unwrap_err(), expected, "{name} {s}");
            assert_eq!(
                rest::parse_password_status(&r),
                Err(expected.clone()),
                "{name} {s}"
            );
        }
    }
}

#[test]
fn single_object_rest_error_is_a_fault() {
    let r = raw(
        400,
        r#"{"message" : "Your password must have a mix of letters and numbers.", "errorCode" : "INVALID_NEW_PASSWORD"}"#,
    );
    assert!(
        matches!(rest::parse_no_content(&r), Err(WireError::Fault(f)) if f.code == "INVALID_NEW_PASSWORD")
    );
}

#[test]
fn rest_status_and_shape_errors() {
    assert_eq!(
        rest::parse_query(&raw(503, "<html/>")).unwrap_err(),
        WireError::HttpStatus(503)
    );
    assert_eq!(
        rest::parse_query(&raw(400, "[]")).unwrap_err(),
        WireError::HttpStatus(400)
    );
    assert!(matches!(
        rest::parse_query(&raw(200, "")),
        Err(WireError::Malformed(_))
    ));
    assert!(matches!(
        rest::parse_query(&raw(200, "{\"done\":true}")),
        Err(WireError::Malformed(_))
    ));
    assert!(matches!(
        rest::parse_password_status(&raw(200, "{\"isExpired\":\"no\"}")),
        Err(WireError::Malformed(_))
    ));
    let big = raw(
        200,
        &format!(
            "{{\"isExpired\":false,\"pad\":\"{}\"}}",
            "x".repeat(5 << 20)
        ),
    );
    assert_eq!(rest::parse_password_status(&big), Err(WireError::TooLarge));
    assert_eq!(rest::parse_no_content(&big), Err(WireError::TooLarge));
    let deep = raw(
        200,
        &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
    );
    assert!(matches!(
        rest::parse_query(&deep),
        Err(WireError::Malformed(_))
    ));
}

#[test]
fn oauth_request() {
    assert_eq!(
        oauth::token_url("https://login.salesforce.com/"),
        "https://login.salesforce.com/services/oauth2/token"
    );
    let h = oauth::headers();
    assert!(h.contains(&(
        "Content-Type".into(),
        "application/x-www-form-urlencoded".into()
    )));
    assert!(h.contains(&("Accept".into(), "application/json".into())));
    let body = oauth::password_grant_body("3MVG9&id", "sec=ret", "a+b@acme.com", "p&ss word=ü");
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let expected = [
        ("grant_type", "password"),
        ("client_id", "3MVG9&id"),
        ("client_secret", "sec=ret"),
        ("username", "a+b@acme.com"),
        ("password", "p&ss word=ü"),
    ];
    assert_eq!(pairs.len(), expected.len());
    for ((k, v), (ek, ev)) in pairs.iter().zip(expected) {
        assert_eq!(k, ek);
        assert!(v == ev, "value of {k} differs");
    }
}

#[test]
fn oauth_token_success() {
    let t = oauth::parse_token(&resp(200, "oauth", "token_success.json")).expect("parses");
    assert!(t.access_token.expose_secret() == "00D5g000004XyZa!FAKEACCESSTOKENoauth0006FAKE");
    assert_eq!(t.instance_url, "https://acme.my.salesforce.com");
    assert_eq!(
        t.id_url.as_deref(),
        Some("https://login.salesforce.com/id/00D5g000004XyZaEAK/0055g00000AbCdEAAV")
    );
    assert_eq!(t.org_id.as_deref(), Some("00D5g000004XyZaEAK"));
    assert_eq!(t.user_id.as_deref(), Some("0055g00000AbCdEAAV"));
    let debug = format!("{t:?}");
    assert!(!debug.contains("FAKEACCESSTOKEN"), "debug leaks the token");
    assert!(debug.contains("REDACTED"));
}

#[test]
fn oauth_token_without_id_or_with_odd_id() {
    let t = oauth::parse_token(&raw(
        200,
        r#"{"access_token":"x","instance_url":"https://a.my.salesforce.com"}"#,
    ))
    .expect("parses");
    assert_eq!((t.id_url, t.org_id, t.user_id), (None, None, None));
    let t = oauth::parse_token(&raw(
        200,
        r#"{"access_token":"x","instance_url":"https://a","id":"https://h/other/1/2"}"#,
    ))
    .expect("parses");
    assert_eq!((t.org_id, t.user_id), (None, None));
    assert!(matches!(
        oauth::parse_token(&raw(200, r#"{"instance_url":"https://a"}"#)),
        Err(WireError::Malformed(_))
    ));
    assert!(matches!(
        oauth::parse_token(&raw(200, "not json")),
        Err(WireError::Malformed(_))
    ));
    assert_eq!(
        oauth::parse_token(&raw(502, "<html/>")).unwrap_err(),
        WireError::HttpStatus(502)
    );
}

#[test]
fn every_oauth_error_fixture_is_a_fault() {
    let cases = [
        (
            "error_invalid_grant.json",
            "OAUTH_INVALID_GRANT",
            "authentication failure",
        ),
        (
            "error_invalid_client_id.json",
            "OAUTH_INVALID_CLIENT_ID",
            "client identifier invalid",
        ),
        (
            "error_unsupported_grant_type.json",
            "OAUTH_UNSUPPORTED_GRANT_TYPE",
            "grant type not supported",
        ),
        (
            "error_ip_restricted.json",
            "OAUTH_INVALID_GRANT",
            "ip restricted",
        ),
    ];
    for (name, code, message) in cases {
        let expected = WireError::Fault(Fault {
            code: code.into(),
            message: message.into(),
        });
        for status in [400, 200] {
            assert_eq!(
                oauth::parse_token(&resp(status, "oauth", name)).unwrap_err(),
                expected,
                "{name}"
            );
        }
    }
    let wrapped = raw(
        400,
        r#"[{"error":"invalid_client","error_description":"invalid client credentials"}]"#,
    );
    assert!(
        matches!(oauth::parse_token(&wrapped), Err(WireError::Fault(f)) if f.code == "OAUTH_INVALID_CLIENT")
    );
}
