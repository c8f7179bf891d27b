//! Salesforce wire formats: SOAP (Partner API), REST and OAuth messages, built and parsed
//! without I/O. Response parsers take the whole [`crate::api::HttpResponse`] and say only what
//! Salesforce answered ([`WireError`]); what that means for the job is decided elsewhere.
//!
//! Every parser checks the body size first ([`MAX_RESPONSE_BYTES`]), then looks for a
//! recognisable fault (any status), then for a 2xx with the expected shape.

mod fault;
pub mod oauth;
pub mod rest;
pub mod soap;
pub mod soql;
mod xml;

pub use fault::{Fault, WireError, MAX_RESPONSE_BYTES};
