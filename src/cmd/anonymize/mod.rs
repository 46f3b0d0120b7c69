//! `logscrub anonymize`: logs in, the same logs out with every client address rewritten.
//!
//! Inputs are processed one after another (each file's format is detected on its own with
//! `--format auto`); the lines of each are processed in parallel by `crate::pipeline`. Output goes
//! to standard output, to one file (`-o`, written atomically, gzip when it ends in `.gz`), or back
//! over each input (`--in-place`, atomically, keeping mode, owner, modification time and gzip).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::anonymize::{Anonymizer, Key};
use crate::cmd::{Ctx, RunError};
use crate::codec::Codec;
use crate::exit::Exit;
use crate::format::{Format, FormatChoice};
use crate::input::{self, Chunker, Compression, Source};
use crate::output::{AtomicFile, stdout_file};
use crate::pipeline::{self, Counts, Engine, StreamError, Workers};
use crate::rules::{OnUnparsed, RulePlan, RuleSet};

mod args;
pub use args::{Args, EXAMPLES, LONG};

/// Where output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// One file for all inputs; gzip when the name ends in `.gz`.
    File(PathBuf),
    /// Each input file replaced by its anonymized version.
    InPlace,
}

/// Validated options for `anonymize`.
pub struct Options {
    /// Inputs, in order.
    pub inputs: Vec<Source>,
    /// Where output goes.
    pub output: Output,
    /// `--format`.
    pub format: FormatChoice,
    /// The configured scheme.
    pub anonymizer: Anonymizer,
    /// `--on-unparsed`.
    pub on_unparsed: OnUnparsed,
    /// `--strict`: unparsed lines make the exit status 3.
    pub strict: bool,
    /// Target piece size in bytes.
    pub chunk: usize,
    /// `--max-line-length`.
    pub max_line: usize,
    /// gzip level for compressed output.
    pub gzip_level: u32,
    /// `--quiet`.
    pub quiet: bool,
    /// `--verbose`.
    pub verbose: bool,
    /// `--summary-json`.
    pub summary_json: Option<PathBuf>,
    /// `--unparsed-to`: also write the unparsed lines, scrubbed, to this file.
    pub unparsed_to: Option<PathBuf>,
    /// Show a progress bar on stderr (only when it is a terminal and not `--quiet`).
    pub progress: bool,
    /// `--rules`, compiled.
    pub rules: Option<RuleSet>,
    /// The key for the rules' `hash` action (the address key when there is one).
    pub key: Option<Key>,
}

/// What a run did; printed on stderr and written by `--summary-json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Inputs processed.
    pub inputs: u64,
    /// Line and address counters.
    #[serde(flatten)]
    pub counts: Counts,
    /// Decompressed bytes read.
    pub bytes_in: u64,
    /// Bytes written (compressed size when compressing).
    pub bytes_out: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Decompressed megabytes (10^6 bytes) read per second.
    pub mb_per_s: f64,
}

impl Summary {
    /// The one-line human summary.
    pub fn line(&self) -> String {
        let c = &self.counts;
        let mut excluded = if c.excluded > 0 {
            format!(", {} excluded by rules", c.excluded)
        } else {
            String::new()
        };
        if c.server_lines > 0 {
            excluded += &format!(", {} server lines", c.server_lines);
        }
        let mut s = format!(
            "logscrub: {} lines ({} unparsed, {} dropped{excluded}), {} addresses rewritten",
            c.lines, c.unparsed, c.dropped, c.addresses_rewritten
        );
        if c.addresses_kept > 0 {
            s += &format!(", {} kept by --keep-net", c.addresses_kept);
        }
        if c.hosts_redacted > 0 {
            s += &format!(", {} client host names redacted", c.hosts_redacted);
        }
        if c.overlong_lines > 0 {
            // Unparsed, unless the format is raw: what --on-unparsed makes of them.
            s += &format!(", {} overlong lines (never parsed)", c.overlong_lines);
        }
        s + &format!(
            "; {:.1} MB in {:.2} s ({:.0} MB/s)",
            self.bytes_in as f64 / 1e6,
            self.seconds,
            self.mb_per_s
        )
    }
}

/// A progress bar for one input file (bytes read of its size, rate, ETA), updated from a counter
/// by its own thread so the pipeline never waits for the terminal. Finished (cleared) on drop.
struct Progress {
    counter: std::sync::Arc<std::sync::atomic::AtomicU64>,
    bar: indicatif::ProgressBar,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(opts: &Options, src: &Source) -> Option<Progress> {
        use std::io::IsTerminal;
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let Source::Path(p) = src else { return None };
        if !opts.progress || opts.quiet || !std::io::stderr().is_terminal() {
            return None;
        }
        let len = fs::metadata(p).ok()?.len();
        let bar = indicatif::ProgressBar::new(len);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                // Decimal units, as the summary line (MB, MB/s).
                "{msg} [{bar:30}] {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta}",
            )
            .ok()?
            .progress_chars("=> "),
        );
        bar.set_message(p.display().to_string());
        let counter = std::sync::Arc::new(AtomicU64::new(0));
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (c, s, b) = (counter.clone(), stop.clone(), bar.clone());
        let ticker = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                b.set_position(c.load(Ordering::Relaxed));
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        Some(Progress {
            counter,
            bar,
            stop,
            ticker: Some(ticker),
        })
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}

/// A writer that counts what passes through.
struct Counting<W> {
    inner: W,
    n: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let k = self.inner.write(b)?;
        self.n += k as u64;
        Ok(k)
    }
    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        self.inner.write_all(b)?;
        self.n += b.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `logscrub anonymize`: `m` tells which flags were given (a rule file must not set them too).
pub fn run(args: Args, m: &clap::ArgMatches, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let opts = args.into_options(m)?;
    match anonymize(&opts, ctx.err) {
        Ok(sum) if sum.counts.unparsed > 0 && opts.strict => {
            let _ = writeln!(
                ctx.err,
                "logscrub: {} lines did not match the format (--strict)",
                sum.counts.unparsed
            );
            Ok(Exit::Unparsed)
        }
        Ok(sum) if sum.counts.unrecognized_inputs > 0 && opts.strict => {
            let _ = writeln!(
                ctx.err,
                "logscrub: {} input(s) in no known format were read as raw text (--strict); name the format with --format",
                sum.counts.unrecognized_inputs
            );
            Ok(Exit::Unparsed)
        }
        Ok(sum) if sum.counts.no_match_inputs > 0 => Ok(Exit::Unparsed),
        Ok(_) => Ok(Exit::Ok),
        Err(RunError::BrokenPipe) => Err(io::Error::from(io::ErrorKind::BrokenPipe).into()),
        Err(e @ RunError::Unparsed { .. }) => {
            let _ = writeln!(ctx.err, "logscrub: {e}");
            Ok(Exit::Unparsed)
        }
        Err(RunError::Other(e)) => Err(e),
    }
}

/// Anonymizes as `opts` say; messages (format choice, summary) go to `log`.
pub fn anonymize(opts: &Options, log: &mut dyn Write) -> Result<Summary, RunError> {
    let started = Instant::now();
    let workers = Workers::new();
    let mut sum = Summary::default();
    let mut rejects =
        match &opts.unparsed_to {
            Some(p) => Some(AtomicFile::create(p, None).with_context(|| {
                format!("cannot create a temporary file beside {}", p.display())
            })?),
            None => None,
        };
    match &opts.output {
        Output::Stdout => {
            let out = stdout_file().context("cannot open standard output")?;
            let mut sink = Counting { inner: out, n: 0 };
            for (i, src) in opts.inputs.iter().enumerate() {
                let (c, n) = one(
                    opts,
                    &workers,
                    src,
                    To {
                        sink: &mut sink,
                        compress: None,
                        dest: None,
                        unparsed: rejects.as_mut(),
                        more: i + 1 < opts.inputs.len(),
                    },
                    log,
                )?;
                sum.counts.add(&c);
                sum.bytes_in += n;
                sum.inputs += 1;
            }
            sum.bytes_out = sink.n;
        }
        Output::File(path) => {
            let codec = Codec::new(Compression::of_name(path), opts.gzip_level);
            let file = AtomicFile::create(path, None).with_context(|| {
                format!("cannot create a temporary file beside {}", path.display())
            })?;
            let mut sink = Counting { inner: file, n: 0 };
            for (i, src) in opts.inputs.iter().enumerate() {
                let (c, n) = one(
                    opts,
                    &workers,
                    src,
                    To {
                        sink: &mut sink,
                        compress: codec,
                        dest: Some(path),
                        unparsed: rejects.as_mut(),
                        more: i + 1 < opts.inputs.len(),
                    },
                    log,
                )?;
                sum.counts.add(&c);
                sum.bytes_in += n;
                sum.inputs += 1;
            }
            finish_stream(&mut sink, codec)
                .with_context(|| format!("cannot write {}", path.display()))?;
            sum.bytes_out = sink.n;
            sink.inner
                .commit(None)
                .with_context(|| format!("cannot replace {}", path.display()))?;
        }
        Output::InPlace => {
            for src in &opts.inputs {
                let Source::Path(path) = src else {
                    return Err(anyhow!("--in-place needs files, not standard input").into());
                };
                let (c, n, out) =
                    in_place(opts, &workers, path, log, rejects.as_mut(), &mut |_| Ok(()))?;
                sum.counts.add(&c);
                sum.bytes_in += n;
                sum.bytes_out += out;
                sum.inputs += 1;
            }
        }
    }
    sum.seconds = started.elapsed().as_secs_f64();
    sum.mb_per_s = if sum.seconds > 0.0 {
        sum.bytes_in as f64 / 1e6 / sum.seconds
    } else {
        0.0
    };
    if !opts.quiet {
        let _ = writeln!(log, "{}", sum.line());
    }
    if let (Some(r), Some(p)) = (rejects, &opts.unparsed_to) {
        r.commit(None)
            .with_context(|| format!("cannot replace {}", p.display()))?;
    }
    if let Some(p) = &opts.summary_json {
        write_summary_json(p, &sum)?;
    }
    Ok(sum)
}

fn write_summary_json(p: &Path, sum: &Summary) -> anyhow::Result<()> {
    crate::output::write_atomic(p, |w| {
        serde_json::to_writer_pretty(&mut *w, sum)?;
        w.write_all(b"\n")
    })
}

/// An empty compressed file still needs one (empty) member, frame or stream to be valid.
fn finish_stream<W: Write>(sink: &mut Counting<W>, codec: Option<Codec>) -> io::Result<()> {
    if let Some(c) = codec
        && sink.n == 0
    {
        sink.write_all(&c.compress(b""))?;
    }
    Ok(())
}

/// Replaces `path` by its anonymized version. `before_commit` sees the complete temporary file
/// (complete, not yet synced) before it is renamed over `path`: `run` records the
/// new content's hash there, so a crash after the rename can never be mistaken for raw content.
/// Returns counts, bytes read and bytes written.
pub fn in_place(
    opts: &Options,
    workers: &Workers,
    path: &Path,
    log: &mut dyn Write,
    unparsed: Option<&mut AtomicFile>,
    before_commit: &mut dyn FnMut(&Path) -> anyhow::Result<()>,
) -> Result<(Counts, u64, u64), RunError> {
    let meta =
        fs::symlink_metadata(path).with_context(|| format!("cannot open {}", path.display()))?;
    if meta.file_type().is_symlink() {
        return Err(anyhow!(
            "{} is a symbolic link; --in-place replaces only regular files (name the target instead)",
            path.display()
        )
        .into());
    }
    if !meta.is_file() {
        return Err(anyhow!(
            "{} is not a regular file; --in-place replaces only regular files",
            path.display()
        )
        .into());
    }
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            // Replacing this name would leave the raw content under the others, silently.
            return Err(anyhow!(
                "{} has {} names (hard links): --in-place would replace this one and leave the raw \
                 content under the others; remove the other links, or write a copy with -o",
                path.display(),
                meta.nlink()
            )
            .into());
        }
    }
    // The file keeps its compression (zstd stays zstd, xz stays xz, ...).
    let codec = Codec::new(
        input::sniff_path(path).map_err(anyhow::Error::from)?,
        opts.gzip_level,
    );
    let file = AtomicFile::create(path, Some(&meta))
        .with_context(|| format!("cannot create a temporary file beside {}", path.display()))?;
    let mut sink = Counting { inner: file, n: 0 };
    let (c, n) = one(
        opts,
        workers,
        &Source::Path(path.to_owned()),
        To {
            sink: &mut sink,
            compress: codec,
            dest: Some(path),
            unparsed,
            more: false,
        },
        log,
    )?;
    finish_stream(&mut sink, codec)
        .with_context(|| format!("cannot write beside {}", path.display()))?;
    let out = sink.n;
    if let Some(tmp) = sink.inner.temp_path() {
        before_commit(tmp)?;
    }
    sink.inner
        .commit(meta.modified().ok())
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok((c, n, out))
}

/// Where one input's output goes.
struct To<'a> {
    /// The output.
    sink: &'a mut (dyn Write + Send),
    /// Compress it so.
    compress: Option<Codec>,
    /// The output's file (standard output when none), for messages.
    dest: Option<&'a Path>,
    /// `--unparsed-to`.
    unparsed: Option<&'a mut AtomicFile>,
    /// Another input follows in the same output: a last line without its newline gets one
    /// ([`input::EndLine`]).
    more: bool,
}

/// Streams one input into `to`. Returns counts and decompressed bytes read.
fn one(
    opts: &Options,
    workers: &Workers,
    src: &Source,
    to: To,
    log: &mut dyn Write,
) -> Result<(Counts, u64), RunError> {
    let To {
        sink,
        compress,
        dest,
        unparsed,
        more,
    } = to;
    let name = src.display();
    let progress = Progress::start(opts, src);
    let mut inp = input::open_counted(src, progress.as_ref().map(|p| p.counter.clone()))
        .map_err(anyhow::Error::from)?;
    if more {
        inp.reader = Box::new(input::EndLine::new(inp.reader));
    }
    let mut chunker = Chunker::new(inp.reader, opts.chunk, opts.max_line);
    let format = super::choose_format(
        &mut chunker,
        &opts.format,
        &name,
        opts.quiet,
        opts.verbose,
        log,
    )?;
    let rules = match &opts.rules {
        Some(r) => Some(Arc::new(
            RulePlan::new(r, &format, opts.key.as_ref()).map_err(|e| anyhow!("{e}"))?,
        )),
        None => None,
    };
    let engine = Engine {
        format,
        anonymizer: opts.anonymizer.clone(),
        on_unparsed: opts.on_unparsed,
        compress,
        rules,
        keep_unparsed: opts.unparsed_to.is_some(),
        max_line: opts.max_line,
    };
    let unparsed = unparsed.map(|u| u as &mut (dyn Write + Send));
    match pipeline::run_with_unparsed(&engine, workers, &mut chunker, sink, unparsed) {
        Ok(mut c) => {
            if c.parsed == 0 && c.unparsed > 0 && !matches!(engine.format, Format::Raw) {
                // A format that matches nothing is a mistake, not a log without requests: said
                // and counted (the status is 3), though every line was scrubbed all the same.
                c.no_match_inputs += 1;
                let _ = writeln!(
                    log,
                    "logscrub: {name}: no line matches format `{}`; `logscrub detect` says which format it is",
                    engine.format
                );
            }
            if matches!(opts.format, FormatChoice::Auto)
                && matches!(engine.format, Format::Raw)
                && c.lines > 0
            {
                c.unrecognized_inputs += 1;
            }
            Ok((c, chunker.bytes_read))
        }
        Err(StreamError::Read(e)) => Err(anyhow::Error::new(e)
            .context(format!("cannot read {name}"))
            .into()),
        Err(StreamError::Write(e)) if dest.is_none() && e.kind() == io::ErrorKind::BrokenPipe => {
            Err(RunError::BrokenPipe)
        }
        Err(StreamError::Write(e)) => Err(anyhow::Error::new(e)
            .context(match dest {
                Some(p) => format!("cannot write {}", p.display()),
                None => "cannot write standard output".into(),
            })
            .into()),
        Err(StreamError::Unparsed(stop, _)) => Err(RunError::Unparsed {
            path: name,
            line: stop.line,
            col: stop.col,
            why: if stop.overlong {
                format!(
                    "line longer than --max-line-length ({} bytes), never parsed",
                    engine.max_line
                )
            } else {
                format!("line does not match format `{}`", engine.format)
            },
        }),
    }
}
