//! query over SOAP and REST: the SOQL the plugin sends, visibility, and MALFORMED_QUERY.

mod common;

use common::users::*;
use common::*;
use reqwest::Method;
use serde_json::json;

const USER_FIELDS: &str = "Id, Username, IsActive, LastPasswordChangeDate, ProfileId, Profile.Name, Profile.PermissionsApiEnabled, Profile.PermissionsPasswordNeverExpires, Profile.PermissionsApiUserOnly";
const PERMSET_FIELDS: &str = "PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.PermissionsApiEnabled, PermissionSet.PermissionsPasswordNeverExpires, PermissionSet.PermissionsApiUserOnly";

fn soql_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

async fn rest_query(h: &Harness, s: &Session, soql: &str) -> (u16, serde_json::Value) {
    let url = reqwest::Url::parse_with_params(
        &format!("{}/query/", rest_base(&s.server_url)),
        [("q", soql)],
    )
    .unwrap();
    h.rest(Method::GET, url.as_str(), &s.id, None).await
}

async fn rest_query_raw(h: &Harness, s: &Session, soql: &str) -> (u16, String) {
    let url = reqwest::Url::parse_with_params(
        &format!("{}/query", rest_base(&s.server_url)),
        [("q", soql)],
    )
    .unwrap();
    let r = h.http.get(url).bearer_auth(&s.id).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn rest_diagnose_queries() {
    let h = Harness::start().await;
    let (u, p, t) = ETL;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let soql = format!(
        "SELECT {USER_FIELDS} FROM User WHERE Id = {}",
        soql_quote(&s.user_id)
    );
    let (status, v) = rest_query(&h, &s, &soql).await;
    assert_eq!(status, 200);
    assert_eq!(v["totalSize"], 1);
    assert_eq!(v["done"], true);
    let r = &v["records"][0];
    assert_eq!(
        r["attributes"],
        json!({"type": "User", "url": "/services/data/v64.0/sobjects/User/0055g00000NvExPAAV"})
    );
    assert_eq!(r["Id"], "0055g00000NvExPAAV");
    assert_eq!(r["Username"], u);
    assert_eq!(r["IsActive"], true);
    let changed = r["LastPasswordChangeDate"].as_str().unwrap();
    assert!(
        changed.len() == 28 && changed.ends_with("+0000"),
        "{changed}"
    );
    assert_eq!(r["Profile"]["Name"], "Integration API");
    assert_eq!(r["Profile"]["PermissionsApiEnabled"], true);
    assert_eq!(r["Profile"]["PermissionsPasswordNeverExpires"], false);
    assert_eq!(r["Profile"]["PermissionsApiUserOnly"], true);
    assert_eq!(r["Profile"]["attributes"]["type"], "Profile");
    // Keys in Salesforce's order: attributes first, then the fields as selected.
    let (_, raw) = rest_query_raw(&h, &s, &soql).await;
    let order = [
        r#"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"User","url":"#,
        r#""Id":"#,
        r#""Username":"#,
        r#""IsActive":"#,
        r#""LastPasswordChangeDate":"#,
        r#""ProfileId":"#,
        r#""Profile":{"attributes":{"type":"Profile","url":"#,
        r#""Name":"Integration API","PermissionsApiEnabled":true,"PermissionsPasswordNeverExpires":false,"PermissionsApiUserOnly":true}}]}"#,
    ];
    assert_in_order(&raw, &order);

    let soql = format!(
        "SELECT {PERMSET_FIELDS} FROM PermissionSetAssignment WHERE AssigneeId = {}",
        soql_quote(&s.user_id)
    );
    let (status, v) = rest_query(&h, &s, &soql).await;
    assert_eq!(status, 200);
    assert_eq!(v["totalSize"], 2);
    let sets: Vec<_> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["PermissionSet"])
        .collect();
    assert_eq!(sets[0]["IsOwnedByProfile"], true);
    assert_eq!(sets[0]["PermissionsApiUserOnly"], true);
    assert_eq!(sets[1]["Name"], "Password_Never_Expires");
    assert_eq!(sets[1]["IsOwnedByProfile"], false);
    assert_eq!(sets[1]["PermissionsPasswordNeverExpires"], true);
}

#[tokio::test]
async fn soap_query_has_the_partner_sobject_shape() {
    let h = Harness::start().await;
    let (u, p, t) = ADMIN;
    let s = h.session(LOGIN, u, &format!("{p}{t}")).await;
    let soql = format!(
        "SELECT Id, Username, Profile.Name, LastPasswordChangeDate FROM User WHERE Username = {}",
        soql_quote(ROTATE.0)
    );
    let op = format!(
        "<urn:query><urn:queryString>{}</urn:queryString></urn:query>",
        xml_escape(&soql)
    );
    let (status, body) = h.call(&s.server_url, &s.id, &op).await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"xmlns:sf="urn:sobject.partner.soap.sforce.com""#));
    let expected = r#"<queryResponse><result xsi:type="QueryResult"><done>true</done><queryLocator xsi:nil="true"/><records xsi:type="sf:sObject"><sf:type>User</sf:type><sf:Id>0055g00000RoTaTAAV</sf:Id><sf:Id>0055g00000RoTaTAAV</sf:Id><sf:Username>svc.rotate@acme.example.com</sf:Username><sf:Profile xsi:type="sf:sObject"><sf:type>Profile</sf:type><sf:Id xsi:nil="true"/><sf:Name>Integration API</sf:Name></sf:Profile><sf:LastPasswordChangeDate>"#;
    assert!(body.contains(expected), "{}", summary_text(&body));
    assert!(body
        .contains("</sf:LastPasswordChangeDate></records><size>1</size></result></queryResponse>"));
    let op = "<urn:query><urn:queryString>SELECT Id FROM User WHERE Username = 'nobody@x'</urn:queryString></urn:query>";
    let (_, body) = h.call(&s.server_url, &s.id, op).await;
    assert!(body.contains(r#"<queryResponse><result xsi:type="QueryResult"><done>true</done><queryLocator xsi:nil="true"/><size>0</size></result></queryResponse>"#));
    // (query, code, detail type, message)
    let refused = [
        (
            "SELECT Id FROM Account",
            "INVALID_TYPE",
            "sf:InvalidSObjectFault",
            "\nSELECT Id FROM Account\n               ^\nERROR at Row:1:Column:16\nsObject type 'Account' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
        ),
        (
            "SELECT Id, Nope FROM User",
            "INVALID_FIELD",
            "sf:InvalidFieldFault",
            "\nSELECT Id, Nope FROM User\n           ^\nERROR at Row:1:Column:12\nNo such column 'Nope' on entity 'User'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
        ),
        (
            "SELECT Id FROM User WHERE Id = '1' AND",
            "MALFORMED_QUERY",
            "sf:MalformedQueryFault",
            "unexpected token: expecting a field name",
        ),
    ];
    for (soql, code, ty, message) in refused {
        let op = format!("<urn:query><urn:queryString>{soql}</urn:queryString></urn:query>");
        let (status, body) = h.call(&s.server_url, &s.id, &op).await;
        assert_eq!(status, 500, "{soql}");
        assert_eq!(fault_code(&body).as_deref(), Some(code), "{soql}");
        assert!(
            body.contains(&format!("<faultcode>sf:{code}</faultcode>")),
            "{soql}"
        );
        assert!(
            body.contains(&format!(r#"<{ty} xsi:type="{ty}">"#)),
            "{soql}"
        );
        assert_eq!(fault_message(&body).as_deref(), Some(message), "{soql}");
    }
}

#[tokio::test]
async fn fields_are_checked_against_the_schema_even_with_no_rows() {
    let h = Harness::start().await;
    let (u, p, _) = INTEGRATION;
    let s = h.session(LOGIN, u, p).await;
    let none = "WHERE Username = 'nobody@nowhere.example.com'";
    for (soql, code) in [
        (format!("SELECT Id, Nope FROM User {none}"), "INVALID_FIELD"),
        (
            format!("SELECT Id FROM User {none} AND Nope = 'x'"),
            "INVALID_FIELD",
        ),
        (
            format!("SELECT Profile.Nope FROM User {none}"),
            "INVALID_FIELD",
        ),
        (format!("SELECT Profile FROM User {none}"), "INVALID_FIELD"),
        (
            format!("SELECT Username.Name FROM User {none}"),
            "INVALID_FIELD",
        ),
        ("SELECT Id FROM Opportunity".to_string(), "INVALID_TYPE"),
        // A user without Manage Users sees no Profile rows of others, but the schema holds.
        (
            "SELECT Id, Bogus FROM PermissionSet".to_string(),
            "INVALID_FIELD",
        ),
    ] {
        let (status, v) = rest_query(&h, &s, &soql).await;
        assert_eq!(status, 400, "{soql}");
        assert_eq!(v.as_array().map(Vec::len), Some(1), "{soql}: an array");
        assert_eq!(v[0]["errorCode"], code, "{soql}");
    }
    // Every field of the schema is selectable, and is there in the answer.
    for (object, fields) in [
        ("User", "Id, Username, Name, Email, IsActive, LastPasswordChangeDate, LastLoginDate, ProfileId, Profile.Name, UserType"),
        ("Profile", "Id, Name, PermissionsApiEnabled, PermissionsApiUserOnly, PermissionsPasswordNeverExpires, PermissionsManageUsers"),
        ("PermissionSet", "Id, Name, Label, IsOwnedByProfile, ProfileId, PermissionsApiEnabled, PermissionsApiUserOnly, PermissionsPasswordNeverExpires, PermissionsManageUsers"),
        ("PermissionSetAssignment", "Id, AssigneeId, PermissionSetId, PermissionSet.Name"),
    ] {
        let (status, v) = rest_query(&h, &s, &format!("SELECT {fields} FROM {object} LIMIT 1")).await;
        assert_eq!(status, 200, "{object}: {}", summary(&v));
        let record = &v["records"][0];
        for f in fields.split(", ") {
            let top = f.split('.').next().unwrap();
            assert!(
                record.get(top).is_some(),
                "{object}.{f} missing: {}",
                summary(record)
            );
        }
    }
}

#[tokio::test]
async fn usernames_with_quotes_and_case_match() {
    let org = std::fs::read_to_string(repo_root().join("fixtures/orgs/demo.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&org).unwrap();
    v["name"] = json!("tiny");
    v["users"][5]["username"] = json!("o'brien\\ops@demo.example.com");
    let h = Harness::with_orgs(vec![
        sfrpc_emulator::OrgFile::from_json(&v.to_string()).unwrap()
    ])
    .await;
    let (u, p, _) = ("vault.admin@demo.example.com", "D3mo-Adm1n-2024!", "");
    let s = h.session(LOGIN, u, p).await;
    let (status, v) = rest_query(
        &h,
        &s,
        &format!(
            "SELECT Id FROM User WHERE Username = {}",
            soql_quote("O'Brien\\ops@demo.example.com")
        ),
    )
    .await;
    assert_eq!(status, 200);
    let id = v["records"][0]["Id"].as_str().unwrap();
    assert!(id.starts_with("0058d00000DmNoA") && id.len() == 18, "{id}");
    assert_eq!(v["totalSize"], 1);
}

#[tokio::test]
async fn visibility_and_malformed_queries() {
    let h = Harness::start().await;
    let (u, p, _) = INTEGRATION;
    let s = h.session(LOGIN, u, p).await;
    // Without Manage Users only the user's own record is visible.
    let (status, v) = rest_query(
        &h,
        &s,
        &format!(
            "SELECT Id FROM User WHERE Username = {}",
            soql_quote(ADMIN.0)
        ),
    )
    .await;
    assert_eq!((status, v["totalSize"].as_u64()), (200, Some(0)));
    let (_, v) = rest_query(&h, &s, "SELECT Id, Username FROM User").await;
    assert_eq!(v["totalSize"], 1);
    let (au, ap, at) = ADMIN;
    let admin = h.session(LOGIN, au, &format!("{ap}{at}")).await;
    let (_, v) = rest_query(&h, &admin, "SELECT Id FROM User WHERE IsActive = true").await;
    assert_eq!(v["totalSize"], 6);
    let (_, v) = rest_query(&h, &admin, "SELECT Id FROM User LIMIT 2").await;
    assert_eq!(v["totalSize"], 2);
    for bad in [
        "SELECT Id FROM User WHERE Username LIKE 'a%'",
        "DELETE FROM User",
        "SELECT Id FROM User WHERE Username = 'x' OR Id = 'y'",
    ] {
        let (status, v) = rest_query(&h, &admin, bad).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(v[0]["errorCode"], "MALFORMED_QUERY", "{bad}");
    }
    let (status, raw) = rest_query_raw(&h, &admin, "SELECT Nope FROM User").await;
    assert_eq!(status, 400);
    assert!(
        raw.starts_with(r#"[{"message":"\nSELECT Nope FROM User\n       ^\nERROR at Row:1:Column:8\nNo such column 'Nope' on entity 'User'."#),
        "{}",
        summary_text(&raw)
    );
    assert!(
        raw.ends_with(r#"","errorCode":"INVALID_FIELD"}]"#),
        "{}",
        summary_text(&raw)
    );
    let (status, v) = h
        .rest(
            Method::GET,
            &format!("{}/query", rest_base(&admin.server_url)),
            &admin.id,
            None,
        )
        .await;
    assert_eq!(
        (status, v[0]["errorCode"].as_str()),
        (400, Some("MALFORMED_QUERY"))
    );
    let (status, v) = h
        .rest(
            Method::GET,
            &format!("{}/sobjects/Account", rest_base(&admin.server_url)),
            &admin.id,
            None,
        )
        .await;
    assert_eq!(
        (status, v[0]["errorCode"].as_str()),
        (404, Some("NOT_FOUND"))
    );
}
