//! A rule set bound to one log format and one run: field names resolved to the format's
//! fields, per-field resources prepared (the key for `hash`, an anonymizer for `truncate-ip`),
//! so applying it to a line is lookups and edits, nothing compiled or allocated.

use std::net::IpAddr;

use super::actions::{self, Env, Shape};
use super::{Action, Exclude, FieldRef, OnError, RuleSet};
use crate::anonymize::{Anonymizer, Cache, Edits, Key, LineCounts, Scheme};
use crate::format::{Fields, Format, Name, Std};

struct Plan {
    name: Name,
    action: Action,
    /// For `truncate-ip`: the field's own anonymizer.
    anon: Option<Anonymizer>,
}

/// A rule set ready to apply to lines of one format.
pub struct RulePlan {
    plans: Vec<Plan>,
    keep_only: Option<Vec<Name>>,
    /// With `keep_only`: bit `Std as u32` set for each vocabulary field kept (the request line
    /// and its parts as [`RulePlan::kept`] decides), so that the per-field test is one bit.
    kept_std: u64,
    /// Bit `Std as u32` set for each vocabulary field a plan acts on: the other fields (most
    /// of a line's) are passed by one bit, not a search of the plans.
    planned_std: u64,
    /// Bit `Std as u32` set for each vocabulary field kept as it is (kept, and no plan acts on
    /// it): such a field past every edit is passed by one test, before anything else is read
    /// (a line's walk over its fields was a tenth of applying `dns-publish.toml` to it).
    passed_std: u64,
    /// What [`RulePlan::wanted`] gives, fixed with the plan.
    wanted: u64,
    excludes: Vec<Exclude>,
    env: Env,
    on_error: OnError,
    split_request: bool,
    /// Lines are JSON objects: edits must leave them JSON ([`Edits::keep_json`]).
    json: bool,
}

fn resolve(r: &FieldRef, format: &Format) -> Option<Name> {
    match r {
        FieldRef::Std(s) => Some(Name::Std(*s)),
        FieldRef::Custom(n) => match format {
            Format::Template { template, .. } => template
                .fields()
                .iter()
                .position(|f| f.name == *n && Std::from_name(&f.name).is_none())
                .map(|i| Name::Custom(i as u16)),
            _ => None,
        },
    }
}

const PARTS: [Std; 4] = [Std::Method, Std::Path, Std::Query, Std::Protocol];

/// A field an action was applied to (name, span) and the arena range of what it made (`None`:
/// the value was left as it was).
type Applied = (Name, usize, usize, Option<(usize, usize)>);

/// Does field `s..e` as `last` was done when it holds the same text (see [`RulePlan::edits`]);
/// false when it does not. Out of line: rare, and inlined it slowed the loop over every field.
#[inline(never)]
fn repeat(line: &[u8], last: Applied, s: usize, e: usize, edits: &mut Edits) -> bool {
    let (_, ls, le, made) = last;
    if line[ls..le] != line[s..e] {
        return false;
    }
    if let Some((a, b)) = made {
        let from = edits.arena().len();
        edits.arena().extend_from_within(a..b);
        edits.commit(s, e, from);
    }
    true
}

/// Scratch space for applying rules, reused across lines.
#[derive(Default)]
pub struct Scratch {
    value: Vec<u8>,
    /// A value scrubbed before an action that cuts or rewrites its text.
    scrubbed: Vec<u8>,
}

impl RulePlan {
    /// Binds `rules` to `format`. `key` serves the `hash` action (required when a rule uses it).
    pub fn new(rules: &RuleSet, format: &Format, key: Option<&Key>) -> Result<RulePlan, String> {
        let mut plans = Vec::new();
        for (r, a) in &rules.actions {
            if matches!(a, Action::Hash) && key.is_none() {
                return Err("the `hash` action needs a key: key-file in [addresses], --key-file, or --ephemeral-key".into());
            }
            let Some(name) = resolve(r, format) else {
                continue;
            };
            let anon = match a {
                Action::TruncateIp { v4, v6 } => {
                    Some(Anonymizer::new(Scheme::Truncate, *v4, *v6, Vec::new()))
                }
                _ => None,
            };
            plans.push(Plan {
                name,
                action: a.clone(),
                anon,
            });
        }
        let keep_only = rules
            .keep_only
            .as_ref()
            .map(|k| k.iter().filter_map(|r| resolve(r, format)).collect());
        // A subkey of its own: the same key may serve the address scheme (an ipcrypt key, the
        // `hash` mode's HMAC), which must not be the field HMAC's key too.
        let mac = key.map(|k| {
            <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(
                &k.derive(b"logscrub rules hash v1\0"),
            )
            .expect("any key size")
        });
        let planned_std = plans.iter().fold(0, |m, p| match p.name {
            Name::Std(s) => m | 1 << s as u32,
            Name::Custom(_) => m,
        });
        let mut plan = RulePlan {
            plans,
            keep_only,
            kept_std: 0,
            planned_std,
            passed_std: 0,
            wanted: 0,
            excludes: rules.excludes.clone(),
            env: Env { mac },
            on_error: rules.on_error,
            split_request: rules.needs_request_parts(),
            json: matches!(format, Format::Json),
        };
        plan.kept_std = crate::format::fields::STD_NAMES
            .iter()
            .filter(|(s, _)| plan.kept_by_list(Name::Std(*s)))
            .fold(0, |m, (s, _)| m | 1 << *s as u32);
        plan.passed_std = crate::format::fields::STD_NAMES
            .iter()
            .filter(|(s, _)| plan.kept(Name::Std(*s)))
            .fold(0, |m, (s, _)| m | 1 << *s as u32)
            & !plan.planned_std;
        plan.wanted = plan.fields_wanted();
        Ok(plan)
    }

    /// True when the parser must add the request line's parts.
    /// The fields a parser must record for these rules: every field but those kept as they
    /// are, and those `[[exclude]]` reads, the request and its query. A field kept
    /// as it is matters to [`RulePlan::edits`] only where it overlaps an edit made before it
    /// without lying inside it, and no parser records such spans: two spans of a line that
    /// overlap are one in the other, the one recorded first around the later (a request and
    /// its parts), or the same (property tests `web_spans_nest_in_their_order` and
    /// `wanted_fields_do_not_change_parsing` hold the parsers to it). Recording every field in
    /// order was a twentieth of `dns-publish` on Unbound lines.
    #[inline]
    pub fn wanted(&self) -> u64 {
        self.wanted
    }

    /// Computes [`RulePlan::wanted`] once, when the plan is made.
    fn fields_wanted(&self) -> u64 {
        use crate::format::fields::mask;
        let excludes = if self.excludes.is_empty() {
            0
        } else {
            mask(&[
                Std::Status,
                Std::Path,
                Std::Request,
                Std::Method,
                Std::Query,
                Std::Protocol,
                Std::Client,
                Std::UserAgent,
                Std::Qname,
            ])
        };
        // JSON under keep-only: the kept fields too, to tell the members they are from those
        // the vocabulary has no name for (`RulePlan::drop_unnamed`).
        let kept = if self.json && self.keep_only.is_some() {
            self.kept_std
        } else {
            0
        };
        // The request (split into parts, or stripped of a query kept in a field of its own:
        // the end of `edits` reads both).
        !self.passed_std | excludes | kept | mask(&[Std::Request, Std::Query])
    }

    pub fn split_request(&self) -> bool {
        self.split_request
    }

    #[inline]
    fn kept(&self, n: Name) -> bool {
        match n {
            _ if self.keep_only.is_none() => true,
            Name::Std(s) => self.kept_std & (1 << s as u32) != 0,
            n => self.kept_by_list(n),
        }
    }

    /// [`RulePlan::kept`] by the list itself.
    fn kept_by_list(&self, n: Name) -> bool {
        let Some(k) = &self.keep_only else {
            return true;
        };
        let has = |s: Std| k.contains(&Name::Std(s));
        match n {
            Name::Std(Std::Request) => has(Std::Request) || PARTS.iter().any(|p| has(*p)),
            Name::Std(s) if PARTS.contains(&s) => has(s) || has(Std::Request),
            n => k.contains(&n),
        }
    }

    /// Drops a field: `-` (or `0` for a number); a query string inside a request line goes away
    /// with its `?`, so `GET /a?b HTTP/1.1` becomes `GET /a HTTP/1.1`, not `GET /a?- HTTP/1.1`.
    fn drop(&self, line: &[u8], name: Name, s: usize, e: usize, edits: &mut Edits) {
        if name == Name::Std(Std::Query) && s > 0 && line[s - 1] == b'?' {
            edits.push(s - 1, e, b"");
            return;
        }
        // In JSON `-` stands for any value: `null` outside a string (`Edits::keep_json`).
        let d = if self.json {
            b"-"
        } else {
            actions::drop_value(&line[s..e])
        };
        if &line[s..e] != d {
            edits.push(s, e, d);
        }
    }

    /// keep-only on a JSON line: every value that holds no kept field and was not edited
    /// already (a member the vocabulary has no name for: Caddy's `remote_port`, `logger`, a
    /// header) is dropped too, `-` in a string, `null` outside one, so that what is not named is
    /// not published, as in every other format.
    fn drop_unnamed(&self, line: &[u8], f: &Fields, edits: &mut Edits) {
        crate::format::json::each_value(line, |a, b, _| {
            let holds_kept = f
                .iter()
                .any(|(n, s, e)| a <= s && e <= b && s < e && self.kept(n));
            if !holds_kept && !edits.overlaps(a, b) && (a == b || &line[a..b] != b"-") {
                edits.push(a, b, b"-");
            }
        });
    }

    /// True when an `[[exclude]]` block matches the line.
    pub fn excluded(&self, line: &[u8], f: &Fields) -> bool {
        self.excludes.iter().any(|e| matches_exclude(e, line, f))
    }

    /// Adds the request line's parts to the line's fields when the rules read them, then says
    /// whether an `[[exclude]]` block leaves the line out: the first step of applying the rules,
    /// for the pipeline and for statistics alike.
    pub fn split_and_excluded(&self, line: &[u8], f: &mut Fields) -> bool {
        if self.split_request {
            crate::format::fields::split_request(line, f);
        }
        self.excluded(line, f)
    }

    /// Adds the line's rule edits to `edits` (not sorted). Returns the address literals the
    /// edits rewrote or kept (`truncate-ip`, and what the finder met in an action's result).
    pub fn edits(
        &self,
        line: &[u8],
        f: &Fields,
        global: &Anonymizer,
        cache: &mut Cache,
        scratch: &mut Scratch,
        edits: &mut Edits,
    ) -> LineCounts {
        // The last field an action was applied to, and what it made (an arena range; `None`:
        // unchanged): a field that repeats it (BIND writes the query name twice) is done alike
        // without applying the action again. Only results no anonymizer wrote are reused (a
        // randomized scheme must give each occurrence its own pseudonym).
        let mut last: Option<Applied> = None;
        let mut counts = LineCounts::default();
        for (name, s, e) in f.iter() {
            if let Name::Std(std) = name
                && self.passed_std & (1 << std as u32) != 0
                && edits.past_every_edit(s, e)
            {
                continue;
            }
            // Parsers may give two fields one span (dnsmasq's `blocked` is its answer or its
            // event): a span an earlier edit replaced whole is done; one that overlaps an
            // earlier edit in part is dropped together with it (edits must not overlap).
            let Some((us, ue)) = edits.take_overlapping(s, e) else {
                continue;
            };
            if (us, ue) != (s, e) {
                self.drop(line, name, us, ue, edits);
                continue;
            }
            let v = &line[s..e];
            if !self.kept(name) {
                self.drop(line, name, s, e, edits);
                continue;
            }
            if let Name::Std(s) = name
                && self.planned_std & (1 << s as u32) == 0
            {
                continue;
            }
            let Some(p) = self.plans.iter().find(|p| p.name == name) else {
                continue;
            };
            if let Some(l) = last
                && l.0 == name
                && repeat(line, l, s, e, edits)
            {
                continue;
            }
            let shape = match name {
                Name::Std(Std::Request) => Shape::RequestLine,
                Name::Std(Std::Query) => Shape::QueryString,
                _ => Shape::Url,
            };
            scratch.value.clear();
            // An action that keeps part of a value's text (`qname-reduce`'s last labels, a
            // `replace`'s pattern) could keep part of an address, which no finder knows again
            // (`192.0.2.77` reduced to `2.77`; an adversarial review): it gets the value with
            // its addresses already rewritten.
            // (Its addresses are counted once: here when the action's text replaces the value,
            // else by the line's own pass.)
            let mut pre = LineCounts::default();
            let v = if matches!(p.action, Action::QnameReduce(_) | Action::Replace { .. })
                && crate::anonymize::scan::may_hold_literal(v)
            {
                scratch.scrubbed.clear();
                pre = global.rewrite_line(v, b' ', &mut scratch.scrubbed, cache);
                &scratch.scrubbed[..]
            } else {
                v
            };
            match actions::apply(
                &p.action,
                v,
                shape,
                &self.env,
                p.anon.as_ref(),
                cache,
                &mut scratch.value,
                &mut counts,
            ) {
                Ok(false) => last = Some((name, s, e, None)),
                Ok(true) if matches!(p.action, Action::Drop) => self.drop(line, name, s, e, edits),
                Ok(true) => {
                    counts.rewritten += pre.rewritten;
                    counts.kept += pre.kept;
                    let from = edits.arena().len();
                    let mut plain = false;
                    if p.anon.is_some() {
                        // `truncate-ip` already rewrote the field's addresses its own way.
                        edits.arena().extend_from_slice(&scratch.value);
                    } else if crate::anonymize::scan::may_hold_literal(&scratch.value) {
                        // Whatever an action leaves (a referrer's host may be an address, a
                        // `replace` may reinsert one) is scrubbed like the rest of the line.
                        let c = global.rewrite_line(&scratch.value, b' ', edits.arena(), cache);
                        counts.rewritten += c.rewritten;
                        counts.kept += c.kept;
                    } else {
                        // No digit, `:` or `%` (a registered domain, a user-agent family
                        // without a version): nothing for the finder.
                        edits.arena().extend_from_slice(&scratch.value);
                        plain = true;
                    }
                    edits.commit(s, e, from);
                    last = plain.then_some((name, s, e, Some((from, edits.arena().len()))));
                }
                Err(actions::Inapplicable) => {
                    if self.on_error == OnError::Drop {
                        self.drop(line, name, s, e, edits);
                    }
                }
            }
        }
        // `request = "strip-query"` promises no query string in the output: where a format
        // logs the query apart from any request line (CloudFront's `cs-uri-query`, the query of
        // GCS's `cs_uri`, Apache's `%q`), it goes too.
        if let (None, Some((qs, qe))) = (f.get(Std::Request), f.get(Std::Query))
            && self.plans.iter().any(|p| {
                p.name == Name::Std(Std::Request) && matches!(p.action, Action::StripQuery)
            })
            && !self.plans.iter().any(|p| p.name == Name::Std(Std::Query))
            && !edits.overlaps(qs, qe)
        {
            let from = edits.arena().len();
            if line[qs..qe].starts_with(b"?") {
                edits.commit(qs, qe, from); // `%q`: `?a=1` → nothing
            } else if qs > 0 && line[qs - 1] == b'?' {
                edits.commit(qs - 1, qe, from); // `/p?a=1` → `/p`
            } else if qe > qs && &line[qs..qe] != b"-" {
                edits.arena().push(b'-');
                edits.commit(qs, qe, from); // a column of its own: `-`, its empty value
            }
        }
        // `request = { redact-params = [...] }` likewise reaches a query logged apart from any
        // request line (Caddy's `uri`: a second review found `dns=` and `name=` kept).
        if let (None, Some((qs, qe))) = (f.get(Std::Request), f.get(Std::Query))
            && let Some(p) = self.plans.iter().find(|p| {
                p.name == Name::Std(Std::Request) && matches!(p.action, Action::RedactParams(_))
            })
            && !self.plans.iter().any(|p| p.name == Name::Std(Std::Query))
            && !edits.overlaps(qs, qe)
        {
            scratch.value.clear();
            if let Ok(true) = actions::apply(
                &p.action,
                &line[qs..qe],
                Shape::QueryString,
                &self.env,
                None,
                cache,
                &mut scratch.value,
                &mut counts,
            ) {
                edits.push(qs, qe, &scratch.value);
            }
        }
        if self.json {
            if self.keep_only.is_some() {
                self.drop_unnamed(line, f, edits);
            }
            // Every edit: an earlier one may have been merged into one of the rules'.
            edits.keep_json(line, 0);
        }
        counts
    }
}

fn span<'a>(line: &'a [u8], f: &Fields, s: Std) -> Option<&'a [u8]> {
    f.get(s).map(|(a, b)| &line[a..b])
}

fn matches_exclude(e: &Exclude, line: &[u8], f: &Fields) -> bool {
    if !e.status.is_empty() {
        let Some(st) = span(line, f, Std::Status)
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|t| t.parse::<u16>().ok())
        else {
            return false;
        };
        if !e.status.iter().any(|&(lo, hi)| (lo..=hi).contains(&st)) {
            return false;
        }
    }
    if let Some(re) = &e.path {
        let Some(p) = span(line, f, Std::Path).or_else(|| span(line, f, Std::Request)) else {
            return false;
        };
        let hit = match &e.path_exact {
            Some(paths) => paths.iter().any(|x| x.as_slice() == p),
            None => re.is_match(p),
        };
        if !hit {
            return false;
        }
    }
    if !e.client.is_empty() {
        let ip = span(line, f, Std::Client).and_then(|v| {
            let v = v.strip_prefix(b"[").unwrap_or(v);
            let v = v.strip_suffix(b"]").unwrap_or(v);
            let v = v.split(|&b| b == b'%').next()?;
            crate::anonymize::scan::parse_addr(v)
        });
        let Some(ip) = ip else { return false };
        let ip = match ip {
            IpAddr::V6(a) => a.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        if !super::in_nets(ip, &e.client) {
            return false;
        }
    }
    if let Some(bot) = e.bot {
        let Some(ua) = span(line, f, Std::UserAgent) else {
            return false;
        };
        if super::ua::is_bot(ua) != bot {
            return false;
        }
    }
    if !e.qname_suffix.is_empty() {
        let Some(q) = span(line, f, Std::Qname) else {
            return false;
        };
        let q = q.strip_suffix(b".").unwrap_or(q);
        let hit = e.qname_suffix.iter().any(|suf| {
            q.len() >= suf.len()
                && q[q.len() - suf.len()..].eq_ignore_ascii_case(suf)
                && (q.len() == suf.len() || q[q.len() - suf.len() - 1] == b'.')
        });
        if !hit {
            return false;
        }
    }
    true
}
