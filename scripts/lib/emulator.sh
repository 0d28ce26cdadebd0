# Sourced by the scripts in scripts/: start the local AWS emulator on a
# free port of 127.0.0.1, wait until it answers, point the shell at it, and
# stop it (by its own PID) when the calling script exits, fails or is
# interrupted.
# EMULATOR_KEEPALIVE=1 serves moto under waitress, with HTTP keep-alive
# (scripts/lib/moto-keepalive.py; waitress is installed when missing).

WAITRESS_VERSION=3.0.2

# A port of 127.0.0.1 that is free now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_until_up NAME PID LOG PORT CHECK...: runs CHECK until it succeeds;
# fails loudly, with the log, when the process exits or 30 s pass.
wait_until_up() {
  local name="$1" pid="$2" log="$3" port="$4"
  shift 4
  local deadline=$((SECONDS + 30))
  until "$@" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "emulator: $name exited at start; its log:" >&2; cat "$log" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "emulator: $name did not answer on 127.0.0.1:$port within 30 s (log: $log)" >&2; exit 1
    fi
    sleep 0.1
  done
}

emulator_start() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  "$root/scripts/install-moto"
  local port
  port="$(free_port)"
  local log="${EMULATOR_LOG:-$root/target/moto.log}"
  mkdir -p "$(dirname "$log")"
  # Its settings (TOTP checked, ids stable across restarts) are moto_env.py's.
  local server=("$root/.venv/bin/python" "$root/scripts/lib/moto-server.py")
  if [ "${EMULATOR_KEEPALIVE:-0}" = 1 ]; then
    "$root/.venv/bin/python" -c 'import waitress' 2>/dev/null ||
      "$root/.venv/bin/pip" install --quiet --disable-pip-version-check "waitress==$WAITRESS_VERSION"
    server=("$root/.venv/bin/python" "$root/scripts/lib/moto-keepalive.py")
  fi
  "${server[@]}" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  EMULATOR_PID=$!
  trap emulator_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  wait_until_up moto_server "$EMULATOR_PID" "$log" "$port" "$root/.venv/bin/python" -c \
    'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()' "$port"
  point_shell_at "http://127.0.0.1:$port"
  echo "emulator: moto_server (pid $EMULATOR_PID) on $AWS_ENDPOINT_URL, log $log" >&2
}

# point_shell_at URL: what this shell runs (the binaries, provision) goes to
# the emulator at URL, whatever the shell exported for real AWS.
point_shell_at() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  # The binaries put the environment over their settings file: a setting
  # exported for real AWS (POOL_ID, AWS_REGION...) would win over what the
  # script writes for the emulator.
  local key
  for key in $(sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' "$root/settings.sample.sh"); do
    [ -z "${!key:-}" ] || echo "emulator: $key, exported in this shell, is unset here" >&2
    unset "$key"
  done
  export AWS_ENDPOINT_URL="$1"
  # moto never checks credentials, but routes requests by their SigV4 scope;
  # ministack (AUTH=true) checks the signature against test/test.
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
}

emulator_stop() {
  if [ -n "${EMULATOR_PID:-}" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    echo "emulator: stopped (pid $EMULATOR_PID)" >&2
  fi
  EMULATOR_PID=
}

# ministack_start: the second emulator (DynamoDB and Cognito with real SRP
# checks and a key per pool) on a free port of 127.0.0.1, its state in a
# temporary directory; exports MINISTACK_ENDPOINT_URL for the tests
# (test-support's `ministack()`), stopped with the calling script.
ministack_start() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  "$root/scripts/install-ministack"
  local port state log="$root/target/ministack.log"
  port="$(free_port)"
  state="$(mktemp -d)"
  mkdir -p "$(dirname "$log")"
  # As test-support's ministack::environment: loopback, Cognito's checks on,
  # no MQTT listener on 0.0.0.0:8883 (two instances would collide there).
  AUTH=true BIND_HOST=127.0.0.1 GATEWAY_PORT="$port" SERVICES=cognito-idp,dynamodb,iam,sts \
    IOT_MTLS_ENABLED=0 TMPDIR="$state" \
    "$root/.venv-ministack/bin/python" "$root/scripts/lib/ministack-server.py" >"$log" 2>&1 &
  MINISTACK_PID=$!
  MINISTACK_STATE="$state"
  trap 'ministack_stop; emulator_stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  wait_until_up ministack "$MINISTACK_PID" "$log" "$port" "$root/.venv-ministack/bin/python" -c \
    'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=0.5)' \
    "http://127.0.0.1:$port/_ministack/health"
  export MINISTACK_ENDPOINT_URL="http://127.0.0.1:$port"
  echo "emulator: ministack (pid $MINISTACK_PID) on $MINISTACK_ENDPOINT_URL, log $log" >&2
}

ministack_stop() {
  if [ -n "${MINISTACK_PID:-}" ] && kill -0 "$MINISTACK_PID" 2>/dev/null; then
    kill "$MINISTACK_PID" 2>/dev/null || true
    wait "$MINISTACK_PID" 2>/dev/null || true
    echo "emulator: ministack stopped (pid $MINISTACK_PID)" >&2
  fi
  [ -z "${MINISTACK_STATE:-}" ] || rm -rf "$MINISTACK_STATE"
  MINISTACK_PID=
}
