//! changeOwnPassword, setPassword, resetPassword and the REST password resource: who may call
//! them, the policy, and the new security token each change e-mails.

mod common;

use common::users::*;
use common::*;
use reqwest::Method;
use serde_json::json;

fn change_own(old: &str, new: &str) -> String {
    format!(
        "<urn:changeOwnPassword><urn:oldPassword>{}</urn:oldPassword><urn:newPassword>{}</urn:newPassword></urn:changeOwnPassword>",
        xml_escape(old),
        xml_escape(new)
    )
}

fn set_password(id: &str, new: &str) -> String {
    format!(
        "<urn:setPassword><urn:userId>{id}</urn:userId><urn:password>{}</urn:password></urn:setPassword>",
        xml_escape(new)
    )
}

#[tokio::test]
async fn change_own_password_applies_policy_and_issues_a_token() {
    let h = Harness::start().await;
    let (u, p, t) = ROTATE;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let cases = [
        (
            change_own("not-it-1", "Good-Pass-123"),
            "INVALID_OLD_PASSWORD",
            "InvalidOldPasswordFault",
            "invalid old password",
        ),
        (
            change_own(p, "Sh0rt"),
            "INVALID_NEW_PASSWORD",
            "InvalidNewPasswordFault",
            "Your password must be at least 8 characters long.",
        ),
        (
            change_own(p, "lettersonly"),
            "INVALID_NEW_PASSWORD",
            "InvalidNewPasswordFault",
            "Your password must include letters and numbers",
        ),
        (
            change_own(p, p),
            "INVALID_NEW_PASSWORD",
            "InvalidNewPasswordFault",
            "You cannot reuse this old password.",
        ),
    ];
    for (op, code, ty, message) in cases {
        let (status, body) = h.call(&s.server_url, &s.id, &op).await;
        assert_eq!(status, 500);
        assert_eq!(fault_code(&body).as_deref(), Some(code));
        assert_eq!(fault_message(&body).as_deref(), Some(message));
        assert!(
            body.contains(&format!("<sf:{ty} xsi:type=\"sf:{ty}\">")),
            "{ty}"
        );
    }
    assert!(h.latest_token(u).await.is_none());
    let (status, body) = h
        .call(&s.server_url, &s.id, &change_own(p, "Rotated-Pass-1"))
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("<soapenv:Body><changeOwnPasswordResponse><result/></changeOwnPasswordResponse></soapenv:Body>"));
    assert!(body.contains("<LimitInfoHeader><limitInfo><current>"));
    assert!(h.password_is(u, "Rotated-Pass-1").await);
    assert!(!h.password_is(u, p).await);
    let token = h.latest_token(u).await.expect("a new token in the outbox");
    assert!(token != t && token.len() == 25);
    // The old token no longer works, the new one does; the old password is refused.
    let (_, body) = h
        .login_raw(LOGIN, V, u, &format!("Rotated-Pass-1{t}"))
        .await;
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_LOGIN"));
    h.session(LOGIN, u, &format!("Rotated-Pass-1{token}")).await;
    let (_, body) = h.login_raw(LOGIN, V, u, &format!("{p}{token}")).await;
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_LOGIN"));
    // History: the previous password is remembered.
    let s = h.session(LOGIN, u, &format!("Rotated-Pass-1{token}")).await;
    let (_, body) = h
        .call(&s.server_url, &s.id, &change_own("Rotated-Pass-1", p))
        .await;
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("You cannot reuse this old password.")
    );
    assert_eq!(h.user(u).await["password_changes"], 1);
}

#[tokio::test]
async fn change_own_password_needs_api_40() {
    let h = Harness::start().await;
    let (u, p, _) = INTEGRATION;
    let s = h.session(LOGIN, u, p).await;
    let url = s.server_url.replace("/64.0/", "/39.0/");
    let (status, body) = h.call(&url, &s.id, &change_own(p, "Whatever-123")).await;
    assert_eq!(status, 500);
    assert!(body.contains("<faultcode>soapenv:Client</faultcode>"));
    assert!(body.contains(
        "No operation available for request {urn:partner.soap.sforce.com}changeOwnPassword"
    ));
    assert!(h.password_is(u, p).await);
}

#[tokio::test]
async fn set_password_rules() {
    let h = Harness::start().await;
    let (au, ap, at) = ADMIN;
    let admin = h.session(LOGIN, au, &format!("{ap}{at}")).await;
    let (iu, ip, _) = INTEGRATION;
    let integ = h.session(LOGIN, iu, ip).await;
    // An admin sets another user's password: empty result, a new token for that user.
    let (status, body) = h
        .call(
            &admin.server_url,
            &admin.id,
            &set_password(&integ.user_id, "Set-By-Admin-1"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("<setPasswordResponse><result/></setPasswordResponse>"));
    assert!(h.password_is(iu, "Set-By-Admin-1").await);
    assert!(h.latest_token(iu).await.is_some());
    // 15-character ids work too.
    let (status, _) = h
        .call(
            &admin.server_url,
            &admin.id,
            &set_password(&integ.user_id[..15], "Set-By-Admin-2"),
        )
        .await;
    assert_eq!(status, 200);
    // Self without "allow setPassword for self-resets": refused.
    let (status, body) = h
        .call(
            &admin.server_url,
            &admin.id,
            &set_password(&admin.user_id, "Self-Set-123"),
        )
        .await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("INSUFFICIENT_ACCESS"));
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("Cannot set password for self")
    );
    // Without Manage Users: refused on others.
    let (status, body) = h
        .call(
            &integ.server_url,
            &integ.id,
            &set_password(&admin.user_id, "Hijack-1234"),
        )
        .await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("INSUFFICIENT_ACCESS"));
    assert!(h.password_is(au, ap).await);
    // Unknown and malformed ids.
    let (_, body) = h
        .call(
            &admin.server_url,
            &admin.id,
            &set_password("005000000000000", "Whatever-123"),
        )
        .await;
    assert_eq!(
        fault_code(&body).as_deref(),
        Some("INVALID_CROSS_REFERENCE_KEY")
    );
    assert!(body.contains("sf:InvalidIdFault"));
    let (_, body) = h
        .call(
            &admin.server_url,
            &admin.id,
            &set_password("bogus", "Whatever-123"),
        )
        .await;
    assert_eq!(fault_code(&body).as_deref(), Some("MALFORMED_ID"));
    // Policy applies to setPassword too.
    let (_, body) = h
        .call(
            &admin.server_url,
            &admin.id,
            &set_password(&integ.user_id, "short"),
        )
        .await;
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_NEW_PASSWORD"));
    // In the sandbox self-resets are allowed.
    let (u, p, _) = UAT;
    let s = h.session(TEST, u, p).await;
    let (status, _) = h
        .call(
            &s.server_url,
            &s.id,
            &set_password(&s.user_id, "Uat-Self-Set-1"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(h.password_is(u, "Uat-Self-Set-1").await);
}

#[tokio::test]
async fn expired_session_may_only_set_its_own_password() {
    let h = Harness::start().await;
    let (u, p, t) = GLOBEX_EXPIRED;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let (_, body) = h
        .call(&s.server_url, &s.id, &change_own(p, "Globex-New-Pass-1!"))
        .await;
    assert_eq!(
        fault_code(&body).as_deref(),
        Some("INVALID_OPERATION_WITH_EXPIRED_PASSWORD")
    );
    let (_, body) = h
        .call(
            &s.server_url,
            &s.id,
            &set_password("0053k00000GlAdM", "Globex-New-Pass-1!"),
        )
        .await;
    assert_eq!(
        fault_code(&body).as_deref(),
        Some("INVALID_OPERATION_WITH_EXPIRED_PASSWORD")
    );
    let (_, body) = h
        .call(&s.server_url, &s.id, &set_password(&s.user_id, "weak"))
        .await;
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("Your password must be at least 12 characters long.")
    );
    let (status, _) = h
        .call(
            &s.server_url,
            &s.id,
            &set_password(&s.user_id, "Globex-New-Pass-1!"),
        )
        .await;
    assert_eq!(status, 200);
    let state = h.user(u).await;
    assert_eq!(state["password_expired"], false);
    assert_eq!(state["password_changes"], 1);
    // The same session is now a normal one.
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 200);
    let token = h.latest_token(u).await.unwrap();
    let s = h
        .session(LOGIN, u, &format!("Globex-New-Pass-1!{token}"))
        .await;
    assert!(s.body.contains("<passwordExpired>false</passwordExpired>"));
}

#[tokio::test]
async fn reset_password_returns_an_expired_generated_password() {
    let h = Harness::start().await;
    let (au, ap, at) = ADMIN;
    let admin = h.session(LOGIN, au, &format!("{ap}{at}")).await;
    let (u, p, _) = ANALYST;
    h.fault(json!({"endpoint": "resetPassword", "kind": "delay", "delay_ms": 1}))
        .await;
    let op = "<urn:resetPassword><urn:userId>0055g00000AnLsT</urn:userId></urn:resetPassword>";
    let (status, body) = h.call(&admin.server_url, &admin.id, op).await;
    assert_eq!(status, 200);
    let generated = between(
        &body,
        "<resetPasswordResponse><result><password>",
        "</password>",
    )
    .unwrap();
    assert!(h.password_is(u, &generated).await);
    assert!(!h.password_is(u, p).await);
    let state = h.user(u).await;
    assert_eq!(state["password_expired"], true);
    let token = h.latest_token(u).await.unwrap();
    let s = h.session(LOGIN, u, &format!("{generated}{token}")).await;
    assert!(s.body.contains("<passwordExpired>true</passwordExpired>"));
    // Not allowed without Manage Users.
    let (iu, ip, _) = INTEGRATION;
    let integ = h.session(LOGIN, iu, ip).await;
    let (_, body) = h.call(&integ.server_url, &integ.id, op).await;
    assert_eq!(fault_code(&body).as_deref(), Some("INSUFFICIENT_ACCESS"));
}

#[tokio::test]
async fn rest_password_resource() {
    let h = Harness::start().await;
    let (au, ap, at) = ADMIN;
    let admin = h.session(LOGIN, au, &format!("{ap}{at}")).await;
    let base = rest_base(&admin.server_url);
    let target = "0055g00000RoTaTAAV";
    let url = format!("{base}/sobjects/User/{target}/password");
    let (status, v) = h.rest(Method::GET, &url, &admin.id, None).await;
    assert_eq!((status, v), (200, json!({"isExpired": false})));
    let (status, v) = h
        .rest(
            Method::POST,
            &url,
            &admin.id,
            Some(json!({"NewPassword": "abc"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(v[0]["errorCode"], "INVALID_NEW_PASSWORD");
    let (status, v) = h
        .rest(
            Method::POST,
            &url,
            &admin.id,
            Some(json!({"NewPassword": "Rest-Set-1234"})),
        )
        .await;
    assert_eq!((status, v), (204, serde_json::Value::Null));
    assert!(h.password_is(ROTATE.0, "Rest-Set-1234").await);
    assert!(h.latest_token(ROTATE.0).await.is_some());
    let (status, v) = h.rest(Method::DELETE, &url, &admin.id, None).await;
    assert_eq!(status, 200);
    let generated = v["NewPassword"].as_str().unwrap().to_string();
    assert!(h.password_is(ROTATE.0, &generated).await);
    let (status, v) = h.rest(Method::GET, &url, &admin.id, None).await;
    assert_eq!((status, v), (200, json!({"isExpired": true})));
    // Unknown user, no privilege, no session.
    let (status, v) = h
        .rest(
            Method::POST,
            &format!("{base}/sobjects/User/005000000000000AAA/password"),
            &admin.id,
            Some(json!({"NewPassword": "Rest-Set-1234"})),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        v,
        json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
    );
    let (iu, ip, _) = INTEGRATION;
    let integ = h.session(LOGIN, iu, ip).await;
    let (status, v) = h
        .rest(
            Method::POST,
            &url,
            &integ.id,
            Some(json!({"NewPassword": "Hijack-12345"})),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(v[0]["errorCode"], "INSUFFICIENT_ACCESS");
    let (status, v) = h.rest(Method::GET, &url, &integ.id, None).await;
    assert_eq!(status, 403);
    assert_eq!(v[0]["errorCode"], "INSUFFICIENT_ACCESS");
    let (status, v) = h
        .rest(Method::GET, &url, "00D5g000004XyZa!bogus", None)
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        v,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );
    // An expired-password session may set its own password over REST.
    let (u, p, t) = GLOBEX_EXPIRED;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let own = format!(
        "{}/sobjects/User/{}/password",
        rest_base(&s.server_url),
        s.user_id
    );
    let (status, v) = h.rest(Method::GET, &own, &s.id, None).await;
    assert_eq!((status, v), (200, json!({"isExpired": true})));
    let (status, _) = h
        .rest(
            Method::POST,
            &own,
            &s.id,
            Some(json!({"NewPassword": "Globex-Rest-Set-1!"})),
        )
        .await;
    assert_eq!(status, 204);
}
