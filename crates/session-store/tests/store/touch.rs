//! An unchanged session's expiry: written at most once per touch interval,
//! and at least once per half lifetime.

use std::time::Duration;

use actix_session::storage::SessionStore;
use actix_web::cookie::time::Duration as Ttl;
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::Operation;

use crate::common::{TTL, now, number, scan, set_only_item, state, store, store_with};

#[tokio::test]
async fn update_ttl_writes_at_most_once_per_touch_interval() {
    // Default interval (30 s): a fresh session needs no touch.
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let before = store.operation_counts();
    for _ in 0..3 {
        store.load(&key).await.unwrap().unwrap();
        store.update_ttl(&key, &TTL).await.unwrap();
    }
    let spent = store.operation_counts().since(&before);
    assert_eq!(spent.calls(Operation::GetItem), 3);
    assert_eq!(spent.writes(), 0, "no write while the last touch is recent");

    // Requests on one session that interleave (both load, then both touch)
    // skip the touch too.
    let before = store.operation_counts();
    store.load(&key).await.unwrap().unwrap();
    store.load(&key).await.unwrap().unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    let spent = store.operation_counts().since(&before);
    assert_eq!((spent.calls(Operation::GetItem), spent.writes()), (2, 0));

    // An interval of zero: every request extends the expiry with one write.
    let store = store_with(|b| b.touch_interval(Duration::ZERO)).await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::seconds(5))
        .await
        .unwrap();
    let before = store.operation_counts();
    store.load(&key).await.unwrap().unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    let spent = store.operation_counts().since(&before);
    assert_eq!((spent.calls(Operation::GetItem), spent.writes()), (1, 1));
    assert!(number(&scan(&store).await[0], "expires") >= now() + 55);
}

#[tokio::test]
async fn a_short_lived_session_is_touched_once_half_its_lifetime_has_passed() {
    // Lifetime 8 s under the default 30 s interval: the touch is due 4 s after
    // the last write, or a session that is only read would expire in use.
    let ttl = Ttl::seconds(8);
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &ttl).await.unwrap();
    let touch = |age: i64, ttl: Ttl| {
        let (store, key) = (&store, &key);
        async move {
            set_only_item(
                store,
                "touched",
                AttributeValue::N((now() - age).to_string()),
            )
            .await;
            let before = store.operation_counts();
            store.load(key).await.unwrap().expect("the session");
            store.update_ttl(key, &ttl).await.unwrap();
            store.operation_counts().since(&before).writes()
        }
    };
    // Written a second ago: not due (for 3 s more).
    assert_eq!(touch(1, ttl).await, 0);
    // Written 5 s ago, so 3 s left: due, and extended to a whole lifetime.
    set_only_item(
        &store,
        "expires",
        AttributeValue::N((now() + 3).to_string()),
    )
    .await;
    assert_eq!(touch(5, ttl).await, 1);
    let item = &scan(&store).await[0];
    assert!(number(item, "expires") >= now() + 5, "{item:?}");
    assert!(number(item, "touched") >= now() - 3, "{item:?}");
    // Under a lifetime of an hour, 5 s is well within the 30 s interval.
    assert_eq!(touch(5, Ttl::hours(1)).await, 0);
}
