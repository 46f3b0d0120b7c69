//! The retention plan: pure, deterministic, no I/O and no clock (`now` is a parameter).

use chrono::{DateTime, Duration, Utc};

use super::{Entry, NameGlob, date};

/// Where a file's age comes from (`--age-from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgeFrom {
    /// The date in the file name; files without one are kept.
    Name,
    /// The modification time.
    Mtime,
    /// The name's date when there is one, else the modification time.
    Auto,
}

/// What the policy says.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Files older than this go.
    pub max_age: Duration,
    /// Where ages come from.
    pub age_from: AgeFrom,
    /// The newest N matching files of each root are always kept.
    pub keep: usize,
    /// Files whose name (or path below the root) matches are never deleted.
    pub exclude: Vec<NameGlob>,
}

/// Where an age was read: the date in the file's name, or its modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeSource {
    /// The end of the period its name's date names.
    Name,
    /// Its modification time.
    Mtime,
}

impl AgeSource {
    /// `name` or `mtime`, as messages and JSON write it.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeSource::Name => "name",
            AgeSource::Mtime => "mtime",
        }
    }
}

impl std::fmt::Display for AgeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file is kept or deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// It matches an `--exclude` (or `keep-forever`) glob.
    Excluded(String),
    /// Its age comes from its name, which holds no date.
    NoDate,
    /// One of the `keep` newest of its directory.
    Newest(usize),
    /// Its date lies ahead of now by this much.
    Future(Duration),
    /// Its age is within the window.
    Inside { age: Duration, window: Duration },
    /// Its age is past the window: deleted.
    Older { age: Duration, window: Duration },
    /// Past the window, but a process holds it open for writing: kept (set by the caller after
    /// the plan, which does no I/O; see [`super::open`]).
    Open(super::open::Writer),
}

impl Reason {
    /// The reason in words, naming the window as `window` (`the window`, `raw-retention`, ...).
    pub fn describe(&self, window: &str) -> String {
        match self {
            Reason::Excluded(g) => format!("excluded by --exclude {g}"),
            Reason::NoDate => "no date in the name (--age-from name)".into(),
            Reason::Newest(n) => format!("one of the {n} newest (--keep)"),
            Reason::Future(d) => format!("dated in the future ({} ahead)", show(*d)),
            Reason::Inside { age, window: w } => {
                format!("inside {window}: {} <= {}", show(*age), show(*w))
            }
            Reason::Older { age, window: w } => {
                format!("older than {window}: {} > {}", show(*age), show(*w))
            }
            Reason::Open(w) => format!("open for writing by {w}, past {window}"),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe("the window"))
    }
}

/// What happens to one file, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Index into the entries.
    pub entry: usize,
    /// True: delete. False: keep.
    pub delete: bool,
    /// The age used, when one was computed.
    pub age: Option<Duration>,
    /// Where the age was read, when it was.
    pub age_from: Option<AgeSource>,
    /// Why.
    pub reason: Reason,
}

/// `30d`, `1d 2h`, `-3h` (in the future), `250ms` (under a second, so that an age just past a
/// window of 0 does not read `0s > 0s`): for messages.
pub fn show(d: Duration) -> String {
    let neg = d < Duration::zero();
    let s = d.num_seconds().abs();
    if s == 0 {
        let t = match d.num_milliseconds().abs() {
            0 if d.is_zero() => return "0s".into(),
            0 => "<1ms".to_string(),
            ms => format!("{ms}ms"),
        };
        return if neg { format!("-{t}") } else { t };
    }
    let (days, hours, mins) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let t = if days > 0 {
        if hours > 0 {
            format!("{days}d {hours}h")
        } else {
            format!("{days}d")
        }
    } else if hours > 0 {
        format!("{hours}h {mins}m")
    } else {
        format!("{mins}m {}s", s % 60)
    };
    if neg { format!("-{t}") } else { t }
}

/// The reference time of an entry (end of its named period, or its mtime) and its source.
pub fn reference(e: &Entry, from: AgeFrom) -> Option<(DateTime<Utc>, AgeSource)> {
    let by_name = || date::name_period_end(e.name.as_encoded_bytes()).map(|t| (t, AgeSource::Name));
    match from {
        AgeFrom::Name => by_name(),
        AgeFrom::Mtime => Some((e.mtime, AgeSource::Mtime)),
        AgeFrom::Auto => by_name().or(Some((e.mtime, AgeSource::Mtime))),
    }
}

/// Keeps what the plan would delete but a process holds open for writing (`writers`, from
/// [`super::open::Writers::scan`]): deleting a file a daemon still writes loses what it writes
/// next.
pub fn keep_open(decisions: &mut [Decision], entries: &[Entry], writers: &super::open::Writers) {
    for d in decisions.iter_mut().filter(|d| d.delete) {
        let e = &entries[d.entry];
        if e.symlink {
            continue; // the link is deleted, not the file it names
        }
        if let Some(w) = writers.get(e.dev, e.ino) {
            d.delete = false;
            d.reason = Reason::Open(w.clone());
        }
    }
}

/// Decides, for every entry, delete or keep.
pub fn plan(entries: &[Entry], p: &Policy, now: DateTime<Utc>) -> Vec<Decision> {
    let refs: Vec<Option<(DateTime<Utc>, AgeSource)>> =
        entries.iter().map(|e| reference(e, p.age_from)).collect();
    // The N newest of each root (by reference time, newest first; unknown ages count as newest).
    let mut newest = vec![false; entries.len()];
    if p.keep > 0 {
        let mut roots: Vec<usize> = entries.iter().map(|e| e.root).collect();
        roots.sort_unstable();
        roots.dedup();
        for r in roots {
            let mut idx: Vec<usize> = (0..entries.len())
                .filter(|&i| entries[i].root == r && !excluded(&entries[i], p))
                .collect();
            idx.sort_by_key(|&i| {
                std::cmp::Reverse(refs[i].map(|(t, _)| t).unwrap_or(DateTime::<Utc>::MAX_UTC))
            });
            for &i in idx.iter().take(p.keep) {
                newest[i] = true;
            }
        }
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let keep = |reason: Reason, age: Option<Duration>, from: Option<AgeSource>| Decision {
                entry: i,
                delete: false,
                age,
                age_from: from,
                reason,
            };
            if let Some(g) = p.exclude.iter().find(|g| matches_exclude(g, e)) {
                return keep(
                    Reason::Excluded(String::from_utf8_lossy(&g.0).into_owned()),
                    None,
                    None,
                );
            }
            let Some((t, from)) = refs[i] else {
                return keep(Reason::NoDate, None, Some(AgeSource::Name));
            };
            let age = now - t;
            if newest[i] {
                return keep(Reason::Newest(p.keep), Some(age), Some(from));
            }
            if age < Duration::zero() {
                return keep(Reason::Future(-age), Some(age), Some(from));
            }
            if age <= p.max_age {
                let window = p.max_age;
                return keep(Reason::Inside { age, window }, Some(age), Some(from));
            }
            Decision {
                entry: i,
                delete: true,
                age: Some(age),
                age_from: Some(from),
                reason: Reason::Older {
                    age,
                    window: p.max_age,
                },
            }
        })
        .collect()
}

fn matches_exclude(g: &NameGlob, e: &Entry) -> bool {
    if g.matches(e.name.as_encoded_bytes()) {
        return true;
    }
    // Also against the path below the root (`archive/*`).
    let mut rel = Vec::new();
    for d in &e.dirs {
        rel.extend_from_slice(d.as_encoded_bytes());
        rel.push(b'/');
    }
    rel.extend_from_slice(e.name.as_encoded_bytes());
    g.matches(&rel)
}

fn excluded(e: &Entry, p: &Policy) -> bool {
    p.exclude.iter().any(|g| matches_exclude(g, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// An age under a second is shown in milliseconds: a window of 0 read `0s > 0s` (a new
    /// user's review).
    #[test]
    fn show_durations() {
        for (d, want) in [
            (Duration::zero(), "0s"),
            (Duration::milliseconds(250), "250ms"),
            (Duration::nanoseconds(300), "<1ms"),
            (Duration::milliseconds(-40), "-40ms"),
            (Duration::seconds(59), "0m 59s"),
            (Duration::hours(26), "1d 2h"),
            (Duration::days(30), "30d"),
        ] {
            assert_eq!(show(d), want, "{d:?}");
        }
    }

    fn entry(name: &str, mtime_days_ago: i64, now: DateTime<Utc>) -> Entry {
        Entry {
            root: 0,
            dirs: vec![],
            name: name.into(),
            size: 10,
            mtime: now - Duration::days(mtime_days_ago),
            symlink: false,
            dev: 1,
            ino: 1,
        }
    }

    #[test]
    fn window_names_mtime_keep_exclude_future() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let entries = vec![
            entry("access.log-20261001.gz", 0, now), // name: 51 days → delete (mtime ignored)
            entry("access.log-20261115", 60, now),   // name: 6d → keep (mtime old, ignored)
            entry("access.log.3.gz", 40, now),       // no name date: mtime 40d → delete
            entry("access.log.1", 1, now),           // mtime 1d → keep
            entry("audit-20250101.log", 300, now),   // excluded → keep
            entry("access.log-20261221", 0, now),    // future → keep
            entry("access.log-20261022", 0, now),    // ends 2026-10-23: 30.5d → delete
            entry("access.log-20261023", 0, now),    // ends 2026-10-24: 29.5d → keep
        ];
        let p = Policy {
            max_age: Duration::days(30),
            age_from: AgeFrom::Auto,
            keep: 0,
            exclude: vec![NameGlob(b"audit-*".to_vec())],
        };
        let d = plan(&entries, &p, now);
        let deleted: Vec<&str> = d
            .iter()
            .filter(|d| d.delete)
            .map(|d| entries[d.entry].name.to_str().unwrap())
            .collect();
        assert_eq!(
            deleted,
            [
                "access.log-20261001.gz",
                "access.log.3.gz",
                "access.log-20261022"
            ]
        );
        assert!(
            d[4].reason
                .to_string()
                .starts_with("excluded by --exclude audit-*")
        );
        assert!(d[5].reason.to_string().starts_with("dated in the future"));

        let by_mtime = Policy {
            age_from: AgeFrom::Mtime,
            ..p.clone()
        };
        let d = plan(&entries, &by_mtime, now);
        assert!(d[1].delete && !d[0].delete, "mtime decides");

        let by_name = Policy {
            age_from: AgeFrom::Name,
            ..p.clone()
        };
        let d = plan(&entries, &by_name, now);
        assert!(!d[2].delete && d[2].reason.to_string().contains("no date in the name"));

        let keep2 = Policy { keep: 2, ..p };
        let d = plan(&entries, &keep2, now);
        // The two newest by reference time: the future one, then access.log.1 (mtime 1 day ago).
        assert!(
            d[5].reason.to_string().contains("newest")
                && d[3].reason.to_string().contains("newest")
        );
        assert!(d[1].reason.to_string().starts_with("inside the window"));
        assert!(d[0].delete);
    }
}
