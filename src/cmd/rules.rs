//! `logscrub rules check` and `logscrub rules show`.
// The doc comments of the flags are their --help text, not rustdoc.
#![allow(rustdoc::broken_intra_doc_links)]

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::cmd::{Ctx, usage};
use crate::exit::Exit;
use crate::rules::compile::{BUILTIN, builtin};

/// `logscrub rules …`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Validate rule files: every problem is reported as FILE:LINE:COLUMN with what was expected.
    #[command(
        after_help = "Examples:\n  logscrub rules check rules/*.toml\n  logscrub rules check /etc/logscrub/site.toml && systemctl start logscrub-run.timer"
    )]
    Check {
        /// Rule files to check (or builtin:NAME).
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a built-in rule set (or, without NAME, list them): every install has them, named
    /// builtin:NAME wherever a rule file is expected (--rules, a policy's rules =).
    #[command(
        after_help = "Examples:\n  logscrub rules show\n  logscrub rules show minimal-web > /etc/logscrub/site.toml"
    )]
    Show {
        /// A built-in rule set: minimal-web, publish-web, dns-resolver, dns-publish, doh-frontend.
        name: Option<String>,
    },
}

/// Runs a `rules` subcommand.
pub fn run(c: Command, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    match c {
        Command::Show { name } => show(name.as_deref(), ctx),
        Command::Check { files } => check(&files, ctx),
    }
}

/// Lists the built-in rule sets, or prints one.
fn show(name: Option<&str>, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let text = match name {
        None => BUILTIN
            .iter()
            .map(|(n, t)| {
                let about = t.lines().next().unwrap_or("").trim_start_matches("# ");
                format!("builtin:{n}\t{about}\n")
            })
            .collect::<String>(),
        Some(n) => builtin(n)
            .ok_or_else(|| {
                usage(format!(
                    "no built-in rule set `{n}`; `logscrub rules show` lists them"
                ))
            })?
            .to_string(),
    };
    ctx.out
        .write_all(text.as_bytes())
        .context("cannot write standard output")?;
    Ok(Exit::Ok)
}

/// Checks each file: `ok` with what it holds on stdout, or its problems (FILE:LINE:COLUMN) on
/// stderr; 1 when any file has a problem.
fn check(files: &[PathBuf], ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let mut ok = true;
    for f in files {
        match crate::rules::load(f) {
            Ok(r) => writeln!(
                ctx.out,
                "{}: ok ({} field rules, {} exclude blocks{})",
                f.display(),
                r.actions.len(),
                r.excludes.len(),
                if r.keep_only.is_some() {
                    ", keep-only"
                } else {
                    ""
                }
            )
            .context("cannot write standard output")?,
            Err(e) => {
                ok = false;
                let _ = writeln!(ctx.err, "{e}");
            }
        }
    }
    Ok(if ok { Exit::Ok } else { Exit::Error })
}
