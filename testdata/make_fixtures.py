#!/usr/bin/env python3
"""Regenerate every fixture under testdata/ (deterministic; stdlib only).

    python3 testdata/make_fixtures.py

Re-running reproduces the same bytes (the .gz fixture is byte-identical as
long as the same zlib build is used; its decompressed content always is).
Normal-traffic fixtures come from benches/gen_corpus.py; hostile.log is
hand-written below, and hostile.addrs plus README.md are derived from the
same table so line numbers never drift.

All data is synthetic.  Addresses are from the documentation ranges only
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and
hostnames are under example.com / example.org / example.net.
"""

import gzip
import importlib.util
import ipaddress
import os
import random
import re
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WEB = os.path.join(HERE, "web")

_spec = importlib.util.spec_from_file_location("gen_corpus", os.path.join(ROOT, "benches", "gen_corpus.py"))
gen_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_corpus)

# (file name, format, lines, seed) for the generated "normal traffic" fixtures
GENERATED = [
    ("combined.log", "combined", 300, 1001),
    ("common.log", "common", 100, 1002),
    ("vhost_combined.log", "vhost_combined", 100, 1003),
    ("caddy.json", "json", 100, 1004),
    ("nginx-xff.log", "nginx_xff", 100, 1005),
]
ROTATED = ("combined-rotated.log.gz", "combined", 300, 1006, 150)  # name, fmt, lines, seed, per member
IPV6_SHARE = gen_corpus.DEFAULT_IPV6_SHARE


def corpus_lines(fmt, n, seed):
    out = []
    for batch in gen_corpus.Corpus(seed=seed, ipv6_share=IPV6_SHARE).batches(n, fmt):
        out.extend(batch)
    return out


# ---------------------------------------------------------------------------
# hostile.log
# ---------------------------------------------------------------------------
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
_sec = [36]


def ts():
    """Next timestamp of the hostile log (one second apart)."""
    s = _sec[0]
    _sec[0] += 1
    return "10/Oct/2026:%02d:%02d:%02d +0000" % (13 + (55 + s // 60) // 60, (55 + s // 60) % 60, s % 60)


def C(client, req="GET / HTTP/1.1", status=200, size="512", ref="-", ua="curl/8.5.0", user="-", tail=""):
    """An Apache combined line (str or bytes pieces allowed)."""
    parts = [client, " - ", user, " [", ts(), '] "', req, '" ', str(status), " ", str(size),
             ' "', ref, '" "', ua, '"', tail]
    return b"".join(p if isinstance(p, bytes) else p.encode("ascii") for p in parts)


def cut_after(line, marker):
    """Truncate line right after the first occurrence of marker."""
    i = line.index(marker)
    return line[:i + len(marker)]


def garbage(seed, n):
    """n bytes of NUL and 0x80-0xFF only (never a digit, colon, hex letter or newline)."""
    r = random.Random(seed)
    return bytes(0 if r.random() < 0.15 else r.randrange(0x80, 0x100) for _ in range(n))


def many_addresses(taken):
    """20 addresses, none a prefix of / prefixed by an address already used."""
    r = random.Random(424242)
    addrs = []
    while len(addrs) < 20:
        if len(addrs) % 2 == 0:
            a = "%s%d" % (r.choice(("192.0.2.", "198.51.100.", "203.0.113.")), r.randrange(100, 255))
        else:
            a = "2001:db8:%x:%x::%x" % (0x100 + len(addrs), r.randrange(1, 0xffff), r.randrange(0x10, 0x1000))
        if not any(a.startswith(t) or t.startswith(a) for t in taken):
            addrs.append(a)
            taken.append(a)
    return addrs


MANY = "MANY"  # placeholder, filled in below once all other literals are known

# Each entry: (line bytes without terminator, description for README, [address literals in the line])
HOSTILE = [
    (C("192.0.2.17", "GET /index.html HTTP/1.1", 200, 5123, "https://www.example.org/search?q=logs", CHROME),
     "Baseline combined line, IPv4 client (UA contains the version string `Chrome/120.0.0.0`, which looks like an IPv4 address with zero host bits)",
     ["192.0.2.17"]),
    (C("2001:db8:85a3::8a2e:370:7334", "GET /feed.xml HTTP/2.0", 304, "-", "-", CHROME),
     "Baseline combined line, bare compressed IPv6 client",
     ["2001:db8:85a3::8a2e:370:7334"]),
    (cut_after(C("198.51.100.23", "GET /blog/2026/rust-logs.html HTTP/1.1"), b"/rust-l"),
     "Truncated combined line, cut in the middle of the request field",
     ["198.51.100.23"]),
    (cut_after(C("203.0.113.45"), b"[10/Oct/2026:13:5"),
     "Truncated combined line, cut in the middle of the timestamp",
     ["203.0.113.45"]),
    (b"198.51.100.77 - -",
     "Truncated combined line, only client, identd and user fields",
     ["198.51.100.77"]),
    (b"192.0.2.",
     "Line cut in the middle of the client address (`192.0.2.`, not an address)",
     []),
    (cut_after(C("203.0.113.14", "GET /out?to=partner HTTP/1.1", 302, 0, "http://198.51.100.33/"), b"http://198.51.100."),
     "Truncated combined line ending inside an address in the referrer (`http://198.51.100.`)",
     ["203.0.113.14"]),
    (b"2001:db8:4f:",
     "Line cut in the middle of an IPv6 client (`2001:db8:4f:`, not an address)",
     []),
    (cut_after(C("192.0.2.36", "GET /r?addr=2001:db8:77:1::2f HTTP/1.1"), b"=2001:db8:77:"),
     "Truncated combined line ending inside an IPv6 address in the request (`2001:db8:77:`)",
     ["192.0.2.36"]),
    (b"\x00\x00" + C("192.0.2.61\x00", "GET / HTTP/1.1", 200, "-", "-", "-"),
     "NUL bytes directly before and after the IPv4 client",
     ["192.0.2.61"]),
    (b"\xff\xfe198.51.100.62\x80\x81\xc0 garbage \xf5\xff",
     "Invalid UTF-8 bytes (0x80-0xFF) glued to both sides of an IPv4 address",
     ["198.51.100.62"]),
    (C("2001:db8:b::c3", "GET /caf\xe9 HTTP/1.1".encode("latin-1"), 404, 196, "-", b"Mozilla/5.0 \xc3\x28 \xe2\x82 (X11)"),
     "IPv6 client; invalid UTF-8 in the request path and user agent",
     ["2001:db8:b::c3"]),
    (garbage(13, 96),
     "Pure binary garbage (NUL and 0x80-0xFF bytes), no address",
     []),
    (garbage(14, 7) + b"203.0.113.63" + garbage(15, 5) + b"\x00[2001:db8:c0de::63]\xfe",
     "Binary garbage glued to an IPv4 address and to a bracketed IPv6 address",
     ["203.0.113.63", "2001:db8:c0de::63"]),
    (b"\xe9" + b"2001:db8:c0de::64" + b"\xa0\x00\x00",
     "Unbracketed IPv6 address with invalid UTF-8 and NUL bytes glued to it",
     ["2001:db8:c0de::64"]),
    (C("198.51.100.66", "GET /crlf HTTP/1.1", 200, 17, "-", CHROME) + b"\r",
     "CRLF-terminated combined line",
     ["198.51.100.66"]),
    (C("", "GET / HTTP/1.1", 400, 226),
     "Empty client field (line starts with a space)",
     []),
    (b"- - - [10/Oct/2026:13:56:10 +0000] \"-\" 408 - \"-\" \"-\"",
     "Client field is `-` (Apache 408 with no request)",
     []),
    (C("192.0.2.44:51234", "GET /port HTTP/1.1"),
     "Client as `ip:port` (`192.0.2.44:51234`)",
     ["192.0.2.44"]),
    (C("[2001:db8::44]:443", "GET /port6 HTTP/2.0"),
     "Client as `[v6]:port` (`[2001:db8::44]:443`)",
     ["2001:db8::44"]),
    (b"10-Oct-2026 13:56:13.123 queries: info: client @0x7f3a2c001a10 198.51.100.31#53 "
     b"(www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)",
     "BIND query-log line: `ip#port` (`198.51.100.31#53`) and a parenthesised server address",
     ["198.51.100.31", "192.0.2.53"]),
    (b"sshd[4242]: Connection from 2001:db8:cafe::17 port 51234 on 2001:db8:cafe::1f port 22",
     "Bare unbracketed IPv6 addresses inside free text",
     ["2001:db8:cafe::17", "2001:db8:cafe::1f"]),
    (C("2001:db8:0:1::a1%eth0", "GET /zone HTTP/1.1"),
     "IPv6 client with a `%eth0` zone id",
     ["2001:db8:0:1::a1"]),
    (C("203.0.113.38", "GET /zone HTTP/1.1", 200, 90, "http://[2001:db8:0:1::a2%25eth0]:8443/status"),
     "Referrer URL with bracketed IPv6, URL-encoded zone (`%25eth0`) and port",
     ["203.0.113.38", "2001:db8:0:1::a2"]),
    (C("2001:DB8::ABCD", "GET /upper HTTP/1.1"),
     "Upper-case hex IPv6 client (`2001:DB8::ABCD`)",
     ["2001:DB8::ABCD"]),
    (C("::ffff:192.0.2.99", "GET /mapped HTTP/1.1"),
     "IPv4-mapped IPv6 client, lower case (`::ffff:192.0.2.99`)",
     ["::ffff:192.0.2.99"]),
    (C("::FFFF:203.0.113.57", "GET /mapped HTTP/1.1"),
     "IPv4-mapped IPv6 client, upper case (`::FFFF:203.0.113.57`)",
     ["::FFFF:203.0.113.57"]),
    (C("2001:0db8:0000:0042:0000:8a2e:0370:7341", "GET /full HTTP/1.1"),
     "Full 8-group IPv6 with leading zeros",
     ["2001:0db8:0000:0042:0000:8a2e:0370:7341"]),
    (C("2001:db8:0:42:0:8a2e:370:7342", "GET /full HTTP/1.1"),
     "8-group IPv6 without leading zeros and without `::`",
     ["2001:db8:0:42:0:8a2e:370:7342"]),
    (C("2001:db8:12::198.51.100.45", "GET /dotted HTTP/1.1"),
     "IPv6 with an embedded dotted-quad tail (`2001:db8:12::198.51.100.45`)",
     ["2001:db8:12::198.51.100.45"]),
    (C("198.51.100.46", "GET /redirect?to=http://203.0.113.77/x HTTP/1.1", 302, 0),
     "IPv4 inside a URL in the request path (`/redirect?to=http://203.0.113.77/x`)",
     ["198.51.100.46", "203.0.113.77"]),
    (C("2001:db8:d::47", "GET /api/v1/lookup?ip=192.0.2.201&x=1 HTTP/1.1", 200, 311),
     "IPv4 as a query parameter value (`?ip=192.0.2.201&x=1`)",
     ["2001:db8:d::47", "192.0.2.201"]),
    (C("192.0.2.48", "GET /api/v1/lookup?addr=2001%3Adb8%3A%3A77&fmt=json HTTP/1.1", 200, 402),
     "Percent-encoded IPv6 in a query string (`?addr=2001%3Adb8%3A%3A77`)",
     ["192.0.2.48", "2001%3Adb8%3A%3A77"]),
    (C("203.0.113.49", "GET /admin/ HTTP/1.1", 403, 199, "http://198.51.100.71:8080/admin"),
     "IPv4 with port in the referrer (`http://198.51.100.71:8080/admin`)",
     ["203.0.113.49", "198.51.100.71"]),
    (C("198.51.100.50", "GET / HTTP/1.1", 200, 5123, "http://[2001:db8::5a]/", CHROME),
     "Bracketed IPv6 in the referrer (`http://[2001:db8::5a]/`)",
     ["198.51.100.50", "2001:db8::5a"]),
    (C("203.0.113.51", "GET /login HTTP/1.1", 200, 2048, "http://user:secret@192.0.2.235:8080/", CHROME),
     "Referrer with userinfo before the IPv4 host (`user:secret@192.0.2.235:8080`)",
     ["203.0.113.51", "192.0.2.235"]),
    (C("198.51.100.12", "GET /xff HTTP/1.1", 200, 12, "-", "curl/8.5.0",
       tail=' "203.0.113.19, 198.51.100.24, 2001:db8:aa::17"'),
     "nginx line with an X-Forwarded-For list (v4, v4, v6)",
     ["198.51.100.12", "203.0.113.19", "198.51.100.24", "2001:db8:aa::17"]),
    (C("203.0.113.12", "GET /xff HTTP/1.1", 200, 12, "-", "curl/8.5.0",
       tail=' "unknown, 192.0.2.91:4711, [2001:db8:bb::91]:443"'),
     "X-Forwarded-For list with `unknown`, `ip:port` and `[v6]:port` entries",
     ["203.0.113.12", "192.0.2.91", "2001:db8:bb::91"]),
    (C("198.51.100.57", "GET /fwd HTTP/1.1", 200, 12, "-", "curl/8.5.0",
       tail=' "for=192.0.2.43;proto=https;by=203.0.113.43, for=\\"[2001:db8:cafe::43]:4711\\""'),
     "RFC 7239 `Forwarded` header value with escaped quotes around a bracketed IPv6",
     ["198.51.100.57", "192.0.2.43", "203.0.113.43", "2001:db8:cafe::43"]),
    (C("192.0.2.87", "GET / HTTP/1.1", 404, 196, "-",
       "Mozilla/5.0 (compatible; NetScanner/1.0; +http://203.0.113.88/scanner)"),
     "IPv4 inside the user agent",
     ["192.0.2.87", "203.0.113.88"]),
    (C("2001:db8:5ca::87", "GET / HTTP/1.1", 404, 196, "-", "curl/8.5.0 (probe from 2001:db8:5ca::88)"),
     "Bare IPv6 inside the user agent",
     ["2001:db8:5ca::87", "2001:db8:5ca::88"]),
    (C("192.0.2.131", "GET /both HTTP/1.1", tail=" 198.51.100.132"),
     "Address at the very start and another at the very end of the line (IPv4)",
     ["192.0.2.131", "198.51.100.132"]),
    (C("2001:db8:e0::131", "GET /both HTTP/1.1", tail=" 2001:db8:e0::132"),
     "Address at the very start and another at the very end of the line (IPv6)",
     ["2001:db8:e0::131", "2001:db8:e0::132"]),
    (C("198.51.100.58", "GET /glued HTTP/1.1", tail=' "192.0.2.141,198.51.100.142"'),
     "Two IPv4 addresses glued by a comma without space",
     ["198.51.100.58", "192.0.2.141", "198.51.100.142"]),
    (b"peers=2001:db8:1::a1,2001:db8:2::b2,203.0.113.247,2001:db8:3::c3",
     "IPv6/IPv6/IPv4/IPv6 addresses glued by commas",
     ["2001:db8:1::a1", "2001:db8:2::b2", "203.0.113.247", "2001:db8:3::c3"]),
    (b'{"level":"info","ts":1791640600.5,"logger":"http.log.access","msg":"handled request",'
     b'"request":{"remote_ip":"198.51.100.151","remote_port":"51234","client_ip":"2001:db8:77::9f",'
     b'"proto":"HTTP/2.0","method":"GET","host":"www.example.com","uri":"/",'
     b'"headers":{"X-Forwarded-For":["2001:db8:77::9f, 198.51.100.152"],"X-Real-Ip":["2001:db8:77::9f"]}},'
     b'"status":200}',
     "Caddy-style JSON line with nested address fields (`remote_ip`, `client_ip`, header arrays)",
     ["198.51.100.151", "2001:db8:77::9f", "198.51.100.152"]),
    (b'{"a":{"b":{"c":[{"ip":"203.0.113.153"}]}},"msg":"peer \\"192.0.2.154\\" closed","v6":"[2001:db8:9::15]:80"}',
     "JSON with a deeply nested address, an address between escaped quotes and a bracketed v6 with port",
     ["203.0.113.153", "192.0.2.154", "2001:db8:9::15"]),
    (b"198.51.100.161",
     "Line that is only an IPv4 address",
     ["198.51.100.161"]),
    (b"2001:db8:4:5::6e",
     "Line that is only an IPv6 address",
     ["2001:db8:4:5::6e"]),
    (b"Lorem ipsum dolor sit amet, 203.0.113.171. Consectetur adipiscing elit.",
     "Free-form sentence; IPv4 followed by a full stop",
     ["203.0.113.171"]),
    (b"The backup host (2001:db8:fab::1c) answered, then 192.0.2.222; done!",
     "Free-form sentence; IPv6 in parentheses, IPv4 followed by a semicolon",
     ["2001:db8:fab::1c", "192.0.2.222"]),
    (b"[Sat Oct 10 13:56:30.123456 2026] [core:error] [pid 1234:tid 140245] [client 203.0.113.221:50312] "
     b"AH00126: Invalid URI in request GET /../../etc/passwd HTTP/1.1",
     "Apache error-log line (`[client ip:port]`)",
     ["203.0.113.221"]),
    (b"Oct 10 13:56:31 web01 sshd[4243]: Failed password for invalid user admin from 2001:db8:dead:beef::2a port 52211 ssh2",
     "syslog/sshd line with an IPv6 address",
     ["2001:db8:dead:beef::2a"]),
    (b"192.0.2.181\t-\t-\t[10/Oct/2026:13:56:32 +0000]\t\"GET /tabs HTTP/1.1\"\t200\t512",
     "Tab-separated fields",
     ["192.0.2.181"]),
    (b"   " + C("198.51.100.182", "GET /indent HTTP/1.1"),
     "Leading whitespace before the client address",
     ["198.51.100.182"]),
    (C("203.0.113.183", "GET /private/ HTTP/1.1", 200, 2048, user="admin@198.51.100.184"),
     "Address inside the authenticated-user field (`admin@198.51.100.184`)",
     ["203.0.113.183", "198.51.100.184"]),
    (C("192.0.2.232", 'GET /search?q=\\"192.0.2.233\\" HTTP/1.1', 200, 4100),
     "Address between escaped quotes inside the request (`\\\"192.0.2.233\\\"`)",
     ["192.0.2.232", "192.0.2.233"]),
    (b"firewall: blocked 198.51.100.213/32 and 2001:db8:bad::43/128 (networks 198.51.100.0/24, 2001:db8:bad::/48)",
     "Addresses with CIDR suffixes; the network addresses (`198.51.100.0/24`, `2001:db8:bad::/48`) have zero host bits and are not listed in hostile.addrs",
     ["198.51.100.213", "2001:db8:bad::43"]),
    (b"peer=[192.0.2.191] peer6=[2001:db8::c1] host=web01,ip=192.0.2.236,port=80",
     "Bracketed addresses without port; `key=value` pairs separated by commas",
     ["192.0.2.191", "2001:db8::c1", "192.0.2.236"]),
    (C("203.0.113.253:65535", "GET /maxport HTTP/1.1"),
     "Client `ip:port` with the maximum port number",
     ["203.0.113.253"]),
    (b"listening on 2001:db8::8a:443 (unbracketed, so the :443 is part of the address)",
     "Unbracketed IPv6 whose last group looks like a port (`2001:db8::8a:443` is one valid address)",
     ["2001:db8::8a:443"]),
    (b"dhcpd: DHCPACK on 192.0.2.238 to 00:00:5e:00:53:01 (pc-17.example.net) via eth0 at 13:56:40",
     "DHCP line: IPv4 next to a MAC address and a time (colon-separated decoys that are not IPv6)",
     ["192.0.2.238"]),
    (MANY, "Twenty addresses (IPv4 and IPv6 alternating) separated by single spaces", MANY),
    (b"",
     "Empty line",
     []),
    (b"client disconnected: 2001:db8:ffff::ee",
     "Last line: no trailing newline and the file ends with an IPv6 address",
     ["2001:db8:ffff::ee"]),
]


_i = next(i for i, e in enumerate(HOSTILE) if e[0] is MANY)
_many = many_addresses([a for _, _, lits in HOSTILE if lits is not MANY for a in lits])
HOSTILE[_i] = (" ".join(_many).encode("ascii"), HOSTILE[_i][1], _many)
del _i, _many


def hostile_bytes():
    return b"\n".join(line for line, _, _ in HOSTILE)  # no newline after the last line


def hostile_addrs():
    seen = {}
    for _, _, addrs in HOSTILE:
        for a in addrs:
            seen.setdefault(a, None)
    return list(seen)


def _parse(lit):
    text = urllib.parse.unquote(lit)
    return ipaddress.ip_address(text)


def check_hostile(data, addrs):
    """Sanity checks on hostile.log / hostile.addrs; raises AssertionError."""
    assert len(data) < 64 * 1024, len(data)
    assert not data.endswith(b"\n")
    for line, desc, lits in HOSTILE:
        assert b"\n" not in line, desc
        for lit in lits:
            assert lit.encode() in line, (lit, desc)
    for lit in addrs:
        ip = _parse(lit)
        if ip.version == 4:
            assert str(ip).startswith(("192.0.2.", "198.51.100.", "203.0.113.")), lit
            assert int(lit.rsplit(".", 1)[1]) >= 11, lit
        else:
            mapped = ip.ipv4_mapped
            if mapped is not None:
                assert int(str(mapped).rsplit(".", 1)[1]) >= 11, lit
            else:
                assert ip in ipaddress.ip_network("2001:db8::/32"), lit
                assert int(ip) & ((1 << 80) - 1), lit  # host bits under /48
                last = urllib.parse.unquote(lit).rsplit(":", 1)[1]
                if "." in last:
                    assert int(last.rsplit(".", 1)[1]) >= 11, lit
                else:
                    assert len(last) >= 2 and int(last, 16) != 0, lit
        # every occurrence must be a whole token, never a prefix/suffix of a longer address
        for m in re.finditer(re.escape(lit.encode()), data):
            before = data[max(m.start() - 2, 0):m.start()]
            after = data[m.end():m.end() + 2]
            bad_after = rb"[0-9]|\.[0-9]" if ip.version == 4 else rb"[0-9A-Fa-f:]|\.[0-9]"
            assert not re.match(bad_after, after), (lit, after)
            assert not re.search(rb"([0-9A-Fa-f:]|[0-9]\.)\Z", before), (lit, before)
        for other in addrs:
            assert other == lit or lit not in other, (lit, other)
    # simulate a perfect anonymizer: replacing every listed literal must remove them all
    scrubbed = data
    for lit in sorted(addrs, key=len, reverse=True):
        scrubbed = scrubbed.replace(lit.encode(), b"<ip>")
    for lit in addrs:
        assert lit.encode() not in scrubbed, lit
    # and nothing address-like with non-zero host bits may be left unlisted
    text = urllib.parse.unquote(scrubbed.decode("latin-1"), encoding="latin-1")
    leftovers = []
    for tok in re.findall(r"[0-9A-Fa-f:.]{7,}", text):
        for cand in (tok, tok.strip(".:"), tok.rsplit(":", 1)[0]):
            try:
                ip = ipaddress.ip_address(cand)
            except ValueError:
                continue
            v4 = ip if ip.version == 4 else ip.ipv4_mapped
            host = (int(v4) & 0xFF) if v4 is not None else (int(ip) & ((1 << 80) - 1))
            if host:
                leftovers.append(cand)
            break
    assert not leftovers, leftovers


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------
README_HEAD = """\
# logscrub test fixtures

Everything in this directory is **synthetic**. Every IP address is taken from
the documentation ranges only — `192.0.2.0/24`, `198.51.100.0/24`,
`203.0.113.0/24` (RFC 5737) and `2001:db8::/32` (RFC 3849) — and every
hostname is under `example.com`, `example.org` or `example.net`. Crawler user
agents keep their real product tokens (`Googlebot/2.1`, `bingbot/2.0`, ...)
but their info URLs point at `example.com` hosts.

All files are produced by [`make_fixtures.py`](make_fixtures.py)
(`python3 testdata/make_fixtures.py`, stdlib only). The normal-traffic
fixtures are generated with [`benches/gen_corpus.py`](../benches/gen_corpus.py)
(`random.Random(seed)`, IPv6 share {share}); re-running the script reproduces
the same bytes. The only caveat is `combined-rotated.log.gz`: its
*decompressed* content is always identical, but the compressed bytes depend on
the zlib build (the gzip header has mtime 0 and no file name).
Do not edit the files by hand: change the script and re-run it.

## `web/`

| file | lines | format | seed |
|---|---:|---|---:|
{gen_rows}
| `combined-rotated.log.gz` | {rot_lines} | combined, two concatenated gzip members of {rot_member} lines each (like `cat a.gz b.gz`) | {rot_seed} |
| `cloudfront.log` | {cf_lines} | Amazon CloudFront standard log: `#Version`/`#Fields` header, then tab-separated requests in the documented 33-field order | {cf_seed} |
| `haproxy.log` | {hap_lines} requests and connections, 4 server lines | HAProxy through syslog: `option httplog` (some with captured headers, one request cut short), `option tcplog`, start-up and server-down lines | {hap_seed} |
| `gcs.log` | {gcs_lines} | Google Cloud Storage usage log: CSV header, quoted fields in the documented order | {gcs_seed} |
| `iis.log` | {iis_lines} requests, 8 header lines | IIS W3C extended log (CRLF line ends, as IIS writes them): header in IIS's default fields, then a restart whose `#Fields:` names more (site, version, host, bytes, X-Forwarded-For) | {iis_seed} |
| `iis-noheader.log` | {iisn_lines} | IIS W3C lines in the default field order without any header, an `X-Forwarded-For` custom field appended | {iisn_seed} |
| `traefik.log` | {tr_lines} | Traefik's CLF access log (combined + request count, router, backend URL, duration in ms) | {tr_seed} |
| `devices.log` | {dev_lines} | a device-facing API (ZeroTier-style clients `ZeroTierOne/1.10.6 (Linux; x86_64)`), format `nginx:$remote_addr [$time_local] "$request" $status $body_bytes_sent "$http_user_agent"` | {dev_seed} |
| `hostile.log` | {hostile_lines} | hand-written edge cases, see below | — |
| `hostile.addrs` | {addrs_lines} | one address literal per line, see below | — |

Formats:

* `combined` — Apache `%h %l %u %t "%r" %>s %b "%{{Referer}}i" "%{{User-agent}}i"`
* `common` — Apache `%h %l %u %t "%r" %>s %b`
* `vhost_combined` — Apache `%v:%p %h %l %u %t "%r" %>s %b "%{{Referer}}i" "%{{User-agent}}i"`
* `json` — Caddy-style access log, one JSON object per line (`request.remote_ip`,
  `request.client_ip`, and for proxied requests a `X-Forwarded-For` header array)
* `nginx_xff` — nginx `$remote_addr - $remote_user [$time_local] "$request" $status
  $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"`;
  the last field is `-` or an X-Forwarded-For list (when present, `$remote_addr`
  is one of the proxies `203.0.113.2`, `203.0.113.3`, `198.51.100.2`)

About {share_pct}% of generated lines have an IPv6 client (compressed, 8-group, zero-padded
and upper-case spellings, all in `2001:db8::/32`); about 1% of referrers
contain an IP literal (e.g. `http://198.51.100.7:8080/admin`, `http://[2001:db8::5]/`).

## `web/hostile.log`

{hostile_lines} lines ({hostile_size} bytes), each exercising one thing. The file does
**not** end with a newline. Line {crlf_line} ends in CRLF. Several lines contain NUL
bytes and invalid UTF-8.

`web/hostile.addrs` lists, one per line, every address literal occurring in
`hostile.log`, spelled exactly as it appears there (without port, brackets or
zone id; the percent-encoded one stays percent-encoded), for every address
whose host bits are non-zero under /24 (IPv4) or /48 (IPv6; for IPv4-mapped
addresses the embedded IPv4 /24 counts). Tests assert that none of these
strings appears in logscrub's output. To keep that check free of false
positives every IPv4 literal ends in an octet >= 11 and every IPv6 literal in
a non-zero group of at least two hex digits, and no literal is a substring of
another literal or of a longer address-like token; `make_fixtures.py` asserts
this when it runs.

Not in `hostile.addrs` (by design): the version strings in user agents such as
`Chrome/120.0.0.0`, the truncated `192.0.2.`, `198.51.100.`, `2001:db8:4f:`,
`2001:db8:77:`, the networks `198.51.100.0/24` and `2001:db8:bad::/48`, the
MAC address and times on line {dhcp_line}.

| line | exercises | address literals |
|---:|---|---|
{hostile_rows}
"""


def crlf_line():
    crlf = [i for i, (line, _, _) in enumerate(HOSTILE, 1) if line.endswith(b"\r")]
    assert len(crlf) == 1, crlf
    return crlf[0]


def md_escape(s):
    return s.replace("|", "\\|")


def readme(addrs, data):
    gen_rows = "\n".join("| `%s` | %d | %s | %d |" % (name, n, fmt, seed) for name, fmt, n, seed in GENERATED)
    rows = []
    dhcp_line = None
    for i, (_, desc, lits) in enumerate(HOSTILE, 1):
        if desc.startswith("DHCP"):
            dhcp_line = i
        shown = ", ".join("`%s`" % a for a in lits) if lits else "—"
        if len(lits) > 6:
            shown = "%d addresses" % len(lits)
        rows.append("| %d | %s | %s |" % (i, md_escape(desc), md_escape(shown)))
    name, fmt, n, seed, per = ROTATED
    return README_HEAD.format(
        share=IPV6_SHARE, share_pct=round(IPV6_SHARE * 100), gen_rows=gen_rows,
        rot_lines=n, rot_member=per, rot_seed=seed, dev_lines=DEVICES[1], dev_seed=DEVICES[2],
        cf_lines=CLOUDFRONT[1], cf_seed=CLOUDFRONT[2], hap_lines=HAPROXY[1], hap_seed=HAPROXY[2],
        tr_lines=TRAEFIK[1], tr_seed=TRAEFIK[2], iis_lines=IIS[1], iis_seed=IIS[2],
        iisn_lines=IIS_NOHEADER[1], iisn_seed=IIS_NOHEADER[2], gcs_lines=GCS[1], gcs_seed=GCS[2],
        hostile_lines=len(HOSTILE), hostile_size=len(data), crlf_line=crlf_line(), addrs_lines=len(addrs), dhcp_line=dhcp_line,
        hostile_rows="\n".join(rows))


# ---------------------------------------------------------------------------


CLOUDFRONT = ("cloudfront.log", 120, 1008)  # name, lines, seed

CF_FIELDS = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
             "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
             "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
             "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
             "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
             "sc-range-start sc-range-end")


def cloudfront_lines(n, seed):
    """A CloudFront standard log in the documented field order: its two header lines, then
    tab-separated requests (user agents URL-encoded, as CloudFront writes them)."""
    r = random.Random(seed)
    agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "curl/8.5.0",
    ]
    pages = ["/", "/index.html", "/docs/install.html", "/img/logo.png", "/missing"]
    out = ["#Version: 1.0", "#Fields: " + CF_FIELDS]
    t = 0
    for _ in range(n):
        t += r.randrange(1, 300)
        if r.random() < 0.3:
            ip = "2001:db8:%x::%x" % (r.randrange(1, 0xffff), r.randrange(1, 0xffff))
        else:
            ip = "%s.%d" % (r.choice(["192.0.2", "198.51.100", "203.0.113"]), r.randrange(1, 255))
        page = r.choice(pages)
        status = 404 if page == "/missing" else r.choice([200, 200, 200, 304])
        size = 0 if status == 304 else r.randrange(200, 90000)
        ua = r.choice(agents).replace(" ", "%20")
        xff = "-" if r.random() < 0.7 else "198.51.100.%d" % r.randrange(1, 255)
        ref = r.choice(["-", "https://www.example.org/", "https://search.example.net/?q=docs"])
        fields = [
            "2026-10-10", "%02d:%02d:%02d" % (t // 3600 % 24, t // 60 % 60, t % 60), "SEA19-C1",
            str(size), ip, "GET", "d111111abcdef8.cloudfront.net", page, str(status), ref, ua,
            r.choice(["-", "lang=en"]), "-", r.choice(["Hit", "Miss", "RefreshHit"]),
            "%032x" % r.getrandbits(128), "www.example.com", "https", str(r.randrange(100, 900)),
            "%.3f" % (r.random() / 10), xff, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "Hit",
            r.choice(["HTTP/1.1", "HTTP/2.0"]), "-", "-", str(r.randrange(1024, 65535)),
            "%.3f" % (r.random() / 20), "Hit", "text/html", str(size), "-", "-",
        ]
        out.append("\t".join(fields))
    return out


HAPROXY = ("haproxy.log", 150, 1009)  # name, lines, seed


def haproxy_lines(n, seed):
    """HAProxy through syslog: start-up lines, `option httplog` requests (some with captured
    headers, one cut short), `option tcplog` connections, a server going down."""
    r = random.Random(seed)
    out = [
        "Oct 10 00:00:01 lb1 haproxy[14380]: Proxy http-in started.",
        "Oct 10 00:00:01 lb1 haproxy[14380]: Proxy static started.",
        "Oct 10 00:00:01 lb1 haproxy[14380]: Proxy tcp-in started.",
    ]
    pages = ["/", "/index.html", "/api/v1/items?page=2", "/img/logo.png", "/missing"]
    t = 2
    for i in range(n):
        t += r.randrange(1, 400)
        stamp = "%02d:%02d:%02d" % (t // 3600 % 24, t // 60 % 60, t % 60)
        if r.random() < 0.3:
            ip = "[2001:db8:%x::%x]" % (r.randrange(1, 0xffff), r.randrange(1, 0xffff))
        else:
            ip = "%s.%d" % (r.choice(["192.0.2", "198.51.100", "203.0.113"]), r.randrange(1, 255))
        head = "Oct 10 %s lb1 haproxy[14389]: %s:%d [10/Oct/2026:%s.%03d]" % (
            stamp, ip, r.randrange(1024, 65535), stamp, r.randrange(1000))
        if r.random() < 0.2:
            out.append("%s tcp-in db/pg1 0/%d/%d %d -- 2/1/1/1/0 0/0" % (
                head, r.randrange(3), r.randrange(10, 9000), r.randrange(100, 90000)))
            continue
        page = r.choice(pages)
        status = 404 if page == "/missing" else r.choice([200, 200, 200, 304, 502])
        timers = "%d/0/%d/%d/%d" % (r.randrange(20), r.randrange(5), r.randrange(200), r.randrange(300, 900))
        capture = r.choice(["", "{www.example.com|Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0} {} ",
                            "{www.example.com|curl/8.5.0} {} "])
        request = "GET %s HTTP/1.1\"" % page
        if i == n // 2:
            request = "GET %s HT" % page  # cut short (syslog's line limit)
        out.append('%s http-in static/srv%d %s %d %d - - ---- 1/1/1/1/0 0/0 %s"%s' % (
            head, r.randrange(1, 3), timers, status, r.randrange(0, 90000), capture, request))
    out.append("Oct 10 23:59:58 lb1 haproxy[14380]: Server static/srv2 is DOWN, reason: Layer4 "
               "timeout, check duration: 2001ms. 1 active and 0 backup servers left.")
    return out


TRAEFIK = ("traefik.log", 60, 1010)  # name, lines, seed


def traefik_lines(n, seed):
    """Traefik's access log in CLF form: combined, then request count, router, backend URL and
    duration in milliseconds."""
    r = random.Random(seed)
    out = []
    t = 0
    for i in range(n):
        t += r.randrange(1, 900)
        ip = r.choice(["192.0.2.%d" % r.randrange(1, 255), "2001:db8:%x::%x" % (r.randrange(1, 0xffff), r.randrange(1, 0xffff))])
        status = r.choice([200, 200, 304, 404, 502])
        router, backend = r.choice([("web@docker", "http://192.0.2.80:80"), ("api@file", "http://[2001:db8::80]:8080")])
        out.append('%s - - [10/Oct/2026:%02d:%02d:%02d +0000] "GET %s HTTP/1.1" %d %d "-" "%s" %d "%s" "%s" %dms' % (
            ip, t // 3600 % 24, t // 60 % 60, t % 60, r.choice(["/", "/api/items", "/missing"]), status,
            r.randrange(0, 9000), r.choice(["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"]),
            i + 1, router, backend, r.randrange(1, 900)))
    return out


GCS = ("gcs.log", 60, 1011)  # name, lines, seed


def gcs_lines(n, seed):
    """A Google Cloud Storage usage log: its CSV header, then quoted fields in the documented
    order (time in microseconds since 1970)."""
    r = random.Random(seed)
    cols = ["time_micros", "c_ip", "c_ip_type", "c_ip_region", "cs_method", "cs_uri", "sc_status",
            "cs_bytes", "sc_bytes", "time_taken_micros", "cs_host", "cs_referer", "cs_user_agent",
            "s_request_id", "cs_operation", "cs_bucket", "cs_object"]
    out = [",".join('"%s"' % c for c in cols)]
    t = 1791590400 * 1000000
    for _ in range(n):
        t += r.randrange(1, 600) * 1000000 + r.randrange(1000000)
        v6 = r.random() < 0.3
        ip = "2001:db8:%x::%x" % (r.randrange(1, 0xffff), r.randrange(1, 0xffff)) if v6 else "198.51.100.%d" % r.randrange(1, 255)
        obj = r.choice(["report.pdf", "logo.png", "data/2026.csv"])
        status = r.choice(["200", "200", "304", "404"])
        row = [str(t), ip, "2" if v6 else "1", "", "GET",
               "/download/storage/v1/b/example-bucket/o/%s?alt=media" % obj.replace("/", "%2F"),
               status, "0", str(r.randrange(0, 90000)), str(r.randrange(1000, 90000)),
               "storage.googleapis.com", r.choice(["", "https://www.example.org/"]),
               r.choice(["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"]),
               "%016x" % r.getrandbits(64), "GET_Object", "example-bucket", obj]
        out.append(",".join('"%s"' % v for v in row))
    return out


IIS = ("iis.log", 160, 1012)  # name, lines, seed
IIS_NOHEADER = ("iis-noheader.log", 40, 1013)

IIS_DEFAULT = ("date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
               "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken")
IIS_MORE = ("date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
            "cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status "
            "sc-bytes cs-bytes time-taken X-Forwarded-For")


def iis_request(r, t, fields):
    """One IIS W3C line with the named fields (spaces in the user agent written as `+`)."""
    agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "curl/8.5.0",
    ]
    if r.random() < 0.25:
        ip = "2001:db8:%x::%x" % (r.randrange(1, 0xffff), r.randrange(1, 0xffff))
    else:
        ip = "%s.%d" % (r.choice(["192.0.2", "198.51.100"]), r.randrange(11, 255))
    page = r.choice(["/", "/default.aspx", "/api/orders", "/img/logo.png", "/missing.aspx"])
    status = 404 if page == "/missing.aspx" else r.choice([200, 200, 200, 304, 500])
    v = {
        "date": "2026-10-10", "time": "%02d:%02d:%02d" % (t // 3600 % 24, t // 60 % 60, t % 60),
        "s-sitename": "W3SVC1", "s-ip": "198.51.100.10", "cs-method": r.choice(["GET", "GET", "POST"]),
        "cs-uri-stem": page, "cs-uri-query": r.choice(["-", "id=7", "redirect=http://203.0.113.%d/" % r.randrange(11, 255)]),
        "s-port": "443", "cs-username": r.choice(["-", "-", "EXAMPLE\\alice"]), "c-ip": ip,
        "cs-version": "HTTP/1.1", "cs(User-Agent)": r.choice(agents).replace(" ", "+"),
        "cs(Referer)": r.choice(["-", "https://www.example.org/"]), "cs-host": "www.example.com",
        "sc-status": str(status), "sc-substatus": "0", "sc-win32-status": "0",
        "sc-bytes": str(r.randrange(200, 90000)), "cs-bytes": str(r.randrange(200, 2000)),
        "time-taken": str(r.randrange(1, 900)),
        "X-Forwarded-For": r.choice(["-", "203.0.113.%d" % r.randrange(11, 255)]),
    }
    return " ".join(v[f] for f in fields.split())


def iis_lines(n, seed):
    """An IIS W3C log: the header, requests in IIS's default fields, then a restart whose header
    names more fields (site, bytes, host, X-Forwarded-For), and requests in those."""
    r = random.Random(seed)
    def header(fields, t):
        return ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
                "#Date: 2026-10-10 %02d:%02d:%02d" % (t // 3600 % 24, t // 60 % 60, t % 60),
                "#Fields: " + fields]
    out = header(IIS_DEFAULT, 0)
    t = 0
    for i in range(n):
        if i == n // 2:
            out += header(IIS_MORE, t)
        t += r.randrange(1, 400)
        out.append(iis_request(r, t, IIS_DEFAULT if i < n // 2 else IIS_MORE))
    return out


def iis_noheader_lines(n, seed):
    """IIS lines in the default field order without any header, one custom field appended."""
    r = random.Random(seed)
    t = 0
    out = []
    for _ in range(n):
        t += r.randrange(1, 400)
        out.append(iis_request(r, t, IIS_DEFAULT + " X-Forwarded-For"))
    return out


DEVICES = ("devices.log", 300, 1007)  # name, lines, seed


def devices_lines(n, seed):
    """A device-facing API's log: device addresses (IPv4 and IPv6) and client versions."""
    r = random.Random(seed)
    versions = [("1.10.6", 50), ("1.12.2", 30), ("1.14.0", 17), ("1.8.4", 3)]
    systems = ["(Linux; x86_64)", "(Windows; x64)", "(macOS; arm64)", "(Android; arm64)"]
    devices = []
    for i in range(80):
        if r.random() < 0.4:
            a = "2001:db8:%x::%x" % (r.randrange(1, 0xffff), r.randrange(1, 0xffff))
        else:
            a = "%s.%d" % (r.choice(["192.0.2", "198.51.100"]), r.randrange(1, 255))
        v = r.choices([v for v, _ in versions], [w for _, w in versions])[0]
        devices.append((a, "ZeroTierOne/%s %s" % (v, r.choice(systems))))
    out = []
    t = 0
    for _ in range(n):
        t += r.randrange(1, 280)
        a, ua = r.choice(devices)
        req, status, size = r.choice([
            ("POST /api/v1/device/checkin HTTP/1.1", 200, r.randrange(80, 400)),
            ("GET /api/v1/device/config HTTP/1.1", 200, r.randrange(900, 4000)),
            ("GET /api/v1/device/config HTTP/1.1", 304, 0),
        ])
        stamp = "10/Oct/2026:%02d:%02d:%02d +0000" % (t // 3600 % 24, t // 60 % 60, t % 60)
        out.append('%s [%s] "%s" %d %d "%s"' % (a, stamp, req, status, size, ua))
    return out


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    print("wrote %s (%d bytes)" % (os.path.relpath(path, ROOT), len(data)))


def main():
    os.makedirs(WEB, exist_ok=True)
    for name, fmt, n, seed in GENERATED:
        lines = corpus_lines(fmt, n, seed)
        write(os.path.join(WEB, name), ("\n".join(lines) + "\n").encode("ascii"))

    name, fmt, n, seed, per = ROTATED
    lines = corpus_lines(fmt, n, seed)
    members = [("\n".join(lines[i:i + per]) + "\n").encode("ascii") for i in range(0, n, per)]
    write(os.path.join(WEB, name), b"".join(gzip.compress(m, compresslevel=9, mtime=0) for m in members))

    name, n, seed = GCS
    write(os.path.join(WEB, name), ("\n".join(gcs_lines(n, seed)) + "\n").encode("ascii"))

    name, n, seed = TRAEFIK
    write(os.path.join(WEB, name), ("\n".join(traefik_lines(n, seed)) + "\n").encode("ascii"))

    name, n, seed = HAPROXY
    write(os.path.join(WEB, name), ("\n".join(haproxy_lines(n, seed)) + "\n").encode("ascii"))

    name, n, seed = CLOUDFRONT
    write(os.path.join(WEB, name), ("\n".join(cloudfront_lines(n, seed)) + "\n").encode("ascii"))

    name, n, seed = IIS
    write(os.path.join(WEB, name), ("\r\n".join(iis_lines(n, seed)) + "\r\n").encode("ascii"))
    name, n, seed = IIS_NOHEADER
    write(os.path.join(WEB, name), ("\r\n".join(iis_noheader_lines(n, seed)) + "\r\n").encode("ascii"))

    name, n, seed = DEVICES
    write(os.path.join(WEB, name), ("\n".join(devices_lines(n, seed)) + "\n").encode("ascii"))

    data = hostile_bytes()
    addrs = hostile_addrs()
    check_hostile(data, addrs)
    write(os.path.join(WEB, "hostile.log"), data)
    write(os.path.join(WEB, "hostile.addrs"), ("\n".join(addrs) + "\n").encode("ascii"))
    write(os.path.join(HERE, "README.md"), readme(addrs, data).encode("utf-8"))


if __name__ == "__main__":
    sys.exit(main())
