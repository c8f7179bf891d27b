//! LoginResult and GetUserInfoResult, in WSDL order (SALESFORCE-WIRE.md §1.4).

use std::fmt::Write;

use super::write::{field, Flavor};
use crate::ids;
use crate::state::World;

/// `<userInfo>` children (also getUserInfo's result).
pub fn user_info(world: &World, user: usize) -> String {
    let u = &world.users[user];
    let file = &world.orgs[u.org].file;
    let profile = &file.profiles[u.profile];
    let mut s = String::new();
    field(&mut s, "accessibilityMode", Some("false"));
    field(&mut s, "chatterExternal", Some("false"));
    field(&mut s, "currencySymbol", Some("$"));
    field(&mut s, "orgAttachmentFileSizeLimit", Some("5242880"));
    field(&mut s, "orgDefaultCurrencyIsoCode", Some("USD"));
    field(&mut s, "orgDefaultCurrencyLocale", Some("en_US"));
    field(&mut s, "orgDisallowHtmlAttachments", Some("false"));
    field(&mut s, "orgHasPersonAccounts", Some("false"));
    field(&mut s, "organizationId", Some(&ids::to18(&file.org_id)));
    field(&mut s, "organizationMultiCurrency", Some("false"));
    field(&mut s, "organizationName", Some(&file.organization_name));
    field(&mut s, "profileId", Some(&ids::to18(&profile.id)));
    field(&mut s, "roleId", None);
    field(
        &mut s,
        "sessionSecondsValid",
        Some(&file.session_seconds_valid.to_string()),
    );
    field(&mut s, "userDefaultCurrencyIsoCode", None);
    field(&mut s, "userEmail", Some(&u.email));
    field(&mut s, "userFullName", Some(&u.full_name));
    field(&mut s, "userId", Some(&u.id));
    field(&mut s, "userLanguage", Some("en_US"));
    field(&mut s, "userLocale", Some("en_US"));
    field(&mut s, "userName", Some(&u.username));
    field(&mut s, "userTimeZone", Some("America/Los_Angeles"));
    field(&mut s, "userType", Some("Standard"));
    field(&mut s, "userUiSkin", Some("Theme3"));
    s
}

/// The `loginResponse` element. `authority` is `host[:port]` of the org's My Domain.
pub fn login_response(
    world: &World,
    flavor: Flavor,
    version: &str,
    authority: &str,
    user: usize,
    session_id: &str,
    password_expired: bool,
) -> String {
    let u = &world.users[user];
    let file = &world.orgs[u.org].file;
    let org15 = ids::to15(&file.org_id);
    let mut s = String::from("<loginResponse><result>");
    let meta = format!("https://{authority}/services/Soap/m/{version}/{org15}");
    let server = format!(
        "https://{authority}/services/Soap/{}/{version}/{org15}",
        flavor.letter()
    );
    field(&mut s, "metadataServerUrl", Some(&meta));
    let _ = write!(s, "<passwordExpired>{password_expired}</passwordExpired>");
    let _ = write!(s, "<sandbox>{}</sandbox>", file.sandbox.is_some());
    field(&mut s, "serverUrl", Some(&server));
    field(&mut s, "sessionId", Some(session_id));
    field(&mut s, "userId", Some(&u.id));
    let _ = write!(s, "<userInfo>{}</userInfo>", user_info(world, user));
    s.push_str("</result></loginResponse>");
    s
}
