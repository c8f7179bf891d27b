//! What Salesforce answered when it did not answer with success: the codec's error type.

use crate::api::HttpResponse;

/// The largest response body the codec reads (1 MiB); anything bigger is [`WireError::TooLarge`].
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// A Salesforce fault or error body.
///
/// `code` is the Salesforce exception code verbatim, without a prefix (`INVALID_LOGIN`); for
/// REST error arrays the first item's `errorCode`; for OAuth `OAUTH_` + the uppercased `error`
/// (`OAUTH_INVALID_GRANT`). `message` is Salesforce's text (SOAP `exceptionMessage`, REST
/// `message`, OAuth `error_description`). Salesforce never echoes credentials in these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The exception code, e.g. `INVALID_LOGIN`.
    pub code: String,
    /// Salesforce's human-readable message.
    pub message: String,
}

/// Why a response is not the success the operation expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// Salesforce answered with a fault / error body (any HTTP status).
    #[error("salesforce fault {}: {}", .0.code, .0.message)]
    Fault(Fault),
    /// A status the operation does not expect, with no recognisable fault body.
    #[error("unexpected http status {0}")]
    HttpStatus(u16),
    /// The body could not be parsed or lacks a required element; names elements only.
    #[error("malformed response: {0}")]
    Malformed(String),
    /// The body is larger than [`MAX_RESPONSE_BYTES`].
    #[error("response larger than 1 MiB")]
    TooLarge,
}

impl WireError {
    /// A `Malformed` error describing what is wrong (element names only).
    pub(crate) fn malformed(what: impl Into<String>) -> WireError {
        WireError::Malformed(what.into())
    }
}

/// Refuses bodies over [`MAX_RESPONSE_BYTES`].
pub(crate) fn check_size(resp: &HttpResponse) -> Result<(), WireError> {
    if resp.body.len() > MAX_RESPONSE_BYTES {
        Err(WireError::TooLarge)
    } else {
        Ok(())
    }
}

/// True for a 2xx status.
pub(crate) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The error for a body without a recognisable fault that did not parse: `HttpStatus` for a
/// non-2xx answer (an HTML error page), otherwise `Malformed` with `what`.
pub(crate) fn unparsed(resp: &HttpResponse, what: &str) -> WireError {
    if is_success(resp.status) {
        WireError::malformed(what)
    } else {
        WireError::HttpStatus(resp.status)
    }
}
