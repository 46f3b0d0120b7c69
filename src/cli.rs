//! The command line: the only module that knows clap. It defines the flags (from which the man
//! page and completions are generated too) and turns them into validated options for `app`.
// The doc comments of the flags are their --help text, not rustdoc: `[[exclude]]` is a TOML
// table there, no link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ipnet::IpNet;

use crate::anonymize::{Anonymizer, Key, SchemeKind};
use crate::app::anonymize::{Options, Output};
use crate::format::Format;
use crate::input::Source;
use crate::pipeline::OnUnparsed;

const ABOUT: &str = "Anonymize client addresses in web and DNS server logs, fail-closed and fast";

const LONG_ABOUT: &str = "\
logscrub rewrites every client address in web and DNS server logs so that a privacy policy such \
as \"we keep /24 of your IPv4 address and /48 of your IPv6 address\" is true of every log line, \
every night. It streams (stdin, files, gzip), keeps every line and every byte it does not need \
to change, and never lets an address through raw: lines it cannot parse are scrubbed too.";

/// Top-level command line.
#[derive(Debug, Parser)]
#[command(name = "logscrub", version, about = ABOUT, long_about = LONG_ABOUT, propagate_version = true)]
pub struct Cli {
    /// Worker threads (default: one per CPU).
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rewrite client addresses in logs (stdin, files, gzip) to truncated or keyed-hash forms.
    #[command(after_help = ANONYMIZE_EXAMPLES, long_about = ANONYMIZE_LONG)]
    Anonymize(AnonymizeArgs),
    /// Write a new random key for --mode hash (mode 0600).
    #[command(after_help = KEYGEN_EXAMPLES)]
    Keygen(KeygenArgs),
    /// List the log formats logscrub reads, with an example line of each.
    Formats,
    /// Work with rule files (see logscrub-rules(5)).
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Delete rotated logs past their retention window, and nothing else (see --dry-run).
    #[command(after_help = PRUNE_EXAMPLES, long_about = PRUNE_LONG)]
    Prune(PruneArgs),
    /// Check logs for what should not be there: addresses with host bits, e-mail addresses,
    /// credentials and DoH questions in URLs. Findings are counted, never shown in clear.
    #[command(after_help = AUDIT_EXAMPLES, long_about = AUDIT_LONG)]
    Audit(AuditArgs),
    /// Say which log format each file is, with the share of sampled lines that matched.
    #[command(
        after_help = "Examples:\n  logscrub detect /var/log/nginx/access.log /var/log/unbound.log\n  logscrub detect --json /var/log/*.log"
    )]
    Detect {
        /// Files to look at (plain or gzip).
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  logscrub completions bash > /etc/bash_completion.d/logscrub\n  logscrub completions zsh > \"${fpath[1]}/_logscrub\"\n  logscrub completions fish > ~/.config/fish/completions/logscrub.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Count trend statistics (requests, visitors, pages, query types, ...) into a state file
    /// that holds no address; see merge and report.
    #[command(after_help = STATS_EXAMPLES, long_about = STATS_LONG)]
    Stats(StatsArgs),
    /// Add statistics states together (days into a month, servers into a fleet).
    #[command(
        after_help = "Examples:\n  logscrub merge day-*.json -o month.json\n  logscrub merge ns1.json ns2.json -o fleet.json"
    )]
    Merge {
        /// State files made by `logscrub stats`.
        #[arg(value_name = "STATE", required = true)]
        states: Vec<PathBuf>,
        /// Write the merged state here (atomically); stdout when absent.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Render statistics states as a report safe to publish (counts below --min-count withheld).
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// The nightly job: anonymize rotated logs that are due, then delete what is past its window,
    /// as a policy file says (see logscrub-policy(5) and --dry-run).
    #[command(after_help = RUN_EXAMPLES, long_about = RUN_LONG)]
    Run(RunArgs),
    /// Reverse a reversible scheme (cryptopan, ipcrypt-*, ipcipher) with its key, for audits and
    /// legal requests: on addresses given as arguments, or on log lines from stdin.
    #[command(after_help = DECRYPT_EXAMPLES)]
    Decrypt(DecryptArgs),
}

const STATS_LONG: &str = "\
Read logs as anonymize does (formats, gzip, stdin; --rules applied first, excluded lines not \
counted) and count them into a statistics state: per day or hour, requests, bytes and unique \
visitors (web) or queries, unique sources and networks (DNS); per panel, status codes, methods, \
protocols, pages, 404 paths, referrer sites, browsers, operating systems, bots; query types, \
response codes, transports, IP versions, TLDs, registered domains, name lengths and labels, EDNS \
and DO, cache, blocking, response sizes. The state holds no address, key or salt: unique counts are \
HyperLogLog sketches of a keyed hash (the state records the key's fingerprint), and every label is \
scrubbed of addresses before it is counted. States merge (logscrub merge) and render (logscrub \
report).";

const STATS_EXAMPLES: &str = "\
Examples:
  logscrub stats --key-file /etc/logscrub/stats.key access.log.1 -o 2026-11-21.json
  logscrub stats --rules rules/publish-web.toml --bucket hour access.log -o today.json
  logscrub stats --format unbound unbound.log --report html -o report.html";

const REPORT_EXAMPLES: &str = "\
Examples:
  logscrub report month.json --to html -o report.html
  logscrub report day-*.json --to md --min-count 20 --top 20
  logscrub report fleet.json --to csv -o fleet.csv";

/// `logscrub stats` flags.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Log files (plain or gzip); standard input when none or `-`.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Log format (as for anonymize; see `logscrub formats`).
    #[arg(short, long, default_value = "auto", value_name = "FORMAT")]
    pub format: String,
    /// Apply this rule file first: its [[exclude]] lines are not counted, its field actions
    /// change what is counted.
    #[arg(short, long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Time-series bucket.
    #[arg(long, value_enum, default_value_t = BucketArg::Day)]
    pub bucket: BucketArg,
    /// Offset from UTC (+01:00, -05:00) of the bucket boundaries and of times the logs write
    /// without a zone (BIND, syslog, dnsmasq); default UTC. Times with a zone are read as
    /// written.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    pub tz: Option<String>,
    /// The year of times written without one (syslog, dnsmasq); default: the year of the
    /// file's modification time (the year before for dates that would lie in its future).
    #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1970..=9999))]
    pub year: Option<i32>,
    /// Key file for the unique counts (32 bytes, hex; `logscrub keygen`): states made with the
    /// same key merge. Without it a random key is used and the state merges with nothing else.
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Labels kept per panel (1 to 10000000); beyond, counts carry a stated error bound.
    #[arg(long, default_value_t = 10_000, value_name = "N", value_parser = parse_capacity)]
    pub capacity: usize,
    /// IPv4 bits an address in a counted label keeps (labels are scrubbed like log lines).
    #[arg(long, default_value_t = 24, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=31))]
    pub ipv4_prefix: u8,
    /// IPv6 bits an address in a counted label keeps.
    #[arg(long, default_value_t = 48, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=127))]
    pub ipv6_prefix: u8,
    /// Write a report in this format instead of the state (-o is then the report); `--to`
    /// as in `logscrub report`.
    #[arg(long, visible_alias = "to", value_enum, value_name = "FORMAT")]
    pub report: Option<ReportTo>,
    /// With --report: counts below this are withheld.
    #[arg(long, default_value_t = 10, value_name = "K", requires = "report")]
    pub min_count: u64,
    /// With --report: rows per panel.
    #[arg(long, default_value_t = 10, value_name = "N", requires = "report")]
    pub top: usize,
    /// With --report: differential-privacy noise, ε per published number (see report).
    #[arg(long, value_name = "E", requires = "report", value_parser = parse_epsilon)]
    pub dp_epsilon: Option<f64>,
    /// Write the state (or report) here, atomically; stdout when absent.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// No summary on stderr.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say which format was chosen for each input.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `--bucket` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BucketArg {
    /// One bucket per day.
    Day,
    /// One bucket per hour.
    Hour,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportTo {
    /// JSON, for machines.
    Json,
    /// CSV, one table per panel.
    Csv,
    /// Markdown, for a wiki or a blog post.
    Md,
    /// One self-contained HTML page (inline SVG charts, no external requests).
    Html,
}

impl ReportTo {
    fn format(self) -> crate::app::stats::ReportFormat {
        use crate::app::stats::ReportFormat as F;
        match self {
            ReportTo::Json => F::Json,
            ReportTo::Csv => F::Csv,
            ReportTo::Md => F::Markdown,
            ReportTo::Html => F::Html,
        }
    }
}

/// `logscrub report` flags.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// State files (merged before rendering).
    #[arg(value_name = "STATE", required = true)]
    pub states: Vec<PathBuf>,
    /// The report's format (`--report` as in `logscrub stats`).
    #[arg(long, visible_alias = "report", value_enum, default_value_t = ReportTo::Html, value_name = "FORMAT")]
    pub to: ReportTo,
    /// Counts below this are withheld: small labels fold into "other", small cells show "< K".
    #[arg(long, default_value_t = 10, value_name = "K")]
    pub min_count: u64,
    /// Rows per panel.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// Add differential-privacy noise: ε per published number for one log line (event level;
    /// smaller is more private and noisier; e.g. 1). See STATISTICS in logscrub(1).
    #[arg(long, value_name = "E", value_parser = parse_epsilon)]
    pub dp_epsilon: Option<f64>,
    /// Write the report here, atomically; stdout when absent.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

impl ReportArgs {
    /// The rendering options.
    pub fn options(&self) -> crate::app::stats::ReportOptions {
        crate::app::stats::ReportOptions {
            to: self.to.format(),
            min_count: self.min_count,
            top: self.top,
            dp_epsilon: self.dp_epsilon,
        }
    }
}

/// FILE arguments as inputs: none, or `-`, is standard input.
fn sources(files: Vec<PathBuf>) -> Vec<Source> {
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

/// A panel capacity: 1 to `MAX_CAPACITY`.
fn parse_capacity(s: &str) -> Result<usize, String> {
    let n = s
        .parse::<usize>()
        .map_err(|_| format!("`{s}`: expected a number of labels"))?;
    crate::stats::topk::check_capacity(n)
}

/// ε: a finite number, at least `MIN_EPSILON`.
fn parse_epsilon(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(e) if crate::stats::report::valid_epsilon(e) => Ok(e),
        _ => Err(format!(
            "`{s}`: expected a positive number such as 0.5 or 1 (at least {})",
            crate::stats::report::MIN_EPSILON
        )),
    }
}

/// `+01:00`, `-0500`, `Z`, `UTC` → seconds east of UTC.
pub(crate) fn parse_offset(s: &str) -> Option<i32> {
    if s.eq_ignore_ascii_case("utc") || s == "Z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    let secs = h * 3600 + m * 60;
    (m < 60 && secs <= crate::stats::MAX_TZ_OFFSET).then_some(sign * secs)
}

impl StatsArgs {
    /// Validates the flags into options.
    pub fn into_options(self) -> anyhow::Result<crate::app::stats::Options> {
        use crate::stats::{Granularity, Uniques};
        let format = Format::from_spec(&self.format).map_err(|e| usage(e.to_string()))?;
        let rules = match &self.rules {
            Some(p) => Some(crate::rules::load(p).map_err(|e| usage(e.to_string()))?),
            None => None,
        };
        let (mut v4, mut v6) = (self.ipv4_prefix, self.ipv6_prefix);
        if let Some(r) = &rules {
            v4 = r.addresses.v4.unwrap_or(v4);
            v6 = r.addresses.v6.unwrap_or(v6);
        }
        let tz_offset = match &self.tz {
            Some(t) => parse_offset(t).ok_or_else(|| {
                usage(format!(
                    "--tz {t}: expected an offset such as +01:00, -05:00 or UTC"
                ))
            })?,
            None => 0,
        };
        let uniques = match &self.key_file {
            // A bad key file is an input error (status 1), as in `anonymize`, not a usage error.
            Some(p) => Uniques::from_key(&Key::read_file(p, 32)?),
            None => Uniques::ephemeral()?,
        };
        let uses_key = rules.as_ref().is_some_and(|r| {
            r.actions
                .iter()
                .any(|(_, a)| matches!(a, crate::rules::Action::Hash))
        });
        let rules_key = if uses_key {
            match (
                &rules.as_ref().expect("checked").addresses.key_file,
                &self.key_file,
            ) {
                (Some(p), _) | (None, Some(p)) => Some(Key::read_file(p, 32)?),
                (None, None) => bail!(usage(
                    "the rule file's `hash` action needs a key: key-file in [addresses] or --key-file"
                )),
            }
        } else {
            None
        };
        let scrub = Anonymizer::new(SchemeKind::Truncate.build(None), v4, v6, Vec::new());
        let inputs = sources(self.files);
        Ok(crate::app::stats::Options {
            inputs,
            format,
            rules: rules.map(|r| (r, rules_key)),
            bucket: match self.bucket {
                BucketArg::Day => Granularity::Day,
                BucketArg::Hour => Granularity::Hour,
            },
            tz_offset,
            year: self.year,
            capacity: self.capacity,
            uniques,
            scrub,
            output: self.output,
            report: self.report.map(|to| crate::app::stats::ReportOptions {
                to: to.format(),
                min_count: self.min_count,
                top: self.top,
                dp_epsilon: self.dp_epsilon,
            }),
            quiet: self.quiet,
            verbose: self.verbose,
        })
    }
}

const RUN_LONG: &str = "\
Carry out a policy file (logscrub-policy(5)): for each source, anonymize in place every rotated file \
older than anonymize-after (atomically, keeping compression, mode, owner and modification time), then \
delete raw files older than raw-retention and anonymized files older than retention, never a \
keep-forever file and never the live file still being written. One run at a time (a lock in the \
state directory; a second run exits with status 5). Re-running, or running after a crash, anonymizes \
nothing twice: the state directory remembers each anonymized file by identity and content hash. \
Actions go to stdout, a summary per source to stderr; --metrics writes a Prometheus textfile.";

const RUN_EXAMPLES: &str = "\
Examples:
  logscrub run --policy /etc/logscrub/policy.toml --dry-run
  logscrub run --policy /etc/logscrub/policy.toml --quiet
  logscrub run --policy policy.toml --json --metrics /var/lib/prometheus/node-exporter/logscrub.prom";

/// `logscrub run` flags.
#[derive(Debug, Args)]
pub struct RunArgs {
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
}

impl RunArgs {
    /// Validates the flags and reads the policy. `now` is the clock's time unless --now is given.
    pub fn into_options(
        self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<crate::app::run::Options> {
        let now = now_flag(self.now.as_deref(), now)?;
        let (mut policy, anonymize) = load_policy(&self.policy)?;
        if self.metrics.is_some() {
            policy.metrics = self.metrics;
        }
        let stats = policy_stats_options(&policy, &anonymize)?;
        Ok(crate::app::run::Options {
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
) -> anyhow::Result<(crate::policy::Policy, Vec<Options>)> {
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
    anonymize: &[Options],
) -> anyhow::Result<Vec<Option<crate::app::stats::Options>>> {
    let Some(st) = &policy.statistics else {
        return Ok(vec![None; policy.sources.len()]);
    };
    let key = Key::read_file(&st.key_file, 32)
        .with_context(|| format!("{}: [statistics] key-file", policy.path.display()))?;
    let uniques = crate::stats::Uniques::from_key(&key);
    Ok(policy
        .sources
        .iter()
        .zip(anonymize)
        .map(|(src, a)| {
            src.statistics.then(|| {
                let (v4, v6) = a.anonymizer.prefixes();
                crate::app::stats::Options {
                    inputs: Vec::new(),
                    format: a.format.clone(),
                    rules: a.rules.clone().map(|r| (r, a.key.clone())),
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
                }
            })
        })
        .collect())
}

/// `anonymize --in-place` options from a policy source's settings, which are the anonymize flags
/// of the same names: parsed by the same code, so a policy means exactly what the flags mean.
pub fn policy_anonymize_options(args: Vec<std::ffi::OsString>) -> anyhow::Result<Options> {
    let mut argv: Vec<std::ffi::OsString> = [
        "logscrub",
        "anonymize",
        "--in-place",
        "--quiet",
        "--no-progress",
    ]
    .map(Into::into)
    .to_vec();
    argv.extend(args);
    argv.push("policy-source".into());
    let m = command().try_get_matches_from(argv).map_err(|e| {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default();
        usage(first.trim_start_matches("error: ").to_string())
    })?;
    let sub = m
        .subcommand_matches("anonymize")
        .expect("anonymize was given")
        .clone();
    let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&m)?;
    let Command::Anonymize(a) = cli.command else {
        unreachable!("anonymize was given")
    };
    a.into_options(&sub)
}

const PRUNE_LONG: &str = "\
Delete files older than --max-age under the given directories or file-name globs, and nothing else. \
A file's age comes from the date in its name (logrotate dateext, YYYYMMDD, YYYY-MM-DD, YYYYMMDDHH, ISO \
8601; counted from the end of the named day or hour) or from its modification time. Symbolic links \
are never followed: a symlinked directory is not entered and a symlink is not deleted unless \
--include-symlinks (then the link itself goes, never its target). Directories are not deleted \
unless --remove-empty-dirs. Problems are reported and the run goes on; the exit status is 4.";

const PRUNE_EXAMPLES: &str = "\
Examples:
  logscrub prune --max-age 30d --dry-run /var/log/nginx/access.log-*
  logscrub prune --max-age 7d --keep 3 --audit-log /var/log/logscrub-audit.jsonl '/var/log/unbound/*.gz'
  logscrub prune --max-age 2w --recursive --exclude 'audit-*' --remove-empty-dirs /srv/logs";

/// `logscrub prune` flags.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Directories, or a directory and a file-name glob (`/var/log/nginx/access.log-*`).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Delete files older than this: 30d, 12h, 2w, 1y (365 days), 1d12h; at most 100 years.
    #[arg(long, value_name = "DURATION")]
    pub max_age: String,
    /// Where a file's age comes from: the date in its name, its modification time, or the name's
    /// date when it has one (auto).
    #[arg(long, value_enum, default_value_t = AgeFromArg::Auto, value_name = "FROM")]
    pub age_from: AgeFromArg,
    /// Always keep the N newest matching files of each PATH.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub keep: usize,
    /// Never delete files whose name (or path below PATH) matches this glob; repeatable.
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

/// `--age-from` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AgeFromArg {
    /// The date in the file name; files without one are kept.
    Name,
    /// The modification time.
    Mtime,
    /// The name's date when there is one, else the modification time.
    Auto,
}

impl PruneArgs {
    /// Validates the flags into options. `now` is the clock's time, used unless --now is given.
    pub fn into_options(
        self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<crate::app::prune::Options> {
        use crate::retention::{NameGlob, date, plan};
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
            roots.push(crate::app::prune::root_of(p).map_err(|e| usage(e.to_string()))?);
        }
        Ok(crate::app::prune::Options {
            roots,
            policy: plan::Policy {
                max_age,
                age_from: match self.age_from {
                    AgeFromArg::Name => plan::AgeFrom::Name,
                    AgeFromArg::Mtime => plan::AgeFrom::Mtime,
                    AgeFromArg::Auto => plan::AgeFrom::Auto,
                },
                keep: self.keep,
                exclude: self
                    .exclude
                    .iter()
                    .map(|g| NameGlob(g.as_bytes().to_vec()))
                    .collect(),
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

const AUDIT_LONG: &str = "\
Scan logs (plain or gzip; directories with -r) for what a privacy policy says is not there: addresses \
whose host bits are not zero under --ipv4-prefix/--ipv6-prefix (in every form the anonymizer finds, \
reverse-DNS names included), e-mail addresses, query parameters carrying credentials (token=, session=, \
key=, password=, ...) with a value, and DoH dns= parameters with a value. Each file gets counts and the \
first line numbers per kind, with one example masked; a finding is never printed in clear. With \
--policy, the files checked are those the policy says are anonymized by now (each source's rotated files \
at least anonymize-after old), each against its source's prefixes: a nightly proof that the policy is \
kept (for sources with a pseudonymizing scheme the address check is off). Exit status: 0 clean, 1 \
findings, 2 an error.";

const AUDIT_EXAMPLES: &str = "\
Examples:
  logscrub audit -r /var/log/nginx/anonymized/
  logscrub audit --ipv4-prefix 16 --ipv6-prefix 32 published.log.gz
  logscrub audit --rules rules/minimal-web.toml --json archive/*.gz
  logscrub audit --policy /etc/logscrub/policy.toml";

/// `logscrub audit` flags.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or directories to check.
    #[arg(value_name = "PATH", required_unless_present = "policy")]
    pub paths: Vec<PathBuf>,
    /// Check every file this policy (logscrub-policy(5)) says is anonymized by now, each against
    /// its own source's prefixes, instead of PATHs.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "recursive", "ipv4_prefix", "ipv6_prefix", "rules"])]
    pub policy: Option<PathBuf>,
    /// With --policy: measure ages at this time instead of now (RFC 3339, YYYY-MM-DD or @EPOCH).
    #[arg(long, value_name = "TIME", requires = "policy")]
    pub now: Option<String>,
    /// Check files in subdirectories too (never through symbolic links).
    #[arg(short, long)]
    pub recursive: bool,
    /// IPv4 bits an address may keep.
    #[arg(long, default_value_t = 24, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=32))]
    pub ipv4_prefix: u8,
    /// IPv6 bits an address may keep.
    #[arg(long, default_value_t = 48, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=128))]
    pub ipv6_prefix: u8,
    /// Take the prefixes from this rule file's [addresses] (the policy the logs were made with).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["ipv4_prefix", "ipv6_prefix"])]
    pub rules: Option<PathBuf>,
    /// The scheme the files were anonymized with: under any but truncate, addresses are
    /// pseudonyms that look like addresses, so the address check is off (e-mail, credential and
    /// DoH checks still apply).
    #[arg(short, long, value_enum, default_value_t = Mode::Truncate, conflicts_with = "policy")]
    pub mode: Mode,
    /// One JSON object per file.
    #[arg(long)]
    pub json: bool,
}

const DECRYPT_EXAMPLES: &str = "\
Examples:
  logscrub decrypt --mode cryptopan --key-file /etc/logscrub/key 135.242.180.132
  grep 'GET /admin' anon.log | logscrub decrypt --mode ipcrypt-pfx --key-file /etc/logscrub/key
  logscrub decrypt --mode ipcipher --passphrase-env IPCIPHER_PASSPHRASE < anon.log";

/// `logscrub decrypt` flags.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// The scheme the addresses were encrypted with.
    #[arg(short, long, value_enum)]
    pub mode: Mode,
    /// The key file used to encrypt them.
    #[arg(long, value_name = "PATH", required_unless_present = "passphrase_env")]
    pub key_file: Option<PathBuf>,
    /// For ipcipher: the environment variable holding the passphrase.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// Addresses (or ipcrypt-nd/ndx hex tokens) to decrypt; without any, log lines are read from
    /// stdin and every encrypted token in them is replaced.
    #[arg(value_name = "ADDRESS")]
    pub values: Vec<String>,
}

/// `logscrub rules …`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
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

const ANONYMIZE_LONG: &str = "\
Rewrite every address literal in each line: the client field and every other address anywhere \
in the line (ip:port, [v6]:port, ip#port, %zone, v4-mapped, inside URLs, referrers and \
X-Forwarded-For lists, percent-encoded IPv6). Lines that do not match the format are scrubbed \
the same way and counted. Everything else comes out byte-identical.";

const ANONYMIZE_EXAMPLES: &str = "\
Examples:
  logscrub anonymize access.log > access.anon.log
  logscrub anonymize --rules rules/minimal-web.toml access.log > access.anon.log
  tail -F access.log | logscrub anonymize -q >> access.anon.log
  logscrub anonymize --in-place access.log.1 access.log.2.gz
  logscrub anonymize --mode hash --key-file /etc/logscrub/key access.log -o anon.log.gz
  logscrub anonymize --format 'nginx:$remote_addr [$time_local] \"$request\" $status' -
  logscrub anonymize --strict --on-unparsed fail --keep-net 192.0.2.0/24 access.log";

const KEYGEN_EXAMPLES: &str = "\
Examples:
  logscrub keygen -o /etc/logscrub/key
  logscrub anonymize --mode hash --key-file /etc/logscrub/key access.log";

/// Address schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Keep the prefix (--ipv4-prefix, --ipv6-prefix), zero the rest.
    Truncate,
    /// Keep the prefix, replace the rest by HMAC-SHA256 of the whole address (needs a key):
    /// distinct clients stay distinct, equal inputs give equal outputs.
    Hash,
    /// Crypto-PAn, prefix-preserving, 32-byte key; reversible with the key.
    Cryptopan,
    /// ipcrypt deterministic (AES-128), 16-byte key; IPv4 usually becomes IPv6-looking.
    IpcryptDet,
    /// ipcrypt prefix-preserving, 32-byte key; the address family is kept.
    IpcryptPfx,
    /// ipcrypt non-deterministic (KIASU-BC), 16-byte key; the output is NOT an address but a
    /// 48-hex-digit token, different each time.
    IpcryptNd,
    /// ipcrypt non-deterministic (AES-XTS), 32-byte key; the output is NOT an address but a
    /// 64-hex-digit token, different each time.
    IpcryptNdx,
    /// PowerDNS ipcipher, 16-byte key or a passphrase; the address family is kept.
    Ipcipher,
}

impl Mode {
    /// The library's scheme kind.
    pub fn kind(self) -> SchemeKind {
        match self {
            Mode::Truncate => SchemeKind::Truncate,
            Mode::Hash => SchemeKind::Hash,
            Mode::Cryptopan => SchemeKind::Cryptopan,
            Mode::IpcryptDet => SchemeKind::IpcryptDet,
            Mode::IpcryptPfx => SchemeKind::IpcryptPfx,
            Mode::IpcryptNd => SchemeKind::IpcryptNd,
            Mode::IpcryptNdx => SchemeKind::IpcryptNdx,
            Mode::Ipcipher => SchemeKind::Ipcipher,
        }
    }

    fn from_kind(k: SchemeKind) -> Mode {
        Mode::value_variants()
            .iter()
            .copied()
            .find(|m| m.kind() == k)
            .expect("every kind has a mode")
    }
}

/// Reads the key a scheme needs: from `--key-file` (hex; for ipcipher also a passphrase), from
/// `--passphrase-env` (ipcipher), or fresh (`--ephemeral-key`). None for truncate.
pub fn read_key(
    kind: SchemeKind,
    key_file: Option<&std::path::Path>,
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
    Ok(match (key_file, ephemeral) {
        (_, _) if len == 0 => None,
        (Some(p), _) if kind == SchemeKind::Ipcipher => Some(Key::read_ipcipher(p)?),
        (Some(p), _) => Some(Key::read_file(p, len)?),
        (None, true) => Some(Key::random(len)?),
        (None, false) => None,
    })
}

/// Unparsed-line policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnparsedArg {
    /// Scrub every address in the line and write it.
    Scrub,
    /// Leave the line out (counted in the summary).
    Drop,
    /// Stop at the first such line with an error naming file:line:column.
    Fail,
}

/// `logscrub anonymize` flags.
#[derive(Debug, Args)]
pub struct AnonymizeArgs {
    /// Input files (plain or gzip, detected from their content); `-` or none for stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Log format: auto, raw, common, combined, vhost_combined, json, apache:FORMAT, nginx:FORMAT;
    /// DNS servers: bind, unbound, dnsmasq, coredns, powerdns, dnsdist, doh.
    ///
    /// `auto` decides from the first lines of each input (see -v); `raw` assumes no structure.
    /// apache:/nginx: take the server's own LogFormat / log_format string.
    #[arg(short, long, default_value = "auto", value_name = "FORMAT")]
    pub format: String,

    /// How addresses are rewritten.
    #[arg(short, long, value_enum, default_value_t = Mode::Truncate)]
    pub mode: Mode,

    /// IPv4 bits kept (0-31).
    #[arg(long, default_value_t = 24, value_name = "BITS")]
    pub ipv4_prefix: u8,

    /// IPv6 bits kept (0-127).
    #[arg(long, default_value_t = 48, value_name = "BITS")]
    pub ipv6_prefix: u8,

    /// Key file, mode 0600 (see keygen): hex on one line, 32 bytes for hash, cryptopan,
    /// ipcrypt-pfx and ipcrypt-ndx, 16 for ipcrypt-det, ipcrypt-nd and ipcipher (for ipcipher also
    /// a passphrase).
    #[arg(long, value_name = "PATH", conflicts_with = "ephemeral_key")]
    pub key_file: Option<PathBuf>,

    /// Use a random key for this run only (never written anywhere): pseudonyms are consistent
    /// within the run and unlinkable across runs.
    #[arg(long)]
    pub ephemeral_key: bool,

    /// For --mode ipcipher: read the passphrase from this environment variable (never give a
    /// passphrase on the command line).
    #[arg(long, value_name = "VAR", conflicts_with_all = ["key_file", "ephemeral_key"])]
    pub passphrase_env: Option<String>,

    /// Leave addresses in this network untouched (e.g. the server's own); repeatable.
    #[arg(long, value_name = "CIDR")]
    pub keep_net: Vec<String>,

    /// What to do with lines that do not match the format.
    #[arg(long, value_enum, default_value_t = UnparsedArg::Scrub, value_name = "ACTION")]
    pub on_unparsed: UnparsedArg,

    /// Exit with status 3 if any line did not match the format (output is still complete).
    #[arg(long)]
    pub strict: bool,

    /// Write output here instead of stdout (gzip when it ends in .gz, as several members
    /// compressed in parallel, which every gzip reader reads whole; only `gzip -l` reports the
    /// last member's size), atomically: the file appears when logscrub ends, so for a
    /// long-running pipe (Apache's piped logs, a FIFO) append with >> instead.
    #[arg(short, long, value_name = "PATH", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,

    /// Replace each FILE by its anonymized version, atomically, keeping its mode, owner,
    /// modification time and compression. A file named twice is refused (it would be
    /// anonymized twice), and so is a file with other names (hard links), which would keep the
    /// raw content.
    #[arg(short, long)]
    pub in_place: bool,

    /// Lines longer than this are scrubbed in parts instead of being held whole (bytes).
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    pub max_line_length: usize,

    /// gzip level for compressed output (1 fastest - 9 smallest).
    #[arg(long, default_value_t = 6, value_name = "LEVEL", value_parser = clap::value_parser!(u32).range(1..=9))]
    pub gzip_level: u32,

    /// Print no summary, warnings or progress on stderr.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// No progress bar (one is shown on a terminal while files are read).
    #[arg(long)]
    pub no_progress: bool,

    /// Say which format was chosen for each input.
    #[arg(short, long)]
    pub verbose: bool,

    /// Also write the summary as JSON to this file.
    #[arg(long, value_name = "PATH")]
    pub summary_json: Option<PathBuf>,

    /// Apply this rule file: field actions, line filters and address settings (logscrub-rules(5)).
    #[arg(short, long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

/// `logscrub keygen` flags.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The scheme the key is for (its size follows).
    #[arg(short, long, value_enum, default_value_t = Mode::Hash)]
    pub scheme: Mode,
    /// Write the key to this file (created with mode 0600); stdout when absent.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing key file.
    #[arg(long)]
    pub force: bool,
}

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

/// A problem with the command line that clap cannot see (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

impl AnonymizeArgs {
    /// Validates the flags into options. Usage mistakes come back as [`UsageError`]. `m` tells
    /// which flags were given on the command line (they must not also be set by the rule file).
    pub fn into_options(mut self, m: &clap::ArgMatches) -> anyhow::Result<Options> {
        let format = Format::from_spec(&self.format).map_err(|e| usage(e.to_string()))?;
        let rules = match &self.rules {
            Some(p) => Some(crate::rules::load(p).map_err(|e| usage(e.to_string()))?),
            None => None,
        };
        if let Some(r) = &rules {
            let given =
                |id: &str| m.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
            let a = &r.addresses;
            let rules_path = self
                .rules
                .as_ref()
                .expect("rules given")
                .display()
                .to_string();
            for (set, id, flag) in [
                (a.scheme.is_some(), "mode", "--mode"),
                (a.v4.is_some(), "ipv4_prefix", "--ipv4-prefix"),
                (a.v6.is_some(), "ipv6_prefix", "--ipv6-prefix"),
                (!a.keep_net.is_empty(), "keep_net", "--keep-net"),
                (a.key_file.is_some(), "key_file", "--key-file"),
            ] {
                if set && given(id) {
                    bail!(usage(format!(
                        "{flag} is also set by [addresses] in {rules_path}; keep one of them"
                    )));
                }
            }
            if let Some(k) = a.scheme {
                self.mode = Mode::from_kind(k);
            }
            self.ipv4_prefix = a.v4.unwrap_or(self.ipv4_prefix);
            self.ipv6_prefix = a.v6.unwrap_or(self.ipv6_prefix);
            self.keep_net
                .extend(a.keep_net.iter().map(|n| n.to_string()));
            if a.key_file.is_some() {
                self.key_file = a.key_file.clone();
            }
            if let Some(u) = r.on_unparsed {
                if given("on_unparsed") {
                    bail!(usage(format!(
                        "--on-unparsed is also set by [options] in {rules_path}; keep one of them"
                    )));
                }
                self.on_unparsed = match u {
                    OnUnparsed::Scrub => UnparsedArg::Scrub,
                    OnUnparsed::Drop => UnparsedArg::Drop,
                    OnUnparsed::Fail => UnparsedArg::Fail,
                };
            }
        }
        if self.ipv4_prefix > 31 {
            bail!(usage(format!(
                "--ipv4-prefix {} would keep whole IPv4 addresses; use 0-31 (--keep-net exempts networks)",
                self.ipv4_prefix
            )));
        }
        if self.ipv6_prefix > 127 {
            bail!(usage(format!(
                "--ipv6-prefix {} would keep whole IPv6 addresses; use 0-127 (--keep-net exempts networks)",
                self.ipv6_prefix
            )));
        }
        let mut keep = Vec::new();
        for k in &self.keep_net {
            let net: IpNet = k
                .parse()
                .or_else(|_| k.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    usage(format!(
                        "--keep-net {k}: expected a network such as 192.0.2.0/24 or 2001:db8::/32"
                    ))
                })?;
            keep.push(net);
        }
        let uses_key = rules.as_ref().is_some_and(|r| {
            r.actions
                .iter()
                .any(|(_, a)| matches!(a, crate::rules::Action::Hash))
        });
        let kind = self.mode.kind();
        if kind == SchemeKind::Truncate
            && !uses_key
            && (self.key_file.is_some() || self.ephemeral_key)
        {
            bail!(usage(
                "--key-file and --ephemeral-key go with a keyed --mode or a rule using the hash action"
            ));
        }
        if kind.whole_address() {
            for (id, flag) in [
                ("ipv4_prefix", "--ipv4-prefix"),
                ("ipv6_prefix", "--ipv6-prefix"),
            ] {
                if m.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
                    bail!(usage(format!(
                        "{flag} does not apply to --mode {}: it transforms whole addresses",
                        kind.name()
                    )));
                }
            }
        }
        // The rules' hash action uses the address key when the mode has a 32-byte one, else its own.
        let key_kind = if kind == SchemeKind::Truncate && uses_key {
            SchemeKind::Hash
        } else {
            kind
        };
        let key = read_key(
            key_kind,
            self.key_file.as_deref(),
            self.ephemeral_key,
            self.passphrase_env.as_deref(),
        )?;
        if kind != SchemeKind::Truncate && key.is_none() {
            bail!(usage(format!(
                "--mode {} needs a key: --key-file PATH (make one with `logscrub keygen --scheme {} -o PATH`){}",
                kind.name(),
                kind.name(),
                if kind == SchemeKind::Ipcipher {
                    ", --passphrase-env VAR"
                } else {
                    " or --ephemeral-key"
                }
            )));
        }
        if uses_key && key.is_none() {
            bail!(usage(
                "the rule file's `hash` action needs a key: key-file in [addresses], --key-file, or --ephemeral-key"
            ));
        }
        let scheme = kind.build(key.as_ref());
        let inputs = sources(self.files);
        let output = match (self.output, self.in_place) {
            (Some(p), _) => Output::File(p),
            (None, true) => {
                if inputs.contains(&Source::Stdin) {
                    bail!(usage(
                        "--in-place needs FILE arguments; standard input cannot be replaced"
                    ));
                }
                // The same file named twice would be anonymized twice (in a keyed mode, to
                // other pseudonyms).
                let paths: Vec<&std::path::Path> = inputs
                    .iter()
                    .filter_map(|s| match s {
                        Source::Path(p) => Some(p.as_path()),
                        Source::Stdin => None,
                    })
                    .collect();
                for (i, a) in paths.iter().enumerate() {
                    if let Some(b) = paths[..i].iter().find(|b| same_file(a, b)) {
                        bail!(usage(format!(
                            "{} and {} are the same file; --in-place would anonymize it twice",
                            b.display(),
                            a.display()
                        )));
                    }
                }
                Output::InPlace
            }
            (None, false) => Output::Stdout,
        };
        if let Output::File(p) = &output
            && inputs
                .iter()
                .any(|s| matches!(s, Source::Path(i) if same_file(i, p)))
        {
            bail!(usage(format!(
                "-o {} is also an input; use --in-place to replace a file",
                p.display()
            )));
        }
        Ok(Options {
            inputs,
            output,
            format,
            anonymizer: Anonymizer::new(scheme, self.ipv4_prefix, self.ipv6_prefix, keep),
            on_unparsed: match self.on_unparsed {
                UnparsedArg::Scrub => OnUnparsed::Scrub,
                UnparsedArg::Drop => OnUnparsed::Drop,
                UnparsedArg::Fail => OnUnparsed::Fail,
            },
            strict: self.strict,
            chunk: 256 * 1024,
            max_line: self.max_line_length,
            gzip_level: self.gzip_level,
            quiet: self.quiet,
            verbose: self.verbose,
            summary_json: self.summary_json,
            progress: !self.no_progress,
            rules,
            key,
        })
    }
}

/// Whether two paths name one file (the same device and inode: symlinks, `..` and hard links
/// alike); false when either does not exist.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => false,
    }
}

/// `--now TIME` (RFC 3339, YYYY-MM-DD or @EPOCH), or `default` without it: a usage error names
/// the flag.
pub fn now_flag(
    flag: Option<&str>,
    default: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    match flag {
        Some(t) => crate::retention::date::parse_now(t).map_err(|e| usage(format!("--now {e}"))),
        None => Ok(default),
    }
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
