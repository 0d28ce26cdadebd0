//! Two instances on two ports over one table: a login on one is a login on
//! the other, and load split across both costs the same CPU per request as
//! on one instance alone.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Backend, Client, Instance, Mix, load};

const PHASE: Duration = Duration::from_secs(8);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_logins_and_split_load_at_the_same_cpu_per_request() {
    let _alone = common::one_load_test_at_a_time().await;
    // An emulator of its own: in a whole run the shared one holds what
    // every suite before made, and its slower answers (past the app's 2 s
    // timeout, once) are not what this test measures.
    let emulator = tokio::task::spawn_blocking(|| test_support::PrivateEmulator::start().unwrap())
        .await
        .unwrap();
    let backend = Backend::new(&emulator.endpoint());
    let a = Instance::start(&backend);
    let b = Instance::start(&backend);

    // A login on A is seen on B; a logout on B logs A out.
    let on_a = Client::new(&a.base);
    assert_eq!(on_a.post("/quicklogin/a").await.unwrap().0, 303);
    let on_b = on_a.same_browser_on(&b.base);
    let (_, page) = on_b.get("/").await.unwrap();
    assert!(page.contains("Hello <strong>a</strong>"), "{page}");
    assert_eq!(on_b.post("/logout").await.unwrap().0, 303);
    let (_, page) = on_a.get("/").await.unwrap();
    assert!(page.contains("Not Logged"), "{page}");

    // Warm both up, then: all load on A; then the same load split.
    let both = [a.base.clone(), b.base.clone()];
    let warm = load(&both, 4, Duration::from_secs(2), Mix::Browse).await;
    assert_eq!(warm.error_count, 0, "{warm:?}");

    let (before, ops_before) = (a.cpu_time(), a.dynamodb_operations().await);
    let alone = load(std::slice::from_ref(&a.base), 4, PHASE, Mix::Browse).await;
    let alone_cpu = (a.cpu_time() - before).as_secs_f64() / alone.requests() as f64;
    let alone_ops = per_request(
        &ops_before,
        &a.dynamodb_operations().await,
        alone.requests(),
    );

    let (a0, b0) = (a.cpu_time(), b.cpu_time());
    let (a_ops0, b_ops0) = (a.dynamodb_operations().await, b.dynamodb_operations().await);
    let split = load(&both, 4, PHASE, Mix::Browse).await;
    let (a_n, b_n) = (split.per_base[&a.base], split.per_base[&b.base]);
    let a_cpu = (a.cpu_time() - a0).as_secs_f64() / a_n as f64;
    let b_cpu = (b.cpu_time() - b0).as_secs_f64() / b_n as f64;
    let a_ops = per_request(&a_ops0, &a.dynamodb_operations().await, a_n);
    let b_ops = per_request(&b_ops0, &b.dynamodb_operations().await, b_n);

    for tally in [&alone, &split] {
        assert!(
            tally.error_count == 0 && tally.statuses.keys().all(|s| *s == 200),
            "{tally:?}"
        );
    }
    let share = split.per_base[&a.base] as f64 / split.requests() as f64;
    eprintln!(
        "scale: alone {} requests at {:.3} ms CPU each, {alone_ops:?} per request; \
         split {} requests ({:.0}% on A), {:.3} ms on A and {:.3} ms on B",
        alone.requests(),
        alone_cpu * 1e3,
        split.requests(),
        share * 100.0,
        a_cpu * 1e3,
        b_cpu * 1e3
    );
    assert!((0.4..=0.6).contains(&share), "load not split: {share}");
    // Exactly the same DynamoDB work per request: one GetItem, and one
    // UpdateItem per page view (half the requests), on either instance.
    for ops in [&a_ops, &b_ops] {
        assert_eq!(
            ops.keys().collect::<Vec<_>>(),
            alone_ops.keys().collect::<Vec<_>>()
        );
        for (op, n) in ops {
            assert!(
                (n - alone_ops[op]).abs() < 0.02,
                "{op}: {ops:?} vs {alone_ops:?}"
            );
        }
    }
    assert!((alone_ops["GetItem"] - 1.0).abs() < 0.02, "{alone_ops:?}");
    // CPU per request the same within the noise of a shared machine (each
    // instance, at half the load, wakes up more often per request).
    for cpu in [a_cpu, b_cpu] {
        let ratio = cpu / alone_cpu;
        assert!(
            (0.67..=1.5).contains(&ratio),
            "CPU per request {:.3} ms vs {:.3} ms alone",
            cpu * 1e3,
            alone_cpu * 1e3
        );
    }
    a.assert_healthy();
    b.assert_healthy();
}

/// Operations per request between two `/metrics` readings.
fn per_request(
    before: &BTreeMap<String, f64>,
    after: &BTreeMap<String, f64>,
    requests: u64,
) -> BTreeMap<String, f64> {
    after
        .iter()
        .map(|(op, n)| (op.clone(), n - before.get(op).copied().unwrap_or(0.0)))
        .filter(|(_, n)| *n > 0.0)
        .map(|(op, n)| (op, n / requests as f64))
        .collect()
}
