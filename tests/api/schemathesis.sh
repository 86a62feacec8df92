#!/usr/bin/env bash
# The API fuzzed from its own OpenAPI document (schemathesis, from PyPI): no 5xx
# answer, and every answer as its schema says, logged out, logged in as the office
# and logged in as a unit. Bounded: a fixed seed, at most N cases an operation and
# a time budget per run.
#
# Usage: NIANBAO_OFFICE_PASSWORD=… tests/api/schemathesis.sh BASE_URL [MAX_EXAMPLES]
set -euo pipefail
base="$1"
examples="${2:-30}"
schema="$base/api/openapi.json"
checks="not_a_server_error,response_schema_conformance"
run() {
  schemathesis run "$schema" --checks "$checks" --max-examples "$examples" --seed 17 \
    --max-time 100 --workers 2 --request-timeout 60 --suppress-health-check all \
    --exclude-path /api/logout --warnings off "$@"
}
login() { # user password -> "cookie csrf"
  local headers body
  headers=$(mktemp)
  body=$(curl -sS -D "$headers" -H 'Content-Type: application/json' \
    -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$base/api/login")
  local cookie csrf
  cookie=$(grep -i '^set-cookie:' "$headers" | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/' | tr -d '\r')
  csrf=$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])') \
    || { echo "login as $1 failed: $body" >&2; exit 1; }
  rm -f "$headers"
  echo "$cookie $csrf"
}
echo "== schemathesis: logged out"
run
read -r cookie csrf < <(login office "$NIANBAO_OFFICE_PASSWORD")
echo "== schemathesis: the office"
run -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf"
# The unit is made after the office's run (which may give any unit it finds a new password).
unit="fuzz-unit-$$"
curl -sS -o /dev/null -H 'Content-Type: application/json' -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" \
  -d "{\"user\":\"$unit\",\"organ\":\"模糊测试县某局\",\"password\":\"fuzz-password-1\"}" "$base/api/units"
read -r ucookie ucsrf < <(login "$unit" fuzz-password-1)
# The unit has a report to be fuzzed against.
curl -sS -o /dev/null -H 'Content-Type: application/json' -H "Cookie: $ucookie" -H "X-CSRF-Token: $ucsrf" \
  -d '{"year":2025}' "$base/api/reports"
echo "== schemathesis: a unit"
run -H "Cookie: $ucookie" -H "X-CSRF-Token: $ucsrf"
