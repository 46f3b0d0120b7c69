#!/usr/bin/env bash
# `logscrub merge` of a busy server's daily states (issue 21: 1,000 of them in under 10 s).
#
#   benches/merge.sh [DAYS] [LINES]      (default 1000 days of 1000000 combined lines each)
#
# One day is counted from the throughput corpus (benches/gen_corpus.py, full panels: thousands of
# pages, referrers, agents); the other days are that state with its bucket moved to another date
# (the panels are the same labels, the series grows by a bucket a day: what a year or three of
# nightly states of one server look like). Prints the wall time of one merge of all of them,
# best of 3, and the merged state's size.
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS=${1:-1000}
LINES=${2:-1000000}
WORK=${TMPDIR:-/tmp}/logscrub-bench
mkdir -p "$WORK/days"
BIN=target/release/logscrub
cargo build --release --quiet
CORPUS=$WORK/combined-$LINES.log
[ -s "$CORPUS" ] || python3 benches/gen_corpus.py --lines "$LINES" -o "$CORPUS" >/dev/null
[ -s "$WORK/key" ] || $BIN keygen -o "$WORK/key"
$BIN stats -q --key-file "$WORK/key" "$CORPUS" -o "$WORK/day.json"
python3 - "$WORK/day.json" "$WORK/days" "$DAYS" <<'PY'
import datetime, json, sys
src, out, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = json.load(open(src))
(bucket, b), = [(k, v) for k, v in s["series"].items() if v.get("requests", 0) > 0][:1]
d0 = datetime.date(2024, 1, 1)
for i in range(days):
    day = (d0 + datetime.timedelta(days=i)).isoformat()
    s["series"] = {day: b}
    s["first"], s["last"] = day + "T00:00:00+00:00", day + "T23:59:59+00:00"
    with open("%s/%s.json" % (out, day), "w") as f:
        f.write(json.dumps(s, separators=(",", ":")) + "\n")
PY
printf "one day's state: %s bytes\n" "$(stat -c %s "$WORK/day.json")"
best=""
for _ in 1 2 3; do
  s=$(date +%s%N)
  $BIN merge "$WORK"/days/*.json -o "$WORK/merged.json"
  e=$(date +%s%N)
  t=$(awk -v d=$((e - s)) 'BEGIN{ printf "%.3f", d / 1e9 }')
  if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
done
printf "merge of %d daily states: %s s (goal < 10 s); merged state %s bytes\n" \
  "$DAYS" "$best" "$(stat -c %s "$WORK/merged.json")"
