//! The sans-IO boundary (SPEC section 8): what the plugin asks the host to send, and what the
//! host reports back. The host performs the I/O; the plugin never does.
//!
//! Driver loop, in this order:
//! 1. [`crate::Job::poll`] → [`Output::Send`] with an [`HttpRequest`], [`Output::Wait`] while a
//!    request is outstanding, or [`Output::Done`] with the final [`crate::JobResult`].
//! 2. The host answers each `Send` exactly once, with [`crate::Job::handle_response`] or
//!    [`crate::Job::handle_transport_error`], passing the request's `id`.
//! 3. Repeat until `Done`. After `Done`, `poll` keeps answering `Done` with the same result.

use serde::{Deserialize, Serialize};
use std::fmt;
use zeroize::Zeroize;

/// Identifies one request of a job; the host echoes it back with the answer.
pub type RequestId = u64;

/// An HTTPS request the plugin wants sent. Bodies and some headers carry secrets (passwords,
/// session ids): `Debug` redacts them, hosts must never log them, and the body and header values
/// are zeroized on drop (so fields can be borrowed or cloned, not moved out).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// Echo this back in `handle_response` / `handle_transport_error`.
    pub id: RequestId,
    /// `GET`, `POST` or `DELETE`.
    pub method: String,
    /// Absolute `https://` URL. The host checks it against the manifest allowlist first.
    pub url: String,
    /// Header name/value pairs, in order.
    pub headers: Vec<(String, String)>,
    /// The body as text (SOAP XML, JSON or a form); empty for none.
    pub body: String,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("id", &self.id)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("header_names", &names)
            .field(
                "body",
                &format_args!("[REDACTED {} bytes]", self.body.len()),
            )
            .finish()
    }
}

impl Drop for HttpRequest {
    fn drop(&mut self) {
        // Bodies carry passwords and session ids, headers a bearer token.
        self.body.zeroize();
        for (_, value) in &mut self.headers {
            value.zeroize();
        }
    }
}

/// What came back over HTTP. The host caps the body size (1 MiB) and reports a bigger one as
/// [`TransportErrorKind::TooLarge`]; the plugin checks the size again itself. The body is
/// zeroized on drop.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Header name/value pairs as received.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body decoded as UTF-8 (lossily, by the host).
    #[serde(default)]
    pub body: String,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field(
                "body",
                &format_args!("[REDACTED {} bytes]", self.body.len()),
            )
            .finish()
    }
}

impl Drop for HttpResponse {
    fn drop(&mut self) {
        // A login answer carries a session id (or an OAuth access token).
        self.body.zeroize();
    }
}

/// Why a request got no HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve.
    Dns,
    /// The TCP connection could not be made.
    Connect,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// No complete answer within the host's timeout.
    Timeout,
    /// The connection was reset or closed mid-exchange.
    Reset,
    /// The answer exceeded the host's response size cap.
    TooLarge,
    /// The host refused to send it: the URL is outside the manifest allowlist or not https.
    Denied,
}

/// A transport failure, reported with `handle_transport_error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransportError {
    /// What went wrong.
    pub kind: TransportErrorKind,
    /// Whether the server may have received (and acted on) the request. `false` only when the
    /// host knows the request never left (DNS, connect, TLS handshake, denied).
    pub maybe_sent: bool,
    /// An operator-facing detail from the host (e.g. which allowlist entry to add). Never
    /// carries a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What the host should do next.
#[must_use]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Output {
    /// Send this request and answer it.
    Send(HttpRequest),
    /// A request is outstanding: answer it before polling again.
    Wait,
    /// The job is over.
    Done(crate::JobResult),
}
