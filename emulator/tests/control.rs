//! The control API: state without secrets, check-password, patches, clock, client IP, reset.

mod common;

use common::users::*;
use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn state_never_shows_a_password_or_token() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    h.session(LOGIN, u, &format!("{p}{t}")).await;
    let state = h.get("/state").await.to_string();
    for secret in fixture_secrets() {
        assert!(
            !state.contains(&secret),
            "the state view leaks a fixture secret"
        );
    }
    let v: serde_json::Value = serde_json::from_str(&state).unwrap();
    let orgs: Vec<&str> = v["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(orgs, ["acme", "acme--uat", "demo", "globex"]);
    assert_eq!(v["orgs"][1]["host"], "acme--uat.sandbox.my.salesforce.com");
    let user = h.user(u).await;
    for key in [
        "username",
        "org",
        "login_attempts",
        "failed_logins",
        "locked_out",
        "password_expired",
        "password_changes",
        "active_sessions",
        "last_login_ip",
    ] {
        assert!(user.get(key).is_some(), "{key}");
    }
    assert!(!user.to_string().contains(p));
}

#[tokio::test]
async fn check_password_patch_and_lookups() {
    let h = Harness::start().await;
    let (u, p, _) = INTEGRATION;
    assert!(h.password_is(u, p).await);
    assert!(!h.password_is(u, "nope").await);
    // Usernames are case-insensitive and may be percent-encoded.
    let r = h
        .http
        .get(format!(
            "{}/users/INTEGRATION%40acme.example.com",
            h.control
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(h.send(Method::GET, "/users/nobody@x", json!({})).await, 404);
    assert_eq!(
        h.send(
            Method::PATCH,
            &format!("/users/{u}"),
            json!({"colour": "red"})
        )
        .await,
        400
    );
    assert_eq!(
        h.send(
            Method::PATCH,
            &format!("/users/{u}"),
            json!({"login_ip_ranges": ["10.0.0.0/8"]})
        )
        .await,
        204
    );
    let (_, body) = h.login_raw(LOGIN, V, u, p).await;
    assert_eq!(
        fault_code(&body).as_deref(),
        Some("LOGIN_DURING_RESTRICTED_DOMAIN")
    );
    assert_eq!(
        h.send(
            Method::PATCH,
            &format!("/users/{u}"),
            json!({"login_ip_ranges": [], "password_expired": true})
        )
        .await,
        204
    );
    let s = h.session(LOGIN, u, p).await;
    assert!(s.body.contains("<passwordExpired>true</passwordExpired>"));
    assert_eq!(
        h.send(
            Method::PATCH,
            &format!("/users/{u}"),
            json!({"is_active": false})
        )
        .await,
        204
    );
    let (_, body) = h.login_raw(LOGIN, V, u, p).await;
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_LOGIN"));
    assert_eq!(h.send(Method::POST, "/nothing-here", json!({})).await, 404);
    assert_eq!(
        h.send(Method::POST, "/clock/advance", json!({"minutes": 3}))
            .await,
        400
    );
    assert_eq!(
        h.send(Method::POST, "/client-ip", json!({"ip": "not an ip"}))
            .await,
        400
    );
    assert_eq!(h.send(Method::PATCH, "/orgs/initech", json!({})).await, 404);
}

#[tokio::test]
async fn reset_restores_the_org_files() {
    let h = Harness::start().await;
    let (au, ap, at) = ADMIN;
    let s = h.session(LOGIN, au, &format!("{ap}{at}")).await;
    let op = "<urn:setPassword><urn:userId>0055g00000RoTaT</urn:userId><urn:password>Changed-1234</urn:password></urn:setPassword>";
    assert_eq!(h.call(&s.server_url, &s.id, op).await.0, 200);
    h.fault(json!({"endpoint": "login", "kind": "http_503_html", "times": null}))
        .await;
    h.send(Method::POST, "/client-ip", json!({"ip": "192.0.2.1"}))
        .await;
    h.advance(3600).await;
    assert_eq!(h.get("/outbox").await.as_array().unwrap().len(), 1);
    assert_eq!(h.send(Method::POST, "/reset", json!({})).await, 204);
    assert!(h.password_is(ROTATE.0, ROTATE.1).await);
    let outbox = h.get("/outbox").await;
    assert_eq!(
        outbox.as_array().map(Vec::len),
        Some(0),
        "the outbox is emptied"
    );
    assert_eq!(h.get("/faults").await, json!([]));
    let state = h.get("/state").await;
    assert_eq!(state["client_ip"], serde_json::Value::Null);
    assert_eq!(state["clock_advanced_seconds"], 0);
    assert_eq!(h.user(au).await["login_attempts"], 0);
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 500, "sessions are gone");
    h.session(LOGIN, au, &format!("{ap}{at}")).await;
}

#[tokio::test]
async fn control_api_answers_on_any_host() {
    let h = Harness::start().await;
    for base in [
        format!("https://localhost:{}", h.emu.addr().port()),
        format!("https://{}", h.emu.addr()),
    ] {
        let r = h
            .http
            .get(format!("{base}/__emulator/outbox"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{base}");
    }
    let r = h
        .http
        .get(format!("{LOGIN}/__emulator/state"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let pem = std::fs::read_to_string(h.emu.ca_cert_path().unwrap()).unwrap();
    assert_eq!(pem, h.emu.ca_cert_pem());
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
}
