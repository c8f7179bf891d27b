//! From an HTTP request to a call: which host, which API, which operation.

use crate::ctx::Ctx;
use crate::reply::Reply;
use crate::rest::{self, RestCall};
use crate::soap::{self, write::Flavor, SoapCall};
use crate::state::World;
use crate::version::ApiVersion;

/// A request the emulator will answer as Salesforce.
#[derive(Debug)]
pub enum Call {
    /// A SOAP operation.
    Soap(SoapCall),
    /// A REST resource.
    Rest(RestCall),
    /// An OAuth token request (form body).
    OAuth(Vec<u8>),
}

impl Call {
    /// The fault-injection endpoint name.
    pub fn endpoint(&self) -> &str {
        match self {
            Call::Soap(c) => c.endpoint(),
            Call::Rest(c) => c.endpoint(),
            Call::OAuth(_) => "oauth_token",
        }
    }

    /// Whether the answer is XML (else JSON).
    pub fn is_xml(&self) -> bool {
        matches!(self, Call::Soap(_))
    }

    /// Runs the call.
    pub fn execute(&self, world: &mut World, ctx: &Ctx) -> Reply {
        match self {
            Call::Soap(c) => soap::execute(world, ctx, c),
            Call::Rest(c) => rest::execute(world, ctx, c),
            Call::OAuth(form) => crate::oauth::token(world, ctx, form),
        }
    }
}

/// The parts of a request routing needs.
#[derive(Debug)]
pub struct Incoming<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path.
    pub path: &'a str,
    /// Query string.
    pub query: Option<&'a str>,
    /// Host header (or SNI).
    pub host: &'a str,
    /// Authorization header.
    pub authorization: Option<&'a str>,
}

/// Splits `host[:port]` into the lower-case host and the `:port` suffix URLs should keep.
pub fn split_host(authority: &str) -> (String, String) {
    let a = authority.trim();
    let (host, port) = if let Some(rest) = a.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => (a, None),
        }
    } else {
        match a.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
            _ => (a, None),
        }
    };
    let suffix = match port {
        Some(p) if !p.is_empty() && p != "443" => format!(":{p}"),
        _ => String::new(),
    };
    (host.trim_end_matches('.').to_ascii_lowercase(), suffix)
}

/// Routes a Salesforce request; requests that cannot be a call are answered at once.
pub fn route(world: &World, req: &Incoming<'_>, body: Vec<u8>) -> Result<(Ctx, Call), Reply> {
    let (host, port_suffix) = split_host(req.host);
    let Some(realm) = world.realm_of(&host) else {
        return Err(Reply::text(
            421,
            "misdirected request: address the emulator as login.salesforce.com (or localhost), \
             test.salesforce.com or an org's My Domain (resolve the name to this listener)\n",
        ));
    };
    let ctx = Ctx { realm, port_suffix };
    if let Some(rest) = req.path.strip_prefix("/services/Soap/") {
        let mut parts = rest.trim_end_matches('/').split('/');
        let flavor = match parts.next() {
            Some("u") => Flavor::Partner,
            Some("c") => Flavor::Enterprise,
            _ => return Err(not_found()),
        };
        if req.method != "POST" {
            return Err(Reply::text(405, "SOAP requests must be POSTed\n"));
        }
        let version = parts.next().and_then(ApiVersion::parse);
        let Some(version) = version.filter(ApiVersion::supported) else {
            return Err(soap::unsupported_version(flavor));
        };
        let Ok(text) = String::from_utf8(body) else {
            return Err(soap::write::client_fault("the request is not UTF-8"));
        };
        let call = soap::parse_call(flavor, version, &text)?;
        return Ok((ctx, Call::Soap(call)));
    }
    if let Some(rest) = req.path.strip_prefix("/services/data/") {
        let call = rest::parse_call(req.method, rest, req.query, req.authorization, body)?;
        return Ok((ctx, Call::Rest(call)));
    }
    if req.path.trim_end_matches('/') == "/services/oauth2/token" {
        if req.method != "POST" {
            return Err(Reply::text(405, "token requests must be POSTed\n"));
        }
        return Ok((ctx, Call::OAuth(body)));
    }
    Err(not_found())
}

fn not_found() -> Reply {
    Reply::html(
        404,
        "<html><head><title>URL No Longer Exists</title></head><body>URL No Longer Exists</body></html>\n"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::split_host;

    #[test]
    fn hosts_and_ports() {
        assert_eq!(
            split_host("Login.Salesforce.com"),
            ("login.salesforce.com".into(), "".into())
        );
        assert_eq!(
            split_host("acme.my.salesforce.com:443"),
            ("acme.my.salesforce.com".into(), "".into())
        );
        assert_eq!(
            split_host("acme.my.salesforce.com:8443"),
            ("acme.my.salesforce.com".into(), ":8443".into())
        );
        assert_eq!(split_host("[::1]:9"), ("::1".into(), ":9".into()));
    }
}
