//! State files: one JSON document on one line, read with bounds and a version check, written
//! atomically (see `docs/STATS.md`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::State;

/// Writes a state as JSON (atomically to a file, or to stdout).
pub fn write_state(path: Option<&Path>, s: &State) -> anyhow::Result<()> {
    let mut text = serde_json::to_string(s)?;
    text.push('\n');
    crate::output::write_text(path, &text)
}

/// The older layout of the nightly job's statistics (`STATE-DIR/stats/NAME.json`): a state and the content
/// hashes of the files counted into it, written together.
#[derive(serde::Deserialize)]
struct Nightly {
    state: State,
    #[allow(dead_code)]
    counted: serde::de::IgnoredAny,
}

/// Reads a state file: one `stats` or `merge` wrote, or the nightly job's (whose state is read,
/// so its statistics can be merged and rendered again).
pub fn read_state(path: &Path) -> anyhow::Result<State> {
    let text = crate::input::read_text(path, crate::input::STATE_MAX)
        .with_context(|| format!("cannot read {}", path.display()))?;
    parse_state(&text, path)
}

/// The states `path` names: a state file, or `-`, standard input holding one or more states, one
/// per line (a state is one line of JSON, as `stats` and `merge` write it), so that states flow
/// through pipes (`… | logscrub merge - -o -`, a Hadoop-streaming reducer).
pub fn read_states(path: &Path) -> anyhow::Result<Vec<State>> {
    if path.as_os_str() != "-" {
        return Ok(vec![read_state(path)?]);
    }
    let stdin = Path::new("/dev/stdin");
    let text = crate::input::read_text(stdin, crate::input::STATE_MAX)
        .context("cannot read states from standard input")?;
    let states: Vec<State> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| parse_state(l, Path::new(&format!("<stdin>:{}", n + 1))))
        .collect::<anyhow::Result<_>>()?;
    if states.is_empty() {
        bail!("standard input holds no state");
    }
    Ok(states)
}

/// One state's bytes, as read from `path` (for messages).
pub fn parse_state_bytes(bytes: &[u8], path: &Path) -> anyhow::Result<State> {
    let text = std::str::from_utf8(bytes).with_context(|| {
        format!(
            "{}: not a logscrub statistics state (not UTF-8)",
            path.display()
        )
    })?;
    parse_state(text, path)
}

/// One state's text, from `path` (for messages).
fn parse_state(text: &str, path: &Path) -> anyhow::Result<State> {
    let parsed = serde_json::from_str::<State>(text).or_else(|e| {
        serde_json::from_str::<Nightly>(text)
            .map(|n| n.state)
            .map_err(|_| e)
    });
    let mut s: State = parsed.with_context(|| {
        format!(
            "{}: not a logscrub statistics state (or a damaged one)",
            path.display()
        )
    })?;
    if s.version != super::VERSION {
        bail!(
            "{}: state version {} is not one this logscrub reads ({})",
            path.display(),
            s.version,
            super::VERSION
        );
    }
    // A state made before answer-only files were normalized: normalized now, so that it merges
    // with newer ones into every server's queries (a no-op for states with question lines and
    // for states with streams, which are normalized when reported).
    s.answers_as_questions();
    scrub_labels(&mut s);
    Ok(s)
}

/// Scrubs a read state's labels again, as `stats` scrubs them when it counts (addresses
/// truncated to /24 and /48, its default): a state is input too, and one edited by hand
/// (`"/ip/192.0.2.55"`) must not put an address into a report or a merged state. A no-op for a
/// state `stats` wrote with those prefixes or shorter ones (truncation is idempotent); labels
/// that become one are added up.
fn scrub_labels(s: &mut State) {
    use crate::anonymize::{Anonymizer, Cache, SchemeKind};
    let a = Anonymizer::new(SchemeKind::Truncate.build(None), 24, 48, Vec::new());
    let mut cache = Cache::default();
    let mut out = Vec::new();
    for panel in s.panels.values_mut() {
        let changed: Vec<(Vec<u8>, Vec<u8>)> = panel
            .counts
            .keys()
            // Most labels have no digit, `:` or `%`, without which no address is found.
            .filter(|label| crate::anonymize::scan::may_hold_literal(label))
            .filter_map(|label| {
                out.clear();
                a.rewrite_line(label, b' ', &mut out, &mut cache);
                (out != *label).then(|| (label.clone(), out.clone()))
            })
            .collect();
        for (old, new) in changed {
            let n = panel.counts.remove(&old).unwrap_or(0);
            let c = panel.counts.entry(new).or_insert(0);
            *c = c.saturating_add(n);
        }
    }
}

/// Reads and merges states (in order; merging is commutative anyway); `-` is standard input.
pub fn merge_files(paths: &[PathBuf]) -> anyhow::Result<State> {
    let mut total: Option<State> = None;
    for p in paths {
        for o in read_states(p)? {
            match &mut total {
                None => total = Some(o),
                Some(s) => s
                    .merge(&o)
                    .with_context(|| format!("cannot merge {}", p.display()))?,
            }
        }
    }
    let mut s = total.context("no state given")?;
    s.finish();
    Ok(s)
}
