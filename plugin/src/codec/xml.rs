//! A small, hostile-input-safe XML reader on quick-xml, and the escaping the envelopes use.
//!
//! Responses are read into a tree of [`Element`]s (at most [`MAX_RESPONSE_BYTES`] of input, so
//! the tree is bounded too). The reader is namespace-aware, refuses any DOCTYPE, knows only the
//! five predefined entities and numeric character references, and stops at the first element
//! nested deeper than [`MAX_DEPTH`], while streaming.
//!
//! [`MAX_RESPONSE_BYTES`]: super::MAX_RESPONSE_BYTES

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use zeroize::Zeroize;

/// The deepest element nesting a response may have.
pub(crate) const MAX_DEPTH: usize = 64;

/// The XML Schema instance namespace (`xsi:nil`).
pub(crate) const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Why a document was refused. Descriptions name no content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum XmlError {
    Empty,
    Doctype,
    TooDeep,
    Truncated,
    UndefinedEntity,
    NoRoot,
    Syntax,
}

impl XmlError {
    /// What went wrong, for `WireError::Malformed`.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            XmlError::Empty => "empty body",
            XmlError::Doctype => "xml: doctype not allowed",
            XmlError::TooDeep => "xml: nesting deeper than 64",
            XmlError::Truncated => "xml: truncated document",
            XmlError::UndefinedEntity => "xml: undefined entity reference",
            XmlError::NoRoot => "xml: no single root element",
            XmlError::Syntax => "xml: not well-formed",
        }
    }
}

/// One element: its namespace, local name, `xsi:nil`, direct text and child elements.
#[derive(Default)]
pub(crate) struct Element {
    pub(crate) ns: Option<String>,
    pub(crate) local: String,
    pub(crate) nil: bool,
    text: String,
    pub(crate) children: Vec<Element>,
}

impl Drop for Element {
    fn drop(&mut self) {
        // Text may be a session id or a token.
        self.text.zeroize();
    }
}

impl std::fmt::Debug for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Element")
            .field("ns", &self.ns)
            .field("local", &self.local)
            .field("children", &self.children.len())
            .finish_non_exhaustive()
    }
}

impl Element {
    /// The first child with this local name, in a namespace accepted by `ns_ok`.
    pub(crate) fn child_where(
        &self,
        local: &str,
        ns_ok: impl Fn(Option<&str>) -> bool,
    ) -> Option<&Element> {
        self.children
            .iter()
            .find(|c| c.local == local && ns_ok(c.ns.as_deref()))
    }

    /// The first descendant (depth-first) with this local name, any namespace.
    pub(crate) fn descendant_local(&self, local: &str) -> Option<&Element> {
        for c in &self.children {
            if c.local == local {
                return Some(c);
            }
            if let Some(found) = c.descendant_local(local) {
                return Some(found);
            }
        }
        None
    }

    /// The text content without surrounding whitespace; `None` when `xsi:nil` is true.
    pub(crate) fn text(&self) -> Option<&str> {
        if self.nil {
            None
        } else {
            Some(self.text.trim())
        }
    }
}

/// Parses a whole document into its root element.
pub(crate) fn parse(body: &str) -> Result<Element, XmlError> {
    if body.trim().is_empty() {
        return Err(XmlError::Empty);
    }
    let mut reader = NsReader::from_str(body);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.expand_empty_elements = false;
    }
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(|_| XmlError::Syntax)?;
        let ns = namespace_of(resolved)?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => return Err(XmlError::NoRoot),
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                let element = open(&reader, &start, ns)?;
                stack.push(element);
            }
            Event::Empty(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                let element = open(&reader, &start, ns)?;
                close(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                let element = stack.pop().ok_or(XmlError::Syntax)?;
                close(&mut stack, &mut root, element);
            }
            Event::Text(text) => {
                let decoded = text.decode().map_err(|_| XmlError::Syntax)?;
                push_text(&mut stack, &decoded)?;
            }
            Event::CData(data) => {
                let decoded = data.decode().map_err(|_| XmlError::Syntax)?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&decoded),
                    None => return Err(XmlError::Syntax),
                }
            }
            Event::GeneralRef(reference) => {
                let mut buf = [0u8; 4];
                let resolved: &str = if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(ch)) => ch.encode_utf8(&mut buf),
                        _ => return Err(XmlError::Syntax),
                    }
                } else {
                    let name = reference.decode().map_err(|_| XmlError::Syntax)?;
                    resolve_predefined_entity(&name).ok_or(XmlError::UndefinedEntity)?
                };
                push_text(&mut stack, resolved)?;
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Truncated);
    }
    root.ok_or(XmlError::NoRoot)
}

fn namespace_of(resolved: ResolveResult<'_>) -> Result<Option<String>, XmlError> {
    match resolved {
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.as_ref()).into_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(_) => Err(XmlError::Syntax),
    }
}

fn open(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    ns: Option<String>,
) -> Result<Element, XmlError> {
    let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut nil = false;
    for attr in start.attributes() {
        let attr = attr.map_err(|_| XmlError::Syntax)?;
        let (attr_ns, attr_local) = reader.resolve_attribute(attr.key);
        if attr_local.as_ref() == b"nil" {
            if let ResolveResult::Bound(bound) = attr_ns {
                if bound.as_ref() == XSI_NS.as_bytes() {
                    let value = attr.value.as_ref();
                    nil = value.trim_ascii() == b"true" || value.trim_ascii() == b"1";
                }
            }
        }
    }
    Ok(Element {
        ns,
        local,
        nil,
        text: String::new(),
        children: Vec::new(),
    })
}

fn close(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), XmlError> {
    // XML 1.0 allows no C0 control characters but tab, line feed and carriage return.
    if text
        .chars()
        .any(|c| c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(XmlError::Syntax);
    }
    match stack.last_mut() {
        Some(top) => {
            top.text.push_str(text);
            Ok(())
        }
        // Only whitespace may stand outside the root element.
        None if text.trim().is_empty() => Ok(()),
        None => Err(XmlError::Syntax),
    }
}

/// Appends `value` to `out` as XML text: `& < > " '` as entities, and CR as a character
/// reference so a parser's newline normalisation cannot change the value.
pub(crate) fn escape_into(out: &mut String, value: &str) {
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            other => out.push(other),
        }
    }
}
