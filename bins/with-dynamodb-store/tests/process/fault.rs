//! The emulator is killed under load and started again: the app answers
//! with its 503 page within the operation timeout while DynamoDB is gone,
//! stays up, and serves again once the table is back, without a restart.

use crate::common;

use std::time::{Duration, Instant};

use common::{Backend, Client, DYNAMODB_TIMEOUT, Instance, Mix, load};
use session_store::DynamoDbSessionStore;
use test_support::PrivateEmulator;

/// Time a request may take beyond the operation timeout (scheduling,
/// rendering the page) on a loaded machine.
const SLACK: Duration = Duration::from_millis(1500);

async fn provision(emulator: &PrivateEmulator, table: &str) {
    let config = emulator.sdk_config().await;
    DynamoDbSessionStore::builder(&config, table)
        .build()
        .ensure_table()
        .await
        .expect("the table can be created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_killed_under_load_gives_503s_then_the_app_recovers() {
    let _alone = common::one_load_test_at_a_time().await;
    let mut emulator = tokio::task::spawn_blocking(|| PrivateEmulator::start().unwrap())
        .await
        .unwrap();
    let backend = Backend::new(&emulator.endpoint());
    let app = Instance::start(&backend);
    let bases = [app.base.clone()];

    let healthy = load(&bases, 4, Duration::from_secs(2), Mix::Browse).await;
    assert_eq!(
        healthy.statuses.keys().collect::<Vec<_>>(),
        [&200],
        "{healthy:?}"
    );

    // Kill the emulator one second into five seconds of load.
    let during = tokio::spawn({
        let bases = bases.clone();
        async move { load(&bases, 4, Duration::from_secs(5), Mix::Browse).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let emulator = tokio::task::spawn_blocking(move || {
        emulator.kill();
        emulator
    })
    .await
    .unwrap();
    let killed_at = Instant::now();
    let outage = during.await.unwrap();
    assert!(
        outage.errors.is_empty(),
        "no HTTP answer: {:?}",
        outage.errors
    );
    assert!(
        outage.statuses.keys().all(|s| [200, 503].contains(s)),
        "{outage:?}"
    );
    assert!(
        outage.count(503) > 0,
        "no request saw the outage: {outage:?}"
    );
    assert!(
        outage.slowest <= DYNAMODB_TIMEOUT + SLACK,
        "a request took {:?} (timeout {DYNAMODB_TIMEOUT:?})",
        outage.slowest
    );
    let page = outage.unavailable_page.as_deref().unwrap();
    assert!(page.contains("Service unavailable"), "{page}");
    assert!(
        !page.contains("dynamodb:"),
        "no internals on the page: {page}"
    );
    app.assert_healthy();
    // The failures are logged, each in a few lines: with RUST_BACKTRACE=1,
    // no stack trace per failed request.
    let log = app.log();
    assert!(log.contains("session store failed"), "{log}");
    assert!(
        !log.contains("Stack backtrace"),
        "{}",
        &log[..log.len().min(4000)]
    );

    // Still down: a fresh visitor gets the 503 page too, in time.
    let visitor = Client::new(&app.base);
    let started = Instant::now();
    assert_eq!(visitor.get("/").await.unwrap().0, 503);
    assert!(started.elapsed() <= DYNAMODB_TIMEOUT + SLACK);

    // Back (empty, as after any loss of the emulator's state) and provisioned.
    let mut emulator = emulator;
    let emulator = tokio::task::spawn_blocking(move || {
        emulator.restart().unwrap();
        emulator
    })
    .await
    .unwrap();
    provision(&emulator, &backend.table).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if visitor.get("/").await.map(|(s, _)| s) == Ok(200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the app did not recover within 20 s of the emulator's return"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let recovered = load(&bases, 4, Duration::from_secs(2), Mix::BrowseAndLogIn).await;
    assert_eq!(
        recovered.statuses.keys().collect::<Vec<_>>(),
        [&200, &303],
        "{recovered:?}"
    );
    assert_eq!(visitor.post("/quicklogin/b").await.unwrap().0, 303);
    assert!(
        visitor
            .get("/")
            .await
            .unwrap()
            .1
            .contains("Hello <strong>b</strong>")
    );
    app.assert_healthy();
    eprintln!(
        "outage: {} requests ({} answered 503), slowest {:?}; back {:?} after the kill",
        outage.requests(),
        outage.count(503),
        outage.slowest,
        killed_at.elapsed()
    );
}
