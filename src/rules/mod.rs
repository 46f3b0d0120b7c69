//! Rule files: a privacy policy in a form a machine applies and a person can review.
//!
//! A rule file is TOML (the format operators already read in Cargo, systemd-adjacent tools and
//! many daemons; comments let each rule say which promise it keeps). It compiles once into a
//! [`RuleSet`]: per-field actions, a keep-only list, line filters and address settings. The hot
//! loop applies a rule set by turning fields into *edits* for the single rewrite pass that also
//! rewrites addresses (see `crate::pipeline`), so rules cost no extra pass over the line.
//!
//! ```toml
//! [addresses]                       # optional: the address scheme, so one file states the policy
//! mode = "truncate"                 # truncate, hash, cryptopan, ipcrypt-det, ipcrypt-pfx,
//!                                   # ipcrypt-nd, ipcrypt-ndx or ipcipher
//! ipv4-prefix = 24
//! ipv6-prefix = 48
//! keep-net = ["192.0.2.0/24"]
//! key-file = "/etc/logscrub/key"    # for mode = "hash" and the hash action
//!
//! [fields]                          # one action per field
//! user = "drop"
//! user_agent = "user-agent-family"
//! referrer = "referrer-site"
//! request = { redact-params = ["email", "token", "session*"] }
//!
//! [keep-only]                       # optional: every field not listed is dropped
//! fields = ["time", "request", "status", "bytes"]
//!
//! [[exclude]]                       # optional, repeatable: lines left out (counted)
//! path = "^/health"
//! ```
//!
//! Errors carry `line:column` of the offending key or value and say what was expected; every
//! problem in a file is reported, not only the first.

pub mod actions;
pub mod compile;
mod plan;
pub mod ua;

pub use compile::{RuleError, RulesError, compile, load};
pub use plan::{RulePlan, Scratch as RuleScratch};

use std::net::IpAddr;
use std::path::PathBuf;

use ipnet::IpNet;

use crate::format::Std;

/// What to do with one field.
#[derive(Debug, Clone)]
pub enum Action {
    /// Leave it as it is (addresses in it are still rewritten).
    Keep,
    /// Replace it by `-`, the empty value of log formats.
    Drop,
    /// Replace it by a keyed hash (16 hex digits of HMAC-SHA256).
    Hash,
    /// Rewrite the addresses in it with these prefixes instead of the global ones.
    TruncateIp { v4: u8, v6: u8 },
    /// Remove the query string (`?…`) from a URL, path or request line.
    StripQuery,
    /// Blank the values of the query parameters whose names match these names or globs.
    RedactParams(Vec<Glob>),
    /// Keep only the scheme and host (and port) of a URL.
    ReferrerSite,
    /// Reduce a user agent to browser family and major version, OS family, and a bot flag.
    UserAgentFamily,
    /// Reduce a DNS name.
    QnameReduce(Reduce),
    /// Replace every match of a regex.
    Replace {
        regex: regex::bytes::Regex,
        with: Vec<u8>,
    },
    /// Replace values found in this table (others stay).
    Map(Vec<(Vec<u8>, Vec<u8>)>),
}

/// How far `qname-reduce` reduces a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    /// The registered domain (public-suffix aware): `www.example.co.uk` → `example.co.uk`.
    RegisteredDomain,
    /// The top-level domain: `www.example.co.uk` → `uk`.
    Tld,
    /// The last N labels.
    Labels(u8),
}

/// A parameter name or a glob with `*` (any run of characters) and `?` (one character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob(pub Vec<u8>);

impl Glob {
    /// True when `name` matches (ASCII case-insensitive).
    pub fn matches(&self, name: &[u8]) -> bool {
        crate::glob::matches(&self.0, name, true)
    }
}

/// One `[[exclude]]` block: a line is left out when every condition in the block holds.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    /// HTTP status codes or classes (`3xx` is stored as 300..=399).
    pub status: Vec<(u16, u16)>,
    /// A regex the path (or, without one, the request line) must match.
    pub path: Option<regex::bytes::Regex>,
    /// The paths `path` matches, when it is an anchored list of plain words
    /// (`^/(health|status)$`, see [`exact_paths`]): compared instead of running the regex.
    pub path_exact: Option<Vec<Vec<u8>>>,
    /// Networks the client address must be in.
    pub client: Vec<IpNet>,
    /// The user agent must (true) or must not (false) be a bot.
    pub bot: Option<bool>,
    /// Suffixes one of which the query name must end with (label-aligned).
    pub qname_suffix: Vec<Vec<u8>>,
}

/// Address settings of a rule file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addresses {
    /// The scheme (`truncate`, `hash`, `cryptopan`, `ipcrypt-pfx`, …).
    pub scheme: Option<crate::anonymize::SchemeKind>,
    /// Bits kept of IPv4 addresses.
    pub v4: Option<u8>,
    /// Bits kept of IPv6 addresses.
    pub v6: Option<u8>,
    /// Networks left untouched.
    pub keep_net: Vec<IpNet>,
    /// Key file for hashing.
    pub key_file: Option<PathBuf>,
}

/// What to do when an action cannot apply to a field's value (a `truncate-ip` field without an
/// address, a `referrer-site` field that is no URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Drop the field (fail closed; the default).
    #[default]
    Drop,
    /// Leave the field as it is (its addresses are still rewritten).
    Keep,
}

/// A compiled rule file.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Per-field actions, by field name.
    pub actions: Vec<(FieldRef, Action)>,
    /// With `[keep-only]`: the fields kept; all others are dropped.
    pub keep_only: Option<Vec<FieldRef>>,
    /// Line filters.
    pub excludes: Vec<Exclude>,
    /// Address settings.
    pub addresses: Addresses,
    /// When an action cannot apply.
    pub on_error: OnError,
    /// What lines that do not match the format become (`scrub`, `drop`, `fail`), when the rule
    /// file says.
    pub on_unparsed: Option<OnUnparsed>,
}

/// A field named in a rule file: from the vocabulary, or `custom.NAME` for a field of a custom
/// format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRef {
    /// A vocabulary field.
    Std(Std),
    /// A custom format's field, by its name.
    Custom(String),
}

impl RuleSet {
    /// True when the rules name a part of the request line (method, path, query, protocol), so
    /// the parser must split it.
    pub fn needs_request_parts(&self) -> bool {
        let part = |f: &FieldRef| {
            matches!(
                f,
                FieldRef::Std(Std::Method | Std::Path | Std::Query | Std::Protocol)
            )
        };
        self.actions.iter().any(|(f, _)| part(f))
            || self.keep_only.as_ref().is_some_and(|k| k.iter().any(part))
            || self.excludes.iter().any(|e| e.path.is_some())
    }

    /// The rule set's `[[exclude]]` blocks alone: what statistics apply (they count what the server
    /// wrote; field actions shape the published log only, so a `hash` action needs no key there).
    pub fn exclusions(&self) -> RuleSet {
        RuleSet {
            actions: Vec::new(),
            keep_only: None,
            ..self.clone()
        }
    }

    /// True when the rule set changes nothing beyond addresses.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.keep_only.is_none() && self.excludes.is_empty()
    }
}

/// True when `ip` is in any of `nets`.
pub fn in_nets(ip: IpAddr, nets: &[IpNet]) -> bool {
    nets.iter().any(|n| n.contains(&ip))
}

/// The texts an anchored pattern of plain alternatives matches whole (`^/(health|status)$`,
/// `^/ping$`): letters, digits, `/`, `_`, `-`, and `.` `-` `/` escaped with `\`; `None` for any
/// other pattern (the regex decides).
pub fn exact_paths(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    if body.ends_with('\\') {
        return None; // `$` escaped
    }
    // `prefix(a|b|c)` or a single word, without nesting.
    let (prefix, alts) = match body.find('(') {
        Some(open) => {
            let inner = body[open + 1..].strip_suffix(')')?;
            if inner.contains(['(', ')']) {
                return None;
            }
            (&body[..open], inner.split('|').collect::<Vec<_>>())
        }
        None => ("", vec![body]),
    };
    let plain = |w: &str| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut chars = w.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next()? {
                    e @ ('.' | '-' | '/') => out.push(e as u8),
                    _ => return None,
                },
                c if c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-') => out.push(c as u8),
                _ => return None,
            }
        }
        Some(out)
    };
    let prefix = plain(prefix)?;
    alts.into_iter()
        .map(|a| Some([prefix.as_slice(), &plain(a)?].concat()))
        .collect()
}

#[cfg(test)]
mod tests {
    /// A pattern read as exact paths matches just what its regex matches.
    #[test]
    fn exact_paths_agree_with_the_regex() {
        let paths = [
            "/health",
            "/healthz",
            "/status",
            "/server-status",
            "/health/",
            "/x/health",
            "/healthy",
            "",
            "/",
            "/ping",
            "/a.b",
            "/a-b",
            "/axb",
            "/HEALTH",
            "/health\n",
        ];
        for (pattern, exact) in [
            ("^/(health|healthz|status|server-status)$", true),
            ("^/ping$", true),
            ("^/a\\.b$", true),
            ("^/(a\\-b|x)$", true),
            ("^/a.b$", false),
            ("^/(health|status)", false),
            ("/health$", false),
            ("^/(a|(b|c))$", false),
            ("^/a\\$", false),
            ("(?i)^/health$", false),
        ] {
            let got = super::exact_paths(pattern);
            assert_eq!(got.is_some(), exact, "{pattern}");
            let re = regex::bytes::Regex::new(pattern).unwrap();
            if let Some(list) = got {
                for p in paths {
                    let p = p.as_bytes();
                    assert_eq!(
                        list.iter().any(|x| x == p),
                        re.is_match(p),
                        "{pattern} {p:?}"
                    );
                }
            }
        }
    }

    use super::*;

    #[test]
    fn globs() {
        let g = |p: &str| Glob(p.as_bytes().to_vec());
        assert!(g("session*").matches(b"session_id"));
        assert!(g("session*").matches(b"SESSION"));
        assert!(!g("session*").matches(b"xsession"));
        assert!(g("t?ken").matches(b"token"));
        assert!(g("email").matches(b"Email"));
        assert!(!g("email").matches(b"emails"));
        assert!(g("*").matches(b""));
    }
}

/// What to do with a line that does not match the format (`--on-unparsed`, a rule file's
/// `on-unparsed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnUnparsed {
    /// Scrub every address in the line and write it.
    Scrub,
    /// Leave the line out (counted in the summary).
    Drop,
    /// Stop at the first such line with an error naming file:line:column.
    Fail,
}
