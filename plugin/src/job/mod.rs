//! The job: one operation on one secret, as a sans-IO state machine (SPEC 2.2, 2.3, 8).
//!
//! The driver methods live here (`poll`, `handle_*`, sending, finishing with logouts); the
//! decisions after each answer live in [`flow`] (login, change, verification) and [`diagnose`];
//! a heartbeat's password status read after an OAuth login in [`expiry`]; the result and log
//! lines in [`report`]. One request is outstanding at a time.

mod diagnose;
mod expiry;
mod flow;
mod login;
mod report;

use secrecy::SecretString;

use crate::api::{HttpRequest, HttpResponse, Output, RequestId, TransportError};
use crate::outcome::{self, Answer, Context, Outcome, Phase};
use crate::preflight::{self, Plan};
use crate::request::Request;
use crate::result::{ActivePassword, Check, CredentialRole, JobResult, RefusedCredential};

use diagnose::{DiagState, DiagStep};
use login::{Failure, Session, Who};

/// One operation on one secret: the state machine a host drives (see [`crate::api`]).
#[derive(Debug)]
pub struct Job {
    m: Box<Machine>,
}

impl Job {
    /// Starts a job from the request JSON. Never fails: a bad request makes a job whose first
    /// `poll` is `Done` with `ArgumentError`.
    pub fn new(request_json: &str, now_ms: u64) -> Job {
        match Request::from_json(request_json) {
            Ok(request) => Job::from_request(request, now_ms),
            Err(e) => Job {
                m: Box::new(Machine::refused(request_json, &e)),
            },
        }
    }

    /// Starts a job from a parsed request; runs preflight at once.
    pub fn from_request(request: Request, _now_ms: u64) -> Job {
        let mut m = Box::new(Machine::new(request));
        m.start();
        Job { m }
    }

    /// The next thing for the host to do.
    pub fn poll(&mut self, _now_ms: u64) -> Output {
        self.m.poll()
    }

    /// The HTTP answer to request `id`. An answer to a request that is not outstanding is
    /// ignored.
    pub fn handle_response(&mut self, id: RequestId, response: HttpResponse, _now_ms: u64) {
        if let Some(step) = self.m.take_inflight(id) {
            self.m.dispatch(step, Reply::Http(response));
        }
    }

    /// Request `id` got no HTTP answer. An error for a request that is not outstanding is
    /// ignored.
    pub fn handle_transport_error(&mut self, id: RequestId, error: TransportError, _now_ms: u64) {
        if let Some(step) = self.m.take_inflight(id) {
            self.m.dispatch(step, Reply::Transport(error));
        }
    }
}

/// What an outstanding request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// A login with `Who`'s password, for `Purpose`.
    Login(Who, Purpose),
    /// changeOwnPassword() (`false`) or setPassword() (`true`).
    Change { set_password: bool },
    /// The privileged account's lookup of the target user.
    Lookup,
    /// One of diagnose's queries.
    Diagnose(DiagStep),
    /// A heartbeat's read of the password status after an OAuth login.
    PasswordStatus,
    /// logout().
    Logout,
}

/// Why a login is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    /// To work with (heartbeat, diagnose, change).
    Open,
    /// To prove the new password after a change.
    Verify,
    /// To see whether the old password still works after a change of unknown fate.
    Recheck,
}

/// What came back for a request.
#[derive(Debug)]
enum Reply {
    Http(HttpResponse),
    Transport(TransportError),
}

/// Whether the change request took effect.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fate {
    /// Not sent yet (or refused before it was applied).
    NotSent,
    /// Salesforce acknowledged it.
    Acked,
    /// It may have been applied; the outcome of the failed request is kept.
    Unknown(Outcome),
}

/// The job's whole state.
#[derive(Debug)]
struct Machine {
    req: Request,
    plan: Plan,
    next_id: RequestId,
    outbox: Option<(HttpRequest, Step)>,
    inflight: Option<(RequestId, Step, String)>,
    /// The host of the request answered last, for messages.
    last_host: String,
    /// Sessions opened and not yet logged out, in the order opened.
    sessions: Vec<Session>,
    /// Every session id seen, to scrub from text (a belt to the codec's braces).
    seen_session_ids: Vec<SecretString>,
    failed_logins: u32,
    refused: Vec<RefusedCredential>,
    checks: Vec<Check>,
    log: Vec<String>,
    /// Which password is in effect, as far as the job knows now.
    active: ActivePassword,
    /// The self-mode login that worked (current or pending).
    base: Option<Who>,
    fate: Fate,
    /// The target's user id, found by the privileged account's lookup.
    target_user_id: Option<String>,
    diag: DiagState,
    /// Set when the outcome is decided; logouts then run.
    decided: Option<Outcome>,
    result: Option<JobResult>,
}

impl Machine {
    fn new(req: Request) -> Machine {
        let active = if req.pending_password.is_some() {
            ActivePassword::Unknown
        } else {
            ActivePassword::Current
        };
        Machine {
            plan: Plan {
                login_url: String::new(),
                privileged_login_url: None,
                trust: preflight::Trust::Unknown,
                egress_ip: None,
            },
            req,
            next_id: 1,
            outbox: None,
            inflight: None,
            last_host: String::new(),
            sessions: Vec::new(),
            seen_session_ids: Vec::new(),
            failed_logins: 0,
            refused: Vec::new(),
            checks: Vec::new(),
            log: Vec::new(),
            active,
            base: None,
            fate: Fate::NotSent,
            target_user_id: None,
            diag: DiagState::default(),
            decided: None,
            result: None,
        }
    }

    /// A job for a request that did not parse: done at once with ArgumentError.
    fn refused(json: &str, error: &crate::request::RequestError) -> Machine {
        let outcome = outcome::resolve(
            Phase::Preflight,
            &Answer::Local(error.code()),
            &Context {
                detail: Some(&error.to_string()),
                ..Context::default()
            },
        );
        let mut m = report::placeholder_machine(json);
        m.checks.push(Check {
            name: "request".to_owned(),
            outcome: crate::result::CheckOutcome::Fail,
            detail: error.to_string(),
            remediation: outcome.remediation.clone(),
        });
        m.log.push(outcome.message.clone());
        m.decide(outcome);
        m
    }

    /// Runs preflight and sends the first request (or ends).
    fn start(&mut self) {
        let pre = preflight::run(&self.req);
        self.plan = pre.plan;
        self.checks = pre.checks;
        if let Some(failure) = pre.failure {
            self.log
                .push(format!("Preflight failed: {}", failure.message));
            return self.decide(failure);
        }
        let allowed: Vec<CredentialRole> = self
            .req
            .login_roles()
            .into_iter()
            .filter(|r| self.req.may_log_in(*r))
            .collect();
        if allowed.len() < self.req.login_roles().len() {
            self.log.push(
                "A credential refused before (quarantined by the host) is not tried".to_owned(),
            );
        }
        let first = match allowed.first() {
            Some(CredentialRole::Privileged) => Who::Privileged,
            Some(CredentialRole::Pending) => Who::Pending,
            Some(CredentialRole::Current) => Who::Current,
            None => {
                // A host answers QUARANTINED itself in this case; never log in regardless.
                return self.decide_local(
                    Phase::Login,
                    "UNKNOWN",
                    "every credential this job could use is forbidden by the host (quarantined)",
                );
            }
        };
        self.send_login(first, Purpose::Open);
    }

    fn poll(&mut self) -> Output {
        for _ in 0..2 {
            if let Some(result) = &self.result {
                return Output::Done(result.clone());
            }
            if self.inflight.is_some() {
                return Output::Wait;
            }
            if let Some((request, step)) = self.outbox.take() {
                let host = login::host_of(&request.url);
                self.inflight = Some((request.id, step, host));
                return Output::Send(request);
            }
            // Nothing to send and not done: cannot happen; end rather than hang.
            self.decide_local(Phase::Logout, "UNKNOWN", "internal error: no next step");
        }
        Output::Wait
    }

    fn take_inflight(&mut self, id: RequestId) -> Option<Step> {
        match &self.inflight {
            Some((pending, _, _)) if *pending == id => self.inflight.take().map(|(_, s, host)| {
                self.last_host = host;
                s
            }),
            _ => None,
        }
    }

    fn dispatch(&mut self, step: Step, reply: Reply) {
        match step {
            Step::Login(who, purpose) => self.on_login(who, purpose, reply),
            Step::Change { set_password } => self.on_change(set_password, reply),
            Step::Lookup => self.on_lookup(reply),
            Step::Diagnose(d) => self.on_diagnose(d, reply),
            Step::PasswordStatus => self.on_expiry_check(reply),
            Step::Logout => self.on_logout(reply),
        }
    }

    /// Queues a request.
    fn send(
        &mut self,
        method: &str,
        url: String,
        headers: Vec<(String, String)>,
        body: String,
        step: Step,
    ) {
        let id = self.next_id;
        self.next_id += 1;
        let request = HttpRequest {
            id,
            method: method.to_owned(),
            url,
            headers,
            body,
        };
        self.outbox = Some((request, step));
    }

    /// The outcome table's context for the request just answered.
    fn context(&self) -> Context<'_> {
        Context {
            profile: self.diag.profile_name.as_deref(),
            api_version: Some(&self.req.api_version),
            host: Some(self.last_host.as_str()).filter(|h| !h.is_empty()),
            ..self.plan.context()
        }
    }

    /// The outcome of `failure` in `phase`.
    fn outcome_of(&self, phase: Phase, failure: &Failure) -> Outcome {
        let detail = match failure {
            Failure::Transport(t) => t
                .detail
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| format!("({d})")),
            _ => None,
        };
        let ctx = Context {
            detail: detail.as_deref(),
            ..self.context()
        };
        let mut outcome = outcome::resolve(phase, &failure.answer(), &ctx);
        // Salesforce's text is foreign: never let it carry a secret of this job anywhere.
        outcome.message = self.scrub(outcome.message);
        outcome
    }

    /// Decides a local code's outcome.
    fn decide_local(&mut self, phase: Phase, code: &'static str, detail: &str) {
        let ctx = Context {
            detail: Some(detail),
            ..self.context()
        };
        let outcome = outcome::resolve(phase, &Answer::Local(code), &ctx);
        self.decide(outcome);
    }

    /// Fixes the outcome, then logs out every open session before finishing.
    fn decide(&mut self, outcome: Outcome) {
        if self.decided.is_none() {
            self.decided = Some(outcome);
        }
        self.outbox = None;
        self.next_logout();
    }

    fn next_logout(&mut self) {
        if self.sessions.is_empty() {
            self.finish();
            return;
        }
        let session = self.sessions.remove(0);
        self.log.push("Logging out".to_owned());
        let body =
            crate::codec::soap::logout_envelope(secrecy::ExposeSecret::expose_secret(&session.id));
        self.send(
            "POST",
            session.soap_url.clone(),
            crate::codec::soap::headers(),
            body,
            Step::Logout,
        );
    }

    fn on_logout(&mut self, reply: Reply) {
        let failure = match reply {
            Reply::Http(resp) => crate::codec::soap::parse_ack(&resp, "logout")
                .err()
                .map(Failure::Wire),
            Reply::Transport(t) => Some(Failure::Transport(t)),
        };
        match failure {
            None => self.log.push("Logged out".to_owned()),
            Some(f) => {
                // The rule: a logout that fails never changes the outcome (SPEC 4), except an
                // egress denial while no change was sent: the login answered a serverUrl
                // outside the allowlist, which ends the job with EGRESS_DENIED (SPEC 6)
                // whichever credential logged in, since every later call (a change included)
                // would be refused the same way. `active_password` keeps what the login
                // settled. After a change was sent (acknowledged or maybe applied) the outcome
                // stands, so the vault still learns that the new password is (or may be) in
                // effect; the denial is then a `warn` check.
                let o = self.outcome_of(Phase::Logout, &f);
                if o.code == "EGRESS_DENIED" {
                    let decides = matches!(self.fate, Fate::NotSent);
                    self.checks.push(Check {
                        name: "logout_egress".to_owned(),
                        outcome: if decides {
                            crate::result::CheckOutcome::Fail
                        } else {
                            crate::result::CheckOutcome::Warn
                        },
                        detail: o.message.clone(),
                        remediation: o.remediation.clone(),
                    });
                    if decides {
                        self.log.push(o.message.clone());
                        self.decided = Some(o);
                        return self.next_logout();
                    }
                }
                self.log.push(format!("{} (the outcome stands)", o.message));
            }
        }
        self.next_logout();
    }

    fn finish(&mut self) {
        let outcome = self.decided.take().unwrap_or_else(|| {
            outcome::resolve(
                Phase::Logout,
                &Answer::Local("UNKNOWN"),
                &Context {
                    detail: Some("internal error: no outcome"),
                    ..Context::default()
                },
            )
        });
        self.result = Some(self.build_result(outcome));
    }
}
