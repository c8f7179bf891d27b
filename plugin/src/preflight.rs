//! Preflight (SPEC 2.1): local checks, in order, before any request. Heartbeat and change stop at
//! the first failure (later checks say "not reached"); diagnose evaluates them all. Either way
//! a failure means no request is sent.

use core::net::IpAddr;

use secrecy::ExposeSecret;

use crate::iprange::{any_contains, IpRange};
use crate::outcome::{self, Answer, Context, Outcome, Phase};
use crate::request::{LoginMethod, Request};
use crate::result::{Check, CheckOutcome, Operation};
use crate::secret::Credentials;

/// The only login URLs used (SPEC 2.1 rule 2).
pub const LOGIN_URLS: [&str; 2] = [
    "https://login.salesforce.com",
    "https://test.salesforce.com",
];

/// Whether the egress IP is known to be inside the org's Trusted IP Ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trust {
    /// Every egress IP is inside: the token is not needed and not appended.
    Trusted,
    /// This egress IP is outside: logins need the token.
    Outside(IpAddr),
    /// No egress IP or no trusted ranges in the request.
    Unknown,
}

/// What the job needs from preflight.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The secret's login URL, normalised (`https://test.salesforce.com`).
    pub login_url: String,
    /// The privileged account's login URL, normalised.
    pub privileged_login_url: Option<String>,
    /// Trust of the egress IP.
    pub trust: Trust,
    /// The egress IP to name in messages (the first outside, else the first known).
    pub egress_ip: Option<String>,
}

impl Plan {
    /// Whether logins with `creds` append its security token.
    pub(crate) fn appends_token(&self, creds: &Credentials) -> bool {
        creds.security_token.is_some() && self.trust != Trust::Trusted
    }

    /// The context for outcome messages.
    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            egress_ip: self.egress_ip.as_deref(),
            login_url: Some(&self.login_url),
            ..Context::default()
        }
    }
}

/// Preflight's verdict.
pub(crate) struct Preflight {
    /// One check per rule, in order.
    pub checks: Vec<Check>,
    /// The first failure, if any.
    pub failure: Option<Outcome>,
    /// The plan for the job (meaningful only without a failure).
    pub plan: Plan,
}

type Rule = Result<Check, (Check, &'static str, String)>;

/// Runs preflight on `req`.
pub(crate) fn run(req: &Request) -> Preflight {
    let change = req.operation == Operation::Change;
    let privileged = req.privileged.as_ref().filter(|_| change);
    let (trust, egress_ip) = trust(req);
    let plan = Plan {
        login_url: normalise_login_url(req.secret.url.as_deref()).unwrap_or_default(),
        privileged_login_url: privileged.and_then(|p| normalise_login_url(p.url.as_deref()).ok()),
        trust,
        egress_ip: egress_ip.map(|ip| ip.to_string()),
    };
    let rules: [&dyn Fn() -> Rule; 6] = [
        &|| record(req),
        &|| login_url(req),
        &|| login_ranges(req),
        &|| trusted_ranges(req, &plan),
        &|| token_reset(req, &plan),
        &|| password_policy(req),
    ];
    let names = [
        "record",
        "login_url",
        "egress_ip_login_ranges",
        "egress_ip_trusted_ranges",
        "security_token_reset",
        "password_policy",
    ];
    let mut checks = Vec::new();
    let mut failure = None;
    for (rule, name) in rules.iter().zip(names) {
        if failure.is_some() && req.operation != Operation::Diagnose {
            checks.push(check(
                name,
                CheckOutcome::Skip,
                "not reached: an earlier check failed",
            ));
            continue;
        }
        match rule() {
            Ok(c) => checks.push(c),
            Err((c, code, detail)) => {
                if failure.is_none() {
                    let ctx = Context {
                        detail: Some(&detail),
                        ..plan.context()
                    };
                    failure = Some(outcome::resolve(
                        Phase::Preflight,
                        &Answer::Local(code),
                        &ctx,
                    ));
                }
                checks.push(c);
            }
        }
    }
    Preflight {
        checks,
        failure,
        plan,
    }
}

fn check(name: &str, outcome: CheckOutcome, detail: &str) -> Check {
    Check {
        name: name.to_owned(),
        outcome,
        detail: detail.to_owned(),
        remediation: None,
    }
}

fn fail(name: &str, code: &'static str, detail: String, remediation: &str) -> Rule {
    let mut c = check(name, CheckOutcome::Fail, &detail);
    c.remediation = Some(remediation.to_owned());
    Err((c, code, detail))
}

/// Rule 1: the record is well formed.
fn record(req: &Request) -> Rule {
    let oauth = req.login_method == LoginMethod::OauthPassword;
    let missing = |creds: &Credentials, path: &str| -> Option<String> {
        let field = if creds.url.is_none() {
            "url"
        } else if creds.username.is_none() {
            "username"
        } else if creds.password.is_none() {
            "password"
        } else if oauth && creds.client_id.is_none() {
            "client-id (login_method oauth_password)"
        } else if oauth && creds.client_secret.is_none() {
            "client-secret (login_method oauth_password)"
        } else {
            return None;
        };
        Some(format!("{path} {field} is missing"))
    };
    let fix = "complete the secret record (slugs url, username, password, security-token, \
               client-id, client-secret)";
    if let Some(why) = missing(&req.secret, "secret") {
        return fail("record", "INVALID_REQUEST", why, fix);
    }
    if req.operation == Operation::Change {
        if let Some(why) = req
            .privileged
            .as_ref()
            .and_then(|p| missing(p, "privileged_secret"))
        {
            return fail("record", "INVALID_REQUEST", why, fix);
        }
        let Some(new) = req.new_password.as_ref() else {
            return fail(
                "record",
                "INVALID_REQUEST",
                "new_password is missing".to_owned(),
                "send new_password, or let the host generate one",
            );
        };
        let same = |other: Option<&secrecy::SecretString>| {
            other.is_some_and(|o| o.expose_secret() == new.expose_secret())
        };
        if same(req.secret.password.as_ref()) {
            return fail(
                "record",
                "INVALID_REQUEST",
                "new_password equals the current password".to_owned(),
                "generate a different new password",
            );
        }
        if same(req.pending_password.as_ref()) {
            return fail(
                "record",
                "INVALID_REQUEST",
                "new_password equals pending_password".to_owned(),
                "generate a fresh new password; the pending one is settled by this job",
            );
        }
    }
    Ok(check(
        "record",
        CheckOutcome::Pass,
        "the secret record has what the operation needs",
    ))
}

/// Normalises an allowed login URL, or says (without repeating it) what is wrong with it.
pub(crate) fn normalise_login_url(url: Option<&str>) -> Result<String, &'static str> {
    let Some(url) = url else {
        return Err("the secret has no url");
    };
    let lower = url.trim().to_ascii_lowercase();
    let bare = lower.strip_suffix('/').unwrap_or(&lower);
    if let Some(allowed) = LOGIN_URLS.iter().find(|u| **u == bare) {
        return Ok((*allowed).to_owned());
    }
    let Some(rest) = bare.strip_prefix("https://") else {
        return Err("it is not an https:// URL");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    Err(if authority.contains('@') {
        "it carries a user name or password"
    } else if authority.contains(':') {
        "it names a port"
    } else if authority.len() < rest.len() {
        "it has a path, query or fragment"
    } else if authority.ends_with(".my.salesforce.com") || authority.ends_with(".force.com") {
        "it is a My Domain URL, which is not used for login"
    } else {
        "it names another host"
    })
}

/// Rule 2: the login URL (and the privileged account's) is one of the two allowed.
fn login_url(req: &Request) -> Rule {
    let mut urls = vec![("secret", req.secret.url.as_deref())];
    if let (Operation::Change, Some(p)) = (req.operation, req.privileged.as_ref()) {
        urls.push(("privileged_secret", p.url.as_deref()));
    }
    let mut seen = Vec::new();
    for (who, url) in urls {
        match normalise_login_url(url) {
            Ok(u) => seen.push(u),
            Err(why) => {
                return fail(
                    "login_url",
                    "LOGIN_URL_NOT_ALLOWED",
                    format!("{who} url: {why}"),
                    "set the URL to https://login.salesforce.com (production) or \
                     https://test.salesforce.com (sandbox)",
                )
            }
        }
    }
    Ok(check(
        "login_url",
        CheckOutcome::Pass,
        &format!("login via {}", seen.join(" and ")),
    ))
}

fn trust(req: &Request) -> (Trust, Option<IpAddr>) {
    let ips = req.egress_ips.as_deref().unwrap_or_default();
    let Some(first) = ips.first().copied() else {
        return (Trust::Unknown, None);
    };
    let Some(ranges) = req.trusted_ip_ranges.as_deref() else {
        return (Trust::Unknown, Some(first));
    };
    match ips.iter().find(|ip| !any_contains(ranges, **ip)) {
        Some(outside) => (Trust::Outside(*outside), Some(*outside)),
        None => (Trust::Trusted, Some(first)),
    }
}

/// Rule 3a: the egress IP is inside the profile's Login IP Ranges (when both are known).
fn login_ranges(req: &Request) -> Rule {
    const NAME: &str = "egress_ip_login_ranges";
    let ips = req.egress_ips.as_deref().unwrap_or_default();
    if ips.is_empty() {
        return Ok(check(
            NAME,
            CheckOutcome::Skip,
            "no egress IP known (site.egress_ips)",
        ));
    }
    let Some(ranges) = req.login_ip_ranges.as_deref() else {
        return Ok(check(
            NAME,
            CheckOutcome::Skip,
            "org.login_ip_ranges not given",
        ));
    };
    if ranges.is_empty() {
        return Ok(check(
            NAME,
            CheckOutcome::Pass,
            "the profile has no Login IP Ranges",
        ));
    }
    match ips.iter().find(|ip| !any_contains(ranges, **ip)) {
        Some(ip) => fail(
            NAME,
            "EGRESS_IP_OUTSIDE_LOGIN_RANGES",
            format!(
                "egress IP {ip} is outside the profile's Login IP Ranges ({})",
                list(ranges)
            ),
            &format!("Setup > Users > Profiles > <profile> > Login IP Ranges: add {ip}"),
        ),
        None => Ok(check(
            NAME,
            CheckOutcome::Pass,
            "every egress IP is inside the Login IP Ranges",
        )),
    }
}

/// Rule 3b: outside the Trusted IP Ranges, every login needs a security token.
fn trusted_ranges(req: &Request, plan: &Plan) -> Rule {
    const NAME: &str = "egress_ip_trusted_ranges";
    match plan.trust {
        Trust::Unknown if plan.egress_ip.is_none() => Ok(check(
            NAME,
            CheckOutcome::Skip,
            "no egress IP known (site.egress_ips)",
        )),
        Trust::Unknown => Ok(check(
            NAME,
            CheckOutcome::Skip,
            "org.trusted_ip_ranges not given",
        )),
        Trust::Trusted => Ok(check(
            NAME,
            CheckOutcome::Pass,
            "every egress IP is inside the Trusted IP Ranges: the security token is not needed \
             and not appended",
        )),
        Trust::Outside(ip) => {
            let mut who = vec![("secret", &req.secret)];
            if let (Operation::Change, Some(p)) = (req.operation, req.privileged.as_ref()) {
                who.insert(0, ("privileged_secret", p));
            }
            if let Some((path, _)) = who.iter().find(|(_, c)| c.security_token.is_none()) {
                let whose = if *path == "secret" {
                    "the secret"
                } else {
                    "the privileged account"
                };
                let remediation = format!(
                    "Setup > Security > Network Access: add {ip} to Trusted IP Ranges, or store \
                     the user's security token"
                );
                // The check reads as a sentence; the outcome's message template takes `whose`.
                let mut c = check(
                    NAME,
                    CheckOutcome::Fail,
                    &format!(
                        "egress IP {ip} is outside the Trusted IP Ranges and {whose} has no \
                         security token"
                    ),
                );
                c.remediation = Some(remediation);
                return Err((c, "SECURITY_TOKEN_REQUIRED", whose.to_owned()));
            }
            Ok(check(
                NAME,
                CheckOutcome::Pass,
                &format!("egress IP {ip} is outside the Trusted IP Ranges: the security token is appended"),
            ))
        }
    }
}

/// Rule 3c (change): a login that relies on the token would lose it with the password change.
fn token_reset(req: &Request, plan: &Plan) -> Rule {
    const NAME: &str = "security_token_reset";
    if req.operation != Operation::Change {
        return Ok(check(NAME, CheckOutcome::Skip, "only checked for change"));
    }
    match plan.trust {
        Trust::Trusted => Ok(check(
            NAME,
            CheckOutcome::Pass,
            "the login does not rely on the security token",
        )),
        _ if req.secret.security_token.is_none() => Ok(check(
            NAME,
            CheckOutcome::Pass,
            "the secret has no security token to lose",
        )),
        Trust::Unknown => Ok(check(
            NAME,
            CheckOutcome::Skip,
            "egress IP or trusted ranges unknown: if the login relies on the security token, \
             Salesforce resets it with the password change",
        )),
        Trust::Outside(ip) if req.accept_token_reset => {
            let mut c = check(
                NAME,
                CheckOutcome::Warn,
                &format!("egress IP {ip} relies on the security token, which the change resets (accept_token_reset is set)"),
            );
            c.remediation =
                Some("store the new security token Salesforce emails to the user".to_owned());
            Ok(c)
        }
        Trust::Outside(ip) => fail(
            NAME,
            "TOKEN_WOULD_BE_RESET",
            format!("egress IP {ip} relies on the security token, which the change resets"),
            &format!(
                "Setup > Security > Network Access: add {ip} to Trusted IP Ranges, or set \
                 \"accept_token_reset\": true"
            ),
        ),
    }
}

/// Rule 4 (change): the new password meets the declared policy.
fn password_policy(req: &Request) -> Rule {
    const NAME: &str = "password_policy";
    if req.operation != Operation::Change {
        return Ok(check(NAME, CheckOutcome::Skip, "only checked for change"));
    }
    let Some(policy) = req.password_policy.as_ref() else {
        return Ok(check(
            NAME,
            CheckOutcome::Skip,
            "org.password_policy not given",
        ));
    };
    let Some(new) = req.new_password.as_ref() else {
        return Ok(check(NAME, CheckOutcome::Skip, "no new password"));
    };
    match policy.check(new.expose_secret()) {
        Ok(()) => Ok(check(
            NAME,
            CheckOutcome::Pass,
            &format!("the new password meets the policy ({policy})"),
        )),
        Err(why) => fail(
            NAME,
            "NEW_PASSWORD_POLICY",
            format!("{why} (policy: {policy})"),
            "generate a password that meets org.password_policy",
        ),
    }
}

fn list(ranges: &[IpRange]) -> String {
    ranges
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
