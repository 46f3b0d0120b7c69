//! Visit order: which page visitors went to next, where visits began and where they ended,
//! counted without keeping anyone's address.
//!
//! A visitor is a keyed hash of the client address and the user agent (the statistics key, or
//! the run's ephemeral one), held in memory while counting and never written anywhere. A visit is
//! a visitor's requests, in the order the log has them, while no gap between two of them is
//! longer than [`IDLE`]. Each request is one *step*: `(entry) → /a` (a visit begins), `/a → /b`
//! (the next request), and each visit also ends with `/b → (exit)`. So every request of a page is
//! the target of exactly one step and the source of exactly one: a page's steps in and out each
//! add up to its requests (that have a time and a client), which is what the report protects.
//!
//! Pieces of a file are read in parallel. A [`Tracker`] notes each request of its piece (the
//! visitor, its page's key and the time) and the texts of the piece's pages; a [`Join`] takes the
//! pieces in input order and counts every step, in one summary, so the counts do not depend on
//! where the pieces were cut nor on how many threads read them. Visits open at the end of the
//! input end there: a visit that goes on in the next file counts as two (files are counted one
//! at a time).
//!
//! (Steps were once counted inside a piece where a visitor came back within it, and only the
//! pieces' first and last requests joined; but in a busy log a visitor comes back rarely within a
//! piece of a thousand lines, so nearly every request was handled twice, and each thread's own
//! summary made the kept steps depend on which thread read which piece.)

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::anonymize::BuildAddrHasher;

/// The longest gap inside a visit, in seconds (the usual 30 minutes).
pub const IDLE: i64 = 30 * 60;

/// Visits whose last request is this much older than the latest time seen are closed while
/// joining (memory stays flat); a request that comes back later than this, out of order, begins
/// a new visit.
pub const CLOSE_AFTER: i64 = 4 * IDLE;

/// The open visits are swept once the oldest is this much past [`CLOSE_AFTER`], not as soon as
/// one is: a sweep looks at every open visit, and closing them in batches keeps sweeps to one per
/// this much of the log's time (in a log of many visitors, one per piece cost more than
/// counting the piece's steps). A visit is so closed 4 to 5 times [`IDLE`] after its last request,
/// which changes no count but for a request out of order by more than 3 times [`IDLE`]: an open
/// visit whose last request is more than [`IDLE`] before the next ends there all the same.
const SWEEP_SLACK: i64 = IDLE;

/// The page a visit comes from before its first request.
pub const ENTRY: &[u8] = b"(entry)";
/// The page a visit goes to after its last request.
pub const EXIT: &[u8] = b"(exit)";

/// A visitor: the client's keyed hash (the statistics key's) spread with its user agent's
/// [`agent`] hash (0 without one). The same in every worker, so that the join knows a visitor
/// across pieces; attacker-chosen user agents cannot aim collisions without the key.
pub fn visitor(client_hash: u64, agent: u64) -> u64 {
    let h = crate::bytes::mix(client_hash, agent);
    h ^ (h >> 31)
}

/// A user agent's part of a [`visitor`] (computed once per user agent a collector sees).
pub fn agent(user_agent: &[u8]) -> u64 {
    crate::bytes::fingerprint(0x243f_6a88_85a3_08d3, user_agent)
}

/// A step's label: `from → to`.
pub fn step_label(from: &[u8], to: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(from);
    out.extend_from_slice(" → ".as_bytes());
    out.extend_from_slice(to);
}

/// A step label's source and target pages.
pub fn step_ends(label: &str) -> Option<(&str, &str)> {
    label.split_once(" → ")
}

/// A page's key: a hash of its text, never 0 or 1 (`(entry)` and `(exit)`'s keys). The
/// collector knows a page's label by it too (`crate::stats::keyed`).
pub fn page_key(page: &[u8]) -> u64 {
    // Seeded at random once per process (the same in every worker): request paths are the
    // client's to choose, and two pages whose keys collide would share their steps' counts.
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let seed = *SEED.get_or_init(|| {
        let mut b = [0u8; 8];
        // Without randomness the seed is fixed: still correct, only predictable.
        let _ = getrandom::fill(&mut b);
        u64::from_le_bytes(b)
    });
    // A fingerprint, not `mix_words`: that one gave `/blog/2024/100409/` and
    // `/blog/2024/100482/` one key (10,028 pairs among 900,000 such paths).
    crate::bytes::fingerprint(seed, page) | 2
}
const IN: u64 = 0;
const OUT: u64 = 1;

/// Page texts by key, in one buffer (no allocation per page).
#[derive(Default, Debug)]
pub struct Texts {
    arena: Vec<u8>,
    at: HashMap<u64, (usize, usize), BuildAddrHasher>,
}

impl Texts {
    fn add(&mut self, key: u64, page: &[u8]) {
        if let std::collections::hash_map::Entry::Vacant(v) = self.at.entry(key) {
            v.insert((self.arena.len(), page.len()));
            self.arena.extend_from_slice(page);
        }
    }

    fn get(&self, key: u64) -> &[u8] {
        match key {
            IN => ENTRY,
            OUT => EXIT,
            k => self
                .at
                .get(&k)
                .map_or(&b""[..], |&(a, n)| &self.arena[a..a + n]),
        }
    }

    fn label(&self, (a, b): (u64, u64)) -> Vec<u8> {
        let mut l = Vec::new();
        step_label(self.get(a), self.get(b), &mut l);
        l
    }
}

/// A request: its visitor, its page's key and its time (seconds since 1970).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// The visitor ([`visitor`]; in memory only).
    pub visitor: u64,
    /// Its page's key.
    pub page: u64,
    /// When, in seconds since 1970.
    pub time: i64,
}

/// What a piece hands on: its requests in input order and the texts of their pages.
#[derive(Default, Debug)]
pub struct Piece {
    /// The piece's requests that have a time and a client.
    pub requests: Vec<Request>,
    /// The pages of the requests: key, start and length in `text`; a page is listed once, or a
    /// few times (see [`Tracker`]).
    pub pages: Vec<(u64, u32, u32)>,
    /// The pages' texts, one after another.
    pub text: Vec<u8>,
}

/// Steps counted by their pages' keys (no label is built per step), in a summary of `capacity`
/// steps like a panel's (Misra-Gries: beyond twice the capacity the smallest go, and every count
/// may then be up to `error` below the truth), so that memory stays flat whatever the input.
pub struct Steps {
    capacity: usize,
    counts: HashMap<(u64, u64), u64, BuildAddrHasher>,
    /// Every step counted, kept or not.
    total: u64,
    /// What a kept count may be below the truth.
    error: u64,
    /// The text of every page key in `counts` (and of the join's open visits).
    texts: Texts,
}

/// What was counted: the steps kept, as labels, and the panel's `total` and `error`.
#[derive(Debug, Default)]
pub struct Counted {
    /// Kept steps, labelled.
    pub labels: Vec<(Vec<u8>, u64)>,
    /// Every step counted.
    pub total: u64,
    /// The summary's error bound.
    pub error: u64,
}

impl Steps {
    /// A summary keeping up to `capacity` distinct steps (the panel's capacity).
    pub fn new(capacity: usize) -> Steps {
        Steps {
            capacity: capacity.max(1),
            counts: HashMap::default(),
            total: 0,
            error: 0,
            texts: Texts::default(),
        }
    }

    fn add(&mut self, pair: (u64, u64), n: u64) {
        self.total += n;
        *self.counts.entry(pair).or_default() += n;
    }

    /// Keeps the summary bounded: down to `capacity` steps beyond twice that, as
    /// `crate::stats::topk::TopK::shrink` does with labels, and the texts of pages neither a
    /// kept step nor one of `live` names forgotten.
    fn bound(&mut self, live: impl ExactSizeIterator<Item = u64> + Clone) {
        if self.counts.len() > self.capacity.saturating_mul(2) {
            self.shrink();
        }
        let named = 2 * self.counts.len() + live.len();
        if self.texts.at.len() > 2 * named + 1024 {
            let mut kept = Texts::default();
            let keys = live.chain(self.counts.keys().flat_map(|&(a, b)| [a, b]));
            for k in keys.filter(|&k| k > OUT) {
                kept.add(k, self.texts.get(k));
            }
            self.texts = kept;
        }
    }

    fn shrink(&mut self) {
        let k = self.capacity;
        if self.counts.len() <= k {
            return;
        }
        let mut v: Vec<u64> = self.counts.values().copied().collect();
        v.select_nth_unstable_by(k, |a, b| b.cmp(a));
        let cut = v[k];
        self.counts.retain(|_, c| {
            *c = c.saturating_sub(cut);
            *c > 0
        });
        self.error = self.error.saturating_add(cut);
        if self.counts.len() > k {
            // Ties at the cut: drop the smallest (by count, then label, as a panel does: keys are
            // seeded per process), counting them too.
            let mut e: Vec<((u64, u64), u64, Vec<u8>)> = self
                .counts
                .drain()
                .map(|(pair, n)| (pair, n, self.texts.label(pair)))
                .collect();
            e.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
            self.error = self.error.saturating_add(e[k].1);
            e.truncate(k);
            self.counts = e.into_iter().map(|(pair, n, _)| (pair, n)).collect();
        }
    }

    /// What was counted, labelled.
    pub fn finish(mut self) -> Counted {
        self.shrink();
        let texts = &self.texts;
        Counted {
            labels: self
                .counts
                .drain()
                .map(|(pair, n)| (texts.label(pair), n))
                .collect(),
            total: self.total,
            error: self.error,
        }
    }
}

/// Notes one piece's requests (one per worker thread, taken after each piece).
pub struct Tracker {
    piece: Piece,
    /// The key of the page last listed at each slot (by its key's top bits) in this piece, 0 for
    /// none: a page's text goes into the piece once, or again after another took its slot; the
    /// join keeps one (a map per piece cost a lookup per request and a growing table per piece).
    listed: Vec<u64>,
}

/// [`Tracker`]'s `listed` has 2^LISTED_BITS slots.
const LISTED_BITS: u32 = 11;

impl Default for Tracker {
    fn default() -> Self {
        Tracker {
            piece: Piece::default(),
            listed: vec![0; 1 << LISTED_BITS],
        }
    }
}

impl Tracker {
    /// A tracker with nothing noted.
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Notes a request of `visitor` for `page`, whose key is `key` ([`page_key`]), at `time`
    /// (seconds).
    pub fn request(&mut self, visitor: u64, key: u64, page: &[u8], time: i64) {
        let slot = &mut self.listed[(key >> (64 - LISTED_BITS)) as usize];
        if *slot != key {
            *slot = key;
            let p = &mut self.piece;
            // Pieces are a few MiB: offsets and lengths fit u32.
            p.pages.push((key, p.text.len() as u32, page.len() as u32));
            p.text.extend_from_slice(page);
        }
        self.piece.requests.push(Request {
            visitor,
            page: key,
            time,
        });
    }

    /// The requests noted since the last call, for [`Join::piece`].
    pub fn take(&mut self) -> Piece {
        self.listed.fill(0);
        let n = self.piece.requests.len();
        let (pages, text) = (self.piece.pages.len(), self.piece.text.len());
        std::mem::replace(
            &mut self.piece,
            Piece {
                requests: Vec::with_capacity(n),
                pages: Vec::with_capacity(pages),
                text: Vec::with_capacity(text),
            },
        )
    }
}

/// Counts the steps of the pieces' requests, taken in input order.
pub struct Join {
    /// Each visitor's last request (its page and time) while its visit is open.
    open: HashMap<u64, (u64, i64), BuildAddrHasher>,
    latest: i64,
    /// No open visit's last request is older than this (a bound: visits that went on since
    /// leave it low until the next sweep), so that open visits are swept only when one may be
    /// closed ([`SWEEP_SLACK`]), not walked for every piece.
    oldest: i64,
    steps: Steps,
}

impl Join {
    /// A join keeping up to `capacity` distinct steps (the panel's capacity).
    pub fn new(capacity: usize) -> Join {
        Join {
            open: HashMap::default(),
            latest: 0,
            oldest: i64::MAX,
            steps: Steps::new(capacity),
        }
    }

    /// Counts the steps of the next piece's requests (the piece is emptied).
    pub fn piece(&mut self, piece: &mut Piece) {
        // The texts of pages new to the summary: once per page of the piece, not per request.
        for &(key, a, n) in &piece.pages {
            if !self.steps.texts.at.contains_key(&key) {
                let a = a as usize;
                self.steps.texts.add(key, &piece.text[a..a + n as usize]);
            }
        }
        for r in piece.requests.drain(..) {
            match self.open.entry(r.visitor) {
                Entry::Occupied(mut o) => {
                    let (prev, t) = *o.get();
                    if (r.time - t).abs() <= IDLE {
                        self.steps.add((prev, r.page), 1);
                    } else {
                        self.steps.add((prev, OUT), 1);
                        self.steps.add((IN, r.page), 1);
                    }
                    o.insert((r.page, r.time));
                }
                Entry::Vacant(v) => {
                    self.steps.add((IN, r.page), 1);
                    v.insert((r.page, r.time));
                }
            }
            self.latest = self.latest.max(r.time);
            self.oldest = self.oldest.min(r.time);
        }
        let cutoff = self.latest - CLOSE_AFTER;
        if self.oldest < cutoff - SWEEP_SLACK {
            let mut closed = Vec::new();
            let mut oldest = i64::MAX;
            self.open.retain(|_, &mut (p, t)| {
                let keep = t >= cutoff;
                if keep {
                    oldest = oldest.min(t);
                } else {
                    closed.push(p);
                }
                keep
            });
            self.oldest = oldest;
            for p in closed {
                self.steps.add((p, OUT), 1);
            }
        }
        let open = &self.open;
        self.steps.bound(open.values().map(|&(p, _)| p));
    }

    /// Ends every open visit and gives the steps counted.
    pub fn finish(mut self) -> Counted {
        let open: Vec<u64> = self.open.drain().map(|(_, (p, _))| p).collect();
        for p in open {
            self.steps.add((p, OUT), 1);
        }
        self.steps.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Pages whose paths differ a little have keys of their own (a shared key would add one
    /// page's steps to the other's).
    #[test]
    fn similar_pages_have_keys_of_their_own() {
        let mut keys = std::collections::HashSet::new();
        for k in 0..300_000u32 {
            for p in [
                format!("/p/{k}.html"),
                format!("/blog/2024/{k}/"),
                format!("/a?id={k}"),
            ] {
                assert!(keys.insert(page_key(p.as_bytes())), "{p}");
            }
        }
    }

    /// Counts `requests` (visitor, page, minute) cut into pieces at `cuts`.
    fn count(requests: &[(u64, &str, i64)], cuts: &[usize]) -> BTreeMap<String, u64> {
        let mut join = Join::new(1000);
        let mut inner: BTreeMap<String, u64> = BTreeMap::new();
        let mut t = Tracker::new();
        let mut bounds: Vec<usize> = cuts.to_vec();
        bounds.push(requests.len());
        let mut start = 0;
        for end in bounds {
            for &(v, p, m) in &requests[start..end.max(start)] {
                t.request(v, page_key(p.as_bytes()), p.as_bytes(), m * 60);
            }
            join.piece(&mut t.take());
            start = end.max(start);
        }
        for (l, n) in join.finish().labels {
            *inner.entry(String::from_utf8(l).unwrap()).or_default() += n;
        }
        inner
    }

    #[test]
    fn visits_steps_and_their_ends() {
        let reqs = [
            (1, "/", 0),
            (2, "/", 1),
            (1, "/a", 5),
            (2, "/b", 6),
            (1, "/b", 20),
            // 1 comes back after 40 minutes: a new visit.
            (1, "/", 60),
            (2, "/a", 30),
        ];
        let want: BTreeMap<String, u64> = [
            ("(entry) → /", 3),
            ("/ → /a", 1),
            ("/a → /b", 1),
            ("/b → (exit)", 1),
            ("/ → /b", 1),
            ("/b → /a", 1),
            ("/a → (exit)", 1),
            ("/ → (exit)", 1),
        ]
        .into_iter()
        .map(|(l, n)| (l.to_string(), n))
        .collect();
        assert_eq!(count(&reqs, &[]), want);
        // Wherever the pieces are cut, the same counts.
        for a in 0..=reqs.len() {
            for b in a..=reqs.len() {
                assert_eq!(count(&reqs, &[a, b]), want, "cut at {a}, {b}");
            }
        }
        // Each request is the target of one step and the source of one.
        let (into, out) = want.iter().fold((0, 0), |(i, o), (l, n)| {
            let (from, to) = step_ends(l).unwrap();
            (
                i + n * u64::from(to != "(exit)"),
                o + n * u64::from(from != "(entry)"),
            )
        });
        assert_eq!((into, out), (reqs.len() as u64, reqs.len() as u64));
    }

    proptest::proptest! {
        /// Any cut of any request sequence counts the same steps as one piece.
        #[test]
        fn pieces_do_not_change_the_counts(
            reqs in proptest::collection::vec((0u64..4, 0usize..3, 0i64..200), 0..40),
            cuts in proptest::collection::vec(0usize..40, 0..5),
        ) {
            let pages = ["/", "/a", "/b"];
            let mut reqs: Vec<(u64, &str, i64)> =
                reqs.into_iter().map(|(v, p, m)| (v, pages[p], m)).collect();
            // Minutes increasing, as most logs are (gaps of up to 40 minutes).
            let mut m = 0;
            for r in reqs.iter_mut() {
                m += r.2 % 40;
                r.2 = m;
            }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(reqs.len())).collect();
            cuts.sort_unstable();
            proptest::prop_assert_eq!(count(&reqs, &cuts), count(&reqs, &[]));
        }
    }
}
