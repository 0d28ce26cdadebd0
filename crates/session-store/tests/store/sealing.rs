//! The state is sealed in the table: unreadable and unusable without the
//! session's cookie, compressed when large, and items from before sealing
//! are sealed on their first read.

use std::collections::HashMap;

use actix_session::storage::SessionStore;
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::Operation;

use crate::common::{TTL, copy, scan, set_only_item, state, store, without_store_fields};

/// The bytes of every attribute of every item, as a table export shows them.
async fn table_dump(store: &session_store::DynamoDbSessionStore) -> String {
    format!("{:?}", scan(store).await)
}

/// A state shaped like a Cognito login's: three JWTs whose header and
/// claims repeat, with random signatures.
fn token_state() -> HashMap<String, String> {
    let claims = "eyJzdWIiOiIxYjJjM2Q0ZS1hYWFhLWJiYmItY2NjYy0xMjM0NTY3ODkwYWIiLCJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLmV1LXdlc3QtMS5hbWF6b25hd3MuY29tL2V1LXdlc3QtMV9BYkNkRWZHaEkifQ";
    let token = |signature: usize| {
        format!(
            "eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.{claims}.{}",
            test_support::random_text(signature)
        )
    };
    let tokens = serde_json::json!({
        "id_token": token(342),
        "access_token": token(342),
        "refresh_token": token(1600),
    })
    .to_string();
    state(&[("user", "alice"), ("tokens", &tokens)])
}

#[tokio::test]
async fn a_table_dump_reveals_no_session_state() {
    let store = store().await;
    let secret = "refresh-token-that-must-not-leak";
    let key = store
        .save(state(&[("user", "alice"), ("token", secret)]), &TTL)
        .await
        .unwrap();
    let mut loaded = store.load(&key).await.unwrap().unwrap();
    loaded.insert("note".into(), "\"second-secret\"".into());
    store.update(copy(&key), loaded, &TTL).await.unwrap();

    let dump = table_dump(&store).await;
    for hidden in [secret, "token", "second-secret", "note"] {
        assert!(!dump.contains(hidden), "{hidden:?} is readable in {dump}");
    }
    // What listing a user's sessions needs stays readable.
    assert!(dump.contains("alice"), "{dump}");
    assert_eq!(
        store.load(&key).await.unwrap().unwrap()["token"],
        format!("\"{secret}\"")
    );
}

#[tokio::test]
async fn a_state_copied_from_another_session_is_no_session() {
    let store = store().await;
    let mallory = store
        .save(state(&[("user", "mallory")]), &TTL)
        .await
        .unwrap();
    let alice = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let items = scan(&store).await;
    let item_of = |user: &str| {
        items
            .iter()
            .find(|item| item["principal"].as_s().unwrap() == user)
            .unwrap()
            .clone()
    };
    // Someone with write access to the table gives alice's item mallory's state.
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key("id", item_of("alice")["id"].clone())
        .update_expression("SET #s = :s")
        .expression_attribute_names("#s", "state")
        .expression_attribute_values(":s", item_of("mallory")["state"].clone())
        .send()
        .await
        .unwrap();
    let before = store.operation_counts();
    assert_eq!(store.load(&alice).await.unwrap(), None);
    assert_eq!(store.operation_counts().since(&before).unreadable(), 1);
    // Mallory's own session is untouched.
    assert_eq!(
        store.load(&mallory).await.unwrap().unwrap()["user"],
        "\"mallory\""
    );
}

#[tokio::test]
async fn damaged_state_bytes_are_no_session() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    let mut bytes = scan(&store).await[0]["state"]
        .as_b()
        .unwrap()
        .clone()
        .into_inner();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    set_only_item(&store, "state", AttributeValue::B(bytes.into())).await;
    assert_eq!(store.load(&key).await.unwrap(), None);
    set_only_item(&store, "state", AttributeValue::B(vec![1, 0, 3].into())).await;
    assert_eq!(store.load(&key).await.unwrap(), None);
    assert_eq!(store.operation_counts().unreadable(), 2);
}

#[tokio::test]
async fn a_state_stored_in_the_clear_is_sealed_on_its_first_read() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    // The layout of versions before sealing: a map of JSON texts.
    let clear = AttributeValue::M(HashMap::from([
        ("user".to_owned(), AttributeValue::S("\"alice\"".into())),
        ("cart".to_owned(), AttributeValue::S("[1,2]".into())),
    ]));
    set_only_item(&store, "state", clear).await;

    let before = store.operation_counts();
    let first = store.load(&key).await.unwrap().unwrap();
    let used = store.operation_counts().since(&before);
    assert_eq!(
        (
            used.calls(Operation::GetItem),
            used.calls(Operation::UpdateItem)
        ),
        (1, 1),
        "read, then written again sealed"
    );
    assert!(scan(&store).await[0]["state"].is_b());
    assert!(!table_dump(&store).await.contains("cart"));

    // Later reads cost one GetItem again, and the state is the same.
    let before = store.operation_counts();
    let second = store.load(&key).await.unwrap().unwrap();
    let used = store.operation_counts().since(&before);
    assert_eq!((used.total_calls(), used.writes()), (1, 0));
    assert_eq!(without_store_fields(second.clone())["cart"], "[1,2]");
    assert_eq!(
        without_store_fields(first),
        without_store_fields(second.clone())
    );

    // Its version moved with the rewrite: a change over it is written at once.
    let mut changed = second;
    changed.insert("cart".into(), "[1,2,3]".into());
    let before = store.operation_counts();
    store.update(copy(&key), changed, &TTL).await.unwrap();
    assert_eq!(store.operation_counts().since(&before).writes(), 1);
    assert_eq!(store.load(&key).await.unwrap().unwrap()["cart"], "[1,2,3]");
}

#[tokio::test]
async fn a_large_state_is_stored_compressed() {
    let store = store().await;
    let tokens = token_state();
    let json_bytes: usize = tokens.iter().map(|(k, v)| k.len() + v.len()).sum();
    let key = store.save(tokens.clone(), &TTL).await.unwrap();
    let sealed = scan(&store).await[0]["state"]
        .as_b()
        .unwrap()
        .as_ref()
        .len();
    assert!(
        sealed * 10 < json_bytes * 9,
        "{sealed} bytes sealed for {json_bytes} bytes of state"
    );
    assert_eq!(
        without_store_fields(store.load(&key).await.unwrap().unwrap()),
        tokens
    );
}
