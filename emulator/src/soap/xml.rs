//! A small namespace-aware XML tree for SOAP requests: no DTDs, no custom entities, bounded.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

const MAX_DEPTH: usize = 64;

/// The SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// An element: its namespace URI, local name, children and text.
#[derive(Debug, Clone, Default)]
pub struct Element {
    /// Namespace URI (None: no namespace).
    pub ns: Option<String>,
    /// Local name.
    pub local: String,
    /// Child elements in order.
    pub children: Vec<Element>,
    /// Concatenated text content (entities resolved).
    pub text: String,
}

impl Element {
    /// The first child with this local name (any namespace).
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.local == local)
    }

    /// The text of the first child with this local name.
    pub fn child_text(&self, local: &str) -> Option<&str> {
        self.child(local).map(|c| c.text.as_str())
    }
}

/// Parses a document into its root element; the error says what is wrong (never a value).
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("malformed xml: {e}"))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                if root.is_some() {
                    return Err("content after the root element".into());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err("xml nested too deeply".into());
                }
                let element = Element {
                    ns: match ns {
                        ResolveResult::Bound(n) => {
                            Some(String::from_utf8_lossy(n.into_inner()).into_owned())
                        }
                        ResolveResult::Unbound => None,
                        ResolveResult::Unknown(p) => {
                            return Err(format!(
                                "undeclared namespace prefix {}",
                                String::from_utf8_lossy(&p)
                            ))
                        }
                    },
                    local: String::from_utf8_lossy(start.local_name().into_inner()).into_owned(),
                    ..Element::default()
                };
                stack.push(element);
                if empty {
                    close(&mut stack, &mut root);
                }
            }
            Event::End(_) => close(&mut stack, &mut root),
            Event::Text(t) => {
                let s = t.decode().map_err(|e| format!("bad text: {e}"))?;
                push_text(&mut stack, &s)?;
            }
            Event::CData(c) => {
                let s = c.decode().map_err(|e| format!("bad cdata: {e}"))?;
                push_text(&mut stack, &s)?;
            }
            Event::GeneralRef(r) => {
                let ch = match r
                    .resolve_char_ref()
                    .map_err(|e| format!("bad reference: {e}"))?
                {
                    Some(c) => c,
                    None => match r
                        .decode()
                        .map_err(|e| format!("bad reference: {e}"))?
                        .as_ref()
                    {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        _ => return Err("undefined entity".into()),
                    },
                };
                push_text(&mut stack, ch.encode_utf8(&mut [0u8; 4]))?;
            }
            Event::DocType(_) => return Err("DTDs are not allowed".into()),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("unexpected end of document".into());
    }
    root.ok_or_else(|| "no root element".into())
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) {
    if let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => *root = Some(done),
        }
    }
}

fn push_text(stack: &mut [Element], s: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(e) => {
            e.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".into()),
    }
}

/// Escapes text for element content as Salesforce does: `&`, `<` and `>` only (quotes and
/// apostrophes stay literal, so clients that read raw element text see `'Foo'`).
pub fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::partial_escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inherited_default_namespace_and_entities() {
        let doc = r#"<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body xmlns="urn:partner.soap.sforce.com"><login><username>a&amp;b&#64;x</username><password><![CDATA[p<w]]></password></login></se:Body></se:Envelope>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.ns.as_deref(), Some(SOAP_ENV));
        let login = &root.child("Body").unwrap().children[0];
        assert_eq!(login.ns.as_deref(), Some("urn:partner.soap.sforce.com"));
        assert_eq!(login.child_text("username"), Some("a&b@x"));
        assert_eq!(login.child_text("password"), Some("p<w"));
    }

    #[test]
    fn refuses_dtds_unknown_entities_and_bad_nesting() {
        assert!(parse(r#"<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>"#).is_err());
        assert!(parse("<x>&nope;</x>").is_err());
        assert!(parse("<x><y></x>").is_err());
        assert!(parse("<x>").is_err());
        assert!(parse("<p:x/>").is_err());
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).is_err());
    }
}
