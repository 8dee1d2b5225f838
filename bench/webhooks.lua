-- wrk script: POSTs pre-signed Standard Webhooks deliveries (bench/doors.mjs writes them, one per line:
-- webhook-id TAB timestamp TAB signature TAB body), each once, cycling through the file per thread.
local deliveries = {}
for line in io.lines(os.getenv("BENCH_DELIVERIES")) do
  local id, ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
  deliveries[#deliveries + 1] = { id = id, ts = ts, sig = sig, body = body }
end

local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
request = function()
  -- Threads take interleaved slices, so no delivery is sent twice.
  local n = #deliveries
  local i = (counter * 2 + tid) % n + 1
  counter = counter + 1
  local d = deliveries[i]
  return wrk.format("POST", "/api/v1/webhooks/" .. os.getenv("BENCH_SOURCE"), {
    ["Content-Type"] = "application/json",
    ["webhook-id"] = d.id,
    ["webhook-timestamp"] = d.ts,
    ["webhook-signature"] = d.sig,
  }, d.body)
end
