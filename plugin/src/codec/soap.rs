//! The Partner SOAP API (SOAP 1.1): `login`, `logout`, `changeOwnPassword`, `setPassword`,
//! `query` envelopes, and the parsers for their responses and faults.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::SecretString;

use super::fault::{check_size, is_success, unparsed, Fault, WireError};
use super::xml::{self, escape_into, Element};
use crate::api::HttpResponse;

/// The Partner API namespace.
pub const PARTNER_NS: &str = "urn:partner.soap.sforce.com";
/// The Enterprise API namespace, tolerated in responses (some captures use it).
const ENTERPRISE_NS: &str = "urn:enterprise.soap.sforce.com";
/// SOAP 1.1 envelope namespace.
const SOAP_ENV_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace, tolerated in responses.
const SOAP12_ENV_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

/// The Partner SOAP endpoint: `{base}/services/Soap/u/{api_version}` (`base` without trailing `/`).
pub fn endpoint(base_url: &str, api_version: &str) -> String {
    format!(
        "{}/services/Soap/u/{}",
        base_url.trim_end_matches('/'),
        api_version
    )
}

/// HTTP headers for every SOAP call.
pub fn headers() -> Vec<(String, String)> {
    vec![
        (
            "Content-Type".to_owned(),
            "text/xml; charset=UTF-8".to_owned(),
        ),
        ("SOAPAction".to_owned(), "\"\"".to_owned()),
    ]
}

const ENVELOPE_OPEN: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
    r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
    r#"xmlns:urn="urn:partner.soap.sforce.com">"#
);

/// Builds an envelope: optional SessionHeader, then `<urn:{operation}>` with `fields` in order.
fn envelope(session_id: Option<&str>, operation: &str, fields: &[(&str, &str)]) -> String {
    let value_len: usize =
        fields.iter().map(|(_, v)| v.len()).sum::<usize>() + session_id.map_or(0, str::len);
    // Reserve enough up front that the buffer holding secrets is not reallocated (and copied).
    let mut out = String::with_capacity(ENVELOPE_OPEN.len() + 400 + value_len * 6);
    out.push_str(ENVELOPE_OPEN);
    if let Some(sid) = session_id {
        out.push_str("<soapenv:Header><urn:SessionHeader><urn:sessionId>");
        escape_into(&mut out, sid);
        out.push_str("</urn:sessionId></urn:SessionHeader></soapenv:Header>");
    }
    out.push_str("<soapenv:Body><urn:");
    out.push_str(operation);
    out.push('>');
    for (name, value) in fields {
        out.push_str("<urn:");
        out.push_str(name);
        out.push('>');
        escape_into(&mut out, value);
        out.push_str("</urn:");
        out.push_str(name);
        out.push('>');
    }
    out.push_str("</urn:");
    out.push_str(operation);
    out.push_str("></soapenv:Body></soapenv:Envelope>");
    out
}

/// `login(username, password)`; the password already carries the security token if one is used.
pub fn login_envelope(username: &str, password_and_token: &str) -> String {
    envelope(
        None,
        "login",
        &[("username", username), ("password", password_and_token)],
    )
}

/// `logout()` for a session.
pub fn logout_envelope(session_id: &str) -> String {
    envelope(Some(session_id), "logout", &[])
}

/// `changeOwnPassword(oldPassword, newPassword)` (API 40.0 and later).
pub fn change_own_password_envelope(session_id: &str, old: &str, new: &str) -> String {
    envelope(
        Some(session_id),
        "changeOwnPassword",
        &[("oldPassword", old), ("newPassword", new)],
    )
}

/// `setPassword(userId, password)`.
pub fn set_password_envelope(session_id: &str, user_id: &str, new: &str) -> String {
    envelope(
        Some(session_id),
        "setPassword",
        &[("userId", user_id), ("password", new)],
    )
}

/// `query(queryString)`; quote values inside `soql` with [`super::soql::quote`].
pub fn query_envelope(session_id: &str, soql: &str) -> String {
    envelope(Some(session_id), "query", &[("queryString", soql)])
}

/// What `login()` returned. `Debug` redacts the session id.
#[derive(Clone)]
pub struct LoginResult {
    /// Where later SOAP calls go: `https://<host>/services/Soap/u/NN.0/<orgId>`.
    pub server_url: String,
    /// The session id (also a REST bearer token).
    pub session_id: SecretString,
    /// The logged-in user's id.
    pub user_id: String,
    /// `userInfo/organizationId`.
    pub organization_id: Option<String>,
    /// `userInfo/profileId`.
    pub profile_id: Option<String>,
    /// `userInfo/userName`.
    pub user_name: Option<String>,
    /// True when only `setPassword()` is allowed with this session.
    pub password_expired: bool,
    /// True for a sandbox org.
    pub sandbox: bool,
    /// `userInfo/sessionSecondsValid`.
    pub session_seconds_valid: Option<u64>,
}

impl fmt::Debug for LoginResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginResult")
            .field("server_url", &self.server_url)
            .field("session_id", &"[REDACTED]")
            .field("user_id", &self.user_id)
            .field("organization_id", &self.organization_id)
            .field("profile_id", &self.profile_id)
            .field("user_name", &self.user_name)
            .field("password_expired", &self.password_expired)
            .field("sandbox", &self.sandbox)
            .field("session_seconds_valid", &self.session_seconds_valid)
            .finish()
    }
}

/// Parses a `login()` response.
pub fn parse_login(resp: &HttpResponse) -> Result<LoginResult, WireError> {
    let body = response_body(resp)?;
    let result = operation_result(&body, "loginResponse")?;
    let required = |name: &str| -> Result<String, WireError> {
        match payload_child(result, name).and_then(Element::text) {
            Some(text) if !text.is_empty() => Ok(text.to_owned()),
            _ => Err(WireError::malformed(format!(
                "loginResponse/result/{name} missing"
            ))),
        }
    };
    let server_url = required("serverUrl")?;
    let session_id = SecretString::from(required("sessionId")?);
    let user_id = required("userId")?;
    let password_expired = flag(result, "passwordExpired")?;
    let sandbox = flag(result, "sandbox")?;
    let info = payload_child(result, "userInfo");
    let info_text = |name: &str| {
        info.and_then(|i| payload_child(i, name))
            .and_then(Element::text)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let session_seconds_valid = match info_text("sessionSecondsValid") {
        Some(text) => Some(text.parse::<u64>().map_err(|_| {
            WireError::malformed("loginResponse/result/userInfo/sessionSecondsValid not a number")
        })?),
        None => None,
    };
    Ok(LoginResult {
        server_url,
        session_id,
        user_id,
        organization_id: info_text("organizationId"),
        profile_id: info_text("profileId"),
        user_name: info_text("userName"),
        password_expired,
        sandbox,
        session_seconds_valid,
    })
}

/// For logout, changeOwnPassword, setPassword: expects `<{operation}Response>` in the Body.
pub fn parse_ack(resp: &HttpResponse, operation: &str) -> Result<(), WireError> {
    let body = response_body(resp)?;
    let name = format!("{operation}Response");
    match payload_child(&body, &name) {
        Some(_) => Ok(()),
        None => Err(WireError::malformed(format!("Body/{name} missing"))),
    }
}

/// query(): records as flat maps; nested relationship fields as "Profile.Name" keys; xsi:nil → None.
pub fn parse_query(
    resp: &HttpResponse,
) -> Result<Vec<BTreeMap<String, Option<String>>>, WireError> {
    let body = response_body(resp)?;
    let result = operation_result(&body, "queryResponse")?;
    let records = result
        .children
        .iter()
        .filter(|c| c.local == "records" && is_payload_ns(c.ns.as_deref()))
        .map(|record| {
            let mut map = BTreeMap::new();
            flatten_record(record, "", &mut map);
            map
        })
        .collect();
    Ok(records)
}

fn flatten_record(record: &Element, prefix: &str, map: &mut BTreeMap<String, Option<String>>) {
    for field in &record.children {
        // `type` names the sObject type; it is not a field.
        if field.local == "type" {
            continue;
        }
        let key = format!("{prefix}{}", field.local);
        if !field.children.is_empty() {
            flatten_record(field, &format!("{key}."), map);
        } else {
            map.entry(key)
                .or_insert_with(|| field.text().map(str::to_owned));
        }
    }
}

/// Size check, XML parse, fault detection and status check shared by every SOAP parser.
/// Returns the `Body` element of a 2xx, fault-free envelope.
fn response_body(resp: &HttpResponse) -> Result<Element, WireError> {
    check_size(resp)?;
    let root = xml::parse(&resp.body).map_err(|e| unparsed(resp, e.describe()))?;
    if !is_envelope_ns(root.ns.as_deref()) || root.local != "Envelope" {
        return Err(unparsed(resp, "Envelope missing"));
    }
    let mut root = root;
    let position = root
        .children
        .iter()
        .position(|c| c.local == "Body" && is_envelope_ns(c.ns.as_deref()))
        .ok_or_else(|| unparsed(resp, "Envelope/Body missing"))?;
    let body = root.children.swap_remove(position);
    if let Some(fault) = body
        .children
        .iter()
        .find(|c| c.local == "Fault" && is_envelope_ns(c.ns.as_deref()))
    {
        return Err(WireError::Fault(read_fault(fault)));
    }
    if !is_success(resp.status) {
        return Err(WireError::HttpStatus(resp.status));
    }
    Ok(body)
}

/// The `result` element of `<{response}>` in the Body.
fn operation_result<'a>(body: &'a Element, response: &str) -> Result<&'a Element, WireError> {
    let op = payload_child(body, response)
        .ok_or_else(|| WireError::malformed(format!("Body/{response} missing")))?;
    payload_child(op, "result")
        .ok_or_else(|| WireError::malformed(format!("{response}/result missing")))
}

/// Reads a boolean child; absent means false.
fn flag(parent: &Element, name: &str) -> Result<bool, WireError> {
    match payload_child(parent, name).and_then(Element::text) {
        None | Some("") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some("false") | Some("0") => Ok(false),
        Some(_) => Err(WireError::malformed(format!("{name} not a boolean"))),
    }
}

fn payload_child<'a>(parent: &'a Element, local: &str) -> Option<&'a Element> {
    parent.child_where(local, is_payload_ns)
}

fn is_payload_ns(ns: Option<&str>) -> bool {
    matches!(ns, Some(PARTNER_NS) | Some(ENTERPRISE_NS))
}

fn is_envelope_ns(ns: Option<&str>) -> bool {
    matches!(ns, Some(SOAP_ENV_NS) | Some(SOAP12_ENV_NS))
}

/// Generic SOAP fault codes that say nothing about the Salesforce exception.
const GENERIC_FAULT_CODES: [&str; 6] = [
    "Server",
    "Client",
    "VersionMismatch",
    "MustUnderstand",
    "Receiver",
    "Sender",
];

/// Reads a `soapenv:Fault`: detail's exceptionCode/exceptionMessage first, then faultcode,
/// then the `CODE: message` form of faultstring.
fn read_fault(fault: &Element) -> Fault {
    let field = |name: &str| {
        fault
            .child_where(name, |ns| ns.is_none() || is_envelope_ns(ns))
            .and_then(Element::text)
            .unwrap_or("")
            .to_owned()
    };
    let faultcode = field("faultcode");
    let faultstring = field("faultstring");
    let detail = fault.child_where("detail", |ns| ns.is_none() || is_envelope_ns(ns));
    let detail_text = |name: &str| {
        detail
            .and_then(|d| d.descendant_local(name))
            .and_then(Element::text)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let faultcode_local = faultcode.rsplit(':').next().unwrap_or("").trim().to_owned();
    let (string_code, string_message) = split_faultstring(&faultstring);
    let code = detail_text("exceptionCode")
        .or_else(|| {
            Some(faultcode_local.clone())
                .filter(|c| !c.is_empty() && !GENERIC_FAULT_CODES.contains(&c.as_str()))
        })
        .or_else(|| string_code.map(str::to_owned))
        .unwrap_or(faultcode_local);
    let message = detail_text("exceptionMessage").unwrap_or_else(|| match string_code {
        Some(c) if c == code => string_message.to_owned(),
        _ => faultstring.clone(),
    });
    Fault { code, message }
}

/// Splits `"CODE: message"` when CODE looks like an exception code.
fn split_faultstring(faultstring: &str) -> (Option<&str>, &str) {
    if let Some((code, message)) = faultstring.split_once(':') {
        let looks_like_code = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if looks_like_code {
            return (Some(code), message.trim());
        }
    }
    (None, faultstring)
}
