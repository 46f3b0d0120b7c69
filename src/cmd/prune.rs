//! `logscrub prune`: delete rotated logs past their retention window, and nothing else.
//!
//! Walk (no symlink followed) → plan (pure; printed by `--dry-run`) → apply (re-checks each file
//! through no-follow handles before `unlinkat`). Problems (an unreadable directory, a file that
//! changed) are reported and the run goes on; the exit status says they happened.
// The doc comments of the flags are their --help text, not rustdoc.
#![allow(rustdoc::broken_intra_doc_links)]

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cmd::{Ctx, now_flag, usage};
use crate::exit::Exit;
use crate::retention::apply::{self, path_of};
use crate::retention::plan::{self, Policy, Reason, show};
use crate::retention::walk::{self, Root};

/// Validated options for `prune`.
pub struct Options {
    /// Directories and file-name globs.
    pub roots: Vec<Root>,
    /// The policy.
    pub policy: Policy,
    /// Walk options.
    pub walk: walk::Options,
    /// Remove directories left empty.
    pub remove_empty_dirs: bool,
    /// Show the plan, delete nothing.
    pub dry_run: bool,
    /// JSON lines instead of text.
    pub json: bool,
    /// Append one JSON record per deletion here.
    pub audit_log: Option<PathBuf>,
    /// The time ages are measured at.
    pub now: DateTime<Utc>,
    /// Print only problems.
    pub quiet: bool,
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    /// Files deleted (or, dry run, that would be).
    pub deleted: u64,
    /// Bytes they held.
    pub bytes_deleted: u64,
    /// Files kept.
    pub kept: u64,
    /// Problems met.
    pub errors: u64,
    /// Empty directories removed (`--remove-empty-dirs`).
    pub dirs_removed: usize,
}

#[derive(Serialize)]
struct Line<'a> {
    action: &'a str,
    path: String,
    size: u64,
    age_seconds: Option<i64>,
    age_from: &'a str,
    reason: &'a str,
}

/// `prune --help`: what the command does.
pub const LONG: &str = "\
Delete files older than --max-age under the given directories or file-name globs, and nothing else. \
A file's age comes from the date in its name (logrotate dateext, YYYYMMDD, YYYY-MM-DD, YYYYMMDDHH, ISO \
8601, years 2000-2099; counted from the end of the named day or hour in UTC or in the local time zone, \
whichever is later) or from its modification time. Symbolic links \
are never followed: a symlinked directory is not entered and a symlink is not deleted unless \
--include-symlinks (then the link itself goes, never its target). Directories are not deleted \
unless --remove-empty-dirs. A file some process holds open for writing is kept, however old (a daemon's live error.log that has not changed in months), and the kept line names the process; only root sees every process's open files. Problems are reported and the run goes on; the exit status is 4.";

/// `prune --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub prune --max-age 30d --dry-run /var/log/nginx/access.log-*
  logscrub prune --max-age 7d --keep 3 --audit-log audit.jsonl '/var/log/unbound/*.gz'
  logscrub prune --max-age 2w --recursive --exclude 'audit-*' --remove-empty-dirs /srv/logs";

/// `logscrub prune` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directories, or a directory and a file-name glob (`/var/log/nginx/access.log-*`; `*`,
    /// `?` and classes such as `[0-9]`, `[!.]`; a leading dot only by a dot, as in the shell). A
    /// file that is there is that file, whatever its name holds.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Delete files older than this: 30d, 12h, 2w, 1y (365 days), 1d12h; at most 100 years.
    #[arg(long, value_name = "DURATION")]
    pub max_age: String,
    /// Where a file's age comes from: the date in its name, its modification time, or the name's
    /// date when it has one (auto).
    #[arg(long, value_enum, default_value_t = plan::AgeFrom::Auto, value_name = "FROM")]
    pub age_from: plan::AgeFrom,
    /// Always keep the N newest matching files of each PATH.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub keep: usize,
    /// Never delete files whose name (or path below PATH) matches this glob (`*`, `?`,
    /// `[0-9]`; a `[` no `]` closes, `{a,b}`, `[[:digit:]]` and `\` are refused); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Descend into subdirectories (never through symbolic links).
    #[arg(short, long)]
    pub recursive: bool,
    /// Treat symbolic links as candidates (the link is deleted, never what it points to).
    #[arg(long)]
    pub include_symlinks: bool,
    /// Remove directories that deletion leaves empty (never a PATH itself).
    #[arg(long)]
    pub remove_empty_dirs: bool,
    /// Print the plan (what, why, age) and delete nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Print the plan or the actions as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// Append one JSON record per deletion (path, size, age, rule; no log content) to this file.
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Measure ages at this time instead of now (RFC 3339, YYYY-MM-DD or @EPOCH): reproducible
    /// runs for scripts and tests.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Allow --max-age 0 (delete every matching file).
    #[arg(long)]
    pub force: bool,
    /// Print only problems.
    #[arg(short, long)]
    pub quiet: bool,
}

impl Args {
    /// Validates the flags into options. `now` is the clock's time, used unless --now is given.
    pub fn into_options(self, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<Options> {
        use crate::retention::{NameGlob, date};
        let max_age =
            date::parse_duration(&self.max_age).map_err(|e| usage(format!("--max-age {e}")))?;
        if max_age <= chrono::Duration::zero() && !self.force {
            bail!(usage(
                "--max-age 0 would delete every matching file; add --force if that is meant"
            ));
        }
        let now = now_flag(self.now.as_deref(), now)?;
        let mut roots = Vec::new();
        for p in &self.paths {
            roots.push(root_of(p).map_err(|e| usage(e.to_string()))?);
        }
        Ok(Options {
            roots,
            policy: plan::Policy {
                max_age,
                age_from: self.age_from,
                keep: self.keep,
                exclude: self
                    .exclude
                    .iter()
                    .map(|g| {
                        NameGlob::new(g.as_bytes())
                            .map_err(|m| usage(format!("--exclude {g}: {m}")))
                    })
                    .collect::<Result<_, _>>()?,
            },
            walk: crate::retention::walk::Options {
                recursive: self.recursive,
                include_symlinks: self.include_symlinks,
            },
            remove_empty_dirs: self.remove_empty_dirs,
            dry_run: self.dry_run,
            json: self.json,
            audit_log: self.audit_log,
            now,
            quiet: self.quiet,
        })
    }
}

/// `logscrub prune`: 0 when every planned deletion was done, 4 when some problem was met (the
/// rest was done).
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let o = a.into_options(ctx.now)?;
    let outcome = prune(&o, ctx.out, ctx.err)?;
    Ok(if outcome.errors > 0 {
        Exit::Partial
    } else {
        Exit::Ok
    })
}

/// Runs `prune`; messages go to `out` (plan, deletions) and `err` (problems).
pub fn prune(o: &Options, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    let w = walk::walk(&o.roots, o.walk);
    // The directories a file was deleted from: only they (and those they leave empty) may go
    // with --remove-empty-dirs.
    let mut emptied = std::collections::HashSet::new();
    let mut outcome = Outcome {
        errors: w.errors.len() as u64,
        ..Outcome::default()
    };
    for e in &w.errors {
        writeln!(err, "logscrub: {e}")?;
    }
    let mut decisions = plan::plan(&w.entries, &o.policy, o.now);
    if decisions.iter().any(|d| d.delete) {
        let writers = crate::retention::open::Writers::scan();
        plan::keep_open(&mut decisions, &w.entries, &writers);
        // Said with the plan only (a non-root cron job would say it every night).
        if writers.hidden > 0 && o.dry_run && !o.quiet && !o.json {
            writeln!(
                err,
                "logscrub: note: the open files of {} processes of other users could not be read; a file one of them writes is not protected (run as root to check every process)",
                writers.hidden
            )?;
        }
    }
    // In path order, whatever order the directories listed them in (issue 22).
    decisions.sort_by_cached_key(|d| path_of(&o.roots, &w.entries[d.entry]));
    let mut audit = match &o.audit_log {
        Some(p) if !o.dry_run => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .with_context(|| format!("cannot open the audit log {}", p.display()))?,
        ),
        _ => None,
    };
    for d in &decisions {
        let e = &w.entries[d.entry];
        let path = path_of(&o.roots, e);
        let mut action = if d.delete {
            if o.dry_run { "would delete" } else { "delete" }
        } else {
            "keep"
        };
        if d.delete && !o.dry_run {
            if let Err(msg) = apply::delete(&o.roots, e) {
                writeln!(err, "logscrub: {msg}")?;
                outcome.errors += 1;
                continue;
            }
            action = "deleted";
            emptied.insert((e.root, e.dirs.clone()));
            if let Some(a) = audit.as_mut() {
                let rec = serde_json::json!({
                    "time": o.now.to_rfc3339(),
                    "path": path,
                    "size": e.size,
                    "age_seconds": d.age.map(|a| a.num_seconds()),
                    "age_from": d.age_from.map(|a| a.as_str()),
                    "rule": format!("max-age {}", show(o.policy.max_age)),
                });
                writeln!(a, "{rec}").context("cannot write the audit log")?;
            }
        }
        if d.delete {
            outcome.deleted += 1;
            outcome.bytes_deleted += e.size;
        } else {
            outcome.kept += 1;
        }
        if o.json {
            let line = Line {
                action,
                path,
                size: e.size,
                age_seconds: d.age.map(|a| a.num_seconds()),
                age_from: d.age_from.map_or("", |a| a.as_str()),
                reason: &d.reason.to_string(),
            };
            writeln!(out, "{}", serde_json::to_string(&line)?)
                .context("cannot write standard output")?;
        } else if !o.quiet && (d.delete || o.dry_run || matches!(d.reason, Reason::Open(_))) {
            writeln!(
                out,
                "{action} {path} ({}{})",
                d.reason,
                match d.age_from {
                    Some(a) => format!(", age from {a}"),
                    None => String::new(),
                }
            )
            .context("cannot write standard output")?;
        }
    }
    if let Some(a) = audit.as_mut() {
        a.sync_all().context("cannot write the audit log")?;
    }
    if o.remove_empty_dirs && !o.dry_run {
        outcome.dirs_removed = apply::remove_empty_dirs(&o.roots, &w.dirs, emptied);
    }
    if !o.quiet && !o.json {
        let plural =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        writeln!(
            err,
            "logscrub: {} {} ({:.1} MB), kept {}{}, {}",
            if o.dry_run { "would delete" } else { "deleted" },
            plural(outcome.deleted, "file", "files"),
            outcome.bytes_deleted as f64 / 1e6,
            outcome.kept,
            if o.remove_empty_dirs && !o.dry_run {
                format!(
                    ", {}",
                    plural(
                        outcome.dirs_removed as u64,
                        "empty directory removed",
                        "empty directories removed"
                    )
                )
            } else {
                String::new()
            },
            plural(outcome.errors, "problem", "problems")
        )?;
    }
    Ok(outcome)
}

/// Turns a PATH argument into a root: a directory, or a directory and a file-name glob.
pub fn root_of(arg: &std::path::Path) -> anyhow::Result<Root> {
    use crate::retention::NameGlob;
    use std::os::unix::ffi::OsStrExt;
    if arg.is_dir() {
        return Ok(Root {
            dir: arg.to_owned(),
            pattern: None,
        });
    }
    let name = arg
        .file_name()
        .map(|n| n.as_bytes().to_vec())
        .unwrap_or_default();
    let dir = match arg.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    // A directory is taken as written (`app[1]/` is a name); `*` or `?` in one is a slip.
    if crate::glob::is_pattern(dir.as_os_str().as_bytes()) && !dir.is_dir() {
        bail!(
            "{}: wildcards are allowed in the file name only, not in directories",
            arg.display()
        );
    }
    if name.is_empty() {
        bail!("{}: no file name or pattern", arg.display());
    }
    if !dir.is_dir() {
        bail!("{}: no such directory", dir.display());
    }
    let pattern = if std::fs::symlink_metadata(arg).is_ok() {
        // A file that is there is that file, whatever its name holds (`app[1].log`).
        NameGlob::literal(&name)
    } else if !NameGlob::is_pattern(&name) {
        // A name without wildcards names one file: one that is not there is a typo, which must
        // not pass for a kept promise (a new user's review: `prune --max-age 30d nonexist`
        // exited 0).
        bail!("{}: no such file or directory", arg.display());
    } else {
        NameGlob::new(&name).map_err(|m| anyhow::anyhow!("{}: {m}", arg.display()))?
    };
    Ok(Root {
        dir,
        pattern: Some(pattern),
    })
}
