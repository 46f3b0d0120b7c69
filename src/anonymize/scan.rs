//! Finding address literals anywhere in a line, in every textual form.
//!
//! This is the fail-closed half of anonymization: whatever a format parser understood or not,
//! every byte of the line passes through [`scrub`], which finds IPv4 and IPv6 literals and hands
//! each to a rewriting callback. The forms it recognises:
//!
//! * bare IPv4 (`192.0.2.1`, leading zeros allowed) and IPv6 in any RFC 4291 text form, upper or
//!   lower case, compressed or full, with an embedded dotted IPv4 tail (`::ffff:192.0.2.1`);
//! * with a port or zone glued on: `ip:port`, `[v6]:port`, `ip#port`, `ip/port`, `v6%eth0`
//!   (the port or zone stays, only the address is rewritten);
//! * inside URLs, query strings, referrers, JSON strings, X-Forwarded-For lists (`a,b`, `a, b`);
//! * IPv6 whose colons are percent-encoded (`2001%3Adb8%3A%3A1`), as in query strings.
//!
//! How it works, and why it is fast: every literal contains a `.`, a `:` or a `%3A`, so the
//! scan jumps between those bytes with `memchr3` (SIMD) and ignores the rest of the line. At a
//! separator whose neighbours could belong to an address (a digit on both sides of a dot, a hex
//! digit or colon beside a colon), the surrounding *run* of address bytes (`0-9 a-f A-F : .`
//! and `%3A`) is measured once. A run is examined only when it could hold IPv6 (`::`, or at
//! least six colons) or IPv4 (three dots, seven bytes): the `13:55:36` of a timestamp costs
//! nothing. Inside a run, candidate start positions are tried: the run start, positions after a
//! colon (IPv6), and digits not preceded by a digit (IPv4). IPv6 is tried first and takes the
//! longest valid prefix, so `2001:db8::1:` and `::ffff:192.0.2.1:80` keep their port.
//!
//! Deliberate choices (fail closed wins over tidiness):
//! * An IPv4 quad followed by `.digit` (`1.2.3.4.5`, version strings, OIDs) is still taken as an
//!   address: a false positive costs a rewritten version number, a false negative leaks.
//! * An IPv6 candidate at a run start that is glued to a letter (`std::vector`) is not taken;
//!   the positions after its colons still are (`xff:2001:db8::1` → `2001:db8::1`).
//! * A line piece is scanned with the byte that preceded it (`prev`), so a long line cut into
//!   pieces scans the same as whole, provided the cut is at a non-address byte.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const C_DIGIT: u8 = 1;
const C_HEXALPHA: u8 = 2;
const C_COLON: u8 = 4;
const C_DOT: u8 = 8;
const C_PCT: u8 = 16;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match b {
            b'0'..=b'9' => C_DIGIT,
            b'a'..=b'f' | b'A'..=b'F' => C_HEXALPHA,
            b':' => C_COLON,
            b'.' => C_DOT,
            b'%' => C_PCT,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// True for bytes that may appear inside an address literal (used to choose safe cut points).
pub fn is_address_byte(b: u8) -> bool {
    CLASS[b as usize] != 0
}

/// How a literal was written, so that a rewrite can be written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colons {
    /// As usual (IPv6 colons as `:`).
    Plain,
    /// IPv6 with colons as `%3A` / `%3a`.
    Percent,
    /// A reverse-DNS name `d.c.b.a.in-addr.arpa`: the four labels, reversed.
    ReverseV4,
    /// A reverse-DNS name `…ip6.arpa`: this many nibble labels (1–32), least significant first;
    /// fewer than 32 name a prefix, read as an address padded with zeros.
    ReverseV6(u8),
}

/// One address literal found in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the first byte of the literal.
    pub start: usize,
    /// Byte offset one past the last byte of the literal (port, zone, brackets excluded).
    pub end: usize,
    /// The address value.
    pub ip: IpAddr,
    /// For IPv6: how its colons were written.
    pub colons: Colons,
}

/// Calls `f` for every address literal in `line`, in order, without overlaps.
/// `prev` is the byte that preceded `line` in the original line (`b'\n'` at a line start).
pub fn find_each(line: &[u8], prev: u8, f: impl FnMut(Found)) {
    find_each_with::<true>(line, prev, f)
}

/// [`find_each`], with the shortcuts for common literals (`FAST`) or without them: the tests
/// check that both find the same literals.
fn find_each_with<const FAST: bool>(line: &[u8], prev: u8, mut f: impl FnMut(Found)) {
    let n = line.len();
    let mut pos = 0;
    // Every literal holds a `.`, a `:` or a `%3A`: jump from one such byte to the next, and
    // look at the run of address bytes around it only when its neighbours make it plausible.
    while let Some(j) = next_separator(line, pos) {
        let plausible = match line[j] {
            // The first dot of any dotted quad (an IPv6 dotted tail included) has a digit before
            // it and `d{1,3}.d{1,3}.d` after it; later dots of a quad are inside a run already
            // examined. This keeps `5.0`, `HTTP/2.0` and `604.1` from costing a run each.
            b'.' => j > 0 && line[j - 1].is_ascii_digit() && two_more_octets(line, j + 1),
            b':' => {
                const HEXISH: u8 = C_DIGIT | C_HEXALPHA | C_COLON;
                (j > 0 && CLASS[line[j - 1] as usize] & HEXISH != 0)
                    || (j + 1 < n && CLASS[line[j + 1] as usize] & (HEXISH | C_PCT) != 0)
            }
            _ => pct_colon_at(line, j),
        };
        if !plausible {
            // A dot before `in-addr.arpa` / `ip6.arpa` ends a reverse-DNS name.
            if line[j] == b'.'
                && j + 1 < n
                && line[j + 1] | 0x20 == b'i'
                && let Some(found) = reverse_name(line, j + 1)
            {
                f(found);
            }
            pos = j + 1;
            continue;
        }
        // The common case first: a dotted quad standing alone (`198.51.100.7`, `192.0.2.1#53`,
        // `192.0.2.1:8080 `). When the bytes around it cannot belong to an address, the run is
        // exactly this quad (plus a port), so the general path below would find just it.
        if FAST
            && line[j] == b'.'
            && let Some((found, after)) = lone_v4(line, j, prev)
        {
            pos = after;
            f(found);
            continue;
        }
        if FAST && line[j] == b':' {
            // A clock or date-time run (`13:55:36.123`, `2026:13:55:36`) holds no address.
            if let Some(end) = clock_run(line, j, prev) {
                pos = end;
                continue;
            }
            // An IPv6 address standing alone (`2001:db8::1`, `[2001:db8::1]:53`).
            if let Some(found) = lone_v6(line, j, prev) {
                pos = found.end;
                f(found);
                continue;
            }
        }
        // The run: maximal stretch of address bytes around j (a `%` only as part of `%3A`).
        let mut rs = j;
        while rs > 0 {
            let c = CLASS[line[rs - 1] as usize];
            if c == 0 || (c == C_PCT && !pct_colon_at(line, rs - 1)) {
                break;
            }
            rs -= 1;
        }
        let (mut colons, mut dots, mut double) = (0u32, 0u32, false);
        let mut last_colon_end = usize::MAX;
        let mut i = rs;
        while i < n {
            let c = CLASS[line[i] as usize];
            if c & (C_DIGIT | C_HEXALPHA) != 0 {
                i += 1;
            } else if c == C_DOT {
                dots += 1;
                i += 1;
            } else if c == C_COLON || (c == C_PCT && pct_colon_at(line, i)) {
                double |= last_colon_end == i;
                colons += 1;
                i += if c == C_COLON { 1 } else { 3 };
                last_colon_end = i;
            } else {
                break;
            }
        }
        let re = i;
        if re > rs
            && line[re - 1] == b'.'
            && let Some(found) = reverse_name(line, re)
        {
            f(found);
            pos = re;
            continue;
        }
        // IPv6 needs `::`, or six colons (with a dotted tail) or seven; IPv4 three dots.
        let v6 = colons >= 2 && (double || colons >= 6);
        if v6 || (dots >= 3 && re - rs >= 7) {
            scan_run(line, rs, re, prev, v6, &mut f);
        }
        pos = re.max(j + 1);
    }
}

/// Where the one to `max` digits that end just before `j` start, when the byte before them
/// (`prev` at the start of `line`) cannot belong to an address.
#[inline(always)]
fn lone_digits_before(line: &[u8], j: usize, max: usize, prev: u8) -> Option<usize> {
    let mut start = j;
    while start > 0 && j - start < max && line[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let before = if start == 0 { prev } else { line[start - 1] };
    (start < j && CLASS[before as usize] == 0).then_some(start)
}

/// The end of the run around the colon at `j` when it is only groups of one to four digits
/// joined by single colons (at most five), perhaps with a `.digits` fraction, and stands alone
/// (no address byte before or after it): a clock, not an address. Such a run has no `::`, too
/// few colons for IPv6 and too few dots for IPv4, so the general path would find nothing in it.
#[inline(always)]
fn clock_run(line: &[u8], j: usize, prev: u8) -> Option<usize> {
    let n = line.len();
    let digit = |k: usize| k < n && line[k].is_ascii_digit();
    lone_digits_before(line, j, 4, prev)?;
    let (mut k, mut colons) = (j, 0);
    while k < n && line[k] == b':' {
        colons += 1;
        k += 1;
        let group = k;
        while k - group < 4 && digit(k) {
            k += 1;
        }
        if k == group || colons > 5 {
            return None;
        }
    }
    if k < n && line[k] == b'.' {
        k += 1;
        let fraction = k;
        while digit(k) {
            k += 1;
        }
        if k == fraction {
            return None;
        }
    }
    if k < n && CLASS[line[k] as usize] != 0 {
        return None;
    }
    Some(k)
}

/// The dotted quad around the dot at `j` when it stands alone: one to three digits before `j`
/// preceded by a byte that cannot be part of an address, a valid quad, and after it such a byte,
/// the end, or a `:port` of digits followed by such a byte or the end. Returns the literal and
/// where scanning goes on (after the port).
#[inline(always)]
fn lone_v4(line: &[u8], j: usize, prev: u8) -> Option<(Found, usize)> {
    let start = lone_digits_before(line, j, 3, prev)?;
    let (end, ip) = parse_v4(line, start, line.len())?;
    let mut k = end;
    if line.get(k) == Some(&b':') {
        k += 1;
        let digits = line[k..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        k += digits;
    }
    if k < line.len() && CLASS[line[k] as usize] != 0 {
        return None;
    }
    let found = Found {
        start,
        end,
        ip: IpAddr::V4(ip),
        colons: Colons::Plain,
    };
    Some((found, k))
}

/// The IPv6 literal whose first colon is at `j` when it stands alone: one to four hex digits
/// before `j` preceded by a byte that belongs neither to an address nor to a word, then groups of
/// one to four hex digits joined by single colons and at most one `::`, making a whole address
/// (eight groups, or at most seven around the `::`), followed by a byte that cannot belong to an
/// address, or the end. The general path's run is then exactly this literal, and the longest valid
/// IPv6 prefix of it is all of it: it would find just this. Anything else (a dotted tail, a zone, a
/// fifth hex digit, a leading `::`, `%3A`) is left to the general path.
#[inline(always)]
fn lone_v6(line: &[u8], j: usize, prev: u8) -> Option<Found> {
    let n = line.len();
    let hex = |k: usize| HEX_VALUE[line[k] as usize];
    let mut start = j;
    while start > 0 && j - start < 4 && hex(start - 1) < 16 {
        start -= 1;
    }
    let before = if start == 0 { prev } else { line[start - 1] };
    if start == j || CLASS[before as usize] != 0 || is_word(before) {
        return None;
    }
    let mut groups = [0u16; 8];
    let (mut count, mut gap) = (0, None);
    let mut i = start;
    loop {
        let group = i;
        let mut v = 0u16;
        while i < n && i - group < 4 && hex(i) < 16 {
            v = (v << 4) | hex(i) as u16;
            i += 1;
        }
        if i == group || count == 8 {
            return None;
        }
        groups[count] = v;
        count += 1;
        if i >= n || line[i] != b':' {
            break;
        }
        i += 1;
        if i < n && line[i] == b':' {
            if gap.is_some() {
                return None;
            }
            gap = Some(count);
            i += 1;
            if i >= n || hex(i) > 15 {
                break; // the literal ends with `::`
            }
        }
    }
    if i < n && CLASS[line[i] as usize] != 0 {
        return None;
    }
    // Eight groups, or at most seven around the `::`.
    if (gap.is_none() && count != 8) || (gap.is_some() && count > 7) {
        return None;
    }
    Some(Found {
        start,
        end: i,
        ip: IpAddr::V6(expand_gap(groups, count, gap)),
        colons: Colons::Plain,
    })
}

/// The reverse-DNS name whose labels end just before `at`, where `in-addr.arpa` or `ip6.arpa`
/// (any case) must start; the byte before `at` is the dot between labels and suffix.
fn reverse_name(s: &[u8], at: usize) -> Option<Found> {
    let suffix = |w: &[u8]| {
        s.get(at..at + w.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(w))
    };
    let end = at - 1; // the labels end before this dot
    if suffix(b"in-addr.arpa") {
        // Four decimal labels `d.c.b.a`: the last label is the address's first octet.
        let mut octets = [0u8; 4];
        let mut i = end;
        for (k, octet) in octets.iter_mut().enumerate() {
            if k > 0 {
                if i == 0 || s[i - 1] != b'.' {
                    return None; // fewer than four labels: a network of at most /24
                }
                i -= 1;
            }
            let label_end = i;
            while i > 0 && s[i - 1].is_ascii_digit() {
                i -= 1;
            }
            let label = &s[i..label_end];
            if label.is_empty() || label.len() > 3 {
                return None;
            }
            let v = label.iter().fold(0u32, |a, &d| a * 10 + (d - b'0') as u32);
            *octet = u8::try_from(v).ok()?;
        }
        let ip = IpAddr::V4(Ipv4Addr::from(octets));
        return Some(Found {
            start: i,
            end,
            ip,
            colons: Colons::ReverseV4,
        });
    }
    if suffix(b"ip6.arpa") {
        // Up to 32 one-nibble labels, least significant first.
        let (mut i, mut nibbles, mut value, mut start) = (end, 0u32, 0u128, end);
        while nibbles < 32 && i > 0 {
            let Some(nib) = hex_val(s[i - 1]) else { break };
            if i >= 2 && s[i - 2] != b'.' && is_address_byte(s[i - 2]) {
                break; // a label longer than one nibble
            }
            value |= (nib as u128) << (4 * (31 - nibbles));
            nibbles += 1;
            start = i - 1;
            if i >= 2 && s[i - 2] == b'.' {
                i -= 2;
            } else {
                break;
            }
        }
        if nibbles == 0 {
            return None;
        }
        let ip = IpAddr::V6(Ipv6Addr::from(value));
        return Some(Found {
            start,
            end,
            ip,
            colons: Colons::ReverseV6(nibbles as u8),
        });
    }
    None
}

/// True when `s[i..]` starts with `d{1,3}.d{1,3}.d`: the rest of a dotted quad after its first dot.
#[inline(always)]
fn two_more_octets(s: &[u8], mut i: usize) -> bool {
    for _ in 0..2 {
        let start = i;
        while i < s.len() && i - start < 3 && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i >= s.len() || s[i] != b'.' {
            return false;
        }
        i += 1;
    }
    i < s.len() && s[i].is_ascii_digit()
}

/// Position of the next `.`, `:` or `%` at or after `i`.
#[inline(always)]
fn next_separator(line: &[u8], i: usize) -> Option<usize> {
    crate::bytes::find_separator(line, i)
}

#[inline(always)]
fn pct_colon_at(s: &[u8], i: usize) -> bool {
    i + 2 < s.len() && s[i] == b'%' && s[i + 1] == b'3' && (s[i + 2] | 0x20) == b'a'
}

/// Length of the colon at `i` (1 for `:`, 3 for `%3A`), or 0 if none.
#[inline(always)]
fn colon_len(s: &[u8], i: usize, end: usize) -> usize {
    if i < end && s[i] == b':' {
        1
    } else if i + 2 < end && pct_colon_at(s, i) {
        3
    } else {
        0
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn scan_run(
    line: &[u8],
    start: usize,
    end: usize,
    prev: u8,
    try_v6: bool,
    f: &mut impl FnMut(Found),
) {
    let mut p = start;
    while p < end {
        let before = if p == 0 { prev } else { line[p - 1] };
        let v6_candidate = try_v6
            && if p == start {
                !is_word(before)
            } else {
                before == b':' || (p >= 3 && pct_colon_at(line, p - 3))
            };
        if v6_candidate && let Some((e, ip, colons)) = parse_v6(line, p, end) {
            f(Found {
                start: p,
                end: e,
                ip: IpAddr::V6(ip),
                colons,
            });
            p = e;
            continue;
        }
        if line[p].is_ascii_digit()
            && !before.is_ascii_digit()
            && let Some((e, ip)) = parse_v4(line, p, end)
        {
            f(Found {
                start: p,
                end: e,
                ip: IpAddr::V4(ip),
                colons: Colons::Plain,
            });
            p = e;
            continue;
        }
        p += 1;
    }
}

/// Parses a dotted quad at `i`; it must not be followed by another digit.
#[inline(always)]
fn parse_v4(s: &[u8], mut i: usize, end: usize) -> Option<(usize, Ipv4Addr)> {
    // One bounds check per byte: `t.get` against the end of the run.
    let t = &s[..end];
    let digit = |i: usize| match t.get(i) {
        Some(&b) if b.is_ascii_digit() => Some((b - b'0') as u32),
        _ => None,
    };
    let mut octets = [0u8; 4];
    for (k, octet) in octets.iter_mut().enumerate() {
        if k > 0 {
            if t.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
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
    Some((i, Ipv4Addr::from(octets)))
}

fn hex_val(b: u8) -> Option<u16> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u16),
        b'a'..=b'f' => Some((b - b'a' + 10) as u16),
        b'A'..=b'F' => Some((b - b'A' + 10) as u16),
        _ => None,
    }
}

/// Each byte's hex digit value, or 16 for bytes that are not hex digits.
static HEX_VALUE: [u8; 256] = {
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

/// Parses the longest valid IPv6 literal starting at `i` (within `end`).
fn parse_v6(s: &[u8], i0: usize, end: usize) -> Option<(usize, Ipv6Addr, Colons)> {
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
            && let Some((e, v4)) = parse_v4(t, start, end)
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
        if (gap.is_some() && n <= 7) || n == 8 {
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
    let colons = if pct { Colons::Percent } else { Colons::Plain };
    Some((e, expand_gap(g, n, gap), colons))
}

/// The address of `count` parsed groups with `::` standing before group `gap` (zeros fill it).
#[inline(always)]
fn expand_gap(groups: [u16; 8], count: usize, gap: Option<usize>) -> Ipv6Addr {
    let Some(at) = gap else {
        return Ipv6Addr::from(groups);
    };
    let mut full = [0u16; 8];
    full[..at].copy_from_slice(&groups[..at]);
    full[8 - (count - at)..].copy_from_slice(&groups[at..count]);
    Ipv6Addr::from(full)
}

/// Appends the text of `ip` to `out`, writing IPv6 colons in the given style.
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
fn write_ip_other(out: &mut Vec<u8>, ip: IpAddr, colons: Colons) {
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

/// Each octet's decimal text, padded to three bytes, and its length in the fourth byte.
static DECIMAL: [[u8; 4]; 256] = {
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
fn hex_group(v: u16) -> ([u8; 4], usize) {
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
fn write_v4(out: &mut Vec<u8>, a: Ipv4Addr) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn find(s: &str) -> Vec<(String, String)> {
        let mut v = Vec::new();
        find_each(s.as_bytes(), b'\n', |f| {
            v.push((s[f.start..f.end].to_string(), f.ip.to_string()))
        });
        v
    }

    fn texts(s: &str) -> Vec<String> {
        find(s).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn finds_every_textual_form() {
        let table: &[(&str, &[&str])] = &[
            ("192.0.2.1 - - [x]", &["192.0.2.1"]),
            ("from 192.0.2.44:51234 ok", &["192.0.2.44"]),
            ("[2001:db8::44]:443", &["2001:db8::44"]),
            ("client 198.51.100.3#53", &["198.51.100.3"]),
            ("client 2001:db8::3#53", &["2001:db8::3"]),
            ("fe80::1%eth0 up", &["fe80::1"]),
            ("X 2001:DB8::ABCD y", &["2001:DB8::ABCD"]),
            ("m ::ffff:192.0.2.99 n", &["::ffff:192.0.2.99"]),
            ("m ::FFFF:203.0.113.5:80 n", &["::FFFF:203.0.113.5"]),
            ("2001:db8:1:2:3:4:5:6", &["2001:db8:1:2:3:4:5:6"]),
            ("2001:db8:1:2:3:4:5:6:7", &["2001:db8:1:2:3:4:5:6"]),
            ("GET /r?to=http://203.0.113.77/x", &["203.0.113.77"]),
            ("?ip=192.0.2.201&x=1", &["192.0.2.201"]),
            ("?addr=2001%3Adb8%3A%3A77&z", &["2001%3Adb8%3A%3A77"]),
            (
                "203.0.113.9, 198.51.100.23,2001:db8:aa::17",
                &["203.0.113.9", "198.51.100.23", "2001:db8:aa::17"],
            ),
            ("\"ip\":\"192.0.2.8\"}", &["192.0.2.8"]),
            ("a1.2.3.4", &["1.2.3.4"]),
            ("v=1.2.3.4.5", &["1.2.3.4"]),
            ("xff:2001:db8::1", &["2001:db8::1"]),
            ("::1", &["::1"]),
            ("::", &["::"]),
            ("2001:db8::1/64", &["2001:db8::1"]),
            ("2001:db8::1:", &["2001:db8::1"]),
            ("::192.0.2.1", &["::192.0.2.1"]),
        ];
        for (line, want) in table {
            assert_eq!(texts(line), *want, "line {line:?}");
        }
    }

    #[test]
    fn leaves_non_addresses_alone() {
        for line in [
            "[10/Oct/2026:13:55:36 +0000]",
            "2026-11-01T13:55:36.123Z",
            "std::vector<int> Foo::Bar",
            "00:1a:2b:3c:4d:5e",
            "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.6099.109 Safari/537.36",
            "1234.1.2.3",
            "1.2.3.1234",
            "256.1.2.3",
            "12:34:56.789",
            "deadbeef cafe",
            "100%3Aoff",
            "%%%3",
        ] {
            assert_eq!(texts(line), Vec::<String>::new(), "line {line:?}");
        }
    }

    #[test]
    fn values_are_parsed() {
        let v = find("x ::ffff:192.0.2.99 2001:DB8:0:0:0:0:0:ABCD 2001%3adb8%3A%3A77 010.0.0.1");
        let ips: Vec<&str> = v.iter().map(|(_, ip)| ip.as_str()).collect();
        assert_eq!(
            ips,
            [
                "::ffff:192.0.2.99",
                "2001:db8::abcd",
                "2001:db8::77",
                "10.0.0.1"
            ]
        );
    }

    #[test]
    fn prev_byte_context_applies_at_piece_start() {
        let mut n = 0;
        find_each(b"::1 x", b'd', |_| n += 1);
        assert_eq!(n, 0, "`d::1` glued to a word must not start an address");
        find_each(b"::1 x", b' ', |_| n += 1);
        assert_eq!(n, 1);
    }

    #[test]
    fn write_ip_styles() {
        let mut out = Vec::new();
        write_ip(&mut out, "192.0.2.0".parse().unwrap(), Colons::Plain);
        out.push(b' ');
        write_ip(&mut out, "2001:db8::".parse().unwrap(), Colons::Percent);
        out.push(b' ');
        write_ip(&mut out, "::ffff:192.0.2.0".parse().unwrap(), Colons::Plain);
        assert_eq!(out, b"192.0.2.0 2001%3Adb8%3A%3A ::ffff:192.0.2.0");
    }

    #[test]
    fn ipv6_text_equals_std_display() {
        let mut x: u128 = 0x2001_0db8_0000_0000_0000_0000_0000_0001;
        let mut seen = 0;
        for k in 0..20_000u32 {
            // Addresses rich in zero groups: runs of every length at every position.
            x = x
                .wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
                .wrapping_add(k as u128);
            let mask = (0..8).fold(0u128, |m, i| {
                if (x >> (i * 7)) & 1 == 1 {
                    m | (0xffffu128 << (16 * i))
                } else {
                    m
                }
            });
            let a = Ipv6Addr::from(x & mask);
            for ip in [
                a,
                Ipv6Addr::from(k as u128),
                Ipv6Addr::from((k as u128) << 96),
            ] {
                let mut out = Vec::new();
                write_ip(&mut out, IpAddr::V6(ip), Colons::Plain);
                assert_eq!(String::from_utf8(out).unwrap(), ip.to_string());
                seen += 1;
            }
        }
        assert_eq!(seen, 60_000);
    }

    #[test]
    fn reverse_dns_names() {
        let full6 = "4.3.2.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
        let cases = [
            ("ptr 4.3.2.1.in-addr.arpa. x", Some(("4.3.2.1", "1.2.3.4"))),
            (
                "ptr 55.100.51.198.IN-ADDR.ARPA",
                Some(("55.100.51.198", "198.51.100.55")),
            ),
            ("q 9.4.3.2.1.in-addr.arpa", Some(("4.3.2.1", "1.2.3.4"))),
            ("zone 2.0.192.in-addr.arpa", None),
            ("zone 1000.2.0.192.in-addr.arpa", None),
        ];
        for (line, want) in cases {
            let got = find(line).into_iter().next();
            assert_eq!(
                got,
                want.map(|(t, ip)| (t.to_string(), ip.to_string())),
                "{line}"
            );
        }
        let line = format!("PTR {full6}.ip6.arpa");
        assert_eq!(
            find(&line),
            [(full6.to_string(), "2001:db8::1234".to_string())]
        );
        let partial = "x 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
        let got = find(partial);
        assert_eq!(
            got,
            [(
                "1.0.0.0.8.b.d.0.1.0.0.2".to_string(),
                "2001:db8:1::".to_string()
            )]
        );
        assert!(find("x ab.ip6.arpa").is_empty());

        let mut out = Vec::new();
        write_ip(&mut out, "1.2.3.0".parse().unwrap(), Colons::ReverseV4);
        assert_eq!(out, b"0.3.2.1");
        out.clear();
        write_ip(
            &mut out,
            "2001:db8:1::".parse().unwrap(),
            Colons::ReverseV6(12),
        );
        assert_eq!(out, b"1.0.0.0.8.b.d.0.1.0.0.2");
    }

    /// The straightforward parser [`parse_v6`] must agree with: the previous implementation, kept
    /// as a differential oracle for the tuned one (same results on random and edge inputs).
    fn parse_v6_reference(s: &[u8], i0: usize, end: usize) -> Option<(usize, Ipv6Addr, Colons)> {
        let mut groups = [0u16; 8];
        let mut n = 0usize; // groups parsed
        let mut gap: Option<usize> = None; // index where `::` stands
        let mut pct = false;
        let mut i = i0;
        // Best (longest) valid literal so far: (end, groups, n, gap).
        let mut best: Option<(usize, [u16; 8], usize, Option<usize>)> = None;

        let c1 = colon_len(s, i, end);
        if c1 > 0 {
            let c2 = colon_len(s, i + c1, end);
            if c2 == 0 {
                return None;
            }
            pct |= c1 == 3 || c2 == 3;
            i += c1 + c2;
            gap = Some(0);
            best = Some((i, groups, n, gap));
        }
        loop {
            // A dotted IPv4 tail may take the last two groups.
            let room_for_tail = if gap.is_some() {
                n + 2 <= 7
            } else {
                n + 2 == 8
            };
            if room_for_tail && let Some((e, v4)) = parse_v4(s, i, end) {
                let o = v4.octets();
                groups[n] = u16::from_be_bytes([o[0], o[1]]);
                groups[n + 1] = u16::from_be_bytes([o[2], o[3]]);
                n += 2;
                best = Some((e, groups, n, gap));
                break;
            }
            let mut v: u16 = 0;
            let mut digits = 0;
            while i < end && digits < 4 {
                match hex_val(s[i]) {
                    Some(h) => {
                        v = (v << 4) | h;
                        i += 1;
                        digits += 1;
                    }
                    None => break,
                }
            }
            if digits == 0 || (i < end && hex_val(s[i]).is_some()) {
                break; // no group, or a fifth hex digit: the literal ended before
            }
            groups[n] = v;
            n += 1;
            if (gap.is_some() && n <= 7) || n == 8 {
                best = Some((i, groups, n, gap));
            }
            if n == 8 {
                break;
            }
            let c = colon_len(s, i, end);
            if c == 0 {
                break;
            }
            let c2 = colon_len(s, i + c, end);
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
        let mut full = [0u16; 8];
        match gap {
            Some(at) => {
                full[..at].copy_from_slice(&g[..at]);
                let tail = n - at;
                full[8 - tail..].copy_from_slice(&g[at..n]);
            }
            None => full = g,
        }
        let colons = if pct { Colons::Percent } else { Colons::Plain };
        Some((e, Ipv6Addr::from(full), colons))
    }

    fn all(line: &[u8], prev: u8, fast: bool) -> Vec<Found> {
        let mut v = Vec::new();
        if fast {
            find_each_with::<true>(line, prev, |f| v.push(f));
        } else {
            find_each_with::<false>(line, prev, |f| v.push(f));
        }
        v
    }

    #[test]
    fn shortcuts_agree_with_the_general_path_on_the_edges() {
        for line in [
            "a 192.0.2.1:80 b",
            "192.0.2.1:80:1",
            "192.0.2.1:8a",
            "192.0.2.1:",
            "x192.0.2.1 1234.0.2.1 1.2.3.4.5 ::1.2.3.4 1.2.3.4%3A1",
            "1.2.3.4#53 [1.2.3.4]:5 (1.2.3.4) 256.1.1.1 1.2.3.999",
            "7.7.7.7:1:2:3:4:5:6:7",
            "[10/Oct/2026:13:55:36 +0000] 13:55:36.123 x",
            "1:2:3:4:5:6 1:2:3:4:5:6:7 12:34:56.7.8 12:34:: 1:2:3:4:5:6.1.2.3",
            "13:55:36.1a 13:55:36%3A1 a13:55 13:55a 12345:1 1:12345",
            "2001:db8::1 [2001:db8::1]:53 2001:db8::1#53 x2001:db8::1 _1::2 1::2::3 1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9 1:2:3:4::5:6:7:8 1:2:3:4:5:6:7:: 1:: 1::: 1:2 1:2: fe80::1%eth0",
            "2001:db8::1.2.3.4 2001:db8::1g 2001:db8::12345 ABCD:EF01::1 2001:db8::%3A1 -1::1-",
        ] {
            assert_eq!(
                all(line.as_bytes(), b'\n', true),
                all(line.as_bytes(), b'\n', false),
                "{line}"
            );
        }
        assert_eq!(all(b"2.3.4:1", b'1', true), all(b"2.3.4:1", b'1', false));
        for v6 in [
            "1::2:3:4:5:6:1.2.3.4",
            "1::2:3:4:5:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4",
            "::ffff:1.2.3.4:80",
            "1:2:3:4:5:6:7:8:9",
            "12345::1",
            "1::2::3",
            "2001:db8::1.2",
            "2001%3Adb8%3A%3A1",
            "fe80::1a.2.3.4",
        ] {
            let b = v6.as_bytes();
            for k in 0..b.len() {
                assert_eq!(
                    parse_v6(b, k, b.len()),
                    parse_v6_reference(b, k, b.len()),
                    "{v6} at {k}"
                );
            }
        }
    }

    proptest::proptest! {
        /// The shortcuts never change what is found (bytes drawn to make quads, ports, runs).
        #[test]
        fn shortcuts_agree_with_the_general_path(
            tokens in proptest::collection::vec(proptest::sample::select(vec![
                "192.0.2.1", "192.0.2.1", "1.2.3", "256.1.1.1", "1", "1234", ".", ":", ":80",
                "::", "2001:db8::1", " ", " ", "#", "a", "%3A", "%", "[", "]", "x", "ffff",
                "1:2:3:4:5:6", "ABCDE", "13:55:36", "13:55:36.123", "2026:13:55", ":5", "12345",
                "2001:db8:419c:591c::196a", "1:2:3:4:5:6:7:8", "::1", "_", "g", "dB8:",
            ]), 0..30),
            prev in proptest::sample::select(b"\n1a:. ".to_vec()),
        ) {
            let line = tokens.concat().into_bytes();
            proptest::prop_assert_eq!(all(&line, prev, true), all(&line, prev, false));
            for k in 0..line.len() {
                proptest::prop_assert_eq!(
                    parse_v6(&line, k, line.len()),
                    parse_v6_reference(&line, k, line.len())
                );
            }
        }
    }

    #[test]
    fn hex_groups_match_the_formatter() {
        for v in 0..=u16::MAX {
            let (text, digits) = hex_group(v);
            assert_eq!(&text[..digits], format!("{v:x}").as_bytes(), "{v:#x}");
        }
    }

    #[test]
    fn hostile_runs_are_bounded() {
        let s = "1:".repeat(100_000) + &"1.".repeat(100_000);
        let mut n = 0;
        find_each(s.as_bytes(), b'\n', |_| n += 1);
        assert!(n > 0);
    }
}
