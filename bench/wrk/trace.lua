-- wrk script for the trace endpoints (scripts/bench): every request picks the next "<uscc> <id>"
-- line of $BENCH_SAMPLES (written by `agritrace_bench generate --csv`), authenticates as that
-- enterprise (the generator's key is "bench api key <uscc>") and asks its backward trace (batch
-- ids), forward trace or whereabouts (recall; lot ids), per $BENCH_TRACE_KIND; lineage-forward /
-- lineage-backward ask GET /v1/trace/forward|backward (the cross-enterprise lineage answers).
local kind = os.getenv("BENCH_TRACE_KIND") or "backward"
local ids = {}
for line in io.lines(os.getenv("BENCH_SAMPLES")) do
  local tenant, id = line:match("^(%S+) (%S+)$")
  if tenant then ids[#ids + 1] = { tenant, id } end
end
local i = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("start", counter * 7919)
end

function init(args)
  i = (start or 0) % #ids
end

function request()
  i = i % #ids + 1
  local s = ids[i]
  local path
  if kind == "lineage-forward" then
    path = "/v1/trace/forward?" .. (s[2]:match("^b%-") and "batch_id=" or "lot_id=") .. s[2]
  elseif kind == "lineage-backward" then
    path = "/v1/trace/backward?" .. (s[2]:match("^b%-") and "batch_id=" or "lot_id=") .. s[2]
  elseif kind == "backward" then
    path = "/v1/batches/" .. s[2] .. "/trace/backward"
  elseif kind == "whereabouts" then
    path = "/v1/whereabouts?lot_id=" .. s[2]
  else
    path = "/v1/material-lots/" .. s[2] .. "/trace/forward"
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer bench api key " .. s[1] })
end
