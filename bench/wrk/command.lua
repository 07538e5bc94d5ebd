-- A command per request for bench/public_scan.sh: POST /v1/batches with a fresh lot code each
-- time (the writer's decide, append and acknowledgement). Set KEY and DAY in the environment.
local n = 0
local key = os.getenv("KEY")
local day = os.getenv("DAY")
request = function()
  n = n + 1
  local body = string.format(
    '{"product":"净菜菜心 500g","lot_code":"W%d-%d","quantity":{"amount":10,"unit":"piece"},"production_date":"%s"}',
    math.random(1, 1000000000), n, day)
  return wrk.format("POST", "/v1/batches",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
