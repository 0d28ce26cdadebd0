//! Calls on two threads that each run their own single-threaded runtime, as
//! actix-web's workers do, where each call must not depend on the other
//! thread's runtime.
//!
//! ```no_run
//! let here = test_support::threads::runtime();
//! let config = here.block_on(test_support::local_aws()).config;
//! let dynamodb = aws_sdk_dynamodb::Client::new(&config);
//! let (there, here) = test_support::threads::while_the_other_waits(&here, move || {
//!     let dynamodb = dynamodb.clone();
//!     async move { dynamodb.list_tables().send().await.is_ok() }
//! });
//! assert!(there && here);
//! ```

use std::future::Future;
use std::sync::mpsc;

use tokio::runtime::Runtime;

/// A single-threaded runtime with I/O and time, as an actix-web worker's.
///
/// ```
/// let runtime = test_support::threads::runtime();
/// assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
/// ```
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
}

/// Runs `call` on a new thread's runtime while this thread (and `here`)
/// waits, then on `here` while that thread is blocked, its runtime stopped
/// mid-life. Returns both answers: (the new thread's, this thread's).
///
/// ```
/// use test_support::threads::{runtime, while_the_other_waits};
/// let here = runtime();
/// let (there, here) = while_the_other_waits(&here, || async { std::thread::current().id() });
/// assert_ne!(there, here);
/// ```
pub fn while_the_other_waits<T, F, Fut>(here: &Runtime, call: F) -> (T, T)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    let (answer, there_answered) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let there = std::thread::spawn({
        let call = call.clone();
        move || {
            let there = runtime();
            answer.send(there.block_on(call())).expect("the test waits");
            // Blocked, with `there` alive but not running.
            let _ = released.recv();
        }
    });
    let there_answer = there_answered.recv().expect("the other thread answers");
    let here_answer = here.block_on(call());
    let _ = release.send(());
    there.join().expect("the other thread ends");
    (there_answer, here_answer)
}
