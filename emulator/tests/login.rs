//! SOAP login(): the response shape clients parse, and every policy rule that refuses a login.

mod common;

use common::users::*;
use common::*;
use serde_json::json;

/// The verbatim INVALID_LOGIN fault capture (SALESFORCE-WIRE.md §2.1).
const INVALID_LOGIN_CAPTURE: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;

#[tokio::test]
async fn success_has_what_simple_salesforce_and_jsforce_need() {
    let h = Harness::start().await;
    let (user, pw, token) = ADMIN;
    let (status, ty, body) = h
        .post_soap(
            &format!("{LOGIN}/services/Soap/u/{V}"),
            &login_envelope(user, &format!("{pw}{token}")),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ty, "text/xml;charset=UTF-8");
    assert!(body.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result><metadataServerUrl>"#));
    assert_eq!(
        between(&body, "<serverUrl>", "</serverUrl>").unwrap(),
        "https://acme.my.salesforce.com/services/Soap/u/64.0/00D5g000004XyZa"
    );
    let sid = between(&body, "<sessionId>", "</sessionId>").unwrap();
    assert!(sid.starts_with("00D5g000004XyZa!") && sid.len() > 40);
    assert_eq!(
        between(&body, "<userId>", "</userId>").unwrap(),
        "0055g00000AdMiNAAV"
    );
    assert_eq!(
        between(&body, "<organizationId>", "</organizationId>").unwrap(),
        "00D5g000004XyZaEAK"
    );
    assert!(body.contains("<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"));
    // userInfo in WSDL order, nils as xsi:nil.
    let order = [
        "accessibilityMode",
        "chatterExternal",
        "currencySymbol",
        "orgAttachmentFileSizeLimit",
        "orgDefaultCurrencyIsoCode",
        "orgDefaultCurrencyLocale",
        "orgDisallowHtmlAttachments",
        "orgHasPersonAccounts",
        "organizationId",
        "organizationMultiCurrency",
        "organizationName",
        "profileId",
        "roleId",
        "sessionSecondsValid",
        "userDefaultCurrencyIsoCode",
        "userEmail",
        "userFullName",
        "userId",
        "userLanguage",
        "userLocale",
        "userName",
        "userTimeZone",
        "userType",
        "userUiSkin",
    ];
    let info = between(&body, "<userInfo>", "</userInfo>").unwrap();
    let mut at = 0;
    for name in order {
        let pos = info[at..]
            .find(&format!("<{name}"))
            .unwrap_or_else(|| panic!("{name} missing or out of order"))
            + at;
        at = pos;
    }
    assert!(info.contains(r#"<roleId xsi:nil="true"/>"#));
    assert!(info.contains("<sessionSecondsValid>7200</sessionSecondsValid>"));
    let state = h.user(user).await;
    assert_eq!(state["login_attempts"], 1);
    assert_eq!(state["failed_logins"], 0);
    assert_eq!(state["active_sessions"], 1);
    assert_eq!(state["last_login_ip"], "198.51.100.23");
}

#[tokio::test]
async fn faults_match_the_verbatim_capture() {
    let h = Harness::start().await;
    let (status, ty, body) = h
        .post_soap(
            &format!("{LOGIN}/services/Soap/u/{V}"),
            &login_envelope(ADMIN.0, "wrong-password"),
        )
        .await;
    assert_eq!(ty, "text/xml;charset=UTF-8");
    assert_answer_text(
        (status, &body),
        (500, INVALID_LOGIN_CAPTURE),
        "wrong password",
    );
    // An unknown user gets the same answer and moves no counter.
    let (status, body) = h.login_raw(LOGIN, V, "nobody@acme.example.com", "x").await;
    assert_answer_text(
        (status, &body),
        (500, INVALID_LOGIN_CAPTURE),
        "unknown user",
    );
    assert_eq!(h.user(ADMIN.0).await["failed_logins"], 1);
}

#[tokio::test]
async fn lenient_in_what_it_accepts() {
    let h = Harness::start().await;
    let (user, pw, _) = INTEGRATION; // trusted: the bare password works
    let url = format!("{LOGIN}/services/Soap/u/{V}");
    // jsforce: default namespace inherited from Body, no XML declaration, SOAPAction "".
    let jsforce = format!(
        r#"<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body xmlns="urn:partner.soap.sforce.com"><login><username>{user}</username><password>{pw}</password></login></se:Body></se:Envelope>"#
    );
    for (ty, action) in [
        ("text/xml", "\"\""),
        ("text/xml; charset=utf-8", "login"),
        ("text/xml", ""),
    ] {
        let r = h
            .http
            .post(&url)
            .header("content-type", ty)
            .header("soapaction", action)
            .body(jsforce.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{ty} / {action}");
    }
    // WSC: gzip request body.
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(login_envelope(user, pw).as_bytes()).unwrap();
    let r = h
        .http
        .post(&url)
        .header("content-type", "text/xml; charset=UTF-8")
        .header("content-encoding", "gzip")
        .body(gz.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The orgId form of the URL and the Enterprise endpoint.
    let (s, _) = h.login_raw(LOGIN, "64.0/00D5g000004XyZa", user, pw).await;
    assert_eq!(s, 200);
    let env = login_envelope(user, pw).replace(
        "urn:partner.soap.sforce.com",
        "urn:enterprise.soap.sforce.com",
    );
    let (s, _, body) = h
        .post_soap(&format!("{LOGIN}/services/Soap/c/{V}"), &env)
        .await;
    assert_eq!(s, 200);
    assert!(body.contains(r#"xmlns="urn:enterprise.soap.sforce.com""#));
    assert!(body.contains("/services/Soap/c/64.0/00D5g000004XyZa</serverUrl>"));
    // A Host header with the port, and a name addressed through SNI alone is not needed.
    assert_eq!(h.user(user).await["login_attempts"], 6);
}

#[tokio::test]
async fn each_host_authenticates_its_own_users() {
    let h = Harness::start().await;
    let (u, p, t) = UAT;
    // Sandbox user: test.salesforce.com and its My Domain, not login.salesforce.com.
    let s = h.session(TEST, u, p).await;
    assert!(s.server_url.starts_with(
        "https://acme--uat.sandbox.my.salesforce.com/services/Soap/u/64.0/00D7x000001UaTq"
    ));
    assert!(s.body.contains("<sandbox>true</sandbox>"));
    h.session(
        "https://acme--uat.sandbox.my.salesforce.com",
        u,
        &format!("{p}{t}"),
    )
    .await;
    let (status, body) = h.login_raw(LOGIN, V, u, &format!("{p}{t}")).await;
    assert_eq!(
        (status, fault_code(&body).as_deref()),
        (500, Some("INVALID_LOGIN"))
    );
    // Production user: not on test.salesforce.com, not on another org's My Domain.
    let (u, p, t) = ADMIN;
    let pt = format!("{p}{t}");
    for host in [
        TEST,
        "https://globex.my.salesforce.com",
        "https://acme--uat.sandbox.my.salesforce.com",
    ] {
        let (status, body) = h.login_raw(host, V, u, &pt).await;
        assert_eq!(
            (status, fault_code(&body).as_deref()),
            (500, Some("INVALID_LOGIN")),
            "{host}"
        );
    }
    h.session("https://acme.my.salesforce.com", u, &pt).await;
    // Wrong hosts never reached the org.
    assert_eq!(h.user(u).await["failed_logins"], 0);
    // An address that is no Salesforce name is misdirected.
    let r = h
        .http
        .post(format!("https://{}/services/Soap/u/{V}", h.emu.addr()))
        .body(login_envelope(u, &pt))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 421);
}

#[tokio::test]
async fn security_token_and_trusted_ranges() {
    let h = Harness::start().await;
    let (u, p, t) = ANALYST; // outside the trusted ranges
    let (status, body) = h.login_raw(LOGIN, V, u, p).await;
    assert_eq!(status, 500);
    assert_eq!(
        fault_code(&body).as_deref(),
        Some("LOGIN_MUST_USE_SECURITY_TOKEN")
    );
    assert!(fault_message(&body)
        .unwrap()
        .contains("company\u{2019}s trusted networks"));
    h.session(LOGIN, u, &format!("{p}{t}")).await;
    let state = h.user(u).await;
    assert_eq!(
        (
            state["login_attempts"].as_u64(),
            state["failed_logins"].as_u64()
        ),
        (Some(2), Some(1))
    );
    // Move the client inside the trusted range: the bare password works.
    assert_eq!(
        h.send(
            reqwest::Method::POST,
            "/client-ip",
            json!({"ip": "203.0.113.99"})
        )
        .await,
        204
    );
    h.session(LOGIN, u, p).await;
    assert_eq!(h.user(u).await["last_login_ip"], "203.0.113.99");
    // A wrong token is a wrong password.
    let (_, body) = h.login_raw(LOGIN, V, u, &format!("{p}WRONGTOKEN")).await;
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_LOGIN"));
}

#[tokio::test]
async fn lockout_after_max_failed_logins_then_clock_unlocks() {
    let h = Harness::start().await;
    let (u, p, t) = GLOBEX_ADMIN; // 3 failures, 30 minutes
    let pt = format!("{p}{t}");
    for _ in 0..3 {
        let (_, body) = h.login_raw(LOGIN, V, u, "Wrong-Password-1!").await;
        assert_eq!(fault_code(&body).as_deref(), Some("INVALID_LOGIN"));
    }
    assert_eq!(h.user(u).await["locked_out"], true);
    let (status, body) = h.login_raw(LOGIN, V, u, &pt).await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("PASSWORD_LOCKOUT"));
    assert!(body.contains("<sf:LoginFault xsi:type=\"sf:LoginFault\">"));
    h.advance(29 * 60).await;
    let (_, body) = h.login_raw(LOGIN, V, u, &pt).await;
    assert_eq!(fault_code(&body).as_deref(), Some("PASSWORD_LOCKOUT"));
    h.advance(61).await;
    h.session(LOGIN, u, &pt).await;
    let state = h.user(u).await;
    assert_eq!(state["locked_out"], false);
    assert_eq!(state["failed_logins"], 5);
    // A fixture user locked for good stays locked until the control API unlocks it.
    let (u, p, t) = GLOBEX_LOCKED;
    let (_, body) = h.login_raw(LOGIN, V, u, &format!("{p}{t}")).await;
    assert_eq!(fault_code(&body).as_deref(), Some("PASSWORD_LOCKOUT"));
    assert_eq!(
        h.send(
            reqwest::Method::PATCH,
            &format!("/users/{u}"),
            json!({"locked_out": false})
        )
        .await,
        204
    );
    h.session(LOGIN, u, &format!("{p}{t}")).await;
}

#[tokio::test]
async fn api_access_ip_restrictions_and_org_switches() {
    let h = Harness::start().await;
    let cases = [
        (
            GLOBEX_NOAPI,
            "API_CURRENTLY_DISABLED",
            "API is disabled for this User",
        ),
        (
            SALES,
            "API_CURRENTLY_DISABLED",
            "API is disabled for this User",
        ),
        (
            GLOBEX_RESTRICTED,
            "LOGIN_DURING_RESTRICTED_DOMAIN",
            "cannot log in from current domain",
        ),
    ];
    for ((u, p, t), code, message) in cases {
        let (status, body) = h.login_raw(LOGIN, V, u, &format!("{p}{t}")).await;
        assert_eq!(status, 500, "{u}");
        assert_eq!(fault_code(&body).as_deref(), Some(code), "{u}");
        assert_eq!(fault_message(&body).as_deref(), Some(message), "{u}");
        assert_eq!(h.user(u).await["failed_logins"], 1);
    }
    // Inside the profile's login range the restricted user logs in.
    let (u, p, t) = GLOBEX_RESTRICTED;
    h.send(
        reqwest::Method::POST,
        "/client-ip",
        json!({"ip": "10.20.3.4"}),
    )
    .await;
    h.session(LOGIN, u, &format!("{p}{t}")).await;
    h.send(reqwest::Method::POST, "/client-ip", json!({"ip": null}))
        .await;

    let (u, p, t) = ADMIN;
    let pt = format!("{p}{t}");
    assert_eq!(
        h.send(
            reqwest::Method::PATCH,
            "/orgs/acme",
            json!({"api_enabled": false})
        )
        .await,
        204
    );
    let (_, body) = h.login_raw(LOGIN, V, u, &pt).await;
    assert_eq!(fault_code(&body).as_deref(), Some("API_DISABLED_FOR_ORG"));
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("API is not enabled for this Organization or Partner")
    );
    h.send(
        reqwest::Method::PATCH,
        "/orgs/acme",
        json!({"api_enabled": true, "soap_login_enabled": false}),
    )
    .await;
    let (status, body) = h.login_raw(LOGIN, V, u, &pt).await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_OPERATION"));
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("SOAP API login() is disabled by default in this org. Contact the org administrator to enable SOAP API login().")
    );
    h.send(
        reqwest::Method::PATCH,
        "/orgs/acme",
        json!({"soap_login_enabled": true}),
    )
    .await;
    // Per-user API override from the control API.
    h.send(
        reqwest::Method::PATCH,
        &format!("/users/{u}"),
        json!({"api_enabled": false}),
    )
    .await;
    let (_, body) = h.login_raw(LOGIN, V, u, &pt).await;
    assert_eq!(fault_code(&body).as_deref(), Some("API_CURRENTLY_DISABLED"));
}

#[tokio::test]
async fn api_versions() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let pt = format!("{p}{t}");
    let (status, body) = h.login_raw(LOGIN, "65.0", u, &pt).await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_OPERATION"));
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("The SOAP Login operation is not available in the API version specified (65.0). Refer to the documentation for supported versions.")
    );
    for v in ["30.0", "29.0", "99.0", "abc"] {
        let (status, body) = h.login_raw(LOGIN, v, u, &pt).await;
        assert_eq!(status, 500, "{v}");
        assert_eq!(
            fault_code(&body).as_deref(),
            Some("UNSUPPORTED_API_VERSION"),
            "{v}"
        );
    }
    h.session(LOGIN, u, &pt).await;
    let (status, _) = h.login_raw(LOGIN, "31.0", u, &pt).await;
    assert_eq!(status, 200);
    // None of the refused versions reached the org.
    assert_eq!(h.user(u).await["login_attempts"], 2);
}

#[tokio::test]
async fn expired_password_gives_a_restricted_session() {
    let h = Harness::start().await;
    let (u, p, t) = GLOBEX_EXPIRED;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    assert!(s.body.contains("<passwordExpired>true</passwordExpired>"));
    let (status, body) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 500);
    assert_eq!(
        fault_code(&body).as_deref(),
        Some("INVALID_OPERATION_WITH_EXPIRED_PASSWORD")
    );
    let (status, v) = h
        .rest(
            reqwest::Method::GET,
            &format!("{}/query?q=SELECT+Id+FROM+User", rest_base(&s.server_url)),
            &s.id,
            None,
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(v[0]["errorCode"], "INVALID_OPERATION_WITH_EXPIRED_PASSWORD");
    // Age-based expiry: 90 days after the last change.
    let (u, p, t) = GLOBEX_ADMIN;
    h.advance(81 * 86_400).await;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    assert!(s.body.contains("<passwordExpired>true</passwordExpired>"));
}

#[tokio::test]
async fn login_scope_header_and_rate_limit() {
    let org = std::fs::read_to_string(repo_root().join("fixtures/orgs/demo.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&org).unwrap();
    v["name"] = json!("tiny");
    v["login_rate_per_hour"] = json!(3);
    let h = Harness::with_orgs(vec![
        sfrpc_emulator::OrgFile::from_json(&v.to_string()).unwrap()
    ])
    .await;
    let (u, p, _) = DEMO;
    let scoped = |org: &str| {
        login_envelope(u, p).replace(
            "</urn:CallOptions>",
            &format!("</urn:CallOptions><urn:LoginScopeHeader><urn:organizationId>{org}</urn:organizationId></urn:LoginScopeHeader>"),
        )
    };
    let url = format!("{LOGIN}/services/Soap/u/{V}");
    let (s, _, _) = h.post_soap(&url, &scoped("00D8d000000DeMoEAK")).await;
    assert_eq!(s, 200);
    let (s, _, body) = h.post_soap(&url, &scoped("00D5g000004XyZaEAK")).await;
    assert_eq!(
        (s, fault_code(&body).as_deref()),
        (500, Some("INVALID_LOGIN"))
    );
    h.session(LOGIN, u, p).await;
    let (_, body) = h.login_raw(LOGIN, V, u, p).await;
    assert_eq!(fault_code(&body).as_deref(), Some("LOGIN_RATE_EXCEEDED"));
    h.advance(3600).await;
    h.session(LOGIN, u, p).await;
}

#[tokio::test]
async fn localhost_stands_for_login_salesforce_com() {
    let h = Harness::start().await;
    let port = h.emu.addr().port();
    let local = format!("https://localhost:{port}");
    let (u, p, t) = ADMIN;
    let s = h.session(&local, u, &format!("{p}{t}")).await;
    // The instance keeps the port the client used, so a hosts-file entry for the My Domain
    // is all a client without a resolver override needs.
    assert_eq!(
        s.server_url,
        format!("https://acme.my.salesforce.com:{port}/services/Soap/u/{V}/00D5g000004XyZa")
    );
    // Production only: a sandbox user is refused there, as on login.salesforce.com.
    let (su, sp, _) = UAT;
    let (status, body) = h.login_raw(&local, V, su, sp).await;
    assert_eq!(
        (status, fault_code(&body).as_deref()),
        (500, Some("INVALID_LOGIN"))
    );
    // Any other name is still misdirected.
    for host in ["unknown.example.com", "127.0.0.1", "localhost.example.com"] {
        let r = h
            .http
            .post(format!("{LOGIN}/services/Soap/u/{V}"))
            .header("host", host)
            .body(login_envelope(u, &format!("{p}{t}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 421, "{host}");
    }
}
