#!/usr/bin/env python3
"""The hottest straight-line blocks of one function, from a callgrind profile with per-instruction
counts. This is how the finder's and the DNS parsers' hot spots were found (docs/ARCHITECTURE.md,
"Speed"): the release build inlines nearly everything into a few functions, so per-function and
per-source-line counts say little; per-instruction counts next to the disassembly say where.

    RAYON_NUM_THREADS=1 valgrind --tool=callgrind --dump-instr=yes --compress-pos=no \\
        --compress-strings=no --callgrind-out-file=cg.out \\
        target/release/logscrub anonymize -q SLICE.log > /dev/null
    scripts/hot-blocks.py cg.out 'Anonymizer::rewrite_line_edits' target/release/logscrub [N]

Prints the N (default 25) blocks with the most instructions executed: total, times x length,
address and first instructions. The profile must come from the same build as the binary.
"""
import collections
import re
import subprocess
import sys


def counts(profile, name):
    """Self instruction counts per address of the functions whose name ends with `name`."""
    out, fn, after_call = collections.Counter(), None, False
    for line in open(profile):
        if line.startswith("fn="):
            fn = line[3:].strip()
        elif line.startswith("calls="):
            after_call = True  # the next cost line is the call's inclusive cost
        else:
            m = re.match(r"^(0x[0-9a-f]+)\s+\d+\s+(\d+)", line)
            if m:
                if after_call:
                    after_call = False
                elif fn and fn.endswith(name):
                    out[int(m.group(1), 16)] += int(m.group(2))
    return out


def main():
    profile, name, binary = sys.argv[1:4]
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    c = counts(profile, name)
    if not c:
        sys.exit(f"no function ending in {name!r} in {profile}")
    dis = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", "-C",
         f"--start-address={min(c)}", f"--stop-address={max(c) + 16}", binary],
        capture_output=True, text=True, check=True).stdout
    blocks, cur = [], None
    for line in dis.splitlines():
        m = re.match(r"^\s+([0-9a-f]+):\s+(.*)", line)
        if not m:
            continue
        addr, text = int(m.group(1), 16), m.group(2).strip()
        n = c.get(addr, 0)
        if cur and cur[0] == n:
            cur[2].append(text)
        else:
            cur = [n, addr, [text]]
            blocks.append(cur)
    print(f"{sum(c.values()):,} instructions in {name}")
    for n, addr, texts in sorted(blocks, key=lambda b: -b[0] * len(b[2]))[:top]:
        print(f"{n * len(texts):>11,} {n:>9,}x{len(texts):<3} {addr:x}  {' ; '.join(texts[:5])[:140]}")


if __name__ == "__main__":
    main()
