//! Sessions: logout, timeout on the emulated clock, the request limit, API access per call.

mod common;

use common::users::*;
use common::*;
use serde_json::json;

#[tokio::test]
async fn logout_ends_the_session() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    // jsforce sends logout without the orgId in the URL and with the default namespace.
    let url = format!("https://acme.my.salesforce.com/services/Soap/u/{V}");
    let env = format!(
        r#"<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header><SessionHeader xmlns="urn:partner.soap.sforce.com"><sessionId>{}</sessionId></SessionHeader></se:Header><se:Body><logout xmlns="urn:partner.soap.sforce.com"/></se:Body></se:Envelope>"#,
        s.id
    );
    let (status, _, body) = h.post_soap(&url, &env).await;
    assert_answer_text(
        (status, &body),
        (
            200,
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><logoutResponse/></soapenv:Body></soapenv:Envelope>"#,
        ),
        "logout",
    );
    assert_eq!(h.user(u).await["active_sessions"], 0);
    let (status, _, body) = h.post_soap(&url, &env).await;
    assert_eq!(status, 500);
    assert!(body.contains("<faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring>"));
    assert!(body.contains(r#"<sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault">"#));
}

#[tokio::test]
async fn sessions_time_out_after_inactivity() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    h.advance(7000).await;
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 200, "use within sessionSecondsValid keeps it alive");
    h.advance(7000).await;
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 200);
    h.advance(7201).await;
    let (status, body) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_SESSION_ID"));
    let (status, v) = h
        .rest(
            reqwest::Method::GET,
            &format!("{}/query?q=SELECT+Id+FROM+User", rest_base(&s.server_url)),
            &s.id,
            None,
        )
        .await;
    assert_eq!(
        (status, v[0]["errorCode"].as_str()),
        (401, Some("INVALID_SESSION_ID"))
    );
    assert_eq!(h.user(u).await["active_sessions"], 0);
}

#[tokio::test]
async fn sessions_belong_to_their_org_host() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let other = format!("https://globex.my.salesforce.com/services/Soap/u/{V}");
    let (status, body) = h.call(&other, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(
        (status, fault_code(&body).as_deref()),
        (500, Some("INVALID_SESSION_ID"))
    );
    let (status, body) = h.call(&s.server_url, "", "<urn:getUserInfo/>").await;
    assert_eq!(
        (status, fault_code(&body).as_deref()),
        (500, Some("INVALID_SESSION_ID"))
    );
}

#[tokio::test]
async fn api_access_is_checked_on_every_call() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    h.send(
        reqwest::Method::PATCH,
        &format!("/users/{u}"),
        json!({"api_enabled": false}),
    )
    .await;
    let (_, body) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(fault_code(&body).as_deref(), Some("API_CURRENTLY_DISABLED"));
    h.send(
        reqwest::Method::PATCH,
        "/orgs/acme",
        json!({"api_enabled": false}),
    )
    .await;
    let (status, v) = h
        .rest(
            reqwest::Method::GET,
            &format!("{}/query?q=SELECT+Id+FROM+User", rest_base(&s.server_url)),
            &s.id,
            None,
        )
        .await;
    assert_eq!(
        (status, v[0]["errorCode"].as_str()),
        (403, Some("API_DISABLED_FOR_ORG"))
    );
}

#[tokio::test]
async fn request_limit_per_day() {
    let org = std::fs::read_to_string(repo_root().join("fixtures/orgs/demo.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&org).unwrap();
    v["name"] = json!("tiny");
    v["request_limit_per_day"] = json!(2);
    let h = Harness::with_orgs(vec![
        sfrpc_emulator::OrgFile::from_json(&v.to_string()).unwrap()
    ])
    .await;
    let (u, p, _) = DEMO;
    let s = h.session(LOGIN, u, p).await;
    for _ in 0..2 {
        let (status, body) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
        assert_eq!(status, 200);
        assert!(body.contains("<limit>2</limit><type>API REQUESTS</type>"));
    }
    let (status, body) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("REQUEST_LIMIT_EXCEEDED"));
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("TotalRequests Limit exceeded.")
    );
    let (status, v) = h
        .rest(
            reqwest::Method::GET,
            &format!("{}/query?q=SELECT+Id+FROM+User", rest_base(&s.server_url)),
            &s.id,
            None,
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        v,
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    );
    h.advance(86_400).await;
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 500, "the session itself timed out meanwhile");
    let s = h.session(LOGIN, u, p).await;
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 200, "a new day, a new allowance");
}

#[tokio::test]
async fn get_user_info_and_unknown_operations() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let (status, body) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<getUserInfoResponse><result><accessibilityMode>false</accessibilityMode>")
    );
    assert!(body.contains("<organizationId>00D5g000004XyZaEAK</organizationId>"));
    let (status, body) = h.call(&s.server_url, &s.id, "<urn:describeGlobal/>").await;
    assert_eq!(status, 500);
    assert!(body.contains(
        "No operation available for request {urn:partner.soap.sforce.com}describeGlobal"
    ));
    let (status, body) = h.call(&s.server_url, &s.id, "<getUserInfo/>").await;
    assert_eq!(status, 500, "an operation outside the partner namespace");
    assert!(body.contains("soapenv:Client"));
    let (status, _, body) = h.post_soap(&s.server_url, "<not-xml").await;
    assert_eq!(status, 500);
    assert!(body.contains("<faultcode>soapenv:Client</faultcode>"));
    let (status, _, _) = h
        .post_soap(&s.server_url, r#"<!DOCTYPE x [<!ENTITY a "b">]><x/>"#)
        .await;
    assert_eq!(status, 500);
}
