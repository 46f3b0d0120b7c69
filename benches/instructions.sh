#!/usr/bin/env bash
# Instructions per line (valgrind's callgrind, one worker thread): the measure of per-line cost
# that the noisy 2-core VM cannot blur. Whole process, so fixed costs (start, writing the state)
# are spread over the slice's lines: 200,000 web lines, 300,000 BIND, 540,000 Unbound (~48 MB
# each, slices of the benches/throughput.sh corpora).
#
#   benches/instructions.sh            stats and anonymize on the three corpora
#
# docs/ARCHITECTURE.md ("Speed") keeps the latest figures; compare a change by running this
# before and after it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
WORK=${TMPDIR:-/tmp}/logscrub-bench
mkdir -p "$WORK"
BIN=target/release/logscrub
cargo build --release --quiet
[ -s "$WORK/key" ] || $BIN keygen -o "$WORK/key"
slice() { # name lines generator-args... -> path of a slice of that many lines
  local name=$1 n=$2; shift 2
  local out=$WORK/ins-$name-$n.log
  [ -s "$out" ] || "$@" --lines "$n" -o "$out" > /dev/null
  echo "$out"
}
WEB=$(slice web 200000 python3 benches/gen_corpus.py)
BIND=$(slice bind 300000 python3 benches/gen_dns_corpus.py --server bind)
UNBOUND=$(slice unbound 540000 python3 benches/gen_dns_corpus.py --server unbound)

# per_line FILE FORMAT COMMAND...: instructions per line of FILE for `logscrub COMMAND ... FILE`.
per_line() {
  local file=$1 format=$2; shift 2
  local lines ir
  lines=$(wc -l < "$file")
  ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$@" -q --threads 1 -f "$format" "$file" 2>&1 > /dev/null \
    | awk '/refs:/ { gsub(",", "", $4); print $4 }')
  awk -v ir="$ir" -v n="$lines" 'BEGIN { printf "%6.0f", ir / n }'
}

printf "%-10s %10s %10s %10s\n" "" web bind unbound
printf "%-10s" stats
for pair in "$WEB:combined" "$BIND:bind" "$UNBOUND:unbound"; do
  printf " %10s" "$(per_line "${pair%%:*}" "${pair#*:}" stats --key-file "$WORK/key" -o "$WORK/ins-state.json")"
done
echo
printf "%-10s" anonymize
for pair in "$WEB:combined" "$BIND:bind" "$UNBOUND:unbound"; do
  printf " %10s" "$(per_line "${pair%%:*}" "${pair#*:}" anonymize)"
done
echo
echo "(instructions per line, one worker thread, whole process)"
