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
//! - with a rule file, its `[[exclude]]` lines are not counted; its field actions, which shape
//!   the published *log*, do not change what is counted: statistics see the fields as the server
//!   wrote them (a user agent reduced or dropped in the log still gives its browser family).
//!
//! Merging ([`State::merge`]) adds counts and unions sketches: associative and commutative, so
//! days merge into months and servers into fleets, and a file's halves merge into the file.
//! Publication safety (k-suppression) is the report's job (`report.rs`).
//!
//! DNS servers log a query in one line or in two (question, then answer) or more (dnsmasq:
//! query, forwarded, reply per record). Lines are sorted into *question* lines and *answer*
//! lines (those with a response code, or an answer event); panels that describe the query
//! (qtype, domain, ...) are kept for both kinds: `q.` for question lines, and for answer lines
//! per *stream* (`a@STREAM.`, the stream being the format that read them: `bind`, `unbound`,
//! `coredns`, …, and in a shared syslog file the server that wrote them: `syslog/bind`). The query count is the question lines, and for a stream without any question
//! line (a server logging replies only, or one line per query as CoreDNS does) its answer lines.
//! That decision is made when a report is made ([`State::normalized`]), over everything merged,
//! never per input: a log cut anywhere, its parts counted apart and merged in any order, gives
//! the state of the whole, byte for byte (issue 21). (Answer panels such as rcode count answer
//! lines: dnsmasq writes one reply line per record.)

mod collector;
pub mod durations;
pub mod file;
pub mod geo;
pub mod hll;
mod keyed;
pub mod panel;
pub mod report;
pub mod time;
pub mod topk;
mod uniques;
pub mod visits;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use collector::{COUNTED_FIELDS, Collector};
pub use durations::Durations;
pub use hll::Hll;
pub use topk::TopK;
pub use uniques::Uniques;

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
    /// DNS answer lines (not those that are both: they are questions).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dns_answers: u64,
    /// Unique DNS sources.
    #[serde(default, skip_serializing_if = "Hll::is_empty")]
    pub sources: Hll,
    /// Unique DNS source networks (IPv4 /24, IPv6 /48).
    #[serde(default, skip_serializing_if = "Hll::is_empty")]
    pub networks: Hll,
    /// Response times of web requests, where the format writes them.
    #[serde(default, skip_serializing_if = "Durations::is_empty")]
    pub durations: Durations,
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
        self.durations.merge(&o.durations);
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
    /// The servers' own lines (start-up, shutdown, statistics, notices): in no series and no
    /// panel. Absent in states from before it was counted.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub server_lines: u64,
    /// Files the nightly job could not read (`run` with statistics): their lines are in no
    /// count, and a report says so. Absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uncounted_files: u64,
    /// The size on disk of those files, in bytes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uncounted_bytes: u64,
    /// The earliest and latest line time (RFC 3339).
    pub first: Option<String>,
    /// See `first`.
    pub last: Option<String>,
    /// Time series.
    pub series: BTreeMap<String, Bucket>,
    /// Label counts per panel.
    pub panels: BTreeMap<String, TopK>,
    /// DNS answer lines per stream (see the module docs). Absent in states from before streams.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub streams: BTreeMap<String, Stream>,
}

/// One DNS stream's lines: whether it had question lines, and its answer lines per bucket
/// (its queries, should it have none). A line that is both (Unbound's reply to a query it
/// refused before logging it) is a question line, in `q.` panels and `dns_questions`, but does
/// not count here: it does not make a stream of replies one that logs questions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    /// Question lines (not those that are both).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub questions: u64,
    /// Answer lines per bucket.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, u64>,
}

impl Stream {
    /// Adds another count of the same stream.
    pub fn add(&mut self, o: &Stream) {
        self.questions = self.questions.saturating_add(o.questions);
        for (b, n) in &o.answers {
            let m = self.answers.entry(b.clone()).or_default();
            *m = m.saturating_add(*n);
        }
    }
}

/// The key of a query panel of a stream's answer lines: `a@unbound.qtype`.
pub fn answer_key(stream: &str, panel: &str) -> String {
    format!("a@{stream}.{panel}")
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
            server_lines: 0,
            uncounted_files: 0,
            uncounted_bytes: 0,
            first: None,
            last: None,
            series: BTreeMap::new(),
            panels: BTreeMap::new(),
            streams: BTreeMap::new(),
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
        self.server_lines = self.server_lines.saturating_add(o.server_lines);
        self.uncounted_files = self.uncounted_files.saturating_add(o.uncounted_files);
        self.uncounted_bytes = self.uncounted_bytes.saturating_add(o.uncounted_bytes);
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
        for (name, st) in &o.streams {
            self.streams.entry(name.clone()).or_default().add(st);
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
        fit(self.server_lines, o.server_lines, "server line count")?;
        fit(
            self.uncounted_files,
            o.uncounted_files,
            "uncounted file count",
        )?;
        fit(
            self.uncounted_bytes,
            o.uncounted_bytes,
            "uncounted byte count",
        )?;
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
            // No count exceeds its panel's total in either (as counting makes them), and the
            // totals' sum fits: no label's sum can overflow, and none needs looking up.
            let within = |t: &TopK| t.counts.values().all(|&n| n <= t.total);
            if within(m) && within(p) {
                continue;
            }
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

    /// The state as a report reads it: each stream's answer-side query panels and answer lines
    /// become questions (`q.` panels, `dns_questions`) when the stream has no question line
    /// over everything merged, and its `a.` panels otherwise (see the module docs).
    pub fn normalized(&self) -> State {
        let mut s = self.clone();
        for (name, st) in std::mem::take(&mut s.streams) {
            let unasked = st.questions == 0;
            let prefix = format!("a@{name}.");
            let keys: Vec<String> = s
                .panels
                .keys()
                .filter(|k| k.starts_with(&prefix))
                .cloned()
                .collect();
            for k in keys {
                let p = s.panels.remove(&k).expect("listed");
                let side = if unasked { "q." } else { "a." };
                let to = format!("{side}{}", &k[prefix.len()..]);
                match s.panels.get_mut(&to) {
                    Some(mine) => mine.merge(&p),
                    None => {
                        s.panels.insert(to, p);
                    }
                }
            }
            if unasked {
                for (b, n) in st.answers {
                    let m = &mut s.series.entry(b).or_default().dns_questions;
                    *m = m.saturating_add(n);
                }
            }
        }
        s
    }

    /// Brings every panel to its capacity (before writing; a no-op while labels fit).
    pub fn finish(&mut self) {
        for p in self.panels.values_mut() {
            p.shrink();
        }
    }

    /// For a state from before streams (`streams` empty) without DNS question lines: its answer
    /// lines count as its questions (series and `q.` panels), as such states were made. A no-op
    /// for states with streams (normalized when reported, [`State::normalized`]) or questions.
    pub fn answers_as_questions(&mut self) {
        if !self.streams.is_empty() || self.dns_has_questions() {
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
    STATUS_CLASSES[status_class_index(status)]
}

/// The `status_class` labels; [`status_class_index`] is a status's place here.
pub(crate) const STATUS_CLASSES: [&str; 6] = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"];

/// A status's place in [`STATUS_CLASSES`].
#[inline]
pub(crate) fn status_class_index(status: &[u8]) -> usize {
    match (status.len(), status.first()) {
        (3, Some(&c @ b'1'..=b'5')) => usize::from(c - b'1'),
        _ => 5,
    }
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
}
