//! Writing a rewritten address: canonically in the style of the original (its colons or
//! `%3A`, its reverse-DNS form), or, where the literal touches other address bytes, in the
//! original's own shape ([`write_shaped`]), so that a second pass splits the line the same way.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::*;

/// Appends the text of `ip` to `out`, written in the given style: IPv6 colons (and IPv4 dots)
/// plain or percent-encoded.
/// IPv6 is written in RFC 5952 canonical form (IPv4-mapped as `::ffff:a.b.c.d`), exactly as
/// `std`'s `Display` writes it, without going through `core::fmt`.
#[inline(always)]
pub fn write_ip(out: &mut Vec<u8>, ip: IpAddr, colons: Colons) {
    // Plain IPv4, the common case, inline in the caller; the rest is a call.
    match (colons, ip) {
        (Colons::Plain, IpAddr::V4(a)) => write_v4(out, a),
        _ => write_ip_other(out, ip, colons),
    }
}

/// [`write_ip`] for IPv6 and the encoded forms.
#[inline(never)]
pub(super) fn write_ip_other(out: &mut Vec<u8>, ip: IpAddr, colons: Colons) {
    match (colons, ip) {
        (Colons::ReverseV4, IpAddr::V4(a)) => {
            let o = a.octets();
            return write_v4(out, Ipv4Addr::new(o[3], o[2], o[1], o[0]));
        }
        (Colons::ReverseV6(k), IpAddr::V6(a)) => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let v = u128::from(a);
            for n in (0..k as u32).rev() {
                out.push(HEX[((v >> (4 * (31 - n))) & 0xf) as usize]);
                if n > 0 {
                    out.push(b'.');
                }
            }
            return;
        }
        (Colons::DashV4, IpAddr::V4(a)) => {
            let from = out.len();
            write_v4(out, a);
            for c in &mut out[from..] {
                if *c == b'.' {
                    *c = b'-';
                }
            }
            return;
        }
        (Colons::Percent, IpAddr::V4(a)) => {
            let mut buf = Vec::with_capacity(16);
            write_v4(&mut buf, a);
            for c in buf {
                match c {
                    b'.' => out.extend_from_slice(b"%2E"),
                    c => out.push(c),
                }
            }
            return;
        }
        _ => {}
    }
    match ip {
        IpAddr::V4(a) => write_v4(out, a),
        IpAddr::V6(a) => {
            let colon: &[u8] = if colons == Colons::Plain {
                b":"
            } else {
                b"%3A"
            };
            if let Some(v4) = a.to_ipv4_mapped() {
                out.extend_from_slice(colon);
                out.extend_from_slice(colon);
                out.extend_from_slice(b"ffff");
                out.extend_from_slice(colon);
                return write_v4(out, v4);
            }
            let g = a.segments();
            // The longest run of two or more zero groups (the first on a tie) becomes `::`.
            let (mut best, mut best_len, mut k) = (8, 0, 0);
            let zeros = g
                .iter()
                .enumerate()
                .fold(0u8, |m, (i, &x)| m | ((x == 0) as u8) << i);
            if zeros & (zeros >> 1) == 0 {
                k = 8; // no two zero groups side by side: nothing to compress
            }
            while k < 8 {
                let start = k;
                while k < 8 && g[k] == 0 {
                    k += 1;
                }
                if k - start > best_len && k - start >= 2 {
                    (best, best_len) = (start, k - start);
                }
                k += 1;
            }
            // Formatted into a stack buffer (at most 39 bytes), then appended once; the rare
            // percent-encoded style expands the colons while appending.
            let mut buf = [0u8; 44]; // 39 at most, and room for a group's 4-byte store
            let mut n = 0;
            let mut k = 0;
            while k < 8 {
                if k == best {
                    buf[n] = b':';
                    buf[n + 1] = b':';
                    n += 2;
                    k += best_len;
                    continue;
                }
                if k > 0 && k != best + best_len {
                    buf[n] = b':';
                    n += 1;
                }
                let (text, digits) = hex_group(g[k]);
                buf[n..n + 4].copy_from_slice(&text);
                n += digits;
                k += 1;
            }
            if colon == b":" {
                let len = out.len();
                out.extend_from_slice(&buf);
                out.truncate(len + n);
            } else {
                for &c in &buf[..n] {
                    if c == b':' {
                        out.extend_from_slice(colon);
                    } else {
                        out.push(c);
                    }
                }
            }
        }
    }
}

/// Appends `new`, the replacement of the literal `f` of `line`: in the style of the original
/// ([`write_ip`]); in its shape where it touches other address bytes ([`write_shaped`]); in the
/// shape of its decoded text, unchanged octets and groups copied as written, where it was
/// written with escapes of address bytes.
#[inline(always)]
pub fn write_found(out: &mut Vec<u8>, line: &[u8], f: &Found, new: IpAddr) {
    if let (Colons::ReverseHostV4, IpAddr::V4(a)) = (f.colons, new) {
        let name = &line[f.start..f.end];
        if !f.escaped {
            return write_classless(out, name, a);
        }
        // Its network labels written with escapes (`8.8-7.2%2E1.2`): written plain.
        let (mut text, mut at) = (Vec::with_capacity(name.len()), Vec::new());
        decode_escapes(name, 0, name.len(), &mut text, &mut at);
        return write_classless(out, &text, a);
    }
    if f.shaped || f.escaped {
        write_found_rare(out, line, f, new);
    } else {
        write_ip(out, new, f.colons);
    }
}

/// A classless reverse name `host.DELEGATION.c.b.a` for the address `a`: its host and network
/// labels from `a`, the delegation's label as written.
fn write_classless(out: &mut Vec<u8>, name: &[u8], a: std::net::Ipv4Addr) {
    let o = a.octets();
    let first = name.iter().position(|&b| b == b'.').unwrap_or(name.len());
    // The network labels are the last three.
    let mut dots = name.iter().enumerate().rev().filter(|&(_, &b)| b == b'.');
    let third = dots.nth(2).map_or(first, |(k, _)| k);
    out.extend_from_slice(o[3].to_string().as_bytes());
    out.extend_from_slice(&name[first..=third.max(first).min(name.len() - 1)]);
    write_v4(out, std::net::Ipv4Addr::new(o[2], o[1], o[0], 0));
    out.truncate(out.len() - 2); // the `.0` of the padding octet
}

/// [`write_found`] for a literal that touches other address bytes or holds escapes.
#[inline(never)]
fn write_found_rare(out: &mut Vec<u8>, line: &[u8], f: &Found, new: IpAddr) {
    // A dot follows, written `.` or as an escape (`%2E`: a run decoded).
    let dot_after = line.get(f.end) == Some(&b'.')
        || address_escape(line, f.end).is_some_and(|(_, b)| b == b'.');
    if !f.escaped {
        if !write_shaped(out, &line[f.start..f.end], new, dot_after) {
            write_ip(out, new, f.colons);
        }
        return;
    }
    // Written with escapes: in the shape of its decoded text, each unchanged octet or group
    // copied as it was written (escaped), so that no lead before it (`%` then `3%32.0.2.2`)
    // reads the rewrite as an escape it did not hold, and bytes not changed stay the same.
    let span = &line[f.start..f.end];
    let (mut text, mut at) = (
        Vec::with_capacity(span.len()),
        Vec::with_capacity(span.len() + 1),
    );
    decode_escapes(span, 0, span.len(), &mut text, &mut at);
    at.push(span.len());
    let shape = Shape {
        text: &text,
        escaped: Some((span, &at)),
    };
    // A quad that begins a name is written forward, as usual: its escaped dots stay
    // (`192\.0\.2\.1.example`, one label as BIND writes it, stays one label).
    let forward = matches!(f.colons, Colons::Plain | Colons::NameV4);
    if !forward || !write_shaped_as(out, &shape, new, dot_after) {
        write_ip(out, new, f.colons);
    }
}

/// The text a shaped rewrite follows, and where the bytes it copies come from: the text
/// itself, or, for a literal written with escapes, the escaped bytes (`escaped`: the literal
/// as written, and where each byte of `text`, and its end, starts in it).
pub(super) struct Shape<'a> {
    text: &'a [u8],
    escaped: Option<(&'a [u8], &'a [usize])>,
}

impl Shape<'_> {
    /// Appends the bytes `text[a..b]` were read from.
    fn copy(&self, out: &mut Vec<u8>, a: usize, b: usize) {
        match self.escaped {
            Some((written, at)) => out.extend_from_slice(&written[at[a]..at[b]]),
            None => out.extend_from_slice(&self.text[a..b]),
        }
    }
}

/// Appends `new` written in the shape of the literal `text` (as the finder found it, `shaped`):
/// IPv4 with the same separators (`.` or `%2E`); IPv6 with the same groups in the same places, the
/// same `::`, the same colons (`:` or `%3A`) and dotted tail. A group or octet whose value did
/// not change keeps its bytes (`092` stays `092`), one that did is written anew (lower case, no
/// leading zeros). So the finder reads the result exactly as it read `text`, whatever touches
/// it. `dot_after`: a `.` follows the literal, so a changed last IPv6 group is written with four
/// digits, which no dotted tail starts with (`::396.51.100.45` must not become `::0.51.100.45`).
/// Returns false, writing nothing, when `new` does not fit the shape (another family, or a group
/// that `::` stands for is not zero), which truncation never causes.
#[inline(never)]
pub fn write_shaped(out: &mut Vec<u8>, text: &[u8], new: IpAddr, dot_after: bool) -> bool {
    let shape = Shape {
        text,
        escaped: None,
    };
    write_shaped_as(out, &shape, new, dot_after)
}

/// [`write_shaped`] following `shape`.
fn write_shaped_as(out: &mut Vec<u8>, shape: &Shape, new: IpAddr, dot_after: bool) -> bool {
    let text = shape.text;
    match new {
        IpAddr::V4(a) if text.len() >= 7 => {
            let old = match parse_v4(text, 0, text.len()) {
                Some((e, v, _)) if e == text.len() => v,
                _ => return false,
            };
            write_octets_shaped(out, shape, 0, old, a);
            true
        }
        IpAddr::V6(a) => write_v6_shaped(out, shape, a, dot_after),
        IpAddr::V4(_) => false,
    }
}

/// The dotted quad at `from` in `shape`'s text (value `old`) rewritten to `new`: separators
/// and unchanged octets copied, changed octets written anew.
fn write_octets_shaped(
    out: &mut Vec<u8>,
    shape: &Shape,
    from: usize,
    old: Ipv4Addr,
    new: Ipv4Addr,
) {
    let text = shape.text;
    let (o, n) = (old.octets(), new.octets());
    let mut i = from;
    for k in 0..4 {
        if k > 0 {
            let sep = if text[i] == b'.' { 1 } else { 3 };
            shape.copy(out, i, i + sep);
            i += sep;
        }
        let start = i;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
        if o[k] == n[k] {
            shape.copy(out, start, i);
        } else {
            let d = DECIMAL[n[k] as usize];
            out.extend_from_slice(&d[..d[3] as usize]);
        }
    }
}

fn write_v6_shaped(out: &mut Vec<u8>, shape: &Shape, new: Ipv6Addr, dot_after: bool) -> bool {
    let text = shape.text;
    let n = text.len();
    // Pass 1: where the groups are, where `::` stands, where a dotted tail starts.
    let mut spans = [(0usize, 0usize); 8];
    let (mut count, mut gap, mut tail) = (0, None, None);
    let mut i = 0;
    while i < n {
        let c = colon_len(text, i, n);
        if c > 0 {
            i += c;
            let c2 = colon_len(text, i, n);
            if c2 > 0 {
                if gap.is_some() {
                    return false;
                }
                gap = Some(count);
                i += c2;
            }
            continue;
        }
        let s = i;
        while i < n && is_hex(text[i]) {
            i += 1;
        }
        if i < n && text[i] == b'.' {
            tail = Some(s);
            break;
        }
        if i == s || count == 8 {
            return false;
        }
        spans[count] = (s, i);
        count += 1;
    }
    let tail_groups = if tail.is_some() { 2 } else { 0 };
    let after_gap = match gap {
        Some(g) => 8 - tail_groups - (count - g),
        None => count,
    };
    let segs = new.segments();
    // A valid literal, or a cut one ([`parse_partial_v6`]: its groups are the first ones).
    let old = match parse_v6(text, 0, n).or_else(|| parse_partial_v6(text, 0, n)) {
        Some(v) if v.end == n => v.ip.segments(),
        _ => return false,
    };
    let gap_at = gap.unwrap_or(count);
    if count + tail_groups > 8 || segs[gap_at..after_gap].iter().any(|&g| g != 0) {
        return false;
    }
    // Pass 2: copy, with each changed group or octet written anew.
    let mut copied = 0;
    for (k, &(s, e)) in spans[..count].iter().enumerate() {
        let slot = if k < gap_at {
            k
        } else {
            after_gap + (k - gap_at)
        };
        shape.copy(out, copied, s);
        if segs[slot] == old[slot] {
            shape.copy(out, s, e);
        } else if dot_after && tail.is_none() && k + 1 == count {
            // Four digits, leading zeros included.
            let (t, digits) = hex_group(segs[slot]);
            out.extend(std::iter::repeat_n(b'0', 4 - digits));
            out.extend_from_slice(&t[..digits]);
        } else {
            let (t, digits) = hex_group(segs[slot]);
            out.extend_from_slice(&t[..digits]);
        }
        copied = e;
    }
    shape.copy(out, copied, tail.unwrap_or(n));
    if let Some(t) = tail {
        let quad = |g: &[u16]| Ipv4Addr::from((u32::from(g[6]) << 16) | u32::from(g[7]));
        write_octets_shaped(out, shape, t, quad(&old), quad(&segs));
    }
    true
}

/// Each octet's decimal text, padded to three bytes, and its length in the fourth byte.
pub(super) static DECIMAL: [[u8; 4]; 256] = {
    let mut t = [[0u8; 4]; 256];
    let mut o = 0;
    while o < 256 {
        let (h, d, u) = ((o / 100) as u8, (o / 10 % 10) as u8, (o % 10) as u8);
        t[o] = if o >= 100 {
            [b'0' + h, b'0' + d, b'0' + u, 3]
        } else if o >= 10 {
            [b'0' + d, b'0' + u, 0, 2]
        } else {
            [b'0' + u, 0, 0, 1]
        };
        o += 1;
    }
    t
};

/// A group's lower-case hex digits without leading zeros, in the first `digits` of four bytes;
/// computed a word at a time, without a branch per digit.
#[inline(always)]
pub(super) fn hex_group(v: u16) -> ([u8; 4], usize) {
    let w = v as u32;
    // One nibble per byte, the most significant in the first byte.
    let x = (w >> 12) | ((w >> 8) & 0xf) << 8 | ((w >> 4) & 0xf) << 16 | (w & 0xf) << 24;
    // '0' + n, and 39 more where n > 9 (to reach 'a'); no byte carries into the next.
    let letters = ((x + 0x0606_0606) >> 4) & 0x0101_0101;
    let text = x + 0x3030_3030 + letters * 39;
    let digits = (16 - v.leading_zeros() as usize).div_ceil(4).max(1);
    ((text >> (8 * (4 - digits))).to_le_bytes(), digits)
}

#[inline(always)]
pub(super) fn write_v4(out: &mut Vec<u8>, a: Ipv4Addr) {
    // Four table lookups into a stack buffer, appended once.
    let mut buf = [0u8; 16];
    let mut n = 0;
    for o in a.octets() {
        let d = DECIMAL[o as usize];
        buf[n..n + 4].copy_from_slice(&d);
        n += d[3] as usize;
        buf[n] = b'.';
        n += 1;
    }
    // A fixed-size append is a few moves; a variable-size one is a call to `memcpy`.
    let len = out.len();
    out.extend_from_slice(&buf);
    out.truncate(len + n - 1);
}
