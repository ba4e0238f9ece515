#!/usr/bin/env bash
# Property-based API tests: schemathesis (pinned) generates requests from
# the OpenAPI document that Pulse serves and checks every response against
# it, with every check enabled, as an owner and as a viewer.
#
# Starts its own Pulse on a free port against a fresh database
# (pulse_test_schemathesis_<random>, created by Pulse on start, dropped at
# the end) and stops it on exit. Exits non-zero on any failure.
#
#   ST_MAX_EXAMPLES  test cases per operation and phase (default 25)
#   ST_SEED          hypothesis seed, to reproduce a run
#   PULSE_BIN        run this pulse binary instead of building one
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

ST_VERSION=4.32.5
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-25}
PG=postgres://postgres@127.0.0.1:5432

if ! .venv/bin/st --version 2>/dev/null | grep -q "$ST_VERSION"; then
  step "installing schemathesis $ST_VERSION into .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q "schemathesis==$ST_VERSION"
fi
ensure_postgres

work=$(mktemp -d)
pulse_binary "$work"

cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -f "$work/schemathesis.log" ]; then
    echo "--- last lines of the server log ---" >&2
    tail -n 40 "$work/schemathesis.log" >&2
  fi
  stop_pulses "$work"
  rm -rf "$work"
}
trap cleanup EXIT

# The rate limit is raised so the generated traffic tests the API rather
# than the limiter (429 stays documented on every /api operation).
start_pulse schemathesis "$work" PULSE_RATE_LIMIT_PER_MINUTE=1000000
base=$PULSE_BASE
db=$PULSE_DB

json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

# Signs up $1 with workspace $2 into cookie jar $work/$1.jar; prints the
# JSON response.
signup() {
  curl -fsS -c "$work/$1.jar" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"correct horse battery\",\"name\":\"$1\",\"workspace_name\":\"$2\"}" \
    "$base/api/v1/auth/signup"
}

owner=$(signup owner@example.com Acme)
owner_csrf=$(echo "$owner" | json '["csrf_token"]')
owner_ws=$(echo "$owner" | json '["workspace"]["id"]')
owner_cookie=$(awk '$6 == "pulse_session" { print $7 }' "$work/owner@example.com.jar")

# An API token with every scope, when this build has POST /api/v1/tokens;
# otherwise the owner's session (cookie + X-CSRF-Token).
scopes='["leads:read","leads:write","contacts:read","contacts:write","deals:read","deals:write","activities:read","activities:write","products:read","customers:read","customers:write","orders:read","orders:write","events:subscribe","webhooks:manage"]'
token=$(curl -fsS -b "$work/owner@example.com.jar" -H "x-csrf-token: $owner_csrf" -H 'content-type: application/json' \
  -d "{\"name\":\"schemathesis\",\"scopes\":$scopes}" "$base/api/v1/tokens" 2>/dev/null | json '["token"]' 2>/dev/null || true)

viewer=$(signup viewer@example.com Elsewhere)
viewer_csrf=$(echo "$viewer" | json '["csrf_token"]')
viewer_id=$(echo "$viewer" | json '["user"]["id"]')
viewer_cookie=$(awk '$6 == "pulse_session" { print $7 }' "$work/viewer@example.com.jar")
psql "$PG/$db" -qc "INSERT INTO memberships (workspace_id, user_id, role) VALUES ('$owner_ws', '$viewer_id', 'viewer')" >/dev/null
curl -fsS -o /dev/null -b "$work/viewer@example.com.jar" -H "x-csrf-token: $viewer_csrf" -H 'content-type: application/json' \
  -d "{\"workspace_id\":\"$owner_ws\"}" "$base/api/v1/me/active-workspace"

# One worker: with several, hypothesis' lambda descriptions call ast.parse
# from threads, which trips a CPython 3.11 bug ("AST constructor recursion
# depth mismatch") and reports a runtime error that is not Pulse's.
#
# Credentials go through schemathesis' auth configuration (not raw
# headers) so that its auth checks can take them away and expect 401.
#
# positive_data_acceptance also accepts 412: a well-formed If-Match with a
# version other than the stored one is a valid request that the
# precondition refuses by design (optimistic concurrency, RFC 9110 13.1.1);
# the generator cannot know the current version. Every other check runs
# with its defaults.
cat >"$work/schemathesis.toml" <<'TOML'
[auth.openapi.session]
api_key = "${PULSE_ST_SESSION}"

[auth.openapi.bearer]
bearer = "${PULSE_ST_TOKEN}"

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]

# CRM writes (contacts, companies, activities, custom fields, views) also
# answer 422 to schema-valid bodies: a body can name what no static schema
# describes (an owner who is not an active member, another workspace's
# company, a custom field the workspace has not defined, a contact with
# neither name nor email, a call that cannot become a task). Those are
# 422 `validation_failed` naming the field, by design (issue #6).
[[operations]]
include-path-regex = "^/api/v1/(contacts|companies|activities|custom-fields|views)"
include-method-regex = "^(POST|PATCH|post|patch)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx"]

# A CSV import's body is the file itself (text/csv): any bytes are a file,
# so there is no "body of the wrong type" to refuse (`{}` is a CSV with one
# header, "{}"), and a 201 for one is right. (`--checks all` overrides a
# per-operation `enabled = false`, hence the accepted statuses.) Bad files
# are refused by content: empty (409), too large (413), rows too long
# (reported rows); tests/api/imports.rs covers them.
[[operations]]
include-path = "/api/v1/imports"
include-method = "POST"
checks.negative_data_rejection.expected-statuses = ["201", "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
TOML

failed=0
# st <label> <session cookie> <token> <extra args...>: one run over the
# whole document.
st() {
  local label=$1
  export PULSE_ST_SESSION=$2 PULSE_ST_TOKEN=${3:-none}
  shift 3
  step "schemathesis as $label"
  .venv/bin/st --config-file "$work/schemathesis.toml" run "$base/api/v1/openapi.json" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    ${ST_SEED:+--seed "$ST_SEED"} \
    --workers 1 \
    --request-timeout 10 \
    --warnings off \
    "$@" || failed=1
}

# Logging out revokes the session the run authenticates with, so with a
# session the logout operation runs alone, after everything else.
if [ -n "$token" ]; then
  st "owner (API token)" none "$token"
fi
st "owner (session)" "$owner_cookie" "" -H "X-CSRF-Token: $owner_csrf" --exclude-path /api/v1/auth/logout
st "viewer (session)" "$viewer_cookie" "" -H "X-CSRF-Token: $viewer_csrf" --exclude-path /api/v1/auth/logout
st "viewer (session), logout last" "$viewer_cookie" "" -H "X-CSRF-Token: $viewer_csrf" \
  --include-path /api/v1/auth/logout

if [ "$failed" != 0 ]; then
  echo "schemathesis found failures" >&2
  exit 1
fi
echo "schemathesis: no failures"
