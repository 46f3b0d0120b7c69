//! The keyed hash behind unique counts: visitors, DNS sources and their networks are counted as
//! HyperLogLog registers of AES-128 of the address under a key derived from the key file, so a
//! state holds no address and cannot be reversed without the key.

use std::net::IpAddr;

use aes::Aes128;
use aes::cipher::{Array, BlockCipherEncrypt, KeyInit};
use sha2::{Digest, Sha256};

use crate::anonymize::Key;

/// The keyed hash behind unique counts.
#[derive(Clone)]
pub struct Uniques {
    aes: Aes128,
    /// What the state records instead of the key.
    pub fingerprint: String,
}

impl Uniques {
    /// From a key file's key: the same key gives the same fingerprint and mergeable sketches.
    pub fn from_key(key: &Key) -> Uniques {
        let k = key.derive(b"logscrub stats uniques v1\0");
        let fp = key.derive(b"logscrub stats fingerprint v1\0");
        Uniques {
            aes: Aes128::new_from_slice(&k[..16]).expect("16 bytes"),
            fingerprint: crate::hex::encode(&fp[..8]),
        }
    }

    /// A random key for one run: its states merge with nothing else.
    pub fn ephemeral() -> anyhow::Result<Uniques> {
        let key = Key::random(32).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut u = Uniques::from_key(&key);
        u.fingerprint = format!("ephemeral-{}", u.fingerprint);
        Ok(u)
    }

    fn hash(&self, family: u8, bytes: &[u8]) -> u64 {
        let mut b = [0u8; 16];
        if family == 6 && bytes.len() == 16 {
            // A whole block: the tagged forms below start with 4, 14, 16 or 0, which as IPv6
            // addresses lie in reserved space (a collision there only merges two sketch items).
            b.copy_from_slice(bytes);
        } else if bytes.len() <= 15 {
            b[0] = family;
            b[1..1 + bytes.len()].copy_from_slice(bytes);
        } else {
            // Text longer than a block (a host name): digest it into one.
            let mut h = Sha256::new();
            h.update(bytes);
            b[0] = family;
            b[1..16].copy_from_slice(&h.finalize()[..15]);
        }
        let mut a = Array::from(b);
        self.aes.encrypt_block(&mut a);
        u64::from_le_bytes(a[..8].try_into().expect("8 bytes"))
    }

    /// The hash of a client as written: an address (bare, `[v6]`, with a `:port`, `#port` or
    /// `%zone`), else the text itself.
    pub fn client(&self, text: &[u8]) -> (u64, Option<IpAddr>) {
        match address(text) {
            Some(IpAddr::V4(a)) => (self.hash(4, &a.octets()), Some(IpAddr::V4(a))),
            Some(IpAddr::V6(a)) => (self.hash(6, &a.octets()), Some(IpAddr::V6(a))),
            None => (self.hash(0, unbracket(text)), None),
        }
    }

    /// The hash of an address's network (IPv4 /24, IPv6 /48).
    pub fn network(&self, ip: IpAddr) -> u64 {
        match crate::anonymize::truncate(ip, if ip.is_ipv4() { 24 } else { 48 }) {
            IpAddr::V4(a) => self.hash(14, &a.octets()),
            IpAddr::V6(a) => self.hash(16, &a.octets()),
        }
    }
}

/// `[v6]` without its brackets; other text as it is.
fn unbracket(text: &[u8]) -> &[u8] {
    text.strip_prefix(b"[")
        .and_then(|t| t.strip_suffix(b"]"))
        .unwrap_or(text)
}

/// The address of a client as written (see [`Uniques::client`]), an IPv4-mapped IPv6 address
/// as IPv4; `None` for a client that is no address.
pub fn address(text: &[u8]) -> Option<IpAddr> {
    match parse_ip(unbracket(text)).or_else(|| parse_ip(strip_port(text)?))? {
        IpAddr::V6(a) => Some(a.to_ipv4_mapped().map_or(IpAddr::V6(a), IpAddr::V4)),
        v4 => Some(v4),
    }
}

/// An address as std parses it, after a `%zone` (the same host on any interface).
fn parse_ip(t: &[u8]) -> Option<IpAddr> {
    let t = match memchr::memchr(b'%', t) {
        Some(i) => &t[..i],
        None => t,
    };
    crate::anonymize::scan::parse_addr(t)
}

/// `[v6]:port` → `v6`; `v4:port`, `addr#port` → the address text; `None` when there is no port.
fn strip_port(t: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = t.strip_prefix(b"[") {
        let close = memchr::memchr(b']', rest)?;
        return Some(&rest[..close]);
    }
    if let Some(i) = memchr::memrchr(b'#', t) {
        return Some(&t[..i]);
    }
    // A single colon: IPv4 with a port (IPv6 has several and was tried whole).
    let i = memchr::memchr(b':', t)?;
    (memchr::memrchr(b':', t) == Some(i)).then(|| &t[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_ipv4_parse_agrees_with_std() {
        for t in [
            "192.0.2.1",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1..2.3",
            "1.2.3.",
            "",
            "a.b.c.d",
            "10.0.0.1 ",
            "1.2.3.04",
        ] {
            let std = t.parse::<std::net::Ipv4Addr>().ok();
            let fast = crate::anonymize::scan::parse_addr(t.as_bytes()).map(|ip| match ip {
                IpAddr::V4(a) => a,
                IpAddr::V6(_) => unreachable!("a v4 text"),
            });
            assert!(fast.is_none() || fast == std, "{t}: {fast:?} vs {std:?}");
            if !t.contains(".0") && !t.starts_with('0') {
                assert_eq!(fast, std, "{t}");
            }
        }
    }

    #[test]
    fn a_client_with_a_port_or_zone_counts_as_its_address() {
        let u = Uniques::from_key(&Key::from_bytes([7u8; 32]));
        for (a, b) in [
            ("192.0.2.7", "192.0.2.7:5353"),
            ("192.0.2.7", "192.0.2.7#53"),
            ("192.0.2.7", "::ffff:192.0.2.7"),
            ("2001:db8::1", "[2001:db8::1]:443"),
            ("2001:db8::1", "2001:db8::1#53"),
            ("fe80::1", "fe80::1%eth0"),
            ("fe80::1", "[fe80::1%eth0]:53"),
        ] {
            let (x, y) = (u.client(a.as_bytes()), u.client(b.as_bytes()));
            assert_eq!(x, y, "{a} vs {b}");
            assert!(x.1.is_some(), "{a}");
        }
        assert_eq!(u.client(b"not-an-address").1, None);
        assert_eq!(u.client(b"host:80").1, None);
    }
}
