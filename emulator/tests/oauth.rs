//! OAuth 2.0 username-password flow: the token answer and each error object (HTTP 400).

mod common;

use common::users::*;
use common::*;
use serde_json::{json, Value};

const ACME_APP: (&str, &str) = (
    "3MVG9acmeRotatorConsumerKey000001",
    "ACMECONSUMERSECRET000001",
);

#[tokio::test]
async fn password_grant_issues_a_session_usable_everywhere() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let pt = format!("{p}{t}");
    let (status, v) = h.token(LOGIN, &grant(ACME_APP, u, &pt)).await;
    assert_eq!(status, 200);
    assert_eq!(v["instance_url"], "https://acme.my.salesforce.com");
    assert_eq!(
        v["id"],
        "https://login.salesforce.com/id/00D5g000004XyZaEAK/0055g00000AdMiNAAV"
    );
    assert_eq!(v["token_type"], "Bearer");
    assert!(v["issued_at"].as_str().unwrap().parse::<u64>().is_ok());
    assert!(v["signature"].as_str().is_some());
    let access = v["access_token"].as_str().unwrap();
    assert!(access.starts_with("00D5g000004XyZa!"));
    // The access token is a SOAP session id too.
    let (status, body) = h
        .call(
            &format!("https://acme.my.salesforce.com/services/Soap/u/{V}"),
            access,
            "<urn:getUserInfo/>",
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("<userName>admin@acme.example.com</userName>"));
    let state = h.user(u).await;
    assert_eq!(
        (
            state["login_attempts"].as_u64(),
            state["failed_logins"].as_u64()
        ),
        (Some(1), Some(0))
    );
}

#[tokio::test]
async fn oauth_errors_are_objects_with_http_400() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let pt = format!("{p}{t}");
    let cases: Vec<(Vec<(&str, &str)>, Value)> = vec![
        (
            vec![("grant_type", "client_credentials")],
            json!({"error": "unsupported_grant_type", "error_description": "grant type not supported"}),
        ),
        (
            grant(("nope", "x"), u, &pt),
            json!({"error": "invalid_client_id", "error_description": "client identifier invalid"}),
        ),
        (
            grant((ACME_APP.0, "wrong"), u, &pt),
            json!({"error": "invalid_client", "error_description": "invalid client credentials"}),
        ),
        (
            grant(ACME_APP, u, "wrong-password"),
            json!({"error": "invalid_grant", "error_description": "authentication failure"}),
        ),
        (
            grant(ACME_APP, ANALYST.0, ANALYST.1),
            json!({"error": "invalid_grant", "error_description": "authentication failure"}),
        ),
    ];
    for (n, (form, expected)) in cases.iter().enumerate() {
        let (status, v) = h.token(LOGIN, form).await;
        assert_answer((status, &v), (400, expected), &format!("case {n}"));
    }
    assert_eq!(h.user(u).await["failed_logins"], 1);
    assert_eq!(h.user(ANALYST.0).await["failed_logins"], 1);
    // Globex blocks the username-password flow: same answer as a wrong password, counted.
    let (gu, gp, gt) = GLOBEX_ADMIN;
    let app = (
        "3MVG9globexRotatorConsumerKey0001",
        "GLOBEXCONSUMERSECRET0001",
    );
    let (status, v) = h.token(LOGIN, &grant(app, gu, &format!("{gp}{gt}"))).await;
    let failure = json!({"error": "invalid_grant", "error_description": "authentication failure"});
    assert_answer((status, &v), (400, &failure), "flow blocked");
    assert_eq!(h.user(gu).await["failed_logins"], 1);
    h.send(
        reqwest::Method::PATCH,
        "/orgs/globex",
        json!({"oauth_username_password_enabled": true}),
    )
    .await;
    let (status, _) = h.token(LOGIN, &grant(app, gu, &format!("{gp}{gt}"))).await;
    assert_eq!(status, 200);
    // Profile login IP ranges: "ip restricted".
    let (ru, rp, rt) = GLOBEX_RESTRICTED;
    let (status, v) = h.token(LOGIN, &grant(app, ru, &format!("{rp}{rt}"))).await;
    let restricted = json!({"error": "invalid_grant", "error_description": "ip restricted"});
    assert_answer((status, &v), (400, &restricted), "profile login IP ranges");
    // A user of another org than the app's.
    let (status, v) = h.token(LOGIN, &grant(app, u, &pt)).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_grant")));
    // Sandbox users at test.salesforce.com only.
    let uat_app = (
        "3MVG9acmeUatRotatorConsumerKey001",
        "ACMEUATCONSUMERSECRET001",
    );
    let (su, sp, _) = UAT;
    let (status, _) = h.token(LOGIN, &grant(uat_app, su, sp)).await;
    assert_eq!(status, 400);
    let (status, v) = h.token(TEST, &grant(uat_app, su, sp)).await;
    assert_eq!(status, 200);
    assert_eq!(
        v["instance_url"],
        "https://acme--uat.sandbox.my.salesforce.com"
    );
    assert!(v["id"]
        .as_str()
        .unwrap()
        .starts_with("https://test.salesforce.com/id/"));
}

#[tokio::test]
async fn identity_url_names_the_login_host_of_the_orgs_kind() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let pt = format!("{p}{t}");
    let prod = "https://login.salesforce.com/id/00D5g000004XyZaEAK/0055g00000AdMiNAAV";
    // Whatever host the request came in on: the My Domain, or localhost standing in for
    // login.salesforce.com (with a port).
    let port = h.emu.addr().port();
    let local = format!("https://localhost:{port}");
    for host in [LOGIN, "https://acme.my.salesforce.com", local.as_str()] {
        let (status, v) = h.token(host, &grant(ACME_APP, u, &pt)).await;
        assert_eq!(status, 200, "{host}: {}", summary(&v));
        assert_eq!(v["id"], prod, "{host}");
    }
    let uat_app = (
        "3MVG9acmeUatRotatorConsumerKey001",
        "ACMEUATCONSUMERSECRET001",
    );
    let (su, sp, _) = UAT;
    let (status, v) = h
        .token(
            "https://acme--uat.sandbox.my.salesforce.com",
            &grant(uat_app, su, sp),
        )
        .await;
    assert_eq!(status, 200, "{}", summary(&v));
    let id = v["id"].as_str().expect("an identity URL");
    assert!(
        id.starts_with("https://test.salesforce.com/id/00D7x000001UaTqEAK/"),
        "{id}"
    );
}

#[tokio::test]
async fn answers_keep_salesforces_key_order() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let pt = format!("{p}{t}");
    let (status, raw) = h.token_raw(LOGIN, &grant(ACME_APP, u, &pt)).await;
    assert_eq!(status, 200);
    assert_in_order(
        &raw,
        &[
            r#"{"access_token":"#,
            r#","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/"#,
            r#","token_type":"Bearer","issued_at":"#,
            r#","signature":"#,
        ],
    );
    let (status, raw) = h.token_raw(LOGIN, &grant(ACME_APP, u, "wrong")).await;
    assert_answer_text(
        (status, &raw),
        (
            400,
            r#"{"error":"invalid_grant","error_description":"authentication failure"}"#,
        ),
        "wrong password",
    );
    // REST errors: message first, then errorCode.
    let r = h
        .http
        .get("https://acme.my.salesforce.com/services/data/v64.0/query?q=SELECT+Id+FROM+User")
        .bearer_auth("00D5g000004XyZa!nope")
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_answer_text(
        (status, &r.text().await.unwrap()),
        (
            401,
            r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        ),
        "REST error",
    );
}
