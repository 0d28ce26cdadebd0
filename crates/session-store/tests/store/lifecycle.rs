//! A session's life in the store: saved, loaded, updated, deleted, expired;
//! never brought back once ended.

use std::time::Duration;

use actix_session::storage::{LoadError, SessionKey, SessionStore};
use actix_web::cookie::time::Duration as Ttl;
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::{HANDLE_FIELD, Operation};

use crate::common::{
    TTL, copy, now, number, scan, set_only_item, state, store, store_with, without_store_fields,
};

#[tokio::test]
async fn save_then_load_round_trips_through_an_item_keyed_by_a_hash() {
    let store = store().await;
    let saved = state(&[("user", "alice"), ("views", "3")]);
    let key = store.save(saved.clone(), &TTL).await.unwrap();
    assert!(key.as_ref().len() >= 22, "at least 128 bits of key");

    let loaded = store.load(&key).await.unwrap().expect("the session");
    assert_eq!(without_store_fields(loaded), saved);

    let items = scan(&store).await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    let id = item["id"].as_s().unwrap();
    assert_eq!(id.len(), 64, "the id is a SHA-256 of the key, not the key");
    assert!(!id.contains(key.as_ref()));
    let expires = number(item, "expires");
    assert!((now() + 55..=now() + 61).contains(&expires), "{expires}");
    assert_eq!(
        crate::common::fields_of(item).len(),
        2,
        "each field sealed on its own (see sealing.rs)"
    );
    assert_eq!(item["principal"].as_s().unwrap(), "alice");
    assert_eq!(number(item, "created"), number(item, "touched"));
}

#[tokio::test]
async fn load_of_an_unknown_key_is_absent() {
    let store = store().await;
    let key = SessionKey::try_from("no-such-session".to_owned()).unwrap();
    assert_eq!(store.load(&key).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_item_still_in_the_table_is_absent() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    // DynamoDB deletes expired items up to days later (the emulator never).
    set_only_item(
        &store,
        "expires",
        AttributeValue::N((now() - 1).to_string()),
    )
    .await;
    assert_eq!(store.load(&key).await.unwrap(), None);
    assert_eq!(scan(&store).await.len(), 1, "the item is still there");
}

#[tokio::test]
async fn a_malformed_item_is_a_deserialization_error() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    set_only_item(&store, "fields", AttributeValue::N("42".into())).await;
    match store.load(&key).await {
        Err(LoadError::Deserialization(e)) => assert!(e.to_string().contains("fields"), "{e}"),
        other => panic!("expected a deserialization error, got {other:?}"),
    }
}

#[tokio::test]
async fn update_changes_state_and_extends_expiry() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::seconds(10))
        .await
        .unwrap();
    let mut loaded = store.load(&key).await.unwrap().unwrap();
    loaded.insert("views".into(), "2".into());
    let same = store.update(copy(&key), loaded, &TTL).await.unwrap();
    assert_eq!(same.as_ref(), key.as_ref());
    let item = &scan(&store).await[0];
    assert!(number(item, "expires") >= now() + 55);
    let loaded = store.load(&key).await.unwrap().unwrap();
    assert_eq!(loaded["views"], "2");
    assert_eq!(
        loaded[HANDLE_FIELD],
        format!("\"{}\"", item["id"].as_s().unwrap()),
        "the handle is derived from the key, not stored"
    );

    // Logging out (principal field removed) drops the indexed attribute.
    let mut loaded = store.load(&key).await.unwrap().unwrap();
    loaded.remove("user");
    store.update(copy(&key), loaded, &TTL).await.unwrap();
    assert!(!scan(&store).await[0].contains_key("principal"));
}

#[tokio::test]
async fn update_after_delete_writes_nothing() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let loaded = store.load(&key).await.unwrap().unwrap();
    store.delete(&key).await.unwrap();
    let before = store.operation_counts();
    store
        .update(copy(&key), loaded, &TTL)
        .await
        .expect("dropped, not an error");
    assert!(
        scan(&store).await.is_empty(),
        "no session under the old key nor a new one"
    );
    assert_eq!(store.load(&key).await.unwrap(), None);
    let spent = store.operation_counts().since(&before);
    assert_eq!(spent.calls(Operation::UpdateItem), 1);
    assert_eq!(spent.calls(Operation::PutItem), 0);
    assert_eq!(spent.refused(Operation::UpdateItem), 1);
    assert_eq!(
        spent.failures(Operation::UpdateItem),
        0,
        "a refused condition is not a failure"
    );
}

#[tokio::test]
async fn update_of_an_expired_session_writes_nothing() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::seconds(0))
        .await
        .unwrap();
    store
        .update(copy(&key), state(&[("user", "mallory")]), &TTL)
        .await
        .unwrap();
    let item = &scan(&store).await[0];
    assert_eq!(item["principal"].as_s().unwrap(), "alice", "not revived");
    assert_eq!(store.load(&key).await.unwrap(), None);
}

#[tokio::test]
async fn update_ttl_after_delete_leaves_no_ghost_item() {
    let store = store_with(|b| b.touch_interval(Duration::ZERO)).await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    store.load(&key).await.unwrap().unwrap();
    store.delete(&key).await.unwrap();
    store.update_ttl(&key, &TTL).await.unwrap();
    assert!(scan(&store).await.is_empty());
}

#[tokio::test]
async fn delete_is_idempotent() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    store.delete(&key).await.unwrap();
    store.delete(&key).await.unwrap();
    assert!(scan(&store).await.is_empty());
}

#[tokio::test]
async fn the_longest_lifetime_saturates_instead_of_overflowing() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice")]), &Ttl::MAX)
        .await
        .unwrap();
    assert!(store.load(&key).await.unwrap().is_some());
    store
        .update(copy(&key), state(&[("user", "bob")]), &Ttl::MAX)
        .await
        .unwrap();
    let items = scan(&store).await;
    assert_eq!(number(&items[0], "expires"), i64::MAX);
    let sessions = store.list_sessions("bob").await.unwrap();
    assert_eq!(sessions.len(), 1);
}
