#!/usr/bin/env python3
"""Regenerate the DNS-server log fixtures in testdata/dns/ (deterministic; stdlib only).

    python3 testdata/dns/make_dns_fixtures.py

Every line is written by hand below as a list of pieces.  A piece is either a
plain string or a (field, text) tuple; the tuples are concatenated into the
line like plain strings and, at the same time, recorded as the line's expected
field -> substring mapping in NAME.expected.jsonl.  Because the expected values
are the very pieces the line was built from, every value is a byte-exact
substring of its line (the script also asserts this).

A line built with BAD(...) is deliberately malformed: its expected entry is
`null`.

All data is synthetic: addresses come only from 192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24 and 2001:db8::/32; names are under example.com / example.org /
example.net.  See README.md in this directory for where each line shape was
confirmed.
"""

import calendar
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

FIELDS = {
    "time", "client", "client_port", "server", "qname", "qclass", "qtype", "rcode",
    "flags", "transport", "size", "duration", "cached", "upstream", "ecs", "view",
    "key", "id", "event", "blocked",
}
WRAPPED_EXTRA = {"wrapper", "format"}

# 2026-10-10T13:55:36Z, the start of every fixture's timeline
EPOCH0 = calendar.timegm((2026, 10, 10, 13, 55, 36, 0, 0, 0))
assert EPOCH0 == 1791640536


class Bad:
    def __init__(self, text):
        self.text = text


def BAD(text):
    return Bad(text)


def build(pieces, extra_fields=None):
    """pieces -> (line, {field: substring}) ; Bad -> (line, None)."""
    if isinstance(pieces, Bad):
        return pieces.text, None
    line = []
    fields = {}
    for p in pieces:
        if isinstance(p, tuple):
            name, text = p
            zero_width = name.startswith("+")  # records a field without adding text
            name = name.lstrip("+")
            assert name in FIELDS, name
            assert isinstance(text, str) and text, (name, text)
            if name in fields:
                assert fields[name] == text, ("field given twice with different text", name, fields[name], text)
            fields[name] = text
            if not zero_width:
                line.append(text)
        else:
            line.append(p)
    line = "".join(line)
    for name, text in fields.items():
        assert text in line, (name, text, line)
    if extra_fields:
        fields.update(extra_fields)
    return line, fields


def write_fixture(name, entries, wrapped=False):
    lines, expected = [], []
    for e in entries:
        if wrapped:
            pieces, extra = e
            line, fields = build(pieces, extra)
        else:
            line, fields = build(e)
        assert "\n" not in line and "\r" not in line, line
        lines.append(line)
        expected.append("null" if fields is None else json.dumps(fields, ensure_ascii=False))
    with open(os.path.join(HERE, name + ".log"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(HERE, name + ".expected.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(expected) + "\n")
    return len(lines)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
T = lambda v: ("time", v)
C = lambda v: ("client", v)
P = lambda v: ("client_port", v)
S = lambda v: ("server", v)
Q = lambda v: ("qname", v)
K = lambda v: ("qclass", v)
Y = lambda v: ("qtype", v)
R = lambda v: ("rcode", v)
F = lambda v: ("flags", v)
X = lambda v: ("transport", v)
Z = lambda v: ("size", v)
D = lambda v: ("duration", v)
H = lambda v: ("cached", v)
U = lambda v: ("upstream", v)
E = lambda v: ("ecs", v)
V = lambda v: ("view", v)
KEY = lambda v: ("key", v)
ID = lambda v: ("id", v)
EV = lambda v: ("event", v)
BL = lambda v: ("+blocked", v)  # zero-width: the blocking words are also the event text


def BLK(reason):
    """Pi-hole blocking reason: it is both the event word and the "blocked" field."""
    return [EV(reason), BL(reason)]


# ---------------------------------------------------------------------------
# BIND 9 query log
# ---------------------------------------------------------------------------
def bind_new(ptr, ip, port, qname, qtype, flags, server, *, key=None, view=None, ecs=None, qclass="IN"):
    """BIND >= 9.11 queries line (lib/ns/client.c ns_client_logv + lib/ns/query.c log_query)."""
    p = ["client @", ptr, " ", C(ip), "#", P(port)]
    if key:
        p += ["/key ", KEY(key)]
    p += [" (", Q(qname), ")"]
    if view:
        p += [": view ", V(view)]
    p += [": ", EV("query"), ": ", Q(qname), " ", K(qclass), " ", Y(qtype), " ", F(flags), " (", S(server), ")"]
    if ecs:
        p += [" [ECS ", E(ecs), "]"]
    return p


def bind_failed_new(ptr, ip, port, qname, qtype, rcode, line_no, *, view=None, qclass="IN"):
    p = ["client @", ptr, " ", C(ip), "#", P(port), " (", Q(qname), ")"]
    if view:
        p += [": view ", V(view)]
    p += [": ", EV("query failed"), " (", R(rcode), ") for ", Q(qname), "/", K(qclass), "/", Y(qtype),
          " at query.c:", line_no]
    return p


def bind_response(ptr, ip, port, qname, qtype, rcode, counts, flags, server, *, view=None, ecs=None, qclass="IN"):
    """BIND 9.20.3/9.21.2+ `responses` category (lib/ns/query.c log_response):
    "response: %s %s %s %s %u %u %u %s (%s)%s" = name class type rcode answer authority
    additional flags (destination) [ECS]."""
    p = ["client @", ptr, " ", C(ip), "#", P(port), " (", Q(qname), ")"]
    if view:
        p += [": view ", V(view)]
    p += [": ", EV("response"), ": ", Q(qname), " ", K(qclass), " ", Y(qtype), " ", R(rcode), " ", counts,
          " ", F(flags), " (", S(server), ")"]
    if ecs:
        p += [" [ECS ", E(ecs), "]"]
    return p


def bind_old(ip, port, qname, qtype, flags, server, *, view=None, qclass="IN", with_qname=False):
    """BIND 9.8 (no @ptr, no (qname)) and BIND 9.9/9.10 (with (qname)) forms."""
    p = ["client ", C(ip), "#", P(port)]
    if with_qname:
        p += [" (", Q(qname), ")"]
    if view:
        p += [": view ", V(view)]
    p += [": ", EV("query"), ": ", Q(qname), " ", K(qclass), " ", Y(qtype), " ", F(flags), " (", S(server), ")"]
    return p


BIND = [
    [T("10-Oct-2026 13:55:36.123"), " queries: info: "] + bind_new("0x7f3b2c01a168", "192.0.2.17", "53412", "www.example.com", "A", "+E(0)K", "192.0.2.53"),
    [T("10-Oct-2026 13:55:36.187"), " queries: info: "] + bind_new("0x7f3b2c01b2a8", "2001:db8:85a3::8a2e:370:7334", "41877", "www.example.org", "AAAA", "+E(0)DV", "2001:db8::53"),
    [T("10-Oct-2026 13:55:36.402"), " queries: info: "] + bind_new("0x7f3b2c0c4b18", "198.51.100.23", "60412", "broken.example.net", "A", "+E(0)K", "192.0.2.53"),
    [T("10-Oct-2026 13:55:36.911"), " query-errors: info: "] + bind_failed_new("0x7f3b2c0c4b18", "198.51.100.23", "60412", "broken.example.net", "A", "SERVFAIL", "7375"),
    [T("10-Oct-2026 13:55:37.004"), " "] + bind_new("0x7f3b2c0c7f28", "203.0.113.45", "33211", "intranet.example.com", "A", "+E(0)K", "192.0.2.53", view="internal"),
    [T("10-Oct-2026 13:55:37.058"), " "] + bind_new("0x7f3b2c0d1a08", "198.51.100.61", "45120", "example.net", "SOA", "-SE(0)T", "192.0.2.53", key="xfer-key.example.net", view="external"),
    [T("10-Oct-2026 13:55:37.061"), " "] + bind_new("0x7f3b2c0d1a08", "198.51.100.61", "45120", "example.net", "AXFR", "-SE(0)T", "192.0.2.53", key="xfer-key.example.net"),
    bind_new("0x7f3b2c0e2c48", "203.0.113.77", "50123", "cdn.example.com", "A", "+E(0)K", "192.0.2.53", ecs="198.51.100.0/24/0"),
    bind_new("0x7f3b2c0e3d88", "2001:db8:4::1e", "40001", "cdn.example.com", "AAAA", "+E(0)V", "2001:db8::53", ecs="2001:db8:4::/56/0"),
    ["queries: "] + bind_new("0x7f3b2c0f0a28", "192.0.2.88", "5353", "_sip._udp.example.org", "SRV", "+E(0)K", "192.0.2.53"),
    ["info: "] + bind_new("0x7f3b2c0f1b68", "203.0.113.91", "61001", "example.org", "TXT", "+E(0)TK", "192.0.2.53"),
    [T("2026-10-10T13:55:38.015"), " queries: info: "] + bind_new("0x7f3b2c0f2ca8", "2001:db8:1::a1", "34567", "mail.example.com", "MX", "+E(0)DCK", "2001:db8::53", view="internal"),
    [T("2026-10-10T13:55:38.221Z"), " "] + bind_new("0x7f3b2c0f3de8", "192.0.2.17", "53413", "www.example.com", "HTTPS", "+E(0)V", "192.0.2.53"),
    [T("2026-10-10T13:55:38.227Z"), " "] + bind_new("0x7f3b2c0f4f28", "198.51.100.142", "52001", "example.com", "DNSKEY", "-E(0)D", "192.0.2.53"),
    [T("10-Oct-2026 13:55:38.530"), " query-errors: info: "] + bind_failed_new("0x7f3b2c0f2ca8", "2001:db8:1::a1", "34567", "dnssec-failed.example.org", "DS", "SERVFAIL", "7375", view="internal"),
    # BIND 9.8: "client %s%s%s: %s" -- no client pointer, no (qname), flags +/S/E/T/D/C
    [T("10-Oct-2026 13:55:39.310"), " "] + bind_old("192.0.2.131", "1029", "old.example.org", "A", "+", "192.0.2.53"),
    [T("10-Oct-2026 13:55:39.312"), " "] + bind_old("2001:db8:e0::131", "51515", "old.example.org", "AAAA", "+E", "2001:db8::53"),
    bind_old("198.51.100.132", "3461", "www.example.net", "A", "+ED", "192.0.2.53", view="external"),
    ["client ", C("192.0.2.131"), "#", P("1030"), ": ", EV("query failed"), " (", R("SERVFAIL"), ") for ",
     Q("lame.example.org"), "/", K("IN"), "/", Y("A"), " at query.c:5441"],
    # BIND 9.9/9.10: "client %s%s%s%s%s%s%s%s: %s" with (qname) but no client pointer
    [T("10-Oct-2026 13:55:40.077"), " queries: info: "] + bind_old("203.0.113.88", "49152", "ns1.example.net", "A", "+", "192.0.2.53", with_qname=True),
    bind_old("2001:db8:e0::132", "49153", "ns2.example.net", "AAAA", "+", "2001:db8::53", with_qname=True, view="internal"),
    [T("10-Oct-2026 13:55:40.301"), " queries: info: "] + bind_new("0x7f3b2c101068", "203.0.113.45", "33219", "www.example.net", "CAA", "+E(0)K", "192.0.2.53", view="internal"),
    [T("10-Oct-2026 13:55:40.355"), " queries: info: "] + bind_new("0x7f3b2c1021a8", "2001:db8:85a3::8a2e:370:7334", "41899", "example.org", "NS", "-SE(0)", "2001:db8::53", key="tsig.example.org"),
    [T("10-Oct-2026 13:55:40.489"), " queries: info: "] + bind_new("0x7f3b2c1032e8", "192.0.2.201", "10053", "example.com", "ANY", "+E(0)TDK", "192.0.2.53", ecs="192.0.2.0/24/0"),
    BAD("10-Oct-2026 13:55:40.512 queries: info: client @0x7f3b2c104428 198.51.100.199#5"),
    BAD("\x1b[0m@@@@ %%named-journal%% 0xdeadbeef ~~~ #### ??? ...."),
    [T("10-Oct-2026 13:55:41.002"), " query-errors: info: "] + bind_failed_new("0x7f3b2c105568", "203.0.113.91", "61007", "timeout.example.net", "AAAA", "SERVFAIL", "7375"),
    [T("10-Oct-2026 13:55:41.120"), " responses: info: "] + bind_response("0x7f3b2c101068", "203.0.113.45", "33219", "www.example.net", "A", "NOERROR", "1 0 1", "+E(0)K", "192.0.2.53"),
    bind_response("0x7f3b2c1021a8", "2001:db8:85a3::8a2e:370:7334", "41899", "nx.example.org", "AAAA", "NXDOMAIN", "0 1 1", "-E(0)TDV", "2001:db8::53", view="external"),
    bind_response("0x7f3b2c1032e8", "192.0.2.201", "10053", "cdn.example.com", "A", "SERVFAIL", "0 0 1", "+E(0)", "192.0.2.53", ecs="192.0.2.0/24/0"),
]


# ---------------------------------------------------------------------------
# Unbound (log-queries / log-replies)
# ---------------------------------------------------------------------------
def ub_prefix(kind, tid, tag, pid="2748", t=None):
    """kind: 'epoch' -> "[%lld] unbound[pid:tid] tag: ", 'ascii' -> "%b %d %H:%M:%S unbound[pid:tid] tag: "."""
    if kind == "epoch":
        head = ["[", T(t), "] "]
    else:
        head = [T(t), " "]
    p = head + ["unbound[", pid, ":", tid, "] "]
    if tag in ("query", "reply"):
        p += [EV(tag), ": "]
    else:
        p += [tag, ": "]
    return p


def ub_q(ip, qname, qtype, qclass="IN"):
    return [C(ip), " ", Q(qname), " ", Y(qtype), " ", K(qclass)]


def ub_r(ip, qname, qtype, rcode, dur, cached, size, qclass="IN"):
    return [C(ip), " ", Q(qname), " ", Y(qtype), " ", K(qclass), " ", R(rcode), " ", D(dur), " ", H(cached), " ", Z(size)]


def ub_formerr(ip):
    return [C(ip), " - - - ", R("FORMERR"), " - - - "]


def ub_dest(proto, ip, port):
    """log-destaddr: yes (msgreply.c log_reply_info): " on %s %s %d" after the reply, the FORMERR
    form then has no trailing space before it."""
    return [" on ", X(proto), " ", S(ip), " ", port]


e = lambda n: str(EPOCH0 + n)
UNBOUND = [
    ub_prefix("epoch", "0", "info", t=e(0)) + ub_q("192.0.2.17", "www.example.com.", "A"),
    ub_prefix("epoch", "0", "info", t=e(0)) + ub_r("192.0.2.17", "www.example.com.", "A", "NOERROR", "0.000000", "1", "59"),
    ub_prefix("epoch", "1", "info", t=e(0)) + ub_q("2001:db8::5a", "www.example.org.", "AAAA"),
    ub_prefix("epoch", "1", "info", t=e(0)) + ub_r("2001:db8::5a", "www.example.org.", "AAAA", "NOERROR", "0.023118", "0", "96"),
    ub_prefix("epoch", "0", "query", t=e(1)) + ub_q("198.51.100.23", "mail.example.net.", "MX"),
    ub_prefix("epoch", "0", "reply", t=e(1)) + ub_r("198.51.100.23", "mail.example.net.", "MX", "NOERROR", "0.041907", "0", "88"),
    ub_prefix("epoch", "2", "query", t=e(1)) + ub_q("2001:db8:1::a1", "nosuch.example.net.", "AAAA"),
    ub_prefix("epoch", "2", "reply", t=e(1)) + ub_r("2001:db8:1::a1", "nosuch.example.net.", "AAAA", "NXDOMAIN", "0.004211", "0", "120"),
    ub_prefix("epoch", "0", "reply", t=e(2)) + ub_formerr("203.0.113.45"),
    ub_prefix("epoch", "3", "info", t=e(2)) + ub_formerr("2001:db8:bad::43"),
    ub_prefix("ascii", "0", "info", t="Oct 10 13:55:38") + ub_q("192.0.2.88", "_sip._udp.example.org.", "SRV"),
    ub_prefix("ascii", "0", "info", t="Oct 10 13:55:38") + ub_r("192.0.2.88", "_sip._udp.example.org.", "SRV", "NOERROR", "0.018840", "0", "151"),
    ub_prefix("ascii", "1", "query", t="Oct 10 13:55:39") + ub_q("2001:db8:4::1e", "cdn.example.com.", "HTTPS"),
    ub_prefix("ascii", "1", "reply", t="Oct 10 13:55:39") + ub_r("2001:db8:4::1e", "cdn.example.com.", "HTTPS", "NOERROR", "0.000000", "1", "71"),
    ub_prefix("ascii", "2", "query", t="Oct 10 13:55:39") + ub_q("203.0.113.91", "dnssec-failed.example.org.", "DS"),
    ub_prefix("ascii", "2", "reply", t="Oct 10 13:55:41") + ub_r("203.0.113.91", "dnssec-failed.example.org.", "DS", "SERVFAIL", "1.502317", "0", "48"),
    ub_prefix("ascii", "0", "reply", t="Oct 10 13:55:41") + ub_formerr("198.51.100.199"),
    # access-control refuse: qinfo has no qname -> "null", type/class 0 (msgreply.c log_reply_info)
    ub_prefix("epoch", "a", "reply", t=e(6)) + ub_r("203.0.113.99", "null", "TYPE0", "REFUSED", "0.000000", "1", "12", qclass="CLASS0"),
    ub_prefix("epoch", "a", "query", t=e(6)) + ub_q("192.0.2.201", "example.com.", "TXT"),
    ub_prefix("epoch", "a", "reply", t=e(6)) + ub_r("192.0.2.201", "example.com.", "TXT", "NOERROR", "0.000000", "1", "393"),
    ub_prefix("epoch", "1", "info", t=e(7)) + ub_q("2001:db8:85a3::8a2e:370:7334", "example.net.", "NS"),
    ub_prefix("epoch", "1", "info", t=e(7)) + ub_r("2001:db8:85a3::8a2e:370:7334", "example.net.", "NS", "NOERROR", "0.000000", "1", "101"),
    BAD("[" + e(7) + "] unbound[2748:0] reply: 192.0.2.17 www.exa"),
    BAD("unbound\x7f\x7f\x7f <<< ::: >>> --- 0x0 info info info ;;;"),
    ub_prefix("ascii", "3", "info", t="Oct 10 13:55:44") + ub_q("198.51.100.142", "www.example.com.", "A"),
    ub_prefix("ascii", "3", "info", t="Oct 10 13:55:44") + ub_r("198.51.100.142", "www.example.com.", "A", "NOERROR", "0.000000", "1", "59"),
    # log-time-iso (with log-time-ascii; util/log.c log_vmsg): local time, milliseconds, +hh:mm.
    ub_prefix("iso", "0", "query", t="2026-10-10T15:55:45.002+02:00") + ub_q("198.51.100.23", "www.example.net.", "A"),
    # log-destaddr: transport, local address and port appended to replies.
    ub_prefix("iso", "1", "reply", t="2026-10-10T15:55:45.123+02:00") + ub_r("192.0.2.17", "www.example.com.", "A", "NOERROR", "0.012345", "0", "75") + ub_dest("udp", "192.0.2.53", "53"),
    ub_prefix("iso", "a", "info", t="2026-10-10T15:55:45.456+02:00") + ub_r("2001:db8::5a", "nx.example.org.", "AAAA", "NXDOMAIN", "0.031250", "0", "103") + ub_dest("tcp", "2001:db8::53", "853"),
    ub_prefix("iso", "0", "info", t="2026-10-10T15:55:46.001+02:00") + [C("203.0.113.45"), " - - - ", R("FORMERR"), " - - -"] + ub_dest("udp", "192.0.2.53", "53"),
]


# ---------------------------------------------------------------------------
# dnsmasq / Pi-hole FTL
# ---------------------------------------------------------------------------
def dm(t, pid, *rest):
    return [T(t), " dnsmasq[", pid, "]: "] + list(rest)


def dmq(t, pid, qtype, name, client, extra=None):
    p = [EV("query"), "[", Y(qtype), "] ", Q(name), " from ", C(client)]
    return dm(t, pid, *((extra or []) + p))


def dmx(serial, client, port):
    """log-queries=extra prefix: "%u %s/%u " (serial, client address, client port)."""
    return [ID(serial), " ", C(client), "/", P(port), " "]


DNSMASQ = [
    dmq("Oct 10 13:55:36", "77", "A", "www.example.com", "192.0.2.17"),
    dm("Oct 10 13:55:36", "77", EV("forwarded"), " ", Q("www.example.com"), " to ", U("198.51.100.53")),
    dm("Oct 10 13:55:36", "77", EV("reply"), " ", Q("www.example.com"), " is <CNAME>"),
    dm("Oct 10 13:55:36", "77", EV("reply"), " ", Q("edge.example.net"), " is 203.0.113.80"),
    dmq("Oct 10 13:55:37", "77", "AAAA", "www.example.org", "2001:db8::5a"),
    dm("Oct 10 13:55:37", "77", EV("forwarded"), " ", Q("www.example.org"), " to ", U("2001:db8::53")),
    dm("Oct 10 13:55:37", "77", EV("reply"), " ", Q("www.example.org"), " is 2001:db8:cafe::80"),
    dmq("Oct 10 13:55:37", "77", "A", "www.example.com", "198.51.100.23"),
    dm("Oct 10 13:55:37", "77", EV("cached"), " ", Q("www.example.com"), " is <CNAME>"),
    dm("Oct 10 13:55:37", "77", EV("cached"), " ", Q("edge.example.net"), " is 203.0.113.80"),
    dmq("Oct 10 13:55:38", "77", "A", "nas.example.com", "192.0.2.88"),
    dm("Oct 10 13:55:38", "77", EV("/etc/hosts"), " ", Q("nas.example.com"), " is 192.0.2.41"),
    dmq("Oct 10 13:55:38", "77", "AAAA", "nas.example.com", "2001:db8::5a"),
    dm("Oct 10 13:55:38", "77", EV("/etc/hosts"), " ", Q("nas.example.com"), " is 2001:db8::41"),
    dmq("Oct 10 13:55:38", "77", "A", "printer.example.com", "2001:db8:1::a1"),
    dm("Oct 10 13:55:38", "77", EV("config"), " ", Q("printer.example.com"), " is 192.0.2.42"),
    dmq("Oct 10 13:55:39", "77", "AAAA", "nosuch.example.net", "203.0.113.45"),
    dm("Oct 10 13:55:39", "77", EV("forwarded"), " ", Q("nosuch.example.net"), " to ", U("198.51.100.54"), "#5353"),
    dm("Oct 10 13:55:39", "77", EV("reply"), " ", Q("nosuch.example.net"), " is ", R("NXDOMAIN")),
    dmq("Oct 10 13:55:40", "77", "MX", "example.org", "192.0.2.17"),
    dm("Oct 10 13:55:40", "77", EV("forwarded"), " ", Q("example.org"), " to ", U("198.51.100.53")),
    # dnsmasq restarted with log-queries=extra: "<serial> <client>/<port> " after "dnsmasq[pid]: "
    dmq("Oct 10 13:55:41", "91", "A", "api.example.com", "192.0.2.17", extra=dmx("1433", "192.0.2.17", "53412")),
    dm("Oct 10 13:55:41", "91", *(dmx("1433", "192.0.2.17", "53412") + [EV("forwarded"), " ", Q("api.example.com"), " to ", U("198.51.100.53")])),
    dm("Oct 10 13:55:41", "91", *(dmx("1433", "192.0.2.17", "53412") + [EV("reply"), " ", Q("api.example.com"), " is 203.0.113.90"])),
    dmq("Oct 10 13:55:42", "91", "AAAA", "printer.example.com", "2001:db8::5a", extra=dmx("1434", "2001:db8::5a", "40022")),
    dm("Oct 10 13:55:42", "91", *(dmx("1434", "2001:db8::5a", "40022") + [EV("config"), " ", Q("printer.example.com"), " is NODATA-IPv6"])),
    # Pi-hole FTL (its dnsmasq fork writes the same file format to /var/log/pihole/pihole.log)
    dmq("Oct 10 13:56:01", "812", "A", "ads.example.net", "192.0.2.17"),
    dm("Oct 10 13:56:01", "812", *BLK("gravity blocked"), " ", Q("ads.example.net"), " is 0.0.0.0"),
    dmq("Oct 10 13:56:01", "812", "AAAA", "ads.example.net", "2001:db8::5a"),
    dm("Oct 10 13:56:01", "812", *BLK("gravity blocked"), " ", Q("ads.example.net"), " is ::"),
    dmq("Oct 10 13:56:02", "812", "A", "tracker.example.org", "198.51.100.23"),
    dm("Oct 10 13:56:02", "812", *BLK("regex blacklisted"), " ", Q("tracker.example.org"), " is 0.0.0.0"),
    dmq("Oct 10 13:56:02", "812", "A", "telemetry.example.com", "203.0.113.45"),
    dm("Oct 10 13:56:02", "812", *BLK("exactly blacklisted"), " ", Q("telemetry.example.com"), " is 0.0.0.0"),
    BAD("Oct 10 13:56:04 dnsmasq[812]: query[A] metrics.example.com from 192.0"),
    # Pi-hole v6 (FTL 6.x) after an upgrade: "denied" replaces "blacklisted"; blocking mode NXDOMAIN / NODATA
    dmq("Oct 10 13:58:12", "1045", "A", "beacon.example.net", "2001:db8:1::a1"),
    dm("Oct 10 13:58:12", "1045", *BLK("exactly denied"), " ", Q("beacon.example.net"), " is ", R("NXDOMAIN")),
    dmq("Oct 10 13:58:13", "1045", "AAAA", "pixel.example.org", "192.0.2.201"),
    dm("Oct 10 13:58:13", "1045", *BLK("regex denied"), " ", Q("pixel.example.org"), " is NODATA"),
    BAD("~~~~ dnsmasq ~~~~ [[[[ ]]]] ::::: ////////// is is is from to"),
]

# ---------------------------------------------------------------------------
# CoreDNS log plugin
# ---------------------------------------------------------------------------
def cd(ip, port, qid, qtype, qname, proto, qsize, do, bufsize, rcode, rflags, rsize, dur, combined=None, v6=False):
    host = ["[", C(ip), "]"] if v6 else [C(ip)]
    p = ["[INFO] "] + host + [":", P(port), " - ", ID(qid), ' "', Y(qtype), " ", K("IN"), " ", Q(qname), " ", X(proto),
                             " ", qsize, " ", do, " ", bufsize, '" ', R(rcode), " ", F(rflags), " ", Z(rsize), " ", D(dur)]
    if combined is not None:
        p += [' "', combined, '"']
    return p


COREDNS = [
    cd("192.0.2.17", "53412", "4014", "A", "www.example.com.", "udp", "44", "false", "512", "NOERROR", "qr,rd,ra", "104", "0.000231804s"),
    cd("2001:db8::5a", "40022", "22817", "AAAA", "www.example.org.", "udp", "51", "true", "1232", "NOERROR", "qr,rd,ra,ad", "127", "0.018334121s", v6=True),
    cd("198.51.100.23", "60412", "1921", "A", "nosuch.example.net.", "udp", "47", "false", "1232", "NXDOMAIN", "qr,aa,rd", "150", "0.000102s"),
    cd("203.0.113.45", "33211", "61002", "MX", "example.net.", "tcp", "40", "false", "65535", "NOERROR", "qr,rd,ra", "98", "0.041001337s"),
    cd("192.0.2.88", "5353", "37", "SRV", "_sip._udp.example.org.", "udp", "50", "false", "1232", "NOERROR", "qr,aa,rd", "165", "0.000088201s"),
    cd("2001:db8:1::a1", "34567", "8812", "A", "db.prod.svc.example.com.", "udp", "52", "false", "1232", "NOERROR", "qr,aa,rd", "108", "0.000061233s", v6=True),
    cd("192.0.2.17", "53413", "4015", "HTTPS", "www.example.com.", "udp", "44", "true", "1232", "NOERROR", "qr,rd,ra", "44", "0.012009s"),
    cd("203.0.113.91", "61001", "11", "A", "timeout.example.net.", "udp", "48", "false", "512", "SERVFAIL", "qr,rd", "48", "2.000912336s"),
    # {combined}: the common format plus "{>opcode}"
    cd("198.51.100.142", "52001", "51234", "A", "www.example.com.", "udp", "44", "false", "512", "NOERROR", "qr,rd,ra", "104", "0.000098s", combined="0"),
    cd("2001:db8:4::1e", "40001", "7777", "AAAA", "cdn.example.com.", "udp", "51", "true", "1232", "NOERROR", "qr,rd,ra", "139", "0.003004701s", combined="0", v6=True),
    cd("198.51.100.61", "45120", "2002", "SOA", "example.net.", "tcp", "40", "false", "65535", "NOERROR", "qr,aa", "91", "0.000191s", combined="0"),
    cd("2001:db8:85a3::8a2e:370:7334", "41899", "9090", "TXT", "example.org.", "udp", "40", "false", "1232", "NOERROR", "qr,aa,rd", "212", "0.000143s", combined="0", v6=True),
    cd("192.0.2.201", "10053", "16000", "A", "nosuch.example.com.", "udp", "47", "false", "1232", "NXDOMAIN", "qr,aa,rd", "150", "0.000120991s", combined="0"),
    cd("203.0.113.77", "50123", "3", "CAA", "example.com.", "udp", "40", "false", "1232", "REFUSED", "qr,rd", "40", "0.000012s", combined="0"),
    BAD('[INFO] 192.0.2.17:53414 - 4016 "A IN www.exa'),
    BAD("[INFO] plugin/reload: }}}}{{{{ %%%% ---- #### :::::::::: [ ] [ ] ="),
    cd("2001:db8::5a", "40023", "22818", "A", "www.example.org.", "udp", "51", "true", "1232", "NOERROR", "qr,rd,ra", "115", "0.000077s", v6=True),
    cd("198.51.100.23", "60413", "1922", "NS", "example.com.", "udp", "40", "false", "1232", "NOERROR", "qr,aa,rd", "117", "0.000145s"),
]


# ---------------------------------------------------------------------------
# PowerDNS Recursor
# ---------------------------------------------------------------------------
def pd_head(msg, tid, ts):
    return ['msg="', EV(msg), '" subsystem="syncres" level="0" prio="Info" tid="', tid, '" ts="', T(ts), '"']


def pd_remote(ip, port):
    if ":" in ip:
        return ['"[', C(ip), "]:", P(port), '"']
    return ['"', C(ip), ":", P(port), '"']


def pd_question(tid, ts, ecs, mtid, proto, qname, qtype, ip, port, prefix=None):
    p = list(prefix or []) + pd_head("Question", tid, ts)
    p += [' ecs="'] + ([E(ecs)] if ecs else []) + ['" mtid="', mtid, '" proto="', X(proto), '" qname="', Q(qname),
                                                  '" qtype="', Y(qtype), '" remote=']
    return p + pd_remote(ip, port)


def pd_answer(tid, ts, ecs, mtid, proto, qname, qtype, ip, port, rcode, totms, answers="1", additional="0",
              netms="0", outq="0", intopc="1", maxdepth="0", prefix=None):
    p = list(prefix or []) + pd_head("Answer", tid, ts)
    p += [' additional="', additional, '" answer-is-variable="0" answers="', answers, '" dotout="0" ecs="']
    p += ([E(ecs)] if ecs else [])
    p += ['" into-packetcache="', intopc, '" maxdepth="', maxdepth, '" mtid="', mtid, '" netms="', netms,
          '" outqueries="', outq, '" proto="', X(proto), '" qname="', Q(qname), '" qtype="', Y(qtype),
          '" rcode="', R(rcode), '" rd="1" remote=']
    p += pd_remote(ip, port)
    p += [' tcpout="0" throttled="0" timeouts="0" totms="', D(totms), '" validationState="Indeterminate"']
    return p


def pd_json_question(tid, ts, ecs, mtid, proto, qname, qtype, ip, port):
    remote = ['"[', C(ip), "]:", P(port), '"'] if ":" in ip else ['"', C(ip), ":", P(port), '"']
    return (['{"ecs": "'] + ([E(ecs)] if ecs else []) + ['", "level": "0", "msg": "', EV("Question"), '", "mtid": "', mtid,
            '", "priority": "6", "proto": "', X(proto), '", "qname": "', Q(qname), '", "qtype": "', Y(qtype),
            '", "remote": '] + remote + [', "subsystem": "syncres", "tid": "', tid, '", "ts": "', T(ts), '"}'])


def pd_json_answer(tid, ts, mtid, proto, qname, qtype, ip, port, rcode, totms):
    remote = ['"[', C(ip), "]:", P(port), '"'] if ":" in ip else ['"', C(ip), ":", P(port), '"']
    return (['{"additional": "0", "answer-is-variable": "0", "answers": "1", "dotout": "0", "ecs": "", '
             '"into-packetcache": "1", "level": "0", "maxdepth": "3", "msg": "', EV("Answer"), '", "mtid": "', mtid,
             '", "netms": "9.871", "outqueries": "1", "priority": "6", "proto": "', X(proto), '", "qname": "', Q(qname),
             '", "qtype": "', Y(qtype), '", "rcode": "', R(rcode), '", "rd": "1", "remote": '] + remote +
            [', "subsystem": "syncres", "tcpout": "0", "throttled": "0", "tid": "', tid, '", "timeouts": "0", '
             '"totms": "', D(totms), '", "ts": "', T(ts), '", "validationState": "Indeterminate"}'])


def pd_legacy(tid, mtid, nproc, qname, qtype, ip, port, tcp=False, ecs=None, prefix=None):
    p = list(prefix or []) + [tid, " [", mtid, "/", nproc, "] "]
    if tcp:
        p += [X("TCP"), " "]
    p += [EV("question"), " for '", Q(qname), "|", Y(qtype), "' from "]
    p += (["[", C(ip), "]:", P(port)] if ":" in ip else [C(ip), ":", P(port)])
    if ecs:
        p += [" (ecs ", E(ecs), ")"]
    return p


ts = lambda n, ms: "%d.%03d" % (EPOCH0 + n, ms)
POWERDNS = [
    pd_question("1", ts(0, 123), "", "2", "udp", "www.example.com", "A", "192.0.2.17", "53412"),
    pd_answer("1", ts(0, 140), "", "2", "udp", "www.example.com", "A", "192.0.2.17", "53412", "0", "16.914",
              netms="15.2", outq="2", maxdepth="4"),
    pd_question("2", ts(0, 502), "", "7", "udp", "www.example.org", "AAAA", "2001:db8::5a", "40022"),
    pd_answer("2", ts(0, 503), "", "7", "udp", "www.example.org", "AAAA", "2001:db8::5a", "40022", "0", "0.097"),
    ["Oct 10 13:55:37 "] + pd_question("1", ts(1, 8), "203.0.113.0/24", "3", "udp", "cdn.example.com", "A", "203.0.113.45", "33211"),
    ["Oct 10 13:55:37 "] + pd_answer("1", ts(1, 47), "203.0.113.0/24", "3", "udp", "cdn.example.com", "A", "203.0.113.45", "33211", "0", "39.228",
                                            answers="2", netms="38.1", outq="3", maxdepth="6"),
    ["Oct 10 13:55:37 "] + pd_question("2", ts(1, 611), "2001:db8:4::/56", "8", "tcp", "example.net", "DNSKEY", "2001:db8:4::1e", "40001"),
    ["Oct 10 13:55:37 "] + pd_answer("2", ts(1, 655), "2001:db8:4::/56", "8", "tcp", "example.net", "DNSKEY", "2001:db8:4::1e", "40001", "0", "44.05",
                                            answers="3", additional="1", netms="43.9", outq="1", maxdepth="2"),
    pd_question("1", ts(2, 301), "", "4", "udp", "nosuch.example.net", "AAAA", "198.51.100.23", "60412"),
    pd_answer("1", ts(2, 329), "", "4", "udp", "nosuch.example.net", "AAAA", "198.51.100.23", "60412", "3", "28.44",
              answers="0", netms="27.8", outq="2", intopc="1", maxdepth="3"),
    # json backend (5.1+): one JSON object per line on stderr, keys sorted
    pd_json_question("2", ts(3, 17), "", "9", "udp", "mail.example.com", "MX", "192.0.2.88", "5353"),
    pd_json_answer("2", ts(3, 27), "9", "udp", "mail.example.com", "MX", "192.0.2.88", "5353", "0", "10.433"),
    pd_json_question("1", ts(3, 901), "198.51.100.0/24", "5", "udp", "www.example.net", "A", "2001:db8:85a3::8a2e:370:7334", "41877"),
    # legacy (non-structured) quiet=no text
    pd_legacy("2", "1", "1", "www.example.com", "A", "192.0.2.201", "10053"),
    pd_legacy("1", "2", "2", "example.org", "TXT", "2001:db8:1::a1", "34567", tcp=True),
    [T("Oct 10 13:55:40"), " "] + pd_legacy("3", "1", "1", "cdn.example.com", "AAAA", "203.0.113.77", "50123", ecs="203.0.113.0/24"),
    [T("Oct 10 13:55:40"), " "] + pd_legacy("3", "2", "2", "www.example.org", "HTTPS", "2001:db8::5a", "40023", ecs="2001:db8::/56"),
    BAD('msg="Question" subsystem="syncres" level="0" prio="Info" tid="1" ts="' + ts(5, 1) + '" ecs="" mtid="9" proto="ud'),
    BAD('{"ecs": "", "level": "0", "msg": "Ques'),
    pd_question("3", ts(6, 250), "", "10", "udp", "example.com", "SOA", "198.51.100.142", "52001"),
]


# ---------------------------------------------------------------------------
# dnsdist LogAction / LogResponseAction
# ---------------------------------------------------------------------------
def dd_ep(ip, port):
    return ["[", C(ip), "]:", P(port)] if ":" in ip else [C(ip), ":", P(port)]


def dd_packet(ip, port, qname, qtype, qid, ts_=None, stamp=None):
    p = []
    if stamp:  # --log-timestamps prefix; when the action also adds [sec.nsec], that one is "time"
        p += [T(stamp) if not ts_ else stamp, " "]
    if ts_:
        p += ["[", T(ts_), "] "]
    return p + [EV("Packet"), " from "] + dd_ep(ip, port) + [" for ", Q(qname), " ", Y(qtype), " with id ", ID(qid)]


def dd_answer(ip, port, qname, qtype, rcode, qid, ts_=None, stamp=None):
    p = []
    if stamp:  # --log-timestamps prefix; when the action also adds [sec.nsec], that one is "time"
        p += [T(stamp) if not ts_ else stamp, " "]
    if ts_:
        p += ["[", T(ts_), "] "]
    return p + [EV("Answer"), " to "] + dd_ep(ip, port) + [" for ", Q(qname), " ", Y(qtype), " (", R(rcode), ") with id ", ID(qid)]


ns = lambda n, nsec: "%d.%d" % (EPOCH0 + n, nsec)  # "%u.%u": nanoseconds are NOT zero-padded
DNSDIST = [
    dd_packet("192.0.2.17", "53412", "www.example.com.", "A", "41487"),
    dd_answer("192.0.2.17", "53412", "www.example.com.", "A", "No Error", "41487"),
    dd_packet("2001:db8::5a", "40022", "www.example.org.", "AAAA", "8537", ts_=ns(0, 52016013)),
    dd_answer("2001:db8::5a", "40022", "www.example.org.", "AAAA", "No Error", "8537", ts_=ns(0, 52016013)),
    dd_packet("198.51.100.23", "60412", "nosuch.example.net.", "AAAA", "33028", ts_=ns(1, 7340032)),
    dd_answer("198.51.100.23", "60412", "nosuch.example.net.", "AAAA", "Non-Existent domain", "33028", ts_=ns(1, 7340032)),
    dd_packet("203.0.113.91", "61001", "timeout.example.net.", "A", "2816", ts_=ns(2, 901000456)),
    dd_answer("203.0.113.91", "61001", "timeout.example.net.", "A", "Server Failure", "2816", ts_=ns(2, 901000456)),
    dd_packet("2001:db8:1::a1", "34567", "example.com.", "ANY", "12", stamp="Oct 10 13:55:39"),
    dd_answer("2001:db8:1::a1", "34567", "example.com.", "ANY", "Query Refused", "12", stamp="Oct 10 13:55:39"),
    dd_packet("192.0.2.88", "5353", "_sip._udp.example.org.", "SRV", "3072", stamp="Oct 10 13:55:40", ts_=ns(4, 5)),
    dd_answer("192.0.2.88", "5353", "_sip._udp.example.org.", "SRV", "No Error", "3072", stamp="Oct 10 13:55:40", ts_=ns(4, 5)),
    dd_packet("2001:db8:85a3::8a2e:370:7334", "41899", "cdn.example.com.", "HTTPS", "60160", ts_=ns(5, 123456789)),
    dd_answer("2001:db8:85a3::8a2e:370:7334", "41899", "cdn.example.com.", "HTTPS", "No Error", "60160", ts_=ns(5, 123456789)),
    BAD("Packet from 192.0.2.17:53413 for www.exam"),
    BAD("[????.????] Answer ||| ]]] %%% with with with id id"),
    dd_packet("203.0.113.45", "33211", "mail.example.net.", "MX", "19200"),
    dd_answer("203.0.113.45", "33211", "mail.example.net.", "MX", "No Error", "19200"),
]


# ---------------------------------------------------------------------------
# DoH: m13253/dns-over-https doh-server verbose question log
# ---------------------------------------------------------------------------
def doh(who, t, qname, qclass, qtype):
    return who + [" - - [", T(t), '] "', Q(qname), " ", K(qclass), " ", Y(qtype), '"']


def remote(ip, port):
    return ["[", C(ip), "]:", P(port)] if ":" in ip else [C(ip), ":", P(port)]


DOH = [
    doh(remote("192.0.2.17", "53412"), "10/Oct/2026:13:55:36 +0000", "www.example.com.", "IN", "A"),
    doh(remote("192.0.2.17", "53412"), "10/Oct/2026:13:55:36 +0000", "www.example.com.", "IN", "AAAA"),
    doh(remote("2001:db8::5a", "40022"), "10/Oct/2026:13:55:36 +0000", "www.example.org.", "IN", "HTTPS"),
    doh(remote("198.51.100.23", "60412"), "10/Oct/2026:13:55:37 +0000", "mail.example.net.", "IN", "MX"),
    doh(remote("2001:db8:1::a1", "34567"), "10/Oct/2026:13:55:37 +0000", "example.org.", "IN", "TXT"),
    # log-guessed-client-ip = true: the guessed client address (no port) replaces RemoteAddr
    doh([C("203.0.113.45")], "10/Oct/2026:13:55:38 +0000", "cdn.example.com.", "IN", "A"),
    doh([C("2001:db8:4::1e")], "10/Oct/2026:13:55:38 +0000", "cdn.example.com.", "IN", "AAAA"),
    doh([C("198.51.100.142")], "10/Oct/2026:13:55:39 +0000", "_sip._udp.example.org.", "IN", "SRV"),
    doh([C("2001:db8:85a3::8a2e:370:7334")], "10/Oct/2026:13:55:39 +0000", "example.net.", "IN", "NS"),
    BAD('192.0.2.17:53413 - - [10/Oct/2026:13:55:40 +0000] "www.examp'),
    BAD('- - [ ] "" "" "" ::::: ------ [[[[ ]]]] ~~~~~'),
    doh(remote("192.0.2.201", "10053"), "10/Oct/2026:13:55:40 +0000", "example.com.", "IN", "DNSKEY"),
    doh(remote("203.0.113.77", "50123"), "10/Oct/2026:13:55:41 +0000", "example.com.", "IN", "CAA"),
    doh([C("192.0.2.88")], "10/Oct/2026:13:55:41 +0000", "nosuch.example.net.", "IN", "A"),
    # a type missing from miekg/dns TypeToString is printed as its number
    doh(remote("2001:db8:e0::131", "51515"), "10/Oct/2026:13:55:42 +0000", "lab.example.net.", "IN", "65280"),
    doh([C("198.51.100.61")], "10/Oct/2026:13:55:42 +0000", "example.net.", "IN", "SOA"),
]


# ---------------------------------------------------------------------------
# Wrapped lines
# ---------------------------------------------------------------------------
def tai64n(sec_offset, nsec):
    return "@%016x%08x" % (2 ** 62 + 10 + EPOCH0 + sec_offset, nsec)


def W(wrapper, fmt, prefix, inner):
    return (list(prefix) + inner, {"wrapper": wrapper, "format": fmt})


BIND_SYSLOG_1 = bind_new("0x7f3b2c01a168", "192.0.2.17", "53412", "www.example.com", "A", "+E(0)K", "192.0.2.53")
BIND_SYSLOG_2 = bind_failed_new("0x7f3b2c01b2a8", "2001:db8::5a", "40022", "www.example.org", "AAAA", "SERVFAIL", "7375")
BIND_RFC_1 = bind_new("0x7f3b2c0c7f28", "203.0.113.45", "33211", "intranet.example.com", "A", "+E(0)K", "192.0.2.53", view="internal")

WRAPPED = [
    # RFC 3164 syslog
    W("syslog3164", "bind", ["Oct 10 13:55:36 ns1 named[1234]: "], BIND_SYSLOG_1),
    W("syslog3164", "bind", ["Oct 10 13:55:36 ns1 named[1234]: "], BIND_SYSLOG_2),
    W("syslog3164", "dnsmasq", ["Oct 10 13:55:37 ns1 dnsmasq[77]: "],
      [EV("query"), "[", Y("A"), "] ", Q("www.example.net"), " from ", C("198.51.100.23")]),
    # RFC 3339 (rsyslog high-precision); unbound via syslog(3): "[pid:tid] type: message"
    W("rfc3339", "unbound", ["2026-10-10T13:55:36.123456+00:00 ns1 unbound[99]: [99:0] "],
      ["info: "] + ub_q("192.0.2.17", "www.example.com.", "A")),
    W("rfc3339", "unbound", ["2026-10-10T13:55:36.125011+00:00 ns1 unbound[99]: [99:1] "],
      [EV("reply"), ": "] + ub_r("2001:db8::5a", "www.example.org.", "AAAA", "NOERROR", "0.012004", "0", "96")),
    W("rfc3339", "bind", ["2026-10-10T13:55:37.004417+00:00 ns1 named[1234]: "], BIND_RFC_1),
    # journalctl -o short-iso
    W("short-iso", "dnsmasq", ["2026-10-10T13:55:36+0000 ns1 dnsmasq[77]: "],
      [EV("query"), "[", Y("AAAA"), "] ", Q("www.example.org"), " from ", C("2001:db8::5a")]),
    W("short-iso", "dnsmasq", ["2026-10-10T13:55:36+0000 ns1 dnsmasq[77]: "],
      [EV("forwarded"), " ", Q("www.example.org"), " to ", U("2001:db8::53")]),
    W("short-iso", "unbound", ["2026-10-10T13:55:38+0000 ns1 unbound[99]: [99:0] "],
      ["info: "] + ub_r("203.0.113.45", "example.net.", "NS", "NOERROR", "0.000000", "1", "101")),
    # CRI (containerd / CRI-O) -- dnsmasq -k --log-facility=- writes to stderr without a timestamp
    W("cri", "dnsmasq", ["2026-10-10T13:55:36.123456789Z stderr F "],
      ["dnsmasq[1]: ", EV("query"), "[", Y("A"), "] ", Q("www.example.com"), " from ", C("192.0.2.17")]),
    W("cri", "dnsmasq", ["2026-10-10T13:55:36.124001922Z stderr F "],
      ["dnsmasq[1]: ", EV("reply"), " ", Q("www.example.com"), " is 203.0.113.80"]),
    W("cri", "unbound", ["2026-10-10T13:55:37.000219113Z stderr F "],
      ub_prefix("epoch", "0", "info", pid="1", t=e(1)) + ub_q("2001:db8:1::a1", "nosuch.example.net.", "AAAA")),
    # daemontools multilog (TAI64N label)
    W("tai64n", "dnsmasq", [tai64n(0, 487002113) + " "],
      ["dnsmasq[77]: ", EV("query"), "[", Y("MX"), "] ", Q("example.org"), " from ", C("203.0.113.91")]),
    W("tai64n", "dnsmasq", [tai64n(0, 487104950) + " "],
      ["dnsmasq[77]: ", EV("forwarded"), " ", Q("example.org"), " to ", U("198.51.100.53")]),
    W("tai64n", "unbound", [tai64n(2, 11020304) + " "],
      ub_prefix("epoch", "0", "query", pid="311", t=e(2)) + ub_q("198.51.100.142", "mail.example.com.", "MX")),
]

# journalctl -o json (one object per line); MESSAGE holds a BIND query line
_jmsg_pieces = bind_new("0x7f3b2c0f2ca8", "2001:db8:1::a1", "34567", "mail.example.com", "MX", "+E(0)DCK", "2001:db8::53", view="internal")
WRAPPED.append((
    ['{"__CURSOR":"s=7c1e0b3f2a9d4e5f8a6b7c8d9e0f1a2b;i=3f1a;b=2b6e4c1d9a8f47e0b3c5d7e9f1a3b5c7;m=4a1b2c3d;t=',
     "%x" % ((EPOCH0 + 2) * 1000000 + 15311), ';x=9d8c7b6a5f4e3d2c","__REALTIME_TIMESTAMP":"',
     str((EPOCH0 + 2) * 1000000 + 15311),
     '","__MONOTONIC_TIMESTAMP":"1243298877","_BOOT_ID":"2b6e4c1d9a8f47e0b3c5d7e9f1a3b5c7","PRIORITY":"6",'
     '"SYSLOG_FACILITY":"3","SYSLOG_IDENTIFIER":"named","_PID":"1234","_UID":"108","_GID":"116","_COMM":"named",'
     '"_EXE":"/usr/sbin/named","_SYSTEMD_UNIT":"named.service","_TRANSPORT":"syslog","_HOSTNAME":"ns1","MESSAGE":"']
    + _jmsg_pieces + ['"}'],
    {"wrapper": "journal-json", "format": "bind"}))

# Docker json-file; unbound in a container logs to stderr
WRAPPED.append((
    ['{"log":"'] + ub_prefix("epoch", "0", "reply", pid="1", t=e(0))
    + ub_r("192.0.2.17", "www.example.com.", "A", "NOERROR", "0.000000", "1", "59")
    + ['\\n","stream":"stderr","time":"2026-10-10T13:55:36.123456789Z"}'],
    {"wrapper": "docker-json", "format": "unbound"}))


def main():
    counts = {}
    for name, entries in (("bind", BIND), ("unbound", UNBOUND), ("dnsmasq", DNSMASQ), ("coredns", COREDNS),
                          ("powerdns", POWERDNS), ("dnsdist", DNSDIST), ("doh", DOH)):
        counts[name] = write_fixture(name, entries)
    counts["wrapped"] = write_fixture("wrapped", WRAPPED, wrapped=True)
    for k, v in counts.items():
        print("%-9s %d lines" % (k, v))


if __name__ == "__main__":
    main()
