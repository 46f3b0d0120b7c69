#!/usr/bin/env bash
# Two builds of logscrub on the same corpus, run alternately (A B A B ...), best of N each, so
# that the shared machine's drift hits both alike: how the issues' "no more than X % slower than
# the previous build" is measured.
#
#   benches/compare.sh OLD_BIN NEW_BIN [CORPUS] [RUNS] [-- extra arguments]
#   CMD=stats benches/compare.sh ...    (another command than anonymize)
#
# Build the previous version in a worktree (never `git stash`):
#   git worktree add /tmp/old HEAD~1 && (cd /tmp/old && CARGO_TARGET_DIR=/tmp/old-target cargo build --release)
#   benches/compare.sh /tmp/old-target/release/logscrub target/release/logscrub
# The default corpus is benches/throughput.sh's (1M combined lines, ~240 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1
NEW=$2
CORPUS=${3:-${TMPDIR:-/tmp}/logscrub-bench/combined-1000000.log}
RUNS=${4:-7}
shift $(($# < 4 ? $# : 4))
[ "${1:-}" = "--" ] && shift
EXTRA=("$@")
[ -s "$CORPUS" ] || python3 benches/gen_corpus.py --lines 1000000 -o "$CORPUS" >/dev/null
SIZE=$(stat -c %s "$CORPUS")
cat "$CORPUS" > /dev/null

seconds() {
  local s e
  s=$(date +%s%N)
  "$@" > /dev/null 2>&1
  e=$(date +%s%N)
  awk -v d=$((e - s)) 'BEGIN{ printf "%.6f", d / 1e9 }'
}
best_old="" best_new=""
for _ in $(seq "$RUNS"); do
  t=$(seconds "$OLD" "${CMD:-anonymize}" -q "${EXTRA[@]}" "$CORPUS")
  if [ -z "$best_old" ] || awk "BEGIN{exit !($t < $best_old)}"; then best_old=$t; fi
  t=$(seconds "$NEW" "${CMD:-anonymize}" -q "${EXTRA[@]}" "$CORPUS")
  if [ -z "$best_new" ] || awk "BEGIN{exit !($t < $best_new)}"; then best_new=$t; fi
done
awk -v o="$best_old" -v n="$best_new" -v b="$SIZE" -v c="$CORPUS" -v r="$RUNS" 'BEGIN{
  printf "%s (%d bytes), best of %d alternating runs\n", c, b, r
  printf "old %8.0f MB/s\nnew %8.0f MB/s\nnew/old %.3f\n", b/1e6/o, b/1e6/n, o/n }'
