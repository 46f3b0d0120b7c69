//! `logscrub run` flags, and the policy read into the options of `anonymize` and `stats`: a
//! source's settings are the `anonymize` flags of the same names, parsed by the same clap
//! definition, so a policy means exactly what the flags mean and gets the same checks.
// The doc comments of the flags are their --help text, not rustdoc.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use anyhow::Context;

use crate::anonymize::{Anonymizer, Key, SchemeKind};
use crate::cmd::anonymize as anon;
use crate::cmd::stats::Options as StatsOptions;
use crate::cmd::{now_flag, usage};
use crate::rules::RuleSet;

/// `run --help`: what the command does.
pub const LONG: &str = "\
Carry out a policy file (logscrub-policy(5)): for each source, anonymize in place every rotated file \
older than anonymize-after (atomically, keeping compression, mode, owner and modification time), then \
delete raw files older than raw-retention and anonymized files older than retention, never a \
keep-forever file and never the live file still being written. One run at a time (a lock in the \
state directory; a second run exits with status 5). Re-running, or running after a crash, anonymizes \
nothing twice: the state directory remembers each anonymized file by identity and content hash. \
Actions go to stdout, a summary per source to stderr; --metrics writes a Prometheus textfile.";

/// `run --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub run --policy /etc/logscrub/policy.toml --dry-run
  logscrub run --policy /etc/logscrub/policy.toml --quiet
  logscrub run --policy policy.toml --json --metrics /var/lib/prometheus/node-exporter/logscrub.prom";

/// `logscrub run` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file (logscrub-policy(5)).
    #[arg(short, long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Print what would be anonymized and deleted, and change nothing (no lock, no state written).
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Print the actions and the summary as one JSON document on stdout.
    #[arg(long)]
    pub json: bool,
    /// Write Prometheus metrics (textfile collector format) here; overrides `metrics` in the policy.
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
    /// Measure ages at this time instead of now (RFC 3339, YYYY-MM-DD or @EPOCH).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Print only problems (no actions, no summary).
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also list the files left as they are, and why (live, not due yet, inside their window,
    /// keep-forever).
    #[arg(short, long)]
    pub verbose: bool,

    #[command(flatten)]
    pub threads: crate::cmd::Threads,
}

impl Args {
    /// Validates the flags and reads the policy. `now` is the clock's time unless --now is given.
    pub fn into_options(
        self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<super::Options> {
        let now = now_flag(self.now.as_deref(), now)?;
        let (mut policy, anonymize) = load_policy(&self.policy)?;
        if self.metrics.is_some() {
            policy.metrics = self.metrics;
        }
        let stats = policy_stats_options(&policy, &anonymize)?;
        Ok(super::Options {
            stats,
            policy,
            anonymize,
            dry_run: self.dry_run,
            json: self.json,
            now,
            quiet: self.quiet,
            verbose: self.verbose,
        })
    }
}

/// Reads a policy and builds each source's anonymize options; any problem is a usage error.
pub fn load_policy(
    path: &std::path::Path,
) -> anyhow::Result<(crate::policy::Policy, Vec<anon::Options>)> {
    let policy = crate::policy::load(path).map_err(|e| usage(e.to_string()))?;
    let mut anonymize = Vec::new();
    for s in &policy.sources {
        let o = policy_anonymize_options(s.anonymize.args()).map_err(|e| {
            usage(format!(
                "{}: source `{}`: {e:#}",
                policy.path.display(),
                s.name
            ))
        })?;
        anonymize.push(o);
    }
    Ok((policy, anonymize))
}

/// `stats` options for each source that keeps statistics: its format and rule file, the
/// policy's `[statistics]` key, bucket and capacity; labels scrubbed at the source's prefixes.
fn policy_stats_options(
    policy: &crate::policy::Policy,
    anonymize: &[anon::Options],
) -> anyhow::Result<Vec<Option<StatsOptions>>> {
    let Some(st) = &policy.statistics else {
        return Ok(vec![None; policy.sources.len()]);
    };
    let key = Key::read_file(&st.key_file, 32)
        .with_context(|| format!("{}: [statistics] key-file", policy.path.display()))?;
    let uniques = crate::stats::Uniques::from_key(&key);
    let geo = match st.geoip.is_empty() {
        true => None,
        false => Some(std::sync::Arc::new(
            crate::stats::geo::Geo::open(&st.geoip)
                .with_context(|| format!("{}: [statistics] geoip", policy.path.display()))?,
        )),
    };
    Ok(policy
        .sources
        .iter()
        .zip(anonymize)
        .map(|(src, a)| {
            src.statistics.then(|| {
                let (v4, v6) = a.anonymizer.prefixes();
                StatsOptions {
                    inputs: Vec::new(),
                    format: a.format.clone(),
                    rules: a.rules.as_ref().map(RuleSet::exclusions),
                    bucket: st.bucket,
                    tz_offset: st.tz_offset,
                    year: None,
                    capacity: st.capacity,
                    uniques: uniques.clone(),
                    scrub: Anonymizer::new(
                        SchemeKind::Truncate.build(None),
                        v4.min(31),
                        v6.min(127),
                        Vec::new(),
                    ),
                    output: None,
                    report: None,
                    quiet: true,
                    verbose: false,
                    geo: geo.clone(),
                }
            })
        })
        .collect())
}

/// `anonymize --in-place` options from a policy source's settings, which are the anonymize flags
/// of the same names: parsed by the same code, so a policy means exactly what the flags mean.
pub fn policy_anonymize_options(args: Vec<std::ffi::OsString>) -> anyhow::Result<anon::Options> {
    let mut argv: Vec<std::ffi::OsString> = [
        "logscrub anonymize",
        "--in-place",
        "--quiet",
        "--no-progress",
    ]
    .map(Into::into)
    .to_vec();
    argv.extend(args);
    argv.push("policy-source".into());
    let command = <anon::Args as clap::Args>::augment_args(clap::Command::new("logscrub"));
    let m = command.try_get_matches_from(argv).map_err(|e| {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default();
        usage(first.trim_start_matches("error: ").to_string())
    })?;
    let a = <anon::Args as clap::FromArgMatches>::from_arg_matches(&m)?;
    a.into_options(&m)
}
