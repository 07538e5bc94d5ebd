#!/usr/bin/env bash
# Issue 12 figures (R-4.4.1): the consumer scan page and the resolver's JSON with scan recording on,
# against nginx serving a static page of the same size on the same machine (the limit of HTTP
# here), and the commands' latency with and without scans running.
#   bench/public_scan.sh [--seconds S] [--connections C] [--markdown]
# Env: BIN (build/release; BUILD=test for build/test), PORT (28180; nginx PORT+1), LOAD_NICE (0:
# the nice value of the wrk that scans while the commands are measured; 10 tells apart the server's
# own contention from the load generator's CPU on the same 2 CPUs, which real phones do not use),
# INLINE (0: serve --inline-cached-scans 0, the default; 1: cached scans answered on the I/O thread).
# Needs wrk and nginx (./scripts/deps --bench). Prints a Markdown table (section 7 of
# docs/PERFORMANCE.md when ./scripts/bench runs it); logs go to stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECS=10 CONN=32
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS="$2"; shift 2 ;;
    --connections) CONN="$2"; shift 2 ;;
    --markdown) shift ;;
    *) echo "public_scan: unknown flag $1" >&2; exit 2 ;;
  esac
done
BIN="${BIN:-$ROOT/build/${BUILD:-release}}"
PORT="${PORT:-28180}"
LOAD_NICE="${LOAD_NICE:-0}"
INLINE="${INLINE:-0}"
INLINE_FLAG=""
[ "$INLINE" = 1 ] && INLINE_FLAG="--inline-cached-scans 1"
NGINX_PORT=$((PORT + 1))
"$ROOT/scripts/deps" --bench >&2
D="$(mktemp -d /tmp/agritrace-public-scan.XXXXXX)"
ADMIN=bench-admin-key-0123456789abcdef
U="http://127.0.0.1:$PORT"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
log() { echo "== public_scan: $*" >&2; }

# ---- the server (rate limits off: wrk is one address) and a chain with codes ----
AGRITRACE_ADMIN_KEY=$ADMIN "$BIN/agritrace" serve --data "$D/data" --listen "127.0.0.1:$PORT" \
  --rate-per-address 0 --rate-per-key 0 --max-connections-per-address 1024 ${INLINE_FLAG:+$INLINE_FLAG} >"$D/serve.out" 2>"$D/serve.err" &
pids+=($!)
for _ in $(seq 1 300); do curl -sf "$U/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
j() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
KEY=$(curl -sf "$U/v1/enterprises" -H "Authorization: Bearer $ADMIN" \
  -d '{"uscc":"91441900MA51ABCD7J","name":"东莞市鲜达净菜加工有限公司","region":"广东省东莞市"}' | j '["api_key"]')
H="Authorization: Bearer $KEY"
DAY=$(curl -sf "$U/healthz" | j '["clock"]["today"]')
ago() { date -u -d "$DAY $(printf %+d $(( -$1 ))) days" +%F; }
SUP=$(curl -sf "$U/v1/counterparties" -H "$H" -d '{"kind":"enterprise","roles":["supplier"],"name":"博罗县绿源菜心种植专业合作社","uscc":"93441322MA4W12345F","contact_person":"黄国华","phone":"13826601234","address":"广东省惠州市博罗县"}' | j '["id"]')
PO=$(curl -sf "$U/v1/purchase-orders" -H "$H" -d "{\"material\":\"菜心\",\"supplier_id\":\"$SUP\",\"quantity\":{\"amount\":500,\"unit\":\"kg\"},\"supplier_lot\":\"HZ-1\",\"production_date\":\"$(ago 33)\",\"expiry_date\":\"$(ago -3650)\"}" | j '["id"]')
curl -sf "$U/v1/purchase-orders/$PO/receive" -H "$H" -d "{\"quantity\":{\"amount\":500,\"unit\":\"kg\"},\"received_on\":\"$(ago 13)\"}" >/dev/null
LOT=""
for _ in $(seq 1 50); do  # the views catch up with the receipt
  LOT=$(curl -sf "$U/v1/purchase-orders/$PO" -H "$H" | j '.get("lot_id","")'); [ -n "$LOT" ] && break; sleep 0.1
done
B=$(curl -sf "$U/v1/batches" -H "$H" -d "{\"product\":\"净菜菜心 500g\",\"lot_code\":\"L1\",\"quantity\":{\"amount\":100,\"unit\":\"piece\"},\"production_date\":\"$(ago 12)\"}" | j '["id"]')
curl -sf "$U/v1/batches/$B/materials" -H "$H" -d "{\"lot_id\":\"$LOT\",\"quantity\":{\"amount\":50,\"unit\":\"kg\"}}" >/dev/null
T=$(curl -sf "$U/v1/code-templates" -H "$H" -d '{"name":"箱码","gtin":"06901234567892","base_url":"https://trace.example.cn","quantity_per_code":{"amount":1,"unit":"piece"}}' | j '["id"]')
RUN=$(curl -sf "$U/v1/code-runs" -H "$H" -d "{\"template_id\":\"$T\",\"batch_id\":\"$B\",\"count\":10}" | j '["id"]')
for _ in $(seq 1 50); do
  URI=$(curl -sf "$U/v1/code-runs/$RUN/codes.csv" -H "$H" | sed -n 2p | cut -d, -f2) && [ -n "$URI" ] && break; sleep 0.1
done
P="/01/${URI#*/01/}"
curl -sf -o "$D/page.html" "$U$P"
SIZE=$(stat -c %s "$D/page.html")
log "scan page $P: $SIZE bytes"

# ---- nginx: a static page of the same size, same machine, 2 workers (the server's 2 threads) ----
mkdir -p "$D/nginx/html" "$D/nginx/logs"
cp "$D/page.html" "$D/nginx/html/page.html"
cat >"$D/nginx/nginx.conf" <<NGX
worker_processes 2;
pid $D/nginx/nginx.pid;
error_log $D/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:$NGINX_PORT; root $D/nginx/html; }
  client_body_temp_path $D/nginx/body; proxy_temp_path $D/nginx/proxy; fastcgi_temp_path $D/nginx/fcgi;
  uwsgi_temp_path $D/nginx/uwsgi; scgi_temp_path $D/nginx/scgi;
}
NGX
nginx -c "$D/nginx/nginx.conf" -p "$D/nginx" -g 'daemon off;' 2>"$D/nginx/logs/stderr" &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$NGINX_PORT/page.html" >/dev/null 2>&1 && break; sleep 0.1; done

# ---- wrk runs ----
# "<rps> <p50 ms> <p99 ms> <non-2xx>" of one wrk run.
run_wrk() {
  local out
  out="$(wrk -t2 -c"$CONN" -d"${SECS}s" --latency "$@" 2>&1)"
  echo "$out" >>"$D/wrk.log"
  python3 - "$out" <<'PY'
import re, sys
o = sys.argv[1]
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", o, re.M)
    if not m: return "n/a"
    v = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    return f"{v:.2f}"
rps = re.search(r"Requests/sec:\s+([\d.]+)", o)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", o)
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms('50%')} {ms('99%')} {bad.group(1) if bad else 0}")
PY
}
log "nginx static page"
read -r NG_RPS NG_P50 NG_P99 _ <<<"$(run_wrk "http://127.0.0.1:$NGINX_PORT/page.html")"
log "scan page (HTML, scan recorded)"
read -r PG_RPS PG_P50 PG_P99 PG_BAD <<<"$(run_wrk "$U$P")"
log "resolver JSON (scan recorded)"
read -r JS_RPS JS_P50 JS_P99 JS_BAD <<<"$(run_wrk -H 'Accept: application/json' "$U$P")"
SCANS=$(curl -sf "$U/metrics" | awk '/^agritrace_scans_recorded_total/ {print $2}')
DROPPED=$(curl -sf "$U/metrics" | awk '/^agritrace_scans_dropped_total/ {print $2}')
BATCHES=$(curl -sf "$U/metrics" | awk '/^agritrace_scan_log_batches_total/ {print $2}')

# Commands at concurrency 1, alone and while the scan page is hammered.
log "commands alone"
CMD() { KEY="$KEY" DAY="$(ago 1)" wrk -t1 -c1 -d"${SECS}s" --latency -s "$ROOT/bench/wrk/command.lua" "$U" 2>&1; }
parse_cmd() { python3 -c '
import re,sys
o=sys.stdin.read()
def ms(l):
    m=re.search(r"^\s*"+l+r"\s+([\d.]+)(us|ms|s)\s*$",o,re.M)
    return "n/a" if not m else "%.2f"%(float(m.group(1))*{"us":0.001,"ms":1,"s":1000}[m.group(2)])
r=re.search(r"Requests/sec:\s+([\d.]+)",o)
print("%.0f %s %s"%(float(r.group(1)) if r else 0, ms("50%"), ms("99%")))'; }
read -r C0_RPS C0_P50 C0_P99 <<<"$(CMD | tee -a "$D/wrk.log" | parse_cmd)"
log "commands while scans run"
nice -n "$LOAD_NICE" wrk -t1 -c"$CONN" -d"$((SECS + 2))s" "$U$P" >/dev/null 2>&1 &
BG=$!
read -r C1_RPS C1_P50 C1_P99 <<<"$(CMD | tee -a "$D/wrk.log" | parse_cmd)"
wait "$BG" || true
pct() { python3 -c "a,b=float('$1' or 0),float('$2' or 0);print('%.0f%%'%(100*a/b) if b else 'n/a')"; }

cat <<MD
### 7. Public scan page (issue 12, R-4.4.1; bench/public_scan.sh, \`wrk -t2 -c$CONN -d${SECS}s --latency\`, \`agritrace serve\` of $BIN, default threads)

Every scan is recorded (scan log: bounded queue, group commit by a background thread). The page is
$SIZE bytes; nginx serves a static copy of it (2 workers) on the same 2 CPUs.

| figure | AgriTrace | nginx static page | AgriTrace / nginx | goal |
|---|---|---|---|---|
| scan page (HTML) requests/s | $PG_RPS | $NG_RPS | $(pct "$PG_RPS" "$NG_RPS") | ≥ 50% |
| scan page p50 / p99 (ms) | $PG_P50 / $PG_P99 | $NG_P50 / $NG_P99 | – | – |
| resolver JSON requests/s | $JS_RPS | $NG_RPS | $(pct "$JS_RPS" "$NG_RPS") | ≥ 50% |
| resolver JSON p50 / p99 (ms) | $JS_P50 / $JS_P99 | $NG_P50 / $NG_P99 | – | – |

Scans recorded ${SCANS:-0} in ${BATCHES:-0} group commits, dropped ${DROPPED:-0}; non-2xx: page ${PG_BAD:-0}, JSON ${JS_BAD:-0}.

| commands (POST /v1/batches, concurrency 1) | requests/s | p50 (ms) | p99 (ms) |
|---|---|---|---|
| alone | $C0_RPS | $C0_P50 | $C0_P99 |
| while the scan page is scanned ($CONN connections, that wrk at nice $LOAD_NICE) | $C1_RPS | $C1_P50 | $C1_P99 |
MD
