//! sfrpc-plugin: the sans-IO core of sfrpc, a remote password changer for Salesforce.
//!
//! A [`Job`] takes one request (SPEC section 3), runs preflight, asks its host to send HTTPS
//! requests to Salesforce (SOAP, REST, OAuth), and ends with a [`JobResult`] (SPEC section 4).
//! It opens no socket, reads no clock, draws no randomness and touches no file: time enters
//! as `now_ms` arguments and every byte on the wire passes through the host.

pub mod api;
pub mod codec;
mod iprange;
mod job;
mod json;
pub mod outcome;
mod policy;
mod preflight;
mod request;
pub mod result;
mod secret;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use api::{HttpRequest, HttpResponse, Output, RequestId, TransportError, TransportErrorKind};
pub use job::Job;
pub use policy::{Complexity, PasswordPolicy, PolicyViolation, SPECIAL_CHARACTERS};
pub use preflight::LOGIN_URLS;
pub use request::{LoginMethod, Request, RequestError, DEFAULT_API_VERSION};
pub use result::{
    ActivePassword, Check, CheckOutcome, CredentialRole, JobResult, Operation, RefusedCredential,
    Status,
};
