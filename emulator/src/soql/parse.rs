//! A small, honest parser for the SOQL the plugin and the interop clients send:
//! `SELECT f[, f…] FROM Object [WHERE f op literal [AND …]] [LIMIT n]`.

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `'…'` with SOQL escapes resolved.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// One `field op literal` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Field path (`Profile.Name` → `["Profile", "Name"]`).
    pub field: Vec<String>,
    /// `=` (true) or `!=` (false).
    pub equals: bool,
    /// The literal.
    pub value: Literal,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Selected field paths, in order.
    pub fields: Vec<Vec<String>>,
    /// The sObject type.
    pub object: String,
    /// Conditions joined by AND.
    pub conditions: Vec<Condition>,
    /// LIMIT.
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Str(String),
    Comma,
    Eq,
    Ne,
}

fn tokenize(q: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            ',' => {
                chars.next();
                out.push(Token::Comma);
            }
            '=' => {
                chars.next();
                out.push(Token::Eq);
            }
            '!' | '<' => {
                chars.next();
                let next = chars.next();
                match (c, next) {
                    ('!', Some('=')) | ('<', Some('>')) => out.push(Token::Ne),
                    _ => return Err(format!("unexpected token: '{c}'")),
                }
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated string literal".into()),
                        Some('\'') => break,
                        Some('\\') => match chars.next() {
                            Some('\\') => s.push('\\'),
                            Some('\'') => s.push('\''),
                            Some('"') => s.push('"'),
                            Some('n') => s.push('\n'),
                            Some('r') => s.push('\r'),
                            Some('t') => s.push('\t'),
                            Some('b') => s.push('\u{8}'),
                            Some('f') => s.push('\u{c}'),
                            _ => return Err("invalid escape sequence in string literal".into()),
                        },
                        Some(other) => s.push(other),
                    }
                }
                out.push(Token::Str(s));
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                        w.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Word(w));
            }
            other => return Err(format!("unexpected token: '{other}'")),
        }
    }
    Ok(out)
}

fn keyword(t: Option<&Token>, kw: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w.eq_ignore_ascii_case(kw))
}

fn path(word: &str) -> Result<Vec<String>, String> {
    let parts: Vec<String> = word.split('.').map(str::to_string).collect();
    let ok = parts.iter().all(|p| {
        p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if ok {
        Ok(parts)
    } else {
        Err(format!("unexpected token: '{word}'"))
    }
}

/// Parses a query; the error is the MALFORMED_QUERY message.
pub fn parse(q: &str) -> Result<Query, String> {
    let tokens = tokenize(q)?;
    let mut i = 0;
    if !keyword(tokens.first(), "SELECT") {
        return Err("unexpected token: expecting 'SELECT'".into());
    }
    i += 1;
    let mut fields = Vec::new();
    loop {
        match tokens.get(i) {
            Some(Token::Word(w)) if !w.eq_ignore_ascii_case("FROM") => fields.push(path(w)?),
            _ => return Err("unexpected token: expecting a field name".into()),
        }
        i += 1;
        if tokens.get(i) == Some(&Token::Comma) {
            i += 1;
            continue;
        }
        break;
    }
    if !keyword(tokens.get(i), "FROM") {
        return Err("unexpected token: expecting 'FROM'".into());
    }
    i += 1;
    let object = match tokens.get(i) {
        Some(Token::Word(w)) if !w.contains('.') => w.clone(),
        _ => return Err("unexpected token: expecting an object name".into()),
    };
    i += 1;
    let mut conditions = Vec::new();
    if keyword(tokens.get(i), "WHERE") {
        i += 1;
        loop {
            let field = match tokens.get(i) {
                Some(Token::Word(w)) => path(w)?,
                _ => return Err("unexpected token: expecting a field name".into()),
            };
            let equals = match tokens.get(i + 1) {
                Some(Token::Eq) => true,
                Some(Token::Ne) => false,
                _ => return Err("unexpected token: expecting '=' or '!='".into()),
            };
            let value = match tokens.get(i + 2) {
                Some(Token::Str(s)) => Literal::Str(s.clone()),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("null") => Literal::Null,
                _ => return Err("unexpected token: expecting a literal".into()),
            };
            conditions.push(Condition {
                field,
                equals,
                value,
            });
            i += 3;
            if keyword(tokens.get(i), "AND") {
                i += 1;
                continue;
            }
            break;
        }
    }
    let mut limit = None;
    if keyword(tokens.get(i), "LIMIT") {
        match tokens.get(i + 1) {
            Some(Token::Word(w)) if w.bytes().all(|b| b.is_ascii_digit()) => {
                limit = Some(w.parse().map_err(|_| "LIMIT too large".to_string())?);
            }
            _ => return Err("unexpected token: expecting a number after LIMIT".into()),
        }
        i += 2;
    }
    if let Some(t) = tokens.get(i) {
        return Err(format!("unexpected token: {}", describe(t)));
    }
    Ok(Query {
        fields,
        object,
        conditions,
        limit,
    })
}

fn describe(t: &Token) -> String {
    match t {
        Token::Word(w) => format!("'{w}'"),
        Token::Str(_) => "a string literal".into(),
        Token::Comma => "','".into(),
        Token::Eq => "'='".into(),
        Token::Ne => "'!='".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugins_queries_parse() {
        let q = parse("SELECT Id FROM User WHERE Username = 'o\\'brien\\\\x@acme.com'").unwrap();
        assert_eq!(q.object, "User");
        assert_eq!(
            q.conditions[0].value,
            Literal::Str("o'brien\\x@acme.com".into())
        );
        let q = parse(
            "select Id, Profile.Name from User where Id = '005000000000001' and IsActive = true limit 1",
        )
        .unwrap();
        assert_eq!(q.fields[1], vec!["Profile".to_string(), "Name".to_string()]);
        assert_eq!(q.conditions.len(), 2);
        assert_eq!(q.limit, Some(1));
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            "",
            "SELECT FROM User",
            "SELECT Id User",
            "SELECT Id FROM User WHERE Username LIKE 'a%'",
            "SELECT Id FROM User WHERE Username = 'unterminated",
            "SELECT Id FROM User WHERE Username = 'a' OR Id = 'b'",
            "SELECT Id FROM User ORDER BY Id",
            "SELECT COUNT() FROM User",
            "SELECT Id FROM User WHERE Username = 'bad\\q'",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
