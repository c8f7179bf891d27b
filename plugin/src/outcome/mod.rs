//! The one place that decides what an operator sees: every Salesforce answer (fault code, HTTP
//! status, malformed or oversized body), every transport failure, every egress denial and every
//! local (preflight / job) code, per phase of the job → status, code, retryable, message and
//! remediation. The rows live in [`table`]; [`resolve`] picks the first that matches.

mod table;

use crate::api::TransportErrorKind;
use crate::codec::{Fault, WireError};
use crate::result::Status;

pub use table::ROWS;

/// The remediation for an expired password (SPEC 4): a change sets a new one with setPassword().
pub(crate) const RUN_A_CHANGE: &str =
    "run a change: expired passwords are changed with setPassword()";

/// The step of a job an answer belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Local checks before any request.
    Preflight,
    /// Logging in with the stored (or pending, or privileged) credentials.
    Login,
    /// changeOwnPassword() / setPassword().
    Change,
    /// Logging in with the new password to prove it.
    Verify,
    /// The privileged account's SOQL lookup of the target user.
    Lookup,
    /// Diagnose's REST queries.
    Diagnose,
    /// A heartbeat's read of the password status (`GET …/User/{id}/password`) after an OAuth
    /// login, whose token answer never says whether the password has expired.
    PasswordStatus,
    /// logout().
    Logout,
}

impl Phase {
    /// How a failure in this phase starts its message, Secret Server style.
    pub fn failed(self) -> &'static str {
        match self {
            Phase::Preflight => "Preflight failed",
            Phase::Login => "Login failed",
            Phase::Change => "Password change failed",
            Phase::Verify => "Verification login failed",
            Phase::Lookup => "User lookup failed",
            Phase::Diagnose => "Diagnose query failed",
            Phase::PasswordStatus => "Password status read failed",
            Phase::Logout => "Logout failed",
        }
    }
}

/// What came back (or did not), as far as the table cares.
#[derive(Clone, Copy, Debug)]
pub enum Answer<'a> {
    /// A Salesforce fault / error body.
    Fault(&'a Fault),
    /// An unexpected HTTP status without a fault body.
    HttpStatus(u16),
    /// An unparseable answer.
    Malformed,
    /// An answer over the size cap (from the codec or the host).
    TooLarge,
    /// No HTTP answer.
    Transport(TransportErrorKind),
    /// No HTTP answer, with the host's detail (why it refused, what failed).
    TransportWith(TransportErrorKind, &'a str),
    /// Salesforce sent a serverUrl / instance_url that is not https; nothing was sent to it.
    InsecureUrl,
    /// A local code (preflight, job).
    Local(&'static str),
}

impl<'a> From<&'a WireError> for Answer<'a> {
    fn from(e: &'a WireError) -> Answer<'a> {
        match e {
            WireError::Fault(f) => Answer::Fault(f),
            WireError::HttpStatus(s) => Answer::HttpStatus(*s),
            WireError::TooLarge => Answer::TooLarge,
            _ => Answer::Malformed,
        }
    }
}

/// What the table matches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A fault with this code.
    Fault(&'static str),
    /// A fault with this code whose message contains this text (case-insensitive).
    FaultWith(&'static str, &'static str),
    /// Any fault (the catch-all).
    AnyFault,
    /// An HTTP status in this inclusive range, without a fault body.
    Status(u16, u16),
    /// A malformed answer.
    Malformed,
    /// An oversized answer.
    TooLarge,
    /// A transport failure of this kind (with a detail or without).
    Transport(TransportErrorKind),
    /// A transport failure of this kind whose host detail contains this text
    /// (case-insensitive); `""` matches any detail.
    TransportWith(TransportErrorKind, &'static str),
    /// A non-https serverUrl / instance_url.
    InsecureUrl,
    /// A local code.
    Local(&'static str),
}

/// One row of the table. Templates may use `{failed}` (the phase's "... failed"), `{code}`,
/// `{sf}` (Salesforce's message), `{status}`, `{host}`, `{ip}`, `{profile}`, `{login_url}`,
/// `{other_login_url}`, `{version}` and `{detail}`.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// What it matches.
    pub key: Key,
    /// The phases it applies to; empty means all.
    pub phases: &'static [Phase],
    /// Secret Server's status.
    pub status: Status,
    /// The result code; `None` = the fault code verbatim.
    pub code: Option<&'static str>,
    /// Whether trying again later, unchanged, may succeed.
    pub retryable: bool,
    /// The message template.
    pub message: &'static str,
    /// The remediation template.
    pub remediation: Option<&'static str>,
}

/// Facts a message or remediation may name. None of them is a secret.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The site's egress IP (the first outside the ranges, or the first known).
    pub egress_ip: Option<&'a str>,
    /// The login URL in use.
    pub login_url: Option<&'a str>,
    /// The user's profile name, once known.
    pub profile: Option<&'a str>,
    /// The API version in use.
    pub api_version: Option<&'a str>,
    /// The host the failed request went to.
    pub host: Option<&'a str>,
    /// A detail: the host's transport detail, or a local explanation.
    pub detail: Option<&'a str>,
}

/// The decision for one answer: what the operator sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Secret Server's status.
    pub status: Status,
    /// Salesforce's code verbatim, `OAUTH_<ERROR>`, or a local code.
    pub code: String,
    /// Whether trying again later may succeed.
    pub retryable: bool,
    /// The RPC-log style message.
    pub message: String,
    /// The setting that fixes it.
    pub remediation: Option<String>,
}

/// The index in [`ROWS`] of the row that decides `answer` in `phase`.
pub fn row_index(phase: Phase, answer: &Answer<'_>) -> usize {
    ROWS.iter()
        .position(|row| {
            (row.phases.is_empty() || row.phases.contains(&phase)) && matches(&row.key, answer)
        })
        // The table ends with catch-alls for every kind of answer; this is unreachable, and
        // even so never panics: the last row is the generic UnknownError.
        .unwrap_or(ROWS.len() - 1)
}

/// Decides `answer` in `phase`.
pub fn resolve(phase: Phase, answer: &Answer<'_>, ctx: &Context<'_>) -> Outcome {
    let row = &ROWS[row_index(phase, answer)];
    let (fault_code, sf) = match answer {
        Answer::Fault(f) => (f.code.as_str(), one_line(&f.message)),
        Answer::Local(code) => (*code, String::new()),
        _ => ("", String::new()),
    };
    let code = row.code.unwrap_or(fault_code).to_owned();
    let status = match answer {
        Answer::HttpStatus(s) => s.to_string(),
        _ => String::new(),
    };
    let login_url = ctx.login_url.unwrap_or("https://login.salesforce.com");
    let other_login_url = if login_url.contains("test.salesforce.com") {
        "https://login.salesforce.com"
    } else {
        "https://test.salesforce.com"
    };
    let fill = |template: &str| {
        template
            .replace("{failed}", phase.failed())
            .replace("{code}", &code)
            .replace("{sf}", &sf)
            .replace("{status}", &status)
            .replace("{host}", ctx.host.unwrap_or("Salesforce"))
            .replace("{ip}", ctx.egress_ip.unwrap_or("the site's egress IP"))
            .replace("{profile}", ctx.profile.unwrap_or("<profile>"))
            .replace("{login_url}", login_url)
            .replace("{other_login_url}", other_login_url)
            .replace("{version}", ctx.api_version.unwrap_or("64.0"))
            .replace("{detail}", ctx.detail.unwrap_or(""))
    };
    let message = fill(row.message).trim_end_matches([' ', ':']).to_owned();
    let remediation = row.remediation.map(fill);
    Outcome {
        status: row.status,
        code,
        retryable: row.retryable,
        message,
        remediation,
    }
}

fn matches(key: &Key, answer: &Answer<'_>) -> bool {
    match (key, answer) {
        (Key::Fault(code), Answer::Fault(f)) => f.code == *code,
        (Key::FaultWith(code, text), Answer::Fault(f)) => {
            f.code == *code
                && f.message
                    .to_ascii_lowercase()
                    .contains(&text.to_ascii_lowercase())
        }
        (Key::AnyFault, Answer::Fault(_)) => true,
        (Key::Status(lo, hi), Answer::HttpStatus(s)) => lo <= s && s <= hi,
        (Key::Malformed, Answer::Malformed) => true,
        (Key::TooLarge, Answer::TooLarge) => true,
        (Key::TooLarge, Answer::Transport(TransportErrorKind::TooLarge))
        | (Key::TooLarge, Answer::TransportWith(TransportErrorKind::TooLarge, _)) => true,
        (Key::Transport(k), Answer::Transport(t) | Answer::TransportWith(t, _)) => k == t,
        (Key::TransportWith(k, text), Answer::TransportWith(t, detail)) => {
            k == t
                && detail
                    .to_ascii_lowercase()
                    .contains(&text.to_ascii_lowercase())
        }
        (Key::InsecureUrl, Answer::InsecureUrl) => true,
        (Key::Local(code), Answer::Local(c)) => code == c,
        _ => false,
    }
}

/// Salesforce's message on one line, cut to a readable length.
fn one_line(message: &str) -> String {
    let flat: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 600 {
        let head: String = flat.chars().take(597).collect();
        format!("{head}...")
    } else {
        flat
    }
}
