//! The nightly job's deletions: raw files past `raw-retention`, anonymized ones past
//! `retention`, never `keep-forever`; and temporary files a killed run left behind.

use super::{ActionKind, File, Job};
use crate::output::TMP_MARKER;
use crate::retention::walk::{self, Root};
use crate::retention::{Entry, NameGlob, apply, plan};

impl Job<'_> {
    /// Deletes what is past its window: raw files by `raw-retention`, anonymized ones by
    /// `retention`; `keep-forever` names never.
    pub(super) fn prune(&mut self, roots: &[Root], files: &[File]) {
        for (anonymized, window, key) in [
            (false, self.src.raw_retention, "raw-retention"),
            (true, self.src.retention, "retention"),
        ] {
            let Some(max_age) = window else { continue };
            let chosen: Vec<&File> = files
                .iter()
                .filter(|f| f.status.anonymized() == anonymized)
                .collect();
            let entries: Vec<Entry> = chosen.iter().map(|f| f.entry.clone()).collect();
            let policy = plan::Policy {
                max_age,
                age_from: self.src.age_from,
                keep: 0,
                exclude: self.src.keep_forever.clone(),
            };
            for d in plan::plan(&entries, &policy, self.o.now) {
                if !d.delete {
                    let path = roots[entries[d.entry].root]
                        .dir
                        .join(&entries[d.entry].name);
                    let why = format!(
                        "{}, {}",
                        if anonymized { "anonymized" } else { "raw" },
                        match &d.reason {
                            plan::Reason::Excluded(g) => format!("keep-forever {g}"),
                            r => r.describe(key),
                        }
                    );
                    self.note(&path, &why);
                    continue;
                }
                let e = &entries[d.entry];
                let path = roots[e.root].dir.join(&e.name);
                let reason = format!(
                    "{}, {} by {}",
                    if anonymized { "anonymized" } else { "raw" },
                    d.reason.describe(key),
                    d.age_from.map_or("", |a| a.as_str())
                );
                if !self.o.dry_run
                    && let Err(msg) = apply::delete(roots, e)
                {
                    self.problem(msg);
                    continue;
                }
                if let Some(i) = chosen[d.entry].status.record() {
                    self.mark(i, false);
                }
                if anonymized {
                    self.sr.anonymized_deleted += 1;
                } else {
                    self.sr.raw_deleted += 1;
                }
                self.sr.bytes_deleted += e.size;
                self.act(ActionKind::Delete, &path, reason);
            }
        }
    }

    /// Removes `.NAME.logscrub-tmp-*` files a killed run left, where NAME is one of the source's.
    pub(super) fn remove_leftovers(&mut self, roots: &[Root]) {
        let tmp_roots: Vec<Root> = roots
            .iter()
            .map(|r| {
                let mut g = b".".to_vec();
                g.extend_from_slice(&r.pattern.as_ref().expect("policy roots have globs").0);
                g.extend_from_slice(TMP_MARKER.as_bytes());
                g.push(b'*');
                Root {
                    dir: r.dir.clone(),
                    pattern: Some(NameGlob(g)),
                }
            })
            .collect();
        let w = walk::walk(
            &tmp_roots,
            walk::Options {
                recursive: false,
                include_symlinks: false,
            },
        );
        for e in &w.entries {
            let path = tmp_roots[e.root].dir.join(&e.name);
            if !self.o.dry_run
                && let Err(msg) = apply::delete(&tmp_roots, e)
            {
                self.problem(msg);
                continue;
            }
            self.sr.leftovers_removed += 1;
            self.act(
                ActionKind::RemoveLeftover,
                &path,
                "temporary file of an interrupted run".into(),
            );
        }
    }
}
