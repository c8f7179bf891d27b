//! HTTPS for the plugin's requests: one reqwest client per process (connection reuse), rustls
//! with the platform and webpki roots plus `--ca-cert`, no redirects followed, a per-request
//! timeout, a 1 MiB response cap, `--resolve` and `--proxy`. Every request is checked against
//! the manifest allowlist before anything is sent. Errors map honestly to
//! [`TransportErrorKind`] with `maybe_sent`.

use std::error::Error as StdError;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{redirect, Certificate, Client, Method, Proxy};
use sfrpc_plugin::{HttpRequest, HttpResponse, TransportError, TransportErrorKind};

use crate::allowlist::Allowlist;
use crate::resolve::{DnsError, ResolveRule, Resolver};

/// The response size cap (SPEC 5).
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// Which proxy the requests go through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// HTTPS_PROXY / https_proxy (and ALL_PROXY), honouring NO_PROXY: the CLI's default.
    #[default]
    Environment,
    /// An explicit proxy URL (`--proxy`).
    Url(String),
    /// None at all, whatever the environment says (the demo: its Salesforce host names are
    /// resolved to an in-process emulator and must never be tunnelled to the real ones).
    Disabled,
}

/// How the transport is set up (from the global CLI options).
#[derive(Clone, Debug, Default)]
pub struct TransportOptions {
    /// Bounds each request, connect to last body byte.
    pub timeout: Duration,
    /// The proxy to use.
    pub proxy: ProxySetting,
    /// Extra trust roots (PEM files).
    pub ca_certs: Vec<PathBuf>,
    /// `--resolve` rules.
    pub resolve: Vec<ResolveRule>,
}

/// Why the transport could not be built (a usage error: exit 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// A `--ca-cert` file could not be read or holds no certificate.
    #[error("--ca-cert {path}: {reason}")]
    CaCert {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// `--proxy` is not a proxy URL.
    #[error("--proxy: not a valid proxy URL")]
    Proxy,
    /// The TLS/HTTP client could not be built.
    #[error("cannot build the https client: {0}")]
    Client(String),
}

/// Sends the plugin's requests. Cheap to clone (the client is shared).
#[derive(Clone, Debug)]
pub struct Transport {
    client: Client,
    allowlist: Arc<Allowlist>,
}

impl Transport {
    /// Builds the one client of this process.
    pub fn new(options: &TransportOptions, allowlist: Allowlist) -> Result<Transport, SetupError> {
        let mut builder = Client::builder()
            .use_rustls_tls()
            .https_only(true)
            .redirect(redirect::Policy::none())
            .timeout(options.timeout)
            // A little shorter than the whole request's bound, so that a TCP connect or TLS
            // handshake that never finishes is reported as such (nothing was sent), not as the
            // total timeout (which must assume the request may have arrived).
            .connect_timeout(options.timeout - options.timeout / 10)
            .dns_resolver(Arc::new(Resolver::new(options.resolve.clone())))
            .user_agent(concat!("sfrpc/", env!("CARGO_PKG_VERSION")));
        for path in &options.ca_certs {
            let ca_err = |reason: String| SetupError::CaCert {
                path: path.display().to_string(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| ca_err(e.to_string()))?;
            let certs = Certificate::from_pem_bundle(&pem).map_err(|e| ca_err(e.to_string()))?;
            if certs.is_empty() {
                return Err(ca_err("no PEM certificate in the file".to_owned()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        match &options.proxy {
            ProxySetting::Environment => {}
            ProxySetting::Url(proxy) => {
                builder = builder.proxy(Proxy::all(proxy.as_str()).map_err(|_| SetupError::Proxy)?);
            }
            ProxySetting::Disabled => builder = builder.no_proxy(),
        }
        let client = builder
            .build()
            .map_err(|e| SetupError::Client(e.to_string()))?;
        Ok(Transport {
            client,
            allowlist: Arc::new(allowlist),
        })
    }

    /// Checks `request` against the allowlist, sends it and reads the capped answer.
    pub async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        if let Err(denial) = self.allowlist.check(&request.url) {
            return Err(TransportError {
                kind: TransportErrorKind::Denied,
                maybe_sent: false,
                detail: Some(denial.detail),
            });
        }
        let method = Method::from_bytes(request.method.as_bytes()).map_err(|_| TransportError {
            kind: TransportErrorKind::Denied,
            maybe_sent: false,
            detail: Some("the plugin asked for an invalid HTTP method".to_owned()),
        })?;
        let mut builder = self.client.request(method, request.url.as_str());
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let mut response = builder.send().await.map_err(|e| classify(&e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let too_large = || TransportError {
            kind: TransportErrorKind::TooLarge,
            maybe_sent: true,
            detail: Some(format!("the response exceeded {MAX_RESPONSE_BYTES} bytes")),
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

fn chain(e: &reqwest::Error) -> impl Iterator<Item = &(dyn StdError + 'static)> {
    let first: &(dyn StdError + 'static) = e;
    std::iter::successors(Some(first), |e: &&(dyn StdError + 'static)| (*e).source())
}

/// Whether a rustls error is inside (io::Error wraps it, and its `source()` skips the wrapped
/// error, so descend through `get_ref` too).
fn is_tls(e: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(e);
    for _ in 0..16 {
        let Some(err) = current else { return false };
        if err.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        current = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => err.source(),
        };
    }
    false
}

/// Maps a reqwest error to the plugin's vocabulary. `maybe_sent` is false only when the request
/// surely never left: DNS, TCP connect, TLS handshake.
fn classify(e: &reqwest::Error) -> TransportError {
    let (kind, maybe_sent, detail) = if e.is_builder() {
        // The request could not even be built (a header the plugin asked for is not valid
        // HTTP): nothing left this process.
        (
            TransportErrorKind::Denied,
            false,
            "the plugin asked for a request that is not valid HTTP",
        )
    } else if chain(e).any(|s| s.downcast_ref::<DnsError>().is_some()) {
        (
            TransportErrorKind::Dns,
            false,
            "the host name did not resolve",
        )
    } else if e.is_connect() && chain(e).any(is_tls) {
        (TransportErrorKind::Tls, false, "the TLS handshake failed")
    } else if e.is_connect() && e.is_timeout() {
        (
            TransportErrorKind::Timeout,
            false,
            "timed out while connecting",
        )
    } else if e.is_connect() {
        (
            TransportErrorKind::Connect,
            false,
            "the connection could not be made",
        )
    } else if e.is_timeout() {
        (
            TransportErrorKind::Timeout,
            true,
            "no complete answer within the timeout",
        )
    } else {
        (
            TransportErrorKind::Reset,
            true,
            "the connection closed before a complete answer",
        )
    };
    TransportError {
        kind,
        maybe_sent,
        detail: Some(detail.to_owned()),
    }
}
