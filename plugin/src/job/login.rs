//! Logging in: SOAP `login()` or the OAuth username-password flow, and what a login yields (a
//! [`Session`]). Also the small classifications of answers the job needs.

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::api::{HttpResponse, TransportError, TransportErrorKind};
use crate::codec::{oauth, soap, Fault, WireError};
use crate::outcome::Answer;
use crate::request::LoginMethod;
use crate::result::{ActivePassword, CredentialRole};

/// Whose password a login uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    /// The secret's stored password.
    Current,
    /// The request's `pending_password`.
    Pending,
    /// The request's `new_password` (verification).
    New,
    /// The privileged account.
    Privileged,
}

impl Who {
    /// The password that is in effect when this login works.
    pub(crate) fn active(self) -> ActivePassword {
        match self {
            Who::Current | Who::Privileged => ActivePassword::Current,
            Who::Pending => ActivePassword::Pending,
            Who::New => ActivePassword::New,
        }
    }

    /// The credential a refusal of this login quarantines.
    pub(crate) fn role(self) -> Option<CredentialRole> {
        match self {
            Who::Current => Some(CredentialRole::Current),
            Who::Pending => Some(CredentialRole::Pending),
            Who::Privileged => Some(CredentialRole::Privileged),
            Who::New => None,
        }
    }

    /// Words for the log.
    pub(crate) fn words(self) -> &'static str {
        match self {
            Who::Current => "the stored password",
            Who::Pending => "the pending password",
            Who::New => "the new password",
            Who::Privileged => "the privileged account",
        }
    }
}

/// A logged-in session.
#[derive(Debug)]
pub(crate) struct Session {
    /// The session id (or OAuth access token).
    pub id: SecretString,
    /// Where SOAP calls with this session go (LoginResult's serverUrl).
    pub soap_url: String,
    /// `https://host` of the instance, for REST.
    pub instance: String,
    /// The user the session belongs to.
    pub user_id: Option<String>,
    /// LoginResult's passwordExpired (always false after an OAuth login, which cannot tell).
    pub password_expired: bool,
}

/// Why a request did not give what the step needed.
#[derive(Clone, Debug)]
pub(crate) enum Failure {
    /// Salesforce answered, but not with success.
    Wire(WireError),
    /// No HTTP answer.
    Transport(TransportError),
    /// A serverUrl / instance_url that is not https.
    Insecure,
}

impl Failure {
    /// As the outcome table sees it.
    pub(crate) fn answer(&self) -> Answer<'_> {
        match self {
            Failure::Wire(e) => Answer::from(e),
            Failure::Transport(t) => match t.detail.as_deref().map(str::trim) {
                Some(detail) if !detail.is_empty() => Answer::TransportWith(t.kind, detail),
                _ => Answer::Transport(t.kind),
            },
            Failure::Insecure => Answer::InsecureUrl,
        }
    }

    /// The Salesforce fault, if it was one.
    pub(crate) fn fault(&self) -> Option<&Fault> {
        match self {
            Failure::Wire(WireError::Fault(f)) => Some(f),
            _ => None,
        }
    }

    /// Whether the server may have received (and acted on) the request. A too-large answer
    /// proves the request arrived, whatever the host says; a denied one never left.
    pub(crate) fn maybe_sent(&self) -> bool {
        match self {
            Failure::Transport(t) => match t.kind {
                TransportErrorKind::TooLarge => true,
                TransportErrorKind::Denied => false,
                _ => t.maybe_sent,
            },
            Failure::Wire(_) => true,
            Failure::Insecure => false,
        }
    }

    /// Whether this refusal may just mean "wrong password" (worth trying the other password
    /// while reconciling; a settled "not this password" while verifying).
    pub(crate) fn is_password_refusal(&self) -> bool {
        self.fault().is_some_and(|f| {
            f.code == "INVALID_LOGIN"
                || (f.code == "OAUTH_INVALID_GRANT"
                    && f.message
                        .to_ascii_lowercase()
                        .contains("authentication failure"))
        })
    }

    /// Whether Salesforce refused the call because the password has expired: once it has, every
    /// call but setPassword() is answered INVALID_OPERATION_WITH_EXPIRED_PASSWORD.
    pub(crate) fn is_expired_password(&self) -> bool {
        self.fault()
            .is_some_and(|f| f.code == "INVALID_OPERATION_WITH_EXPIRED_PASSWORD")
    }

    /// Whether this refusal is what a reset security token produces.
    pub(crate) fn is_token_refusal(&self) -> bool {
        self.is_password_refusal()
            || self
                .fault()
                .is_some_and(|f| f.code == "LOGIN_MUST_USE_SECURITY_TOKEN")
    }
}

/// Method, URL, headers and body of a login request.
pub(crate) fn request(
    method: LoginMethod,
    login_url: &str,
    api_version: &str,
    username: &str,
    password_and_token: &str,
    client: Option<(&SecretString, &SecretString)>,
) -> (String, Vec<(String, String)>, String) {
    match (method, client) {
        (LoginMethod::OauthPassword, Some((id, secret))) => (
            oauth::token_url(login_url),
            oauth::headers(),
            oauth::password_grant_body(
                id.expose_secret(),
                secret.expose_secret(),
                username,
                password_and_token,
            ),
        ),
        _ => (
            soap::endpoint(login_url, api_version),
            soap::headers(),
            soap::login_envelope(username, password_and_token),
        ),
    }
}

/// `password` + `token` (when appended), in a buffer zeroized on drop.
pub(crate) fn password_and_token(
    password: &SecretString,
    token: Option<&SecretString>,
) -> Zeroizing<String> {
    let password = password.expose_secret();
    let token = token.map(|t| t.expose_secret()).unwrap_or_default();
    let mut out = Zeroizing::new(String::with_capacity(password.len() + token.len()));
    out.push_str(password);
    out.push_str(token);
    out
}

/// Parses a login answer into a session, refusing a non-https server URL.
pub(crate) fn parse(
    method: LoginMethod,
    api_version: &str,
    resp: &HttpResponse,
) -> Result<Session, Failure> {
    match method {
        LoginMethod::Soap => {
            let r = soap::parse_login(resp).map_err(Failure::Wire)?;
            let instance = https_origin(&r.server_url).ok_or(Failure::Insecure)?;
            Ok(Session {
                id: r.session_id,
                soap_url: r.server_url,
                instance,
                user_id: Some(r.user_id),
                password_expired: r.password_expired,
            })
        }
        LoginMethod::OauthPassword => {
            let t = oauth::parse_token(resp).map_err(Failure::Wire)?;
            let instance = https_origin(&t.instance_url).ok_or(Failure::Insecure)?;
            Ok(Session {
                id: t.access_token,
                soap_url: soap::endpoint(&instance, api_version),
                instance,
                user_id: t.user_id,
                // The token answer has no passwordExpired: a heartbeat reads the password
                // status (job/expiry.rs); a change falls back to setPassword() when
                // changeOwnPassword() is refused with INVALID_OPERATION_WITH_EXPIRED_PASSWORD.
                password_expired: false,
            })
        }
    }
}

/// `https://host[:port]` of an https URL with a plain authority; `None` for anything else.
pub(crate) fn https_origin(url: &str) -> Option<String> {
    let (scheme, rest) = (url.get(..8)?, url.get(8..)?);
    if !scheme.eq_ignore_ascii_case("https://") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let bad = |c: char| c == '@' || c.is_whitespace() || c.is_control() || c == '\\';
    if authority.is_empty() || authority.contains(bad) || url.contains(char::is_whitespace) {
        return None;
    }
    Some(format!("https://{}", authority.to_ascii_lowercase()))
}

/// The host of a URL, for messages (never a path or query, which may carry ids).
pub(crate) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_hosts() {
        assert_eq!(
            https_origin("https://Acme.my.salesforce.com/services/Soap/u/64.0/00D").as_deref(),
            Some("https://acme.my.salesforce.com")
        );
        assert_eq!(https_origin("http://acme.my.salesforce.com/x"), None);
        assert_eq!(https_origin("https://user:pw@evil/x"), None);
        assert_eq!(https_origin("https://"), None);
        assert_eq!(https_origin("https://a b/"), None);
        assert_eq!(https_origin("ftp"), None);
        assert_eq!(https_origin("httpsé://x"), None);
        assert_eq!(
            host_of("https://u:p@Login.Salesforce.com/services?q=1"),
            "login.salesforce.com"
        );
    }
}
