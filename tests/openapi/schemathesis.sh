#!/usr/bin/env bash
# docs/openapi.yaml against a running server (issue 14): a bounded, seeded Schemathesis run over
# every operation, against `agritrace serve` on loopback loaded with the demo chain, calling as the
# demo's processing plant. Needs build/venv (./scripts/deps --openapi).
#   tests/openapi/schemathesis.sh AGRITRACE_BINARY SOURCE_DIR [MAX_EXAMPLES]
set -euo pipefail
bin="$1"; src="$2"; examples="${3:-5}"
st="$src/build/venv/bin/schemathesis"
[ -x "$st" ] || { echo "schemathesis: run ./scripts/deps --openapi first (skipped)" >&2; exit 77; }
data="$(mktemp -d /tmp/agritrace-st.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --data "$data/d" --listen "127.0.0.1:$port" >"$data/serve.out" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 1 400); do
  curl -sf "$url/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$data/serve.out" >&2; exit 1; }
  sleep 0.05
done
"$bin" demo --url "$url" --admin-key-file "$data/d/admin.key" >"$data/demo.out"
key="$(sed -n 's/^ *API key \(agk_[A-Za-z0-9_-]*\).*/\1/p' "$data/demo.out" | sed -n 2p)"
[ -n "$key" ] || { cat "$data/demo.out" >&2; exit 1; }
# Seeded and bounded: the same examples every run. The checks are what the document promises:
# no 5xx, documented status codes, content types and response bodies matching their schemas.
"$st" run "$src/docs/openapi.yaml" --url "$url" -H "Authorization: Bearer $key" \
  --seed 20261205 --max-examples "$examples" --no-color --mode positive --phases examples,fuzzing \
  --generation-database none --no-shrink --workers 1 \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
