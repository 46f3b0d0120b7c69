//! `logscrub anonymize` flags and their validation into [`Options`].
// The doc comments of the flags are their --help text, not rustdoc.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use anyhow::bail;
use ipnet::IpNet;

use super::{Options, Output};
use crate::anonymize::{Anonymizer, SchemeKind};
use crate::cmd::{read_key, sources, usage};
use crate::defaults;
use crate::format::Format;
use crate::input::Source;
use crate::rules::OnUnparsed;

/// `anonymize --help`: what the command does.
pub const LONG: &str = "\
Rewrite every address literal in each line: the client field and every other address anywhere \
in the line (ip:port, [v6]:port, ip#port, %zone, v4-mapped, inside URLs, referrers and \
X-Forwarded-For lists, percent-encoded IPv6). Lines that do not match the format are scrubbed \
the same way and counted. Everything else comes out byte-identical.";

/// `anonymize --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub anonymize access.log > access.anon.log
  logscrub anonymize --rules rules/minimal-web.toml access.log > access.anon.log
  tail -F access.log | logscrub anonymize -q >> access.anon.log
  logscrub anonymize --in-place access.log.1 access.log.2.gz
  logscrub anonymize --mode hash --key-file /etc/logscrub/key access.log -o anon.log.gz
  logscrub anonymize --format 'nginx:$remote_addr [$time_local] \"$request\" $status' -
  logscrub anonymize --strict --on-unparsed fail --keep-net 192.0.2.0/24 access.log";

/// `logscrub anonymize` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input files (plain, gzip, zstd, xz or bzip2, told by their content); `-` or none for
    /// stdin. Several are written one after another, a last line without its newline given one.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Log format: auto, raw, common, combined, vhost_combined, json, squid, elb, alb, s3,
    /// cloudfront, w3c, gcs, haproxy, traefik, caddy, apache:FORMAT, nginx:FORMAT,
    /// goaccess:FORMAT;
    /// DNS servers: bind, unbound, dnsmasq, coredns, powerdns, dnsdist, doh, syslog.
    ///
    /// `auto` decides from the first lines of each input (see -v); `raw` assumes no structure.
    /// apache:/nginx:/goaccess: take the server's own LogFormat / log_format string, or a
    /// GoAccess log-format string or name (`logscrub formats` shows them all).
    #[arg(short, long, default_value = "auto", value_name = "FORMAT", value_parser = crate::cmd::FormatNames, hide_possible_values = true)]
    pub format: String,

    /// How addresses are rewritten.
    #[arg(short, long, value_enum, default_value_t = SchemeKind::Truncate)]
    pub mode: SchemeKind,

    /// IPv4 bits kept (0-31).
    #[arg(long, default_value_t = defaults::IPV4_PREFIX, value_name = "BITS")]
    pub ipv4_prefix: u8,

    /// IPv6 bits kept (0-127).
    #[arg(long, default_value_t = defaults::IPV6_PREFIX, value_name = "BITS")]
    pub ipv6_prefix: u8,

    /// Key file, mode 0600 (see keygen): hex on one line, 32 bytes for hash, cryptopan,
    /// ipcrypt-pfx and ipcrypt-ndx, 16 for ipcrypt-det, ipcrypt-nd and ipcipher (for ipcipher also
    /// a passphrase).
    #[arg(long, value_name = "PATH", conflicts_with = "ephemeral_key")]
    pub key_file: Option<PathBuf>,

    /// Read the key, as hex (as in a key file), from this environment variable instead of a
    /// file (for engines such as Spark that hand secrets to tasks in the environment).
    #[arg(long, value_name = "VAR", conflicts_with_all = ["key_file", "ephemeral_key"])]
    pub key_env: Option<String>,

    /// Use a random key for this run only (never written anywhere): pseudonyms are consistent
    /// within the run and unlinkable across runs.
    #[arg(long)]
    pub ephemeral_key: bool,

    /// For --mode ipcipher: read the passphrase from this environment variable (never give a
    /// passphrase on the command line).
    #[arg(long, value_name = "VAR", conflicts_with_all = ["key_file", "ephemeral_key", "key_env"])]
    pub passphrase_env: Option<String>,

    /// Leave addresses in this network untouched (e.g. the server's own); repeatable. A /0 is
    /// refused: it would keep every address of its family.
    #[arg(long, value_name = "CIDR")]
    pub keep_net: Vec<String>,

    /// What to do with lines that do not match the format.
    #[arg(long, value_enum, default_value_t = OnUnparsed::Scrub, value_name = "ACTION")]
    pub on_unparsed: OnUnparsed,

    /// Exit with status 3 if any line did not match the format (output is still complete).
    #[arg(long)]
    pub strict: bool,

    /// Write output here instead of stdout, compressed when the name ends in .gz, .zst, .xz or
    /// .bz2 (as several members, frames or streams compressed in parallel, which every reader of
    /// the kind reads whole; only `gzip -l` then reports the last member's size), atomically:
    /// the file appears when logscrub ends, so for a long-running pipe (Apache's piped logs, a
    /// FIFO) append with >> instead.
    #[arg(short, long, value_name = "PATH", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,

    /// Replace each FILE by its anonymized version, atomically, keeping its mode, owner,
    /// modification time and compression. A file named twice is refused (it would be
    /// anonymized twice), and so is a file with other names (hard links), which would keep the
    /// raw content.
    #[arg(short, long)]
    pub in_place: bool,

    /// Lines longer than this are not held whole (bytes): they are never parsed, so they
    /// count as unparsed and --on-unparsed (or the rule file's) decides what they become; kept,
    /// they are scrubbed in parts (always, with --format raw).
    #[arg(long, default_value_t = defaults::MAX_LINE, value_name = "BYTES")]
    pub max_line_length: usize,

    /// gzip level for compressed output (1 fastest - 9 smallest; libdeflate's levels, whose 4
    /// compresses about as well as gzip's 6).
    #[arg(long, default_value_t = defaults::GZIP_LEVEL, value_name = "LEVEL", value_parser = clap::value_parser!(u32).range(1..=9))]
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

    /// Also write the lines that did not match the format to this file (scrubbed like every
    /// line, atomically), to see what the parser misses.
    #[arg(long, value_name = "FILE")]
    pub unparsed_to: Option<PathBuf>,

    /// Apply this rule file: field actions, line filters and address settings (logscrub-rules(5)).
    #[arg(short, long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    #[command(flatten)]
    pub threads: crate::cmd::Threads,
}

impl Args {
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
                self.mode = k;
            }
            self.ipv4_prefix = a.v4.unwrap_or(self.ipv4_prefix);
            self.ipv6_prefix = a.v6.unwrap_or(self.ipv6_prefix);
            self.keep_net
                .extend(a.keep_net.iter().map(|n| n.to_string()));
            if a.key_file.is_some() {
                if self.key_env.is_some() {
                    bail!(usage(format!(
                        "--key-env and the key-file of [addresses] in {rules_path} both give a key; keep one of them"
                    )));
                }
                self.key_file = a.key_file.clone();
            }
            if let Some(u) = r.on_unparsed {
                if given("on_unparsed") {
                    bail!(usage(format!(
                        "--on-unparsed is also set by [options] in {rules_path}; keep one of them"
                    )));
                }
                self.on_unparsed = u;
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
            if net.prefix_len() == 0 {
                bail!(usage(format!(
                    "--keep-net {k}: {}",
                    crate::anonymize::whole_family(&net)
                )));
            }
            keep.push(net);
        }
        let uses_key = rules.as_ref().is_some_and(|r| {
            r.actions
                .iter()
                .any(|(_, a)| matches!(a, crate::rules::Action::Hash))
        });
        let kind = self.mode;
        if kind == SchemeKind::Truncate
            && !uses_key
            && (self.key_file.is_some() || self.key_env.is_some() || self.ephemeral_key)
        {
            bail!(usage(
                "--key-file, --key-env and --ephemeral-key go with a keyed --mode or a rule using the hash action"
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
            self.key_env.as_deref(),
            self.ephemeral_key,
            self.passphrase_env.as_deref(),
        )?;
        if kind != SchemeKind::Truncate && key.is_none() {
            bail!(usage(format!(
                "--mode {} needs a key: --key-file PATH (make one with `logscrub keygen --scheme {} -o PATH`), --key-env VAR{}",
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
                if let Some((b, a)) = crate::cmd::named_twice(&paths) {
                    bail!(usage(format!(
                        "{} and {} are the same file; --in-place would anonymize it twice",
                        b.display(),
                        a.display()
                    )));
                }
                Output::InPlace
            }
            (None, false) => Output::Stdout,
        };
        if let Output::File(p) = &output
            && inputs
                .iter()
                .any(|s| matches!(s, Source::Path(i) if crate::cmd::same_file(i, p)))
        {
            bail!(usage(format!(
                "-o {} is also an input; use --in-place to replace a file",
                p.display()
            )));
        }
        if let Some(u) = &self.unparsed_to {
            let clash = inputs
                .iter()
                .any(|s| matches!(s, Source::Path(i) if crate::cmd::same_file(i, u)))
                || matches!(&output, Output::File(o) if o == u || crate::cmd::same_file(o, u));
            if clash {
                bail!(usage(format!(
                    "--unparsed-to {} is also an input or the output",
                    u.display()
                )));
            }
        }
        Ok(Options {
            inputs,
            output,
            format,
            anonymizer: Anonymizer::new(scheme, self.ipv4_prefix, self.ipv6_prefix, keep),
            on_unparsed: self.on_unparsed,
            strict: self.strict,
            chunk: defaults::PIECE,
            max_line: self.max_line_length,
            gzip_level: self.gzip_level,
            quiet: self.quiet,
            verbose: self.verbose,
            summary_json: self.summary_json,
            unparsed_to: self.unparsed_to,
            progress: !self.no_progress,
            rules,
            key,
        })
    }
}
