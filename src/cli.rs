//! The command line's top: the global flags and the list of subcommands, whose flags and help
//! live with each command in `crate::cmd`. The man page and the completions are generated from
//! [`command`].
// The doc comments of the flags are their --help text, not rustdoc: `[[exclude]]` is a TOML
// table there, no link.
#![allow(rustdoc::broken_intra_doc_links)]

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::cmd::{
    anonymize, audit, decrypt, detect, init, keygen, merge, prune, report, rules, run, stats, usage,
};

const ABOUT: &str = "Anonymize client addresses in web and DNS server logs, fail-closed and fast";

const LONG_ABOUT: &str = "\
logscrub rewrites every client address in web and DNS server logs so that a privacy policy such \
as \"we keep /24 of your IPv4 address and /48 of your IPv6 address\" is true of every log line, \
every night. It streams (stdin, files; gzip, zstd, xz, bzip2), keeps every line and every byte it does not need \
to change, and never lets an address through raw: lines it cannot parse are scrubbed too.";

/// Top-level command line.
#[derive(Debug, Parser)]
#[command(name = "logscrub", version, about = ABOUT, long_about = LONG_ABOUT, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rewrite client addresses in logs (stdin, files, compressed or not) to truncated or
    /// pseudonymized forms.
    #[command(after_help = anonymize::EXAMPLES, long_about = anonymize::LONG)]
    Anonymize(anonymize::Args),
    /// Write a new random key for --mode hash (mode 0600).
    #[command(after_help = keygen::EXAMPLES)]
    Keygen(keygen::Args),
    /// List the log formats logscrub reads, with an example line of each.
    Formats,
    /// Work with rule files (see logscrub-rules(5)).
    #[command(subcommand)]
    Rules(rules::Command),
    /// Delete rotated logs past their retention window, and nothing else (see --dry-run).
    #[command(after_help = prune::EXAMPLES, long_about = prune::LONG)]
    Prune(prune::Args),
    /// Check logs for what should not be there: addresses with host bits, e-mail addresses,
    /// credentials and DoH questions in URLs. Findings are counted, never shown in clear.
    #[command(after_help = audit::EXAMPLES, long_about = audit::LONG)]
    Audit(audit::Args),
    /// Say which log format each file is, with the share of sampled lines that matched.
    #[command(after_help = detect::EXAMPLES)]
    Detect(detect::Args),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Count trend statistics (requests, visitors, pages, query types, ...) into a state file
    /// that holds no address; see merge and report.
    #[command(after_help = stats::EXAMPLES, long_about = stats::LONG)]
    Stats(stats::Args),
    /// Add statistics states together (days into a month, servers into a fleet).
    #[command(after_help = merge::EXAMPLES)]
    Merge(merge::Args),
    /// Render statistics states as a report safe to publish (counts below --min-count withheld).
    #[command(after_help = report::EXAMPLES)]
    Report(report::Args),
    /// Write a starting policy for the servers whose logs are where their packages put them
    /// (nginx, Apache, BIND, Unbound, dnsmasq/Pi-hole), every setting commented.
    #[command(after_help = init::EXAMPLES)]
    Init(init::Args),
    /// The nightly job: anonymize rotated logs that are due, then delete what is past its window,
    /// as a policy file says (see logscrub-policy(5) and --dry-run).
    #[command(after_help = run::EXAMPLES, long_about = run::LONG)]
    Run(run::Args),
    /// Reverse a reversible scheme (cryptopan, ipcrypt-*, ipcipher) with its key, for audits and
    /// legal requests: on addresses given as arguments, or on log lines from stdin.
    #[command(after_help = decrypt::EXAMPLES, long_about = decrypt::LONG)]
    Decrypt(decrypt::Args),
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  logscrub completions bash > /etc/bash_completion.d/logscrub
  logscrub completions zsh > \"${fpath[1]}/_logscrub\"
  logscrub completions fish > ~/.config/fish/completions/logscrub.fish";

/// The clap command, for the man page and completions.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Writes the completion script for `shell`.
pub fn completions(
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command(), "logscrub", &mut buf);
    out.write_all(&buf)
}

/// Applies global flags (thread count) before any work starts.
pub fn init_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            bail!(usage("--threads must be at least 1"));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start worker threads")?;
    }
    Ok(())
}
