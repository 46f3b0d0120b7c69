//! Policy files: the operator's privacy policy as configuration, for `logscrub run --policy`.
//!
//! A policy names *sources* (rotated log files, by directory and file-name glob), how each is
//! anonymized (the same settings as `logscrub anonymize`: format, rule file, mode, prefixes, key
//! file, ...) and its windows: `anonymize-after` (raw rotated files older than this are
//! anonymized in place), `raw-retention` (a raw file older than this is deleted, even when it
//! could not be anonymized: the backstop of the promise), `retention` (anonymized files), and
//! `keep-forever` (never deleted). The nightly job itself is in `crate::cmd::run`; the
//! bookkeeping that makes it idempotent in [`state`].
//!
//! ```toml
//! state-dir = "/var/lib/logscrub"
//! metrics = "/var/lib/prometheus/node-exporter/logscrub.prom"   # optional
//!
//! [[source]]
//! name = "nginx"
//! files = ["/var/log/nginx/access.log*"]
//! format = "combined"
//! rules = "builtin:minimal-web"
//! anonymize-after = "0d"
//! raw-retention = "7d"
//! retention = "90d"
//! ```
//!
//! Parsed with serde (unknown keys are errors, so a misspelt window is never silently ignored);
//! every error names `file:line:col`. Relative paths are taken from the policy file's directory,
//! so a policy and its rule and key files can travel together.

pub mod discover;
pub mod state;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use toml::Spanned;

use crate::retention::plan::AgeFrom;
use crate::retention::{NameGlob, date};

/// A problem in a policy file, at `line:col` (0:0 when it is not about one place).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    /// The policy file.
    pub path: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.msg)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.col,
                self.msg
            )
        }
    }
}

/// How a source's files are anonymized: the `logscrub anonymize` flags of the same names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anonymize {
    /// `--format` (default `auto`).
    pub format: Option<String>,
    /// `--rules`.
    pub rules: Option<PathBuf>,
    /// `--mode`.
    pub mode: Option<String>,
    /// `--ipv4-prefix`.
    pub ipv4_prefix: Option<u8>,
    /// `--ipv6-prefix`.
    pub ipv6_prefix: Option<u8>,
    /// `--key-file`.
    pub key_file: Option<PathBuf>,
    /// `--keep-net`, repeated.
    pub keep_net: Vec<String>,
    /// `--on-unparsed`.
    pub on_unparsed: Option<String>,
}

impl Anonymize {
    /// The `logscrub anonymize` arguments these settings stand for (without files).
    pub fn args(&self) -> Vec<std::ffi::OsString> {
        let mut a: Vec<std::ffi::OsString> = Vec::new();
        let mut flag = |f: &str, v: std::ffi::OsString| {
            a.push(f.into());
            a.push(v);
        };
        if let Some(v) = &self.format {
            flag("--format", v.into());
        }
        if let Some(v) = &self.rules {
            flag("--rules", v.into());
        }
        if let Some(v) = &self.mode {
            flag("--mode", v.into());
        }
        if let Some(v) = self.ipv4_prefix {
            flag("--ipv4-prefix", v.to_string().into());
        }
        if let Some(v) = self.ipv6_prefix {
            flag("--ipv6-prefix", v.to_string().into());
        }
        if let Some(v) = &self.key_file {
            flag("--key-file", v.into());
        }
        for n in &self.keep_net {
            flag("--keep-net", n.into());
        }
        if let Some(v) = &self.on_unparsed {
            flag("--on-unparsed", v.into());
        }
        a
    }
}

/// One source of logs and its windows.
#[derive(Debug, Clone)]
pub struct Source {
    /// A name for messages, metrics and the state file.
    pub name: String,
    /// Directory + file-name glob pairs (`/var/log/nginx/access.log*`).
    pub files: Vec<(PathBuf, NameGlob)>,
    /// Names of files still being written (never touched); see [`Source::is_live`].
    pub live: Vec<NameGlob>,
    /// How files are anonymized.
    pub anonymize: Anonymize,
    /// Raw rotated files older than this are anonymized; `None`: never.
    pub anonymize_after: Option<Duration>,
    /// Raw files older than this are deleted; `None`: kept.
    pub raw_retention: Option<Duration>,
    /// Anonymized files older than this are deleted; `None`: kept.
    pub retention: Option<Duration>,
    /// Names never deleted.
    pub keep_forever: Vec<NameGlob>,
    /// Where ages come from.
    pub age_from: AgeFrom,
    /// Count this source's files into the policy's statistics (once each, from the raw file,
    /// just before it is anonymized).
    pub statistics: bool,
    /// Reports of this source alone (beside `[statistics] reports`, which cover every source),
    /// their format from the extension.
    pub reports: Vec<(PathBuf, crate::stats::report::ReportFormat)>,
}

/// The `[statistics]` table: trend statistics kept by the nightly job.
#[derive(Debug, Clone)]
pub struct Statistics {
    /// The key for unique counts (32 bytes, hex).
    pub key_file: PathBuf,
    /// Bucket size.
    pub bucket: crate::stats::Granularity,
    /// Offset from UTC of the buckets and of times written without a zone (`tz`, seconds).
    pub tz_offset: i32,
    /// K for the reports.
    pub min_count: u64,
    /// Rows per panel in the reports.
    pub top: usize,
    /// Labels kept per panel.
    pub capacity: usize,
    /// Differential-privacy noise for the reports (ε per published number).
    pub dp_epsilon: Option<f64>,
    /// Reports to write after each run, their format from the extension (.html .json .csv .md).
    pub reports: Vec<(PathBuf, crate::stats::report::ReportFormat)>,
    /// The period the reports cover: the nights counted within it (all without one).
    pub window: Option<Duration>,
    /// MaxMind DB files for the `country` and `network` panels (`stats --geoip`).
    pub geoip: Vec<PathBuf>,
}

impl Source {
    /// The source's name made safe for a file name (its statistics file): letters, digits,
    /// `.`, `_` and `-` kept, anything else `_`. Unique among a policy's sources.
    pub fn file_name(&self) -> String {
        file_name(&self.name)
    }

    /// True for a file still being written, which `run` never touches. With `live` globs, a
    /// name they match, and only that (the operator said which files are live); without them, a
    /// name without any sign of rotation (no date, no `.N` suffix, no compression suffix), or a
    /// name whose date names a period that has not ended yet (`access-2026-11-22.log` today).
    pub fn is_live(&self, name: &[u8], now: DateTime<Utc>) -> bool {
        if !self.live.is_empty() {
            return self.live.iter().any(|g| g.matches(name));
        }
        if let Some(end) = date::name_period_end(name) {
            return end > now;
        }
        let compressed = [".gz", ".zst", ".xz", ".bz2", ".Z", ".lz4"]
            .iter()
            .any(|s| name.ends_with(s.as_bytes()));
        let numbered = name
            .rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|last| !last.is_empty() && last.iter().all(u8::is_ascii_digit))
            && name.contains(&b'.');
        !(compressed || numbered)
    }
}

/// A whole policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The policy file.
    pub path: PathBuf,
    /// Where the state file and lock live.
    pub state_dir: PathBuf,
    /// A Prometheus textfile to write after each run.
    pub metrics: Option<PathBuf>,
    /// The sources, in file order.
    pub sources: Vec<Source>,
    /// Trend statistics, when the policy keeps them.
    pub statistics: Option<Statistics>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPolicy {
    state_dir: String,
    metrics: Option<String>,
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
    statistics: Option<Spanned<RawStatistics>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStatistics {
    key_file: String,
    bucket: Option<Spanned<String>>,
    tz: Option<Spanned<String>>,
    min_count: Option<u64>,
    top: Option<Spanned<usize>>,
    capacity: Option<Spanned<usize>>,
    dp_epsilon: Option<Spanned<f64>>,
    #[serde(default)]
    reports: Vec<Spanned<String>>,
    window: Option<Spanned<String>>,
    #[serde(default)]
    geoip: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSource {
    name: Spanned<String>,
    files: Vec<Spanned<String>>,
    #[serde(default)]
    live: Vec<Spanned<String>>,
    format: Option<Spanned<String>>,
    rules: Option<String>,
    mode: Option<String>,
    ipv4_prefix: Option<u8>,
    ipv6_prefix: Option<u8>,
    key_file: Option<String>,
    #[serde(default)]
    keep_net: Vec<String>,
    on_unparsed: Option<String>,
    anonymize_after: Option<Spanned<String>>,
    raw_retention: Option<Spanned<String>>,
    retention: Option<Spanned<String>>,
    #[serde(default)]
    keep_forever: Vec<Spanned<String>>,
    age_from: Option<Spanned<String>>,
    #[serde(default)]
    statistics: Option<Spanned<bool>>,
    #[serde(default)]
    reports: Vec<Spanned<String>>,
}

/// Reads and checks a policy file.
pub fn load(path: &Path) -> Result<Policy, PolicyError> {
    let text =
        crate::input::read_text(path, crate::input::CONFIG_MAX).map_err(|e| PolicyError {
            path: path.to_owned(),
            line: 0,
            col: 0,
            msg: format!("cannot read the policy file: {e}"),
        })?;
    parse(&text, path)
}

/// Checks policy text; relative paths are taken from `path`'s directory.
pub fn parse(text: &str, path: &Path) -> Result<Policy, PolicyError> {
    let err = |span: Option<Range<usize>>, msg: String| {
        let (line, col) = span.map_or((0, 0), |s| crate::input::line_col(text, s.start));
        PolicyError {
            path: path.to_owned(),
            line,
            col,
            msg,
        }
    };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        // serde's words for the commonest slip, `[source]` for `[[source]]`.
        let msg = match e.message() {
            m if m.contains("invalid type: map, expected a sequence") => format!(
                "{m} (a source is written [[source]], with two brackets: each is a table of its own)"
            ),
            m => m.to_string(),
        };
        err(e.span(), msg)
    })?;
    let base = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let abs = |p: &str| -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_owned()
        } else {
            base.join(p)
        }
    };
    // File-name globs; one the glob would read as literal text (`[` unclosed, `{a,b}`) is
    // refused: it would keep, or delete, nothing it was written for.
    let glob_of = |g: &Spanned<String>, key: &str| -> Result<NameGlob, PolicyError> {
        NameGlob::new(g.get_ref().as_bytes())
            .map_err(|m| err(Some(g.span()), format!("{key}: {m}")))
    };
    let globs = |v: &[Spanned<String>], key: &str| -> Result<Vec<NameGlob>, PolicyError> {
        v.iter().map(|g| glob_of(g, key)).collect()
    };
    let dur = |v: &Option<Spanned<String>>, key: &str, zero_ok: bool| {
        let Some(s) = v else { return Ok(None) };
        let d = date::parse_duration(s.get_ref()).map_err(|m| err(Some(s.span()), m))?;
        if !zero_ok && d <= Duration::zero() {
            return Err(err(
                Some(s.span()),
                format!("{key} of zero would delete every rotated file as soon as it appears"),
            ));
        }
        Ok(Some(d))
    };
    // Report files, their format from the extension.
    let reports_of = |v: &[Spanned<String>]| -> Result<Vec<_>, PolicyError> {
        use crate::stats::report::ReportFormat as F;
        let mut reports = Vec::new();
        for r in v {
            let p = abs(r.get_ref());
            let f = match p.extension().and_then(|e| e.to_str()) {
                Some("html" | "htm") => F::Html,
                Some("json") => F::Json,
                Some("csv") => F::Csv,
                Some("md") => F::Markdown,
                _ => {
                    return Err(err(
                        Some(r.span()),
                        "a report's format comes from its extension: .html, .json, .csv or .md"
                            .into(),
                    ));
                }
            };
            reports.push((p, f));
        }
        Ok(reports)
    };
    if raw.source.is_empty() {
        return Err(err(None, "no [[source]]: nothing to do".into()));
    }
    let mut sources = Vec::new();
    for s in &raw.source {
        let span = s.span();
        let s = s.get_ref();
        let name = s.name.get_ref().clone();
        if name.is_empty() || sources.iter().any(|o: &Source| o.name == name) {
            return Err(err(
                Some(s.name.span()),
                format!("source name `{name}` must be non-empty and unique"),
            ));
        }
        if let Some(o) = sources
            .iter()
            .find(|o: &&Source| o.file_name().eq_ignore_ascii_case(&file_name(&name)))
        {
            return Err(err(
                Some(s.name.span()),
                format!(
                    "source names `{}` and `{name}` are the same as a file name (`{}`, letter case aside): their statistics would share a file",
                    o.name,
                    file_name(&name)
                ),
            ));
        }
        if s.files.is_empty() {
            return Err(err(Some(span), format!("source `{name}` has no files")));
        }
        let mut files = Vec::new();
        for f in &s.files {
            let p = abs(f.get_ref());
            let (Some(dir), Some(file)) = (p.parent(), p.file_name()) else {
                return Err(err(
                    Some(f.span()),
                    "expected a directory and a file-name glob such as /var/log/nginx/access.log*"
                        .into(),
                ));
            };
            // A directory is taken as written (`app[1]/` is a name); `*` or `?` is a slip.
            if crate::glob::is_pattern(dir.as_os_str().as_encoded_bytes()) {
                return Err(err(
                    Some(f.span()),
                    "wildcards are allowed in the file name only, not in directories".into(),
                ));
            }
            let glob = NameGlob::new(file.as_encoded_bytes())
                .map_err(|m| err(Some(f.span()), format!("files: {m}")))?;
            files.push((dir.to_owned(), glob));
        }
        let anonymize_after = dur(&s.anonymize_after, "anonymize-after", true)?;
        let raw_retention = dur(&s.raw_retention, "raw-retention", false)?;
        let retention = dur(&s.retention, "retention", false)?;
        if let (Some(a), Some(r), Some(sp)) = (anonymize_after, raw_retention, &s.raw_retention)
            && a >= r
        {
            return Err(err(
                Some(sp.span()),
                "raw-retention must be longer than anonymize-after (raw files are anonymized first, then deleted only if that failed)".into(),
            ));
        }
        if anonymize_after.is_none() && raw_retention.is_none() {
            return Err(err(
                Some(span),
                format!(
                    "source `{name}` has neither anonymize-after nor raw-retention: its raw logs would be kept forever"
                ),
            ));
        }
        let age_from = match &s.age_from {
            None => AgeFrom::Auto,
            Some(v) => match v.get_ref().as_str() {
                "auto" => AgeFrom::Auto,
                "name" => AgeFrom::Name,
                "mtime" => AgeFrom::Mtime,
                other => {
                    return Err(err(
                        Some(v.span()),
                        format!("age-from `{other}`: expected auto, name or mtime"),
                    ));
                }
            },
        };
        // Checked here too, for the line and column (the flags' parser knows neither).
        if let Some(f) = &s.format
            && let Err(e) = crate::format::Format::from_spec(f.get_ref())
        {
            return Err(err(Some(f.span()), e.to_string()));
        }
        let statistics = s.statistics.as_ref().is_some_and(|v| *v.get_ref());
        if let Some(v) = &s.statistics
            && *v.get_ref()
        {
            if raw.statistics.is_none() {
                return Err(err(
                    Some(v.span()),
                    "statistics = true needs a [statistics] table (key-file, reports)".into(),
                ));
            }
            if anonymize_after.is_none() {
                return Err(err(
                    Some(v.span()),
                    "statistics are counted from each raw file just before it is anonymized: set anonymize-after".into(),
                ));
            }
        }
        if let Some(r) = s.reports.first()
            && !statistics
        {
            return Err(err(
                Some(r.span()),
                "a source's reports need statistics = true on it".into(),
            ));
        }
        let reports = reports_of(&s.reports)?;
        sources.push(Source {
            name,
            files,
            live: globs(&s.live, "live")?,
            anonymize: Anonymize {
                format: s.format.as_ref().map(|f| f.get_ref().clone()),
                // `builtin:NAME` is a built-in rule set, no path.
                rules: s.rules.as_deref().map(|r| {
                    if r.starts_with("builtin:") {
                        PathBuf::from(r)
                    } else {
                        abs(r)
                    }
                }),
                mode: s.mode.clone(),
                ipv4_prefix: s.ipv4_prefix,
                ipv6_prefix: s.ipv6_prefix,
                key_file: s.key_file.as_deref().map(abs),
                keep_net: s.keep_net.clone(),
                on_unparsed: s.on_unparsed.clone(),
            },
            anonymize_after,
            raw_retention,
            retention,
            keep_forever: globs(&s.keep_forever, "keep-forever")?,
            age_from,
            statistics,
            reports,
        });
    }
    let statistics = match &raw.statistics {
        None => None,
        Some(st) => {
            let st = st.get_ref();
            let bucket = match st.bucket.as_ref().map(|b| (b.get_ref().as_str(), b.span())) {
                None | Some(("day", _)) => crate::stats::Granularity::Day,
                Some(("hour", _)) => crate::stats::Granularity::Hour,
                Some((other, span)) => {
                    return Err(err(
                        Some(span),
                        format!("bucket `{other}`: expected day or hour"),
                    ));
                }
            };
            let tz_offset = match &st.tz {
                None => 0,
                Some(t) => crate::stats::time::parse_offset(t.get_ref()).ok_or_else(|| {
                    err(
                        Some(t.span()),
                        format!(
                            "tz `{}`: expected an offset such as +01:00, -05:00 or UTC",
                            t.get_ref()
                        ),
                    )
                })?,
            };
            let reports = reports_of(&st.reports)?;
            let dp_epsilon = match &st.dp_epsilon {
                Some(e) if !crate::stats::report::valid_epsilon(*e.get_ref()) => {
                    return Err(err(
                        Some(e.span()),
                        format!(
                            "dp-epsilon must be a positive number, at least {}",
                            crate::stats::report::MIN_EPSILON
                        ),
                    ));
                }
                e => e.as_ref().map(|e| *e.get_ref()),
            };
            let capacity = match &st.capacity {
                Some(c) => crate::stats::topk::check_capacity(*c.get_ref())
                    .map_err(|m| err(Some(c.span()), m))?,
                None => crate::defaults::CAPACITY,
            };
            Some(Statistics {
                dp_epsilon,
                key_file: abs(&st.key_file),
                bucket,
                tz_offset,
                min_count: st.min_count.unwrap_or(crate::defaults::MIN_COUNT),
                top: match &st.top {
                    Some(t) => crate::stats::report::check_top(*t.get_ref())
                        .map_err(|m| err(Some(t.span()), m))?,
                    None => crate::defaults::TOP,
                },
                capacity,
                reports,
                geoip: st.geoip.iter().map(|g| abs(g)).collect(),
                window: match dur(&st.window, "window", true)? {
                    Some(w) if w < Duration::days(1) => {
                        return Err(err(
                            st.window.as_ref().map(|w| w.span()),
                            "window must be at least a day (`90d`): reports cover whole nights"
                                .into(),
                        ));
                    }
                    w => w,
                },
            })
        }
    };
    if statistics.is_some() && !sources.iter().any(|s| s.statistics) {
        return Err(err(
            raw.statistics.as_ref().map(Spanned::span),
            "[statistics] is set but no source has statistics = true".into(),
        ));
    }
    Ok(Policy {
        path: path.to_owned(),
        state_dir: abs(&raw.state_dir),
        metrics: raw.metrics.as_deref().map(abs),
        sources,
        statistics,
    })
}

/// See [`Source::file_name`].
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
