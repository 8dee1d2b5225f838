-- wrk script: POSTs a new purchase order to the intake endpoint on every request (unique external_ref per
-- thread and request). BENCH_TOKEN carries the API key.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
-- Unique per wrk run (bench/wrk.mjs sets it): a later run must not repeat an earlier run's references.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local token = os.getenv("BENCH_TOKEN") or ""
-- The bare Worker takes the same body at its own paths (bench/bare).
local route = os.getenv("BENCH_PATH") or "/api/v1/orders/intake"
request = function()
  counter = counter + 1
  local body = string.format(
    '{"source":"bench","external_ref":"%s-%d-%d-%d","kind":"purchase","merchant":"Bench Retailer","currency":"EUR",' ..
    '"lines":[{"sku":"B-1","name":"Bench item","quantity":2,"unit_price":1999,"tax_rate_bp":1900}]}',
    run, tid, counter, math.random(1, 1000000000))
  return wrk.format("POST", route,
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
