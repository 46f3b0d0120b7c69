#!/usr/bin/env python3
"""Deterministic DNS query-log corpus for benches/throughput.sh (stdlib only).

    python3 benches/gen_dns_corpus.py --server bind|unbound --lines N [--seed S] [-o PATH]

BIND lines carry print-time, category and severity, ~15 % IPv6 clients, a few ECS options and
PTR queries; Unbound lines mix log-queries and log-replies. Documentation address ranges only.
"""
import argparse
import random
import sys

p = argparse.ArgumentParser()
p.add_argument("--server", choices=["bind", "unbound"], required=True)
p.add_argument("--lines", type=int, default=1_000_000)
p.add_argument("--seed", type=int, default=20261010)
p.add_argument("-o", "--output")
a = p.parse_args()
rng = random.Random(a.seed)

v4 = [f"{net}.{h}" for net in ("192.0.2", "198.51.100", "203.0.113") for h in range(1, 255)]
v6 = [f"2001:db8:{rng.randrange(1, 0xffff):x}:{rng.randrange(0, 0xffff):x}::{rng.randrange(1, 0xffff):x}" for _ in range(5000)]
names = [f"{w}.example.{tld}" for w in ("www", "mail", "api", "cdn", "login", "static", "img", "news", "shop", "m")
         for tld in ("com", "org", "net")] + [f"host{i}.example.net" for i in range(200)]
qtypes = ["A"] * 8 + ["AAAA"] * 5 + ["HTTPS"] * 2 + ["MX", "TXT", "NS", "PTR", "SRV", "SOA"]
flags = ["+", "+E(0)", "+E(0)K", "+E(0)DC", "-E(0)", "+T", "+E(0)TK"]
rcodes = ["NOERROR"] * 9 + ["NXDOMAIN", "SERVFAIL", "REFUSED"]
server4, server6 = "198.51.100.53", "2001:db8::53"


def client():
    return rng.choice(v6) if rng.random() < 0.15 else rng.choice(v4)


out = open(a.output, "w") if a.output else sys.stdout
batch = []
for i in range(a.lines):
    c = client()
    t = 1791640536 + i // 50
    qt = rng.choice(qtypes)
    if qt == "PTR":
        q = ".".join(reversed(rng.choice(v4).split("."))) + ".in-addr.arpa"
    else:
        q = rng.choice(names)
    if a.server == "bind":
        ms = (i * 7) % 1000
        ecs = f" [ECS {rng.choice(v4).rsplit('.', 1)[0]}.0/24/0]" if rng.random() < 0.05 else ""
        srv = server6 if ":" in c else server4
        batch.append(f"10-Oct-2026 13:{(i // 60000) % 60:02d}:{(i // 1000) % 60:02d}.{ms:03d} queries: info: client "
                     f"@0x7f3a2c{rng.randrange(0x100000, 0xffffff):06x} {c}#{rng.randrange(1024, 65535)} ({q}): "
                     f"query: {q} IN {qt} {rng.choice(flags)} ({srv}){ecs}\n")
    else:
        if rng.random() < 0.5:
            batch.append(f"[{t}] unbound[1234:{i % 2}] query: {c} {q}. {qt} IN\n")
        else:
            batch.append(f"[{t}] unbound[1234:{i % 2}] reply: {c} {q}. {qt} IN {rng.choice(rcodes)} "
                         f"0.{rng.randrange(0, 999999):06d} {rng.randrange(0, 2)} {rng.randrange(40, 600)}\n")
    if len(batch) >= 10000:
        out.write("".join(batch))
        batch.clear()
out.write("".join(batch))
out.close()
