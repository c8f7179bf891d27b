//! The result a job ends with (SPEC section 4): Secret Server–style status, the Salesforce or
//! local code, which password is in effect, the checks made, and the RPC log lines.

use serde::{Deserialize, Serialize};

/// The operation a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Prove the stored credentials log in.
    Heartbeat,
    /// Change the password to `new_password` and prove it.
    Change,
    /// A read-only checklist of everything that makes rotation safe.
    Diagnose,
}

/// Secret Server's result vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Status {
    /// The operation did what was asked.
    Success,
    /// Salesforce (or preflight, on its behalf) refused the credentials.
    LoginFailed,
    /// The user is locked out after too many failed logins.
    AccountLockedOut,
    /// The credentials are fine but something forbids the operation (IP, permission, egress).
    AccessDenied,
    /// The request itself is wrong (missing field, bad URL, bad range).
    ArgumentError,
    /// Salesforce could not be reached or is temporarily refusing; try later.
    UnableToConnect,
    /// Salesforce (or the declared policy) rejected the new password.
    PasswordRejected,
    /// Anything else: an unexpected answer, a malformed or oversized response.
    UnknownError,
}

impl Status {
    /// Every status, in the order of SPEC section 4 (and of the manifest's list), for hosts
    /// that iterate them.
    pub const ALL: [Status; 8] = [
        Status::Success,
        Status::LoginFailed,
        Status::AccountLockedOut,
        Status::AccessDenied,
        Status::ArgumentError,
        Status::UnableToConnect,
        Status::PasswordRejected,
        Status::UnknownError,
    ];

    /// The `sfrpc` exit code for this status (SPEC section 5).
    pub fn exit_code(self) -> i32 {
        match self {
            Status::Success => 0,
            Status::LoginFailed => 10,
            Status::AccountLockedOut => 11,
            Status::AccessDenied => 12,
            Status::ArgumentError => 13,
            Status::UnableToConnect => 14,
            Status::PasswordRejected => 15,
            Status::UnknownError => 16,
        }
    }

    /// The name as Secret Server writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "Success",
            Status::LoginFailed => "LoginFailed",
            Status::AccountLockedOut => "AccountLockedOut",
            Status::AccessDenied => "AccessDenied",
            Status::ArgumentError => "ArgumentError",
            Status::UnableToConnect => "UnableToConnect",
            Status::PasswordRejected => "PasswordRejected",
            Status::UnknownError => "UnknownError",
        }
    }
}

/// Which password is in effect after the job (SPEC 2.3): what the vault acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivePassword {
    /// Nothing changed; keep the stored password.
    Current,
    /// The new password is in effect; store it (and the old one as previous).
    New,
    /// The change was sent and its fate could not be settled; keep both, send the new one as
    /// `pending_password` next time.
    Unknown,
    /// The request's `pending_password` is the one in effect; promote it to current.
    Pending,
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    /// The precondition holds.
    Pass,
    /// It holds now but is a risk (e.g. the password will expire).
    Warn,
    /// It does not hold.
    Fail,
    /// It could not be checked (no data in the request, or not reached).
    Skip,
}

/// One precondition checked by preflight or diagnose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// A stable snake_case name: `login_url`, `egress_ip_login_ranges`, `api_enabled`, ...
    pub name: String,
    /// pass / warn / fail / skip.
    pub outcome: CheckOutcome,
    /// What was seen, in words an operator understands. Never a secret.
    pub detail: String,
    /// The Salesforce setting to change, when the outcome is warn or fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
}

/// Which credential Salesforce refused, for the host's quarantine (SPEC 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialRole {
    /// The secret's stored password (+ token).
    Current,
    /// The request's `pending_password`.
    Pending,
    /// The privileged account's credentials.
    Privileged,
}

/// A credential Salesforce refused for a credential reason, with that refusal's own status and
/// code (a pending password refused in a job that then succeeds with the stored one is still
/// refused), for the host's quarantine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedCredential {
    /// Which credential.
    pub role: CredentialRole,
    /// The status of its refusal.
    pub status: Status,
    /// Salesforce's code for its refusal (`INVALID_LOGIN`, `PASSWORD_LOCKOUT`, ...).
    pub code: String,
}

/// The job's answer to the host (SPEC section 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobResult {
    /// The operation that ran.
    pub operation: Operation,
    /// The secret's id, when the request carried one.
    pub secret_id: Option<i64>,
    /// The secret's name, when the request carried one.
    pub secret_name: Option<String>,
    /// The site (`site.name`), when the request carried one.
    pub site: Option<String>,
    /// Secret Server's status.
    pub status: Status,
    /// Salesforce's exception code verbatim, `OAUTH_<ERROR>`, or a local code; `OK` on success.
    pub code: String,
    /// What happened, in the style of Secret Server's RPC log.
    pub message: String,
    /// The exact Salesforce setting (or vault action) that fixes it; null on plain success.
    pub remediation: Option<String>,
    /// Which password is in effect now.
    pub active_password: ActivePassword,
    /// Whether trying again later, unchanged, may succeed.
    pub retryable: bool,
    /// Set (true) on `PasswordRejected`: try again with another new password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_with_new_password: Option<bool>,
    /// Login requests of this job that Salesforce answered with a fault.
    pub failed_logins: u32,
    /// Whether a change request carrying `new_password` may have reached Salesforce. A host
    /// returns a password it generated only then (with `active_password` new or unknown): an
    /// `unknown` that comes from an unsettled pending password is about that one, not the new.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub change_sent: bool,
    /// The credentials Salesforce refused for a credential reason, in the order tried, for the
    /// host's quarantine (a pending password and the stored one can both be refused).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused_credentials: Vec<RefusedCredential>,
    /// The checks made, in order.
    pub checks: Vec<Check>,
    /// Secret Server–style RPC log lines.
    pub log: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Its place in [`Status::ALL`]; a new status does not compile until it is listed here.
    fn position(status: Status) -> usize {
        match status {
            Status::Success => 0,
            Status::LoginFailed => 1,
            Status::AccountLockedOut => 2,
            Status::AccessDenied => 3,
            Status::ArgumentError => 4,
            Status::UnableToConnect => 5,
            Status::PasswordRejected => 6,
            Status::UnknownError => 7,
        }
    }

    #[test]
    fn all_lists_every_status_once() {
        for (i, status) in Status::ALL.iter().enumerate() {
            assert_eq!(position(*status), i, "{}", status.as_str());
        }
        let mut codes: Vec<i32> = Status::ALL.iter().map(|s| s.exit_code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Status::ALL.len(), "exit codes are distinct");
    }
}
