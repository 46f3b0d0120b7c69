//! Parsed fields: one vocabulary for every format, web and DNS alike.
//!
//! A parsed line is a list of `(name, start, end)` spans into the line: nothing is copied. Names
//! come from [`Std`], the shared vocabulary that rules and statistics are written against
//! (`client`, `qname`, `status`, ...); a field of a custom format that has no place in it keeps
//! its own name ([`Name::Custom`], an index into the format's field list).

/// The shared field vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Std {
    /// When the request or query happened, as written.
    Time,
    /// The client address (or host name), without port or brackets where the format separates them.
    Client,
    /// The client's source port.
    ClientPort,
    /// RFC 1413 identity (`%l`).
    Ident,
    /// Authenticated user (`%u`, `$remote_user`).
    User,
    /// The request line (`GET /path?q HTTP/1.1`).
    Request,
    /// HTTP method.
    Method,
    /// URL path.
    Path,
    /// URL query string.
    Query,
    /// HTTP protocol version.
    Protocol,
    /// HTTP status code.
    Status,
    /// HTTP response size in bytes.
    Bytes,
    /// Referer header.
    Referrer,
    /// User-Agent header.
    UserAgent,
    /// Virtual host.
    Vhost,
    /// X-Forwarded-For header.
    ForwardedFor,
    /// The server's own (listen/destination) address.
    Server,
    /// DNS query name.
    Qname,
    /// DNS class.
    Qclass,
    /// DNS type.
    Qtype,
    /// DNS response code.
    Rcode,
    /// DNS flags as written (`+E(0)K`, `qr,rd,ra`).
    Flags,
    /// Transport as written (`udp`, `tcp`, `UDP`, `doh`).
    Transport,
    /// DNS response size in bytes.
    Size,
    /// Request/response duration as written.
    Duration,
    /// Answered from cache (`0`/`1` as written).
    Cached,
    /// The forwarder a query was sent to.
    Upstream,
    /// EDNS client subnet as written (`192.0.2.0/24` or `192.0.2.0/24/0`).
    Ecs,
    /// BIND view.
    View,
    /// TSIG key name.
    Key,
    /// Query id.
    Id,
    /// The kind of line (`query`, `reply`, `forwarded`, `cached`, ...).
    Event,
    /// How a blocked answer was blocked (`gravity blocked`, ...).
    Blocked,
    /// The client as its raw bytes, escaped (nginx's `$binary_remote_addr`: `\xC0\x00\x02\x11`),
    /// rewritten like the client.
    BinaryClient,
    /// An answer's data as the server wrote it (dnsmasq's `192.0.2.80`, `<CNAME>`, `NXDOMAIN`).
    Answer,
    /// A server's own message (start-up, shutdown, statistics, a notice about a client): the
    /// line is no request and no query, and is counted apart.
    Message,
}

/// Every name in the vocabulary, with its text.
pub const STD_NAMES: &[(Std, &str)] = &[
    (Std::Time, "time"),
    (Std::Client, "client"),
    (Std::ClientPort, "client_port"),
    (Std::Ident, "ident"),
    (Std::User, "user"),
    (Std::Request, "request"),
    (Std::Method, "method"),
    (Std::Path, "path"),
    (Std::Query, "query"),
    (Std::Protocol, "protocol"),
    (Std::Status, "status"),
    (Std::Bytes, "bytes"),
    (Std::Referrer, "referrer"),
    (Std::UserAgent, "user_agent"),
    (Std::Vhost, "vhost"),
    (Std::ForwardedFor, "forwarded_for"),
    (Std::Server, "server"),
    (Std::Qname, "qname"),
    (Std::Qclass, "qclass"),
    (Std::Qtype, "qtype"),
    (Std::Rcode, "rcode"),
    (Std::Flags, "flags"),
    (Std::Transport, "transport"),
    (Std::Size, "size"),
    (Std::Duration, "duration"),
    (Std::Cached, "cached"),
    (Std::Upstream, "upstream"),
    (Std::Ecs, "ecs"),
    (Std::View, "view"),
    (Std::Key, "key"),
    (Std::Id, "id"),
    (Std::Event, "event"),
    (Std::Blocked, "blocked"),
    (Std::Answer, "answer"),
    (Std::BinaryClient, "binary_client"),
    (Std::Message, "message"),
];

impl Std {
    /// The field's name in rule files and reports.
    pub fn name(self) -> &'static str {
        STD_NAMES
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, n)| *n)
            .expect("every Std has a name")
    }

    /// The vocabulary entry with this name.
    pub fn from_name(name: &str) -> Option<Std> {
        STD_NAMES.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
    }
}

/// A field's name: from the vocabulary, or a custom format's own (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Name {
    /// Shared vocabulary.
    Std(Std),
    /// The n-th field of a custom format that has no vocabulary name.
    Custom(u16),
}

/// The fields found in one line: spans, in the order the parser found them. Reused across lines
/// (cleared, never shrunk), so parsing allocates nothing once warm.
///
/// A reader that needs only some fields says which ([`Fields::want`]); the others are not
/// recorded. Plain anonymization needs only the client and ECS fields, and recording the ten
/// others of a DNS line was a tenth of its parsing cost. Parsers record unconditionally and
/// never read back a field to decide whether a line matches, so what is wanted never changes
/// what parses.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Every span in order, when a reader walks them ([`Fields::in_order`]); custom fields
    /// are kept only here.
    list: Vec<(Name, usize, usize)>,
    /// Bit `Std as u32` set for each vocabulary field recorded, so that asking for a field the
    /// line does not have costs one test, not a walk of the list.
    present: u64,
    /// Per vocabulary field recorded (its bit in `present`), its first span: a lookup is one
    /// load (statistics ask ~15 per line).
    spans: [(usize, usize); STD_COUNT],
    /// Bit `Std as u32` set for each vocabulary field to record; [`CUSTOM`] for custom fields.
    wanted: u64,
    /// Whether vocabulary fields go into `list` too ([`Fields::in_order`]).
    ordered: bool,
    /// The columns of W3C extended lines in effect (`#Fields:`; `None`: IIS's default): state
    /// carried from line to line, which [`Fields::clear`] keeps (see [`super::w3c`]).
    pub(crate) layout: Option<Box<super::w3c::Layout>>,
}

/// How many names the vocabulary has.
const STD_COUNT: usize = STD_NAMES.len();

/// The bit of [`Fields::want`] that stands for every custom field ([`Name::Custom`]).
pub const CUSTOM: u64 = 1 << 63;

/// The mask of [`Fields::want`] for these vocabulary fields.
pub const fn mask(names: &[Std]) -> u64 {
    let mut m = 0;
    let mut k = 0;
    while k < names.len() {
        m |= 1 << names[k] as u32;
        k += 1;
    }
    m
}

// `Fields::present` and `wanted` have a bit per vocabulary name, and one more for custom fields.
const _: () = assert!(STD_NAMES.len() < 64);

impl Default for Fields {
    fn default() -> Self {
        Fields {
            list: Vec::new(),
            present: 0,
            spans: [(0, 0); STD_COUNT],
            wanted: u64::MAX,
            ordered: true,
            layout: None,
        }
    }
}

impl Fields {
    /// Forgets the previous line's fields.
    pub fn clear(&mut self) {
        self.list.clear();
        self.present = 0;
    }

    /// Forgets every field but the time: a line found to be a server's own message keeps its
    /// time and nothing its parser took for a query's field.
    pub fn clear_but_time(&mut self) {
        self.list.retain(|f| f.0 == Name::Std(Std::Time));
        self.present &= 1 << Std::Time as u32;
    }

    /// Whether any field of `mask` ([`mask`]) is to be recorded: a parser may skip finding them.
    #[inline]
    pub fn wants_any(&self, mask: u64) -> bool {
        self.wanted & mask != 0
    }

    /// Records from now on only the fields in `wanted` (a [`mask`], with [`CUSTOM`] for custom
    /// fields; `u64::MAX` for all, the default).
    #[inline]
    pub fn want(&mut self, wanted: u64) {
        self.wanted = wanted;
    }

    /// Whether [`Fields::iter`] is to give every span in order (the default). A reader that
    /// only looks fields up ([`Fields::get`]: statistics without a rule file) says no, and a
    /// field costs a store, not a push onto the list too; `iter` then gives custom fields only.
    #[inline]
    pub fn in_order(&mut self, yes: bool) {
        self.ordered = yes;
    }

    /// Records a field.
    #[inline]
    pub fn push(&mut self, name: Name, start: usize, end: usize) {
        match name {
            Name::Std(s) => self.std(s, start, end),
            Name::Custom(_) => {
                if self.wanted & CUSTOM != 0 {
                    self.list.push((name, start, end));
                }
            }
        }
    }

    /// Records a vocabulary field.
    #[inline(always)]
    pub fn std(&mut self, s: Std, start: usize, end: usize) {
        let bit = 1 << s as u32;
        if self.wanted & bit != 0 {
            if self.present & bit == 0 {
                self.present |= bit;
                self.spans[s as usize] = (start, end);
            }
            if self.ordered {
                self.list.push((Name::Std(s), start, end));
            }
        }
    }

    /// True when the vocabulary field `s` was recorded.
    #[inline]
    pub fn has(&self, s: Std) -> bool {
        self.present & (1 << s as u32) != 0
    }

    /// The first span of a vocabulary field.
    #[inline]
    pub fn get(&self, s: Std) -> Option<(usize, usize)> {
        self.has(s).then(|| self.spans[s as usize])
    }

    /// Every field, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Name, usize, usize)> + '_ {
        self.list.iter().copied()
    }

    /// Shifts every span by `by` bytes (a parser that ran on a slice of the line).
    pub fn offset(&mut self, by: usize) {
        for f in &mut self.list {
            f.1 += by;
            f.2 += by;
        }
        for (k, f) in self.spans.iter_mut().enumerate() {
            if self.present & (1 << k) != 0 {
                f.0 += by;
                f.1 += by;
            }
        }
    }

    /// How many fields are recorded (in order: every span; else the vocabulary fields, each
    /// once, and the custom spans).
    pub fn len(&self) -> usize {
        if self.ordered {
            self.list.len()
        } else {
            self.present.count_ones() as usize + self.list.len()
        }
    }

    /// True when no field is recorded.
    pub fn is_empty(&self) -> bool {
        self.present == 0 && self.list.is_empty()
    }
}

/// Adds `method`, `path`, `query` and `protocol` spans from the `request` field
/// (`METHOD TARGET PROTOCOL`, the target split at `?`). A request that is not of that shape
/// (`-`, garbage) gets no parts.
pub fn split_request(line: &[u8], f: &mut Fields) {
    let Some((a, b)) = f.get(Std::Request) else {
        return;
    };
    let r = &line[a..b];
    // Inline searches (requests are short: a `memchr` call's set-up was most of the cost), the
    // last space from the end (the protocol is a few bytes).
    let Some(s1) = crate::bytes::find_byte(b' ', r) else {
        return;
    };
    // Most requests end in ` HTTP/1.1` (or `/1.0`, `/2.0`): tested at once, else searched.
    let s2 = match r.len().checked_sub(9) {
        Some(k)
            if r[k] == b' ' && r[k + 1..].starts_with(b"HTTP/") && !r[k + 6..].contains(&b' ') =>
        {
            Some(k)
        }
        _ => r.iter().rposition(|&c| c == b' '),
    };
    let Some(s2) = s2.filter(|&k| k > s1 + 1) else {
        return;
    };
    f.std(Std::Method, a, a + s1);
    let (mut ts, te) = (a + s1 + 1, a + s2);
    // An absolute-form target (`GET http://www.example.com/a HTTP/1.1`, as proxies and load
    // balancers log it): its path is what follows the authority. (An origin-form target starts
    // with `/`, which no scheme holds.)
    let target = &line[ts..te];
    if target.first() != Some(&b'/')
        && let Some(k) = crate::bytes::find_scheme_sep(target).filter(|&k| {
            target[..k]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c))
        })
    {
        match memchr::memchr(b'/', &target[k + 3..]) {
            Some(j) => ts += k + 3 + j,
            None => {
                f.std(Std::Protocol, te + 1, b);
                return;
            }
        }
    }
    match crate::bytes::find_byte(b'?', &line[ts..te]) {
        Some(q) => {
            f.std(Std::Path, ts, ts + q);
            f.std(Std::Query, ts + q + 1, te);
        }
        None => f.std(Std::Path, ts, te),
    }
    f.std(Std::Protocol, te + 1, b);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An absolute-form target's path is what follows its authority (ELB, ALB and proxies log
    /// requests so): `/a`, not `http://www.example.com/a`.
    #[test]
    fn absolute_targets() {
        for (req, path, query) in [
            (
                "GET http://www.example.com/a?b=1 HTTP/1.1",
                Some("/a"),
                Some("b=1"),
            ),
            ("GET https://www.example.com:443/ HTTP/2.0", Some("/"), None),
            (
                "CONNECT www.example.com:443 HTTP/1.1",
                Some("www.example.com:443"),
                None,
            ),
            ("GET https://www.example.com HTTP/1.1", None, None),
            // The last space is the protocol's start, whatever the protocol looks like.
            ("GET /a HTTP/1 1", Some("/a HTTP/1"), None),
            ("GET /a?b HTTP/2", Some("/a"), Some("b")),
        ] {
            let mut f = Fields::default();
            f.std(Std::Request, 0, req.len());
            split_request(req.as_bytes(), &mut f);
            let get = |s: Std| f.get(s).map(|(a, b)| &req[a..b]);
            assert_eq!((get(Std::Path), get(Std::Query)), (path, query), "{req}");
            assert_eq!(get(Std::Protocol), req.rsplit(' ').next(), "{req}");
        }
    }

    #[test]
    fn request_parts() {
        let line = b"x GET /a/b?c=1&d=2 HTTP/1.1 y";
        let mut f = Fields::default();
        f.std(Std::Request, 2, 27);
        split_request(line, &mut f);
        let got: Vec<&[u8]> = [Std::Method, Std::Path, Std::Query, Std::Protocol]
            .iter()
            .map(|s| f.get(*s).map(|(a, b)| &line[a..b]).unwrap())
            .collect();
        assert_eq!(got, [&b"GET"[..], b"/a/b", b"c=1&d=2", b"HTTP/1.1"]);
        let mut f = Fields::default();
        f.std(Std::Request, 0, 1);
        split_request(b"-", &mut f);
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn only_wanted_fields_are_recorded() {
        let mut f = Fields::default();
        f.want(mask(&[Std::Client, Std::Ecs]));
        f.std(Std::Time, 0, 1);
        f.std(Std::Client, 2, 3);
        f.push(Name::Custom(0), 4, 5);
        f.push(Name::Std(Std::Ecs), 6, 7);
        assert_eq!(f.get(Std::Client), Some((2, 3)));
        assert_eq!(f.get(Std::Ecs), Some((6, 7)));
        assert!(!f.has(Std::Time));
        assert_eq!(f.len(), 2);
        f.want(mask(&[Std::Time]) | CUSTOM);
        f.clear();
        f.std(Std::Time, 0, 1);
        f.push(Name::Custom(3), 4, 5);
        f.std(Std::Client, 2, 3);
        assert_eq!(f.len(), 2);
        assert!(f.has(Std::Time) && !f.has(Std::Client));
    }

    /// Without order ([`Fields::in_order`]), lookups give what they give with it: the first
    /// span of each field, shifted, cleared and kept alike.
    #[test]
    fn lookups_without_order_match_lookups_with_it() {
        let (mut a, mut b) = (Fields::default(), Fields::default());
        b.in_order(false);
        for f in [&mut a, &mut b] {
            f.std(Std::Time, 0, 3);
            f.std(Std::Client, 4, 9);
            f.std(Std::Client, 10, 12);
            f.push(Name::Custom(2), 13, 14);
            f.std(Std::Qname, 15, 20);
        }
        let all = |f: &Fields| STD_NAMES.iter().map(|(s, _)| f.get(*s)).collect::<Vec<_>>();
        assert_eq!(all(&a), all(&b));
        assert_eq!(b.get(Std::Client), Some((4, 9)));
        assert_eq!((a.len(), b.len()), (5, 4));
        assert_eq!(b.iter().collect::<Vec<_>>(), [(Name::Custom(2), 13, 14)]);
        a.offset(7);
        b.offset(7);
        assert_eq!(all(&a), all(&b));
        assert_eq!(b.get(Std::Qname), Some((22, 27)));
        a.clear_but_time();
        b.clear_but_time();
        assert_eq!(all(&a), all(&b));
        assert_eq!(b.get(Std::Time), Some((7, 10)));
        assert!(!b.is_empty());
        b.clear();
        assert!(b.is_empty() && b.get(Std::Time).is_none());
    }

    #[test]
    fn names_round_trip() {
        for (s, n) in STD_NAMES {
            assert_eq!(s.name(), *n);
            assert_eq!(Std::from_name(n), Some(*s));
        }
        assert_eq!(Std::from_name("nope"), None);
    }
}
