#!/usr/bin/env bash
# Whole-process throughput of the release binary, side by side with `cat` on the same machine.
#
#   benches/throughput.sh [LINES]        (default 1000000 lines, ~240 MB, ~15 % IPv6)
#   benches/throughput.sh --formats      (only the rows of every web format against combined)
#
# Instructions per line, which the VM's noise does not blur: benches/instructions.sh.
#
# Generates a combined-format corpus with benches/gen_corpus.py (seeded, so every run measures the
# same bytes), warms the page cache, and reports MB/s (10^6 bytes of decompressed input per second,
# best of 3 runs) and peak RSS for each case the issues name, then peak RSS for ~100 MB and ~2 GB
# of input (memory must be flat). Goals are printed next to the figures for reading, not enforced:
# a timed assertion on a shared 2-core machine would be noise. Exits non-zero only when something
# fails to run.
set -euo pipefail
cd "$(dirname "$0")/.."
ONLY=""
if [ "${1:-}" = --formats ]; then ONLY=formats; shift; fi
LINES=${1:-1000000}
WORK=${TMPDIR:-/tmp}/logscrub-bench
mkdir -p "$WORK"
CORPUS=$WORK/combined-$LINES.log
BIN=target/release/logscrub

cargo build --release --quiet
[ -s "$CORPUS" ] || python3 benches/gen_corpus.py --lines "$LINES" -o "$CORPUS" >/dev/null
[ -s "$CORPUS.gz" ] || gzip -1 -c "$CORPUS" > "$CORPUS.gz"
[ -s "$CORPUS.zst" ] || zstd -q -3 -c "$CORPUS" > "$CORPUS.zst"
[ -s "$WORK/key" ] || $BIN keygen -o "$WORK/key"
for sc in cryptopan ipcrypt-det ipcrypt-pfx ipcrypt-nd ipcrypt-ndx ipcipher; do
  [ -s "$WORK/$sc.key" ] || $BIN keygen --scheme "$sc" -o "$WORK/$sc.key"
done
# DNS corpora of about the web corpus's size in bytes (~240 MB at the default LINES): Unbound
# lines are 90 bytes, BIND lines 160, web lines 240. A fixed ~10 ms (process start, first read,
# pipeline ramp) is 10 % of a 90 MB run and 4 % of a 240 MB one; nightly logs are bigger still.
dns_lines() { case $1 in bind) echo $((LINES * 3 / 2));; unbound) echo $((LINES * 27 / 10));; esac; }
for srv in bind unbound; do
  N=$(dns_lines "$srv")
  [ -s "$WORK/$srv-$N.log" ] || python3 benches/gen_dns_corpus.py --server "$srv" --lines "$N" -o "$WORK/$srv-$N.log"
done
SIZE=$(stat -c %s "$CORPUS")
cat "$CORPUS" "$CORPUS.gz" > /dev/null

# seconds CMD...: runs CMD and prints its wall time in seconds, to the microsecond (`time`'s %e
# has 10 ms steps, 5 % of a 0.2 s run: too coarse for ratios).
seconds() {
  local s e
  s=$(date +%s%N)
  bash -c "$*" > /dev/null 2>&1
  e=$(date +%s%N)
  awk -v d=$((e - s)) 'BEGIN{ printf "%.6f", d / 1e9 }'
}

# best_of CMD...: prints "seconds peak_rss_kb" of the fastest of 3 runs (seconds measured
# around /usr/bin/time, which reports the peak RSS).
best_of() {
  local best="" rss=0
  for _ in 1 2 3; do
    local t m
    printf '%s\n' "$*" > "$WORK/cmd.sh"
    t=$(seconds "/usr/bin/time -o $WORK/time -f %M bash $WORK/cmd.sh")
    m=$(tail -1 "$WORK/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; rss=$m; fi
  done
  echo "$best $rss"
}

row() { # name seconds rss goal
  awk -v n="$1" -v s="$2" -v r="$3" -v b="$SIZE" -v g="$4" \
    'BEGIN{ printf "%-34s %8.0f MB/s %7.1f MiB  %s\n", n, (s > 0 ? b/1e6/s : 0), r/1024, g }'
}

# Every web format (issue 19): its fixture repeated to ~100 MB, anonymize and stats, each as a
# ratio to `combined` at the same size (the combined fixture repeated alike), run interleaved.
# Lines differ in length per format (Squid's are half combined's): MB/s and lines/s both shown.
rep_file() { # fixture -> a ~100 MB copy in $WORK
  local out=$WORK/fmt-$(basename "$1").rep
  if [ ! -s "$out" ]; then
    local n=$(( 100000000 / $(stat -c %s "testdata/$1") + 1 ))
    for _ in $(seq "$n"); do cat "testdata/$1"; done > "$out"
  fi
  echo "$out"
}
fmt_ratio() { # verb fixture format -> "mb/s lines/s ratio_bytes ratio_lines"
  local verb=$1 f c bc="" bf="" out
  f=$(rep_file "$2"); c=$(rep_file web/combined.log)
  local cmd_c cmd_f
  case $verb in
    anonymize) cmd_c="$BIN anonymize -q -f combined $c > /dev/null"; cmd_f="$BIN anonymize -q -f '$3' $f > /dev/null";;
    stats) cmd_c="$BIN stats -q --key-file $WORK/key -f combined $c -o $WORK/fmt.json"; cmd_f="$BIN stats -q --key-file $WORK/key -f '$3' $f -o $WORK/fmt.json";;
  esac
  for _ in 1 2 3; do
    out=$(seconds "$cmd_c"); if [ -z "$bc" ] || awk "BEGIN{exit !($out < $bc)}"; then bc=$out; fi
    out=$(seconds "$cmd_f"); if [ -z "$bf" ] || awk "BEGIN{exit !($out < $bf)}"; then bf=$out; fi
  done
  awk -v sc="$(stat -c %s "$c")" -v sf="$(stat -c %s "$f")" -v lc="$(wc -l < "$c")" -v lf="$(wc -l < "$f")" -v tc="$bc" -v tf="$bf" \
    'BEGIN{ printf "%8.0f MB/s %6.2f Mlines/s  %.2fx combined (bytes/s)  %.2fx (lines/s)", sf/1e6/tf, lf/1e6/tf, (sf/tf)/(sc/tc), (lf/tf)/(lc/tc) }'
}
formats_rows() {
echo
echo "web formats, each fixture repeated to ~100 MB, ratio to combined (best of 3 interleaved; goal >= 0.7x):"
for pair in vhost_combined.log:vhost_combined caddy.json:json squid.log:squid elb.log:elb alb.log:alb s3.log:s3 \
            cloudfront.log:cloudfront gcs.log:gcs haproxy.log:haproxy traefik.log:traefik iis.log:w3c; do
  fx=${pair%%:*}; fm=${pair#*:}
  printf "%-22s anonymize %s\n" "$fm" "$(fmt_ratio anonymize "web/$fx" "$fm")"
  printf "%-22s stats     %s\n" "$fm" "$(fmt_ratio stats "web/$fx" "$fm")"
done
}

if [ "$ONLY" = formats ]; then formats_rows; exit 0; fi
echo "corpus: $CORPUS ($LINES lines, $SIZE bytes); $(nproc) CPUs"
printf "%-34s %13s %11s  %s\n" case throughput "peak RSS" goal
read -r t m < <(best_of "cat $CORPUS | cat > /dev/null");                        row "cat | cat (reference)" "$t" "$m" ""; CATCAT=$t
read -r t m < <(best_of "gzip -dc $CORPUS.gz > /dev/null");                      row "gzip -dc (reference)" "$t" "$m" ""; GZ=$t
read -r t m < <(best_of "$BIN anonymize -q $CORPUS > /dev/null");                row "truncate file -> /dev/null" "$t" "$m" ">= 1000 MB/s, RSS <= 64 MiB"; TRUNC=$t
read -r t m < <(best_of "cat $CORPUS | $BIN anonymize -q > /dev/null");          row "truncate stdin pipe" "$t" "$m" ">= 0.5x cat|cat"; PIPE=$t
read -r t m < <(best_of "$BIN anonymize -q -m hash --key-file $WORK/key $CORPUS > /dev/null"); row "hash file -> /dev/null" "$t" "$m" "(ratio below)"; HASH=$t
read -r t m < <(best_of "$BIN anonymize -q $CORPUS.gz > /dev/null");             row "truncate gzip input" "$t" "$m" ">= 1.3x gzip -dc"; GZIN=$t
read -r t m < <(best_of "$BIN anonymize -q --rules benches/rules-realistic.toml $CORPUS > /dev/null"); row "rules: realistic (drop, redact, site)" "$t" "$m" "(ratio below)"; RULES=$t
read -r t m < <(best_of "$BIN anonymize -q --rules rules/minimal-web.toml $CORPUS > /dev/null"); row "rules: rules/minimal-web.toml" "$t" "$m" ""
# zstd in place (issue 17): at least as fast as decompressing, anonymizing and recompressing in a
# pipe. Each run rewrites a fresh copy.
read -r t m < <(best_of "zstd -dc $CORPUS.zst | $BIN anonymize -q | zstd -q -3 > $WORK/pipe.zst"); row "zstd -dc | anonymize | zstd (reference)" "$t" "$m" ""
read -r t m < <(best_of "cp $CORPUS.zst $WORK/inplace.zst && $BIN anonymize -q --in-place $WORK/inplace.zst"); row "zstd in place (copy included)" "$t" "$m" ">= 1x the pipe"
# gzip in place (issue 23): against decompressing and recompressing with gzip alone.
read -r t m < <(best_of "gzip -dc $CORPUS.gz | gzip > $WORK/pipe.gz"); row "gzip -dc | gzip (reference)" "$t" "$m" ""; GZPIPE=$t
read -r t m < <(best_of "cp $CORPUS.gz $WORK/inplace.gz && $BIN anonymize -q --in-place $WORK/inplace.gz"); row "gzip in place (copy included)" "$t" "$m" ">= 4x the gzip pipe"; GZPLACE=$t
awk -v p="$GZPIPE" -v i="$GZPLACE" 'BEGIN{ printf "gzip in place: %.2fx gzip -dc | gzip (goal >= 4x)\n", p/i }'
# ratio CMD: best-of-5 seconds of truncate and of CMD, run interleaved (T C T C ...) so that
# a change in the machine's load hits both alike; prints "t_trunc t_cmd".
ratio() {
  local bt="" bc="" out
  for _ in 1 2 3 4 5; do
    out=$(seconds "$BIN anonymize -q $CORPUS"); if [ -z "$bt" ] || awk "BEGIN{exit !($out < $bt)}"; then bt=$out; fi
    out=$(seconds "$*"); if [ -z "$bc" ] || awk "BEGIN{exit !($out < $bc)}"; then bc=$out; fi
  done
  echo "$bt $bc"
}
ratio_row() { # name goal command...
  local name=$1 goal=$2; shift 2
  read -r tt tc < <(ratio "$*")
  awk -v n="$name" -v tt="$tt" -v tc="$tc" -v b="$SIZE" -v g="$goal" \
    'BEGIN{ printf "%-34s %8.0f MB/s   %.2fx of truncate (interleaved)  >= %sx\n", n, b/1e6/tc, tt/tc, g }'
}
# cat_ratio_row NAME FILE COMMAND...: best-of-5 seconds of `cat FILE | cat` and of COMMAND,
# run interleaved; prints COMMAND's MB/s and its speed as a ratio to reading the file.
cat_ratio_row() {
  local name=$1 file=$2 bc="" bx="" out size; shift 2
  size=$(stat -c %s "$file")
  for _ in 1 2 3 4 5; do
    out=$(seconds "cat $file | cat > /dev/null"); if [ -z "$bc" ] || awk "BEGIN{exit !($out < $bc)}"; then bc=$out; fi
    out=$(seconds "$*"); if [ -z "$bx" ] || awk "BEGIN{exit !($out < $bx)}"; then bx=$out; fi
  done
  awk -v n="$name" -v c="$bc" -v x="$bx" -v b="$size" \
    'BEGIN{ printf "%-34s %8.0f MB/s   %.2fx cat|cat (interleaved)  >= 0.8x\n", n, b/1e6/x, c/x }'
}
echo
echo "statistics against reading the file (issue 23), best of 5 interleaved runs each:"
cat_ratio_row "stats: web (combined)" "$CORPUS" "$BIN stats -q --key-file $WORK/key $CORPUS -o $WORK/state.json"
for srv in bind unbound; do
  F=$WORK/$srv-$(dns_lines "$srv").log
  cat_ratio_row "stats: $srv" "$F" "$BIN stats -q -f $srv --key-file $WORK/key $F -o $WORK/state.json"
done
echo
echo "ratios to truncate, best of 5 interleaved runs each:"
ratio_row "hash" 0.8 "$BIN anonymize -q -m hash --key-file $WORK/key $CORPUS > /dev/null"
ratio_row "rules: realistic" 0.7 "$BIN anonymize -q --rules benches/rules-realistic.toml $CORPUS > /dev/null"
for set in rules/minimal-web.toml rules/publish-web.toml rules/doh-frontend.toml; do
  ratio_row "rules: $set" 0.7 "$BIN anonymize -q --rules $set $CORPUS > /dev/null"
done
# The DNS rule sets, against truncating the DNS corpus they apply to (interleaved, best of 5).
for srv in bind unbound; do
  F=$WORK/$srv-$(dns_lines "$srv").log
  for set in rules/dns-resolver.toml rules/dns-publish.toml; do
    bt="" bc=""
    for _ in 1 2 3 4 5; do
      out=$(seconds "$BIN anonymize -q -f $srv $F"); if [ -z "$bt" ] || awk "BEGIN{exit !($out < $bt)}"; then bt=$out; fi
      out=$(seconds "$BIN anonymize -q -f $srv --rules $set $F"); if [ -z "$bc" ] || awk "BEGIN{exit !($out < $bc)}"; then bc=$out; fi
    done
    awk -v n="rules: $set ($srv)" -v tt="$bt" -v tc="$bc" -v b="$(stat -c %s "$F")" \
      'BEGIN{ printf "%-44s %8.0f MB/s   %.2fx of truncate (interleaved)  >= 0.7x\n", n, b/1e6/tc, tt/tc }'
  done
done
for sc in cryptopan ipcrypt-det ipcrypt-pfx ipcipher ipcrypt-nd ipcrypt-ndx; do
  goal=0.8; case $sc in ipcrypt-nd*) goal=0.5;; esac
  ratio_row "scheme: $sc" "$goal" "$BIN anonymize -q -m $sc --key-file $WORK/$sc.key $CORPUS > /dev/null"
done
[ -s "$WORK/anon-$LINES.log" ] || $BIN anonymize -q "$CORPUS" > "$WORK/anon-$LINES.log"
# audit exits 1 when it finds something (the corpus has e-mail addresses and tokens in URLs).
read -r t m < <(best_of "$BIN audit $WORK/anon-$LINES.log > /dev/null || [ \$? -eq 1 ]"); row "audit (truncated corpus)" "$t" "$m" ">= 1000 MB/s"
read -r t m < <(best_of "$BIN stats -q --key-file $WORK/key $CORPUS -o $WORK/state.json"); row "stats (web panels) -> state" "$t" "$m" ">= 500 MB/s (GoAccess ~7.5 MB/s here)"
# Memory with far more distinct pages than a panel keeps (bounded summaries): 10M distinct paths.
DISTINCT=${DISTINCT:-10000000}
DFILE=$WORK/distinct-$DISTINCT.log
[ -s "$DFILE" ] || awk -v n="$DISTINCT" 'BEGIN{for(i=0;i<n;i++) printf "192.0.2.%d - - [10/Oct/2026:13:55:36 +0000] \"GET /p/%d HTTP/1.1\" 200 1 \"-\" \"curl/8.5.0\"\n", i%256, i}' > "$DFILE"
SIZE_SAVE=$SIZE; SIZE=$(stat -c %s "$DFILE")
read -r t m < <(best_of "$BIN stats -q --key-file $WORK/key $DFILE -o $WORK/state-distinct.json"); row "stats, $DISTINCT distinct paths" "$t" "$m" "RSS <= 64 MiB"
SIZE=$SIZE_SAVE
for srv in bind unbound; do
  F=$WORK/$srv-$(dns_lines "$srv").log
  cat "$F" > /dev/null
  SIZE_SAVE=$SIZE; SIZE=$(stat -c %s "$F")
  read -r t m < <(best_of "cat $F | cat > /dev/null"); row "$srv: cat | cat (reference)" "$t" "$m" ""
  read -r t m < <(best_of "$BIN anonymize -q -f $srv $F > /dev/null")
  row "$srv: truncate file -> /dev/null" "$t" "$m" ">= 1000 MB/s"
  SIZE=$SIZE_SAVE
done
formats_rows

awk -v c="$CATCAT" -v p="$PIPE" -v t="$TRUNC" -v h="$HASH" -v g="$GZ" -v gi="$GZIN" -v r="$RULES" 'BEGIN{
  printf "\nsequential ratios: pipe/cat|cat %.2f (goal >= 0.5), gzip-in/gzip -dc %.2f (goal >= 1.3)\n", c/p, g/gi }'

# Memory must stay flat in input size: ~100 MB and ~2 GB through the same pipe.
rss_for() { # bytes
  /usr/bin/time -o "$WORK/time" -f "%M" bash -c "head -c $1 $CORPUS > $WORK/part; reps=\$(( $2 )); for i in \$(seq \$reps); do cat $WORK/part; done | $BIN anonymize -q > /dev/null" >/dev/null 2>&1
  tail -1 "$WORK/time"
}
SMALL=$(rss_for 100000000 1)
LARGE=$(rss_for "$SIZE" "(2000000000 + $SIZE - 1) / $SIZE")
rm -f "$WORK/part"
awk -v s="$SMALL" -v l="$LARGE" 'BEGIN{ printf "peak RSS, 100 MB vs ~2 GB through a pipe: %.1f MiB vs %.1f MiB (goal <= 64 MiB, flat)\n", s/1024, l/1024 }'
