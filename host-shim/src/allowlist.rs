//! The manifest's network allowlist (SPEC 7): typed entries parsed strictly, and the check every
//! request the plugin emits goes through before it is sent.
//!
//! Rules (the Node host mirrors them in `host-shim/js/src/allowlist.js`): an entry needs a
//! scheme (`https`, or `http` which never matches since only https is ever sent); `*` only as a
//! leading `*.` label, matching one or more labels; no path, query, userinfo or IP literal; the
//! port defaults from the scheme; an empty list denies everything. Requests are matched on a
//! parsed URL, never on substrings.

use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};

/// Why an allowlist entry is invalid. The entry text is quoted: manifests hold no secrets.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// No `scheme://` prefix.
    #[error("allowlist entry {0:?} needs a scheme, like \"https://login.salesforce.com\"")]
    NoScheme(String),
    /// A scheme other than https/http.
    #[error("allowlist entry {0:?}: only the https scheme is supported")]
    UnsupportedScheme(String),
    /// A path, query or fragment after the host.
    #[error("allowlist entry {0:?}: no path, query or fragment is allowed, only scheme://host")]
    Path(String),
    /// `user@host`.
    #[error("allowlist entry {0:?}: userinfo is not allowed")]
    Userinfo(String),
    /// An IPv4 or IPv6 address instead of a host name.
    #[error("allowlist entry {0:?}: IP literals are not allowed, name the host")]
    IpLiteral(String),
    /// `*` anywhere but a leading `*.` label, or an invalid label.
    #[error(
        "allowlist entry {0:?}: '*' is allowed only as a leading '*.' label of a valid host name"
    )]
    BadHost(String),
    /// A port that is not a number in 1..=65535.
    #[error("allowlist entry {0:?}: bad port")]
    BadPort(String),
}

/// One parsed entry of `capabilities.network.allowed_outbound_hosts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHost {
    scheme: String,
    /// Lower-case host name, without the leading `*.` of a wildcard.
    host: String,
    wildcard: bool,
    port: u16,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

fn valid_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

impl AllowedHost {
    /// Parses an entry such as `https://*.my.salesforce.com`.
    pub fn parse(entry: &str) -> Result<AllowedHost, EntryError> {
        let err = |f: fn(String) -> EntryError| f(entry.to_owned());
        let (scheme, rest) = entry
            .split_once("://")
            .ok_or_else(|| err(EntryError::NoScheme))?;
        let scheme_ok = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
        if !scheme_ok {
            return Err(err(EntryError::NoScheme));
        }
        let scheme = scheme.to_ascii_lowercase();
        let default = default_port(&scheme).ok_or_else(|| err(EntryError::UnsupportedScheme))?;
        if rest.contains(['/', '?', '#']) {
            return Err(err(EntryError::Path));
        }
        if rest.contains('@') {
            return Err(err(EntryError::Userinfo));
        }
        if rest.starts_with('[') {
            return Err(err(EntryError::IpLiteral));
        }
        let (authority, port) = match rest.rsplit_once(':') {
            Some((host, port)) => {
                let ok =
                    !port.is_empty() && port.len() <= 5 && port.bytes().all(|c| c.is_ascii_digit());
                let port: u16 = ok
                    .then(|| port.parse().ok())
                    .flatten()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| err(EntryError::BadPort))?;
                (host, port)
            }
            None => (rest, default),
        };
        let lower = authority.to_ascii_lowercase();
        let (wildcard, host) = match lower.strip_prefix("*.") {
            Some(h) => (true, h.to_owned()),
            None => (false, lower),
        };
        if host.parse::<IpAddr>().is_ok() {
            return Err(err(EntryError::IpLiteral));
        }
        let labels: Vec<&str> = host.split('.').collect();
        if !labels.iter().all(|l| valid_label(l)) {
            return Err(err(EntryError::BadHost));
        }
        if labels
            .last()
            .is_some_and(|l| l.bytes().all(|c| c.is_ascii_digit()))
        {
            return Err(err(EntryError::IpLiteral));
        }
        Ok(AllowedHost {
            scheme,
            host,
            wildcard,
            port,
        })
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        if self.scheme != "https" || self.port != port {
            return false;
        }
        if self.wildcard {
            host.len() > self.host.len() + 1
                && host.ends_with(&self.host)
                && host.as_bytes()[host.len() - self.host.len() - 1] == b'.'
        } else {
            host == self.host
        }
    }
}

impl fmt::Display for AllowedHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let star = if self.wildcard { "*." } else { "" };
        write!(f, "{}://{star}{}", self.scheme, self.host)?;
        if Some(self.port) != default_port(&self.scheme) {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

/// The parsed allowlist. Empty means deny-all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowlist {
    entries: Vec<AllowedHost>,
}

/// Why a request was refused; `detail` tells the operator what to add to the manifest. It
/// never carries a URL's path, query or userinfo.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct Denial {
    /// Operator-facing explanation.
    pub detail: String,
}

fn deny(detail: String) -> Denial {
    Denial { detail }
}

impl Allowlist {
    /// Parses every entry; the first invalid one is the error.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Allowlist, EntryError> {
        let entries = entries
            .iter()
            .map(|e| AllowedHost::parse(e.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Allowlist { entries })
    }

    /// The entries, in manifest order.
    pub fn entries(&self) -> &[AllowedHost] {
        &self.entries
    }

    /// Checks one URL the plugin wants fetched: https, no userinfo, a host name (no IP
    /// literal), and an entry matching host and port.
    pub fn check(&self, url: &str) -> Result<(), Denial> {
        let url = Url::parse(url)
            .map_err(|_| deny("the plugin asked for a URL that does not parse".to_owned()))?;
        if url.scheme() != "https" {
            return Err(deny(format!(
                "only https is allowed (got {})",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(deny("URLs with userinfo are not allowed".to_owned()));
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let host = match url.host() {
            Some(Host::Domain(d)) => d.to_ascii_lowercase(),
            Some(Host::Ipv4(ip)) => return Err(ip_denial(&ip.to_string(), port)),
            Some(Host::Ipv6(ip)) => return Err(ip_denial(&format!("[{ip}]"), port)),
            None => return Err(deny("the plugin asked for a URL without a host".to_owned())),
        };
        let host = host.strip_suffix('.').unwrap_or(&host);
        let origin = origin(host, port);
        if !host.split('.').all(valid_label) {
            return Err(deny(format!("{origin} is not a valid host name")));
        }
        if self.entries.iter().any(|e| e.matches(host, port)) {
            return Ok(());
        }
        Err(deny(format!(
            "{origin} is not in the manifest allowlist; add \"{origin}\" to \
             capabilities.network.allowed_outbound_hosts in manifest.json"
        )))
    }
}

fn origin(host: &str, port: u16) -> String {
    if port == 443 {
        format!("https://{host}")
    } else {
        format!("https://{host}:{port}")
    }
}

fn ip_denial(ip: &str, port: u16) -> Denial {
    deny(format!(
        "{} is an IP literal; IP literals are never allowed",
        origin(ip, port)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salesforce() -> Allowlist {
        Allowlist::parse(&[
            "https://login.salesforce.com",
            "https://test.salesforce.com",
            "https://*.my.salesforce.com",
        ])
        .expect("valid")
    }

    #[test]
    fn exact_hosts_match_case_insensitively() {
        let a = salesforce();
        assert_eq!(
            a.check("https://login.salesforce.com/services/Soap/u/64.0"),
            Ok(())
        );
        assert_eq!(a.check("https://LOGIN.Salesforce.COM/x"), Ok(()));
        assert_eq!(a.check("https://test.salesforce.com:443/x"), Ok(()));
        assert_eq!(a.check("https://login.salesforce.com./x"), Ok(()));
        assert!(a.check("https://salesforce.com/").is_err());
        assert!(a
            .check("https://evil-login.salesforce.com.example.net/")
            .is_err());
    }

    #[test]
    fn wildcard_matches_one_or_more_labels_but_not_the_bare_domain() {
        let a = salesforce();
        assert_eq!(a.check("https://acme.my.salesforce.com/"), Ok(()));
        assert_eq!(
            a.check("https://acme--uat.sandbox.my.salesforce.com/"),
            Ok(())
        );
        assert!(a.check("https://my.salesforce.com/").is_err());
        assert!(a.check("https://acmemy.salesforce.com/").is_err());
        assert!(a.check("https://acme.my.salesforce.com.evil.net/").is_err());
    }

    #[test]
    fn scheme_port_userinfo_and_ip_literals_are_denied() {
        let a = salesforce();
        let d = a.check("http://login.salesforce.com/").expect_err("http");
        assert!(d.detail.contains("only https"));
        let d = a
            .check("https://login.salesforce.com:8443/")
            .expect_err("port");
        assert!(
            d.detail.contains("\"https://login.salesforce.com:8443\""),
            "{d}"
        );
        let d = a
            .check("https://u:p@login.salesforce.com/")
            .expect_err("userinfo");
        assert!(!d.detail.contains("u:p"));
        assert!(a.check("https://127.0.0.1/").is_err());
        assert!(a.check("https://[::1]/").is_err());
        assert!(a.check("not a url").is_err());
    }

    #[test]
    fn denial_names_the_exact_entry_to_add_and_no_path() {
        let d = salesforce()
            .check("https://evil.example.net/services/Soap/u/64.0?sid=abc")
            .expect_err("outside");
        assert_eq!(
            d.detail,
            "https://evil.example.net is not in the manifest allowlist; add \
             \"https://evil.example.net\" to capabilities.network.allowed_outbound_hosts in \
             manifest.json"
        );
    }

    #[test]
    fn empty_allowlist_denies_everything() {
        let a = Allowlist::parse::<&str>(&[]).expect("empty is valid");
        assert!(a.check("https://login.salesforce.com/").is_err());
    }

    #[test]
    fn explicit_port_entries_match_only_that_port() {
        let a = Allowlist::parse(&["https://proxy.example.com:8443"]).expect("valid");
        assert_eq!(a.check("https://proxy.example.com:8443/"), Ok(()));
        assert!(a.check("https://proxy.example.com/").is_err());
    }

    #[test]
    fn http_entries_parse_but_never_match() {
        let a = Allowlist::parse(&["http://login.salesforce.com"]).expect("valid");
        assert!(a.check("https://login.salesforce.com/").is_err());
        assert!(a.check("http://login.salesforce.com/").is_err());
    }

    #[test]
    fn invalid_entries_are_refused_with_the_reason() {
        use EntryError::*;
        type Make = fn(String) -> EntryError;
        let cases: &[(&str, Make)] = &[
            ("login.salesforce.com", NoScheme),
            ("://login.salesforce.com", NoScheme),
            ("ftp://login.salesforce.com", UnsupportedScheme),
            ("https://login.salesforce.com/", Path),
            ("https://login.salesforce.com/services", Path),
            ("https://login.salesforce.com?x", Path),
            ("https://user@login.salesforce.com", Userinfo),
            ("https://127.0.0.1", IpLiteral),
            ("https://[::1]", IpLiteral),
            ("https://10.0.0", IpLiteral),
            ("https://*", BadHost),
            ("https://*.*.salesforce.com", BadHost),
            ("https://my.*.salesforce.com", BadHost),
            ("https://*my.salesforce.com", BadHost),
            ("https://", BadHost),
            ("https://bad_label.com", BadHost),
            ("https://login.salesforce.com:0", BadPort),
            ("https://login.salesforce.com:99999", BadPort),
            ("https://login.salesforce.com:", BadPort),
        ];
        for (entry, want) in cases {
            assert_eq!(
                AllowedHost::parse(entry),
                Err(want(entry.to_string())),
                "{entry}"
            );
        }
    }

    #[test]
    fn display_round_trips() {
        for e in [
            "https://*.my.salesforce.com",
            "https://login.salesforce.com",
            "https://a.b:8443",
        ] {
            assert_eq!(AllowedHost::parse(e).expect("valid").to_string(), e);
        }
    }
}
