# Sourced by the benchmark scripts: what the machine a table ran on is.
#
# bench_machine: one line, the machine's cores, memory and kernel.
# wake_probe MODE: builds and runs scripts/bench.d/wake-probe.rs, which times
#   the same work right after sleeps of 0 to 20 ms (MODE: table or summary).

bench_machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
}

wake_probe() { # table | summary
  mkdir -p target/bench-machine
  rustc --edition 2024 -O -o target/bench-machine/wake-probe scripts/bench.d/wake-probe.rs
  target/bench-machine/wake-probe "$1"
}
