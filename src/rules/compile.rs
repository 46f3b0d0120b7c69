//! Rule file text → [`RuleSet`], with every problem reported at its `line:column`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Action, Addresses, Exclude, FieldRef, Glob, OnError, Reduce, RuleSet};
use crate::format::Std;

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// What is wrong and what was expected.
    pub msg: String,
}

/// Every problem in one rule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RulesError {
    /// The file.
    pub path: PathBuf,
    /// Its problems, in file order.
    pub errors: Vec<RuleError>,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, e) in self.errors.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            // A problem with the whole file (it cannot be read) has no place in it.
            if e.line == 0 {
                write!(f, "{}: {}", self.path.display(), e.msg)?;
            } else {
                write!(f, "{}:{}:{}: {}", self.path.display(), e.line, e.col, e.msg)?;
            }
        }
        Ok(())
    }
}

/// The rule sets shipped with logscrub, built in: `builtin:NAME` names one wherever a rule file
/// is expected, so they work for every install, not only the Debian package's
/// /usr/share/logscrub/rules/.
pub const BUILTIN: &[(&str, &str)] = &[
    ("minimal-web", include_str!("../../rules/minimal-web.toml")),
    ("publish-web", include_str!("../../rules/publish-web.toml")),
    (
        "dns-resolver",
        include_str!("../../rules/dns-resolver.toml"),
    ),
    ("dns-publish", include_str!("../../rules/dns-publish.toml")),
    (
        "doh-frontend",
        include_str!("../../rules/doh-frontend.toml"),
    ),
];

/// The text of the built-in rule set `builtin:NAME` (or `NAME`), if there is one.
pub fn builtin(name: &str) -> Option<&'static str> {
    let name = name.strip_prefix("builtin:").unwrap_or(name);
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Reads and compiles a rule file, or a built-in rule set named `builtin:NAME`.
pub fn load(path: &Path) -> Result<RuleSet, RulesError> {
    if let Some(name) = path.to_str().and_then(|p| p.strip_prefix("builtin:")) {
        let Some(text) = builtin(name) else {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(RulesError {
                path: path.to_owned(),
                errors: vec![RuleError {
                    line: 0,
                    col: 0,
                    msg: format!("no such built-in rule set; there are {}", names.join(", ")),
                }],
            });
        };
        return compile(text).map_err(|errors| RulesError {
            path: path.to_owned(),
            errors,
        });
    }
    let text = crate::input::read_text(path, crate::input::CONFIG_MAX).map_err(|e| RulesError {
        path: path.to_owned(),
        errors: vec![RuleError {
            line: 0,
            col: 0,
            msg: format!("cannot read the rule file: {e}"),
        }],
    })?;
    compile(&text).map_err(|errors| RulesError {
        path: path.to_owned(),
        errors,
    })
}

struct Ctx<'t> {
    text: &'t str,
    errors: Vec<RuleError>,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, msg: impl Into<String>) {
        let (line, col) = crate::input::line_col(self.text, span.start);
        self.errors.push(RuleError {
            line,
            col,
            msg: msg.into(),
        });
    }
}

type Val<'i> = Spanned<DeValue<'i>>;

fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn as_str<'a>(c: &mut Ctx, v: &'a Val, what: &str) -> Option<&'a str> {
    match v.get_ref() {
        DeValue::String(s) => Some(s),
        other => {
            c.err(
                v.span(),
                format!("expected {what} (a string), found {}", kind(other)),
            );
            None
        }
    }
}

fn as_int(c: &mut Ctx, v: &Val, what: &str, max: i64) -> Option<i64> {
    let n = match v.get_ref() {
        DeValue::Integer(i) => i.as_str().replace('_', "").parse::<i64>().ok(),
        other => {
            c.err(
                v.span(),
                format!("expected {what} (an integer), found {}", kind(other)),
            );
            return None;
        }
    };
    match n {
        Some(n) if (0..=max).contains(&n) => Some(n),
        _ => {
            c.err(v.span(), format!("expected {what} from 0 to {max}"));
            None
        }
    }
}

fn as_array<'a, 'i>(c: &mut Ctx, v: &'a Val<'i>, what: &str) -> Option<&'a [Val<'i>]> {
    match v.get_ref() {
        DeValue::Array(a) => Some(&a[..]),
        other => {
            c.err(
                v.span(),
                format!("expected {what} (an array), found {}", kind(other)),
            );
            None
        }
    }
}

fn as_table<'a, 'i>(c: &mut Ctx, v: &'a Val<'i>, what: &str) -> Option<&'a DeTable<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            c.err(
                v.span(),
                format!("expected {what} (a table), found {}", kind(other)),
            );
            None
        }
    }
}

fn net(c: &mut Ctx, v: &Val) -> Option<IpNet> {
    let s = as_str(c, v, "a network such as 192.0.2.0/24")?;
    match s
        .parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
    {
        Ok(n) if n.prefix_len() == 0 => {
            c.err(v.span(), crate::anonymize::whole_family(&n));
            None
        }
        Ok(n) => Some(n),
        Err(_) => {
            c.err(
                v.span(),
                format!(
                    "`{s}` is not a network; expected CIDR such as 192.0.2.0/24 or 2001:db8::/32"
                ),
            );
            None
        }
    }
}

fn field_ref(c: &mut Ctx, name: &str, span: Range<usize>) -> Option<FieldRef> {
    if let Some(custom) = name.strip_prefix("custom.") {
        if custom.is_empty() {
            c.err(span, "expected a field name after `custom.`");
            return None;
        }
        return Some(FieldRef::Custom(custom.to_string()));
    }
    match Std::from_name(name) {
        Some(s) => Some(FieldRef::Std(s)),
        None => {
            let names: Vec<&str> = crate::format::fields::STD_NAMES
                .iter()
                .map(|(_, n)| *n)
                .collect();
            c.err(
                span,
                format!(
                    "unknown field `{name}`; expected one of {}, or custom.NAME for a field of a custom format",
                    names.join(", ")
                ),
            );
            None
        }
    }
}

fn regex(c: &mut Ctx, v: &Val, what: &str) -> Option<regex::bytes::Regex> {
    let s = as_str(c, v, what)?;
    match regex::bytes::Regex::new(s) {
        Ok(r) => Some(r),
        Err(e) => {
            let msg = e.to_string();
            let last = msg
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_string();
            c.err(v.span(), format!("invalid regex `{s}`: {last}"));
            None
        }
    }
}

const ACTIONS: &str = "keep, drop, hash, strip-query, referrer-site, user-agent-family, truncate-ip, \
                       { redact-params = [...] }, { qname-reduce = ... }, { replace = { regex, with } }, \
                       { map = { ... } }, { truncate-ip = { ipv4-prefix, ipv6-prefix } }";

fn action(c: &mut Ctx, v: &Val) -> Option<Action> {
    match v.get_ref() {
        DeValue::String(s) => Some(match s.as_ref() {
            "keep" => Action::Keep,
            "drop" => Action::Drop,
            "hash" => Action::Hash,
            "strip-query" => Action::StripQuery,
            "referrer-site" => Action::ReferrerSite,
            "user-agent-family" => Action::UserAgentFamily,
            "truncate-ip" => Action::TruncateIp { v4: 24, v6: 48 },
            other => {
                c.err(
                    v.span(),
                    format!("unknown action `{other}`; expected one of {ACTIONS}"),
                );
                return None;
            }
        }),
        DeValue::Table(t) => {
            if t.len() != 1 {
                c.err(
                    v.span(),
                    format!("expected exactly one action in the table; one of {ACTIONS}"),
                );
                return None;
            }
            let (k, val) = t.iter().next().expect("one entry");
            Some(match k.get_ref().as_ref() {
                "redact-params" => {
                    let arr = as_array(c, val, "parameter names or globs")?;
                    let mut globs = Vec::new();
                    for g in arr {
                        globs.push(Glob(
                            as_str(c, g, "a parameter name or glob")?
                                .as_bytes()
                                .to_vec(),
                        ));
                    }
                    Action::RedactParams(globs)
                }
                "qname-reduce" => Action::QnameReduce(match val.get_ref() {
                    DeValue::String(s) if s == "registered-domain" => Reduce::RegisteredDomain,
                    DeValue::String(s) if s == "tld" => Reduce::Tld,
                    DeValue::Integer(_) => {
                        Reduce::Labels(as_int(c, val, "a number of labels", 127)?.max(1) as u8)
                    }
                    _ => {
                        c.err(
                            val.span(),
                            "expected \"registered-domain\", \"tld\" or a number of labels",
                        );
                        return None;
                    }
                }),
                "replace" => {
                    let t = as_table(c, val, "{ regex = \"...\", with = \"...\" }")?;
                    let (mut re, mut with) = (None, None);
                    let (mut saw_re, mut saw_with) = (false, false);
                    for (k, v) in t.iter() {
                        match k.get_ref().as_ref() {
                            "regex" => {
                                saw_re = true;
                                re = regex(c, v, "a regex");
                            }
                            "with" => {
                                saw_with = true;
                                with =
                                    as_str(c, v, "the replacement").map(|s| s.as_bytes().to_vec());
                            }
                            other => c.err(
                                k.span(),
                                format!("unknown key `{other}` in replace; expected regex, with"),
                            ),
                        }
                    }
                    if !(saw_re && saw_with) {
                        c.err(val.span(), "replace needs both `regex` and `with`");
                    }
                    Action::Replace {
                        regex: re?,
                        with: with?,
                    }
                }
                "map" => {
                    let t = as_table(c, val, "a table of value = replacement")?;
                    let mut m = Vec::new();
                    for (k, v) in t.iter() {
                        let to = as_str(c, v, "the replacement value")?;
                        m.push((k.get_ref().as_bytes().to_vec(), to.as_bytes().to_vec()));
                    }
                    Action::Map(m)
                }
                "truncate-ip" => {
                    let t = as_table(c, val, "{ ipv4-prefix = N, ipv6-prefix = N }")?;
                    let (mut v4, mut v6) = (24u8, 48u8);
                    for (k, v) in t.iter() {
                        match k.get_ref().as_ref() {
                            "ipv4-prefix" => v4 = as_int(c, v, "IPv4 bits kept", 31)? as u8,
                            "ipv6-prefix" => v6 = as_int(c, v, "IPv6 bits kept", 127)? as u8,
                            other => c.err(
                                k.span(),
                                format!("unknown key `{other}`; expected ipv4-prefix, ipv6-prefix"),
                            ),
                        }
                    }
                    Action::TruncateIp { v4, v6 }
                }
                // An action that takes no options, written as a table (a new user's review:
                // `{ referrer-site = true }` was called unknown).
                plain @ ("keep" | "drop" | "hash" | "strip-query" | "referrer-site"
                | "user-agent-family") => {
                    c.err(
                        k.span(),
                        format!("`{plain}` takes no options; write it as a string: \"{plain}\""),
                    );
                    return None;
                }
                other => {
                    c.err(
                        k.span(),
                        format!("unknown action `{other}`; expected one of {ACTIONS}"),
                    );
                    return None;
                }
            })
        }
        other => {
            c.err(
                v.span(),
                format!(
                    "expected an action (a string or a one-key table), found {}",
                    kind(other)
                ),
            );
            None
        }
    }
}

fn exclude(c: &mut Ctx, v: &Val) -> Option<Exclude> {
    let t = as_table(c, v, "an exclude block")?;
    let mut e = Exclude::default();
    if t.is_empty() {
        c.err(
            v.span(),
            "an empty exclude block would exclude every line; give at least one condition",
        );
        return None;
    }
    for (k, val) in t.iter() {
        match k.get_ref().as_ref() {
            "status" => {
                for s in as_array(c, val, "status codes or classes such as 404 or \"4xx\"")
                    .unwrap_or(&[])
                {
                    match s.get_ref() {
                        DeValue::Integer(_) => {
                            // Three digits: `42` can never match (a new user's review).
                            match as_int(c, s, "a status code", 999) {
                                Some(n) if n >= 100 => e.status.push((n as u16, n as u16)),
                                Some(_) => {
                                    c.err(s.span(), "expected a status code from 100 to 999")
                                }
                                None => {}
                            }
                        }
                        DeValue::String(x)
                            if x.len() == 3
                                && x.ends_with("xx")
                                && x.as_bytes()[0].is_ascii_digit() =>
                        {
                            let d = (x.as_bytes()[0] - b'0') as u16 * 100;
                            e.status.push((d, d + 99));
                        }
                        _ => c.err(
                            s.span(),
                            "expected a status code such as 404 or a class such as \"5xx\"",
                        ),
                    }
                }
            }
            "path" => {
                e.path = regex(c, val, "a regex for the path");
                e.path_exact = e.path.as_ref().and_then(|r| super::exact_paths(r.as_str()));
            }
            "client" => {
                for n in as_array(c, val, "networks").unwrap_or(&[]) {
                    if let Some(n) = net(c, n) {
                        e.client.push(n);
                    }
                }
            }
            "bot" => match val.get_ref() {
                DeValue::Boolean(b) => e.bot = Some(*b),
                other => c.err(
                    val.span(),
                    format!("expected true or false, found {}", kind(other)),
                ),
            },
            "qname-suffix" => {
                for s in as_array(c, val, "domain suffixes").unwrap_or(&[]) {
                    if let Some(x) = as_str(c, s, "a domain suffix") {
                        e.qname_suffix
                            .push(x.trim_end_matches('.').to_ascii_lowercase().into_bytes());
                    }
                }
            }
            other => c.err(
                k.span(),
                format!(
                    "unknown condition `{other}`; expected status, path, client, bot, qname-suffix"
                ),
            ),
        }
    }
    Some(e)
}

/// The request-line parts: a rule on one of them and on `request` itself would overlap.
fn overlaps(a: &FieldRef, b: &FieldRef) -> bool {
    use Std::*;
    let part = |f: &FieldRef| matches!(f, FieldRef::Std(Method | Path | Query | Protocol));
    (matches!(a, FieldRef::Std(Request)) && part(b))
        || (matches!(b, FieldRef::Std(Request)) && part(a))
        || (matches!(a, FieldRef::Std(Path)) && matches!(b, FieldRef::Std(Query)))
        || (matches!(a, FieldRef::Std(Query)) && matches!(b, FieldRef::Std(Path)))
}

/// Compiles rule-file text. Every problem is returned, in file order.
pub fn compile(text: &str) -> Result<RuleSet, Vec<RuleError>> {
    let mut c = Ctx {
        text,
        errors: Vec::new(),
    };
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let msg = e.message().to_string();
            c.err(e.span().unwrap_or(0..0), format!("not valid TOML: {msg}"));
            return Err(c.errors);
        }
    };
    let mut rules = RuleSet::default();
    let mut action_spans: Vec<Range<usize>> = Vec::new();
    for (k, v) in root.get_ref().iter() {
        match k.get_ref().as_ref() {
            "addresses" => {
                let Some(t) = as_table(&mut c, v, "[addresses]") else { continue };
                let mut a = Addresses::default();
                for (k, v) in t.iter() {
                    match k.get_ref().as_ref() {
                        "mode" => {
                            if let Some(name) = as_str(&mut c, v, "a scheme name") {
                                match crate::anonymize::SchemeKind::from_name(name) {
                                    Some(k) => a.scheme = Some(k),
                                    None => {
                                        let names: Vec<&str> = crate::anonymize::SCHEMES.iter().map(|s| s.0).collect();
                                        c.err(v.span(), format!("unknown mode `{name}`; expected one of {}", names.join(", ")));
                                    }
                                }
                            }
                        }
                        "ipv4-prefix" => a.v4 = as_int(&mut c, v, "IPv4 bits kept", 31).map(|n| n as u8),
                        "ipv6-prefix" => a.v6 = as_int(&mut c, v, "IPv6 bits kept", 127).map(|n| n as u8),
                        "keep-net" => {
                            for n in as_array(&mut c, v, "networks").unwrap_or(&[]) {
                                if let Some(n) = net(&mut c, n) {
                                    a.keep_net.push(n);
                                }
                            }
                        }
                        "key-file" => a.key_file = as_str(&mut c, v, "a path").map(PathBuf::from),
                        other => c.err(
                            k.span(),
                            format!("unknown key `{other}` in [addresses]; expected mode, ipv4-prefix, ipv6-prefix, keep-net, key-file"),
                        ),
                    }
                }
                rules.addresses = a;
            }
            "fields" => {
                let Some(t) = as_table(&mut c, v, "[fields]") else { continue };
                // `custom.NAME = …` is a dotted key: a `custom` table of custom-format fields.
                let mut entries: Vec<(Option<FieldRef>, Range<usize>, &Val)> = Vec::new();
                for (k, v) in t.iter() {
                    if k.get_ref() == "custom"
                        && let DeValue::Table(ct) = v.get_ref()
                    {
                        for (ck, cv) in ct.iter() {
                            entries.push((Some(FieldRef::Custom(ck.get_ref().to_string())), ck.span(), cv));
                        }
                        continue;
                    }
                    entries.push((field_ref(&mut c, k.get_ref(), k.span()), k.span(), v));
                }
                for (f, span, v) in entries {
                    let (Some(f), Some(a)) = (f, action(&mut c, v)) else { continue };
                    if let Some(j) = rules.actions.iter().position(|(g, _)| overlaps(g, &f)) {
                        let other = action_spans[j].clone();
                        let (later, earlier) = if other.start > span.start { (other, span) } else { (span, other) };
                        let line = text[..earlier.start].matches('\n').count() + 1;
                        c.err(
                            later,
                            format!("conflicting rules: this field overlaps the field ruled on line {line} (the request line and its parts); rule on one of them"),
                        );
                        continue;
                    }
                    action_spans.push(span);
                    rules.actions.push((f, a));
                }
            }
            "keep-only" => {
                let Some(t) = as_table(&mut c, v, "[keep-only]") else { continue };
                let mut kept = Vec::new();
                for (k, v) in t.iter() {
                    if k.get_ref() != "fields" {
                        c.err(k.span(), format!("unknown key `{}` in [keep-only]; expected fields", k.get_ref()));
                        continue;
                    }
                    for name in as_array(&mut c, v, "field names").unwrap_or(&[]) {
                        if let Some(s) = as_str(&mut c, name, "a field name")
                            && let Some(f) = field_ref(&mut c, s, name.span())
                        {
                            kept.push(f);
                        }
                    }
                }
                rules.keep_only = Some(kept);
            }
            "exclude" => {
                for block in as_array(&mut c, v, "[[exclude]] blocks").unwrap_or(&[]) {
                    if let Some(e) = exclude(&mut c, block) {
                        rules.excludes.push(e);
                    }
                }
            }
            "options" => {
                let Some(t) = as_table(&mut c, v, "[options]") else { continue };
                for (k, v) in t.iter() {
                    match k.get_ref().as_ref() {
                        "on-error" => match as_str(&mut c, v, "drop or keep") {
                            Some("drop") => rules.on_error = OnError::Drop,
                            Some("keep") => rules.on_error = OnError::Keep,
                            Some(other) => c.err(v.span(), format!("unknown on-error `{other}`; expected drop or keep")),
                            None => {}
                        },
                        "on-unparsed" => match as_str(&mut c, v, "scrub, drop or fail") {
                            Some("scrub") => rules.on_unparsed = Some(super::OnUnparsed::Scrub),
                            Some("drop") => rules.on_unparsed = Some(super::OnUnparsed::Drop),
                            Some("fail") => rules.on_unparsed = Some(super::OnUnparsed::Fail),
                            Some(other) => c.err(v.span(), format!("unknown on-unparsed `{other}`; expected scrub, drop or fail")),
                            None => {}
                        },
                        other => c.err(k.span(), format!("unknown key `{other}` in [options]; expected on-error, on-unparsed")),
                    }
                }
            }
            other => c.err(
                k.span(),
                format!("unknown section `{other}`; expected addresses, fields, keep-only, exclude, options"),
            ),
        }
    }
    if let Some(kept) = &rules.keep_only {
        for (f, a) in &rules.actions {
            if !matches!(a, Action::Drop)
                && !kept.contains(f)
                && !kept.iter().any(|k| overlaps(k, f))
            {
                let name = match f {
                    FieldRef::Std(s) => s.name().to_string(),
                    FieldRef::Custom(n) => format!("custom.{n}"),
                };
                let span = action_spans[rules
                    .actions
                    .iter()
                    .position(|(g, _)| g == f)
                    .expect("present")]
                .clone();
                c.err(span, format!("conflicting rules: `{name}` has an action but [keep-only] drops it; list it in keep-only or remove the action"));
            }
        }
    }
    c.errors.sort_by_key(|e| (e.line, e.col));
    if c.errors.is_empty() {
        Ok(rules)
    } else {
        Err(c.errors)
    }
}

#[cfg(test)]
#[path = "compile_tests.rs"]
mod tests;
