//! What DynamoDB cannot hold is refused before any write.

use actix_session::storage::{SessionStore, UpdateError};
use session_store::StoreError;

use crate::common::{TTL, cause_of, copy, scan, state, store};

#[tokio::test]
async fn a_session_too_large_for_an_item_is_refused_and_nothing_is_written() {
    let store = store().await;
    let huge = test_support::random_text(600 * 1024);
    let err = store
        .save(state(&[("blob", &huge)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(cause_of(&err), StoreError::TooLarge { .. }));
    assert!(scan(&store).await.is_empty());

    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let err = store
        .update(copy(&key), state(&[("blob", &huge)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(err, UpdateError::Other(_)), "{err:?}");
    assert!(err.to_string().contains("updating"), "{err}");
    let kept = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        kept.get("user").map(String::as_str),
        Some("\"alice\""),
        "the item is unchanged"
    );
}

#[tokio::test]
async fn a_principal_too_long_for_the_index_is_refused_and_nothing_is_written() {
    // DynamoDB refuses an index key over 2048 bytes; the store says so before
    // any call, on update too (which the emulator would let through).
    let store = store().await;
    let long = "u".repeat(2049);
    let err = store
        .save(state(&[("user", &long)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(
        cause_of(&err),
        StoreError::PrincipalTooLong { bytes: 2049 }
    ));
    assert!(scan(&store).await.is_empty());

    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let before = store.operation_counts();
    let err = store
        .update(copy(&key), state(&[("user", &long)]), &TTL)
        .await
        .unwrap_err();
    assert!(matches!(err, UpdateError::Other(_)), "{err:?}");
    assert_eq!(store.operation_counts().since(&before).total_calls(), 0);
    let kept = store.load(&key).await.unwrap().unwrap();
    assert_eq!(kept["user"], "\"alice\"", "the item is unchanged");

    // No session can have such a principal, or an empty one: nothing to list.
    let before = store.operation_counts();
    assert!(store.list_sessions(&long).await.unwrap().is_empty());
    assert!(store.list_sessions("").await.unwrap().is_empty());
    assert_eq!(store.operation_counts().since(&before).total_calls(), 0);

    // The longest principal the index takes is stored and listed.
    let longest = "u".repeat(2048);
    store
        .save(state(&[("user", &longest)]), &TTL)
        .await
        .unwrap();
    assert_eq!(store.list_sessions(&longest).await.unwrap().len(), 1);
}
