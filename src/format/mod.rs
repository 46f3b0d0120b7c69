//! Log formats: how a line is split into fields, and which field is the client.
//!
//! A format never decides what leaves logscrub raw: the anonymizer scans every byte of every
//! line whatever the format said (see `crate::anonymize::scan`). The format decides whether a
//! line is *parsed* (counted, `--on-unparsed`, `--strict`), where the client field is (a client
//! written as a host name instead of an address is redacted), and, for later stages, the fields.
//!
//! The formats: `raw`, the web formats (`common`, `combined`, `vhost_combined`, Apache and
//! nginx format strings in [`template`], JSON lines in [`json`]) and the DNS servers' query logs
//! in [`dns`] (BIND, Unbound, dnsmasq, CoreDNS, PowerDNS, dnsdist, DoH, also inside collector
//! wrappers). `auto` samples the first lines of the input and picks the format that matches most
//! of them (ties go to the more specific format); when none matches, it picks `raw`, which
//! assumes no structure and scrubs every address wherever it is.

pub mod aws;
pub mod cloudfront;
pub mod dns;
pub mod fields;
pub mod gcs;
pub mod haproxy;
pub mod json;
pub mod squid;
pub mod template;
pub mod w3c;

pub use fields::{Fields, Name, Std};

use std::fmt;

use template::Template;

/// The host of a URL (`https://user@www.example.com:8443/a?b` gives `www.example.com:8443`,
/// credentials dropped) and where its `scheme://` ends; `None` when `v` has no `scheme://`.
/// One reading of referrers for the rules' `referrer-site` and for statistics.
pub fn url_host(v: &[u8]) -> Option<(usize, &[u8])> {
    // Most referrers are `https://` or `http://`: no search for the scheme's end.
    let sep = if v.starts_with(b"https://") {
        5
    } else if v.starts_with(b"http://") {
        4
    } else {
        let sep = crate::bytes::find_scheme_sep(v)?;
        if sep == 0
            || !v[..sep]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            return None;
        }
        sep
    };
    let start = sep + 3;
    // One pass to the end of the authority, noting its last `@` (credentials end there).
    let (mut end, mut at) = (v.len(), start);
    for (k, &b) in v.iter().enumerate().skip(start) {
        match b {
            b'/' | b'?' | b'#' => {
                end = k;
                break;
            }
            b'@' => at = k + 1,
            _ => {}
        }
    }
    Some((start, &v[at..end]))
}

/// The unit a format writes its `duration` field in. Web formats differ: nginx's
/// `$request_time`, CloudFront's `time-taken`, Caddy's `duration` and ALB's processing times
/// are seconds; Apache's `%D` and Cloud Storage's `time_taken_micros` microseconds; IIS's
/// `time-taken`, Squid's elapsed time, HAProxy's timers, S3's total time and Traefik's duration
/// milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    /// Seconds, maybe with a fraction (`0.001`).
    Seconds,
    /// Milliseconds.
    Millis,
    /// Microseconds.
    Micros,
    /// Nanoseconds.
    Nanos,
}

impl DurationUnit {
    /// A duration as written (`0.046`, `46`, `+5007`), in microseconds; `None` for anything else
    /// (`-`, `-1`: no response).
    pub fn micros(self, v: &[u8]) -> Option<u64> {
        let v = v.strip_prefix(b"+").unwrap_or(v);
        let dot = v.iter().position(|&b| b == b'.').unwrap_or(v.len());
        let (int, frac) = (&v[..dot], v.get(dot + 1..).unwrap_or_default());
        if int.is_empty() && frac.is_empty()
            || int.len() > 12
            || !int.iter().chain(frac).all(u8::is_ascii_digit)
        {
            return None;
        }
        let int = int.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        // Nanoseconds per unit; the fraction to nine digits.
        let per = match self {
            DurationUnit::Seconds => 1_000_000_000,
            DurationUnit::Millis => 1_000_000,
            DurationUnit::Micros => 1_000,
            DurationUnit::Nanos => 1,
        };
        let digits = frac.len().min(9);
        let frac = frac[..digits]
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'))
            * 10u64.pow(9 - digits as u32);
        let nanos = int
            .checked_mul(per)?
            .checked_add(frac * per / 1_000_000_000)?;
        Some(nanos / 1000)
    }
}

/// A selected log format.
#[derive(Debug, Clone)]
pub enum Format {
    /// No structure: every line is accepted as is (and scrubbed).
    Raw,
    /// One JSON object per line.
    Json,
    /// A DNS server's query log.
    Dns(dns::Server),
    /// Squid's native access.log.
    Squid,
    /// Amazon's load-balancer and S3 access logs.
    Aws(aws::Aws),
    /// Amazon CloudFront standard access logs (tab-separated).
    Cloudfront,
    /// HAProxy `option httplog` and `option tcplog` lines, raw or through syslog.
    Haproxy,
    /// Google Cloud Storage usage logs (CSV).
    Gcs,
    /// The W3C extended log format (IIS), columns from its `#Fields:` directives.
    W3c,
    /// A format string (`common`, `combined`, `vhost_combined`, `apache:...`, `nginx:...`).
    Template {
        /// The name shown to the user.
        name: String,
        /// The compiled format string.
        template: Template,
    },
}

/// The format of an input: the fixed one, or what the first piece of it looks like (`auto`).
/// Says on `log` when nothing matched (unless `quiet`) or what was chosen (when `verbose`).
pub fn choose(
    choice: &FormatChoice,
    first_piece: &[u8],
    name: &str,
    quiet: bool,
    verbose: bool,
    log: &mut dyn std::io::Write,
) -> Format {
    match choice {
        FormatChoice::Fixed(f) => f.clone(),
        FormatChoice::Auto => {
            let d = Format::detect(
                first_piece
                    .split(|&b| b == b'\n')
                    .map(|l| l.strip_suffix(b"\r").unwrap_or(l)),
            );
            if d.sampled > 0 && d.matched == 0 && !quiet {
                let _ = writeln!(
                    log,
                    "logscrub: {name}: no known format matches the first lines; treating it as raw text (every address is still scrubbed)"
                );
            } else if verbose {
                let _ = writeln!(
                    log,
                    "logscrub: {name}: format {} ({} of {} sample lines matched)",
                    d.format, d.matched, d.sampled
                );
            }
            d.format
        }
    }
}

/// What `--format` asked for.
#[derive(Debug, Clone)]
pub enum FormatChoice {
    /// Decide from the first lines.
    Auto,
    /// This one.
    Fixed(Format),
}

/// A `--format` value that is not a format.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(
        "unknown format `{0}`; expected one of auto, raw, common, combined, vhost_combined, json, squid, elb, alb, s3, cloudfront, w3c, gcs, haproxy, traefik, caddy, apache:FORMAT, nginx:FORMAT, goaccess:FORMAT, bind, unbound, dnsmasq, coredns, powerdns, dnsdist, doh, syslog (see `logscrub formats`)"
    )]
    Unknown(String),
    #[error("in `{spec}`: {source}")]
    Template {
        spec: String,
        #[source]
        source: template::TemplateError,
    },
}

/// The built-in formats, in detection order (most specific first), with an example line each.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "vhost_combined",
        r#"www.example.com:443 192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 5123 "https://www.example.org/" "Mozilla/5.0 (X11; Linux x86_64)""#,
    ),
    (
        "traefik",
        r#"192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 5123 "-" "curl/8.5.0" 12 "web@docker" "http://198.51.100.80:80" 3ms"#,
    ),
    (
        "combined",
        r#"192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 5123 "https://www.example.org/" "Mozilla/5.0 (X11; Linux x86_64)""#,
    ),
    (
        "common",
        r#"192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 5123"#,
    ),
    (
        "json",
        r#"{"ts":1791640536.1,"request":{"remote_ip":"192.0.2.17","method":"GET","uri":"/"},"status":200}"#,
    ),
    (
        "squid",
        "1791640536.123    177 192.0.2.17 TCP_MISS/200 1527 GET http://www.example.com/index.html - HIER_DIRECT/198.51.100.10 text/html",
    ),
    (
        "elb",
        r#"2026-10-10T13:55:36.945958Z my-loadbalancer 192.0.2.17:2817 198.51.100.10:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#,
    ),
    (
        "alb",
        r#"https 2026-10-10T13:55:36.186641Z app/my-lb/50dc6c495c0c9188 192.0.2.17:2817 198.51.100.10:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "-" 0 2026-10-10T13:55:36.100000Z "forward" "-" "-" "198.51.100.10:80" "200" "-" "-""#,
    ),
    (
        "s3",
        r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be example-bucket [10/Oct/2026:13:55:36 +0000] 192.0.2.17 - 3E57427F3EXAMPLE REST.GET.OBJECT photo.jpg "GET /example-bucket/photo.jpg HTTP/1.1" 200 - 2662992 3462992 70 10 "-" "curl/8.5.0" - AbCd= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader example-bucket.s3.amazonaws.com TLSv1.2 - -"#,
    ),
    (
        "cloudfront",
        "2026-10-10\t13:55:36\tSEA19-C1\t2390\t192.0.2.17\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tcurl/8.5.0\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\twww.example.com\thttps\t157\t0.001\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t53142\t0.001\tHit\ttext/html\t2390\t-\t-",
    ),
    (
        "w3c",
        "2026-10-10 13:55:36 198.51.100.10 GET /index.html - 443 - 192.0.2.17 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://www.example.org/ 200 0 0 46",
    ),
    (
        "gcs",
        r#""1791640536123456","192.0.2.17","1","","GET","/storage/v1/b/example-bucket/o/report.pdf?alt=media","200","0","52210","12000","storage.googleapis.com","","curl/8.5.0","AB12","GET_Object","example-bucket","report.pdf""#,
    ),
    (
        "haproxy",
        r#"Oct 10 13:55:36 lb1 haproxy[14389]: 192.0.2.17:33317 [10/Oct/2026:13:55:36.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET /index.html HTTP/1.1""#,
    ),
    (
        "raw",
        "anything at all: 192.0.2.17 and [2001:db8::17]:443 are scrubbed wherever they are",
    ),
];

impl Format {
    /// Looks up a built-in format or compiles `apache:...` / `nginx:...`.
    pub fn from_spec(spec: &str) -> Result<FormatChoice, FormatError> {
        let tpl = |name: &str, t: Result<Template, template::TemplateError>| {
            t.map(|template| {
                FormatChoice::Fixed(Format::Template {
                    name: name.to_string(),
                    template,
                })
            })
            .map_err(|source| FormatError::Template {
                spec: spec.to_string(),
                source,
            })
        };
        match spec {
            "auto" => Ok(FormatChoice::Auto),
            "raw" => Ok(FormatChoice::Fixed(Format::Raw)),
            "json" => Ok(FormatChoice::Fixed(Format::Json)),
            "squid" => Ok(FormatChoice::Fixed(Format::Squid)),
            "elb" => Ok(FormatChoice::Fixed(Format::Aws(aws::Aws::Elb))),
            "alb" => Ok(FormatChoice::Fixed(Format::Aws(aws::Aws::Alb))),
            "s3" => Ok(FormatChoice::Fixed(Format::Aws(aws::Aws::S3))),
            "cloudfront" => Ok(FormatChoice::Fixed(Format::Cloudfront)),
            "haproxy" => Ok(FormatChoice::Fixed(Format::Haproxy)),
            "gcs" => Ok(FormatChoice::Fixed(Format::Gcs)),
            "w3c" | "iis" => Ok(FormatChoice::Fixed(Format::W3c)),
            "common" => tpl("common", Template::apache(template::COMMON)),
            "combined" => tpl(
                "combined",
                Template::apache(template::COMBINED).map(Template::lenient),
            ),
            "vhost_combined" => tpl(
                "vhost_combined",
                Template::apache(template::VHOST_COMBINED).map(Template::lenient),
            ),
            "traefik" => tpl("traefik", Template::nginx(template::TRAEFIK)),
            // Caddy logs JSON (`ts` as float seconds or, with `time_format`, ISO 8601).
            "caddy" => Ok(FormatChoice::Fixed(Format::Json)),
            _ if dns::Server::from_name(spec).is_some() => Ok(FormatChoice::Fixed(Format::Dns(
                dns::Server::from_name(spec).expect("checked"),
            ))),
            _ => {
                if let Some(f) = spec.strip_prefix("apache:") {
                    tpl(spec, Template::apache(f))
                } else if let Some(f) = spec.strip_prefix("nginx:") {
                    tpl(spec, Template::nginx(f))
                } else if let Some(f) = spec.strip_prefix("goaccess:") {
                    match template::goaccess_named(f) {
                        Some(ours) if !ours.starts_with("goaccess:") => Format::from_spec(ours),
                        Some(ours) => tpl(spec, Template::goaccess(&ours["goaccess:".len()..])),
                        None => tpl(spec, Template::goaccess(f)),
                    }
                } else {
                    Err(FormatError::Unknown(spec.to_string()))
                }
            }
        }
    }

    fn builtin(name: &str) -> Format {
        match Format::from_spec(name) {
            Ok(FormatChoice::Fixed(f)) => f,
            _ => unreachable!("built-in format {name} compiles"),
        }
    }

    /// Parses one line (without its line ending) into `fields` (cleared first). Err(0-based
    /// column) where the line stopped matching.
    pub fn parse(&self, line: &[u8], fields: &mut Fields) -> Result<(), usize> {
        fields.clear();
        match self {
            Format::Raw => Ok(()),
            Format::Json => json::parse(line, fields),
            Format::Squid => squid::parse(line, fields),
            Format::Aws(a) => a.parse(line, fields),
            Format::Cloudfront => cloudfront::parse(line, fields),
            Format::Haproxy => haproxy::parse(line, fields),
            Format::Gcs => gcs::parse(line, fields),
            Format::W3c => w3c::parse(line, fields),
            Format::Dns(server) => server.parse(line, fields),
            Format::Template { template, .. } => template.parse(line, fields),
        }
    }

    /// The unit of the `duration` field of web lines, for formats that have one.
    pub fn duration_unit(&self) -> Option<DurationUnit> {
        match self {
            Format::Json | Format::Cloudfront => Some(DurationUnit::Seconds),
            Format::Aws(aws::Aws::Elb | aws::Aws::Alb) => Some(DurationUnit::Seconds),
            Format::Aws(aws::Aws::S3) | Format::Squid | Format::Haproxy | Format::W3c => {
                Some(DurationUnit::Millis)
            }
            Format::Gcs => Some(DurationUnit::Micros),
            Format::Template { template, .. } => template.duration_unit(),
            Format::Raw | Format::Dns(_) => None,
        }
    }

    /// The prefix of the lines that change how the lines after them are read (W3C's
    /// `#Fields:`), which the chunker follows so each piece starts with the one in effect
    /// ([`crate::input::Chunker::follow`]); `None` for formats without such state.
    pub fn directive(&self) -> Option<&'static [u8]> {
        match self {
            Format::W3c => Some(b"#Fields:"),
            _ => None,
        }
    }

    /// Readies `fields` for the lines of a piece: `header` is the last directive before the
    /// piece ([`Format::directive`]), `None` at the start of the input. Call it before the
    /// first line of each piece of whole lines.
    pub fn start_piece(&self, header: Option<&[u8]>, fields: &mut Fields) {
        if let Format::W3c = self {
            w3c::start(header, fields);
        }
    }

    /// The text name of a field this format reported.
    pub fn field_name(&self, n: Name) -> String {
        match (self, n) {
            (Format::Template { template, .. }, n) => template.field_name(n).to_string(),
            (_, Name::Std(s)) => s.name().to_string(),
            (_, Name::Custom(i)) => format!("field{i}"),
        }
    }

    /// Picks the format that matches most of `sample` (lines without endings; empty ones are
    /// ignored). Returns the format and how many sample lines it matched out of how many.
    pub fn detect<'a>(sample: impl IntoIterator<Item = &'a [u8]>) -> Detected {
        let lines: Vec<&[u8]> = sample
            .into_iter()
            .filter(|l| !l.is_empty())
            .take(64)
            .collect();
        let mut spans = Fields::default();
        let mut best = (Format::Raw, 0usize);
        let names = BUILTIN
            .iter()
            .map(|(n, _)| *n)
            .chain(dns::SERVERS.iter().map(|(n, _, _)| *n));
        for name in names.filter(|n| *n != "raw") {
            let f = Format::builtin(name);
            f.start_piece(None, &mut spans);
            // A server's own messages count only beside requests or queries it understood:
            // many daemons' banners look alike. In a shared syslog file the tag names the
            // program, so a DNS daemon's banner there is evidence of its own.
            let syslog = matches!(f, Format::Dns(dns::Server::Syslog));
            // Any JSON object parses as `json`: it counts when it holds a request's field, so
            // that a journald export or a Docker json-file log of a DNS server is matched by
            // the server's format inside the wrapper (an adversarial review: `json` won with
            // 100 %, and statistics counted nothing).
            let json = matches!(f, Format::Json);
            let (mut hits, mut messages) = (0, 0);
            for l in &lines {
                if f.parse(l, &mut spans).is_ok() {
                    if json
                        && ![
                            Std::Client,
                            Std::Request,
                            Std::Path,
                            Std::Status,
                            Std::Method,
                        ]
                        .iter()
                        .any(|&n| spans.has(n))
                    {
                        continue;
                    }
                    if spans.has(Std::Message) && !(syslog && dns::dns_program_line(l)) {
                        messages += 1;
                    } else {
                        hits += 1;
                    }
                }
            }
            let hits = if hits > 0 { hits + messages } else { 0 };
            if hits > best.1 {
                best = (f, hits);
            }
        }
        Detected {
            format: best.0,
            matched: best.1,
            sampled: lines.len(),
        }
    }
}

/// The text of `logscrub formats`: every built-in format with an example line before and after
/// default truncation (/24, /48).
pub fn listing() -> String {
    use crate::anonymize::{Anonymizer, Cache, Scheme};
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, Vec::new());
    let mut s = String::new();
    let all = BUILTIN
        .iter()
        .copied()
        .chain(dns::SERVERS.iter().map(|(n, _, e)| (*n, *e)));
    for (name, example) in all {
        let mut out = Vec::new();
        a.rewrite_line(example.as_bytes(), b'\n', &mut out, &mut Cache::default());
        s += &format!(
            "{name}\n  in:  {example}\n  out: {}\n\n",
            String::from_utf8_lossy(&out)
        );
    }
    s += "apache:FORMAT  an Apache LogFormat string, e.g. apache:%h %l %u %t \"%r\" %>s %b\n";
    s += "nginx:FORMAT   an nginx log_format string, e.g. nginx:$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent\n";
    s += "goaccess:FORMAT  a GoAccess log-format string or name, e.g. goaccess:%h %^[%d:%t %^] \"%r\" %s %b, goaccess:VCOMBINED\n";
    s
}

/// The outcome of format detection.
#[derive(Debug, Clone)]
pub struct Detected {
    /// The chosen format (`raw` when nothing matched).
    pub format: Format,
    /// Sample lines it matched.
    pub matched: usize,
    /// Non-empty sample lines looked at.
    pub sampled: usize,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::Raw => f.write_str("raw"),
            Format::Json => f.write_str("json"),
            Format::Squid => f.write_str("squid"),
            Format::Aws(a) => f.write_str(a.name()),
            Format::Cloudfront => f.write_str("cloudfront"),
            Format::Haproxy => f.write_str("haproxy"),
            Format::Gcs => f.write_str("gcs"),
            Format::W3c => f.write_str("w3c"),
            Format::Dns(s) => f.write_str(s.name()),
            Format::Template { name, .. } => f.write_str(name),
        }
    }
}

/// For the parsers' property tests: line `which` of `fixtures` (cycling), its byte `at` (when
/// there is one) set to `byte`, cut to `cut` bytes (at least one).
#[cfg(test)]
pub(crate) fn mutated_line(
    fixtures: &[&str],
    which: usize,
    at: usize,
    byte: u8,
    cut: usize,
) -> Vec<u8> {
    let lines: Vec<&str> = fixtures.iter().flat_map(|f| f.lines()).collect();
    let mut line = lines[which % lines.len()].as_bytes().to_vec();
    if at < line.len() {
        line[at] = byte;
    }
    line.truncate(cut.max(1));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A URL's host: credentials dropped, port kept, any scheme.
    #[test]
    fn url_hosts() {
        for (url, want) in [
            (
                "https://user@www.example.com:8443/a?b",
                Some((8, "www.example.com:8443")),
            ),
            ("http://www.example.com", Some((7, "www.example.com"))),
            ("https://a@b@host.example/x", Some((8, "host.example"))),
            ("https://host.example?q=/x", Some((8, "host.example"))),
            ("https://host.example#top", Some((8, "host.example"))),
            ("https://[2001:db8::1]:443/", Some((8, "[2001:db8::1]:443"))),
            ("HTTP://Host.Example/x", Some((7, "Host.Example"))),
            (
                "android-app://com.example.reader/",
                Some((14, "com.example.reader")),
            ),
            ("git+ssh://h.example/r", Some((10, "h.example"))),
            ("https://", Some((8, ""))),
            ("//host.example/x", None),
            ("https:/host.example", None),
            ("a b://host.example", None),
            ("-", None),
            ("mailto:user@example.com", None),
        ] {
            let got = url_host(url.as_bytes()).map(|(k, h)| (k, std::str::from_utf8(h).unwrap()));
            assert_eq!(got, want, "{url}");
        }
    }

    #[test]
    fn every_builtin_example_parses_with_its_format_and_is_detected() {
        for (name, example) in BUILTIN {
            let f = Format::builtin(name);
            assert!(
                f.parse(example.as_bytes(), &mut Fields::default()).is_ok(),
                "{name}"
            );
            let d = Format::detect([example.as_bytes()]);
            assert_eq!(d.format.to_string(), *name, "detect {name}");
        }
    }

    #[test]
    fn detection_majority_and_fallback() {
        let example = |name: &str| {
            BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap()
                .1
                .as_bytes()
        };
        let (c, j) = (example("combined"), example("json"));
        let d = Format::detect([c, j, c, b"".as_slice(), b"noise"]);
        assert_eq!(
            (d.format.to_string().as_str(), d.matched, d.sampled),
            ("combined", 2, 4)
        );
        let d = Format::detect([b"hello".as_slice(), b"world"]);
        assert_eq!((d.format.to_string().as_str(), d.matched), ("raw", 0));
    }

    #[test]
    fn specs() {
        assert!(matches!(Format::from_spec("auto"), Ok(FormatChoice::Auto)));
        assert!(Format::from_spec("nginx:$remote_addr [$time_local]").is_ok());
        let e = Format::from_spec("apache:%h %Q").unwrap_err().to_string();
        assert_eq!(
            e,
            "in `apache:%h %Q`: format string, column 4: unknown directive `%Q`"
        );
        // GoAccess's names: its predefined formats as ours, VCOMMON as its string.
        for (name, ours) in [
            ("goaccess:COMBINED", "combined"),
            ("goaccess:W3C", "w3c"),
            ("goaccess:AWSALB", "alb"),
            ("goaccess:CLOUDSTORAGE", "gcs"),
            ("goaccess:TRAEFIKCLF", "traefik"),
            ("goaccess:VCOMMON", "goaccess:VCOMMON"),
            ("goaccess:%h [%x] %s", "goaccess:%h [%x] %s"),
        ] {
            let Ok(FormatChoice::Fixed(f)) = Format::from_spec(name) else {
                panic!("{name}")
            };
            assert_eq!(f.to_string(), ours);
        }
        let e = Format::from_spec("bind9").unwrap_err().to_string();
        assert!(e.starts_with("unknown format `bind9`"));
        // The error names every format, the DNS servers too (issue 22).
        for (name, ..) in dns::SERVERS {
            assert!(e.contains(name), "{name} missing from: {e}");
        }
    }

    #[test]
    fn durations_in_each_unit() {
        use DurationUnit::*;
        for (unit, v, want) in [
            (Seconds, "0.001", Some(1000)),
            (Seconds, "0.000073", Some(73)),
            (Seconds, "12", Some(12_000_000)),
            (Seconds, ".5", Some(500_000)),
            (Millis, "46", Some(46_000)),
            (Millis, "+5007", Some(5_007_000)),
            (Millis, "1.5", Some(1500)),
            (Micros, "59022", Some(59_022)),
            (Nanos, "1520000", Some(1520)),
            (Seconds, "-1", None),
            (Seconds, "-", None),
            (Seconds, "", None),
            (Seconds, ".", None),
            (Millis, "3ms", None),
            (Seconds, "99999999999999999", None),
        ] {
            assert_eq!(unit.micros(v.as_bytes()), want, "{unit:?} {v}");
        }
        // Every format that writes a duration says its unit; templates by their directive.
        let unit = |spec: &str| match Format::from_spec(spec) {
            Ok(FormatChoice::Fixed(f)) => f.duration_unit(),
            _ => panic!("{spec}"),
        };
        assert_eq!(unit("combined"), None);
        assert_eq!(unit("apache:%h %t %D"), Some(Micros));
        assert_eq!(unit("apache:%h %t %{ms}T"), Some(Millis));
        assert_eq!(unit("apache:%h %t %T"), Some(Seconds));
        assert_eq!(
            unit("nginx:$remote_addr [$time_local] $request_time"),
            Some(Seconds)
        );
        assert_eq!(unit("traefik"), Some(Millis));
        assert_eq!(unit("goaccess:%h [%x] %L"), Some(Millis));
        assert_eq!(unit("goaccess:%h [%x] %n"), Some(Nanos));
        assert_eq!(unit("w3c"), Some(Millis));
        assert_eq!(unit("gcs"), Some(Micros));
        assert_eq!(unit("bind"), None);
    }

    #[test]
    fn client_span_per_format() {
        let mut s = Fields::default();
        let f = Format::builtin("combined");
        let combined = BUILTIN.iter().find(|(n, _)| *n == "combined").unwrap().1;
        assert_eq!(f.parse(combined.as_bytes(), &mut s), Ok(()));
        assert_eq!(s.get(Std::Client), Some((0, 10)));
        assert_eq!(Format::Raw.parse(b"x", &mut s), Ok(()));
        assert!(s.is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Two spans of a web line that overlap are one in the other, the one recorded first
        /// around the later (a request and its parts), or the same span: rules rely on it
        /// (`RulePlan::wanted`). Real lines and lines changed and cut at random.
        #[test]
        fn web_spans_nest_in_their_order(
            which in 0usize..10_000,
            cut in 0usize..600,
            at in 0usize..600,
            byte in proptest::prelude::any::<u8>(),
        ) {
            let fixtures = [
                include_str!("../../testdata/web/combined.log"),
                include_str!("../../testdata/web/common.log"),
                include_str!("../../testdata/web/vhost_combined.log"),
                include_str!("../../testdata/web/caddy.json"),
                include_str!("../../testdata/web/squid.log"),
                include_str!("../../testdata/web/elb.log"),
                include_str!("../../testdata/web/alb.log"),
                include_str!("../../testdata/web/s3.log"),
                include_str!("../../testdata/web/cloudfront.log"),
                include_str!("../../testdata/web/gcs.log"),
                include_str!("../../testdata/web/haproxy.log"),
                include_str!("../../testdata/web/traefik.log"),
                include_str!("../../testdata/web/iis.log"),
                include_str!("../../testdata/web/nginx-xff.log"),
                include_str!("../../testdata/web/doh-frontend.log"),
                include_str!("../../testdata/real/web/apache-combined.log"),
                include_str!("../../testdata/real/web/apache-xff.log"),
                include_str!("../../testdata/real/web/apache-vhost.log"),
                include_str!("../../testdata/real/web/nginx-combined.log"),
                include_str!("../../testdata/real/web/nginx-json.log"),
                include_str!("../../testdata/real/web/nginx-main-xff.log"),
            ];
            let line = mutated_line(&fixtures, which, at, byte, cut);
            for (name, _) in BUILTIN.iter().filter(|(n, _)| *n != "raw") {
                let format = Format::builtin(name);
                let mut f = Fields::default();
                format.start_piece(None, &mut f);
                if format.parse(&line, &mut f).is_err() {
                    continue;
                }
                fields::split_request(&line, &mut f);
                let spans: Vec<(usize, usize)> = f.iter().map(|(_, a, b)| (a, b)).collect();
                for (i, x) in spans.iter().enumerate() {
                    for y in &spans[i + 1..] {
                        let overlap = x.0 < y.1 && y.0 < x.1;
                        proptest::prop_assert!(
                            !overlap || x == y || (x.0 <= y.0 && y.1 <= x.1),
                            "{name}: {x:?} before {y:?} in {:?}", String::from_utf8_lossy(&line)
                        );
                    }
                }
            }
        }
    }
}
