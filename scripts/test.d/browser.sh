#!/usr/bin/env bash
# End-to-end tests of the browser app (static/, served by Pulse) in
# headless Chromium, Debian's package, driven by playwright-core from
# tests/browser/ with node's test runner. One Pulse on a free port with a
# fresh database, stopped and dropped at the end. Saves screenshots of
# the main screens into docs/screenshots/.
#
#   PULSE_BIN      run this pulse binary instead of building one
#   BROWSER_TEST   run only these test files (e.g. test/board.test.js)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

have node || { echo "node (20 or later) is required for the browser tests" >&2; exit 1; }
command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)
ensure_postgres

step "npm ci (tests/browser)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

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

pulse_binary "$work"
# Workspace actors with no connection stop after 1 s, so a test can
# change a workspace's stream epoch while nobody is connected and see the
# app reload after the reset that follows.
start_pulse browser "$work" PULSE_RATE_LIMIT_PER_MINUTE=100000 PULSE_LOGIN_IP_CEILING=100000 PULSE_WORKSPACE_IDLE_SECS=1

step "node --test (tests/browser)"
cd tests/browser
# shellcheck disable=SC2086
PULSE_URL=$PULSE_BASE PULSE_DB=$PULSE_DB CHROMIUM=$(command -v chromium) SCREENSHOTS=../../docs/screenshots \
  node --test --test-concurrency=1 --test-reporter=spec ${BROWSER_TEST:-test/}
