//! The wasm facade: one thin `#[wasm_bindgen]` wrapper around [`crate::Job`] for JS hosts.
//!
//! JS sees `new WasmJob(requestJson, nowMs)`, `poll(nowMs)`, `handleResponse(id, response,
//! nowMs)` and `handleTransportError(id, error, nowMs)`. Values cross as plain JS objects
//! (serde-wasm-bindgen, JSON-compatible: maps become objects, `u64` becomes a number).
//! Nothing else in the crate knows about wasm.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{HttpResponse, Job, RequestId, TransportError};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Secret Server's result vocabulary. */
export type Status = "Success" | "LoginFailed" | "AccountLockedOut" | "AccessDenied"
  | "ArgumentError" | "UnableToConnect" | "PasswordRejected" | "UnknownError";
/** Which password is in effect after the job. */
export type ActivePassword = "current" | "new" | "unknown" | "pending";
/** One operation on one secret. */
export type Operation = "heartbeat" | "change" | "diagnose";
/** One precondition checked by preflight or diagnose. */
export interface Check {
  name: string;
  outcome: "pass" | "warn" | "fail" | "skip";
  detail: string;
  remediation?: string;
}
/** The job's answer to the host (SPEC section 4). */
export interface JobResult {
  operation: Operation;
  secret_id: number | null;
  secret_name: string | null;
  site: string | null;
  status: Status;
  code: string;
  message: string;
  remediation: string | null;
  active_password: ActivePassword;
  retryable: boolean;
  retry_with_new_password?: boolean;
  failed_logins: number;
  change_sent?: boolean;
  refused_credentials?: Array<{ role: "current" | "pending" | "privileged"; status: Status; code: string }>;
  checks: Check[];
  log: string[];
}
/** The request a host hands the plugin (SPEC section 3), as JSON text. */
export interface JobRequest {
  operation: Operation;
  [field: string]: unknown;
}
/** An HTTPS request the plugin wants sent. Body and headers may carry secrets. */
export interface HttpRequest {
  id: number;
  method: "GET" | "POST" | "DELETE";
  url: string;
  headers: [string, string][];
  body: string;
}
/** What came back over HTTP. */
export interface HttpResponse {
  status: number;
  headers?: [string, string][];
  body?: string;
}
/** Why a request got no HTTP answer. */
export type TransportErrorKind = "dns" | "connect" | "tls" | "timeout" | "reset" | "too_large" | "denied";
/** A transport failure. */
export interface TransportError {
  kind: TransportErrorKind;
  maybe_sent: boolean;
  detail?: string;
}
/** What the host should do next. */
export type Output =
  | ({ type: "send" } & HttpRequest)
  | { type: "wait" }
  | ({ type: "done" } & JobResult);
"#;

/// One job driven from JS: a thin owner of [`Job`].
#[wasm_bindgen]
pub struct WasmJob {
    job: Job,
}

/// Converts a JS millisecond timestamp to the core's `u64` (negative or NaN → 0).
fn ms(now_ms: f64) -> u64 {
    if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    }
}

/// Converts a JS request id; ids are small integers the plugin handed out.
fn request_id(id: f64) -> Result<RequestId, JsError> {
    if id.is_finite() && id >= 0.0 && id.fract() == 0.0 && id <= 9_007_199_254_740_991.0 {
        Ok(id as RequestId)
    } else {
        Err(JsError::new("request id must be a non-negative integer"))
    }
}

#[wasm_bindgen]
impl WasmJob {
    /// Starts a job from the request JSON (SPEC section 3). A bad request is not an
    /// exception: the first `poll` answers `done` with `ArgumentError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = requestJson)] request_json: &str,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> WasmJob {
        WasmJob {
            job: Job::new(request_json, ms(now_ms)),
        }
    }

    /// The next thing for the host to do, as an `Output` object.
    #[wasm_bindgen(unchecked_return_type = "Output")]
    pub fn poll(
        &mut self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsError> {
        let output = self.job.poll(ms(now_ms));
        output
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|_| JsError::new("could not convert the plugin output to a JS value"))
    }

    /// The HTTP answer (`HttpResponse`) to request `id`.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        id: f64,
        #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<(), JsError> {
        let id = request_id(id)?;
        let response: HttpResponse = serde_wasm_bindgen::from_value(response)
            .map_err(|_| JsError::new("invalid HttpResponse: expected {status, headers, body}"))?;
        self.job.handle_response(id, response, ms(now_ms));
        Ok(())
    }

    /// Request `id` got no HTTP answer (`TransportError`).
    #[wasm_bindgen(js_name = handleTransportError)]
    pub fn handle_transport_error(
        &mut self,
        id: f64,
        #[wasm_bindgen(unchecked_param_type = "TransportError")] error: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<(), JsError> {
        let id = request_id(id)?;
        let error: TransportError = serde_wasm_bindgen::from_value(error).map_err(|_| {
            JsError::new("invalid TransportError: expected {kind, maybe_sent, detail?}")
        })?;
        self.job.handle_transport_error(id, error, ms(now_ms));
        Ok(())
    }
}
