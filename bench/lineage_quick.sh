#!/usr/bin/env bash
# The lineage pieces of scripts/bench alone, for a quick look at a small data set (as root, after
# `./scripts/build release agritrace agritrace_bench`): generate (embedded) + replay, PostgreSQL 15
# load, bench/compare_lineage.py, pgbench of bench/postgres/lineage_*.sql, agritrace_bench query
# lineage-*, wrk on GET /v1/trace/forward|backward. Not the figures of record (./scripts/bench is).
#   bench/lineage_quick.sh [EVENTS=150000] [SECONDS=5]   (BENCH_DIR, default /tmp/agritrace-lineage-quick;
#   BIN, default build/release: build/test runs the -O1 binaries; CHECK: samples compared, 300;
#   CHECK_ONLY=1 stops after the comparison; SEED: the generator's seed, 1)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-150000}" SECS="${2:-5}"
DIR="${BENCH_DIR:-/tmp/agritrace-lineage-quick}" BIN="${BIN:-build/release}" PG_PORT=25532 HTTP_PORT=28580 PGBIN=/usr/lib/postgresql/15/bin
rm -rf "$DIR"; mkdir -p "$DIR"; chmod 755 "$DIR"
EMB="$DIR/embedded"
"$BIN/agritrace_bench" generate --seed "${SEED:-1}" --tenants 20 --data "$EMB" --events "$EVENTS" --concurrency 256 --csv "$DIR/csv" | tee "$DIR/gen.out"
"$BIN/agritrace" replay --data "$EMB" | tee "$DIR/replay.out"
PGDATA="$DIR/pg"; mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"; chmod 755 "$DIR/csv" && chmod 644 "$DIR"/csv/*
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --no-locale >/dev/null
cat >>"$PGDATA/postgresql.conf" <<EOC
port = $PG_PORT
listen_addresses = ''
unix_socket_directories = '$PGDATA'
shared_buffers = 512MB
jit = off
fsync = off
synchronous_commit = off
full_page_writes = off
EOC
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start >/dev/null
trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; [ -n "${SP:-}" ] && kill $SP 2>/dev/null || true' EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PGDATA" -p "$PG_PORT" -U postgres -d postgres)
"${PSQL[@]}" -f bench/postgres/schema.sql
for t in enterprise counterparty purchase_order material_lot batch batch_input batch_document code sales_order shipment shipment_code \
         received_lot receipt_code repack_input write_off recall_sample; do
  "${PSQL[@]}" -c "\\copy $t FROM '$DIR/csv/$t.csv' WITH (FORMAT csv)"
done
"${PSQL[@]}" -f bench/postgres/indexes.sql
"${PSQL[@]}" -f bench/postgres/lineage.sql
BENCH_PG_HOST="$PGDATA" BENCH_PG_PORT="$PG_PORT" python3 bench/compare_lineage.py "$BIN/agritrace_bench" "$EMB" "$DIR/csv" "${CHECK:-300}"
[ -n "${CHECK_ONLY:-}" ] && exit 0  # CHECK_ONLY=1: stop after the comparison (no timing)
. "$DIR/csv/bench.env"
for s in lineage_backward lineage_forward lineage_recall; do
  for c in 1 4; do
    rm -f "$DIR"/pglog*
    out="$(pgbench -n -h "$PGDATA" -p "$PG_PORT" -U postgres -M prepared -c $c -j $(( c < 2 ? 1 : 2 )) -T "$SECS" -D tenants=20 \
      -D min_batches="$MIN_BATCHES" -D min_lots="$MIN_LOTS" -D recall_samples="$RECALL_SAMPLES" -f bench/postgres/$s.sql \
      --log --log-prefix="$DIR/pglog" postgres 2>&1)"
    tps="$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
    cat "$DIR"/pglog* | awk '{print $3/1000}' | sort -g > "$DIR/lat.txt"
    echo "PG $s -c$c: tps $tps p50 $(awk '{v[NR]=$1} END{print v[int(NR*0.5)]}' "$DIR/lat.txt") p99 $(awk '{v[NR]=$1} END{print v[int(NR*0.99)]}' "$DIR/lat.txt") ms"
  done
done
for k in "lineage-backward batch_ids" "lineage-forward lot_ids" "lineage-forward recall_lot_ids"; do
  set -- $k
  for th in 1 2; do
    echo "AT $1 $2 threads $th: $("$BIN/agritrace_bench" query --data "$EMB" --kind "$1" --samples "$DIR/csv/$2.txt" --threads $th --seconds "$SECS" | tr '\n' ' ')"
  done
done
AGRITRACE_ADMIN_KEY="bench-admin-key-0123456789" "$BIN/agritrace" serve --data "$EMB" --listen "127.0.0.1:$HTTP_PORT" \
  --rate-per-key 0 --rate-per-address 0 >"$DIR/serve.log" 2>&1 &
SP=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
# As scripts/bench: no rate limit (wrk's 16 connections would get 429), and one 2xx answer first.
read -r T0 B0 < "$DIR/csv/batch_ids.txt"
curl -sf -H "Authorization: Bearer bench api key $T0" "http://127.0.0.1:$HTTP_PORT/v1/trace/backward?batch_id=$B0" >/dev/null \
  || { echo "lineage_quick: the trace route answers no 2xx (auth or data): see $DIR/serve.log" >&2; exit 1; }
for k in "lineage-backward batch_ids" "lineage-forward lot_ids" "lineage-forward recall_lot_ids"; do
  set -- $k
  out="$(BENCH_TRACE_KIND="$1" BENCH_SAMPLES="$DIR/csv/$2.txt" wrk -t2 -c16 -d"${SECS}s" --latency -s bench/wrk/trace.lua "http://127.0.0.1:$HTTP_PORT")"
  echo "HTTP $1 $2: $(echo "$out" | grep -E 'Requests/sec|Non-2xx|^ +50%|^ +99%' | tr -s ' ' | tr '\n' ' ')"
done
echo "serve RSS MiB: $(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$SP/status) (peak $(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$SP/status))"
