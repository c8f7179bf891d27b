//! REST: `/services/data/v{ver}/query` and `/services/data/v{ver}/sobjects/User/{id}/password`.

use serde_json::json;

use crate::ctx::Ctx;
use crate::messages as msg;
use crate::reply::Reply;
use crate::soql;
use crate::state::{ApiCaller, ApiRefusal, PasswordError, World};
use crate::version::ApiVersion;

/// Which REST resource a request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// `query?q=…`.
    Query(Option<String>),
    /// `sobjects/User/{id}/password`.
    Password(String),
}

/// A parsed REST request.
#[derive(Debug)]
pub struct RestCall {
    /// Version from the path.
    pub version: ApiVersion,
    /// The resource.
    pub resource: Resource,
    /// HTTP method.
    pub method: String,
    /// The bearer token (session id or access token).
    pub bearer: Option<String>,
    /// Request body.
    pub body: Vec<u8>,
}

impl RestCall {
    /// The fault-injection endpoint name of this call.
    pub fn endpoint(&self) -> &'static str {
        match self.resource {
            Resource::Query(_) => "rest_query",
            Resource::Password(_) => "rest_password",
        }
    }
}

/// Parses a request under `/services/data/`; unknown resources are answered at once.
pub fn parse_call(
    method: &str,
    rest_path: &str,
    query: Option<&str>,
    authorization: Option<&str>,
    body: Vec<u8>,
) -> Result<RestCall, Reply> {
    let not_found = || Reply::rest_error(404, "NOT_FOUND", msg::NOT_FOUND);
    let mut parts = rest_path.trim_end_matches('/').split('/');
    let version = parts
        .next()
        .and_then(|v| v.strip_prefix('v'))
        .and_then(ApiVersion::parse)
        .filter(ApiVersion::supported)
        .ok_or_else(not_found)?;
    let rest: Vec<&str> = parts.collect();
    let resource = match rest.as_slice() {
        ["query"] => Resource::Query(query.and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "q")
                .map(|(_, v)| v.into_owned())
        })),
        ["sobjects", "User", id, "password"] => Resource::Password((*id).to_string()),
        _ => return Err(not_found()),
    };
    let bearer = authorization.and_then(|a| {
        let (scheme, token) = a.trim().split_once(' ')?;
        let ok = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth");
        ok.then(|| token.trim().to_string())
    });
    Ok(RestCall {
        version,
        resource,
        method: method.to_ascii_uppercase(),
        bearer,
        body,
    })
}

/// Runs a REST call.
pub fn execute(world: &mut World, ctx: &Ctx, call: &RestCall) -> Reply {
    let password = matches!(call.resource, Resource::Password(_));
    let caller = match world.api_session(ctx.realm, call.bearer.as_deref(), password) {
        Ok(c) => c,
        Err(r) => return refusal(r),
    };
    match &call.resource {
        Resource::Query(None) => {
            Reply::rest_error(400, "MALFORMED_QUERY", "query parameter q is required")
        }
        Resource::Query(Some(q)) if call.method == "GET" => {
            match soql::run(world, caller.user, q) {
                Ok(rows) => Reply::json(200, &soql::to_json(&rows, &call.version.text)),
                Err(e) => Reply::rest_error(400, e.code, &e.message),
            }
        }
        Resource::Password(id) => password_resource(world, caller, call, id),
        Resource::Query(Some(_)) => method_not_allowed(&call.method),
    }
}

fn password_resource(world: &mut World, caller: ApiCaller, call: &RestCall, id: &str) -> Reply {
    match call.method.as_str() {
        "GET" | "HEAD" => match world.password_status(caller, id) {
            Ok(expired) if call.method == "GET" => Reply::json(200, &json!({"isExpired": expired})),
            Ok(_) => Reply::empty(200),
            Err(PasswordError::InsufficientAccess) => {
                Reply::rest_error(403, "INSUFFICIENT_ACCESS", msg::REST_INSUFFICIENT_ACCESS)
            }
            Err(e) => password_error(&e),
        },
        "POST" => {
            let new = serde_json::from_slice::<serde_json::Value>(&call.body)
                .ok()
                .and_then(|v| {
                    v.get("NewPassword")
                        .and_then(|p| p.as_str())
                        .map(str::to_string)
                });
            let Some(new) = new else {
                return Reply::rest_error(
                    400,
                    "JSON_PARSER_ERROR",
                    "the body must be a JSON object with a NewPassword string",
                );
            };
            match world.set_password(caller, id, &new) {
                Ok(()) => Reply::empty(204),
                Err(e) => password_error(&e),
            }
        }
        "DELETE" => match world.reset_password(caller, id) {
            Ok(p) => Reply::json(200, &json!({"NewPassword": p})),
            Err(e) => password_error(&e),
        },
        m => method_not_allowed(m),
    }
}

fn method_not_allowed(method: &str) -> Reply {
    Reply::rest_error(
        405,
        "METHOD_NOT_ALLOWED",
        &format!("HTTP Method '{method}' not allowed. Allowed are GET,HEAD,POST,DELETE"),
    )
}

/// The REST answer for a call refused before it ran.
pub fn refusal(r: ApiRefusal) -> Reply {
    match r {
        ApiRefusal::InvalidSession => {
            Reply::rest_error(401, "INVALID_SESSION_ID", msg::REST_INVALID_SESSION)
        }
        ApiRefusal::ApiDisabledForOrg => {
            Reply::rest_error(403, "API_DISABLED_FOR_ORG", msg::REST_API_DISABLED_FOR_ORG)
        }
        ApiRefusal::ApiCurrentlyDisabled => {
            Reply::rest_error(403, "API_CURRENTLY_DISABLED", msg::API_CURRENTLY_DISABLED)
        }
        ApiRefusal::RequestLimit => {
            Reply::rest_error(403, "REQUEST_LIMIT_EXCEEDED", msg::REQUEST_LIMIT)
        }
        ApiRefusal::ExpiredPassword => Reply::rest_error(
            401,
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            msg::EXPIRED_PASSWORD,
        ),
    }
}

fn password_error(e: &PasswordError) -> Reply {
    match e {
        PasswordError::InvalidNew(m) => Reply::rest_error(400, "INVALID_NEW_PASSWORD", m),
        PasswordError::InvalidOld => {
            Reply::rest_error(400, "INVALID_OLD_PASSWORD", msg::INVALID_OLD_PASSWORD)
        }
        PasswordError::MalformedId | PasswordError::UnknownId => {
            Reply::rest_error(404, "NOT_FOUND", msg::NOT_FOUND)
        }
        PasswordError::SelfNotAllowed => {
            Reply::rest_error(403, "INSUFFICIENT_ACCESS", msg::SET_PASSWORD_SELF)
        }
        PasswordError::InsufficientAccess => {
            Reply::rest_error(403, "INSUFFICIENT_ACCESS", msg::INSUFFICIENT_ACCESS)
        }
        PasswordError::ExpiredPassword => refusal(ApiRefusal::ExpiredPassword),
    }
}
