//! The W3C extended log format (IIS, and other servers and appliances that write it): lines of
//! space-separated fields (tab-separated too, when a tab follows the date) whose names and order a `#Fields:` directive gives, which applies to the
//! lines after it until the next one (IIS writes the header again at each restart, and a new
//! directive may name other fields):
//!
//! ```text
//! #Software: Microsoft Internet Information Services 10.0
//! #Version: 1.0
//! #Date: 2026-10-10 13:55:36
//! #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
//! 2026-10-10 13:55:36 198.51.100.10 GET /index.html - 443 - 192.0.2.17 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 46
//! ```
//!
//! Directive lines (`#…`) are kept byte for byte and counted as the server's own lines. A file
//! without a header is read in IIS's default field order (the directive above), with any extra
//! fields after it (custom fields) accepted. `-` is an empty field; `+` stands for a space in
//! `cs(User-Agent)` (read decoded by statistics and rules). Times are UTC (the specification's
//! and IIS's rule). Fields the vocabulary has no name for are not recorded: rules and statistics
//! read the named ones, and every address anywhere in the line is rewritten by the line scan like
//! everywhere else.
//!
//! **Which directive applies** is state carried from line to line, while lines are parsed in
//! parallel pieces: the chunker (sequential) hands each piece the last `#Fields:` line before it
//! ([`crate::input::Piece::header`]), the worker starts the piece with it
//! ([`crate::format::Format::start_piece`]), and a directive inside the piece takes over from its
//! line on. So the result does not depend on where the input was cut.
//!
//! Specs: W3C Working Draft WD-logfile-960323 "Extended Log File Format"; Microsoft, "W3C Logging"
//! (IIS).

use super::fields::{Fields, Std};

/// What one column of a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    /// `date` (`YYYY-MM-DD`).
    Date,
    /// `time` (`HH:MM:SS`, maybe with a fraction).
    Time,
    /// `cs-uri`: the target with its query, split at `?`.
    Uri,
    /// `sc-status`: three digits.
    Status,
    /// A vocabulary field as written.
    Std(Std),
    /// A field the vocabulary has no name for.
    Skip,
}

/// The columns in effect: from a `#Fields:` directive, or IIS's default order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    cols: Vec<Col>,
    /// Read without a directive: more columns than named are custom fields.
    default: bool,
    /// `date` and `time` stand side by side (read together as the time).
    date_time: Option<usize>,
    /// The directive this was compiled from (`None`: the default).
    source: Option<Box<[u8]>>,
}

/// IIS's default W3C fields, in order (what a file without a header has).
pub const IIS_DEFAULT: &str = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

/// The most columns a line may have.
const MAX_COLS: usize = 64;

fn col(name: &[u8]) -> Col {
    let lower = name.to_ascii_lowercase();
    match &lower[..] {
        b"date" => Col::Date,
        b"time" => Col::Time,
        b"cs-uri" => Col::Uri,
        b"sc-status" => Col::Status,
        b"c-ip" => Col::Std(Std::Client),
        b"c-port" => Col::Std(Std::ClientPort),
        b"s-ip" => Col::Std(Std::Server),
        b"cs-username" => Col::Std(Std::User),
        b"cs-method" => Col::Std(Std::Method),
        b"cs-uri-stem" => Col::Std(Std::Path),
        b"cs-uri-query" => Col::Std(Std::Query),
        b"cs-version" => Col::Std(Std::Protocol),
        b"sc-bytes" => Col::Std(Std::Bytes),
        b"cs-host" | b"cs(host)" => Col::Std(Std::Vhost),
        b"cs(referer)" | b"cs(referrer)" => Col::Std(Std::Referrer),
        b"cs(user-agent)" => Col::Std(Std::UserAgent),
        b"cs(x-forwarded-for)" | b"x-forwarded-for" => Col::Std(Std::ForwardedFor),
        b"time-taken" => Col::Std(Std::Duration),
        _ => Col::Skip,
    }
}

impl Layout {
    /// The columns a `#Fields:` directive names (`None` for another line).
    pub fn from_directive(line: &[u8]) -> Option<Layout> {
        let list = line.strip_prefix(b"#Fields:")?;
        let mut l = Layout::of(list);
        l.source = Some(line.into());
        Some(l)
    }

    /// IIS's default columns.
    pub fn iis_default() -> Layout {
        let mut l = Layout::of(IIS_DEFAULT.as_bytes());
        l.default = true;
        l
    }

    fn of(list: &[u8]) -> Layout {
        let cols: Vec<Col> = list
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .take(MAX_COLS)
            .map(col)
            .collect();
        let date_time = cols.windows(2).position(|w| w == [Col::Date, Col::Time]);
        Layout {
            cols,
            default: false,
            date_time,
            source: None,
        }
    }

    /// True when this layout was compiled from `directive` (`None`: the default).
    fn is(&self, directive: Option<&[u8]>) -> bool {
        self.source.as_deref() == directive
    }
}

/// Sets the layout a piece starts with: the directive in effect before it, or the default.
/// Compiles only when it changed.
pub fn start(header: Option<&[u8]>, f: &mut Fields) {
    let same = match &f.layout {
        Some(l) => l.is(header),
        None => header.is_none(),
    };
    if !same {
        f.layout = header.and_then(Layout::from_directive).map(Box::new);
    }
}

fn is_date(v: &[u8]) -> bool {
    v.len() == 10
        && v.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

fn is_time(v: &[u8]) -> bool {
    v.len() >= 8
        && v[2] == b':'
        && v[5] == b':'
        && v.iter()
            .enumerate()
            .all(|(i, b)| i == 2 || i == 5 || b.is_ascii_digit() || (i >= 8 && *b == b'.'))
}

/// Parses one line with the layout in `f` (a `#Fields:` line replaces it); Err(column) where it
/// stopped matching.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), usize> {
    if s.first() == Some(&b'#') {
        // A directive: `#Fields:` changes the layout; `#Software:`, `#Version:`, `#Date:`,
        // `#Remark:`, `#Start-Date:`, `#End-Date:` are kept as they are.
        let name_end = s.iter().position(|&b| b == b':').ok_or(0usize)?;
        if name_end < 2
            || !s[1..name_end]
                .iter()
                .all(|b| b.is_ascii_alphabetic() || *b == b'-')
        {
            return Err(0);
        }
        if let Some(l) = Layout::from_directive(s) {
            f.layout = Some(Box::new(l));
        }
        f.std(Std::Message, 0, s.len());
        return Ok(());
    }
    // The layout is taken out of `f` while `f` is written (put back below).
    let owned = f.layout.take();
    let layout = owned.as_deref().unwrap_or_else(|| &*IIS);
    let r = columns(s, layout, f);
    f.layout = owned;
    r
}

/// IIS's default columns, for input without a directive.
static IIS: std::sync::LazyLock<Layout> = std::sync::LazyLock::new(Layout::iis_default);

/// A line of fields by `layout`: checked and recorded in one pass (on a mismatch the fields
/// recorded so far mean nothing, as for every format).
fn columns(s: &[u8], layout: &Layout, f: &mut Fields) -> Result<(), usize> {
    // Spaces separate the fields (IIS); a line whose date is followed by a tab is tab-separated.
    let sep = if s.get(10) == Some(&b'\t') {
        b'\t'
    } else {
        b' '
    };
    let mut tokens = [(0usize, 0usize); MAX_COLS];
    let n = crate::bytes::split_into(s, sep, &mut tokens).ok_or(0usize)?;
    let cols = layout.cols.len();
    if cols == 0 || n < cols || (n > cols && !layout.default) {
        return Err(tokens[n.min(cols).saturating_sub(1)].1.min(s.len()));
    }
    if let Some(d) = layout.date_time {
        f.std(Std::Time, tokens[d].0, tokens[d + 1].1);
    }
    for (&c, &(a, b)) in layout.cols.iter().zip(&tokens) {
        let v = &s[a..b];
        // What the line must look like to be one: its date, time and status where it has them,
        // no empty field.
        let ok = match c {
            Col::Date => is_date(v),
            Col::Time => is_time(v),
            Col::Status => v.len() == 3 && v.iter().all(u8::is_ascii_digit),
            _ => !v.is_empty(),
        };
        if !ok {
            return Err(a);
        }
        if v == b"-" {
            continue;
        }
        match c {
            Col::Std(std) => f.std(std, a, b),
            Col::Status => f.std(Std::Status, a, b),
            Col::Uri => match memchr::memchr(b'?', v) {
                Some(q) => {
                    f.std(Std::Path, a, a + q);
                    f.std(Std::Query, a + q + 1, b);
                }
                None => f.std(Std::Path, a, b),
            },
            Col::Date | Col::Time | Col::Skip => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";
    const LINE: &str = "2026-10-10 13:55:36 198.51.100.10 GET /index.html q=1 443 - 192.0.2.17 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://www.example.org/ 200 0 0 46";

    fn get<'a>(line: &'a str, f: &Fields, s: Std) -> Option<&'a str> {
        f.get(s).map(|(a, b)| &line[a..b])
    }

    #[test]
    fn iis_default_fields_with_and_without_the_header() {
        for header in [Some(HEADER), None] {
            let mut f = Fields::default();
            start(header.map(str::as_bytes), &mut f);
            parse(LINE.as_bytes(), &mut f).unwrap();
            for (s, want) in [
                (Std::Time, "2026-10-10 13:55:36"),
                (Std::Server, "198.51.100.10"),
                (Std::Method, "GET"),
                (Std::Path, "/index.html"),
                (Std::Query, "q=1"),
                (Std::Client, "192.0.2.17"),
                (Std::UserAgent, "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)"),
                (Std::Referrer, "https://www.example.org/"),
                (Std::Status, "200"),
                (Std::Duration, "46"),
            ] {
                assert_eq!(get(LINE, &f, s), Some(want), "{s:?} {header:?}");
            }
            assert_eq!(get(LINE, &f, Std::User), None, "`-` is empty");
        }
    }

    #[test]
    fn the_issue_line_without_header_has_a_custom_field_after_the_default_ones() {
        let line = "2020-10-07 23:00:17 192.168.16.11 POST /path - 443 - 192.168.7.63 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://ref/ 200 0 0 26 192.168.198.23";
        let mut f = Fields::default();
        start(None, &mut f);
        parse(line.as_bytes(), &mut f).unwrap();
        assert_eq!(get(line, &f, Std::Client), Some("192.168.7.63"));
        assert_eq!(get(line, &f, Std::Duration), Some("26"));
        // With a header, the column count is the header's.
        start(Some(HEADER.as_bytes()), &mut f);
        assert!(parse(line.as_bytes(), &mut f).is_err());
    }

    #[test]
    fn a_new_directive_changes_the_columns_from_its_line_on() {
        let mut f = Fields::default();
        start(Some(HEADER.as_bytes()), &mut f);
        let other = "#Fields: date time c-ip cs-method cs-uri cs-version sc-status sc-bytes cs-host cs(X-Forwarded-For)";
        parse(other.as_bytes(), &mut f).unwrap();
        assert!(f.has(Std::Message));
        let line = "2026-10-10 13:55:37.250 192.0.2.18 GET /a?b=1 HTTP/1.1 404 512 www.example.com 203.0.113.9";
        parse(line.as_bytes(), &mut f).unwrap();
        for (s, want) in [
            (Std::Time, "2026-10-10 13:55:37.250"),
            (Std::Client, "192.0.2.18"),
            (Std::Path, "/a"),
            (Std::Query, "b=1"),
            (Std::Protocol, "HTTP/1.1"),
            (Std::Status, "404"),
            (Std::Bytes, "512"),
            (Std::Vhost, "www.example.com"),
            (Std::ForwardedFor, "203.0.113.9"),
        ] {
            assert_eq!(get(line, &f, s), Some(want), "{s:?}");
        }
        // The old layout's lines no longer match.
        assert!(parse(LINE.as_bytes(), &mut f).is_err());
        // A piece that starts after it gets it back from the chunker.
        start(Some(other.as_bytes()), &mut f);
        assert!(parse(line.as_bytes(), &mut f).is_ok());
    }

    #[test]
    fn directives_are_server_lines_and_other_lines_do_not_match() {
        let mut f = Fields::default();
        for d in [
            "#Software: Microsoft Internet Information Services 10.0",
            "#Version: 1.0",
            "#Date: 2026-10-10 13:55:36",
            "#Remark: restarted",
            HEADER,
        ] {
            f.clear();
            parse(d.as_bytes(), &mut f).unwrap();
            assert!(f.has(Std::Message), "{d}");
        }
        start(None, &mut f);
        for bad in [
            "",
            "# not a directive",
            "#",
            "2026/10/10 13:55:36 198.51.100.10 GET / - 443 - 192.0.2.17 - - 200 0 0 46",
            "2026-10-10 13:55:36 198.51.100.10 GET / - 443 - 192.0.2.17 - - 2000 0 0 46",
            "2026-10-10 13:55:36 198.51.100.10 GET / - 443",
            r#"192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 5123"#,
        ] {
            f.clear();
            assert!(parse(bad.as_bytes(), &mut f).is_err(), "{bad}");
        }
    }
}
