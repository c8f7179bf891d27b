//! sfrpc-plugin: the sans-IO core of sfrpc, a remote password changer for Salesforce.
//!
//! A [`Job`] takes one request (SPEC section 3), runs preflight, asks its host to send HTTPS
//! requests to Salesforce (SOAP, REST, OAuth), and ends with a [`JobResult`] (SPEC section 4).
//! It opens no socket, reads no clock, draws no randomness and touches no file: time enters
//! as `now_ms` arguments and every byte on the wire passes through the host.

pub mod api;
pub mod result;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use api::{HttpRequest, HttpResponse, Output, RequestId, TransportError, TransportErrorKind};
pub use result::{
    ActivePassword, Check, CheckOutcome, CredentialRole, JobResult, Operation, Status,
};

/// One operation on one secret: the state machine a host drives (see [`api`] for the loop).
pub struct Job {
    _private: (),
}

impl Job {
    /// Starts a job from the request JSON. Never fails: a bad request makes a job whose first
    /// `poll` is `Done` with `ArgumentError`.
    pub fn new(_request_json: &str, _now_ms: u64) -> Job {
        todo!("plugin core")
    }

    /// The next thing for the host to do.
    pub fn poll(&mut self, _now_ms: u64) -> Output {
        todo!("plugin core")
    }

    /// The HTTP answer to request `id`.
    pub fn handle_response(&mut self, _id: RequestId, _response: HttpResponse, _now_ms: u64) {
        todo!("plugin core")
    }

    /// Request `id` got no HTTP answer.
    pub fn handle_transport_error(&mut self, _id: RequestId, _error: TransportError, _now_ms: u64) {
        todo!("plugin core")
    }
}
