//! One job, start to finish: write the CLI's operation into the request, generate a new
//! password when `change` has none, answer QUARANTINED for a refused credential without
//! contacting Salesforce, drive the plugin's sans-IO loop over the transport, and record a
//! newly refused credential.

use std::time::SystemTime;

use serde_json::{Map, Value};
use sfrpc_plugin::{
    ActivePassword, Check, CheckOutcome, Complexity, CredentialRole, Job, JobResult, Operation,
    Output, PasswordPolicy, Request, Status,
};
use zeroize::Zeroizing;

use crate::generate;
use crate::quarantine::{self, Store};
use crate::transport::Transport;

/// A job that never finishes within this many requests is stopped (a plugin bug).
const MAX_REQUESTS: usize = 64;

/// What a job run needs from the process.
#[derive(Debug)]
pub struct Host {
    /// The HTTPS transport (with the allowlist).
    pub transport: Transport,
    /// The quarantine store.
    pub quarantine: Store,
}

/// A finished job: the plugin's result, plus the password this host generated, if any.
pub struct Finished {
    /// The result.
    pub result: JobResult,
    /// The generated new password (returned to the vault only when it may be in effect).
    pub generated: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Finished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Finished")
            .field("result", &self.result)
            .field("generated", &self.generated.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

impl Finished {
    /// The exit code: 20 when the active password is unknown, else the status's.
    pub fn exit_code(&self) -> i32 {
        exit_code(&self.result)
    }

    /// The result JSON; carries `new_password` only when this host generated it and it is (or
    /// may be) in effect: a change request with it may have been sent, and the active password
    /// is new or unknown.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(&self.result).unwrap_or(Value::Null);
        let in_effect = self.result.change_sent
            && matches!(
                self.result.active_password,
                ActivePassword::New | ActivePassword::Unknown
            );
        if let (Some(pw), true, Some(obj)) = (&self.generated, in_effect, v.as_object_mut()) {
            obj.insert("new_password".to_owned(), Value::String(pw.to_string()));
        }
        v
    }
}

/// The exit code for a result (SPEC 5).
pub fn exit_code(result: &JobResult) -> i32 {
    if result.active_password == ActivePassword::Unknown {
        20
    } else {
        result.status.exit_code()
    }
}

/// Milliseconds since the Unix epoch, the plugin's clock.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn op_name(op: Operation) -> &'static str {
    match op {
        Operation::Heartbeat => "heartbeat",
        Operation::Change => "change",
        Operation::Diagnose => "diagnose",
    }
}

/// What identifies a result when the host answers by itself.
struct Meta {
    operation: Operation,
    secret_id: Option<i64>,
    secret_name: Option<String>,
    site: Option<String>,
    /// The request carries a pending password: without a login nobody can tell whether it is
    /// in effect, so a result the host makes itself says `unknown`.
    pending: bool,
}

impl Meta {
    fn from_value(v: &Value, operation: Operation) -> Meta {
        let secret = &v["secret"];
        Meta {
            operation,
            secret_id: secret["id"].as_i64(),
            secret_name: secret["name"].as_str().map(str::to_owned),
            site: v["site"]["name"].as_str().map(str::to_owned),
            pending: v["pending_password"]
                .as_str()
                .is_some_and(|p| !p.is_empty()),
        }
    }

    fn from_request(r: &Request) -> Meta {
        Meta {
            operation: r.operation(),
            secret_id: r.secret_id(),
            secret_name: r.secret_name().map(str::to_owned),
            site: r.site_name().map(str::to_owned),
            pending: r.credential_material(CredentialRole::Pending).is_some(),
        }
    }

    /// A result the host decides itself (bad operation, quarantine, generator failure).
    fn result(
        self,
        status: Status,
        code: &str,
        message: String,
        remediation: Option<String>,
    ) -> JobResult {
        let id = self
            .secret_id
            .map_or_else(|| "unknown".to_owned(), |i| i.to_string());
        let line = format!(
            "Secret '{}' (Id = {id}) on Site '{}' returned ({}).",
            self.secret_name.as_deref().unwrap_or_default(),
            self.site.as_deref().unwrap_or("Local"),
            status.as_str()
        );
        JobResult {
            operation: self.operation,
            secret_id: self.secret_id,
            secret_name: self.secret_name,
            site: self.site,
            status,
            code: code.to_owned(),
            message: message.clone(),
            remediation,
            active_password: if self.pending {
                ActivePassword::Unknown
            } else {
                ActivePassword::Current
            },
            retryable: false,
            retry_with_new_password: None,
            failed_logins: 0,
            change_sent: false,
            refused_credentials: Vec::new(),
            checks: Vec::new(),
            log: vec![message, line],
        }
    }
}

/// A request ready to run: the text after the host's edits (the command's operation written
/// in, a new password generated). Holds secrets: zeroized on drop, never in Debug.
pub struct Prepared {
    json: Zeroizing<String>,
    generated: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prepared([REDACTED])")
    }
}

fn declared_policy(request: &Map<String, Value>) -> Option<PasswordPolicy> {
    let p = request.get("org")?.get("password_policy")?;
    let defaults = PasswordPolicy::default();
    let min_length = match p.get("min_length") {
        None | Some(Value::Null) => defaults.min_length,
        Some(n) => usize::try_from(n.as_u64()?).ok()?,
    };
    let complexity = match p.get("complexity") {
        None | Some(Value::Null) => defaults.complexity,
        Some(c) => Complexity::from_name(c.as_str()?)?,
    };
    Some(PasswordPolicy {
        min_length,
        complexity,
    })
}

/// Writes `command` into the request and generates `new_password` when `change` lacks one.
/// Text that is not a JSON object passes through: the plugin answers ArgumentError. An `Err`
/// is the host's own answer (a conflicting operation, no password could be generated).
pub fn prepare(text: &str, command: Option<Operation>) -> Result<Prepared, Box<JobResult>> {
    let passthrough = || Prepared {
        json: Zeroizing::new(text.to_owned()),
        generated: None,
    };
    let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(text) else {
        return Ok(passthrough());
    };
    if let Some(op) = command {
        match obj.get("operation") {
            None | Some(Value::Null) => {
                obj.insert(
                    "operation".to_owned(),
                    Value::String(op_name(op).to_owned()),
                );
            }
            Some(Value::String(s)) if s == op_name(op) => {}
            Some(other) => {
                let said = other.as_str().unwrap_or("a non-string value").to_owned();
                let meta = Meta::from_value(&Value::Object(obj.clone()), op);
                return Err(Box::new(
                    meta.result(
                        Status::ArgumentError,
                        "INVALID_REQUEST",
                        format!(
                            "operation: the request says \"{said}\" but the command is \"{}\"",
                            op_name(op)
                        ),
                        Some(
                            "remove \"operation\" from the request or run the matching command"
                                .to_owned(),
                        ),
                    ),
                ));
            }
        }
    }
    let is_change = obj.get("operation").and_then(Value::as_str) == Some("change");
    let has_new = !matches!(obj.get("new_password"), None | Some(Value::Null));
    let mut generated = None;
    if is_change && !has_new {
        match generate::generate(declared_policy(&obj).as_ref()) {
            Ok(pw) => {
                obj.insert("new_password".to_owned(), Value::String(pw.to_string()));
                generated = Some(pw);
            }
            Err(e) => {
                let meta = Meta::from_value(&Value::Object(obj), Operation::Change);
                let status = match e {
                    generate::GenerateError::Rng => Status::UnknownError,
                    _ => Status::ArgumentError,
                };
                let remediation = match e {
                    generate::GenerateError::TooLong(_) => {
                        "declare a min_length of at most 256, or pass new_password"
                    }
                    _ => "pass new_password in the request, or retry",
                };
                return Err(Box::new(meta.result(
                    status,
                    "NEW_PASSWORD_GENERATION",
                    format!("cannot generate a new password: {e}"),
                    Some(remediation.to_owned()),
                )));
            }
        }
    }
    let json =
        serde_json::to_string(&Value::Object(obj)).map_err(|_| Box::new(unreachable_result()))?;
    Ok(Prepared {
        json: Zeroizing::new(json),
        generated,
    })
}

fn unreachable_result() -> JobResult {
    Meta::from_value(&Value::Object(Map::new()), Operation::Heartbeat).result(
        Status::UnknownError,
        "INVALID_REQUEST",
        "the request could not be re-encoded".to_owned(),
        None,
    )
}

/// The credentials the job may log in with, in the plugin's order (SPEC 2.2/2.3), with the
/// bytes the quarantine's keyed hash is made from.
fn login_credentials(request: &Request) -> Vec<(CredentialRole, Zeroizing<Vec<u8>>)> {
    request
        .login_roles()
        .into_iter()
        .filter_map(|role| request.credential_material(role).map(|m| (role, m)))
        .collect()
}

/// The quarantine entries that match a credential the job may log in with, in login order. A
/// refused credential never costs another failed login: the job is told not to use it, and is
/// not run at all when every credential it could use is quarantined.
fn find_quarantined(
    store: &Store,
    request: &Request,
) -> Result<Vec<(CredentialRole, quarantine::Entry)>, quarantine::QuarantineError> {
    let mut found = Vec::new();
    for (role, material) in login_credentials(request) {
        let fingerprint = store.fingerprint(&material);
        // The role is this request's: a refused pending password may come back as the stored
        // one once the vault promotes it.
        found.extend(
            store
                .find(request.secret_id(), &fingerprint)?
                .map(|e| (role, e)),
        );
    }
    Ok(found)
}

fn quarantined(request: &Request, entry: &quarantine::Entry) -> JobResult {
    let role = match entry.role {
        CredentialRole::Current => "stored password",
        CredentialRole::Pending => "pending password",
        CredentialRole::Privileged => "privileged account",
    };
    let when = quarantine::rfc3339(entry.recorded_at);
    let message = format!(
        "Login not attempted: the {role} was refused by Salesforce ({}) at {when} and is quarantined",
        entry.code
    );
    let id = request
        .secret_id()
        .map_or_else(|| "<id>".to_owned(), |i| i.to_string());
    let remediation = format!(
        "fix the cause of {} (or store the right credential in the vault; a changed credential \
         is no longer quarantined), then run `sfrpc quarantine clear {id}`",
        entry.code
    );
    // With a pending password the result says `unknown` (see `Meta::pending`).
    let mut r =
        Meta::from_request(request).result(entry.status, "QUARANTINED", message, Some(remediation));
    r.checks.push(Check {
        name: "quarantine".to_owned(),
        outcome: CheckOutcome::Fail,
        detail: format!("{role} quarantined after {} at {when}", entry.code),
        remediation: None,
    });
    r
}

/// Drives the plugin's loop until `Done`.
pub async fn drive(mut job: Job, transport: &Transport) -> Option<JobResult> {
    for _ in 0..MAX_REQUESTS {
        match job.poll(now_ms()) {
            Output::Done(result) => return Some(result),
            Output::Send(request) => match transport.send(&request).await {
                Ok(response) => job.handle_response(request.id, response, now_ms()),
                Err(error) => job.handle_transport_error(request.id, error, now_ms()),
            },
            Output::Wait => return None,
        }
    }
    match job.poll(now_ms()) {
        Output::Done(result) => Some(result),
        _ => None,
    }
}

/// Runs one request. `command` is the CLI subcommand (None in batch: the request says).
pub async fn run(host: &Host, text: &str, command: Option<Operation>) -> Finished {
    match prepare(text, command) {
        Ok(prepared) => run_prepared(host, &prepared, command).await,
        Err(result) => Finished {
            result: *result,
            generated: None,
        },
    }
}

/// Runs a prepared request (see [`prepare`]).
pub async fn run_prepared(
    host: &Host,
    prepared: &Prepared,
    command: Option<Operation>,
) -> Finished {
    let generated = prepared.generated.clone();
    let request = match Request::from_json(&prepared.json) {
        Ok(r) => r,
        Err(_) => {
            // The plugin builds the ArgumentError result naming the field.
            let job = Job::new(&prepared.json, now_ms());
            let result = drive(job, &host.transport).await;
            let op = command.unwrap_or(Operation::Heartbeat);
            let result = result.unwrap_or_else(|| stuck(Meta::from_value(&Value::Null, op)));
            return Finished {
                result,
                generated: None,
            };
        }
    };
    let mut request = request;
    match find_quarantined(&host.quarantine, &request) {
        Ok(entries)
            if !entries.is_empty() && entries.len() == login_credentials(&request).len() =>
        {
            return Finished {
                result: quarantined(&request, &entries[0].1),
                generated: None,
            }
        }
        Ok(entries) => {
            for (role, _) in entries {
                request.forbid_login(role);
            }
        }
        Err(e) => {
            let r = Meta::from_request(&request).result(
                Status::UnknownError,
                "QUARANTINE_UNAVAILABLE",
                format!("Login not attempted: {e}"),
                Some("fix the state directory (--state-dir) permissions".to_owned()),
            );
            return Finished {
                result: r,
                generated: None,
            };
        }
    }
    let job = Job::from_request(request.clone(), now_ms());
    let mut result = match drive(job, &host.transport).await {
        Some(r) => r,
        None => stuck(Meta::from_request(&request)),
    };
    let refused = result.refused_credentials.clone();
    for refusal in refused {
        if let Some(material) = request.credential_material(refusal.role) {
            let entry = host.quarantine.entry(
                request.secret_id(),
                refusal.role,
                &material,
                refusal.status,
                &refusal.code,
            );
            if let Err(e) = host.quarantine.record(entry) {
                result.log.push(format!("Quarantine not recorded: {e}"));
            }
        }
    }
    Finished { result, generated }
}

/// The answer for a prepared job whose task stopped unexpectedly (a panic: a bug in sfrpc).
/// A generated new password is kept: the change may have been sent with it.
pub fn crashed(prepared: &Prepared) -> Finished {
    let value: Value = serde_json::from_str(&prepared.json).unwrap_or(Value::Null);
    let operation = match value["operation"].as_str() {
        Some("change") => Operation::Change,
        Some("diagnose") => Operation::Diagnose,
        _ => Operation::Heartbeat,
    };
    let result = unfinished(
        Meta::from_value(&value, operation),
        "UNKNOWN_ERROR",
        "the job stopped unexpectedly (a bug in sfrpc)".to_owned(),
        Some(
            "report it; for a change, send the new password as pending_password next time"
                .to_owned(),
        ),
    );
    Finished {
        result,
        generated: prepared.generated.clone(),
    }
}

/// The answer for a request that lost its job to a bug in sfrpc (a panic) before a result:
/// `started` says whether the job may have sent anything (then a change's active password is
/// unknown); otherwise nothing changed and a pending password stays unsettled.
pub fn lost(text: &str, started: bool) -> Finished {
    let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let operation = match value["operation"].as_str() {
        Some("change") => Operation::Change,
        Some("diagnose") => Operation::Diagnose,
        _ => Operation::Heartbeat,
    };
    let meta = Meta::from_value(&value, operation);
    let remediation = Some("report it, then run the request again".to_owned());
    let result = if started {
        let message = "the job stopped unexpectedly (a bug in sfrpc)".to_owned();
        unfinished(meta, "UNKNOWN_ERROR", message, remediation)
    } else {
        let message = "the job did not run (a bug in sfrpc); nothing was sent".to_owned();
        meta.result(Status::UnknownError, "UNKNOWN_ERROR", message, remediation)
    };
    Finished {
        result,
        generated: None,
    }
}

fn stuck(meta: Meta) -> JobResult {
    let message = format!("the plugin did not finish within {MAX_REQUESTS} requests");
    unfinished(meta, "PLUGIN_STALLED", message, None)
}

/// An UnknownError for a job that did not finish: a change may have been sent, so nobody can
/// say which password is in effect.
fn unfinished(meta: Meta, code: &str, message: String, remediation: Option<String>) -> JobResult {
    let change = meta.operation == Operation::Change;
    let mut r = meta.result(Status::UnknownError, code, message, remediation);
    if change {
        r.active_password = ActivePassword::Unknown;
        r.change_sent = true;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crashed_change_keeps_its_generated_password_and_says_unknown() {
        let text = r#"{"operation":"change","secret":{"id":9,"name":"S",
            "url":"https://login.salesforce.com","username":"u@example.com","password":"x"}}"#;
        let prepared = prepare(text, None).expect("prepared");
        let finished = crashed(&prepared);
        assert_eq!(finished.result.active_password, ActivePassword::Unknown);
        assert_eq!(finished.exit_code(), 20);
        let json = finished.to_json();
        let generated = json["new_password"]
            .as_str()
            .expect("new_password returned");
        assert!(generated.len() >= 20, "a generated password");
        assert!(
            !format!("{prepared:?}{finished:?}").contains(generated),
            "Debug redacts"
        );
    }

    #[test]
    fn host_made_results_leave_a_pending_password_unsettled() {
        let text = r#"{"operation":"change","secret":{"id":9},"pending_password":"p-123456"}"#;
        let result = prepare(text, Some(Operation::Heartbeat)).expect_err("operation mismatch");
        assert_eq!(result.code, "INVALID_REQUEST");
        assert_eq!(result.active_password, ActivePassword::Unknown);
        let plain = r#"{"operation":"change","secret":{"id":9}}"#;
        let result = prepare(plain, Some(Operation::Heartbeat)).expect_err("operation mismatch");
        assert_eq!(result.active_password, ActivePassword::Current);
    }
}
