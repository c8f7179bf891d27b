//! The SOAP API: `/services/Soap/{u|c}/{version}[/{orgId}]`.

mod login;
mod ops;
pub mod write;
pub mod xml;

pub use ops::{execute, unsupported_version};

use crate::messages as msg;
use crate::reply::Reply;
use crate::state::{ApiRefusal, LoginRefusal, PasswordError};
use crate::version::ApiVersion;
use write::{fault, FaultType, Flavor};
use xml::Element;

/// A parsed SOAP request, ready to run.
#[derive(Debug)]
pub struct SoapCall {
    /// Partner or Enterprise.
    pub flavor: Flavor,
    /// The API version from the URL.
    pub version: ApiVersion,
    /// The operation (local name of the Body's first child).
    pub op: String,
    /// The operation element.
    pub body: Element,
    /// SessionHeader/sessionId.
    pub session: Option<String>,
    /// LoginScopeHeader/organizationId.
    pub scope_org: Option<String>,
}

impl SoapCall {
    /// The fault-injection endpoint name of this call.
    pub fn endpoint(&self) -> &str {
        &self.op
    }
}

/// Parses a SOAP request body; an unusable request is answered at once.
pub fn parse_call(flavor: Flavor, version: ApiVersion, body: &str) -> Result<SoapCall, Reply> {
    let root = xml::parse(body)
        .map_err(|e| write::client_fault(&format!("Unable to parse the request: {e}")))?;
    let soap_ns = [xml::SOAP_ENV, "http://www.w3.org/2003/05/soap-envelope"];
    if root.local != "Envelope" || !root.ns.as_deref().is_some_and(|n| soap_ns.contains(&n)) {
        return Err(write::client_fault("Unable to find the SOAP envelope"));
    }
    let header = root.child("Header");
    let Some(op) = root.child("Body").and_then(|b| b.children.first()) else {
        return Err(write::client_fault("Unable to find the SOAP body"));
    };
    let known_ns = matches!(
        op.ns.as_deref(),
        Some("urn:partner.soap.sforce.com" | "urn:enterprise.soap.sforce.com")
    );
    if !known_ns {
        return Err(write::client_fault(&format!(
            "No operation available for request {{{}}}{}",
            op.ns.as_deref().unwrap_or(""),
            op.local
        )));
    }
    let header_text = |h: &str, f: &str| {
        header
            .and_then(|hd| hd.child(h))
            .and_then(|e| e.child_text(f))
            .map(str::to_string)
    };
    Ok(SoapCall {
        flavor,
        version,
        op: op.local.clone(),
        session: header_text("SessionHeader", "sessionId"),
        scope_org: header_text("LoginScopeHeader", "organizationId"),
        body: op.clone(),
    })
}

/// The fault for a refused login.
pub fn login_fault(flavor: Flavor, r: LoginRefusal) -> Reply {
    let (code, message, ty) = match r {
        LoginRefusal::InvalidLogin | LoginRefusal::OAuthFlowDisabled => {
            ("INVALID_LOGIN", msg::INVALID_LOGIN, FaultType::Login)
        }
        LoginRefusal::MustUseToken => (
            "LOGIN_MUST_USE_SECURITY_TOKEN",
            msg::MUST_USE_TOKEN,
            FaultType::Login,
        ),
        LoginRefusal::Lockout => ("PASSWORD_LOCKOUT", msg::PASSWORD_LOCKOUT, FaultType::Login),
        LoginRefusal::RestrictedDomain => (
            "LOGIN_DURING_RESTRICTED_DOMAIN",
            msg::RESTRICTED_DOMAIN,
            FaultType::Login,
        ),
        LoginRefusal::ApiDisabledForOrg => (
            "API_DISABLED_FOR_ORG",
            msg::API_DISABLED_FOR_ORG,
            FaultType::Login,
        ),
        LoginRefusal::ApiCurrentlyDisabled => (
            "API_CURRENTLY_DISABLED",
            msg::API_CURRENTLY_DISABLED,
            FaultType::Login,
        ),
        LoginRefusal::RateExceeded => (
            "LOGIN_RATE_EXCEEDED",
            msg::LOGIN_RATE_EXCEEDED,
            FaultType::Login,
        ),
        LoginRefusal::SoapLoginDisabled => (
            "INVALID_OPERATION",
            msg::SOAP_LOGIN_DISABLED,
            FaultType::UnexpectedError,
        ),
    };
    fault(flavor, code, message, ty)
}

/// The fault for a call refused before it ran.
pub fn api_fault(flavor: Flavor, r: ApiRefusal) -> Reply {
    let (code, message) = match r {
        ApiRefusal::InvalidSession => ("INVALID_SESSION_ID", msg::INVALID_SESSION),
        ApiRefusal::ApiDisabledForOrg => ("API_DISABLED_FOR_ORG", msg::API_DISABLED_FOR_ORG),
        ApiRefusal::ApiCurrentlyDisabled => ("API_CURRENTLY_DISABLED", msg::API_CURRENTLY_DISABLED),
        ApiRefusal::RequestLimit => ("REQUEST_LIMIT_EXCEEDED", msg::REQUEST_LIMIT),
        ApiRefusal::ExpiredPassword => (
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            msg::EXPIRED_PASSWORD,
        ),
    };
    fault(flavor, code, message, FaultType::UnexpectedError)
}

/// The fault for a refused password call.
pub fn password_fault(flavor: Flavor, e: &PasswordError) -> Reply {
    match e {
        PasswordError::InvalidOld => fault(
            flavor,
            "INVALID_OLD_PASSWORD",
            msg::INVALID_OLD_PASSWORD,
            FaultType::InvalidOldPassword,
        ),
        PasswordError::InvalidNew(m) => fault(
            flavor,
            "INVALID_NEW_PASSWORD",
            m,
            FaultType::InvalidNewPassword,
        ),
        PasswordError::MalformedId => fault(
            flavor,
            "MALFORMED_ID",
            "invalid user id",
            FaultType::InvalidId,
        ),
        PasswordError::UnknownId => fault(
            flavor,
            "INVALID_CROSS_REFERENCE_KEY",
            "invalid cross reference id",
            FaultType::InvalidId,
        ),
        PasswordError::SelfNotAllowed => fault(
            flavor,
            "INSUFFICIENT_ACCESS",
            msg::SET_PASSWORD_SELF,
            FaultType::UnexpectedError,
        ),
        PasswordError::InsufficientAccess => fault(
            flavor,
            "INSUFFICIENT_ACCESS",
            msg::INSUFFICIENT_ACCESS,
            FaultType::UnexpectedError,
        ),
        PasswordError::ExpiredPassword => api_fault(flavor, ApiRefusal::ExpiredPassword),
    }
}
