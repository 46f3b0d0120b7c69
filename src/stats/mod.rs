//! Trend statistics that are safe to publish: a mergeable state built from log lines.
//!
//! A [`State`] holds, per time bucket (UTC day or hour), request/query counts, bytes and unique
//! counts, and per panel (status, method, page, qtype, TLD, ...) label counts ([`TopK`]). It never
//! holds an address, a key or a salt:
//! - unique visitors/sources/networks are HyperLogLog sketches ([`Hll`]) of a *keyed* hash
//!   ([`Uniques`]: AES-128 under a key derived from the key file, or a random one for one run);
//!   the state records only the key's fingerprint, and merging states of different keys is
//!   refused (their sketches would not mean the same);
//! - every label taken from a line goes through the address finder first (`Collector::label`,
//!   truncating to the configured prefixes), so a path like `/lookup/192.0.2.7` or a referrer
//!   `http://[2001:db8::1]/` is counted scrubbed;
//! - with a rule file, labels come from the line *as the rules rewrote it* (dropped fields are
//!   gone, excluded lines are not counted).
//!
//! Merging ([`State::merge`]) adds counts and unions sketches: associative and commutative, so
//! days merge into months and servers into fleets, and a file's halves merge into the file.
//! Publication safety (k-suppression) is the report's job (`report.rs`).
//!
//! DNS servers log a query in one line or in two (question, then answer) or more (dnsmasq:
//! query, forwarded, reply per record). Lines are sorted into *question* lines and *answer*
//! lines (those with a response code, or an answer event); panels that describe the query
//! (qtype, domain, ...) are kept for both kinds (`q.` and `a.`). The query count is the question
//! lines. A file without question lines (a server logging replies only) is normalized when it has
//! been counted ([`State::answers_as_questions`]): its answer lines become its questions, so the
//! state of several servers, or a merge, counts every server's queries. (Answer panels such as
//! rcode count answer lines: dnsmasq writes one reply line per record.)

pub mod file;
pub mod hll;
pub mod report;
pub mod time;
pub mod topk;

use std::collections::BTreeMap;
use std::net::IpAddr;

use aes::Aes128;
use aes::cipher::{Array, BlockCipherEncrypt, KeyInit};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use hll::Hll;
pub use topk::TopK;

use crate::anonymize::{Anonymizer, Cache, Key};
use crate::format::{Fields, Std};

/// The state file's format version.
pub const VERSION: u32 = 1;

/// Per time bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// Web requests.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub requests: u64,
    /// Response bytes of web requests.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes: u64,
    /// Unique web clients.
    #[serde(default, skip_serializing_if = "Hll::is_empty")]
    pub visitors: Hll,
    /// DNS question lines.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dns_questions: u64,
    /// DNS answer lines.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dns_answers: u64,
    /// Unique DNS sources.
    #[serde(default, skip_serializing_if = "Hll::is_empty")]
    pub sources: Hll,
    /// Unique DNS source networks (IPv4 /24, IPv6 /48).
    #[serde(default, skip_serializing_if = "Hll::is_empty")]
    pub networks: Hll,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Bucket {
    fn merge(&mut self, o: &Bucket) {
        // Saturating: a state file is input too, and a crafted one must not overflow.
        self.requests = self.requests.saturating_add(o.requests);
        self.bytes = self.bytes.saturating_add(o.bytes);
        self.visitors.merge(&o.visitors);
        self.dns_questions = self.dns_questions.saturating_add(o.dns_questions);
        self.dns_answers = self.dns_answers.saturating_add(o.dns_answers);
        self.sources.merge(&o.sources);
        self.networks.merge(&o.networks);
    }

    /// DNS queries: question lines when the log has any, else answer lines.
    pub fn dns_queries(&self, log_has_questions: bool) -> u64 {
        if log_has_questions {
            self.dns_questions
        } else {
            self.dns_answers
        }
    }
}

/// Bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// One bucket per day (`2026-11-01`).
    Day,
    /// One bucket per hour (`2026-11-01T13`).
    Hour,
}

/// A statistics state: what `logscrub stats` writes, `merge` combines and `report` renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// Bucket size.
    pub bucket: Granularity,
    /// Bucket boundaries are at this offset from UTC, in seconds (`--tz`; at most 14 hours).
    #[serde(deserialize_with = "tz_offset")]
    pub tz_offset: i32,
    /// Fingerprint of the key behind the unique counts (`ephemeral-...` for a one-run key).
    pub uniques_key: String,
    /// Label capacity of each panel.
    #[serde(deserialize_with = "topk::capacity")]
    pub capacity: usize,
    /// Lines read.
    pub lines: u64,
    /// Lines that did not match the format (not counted in panels).
    pub unparsed: u64,
    /// Lines left out by the rule file's `[[exclude]]`.
    pub excluded: u64,
    /// Lines whose time could not be read (counted in panels, not in the time series).
    pub undated: u64,
    /// The earliest and latest line time (RFC 3339).
    pub first: Option<String>,
    /// See `first`.
    pub last: Option<String>,
    /// Time series.
    pub series: BTreeMap<String, Bucket>,
    /// Label counts per panel.
    pub panels: BTreeMap<String, TopK>,
}

/// The largest offset from UTC accepted anywhere (`--tz`, a policy's `tz`, a state file): 14 hours.
pub const MAX_TZ_OFFSET: i32 = 14 * 3600;

/// Deserializes an offset from UTC: at most [`MAX_TZ_OFFSET`] either way (a state file is input
/// too).
fn tz_offset<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let z = i32::deserialize(d)?;
    if z.unsigned_abs() <= MAX_TZ_OFFSET.unsigned_abs() {
        Ok(z)
    } else {
        Err(serde::de::Error::custom(format!(
            "tz_offset {z}: expected at most 14 hours (50400 seconds) either way"
        )))
    }
}

/// Why two states cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Different versions.
    #[error("state versions differ ({0} and {1})")]
    Version(u32, u32),
    /// Different bucket sizes or zones.
    #[error(
        "bucket sizes or time zones differ ({0}); make the states with the same --bucket and --tz"
    )]
    Buckets(String),
    /// Unique counts under different keys.
    #[error(
        "the unique counts were made with different keys ({0} and {1}): their sketches cannot be combined. Make every state with the same --key-file (a state made without one merges with nothing)"
    )]
    Keys(String, String),
    /// A sum does not fit in 64 bits: a crafted or corrupt state.
    #[error("the merged {0} would exceed 2^64; a state holds impossible counts")]
    Overflow(&'static str),
}

impl State {
    /// An empty state.
    pub fn new(bucket: Granularity, tz_offset: i32, uniques_key: String, capacity: usize) -> State {
        State {
            version: VERSION,
            bucket,
            tz_offset,
            uniques_key,
            capacity,
            lines: 0,
            unparsed: 0,
            excluded: 0,
            undated: 0,
            first: None,
            last: None,
            series: BTreeMap::new(),
            panels: BTreeMap::new(),
        }
    }

    /// Checks that `other` can be merged into this state.
    pub fn compatible(&self, o: &State) -> Result<(), MergeError> {
        if self.version != o.version {
            return Err(MergeError::Version(self.version, o.version));
        }
        if self.bucket != o.bucket || self.tz_offset != o.tz_offset {
            return Err(MergeError::Buckets(format!(
                "{:?} at {}s and {:?} at {}s",
                self.bucket, self.tz_offset, o.bucket, o.tz_offset
            )));
        }
        if self.uniques_key != o.uniques_key {
            return Err(MergeError::Keys(
                self.uniques_key.clone(),
                o.uniques_key.clone(),
            ));
        }
        Ok(())
    }

    /// Adds `other` to this state (after [`State::compatible`]).
    pub fn merge(&mut self, o: &State) -> Result<(), MergeError> {
        self.compatible(o)?;
        self.sums_fit(o)?;
        self.capacity = self.capacity.max(o.capacity);
        self.lines = self.lines.saturating_add(o.lines);
        self.unparsed = self.unparsed.saturating_add(o.unparsed);
        self.excluded = self.excluded.saturating_add(o.excluded);
        self.undated = self.undated.saturating_add(o.undated);
        self.first = min_opt(self.first.take(), o.first.clone(), false);
        self.last = min_opt(self.last.take(), o.last.clone(), true);
        for (k, b) in &o.series {
            self.series.entry(k.clone()).or_default().merge(b);
        }
        for (k, p) in &o.panels {
            match self.panels.get_mut(k) {
                Some(mine) => mine.merge(p),
                None => {
                    self.panels.insert(k.clone(), p.clone());
                }
            }
        }
        Ok(())
    }

    /// Checks that every sum [`State::merge`] makes fits in 64 bits, so that no count is capped
    /// silently (the merge itself saturates, which then never happens).
    fn sums_fit(&self, o: &State) -> Result<(), MergeError> {
        let fit = |a: u64, b: u64, what| {
            a.checked_add(b)
                .map(|_| ())
                .ok_or(MergeError::Overflow(what))
        };
        fit(self.lines, o.lines, "line count")?;
        fit(self.unparsed, o.unparsed, "unparsed count")?;
        fit(self.excluded, o.excluded, "excluded count")?;
        fit(self.undated, o.undated, "undated count")?;
        for (k, b) in &o.series {
            let Some(m) = self.series.get(k) else {
                continue;
            };
            fit(m.requests, b.requests, "requests of a bucket")?;
            fit(m.bytes, b.bytes, "bytes of a bucket")?;
            fit(m.dns_questions, b.dns_questions, "questions of a bucket")?;
            fit(m.dns_answers, b.dns_answers, "answers of a bucket")?;
        }
        for (k, p) in &o.panels {
            let Some(m) = self.panels.get(k) else {
                continue;
            };
            fit(m.total, p.total, "total of a panel")?;
            fit(m.error, p.error, "error bound of a panel")?;
            for (label, &n) in &p.counts {
                fit(
                    m.counts.get(label).copied().unwrap_or(0),
                    n,
                    "count of a label",
                )?;
            }
        }
        Ok(())
    }

    /// Brings every panel to its capacity (before writing; a no-op while labels fit).
    pub fn finish(&mut self) {
        for p in self.panels.values_mut() {
            p.shrink();
        }
    }

    /// For a file without DNS question lines: its answer lines count as its questions (series
    /// and `q.` panels; see the module docs). Call once per file, before merging it into others.
    pub fn answers_as_questions(&mut self) {
        if self.dns_has_questions() {
            return;
        }
        for b in self.series.values_mut() {
            b.dns_questions = b.dns_answers;
        }
        let answer_side: Vec<String> = self
            .panels
            .keys()
            .filter(|k| k.starts_with("a."))
            .cloned()
            .collect();
        for k in answer_side {
            let p = self.panels.remove(&k).expect("listed");
            let q = format!("q.{}", &k[2..]);
            match self.panels.get_mut(&q) {
                Some(mine) => mine.merge(&p),
                None => {
                    self.panels.insert(q, p);
                }
            }
        }
    }

    /// True when the log had DNS question lines (see the module docs).
    pub fn dns_has_questions(&self) -> bool {
        self.series.values().any(|b| b.dns_questions > 0)
            || self.panels.get("q.qtype").is_some_and(|p| p.total > 0)
    }
}

/// RFC 3339 strings of one zone compare as times.
fn min_opt(a: Option<String>, b: Option<String>, max: bool) -> Option<String> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if (x <= y) != max { x } else { y }),
        (x, y) => x.or(y),
    }
}

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
        let t = text
            .strip_prefix(b"[")
            .and_then(|t| t.strip_suffix(b"]"))
            .unwrap_or(text);
        let parsed = parse_ip(t).or_else(|| parse_ip(strip_port(text)?));
        match parsed {
            Some(IpAddr::V4(a)) => (self.hash(4, &a.octets()), Some(IpAddr::V4(a))),
            Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
                Some(v4) => (self.hash(4, &v4.octets()), Some(IpAddr::V4(v4))),
                None => (self.hash(6, &a.octets()), Some(IpAddr::V6(a))),
            },
            None => (self.hash(0, t), None),
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

/// Per-worker counting: a state and scratch space.
pub struct Collector {
    /// What was counted so far (panels and series are moved in by [`Collector::finish`]).
    pub state: State,
    uniques: Uniques,
    scrub: Anonymizer,
    cache: Cache,
    label: Vec<u8>,
    /// The year of syslog times comes from here.
    pub reference: DateTime<Utc>,
    /// Times after this (seconds since 1970: two days after the reference or now, whichever
    /// is later) or before [`time::EARLIEST`] count as undated: one wrong date must not stretch
    /// the time series over centuries.
    latest: i64,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    panels: Vec<TopK>,
    /// Buckets by index (seconds since 1970 + offset, divided by the bucket length).
    buckets: std::collections::HashMap<i64, Bucket, SmallKeys>,
    /// The last time text read and its instant: lines of one second share it.
    last_time: (Vec<u8>, Option<DateTime<Utc>>),
    /// Scratch for the request line's parts.
    parts: Fields,
    /// Per panel, the first [`HOT`] labels seen with their counts, checked before the panel's
    /// map (most lines repeat a handful of status codes, methods, browsers, query types: a
    /// short scan is cheaper than hashing). Empty for panels of many labels. Added to the
    /// panels, scrubbed, by [`Collector::finish`].
    hot: Vec<Vec<(Vec<u8>, u64)>>,
    /// User agents seen lately → their index in `agent_counts`.
    agents: std::collections::HashMap<Vec<u8>, usize, crate::anonymize::BuildAddrHasher>,
    /// Per user agent seen lately: browser label, OS, bot, and lines not yet in the panels (one
    /// increment per line instead of three panel lookups; see [`Collector::flush_agents`]).
    agent_counts: Vec<(String, &'static str, bool, u64)>,
}

/// Every panel key, indexed by the `P_*` constants (a collector counts into a vector, not a map
/// of names: this runs ~10 times per line).
pub const PANEL_NAMES: &[&str] = &[
    "status",
    "status_class",
    "method",
    "protocol",
    "page",
    "not_found_page",
    "referrer_site",
    "browser",
    "os",
    "agent",
    "rcode",
    "cache",
    "blocked",
    "response_size",
    // Query-describing panels, first for question lines (`q.`), then for answer lines (`a.`).
    "q.qtype",
    "q.ip_version",
    "q.transport",
    "q.edns",
    "q.do",
    "q.tld",
    "q.domain",
    "q.qname_length",
    "q.labels",
    "a.qtype",
    "a.ip_version",
    "a.transport",
    "a.edns",
    "a.do",
    "a.tld",
    "a.domain",
    "a.qname_length",
    "a.labels",
];
/// Labels kept in a panel's hot set (see [`Collector`]).
const HOT: usize = 8;

/// Hashes the small integer keys of statistics maps (HyperLogLog register indices, bucket
/// numbers) with one multiplication: std's SipHash cost more than the lookup, once per line.
/// Neither key is chosen freely by a log's writer (indices come from keyed hashes; bucket
/// numbers are bounded by the accepted time window).
#[derive(Default, Clone, Copy)]
pub struct SmallKeyHasher(u64);

impl std::hash::Hasher for SmallKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(29) ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u16(&mut self, v: u16) {
        self.write_u64(u64::from(v));
    }
    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
}

/// See [`SmallKeyHasher`].
pub type SmallKeys = std::hash::BuildHasherDefault<SmallKeyHasher>;

/// The label of a value a line does not have (`-`, an unsplittable request, a DNS line without
/// a query type): every panel of a kind counts the same lines, so no difference of two panel
/// totals publishes a small number past K. Reports leave out a panel of nothing else.
pub const NONE: &[u8] = b"(none)";

/// `404` → `4xx` (the `status_class` panel).
pub(crate) fn status_class(status: &[u8]) -> &'static str {
    match (status.len(), status.first()) {
        (3, Some(b'1')) => "1xx",
        (3, Some(b'2')) => "2xx",
        (3, Some(b'3')) => "3xx",
        (3, Some(b'4')) => "4xx",
        (3, Some(b'5')) => "5xx",
        _ => "other",
    }
}

/// Whether the address finder could find anything in `label`: every form it knows has a `:`
/// (IPv6), a `%` (`%3A`), a digit, `.`, digit (IPv4, also in reverse names) or a `.` before
/// `in-addr.arpa` / `ip6.arpa`. Labels without (most paths: `/blog/2024/a.html`) are counted as
/// they are; a property test holds this to the finder.
fn may_hold_address(label: &[u8]) -> bool {
    if memchr::memchr2(b':', b'%', label).is_some() {
        return true;
    }
    memchr::memchr_iter(b'.', label).any(|j| {
        let rest = &label[j + 1..];
        (j > 0 && label[j - 1].is_ascii_digit() && rest.first().is_some_and(u8::is_ascii_digit))
            || rest.first().is_some_and(|&c| c | 0x20 == b'i')
                && (rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"ip6.arpa")
                    || rest.len() >= 12 && rest[..12].eq_ignore_ascii_case(b"in-addr.arpa"))
    })
}

/// `a == b`, without a call to `memcmp` for the short labels of hot sets.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    match n {
        0..8 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// Panels of many labels (pages, domains): no hot set. Referrer sites are few and `(none)`
/// is the commonest, so they have one.
fn many_labels(panel: usize) -> bool {
    matches!(panel, P_PAGE | P_NOT_FOUND)
        || panel == Q_BASE + Q_DOMAIN
        || panel == A_BASE + Q_DOMAIN
}

const P_STATUS: usize = 0;
const P_STATUS_CLASS: usize = 1;
const P_METHOD: usize = 2;
const P_PROTOCOL: usize = 3;
const P_PAGE: usize = 4;
const P_NOT_FOUND: usize = 5;
const P_REFERRER: usize = 6;
const P_BROWSER: usize = 7;
const P_OS: usize = 8;
const P_AGENT: usize = 9;
const P_RCODE: usize = 10;
const P_CACHE: usize = 11;
const P_BLOCKED: usize = 12;
const P_RESPONSE_SIZE: usize = 13;
const Q_BASE: usize = 14;
const A_BASE: usize = 23;
const Q_QTYPE: usize = 0;
const Q_IP_VERSION: usize = 1;
const Q_TRANSPORT: usize = 2;
const Q_EDNS: usize = 3;
const Q_DO: usize = 4;
const Q_TLD: usize = 5;
const Q_DOMAIN: usize = 6;
const Q_QNAME_LENGTH: usize = 7;
const Q_LABELS: usize = 8;

/// Answer events (lines that follow a question line of the same query).
const ANSWER_EVENTS: &[&[u8]] = &[
    b"reply",
    b"cached",
    b"Answer",
    b"answer",
    b"query failed",
    b"config",
    b"/etc/hosts",
    b"gravity blocked",
    b"regex blacklisted",
    b"exactly blacklisted",
    b"regex denied",
    b"exactly denied",
    b"special domain",
];

/// Intermediate events, neither question nor answer (dnsmasq's `forwarded`).
const OTHER_EVENTS: &[&[u8]] = &[b"forwarded", b"validation", b"dnssec-query"];

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
            reference,
            latest: reference.max(Utc::now()).timestamp() + 2 * 86_400,
            first: None,
            last: None,
            panels: PANEL_NAMES.iter().map(|_| TopK::new(cap)).collect(),
            buckets: Default::default(),
            last_time: (Vec::new(), None),
            parts: Fields::default(),
            agents: Default::default(),
            agent_counts: Vec::new(),
            hot: vec![Vec::new(); PANEL_NAMES.len()],
        }
    }

    /// Adds the lines counted per user agent to the browser, OS and agent panels, and forgets
    /// the user agents (at the end, and when too many were seen).
    fn flush_agents(&mut self) {
        self.agents.clear();
        for (family, os, bot, n) in std::mem::take(&mut self.agent_counts) {
            if n > 0 {
                self.count(P_BROWSER, family.as_bytes(), n);
                self.count(P_OS, os.as_bytes(), n);
                self.count(P_AGENT, if bot { b"bot" } else { b"human" }, n);
            }
        }
    }

    /// Counts one `label` in panel `panel` (a `P_*` index): in the panel's hot set when it is
    /// there or the set has room, else through [`Collector::count`].
    fn label(&mut self, panel: usize, label: &[u8]) {
        if !many_labels(panel) {
            let hot = &mut self.hot[panel];
            if let Some(e) = hot.iter_mut().find(|e| same(&e.0, label)) {
                e.1 += 1;
                return;
            }
            if hot.len() < HOT {
                hot.push((label.to_vec(), 1));
                return;
            }
        }
        self.count(panel, label, 1);
    }

    /// Counts `n` of `label` in panel `panel`, the label scrubbed of addresses first.
    fn count(&mut self, panel: usize, label: &[u8], n: u64) {
        self.label.clear();
        if may_hold_address(label) {
            self.label.clear();
            self.scrub
                .rewrite_line(label, b' ', &mut self.label, &mut self.cache);
            self.panels[panel].add(&self.label, n);
        } else {
            self.panels[panel].add(label, n);
        }
    }

    fn bucket(&mut self, t: Option<DateTime<Utc>>) -> Option<&mut Bucket> {
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
        let len = if self.state.bucket == Granularity::Hour {
            3600
        } else {
            86_400
        };
        let idx = (t.timestamp() + i64::from(self.state.tz_offset)).div_euclid(len);
        Some(self.buckets.entry(idx).or_default())
    }

    fn time(&mut self, raw: Option<&[u8]>) -> Option<DateTime<Utc>> {
        let raw = raw?;
        if self.last_time.0 != raw {
            self.last_time.0.clear();
            self.last_time.0.extend_from_slice(raw);
            self.last_time.1 = time::parse(raw, self.reference, self.state.tz_offset)
                .filter(|t| (time::EARLIEST..=self.latest).contains(&t.timestamp()));
        }
        self.last_time.1
    }

    /// Counts one line. `orig` and `of` are the line as read and its fields (client and time
    /// come from there); `shown` and `sf` the line whose labels are counted (the same line, or
    /// the line as the rule file rewrote it).
    pub fn line(&mut self, orig: &[u8], of: &Fields, shown: &[u8], sf: &Fields) {
        self.state.lines += 1;
        let time = self.time(of.get(Std::Time).map(|(a, b)| &orig[a..b]));
        let client = of.get(Std::Client).map(|(a, b)| &orig[a..b]);
        let client = client.filter(|c| !c.is_empty() && *c != b"-");
        if sf.get(Std::Qname).is_some() || sf.get(Std::Rcode).is_some() {
            self.dns(time, client, shown, sf);
        } else if sf.get(Std::Request).is_some() || sf.get(Std::Status).is_some() {
            self.web(time, client, shown, sf);
        } else {
            // A line of a known format with neither (a log's banner): counted, nothing else.
            let _ = self.bucket(time);
        }
    }

    fn web(&mut self, time: Option<DateTime<Utc>>, client: Option<&[u8]>, line: &[u8], f: &Fields) {
        let bytes = field(f, line, Std::Bytes)
            .and_then(|b| std::str::from_utf8(b).ok()?.parse::<u64>().ok())
            .unwrap_or(0);
        let hash = client.map(|c| self.uniques.client(c).0);
        if let Some(b) = self.bucket(time) {
            b.requests += 1;
            b.bytes = b.bytes.saturating_add(bytes);
            if let Some(h) = hash {
                b.visitors.add(h);
            }
        }
        let status = field(f, line, Std::Status);
        if let Some(s) = status {
            self.label(P_STATUS, s);
            self.label(P_STATUS_CLASS, status_class(s).as_bytes());
        }
        let mut parts = std::mem::take(&mut self.parts);
        parts.clear();
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
        if f.get(Std::Request).is_some() || pf.get(Std::Method).is_some() {
            for (panel, name) in [
                (P_METHOD, Std::Method),
                (P_PROTOCOL, Std::Protocol),
                (P_PAGE, Std::Path),
            ] {
                let v = field(pf, line, name).unwrap_or(NONE);
                self.label(panel, v);
                if panel == P_PAGE && status == Some(b"404") {
                    self.label(P_NOT_FOUND, v);
                }
            }
        }
        if let Some(r) = field(f, line, Std::Referrer) {
            let r = if r == b"-" || r.is_empty() {
                NONE
            } else {
                site(r)
            };
            self.label(P_REFERRER, r);
        }
        if let Some(ua) = field(f, line, Std::UserAgent) {
            let id = match self.agents.get(ua) {
                Some(&id) => id,
                None => {
                    if self.agents.len() >= 4096 {
                        self.flush_agents();
                    }
                    let a = crate::rules::ua::classify(ua);
                    let family = String::from_utf8_lossy(a.family).into_owned();
                    let family = match a.major {
                        Some(m) if !a.bot => format!("{family} {}", String::from_utf8_lossy(m)),
                        _ => family,
                    };
                    self.agent_counts.push((family, a.os, a.bot, 0));
                    let id = self.agent_counts.len() - 1;
                    self.agents.insert(ua.to_vec(), id);
                    id
                }
            };
            self.agent_counts[id].3 += 1;
        }
        self.parts = parts;
    }

    fn dns(&mut self, time: Option<DateTime<Utc>>, client: Option<&[u8]>, line: &[u8], f: &Fields) {
        let ev = field(f, line, Std::Event);
        if ev.is_some_and(|e| OTHER_EVENTS.contains(&e)) {
            let _ = self.bucket(time); // dated, nothing to count
            return;
        }
        let answer = f.get(Std::Rcode).is_some() || ev.is_some_and(|e| ANSWER_EVENTS.contains(&e));
        let hashes = client.map(|c| self.uniques.client(c));
        let net = hashes
            .and_then(|(_, ip)| ip)
            .map(|ip| self.uniques.network(ip));
        if let Some(b) = self.bucket(time) {
            if answer {
                b.dns_answers += 1;
            } else {
                b.dns_questions += 1;
            }
            if let Some((h, _)) = hashes {
                b.sources.add(h);
            }
            if let Some(n) = net {
                b.networks.add(n);
            }
        }
        // Every panel of a side counts every line of that side, a missing value as `(none)`
        // (see `NONE`); a panel of nothing else is left out of reports.
        let side = if answer { A_BASE } else { Q_BASE };
        let qtype = field(f, line, Std::Qtype).unwrap_or(NONE);
        self.label(side + Q_QTYPE, qtype);
        let v = match hashes {
            Some((_, Some(IpAddr::V4(_)))) => "IPv4",
            Some((_, Some(IpAddr::V6(_)))) => "IPv6",
            _ => "unknown",
        };
        self.label(side + Q_IP_VERSION, v.as_bytes());
        let flags = field(f, line, Std::Flags);
        // BIND: `T` in the query flags means TCP, else UDP.
        let bind_transport: Option<&[u8]> = flags.filter(|_| !answer).map(|fl| {
            if fl.contains(&b'T') {
                &b"tcp"[..]
            } else {
                &b"udp"[..]
            }
        });
        match field(f, line, Std::Transport).or(bind_transport) {
            Some(t) => self.label(side + Q_TRANSPORT, &t.to_ascii_lowercase()),
            None => self.label(side + Q_TRANSPORT, NONE),
        }
        match flags.filter(|_| !answer && f.get(Std::Qname).is_some()) {
            Some(fl) => {
                // BIND query flags: E(n) = EDNS, D = DO bit.
                let edns = fl.contains(&b'E');
                self.label(side + Q_EDNS, if edns { b"EDNS" } else { b"no EDNS" });
                self.label(
                    side + Q_DO,
                    if fl.contains(&b'D') {
                        b"DO set"
                    } else {
                        b"DO clear"
                    },
                );
            }
            None => {
                self.label(side + Q_EDNS, NONE);
                self.label(side + Q_DO, NONE);
            }
        }
        let name = field(f, line, Std::Qname)
            .map(|q| q.strip_suffix(b".").unwrap_or(q))
            .filter(|n| !n.is_empty() && *n != b"-");
        if name.is_none() {
            for panel in [Q_TLD, Q_DOMAIN, Q_QNAME_LENGTH, Q_LABELS] {
                self.label(side + panel, NONE);
            }
        }
        if let Some(name) = name {
            {
                let lower = name.to_ascii_lowercase();
                let tld = psl::suffix(&lower).map(|s| s.as_bytes().to_vec());
                let domain = psl::domain(&lower).map(|d| d.as_bytes().to_vec());
                // A name that is (or ends in) an address literal — `192.0.2.7`,
                // `::ffff:192.0.2.7` — would publish host octets as "TLD" `7` and "domain"
                // `2.7`. Reverse names are fine: their registered domain is the first octet.
                let tail = domain.as_ref().or(tld.as_ref()).map_or(0, Vec::len);
                if ends_in_address(&lower, tail) {
                    self.label(side + Q_TLD, b"(address)");
                    self.label(side + Q_DOMAIN, b"(address)");
                } else {
                    self.label(side + Q_TLD, tld.as_deref().unwrap_or(b"(none)"));
                    self.label(side + Q_DOMAIN, domain.as_deref().unwrap_or(b"(none)"));
                }
                self.label(side + Q_QNAME_LENGTH, name.len().to_string().as_bytes());
                let labels = name.iter().filter(|&&b| b == b'.').count() + 1;
                self.label(side + Q_LABELS, labels.to_string().as_bytes());
            }
        }
        if answer {
            let rcode = field(f, line, Std::Rcode).unwrap_or(NONE);
            self.label(P_RCODE, rcode);
            let cached = field(f, line, Std::Cached);
            match (cached, ev) {
                (Some(b"1"), _) | (_, Some(b"cached")) => self.label(P_CACHE, b"cached"),
                (Some(b"0"), _) | (_, Some(b"reply")) => self.label(P_CACHE, b"forwarded"),
                _ => self.label(P_CACHE, NONE),
            }
            if f.get(Std::Blocked).is_some() {
                self.label(P_BLOCKED, b"blocked");
            } else if ev.is_some() && event_is_dnsmasq_answer(ev) {
                self.label(P_BLOCKED, b"answered");
            } else {
                self.label(P_BLOCKED, NONE);
            }
            match field(f, line, Std::Size)
                .and_then(|s| std::str::from_utf8(s).ok()?.parse::<u64>().ok())
            {
                Some(sz) => {
                    let lo = sz / 16 * 16;
                    self.label(P_RESPONSE_SIZE, format!("{lo}-{}", lo + 15).as_bytes());
                }
                None => self.label(P_RESPONSE_SIZE, NONE),
            }
        }
    }

    /// Ends counting: moves panels and buckets into the state and records the time range.
    pub fn finish(mut self) -> State {
        self.flush_agents();
        for panel in 0..self.hot.len() {
            for (label, n) in std::mem::take(&mut self.hot[panel]) {
                self.count(panel, &label, n);
            }
        }
        let f = self.first.map(|t| t.to_rfc3339());
        let l = self.last.map(|t| t.to_rfc3339());
        self.state.first = min_opt(self.state.first.take(), f, false);
        self.state.last = min_opt(self.state.last.take(), l, true);
        let hourly = self.state.bucket == Granularity::Hour;
        let len = if hourly { 3600 } else { 86_400 };
        for (idx, b) in self.buckets.drain() {
            let start = DateTime::<Utc>::from_timestamp(idx * len, 0).unwrap_or_default();
            // The index already includes the offset: the key is the local bucket's name.
            let key = time::bucket(start, hourly, 0);
            self.state.series.entry(key).or_default().merge(&b);
        }
        for (i, p) in self.panels.into_iter().enumerate() {
            if p.counts.is_empty() {
                continue;
            }
            match self.state.panels.get_mut(PANEL_NAMES[i]) {
                Some(mine) => mine.merge(&p),
                None => {
                    self.state.panels.insert(PANEL_NAMES[i].to_string(), p);
                }
            }
        }
        self.state
    }
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
            let reverse = matches!(found.colons, Colons::ReverseV4 | Colons::ReverseV6(_));
            hit |= !reverse && found.end > from;
        });
    }
    hit
}

fn event_is_dnsmasq_answer(ev: Option<&[u8]>) -> bool {
    matches!(ev, Some(b"reply" | b"cached" | b"config" | b"/etc/hosts"))
}

/// The site of a referrer URL: `https://www.example.com/a?b` → `www.example.com`.
fn site(r: &[u8]) -> &[u8] {
    crate::format::url_host(r).map_or(r, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 15): a merge whose sums overflow is an error, not a silent cap.
    #[test]
    fn merge_refuses_counts_beyond_64_bits() {
        let mut a = State::new(Granularity::Day, 0, "k".into(), 10);
        let mut b = a.clone();
        a.lines = u64::MAX - 1;
        b.lines = 2;
        assert!(matches!(
            a.merge(&b),
            Err(MergeError::Overflow("line count"))
        ));
        b.lines = 1;
        a.merge(&b).unwrap();
        assert_eq!(a.lines, u64::MAX);
    }

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

    proptest::proptest! {
        /// Labels judged free of addresses are those in which the finder finds none.
        #[test]
        fn labels_without_an_address_by_the_quick_test_have_none(
            label in proptest::collection::vec(
                proptest::sample::select(b"0123456789.:%3Aafinp6-rd/x ".to_vec()), 0..40),
            prefix in proptest::sample::select(vec![
                "", "192.0.2.7", "7.2.0.192.in-addr.arpa", "f.f.ip6.arpa", "F.IP6.ARPA",
                "2001:db8::1", "2001%3Adb8%3A%3A1", "::ffff:192.0.2.1",
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
