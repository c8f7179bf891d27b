//! The REST API (JSON): SOQL queries and the `sobjects/User/{id}/password` resource.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fault::{check_size, is_success, unparsed, Fault, WireError};
use crate::api::HttpResponse;

/// Everything but RFC 3986 unreserved characters is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The REST base: `{instance}/services/data/v{api_version}`.
pub fn base(instance_url: &str, api_version: &str) -> String {
    format!(
        "{}/services/data/v{}",
        instance_url.trim_end_matches('/'),
        api_version
    )
}

/// `{base}/query?q=…` with the SOQL percent-encoded.
pub fn query_url(instance_url: &str, api_version: &str, soql: &str) -> String {
    format!(
        "{}/query?q={}",
        base(instance_url, api_version),
        utf8_percent_encode(soql, COMPONENT)
    )
}

/// `{base}/sobjects/User/{user_id}/password`.
pub fn password_url(instance_url: &str, api_version: &str, user_id: &str) -> String {
    format!(
        "{}/sobjects/User/{}/password",
        base(instance_url, api_version),
        utf8_percent_encode(user_id, COMPONENT)
    )
}

/// `Authorization: Bearer …` and `Accept: application/json`.
pub fn headers(session_id: &str) -> Vec<(String, String)> {
    vec![
        ("Authorization".to_owned(), format!("Bearer {session_id}")),
        ("Accept".to_owned(), "application/json".to_owned()),
    ]
}

/// [`headers`] plus `Content-Type: application/json`, for requests with a body.
pub fn json_headers(session_id: &str) -> Vec<(String, String)> {
    let mut headers = headers(session_id);
    headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    headers
}

#[derive(Serialize)]
struct NewPassword<'a> {
    #[serde(rename = "NewPassword")]
    new_password: &'a str,
}

/// The POST body that sets a password: `{"NewPassword":"…"}`.
pub fn set_password_body(new: &str) -> String {
    serde_json::to_string(&NewPassword { new_password: new })
        .expect("a struct of one string always serializes")
}

/// One page of a SOQL query.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryResult {
    /// `totalSize`: how many records match in all.
    pub total_size: u64,
    /// `done`: false when more pages follow (`nextRecordsUrl`).
    pub done: bool,
    /// The records as returned (relationship fields are nested objects).
    pub records: Vec<Value>,
}

#[derive(Deserialize)]
struct RawQuery {
    #[serde(rename = "totalSize")]
    total_size: u64,
    done: bool,
    #[serde(default)]
    records: Vec<Value>,
}

/// Parses a `query` answer.
pub fn parse_query(resp: &HttpResponse) -> Result<QueryResult, WireError> {
    let raw: RawQuery = parse_success(resp, "query result (totalSize, done, records)")?;
    Ok(QueryResult {
        total_size: raw.total_size,
        done: raw.done,
        records: raw.records,
    })
}

#[derive(Deserialize)]
struct PasswordStatus {
    #[serde(rename = "isExpired")]
    is_expired: bool,
}

/// Parses `GET …/password`: whether the password has expired (`isExpired`).
pub fn parse_password_status(resp: &HttpResponse) -> Result<bool, WireError> {
    let status: PasswordStatus = parse_success(resp, "password status (isExpired)")?;
    Ok(status.is_expired)
}

/// Parses `POST …/password`: 204 (or 200) means the password was set.
pub fn parse_no_content(resp: &HttpResponse) -> Result<(), WireError> {
    check_size(resp)?;
    if let Some(fault) = rest_fault(&resp.body) {
        return Err(WireError::Fault(fault));
    }
    match resp.status {
        200 | 204 => Ok(()),
        other => Err(WireError::HttpStatus(other)),
    }
}

/// Size check, fault detection, status check and JSON decoding shared by the parsers.
fn parse_success<T: for<'de> Deserialize<'de>>(
    resp: &HttpResponse,
    what: &str,
) -> Result<T, WireError> {
    check_size(resp)?;
    if let Some(fault) = rest_fault(&resp.body) {
        return Err(WireError::Fault(fault));
    }
    if !is_success(resp.status) {
        return Err(WireError::HttpStatus(resp.status));
    }
    serde_json::from_str(&resp.body).map_err(|_| unparsed(resp, &format!("json: expected {what}")))
}

#[derive(Deserialize)]
struct RawError {
    #[serde(rename = "errorCode")]
    error_code: String,
    #[serde(default)]
    message: Option<String>,
}

/// A REST error body: `[{"message","errorCode","fields"?}, …]` (first item) or one such object.
pub(crate) fn rest_fault(body: &str) -> Option<Fault> {
    let raw = match serde_json::from_str::<Value>(body).ok()? {
        Value::Array(items) => items.into_iter().next()?,
        object @ Value::Object(_) => object,
        _ => return None,
    };
    let error: RawError = serde_json::from_value(raw).ok()?;
    Some(Fault {
        code: error.error_code,
        message: error.message.unwrap_or_default(),
    })
}
