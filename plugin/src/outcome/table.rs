//! The table itself (SPEC 4's minimum, extended). First match wins: specific rows (a code in a
//! phase, a code with a message) come before general ones, and catch-alls close the table.

use super::{Key, Phase, Row, RUN_A_CHANGE};
use crate::api::TransportErrorKind as T;
use crate::result::Status::*;

use Phase::*;

const LOGINS: &[Phase] = &[Login, Verify];
const ANY: &[Phase] = &[];

const TRY_LATER: &str = "Salesforce or a proxy in front of it is unavailable: try again later \
(status.salesforce.com shows incidents and maintenance)";
const SESSION_SETTINGS: &str = "the session ended before it was used: if this recurs, check \
Setup > Session Settings: 'Lock sessions to the IP address from which they originated' and \
'Enforce login IP ranges on every request'";

const DENIED_BECAUSE: &str = "{failed}: the host refused to send to {host} {detail}";
const OUTSIDE_ALLOWLIST_FIX: &str = "Salesforce pointed the job at a host outside \
manifest.json's allowed_outbound_hosts; add it there only if it is a genuine Salesforce host of \
this org";

macro_rules! row {
    ($key:expr, $phases:expr, $status:expr, $code:expr, $retry:expr, $msg:expr, $rem:expr) => {
        Row {
            key: $key,
            phases: $phases,
            status: $status,
            code: $code,
            retryable: $retry,
            message: $msg,
            remediation: $rem,
        }
    };
}

const FAULT_MSG: &str = "{failed}: {code}: {sf}";

/// Every mapping, in match order.
pub static ROWS: &[Row] = &[
    // ---- login refusals (SOAP login(), OAuth token) ----
    row!(
        Key::Fault("INVALID_LOGIN"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(
            "check the username and password stored in the secret; a sandbox username \
(user@example.com.sandboxname) needs https://test.salesforce.com and a production one \
https://login.salesforce.com (this login used {login_url}); from outside Setup > Security > \
Network Access > Trusted IP Ranges the user's security token must be stored too; a locked-out \
user gets the same answer (Setup > Users > Users > <user>: Unlock)"
        )
    ),
    row!(
        Key::Fault("LOGIN_MUST_USE_SECURITY_TOKEN"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > Security > Network Access: add {ip} to Trusted IP Ranges, or store the \
user's security token in the secret (the user gets it from Settings > Reset My Security Token)"
        )
    ),
    row!(
        Key::Fault("API_DISABLED_FOR_ORG"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(
            "this org has no API access: it needs an edition with the API (Enterprise, \
Unlimited, Performance, Developer) or the API enabled by Salesforce"
        )
    ),
    row!(
        Key::Fault("API_CURRENTLY_DISABLED"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > Users > Profiles > {profile}: enable API Enabled (or assign a permission \
set that grants it)"
        )
    ),
    row!(
        Key::Fault("PASSWORD_LOCKOUT"),
        LOGINS,
        AccountLockedOut,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > Users > Users > <user>: Unlock, or wait for the lockout period (Setup > \
Security > Password Policies: Lockout effective period); if the stored password is wrong, \
recover it with a privileged account"
        )
    ),
    row!(
        Key::Fault("LOGIN_DURING_RESTRICTED_DOMAIN"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some("Setup > Users > Profiles > {profile} > Login IP Ranges: add {ip}")
    ),
    row!(
        Key::Fault("LOGIN_DURING_RESTRICTED_TIME"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > Users > Profiles > {profile} > Login Hours: allow the hours the vault \
rotates in"
        )
    ),
    row!(
        Key::Fault("INSUFFICIENT_ACCESS"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > Users > Profiles > {profile} (or a permission set): enable Use Any API \
Auth, which calling SOAP login() requires"
        )
    ),
    row!(
        Key::FaultWith("INVALID_OPERATION", "not available in the API version"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "set api_version to 64.0 or lower (login() does not exist from 65.0), or set \
login_method to oauth_password"
        )
    ),
    row!(
        Key::Fault("INVALID_OPERATION"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > User Interface: Enable SOAP API login(), or set login_method to \
oauth_password (SOAP login() is retired in Summer '27)"
        )
    ),
    row!(
        Key::FaultWith("OAUTH_INVALID_GRANT", "ip restricted"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > Users > Profiles > {profile} > Login IP Ranges: add {ip} (or relax the \
connected app's IP Relaxation policy: Setup > App Manager > <app> > Manage > Edit Policies)"
        )
    ),
    row!(
        Key::FaultWith("OAUTH_INVALID_GRANT", "approved this consumer"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > App Manager > <app> > Manage > Edit Policies: Permitted Users 'All users \
may self-authorize', or pre-authorize the user's profile"
        )
    ),
    row!(
        Key::Fault("OAUTH_INVALID_GRANT"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(
            "either the password (+ security token) stored in the secret is wrong, or the \
org blocks the flow: Setup > OAuth and OpenID Connect Settings: Allow OAuth Username-Password \
Flows (off by default in orgs created from Summer '23; Login History then says \
'Username-Password Flow Disabled')"
        )
    ),
    row!(
        Key::Fault("OAUTH_INVALID_CLIENT_ID"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(
            "store the connected app's Consumer Key as the secret's client-id (Setup > App \
Manager > <app> > View > Manage Consumer Details); a new app takes up to 10 minutes to work"
        )
    ),
    row!(
        Key::Fault("OAUTH_INVALID_CLIENT"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(
            "store the connected app's Consumer Secret as the secret's client-secret (Setup > \
App Manager > <app> > View > Manage Consumer Details)"
        )
    ),
    row!(
        Key::Fault("OAUTH_UNSUPPORTED_GRANT_TYPE"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "the app does not allow the username-password flow (External Client Apps never \
do): use a connected app and Setup > OAuth and OpenID Connect Settings: Allow OAuth \
Username-Password Flows, or set login_method to soap"
        )
    ),
    row!(
        Key::Fault("OAUTH_INACTIVE_USER"),
        LOGINS,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some("Setup > Users > Users > <user>: the user is inactive; activate it")
    ),
    row!(
        Key::Fault("OAUTH_INACTIVE_ORG"),
        LOGINS,
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some("the org is locked, deleted or expired: check it with Salesforce")
    ),
    row!(
        Key::Fault("OAUTH_RATE_LIMIT_EXCEEDED"),
        LOGINS,
        UnableToConnect,
        None,
        true,
        FAULT_MSG,
        Some(
            "too many token requests for this user: wait an hour; lower the batch's \
per-org concurrency"
        )
    ),
    row!(
        Key::Fault("LOGIN_RATE_EXCEEDED"),
        ANY,
        UnableToConnect,
        None,
        true,
        FAULT_MSG,
        Some(
            "Salesforce allows 3,600 logins per user per hour: wait an hour; lower the \
batch's per-org concurrency"
        )
    ),
    row!(
        Key::Fault("UNSUPPORTED_CLIENT"),
        ANY,
        UnknownError,
        None,
        false,
        FAULT_MSG,
        Some("the host must connect with TLS 1.2 or later")
    ),
    // ---- the change itself ----
    row!(
        Key::Fault("INVALID_NEW_PASSWORD"),
        ANY,
        PasswordRejected,
        None,
        false,
        FAULT_MSG,
        Some(
            "generate another password that meets Setup > Security > Password Policies (and \
the profile's password policy): length, complexity, and not one of the remembered previous \
passwords"
        )
    ),
    row!(
        Key::Fault("INVALID_OLD_PASSWORD"),
        ANY,
        PasswordRejected,
        None,
        false,
        FAULT_MSG,
        Some(
            "Salesforce did not accept the stored password as the old one: run a heartbeat; \
if the stored password is wrong, change it with a privileged account (privileged_secret)"
        )
    ),
    row!(
        Key::FaultWith("INSUFFICIENT_ACCESS", "for self"),
        &[Change],
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "Setup > Security > Password Policies: Allow use of setPassword() API for \
self-resets (an expired password can only be changed with setPassword()), or use a \
privileged account"
        )
    ),
    row!(
        Key::Fault("INSUFFICIENT_ACCESS"),
        &[Change],
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "the account that changes the password needs Reset User Passwords and Unlock \
Users (Setup > Users > Profiles > {profile} or a permission set); a privileged account \
cannot reset a user with more privileges"
        )
    ),
    row!(
        Key::Fault("INSUFFICIENT_ACCESS"),
        &[Lookup],
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some(
            "the privileged account needs View All Users or Manage Users to find the target \
user"
        )
    ),
    row!(
        Key::Fault("INSUFFICIENT_ACCESS"),
        &[Diagnose],
        AccessDenied,
        None,
        false,
        FAULT_MSG,
        Some("reading profiles and permission sets needs View Setup and Configuration")
    ),
    row!(
        Key::Fault("INVALID_OPERATION_WITH_EXPIRED_PASSWORD"),
        ANY,
        LoginFailed,
        None,
        false,
        FAULT_MSG,
        Some(RUN_A_CHANGE)
    ),
    row!(
        Key::Fault("UNSUPPORTED_API_VERSION"),
        ANY,
        ArgumentError,
        None,
        false,
        FAULT_MSG,
        Some("set api_version to a version Salesforce still supports (64.0, the default)")
    ),
    row!(
        Key::Fault("INVALID_SESSION_ID"),
        ANY,
        UnableToConnect,
        None,
        true,
        FAULT_MSG,
        Some(SESSION_SETTINGS)
    ),
    row!(
        Key::Fault("REQUEST_LIMIT_EXCEEDED"),
        ANY,
        UnableToConnect,
        None,
        true,
        FAULT_MSG,
        Some(
            "the org's 24-hour API request limit is used up: try again later, or raise it \
(Setup > Company Information: API Requests, Last 24 Hours)"
        )
    ),
    row!(
        Key::Fault("SERVER_UNAVAILABLE"),
        ANY,
        UnableToConnect,
        None,
        true,
        FAULT_MSG,
        Some(TRY_LATER)
    ),
    // ---- HTTP statuses without a fault body ----
    row!(
        Key::Status(500, 500),
        ANY,
        UnableToConnect,
        Some("HTTP_STATUS"),
        true,
        "{failed}: HTTP {status} from {host} without a Salesforce fault (an error page)",
        Some(TRY_LATER)
    ),
    row!(
        Key::Status(502, 504),
        ANY,
        UnableToConnect,
        Some("HTTP_STATUS"),
        true,
        "{failed}: HTTP {status} from {host} (service unavailable)",
        Some(TRY_LATER)
    ),
    row!(
        Key::Status(300, 399),
        ANY,
        UnknownError,
        Some("HTTP_STATUS"),
        false,
        "{failed}: HTTP {status} redirect from {host}, not followed",
        Some(
            "redirects are never followed: check the login URL and any proxy between the \
host and Salesforce"
        )
    ),
    row!(
        Key::Status(0, 999),
        ANY,
        UnknownError,
        Some("HTTP_STATUS"),
        false,
        "{failed}: unexpected HTTP {status} from {host}",
        Some("check for a proxy or captive portal between the host and Salesforce")
    ),
    row!(
        Key::Malformed,
        ANY,
        UnknownError,
        Some("MALFORMED_RESPONSE"),
        false,
        "{failed}: the answer from {host} is not a Salesforce response",
        Some(
            "check for a TLS-inspecting proxy or captive portal between the host and \
Salesforce"
        )
    ),
    row!(
        Key::TooLarge,
        ANY,
        UnknownError,
        Some("RESPONSE_TOO_LARGE"),
        false,
        "{failed}: the answer from {host} is larger than 1 MiB",
        Some("check for a proxy or captive portal between the host and Salesforce")
    ),
    // ---- transport failures ----
    row!(
        Key::Transport(T::Dns),
        ANY,
        UnableToConnect,
        Some("DNS_ERROR"),
        true,
        "{failed}: could not resolve {host} {detail}",
        Some("check the host's DNS, or its proxy (--proxy / HTTPS_PROXY)")
    ),
    row!(
        Key::Transport(T::Connect),
        ANY,
        UnableToConnect,
        Some("CONNECT_ERROR"),
        true,
        "{failed}: could not connect to {host} {detail}",
        Some("allow outbound HTTPS (port 443) to {host} in the firewall, or set the proxy")
    ),
    row!(
        Key::Transport(T::Tls),
        ANY,
        UnableToConnect,
        Some("TLS_ERROR"),
        true,
        "{failed}: TLS handshake with {host} failed {detail}",
        Some(
            "a TLS-inspecting proxy needs its CA passed with --ca-cert; otherwise check the \
host's clock and trust store"
        )
    ),
    row!(
        Key::Transport(T::Timeout),
        ANY,
        UnableToConnect,
        Some("TIMEOUT"),
        true,
        "{failed}: no answer from {host} in time {detail}",
        Some("try again later; raise --timeout if the network path is slow")
    ),
    row!(
        Key::Transport(T::Reset),
        ANY,
        UnableToConnect,
        Some("CONNECTION_RESET"),
        true,
        "{failed}: the connection to {host} was closed mid-exchange {detail}",
        Some("try again later; check proxies or firewalls that cut long connections")
    ),
    // The host says why it refused: its words when it gave them, the allowlist otherwise.
    row!(
        Key::TransportWith(T::Denied, "allowlist"),
        ANY,
        AccessDenied,
        Some("EGRESS_DENIED"),
        false,
        DENIED_BECAUSE,
        Some(OUTSIDE_ALLOWLIST_FIX)
    ),
    row!(
        Key::TransportWith(T::Denied, "allowed_outbound_hosts"),
        ANY,
        AccessDenied,
        Some("EGRESS_DENIED"),
        false,
        DENIED_BECAUSE,
        Some(OUTSIDE_ALLOWLIST_FIX)
    ),
    row!(
        Key::TransportWith(T::Denied, ""),
        ANY,
        AccessDenied,
        Some("EGRESS_DENIED"),
        false,
        DENIED_BECAUSE,
        Some(
            "no manifest entry can allow this request: if Salesforce's answer pointed the job \
there, check for a proxy rewriting Salesforce's answers; otherwise report it as a bug with \
this job's log"
        )
    ),
    row!(
        Key::Transport(T::Denied),
        ANY,
        AccessDenied,
        Some("EGRESS_DENIED"),
        false,
        "{failed}: the host refused to send to {host}: outside the manifest allowlist",
        Some(OUTSIDE_ALLOWLIST_FIX)
    ),
    row!(
        Key::InsecureUrl,
        ANY,
        AccessDenied,
        Some("EGRESS_DENIED"),
        false,
        "{failed}: Salesforce returned a server URL that is not https; nothing was sent to it",
        Some(
            "only https Salesforce hosts are contacted: check for a proxy rewriting \
Salesforce's answers"
        )
    ),
    // ---- local codes: preflight ----
    row!(
        Key::Local("INVALID_REQUEST"),
        ANY,
        ArgumentError,
        None,
        false,
        "Invalid request: {detail}",
        Some("fix the field named in the message")
    ),
    row!(
        Key::Local("INVALID_IP_RANGE"),
        ANY,
        ArgumentError,
        None,
        false,
        "Invalid request: {detail}",
        Some(
            "write ranges as CIDR (203.0.113.0/24) or start-end pairs \
(198.51.100.1-198.51.100.9), as in Setup > Security > Network Access"
        )
    ),
    row!(
        Key::Local("LOGIN_URL_NOT_ALLOWED"),
        ANY,
        ArgumentError,
        None,
        false,
        "Login URL not allowed: {detail}; only https://login.salesforce.com and \
https://test.salesforce.com are used",
        Some(
            "set the secret's URL to https://login.salesforce.com (production and developer \
orgs) or https://test.salesforce.com (sandboxes)"
        )
    ),
    row!(
        Key::Local("EGRESS_IP_OUTSIDE_LOGIN_RANGES"),
        ANY,
        AccessDenied,
        None,
        false,
        "Egress IP {ip} is outside the profile's Login IP Ranges; Salesforce would refuse the \
login",
        Some("Setup > Users > Profiles > {profile} > Login IP Ranges: add {ip}")
    ),
    row!(
        Key::Local("SECURITY_TOKEN_REQUIRED"),
        ANY,
        LoginFailed,
        None,
        false,
        "Egress IP {ip} is outside the org's Trusted IP Ranges and {detail} has no security \
token; Salesforce would answer LOGIN_MUST_USE_SECURITY_TOKEN and count a failed login",
        Some(
            "Setup > Security > Network Access: add {ip} to Trusted IP Ranges, or store the \
user's security token in the secret"
        )
    ),
    row!(
        Key::Local("TOKEN_WOULD_BE_RESET"),
        ANY,
        AccessDenied,
        None,
        false,
        "Egress IP {ip} is outside the org's Trusted IP Ranges, so the login relies on the \
security token, which Salesforce resets (and emails) on every password change",
        Some(
            "Setup > Security > Network Access: add {ip} to Trusted IP Ranges; or set \
\"accept_token_reset\": true and store the new token from the user's email after the change"
        )
    ),
    row!(
        Key::Local("NEW_PASSWORD_POLICY"),
        ANY,
        PasswordRejected,
        None,
        false,
        "New password rejected before login: it {detail}",
        Some(
            "generate a password that meets org.password_policy (Setup > Security > Password \
Policies)"
        )
    ),
    // ---- local codes: the job ----
    row!(
        Key::Local("PASSWORD_EXPIRED"),
        ANY,
        LoginFailed,
        None,
        false,
        "Login succeeded but the password has expired; Salesforce allows only setPassword()",
        Some(RUN_A_CHANGE)
    ),
    row!(
        Key::Local("TARGET_USER_NOT_FOUND"),
        ANY,
        ArgumentError,
        None,
        false,
        "User lookup found no user with the secret's username in this org",
        Some(
            "check the secret's username, and that the privileged account belongs to the \
same org ({login_url})"
        )
    ),
    row!(
        Key::Local("USER_INACTIVE"),
        ANY,
        LoginFailed,
        None,
        false,
        "The user is inactive",
        Some("Setup > Users > Users > <user>: activate the user")
    ),
    row!(
        Key::Local("API_NOT_ENABLED"),
        ANY,
        AccessDenied,
        None,
        false,
        "Neither the profile nor a permission set grants API Enabled",
        Some(
            "Setup > Users > Profiles > {profile}: enable API Enabled (or assign a permission \
set that grants it)"
        )
    ),
    row!(
        Key::Local("CHANGE_UNVERIFIED"),
        ANY,
        Success,
        None,
        false,
        "Password changed (Salesforce acknowledged it) but not verified: {detail}",
        Some("store the new password; run a heartbeat later to confirm it")
    ),
    row!(
        Key::Local("SECURITY_TOKEN_RESET"),
        ANY,
        Success,
        None,
        false,
        "Password changed; Salesforce reset the security token, so the old token no longer \
works {detail}",
        Some(
            "store the new security token Salesforce just emailed to the user in the \
secret's security-token field (or add {ip} to Setup > Security > Network Access > Trusted IP \
Ranges)"
        )
    ),
    row!(
        Key::Local("OK"),
        ANY,
        Success,
        None,
        false,
        "{detail}",
        None
    ),
    // ---- catch-alls ----
    row!(
        Key::AnyFault,
        ANY,
        UnknownError,
        None,
        false,
        FAULT_MSG,
        Some("Salesforce answered with a fault sfrpc does not map: see its message")
    ),
    row!(
        Key::Local("UNKNOWN"),
        ANY,
        UnknownError,
        Some("UNKNOWN_ERROR"),
        false,
        "{failed}: {detail}",
        None
    ),
];
