//! Injected faults: per endpoint, after letting the first `skip` matching requests through,
//! for the next `times` matching requests or for ever.

use serde::Deserialize;
use serde_json::{json, Value};

/// The endpoints a fault can target.
pub const ENDPOINTS: &[&str] = &[
    "login",
    "logout",
    "changeOwnPassword",
    "setPassword",
    "resetPassword",
    "getUserInfo",
    "query",
    "rest_query",
    "rest_password",
    "oauth_token",
];

/// What happens to a request that matches a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait `delay_ms`, then answer normally.
    Delay,
    /// Reset the connection (TCP RST) without applying the operation.
    ResetBefore,
    /// Apply the operation, then reset the connection (TCP RST) without answering.
    ResetAfter,
    /// HTTP 500 with an HTML maintenance page (not applied).
    #[serde(rename = "http_500_html")]
    Http500Html,
    /// HTTP 503 with an HTML maintenance page (not applied).
    #[serde(rename = "http_503_html")]
    Http503Html,
    /// Apply the operation, then answer 200 with the real body cut in half.
    MalformedXml,
    /// HTTP 200 with a 2 MiB body (not applied).
    Oversized,
    /// HTTP 302 to https://evil.example.net/… (not applied).
    Redirect,
}

/// One armed fault.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Which endpoint it matches.
    pub endpoint: String,
    /// What it does.
    pub kind: FaultKind,
    /// Delay before acting, in ms.
    pub delay_ms: u64,
    /// Matching requests still to let through untouched before the fault fires.
    pub skip: u32,
    /// Remaining matches; None: for ever.
    pub remaining: Option<u32>,
}

/// The faults armed now, first armed first matched.
#[derive(Debug, Default)]
pub struct FaultPlan {
    faults: Vec<Fault>,
}

/// A `POST /__emulator/faults` body, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    endpoint: String,
    kind: FaultKind,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default)]
    skip: u32,
    #[serde(default = "times_absent", deserialize_with = "times_value")]
    times: Option<u32>,
}

fn times_absent() -> Option<u32> {
    Some(1)
}

fn times_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    // Present and null means "always"; absent means once (see `times_absent`).
    Option::<u32>::deserialize(d)
}

impl FaultPlan {
    /// Arms a fault from a control-API body; the error is a message for the tester.
    pub fn arm(&mut self, body: &[u8]) -> Result<(), String> {
        let req: FaultRequest =
            serde_json::from_slice(body).map_err(|e| crate::error::json_error(&e))?;
        if !ENDPOINTS.contains(&req.endpoint.as_str()) {
            return Err(format!(
                "unknown endpoint {:?}; one of {}",
                req.endpoint,
                ENDPOINTS.join(", ")
            ));
        }
        if req.times == Some(0) {
            return Err("times must be at least 1 (or null for always)".into());
        }
        self.faults.push(Fault {
            endpoint: req.endpoint,
            kind: req.kind,
            delay_ms: req.delay_ms.unwrap_or(0),
            skip: req.skip,
            remaining: req.times,
        });
        Ok(())
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// Takes the fault for a request to `endpoint`, counting it down. Every armed fault of
    /// the endpoint that is still skipping counts the request as one of those it lets
    /// through (whether or not another fault acts on it); of the faults ready to fire, the
    /// first armed one acts.
    pub fn take(&mut self, endpoint: &str) -> Option<Fault> {
        let mut fire = None;
        for (i, f) in self.faults.iter_mut().enumerate() {
            if f.endpoint != endpoint {
                continue;
            }
            if f.skip > 0 {
                f.skip -= 1;
            } else if fire.is_none() {
                fire = Some(i);
            }
        }
        let i = fire?;
        let fault = self.faults[i].clone();
        if let Some(n) = &mut self.faults[i].remaining {
            *n -= 1;
            if *n == 0 {
                self.faults.remove(i);
            }
        }
        Some(fault)
    }

    /// The armed faults as JSON.
    pub fn view(&self) -> Value {
        self.faults
            .iter()
            .map(|f| {
                json!({"endpoint": f.endpoint, "kind": f.kind, "delay_ms": f.delay_ms,
                       "skip": f.skip, "times": f.remaining})
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_defaults_to_once_and_null_means_always() {
        let mut plan = FaultPlan::default();
        plan.arm(br#"{"endpoint":"login","kind":"reset_before"}"#)
            .unwrap();
        assert!(plan.take("login").is_some());
        assert!(plan.take("login").is_none());
        plan.arm(br#"{"endpoint":"login","kind":"delay","delay_ms":5,"times":null}"#)
            .unwrap();
        for _ in 0..3 {
            assert_eq!(plan.take("login").map(|f| f.delay_ms), Some(5));
        }
        assert!(plan.arm(br#"{"endpoint":"nope","kind":"delay"}"#).is_err());
        assert!(plan
            .arm(br#"{"endpoint":"login","kind":"explode"}"#)
            .is_err());
        for kind in [
            "http_500_html",
            "http_503_html",
            "malformed_xml",
            "reset_after",
        ] {
            let body = format!(r#"{{"endpoint":"query","kind":"{kind}"}}"#);
            assert!(plan.arm(body.as_bytes()).is_ok(), "{kind}");
        }
    }

    #[test]
    fn skip_lets_calls_through_then_times_counts_down() {
        let mut plan = FaultPlan::default();
        plan.arm(br#"{"endpoint":"login","kind":"http_503_html","skip":2,"times":2}"#)
            .unwrap();
        let fired: Vec<bool> = (0..6).map(|_| plan.take("login").is_some()).collect();
        assert_eq!(fired, [false, false, true, true, false, false]);
        // A skipping fault counts requests another fault acted on.
        plan.arm(br#"{"endpoint":"login","kind":"reset_before"}"#)
            .unwrap();
        plan.arm(br#"{"endpoint":"login","kind":"reset_after","skip":1}"#)
            .unwrap();
        assert_eq!(
            plan.take("login").map(|f| f.kind),
            Some(FaultKind::ResetBefore)
        );
        assert_eq!(
            plan.take("login").map(|f| f.kind),
            Some(FaultKind::ResetAfter)
        );
        assert!(plan.take("login").is_none());
        assert!(plan.take("query").is_none());
    }
}

/// The canned answers of the faults that do not reach Salesforce.
pub mod canned {
    use crate::reply::{Reply, JSON, XML};

    const MIB: usize = 1024 * 1024;

    fn page(status: u16, title: &str) -> Reply {
        Reply::html(
            status,
            format!(
                "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><h1>{title}</h1><p>Salesforce is temporarily unavailable. Please try again later.</p></body></html>\n"
            ),
        )
    }

    /// HTTP 500 with an HTML page.
    pub fn http_500() -> Reply {
        page(500, "Internal Server Error")
    }

    /// HTTP 503 with an HTML maintenance page.
    pub fn http_503() -> Reply {
        let mut r = page(503, "Service Unavailable");
        r.headers.push(("retry-after", "120".into()));
        r
    }

    /// A 2 MiB 200 answer in the endpoint's content type.
    pub fn oversized(xml: bool) -> Reply {
        let (open, close, ty) = if xml {
            (
                r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><!--"#,
                "--></soapenv:Body></soapenv:Envelope>",
                XML,
            )
        } else {
            (r#"{"padding":""#, r#""}"#, JSON)
        };
        let mut body = String::with_capacity(2 * MIB);
        body.push_str(open);
        body.push_str(&"x".repeat(2 * MIB - open.len() - close.len()));
        body.push_str(close);
        Reply {
            status: 200,
            headers: vec![("content-type", ty.to_string())],
            body: body.into_bytes(),
        }
    }

    /// A 302 to a host outside Salesforce.
    pub fn redirect(path: &str) -> Reply {
        let location = format!("https://evil.example.net{path}");
        let mut r = Reply::html(
            302,
            format!("<html><body>Moved: <a href=\"{location}\">here</a></body></html>"),
        );
        r.headers.push(("location", location));
        r
    }

    /// The real answer cut in half, sent as a 200.
    pub fn truncated(mut real: Reply) -> Reply {
        let half = real.body.len() / 2;
        real.body.truncate(half.max(1).min(real.body.len()));
        real.status = 200;
        real
    }
}
