#!/usr/bin/env python3
"""Generate a synthetic web-server access-log corpus for logscrub benchmarks.

Everything is synthetic.  Client addresses come only from the documentation
ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32,
RFC 5737 / RFC 3849) and every hostname is under example.com, example.org or
example.net.  Output is fully determined by (--lines, --seed, --ipv6-share,
--format); the standard library's Mersenne Twister (``random.Random(seed)``)
is stable across CPython 3 releases, so the bytes are reproducible.

Usage:
    python3 benches/gen_corpus.py --lines N [--seed S] [--ipv6-share 0.15]
        [--format combined|common|vhost_combined|json|nginx_xff] [-o PATH]

Formats:
  combined        Apache  %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
  common          Apache  %h %l %u %t "%r" %>s %b
  vhost_combined  Apache  %v:%p %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
  json            Caddy-style structured access log, one JSON object per line
  nginx_xff       nginx   $remote_addr - $remote_user [$time_local] "$request"
                          $status $body_bytes_sent "$http_referer"
                          "$http_user_agent" "$http_x_forwarded_for"

The corpus is built from precomputed pools (clients, requests, referrers,
user agents) sampled with Zipf-like weights, and written in large batches so
that one million lines take a few seconds with CPython.
"""

import argparse
import calendar
import ipaddress
import json
import math
import random
import sys
import time

FORMATS = ("combined", "common", "vhost_combined", "json", "nginx_xff")
DEFAULT_SEED = 20261010
DEFAULT_IPV6_SHARE = 0.15
BATCH = 50_000

# The corpus covers one UTC day; timestamps are non-decreasing.
DAY_START = calendar.timegm((2026, 10, 10, 0, 0, 0))  # Sat 10 Oct 2026 00:00:00 UTC
DAY_PREFIX = "10/Oct/2026:"
DAY_SECONDS = 86_400

V4_NETS = ("192.0.2.", "198.51.100.", "203.0.113.")
V6_CLIENTS = 30_000  # size of the IPv6 client pool
V6_SITES = 400  # distinct /48s the IPv6 clients live in

# --------------------------------------------------------------------------
# User agents (weights are relative).  Bot / crawler info URLs point at
# example.* hosts on purpose: the corpus only names documentation hostnames.
# --------------------------------------------------------------------------
USER_AGENTS = [
    # desktop browsers
    (18, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
    (9, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"),
    (7, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"),
    (3, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"),
    (5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"),
    (2, "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"),
    (2, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Firefox/127.0"),
    (6, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15"),
    (4, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.92"),
    (1, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 OPR/107.0.0.0"),
    (1, "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36"),
    # mobile browsers
    (12, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"),
    (2, "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"),
    (10, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"),
    (3, "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"),
    (1, "Mozilla/5.0 (Android 14; Mobile; rv:126.0) Gecko/126.0 Firefox/126.0"),
    (2, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.80 Mobile/15E148 Safari/604.1"),
    (2, "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.113 Mobile Safari/537.36"),
    # command-line tools and libraries
    (4, "curl/8.5.0"),
    (1, "curl/7.81.0"),
    (1, "Wget/1.21.4"),
    (2, "python-requests/2.31.0"),
    (2, "Go-http-client/1.1"),
    (1, "Go-http-client/2.0"),
    (1, "okhttp/4.12.0"),
    (0.5, "PostmanRuntime/7.37.3"),
    (0.5, "Apache-HttpClient/4.5.14 (Java/17.0.10)"),
    (0.5, "axios/1.6.8"),
    (2, "kube-probe/1.29"),
    # crawlers and monitors
    (3, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.example.com/bots/googlebot.html)"),
    (2, "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.example.com/bots/googlebot.html)"),
    (2, "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.example.com/bots/bingbot.htm)"),
    (0.5, "DuckDuckBot/1.1; (+http://www.example.com/bots/duckduckbot.html)"),
    (1, "Mozilla/5.0 (compatible; YandexBot/3.0; +http://www.example.com/bots/yandex)"),
    (1, "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://www.example.com/bots/ahrefs/)"),
    (0.5, "facebookexternalhit/1.1 (+http://www.example.com/bots/externalhit_uatext.php)"),
    (0.5, "Slackbot-LinkExpanding 1.0 (+https://api.example.net/robots)"),
    (0.5, "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://monitor.example.net/)"),
    (0.5, "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://www.example.org/gptbot)"),
    (0.5, "Blackbox Exporter/0.25.0"),
    (1, "-"),
]

USERS = ["alice", "bob", "carol", "dave", "erin", "jdoe", "admin", "svc-backup",
         "deploy", "m.mustermann", "j.doe@example.com", "grafana"]

WORDS = ("rust logs privacy nginx apache caddy anonymize gdpr ipv6 regex parser "
         "benchmark release notes pricing docs api install config tls cache "
         "latency proxy forwarded header cookie session token retention audit "
         "kubernetes docker metrics tracing geoip hash salt").split()

SEARCH_ENGINES = [
    "https://www.example.org/search?q=",
    "https://search.example.net/search?q=",
    "https://duck.example.net/?q=",
    "https://find.example.com/results?query=",
]

EXTERNAL = [
    "https://news.example.net/item?id={n}",
    "https://social.example.org/@{w}/{n}",
    "https://forum.example.org/t/{w}-{w2}/{n}",
    "https://mail.example.com/",
    "https://www.example.net/{w}/{w2}.html",
    "android-app://com.example.reader/",
]

VHOSTS_PAGE = ("www.example.com", "blog.example.org", "docs.example.net")
VHOST_STATIC = "static.example.org"
VHOST_API = "api.example.com"


def _zipf_cum(n, s, q):
    """Cumulative Zipf-Mandelbrot weights 1/(k+q)^s for ranks k=1..n."""
    cum, acc = [], 0.0
    for k in range(1, n + 1):
        acc += 1.0 / (k + q) ** s
        cum.append(acc)
    return cum


def _expand(pairs, size=1024):
    """Expand (value, weight) pairs into a lookup table indexed by u*size."""
    total = sum(w for _, w in pairs)
    table = []
    for v, w in pairs:
        table.extend([v] * round(w / total * size))
    while len(table) < size:
        table.append(pairs[0][0])
    return table[:size]


def _hex(rng, n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def _v6_text(rng, addr):
    """Pick a textual form for one IPv6 address (fixed per client)."""
    r = rng.random()
    if r < 0.78:
        return addr.compressed  # RFC 5952 canonical, e.g. 2001:db8:5::1a
    if r < 0.88:  # eight groups, no leading zeros
        return ":".join("%x" % int(g, 16) for g in addr.exploded.split(":"))
    if r < 0.95:  # fully exploded, leading zeros
        return addr.exploded
    return addr.compressed.upper()  # upper-case hex


class Corpus:
    def __init__(self, seed=DEFAULT_SEED, ipv6_share=DEFAULT_IPV6_SHARE):
        if not 0.0 <= ipv6_share <= 1.0:
            raise ValueError("ipv6_share must be within [0, 1]")
        self.rng = rng = random.Random(seed)
        self._build_clients(rng, ipv6_share)
        self._build_user_agents(rng)
        self._build_requests(rng)
        self._build_referrers(rng)
        self._build_statuses()
        self.users = USERS

    # -- pools -------------------------------------------------------------
    def _build_clients(self, rng, share):
        v4 = [net + str(h) for net in V4_NETS for h in range(1, 255)]
        rng.shuffle(v4)
        seen = {}
        sites = [0x0001 + rng.randrange(0xFFFE) for _ in range(V6_SITES)]
        site_cum = _zipf_cum(V6_SITES, 1.0, 2.0)
        while len(seen) < V6_CLIENTS:
            site = rng.choices(sites, cum_weights=site_cum)[0]
            subnet = rng.choice((0, 0, 0, 1, 2, 0x10, 0xA, rng.getrandbits(16)))
            kind = rng.random()
            if kind < 0.60:  # privacy / random interface id
                iid = rng.getrandbits(64)
            elif kind < 0.75:  # EUI-64 derived
                mac = rng.getrandbits(48)
                iid = ((mac >> 24) << 40) | (0xFFFE << 24) | (mac & 0xFFFFFF)
                iid ^= 0x0200 << 48
            else:  # small, hand-assigned host numbers (::1a, ::2:17, ...)
                iid = rng.choice((rng.randrange(0x10, 0x1000),
                                  (rng.randrange(1, 16) << 16) | rng.randrange(0x10, 0x100)))
            value = (0x20010DB8 << 96) | (site << 80) | (subnet << 64) | iid
            addr = ipaddress.IPv6Address(value)
            if value not in seen:
                seen[value] = _v6_text(rng, addr)
        v6 = list(seen.values())
        rng.shuffle(v6)

        v4_cum = _zipf_cum(len(v4), 0.9, 3.0)
        v6_cum = _zipf_cum(len(v6), 1.0, 5.0)
        clients, cum = [], []
        if share < 1.0:
            scale = (1.0 - share) / v4_cum[-1]
            clients += v4
            cum += [c * scale for c in v4_cum]
        if share > 0.0:
            base = cum[-1] if cum else 0.0
            scale = share / v6_cum[-1]
            clients += v6
            cum += [base + c * scale for c in v6_cum]
        self.clients, self.client_cum = clients, cum
        self.v4_pool, self.v6_pool = v4, v6
        # a few reverse proxies / load balancers (used by json and nginx_xff)
        self.proxies = ["203.0.113.2", "203.0.113.3", "198.51.100.2", "2001:db8:ffff::10"]

    def _build_user_agents(self, rng):
        weights = [w for w, _ in USER_AGENTS]
        self.uas = [ua for _, ua in USER_AGENTS]
        acc, cum = 0.0, []
        for w in weights:
            acc += w
            cum.append(acc)
        self.ua_cum = cum
        # each client mostly sticks to one user agent
        self.client_ua = rng.choices(range(len(self.uas)), cum_weights=cum, k=len(self.clients))

    def _build_requests(self, rng):
        """Pool of (kind, method, target, proto, vhost, size) sorted by popularity."""
        reqs = []
        years = ("2023", "2024", "2025", "2026")

        def slug():
            return "-".join(rng.sample(WORDS, rng.randint(2, 4)))

        def email():
            return rng.choice(("jane.doe", "john", "info", "m.mueller", "user%2Btag", "k.tanaka")) + \
                "%40" + rng.choice(("example.com", "example.org", "example.net"))

        def proto():
            r = rng.random()
            return "HTTP/1.1" if r < 0.62 else ("HTTP/2.0" if r < 0.97 else "HTTP/1.0")

        # pages
        for p in ("/", "/", "/about", "/pricing", "/contact", "/blog/", "/docs/", "/login",
                  "/signup", "/search", "/feed.xml", "/changelog"):
            reqs.append(("page", "GET", p, proto(), rng.choice(VHOSTS_PAGE), rng.randint(4000, 40000)))
        for _ in range(2500):
            p = "/blog/%s/%s.html" % (rng.choice(years), slug())
            r = rng.random()
            if r < 0.25:
                p += "?utm_source=%s&utm_medium=%s" % (rng.choice(("feed", "newsletter", "social")),
                                                       rng.choice(("rss", "email", "post")))
            elif r < 0.35:
                p += "?page=%d" % rng.randint(2, 9)
            elif r < 0.40:
                p += "?ref=%s&lang=%s" % (rng.choice(WORDS), rng.choice(("en", "de", "fr", "ja")))
            reqs.append(("page", "GET", p, proto(), rng.choice(VHOSTS_PAGE), rng.randint(6000, 60000)))
        for _ in range(1200):
            p = "/docs/%s/%s" % (rng.choice(WORDS), rng.choice(WORDS))
            if rng.random() < 0.2:
                p += "#%s" % rng.choice(WORDS)
            reqs.append(("page", "GET", p, proto(), "docs.example.net", rng.randint(5000, 30000)))
        # static assets
        for name in ("app", "main", "vendor", "runtime", "polyfills"):
            for ext in ("css", "js"):
                for _ in range(3):
                    reqs.append(("static", "GET", "/static/%s/%s.%s.%s" % (ext, name, _hex(rng, 8), ext),
                                 proto(), VHOST_STATIC, rng.randint(2000, 400000)))
        for _ in range(1500):
            p = "/img/%s/%s.%s" % (rng.choice(years), slug(), rng.choice(("png", "jpg", "webp", "svg")))
            if rng.random() < 0.2:
                p += "?w=%d" % rng.choice((320, 640, 1280))
            reqs.append(("static", "GET", p, proto(), VHOST_STATIC, rng.randint(800, 900000)))
        for p, size in (("/favicon.ico", 15086), ("/robots.txt", 68), ("/sitemap.xml", 48213),
                        ("/apple-touch-icon.png", 7021), ("/fonts/inter-var.woff2", 325140),
                        ("/manifest.webmanifest", 512)):
            reqs.append(("static", "GET", p, proto(), rng.choice(VHOSTS_PAGE), size))
        # API
        for _ in range(3000):
            r = rng.random()
            m = "GET"
            if r < 0.20:
                p = "/api/v1/users/%d" % rng.randint(1, 99999)
            elif r < 0.35:
                p = "/api/v1/orders?id=%d&token=%s" % (rng.randint(100000, 999999), _hex(rng, 32))
            elif r < 0.50:
                p = "/api/v2/search?q=%s+%s&limit=%d&offset=%d" % (
                    rng.choice(WORDS), rng.choice(WORDS), rng.choice((10, 20, 50)), rng.choice((0, 20, 40)))
            elif r < 0.58:
                p = "/api/v1/session?session=%s" % _hex(rng, 24)
            elif r < 0.64:
                p = "/api/v1/subscribe?email=%s" % email()
            elif r < 0.68:
                p = "/account/reset?email=%s&token=%s" % (email(), _hex(rng, 40))
            elif r < 0.74:
                m, p = "POST", "/api/v1/events"
            elif r < 0.79:
                m, p = "POST", "/graphql"
            elif r < 0.82:
                m, p = "POST", "/oauth/token"
            elif r < 0.86:
                m, p = rng.choice(("PUT", "PATCH")), "/api/v1/users/%d" % rng.randint(1, 99999)
            elif r < 0.88:
                m, p = "DELETE", "/api/v1/orders/%d?token=%s" % (rng.randint(100000, 999999), _hex(rng, 32))
            elif r < 0.91:
                m, p = "OPTIONS", "/api/v1/%s" % rng.choice(("users", "orders", "events", "search"))
            elif r < 0.95:
                p = "/api/v1/items?id=%d&fields=name,price&session=%s" % (rng.randint(1, 5000), _hex(rng, 16))
            else:
                p = "/api/v1/download?id=%d&token=%s&dl=1" % (rng.randint(1, 9999), _hex(rng, 20))
            reqs.append(("api" if m == "GET" else "apiw", m, p, proto(), VHOST_API, rng.randint(2, 9000)))
        reqs.append(("form", "POST", "/login", "HTTP/1.1", "www.example.com", 512))
        reqs.append(("form", "POST", "/contact", "HTTP/1.1", "www.example.com", 2048))
        # health checks, HEAD probes and redirects
        for p in ("/healthz", "/metrics", "/status"):
            reqs.append(("health", "GET", p, "HTTP/1.1", "www.example.com", rng.randint(2, 3000)))
            reqs.append(("health", "HEAD", p, "HTTP/1.1", "www.example.com", 0))
        for p in ("/", "/blog/", "/pricing"):
            reqs.append(("head", "HEAD", p, "HTTP/1.1", "www.example.com", 0))
        for p in ("/blog", "/docs", "/index.html", "/old-blog/feed", "/wiki"):
            reqs.append(("redirect", "GET", p, "HTTP/1.1", "www.example.com", 235))
        # vulnerability-scanner noise
        for p in ("/wp-login.php", "/.env", "/phpmyadmin/index.php", "/cgi-bin/luci", "/.git/config",
                  "/xmlrpc.php", "/admin/config.php", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
                  "/owa/auth/logon.aspx", "/solr/admin/info/system?wt=json", "/.aws/credentials",
                  "/actuator/env", "/boaform/admin/formLogin", "/HNAP1/", "/server-status"):
            reqs.append(("scan", rng.choice(("GET", "GET", "GET", "POST")), p, "HTTP/1.1",
                         "www.example.com", 0))
        rng.shuffle(reqs)
        # make the site root and a couple of assets the most popular resources
        reqs.sort(key=lambda r: 0 if r[2] in ("/", "/favicon.ico", "/robots.txt") else 1)

        self.requests = reqs
        self.req_line = ["%s %s %s" % (m, p, pr) for _, m, p, pr, _, _ in reqs]
        self.req_cum = _zipf_cum(len(reqs), 0.95, 10.0)
        self.page_paths = [r[2] for r in reqs if r[0] == "page"]

    def _build_referrers(self, rng):
        pages = self.page_paths
        internal = ["https://%s%s" % (rng.choice(VHOSTS_PAGE), rng.choice(pages)) for _ in range(800)]
        search = ["%s%s+%s" % (rng.choice(SEARCH_ENGINES), rng.choice(WORDS), rng.choice(WORDS))
                  for _ in range(400)]
        external = [rng.choice(EXTERNAL).format(n=rng.randint(1000, 99999999), w=rng.choice(WORDS),
                                                w2=rng.choice(WORDS)) for _ in range(300)]
        literal = []
        for _ in range(60):
            r = rng.random()
            v4 = rng.choice(self.v4_pool)
            v6 = ipaddress.IPv6Address(rng.choice(self.v6_pool)).compressed
            if r < 0.30:
                literal.append("http://%s:8080/admin" % v4)
            elif r < 0.50:
                literal.append("http://%s/" % v4)
            elif r < 0.65:
                literal.append("https://%s/login?next=%%2Fdashboard" % v4)
            elif r < 0.85:
                literal.append("http://[%s]/" % v6)
            else:
                literal.append("https://[%s]:8443/status?id=%d" % (v6, rng.randint(1, 999)))
        groups = (("-", 0.52, ["-"]), ("internal", 0.25, internal), ("search", 0.12, search),
                  ("external", 0.0975, external), ("literal", 0.0125, literal))
        refs, cum, acc = [], [], 0.0
        for _, w, items in groups:
            for it in items:
                acc += w / len(items)
                refs.append(it)
                cum.append(acc)
        self.refs, self.ref_cum = refs, cum
        self.internal_refs = internal

    def _build_statuses(self):
        # per request kind: table of (status, body?) where body=False means no body bytes
        ok, nm = True, False
        kinds = {
            "page": [((200, ok), 85), ((304, nm), 8), ((404, ok), 3), ((301, ok), 1), ((302, ok), 1),
                     ((500, ok), 0.7), ((503, ok), 0.3), ((403, ok), 0.5), ((206, ok), 0.5)],
            "static": [((200, ok), 64), ((304, nm), 30), ((404, ok), 4), ((206, ok), 2)],
            "api": [((200, ok), 82), ((304, nm), 3), ((400, ok), 3), ((401, ok), 4), ((403, ok), 1),
                    ((404, ok), 3), ((429, ok), 1), ((500, ok), 1.2), ((502, ok), 0.5), ((504, ok), 0.3)],
            "apiw": [((200, ok), 55), ((201, ok), 20), ((204, nm), 10), ((400, ok), 5), ((401, ok), 4),
                     ((403, ok), 1), ((422, ok), 2), ((500, ok), 2), ((502, ok), 1)],
            "form": [((302, ok), 60), ((200, ok), 30), ((401, ok), 8), ((500, ok), 2)],
            "health": [((200, ok), 98), ((503, ok), 2)],
            "head": [((200, nm), 90), ((304, nm), 10)],
            "redirect": [((301, ok), 80), ((308, ok), 20)],
            "scan": [((404, ok), 85), ((403, ok), 10), ((400, ok), 3), ((405, ok), 2)],
        }
        self.status_table = {k: _expand(v) for k, v in kinds.items()}
        self.err_size = {301: 235, 302: 0, 308: 238, 400: 226, 401: 381, 403: 199, 404: 196, 405: 230,
                         422: 183, 429: 162, 500: 531, 502: 537, 503: 299, 504: 247, 204: 0, 304: 0}

    # -- line generation ------------------------------------------------------
    def batches(self, n, fmt="combined", batch=BATCH):
        """Yield lists of lines (without newline) totalling n lines."""
        if fmt not in FORMATS:
            raise ValueError("unknown format %r" % fmt)
        rng = self.rng
        rnd = rng.random
        clients, client_cum, client_ua = self.clients, self.client_cum, self.client_ua
        nclients = len(clients)
        client_idx = range(nclients)
        uas, ua_cum = self.uas, self.ua_cum
        reqs, req_line, req_cum = self.requests, self.req_line, self.req_cum
        req_idx = range(len(reqs))
        refs, ref_cum, internal = self.refs, self.ref_cum, self.internal_refs
        users = self.users
        st_table, err_size = self.status_table, self.err_size
        proxies = self.proxies
        tcache = {}
        jq = {}  # cache of JSON-escaped strings (all strings come from finite pools)

        def jdump(x):
            r = jq.get(x)
            if r is None:
                r = jq[x] = json.dumps(x)
            return r

        # diurnal traffic: density ~ 1 - 0.55*cos(2*pi*t/day); cdf per second
        two_pi = 2.0 * math.pi
        amp = 0.55 / two_pi
        cdf = [((s + 1) - amp * DAY_SECONDS * math.sin(two_pi * (s + 1) / DAY_SECONDS)) / DAY_SECONDS
               for s in range(DAY_SECONDS)]
        sec = 0
        done = 0
        while done < n:
            k = min(batch, n - done)
            ci = rng.choices(client_idx, cum_weights=client_cum, k=k)
            ri = rng.choices(req_idx, cum_weights=req_cum, k=k)
            rf = rng.choices(refs, cum_weights=ref_cum, k=k)
            ua_alt = rng.choices(uas, cum_weights=ua_cum, k=k)
            out = []
            append = out.append
            for j in range(k):
                i = done + j
                target = (i + 0.5) / n
                while cdf[sec] < target:
                    sec += 1
                ts = tcache.get(sec)
                if ts is None:
                    h, rem = divmod(sec, 3600)
                    ts = tcache[sec] = "%s%02d:%02d:%02d +0000" % (DAY_PREFIX, h, rem // 60, rem % 60)
                c = ci[j]
                ip = clients[c]
                req = reqs[ri[j]]
                kind = req[0]
                u = rnd()
                status, body = st_table[kind][int(u * 1024)]
                if body and status in (200, 201, 206):
                    size = req[5] if status != 206 else req[5] // 3
                    if kind in ("page", "api", "apiw"):
                        size += int(u * 997) % 257
                else:
                    size = err_size.get(status, 0) if body else 0
                w = rnd()
                ua = uas[client_ua[c]] if w < 0.9 else ua_alt[j]
                ref = rf[j]
                if kind == "static" and ref != "-":
                    ref = internal[ri[j] % len(internal)]
                user = "-" if w < 0.98 else users[c % len(users)]
                if fmt == "combined":
                    append('%s - %s [%s] "%s" %d %s "%s" "%s"' % (
                        ip, user, ts, req_line[ri[j]], status, size or "-", ref, ua))
                elif fmt == "common":
                    append('%s - %s [%s] "%s" %d %s' % (
                        ip, user, ts, req_line[ri[j]], status, size or "-"))
                elif fmt == "vhost_combined":
                    port = 443 if (status != 301 or w < 0.5) else 80
                    append('%s:%d %s - %s [%s] "%s" %d %s "%s" "%s"' % (
                        req[4], port, ip, user, ts, req_line[ri[j]], status, size or "-", ref, ua))
                elif fmt == "nginx_xff":
                    v = rnd()
                    if v < 0.45:
                        xff = "-"
                        remote = ip
                    else:
                        remote = proxies[int(v * 1000) % 3]
                        if v < 0.80:
                            xff = ip
                        elif v < 0.95:
                            xff = "%s, %s" % (ip, proxies[3] if v < 0.87 else proxies[2])
                        else:
                            xff = "%s, %s, %s" % (clients[ri[j] % nclients], ip, proxies[3])
                    append('%s - %s [%s] "%s" %d %d "%s" "%s" "%s"' % (
                        remote, user, ts, req_line[ri[j]], status, size, ref, ua, xff))
                else:  # json (Caddy)
                    lo = cdf[sec - 1] if sec else 0.0
                    frac = (target - lo) / (cdf[sec] - lo)
                    if frac >= 0.9995:
                        frac = 0.9995
                    bare = ip
                    v = rnd()
                    port = 1024 + int(v * 64511)
                    headers = []
                    if ua != "-":
                        headers.append('"User-Agent":[%s]' % jdump(ua))
                    if ref != "-":
                        headers.append('"Referer":[%s]' % jdump(ref))
                    if v < 0.12:
                        remote = proxies[int(v * 1000) % 4]
                        headers.append('"X-Forwarded-For":["%s"]' % bare)
                    else:
                        remote = bare
                    proto = req[3]
                    append(
                        '{"level":"info","ts":%d.%03d,"logger":"http.log.access","msg":"handled request",'
                        '"request":{"remote_ip":"%s","remote_port":"%d","client_ip":"%s","proto":"%s",'
                        '"method":"%s","host":"%s","uri":%s,"headers":{%s}},"bytes_read":%d,'
                        '"duration":%.6f,"size":%d,"status":%d}' % (
                            DAY_START + sec, int(frac * 1000), remote, port, bare, proto, req[1], req[4],
                            jdump(req[2]), ",".join(headers),
                            (int(v * 7919) % 2048) if req[1] in ("POST", "PUT", "PATCH") else 0,
                            0.0002 + (u * 0.05) ** 2, size, status))
            done += k
            yield out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, required=True, help="number of lines to write")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="PRNG seed (default %(default)s)")
    ap.add_argument("--ipv6-share", type=float, default=DEFAULT_IPV6_SHARE,
                    help="expected fraction of IPv6 clients (default %(default)s)")
    ap.add_argument("--format", choices=FORMATS, default="combined")
    ap.add_argument("-o", "--output", help="output file (default: stdout)")
    args = ap.parse_args(argv)
    if args.lines < 0:
        ap.error("--lines must be >= 0")

    t0 = time.perf_counter()
    corpus = Corpus(seed=args.seed, ipv6_share=args.ipv6_share)
    out = open(args.output, "wb") if args.output else sys.stdout.buffer
    total = 0
    try:
        for lines in corpus.batches(args.lines, args.format):
            data = ("\n".join(lines) + "\n").encode("ascii")
            total += len(data)
            out.write(data)
    finally:
        if args.output:
            out.close()
        else:
            out.flush()
    if args.output:
        print("wrote %d lines, %d bytes (avg %.1f B/line) to %s in %.2fs" % (
            args.lines, total, total / max(args.lines, 1), args.output, time.perf_counter() - t0),
            file=sys.stderr)


if __name__ == "__main__":
    main()
