//! OAuth 2.0 username-password flow: `POST /services/oauth2/token`.

use serde::Serialize;

use crate::ctx::Ctx;
use crate::ids;
use crate::reply::Reply;
use crate::state::{LoginChannel, LoginRefusal, World};

/// An OAuth error body.
#[derive(Serialize)]
struct OAuthError<'a> {
    error: &'a str,
    error_description: &'a str,
}

/// A token answer, keys in the order Salesforce sends them.
#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    instance_url: String,
    id: String,
    token_type: &'static str,
    issued_at: String,
    signature: String,
}

fn error(code: &str, description: &str) -> Reply {
    Reply::json(
        400,
        &OAuthError {
            error: code,
            error_description: description,
        },
    )
}

/// Runs a token request (form-encoded body).
pub fn token(world: &mut World, ctx: &Ctx, form: &[u8]) -> Reply {
    let field = |name: &str| {
        form_urlencoded::parse(form)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if field("grant_type").as_deref() != Some("password") {
        return error("unsupported_grant_type", "grant type not supported");
    }
    let client_id = field("client_id").unwrap_or_default();
    let app = world.orgs.iter().enumerate().find_map(|(i, o)| {
        o.file
            .connected_apps
            .iter()
            .find(|a| a.client_id == client_id)
            .map(|a| (i, a.client_secret.clone()))
    });
    let Some((app_org, secret)) = app else {
        return error("invalid_client_id", "client identifier invalid");
    };
    if field("client_secret").unwrap_or_default() != secret {
        return error("invalid_client", "invalid client credentials");
    }
    let username = field("username").unwrap_or_default();
    let password = field("password").unwrap_or_default();
    let org_id = world.orgs[app_org].file.org_id.clone();
    let channel = LoginChannel::OAuthPassword;
    match world.login(ctx.realm, channel, &username, &password, Some(&org_id)) {
        Ok(ok) => {
            let u = &world.users[ok.user];
            let instance = format!("https://{}", ctx.authority_of(world, ok.user));
            // The identity URL names the login host of the org's kind, whatever host the
            // token request came in on (a My Domain, or a test alias such as localhost).
            let login_host = if world.orgs[u.org].file.sandbox.is_some() {
                "test.salesforce.com"
            } else {
                "login.salesforce.com"
            };
            let id = format!("https://{login_host}/id/{}/{}", ids::to18(&org_id), u.id);
            Reply::json(
                200,
                &TokenResponse {
                    access_token: ok.session_id,
                    instance_url: instance,
                    id,
                    token_type: "Bearer",
                    issued_at: world.now_ms().to_string(),
                    signature: format!("{}=", ids::random_base62(43)),
                },
            )
        }
        Err(LoginRefusal::RestrictedDomain) => error("invalid_grant", "ip restricted"),
        Err(LoginRefusal::RateExceeded) => error("invalid_grant", "login rate exceeded"),
        Err(_) => error("invalid_grant", "authentication failure"),
    }
}
