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
    /// OS family (`Windows`, `macOS`, `iOS`, `Android`, `Linux`, `ChromeOS`, `Other`).
    pub os: &'static str,
    /// A crawler, monitor or scripted client.
    pub bot: bool,
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    memchr::memmem::find(h, n)
}

fn find_ci(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Digits right after `at` (a major version).
fn major(ua: &[u8], at: usize) -> Option<&[u8]> {
    let n = ua[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    (n > 0).then(|| &ua[at..at + n])
}

const TOOLS: &[&[u8]] = &[
    b"curl/",
    b"Wget/",
    b"python-requests/",
    b"Python-urllib/",
    b"Go-http-client/",
    b"okhttp/",
    b"Java/",
    b"libwww-perl/",
    b"HTTPie/",
    b"Apache-HttpClient/",
    b"node-fetch",
    b"axios/",
];

/// Reduces a user agent.
pub fn classify(ua: &[u8]) -> Agent<'_> {
    let os = if find(ua, b"Windows").is_some() {
        "Windows"
    } else if find(ua, b"Android").is_some() {
        "Android"
    } else if find(ua, b"iPhone").is_some()
        || find(ua, b"iPad").is_some()
        || find(ua, b"iOS").is_some()
    {
        "iOS"
    } else if find(ua, b"CrOS").is_some() {
        "ChromeOS"
    } else if find(ua, b"Macintosh").is_some() || find(ua, b"Mac OS X").is_some() {
        "macOS"
    } else if find(ua, b"Linux").is_some() || find(ua, b"X11").is_some() {
        "Linux"
    } else {
        "Other"
    };
    // Bots: a product token containing "bot", "crawler" or "spider" names the family.
    let is_botword = |t: &[u8]| {
        find_ci(t, b"bot") || find_ci(t, b"crawl") || find_ci(t, b"spider") || find_ci(t, b"slurp")
    };
    for tok in ua.split(|&b| b == b' ' || b == b';' || b == b'(' || b == b')' || b == b',') {
        if is_botword(tok) {
            let name_end = tok.iter().position(|&b| b == b'/').unwrap_or(tok.len());
            let name = &tok[..name_end];
            let name = name.strip_prefix(b"+").unwrap_or(name);
            if !name.is_empty() && !name.contains(&b':') && !name.contains(&b'.') {
                let m = (name_end < tok.len())
                    .then(|| major(tok, name_end + 1))
                    .flatten();
                return Agent {
                    family: name,
                    major: m,
                    os,
                    bot: true,
                };
            }
        }
    }
    for t in TOOLS {
        if let Some(k) = find(ua, t) {
            let name = t.strip_suffix(b"/").unwrap_or(t);
            return Agent {
                family: name,
                major: major(ua, k + t.len()),
                os,
                bot: true,
            };
        }
    }
    if find_ci(ua, b"bot") || find_ci(ua, b"crawl") || find_ci(ua, b"spider") {
        return Agent {
            family: b"Other bot",
            major: None,
            os,
            bot: true,
        };
    }
    let browsers: &[(&[u8], &[u8])] = &[
        (b"Edg/", b"Edge"),
        (b"EdgA/", b"Edge"),
        (b"OPR/", b"Opera"),
        (b"SamsungBrowser/", b"Samsung Internet"),
        (b"Firefox/", b"Firefox"),
        (b"FxiOS/", b"Firefox"),
        (b"CriOS/", b"Chrome"),
        (b"Chrome/", b"Chrome"),
    ];
    for (tok, name) in browsers {
        if let Some(k) = find(ua, tok) {
            return Agent {
                family: name,
                major: major(ua, k + tok.len()),
                os,
                bot: false,
            };
        }
    }
    if find(ua, b"Safari/").is_some()
        && let Some(k) = find(ua, b"Version/")
    {
        return Agent {
            family: b"Safari",
            major: major(ua, k + 8),
            os,
            bot: false,
        };
    }
    if let Some(k) = find(ua, b"MSIE ") {
        return Agent {
            family: b"IE",
            major: major(ua, k + 5),
            os,
            bot: false,
        };
    }
    if find(ua, b"Trident/").is_some() {
        return Agent {
            family: b"IE",
            major: Some(b"11"),
            os,
            bot: false,
        };
    }
    Agent {
        family: b"Other",
        major: None,
        os,
        bot: false,
    }
}

/// Writes the reduced form: `Chrome 120 (Windows)`, `Googlebot 2 (bot)`.
pub fn write_family(ua: &[u8], out: &mut Vec<u8>) {
    let a = classify(ua);
    out.extend_from_slice(a.family);
    if let Some(m) = a.major {
        out.push(b' ');
        out.extend_from_slice(m);
    }
    out.extend_from_slice(b" (");
    out.extend_from_slice(if a.bot { b"bot" } else { a.os.as_bytes() });
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

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
        ];
        for (ua, want) in table {
            let mut out = Vec::new();
            write_family(ua.as_bytes(), &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), *want, "{ua}");
        }
    }
}
