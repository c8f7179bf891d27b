//! The OAuth 2.0 username-password flow at `/services/oauth2/token`.

use std::fmt;

use secrecy::SecretString;
use serde::Deserialize;

use super::fault::{check_size, is_success, unparsed, Fault, WireError};
use crate::api::HttpResponse;

/// The token endpoint: `{login}/services/oauth2/token`.
pub fn token_url(login_url: &str) -> String {
    format!("{}/services/oauth2/token", login_url.trim_end_matches('/'))
}

/// Form content type and `Accept: application/json`.
pub fn headers() -> Vec<(String, String)> {
    vec![
        (
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("Accept".to_owned(), "application/json".to_owned()),
    ]
}

/// The form body `grant_type=password&client_id=…&client_secret=…&username=…&password=…`.
pub fn password_grant_body(
    client_id: &str,
    client_secret: &str,
    username: &str,
    password_and_token: &str,
) -> String {
    let capacity = 80
        + 3 * (client_id.len() + client_secret.len() + username.len() + password_and_token.len());
    form_urlencoded::Serializer::new(String::with_capacity(capacity))
        .append_pair("grant_type", "password")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret)
        .append_pair("username", username)
        .append_pair("password", password_and_token)
        .finish()
}

/// A successful token answer. `Debug` redacts the access token.
#[derive(Clone)]
pub struct TokenResponse {
    /// The access token; it also serves as a SOAP session id.
    pub access_token: SecretString,
    /// Where the org's APIs live, e.g. `https://acme.my.salesforce.com`.
    pub instance_url: String,
    /// The identity URL (`…/id/{orgId}/{userId}`).
    pub id_url: Option<String>,
    /// The org id, from the identity URL.
    pub org_id: Option<String>,
    /// The user id, from the identity URL.
    pub user_id: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[REDACTED]")
            .field("instance_url", &self.instance_url)
            .field("id_url", &self.id_url)
            .field("org_id", &self.org_id)
            .field("user_id", &self.user_id)
            .finish()
    }
}

/// Both shapes the endpoint answers with, in one pass (no intermediate `Value` holding the token).
#[derive(Deserialize)]
struct RawToken {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    instance_url: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

/// Parses the token endpoint's answer; OAuth errors become `Fault { code: "OAUTH_…" }`.
pub fn parse_token(resp: &HttpResponse) -> Result<TokenResponse, WireError> {
    check_size(resp)?;
    let raw = serde_json::from_str::<RawToken>(&resp.body)
        .ok()
        .or_else(|| {
            // Some gateways wrap the error object in an array.
            serde_json::from_str::<Vec<RawToken>>(&resp.body)
                .ok()
                .and_then(|items| items.into_iter().next())
        });
    if let Some(RawToken {
        error: Some(error),
        error_description,
        ..
    }) = &raw
    {
        if !error.is_empty() {
            return Err(WireError::Fault(Fault {
                code: format!("OAUTH_{}", error.to_ascii_uppercase()),
                message: error_description.clone().unwrap_or_default(),
            }));
        }
    }
    if !is_success(resp.status) {
        return Err(WireError::HttpStatus(resp.status));
    }
    let raw = raw.ok_or_else(|| unparsed(resp, "json: expected access_token, instance_url"))?;
    let (Some(access_token), Some(instance_url)) = (raw.access_token, raw.instance_url) else {
        return Err(WireError::malformed("access_token or instance_url missing"));
    };
    if access_token.is_empty() || instance_url.is_empty() {
        return Err(WireError::malformed("access_token or instance_url empty"));
    }
    let (org_id, user_id) = match raw.id.as_deref().and_then(ids_from_identity_url) {
        Some((org, user)) => (Some(org), Some(user)),
        None => (None, None),
    };
    Ok(TokenResponse {
        access_token: SecretString::from(access_token),
        instance_url,
        id_url: raw.id,
        org_id,
        user_id,
    })
}

/// `https://login.salesforce.com/id/{orgId}/{userId}` → `(orgId, userId)`.
fn ids_from_identity_url(url: &str) -> Option<(String, String)> {
    let path = url.split(['?', '#']).next()?;
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let user = segments.next()?;
    let org = segments.next()?;
    let marker = segments.next()?;
    (marker == "id" && !org.is_empty() && !user.is_empty())
        .then(|| (org.to_owned(), user.to_owned()))
}
