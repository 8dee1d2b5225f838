-- wrk script: POSTs batches of 50 reads to /api/v1/devices/events, as the agent sends them: every read id
-- new, tokens taken in turn from BENCH_TOKENS (one per device: each device has its own rate limit), 10 card
-- reads of enrolled cards (punches) and 40 barcodes per batch.
local tokens = {}
for token in string.gmatch(os.getenv("BENCH_TOKENS"), "[^,]+") do tokens[#tokens + 1] = token end
local cards = {}
for card in string.gmatch(os.getenv("BENCH_CARDS"), "[^,]+") do cards[#cards + 1] = card end
local run = os.getenv("BENCH_RUN")

local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
request = function()
  counter = counter + 1
  local reads = {}
  for i = 1, 50 do
    local id = run .. "-" .. tid .. "-" .. counter .. "-" .. i
    local kind, value
    if i <= 10 then
      kind, value = "card", cards[(counter + i) % #cards + 1]
    else
      kind, value = "barcode", "4006381333931"
    end
    reads[i] = '{"id":"' .. id .. '","kind":"' .. kind .. '","value":"' .. value ..
      '","source":"door","at":"' .. os.getenv("BENCH_AT") .. '"}'
  end
  local token = tokens[(counter * threads + tid) % #tokens + 1]
  return wrk.format("POST", "/api/v1/devices/events", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, '{"events":[' .. table.concat(reads, ",") .. ']}')
end
