//! `--resolve HOST=ADDR:PORT` (like curl's `--resolve`): a DNS override that keeps the real
//! host name in the URL, the TLS SNI and the Host header while the TCP connection goes to
//! ADDR:PORT. `HOST` may start with `*.` (one or more labels). Names without a rule go to the
//! system resolver.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// One `--resolve` rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveRule {
    /// Lower-case host, without the leading `*.` of a wildcard.
    host: String,
    wildcard: bool,
    addr: SocketAddr,
}

/// Why a `--resolve` argument is invalid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--resolve {arg:?}: {reason} (expected HOST=ADDR:PORT, e.g. login.salesforce.com=127.0.0.1:8443 or *.my.salesforce.com=127.0.0.1:8443)")]
pub struct ResolveRuleError {
    arg: String,
    reason: &'static str,
}

impl FromStr for ResolveRule {
    type Err = ResolveRuleError;

    fn from_str(arg: &str) -> Result<ResolveRule, ResolveRuleError> {
        let err = |reason| ResolveRuleError {
            arg: arg.to_owned(),
            reason,
        };
        let (host, addr) = arg.split_once('=').ok_or_else(|| err("no '='"))?;
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| err("ADDR:PORT is not an address"))?;
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let (wildcard, host) = match host.strip_prefix("*.") {
            Some(h) => (true, h.to_owned()),
            None => (false, host),
        };
        let valid = !host.is_empty()
            && host.split('.').all(|l| {
                !l.is_empty() && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            });
        if !valid {
            return Err(err(
                "HOST must be a host name, optionally starting with '*.'",
            ));
        }
        Ok(ResolveRule {
            host,
            wildcard,
            addr,
        })
    }
}

impl fmt::Display for ResolveRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let star = if self.wildcard { "*." } else { "" };
        write!(f, "{star}{}={}", self.host, self.addr)
    }
}

impl ResolveRule {
    /// Whether this rule covers `name` (case-insensitive; a trailing dot is ignored).
    pub fn matches(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if self.wildcard {
            name.len() > self.host.len() + 1
                && name.ends_with(&self.host)
                && name.as_bytes()[name.len() - self.host.len() - 1] == b'.'
        } else {
            name == self.host
        }
    }

    /// Where the rule sends the connection.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// A resolver failure: the host name did not resolve. Recognised by the transport to report
/// `TransportErrorKind::Dns`.
#[derive(Debug, thiserror::Error)]
#[error("dns lookup of {host} failed: {reason}")]
pub struct DnsError {
    host: String,
    reason: String,
}

/// The reqwest resolver: the first matching rule wins, else the system resolver.
#[derive(Clone, Debug, Default)]
pub struct Resolver {
    rules: Vec<ResolveRule>,
}

impl Resolver {
    /// A resolver with these rules, in command-line order.
    pub fn new(rules: Vec<ResolveRule>) -> Resolver {
        Resolver { rules }
    }

    /// The rule's address for `name`, if a rule covers it.
    pub fn lookup_rule(&self, name: &str) -> Option<SocketAddr> {
        self.rules.iter().find(|r| r.matches(name)).map(|r| r.addr)
    }
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        if let Some(addr) = self.lookup_rule(&host) {
            let addrs: Addrs = Box::new(std::iter::once(addr));
            return Box::pin(std::future::ready(Ok(addrs)));
        }
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| DnsError {
                    host: host.clone(),
                    reason: e.to_string(),
                })?;
            let list: Vec<SocketAddr> = found.collect();
            if list.is_empty() {
                return Err(Box::new(DnsError {
                    host,
                    reason: "no addresses".to_owned(),
                })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(list.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> ResolveRule {
        s.parse().expect("valid rule")
    }

    #[test]
    fn exact_rules_match_case_insensitively_and_ignore_a_trailing_dot() {
        let r = rule("login.salesforce.com=127.0.0.1:8443");
        assert_eq!(r.addr(), "127.0.0.1:8443".parse().expect("addr"));
        assert!(r.matches("login.salesforce.com"));
        assert!(r.matches("LOGIN.salesforce.com."));
        assert!(!r.matches("test.salesforce.com"));
        assert!(!r.matches("xlogin.salesforce.com"));
    }

    #[test]
    fn wildcard_rules_match_any_number_of_labels() {
        let r = rule("*.my.salesforce.com=127.0.0.1:1");
        assert!(r.matches("acme.my.salesforce.com"));
        assert!(r.matches("acme--uat.sandbox.my.salesforce.com"));
        assert!(!r.matches("my.salesforce.com"));
        assert!(!r.matches("acmemy.salesforce.com"));
    }

    #[test]
    fn ipv6_targets_parse() {
        let r = rule("login.salesforce.com=[::1]:443");
        assert_eq!(r.addr(), "[::1]:443".parse().expect("addr"));
        assert_eq!(r.to_string(), "login.salesforce.com=[::1]:443");
    }

    #[test]
    fn invalid_rules_are_refused() {
        for bad in [
            "login.salesforce.com",
            "login.salesforce.com=127.0.0.1",
            "login.salesforce.com=localhost:443",
            "=127.0.0.1:443",
            "*=127.0.0.1:443",
            "a.*.com=127.0.0.1:443",
            "a..com=127.0.0.1:443",
        ] {
            assert!(bad.parse::<ResolveRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let r = Resolver::new(vec![
            rule("acme.my.salesforce.com=127.0.0.1:1"),
            rule("*.my.salesforce.com=127.0.0.1:2"),
        ]);
        assert_eq!(
            r.lookup_rule("acme.my.salesforce.com").map(|a| a.port()),
            Some(1)
        );
        assert_eq!(
            r.lookup_rule("globex.my.salesforce.com").map(|a| a.port()),
            Some(2)
        );
        assert_eq!(r.lookup_rule("login.salesforce.com"), None);
    }

    #[tokio::test]
    async fn unmatched_names_go_to_the_system_resolver() {
        let r = Resolver::new(vec![]);
        let name: Name = "localhost".parse().expect("name");
        let addrs: Vec<SocketAddr> = r.resolve(name).await.expect("localhost resolves").collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
        let name: Name = "does-not-exist.invalid".parse().expect("name");
        let err = r.resolve(name).await.err().expect("fails");
        assert!(err.downcast_ref::<DnsError>().is_some());
    }
}
