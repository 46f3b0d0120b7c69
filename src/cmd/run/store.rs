//! The nightly job's statistics, per source in `STATE-DIR/stats/NAME/`:
//!
//! - `YYYY-MM-DD.json`, one per night (the UTC date of the run): a plain state, as `stats`
//!   writes it, of the files counted that night, which `report` and `merge` read as they are;
//! - `counted.json`, the bookkeeping beside them: the content hash of every file counted, with
//!   when (so that nothing is counted twice, even when a run is killed between counting a file
//!   and anonymizing it).
//!
//! A count changes two files, so it is made in three steps: the hashes are written *pending*,
//! with the digest the night's state will have; then the state; then the hashes are made final.
//! Whoever reads the bookkeeping first settles what a killed run left: a pending hash whose state
//! has that digest was counted, any other was not (and is counted again). The reports merge the
//! nights within `[statistics] window` (all of them without one).
//!
//! A state directory from before (one `stats/NAME.json` holding a state and the hashes) is moved
//! into this layout the same way, as one count, the night named after its last bucket.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::policy::Source;
use crate::policy::state;
use crate::stats::State;

/// A counted file: when (seconds since 1970), and while the count is being written, where to.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Entry {
    at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending: Option<Pending>,
}

/// A count being written: the night's state file and the digest (SHA-256, hex) it has once the
/// count is in it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Pending {
    into: String,
    digest: String,
}

/// `counted.json`.
#[derive(Serialize, Deserialize, Default)]
struct Book {
    version: u32,
    counted: BTreeMap<String, Entry>,
}

/// The statistics of one source.
pub(super) struct Store {
    dir: PathBuf,
    legacy: PathBuf,
    book: Book,
}

/// The old layout: a state and the hashes counted into it, in one file.
#[derive(Deserialize)]
struct Cumulative {
    #[serde(deserialize_with = "counted_list_or_map")]
    counted: BTreeMap<String, i64>,
    state: State,
}

/// `counted` as the old layout wrote it (hash → when), or as a list of hashes (older still:
/// when unknown, written 0 and dated by the next run that counts).
fn counted_list_or_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Counted {
        Map(BTreeMap<String, i64>),
        List(Vec<String>),
    }
    Ok(match Counted::deserialize(d)? {
        Counted::Map(m) => m,
        Counted::List(v) => v.into_iter().map(|h| (h, 0)).collect(),
    })
}

fn digest(bytes: &[u8]) -> String {
    crate::hex::encode(&sha2::Sha256::digest(bytes))
}

/// The bytes a state is saved as (one line of JSON).
fn bytes_of(s: &State) -> anyhow::Result<Vec<u8>> {
    let mut b = serde_json::to_vec(s)?;
    b.push(b'\n');
    Ok(b)
}

/// A night's file name: `YYYY-MM-DD.json`; `None` for any other name.
fn night_of(name: &str) -> Option<chrono::NaiveDate> {
    let day = name.strip_suffix(".json")?;
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

impl Store {
    /// Opens a source's statistics (`STATE-DIR/stats/NAME/`), settling what a killed run left
    /// and moving an old `stats/NAME.json` in. Nothing is created before something is counted.
    /// With `write` false (a dry run) nothing is written: what a killed run left is settled,
    /// and an older layout read, in memory only.
    pub(super) fn open(
        state_dir: &Path,
        source: &Source,
        so: &crate::cmd::stats::Options,
        write: bool,
    ) -> anyhow::Result<Store> {
        let name = source.file_name();
        let mut st = Store {
            dir: state_dir.join("stats").join(&name),
            legacy: state_dir.join("stats").join(format!("{name}.json")),
            book: Book::default(),
        };
        if let Some(t) = state::read_file(&st.book_path(), state::STATE_MAX)? {
            st.book = serde_json::from_slice(&t).with_context(|| {
                format!(
                    "{} is damaged; restore it or move the directory aside",
                    st.book_path().display()
                )
            })?;
        }
        st.book.version = 1;
        st.settle(write)?;
        if let Some(t) = state::read_file(&st.legacy, state::STATE_MAX)? {
            let old: Cumulative = serde_json::from_slice(&t).with_context(|| {
                format!(
                    "{} is damaged; restore it or move it aside",
                    st.legacy.display()
                )
            })?;
            let mut s = old.state;
            s.answers_as_questions();
            s.compatible(&so.empty_state())?;
            let night = s
                .series
                .keys()
                .next_back()
                .and_then(|k| k.get(..10))
                .filter(|d| night_of(&format!("{d}.json")).is_some())
                .map_or_else(|| Utc::now().format("%Y-%m-%d").to_string(), str::to_string);
            let mut hashes: Vec<(String, i64)> = old.counted.into_iter().collect();
            // The move itself is recorded with the hashes, as a count is: a run killed after it
            // but before the old file is removed must not count the old state twice.
            let marker = format!("legacy:{}", digest(&t));
            if st.book.counted.contains_key(&marker) {
                if write {
                    std::fs::remove_file(&st.legacy)
                        .with_context(|| format!("cannot remove {}", st.legacy.display()))?;
                }
                return Ok(st);
            }
            hashes.push((marker, Utc::now().timestamp()));
            if !write {
                for (h, at) in hashes {
                    st.book.counted.insert(h, Entry { at, pending: None });
                }
                return Ok(st);
            }
            st.add(&night, &s, hashes, so)?;
            std::fs::remove_file(&st.legacy)
                .with_context(|| format!("cannot remove {}", st.legacy.display()))?;
        }
        Ok(st)
    }

    fn book_path(&self) -> PathBuf {
        self.dir.join("counted.json")
    }

    fn save_book(&self) -> anyhow::Result<()> {
        state::create_dir(&self.dir)?;
        let mut b = serde_json::to_vec(&self.book)?;
        b.push(b'\n');
        crate::output::write_atomic(&self.book_path(), |w| w.write_all(&b))
    }

    /// Pending hashes: counted when their night's state has the digest the count gave it.
    fn settle(&mut self, write: bool) -> anyhow::Result<()> {
        let pending: Vec<(String, Pending)> = self
            .book
            .counted
            .iter()
            .filter_map(|(h, e)| e.pending.clone().map(|p| (h.clone(), p)))
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        for (hash, p) in pending {
            let now = match night_of(&p.into) {
                Some(_) => state::read_file(&self.dir.join(&p.into), state::STATE_MAX)?,
                None => None,
            };
            if now.is_some_and(|b| digest(&b) == p.digest) {
                if let Some(e) = self.book.counted.get_mut(&hash) {
                    e.pending = None;
                }
            } else {
                self.book.counted.remove(&hash);
            }
        }
        if write { self.save_book() } else { Ok(()) }
    }

    /// Whether a file with this content hash was counted.
    pub(super) fn contains(&self, hash: &str) -> bool {
        self.book.counted.contains_key(hash)
    }

    /// Adds `counted` (the counts of the files `hashes` names, with when) to the night's state.
    fn add(
        &mut self,
        night: &str,
        counted: &State,
        hashes: Vec<(String, i64)>,
        so: &crate::cmd::stats::Options,
    ) -> anyhow::Result<()> {
        let path = self.dir.join(format!("{night}.json"));
        let mut s = match state::read_file(&path, state::STATE_MAX)? {
            Some(t) => crate::stats::file::parse_state_bytes(&t, &path)?,
            None => so.empty_state(),
        };
        s.merge(counted).map_err(|e| {
            anyhow!(
                "{e} (the [statistics] settings changed since {} was made; move {} aside to start afresh)",
                path.display(),
                self.dir.display()
            )
        })?;
        s.finish();
        let bytes = bytes_of(&s)?;
        let pending = Pending {
            into: format!("{night}.json"),
            digest: digest(&bytes),
        };
        for (h, at) in &hashes {
            self.book.counted.insert(
                h.clone(),
                Entry {
                    at: *at,
                    pending: Some(pending.clone()),
                },
            );
        }
        self.save_book()?;
        crate::output::write_atomic(&path, |w| w.write_all(&bytes))?;
        for (h, _) in &hashes {
            if let Some(e) = self.book.counted.get_mut(h) {
                e.pending = None;
            }
        }
        self.save_book()
    }

    /// Counts one file's state in, tonight: `hash` recorded with `now`; hashes older than
    /// `keep` (the raw retention: a raw file never outlives it) forgotten.
    pub(super) fn count(
        &mut self,
        counted: &State,
        hash: String,
        now: DateTime<Utc>,
        keep: Option<Duration>,
        so: &crate::cmd::stats::Options,
    ) -> anyhow::Result<()> {
        let t = now.timestamp();
        for e in self.book.counted.values_mut().filter(|e| e.at == 0) {
            e.at = t; // undated (an older layout): dated now, kept one window more
        }
        if let Some(rr) = keep {
            let cutoff = t.saturating_sub(rr.num_seconds());
            self.book.counted.retain(|_, e| e.at >= cutoff);
        }
        self.add(
            &now.format("%Y-%m-%d").to_string(),
            counted,
            vec![(hash, t)],
            so,
        )
    }

    /// Notes tonight a file that could not be read (`size` bytes on disk), once per `key` (its
    /// identity, kept in the bookkeeping like a content hash): the night's state counts it in
    /// `uncounted_files`, and every report over that night says it is incomplete.
    pub(super) fn uncounted(
        &mut self,
        key: String,
        size: u64,
        now: DateTime<Utc>,
        keep: Option<Duration>,
        so: &crate::cmd::stats::Options,
    ) -> anyhow::Result<()> {
        if self.contains(&key) {
            return Ok(());
        }
        let mut s = so.empty_state();
        s.uncounted_files = 1;
        s.uncounted_bytes = size;
        self.count(&s, key, now, keep, so)
    }

    /// The nights' state files, oldest first, with their dates.
    fn nights(&self) -> anyhow::Result<Vec<(chrono::NaiveDate, PathBuf)>> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.dir.display())),
        };
        let mut v = Vec::new();
        for e in rd {
            let e = e.with_context(|| format!("cannot read {}", self.dir.display()))?;
            if let Some(d) = e.file_name().to_str().and_then(night_of) {
                v.push((d, e.path()));
            }
        }
        v.sort();
        Ok(v)
    }

    /// Checks that every night's state takes counts made with today's settings.
    pub(super) fn check(&self, so: &crate::cmd::stats::Options) -> anyhow::Result<()> {
        let fresh = so.empty_state();
        for (_, p) in self.nights()? {
            self.read(&p)?
                .compatible(&fresh)
                .map_err(|e| anyhow!("{}: {e}", p.display()))?;
        }
        Ok(())
    }

    fn read(&self, path: &Path) -> anyhow::Result<State> {
        let t = state::read_file(path, state::STATE_MAX)?
            .ok_or_else(|| anyhow!("{} disappeared", path.display()))?;
        crate::stats::file::parse_state_bytes(&t, path)
    }

    /// The nights counted within `window` of `now` (all without one), merged; `None` when
    /// there are none.
    pub(super) fn merged(
        &self,
        window: Option<Duration>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<State>> {
        let from = window.map(|w| (now - w).date_naive());
        let mut total: Option<State> = None;
        for (day, p) in self.nights()? {
            if from.is_some_and(|f| day <= f) {
                continue;
            }
            let s = self.read(&p)?;
            match &mut total {
                None => total = Some(s),
                Some(t) => t.merge(&s).map_err(|e| anyhow!("{}: {e}", p.display()))?,
            }
        }
        Ok(total)
    }
}

/// Renders the policy's reports from the sources' statistics, the nights within the
/// `[statistics] window` merged: `[statistics] reports` from every source, a source's own
/// `reports` from it alone.
pub(super) fn write_reports(o: &super::Options) -> anyhow::Result<()> {
    let Some(st) = &o.policy.statistics else {
        return Ok(());
    };
    let render = |s: &State, reports: &[(PathBuf, crate::stats::report::ReportFormat)]| {
        for (path, format) in reports {
            let r = crate::stats::report::ReportOptions {
                to: *format,
                min_count: st.min_count,
                top: st.top,
                dp_epsilon: st.dp_epsilon,
            };
            if let Some(d) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(d)
                    .with_context(|| format!("cannot create the directory {}", d.display()))?;
            }
            crate::output::write_text(Some(path), &crate::stats::report::render(s, &r))?;
        }
        anyhow::Ok(())
    };
    let mut total: Option<State> = None;
    for (src, so) in o.policy.sources.iter().zip(&o.stats) {
        let Some(so) = so else { continue };
        let store = Store::open(&o.policy.state_dir, src, so, true)?;
        let Some(mut s) = store.merged(st.window, o.now)? else {
            continue;
        };
        s.finish();
        render(&s, &src.reports)?;
        match &mut total {
            None => total = Some(s),
            Some(t) => t
                .merge(&s)
                .map_err(|e| anyhow!("{}: {e}", store.dir.display()))?,
        }
    }
    if let Some(mut total) = total {
        total.finish();
        render(&total, &st.reports)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a run killed between the steps of a count left is settled by the next reader: a
    /// pending hash whose night's state has the digest the count gave it was counted; one whose
    /// state was never written (or was written by another count since) was not.
    #[test]
    fn pending_hashes_are_settled_by_the_states_digest() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("web");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("2026-11-22.json"), b"written\n").unwrap();
        let pending = |into: &str, bytes: &[u8]| Entry {
            at: 5,
            pending: Some(Pending {
                into: into.into(),
                digest: digest(bytes),
            }),
        };
        let mut book = Book::default();
        book.counted
            .insert("in".into(), pending("2026-11-22.json", b"written\n"));
        book.counted.insert(
            "lost".into(),
            pending("2026-11-22.json", b"never written\n"),
        );
        book.counted
            .insert("nofile".into(), pending("2026-11-23.json", b"x\n"));
        book.counted
            .insert("badname".into(), pending("../x.json", b"x\n"));
        book.counted.insert(
            "done".into(),
            Entry {
                at: 1,
                pending: None,
            },
        );
        let mut st = Store {
            dir: dir.clone(),
            legacy: tmp.path().join("web.json"),
            book,
        };
        st.settle(true).unwrap();
        let keys: Vec<&String> = st.book.counted.keys().collect();
        assert_eq!(keys, ["done", "in"]);
        assert!(st.book.counted.values().all(|e| e.pending.is_none()));
        // Written back: the next reader sees the settled book.
        let saved: Book =
            serde_json::from_slice(&std::fs::read(dir.join("counted.json")).unwrap()).unwrap();
        assert_eq!(saved.counted.len(), 2);
    }

    /// `counted` of the older layout reads as it was written (hash → when) and as older states
    /// still wrote it (a list).
    #[test]
    fn counted_hashes_of_the_older_layout_read_in_both_forms() {
        let state = serde_json::to_string(&State::new(
            crate::stats::Granularity::Day,
            0,
            "k".into(),
            10,
        ))
        .unwrap();
        let old: Cumulative = serde_json::from_str(&format!(
            "{{\"counted\":[\"ab\",\"cd\"],\"state\":{state}}}"
        ))
        .unwrap();
        assert_eq!(old.counted.len(), 2);
        assert_eq!(old.counted["ab"], 0, "undated");
        let new: Cumulative =
            serde_json::from_str(&format!("{{\"counted\":{{\"ab\":5}},\"state\":{state}}}"))
                .unwrap();
        assert_eq!(new.counted["ab"], 5);
    }
}
