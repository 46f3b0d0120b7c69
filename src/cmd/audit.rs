//! `logscrub audit`: scan logs for what a privacy policy says is not there, and report it
//! without repeating it.
//!
//! Findings, by kind: an address whose host bits are not zero under the prefixes (found by the
//! same finder as `anonymize`, in every textual form, reverse-DNS names included); an e-mail
//! address (`@` or `%40`); a query parameter that carries a credential (`token=`, `session=`,
//! `key=`, …) with a value; a DoH `dns=` parameter with a value. The report gives counts and the
//! first line numbers per kind, and one example with everything identifying masked. Files are
//! read with the same reader (gzip, several members) and scanned in parallel pieces.
//!
//! Exit status (as `grep` and `diff` do): 0 clean, 1 findings, 2 an error.

use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::anonymize::SchemeKind;
use crate::anonymize::scan::{Colons, find_each};
use crate::anonymize::truncate;
use crate::cmd::Ctx;
use crate::defaults;
use crate::driver::{Flow, PerThread};
use crate::exit::Exit;
use crate::input::{self, Chunker, Source};
use anyhow::Context;

/// What is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An address with host bits set beyond the prefixes.
    Address,
    /// An e-mail address.
    Email,
    /// A credential-like query parameter with a value.
    Token,
    /// A DoH `dns=` parameter with a value.
    DohQuery,
}

const KINDS: [Kind; 4] = [Kind::Address, Kind::Email, Kind::Token, Kind::DohQuery];
const FIRST_LINES: usize = 5;

/// Query parameter names that carry credentials (compared case-insensitively).
pub const TOKEN_PARAMS: &[&str] = &[
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "auth",
    "session",
    "sessionid",
    "session_id",
    "sid",
    "key",
    "api_key",
    "apikey",
    "password",
    "passwd",
    "pwd",
    "secret",
    "signature",
    "sig",
];

/// Findings of one kind in one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PerKind {
    /// How many.
    pub count: u64,
    /// The first line numbers (1-based).
    pub first_lines: Vec<u64>,
    /// One example, masked.
    pub example: Option<String>,
}

/// The findings of one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileReport {
    /// The file.
    pub file: String,
    /// Lines read.
    pub lines: u64,
    /// Per kind, in [`Kind`] order.
    pub address: PerKind,
    /// E-mail addresses.
    pub email: PerKind,
    /// Credential parameters.
    pub token: PerKind,
    /// DoH questions.
    pub doh_query: PerKind,
}

impl FileReport {
    fn kind(&mut self, k: Kind) -> &mut PerKind {
        match k {
            Kind::Address => &mut self.address,
            Kind::Email => &mut self.email,
            Kind::Token => &mut self.token,
            Kind::DohQuery => &mut self.doh_query,
        }
    }

    /// All findings.
    pub fn total(&self) -> u64 {
        self.address.count + self.email.count + self.token.count + self.doh_query.count
    }
}

/// Masks an address: the allowed prefix stays readable, host bits become `x`.
fn mask_address(ip: IpAddr, v4: u8, v6: u8) -> String {
    match ip {
        IpAddr::V4(a) => {
            let keep = (v4 / 8) as usize;
            a.octets()
                .iter()
                .enumerate()
                .map(|(i, o)| if i < keep { o.to_string() } else { "x".into() })
                .collect::<Vec<_>>()
                .join(".")
        }
        IpAddr::V6(a) => {
            let keep = (v6 / 16) as usize;
            let g = a.segments();
            (0..8)
                .map(|i| {
                    if i < keep {
                        format!("{:x}", g[i])
                    } else {
                        "x".into()
                    }
                })
                .collect::<Vec<_>>()
                .join(":")
        }
    }
}

/// Scans bytes (a line or a whole piece of lines), calling `f(kind, position, masked example)`
/// for every finding.
pub fn scan_line(
    line: &[u8],
    v4: u8,
    v6: u8,
    f: &mut impl FnMut(Kind, usize, &dyn Fn() -> String),
) {
    let mut check = |found: crate::anonymize::scan::Found, at: usize| {
        let ip = match found.ip {
            IpAddr::V6(a) => a.to_ipv4_mapped().map_or(found.ip, IpAddr::V4),
            v4addr => v4addr,
        };
        let p = match ip {
            IpAddr::V4(_) => v4,
            IpAddr::V6(a) => crate::anonymize::v6_prefix_of(a, v4, v6),
        };
        let reverse_partial =
            matches!(found.colons, Colons::ReverseV6(n) if (n as u32) * 4 <= p as u32);
        // A quad that begins a DNS name may be written reversed: both readings are checked.
        let reversed = match ip {
            IpAddr::V4(a) if matches!(found.colons, Colons::NameV4 | Colons::DashV4) => {
                let r = IpAddr::V4(u32::from(a).swap_bytes().into());
                truncate(r, p) != r
            }
            _ => false,
        };
        if !reverse_partial && (truncate(ip, p) != ip || reversed) {
            f(Kind::Address, at, &|| mask_address(ip, v4, v6));
        }
    };
    find_each(line, b'\n', |found| check(found, found.start));
    // Text written as arrays of byte values (journald), read as the anonymizer reads it.
    if memchr::memchr(b'[', line).is_some() {
        let (mut from, mut text) = (0, Vec::new());
        while let Some((s, e)) = crate::anonymize::arrays::next(line, from, &mut text) {
            find_each(&text, b'\n', |found| check(found, s));
            from = e;
        }
    }
    // E-mail addresses: `local@domain.tld`, also with the `@` percent-encoded.
    let mut at = |pos: usize, len: usize| {
        let local = line[..pos]
            .iter()
            .rev()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b))
            .count();
        let dom = &line[pos + len..];
        let dlen = dom
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b".-".contains(&b))
            .count();
        let domain = &dom[..dlen];
        let tld_ok = domain
            .rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.iter().all(u8::is_ascii_alphabetic));
        if local > 0 && domain.contains(&b'.') && tld_ok {
            let d = String::from_utf8_lossy(domain).into_owned();
            f(Kind::Email, pos, &|| {
                format!(
                    "***@{}",
                    d.split('.')
                        .next_back()
                        .map_or(String::new(), |t| format!("***.{t}"))
                )
            });
        }
    };
    for pos in memchr::memchr_iter(b'@', line) {
        at(pos, 1);
    }
    for pos in memchr::memmem::find_iter(line, b"%40") {
        at(pos, 3);
    }
    // Query parameters: after `?` or `&`, `name=value` with a non-empty value.
    for pos in memchr::memchr2_iter(b'?', b'&', line) {
        let rest = &line[pos + 1..];
        let Some(eq) = rest.iter().take(32).position(|&b| b == b'=') else {
            continue;
        };
        let name = &rest[..eq];
        let vlen = rest[eq + 1..]
            .iter()
            .take_while(|&&b| !b" &\"#;\r\n".contains(&b))
            .count();
        if vlen == 0 || vlen == 1 && rest[eq + 1] == b'-' {
            continue;
        }
        if name.eq_ignore_ascii_case(b"dns") {
            f(Kind::DohQuery, pos, &|| "dns=***".into());
        } else if let Some(t) = TOKEN_PARAMS
            .iter()
            .find(|t| t.as_bytes().eq_ignore_ascii_case(name))
        {
            f(Kind::Token, pos, &|| format!("{t}=***"));
        }
    }
}

/// One kind's findings in one piece: count, first line indexes within the piece, an example.
pub type PieceKind = (u64, Vec<u64>, Option<String>);

fn audit_file(src: &Source, v4: u8, v6: u8) -> anyhow::Result<FileReport> {
    let inp = input::open(src)?;
    let mut chunker = Chunker::new(
        inp.reader,
        crate::defaults::PIECE,
        crate::defaults::MAX_LINE,
    );
    let mut rep = FileReport {
        file: src.display(),
        ..FileReport::default()
    };
    let name = src.display();
    crate::driver::ordered(
        &mut chunker,
        &PerThread::<()>::new(),
        |p, _, _| {
            let (lines, per) = scan_piece(&p.data, v4, v6);
            // A part of an overlong line that does not end it is no line of its own.
            let open = matches!(p.kind, input::PieceKind::Long { last: false, .. });
            (lines - u64::from(open), per)
        },
        |(lines, per)| -> anyhow::Result<Flow> {
            for (k, (count, first, ex)) in KINDS.iter().zip(per) {
                let base = rep.lines;
                let pk = rep.kind(*k);
                pk.count += count;
                for l in first {
                    if pk.first_lines.len() < FIRST_LINES {
                        pk.first_lines.push(base + l + 1);
                    }
                }
                if pk.example.is_none() {
                    pk.example.clone_from(ex);
                }
            }
            rep.lines += lines;
            Ok(Flow::Go)
        },
        |e| anyhow::Error::new(e).context(format!("cannot read {name}")),
    )?;
    Ok(rep)
}

/// One piece: its lines, and per kind (count, first line indexes, example). The whole piece is
/// scanned at once (a newline cannot be part of any finding); a finding's line is counted from
/// the previous finding's, so a clean piece costs one newline count.
pub fn scan_piece(data: &[u8], v4: u8, v6: u8) -> (u64, Vec<PieceKind>) {
    let lines = memchr::memchr_iter(b'\n', data).count() as u64
        + u64::from(data.last().is_some_and(|&b| b != b'\n'));
    let mut per: Vec<PieceKind> = vec![(0, Vec::new(), None); 4];
    let (mut seen_at, mut line) = (0usize, 0u64);
    scan_line(data, v4, v6, &mut |k, at, ex| {
        // Findings come in order within a kind; kinds are scanned one after the other.
        if at >= seen_at {
            line += memchr::memchr_iter(b'\n', &data[seen_at..at]).count() as u64;
        } else {
            line -= memchr::memchr_iter(b'\n', &data[at..seen_at]).count() as u64;
        }
        seen_at = at;
        let e = &mut per[k as usize];
        e.0 += 1;
        // The smallest line numbers, sorted (a kind's passes, `@` then `%40`, each go in order).
        if let Err(i) = e.1.binary_search(&line)
            && i < FIRST_LINES
        {
            e.1.insert(i, line);
            e.1.truncate(FIRST_LINES);
        }
        if e.2.is_none() {
            e.2 = Some(ex());
        }
    });
    (lines, per)
}

/// Lists the files of `paths` (directories: their files, recursively with `recursive`; symlinks
/// are not followed).
pub fn files_of(paths: &[PathBuf], recursive: bool) -> (Vec<PathBuf>, Vec<String>, Vec<String>) {
    use crate::retention::walk::{self, Root};
    let mut files = Vec::new();
    let (mut errors, mut notes) = (Vec::new(), Vec::new());
    for p in paths {
        if p.is_dir() {
            let roots = [Root {
                dir: p.clone(),
                pattern: None,
            }];
            let w = walk::walk(
                &roots,
                walk::Options {
                    recursive,
                    include_symlinks: true,
                },
            );
            errors.extend(w.errors);
            let path = |e: &crate::retention::Entry| {
                let mut f = p.clone();
                f.extend(e.dirs.iter());
                f.push(&e.name);
                f
            };
            // Symbolic links are not followed (what they point at is checked where it lies),
            // and said so: a directory of links checked nothing.
            for e in w.entries.iter().filter(|e| e.symlink) {
                notes.push(format!(
                    "{}: a symbolic link, not followed (not checked)",
                    path(e).display()
                ));
            }
            let mut found: Vec<PathBuf> =
                w.entries.iter().filter(|e| !e.symlink).map(path).collect();
            if found.is_empty() {
                errors.push(format!(
                    "{}: no file to check in this directory{}",
                    p.display(),
                    if recursive {
                        ""
                    } else {
                        " (-r checks its subdirectories)"
                    }
                ));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    (files, errors, notes)
}

/// `audit --help`: what the command does.
pub const LONG: &str = "\
Scan logs (plain, gzip, zstd, xz or bzip2; directories with -r) for what a privacy policy says is not there: addresses \
whose host bits are not zero under --ipv4-prefix/--ipv6-prefix (in every form the anonymizer finds, \
reverse-DNS names included), e-mail addresses, query parameters carrying credentials (token=, session=, \
key=, password=, ...) with a value, and DoH dns= parameters with a value. Each file gets counts and the \
first line numbers per kind, with one example masked; a finding is never printed in clear. With \
--policy, the files checked are those the policy says are anonymized by now (each source's rotated files \
at least anonymize-after old), each against its source's prefixes: a nightly proof that the policy is \
kept (for sources with a pseudonymizing scheme the address check is off). Exit status: 0 clean, 1 \
findings, 2 an error.";

/// `audit --help`: examples.
pub const EXAMPLES: &str = "\
Examples:
  logscrub audit -r /var/log/nginx/anonymized/
  logscrub audit --ipv4-prefix 16 --ipv6-prefix 32 published.log.gz
  logscrub audit --rules rules/minimal-web.toml --json archive/*.gz
  zcat old.log.gz | logscrub anonymize | logscrub audit -
  logscrub audit --policy /etc/logscrub/policy.toml";

/// `logscrub audit` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to check (`-`: standard input, as in `logscrub anonymize … | logscrub
    /// audit -`).
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
    #[arg(long, default_value_t = defaults::IPV4_PREFIX, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=32))]
    pub ipv4_prefix: u8,
    /// IPv6 bits an address may keep.
    #[arg(long, default_value_t = defaults::IPV6_PREFIX, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=128))]
    pub ipv6_prefix: u8,
    /// Take the prefixes from this rule file's [addresses] (the policy the logs were made with).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["ipv4_prefix", "ipv6_prefix"])]
    pub rules: Option<PathBuf>,
    /// The scheme the files were anonymized with: under any but truncate, addresses are
    /// pseudonyms that look like addresses, so the address check is off (e-mail, credential and
    /// DoH checks still apply).
    #[arg(short, long, value_enum, default_value_t = SchemeKind::Truncate, conflicts_with = "policy")]
    pub mode: SchemeKind,
    /// One JSON object per file.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub threads: crate::cmd::Threads,
}

/// Runs `audit`, with its own statuses (`exit::AUDIT`, as grep's): 0 clean, 1 findings, 2 an
/// error (reported here). The numbers are `Exit::Ok`, `Exit::Error` and `Exit::Usage`. A closed
/// standard output is the one error handed back, so that it ends the process as for every command.
pub fn run(a: Args, ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let r = match &a.policy {
        Some(p) => audit_policy(p, a.now.as_deref(), a.json, ctx),
        None => audit_paths(&a, ctx),
    };
    match r {
        Ok((_, errors)) if errors > 0 => Ok(Exit::Usage),
        Ok((0, _)) => Ok(Exit::Ok),
        Ok(_) => Ok(Exit::Error),
        Err(e) if crate::output::is_broken_pipe(&e) => Err(e),
        Err(e) => {
            let _ = writeln!(ctx.err, "logscrub: {e:#}");
            Ok(Exit::Usage)
        }
    }
}

/// `audit PATH...`: prefixes from the flags or the rule file's `[addresses]`.
fn audit_paths(a: &Args, ctx: &mut Ctx) -> anyhow::Result<(u64, u64)> {
    let (mut v4, mut v6) = (a.ipv4_prefix, a.ipv6_prefix);
    let mut kind = a.mode;
    if let Some(r) = &a.rules {
        let set = crate::rules::load(r).map_err(|e| anyhow::anyhow!("{e}"))?;
        v4 = set.addresses.v4.unwrap_or(v4);
        v6 = set.addresses.v6.unwrap_or(v6);
        if let Some(k) = set.addresses.scheme
            && a.mode == SchemeKind::Truncate
        {
            kind = k;
        }
    }
    if kind != SchemeKind::Truncate {
        writeln!(
            ctx.err,
            "logscrub: --mode {}: pseudonyms look like addresses, so the address check is off (e-mail, credential and DoH checks apply)",
            kind.name()
        )?;
        (v4, v6) = (32, 128);
    }
    let (files, walk_errors, notes) = files_of(&a.paths, a.recursive);
    let errors = walk_errors.len() as u64;
    for e in notes.iter().chain(&walk_errors) {
        writeln!(ctx.err, "logscrub: {e}")?;
    }
    let files = files.into_iter().map(|f| (f, v4, v6)).collect();
    report_files(files, errors, a.json, ctx.out, ctx.err)
}

/// `audit --policy`: every file each source's policy says is anonymized by `now` (rotated, not
/// live, at least `anonymize-after` old), checked against that source's prefixes. For sources
/// whose scheme writes pseudonyms (anything but truncate) the address check is off: their
/// output addresses have host bits by design.
fn audit_policy(
    path: &Path,
    now: Option<&str>,
    json: bool,
    ctx: &mut Ctx,
) -> anyhow::Result<(u64, u64)> {
    use crate::policy::discover::{due, rotated_files, source_roots};
    let now = crate::cmd::now_flag(now, ctx.now)?;
    let (policy, anonymize) = crate::cmd::run::load_policy(path)?;
    let err = &mut *ctx.err;
    let mut files = Vec::new();
    let mut errors = 0;
    for (src, opts) in policy.sources.iter().zip(&anonymize) {
        if src.anonymize_after.is_none() {
            writeln!(
                err,
                "logscrub: source {}: no anonymize-after, so no file of it is meant to be clean; skipped",
                src.name
            )?;
            continue;
        }
        let (v4, v6) = if opts.anonymizer.truncates() {
            opts.anonymizer.prefixes()
        } else {
            writeln!(
                err,
                "logscrub: source {}: its scheme writes pseudonyms that look like addresses; the address check is off for it (e-mail, credential and DoH checks apply)",
                src.name
            )?;
            (32, 128)
        };
        let (listed, errs) = rotated_files(src, &source_roots(src), now);
        for e in &errs {
            writeln!(err, "logscrub: source {}: {e}", src.name)?;
        }
        errors += errs.len() as u64;
        let mut due_files: Vec<PathBuf> = listed
            .into_iter()
            .filter(|(e, _)| due(e, src, now))
            .map(|(_, p)| p)
            .collect();
        due_files.sort();
        files.extend(due_files.into_iter().map(|p| (p, v4, v6)));
    }
    report_files(files, errors, json, ctx.out, ctx.err)
}

/// What a failed write of the report says.
const STDOUT: &str = "cannot write standard output";

/// Audits each (file, IPv4 prefix, IPv6 prefix) and reports it. Returns (findings, errors).
fn report_files(
    files: Vec<(PathBuf, u8, u8)>,
    mut errors: u64,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<(u64, u64)> {
    let mut total = 0;
    for (f, v4, v6) in files {
        let src = if f.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(f)
        };
        match audit_file(&src, v4, v6) {
            Ok(r) => {
                total += r.total();
                if json {
                    writeln!(out, "{}", serde_json::to_string(&r)?).context(STDOUT)?;
                } else if r.total() == 0 {
                    writeln!(out, "{}: clean ({} lines)", r.file, r.lines).context(STDOUT)?;
                } else {
                    let mut parts = Vec::new();
                    for (name, pk) in [
                        ("addresses", &r.address),
                        ("e-mail addresses", &r.email),
                        ("credential parameters", &r.token),
                        ("DoH questions", &r.doh_query),
                    ] {
                        if pk.count > 0 {
                            let lines: Vec<String> =
                                pk.first_lines.iter().map(u64::to_string).collect();
                            parts.push(format!(
                                "{} {name} (lines {}{}; e.g. {})",
                                pk.count,
                                lines.join(", "),
                                if pk.count > pk.first_lines.len() as u64 {
                                    ", …"
                                } else {
                                    ""
                                },
                                pk.example.as_deref().unwrap_or("")
                            ));
                        }
                    }
                    writeln!(
                        out,
                        "{}: {} findings in {} lines: {}",
                        r.file,
                        r.total(),
                        r.lines,
                        parts.join("; ")
                    )
                    .context(STDOUT)?;
                }
            }
            Err(e) => {
                writeln!(err, "logscrub: {e:#}")?;
                errors += 1;
            }
        }
    }
    Ok((total, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(Kind, String)> {
        let mut v = Vec::new();
        scan_line(line.as_bytes(), 24, 48, &mut |k, _, ex| v.push((k, ex())));
        v
    }

    #[test]
    fn a_piece_gives_each_kind_its_first_lines_in_order() {
        let data = b"a?token=1\nb x%40example.org\nc 192.0.2.7\nd y@example.org 192.0.2.8\n\
            e\nf z%40example.org\ng a@example.org\nh b@example.org\ni c@example.org\nj";
        let (lines, per) = scan_piece(data, 24, 48);
        assert_eq!(lines, 10);
        let first = |k: Kind| per[KINDS.iter().position(|&x| x == k).unwrap()].clone();
        assert_eq!(first(Kind::Address).0, 2);
        assert_eq!(first(Kind::Address).1, [2, 3]);
        assert_eq!(first(Kind::Token).1, [0]);
        // `@` findings (lines 3, 6, 7, 8) are seen before `%40` ones (lines 1, 5).
        assert_eq!(first(Kind::Email).0, 6);
        assert_eq!(first(Kind::Email).1, [1, 3, 5, 6, 7]);
    }

    #[test]
    fn findings_and_masks() {
        assert!(
            kinds("192.0.2.0 - - [x] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"").is_empty(),
            "truncated is clean"
        );
        assert_eq!(
            kinds("from 192.0.2.77 x"),
            [(Kind::Address, "192.0.2.x".into())]
        );
        assert_eq!(
            kinds("[2001:db8:1:2::5]:443"),
            [(Kind::Address, "2001:db8:1:x:x:x:x:x".into())]
        );
        // A 6to4 /48 holds the whole IPv4 address.
        assert_eq!(
            kinds("2002:c000:244:: 2002:c000:200::"),
            [(Kind::Address, "2002:c000:244:x:x:x:x:x".into())]
        );
        // journald's array of byte values (a message with a control byte in it).
        assert_eq!(
            kinds(r#"{"MESSAGE":[49,57,50,46,48,46,50,46,49,55,27]}"#),
            [(Kind::Address, "192.0.2.x".into())]
        );
        // A blocklist query names 192.0.2.12 reversed: its first label is the host octet.
        assert_eq!(
            kinds("12.2.0.0.zen.spamhaus.org 0.2.0.0.zen.spamhaus.org"),
            [(Kind::Address, "12.2.0.x".into())]
        );
        // So does a host name with the address in dashes, either way.
        assert_eq!(
            kinds("ip-0-0-2-0.ec2.internal 12-2-0-0.x ip-192-0-2-0.x"),
            [
                (Kind::Address, "12.2.0.x".into()),
                (Kind::Address, "192.0.2.x".into())
            ]
        );
        // A cut IPv6 literal holds host groups.
        assert_eq!(
            kinds("for=2001:db8:1234:5678:9abc"),
            [(Kind::Address, "2001:db8:1234:x:x:x:x:x".into())]
        );
        assert_eq!(
            kinds("PTR 77.2.0.192.in-addr.arpa"),
            [(Kind::Address, "192.0.2.x".into())]
        );
        assert!(
            kinds("PTR 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa").is_empty(),
            "a /48 reverse zone is no finding"
        );
        assert_eq!(
            kinds("?email=alice@example.org&x"),
            [(Kind::Email, "***@***.org".into())]
        );
        assert_eq!(
            kinds("?email=alice%40example.org"),
            [(Kind::Email, "***@***.org".into())]
        );
        assert_eq!(
            kinds("GET /a?token=abc123&session_id=XYZ HTTP/1.1")
                .iter()
                .map(|k| k.1.clone())
                .collect::<Vec<_>>(),
            ["token=***", "session_id=***"]
        );
        assert_eq!(
            kinds("GET /dns-query?dns=AAABAAAB HTTP/2"),
            [(Kind::DohQuery, "dns=***".into())]
        );
        assert!(
            kinds("GET /q?email=&token=&dns= HTTP/1.1").is_empty(),
            "blanked parameters are clean"
        );
        assert!(
            kinds("user@localhost and a@b").is_empty(),
            "no domain with a TLD"
        );
        assert!(
            kinds("/q?key=-\n").is_empty(),
            "`-` at the end of a line is no value"
        );
    }
}
