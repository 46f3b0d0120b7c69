//! One module per subcommand: its flags (clap `Args`, whose doc comments are the `--help` text
//! and the man page), their validation into options, and its `run`, which returns the exit
//! status. `main` parses, dispatches, and reports errors and a closed standard output once for
//! every command. What several commands share is here.
// The doc comments of the flags are their --help text, not rustdoc: `[[exclude]]` is a TOML
// table there, no link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use anyhow::bail;
use chrono::{DateTime, Utc};

use crate::anonymize::{Key, SchemeKind};
use crate::input::Source;
use crate::output::Stdout;

pub mod anonymize;
pub mod audit;
pub mod decrypt;
pub mod detect;
pub mod formats;
pub mod init;
pub mod keygen;
pub mod merge;
pub mod prune;
pub mod report;
pub mod rules;
pub mod run;
pub mod stats;

/// What every command gets besides its flags.
pub struct Ctx<'a> {
    /// Standard output, the one way to it (see `output::Stdout`).
    pub out: &'a mut Stdout,
    /// Messages, warnings and summaries (standard error).
    pub err: &'a mut dyn std::io::Write,
    /// The clock's time when the command started (`--now` replaces it where it exists).
    pub now: DateTime<Utc>,
}

/// `--threads`, on the commands that work in parallel (`anonymize`, `stats`, `audit`, `run`);
/// `main` reads it from the parsed command line before the command starts.
#[derive(Debug, clap::Args)]
pub struct Threads {
    /// Worker threads (default: one per CPU; 1 to 1024).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// The most worker threads `--threads` takes: each keeps memos of its own (half a MiB and more),
/// and 10,000 took a minute to start for one line (an adversarial review).
pub const MAX_THREADS: usize = 1024;

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{s}`: expected a number of threads from 1 to {MAX_THREADS}"
        )),
    }
}

/// `--format` values: any text (`apache:FORMAT`, `nginx:FORMAT` and `goaccess:FORMAT` carry the server's own format
/// string, checked by `Format::from_spec`), with the built-in names offered to shell completion.
#[derive(Debug, Clone, Copy)]
pub struct FormatNames;

impl clap::builder::TypedValueParser for FormatNames {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names = ["auto"]
            .into_iter()
            .chain(crate::format::BUILTIN.iter().map(|(n, _)| *n))
            .chain(crate::format::dns::SERVERS.iter().map(|(n, _, _)| *n))
            .chain(["iis", "caddy", "apache:", "nginx:", "goaccess:"]);
        Some(Box::new(names.map(clap::builder::PossibleValue::new)))
    }
}

/// A problem with the command line that clap cannot see (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// An input no format reads, or of which the given `--format` matches no line (exit status 3,
/// as `anonymize` gives it).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NoMatchError(pub String);

/// A [`UsageError`] as an `anyhow::Error`.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

/// Whether two paths name one file (the same device and inode: symlinks, `..` and hard links
/// alike); false when either does not exist.
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => false,
    }
}

/// The first file named twice among `paths` (an earlier name and the later one; [`same_file`]),
/// for the commands that would process it twice.
pub fn named_twice<'a>(
    paths: &[&'a std::path::Path],
) -> Option<(&'a std::path::Path, &'a std::path::Path)> {
    paths.iter().enumerate().find_map(|(i, a)| {
        paths[..i]
            .iter()
            .find(|b| same_file(a, b))
            .map(|b| (*b, *a))
    })
}

/// A usage error when one state file is named twice (`merge`, `report`): it would be counted
/// twice (a new user's review: `merge a.json a.json` gave twice the lines, without a word).
pub fn refuse_a_state_twice(states: &[std::path::PathBuf]) -> anyhow::Result<()> {
    let files: Vec<&std::path::Path> = states
        .iter()
        .map(|p| p.as_path())
        .filter(|p| p.as_os_str() != "-")
        .collect();
    match named_twice(&files) {
        Some((b, p)) => Err(usage(format!(
            "{} and {} are one file: it would be counted twice",
            b.display(),
            p.display()
        ))),
        None => Ok(()),
    }
}

/// `--now TIME` (RFC 3339, YYYY-MM-DD or @EPOCH), or `default` without it: a usage error names
/// the flag.
pub fn now_flag(flag: Option<&str>, default: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    match flag {
        Some(t) => crate::retention::date::parse_now(t).map_err(|e| usage(format!("--now {e}"))),
        None => Ok(default),
    }
}

/// Reads the key a scheme needs: from `--key-file` (hex; for ipcipher also a passphrase), from
/// `--passphrase-env` (ipcipher), or fresh (`--ephemeral-key`). None for truncate.
pub fn read_key(
    kind: SchemeKind,
    key_file: Option<&std::path::Path>,
    key_env: Option<&str>,
    ephemeral: bool,
    passphrase_env: Option<&str>,
) -> anyhow::Result<Option<Key>> {
    if let Some(var) = passphrase_env {
        if kind != SchemeKind::Ipcipher {
            bail!(usage("--passphrase-env is for --mode ipcipher"));
        }
        let p = std::env::var_os(var).ok_or_else(|| {
            anyhow::anyhow!("environment variable {var} is not set (--passphrase-env)")
        })?;
        return Ok(Some(Key::passphrase(
            p.as_encoded_bytes(),
            &format!("environment variable {var} (--passphrase-env)"),
        )?));
    }
    let len = kind.key_len();
    if let Some(var) = key_env {
        if len == 0 {
            return Ok(None);
        }
        return Ok(Some(Key::from_env(var, len)?));
    }
    Ok(match (key_file, ephemeral) {
        (_, _) if len == 0 => None,
        (Some(p), _) if kind == SchemeKind::Ipcipher => Some(Key::read_ipcipher(p)?),
        (Some(p), _) => Some(Key::read_file(p, len)?),
        (None, true) => Some(Key::random(len)?),
        (None, false) => None,
    })
}

/// FILE arguments as inputs: none, or `-`, is standard input.
pub fn sources(files: Vec<PathBuf>) -> Vec<Source> {
    if files.is_empty() {
        return vec![Source::Stdin];
    }
    files
        .into_iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Source::Stdin
            } else {
                Source::Path(p)
            }
        })
        .collect()
}

/// The format for one source: the fixed one, or (for `auto`) the one that matches the first
/// piece of `chunker` best, which stays queued for processing.
pub(crate) fn choose_format<R: std::io::Read>(
    chunker: &mut crate::input::Chunker<R>,
    choice: &crate::format::FormatChoice,
    name: &str,
    quiet: bool,
    verbose: bool,
    log: &mut dyn std::io::Write,
) -> anyhow::Result<crate::format::Format> {
    use anyhow::Context;
    let first = match choice {
        crate::format::FormatChoice::Auto => chunker
            .peek()
            .with_context(|| format!("cannot read {name}"))?
            .map(|p| &p.data[..])
            .unwrap_or_default(),
        crate::format::FormatChoice::Fixed(_) => &[],
    };
    let format = crate::format::choose(choice, first, name, quiet, verbose, log);
    if let Some(prefix) = format.directive() {
        chunker.follow(prefix);
    }
    Ok(format)
}

/// Errors that end a subcommand, by how they map to exit statuses.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An unparsed line under `--on-unparsed fail`.
    #[error("{path}:{line}:{col}: {why}; stopped here (--on-unparsed fail)")]
    Unparsed {
        path: String,
        line: u64,
        col: usize,
        /// What the line is: one that does not match the format, or one too long to parse.
        why: String,
    },
    /// Standard output was closed by its reader.
    #[error("standard output closed")]
    BrokenPipe,
    /// Anything else, with context.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
