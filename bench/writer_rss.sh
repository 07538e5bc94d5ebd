#!/usr/bin/env bash
# Memory of the single writer and the server on a generated data set (issue 11: server RSS ≤ 1 GiB
# after the 10M-event run). Generates EVENTS events (embedded ledger, seed 1, 20 enterprises, 256 in
# flight), replays the views, then starts `agritrace serve` (which folds the whole ledger into the
# write model) and prints its RSS once /healthz answers, with the generator's own peak RSS (it runs
# the same CommandWriter in-process). After `./scripts/build release agritrace agritrace_bench`:
#   bench/writer_rss.sh [EVENTS=1000000] [BIN=build/release]   (BENCH_DIR, default /tmp/agritrace-rss)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-1000000}" BIN="${2:-build/release}"
DIR="${BENCH_DIR:-/tmp/agritrace-rss}" PORT="${HTTP_PORT:-28590}"
rm -rf "$DIR"; mkdir -p "$DIR"
/usr/bin/time -f "generate: max RSS %M KiB, %e s" "$BIN/agritrace_bench" generate --seed 1 --tenants 20 \
  --data "$DIR/data" --events "$EVENTS" --concurrency 256 2>&1 | grep -E "events appended|events/s|max RSS|seconds"
/usr/bin/time -f "replay: max RSS %M KiB, %e s" "$BIN/agritrace" replay --data "$DIR/data" 2>&1 | tail -n 2
t0="$(date +%s.%N)"
AGRITRACE_ADMIN_KEY="bench-admin-key-0123456789" "$BIN/agritrace" serve --data "$DIR/data" \
  --listen "127.0.0.1:$PORT" >"$DIR/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  kill -0 "$PID" 2>/dev/null || { cat "$DIR/serve.log" >&2; exit 1; }
  sleep 0.2
done
t1="$(date +%s.%N)"
awk -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')" \
  '/VmRSS/ {r=$2} /VmHWM/ {h=$2} END {printf "serve: ready in %s s, RSS %.0f MiB (peak %.0f MiB)\n", s, r/1024, h/1024}' \
  "/proc/$PID/status"
