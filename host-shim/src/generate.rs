//! New-password generation for `change` without `new_password` (SPEC 5): the OS RNG, every
//! character class Salesforce counts (so any declared complexity is met), length
//! max(policy min, 20), and no character that breaks SOAP or shell quoting.

use sfrpc_plugin::PasswordPolicy;
use zeroize::Zeroizing;

/// The generated length when the policy asks for less.
pub const MIN_GENERATED_LENGTH: usize = 20;
/// The longest password this host generates.
pub const MAX_GENERATED_LENGTH: usize = 256;

const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";
/// Salesforce's special characters (`! # $ % - _ = + < >`) minus those that break SOAP,
/// shell or batch-file quoting (`$ < >`, `!` in bash's double quotes, `%` in cmd.exe).
pub const SAFE_SPECIALS: &[u8] = b"#-_=+";

/// Why no password could be generated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The OS RNG failed.
    #[error("the operating system's random number generator failed")]
    Rng,
    /// The policy's minimum length is beyond what this host generates.
    #[error("the declared minimum length {0} is longer than {MAX_GENERATED_LENGTH}")]
    TooLong(usize),
    /// No candidate met the policy (cannot happen with Salesforce's complexities).
    #[error("no generated password met the declared policy")]
    Policy,
}

/// A uniform index below `n` from the OS RNG (rejection sampling, no modulo bias).
fn index(n: usize) -> Result<usize, GenerateError> {
    let n = n as u32;
    let zone = u32::MAX - (u32::MAX % n);
    for _ in 0..64 {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).map_err(|_| GenerateError::Rng)?;
        let v = u32::from_le_bytes(b);
        if v < zone {
            return Ok((v % n) as usize);
        }
    }
    Err(GenerateError::Rng)
}

fn candidate(length: usize) -> Result<Zeroizing<String>, GenerateError> {
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SAFE_SPECIALS].concat();
    let mut chars = Zeroizing::new(Vec::with_capacity(length));
    for class in [UPPER, LOWER, DIGITS, SAFE_SPECIALS] {
        chars.push(class[index(class.len())?]);
    }
    while chars.len() < length {
        chars.push(all[index(all.len())?]);
    }
    for i in (1..chars.len()).rev() {
        let j = index(i + 1)?;
        chars.swap(i, j);
    }
    let text: String = chars.iter().map(|&c| c as char).collect();
    Ok(Zeroizing::new(text))
}

/// Generates a password meeting `policy` (Salesforce's default when None).
pub fn generate(policy: Option<&PasswordPolicy>) -> Result<Zeroizing<String>, GenerateError> {
    let policy = policy.copied().unwrap_or_default();
    let length = policy.min_length.max(MIN_GENERATED_LENGTH);
    if length > MAX_GENERATED_LENGTH {
        return Err(GenerateError::TooLong(policy.min_length));
    }
    for _ in 0..8 {
        let pw = candidate(length)?;
        if policy.check(&pw).is_ok() {
            return Ok(pw);
        }
    }
    Err(GenerateError::Policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sfrpc_plugin::Complexity;

    const ALL: [Complexity; 5] = [
        Complexity::Any,
        Complexity::AlphaNumeric,
        Complexity::AlphaNumericSpecial,
        Complexity::UpperLowerNumeric,
        Complexity::UpperLowerNumericSpecial,
    ];

    #[test]
    fn meets_every_complexity_and_length() {
        for complexity in ALL {
            for min_length in [0, 8, 20, 21, 64] {
                let policy = PasswordPolicy {
                    min_length,
                    complexity,
                };
                for _ in 0..20 {
                    let pw = generate(Some(&policy)).expect("generated");
                    assert!(policy.check(&pw).is_ok(), "{complexity:?} min {min_length}");
                    assert_eq!(pw.chars().count(), min_length.max(20));
                }
            }
        }
    }

    #[test]
    fn never_uses_quoting_hazards() {
        for _ in 0..200 {
            let pw = generate(None).expect("generated");
            assert!(!pw.contains(['<', '>', '&', '"', '\'', '`', '$', '\\', ' ']));
            assert!(pw.is_ascii());
        }
    }

    #[test]
    fn passwords_differ() {
        let a = generate(None).expect("generated");
        let b = generate(None).expect("generated");
        assert!(*a != *b, "two generated passwords were equal");
    }

    #[test]
    fn absurd_lengths_are_refused() {
        let policy = PasswordPolicy {
            min_length: 10_000,
            complexity: Complexity::Any,
        };
        assert_eq!(generate(Some(&policy)), Err(GenerateError::TooLong(10_000)));
    }

    #[test]
    fn index_is_in_range() {
        for n in [1, 2, 7, 69] {
            for _ in 0..100 {
                assert!(index(n).expect("rng") < n);
            }
        }
    }
}
