//! Injected faults: every kind, whether the operation was applied, `times` and clearing.

mod common;

use std::time::{Duration, Instant};

use common::users::*;
use common::*;
use reqwest::Method;
use serde_json::json;

/// Sends a setPassword for svc.rotate as the admin; Err when the connection was dropped.
async fn set_rotate_password(
    h: &Harness,
    s: &Session,
    new: &str,
) -> Result<(u16, String, Vec<u8>), reqwest::Error> {
    let env = format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>{}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:setPassword><urn:userId>0055g00000RoTaT</urn:userId><urn:password>{new}</urn:password></urn:setPassword></soapenv:Body></soapenv:Envelope>"#,
        s.id
    );
    let r = h
        .http
        .post(&s.server_url)
        .header("content-type", "text/xml")
        .body(env)
        .send()
        .await?;
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    let ty = r
        .headers()
        .get("content-type")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.bytes().await?.to_vec();
    Ok((status, format!("{ty}|{location}"), body))
}

async fn admin(h: &Harness) -> Session {
    let (u, p, t) = ADMIN;
    h.session(LOGIN, u, &format!("{p}{t}")).await
}

#[tokio::test]
async fn each_kind_on_set_password() {
    let h = Harness::start().await;
    let s = admin(&h).await;
    let target = ROTATE.0;
    // (kind, new password, applied?)
    let cases = [
        ("reset_before", "Fault-Pass-001", false),
        ("reset_after", "Fault-Pass-002", true),
        ("http_500_html", "Fault-Pass-003", false),
        ("http_503_html", "Fault-Pass-004", false),
        ("malformed_xml", "Fault-Pass-005", true),
        ("oversized", "Fault-Pass-006", false),
        ("redirect", "Fault-Pass-007", false),
    ];
    for (kind, new, applied) in cases {
        h.fault(json!({"endpoint": "setPassword", "kind": kind}))
            .await;
        let before = h.user(target).await["password_changes"].as_u64().unwrap();
        let result = set_rotate_password(&h, &s, new).await;
        match kind {
            "reset_before" | "reset_after" => {
                assert!(result.is_err(), "{kind}: the connection must drop")
            }
            "http_500_html" | "http_503_html" => {
                let (status, meta, body) = result.unwrap();
                assert_eq!(status, if kind == "http_500_html" { 500 } else { 503 });
                assert!(meta.starts_with("text/html"), "{kind}");
                assert!(String::from_utf8_lossy(&body).contains("<html>"), "{kind}");
            }
            "malformed_xml" => {
                let (status, meta, body) = result.unwrap();
                assert_eq!(status, 200);
                assert!(meta.starts_with("text/xml"));
                let body = String::from_utf8_lossy(&body).into_owned();
                assert!(body.starts_with("<?xml") && !body.ends_with("</soapenv:Envelope>"));
            }
            "oversized" => {
                let (status, _, body) = result.unwrap();
                assert_eq!(status, 200);
                assert_eq!(body.len(), 2 * 1024 * 1024);
            }
            "redirect" => {
                let (status, meta, _) = result.unwrap();
                assert_eq!(status, 302);
                assert!(
                    meta.contains("|https://evil.example.net/services/Soap/u/64.0/"),
                    "{meta}"
                );
            }
            _ => unreachable!(),
        }
        assert_eq!(h.password_is(target, new).await, applied, "{kind}");
        let after = h.user(target).await["password_changes"].as_u64().unwrap();
        assert_eq!(after - before, u64::from(applied), "{kind}");
        // The fault was used up: the same call now works normally.
        let (status, _, _) = set_rotate_password(&h, &s, &format!("{new}x"))
            .await
            .unwrap();
        assert_eq!(status, 200, "{kind} armed once");
    }
}

#[tokio::test]
async fn delay_times_and_clear() {
    let h = Harness::start().await;
    let (u, p, _) = INTEGRATION;
    h.fault(json!({"endpoint": "login", "kind": "delay", "delay_ms": 800, "times": 2}))
        .await;
    for i in 0..4 {
        let start = Instant::now();
        h.session(LOGIN, u, p).await;
        let slow = start.elapsed() >= Duration::from_millis(800);
        assert_eq!(slow, i < 2, "login {i}: only the first two are delayed");
    }
    assert_eq!(
        h.user(u).await["login_attempts"],
        4,
        "delayed logins are applied"
    );
    h.fault(json!({"endpoint": "login", "kind": "http_503_html", "times": null}))
        .await;
    for _ in 0..3 {
        let (status, _) = h.login_raw(LOGIN, V, u, p).await;
        assert_eq!(status, 503);
    }
    assert_eq!(
        h.user(u).await["login_attempts"],
        4,
        "503 pages never reach the org"
    );
    let faults = h.get("/faults").await;
    assert_eq!(
        faults,
        json!([{"endpoint": "login", "kind": "http_503_html", "delay_ms": 0, "skip": 0, "times": null}])
    );
    let r = h
        .http
        .delete(format!("{}/faults", h.control))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    h.session(LOGIN, u, p).await;
    // Bad fault requests.
    for bad in [
        json!({"endpoint": "nope", "kind": "delay"}),
        json!({"endpoint": "login", "kind": "boom"}),
        json!({"endpoint": "login", "kind": "delay", "times": 0}),
    ] {
        assert_eq!(h.send(Method::POST, "/faults", bad).await, 400);
    }
}

#[tokio::test]
async fn faults_match_their_endpoint_only() {
    let h = Harness::start().await;
    let s = admin(&h).await;
    let base = rest_base(&s.server_url);
    h.fault(json!({"endpoint": "rest_password", "kind": "reset_after"}))
        .await;
    h.fault(json!({"endpoint": "rest_query", "kind": "http_500_html"}))
        .await;
    h.fault(json!({"endpoint": "oauth_token", "kind": "malformed_xml"}))
        .await;
    h.fault(json!({"endpoint": "logout", "kind": "reset_before"}))
        .await;
    // A SOAP call is untouched by REST faults.
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 200);
    let r = h
        .http
        .get(format!("{base}/query?q=SELECT+Id+FROM+User"))
        .bearer_auth(&s.id)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    let url = format!("{base}/sobjects/User/0055g00000RoTaT/password");
    let r = h
        .http
        .post(&url)
        .bearer_auth(&s.id)
        .json(&json!({"NewPassword": "Rest-Fault-123"}))
        .send()
        .await;
    assert!(r.is_err());
    assert!(
        h.password_is(ROTATE.0, "Rest-Fault-123").await,
        "reset_after applied the change"
    );
    let form = [
        ("grant_type", "password"),
        ("client_id", "3MVG9acmeRotatorConsumerKey000001"),
        ("client_secret", "ACMECONSUMERSECRET000001"),
        ("username", ADMIN.0),
        ("password", "x"),
    ];
    let r = h
        .http
        .post(format!("{LOGIN}/services/oauth2/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "malformed answers are 200s");
    assert!(serde_json::from_slice::<serde_json::Value>(&r.bytes().await.unwrap()).is_err());
    let env = format!(
        r#"<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header><SessionHeader xmlns="urn:partner.soap.sforce.com"><sessionId>{}</sessionId></SessionHeader></se:Header><se:Body><logout xmlns="urn:partner.soap.sforce.com"/></se:Body></se:Envelope>"#,
        s.id
    );
    let r = h.http.post(&s.server_url).body(env).send().await;
    assert!(r.is_err());
    assert_eq!(
        h.user(ADMIN.0).await["active_sessions"],
        1,
        "reset_before did not log out"
    );
    for endpoint in ["changeOwnPassword", "resetPassword", "getUserInfo", "query"] {
        h.fault(json!({"endpoint": endpoint, "kind": "http_500_html"}))
            .await;
    }
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 500);
    let (status, _) = h
        .call(
            &s.server_url,
            &s.id,
            "<urn:query><urn:queryString>SELECT Id FROM User</urn:queryString></urn:query>",
        )
        .await;
    assert_eq!(status, 500);
    assert_eq!(h.get("/faults").await.as_array().unwrap().len(), 2);
}
