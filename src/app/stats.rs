//! `logscrub stats`, `merge` and `report`: trend statistics that are safe to publish.
//!
//! `stats` reads logs like `anonymize` (formats, gzip, stdin, `--rules` applied first) and counts
//! them into a [`State`] (see `crate::stats`); pieces of lines are counted in parallel, each into
//! its own state, and the states merged — merging is exact, so the result does not depend on the
//! number of threads. `merge` adds states; `report` renders them with K-suppression.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::anonymize::{Anonymizer, Key};
use crate::format::{Fields, Format, FormatChoice};
use crate::input::{self, Chunker, PieceKind, Source};
use crate::output::stdout_file;
use crate::pipeline::{Counts, Engine, OnUnparsed, WorkerCtx};
use crate::rules::{RulePlan, RuleSet};
use crate::stats::report::Report;
use crate::stats::{Collector, Granularity, State, Uniques};

/// A report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Machine-readable.
    Json,
    /// One table per panel.
    Csv,
    /// Markdown.
    Markdown,
    /// A self-contained HTML page.
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

/// Validated options for `stats`.
#[derive(Clone)]
pub struct Options {
    /// Inputs, in order.
    pub inputs: Vec<Source>,
    /// `--format`.
    pub format: FormatChoice,
    /// `--rules`, compiled, and the key its `hash` action needs.
    pub rules: Option<(RuleSet, Option<Key>)>,
    /// Bucket size.
    pub bucket: Granularity,
    /// `--tz` offset in seconds (buckets, and times written without a zone).
    pub tz_offset: i32,
    /// `--year`: the year of times written without one (else the file's modification time's).
    pub year: Option<i32>,
    /// Labels kept per panel.
    pub capacity: usize,
    /// The keyed hash for unique counts.
    pub uniques: Uniques,
    /// Scrubs labels (truncation at the configured prefixes).
    pub scrub: Anonymizer,
    /// Where the state (or, with `report`, the report) goes; stdout when absent.
    pub output: Option<PathBuf>,
    /// `--report`: write a report instead of the state.
    pub report: Option<ReportOptions>,
    /// `--quiet`.
    pub quiet: bool,
    /// `--verbose`.
    pub verbose: bool,
}

struct Worker {
    of: Fields,
    sf: Fields,
    out: Vec<u8>,
    ctx: WorkerCtx,
}

/// Runs `stats`: counts, then writes the state or the report. Messages go to `log`.
pub fn run(o: &Options, log: &mut dyn Write) -> anyhow::Result<State> {
    let total = count(o, log)?;
    match &o.report {
        Some(r) => write_text(o.output.as_deref(), &render(&total, r))?,
        None => write_state(o.output.as_deref(), &total)?,
    }
    Ok(total)
}

/// Counts the inputs into a state (nothing written). Messages go to `log`.
pub fn count(o: &Options, log: &mut dyn Write) -> anyhow::Result<State> {
    let started = std::time::Instant::now();
    let mut total = State::new(
        o.bucket,
        o.tz_offset,
        o.uniques.fingerprint.clone(),
        o.capacity,
    );
    let mut bytes = 0u64;
    let workers: Vec<Mutex<Worker>> = (0..rayon::current_num_threads().max(1))
        .map(|_| {
            Mutex::new(Worker {
                of: Fields::default(),
                sf: Fields::default(),
                out: Vec::new(),
                ctx: WorkerCtx::default(),
            })
        })
        .collect();
    for src in &o.inputs {
        let name = src.display();
        let reference = match (o.year.and_then(crate::stats::time::end_of_year), src) {
            (Some(end), _) => end,
            (None, Source::Path(p)) => std::fs::metadata(p)
                .and_then(|m| m.modified())
                .map(DateTime::<Utc>::from)
                .unwrap_or_else(|_| Utc::now()),
            (None, Source::Stdin) => Utc::now(),
        };
        let inp = input::open(src)?;
        let mut chunker = Chunker::new(inp.reader, 256 * 1024, 1 << 20);
        let format = super::choose_format(&mut chunker, &o.format, &name, o.quiet, o.verbose, log)?;
        let engine = match &o.rules {
            Some((r, key)) => Some(Engine {
                rules: Some(std::sync::Arc::new(
                    RulePlan::new(r, &format, key.as_ref()).map_err(|e| anyhow::anyhow!("{e}"))?,
                )),
                format: format.clone(),
                anonymizer: o.scrub.clone(),
                on_unparsed: r.on_unparsed.unwrap_or(OnUnparsed::Scrub),
                gzip_level: None,
            }),
            None => None,
        };
        // One collector per worker for the whole input, merged at its end: merging is exact, so
        // the result does not depend on which worker counted which piece.
        let collectors: Vec<Mutex<Option<Collector>>> =
            (0..workers.len()).map(|_| Mutex::new(None)).collect();
        let batch_len = 4 * rayon::current_num_threads().max(1);
        let read_batch = |chunker: &mut Chunker<_>| -> anyhow::Result<Vec<input::Piece>> {
            let mut batch = Vec::with_capacity(batch_len);
            while batch.len() < batch_len {
                match chunker
                    .next_piece()
                    .with_context(|| format!("cannot read {name}"))?
                {
                    Some(p) => batch.push(p),
                    None => break,
                }
            }
            Ok(batch)
        };
        let count_batch = |batch: &Vec<input::Piece>| {
            batch.par_iter().for_each(|piece| {
                let i = rayon::current_thread_index().unwrap_or(0) % workers.len();
                let mut w = workers[i].lock().unwrap_or_else(|e| e.into_inner());
                let mut c = collectors[i]
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .unwrap_or_else(|| {
                        Collector::new(
                            State::new(
                                o.bucket,
                                o.tz_offset,
                                o.uniques.fingerprint.clone(),
                                o.capacity,
                            ),
                            o.uniques.clone(),
                            o.scrub.clone(),
                            reference,
                        )
                    });
                if piece.kind == PieceKind::Lines {
                    let data = &piece.data[..];
                    let data = data.strip_suffix(b"\n").unwrap_or(data);
                    let mut start = 0;
                    for nl in memchr::memchr_iter(b'\n', data) {
                        count_line(&mut c, &mut w, &format, engine.as_ref(), &data[start..nl]);
                        start = nl + 1;
                    }
                    count_line(&mut c, &mut w, &format, engine.as_ref(), &data[start..]);
                } else if let PieceKind::Long { last: true, .. } = piece.kind {
                    // Parts of an overlong line: no fields to count; the line counts once.
                    c.state.lines += 1;
                    c.state.unparsed += 1;
                }
                *collectors[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(c);
            });
        };
        let mut next = read_batch(&mut chunker)?;
        loop {
            let batch = std::mem::take(&mut next);
            if batch.is_empty() {
                break;
            }
            for p in &batch {
                bytes += p.data.len() as u64;
            }
            // Count this batch in the pool while the next one is read (I/O and work overlap).
            let (_, read) = rayon::join(|| count_batch(&batch), || read_batch(&mut chunker));
            next = read?;
            for p in batch {
                chunker.recycle(p.data);
            }
        }
        let mut file = State::new(
            o.bucket,
            o.tz_offset,
            o.uniques.fingerprint.clone(),
            o.capacity,
        );
        for c in collectors {
            if let Some(c) = c.into_inner().unwrap_or_else(|e| e.into_inner()) {
                file.merge(&c.finish())
                    .expect("collectors of one run are compatible");
            }
        }
        file.answers_as_questions();
        total
            .merge(&file)
            .expect("states of one run are compatible");
    }
    total.finish();
    if !o.quiet {
        let secs = started.elapsed().as_secs_f64();
        let _ = writeln!(
            log,
            "logscrub: {} lines ({} unparsed, {} excluded, {} without a readable time) in {} bucket{}; {:.1} MB in {:.2} s ({:.0} MB/s)",
            total.lines,
            total.unparsed,
            total.excluded,
            total.undated,
            total.series.len(),
            if total.series.len() == 1 { "" } else { "s" },
            bytes as f64 / 1e6,
            secs,
            if secs > 0.0 {
                bytes as f64 / 1e6 / secs
            } else {
                0.0
            }
        );
    }
    Ok(total)
}

fn count_line(
    c: &mut Collector,
    w: &mut Worker,
    format: &Format,
    engine: Option<&Engine>,
    line: &[u8],
) {
    let body = line.strip_suffix(b"\r").unwrap_or(line);
    if body.is_empty() {
        c.state.lines += 1;
        return;
    }
    w.of.clear();
    if format.parse(body, &mut w.of).is_err() {
        c.state.lines += 1;
        c.state.unparsed += 1;
        return;
    }
    match engine {
        None => {
            let Worker { of, .. } = w;
            c.line(body, of, body, of);
        }
        Some(e) => {
            w.out.clear();
            let mut counts = Counts::default();
            let _ = e.line(body, false, &mut w.out, &mut counts, &mut w.ctx);
            if counts.excluded > 0 || counts.dropped > 0 {
                c.state.lines += 1;
                c.state.excluded += counts.excluded + counts.dropped;
                return;
            }
            w.sf.clear();
            if format.parse(&w.out, &mut w.sf).is_err() {
                // The rules left a line the format no longer reads: count it, show nothing.
                w.sf.clear();
            }
            let Worker { of, sf, out, .. } = w;
            c.line(body, of, out, sf);
        }
    }
}

/// Renders a state as a report.
pub fn render(s: &State, r: &ReportOptions) -> String {
    let noise = r.dp_epsilon.map(crate::stats::report::Noise::new);
    let rep = Report::new(s, r.min_count, r.top, noise.as_ref());
    match r.to {
        ReportFormat::Json => rep.json(),
        ReportFormat::Csv => rep.csv(),
        ReportFormat::Markdown => rep.markdown(),
        ReportFormat::Html => rep.html(),
    }
}

/// Writes text atomically to a file, or to stdout.
pub fn write_text(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(p) => crate::output::write_atomic(p, |w| w.write_all(text.as_bytes())),
        None => {
            let mut out = stdout_file().context("cannot open standard output")?;
            out.write_all(text.as_bytes())
                .context("cannot write standard output")
        }
    }
}

/// Writes a state as JSON (atomically to a file, or to stdout).
pub fn write_state(path: Option<&Path>, s: &State) -> anyhow::Result<()> {
    let mut text = serde_json::to_string(s)?;
    text.push('\n');
    write_text(path, &text)
}

/// Reads a state file.
pub fn read_state(path: &Path) -> anyhow::Result<State> {
    let text = crate::input::read_text(path, crate::input::STATE_MAX)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut s: State = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a logscrub statistics state (or a damaged one)",
            path.display()
        )
    })?;
    if s.version != crate::stats::VERSION {
        bail!(
            "{}: state version {} is not one this logscrub reads ({})",
            path.display(),
            s.version,
            crate::stats::VERSION
        );
    }
    // A state made before answer-only files were normalized: normalized now, so that it merges
    // with newer ones into every server's queries (a no-op for states with question lines).
    s.answers_as_questions();
    Ok(s)
}

/// Reads and merges states (in order; merging is commutative anyway).
pub fn merge_files(paths: &[PathBuf]) -> anyhow::Result<State> {
    let mut it = paths.iter();
    let first = it.next().context("no state given")?;
    let mut s = read_state(first)?;
    for p in it {
        let o = read_state(p)?;
        s.merge(&o)
            .with_context(|| format!("cannot merge {} into {}", p.display(), first.display()))?;
    }
    s.finish();
    Ok(s)
}

/// `merge`: states in, one state out.
pub fn merge(paths: &[PathBuf], output: Option<&Path>) -> anyhow::Result<()> {
    let s = merge_files(paths)?;
    write_state(output, &s)
}

/// `report`: states in (merged), a report out.
pub fn report(paths: &[PathBuf], r: &ReportOptions, output: Option<&Path>) -> anyhow::Result<()> {
    let s = merge_files(paths)?;
    write_text(output, &render(&s, r))
}
