//! The org's declared password policy (SPEC 2.1 rule 4), with Salesforce's complexity names.

use std::fmt;

/// Salesforce's "Password complexity requirement" values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Complexity {
    /// "No restriction".
    Any,
    /// "Must mix alpha and numeric characters" (Salesforce's default).
    AlphaNumeric,
    /// "Must mix alpha, numeric, and special characters".
    AlphaNumericSpecial,
    /// "Must mix numbers and uppercase and lowercase letters".
    UpperLowerNumeric,
    /// "Must mix numbers, uppercase and lowercase letters, and special characters".
    UpperLowerNumericSpecial,
}

/// The special characters Salesforce counts for complexity: `! # $ % - _ = + < >`.
pub const SPECIAL_CHARACTERS: &str = "!#$%-_=+<>";

impl Complexity {
    /// Parses the request's snake_case name (`alpha_numeric`, ...).
    pub fn from_name(name: &str) -> Option<Complexity> {
        Some(match name {
            "any" => Complexity::Any,
            "alpha_numeric" => Complexity::AlphaNumeric,
            "alpha_numeric_special" => Complexity::AlphaNumericSpecial,
            "upper_lower_numeric" => Complexity::UpperLowerNumeric,
            "upper_lower_numeric_special" => Complexity::UpperLowerNumericSpecial,
            _ => return None,
        })
    }

    /// The snake_case name used in requests.
    pub fn name(self) -> &'static str {
        match self {
            Complexity::Any => "any",
            Complexity::AlphaNumeric => "alpha_numeric",
            Complexity::AlphaNumericSpecial => "alpha_numeric_special",
            Complexity::UpperLowerNumeric => "upper_lower_numeric",
            Complexity::UpperLowerNumericSpecial => "upper_lower_numeric_special",
        }
    }
}

/// The policy a new password must meet before any login is attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Minimum length in characters (Salesforce's default is 8).
    pub min_length: usize,
    /// Required character classes.
    pub complexity: Complexity,
}

impl Default for PasswordPolicy {
    fn default() -> PasswordPolicy {
        PasswordPolicy {
            min_length: 8,
            complexity: Complexity::AlphaNumeric,
        }
    }
}

/// Which rule a candidate password breaks; never carries the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyViolation {
    /// Fewer characters than `min_length`.
    #[error("is shorter than {0} characters")]
    TooShort(usize),
    /// No letter.
    #[error("has no letter")]
    NoLetter,
    /// No digit.
    #[error("has no digit")]
    NoDigit,
    /// No uppercase letter.
    #[error("has no uppercase letter")]
    NoUppercase,
    /// No lowercase letter.
    #[error("has no lowercase letter")]
    NoLowercase,
    /// None of Salesforce's special characters `! # $ % - _ = + < >`.
    #[error("has none of the special characters ! # $ % - _ = + < >")]
    NoSpecial,
}

impl PasswordPolicy {
    /// Checks `candidate` against the policy, reporting the first rule it breaks.
    pub fn check(&self, candidate: &str) -> Result<(), PolicyViolation> {
        if candidate.chars().count() < self.min_length {
            return Err(PolicyViolation::TooShort(self.min_length));
        }
        let has = |pred: fn(char) -> bool| candidate.chars().any(pred);
        let (letters, upper_lower, special) = match self.complexity {
            Complexity::Any => (false, false, false),
            Complexity::AlphaNumeric => (true, false, false),
            Complexity::AlphaNumericSpecial => (true, false, true),
            Complexity::UpperLowerNumeric => (false, true, false),
            Complexity::UpperLowerNumericSpecial => (false, true, true),
        };
        if letters && !has(char::is_alphabetic) {
            return Err(PolicyViolation::NoLetter);
        }
        if upper_lower && !has(char::is_uppercase) {
            return Err(PolicyViolation::NoUppercase);
        }
        if upper_lower && !has(char::is_lowercase) {
            return Err(PolicyViolation::NoLowercase);
        }
        if (letters || upper_lower) && !has(|c| c.is_ascii_digit()) {
            return Err(PolicyViolation::NoDigit);
        }
        if special && !has(|c| SPECIAL_CHARACTERS.contains(c)) {
            return Err(PolicyViolation::NoSpecial);
        }
        Ok(())
    }
}

impl fmt::Display for PasswordPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at least {} characters, complexity {}",
            self.min_length,
            self.complexity.name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(min_length: usize, complexity: Complexity) -> PasswordPolicy {
        PasswordPolicy {
            min_length,
            complexity,
        }
    }

    #[test]
    fn each_complexity_rule() {
        use Complexity::*;
        assert_eq!(
            policy(8, Any).check("short"),
            Err(PolicyViolation::TooShort(8))
        );
        assert_eq!(policy(4, Any).check("aaaa"), Ok(()));
        assert_eq!(
            policy(4, AlphaNumeric).check("1234"),
            Err(PolicyViolation::NoLetter)
        );
        assert_eq!(
            policy(4, AlphaNumeric).check("abcd"),
            Err(PolicyViolation::NoDigit)
        );
        assert_eq!(policy(4, AlphaNumeric).check("abc1"), Ok(()));
        assert_eq!(
            policy(4, AlphaNumericSpecial).check("abc1"),
            Err(PolicyViolation::NoSpecial)
        );
        assert_eq!(
            policy(4, AlphaNumericSpecial).check("ab1@"),
            Err(PolicyViolation::NoSpecial)
        );
        assert_eq!(policy(4, AlphaNumericSpecial).check("ab1#"), Ok(()));
        assert_eq!(
            policy(4, UpperLowerNumeric).check("abc1"),
            Err(PolicyViolation::NoUppercase)
        );
        assert_eq!(
            policy(4, UpperLowerNumeric).check("ABC1"),
            Err(PolicyViolation::NoLowercase)
        );
        assert_eq!(
            policy(4, UpperLowerNumeric).check("ABcd"),
            Err(PolicyViolation::NoDigit)
        );
        assert_eq!(policy(4, UpperLowerNumeric).check("Abc1"), Ok(()));
        assert_eq!(
            policy(4, UpperLowerNumericSpecial).check("Abc1"),
            Err(PolicyViolation::NoSpecial)
        );
        assert_eq!(policy(4, UpperLowerNumericSpecial).check("Ab1_"), Ok(()));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(
            policy(4, Complexity::Any).check("ééé"),
            Err(PolicyViolation::TooShort(4))
        );
        assert_eq!(policy(3, Complexity::Any).check("ééé"), Ok(()));
    }

    #[test]
    fn names_round_trip() {
        for name in [
            "any",
            "alpha_numeric",
            "alpha_numeric_special",
            "upper_lower_numeric",
            "upper_lower_numeric_special",
        ] {
            assert_eq!(
                Complexity::from_name(name).map(Complexity::name),
                Some(name)
            );
        }
        assert_eq!(Complexity::from_name("AlphaNumeric"), None);
    }
}
