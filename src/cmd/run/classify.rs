//! Telling anonymized files from raw ones: by identity when the state knows the file, else by
//! content hash when the answer changes what happens to it; and a spot check that what the state
//! calls anonymized holds no address the source's scheme would still change.

use std::path::Path;

use anyhow::Context;

use super::{File, Job, Status};
use crate::policy::discover::age;
use crate::policy::state::{self, Ident};
use crate::retention::{Entry, escape};

impl Job<'_> {
    /// Marks each file anonymized (with its record) or leaves it raw. A file whose identity is
    /// unknown is hashed only when the answer changes what happens to it (it is due for
    /// anonymization or deletion).
    pub(super) fn classify(&mut self, files: &mut [File]) {
        let now = self.o.now;
        let due = [self.src.anonymize_after, self.src.raw_retention]
            .into_iter()
            .flatten()
            .min();
        for f in files.iter_mut() {
            if let Some(i) = self.st.by_ident(&ident_of(&f.entry)) {
                f.status = Status::Anonymized(i);
                self.mark(i, true);
            }
        }
        // A record no file matched by identity belongs to a file that was renamed, recompressed
        // or touched: then every unknown file is hashed, due or not, so that its record is found
        // (dropping it would let that file be anonymized again once due).
        let name = &self.src.name;
        let orphans = self
            .st
            .files
            .iter()
            .enumerate()
            .any(|(i, r)| &r.source == name && !self.seen.get(i).copied().unwrap_or(false));
        for f in files.iter_mut() {
            if f.status.anonymized() {
                continue;
            }
            let id = ident_of(&f.entry);
            let is_due = match (due, age(&f.entry, self.src, now)) {
                (Some(d), Some((a, _))) => a >= d,
                _ => false,
            };
            if !is_due && !orphans {
                continue;
            }
            match state::content_hash(&f.path) {
                Ok(h) => {
                    f.hash = Some(h.clone());
                    // Identical files (two empty logs) share a hash: each takes a record of its
                    // own, a copy when every record with this hash is claimed already.
                    let unclaimed = (0..self.st.files.len()).find(|&i| {
                        self.st.files[i].sha256 == h && !self.seen.get(i).copied().unwrap_or(false)
                    });
                    let i = match (unclaimed, self.st.by_hash(&h)) {
                        (Some(i), _) => i,
                        (None, Some(j)) => {
                            let copy = self.st.files[j].clone();
                            self.st.files.push(copy);
                            self.st.files.len() - 1
                        }
                        (None, None) => continue,
                    };
                    f.status = Status::Anonymized(i);
                    self.mark(i, true);
                    let r = &mut self.st.files[i];
                    r.ident = Some(id);
                    r.path = escape(f.path.as_os_str().as_encoded_bytes());
                }
                Err(e) => {
                    // Unreadable: it cannot be anonymized either; raw-retention still applies.
                    f.unreadable = true;
                    self.problem(format!("{e:#}"));
                }
            }
        }
    }

    /// The state is not taken on trust: under truncation, a file it calls anonymized must hold
    /// no address that truncation would still change in its first [`SPOT_CHECK`] bytes, or its
    /// record is ignored and the file treated as raw (a planted or stale record must not keep
    /// raw addresses on disk). Pseudonymizing schemes write values that look like any address,
    /// so there the state directory's ownership and mode (`state::create_dir`) are the defence.
    pub(super) fn spot_check(&mut self, a: &crate::anonymize::Anonymizer, files: &mut [File]) {
        if !a.truncates() {
            return;
        }
        for f in files.iter_mut() {
            let Some(i) = f.status.record() else { continue };
            match raw_line_in_head(a, &f.path) {
                Ok(None) => {}
                Ok(Some(line)) => {
                    self.problem(format!(
                        "{}: the state says it is anonymized, but line {line} holds an address that \
                         truncation changes; the record is ignored and the file treated as raw",
                        f.path.display()
                    ));
                    f.status = Status::Raw;
                    self.mark(i, false);
                }
                Err(e) => {
                    f.unreadable = true;
                    self.problem(format!("{e:#}"));
                }
            }
        }
    }
}

/// Bytes of a file's (decompressed) start that `Job::spot_check` reads.
const SPOT_CHECK: u64 = 64 << 10;

/// The number of the first line in the first [`SPOT_CHECK`] bytes of `path` in which `a` would
/// still change an address, or `None`.
fn raw_line_in_head(
    a: &crate::anonymize::Anonymizer,
    path: &Path,
) -> anyhow::Result<Option<usize>> {
    use std::io::Read;
    let inp = crate::input::open(&crate::input::Source::Path(path.to_owned()))?;
    let mut head = Vec::new();
    inp.reader
        .take(SPOT_CHECK)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if head.len() as u64 == SPOT_CHECK {
        // The last line may be cut inside an address: only whole lines are judged.
        let whole = head.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
        head.truncate(whole);
    }
    let mut cache = crate::anonymize::Cache::default();
    let mut out = Vec::new();
    for (n, line) in head.split(|&b| b == b'\n').enumerate() {
        out.clear();
        if a.rewrite_line(line, b'\n', &mut out, &mut cache).rewritten > 0 {
            return Ok(Some(n + 1));
        }
    }
    Ok(None)
}

fn ident_of(e: &Entry) -> Ident {
    Ident {
        dev: e.dev,
        ino: e.ino,
        size: e.size,
        mtime_ns: Ident::mtime_ns(
            e.mtime.timestamp(),
            i64::from(e.mtime.timestamp_subsec_nanos()),
        ),
    }
}
