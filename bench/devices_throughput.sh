#!/usr/bin/env bash
# Usage: N=5000 LINES=4 [BUILD=test|release] bench/devices_throughput.sh   (needs the agritrace and agritrace-devsim of that build)
# Server-level throughput: one job of N codes per line through the ledger to instantly-acknowledging simulators.
set -u
B="$(cd "$(dirname "$0")/.." && pwd)/build/${BUILD:-test}"
N=${N:-5000}; LINES=${LINES:-1}
D=$(mktemp -d /tmp/agtput.XXXX)
AK=tput-admin-key-0123456789abcdef
AGRITRACE_ADMIN_KEY=$AK $B/agritrace serve --data $D/data --listen 127.0.0.1:0 >$D/server.out 2>$D/server.err &
SRV=$!
for i in $(seq 1 100); do grep -q listening $D/server.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' $D/server.out)
AGRITRACE_ADMIN_KEY=$AK $B/agritrace demo --url $URL > $D/demo.out 2>&1 || { echo demo failed; cat $D/demo.out; }
KEY=$(grep -A1 "Plant" $D/demo.out | sed -n 's/.*API key \(agk_[^ ]*\).*/\1/p' | head -1)
H="Authorization: Bearer $KEY"
SIMS=()
for l in $(seq 1 $LINES); do
  $B/devices/agritrace-devsim zpl 0 0 </dev/null >$D/sim$l.out 2>&1 & SIMS+=($!)
  for i in $(seq 1 50); do grep -q listening $D/sim$l.out && break; sleep 0.05; done
  P=$(sed -n 's/^listening 127.0.0.1:\(.*\)$/\1/p' $D/sim$l.out)
  curl -s -H "$H" -d "{\"template_id\":\"ct-1\",\"batch_id\":\"b-1\",\"count\":$N}" $URL/v1/code-runs >$D/run$l.json
  RUN=$(sed -n 's/.*"id":"\(run-[0-9]*\)".*/\1/p' $D/run$l.json)
  curl -s -H "$H" -d "{\"name\":\"L$l\"}" $URL/v1/lines >/dev/null
  curl -s -H "$H" -d "{\"line_id\":\"ln-$l\",\"name\":\"z$l\",\"protocol\":\"zpl\",\"host\":\"127.0.0.1\",\"port\":$P}" $URL/v1/devices >/dev/null
  echo "$RUN" >> $D/runs
done
sleep 1
l=0
for RUN in $(cat $D/runs); do l=$((l+1)); curl -s -H "$H" -d "{\"line_id\":\"ln-$l\",\"run_id\":\"$RUN\"}" $URL/v1/print-jobs >/dev/null & done
wait $(jobs -p | grep -v -e $SRV $(printf -- '-e %s ' "${SIMS[@]}")) 2>/dev/null
for i in $(seq 1 600); do
  J=$(curl -s -H "$H" $URL/v1/print-jobs)
  [ "$(echo "$J" | grep -o '"status":"done"' | wc -l)" -ge "$LINES" ] && break
  sleep 0.2
done
echo "$J" | python3 -c '
import json,sys,datetime
j=json.load(sys.stdin)["items"]
p=lambda s: datetime.datetime.fromisoformat(s.replace("Z","+00:00"))
t0=min(p(x["queued_at"]) for x in j); t1=max(p(x["updated_at"]) for x in j)
tot=sum(x["printed"] for x in j)
for x in j: print(x["job_id"],x["status"],x["printed"], "%.0f codes/s" % (x["printed"]/(p(x["updated_at"])-p(x["queued_at"])).total_seconds()))
print("total %d codes in %.2f s: %.0f codes/s" % (tot,(t1-t0).total_seconds(),tot/(t1-t0).total_seconds()))'
kill $SRV "${SIMS[@]}"
