#!/usr/bin/env bash
# The JavaScript client SDK's tests (client-sdk/, node's test runner)
# against real Pulse servers:
#   - one with a request rate limit high enough for the whole suite, for
#     almost every test;
#   - one with a rate limit of a few requests per minute, for the test
#     that a real 429 becomes a PulseError with Retry-After.
# Each runs on a free port against a fresh database (dropped at the end).
# Exits non-zero on any failure.
#
#   PULSE_BIN   run this pulse binary instead of building one
#   SDK_TEST    run only these test files (e.g. test/live.test.js)
#
# Also checks that client-sdk/types (committed) matches the JSDoc source,
# and that a TypeScript user compiles against it (typecheck/consumer.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

have node || { echo "node (20 or later) is required for the SDK tests" >&2; exit 1; }
ensure_postgres

step "npm ci (client-sdk)"
(cd client-sdk && npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d)
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] || continue
      echo "--- last lines of $(basename "$log") ---" >&2
      tail -n 30 "$log" >&2
    done
  fi
  stop_pulses "$work"
  rm -rf "$work"
}
trap cleanup EXIT

step "type check (client-sdk): the committed types/ must match the source"
(cd client-sdk && npx --no-install tsc -p tsconfig.json --outDir "$work/types" && diff -r types "$work/types" &&
  npx --no-install tsc -p typecheck/tsconfig.json) || {
  echo "client-sdk/types is stale or the source does not type-check: run 'npm run types' in client-sdk" >&2
  exit 1
}

pulse_binary "$work"

start_pulse sdk "$work" PULSE_RATE_LIMIT_PER_MINUTE=100000 PULSE_LOGIN_IP_CEILING=100000
main_url=$PULSE_BASE
start_pulse sdk_limited "$work" PULSE_RATE_LIMIT_PER_MINUTE=3
limited_url=$PULSE_BASE

step "node --test (client-sdk)"
cd client-sdk
# shellcheck disable=SC2086
PULSE_URL=$main_url PULSE_LIMITED_URL=$limited_url \
  node --test --test-concurrency=1 --test-reporter=spec ${SDK_TEST:-test/}
