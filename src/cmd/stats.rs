//! `logscrub stats`: trend statistics that are safe to publish (see `merge` and `report`).
//!
//! `stats` reads logs like `anonymize` (formats, gzip, stdin, `--rules` applied first) and counts
//! them into a [`State`] (see `crate::stats`); pieces of lines are counted in parallel, each into
//! its own state, and the states merged — merging is exact, so the result does not depend on the
//! number of threads. The nightly job counts with [`count`] too.
// The doc comments of the flags are their --help text, not rustdoc.
#![allow(rustdoc::broken_intra_doc_links)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::anonymize::{Anonymizer, Key, SchemeKind};
use crate::cmd::{Ctx, NoMatchError, sources, usage};
use crate::defaults;
use crate::driver::{Flow, PerThread};
use crate::exit::Exit;
use crate::format::{Fields, Format, FormatChoice};
use crate::input::{self, Chunker, PieceKind, Source};
use crate::output::write_text;
use crate::rules::{RulePlan, RuleSet};
use crate::stats::file::write_state;
use crate::stats::report::{ReportFormat, ReportOptions, parse_epsilon, parse_top, render};
use crate::stats::topk::parse_capacity;
use crate::stats::{Collector, Granularity, State, Uniques};

/// Validated options for `stats`.
#[derive(Clone)]
pub struct Options {
    /// Inputs, in order.
    pub inputs: Vec<Source>,
    /// `--format`.
    pub format: FormatChoice,
    /// `--rules`: its `[[exclude]]` blocks (`RuleSet::exclusions`).
    pub rules: Option<RuleSet>,
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
    /// `--geoip` databases.
    pub geo: Option<std::sync::Arc<crate::stats::geo::Geo>>,
}

impl Options {
    /// A state with nothing counted yet, made for these options (bucket, zone, key, capacity).
    pub fn empty_state(&self) -> State {
        State::new(
            self.bucket,
            self.tz_offset,
            self.uniques.fingerprint.clone(),
            self.capacity,
        )
    }
}

/// A shared syslog file's collectors, one per DNS server that wrote lines (`bind`, ...).
type ServerCollectors = Vec<(&'static str, Collector)>;

#[derive(Default)]
struct Worker {
    /// Empty lines counted.
    empty: u64,
    /// The fields of the line being counted.
    of: Fields,
}

/// `stats --help`: what the command does.
pub const LONG: &str = "\
Read logs as anonymize does (formats, gzip, stdin; --rules applied first, excluded lines not \
counted) and count them into a statistics state: per day or hour, requests, bytes and unique \
visitors (web) or queries, unique sources and networks (DNS); per panel, status codes, methods, \
protocols, pages, 404 paths, referrer sites, browsers and clients and their versions, operating \
systems and their versions, bots, client IP versions, visit order (entry, next and exit pages; \
visitors told apart in memory only); query types, \
response codes, transports, IP versions, TLDs, registered domains, name lengths and labels, EDNS \
and DO, cache, blocking, response sizes. The state holds no address, key or salt: unique counts are \
HyperLogLog sketches of a keyed hash (the state records the key's fingerprint), and every label is \
scrubbed of addresses before it is counted. States merge (logscrub merge) and render (logscrub \
report).";

/// `stats --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub stats --key-file /etc/logscrub/stats.key access.log.1 -o 2026-11-21.json
  logscrub stats --rules rules/publish-web.toml --bucket hour access.log -o today.json
  logscrub stats --format unbound unbound.log --report html -o report.html";

/// `logscrub stats` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Log files (plain, gzip, zstd, xz or bzip2, told by their content); standard input when
    /// none or `-`.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Log format (as for anonymize; see `logscrub formats`).
    #[arg(short, long, default_value = "auto", value_name = "FORMAT", value_parser = crate::cmd::FormatNames, hide_possible_values = true)]
    pub format: String,
    /// Apply this rule file's [[exclude]] blocks: the lines they leave out of the log are not
    /// counted. Its field actions shape the published log, not the statistics, which count
    /// the fields as the server wrote them (labels are scrubbed of addresses all the same).
    #[arg(short, long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Time-series bucket.
    #[arg(long, value_enum, default_value_t = Granularity::Day)]
    pub bucket: Granularity,
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
    /// Read the key, as hex, from this environment variable instead of a file (for engines
    /// such as Spark, which hand secrets to tasks in the environment).
    #[arg(long, value_name = "VAR", conflicts_with = "key_file")]
    pub key_env: Option<String>,
    /// A MaxMind DB file (GeoLite2 Country, City or ASN, or DB-IP's; repeat for several): each
    /// web client's full address is looked up before anything is truncated and counted in the
    /// `country` and `network` panels (K applies as to every label; nothing of the address is
    /// kept).
    #[arg(long, value_name = "FILE.mmdb")]
    pub geoip: Vec<PathBuf>,
    /// Labels kept per panel (1 to 10000000); beyond, counts carry a stated error bound.
    #[arg(long, default_value_t = defaults::CAPACITY, value_name = "N", value_parser = parse_capacity)]
    pub capacity: usize,
    /// IPv4 bits an address in a counted label keeps (labels are scrubbed like log lines).
    #[arg(long, default_value_t = defaults::IPV4_PREFIX, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=31))]
    pub ipv4_prefix: u8,
    /// IPv6 bits an address in a counted label keeps.
    #[arg(long, default_value_t = defaults::IPV6_PREFIX, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=127))]
    pub ipv6_prefix: u8,
    /// Write a report in this format instead of the state (-o is then the report); `--to`
    /// as in `logscrub report`.
    #[arg(long, visible_alias = "to", value_enum, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,
    /// With --report: counts below this are withheld.
    #[arg(long, default_value_t = defaults::MIN_COUNT, value_name = "K", requires = "report")]
    pub min_count: u64,
    /// With --report: rows per panel.
    #[arg(long, default_value_t = defaults::TOP, value_name = "N", requires = "report", value_parser = parse_top)]
    pub top: usize,
    /// With --report: differential-privacy noise, ε per published number (see report).
    #[arg(long, value_name = "E", requires = "report", value_parser = parse_epsilon)]
    pub dp_epsilon: Option<f64>,
    /// Write the state (or report) here, atomically; stdout when absent or `-`. A state is one
    /// line of JSON, so states can be piped into `logscrub merge -`.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// No summary on stderr.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say which format was chosen for each input.
    #[arg(short, long)]
    pub verbose: bool,

    #[command(flatten)]
    pub threads: crate::cmd::Threads,
}

impl Args {
    /// Validates the flags into options.
    pub fn into_options(self) -> anyhow::Result<Options> {
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
            Some(t) => crate::stats::time::parse_offset(t).ok_or_else(|| {
                usage(format!(
                    "--tz {t}: expected an offset such as +01:00, -05:00 or UTC"
                ))
            })?,
            None => 0,
        };
        let uniques = match (&self.key_file, &self.key_env) {
            // A bad key file is an input error (status 1), as in `anonymize`, not a usage error.
            (Some(p), _) => Uniques::from_key(&Key::read_file(p, 32)?),
            (None, Some(var)) => Uniques::from_key(&Key::from_env(var, 32)?),
            (None, None) => Uniques::ephemeral()?,
        };
        let scrub = Anonymizer::new(SchemeKind::Truncate.build(None), v4, v6, Vec::new());
        let inputs = sources(self.files);
        Ok(Options {
            inputs,
            format,
            rules: rules.map(|r| r.exclusions()),
            bucket: self.bucket,
            tz_offset,
            year: self.year,
            capacity: self.capacity,
            uniques,
            scrub,
            output: self.output,
            report: self.report.map(|to| ReportOptions {
                to,
                min_count: self.min_count,
                top: self.top,
                dp_epsilon: self.dp_epsilon,
            }),
            quiet: self.quiet,
            verbose: self.verbose,
            geo: match self.geoip.is_empty() {
                true => None,
                false => Some(std::sync::Arc::new(crate::stats::geo::Geo::open(
                    &self.geoip,
                )?)),
            },
        })
    }
}

/// `logscrub stats`: counts, then writes the state or the report.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let ephemeral = a.key_file.is_none() && a.key_env.is_none() && a.report.is_none() && !a.quiet;
    let o = a.into_options()?;
    if ephemeral {
        // A state is made to be merged; one under a key of its own merges with nothing.
        let _ = writeln!(
            ctx.err,
            "logscrub: no --key-file: unique counts use a key for this run only, so this state merges with no other (make a key with `logscrub keygen`)"
        );
    }
    stats(&o, ctx.err)?;
    Ok(Exit::Ok)
}

/// Counts, then writes the state or the report. Messages go to `log`.
pub fn stats(o: &Options, log: &mut dyn Write) -> anyhow::Result<State> {
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
    let mut total = o.empty_state();
    let mut bytes = 0u64;
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
        let mut chunker = Chunker::new(
            inp.reader,
            crate::defaults::PIECE,
            crate::defaults::MAX_LINE,
        );
        let format = super::choose_format(&mut chunker, &o.format, &name, o.quiet, o.verbose, log)?;
        let rules = match &o.rules {
            Some(r) => Some(RulePlan::new(r, &format, None).map_err(|e| anyhow::anyhow!("{e}"))?),
            None => None,
        };
        // One collector per thread for the whole input, merged at its end: merging is exact, so
        // the result does not depend on which thread counted which piece.
        // A shared syslog file's DNS servers each count as a stream of their own (one may log
        // questions, another answers only): a collector per server, merged like the others.
        let scratch: PerThread<(Worker, Option<Collector>, ServerCollectors)> = PerThread::new();
        let syslog = matches!(format, Format::Dns(crate::format::dns::Server::Syslog));
        let collector = |stream: String| {
            let mut c = Collector::new(
                o.empty_state(),
                o.uniques.clone(),
                o.scrub.clone(),
                reference,
            );
            c.duration = format.duration_unit();
            c.stream = stream;
            c.geo = o.geo.clone();
            c
        };
        // Visits joined in input order on this side, their steps counted by a collector of
        // its own (scrubbed like every label, its panel bounded).
        let mut visits = crate::stats::visits::Join::new(o.capacity);
        let mut steps = Collector::new(
            o.empty_state(),
            o.uniques.clone(),
            o.scrub.clone(),
            reference,
        );
        crate::driver::ordered(
            &mut chunker,
            &scratch,
            |piece, (w, c, servers), _| {
                let c = c.get_or_insert_with(|| collector(format.to_string()));
                if piece.kind == PieceKind::Lines {
                    format.start_piece(piece.header.as_deref(), &mut w.of);
                    let data = &piece.data[..];
                    let data = data.strip_suffix(b"\n").unwrap_or(data);
                    let mut count = |line: &[u8]| {
                        let c = match syslog.then(|| crate::format::dns::syslog_server(line)) {
                            Some(Some(server)) => {
                                let k = match servers.iter().position(|(s, _)| *s == server) {
                                    Some(k) => k,
                                    None => {
                                        servers
                                            .push((server, collector(format!("syslog/{server}"))));
                                        servers.len() - 1
                                    }
                                };
                                &mut servers[k].1
                            }
                            _ => &mut *c,
                        };
                        count_line(c, w, &format, rules.as_ref(), line);
                    };
                    let mut start = 0;
                    for nl in memchr::memchr_iter(b'\n', data) {
                        count(&data[start..nl]);
                        start = nl + 1;
                    }
                    count(&data[start..]);
                } else if let PieceKind::Long { last: true, .. } = piece.kind {
                    // Parts of an overlong line: no fields to count; the line counts once.
                    c.state.lines += 1;
                    c.state.unparsed += 1;
                }
                // The visits this piece began or left open, joined in input order below.
                (piece.data.len() as u64, Mutex::new(c.take_visits()))
            },
            |(n, edges)| -> anyhow::Result<Flow> {
                bytes += n;
                // Taken, not copied (results are handed over by reference).
                visits.piece(&mut edges.lock().unwrap_or_else(|e| e.into_inner()));
                Ok(Flow::Go)
            },
            |e| anyhow::Error::new(e).context(format!("cannot read {name}")),
        )?;
        let mut file = o.empty_state();
        let mut empty = 0;
        steps.count_joined(visits.finish());
        file.merge(&steps.finish())
            .expect("collectors of one run are compatible");
        for (w, c, servers) in scratch.into_inner() {
            empty += w.empty;
            for c in c.into_iter().chain(servers.into_iter().map(|(_, c)| c)) {
                file.merge(&c.finish())
                    .expect("collectors of one run are compatible");
            }
        }
        // Statistics of a file no format reads are empty: an error, never a silent zero.
        let parsed = file.lines - file.unparsed - empty;
        if matches!(format, Format::Raw) && file.lines > empty {
            if matches!(o.format, FormatChoice::Fixed(_)) {
                return Err(usage(format!(
                    "{name}: format raw reads no fields, so nothing in it can be counted; name the log's format with --format (`logscrub detect {name}` tries them all)"
                )));
            }
            return Err(NoMatchError(format!(
                "{name}: no known format matches its lines, so nothing in it can be counted; name the format with --format (`logscrub detect {name}` tries them all)"
            ))
            .into());
        }
        if parsed == 0 && file.unparsed > 0 {
            return Err(NoMatchError(format!(
                "{name}: no line matches format `{format}`; `logscrub detect {name}` says which format it is"
            ))
            .into());
        }
        total
            .merge(&file)
            .expect("states of one run are compatible");
    }
    total.finish();
    if !o.quiet {
        let secs = started.elapsed().as_secs_f64();
        let _ = writeln!(
            log,
            "logscrub: {} lines ({} unparsed, {} excluded, {} server lines, {} without a readable time) in {} bucket{}; {:.1} MB in {:.2} s ({:.0} MB/s)",
            total.lines,
            total.unparsed,
            total.excluded,
            total.server_lines,
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
    rules: Option<&RulePlan>,
    line: &[u8],
) {
    let body = line.strip_suffix(b"\r").unwrap_or(line);
    if body.is_empty() {
        c.state.lines += 1;
        w.empty += 1;
        return;
    }
    w.of.clear();
    w.of.want(if rules.is_some() {
        u64::MAX
    } else {
        crate::stats::COUNTED_FIELDS
    });
    // The collector only looks fields up; rules walk them in order.
    w.of.in_order(rules.is_some());
    if format.parse(body, &mut w.of).is_err() {
        c.state.lines += 1;
        c.state.unparsed += 1;
        return;
    }
    // The rule file decides which lines are left out; what is counted is what the server wrote,
    // whatever the rules do to the published log (issue 18): a rule that reduces the user agent
    // for the output must not empty the browser panel.
    if let Some(r) = rules
        && !w.of.is_empty()
        && r.split_and_excluded(body, &mut w.of)
    {
        c.state.lines += 1;
        c.state.excluded += 1;
        return;
    }
    c.line(body, &w.of);
}
