//! Which files a policy source names, as the nightly job (`run`) and its proof (`audit --policy`)
//! both see them: the rotated files (no symlink, not the live file, not a temporary file), the
//! live ones, and which are due for anonymization.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use super::Source;
use crate::output::TMP_MARKER;
use crate::retention::Entry;
use crate::retention::plan;
use crate::retention::walk::{self, Root};

/// The roots (directory + file-name glob) of a source.
pub fn source_roots(src: &Source) -> Vec<Root> {
    src.files
        .iter()
        .map(|(dir, glob)| Root {
            dir: dir.clone(),
            pattern: Some(glob.clone()),
        })
        .collect()
}

/// A source's rotated files (no symlink, not the live file, not a temporary file; a file
/// reached through two globs once), with their paths; and the problems met listing them.
pub fn rotated_files(
    src: &Source,
    roots: &[Root],
    now: DateTime<Utc>,
) -> (Vec<(Entry, PathBuf)>, Vec<String>) {
    let w = walk::walk(
        roots,
        walk::Options {
            recursive: false,
            include_symlinks: false,
        },
    );
    let mut errors = w.errors;
    if w.entries.is_empty() && errors.is_empty() {
        // Not even a live file: most likely a typo in `files`, which would make the policy keep
        // no promise while every run and audit reported success (issue 22).
        let globs: Vec<String> = src
            .files
            .iter()
            .map(|(dir, g)| {
                dir.join(String::from_utf8_lossy(&g.0).as_ref())
                    .display()
                    .to_string()
            })
            .collect();
        errors.push(format!(
            "no file matches {}: check `files` (a source that matches nothing keeps no promise)",
            globs.join(", ")
        ));
    }
    let mut files: Vec<(Entry, PathBuf)> = Vec::new();
    for e in w.entries {
        let name = e.name.as_encoded_bytes();
        if src.is_live(name, now)
            || name
                .windows(TMP_MARKER.len())
                .any(|x| x == TMP_MARKER.as_bytes())
            || files.iter().any(|(f, _)| f.dev == e.dev && f.ino == e.ino)
        {
            continue;
        }
        let path = roots[e.root].dir.join(&e.name);
        files.push((e, path));
    }
    (files, errors)
}

/// The live files of a source (still written; `run` never touches them), in path order.
pub fn live_files(src: &Source, roots: &[Root], now: DateTime<Utc>) -> Vec<PathBuf> {
    let w = walk::walk(
        roots,
        walk::Options {
            recursive: false,
            include_symlinks: false,
        },
    );
    let mut live: Vec<PathBuf> = w
        .entries
        .iter()
        .filter(|e| src.is_live(e.name.as_encoded_bytes(), now))
        .map(|e| roots[e.root].dir.join(&e.name))
        .collect();
    live.sort();
    live
}

/// The files whose name's date names a period that begins more than a day after `now`
/// (a typo in a name, a clock set wrong), and how far ahead: such a file is never due, so its
/// raw lines would outlive every window unseen.
pub fn future_files(roots: &[Root], now: DateTime<Utc>) -> Vec<(PathBuf, chrono::Duration)> {
    let w = walk::walk(
        roots,
        walk::Options {
            recursive: false,
            include_symlinks: false,
        },
    );
    let mut ahead: Vec<_> = w
        .entries
        .iter()
        .filter_map(|e| {
            let end = crate::retention::date::name_period_end(e.name.as_encoded_bytes())?;
            (end - now > chrono::Duration::days(2))
                .then(|| (roots[e.root].dir.join(&e.name), end - now))
        })
        .collect();
    ahead.sort();
    ahead
}

/// True when a file of `src` should be anonymized by `now` (it is at least `anonymize-after` old).
pub fn due(e: &Entry, src: &Source, now: DateTime<Utc>) -> bool {
    match (src.anonymize_after, age(e, src, now)) {
        (Some(after), Some((a, _))) => a >= after,
        _ => false,
    }
}

/// A file's age and where it came from, as retention measures it.
pub fn age(e: &Entry, src: &Source, now: DateTime<Utc>) -> Option<(Duration, plan::AgeSource)> {
    plan::reference(e, src.age_from).map(|(t, from)| (now - t, from))
}
