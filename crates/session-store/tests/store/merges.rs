//! No lost updates: requests that change one session at once each keep
//! their change (the same field: the last writer wins), and none brings an
//! ended session back.

use actix_session::storage::SessionStore;
use session_store::{Operation, VERSION_FIELD};

use crate::common::{TTL, copy, number, scan, state, store};

fn field(state: &std::collections::HashMap<String, String>, name: &str) -> Option<String> {
    state.get(name).map(|v| serde_json::from_str(v).unwrap())
}

#[tokio::test]
async fn concurrent_changes_of_distinct_fields_are_all_kept() {
    let store = store().await;
    let key = store
        .save(
            state(&[("user", "alice"), ("a", "1"), ("b", "1"), ("c", "1")]),
            &TTL,
        )
        .await
        .unwrap();
    // Two requests load the same version, then each changes its own field.
    let mut first = store.load(&key).await.unwrap().unwrap();
    let mut second = store.load(&key).await.unwrap().unwrap();
    first.insert("a".into(), "\"2\"".into());
    second.insert("b".into(), "\"2\"".into());
    second.remove("c");
    store.update(copy(&key), first, &TTL).await.unwrap();
    let before = store.operation_counts();
    store.update(copy(&key), second, &TTL).await.unwrap();
    // The second was refused once, read the session again and merged.
    let used = store.operation_counts().since(&before);
    assert_eq!(used.calls(Operation::UpdateItem), 2);
    assert_eq!(used.refused(Operation::UpdateItem), 1);
    assert_eq!(used.calls(Operation::GetItem), 1);

    let now = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        field(&now, "a").as_deref(),
        Some("2"),
        "the first request's change"
    );
    assert_eq!(field(&now, "b").as_deref(), Some("2"), "the second's");
    assert_eq!(field(&now, "c"), None, "the second's removal");
    assert_eq!(field(&now, "user").as_deref(), Some("alice"));
    assert_eq!(now[VERSION_FIELD], "3", "saved at 1, changed twice");
}

#[tokio::test]
async fn concurrent_changes_of_one_field_leave_the_last_writers() {
    let store = store().await;
    let key = store.save(state(&[("a", "1")]), &TTL).await.unwrap();
    let mut first = store.load(&key).await.unwrap().unwrap();
    let mut second = store.load(&key).await.unwrap().unwrap();
    first.insert("a".into(), "\"first\"".into());
    second.insert("a".into(), "\"second\"".into());
    store.update(copy(&key), first, &TTL).await.unwrap();
    store.update(copy(&key), second, &TTL).await.unwrap();
    let now = store.load(&key).await.unwrap().unwrap();
    assert_eq!(field(&now, "a").as_deref(), Some("second"));
}

#[tokio::test]
async fn many_requests_at_once_each_keep_their_field_at_one_write_each() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let loaded: Vec<_> = futures_join(&store, &key, 8).await;
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
    // In one process they queue, each over the state the one before wrote:
    // one write each, none refused, no re-read.
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
async fn requests_of_two_processes_at_once_each_keep_their_field() {
    let one = store().await;
    let aws = test_support::local_aws().await;
    let other = session_store::DynamoDbSessionStore::builder(&aws.config, one.table()).build();
    let key = one.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    // All load the same version, then all write at once.
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

/// `n` loads of the session before any of them writes.
async fn futures_join(
    store: &session_store::DynamoDbSessionStore,
    key: &actix_session::storage::SessionKey,
    n: usize,
) -> Vec<std::collections::HashMap<String, String>> {
    let mut loaded = Vec::new();
    for _ in 0..n {
        loaded.push(store.load(key).await.unwrap().unwrap());
    }
    loaded
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

#[tokio::test]
async fn an_item_from_before_versions_is_changed_and_gets_one() {
    let store = store().await;
    let key = store.save(state(&[("a", "1")]), &TTL).await.unwrap();
    let id = scan(&store).await[0]["id"].clone();
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key("id", id)
        .update_expression("REMOVE version")
        .send()
        .await
        .unwrap();
    let mut loaded = store.load(&key).await.unwrap().unwrap();
    assert_eq!(loaded[VERSION_FIELD], "0");
    loaded.insert("a".into(), "2".into());
    let before = store.operation_counts();
    store.update(copy(&key), loaded, &TTL).await.unwrap();
    assert_eq!(
        store
            .operation_counts()
            .since(&before)
            .calls(Operation::UpdateItem),
        1
    );
    let items = scan(&store).await;
    assert_eq!(number(&items[0], "version"), 1);
    assert_eq!(store.load(&key).await.unwrap().unwrap()["a"], "2");
}
