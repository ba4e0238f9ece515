# Shared helpers for scripts/: start the services tests need, when they
# are not running, using Debian's packages.

step() { printf '\n==> %s\n' "$*"; }

have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
  if [ -z "${PULSE_APT_UPDATED:-}" ]; then
    apt-get update -qq
    export PULSE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  step "starting PostgreSQL"
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql; fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 1; done
  echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
  exit 1
}

ensure_redis() {
  if have redis-cli && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
  step "starting Redis"
  have redis-server || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return; sleep 1; done
  echo "Redis did not start on 127.0.0.1:6379" >&2
  exit 1
}

# Test databases are clones named pulse_test_*; drop leftovers.
drop_test_databases() {
  psql -h 127.0.0.1 -U postgres -d postgres -Atqc \
    "SELECT datname FROM pg_database WHERE datname LIKE 'pulse\_test\_%'" 2>/dev/null |
    while read -r db; do
      [ -n "$db" ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
}

# pulse_binary DIR: puts a pulse binary at DIR/pulse: a copy of $PULSE_BIN
# when set, else of a fresh `cargo build --bin pulse` (a copy, because the
# target directory may be shared with other builds).
pulse_binary() {
  if [ -n "${PULSE_BIN:-}" ]; then
    cp "$PULSE_BIN" "$1/pulse"
  else
    step "building pulse"
    cargo build --bin pulse
    cp "${CARGO_TARGET_DIR:-target}/debug/pulse" "$1/pulse"
  fi
}

# free_port: prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_pulse NAME DIR [VAR=value...]: starts DIR/pulse on a free port
# against a fresh database pulse_test_NAME_<random> (Pulse creates it),
# with the extra environment given, logging to DIR/NAME.log, and waits
# until /readyz answers. Sets PULSE_PID, PULSE_PORT, PULSE_BASE, PULSE_DB
# and appends "pid db" to DIR/pulses for stop_pulses.
start_pulse() {
  local name=$1 dir=$2
  shift 2
  PULSE_PORT=$(free_port)
  PULSE_DB="pulse_test_${name}_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  PULSE_BASE="http://127.0.0.1:$PULSE_PORT"
  step "starting pulse ($name) on $PULSE_BASE (database $PULSE_DB)"
  env DATABASE_URL="postgres://postgres@127.0.0.1:5432/$PULSE_DB" PULSE_LISTEN="127.0.0.1:$PULSE_PORT" "$@" \
    "$dir/pulse" >"$dir/$name.log" 2>&1 &
  PULSE_PID=$!
  echo "$PULSE_PID $PULSE_DB" >>"$dir/pulses"
  for _ in $(seq 1 120); do
    curl -fs "$PULSE_BASE/readyz" >/dev/null 2>&1 && return 0
    if ! kill -0 "$PULSE_PID" 2>/dev/null; then
      cat "$dir/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "pulse ($name) did not become ready on $PULSE_BASE" >&2
  tail -n 40 "$dir/$name.log" >&2
  return 1
}

# stop_pulses DIR: stops every pulse start_pulse started with DIR and drops
# its database.
stop_pulses() {
  [ -f "$1/pulses" ] || return 0
  local pid db
  while read -r pid db; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done <"$1/pulses"
  rm -f "$1/pulses"
}
