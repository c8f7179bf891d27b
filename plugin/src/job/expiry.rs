//! A heartbeat after an OAuth login: the token answer has no passwordExpired flag, so the job
//! reads the password status (`GET …/sobjects/User/{id}/password`) before logging out, and
//! answers an expired password like SOAP's `passwordExpired=true` (SPEC 4: `LoginFailed` /
//! `PASSWORD_EXPIRED`). When the status cannot be read, the heartbeat still stands (the login
//! worked) with a `warn` check, except an egress denial, which ends the job (SPEC 6).

use secrecy::ExposeSecret;

use super::login::Failure;
use super::{Machine, Reply, Step};
use crate::api::TransportErrorKind;
use crate::codec::rest;
use crate::outcome::{Phase, RUN_A_CHANGE};
use crate::result::{Check, CheckOutcome};

/// The check's name in the result.
const CHECK: &str = "password_expiry";

impl Machine {
    /// Reads the password status of the user the token belongs to.
    pub(super) fn send_expiry_check(&mut self, user_id: Option<String>) {
        let built = match (self.sessions.last(), user_id) {
            (Some(session), Some(uid)) => Some((
                rest::password_url(&session.instance, &self.req.api_version, &uid),
                rest::headers(session.id.expose_secret()),
            )),
            _ => None,
        };
        let Some((url, headers)) = built else {
            return self.heartbeat_ok_unread(
                "the OAuth token answer did not name the user (no identity URL)".to_owned(),
            );
        };
        self.log.push(
            "Reading the password status (the OAuth token answer does not say whether the \
             password has expired)"
                .to_owned(),
        );
        self.send("GET", url, headers, String::new(), Step::PasswordStatus);
    }

    pub(super) fn on_expiry_check(&mut self, reply: Reply) {
        let got = match reply {
            Reply::Http(resp) => rest::parse_password_status(&resp).map_err(Failure::Wire),
            Reply::Transport(t) => Err(Failure::Transport(t)),
        };
        match got {
            Ok(true) => self.heartbeat_expired("the password status says isExpired: true"),
            Ok(false) => {
                self.checks.push(Check {
                    name: CHECK.to_owned(),
                    outcome: CheckOutcome::Pass,
                    detail: "the password has not expired (password status isExpired: false)"
                        .to_owned(),
                    remediation: None,
                });
                self.heartbeat_ok("");
            }
            Err(f) if f.is_expired_password() => self.heartbeat_expired(
                "Salesforce refused the password status read with \
                     INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            ),
            Err(f) => {
                let outcome = self.outcome_of(Phase::PasswordStatus, &f);
                let denied =
                    matches!(&f, Failure::Transport(t) if t.kind == TransportErrorKind::Denied);
                if denied {
                    // The instance_url is outside the allowlist: every later call (the logout
                    // included) would be refused the same way, so the job ends EGRESS_DENIED.
                    self.checks.push(Check {
                        name: CHECK.to_owned(),
                        outcome: CheckOutcome::Fail,
                        detail: outcome.message.clone(),
                        remediation: outcome.remediation.clone(),
                    });
                    self.log.push(outcome.message.clone());
                    return self.decide(outcome);
                }
                self.log.push(format!(
                    "{} (the heartbeat stands: the login worked)",
                    outcome.message
                ));
                self.heartbeat_ok_unread(outcome.message);
            }
        }
    }

    /// The password has expired: the same outcome as SOAP's `passwordExpired=true`.
    fn heartbeat_expired(&mut self, why: &str) {
        self.log.push(format!("The password has expired: {why}"));
        self.checks.push(Check {
            name: CHECK.to_owned(),
            outcome: CheckOutcome::Fail,
            detail: format!("the password has expired ({why}): only setPassword() is allowed"),
            remediation: Some(RUN_A_CHANGE.to_owned()),
        });
        self.decide_local(Phase::Login, "PASSWORD_EXPIRED", "");
    }

    /// The login worked but whether the password has expired is unknown: Success with a warn.
    fn heartbeat_ok_unread(&mut self, why: String) {
        self.checks.push(Check {
            name: CHECK.to_owned(),
            outcome: CheckOutcome::Warn,
            detail: format!("the password expiry could not be read: {why}"),
            remediation: Some(
                "the OAuth token answer never says whether the password has expired: run a \
                 diagnose to read it; a change handles an expired password with setPassword()"
                    .to_owned(),
            ),
        });
        self.heartbeat_ok(" (the password expiry could not be read)");
    }

    /// Heartbeat's success, with `suffix` appended to the message.
    pub(super) fn heartbeat_ok(&mut self, suffix: &str) {
        let msg = format!(
            "Heartbeat succeeded: {} logs in{suffix}",
            self.req.secret.username.as_deref().unwrap_or_default()
        );
        self.decide_ok(&msg);
    }
}
