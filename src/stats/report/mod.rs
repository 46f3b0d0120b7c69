//! Reports from a state: what may be published, and its renderers.
//!
//! [`Report::new`] applies publication safety once, before any renderer sees a number: every
//! count below `min_count` (K) is withheld — a panel's small labels are folded into an `other`
//! row, and `other` itself, or a time-series cell, below K is shown as `< K`. So no renderer can
//! publish a cell below K (tests check each renderer). The footer states K, the time range and
//! any Misra-Gries error bound.

pub mod compare;
mod html;
mod text;

use super::panel::{Answer, Panel as Kind, Query, Side, Web};
use super::{Bucket, Granularity, State};

/// A published number: the count, or withheld, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// At least K.
    Count(u64),
    /// Not published (shown as `< K`; `null` in JSON, with the reason beside it).
    Withheld(Why),
}

/// Why a number is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// It is below K.
    BelowK,
    /// It is at least K, but the withheld numbers of its column would otherwise add up to
    /// less than K, which published totals would give away.
    Protects,
    /// Its bucket's count is withheld (bytes, unique counts and times go with it).
    WithItsCount,
    /// Not published under differential-privacy noise.
    Noise,
}

impl Why {
    /// The reason for people and for JSON (`withheld`).
    pub fn text(self, k: u64) -> String {
        match self {
            Why::BelowK => format!("below {k}"),
            Why::Protects => {
                format!("withheld so that the withheld numbers add up to at least {k}")
            }
            Why::WithItsCount => "withheld with its bucket's count".into(),
            Why::Noise => "not published under differential privacy".into(),
        }
    }
}

impl Cell {
    fn of(n: u64, k: u64) -> Cell {
        if n >= k {
            Cell::Count(n)
        } else {
            Cell::Withheld(Why::BelowK)
        }
    }

    fn text(&self, k: u64) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Withheld(_) => format!("< {k}"),
        }
    }

    /// The count, if published.
    pub fn count(&self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(*n),
            Cell::Withheld(_) => None,
        }
    }
}

/// One row of the time series.
#[derive(Debug, Clone)]
pub struct SeriesRow {
    /// The bucket (`2026-11-01` or `2026-11-01T13`).
    pub bucket: String,
    /// Named values (requests, bytes, visitors; queries, sources, networks).
    pub values: Vec<(String, Cell)>,
    /// Response-time quantiles in microseconds (`p50`, `p90`, `p99`; `null`: withheld), for
    /// logs whose format writes a duration: times, not counts.
    pub times: Vec<(String, Option<u64>)>,
}

/// The label of a panel's row of everything not shown (labels below K, beyond the top N):
/// apart from any label a log has (a browser family `Other`).
pub const OTHERS: &str = "(others)";

/// Why a response time is withheld, given its bucket's count.
fn time_withheld(count: Option<Cell>, dp: Option<f64>, k: u64) -> String {
    match count {
        Some(Cell::Withheld(_)) => Why::WithItsCount.text(k),
        _ if dp.is_some() => Why::Noise.text(k),
        _ => format!("fewer than {k} durations at or above it"),
    }
}

/// `n` as a share of `total`, to four decimals (`None` when the total is 0).
fn share(n: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| (n as f64 / total as f64 * 10_000.0).round() / 10_000.0)
}

impl Panel {
    /// What the panel publishes in all: its rows and its `other` when that is shown. A share is
    /// of this, never of the panel's total, which with a withheld `other` would give it away.
    pub fn published_total(&self) -> u64 {
        let rows = self.rows.iter().fold(0u64, |a, r| a.saturating_add(r.1));
        rows.saturating_add(self.other.and_then(|c| c.count()).unwrap_or(0))
    }
}

/// A response time for people: `0.85 ms`, `12.3 ms`, `1520 ms`; `–` when withheld.
fn ms_text(us: Option<u64>) -> String {
    match us {
        None => "–".into(),
        Some(us) if us < 10_000 => format!("{:.2} ms", us as f64 / 1000.0),
        Some(us) if us < 100_000 => format!("{:.1} ms", us as f64 / 1000.0),
        Some(us) => format!("{} ms", (us + 500) / 1000),
    }
}

/// A response time for CSV: milliseconds with three decimals; empty when withheld.
fn ms_csv(us: Option<u64>) -> String {
    us.map_or_else(String::new, |us| format!("{}.{:03}", us / 1000, us % 1000))
}

/// One panel: labels and counts, largest first.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Key in the state (`status`, `qtype`, ...).
    pub key: String,
    /// `web` or `dns`.
    pub section: &'static str,
    /// Title for people.
    pub title: String,
    /// Rows (label, count), every count at least K.
    pub rows: Vec<(String, u64)>,
    /// Everything else: labels below K and beyond the top N.
    pub other: Option<Cell>,
    /// Every count may be this much too low (Misra-Gries; 0: exact).
    pub error: u64,
}

/// What may be published of a state.
#[derive(Debug, Clone)]
pub struct Report {
    /// ε per published number, when noise was added.
    pub dp_epsilon: Option<f64>,
    /// K.
    pub min_count: u64,
    /// The first and last bucket with lines (a bucket, not a line's time: the exact time of
    /// the first and last line would tell when one client came).
    pub first: Option<String>,
    /// See `first`.
    pub last: Option<String>,
    /// Bucket size.
    pub bucket: Granularity,
    /// The buckets' offset from UTC in seconds.
    pub tz_offset: i32,
    /// The time series left out (`web`, `dns`): the state's range is too long to list every
    /// bucket (a crafted state), and listing only those with lines would tell empty from small.
    pub series_withheld: Vec<String>,
    /// Lines read, unparsed, excluded, undated: whole-log figures, not withheld below K (noisy
    /// under differential privacy like every other number).
    pub lines: u64,
    /// See `lines`.
    pub unparsed: u64,
    /// See `lines`.
    pub excluded: u64,
    /// See `lines`: the servers' own lines (start-up, shutdown, notices).
    pub server_lines: u64,
    /// See `lines`.
    pub undated: u64,
    /// Files the nightly job could not read, and their size on disk: every count may be lower
    /// than the servers logged (published as they are: they count files, not clients).
    pub uncounted_files: u64,
    /// See `uncounted_files`.
    pub uncounted_bytes: u64,
    /// Web time series (empty when the logs held no web lines).
    pub web_series: Vec<SeriesRow>,
    /// DNS time series.
    pub dns_series: Vec<SeriesRow>,
    /// Panels with at least one row or an `other`.
    pub panels: Vec<Panel>,
    /// Unique web visitors over the whole period (the union of every bucket's sketch).
    pub visitors: Cell,
    /// Unique DNS sources over the whole period.
    pub sources: Cell,
}

pub use super::panel::NUMBERS_PER_LINE;

/// The smallest ε accepted: below, the noise (about 1/ε) drowns every count anyway, and
/// floating point stops being exact enough to draw it.
pub const MIN_EPSILON: f64 = 1e-6;

/// Whether `e` is an ε a report can use (finite, at least [`MIN_EPSILON`]).
pub fn valid_epsilon(e: f64) -> bool {
    e.is_finite() && e >= MIN_EPSILON
}

/// Two-sided geometric noise for the discrete Laplace mechanism.
pub struct Noise {
    /// ε per published number.
    pub epsilon: f64,
}

impl Noise {
    /// Noise for ε per published number (see [`valid_epsilon`]).
    pub fn new(epsilon: f64) -> Noise {
        Noise { epsilon }
    }

    fn uniform() -> f64 {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).expect("the operating system's randomness is available");
        // (0, 1]: 53 random bits, never zero.
        ((u64::from_le_bytes(b) >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// P(k) = (1 - α) α^k with α = e^-ε, drawn as floor(ln U / -ε) (not through α, which
    /// rounds to 1 for a small ε).
    fn geometric(&self) -> i64 {
        (Self::uniform().ln() / -self.epsilon).floor() as i64
    }

    /// `n` plus noise, never below zero.
    pub fn add(&self, n: u64) -> u64 {
        let z = self.geometric() - self.geometric();
        (n as i64).saturating_add(z).max(0) as u64
    }
}

/// Most buckets a series is filled to (a century of hours). Counting keeps times to a sane
/// window, so only a crafted state holds a longer range: its series is withheld, and the footer
/// says so.
const MAX_BUCKETS: usize = 1_000_000;

/// The buckets of a series: every bucket from the first to the last one where `has` holds,
/// empty ones included — an absent bucket would tell "nothing" from "below K", and under noise
/// every bucket needs its own. `None` beyond [`MAX_BUCKETS`] or when a key does not parse.
fn filled(s: &State, hourly: bool, has: impl Fn(&Bucket) -> bool) -> Option<Vec<String>> {
    let mut with = s.series.iter().filter(|(_, b)| has(b)).map(|(k, _)| k);
    match (with.next(), with.next_back()) {
        (Some(a), b) => super::time::buckets_between(a, b.unwrap_or(a), hourly, MAX_BUCKETS),
        (None, _) => Some(Vec::new()),
    }
}

/// The cells of a column whose sum can be worked out (requests and queries add up to published
/// totals): below K withheld, and while the withheld cells add up to more than 0 but less than
/// K, the smallest shown cell is withheld too — else a single withheld cell is the total minus
/// the shown ones.
fn additive(values: &[u64], k: u64) -> Vec<Cell> {
    let mut cells: Vec<Cell> = values.iter().map(|&n| Cell::of(n, k)).collect();
    let mut hidden = values
        .iter()
        .filter(|&&n| n < k)
        .fold(0u64, |a, &n| a.saturating_add(n));
    let mut shown: Vec<usize> = (0..values.len()).filter(|&i| values[i] >= k).collect();
    shown.sort_by_key(|&i| values[i]);
    for i in shown {
        if hidden == 0 || hidden >= k {
            break;
        }
        cells[i] = Cell::Withheld(Why::Protects);
        hidden = hidden.saturating_add(values[i]);
    }
    cells
}

/// A panel before its `other` becomes a cell: `rest` is the number behind it.
struct Draft {
    key: String,
    section: &'static str,
    title: String,
    rows: Vec<(String, u64)>,
    rest: u64,
    error: u64,
}

impl Draft {
    /// A total published elsewhere (another panel's, the series') would give a small `other`
    /// away, and with it a label when the panel has few (IPv6 next to IPv4): while `other` is
    /// below K but not empty, the smallest shown row joins it.
    fn fill_other(&mut self, k: u64) {
        while self.rest > 0 && self.rest < k && self.fold_smallest(|_| true) {}
    }

    /// Moves the smallest row whose label passes `which` into `other`; false when there is none.
    fn fold_smallest(&mut self, which: impl Fn(&str) -> bool) -> bool {
        let Some((i, _)) = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| which(&r.0))
            .min_by_key(|(_, r)| r.1)
        else {
            return false;
        };
        self.rest = self.rest.saturating_add(self.rows.remove(i).1);
        true
    }
}

/// For a `child` panel whose rows are parts of the `parent` panel's rows (`up` names a child
/// label's parent label): no shown parent row may exceed its shown children by more than 0 but
/// less than K (`2xx 248` next to `200 241` tells of 7 other 2xx requests; `/admin 12` next to
/// the 404 row `/admin 10` of 2 requests that got in), and the parent panel's `other` may not
/// exceed the shown children of the parents in it by 1 to K-1 either (`other 15` next to
/// `304 12` whose `3xx` is in it).
///
/// Which cell goes is chosen by what a reader loses: a parent row whose children are shown
/// costs only its remainder (they still tell the reader most of it), a child row costs all of
/// it. So the parent joins its panel's `other` — `2xx` goes, `200 241` stays — and while that
/// `other` is then 1 to K-1 more than the shown children of the parents in it, the shown parent
/// with the smallest positive remainder joins it too. Each fold adds that remainder to what
/// `other` holds beyond its parents' shown children, and with every parent folded that is the
/// child panel's own `other`, 0 or at least K: parents always suffice, so the child panel, the
/// finer one, keeps every row K and the top-N limit gave it.
fn nest(drafts: &mut [Draft], parent: &str, child: &str, k: u64, up: impl Fn(&str) -> String) {
    let (Some(pi), Some(ci)) = (
        drafts.iter().position(|d| d.key == parent),
        drafts.iter().position(|d| d.key == child),
    ) else {
        return;
    };
    // What a parent row holds beyond its shown children, and whether it has any shown.
    let remainder = |drafts: &[Draft], label: &str, n: u64| -> (u64, bool) {
        let kids: Vec<u64> = drafts[ci]
            .rows
            .iter()
            .filter(|r| up(&r.0) == label)
            .map(|r| r.1)
            .collect();
        let sum = kids.iter().fold(0u64, |a, &b| a.saturating_add(b));
        (n.saturating_sub(sum), !kids.is_empty())
    };
    let fold_parent = |drafts: &mut [Draft], label: &str| {
        drafts[pi].fold_smallest(|l| l == label);
    };
    loop {
        let rows = drafts[pi].rows.clone();
        if let Some((label, _)) = rows.iter().find(|(l, n)| {
            let (beyond, has_kids) = remainder(drafts, l, *n);
            has_kids && beyond > 0 && beyond < k
        }) {
            fold_parent(drafts, label);
            continue;
        }
        let shown: Vec<String> = drafts[pi].rows.iter().map(|r| r.0.clone()).collect();
        let orphan = |l: &str| !shown.contains(&up(l));
        let orphans: u64 = drafts[ci]
            .rows
            .iter()
            .filter(|r| orphan(&r.0))
            .fold(0u64, |a, r| a.saturating_add(r.1));
        let beyond = drafts[pi].rest.saturating_sub(orphans);
        if orphans == 0 || beyond == 0 || beyond >= k {
            return;
        }
        let cheapest = rows
            .iter()
            .map(|(l, n)| (l.clone(), remainder(drafts, l, *n).0))
            .filter(|&(_, r)| r > 0)
            .min_by_key(|&(_, r)| r);
        match cheapest {
            Some((label, _)) => fold_parent(drafts, &label),
            // Not reached while the child panel's `other` is 0 or at least K (see above); kept
            // so that nothing below K is published whatever the drafts hold.
            None => {
                drafts[ci].fold_smallest(|l| orphan(l));
            }
        }
    }
}

/// Runs of two or more buckets with nothing to publish (empty, or every value withheld) as one
/// row, its bucket the ISO 8601 interval `FIRST/LAST`: 44 rows of `< 10` tell a reader no more
/// than one does (issue 18), in every renderer.
fn collapse(rows: Vec<SeriesRow>) -> Vec<SeriesRow> {
    let blank = |r: &SeriesRow| r.values.iter().all(|(_, c)| c.count().is_none());
    let mut out: Vec<SeriesRow> = Vec::with_capacity(rows.len());
    let mut run: Vec<SeriesRow> = Vec::new();
    let flush = |run: &mut Vec<SeriesRow>, out: &mut Vec<SeriesRow>| {
        if run.len() >= 2 {
            let last = run[run.len() - 1].bucket.clone();
            let mut first = run.remove(0);
            first.bucket = format!("{}/{last}", first.bucket);
            out.push(first);
        } else {
            out.append(run);
        }
        run.clear();
    };
    for r in rows {
        if blank(&r) {
            run.push(r);
        } else {
            flush(&mut run, &mut out);
            out.push(r);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Visit order beside the pages (`crate::stats::visits`): each request of a page is the target
/// of one step and the source of one, so the shown steps into a page, and out of it, must not
/// leave 1 to K-1 of its requests unexplained (`/x 25` beside `(entry) → /x 10` and
/// `/a → /x 12` tells of 3 requests that came from elsewhere), nor the pages panel's `other`
/// 1 to K-1 beyond the shown steps of the pages in it. Here the finer panel pays, step by step
/// (smallest first), since the pages panel is what most readers come for; a step's own ends
/// `(entry)` and `(exit)` are no pages.
fn nest_visits(drafts: &mut [Draft], k: u64) {
    use crate::stats::visits::{ENTRY, EXIT, step_ends};
    let (Some(pi), Some(vi)) = (
        drafts.iter().position(|d| d.key == "page"),
        drafts.iter().position(|d| d.key == "visit_step"),
    ) else {
        return;
    };
    let end = |label: &str, into: bool| -> Option<String> {
        let (from, to) = step_ends(label)?;
        let p = if into { to } else { from };
        (p.as_bytes() != ENTRY && p.as_bytes() != EXIT).then(|| p.to_string())
    };
    let bad = |x: u64| x > 0 && x < k;
    loop {
        let mut folded = false;
        for into in [true, false] {
            let pages = drafts[pi].rows.clone();
            let shown: Vec<&String> = pages.iter().map(|r| &r.0).collect();
            // A shown page: its steps in (or out) beside its count.
            for (page, n) in &pages {
                let of = |l: &str| end(l, into).as_ref() == Some(page);
                let steps: u64 = drafts[vi]
                    .rows
                    .iter()
                    .filter(|r| of(&r.0))
                    .map(|r| r.1)
                    .sum();
                if steps > 0 && bad(n.saturating_sub(steps)) {
                    drafts[vi].fold_smallest(of);
                    folded = true;
                }
            }
            // The pages in `other`: their shown steps beside it.
            let orphan = |l: &str| end(l, into).is_some_and(|p| !shown.contains(&&p));
            let steps: u64 = drafts[vi]
                .rows
                .iter()
                .filter(|r| orphan(&r.0))
                .map(|r| r.1)
                .sum();
            if steps > 0 && bad(drafts[pi].rest.saturating_sub(steps)) {
                drafts[vi].fold_smallest(orphan);
                folded = true;
            }
        }
        if !folded {
            return;
        }
    }
}

/// The family of a version label: the label without its last word when that is a version
/// (`Samsung Internet 24` → `Samsung Internet`, `Windows Vista` → `Windows`), else the label.
fn family_of(label: &str) -> &str {
    match label.rsplit_once(' ') {
        Some((family, v))
            if v.starts_with(|c: char| c.is_ascii_digit()) || matches!(v, "Vista" | "XP") =>
        {
            family
        }
        _ => label,
    }
}

/// A series row's bucket for people: a collapsed run `A/B` as `A – B`.
fn span_text(bucket: &str) -> String {
    bucket.replace('/', " – ")
}

/// Panels whose labels are numbers or ranges, shown in label order and in full.
/// The response-time quantiles of a bucket, in microseconds (`p50`, `p90`, `p99`). The `q` quantile is published only when at least K durations lie at or
/// above it (`n·(1 − q) ≥ K`: p50 needs 2K, p90 10K, p99 100K), so it never is the time of one
/// of fewer than K requests; withheld with the requests, and under noise.
fn response_quantiles(
    d: &super::Durations,
    requests: Cell,
    k: u64,
    noisy: bool,
) -> Vec<(String, Option<u64>)> {
    let n = d.count();
    [(0.5, 2, "p50"), (0.9, 10, "p90"), (0.99, 100, "p99")]
        .into_iter()
        .map(|(q, times, name)| {
            let v = match requests {
                Cell::Count(_) if !noisy && n >= k.saturating_mul(times) => d.quantile(q),
                _ => None,
            };
            (name.to_string(), v)
        })
        .collect()
}

/// A unique count over the whole period: the union of every bucket's sketch, withheld below K
/// (and under noise, which it would need its own share of).
fn period_unique(s: &State, noisy: bool, k: u64, of: impl Fn(&Bucket) -> &super::Hll) -> Cell {
    let mut all = super::Hll::default();
    for b in s.series.values() {
        all.merge(of(b));
    }
    match all.estimate() {
        0 => Cell::Count(0),
        _ if noisy => Cell::Withheld(Why::Noise),
        n => Cell::of(n, k),
    }
}

fn is_histogram(key: &str) -> bool {
    matches!(
        key,
        "qname_length"
            | "labels"
            | "response_size"
            | "response_time"
            | "response_bytes"
            | "hour_of_day"
    )
}

impl Report {
    /// Applies K and the top-N limit to a state (after noise, with `dp`).
    pub fn new(s: &State, min_count: u64, top: usize, dp: Option<&Noise>) -> Report {
        let normalized = s.normalized();
        let s = &normalized;
        let k = min_count.max(1);
        let noisy = |n: u64| dp.map_or(n, |d| d.add(n));
        let questions = s.dns_has_questions();
        let hourly = s.bucket == Granularity::Hour;
        let web_rows = filled(s, hourly, |b| b.requests > 0);
        let dns_rows = filled(s, hourly, |b| b.dns_queries(questions) > 0);
        let series_withheld: Vec<String> = [("web", &web_rows), ("dns", &dns_rows)]
            .iter()
            .filter(|(_, rows)| rows.is_none())
            .map(|(name, _)| name.to_string())
            .collect();
        let (web_rows, dns_rows) = (web_rows.unwrap_or_default(), dns_rows.unwrap_or_default());
        // A unique count is a lower bound of its row's count: withheld with it (a bucket
        // withheld only to protect a smaller one would otherwise show it is at least that).
        let unique = |count: Cell, n: u64| match count {
            Cell::Count(_) => Cell::of(noisy(n), k),
            Cell::Withheld(_) => Cell::Withheld(Why::WithItsCount),
        };
        let empty = Bucket::default();
        let get = |key: &String| s.series.get(key).unwrap_or(&empty);
        let requests: Vec<u64> = web_rows.iter().map(|k| noisy(get(k).requests)).collect();
        let requests = additive(&requests, k);
        let timed = web_rows.iter().any(|key| !get(key).durations.is_empty());
        let web_series = web_rows
            .iter()
            .zip(requests)
            .map(|(key, req)| {
                let b = get(key);
                // Bytes of a bucket with few requests tell their responses' sizes: withheld
                // with the requests (and always under noise, which they would need too much of).
                let bytes = match req {
                    Cell::Count(_) if dp.is_none() => Cell::of(b.bytes, k),
                    Cell::Count(_) => Cell::Withheld(Why::Noise),
                    Cell::Withheld(_) => Cell::Withheld(Why::WithItsCount),
                };
                SeriesRow {
                    bucket: key.clone(),
                    values: vec![
                        ("requests".into(), req),
                        ("bytes".into(), bytes),
                        ("visitors".into(), unique(req, b.visitors.estimate())),
                    ],
                    times: if timed {
                        response_quantiles(&b.durations, req, k, dp.is_some())
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        let queries: Vec<u64> = dns_rows
            .iter()
            .map(|key| noisy(get(key).dns_queries(questions)))
            .collect();
        let queries = additive(&queries, k);
        let dns_series = dns_rows
            .iter()
            .zip(queries)
            .map(|(key, q)| {
                let b = get(key);
                SeriesRow {
                    bucket: key.clone(),
                    values: vec![
                        ("queries".into(), q),
                        ("sources".into(), unique(q, b.sources.estimate())),
                        ("networks".into(), unique(q, b.networks.estimate())),
                    ],
                    times: Vec::new(),
                }
            })
            .collect();
        let side = if questions {
            Side::Question
        } else {
            Side::Answer
        };
        let wanted = (Web::ALL.iter().map(|&p| (Kind::Web(p), p.key())))
            .chain(Query::ALL.iter().map(|&p| (Kind::Query(side, p), p.key())))
            .chain(Answer::ALL.iter().map(|&p| (Kind::Answer(p), p.key())))
            .map(|(p, key)| {
                let section = if matches!(p, Kind::Web(_)) {
                    "web"
                } else {
                    "dns"
                };
                (p.key(), p.title().to_string(), key, section)
            });
        let mut drafts = Vec::new();
        for (state_key, title, key, section) in wanted {
            let Some(p) = s.panels.get(&state_key) else {
                continue;
            };
            // Nothing but `(none)`: the logs do not have this value at all.
            if p.counts.len() == 1 && p.counts.contains_key(super::NONE) && p.error == 0 {
                continue;
            }
            let mut all = p.sorted();
            if dp.is_some() {
                for row in all.iter_mut() {
                    row.1 = noisy(row.1);
                }
                all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            }
            if is_histogram(key) {
                all.sort_by(|a, b| num_key(&a.0).cmp(&num_key(&b.0)).then(a.0.cmp(&b.0)));
            }
            let limit = if is_histogram(key) { usize::MAX } else { top };
            let mut rows = Vec::new();
            for (label, n) in all {
                if n >= k && rows.len() < limit {
                    rows.push((label, n));
                }
            }
            // Everything not shown, including labels the summary had to drop (the true counts
            // of the shown labels are subtracted; the remainder gets its own noise).
            let shown: u64 = rows
                .iter()
                .map(|r| p.counts.get(r.0.as_bytes()).copied().unwrap_or(r.1))
                .fold(0u64, u64::saturating_add);
            let rest = noisy(p.total.max(shown) - shown);
            drafts.push(Draft {
                key: key.to_string(),
                section,
                title,
                rows,
                rest,
                error: p.error,
            });
        }
        for d in drafts.iter_mut() {
            d.fill_other(k);
        }
        // Rows that are parts of another panel's rows: what a parent row keeps beyond its shown
        // children must not be below K either.
        nest(&mut drafts, "status_class", "status", k, |l| {
            super::status_class(l.as_bytes()).into()
        });
        nest(&mut drafts, "page", "not_found_page", k, str::to_string);
        // Versions under their family: `Firefox 121` of `Firefox`, `Windows 10` of `Windows`.
        nest(&mut drafts, "client_family", "browser", k, |l| {
            family_of(l).to_string()
        });
        nest(&mut drafts, "os", "os_version", k, |l| {
            family_of(l).to_string()
        });
        nest_visits(&mut drafts, k);
        nest(&mut drafts, "tld", "domain", k, |l| {
            psl::suffix(l.as_bytes()).map_or_else(
                || l.to_string(),
                |s| String::from_utf8_lossy(s.as_bytes()).into_owned(),
            )
        });
        let panels = drafts
            .into_iter()
            .filter(|d| !d.rows.is_empty() || d.rest > 0)
            .map(|d| Panel {
                section: d.section,
                other: (d.rest > 0).then(|| Cell::of(d.rest, k)),
                key: d.key,
                title: d.title,
                rows: d.rows,
                error: d.error,
            })
            .collect();
        Report {
            dp_epsilon: dp.map(|d| d.epsilon),
            min_count: k,
            first: s.series.keys().next().cloned(),
            last: s.series.keys().next_back().cloned(),
            bucket: s.bucket,
            tz_offset: s.tz_offset,
            series_withheld,
            lines: noisy(s.lines),
            unparsed: noisy(s.unparsed),
            excluded: noisy(s.excluded),
            server_lines: noisy(s.server_lines),
            undated: noisy(s.undated),
            uncounted_files: s.uncounted_files,
            uncounted_bytes: s.uncounted_bytes,
            web_series: collapse(web_series),
            dns_series: collapse(dns_series),
            visitors: period_unique(s, dp.is_some(), k, |b| &b.visitors),
            sources: period_unique(s, dp.is_some(), k, |b| &b.sources),
            panels,
        }
    }

    /// `2026-11-01 to 2026-11-30 (days, UTC)`.
    fn range(&self) -> Option<String> {
        let (a, b) = (self.first.as_ref()?, self.last.as_ref()?);
        let z = self.tz_offset;
        let zone = if z == 0 {
            "UTC".to_string()
        } else {
            let (sign, z) = (if z < 0 { '-' } else { '+' }, z.unsigned_abs());
            format!("UTC{sign}{:02}:{:02}", z / 3600, z % 3600 / 60)
        };
        let unit = match self.bucket {
            Granularity::Day => "days",
            Granularity::Hour => "hours",
        };
        Some(format!("{a} to {b} ({unit}, {zone})"))
    }

    /// What the report says of files that could not be read, when there were any: it holds
    /// fewer lines than the servers logged (invariant 4: an incomplete number says so).
    pub fn uncounted(&self) -> Option<String> {
        let n = self.uncounted_files;
        (n > 0).then(|| {
            format!(
                "Incomplete: {n} log file{} ({} bytes on disk) could not be read and {} in no count, so every number may be lower than the servers logged.",
                if n == 1 { "" } else { "s" },
                self.uncounted_bytes,
                if n == 1 { "is" } else { "are" }
            )
        })
    }

    fn footer(&self) -> String {
        let mut f = format!(
            "Counts below {k} are withheld (shown as \"< {k}\"; labels below {k} are folded into \"(others)\"). \
             Unique counts are HyperLogLog estimates (error about 1 %). Lines: {} read, {} unparsed, {} excluded, {} the servers' own (start-up, shutdown, notices), {} without a readable time.",
            self.lines,
            self.unparsed,
            self.excluded,
            self.server_lines,
            self.undated,
            k = self.min_count
        );
        if let Some(r) = self.range() {
            f += &format!(" Time range: {r}.");
        }
        if let Some(w) = self.uncounted() {
            f += &format!(" {w}");
        }
        for name in &self.series_withheld {
            f += &format!(
                " The {name} time series is withheld: its range holds too many buckets to list each."
            );
        }
        if let Some(e) = self.dp_epsilon {
            f += &format!(
                " Every number carries random noise (differential privacy, ε = {e} per number for one log line; up to {} numbers change with one line, so {:.3} for the report; bytes are not published). It protects single requests, not clients with many; the first and last bucket are shown as they are.",
                NUMBERS_PER_LINE,
                e * f64::from(NUMBERS_PER_LINE)
            );
        }
        for p in &self.panels {
            if p.error > 0 {
                f += &format!(
                    " {}: counts may be up to {} too low (more distinct labels than the state keeps).",
                    p.title, p.error
                );
            }
        }
        f
    }
}

fn bucket_name(g: Granularity) -> &'static str {
    match g {
        Granularity::Day => "day",
        Granularity::Hour => "hour",
    }
}

/// `16-31` → 16; `7` → 7; anything else after the numbers.
fn num_key(label: &str) -> u64 {
    label
        .split('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// A report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// JSON, for machines.
    Json,
    /// CSV, one tidy table (`section,panel,bucket,label,metric,value,withheld`).
    Csv,
    /// Markdown, for a wiki or a blog post.
    #[value(name = "md")]
    Markdown,
    /// One self-contained HTML page (inline SVG charts, no external requests).
    Html,
}

/// How to render a report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportOptions {
    /// The format.
    pub to: ReportFormat,
    /// K: counts below it are withheld.
    pub min_count: u64,
    /// Rows per panel.
    pub top: usize,
    /// ε for differential-privacy noise, per published number.
    pub dp_epsilon: Option<f64>,
}

/// Renders a state as a report.
pub fn render(s: &State, r: &ReportOptions) -> String {
    let noise = r.dp_epsilon.map(Noise::new);
    let rep = Report::new(s, r.min_count, r.top, noise.as_ref());
    match r.to {
        ReportFormat::Json => rep.json(),
        ReportFormat::Csv => rep.csv(),
        ReportFormat::Markdown => rep.markdown(),
        ReportFormat::Html => rep.html(),
    }
}

/// Renders two states side by side (`report A B --compare`): each a report of its own, K (and
/// noise) applied to each, changes only between published numbers.
pub fn render_compare(a: &State, b: &State, r: &ReportOptions) -> String {
    let noise = r.dp_epsilon.map(Noise::new);
    let c = compare::Comparison::new(
        Report::new(a, r.min_count, r.top, noise.as_ref()),
        Report::new(b, r.min_count, r.top, noise.as_ref()),
    );
    match r.to {
        ReportFormat::Json => c.json(),
        ReportFormat::Csv => c.csv(),
        ReportFormat::Markdown => c.markdown(),
        ReportFormat::Html => c.html(),
    }
}

/// ε: a finite number, at least `MIN_EPSILON`.
pub fn parse_epsilon(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(e) if valid_epsilon(e) => Ok(e),
        _ => Err(format!(
            "`{s}`: expected a positive number such as 0.5 or 1 (at least {})",
            MIN_EPSILON
        )),
    }
}

/// Checks a report's rows per panel: at least 1 (with 0 every panel was one `(others)` row).
pub fn check_top(n: usize) -> Result<usize, String> {
    if n == 0 {
        return Err("top 0 would show no row of any panel: expected 1 or more".into());
    }
    Ok(n)
}

/// `--top` on the command line ([`check_top`]).
pub fn parse_top(s: &str) -> Result<usize, String> {
    let n = s
        .parse::<usize>()
        .map_err(|_| format!("`{s}`: expected a number of rows such as 10"))?;
    check_top(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A panel as `Report::new` drafts it: rows of at least K, the rest behind `other`.
    fn draft(key: &str, counts: &BTreeMap<String, u64>, k: u64) -> Draft {
        let mut rows: Vec<(String, u64)> = counts
            .iter()
            .filter(|(_, n)| **n >= k)
            .map(|(l, &n)| (l.clone(), n))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let shown: u64 = rows.iter().map(|r| r.1).sum();
        let mut d = Draft {
            key: key.into(),
            section: "web",
            title: key.into(),
            rows,
            rest: counts.values().sum::<u64>() - shown,
            error: 0,
        };
        d.fill_other(k);
        d
    }

    /// Runs of two or more buckets with nothing to publish are one row, `FIRST/LAST`; a single
    /// one stays; a bucket with any number shown breaks a run.
    #[test]
    fn runs_of_withheld_buckets_collapse() {
        let row = |b: &str, c: Cell| SeriesRow {
            times: Vec::new(),
            bucket: b.into(),
            values: vec![
                ("requests".into(), c),
                ("bytes".into(), Cell::Withheld(Why::WithItsCount)),
            ],
        };
        let w = Cell::Withheld(Why::BelowK);
        let rows = vec![
            row("2026-10-01", w),
            row("2026-10-02", w),
            row("2026-10-03", w),
            row("2026-10-04", Cell::Count(12)),
            row("2026-10-05", w),
            row("2026-10-06", Cell::Count(40)),
            row("2026-10-07", w),
            row("2026-10-08", w),
        ];
        let got: Vec<String> = collapse(rows).into_iter().map(|r| r.bucket).collect();
        assert_eq!(
            got,
            [
                "2026-10-01/2026-10-03",
                "2026-10-04",
                "2026-10-05",
                "2026-10-06",
                "2026-10-07/2026-10-08"
            ]
        );
        assert_eq!(
            span_text("2026-10-01/2026-10-03"),
            "2026-10-01 – 2026-10-03"
        );
    }

    proptest::proptest! {
        /// Visit order beside the pages gives no number below K away: for every shown page, its
        /// requests beyond its shown steps in, and beyond its shown steps out, are 0 or at least
        /// K, and the pages panel's `other` beyond the shown steps of the pages in it likewise.
        #[test]
        fn visit_steps_give_no_page_remainder_below_k(
            reqs in proptest::collection::vec((0u64..6, 0usize..5, 0i64..50), 1..300),
            k in 2u64..20,
            top in 1usize..6,
        ) {
            use crate::stats::visits::{Join, Tracker, step_ends};
            let pages = ["/", "/a", "/b", "/c", "/d"];
            let mut t = Tracker::new();
            let mut steps: BTreeMap<String, u64> = BTreeMap::new();
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            let mut minute = 0;
            for (v, p, gap) in &reqs {
                minute += gap;
                *counts.entry(pages[*p].to_string()).or_default() += 1;
                let page = pages[*p].as_bytes();
                t.request(*v, crate::stats::visits::page_key(page), page, minute * 60);
            }
            let mut j = Join::new(10_000);
            j.piece(&mut t.take());
            for (l, n) in j.finish().labels {
                *steps.entry(String::from_utf8(l).unwrap()).or_default() += n;
            }
            let mut page = draft("page", &counts, k);
            page.rows.truncate(top);
            page.rest = counts.values().sum::<u64>() - page.rows.iter().map(|r| r.1).sum::<u64>();
            page.fill_other(k);
            let mut drafts = vec![page, draft("visit_step", &steps, k)];
            nest_visits(&mut drafts, k);
            let (page, visit) = (&drafts[0], &drafts[1]);
            let bad = |x: u64| x > 0 && x < k;
            let shown: Vec<&String> = page.rows.iter().map(|r| &r.0).collect();
            for into in [true, false] {
                let end = |l: &str| {
                    let (a, b) = step_ends(l).unwrap();
                    if into { b.to_string() } else { a.to_string() }
                };
                for (p, n) in &page.rows {
                    let s: u64 = visit.rows.iter().filter(|r| end(&r.0) == *p).map(|r| r.1).sum();
                    proptest::prop_assert!(s == 0 || !bad(n - s), "{} {} {}", p, n, s);
                }
                let orphans: u64 = visit
                    .rows
                    .iter()
                    .filter(|r| {
                        let e = end(&r.0);
                        e != "(entry)" && e != "(exit)" && !shown.contains(&&e)
                    })
                    .map(|r| r.1)
                    .sum();
                proptest::prop_assert!(orphans == 0 || !bad(page.rest - orphans));
            }
            proptest::prop_assert!(!bad(visit.rest) || visit.rows.is_empty());
        }

        /// Nested panels (status classes and codes) give no number below K away, and the
        /// cheapest cell goes (issue 18): a class whose codes are shown costs only its
        /// remainder, so the codes panel keeps every row K gave it and its largest row is shown
        /// whenever it is at least K.
        #[test]
        fn nested_panels_withhold_the_cheapest_cell(
            codes in proptest::collection::btree_map(
                proptest::sample::select(vec![
                    "200", "201", "204", "206", "301", "302", "304", "400", "401", "403",
                    "404", "500", "502", "503",
                ]),
                0u64..400,
                1..14,
            ),
            k in 2u64..30,
        ) {
            let codes: BTreeMap<String, u64> =
                codes.into_iter().map(|(c, n)| (c.to_string(), n)).collect();
            let mut classes: BTreeMap<String, u64> = BTreeMap::new();
            for (c, n) in &codes {
                *classes.entry(format!("{}xx", &c[..1])).or_default() += n;
            }
            let up = |l: &str| format!("{}xx", &l[..1]);
            let mut drafts = vec![draft("status_class", &classes, k), draft("status", &codes, k)];
            let before = drafts[1].rows.clone();
            nest(&mut drafts, "status_class", "status", k, up);
            let (class, status) = (&drafts[0], &drafts[1]);
            // The codes panel is as K left it: its largest row (if at least K) is shown.
            proptest::prop_assert_eq!(&status.rows, &before);
            // (Unless the panel's own total gives the rest away: `200 24` beside a total of 25.)
            let total: u64 = codes.values().sum();
            if let Some((top, &n)) = codes.iter().max_by_key(|(_, n)| **n)
                && n >= k
                && !(total - n > 0 && total - n < k)
            {
                proptest::prop_assert!(status.rows.iter().any(|r| &r.0 == top && r.1 == n));
            }
            let bad = |x: u64| x > 0 && x < k;
            for (label, n) in &class.rows {
                let kids: u64 = status.rows.iter().filter(|r| up(&r.0) == *label).map(|r| r.1).sum();
                proptest::prop_assert!(kids == 0 || !bad(n - kids), "{} {} vs {}", label, n, kids);
            }
            let shown: Vec<&String> = class.rows.iter().map(|r| &r.0).collect();
            let orphans: u64 = status
                .rows
                .iter()
                .filter(|r| !shown.contains(&&up(&r.0)))
                .map(|r| r.1)
                .sum();
            proptest::prop_assert!(orphans == 0 || !bad(class.rest - orphans));
            // An `other` below K is withheld; the panel's total then gives it away only beside
            // shown rows.
            for d in [class, status] {
                proptest::prop_assert!(!bad(d.rest) || d.rows.is_empty());
            }
        }
    }

    #[test]
    fn additive_columns_never_leave_a_withheld_sum_between_0_and_k() {
        use Cell::Count as C;
        let (w, p) = (Cell::Withheld(Why::BelowK), Cell::Withheld(Why::Protects));
        for (values, want) in [
            (&[20, 0, 3, 15][..], &[C(20), w, w, p][..]),
            (&[20, 0, 0, 15], &[C(20), w, w, C(15)]), // withheld sum 0: nothing to give away
            (&[20, 5, 6, 15], &[C(20), w, w, C(15)]), // 11 >= K
            (&[3], &[w]),
            (&[3, 50], &[w, p]),
            (&[10, 10, 10], &[C(10), C(10), C(10)]),
            (&[], &[]),
        ] {
            assert_eq!(additive(values, 10), want, "{values:?}");
        }
        assert_eq!(additive(&[u64::MAX, 1], 10), [p, w]);
    }

    #[test]
    fn geometric_noise_has_the_discrete_laplace_spread() {
        let n = Noise::new(1.0);
        let samples: Vec<f64> = (0..20_000).map(|_| n.add(1_000) as f64 - 1_000.0).collect();
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / samples.len() as f64;
        let a = (-1.0f64).exp();
        let want = 2.0 * a / (1.0 - a).powi(2); // variance of the two-sided geometric
        assert!(mean.abs() < 0.1, "mean {mean}");
        assert!(
            (var - want).abs() / want < 0.1,
            "variance {var}, expected {want}"
        );
        let near_zero: Vec<u64> = (0..1000).map(|_| Noise::new(0.5).add(0)).collect();
        assert!(
            near_zero.iter().any(|&v| v > 0),
            "noise moves zero up too (u64: never below)"
        );
    }
}
