//! Diagnose (SPEC 2): after the login, REST queries of the user's profile and permission sets
//! (SALESFORCE-WIRE §6) and the password status, turned into pass / warn / fail checks.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::login::Failure;
use super::{Machine, Reply, Step};
use crate::codec::{rest, soql};
use crate::outcome::{Phase, RUN_A_CHANGE};
use crate::request::LoginMethod;
use crate::result::{Check, CheckOutcome};

/// Diagnose's requests, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DiagStep {
    /// The User with its profile's permissions.
    User,
    /// The user's permission set assignments.
    PermissionSets,
    /// `GET …/User/{id}/password`.
    PasswordStatus,
}

/// What diagnose learned so far.
#[derive(Debug, Default)]
pub(crate) struct DiagState {
    /// The user's profile name, once known (also used in remediations).
    pub profile_name: Option<String>,
    user_id: Option<String>,
    /// The User record, or why it could not be read.
    user: Option<Result<Value, String>>,
    /// The permission sets (PermissionSet objects), or why they could not be read.
    permission_sets: Option<Result<Vec<Value>, String>>,
    /// A query was refused with INVALID_OPERATION_WITH_EXPIRED_PASSWORD: the password has
    /// expired although the login did not say so (OAuth logins never do).
    expired_by_api: bool,
}

const USER_FIELDS: &str = "Id, Username, IsActive, LastPasswordChangeDate, ProfileId, \
Profile.Name, Profile.PermissionsApiEnabled, Profile.PermissionsPasswordNeverExpires, \
Profile.PermissionsApiUserOnly";
const PERMSET_FIELDS: &str = "PermissionSet.Name, PermissionSet.IsOwnedByProfile, \
PermissionSet.PermissionsApiEnabled, PermissionSet.PermissionsPasswordNeverExpires, \
PermissionSet.PermissionsApiUserOnly";

fn check(name: &str, outcome: CheckOutcome, detail: String, remediation: Option<String>) -> Check {
    Check {
        name: name.to_owned(),
        outcome,
        detail,
        remediation,
    }
}

impl Machine {
    /// After the login: record it, then query (or stop on an expired password).
    pub(super) fn start_diagnose(&mut self, expired: bool, user_id: Option<String>) {
        let how = match self.req.login_method {
            LoginMethod::Soap => format!("SOAP login() (API {})", self.req.api_version),
            LoginMethod::OauthPassword => "the OAuth username-password flow".to_owned(),
        };
        let login = format!(
            "{} logs in to {} via {how}",
            self.username_for_diag(),
            self.plan.login_url
        );
        self.checks
            .push(check("login", CheckOutcome::Pass, login, None));
        let (detail, remediation) = match self.req.login_method {
            LoginMethod::Soap => (
                "SOAP API login() is retired in Summer '27 (API 65.0 and later have none)",
                "plan a move to the OAuth 2.0 JWT bearer flow with a connected app",
            ),
            LoginMethod::OauthPassword => (
                "the OAuth username-password flow is retired for connected apps on 2027-02-20",
                "plan a move to the OAuth 2.0 JWT bearer flow with a connected app",
            ),
        };
        self.checks.push(check(
            "login_method",
            CheckOutcome::Warn,
            detail.to_owned(),
            Some(remediation.to_owned()),
        ));
        if expired {
            self.checks.push(check(
                "password_expired",
                CheckOutcome::Fail,
                "the password has expired: only setPassword() is allowed".to_owned(),
                Some(RUN_A_CHANGE.to_owned()),
            ));
            return self.decide_local(Phase::Login, "PASSWORD_EXPIRED", "");
        }
        let Some(user_id) = user_id else {
            for name in [
                "user_active",
                "api_enabled",
                "api_only_user",
                "password_never_expires",
                "password_expired",
            ] {
                self.checks.push(check(
                    name,
                    CheckOutcome::Skip,
                    "the login did not name the user id".to_owned(),
                    None,
                ));
            }
            return self
                .decide_ok("Diagnose finished: the login works; the user could not be queried");
        };
        self.diag.user_id = Some(user_id);
        self.send_diag(DiagStep::User);
    }

    fn username_for_diag(&self) -> String {
        self.req.secret.username.clone().unwrap_or_default()
    }

    fn send_diag(&mut self, step: DiagStep) {
        let (Some(session), Some(user_id)) = (self.sessions.last(), self.diag.user_id.as_deref())
        else {
            return self.decide_local(Phase::Diagnose, "UNKNOWN", "internal error: no session");
        };
        let ver = &self.req.api_version;
        let quoted = soql::quote(user_id);
        let url = match step {
            DiagStep::User => rest::query_url(
                &session.instance,
                ver,
                &format!("SELECT {USER_FIELDS} FROM User WHERE Id = {quoted}"),
            ),
            DiagStep::PermissionSets => rest::query_url(
                &session.instance,
                ver,
                &format!("SELECT {PERMSET_FIELDS} FROM PermissionSetAssignment WHERE AssigneeId = {quoted}"),
            ),
            DiagStep::PasswordStatus => rest::password_url(&session.instance, ver, user_id),
        };
        let headers = rest::headers(session.id.expose_secret());
        self.send("GET", url, headers, String::new(), Step::Diagnose(step));
    }

    pub(super) fn on_diagnose(&mut self, step: DiagStep, reply: Reply) {
        let resp = match reply {
            Reply::Http(resp) => Ok(resp),
            Reply::Transport(t) => Err(Failure::Transport(t)),
        };
        let why = |m: &mut Machine, f: Failure| {
            if f.is_expired_password() {
                m.diag.expired_by_api = true;
            }
            m.outcome_of(Phase::Diagnose, &f).message
        };
        match step {
            DiagStep::User => {
                let got = resp
                    .and_then(|r| rest::parse_query(&r).map_err(Failure::Wire))
                    .map_err(|f| why(self, f))
                    .and_then(|q| {
                        q.records
                            .into_iter()
                            .next()
                            .ok_or_else(|| "the query found no user".to_owned())
                    });
                if let Ok(user) = &got {
                    self.diag.profile_name = str_at(user, &["Profile", "Name"]);
                }
                self.diag.user = Some(got);
                self.send_diag(DiagStep::PermissionSets);
            }
            DiagStep::PermissionSets => {
                let got = resp
                    .and_then(|r| rest::parse_query(&r).map_err(Failure::Wire))
                    .map_err(|f| why(self, f))
                    .map(|q| {
                        q.records
                            .into_iter()
                            .filter_map(|r| r.get("PermissionSet").cloned())
                            .collect()
                    });
                self.diag.permission_sets = Some(got);
                self.push_permission_checks();
                self.send_diag(DiagStep::PasswordStatus);
            }
            DiagStep::PasswordStatus => {
                let got = resp
                    .and_then(|r| rest::parse_password_status(&r).map_err(Failure::Wire))
                    .map_err(|f| why(self, f));
                self.push_password_check(got);
                self.finish_diagnose();
            }
        }
    }

    fn push_permission_checks(&mut self) {
        let profile = self
            .diag
            .profile_name
            .clone()
            .unwrap_or_else(|| "<profile>".to_owned());
        let user = match self.diag.user.clone() {
            Some(Ok(user)) => user,
            Some(Err(why)) => {
                for name in [
                    "user_active",
                    "api_enabled",
                    "api_only_user",
                    "password_never_expires",
                ] {
                    self.checks.push(check(
                        name,
                        CheckOutcome::Skip,
                        format!("could not read the user: {why}"),
                        None,
                    ));
                }
                return;
            }
            None => return,
        };
        let sets: Result<Vec<Value>, String> =
            self.diag.permission_sets.clone().unwrap_or(Ok(Vec::new()));
        let active = user.get("IsActive").and_then(Value::as_bool);
        self.checks.push(match active {
            Some(true) => check(
                "user_active",
                CheckOutcome::Pass,
                "the user is active".to_owned(),
                None,
            ),
            Some(false) => check(
                "user_active",
                CheckOutcome::Fail,
                "the user is inactive".to_owned(),
                Some("Setup > Users > Users > <user>: activate the user".to_owned()),
            ),
            None => check(
                "user_active",
                CheckOutcome::Skip,
                "IsActive not returned".to_owned(),
                None,
            ),
        });
        let perm = |field: &str, fix: &str, missing: CheckOutcome, name: &str, label: &str| {
            let on_profile = user
                .get("Profile")
                .and_then(|p| p.get(field))
                .and_then(Value::as_bool);
            let granting: Vec<String> = sets
                .as_ref()
                .map(|s| {
                    s.iter()
                        .filter(|ps| ps.get(field).and_then(Value::as_bool) == Some(true))
                        .filter(|ps| {
                            ps.get("IsOwnedByProfile").and_then(Value::as_bool) != Some(true)
                        })
                        .filter_map(|ps| str_at(ps, &["Name"]))
                        .collect()
                })
                .unwrap_or_default();
            if on_profile == Some(true) {
                check(
                    name,
                    CheckOutcome::Pass,
                    format!("{label}: granted by the profile {profile}"),
                    None,
                )
            } else if !granting.is_empty() {
                check(
                    name,
                    CheckOutcome::Pass,
                    format!(
                        "{label}: granted by the permission set {}",
                        granting.join(", ")
                    ),
                    None,
                )
            } else if let (Err(why), true) = (&sets, name == "api_enabled") {
                // The API login just worked, which proves API Enabled is granted somewhere:
                // only where is unknown, so this is no failure.
                check(
                    name,
                    CheckOutcome::Warn,
                    format!(
                        "{label}: granted (the API login worked), source not readable: not by \
                         the profile {profile}, and the permission sets could not be read: {why}"
                    ),
                    Some(
                        "give the account View Setup and Configuration so diagnose can read its \
                         permission sets"
                            .to_owned(),
                    ),
                )
            } else {
                let unread = match &sets {
                    Err(why) => format!(" (permission sets could not be read: {why})"),
                    Ok(_) => String::new(),
                };
                check(
                    name,
                    missing,
                    format!("{label}: not granted by the profile {profile} nor a permission set{unread}"),
                    Some(fix.replace("{profile}", &profile)),
                )
            }
        };
        let api = perm(
            "PermissionsApiEnabled",
            "Setup > Users > Profiles > {profile}: enable API Enabled (or assign a permission set that grants it)",
            CheckOutcome::Fail,
            "api_enabled",
            "API Enabled",
        );
        let api_only = perm(
            "PermissionsApiUserOnly",
            "Setup > Users > Profiles > {profile}: enable API Only User, so the integration user cannot log in to the UI",
            CheckOutcome::Warn,
            "api_only_user",
            "API Only User",
        );
        let never = perm(
            "PermissionsPasswordNeverExpires",
            "rotate more often than Setup > Security > Password Policies: User passwords expire in; or enable Password Never Expires on {profile}",
            CheckOutcome::Warn,
            "password_never_expires",
            "Password Never Expires",
        );
        self.checks.extend([api, api_only, never]);
        if let Some(date) = str_at(&user, &["LastPasswordChangeDate"]) {
            self.log.push(format!("Last password change: {date}"));
        }
    }

    fn push_password_check(&mut self, got: Result<bool, String>) {
        let got = match got {
            Err(_) if self.diag.expired_by_api => Ok(true),
            other => other,
        };
        self.checks.push(match got {
            Ok(false) => check(
                "password_expired",
                CheckOutcome::Pass,
                "the password has not expired".to_owned(),
                None,
            ),
            Ok(true) => check(
                "password_expired",
                CheckOutcome::Fail,
                "the password has expired: only setPassword() is allowed".to_owned(),
                Some(RUN_A_CHANGE.to_owned()),
            ),
            Err(why) => check(
                "password_expired",
                CheckOutcome::Skip,
                format!("could not read the password status: {why}"),
                None,
            ),
        });
    }

    fn finish_diagnose(&mut self) {
        let failed = |name: &str| {
            self.checks
                .iter()
                .any(|c| c.name == name && c.outcome == CheckOutcome::Fail)
        };
        let code = if failed("user_active") {
            Some("USER_INACTIVE")
        } else if failed("api_enabled") {
            Some("API_NOT_ENABLED")
        } else if failed("password_expired") {
            Some("PASSWORD_EXPIRED")
        } else {
            None
        };
        if let Some(code) = code {
            return self.decide_local(Phase::Diagnose, code, "");
        }
        let count = |o: CheckOutcome| self.checks.iter().filter(|c| c.outcome == o).count();
        let message = format!(
            "Diagnose finished: {} pass, {} warn, {} skip",
            count(CheckOutcome::Pass),
            count(CheckOutcome::Warn),
            count(CheckOutcome::Skip)
        );
        self.decide_ok(&message);
    }
}

/// A string at a path of object keys.
fn str_at(value: &Value, path: &[&str]) -> Option<String> {
    let mut v = value;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str().map(str::to_owned)
}
