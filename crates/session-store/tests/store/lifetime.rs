//! The absolute lifetime: a session ends at most that long after its
//! creation, however active, and its item's expiry never goes past it.

use std::time::Duration;

use actix_session::storage::SessionStore;
use actix_web::cookie::time::Duration as Ttl;
use session_store::{DynamoDbSessionStore, Operation};

use test_support::emulator::Gap;

use crate::common::{copy, now, number, scan, state, store, store_with};

const LIFETIME: Duration = Duration::from_secs(3);

async fn only_item_times(store: &DynamoDbSessionStore) -> (i64, i64) {
    let items = scan(store).await;
    let [item] = items.as_slice() else {
        panic!("{} items", items.len())
    };
    (number(item, "created"), number(item, "expires"))
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_however_active() {
    let store = store_with(|b| b.absolute_lifetime(LIFETIME).touch_interval(Duration::ZERO)).await;
    let idle = Ttl::seconds(60);
    let key = store
        .save(state(&[("user", "alice")]), &idle)
        .await
        .unwrap();
    let (created, _) = only_item_times(&store).await;
    let ends = created + LIFETIME.as_secs() as i64;
    // Active all along: a read and a touch every half second.
    let mut loaded_after_its_end = false;
    while now() <= ends + 1 {
        let loaded = store.load(&key).await.unwrap();
        if now() >= ends {
            loaded_after_its_end |= loaded.is_some();
        } else {
            assert!(loaded.is_some(), "alive before its end");
            store.update_ttl(&key, &idle).await.unwrap();
        }
        match scan(&store).await.as_slice() {
            [item] => {
                let expires = number(item, "expires");
                assert!(
                    expires <= ends,
                    "the expiry {expires} never goes past the end {ends}"
                );
            }
            // Expired, and deleted by DynamoDB's TTL (ministack's reaper).
            [] if now() >= ends => {}
            items => panic!("{} items", items.len()),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        !loaded_after_its_end,
        "ended at created + lifetime, not idle"
    );
    // A change after the end is dropped: nothing is written.
    let before = store.operation_counts();
    store
        .update(copy(&key), state(&[("user", "mallory")]), &idle)
        .await
        .unwrap();
    assert_eq!(
        store
            .operation_counts()
            .since(&before)
            .calls(Operation::UpdateItem),
        0
    );
    assert!(store.load(&key).await.unwrap().is_none());
}

#[tokio::test]
async fn a_touch_without_a_remembered_load_reads_the_creation_time_to_cap_the_expiry() {
    let first = store_with(|b| b.absolute_lifetime(LIFETIME)).await;
    let idle = Ttl::seconds(60);
    let key = first
        .save(state(&[("user", "alice")]), &idle)
        .await
        .unwrap();
    // Another instance, which never loaded the session (as after its memory
    // of loads was pruned).
    let aws = test_support::local_aws().await;
    let second = DynamoDbSessionStore::builder(&aws.config, first.table())
        .absolute_lifetime(LIFETIME)
        .touch_interval(Duration::ZERO)
        .build();
    second.update_ttl(&key, &idle).await.unwrap();
    let used = second.operation_counts();
    assert_eq!(
        (
            used.calls(Operation::GetItem),
            used.calls(Operation::UpdateItem)
        ),
        (1, 1)
    );
    let (created, expires) = only_item_times(&first).await;
    assert!(
        expires <= created + LIFETIME.as_secs() as i64,
        "{expires} > {created} + 3"
    );
}

#[tokio::test]
async fn without_an_absolute_lifetime_a_touch_costs_no_read() {
    let store = store_with(|b| b.touch_interval(Duration::ZERO)).await;
    let idle = Ttl::seconds(60);
    let key = store
        .save(state(&[("user", "alice")]), &idle)
        .await
        .unwrap();
    let aws = test_support::local_aws().await;
    let other = DynamoDbSessionStore::builder(&aws.config, store.table())
        .touch_interval(Duration::ZERO)
        .build();
    other.update_ttl(&key, &idle).await.unwrap();
    let used = other.operation_counts();
    assert_eq!(
        (
            used.calls(Operation::GetItem),
            used.calls(Operation::UpdateItem)
        ),
        (0, 1)
    );
    let (created, expires) = only_item_times(&store).await;
    assert!(
        expires >= created + 59,
        "the idle lifetime alone: {expires}"
    );
}

/// A session past its expiry is never served, and DynamoDB's TTL deletes
/// its item (ministack's reaper runs every 60 s; AWS's within days).
#[tokio::test]
async fn an_expired_session_is_never_served_and_its_item_is_deleted_by_the_ttl() {
    let aws = test_support::local_aws().await;
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::seconds(1))
        .await
        .unwrap();
    let (_, expires) = only_item_times(&store).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let served = store.load(&key).await.unwrap().is_some();
        let stored = !scan(&store).await.is_empty();
        let now = now();
        assert!(
            !served || now < expires,
            "served at {now}, expired at {expires}"
        );
        if !stored {
            break;
        }
        if now > expires && aws.lacks(Gap::TtlDeletion) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still stored 90 s after saving, expired at {expires}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(now() >= expires, "deleted before its expiry");
}
