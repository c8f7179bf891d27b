//! The decisions after each answer: logins (with pending reconciliation), the change, the
//! privileged lookup, verification, and settling a change of unknown fate (SPEC 2.2, 2.3, 6).

use secrecy::ExposeSecret;

use super::login::{self, Failure, Who};
use super::{Fate, Machine, Purpose, Reply, Step};
use crate::codec::{soap, soql};
use crate::outcome::{Outcome, Phase};
use crate::preflight::Trust;
use crate::request::LoginMethod;
use crate::result::{ActivePassword, Check, CheckOutcome, CredentialRole, Operation, Status};

impl Machine {
    /// Sends a login with `who`'s password (+ token when the plan appends it).
    pub(super) fn send_login(&mut self, who: Who, purpose: Purpose) {
        let built = {
            let creds = match who {
                Who::Privileged => self.req.privileged.as_ref(),
                _ => Some(&self.req.secret),
            };
            let login_url = match who {
                Who::Privileged => self.plan.privileged_login_url.as_deref(),
                _ => Some(self.plan.login_url.as_str()),
            };
            let password = match who {
                Who::Current => self.req.secret.password.as_ref(),
                Who::Pending => self.req.pending_password.as_ref(),
                Who::New => self.req.new_password.as_ref(),
                Who::Privileged => creds.and_then(|c| c.password.as_ref()),
            };
            match (creds, login_url, password) {
                (Some(creds), Some(login_url), Some(password)) => {
                    let token = if self.plan.appends_token(creds) {
                        creds.security_token.as_ref()
                    } else {
                        None
                    };
                    let combined = login::password_and_token(password, token);
                    let username = creds.username.as_deref().unwrap_or_default();
                    let client = creds.client_id.as_ref().zip(creds.client_secret.as_ref());
                    let (url, headers, body) = login::request(
                        self.req.login_method,
                        login_url,
                        &self.req.api_version,
                        username,
                        &combined,
                        client,
                    );
                    let how = match self.req.login_method {
                        LoginMethod::Soap => format!("SOAP login(), API {}", self.req.api_version),
                        LoginMethod::OauthPassword => "OAuth username-password flow".to_owned(),
                    };
                    let plus_token = if token.is_some() {
                        " + security token"
                    } else {
                        ""
                    };
                    let line = format!(
                        "Logging in to {login_url} as {username} with {}{plus_token} ({how})",
                        who.words()
                    );
                    Some((url, headers, body, line))
                }
                _ => None,
            }
        };
        match built {
            Some((url, headers, body, line)) => {
                self.log.push(line);
                self.send("POST", url, headers, body, Step::Login(who, purpose));
            }
            None => self.decide_local(Phase::Login, "UNKNOWN", "internal error: no credential"),
        }
    }

    pub(super) fn on_login(&mut self, who: Who, purpose: Purpose, reply: Reply) {
        let parsed = match reply {
            Reply::Http(resp) => login::parse(self.req.login_method, &self.req.api_version, &resp),
            Reply::Transport(t) => Err(Failure::Transport(t)),
        };
        match parsed {
            Ok(session) => {
                self.seen_session_ids.push(session.id.clone());
                let expired = session.password_expired;
                let user_id = session.user_id.clone();
                self.log.push(match &user_id {
                    Some(id) => format!("Logged in (user {id})"),
                    None => "Logged in".to_owned(),
                });
                self.sessions.push(session);
                match purpose {
                    Purpose::Open => self.on_opened(who, expired, user_id),
                    Purpose::Verify => self.on_verified(expired),
                    Purpose::Recheck => self.on_rechecked(None),
                }
            }
            Err(failure) => {
                if failure.fault().is_some() {
                    self.failed_logins += 1;
                }
                let phase = if purpose == Purpose::Verify {
                    Phase::Verify
                } else {
                    Phase::Login
                };
                let outcome = self.outcome_of(phase, &failure);
                self.log.push(outcome.message.clone());
                match purpose {
                    Purpose::Open => self.on_open_failed(who, &failure, outcome),
                    Purpose::Verify => self.on_verify_failed(&failure, outcome),
                    Purpose::Recheck => self.on_rechecked(Some((&failure, outcome))),
                }
            }
        }
    }

    /// Records that Salesforce refused `who`'s credential, with that refusal's status and code.
    fn refuse(&mut self, who: Who, outcome: &Outcome) {
        if let Some(role) = who.role() {
            self.refused.push(crate::result::RefusedCredential {
                role,
                status: outcome.status,
                code: outcome.code.clone(),
            });
        }
    }

    fn on_open_failed(&mut self, who: Who, failure: &Failure, outcome: Outcome) {
        if let Failure::Insecure = failure {
            // An answer with a non-https serverUrl proves nothing (a proxy may be rewriting
            // Salesforce's answers), as when verifying: a pending password stays unsettled.
            // A login with the stored password changes nothing, so that one stays in effect —
            // unless a pending password is in play: then nothing here settles which one is.
            if who == Who::Current && self.req.pending_password.is_none() {
                self.active = ActivePassword::Current;
            }
            return self.decide(outcome);
        }
        if who == Who::Pending
            && failure.is_password_refusal()
            && self.req.may_log_in(CredentialRole::Current)
        {
            self.refuse(who, &outcome);
            self.log
                .push("The pending password was refused; trying the stored password".to_owned());
            return self.send_login(Who::Current, Purpose::Open);
        }
        let credential_refusal = matches!(
            outcome.status,
            Status::LoginFailed | Status::AccountLockedOut | Status::AccessDenied
        );
        if failure.fault().is_some() && credential_refusal {
            self.refuse(who, &outcome);
        }
        // `active` keeps its start value: current, or unknown while a pending one is unsettled.
        self.decide(outcome);
    }

    fn on_opened(&mut self, who: Who, expired: bool, user_id: Option<String>) {
        if who == Who::Privileged {
            return self.send_lookup();
        }
        self.base = Some(who);
        self.active = who.active();
        if who == Who::Pending {
            self.log
                .push("The pending password is in effect".to_owned());
        }
        match self.req.operation {
            Operation::Heartbeat if expired => {
                self.decide_local(Phase::Login, "PASSWORD_EXPIRED", "")
            }
            // The token answer has no passwordExpired flag: read the password status.
            Operation::Heartbeat if self.req.login_method == LoginMethod::OauthPassword => {
                self.send_expiry_check(user_id)
            }
            Operation::Heartbeat => self.heartbeat_ok(""),
            Operation::Diagnose => self.start_diagnose(expired, user_id),
            Operation::Change => self.send_self_change(expired, user_id),
        }
    }

    fn username(&self) -> String {
        self.req.secret.username.clone().unwrap_or_default()
    }

    pub(super) fn decide_ok(&mut self, message: &str) {
        self.decide_local(Phase::Logout, "OK", message);
    }

    /// changeOwnPassword(old, new), or setPassword(userId, new) when the password has expired.
    fn send_self_change(&mut self, expired: bool, user_id: Option<String>) {
        let built = match (self.sessions.last(), self.req.new_password.as_ref()) {
            (Some(session), Some(new)) => {
                let sid = session.id.expose_secret();
                if expired {
                    user_id.map(|uid| {
                        let body = soap::set_password_envelope(sid, &uid, new.expose_secret());
                        (session.soap_url.clone(), body, true)
                    })
                } else {
                    let old = match self.base {
                        Some(Who::Pending) => self.req.pending_password.as_ref(),
                        _ => self.req.secret.password.as_ref(),
                    };
                    old.map(|old| {
                        let body = soap::change_own_password_envelope(
                            sid,
                            old.expose_secret(),
                            new.expose_secret(),
                        );
                        (session.soap_url.clone(), body, false)
                    })
                }
            }
            _ => None,
        };
        let Some((url, body, set_password)) = built else {
            return self.decide_local(
                Phase::Change,
                "UNKNOWN",
                "internal error: no session or user id",
            );
        };
        self.log.push(if set_password {
            "The password has expired: setting the new password with setPassword()".to_owned()
        } else {
            "Changing the password with changeOwnPassword()".to_owned()
        });
        self.send(
            "POST",
            url,
            soap::headers(),
            body,
            Step::Change { set_password },
        );
    }

    /// Privileged mode: find the target's user id by username.
    fn send_lookup(&mut self) {
        let username = self.username();
        let soql = format!(
            "SELECT Id FROM User WHERE Username = {}",
            soql::quote(&username)
        );
        let Some(session) = self.sessions.last() else {
            return self.decide_local(Phase::Lookup, "UNKNOWN", "internal error: no session");
        };
        let body = soap::query_envelope(session.id.expose_secret(), &soql);
        let url = session.soap_url.clone();
        self.log.push(format!(
            "Looking up the user {username} as the privileged account"
        ));
        self.send("POST", url, soap::headers(), body, Step::Lookup);
    }

    pub(super) fn on_lookup(&mut self, reply: Reply) {
        let parsed = match reply {
            Reply::Http(resp) => soap::parse_query(&resp).map_err(Failure::Wire),
            Reply::Transport(t) => Err(Failure::Transport(t)),
        };
        let records = match parsed {
            Ok(records) => records,
            Err(failure) => {
                let outcome = self.outcome_of(Phase::Lookup, &failure);
                self.log.push(outcome.message.clone());
                return self.decide(outcome);
            }
        };
        let id = records.first().and_then(|r| r.get("Id")).cloned().flatten();
        let (Some(id), 1) = (id, records.len()) else {
            return self.decide_local(Phase::Lookup, "TARGET_USER_NOT_FOUND", "");
        };
        let built = match (self.sessions.last(), self.req.new_password.as_ref()) {
            (Some(session), Some(new)) => Some((
                session.soap_url.clone(),
                soap::set_password_envelope(session.id.expose_secret(), &id, new.expose_secret()),
            )),
            _ => None,
        };
        let Some((url, body)) = built else {
            return self.decide_local(Phase::Change, "UNKNOWN", "internal error: no session");
        };
        self.log.push(format!(
            "Setting the password of {} (user {id}) with setPassword()",
            self.username()
        ));
        self.target_user_id = Some(id);
        self.send(
            "POST",
            url,
            soap::headers(),
            body,
            Step::Change { set_password: true },
        );
    }

    pub(super) fn on_change(&mut self, set_password: bool, reply: Reply) {
        let operation = if set_password {
            "setPassword"
        } else {
            "changeOwnPassword"
        };
        let parsed = match reply {
            Reply::Http(resp) => soap::parse_ack(&resp, operation).map_err(Failure::Wire),
            Reply::Transport(t) => Err(Failure::Transport(t)),
        };
        match parsed {
            Ok(()) => {
                self.fate = Fate::Acked;
                self.active = ActivePassword::New;
                self.log.push("Password changed".to_owned());
                self.after_ack();
            }
            Err(failure) => {
                let outcome = self.outcome_of(Phase::Change, &failure);
                self.log.push(outcome.message.clone());
                let expired = failure.is_expired_password();
                if expired && !set_password {
                    // The login did not say so (OAuth never does), but the password has
                    // expired: the only call Salesforce allows is setPassword (SPEC 2.2).
                    let user_id = self.sessions.last().and_then(|s| s.user_id.clone());
                    if user_id.is_some() {
                        return self.send_self_change(true, user_id);
                    }
                }
                if failure.fault().is_some() || !failure.maybe_sent() {
                    // Salesforce refused it, or it never left: nothing changed.
                    return self.decide(outcome);
                }
                self.log.push(
                    "The change may have been applied; settling which password is in effect"
                        .to_owned(),
                );
                self.fate = Fate::Unknown(outcome);
                self.settle_unknown();
            }
        }
    }

    /// After Salesforce acknowledged the change: verify by logging in with the new password.
    fn after_ack(&mut self) {
        let token = self.plan.appends_token(&self.req.secret);
        if token && matches!(self.plan.trust, Trust::Outside(_)) {
            return self.decide_local(
                Phase::Verify,
                "SECURITY_TOKEN_RESET",
                "(verification skipped: from this egress IP every login needs the new token)",
            );
        }
        if self.failed_logins > 0 {
            return self.decide_local(
                Phase::Verify,
                "CHANGE_UNVERIFIED",
                "verification skipped because this job already had a refused login (at most \
                 one per job)",
            );
        }
        self.send_login(Who::New, Purpose::Verify);
    }

    fn on_verified(&mut self, expired: bool) {
        self.active = ActivePassword::New;
        if expired {
            // The new password is in effect, but Salesforce wants it changed before the
            // integration can use it: say so, the change itself stands.
            self.log.push(
                "The verification login says the new password has expired (passwordExpired=true)"
                    .to_owned(),
            );
            self.checks.push(Check {
                name: "new_password_expired".to_owned(),
                outcome: CheckOutcome::Warn,
                detail: "the new password logs in but Salesforce marks it expired: API calls \
                         other than setPassword() fail until it is changed"
                    .to_owned(),
                remediation: Some(
                    "run another change (expired passwords are changed with setPassword()); \
                     check the profile's password policy (Setup > Users > Profiles > <profile> \
                     > Password Policies) and Setup > Security > Password Policies: User \
                     passwords expire in"
                        .to_owned(),
                ),
            });
        }
        let how = if self.target_user_id.is_some() {
            "Password changed with the privileged account and verified"
        } else {
            "Password changed and verified"
        };
        let message = match &self.fate {
            Fate::Unknown(lost) => format!(
                "{how} (the answer to the change request was lost: {})",
                lost.message
            ),
            _ => how.to_owned(),
        };
        let message = if expired {
            format!("{message}; Salesforce marks the new password expired")
        } else {
            message
        };
        self.decide_ok(&message);
    }

    fn on_verify_failed(&mut self, failure: &Failure, outcome: Outcome) {
        let token = self.plan.appends_token(&self.req.secret);
        if let Failure::Insecure = failure {
            // An answer with a non-https serverUrl proves nothing (a proxy may be rewriting
            // Salesforce's answers): the change stands when Salesforce acknowledged it, and
            // stays unsettled when its fate is unknown. The egress problem goes to the message.
            return match self.fate.clone() {
                Fate::Unknown(change) => self.decide_unknown_because(change, &outcome.message),
                _ => self.decide_local(Phase::Verify, "CHANGE_UNVERIFIED", &outcome.message),
            };
        }
        match self.fate.clone() {
            Fate::Unknown(change) => {
                // "New password refused" settles "not applied" only in self mode, where this
                // job just logged in as the user. A privileged change's target may be locked
                // out or inactive, which Salesforce also answers with INVALID_LOGIN.
                let privileged = self.target_user_id.is_some();
                if failure.is_password_refusal() && !token && !privileged {
                    self.log.push(
                        "The new password was refused: the change did not take effect".to_owned(),
                    );
                    self.active = self.active_before_change();
                    self.decide(change);
                } else {
                    if privileged && failure.is_password_refusal() {
                        self.log.push(
                            "The target user's login with the new password was refused, which \
                             does not settle the change (the user may be locked out or inactive)"
                                .to_owned(),
                        );
                    }
                    self.decide_unknown(change);
                }
            }
            _ if token && failure.is_token_refusal() => self.decide_local(
                Phase::Verify,
                "SECURITY_TOKEN_RESET",
                "(the verification login with the old token was refused)",
            ),
            _ => self.decide_local(Phase::Verify, "CHANGE_UNVERIFIED", &outcome.message),
        }
    }

    /// The change's fate is unknown: settle it with one login, if the budget allows.
    fn settle_unknown(&mut self) {
        let Fate::Unknown(change) = self.fate.clone() else {
            return self.decide_local(Phase::Change, "UNKNOWN", "internal error: fate");
        };
        if self.failed_logins > 0 {
            self.log.push(
                "Not verifying: this job already had a refused login (at most one per job)"
                    .to_owned(),
            );
            return self.decide_unknown(change);
        }
        let token = self.plan.appends_token(&self.req.secret);
        match self.base {
            // The old token dies with the change, so "new + old token refused" would settle
            // nothing; "old password still works" does.
            Some(base) if token => self.send_login(base, Purpose::Recheck),
            _ => self.send_login(Who::New, Purpose::Verify),
        }
    }

    fn on_rechecked(&mut self, failed: Option<(&Failure, Outcome)>) {
        let Fate::Unknown(change) = self.fate.clone() else {
            return self.decide_local(Phase::Change, "UNKNOWN", "internal error: fate");
        };
        match failed {
            None => {
                self.log.push(
                    "The old password still logs in: the change did not take effect".to_owned(),
                );
                self.active = self.active_before_change();
                self.decide(change)
            }
            // A non-https serverUrl makes the answer worthless as proof either way.
            Some((Failure::Insecure, egress)) => {
                self.decide_unknown_because(change, &egress.message)
            }
            Some(_) => self.decide_unknown(change),
        }
    }

    /// What was in effect before the change was sent.
    fn active_before_change(&self) -> ActivePassword {
        match self.base {
            Some(who) => who.active(),
            None if self.req.pending_password.is_some() => ActivePassword::Unknown,
            None => ActivePassword::Current,
        }
    }

    /// Like [`Machine::decide_unknown`], naming why the settling login proved nothing.
    fn decide_unknown_because(&mut self, change: Outcome, why: &str) {
        let mut change = change;
        change.message = format!("{} ({why})", change.message);
        self.decide_unknown(change);
    }

    /// Ends with `active_password: unknown` after a change of unknown fate.
    fn decide_unknown(&mut self, change: Outcome) {
        self.active = ActivePassword::Unknown;
        let mut outcome = change;
        outcome.message = format!(
            "{}; the change may have been applied, so which password is in effect is unknown",
            outcome.message
        );
        outcome.remediation = Some(
            "keep both passwords: send the new one as pending_password with the next request \
             (a heartbeat settles which one works)"
                .to_owned(),
        );
        outcome.retryable = true;
        self.decide(outcome);
    }
}
