//! IP ranges as Salesforce admins write them: CIDR (`203.0.113.0/24`) or `start-end` pairs.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// One range, inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRange {
    start: IpAddr,
    end: IpAddr,
    text: String,
}

impl IpRange {
    /// Parses `a.b.c.d/n`, `start-end` or a single address.
    pub fn parse(text: &str) -> Result<IpRange, String> {
        let t = text.trim();
        let (start, end) = if let Some((a, b)) = t.split_once('-') {
            let a: IpAddr = a.trim().parse().map_err(|_| format!("bad range {t:?}"))?;
            let b: IpAddr = b.trim().parse().map_err(|_| format!("bad range {t:?}"))?;
            (a, b)
        } else if t.contains('/') {
            let net: IpNet = t.parse().map_err(|_| format!("bad CIDR {t:?}"))?;
            (net.network(), net.broadcast())
        } else {
            let a: IpAddr = t.parse().map_err(|_| format!("bad address {t:?}"))?;
            (a, a)
        };
        if start.is_ipv4() != end.is_ipv4() || start > end {
            return Err(format!("bad range {t:?}"));
        }
        Ok(IpRange {
            start,
            end,
            text: t.to_string(),
        })
    }

    /// Whether `ip` lies inside the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        ip.is_ipv4() == self.start.is_ipv4() && self.start <= ip && ip <= self.end
    }
}

/// A list of ranges; empty means "no ranges".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpRanges(pub Vec<IpRange>);

impl IpRanges {
    /// Whether any range contains `ip`.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses a list of range strings.
    pub fn parse_all(items: &[String]) -> Result<IpRanges, String> {
        items
            .iter()
            .map(|s| IpRange::parse(s))
            .collect::<Result<_, _>>()
            .map(IpRanges)
    }
}

impl<'de> Deserialize<'de> for IpRanges {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<String>::deserialize(d)?;
        IpRanges::parse_all(&items).map_err(serde::de::Error::custom)
    }
}

impl Serialize for IpRanges {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| r.text.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_pairs_and_single_addresses() {
        let r = IpRanges::parse_all(&[
            "203.0.113.0/24".into(),
            "198.51.100.1-198.51.100.9".into(),
            "2001:db8::/32".into(),
        ])
        .unwrap();
        assert!(r.contains("203.0.113.7".parse().unwrap()));
        assert!(r.contains("198.51.100.9".parse().unwrap()));
        assert!(!r.contains("198.51.100.10".parse().unwrap()));
        assert!(r.contains("2001:db8::1".parse().unwrap()));
        assert!(r.contains("::ffff:203.0.113.9".parse().unwrap()));
        assert!(IpRange::parse("10.0.0.9-10.0.0.1").is_err());
    }
}
