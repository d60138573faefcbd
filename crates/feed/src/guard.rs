//! The SSRF guard: which addresses may be fetched, and a DNS resolver that enforces it.
//!
//! Refused unless `--allow-private`: private (10/8, 172.16/12, 192.168/16), loopback (127/8,
//! ::1), link-local (169.254/16, fe80::/10), unique-local (fc00::/7), multicast, unspecified
//! (0.0.0.0, ::), CGNAT (100.64/10), broadcast, the "this network" block 0/8, documentation and
//! benchmarking ranges, and IPv4-mapped/compatible IPv6 forms of any of these. Addresses listed
//! in [`Guard::allow`] pass regardless (a known in-house feed server).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What the guard lets through.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Let every address through (`--allow-private`).
    pub allow_private: bool,
    /// Addresses let through even when non-public (`--allow-addr`).
    pub allow: Vec<IpAddr>,
}

impl Guard {
    /// True when `ip` may be connected to.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || self.allow.contains(&ip) || is_public(ip)
    }
}

/// True for addresses on the public internet (see the module docs for what is not).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let seg = v6.segments();
            // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96) embed an IPv4.
            if seg[..6] == [0, 0, 0, 0, 0, 0] || seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let v4 = Ipv4Addr::new(
                    (seg[6] >> 8) as u8,
                    seg[6] as u8,
                    (seg[7] >> 8) as u8,
                    seg[7] as u8,
                );
                return !v6.is_unspecified() && !v6.is_loopback() && is_public_v4(v4);
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (seg[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (seg[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)) // documentation
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240) // reserved
}

/// The error a refused resolution carries through reqwest, found again by [`refused_in`].
#[derive(Debug)]
pub struct RefusedAddr {
    /// The host name resolved.
    pub host: String,
    /// The first refused address.
    pub addr: IpAddr,
}

impl std::fmt::Display for RefusedAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to the refused address {}",
            self.host, self.addr
        )
    }
}

impl std::error::Error for RefusedAddr {}

/// The [`RefusedAddr`] in an error's source chain, if any.
pub fn refused_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a RefusedAddr> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<RefusedAddr>() {
            return Some(r);
        }
        cur = e.source();
    }
    None
}

/// A reqwest DNS resolver that resolves with the system resolver and hands over only the
/// addresses the guard permits; a name with no permitted address fails with [`RefusedAddr`].
/// Any refused address fails the whole name, so a host cannot mix a public and a private
/// address and have the connector fall back to the private one.
#[derive(Debug, Clone)]
pub struct GuardResolver {
    guard: Arc<Guard>,
}

impl GuardResolver {
    /// A resolver enforcing `guard`.
    pub fn new(guard: Arc<Guard>) -> Self {
        GuardResolver { guard }
    }
}

impl Resolve for GuardResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = Arc::clone(&self.guard);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !guard.permits(a.ip())) {
                return Err(Box::new(RefusedAddr {
                    host,
                    addr: bad.ip(),
                })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn non_public_addresses_are_refused() {
        for bad in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "127.0.0.1",
            "127.9.9.9",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(ip(bad)), "{bad} must be refused");
            assert!(!Guard::default().permits(ip(bad)));
            let open = Guard {
                allow_private: true,
                allow: vec![],
            };
            assert!(open.permits(ip(bad)));
        }
        for good in [
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(good)), "{good} is public");
        }
    }

    #[test]
    fn allow_list_lets_one_address_through() {
        let guard = Guard {
            allow_private: false,
            allow: vec![ip("127.0.0.2")],
        };
        assert!(guard.permits(ip("127.0.0.2")));
        assert!(!guard.permits(ip("127.0.0.1")));
    }

    #[tokio::test]
    async fn resolver_refuses_localhost() {
        let resolver = GuardResolver::new(Arc::new(Guard::default()));
        let name: Name = "localhost".parse().unwrap();
        let err = match resolver.resolve(name).await {
            Ok(_) => panic!("localhost must be refused"),
            Err(e) => e,
        };
        let refused = refused_in(err.as_ref()).unwrap();
        assert!(refused.addr.is_loopback());
    }
}
