//! A minute of sustained load on the stage 1 binary: no errors, and the
//! resident memory does not grow.

use crate::common;

use std::time::Duration;

use common::{Backend, Instance, Mix, load};

const WARM_UP: Duration = Duration::from_secs(10);
const SOAK: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_minute_of_load_without_errors_or_memory_growth() {
    let _alone = common::one_load_test_at_a_time().await;
    let backend = Backend::new(test_support::endpoint());
    let app = Instance::start(&backend);
    let bases = [app.base.clone()];

    // Allocator arenas, connection pools and caches fill up first.
    let warm = load(&bases, 8, WARM_UP, Mix::BrowseAndLogIn).await;
    assert_eq!(warm.error_count, 0, "{warm:?}");
    let start_rss = app.rss_kib();

    let mut samples = vec![start_rss];
    let mut total = 0;
    for _ in 0..(SOAK.as_secs() / STEP.as_secs()) {
        let tally = load(&bases, 8, STEP, Mix::BrowseAndLogIn).await;
        assert!(
            tally.error_count == 0 && tally.statuses.keys().all(|s| [200, 303].contains(s)),
            "{tally:?}"
        );
        total += tally.requests();
        samples.push(app.rss_kib());
    }
    app.assert_healthy();
    let end_rss = *samples.last().unwrap();
    eprintln!("soak: {total} requests in {SOAK:?}; RSS KiB every {STEP:?}: {samples:?}");
    assert!(total > 1000, "too little load to prove anything: {total}");
    assert!(
        end_rss * 10 < start_rss * 11,
        "RSS grew more than 10%: {samples:?} KiB"
    );
}
