//! The state is sealed in the table, field by field: unreadable and
//! unusable without the session's cookie, compressed when large, and items
//! of earlier layouts are written again in this one on their first read.

use std::collections::HashMap;

use actix_session::storage::SessionStore;
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::Operation;

use crate::common::{
    TTL, copy, fields_of, only_item, scan, set_only_item, state, store, without_store_fields,
};

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
        .expression_attribute_names("#s", "fields")
        .expression_attribute_values(":s", item_of("mallory")["fields"].clone())
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
async fn damaged_field_bytes_are_no_session() {
    let store = store().await;
    let key = store
        .save(state(&[("user", "alice"), ("cart", "[1]")]), &TTL)
        .await
        .unwrap();
    let fields = fields_of(&only_item(&store).await);
    let damaged = |change: &dyn Fn(&mut Vec<u8>)| {
        let mut fields = fields.clone();
        let bytes = fields.values_mut().next().unwrap();
        change(bytes);
        AttributeValue::M(
            fields
                .into_iter()
                .map(|(k, v)| (k, AttributeValue::B(v.into())))
                .collect(),
        )
    };
    set_only_item(
        &store,
        "fields",
        damaged(&|b| *b.last_mut().unwrap() ^= 0x40),
    )
    .await;
    assert_eq!(store.load(&key).await.unwrap(), None);
    set_only_item(&store, "fields", damaged(&|b| *b = vec![2, 0, 3])).await;
    assert_eq!(store.load(&key).await.unwrap(), None);
    // A field moved under another field's name does not open either.
    let mut swapped = fields.clone();
    let names: Vec<_> = swapped.keys().cloned().collect();
    let first = swapped.remove(&names[0]).unwrap();
    let second = swapped.insert(names[1].clone(), first).unwrap();
    swapped.insert(names[0].clone(), second);
    let swapped = swapped
        .into_iter()
        .map(|(k, v)| (k, AttributeValue::B(v.into())))
        .collect();
    set_only_item(&store, "fields", AttributeValue::M(swapped)).await;
    assert_eq!(store.load(&key).await.unwrap(), None);
    assert_eq!(store.operation_counts().unreadable(), 3);
}

#[tokio::test]
async fn field_names_are_not_in_the_table() {
    let store = store().await;
    store
        .save(
            state(&[("shopping_cart", "[1]"), ("mfa_pending", "true")]),
            &TTL,
        )
        .await
        .unwrap();
    let item = only_item(&store).await;
    let dump = format!("{item:?}");
    for name in ["shopping_cart", "mfa_pending"] {
        assert!(!dump.contains(name), "{name} is readable in {dump}");
    }
    assert_eq!(fields_of(&item).len(), 2);
}

/// Replaces the one item's fields by `legacy` under `state`, as the
/// layout before sealing stored them.
async fn store_in_the_clear(store: &session_store::DynamoDbSessionStore, legacy: AttributeValue) {
    let item = only_item(store).await;
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key("id", item["id"].clone())
        .update_expression("SET #s = :s, #v = :v REMOVE #f")
        .expression_attribute_names("#s", "state")
        .expression_attribute_names("#v", "version")
        .expression_attribute_names("#f", "fields")
        .expression_attribute_values(":s", legacy)
        .expression_attribute_values(":v", AttributeValue::N("4".into()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_state_stored_in_the_clear_is_sealed_field_by_field_on_its_first_read() {
    let store = store().await;
    let key = store.save(state(&[("user", "alice")]), &TTL).await.unwrap();
    // The layout of versions before sealing: a map of JSON texts.
    let clear = AttributeValue::M(HashMap::from([
        ("user".to_owned(), AttributeValue::S("\"alice\"".into())),
        ("cart".to_owned(), AttributeValue::S("[1,2]".into())),
    ]));
    store_in_the_clear(&store, clear).await;

    let before = store.operation_counts();
    let first = store.load(&key).await.unwrap().unwrap();
    let used = store.operation_counts().since(&before);
    assert_eq!(
        (
            used.calls(Operation::GetItem),
            used.calls(Operation::UpdateItem)
        ),
        (1, 1),
        "read, then written again in fields"
    );
    let item = only_item(&store).await;
    assert_eq!(fields_of(&item).len(), 2);
    assert!(!item.contains_key("state") && !item.contains_key("version"));
    assert!(!table_dump(&store).await.contains("cart"));

    // Later reads cost one GetItem again, and the state is the same.
    let before = store.operation_counts();
    let second = store.load(&key).await.unwrap().unwrap();
    let used = store.operation_counts().since(&before);
    assert_eq!((used.total_calls(), used.writes()), (1, 0));
    assert_eq!(without_store_fields(second.clone())["cart"], "[1,2]");
    assert_eq!(
        without_store_fields(first.clone()),
        without_store_fields(second)
    );

    // The first load's state changes one field at once.
    let mut changed = first;
    changed.insert("cart".into(), "[1,2,3]".into());
    let before = store.operation_counts();
    store.update(copy(&key), changed, &TTL).await.unwrap();
    assert_eq!(store.operation_counts().since(&before).writes(), 1);
    let now = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        (now["cart"].as_str(), now["user"].as_str()),
        ("[1,2,3]", "\"alice\"")
    );
}

#[tokio::test]
async fn a_large_field_is_stored_compressed() {
    let store = store().await;
    let tokens = token_state();
    let json_bytes = tokens["tokens"].len();
    let key = store.save(tokens.clone(), &TTL).await.unwrap();
    let sealed = fields_of(&only_item(&store).await)
        .into_values()
        .map(|bytes| bytes.len())
        .max()
        .unwrap();
    assert!(
        sealed * 10 < json_bytes * 9,
        "{sealed} bytes sealed for {json_bytes} bytes of tokens"
    );
    assert_eq!(
        without_store_fields(store.load(&key).await.unwrap().unwrap()),
        tokens
    );
}
