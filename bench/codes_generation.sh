#!/bin/bash
# Measures bulk generation: three POST /v1/code-runs of 100,000 codes each, then the
# downloads. usage: bench/codes_generation.sh PORT [serve flags: --data DIR | --kafka H:P --topic T]
set -e
PORT=$1; shift
B=${AGRITRACE_BIN:-build/release/agritrace}
export AGRITRACE_ADMIN_KEY=adminkey0123456789abcdef
$B serve --listen 127.0.0.1:$PORT "$@" > ${TMPDIR:-/tmp}/bench-$PORT.log 2>&1 &
PID=$!
for i in $(seq 50); do grep -q listening ${TMPDIR:-/tmp}/bench-$PORT.log && break; sleep 0.2; done
U=http://127.0.0.1:$PORT
K=$(curl -s -X POST $U/v1/enterprises -H "Authorization: Bearer $AGRITRACE_ADMIN_KEY" -d '{"uscc":"91441900MA51ABCD7J","name":"东莞市鲜达","region":"广东省东莞市"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["api_key"])')
H="Authorization: Bearer $K"
curl -s -X PUT $U/v1/enterprise/main-varieties -H "$H" -d '{"product_ids":["veg-caixin"]}' >/dev/null
curl -s -X POST $U/v1/batches -H "$H" -d '{"product_id":"veg-caixin","lot_code":"L1","quantity":{"amount":100,"unit":"kg"},"production_date":"2026-11-20"}' >/dev/null
curl -s -X POST $U/v1/code-templates -H "$H" -d '{"name":"t","product_id":"veg-caixin","base_url":"https://trace.agritrace.cn","quantity_per_code":{"amount":500,"unit":"g"}}' >/dev/null
for n in 1 2 3; do
curl -s -o ${TMPDIR:-/tmp}/run.json -w "run $n: HTTP %{http_code} in %{time_total} s\n" -X POST $U/v1/code-runs -H "$H" -d '{"template_id":"ct-1","batch_id":"b-1","count":100000}'
done
POS=$(python3 -c 'import json,sys;print(json.load(sys.stdin)["position"])' < ${TMPDIR:-/tmp}/run.json)
curl -s -o ${TMPDIR:-/tmp}/p.csv -w "csv page 10000 after views: %{time_total} s\n" "$U/v1/code-runs/run-3/codes.csv?after=$POS&wait_ms=30000" -H "$H"; wc -l < ${TMPDIR:-/tmp}/p.csv
curl -s -o /dev/null -w "tar 10000 PNGs: %{time_total} s, %{size_download} bytes\n" "$U/v1/code-runs/run-3/codes.tar" -H "$H"
curl -s -o /dev/null -w "svg 1000: %{time_total} s, %{size_download} bytes\n" "$U/v1/code-runs/run-3/codes.svg" -H "$H"
kill $PID; wait $PID || true
