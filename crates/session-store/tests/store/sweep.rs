//! The sweep of expired items, for tables where TTL is off: bounded per
//! call, resumable, and only this store's expired items.

use actix_session::storage::SessionStore;
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::{DynamoDbSessionStore, Operation};

use crate::common::{Item, TTL, now, scan, state, store_with};

/// Sets the expiry of every item whose id starts with `prefix` to an hour
/// ago, as time would (the emulator never deletes by TTL).
async fn expire_items(store: &DynamoDbSessionStore, prefix: &str) {
    let key = |item: &Item| item["id"].as_s().unwrap().clone();
    for item in scan(store)
        .await
        .iter()
        .filter(|i| key(i).starts_with(prefix))
    {
        store
            .client()
            .update_item()
            .table_name(store.table())
            .key("id", item["id"].clone())
            .update_expression("SET expires = :past")
            .expression_attribute_values(":past", AttributeValue::N((now() - 3600).to_string()))
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_sweep_deletes_only_this_stores_expired_sessions_a_bounded_page_at_a_time() {
    let old = store_with(|b| b.key_prefix("old#")).await;
    let aws = test_support::local_aws().await;
    let other_app = DynamoDbSessionStore::builder(&aws.config, old.table())
        .key_prefix("other#")
        .build();
    let user = state(&[("user", "alice")]);
    for _ in 0..3 {
        old.save(user.clone(), &TTL).await.unwrap();
    }
    other_app.save(user.clone(), &TTL).await.unwrap();
    expire_items(&old, "old#").await;
    expire_items(&other_app, "other#").await;
    let live = old.save(user.clone(), &TTL).await.unwrap();

    // A call reads at most `limit` items; the cursor goes on from there.
    let before = old.operation_counts();
    let (mut from, mut deleted, mut calls) = (None, 0, 0);
    loop {
        let sweep = old.sweep_expired(from, 2).await.unwrap();
        assert!(sweep.scanned <= 2, "{sweep:?}");
        deleted += sweep.deleted;
        calls += 1;
        match sweep.next {
            Some(next) => from = Some(next),
            None => break,
        }
    }
    assert_eq!(deleted, 3, "the three expired sessions of this store");
    assert!(calls >= 3, "5 items, 2 a call: {calls} calls");
    let used = old.operation_counts().since(&before);
    assert_eq!(used.calls(Operation::Scan), calls);
    assert_eq!(used.calls(Operation::DeleteItem), 3);

    let left: Vec<String> = scan(&old)
        .await
        .iter()
        .map(|i| i["id"].as_s().unwrap().clone())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter().any(|id| id.starts_with("other#")),
        "another app's item is not this store's to sweep"
    );
    assert!(
        old.load(&live).await.unwrap().is_some(),
        "the live session is kept"
    );

    // Nothing expired is left: a second sweep deletes nothing.
    let again = old.sweep_expired(None, 100).await.unwrap();
    assert_eq!((again.deleted, again.next), (0, None));
}
