//! Timing for the crates' `cargo bench` tables: the fastest of a few
//! rounds, so that a busy moment of a shared machine is left out.

use std::time::{Duration, Instant};

/// Each row runs for about this long.
const ROW: Duration = Duration::from_millis(600);
/// The rounds of a row, of which the fastest is kept.
pub const ROUNDS: u32 = 5;

/// Microseconds per call of `f`, and how many calls were timed.
///
/// ```
/// let (micros, calls) = test_support::bench::per_call(|| {
///     std::hint::black_box(2 + 2);
/// });
/// assert!(micros >= 0.0 && calls > 0);
/// ```
pub fn per_call(mut f: impl FnMut()) -> (f64, u64) {
    f(); // warm-up
    let started = Instant::now();
    let mut batch = 1u64;
    while started.elapsed() < ROW / ROUNDS / 4 {
        for _ in 0..batch {
            f();
        }
        batch *= 2;
    }
    let mut best = f64::MAX;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e6 / batch as f64);
    }
    (best, batch * u64::from(ROUNDS))
}
