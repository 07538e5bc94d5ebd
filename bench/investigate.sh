#!/usr/bin/env bash
# The investigation figures of docs/PERFORMANCE.md ("Investigation", issue 18), embedded ledger:
# generate EVENTS events, then three rounds of {full replay, replay --as-of now, replay --as-of
# the middle instant} interleaved (so a noisy machine hurts each alike), and three timelines of one
# code (a full scan of the ledger), then the same timeline through a code index (--index). Usage: bench/investigate.sh [EVENTS (200000)]
# Env: BENCH_DIR (/tmp/agritrace-investigate, wiped), BIN (build/release).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
EVENTS="${1:-200000}"
DIR="${BENCH_DIR:-/tmp/agritrace-investigate}"
BIN="${BIN:-$ROOT/build/release}"
rm -rf "$DIR" && mkdir -p "$DIR" && cd "$DIR"
stamp() { date -u +%FT%T.%3NZ; }
t0=$(stamp)
"$BIN/agritrace_bench" generate --data data --events "$EVENTS" --seed 1 --tenants 20 --concurrency 64 --csv csv | grep 'events appended'
t1=$(stamp)
mid=$(python3 -c "import datetime as d,sys;f=lambda s:d.datetime.fromisoformat(s[:-1]);a,b=f(sys.argv[1]),f(sys.argv[2]);print((a+(b-a)/2).isoformat(timespec='milliseconds')+'Z')" "$t0" "$t1")
now=$(stamp)
for i in 1 2 3; do
  echo "full replay $i:      $("$BIN/agritrace" replay --data data | head -1)"
  rm -rf now && echo "as-of now $i:        $("$BIN/agritrace" replay --data data --as-of "$now" --out now | head -1)"
  rm -rf mid && echo "as-of middle $i:     $("$BIN/agritrace" replay --data data --as-of "$mid" --out mid | head -1)"
done
serial=$(head -1 csv/code.csv | cut -d'"' -f2)
for i in 1 2 3; do
  /usr/bin/time -f "timeline of code $serial $i: %e s, max RSS %M KB" \
    "$BIN/agritrace" investigate timeline --data data --code "$serial" --format json >/dev/null
done
rm -rf index
/usr/bin/time -f "code index built (whole ledger) + first lookup: %e s, max RSS %M KB" \
  "$BIN/agritrace" investigate timeline --data data --code "$serial" --index index --format json >/dev/null
for i in 1 2 3; do
  /usr/bin/time -f "timeline of code $serial through the index $i: %e s" \
    "$BIN/agritrace" investigate timeline --data data --code "$serial" --index index --format json >/dev/null
done
echo "index size: $(du -sh index | cut -f1), ledger size: $(du -sh data/ledger | cut -f1)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
