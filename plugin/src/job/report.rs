//! The job's answer: the JobResult, Secret Server's closing log line, and a final scrub that
//! removes any secret of the request (or session id seen) from every text field.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::Machine;
use crate::outcome::Outcome;
use crate::request::{LoginMethod, Request, DEFAULT_API_VERSION};
use crate::result::{JobResult, Operation, Status};
use crate::secret::Credentials;

/// Secret Server's default site name.
const DEFAULT_SITE: &str = "Local";

impl Machine {
    pub(super) fn build_result(&mut self, outcome: Outcome) -> JobResult {
        let req = &self.req;
        let id = req
            .secret
            .id
            .map_or_else(|| "unknown".to_owned(), |id| id.to_string());
        let line = format!(
            "Secret '{}' (Id = {id}) on Site '{}' returned ({}).",
            req.secret.name.as_deref().unwrap_or_default(),
            req.site_name.as_deref().unwrap_or(DEFAULT_SITE),
            outcome.status.as_str()
        );
        self.log.push(line);
        let secrets = self.secrets();
        let scrub = |text: String| scrub_all(text, &secrets);
        let rejected = outcome.status == Status::PasswordRejected;
        JobResult {
            operation: req.operation,
            secret_id: req.secret.id,
            secret_name: req.secret.name.clone(),
            site: req.site_name.clone(),
            status: outcome.status,
            code: outcome.code,
            message: scrub(outcome.message),
            remediation: outcome.remediation.map(scrub),
            active_password: self.active,
            retryable: outcome.retryable,
            retry_with_new_password: rejected.then_some(true),
            failed_logins: self.failed_logins,
            change_sent: !matches!(self.fate, super::Fate::NotSent),
            refused_credentials: std::mem::take(&mut self.refused),
            checks: std::mem::take(&mut self.checks)
                .into_iter()
                .map(|mut c| {
                    c.detail = scrub(c.detail);
                    c.remediation = c.remediation.map(scrub);
                    c
                })
                .collect(),
            log: std::mem::take(&mut self.log)
                .into_iter()
                .map(scrub)
                .collect(),
        }
    }

    /// `text` without any secret this job knows.
    pub(super) fn scrub(&self, text: String) -> String {
        scrub_all(text, &self.secrets())
    }

    /// Every secret string the job knows, longest first.
    fn secrets(&self) -> Vec<SecretString> {
        let req = &self.req;
        let mut all: Vec<SecretString> = Vec::new();
        let mut add = |s: &Option<SecretString>| {
            if let Some(s) = s {
                all.push(s.clone());
            }
        };
        let add_creds = |c: &Credentials, add: &mut dyn FnMut(&Option<SecretString>)| {
            add(&c.password);
            add(&c.security_token);
            add(&c.client_id);
            add(&c.client_secret);
        };
        add_creds(&req.secret, &mut add);
        if let Some(p) = &req.privileged {
            add_creds(p, &mut add);
        }
        add(&req.new_password);
        add(&req.pending_password);
        all.extend(self.seen_session_ids.iter().cloned());
        all.sort_by_key(|s| std::cmp::Reverse(s.expose_secret().len()));
        all
    }
}

/// Replaces every occurrence of a secret (4 characters or more) with `[REDACTED]`.
fn scrub_all(text: String, secrets: &[SecretString]) -> String {
    let mut text = text;
    for s in secrets {
        let s = s.expose_secret();
        if s.chars().count() >= 4 && text.contains(s) {
            text = text.replace(s, "[REDACTED]");
        }
    }
    text
}

/// A machine for a request that did not parse, with what can be read of it for the result
/// (operation, secret id and name, site name); never any secret.
pub(super) fn placeholder_machine(json: &str) -> Machine {
    let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let operation = match value.get("operation").and_then(Value::as_str) {
        Some("change") => Operation::Change,
        Some("diagnose") => Operation::Diagnose,
        _ => Operation::Heartbeat,
    };
    let secret = value.get("secret");
    let req = Request {
        operation,
        secret: Credentials {
            id: secret.and_then(|s| s.get("id")).and_then(Value::as_i64),
            name: text(secret.and_then(|s| s.get("name"))),
            ..Credentials::default()
        },
        new_password: None,
        pending_password: None,
        privileged: None,
        site_name: text(value.get("site").and_then(|s| s.get("name"))),
        egress_ips: None,
        trusted_ip_ranges: None,
        login_ip_ranges: None,
        password_policy: None,
        login_method: LoginMethod::Soap,
        api_version: DEFAULT_API_VERSION.to_owned(),
        accept_token_reset: false,
        forbidden: Vec::new(),
    };
    let mut m = Machine::new(req);
    // A pending password that was not settled stays unsettled, even when the request is bad.
    let pending = value.get("pending_password").and_then(Value::as_str);
    if pending.is_some_and(|p| !p.is_empty()) {
        m.active = crate::result::ActivePassword::Unknown;
    }
    m
}
