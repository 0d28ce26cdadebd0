//! What sleeping costs on this machine, with no app involved: the same fixed
//! piece of work, run right after a sleep of 0 to 20 ms, timed by itself.
//!
//! A request that waits on DynamoDB sleeps two or three times, then runs the
//! same code as a request that did not wait. If the work after a sleep is
//! slower, the machine (caches, the host of a VM), not the app, makes the
//! difference. Built by scripts/bench-machine with plain `rustc`: no crates.
//!
//! Usage: wake-probe [table | summary]
//! - table: sleep lengths 0 to 20 ms, memory-bound and arithmetic work;
//! - summary: one line, memory-bound work after a 2 ms sleep against none.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// 1 MiB: more than a core's L2 cache on many machines.
const BUFFER: usize = 1 << 20;
/// Touches of the buffer per round (about 0.15 ms here when the caches are warm).
const TOUCHES: usize = 100_000;
/// Multiply-adds per round: no memory, so only the core's speed matters.
const STEPS: u64 = 300_000;
/// How long each cell of the table runs.
const CELL: Duration = Duration::from_millis(1500);

#[derive(Clone, Copy)]
enum Work {
    Memory,
    Arithmetic,
}

/// Runs `work` once, returns how long it took.
fn run(work: Work, buffer: &mut [u8]) -> Duration {
    let started = Instant::now();
    match work {
        Work::Memory => {
            let mask = buffer.len() - 1;
            let mut sum = 0u64;
            // A stride of 4099 bytes reaches every cache line in a scattered order.
            for i in 0..TOUCHES {
                let slot = &mut buffer[(i * 4099) & mask];
                *slot = slot.wrapping_add(1);
                sum += u64::from(*slot);
            }
            black_box(sum);
        }
        Work::Arithmetic => {
            let mut x = 1u64;
            for i in 0..STEPS {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(black_box(i));
            }
            black_box(x);
        }
    }
    started.elapsed()
}

/// The thread's CPU time so far, from the scheduler (`/proc/thread-self/schedstat`, ns).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = stat
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

struct Cell {
    /// Median time of the work alone.
    work: Duration,
    /// CPU time per round: the work, and waking up from the sleep.
    cpu: Duration,
}

/// Sleeps `sleep`, then runs `work`, for [`CELL`]; median of the work's time.
fn measure(sleep: Duration, work: Work, buffer: &mut [u8]) -> Cell {
    for _ in 0..50 {
        run(work, buffer); // warm-up
    }
    let mut times = Vec::new();
    let cpu_before = cpu_time();
    let started = Instant::now();
    while started.elapsed() < CELL || times.len() < 20 {
        if !sleep.is_zero() {
            std::thread::sleep(sleep);
        }
        times.push(run(work, buffer));
    }
    let cpu = (cpu_time() - cpu_before) / times.len() as u32;
    times.sort();
    Cell {
        work: times[times.len() / 2],
        cpu,
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn table(buffer: &mut [u8]) {
    println!(
        "{:>8} {:>12} {:>7} {:>12} {:>7} {:>14}",
        "sleep ms", "memory µs", "x", "arithm. µs", "x", "memory CPU µs"
    );
    let mut base = None;
    for ms in [0.0, 0.2, 1.0, 2.0, 5.0, 10.0, 20.0] {
        let sleep = Duration::from_secs_f64(ms / 1000.0);
        let memory = measure(sleep, Work::Memory, buffer);
        let arithmetic = measure(sleep, Work::Arithmetic, buffer);
        let (m0, a0) = *base.get_or_insert((memory.work, arithmetic.work));
        println!(
            "{:>8.1} {:>12.1} {:>7.2} {:>12.1} {:>7.2} {:>14.1}",
            ms,
            micros(memory.work),
            ratio(memory.work, m0),
            micros(arithmetic.work),
            ratio(arithmetic.work, a0),
            micros(memory.cpu),
        );
    }
}

fn summary(buffer: &mut [u8]) {
    let warm = measure(Duration::ZERO, Work::Memory, buffer);
    let slept = measure(Duration::from_millis(2), Work::Memory, buffer);
    println!(
        "memory-bound work takes {:.1}x as long right after a 2 ms sleep ({:.0} µs against {:.0} µs)",
        ratio(slept.work, warm.work),
        micros(slept.work),
        micros(warm.work),
    );
}

fn main() {
    let mut buffer = vec![0u8; BUFFER];
    match std::env::args().nth(1).as_deref() {
        None | Some("table") => table(&mut buffer),
        Some("summary") => summary(&mut buffer),
        Some(other) => {
            eprintln!("wake-probe: unknown mode {other:?}; use table or summary");
            std::process::exit(2);
        }
    }
}
