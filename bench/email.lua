-- wrk script: sends a small order confirmation (schema.org Order in JSON-LD) to the `email` door through
-- wrangler dev's /cdn-cgi/handler/email, with a new Message-ID and order number on every request.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
request = function()
  counter = counter + 1
  local ref = string.format("%s-%d-%d", os.getenv("BENCH_RUN") or "run", tid, counter)
  local body = table.concat({
    "From: Retailer Orders <orders@retailer.test>",
    "To: purchases@roms.test",
    "Subject: Your order " .. ref,
    "Date: Mon, 23 Nov 2026 10:00:00 +0000",
    "Message-ID: <" .. ref .. "@retailer.test>",
    "MIME-Version: 1.0",
    "Content-Type: text/html; charset=utf-8",
    "",
    '<html><head><script type="application/ld+json">{"@context":"http://schema.org","@type":"Order",' ..
      '"merchant":{"@type":"Organization","name":"Retailer"},"orderNumber":"' .. ref .. '",' ..
      '"priceCurrency":"EUR","price":"25.00","acceptedOffer":{"@type":"Offer","itemOffered":' ..
      '{"@type":"Product","name":"Bench mug","sku":"MUG-1"},"price":"12.50","priceCurrency":"EUR",' ..
      '"eligibleQuantity":{"@type":"QuantitativeValue","value":2}}}</script></head>',
    "<body><p>Thank you for your order " .. ref .. ".</p></body></html>",
    "",
  }, "\r\n")
  local path = os.getenv("BENCH_EMAIL_PATH") or "/cdn-cgi/handler/email?from=orders@retailer.test&to=purchases@roms.test"
  return wrk.format("POST", path, { ["Content-Type"] = "message/rfc822" }, body)
end
