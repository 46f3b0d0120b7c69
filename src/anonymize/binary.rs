//! Addresses logged as their raw bytes: nginx's `$binary_remote_addr` (4 bytes for IPv4, 16 for
//! IPv6), which nginx writes escaped (`\xC0\x00\x02\x11` for 192.0.2.17; bytes from `!` to `~`
//! other than `"` and `\` as themselves: 198.51.100.17 is `\xC63d\x11`; `\u00XX` under
//! `escape=json`). No finder sees an address in that, so the format names the field and the
//! value is decoded, mapped like any address and written back in the same escaping.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Anonymizer, Cache, Mapped};

/// The bytes `v` stands for, undoing nginx's `\xHH` and JSON's `\u00HH` escapes.
fn unescape(v: &[u8]) -> Option<Vec<u8>> {
    let hex = |h: &[u8]| -> Option<u8> {
        let s = std::str::from_utf8(h).ok()?;
        u8::from_str_radix(s, 16).ok()
    };
    let mut out = Vec::with_capacity(16);
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'\\' {
            match v.get(i + 1) {
                Some(b'x') => {
                    out.push(hex(v.get(i + 2..i + 4)?)?);
                    i += 4;
                }
                Some(b'u') if v.get(i + 2..i + 4) == Some(b"00") => {
                    out.push(hex(v.get(i + 4..i + 6)?)?);
                    i += 6;
                }
                Some(&c @ (b'"' | b'\\')) => {
                    out.push(c);
                    i += 2;
                }
                _ => return None,
            }
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Writes `bytes` as nginx would: printable ASCII as itself, the rest (and `"`, `\`, space)
/// as `\xHH`, or `\u00HH` when `json`.
fn escape(bytes: &[u8], json: bool, out: &mut Vec<u8>) {
    for &b in bytes {
        if b.is_ascii_graphic() && b != b'"' && b != b'\\' {
            out.push(b);
        } else if json {
            out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            out.extend_from_slice(format!("\\x{b:02X}").as_bytes());
        }
    }
}

/// The replacement for a binary address field `v` as written: the mapped address in the same
/// escaping, `v` itself when the scheme leaves it as it is, and `-` when `v` is not 4 or 16
/// bytes or the scheme maps it to something that is no address (fail closed).
pub fn rewrite(a: &Anonymizer, v: &[u8], cache: &mut Cache) -> Vec<u8> {
    if v == b"-" || v.is_empty() {
        return v.to_vec();
    }
    let ip = match unescape(v).as_deref() {
        Some(&[a0, a1, a2, a3]) => IpAddr::V4(Ipv4Addr::new(a0, a1, a2, a3)),
        Some(b) if b.len() == 16 => {
            IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b).expect("16 bytes")))
        }
        _ => return b"-".to_vec(),
    };
    let json = memchr::memmem::find(v, b"\\u00").is_some();
    let mut out = Vec::with_capacity(v.len());
    match a.map(ip, cache) {
        Mapped::Same | Mapped::Kept => out.extend_from_slice(v),
        Mapped::To(IpAddr::V4(m)) => escape(&m.octets(), json, &mut out),
        Mapped::To(IpAddr::V6(m)) => escape(&m.octets(), json, &mut out),
        Mapped::Token { .. } => out.extend_from_slice(b"-"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::Scheme;

    #[test]
    fn binary_addresses_are_truncated_in_their_escaping() {
        let a = Anonymizer::new(Scheme::Truncate, 24, 48, Vec::new());
        let mut c = Cache::default();
        let r = |v: &str, c: &mut Cache| String::from_utf8(rewrite(&a, v.as_bytes(), c)).unwrap();
        // 192.0.2.17 → 192.0.2.0
        assert_eq!(r(r"\xC0\x00\x02\x11", &mut c), r"\xC0\x00\x02\x00");
        // 198.51.100.17 (`3` and `d` printable) → 198.51.100.0
        assert_eq!(r(r"\xC63d\x11", &mut c), r"\xC63d\x00");
        // escape=json
        assert_eq!(
            r(r"\u00c0\u0000\u0002\u0011", &mut c),
            r"\u00c0\u0000\u0002\u0000"
        );
        // 2001:db8::17 → 2001:db8::
        let v6 = r"\x20\x01\x0D\xB8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17";
        assert_eq!(
            r(v6, &mut c),
            r"\x20\x01\x0D\xB8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        );
        // Already truncated: the bytes as written.
        assert_eq!(r(r"\xC0\x00\x02\x00", &mut c), r"\xC0\x00\x02\x00");
        // Not an address, or a broken escape: withheld.
        for bad in [r"\xC0\x00\x02", r"\xZZ\x00\x02\x11", "abcde", r"\q123"] {
            assert_eq!(r(bad, &mut c), "-", "{bad}");
        }
        assert_eq!(r("-", &mut c), "-");
    }
}
