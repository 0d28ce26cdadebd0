# Sourced by scripts/bench and scripts/bench-load: drive one scenario with wrk
# and measure the app process, one row of the benchmark table per scenario.
#
# bench_start DIR PID URL SECONDS: measure process PID, which serves URL, for
#   SECONDS per row; rows and perf data go in DIR. Fails when perf cannot
#   record the process's call stacks.
# bench_target PID URL: the rows that follow measure process PID instead.
# bench_run NAME CONNECTIONS WRK-ARGUMENTS...: one row, NAME at CONNECTIONS.
# bench_print: the table of the rows so far, the app's peak RSS, and the machine
#   (with what a 2 ms sleep costs it: scripts/bench-machine).
#
# wrk runs at the lowest CPU priority (SCHED_IDLE), so that the app gets a core
# the moment it has work, as on AWS where the clients are other machines.

source scripts/lib/machine.sh

bench_start() {
  BENCH_DIR="$1" BENCH_SECONDS="$4"
  bench_target "$2" "$3"
  BENCH_ROWS="$BENCH_DIR/rows.txt"; : >"$BENCH_ROWS"
  if ! bench_record_stacks 0.2 2>"$BENCH_DIR/perf.log"; then
    echo "perf cannot record the app's call stacks: $(tail -1 "$BENCH_DIR/perf.log")" >&2
    echo "run as root, or allow it: sudo sysctl kernel.perf_event_paranoid=1" >&2
    exit 1
  fi
}

bench_target() { BENCH_PID="$1" BENCH_URL="$2"; }

# Call stacks of the app's CPU samples split its time between the AWS SDK and
# its own code (scripts/bench.d/cpu-split.py). Recorded in a second pass of
# each scenario, so that perf's own cost stays out of the measured one.
bench_record_stacks() { # seconds
  perf record -q -e cpu-clock -F 250 --call-graph dwarf,65528 -p "$BENCH_PID" -o "$BENCH_DIR/perf.data" -- sleep "$1"
}

bench_cpu_ticks() { awk '{print $14 + $15}' "/proc/$BENCH_PID/stat"; }

bench_run() { # name connections wrk-arguments...
  local name="$1" conns="$2"; shift 2
  local t0 t1 m0 m1 out recorder sdk_share
  t0="$(bench_cpu_ticks)"; m0="$(curl -s "$BENCH_URL/metrics")"
  out="$(chrt --idle 0 wrk -d "${BENCH_SECONDS}s" --latency "$@")"
  t1="$(bench_cpu_ticks)"; m1="$(curl -s "$BENCH_URL/metrics")"
  bench_record_stacks "$BENCH_SECONDS" 2>"$BENCH_DIR/perf.log" & recorder=$!
  chrt --idle 0 wrk -d "${BENCH_SECONDS}s" "$@" >/dev/null
  wait "$recorder"
  sdk_share="$(perf script --no-inline -F ip,sym -i "$BENCH_DIR/perf.data" 2>/dev/null | .venv/bin/python scripts/bench.d/cpu-split.py)"
  rm -f "$BENCH_DIR/perf.data"
  .venv/bin/python scripts/bench.d/row.py "$name" "$conns" "$out" "$t0" "$t1" "$(getconf CLK_TCK)" \
    "$m0" "$m1" "$sdk_share" >>"$BENCH_ROWS"
}

bench_print() {
  .venv/bin/python scripts/bench.d/table.py "$BENCH_ROWS"
  echo "peak RSS of the app: $(awk '/VmHWM/ {print $2, $3}' "/proc/$BENCH_PID/status")"
  bench_machine
  echo "machine, after sleeping: $(wake_probe summary); see scripts/bench-machine"
}

