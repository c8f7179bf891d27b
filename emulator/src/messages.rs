//! Salesforce's exception messages, verbatim where a capture exists (SALESFORCE-WIRE.md §2.2).

/// INVALID_LOGIN.
pub const INVALID_LOGIN: &str = "Invalid username, password, security token; or user locked out.";
/// LOGIN_MUST_USE_SECURITY_TOKEN (note the curly apostrophe).
pub const MUST_USE_TOKEN: &str = "Invalid username, password, security token; or user locked out. Are you at a new location? When accessing Salesforce--either via a desktop client or the API--from outside of your company\u{2019}s trusted networks, you must add a security token to your password to log in. To get your new security token, log in to Salesforce. From your personal settings, enter Reset My Security Token in the Quick Find box, then select Reset My Security Token.";
/// PASSWORD_LOCKOUT.
pub const PASSWORD_LOCKOUT: &str =
    "The user has exceeded the allowed number of login attempts. Please contact your administrator.";
/// LOGIN_DURING_RESTRICTED_DOMAIN.
pub const RESTRICTED_DOMAIN: &str = "cannot log in from current domain";
/// API_DISABLED_FOR_ORG.
pub const API_DISABLED_FOR_ORG: &str = "API is not enabled for this Organization or Partner";
/// API_DISABLED_FOR_ORG on REST.
pub const REST_API_DISABLED_FOR_ORG: &str = "The REST API is not enabled for this Organization";
/// API_CURRENTLY_DISABLED.
pub const API_CURRENTLY_DISABLED: &str = "API is disabled for this User";
/// LOGIN_RATE_EXCEEDED.
pub const LOGIN_RATE_EXCEEDED: &str = "Login Rate Exceeded";
/// INVALID_OPERATION when SOAP login() is switched off.
pub const SOAP_LOGIN_DISABLED: &str = "SOAP API login() is disabled by default in this org. Contact the org administrator to enable SOAP API login().";
/// INVALID_OPERATION_WITH_EXPIRED_PASSWORD.
pub const EXPIRED_PASSWORD: &str = "The users password has expired, you must call SetPassword before attempting any other API operations";
/// INVALID_SESSION_ID (SOAP).
pub const INVALID_SESSION: &str = "Invalid Session ID found in SessionHeader: Illegal Session";
/// INVALID_SESSION_ID (REST).
pub const REST_INVALID_SESSION: &str = "Session expired or invalid";
/// REQUEST_LIMIT_EXCEEDED.
pub const REQUEST_LIMIT: &str = "TotalRequests Limit exceeded.";
/// UNSUPPORTED_API_VERSION.
pub const UNSUPPORTED_VERSION: &str = "Invalid Api version specified on URL";
/// INVALID_OLD_PASSWORD.
pub const INVALID_OLD_PASSWORD: &str = "invalid old password";
/// INSUFFICIENT_ACCESS for setPassword on self.
pub const SET_PASSWORD_SELF: &str = "Cannot set password for self";
/// INSUFFICIENT_ACCESS for calls on another user without Manage Users.
pub const INSUFFICIENT_ACCESS: &str = "insufficient access rights on cross-reference id";
/// INSUFFICIENT_ACCESS on REST reads.
pub const REST_INSUFFICIENT_ACCESS: &str = "You do not have permission to view this record.";
/// NOT_FOUND on REST.
pub const NOT_FOUND: &str = "The requested resource does not exist";

/// INVALID_OPERATION for login() on an API version that no longer has it.
pub fn login_not_in_version(version: &str) -> String {
    format!("The SOAP Login operation is not available in the API version specified ({version}). Refer to the documentation for supported versions.")
}
