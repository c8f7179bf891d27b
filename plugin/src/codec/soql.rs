//! SOQL string literals.

/// Quotes `value` as a SOQL string literal: `'…'` with `\\ \' \" \n \r \t \b \f` escaped.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn plain_value_is_wrapped_in_single_quotes() {
        assert_eq!(quote("target@acme.com"), "'target@acme.com'");
    }

    #[test]
    fn injection_attempt_stays_inside_the_literal() {
        assert_eq!(quote("x' OR Username != '"), "'x\\' OR Username != \\''");
    }

    #[test]
    fn every_special_character_is_escaped() {
        assert_eq!(
            quote("a\\b'c\"d\ne\rf\tg\u{8}h\u{c}i"),
            "'a\\\\b\\'c\\\"d\\ne\\rf\\tg\\bh\\fi'"
        );
    }

    #[test]
    fn non_ascii_passes_through() {
        assert_eq!(quote("jörg@acme.com"), "'jörg@acme.com'");
    }
}
