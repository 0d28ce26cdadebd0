//! No lost updates: a request writes only the fields it changed, so
//! requests that change one session at once each keep their change (the
//! same field: the last writer wins), at one write each, and none brings an
//! ended session back.

use std::collections::HashMap;

use actix_session::storage::{SessionKey, SessionStore};
use session_store::{DynamoDbSessionStore, LOADED_FIELD, Operation};

use crate::common::{TTL, copy, only_item, scan, state, store};

fn field(state: &HashMap<String, String>, name: &str) -> Option<String> {
    state.get(name).map(|v| serde_json::from_str(v).unwrap())
}

/// `n` loads of the session before any of them writes.
async fn loads(
    store: &DynamoDbSessionStore,
    key: &SessionKey,
    n: usize,
) -> Vec<HashMap<String, String>> {
    let mut loaded = Vec::new();
    for _ in 0..n {
        loaded.push(store.load(key).await.unwrap().unwrap());
    }
    loaded
}

#[tokio::test]
async fn concurrent_changes_of_distinct_fields_are_all_kept_at_one_write_each() {
    let store = store().await;
    let key = store
        .save(
            state(&[("user", "alice"), ("a", "1"), ("b", "1"), ("c", "1")]),
            &TTL,
        )
        .await
        .unwrap();
    // Two requests load the same state, then each changes its own field.
    let [mut first, mut second] = loads(&store, &key, 2).await.try_into().unwrap();
    first.insert("a".into(), "\"2\"".into());
    second.insert("b".into(), "\"2\"".into());
    second.remove("c");
    let before = store.operation_counts();
    store.update(copy(&key), first, &TTL).await.unwrap();
    store.update(copy(&key), second, &TTL).await.unwrap();
    // No version to race for: neither was refused, neither read again.
    let used = store.operation_counts().since(&before);
    assert_eq!(
        (
            used.calls(Operation::UpdateItem),
            used.refused(Operation::UpdateItem),
            used.calls(Operation::GetItem)
        ),
        (2, 0, 0)
    );

    let now = store.load(&key).await.unwrap().unwrap();
    assert_eq!(field(&now, "a").as_deref(), Some("2"), "the first's change");
    assert_eq!(field(&now, "b").as_deref(), Some("2"), "the second's");
    assert_eq!(field(&now, "c"), None, "the second's removal");
    assert_eq!(field(&now, "user").as_deref(), Some("alice"));
}

#[tokio::test]
async fn concurrent_changes_of_one_field_leave_the_last_writers() {
    let store = store().await;
    let key = store.save(state(&[("a", "1")]), &TTL).await.unwrap();
    let [mut first, mut second] = loads(&store, &key, 2).await.try_into().unwrap();
    first.insert("a".into(), "\"first\"".into());
    second.insert("a".into(), "\"second\"".into());
    store.update(copy(&key), first, &TTL).await.unwrap();
    store.update(copy(&key), second, &TTL).await.unwrap();
    let now = store.load(&key).await.unwrap().unwrap();
    assert_eq!(field(&now, "a").as_deref(), Some("second"));
}

#[tokio::test]
async fn a_field_a_request_left_alone_keeps_what_another_wrote_since_its_load() {
    let store = store().await;
    let key = store
        .save(state(&[("a", "1"), ("b", "1")]), &TTL)
        .await
        .unwrap();
    let [mut slow, mut fast] = loads(&store, &key, 2).await.try_into().unwrap();
    fast.insert("a".into(), "\"2\"".into());
    store.update(copy(&key), fast, &TTL).await.unwrap();
    // The slow request still holds a = 1, as loaded; it changes only b.
    slow.insert("b".into(), "\"2\"".into());
    store.update(copy(&key), slow, &TTL).await.unwrap();
    let now = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        (field(&now, "a").as_deref(), field(&now, "b").as_deref()),
        (Some("2"), Some("2"))
    );
}

#[tokio::test]
async fn many_requests_at_once_each_keep_their_field_at_one_write_each() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let loaded = loads(&store, &key, 8).await;
    let before = store.operation_counts();
    let writes = loaded.into_iter().enumerate().map(|(i, mut s)| {
        let store = store.clone();
        let key = copy(&key);
        s.insert(format!("field{i}"), format!("{i}"));
        tokio::spawn(async move { store.update(key, s, &TTL).await.unwrap() })
    });
    for write in writes.collect::<Vec<_>>() {
        write.await.unwrap();
    }
    let used = store.operation_counts().since(&before);
    assert_eq!(
        (
            used.calls(Operation::UpdateItem),
            used.refused(Operation::UpdateItem),
            used.calls(Operation::GetItem)
        ),
        (8, 0, 0)
    );
    let now = store.load(&key).await.unwrap().unwrap();
    for i in 0..8 {
        assert_eq!(
            now.get(&format!("field{i}")).map(String::as_str),
            Some(&*i.to_string()),
            "{now:?}"
        );
    }
}

#[tokio::test]
async fn a_state_marked_changed_but_equal_to_its_load_writes_nothing() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let mut loaded = store.load(&key).await.unwrap().unwrap();
    // `session.insert("user", "alice")` again: actix-session calls update.
    loaded.insert("user".into(), "\"alice\"".into());
    let before = store.operation_counts();
    store.update(copy(&key), loaded, &TTL).await.unwrap();
    assert_eq!(store.operation_counts().since(&before).total_calls(), 0);
}

#[tokio::test]
async fn a_cleared_state_replaces_every_field() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice"), ("a", "1")]), &TTL)
        .await
        .unwrap();
    let [mut clearing, mut other] = loads(&store, &key, 2).await.try_into().unwrap();
    other.insert("b".into(), "1".into());
    store.update(copy(&key), other, &TTL).await.unwrap();
    // `session.clear()`, then one field: the record of the load goes too.
    clearing.clear();
    clearing.insert("fresh".into(), "1".into());
    store.update(copy(&key), clearing, &TTL).await.unwrap();
    let mut now = store.load(&key).await.unwrap().unwrap();
    assert!(now.remove(LOADED_FIELD).is_some());
    assert!(now.remove(session_store::HANDLE_FIELD).is_some());
    assert_eq!(now, HashMap::from([("fresh".into(), "1".into())]));
    assert!(
        !only_item(&store).await.contains_key("principal"),
        "the user left the index with the field"
    );
}

#[tokio::test]
async fn the_principal_follows_the_request_that_changed_its_field() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let [mut login, mut view] = loads(&store, &key, 2).await.try_into().unwrap();
    login.insert("user".into(), "\"bob\"".into());
    view.insert("views".into(), "1".into());
    store.update(copy(&key), login, &TTL).await.unwrap();
    // The page view loaded alice, but did not change the user.
    store.update(copy(&key), view, &TTL).await.unwrap();
    assert_eq!(only_item(&store).await["principal"].as_s().unwrap(), "bob");
    assert_eq!(store.list_sessions("bob").await.unwrap().len(), 1);
    assert!(store.list_sessions("alice").await.unwrap().is_empty());
}

#[tokio::test]
async fn requests_of_two_processes_at_once_each_keep_their_field() {
    let one = store().await;
    let aws = test_support::local_aws().await;
    let other = DynamoDbSessionStore::builder(&aws.config, one.table()).build();
    let key = one.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    // All load the same state, then all write at once.
    let stores = [&one, &other, &one, &other, &one, &other];
    let mut loaded = Vec::new();
    for store in stores {
        loaded.push(store.load(&key).await.unwrap().unwrap());
    }
    let mut writes = Vec::new();
    for (i, (store, mut state)) in stores.into_iter().zip(loaded).enumerate() {
        state.insert(format!("field{i}"), format!("{i}"));
        let (store, key) = (store.clone(), copy(&key));
        writes.push(tokio::spawn(async move {
            store.update(key, state, &TTL).await.unwrap()
        }));
    }
    for write in writes {
        write.await.unwrap();
    }
    let now = one.load(&key).await.unwrap().unwrap();
    for i in 0..6 {
        assert_eq!(
            now.get(&format!("field{i}")),
            Some(&i.to_string()),
            "{now:?}"
        );
    }
}

#[tokio::test]
async fn a_change_racing_a_logout_never_brings_the_session_back() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let mut request = store.load(&key).await.unwrap().unwrap();
    store.delete(&key).await.unwrap();
    request.insert("views".into(), "2".into());
    store.update(copy(&key), request, &TTL).await.unwrap();
    assert!(scan(&store).await.is_empty(), "no item written back");
}
