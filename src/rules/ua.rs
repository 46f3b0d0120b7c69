//! User-agent reduction: browser family and major version, OS family, bot flag. The same
//! reduction feeds the `user-agent-family` action and (later) the statistics panels, so a
//! published report and a reduced log agree. Hand-written token checks, no regex: most log
//! lines carry one of a dozen browsers, and the order of checks encodes which token wins
//! (Edge and Opera also say `Chrome/`, Chrome also says `Safari/`).

/// What a user agent reduces to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent<'a> {
    /// Browser or client family (`Chrome`, `Firefox`, `Googlebot`, `curl`, `Other`).
    pub family: &'a [u8],
    /// Major version, when written.
    pub major: Option<&'a [u8]>,
    /// The whole version of the family's product token (`124.0.6367.60`, `8.5.0`), when written.
    pub version: Option<&'a [u8]>,
    /// OS family (`Windows`, `macOS`, `iOS`, `Android`, `Linux`, `ChromeOS`, `Other`).
    pub os: &'static str,
    /// A crawler, monitor or scripted client.
    pub bot: bool,
}

/// Digits right after `at` (a major version).
fn major(ua: &[u8], at: usize) -> Option<&[u8]> {
    let n = ua[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    (n > 0).then(|| &ua[at..at + n])
}

/// A version right after `at`: digits and dots, starting with a digit, at most 24 bytes
/// (`8.5.0`, `124.0.6367.60`; a trailing dot left out).
fn full_version(ua: &[u8], at: usize) -> Option<&[u8]> {
    let n = ua[at..]
        .iter()
        .take(24)
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    let v = &ua[at..at + n];
    let v = v.strip_suffix(b".").unwrap_or(v);
    (v.first().is_some_and(u8::is_ascii_digit)).then_some(v)
}

/// `n` occurs in `h` (no searcher to build: the needles are short and the haystack is a header).
fn contains(h: &[u8], n: &[u8]) -> bool {
    let mut i = 0;
    while let Some(k) = memchr::memchr(n[0], &h[i..]) {
        let at = i + k;
        if h[at..].starts_with(n) {
            return true;
        }
        i = at + 1;
    }
    false
}

/// True when `t` contains `bot`, `crawl`, `spider` or `slurp` in any case: one pass, branching
/// on the first letter.
fn is_botword(t: &[u8]) -> bool {
    let at = |i: usize, rest: &[u8]| {
        t.len() > i + rest.len() && t[i + 1..=i + rest.len()].eq_ignore_ascii_case(rest)
    };
    (0..t.len()).any(|i| match t[i] | 0x20 {
        b'b' => at(i, b"ot"),
        b'c' => at(i, b"rawl"),
        b's' => at(i, b"pider") || at(i, b"lurp"),
        _ => false,
    })
}

const TOOLS: &[&[u8]] = &[
    b"curl",
    b"Wget",
    b"python-requests",
    b"Python-urllib",
    b"Go-http-client",
    b"okhttp",
    b"Java",
    b"libwww-perl",
    b"HTTPie",
    b"Apache-HttpClient",
    b"node-fetch",
    b"axios",
];

/// Browsers by product token, in the order that decides (Edge and Opera also write `Chrome/`,
/// Chrome also writes `Safari/`).
const BROWSERS: &[(&[u8], &[u8])] = &[
    (b"Edg", b"Edge"),
    (b"EdgA", b"Edge"),
    (b"OPR", b"Opera"),
    (b"SamsungBrowser", b"Samsung Internet"),
    (b"Firefox", b"Firefox"),
    (b"FxiOS", b"Firefox"),
    (b"CriOS", b"Chrome"),
    (b"Chrome", b"Chrome"),
];

fn os(ua: &[u8]) -> &'static str {
    if contains(ua, b"Windows") {
        "Windows"
    } else if contains(ua, b"Android") {
        "Android"
    } else if contains(ua, b"iPhone") || contains(ua, b"iPad") || contains(ua, b"iOS") {
        "iOS"
    } else if contains(ua, b"CrOS") {
        "ChromeOS"
    } else if contains(ua, b"Macintosh") || contains(ua, b"Mac OS X") {
        "macOS"
    } else if contains(ua, b"Linux") || contains(ua, b"X11") {
        "Linux"
    } else {
        "Other"
    }
}

/// Reduces a user agent, in one pass over its `Name/version` product tokens.
pub fn classify(ua: &[u8]) -> Agent<'_> {
    let os = os(ua);
    // The best browser token so far: its rank in BROWSERS, its major and whole versions.
    type Best<'u> = (usize, Option<&'u [u8]>, Option<&'u [u8]>);
    let mut browser: Option<Best> = None;
    let mut safari = false;
    let mut version = None;
    for slash in memchr::memchr_iter(b'/', ua) {
        let start = ua[..slash]
            .iter()
            .rposition(|b| b" (;,".contains(b))
            .map_or(0, |k| k + 1);
        let name = &ua[start..slash];
        if name.is_empty() {
            continue;
        }
        let m = major(ua, slash + 1);
        let v = full_version(ua, slash + 1);
        if is_botword(name) {
            let name = name.strip_prefix(b"+").unwrap_or(name);
            if !name.contains(&b':') && !name.contains(&b'.') {
                return Agent {
                    family: name,
                    major: m,
                    version: v,
                    os,
                    bot: true,
                };
            }
        }
        if let Some(t) = TOOLS.iter().find(|t| **t == name) {
            return Agent {
                family: t,
                major: m,
                version: v,
                os,
                bot: true,
            };
        }
        if let Some(rank) = BROWSERS.iter().position(|(tok, _)| *tok == name)
            && browser.is_none_or(|(r, _, _)| rank < r)
        {
            browser = Some((rank, m, v));
        }
        safari |= name == b"Safari";
        if name == b"Version" {
            version = m.map(|m| (m, v));
        }
    }
    if let Some((rank, major, version)) = browser {
        return Agent {
            family: BROWSERS[rank].1,
            major,
            version,
            os,
            bot: false,
        };
    }
    // A crawler that names itself without a version (`compatible; ExampleBot`).
    if is_botword(ua) {
        return Agent {
            family: b"Other bot",
            major: None,
            version: None,
            os,
            bot: true,
        };
    }
    if safari && let Some((m, v)) = version {
        return Agent {
            family: b"Safari",
            major: Some(m),
            version: v,
            os,
            bot: false,
        };
    }
    if let Some(k) = memchr::memmem::find(ua, b"MSIE ") {
        return Agent {
            family: b"IE",
            major: major(ua, k + 5),
            version: full_version(ua, k + 5),
            os,
            bot: false,
        };
    }
    if contains(ua, b"Trident/") {
        return Agent {
            family: b"IE",
            major: Some(b"11"),
            version: Some(b"11"),
            os,
            bot: false,
        };
    }
    Agent {
        family: b"Other",
        major: None,
        version: None,
        os,
        bot: false,
    }
}

/// The product a client that is no browser, tool or crawler names first (`ZeroTierOne/1.10.6`,
/// `Dalvik/2.1.0`): its name (letters, digits, `.`, `_`, `-`, at most 40 bytes; not `Mozilla`)
/// and version. For statistics only, where K withholds a rare name; the reduced log keeps
/// `Other`.
pub fn product(ua: &[u8]) -> Option<(&[u8], &[u8])> {
    for slash in memchr::memchr_iter(b'/', ua) {
        let start = ua[..slash]
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || b"._-".contains(b)))
            .map_or(0, |k| k + 1);
        let name = &ua[start..slash];
        if name.is_empty()
            || name.len() > 40
            || name == b"Mozilla"
            || !name[0].is_ascii_alphabetic()
            || (start > 0 && !b" (;,".contains(&ua[start - 1]))
        {
            continue;
        }
        if let Some(v) = full_version(ua, slash + 1) {
            return Some((name, v));
        }
    }
    None
}

/// The OS version a user agent states, with its family: `Windows 10` (from `Windows NT 10.0`,
/// which Windows 11 also writes), `Android 14`, `iOS 17.4`, `macOS 10.15`; `None` where it
/// states none (Linux) or one that is frozen meaningless (ChromeOS builds).
pub fn os_version(ua: &[u8], os: &str) -> Option<String> {
    let after = |needle: &[u8]| memchr::memmem::find(ua, needle).map(|k| k + needle.len());
    let digits = |at: usize, sep: u8, parts: usize| -> Option<String> {
        let v: Vec<&[u8]> = ua[at..]
            .split(|&b| b == sep)
            .take(parts)
            .map(|p| &p[..p.iter().take_while(|b| b.is_ascii_digit()).count()])
            .take_while(|p| !p.is_empty())
            .collect();
        (!v.is_empty()).then(|| {
            v.iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect::<Vec<_>>()
                .join(".")
        })
    };
    let v = match os {
        "Windows" => {
            let at = after(b"Windows NT ")?;
            match digits(at, b'.', 2)?.as_str() {
                "10.0" => "10".to_string(),
                "6.3" => "8.1".to_string(),
                "6.2" => "8".to_string(),
                "6.1" => "7".to_string(),
                "6.0" => "Vista".to_string(),
                "5.1" | "5.2" => "XP".to_string(),
                other => other.to_string(),
            }
        }
        "Android" => digits(after(b"Android ")?, b'.', 1)?,
        "iOS" => digits(after(b"iPhone OS ").or_else(|| after(b"CPU OS "))?, b'_', 2)?,
        "macOS" => {
            let at = after(b"Mac OS X ")?;
            digits(at, b'_', 2)
                .filter(|v| v.contains('.'))
                .or_else(|| digits(at, b'.', 2))?
        }
        _ => return None,
    };
    Some(format!("{os} {v}"))
}

/// True when `ua` is already in the reduced form `<family>[ <major>] (<os or bot>)`, so that
/// reducing it again changes nothing (a re-run over an anonymized file must be a no-op).
pub fn is_reduced(ua: &[u8]) -> bool {
    const TAILS: [&[u8]; 8] = [
        b" (bot)",
        b" (Windows)",
        b" (Android)",
        b" (iOS)",
        b" (ChromeOS)",
        b" (macOS)",
        b" (Linux)",
        b" (Other)",
    ];
    let Some(tail) = TAILS.iter().find(|t| ua.ends_with(t)) else {
        return false;
    };
    let head = &ua[..ua.len() - tail.len()];
    !head.is_empty() && !head.contains(&b'/') && !head.contains(&b'(') && !head.contains(&b';')
}

/// How a log wrote the spaces of a user agent: as spaces, as CloudFront's `%20`, or as IIS's
/// `+` (W3C). Only a value without a space is taken as encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spaces {
    /// ` `
    Plain,
    /// `%20`
    Percent,
    /// `+`
    Plus,
}

/// The user agent with its spaces decoded, and how they were written.
pub fn decoded(ua: &[u8]) -> (std::borrow::Cow<'_, [u8]>, Spaces) {
    use std::borrow::Cow;
    if ua.contains(&b' ') {
        return (Cow::Borrowed(ua), Spaces::Plain);
    }
    if memchr::memmem::find(ua, b"%20").is_some() {
        let mut v = Vec::with_capacity(ua.len());
        let mut i = 0;
        while i < ua.len() {
            if ua[i..].starts_with(b"%20") {
                v.push(b' ');
                i += 3;
            } else {
                v.push(ua[i]);
                i += 1;
            }
        }
        return (Cow::Owned(v), Spaces::Percent);
    }
    if ua.contains(&b'+') && ua.contains(&b'(') {
        let v = ua
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        return (Cow::Owned(v), Spaces::Plus);
    }
    (Cow::Borrowed(ua), Spaces::Plain)
}

/// What a user agent reduces to, kept per distinct agent: its reduced form with plain spaces,
/// and whether it is a bot.
struct Reduced {
    text: Vec<u8>,
    bot: bool,
}

/// Agents seen lately on this thread, reduced (most lines repeat a few hundred agents:
/// classifying each line again was a quarter of the time of a rule file that reduces them).
/// Cleared when it holds [`MEMO_MAX`] agents, so memory stays bounded whatever the input.
const MEMO_MAX: usize = 4096;

/// User agents seen lately and what was made of each (a reduction, a collector's labels and
/// counts), up to 4,096 (`MEMO_MAX`). A direct-mapped slot per hash of a few sampled words
/// (`sampled_hash`) sits in front of the map: a hit costs those words and one comparison, not
/// hashing 100-odd bytes; a miss (or a crafted collision) falls back to the map.
pub struct Memo<T> {
    map: std::collections::HashMap<Vec<u8>, u32, crate::anonymize::BuildAddrHasher>,
    entries: Vec<(Vec<u8>, T)>,
    /// Index in `entries` + 1; 0: empty.
    slots: Vec<u32>,
}

/// The front of a [`Memo`] has 2^SLOT_BITS slots.
const SLOT_BITS: u32 = 10;

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            map: Default::default(),
            entries: Vec::new(),
            slots: Vec::new(),
        }
    }
}

impl<T> Memo<T> {
    /// The index of `ua`, if it is kept.
    #[inline]
    pub fn find(&mut self, ua: &[u8]) -> Option<usize> {
        if self.slots.is_empty() {
            self.slots = vec![0; 1 << SLOT_BITS];
        }
        let slot = (sampled_hash(ua) >> (64 - SLOT_BITS)) as usize;
        if let Some(i) = self.slots[slot].checked_sub(1)
            && self.entries[i as usize].0 == ua
        {
            return Some(i as usize);
        }
        let i = *self.map.get(ua)?;
        self.slots[slot] = i + 1;
        Some(i as usize)
    }

    /// Keeps `v` for `ua` (not kept yet); its index. Call [`Memo::drain`] first when
    /// [`Memo::full`].
    pub fn insert(&mut self, ua: &[u8], v: T) -> usize {
        let i = self.entries.len();
        self.entries.push((ua.to_vec(), v));
        self.map.insert(ua.to_vec(), i as u32);
        i
    }

    /// True when `MEMO_MAX` (4,096) agents are kept.
    pub fn full(&self) -> bool {
        self.entries.len() >= MEMO_MAX
    }

    /// The value at `i`.
    pub fn get(&self, i: usize) -> &T {
        &self.entries[i].1
    }

    /// The value at `i`.
    pub fn get_mut(&mut self, i: usize) -> &mut T {
        &mut self.entries[i].1
    }

    /// Forgets every agent.
    pub fn clear(&mut self) {
        self.drain().for_each(drop);
    }

    /// Forgets every agent, handing over what was kept.
    pub fn drain(&mut self) -> impl Iterator<Item = (Vec<u8>, T)> + '_ {
        self.map.clear();
        self.slots.fill(0);
        self.entries.drain(..)
    }
}

/// A hash of a user agent's length and of up to four of its words (first, two in the middle,
/// last): enough to tell apart the agents of one log, not all of their bytes.
fn sampled_hash(b: &[u8]) -> u64 {
    use crate::bytes::{mix, mix_words};
    let n = b.len();
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let h = if n >= 8 {
        let h = mix(n as u64, word(0));
        let h = mix(h, word((n / 4) & !7));
        let h = mix(h, word(n / 2 - 4));
        mix(h, word(n - 8))
    } else {
        mix_words(n as u64, b)
    };
    h ^ (h >> 29)
}

thread_local! {
    static MEMO: std::cell::RefCell<Memo<Reduced>> = std::cell::RefCell::new(Memo::default());
}

/// `f` of the reduction of `ua` (classified once per distinct agent per thread).
fn reduced<R>(ua: &[u8], f: impl FnOnce(&Reduced) -> R) -> R {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if let Some(i) = m.find(ua) {
            return f(m.get(i));
        }
        let a = classify(ua);
        let mut text = Vec::with_capacity(32);
        text.extend_from_slice(a.family);
        if let Some(v) = a.major {
            text.push(b' ');
            text.extend_from_slice(v);
        }
        text.extend_from_slice(b" (");
        text.extend_from_slice(if a.bot { b"bot" } else { a.os.as_bytes() });
        text.push(b')');
        let r = Reduced { text, bot: a.bot };
        let out = f(&r);
        if m.full() {
            m.clear();
        }
        m.insert(ua, r);
        out
    })
}

/// Whether `ua` is a bot's (as [`classify`] says; cached per distinct agent). Read as
/// [`write_family`] reads it: spaces decoded, and a reduced form by its tail (the memo's keys are
/// only ever decoded agents not reduced already, which `write_family` relies on).
pub fn is_bot(ua: &[u8]) -> bool {
    let (plain, _) = decoded(ua);
    if is_reduced(&plain) {
        return plain.ends_with(b" (bot)");
    }
    reduced(&plain, |r| r.bot)
}

/// Writes the reduced form: `Chrome 120 (Windows)`, `Googlebot 2 (bot)`, its spaces written as
/// the value wrote them (`Safari%2017%20(iOS)` in CloudFront's encoded column); an already
/// reduced value is written as it is.
pub fn write_family(ua: &[u8], out: &mut Vec<u8>) {
    // An agent seen before, as written: the memo's keys are agents with plain spaces that were
    // not reduced already (an encoded agent is kept decoded, and a `%20` or `+` agent's decoding
    // always differs from it), so a hit needs neither decoding nor the reduced-form test.
    let hit = MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let i = m.find(ua)?;
        out.extend_from_slice(&m.get(i).text);
        Some(())
    });
    if hit.is_some() {
        return;
    }
    let (plain, spaces) = decoded(ua);
    if is_reduced(&plain) {
        out.extend_from_slice(ua);
        return;
    }
    reduced(&plain, |r| {
        let space: &[u8] = match spaces {
            Spaces::Plain => return out.extend_from_slice(&r.text),
            Spaces::Percent => b"%20",
            Spaces::Plus => b"+",
        };
        for (k, word) in r.text.split(|&b| b == b' ').enumerate() {
            if k > 0 {
                out.extend_from_slice(space);
            }
            out.extend_from_slice(word);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every agent kept is found at its index (through the front slots or the map, whatever
    /// shares a slot), none after a drain, and lengths around the sampled words' edges work.
    /// Whatever was asked before (a bot test on the agent as written, encoded or reduced), an
    /// agent's family is the same.
    #[test]
    fn family_does_not_depend_on_what_was_asked_before() {
        let agents: [&[u8]; 4] = [
            b"Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20Chrome/124.0.0.0%20Safari/537.36",
            b"Mozilla/5.0+(compatible;+Googlebot/2.1;++http://www.google.com/bot.html)",
            b"Chrome 124 (Windows)",
            b"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/127.0",
        ];
        let family = |a: &[u8]| {
            let mut out = Vec::new();
            write_family(a, &mut out);
            out
        };
        MEMO.with(|m| m.borrow_mut().clear());
        let fresh: Vec<Vec<u8>> = agents.iter().map(|a| family(a)).collect();
        MEMO.with(|m| m.borrow_mut().clear());
        for a in agents {
            let _ = is_bot(a);
        }
        for (a, want) in agents.iter().zip(&fresh) {
            assert_eq!(&family(a), want, "{}", String::from_utf8_lossy(a));
            assert_eq!(&family(a), want, "again: {}", String::from_utf8_lossy(a));
        }
        assert_eq!(fresh[2], b"Chrome 124 (Windows)");
        assert!(is_bot(agents[1]) && !is_bot(agents[0]) && !is_bot(agents[2]));
    }

    #[test]
    fn memo_finds_what_it_keeps() {
        let mut m: Memo<usize> = Memo::default();
        let agents: Vec<Vec<u8>> = (0..3000)
            .map(|k| format!("Mozilla/5.0 (X11; Linux x86_64) Agent/{k}").into_bytes())
            .chain((0..20).map(|n| vec![b'a'; n]))
            .collect();
        for (k, a) in agents.iter().enumerate() {
            assert_eq!(m.find(a), None);
            assert_eq!(m.insert(a, k), k);
        }
        for _ in 0..2 {
            for (k, a) in agents.iter().enumerate() {
                assert_eq!(m.find(a).map(|i| *m.get(i)), Some(k));
            }
        }
        assert!(!m.full());
        assert_eq!(m.drain().count(), agents.len());
        assert_eq!(m.find(&agents[0]), None);
    }

    /// Versions as user agents write them (issue 18: client versions under their family).
    #[test]
    fn versions_products_and_os_versions() {
        let v = |ua: &str| {
            let a = classify(ua.as_bytes());
            (
                String::from_utf8_lossy(a.family).into_owned(),
                a.version.map(|v| String::from_utf8_lossy(v).into_owned()),
                os_version(ua.as_bytes(), a.os),
            )
        };
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            v(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.60 Safari/537.36"
            ),
            ("Chrome".into(), s("124.0.6367.60"), s("Windows 10"))
        );
        assert_eq!(
            v(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
            ),
            ("Safari".into(), s("17.4"), s("iOS 17.4"))
        );
        assert_eq!(
            v(
                "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"
            ),
            ("Safari".into(), s("16.6"), s("iOS 16.6"))
        );
        assert_eq!(
            v(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"
            ),
            ("Safari".into(), s("17.1"), s("macOS 10.15"))
        );
        assert_eq!(
            v(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0"
            ),
            ("Firefox".into(), s("121.0"), s("macOS 10.15"))
        );
        assert_eq!(
            v(
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
            ),
            ("Chrome".into(), s("124.0.0.0"), s("Android 14"))
        );
        assert_eq!(
            v("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"),
            ("IE".into(), s("11"), s("Windows 7"))
        );
        assert_eq!(
            v("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"),
            ("Firefox".into(), s("127.0"), None)
        );
        assert_eq!(v("curl/8.5.0"), ("curl".into(), s("8.5.0"), None));
        assert_eq!(
            v("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            ("Googlebot".into(), s("2.1"), None)
        );
        // A client no list knows: `Other` for the rules; its product for statistics.
        let zt = "ZeroTierOne/1.10.6 (Linux; x86_64)";
        assert_eq!(v(zt).0, "Other");
        assert_eq!(
            product(zt.as_bytes()),
            Some((&b"ZeroTierOne"[..], &b"1.10.6"[..]))
        );
        for (ua, want) in [
            (
                "Dalvik/2.1.0 (Linux; U; Android 13; SM-A515F)",
                Some(("Dalvik", "2.1.0")),
            ),
            (
                "Mozilla/5.0 (X11) Gecko/20100101",
                Some(("Gecko", "20100101")),
            ),
            ("Mozilla/5.0", None),
            ("x/y/z", None),
            ("app http://example.com/1.0", None),
        ] {
            let got = product(ua.as_bytes()).map(|(n, v)| {
                (
                    String::from_utf8_lossy(n).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            });
            assert_eq!(
                got,
                want.map(|(n, v)| (n.to_string(), v.to_string())),
                "{ua}"
            );
        }
    }

    #[test]
    fn families() {
        let table: &[(&str, &str)] = &[
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                "Chrome 120 (Windows)",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
                "Edge 120 (Windows)",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
                "Firefox 127 (Linux)",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                "Safari 17 (iOS)",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
                "Safari 17 (macOS)",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
                "Chrome 124 (Android)",
            ),
            (
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.example.com/bot.html)",
                "Googlebot 2 (bot)",
            ),
            (
                "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.example.com/bingbot.htm)",
                "bingbot 2 (bot)",
            ),
            ("curl/8.5.0", "curl 8 (bot)"),
            ("python-requests/2.31.0", "python-requests 2 (bot)"),
            (
                "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)",
                "IE 8 (Windows)",
            ),
            ("-", "Other (Other)"),
            (
                "Mozilla/5.0 (compatible; ExampleBot; +https://www.example.com/)",
                "Other bot (bot)",
            ),
        ];
        for (ua, want) in table {
            let mut out = Vec::new();
            write_family(ua.as_bytes(), &mut out);
            assert_eq!(String::from_utf8(out.clone()).unwrap(), *want, "{ua}");
            let mut again = Vec::new();
            write_family(&out, &mut again);
            assert_eq!(again, out, "reducing {want} again changes nothing");
        }
    }
}
