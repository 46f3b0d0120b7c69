//! `logscrub detect`: which format each file is, as `--format auto` would decide, with the share
//! of sampled lines (up to 64 non-empty ones from the start) that the chosen format matched.

use std::io::{Read, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::cmd::Ctx;
use crate::exit::Exit;
use crate::format::Format;
use crate::input::{self, Source};

#[derive(Serialize)]
struct Report<'a> {
    file: String,
    format: &'a str,
    matched: usize,
    sampled: usize,
    confidence: f64,
}

/// `logscrub detect` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to look at (plain, gzip, zstd, xz or bzip2); `-` is standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// One JSON object per file.
    #[arg(long)]
    pub json: bool,
}

/// `detect --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub detect /var/log/nginx/access.log /var/log/unbound.log
  logscrub detect --json /var/log/*.log
  journalctl -u unbound -o cat | logscrub detect -";

/// Prints the format of each file: 0 when all were read, 1 (an error) when none could be, 4
/// (partial) when some could not.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    // Reading errors are reported per file inside; what comes back is a write's.
    let failed = anyhow::Context::context(
        detect(&a.files, a.json, ctx.out, ctx.err),
        "cannot write standard output",
    )?;
    Ok(match failed {
        0 => Exit::Ok,
        n if n as usize == a.files.len() => Exit::Error,
        _ => Exit::Partial,
    })
}

/// Prints the format of each file. Returns how many files could not be read (each reported).
fn detect(
    files: &[PathBuf],
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u64> {
    let mut failed = 0;
    for f in files {
        let name = f.display().to_string();
        let mut head = Vec::new();
        let source = if f.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(f.clone())
        };
        let read = input::open(&source)
            .map_err(anyhow::Error::from)
            .and_then(|i| {
                Ok(i.reader
                    .take(crate::defaults::PIECE as u64)
                    .read_to_end(&mut head)?)
            });
        if let Err(e) = read {
            writeln!(err, "logscrub: {e:#}")?;
            failed += 1;
            continue;
        }
        // Whole lines only: the last one may be cut by the sample's end.
        let upto = memchr::memrchr(b'\n', &head).map_or(head.len(), |k| k + 1);
        let lines = head[..upto]
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        let d = Format::detect(lines);
        let format = d.format.to_string();
        let confidence = if d.sampled == 0 {
            0.0
        } else {
            d.matched as f64 / d.sampled as f64
        };
        if json {
            let r = Report {
                file: name,
                format: &format,
                matched: d.matched,
                sampled: d.sampled,
                confidence,
            };
            writeln!(out, "{}", serde_json::to_string(&r)?)?;
        } else if d.sampled == 0 {
            writeln!(out, "{name}: empty")?;
        } else {
            writeln!(
                out,
                "{name}: {format} ({:.0}%, {} of {} sample lines)",
                confidence * 100.0,
                d.matched,
                d.sampled
            )?;
        }
    }
    Ok(failed)
}
