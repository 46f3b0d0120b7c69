//! The nightly job's statistics: one file per source in `STATE-DIR/stats/`, which holds what was
//! counted so far and the content hashes of the files counted (so that nothing is counted twice),
//! and the policy's reports rendered from all of them.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::policy::Source;
use crate::policy::state;

/// A source's statistics: everything counted so far, and which raw files (by content hash, with
/// when, in seconds since 1970): a file counted by a run that stopped before anonymizing it is
/// not counted again. A hash is kept while its raw file can still exist: for the source's
/// raw-retention (a raw file never outlives it), or for good without one.
#[derive(Serialize, serde::Deserialize)]
pub(super) struct Cumulative {
    #[serde(deserialize_with = "counted_list_or_map")]
    pub(super) counted: std::collections::BTreeMap<String, i64>,
    pub(super) state: crate::stats::State,
}

/// `counted` as written now (hash → when), or as a list of hashes (older states: when unknown,
/// written 0 and dated by the next run that counts).
fn counted_list_or_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, i64>, D::Error> {
    use serde::Deserialize;
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Counted {
        Map(std::collections::BTreeMap<String, i64>),
        List(Vec<String>),
    }
    Ok(match Counted::deserialize(d)? {
        Counted::Map(m) => m,
        Counted::List(v) => v.into_iter().map(|h| (h, 0)).collect(),
    })
}

impl Cumulative {
    pub(super) fn load(path: &Path, so: &crate::cmd::stats::Options) -> anyhow::Result<Cumulative> {
        // Not through a symbolic link, and bounded, as the state file.
        match state::read_file(path, state::STATE_MAX)? {
            Some(t) => {
                let mut c: Cumulative = serde_json::from_slice(&t).with_context(|| {
                    format!("{} is damaged; restore it or move it aside", path.display())
                })?;
                // A state from before answer-only files were normalized (see the stats docs).
                c.state.answers_as_questions();
                Ok(c)
            }
            None => Ok(Cumulative {
                counted: Default::default(),
                state: so.empty_state(),
            }),
        }
    }

    pub(super) fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(d) = path.parent() {
            state::create_dir(d)?;
        }
        crate::output::write_atomic(path, |w| {
            serde_json::to_writer(&mut *w, self)?;
            w.write_all(b"\n")
        })
    }
}

/// Where a source's statistics live: STATE-DIR/stats/NAME.json (the name made safe for a file).
pub(super) fn stats_path(state_dir: &Path, source: &Source) -> PathBuf {
    state_dir
        .join("stats")
        .join(format!("{}.json", source.file_name()))
}

/// Renders the policy's reports from every source's statistics.
pub(super) fn write_reports(o: &super::Options) -> anyhow::Result<()> {
    let Some(st) = &o.policy.statistics else {
        return Ok(());
    };
    let mut total: Option<crate::stats::State> = None;
    for (src, so) in o.policy.sources.iter().zip(&o.stats) {
        let Some(so) = so else { continue };
        let path = stats_path(&o.policy.state_dir, src);
        if !path.exists() {
            continue;
        }
        let c = Cumulative::load(&path, so)?;
        match &mut total {
            None => total = Some(c.state),
            Some(t) => t
                .merge(&c.state)
                .map_err(|e| anyhow!("{}: {e}", path.display()))?,
        }
    }
    let Some(mut total) = total else {
        return Ok(());
    };
    total.finish();
    for (path, format) in &st.reports {
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
        crate::output::write_text(Some(path), &crate::stats::report::render(&total, &r))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `counted` reads as written now (hash → when) and as older states wrote it (a list).
    #[test]
    fn counted_hashes_read_in_both_forms() {
        let state = serde_json::to_string(&crate::stats::State::new(
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
        let back = serde_json::to_string(&new).unwrap();
        assert!(back.starts_with("{\"counted\":{\"ab\":5}"), "{back}");
    }
}
