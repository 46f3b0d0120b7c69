//! `logscrub run --policy`: the nightly job.
//!
//! Per source, in order: list the rotated files (no symlink followed, the live file left out) →
//! tell anonymized from raw (`crate::policy::state`) → anonymize in place what is due → delete
//! raw files past `raw-retention` and anonymized files past `retention` (never `keep-forever`).
//! Before that, temporary files a killed run left beside a source's files are removed; after it,
//! the state and the metrics file are written. Everything is done under the lock, so two runs
//! never interleave; `--dry-run` takes no lock and writes nothing.
//!
//! A problem with one file (unreadable, an unparsed line under `on-unparsed = "fail"`, a
//! deletion refused) is reported, counted and the run goes on (exit 4); a problem that makes the
//! whole run unsafe (damaged state, unwritable state directory) stops it (exit 1).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cmd::anonymize::{self as anon};
use crate::cmd::{Ctx, RunError};
use crate::exit::Exit;
use crate::pipeline::Workers;
use crate::policy::discover::{age, future_files, live_files, rotated_files, source_roots};
use crate::policy::state::{self, Ident, Record, State};
use crate::policy::{Policy, Source};
use crate::retention::plan::show;
use crate::retention::{Entry, escape};

mod args;
mod classify;
mod metrics;
mod retention;
mod store;
pub use args::{Args, EXAMPLES, LONG, load_policy, policy_anonymize_options};
use metrics::write_metrics;
use store::{Store, write_reports};

/// Validated options for `run`.
pub struct Options {
    /// The policy.
    pub policy: Policy,
    /// Anonymize options for each source, in policy order.
    pub anonymize: Vec<anon::Options>,
    /// Statistics options for each source that keeps statistics (inputs filled in per file).
    pub stats: Vec<Option<crate::cmd::stats::Options>>,
    /// Plan only.
    pub dry_run: bool,
    /// One JSON document on stdout.
    pub json: bool,
    /// The time ages are measured at.
    pub now: DateTime<Utc>,
    /// Print only problems.
    pub quiet: bool,
    /// Also list the files left as they are, and why.
    pub verbose: bool,
}

/// What happened to one source.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SourceReport {
    /// The source's name.
    pub name: String,
    /// Files anonymized (dry run: that would be).
    pub files_anonymized: u64,
    /// Files counted into the statistics (dry run: that would be).
    pub files_counted: u64,
    /// Lines in them.
    pub lines: u64,
    /// Lines that did not match the format (scrubbed or dropped as the source says).
    pub unparsed: u64,
    /// Addresses rewritten.
    pub addresses_rewritten: u64,
    /// Raw files deleted (past raw-retention).
    pub raw_deleted: u64,
    /// Anonymized files deleted (past retention).
    pub anonymized_deleted: u64,
    /// Bytes those deletions freed.
    pub bytes_deleted: u64,
    /// Temporary files of a killed run removed.
    pub leftovers_removed: u64,
    /// Problems met.
    pub errors: u64,
}

/// What was done to a file (written `anonymize`, `count`, `delete`, `remove-leftover`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// A raw file anonymized in place.
    Anonymize,
    /// A raw file counted into the statistics.
    Count,
    /// A file past its window deleted.
    Delete,
    /// A killed run's temporary file removed.
    RemoveLeftover,
}

impl ActionKind {
    /// How an action line starts.
    fn verb(self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (ActionKind::Anonymize, false) => "anonymized",
            (ActionKind::Anonymize, true) => "would anonymize",
            (ActionKind::Count, false) => "counted",
            (ActionKind::Count, true) => "would count",
            (ActionKind::Delete, false) => "deleted",
            (ActionKind::Delete, true) => "would delete",
            (ActionKind::RemoveLeftover, false) => "removed leftover",
            (ActionKind::RemoveLeftover, true) => "would remove leftover",
        }
    }
}

/// One thing done (or, dry run, that would be done).
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    /// The source.
    pub source: String,
    /// What.
    pub action: ActionKind,
    /// The file (escaped when not printable).
    pub path: String,
    /// Why.
    pub reason: String,
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// The policy file.
    pub policy: String,
    /// True when nothing was changed.
    pub dry_run: bool,
    /// The time ages were measured at.
    pub now: String,
    /// Per source.
    pub sources: Vec<SourceReport>,
    /// Everything done, in order.
    pub actions: Vec<Action>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Problems met, in all.
    pub errors: u64,
}

/// Why a run did not happen at all.
#[derive(Debug, thiserror::Error)]
pub enum RunFailure {
    /// Another run holds the lock.
    #[error(transparent)]
    Locked(state::LockError),
    /// The run could not go on safely.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Whether a file is anonymized, as far as `run` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Raw (or not known to be anonymized).
    Raw,
    /// Anonymized: the index of its state record.
    Anonymized(usize),
    /// A dry run's "would be anonymized": retention judges it as anonymized from then on.
    WouldBe,
}

impl Status {
    fn anonymized(self) -> bool {
        self != Status::Raw
    }
    fn record(self) -> Option<usize> {
        match self {
            Status::Anonymized(i) => Some(i),
            _ => None,
        }
    }
}

/// A file of a source, with what the state knows of it.
struct File {
    entry: Entry,
    path: PathBuf,
    /// What is known of its anonymization.
    status: Status,
    /// It could not be read (reported once; not anonymized; retention still applies).
    unreadable: bool,
    /// SHA-256 of its decompressed content, when it was computed (raw files that are due).
    hash: Option<String>,
}

/// `logscrub run`: 0 when everything was done, 4 when a file had a problem (the rest was done),
/// 5 when another run holds the lock.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let o = a.into_options(ctx.now)?;
    match job(&o, ctx.out, ctx.err) {
        Ok(rep) if rep.errors > 0 => Ok(Exit::Partial),
        Ok(_) => Ok(Exit::Ok),
        Err(RunFailure::Locked(e)) => {
            let _ = writeln!(ctx.err, "logscrub: {e}");
            Ok(Exit::Locked)
        }
        Err(RunFailure::Other(e)) => Err(e),
    }
}

/// Runs the policy. Actions go to `out` (text, unless `--json`), problems and the summary to `err`.
pub fn job(o: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<Report, RunFailure> {
    let started = Instant::now();
    let p = &o.policy;
    let _lock = if o.dry_run {
        None
    } else {
        state::create_dir(&p.state_dir)?;
        Some(state::lock(&p.state_dir).map_err(|e| match e {
            state::LockError::Held { .. } => RunFailure::Locked(e),
            other => RunFailure::Other(other.into()),
        })?)
    };
    let mut st = State::load(&p.state_dir)?;
    let mut report = Report {
        policy: p.path.display().to_string(),
        dry_run: o.dry_run,
        now: o.now.to_rfc3339(),
        ..Report::default()
    };
    let workers = Workers::new();
    // Files some process still writes, once per run: never anonymized or deleted (see below).
    let writers = crate::retention::open::Writers::scan();
    // The actions go to stdout as they happen; a failed write does not stop the job (the files
    // are anonymized and deleted all the same), but it ends the run with an error at the end.
    let mut out_error = None;
    for (si, src) in p.sources.iter().enumerate() {
        let mut sr = SourceReport {
            name: src.name.clone(),
            ..SourceReport::default()
        };
        let mut job = Job {
            o,
            src,
            st: &mut st,
            sr: &mut sr,
            actions: &mut report.actions,
            out,
            out_error: &mut out_error,
            err,
            seen: Vec::new(),
            writers: &writers,
        };
        job.source(&o.anonymize[si], o.stats[si].as_ref(), &workers)?;
        report.errors += sr.errors;
        report.sources.push(sr);
    }
    if !o.dry_run
        && let Err(e) = write_reports(o)
    {
        let _ = writeln!(err, "logscrub: cannot write the statistics reports: {e:#}");
        report.errors += 1;
    }
    report.seconds = started.elapsed().as_secs_f64();
    if !o.dry_run {
        if report.errors == 0 {
            st.last_success = Some(o.now.timestamp());
        }
        st.save(&p.state_dir)?;
        if let Some(m) = &p.metrics {
            write_metrics(m, &report, st.last_success)?;
        }
    }
    if let Some(e) = out_error {
        return Err(RunFailure::Other(anyhow::Error::new(e).context(
            if o.dry_run {
                "cannot write the plan to standard output"
            } else {
                "cannot write the actions to standard output (they were done)"
            },
        )));
    }
    if o.json {
        serde_json::to_writer_pretty(&mut *out, &report).context("cannot write stdout")?;
        writeln!(out).context("cannot write stdout")?;
    } else if !o.quiet {
        for s in &report.sources {
            let _ = writeln!(err, "{}", summary_line(s, o.dry_run));
        }
    }
    Ok(report)
}

/// One line per source, journald-friendly (key=value, no color).
fn summary_line(s: &SourceReport, dry_run: bool) -> String {
    format!(
        "logscrub: {}source={} anonymized={} counted={} lines={} unparsed={} addresses={} deleted_raw={} deleted_anonymized={} bytes_deleted={} leftovers_removed={} errors={}",
        if dry_run { "dry run: " } else { "" },
        s.name,
        s.files_anonymized,
        s.files_counted,
        s.lines,
        s.unparsed,
        s.addresses_rewritten,
        s.raw_deleted,
        s.anonymized_deleted,
        s.bytes_deleted,
        s.leftovers_removed,
        s.errors
    )
}

struct Job<'a> {
    o: &'a Options,
    src: &'a Source,
    st: &'a mut State,
    sr: &'a mut SourceReport,
    actions: &'a mut Vec<Action>,
    out: &'a mut dyn Write,
    /// The first failed write to `out`.
    out_error: &'a mut Option<std::io::Error>,
    err: &'a mut dyn Write,
    /// Per state record: its file was seen in this run (records of other sources stay).
    seen: Vec<bool>,
    /// Files processes hold open for writing.
    writers: &'a crate::retention::open::Writers,
}

impl Job<'_> {
    fn problem(&mut self, msg: impl std::fmt::Display) {
        let _ = writeln!(self.err, "logscrub: {}: {msg}", self.src.name);
        self.sr.errors += 1;
    }

    /// With --verbose (text output): a file left as it is, and why. Not an action.
    fn note(&mut self, path: &Path, why: &str) {
        if self.o.verbose
            && !self.o.json
            && !self.o.quiet
            && let Err(e) = writeln!(
                self.out,
                "left {} ({why})",
                escape(path.as_os_str().as_encoded_bytes())
            )
        {
            self.out_error.get_or_insert(e);
        }
    }

    fn act(&mut self, action: ActionKind, path: &Path, reason: String) {
        let a = Action {
            source: self.src.name.clone(),
            action,
            path: escape(path.as_os_str().as_encoded_bytes()),
            reason,
        };
        if !self.o.json && !self.o.quiet {
            let verb = action.verb(self.o.dry_run);
            if let Err(e) = writeln!(self.out, "{verb} {} ({})", a.path, a.reason) {
                self.out_error.get_or_insert(e);
            }
        }
        self.actions.push(a);
    }

    fn source(
        &mut self,
        aopts: &anon::Options,
        sopts: Option<&crate::cmd::stats::Options>,
        workers: &Workers,
    ) -> Result<(), RunFailure> {
        // The statistics state is checked once, before anything is anonymized: when it cannot
        // take this run's counts (damaged; made with another bucket, zone or key), the files are
        // anonymized all the same (privacy first) and the problem is said once, with what to do.
        let sopts = sopts.filter(|so| {
            let write = !self.o.dry_run;
            match Store::open(&self.o.policy.state_dir, self.src, so, write).and_then(|s| s.check(so)) {
                Ok(()) => true,
                Err(e) => {
                    self.problem(format!(
                        "statistics of {}: cannot count into them ({e:#}); files are anonymized but not counted until it is restored or moved aside (a new one is then started)",
                        self.src.name
                    ));
                    false
                }
            }
        });
        let roots = source_roots(self.src);
        self.remove_leftovers(&roots);
        let now = self.o.now;
        let (mut listed, errors) = rotated_files(self.src, &roots, now);
        // Work and report in path order, not in the order the directories list files.
        listed.sort_by(|a, b| a.1.cmp(&b.1));
        // A rotated file a daemon still writes (one never told to reopen its log, or a live
        // file the name rules take for rotated) is left alone: rewriting or deleting it loses
        // what the daemon writes next. A problem, so that it is seen and fixed.
        let writers = self.writers;
        let (open, listed): (Vec<_>, Vec<_>) = listed
            .into_iter()
            .partition(|(e, _)| !e.symlink && writers.get(e.dev, e.ino).is_some());
        for (e, path) in &open {
            let w = writers.get(e.dev, e.ino).expect("partitioned by it");
            self.problem(format!(
                "{}: open for writing by {w}: neither anonymized nor deleted while it is written \
                 (tell the daemon to reopen its logs after rotation, or name the file in `live`)",
                path.display()
            ));
        }
        for (p, ahead) in future_files(&roots, now) {
            self.problem(format!(
                "{}: its name is dated in the future (the period it names ends {} from now): never \
                 due, so neither anonymized nor deleted until then (check the name and the clock)",
                p.display(),
                crate::retention::plan::show(ahead)
            ));
        }
        if self.o.verbose {
            for p in live_files(self.src, &roots, now) {
                self.note(&p, "live: still written, never touched");
            }
        }
        for e in &errors {
            self.problem(e);
        }
        let mut files: Vec<File> = listed
            .into_iter()
            .map(|(entry, path)| File {
                entry,
                path,
                status: Status::Raw,
                unreadable: false,
                hash: None,
            })
            .collect();
        self.seen = vec![false; self.st.files.len()];
        self.classify(&mut files);
        self.spot_check(&aopts.anonymizer, &mut files);
        if let Some(after) = self.src.anonymize_after {
            for f in files.iter_mut() {
                if f.status.anonymized() {
                    continue;
                }
                let Some((age, from)) = age(&f.entry, self.src, now) else {
                    self.note(&f.path, "raw, no age (no date in its name)");
                    continue;
                };
                if age < after {
                    let why = format!(
                        "raw, not due: {} old by {from} < anonymize-after {}",
                        show(age),
                        show(after)
                    );
                    self.note(&f.path, &why);
                    continue;
                }
                if f.unreadable {
                    // Said already; it cannot be anonymized either. Its lines are missing from
                    // the statistics, which the reports must say (invariant 4).
                    if let Some(so) = sopts {
                        self.uncounted(so, f);
                    }
                    continue;
                }
                let reason = format!(
                    "raw, {} old by {from} >= anonymize-after {}",
                    show(age),
                    show(after)
                );
                if let Some(so) = sopts
                    && let Err(e) = self.count(so, f)
                {
                    // Privacy first: the raw file is anonymized all the same (a broken statistics
                    // state must not keep whole addresses on disk past anonymize-after); these
                    // lines are then missing from the statistics, which the problem says.
                    self.problem(format!(
                        "{}: cannot count it (anonymized anyway, not in the statistics): {e:#}",
                        f.path.display()
                    ));
                }
                if self.o.dry_run {
                    self.sr.files_anonymized += 1;
                    self.act(ActionKind::Anonymize, &f.path, reason);
                    f.status = Status::WouldBe; // judged by `retention` from here on
                    continue;
                }
                match self.anonymize(aopts, workers, f) {
                    Ok(idx) => {
                        self.mark(idx, true);
                        self.act(ActionKind::Anonymize, &f.path, reason);
                    }
                    Err(e) => {
                        let msg = format!("{e:#}");
                        if msg.contains(&f.path.display().to_string()) {
                            self.problem(msg);
                        } else {
                            self.problem(format!("{}: {msg}", f.path.display()));
                        }
                    }
                }
            }
        }
        self.prune(&roots, &files);
        if !self.o.dry_run && self.sr.errors == 0 {
            // Records of this source whose file is gone (deleted, or never renamed into place).
            // Only after a run without problems: an unreadable directory hides files, not removes.
            let name = self.src.name.clone();
            let seen = std::mem::take(&mut self.seen);
            let mut k = 0;
            self.st.files.retain(|r| {
                let keep = r.source != name || seen.get(k).copied().unwrap_or(true);
                k += 1;
                keep
            });
        }
        Ok(())
    }

    /// Notes that record `i` has (`true`) or no longer has a file.
    fn mark(&mut self, i: usize, present: bool) {
        if i >= self.seen.len() {
            self.seen.resize(i + 1, false);
        }
        self.seen[i] = present;
    }

    /// Counts a raw file into the source's statistics, exactly once: the bookkeeping beside the
    /// nights' states records the content hash of every file counted (see `store`).
    fn count(&mut self, so: &crate::cmd::stats::Options, f: &mut File) -> anyhow::Result<()> {
        let hash = match &f.hash {
            Some(h) => h.clone(),
            None => match state::content_hash(&f.path) {
                Ok(h) => {
                    f.hash = Some(h.clone());
                    h
                }
                Err(e) => {
                    self.uncounted(so, f);
                    return Err(e);
                }
            },
        };
        let mut store = Store::open(&self.o.policy.state_dir, self.src, so, !self.o.dry_run)?;
        if store.contains(&hash) {
            return Ok(()); // counted by an earlier run that stopped before anonymizing it
        }
        let reason = "raw, counted once before it is anonymized".to_string();
        if self.o.dry_run {
            self.sr.files_counted += 1;
            self.act(ActionKind::Count, &f.path, reason);
            return Ok(());
        }
        let mut o = so.clone();
        o.inputs = vec![crate::input::Source::Path(f.path.clone())];
        let counted = match crate::cmd::stats::count(&o, &mut std::io::sink()) {
            Ok(c) => c,
            Err(e) => {
                self.uncounted(so, f);
                return Err(e);
            }
        };
        // A raw file is gone (deleted or anonymized) one raw-retention after it was due: its
        // hash is kept that long.
        store.count(&counted, hash, self.o.now, self.src.raw_retention, so)?;
        self.sr.files_counted += 1;
        self.act(ActionKind::Count, &f.path, reason);
        Ok(())
    }

    /// Notes in tonight's statistics a due raw file that could not be read, once per file
    /// (by device, inode, size and mtime), so that the reports say they are incomplete. A file
    /// that is read on a later night is counted then, and the note stays: a report may then call
    /// itself incomplete when it is not, never the other way round. A problem writing the note
    /// is said, and the run goes on.
    fn uncounted(&mut self, so: &crate::cmd::stats::Options, f: &File) {
        if self.o.dry_run {
            return;
        }
        let e = &f.entry;
        let key = format!(
            "unread:{}:{}:{}:{}",
            e.dev,
            e.ino,
            e.size,
            e.mtime.timestamp_nanos_opt().unwrap_or_default()
        );
        let noted = Store::open(&self.o.policy.state_dir, self.src, so, true)
            .and_then(|mut st| st.uncounted(key, e.size, self.o.now, self.src.raw_retention, so));
        if let Err(err) = noted {
            self.problem(format!(
                "statistics of {}: cannot note that {} was not counted: {err:#}",
                self.src.name,
                f.path.display()
            ));
        }
    }

    /// Anonymizes one raw file in place; returns its new state record's index.
    fn anonymize(
        &mut self,
        aopts: &anon::Options,
        workers: &Workers,
        f: &mut File,
    ) -> anyhow::Result<usize> {
        let dir = self.o.policy.state_dir.clone();
        let record_at = self.st.files.len();
        let src_name = self.src.name.clone();
        let shown = escape(f.path.as_os_str().as_encoded_bytes());
        let when = self.o.now.to_rfc3339();
        let st = &mut *self.st;
        let mut sink: Vec<u8> = Vec::new();
        let mut record = |tmp: &Path| -> anyhow::Result<()> {
            // The new content's hash is on disk before the rename (see `crate::policy::state`).
            let h = state::content_hash(tmp)?;
            st.files.push(Record {
                source: src_name.clone(),
                path: shown.clone(),
                sha256: h,
                ident: None,
                anonymized: when.clone(),
            });
            st.save(&dir)
        };
        let res = anon::in_place(aopts, workers, &f.path, &mut sink, None, &mut record);
        let (counts, _, _) = match res {
            Ok(x) => x,
            Err(RunError::Other(e)) => return Err(e),
            Err(e) => return Err(anyhow!("{e}")),
        };
        if !sink.is_empty() {
            let _ = self.err.write_all(&sink);
        }
        if counts.no_match_inputs > 0 {
            // Anonymized all the same (every line scrubbed as raw text), but the policy's
            // format is wrong for it: its statistics and rules see nothing.
            self.problem(format!(
                "{}: no line matches the source's format; it was scrubbed as raw text",
                f.path.display()
            ));
        }
        let id = Ident::of(&f.path).with_context(|| format!("cannot stat {}", f.path.display()))?;
        // Saved with the rest at the end of the run; should it die before, the next run knows the
        // file by its content hash.
        self.st.files[record_at].ident = Some(id);
        f.entry.dev = id.dev;
        f.entry.ino = id.ino;
        f.entry.size = id.size;
        f.status = Status::Anonymized(record_at);
        self.sr.files_anonymized += 1;
        self.sr.lines += counts.lines;
        self.sr.unparsed += counts.unparsed;
        self.sr.addresses_rewritten += counts.addresses_rewritten;
        Ok(record_at)
    }
}
