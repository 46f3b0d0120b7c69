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
//! * IPv6 cut mid-address by a truncated line or list (five to seven groups, no `::`, a first
//!   group of three or four hex digits: `parse_partial_v6`), read as the prefix it writes;
//! * reverse-DNS names (`17.2.0.192.in-addr.arpa`, `ip6.arpa` nibbles), and a dotted quad
//!   that begins a DNS name (`12.2.0.192.zen.spamhaus.org`), rewritten read both ways;
//! * a dotted quad written with dashes that ends a host name's label
//!   (`ip-192-0-2-11.ec2.internal`, `11-2-0-192.dyn.example`), rewritten read both ways: its
//!   dot has a digit before it and a letter after it, which few dots that are not a quad's
//!   have (versions are followed by digits), so the test costs almost nothing (`dashed_quad`);
//! * right after an escape whose last character would glue to the address: `%20192.0.2.1`,
//!   `%2520…` (double-encoded), `\x22192.0.2.1` (nginx), `\u0001192.0.2.1` (JSON), `%u0022…`
//!   (IIS), `%5B2001:db8::1%5D`;
//! * with its own bytes written as escapes (`%31%39%32.0.2.1`, `%2531…`, `192\u002e0\u002e2…`,
//!   `\x31…`, `%u0031…`), or its separators written both ways (`%3A%3Affff%3A192.0.2.1`): the
//!   run is decoded and scanned as plain text (`scan_escaped_run`); what the rewrite changes
//!   is written plain, the rest stays as written.
//!
//! How it works, and why it is fast: every literal contains a `.`, a `:`, a `%` or (its bytes
//! escaped) a `\`, so the scan jumps between those bytes ([`crate::bytes::find_separator`], 16
//! at a time) and ignores the rest of the line. At a separator whose neighbours could belong to an address (a digit before a
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
//!   holds (not an address byte, nor the `x`/`u` of an escape's lead, nor a `-`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

mod parse;
mod write;

pub use parse::parse_addr;
use parse::*;
pub use write::{write_found, write_ip, write_shaped};

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
    /// As usual (IPv6 colons as `:`, IPv4 dots as `.`).
    Plain,
    /// IPv6 with colons as `%3A` / `%3a`; IPv4 with dots as `%2E` / `%2e`.
    Percent,
    /// A reverse-DNS name `d.c.b.a.in-addr.arpa`: the four labels, reversed.
    ReverseV4,
    /// An RFC 2317 classless reverse name (`77.64/26.2.0.192.in-addr.arpa`): the host label,
    /// the delegation's label (kept as written) and the network labels; written by
    /// `write_found` only, which has the delegation's label.
    ReverseHostV4,
    /// A reverse-DNS name `…ip6.arpa`: this many nibble labels (1–32), least significant first;
    /// fewer than 32 name a prefix, read as an address padded with zeros.
    ReverseV6(u8),
    /// A dotted quad that begins a DNS name's labels (`12.2.0.192.zen.spamhaus.org`,
    /// `192.0.2.1.nip.io`): written as usual, but read both ways when rewritten, since DNS
    /// blocklists write the address reversed and other services forward
    /// (`crate::anonymize::Anonymizer::map_either_way`).
    NameV4,
    /// A dotted quad written with dashes that ends a host name's label
    /// (`ip-192-0-2-11.ec2.internal`, `c-198-51-100-7.hsd1.example.net`, `11-2-0-192.dyn.example`):
    /// rewritten read both ways, as [`Colons::NameV4`], and written with dashes.
    DashV4,
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
    /// Some of its bytes are escapes of address bytes (`%31%39%32.0.2.1`, `192\u002e0…`):
    /// its replacement follows the shape of its decoded text, unchanged octets and groups
    /// copied as written ([`write_found`]).
    pub escaped: bool,
}

/// False when `text` has no digit, `:` or `%`: then it holds no literal the finder takes (every
/// dotted quad and reverse name has digits, every IPv6 form a `:` or `%3A`), and a value such
/// as a registered domain needs no pass (a property test holds this to [`find_each`]).
#[inline]
pub fn may_hold_literal(text: &[u8]) -> bool {
    crate::bytes::has_digit_colon_percent(text)
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
    // Where the last literal found ends: a dashed quad found at its dot or last dash must
    // start at or after it (the scan may have passed its dashes already).
    let taken = std::cell::Cell::new(0);
    let mut f = |found: Found| {
        taken.set(found.end);
        f(found)
    };
    // Every literal holds a `.`, a `:` or a `%3A`: jump from one such byte to the next, and
    // look at the run of address bytes around it only when its neighbours make it plausible.
    while let Some(j) = next_separator(line, pos) {
        let plausible = match line[j] {
            // A `-` between digits may be the last of a dashed quad that ends a label with no
            // dot after it (`ip-192-0-2-77 `, a syslog host or a single-label name; one before
            // a dot is the dot's). Most dashes have no digit on both sides and cost one test.
            b'-' => {
                if j > 0
                    && line[j - 1].is_ascii_digit()
                    && let Some(found) = dashed_quad_ending(line, j, prev)
                    && found.start >= taken.get()
                {
                    pos = found.end;
                    f(found);
                    continue;
                }
                false
            }
            // The first dot of any dotted quad (an IPv6 dotted tail included) has a digit before
            // it and `d{1,3}.d{1,3}.d` after it; later dots of a quad are inside a run already
            // examined. This keeps `5.0`, `HTTP/2.0` and `604.1` from costing a run each.
            // A dot with a digit before it, a letter after it and a `-` close before it may end
            // a host name's label that holds a dashed quad (`ip-192-0-2-11.ec2.internal`).
            b'.' => {
                j > 0
                    && line[j - 1].is_ascii_digit()
                    && (two_more_octets(line, j + 1) || dash_near(line, j))
            }
            b':' => {
                const HEXISH: u8 = C_DIGIT | C_HEXALPHA | C_COLON;
                (j > 0 && CLASS[line[j - 1] as usize] & HEXISH != 0)
                    || (j + 1 < n && CLASS[line[j + 1] as usize] & (HEXISH | C_PCT) != 0)
            }
            // An escape of an address byte (`\x31`, `\u002e`): the run around it is decoded.
            b'\\' => address_escape(line, j).is_some(),
            // `%3A` (a colon), or `%2E` (a dot) between digits; or an escape of a digit or a hex
            // letter (`%31`), or any double-encoded one (`%252E`), whose run is decoded.
            _ => {
                pct_colon_at(line, j)
                    || (pct_dot_at(line, j)
                        && j > 0
                        && line[j - 1].is_ascii_digit()
                        && line.get(j + 3).is_some_and(u8::is_ascii_digit))
                    || address_escape(line, j).is_some_and(|(len, b)| {
                        len > 3 || CLASS[b as usize] & (C_DIGIT | C_HEXALPHA) != 0
                    })
            }
        };
        if !plausible {
            // A dot before `in-addr.arpa` / `ip6.arpa` ends a reverse-DNS name.
            if line[j] == b'.'
                && j + 1 < n
                && line[j + 1] | 0x20 == b'i'
                && let Some(found) = reverse_name(line, j + 1, taken.get(), prev)
                && found.start >= taken.get()
            {
                f(found);
            }
            pos = j + 1;
            continue;
        }
        // A dot with a digit before it and a letter after it: a dashed quad ends there, or
        // nothing.
        if line[j] == b'.' && line[j + 1] >= b'A' {
            if let Some(found) = dashed_quad(line, j, prev)
                && found.start >= taken.get()
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
        // The run: maximal stretch of address bytes around j (a `%` only as part of `%3A` or
        // `%2E`), and of escapes of address bytes (`escaped`: then it is decoded).
        let mut escaped = false;
        let mut rs = j;
        // Not back into a literal found already (one read on past its decoded run).
        while rs > taken.get() {
            let c = CLASS[line[rs - 1] as usize];
            if c != 0 && (c != C_PCT || pct_sep_len(line, rs - 1) != 0) {
                rs -= 1;
            } else if let Some(lead) = escape_before(line, rs) {
                rs = lead;
                escaped = true;
            } else {
                break;
            }
        }
        let (mut colons, mut dots, mut double) = (0u32, 0u32, false);
        let mut last_colon_end = usize::MAX;
        let (mut percent, mut plain) = (false, false); // a `%3A` or `%2E`; a `:` or `.`
        let mut pct_dot = false; // a `%2E`
        let mut i = rs;
        while i < n {
            let c = CLASS[line[i] as usize];
            if c & (C_DIGIT | C_HEXALPHA) != 0 {
                i += 1;
            } else if c == C_DOT {
                dots += 1;
                plain = true;
                i += 1;
            } else if c == C_COLON || (c == C_PCT && pct_colon_at(line, i)) {
                double |= last_colon_end == i;
                colons += 1;
                percent |= c == C_PCT;
                plain |= c == C_COLON;
                i += if c == C_COLON { 1 } else { 3 };
                last_colon_end = i;
            } else if c == C_PCT && pct_dot_at(line, i) {
                dots += 1;
                percent = true;
                pct_dot = true;
                i += 3;
            } else if (c == C_PCT || line[i] == b'\\')
                && let Some((len, _)) = address_escape(line, i)
            {
                escaped = true;
                i += len;
            } else {
                break;
            }
        }
        let re = i;
        // Decoded: a run with escapes of address bytes; one with separators written both ways
        // (`%3A%3Affff%3A192.0.2.1`, `203.0.113%2E9`: IPv6 colons encoded in a query string,
        // its dotted tail not); IPv6 with a dotted tail, all encoded (`%3A%3Affff%3A192%2E0…`:
        // its `192` read as a group kept the tail's host octet); a reverse-DNS name with a `%2E`
        // among its labels (`17.2%2E0.192.in-addr.arpa`, read forward, kept the host octet).
        if escaped
            || (percent && (plain || (pct_dot && colons > 0) || reverse_suffix_at(line, re)))
            || (pct_dot && pct_dot_before_label(line, re))
        {
            scan_escaped_run::<FAST>(line, rs, re, prev, taken.get(), &mut f);
            // A literal found there may end past the run (a dashed quad read on from its first
            // group, `%2E01-1-202-103`): the scan goes on after it (a fuzz run).
            pos = re.max(taken.get());
            continue;
        }
        if re > rs && line[re - 1] == b'.' && reverse_suffix_at(line, re) {
            // A reverse name's labels: its address, or none (a zone: `2.0.192.in-addr.arpa`,
            // `64/26.2.0.192.in-addr.arpa`), never a quad read forward.
            if let Some(found) = reverse_name(line, re, taken.get(), prev)
                && found.start >= taken.get()
            {
                f(found);
            }
            pos = re;
            continue;
        }
        if dots >= 16
            && let Some(found) = nibble_name(line, rs, re)
            && found.start >= taken.get()
        {
            f(found);
            pos = re;
            continue;
        }
        // IPv6 needs `::`, or six colons (with a dotted tail) or seven, or three for a cut one
        // (`parse_partial_v6`); IPv4 three dots.
        let v6 = (colons >= 2 && double) || colons >= 3;
        if v6 || (dots >= 3 && re - rs >= 7) {
            scan_run(line, rs, re, prev, v6, &mut f);
        }
        pos = re.max(j + 1);
    }
}

/// Where the one to `max` digits that end just before `j` start, when the byte before them
/// (`prev` at the start of `line`) can neither belong to an address nor end an escape
/// ([`stands_apart`]: `\x09`, `\u0001` leave the digits to the general path).
#[inline(always)]
fn lone_digits_before(line: &[u8], j: usize, max: usize, prev: u8) -> Option<usize> {
    let mut start = j;
    while start > 0 && j - start < max && line[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let before = if start == 0 { prev } else { line[start - 1] };
    (start < j && stands_apart(before)).then_some(start)
}

/// The end of the run around the colon at `j` when it is only groups of one to four digits
/// joined by single colons (at most five, or three after a first group of three or four digits,
/// which may begin a cut IPv6 literal, or four then if at most six digits follow the first
/// group, as in `2026:13:55:36`), perhaps with a `.digits` fraction, and stands alone
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
        // A group after the first with more than two digits is no clock's (minutes,
        // seconds): `-4:2001:4860:12:34`, `801:1:4:0000` hold cut IPv6 literals, which the
        // general path finds (a property test and a fuzz run drew them).
        if k == group || k - group > 2 || colons > 5 {
            return None;
        }
    }
    // Five groups or more from a group of three or four digits may be a cut IPv6 literal
    // (`parse_partial_v6`): the general path decides. Such a group is the first, or the second
    // of six. (Looked at only then: the first group's length kept through the loop cost 60
    // instructions an Unbound line.)
    // So may four such groups that are no clock (more than six digits after the first:
    // `2001:4860:1234:5678`; `parse_partial_v6`).
    if colons >= 3
        && (colons > 3 || k - j > 9)
        && ((j >= 3 && line[j - 3..j].iter().all(u8::is_ascii_digit))
            || (colons == 5 && line[j + 1..j + 4].iter().all(u8::is_ascii_digit)))
    {
        return None;
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
    if k < line.len() && !ENDS_LONE[line[k] as usize] {
        return None;
    }
    let found = Found {
        start,
        end,
        ip: IpAddr::V4(ip),
        colons: Colons::Plain,
        shaped: false,
        escaped: false,
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
    if start == j || !stands_apart(before) || is_word(before) {
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
    if i < n && !ENDS_LONE[line[i] as usize] {
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
        escaped: false,
    })
}

/// The first three octets read of a reverse name, for [`classless_host`].
fn octets_so_far(o: &[u8; 4]) -> [u8; 3] {
    [o[0], o[1], o[2]]
}

/// True when the digits at `i`, a reverse name's fourth label from its suffix, end an RFC 2317
/// delegation's label: `64/26`, `64-26`, `64_26` (a digit before the separator; JSON's `64\/26`,
/// `64%2F26`), `subnet64` (a letter before them). A `/` after a word is a path's
/// (`/ptr/77.2.0.192.in-addr.arpa`), as is a `-` or `_` after no digit: the label is the host's.
fn delegation_before(s: &[u8], i: usize, prev: u8) -> bool {
    let Some(&b) = i.checked_sub(1).map(|k| &s[k]) else {
        return false;
    };
    // An escape that ends here (`%3D77.…`, `\x3D77.…`) is no delegation's, unless it is its
    // `/`, `-` or `_` after a digit (`64%2F26`, `64\x2d26`); nor is the lead of one whose
    // digits the label's run took in (`\x2277.…`, `\u002277.…`).
    if let Some((lead, byte)) = escape_ending(s, prev, i) {
        return matches!(byte, b'/' | b'-' | b'_') && lead >= 1 && s[lead - 1].is_ascii_digit();
    }
    if matches!(b, b'x' | b'u') && i >= 2 && matches!(s[i - 2], b'\\' | b'%') {
        return false;
    }
    match b {
        b'/' | b'-' | b'_' => {
            // Digits before the separator that stand as a label's start (`64/26`, `.64-26`),
            // not an escape's (`%66-17.…` reads `f-17.…`), nor glued to a word or an address
            // (`ff/17.…`, a port's `:80/17.…`).
            let k = if i >= 2 && s[i - 2] == b'\\' {
                i - 2
            } else {
                i - 1
            };
            let mut d = k;
            while d > 0 && s[d - 1].is_ascii_digit() {
                d -= 1;
            }
            let before = if d == 0 { prev } else { s[d - 1] };
            let stands = before == b'.'
                || (d >= 3 && pct_dot_at(s, d - 3))
                || (CLASS[before as usize] == 0 && !before.is_ascii_alphabetic());
            d < k && stands && !escape_ends_at(s, prev, k)
        }
        _ => b.is_ascii_alphabetic(),
    }
}

/// The escape of one byte that ends at `i` ([`escape_len`]'s: `%2F`, `%252F`, `\x2f`,
/// `\u002f`, `%u002F`): where its lead starts and the byte it stands for (0 for a `\u` one
/// beyond ASCII).
fn escape_ending(s: &[u8], prev: u8, i: usize) -> Option<(usize, u8)> {
    let q = escape_digits_before(s, prev, i)?;
    let lead = q.checked_sub(if s.get(q.wrapping_sub(1)) == Some(&b'%') {
        1
    } else {
        2
    })?;
    let u = s[lead + 1] == b'u';
    let byte = (HEX_VALUE[s[i - 2] as usize] << 4) | HEX_VALUE[s[i - 1] as usize];
    Some((lead, if u && &s[q..q + 2] != b"00" { 0 } else { byte }))
}

/// How far before a run of a reverse name's network labels its host label and classless
/// delegation may start (`255.255-255.`, its bytes escaped, and what the finder looks at
/// before them).
const CLASSLESS_REACH: usize = 48;

/// How many bytes after a run with escapes are decoded for the finder to look at: a classless
/// reverse name's delegation, network labels and suffix (`-255.255.255.in-addr.arpa`), the
/// delegation's separator escaped twice (`%252D`).
const AFTER: usize = 40;

/// A byte of a classless delegation's label (RFC 2317: `64/26`, `64-26`, `subnet64`).
fn classless_byte(b: u8) -> bool {
    // `%` and `\\`: its `/` escaped (`64%2F26`, JSON's `64\\/26`).
    b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'%' | b'\\')
}

/// Where the classless delegation's label whose last digits start at `digits` begins, and the
/// length of the dot before it: 1, or more for one written as an escape (a query string's
/// `%2E`: `77%2E0-25%2E2…`, which a run decoded shows from its `25`).
fn delegation_start(s: &[u8], prev: u8, digits: usize) -> (usize, usize) {
    let mut k = digits;
    while k > 0 && classless_byte(s[k - 1]) {
        if let Some((lead, b'.')) = escape_ending(s, prev, k) {
            return (k, k - lead);
        }
        k -= 1;
    }
    (k, 1)
}

/// The host label of an RFC 2317 classless reverse name, `77.64/26.2.0.192.in-addr.arpa`: the
/// fourth label from the suffix, which ends at `label_end` (its last digits start at
/// `digits`), is no octet but a delegation's, and the label before it is the host's. Found as
/// the whole name ([`Colons::ReverseHostV4`]), the delegation's label kept as written (it is no
/// address; a new user's review: its `26` was taken for the host octet and `77` kept).
fn classless_host(
    s: &[u8],
    digits: usize,
    label_end: usize,
    net: [u8; 3],
    name_end: usize,
    prev: u8,
) -> Option<Found> {
    let (k, dot) = delegation_start(s, prev, digits);
    let whole_octet = k == digits && (1..=3).contains(&(label_end - digits));
    if whole_octet || k == label_end || k < dot || (dot == 1 && s[k - 1] != b'.') {
        return None; // an octet after all, or no label before the delegation's
    }
    let he = k - dot;
    let mut hs = he;
    while hs > 0 && s[hs - 1].is_ascii_digit() {
        hs -= 1;
    }
    // The digits of an escape that ends there are text (`%2077.0/25.…`: the host is `77`),
    // unless it escapes an address byte (`%3100.77x17.…` reads `100.77x17.…`).
    let lead = if hs > 0 && escape_before(s, hs).is_none() {
        escape_len(s, hs, he, prev)
    } else {
        0
    };
    hs += lead;
    // The name's first label: nothing before it that a label, an address or an escape holds
    // (`%37`, `0%2E2`: read decoded, the name would begin elsewhere).
    if hs == he
        || he - hs > 3
        || (lead == 0
            && hs > 0
            && (classless_byte(s[hs - 1]) || CLASS[s[hs - 1] as usize] != 0 || s[hs - 1] == b'\\'))
    {
        return None;
    }
    let v = s[hs..he]
        .iter()
        .fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
    let host = u8::try_from(v).ok()?;
    Some(Found {
        start: hs,
        end: name_end,
        ip: IpAddr::V4(Ipv4Addr::new(net[0], net[1], net[2], host)),
        colons: Colons::ReverseHostV4,
        shaped: false,
        escaped: dot > 1,
    })
}

/// The reverse-DNS name whose labels end just before `at`, where `in-addr.arpa` or `ip6.arpa`
/// (any case) must start; the byte before `at` is the dot between labels and suffix. A
/// classless name's host label is taken only at or after `free` (where the last literal found
/// ended); else the name reads as any other. `prev` stands before `s`.
fn reverse_name(s: &[u8], at: usize, free: usize, prev: u8) -> Option<Found> {
    let suffix = |w: &[u8]| {
        s.get(at..at + w.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(w))
    };
    let end = at - 1; // the labels end before this dot
    if suffix(b"in-addr.arpa") {
        // Four decimal labels `d.c.b.a`: the last label is the address's first octet.
        let mut octets = [0u8; 4];
        let mut i = end;
        for k in 0..4 {
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
            let mut label = &s[i..label_end];
            if k == 3 {
                if delegation_before(s, i, prev) {
                    // A delegation's label (`64/26`, `subnet64`): the host is the label before
                    // it, if any; the zone itself (`64/26.2.0.192.in-addr.arpa`) names no host.
                    // A label before it that is no host's, or one another literal took
                    // (`198.51.100.77-17.2.0.192.…`), leaves this label to be read as the
                    // host's (fail closed).
                    let (d, dot) = delegation_start(s, prev, i);
                    // (`subnet64` as before: a word's label is a delegation's, host or none.)
                    let zone = (dot == 1 && (if d == 0 { prev } else { s[d - 1] }) != b'.')
                        || (s[i - 1].is_ascii_alphabetic() && escape_ending(s, prev, i).is_none());
                    match classless_host(s, i, label_end, octets_so_far(&octets), end, prev) {
                        Some(f) if f.start >= free => return Some(f),
                        None if zone => return None,
                        _ => {}
                    }
                }
                // The host's label, after whatever stands before it (`/ptr/77.…`, `-77.…`): the
                // digits of an escape that ends there are text (`%2077.…`, `\x2277.…`).
                i += escape_len(s, i, label_end, prev);
                label = &s[i..label_end];
            }
            let octet = &mut octets[k];
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
            escaped: false,
        });
    }
    // `ip6.int`: the reverse zone before `ip6.arpa`, still asked for by old resolvers.
    if suffix(b"ip6.arpa") || suffix(b"ip6.int") {
        return nibbles_before(s, end, 1);
    }
    None
}

/// The one-nibble labels that end just before the dot at `end`, least significant first (up
/// to 32), when there are at least `min`: an IPv6 address (or a prefix) written as a reverse
/// name's labels.
fn nibbles_before(s: &[u8], end: usize, min: u32) -> Option<Found> {
    let (mut i, mut nibbles, mut value, mut start) = (end, 0u32, 0u128, end);
    while nibbles < 32 && i > 0 {
        let Some(nib) = hex_val(s[i - 1]) else { break };
        // A label longer than one nibble ends the name, unless what comes before its nibble
        // is an escape's digits (`%207.7.0.…`: the name begins at the `7`).
        if i >= 2
            && s[i - 2] != b'.'
            && is_address_byte(s[i - 2])
            && !escape_ends_at(s, b'\n', i - 1)
        {
            break;
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
    if nibbles == 0 || nibbles < min {
        return None;
    }
    Some(Found {
        start,
        end,
        ip: IpAddr::V6(Ipv6Addr::from(value)),
        colons: Colons::ReverseV6(nibbles as u8),
        shaped: false,
        escaped: false,
    })
}

/// An IPv6 address as the nibble labels that begin a DNS name other than a reverse one: a
/// blocklist query (`5.0.…8.b.d.0.1.0.0.2.zen.spamhaus.org`), at least 16 nibbles (a /64)
/// before a label that starts with a letter, in the run `line[rs..re]` (a new user's review:
/// such names passed unchanged, IPv4 ones did not).
fn nibble_name(line: &[u8], rs: usize, re: usize) -> Option<Found> {
    let mut k = re;
    // The last dot of the run with a letter after it ends the nibbles.
    let end = loop {
        let d = rs + memchr::memrchr(b'.', &line[rs..k])?;
        if line.get(d + 1).is_some_and(u8::is_ascii_alphabetic) {
            break d;
        }
        k = d;
    };
    nibbles_before(line, end, 16)
}

/// True when the dot at `j`, with a digit before it, has a letter after it and a `-` among the
/// three bytes before that digit: the cheap test before [`dashed_quad`] (`host179.example`,
/// `Safari/537.36` pass no further).
#[inline(always)]
fn dash_near(s: &[u8], j: usize) -> bool {
    j >= 3
        && s.get(j + 1).is_some_and(|&b| b >= b'A')
        && (s[j - 2] == b'-' || s[j - 3] == b'-' || (j >= 4 && s[j - 4] == b'-'))
}

/// True when the dot at `j` ends a host name label's dashed quad (`dashed_quad`); `prev`
/// stands before `s`. For the statistics' test of whether a label may hold an address.
pub fn dashed_quad_at(s: &[u8], j: usize, prev: u8) -> bool {
    dash_near(s, j) && dashed_quad(s, j, prev).is_some()
}

/// True when the `-` at `j` is the last of a dashed quad that ends a label with no dot after
/// it (`dashed_quad_ending`); `prev` stands before `s`. For the statistics' test of whether a
/// label may hold an address.
pub fn dashed_quad_ending_at(s: &[u8], j: usize, prev: u8) -> bool {
    j > 0 && s[j - 1].is_ascii_digit() && dashed_quad_ending(s, j, prev).is_some()
}

/// The dotted quad written with dashes that ends just before the dot at `j`, a letter (the next
/// label's first byte) after it: `ip-192-0-2-11.ec2.internal`. Four groups of one to
/// three decimal digits, each at most 255; not after another group of digits (`1-2-3-4-5.x`).
/// Not when digits glue to its first group (`2024-1-2-3.x` is no quad: its first group would
/// have four digits). Rewritten read both ways, since an address in a host name is written
/// forward by some networks and reversed by others (`Colons::DashV4`).
#[inline(never)]
fn dashed_quad(s: &[u8], j: usize, prev: u8) -> Option<Found> {
    if !s.get(j + 1).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    quad_ending(s, j, prev)
}

/// The dashed quad whose last `-` is at `j` and which ends a label with no dot after it: its
/// last group (one to three digits) is followed by the end or by a byte that continues no
/// label (`ip-192-0-2-77 `, `…-77"`, `…-77:53`, the root dot `…-77.`), not by a letter, digit,
/// `-`, `_` or a dot and a label.
#[inline(never)]
fn dashed_quad_ending(s: &[u8], j: usize, prev: u8) -> Option<Found> {
    let end = j + 1 + crate::bytes::digits_from(s, j + 1);
    if end == j + 1 || end - j > 4 || !ends_dashed(s, end) {
        return None;
    }
    quad_ending(s, end, prev)
}

/// True when what follows a dashed quad's last group, which ends at `end`, ends its label: the
/// end, a name's root dot (`ip-192-0-2-77.`, as Unbound writes names; a review found it kept),
/// or a byte that continues no label; a `:` only before a port that ends there
/// (`ip-192-0-2-77:53 `: a colon run after it is IPv6's to read).
fn ends_dashed(s: &[u8], end: usize) -> bool {
    let continues = match s.get(end) {
        Some(b'.') => s.get(end + 1).is_some_and(|b| b.is_ascii_alphanumeric()),
        Some(&b) => b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'),
        None => false,
    };
    if continues {
        return false;
    }
    if s.get(end) == Some(&b':') {
        let port = crate::bytes::digits_from(s, end + 1);
        return port != 0
            && s.get(end + 1 + port)
                .is_none_or(|&b| CLASS[b as usize] == 0);
    }
    true
}

/// The dotted quad written with dashes that ends just before `j` ([`dashed_quad`]).
fn quad_ending(s: &[u8], j: usize, prev: u8) -> Option<Found> {
    let mut octets = [0u8; 4];
    let mut i = j;
    for k in (0..4).rev() {
        if k < 3 {
            if i == 0 || s[i - 1] != b'-' {
                return None;
            }
            i -= 1;
        }
        let end = i;
        while i > 0 && end - i < 3 && s[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if i == end {
            return None;
        }
        let v = s[i..end]
            .iter()
            .fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
        octets[k] = u8::try_from(v).ok()?;
    }
    // Not glued to a digit, nor after a colon: an IPv6 group there may be rewritten shorter
    // (`…:8:0171-1-202-10` cut to `…:8:0-1-202-10`), and a second pass must read what the
    // first did (a fuzz run).
    let before = if i == 0 { prev } else { s[i - 1] };
    if before.is_ascii_digit() || before == b':' || (i >= 3 && pct_colon_at(s, i - 3)) {
        return None;
    }
    // Nor after hex letters that end an IPv6 run (`::2Eb02-2-2-1`: rewritten `0-2-2-0`, the
    // `2Eb0` left would be a group; a fuzz run).
    if i > 0 && is_hex(before) {
        let mut h = i - 1;
        while h > 0 && is_hex(s[h - 1]) {
            h -= 1;
        }
        let lead = if h == 0 { prev } else { s[h - 1] };
        if lead == b':' || (h >= 3 && pct_colon_at(s, h - 3)) {
            return None;
        }
    }
    // After a `-`, only when a word stands before it (`ip-`, `ec2-`): not after a group of
    // digits standing alone (`2026-12-04-10-30`, a date and a time;
    // `backup-2026-12-04-10-30.tar`), nor after anything else (`::-1-202-102-10`, which a
    // rewrite of `::71-1-202-102-10` makes: a second pass must read what the first did).
    if i >= 1 && s[i - 1] == b'-' {
        let mut g = i - 1;
        while g > 0 && s[g - 1].is_ascii_digit() {
            g -= 1;
        }
        let before = if g == 0 { prev } else { s[g - 1] };
        if !before.is_ascii_alphabetic() {
            return None;
        }
    }
    Some(Found {
        start: i,
        end: j,
        ip: IpAddr::V4(Ipv4Addr::from(octets)),
        colons: Colons::DashV4,
        shaped: false,
        escaped: false,
    })
}

/// True when a DNS name's next label follows `line[..end]`: a dot, then a letter, `-` or `_`
/// (a quad there begins a name, [`Colons::NameV4`]; `decrypt` reads an encrypted one so).
#[inline]
pub fn label_after(line: &[u8], end: usize) -> bool {
    line.get(end) == Some(&b'.')
        && line
            .get(end + 1)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
}

/// True when the run that ends at `re` ends with `%2E` and a name's label follows, which may
/// be a reverse name's suffix written with escapes (`%2Ein-addr%2Earpa`) or make the run a
/// name's first labels (`12%2E2%2E0%2E192%2Ezen%2Espamhaus%2Eorg`): decoded, it reads as such.
#[cold]
fn pct_dot_before_label(line: &[u8], re: usize) -> bool {
    re >= 3 && pct_dot_at(line, re - 3) && line.get(re).is_some_and(u8::is_ascii_alphabetic)
}

/// True when `in-addr.arpa` or `ip6.arpa` (any case) starts at `at`.
fn reverse_suffix_at(s: &[u8], at: usize) -> bool {
    [&b"in-addr.arpa"[..], b"ip6.arpa", b"ip6.int"]
        .iter()
        .any(|w| {
            s.get(at..at + w.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(w))
        })
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
pub fn escape_len(line: &[u8], start: usize, end: usize, prev: u8) -> usize {
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

/// True for a byte after which a long line may be cut: it cannot belong to an address, the
/// finder's decision about what follows it needs no byte before it (see `escape_len`), and it
/// joins no dashed quad's groups (`-`: `dashed_quad` reads back over them).
#[inline]
pub fn is_cut_byte(b: u8) -> bool {
    APART[b as usize] && b != b'-'
}

/// True for a byte before which a lone literal may start: one that cannot belong to an address
/// and ends no escape (a shortcut's test, one load on the hot path).
#[inline(always)]
fn stands_apart(b: u8) -> bool {
    APART[b as usize]
}

/// [`stands_apart`] for every byte.
static APART: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = CLASS[i] == 0 && !matches!(i as u8, b'x' | b'u' | b'\\');
        i += 1;
    }
    t
};

/// Bytes that may follow a literal a shortcut takes (`lone_v4`, `lone_v6`): none an address
/// holds, and no `\`, which may lead an escape of one (`192.0.2.2\x30`).
static ENDS_LONE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = CLASS[i] == 0 && i as u8 != b'\\';
        i += 1;
    }
    t
};

/// An escape at `i` of a byte an address literal holds (a digit, a hex letter, `:` or `.`):
/// `%31`, double-encoded `%2531` (any number of `25`s), `\x31` (nginx, Apache), `\u0031`
/// (JSON), `%u0031` (IIS), `\.` (a DNS label's dot). Returns its length and the byte it
/// stands for.
#[inline]
fn address_escape(s: &[u8], i: usize) -> Option<(usize, u8)> {
    let at = |k: usize, b: u8| s.get(k) == Some(&b);
    let hex2 = |k: usize| {
        let (h, l) = (*s.get(k)?, *s.get(k + 1)?);
        let (h, l) = (HEX_VALUE[h as usize], HEX_VALUE[l as usize]);
        (h < 16 && l < 16).then_some((h << 4) | l)
    };
    let (end, byte) = match *s.get(i)? {
        b'%' | b'\\' if at(i + 1, b'u') && at(i + 2, b'0') && at(i + 3, b'0') => {
            (i + 6, hex2(i + 4)?)
        }
        b'\\' if at(i + 1, b'x') => (i + 4, hex2(i + 2)?),
        // A dot inside a DNS label, as BIND and zone files write one (`192\.0\.2\.1.example`).
        b'\\' if at(i + 1, b'.') => (i + 2, b'.'),
        b'%' => {
            let mut k = i + 1;
            while at(k, b'2') && at(k + 1, b'5') && hex2(k + 2).is_some() {
                k += 2;
            }
            (k + 2, hex2(k)?)
        }
        _ => return None,
    };
    (CLASS[byte as usize] & (C_DIGIT | C_HEXALPHA | C_COLON | C_DOT) != 0)
        .then_some((end - i, byte))
}

/// Where the escape of an address byte ([`address_escape`]) starts whose lead (`%`, `\x`,
/// `\u`, `%u`, or the `\` of `\.`) ends right before `at` (at least 1), so that its hex
/// digits (or its dot) start at `at`.
#[inline]
fn escape_before(line: &[u8], at: usize) -> Option<usize> {
    let lead = match line[at - 1] {
        b'%' => at - 1,
        b'\\' if line[at] == b'.' => at - 1,
        b'x' | b'u' if at >= 2 && matches!(line[at - 2], b'\\' | b'%') => at - 2,
        _ => return None,
    };
    address_escape(line, lead).map(|_| lead)
}

/// Appends `line[start..end]` with every escape of an address byte (`address_escape`) in it
/// decoded, and to `at` where each byte appended starts in `line`.
fn decode_escapes(line: &[u8], start: usize, end: usize, out: &mut Vec<u8>, at: &mut Vec<usize>) {
    let mut i = start;
    while i < end {
        at.push(i);
        match address_escape(line, i).filter(|&(len, _)| i + len <= end) {
            Some((len, b)) => {
                out.push(b);
                i += len;
            }
            None => {
                out.push(line[i]);
                i += 1;
            }
        }
    }
}

/// The [`AFTER`] bytes from `start`, a decoded run's context, appended to `out` (and where
/// each starts to `at`), with the escapes of address bytes decoded that complete no escape
/// with the byte before them (`last` before the first: the run's last byte): `%3` then `%31`
/// stays as written, as decoded it would read `%31` (a fuzz run). Returns where they end.
fn decode_context(
    line: &[u8],
    start: usize,
    mut last: u8,
    out: &mut Vec<u8>,
    at: &mut Vec<usize>,
) -> usize {
    let mut i = start;
    while i < line.len() && out.len() < AFTER {
        at.push(i);
        let lead = is_hex(last) || matches!(last, b'%' | b'\\' | b'x' | b'u');
        match address_escape(line, i) {
            Some((len, b)) if !lead || (b == b'.' && last != b'\\') => {
                out.push(b);
                i += len;
            }
            _ => {
                out.push(line[i]);
                i += 1;
            }
        }
        last = out[out.len() - 1];
    }
    i
}

/// Finds the literals in the run `line[start..end]`, which holds escapes of address bytes
/// (`%31%39%32.0.2.1`, `192\u002e0\u002e2\u002e1`): the run is decoded, with the two bytes
/// before it as they are and up to [`AFTER`] after it decoded (what the finder looks at around a
/// literal: an escape's lead, a reverse-DNS suffix, the label that makes a quad a name's first),
/// scanned as any text, and each literal found in the run is mapped back to its escaped bytes.
/// Rewritten in the shape of its decoded text, a literal reads in a second pass as its decoded
/// text read in this one. A classless reverse name's host label and delegation stand before
/// a run of its network labels (`8.8-7.2%2E1.2.in-addr.arpa`): there the context reaches back
/// to them (not into a literal found already, which ends at `taken`), and the name is found
/// from its host label (a fuzz run: two bytes showed `8-7` as a host label, and a second pass
/// read the plain name's `8`).
#[cold]
#[inline(never)]
fn scan_escaped_run<const FAST: bool>(
    line: &[u8],
    start: usize,
    end: usize,
    prev: u8,
    taken: usize,
    f: &mut dyn FnMut(Found),
) {
    // The bytes after the run, decoded: a name's suffix may be written with escapes
    // (`17%2E2%2E0%2E192%2Ein-addr%2Earpa`, a query string's), or stand after a classless
    // name's delegation and network labels (`%377.0-25.2.0.192.in-addr.arpa`).
    let (mut after, mut after_at) = (Vec::with_capacity(AFTER), Vec::with_capacity(AFTER + 1));
    let run_last = if end > start { line[end - 1] } else { prev };
    let to = decode_context(line, end, run_last, &mut after, &mut after_at);
    after_at.push(to);
    let mut from = start.saturating_sub(2);
    let mut decode_before = false;
    if start > 0 && classless_byte(line[start - 1]) && reverse_suffix_at(&after, 0) {
        // The labels before, from a byte that no escape holds (so decoded as written), not
        // into a literal found already.
        let floor = start.saturating_sub(CLASSLESS_REACH).max(taken);
        let mut k = start;
        while k > floor && (classless_byte(line[k - 1]) || line[k - 1] == b'.') {
            k -= 1;
        }
        // Cut short: from a label's start (a dot is no escape's byte).
        if k == floor && k > 0 && k != taken {
            k = memchr::memchr(b'.', &line[k..start]).map_or(start, |d| k + d + 1);
        }
        if k < from {
            (from, decode_before) = (k, true);
        }
    }
    let mut text = Vec::with_capacity(end - from + after.len());
    let mut at = Vec::with_capacity(end - from + after.len() + 1); // where each decoded byte was
    if decode_before {
        decode_escapes(line, from, start, &mut text, &mut at);
    } else {
        text.extend_from_slice(&line[from..start]);
        at.extend(from..start);
    }
    let first = text.len(); // the run, decoded: text[first..last]
    decode_escapes(line, start, end, &mut text, &mut at);
    let mut last = text.len();
    text.extend_from_slice(&after);
    at.extend_from_slice(&after_at);
    let mut before = if from == 0 { prev } else { line[from - 1] };
    // The escape that ends where the run starts (`escape_len`) must read the same decoded:
    // decoded bytes can complete one that is not there (`%` then `%33A` reads `%3A`, `\u00`
    // then `%33%31`) or lengthen one (`%25` then `%32%30`). A lead that is no escape is then
    // written as a byte like it that leads nothing; an escape is ended by a space.
    let skip = escape_len(line, start, end, prev);
    if escape_len(&text, first, last, before) != skip {
        if skip == 0 {
            let lead = if first == 0 {
                &mut before
            } else {
                &mut text[first - 1]
            };
            *lead = if lead.is_ascii_alphanumeric() {
                b'z'
            } else {
                b' '
            };
        } else {
            text.insert(first + skip, b' ');
            at.insert(first + skip, at[first + skip]);
            last += 1;
        }
    }
    find_each_with::<FAST>(&text, before, |found| {
        let classless = found.colons == Colons::ReverseHostV4 && found.end > first;
        if (found.start >= first || classless) && found.start < last {
            let (s, e) = (at[found.start], at[found.end]);
            // A dashed quad read on past the run: what ends it is judged on the line, not on
            // the context cut short (`%2E1-1-02-104:20:4:2%3A%3A` is no quad before a port,
            // but IPv6 after it; a fuzz run).
            if found.colons == Colons::DashV4
                && found.end > last
                && !(label_after(line, e) || ends_dashed(line, e))
            {
                return;
            }
            f(Found {
                start: s,
                end: e,
                escaped: found.escaped || e - s != found.end - found.start,
                ..found
            });
        }
    });
}

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
/// * IPv6: after a colon or a dot (a host name's label before it: `a.2001:db8::1`); and the
///   last four hex digits before a colon when more hex digits
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
        // After a dot, as after a colon, a group may start: a host name's label before an
        // address (`a.2001:db8:1:2::5`) was read as its first group, and the /48 kept one
        // group too many (a new user's review: `v.2002:c000:24d::1` kept a whole 6to4 IPv4).
        let after_dot = before == b'.' && is_hex(line[p]);
        let boundary = p == first || p == after;
        if try_v6 && (boundary || after_colon || after_dot) {
            let clean = after_colon || after_dot || p == after || skip > 0 || !is_word(before_run);
            let hex = line[p..end].iter().take_while(|&&b| is_hex(b)).count();
            let (s, glued) = if hex > 4 && colon_len(line, p + hex, end) > 0 {
                (p + hex - 4, true)
            } else {
                (p, !clean)
            };
            // A valid literal, else a cut one: written in its own shape, groups and all
            // (`write_shaped`), so that it stays cut the same way.
            let (v6, cut) = match parse_v6(line, s, end) {
                Some(v6) => (Some(v6), false),
                None => (parse_partial_v6(line, s, end), true),
            };
            if let Some(v6) = v6
                && (!glued || hex >= 4 || (hex == 0 && v6.groups >= 3))
            {
                if !cut
                    && v6.groups == 8
                    && let Some(q) = later_full_v6(line, s, &v6, end)
                {
                    p = q;
                    continue;
                }
                let found = Found {
                    start: s,
                    end: v6.end,
                    ip: IpAddr::V6(v6.ip),
                    colons: v6.colons,
                    shaped: false,
                    escaped: false,
                };
                f(Found {
                    shaped: cut || touches(line, prev, &found),
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
            // A chain of more dotted numbers than a quad's that ends a name's first labels
            // (`www.1.77.2.0.192.example`): read in quads from its end, as the name's address
            // is the labels before its zone (read from the start, `1.77.2.0` kept the host).
            // Decided at the chain's first number only: asked at each quad's, a long chain was
            // walked once a quad (quadratic in its length).
            if s == p
                && line.get(q) == Some(&b'.')
                && !(before == b'.' && p >= 2 && line[p - 2].is_ascii_digit())
                && let Some(skip) = chain_skip(line, p, end)
            {
                p = skip;
                continue;
            }
            if let Some((e, ip, pct)) = parse_v4(line, s, end) {
                // Followed by `.` and a letter: the first labels of a DNS name. Not when glued
                // to a letter or digit before it: its first octet may change, and would then
                // read differently with what it is glued to (`998.1.8.1.k`).
                // An escape that ends before it is a boundary in every pass (`%2077.2.0.192.zen…`).
                let glued_before = (if s == 0 { prev } else { line[s - 1] })
                    .is_ascii_alphanumeric()
                    && !escape_ends_at(line, prev, s);
                let name = !pct && !glued_before && label_after(line, e);
                let found = Found {
                    start: s,
                    end: e,
                    ip: IpAddr::V4(ip),
                    colons: if pct {
                        Colons::Percent
                    } else if name {
                        Colons::NameV4
                    } else {
                        Colons::Plain
                    },
                    shaped: false,
                    escaped: false,
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

/// Where reading a chain of dotted decimal numbers that starts at `p` goes on when it holds
/// more numbers than whole quads (five to seven, nine to eleven, …) and a name's label follows
/// it: at its first number after the ones left over (`1.77.2.0.192.example` from `77`).
#[cold]
fn chain_skip(line: &[u8], p: usize, end: usize) -> Option<usize> {
    let mut starts = [p; 4]; // where the first four numbers start
    let (mut n, mut i) = (0usize, p);
    loop {
        let d = crate::bytes::digits_from(&line[..end], i);
        if d == 0 || d > 3 {
            return None;
        }
        if n < 4 {
            starts[n] = i;
        }
        n += 1;
        i += d;
        if !(line.get(i) == Some(&b'.') && line.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            break;
        }
        i += 1;
    }
    let left = n % 4;
    if n < 5 || left == 0 || !label_after(line, i) {
        return None;
    }
    Some(starts[left])
}

/// Where the address starts in a run of more than eight IPv6 groups without `::` whose first
/// eight, `v6` from `s`, begin with a group no client address has (`1:2001:db8:1:2:3:4:5:77`,
/// a clock's `13:55:36:` glued before an address): after one of the next three colons, when
/// the eight groups from there begin as a global, unique-local or link-local address does
/// (2000::/3, fc00::/7, fe80::/10). Read from the run's start, the address's last group was
/// kept (a review). Eight groups then a port (`2001:db8:…:77:53`) stay as they are.
#[cold]
fn later_full_v6(line: &[u8], s: usize, v6: &V6, end: usize) -> Option<usize> {
    let client = |a: Ipv6Addr| {
        let g = a.segments()[0];
        g & 0xe000 == 0x2000 || g & 0xfe00 == 0xfc00 || g & 0xffc0 == 0xfe80
    };
    if colon_len(line, v6.end, end) == 0 || client(v6.ip) {
        return None;
    }
    let mut i = s;
    for _ in 0..3 {
        while i < v6.end && colon_len(line, i, end) == 0 {
            i += 1;
        }
        i += colon_len(line, i, end);
        if i >= v6.end {
            return None;
        }
        if let Some(w) = parse_v6(line, i, end)
            && w.groups == 8
            && w.end > v6.end
            && client(w.ip)
        {
            return Some(i);
        }
    }
    None
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
    escape_digits_before(line, prev, at).is_some()
}

/// Where the hex digits start of an escape ([`escape_len`]) that ends right before `at`.
fn escape_digits_before(line: &[u8], prev: u8, at: usize) -> Option<usize> {
    let mut q = at;
    while q > 0 && is_hex(line[q - 1]) {
        q -= 1;
    }
    (q < at && escape_len(line, q, at, prev) == at - q).then_some(q)
}

#[cfg(test)]
mod tests;
