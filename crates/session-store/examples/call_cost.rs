//! The CPU floor of a DynamoDB call: this process's CPU time per `GetItem`,
//! once through the bare SDK client and once through the store's `load`, so
//! a benchmark can tell the SDK's share of a request from the app's.
//!
//! `AWS_ENDPOINT_URL=http://127.0.0.1:PORT cargo run --release --example call_cost -- [CALLS]`
//! (`scripts/bench` runs it against the emulator and prints the result).

use std::time::{Duration, Instant};

use actix_session::storage::{SessionKey, SessionStore};
use actix_web::cookie::time::Duration as Ttl;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::types::AttributeValue;
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

struct Run {
    cpu_per_call: Duration,
    p50: Duration,
    p99: Duration,
}

async fn measure<F: Future<Output = ()>>(calls: usize, mut call: impl FnMut() -> F) -> Run {
    for _ in 0..calls / 10 {
        call().await; // warm-up: connections, caches
    }
    let mut latencies = Vec::with_capacity(calls);
    let cpu = cpu_time();
    for _ in 0..calls {
        let start = Instant::now();
        call().await;
        latencies.push(start.elapsed());
    }
    let cpu_per_call = (cpu_time() - cpu) / calls as u32;
    latencies.sort();
    Run {
        cpu_per_call,
        p50: latencies[calls / 2],
        p99: latencies[calls * 99 / 100],
    }
}

fn main() -> anyhow::Result<()> {
    let calls: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(2000);
    // One thread, as an actix worker runs its requests.
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
        let state = [("views".to_owned(), "1".to_owned())].into_iter().collect();
        let key: SessionKey = store.save(state, &Ttl::hours(1)).await?;
        let id = store
            .client()
            .scan()
            .table_name(&table)
            .send()
            .await?
            .items()[0]["id"]
            .clone();

        let client = store.client().clone();
        let sdk = measure(calls, || {
            let request = client
                .get_item()
                .table_name(&table)
                .key("id", id.clone())
                .consistent_read(true);
            async move {
                let item = request.send().await.expect("GetItem").item;
                assert!(matches!(
                    item.as_ref().map(|i| &i["id"]),
                    Some(AttributeValue::S(_))
                ));
            }
        })
        .await;
        let load = measure(calls, || {
            let (store, key) = (&store, &key);
            async move {
                assert!(store.load(key).await.expect("load").is_some());
            }
        })
        .await;
        client.delete_table().table_name(&table).send().await?;

        println!(
            "{:<28} {:>12} {:>9} {:>9}",
            "call", "CPU us/call", "p50 ms", "p99 ms"
        );
        for (name, run) in [
            ("GetItem, bare SDK client", sdk),
            ("store.load (one GetItem)", load),
        ] {
            println!(
                "{name:<28} {:>12} {:>9.2} {:>9.2}",
                run.cpu_per_call.as_micros(),
                run.p50.as_secs_f64() * 1e3,
                run.p99.as_secs_f64() * 1e3
            );
        }
        anyhow::Ok(())
    })
}
