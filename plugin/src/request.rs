//! The request a host hands the plugin (SPEC 3): operation, secret record, new / pending
//! password, privileged account, site and org preconditions, login method and API version.

use core::net::IpAddr;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::iprange::IpRange;
use crate::json::{self, Obj};
use crate::policy::{Complexity, PasswordPolicy};
use crate::result::{CredentialRole, Operation};
use crate::secret::{self, Credentials};

/// The default (and highest) API version: the last one that has SOAP `login()`.
pub const DEFAULT_API_VERSION: &str = "64.0";
/// The lowest API version accepted: `changeOwnPassword()` first appears in 40.0.
const MIN_API_VERSION: u32 = 40;
/// SOAP `login()` does not exist from 65.0.
const MAX_SOAP_LOGIN_VERSION: u32 = 64;

/// How the job logs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoginMethod {
    /// SOAP `login()` (the default).
    Soap,
    /// The OAuth 2.0 username-password flow; needs the secret's client id and secret.
    OauthPassword,
}

/// A parsed request. Secrets are held as `SecretString` (Debug prints `[REDACTED]`).
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) operation: Operation,
    pub(crate) secret: Credentials,
    pub(crate) new_password: Option<SecretString>,
    pub(crate) pending_password: Option<SecretString>,
    pub(crate) privileged: Option<Credentials>,
    pub(crate) site_name: Option<String>,
    pub(crate) egress_ips: Option<Vec<IpAddr>>,
    pub(crate) trusted_ip_ranges: Option<Vec<IpRange>>,
    pub(crate) login_ip_ranges: Option<Vec<IpRange>>,
    pub(crate) password_policy: Option<PasswordPolicy>,
    pub(crate) login_method: LoginMethod,
    pub(crate) api_version: String,
    pub(crate) accept_token_reset: bool,
    /// Credentials the host's quarantine holds: the job never logs in with them.
    pub(crate) forbidden: Vec<CredentialRole>,
}

/// Why a request was refused: names the field and the reason, never a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct RequestError {
    field: String,
    reason: String,
    code: &'static str,
}

impl RequestError {
    /// An `INVALID_REQUEST` error for `field`.
    pub(crate) fn invalid(field: &str, reason: String) -> RequestError {
        RequestError {
            field: field.to_owned(),
            reason,
            code: "INVALID_REQUEST",
        }
    }

    /// The offending field's path (`org.trusted_ip_ranges[1]`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Why it was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The result code: `INVALID_REQUEST` or `INVALID_IP_RANGE`.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

const TOP_LEVEL_KEYS: &[&str] = &[
    "operation",
    "secret",
    "new_password",
    "pending_password",
    "privileged_secret",
    "site",
    "org",
    "login_method",
    "api_version",
    "accept_token_reset",
];

impl Request {
    /// Parses the request JSON (SPEC 3). Unknown top-level, `site` and `org` keys are refused.
    pub fn from_json(text: &str) -> Result<Request, RequestError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            RequestError::invalid(
                "request",
                format!("not valid JSON (line {}, column {})", e.line(), e.column()),
            )
        })?;
        let mut top = Obj::new(value, "")?;
        let operation = parse_operation(&mut top)?;
        let secret = match top.take("secret") {
            Some(v) => secret::parse(v, "secret")?,
            None => return Err(RequestError::invalid("secret", "is required".to_owned())),
        };
        let new_password = top.password("new_password")?;
        let pending_password = top.password("pending_password")?;
        // A pending password equal to the stored one is no second credential: trying it and
        // then "falling back" would retry a refused login with the same password.
        let pending_password = pending_password.filter(|p| {
            secret.password.as_ref().map(|c| c.expose_secret()) != Some(p.expose_secret())
        });
        let privileged = top
            .take("privileged_secret")
            .map(|v| secret::parse(v, "privileged_secret"))
            .transpose()?;
        let (site_name, egress_ips) = parse_site(top.take("site"))?;
        let org = parse_org(top.take("org"))?;
        let login_method = match top.string("login_method")?.as_deref() {
            None | Some("soap") => LoginMethod::Soap,
            Some("oauth_password") => LoginMethod::OauthPassword,
            Some(_) => {
                return Err(RequestError::invalid(
                    "login_method",
                    "must be \"soap\" or \"oauth_password\"".to_owned(),
                ))
            }
        };
        let api_version = parse_api_version(top.take("api_version"), login_method)?;
        let accept_token_reset = top.bool("accept_token_reset")?.unwrap_or(false);
        if let Some(key) = unknown_key(&top) {
            return Err(RequestError::invalid(
                &json::shorten(&key),
                "unknown top-level field (check the spelling; see SPEC section 3)".to_owned(),
            ));
        }
        Ok(Request {
            operation,
            secret,
            new_password,
            pending_password,
            privileged,
            site_name,
            egress_ips,
            trusted_ip_ranges: org.trusted,
            login_ip_ranges: org.login,
            password_policy: org.policy,
            login_method,
            api_version,
            accept_token_reset,
            forbidden: Vec::new(),
        })
    }

    /// The operation asked for.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// Secret Server's secret id, when given.
    pub fn secret_id(&self) -> Option<i64> {
        self.secret.id
    }

    /// Secret Server's secret name, when given.
    pub fn secret_name(&self) -> Option<&str> {
        self.secret.name.as_deref()
    }

    /// The site's name (`site.name`), when given.
    pub fn site_name(&self) -> Option<&str> {
        self.site_name.as_deref()
    }

    /// The credentials the job may log in with, in the order it tries them (SPEC 2.2/2.3): the
    /// privileged account for a privileged `change`; else the pending password, then the stored
    /// one; else the stored one. A host checks each against its quarantine before the job runs.
    pub fn login_roles(&self) -> Vec<CredentialRole> {
        if self.operation == Operation::Change && self.privileged.is_some() {
            vec![CredentialRole::Privileged]
        } else if self.pending_password.is_some() {
            vec![CredentialRole::Pending, CredentialRole::Current]
        } else {
            vec![CredentialRole::Current]
        }
    }

    /// Tells the job never to log in with `role` (the host's quarantine holds it: Salesforce
    /// refused it before). A pending password that is forbidden is skipped (the stored one is
    /// tried alone); a stored password that is forbidden is not fallen back to after a refused
    /// pending one. A host answers by itself when every role of [`Request::login_roles`] is
    /// forbidden.
    pub fn forbid_login(&mut self, role: CredentialRole) {
        if !self.forbidden.contains(&role) {
            self.forbidden.push(role);
        }
    }

    /// Whether the job may log in with `role`.
    pub(crate) fn may_log_in(&self, role: CredentialRole) -> bool {
        !self.forbidden.contains(&role)
    }

    /// Whether the request carries a `new_password` (a host generates one when it does not).
    pub fn has_new_password(&self) -> bool {
        self.new_password.is_some()
    }

    /// The declared `org.password_policy`, when given.
    pub fn password_policy(&self) -> Option<&PasswordPolicy> {
        self.password_policy.as_ref()
    }

    /// How the job logs in.
    pub fn login_method(&self) -> LoginMethod {
        self.login_method
    }

    /// The Salesforce API version used (`64.0` by default).
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// Bytes that identify one credential (login URL, username, password, token, client
    /// id/secret) for the host's keyed-hash quarantine; None if that role is absent.
    pub fn credential_material(&self, role: CredentialRole) -> Option<Zeroizing<Vec<u8>>> {
        let (creds, password) = match role {
            CredentialRole::Current => (&self.secret, self.secret.password.as_ref()?),
            CredentialRole::Pending => (&self.secret, self.pending_password.as_ref()?),
            CredentialRole::Privileged => {
                let p = self.privileged.as_ref()?;
                (p, p.password.as_ref()?)
            }
        };
        fn secret(s: &Option<SecretString>) -> &[u8] {
            s.as_ref()
                .map(|v| v.expose_secret().as_bytes())
                .unwrap_or_default()
        }
        let parts: [&[u8]; 6] = [
            creds
                .url
                .as_deref()
                .unwrap_or_default()
                .trim_end_matches('/')
                .as_bytes(),
            creds.username.as_deref().unwrap_or_default().as_bytes(),
            password.expose_secret().as_bytes(),
            secret(&creds.security_token),
            secret(&creds.client_id),
            secret(&creds.client_secret),
        ];
        let total: usize = parts.iter().map(|p| p.len() + 8).sum();
        let mut out = Zeroizing::new(Vec::with_capacity(total + 16));
        out.extend_from_slice(b"sfrpc-credential/1");
        for part in parts {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part);
        }
        Some(out)
    }
}

/// Every known key has been taken by now: anything left is unknown.
fn unknown_key(top: &Obj) -> Option<String> {
    top.first_key()
        .filter(|k| !TOP_LEVEL_KEYS.contains(&k.as_str()))
}

fn parse_operation(top: &mut Obj) -> Result<Operation, RequestError> {
    match top.string("operation")?.as_deref() {
        Some("heartbeat") => Ok(Operation::Heartbeat),
        Some("change") => Ok(Operation::Change),
        Some("diagnose") => Ok(Operation::Diagnose),
        Some(_) => Err(RequestError::invalid(
            "operation",
            "must be \"heartbeat\", \"change\" or \"diagnose\"".to_owned(),
        )),
        None => Err(RequestError::invalid("operation", "is required".to_owned())),
    }
}

fn parse_site(value: Option<Value>) -> Result<(Option<String>, Option<Vec<IpAddr>>), RequestError> {
    let Some(value) = value else {
        return Ok((None, None));
    };
    let mut site = Obj::new(value, "site")?;
    let name = site.string("name")?;
    let ips = match site.strings("egress_ips")? {
        None => None,
        Some(list) => Some(
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    s.trim()
                        .parse::<IpAddr>()
                        .map(|ip| ip.to_canonical())
                        .map_err(|_| {
                            RequestError::invalid(
                                &format!("site.egress_ips[{i}]"),
                                "not an IPv4 or IPv6 address".to_owned(),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    site.deny_rest()?;
    Ok((name, ips))
}

struct OrgSection {
    trusted: Option<Vec<IpRange>>,
    login: Option<Vec<IpRange>>,
    policy: Option<PasswordPolicy>,
}

fn parse_org(value: Option<Value>) -> Result<OrgSection, RequestError> {
    let Some(value) = value else {
        return Ok(OrgSection {
            trusted: None,
            login: None,
            policy: None,
        });
    };
    let mut org = Obj::new(value, "org")?;
    let trusted = parse_ranges(&mut org, "trusted_ip_ranges")?;
    let login = parse_ranges(&mut org, "login_ip_ranges")?;
    let policy = match org.take("password_policy") {
        None => None,
        Some(v) => Some(parse_policy(v)?),
    };
    org.deny_rest()?;
    Ok(OrgSection {
        trusted,
        login,
        policy,
    })
}

fn parse_ranges(org: &mut Obj, key: &str) -> Result<Option<Vec<IpRange>>, RequestError> {
    let Some(list) = org.strings(key)? else {
        return Ok(None);
    };
    list.iter()
        .enumerate()
        .map(|(i, text)| {
            text.parse::<IpRange>().map_err(|why| RequestError {
                field: format!("org.{key}[{i}]"),
                reason: format!("'{}': {why}", json::shorten(text.trim())),
                code: "INVALID_IP_RANGE",
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn parse_policy(value: Value) -> Result<PasswordPolicy, RequestError> {
    let mut obj = Obj::new(value, "org.password_policy")?;
    let defaults = PasswordPolicy::default();
    let min_length = match obj.int("min_length")? {
        None => defaults.min_length,
        Some(n) if (1..=1024).contains(&n) => n as usize,
        Some(_) => {
            return Err(RequestError::invalid(
                "org.password_policy.min_length",
                "must be between 1 and 1024".to_owned(),
            ))
        }
    };
    let complexity = match obj.string("complexity")? {
        None => defaults.complexity,
        Some(name) => Complexity::from_name(&name).ok_or_else(|| {
            RequestError::invalid(
                "org.password_policy.complexity",
                "must be any, alpha_numeric, alpha_numeric_special, upper_lower_numeric or \
                 upper_lower_numeric_special"
                    .to_owned(),
            )
        })?,
    };
    obj.deny_rest()?;
    Ok(PasswordPolicy {
        min_length,
        complexity,
    })
}

fn parse_api_version(value: Option<Value>, method: LoginMethod) -> Result<String, RequestError> {
    let text = match value {
        None => return Ok(DEFAULT_API_VERSION.to_owned()),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && (0.0..1000.0).contains(&f) => format!("{f:.1}"),
            _ => String::new(),
        },
        Some(_) => String::new(),
    };
    let major = text
        .strip_suffix(".0")
        .filter(|m| !m.is_empty() && m.len() <= 3 && m.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|m| m.parse::<u32>().ok());
    let Some(major) = major else {
        return Err(RequestError::invalid(
            "api_version",
            "must look like \"64.0\"".to_owned(),
        ));
    };
    if major < MIN_API_VERSION {
        return Err(RequestError::invalid(
            "api_version",
            "must be 40.0 or later (changeOwnPassword() first appears in 40.0)".to_owned(),
        ));
    }
    if method == LoginMethod::Soap && major > MAX_SOAP_LOGIN_VERSION {
        return Err(RequestError::invalid(
            "api_version",
            "SOAP login() does not exist from 65.0: use 64.0 or set login_method to \
             oauth_password"
                .to_owned(),
        ));
    }
    Ok(format!("{major}.0"))
}
