//! API versions in URLs (`64.0`): which exist, which still have login().

/// The oldest version still served (v21–30 were retired in Summer '25).
pub const MIN_VERSION: u32 = 31;
/// The newest version the emulator knows.
pub const MAX_VERSION: u32 = 68;
/// The first version without SOAP login().
pub const NO_LOGIN_FROM: u32 = 65;
/// The first version with changeOwnPassword().
pub const CHANGE_OWN_PASSWORD_FROM: u32 = 40;

/// A version as written in the URL, e.g. `64.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersion {
    /// As written (`64.0`).
    pub text: String,
    /// The major number.
    pub major: u32,
}

impl ApiVersion {
    /// Parses `NN.N`; None when it is not a version.
    pub fn parse(s: &str) -> Option<ApiVersion> {
        let (major, minor) = s.split_once('.')?;
        let ok = |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
        if !ok(major) || !ok(minor) {
            return None;
        }
        Some(ApiVersion {
            text: s.to_string(),
            major: major.parse().ok()?,
        })
    }

    /// Whether Salesforce still serves this version.
    pub fn supported(&self) -> bool {
        (MIN_VERSION..=MAX_VERSION).contains(&self.major)
    }
}
