#!/usr/bin/env python3
"""Writes tests/integration/data/truncation.tsv: address, prefix length, network address by Python's ipaddress.

Used by tests/integration/truncation.rs as an independent oracle for logscrub's truncation. Deterministic:
re-running reproduces the same file. Addresses are sampled from the whole address space (the
table checks arithmetic, not documentation ranges); every prefix length 0-32 / 0-128 is covered.
Run: python3 tests/integration/data/gen_truncation.py > tests/integration/data/truncation.tsv
"""
import ipaddress
import random

rng = random.Random(20261122)
v4 = ["0.0.0.0", "255.255.255.255", "192.0.2.255", "10.1.2.3"] + [
    str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(16)
]
v6 = ["::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1", "fe80::1:2:3:4"] + [
    str(ipaddress.IPv6Address(rng.getrandbits(128))) for _ in range(16)
]
print("# address\tprefix\tnetwork (Python ipaddress, strict=False)")
for a in v4:
    for p in range(33):
        print(f"{a}\t{p}\t{ipaddress.ip_network(f'{a}/{p}', strict=False).network_address}")
for a in v6:
    for p in range(129):
        print(f"{a}\t{p}\t{ipaddress.ip_network(f'{a}/{p}', strict=False).network_address}")
