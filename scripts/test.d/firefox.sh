#!/usr/bin/env bash
# The browser app in Firefox: Debian's firefox-esr, headless, driven over
# WebDriver BiDi by puppeteer-core (tests/browser/firefox/). One Pulse on a
# free port with a fresh database, stopped and dropped at the end.
#
#   PULSE_BIN   run this pulse binary instead of building one
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

have node || { echo "node (20 or later) is required for the browser tests" >&2; exit 1; }
command -v firefox-esr >/dev/null 2>&1 || (apt-get update && apt-get install -y firefox-esr)
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
start_pulse firefox "$work" PULSE_RATE_LIMIT_PER_MINUTE=100000 PULSE_LOGIN_IP_CEILING=100000

step "node --test (tests/browser/firefox, Firefox $(firefox-esr --version 2>/dev/null | awk '{print $NF}'))"
cd tests/browser
PULSE_URL=$PULSE_BASE FIREFOX=$(command -v firefox-esr) \
  node --test --test-concurrency=1 --test-reporter=spec firefox/
