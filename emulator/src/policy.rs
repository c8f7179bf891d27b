//! Password policy: length, complexity (Salesforce's names), history, lockout and expiry.

use serde::{Deserialize, Serialize};

/// Password complexity requirement, named as in Salesforce's Password Policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    /// No restriction.
    Any,
    /// Must mix alpha and numeric characters (the Salesforce default).
    #[default]
    AlphaNumeric,
    /// Alpha, numeric and special characters.
    AlphaNumericSpecial,
    /// Upper- and lower-case letters and numbers.
    UpperLowerNumeric,
    /// Upper- and lower-case letters, numbers and special characters.
    UpperLowerNumericSpecial,
}

/// The org's password policies.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Minimum length (default 8).
    #[serde(default = "default_min_length")]
    pub min_length: usize,
    /// Complexity requirement.
    #[serde(default)]
    pub complexity: Complexity,
    /// Passwords remembered, the current one included (0: none; default 3).
    #[serde(default = "default_history")]
    pub history: usize,
    /// Failed logins before lockout (0: never; default 10).
    #[serde(default = "default_max_failed")]
    pub max_failed_logins: u32,
    /// Lockout interval in minutes (0: until an admin unlocks; default 15).
    #[serde(default = "default_lockout_minutes")]
    pub lockout_minutes: u64,
    /// Passwords expire after this many days (absent: never).
    #[serde(default)]
    pub expires_days: Option<u64>,
}

fn default_min_length() -> usize {
    8
}
fn default_history() -> usize {
    3
}
fn default_max_failed() -> u32 {
    10
}
fn default_lockout_minutes() -> u64 {
    15
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: default_min_length(),
            complexity: Complexity::default(),
            history: default_history(),
            max_failed_logins: default_max_failed(),
            lockout_minutes: default_lockout_minutes(),
            expires_days: None,
        }
    }
}

impl PasswordPolicy {
    /// The INVALID_NEW_PASSWORD message for `new`, or None when it satisfies length and
    /// complexity and does not contain the username. History is checked by the caller.
    pub fn violation(&self, new: &str, username: &str) -> Option<String> {
        if new.chars().count() < self.min_length {
            return Some(format!(
                "Your password must be at least {} characters long.",
                self.min_length
            ));
        }
        let letters = new.chars().any(char::is_alphabetic);
        let upper = new.chars().any(char::is_uppercase);
        let lower = new.chars().any(char::is_lowercase);
        let digits = new.chars().any(|c| c.is_ascii_digit());
        let special = new.chars().any(|c| !c.is_alphanumeric());
        let message = match self.complexity {
            Complexity::Any => None,
            Complexity::AlphaNumeric if !(letters && digits) => {
                Some("Your password must include letters and numbers")
            }
            Complexity::AlphaNumericSpecial if !(letters && digits && special) => {
                Some("Your password must include letters, numbers, and special characters")
            }
            Complexity::UpperLowerNumeric if !(upper && lower && digits) => {
                Some("Your password must include numbers, uppercase and lowercase letters")
            }
            Complexity::UpperLowerNumericSpecial if !(upper && lower && digits && special) => Some(
                "Your password must include numbers, uppercase and lowercase letters, and special characters",
            ),
            _ => None,
        };
        if let Some(m) = message {
            return Some(m.to_string());
        }
        if !username.is_empty() && new.to_lowercase().contains(&username.to_lowercase()) {
            return Some("Your password cannot equal or contain your user name.".to_string());
        }
        None
    }
}

/// The message Salesforce gives when a remembered password is reused.
pub const REUSED_PASSWORD: &str = "You cannot reuse this old password.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_then_complexity_then_username() {
        let p = PasswordPolicy::default();
        assert_eq!(
            p.violation("a1", "u@x.com").as_deref(),
            Some("Your password must be at least 8 characters long.")
        );
        assert_eq!(
            p.violation("abcdefghij", "u@x.com").as_deref(),
            Some("Your password must include letters and numbers")
        );
        assert_eq!(p.violation("abcdefgh1", "u@x.com"), None);
        assert!(p.violation("xu@x.com1", "u@x.com").is_some());
        let strict = PasswordPolicy {
            complexity: Complexity::UpperLowerNumericSpecial,
            ..PasswordPolicy::default()
        };
        assert!(strict.violation("abcdefgh1", "u").is_some());
        assert_eq!(strict.violation("Abcdefg1!", "u"), None);
    }
}
