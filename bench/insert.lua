-- wrk script: POSTs a new order to a bare insert endpoint (the bare Worker, the seeds' stack) on every
-- request, with a unique external reference per thread and request.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
-- Unique per wrk run (bench/wrk.mjs sets it): a later run must not repeat an earlier run's references.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
request = function()
  counter = counter + 1
  local body = string.format(
    '{"external_ref":"%s-%d-%d-%d","customer":"Bench Customer","currency":"EUR","total_minor":%d}',
    run, tid, counter, math.random(1, 1000000000), 1999 + counter)
  return wrk.format("POST", "/orders", { ["Content-Type"] = "application/json" }, body)
end
