//! How long a task waited on the store's DynamoDB calls, so that a web app
//! can tell its own latency from DynamoDB's (e.g. a histogram of request
//! time minus call time).
//!
//! ```
//! # async fn example(store: session_store::DynamoDbSessionStore) {
//! use actix_session::storage::SessionStore;
//! let key = "a session key".to_owned().try_into().unwrap();
//! let (loaded, waited) = session_store::call_time::measure(store.load(&key)).await;
//! println!("{waited:?} in DynamoDB calls");
//! # let _ = loaded;
//! # }
//! ```

use std::cell::Cell;
use std::time::Duration;

tokio::task_local! {
    static WAITED: Cell<Duration>;
}

/// Runs `future` and returns its output with the time it spent in calls of
/// any [`DynamoDbSessionStore`](crate::DynamoDbSessionStore) (awaited
/// within it, on the same task). Scopes nest: an inner one counts its own.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// let (answer, waited) = session_store::call_time::measure(async { 6 * 7 }).await;
/// assert_eq!(answer, 42);
/// assert_eq!(waited, Duration::ZERO); // no store call in it
/// # }
/// ```
pub async fn measure<F: Future>(future: F) -> (F::Output, Duration) {
    WAITED
        .scope(Cell::new(Duration::ZERO), async move {
            let output = future.await;
            (output, WAITED.with(Cell::get))
        })
        .await
}

/// Adds a call's duration to the current scope, if any.
pub(crate) fn add(elapsed: Duration) {
    let _ = WAITED.try_with(|waited| waited.set(waited.get() + elapsed));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sums_the_calls_in_scope_only() {
        add(Duration::from_millis(5)); // outside any scope: ignored, no panic
        let ((), waited) = measure(async {
            add(Duration::from_millis(2));
            tokio::task::yield_now().await;
            add(Duration::from_millis(3));
        })
        .await;
        assert_eq!(waited, Duration::from_millis(5));
        let ((_, inner), outer) = measure(async {
            add(Duration::from_millis(1));
            measure(async { add(Duration::from_millis(4)) }).await
        })
        .await;
        assert_eq!(
            (inner, outer),
            (Duration::from_millis(4), Duration::from_millis(1))
        );
    }
}
