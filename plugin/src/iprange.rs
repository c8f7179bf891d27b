//! IP ranges as Salesforce admins write them: CIDR (`203.0.113.0/24`), `start-end` pairs
//! (`198.51.100.1-198.51.100.9`) or a single address; IPv4 and IPv6.

use core::net::IpAddr;
use std::fmt;
use std::str::FromStr;

use ipnet::IpNet;

/// One range of addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IpRange {
    /// A CIDR block.
    Net(IpNet),
    /// An inclusive `start-end` pair of the same family (a single address has start = end).
    Span(IpAddr, IpAddr),
}

impl IpRange {
    /// Whether `ip` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        match *self {
            IpRange::Net(net) => net.contains(&ip),
            IpRange::Span(start, end) => match (start, end, ip) {
                (IpAddr::V4(s), IpAddr::V4(e), IpAddr::V4(a)) => s <= a && a <= e,
                (IpAddr::V6(s), IpAddr::V6(e), IpAddr::V6(a)) => s <= a && a <= e,
                _ => false,
            },
        }
    }
}

/// Why a range did not parse (the text itself is never a secret, but it is not repeated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeError {
    /// Neither CIDR, `start-end` nor an address.
    Syntax,
    /// `start-end` with addresses of different families.
    MixedFamilies,
    /// `start-end` with start after end.
    Reversed,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RangeError::Syntax => {
                "not a CIDR block (203.0.113.0/24), a start-end pair or an address"
            }
            RangeError::MixedFamilies => "start and end are not both IPv4 or both IPv6",
            RangeError::Reversed => "start is after end",
        })
    }
}

impl FromStr for IpRange {
    type Err = RangeError;

    fn from_str(text: &str) -> Result<IpRange, RangeError> {
        let text = text.trim();
        if text.contains('/') {
            return IpNet::from_str(text)
                .map(|net| IpRange::Net(net.trunc()))
                .map_err(|_| RangeError::Syntax);
        }
        if let Some((start, end)) = text.split_once('-') {
            let start = parse_addr(start)?;
            let end = parse_addr(end)?;
            return match (start, end) {
                (IpAddr::V4(_), IpAddr::V6(_)) | (IpAddr::V6(_), IpAddr::V4(_)) => {
                    Err(RangeError::MixedFamilies)
                }
                _ if start > end => Err(RangeError::Reversed),
                _ => Ok(IpRange::Span(start, end)),
            };
        }
        let addr = parse_addr(text)?;
        Ok(IpRange::Span(addr, addr))
    }
}

fn parse_addr(text: &str) -> Result<IpAddr, RangeError> {
    IpAddr::from_str(text.trim())
        .map(|ip| ip.to_canonical())
        .map_err(|_| RangeError::Syntax)
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpRange::Net(net) => write!(f, "{net}"),
            IpRange::Span(s, e) if s == e => write!(f, "{s}"),
            IpRange::Span(s, e) => write!(f, "{s}-{e}"),
        }
    }
}

/// Whether `ip` lies in any of `ranges`.
pub(crate) fn any_contains(ranges: &[IpRange], ip: IpAddr) -> bool {
    ranges.iter().any(|r| r.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidr_span_and_single_address() {
        let cidr: IpRange = "203.0.113.0/24".parse().unwrap();
        assert!(cidr.contains(ip("203.0.113.7")));
        assert!(!cidr.contains(ip("203.0.114.7")));
        let span: IpRange = "198.51.100.1 - 198.51.100.9".parse().unwrap();
        assert!(span.contains(ip("198.51.100.9")));
        assert!(!span.contains(ip("198.51.100.10")));
        let single: IpRange = "192.0.2.1".parse().unwrap();
        assert!(single.contains(ip("192.0.2.1")));
        assert!(!single.contains(ip("192.0.2.2")));
    }

    #[test]
    fn ipv6_and_mapped_addresses() {
        let v6: IpRange = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8::1")));
        let span: IpRange = "2001:db8::1-2001:db8::ff".parse().unwrap();
        assert!(span.contains(ip("2001:db8::10")));
        let v4: IpRange = "203.0.113.0/24".parse().unwrap();
        assert!(v4.contains(ip("::ffff:203.0.113.9")));
        assert!(!v6.contains(ip("203.0.113.9")));
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert_eq!(
            "10.0.0.9-10.0.0.1".parse::<IpRange>(),
            Err(RangeError::Reversed)
        );
        assert_eq!(
            "10.0.0.1-2001:db8::1".parse::<IpRange>(),
            Err(RangeError::MixedFamilies)
        );
        assert_eq!("10.0.0.0/33".parse::<IpRange>(), Err(RangeError::Syntax));
        assert_eq!("office".parse::<IpRange>(), Err(RangeError::Syntax));
        assert_eq!("".parse::<IpRange>(), Err(RangeError::Syntax));
    }
}
