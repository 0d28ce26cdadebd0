//! What the DynamoDB calls of one request cost without any web app around
//! them: this process's CPU time and the latency percentiles of
//! - `sdk-get`: a bare `GetItem` through the SDK client,
//! - `read`: the store's `load` (one `GetItem`), the work of a read-only request,
//! - `write`: `load` then `update` (one `GetItem`, one `UpdateItem`), the
//!   work of a request that changes its session,
//!
//! at each concurrency given, on one thread as an actix worker runs them.
//! `scripts/bench` subtracts these from the app's numbers to get what the
//! app itself adds.
//!
//! `AWS_ENDPOINT_URL=http://127.0.0.1:PORT cargo run --release --example call_cost -- 2000 1 4 16`
//!
//! Prints one line per workload and concurrency:
//! `workload concurrency cpu_us_per_request p50_ms p99_ms`.

use std::time::{Duration, Instant};

use actix_session::storage::{SessionKey, SessionStore};
use actix_web::cookie::time::Duration as Ttl;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::types::AttributeValue;
use futures::future::join_all;
use session_store::DynamoDbSessionStore;

/// User + system CPU time of this process.
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// Runs `requests` calls of `request`, `concurrency` at a time, and prints
/// their cost.
async fn measure<F: Future<Output = ()>>(
    name: &str,
    requests: usize,
    concurrency: usize,
    request: impl Fn() -> F,
) {
    let lane = |n: usize| {
        let request = &request;
        async move {
            let mut latencies = Vec::with_capacity(n);
            for _ in 0..n {
                let start = Instant::now();
                request().await;
                latencies.push(start.elapsed());
            }
            latencies
        }
    };
    join_all((0..concurrency).map(|_| lane(20))).await; // warm-up: connections
    let cpu = cpu_time();
    let mut latencies: Vec<Duration> =
        join_all((0..concurrency).map(|_| lane(requests / concurrency)))
            .await
            .into_iter()
            .flatten()
            .collect();
    let cpu = cpu_time() - cpu;
    latencies.sort();
    let n = latencies.len();
    println!(
        "{name} {concurrency} {} {:.2} {:.2}",
        cpu.as_micros() / n as u128,
        latencies[n / 2].as_secs_f64() * 1e3,
        latencies[n * 99 / 100].as_secs_f64() * 1e3
    );
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let requests = args.next().transpose()?.unwrap_or(2000);
    let mut concurrencies: Vec<usize> = args.collect::<Result<_, _>>()?;
    if concurrencies.is_empty() {
        concurrencies.push(1);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(
                std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
            ))
            .load()
            .await;
        let table = format!("call-cost-{}", std::process::id());
        let store = DynamoDbSessionStore::builder(&config, &table).build();
        store.ensure_table().await?;
        let ttl = Ttl::hours(1);
        let state = [("views".to_owned(), "1".to_owned())].into_iter().collect();
        let key: SessionKey = store.save(state, &ttl).await?;
        let scan = store.client().scan().table_name(&table).send().await?;
        let id: AttributeValue = scan.items()[0]["id"].clone();
        let client = store.client();

        for &concurrency in &concurrencies {
            measure("sdk-get", requests, concurrency, || {
                let request = client
                    .get_item()
                    .table_name(&table)
                    .key("id", id.clone())
                    .consistent_read(true);
                async move {
                    assert!(request.send().await.expect("GetItem").item.is_some());
                }
            })
            .await;
            measure("read", requests, concurrency, || async {
                assert!(store.load(&key).await.expect("load").is_some());
            })
            .await;
            measure("write", requests, concurrency, || async {
                let mut state = store.load(&key).await.expect("load").expect("a session");
                let views: u64 = state["views"].parse().unwrap_or(0);
                state.insert("views".to_owned(), (views + 1).to_string());
                state.remove(session_store::HANDLE_FIELD);
                let key = SessionKey::try_from(key.as_ref().to_owned()).unwrap();
                store.update(key, state, &ttl).await.expect("update");
            })
            .await;
        }
        client.delete_table().table_name(&table).send().await?;
        anyhow::Ok(())
    })
}
