//! The SOAP answers, in the exact shapes Salesforce sends (SALESFORCE-WIRE.md §1.4, §2.1).

use std::fmt::Write;

use super::xml::esc;
use crate::reply::Reply;

/// Partner (`/u/`) or Enterprise (`/c/`) API: namespaces differ, shapes do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `urn:partner.soap.sforce.com`.
    Partner,
    /// `urn:enterprise.soap.sforce.com`.
    Enterprise,
}

impl Flavor {
    /// The payload namespace.
    pub fn ns(self) -> &'static str {
        match self {
            Flavor::Partner => "urn:partner.soap.sforce.com",
            Flavor::Enterprise => "urn:enterprise.soap.sforce.com",
        }
    }
    fn fault_ns(self) -> &'static str {
        match self {
            Flavor::Partner => "urn:fault.partner.soap.sforce.com",
            Flavor::Enterprise => "urn:fault.enterprise.soap.sforce.com",
        }
    }
    /// The sObject namespace (query records).
    pub fn sobject_ns(self) -> &'static str {
        match self {
            Flavor::Partner => "urn:sobject.partner.soap.sforce.com",
            Flavor::Enterprise => "urn:sobject.enterprise.soap.sforce.com",
        }
    }
    /// The path letter: `u` or `c`.
    pub fn letter(self) -> char {
        match self {
            Flavor::Partner => 'u',
            Flavor::Enterprise => 'c',
        }
    }
}

/// The `detail` element type of a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultType {
    /// `sf:LoginFault`.
    Login,
    /// `sf:UnexpectedErrorFault`.
    UnexpectedError,
    /// `sf:InvalidNewPasswordFault`.
    InvalidNewPassword,
    /// `sf:InvalidOldPasswordFault`.
    InvalidOldPassword,
    /// `sf:InvalidIdFault`.
    InvalidId,
    /// `sf:MalformedQueryFault`.
    MalformedQuery,
    /// `sf:InvalidFieldFault`.
    InvalidField,
    /// `sf:InvalidSObjectFault`.
    InvalidSObject,
}

impl FaultType {
    fn name(self) -> &'static str {
        match self {
            FaultType::Login => "LoginFault",
            FaultType::UnexpectedError => "UnexpectedErrorFault",
            FaultType::InvalidNewPassword => "InvalidNewPasswordFault",
            FaultType::InvalidOldPassword => "InvalidOldPasswordFault",
            FaultType::InvalidId => "InvalidIdFault",
            FaultType::MalformedQuery => "MalformedQueryFault",
            FaultType::InvalidField => "InvalidFieldFault",
            FaultType::InvalidSObject => "InvalidSObjectFault",
        }
    }
}

const ENV_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/""#;

/// A 200 answer: `soapenv:` envelope, default-namespace payload; `sobjects` declares the
/// `sf:` sObject prefix (query answers).
pub fn ok(flavor: Flavor, header: Option<&str>, body: &str, sobjects: bool) -> Reply {
    let mut s = String::with_capacity(body.len() + 400);
    let _ = write!(s, r#"{ENV_OPEN} xmlns="{}""#, flavor.ns());
    if sobjects {
        let _ = write!(s, r#" xmlns:sf="{}""#, flavor.sobject_ns());
    }
    s.push_str(r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#);
    if let Some(h) = header {
        let _ = write!(s, "<soapenv:Header>{h}</soapenv:Header>");
    }
    let _ = write!(s, "<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>");
    Reply::xml(200, s)
}

/// A 500 fault with `sf:CODE`, `CODE: message` and a typed detail.
pub fn fault(flavor: Flavor, code: &str, message: &str, ty: FaultType) -> Reply {
    let (code, msg, ty) = (esc(code), esc(message), ty.name());
    Reply::xml(
        500,
        format!(
            r#"{ENV_OPEN} xmlns:sf="{}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {msg}</faultstring><detail><sf:{ty} xsi:type="sf:{ty}"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{msg}</sf:exceptionMessage></sf:{ty}></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
            flavor.fault_ns()
        ),
    )
}

/// A 500 `soapenv:Client` fault without detail (unparsable request, unknown operation).
pub fn client_fault(message: &str) -> Reply {
    Reply::xml(
        500,
        format!(
            r#"{ENV_OPEN}><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>{}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
            esc(message)
        ),
    )
}

/// The `LimitInfoHeader` Salesforce adds to API call answers.
pub fn limit_info(current: u32, limit: u32) -> String {
    format!(
        "<LimitInfoHeader><limitInfo><current>{current}</current><limit>{limit}</limit><type>API REQUESTS</type></limitInfo></LimitInfoHeader>"
    )
}

/// Writes `<name>value</name>` (escaped) or `<name xsi:nil="true"/>`.
pub fn field(out: &mut String, name: &str, value: Option<&str>) {
    match value {
        Some(v) => {
            let _ = write!(out, "<{name}>{}</{name}>", esc(v));
        }
        None => {
            let _ = write!(out, r#"<{name} xsi:nil="true"/>"#);
        }
    }
}
