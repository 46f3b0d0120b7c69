//! Finding address literals anywhere in a line, in every textual form.
//!
//! This is the fail-closed half of anonymization: whatever a format parser understood or not,
//! every byte of the line passes through [`find_each`], which finds IPv4 and IPv6 literals and
//! hands each to a rewriting callback. The forms it recognises:
//!
//! * bare IPv4 (`192.0.2.1`, leading zeros allowed) and IPv6 in any RFC 4291 text form, upper or
//!   lower case, compressed or full, with an embedded dotted IPv4 tail (`::ffff:192.0.2.1`);
//! * with a port or zone glued on: `ip:port`, `[v6]:port`, `ip#port`, `ip/port`, `v6%eth0`
//!   (the port or zone stays, only the address is rewritten);
//! * inside URLs, query strings, referrers, JSON strings, X-Forwarded-For lists (`a,b`, `a, b`);
//! * IPv6 whose colons and IPv4 whose dots are percent-encoded (`2001%3Adb8%3A%3A1`,
//!   `192%2E0%2E2%2E1`), as in query strings;
//! * reverse-DNS names (`17.2.0.192.in-addr.arpa`, `ip6.arpa` nibbles);
//! * right after an escape whose last character would glue to the address: `%20192.0.2.1`,
//!   `%2520…` (double-encoded), `\x22192.0.2.1` (nginx), `\u0001192.0.2.1` (JSON), `%u0022…`
//!   (IIS), `%5B2001:db8::1%5D`.
//!
//! How it works, and why it is fast: every literal contains a `.`, a `:` or a `%`, so the scan
//! jumps between those bytes ([`crate::bytes::find_separator`], 16 at a time) and ignores the
//! rest of the line. At a separator whose neighbours could belong to an address (a digit before a
//! dot with two more octets after it, a hex digit or colon beside a colon, `%3A`, `%2E` between
//! digits), the surrounding *run* of address bytes (`0-9 a-f A-F : .`, `%3A`, `%2E`) is measured
//! once, and examined only when it could hold IPv6 (`::`, or at least six colons) or IPv4 (three
//! dots): the `13:55:36` of a timestamp costs nothing. A lone quad or IPv6 literal and a clock
//! take shortcuts that a property test holds to what the general path finds.
//!
//! Where a literal starts inside a run is the fail-closed part (`scan_run`):
//! * the hex digits of an escape that ends at the run are text, not address: the escape is a
//!   boundary, as it is in the decoded text (`escape_len`);
//! * digits glued before a dotted quad some other way (`1234.1.2.3`, `256.1.2.3`) are left out
//!   of its first octet: whatever the first octet was, the host octets are the ones rewritten;
//! * hex digits glued before IPv6 (`ab2001:db8::1`) leave the last four before the first colon
//!   as its first group: starting later would shift the groups and keep bits past the prefix;
//! * IPv6 glued to a word (`x2001:…`, `client_2001:…`) is taken when its first group has four
//!   hex digits or it starts with `::` and holds three groups; shorter ones are identifiers
//!   (`std::vector`, `Foo::Bar`, `ref:2001:…` whose address starts after the colon);
//! * IPv6 is tried before IPv4 and takes the longest valid prefix, so `2001:db8::1:` and
//!   `::ffff:192.0.2.1:80` keep their port; and where one literal ends, the next may begin.
//!
//! Deliberate choices (fail closed wins over tidiness):
//! * An IPv4 quad followed by `.digit` (`1.2.3.4.5`, version strings, OIDs) is still taken as an
//!   address: a false positive costs a rewritten version number, a false negative leaks. A quad
//!   followed by more digits (`1.2.3.4567`) is not: no escape follows what it escapes, and the
//!   rewritten host octet would glue to the digits differently in a second pass.
//! * A rewritten IPv6 literal that touches other address bytes keeps its shape
//!   ([`write_shaped`]), so a second pass over the output splits it exactly as the first did.
//! * A line piece is scanned with the byte that preceded it (`prev`), so a long line cut into
//!   pieces scans the same as whole, provided the cut follows a byte for which [`is_cut_byte`]
//!   holds (not an address byte, nor the `x`/`u` of an escape's lead).

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

/// `t`, whole, as an address in std's syntax (a client field, a word): the common dotted quad
/// without going through `str`, anything else by std's parser. One reading of "this text is an
/// address" for formats, rules and statistics.
pub fn parse_addr(t: &[u8]) -> Option<IpAddr> {
    if let Some(a) = parse_quad(t) {
        return Some(IpAddr::V4(a));
    }
    std::str::from_utf8(t).ok()?.parse().ok()
}

/// A dotted quad exactly as std writes one (no leading zero), without going through `str`.
fn parse_quad(t: &[u8]) -> Option<Ipv4Addr> {
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

/// True for bytes that may appear inside an address literal (used to choose safe cut points).
pub fn is_address_byte(b: u8) -> bool {
    CLASS[b as usize] != 0
}

/// How a literal was written, so that a rewrite can be written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colons {
    /// As usual (IPv6 colons as `:`, IPv4 dots as `.`).
    Plain,
    /// IPv6 with colons as `%3A` / `%3a`; IPv4 with dots as `%2E` / `%2e`.
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
    /// How its separators were written (IPv6 colons, IPv4 dots), or which reverse-DNS name.
    pub colons: Colons,
    /// It touches other address bytes: its replacement is written in its own shape
    /// ([`write_shaped`]), so that a second pass splits the line the same way.
    pub shaped: bool,
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
            // `%3A` (a colon), or `%2E` (a dot) between digits.
            _ => {
                pct_colon_at(line, j)
                    || (pct_dot_at(line, j)
                        && j > 0
                        && line[j - 1].is_ascii_digit()
                        && line.get(j + 3).is_some_and(u8::is_ascii_digit))
            }
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
            if c == 0 || (c == C_PCT && pct_sep_len(line, rs - 1) == 0) {
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
            } else if c == C_PCT && pct_dot_at(line, i) {
                dots += 1;
                i += 3;
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
/// (`prev` at the start of `line`) can neither belong to an address nor end an escape
/// ([`is_cut_byte`]: `\x09`, `\u0001` leave the digits to the general path).
#[inline(always)]
fn lone_digits_before(line: &[u8], j: usize, max: usize, prev: u8) -> Option<usize> {
    let mut start = j;
    while start > 0 && j - start < max && line[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let before = if start == 0 { prev } else { line[start - 1] };
    (start < j && is_cut_byte(before)).then_some(start)
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
    let (end, ip, pct) = parse_v4(line, start, line.len())?;
    if pct {
        return None; // `%2E` dots: the general path writes them back that way
    }
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
        shaped: false,
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
    if start == j || !is_cut_byte(before) || is_word(before) {
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
        shaped: false,
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
            shaped: false,
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
            shaped: false,
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

/// `%2E` (an encoded dot) at `i`.
#[inline(always)]
fn pct_dot_at(s: &[u8], i: usize) -> bool {
    i + 2 < s.len() && s[i] == b'%' && s[i + 1] == b'2' && (s[i + 2] | 0x20) == b'e'
}

/// 3 when an encoded separator that belongs to a run (`%3A`, `%2E`) is at `i`, else 0.
#[inline(always)]
fn pct_sep_len(s: &[u8], i: usize) -> usize {
    if pct_colon_at(s, i) || pct_dot_at(s, i) {
        3
    } else {
        0
    }
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

#[inline(always)]
fn is_hex(b: u8) -> bool {
    HEX_VALUE[b as usize] < 16
}

/// How many bytes at `start`, the first byte of a run, are the hex digits of an escape that
/// ends there: `%20`, `%2520` (double-encoded), `\x22` (nginx), `\u0022` (JSON), `%u0022`
/// (IIS). Their digits glue to the address that follows (`%20192.0.2.1`), but they are text.
/// Looks at most two bytes back: `prev` stands for the byte before `line`, and a long line is
/// never cut right after an `x` or a `u` ([`is_cut_byte`]).
#[inline(always)]
fn escape_len(line: &[u8], start: usize, end: usize, prev: u8) -> usize {
    let back = |k: usize| match start.checked_sub(k) {
        Some(i) => line[i],
        None if start + 1 == k => prev,
        None => b'\n',
    };
    let hex_from = |n: usize| start + n <= end && line[start..start + n].iter().all(|&b| is_hex(b));
    match back(1) {
        b'%' => {
            // `%25` followed by two more hex digits: an escaped `%`, i.e. a double-encoded escape.
            let mut k = start;
            while k + 4 <= end
                && line[k] == b'2'
                && line[k + 1] == b'5'
                && is_hex(line[k + 2])
                && is_hex(line[k + 3])
            {
                k += 2;
            }
            if k + 2 <= end && is_hex(line[k]) && is_hex(line[k + 1]) {
                k + 2 - start
            } else {
                0
            }
        }
        b'x' if back(2) == b'\\' && hex_from(2) => 2,
        b'u' if matches!(back(2), b'\\' | b'%') && hex_from(4) => 4,
        _ => 0,
    }
}

/// True for a byte after which a long line may be cut: it cannot belong to an address, and the
/// finder's decision about what follows it needs no byte before it (see `escape_len`).
#[inline(always)]
pub fn is_cut_byte(b: u8) -> bool {
    CUT[b as usize]
}

/// [`is_cut_byte`] for every byte: one load on the hot path.
static CUT: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = CLASS[i] == 0 && i as u8 != b'x' && i as u8 != b'u';
        i += 1;
    }
    t
};

/// Where the first octet of a dotted quad starts when the digits before its first dot,
/// `line[p..q]`, are more than an octet (`20192.0.2.1` after `%20`, `256.1.2.3`): the longest
/// suffix of at most three digits that is an octet written without a leading zero. Such digits
/// are glued to the address by an escape or a mangled field; whatever the first octet really
/// was, the host octets are these, so every reading rewrites them (fail closed), and this one
/// keeps every other byte as it was.
fn glued_octet_start(line: &[u8], p: usize, q: usize) -> usize {
    for k in (2..=3.min(q - p)).rev() {
        let s = q - k;
        let v = line[s..q]
            .iter()
            .fold(0u32, |a, &d| a * 10 + (d - b'0') as u32);
        if line[s] != b'0' && v <= 255 {
            return s;
        }
    }
    q - 1
}

/// Finds the literals in the run `line[start..end]` (address bytes only).
///
/// Where a literal may start, and why (the fail-closed rules; the module doc says them too):
/// * the run start, after the digits of an escape that ends there ([`escape_len`]);
/// * right after a literal found in this run: where one ends and the next begins is decided
///   once, so a second pass over the rewritten line finds the same boundaries;
/// * IPv6: after a colon; and the last four hex digits before a colon when more hex digits
///   precede them (`ab2001:db8::1`, `%5B2001:…` read as text). A candidate glued to a word
///   (`x2001:db8::1`, `client_2001:…`) is taken when its first group has four hex digits, or
///   when it starts with `::` and holds three groups or more; shorter ones are identifiers
///   (`std::vector`, `Foo::Bar`, `ref:2001:…`, whose address starts after the colon);
/// * IPv4: a digit after a non-digit; digits glued before the first octet are left out
///   ([`glued_octet_start`]).
#[inline(never)] // rare (a run no shortcut took): kept out of the hot loop's registers
fn scan_run(
    line: &[u8],
    start: usize,
    end: usize,
    prev: u8,
    try_v6: bool,
    f: &mut impl FnMut(Found),
) {
    let skip = escape_len(line, start, end, prev);
    let first = start + skip;
    let before_run = if start == 0 { prev } else { line[start - 1] };
    let mut after = usize::MAX; // where the last literal found in this run ended
    let mut p = first;
    while p < end {
        let before = if p == 0 { prev } else { line[p - 1] };
        let after_colon = before == b':' || (p >= 3 && pct_colon_at(line, p - 3));
        let boundary = p == first || p == after;
        if try_v6 && (boundary || after_colon) {
            let clean = after_colon || p == after || skip > 0 || !is_word(before_run);
            let hex = line[p..end].iter().take_while(|&&b| is_hex(b)).count();
            let (s, glued) = if hex > 4 && colon_len(line, p + hex, end) > 0 {
                (p + hex - 4, true)
            } else {
                (p, !clean)
            };
            if let Some(v6) = parse_v6(line, s, end)
                && (!glued || hex >= 4 || (hex == 0 && v6.groups >= 3))
            {
                let found = Found {
                    start: s,
                    end: v6.end,
                    ip: IpAddr::V6(v6.ip),
                    colons: v6.colons,
                    shaped: false,
                };
                f(Found {
                    shaped: touches(line, prev, &found),
                    ..found
                });
                p = v6.end;
                after = p;
                continue;
            }
        }
        if line[p].is_ascii_digit() && (p == first || !before.is_ascii_digit()) {
            let q = p + line[p..end]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let mut s = p;
            if q - p > 1 && (line.get(q) == Some(&b'.') || pct_dot_at(line, q)) {
                let v = line[p..q.min(p + 4)]
                    .iter()
                    .fold(0u32, |a, &d| a * 10 + (d - b'0') as u32);
                if q - p > 3 || v > 255 {
                    s = glued_octet_start(line, p, q);
                }
            }
            if let Some((e, ip, pct)) = parse_v4(line, s, end) {
                let found = Found {
                    start: s,
                    end: e,
                    ip: IpAddr::V4(ip),
                    colons: if pct { Colons::Percent } else { Colons::Plain },
                    shaped: false,
                };
                f(Found {
                    shaped: touches(line, prev, &found),
                    ..found
                });
                p = e;
                after = p;
                continue;
            }
        }
        p += 1;
    }
}

/// Parses a dotted quad at `i`; it must not be followed by another digit. Its dots may be
/// written `%2E` (then the third value is true).
#[inline(always)]
fn parse_v4(s: &[u8], mut i: usize, end: usize) -> Option<(usize, Ipv4Addr, bool)> {
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

/// An IPv6 literal parsed by [`parse_v6`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct V6 {
    end: usize,
    ip: Ipv6Addr,
    colons: Colons,
    /// Groups written (a dotted tail counts two).
    groups: usize,
}

/// Parses the longest valid IPv6 literal starting at `i` (within `end`).
fn parse_v6(s: &[u8], i0: usize, end: usize) -> Option<V6> {
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
fn expand_gap(groups: [u16; 8], count: usize, gap: Option<usize>) -> Ipv6Addr {
    let Some(at) = gap else {
        return Ipv6Addr::from(groups);
    };
    let mut full = [0u16; 8];
    full[..at].copy_from_slice(&groups[..at]);
    full[8 - (count - at)..].copy_from_slice(&groups[at..count]);
    Ipv6Addr::from(full)
}

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

/// True when the literal `f` of `line` touches other address bytes (`prev` stands before
/// `line`): a hex digit, digit, colon, dot, `%3A` or `%2E` right before (unless an escape ends
/// there) or after it. Written in canonical form, such a literal could join its neighbours into
/// another literal (`2E092.0.2.3` written `2E92.0.2.0` glues `2E92` into an IPv6 group), so that
/// a second pass would read the line differently: [`write_shaped`] keeps its shape.
fn touches(line: &[u8], prev: u8, f: &Found) -> bool {
    const ADDR: u8 = C_DIGIT | C_HEXALPHA | C_COLON | C_DOT;
    let before = if f.start == 0 {
        prev
    } else {
        line[f.start - 1]
    };
    let after = line.get(f.end).copied().unwrap_or(b' ');
    // An IPv4 `:port` standing alone is no neighbour: nothing it holds can join the quad (the
    // shortcut for a lone quad takes the same view).
    let port = || {
        let digits = line[f.end + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        digits > 0
            && line
                .get(f.end + 1 + digits)
                .is_none_or(|&b| CLASS[b as usize] == 0)
    };
    (CLASS[before as usize] & ADDR != 0 && !escape_ends_at(line, prev, f.start))
        || (f.start >= 3 && pct_sep_len(line, f.start - 3) == 3)
        || (CLASS[after as usize] & ADDR != 0 && !(after == b':' && f.ip.is_ipv4() && port()))
        || pct_sep_len(line, f.end) == 3
}

/// True when an escape ([`escape_len`]) ends right before `at`: a boundary in every pass.
fn escape_ends_at(line: &[u8], prev: u8, at: usize) -> bool {
    let mut q = at;
    while q > 0 && is_hex(line[q - 1]) {
        q -= 1;
    }
    q < at && escape_len(line, q, at, prev) == at - q
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
    match new {
        IpAddr::V4(a) if text.len() >= 7 => {
            let old = match parse_v4(text, 0, text.len()) {
                Some((e, v, _)) if e == text.len() => v,
                _ => return false,
            };
            write_octets_shaped(out, text, old, a);
            true
        }
        IpAddr::V6(a) => write_v6_shaped(out, text, a, dot_after),
        IpAddr::V4(_) => false,
    }
}

/// The dotted quad `text` (value `old`) rewritten to `new`: separators and unchanged octets
/// copied, changed octets written anew.
fn write_octets_shaped(out: &mut Vec<u8>, text: &[u8], old: Ipv4Addr, new: Ipv4Addr) {
    let (o, n) = (old.octets(), new.octets());
    let mut i = 0;
    for k in 0..4 {
        if k > 0 {
            let sep = if text[i] == b'.' { 1 } else { 3 };
            out.extend_from_slice(&text[i..i + sep]);
            i += sep;
        }
        let start = i;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
        if o[k] == n[k] {
            out.extend_from_slice(&text[start..i]);
        } else {
            let d = DECIMAL[n[k] as usize];
            out.extend_from_slice(&d[..d[3] as usize]);
        }
    }
}

fn write_v6_shaped(out: &mut Vec<u8>, text: &[u8], new: Ipv6Addr, dot_after: bool) -> bool {
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
    let old = match parse_v6(text, 0, n) {
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
        out.extend_from_slice(&text[copied..s]);
        if segs[slot] == old[slot] {
            out.extend_from_slice(&text[s..e]);
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
    out.extend_from_slice(&text[copied..tail.unwrap_or(n)]);
    if let Some(t) = tail {
        let quad = |g: &[u16]| Ipv4Addr::from((u32::from(g[6]) << 16) | u32::from(g[7]));
        write_octets_shaped(out, &text[t..], quad(&old), quad(&segs));
    }
    true
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
            // Digits glued before the first octet are left out (fail closed: the host octets
            // are rewritten whatever the first one was).
            ("1234.1.2.3", &["234.1.2.3"]),
            ("256.1.2.3", &["56.1.2.3"]),
            ("2019.0.2.1 1000.1.2.3", &["19.0.2.1", "0.1.2.3"]),
        ];
        for (line, want) in table {
            assert_eq!(texts(line), *want, "line {line:?}");
        }
    }

    /// Escapes end where the address begins, also when their last character is a digit or a
    /// hex digit that would glue to it (issue 14: lines as nginx and Apache write them).
    #[test]
    fn escapes_are_boundaries() {
        let table: &[(&str, &[&str])] = &[
            (
                "GET /cgi-bin/test.cgi?cmd=ping%20192.0.2.1 HTTP/1.1",
                &["192.0.2.1"],
            ),
            ("/q?ip=%22192.0.2.55%22", &["192.0.2.55"]),
            (
                "x=%40198.51.100.7&y=%26192.0.2.56",
                &["198.51.100.7", "192.0.2.56"],
            ),
            (
                "%28198.51.100.11 /a%09192.0.2.62",
                &["198.51.100.11", "192.0.2.62"],
            ),
            (
                "%2C192.0.2.1%3D192.0.2.2%3A192.0.2.3",
                &["192.0.2.1", "192.0.2.2", "192.0.2.3"],
            ),
            (
                "%2520192.0.2.1 %252520192.0.2.2",
                &["192.0.2.1", "192.0.2.2"],
            ),
            (
                r#""GET /q?ip=\x22192.0.2.57\x22 HTTP/1.1""#,
                &["192.0.2.57"],
            ),
            (
                r#""Bot\x22192.0.2.66" "probe\x09192.0.2.67""#,
                &["192.0.2.66", "192.0.2.67"],
            ),
            (
                r#""\x22192.0.2.61\x22, 198.51.100.12""#,
                &["192.0.2.61", "198.51.100.12"],
            ),
            (
                r#""http_user_agent":"\u0001192.0.2.63" \u0022192.0.2.64"#,
                &["192.0.2.63", "192.0.2.64"],
            ),
            ("%u0022192.0.2.65", &["192.0.2.65"]),
            (
                "&quot;192.0.2.1 &#34;192.0.2.2 &#x22;192.0.2.3",
                &["192.0.2.1", "192.0.2.2", "192.0.2.3"],
            ),
            ("q=ping+192.0.2.1", &["192.0.2.1"]),
            ("%202001:db8::1", &["2001:db8::1"]),
            (
                r#"\x22[2001:db8::1]:443 \x222001:db8::2"#,
                &["2001:db8::1", "2001:db8::2"],
            ),
            (
                "%22::ffff:192.0.2.1 %20192.0.2.9:443",
                &["::ffff:192.0.2.1", "192.0.2.9"],
            ),
            (
                "ref=%5B2001:db8:1234:5678:9abc:def0:1234:5678%5D",
                &["2001:db8:1234:5678:9abc:def0:1234:5678"],
            ),
            (
                "%5B2001:db8:aa:bb::17%5D %5Bdb8::1%5D",
                &["2001:db8:aa:bb::17", "db8::1"],
            ),
            ("xff=%2C%202001:db8:1:2:3:4:5:6", &["2001:db8:1:2:3:4:5:6"]),
            (
                "client_2001:db8:1:2::7 x2001:db8:1:2::8",
                &["2001:db8:1:2::7", "2001:db8:1:2::8"],
            ),
            (
                "ab2001:db8:1:2::9 x::2001:db8:aa:bb:1",
                &["2001:db8:1:2::9", "::2001:db8:aa:bb:1"],
            ),
            (
                "192%2E0%2E2%2E1 2001%3Adb8%3A%3A1",
                &["192%2E0%2E2%2E1", "2001%3Adb8%3A%3A1"],
            ),
            (
                "%20192.0.2.1%2C%20198.51.100.2",
                &["192.0.2.1", "198.51.100.2"],
            ),
        ];
        for (line, want) in table {
            assert_eq!(texts(line), *want, "line {line:?}");
        }
        // Identifiers glued to a short hex group stay what they are.
        for line in [
            "std::vector<int>",
            "Foo::Bar::Baz",
            "std::bad_alloc",
            "x::1",
        ] {
            assert_eq!(texts(line), Vec::<String>::new(), "line {line:?}");
        }
        assert_eq!(texts("ref:2001:db8::1"), ["2001:db8::1"]);
    }

    /// A long line is cut only where what follows needs no byte before the one it carries.
    #[test]
    fn cut_bytes_keep_escapes_whole() {
        let line = br"a \x22192.0.2.57 b \u0001192.0.2.63";
        let whole = all(line, b'\n', true);
        for cut in 1..line.len() {
            if !is_cut_byte(line[cut - 1]) {
                continue;
            }
            let mut parts = all(&line[..cut], b'\n', true);
            parts.extend(
                all(&line[cut..], line[cut - 1], true)
                    .into_iter()
                    .map(|mut f| {
                        f.start += cut;
                        f.end += cut;
                        f
                    }),
            );
            assert_eq!(parts, whole, "cut at {cut}");
        }
        assert_eq!(whole.len(), 2);
    }

    #[test]
    fn leaves_non_addresses_alone() {
        for line in [
            "[10/Oct/2026:13:55:36 +0000]",
            "2026-11-01T13:55:36.123Z",
            "std::vector<int> Foo::Bar",
            "00:1a:2b:3c:4d:5e",
            "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.6099.109 Safari/537.36",
            "1.2.3.1234",
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
            // No reverse name (a label of four digits), so read forward, glued digits left out.
            (
                "zone 1000.2.0.192.in-addr.arpa",
                Some(("0.2.0.192", "0.2.0.192")),
            ),
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
            if room_for_tail && let Some((e, v4, false)) = parse_v4(s, i, end) {
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
            if (gap.is_some() && n <= 7) || (gap.is_none() && n == 8) {
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
                    parse_v6(b, k, b.len()).map(|v| (v.end, v.ip, v.colons)),
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
                "\\x", "\\u", "%u", "u", "%20", "%25", "%2E", "20192.0.2.1",
            ]), 0..30),
            prev in proptest::sample::select(b"\n1a:. ".to_vec()),
        ) {
            let line = tokens.concat().into_bytes();
            proptest::prop_assert_eq!(all(&line, prev, true), all(&line, prev, false));
            for k in 0..line.len() {
                proptest::prop_assert_eq!(
                    parse_v6(&line, k, line.len()).map(|v| (v.end, v.ip, v.colons)),
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
    /// A run of 400,000 address bytes (the worst case for run measuring) is scanned through.
    fn a_very_long_run_is_scanned_through() {
        let s = "1:".repeat(100_000) + &"1.".repeat(100_000);
        let mut n = 0;
        find_each(s.as_bytes(), b'\n', |_| n += 1);
        assert!(n > 0);
    }
}
