//! Salesforce ids (15/18 characters), random tokens and session ids, and timestamps.

const SUFFIX_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Whether `id` is a 15- or 18-character alphanumeric id with the given key prefix.
pub fn valid_id(id: &str, prefix: &str) -> bool {
    (id.len() == 15 || id.len() == 18)
        && id.starts_with(prefix)
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The 18-character form of a 15- or 18-character id (Salesforce's case-safe suffix).
pub fn to18(id: &str) -> String {
    let base = &id[..15.min(id.len())];
    let mut out = base.to_string();
    for chunk in base.as_bytes().chunks(5) {
        let mut bits = 0usize;
        for (i, b) in chunk.iter().enumerate() {
            if b.is_ascii_uppercase() {
                bits |= 1 << i;
            }
        }
        out.push(SUFFIX_ALPHABET[bits] as char);
    }
    out
}

/// The 15-character form of an id.
pub fn to15(id: &str) -> &str {
    &id[..15.min(id.len())]
}

/// Whether two ids name the same record (15 vs 18 characters; the 15 are case-sensitive).
pub fn same_id(a: &str, b: &str) -> bool {
    (a.len() == 15 || a.len() == 18) && (b.len() == 15 || b.len() == 18) && to15(a) == to15(b)
}

/// `len` random characters from `[A-Za-z0-9]`, drawn from the OS RNG.
pub fn random_base62(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the OS random number generator is available");
    // 248 = 4 * 62: reject the top of the byte range to stay unbiased.
    let mut out = String::with_capacity(len);
    let mut pool = bytes;
    while out.len() < len {
        for b in &pool {
            if *b < 248 && out.len() < len {
                out.push(BASE62[(*b % 62) as usize] as char);
            }
        }
        pool = vec![0u8; len];
        getrandom::fill(&mut pool).expect("the OS random number generator is available");
    }
    out
}

/// A new security token (25 characters, like Salesforce's).
pub fn new_security_token() -> String {
    random_base62(25)
}

/// A new session id: the 15-character org id, `!`, then opaque characters.
pub fn new_session_id(org_id: &str) -> String {
    format!("{}!AQ{}", to15(org_id), random_base62(94))
}

/// Milliseconds since the epoch as `2026-08-27T09:14:02.000Z`.
pub fn iso_utc(ms: u64, rest_style: bool) -> String {
    let secs = ms / 1000;
    let millis = ms % 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let zone = if rest_style { "+0000" } else { "Z" };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}{zone}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighteen_character_suffix_matches_salesforce() {
        // A documented pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
        assert_eq!(to18("001A0000006Vm9r"), "001A0000006Vm9rIAC");
        assert_eq!(to18("001A0000006Vm9rIAC"), "001A0000006Vm9rIAC");
        assert!(same_id("001A0000006Vm9r", "001A0000006Vm9rIAC"));
        assert!(!same_id("001A0000006Vm9R", "001A0000006Vm9rIAC"));
    }

    #[test]
    fn timestamps_render_in_both_styles() {
        assert_eq!(iso_utc(0, false), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso_utc(1_795_478_400_123, true),
            "2026-11-24T00:00:00.123+0000"
        );
    }

    #[test]
    fn tokens_and_sessions_have_the_right_shape() {
        let t = new_security_token();
        assert_eq!(t.len(), 25);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()));
        let s = new_session_id("00D5g000004XyZaEAK");
        assert!(s.starts_with("00D5g000004XyZa!AQ"));
        assert!(new_security_token() != t);
    }
}
