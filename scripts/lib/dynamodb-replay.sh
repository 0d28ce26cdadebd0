# Sourced by the benchmark scripts that let DynamoDB answer at DynamoDB's speed:
# the stand-in scripts/lib/dynamodb-replay.py in front of the emulator.
#
# replay_start DIR LATENCY_MS: starts the stand-in on the emulator (started by
#   the caller) and points AWS_ENDPOINT_URL at it. Call before stage1_start.
# replay_arm: once stage 1's session is logged in, the stand-in replays that
#   session's GetItem and UpdateItem from now on.

replay_start() {
  local dir="$1" latency_ms="$2"
  : >"$dir/replay.port"
  .venv/bin/python scripts/lib/dynamodb-replay.py "${AWS_ENDPOINT_URL##*:}" "$latency_ms" >"$dir/replay.port" &
  REPLAY_PID=$!
  until [ -s "$dir/replay.port" ]; do
    kill -0 "$REPLAY_PID" 2>/dev/null || { echo "dynamodb-replay.py did not start" >&2; exit 1; }
    sleep 0.1
  done
  export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$dir/replay.port")"
  # The replayed item keeps the `touched` time it was recorded with: with the
  # default touch interval (30 s), every read after 30 s would write a touch.
  export TOUCH_INTERVAL=3600
}

replay_arm() {
  kill -USR1 "$REPLAY_PID"
}
