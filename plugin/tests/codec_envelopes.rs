//! The SOAP envelopes we send, read back with quick-xml as Salesforce would read them.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use sfrpc_plugin::codec::soap::{self, PARTNER_NS};

const ENV_NS: &[u8] = b"http://schemas.xmlsoap.org/soap/envelope/";

/// Every element as (namespace, local name, decoded text), in document order.
fn read_all(xml: &str) -> Vec<(String, String, String)> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<(String, String, String)> = Vec::new();
    let mut done = Vec::new();
    for _ in 0..10_000 {
        let (ns, event) = reader
            .read_resolved_event()
            .expect("envelope is well-formed");
        let ns = match ns {
            ResolveResult::Bound(n) => String::from_utf8(n.as_ref().to_vec()).unwrap(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(_) => panic!("unbound prefix"),
        };
        match event {
            Event::Start(s) => {
                let local = String::from_utf8(s.local_name().as_ref().to_vec()).unwrap();
                stack.push((ns, local, String::new()));
            }
            Event::Empty(s) => {
                let local = String::from_utf8(s.local_name().as_ref().to_vec()).unwrap();
                done.push((ns, local, String::new()));
            }
            Event::End(_) => done.push(stack.pop().expect("balanced")),
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let text = if r.is_char_ref() {
                    r.resolve_char_ref().unwrap().unwrap().to_string()
                } else {
                    resolve_predefined_entity(&r.decode().unwrap())
                        .expect("predefined entity")
                        .to_owned()
                };
                stack
                    .last_mut()
                    .expect("inside an element")
                    .2
                    .push_str(&text);
            }
            Event::Eof => return done,
            Event::DocType(_) => panic!("no doctype in our envelopes"),
            _ => {}
        }
    }
    panic!("envelope too long");
}

fn text_of(all: &[(String, String, String)], local: &str) -> String {
    let found: Vec<_> = all
        .iter()
        .filter(|(ns, l, _)| ns == PARTNER_NS && l == local)
        .collect();
    assert_eq!(found.len(), 1, "exactly one urn:{local}");
    found[0].2.clone()
}

const HOSTILE: &str = "p<&>\"'ü€😀 \t\r\n]]>&amp;</urn:password>";

#[test]
fn login_envelope_round_trips_hostile_values() {
    let xml = soap::login_envelope("jörg+<x>@acme.com", HOSTILE);
    assert!(xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope"#));
    let all = read_all(&xml);
    assert!(
        text_of(&all, "password") == HOSTILE,
        "password changed on the wire"
    );
    assert_eq!(text_of(&all, "username"), "jörg+<x>@acme.com");
    assert!(all
        .iter()
        .any(|(ns, l, _)| ns == PARTNER_NS && l == "login"));
    assert!(all
        .iter()
        .any(|(ns, l, _)| ns.as_bytes() == ENV_NS && l == "Body"));
    assert!(!all.iter().any(|(_, l, _)| l == "SessionHeader"));
}

#[test]
fn change_own_password_envelope_round_trips() {
    let xml = soap::change_own_password_envelope("00D!sess<&>", HOSTILE, "new'\"<>&ü");
    let all = read_all(&xml);
    assert!(text_of(&all, "sessionId") == "00D!sess<&>");
    assert!(text_of(&all, "oldPassword") == HOSTILE);
    assert!(text_of(&all, "newPassword") == "new'\"<>&ü");
    assert!(all
        .iter()
        .any(|(ns, l, _)| ns == PARTNER_NS && l == "changeOwnPassword"));
    assert!(all
        .iter()
        .any(|(ns, l, _)| ns.as_bytes() == ENV_NS && l == "Header"));
}

#[test]
fn set_password_envelope_round_trips() {
    let xml = soap::set_password_envelope("00D!sess", "0055g00000TgTgTAAV", HOSTILE);
    let all = read_all(&xml);
    assert_eq!(text_of(&all, "userId"), "0055g00000TgTgTAAV");
    assert!(text_of(&all, "password") == HOSTILE);
    assert!(text_of(&all, "sessionId") == "00D!sess");
    assert!(all
        .iter()
        .any(|(ns, l, _)| ns == PARTNER_NS && l == "setPassword"));
}

#[test]
fn logout_and_query_envelopes() {
    let all = read_all(&soap::logout_envelope("00D!sess"));
    assert!(text_of(&all, "sessionId") == "00D!sess");
    assert!(all
        .iter()
        .any(|(ns, l, _)| ns == PARTNER_NS && l == "logout"));

    let soql = "SELECT Id FROM User WHERE Username = 'a\\'b<c>&d'";
    let all = read_all(&soap::query_envelope("00D!sess", soql));
    assert_eq!(text_of(&all, "queryString"), soql);
}

#[test]
fn no_raw_markup_characters_survive_in_values() {
    let xml = soap::login_envelope("u", "<&>\"'");
    assert!(xml.contains("<urn:password>&lt;&amp;&gt;&quot;&apos;</urn:password>"));
}

#[test]
fn endpoint_and_headers() {
    assert_eq!(
        soap::endpoint("https://login.salesforce.com/", "64.0"),
        "https://login.salesforce.com/services/Soap/u/64.0"
    );
    assert_eq!(
        soap::endpoint("https://test.salesforce.com", "64.0"),
        "https://test.salesforce.com/services/Soap/u/64.0"
    );
    let headers = soap::headers();
    assert!(headers.contains(&("Content-Type".into(), "text/xml; charset=UTF-8".into())));
    assert!(headers.contains(&("SOAPAction".into(), "\"\"".into())));
}
