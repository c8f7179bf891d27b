//! An HTTP answer before it meets the wire (status, headers, body).

/// Content type of every SOAP answer.
pub const XML: &str = "text/xml;charset=UTF-8";
/// Content type of every JSON answer.
pub const JSON: &str = "application/json;charset=UTF-8";

/// One REST error object, keys in Salesforce's order.
#[derive(serde::Serialize)]
struct RestError<'a> {
    message: &'a str,
    #[serde(rename = "errorCode")]
    error_code: &'a str,
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers (Content-Type included).
    pub headers: Vec<(&'static str, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// A SOAP (XML) answer.
    pub fn xml(status: u16, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", XML.to_string())],
            body: body.into_bytes(),
        }
    }

    /// A JSON answer, keys in the order `body` serializes them (answers Salesforce sends use
    /// ordered structs: a `serde_json::Value` object would sort its keys).
    pub fn json<T: serde::Serialize + ?Sized>(status: u16, body: &T) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", JSON.to_string())],
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }

    /// A REST error: a JSON array with one `{"message":…,"errorCode":…}`, in that order.
    pub fn rest_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &[RestError {
                message,
                error_code: code,
            }],
        )
    }

    /// A plain-text answer.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "text/plain;charset=UTF-8".to_string())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// An HTML page (maintenance pages, 404s).
    pub fn html(status: u16, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "text/html;charset=UTF-8".to_string())],
            body: body.into_bytes(),
        }
    }

    /// No content.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}
