//! The per-worker collector: counts parsed lines into panels and time buckets, labels scrubbed of
//! addresses, and moves them into a [`State`] when done.

use std::borrow::Cow;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::panel::{Answer, Panel, Query, Side, Web};
use super::time;
use super::{
    Bucket, Granularity, NONE, STATUS_CLASSES, SmallKeys, State, TopK, Uniques, min_opt,
    status_class_index,
};
use crate::anonymize::{Anonymizer, Cache};
use crate::bytes::same;
use crate::format::dns;
use crate::format::{Fields, Std};

/// Per-worker counting: a state and scratch space.
pub struct Collector {
    /// What was counted so far (panels and series are moved in by [`Collector::finish`]).
    pub state: State,
    uniques: Uniques,
    scrub: Anonymizer,
    cache: Cache,
    label: Vec<u8>,
    /// A query name in lower case, when it had capitals ([`name_labels`]).
    lower: Vec<u8>,
    /// The year of syslog times comes from here.
    pub reference: DateTime<Utc>,
    /// Times after this (seconds since 1970: two days after the reference or now, whichever
    /// is later) or before [`time::EARLIEST`] count as undated: one wrong date must not stretch
    /// the time series over centuries.
    latest: i64,
    first: Option<At>,
    last: Option<At>,
    panels: Vec<TopK>,
    /// Buckets and their index (seconds since 1970 + offset, divided by the bucket length).
    buckets: Vec<(i64, Bucket)>,
    /// Where each index's bucket is in `buckets`.
    bucket_at: std::collections::HashMap<i64, usize, SmallKeys>,
    /// The last bucket counted into: its place in `buckets` and its first and last second
    /// (seconds since 1970). Lines of one hour need no division and no map lookup.
    last_bucket: Option<(usize, i64, i64)>,
    /// The last time text read and its instant: lines of one second share it.
    last_time: (Vec<u8>, Option<At>),
    /// When the last time text ends in a fraction of a second that its instant has: that
    /// instant without the fraction (see [`Collector::time`]).
    last_second: Option<Option<At>>,
    /// Scratch for the request line's parts (boxed: taken and put back per line, a pointer's
    /// move rather than the whole struct's).
    parts: Option<Box<Fields>>,
    /// Per panel, the first [`HOT`] labels seen with their counts, checked before the panel's
    /// map (most lines repeat a handful of status codes, methods, browsers, query types: a
    /// short scan is cheaper than hashing). Empty for panels of many labels. Added to the
    /// panels, scrubbed, by [`Collector::finish`].
    hot: Vec<HotSet>,
    /// Per panel whose labels come from a short fixed list (hour of the day, size and time bins,
    /// status class, IP version; see [`tally_label`]): counts by the label's place in the list,
    /// one increment per line instead of a label lookup. Added to the panels by
    /// [`Collector::finish`].
    tallies: Vec<[u64; TALLY]>,
    /// Per panel of small numbers (see [`Collector::number`]): counts by the number.
    numbered: Vec<Option<Box<[u64; NUMBERED]>>>,
    /// User agents seen lately: per agent its labels, [`super::visits::agent`] of it, and lines
    /// not yet in the panels (one increment per line instead of five panel lookups; see
    /// [`Collector::flush_agents`]).
    agents: crate::rules::ua::Memo<(AgentLabels, u64, u64)>,
    /// The visits of the piece being counted.
    visits: Option<super::visits::Tracker>,
    /// The unit of the format's `duration` field; `None`: the format has none, and no response
    /// times are counted.
    pub duration: Option<crate::format::DurationUnit>,
    /// The DNS stream the lines belong to (the format's name; see [`super::Stream`]).
    pub stream: String,
    /// `--geoip` databases: each web client's country and network are counted.
    pub geo: Option<std::sync::Arc<super::geo::Geo>>,
    /// Clients seen lately and their keyed hash and address, by a hash of their text (direct
    /// mapped, 2^[`CLIENT_BITS`] slots): most lines come from a client seen a moment ago, and parsing
    /// and encrypting its address again cost a tenth of counting a line. In memory only.
    clients: ClientMemo,
    /// Query names seen lately, by a hash of the name (2^[`NAME_BITS`] slots, two per set),
    /// each with its lines not yet in the name panels: a resolver's log repeats its names, and
    /// a line of a name in the memo is one increment (see [`Collector::flush_name`]). With one
    /// way, names sharing a slot took turns flushing each other (15,000 flushes, a public-suffix
    /// lookup each, for 1,000 names in 540,000 Unbound lines).
    names: Vec<NameSlot>,
    /// Pages and their lines not yet in the page panel, by their keys in the visit order.
    pages: super::keyed::Keyed,
    /// Source networks seen lately (IPv4 /24 as a number, IPv6 /48 as one with its lowest bit
    /// set) and their keyed hash (0: empty), direct mapped, 2^[`NET_BITS`] slots.
    nets: Vec<(u128, u64)>,
    /// DNS question and answer lines counted (dated or not).
    questions: u64,
    answers: u64,
}

/// The fields [`Collector::line`] reads: without a rule file (which reads any), parsers record
/// only these (a BIND line has a dozen fields, a third of them counted nowhere).
pub const COUNTED_FIELDS: u64 = crate::format::fields::mask(&[
    Std::Time,
    Std::Client,
    Std::Message,
    Std::Event,
    Std::Qname,
    Std::Qtype,
    Std::Rcode,
    Std::Flags,
    Std::Transport,
    Std::Cached,
    Std::Size,
    Std::Blocked,
    Std::Answer,
    Std::Request,
    Std::Method,
    Std::Path,
    Std::Protocol,
    Std::Status,
    Std::Bytes,
    Std::Referrer,
    Std::UserAgent,
    Std::Duration,
]);

/// What a user agent is counted as in the client and OS panels.
struct AgentLabels {
    /// `Chrome`, `curl`, `ZeroTierOne` (a product no list knows), `Other`.
    family: String,
    /// `Chrome 124` (browsers by major version), `curl 8.5.0`, `ZeroTierOne 1.10.6`; the family
    /// alone when no version is written.
    version: String,
    os: &'static str,
    /// `Windows 10`, `Android 14`; the family alone when none is written.
    os_version: String,
    bot: bool,
}

impl AgentLabels {
    fn of(ua: &[u8]) -> AgentLabels {
        // Written encoded, without a space: CloudFront's `%20`, IIS's `+` (W3C); read decoded.
        let (decoded, _) = crate::rules::ua::decoded(ua);
        let ua = &decoded[..];
        let a = crate::rules::ua::classify(ua);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let (family, version) = match crate::rules::ua::product(ua) {
            // A client no list knows, counted by its own product token (K withholds a rare one).
            Some((name, v)) if a.family == b"Other" && !a.bot => (text(name), Some(v)),
            _ if a.bot => (text(a.family), a.version),
            _ => (text(a.family), a.major),
        };
        let version = match version {
            Some(v) => format!("{family} {}", text(v)),
            None => family.clone(),
        };
        AgentLabels {
            version,
            family,
            os: a.os,
            os_version: crate::rules::ua::os_version(ua, a.os).unwrap_or_else(|| a.os.to_string()),
            bot: a.bot,
        }
    }
}

/// The memo's slot of a client, filled when it held another (with the address read then).
/// Inlined, as [`Collector::bucket`] and [`Collector::query_panels`] are: a call per line each
/// (docs/ARCHITECTURE.md, "Speed").
#[inline(always)]
fn client_slot<'a>(
    memo: &'a mut ClientMemo,
    uniques: &Uniques,
    text: &[u8],
) -> (&'a mut ClientSlot, Option<IpAddr>) {
    if memo.sets.is_empty() {
        memo.sets = vec![ClientSet::default(); 1 << CLIENT_BITS];
        let mut b = [0u8; 8];
        // Without randomness the seed is fixed: still correct, only predictable.
        let _ = getrandom::fill(&mut b);
        memo.seed = u64::from_le_bytes(b);
    }
    // A client is known by its text's 64-bit hash (seeded per memo), not by its text: a slot
    // is a quarter of a cache line, a set of two one line, and the memo half a core's L2
    // cache. Two texts of one hash in one set would share a slot (a chance of about n^2/2^65
    // for n clients: one in 10^7 for a million a day), which an outsider cannot aim for
    // without the seed, and which would merge two clients in the unique counts, nothing else.
    // The high bits choose the set (a product's low bits depend only on its factors' low
    // bits); the text's hash is never 0, which marks an empty slot.
    let h = crate::bytes::fingerprint(memo.seed, text) | 1;
    let set = &mut memo.sets[(h >> (64 - CLIENT_BITS)) as usize].0;
    // Two ways per set: a client is in either; a new one goes first and the first moves
    // second (clients whose texts share a set no longer take turns evicting each other: with
    // one way, a tenth of an Unbound line's instructions went to hashing clients again).
    if set[0].key == h {
        return (&mut set[0], None);
    }
    if set[1].key == h {
        return (&mut set[1], None);
    }
    set[1] = set[0];
    let (hash, ip) = uniques.client(text);
    set[0] = ClientSlot {
        key: h,
        hash,
        net: 0,
        version: ip_version(ip) as u8,
    };
    (&mut set[0], ip)
}

/// A network's keyed hash, kept by the network (IPv4 /24 as a number, IPv6 /48 as one with
/// its lowest bit set) in `nets` (direct mapped; a hash of 0 marks an empty slot): many sources
/// share a network.
fn network_hash(nets: &mut Vec<(u128, u64)>, u: &Uniques, ip: IpAddr) -> u64 {
    let key = match crate::anonymize::truncate(ip, if ip.is_ipv4() { 24 } else { 48 }) {
        IpAddr::V4(a) => u128::from(a.to_bits()),
        IpAddr::V6(a) => a.to_bits() | 1,
    };
    if nets.is_empty() {
        *nets = vec![(0, 0); 1 << NET_BITS];
    }
    let slot = (crate::bytes::mix(key as u64, (key >> 64) as u64) >> (64 - NET_BITS)) as usize;
    let e = &mut nets[slot];
    if e.0 != key || e.1 == 0 {
        *e = (key, u.network(ip));
    }
    e.1
}

/// The network memo has 2^NET_BITS slots (see [`Collector`]).
const NET_BITS: u32 = 12;

/// The query-name memo has 2^NAME_BITS slots (see [`Collector`]).
const NAME_BITS: u32 = 12;

/// The longest query name the memo keeps (longer ones are counted line by line); a slot is
/// two cache lines, and a name up to 47 bytes is compared in the first.
const NAME_TEXT: usize = 111;

/// A slot of the query-name memo: the name in it (no pointer to follow: a name on the heap
/// was a cache miss per line) and its lines not yet in the name panels, per [`Side`].
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct NameSlot {
    hits: [u64; 2],
    /// The name's length; 0: empty.
    len: u8,
    text: [u8; NAME_TEXT],
}

impl Default for NameSlot {
    fn default() -> Self {
        NameSlot {
            hits: [0; 2],
            len: 0,
            text: [0; NAME_TEXT],
        }
    }
}

/// The `tld` and `domain` labels of a query name (without its final dot, not empty), read in
/// lower case (`lower` holds the name when it has capitals). One public-suffix lookup (the
/// registered domain holds its suffix), no allocation for a name in lower case: a new name in
/// the memo costs this, and a resolver's long tail of names makes it common.
fn name_labels<'a>(name: &'a [u8], lower: &'a mut Vec<u8>) -> (&'a [u8], &'a [u8]) {
    let name = if name.iter().any(u8::is_ascii_uppercase) {
        lower.clear();
        lower.extend(name.iter().map(u8::to_ascii_lowercase));
        &lower[..]
    } else {
        name
    };
    let (tld, domain) = match psl::domain(name) {
        Some(d) => {
            let (suffix, domain) = (d.suffix().as_bytes().len(), d.as_bytes().len());
            (
                Some(&name[name.len() - suffix..]),
                Some(&name[name.len() - domain..]),
            )
        }
        None => (psl::suffix(name).map(|s| s.as_bytes()), None),
    };
    // A name that is (or ends in) an address literal — `192.0.2.7`, `::ffff:192.0.2.7` —
    // would publish host octets as "TLD" `7` and "domain" `2.7`. Reverse names are fine: their
    // registered domain is the first octet.
    let tail = domain.or(tld).map_or(0, <[u8]>::len);
    if may_hold_address(name) && ends_in_address(name, tail) {
        return (b"(address)", b"(address)");
    }
    (tld.unwrap_or(b"(none)"), domain.unwrap_or(b"(none)"))
}

/// A time text's fraction of a second at its end, after a clock's seconds (`…:SS.fff`) or
/// seconds since 1970 (`1791640536.123`): where its `.` is and the fraction in nanoseconds, as
/// the time parser reads it (up to 9 digits).
fn fraction(raw: &[u8]) -> Option<(usize, u32)> {
    let digits = raw.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let k = raw.len().checked_sub(digits + 1)?;
    if !(1..=9).contains(&digits) || raw[k] != b'.' {
        return None;
    }
    let before = &raw[..k];
    let clock = before.len() >= 3
        && before[before.len() - 3] == b':'
        && before[before.len() - 2..].iter().all(u8::is_ascii_digit);
    let epoch = before.len() >= 9 && before.iter().all(u8::is_ascii_digit);
    if !clock && !epoch {
        return None;
    }
    let n = raw[k + 1..]
        .iter()
        .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'));
    Some((k, n * 10u32.pow(9 - digits as u32)))
}

/// An instant as the collector keeps it: seconds since 1970 and the nanoseconds past them
/// (ordered as chrono orders its times). A `DateTime` is made only for the first and last time
/// at the end: made per line (a fraction set, a second added) it went through the time zone's
/// mapping, ~150 instructions a BIND line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct At {
    secs: i64,
    nanos: u32,
}

impl At {
    fn of(t: DateTime<Utc>) -> At {
        At {
            secs: t.timestamp(),
            nanos: t.timestamp_subsec_nanos(),
        }
    }

    fn datetime(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.secs, self.nanos)
    }
}

/// How many seconds `raw` is after `last` when the two differ only in the seconds of an
/// `hh:mm:ss` clock (two digits after two `:`-separated pairs, from 00 to 59, no `:` after
/// them): any format that writes such a clock reads a second more there as a second later.
/// `None` otherwise (read the time whole).
fn later_second(last: &[u8], raw: &[u8]) -> Option<i64> {
    if last.len() != raw.len() {
        return None;
    }
    let d = last.iter().zip(raw).position(|(a, b)| a != b)?;
    // The seconds' two digits are at `p` and `p + 1`; nothing after them differs.
    let p = if d >= 1 && raw.get(d + 1).is_none_or(|c| !c.is_ascii_digit()) {
        d - 1
    } else {
        d
    };
    // Seconds end the clock: no `:` after them (`2026:13:56:36` has a clock-like `26:13:56`).
    if p < 6 || raw.len() < p + 2 || last[p + 2..] != raw[p + 2..] || raw.get(p + 2) == Some(&b':')
    {
        return None;
    }
    let clock = &raw[p - 6..p + 2];
    let ok = |c: &[u8]| {
        c[0].is_ascii_digit()
            && c[1].is_ascii_digit()
            && c[2] == b':'
            && c[3].is_ascii_digit()
            && c[4].is_ascii_digit()
            && c[5] == b':'
            && (b'0'..=b'5').contains(&c[6])
            && c[7].is_ascii_digit()
    };
    if !ok(clock) || !ok(&last[p - 6..p + 2]) {
        return None;
    }
    let sec = |c: &[u8]| i64::from(c[p] - b'0') * 10 + i64::from(c[p + 1] - b'0');
    Some(sec(raw) - sec(last))
}

/// Room per panel of small numbers in [`Collector`]: lengths and label counts of names
/// (up to 253 and 127), response sizes up to 4,095 bytes (bins of 16).
const NUMBERED: usize = 256;

/// The label of number `i` in `panel`: `lo-hi` for a response size's bin (`i` × 16 to 15
/// more), else `i` in decimal.
fn number_label(panel: Panel, i: u64, buf: &mut [u8; 41]) -> &[u8] {
    if panel != Panel::Answer(Answer::ResponseSize) {
        let mut digits = [0; 20];
        let d = decimal_label(i, &mut digits);
        buf[..d.len()].copy_from_slice(d);
        return &buf[..d.len()];
    }
    let lo = i.saturating_mul(16);
    let (mut a, mut b) = ([0; 20], [0; 20]);
    let (a, b) = (
        decimal_label(lo, &mut a),
        decimal_label(lo.saturating_add(15), &mut b),
    );
    buf[..a.len()].copy_from_slice(a);
    buf[a.len()] = b'-';
    buf[a.len() + 1..a.len() + 1 + b.len()].copy_from_slice(b);
    &buf[..a.len() + 1 + b.len()]
}

/// `n` in decimal digits, written into `buf` (no allocation per label).
fn decimal_label(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// The largest response size counted (1 PiB); see `Collector::web`.
const MAX_RESPONSE_BYTES: u64 = 1 << 50;

/// The client memo has 2^CLIENT_BITS sets of two slots (see [`client_slot`]): 512 KiB per
/// worker.
const CLIENT_BITS: u32 = 13;

/// The client memo: sets of two slots, and the seed of its texts' hashes.
#[derive(Default)]
struct ClientMemo {
    seed: u64,
    sets: Vec<ClientSet>,
}

/// Two slots of the client memo, in one cache line: the memo is bigger than a core's L1 cache
/// and read at random, and a slot of 88 bytes, most of them across two lines, once made the
/// lookup a sixth of an Unbound line's time for a twelfth of its instructions.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct ClientSet([ClientSlot; 2]);

/// A slot of the client memo.
#[derive(Clone, Copy, Default)]
#[repr(C)]
struct ClientSlot {
    /// The text's hash ([`client_slot`]); 0: empty.
    key: u64,
    /// The client's keyed hash.
    hash: u64,
    /// The network's hash, once asked for (DNS sources); 0: not yet.
    net: u64,
    /// The address's place in the `ip_version` lists ([`ip_version`]).
    version: u8,
}

/// Labels kept in a panel's hot set (see [`Collector`]).
const HOT: usize = 8;

/// The longest label a hot set keeps (longer ones go to the panel's map).
const HOT_TEXT: usize = 32;

/// A panel's hot labels, inline: a scan compares lengths, then words, without following a
/// pointer per label.
#[derive(Clone, Default)]
struct HotSet {
    used: usize,
    len: [u8; HOT],
    text: [[u8; HOT_TEXT]; HOT],
    n: [u64; HOT],
}

impl HotSet {
    /// Counts `label` when the set has it or room for it; false otherwise.
    #[inline(always)]
    fn add(&mut self, label: &[u8]) -> bool {
        if label.len() > HOT_TEXT {
            return false;
        }
        for i in 0..self.used {
            if usize::from(self.len[i]) == label.len() && same(&self.text[i][..label.len()], label)
            {
                self.n[i] += 1;
                return true;
            }
        }
        if self.used == HOT {
            return false;
        }
        let i = self.used;
        self.len[i] = label.len() as u8;
        self.text[i][..label.len()].copy_from_slice(label);
        self.n[i] = 1;
        self.used += 1;
        true
    }

    /// Each label and its count.
    fn labels(&self) -> impl Iterator<Item = (&[u8], u64)> {
        (0..self.used).map(|i| (&self.text[i][..usize::from(self.len[i])], self.n[i]))
    }
}

/// Whether the address finder could find anything in `label`: every form it knows has a `:`
/// (IPv6), a `%` (`%3A`), a `\` (an escape of an address byte), a digit, `.`, digit (IPv4,
/// also in reverse names), a `.` before `in-addr.arpa` / `ip6.arpa`, or a dashed quad before a
/// `.` (`ip-192-0-2-11.ec2.internal`) or at a label's end (`ip-192-0-2-77`). Labels without
/// (most paths: `/blog/2024/a.html`) are counted as they are; a property test holds this to
/// the finder.
fn may_hold_address(label: &[u8]) -> bool {
    // `\` leads an escape of an address byte (`192\u002e0\u002e2\u002e17`, `\x2e`).
    if memchr::memchr3(b':', b'%', b'\\', label).is_some() {
        return true;
    }
    // A dashed quad that ends a label with no dot after it (`ip-192-0-2-77`).
    if memchr::memchr_iter(b'-', label)
        .any(|j| crate::anonymize::scan::dashed_quad_ending_at(label, j, b' '))
    {
        return true;
    }
    memchr::memchr_iter(b'.', label).any(|j| {
        let rest = &label[j + 1..];
        (j > 0 && label[j - 1].is_ascii_digit() && rest.first().is_some_and(u8::is_ascii_digit))
            || crate::anonymize::scan::dashed_quad_at(label, j, b' ')
            || rest.first().is_some_and(|&c| c | 0x20 == b'i')
                && (rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"ip6.arpa")
                    || rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"ip6.int")
                    || rest.len() >= 12 && rest[..12].eq_ignore_ascii_case(b"in-addr.arpa"))
    })
}

impl Collector {
    /// A collector adding to `state`.
    pub fn new(
        state: State,
        uniques: Uniques,
        scrub: Anonymizer,
        reference: DateTime<Utc>,
    ) -> Collector {
        let cap = state.capacity;
        Collector {
            state,
            uniques,
            scrub,
            cache: Cache::default(),
            label: Vec::new(),
            lower: Vec::new(),
            reference,
            latest: reference.max(Utc::now()).timestamp() + 2 * 86_400,
            first: None,
            last: None,
            panels: (0..Panel::COUNT).map(|_| TopK::new(cap)).collect(),
            buckets: Vec::new(),
            bucket_at: Default::default(),
            last_bucket: None,
            last_time: (Vec::new(), None),
            last_second: None,
            parts: Some(Box::default()),
            agents: Default::default(),
            visits: Some(super::visits::Tracker::new()),
            hot: vec![HotSet::default(); Panel::COUNT],
            tallies: vec![[0; TALLY]; Panel::COUNT],
            numbered: vec![None; Panel::COUNT],
            duration: None,
            stream: String::new(),
            geo: None,
            clients: ClientMemo::default(),
            names: Vec::new(),
            pages: Default::default(),
            nets: Vec::new(),
            questions: 0,
            answers: 0,
        }
    }

    /// Moves the lines counted per page into the page panel (see [`super::keyed`]).
    fn flush_pages(&mut self) {
        let mut pages = std::mem::take(&mut self.pages);
        pages.drain(|page, n| self.count(Panel::Web(Web::Page), page, n));
        self.pages = pages;
    }

    /// Adds the lines counted per user agent to the browser, OS and agent panels, and forgets
    /// the user agents (at the end, and when too many were seen).
    fn flush_agents(&mut self) {
        let agents: Vec<_> = self.agents.drain().collect();
        for (_, (l, _, n)) in agents {
            if n > 0 {
                self.count(Panel::Web(Web::ClientFamily), l.family.as_bytes(), n);
                self.count(Panel::Web(Web::Browser), l.version.as_bytes(), n);
                self.count(Panel::Web(Web::Os), l.os.as_bytes(), n);
                self.count(Panel::Web(Web::OsVersion), l.os_version.as_bytes(), n);
                self.count(
                    Panel::Web(Web::Agent),
                    if l.bot { b"bot" } else { b"human" },
                    n,
                );
            }
        }
    }

    /// The index in `agents` of a user agent, added when new.
    fn agent(&mut self, ua: &[u8]) -> usize {
        if let Some(i) = self.agents.find(ua) {
            return i;
        }
        if self.agents.full() {
            self.flush_agents();
        }
        let v = (AgentLabels::of(ua), super::visits::agent(ua), 0);
        self.agents.insert(ua, v)
    }

    /// Counts the number `i` in `panel` (a name's length or labels; a response size's bin of
    /// 16 bytes), by place while it is below [`NUMBERED`] (one increment instead of a label
    /// lookup), as its label beyond (see [`number_label`]).
    #[inline(always)]
    fn number(&mut self, panel: Panel, i: u64) {
        // A number in the panel's table, once it has one: one increment, inline (the panel
        // known at the call site is its index there); the rest is a call.
        if i < NUMBERED as u64
            && let Some(counts) = self.numbered[panel.index()].as_mut()
        {
            counts[i as usize] += 1;
            return;
        }
        self.number_by(panel, i, 1);
    }

    /// Counts `n` of the number `i` in `panel` (see [`Collector::number`]).
    fn number_by(&mut self, panel: Panel, i: u64, n: u64) {
        match usize::try_from(i).ok().filter(|&i| i < NUMBERED) {
            Some(i) => {
                self.numbered[panel.index()].get_or_insert_with(|| Box::new([0; NUMBERED]))[i] += n
            }
            None => {
                let mut buf = [0; 41];
                self.count(panel, number_label(panel, i, &mut buf), n);
            }
        }
    }

    /// Counts the label at place `i` of `panel`'s fixed list (see [`tally_label`]).
    #[inline(always)]
    fn tally(&mut self, panel: Panel, i: usize) {
        self.tallies[panel.index()][i] += 1;
    }

    /// A client's keyed hash ([`Uniques::client`]) and its address's place in the
    /// `ip_version` lists, through the memo.
    fn client(&mut self, text: &[u8]) -> (u64, usize) {
        let (e, _) = client_slot(&mut self.clients, &self.uniques, text);
        (e.hash, usize::from(e.version))
    }

    /// A DNS source's keyed hash and address, and its network's keyed hash
    /// ([`Uniques::network`]; `None` when the source is no address), through the client memo,
    /// one lookup for both (an IPv6 network is hashed through SHA-256: thousands of
    /// instructions).
    fn source(&mut self, text: &[u8]) -> ((u64, usize), Option<u64>) {
        let (u, nets) = (&self.uniques, &mut self.nets);
        let (e, fresh) = client_slot(&mut self.clients, u, text);
        let address = usize::from(e.version) < 2;
        if address && e.net == 0 {
            // Read again where a web line filled the slot (rare: one worker, two kinds).
            let ip = fresh.or_else(|| u.client(text).1);
            e.net = ip.map_or(0, |ip| network_hash(nets, u, ip));
        }
        ((e.hash, usize::from(e.version)), address.then_some(e.net))
    }

    /// Counts one `label` in `panel`: in the panel's hot set when it is there or the set has
    /// room, else through [`Collector::count`].
    ///
    /// Inlined so that a panel known at the call site is its index and hot-set flag there, not
    /// a `match` per label (~10 labels a line).
    #[inline(always)]
    fn label(&mut self, panel: Panel, label: &[u8]) {
        self.label_at(panel.index(), !panel.many_labels(), label);
    }

    /// [`Collector::label`] by the panel's index.
    fn label_at(&mut self, panel: usize, hot: bool, label: &[u8]) {
        if hot && self.hot[panel].add(label) {
            return;
        }
        self.count_at(panel, label, 1);
    }

    /// Counts `n` of `label` in `panel`, the label scrubbed of addresses first.
    fn count(&mut self, panel: Panel, label: &[u8], n: u64) {
        self.count_at(panel.index(), label, n);
    }

    /// [`Collector::count`] by the panel's index.
    fn count_at(&mut self, panel: usize, label: &[u8], n: u64) {
        // A label the panel has is one scrubbing leaves as it is (the panel's labels are
        // scrubbed, and truncating a second time changes nothing): no need to look for addresses
        // in the pages and sites seen before.
        if self.panels[panel].bump(label, n) {
            return;
        }
        if may_hold_address(label) {
            self.label.clear();
            self.scrub
                .rewrite_line(label, b' ', &mut self.label, &mut self.cache);
            self.panels[panel].add(&self.label, n);
        } else {
            self.panels[panel].add(label, n);
        }
    }

    #[inline(always)]
    fn bucket(&mut self, t: Option<At>) -> Option<&mut Bucket> {
        let Some(t) = t else {
            self.state.undated += 1;
            return None;
        };
        if self.first.is_none_or(|f| t < f) {
            self.first = Some(t);
        }
        if self.last.is_none_or(|l| t > l) {
            self.last = Some(t);
        }
        let at = match self.last_bucket {
            Some((at, from, to)) if (from..=to).contains(&t.secs) => at,
            _ => {
                let len = if self.state.bucket == Granularity::Hour {
                    3600
                } else {
                    86_400
                };
                let offset = i64::from(self.state.tz_offset);
                let idx = (t.secs + offset).div_euclid(len);
                let buckets = &mut self.buckets;
                let at = *self.bucket_at.entry(idx).or_insert_with(|| {
                    buckets.push((idx, Bucket::default()));
                    buckets.len() - 1
                });
                self.last_bucket = Some((at, idx * len - offset, (idx + 1) * len - offset - 1));
                at
            }
        };
        Some(&mut self.buckets[at].1)
    }

    fn time(&mut self, raw: Option<&[u8]>) -> Option<At> {
        let raw = raw?;
        if same(&self.last_time.0, raw) {
            return self.last_time.1;
        }
        // A time of the same second as the last, but for its fraction (BIND's `13:00:00.007`,
        // Squid's `1791640536.007`): that second's instant with this fraction, where the last
        // full reading showed the format reads the fraction so.
        let frac = fraction(raw);
        if let (Some((k, nanos)), Some(Some(second))) = (frac, self.last_second)
            && self.last_time.0.len() > k
            && self.last_time.0[k] == b'.'
            && same(&self.last_time.0[..k], &raw[..k])
        {
            return Some(At {
                secs: second.secs,
                nanos,
            });
        }
        // A time of the same minute as the last (`…:13:55:37 +0000` after `…:13:55:36 +0000`):
        // the last instant moved by the seconds between them.
        if frac.is_none()
            && let Some(last) = self.last_time.1
            && let Some(by) = later_second(&self.last_time.0, raw)
            && let t = (At {
                secs: last.secs + by,
                nanos: last.nanos,
            })
            && (time::EARLIEST..=self.latest).contains(&t.secs)
        {
            self.last_time.0.clear();
            self.last_time.0.extend_from_slice(raw);
            self.last_time.1 = Some(t);
            self.last_second = None;
            return Some(t);
        }
        self.last_time.0.clear();
        self.last_time.0.extend_from_slice(raw);
        let t = time::parse(raw, self.reference, self.state.tz_offset)
            .map(At::of)
            .filter(|t| (time::EARLIEST..=self.latest).contains(&t.secs));
        self.last_time.1 = t;
        self.last_second = match (frac, t) {
            (Some((_, nanos)), Some(t)) if t.nanos == nanos => Some(Some(At {
                secs: t.secs,
                nanos: 0,
            })),
            _ => None,
        };
        t
    }

    /// Counts one line, as the server wrote it, with its fields.
    pub fn line(&mut self, line: &[u8], f: &Fields) {
        let (shown, sf) = (line, f);
        self.state.lines += 1;
        let time = self.time(f.get(Std::Time).map(|(a, b)| &line[a..b]));
        let client = f.get(Std::Client).map(|(a, b)| &line[a..b]);
        let client = client.filter(|c| !c.is_empty() && *c != b"-");
        if sf.has(Std::Message) {
            // The server's own message: counted apart, in no series and no panel.
            self.state.server_lines += 1;
        } else if sf.get(Std::Qname).is_some()
            || sf.get(Std::Rcode).is_some()
            || sf.get(Std::Event).is_some()
        {
            self.dns(time, client, shown, sf);
        } else if sf.get(Std::Request).is_some()
            || sf.get(Std::Status).is_some()
            // A connection (HAProxy's tcplog): a client and bytes, no request.
            || sf.get(Std::Client).is_some() && sf.get(Std::Bytes).is_some()
        {
            self.web(time, client, shown, sf);
        } else {
            // A line of a known format with neither (a log's banner): counted, nothing else.
            let _ = self.bucket(time);
        }
    }

    fn web(&mut self, time: Option<At>, client: Option<&[u8]>, line: &[u8], f: &Fields) {
        // The response size, read once: the series' bytes and the `response_bytes` panel.
        // A size beyond any response (1 PiB) is a damaged field: counted as none, so that the
        // bytes a day sums never reach 2^64 and stop there unseen (an adversarial review).
        let size = field(f, line, Std::Bytes)
            .and_then(decimal)
            .filter(|&n| n <= MAX_RESPONSE_BYTES);
        let bytes = size.unwrap_or(0);
        let hashes = client.map(|c| self.client(c));
        let hash = hashes.map(|(h, _)| h);
        // Countries and networks from the full address, before anything is truncated.
        if let Some(geo) = self.geo.clone()
            && f.get(Std::Client).is_some()
        {
            // The address read again (not hashed): kept in the memo, it would not fit a cache
            // line.
            let (country, network) = match client.and_then(super::uniques::address) {
                Some(ip) => geo.lookup(ip),
                _ => (super::geo::UNKNOWN.into(), super::geo::UNKNOWN.into()),
            };
            self.label(Panel::Web(Web::Country), country.as_bytes());
            self.label(Panel::Web(Web::Network), network.as_bytes());
        }
        if f.get(Std::Client).is_some() {
            self.tally(Panel::Web(Web::IpVersion), hashes.map_or(2, |(_, v)| v));
        }
        // The response time, where the format has one; a line without it counts as `(none)`
        // (every web panel counts the same lines).
        let micros = self
            .duration
            .map(|unit| field(f, line, Std::Duration).and_then(|v| unit.micros(v)));
        if let Some(b) = self.bucket(time) {
            b.requests += 1;
            b.bytes = b.bytes.saturating_add(bytes);
            if let Some(h) = hash {
                b.visitors.add(h);
            }
            if let Some(Some(us)) = micros {
                b.durations.add(us);
            }
        }
        if let Some(us) = micros {
            let bin = us.map_or(RESPONSE_TIME_MS.len() + 1, response_time_bin);
            self.tally(Panel::Web(Web::ResponseTime), bin);
        }
        // The response size in decimal bins; a request without one (`-`) is `(none)`.
        let size_bin = size.map_or(SIZE_BINS.len() + 1, |n| bin(SIZE_BINS, n));
        self.tally(Panel::Web(Web::ResponseBytes), size_bin);
        // The hour of the day at the buckets' offset (`--tz`); an undated request is `(none)`.
        let hour = time.map_or(24, |t| {
            let local = t.secs + i64::from(self.state.tz_offset);
            local.rem_euclid(86_400) as usize / 3600
        });
        self.tally(Panel::Web(Web::Hour), hour);
        let status = field(f, line, Std::Status);
        let user_agent = field(f, line, Std::UserAgent);
        // A connection (HAProxy's tcplog): no request and no status, counted as `(none)` in
        // their panels like any line whose format has the field but not a value.
        let connection = f.get(Std::Request).is_none()
            && f.get(Std::Method).is_none()
            && f.get(Std::Status).is_none();
        match status {
            Some(s) => {
                self.label(Panel::Web(Web::Status), s);
                self.tally(Panel::Web(Web::StatusClass), status_class_index(s));
            }
            None if connection => {
                self.label(Panel::Web(Web::Status), NONE);
                self.tally(Panel::Web(Web::StatusClass), STATUS_CLASSES.len());
            }
            None => {}
        }
        let agent = user_agent.map(|ua| self.agent(ua));
        let mut parts = self.parts.take().unwrap_or_default();
        parts.clear();
        // Only looked up: no ordered list to push onto.
        parts.in_order(false);
        if f.get(Std::Method).is_none()
            && let Some((a, b)) = f.get(Std::Request)
        {
            parts.std(Std::Request, a, b);
            crate::format::fields::split_request(line, &mut parts);
        }
        let pf = if f.get(Std::Method).is_some() {
            f
        } else {
            &parts
        };
        // A line whose format has the field but not a value counts as `(none)`: every panel of
        // a kind then counts the same lines, and no difference of two panel totals publishes
        // a small number (3 requests that were `"-"`) past K.
        if f.get(Std::Request).is_some() || pf.get(Std::Method).is_some() || connection {
            for (panel, name) in [
                (Panel::Web(Web::Method), Std::Method),
                (Panel::Web(Web::Protocol), Std::Protocol),
            ] {
                self.label(panel, field(pf, line, name).unwrap_or(NONE));
            }
            // The page, known by one key in its panel and in the visit order.
            let page = field(pf, line, Std::Path).unwrap_or(NONE);
            let key = super::visits::page_key(page);
            if !self.pages.add(key, page) {
                self.flush_pages();
                if !self.pages.add(key, page) {
                    self.count(Panel::Web(Web::Page), page, 1);
                }
            }
            if status == Some(b"404") {
                self.label(Panel::Web(Web::NotFoundPage), page);
            }
            // Visit order, for a request with a time and a client: the visitor is the client's
            // keyed hash with the user agent, in memory only.
            if let (Some(t), Some(h)) = (time, hash) {
                let visitor =
                    super::visits::visitor(h, agent.map_or(0, |id| self.agents.get(id).1));
                self.visits
                    .as_mut()
                    .expect("a tracker")
                    .request(visitor, key, page, t.secs);
            }
        }
        if let Some(r) = field(f, line, Std::Referrer) {
            let r = if r == b"-" || r.is_empty() {
                NONE
            } else {
                site(r)
            };
            self.label(Panel::Web(Web::ReferrerSite), r);
        }
        if let Some(id) = agent {
            self.agents.get_mut(id).2 += 1;
        }
        self.parts = Some(parts);
    }

    fn dns(&mut self, time: Option<At>, client: Option<&[u8]>, line: &[u8], f: &Fields) {
        let ev = field(f, line, Std::Event);
        let kind = dns::line_kind(
            ev,
            f.get(Std::Rcode).is_some(),
            f.get(Std::Qname).is_some(),
            field(f, line, Std::Answer),
        );
        let (question, answer) = match kind {
            dns::LineKind::Other => {
                let _ = self.bucket(time); // dated, nothing to count
                return;
            }
            dns::LineKind::Answer => (false, true),
            dns::LineKind::Question => (true, false),
            dns::LineKind::Both => (true, true),
        };
        // A line that is both (a query no question line was logged for) is counted on the
        // question side alone: it neither makes its stream one that logs questions nor is among
        // the answers that count as queries when the stream does not (see `super::Stream`).
        let both = question && answer;
        self.questions += u64::from(question && !both);
        self.answers += u64::from(answer);
        let (hashes, net) = match client.map(|c| self.source(c)) {
            Some((h, net)) => (Some(h), net),
            None => (None, None),
        };
        if let Some(b) = self.bucket(time) {
            b.dns_answers += u64::from(answer && !both);
            b.dns_questions += u64::from(question);
            if let Some((h, _)) = hashes {
                b.sources.add(h);
            }
            if let Some(n) = net {
                b.networks.add(n);
            }
        }
        // Every panel of a side counts every line of that side, a missing value as `(none)`
        // (see `NONE`); a panel of nothing else is left out of reports. A line that is both
        // counts on both sides.
        if question {
            self.query_panels(Side::Question, hashes, line, f);
        }
        if answer {
            if !both {
                self.query_panels(Side::Answer, hashes, line, f);
            }
            self.answer_panels(ev, line, f);
        }
    }

    /// The panels that describe the query, on one side.
    #[inline(always)]
    fn query_panels(&mut self, side: Side, hashes: Option<(u64, usize)>, line: &[u8], f: &Fields) {
        let answer = side == Side::Answer;
        // The common types by place in `QTYPES` ([`tally_label`]), the others as labels.
        let qtype = field(f, line, Std::Qtype).unwrap_or(NONE);
        match qtype_place(qtype) {
            Some(i) => self.tally(Panel::Query(side, Query::Qtype), i),
            None => self.label(Panel::Query(side, Query::Qtype), qtype),
        }
        self.tally(
            Panel::Query(side, Query::IpVersion),
            hashes.map_or(2, |(_, v)| v),
        );
        let flags = field(f, line, Std::Flags).map(dns::QueryFlags::of);
        // The transport as written (in lower case), else as the flags tell (`T`: TCP); UDP, TCP
        // and none by place in `TRANSPORTS` ([`tally_label`]).
        let transport = Panel::Query(side, Query::Transport);
        match field(f, line, Std::Transport) {
            Some(t) => match TRANSPORTS
                .iter()
                .position(|w| t.eq_ignore_ascii_case(w.as_bytes()))
            {
                Some(i) => self.tally(transport, i),
                None => self.label(transport, &t.to_ascii_lowercase()),
            },
            None => match flags.filter(|_| !answer) {
                Some(fl) => self.tally(transport, usize::from(fl.tcp)),
                None => self.tally(transport, TRANSPORTS.len()),
            },
        }
        match flags.filter(|_| !answer && f.get(Std::Qname).is_some()) {
            // By place in `EDNS` and `DO` ([`tally_label`]).
            Some(fl) => {
                self.tally(Panel::Query(side, Query::Edns), usize::from(!fl.edns));
                self.tally(Panel::Query(side, Query::Do), usize::from(!fl.dnssec_ok));
            }
            None => {
                self.tally(Panel::Query(side, Query::Edns), EDNS.len());
                self.tally(Panel::Query(side, Query::Do), DO.len());
            }
        }
        let name = field(f, line, Std::Qname)
            .map(|q| q.strip_suffix(b".").unwrap_or(q))
            .filter(|n| !n.is_empty() && *n != b"-");
        if name.is_none() {
            for q in [Query::Tld, Query::Domain, Query::QnameLength, Query::Labels] {
                self.label(Panel::Query(side, q), NONE);
            }
        }
        if let Some(name) = name {
            if name.len() > NAME_TEXT {
                let mut hits = [0; 2];
                hits[side as usize] = 1;
                self.count_name(name, hits);
                return;
            }
            if self.names.is_empty() {
                self.names = vec![NameSlot::default(); 1 << NAME_BITS];
            }
            // Two ways per set, as for clients: a new name goes first, the first moves second
            // and the second's lines go into the panels.
            let set =
                2 * (crate::bytes::mix_words(name.len() as u64, name) >> (65 - NAME_BITS)) as usize;
            let holds = |e: &NameSlot| same(&e.text[..usize::from(e.len)], name);
            let slot = if holds(&self.names[set]) {
                set
            } else if holds(&self.names[set + 1]) {
                set + 1
            } else {
                self.flush_name(set + 1);
                self.names[set + 1] = self.names[set];
                let e = &mut self.names[set];
                e.hits = [0; 2];
                e.text[..name.len()].copy_from_slice(name);
                e.len = name.len() as u8;
                set
            };
            self.names[slot].hits[side as usize] += 1;
        }
    }

    /// Counts the lines of the name in memo slot `slot` into the name panels of each side, and
    /// zeroes them. A name's lines are counted in its slot, one increment a line, and moved into
    /// the panels when another name takes the slot or counting ends: four panel updates a line
    /// (and a public-suffix lookup per new name) were a fifth of counting an Unbound line. The
    /// panels are Misra-Gries summaries, whose bound holds for counts added in any order and
    /// amount.
    fn flush_name(&mut self, slot: usize) {
        let e = &mut self.names[slot];
        let hits = std::mem::take(&mut e.hits);
        let (text, len) = (e.text, usize::from(e.len));
        if hits != [0, 0] {
            self.count_name(&text[..len], hits);
        }
    }

    /// Counts query name `name` (without its final dot, not empty) into the name panels
    /// (`tld`, `domain`, length, labels) of each [`Side`], `hits[side]` lines each; the labels
    /// are read once for both.
    fn count_name(&mut self, name: &[u8], hits: [u64; 2]) {
        let mut lower = std::mem::take(&mut self.lower);
        let (tld, domain) = name_labels(name, &mut lower);
        let labels = name.iter().filter(|&&b| b == b'.').count() as u64 + 1;
        for (side, n) in [(Side::Question, hits[0]), (Side::Answer, hits[1])] {
            if n > 0 {
                self.count(Panel::Query(side, Query::Tld), tld, n);
                self.count(Panel::Query(side, Query::Domain), domain, n);
                self.number_by(Panel::Query(side, Query::QnameLength), name.len() as u64, n);
                self.number_by(Panel::Query(side, Query::Labels), labels, n);
            }
        }
        self.lower = lower;
    }

    /// The panels of answer lines.
    fn answer_panels(&mut self, ev: Option<&[u8]>, line: &[u8], f: &Fields) {
        {
            let rcode = match field(f, line, Std::Rcode) {
                Some(r) => dns::rcode(r),
                // dnsmasq writes no code for an answer with data: it is NOERROR.
                None if ev.is_some_and(dns::answered_by_server) => Cow::Borrowed(&b"NOERROR"[..]),
                None => Cow::Borrowed(NONE),
            };
            // The codes by place in `RCODES` ([`tally_label`]), others as labels.
            match rcode_place(&rcode) {
                Some(i) => self.tally(Panel::Answer(Answer::Rcode), i),
                None => self.label(Panel::Answer(Answer::Rcode), &rcode),
            }
            // By place in `CACHE` and `BLOCKED` ([`tally_label`]).
            let cached = field(f, line, Std::Cached);
            let cache = match (cached, ev) {
                (Some(b"1"), _) | (_, Some(b"cached")) => 0,
                (Some(b"0"), _) | (_, Some(b"reply")) => 1,
                _ => CACHE.len(),
            };
            self.tally(Panel::Answer(Answer::Cache), cache);
            let blocked = if f.get(Std::Blocked).is_some() {
                0
            } else if ev.is_some_and(dns::answered_by_server) {
                1
            } else {
                BLOCKED.len()
            };
            self.tally(Panel::Answer(Answer::Blocked), blocked);
            match field(f, line, Std::Size).and_then(decimal) {
                Some(sz) => self.number(Panel::Answer(Answer::ResponseSize), sz / 16),
                None => self.label(Panel::Answer(Answer::ResponseSize), NONE),
            }
        }
    }

    /// The visits of the piece counted since the last call, to be joined with the other
    /// pieces' in input order (`crate::stats::visits::Join`); the steps the piece decided alone
    /// are counted here.
    pub fn take_visits(&mut self) -> super::visits::Piece {
        self.visits.as_mut().expect("a tracker").take()
    }

    /// Counts visit steps (labels and their counts).
    pub fn count_steps(&mut self, steps: Vec<(Vec<u8>, u64)>) {
        for (label, n) in steps {
            self.count(Panel::Web(Web::VisitStep), &label, n);
        }
    }

    /// Counts what a join counted: its kept steps, and its total and error bound beyond them.
    pub fn count_joined(&mut self, c: super::visits::Counted) {
        let kept = c.labels.iter().fold(0u64, |a, l| a.saturating_add(l.1));
        self.count_steps(c.labels);
        let p = &mut self.panels[Panel::Web(Web::VisitStep).index()];
        p.total = p.total.saturating_add(c.total.saturating_sub(kept));
        p.error = p.error.saturating_add(c.error);
    }

    /// Ends counting: moves panels and buckets into the state and records the time range.
    pub fn finish(mut self) -> State {
        // Visits still open here were counted as one piece: joined alone, they end here.
        let mut piece = self.take_visits();
        if !piece.requests.is_empty() {
            let mut join = super::visits::Join::new(self.state.capacity);
            join.piece(&mut piece);
            self.count_joined(join.finish());
        }
        self.flush_agents();
        self.flush_pages();
        for slot in 0..self.names.len() {
            self.flush_name(slot);
        }
        for i in 0..self.tallies.len() {
            let counts = self.tallies[i];
            for (k, n) in counts.into_iter().enumerate().filter(|&(_, n)| n > 0) {
                let panel = Panel::from_index(i);
                let label = tally_label(panel, k).expect("a tallied label is in its list");
                self.count(panel, label, n);
            }
        }
        for i in 0..self.numbered.len() {
            let Some(counts) = self.numbered[i].take() else {
                continue;
            };
            let panel = Panel::from_index(i);
            for (k, &n) in counts.iter().enumerate().filter(|&(_, &n)| n > 0) {
                let mut buf = [0; 41];
                self.count(panel, number_label(panel, k as u64, &mut buf), n);
            }
        }
        for i in 0..self.hot.len() {
            let hot = std::mem::take(&mut self.hot[i]);
            for (label, n) in hot.labels() {
                self.count(Panel::from_index(i), label, n);
            }
        }
        let f = self.first.and_then(At::datetime).map(|t| t.to_rfc3339());
        let l = self.last.and_then(At::datetime).map(|t| t.to_rfc3339());
        self.state.first = min_opt(self.state.first.take(), f, false);
        self.state.last = min_opt(self.state.last.take(), l, true);
        let hourly = self.state.bucket == Granularity::Hour;
        let len = if hourly { 3600 } else { 86_400 };
        let mut stream = super::Stream {
            questions: self.questions,
            ..Default::default()
        };
        for (idx, b) in self.buckets.drain(..) {
            let start = DateTime::<Utc>::from_timestamp(idx * len, 0).unwrap_or_default();
            // The index already includes the offset: the key is the local bucket's name.
            let key = time::bucket(start, hourly, 0);
            if b.dns_answers > 0 {
                stream.answers.insert(key.clone(), b.dns_answers);
            }
            self.state.series.entry(key).or_default().merge(&b);
        }
        if self.questions > 0 || self.answers > 0 {
            self.state
                .streams
                .entry(self.stream.clone())
                .or_default()
                .add(&stream);
        }
        for (i, p) in self.panels.into_iter().enumerate() {
            if p.counts.is_empty() {
                continue;
            }
            // The answer side's query panels are the stream's own (see `super::Stream`).
            let key = match Panel::from_index(i) {
                Panel::Query(Side::Answer, q) => super::answer_key(&self.stream, q.key()),
                p => p.key(),
            };
            match self.state.panels.get_mut(&key) {
                Some(mine) => mine.merge(&p),
                None => {
                    self.state.panels.insert(key, p);
                }
            }
        }
        self.state
    }
}

/// Room per panel in [`Collector`]'s tallies: the longest fixed list (24 hours and `(none)`).
const TALLY: usize = 25;

/// The label at place `i` of a panel whose labels come from a fixed list (what the collector
/// tallies); `None` for other panels and places past the list. `(none)` is last.
fn tally_label(panel: Panel, i: usize) -> Option<&'static [u8]> {
    let from = |list: &'static [&'static str]| match i.cmp(&list.len()) {
        std::cmp::Ordering::Less => Some(list[i].as_bytes()),
        std::cmp::Ordering::Equal => Some(NONE),
        std::cmp::Ordering::Greater => None,
    };
    let bins = |bins: &'static [(u64, &'static str)], last: &'static str| match i {
        i if i < bins.len() => Some(bins[i].1.as_bytes()),
        i if i == bins.len() => Some(last.as_bytes()),
        i if i == bins.len() + 1 => Some(NONE),
        _ => None,
    };
    match panel {
        Panel::Web(Web::IpVersion) | Panel::Query(_, Query::IpVersion) => {
            ["IPv4", "IPv6", "unknown"].get(i).map(|l| l.as_bytes())
        }
        Panel::Web(Web::Hour) => from(&HOURS),
        Panel::Web(Web::StatusClass) => from(&STATUS_CLASSES),
        Panel::Web(Web::ResponseBytes) => bins(SIZE_BINS, "10000000-"),
        Panel::Web(Web::ResponseTime) => bins(RESPONSE_TIME_MS, "30000-"),
        Panel::Query(_, Query::Edns) => from(&EDNS),
        Panel::Query(_, Query::Transport) => from(&TRANSPORTS),
        Panel::Answer(Answer::Cache) => from(&CACHE),
        Panel::Answer(Answer::Blocked) => from(&BLOCKED),
        Panel::Query(_, Query::Do) => from(&DO),
        Panel::Query(_, Query::Qtype) => from(&QTYPES),
        Panel::Answer(Answer::Rcode) => from(&RCODES),
        _ => None,
    }
}

/// The `edns` panel's labels: whether a query had EDNS.
const EDNS: [&str; 2] = ["EDNS", "no EDNS"];

/// The `do` panel's labels: whether a query set the DNSSEC OK bit.
const DO: [&str; 2] = ["DO set", "DO clear"];

/// The transports the `transport` panel tallies by place (others, such as DoH, are labels).
const TRANSPORTS: [&str; 2] = ["udp", "tcp"];

/// The query types the `qtype` panel tallies by place, as servers write them (a type written
/// otherwise, `a` or `TYPE65`, is a label of its own, as it was before): one comparison by
/// length and bytes instead of a search of the panel's hot labels, out of line, per line.
const QTYPES: [&str; 16] = [
    "A", "AAAA", "HTTPS", "PTR", "TXT", "MX", "NS", "SOA", "CNAME", "SRV", "SVCB", "DS", "DNSKEY",
    "ANY", "NAPTR", "CAA",
];

/// The place of `t` in [`QTYPES`], `(none)` last.
fn qtype_place(t: &[u8]) -> Option<usize> {
    Some(match t {
        b"A" => 0,
        b"AAAA" => 1,
        b"HTTPS" => 2,
        b"PTR" => 3,
        b"TXT" => 4,
        b"MX" => 5,
        b"NS" => 6,
        b"SOA" => 7,
        b"CNAME" => 8,
        b"SRV" => 9,
        b"SVCB" => 10,
        b"DS" => 11,
        b"DNSKEY" => 12,
        b"ANY" => 13,
        b"NAPTR" => 14,
        b"CAA" => 15,
        b"(none)" => QTYPES.len(),
        _ => return None,
    })
}

/// The response codes the `rcode` panel tallies by place (the names [`dns::rcode`] gives).
const RCODES: [&str; 11] = [
    "NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "FORMERR", "NOTIMP", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE",
];

/// The place of `c` in [`RCODES`], `(none)` last.
fn rcode_place(c: &[u8]) -> Option<usize> {
    Some(match c {
        b"NOERROR" => 0,
        b"NXDOMAIN" => 1,
        b"SERVFAIL" => 2,
        b"REFUSED" => 3,
        b"FORMERR" => 4,
        b"NOTIMP" => 5,
        b"YXDOMAIN" => 6,
        b"YXRRSET" => 7,
        b"NXRRSET" => 8,
        b"NOTAUTH" => 9,
        b"NOTZONE" => 10,
        b"(none)" => RCODES.len(),
        _ => return None,
    })
}

/// The `cache` panel's labels: answered from the cache, or after asking another server.
const CACHE: [&str; 2] = ["cached", "forwarded"];

/// The `blocked` panel's labels: blocked by a list, or answered by the server itself.
const BLOCKED: [&str; 2] = ["blocked", "answered"];

/// An address's place in the `ip_version` lists (see [`tally_label`]); 2 (`unknown`) for a
/// client that is no address.
fn ip_version(ip: Option<IpAddr>) -> usize {
    match ip {
        Some(IpAddr::V4(_)) => 0,
        Some(IpAddr::V6(_)) => 1,
        None => 2,
    }
}

/// The place of `v` among `bins` (upper bounds excluded; past the last: `bins.len()`).
fn bin(bins: &[(u64, &str)], v: u64) -> usize {
    bins.iter()
        .position(|(to, _)| v < *to)
        .unwrap_or(bins.len())
}

/// The bins of the `response_bytes` panel: upper bound (excluded), label.
const SIZE_BINS: &[(u64, &str)] = &[
    (1000, "0-999"),
    (10_000, "1000-9999"),
    (100_000, "10000-99999"),
    (1_000_000, "100000-999999"),
    (10_000_000, "1000000-9999999"),
];

/// The labels of the `hour_of_day` panel.
const HOURS: [&str; 24] = [
    "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15",
    "16", "17", "18", "19", "20", "21", "22", "23",
];

/// The response-time bins of the `response_time` panel, in milliseconds: `FROM-TO` (the last
/// `FROM-`), upper bounds excluded.
const RESPONSE_TIME_MS: &[(u64, &str)] = &[
    (1, "0-1"),
    (5, "1-5"),
    (10, "5-10"),
    (25, "10-25"),
    (50, "25-50"),
    (100, "50-100"),
    (250, "100-250"),
    (500, "250-500"),
    (1000, "500-1000"),
    (2500, "1000-2500"),
    (5000, "2500-5000"),
    (10_000, "5000-10000"),
    (30_000, "10000-30000"),
];

/// The place of a duration in microseconds among [`RESPONSE_TIME_MS`] (see [`tally_label`]).
fn response_time_bin(us: u64) -> usize {
    RESPONSE_TIME_MS
        .iter()
        .position(|(to, _)| us < to * 1000)
        .unwrap_or(RESPONSE_TIME_MS.len())
}

/// A count written in decimal digits (as `str::parse::<u64>` reads it, `+` allowed), without
/// going through `str`.
fn decimal(b: &[u8]) -> Option<u64> {
    let digits = b.strip_prefix(b"+").unwrap_or(b);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &c| {
        let d = c.wrapping_sub(b'0');
        (d < 10).then_some(())?;
        n.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// A field's bytes.
fn field<'a>(f: &Fields, line: &'a [u8], s: Std) -> Option<&'a [u8]> {
    f.get(s).map(|(a, b)| &line[a..b])
}

/// Whether an address literal (not a reverse-DNS name) overlaps the last `tail` bytes of `name`.
fn ends_in_address(name: &[u8], tail: usize) -> bool {
    use crate::anonymize::scan::{Colons, find_each};
    let from = name.len().saturating_sub(tail);
    let mut hit = false;
    if tail > 0 {
        find_each(name, b' ', |found| {
            let reverse = matches!(
                found.colons,
                Colons::ReverseV4 | Colons::ReverseHostV4 | Colons::ReverseV6(_)
            );
            hit |= !reverse && found.end > from;
        });
    }
    hit
}

/// The site of a referrer URL: `https://www.example.com/a?b` → `www.example.com`.
fn site(r: &[u8]) -> &[u8] {
    crate::format::url_host(r).map_or(r, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The places of the tallied query types and response codes are their lists' (and
    /// `(none)` last, as [`tally_label`] reads them); anything else is a label.
    #[test]
    fn qtype_and_rcode_places_are_their_lists() {
        for (list, place, panel) in [
            (
                &QTYPES[..],
                qtype_place as fn(&[u8]) -> Option<usize>,
                Panel::Query(Side::Question, Query::Qtype),
            ),
            (&RCODES[..], rcode_place, Panel::Answer(Answer::Rcode)),
        ] {
            for (i, w) in list.iter().enumerate() {
                assert_eq!(place(w.as_bytes()), Some(i), "{w}");
                assert_eq!(tally_label(panel, i), Some(w.as_bytes()));
            }
            assert_eq!(place(NONE), Some(list.len()));
            assert_eq!(tally_label(panel, list.len()), Some(NONE));
            for other in ["a", "aaaa", "TYPE65", "", "NOERROR ", "noerror", "BADVERS"] {
                assert_eq!(place(other.as_bytes()), None, "{other}");
            }
            assert!(list.len() < TALLY);
        }
    }

    /// [`name_labels`] reads a name as the public-suffix list's two lookups of its lower-case
    /// form do (one lookup and no copy in lower case are its shortcuts).
    #[test]
    fn name_labels_are_the_lists_suffix_and_domain() {
        for name in [
            "www.example.com",
            "WWW.Example.COM",
            "com",
            "example.co.uk",
            "a.b.example.co.uk",
            "co.uk",
            "localhost",
            "host1.corp.internal",
            "7.2.0.192.in-addr.arpa",
            "x.s3.amazonaws.com",
            "192.0.2.7",
            "::ffff:192.0.2.77",
            "a..b",
        ] {
            let lower = name.to_ascii_lowercase();
            let tld = psl::suffix(lower.as_bytes()).map(|s| s.as_bytes().to_vec());
            let domain = psl::domain(lower.as_bytes()).map(|d| d.as_bytes().to_vec());
            let tail = domain.as_ref().or(tld.as_ref()).map_or(0, Vec::len);
            let want: (Vec<u8>, Vec<u8>) = if ends_in_address(lower.as_bytes(), tail) {
                (b"(address)".to_vec(), b"(address)".to_vec())
            } else {
                (
                    tld.unwrap_or(b"(none)".to_vec()),
                    domain.unwrap_or(b"(none)".to_vec()),
                )
            };
            let mut buf = Vec::new();
            let (t, d) = name_labels(name.as_bytes(), &mut buf);
            assert_eq!((t.to_vec(), d.to_vec()), want, "{name}");
        }
        // A registered domain that is a host name with the address in dashes (its suffix,
        // `compute-1.amazonaws.com`, is on the list) published it whole.
        let mut buf = Vec::new();
        assert_eq!(
            name_labels(b"ec2-203-0-113-5.compute-1.amazonaws.com", &mut buf),
            (&b"(address)"[..], &b"(address)"[..])
        );
        assert_eq!(
            name_labels(b"ip-192-0-2-11.ec2.internal", &mut buf),
            (&b"internal"[..], &b"ec2.internal"[..])
        );
    }

    proptest::proptest! {
        /// A time a few seconds from the last, read by [`later_second`], is what reading it
        /// whole gives, in every layout of a clock the formats write.
        #[test]
        fn later_second_is_reading_the_time_whole(
            at in 1_600_000_000i64..1_900_000_000,
            by in -70i64..70,
            layout in proptest::sample::select(vec![
                "%d/%b/%Y:%H:%M:%S %z", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%:z",
                "%b %e %H:%M:%S", "%d-%b-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%a %b %d %H:%M:%S %Y",
                "%Y-%m-%dT%H:%M:%S.000Z", "%H:%M:%S",
            ]),
        ) {
            let reference = time::end_of_year(2030).unwrap();
            let show = |t: i64| {
                let t = DateTime::<Utc>::from_timestamp(t, 0).unwrap();
                t.format(layout).to_string()
            };
            let (last, raw) = (show(at), show(at + by));
            if let Some(k) = later_second(last.as_bytes(), raw.as_bytes()) {
                let whole = |s: &str| time::parse(s.as_bytes(), reference, 0);
                proptest::prop_assert_eq!(
                    whole(&last).map(|t| t.timestamp() + k),
                    whole(&raw).map(|t| t.timestamp()),
                    "{} -> {}", last, raw
                );
            }
        }

        /// Labels judged free of addresses are those in which the finder finds none.
        #[test]
        fn labels_without_an_address_by_the_quick_test_have_none(
            label in proptest::collection::vec(
                proptest::sample::select(b"0123456789.:%3Aafinp6-rd/x \\ue".to_vec()), 0..40),
            prefix in proptest::sample::select(vec![
                "", "192.0.2.7", "7.2.0.192.in-addr.arpa", "f.f.ip6.arpa", "F.IP6.ARPA",
                "2001:db8::1", "2001%3Adb8%3A%3A1", "::ffff:192.0.2.1", "ip-192-0-2-7.e",
                r"192\u002e0\u002e2\u002e7", r"192\x2e0\x2e2\x2e7", r"2001\u003adb8\u003a\u003a1",
            ]),
        ) {
            let label = [prefix.as_bytes(), &label].concat();
            let mut found = false;
            crate::anonymize::scan::find_each(&label, b' ', |_| found = true);
            if found {
                proptest::prop_assert!(may_hold_address(&label), "{}", String::from_utf8_lossy(&label));
            }
        }
    }

    /// The fraction shortcut finds what the time parser reads, and nothing else.
    #[test]
    fn later_seconds_of_a_minute() {
        for (last, raw, want) in [
            (
                "10/Oct/2026:13:55:36 +0000",
                "10/Oct/2026:13:55:37 +0000",
                Some(1),
            ),
            (
                "10/Oct/2026:13:55:36 +0000",
                "10/Oct/2026:13:55:06 +0000",
                Some(-30),
            ),
            (
                "10/Oct/2026:13:55:09 +0000",
                "10/Oct/2026:13:55:10 +0000",
                Some(1),
            ),
            ("2026-10-10T13:00:59Z", "2026-10-10T13:00:00Z", Some(-59)),
            ("13:00:00", "13:00:01", Some(1)),
            // Not the seconds, or not only: read whole.
            (
                "10/Oct/2026:13:55:36 +0000",
                "10/Oct/2026:13:56:36 +0000",
                None,
            ),
            (
                "10/Oct/2026:13:55:59 +0000",
                "10/Oct/2026:13:56:00 +0000",
                None,
            ),
            (
                "2026-10-10T13:00:00+02:00",
                "2026-10-10T13:00:00+02:30",
                None,
            ),
            (
                "10/Oct/2026:13:55:36 +0000",
                "10/Oct/2026:13:55:36 +0100",
                None,
            ),
            (
                "10/Oct/2026:13:55:36 +0000",
                "10/Oct/2026:13:55:60 +0000",
                None,
            ),
            (
                "10/Oct/2026:13:55:36 +0000",
                "10/Oct/2026:13:55:3x +0000",
                None,
            ),
            ("1791640536", "1791640537", None),
            ("13:00:00", "13:00:00", None),
            ("13:00:00", "13:00:000", None),
            ("2026:13:55:36", "2026:13:56:36", None),
            (
                "10-Oct-2026 13:00:00.007",
                "10-Oct-2026 13:00:01.007",
                Some(1),
            ),
        ] {
            assert_eq!(
                later_second(last.as_bytes(), raw.as_bytes()),
                want,
                "{last} -> {raw}"
            );
        }
    }

    #[test]
    fn fractions_of_a_second() {
        for (raw, want) in [
            ("10-Oct-2026 13:00:00.007", Some((20, 7_000_000))),
            ("1791640536.5", Some((10, 500_000_000))),
            ("10/Oct/2026:13:55:36 +0000", None),
            ("2026-10-10T13:00:00.123+02:00", None),
            ("2026.10.10", None),
            ("13:00:00.1234567891", None),
            ("12.5", None),
            (".5", None),
        ] {
            assert_eq!(fraction(raw.as_bytes()), want, "{raw}");
        }
        // Lines of one second read alike with and without the shortcut.
        let mut c = Collector::new(
            State::new(Granularity::Hour, 0, "k".into(), 10),
            Uniques::ephemeral().unwrap(),
            Anonymizer::new(crate::anonymize::Scheme::Truncate, 24, 48, Vec::new()),
            "2026-10-10T00:00:00Z".parse().unwrap(),
        );
        for raw in [
            "10-Oct-2026 13:00:00.007",
            "10-Oct-2026 13:00:00.090",
            "10-Oct-2026 13:00:00.5",
            "10-Oct-2026 13:00:01.000",
            "10-Oct-2026 13:00:01.999",
            "1791640536.25",
            "1791640536.125",
            // The same minute: the last instant and the seconds between, its fraction kept.
            "10/Oct/2026:13:55:36 +0000",
            "10/Oct/2026:13:55:37 +0000",
            "10/Oct/2026:13:55:07 +0000",
            "2026-10-10T13:00:00.123+02:00",
            "2026-10-10T13:00:01.123+02:00",
            "2026-10-10T13:00:01.500+02:00",
        ] {
            let full = time::parse(raw.as_bytes(), c.reference, 0);
            assert_eq!(
                c.time(Some(raw.as_bytes())).and_then(At::datetime),
                full,
                "{raw}"
            );
        }
    }

    /// The client memo (two ways per set, a new client first) answers what hashing the client
    /// answers, with far more clients than slots, scattered and returning, and its network too.
    #[test]
    fn client_memo_answers_as_hashing_does() {
        let u = Uniques::ephemeral().unwrap();
        let (mut clients, mut nets) = (ClientMemo::default(), Vec::new());
        let mut x: u64 = 1;
        for _ in 0..200_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = (x >> 40) % 40_000;
            let text = match k % 3 {
                0 => format!("192.0.{}.{}", k / 256 % 256, k % 256),
                1 => format!("2001:db8:{:x}::{:x}", k / 7, k),
                _ => format!("client-{k}.example"),
            };
            let (hash, ip) = u.client(text.as_bytes());
            let (e, _) = client_slot(&mut clients, &u, text.as_bytes());
            assert_eq!(
                (e.hash, usize::from(e.version)),
                (hash, ip_version(ip)),
                "{text}"
            );
            if let Some(ip) = ip {
                assert_eq!(network_hash(&mut nets, &u, ip), u.network(ip), "{text}");
            }
        }
        // A text of any length is kept.
        let long = "2001:db8:1:2:3:4:5:6%a-very-long-interface-name";
        let (hash, _) = u.client(long.as_bytes());
        assert_eq!(client_slot(&mut clients, &u, long.as_bytes()).0.hash, hash);
        assert_eq!(client_slot(&mut clients, &u, long.as_bytes()).0.hash, hash);
    }

    /// Every field the collector reads is one parsers record for it ([`COUNTED_FIELDS`]): a
    /// field read but not recorded would leave its panel empty without a word.
    #[test]
    fn counted_fields_are_every_field_read() {
        let src = include_str!("collector.rs");
        let code = &src[..src.find("#[cfg(test)]").expect("a test module")];
        // Without the list itself.
        let list = code.find("pub const COUNTED_FIELDS").expect("the list");
        let code = code[..list].to_string() + &code[list + code[list..].find("]);").unwrap()..];
        let mut read = 0;
        for (i, _) in code.match_indices("Std::") {
            let ident: String = code[i + 5..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            let std = crate::format::fields::STD_NAMES
                .iter()
                .map(|(s, _)| *s)
                .find(|s| format!("{s:?}") == ident)
                .unwrap_or_else(|| panic!("Std::{ident}"));
            read |= crate::format::fields::mask(&[std]);
        }
        assert_eq!(
            read, COUNTED_FIELDS,
            "fields read (left) and recorded (right)"
        );
    }

    #[test]
    fn numbers_without_str() {
        for (text, want) in [
            ("0", Some(0)),
            ("+15", Some(15)),
            ("", None),
            ("+", None),
            ("1a", None),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("-1", None),
        ] {
            assert_eq!(decimal(text.as_bytes()), want, "{text}");
            assert_eq!(decimal(text.as_bytes()), text.parse::<u64>().ok(), "{text}");
        }
        for n in [0, 7, 10, 255, 65_535, u64::MAX] {
            assert_eq!(decimal_label(n, &mut [0; 20]), n.to_string().as_bytes());
        }
    }

    #[test]
    fn quick_address_test_on_common_labels() {
        for (label, maybe) in [
            ("/blog/2024/pricing.html", false),
            ("HTTP/1.1", true), // digit.digit: scrubbed (the finder then finds nothing)
            ("/favicon.ico", false),
            ("/v1.2/x", true),
            ("/x/192.0.2.7", true),
            ("ab.ip6.arpa", true),
            ("1.in-addr.arpa", true),
            ("/a:b", true),
            ("/a%3Ab", true),
        ] {
            assert_eq!(may_hold_address(label.as_bytes()), maybe, "{label}");
        }
    }

    #[test]
    fn referrer_sites() {
        for (r, s) in [
            ("https://www.example.com/a?b", "www.example.com"),
            ("http://user@host.example:8080/x", "host.example:8080"),
            ("android-app://com.example", "com.example"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(site(r.as_bytes()), s.as_bytes(), "{r}");
        }
    }
}
