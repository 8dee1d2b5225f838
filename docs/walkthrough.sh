#!/usr/bin/env bash
# From sign-in to a delivered order with curl, against a running local ROMS (npm start or npm run demo):
# sign in as an admin, create a location and a product, publish it, receive stock, take a sale order through
# intake by SKU, move it picking -> shipped (tracking first) -> delivered, and read its timeline.
#   bash docs/walkthrough.sh                       # the admin from .wrangler/demo-logins.txt (npm run demo)
#   ADMIN_EMAIL=admin@roms.local ADMIN_PASSWORD=... bash docs/walkthrough.sh
#   ROMS_URL=http://127.0.0.1:8791 bash docs/walkthrough.sh   # another port (default 8787)
# Needs curl and node (for reading JSON). Each run makes its own product and order, so it can run again.
set -euo pipefail

BASE="${ROMS_URL:-http://127.0.0.1:${PORT:-8787}}/api/v1"
LOGINS="$(dirname "$0")/../.wrangler/demo-logins.txt"
if [[ -z "${ADMIN_EMAIL:-}" && -f "$LOGINS" ]]; then
  read -r _ ADMIN_EMAIL ADMIN_PASSWORD _ < <(grep '^admin ' "$LOGINS")
fi
: "${ADMIN_EMAIL:?set ADMIN_EMAIL and ADMIN_PASSWORD (npm start printed them), or run npm run demo first}"
: "${ADMIN_PASSWORD:?set ADMIN_PASSWORD}"
RUN="$(date +%s)"

# field PATH: reads JSON on stdin and prints the value at PATH (a.b.0.c); objects as JSON. Nothing read (the
# request before it failed and said why): fails quietly.
field() {
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    if (!s.trim()) process.exit(1); let v = JSON.parse(s); for (const k of process.argv[1].split(".")) v = v?.[k];
    console.log(typeof v === "object" ? JSON.stringify(v) : (v ?? "")); });' "$1"
}
# api METHOD PATH [JSON] [extra curl args...]: prints the body; stops the walk on any answer >= 400.
api() {
  local method=$1 path=$2 body=${3:-}
  shift $(($# < 3 ? $# : 3))
  local out status
  out=$(curl -sS -X "$method" "$BASE$path" -H "authorization: Bearer ${TOKEN:-}" \
    ${body:+-H "content-type: application/json" --data "$body"} -w '\n%{http_code}' "$@")
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  if ((status >= 400)); then
    echo "$method $path answered $status: $out" >&2
    exit 1
  fi
  printf '%s' "$out"
}
step() { printf '\n== %s\n' "$*"; }
# level: the product's stock level at the location, in words.
level() {
  api GET "/inventory/levels/$PRODUCT/$LOCATION" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d))
    .on("end", () => { if (!s.trim()) process.exit(1); const l = JSON.parse(s); console.log(`stock: ${l.on_hand} on hand, ${l.reserved} reserved, ${l.available} available`); });'
}

step "1. Sign in as $ADMIN_EMAIL"
TOKEN=$(api POST /auth/login "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | field access_token)
echo "access token: ${TOKEN:0:24}... (5 minutes; POST /auth/refresh trades the refresh token for a new pair)"

step "2. Create a location"
LOCATION=$(api POST /inventory/locations "{\"name\":\"Walkthrough shelf $RUN\",\"kind\":\"shop\"}" | field id)
echo "location $LOCATION"

step "3. Create a product (a draft) and publish it"
SKU="WALK-$RUN"
PRODUCT=$(api POST /products "{\"sku\":\"$SKU\",\"name\":\"Canvas Tote Bag\",\"price\":{\"amount\":1290,\"currency\":\"EUR\"},\"tax_rate_bp\":1900}" | field id)
api POST "/products/$PRODUCT/publish" | field status

step "4. Receive 10 into stock (Idempotency-Key: a repeat changes nothing)"
api POST /inventory/adjustments \
  "{\"product_id\":\"$PRODUCT\",\"location_id\":\"$LOCATION\",\"delta\":10,\"kind\":\"receive\",\"reason\":\"Walkthrough\"}" \
  -H "idempotency-key: walkthrough-receive-$RUN" | field movement.kind
level

step "5. A sale order through intake, its line matched by SKU: 2 reserved, straight to picking"
ORDER_JSON=$(api POST /orders/intake \
  "{\"source\":\"walkthrough\",\"external_ref\":\"WALK-$RUN\",\"kind\":\"sale\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"$SKU\",\"name\":\"Canvas Tote Bag\",\"quantity\":2,\"unit_price\":1290,\"tax_rate_bp\":1900}]}" \
  -H "idempotency-key: walkthrough-order-$RUN")
ORDER=$(field order.id <<<"$ORDER_JSON")
echo "$(field order.number <<<"$ORDER_JSON") is $(field order.status <<<"$ORDER_JSON"), total $(field order.totals.total.display <<<"$ORDER_JSON") EUR"
level

step "6. Tracking, then shipped (the reservation becomes a sale) and delivered"
api PATCH "/orders/$ORDER" '{"tracking":{"carrier":"DHL","number":"00340434161094042557"}}' | field tracking
api POST "/orders/$ORDER/transitions" '{"to":"shipped"}' | field status
api POST "/orders/$ORDER/transitions" '{"to":"delivered","note":"Left with the neighbour"}' | field status
level

step "7. The order's timeline"
api GET "/orders/$ORDER/events" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  if (!s.trim()) process.exit(1);
  for (const e of JSON.parse(s).items)
    console.log(`${e.created_at}  ${e.type.padEnd(8)} ${(e.from_status ?? "").padEnd(9)} -> ${(e.to_status ?? "").padEnd(10)} by ${e.source}`); });'
echo
echo "Done: $SKU delivered. See it in $BASE/orders/$ORDER (with the token) or the docs at ${BASE%/api/v1}/docs."
