//! Every password-policy and access rule through real HTTPS, each against a small org whose
//! settings make that one rule decide: complexity levels, the user-name rule, history depth,
//! lockout (counting, expiry, "until unlocked", never), Password Never Expires, API Enabled by
//! permission set, expired-password sessions, REST permissions, OAuth refusals, deactivation.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const TINY: &str = "https://tiny.my.salesforce.com";
const APP: (&str, &str) = (
    "3MVG9tinyConsumerKey0000000000001",
    "TINYCONSUMERSECRET000001",
);

/// `(username, password, token)` of the tiny org's users.
const ALICE: (&str, &str, &str) = (
    "alice@tiny.example.com",
    "Alice-Pass-001",
    "ALICETOKEN0000000001",
);
const ADMIN: (&str, &str, &str) = (
    "admin@tiny.example.com",
    "Admin-Pass-001",
    "ADMINTOKEN0000000002",
);
/// Seen from outside the trusted range: needs its token.
const ROAMER: (&str, &str, &str) = (
    "roamer@tiny.example.com",
    "Roamer-Pass-001",
    "ROAMTOKEN00000000003",
);
/// Password 400 days old; profile has Password Never Expires.
const NEVER: (&str, &str, &str) = (
    "never@tiny.example.com",
    "Never-Pass-001",
    "NEVERTOKEN0000000004",
);
/// Password 400 days old; Password Never Expires from a permission set.
const NEVER_PS: (&str, &str, &str) = (
    "neverps@tiny.example.com",
    "NeverPs-Pass-001",
    "NEVPSTOKEN0000000005",
);
/// Password 400 days old, nothing prevents expiry.
const OLD: (&str, &str, &str) = (
    "old@tiny.example.com",
    "Old-Pass-001",
    "OLDTOKEN000000000006",
);
/// Profile without API Enabled, permission set with it.
const API_PS: (&str, &str, &str) = (
    "apips@tiny.example.com",
    "ApiPs-Pass-001",
    "APIPSTOKEN0000000007",
);
/// Profile without API Enabled and no permission set.
const NO_API: (&str, &str, &str) = (
    "noapi@tiny.example.com",
    "NoApi-Pass-001",
    "NOAPITOKEN0000000008",
);
/// Previous passwords seeded by the org file.
const SEEDED: (&str, &str, &str) = (
    "seeded@tiny.example.com",
    "Seeded-Pass-001",
    "SEEDTOKEN00000000009",
);
const SEEDED_OLD: &str = "Seeded-Old-0002";

const ALICE_ID: &str = "0051t00000AlIcE";
const ADMIN_ID: &str = "0051t00000AdMiN";
const SEEDED_ID: &str = "0051t00000SeEdD";

fn user(id: &str, u: (&str, &str, &str), profile: &str) -> Value {
    json!({"id": id, "username": u.0, "password": u.1, "security_token": u.2, "profile": profile})
}

/// The tiny org: production, everything trusted from 127.0.0.1 except `ROAMER`; `policy`
/// overrides keys of the password policy, `edit` anything else.
fn tiny_org(policy: Value, edit: impl FnOnce(&mut Value)) -> sfrpc_emulator::OrgFile {
    let mut p = json!({"min_length": 8, "complexity": "alpha_numeric", "history": 3,
                       "max_failed_logins": 3, "lockout_minutes": 15, "expires_days": 90});
    for (k, v) in policy.as_object().unwrap() {
        p[k] = v.clone();
    }
    let mut roamer = user("0051t00000RoAmR", ROAMER, "Integration");
    roamer["client_ip"] = json!("192.0.2.9");
    let mut never = user("0051t00000NeVeR", NEVER, "Never Expires");
    never["password_age_days"] = json!(400);
    let mut never_ps = user("0051t00000NvRpS", NEVER_PS, "Integration");
    never_ps["password_age_days"] = json!(400);
    never_ps["permission_sets"] = json!(["Never_Expires"]);
    let mut old = user("0051t00000OlDdD", OLD, "Integration");
    old["password_age_days"] = json!(400);
    let mut api_ps = user("0051t00000ApIpS", API_PS, "No API");
    api_ps["permission_sets"] = json!(["Api_Enabled"]);
    let mut seeded = user(SEEDED_ID, SEEDED, "Integration");
    seeded["previous_passwords"] = json!(["Seeded-Old-0001", SEEDED_OLD]);
    let mut org = json!({
        "name": "tiny",
        "org_id": "00D1t000000TiNy",
        "organization_name": "Tiny",
        "client_ip": "127.0.0.1",
        "trusted_ip_ranges": ["127.0.0.0/8"],
        "password_policy": p,
        "connected_apps": [{"name": "tiny app", "client_id": APP.0, "client_secret": APP.1}],
        "profiles": [
            {"id": "00e1t000001AdMn", "name": "Admin", "manage_users": true},
            {"id": "00e1t000001InTg", "name": "Integration"},
            {"id": "00e1t000001NvEr", "name": "Never Expires", "password_never_expires": true},
            {"id": "00e1t000001NoAp", "name": "No API", "api_enabled": false}
        ],
        "permission_sets": [
            {"id": "0PS1t00000NvErX", "name": "Never_Expires", "password_never_expires": true},
            {"id": "0PS1t00000ApIeN", "name": "Api_Enabled", "api_enabled": true}
        ],
        "users": [
            user(ALICE_ID, ALICE, "Integration"),
            user(ADMIN_ID, ADMIN, "Admin"),
            roamer, never, never_ps, old, api_ps,
            user("0051t00000NoApI", NO_API, "No API"),
            seeded
        ]
    });
    edit(&mut org);
    sfrpc_emulator::OrgFile::from_json(&org.to_string()).unwrap()
}

async fn tiny(policy: Value) -> Harness {
    Harness::with_orgs(vec![tiny_org(policy, |_| {})]).await
}

fn set_password(id: &str, new: &str) -> String {
    format!(
        "<urn:setPassword><urn:userId>{id}</urn:userId><urn:password>{}</urn:password></urn:setPassword>",
        xml_escape(new)
    )
}

/// setPassword(target, new) as the admin: Ok, or Err((code, message)).
async fn admin_sets(
    h: &Harness,
    admin: &Session,
    id: &str,
    new: &str,
) -> Result<(), (String, String)> {
    let (status, body) = h
        .call(&admin.server_url, &admin.id, &set_password(id, new))
        .await;
    if status == 200 {
        return Ok(());
    }
    Err((
        fault_code(&body).unwrap_or_default(),
        fault_message(&body).unwrap_or_default(),
    ))
}

async fn login_code(h: &Harness, u: &str, p: &str) -> Option<String> {
    let (status, body) = h.login_raw(LOGIN, V, u, p).await;
    if status == 200 {
        None
    } else {
        Some(fault_code(&body).unwrap_or_else(|| format!("HTTP {status}")))
    }
}

#[tokio::test]
async fn lockout_expires_and_forgets_the_failures() {
    let h = tiny(json!({"max_failed_logins": 3, "lockout_minutes": 15})).await;
    let (u, p, _) = ALICE;
    for _ in 0..3 {
        assert_eq!(
            login_code(&h, u, "Wrong-Pass-1").await.as_deref(),
            Some("INVALID_LOGIN")
        );
    }
    assert_eq!(
        login_code(&h, u, p).await.as_deref(),
        Some("PASSWORD_LOCKOUT")
    );
    h.advance(15 * 60).await;
    // One wrong password after the lockout lapsed is one failure, not a fourth.
    assert_eq!(
        login_code(&h, u, "Wrong-Pass-2").await.as_deref(),
        Some("INVALID_LOGIN")
    );
    assert_eq!(h.user(u).await["locked_out"], false);
    assert_eq!(login_code(&h, u, p).await, None);
    // And the streak starts again from zero: two more failures do not lock.
    for _ in 0..2 {
        login_code(&h, u, "Wrong-Pass-3").await;
    }
    assert_eq!(h.user(u).await["locked_out"], false);
    assert_eq!(login_code(&h, u, p).await, None);
}

#[tokio::test]
async fn lockout_fault_setting() {
    let h = Harness::with_orgs(vec![tiny_org(json!({"max_failed_logins": 2}), |o| {
        o["lockout_fault"] = json!("invalid_login");
    })])
    .await;
    let (u, p, _) = ALICE;
    for _ in 0..2 {
        login_code(&h, u, "Wrong-Pass-1").await;
    }
    assert_eq!(h.user(u).await["locked_out"], true);
    let (status, body) = h.login_raw(LOGIN, V, u, p).await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&body).as_deref(), Some("INVALID_LOGIN"));
    assert_eq!(
        fault_message(&body).as_deref(),
        Some("Invalid username, password, security token; or user locked out.")
    );
    // The control API switches it back to PASSWORD_LOCKOUT.
    let patch = json!({"lockout_fault": "password_lockout"});
    assert_eq!(h.send(Method::PATCH, "/orgs/tiny", patch).await, 204);
    assert_eq!(
        login_code(&h, u, p).await.as_deref(),
        Some("PASSWORD_LOCKOUT")
    );
    let bad = json!({"lockout_fault": "locked"});
    assert_eq!(h.send(Method::PATCH, "/orgs/tiny", bad).await, 400);
}

#[tokio::test]
async fn lockout_never_when_max_failed_logins_is_0() {
    let h = tiny(json!({"max_failed_logins": 0})).await;
    let (u, p, _) = ALICE;
    for _ in 0..25 {
        assert_eq!(
            login_code(&h, u, "Wrong-Pass-1").await.as_deref(),
            Some("INVALID_LOGIN")
        );
    }
    assert_eq!(h.user(u).await["locked_out"], false);
    assert_eq!(h.user(u).await["failed_logins"], 25);
    assert_eq!(login_code(&h, u, p).await, None);
}

#[tokio::test]
async fn lockout_minutes_0_locks_until_unlocked() {
    let h = tiny(json!({"max_failed_logins": 2, "lockout_minutes": 0})).await;
    let (u, p, _) = ALICE;
    for _ in 0..2 {
        login_code(&h, u, "Wrong-Pass-1").await;
    }
    h.advance(30 * 86_400).await;
    assert_eq!(
        login_code(&h, u, p).await.as_deref(),
        Some("PASSWORD_LOCKOUT")
    );
    assert_eq!(h.user(u).await["locked_out"], true);
    let unlock = json!({"locked_out": false});
    assert_eq!(
        h.send(Method::PATCH, &format!("/users/{u}"), unlock).await,
        204
    );
    assert_eq!(login_code(&h, u, p).await, None);
}

#[tokio::test]
async fn missing_token_logins_count_toward_lockout() {
    let h = tiny(json!({"max_failed_logins": 3})).await;
    let (u, p, t) = ROAMER;
    for _ in 0..3 {
        assert_eq!(
            login_code(&h, u, p).await.as_deref(),
            Some("LOGIN_MUST_USE_SECURITY_TOKEN")
        );
    }
    assert_eq!(
        login_code(&h, u, &format!("{p}{t}")).await.as_deref(),
        Some("PASSWORD_LOCKOUT")
    );
    assert_eq!(h.user(u).await["failed_logins"], 4);
}

#[tokio::test]
async fn complexity_levels_each_refuse_what_only_they_forbid() {
    // (level, refused: meets every other rule, the message, accepted)
    let cases = [
        ("any", None, "12345678"),
        (
            "alpha_numeric",
            Some(("abcdefghij", "Your password must include letters and numbers")),
            "abcdefgh12",
        ),
        (
            "alpha_numeric_special",
            Some((
                "abcdefgh12",
                "Your password must include letters, numbers, and special characters",
            )),
            "abcdefg1!x",
        ),
        (
            "upper_lower_numeric",
            Some((
                "abcdefgh12",
                "Your password must include numbers, uppercase and lowercase letters",
            )),
            "Abcdefgh12",
        ),
        (
            "upper_lower_numeric_special",
            Some((
                "Abcdefgh12",
                "Your password must include numbers, uppercase and lowercase letters, and special characters",
            )),
            "Abcdefg1!x",
        ),
    ];
    for (level, refused, accepted) in cases {
        let h = tiny(json!({"complexity": level})).await;
        let (au, ap, _) = ADMIN;
        let admin = h.session(LOGIN, au, ap).await;
        if let Some((bad, message)) = refused {
            let err = admin_sets(&h, &admin, ALICE_ID, bad).await.unwrap_err();
            assert_eq!(
                err,
                ("INVALID_NEW_PASSWORD".to_string(), message.to_string()),
                "{level}"
            );
            assert!(!h.password_is(ALICE.0, bad).await, "{level}");
        }
        // Too short is refused at every level, "any" included.
        let err = admin_sets(&h, &admin, ALICE_ID, "Ab1!").await.unwrap_err();
        assert_eq!(
            err.1, "Your password must be at least 8 characters long.",
            "{level}"
        );
        admin_sets(&h, &admin, ALICE_ID, accepted)
            .await
            .unwrap_or_else(|(code, _)| panic!("{level}: the accepted password got {code}"));
        assert!(h.password_is(ALICE.0, accepted).await, "{level}");
    }
}

#[tokio::test]
async fn password_cannot_contain_the_user_name() {
    let h = tiny(json!({})).await;
    let admin = h.session(LOGIN, ADMIN.0, ADMIN.1).await;
    let err = admin_sets(&h, &admin, ALICE_ID, "X1ALICE@tiny.example.com")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        (
            "INVALID_NEW_PASSWORD".to_string(),
            "Your password cannot equal or contain your user name.".to_string()
        )
    );
    admin_sets(&h, &admin, ALICE_ID, "X1alice-tiny")
        .await
        .unwrap();
}

#[tokio::test]
async fn history_remembers_exactly_n_passwords() {
    let h = tiny(json!({"history": 3})).await;
    let admin = h.session(LOGIN, ADMIN.0, ADMIN.1).await;
    let p0 = ALICE.1;
    let reused = || {
        (
            "INVALID_NEW_PASSWORD".to_string(),
            "You cannot reuse this old password.".to_string(),
        )
    };
    // The current password is one of the three remembered.
    assert_eq!(
        admin_sets(&h, &admin, ALICE_ID, p0).await.unwrap_err(),
        reused()
    );
    admin_sets(&h, &admin, ALICE_ID, "History-P1")
        .await
        .unwrap();
    admin_sets(&h, &admin, ALICE_ID, "History-P2")
        .await
        .unwrap();
    // Remembered: P2, P1, P0.
    assert_eq!(
        admin_sets(&h, &admin, ALICE_ID, p0).await.unwrap_err(),
        reused()
    );
    assert_eq!(
        admin_sets(&h, &admin, ALICE_ID, "History-P1")
            .await
            .unwrap_err(),
        reused()
    );
    admin_sets(&h, &admin, ALICE_ID, "History-P3")
        .await
        .unwrap();
    // Remembered: P3, P2, P1; P0 is the fourth, forgotten.
    assert_eq!(
        admin_sets(&h, &admin, ALICE_ID, "History-P1")
            .await
            .unwrap_err(),
        reused()
    );
    admin_sets(&h, &admin, ALICE_ID, p0).await.unwrap();
    assert!(h.password_is(ALICE.0, p0).await);
}

#[tokio::test]
async fn history_0_remembers_nothing() {
    let h = tiny(json!({"history": 0})).await;
    let admin = h.session(LOGIN, ADMIN.0, ADMIN.1).await;
    admin_sets(&h, &admin, ALICE_ID, ALICE.1).await.unwrap();
    admin_sets(&h, &admin, ALICE_ID, "History-P1")
        .await
        .unwrap();
    admin_sets(&h, &admin, ALICE_ID, ALICE.1).await.unwrap();
    assert_eq!(h.user(ALICE.0).await["password_changes"], 3);
}

#[tokio::test]
async fn previous_passwords_from_the_org_file_are_remembered() {
    let h = tiny(json!({"history": 3})).await;
    let admin = h.session(LOGIN, ADMIN.0, ADMIN.1).await;
    for (n, old) in ["Seeded-Old-0001", SEEDED_OLD].into_iter().enumerate() {
        let err = admin_sets(&h, &admin, SEEDED_ID, old).await.unwrap_err();
        assert_eq!(
            err.1, "You cannot reuse this old password.",
            "previous password {n}"
        );
    }
    // One change later the oldest seed is the fourth password back: forgotten.
    admin_sets(&h, &admin, SEEDED_ID, "Seeded-New-0003")
        .await
        .unwrap();
    admin_sets(&h, &admin, SEEDED_ID, SEEDED_OLD).await.unwrap();
}

#[tokio::test]
async fn password_never_expires_prevents_expiry() {
    let h = tiny(json!({"expires_days": 90})).await;
    for (u, p, _) in [NEVER, NEVER_PS] {
        let s = h.session(LOGIN, u, p).await;
        assert!(
            s.body.contains("<passwordExpired>false</passwordExpired>"),
            "{u}"
        );
        assert_eq!(h.user(u).await["password_expired"], false, "{u}");
    }
    let s = h.session(LOGIN, OLD.0, OLD.1).await;
    assert!(s.body.contains("<passwordExpired>true</passwordExpired>"));
}

#[tokio::test]
async fn api_enabled_by_a_permission_set() {
    let h = tiny(json!({})).await;
    let s = h.session(LOGIN, API_PS.0, API_PS.1).await;
    let (status, _) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(status, 200);
    assert_eq!(
        login_code(&h, NO_API.0, NO_API.1).await.as_deref(),
        Some("API_CURRENTLY_DISABLED")
    );
}

#[tokio::test]
async fn expired_password_session_may_log_out_but_not_reset_or_delete() {
    let h = Harness::with_orgs(vec![tiny_org(json!({}), |o| {
        o["users"][1]["password_expired"] = json!(true);
    })])
    .await;
    let admin = h.session(LOGIN, ADMIN.0, ADMIN.1).await;
    assert!(admin
        .body
        .contains("<passwordExpired>true</passwordExpired>"));
    let reset =
        format!("<urn:resetPassword><urn:userId>{ALICE_ID}</urn:userId></urn:resetPassword>");
    let (status, body) = h.call(&admin.server_url, &admin.id, &reset).await;
    assert_eq!(
        (status, fault_code(&body).as_deref()),
        (500, Some("INVALID_OPERATION_WITH_EXPIRED_PASSWORD"))
    );
    let url = format!(
        "{}/sobjects/User/{ALICE_ID}/password",
        rest_base(&admin.server_url)
    );
    let (status, v) = h.rest(Method::DELETE, &url, &admin.id, None).await;
    assert_eq!(
        (status, v[0]["errorCode"].as_str()),
        (401, Some("INVALID_OPERATION_WITH_EXPIRED_PASSWORD"))
    );
    assert!(h.password_is(ALICE.0, ALICE.1).await, "nothing was reset");
    let (status, body) = h.call(&admin.server_url, &admin.id, "<urn:logout/>").await;
    assert_eq!(status, 200, "{}", summary_text(&body));
    assert!(body.contains("<logoutResponse/>"));
    assert_eq!(h.user(ADMIN.0).await["active_sessions"], 0);
}

#[tokio::test]
async fn rest_password_permissions() {
    let h = tiny(json!({})).await;
    let alice = h.session(LOGIN, ALICE.0, ALICE.1).await;
    let base = rest_base(&alice.server_url);
    // POST on oneself without "Allow use of setPassword() API for self-resets".
    let own = format!("{base}/sobjects/User/{ALICE_ID}/password");
    let body = json!({"NewPassword": "Self-Set-0001"});
    let (status, v) = h.rest(Method::POST, &own, &alice.id, Some(body)).await;
    assert_eq!(status, 403);
    assert_eq!(
        v,
        json!([{"message": "Cannot set password for self", "errorCode": "INSUFFICIENT_ACCESS"}])
    );
    // DELETE (reset) of another user without Manage Users.
    let other = format!("{base}/sobjects/User/{ADMIN_ID}/password");
    let (status, v) = h.rest(Method::DELETE, &other, &alice.id, None).await;
    assert_eq!(
        (status, v[0]["errorCode"].as_str()),
        (403, Some("INSUFFICIENT_ACCESS"))
    );
    assert!(h.password_is(ALICE.0, ALICE.1).await);
    assert!(h.password_is(ADMIN.0, ADMIN.1).await);
    assert_eq!(h.user(ADMIN.0).await["password_changes"], 0);
}

#[tokio::test]
async fn oauth_refusals() {
    let h = Harness::with_orgs(vec![tiny_org(json!({"max_failed_logins": 1}), |o| {
        o["login_rate_per_hour"] = json!(3);
        o["soap_login_enabled"] = json!(false);
    })])
    .await;
    let failure = json!({"error": "invalid_grant", "error_description": "authentication failure"});
    // SOAP login() switched off does not affect the OAuth flow.
    assert_eq!(
        login_code(&h, ADMIN.0, ADMIN.1).await.as_deref(),
        Some("INVALID_OPERATION")
    );
    let (status, v) = h.token(LOGIN, &grant(APP, ADMIN.0, ADMIN.1)).await;
    assert_eq!(status, 200, "{}", summary(&v));
    assert!(v["access_token"].as_str().is_some());
    // Locked out.
    let (status, v) = h.token(LOGIN, &grant(APP, ALICE.0, "Wrong-Pass-1")).await;
    assert_answer((status, &v), (400, &failure), "wrong password");
    assert_eq!(h.user(ALICE.0).await["locked_out"], true);
    let (status, v) = h.token(LOGIN, &grant(APP, ALICE.0, ALICE.1)).await;
    assert_answer((status, &v), (400, &failure), "locked out");
    // No API Enabled.
    let (status, v) = h.token(LOGIN, &grant(APP, NO_API.0, NO_API.1)).await;
    assert_answer((status, &v), (400, &failure), "API disabled for the user");
    // Login rate: three per hour (the SOAP attempt and the grant above count), the fourth is
    // refused.
    assert_eq!(h.token(LOGIN, &grant(APP, ADMIN.0, ADMIN.1)).await.0, 200);
    let (status, v) = h.token(LOGIN, &grant(APP, ADMIN.0, ADMIN.1)).await;
    let rate = json!({"error": "invalid_grant", "error_description": "login rate exceeded"});
    assert_answer((status, &v), (400, &rate), "login rate");
    // Org-wide API access off.
    let off = json!({"api_enabled": false});
    assert_eq!(h.send(Method::PATCH, "/orgs/tiny", off).await, 204);
    let (status, v) = h.token(TINY, &grant(APP, API_PS.0, API_PS.1)).await;
    assert_answer((status, &v), (400, &failure), "API disabled for the org");
}

#[tokio::test]
async fn deactivated_users_sessions_die() {
    let h = tiny(json!({})).await;
    let s = h.session(LOGIN, ALICE.0, ALICE.1).await;
    let patch = json!({"is_active": false});
    assert_eq!(
        h.send(Method::PATCH, &format!("/users/{}", ALICE.0), patch)
            .await,
        204
    );
    let (status, body) = h.call(&s.server_url, &s.id, "<urn:getUserInfo/>").await;
    assert_eq!(
        (status, fault_code(&body).as_deref()),
        (500, Some("INVALID_SESSION_ID"))
    );
    let url = format!("{}/query?q=SELECT+Id+FROM+User", rest_base(&s.server_url));
    let (status, v) = h.rest(Method::GET, &url, &s.id, None).await;
    assert_eq!(
        (status, v[0]["errorCode"].as_str()),
        (401, Some("INVALID_SESSION_ID"))
    );
    assert_eq!(
        login_code(&h, ALICE.0, ALICE.1).await.as_deref(),
        Some("INVALID_LOGIN")
    );
}
