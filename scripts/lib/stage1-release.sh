# Sourced by the benchmark scripts: build stage 1 in release, start it on
# AWS_ENDPOINT_URL (the emulator, which the caller has started), and log a user in.
#
# stage1_start DIR [WRAPPER...]: runs target/release/with-dynamodb-store
# (under WRAPPER, e.g. valgrind, when given) with its settings and log in DIR.
# Sets STAGE1_PID, STAGE1_URL and STAGE1_COOKIE (the logged-in session's
# "session=..." header value); stops the app and the emulator on exit.
# wait_serving NAME PID URL LOG: see below; also for other servers of a bench.

stage1_start() {
  local dir="$1"; shift
  cargo build --release --locked -p with-dynamodb-store -p provision
  mkdir -p "$dir"
  local port
  port="$(free_port)"
  cat >"$dir/settings.sh" <<SETTINGS
AWS_REGION=us-east-1
TABLE_NAME=bench-sessions
AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL
SESSION_SECRET=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')
COOKIE_SECURE=false
# Long enough that no session expires during a run.
SESSION_TTL=3600
PORT=$port
SETTINGS
  RUST_LOG=warn target/release/provision table --settings "$dir/settings.sh" >/dev/null
  # The default log level, as users run it: one line per request.
  RUST_LOG=info "$@" target/release/with-dynamodb-store --settings "$dir/settings.sh" >"$dir/server.log" 2>&1 &
  STAGE1_PID=$!
  trap stage1_stop EXIT
  STAGE1_URL="http://127.0.0.1:$port"
  wait_serving "stage 1" "$STAGE1_PID" "$STAGE1_URL/static/style.css" "$dir/server.log"
  local jar="$dir/cookies.txt" csrf
  rm -f "$jar"
  csrf="$(curl -s -c "$jar" -b "$jar" "$STAGE1_URL/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)"
  curl -s -o /dev/null -c "$jar" -b "$jar" -d "csrf=$csrf" "$STAGE1_URL/quicklogin/a"
  STAGE1_COOKIE="session=$(awk '$6 == "session" {print $7}' "$jar")"
}

# wait_serving NAME PID URL LOG: waits up to 120 s for URL to answer 2xx;
# exits with LOG shown when process PID dies or the time is up.
wait_serving() {
  local name="$1" pid="$2" url="$3" log="$4" deadline=$((SECONDS + 120))
  until curl -sf -o /dev/null "$url"; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "$name did not start; its log:" >&2; cat "$log" >&2; exit 1
    fi
    sleep 0.2
  done
}

stage1_stop() {
  if [ -n "${STAGE1_PID:-}" ]; then
    kill "$STAGE1_PID" 2>/dev/null || true
    wait "$STAGE1_PID" 2>/dev/null || true
  fi
  STAGE1_PID=
  emulator_stop
}
