//! Parsing address literals inside a run of address bytes: dotted quads (dots written `.` or
//! `%2E`) and IPv6 in every RFC 4291 form (colons written `:` or `%3A`), the longest valid
//! literal at a position; and `parse_addr` for text that is an address whole.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::*;

/// `t`, whole, as an address in std's syntax (a client field, a word): the common dotted quad
/// and IPv6 without a dotted tail by the finder's parsers, without going through `str` (std's
/// IPv6 parser took ~1,400 instructions an address, a tenth of counting a new web client),
/// anything else by std's parser. One reading of "this text is an address" for formats, rules
/// and statistics; a property test holds it to std's.
pub fn parse_addr(t: &[u8]) -> Option<IpAddr> {
    if let Some(a) = parse_quad(t) {
        return Some(IpAddr::V4(a));
    }
    // The finder's reading of the longest literal, taken when it is all of `t` with plain
    // colons. Not with a dotted tail: its octets may have leading zeros there, which std
    // refuses.
    if !t.contains(&b'.')
        && let Some(v6) = parse_v6(t, 0, t.len())
        && v6.end == t.len()
        && v6.colons == Colons::Plain
    {
        return Some(IpAddr::V6(v6.ip));
    }
    std::str::from_utf8(t).ok()?.parse().ok()
}

/// A dotted quad exactly as std writes one (no leading zero), without going through `str`.
pub(super) fn parse_quad(t: &[u8]) -> Option<Ipv4Addr> {
    let mut o = [0u8; 4];
    let mut k = 0;
    let mut n: u32 = 0;
    let mut digits = 0;
    for &b in t {
        match b {
            b'0'..=b'9' => {
                if digits > 0 && n == 0 {
                    return None; // a leading zero
                }
                n = n * 10 + u32::from(b - b'0');
                digits += 1;
                if n > 255 || digits > 3 {
                    return None;
                }
            }
            b'.' if digits > 0 && k < 3 => {
                o[k] = n as u8;
                k += 1;
                n = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    if k != 3 || digits == 0 {
        return None;
    }
    o[3] = n as u8;
    Some(Ipv4Addr::from(o))
}

/// Parses a dotted quad at `i`; it must not be followed by another digit. Its dots may be
/// written `%2E` (then the third value is true).
#[inline(always)]
pub(super) fn parse_v4(s: &[u8], mut i: usize, end: usize) -> Option<(usize, Ipv4Addr, bool)> {
    // One bounds check per byte: `t.get` against the end of the run.
    let t = &s[..end];
    let digit = |i: usize| match t.get(i) {
        Some(&b) if b.is_ascii_digit() => Some((b - b'0') as u32),
        _ => None,
    };
    let mut octets = [0u8; 4];
    let mut pct = false;
    for (k, octet) in octets.iter_mut().enumerate() {
        if k > 0 {
            if t.get(i) == Some(&b'.') {
                i += 1;
            } else if pct_dot_at(t, i) {
                pct = true;
                i += 3;
            } else {
                return None;
            }
        }
        let mut v = digit(i)?;
        i += 1;
        if let Some(d) = digit(i) {
            v = v * 10 + d;
            i += 1;
            if let Some(d) = digit(i) {
                v = v * 10 + d;
                i += 1;
            }
        }
        *octet = u8::try_from(v).ok()?;
    }
    if digit(i).is_some() {
        return None;
    }
    Some((i, Ipv4Addr::from(octets), pct))
}

pub(super) fn hex_val(b: u8) -> Option<u16> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u16),
        b'a'..=b'f' => Some((b - b'a' + 10) as u16),
        b'A'..=b'F' => Some((b - b'A' + 10) as u16),
        _ => None,
    }
}

/// Each byte's hex digit value, or 16 for bytes that are not hex digits.
pub(super) static HEX_VALUE: [u8; 256] = {
    let mut t = [16u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            b @ b'0'..=b'9' => b - b'0',
            b @ b'a'..=b'f' => b - b'a' + 10,
            b @ b'A'..=b'F' => b - b'A' + 10,
            _ => 16,
        };
        i += 1;
    }
    t
};

/// An IPv6 literal parsed by [`parse_v6`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct V6 {
    pub(super) end: usize,
    pub(super) ip: Ipv6Addr,
    pub(super) colons: Colons,
    /// Groups written (a dotted tail counts two).
    pub(super) groups: usize,
}

/// Parses the longest valid IPv6 literal starting at `i` (within `end`).
pub(super) fn parse_v6(s: &[u8], i0: usize, end: usize) -> Option<V6> {
    let t = &s[..end];
    let hex = |i: usize| t.get(i).map_or(16, |&b| HEX_VALUE[b as usize]);
    let mut groups = [0u16; 8];
    let mut n = 0usize; // groups parsed
    let mut gap: Option<usize> = None; // index where `::` stands
    let mut pct = false;
    let mut i = i0;
    // Best (longest) valid literal so far: (end, groups, n, gap).
    let mut best: Option<(usize, [u16; 8], usize, Option<usize>)> = None;

    let c1 = colon_len(t, i, end);
    if c1 > 0 {
        let c2 = colon_len(t, i + c1, end);
        if c2 == 0 {
            return None;
        }
        pct |= c1 == 3 || c2 == 3;
        i += c1 + c2;
        gap = Some(0);
        best = Some((i, groups, n, gap));
    }
    loop {
        let start = i;
        let mut v: u16 = 0;
        while i - start < 4 {
            let h = hex(i);
            if h > 15 {
                break;
            }
            v = (v << 4) | h as u16;
            i += 1;
        }
        let digits = i - start;
        // A dotted IPv4 tail may take the last two groups: its first octet reads as a group of
        // at most three digits followed by a dot.
        let room_for_tail = if gap.is_some() {
            n + 2 <= 7
        } else {
            n + 2 == 8
        };
        if room_for_tail
            && digits < 4
            && t.get(i) == Some(&b'.')
            && let Some((e, v4, false)) = parse_v4(t, start, end)
        {
            let o = v4.octets();
            groups[n] = u16::from_be_bytes([o[0], o[1]]);
            groups[n + 1] = u16::from_be_bytes([o[2], o[3]]);
            n += 2;
            best = Some((e, groups, n, gap));
            break;
        }
        if digits == 0 || hex(i) <= 15 {
            break; // no group, or a fifth hex digit: the literal ended before
        }
        groups[n] = v;
        n += 1;
        // `::` stands for at least one group of zeros (RFC 4291): with it, seven groups at most.
        if (gap.is_some() && n <= 7) || (gap.is_none() && n == 8) {
            best = Some((i, groups, n, gap));
        }
        if n == 8 {
            break;
        }
        let c = colon_len(t, i, end);
        if c == 0 {
            break;
        }
        let c2 = colon_len(t, i + c, end);
        if c2 > 0 {
            if gap.is_some() || n > 7 {
                break;
            }
            pct |= c == 3 || c2 == 3;
            gap = Some(n);
            i += c + c2;
            best = Some((i, groups, n, gap));
        } else {
            pct |= c == 3;
            i += c;
        }
    }
    let (e, g, n, gap) = best?;
    Some(V6 {
        end: e,
        ip: expand_gap(g, n, gap),
        colons: if pct { Colons::Percent } else { Colons::Plain },
        groups: n,
    })
}

/// The address of `count` parsed groups with `::` standing before group `gap` (zeros fill it).
#[inline(always)]
pub(super) fn expand_gap(groups: [u16; 8], count: usize, gap: Option<usize>) -> Ipv6Addr {
    let Some(at) = gap else {
        return Ipv6Addr::from(groups);
    };
    let mut full = [0u16; 8];
    full[..at].copy_from_slice(&groups[..at]);
    full[8 - (count - at)..].copy_from_slice(&groups[at..count]);
    Ipv6Addr::from(full)
}

/// A cut IPv6 literal at `i0` (a line, a field or an X-Forwarded-For list cut mid-address): four
/// to seven groups of one to four hex digits joined by single colons (`:` or `%3A`), no `::`,
/// four only when they are no clock (`2026:13:55:36`, Apache's: all decimal, at most two
/// digits in each group after the first; `2001:db8:abcd:1234` kept bits 48-63 before),
/// where no valid literal starts ([`parse_v6`] found none). Read as a prefix, the groups written
/// followed by zeros, as a partial `ip6.arpa` name is: its first groups are the network, the
/// rest were host bits that would otherwise stay raw. Not taken: a first group of fewer than
/// three hex digits (MAC addresses `00:1a:2b:3c:4d:5e`, clocks `12:34:56:78:90`, identifiers;
/// every global, link-local and unique-local prefix has three or four), and a group that starts
/// a dotted quad (`…:192.0.2.1`: the quad is read as IPv4, its host octet rewritten). Decimal
/// groups are taken like any (`2026:10:10:13:55` is rewritten: a truncated literal's host groups
/// are zeros, decimal, and a second pass must read it as the first did).
pub(super) fn parse_partial_v6(s: &[u8], i0: usize, end: usize) -> Option<V6> {
    let t = &s[..end];
    let hex = |i: usize| t.get(i).map_or(16, |&b| HEX_VALUE[b as usize]);
    let mut groups = [0u16; 8];
    let (mut n, mut i, mut last) = (0usize, i0, i0);
    // Four decimal groups with at most two digits each after the first: a clock
    // (`2026:13:55:36`). A longer one (`801:1:4:0000`, which truncation writes for
    // `801:1:4:6A2` before a dot) is no clock's: a second pass must read what the first did.
    let (mut decimal, mut later) = (true, 0);
    let mut long_later = false;
    while n < 7 {
        let start = i;
        let mut v = 0u16;
        while i - start < 4 && hex(i) < 16 {
            v = (v << 4) | u16::from(hex(i));
            i += 1;
        }
        let digits = i - start;
        let quad =
            digits < 4 && t.get(i) == Some(&b'.') && t[start..i].iter().all(u8::is_ascii_digit);
        if digits == 0 || hex(i) < 16 || quad || (n == 0 && digits < 3) {
            break; // no group, a fifth hex digit, a dotted quad's first octet, a short first group
        }
        decimal &= t[start..i].iter().all(u8::is_ascii_digit);
        later += if n > 0 { digits } else { 0 };
        long_later |= n > 0 && digits > 2;
        groups[n] = v;
        n += 1;
        last = i;
        let c = colon_len(t, i, end);
        if c == 0 || colon_len(t, i + c, end) > 0 {
            break; // the end, or `::` (which a valid literal would have)
        }
        i += c;
    }
    if n < 4 || (n == 4 && decimal && later <= 6 && !long_later) {
        return None;
    }
    Some(V6 {
        end: last,
        ip: Ipv6Addr::from(groups),
        colons: if t[i0..last].contains(&b'%') {
            Colons::Percent
        } else {
            Colons::Plain
        },
        groups: n,
    })
}
