//! The statistics panels, listed once: the collector's indices, the state's keys, the report's
//! titles, groups and order, and the differential-privacy sensitivity ([`NUMBERS_PER_LINE`]) are
//! all derived from these lists. A new panel is one line here (and the code that counts it).

/// Defines a list of panels: the enum, `ALL` in report order, and each one's key and title.
macro_rules! panels {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($key:literal, $title:literal),)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vm])* $v,)*
        }

        impl $name {
            /// Every panel of the list, in report order.
            pub const ALL: &[$name] = &[$($name::$v,)*];

            /// Its key in a state file (`docs/STATS.md`), without a side's prefix.
            pub const fn key(self) -> &'static str {
                match self {
                    $($name::$v => $key,)*
                }
            }

            /// Its title in a report.
            pub const fn title(self) -> &'static str {
                match self {
                    $($name::$v => $title,)*
                }
            }
        }
    };
}

panels! {
    /// Panels of web lines.
    Web {
        StatusClass = ("status_class", "Status classes"),
        Status = ("status", "Status codes"),
        Method = ("method", "Methods"),
        Protocol = ("protocol", "Protocol versions"),
        /// Pages (the path without its query).
        Page = ("page", "Top pages"),
        /// Pages of 404 responses.
        NotFoundPage = ("not_found_page", "Top 404 paths"),
        ReferrerSite = ("referrer_site", "Top referrer sites"),
        /// Browser or client family (`Firefox`, `curl`, a product such as `ZeroTierOne`).
        ClientFamily = ("client_family", "Browsers and clients"),
        /// Its version, under the family: browsers by major version (`Firefox 121`), other
        /// clients by their whole version (`curl 8.5.0`, `ZeroTierOne 1.10.6`).
        Browser = ("browser", "Browser and client versions"),
        Os = ("os", "Operating systems"),
        /// Its version, under the family (`Windows 10`, `Android 14`, `iOS 17.4`).
        OsVersion = ("os_version", "Operating system versions"),
        /// Bot or human.
        Agent = ("agent", "Bots and people"),
        /// Visit order: every request is a step `(entry) → /a`, `/a → /b`, and a visit ends
        /// `/b → (exit)` (see `crate::stats::visits`).
        VisitStep = ("visit_step", "Visit order (entry, next page, exit)"),
        /// The client's address family (`IPv4`, `IPv6`; `unknown` for a host name); named apart
        /// from the DNS panel `ip_version` so that a report of both has each once.
        IpVersion = ("client_ip_version", "Client IP versions"),
        /// Response times in millisecond bins (`0-1`, `1-5`, … `30000-`), for formats that
        /// write a duration; the time series has their quantiles per bucket.
        ResponseTime = ("response_time", "Response times (ms)"),
        /// Response sizes in decimal bins (`0-999`, `1000-9999`, … `10000000-`).
        ResponseBytes = ("response_bytes", "Response sizes (bytes)"),
        /// The hour of the day a request came (`00` … `23`, at `--tz`), over the whole period.
        Hour = ("hour_of_day", "Hour of day"),
        /// The client's country (`DE`), from `--geoip` databases, looked up before truncation.
        Country = ("country", "Countries"),
        /// The client's autonomous system (`AS64496 Example Net`), from `--geoip` databases.
        Network = ("network", "Networks (autonomous systems)"),
    }
}

panels! {
    /// Panels of DNS lines that describe the query, counted apart for question lines (keys
    /// `q.NAME`) and answer lines (`a.NAME`): a server may log either or both.
    Query {
        Qtype = ("qtype", "Query types"),
        Transport = ("transport", "Transports"),
        IpVersion = ("ip_version", "IP versions"),
        Tld = ("tld", "Top-level domains"),
        Domain = ("domain", "Top registered domains"),
        QnameLength = ("qname_length", "Query name length"),
        Labels = ("labels", "Query name labels"),
        Edns = ("edns", "EDNS"),
        Do = ("do", "DNSSEC OK bit"),
    }
}

panels! {
    /// Panels of DNS answer lines only.
    Answer {
        Rcode = ("rcode", "Response codes"),
        /// Answered from the cache or forwarded.
        Cache = ("cache", "Cached or forwarded"),
        Blocked = ("blocked", "Blocked"),
        /// Response sizes in 16-byte bins.
        ResponseSize = ("response_size", "Response sizes (16-byte bins)"),
    }
}

/// Which DNS lines a [`Query`] panel counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Question lines (`q.` keys).
    Question,
    /// Answer lines (`a.` keys).
    Answer,
}

impl Side {
    /// The prefix of its panels' keys.
    pub const fn prefix(self) -> &'static str {
        match self {
            Side::Question => "q.",
            Side::Answer => "a.",
        }
    }
}

/// Any panel: where a collector counts a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// A web panel.
    Web(Web),
    /// A query panel of one side.
    Query(Side, Query),
    /// An answer panel.
    Answer(Answer),
}

const W: usize = Web::ALL.len();
/// The visit-order rows one line can change beyond its own (`visit_step`): a request between
/// two others of a visit turns `P → N` into `P → R` and `R → N`, and one that ends or begins a
/// visit by its time moves an `(exit)` and an `(entry)` (at most four rows in all).
const VISIT_EXTRA: usize = 3;
const Q: usize = Query::ALL.len();
const A: usize = Answer::ALL.len();

impl Panel {
    /// How many panels there are (a collector keeps a vector of them, not a map of names:
    /// a label is counted ~10 times per line).
    pub const COUNT: usize = W + 2 * Q + A;

    /// Its place in a collector's vector.
    #[inline(always)]
    pub const fn index(self) -> usize {
        match self {
            Panel::Web(p) => p as usize,
            Panel::Query(side, p) => W + side as usize * Q + p as usize,
            Panel::Answer(p) => W + 2 * Q + p as usize,
        }
    }

    /// The panel at `index` (< [`Panel::COUNT`]).
    pub fn from_index(index: usize) -> Panel {
        match index {
            i if i < W => Panel::Web(Web::ALL[i]),
            i if i < W + Q => Panel::Query(Side::Question, Query::ALL[i - W]),
            i if i < W + 2 * Q => Panel::Query(Side::Answer, Query::ALL[i - W - Q]),
            i => Panel::Answer(Answer::ALL[i - W - 2 * Q]),
        }
    }

    /// Its key in a state file.
    pub fn key(self) -> String {
        match self {
            Panel::Web(p) => p.key().to_string(),
            Panel::Query(side, p) => format!("{}{}", side.prefix(), p.key()),
            Panel::Answer(p) => p.key().to_string(),
        }
    }

    /// Its title in a report.
    pub const fn title(self) -> &'static str {
        match self {
            Panel::Web(p) => p.title(),
            Panel::Query(_, p) => p.title(),
            Panel::Answer(p) => p.title(),
        }
    }

    /// Panels of many labels (pages, domains): a collector keeps no hot set for them.
    /// Referrer sites are few and `(none)` is the commonest, so they have one.
    #[inline(always)]
    pub const fn many_labels(self) -> bool {
        matches!(
            self,
            Panel::Web(Web::Page | Web::NotFoundPage | Web::VisitStep)
                | Panel::Query(_, Query::Domain)
        )
    }
}

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// The most published numbers one log line can change: the line total, three series values and
/// one row (or `other`) in each panel it is counted in (a web line: every web panel, bytes not
/// published under noise; a DNS answer line: the query panels of its side and the answer panels).
/// An undated line changes `undated` instead of the series, an unparsed or excluded one only two
/// totals. The sensitivity of differential-privacy noise.
pub const NUMBERS_PER_LINE: u32 = (1 + 3 + max(W + VISIT_EXTRA, Q + A)) as u32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_and_keys_are_one_to_one() {
        let mut keys = std::collections::BTreeSet::new();
        for i in 0..Panel::COUNT {
            let p = Panel::from_index(i);
            assert_eq!(p.index(), i);
            assert!(keys.insert(p.key()), "{} twice", p.key());
        }
        assert!(keys.contains("q.qtype") && keys.contains("a.do") && keys.contains("rcode"));
        // The man page states it (logscrub(1), STATISTICS).
        assert_eq!(NUMBERS_PER_LINE, 26);
    }
}
