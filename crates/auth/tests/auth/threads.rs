//! A sign-in leaves the caller's thread free: SRP's arithmetic runs on
//! tokio's blocking threads, not on the worker that serves other requests.

use std::cell::Cell;
use std::time::Duration;

use auth::{AuthFlow, SignIn};

use crate::pool::Pool;

/// SRP's arithmetic takes milliseconds. On the caller's thread, where an actix
/// worker serves all its other requests, it would hold them all up meanwhile.
#[test]
fn an_srp_sign_in_leaves_the_callers_thread_free() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = Pool::new().await;
        pool.confirmed_user("a", "aaaaaa").await;
        let cognito = pool.cognito(AuthFlow::Srp);
        // The client's first call sets it up (a few ms, once); measure the next ones.
        let first = cognito.sign_in("a", "aaaaaa").await;
        assert!(matches!(first, Ok(SignIn::Tokens(_))), "{first:?}");
        // One of the sign-in's two computations, on this thread.
        let started = thread_cpu_time();
        std::hint::black_box(auth::srp::SrpClient::new());
        let one_step = thread_cpu_time() - started;
        // Inline, the thread would work that long without a break. CPU time,
        // not wall time: the OS pausing the thread is no work of the sign-in's.
        for attempt in 1..=3 {
            let (signed_in, longest) = longest_stretch_during(cognito.sign_in("a", "aaaaaa")).await;
            assert!(matches!(signed_in, Ok(SignIn::Tokens(_))), "{signed_in:?}");
            if longest < one_step / 2 {
                return;
            }
            eprintln!("try {attempt}: the thread worked {longest:?} without a break; one SRP step takes {one_step:?}");
        }
        panic!("the sign-in held its thread up for as long as SRP's arithmetic");
    });
}

/// Runs `future` beside a task that yields in a loop on the same thread (so
/// it gets a turn whenever the thread is free): the output, and the most CPU
/// time the thread spent between two of its turns.
async fn longest_stretch_during<F: Future>(future: F) -> (F::Output, Duration) {
    let done = Cell::new(false);
    let turns = async {
        let (mut longest, mut last) = (Duration::ZERO, thread_cpu_time());
        while !done.get() {
            tokio::task::yield_now().await;
            let now = thread_cpu_time();
            longest = longest.max(now - last);
            last = now;
        }
        longest
    };
    let work = async {
        let output = future.await;
        done.set(true);
        output
    };
    tokio::join!(work, turns)
}

/// The CPU time of the calling thread.
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill in.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}
