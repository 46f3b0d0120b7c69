//! Log formats written in the server's own syntax: Apache `LogFormat` (`%h %l %u %t "%r" %>s %b`)
//! and nginx `log_format` (`$remote_addr - $remote_user [$time_local] "$request" ...`).
//!
//! A format string compiles into a list of literals and fields. Matching a line walks that list
//! once, left to right, without regex and without allocation: a field ends where the next literal
//! begins (found with `crate::bytes` searches), except `%t`, which is a bracketed `[...]` value, and a field
//! before the final literal, which ends where the line ends minus that literal (so a user agent
//! containing `" "` still matches). Inside quotes a literal `"` preceded by an odd number of
//! backslashes is an escaped quote, not the end of the field (Apache writes `\"`).
//!
//! Specs: Apache mod_log_config
//! (<https://httpd.apache.org/docs/current/mod/mod_log_config.html#formats>), nginx
//! ngx_http_log_module (<https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format>).
//! The built-in `common`, `combined` and `vhost_combined` are Apache's own definitions.

use super::fields::{Fields, Name, Std};

/// What a field's value must look like for the line to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything up to the next literal.
    Text,
    /// The client address (or host name): see [`plausible_client`].
    Client,
    /// `[...]`, as Apache's `%t`.
    Bracketed,
    /// Three digits, or `-`.
    Status,
    /// Digits, or `-`.
    Bytes,
    /// Digits only.
    Digits,
}

/// One compiled field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Canonical field name (`client`, `time`, `request`, `referrer`, `user_agent`, ...).
    pub name: String,
    /// What the value must look like.
    pub kind: Kind,
}

/// How a field ends, decided when the format is compiled.
#[derive(Debug, Clone)]
enum End {
    /// At the first `first` followed by `rest` (the literal after the field, consumed with it);
    /// inside quotes a backslash-escaped `"` does not count.
    Delim {
        first: u8,
        rest: Vec<u8>,
        quoted: bool,
    },
    /// At the format's final literal, which must end the line (consumed with the field).
    Final(Vec<u8>),
    /// A `[...]` value (Apache's `%t`); what follows is matched as a literal.
    Bracket,
    /// At the end of the line.
    Eol,
}

/// One compiled matching step.
#[derive(Debug, Clone)]
enum Step {
    /// A literal that must stand at the current position.
    Lit(Vec<u8>),
    /// A field: its name, what it must look like, and how it ends.
    Field { name: Name, kind: Kind, end: End },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Lit(Vec<u8>),
    Field(usize),
}

/// A compiled format string.
#[derive(Debug, Clone)]
pub struct Template {
    steps: Vec<Step>,
    fields: Vec<Field>,
    /// Accept more after the last field (` "$http_x_forwarded_for" $request_time`, `%D`), and a
    /// last quoted field cut short by the end of the line: what servers append to the stock
    /// formats, and what a truncated line leaves (see [`Template::lenient`]).
    trailing: bool,
    /// Fields read together after a match (GoAccess formats only).
    joins: Option<Box<Joins>>,
    /// The unit of the `duration` field, when the format has one.
    duration: Option<super::DurationUnit>,
    /// Compiled from [`COMBINED`]: matched by [`Template::parse_combined`].
    combined: bool,
}

/// What a GoAccess format string's fields become after a match: `%d` and `%t` (custom fields
/// `date` and `time_of_day`) are read together as the time, and `%U` (`target`, the path with
/// its query) is split into path and query. Indexes into the template's fields.
#[derive(Debug, Clone, Default)]
struct Joins {
    date: Option<u16>,
    time_of_day: Option<u16>,
    target: Option<u16>,
}

impl Joins {
    /// Which of the three `i` is (0, 1, 2), if any.
    fn slot(&self, i: u16) -> Option<usize> {
        [self.date, self.time_of_day, self.target]
            .iter()
            .position(|&x| x == Some(i))
    }

    /// Adds the joined fields from the spans `seen` (by slot).
    fn finish(&self, line: &[u8], seen: &[Option<(usize, usize)>; 3], f: &mut Fields) {
        match (seen[0], seen[1]) {
            (Some((a, _)), Some((_, b))) if a < b => f.std(Std::Time, a, b),
            (None, Some((a, b))) => f.std(Std::Time, a, b),
            _ => {}
        }
        if let Some((a, b)) = seen[2] {
            match memchr::memchr(b'?', &line[a..b]) {
                Some(q) => {
                    f.std(Std::Path, a, a + q);
                    f.std(Std::Query, a + q + 1, b);
                }
                None => f.std(Std::Path, a, b),
            }
        }
    }
}

/// A format string that cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("format string, column {col}: {msg}")]
pub struct TemplateError {
    /// 1-based column in the format string.
    pub col: usize,
    /// What was wrong and what was expected.
    pub msg: String,
}

/// The Apache common log format.
pub const COMMON: &str = r#"%h %l %u %t "%r" %>s %b"#;
/// The Apache combined log format.
pub const COMBINED: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i""#;
/// Traefik's access log in its CLF form: combined, then the request count, the router, the
/// backend URL and the duration in milliseconds (`… "curl/8.5.0" 12 "web@docker"
/// "http://192.0.2.80:80" 3ms`). Spec: Traefik documentation, "Access Logs", CLF format.
pub const TRAEFIK: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_count "$router_name" "$upstream_addr" ${duration_ms}ms"#;
/// The Apache vhost_combined log format.
pub const VHOST_COMBINED: &str = r#"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#;

fn err(col: usize, msg: impl Into<String>) -> TemplateError {
    TemplateError {
        col: col + 1,
        msg: msg.into(),
    }
}

fn header_field(h: &str) -> (String, Kind) {
    let lower = h.to_ascii_lowercase();
    let name = match lower.as_str() {
        "referer" | "referrer" => "referrer".to_string(),
        "user-agent" => "user_agent".to_string(),
        "x-forwarded-for" => "forwarded_for".to_string(),
        "host" => "vhost".to_string(),
        other => other.replace('-', "_"),
    };
    (name, Kind::Text)
}

fn apache_field(letter: char, arg: Option<&str>) -> Option<(String, Kind)> {
    let (name, kind) = match (letter, arg) {
        ('i', Some(h)) => return Some(header_field(h)),
        ('o', Some(h)) => (
            format!("response_{}", h.to_ascii_lowercase().replace('-', "_")),
            Kind::Text,
        ),
        ('C', Some(c)) => (format!("cookie_{c}"), Kind::Text),
        ('e', Some(v)) | ('n', Some(v)) | ('x', Some(v)) => (v.to_ascii_lowercase(), Kind::Text),
        // `%{name}^ti`, `%{name}^to`: request and response trailers (read as `^` here).
        ('^', Some(t)) => (format!("trailer_{}", t.to_ascii_lowercase()), Kind::Text),
        ('t', Some(_)) => ("time".into(), Kind::Text),
        ('a', Some(_)) => ("client".into(), Kind::Client),
        ('h', _) | ('a', None) => ("client".into(), Kind::Client),
        ('A', _) => ("server".into(), Kind::Text),
        ('l', _) => ("ident".into(), Kind::Text),
        ('u', _) => ("user".into(), Kind::Text),
        ('t', None) => ("time".into(), Kind::Bracketed),
        ('r', _) => ("request".into(), Kind::Text),
        ('s', _) => ("status".into(), Kind::Status),
        ('b', _) => ("bytes".into(), Kind::Bytes),
        ('B', _) => ("bytes".into(), Kind::Digits),
        ('O', _) => ("bytes_out".into(), Kind::Bytes),
        ('I', _) => ("bytes_in".into(), Kind::Bytes),
        ('S', _) => ("bytes_transferred".into(), Kind::Bytes),
        ('D', _) => ("duration_us".into(), Kind::Digits),
        ('T', Some("ms")) => ("duration_ms".into(), Kind::Digits),
        ('T', Some("us")) => ("duration_us".into(), Kind::Digits),
        ('T', _) => ("duration".into(), Kind::Digits),
        ('v', _) | ('V', _) => ("vhost".into(), Kind::Text),
        ('p', Some("remote")) => ("client_port".into(), Kind::Digits),
        ('p', _) => ("port".into(), Kind::Digits),
        ('P', _) => ("pid".into(), Kind::Text),
        ('m', _) => ("method".into(), Kind::Text),
        ('U', _) => ("path".into(), Kind::Text),
        ('q', _) => ("query".into(), Kind::Text),
        ('H', _) => ("protocol".into(), Kind::Text),
        ('f', _) => ("filename".into(), Kind::Text),
        ('k', _) => ("keepalive".into(), Kind::Digits),
        ('L', _) => ("log_id".into(), Kind::Text),
        ('R', _) => ("handler".into(), Kind::Text),
        ('X', _) => ("connection_status".into(), Kind::Text),
        _ => return None,
    };
    Some((name, kind))
}

/// GoAccess's predefined `log-format` names and the format logscrub reads them with: a
/// built-in format, or a GoAccess format string.
pub fn goaccess_named(name: &str) -> Option<&'static str> {
    Some(match name {
        "COMBINED" => "combined",
        "VCOMBINED" => "vhost_combined",
        "COMMON" => "common",
        "VCOMMON" => r#"goaccess:%v:%^ %h %^[%d:%t %^] "%r" %s %b"#,
        "W3C" => "w3c",
        "CLOUDFRONT" => "cloudfront",
        "CLOUDSTORAGE" => "gcs",
        "AWSELB" => "elb",
        "SQUID" => "squid",
        "AWSS3" => "s3",
        "CADDY" => "json",
        "AWSALB" => "alb",
        "TRAEFIKCLF" => "traefik",
        _ => return None,
    })
}

fn nginx_field(var: &str) -> (String, Kind) {
    let (name, kind) = match var {
        "remote_addr" | "realip_remote_addr" => ("client", Kind::Client),
        "binary_remote_addr" => ("binary_client", Kind::Text),
        "remote_user" => ("user", Kind::Text),
        "time_local" | "time_iso8601" | "msec" => ("time", Kind::Text),
        "request" => ("request", Kind::Text),
        "status" => ("status", Kind::Status),
        "body_bytes_sent" => ("bytes", Kind::Bytes),
        "bytes_sent" => ("bytes_out", Kind::Bytes),
        "request_length" => ("bytes_in", Kind::Digits),
        "http_referer" => ("referrer", Kind::Text),
        "http_user_agent" => ("user_agent", Kind::Text),
        "http_x_forwarded_for" | "proxy_add_x_forwarded_for" => ("forwarded_for", Kind::Text),
        "host" | "http_host" | "server_name" => ("vhost", Kind::Text),
        "request_method" => ("method", Kind::Text),
        "uri" | "document_uri" => ("path", Kind::Text),
        "args" | "query_string" => ("query", Kind::Text),
        "server_protocol" => ("protocol", Kind::Text),
        "request_time" => ("duration", Kind::Text),
        "remote_port" => ("client_port", Kind::Digits),
        "server_port" => ("port", Kind::Digits),
        other => return (other.to_string(), Kind::Text),
    };
    (name.to_string(), kind)
}

impl Template {
    /// Compiles an Apache `LogFormat` string.
    pub fn apache(spec: &str) -> Result<Template, TemplateError> {
        let b = spec.as_bytes();
        let mut items = Vec::new();
        let mut fields = Vec::new();
        let mut lit = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'%' {
                lit.push(b[i]);
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            if i < b.len() && b[i] == b'%' {
                lit.push(b'%');
                i += 1;
                continue;
            }
            // Modifiers: `<`, `>`, `!` and status-code lists such as `400,501`.
            while i < b.len() && (b"<>!,".contains(&b[i]) || b[i].is_ascii_digit()) {
                i += 1;
            }
            let mut arg = None;
            if i < b.len() && b[i] == b'{' {
                let close = b[i..]
                    .iter()
                    .position(|&c| c == b'}')
                    .ok_or_else(|| err(i, "`%{` without a closing `}`"))?;
                arg = Some(&spec[i + 1..i + close]);
                i += close + 1;
            }
            let Some(&letter) = b.get(i) else {
                return Err(err(
                    start,
                    "`%` at the end; expected a directive such as %h or %t",
                ));
            };
            let (name, kind) = apache_field(letter as char, arg)
                .ok_or_else(|| err(start, format!("unknown directive `%{}`", letter as char)))?;
            i += 1;
            if letter == b'^' {
                // The trailer directives are `^ti` and `^to`.
                match b.get(i..i + 2) {
                    Some(b"ti" | b"to") => i += 2,
                    _ => return Err(err(start, "`%^` must be `%{name}^ti` or `%{name}^to`")),
                }
            }
            push_field(&mut items, &mut fields, &mut lit, name, kind, start)?;
        }
        let mut t = Self::finish(items, fields, lit)?;
        t.combined = spec == COMBINED;
        Ok(t)
    }

    /// Compiles an nginx `log_format` string.
    pub fn nginx(spec: &str) -> Result<Template, TemplateError> {
        let b = spec.as_bytes();
        let mut items = Vec::new();
        let mut fields = Vec::new();
        let mut lit = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'$' {
                lit.push(b[i]);
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            let braced = i < b.len() && b[i] == b'{';
            if braced {
                i += 1;
            }
            let name_start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            if i == name_start {
                return Err(err(start, "`$` without a variable name"));
            }
            let var = &spec[name_start..i];
            if braced {
                if i >= b.len() || b[i] != b'}' {
                    return Err(err(i, "`${` without a closing `}`"));
                }
                i += 1;
            }
            let (name, kind) = nginx_field(var);
            push_field(&mut items, &mut fields, &mut lit, name, kind, start)?;
        }
        Self::finish(items, fields, lit)
    }

    /// Compiles a GoAccess `log-format` string (`%h %^[%d:%t %^] "%r" %s %b "%R" "%u"`; its
    /// predefined names are mapped by `Format::from_spec` through [`goaccess_named`]). `%d` and `%t` are read together
    /// as the time (whatever `--date-format`/`--time-format` GoAccess was given: the time is read
    /// in any form statistics know), `%U` is split into path and query, `%^` fields are kept
    /// as `ignore`, `~h{, }` (a host in a list) is the `forwarded_for` field, and `\t` stands for
    /// a tab. `%~` (skip spaces) has no place in a format that ends each field at the next
    /// literal, and is refused. Spec: GoAccess man page, "CUSTOM LOG/DATE FORMAT".
    pub fn goaccess(spec: &str) -> Result<Template, TemplateError> {
        let b = spec.as_bytes();
        let mut items = Vec::new();
        let mut fields = Vec::new();
        let mut lit = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            match b[i] {
                b'\\' if b.get(i + 1) == Some(&b't') => {
                    lit.push(b'\t');
                    i += 2;
                    continue;
                }
                b'~' if b.get(i + 1) == Some(&b'h') && b.get(i + 2) == Some(&b'{') => {
                    let close = b[i..]
                        .iter()
                        .position(|&c| c == b'}')
                        .ok_or_else(|| err(i, "`~h{` without a closing `}`"))?;
                    i += close + 1;
                    push_field(
                        &mut items,
                        &mut fields,
                        &mut lit,
                        "forwarded_for".into(),
                        Kind::Text,
                        start,
                    )?;
                    continue;
                }
                b'%' => {}
                c => {
                    lit.push(c);
                    i += 1;
                    continue;
                }
            }
            let Some(&letter) = b.get(i + 1) else {
                return Err(err(
                    start,
                    "`%` at the end; expected a specifier such as %h or %d",
                ));
            };
            i += 2;
            let (name, kind) = match letter {
                b'%' => {
                    lit.push(b'%');
                    continue;
                }
                b'x' => ("time", Kind::Text),
                b'd' => ("date", Kind::Text),
                b't' => ("time_of_day", Kind::Text),
                b'v' => ("vhost", Kind::Text),
                b'e' => ("user", Kind::Text),
                b'C' => ("cache_status", Kind::Text),
                b'h' => ("client", Kind::Client),
                b'r' => ("request", Kind::Text),
                b'm' => ("method", Kind::Text),
                b'U' => ("target", Kind::Text),
                b'q' => ("query", Kind::Text),
                b'H' => ("protocol", Kind::Text),
                b's' => ("status", Kind::Status),
                b'b' => ("bytes", Kind::Bytes),
                b'R' => ("referrer", Kind::Text),
                b'u' => ("user_agent", Kind::Text),
                b'K' => ("tls_cipher", Kind::Text),
                b'k' => ("tls_version", Kind::Text),
                b'M' => ("mime_type", Kind::Text),
                b'D' => ("duration_us", Kind::Text),
                b'T' => ("duration", Kind::Text),
                b'L' => ("duration_ms", Kind::Text),
                b'n' => ("duration_ns", Kind::Text),
                b'^' => ("ignore", Kind::Text),
                b'~' => {
                    return Err(err(
                        start,
                        "`%~` (skip spaces) is not supported; write the spaces the lines have",
                    ));
                }
                _ => {
                    return Err(err(
                        start,
                        format!("unknown specifier `%{}`", letter as char),
                    ));
                }
            };
            push_field(&mut items, &mut fields, &mut lit, name.into(), kind, start)?;
        }
        let index = |name: &str| {
            fields
                .iter()
                .position(|f: &Field| f.name == name)
                .map(|k| k as u16)
        };
        let joins = Joins {
            date: index("date"),
            time_of_day: index("time_of_day"),
            target: index("target"),
        };
        let mut t = Self::finish(items, fields, lit)?;
        if joins.date.is_some() || joins.time_of_day.is_some() || joins.target.is_some() {
            t.joins = Some(Box::new(joins));
        }
        Ok(t)
    }

    fn finish(
        mut items: Vec<Item>,
        fields: Vec<Field>,
        lit: Vec<u8>,
    ) -> Result<Template, TemplateError> {
        if !lit.is_empty() {
            items.push(Item::Lit(lit));
        }
        if fields.is_empty() {
            return Err(err(
                0,
                "no fields; expected at least one directive such as %h or $remote_addr",
            ));
        }
        let mut steps = Vec::new();
        let mut k = 0;
        while k < items.len() {
            match (&items[k], items.get(k + 1)) {
                (Item::Lit(l), _) => steps.push(Step::Lit(l.clone())),
                (Item::Field(f), next) => {
                    let kind = fields[*f].kind;
                    let name =
                        Std::from_name(&fields[*f].name).map_or(Name::Custom(*f as u16), Name::Std);
                    let end = match next {
                        None => End::Eol,
                        Some(Item::Lit(_)) if kind == Kind::Bracketed => End::Bracket,
                        Some(Item::Lit(l)) => {
                            k += 1; // the literal is consumed with the field
                            if k + 1 == items.len() {
                                End::Final(l.clone())
                            } else {
                                End::Delim {
                                    first: l[0],
                                    rest: l[1..].to_vec(),
                                    quoted: l[0] == b'"',
                                }
                            }
                        }
                        Some(Item::Field(_)) if kind == Kind::Bracketed => End::Bracket,
                        Some(Item::Field(_)) => {
                            unreachable!("adjacent fields are refused at compile time")
                        }
                    };
                    steps.push(Step::Field { name, kind, end });
                }
            }
            k += 1;
        }
        // `%O` (bytes sent, headers included: Debian's stock vhost_combined) stands for the
        // response size when the format has no `%b`.
        if !fields.iter().any(|f| f.name == "bytes")
            && let Some(i) = fields.iter().position(|f| f.name == "bytes_out")
        {
            for st in &mut steps {
                if let Step::Field { name, .. } = st
                    && *name == Name::Custom(i as u16)
                {
                    *name = Name::Std(Std::Bytes);
                }
            }
        }
        // The duration: `duration` (seconds: Apache's `%T`, nginx's `$request_time`), else one
        // in another unit (`%D`, `%{ms}T`, GoAccess's `%L`, `%n`), which then is the `duration`.
        use super::DurationUnit as U;
        let mut duration = fields
            .iter()
            .any(|f| f.name == "duration")
            .then_some(U::Seconds);
        if duration.is_none()
            && let Some((i, unit)) = fields.iter().enumerate().find_map(|(i, f)| {
                let unit = match f.name.as_str() {
                    "duration_ms" => U::Millis,
                    "duration_us" => U::Micros,
                    "duration_ns" => U::Nanos,
                    _ => return None,
                };
                Some((i, unit))
            })
        {
            duration = Some(unit);
            for st in &mut steps {
                if let Step::Field { name, .. } = st
                    && *name == Name::Custom(i as u16)
                {
                    *name = Name::Std(Std::Duration);
                }
            }
        }
        Ok(Template {
            steps,
            fields,
            trailing: false,
            joins: None,
            duration,
            combined: false,
        })
    }

    /// The same format, also taking lines with more fields after its last one, and lines whose
    /// last quoted field is cut short: how `--format combined` (and `auto`) reads nginx's `main`
    /// with `"$http_x_forwarded_for"`, Apache's combined with `%D`, and truncated lines.
    pub fn lenient(mut self) -> Template {
        self.trailing = true;
        self
    }

    /// The unit of the `duration` field, when the format has one.
    pub fn duration_unit(&self) -> Option<super::DurationUnit> {
        self.duration
    }

    /// The compiled fields, in order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The text name of a field this template reported.
    pub fn field_name(&self, n: Name) -> &str {
        match n {
            Name::Std(s) => s.name(),
            Name::Custom(i) => &self.fields[i as usize].name,
        }
    }

    /// Matches `line`, adding one span per field to `fields`. On mismatch returns the 0-based
    /// byte column where the line stopped matching (the fields added so far are meaningless).
    pub fn parse(&self, line: &[u8], fields: &mut Fields) -> Result<(), usize> {
        if self.combined {
            return self.parse_combined(line, fields);
        }
        self.interpret(line, fields)
    }

    /// [`Template::parse`] step by step.
    fn interpret(&self, line: &[u8], fields: &mut Fields) -> Result<(), usize> {
        let mut pos = 0;
        let mut seen = [None; 3];
        for step in &self.steps {
            match step {
                Step::Lit(l) => {
                    if !has_prefix(&line[pos..], l) {
                        return Err(pos);
                    }
                    pos += l.len();
                }
                Step::Field { name, kind, end } => {
                    let start = pos;
                    let (field_end, next) = match end {
                        End::Delim {
                            first,
                            rest,
                            quoted,
                        } => delim(line, pos, *first, rest, *quoted)?,
                        End::Final(l) => final_end(line, pos, l, self.trailing)?,
                        End::Bracket => bracket(line, pos)?,
                        End::Eol => (line.len(), line.len()),
                    };
                    if !valid(*kind, &line[start..field_end]) {
                        return Err(start);
                    }
                    if let (Some(j), Name::Custom(i)) = (&self.joins, name)
                        && let Some(k) = j.slot(*i)
                    {
                        seen[k] = Some((start, field_end));
                    }
                    fields.push(*name, start, field_end);
                    pos = next;
                }
            }
        }
        if self.ends(line, pos) {
            if let Some(j) = &self.joins {
                j.finish(line, &seen, fields);
            }
            Ok(())
        } else {
            Err(pos)
        }
    }
}

impl Template {
    /// Whether a match that reached `pos` covers the line: its end, or (lenient) a space before
    /// what a server appended.
    #[inline(always)]
    fn ends(&self, line: &[u8], pos: usize) -> bool {
        pos == line.len() || (self.trailing && line[pos] == b' ')
    }

    /// [`Template::parse`] for Apache's `combined` ([`COMBINED`]), unrolled: the same steps
    /// through the same functions, in the order the interpreter takes them for that format
    /// (the format most logs are in: the interpreter's dispatch was a third of the parse).
    /// Tested equal to the interpreter on any line (`combined_fast_path_is_the_interpreter`).
    #[inline(always)]
    fn parse_combined(&self, line: &[u8], f: &mut Fields) -> Result<(), usize> {
        let (end, mut pos) = delim(line, 0, b' ', b"", false)?;
        if !plausible_client(&line[..end]) {
            return Err(0);
        }
        f.std(Std::Client, 0, end);
        for s in [Std::Ident, Std::User] {
            let (end, next) = delim(line, pos, b' ', b"", false)?;
            f.std(s, pos, end);
            pos = next;
        }
        let (end, next) = bracket(line, pos)?;
        f.std(Std::Time, pos, end);
        pos = next;
        if !has_prefix(&line[pos..], b" \"") {
            return Err(pos);
        }
        pos += 2;
        let (end, next) = delim(line, pos, b'"', b" ", true)?;
        f.std(Std::Request, pos, end);
        pos = next;
        let (end, next) = delim(line, pos, b' ', b"", false)?;
        if !valid(Kind::Status, &line[pos..end]) {
            return Err(pos);
        }
        f.std(Std::Status, pos, end);
        pos = next;
        let (end, next) = delim(line, pos, b' ', b"\"", false)?;
        if !valid(Kind::Bytes, &line[pos..end]) {
            return Err(pos);
        }
        f.std(Std::Bytes, pos, end);
        pos = next;
        let (end, next) = delim(line, pos, b'"', b" \"", true)?;
        f.std(Std::Referrer, pos, end);
        pos = next;
        let (end, next) = final_end(line, pos, b"\"", self.trailing)?;
        f.std(Std::UserAgent, pos, end);
        if self.ends(line, next) {
            Ok(())
        } else {
            Err(next)
        }
    }
}

/// Where a field that begins at `pos` ends: at the first `first` followed by `rest` (inside
/// quotes, a `"` escaped by a backslash does not count), and where matching goes on after that
/// literal; `Err(pos)` when there is none.
#[inline(always)]
fn delim(
    line: &[u8],
    pos: usize,
    first: u8,
    rest: &[u8],
    quoted: bool,
) -> Result<(usize, usize), usize> {
    let mut at = pos;
    loop {
        let j = at + find_byte(first, &line[at..]).ok_or(pos)?;
        if has_prefix(&line[j + 1..], rest) && (!quoted || !escaped(line, pos, j)) {
            return Ok((j, j + 1 + rest.len()));
        }
        at = j + 1;
    }
}

/// Where the last field, which begins at `pos`, ends: before the format's final literal `l`.
/// Strict, `l` ends the line. Lenient (`trailing`), the first `l` followed by the end or a space
/// (more fields follow); none: the line was cut inside the field, which runs to its end.
#[inline(always)]
fn final_end(line: &[u8], pos: usize, l: &[u8], trailing: bool) -> Result<(usize, usize), usize> {
    if !trailing {
        if line.len() < pos + l.len() || !has_prefix(&line[line.len() - l.len()..], l) {
            return Err(line.len());
        }
        return Ok((line.len() - l.len(), line.len()));
    }
    let mut at = pos;
    loop {
        match find_byte(l[0], &line[at..]) {
            Some(j) => {
                let j = at + j;
                let after = j + l.len();
                if has_prefix(&line[j..], l)
                    && (after == line.len() || line[after] == b' ')
                    && !escaped(line, pos, j)
                {
                    return Ok((j, after));
                }
                at = j + 1;
            }
            None => return Ok((line.len(), line.len())),
        }
    }
}

/// A `[...]` field (Apache's `%t`) at `pos`: its end, just after the `]`.
#[inline(always)]
fn bracket(line: &[u8], pos: usize) -> Result<(usize, usize), usize> {
    if line.get(pos) != Some(&b'[') {
        return Err(pos);
    }
    let j = pos + find_byte(b']', &line[pos..]).ok_or(line.len())? + 1;
    Ok((j, j))
}

/// True when the byte at `j` is preceded (back to `from`) by an odd number of backslashes.
#[inline(always)]
fn escaped(line: &[u8], from: usize, j: usize) -> bool {
    line[from..j]
        .iter()
        .rev()
        .take_while(|&&c| c == b'\\')
        .count()
        % 2
        == 1
}

/// The first `b` in `hay` (see [`crate::bytes`]).
#[inline]
fn find_byte(b: u8, hay: &[u8]) -> Option<usize> {
    crate::bytes::find_byte(b, hay)
}

/// `h.starts_with(p)` for the short literals of a format, without a `memcmp` call.
#[inline]
fn has_prefix(h: &[u8], p: &[u8]) -> bool {
    match p {
        [b] => h.first() == Some(b),
        _ => h.len() >= p.len() && h.iter().zip(p).all(|(a, b)| a == b),
    }
}

fn push_field(
    items: &mut Vec<Item>,
    fields: &mut Vec<Field>,
    lit: &mut Vec<u8>,
    name: String,
    kind: Kind,
    col: usize,
) -> Result<(), TemplateError> {
    // Only a bracketed field (`%t`) knows where it ends without a literal after it.
    if lit.is_empty()
        && let Some(Item::Field(prev)) = items.last()
        && fields[*prev].kind != Kind::Bracketed
    {
        return Err(err(
            col,
            "two fields with nothing between them cannot be told apart; put a separator between them",
        ));
    }
    if !lit.is_empty() {
        items.push(Item::Lit(std::mem::take(lit)));
    }
    items.push(Item::Field(fields.len()));
    fields.push(Field { name, kind });
    Ok(())
}

/// A client field holds an address (`192.0.2.1`, `[2001:db8::1]:443`, `fe80::1%eth0`), a host
/// name, or `-`. Anything else (spaces, control bytes, quotes) means the line is not this format.
pub fn plausible_client(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(|&b| CLIENT_BYTES[usize::from(b)])
}

/// The bytes of a client field: ASCII letters and digits and `.:-_[]%` (a table: one load per
/// byte, this runs on every line).
static CLIENT_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'.' | b':' | b'-' | b'_' | b'[' | b']' | b'%');
        b += 1;
    }
    t
};

fn valid(kind: Kind, v: &[u8]) -> bool {
    match kind {
        Kind::Text | Kind::Bracketed => true,
        Kind::Client => plausible_client(v),
        Kind::Status => v == b"-" || (v.len() == 3 && v.iter().all(u8::is_ascii_digit)),
        Kind::Bytes => v == b"-" || (!v.is_empty() && v.iter().all(u8::is_ascii_digit)),
        Kind::Digits => !v.is_empty() && v.iter().all(u8::is_ascii_digit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(t: &Template, line: &str) -> Result<Vec<(String, String)>, usize> {
        let mut f = Fields::default();
        t.parse(line.as_bytes(), &mut f)?;
        Ok(f.iter()
            .map(|(n, s, e)| (t.field_name(n).to_string(), line[s..e].to_string()))
            .collect())
    }

    fn get(v: &[(String, String)], name: &str) -> String {
        v.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// GoAccess format strings (its man page's and its predefined ones), with lines they read.
    #[test]
    fn goaccess_format_strings() {
        let combined = r#"192.0.2.17 - alice [10/Oct/2026:13:55:36 +0200] "GET /a?b=1 HTTP/1.1" 200 5123 "https://www.example.org/" "curl/8.5.0""#;
        let t = Template::goaccess(r#"%h %^[%d:%t %^] "%r" %s %b "%R" "%u""#).unwrap();
        let v = fields(&t, combined).unwrap();
        for (name, want) in [
            ("client", "192.0.2.17"),
            ("time", "10/Oct/2026:13:55:36"),
            ("request", "GET /a?b=1 HTTP/1.1"),
            ("status", "200"),
            ("bytes", "5123"),
            ("referrer", "https://www.example.org/"),
            ("user_agent", "curl/8.5.0"),
            ("ignore", "- alice "),
        ] {
            assert_eq!(get(&v, name), want, "{name}");
        }
        // GoAccess's W3C: date and time apart, joined; `%U` split into path and query; `\t`.
        let t = Template::goaccess(r"%d %t %h %m %U %s %b %D\t%u").unwrap();
        let line = "2026-10-10 13:55:36 2001:db8::17 GET /x.php?id=7 404 0 1520\tMozilla/5.0+(X11)";
        let v = fields(&t, line).unwrap();
        for (name, want) in [
            ("time", "2026-10-10 13:55:36"),
            ("client", "2001:db8::17"),
            ("method", "GET"),
            ("path", "/x.php"),
            ("query", "id=7"),
            ("target", "/x.php?id=7"),
            ("duration", "1520"),
            ("user_agent", "Mozilla/5.0+(X11)"),
        ] {
            assert_eq!(get(&v, name), want, "{name}");
        }
        // `%x`: date and time in one field; `~h{, }`: a list of hosts.
        let t = Template::goaccess(r#"%x ~h{, } "%r" %s %L"#).unwrap();
        let line = r#"1791640536 192.0.2.17, 203.0.113.9 "GET / HTTP/2.0" 200 12"#;
        let v = fields(&t, line).unwrap();
        assert_eq!(get(&v, "time"), "1791640536");
        assert_eq!(get(&v, "forwarded_for"), "192.0.2.17, 203.0.113.9");
        assert_eq!(get(&v, "duration"), "12");
        // A line of another shape does not match.
        let t = Template::goaccess(r#"%h %^[%d:%t %^] "%r" %s %b"#).unwrap();
        assert!(fields(&t, "not a log line").is_err());
        // Errors name the column.
        for (spec, msg) in [
            ("%h %Z", "column 4: unknown specifier `%Z`"),
            ("%h %~%r", "column 4: `%~` (skip spaces) is not supported"),
            ("%h%s", "column 3: two fields with nothing between them"),
            ("%h %", "column 4: `%` at the end"),
        ] {
            let e = Template::goaccess(spec).unwrap_err().to_string();
            assert!(e.contains(msg), "{spec}: {e}");
        }
    }

    #[test]
    fn combined_variants() {
        let t = Template::apache(COMBINED).unwrap();
        let table = [
            (
                r#"192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET /a.html?x=1 HTTP/1.1" 200 5123 "https://www.example.org/" "Mozilla/5.0 (X11; Linux x86_64)""#,
                "192.0.2.17",
                "GET /a.html?x=1 HTTP/1.1",
                "200",
                "Mozilla/5.0 (X11; Linux x86_64)",
            ),
            (
                r#"2001:db8::5 - alice [10/Oct/2026:13:55:36 -0700] "POST /api HTTP/2.0" 404 - "-" "curl/8.5.0""#,
                "2001:db8::5",
                "POST /api HTTP/2.0",
                "404",
                "curl/8.5.0",
            ),
            (
                r#"192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /q?s=\"x\" HTTP/1.1" 200 1 "-" "UA with \"quotes\" \" inside""#,
                "192.0.2.1",
                r#"GET /q?s=\"x\" HTTP/1.1"#,
                "200",
                r#"UA with \"quotes\" \" inside"#,
            ),
            (
                r#"host.example.net - - [10/Oct/2026:13:55:36 +0000] "-" 408 - "-" "-""#,
                "host.example.net",
                "-",
                "408",
                "-",
            ),
        ];
        for (line, client, req, status, ua) in table {
            let v = fields(&t, line).unwrap_or_else(|c| panic!("{line}: col {c}"));
            assert_eq!(get(&v, "client"), client);
            assert_eq!(get(&v, "request"), req);
            assert_eq!(get(&v, "status"), status);
            assert_eq!(get(&v, "user_agent"), ua);
            assert_eq!(get(&v, "time").chars().next(), Some('['));
        }
    }

    #[test]
    fn mismatches_report_a_column() {
        let t = Template::apache(COMBINED).unwrap();
        assert_eq!(
            fields(
                &t,
                "192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 2x0 1 \"-\" \"-\""
            )
            .unwrap_err(),
            60
        );
        assert!(fields(&t, "192.0.2.1 - - [10/Oct/2026:13:55").is_err());
        assert!(fields(&t, "").is_err());
        assert!(fields(&t, "garbage").is_err());
        let common = Template::apache(COMMON).unwrap();
        assert!(
            fields(
                &common,
                r#"192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "-""#
            )
            .is_err(),
            "trailing fields do not match common"
        );
        assert!(
            fields(
                &common,
                r#"192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 1"#
            )
            .is_ok()
        );
    }

    #[test]
    fn vhost_combined_and_nginx() {
        let t = Template::apache(VHOST_COMBINED).unwrap();
        let v = fields(&t, r#"www.example.com:443 192.0.2.9 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "-""#).unwrap();
        assert_eq!(
            (get(&v, "vhost"), get(&v, "port"), get(&v, "client")),
            ("www.example.com".into(), "443".into(), "192.0.2.9".into())
        );
        assert!(
            fields(
                &t,
                r#"2001:db8::1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "-""#
            )
            .is_err()
        );

        let n = Template::nginx(r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#).unwrap();
        let v = fields(&n, r#"198.51.100.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 0 "-" "curl/8" "203.0.113.9, 2001:db8::17""#).unwrap();
        assert_eq!(get(&v, "forwarded_for"), "203.0.113.9, 2001:db8::17");
        assert_eq!(get(&v, "time"), "10/Oct/2026:13:55:36 +0000");
        let names: Vec<&str> = n.fields().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "client",
                "user",
                "time",
                "request",
                "status",
                "bytes",
                "referrer",
                "user_agent",
                "forwarded_for"
            ]
        );
    }

    /// nginx's variables (ngx_http_core_module's "Embedded Variables", the log, upstream,
    /// SSL, realip, proxy-protocol, geo and header families), each as nginx writes it: every
    /// one is accepted in a `log_format`, read into its field (the shared vocabulary where there
    /// is one, else the variable's own name) with the value as written, and every address
    /// literal in the line, whichever variable holds it, is rewritten.
    #[test]
    fn every_nginx_variable_reads_its_value() {
        use crate::anonymize::{Anonymizer, Cache, Scheme};
        // (variable, a value as nginx writes it, the field it is read into)
        let table: &[(&str, &str, &str)] = &[
            ("remote_addr", "192.0.2.17", "client"),
            ("realip_remote_addr", "2001:db8::17", "client"),
            ("remote_port", "53142", "client_port"),
            ("remote_user", "alice", "user"),
            ("binary_remote_addr", r"\xC0\x00\x02\x11", "binary_client"),
            (
                "proxy_protocol_addr",
                "198.51.100.17",
                "proxy_protocol_addr",
            ),
            ("proxy_protocol_port", "40000", "proxy_protocol_port"),
            ("realip_remote_port", "40001", "realip_remote_port"),
            ("server_addr", "192.0.2.80", "server_addr"),
            ("server_port", "443", "port"),
            ("server_name", "www.example.com", "vhost"),
            ("host", "www.example.com", "vhost"),
            ("http_host", "www.example.com:8443", "vhost"),
            ("hostname", "web1", "hostname"),
            ("time_local", "10/Oct/2026:13:55:36 +0000", "time"),
            ("time_iso8601", "2026-10-10T13:55:36+00:00", "time"),
            ("msec", "1791640536.123", "time"),
            ("request", "GET /a?b=1 HTTP/1.1", "request"),
            ("request_method", "POST", "method"),
            ("uri", "/a/b.html", "path"),
            ("document_uri", "/index.php", "path"),
            ("request_uri", "/a?b=1", "request_uri"),
            ("args", "b=1&c=2", "query"),
            ("query_string", "b=1", "query"),
            ("arg_page", "2", "arg_page"),
            ("is_args", "?", "is_args"),
            ("scheme", "https", "scheme"),
            ("https", "on", "https"),
            ("server_protocol", "HTTP/2.0", "protocol"),
            ("status", "404", "status"),
            ("body_bytes_sent", "5123", "bytes"),
            // Read as the bytes when the format has no `$body_bytes_sent` (as Apache's `%O`).
            ("bytes_sent", "5400", "bytes"),
            ("request_length", "312", "bytes_in"),
            ("request_time", "0.005", "duration"),
            ("connection", "1234", "connection"),
            ("connection_requests", "3", "connection_requests"),
            ("pipe", "p", "pipe"),
            (
                "request_id",
                "6f1ab0c7e2d94a5bb8f0e7d6c5b4a392",
                "request_id",
            ),
            ("gzip_ratio", "3.21", "gzip_ratio"),
            (
                "http_referer",
                "https://www.example.org/?from=192.0.2.99",
                "referrer",
            ),
            (
                "http_user_agent",
                "Mozilla/5.0 (X11; Linux x86_64)",
                "user_agent",
            ),
            (
                "http_x_forwarded_for",
                "203.0.113.9, 2001:db8:aa::9",
                "forwarded_for",
            ),
            (
                "proxy_add_x_forwarded_for",
                "203.0.113.9, 192.0.2.17",
                "forwarded_for",
            ),
            ("http_x_real_ip", "203.0.113.10", "http_x_real_ip"),
            ("http_cookie", "sid=abc; theme=dark", "http_cookie"),
            ("cookie_sid", "abc", "cookie_sid"),
            (
                "sent_http_content_type",
                "text/html; charset=utf-8",
                "sent_http_content_type",
            ),
            (
                "upstream_addr",
                "198.51.100.10:8080, 198.51.100.11:8080",
                "upstream_addr",
            ),
            ("upstream_status", "502, 200", "upstream_status"),
            (
                "upstream_response_time",
                "0.001, 0.004",
                "upstream_response_time",
            ),
            ("upstream_connect_time", "0.000", "upstream_connect_time"),
            ("upstream_header_time", "0.003", "upstream_header_time"),
            ("upstream_cache_status", "HIT", "upstream_cache_status"),
            ("upstream_bytes_received", "5400", "upstream_bytes_received"),
            ("ssl_protocol", "TLSv1.3", "ssl_protocol"),
            ("ssl_cipher", "TLS_AES_256_GCM_SHA384", "ssl_cipher"),
            ("ssl_server_name", "www.example.com", "ssl_server_name"),
            ("ssl_session_reused", "r", "ssl_session_reused"),
            ("geoip_country_code", "NL", "geoip_country_code"),
            ("http2", "h2", "http2"),
            ("limit_req_status", "PASSED", "limit_req_status"),
            ("nginx_version", "1.22.1", "nginx_version"),
            ("pid", "4242", "pid"),
        ];
        let a = Anonymizer::new(Scheme::Truncate, 24, 48, Vec::new());
        for (var, value, name) in table {
            // In nginx's `main` shape, the variable quoted (values may hold spaces) and last.
            let spec =
                format!(r#"$remote_addr - $remote_user [$time_local] "$request" $status "${var}""#);
            let t = Template::nginx(&spec).unwrap_or_else(|e| panic!("${var}: {e:?}"));
            let line = format!(
                r#"192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 "{value}""#
            );
            let v = fields(&t, &line).unwrap_or_else(|c| panic!("${var}: col {c}"));
            // The variable's own field: the last one (an earlier `client`, `time` … is the
            // format's own).
            let last = v.last().unwrap();
            assert_eq!(
                (last.0.as_str(), last.1.as_str()),
                (*name, *value),
                "${var}"
            );
            assert_eq!(get(&v, "client"), "192.0.2.17", "${var}");
            // Unquoted at the end of the line too, as many custom formats write numbers.
            if !value.contains(' ') {
                let t = Template::nginx(&format!("$remote_addr [$time_local] ${var}")).unwrap();
                let line = format!("192.0.2.17 [10/Oct/2026:13:55:36 +0000] {value}");
                let v = fields(&t, &line).unwrap_or_else(|c| panic!("${var} unquoted: col {c}"));
                assert_eq!(v.last().unwrap().1, *value, "${var} unquoted");
            }
            // Every address the finder sees (`$binary_remote_addr`'s bytes no finder sees: the
            // pipeline rewrites that field, tests/integration/hostile.rs).
            let mut out = Vec::new();
            a.rewrite_line(line.as_bytes(), b'\n', &mut out, &mut Cache::default());
            let out = String::from_utf8(out).unwrap();
            for raw in [
                "192.0.2.17",
                "192.0.2.99",
                "2001:db8::17",
                "198.51.100.17",
                "198.51.100.10",
                "203.0.113.9",
                "203.0.113.10",
                "2001:db8:aa::9",
                "192.0.2.80",
            ] {
                assert!(!out.contains(raw), "${var}: {raw} in {out}");
            }
        }
    }

    /// Every directive of Apache's mod_log_config (2.4), each with a value as Apache writes it:
    /// accepted, read into its field with the value as written.
    #[test]
    fn every_apache_directive_reads_its_value() {
        // (directive, a value as Apache writes it, the field it is read into)
        let table: &[(&str, &str, &str)] = &[
            ("%a", "192.0.2.17", "client"),
            ("%{c}a", "198.51.100.7", "client"),
            ("%A", "192.0.2.80", "server"),
            ("%B", "5123", "bytes"),
            ("%b", "-", "bytes"),
            ("%{sid}C", "abc", "cookie_sid"),
            ("%D", "5012", "duration"),
            ("%{HOME}e", "/var/www", "home"),
            ("%f", "/var/www/html/index.html", "filename"),
            ("%h", "client.example.net", "client"),
            ("%{c}h", "192.0.2.17", "client"),
            ("%H", "HTTP/1.1", "protocol"),
            ("%{Referer}i", "https://www.example.org/", "referrer"),
            (
                "%{X-Forwarded-For}i",
                "203.0.113.9, 192.0.2.17",
                "forwarded_for",
            ),
            ("%k", "0", "keepalive"),
            ("%l", "-", "ident"),
            ("%L", "AAAAAAAAAAAAAAAAAAAAAA", "log_id"),
            ("%m", "GET", "method"),
            ("%{note}n", "x", "note"),
            ("%{Content-Type}o", "text/html", "response_content_type"),
            ("%p", "443", "port"),
            ("%{remote}p", "53142", "client_port"),
            ("%{local}p", "443", "port"),
            ("%P", "4242", "pid"),
            ("%{tid}P", "139712", "pid"),
            ("%q", "?a=1", "query"),
            ("%r", "GET /?a=1 HTTP/1.1", "request"),
            ("%R", "php-fpm", "handler"),
            ("%s", "200", "status"),
            ("%>s", "404", "status"),
            ("%t", "[10/Oct/2026:13:55:36 +0000]", "time"),
            ("%{%Y-%m-%d %H:%M:%S}t", "2026-10-10 13:55:36", "time"),
            ("%{msec}t", "1791640536123", "time"),
            ("%T", "1", "duration"),
            ("%{ms}T", "5", "duration"),
            ("%{us}T", "5000", "duration"),
            ("%u", "alice", "user"),
            ("%U", "/index.html", "path"),
            ("%v", "www.example.com", "vhost"),
            ("%V", "www.example.com", "vhost"),
            ("%X", "+", "connection_status"),
            ("%I", "312", "bytes_in"),
            ("%O", "5400", "bytes"),
            ("%S", "5712", "bytes_transferred"),
            ("%{SSL_PROTOCOL}x", "TLSv1.3", "ssl_protocol"),
            ("%{grpc-status}^ti", "0", "trailer_grpc-status"),
            ("%{grpc-status}^to", "0", "trailer_grpc-status"),
        ];
        for (directive, value, name) in table {
            // The value quoted where Apache formats put free text, so values may hold spaces.
            let spec = format!(r#"%h [%{{%d/%b/%Y:%H:%M:%S %z}}t] "{directive}""#);
            let spec = if *directive == "%t" {
                format!("%h {directive}")
            } else {
                spec
            };
            let t = Template::apache(&spec).unwrap_or_else(|e| panic!("{directive}: {e:?}"));
            let line = if *directive == "%t" {
                format!("192.0.2.1 {value}")
            } else {
                format!(r#"192.0.2.1 [10/Oct/2026:13:55:36 +0000] "{value}""#)
            };
            let v = fields(&t, &line).unwrap_or_else(|c| panic!("{directive}: col {c}"));
            let last = v.last().unwrap();
            assert_eq!(
                (last.0.as_str(), last.1.as_str()),
                (*name, *value),
                "{directive}"
            );
        }
    }

    #[test]
    fn field_names_from_directives() {
        let t =
            Template::apache(r#"%a %{X-Forwarded-For}i %{Host}i %D "%{Cookie}i" %{%Y-%m-%d}t %%"#);
        // `%{%Y-%m-%d}t` has a `}` inside braces only at the end: fine.
        let t = t.unwrap();
        let names: Vec<&str> = t.fields().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "client",
                "forwarded_for",
                "vhost",
                "duration_us",
                "cookie",
                "time"
            ]
        );
        let n = Template::nginx("${remote_addr} $request_time $upstream_addr").unwrap();
        let names: Vec<&str> = n.fields().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["client", "duration", "upstream_addr"]);
    }

    #[test]
    fn compile_errors_name_the_column() {
        let e = Template::apache("%h %Z").unwrap_err();
        assert_eq!((e.col, e.msg.as_str()), (4, "unknown directive `%Z`"));
        assert_eq!(Template::apache("%h%u").unwrap_err().col, 3);
        assert_eq!(
            Template::apache("%h%t").unwrap_err().col,
            3,
            "only a bracketed field may come first"
        );
        let t = Template::apache("%t%h").unwrap();
        let mut f = Fields::default();
        assert!(
            t.parse(b"[10/Oct/2026:13:55:36 +0000]192.0.2.1", &mut f)
                .is_ok()
        );
        assert_eq!(
            f.iter().map(|(_, a, b)| (a, b)).collect::<Vec<_>>(),
            [(0, 28), (28, 37)]
        );
        assert_eq!(Template::apache("%{Referer").unwrap_err().col, 2);
        assert!(Template::apache("just text").is_err());
        assert_eq!(Template::nginx("$ x").unwrap_err().col, 1);
        assert_eq!(Template::nginx("${remote_addr x").unwrap_err().col, 14);
    }
}

/// mod_ssl's `ssl_request_log` format and the trailer directives compile and match (issue 17).
#[cfg(test)]
mod more_directives {
    use super::*;

    #[test]
    fn ssl_variables_and_trailers() {
        let t =
            Template::apache(r#"%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x "%r" %b %{a}^ti %{b}^to"#)
                .unwrap();
        let mut f = Fields::default();
        let line = r#"[03/Dec/2026:07:00:00 +0000] 192.0.2.7 TLSv1.3 TLS_AES_256_GCM_SHA384 "GET / HTTP/1.1" 512 x y"#;
        t.parse(line.as_bytes(), &mut f).unwrap();
        let (a, b) = f.get(Std::Client).unwrap();
        assert_eq!(&line[a..b], "192.0.2.7");
        assert!(Template::apache("%{a}^tx").is_err());
    }

    /// Lines near the combined format: real lines with bytes replaced, inserted and cut, from
    /// the bytes that decide a match (spaces, quotes, backslashes, brackets, digits, `-`).
    fn near_combined() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let base = prop::sample::select(vec![
            r#"192.0.2.7 - - [10/Oct/2026:13:55:36 +0000] "GET /a?b=1 HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0 (X11)""#,
            r#"2001:db8::1 - alice [10/Oct/2026:13:55:36 +0000] "GET /x\" y HTTP/1.0" 404 - "-" "curl/8.5.0" "198.51.100.1""#,
            r#"host.example - - [10/Oct/2026:13:55:36 +0000] "-" 400 0 "-" "-" 0.003"#,
        ]);
        let edit = (
            0usize..200,
            prop::sample::select(b" \"\\[]-0123456789aZ:".to_vec()),
            0u8..4,
        );
        (base, prop::collection::vec(edit, 0..6)).prop_map(|(b, edits)| {
            let mut v = b.as_bytes().to_vec();
            for (at, byte, op) in edits {
                let at = at % (v.len() + 1);
                match op {
                    0 if at < v.len() => v[at] = byte,
                    1 => v.insert(at, byte),
                    2 if at < v.len() => {
                        v.remove(at);
                    }
                    _ => v.truncate(at),
                }
            }
            v
        })
    }

    proptest::proptest! {
        /// The unrolled combined parse gives what the interpreter gives, fields and error column,
        /// on any line, strict and lenient.
        #[test]
        fn combined_fast_path_is_the_interpreter(line in near_combined()) {
            for t in [Template::apache(COMBINED).unwrap(), Template::apache(COMBINED).unwrap().lenient()] {
                proptest::prop_assert!(t.combined);
                let (mut fast, mut slow) = (Fields::default(), Fields::default());
                let a = t.parse(&line, &mut fast);
                let b = t.interpret(&line, &mut slow);
                proptest::prop_assert_eq!(a, b);
                if a.is_ok() {
                    proptest::prop_assert_eq!(fast.iter().collect::<Vec<_>>(), slow.iter().collect::<Vec<_>>());
                }
            }
        }
    }
}
