//! Hostile and broken XML: every document is refused, by a bounded streaming parse.

mod support;

use sfrpc_plugin::codec::soap;
use sfrpc_plugin::codec::{WireError, MAX_RESPONSE_BYTES};
use sfrpc_plugin::HttpResponse;

fn ok(body: String) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![],
        body,
    }
}

fn assert_malformed(body: String, what: &str) {
    let result = soap::parse_login(&ok(body.clone()));
    assert!(
        matches!(result, Err(WireError::Malformed(_))),
        "{what}: {result:?}"
    );
    let result = soap::parse_ack(&ok(body.clone()), "logout");
    assert!(
        matches!(result, Err(WireError::Malformed(_))),
        "{what} (ack): {result:?}"
    );
    let result = soap::parse_query(&ok(body));
    assert!(
        matches!(result, Err(WireError::Malformed(_))),
        "{what} (query): {result:?}"
    );
}

const LOGIN_BODY: &str = r#"<soapenv:Body><loginResponse><result><serverUrl>https://acme.my.salesforce.com/services/Soap/u/64.0</serverUrl><sessionId>&lol9;</sessionId><userId>005</userId></result></loginResponse></soapenv:Body>"#;

fn envelope_with(doctype: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>{doctype}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com">{body}</soapenv:Envelope>"#
    )
}

#[test]
fn billion_laughs_doctype_is_refused_without_expansion() {
    let doctype = support::entity_bomb_doctype();
    assert_malformed(envelope_with(&doctype, LOGIN_BODY), "entity bomb");
}

#[test]
fn external_entity_is_refused() {
    let doctype = r#"<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#;
    let body = LOGIN_BODY.replace("&lol9;", "&xxe;");
    assert_malformed(envelope_with(doctype, &body), "external entity");
}

#[test]
fn undeclared_entity_without_doctype_is_refused() {
    assert_malformed(envelope_with("", LOGIN_BODY), "undefined entity");
}

#[test]
fn ten_thousand_deep_nesting_is_refused() {
    let depth = 10_000;
    let mut body = String::with_capacity(depth * 8);
    body.push_str(r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>"#);
    body.push_str(&"<a>".repeat(depth));
    body.push_str(&"</a>".repeat(depth));
    body.push_str("</soapenv:Body></soapenv:Envelope>");
    assert_malformed(body, "deep nesting");
}

#[test]
fn nesting_just_inside_the_limit_is_accepted() {
    // Envelope + Body + 62 = 64 levels.
    let depth = 62;
    let body = format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><logoutResponse/>{}{}</soapenv:Body></soapenv:Envelope>"#,
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    assert_eq!(soap::parse_ack(&ok(body.clone()), "logout"), Ok(()));
    let too_deep = body.replace("<a>", "<a><b>").replace("</a>", "</b></a>");
    assert!(matches!(
        soap::parse_ack(&ok(too_deep), "logout"),
        Err(WireError::Malformed(_))
    ));
}

#[test]
fn five_megabyte_body_is_too_large_at_any_status() {
    let big = format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">{}</soapenv:Envelope>",
        " ".repeat(5 * 1024 * 1024)
    );
    for status in [200, 500] {
        let r = HttpResponse {
            status,
            headers: vec![],
            body: big.clone(),
        };
        assert_eq!(soap::parse_login(&r).unwrap_err(), WireError::TooLarge);
        assert_eq!(soap::parse_ack(&r, "logout"), Err(WireError::TooLarge));
        assert_eq!(soap::parse_query(&r).unwrap_err(), WireError::TooLarge);
    }
}

#[test]
fn body_at_the_limit_is_read() {
    let head = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><logoutResponse/></soapenv:Body></soapenv:Envelope>"#;
    let body = format!("{head}{}", " ".repeat(MAX_RESPONSE_BYTES - head.len()));
    assert_eq!(body.len(), MAX_RESPONSE_BYTES);
    assert_eq!(soap::parse_ack(&ok(body.clone()), "logout"), Ok(()));
    let over = format!("{body} ");
    assert_eq!(
        soap::parse_ack(&ok(over), "logout"),
        Err(WireError::TooLarge)
    );
}

#[test]
fn truncated_documents_are_refused() {
    let path = format!(
        "{}/../fixtures/soap/login_success.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let full = std::fs::read_to_string(path).expect("fixture");
    // Cut at a spread of points, including mid-tag and mid-text.
    for cut in (40..full.len() - 2).step_by(97) {
        assert_malformed(full[..cut].to_owned(), &format!("truncated at {cut}"));
    }
    let without_last_line = full
        .trim_end()
        .trim_end_matches("</soapenv:Envelope>")
        .to_owned();
    assert_malformed(without_last_line, "missing closing envelope");
}

#[test]
fn non_xml_empty_and_odd_bodies_are_refused() {
    let cases = [
        ("", "empty"),
        ("   \n", "whitespace"),
        ("hello, world", "plain text"),
        ("{\"sessionId\":\"x\"}", "json"),
        ("<soapenv:Envelope>", "unbound prefix"),
        ("<a></b>", "mismatched end"),
        ("</a>", "stray end"),
        ("<a/><b/>", "two roots"),
        ("<a>\u{0}</a>", "nul"),
        ("<a>&#xD800;</a>", "surrogate char ref"),
    ];
    for (body, what) in cases {
        assert_malformed(body.to_owned(), what);
    }
}

#[test]
fn errors_inside_an_otherwise_valid_envelope_are_refused() {
    let wrap = |inner: &str| {
        format!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><logoutResponse/>{inner}</soapenv:Body></soapenv:Envelope>"#
        )
    };
    assert_eq!(soap::parse_ack(&ok(wrap("<x>ok</x>")), "logout"), Ok(()));
    let cases = [
        ("<a></b>", "mismatched end"),
        ("<a>\u{0}</a>", "nul"),
        ("<a>\u{1b}</a>", "escape char"),
        ("<a>&#0;</a>", "nul char ref"),
        ("<a>&#xD800;</a>", "surrogate char ref"),
        ("<a>&nbsp;</a>", "html entity"),
        ("<a>&amp</a>", "unterminated reference"),
        ("<p:a>x</p:a>", "unbound prefix"),
        ("<a b=\"1\" b=\"2\"/>", "duplicate attribute"),
        ("<a b=1/>", "unquoted attribute"),
    ];
    for (inner, what) in cases {
        let result = soap::parse_ack(&ok(wrap(inner)), "logout");
        assert!(
            matches!(result, Err(WireError::Malformed(_))),
            "{what}: {result:?}"
        );
    }
    let two_roots = format!("{}<extra/>", wrap(""));
    assert!(matches!(
        soap::parse_ack(&ok(two_roots), "logout"),
        Err(WireError::Malformed(_))
    ));
}

#[test]
fn doctype_on_an_error_status_is_only_http_status() {
    let doctype = "<!DOCTYPE foo [<!ENTITY a \"b\">]><foo>&a;</foo>";
    let r = HttpResponse {
        status: 503,
        headers: vec![],
        body: doctype.into(),
    };
    assert_eq!(
        soap::parse_login(&r).unwrap_err(),
        WireError::HttpStatus(503)
    );
}

#[test]
fn predefined_and_numeric_references_are_decoded() {
    let body = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><queryResponse><result><records><Name> A&amp;B &lt;&gt; &quot;&apos; &#233;&#x20AC; <![CDATA[<raw>]]> </Name></records></result></queryResponse></soapenv:Body></soapenv:Envelope>"#;
    let records = soap::parse_query(&ok(body.into())).expect("parses");
    assert_eq!(records[0]["Name"].as_deref(), Some("A&B <> \"' é€ <raw>"));
}
